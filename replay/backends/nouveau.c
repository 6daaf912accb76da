// SPDX-License-Identifier: MIT
/*
 * nouveau.c - the `nouveau` backend: VM_INIT / VM_BIND / EXEC (6.6+). The
 * VM is the open file (VM_INIT switches it to VM_BIND mode, before any BO
 * or channel), so each trace VM gets its own file. A bind op with no trace
 * fences runs synchronously, as nvk's normal binds do; with fences it is a
 * RUN_ASYNC bind with wait/signal drm_nouveau_sync arrays, as nvk's sparse
 * binds. Trace "hw" is the PTE kind. NULL/sparse binds are SPARSE regions;
 * an unmap that removes exactly a sparse region is UNMAP|SPARSE. No
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

static int nouveau_bind(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_bind_req *req)
{
	struct vmb_nouveau_sync syncs[req->n_in + req->n_out + 1];
	struct vmb_nouveau_vm_bind_op *ops;
	struct vmb_nouveau_vm_bind args;
	bool *sparse;
	uint32_t i;
	int ret;

	ops = malloc(req->n * sizeof(*ops) + 1);
	sparse = calloc(req->n + 1, sizeof(bool));
	if (!ops || !sparse) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < req->n; i++) {
		const struct vmb_bind_entry *e = &req->binds[i];
		struct vmb_gpuva *m;

		if (e->kind != VMB_BIND_UNMAP || !req->shadow)
			continue;
		m = vmb_gpuvm_find_first(req->shadow, e->va, e->range);
		sparse[i] = m && !m->obj && m->flags == VMB_SHADOW_NULL && m->va == e->va &&
			    m->range == e->range;
	}
	ret = vmb_nouveau_encode_bind(req, sparse, &args, ops, syncs);
	if (!ret)
		ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_NOUVEAU_VM_BIND, &args);
	if (!ret && !(args.flags & VMB_NOUVEAU_VM_BIND_RUN_ASYNC) && req->n_out) {
		uint32_t h = req->out[0].handle;
		uint64_t p = req->out[0].point;

		ret = drmSyncobjTimelineSignal(f->fd, &h, &p, 1) ? -errno : 0;
	}
out:
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
    .queue_create = nouveau_queue_create,
    .queue_destroy = nouveau_queue_destroy,
    .bo_create = nouveau_bo_create,
    .bind = nouveau_bind,
    .submit = nouveau_submit,
};

VMB_HW_BACKEND(vmb_nouveau_backend, nouveau_driver, "nouveau");
