// SPDX-License-Identifier: MIT
/*
 * decode_panthor.c - Arm Mali panthor ioctls into trace ops.
 *
 *   VM_CREATE -> vm_create (va_range = the user VA range the kernel chose)
 *   VM_DESTROY -> vm_destroy
 *   BO_CREATE -> bo_create (exclusive_vm_id -> private to that VM)
 *   GROUP_CREATE/DESTROY -> queue_create/destroy (a group is the queue the
 *     trace knows; engine "render")
 *   VM_BIND -> one bind with every op: MAP -> map (READONLY, NOEXEC,
 *     UNCACHED flags), MAP_SPARSE -> map_null, UNMAP -> unmap, SYNC_ONLY ->
 *     no entry; the per-op syncs are merged into the bind's in/out lists
 *     (waits first), so every entry waits for all in-syncs and the
 *     out-syncs signal when all entries are done; without ASYNC the bind
 *     is synchronous (x_sync_bind)
 *   GROUP_SUBMIT -> one submit with the syncs of all its queue submits
 * Ignored: DEV_QUERY, VM_GET_STATE, BO_MMAP_OFFSET, GROUP_GET_STATE; tiler
 * heaps and newer ioctls are raw.
 */
#include <errno.h>

#include "capture.h"
#include "uapi/panthor.h"

#define PANTHOR_GROUP_GET_STATE 10

static enum cap_class panthor_classify(unsigned long req, uint32_t *pre_bytes)
{
	(void)pre_bytes;
	switch (_IOC_NR(req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_PANTHOR_VM_CREATE:
	case VMB_DRM_PANTHOR_BO_CREATE:
	case VMB_DRM_PANTHOR_GROUP_CREATE:
		return CAP_ORDERED;
	case VMB_DRM_PANTHOR_VM_DESTROY:
	case VMB_DRM_PANTHOR_GROUP_DESTROY:
	case VMB_DRM_PANTHOR_VM_BIND:
		return CAP_ORDERED;
	case VMB_DRM_PANTHOR_GROUP_SUBMIT:
		return CAP_ENTER;
	case VMB_DRM_PANTHOR_DEV_QUERY:
	case VMB_DRM_PANTHOR_VM_GET_STATE:
	case VMB_DRM_PANTHOR_BO_MMAP_OFFSET:
	case PANTHOR_GROUP_GET_STATE:
		return CAP_IGNORE;
	default:
		return CAP_RAW;
	}
}

/* element @i of an obj_array whose elements are at least @min bytes */
static const void *elem(const struct cap_call *c, const struct vmb_panthor_obj_array *a, size_t min)
{
	if (a->stride < min || a->count > (1u << 20))
		return NULL;
	return cap_user(c, a->array, (size_t)a->count * a->stride);
}

/* syncs of one array, waits (@signal false) or signals (@signal true) */
static bool panthor_syncs(const struct cap_call *c, struct cap_build *b,
			  const struct vmb_panthor_obj_array *a, bool signal, uint32_t *n)
{
	const char *base = a->count ? elem(c, a, sizeof(struct vmb_panthor_sync_op)) : NULL;

	if (a->count && !base)
		return false;
	for (uint32_t i = 0; i < a->count; i++) {
		const struct vmb_panthor_sync_op *s = (const void *)(base + (size_t)i * a->stride);

		if (!!(s->flags & VMB_PANTHOR_SYNC_OP_SIGNAL) != signal)
			continue;
		cap_build_sync(b, s->handle,
			       (s->flags & VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK) ==
				       VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ
				   ? s->timeline_value
				   : 0);
		(*n)++;
	}
	return true;
}

static bool panthor_bind(const struct cap_call *c, struct cap_build *b)
{
	const struct vmb_panthor_vm_bind *a = c->arg;
	const struct vmb_panthor_vm_bind_op *o;
	struct vmb_op *op = &b->rec->op;
	const char *base;
	uint32_t n_in = 0, n_out = 0;

	if (c->size < sizeof(*a))
		return false;
	base = a->ops.count ? elem(c, &a->ops, sizeof(*o)) : NULL;
	if ((a->ops.count && !base) || a->ops.count > UINT16_MAX)
		return false;
	cap_op_init(b, VMB_OP_BIND);
	op->u.bind.vm = a->vm_id;
	for (uint32_t i = 0; i < a->ops.count; i++) {
		struct vmb_bind_entry *e;

		o = (const void *)(base + (size_t)i * a->ops.stride);
		switch (o->flags & VMB_PANTHOR_VM_BIND_OP_TYPE_MASK) {
		case VMB_PANTHOR_VM_BIND_OP_TYPE_MAP:
			e = cap_build_bind(b);
			e->va = o->va;
			e->range = o->size;
			if (o->flags & VMB_PANTHOR_VM_BIND_OP_MAP_SPARSE) {
				e->kind = VMB_BIND_MAP_NULL;
				break;
			}
			e->kind = VMB_BIND_MAP;
			e->bo = o->bo_handle;
			e->offset = o->bo_offset;
			if (o->flags & VMB_PANTHOR_VM_BIND_OP_MAP_READONLY)
				e->flags |= VMB_BIND_F_READONLY;
			if (o->flags & VMB_PANTHOR_VM_BIND_OP_MAP_NOEXEC)
				e->flags |= VMB_BIND_F_NOEXEC;
			if (o->flags & VMB_PANTHOR_VM_BIND_OP_MAP_UNCACHED)
				e->flags |= VMB_BIND_F_UNCACHED;
			break;
		case VMB_PANTHOR_VM_BIND_OP_TYPE_UNMAP:
			e = cap_build_bind(b);
			e->kind = VMB_BIND_UNMAP;
			e->va = o->va;
			e->range = o->size;
			break;
		case VMB_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY:
			break;
		default:
			return false;
		}
	}
	op->u.bind.n_binds = b->n_binds;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < a->ops.count; i++) {
			o = (const void *)(base + (size_t)i * a->ops.stride);
			if (!panthor_syncs(c, b, &o->syncs, pass, pass ? &n_out : &n_in))
				return false;
		}
	}
	if (n_in > UINT16_MAX || n_out > UINT16_MAX)
		return false;
	op->u.bind.n_in = (uint16_t)n_in;
	op->u.bind.n_out = (uint16_t)n_out;
	if (!(a->flags & VMB_PANTHOR_VM_BIND_ASYNC))
		b->rec->flags |= CAP_REC_F_SYNC_BIND;
	return true;
}

