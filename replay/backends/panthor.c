// SPDX-License-Identifier: MIT
/*
 * panthor.c - the `panthor` backend (Arm Mali CSF, 6.10+ uAPI). All entries
 * of a trace bind op go into one VM_BIND (as panvk does); with trace fences
 * the bind is ASYNC, the in-fences ride on the first op and the out-fences
 * on the last; without them it runs synchronously (panvk's IMMEDIATE mode).
 * NULL/sparse binds use MAP_SPARSE (only in very new kernels; older ones
 * reject it). No userptr, no UNMAP_ALL (lowered from the shadow copy), no
 * prefetch. A queue is a group with one queue; submits are group submits
 * with stream_size 0, a pure sync point the kernel accepts, so no GPU
 * duration is reproduced.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xf86drm.h>

#include "backends/hw.h"
#include "uapi/panthor.h"

static void panthor_encode_syncs(const struct vmb_hw_sync *s, uint32_t n, bool signal,
				 struct vmb_panthor_sync_op *out)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		out[i].flags = (s[i].point ? VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ
					   : VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ) |
			       (signal ? VMB_PANTHOR_SYNC_OP_SIGNAL : VMB_PANTHOR_SYNC_OP_WAIT);
		out[i].handle = s[i].handle;
		out[i].timeline_value = s[i].point;
	}
}

/**
 * vmb_panthor_encode_bind() - fill a DRM_IOCTL_PANTHOR_VM_BIND argument
 * @req: the resolved bind (n >= 1)
 * @args: receives the argument; @ops: @req->n ops
 * @syncs: n_in + n_out sync ops (waits, then signals)
 *
 * Synchronous when the only fence is the measurement point (the caller
 * signals it from the CPU).
 *
 * Return: 0 or -EINVAL for a kind panthor cannot express.
 */
int vmb_panthor_encode_bind(const struct vmb_hw_bind_req *req, struct vmb_panthor_vm_bind *args,
			    struct vmb_panthor_vm_bind_op *ops, struct vmb_panthor_sync_op *syncs)
{
	bool async = !(req->n_in == 0 && req->n_out <= 1);
	uint32_t i;

	memset(args, 0, sizeof(*args));
	if (!req->n)
		return -EINVAL;
	for (i = 0; i < req->n; i++) {
		const struct vmb_bind_entry *e = &req->binds[i];
		struct vmb_panthor_vm_bind_op *o = &ops[i];

		memset(o, 0, sizeof(*o));
		o->va = e->va;
		o->size = e->range;
		o->syncs.stride = sizeof(struct vmb_panthor_sync_op);
		switch (e->kind) {
		case VMB_BIND_MAP:
			o->flags = VMB_PANTHOR_VM_BIND_OP_TYPE_MAP;
			if (e->flags & VMB_BIND_F_READONLY)
				o->flags |= VMB_PANTHOR_VM_BIND_OP_MAP_READONLY;
			if (e->flags & VMB_BIND_F_NOEXEC)
				o->flags |= VMB_PANTHOR_VM_BIND_OP_MAP_NOEXEC;
			if (e->flags & VMB_BIND_F_UNCACHED)
				o->flags |= VMB_PANTHOR_VM_BIND_OP_MAP_UNCACHED;
			o->bo_handle = req->handles[i];
			o->bo_offset = e->offset;
			break;
		case VMB_BIND_MAP_NULL:
			o->flags = VMB_PANTHOR_VM_BIND_OP_TYPE_MAP |
				   VMB_PANTHOR_VM_BIND_OP_MAP_SPARSE |
				   VMB_PANTHOR_VM_BIND_OP_MAP_NOEXEC;
			break;
		case VMB_BIND_UNMAP:
			o->flags = VMB_PANTHOR_VM_BIND_OP_TYPE_UNMAP;
			break;
		default:
			return -EINVAL;
		}
	}
	if (async) {
		panthor_encode_syncs(req->in, req->n_in, false, syncs);
		panthor_encode_syncs(req->out, req->n_out, true, syncs + req->n_in);
		if (req->n == 1) {
			ops[0].syncs = VMB_PANTHOR_OBJ_ARRAY(req->n_in + req->n_out, syncs);
		} else {
			ops[0].syncs = VMB_PANTHOR_OBJ_ARRAY(req->n_in, syncs);
			ops[req->n - 1].syncs =
			    VMB_PANTHOR_OBJ_ARRAY(req->n_out, syncs + req->n_in);
		}
		args->flags = VMB_PANTHOR_VM_BIND_ASYNC;
	}
	args->vm_id = req->vm_id;
	args->ops = VMB_PANTHOR_OBJ_ARRAY(req->n, ops);
	return 0;
}

