// SPDX-License-Identifier: MIT
/*
 * decode_xe.c - Intel xe ioctls into trace ops.
 *
 *   VM_CREATE -> vm_create ("fault" for FAULT_MODE); VM_DESTROY -> vm_destroy
 *   GEM_CREATE -> bo_create (placement from the region mask: instance 0 is
 *     system memory, others VRAM; vm for VM-private BOs; "scanout")
 *   EXEC_QUEUE_CREATE/DESTROY -> queue_create/destroy (engine from the first
 *     placement's class; VM_BIND class -> "bind", video -> "render")
 *   VM_BIND -> one bind op with every entry: MAP (NULL flag -> map_null),
 *     UNMAP, MAP_USERPTR, UNMAP_ALL, PREFETCH; hw = pat_index; syncs split
 *     into in (wait) and out (SIGNAL); user fences are flagged x_user_fence
 *   EXEC -> submit (xe has no BO list: residency comes from VM binds)
 * Ignored: DEVICE_QUERY, GEM_MMAP_OFFSET, EXEC_QUEUE_GET_PROPERTY,
 * WAIT_USER_FENCE (no trace op for user fences). CPU_ADDR_MIRROR binds
 * have no trace entry kind: such an entry makes the ioctl raw.
 */
#include <errno.h>

#include "capture.h"
#include "uapi/xe.h"

static enum cap_class xe_classify(unsigned long req, uint32_t *pre_bytes)
{
	(void)pre_bytes;
	switch (_IOC_NR(req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_XE_VM_CREATE:
	case VMB_DRM_XE_GEM_CREATE:
	case VMB_DRM_XE_EXEC_QUEUE_CREATE:
		return CAP_ORDERED;
	case VMB_DRM_XE_VM_DESTROY:
	case VMB_DRM_XE_EXEC_QUEUE_DESTROY:
	case VMB_DRM_XE_VM_BIND:
		return CAP_ORDERED;
	case VMB_DRM_XE_EXEC:
		return CAP_ENTER;
	case VMB_DRM_XE_DEVICE_QUERY:
	case VMB_DRM_XE_GEM_MMAP_OFFSET:
	case VMB_DRM_XE_EXEC_QUEUE_GET_PROPERTY:
	case VMB_DRM_XE_WAIT_USER_FENCE:
		return CAP_IGNORE;
	default:
		return CAP_RAW;
	}
}

/* in-syncs first, then out-syncs; returns false when unreadable */
static bool xe_syncs(const struct cap_call *c, struct cap_build *b, uint64_t ptr, uint32_t n,
		     uint16_t *n_in, uint16_t *n_out)
{
	const struct vmb_xe_sync *s = cap_user(c, ptr, (size_t)n * sizeof(*s));

	*n_in = *n_out = 0;
	if (n && !s)
		return false;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < n; i++) {
			bool out = s[i].flags & VMB_XE_SYNC_FLAG_SIGNAL;

			if (out != (pass == 1))
				continue;
			if (s[i].type == VMB_XE_SYNC_TYPE_USER_FENCE) {
				b->rec->flags |= CAP_REC_F_USER_FENCE;
				continue;
			}
			cap_build_sync(b, s[i].handle,
				       s[i].type == VMB_XE_SYNC_TYPE_TIMELINE_SYNCOBJ
					   ? s[i].timeline_value
					   : 0);
			if (out)
				(*n_out)++;
			else
				(*n_in)++;
		}
	}
	return true;
}

