// SPDX-License-Identifier: MIT
/*
 * nouveau.c - the `nouveau` backend: VM_INIT / VM_BIND / EXEC (6.6+). The
 * VM is the open file (VM_INIT switches it to VM_BIND mode, before any BO
 * or channel), so each trace VM gets its own file. A bind op with no trace
 * fences runs synchronously, as nvk's normal binds do; with fences it is a
 * RUN_ASYNC bind with wait/signal drm_nouveau_sync arrays, as nvk's sparse
 * binds. Trace "hw" is the PTE kind. NULL/sparse binds are SPARSE regions,
 * except inside a region, where they are UNMAPs (the kernel brings the
 * region's sparse PTEs back); an unmap of exactly a region is UNMAP|SPARSE. No
 * userptr, no UNMAP_ALL (lowered from the shadow copy), no prefetch.
 * Submits are EXECs without pushes (nvk's "empty EXEC"), which the kernel
 * accepts, so no GPU duration is reproduced.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xf86drm.h>

#include "backends/hw_priv.h"
#include "backends/shadow.h"
#include "gpuvm.h"
#include "uapi/nouveau.h"

static void nouveau_encode_syncs(const struct vmb_hw_sync *s, uint32_t n,
				 struct vmb_nouveau_sync *out)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].flags =
		    s[i].point ? VMB_NOUVEAU_SYNC_TIMELINE_SYNCOBJ : VMB_NOUVEAU_SYNC_SYNCOBJ;
		out[i].handle = s[i].handle;
		out[i].timeline_value = s[i].point;
	}
}

/* a bind whose only fence is our measurement point runs synchronously */
static bool nouveau_sync_mode(const struct vmb_hw_bind_req *req)
{
	return req->n_in == 0 && req->n_out <= 1;
}

/**
 * vmb_nouveau_encode_bind() - fill a DRM_IOCTL_NOUVEAU_VM_BIND argument
 * @req: the resolved bind
 * @sparse_unmap: per entry, the unmap removes a whole sparse region (may be
 *     NULL)
 * @args: receives the argument; @ops: @req->n ops; @syncs: n_in + n_out
 *
 * Synchronous (no syncs, no RUN_ASYNC) when the only fence is the
 * measurement point; the caller then signals it from the CPU.
 *
 * Return: 0 or -EINVAL for a kind nouveau cannot express.
 */
int vmb_nouveau_encode_bind(const struct vmb_hw_bind_req *req, const bool *sparse_unmap,
			    struct vmb_nouveau_vm_bind *args, struct vmb_nouveau_vm_bind_op *ops,
			    struct vmb_nouveau_sync *syncs)
{
	uint32_t i;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < req->n; i++) {
		const struct vmb_bind_entry *e = &req->binds[i];
		struct vmb_nouveau_vm_bind_op *o = &ops[i];

		memset(o, 0, sizeof(*o));
		o->addr = e->va;
		o->range = e->range;
		switch (e->kind) {
		case VMB_BIND_MAP:
			o->op = VMB_NOUVEAU_VM_BIND_OP_MAP;
			o->flags = (uint32_t)(e->hw & VMB_NOUVEAU_VM_BIND_PTE_KIND_MASK);
			o->handle = req->handles[i];
			o->bo_offset = e->offset;
			break;
		case VMB_BIND_MAP_NULL:
			o->op = VMB_NOUVEAU_VM_BIND_OP_MAP;
			o->flags = VMB_NOUVEAU_VM_BIND_SPARSE;
			break;
		case VMB_BIND_UNMAP:
			o->op = VMB_NOUVEAU_VM_BIND_OP_UNMAP;
			if (sparse_unmap && sparse_unmap[i])
				o->flags = VMB_NOUVEAU_VM_BIND_SPARSE;
			break;
		default:
			return -EINVAL;
		}
	}
	args->op_count = req->n;
	args->op_ptr = (uint64_t)(uintptr_t)ops;
	if (nouveau_sync_mode(req))
		return 0;
	args->flags = VMB_NOUVEAU_VM_BIND_RUN_ASYNC;
	nouveau_encode_syncs(req->in, req->n_in, syncs);
	nouveau_encode_syncs(req->out, req->n_out, syncs + req->n_in);
	args->wait_count = req->n_in;
	args->sig_count = req->n_out;
	args->wait_ptr = (uint64_t)(uintptr_t)syncs;
	args->sig_ptr = (uint64_t)(uintptr_t)(syncs + req->n_in);
	return 0;
}

