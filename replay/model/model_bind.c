/* SPDX-License-Identifier: MIT */
/*
 * model_bind.c - bind ops on the model: validation with the kernel's error
 * codes, the VA manager's map/remap/unmap steps turned into mapping
 * bookkeeping (vm_bo links, userptr lists), page-table costs, the waits the
 * kernel adds to a bind job (--sync and the driver's rules), the bind job on
 * its queue, and the canonical gpuvm op dump (DESIGN.md §7).
 *
 * Waits a bind job gets beyond its declared in-fences and its queue:
 *   implicit  removals wait for the VM's submissions (amdgpu_vm_bo_update,
 *             amdgpu_vm_clear_freed: AMDGPU_SYNC_EQ_OWNER on the root PD);
 *             maps wait only for the BO's move fences (AMDGPU_SYNC_EXPLICIT)
 *   async     maps wait for move fences (and, with rules->map_waits_vm_kernel,
 *   sync      the VM's KERNEL fences); a REMAP whose kept piece must be
 *             rewritten waits for every job of the VM when
 *             rules->remap_waits_bookkeep (xe_pt.c op_prepare), and the
 *             whole bind then counts as a KERNEL fence of the VM
 *   explicit  maps wait for move fences only (seed 002 rule 1)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model_priv.h"

static uint64_t host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/**
 * model_pgshift() - the page size the model assumes for a mapping: the
 * largest of 1 GiB, 2 MiB and 64 KiB to which the VA, the backing offset and
 * the range are all aligned, else the GPU page size
 */
unsigned model_pgshift(uint64_t page_size, uint64_t va, uint64_t range, uint64_t off)
{
	static const unsigned shifts[] = {30, 21, 16};
	unsigned base = (unsigned)__builtin_ctzll(page_size);

	for (unsigned i = 0; i < 3; i++) {
		uint64_t s = 1ull << shifts[i];

		if (shifts[i] > base && !(va & (s - 1)) && !(off & (s - 1)) && !(range & (s - 1)))
			return shifts[i];
	}
	return base;
}

static void dump_va(FILE *f, const char *name, const struct vmb_gpuva *va)
{
	fprintf(f, "%s(va=0x%" PRIx64 ",range=0x%" PRIx64 ",obj=%u,off=0x%" PRIx64 ")", name,
		va->va, va->range, va->obj, va->offset);
}

static void dump_remap(FILE *f, const struct vmb_gpuva *old, bool keep,
		       const struct vmb_gpuva *prev, const struct vmb_gpuva *next)
{
	fprintf(f,
		"  remap unmap(va=0x%" PRIx64 ",range=0x%" PRIx64 ",obj=%u,off=0x%" PRIx64
		",keep=%d) ",
		old->va, old->range, old->obj, old->offset, keep);
	if (prev)
		dump_va(f, "prev", prev);
	else
		fputc('-', f);
	fputc(' ', f);
	if (next)
		dump_va(f, "next", next);
	else
		fputc('-', f);
	fputc('\n', f);
}

static void dump_unmap(FILE *f, const struct vmb_gpuva *old, bool keep)
{
	fprintf(f,
		"  unmap va=0x%" PRIx64 " range=0x%" PRIx64 " obj=%u off=0x%" PRIx64 " keep=%d\n",
		old->va, old->range, old->obj, old->offset, keep);
}

static void dump_req_vm(struct vmb_model *m, struct mvm *vm)
{
	if (m->cfg.dump_vm)
		fprintf(m->cfg.dump, " vm=%u", vm->id);
	fputc('\n', m->cfg.dump);
}

static void pin_account(struct vmb_model *m, struct mva *mv, bool add)
{
	uint64_t pages;

	if (!(mv->va->flags & MVA_USERPTR) || (mv->va->flags & MVA_INVALID) ||
	    m->cfg.strat.userptr != VMB_USERPTR_PIN)
		return;
	pages = mv->va->range >> 12;
	if (add) {
		m->pinned_pages += pages;
		if (m->pinned_pages > m->c.pinned_pages_peak)
			m->c.pinned_pages_peak = m->pinned_pages;
	} else {
		m->pinned_pages -= pages;
	}
}

