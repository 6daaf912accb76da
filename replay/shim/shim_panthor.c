// SPDX-License-Identifier: MIT
/*
 * shim_panthor.c - the panthor uAPI served from the model: VMs with a
 * user VA range, VM_BIND with per-op sync arrays (syncs only with ASYNC;
 * SYNC_ONLY ops carry just fences), MAP_SPARSE NULL mappings (bo 0,
 * offset 0, NOEXEC required), exclusive-VM BOs, groups as queues and group
 * submits. Object arrays must use the 6.10 element sizes as stride.
 * DEV_QUERY is not modelled (-EINVAL).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shim_priv.h"
#include "uapi/panthor.h"

#define PT_PAGE 4096ull
#define PT_VA_DEFAULT (1ull << 47)

static int pt_vm_create(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_vm_create *c = arg;
	struct shim_vm *vm;
	int err;

	if (c->flags)
		return -EINVAL;
	if (!c->user_va_range)
		c->user_va_range = PT_VA_DEFAULT;
	if (c->user_va_range > (1ull << 48) || c->user_va_range % PT_PAGE)
		return -EINVAL;
	vm = shim_vm_new(0, c->user_va_range, 0, 0, 0, &err);
	if (!vm)
		return err;
	c->id = shim_table_add(&f->vms, vm);
	return c->id ? 0 : -ENOMEM;
}

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

static int pt_vm_get_state(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_vm_get_state *s = arg;

	if (!shim_table_get(&f->vms, s->vm_id))
		return -EINVAL;
	s->state = VMB_PANTHOR_VM_STATE_USABLE;
	return 0;
}

/* waits go to @in, signals to @out */
static int pt_syncs(struct shim_file *f, const struct vmb_panthor_obj_array *a, struct vmb_sync *in,
		    uint32_t *n_in, struct vmb_sync *out, uint32_t *n_out, uint32_t cap)
{
	const struct vmb_panthor_sync_op *s;
	uint32_t i;
	int ret;

	if (!a->count)
		return 0;
	if (a->stride != sizeof(*s))
		return -EINVAL;
	s = shim_user(a->array, (uint64_t)a->count * sizeof(*s), false);
	if (!s)
		return -EFAULT;
	for (i = 0; i < a->count; i++) {
		uint32_t type = s[i].flags & VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK;
		bool signal = s[i].flags & VMB_PANTHOR_SYNC_OP_SIGNAL;
		uint64_t point = 0;

		if ((s[i].flags &
		     ~(VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK | VMB_PANTHOR_SYNC_OP_SIGNAL)) ||
		    type > VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ)
			return -EINVAL;
		if (type == VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ)
			point = s[i].timeline_value;
		else if (s[i].timeline_value)
			return -EINVAL;
		if ((signal ? *n_out : *n_in) >= cap)
			return -EINVAL;
		ret = shim_sync_resolve(f, s[i].handle, point,
					signal ? &out[(*n_out)++] : &in[(*n_in)++]);
		if (ret)
			return ret;
	}
	return 0;
}

