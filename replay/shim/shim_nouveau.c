// SPDX-License-Identifier: MIT
/*
 * shim_nouveau.c - the nouveau VM_BIND uAPI served from the model, with the
 * kernel's argument checks in the kernel's order (nouveau_uvmm.c,
 * nouveau_sched.c, nouveau_exec.c; docs/backends.md has the table): VM_INIT
 * (before any BO or channel, else -ENOSYS) creates the file's VM with its
 * kernel-managed window; VM_BIND runs synchronously without RUN_ASYNC (and
 * then takes no syncs) or asynchronously with wait/signal syncs; SPARSE maps
 * create sparse regions, which the model sees as NULL mappings (an UNMAP
 * inside one brings them back, UNMAP|SPARSE of exactly one removes it); EXEC
 * takes up to EXEC_PUSH_MAX (510) pushes. Without VM_INIT, VM_BIND and EXEC
 * fail with -ENOSYS.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "backends/shadow.h"
#include "shim_priv.h"
#include "uapi/nouveau.h"

#define NV_PAGE 4096ull
#define NV_VA_END (1ull << 47) /* NOUVEAU_VA_SPACE_END */
/* nouveau_exec_push_max_from_ib_max(NV50_DMA_IB_MAX): 1023 / 2 - 1 */
#define NV_PUSH_MAX 510
#define NV_PUSH_MAX_LENGTH 0x7fffffu /* NV50_DMA_PUSH_MAX_LENGTH */
#define NV_SYNC_MAX 65535u	     /* the model's limit of fences per call */

/* the kernel's bind_job_op kinds: user op 2 and 3 land on the sparse ones */
enum nv_op { NV_MAP, NV_UNMAP, NV_MAP_SPARSE, NV_UNMAP_SPARSE, NV_BAD };

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

/* nouveau_uvmm.c:nouveau_uvmm_ioctl_vm_init */
static int nv_vm_init(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_nouveau_vm_init *v = arg;
	uint64_t end = v->kernel_managed_addr + v->kernel_managed_size;
	int err;

	if (end < v->kernel_managed_addr || end > NV_VA_END)
		return -EINVAL;
	if (f->uvmm_disabled)
		return -ENOSYS; /* a BO or channel was made first: legacy uAPI */
	if (f->vm_bind_mode)
		return -EINVAL; /* the kernel has no check here (see docs/backends.md) */
	f->file_vm =
	    shim_vm_new(0, NV_VA_END, v->kernel_managed_addr, v->kernel_managed_size, 0, &err);
	if (!f->file_vm)
		return err;
	f->vm_bind_mode = true;
	return 0;
}

/* u_memcpya(): vmemdup_user() of @n elements, -ENOMEM beyond kvmalloc's limit */
static int nv_ucopy(uint64_t ptr, uint32_t n, size_t size, const void **out)
{
	*out = NULL;
	if (!n)
		return 0;
	if ((uint64_t)n * size > INT_MAX)
		return -ENOMEM;
	*out = shim_user(ptr, (uint64_t)n * size, false);
	return *out ? 0 : -EFAULT;
}

/*
 * nouveau_sched.c: in-fences (nouveau_job_add_deps, sync_find_fence: a bad
 * type is -EOPNOTSUPP) before out-fences (nouveau_job_fence_attach_prepare:
 * a bad type is -EINVAL); flag bits above the type are not looked at
 */