/* link a new mapping's bookkeeping: vm_bo, BO list, userptr list, refs */
static int mva_link(struct vmb_model *m, struct mvm *vm, struct vmb_gpuva *va, struct mvmbo *vb)
{
	struct mva *mv = calloc(1, sizeof(*mv));

	if (!mv)
		return -ENOMEM;
	mv->va = va;
	mv->vm = vm;
	mv->bind_key = m->cur.bind_key;
	mv->bind_seq = m->cur.bind_seq;
	va->priv = mv;
	if (vb) {
		struct mbo *bo = vb->bo;

		mv->vmbo = vb;
		vb->refs++;
		MLIST_ADD(vb->vas, mv, vmbo);
		MLIST_ADD(bo->gem_vas, mv, gem);
		bo->n_vas++;
	}
	if (va->flags & MVA_USERPTR) {
		MLIST_ADD(vm->userptrs, mv, up);
	}
	if (va->flags & MVA_INVALID)
		mva_set_invalid(mv, true);
	pin_account(m, mv, true);
	vm->refs++;
	vm->n_vas++;
	m->live_vas++;
	return 0;
}

/**
 * mva_unlink_all() - undo mva_link() and free the bookkeeping; may free the
 * vm_bo, the BO (hard) and the VM when they lose their last reference
 */
void mva_unlink_all(struct vmb_model *m, struct mva *mv)
{
	struct mvm *vm = mv->vm;
	struct mvmbo *vb = mv->vmbo;

	pin_account(m, mv, false);
	mva_set_invalid(mv, false);
	if (mv->va->flags & MVA_USERPTR)
		MLIST_DEL(vm->userptrs, mv, up);
	mv->va->priv = NULL;
	vm->n_vas--;
	m->live_vas--;
	if (vb) {
		struct mbo *bo = vb->bo;

		MLIST_DEL(vb->vas, mv, vmbo);
		MLIST_DEL(bo->gem_vas, mv, gem);
		bo->n_vas--;
		free(mv);
		mvmbo_put(m, vb);
	} else {
		free(mv);
	}
	mvm_put(m, vm);
}

static bool sync_is(const struct vmb_model *m, enum vmb_sync_mode mode)
{
	return m->cfg.strat.sync == mode;
}

/* note a BO whose mapping this bind job changes (explicit sync's free rule) */
static void acc_note_bo(uint32_t *list, uint32_t *n, uint32_t bo)
{
	for (uint32_t i = 0; i < *n; i++)
		if (list[i] == bo)
			return;
	if (*n < MBIND_MAX_UNMAPPED)
		list[(*n)++] = bo;
	else
		list[MBIND_MAX_UNMAPPED - 1] = 0; /* overflow: the VM as a whole */
}

/*
 * PTEs of @old go away over @bytes (or are kept, keep=1). Under implicit
 * sync a removal waits for the VM's submissions: page tables cannot change
 * under a running job of the VM.
 */
static void acc_removal(struct vmb_model *m, struct mvm *vm, const struct vmb_gpuva *old,
			uint64_t bytes, bool keep)
{
	struct mbind_acc *acc = m->acc;
	struct mva *mv = old->priv;
	unsigned shift = old->flags & MVA_PGSHIFT_MASK;

	if (keep) {
		acc->kept_bytes += bytes;
		return;
	}
	acc->pte_writes += bytes >> shift;
	acc->flush = true;
	acc->removals++;
	if (mv && mv->vmbo)
		acc_note_bo(acc->unmapped, &acc->n_unmapped, mv->vmbo->bo->id);
	if (sync_is(m, VMB_SYNC_IMPLICIT))
		mwaits_add(&acc->w, VMB_STALL_IMPLICIT, vm->resv_ns);
}

/* a map waits for the kernel's own fences: moves, and (xe) KERNEL binds */
static void acc_map_waits(struct vmb_model *m, struct mvm *vm, struct mbo *bo)
{
	struct mbind_acc *acc = m->acc;

	if (bo)
		mwaits_add(&acc->w, VMB_STALL_EVICT, bo->move_ns);
	if (m->rules->map_waits_vm_kernel &&
	    (sync_is(m, VMB_SYNC_ASYNC) || sync_is(m, VMB_SYNC_SYNC)))
		mwaits_add(&acc->w, VMB_STALL_VM_BOOKKEEP, vm->kernel_fence_ns);
}