static int panthor_probe(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t *va_end, uint64_t *mem)
{
	*va_end = 0; /* per VM: VM_CREATE returns user_va_range */
	*mem = 0;
	return 0;
}

static int panthor_vm_create(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_op *op,
			     uint64_t kernel_range, uint32_t *vm_id)
{
	struct vmb_panthor_vm_create c = {0};
	int ret;

	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_PANTHOR_VM_CREATE, &c);
	*vm_id = c.id;
	return ret;
}

static int panthor_vm_destroy(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm_id)
{
	struct vmb_panthor_vm_destroy d = {.id = vm_id};

	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_PANTHOR_VM_DESTROY, &d);
}

static int panthor_queue_create(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm_id,
				enum vmb_engine engine, uint32_t *id)
{
	struct vmb_panthor_queue_create q = {.priority = 0, .ringbuf_size = 64 * 1024};
	struct vmb_panthor_group_create g = {0};
	int ret;

	*id = 0;
	if (engine == VMB_ENGINE_BIND)
		return 0; /* the VM's bind queue is implicit */
	g.queues = VMB_PANTHOR_OBJ_ARRAY(1, &q);
	g.max_compute_cores = 64;
	g.max_fragment_cores = 64;
	g.max_tiler_cores = 1;
	g.compute_core_mask = ~0ull;
	g.fragment_core_mask = ~0ull;
	g.tiler_core_mask = ~0ull;
	g.vm_id = vm_id;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_PANTHOR_GROUP_CREATE, &g);
	if (!ret)
		*id = g.group_handle;
	return ret;
}

static int panthor_queue_destroy(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t id,
				 enum vmb_engine engine)
{
	struct vmb_panthor_group_destroy d = {.group_handle = id};

	if (engine == VMB_ENGINE_BIND)
		return 0;
	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_PANTHOR_GROUP_DESTROY, &d);
}

static int panthor_bo_create(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_op *op,
			     uint32_t vm_id, uint32_t *handle)
{
	struct vmb_panthor_bo_create c = {0};
	int ret;

	c.size = op->u.bo.size;
	c.exclusive_vm_id = vm_id;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_PANTHOR_BO_CREATE, &c);
	*handle = c.handle;
	return ret;
}

static int panthor_bind(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_bind_req *req)
{
	struct vmb_panthor_sync_op syncs[req->n_in + req->n_out + 1];
	struct vmb_panthor_vm_bind_op *ops;
	struct vmb_panthor_vm_bind args;
	int ret;

	ops = malloc((req->n + 1) * sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	ret = vmb_panthor_encode_bind(req, &args, ops, syncs);
	if (!ret)
		ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_PANTHOR_VM_BIND, &args);
	if (!ret && !(args.flags & VMB_PANTHOR_VM_BIND_ASYNC) && req->n_out) {
		uint32_t h = req->out[0].handle;
		uint64_t p = req->out[0].point;

		ret = drmSyncobjTimelineSignal(f->fd, &h, &p, 1) ? -errno : 0;
	}
	free(ops);
	return ret;
}

static int panthor_submit(struct vmb_hw *hw, struct vmb_hw_file *f,
			  const struct vmb_hw_submit_req *req)
{
	struct vmb_panthor_sync_op syncs[req->n_in + req->n_out + 1];
	struct vmb_panthor_queue_submit qs = {0};
	struct vmb_panthor_group_submit gs = {0};

	panthor_encode_syncs(req->in, req->n_in, false, syncs);
	panthor_encode_syncs(req->out, req->n_out, true, syncs + req->n_in);
	qs.queue_index = 0;
	qs.stream_size = 0;
	qs.stream_addr = 0;
	qs.syncs = VMB_PANTHOR_OBJ_ARRAY(req->n_in + req->n_out, syncs);
	gs.group_handle = req->queue_id;
	gs.queue_submits = VMB_PANTHOR_OBJ_ARRAY(1, &qs);
	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_PANTHOR_GROUP_SUBMIT, &gs);
}

static const struct vmb_hw_driver panthor_driver = {
    .name = "panthor",
    .driver = VMB_DRIVER_PANTHOR,
    .empty_job = true,
    .bind_kinds =
	VMB_HW_KIND(VMB_BIND_MAP) | VMB_HW_KIND(VMB_BIND_MAP_NULL) | VMB_HW_KIND(VMB_BIND_UNMAP),
    .probe = panthor_probe,
    .vm_create = panthor_vm_create,
    .vm_destroy = panthor_vm_destroy,
    .queue_create = panthor_queue_create,
    .queue_destroy = panthor_queue_destroy,
    .bo_create = panthor_bo_create,
    .bind = panthor_bind,
    .submit = panthor_submit,
};

VMB_HW_BACKEND(vmb_panthor_backend, panthor_driver, "panthor");
