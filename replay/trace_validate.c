// SPDX-License-Identifier: MIT
/*
 * trace_validate.c - semantic checks of trace format v1, run by the loader
 * on every op as soon as it is parsed, before anything is replayed.
 *
 * The validator follows object lifetimes per trace id (created, alive,
 * destroyed), checks every bind entry against its VM's managed range, its
 * kernel-reserved region, the page size and the BO's size, checks syncs
 * against the syncobjs they name, and checks that time never goes backwards
 * within a thread.
 *
 * DOC: the "ret" exemption
 *
 * An op that cannot succeed (a bind outside its VM, an unknown BO) is an
 * error, unless the trace says that the original call failed ("ret" != 0):
 * such an op is kept, and the replayer expects it to fail again. Object
 * state changes only for ops that succeeded (ret == 0), so a failed
 * bo_create creates nothing and a failed bo_close closes nothing. Time order
 * and the representability of the trace are never excused.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trace_priv.h"

enum obj_state {
	ST_NEVER,
	ST_ALIVE,
	ST_GONE,
};

struct vm_state {
	uint64_t va_start;
	uint64_t va_end; /* exclusive; va_start + va_range never overflows */
	uint64_t kstart;
	uint64_t krange;
	uint8_t st;
	bool kr_set; /* trace->vm_kernel_range[id] was set by a vm_create */
};

struct bo_state {
	uint64_t size;
	uint32_t vm;
	uint8_t st;
};

struct sync_state {
	uint8_t st;
	bool timeline;
};

struct tid_slot {
	uint64_t last_t;
	uint32_t tid;
	bool used;
};

/**
 * struct vmb_validator - state of the semantic checks during one load
 * @t: the trace being loaded (pools, max_id, vm_kernel_range)
 * @vms, @bos, @queues, @syncobjs: per-id state, indexed by trace id
 * @sync_files: per sync_file id, 1 once a sync_file_export made it
 * @n_*: entries allocated in each of those arrays
 * @kr_cap: capacity of t->vm_kernel_range
 * @tids: open-addressing table of the last "t" per thread
 * @tid_cap, @tid_used: its size (a power of two) and fill
 * @binds, @syncs, @ids: the pools of the op being checked
 */
struct vmb_validator {
	struct vmb_trace *t;
	struct vm_state *vms;
	struct bo_state *bos;
	uint8_t *queues;
	struct sync_state *syncobjs;
	uint8_t *sync_files;
	size_t n_vms, n_bos, n_queues, n_syncobjs, n_sync_files;
	size_t kr_cap;
	struct tid_slot *tids;
	size_t tid_cap, tid_used;
	const struct vmb_bind_entry *binds;
	const struct vmb_sync *syncs;
	const uint32_t *ids;
};

static const char *const class_name[] = {"vm", "queue", "bo", "syncobj"};
static const char *const create_name[] = {"vm_create", "queue_create", "bo_create",
					  "syncobj_create"};
static const char *const destroy_name[] = {"vm_destroy", "queue_destroy", "bo_close",
					   "syncobj_destroy"};

static int why_fmt(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int why_fmt(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* grow a zero-filled per-id array so that index @id is valid */
static int grow(void **arr, size_t *n, size_t elem, uint32_t id)
{
	size_t want, old = *n;
	void *p;

	if (id < old)
		return 0;
	want = old ? old : 16;
	while (want <= id)
		want *= 2;
	p = realloc(*arr, want * elem);
	if (!p)
		return -ENOMEM;
	memset((char *)p + old * elem, 0, (want - old) * elem);
	*arr = p;
	*n = want;
	return 0;
}

/**
 * vmb_validator_create() - start validating a trace
 * @t: the trace being loaded; the validator reads its pools and fills
 *     t->max_id and t->vm_kernel_range
 * @out: receives the validator
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_validator_create(struct vmb_trace *t, struct vmb_validator **out)
{
	struct vmb_validator *v = calloc(1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	v->t = t;
	v->tid_cap = 16;
	v->tids = calloc(v->tid_cap, sizeof(*v->tids));
	if (!v->tids) {
		free(v);
		return -ENOMEM;
	}
	*out = v;
	return 0;
}

/**
 * vmb_validator_destroy() - free the validator (the trace keeps what it filled)
 * @v: validator, NULL is fine
 */
void vmb_validator_destroy(struct vmb_validator *v)
{
	if (!v)
		return;
	free(v->vms);
	free(v->bos);
	free(v->queues);
	free(v->syncobjs);
	free(v->sync_files);
	free(v->tids);
	free(v);
}

static struct tid_slot *tid_find(struct vmb_validator *v, uint32_t tid)
{
	size_t mask = v->tid_cap - 1;
	size_t i = (tid * 2654435761u) & mask;

	while (v->tids[i].used && v->tids[i].tid != tid)
		i = (i + 1) & mask;
	return &v->tids[i];
}

static int tid_grow(struct vmb_validator *v)
{
	struct tid_slot *old = v->tids;
	size_t old_cap = v->tid_cap;

	v->tids = calloc(old_cap * 2, sizeof(*v->tids));
	if (!v->tids) {
		v->tids = old;
		return -ENOMEM;
	}
	v->tid_cap = old_cap * 2;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].used)
			*tid_find(v, old[i].tid) = old[i];
	free(old);
	return 0;
}

