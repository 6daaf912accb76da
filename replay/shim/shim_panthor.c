// SPDX-License-Identifier: MIT
/*
 * shim_panthor.c - the panthor uAPI served from the model, with the
 * kernel's argument checks (panthor_drv.c, panthor_mmu.c; docs/backends.md
 * has the table): VMs over the whole 48-bit GPU VA with a kernel half,
 * VM_BIND with per-op sync arrays, synchronous (op by op, stopping at the
 * first failure) or asynchronous (a job that fails when it runs makes the
 * VM unusable), SYNC_ONLY ops carrying just fences, MAP_SPARSE NULL
 * mappings (not in mainline: bo 0, offset 0, NOEXEC required), exclusive-VM
 * BOs, groups as queues and group submits. Object arrays take any stride
 * from the object's first size on (copy_struct_from_user). DEV_QUERY is not
 * modelled (-EINVAL).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "shim_priv.h"
#include "uapi/panthor.h"

#define PT_PAGE 4096ull
#define PT_VA_BITS 48 /* GPU_MMU_FEATURES_VA_BITS of the shim's GPU */
#define PT_VA_FULL (1ull << PT_VA_BITS)
#define PT_MIN_KERNEL_VA (256ull << 20) /* PANTHOR_VM_MIN_KERNEL_VA_SIZE */
#define PT_MAX_VMS 32			/* PANTHOR_MAX_VMS_PER_FILE */
#define PT_SYNC_MAX 65535u		/* the model's limit of fences per call */
#define PT_MAP_FLAGS                                                                               \
	(VMB_PANTHOR_VM_BIND_OP_MAP_READONLY | VMB_PANTHOR_VM_BIND_OP_MAP_NOEXEC |                 \
	 VMB_PANTHOR_VM_BIND_OP_MAP_UNCACHED)
/* PANTHOR_UOBJ_MIN_SIZE: each object up to the last field it was added with */
#define PT_MIN_SYNC_OP 16      /* drm_panthor_sync_op: timeline_value */
#define PT_MIN_BIND_OP 48      /* drm_panthor_vm_bind_op: syncs */
#define PT_MIN_QUEUE_SUBMIT 40 /* drm_panthor_queue_submit: syncs */
#define PT_MIN_QUEUE_CREATE 8  /* drm_panthor_queue_create: ringbuf_size */

static uint64_t rounddown_pow2(uint64_t x)
{
	return x ? 1ull << (63 - __builtin_clzll(x)) : 0;
}

/* panthor_mmu.c:panthor_vm_create_check_args, panthor_vm_pool_create_vm */
static int pt_vm_create(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_vm_create *c = arg;
	uint64_t user = c->user_va_range, kernel_range, kernel_start;
	uint32_t i, n = 0;
	struct shim_vm *vm;
	int err;

	if (c->flags)
		return -EINVAL;
	/*
	 * panthor_vm_create_get_user_va_range: by default the task's VA size
	 * when it is below the GPU's, else half of the GPU's. The shim plays an
	 * arm64 host with 48-bit VAs (TASK_SIZE 2^48, not below), so half.
	 */
	if (!user)
		user = PT_VA_FULL / 2;
	if (user > PT_VA_FULL - PT_MIN_KERNEL_VA) {
		if (c->user_va_range)
			return -EINVAL;
		user = PT_VA_FULL - PT_MIN_KERNEL_VA;
	}
	kernel_range = rounddown_pow2(PT_VA_FULL - user);
	kernel_start = PT_VA_FULL - kernel_range;
	for (i = 1; i < f->vms.n; i++)
		n += f->vms.p[i] != NULL;
	if (n >= PT_MAX_VMS)
		return -EBUSY; /* xa_alloc() within XA_LIMIT(1, 32) */
	/* drm_gpuvm_init over the whole GPU VA, no reserved range */
	vm = shim_vm_new(0, PT_VA_FULL, 0, 0, 0, &err);
	if (!vm)
		return err;
	vm->kernel_va = kernel_start;
	c->id = shim_table_add(&f->vms, vm);
	if (!c->id) {
		shim_vm_free(vm);
		return -ENOMEM;
	}
	c->user_va_range = kernel_start;
	return 0;
}