static int step_map(void *priv, struct vmb_gpuva *va)
{
	struct mvm *vm = priv;
	struct vmb_model *m = vm->model;
	struct mvmbo *vb = NULL;
	unsigned shift;
	uint64_t writes;

	if (m->cfg.dump)
		fprintf(m->cfg.dump,
			"  map va=0x%" PRIx64 " range=0x%" PRIx64 " obj=%u off=0x%" PRIx64 "\n",
			va->va, va->range, va->obj, va->offset);
	shift = model_pgshift(m->cfg.page_size, va->va, va->range, va->offset);
	va->flags = shift | m->cur.kind;
	if (m->cur.kind & MVA_USERPTR)
		va->data = va->offset;
	if (m->cur.bo) {
		vb = mvmbo_obtain(m, vm, m->cur.bo);
		if (!vb)
			return -ENOMEM;
		acc_note_bo(m->acc->mapped, &m->acc->n_mapped, m->cur.bo->id);
	}
	if (!(m->cur.kind & MVA_IMPLICIT))
		acc_map_waits(m, vm, m->cur.bo);
	if (mva_link(m, vm, va, vb))
		return -ENOMEM;
	writes = va->range >> shift;
	m->acc->pte_writes += writes - min_u64(writes, m->acc->kept_bytes >> shift);
	m->acc->maps++;
	/* GUP (pin) or hmm_range_fault (hmm) of every page, in the ioctl */
	if (m->cur.kind & MVA_USERPTR)
		m->acc->cpu_ns += model_userptr_bind_cpu(m, va->range >> 12);
	return 0;
}

static int step_remap(void *priv, struct vmb_gpuva *old, bool keep, struct vmb_gpuva *prev,
		      struct vmb_gpuva *next)
{
	struct mvm *vm = priv;
	struct vmb_model *m = vm->model;
	struct mva *mv = old->priv;
	unsigned oshift = old->flags & MVA_PGSHIFT_MASK;
	uint64_t lo = max_u64(old->va, m->cur.req_va);
	uint64_t hi = min_u64(old->va + old->range, m->cur.req_end);
	struct vmb_gpuva *piece[2] = {prev, next};

	if (m->cfg.dump)
		dump_remap(m->cfg.dump, old, keep, prev, next);
	acc_removal(m, vm, old, hi > lo ? hi - lo : 0, keep);
	for (int i = 0; i < 2; i++) {
		struct vmb_gpuva *p = piece[i];
		uint64_t cut;
		unsigned pshift;
		bool rewrite;

		if (!p)
			continue;
		pshift = model_pgshift(m->cfg.page_size, p->va, p->range, p->offset);
		if (pshift > oshift)
			pshift = oshift;
		/*
		 * The kept piece keeps its page tables when the cut is aligned
		 * to the old mapping's page size; userptr pieces are always
		 * rebound (xe_vm.c vm_bind_ioctl_ops_parse, skip_prev/next).
		 */
		cut = i == 0 ? p->va + p->range : p->va;
		rewrite = (old->flags & MVA_USERPTR) || (cut & ((1ull << oshift) - 1));
		if (rewrite) {
			/* a split inside a large page rewrites it as smaller ones */
			m->acc->pte_writes += (old->flags & MVA_USERPTR)
						  ? p->range >> pshift
						  : 1ull << (oshift - pshift);
			if (m->rules->remap_waits_bookkeep &&
			    (sync_is(m, VMB_SYNC_ASYNC) || sync_is(m, VMB_SYNC_SYNC))) {
				mwaits_add(&m->acc->w, VMB_STALL_VM_BOOKKEEP,
					   max_u64(vm->resv_ns, vm->last_bind_done_ns));
				m->acc->bookkeep_wait = true;
			}
			m->acc->flush = true;
		}
		p->flags = (old->flags & ~MVA_PGSHIFT_MASK & ~MVA_INVALID) | pshift |
			   (old->flags & MVA_INVALID);
		if (mva_link(m, vm, p, mv ? mv->vmbo : NULL)) {
			/* the manager frees both pieces: unlink one already linked */
			if (i == 1 && prev && prev->priv)
				mva_unlink_all(m, prev->priv);
			return -ENOMEM;
		}
		if (!rewrite && mv) {
			struct mva *pm = p->priv;

			pm->bind_key = mv->bind_key;
			pm->bind_seq = mv->bind_seq;
		}
	}
	if (mv)
		mva_unlink_all(m, mv);
	return 0;
}

