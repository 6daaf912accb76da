// SPDX-License-Identifier: MIT
/*
 * model_lifetime.c - what keeps a BO and its memory alive, under each
 * --refcount value (SEMANTICS.md §1, docs/model.md "Lifetime"):
 *
 *   hard         a mapping holds its vm_bo, the vm_bo holds the BO: a closed,
 *                still-mapped BO is a zombie until its last mapping goes
 *   weak         closing the handle removes the closing file's mappings;
 *                how is the driver's (rules->weak_close): amdgpu queues a
 *                page-table clear job and returns (amdgpu_gem_object_close,
 *                amdgpu_vm_clear_freed); msm waits for the BO to be idle,
 *                then unmaps (msm_gem_close, v6.17+)
 *   weak-free    mappings live until the BO object is freed: last handle
 *                closed and last submit using it completed (msm <= v6.16)
 *   submit-vmbo  hard, but a mapping the kernel made for a submit is held by
 *                that submit and dropped when it completes (seed 003)
 *
 * Under every value a submit holds its BOs until its job completes, and a
 * freed BO's memory comes back only when every fence on it has signaled:
 * the bytes in between are "fence-held". Time-driven changes (a job
 * completing) are events on a min-heap, run as simulated time passes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

/* track the peaks of BO bytes, zombie bytes, fence-held and all held bytes */
void mbo_note_bytes(struct vmb_model *m)
{
	struct vmb_counters *c = &m->c;

	c->peak_bo_bytes = max_u64(c->peak_bo_bytes, m->bo_bytes);
	c->peak_zombie_bytes = max_u64(c->peak_zombie_bytes, m->zombie_bytes);
	c->peak_fence_held_bytes = max_u64(c->peak_fence_held_bytes, m->fence_held_bytes);
	c->peak_held_bytes = max_u64(c->peak_held_bytes, m->zombie_bytes + m->fence_held_bytes);
}

static enum mheld mbo_held_state(const struct mbo *bo)
{
	if (bo->open)
		return MHELD_NONE;
	for (const struct mvmbo *vb = bo->vmbos; vb; vb = vb->bo_next)
		if (vb->holds_bo)
			return MHELD_ZOMBIE;
	return bo->fence_ref ? MHELD_FENCE : MHELD_NONE;
}

static void held_account(struct vmb_model *m, const struct mbo *bo, enum mheld state, bool add)
{
	switch (state) {
	case MHELD_ZOMBIE:
		m->zombie_bytes = add ? m->zombie_bytes + bo->size : m->zombie_bytes - bo->size;
		m->n_zombies = add ? m->n_zombies + 1 : m->n_zombies - 1;
		break;
	case MHELD_FENCE:
		m->fence_held_bytes =
		    add ? m->fence_held_bytes + bo->size : m->fence_held_bytes - bo->size;
		break;
	case MHELD_NONE:
		break;
	}
}

/**
 * mbo_update_held() - re-evaluate what keeps a closed BO alive (zombie:
 * mappings; fence-held: pending GPU work) after its references changed
 */
void mbo_update_held(struct vmb_model *m, struct mbo *bo)
{
	enum mheld now = mbo_held_state(bo);
	bool counted = bo->open || now == MHELD_ZOMBIE;

	if (bo->counted && !counted)
		m->bo_bytes -= bo->size;
	bo->counted = counted;
	if (now == bo->held)
		return;
	held_account(m, bo, bo->held, false);
	held_account(m, bo, now, true);
	bo->held = now;
	mbo_note_bytes(m);
}

/* events: a binary min-heap on the event time */
static void ev_swap(struct mevent *a, struct mevent *b)
{
	struct mevent t = *a;

	*a = *b;
	*b = t;
}