static bool xe_bind_entry(struct cap_build *b, const struct vmb_xe_vm_bind_op *o)
{
	struct vmb_bind_entry *e;

	if (o->flags & VMB_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR)
		return false;
	e = cap_build_bind(b);
	e->va = o->addr;
	e->range = o->range;
	if (o->flags & VMB_XE_VM_BIND_FLAG_READONLY)
		e->flags |= VMB_BIND_F_READONLY;
	if (o->flags & VMB_XE_VM_BIND_FLAG_IMMEDIATE)
		e->flags |= VMB_BIND_F_IMMEDIATE;
	if (o->flags & VMB_XE_VM_BIND_FLAG_DUMPABLE)
		e->flags |= VMB_BIND_F_DUMPABLE;
	switch (o->op) {
	case VMB_XE_VM_BIND_OP_MAP:
		if (o->flags & VMB_XE_VM_BIND_FLAG_NULL) {
			e->kind = VMB_BIND_MAP_NULL;
			break;
		}
		e->kind = VMB_BIND_MAP;
		e->bo = o->obj;
		e->offset = o->obj_offset;
		e->hw = o->pat_index;
		break;
	case VMB_XE_VM_BIND_OP_UNMAP:
		e->kind = VMB_BIND_UNMAP;
		e->flags = 0;
		break;
	case VMB_XE_VM_BIND_OP_MAP_USERPTR:
		e->kind = VMB_BIND_MAP_USERPTR;
		e->offset = o->userptr;
		e->hw = o->pat_index;
		cap_userptr_note(o->userptr, o->range);
		break;
	case VMB_XE_VM_BIND_OP_UNMAP_ALL:
		e->kind = VMB_BIND_UNMAP_ALL;
		e->bo = o->obj;
		e->va = e->range = 0;
		e->flags = 0;
		break;
	case VMB_XE_VM_BIND_OP_PREFETCH:
		e->kind = VMB_BIND_PREFETCH;
		e->offset = o->prefetch_mem_region_instance;
		e->flags = 0;
		break;
	default:
		return false;
	}
	return true;
}

static enum vmb_engine xe_engine(const struct cap_call *c, const struct vmb_xe_exec_queue_create *a)
{
	const struct vmb_xe_engine_class_instance *ci =
	    a->width && a->num_placements ? cap_user(c, a->instances, sizeof(*ci)) : NULL;

	if (!ci)
		return VMB_ENGINE_RENDER;
	switch (ci->engine_class) {
	case VMB_XE_ENGINE_CLASS_COPY:
		return VMB_ENGINE_COPY;
	case VMB_XE_ENGINE_CLASS_COMPUTE:
		return VMB_ENGINE_COMPUTE;
	case VMB_XE_ENGINE_CLASS_VM_BIND:
		return VMB_ENGINE_BIND;
	default:
		return VMB_ENGINE_RENDER;
	}
}

static bool xe_decode(const struct cap_call *c, struct cap_build *b)
{
	struct vmb_op *op = &b->rec->op;

	switch (_IOC_NR(c->req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_XE_VM_CREATE: {
		const struct vmb_xe_vm_create *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_VM_CREATE);
		op->u.vm_create.vm = a->vm_id;
		if (a->flags & VMB_XE_VM_CREATE_FLAG_FAULT_MODE)
			op->u.vm_create.flags |= VMB_VM_F_FAULT;
		return true;
	}
	case VMB_DRM_XE_VM_DESTROY: {
		const struct vmb_xe_vm_destroy *a = c->arg;

		if (c->size < sizeof(*a))
			return false;
		cap_op_init(b, VMB_OP_VM_DESTROY);
		op->u.vm_destroy.vm = a->vm_id;
		return true;
	}
	case VMB_DRM_XE_GEM_CREATE: {
		const struct vmb_xe_gem_create *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_BO_CREATE);
		op->u.bo.bo = a->handle;
		op->u.bo.size = a->size;
		op->u.bo.vm = a->vm_id;
		if (a->placement == 1)
			op->u.bo.placement = VMB_PLACE_SYSTEM;
		else if (a->placement && !(a->placement & 1))
			op->u.bo.placement = VMB_PLACE_VRAM;
		if (a->flags & VMB_XE_GEM_CREATE_FLAG_SCANOUT)
			op->u.bo.flags |= VMB_BO_F_SCANOUT;
		return true;
	}
	case VMB_DRM_XE_EXEC_QUEUE_CREATE: {
		const struct vmb_xe_exec_queue_create *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_QUEUE_CREATE);
		op->u.queue.queue = a->exec_queue_id;
		op->u.queue.vm = a->vm_id;
		op->u.queue.engine = (uint8_t)xe_engine(c, a);
		return true;
	}
	case VMB_DRM_XE_EXEC_QUEUE_DESTROY: {
		const struct vmb_xe_exec_queue_destroy *a = c->arg;

		if (c->size < sizeof(*a))
			return false;
		cap_op_init(b, VMB_OP_QUEUE_DESTROY);
		op->u.queue.queue = a->exec_queue_id;
		return true;
	}
	case VMB_DRM_XE_VM_BIND: {
		const struct vmb_xe_vm_bind *a = c->arg;
		const struct vmb_xe_vm_bind_op *ops;

		if (c->size < sizeof(*a))
			return false;
		if (a->num_binds == 1)
			ops = &a->bind;
		else
			ops = cap_user(c, a->vector_of_binds, (size_t)a->num_binds * sizeof(*ops));
		if (a->num_binds > UINT16_MAX || (a->num_binds && !ops))
			return false;
		cap_op_init(b, VMB_OP_BIND);
		op->u.bind.vm = a->vm_id;
		op->u.bind.queue = a->exec_queue_id;
		for (uint32_t i = 0; i < a->num_binds; i++)
			if (!xe_bind_entry(b, &ops[i]))
				return false;
		op->u.bind.n_binds = b->n_binds;
		return xe_syncs(c, b, a->syncs, a->num_syncs, &op->u.bind.n_in, &op->u.bind.n_out);
	}
	case VMB_DRM_XE_EXEC: {
		const struct vmb_xe_exec *a = c->arg;

		if (c->size < sizeof(*a))
			return false;
		cap_op_init(b, VMB_OP_SUBMIT);
		op->u.submit.queue = a->exec_queue_id;
		return xe_syncs(c, b, a->syncs, a->num_syncs, &op->u.submit.n_in,
				&op->u.submit.n_out);
	}
	}
	return false;
}

