// SPDX-License-Identifier: MIT
/*
 * shim_nouveau.c - the nouveau VM_BIND uAPI served from the model: VM_INIT
 * (once, before any BO or channel) creates the file's VM with its
 * kernel-managed window; VM_BIND runs synchronously without RUN_ASYNC (and
 * then takes no syncs) or asynchronously with wait/signal syncs; SPARSE maps
 * without a BO are NULL mappings; EXEC takes up to EXEC_PUSH_MAX pushes.
 * Without VM_INIT, VM_BIND and EXEC fail with -ENOSYS as in the kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shim_priv.h"
#include "uapi/nouveau.h"

#define NV_PAGE 4096ull
#define NV_VA_END (1ull << 47)
#define NV_PUSH_MAX 128

static int nv_getparam(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_nouveau_getparam *p = arg;

	switch (p->param) {
	case VMB_NOUVEAU_GETPARAM_EXEC_PUSH_MAX:
		p->value = NV_PUSH_MAX;
		return 0;
	case VMB_NOUVEAU_GETPARAM_VRAM_BAR_SIZE:
		p->value = 256ull << 20;
		return 0;
	case VMB_NOUVEAU_GETPARAM_VRAM_USED:
		p->value = 0;
		return 0;
	default:
		return -EINVAL;
	}
}

static int nv_vm_init(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_nouveau_vm_init *v = arg;
	int err;

	if (f->vm_bind_mode || f->has_objects)
		return -EINVAL;
	if (v->kernel_managed_addr + v->kernel_managed_size < v->kernel_managed_addr ||
	    v->kernel_managed_addr + v->kernel_managed_size > NV_VA_END)
		return -EINVAL;
	f->file_vm =
	    shim_vm_new(0, NV_VA_END, v->kernel_managed_addr, v->kernel_managed_size, 0, &err);
	if (!f->file_vm)
		return err;
	f->vm_bind_mode = true;
	return 0;
}

static int nv_syncs(struct shim_file *f, uint64_t ptr, uint32_t n, struct vmb_sync *out)
{
	const struct vmb_nouveau_sync *s = shim_user(ptr, (uint64_t)n * sizeof(*s), false);
	uint32_t i;
	int ret;

	if (!s)
		return -EFAULT;

	for (i = 0; i < n; i++) {
		uint32_t type = s[i].flags & VMB_NOUVEAU_SYNC_TYPE_MASK;

		if ((s[i].flags & ~VMB_NOUVEAU_SYNC_TYPE_MASK) ||
		    type > VMB_NOUVEAU_SYNC_TIMELINE_SYNCOBJ)
			return -EINVAL;
		ret = shim_sync_resolve(
		    f, s[i].handle,
		    type == VMB_NOUVEAU_SYNC_TIMELINE_SYNCOBJ ? s[i].timeline_value : 0, &out[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int nv_vm_bind(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_nouveau_vm_bind *b = arg;
	const struct vmb_nouveau_vm_bind_op *ops;
	struct vmb_bind_entry *e;
	struct vmb_sync *syncs;
	uint32_t i;
	int ret = 0;

	if (!f->vm_bind_mode)
		return -ENOSYS;
	if (b->flags & ~VMB_NOUVEAU_VM_BIND_RUN_ASYNC)
		return -EINVAL;
	if (!(b->flags & VMB_NOUVEAU_VM_BIND_RUN_ASYNC) && (b->wait_count || b->sig_count))
		return -EINVAL;
	if (b->wait_count > 256 || b->sig_count > 256 || b->op_count > 65536)
		return -EINVAL;
	ops = shim_user(b->op_ptr, (uint64_t)b->op_count * sizeof(*ops), false);
	if (!ops)
		return -EFAULT;
	e = calloc(b->op_count + 1, sizeof(*e));
	syncs = calloc(b->wait_count + b->sig_count + 1, sizeof(*syncs));
	if (!e || !syncs) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < b->op_count && !ret; i++) {
		const struct vmb_nouveau_vm_bind_op *o = &ops[i];
		bool sparse = o->flags & VMB_NOUVEAU_VM_BIND_SPARSE;
		struct shim_bo *bo;

		e[i].va = o->addr;
		e[i].range = o->range;
		if ((o->flags &
		     ~(VMB_NOUVEAU_VM_BIND_SPARSE | VMB_NOUVEAU_VM_BIND_PTE_KIND_MASK)) ||
		    !o->range || (o->addr | o->range | o->bo_offset) % NV_PAGE) {
			ret = -EINVAL;
			break;
		}
		switch (o->op) {
		case VMB_NOUVEAU_VM_BIND_OP_MAP:
			if (sparse) {
				if (o->handle || o->bo_offset)
					ret = -EINVAL;
				e[i].kind = VMB_BIND_MAP_NULL;
				break;
			}
			bo = shim_bo_get(f, o->handle);
			if (!bo) {
				ret = -ENOENT;
				break;
			}
			if (o->bo_offset > bo->size || o->range > bo->size - o->bo_offset) {
				ret = -EINVAL;
				break;
			}
			e[i].kind = VMB_BIND_MAP;
			e[i].bo = bo->id;
			e[i].offset = o->bo_offset;
			e[i].hw = o->flags & VMB_NOUVEAU_VM_BIND_PTE_KIND_MASK;
			break;
		case VMB_NOUVEAU_VM_BIND_OP_UNMAP:
			if (o->handle)
				ret = -EINVAL;
			e[i].kind = VMB_BIND_UNMAP;
			break;
		default:
			ret = -EINVAL;
			break;
		}
	}
	if (!ret)
		ret = nv_syncs(f, b->wait_ptr, b->wait_count, syncs);
	if (!ret)
		ret = nv_syncs(f, b->sig_ptr, b->sig_count, syncs + b->wait_count);
	if (!ret)
		ret = shim_bind(f->file_vm, 0, e, b->op_count, syncs, (uint16_t)b->wait_count,
				(uint16_t)b->sig_count);
out:
	free(e);
	free(syncs);
	return ret;
}

static int nv_exec(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_nouveau_exec *x = arg;
	struct shim_queue *q;
	struct vmb_sync *syncs;
	int ret;

	if (!f->vm_bind_mode)
		return -ENOSYS;
	q = shim_table_get(&f->queues, x->channel);
	if (!q)
		return -ENOENT;
	if (x->push_count > NV_PUSH_MAX || x->wait_count > 256 || x->sig_count > 256)
		return -EINVAL;
	syncs = calloc(x->wait_count + x->sig_count + 1, sizeof(*syncs));
	if (!syncs)
		return -ENOMEM;
	ret = nv_syncs(f, x->wait_ptr, x->wait_count, syncs);
	if (!ret)
		ret = nv_syncs(f, x->sig_ptr, x->sig_count, syncs + x->wait_count);
	if (!ret)
		ret = shim_submit(q->id, NULL, 0, syncs, (uint16_t)x->wait_count,
				  (uint16_t)x->sig_count);
	free(syncs);
	return ret;
}

static int nv_channel_alloc(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_nouveau_channel_alloc *c = arg;
	uint32_t h;
	int ret;

	if (!f->file_vm)
		return -EOPNOTSUPP; /* pre-VM_BIND clients are not modelled */
	ret = shim_queue_new(f, f->file_vm, VMB_ENGINE_RENDER, &h);
	if (!ret)
		c->channel = (int32_t)h;
	return ret;
}