/** model_event_add() - schedule @ev (copied); 0 or -ENOMEM */
int model_event_add(struct vmb_model *m, const struct mevent *ev)
{
	uint32_t i;

	if (m->n_ev == m->cap_ev) {
		uint32_t cap = m->cap_ev ? m->cap_ev * 2 : 64;
		struct mevent *e = realloc(m->ev, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		m->ev = e;
		m->cap_ev = cap;
	}
	i = m->n_ev++;
	m->ev[i] = *ev;
	while (i && m->ev[(i - 1) / 2].t > m->ev[i].t) {
		ev_swap(&m->ev[(i - 1) / 2], &m->ev[i]);
		i = (i - 1) / 2;
	}
	return 0;
}

static struct mevent ev_pop(struct vmb_model *m)
{
	struct mevent top = m->ev[0];
	uint32_t i = 0;

	m->ev[0] = m->ev[--m->n_ev];
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, s = i;

		if (l < m->n_ev && m->ev[l].t < m->ev[s].t)
			s = l;
		if (r < m->n_ev && m->ev[r].t < m->ev[s].t)
			s = r;
		if (s == i)
			break;
		ev_swap(&m->ev[s], &m->ev[i]);
		i = s;
	}
	return top;
}

/* a closed BO's last GPU work completed: drop the reference it held */
static void ev_fence_put(struct vmb_model *m, const struct mevent *ev)
{
	struct mbo *bo = ev->bo;

	if (bo->resv_ns > ev->t) { /* more work was queued on it since */
		struct mevent again = *ev;

		again.t = bo->resv_ns;
		if (!model_event_add(m, &again))
			return;
	}
	bo->fence_ref = false;
	mbo_update_held(m, bo);
	mbo_put(m, bo);
}

/* submit-vmbo: the submits holding an implicit mapping have completed */
static void ev_implicit_put(struct vmb_model *m, const struct mevent *ev)
{
	struct mvm *vm = ev->vm;
	struct vmb_gpuva *va = vm->gpuvm ? vmb_gpuvm_find_first(vm->gpuvm, ev->va, 1) : NULL;
	struct mva *mv = va ? va->priv : NULL;

	if (mv && (va->flags & MVA_IMPLICIT) && va->va == ev->va && mv->hold_until <= ev->t) {
		struct mbind_acc acc = {0};

		model_va_teardown(m, va, &acc);
		m->c.pte_writes += acc.pte_writes;
		m->c.implicit_unmaps++;
		model_tlb_cpu(m, vm, &acc);
	}
	mvm_put(m, vm);
}

/**
 * model_events_run() - carry out every event due by @until, in time order
 * @m: model
 * @until: simulated time (UINT64_MAX: everything, at the end of a run)
 */
void model_events_run(struct vmb_model *m, uint64_t until)
{
	while (m->n_ev && m->ev[0].t <= until) {
		struct mevent ev = ev_pop(m);

		switch (ev.kind) {
		case MEV_RELEASE:
			m->fence_held_bytes -= ev.bytes;
			break;
		case MEV_FENCE_PUT:
			ev_fence_put(m, &ev);
			break;
		case MEV_IMPLICIT_PUT:
			ev_implicit_put(m, &ev);
			break;
		}
	}
}

/** model_events_free() - drop pending events (model teardown) */
void model_events_free(struct vmb_model *m)
{
	free(m->ev);
	m->ev = NULL;
	m->n_ev = m->cap_ev = 0;
}

/*
 * The BO object is freed. Under weak-free its mappings die with it (every
 * VM: msm <= v6.16 put_iova_vmas() on free). Its memory comes back when
 * every fence on it has signaled (TTM's delayed delete).
 */
void mbo_put(struct vmb_model *m, struct mbo *bo)
{
	uint64_t release;

	if (--bo->refs)
		return;
	bo->refs = 1; /* alive while its mappings are torn down */
	if (bo->gem_vas) {
		struct mbind_acc acc = {0};

		m->c.implicit_unmaps += model_bo_unmap_in_vm(m, bo, NULL, &acc, MLOOKUP_CLOSE);
		m->c.pte_writes += acc.pte_writes;
		model_tlb_cpu(m, NULL, &acc);
	}
	bo->refs = 0;
	held_account(m, bo, bo->held, false);
	bo->held = MHELD_NONE;
	if (bo->counted)
		m->bo_bytes -= bo->size;
	release = max_u64(max_u64(bo->resv_ns, bo->move_ns), bo->unmap_done_ns);
	if (release > m->now && !m->finished) {
		struct mevent ev = {.t = release, .kind = MEV_RELEASE, .bytes = bo->size};

		if (!model_event_add(m, &ev))
			m->fence_held_bytes += bo->size;
	}
	mbo_note_bytes(m);
	if (bo->private_vm)
		mvm_put(m, bo->private_vm);
	if (m->bos[bo->id] == bo)
		m->bos[bo->id] = NULL;
	free(bo);
}