static int step_unmap(void *priv, struct vmb_gpuva *old, bool keep)
{
	struct mvm *vm = priv;
	struct vmb_model *m = vm->model;

	if (m->cfg.dump)
		dump_unmap(m->cfg.dump, old, keep);
	acc_removal(m, vm, old, old->range, keep);
	if (old->priv)
		mva_unlink_all(m, old->priv);
	return 0;
}

static const struct vmb_gpuvm_ops model_gpuvm_ops = {
    .step_map = step_map,
    .step_remap = step_remap,
    .step_unmap = step_unmap,
};

/** model_vm_gpuvm_init() - give a new VM its VA manager */
int model_vm_gpuvm_init(struct vmb_model *m, struct mvm *vm, uint64_t start, uint64_t range,
			uint64_t kstart, uint64_t krange)
{
	/*
	 * drm_gpuvm_init() only WARNs when start + range wraps (an end of 2^64
	 * included) and then refuses every request; refuse the VM instead.
	 */
	if (!range || start + range <= start)
		return -EINVAL;
	vm->gpuvm = vmb_gpuvm_create(start, range, kstart, krange, &model_gpuvm_ops, vm);
	return vm->gpuvm ? 0 : -ENOMEM;
}

static void refresh_gpuvm_counters(struct vmb_model *m, struct mvm *vm,
				   const struct vmb_gpuvm_stats *before)
{
	struct vmb_gpuvm_stats s;

	vmb_gpuvm_get_stats(vm->gpuvm, &s);
	m->c.gpuvm_requests += s.requests - before->requests;
	m->c.gpuvm_map += s.map - before->map;
	m->c.gpuvm_remap += s.remap - before->remap;
	m->c.gpuvm_unmap += s.unmap - before->unmap;
	m->c.gpuvm_keep += s.keep - before->keep;
}

/**
 * model_va_teardown() - remove one mapping outside any request (VM close,
 * UNMAP_ALL, weak close, object free): clear its PTEs, drop its references
 */
void model_va_teardown(struct vmb_model *m, struct vmb_gpuva *va, struct mbind_acc *acc)
{
	struct mva *mv = va->priv;

	acc->pte_writes += va->range >> (va->flags & MVA_PGSHIFT_MASK);
	acc->flush = true;
	acc->removals++;
	if (mv) {
		struct mvm *vm = mv->vm;

		if (mv->vmbo)
			acc_note_bo(acc->unmapped, &acc->n_unmapped, mv->vmbo->bo->id);
		/* keep the VM alive until the node is out of its tree */
		vm->refs++;
		mva_unlink_all(m, mv);
		vmb_gpuvm_remove(vm->gpuvm, va);
		mvm_put(m, vm);
	}
}

/**
 * model_bo_unmap_in_vm() - remove every mapping of @bo in @vm (every VM when
 * @vm is NULL), found the way --bo-lookup says (model_lookup.c); the nodes
 * visited are counted for @purpose and their cost added to @acc->cpu_ns
 *
 * Return: the number of mappings removed.
 */
uint64_t model_bo_unmap_in_vm(struct vmb_model *m, struct mbo *bo, struct mvm *vm,
			      struct mbind_acc *acc, enum mlookup purpose)
{
	struct vmb_gpuva **list;
	uint64_t n;

	if (!bo || !bo->n_vas)
		return 0;
	list = malloc(bo->n_vas * sizeof(*list));
	if (!list)
		return 0;
	n = model_lookup_bo(m, bo, vm, purpose, list, &acc->cpu_ns);
	for (uint64_t i = 0; i < n; i++) {
		if (m->cfg.dump && vm && purpose == MLOOKUP_UNMAP_ALL)
			dump_unmap(m->cfg.dump, list[i], false);
		model_va_teardown(m, list[i], acc);
	}
	free(list);
	return n;
}

