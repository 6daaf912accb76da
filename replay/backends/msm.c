// SPDX-License-Identifier: MIT
/*
 * msm.c - the `msm` backend in VM_BIND mode (6.17+): every file opts in with
 * SET_PARAM(EN_VM_BIND) before creating anything and gets a VM_BIND
 * submitqueue for binds without a trace queue (as turnip's internal one).
 * A trace bind op is one VM_BIND (inline op when it has one entry), always
 * asynchronous, with drm_msm_syncobj in/out arrays. NULL binds are
 * MAP_NULL (needs PRR support). No userptr, no UNMAP_ALL (lowered from the
 * shadow copy), no prefetch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/hw.h"
#include "uapi/msm.h"

static void msm_encode_syncs(const struct vmb_hw_sync *s, uint32_t n, struct vmb_msm_syncobj *out)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		out[i].handle = s[i].handle;
		out[i].flags = 0;
		out[i].point = s[i].point;
	}
}

/**
 * vmb_msm_encode_bind() - fill a DRM_IOCTL_MSM_VM_BIND argument
 * @req: the resolved bind; @req->queue_id must be a VM_BIND submitqueue
 * @args: receives the argument; @ops: @req->n ops (used when n > 1)
 * @syncs: n_in + n_out drm_msm_syncobj entries
 *
 * Return: 0 or -EINVAL for a kind msm cannot express.
 */
int vmb_msm_encode_bind(const struct vmb_hw_bind_req *req, struct vmb_msm_vm_bind *args,
			struct vmb_msm_vm_bind_op *ops, struct vmb_msm_syncobj *syncs)
{
	uint32_t i;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < req->n; i++) {
		const struct vmb_bind_entry *e = &req->binds[i];
		struct vmb_msm_vm_bind_op *o = &ops[i];

		memset(o, 0, sizeof(*o));
		o->iova = e->va;
		o->range = e->range;
		switch (e->kind) {
		case VMB_BIND_MAP:
			o->op = VMB_MSM_VM_BIND_OP_MAP;
			o->handle = req->handles[i];
			o->obj_offset = e->offset;
			if (e->flags & VMB_BIND_F_DUMPABLE)
				o->flags = VMB_MSM_VM_BIND_OP_DUMP;
			break;
		case VMB_BIND_MAP_NULL:
			o->op = VMB_MSM_VM_BIND_OP_MAP_NULL;
			break;
		case VMB_BIND_UNMAP:
			o->op = VMB_MSM_VM_BIND_OP_UNMAP;
			break;
		default:
			return -EINVAL;
		}
	}
	args->nr_ops = req->n;
	args->queue_id = req->queue_id;
	args->fence_fd = -1;
	args->op_stride = sizeof(struct vmb_msm_vm_bind_op);
	args->syncobj_stride = sizeof(struct vmb_msm_syncobj);
	if (req->n == 1)
		args->op = ops[0];
	else
		args->ops = (uint64_t)(uintptr_t)ops;
	msm_encode_syncs(req->in, req->n_in, syncs);
	msm_encode_syncs(req->out, req->n_out, syncs + req->n_in);
	args->nr_in_syncobjs = req->n_in;
	args->nr_out_syncobjs = req->n_out;
	args->in_syncobjs = (uint64_t)(uintptr_t)syncs;
	args->out_syncobjs = (uint64_t)(uintptr_t)(syncs + req->n_in);
	return 0;
}

static int msm_new_queue(int fd, uint32_t flags, uint32_t *id)
{
	struct vmb_msm_submitqueue q = { .flags = flags };
	int ret = vmb_hw_ioctl(fd, VMB_DRM_IOCTL_MSM_SUBMITQUEUE_NEW, &q);

	*id = q.id;
	return ret;
}

static int msm_file_init(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t va_start,
			 uint64_t kernel_start, uint64_t kernel_range)
{
	struct vmb_msm_param p = { .pipe = VMB_MSM_PIPE_3D0, .param = VMB_MSM_PARAM_EN_VM_BIND,
				   .value = 1 };
	uint32_t q;
	int ret;

	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_SET_PARAM, &p);
	if (ret)
		return ret;
	ret = msm_new_queue(f->fd, VMB_MSM_SUBMITQUEUE_VM_BIND, &q);
	f->drv[0] = q;
	return ret;
}