static int check_time(struct vmb_validator *v, const struct vmb_op *op, char *why, size_t len)
{
	struct tid_slot *s = tid_find(v, op->tid);

	if (s->used) {
		if (op->t < s->last_t)
			return why_fmt(why, len,
				       "t %" PRIu64 " goes backwards on tid %" PRIu32
				       " (previous %" PRIu64 ")",
				       op->t, op->tid, s->last_t);
		s->last_t = op->t;
		return 0;
	}
	if ((v->tid_used + 1) * 2 > v->tid_cap) {
		if (tid_grow(v))
			return -ENOMEM;
		s = tid_find(v, op->tid);
	}
	s->used = true;
	s->tid = op->tid;
	s->last_t = op->t;
	v->tid_used++;
	return 0;
}

static void note_id(struct vmb_validator *v, enum vmb_obj_class c, uint32_t id)
{
	if (id > v->t->max_id[c])
		v->t->max_id[c] = id;
}

/* every id an op names, for max_id (whether or not the op is valid) */
static void note_ids(struct vmb_validator *v, const struct vmb_op *op)
{
	const struct vmb_sync *s = NULL;
	size_t n_sync = 0;

	switch (op->kind) {
	case VMB_OP_VM_CREATE:
		note_id(v, VMB_CLASS_VM, op->u.vm_create.vm);
		break;
	case VMB_OP_VM_DESTROY:
		note_id(v, VMB_CLASS_VM, op->u.vm_destroy.vm);
		break;
	case VMB_OP_QUEUE_CREATE:
	case VMB_OP_QUEUE_DESTROY:
		note_id(v, VMB_CLASS_QUEUE, op->u.queue.queue);
		note_id(v, VMB_CLASS_VM, op->u.queue.vm);
		break;
	case VMB_OP_BO_CREATE:
	case VMB_OP_BO_CLOSE:
		note_id(v, VMB_CLASS_BO, op->u.bo.bo);
		note_id(v, VMB_CLASS_VM, op->u.bo.vm);
		break;
	case VMB_OP_SYNCOBJ_CREATE:
	case VMB_OP_SYNCOBJ_DESTROY:
		note_id(v, VMB_CLASS_SYNCOBJ, op->u.syncobj.syncobj);
		break;
	case VMB_OP_BIND:
		note_id(v, VMB_CLASS_VM, op->u.bind.vm);
		note_id(v, VMB_CLASS_QUEUE, op->u.bind.queue);
		for (uint32_t i = 0; i < op->u.bind.n_binds; i++)
			note_id(v, VMB_CLASS_BO, v->binds[op->u.bind.first_bind + i].bo);
		s = VMB_POOL_AT(v->syncs, op->u.bind.first_sync);
		n_sync = (size_t)op->u.bind.n_in + op->u.bind.n_out;
		break;
	case VMB_OP_SUBMIT:
		note_id(v, VMB_CLASS_QUEUE, op->u.submit.queue);
		for (uint32_t i = 0; i < op->u.submit.n_bos; i++)
			note_id(v, VMB_CLASS_BO, v->ids[op->u.submit.first_bo + i]);
		s = VMB_POOL_AT(v->syncs, op->u.submit.first_sync);
		n_sync = (size_t)op->u.submit.n_in + op->u.submit.n_out;
		break;
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		s = VMB_POOL_AT(v->syncs, op->u.wait.first_sync);
		n_sync = op->u.wait.n;
		break;
	case VMB_OP_EVICT:
		note_id(v, VMB_CLASS_BO, op->u.evict.bo);
		break;
	case VMB_OP_TRANSFER:
		s = VMB_POOL_AT(v->syncs, op->u.transfer.first_sync);
		n_sync = 2;
		break;
	case VMB_OP_SYNCOBJ_RESET:
		for (uint32_t i = 0; i < op->u.reset.n; i++)
			note_id(v, VMB_CLASS_SYNCOBJ, v->ids[op->u.reset.first_id + i]);
		break;
	case VMB_OP_SYNC_FILE_EXPORT:
	case VMB_OP_SYNC_FILE_IMPORT:
		note_id(v, VMB_CLASS_SYNCOBJ, op->u.sync_file.syncobj);
		break;
	default:
		break;
	}
	for (size_t i = 0; i < n_sync; i++)
		note_id(v, VMB_CLASS_SYNCOBJ, s[i].syncobj);
}

