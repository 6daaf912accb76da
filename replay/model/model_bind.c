/* SPDX-License-Identifier: MIT */
/*
 * model_bind.c - bind ops on the model: validation with the kernel's error
 * codes, the VA manager's map/remap/unmap steps turned into mapping
 * bookkeeping (vm_bo links, userptr lists), page-table and TLB costs, the
 * bind job on its queue, and the canonical gpuvm op dump (DESIGN.md §7).
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

/* implicit sync: removing PTEs waits for the BO's users and the VM's jobs */
static void acc_removal(struct vmb_model *m, struct mvm *vm, const struct vmb_gpuva *old,
			uint64_t bytes, bool keep)
{
	struct mbind_acc *acc = m->acc;
	struct mva *mv = old->priv;
	unsigned shift = old->flags & MVA_PGSHIFT_MASK;

	if (keep) {
		acc->kept_bytes += bytes;
	} else {
		acc->pte_writes += bytes >> shift;
		acc->flush = true;
	}
	if (mv && mv->vmbo) {
		acc->wait_ns = max_u64(acc->wait_ns, mv->vmbo->bo->resv_ns);
		if (acc->n_unmapped < MBIND_MAX_UNMAPPED)
			acc->unmapped[acc->n_unmapped++] = mv->vmbo->bo->id;
	}
	if (!keep)
		acc->wait_ns = max_u64(acc->wait_ns, vm->resv_ns);
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
		m->acc->wait_ns = max_u64(m->acc->wait_ns, m->cur.bo->resv_ns);
	}
	if (mva_link(m, vm, va, vb))
		return -ENOMEM;
	writes = va->range >> shift;
	m->acc->pte_writes += writes - min_u64(writes, m->acc->kept_bytes >> shift);
	if ((m->cur.kind & MVA_USERPTR) && m->cfg.strat.userptr == VMB_USERPTR_PIN)
		m->acc->pin_pages += va->range >> 12;
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
		unsigned pshift;

		if (!p)
			continue;
		pshift = model_pgshift(m->cfg.page_size, p->va, p->range, p->offset);
		if (pshift > oshift)
			pshift = oshift;
		/* a split inside a large page rewrites that page as smaller ones */
		if (pshift < oshift)
			m->acc->pte_writes += 1ull << (oshift - pshift);
		p->flags = (old->flags & ~MVA_PGSHIFT_MASK & ~MVA_INVALID) | pshift |
			   (old->flags & MVA_INVALID);
		if (mva_link(m, vm, p, mv ? mv->vmbo : NULL)) {
			/* the manager frees both pieces: unlink one already linked */
			if (i == 1 && prev && prev->priv)
				mva_unlink_all(m, prev->priv);
			return -ENOMEM;
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

/**
 * model_va_teardown() - remove one mapping outside any request (VM close,
 * UNMAP_ALL, weak BO free): clear its PTEs, drop its references
 */
void model_va_teardown(struct vmb_model *m, struct vmb_gpuva *va, struct mbind_acc *acc)
{
	struct mva *mv = va->priv;

	acc->pte_writes += va->range >> (va->flags & MVA_PGSHIFT_MASK);
	acc->flush = true;
	if (mv) {
		struct mvm *vm = mv->vm;

		if (mv->vmbo) {
			acc->wait_ns = max_u64(acc->wait_ns, mv->vmbo->bo->resv_ns);
			if (acc->n_unmapped < MBIND_MAX_UNMAPPED)
				acc->unmapped[acc->n_unmapped++] = mv->vmbo->bo->id;
		}
		acc->wait_ns = max_u64(acc->wait_ns, vm->resv_ns);
		/* keep the VM alive until the node is out of its tree */
		vm->refs++;
		mva_unlink_all(m, mv);
		vmb_gpuvm_remove(vm->gpuvm, va);
		mvm_put(m, vm);
	}
}

/**
 * model_bo_unmap_in_vm() - remove every mapping of @bo in @vm (every VM when
 * @vm is NULL), counting the list nodes the chosen --bo-lookup visits
 *
 * Return: the number of mappings removed.
 */
uint64_t model_bo_unmap_in_vm(struct vmb_model *m, struct mbo *bo, struct mvm *vm,
			      struct mbind_acc *acc)
{
	struct vmb_gpuva **list;
	uint64_t n = 0;

	if (!bo->n_vas)
		return 0;
	list = malloc(bo->n_vas * sizeof(*list));
	if (!list)
		return 0;
	if (m->cfg.strat.bo_lookup == VMB_LOOKUP_VMBO) {
		for (struct mvmbo *vb = bo->vmbos; vb; vb = vb->bo_next) {
			m->c.bo_lookup_nodes++;
			if (vm && vb->vm != vm)
				continue;
			for (struct mva *mv = vb->vas; mv; mv = mv->vmbo_next) {
				m->c.bo_lookup_nodes++;
				list[n++] = mv->va;
			}
			if (vm)
				break;
		}
	} else {
		for (struct mva *mv = bo->gem_vas; mv; mv = mv->gem_next) {
			m->c.bo_lookup_nodes++;
			if (!vm || mv->vm == vm)
				list[n++] = mv->va;
		}
	}
	for (uint64_t i = 0; i < n; i++) {
		if (m->cfg.dump && vm)
			dump_unmap(m->cfg.dump, list[i], false);
		model_va_teardown(m, list[i], acc);
	}
	free(list);
	return n;
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
	int ret = 0;

	memset(&m->cur, 0, sizeof(m->cur));
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
		m->extra_unmaps += model_bo_unmap_in_vm(m, mbo_find(m, e->bo), vm, m->acc);
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
	const struct vmb_sync *in = call->syncs, *out = call->syncs + op->u.bind.n_in;
	struct vmb_gpuvm_stats before;
	struct mbind_acc acc = {0};
	const struct vmb_model_params *p = &m->cfg.params;
	uint64_t ready = 0, queue_free, start, done, cost;
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

	m->now += p->bind_ioctl_ns * op->u.bind.n_binds;
	vm->refs++; /* the VM must survive the teardown of its own mappings */
	vmb_gpuvm_get_stats(vm->gpuvm, &before);
	m->acc = &acc;
	for (uint32_t i = 0; i < op->u.bind.n_binds && !ret; i++) {
		acc.kept_bytes = 0;
		ret = apply_entry(m, vm, &call->binds[i]);
	}
	m->acc = NULL;
	refresh_gpuvm_counters(m, vm, &before);

	cost = p->bind_job_ns + acc.pte_writes * p->pte_ns + acc.pin_pages * p->pin_page_ns +
	       (acc.flush ? p->tlb_flush_ns : 0);
	queue_free = q ? q->free_ns : vm->bind_free_ns;
	start = max_u64(max_u64(m->now, ready), queue_free);
	if (m->cfg.strat.sync == VMB_SYNC_IMPLICIT)
		start = max_u64(start, acc.wait_ns);
	done = start + cost;
	if (q)
		q->free_ns = done;
	else
		vm->bind_free_ns = done;
	vm->last_bind_done_ns = max_u64(vm->last_bind_done_ns, done);
	for (uint32_t i = 0; i < acc.n_unmapped; i++) {
		struct mbo *bo = mbo_find(m, acc.unmapped[i]);

		if (bo) {
			bo->unmap_done_ns = max_u64(bo->unmap_done_ns, done);
			bo->unmap_vm = vm->id;
		}
	}
	m->c.pte_writes += acc.pte_writes;
	if (acc.flush)
		m->c.tlb_flushes++;
	model_syncs_signal(m, out, op->u.bind.n_out, done);
	if (m->cfg.strat.sync == VMB_SYNC_SYNC)
		m->now = max_u64(m->now, done);
	tm->done_ns = done;
	tm->start_ns = start;
	mvm_put(m, vm);
	return ret;
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
