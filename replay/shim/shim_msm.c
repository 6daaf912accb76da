// SPDX-License-Identifier: MIT
/*
 * shim_msm.c - the msm uAPI served from the model. VM_BIND mode:
 * SET_PARAM(EN_VM_BIND) (once, before any BO or submitqueue) creates the
 * file's VM; VM_BIND goes to a VM_BIND submitqueue, is always asynchronous
 * and takes drm_msm_syncobj in/out arrays; MAP_NULL is a NULL mapping;
 * GEM_SUBMIT must not carry a BO table. Legacy mode (no EN_VM_BIND): the
 * file's VM is a legacy ("implicit_va") VM created on first use; GEM_SUBMIT
 * carries a BO table (READ and/or WRITE flags, as msm_gem_submit.c
 * submit_lookup_objects wants) and the model maps the BOs itself; queue 0
 * is the default submitqueue. sync_file fences are not modelled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shim_priv.h"
#include "uapi/msm.h"

#define MSM_PAGE 4096ull
#define MSM_VA_START 0ull
#define MSM_VA_SIZE (1ull << 47)
#define MSM_BO_CACHE_MASK (VMB_MSM_BO_CACHED | VMB_MSM_BO_WC | VMB_MSM_BO_UNCACHED)

static int msm_get_param(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_msm_param *p = arg;

	if (p->pipe != VMB_MSM_PIPE_3D0)
		return -EINVAL;
	switch (p->param) {
	case VMB_MSM_PARAM_VA_START:
		p->value = MSM_VA_START;
		return 0;
	case VMB_MSM_PARAM_VA_SIZE:
		p->value = MSM_VA_SIZE;
		return 0;
	case VMB_MSM_PARAM_HAS_PRR:
		p->value = 1;
		return 0;
	case VMB_MSM_PARAM_EN_VM_BIND:
		p->value = f->vm_bind_mode;
		return 0;
	default:
		return -EINVAL;
	}
}

static int msm_set_param(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_msm_param *p = arg;
	int err;

	if (p->pipe != VMB_MSM_PIPE_3D0 || p->param != VMB_MSM_PARAM_EN_VM_BIND)
		return -EINVAL;
	if (p->value > 1)
		return -EINVAL;
	if (f->vm_bind_mode || f->has_objects)
		return -EBUSY; /* write-once, before any BO or submitqueue */
	if (!p->value)
		return 0;
	f->file_vm = shim_vm_new(MSM_VA_START, MSM_VA_SIZE, 0, 0, 0, &err);
	if (!f->file_vm)
		return err;
	f->vm_bind_mode = true;
	return 0;
}

static int msm_gem_new(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_msm_gem_new *g = arg;
	uint64_t size = (g->size + MSM_PAGE - 1) & ~(MSM_PAGE - 1);
	uint32_t vm = 0;

	if (!size || !(g->flags & MSM_BO_CACHE_MASK))
		return -EINVAL;
	if (g->flags & VMB_MSM_BO_NO_SHARE) {
		if (!f->vm_bind_mode)
			return -EINVAL;
		vm = f->file_vm->id;
	}
	return shim_bo_new(f, size, VMB_PLACE_ANY, vm, &g->handle);
}

static int msm_gem_info(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_msm_gem_info *i = arg;

	if (!shim_bo_get(f, i->handle))
		return -ENOENT;
	if (i->info != VMB_MSM_INFO_GET_OFFSET)
		return -EINVAL; /* iova, names, flags: not modelled */
	i->value = (uint64_t)i->handle << 32;
	return 0;
}

/* a legacy file's VM, created on first use: the kernel maps submit BOs itself */
static int msm_legacy_vm(struct shim_file *f)
{
	int err = 0;

	if (f->file_vm)
		return 0;
	f->file_vm = shim_vm_new(MSM_VA_START, MSM_VA_SIZE, 0, 0, VMB_VM_F_IMPLICIT_VA, &err);
	if (!f->file_vm)
		return err;
	/* msm's legacy semantics (vmb_strategy_native_trace), while nothing is mapped */
	vmb_model_set_semantics(shim.model, VMB_REF_WEAK, VMB_SYNC_IMPLICIT);
	return 0;
}

static int msm_submitqueue_new(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_msm_submitqueue *q = arg;
	bool bind = q->flags & VMB_MSM_SUBMITQUEUE_VM_BIND;
	int ret;

	if (q->flags & ~(VMB_MSM_SUBMITQUEUE_ALLOW_PREEMPT | VMB_MSM_SUBMITQUEUE_VM_BIND))
		return -EINVAL;
	if (!f->vm_bind_mode) {
		if (bind)
			return -EINVAL;
		ret = msm_legacy_vm(f);
		if (ret)
			return ret;
	}
	return shim_queue_new(f, f->file_vm, bind ? VMB_ENGINE_BIND : VMB_ENGINE_RENDER, &q->id);
}