static void msm_file_fini(struct vmb_hw *hw, struct vmb_hw_file *f)
{
	uint32_t q = (uint32_t)f->drv[0];

	vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_SUBMITQUEUE_CLOSE, &q);
}

static int msm_probe(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t *va_end, uint64_t *mem)
{
	struct vmb_msm_param start = { .pipe = VMB_MSM_PIPE_3D0, .param = VMB_MSM_PARAM_VA_START };
	struct vmb_msm_param size = { .pipe = VMB_MSM_PIPE_3D0, .param = VMB_MSM_PARAM_VA_SIZE };

	*mem = 0;
	*va_end = 0;
	if (!vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_GET_PARAM, &start) &&
	    !vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_GET_PARAM, &size))
		*va_end = start.value + size.value;
	return 0;
}

static int msm_queue_create(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm_id,
			    enum vmb_engine engine, uint32_t *id)
{
	return msm_new_queue(f->fd, engine == VMB_ENGINE_BIND ? VMB_MSM_SUBMITQUEUE_VM_BIND : 0, id);
}

static int msm_queue_destroy(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t id,
			     enum vmb_engine engine)
{
	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_SUBMITQUEUE_CLOSE, &id);
}

static int msm_bo_create(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_op *op,
			 uint32_t vm_id, uint32_t *handle)
{
	struct vmb_msm_gem_new g = { .size = op->u.bo.size, .flags = VMB_MSM_BO_WC };
	int ret;

	if (op->u.bo.vm)
		g.flags |= VMB_MSM_BO_NO_SHARE;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_GEM_NEW, &g);
	*handle = g.handle;
	return ret;
}

static int msm_bind(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_bind_req *req)
{
	struct vmb_msm_syncobj syncs[req->n_in + req->n_out + 1];
	struct vmb_hw_bind_req r = *req;
	struct vmb_msm_vm_bind_op *ops;
	struct vmb_msm_vm_bind args;
	int ret;

	if (!r.queue_id)
		r.queue_id = (uint32_t)f->drv[0];
	ops = malloc((req->n + 1) * sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	ret = vmb_msm_encode_bind(&r, &args, ops, syncs);
	if (!ret)
		ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_VM_BIND, &args);
	free(ops);
	return ret;
}

static int msm_submit(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_submit_req *req)
{
	struct vmb_msm_syncobj syncs[req->n_in + req->n_out + 1];
	struct vmb_msm_gem_submit_cmd cmd = { 0 };
	struct vmb_msm_gem_submit s = { 0 };

	msm_encode_syncs(req->in, req->n_in, syncs);
	msm_encode_syncs(req->out, req->n_out, syncs + req->n_in);
	s.flags = VMB_MSM_PIPE_3D0 | VMB_MSM_SUBMIT_SYNCOBJ_OUT |
		  (req->n_in ? VMB_MSM_SUBMIT_SYNCOBJ_IN : 0);
	s.queueid = req->queue_id;
	s.fence_fd = -1;
	if (req->batch_va) {
		cmd.type = VMB_MSM_SUBMIT_CMD_BUF;
		cmd.size = req->batch_len;
		cmd.iova = req->batch_va;
		s.nr_cmds = 1;
		s.cmds = (uint64_t)(uintptr_t)&cmd;
	}
	s.in_syncobjs = (uint64_t)(uintptr_t)syncs;
	s.out_syncobjs = (uint64_t)(uintptr_t)(syncs + req->n_in);
	s.nr_in_syncobjs = req->n_in;
	s.nr_out_syncobjs = req->n_out;
	s.syncobj_stride = sizeof(struct vmb_msm_syncobj);
	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_GEM_SUBMIT, &s);
}

static const struct vmb_hw_driver msm_driver = {
	.name = "msm",
	.driver = VMB_DRIVER_MSM,
	.vm_is_file = true,
	.bind_kinds = VMB_HW_KIND(VMB_BIND_MAP) | VMB_HW_KIND(VMB_BIND_MAP_NULL) |
		      VMB_HW_KIND(VMB_BIND_UNMAP),
	.probe = msm_probe,
	.file_init = msm_file_init,
	.file_fini = msm_file_fini,
	.queue_create = msm_queue_create,
	.queue_destroy = msm_queue_destroy,
	.bo_create = msm_bo_create,
	.bind = msm_bind,
	.submit = msm_submit,
};

VMB_HW_BACKEND(vmb_msm_backend, msm_driver, "msm");