static bool panthor_submit(const struct cap_call *c, struct cap_build *b)
{
	const struct vmb_panthor_group_submit *a = c->arg;
	const struct vmb_panthor_queue_submit *q;
	struct vmb_op *op = &b->rec->op;
	const char *base;
	uint32_t n_in = 0, n_out = 0;

	if (c->size < sizeof(*a))
		return false;
	base = a->queue_submits.count ? elem(c, &a->queue_submits, sizeof(*q)) : NULL;
	if (a->queue_submits.count && !base)
		return false;
	cap_op_init(b, VMB_OP_SUBMIT);
	op->u.submit.queue = a->group_handle;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < a->queue_submits.count; i++) {
			q = (const void *)(base + (size_t)i * a->queue_submits.stride);
			if (!panthor_syncs(c, b, &q->syncs, pass, pass ? &n_out : &n_in))
				return false;
		}
	}
	if (n_in > UINT16_MAX || n_out > UINT16_MAX)
		return false;
	op->u.submit.n_in = (uint16_t)n_in;
	op->u.submit.n_out = (uint16_t)n_out;
	return true;
}

static bool panthor_decode(const struct cap_call *c, struct cap_build *b)
{
	struct vmb_op *op = &b->rec->op;

	switch (_IOC_NR(c->req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_PANTHOR_VM_CREATE: {
		const struct vmb_panthor_vm_create *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_VM_CREATE);
		op->u.vm_create.vm = a->id;
		op->u.vm_create.va_range = a->user_va_range;
		return true;
	}
	case VMB_DRM_PANTHOR_VM_DESTROY: {
		const struct vmb_panthor_vm_destroy *a = c->arg;

		if (c->size < sizeof(*a))
			return false;
		cap_op_init(b, VMB_OP_VM_DESTROY);
		op->u.vm_destroy.vm = a->id;
		return true;
	}
	case VMB_DRM_PANTHOR_BO_CREATE: {
		const struct vmb_panthor_bo_create *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_BO_CREATE);
		op->u.bo.bo = a->handle;
		op->u.bo.size = a->size;
		op->u.bo.vm = a->exclusive_vm_id;
		return true;
	}
	case VMB_DRM_PANTHOR_GROUP_CREATE: {
		const struct vmb_panthor_group_create *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_QUEUE_CREATE);
		op->u.queue.queue = a->group_handle;
		op->u.queue.vm = a->vm_id;
		op->u.queue.engine = VMB_ENGINE_RENDER;
		return true;
	}
	case VMB_DRM_PANTHOR_GROUP_DESTROY: {
		const struct vmb_panthor_group_destroy *a = c->arg;

		if (c->size < sizeof(*a))
			return false;
		cap_op_init(b, VMB_OP_QUEUE_DESTROY);
		op->u.queue.queue = a->group_handle;
		return true;
	}
	case VMB_DRM_PANTHOR_VM_BIND:
		return panthor_bind(c, b);
	case VMB_DRM_PANTHOR_GROUP_SUBMIT:
		return panthor_submit(c, b);
	}
	return false;
}