/* the queue a submit names: in legacy mode, 0 is the default submitqueue */
static struct shim_queue *msm_submit_queue(struct shim_file *f, uint32_t id)
{
	if (id == 0 && !f->vm_bind_mode) {
		if (!f->queue0 && (msm_legacy_vm(f) ||
				   shim_queue_new(f, f->file_vm, VMB_ENGINE_RENDER, &f->queue0)))
			return NULL;
		id = f->queue0;
	}
	return shim_table_get(&f->queues, id);
}

/* a legacy submit's BO table: model BO ids into @out */
static int msm_submit_bos(struct shim_file *f, const struct vmb_msm_gem_submit *s, uint32_t *out)
{
	const struct vmb_msm_gem_submit_bo *b =
	    shim_user(s->bos, (uint64_t)s->nr_bos * sizeof(*b), false);

	if (s->nr_bos && !b)
		return -EFAULT;
	for (uint32_t i = 0; i < s->nr_bos; i++) {
		struct shim_bo *bo = shim_bo_get(f, b[i].handle);

		if ((b[i].flags & ~VMB_MSM_SUBMIT_BO_FLAGS) ||
		    !(b[i].flags & (VMB_MSM_SUBMIT_BO_READ | VMB_MSM_SUBMIT_BO_WRITE)))
			return -EINVAL;
		if (!bo)
			return -ENOENT;
		out[i] = bo->id;
	}
	return 0;
}

static int msm_submitqueue_close(struct shim_file *f, unsigned long req, void *arg)
{
	return shim_queue_free(f, *(uint32_t *)arg);
}

static int msm_syncs(struct shim_file *f, uint64_t ptr, uint32_t n, uint32_t stride,
		     struct vmb_sync *out)
{
	const uint8_t *p = shim_user(ptr, (uint64_t)n * stride, false);
	uint32_t i;
	int ret;

