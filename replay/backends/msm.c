// SPDX-License-Identifier: MIT
/*
 * msm.c - the `msm` backend in VM_BIND mode (6.17+): every file opts in with
 * SET_PARAM(EN_VM_BIND) before creating anything and gets a VM_BIND
 * submitqueue for binds without a trace queue (as turnip's internal one).
 * A trace VM with the "implicit_va" flag is a legacy file instead: no
 * EN_VM_BIND, no binds; each submit carries its BO table and the kernel
 * maps the BOs itself. Legacy submits run no command buffer (the no-op
 * buffer needs a VM_BIND mapping), so their gpu_ns is not reproduced.
 * A trace bind op is one VM_BIND (inline op when it has one entry), always
 * asynchronous, with drm_msm_syncobj in/out arrays. NULL binds are
 * MAP_NULL (needs PRR support). No userptr, no UNMAP_ALL (lowered from the
 * shadow copy), no prefetch.
 *
 * Submits on hardware run a command buffer of one-dword CP_NOP packets from
 * a 4 MiB per-VM buffer mapped above the trace's highest address; the time
 * of a full buffer minus an 8-NOP one gives ns per NOP, and a job of gpu_ns
 * runs that many.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "backends/hw_priv.h"
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
	struct vmb_msm_submitqueue q = {.flags = flags};
	int ret = vmb_hw_ioctl(fd, VMB_DRM_IOCTL_MSM_SUBMITQUEUE_NEW, &q);

	*id = q.id;
	return ret;
}

/* f->drv[1]: the file is a legacy (implicit_va) one */
static bool msm_is_legacy(const struct vmb_hw_file *f)
{
	return f->drv[1];
}

static bool trace_vm_is_legacy(const struct vmb_trace *t, uint32_t vm)
{
	struct vmb_cursor c;
	bool legacy = false;

	if (!(t->vm_flags & VMB_VM_F_IMPLICIT_VA) || vmb_cursor_init(&c, t))
		return false;
	while (vmb_cursor_next(&c) > 0) {
		if (c.op.kind == VMB_OP_VM_CREATE && c.op.u.vm_create.vm == vm) {
			legacy = c.op.u.vm_create.flags & VMB_VM_F_IMPLICIT_VA;
			break;
		}
	}
	vmb_cursor_fini(&c);
	return legacy;
}

static int msm_file_init(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t va_start,
			 uint64_t kernel_start, uint64_t kernel_range)
{
	struct vmb_msm_param p = {
	    .pipe = VMB_MSM_PIPE_3D0, .param = VMB_MSM_PARAM_EN_VM_BIND, .value = 1};
	uint32_t q;
	int ret;

	if (f->vm && trace_vm_is_legacy(hw->trace, f->vm)) {
		f->drv[1] = 1;
		return 0;
	}
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

	if (!msm_is_legacy(f))
		vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_SUBMITQUEUE_CLOSE, &q);
}

static int msm_probe(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t *va_end, uint64_t *mem)
{
	struct vmb_msm_param start = {.pipe = VMB_MSM_PIPE_3D0, .param = VMB_MSM_PARAM_VA_START};
	struct vmb_msm_param size = {.pipe = VMB_MSM_PIPE_3D0, .param = VMB_MSM_PARAM_VA_SIZE};

	*mem = 0;
	*va_end = 0;
	if (!vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_GET_PARAM, &start) &&
	    !vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_GET_PARAM, &size))
		*va_end = start.value + size.value;
	hw->drv_state[1] = *va_end;
	return 0;
}

static int msm_queue_create(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm_id,
			    enum vmb_engine engine, uint32_t *id)
{
	return msm_new_queue(f->fd, engine == VMB_ENGINE_BIND ? VMB_MSM_SUBMITQUEUE_VM_BIND : 0,
			     id);
}

static int msm_queue_destroy(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t id,
			     enum vmb_engine engine)
{
	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_SUBMITQUEUE_CLOSE, &id);
}

