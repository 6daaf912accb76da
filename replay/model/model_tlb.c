// SPDX-License-Identifier: MIT
/*
 * model_tlb.c - when TLB invalidations happen, per driver (rules->tlb):
 *
 *   MTLB_BIND_JOB     xe: a bind job that removed or changed PTEs ends with
 *                     one invalidation per GT (xe_pt.c unbind_op_prepare ->
 *                     needs_invalidation; --model-param=gts=N). Maps into
 *                     unused ranges do not invalidate.
 *   MTLB_NEXT_SUBMIT  amdgpu GFX9+: an update that unmapped advances the VM's
 *                     tlb_seq (amdgpu_vm_update_range, amdgpu_vm_tlb_flush);
 *                     the next job on each VM hub flushes once in its ring
 *                     (amdgpu_vmid_grab, amdgpu_vm_flush). Plain maps never
 *                     flush. Compute VMs and GFX8 are not modelled.
 *   MTLB_PER_UNMAP    msm (msm_iommu_pagetable_unmap: one flush per unmap),
 *                     panthor (flush after every map and unmap op,
 *                     panthor_vm_flush_range), nouveau (per unmap, an
 *                     estimate: not verified in nvkm).
 */
#include "model_priv.h"

static uint64_t flushes_now(struct vmb_model *m, struct mvm *vm, const struct mbind_acc *acc)
{
	switch (m->rules->tlb) {
	case MTLB_BIND_JOB:
		return acc->flush ? max_u64(m->cfg.params.gts, 1) : 0;
	case MTLB_NEXT_SUBMIT:
		if (acc->flush && vm)
			vm->tlb_seq++;
		return 0;
	case MTLB_PER_UNMAP:
		return acc->removals + (m->rules->tlb_on_map ? acc->maps : 0);
	}
	return 0;
}

/**
 * model_tlb_bind_job() - invalidations at the end of a bind job (or a clear
 * job) with the accounting @acc, counted
 *
 * Return: their simulated cost on the job (ns).
 */
uint64_t model_tlb_bind_job(struct vmb_model *m, struct mvm *vm, const struct mbind_acc *acc)
{
	uint64_t n = flushes_now(m, vm, acc);

	m->c.tlb_flushes += n;
	return n * m->cfg.params.tlb_flush_ns;
}

/**
 * model_tlb_cpu() - invalidations after page-table work done on the CPU
 * (notifier zaps, msm's close, object free); @vm may be NULL (several VMs)
 *
 * Return: their simulated cost (ns).
 */
uint64_t model_tlb_cpu(struct vmb_model *m, struct mvm *vm, const struct mbind_acc *acc)
{
	return model_tlb_bind_job(m, vm, acc);
}

/**
 * model_tlb_submit() - the lazy flush before a job whose VM's page tables
 * changed since its hub last flushed (amdgpu); 0 for other policies
 *
 * Return: the flush's simulated cost on the job (ns).
 */
uint64_t model_tlb_submit(struct vmb_model *m, struct mvm *vm, const struct mqueue *q)
{
	unsigned hub = q->engine == VMB_ENGINE_COPY; /* SDMA is on the MM hub */

	if (m->rules->tlb != MTLB_NEXT_SUBMIT || vm->tlb_flushed[hub] == vm->tlb_seq)
		return 0;
	vm->tlb_flushed[hub] = vm->tlb_seq;
	m->c.tlb_flushes++;
	return m->cfg.params.tlb_flush_ns;
}