static int nv_channel_free(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_nouveau_channel_free *c = arg;

	return shim_queue_free(f, (uint32_t)c->channel);
}

static int nv_gem_new(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_nouveau_gem_new *g = arg;
	uint64_t size = (g->info.size + NV_PAGE - 1) & ~(NV_PAGE - 1);
	uint32_t dom = g->info.domain, vm = 0;
	uint8_t placement;
	int ret;

	if (!size || !(dom & (VMB_NOUVEAU_GEM_DOMAIN_VRAM | VMB_NOUVEAU_GEM_DOMAIN_GART)))
		return -EINVAL;
	if (dom & VMB_NOUVEAU_GEM_DOMAIN_NO_SHARE) {
		if (!f->file_vm)
			return -EINVAL;
		vm = f->file_vm->id;
	}
	placement = !(dom & VMB_NOUVEAU_GEM_DOMAIN_GART)   ? VMB_PLACE_VRAM
		    : !(dom & VMB_NOUVEAU_GEM_DOMAIN_VRAM) ? VMB_PLACE_SYSTEM
							   : VMB_PLACE_ANY;
	ret = shim_bo_new(f, size, placement, vm, &g->info.handle);
	if (ret)
		return ret;
	g->info.size = size;
	g->info.map_handle = (uint64_t)g->info.handle << 32;
	return 0;
}

static int nv_gem_info(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_nouveau_gem_info *i = arg;
	struct shim_bo *bo = shim_bo_get(f, i->handle);

	if (!bo)
		return -ENOENT;
	i->size = bo->size;
	i->map_handle = (uint64_t)i->handle << 32;
	return 0;
}

static const struct shim_ioctl nv_ioctls[] = {
    [VMB_DRM_NOUVEAU_GETPARAM] = {"GETPARAM", nv_getparam},
    [0x01] = {"SETPARAM", NULL},
    [VMB_DRM_NOUVEAU_CHANNEL_ALLOC] = {"CHANNEL_ALLOC", nv_channel_alloc},
    [VMB_DRM_NOUVEAU_CHANNEL_FREE] = {"CHANNEL_FREE", nv_channel_free},
    [VMB_DRM_NOUVEAU_VM_INIT] = {"VM_INIT", nv_vm_init},
    [VMB_DRM_NOUVEAU_VM_BIND] = {"VM_BIND", nv_vm_bind},
    [VMB_DRM_NOUVEAU_EXEC] = {"EXEC", nv_exec},
    [VMB_DRM_NOUVEAU_GEM_NEW] = {"GEM_NEW", nv_gem_new},
    [0x41] = {"GEM_PUSHBUF", NULL},
    [0x42] = {"GEM_CPU_PREP", NULL},
    [0x43] = {"GEM_CPU_FINI", NULL},
    [VMB_DRM_NOUVEAU_GEM_INFO] = {"GEM_INFO", nv_gem_info},
};

const struct shim_driver shim_nouveau = {
    .name = "nouveau",
    .driver = VMB_DRIVER_NOUVEAU,
    .major = 1,
    .minor = 4,
    .ioctls = nv_ioctls,
    .n_ioctls = sizeof(nv_ioctls) / sizeof(nv_ioctls[0]),
};