static int msm_bo_create(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_op *op,
			 uint32_t vm_id, uint32_t *handle)
{
	struct vmb_msm_gem_new g = {.size = op->u.bo.size, .flags = VMB_MSM_BO_WC};
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
	struct vmb_msm_gem_submit_bo bos[msm_is_legacy(f) ? req->n_bos + 1 : 1];
	struct vmb_msm_gem_submit_cmd cmd = {0};
	struct vmb_msm_gem_submit s = {0};

	if (msm_is_legacy(f)) {
		for (uint32_t i = 0; i < req->n_bos; i++) {
			bos[i].flags = VMB_MSM_SUBMIT_BO_READ | VMB_MSM_SUBMIT_BO_WRITE;
			bos[i].handle = req->bos[i];
			bos[i].presumed = 0;
		}
		s.nr_bos = req->n_bos;
		s.bos = (uint64_t)(uintptr_t)bos;
	}
	msm_encode_syncs(req->in, req->n_in, syncs);
	msm_encode_syncs(req->out, req->n_out, syncs + req->n_in);
	s.flags = VMB_MSM_PIPE_3D0 | VMB_MSM_SUBMIT_SYNCOBJ_OUT |
		  (req->n_in ? VMB_MSM_SUBMIT_SYNCOBJ_IN : 0);
	s.queueid = req->queue_id;
	s.fence_fd = -1;
	if (req->batch_va && !msm_is_legacy(f)) {
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

/* ---- the no-op command buffer ---------------------------------------------- */

#define MSM_CMD_SIZE (4u << 20)
#define MSM_CMD_DWORDS (MSM_CMD_SIZE / 4)
#define MSM_CMD_MIN 8u

/* drv_state[0]: the command-buffer state */
struct msm_cmd_state {
	uint64_t va;
	double ns_per_nop;
	struct {
		uint32_t *cpu;
	} vm[];
};

static uint64_t msm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int msm_cmd_time(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t queue,
			enum vmb_engine engine, uint64_t va, uint32_t len, uint64_t *ns)
{
	struct vmb_hw_sync meas = {.handle = f->meas, .point = ++f->meas_point};
	struct vmb_hw_submit_req r = {
	    .queue_id = queue, .batch_va = va, .batch_len = len, .out = &meas, .n_out = 1};
	uint64_t t0 = msm_now();
	int ret = msm_submit(hw, f, &r);

	if (ret)
		return ret;
	*ns = vmb_hw_meas_wait(hw, f, meas.point, t0) - t0;
	return 0;
}

static int msm_cmd_create(struct vmb_hw *hw, struct vmb_hw_file *f, struct msm_cmd_state *st,
			  uint32_t vm)
{
	struct vmb_msm_gem_new g = {.size = MSM_CMD_SIZE,
				    .flags = VMB_MSM_BO_WC | VMB_MSM_BO_NO_SHARE |
					     VMB_MSM_BO_GPU_READONLY};
	struct vmb_msm_gem_info gi = {.info = VMB_MSM_INFO_GET_OFFSET};
	struct vmb_bind_entry e = {.kind = VMB_BIND_MAP, .va = st->va, .range = MSM_CMD_SIZE};
	struct vmb_hw_sync meas = {.handle = f->meas, .point = ++f->meas_point};
	struct vmb_hw_bind_req r = {.n = 1, .binds = &e, .out = &meas, .n_out = 1};
	uint32_t *cpu, i;
	int ret;

	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_GEM_NEW, &g);
	if (ret)
		return ret;
	gi.handle = g.handle; /* released with the VM's file */
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_MSM_GEM_INFO, &gi);
	if (ret)
		return ret;
	cpu = mmap(NULL, MSM_CMD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, (off_t)gi.value);
	if (cpu == MAP_FAILED)
		return -errno;
	for (i = 0; i < MSM_CMD_DWORDS; i++)
		cpu[i] = VMB_MSM_CP_NOP;
	r.handles = &g.handle;
	ret = msm_bind(hw, f, &r);
	if (ret) {
		munmap(cpu, MSM_CMD_SIZE);
		return ret;
	}
	vmb_hw_meas_wait(hw, f, meas.point, 0);
	st->vm[vm].cpu = cpu;
	return 0;
}