static int pt_vm_bind(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_vm_bind *b = arg;
	const struct vmb_panthor_vm_bind_op *ops;
	bool async = b->flags & VMB_PANTHOR_VM_BIND_ASYNC;
	struct vmb_sync *in = NULL, *out = NULL;
	struct vmb_bind_entry *e = NULL;
	uint32_t i, n = 0, n_in = 0, n_out = 0;
	struct shim_vm *vm;
	int ret = 0;

	vm = shim_table_get(&f->vms, b->vm_id);
	if (!vm)
		return -EINVAL;
	if ((b->flags & ~VMB_PANTHOR_VM_BIND_ASYNC) || !b->ops.count ||
	    b->ops.stride != sizeof(*ops))
		return -EINVAL;
	ops = shim_user(b->ops.array, (uint64_t)b->ops.count * sizeof(*ops), false);
	if (!ops)
		return -EFAULT;
	e = calloc(b->ops.count, sizeof(*e));
	in = calloc(256, sizeof(*in));
	out = calloc(512, sizeof(*out));
	if (!e || !in || !out) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < b->ops.count && !ret; i++) {
		const struct vmb_panthor_vm_bind_op *o = &ops[i];
		uint32_t type = o->flags & VMB_PANTHOR_VM_BIND_OP_TYPE_MASK;
		uint32_t mflags = o->flags & ~VMB_PANTHOR_VM_BIND_OP_TYPE_MASK;
		struct vmb_bind_entry *x = &e[n];
		struct shim_bo *bo;

		if (o->syncs.count && !async) {
			ret = -EINVAL;
			break;
		}
		ret = pt_syncs(f, &o->syncs, in, &n_in, out, &n_out, 256);
		if (ret)
			break;
		x->va = o->va;
		x->range = o->size;
		if (type != VMB_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY &&
		    (!o->size || (o->va | o->size | o->bo_offset) % PT_PAGE)) {
			ret = -EINVAL;
			break;
		}
		switch (type) {
		case VMB_PANTHOR_VM_BIND_OP_TYPE_MAP:
			if (mflags & ~0xfu) {
				ret = -EINVAL;
				break;
			}
			if (mflags & VMB_PANTHOR_VM_BIND_OP_MAP_SPARSE) {
				if (o->bo_handle || o->bo_offset ||
				    !(mflags & VMB_PANTHOR_VM_BIND_OP_MAP_NOEXEC)) {
					ret = -EINVAL;
					break;
				}
				x->kind = VMB_BIND_MAP_NULL;
				n++;
				break;
			}
			bo = shim_bo_get(f, o->bo_handle);
			if (!bo || (bo->vm && bo->vm != vm->id) || o->bo_offset > bo->size ||
			    o->size > bo->size - o->bo_offset) {
				ret = -EINVAL;
				break;
			}
			x->kind = VMB_BIND_MAP;
			x->bo = bo->id;
			x->offset = o->bo_offset;
			if (mflags & VMB_PANTHOR_VM_BIND_OP_MAP_READONLY)
				x->flags |= VMB_BIND_F_READONLY;
			if (mflags & VMB_PANTHOR_VM_BIND_OP_MAP_NOEXEC)
				x->flags |= VMB_BIND_F_NOEXEC;
			if (mflags & VMB_PANTHOR_VM_BIND_OP_MAP_UNCACHED)
				x->flags |= VMB_BIND_F_UNCACHED;
			n++;
			break;
		case VMB_PANTHOR_VM_BIND_OP_TYPE_UNMAP:
			if (mflags || o->bo_handle || o->bo_offset) {
				ret = -EINVAL;
				break;
			}
			x->kind = VMB_BIND_UNMAP;
			n++;
			break;
		case VMB_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY:
			if (!async || !o->syncs.count || mflags || o->bo_handle || o->va || o->size)
				ret = -EINVAL;
			break;
		default:
			ret = -EINVAL;
			break;
		}
	}
	if (!ret) {
		memcpy(out + 256, out, n_out * sizeof(*out));
		memcpy(out, in, n_in * sizeof(*in));
		memmove(out + n_in, out + 256, n_out * sizeof(*out));
		ret = shim_bind(vm, 0, e, n, out, (uint16_t)n_in, (uint16_t)n_out);
	}
out:
	free(e);
	free(in);
	free(out);
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
			return -ENOENT;
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
	struct shim_vm *vm;

	if (!g->queues.count || g->queues.stride != sizeof(struct vmb_panthor_queue_create) ||
	    g->pad)
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

static int pt_group_submit(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_panthor_group_submit *s = arg;
	const struct vmb_panthor_queue_submit *qs;
	struct shim_queue *q = shim_table_get(&f->queues, s->group_handle);
	struct vmb_sync *in = NULL, *out = NULL;
	uint32_t i, n_in, n_out;
	int ret = 0;

	if (!q || s->pad)
		return -EINVAL;
	if (s->queue_submits.count && s->queue_submits.stride != sizeof(*qs))
		return -EINVAL;
	qs = shim_user(s->queue_submits.array, (uint64_t)s->queue_submits.count * sizeof(*qs),
		       false);
	if (!qs)
		return -EFAULT;
	in = calloc(256, sizeof(*in));
	out = calloc(512, sizeof(*out));
	if (!in || !out) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < s->queue_submits.count && !ret; i++) {
		if (qs[i].queue_index || qs[i].stream_size % 8 || qs[i].stream_addr % 64 ||
		    qs[i].pad) {
			ret = -EINVAL;
			break;
		}
		n_in = n_out = 0;
		ret = pt_syncs(f, &qs[i].syncs, in, &n_in, out + 256, &n_out, 256);
		if (ret)
			break;
		memcpy(out, in, n_in * sizeof(*in));
		memmove(out + n_in, out + 256, n_out * sizeof(*out));
		ret = shim_submit(q->id, NULL, 0, out, (uint16_t)n_in, (uint16_t)n_out);
	}
out:
	free(in);
	free(out);
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