/* panthor_drv.c:panthor_ioctl_vm_destroy, panthor_mmu.c:panthor_vm_pool_destroy_vm */
static int pt_vm_destroy(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_vm_destroy *d = arg;
	struct shim_vm *vm;

	if (d->pad)
		return -EINVAL;
	vm = shim_table_remove(&f->vms, d->id);
	if (!vm)
		return -EINVAL;
	shim_vm_free(vm);
	return 0;
}

/* panthor_drv.c:panthor_ioctl_vm_get_state */
static int pt_vm_get_state(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_vm_get_state *s = arg;
	struct shim_vm *vm = shim_table_get(&f->vms, s->vm_id);

	if (!vm)
		return -EINVAL;
	s->state = vm->unusable ? VMB_PANTHOR_VM_STATE_UNUSABLE : VMB_PANTHOR_VM_STATE_USABLE;
	return 0;
}

/*
 * panthor_drv.c:panthor_get_uobj_array: a stride below the object's minimum
 * size is -EINVAL (even for no elements); elements are copied as
 * copy_struct_from_user does (a shorter one is zero-extended, bytes of a
 * longer one past @size must be zero: -E2BIG). *@out is malloc'ed (NULL for
 * no elements).
 */
static int pt_get_array(const struct vmb_panthor_obj_array *a, uint32_t min, size_t size,
			void **out)
{
	const uint8_t *src;
	uint8_t *dst;

	*out = NULL;
	if (a->stride < min)
		return -EINVAL;
	if (!a->count)
		return 0;
	if ((uint64_t)a->count * size > INT_MAX)
		return -ENOMEM; /* kvmalloc_array */
	src = shim_user(a->array, (uint64_t)a->count * a->stride, false);
	if (!src)
		return -EFAULT;
	dst = calloc(a->count, size);
	if (!dst)
		return -ENOMEM;
	for (uint32_t i = 0; i < a->count; i++) {
		const uint8_t *e = src + (size_t)i * a->stride;

		memcpy(dst + i * size, e, a->stride < size ? a->stride : size);
		for (uint32_t k = size; k < a->stride; k++)
			if (e[k]) {
				free(dst);
				return -E2BIG;
			}
	}
	*out = dst;
	return 0;
}

/* panthor_drv.c:panthor_check_sync_op */
static int pt_check_sync_op(const struct vmb_panthor_sync_op *s)
{
	uint32_t type = s->flags & VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK;

	if (s->flags & ~(VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK | VMB_PANTHOR_SYNC_OP_SIGNAL))
		return -EINVAL;
	if (type != VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ &&
	    type != VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ)
		return -EINVAL;
	if (type == VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ && s->timeline_value)
		return -EINVAL;
	return 0;
}

/* the sync ops of one job of a submission (a bind op or a queue submit) */
struct pt_job_syncs {
	const struct vmb_panthor_sync_op *s;
	uint32_t n;
};

/* the sync arrays of a bind or group submit with @total sync ops in all */
static int pt_sync_bufs_alloc(uint32_t total, struct vmb_sync **in, struct vmb_sync **out,
			      struct vmb_sync **all, uint32_t **first)
{
	*in = calloc(total + 1, sizeof(**in));
	*out = calloc(total + 1, sizeof(**out));
	*all = calloc(total + 1, sizeof(**all));
	*first = calloc(total + 1, sizeof(**first));
	return *in && *out && *all && *first ? 0 : -ENOMEM;
}

static void pt_sync_bufs_free(struct vmb_sync *in, struct vmb_sync *out, struct vmb_sync *all,
			      uint32_t *first)
{
	free(in);
	free(out);
	free(all);
	free(first);
}

/*
 * panthor_drv.c: the sync ops of a submission's jobs, as
 * panthor_submit_ctx_collect_jobs_signal_ops (every signal of every job
 * first: a bad op or an unknown syncobj is -EINVAL) then
 * panthor_submit_ctx_add_deps_and_arm_jobs (each job's waits: a bad op is
 * -EINVAL; a (handle, point) an earlier job of the same submission signals
 * is that job's fence, which the model's order gives, so it is dropped
 * with @drop_inner; any other is drm_syncobj_find_fence's: -ENOENT,
 * -EINVAL without a fence). Waits go to @in, one signal per (handle,
 * point) to @out; @job_in[j] / @job_out[j] count job j's (may be NULL).
 */