/* does a vm_bo of @bo in @vm hold the BO (SEMANTICS.md §1)? */
static bool vmbo_holds_bo(const struct vmb_model *m, const struct mvm *vm, const struct mbo *bo)
{
	switch (m->cfg.strat.refcount) {
	case VMB_REF_WEAK:
		/* another file's mapping: that file's own handle keeps the BO */
		return vm->id != bo->home_vm;
	case VMB_REF_WEAK_FREE:
		return false;
	case VMB_REF_HARD:
	case VMB_REF_SUBMIT_VMBO:
	default:
		return true;
	}
}

/* drm_gpuvm_bo_obtain(): find the (VM, BO) pair or create it */
struct mvmbo *mvmbo_obtain(struct vmb_model *m, struct mvm *vm, struct mbo *bo)
{
	struct mvmbo *vb;

	for (vb = bo->vmbos; vb; vb = vb->bo_next)
		if (vb->vm == vm)
			return vb;
	vb = calloc(1, sizeof(*vb));
	if (!vb)
		return NULL;
	if (!bo->home_vm)
		bo->home_vm = vm->id;
	vb->vm = vm;
	vb->bo = bo;
	vb->holds_bo = vmbo_holds_bo(m, vm, bo);
	vb->extobj = bo->private_vm != vm;
	vm->refs++;
	vm->n_extobj += vb->extobj;
	if (vb->holds_bo)
		bo->refs++;
	MLIST_ADD(bo->vmbos, vb, bo);
	MLIST_ADD(vm->vmbos, vb, vm);
	return vb;
}

/* drop one link reference; the pair dies with its last mapping */
void mvmbo_put(struct vmb_model *m, struct mvmbo *vb)
{
	struct mbo *bo = vb->bo;

	if (--vb->refs)
		return;
	MLIST_DEL(bo->vmbos, vb, bo);
	MLIST_DEL(vb->vm->vmbos, vb, vm);
	vb->vm->n_extobj -= vb->extobj;
	mvm_put(m, vb->vm);
	if (vb->holds_bo) {
		free(vb);
		mbo_update_held(m, bo);
		mbo_put(m, bo);
	} else {
		free(vb);
	}
}

/* msm legacy close: wait on the CPU for the BO, then unmap it in @vm */
static void weak_close_blocking(struct vmb_model *m, struct mbo *bo, struct mvm *vm)
{
	struct mbind_acc acc = {0};
	uint64_t idle = max_u64(bo->resv_ns, m->now);

	m->c.stall_by_cause[VMB_STALL_CLOSE] += idle - m->now;
	m->now = idle;
	m->c.implicit_unmaps += model_bo_unmap_in_vm(m, bo, vm, &acc, MLOOKUP_CLOSE);
	m->c.pte_writes += acc.pte_writes;
	m->now += acc.cpu_ns + acc.pte_writes * m->cfg.params.pte_ns + model_tlb_cpu(m, vm, &acc);
}

/*
 * amdgpu close: the file's mappings go to the VM's freed list and a
 * page-table clear job runs on the VM's update queue. Under implicit sync it
 * waits for the VM's submissions; under explicit (seed 002 rule 2) it does
 * not, the BO keeps those submissions' fences and the VM's next submit must
 * wait for the clear. The clear fence is added to the BO.
 */