static uint8_t state_of(const struct vmb_validator *v, enum vmb_obj_class c, uint32_t id)
{
	switch (c) {
	case VMB_CLASS_VM:
		return id < v->n_vms ? v->vms[id].st : ST_NEVER;
	case VMB_CLASS_QUEUE:
		return id < v->n_queues ? v->queues[id] : ST_NEVER;
	case VMB_CLASS_BO:
		return id < v->n_bos ? v->bos[id].st : ST_NEVER;
	case VMB_CLASS_SYNCOBJ:
		return id < v->n_syncobjs ? v->syncobjs[id].st : ST_NEVER;
	}
	return ST_NEVER;
}

static int need_alive(const struct vmb_validator *v, enum vmb_obj_class c, uint32_t id, char *why,
		      size_t len)
{
	switch (state_of(v, c, id)) {
	case ST_ALIVE:
		return 0;
	case ST_GONE:
		return why_fmt(why, len, "%s %" PRIu32 " used after %s", class_name[c], id,
			       destroy_name[c]);
	default:
		if (c == VMB_CLASS_SYNCOBJ)
			return why_fmt(why, len, "unknown syncobj %" PRIu32, id);
		return why_fmt(why, len, "%s %" PRIu32 " used before %s", class_name[c], id,
			       create_name[c]);
	}
}

static int need_free(const struct vmb_validator *v, enum vmb_obj_class c, uint32_t id, char *why,
		     size_t len)
{
	if (state_of(v, c, id) == ST_ALIVE)
		return why_fmt(why, len, "%s %" PRIu32 " created twice", class_name[c], id);
	return 0;
}

static int check_aligned(uint64_t ps, uint64_t val, const char *what, char *why, size_t len)
{
	if (val & (ps - 1))
		return why_fmt(why, len, "%s 0x%" PRIx64 " not aligned to page_size 0x%" PRIx64,
			       what, val, ps);
	return 0;
}

/* put "@pfx" in front of the reason already in @why */
static int prepend(char *why, size_t len, const char *pfx)
{
	size_t n = strlen(pfx), m = strlen(why);

	if (n + m + 1 > len)
		m = len - n - 1;
	memmove(why + n, why, m);
	memcpy(why, pfx, n);
	why[n + m] = '\0';
	return -EINVAL;
}

static int check_sync(const struct vmb_validator *v, const struct vmb_sync *s, char *why,
		      size_t len)
{
	const struct sync_state *ss;
	int r;

	r = need_alive(v, VMB_CLASS_SYNCOBJ, s->syncobj, why, len);
	if (r)
		return r;
	ss = &v->syncobjs[s->syncobj];
	if (ss->timeline && !s->point)
		return why_fmt(why, len, "timeline syncobj %" PRIu32 " needs a \"point\" > 0",
			       s->syncobj);
	if (!ss->timeline && s->point)
		return why_fmt(why, len, "\"point\" on binary syncobj %" PRIu32, s->syncobj);
	return 0;
}

static int check_syncs(const struct vmb_validator *v, const struct vmb_sync *s, size_t n,
		       const char *name, char *why, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		char pfx[48];

		if (!check_sync(v, &s[i], why, len))
			continue;
		snprintf(pfx, sizeof(pfx), "%s%ssync %zu: ", name, *name ? " " : "", i);
		return prepend(why, len, pfx);
	}
	return 0;
}