	if (n && stride < sizeof(struct vmb_msm_syncobj))
		return -EINVAL;
	if (!p)
		return -EFAULT;
	for (i = 0; i < n; i++) {
		const struct vmb_msm_syncobj *s = (const void *)(p + (size_t)i * stride);

		if (s->flags & ~VMB_MSM_SYNCOBJ_RESET)
			return -EINVAL;
		ret = shim_sync_resolve(f, s->handle, s->point, &out[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int msm_vm_bind(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_msm_vm_bind *b = arg;
	struct shim_queue *q;
	struct vmb_bind_entry *e;
	struct vmb_sync *syncs;
	const uint8_t *ops;
	uint32_t i;
	int ret = 0;

	if (!f->vm_bind_mode)
		return -EINVAL;
	if (b->flags)
		return -EOPNOTSUPP; /* sync_file fences are not modelled */
	q = shim_table_get(&f->queues, b->queue_id);
	if (!q)
		return -ENOENT;
	if (q->engine != VMB_ENGINE_BIND)
		return -EINVAL;
	if (!b->nr_ops || b->op_stride < sizeof(struct vmb_msm_vm_bind_op) ||
	    b->nr_in_syncobjs > 256 || b->nr_out_syncobjs > 256)
		return -EINVAL;
	ops = b->nr_ops == 1 ? (const uint8_t *)&b->op
			     : shim_user(b->ops, (uint64_t)b->nr_ops * b->op_stride, false);
	if (!ops)
		return -EFAULT;
	e = calloc(b->nr_ops, sizeof(*e));
	syncs = calloc(b->nr_in_syncobjs + b->nr_out_syncobjs + 1, sizeof(*syncs));
	if (!e || !syncs) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < b->nr_ops && !ret; i++) {
		const struct vmb_msm_vm_bind_op *o =
		    (const void *)(ops + (b->nr_ops == 1 ? 0 : (size_t)i * b->op_stride));
		struct shim_bo *bo;

		if (!o->range || (o->iova | o->range | o->obj_offset) % MSM_PAGE ||
		    (o->flags & ~VMB_MSM_VM_BIND_OP_DUMP) || o->pad) {
			ret = -EINVAL;
			break;
		}
		e[i].va = o->iova;
		e[i].range = o->range;
		switch (o->op) {
		case VMB_MSM_VM_BIND_OP_MAP:
			bo = shim_bo_get(f, o->handle);
			if (!bo) {
				ret = -ENOENT;
				break;
			}
			if (o->obj_offset > bo->size || o->range > bo->size - o->obj_offset) {
				ret = -EINVAL;
				break;
			}
			e[i].kind = VMB_BIND_MAP;
			e[i].bo = bo->id;
			e[i].offset = o->obj_offset;
			if (o->flags & VMB_MSM_VM_BIND_OP_DUMP)
				e[i].flags |= VMB_BIND_F_DUMPABLE;
			break;
		case VMB_MSM_VM_BIND_OP_MAP_NULL:
		case VMB_MSM_VM_BIND_OP_UNMAP:
			if (o->handle || o->obj_offset) {
				ret = -EINVAL;
				break;
			}
			e[i].kind =
			    o->op == VMB_MSM_VM_BIND_OP_UNMAP ? VMB_BIND_UNMAP : VMB_BIND_MAP_NULL;
			break;
		default:
			ret = -EINVAL;
			break;
		}
	}
	if (!ret)
		ret = msm_syncs(f, b->in_syncobjs, b->nr_in_syncobjs, b->syncobj_stride, syncs);
	if (!ret)
		ret = msm_syncs(f, b->out_syncobjs, b->nr_out_syncobjs, b->syncobj_stride,
				syncs + b->nr_in_syncobjs);
	if (!ret)
		ret = shim_bind(f->file_vm, q->id, e, b->nr_ops, syncs, (uint16_t)b->nr_in_syncobjs,
				(uint16_t)b->nr_out_syncobjs);
out:
	free(e);
	free(syncs);
	return ret;
}

static int msm_gem_submit(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_msm_gem_submit *s = arg;
	uint32_t n_in = 0, n_out = 0;
	struct shim_queue *q;
	struct vmb_sync *syncs;
	uint32_t *bos;
	int ret = 0;

	q = msm_submit_queue(f, s->queueid);
	if (!q)
		return -ENOENT;
	if (q->engine == VMB_ENGINE_BIND || (s->flags & 0xffff) != VMB_MSM_PIPE_3D0)
		return -EINVAL;
	if (f->vm_bind_mode && s->nr_bos)
		return -EINVAL; /* VM_BIND mode: residency comes from the VM */
	if (s->flags & (VMB_MSM_SUBMIT_FENCE_FD_IN | VMB_MSM_SUBMIT_FENCE_FD_OUT))
		return -EOPNOTSUPP;
	if (s->flags & VMB_MSM_SUBMIT_SYNCOBJ_IN)
		n_in = s->nr_in_syncobjs;
	if (s->flags & VMB_MSM_SUBMIT_SYNCOBJ_OUT)
		n_out = s->nr_out_syncobjs;
	if (n_in > 256 || n_out > 256 || s->nr_bos > (1u << 16))
		return -EINVAL;
	syncs = calloc(n_in + n_out + 1, sizeof(*syncs));
	bos = calloc(s->nr_bos + 1, sizeof(*bos));
	if (!syncs || !bos) {
		ret = -ENOMEM;
		goto out;
	}
	ret = msm_submit_bos(f, s, bos);
	if (!ret)
		ret = msm_syncs(f, s->in_syncobjs, n_in, s->syncobj_stride, syncs);
	if (!ret)
		ret = msm_syncs(f, s->out_syncobjs, n_out, s->syncobj_stride, syncs + n_in);
	if (!ret)
		ret = shim_submit(q->id, bos, s->nr_bos, syncs, (uint16_t)n_in, (uint16_t)n_out);
	if (!ret)
		s->fence = (uint32_t)++f->cs_seq;
out:
	free(syncs);
	free(bos);
	return ret;
}

static const struct shim_ioctl msm_ioctls[] = {
    [VMB_DRM_MSM_GET_PARAM] = {"GET_PARAM", msm_get_param},
    [VMB_DRM_MSM_SET_PARAM] = {"SET_PARAM", msm_set_param},
    [VMB_DRM_MSM_GEM_NEW] = {"GEM_NEW", msm_gem_new},
    [VMB_DRM_MSM_GEM_INFO] = {"GEM_INFO", msm_gem_info},
    [0x04] = {"GEM_CPU_PREP", NULL},
    [0x05] = {"GEM_CPU_FINI", NULL},
    [VMB_DRM_MSM_GEM_SUBMIT] = {"GEM_SUBMIT", msm_gem_submit},
    [0x07] = {"WAIT_FENCE", NULL},
    [0x08] = {"GEM_MADVISE", NULL},
    [VMB_DRM_MSM_SUBMITQUEUE_NEW] = {"SUBMITQUEUE_NEW", msm_submitqueue_new},
    [VMB_DRM_MSM_SUBMITQUEUE_CLOSE] = {"SUBMITQUEUE_CLOSE", msm_submitqueue_close},
    [0x0c] = {"SUBMITQUEUE_QUERY", NULL},
    [VMB_DRM_MSM_VM_BIND] = {"VM_BIND", msm_vm_bind},
};

const struct shim_driver shim_msm = {
    .name = "msm",
    .driver = VMB_DRIVER_MSM,
    .major = 1,
    .minor = 13,
    .ioctls = msm_ioctls,
    .n_ioctls = sizeof(msm_ioctls) / sizeof(msm_ioctls[0]),
};
