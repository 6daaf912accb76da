/* SPDX-License-Identifier: MIT */
/*
 * model_userptr.c - mappings that lose their backing: userptr ranges the CPU
 * unmapped (mmu notifier, --userptr=hmm|pin) and BOs moved by memory
 * pressure (evict, found through --bo-lookup=vmbo|gem-list). Both leave
 * mappings invalid; the VM's next submit revalidates them.
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
	} else {
		MLIST_DEL(vm->invalid, mv, inv);
		mv->va->flags &= ~MVA_INVALID;
	}
	mv->on_inv = invalid;
}

/*
 * The CPU unmapped [addr, addr + size): every userptr mapping over it is
 * invalidated. Like xe's notifier, invalidation waits for the VM's jobs and
 * zaps the PTEs; under pin the pins are dropped, under hmm nothing was
 * pinned. The CPU blocks for it.
 */
int model_cpu_unmap(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	uint64_t addr = call->op->u.cpu_unmap.addr, end = addr + call->op->u.cpu_unmap.size;

	for (uint32_t i = 0; i < m->n_vms; i++) {
		struct mvm *vm = m->vms[i];
		uint64_t zapped = 0;

		if (!vm)
			continue;
		for (struct mva *mv = vm->userptrs; mv; mv = mv->up_next) {
			struct vmb_gpuva *va = mv->va;

			if (va->data >= end || va->data + va->range <= addr)
				continue;
			m->c.userptr_invalidations++;
			if (mv->on_inv)
				continue;
			if (m->cfg.strat.userptr == VMB_USERPTR_PIN)
				m->pinned_pages -= va->range >> 12;
			mva_set_invalid(mv, true);
			zapped += va->range >> (va->flags & MVA_PGSHIFT_MASK);
		}
		if (zapped) {
			m->now = max_u64(m->now, vm->resv_ns);
			m->now += zapped * m->cfg.params.pte_ns + m->cfg.params.tlb_flush_ns;
			m->c.pte_writes += zapped;
			m->c.tlb_flushes++;
		}
	}
	tm->done_ns = m->now;
	return 0;
}

/*
 * Memory pressure moved the BO: the copy runs behind the BO's fences, and
 * every mapping of it (in every VM) must be rebound before its VM's next
 * submit. The lookup walks either the BO's vm_bo list and their mapping
 * lists, or the BO's single list of mappings once per VM that has any.
 */
int model_evict(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	struct mbo *bo = mbo_find(m, call->op->u.evict.bo);

	if (!bo)
		return -ENOENT;
	m->c.evictions++;
	bo->resv_ns = max_u64(bo->resv_ns, m->now) + (bo->size >> 12) * m->cfg.params.evict_page_ns;
	if (m->cfg.strat.bo_lookup == VMB_LOOKUP_VMBO) {
		for (struct mvmbo *vb = bo->vmbos; vb; vb = vb->bo_next) {
			m->c.bo_lookup_nodes++;
			for (struct mva *mv = vb->vas; mv; mv = mv->vmbo_next) {
				m->c.bo_lookup_nodes++;
				mva_set_invalid(mv, true);
			}
		}
	} else {
		for (struct mvmbo *vb = bo->vmbos; vb; vb = vb->bo_next) {
			/* one pass over the BO's whole list per VM, filtering */
			for (struct mva *mv = bo->gem_vas; mv; mv = mv->gem_next) {
				m->c.bo_lookup_nodes++;
				if (mv->vm == vb->vm)
					mva_set_invalid(mv, true);
			}
		}
	}
	tm->done_ns = bo->resv_ns;
	return 0;
}

/**
 * model_revalidate() - rebind a VM's invalid mappings before a submit
 * @ready: raised to the completion of any BO move the job must wait for
 *
 * Return: the CPU time the ioctl spends on it (ns).
 */
uint64_t model_revalidate(struct vmb_model *m, struct mvm *vm, uint64_t *ready)
{
	const struct vmb_model_params *p = &m->cfg.params;
	uint64_t cpu = 0;
	struct mva *mv;

	while ((mv = vm->invalid)) {
		struct vmb_gpuva *va = mv->va;
		uint64_t ptes = va->range >> (va->flags & MVA_PGSHIFT_MASK);

		mva_set_invalid(mv, false);
		cpu += ptes * p->pte_ns;
		m->c.pte_writes += ptes;
		if (va->flags & MVA_USERPTR) {
			uint64_t pages = va->range >> 12;

			m->c.userptr_revalidations++;
			if (m->cfg.strat.userptr == VMB_USERPTR_PIN) {
				cpu += pages * p->pin_page_ns;
				m->pinned_pages += pages;
				if (m->pinned_pages > m->c.pinned_pages_peak)
					m->c.pinned_pages_peak = m->pinned_pages;
			} else {
				cpu += pages * p->fault_page_ns;
			}
		} else {
			m->c.evict_rebinds++;
			if (mv->vmbo)
				*ready = max_u64(*ready, mv->vmbo->bo->resv_ns);
		}
	}
	return cpu;
}