static int pt_submit_syncs(struct shim_file *f, const struct pt_job_syncs *jobs, uint32_t n_jobs,
			   bool drop_inner, struct vmb_sync *in, uint32_t *n_in,
			   struct vmb_sync *out, uint32_t *n_out, uint32_t *first_sig)
{
	uint32_t j, i, k;
	int ret;

	*n_in = *n_out = 0;
	for (j = 0; j < n_jobs; j++)
		for (i = 0; i < jobs[j].n; i++) {
			const struct vmb_panthor_sync_op *s = &jobs[j].s[i];
			struct vmb_sync y;

			if (!(s->flags & VMB_PANTHOR_SYNC_OP_SIGNAL))
				continue;
			ret = pt_check_sync_op(s);
			if (ret)
				return ret;
			if (shim_sync_resolve(f, s->handle, s->timeline_value, &y))
				return -EINVAL; /* panthor_submit_ctx_add_sync_signal */
			for (k = 0; k < *n_out; k++)
				if (out[k].syncobj == y.syncobj && out[k].point == y.point)
					break;
			if (k < *n_out)
				continue;
			if (*n_out >= PT_SYNC_MAX)
				return -ENOMEM;
			first_sig[*n_out] = j;
			out[(*n_out)++] = y;
		}
	for (j = 0; j < n_jobs; j++)
		for (i = 0; i < jobs[j].n; i++) {
			const struct vmb_panthor_sync_op *s = &jobs[j].s[i];
			struct vmb_sync y;

			if (s->flags & VMB_PANTHOR_SYNC_OP_SIGNAL)
				continue;
			ret = pt_check_sync_op(s);
			if (ret)
				return ret;
			if (shim_sync_resolve(f, s->handle, s->timeline_value, &y))
				return -ENOENT;
			for (k = 0; k < *n_out; k++)
				if (out[k].syncobj == y.syncobj && out[k].point == y.point)
					break;
			if (k < *n_out && first_sig[k] < j) {
				if (!drop_inner)
					in[(*n_in)++] = y; /* resolved when the job runs */
				continue;
			}
			ret = shim_sync_wait_resolve(f, s->handle, s->timeline_value, &y);
			if (ret)
				return ret;
			if (*n_in >= PT_SYNC_MAX)
				return -ENOMEM;
			in[(*n_in)++] = y;
		}
	return 0;
}

/*
 * panthor_mmu.c:panthor_vm_bind_prepare_op_ctx (and, for MAP,
 * panthor_vm_prepare_map_op_ctx); fills @x for MAP and UNMAP
 */