/*
 * One end of a transfer. The kernel takes point 0 on either end to mean the
 * syncobj's fence itself (the latest point of a timeline at the source; a
 * replacement of the whole fence at the destination), so point 0 is fine
 * on a timeline; a point on a binary syncobj is not (the trace types
 * syncobjs, see docs/trace-format.md).
 */
static int check_transfer_end(const struct vmb_validator *v, const struct vmb_sync *s,
			      const char *end, char *why, size_t len)
{
	int r = need_alive(v, VMB_CLASS_SYNCOBJ, s->syncobj, why, len);

	if (r) {
		char pfx[16];

		snprintf(pfx, sizeof(pfx), "%s: ", end);
		return prepend(why, len, pfx);
	}
	if (!v->syncobjs[s->syncobj].timeline && s->point)
		return why_fmt(why, len, "%s_point %" PRIu64 " on binary syncobj %" PRIu32, end,
			       s->point, s->syncobj);
	return 0;
}

static int check_transfer(const struct vmb_validator *v, const struct vmb_op *op, char *why,
			  size_t len)
{
	const struct vmb_sync *s = &v->syncs[op->u.transfer.first_sync];
	int r;

	/* drm_syncobj_transfer_to_timeline/_to_binary look the destination up first */
	r = check_transfer_end(v, &s[1], "dst", why, len);
	return r ? r : check_transfer_end(v, &s[0], "src", why, len);
}

static bool sync_file_alive(const struct vmb_validator *v, uint32_t id)
{
	return id < v->n_sync_files && v->sync_files[id];
}

/* va/range of a bind entry against the page size and its VM */
static int check_range(const struct vmb_validator *v, const struct vm_state *vm, uint32_t vm_id,
		       const struct vmb_bind_entry *e, char *why, size_t len)
{
	uint64_t ps = v->t->page_size;
	uint64_t end;
	int r;

	if (!e->range)
		return why_fmt(why, len, "range 0");
	r = check_aligned(ps, e->va, "va", why, len);
	if (!r)
		r = check_aligned(ps, e->range, "range", why, len);
	if (r)
		return r;
	if (e->range > UINT64_MAX - e->va)
		return why_fmt(why, len, "va 0x%" PRIx64 " + range 0x%" PRIx64 " overflows 2^64",
			       e->va, e->range);
	end = e->va + e->range;
	if (e->va < vm->va_start || end > vm->va_end)
		return why_fmt(why, len,
			       "[0x%" PRIx64 ",0x%" PRIx64 ") outside vm %" PRIu32 " [0x%" PRIx64
			       ",0x%" PRIx64 ")",
			       e->va, end, vm_id, vm->va_start, vm->va_end);
	if (vm->krange && e->va < vm->kstart + vm->krange && vm->kstart < end)
		return why_fmt(why, len,
			       "[0x%" PRIx64 ",0x%" PRIx64 ") overlaps the kernel-reserved region "
			       "[0x%" PRIx64 ",0x%" PRIx64 ") of vm %" PRIu32,
			       e->va, end, vm->kstart, vm->kstart + vm->krange, vm_id);
	return 0;
}

static int __check_entry(const struct vmb_validator *v, uint32_t vm_id,
			 const struct vmb_bind_entry *e, char *why, size_t len)
{
	const struct vm_state *vm = &v->vms[vm_id];
	uint64_t ps = v->t->page_size;
	const struct bo_state *bo;
	int r;

	if (e->kind == VMB_BIND_UNMAP_ALL)
		return need_alive(v, VMB_CLASS_BO, e->bo, why, len);

	r = check_range(v, vm, vm_id, e, why, len);
	if (r)
		return r;
	switch (e->kind) {
	case VMB_BIND_MAP:
		r = need_alive(v, VMB_CLASS_BO, e->bo, why, len);
		if (!r)
			r = check_aligned(ps, e->offset, "offset", why, len);
		if (r)
			return r;
		bo = &v->bos[e->bo];
		if (bo->vm && bo->vm != vm_id)
			return why_fmt(why, len,
				       "bo %" PRIu32 " is private to vm %" PRIu32
				       ", it cannot be mapped in vm %" PRIu32,
				       e->bo, bo->vm, vm_id);
		if (e->offset > bo->size || e->range > bo->size - e->offset)
			return why_fmt(why, len,
				       "offset 0x%" PRIx64 " + range 0x%" PRIx64
				       " past the end of bo %" PRIu32 " (size 0x%" PRIx64 ")",
				       e->offset, e->range, e->bo, bo->size);
		return 0;
	case VMB_BIND_MAP_USERPTR:
		return check_aligned(ps, e->offset, "addr", why, len);
	default:
		return 0;
	}
}