static int nouveau_probe(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t *va_end, uint64_t *mem)
{
	*va_end = 0; /* VM_BIND checks the range itself */
	*mem = 0;
	return 0;
}

static int nouveau_file_init(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t va_start,
			     uint64_t kernel_start, uint64_t kernel_range)
{
	struct vmb_nouveau_vm_init vi = {kernel_start, kernel_range};

	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_NOUVEAU_VM_INIT, &vi);
}

static int nouveau_queue_create(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm_id,
				enum vmb_engine engine, uint32_t *id)
{
	struct vmb_nouveau_channel_alloc c = {0};
	int ret;

	*id = 0;
	if (engine == VMB_ENGINE_BIND)
		return 0; /* binds have no queue object on nouveau */
	/*
	 * fb_ctxdma_handle 0 selects the default (graphics) engine; ~0 would
	 * select one by tt_ctxdma_handle, whose values this uAPI copy lacks.
	 */
	c.fb_ctxdma_handle = 0;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC, &c);
	if (!ret)
		*id = (uint32_t)c.channel;
	return ret;
}

static int nouveau_queue_destroy(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t id,
				 enum vmb_engine engine)
{
	struct vmb_nouveau_channel_free c = {(int32_t)id};

	if (engine == VMB_ENGINE_BIND)
		return 0;
	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_NOUVEAU_CHANNEL_FREE, &c);
}

static int nouveau_bo_create(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_op *op,
			     uint32_t vm_id, uint32_t *handle)
{
	struct vmb_nouveau_gem_new g = {0};
	int ret;

	g.info.size = op->u.bo.size;
	g.info.domain = op->u.bo.placement == VMB_PLACE_SYSTEM ? VMB_NOUVEAU_GEM_DOMAIN_GART
			: op->u.bo.placement == VMB_PLACE_VRAM
			    ? VMB_NOUVEAU_GEM_DOMAIN_VRAM
			    : VMB_NOUVEAU_GEM_DOMAIN_VRAM | VMB_NOUVEAU_GEM_DOMAIN_GART;
	if (op->u.bo.vm)
		g.info.domain |= VMB_NOUVEAU_GEM_DOMAIN_NO_SHARE;
	g.align = 4096;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_NOUVEAU_GEM_NEW, &g);
	*handle = g.info.handle;
	return ret;
}

/*
 * f->drv[0]: the sparse regions this file's VM has (struct nv_regions *).
 * The kernel keeps them apart from mappings (nouveau_uvmm.c): a sparse MAP
 * creates one and may not touch another (-ENOSPC), BO mappings inside one
 * replace its sparse PTEs and an UNMAP inside one brings them back, and only
 * an UNMAP|SPARSE of exactly its range removes it. So a trace's map_null that
 * lies inside a region is an UNMAP there, and an unmap of exactly a region is
 * UNMAP|SPARSE.
 */
struct nv_regions {
	uint32_t n, cap;
	struct {
		uint64_t va, range;
	} * r;
};

static struct nv_regions *nouveau_regions(struct vmb_hw_file *f)
{
	return (struct nv_regions *)(uintptr_t)f->drv[0];
}

/* the region containing [va, va + range) (exactly, with @exact), or -1 */
static int nouveau_region_find(const struct nv_regions *g, uint64_t va, uint64_t range, bool exact)
{
	for (uint32_t i = 0; g && i < g->n; i++) {
		if (exact ? g->r[i].va == va && g->r[i].range == range
			  : g->r[i].va <= va && va + range <= g->r[i].va + g->r[i].range)
			return (int)i;
	}
	return -1;
}

static void nouveau_file_fini(struct vmb_hw *hw, struct vmb_hw_file *f)
{
	struct nv_regions *g = nouveau_regions(f);

	if (g)
		free(g->r);
	free(g);
	f->drv[0] = 0;
}

