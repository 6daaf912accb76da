// SPDX-License-Identifier: MIT
/*
 * model_userptr.c - mappings that lose their backing, and how they get it
 * back (--userptr, SEMANTICS.md §1, seed 004):
 *
 *   pin  registration cache: every page pinned with GUP at bind; an
 *        invalidation (munmap) sleeps in the notifier until the VM's jobs
 *        are done, then drops the pins; pinned pages cannot migrate
 *        (cpu_migrate is refused: userptr.migrations_blocked)
 *   hmm  HMM mirror: pages faulted in with hmm_range_fault at bind and at
 *        revalidation, nothing pinned. The notifier waits for every
 *        BOOKKEEP fence of the VM (xe_userptr.c xe_vma_userptr_invalidate:
 *        its jobs and pending binds); on a fault-mode VM the jobs are not
 *        there, so it waits for pending binds only, zaps, and the GPU
 *        faults the pages back in when a job touches them
 *
 * and BOs moved by memory pressure (evict): the copy runs behind the BO's
 * fences, every mapping of it becomes invalid (found through --bo-lookup),
 * and the VM's next submit rebinds them and waits for the copy.
 */
#include <errno.h>
#include <stdlib.h>

#include "model_priv.h"

/** mva_set_invalid() - put a mapping on or off its VM's rebind list */
void mva_set_invalid(struct mva *mv, bool invalid)
{
	struct mvm *vm = mv->vm;

	if (invalid == mv->on_inv)
		return;
	if (invalid) {
		MLIST_ADD(vm->invalid, mv, inv);
		mv->va->flags |= MVA_INVALID;
		vm->n_invalid++;
	} else {
		MLIST_DEL(vm->invalid, mv, inv);
		mv->va->flags &= ~(MVA_INVALID | MVA_FAULT);
		vm->n_invalid--;
	}
	mv->on_inv = invalid;
}

/**
 * model_userptr_bind_cpu() - getting @pages userptr pages at bind: GUP
 * (pin) or hmm_range_fault (hmm), in the ioctl
 *
 * Return: the simulated CPU time (ns).
 */
uint64_t model_userptr_bind_cpu(struct vmb_model *m, uint64_t pages)
{
	if (m->cfg.strat.userptr == VMB_USERPTR_PIN) {
		m->c.userptr_pinned_pages += pages;
		return pages * m->cfg.params.pin_page_ns;
	}
	m->c.userptr_fault_pages += pages;
	return pages * m->cfg.params.fault_page_ns;
}

/* what the notifier of @vm waits for before it may zap */
static uint64_t notifier_wait_until(struct vmb_model *m, const struct mvm *vm)
{
	if (m->cfg.strat.userptr == VMB_USERPTR_PIN)
		return vm->resv_ns; /* the GPU's DMA through the pinned pages */
	if (mvm_is_lr(vm))
		return vm->last_bind_done_ns; /* fault mode: exec jobs are not in the resv */
	return max_u64(vm->resv_ns, vm->last_bind_done_ns);
}

static bool overlaps(const struct vmb_gpuva *va, uint64_t addr, uint64_t end)
{
	return va->data < end && va->data + va->range > addr;
}

static bool any_userptr_over(struct vmb_model *m, uint64_t addr, uint64_t end)
{
	for (uint32_t i = 0; i < m->n_vms; i++)
		for (struct mva *mv = m->vms[i] ? m->vms[i]->userptrs : NULL; mv; mv = mv->up_next)
			if (overlaps(mv->va, addr, end))
				return true;
	return false;
}

/*
 * The kernel invalidated [addr, addr + size) of the CPU address space:
 * munmap (cpu_unmap) or a page migration (cpu_migrate). Every userptr
 * mapping over it is invalidated through its VM's notifier; the CPU blocks
 * in the notifier while it waits for the GPU.
 */
int model_cpu_invalidate(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_op *op = call->op;
	uint64_t addr = op->u.cpu_unmap.addr, end = addr + op->u.cpu_unmap.size;
	bool pin = m->cfg.strat.userptr == VMB_USERPTR_PIN;

	if (op->kind == VMB_OP_CPU_MIGRATE) {
		/* pinned pages cannot be moved: the kernel gives up */
		if (pin && any_userptr_over(m, addr, end)) {
			m->c.userptr_migrations_blocked++;
			tm->done_ns = m->now;
			return 0;
		}
		m->c.userptr_migrations++;
	}
	for (uint32_t i = 0; i < m->n_vms; i++) {
		struct mvm *vm = m->vms[i];
		struct mbind_acc acc = {0};
		uint64_t until;

		if (!vm)
			continue;
		for (struct mva *mv = vm->userptrs; mv; mv = mv->up_next) {
			if (!overlaps(mv->va, addr, end))
				continue;
			m->c.userptr_invalidations++;
			if (mv->on_inv)
				continue;
			acc.pte_writes += mv->va->range >> (mv->va->flags & MVA_PGSHIFT_MASK);
			acc.removals++;
			acc.flush = true;
		}
		if (!acc.removals)
			continue;
		until = notifier_wait_until(m, vm);
		if (until > m->now) {
			m->c.userptr_notifier_block_ns += until - m->now;
			m->now = until;
		}
		for (struct mva *mv = vm->userptrs; mv; mv = mv->up_next) {
			if (!overlaps(mv->va, addr, end) || mv->on_inv)
				continue;
			model_userptr_unpin(m, mv);
			mva_set_invalid(mv, true);
			if (!pin && mvm_is_lr(vm))
				mv->va->flags |= MVA_FAULT;
		}
		m->c.pte_writes += acc.pte_writes;
		m->now += acc.pte_writes * m->cfg.params.pte_ns + model_tlb_cpu(m, vm, &acc);
	}
	tm->done_ns = m->now;
	return 0;
}