static int check_vm_create(struct vmb_validator *v, const struct vmb_op *op, uint64_t krange,
			   char *why, size_t len)
{
	const typeof(op->u.vm_create) *c = &op->u.vm_create;
	uint64_t ps = v->t->page_size;
	int r;

	r = need_free(v, VMB_CLASS_VM, c->vm, why, len);
	if (r)
		return r;
	if (!c->va_range)
		return why_fmt(why, len, "va_range 0");
	r = check_aligned(ps, c->va_start, "va_start", why, len);
	if (!r)
		r = check_aligned(ps, c->va_range, "va_range", why, len);
	if (!r)
		r = check_aligned(ps, c->kernel_start, "kernel_start", why, len);
	if (!r)
		r = check_aligned(ps, krange, "kernel_range", why, len);
	if (r)
		return r;
	if (c->va_range > UINT64_MAX - c->va_start)
		return why_fmt(why, len,
			       "va_start 0x%" PRIx64 " + va_range 0x%" PRIx64 " overflows 2^64",
			       c->va_start, c->va_range);
	if (krange > UINT64_MAX - c->kernel_start)
		return why_fmt(why, len,
			       "kernel_start 0x%" PRIx64 " + kernel_range 0x%" PRIx64
			       " overflows 2^64",
			       c->kernel_start, krange);
	return 0;
}

static int check_entry(const struct vmb_validator *v, uint32_t vm_id,
		       const struct vmb_bind_entry *e, unsigned int idx, char *why, size_t len)
{
	char pfx[32];

	if (!__check_entry(v, vm_id, e, why, len))
		return 0;
	snprintf(pfx, sizeof(pfx), "bind entry %u: ", idx);
	return prepend(why, len, pfx);
}