static int msm_batch(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm, uint32_t queue,
		     enum vmb_engine engine, uint64_t gpu_ns, uint64_t *va, uint32_t *len)
{
	struct msm_cmd_state *st = (struct msm_cmd_state *)(uintptr_t)hw->drv_state[0];
	uint64_t nops;
	int ret;

	if (msm_is_legacy(f)) { /* no VM_BIND mapping for the no-op buffer */
		*va = 0;
		*len = 0;
		return 0;
	}
	if (!st) {
		const struct vmb_trace *t = hw->trace;

		st = calloc(1, sizeof(*st) + (t->max_id[VMB_CLASS_VM] + 1) * sizeof(st->vm[0]));
		if (!st)
			return -ENOMEM;
		hw->drv_state[0] = (uint64_t)(uintptr_t)st;
		st->va = vmb_hw_batch_va(t);
	}
	if (hw->drv_state[1] && st->va + MSM_CMD_SIZE > hw->drv_state[1])
		return -ENOSPC;
	if (!st->vm[vm].cpu) {
		ret = msm_cmd_create(hw, f, st, vm);
		if (ret)
			return ret;
	}
	if (st->ns_per_nop == 0) {
		ret = vmb_hw_calibrate_nops(
		    hw, f, msm_cmd_time, queue, engine, st->va, MSM_CMD_SIZE, MSM_CMD_MIN * 4,
		    MSM_CMD_DWORDS - MSM_CMD_MIN, NULL, NULL, &st->ns_per_nop);
		if (ret)
			return ret;
		fprintf(stderr, "msm: no-op command buffer calibrated: %.3f ns per CP_NOP\n",
			st->ns_per_nop);
	}
	nops = (uint64_t)((double)gpu_ns / st->ns_per_nop);
	if (nops > MSM_CMD_DWORDS) {
		vmb_hw_warn_once(hw, HW_WARN_DRIVER,
				 "jobs longer than the no-op command buffer "
				 "are cut to it");
		nops = MSM_CMD_DWORDS;
	}
	if (nops < MSM_CMD_MIN)
		nops = MSM_CMD_MIN;
	*va = st->va + (MSM_CMD_DWORDS - nops) * 4;
	*len = (uint32_t)nops * 4;
	return 0;
}

static void msm_batch_release(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm)
{
	struct msm_cmd_state *st = (struct msm_cmd_state *)(uintptr_t)hw->drv_state[0];

	if (st && st->vm[vm].cpu) {
		munmap(st->vm[vm].cpu, MSM_CMD_SIZE);
		st->vm[vm].cpu = NULL;
	}
}

static void msm_fini(struct vmb_hw *hw)
{
	free((void *)(uintptr_t)hw->drv_state[0]);
	hw->drv_state[0] = 0;
}

static const struct vmb_hw_driver msm_driver = {
    .name = "msm",
    .driver = VMB_DRIVER_MSM,
    .vm_is_file = true,
    .bind_kinds =
	VMB_HW_KIND(VMB_BIND_MAP) | VMB_HW_KIND(VMB_BIND_MAP_NULL) | VMB_HW_KIND(VMB_BIND_UNMAP),
    .probe = msm_probe,
    .file_init = msm_file_init,
    .file_fini = msm_file_fini,
    .queue_create = msm_queue_create,
    .queue_destroy = msm_queue_destroy,
    .bo_create = msm_bo_create,
    .bind = msm_bind,
    .submit = msm_submit,
    .batch = msm_batch,
    .batch_release = msm_batch_release,
    .fini = msm_fini,
};

VMB_HW_BACKEND(vmb_msm_backend, msm_driver, "msm");