/**
 * model_userptr_unpin() - drop the pins of a userptr mapping (pin only)
 */
void model_userptr_unpin(struct vmb_model *m, struct mva *mv)
{
	if ((mv->va->flags & MVA_USERPTR) && !mv->on_inv && m->cfg.strat.userptr == VMB_USERPTR_PIN)
		m->pinned_pages -= mv->va->range >> 12;
}

/*
 * Memory pressure moved the BO: the copy runs behind the BO's fences, and
 * every mapping of it (in every VM) must be rebound before its VM's next
 * submit, which waits for the copy.
 */
int model_evict(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	struct mbo *bo = mbo_find(m, call->op->u.evict.bo);
	struct vmb_gpuva **list;
	uint64_t lookup_ns = 0, n;

	if (!bo)
		return -ENOENT;
	m->c.evictions++;
	list = bo->n_vas ? malloc(bo->n_vas * sizeof(*list)) : NULL;
	if (bo->n_vas && !list)
		return -ENOMEM;
	if (m->cfg.strat.bo_lookup == VMB_LOOKUP_VMBO) {
		uint64_t nodes = 0;

		/* drm_gpuvm_bo_gem_evict: one node per VM's vm_bo */
		n = 0;
		for (struct mvmbo *vb = bo->vmbos; vb; vb = vb->bo_next) {
			nodes++;
			for (struct mva *mv = vb->vas; mv; mv = mv->vmbo_next)
				list[n++] = mv->va;
		}
		lookup_ns = model_lookup_cost(m, MLOOKUP_EVICT, nodes);
	} else {
		n = model_lookup_bo(m, bo, NULL, MLOOKUP_EVICT, list, &lookup_ns);
	}
	for (uint64_t i = 0; i < n; i++)
		mva_set_invalid(list[i]->priv, true);
	free(list);
	bo->move_ns = max_u64(max_u64(bo->resv_ns, bo->move_ns), m->now + lookup_ns) +
		      (bo->size >> 12) * m->cfg.params.evict_page_ns;
	bo->resv_ns = max_u64(bo->resv_ns, bo->move_ns);
	tm->done_ns = bo->move_ns;
	return 0;
}

/**
 * model_revalidate() - in a submit ioctl, rebind a VM's invalid mappings:
 * evicted BOs (the job then waits for the move), userptrs (GUP or
 * hmm_range_fault again); the kernel's own work, so each adds its end to
 * @w under its cause. Zapped userptrs of fault-mode VMs are left to the
 * GPU: their fault time goes to @gpu_fault_ns.
 *
 * Return: 0.
 */
uint64_t model_revalidate(struct vmb_model *m, struct mvm *vm, struct mwaits *w,
			  uint64_t *gpu_fault_ns)
{
	const struct vmb_model_params *p = &m->cfg.params;
	struct mva *mv;

	while ((mv = vm->invalid)) {
		struct vmb_gpuva *va = mv->va;
		uint64_t ptes = va->range >> (va->flags & MVA_PGSHIFT_MASK);
		uint64_t pages = va->range >> 12;
		bool fault = va->flags & MVA_FAULT;

		mva_set_invalid(mv, false);
		mv->bind_key = mv->bind_seq = 0; /* the kernel's own rebind */
		m->c.pte_writes += ptes;
		if (fault) {
			m->c.userptr_gpu_faults++;
			m->c.userptr_fault_pages += pages;
			*gpu_fault_ns += pages * p->fault_page_ns + ptes * p->pte_ns;
		} else if (va->flags & MVA_USERPTR) {
			m->c.userptr_revalidations++;
			m->now += ptes * p->pte_ns + model_userptr_bind_cpu(m, pages);
			if (m->cfg.strat.userptr == VMB_USERPTR_PIN) {
				m->pinned_pages += pages;
				m->c.pinned_pages_peak =
				    max_u64(m->c.pinned_pages_peak, m->pinned_pages);
			}
			mwaits_add(w, VMB_STALL_USERPTR, m->now);
		} else {
			m->c.evict_rebinds++;
			m->now += ptes * p->pte_ns;
			mwaits_add(w, VMB_STALL_EVICT, m->now);
			if (mv->vmbo)
				mwaits_add(w, VMB_STALL_EVICT, mv->vmbo->bo->move_ns);
		}
	}
	return 0;
}