/**
 * model_map_kernel() - a mapping the kernel makes by itself: a whole BO at
 * @va in @vm, for a submit on an implicit_va VM. Ordered before the submit
 * by construction (no bind job names it).
 *
 * Return: 0 or -errno from the VA manager.
 */
int model_map_kernel(struct vmb_model *m, struct mvm *vm, struct mbo *bo, uint64_t va,
		     struct mbind_acc *acc)
{
	struct vmb_gpuvm_stats before;
	struct mbind_acc *saved = m->acc;
	int ret;

	memset(&m->cur, 0, sizeof(m->cur));
	m->cur.bo = bo;
	m->cur.kind = MVA_IMPLICIT;
	m->cur.req_va = va;
	m->cur.req_end = va + bo->size;
	m->acc = acc;
	vmb_gpuvm_get_stats(vm->gpuvm, &before);
	ret = vmb_gpuvm_sm_map(vm->gpuvm, va, bo->size, bo->id, 0);
	refresh_gpuvm_counters(m, vm, &before);
	m->acc = saved;
	return ret;
}

/* the REQ line of one bind entry (map, map_null, map_userptr, unmap, unmap_all) */
static void dump_req(struct vmb_model *m, struct mvm *vm, const struct vmb_bind_entry *e)
{
	FILE *f = m->cfg.dump;

	switch (e->kind) {
	case VMB_BIND_MAP:
	case VMB_BIND_MAP_NULL:
	case VMB_BIND_MAP_USERPTR:
		fprintf(f, "REQ map va=0x%" PRIx64 " range=0x%" PRIx64 " obj=%u off=0x%" PRIx64,
			e->va, e->range, e->kind == VMB_BIND_MAP ? e->bo : 0,
			e->kind == VMB_BIND_MAP_NULL ? 0 : e->offset);
		break;
	case VMB_BIND_UNMAP:
		fprintf(f, "REQ unmap va=0x%" PRIx64 " range=0x%" PRIx64, e->va, e->range);
		break;
	case VMB_BIND_UNMAP_ALL:
		fprintf(f, "REQ unmap_all obj=%u", e->bo);
		break;
	default:
		return;
	}
	dump_req_vm(m, vm);
}

static bool aligned(const struct vmb_model *m, uint64_t v)
{
	return !(v & (m->cfg.page_size - 1));
}

/* the checks the kernel's bind ioctl makes before it touches anything */
static int check_entry(struct vmb_model *m, struct mvm *vm, const struct vmb_bind_entry *e)
{
	struct mbo *bo;

	switch (e->kind) {
	case VMB_BIND_MAP:
		bo = mbo_find(m, e->bo);
		if (!bo)
			return -ENOENT;
		if (bo->private_vm && bo->private_vm != vm)
			return -EINVAL;
		if (!aligned(m, e->offset) || e->offset + e->range < e->offset ||
		    e->offset + e->range > bo->size)
			return -EINVAL;
		break;
	case VMB_BIND_MAP_USERPTR:
		if (!aligned(m, e->offset))
			return -EINVAL;
		break;
	case VMB_BIND_UNMAP_ALL:
		return mbo_find(m, e->bo) ? 0 : -ENOENT;
	case VMB_BIND_MAP_NULL:
	case VMB_BIND_UNMAP:
	case VMB_BIND_PREFETCH:
		break;
	default:
		return -EINVAL;
	}
	if (!e->range || !aligned(m, e->va) || !aligned(m, e->range))
		return -EINVAL;
	/* the VA manager's own check: the request reaches it and fails there */
	if (e->kind != VMB_BIND_PREFETCH && !vmb_gpuvm_range_valid(vm->gpuvm, e->va, e->range)) {
		m->c.gpuvm_requests++;
		if (m->cfg.dump) {
			dump_req(m, vm, e);
			fprintf(m->cfg.dump, "  error %d\n", -EINVAL);
		}
		return -EINVAL;
	}
	return 0;
}