static void weak_close_clear_job(struct vmb_model *m, struct mbo *bo, struct mvm *vm)
{
	const struct vmb_model_params *p = &m->cfg.params;
	struct mbind_acc acc = {0};
	struct mwaits w = {0};
	uint64_t declared, start, done;

	m->c.implicit_unmaps += model_bo_unmap_in_vm(m, bo, vm, &acc, MLOOKUP_CLOSE);
	m->now += acc.cpu_ns;
	m->c.pte_writes += acc.pte_writes;
	declared = max_u64(m->now, vm->bind_free_ns);
	if (m->cfg.strat.sync == VMB_SYNC_IMPLICIT)
		mwaits_add(&w, VMB_STALL_CLOSE, vm->resv_ns);
	mwaits_apply(m, &w, declared, &start);
	done =
	    start + p->bind_job_ns + acc.pte_writes * p->pte_ns + model_tlb_bind_job(m, vm, &acc);
	vm->bind_free_ns = done;
	vm->last_bind_done_ns = max_u64(vm->last_bind_done_ns, done);
	vm->last_update_ns = max_u64(vm->last_update_ns, done);
	bo->resv_ns = max_u64(bo->resv_ns, done);
	bo->unmap_done_ns = max_u64(bo->unmap_done_ns, done);
	if (m->cfg.strat.sync == VMB_SYNC_EXPLICIT) {
		bo->resv_ns = max_u64(bo->resv_ns, vm->resv_ns);
		vm->forced_wait_ns = max_u64(vm->forced_wait_ns, max_u64(done, bo->resv_ns));
	}
	m->close_done_ns = max_u64(m->close_done_ns, done);
}

/**
 * mbo_close() - userspace closes its handle of @bo
 * @m: model
 * @bo: an open BO
 *
 * Explicit sync (seed 002 rule 2): closing a BO whose last unmap has not
 * completed makes that VM's next submit wait for the unmap and for every
 * job that could still access the memory (the BO's fences).
 */
void mbo_close(struct vmb_model *m, struct mbo *bo)
{
	struct mvm *home = bo->home_vm ? mvm_find(m, bo->home_vm) : NULL;

	if (m->cfg.strat.sync == VMB_SYNC_EXPLICIT && bo->unmap_done_ns > m->now) {
		struct mvm *vm = mvm_find(m, bo->unmap_vm);

		if (vm)
			vm->forced_wait_ns =
			    max_u64(vm->forced_wait_ns, max_u64(bo->unmap_done_ns, bo->resv_ns));
	}
	if (m->cfg.strat.refcount == VMB_REF_WEAK && home && bo->gem_vas) {
		if (m->rules->weak_close == MCLOSE_BLOCKING)
			weak_close_blocking(m, bo, home);
		else
			weak_close_clear_job(m, bo, home);
	}
	bo->open = false;
	if (m->bos[bo->id] == bo)
		m->bos[bo->id] = NULL; /* the id may be reused */
	/* the submits still using it hold it until their jobs complete */
	if (bo->resv_ns > m->now && !m->finished) {
		struct mevent ev = {.t = bo->resv_ns, .kind = MEV_FENCE_PUT, .bo = bo};

		if (!model_event_add(m, &ev)) {
			bo->refs++;
			bo->fence_ref = true;
		}
	}
	mbo_update_held(m, bo);
	mbo_put(m, bo); /* the handle */
}

/** model_bo_close() - the bo_close op: CPU time of the ioctl is its latency */
int model_bo_close(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	struct mbo *bo = mbo_find(m, call->op->u.bo.bo);

	if (!bo)
		return -ENOENT;
	m->close_done_ns = 0;
	mbo_close(m, bo);
	tm->done_ns = max_u64(m->now, m->close_done_ns); /* the clear job, if any */
	return 0;
}

/* a free range of @size in an implicit_va VM, from its allocation cursor on */
static int implicit_va_alloc(struct vmb_model *m, struct mvm *vm, uint64_t size, uint64_t *out)
{
	uint64_t page = m->cfg.page_size, va = vm->implicit_va_next;
	bool wrapped = false;

	for (;;) {
		struct vmb_gpuva *hit;

		va = (va + page - 1) & ~(page - 1);
		if (va < vm->va_start || va + size < va || va + size > vm->va_end) {
			if (wrapped)
				return -ENOSPC;
			wrapped = true;
			va = vm->va_start;
			continue;
		}
		if (!vmb_gpuvm_range_valid(vm->gpuvm, va, size)) {
			va += size;
			continue;
		}
		hit = vmb_gpuvm_find_first(vm->gpuvm, va, size);
		if (!hit) {
			*out = va;
			vm->implicit_va_next = va + size;
			return 0;
		}
		va = hit->va + hit->range;
	}
}