/* all checks that the "ret" exemption may excuse; no state change */
static int check_semantics(struct vmb_validator *v, const struct vmb_op *op, uint64_t krange,
			   char *why, size_t len)
{
	const struct vmb_trace *t = v->t;
	int r;

	switch (op->kind) {
	case VMB_OP_VM_CREATE:
		return check_vm_create(v, op, krange, why, len);
	case VMB_OP_VM_DESTROY:
		return need_alive(v, VMB_CLASS_VM, op->u.vm_destroy.vm, why, len);
	case VMB_OP_QUEUE_CREATE:
		r = need_free(v, VMB_CLASS_QUEUE, op->u.queue.queue, why, len);
		return r ? r : need_alive(v, VMB_CLASS_VM, op->u.queue.vm, why, len);
	case VMB_OP_QUEUE_DESTROY:
		return need_alive(v, VMB_CLASS_QUEUE, op->u.queue.queue, why, len);
	case VMB_OP_BO_CREATE:
		r = need_free(v, VMB_CLASS_BO, op->u.bo.bo, why, len);
		if (r)
			return r;
		if (!op->u.bo.size)
			return why_fmt(why, len, "size 0");
		r = check_aligned(t->page_size, op->u.bo.size, "size", why, len);
		if (!r && op->u.bo.vm)
			r = need_alive(v, VMB_CLASS_VM, op->u.bo.vm, why, len);
		return r;
	case VMB_OP_BO_CLOSE:
		return need_alive(v, VMB_CLASS_BO, op->u.bo.bo, why, len);
	case VMB_OP_SYNCOBJ_CREATE:
		return need_free(v, VMB_CLASS_SYNCOBJ, op->u.syncobj.syncobj, why, len);
	case VMB_OP_SYNCOBJ_DESTROY:
		return need_alive(v, VMB_CLASS_SYNCOBJ, op->u.syncobj.syncobj, why, len);
	case VMB_OP_BIND: {
		const typeof(op->u.bind) *b = &op->u.bind;

		r = need_alive(v, VMB_CLASS_VM, b->vm, why, len);
		if (!r && b->queue)
			r = need_alive(v, VMB_CLASS_QUEUE, b->queue, why, len);
		for (uint32_t i = 0; !r && i < b->n_binds; i++)
			r = check_entry(v, b->vm, &v->binds[b->first_bind + i], i, why, len);
		if (!r)
			r = check_syncs(v, VMB_POOL_AT(v->syncs, b->first_sync), b->n_in, "in", why,
					len);
		if (!r)
			r = check_syncs(v, VMB_POOL_AT(v->syncs, b->first_sync + b->n_in), b->n_out,
					"out", why, len);
		return r;
	}
	case VMB_OP_SUBMIT: {
		const typeof(op->u.submit) *s = &op->u.submit;

		r = need_alive(v, VMB_CLASS_QUEUE, s->queue, why, len);
		for (uint32_t i = 0; !r && i < s->n_bos; i++)
			r = need_alive(v, VMB_CLASS_BO, v->ids[s->first_bo + i], why, len);
		if (!r)
			r = check_syncs(v, VMB_POOL_AT(v->syncs, s->first_sync), s->n_in, "in", why,
					len);
		if (!r)
			r = check_syncs(v, VMB_POOL_AT(v->syncs, s->first_sync + s->n_in), s->n_out,
					"out", why, len);
		return r;
	}
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		if (!op->u.wait.n)
			return why_fmt(why, len, "no syncs");
		return check_syncs(v, VMB_POOL_AT(v->syncs, op->u.wait.first_sync), op->u.wait.n,
				   "", why, len);
	case VMB_OP_CPU_UNMAP:
	case VMB_OP_CPU_MIGRATE:
		if (!op->u.cpu_unmap.size)
			return why_fmt(why, len, "size 0");
		if (op->u.cpu_unmap.size > UINT64_MAX - op->u.cpu_unmap.addr)
			return why_fmt(why, len,
				       "addr 0x%" PRIx64 " + size 0x%" PRIx64 " overflows 2^64",
				       op->u.cpu_unmap.addr, op->u.cpu_unmap.size);
		return 0;
	case VMB_OP_EVICT:
		return need_alive(v, VMB_CLASS_BO, op->u.evict.bo, why, len);
	case VMB_OP_TRANSFER:
		return check_transfer(v, op, why, len);
	case VMB_OP_SYNCOBJ_RESET:
		if (!op->u.reset.n)
			return why_fmt(why, len, "no syncobjs");
		for (uint32_t i = 0; i < op->u.reset.n; i++) {
			char pfx[32];

			if (!need_alive(v, VMB_CLASS_SYNCOBJ, v->ids[op->u.reset.first_id + i], why,
					len))
				continue;
			snprintf(pfx, sizeof(pfx), "syncobjs[%" PRIu32 "]: ", i);
			return prepend(why, len, pfx);
		}
		return 0;
	case VMB_OP_SYNC_FILE_EXPORT:
		if (!op->u.sync_file.sync_file)
			return why_fmt(why, len, "an export that succeeded needs \"sync_file\"");
		return need_alive(v, VMB_CLASS_SYNCOBJ, op->u.sync_file.syncobj, why, len);
	case VMB_OP_SYNC_FILE_IMPORT:
		/* sync_file_get_fence() fails before the syncobj is looked up */
		if (op->u.sync_file.sync_file && !sync_file_alive(v, op->u.sync_file.sync_file))
			return why_fmt(why, len,
				       "sync_file %" PRIu32 " used before sync_file_export",
				       op->u.sync_file.sync_file);
		return need_alive(v, VMB_CLASS_SYNCOBJ, op->u.sync_file.syncobj, why, len);
	default:
		return 0;
	}
}