static int apply_entry(struct vmb_model *m, struct mvm *vm, const struct vmb_bind_entry *e)
{
	uint64_t t0 = host_ns();
	uint32_t key = m->cur.bind_key, seq = m->cur.bind_seq;
	int ret = 0;

	memset(&m->cur, 0, sizeof(m->cur));
	m->cur.bind_key = key;
	m->cur.bind_seq = seq;
	m->cur.req_va = e->va;
	m->cur.req_end = e->va + e->range;
	switch (e->kind) {
	case VMB_BIND_MAP:
	case VMB_BIND_MAP_NULL:
	case VMB_BIND_MAP_USERPTR: {
		uint32_t obj = 0;
		uint64_t off = 0;

		if (e->kind == VMB_BIND_MAP) {
			m->cur.bo = mbo_find(m, e->bo);
			obj = e->bo;
			off = e->offset;
		} else if (e->kind == VMB_BIND_MAP_USERPTR) {
			m->cur.kind = MVA_USERPTR;
			off = e->offset;
		} else {
			m->cur.kind = MVA_NULL;
		}
		if (m->cfg.dump)
			dump_req(m, vm, e);
		ret = vmb_gpuvm_sm_map(vm->gpuvm, e->va, e->range, obj, off);
		break;
	}
	case VMB_BIND_UNMAP:
		if (m->cfg.dump)
			dump_req(m, vm, e);
		ret = vmb_gpuvm_sm_unmap(vm->gpuvm, e->va, e->range);
		break;
	case VMB_BIND_UNMAP_ALL:
		if (m->cfg.dump)
			dump_req(m, vm, e);
		m->extra_requests++;
		m->extra_unmaps +=
		    model_bo_unmap_in_vm(m, mbo_find(m, e->bo), vm, m->acc, MLOOKUP_UNMAP_ALL);
		break;
	case VMB_BIND_PREFETCH:
		/* migration is not modelled; the request costs its job only */
		break;
	}
	if (ret && m->cfg.dump)
		fprintf(m->cfg.dump, "  error %d\n", ret);
	m->c.gpuvm_cpu_ns += host_ns() - t0;
	return ret;
}

/**
 * model_bind() - one bind ioctl: check every entry, apply them in order,
 * then schedule the bind job on its queue
 *
 * Return: 0 or -errno (nothing applied when a check fails).
 */