static struct mva *implicit_mapping(struct mvm *vm, struct mbo *bo)
{
	for (struct mvmbo *vb = bo->vmbos; vb; vb = vb->bo_next) {
		if (vb->vm != vm)
			continue;
		for (struct mva *mv = vb->vas; mv; mv = mv->vmbo_next)
			if (mv->va->flags & MVA_IMPLICIT)
				return mv;
	}
	return NULL;
}

/**
 * model_implicit_map() - a submit on an implicit_va VM uses @bo: the kernel
 * maps it whole at an address it chooses, unless a mapping made for an
 * earlier submit is still there (msm submit_pin_objects ->
 * msm_gem_get_and_pin_iova; msm_gem_vma.c)
 * @job_end: when the submit's job completes (submit-vmbo holds the mapping
 *     until then; 0 before it is known)
 *
 * Return: the CPU time the ioctl spends mapping (ns).
 */
uint64_t model_implicit_map(struct vmb_model *m, struct mvm *vm, struct mbo *bo, uint64_t job_end)
{
	struct mva *mv = implicit_mapping(vm, bo);
	struct mbind_acc acc = {0};
	uint64_t va;

	if (job_end) {
		struct mevent ev = {.t = job_end, .kind = MEV_IMPLICIT_PUT, .vm = vm};

		if (!mv || m->cfg.strat.refcount != VMB_REF_SUBMIT_VMBO)
			return 0;
		mv->hold_until = max_u64(mv->hold_until, job_end);
		ev.va = mv->va->va;
		if (!model_event_add(m, &ev))
			vm->refs++;
		return 0;
	}
	if (mv)
		return 0;
	if (implicit_va_alloc(m, vm, bo->size, &va))
		return 0;
	if (model_map_kernel(m, vm, bo, va, &acc))
		return 0;
	m->c.implicit_maps++;
	m->c.pte_writes += acc.pte_writes;
	return acc.pte_writes * m->cfg.params.pte_ns;
}

/**
 * model_vm_cycles() - closed BOs that only destroying @vm can free: kept by
 * mappings no uAPI names (implicit_va mappings under hard: seed 003's
 * loop), or VM-private BOs kept only by mappings in their own VM (the BO
 * holds the VM through the shared reservation, the VM holds the mapping,
 * the mapping's vm_bo holds the BO). Kernel-made mappings are counted when
 * the VM is destroyed (nothing else could have freed them); everything is
 * counted for VMs still alive at the end of the run.
 * @at_destroy: the VM is being destroyed (userspace could have unmapped its
 *     own mappings: only kernel-made ones count)
 */
uint64_t model_vm_cycles(struct vmb_model *m, struct mvm *vm, bool at_destroy)
{
	uint64_t cycles = 0;

	for (struct vmb_gpuva *va = vmb_gpuvm_first(vm->gpuvm); va; va = va->next) {
		struct mva *mv = va->priv;
		struct mvmbo *vb = mv ? mv->vmbo : NULL;
		struct mbo *bo = vb ? vb->bo : NULL;
		bool only_implicit = true, only_own = true;

		/* count each BO once: at its first vm_bo's first mapping */
		if (!bo || bo->held != MHELD_ZOMBIE || bo->vmbos != vb || vb->vas != mv)
			continue;
		for (struct mva *x = bo->gem_vas; x; x = x->gem_next) {
			only_implicit &= (x->va->flags & MVA_IMPLICIT) && x->vm == vm;
			only_own &= x->vm == bo->private_vm;
		}
		/* under submit-vmbo the last submit's completion drops them */
		if ((only_implicit && m->cfg.strat.refcount == VMB_REF_HARD) ||
		    (only_own && !at_destroy))
			cycles++;
	}
	return cycles;
}

/** model_count_cycles() - model_vm_cycles() over every VM still alive */
uint64_t model_count_cycles(struct vmb_model *m)
{
	uint64_t cycles = 0;

	for (uint32_t i = 0; i < m->n_vms; i++)
		if (m->vms[i])
			cycles += model_vm_cycles(m, m->vms[i], false);
	return cycles;
}
