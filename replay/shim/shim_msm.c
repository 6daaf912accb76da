// SPDX-License-Identifier: MIT
/*
 * shim_msm.c - the msm uAPI served from the model. The file's VM is made on
 * first use (a submitqueue, a submit, a VM-private BO), in the mode
 * SET_PARAM(EN_VM_BIND) chose before that (-EBUSY after). VM_BIND mode:
 * VM_BIND goes to a VM_BIND submitqueue, is always asynchronous and takes
 * drm_msm_syncobj in/out arrays, with msm_gem_vma.c's checks; MAP_NULL is a
 * NULL mapping; GEM_SUBMIT must not carry a BO table. Legacy mode: the
 * file's VM is a legacy ("implicit_va") VM; GEM_SUBMIT
 * carries a BO table (READ and/or WRITE flags, as msm_gem_submit.c
 * submit_lookup_objects wants) and the model maps the BOs itself; queue 0
 * is the default submitqueue. sync_file fences: a VM_BIND may wait on one of
 * the shim's (always signalled) sync_files; out-fence sync_files are not
 * modelled.
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

	if (p->pipe != VMB_MSM_PIPE_3D0 || p->pad || p->len)
		return -EINVAL; /* msm_ioctl_get_param, adreno_get_param */
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
		p->value = f->msm_vm_bind;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * msm_context_vm: the file's VM, made on first use, in the mode SET_PARAM
 * (EN_VM_BIND) chose: a VM_BIND VM, or a legacy ("implicit_va") one where
 * the kernel maps submit BOs itself
 */
static int msm_ctx_vm(struct shim_file *f)
{
	int err = 0;

	if (f->file_vm)
		return 0;
	if (f->msm_vm_bind) {
		f->file_vm = shim_vm_new(MSM_VA_START, MSM_VA_SIZE, 0, 0, 0, &err);
		if (f->file_vm)
			f->vm_bind_mode = true;
		return err;
	}
	f->file_vm = shim_vm_new(MSM_VA_START, MSM_VA_SIZE, 0, 0, VMB_VM_F_IMPLICIT_VA, &err);
	if (!f->file_vm)
		return err;
	/* msm's legacy semantics (vmb_strategy_native_trace), while nothing is mapped */
	vmb_model_set_semantics(shim.model, VMB_REF_WEAK, VMB_SYNC_IMPLICIT);
	return 0;
}