int model_bind(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_op *op = call->op;
	struct mvm *vm = mvm_find(m, op->u.bind.vm);
	struct mqueue *q = NULL;
	const struct vmb_sync *in = call->syncs, *out = VMB_POOL_AT(call->syncs, op->u.bind.n_in);
	struct vmb_gpuvm_stats before;
	struct mbind_acc acc = {0};
	const struct vmb_model_params *p = &m->cfg.params;
	uint64_t ready = 0, declared, start, done, cost;
	struct mknow *know, **qknow;
	uint32_t *qseq;
	int ret;

	if (!vm)
		return -ENOENT;
	if (op->u.bind.queue) {
		q = mqueue_find(m, op->u.bind.queue);
		if (!q)
			return -ENOENT;
		if (q->vm != vm)
			return -EINVAL;
	}
	ret = model_syncs_ready(m, in, op->u.bind.n_in, &ready);
	if (ret)
		return ret;
	ret = model_syncs_check_out(m, out, op->u.bind.n_out);
	if (ret)
		return ret;
	for (uint32_t i = 0; i < op->u.bind.n_binds; i++) {
		ret = check_entry(m, vm, &call->binds[i]);
		if (ret)
			return ret;
	}

	/* amdgpu's VA ioctl waits for its in-fences on the CPU */
	if (m->rules->bind_in_fences_cpu)
		m->now = max_u64(m->now, ready);
	m->now += p->bind_ioctl_ns * op->u.bind.n_binds;

	/* the job's place in its queue: what it is ordered after */
	qknow = q ? &q->know : &vm->bind_know;
	qseq = q ? &q->bind_seq : &vm->bind_seq;
	m->cur.bind_key = q ? q->id : MKNOW_VM_KEY(vm->id);
	m->cur.bind_seq = ++*qseq;

	vm->refs++; /* the VM must survive the teardown of its own mappings */
	vmb_gpuvm_get_stats(vm->gpuvm, &before);
	m->acc = &acc;
	for (uint32_t i = 0; i < op->u.bind.n_binds && !ret; i++) {
		uint32_t key = m->cur.bind_key, seq = m->cur.bind_seq;

		acc.kept_bytes = 0;
		ret = apply_entry(m, vm, &call->binds[i]);
		m->cur.bind_key = key;
		m->cur.bind_seq = seq;
	}
	m->acc = NULL;
	refresh_gpuvm_counters(m, vm, &before);
	m->now += acc.cpu_ns; /* UNMAP_ALL lookups, GUP or hmm faults */

	declared = max_u64(max_u64(m->now, ready), q ? q->free_ns : vm->bind_free_ns);
	tm->stall_ns = mwaits_apply(m, &acc.w, declared, &start);
	cost = p->bind_job_ns + acc.pte_writes * p->pte_ns + model_tlb_bind_job(m, vm, &acc);
	done = start + cost;
	if (q)
		q->free_ns = done;
	else
		vm->bind_free_ns = done;
	vm->last_bind_done_ns = max_u64(vm->last_bind_done_ns, done);

	know = model_syncs_know(m, in, op->u.bind.n_in, mknow_union(m->cpu_know, *qknow));
	know = mknow_with(know, m->cur.bind_key, m->cur.bind_seq);
	mknow_put(*qknow);
	*qknow = mknow_get(know);

	/* xe: a bind that waited for the VM's jobs is a KERNEL fence of the VM */
	if (acc.bookkeep_wait && !mvm_is_lr(vm)) {
		struct mknow *k = mknow_union(vm->kernel_know, know);

		vm->kernel_fence_ns = max_u64(vm->kernel_fence_ns, done);
		mknow_put(vm->kernel_know);
		vm->kernel_know = k;
	}
	/* amdgpu: clears and private BOs go to vm->last_update, others to their bo_va */
	if (acc.removals)
		vm->last_update_ns = max_u64(vm->last_update_ns, done);
	for (uint32_t i = 0; i < acc.n_mapped; i++) {
		struct mbo *bo = acc.mapped[i] ? mbo_find(m, acc.mapped[i]) : NULL;
		struct mvmbo *vb = NULL;

		for (vb = bo ? bo->vmbos : NULL; vb && vb->vm != vm; vb = vb->bo_next)
			;
		if (vb && bo->private_vm != vm)
			vb->last_update_ns = max_u64(vb->last_update_ns, done);
		else
			vm->last_update_ns = max_u64(vm->last_update_ns, done);
	}
	for (uint32_t i = 0; i < acc.n_unmapped; i++) {
		struct mbo *bo = acc.unmapped[i] ? mbo_find(m, acc.unmapped[i]) : NULL;

		if (bo) {
			bo->unmap_done_ns = max_u64(bo->unmap_done_ns, done);
			bo->unmap_vm = vm->id;
		}
	}
	m->c.pte_writes += acc.pte_writes;
	model_syncs_signal(m, out, op->u.bind.n_out, done, know);
	if (sync_is(m, VMB_SYNC_SYNC)) {
		struct mknow *k = mknow_union(m->cpu_know, know);

		m->now = max_u64(m->now, done);
		mknow_put(m->cpu_know);
		m->cpu_know = k;
	}
	mknow_put(know);
	tm->done_ns = done;
	tm->start_ns = start;
	mvm_put(m, vm);
	return ret;
}

/**
 * vmb_model_has_mapping() - is there a mapping starting at @va in VM @vm?
 * @m: model; @vm: VM id; @va: address
 */
bool vmb_model_has_mapping(const struct vmb_model *m, uint32_t vm, uint64_t va)
{
	const struct mvm *v = vm < m->n_vms ? m->vms[vm] : NULL;
	const struct vmb_gpuva *hit = v ? vmb_gpuvm_find_first(v->gpuvm, va, 1) : NULL;

	return hit && hit->va == va;
}

/**
 * vmb_model_bo_mappings() - the mappings of a BO, for userspace policies
 * that unbind before closing
 */
size_t vmb_model_bo_mappings(const struct vmb_model *m, uint32_t id, struct vmb_model_mapping *out,
			     size_t max)
{
	const struct mbo *bo = id < m->n_bos ? m->bos[id] : NULL;
	size_t n = 0;

	if (!bo)
		return 0;
	for (const struct mva *mv = bo->gem_vas; mv; mv = mv->gem_next) {
		if (n < max) {
			out[n].vm = mv->vm->id;
			out[n].va = mv->va->va;
			out[n].range = mv->va->range;
		}
		n++;
	}
	return n;
}