static int pt_prepare_op(struct shim_file *f, struct shim_vm *vm,
			 const struct vmb_panthor_vm_bind_op *o, struct vmb_bind_entry *x)
{
	uint32_t type = o->flags & VMB_PANTHOR_VM_BIND_OP_TYPE_MASK;
	uint32_t mflags = o->flags & ~VMB_PANTHOR_VM_BIND_OP_TYPE_MASK;
	struct shim_bo *bo;

	if ((o->va | o->size | o->bo_offset) % PT_PAGE)
		return -EINVAL;
	memset(x, 0, sizeof(*x));
	x->va = o->va;
	x->range = o->size;
	switch (type) {
	case VMB_PANTHOR_VM_BIND_OP_TYPE_MAP:
		if (mflags & VMB_PANTHOR_VM_BIND_OP_MAP_SPARSE) {
			/* not in mainline (-EINVAL there): the proposed sparse uAPI */
			if ((mflags & ~(PT_MAP_FLAGS | VMB_PANTHOR_VM_BIND_OP_MAP_SPARSE)) ||
			    o->bo_handle || o->bo_offset ||
			    !(mflags & VMB_PANTHOR_VM_BIND_OP_MAP_NOEXEC))
				return -EINVAL;
			x->kind = VMB_BIND_MAP_NULL;
			return 0;
		}
		bo = shim_bo_get(f, o->bo_handle);
		if (!bo || (mflags & ~PT_MAP_FLAGS) || o->size > bo->size ||
		    o->bo_offset > bo->size - o->size || (bo->vm && bo->vm != vm->id))
			return -EINVAL;
		x->kind = VMB_BIND_MAP;
		x->bo = bo->id;
		x->offset = o->bo_offset;
		if (mflags & VMB_PANTHOR_VM_BIND_OP_MAP_READONLY)
			x->flags |= VMB_BIND_F_READONLY;
		if (mflags & VMB_PANTHOR_VM_BIND_OP_MAP_NOEXEC)
			x->flags |= VMB_BIND_F_NOEXEC;
		if (mflags & VMB_PANTHOR_VM_BIND_OP_MAP_UNCACHED)
			x->flags |= VMB_BIND_F_UNCACHED;
		return 0;
	case VMB_PANTHOR_VM_BIND_OP_TYPE_UNMAP:
		if (mflags || o->bo_handle || o->bo_offset)
			return -EINVAL;
		x->kind = VMB_BIND_UNMAP;
		return 0;
	case VMB_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY:
		if (mflags || o->bo_handle || o->bo_offset || o->va || o->size || !o->syncs.count)
			return -EINVAL;
		x->kind = VMB_BIND_UNMAP_ALL; /* marker: nothing to bind */
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * panthor_mmu.c:panthor_vm_exec_op: a MAP on an unusable VM is -EINVAL;
 * drm_gpuvm_sm_map/unmap refuse a range outside the GPU VA (-EINVAL)
 */
static int pt_exec_check(const struct shim_vm *vm, const struct vmb_bind_entry *x)
{
	if (x->kind == VMB_BIND_UNMAP_ALL)
		return 0;
	if (x->kind != VMB_BIND_UNMAP && vm->unusable)
		return -EINVAL;
	if (x->va + x->range < x->va || x->va + x->range > PT_VA_FULL)
		return -EINVAL;
	return 0;
}

/* panthor_drv.c:panthor_ioctl_vm_bind_sync, panthor_mmu.c:panthor_vm_bind_exec_sync_op */
static int pt_vm_bind_sync(struct shim_file *f, struct shim_vm *vm, struct vmb_panthor_vm_bind *b,
			   const struct vmb_panthor_vm_bind_op *ops)
{
	struct vmb_bind_entry *e = calloc(b->ops.count + 1, sizeof(*e));
	uint32_t i, n = 0;
	int ret = 0, bret;

	if (!e)
		return -ENOMEM;
	for (i = 0; i < b->ops.count; i++) {
		if (ops[i].syncs.count) {
			ret = -EINVAL; /* no fences on a synchronous bind */
			break;
		}
		if (!ops[i].size)
			continue;
		ret = pt_prepare_op(f, vm, &ops[i], &e[n]);
		if (!ret)
			ret = pt_exec_check(vm, &e[n]);
		if (ret)
			break;
		if (e[n].kind != VMB_BIND_UNMAP_ALL)
			n++;
	}
	/* the ops before the failing one are done; ops.count tells the caller where */
	bret = n ? shim_bind(vm, 0, e, n, NULL, 0, 0) : 0;
	if (ret)
		b->ops.count = i;
	free(e);
	return ret ? ret : bret;
}

/* panthor_drv.c:panthor_ioctl_vm_bind_async, panthor_mmu.c:panthor_vm_bind_job_create */
static int pt_vm_bind_async(struct shim_file *f, struct shim_vm *vm, struct vmb_panthor_vm_bind *b,
			    const struct vmb_panthor_vm_bind_op *ops)
{
	uint32_t i, n = 0, n_in = 0, n_out = 0, cnt = b->ops.count;
	struct pt_job_syncs *jobs = calloc(cnt + 1, sizeof(*jobs));
	struct vmb_bind_entry *e = calloc(cnt + 1, sizeof(*e));
	struct vmb_sync *in = NULL, *out = NULL, *all = NULL;
	uint32_t *first = NULL, total = 0;
	int ret = 0;

	if (!jobs || !e) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < cnt && !ret; i++) {
		if (vm->unusable) {
			ret = -EINVAL;
			break;
		}
		ret = pt_prepare_op(f, vm, &ops[i], &e[i]);
		if (!ret)
			ret = pt_get_array(&ops[i].syncs, PT_MIN_SYNC_OP, sizeof(*jobs[i].s),
					   (void **)&jobs[i].s);
		if (!ret)
			jobs[i].n = ops[i].syncs.count;
		/* a 0-sized MAP/UNMAP would make a 0-sized gpuva: not modelled */
		if (!ret && !ops[i].size && e[i].kind != VMB_BIND_UNMAP_ALL)
			ret = -EINVAL;
		total += jobs[i].n;
	}
	if (ret)
		goto out;
	ret = pt_sync_bufs_alloc(total, &in, &out, &all, &first);
	if (ret)
		goto out;
	ret = pt_submit_syncs(f, jobs, cnt, true, in, &n_in, out, &n_out, first);
	if (ret)
		goto out;
	/*
	 * The jobs run in order (panthor_vm_bind_run_job). One that fails
	 * makes the VM unusable (later MAPs fail too) but the ioctl has
	 * succeeded and every job's fence signals.
	 */
	for (i = 0; i < cnt; i++) {
		if (e[i].kind == VMB_BIND_UNMAP_ALL)
			continue;
		if (pt_exec_check(vm, &e[i])) {
			vm->unusable = true;
			continue;
		}
		e[n++] = e[i];
	}
	memcpy(all, in, n_in * sizeof(*in));
	memcpy(all + n_in, out, n_out * sizeof(*out));
	ret = shim_bind(vm, 0, e, n, all, (uint16_t)n_in, (uint16_t)n_out);
out:
	for (i = 0; jobs && i < cnt; i++)
		free((void *)jobs[i].s);
	free(jobs);
	free(e);
	pt_sync_bufs_free(in, out, all, first);
	return ret;
}

/* panthor_drv.c:panthor_ioctl_vm_bind (VM_BIND flags other than ASYNC are not looked at) */
static int pt_vm_bind(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_vm_bind *b = arg;
	struct vmb_panthor_vm_bind_op *ops;
	struct shim_vm *vm;
	int ret;

	vm = shim_table_get(&f->vms, b->vm_id);
	if (!vm)
		return -EINVAL;
	ret = pt_get_array(&b->ops, PT_MIN_BIND_OP, sizeof(*ops), (void **)&ops);
	if (ret)
		return ret;
	if (b->flags & VMB_PANTHOR_VM_BIND_ASYNC)
		ret = pt_vm_bind_async(f, vm, b, ops);
	else
		ret = pt_vm_bind_sync(f, vm, b, ops);
	free(ops);
	return ret;
}

static int pt_bo_create(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_bo_create *c = arg;
	struct shim_vm *vm = NULL;
	uint64_t size = (c->size + PT_PAGE - 1) & ~(PT_PAGE - 1);
	int ret;

	if (!size || (c->flags & ~VMB_PANTHOR_BO_NO_MMAP) || c->pad)
		return -EINVAL;
	if (c->exclusive_vm_id) {
		vm = shim_table_get(&f->vms, c->exclusive_vm_id);
		if (!vm)
			return -EINVAL; /* panthor_ioctl_bo_create */
	}
	ret = shim_bo_new(f, size, VMB_PLACE_ANY, vm ? vm->id : 0, &c->handle);
	if (!ret)
		c->size = size;
	return ret;
}

static int pt_bo_mmap_offset(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_bo_mmap_offset *m = arg;

	if (m->pad || !shim_bo_get(f, m->handle))
		return m->pad ? -EINVAL : -ENOENT;
	m->offset = (uint64_t)m->handle << 32;
	return 0;
}

static int pt_group_create(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_group_create *g = arg;
	struct vmb_panthor_queue_create *qc;
	struct shim_vm *vm;
	int ret;

	/* panthor_ioctl_group_create */
	if (!g->queues.count)
		return -EINVAL;
	ret = pt_get_array(&g->queues, PT_MIN_QUEUE_CREATE, sizeof(*qc), (void **)&qc);
	if (ret)
		return ret;
	free(qc);
	if (g->pad)
		return -EINVAL;
	vm = shim_table_get(&f->vms, g->vm_id);
	if (!vm)
		return -EINVAL;
	return shim_queue_new(f, vm, VMB_ENGINE_RENDER, &g->group_handle);
}

static int pt_group_destroy(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_group_destroy *d = arg;

	if (d->pad)
		return -EINVAL;
	return shim_queue_free(f, d->group_handle) ? -EINVAL : 0;
}

/* panthor_drv.c:panthor_ioctl_group_submit */
static int pt_group_submit(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_group_submit *s = arg;
	struct vmb_panthor_queue_submit *qs;
	struct shim_queue *q;
	struct pt_job_syncs *jobs = NULL;
	struct vmb_sync *in = NULL, *out = NULL, *all = NULL;
	uint32_t i, k, n_in, n_out, total = 0, *first = NULL, cnt = s->queue_submits.count;
	int ret;

	if (s->pad)
		return -EINVAL;
	ret = pt_get_array(&s->queue_submits, PT_MIN_QUEUE_SUBMIT, sizeof(*qs), (void **)&qs);
	if (ret)
		return ret;
	jobs = calloc(cnt + 1, sizeof(*jobs));
	if (!jobs) {
		ret = -ENOMEM;
		goto out;
	}
	q = shim_table_get(&f->queues, s->group_handle);
	for (i = 0; i < cnt && !ret; i++) {
		/* panthor_job_create: the shim's groups have one queue */
		if (!q || qs[i].queue_index || qs[i].stream_size % 8 || qs[i].stream_addr % 64 ||
		    qs[i].pad) {
			ret = -EINVAL;
			break;
		}
		ret = pt_get_array(&qs[i].syncs, PT_MIN_SYNC_OP, sizeof(*jobs[i].s),
				   (void **)&jobs[i].s);
		jobs[i].n = ret ? 0 : qs[i].syncs.count;
		total += jobs[i].n;
	}
	if (ret)
		goto out;
	ret = pt_sync_bufs_alloc(total, &in, &out, &all, &first);
	if (ret)
		goto out;
	ret = pt_submit_syncs(f, jobs, cnt, false, in, &n_in, out, &n_out, first);
	/* validated: each job in order, with its own waits and signals */
	for (i = 0; i < cnt && !ret; i++) {
		uint32_t a = 0, b = 0;

		for (k = 0; k < jobs[i].n; k++)
			if (!(jobs[i].s[k].flags & VMB_PANTHOR_SYNC_OP_SIGNAL))
				shim_sync_resolve(f, jobs[i].s[k].handle,
						  jobs[i].s[k].timeline_value, &all[a++]);
		for (k = 0; k < jobs[i].n; k++)
			if (jobs[i].s[k].flags & VMB_PANTHOR_SYNC_OP_SIGNAL)
				shim_sync_resolve(f, jobs[i].s[k].handle,
						  jobs[i].s[k].timeline_value, &all[a + b++]);
		ret = shim_submit(q->id, NULL, 0, all, (uint16_t)a, (uint16_t)b);
	}
out:
	for (i = 0; jobs && i < cnt; i++)
		free((void *)jobs[i].s);
	free(jobs);
	free(qs);
	pt_sync_bufs_free(in, out, all, first);
	return ret;
}

static int pt_dev_query(struct shim_file *f, unsigned long req, void *arg)
{
	return -EINVAL; /* GPU/CSIF info is not modelled */
}

static const struct shim_ioctl pt_ioctls[] = {
    [VMB_DRM_PANTHOR_DEV_QUERY] = {"DEV_QUERY", pt_dev_query},
    [VMB_DRM_PANTHOR_VM_CREATE] = {"VM_CREATE", pt_vm_create},
    [VMB_DRM_PANTHOR_VM_DESTROY] = {"VM_DESTROY", pt_vm_destroy},
    [VMB_DRM_PANTHOR_VM_BIND] = {"VM_BIND", pt_vm_bind},
    [VMB_DRM_PANTHOR_VM_GET_STATE] = {"VM_GET_STATE", pt_vm_get_state},
    [VMB_DRM_PANTHOR_BO_CREATE] = {"BO_CREATE", pt_bo_create},
    [VMB_DRM_PANTHOR_BO_MMAP_OFFSET] = {"BO_MMAP_OFFSET", pt_bo_mmap_offset},
    [VMB_DRM_PANTHOR_GROUP_CREATE] = {"GROUP_CREATE", pt_group_create},
    [VMB_DRM_PANTHOR_GROUP_DESTROY] = {"GROUP_DESTROY", pt_group_destroy},
    [VMB_DRM_PANTHOR_GROUP_SUBMIT] = {"GROUP_SUBMIT", pt_group_submit},
    [10] = {"GROUP_GET_STATE", NULL},
    [11] = {"TILER_HEAP_CREATE", NULL},
    [12] = {"TILER_HEAP_DESTROY", NULL},
};

const struct shim_driver shim_panthor = {
    .name = "panthor",
    .driver = VMB_DRIVER_PANTHOR,
    .major = 1,
    .minor = 5,
    .ioctls = pt_ioctls,
    .n_ioctls = sizeof(pt_ioctls) / sizeof(pt_ioctls[0]),
};