/* msm_drv.c:msm_ioctl_set_param, adreno_gpu.c:adreno_set_param */
static int msm_set_param(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_msm_param *p = arg;

	if (p->pipe != VMB_MSM_PIPE_3D0 || p->pad || p->len)
		return -EINVAL;
	if (p->param != VMB_MSM_PARAM_EN_VM_BIND)
		return -EINVAL; /* COMM, CMDLINE, SYSPROF: not modelled */
	if (f->file_vm)
		return -EBUSY; /* "VM already created" */
	f->msm_vm_bind = p->value != 0;
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
		int ret;

		if (!f->msm_vm_bind)
			return -EINVAL;
		ret = msm_ctx_vm(f);
		if (ret)
			return ret;
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

static int msm_submitqueue_new(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_msm_submitqueue *q = arg;
	bool bind = q->flags & VMB_MSM_SUBMITQUEUE_VM_BIND;
	int ret;

	if (q->flags & ~(VMB_MSM_SUBMITQUEUE_ALLOW_PREEMPT | VMB_MSM_SUBMITQUEUE_VM_BIND))
		return -EINVAL;
	if (bind && !f->msm_vm_bind)
		return -EINVAL;
	ret = msm_ctx_vm(f);
	if (ret)
		return ret;
	return shim_queue_new(f, f->file_vm, bind ? VMB_ENGINE_BIND : VMB_ENGINE_RENDER, &q->id);
}

/* the queue a submit names: in legacy mode, 0 is the default submitqueue */
static struct shim_queue *msm_submit_queue(struct shim_file *f, uint32_t id)
{
	if (id == 0 && !f->msm_vm_bind) {
		if (!f->queue0 &&
		    (msm_ctx_vm(f) || shim_queue_new(f, f->file_vm, VMB_ENGINE_RENDER, &f->queue0)))
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

/*
 * msm_syncobj.c: msm_syncobj_parse_deps (@wait) and
 * msm_syncobj_parse_post_deps: each element is copied with
 * min(stride, 16) bytes over the previous one (a short stride leaves the
 * rest as it was); an unreadable one is -EFAULT. A wait may carry only
 * MSM_SYNCOBJ_RESET (-EINVAL) and needs a fence (drm_syncobj_find_fence:
 * -ENOENT, -EINVAL); a signal has no flags and an existing syncobj (both
 * -EINVAL).
 */
static int msm_syncs(struct shim_file *f, uint64_t ptr, uint32_t n, uint32_t stride, bool wait,
		     struct vmb_sync *out)
{
	struct vmb_msm_syncobj d = {0};
	size_t len = stride < sizeof(d) ? stride : sizeof(d);
	uint32_t i;
	int ret;

	for (i = 0; i < n; i++) {
		const void *p = shim_user(ptr + (uint64_t)i * stride, len, false);

		if (!p)
			return -EFAULT;
		memcpy(&d, p, len);
		if (wait) {
			if (d.flags & ~VMB_MSM_SYNCOBJ_RESET)
				return -EINVAL;
			ret = shim_sync_wait_resolve(f, d.handle, d.point, &out[i]);
		} else {
			if (d.flags)
				return -EINVAL;
			ret = shim_sync_resolve(f, d.handle, d.point, &out[i]) ? -EINVAL : 0;
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* msm_gem_vma.c:lookup_op: every check is made, all are -EINVAL */
static int msm_lookup_op(struct shim_file *f, const struct vmb_msm_vm_bind_op *o)
{
	int ret = 0;

	if (o->flags & ~VMB_MSM_VM_BIND_OP_DUMP)
		ret = -EINVAL;
	if ((o->iova | o->obj_offset | o->range) % MSM_PAGE)
		ret = -EINVAL;
	if (o->iova + o->range < o->iova || o->iova + o->range > MSM_VA_START + MSM_VA_SIZE)
		ret = -EINVAL; /* drm_gpuvm_range_valid (the VM starts at 0) */
	if ((o->op == VMB_MSM_VM_BIND_OP_MAP) != (o->handle != 0))
		ret = -EINVAL; /* MAP needs a handle, UNMAP and MAP_NULL have none */
	if (o->op > VMB_MSM_VM_BIND_OP_MAP_NULL)
		ret = -EINVAL;
	return ret;
}

/* msm_gem_vma.c:msm_ioctl_vm_bind and vm_bind_job_lookup_ops */
static int msm_vm_bind(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_msm_vm_bind *b = arg;
	struct vmb_msm_vm_bind_op *ops = NULL;
	uint32_t i, n = 0, n_in, n_out;
	struct vmb_bind_entry *e = NULL;
	struct vmb_sync *syncs = NULL;
	struct shim_queue *q;
	int ret = 0;

	if (!f->msm_vm_bind)
		return -EINVAL; /* "context does not support vmbind" */
	if (b->flags & ~(VMB_MSM_VM_BIND_FENCE_FD_IN | VMB_MSM_VM_BIND_FENCE_FD_OUT))
		return -EINVAL;
	q = shim_table_get(&f->queues, b->queue_id);
	if (!q)
		return -ENOENT;
	if (q->engine != VMB_ENGINE_BIND)
		return -EINVAL;
	if (b->flags & VMB_MSM_VM_BIND_FENCE_FD_OUT)
		return -EOPNOTSUPP; /* a sync_file of the bind: not modelled */
	if (b->nr_ops > 65536)
		return -ENOMEM; /* the shim's bound; the kernel's job kzalloc fails near 87k ops */
	/* only the pointers say whether there are fences */
	n_in = b->in_syncobjs ? b->nr_in_syncobjs : 0;
	n_out = b->out_syncobjs ? b->nr_out_syncobjs : 0;
	if (n_in > 65535 || n_out > 65535 || n_in + n_out > 65535)
		return -ENOMEM;
	e = calloc(b->nr_ops + 1, sizeof(*e));
	ops = calloc(b->nr_ops + 1, sizeof(*ops));
	syncs = calloc(n_in + n_out + 1, sizeof(*syncs));
	if (!e || !ops || !syncs) {
		ret = -ENOMEM;
		goto out;
	}
	/* sync_file_get_fence: the shim's sync_files are signalled */
	if ((b->flags & VMB_MSM_VM_BIND_FENCE_FD_IN) &&
	    shim_fd_get(b->fence_fd, NULL) != SHIM_FD_SYNC_FILE) {
		ret = -EINVAL;
		goto out;
	}
	ret = msm_syncs(f, b->in_syncobjs, n_in, b->syncobj_stride, true, syncs);
	if (!ret)
		ret = msm_syncs(f, b->out_syncobjs, n_out, b->syncobj_stride, false, syncs + n_in);
	/* the ops: inline when there is one, else an array of 40-byte ops (op_stride unused) */
	for (i = 0; i < b->nr_ops && !ret; i++) {
		const void *p = b->nr_ops == 1 ? &b->op
					       : shim_user(b->ops + (uint64_t)i * sizeof(*ops),
							   sizeof(*ops), false);

		if (!p) {
			ret = -EFAULT;
			break;
		}
		memcpy(&ops[i], p, sizeof(*ops));
		ret = msm_lookup_op(f, &ops[i]);
	}
	/* the handles, then the BO bounds */
	for (i = 0; i < b->nr_ops && !ret; i++) {
		const struct vmb_msm_vm_bind_op *o = &ops[i];
		struct shim_bo *bo = NULL;

		if (o->handle) {
			bo = shim_bo_get(f, o->handle);
			if (!bo || o->obj_offset > bo->size ||
			    o->range > bo->size - o->obj_offset) {
				ret = -EINVAL;
				break;
			}
		}
		if (!o->range) {
			if (o->op == VMB_MSM_VM_BIND_OP_UNMAP)
				continue; /* drm_gpuvm_sm_unmap of nothing */
			ret = -EINVAL;	  /* a 0-sized gpuva: not modelled */
			break;
		}
		e[n].va = o->iova;
		e[n].range = o->range;
		switch (o->op) {
		case VMB_MSM_VM_BIND_OP_MAP:
			e[n].kind = VMB_BIND_MAP;
			e[n].bo = bo->id;
			e[n].offset = o->obj_offset;
			if (o->flags & VMB_MSM_VM_BIND_OP_DUMP)
				e[n].flags |= VMB_BIND_F_DUMPABLE;
			break;
		case VMB_MSM_VM_BIND_OP_MAP_NULL:
			e[n].kind = VMB_BIND_MAP_NULL;
			break;
		default:
			e[n].kind = VMB_BIND_UNMAP;
			break;
		}
		n++;
	}
	if (!ret)
		ret = shim_bind(f->file_vm, q->id, e, n, syncs, (uint16_t)n_in, (uint16_t)n_out);
out:
	free(e);
	free(ops);
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
	if (f->msm_vm_bind && s->nr_bos)
		return -EINVAL; /* VM_BIND mode: residency comes from the VM */
	if (s->flags & (VMB_MSM_SUBMIT_FENCE_FD_IN | VMB_MSM_SUBMIT_FENCE_FD_OUT))
		return -EOPNOTSUPP;
	if (s->flags & VMB_MSM_SUBMIT_SYNCOBJ_IN)
		n_in = s->nr_in_syncobjs;
	if (s->flags & VMB_MSM_SUBMIT_SYNCOBJ_OUT)
		n_out = s->nr_out_syncobjs;
	if (s->nr_bos > (1u << 16))
		return -EINVAL;
	if ((uint64_t)n_in + n_out > 65535)
		return -ENOMEM; /* the model's limit of fences per call */
	syncs = calloc(n_in + n_out + 1, sizeof(*syncs));
	bos = calloc(s->nr_bos + 1, sizeof(*bos));
	if (!syncs || !bos) {
		ret = -ENOMEM;
		goto out;
	}
	ret = msm_submit_bos(f, s, bos);
	if (!ret)
		ret = msm_syncs(f, s->in_syncobjs, n_in, s->syncobj_stride, true, syncs);
	if (!ret)
		ret = msm_syncs(f, s->out_syncobjs, n_out, s->syncobj_stride, false, syncs + n_in);
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