/*
 * The arrays xe_decode() reads, for a deferred decode (struct
 * cap_decoder.gather). A bind with a userptr op stays immediate: the
 * decode notes the range for the unmap wrappers (userptr.c).
 */
static bool xe_gather(const struct cap_call *c, struct cap_raw_build *r)
{
	switch (_IOC_NR(c->req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_XE_VM_CREATE:
	case VMB_DRM_XE_GEM_CREATE:
	case VMB_DRM_XE_VM_DESTROY:
	case VMB_DRM_XE_EXEC_QUEUE_DESTROY:
		return true;
	case VMB_DRM_XE_EXEC_QUEUE_CREATE: {
		const struct vmb_xe_exec_queue_create *a = c->arg;

		return c->size < sizeof(*a) || !a->width || !a->num_placements ||
		       cap_raw_array(r, a->instances, sizeof(struct vmb_xe_engine_class_instance));
	}
	case VMB_DRM_XE_VM_BIND: {
		const struct vmb_xe_vm_bind *a = c->arg;
		const struct vmb_xe_vm_bind_op *ops = &a->bind;

		if (c->size < sizeof(*a) || a->num_binds > UINT16_MAX)
			return true;
		if (a->num_binds != 1)
			ops = cap_raw_array(r, a->vector_of_binds,
					    (size_t)a->num_binds * sizeof(*ops));
		if (a->num_binds && !ops)
			return false;
		for (uint32_t i = 0; i < a->num_binds; i++)
			if (ops[i].op == VMB_XE_VM_BIND_OP_MAP_USERPTR)
				return false;
		return !a->num_syncs ||
		       cap_raw_array(r, a->syncs,
				     (size_t)a->num_syncs * sizeof(struct vmb_xe_sync));
	}
	case VMB_DRM_XE_EXEC: {
		const struct vmb_xe_exec *a = c->arg;

		return c->size < sizeof(*a) || !a->num_syncs ||
		       cap_raw_array(r, a->syncs,
				     (size_t)a->num_syncs * sizeof(struct vmb_xe_sync));
	}
	}
	return false;
}

const struct cap_decoder cap_decoder_xe = {
    .name = "xe",
    .driver = VMB_DRIVER_XE,
    .classify = xe_classify,
    .decode = xe_decode,
    .gather = xe_gather,
};