/* copy the obj_array elem() would read; *@base: the copy (NULL: nothing read) */
static bool gather_elem(struct cap_raw_build *r, const struct vmb_panthor_obj_array *a, size_t min,
			const char **base)
{
	*base = NULL;
	if (!a->count || a->stride < min || a->count > (1u << 20))
		return true;
	*base = cap_raw_array(r, a->array, (size_t)a->count * a->stride);
	return *base != NULL;
}

/*
 * The arrays panthor_decode() reads, for a deferred decode (struct
 * cap_decoder.gather): a bind's ops or a submit's queue submits, and the
 * sync array of each
 */
static bool panthor_gather(const struct cap_call *c, struct cap_raw_build *r)
{
	const struct vmb_panthor_obj_array *outer;
	size_t min, syncs_at;
	const char *base, *s;

	switch (_IOC_NR(c->req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_PANTHOR_VM_CREATE:
	case VMB_DRM_PANTHOR_VM_DESTROY:
	case VMB_DRM_PANTHOR_BO_CREATE:
	case VMB_DRM_PANTHOR_GROUP_CREATE:
	case VMB_DRM_PANTHOR_GROUP_DESTROY:
		return true;
	case VMB_DRM_PANTHOR_VM_BIND:
		if (c->size < sizeof(struct vmb_panthor_vm_bind))
			return true;
		outer = &((const struct vmb_panthor_vm_bind *)c->arg)->ops;
		min = sizeof(struct vmb_panthor_vm_bind_op);
		syncs_at = offsetof(struct vmb_panthor_vm_bind_op, syncs);
		break;
	case VMB_DRM_PANTHOR_GROUP_SUBMIT:
		if (c->size < sizeof(struct vmb_panthor_group_submit))
			return true;
		outer = &((const struct vmb_panthor_group_submit *)c->arg)->queue_submits;
		min = sizeof(struct vmb_panthor_queue_submit);
		syncs_at = offsetof(struct vmb_panthor_queue_submit, syncs);
		break;
	default:
		return false;
	}
	if (!gather_elem(r, outer, min, &base))
		return false;
	for (uint32_t i = 0; base && i < outer->count; i++)
		if (!gather_elem(r, (const void *)(base + (size_t)i * outer->stride + syncs_at),
				 sizeof(struct vmb_panthor_sync_op), &s))
			return false;
	return true;
}

const struct cap_decoder cap_decoder_panthor = {
    .name = "panthor",
    .driver = VMB_DRIVER_PANTHOR,
    .classify = panthor_classify,
    .decode = panthor_decode,
    .gather = panthor_gather,
};