static int nouveau_bind(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_bind_req *req)
{
	struct vmb_nouveau_sync syncs[req->n_in + req->n_out + 1];
	struct nv_regions *g = nouveau_regions(f), w = {0};
	struct vmb_nouveau_vm_bind_op *ops;
	struct vmb_hw_bind_req r = *req;
	struct vmb_nouveau_vm_bind args;
	struct vmb_bind_entry *e;
	bool *sparse;
	uint32_t i;
	int ret;

	if (!g) {
		g = calloc(1, sizeof(*g));
		if (!g)
			return -ENOMEM;
		f->drv[0] = (uintptr_t)g;
	}
	ops = malloc(req->n * sizeof(*ops) + 1);
	sparse = calloc(req->n + 1, sizeof(bool));
	e = malloc(req->n * sizeof(*e) + 1);
	w.cap = g->n + req->n + 1;
	w.r = malloc(w.cap * sizeof(*w.r));
	if (!ops || !sparse || !e || !w.r) {
		ret = -ENOMEM;
		goto out;
	}
	/* the regions as they will be after this bind, entry by entry */
	w.n = g->n;
	if (g->n)
		memcpy(w.r, g->r, g->n * sizeof(*w.r));
	for (i = 0; i < req->n; i++) {
		int k;

		e[i] = req->binds[i];
		if (e[i].kind == VMB_BIND_MAP_NULL) {
			if (nouveau_region_find(&w, e[i].va, e[i].range, false) >= 0) {
				e[i].kind = VMB_BIND_UNMAP;
			} else {
				w.r[w.n].va = e[i].va;
				w.r[w.n++].range = e[i].range;
			}
		} else if (e[i].kind == VMB_BIND_UNMAP &&
			   (k = nouveau_region_find(&w, e[i].va, e[i].range, true)) >= 0) {
			sparse[i] = true;
			w.r[k] = w.r[--w.n];
		}
	}
	r.binds = e;
	ret = vmb_nouveau_encode_bind(&r, sparse, &args, ops, syncs);
	if (!ret)
		ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_NOUVEAU_VM_BIND, &args);
	if (!ret) {
		free(g->r);
		g->r = w.r;
		g->n = w.n;
		g->cap = w.cap;
		w.r = NULL;
	}
	if (!ret && !(args.flags & VMB_NOUVEAU_VM_BIND_RUN_ASYNC) && req->n_out) {
		uint32_t h = req->out[0].handle;
		uint64_t p = req->out[0].point;

		ret = drmSyncobjTimelineSignal(f->fd, &h, &p, 1) ? -errno : 0;
	}
out:
	free(w.r);
	free(e);
	free(ops);
	free(sparse);
	return ret;
}

static int nouveau_submit(struct vmb_hw *hw, struct vmb_hw_file *f,
			  const struct vmb_hw_submit_req *req)
{
	struct vmb_nouveau_sync syncs[req->n_in + req->n_out + 1];
	struct vmb_nouveau_exec ex = {0};

	nouveau_encode_syncs(req->in, req->n_in, syncs);
	nouveau_encode_syncs(req->out, req->n_out, syncs + req->n_in);
	ex.channel = req->queue_id;
	ex.push_count = 0;
	ex.wait_count = req->n_in;
	ex.sig_count = req->n_out;
	ex.wait_ptr = (uint64_t)(uintptr_t)syncs;
	ex.sig_ptr = (uint64_t)(uintptr_t)(syncs + req->n_in);
	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_NOUVEAU_EXEC, &ex);
}

static const struct vmb_hw_driver nouveau_driver = {
    .name = "nouveau",
    .driver = VMB_DRIVER_NOUVEAU,
    .vm_is_file = true,
    .empty_job = true,
    .bind_kinds =
	VMB_HW_KIND(VMB_BIND_MAP) | VMB_HW_KIND(VMB_BIND_MAP_NULL) | VMB_HW_KIND(VMB_BIND_UNMAP),
    .probe = nouveau_probe,
    .file_init = nouveau_file_init,
    .file_fini = nouveau_file_fini,
    .queue_create = nouveau_queue_create,
    .queue_destroy = nouveau_queue_destroy,
    .bo_create = nouveau_bo_create,
    .bind = nouveau_bind,
    .submit = nouveau_submit,
};

VMB_HW_BACKEND(vmb_nouveau_backend, nouveau_driver, "nouveau");