/* the op succeeded in the original run: update object state */
static int apply(struct vmb_validator *v, const struct vmb_op *op, uint64_t krange)
{
	switch (op->kind) {
	case VMB_OP_VM_CREATE: {
		const typeof(op->u.vm_create) *c = &op->u.vm_create;
		struct vm_state *vm;

		if (grow((void **)&v->vms, &v->n_vms, sizeof(*v->vms), c->vm))
			return -ENOMEM;
		vm = &v->vms[c->vm];
		vm->st = ST_ALIVE;
		vm->va_start = c->va_start;
		vm->va_end = c->va_start + c->va_range;
		vm->kstart = c->kernel_start;
		vm->krange = krange;
		break;
	}
	case VMB_OP_VM_DESTROY:
		v->vms[op->u.vm_destroy.vm].st = ST_GONE;
		break;
	case VMB_OP_QUEUE_CREATE:
		if (grow((void **)&v->queues, &v->n_queues, 1, op->u.queue.queue))
			return -ENOMEM;
		v->queues[op->u.queue.queue] = ST_ALIVE;
		break;
	case VMB_OP_QUEUE_DESTROY:
		v->queues[op->u.queue.queue] = ST_GONE;
		break;
	case VMB_OP_BO_CREATE:
		if (grow((void **)&v->bos, &v->n_bos, sizeof(*v->bos), op->u.bo.bo))
			return -ENOMEM;
		v->bos[op->u.bo.bo] =
		    (struct bo_state){.size = op->u.bo.size, .vm = op->u.bo.vm, .st = ST_ALIVE};
		break;
	case VMB_OP_BO_CLOSE:
		v->bos[op->u.bo.bo].st = ST_GONE;
		break;
	case VMB_OP_SYNCOBJ_CREATE:
		if (grow((void **)&v->syncobjs, &v->n_syncobjs, sizeof(*v->syncobjs),
			 op->u.syncobj.syncobj))
			return -ENOMEM;
		v->syncobjs[op->u.syncobj.syncobj] =
		    (struct sync_state){.st = ST_ALIVE, .timeline = op->u.syncobj.timeline};
		break;
	case VMB_OP_SYNCOBJ_DESTROY:
		v->syncobjs[op->u.syncobj.syncobj].st = ST_GONE;
		break;
	case VMB_OP_SYNC_FILE_EXPORT:
		if (grow((void **)&v->sync_files, &v->n_sync_files, 1, op->u.sync_file.sync_file))
			return -ENOMEM;
		v->sync_files[op->u.sync_file.sync_file] = 1;
		break;
	default:
		break;
	}
	return 0;
}

/*
 * kernel_range lives in trace->vm_kernel_range[vm id]: a VM id re-created
 * with a different kernel_range cannot be represented.
 */
static int record_kernel_range(struct vmb_validator *v, const struct vmb_op *op, uint64_t krange,
			       char *why, size_t len)
{
	struct vmb_trace *t = v->t;
	uint32_t id = op->u.vm_create.vm;

	if (grow((void **)&v->vms, &v->n_vms, sizeof(*v->vms), id))
		return -ENOMEM;
	if (v->vms[id].kr_set) {
		if (t->vm_kernel_range[id] != krange)
			return why_fmt(why, len,
				       "vm %" PRIu32 " re-created with kernel_range 0x%" PRIx64
				       " after 0x%" PRIx64
				       " (a vm id keeps one kernel_range per trace; use a new id)",
				       id, krange, t->vm_kernel_range[id]);
		return 0;
	}
	if (grow((void **)&t->vm_kernel_range, &v->kr_cap, sizeof(uint64_t), id))
		return -ENOMEM;
	t->vm_kernel_range[id] = krange;
	if (t->n_vm_ids <= id)
		t->n_vm_ids = (size_t)id + 1;
	v->vms[id].kr_set = true;
	return 0;
}

/**
 * vmb_validator_check() - check one parsed op and update the object state
 * @v: validator
 * @c: the op as decoded from the packed trace: its pools, its kernel_range
 *     (vm_create), and whether it carried "t" (only those take part in the
 *     time order check)
 * @why: receives the reason on error, without "FILE:LINE: op N: "
 * @len: size of @why
 *
 * Return: 0 (valid, or invalid but excused by a non-zero "ret"), -EINVAL
 * with @why filled, or -ENOMEM.
 */
int vmb_validator_check(struct vmb_validator *v, const struct vmb_cursor *c, char *why, size_t len)
{
	const struct vmb_op *op = &c->op;
	uint64_t kernel_range = c->kernel_range;
	bool has_t = c->has_t;
	int r;

	v->binds = c->binds;
	v->syncs = c->syncs;
	v->ids = c->ids;

	if (has_t) {
		r = check_time(v, op, why, len);
		if (r)
			return r;
	}
	note_ids(v, op);
	if (op->kind == VMB_OP_VM_CREATE) {
		r = record_kernel_range(v, op, kernel_range, why, len);
		if (r)
			return r;
	}
	r = check_semantics(v, op, kernel_range, why, len);
	if (r)
		return op->ret ? 0 : r;
	return op->ret ? 0 : apply(v, op, kernel_range);
}