static int nv_syncs(struct shim_file *f, const struct vmb_nouveau_sync *in, uint32_t n_in,
		    const struct vmb_nouveau_sync *sig, uint32_t n_sig, struct vmb_sync *out)
{
	uint32_t i;
	int ret;

	for (i = 0; i < n_in; i++) {
		uint32_t type = in[i].flags & VMB_NOUVEAU_SYNC_TYPE_MASK;

		if (type > VMB_NOUVEAU_SYNC_TIMELINE_SYNCOBJ)
			return -EOPNOTSUPP;
		ret = shim_sync_wait_resolve(
		    f, in[i].handle,
		    type == VMB_NOUVEAU_SYNC_TIMELINE_SYNCOBJ ? in[i].timeline_value : 0, &out[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < n_sig; i++) {
		uint32_t type = sig[i].flags & VMB_NOUVEAU_SYNC_TYPE_MASK;

		if (type > VMB_NOUVEAU_SYNC_TIMELINE_SYNCOBJ)
			return -EINVAL;
		ret = shim_sync_resolve(
		    f, sig[i].handle,
		    type == VMB_NOUVEAU_SYNC_TIMELINE_SYNCOBJ ? sig[i].timeline_value : 0,
		    &out[n_in + i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* the first region overlapping [va, va + range), as nouveau_uvma_region_find_first */
static struct shim_region *nv_region_first(struct shim_region *r, uint32_t n, uint64_t va,
					   uint64_t range)
{
	for (uint32_t i = 0; i < n; i++)
		if (r[i].va < va + range && va < r[i].va + r[i].range)
			return &r[i];
	return NULL;
}

/* a BO mapping (not a sparse region's NULL mapping) in [va, va + range) */
static bool nv_has_mapping(struct shim_vm *vm, uint64_t va, uint64_t range)
{
	if (!vm->shadow)
		return false;
	for (struct vmb_gpuva *m = vmb_gpuvm_find_first(vm->shadow, va, range);
	     m && m->va < va + range; m = vmb_gpuva_next(m))
		if (!(m->flags & VMB_SHADOW_NULL))
			return true;
	return false;
}

/* bind entries, grown as ops are lowered */
struct nv_entries {
	struct vmb_bind_entry *e;
	uint32_t n, cap;
};

static int nv_emit(struct nv_entries *x, enum vmb_bind_kind kind, uint64_t va, uint64_t range)
{
	if (x->n == x->cap) {
		uint32_t cap = x->cap ? 2 * x->cap : 16;
		struct vmb_bind_entry *e = realloc(x->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		x->e = e;
		x->cap = cap;
	}
	x->e[x->n++] = (struct vmb_bind_entry){.kind = kind, .va = va, .range = range};
	return 0;
}

/*
 * an UNMAP: outside the sparse regions the range becomes a hole; inside one
 * (not being unmapped) the region's sparse PTEs come back (nouveau_uvma_unmap
 * unmaps with sparse set), which the model sees as a NULL mapping
 */
static int nv_emit_unmap(struct nv_entries *x, const struct shim_region *w, uint32_t nw,
			 uint64_t va, uint64_t range)
{
	uint64_t end = va + range;

	while (va < end) {
		const struct shim_region *in = NULL;
		uint64_t next = end;
		int ret;

		for (uint32_t i = 0; i < nw; i++) {
			if (w[i].dirty)
				continue;
			if (w[i].va <= va && va < w[i].va + w[i].range)
				in = &w[i];
			else if (w[i].va > va && w[i].va < next)
				next = w[i].va;
		}
		if (in && in->va + in->range < next)
			next = in->va + in->range;
		ret = nv_emit(x, in ? VMB_BIND_MAP_NULL : VMB_BIND_UNMAP, va, next - va);
		if (ret)
			return ret;
		va = next;
	}
	return 0;
}

/*
 * The region bookkeeping of nouveau_uvmm_bind_job_submit: first
 * bind_validate_region against the regions as they are (a sparse map must not
 * touch one, a map must lie outside or inside one: -ENOSPC), then op by op
 * as under the uvmm lock, on a working copy: sparse map (-ENOSPC over BO
 * mappings, -EEXIST over another region), sparse unmap (exactly one region
 * that is not being unmapped, else -ENOENT), map (-EINVAL into a region being
 * unmapped), any other op (-EINVAL). Each op is lowered to model entries
 * with the regions as they are at that op. The copy replaces the VM's
 * regions when the bind succeeds.
 */
static int nv_lower(struct shim_file *f, struct shim_vm *vm, const enum nv_op *kind,
		    const struct vmb_nouveau_vm_bind_op *ops, uint32_t n, struct nv_entries *x,
		    struct shim_region **out, uint32_t *n_out)
{
	struct shim_region *w, *r;
	uint32_t i, nw = vm->n_regions;
	int ret = 0;

	for (i = 0; i < n; i++) {
		uint64_t va = ops[i].addr, end = va + ops[i].range;

		r = nv_region_first(vm->regions, vm->n_regions, va, ops[i].range);
		if (kind[i] == NV_MAP_SPARSE && r)
			return -ENOSPC;
		if (kind[i] == NV_MAP && r && (r->va > va || r->va + r->range < end))
			return -ENOSPC;
	}
	w = malloc((vm->n_regions + n + 1) * sizeof(*w));
	if (!w)
		return -ENOMEM;
	if (vm->n_regions)
		memcpy(w, vm->regions, vm->n_regions * sizeof(*w));
	for (i = 0; i < n && !ret; i++) {
		const struct vmb_nouveau_vm_bind_op *o = &ops[i];
		uint64_t va = o->addr, range = o->range;

		r = nv_region_first(w, nw, va, range);
		switch (kind[i]) {
		case NV_MAP_SPARSE:
			if (nv_has_mapping(vm, va, range))
				ret = -ENOSPC;
			else if (r)
				ret = -EEXIST;
			else
				w[nw++] = (struct shim_region){va, range, false};
			if (!ret)
				ret = nv_emit(x, VMB_BIND_MAP_NULL, va, range);
			break;
		case NV_UNMAP_SPARSE:
			if (!r || r->va != va || r->range != range || r->dirty)
				ret = -ENOENT;
			else
				r->dirty = true;
			if (!ret)
				ret = nv_emit(x, VMB_BIND_UNMAP, va, range);
			break;
		case NV_MAP:
			if (r && r->dirty)
				ret = -EINVAL;
			else if (r && (r->va > va || r->va + r->range < va + range))
				ret = -ENOSPC;
			if (!ret)
				ret = nv_emit(x, VMB_BIND_MAP, va, range);
			if (!ret) {
				struct vmb_bind_entry *e = &x->e[x->n - 1];

				e->bo = shim_bo_get(f, o->handle)->id;
				e->offset = o->bo_offset;
				e->hw = o->flags & VMB_NOUVEAU_VM_BIND_PTE_KIND_MASK;
			}
			break;
		case NV_UNMAP:
			ret = nv_emit_unmap(x, w, nw, va, range);
			break;
		case NV_BAD:
			ret = -EINVAL; /* the switch under the uvmm lock */
			break;
		}
	}
	if (ret) {
		free(w);
		return ret;
	}
	for (i = 0; i < nw;)
		if (w[i].dirty)
			w[i] = w[--nw];
		else
			i++;
	*out = w;
	*n_out = nw;
	return 0;
}

/* nouveau_uvmm.c:nouveau_uvmm_ioctl_vm_bind and nouveau_uvmm_bind_job_submit */
static int nv_vm_bind(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_nouveau_vm_bind *b = arg;
	const struct vmb_nouveau_vm_bind_op *ops;
	const struct vmb_nouveau_sync *in, *sig;
	struct shim_region *regions = NULL;
	struct nv_entries x = {0};
	struct vmb_sync *syncs = NULL;
	enum nv_op *kind = NULL;
	uint32_t i, n_regions = 0;
	struct shim_vm *vm = f->file_vm;
	int ret;

	if (!f->vm_bind_mode)
		return -ENOSYS;
	ret = nv_ucopy(b->op_ptr, b->op_count, sizeof(*ops), (const void **)&ops);
	if (!ret)
		ret = nv_ucopy(b->wait_ptr, b->wait_count, sizeof(*in), (const void **)&in);
	if (!ret)
		ret = nv_ucopy(b->sig_ptr, b->sig_count, sizeof(*sig), (const void **)&sig);
	if (ret)
		return ret;
	/* nouveau_job_init: a synchronous job takes no fences */
	if (!(b->flags & VMB_NOUVEAU_VM_BIND_RUN_ASYNC) && (b->wait_count || b->sig_count))
		return -EINVAL;
	if (b->wait_count > NV_SYNC_MAX || b->sig_count > NV_SYNC_MAX ||
	    b->wait_count + b->sig_count > NV_SYNC_MAX)
		return -ENOMEM;
	kind = calloc(b->op_count + 1, sizeof(*kind));
	syncs = calloc(b->wait_count + b->sig_count + 1, sizeof(*syncs));
	if (!kind || !syncs) {
		ret = -ENOMEM;
		goto out;
	}
	ret = nv_syncs(f, in, b->wait_count, sig, b->sig_count, syncs);
	for (i = 0; i < b->op_count && !ret; i++) {
		const struct vmb_nouveau_vm_bind_op *o = &ops[i];
		bool sparse = o->flags & VMB_NOUVEAU_VM_BIND_SPARSE;

		/* bind_job_op_from_uop: other values stay as they are */
		if (o->op == VMB_NOUVEAU_VM_BIND_OP_MAP)
			kind[i] = sparse ? NV_MAP_SPARSE : NV_MAP;
		else if (o->op == VMB_NOUVEAU_VM_BIND_OP_UNMAP)
			kind[i] = sparse ? NV_UNMAP_SPARSE : NV_UNMAP;
		else if (o->op == NV_MAP_SPARSE || o->op == NV_UNMAP_SPARSE)
			kind[i] = (enum nv_op)o->op;
		else
			kind[i] = NV_BAD;
		/* bind_validate_op */
		if (kind[i] == NV_MAP) {
			struct shim_bo *bo = shim_bo_get(f, o->handle);

			if (!bo) {
				ret = -ENOENT;
				break;
			}
			if (o->bo_offset % NV_PAGE || bo->size <= o->bo_offset ||
			    o->range > bo->size - o->bo_offset) {
				ret = -EINVAL;
				break;
			}
		}
		/* nouveau_uvmm_validate_range, drm_gpuvm_range_valid */
		if ((o->addr | o->range) % NV_PAGE || o->addr + o->range < o->addr ||
		    o->addr + o->range > NV_VA_END ||
		    (vm->shadow && !vmb_gpuvm_range_valid(vm->shadow, o->addr, o->range))) {
			ret = -EINVAL;
			break;
		}
		/* a 0-sized map would insert a 0-sized gpuva: not modelled */
		if (!o->range && (kind[i] == NV_MAP || kind[i] == NV_MAP_SPARSE)) {
			ret = -EINVAL;
			break;
		}
	}
	if (!ret)
		ret = nv_lower(f, vm, kind, ops, b->op_count, &x, &regions, &n_regions);
	if (!ret)
		ret = shim_bind(vm, 0, x.e, x.n, syncs, (uint16_t)b->wait_count,
				(uint16_t)b->sig_count);
	if (!ret) {
		free(vm->regions);
		vm->regions = regions;
		vm->n_regions = n_regions;
		regions = NULL;
	}
out:
	free(regions);
	free(x.e);
	free(kind);
	free(syncs);
	return ret;
}

/* nouveau_exec.c:nouveau_exec_ioctl_exec, nouveau_exec_job_init */
static int nv_exec(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_nouveau_exec *x = arg;
	const struct vmb_nouveau_exec_push *push;
	const struct vmb_nouveau_sync *in, *sig;
	struct shim_queue *q;
	struct vmb_sync *syncs;
	uint32_t i;
	int ret;

	if (!f->vm_bind_mode)
		return -ENOSYS;
	q = shim_table_get(&f->queues, x->channel);
	if (!q)
		return -ENOENT;
	if (x->push_count > NV_PUSH_MAX)
		return -EINVAL;
	ret = nv_ucopy(x->push_ptr, x->push_count, sizeof(*push), (const void **)&push);
	if (!ret)
		ret = nv_ucopy(x->wait_ptr, x->wait_count, sizeof(*in), (const void **)&in);
	if (!ret)
		ret = nv_ucopy(x->sig_ptr, x->sig_count, sizeof(*sig), (const void **)&sig);
	if (ret)
		return ret;
	for (i = 0; i < x->push_count; i++)
		if (push[i].va_len > NV_PUSH_MAX_LENGTH)
			return -EINVAL;
	if (x->wait_count > NV_SYNC_MAX || x->sig_count > NV_SYNC_MAX ||
	    x->wait_count + x->sig_count > NV_SYNC_MAX)
		return -ENOMEM;
	syncs = calloc(x->wait_count + x->sig_count + 1, sizeof(*syncs));
	if (!syncs)
		return -ENOMEM;
	ret = nv_syncs(f, in, x->wait_count, sig, x->sig_count, syncs);
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

	if (!f->file_vm) {
		/* nouveau_abi16_ioctl_channel_alloc: the legacy uAPI from now on */
		f->uvmm_disabled = true;
		return -EOPNOTSUPP; /* pre-VM_BIND clients are not modelled */
	}
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

	/* nouveau_gem_ioctl_new: without a VM by now, the legacy uAPI */
	if (!f->file_vm)
		f->uvmm_disabled = true;
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
