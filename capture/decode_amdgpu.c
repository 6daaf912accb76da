// SPDX-License-Identifier: MIT
/*
 * decode_amdgpu.c - AMD amdgpu ioctls into trace ops.
 *
 * amdgpu has one VM per open file and no VM ioctl: the trace gets a
 * vm_create (x_synth) the first time a file needs its VM.
 *
 *   GEM_CREATE -> bo_create (placement from the domains: VRAM only ->
 *     "vram", GTT/CPU only -> "system"; VM_ALWAYS_VALID -> private to the VM)
 *   GEM_USERPTR -> no op of its own: mappings of the BO become map_userptr
 *     entries at its CPU address (its CPU range is watched for cpu_unmap)
 *   GEM_VA -> a bind with one entry: MAP -> map (no WRITEABLE -> readonly,
 *     no EXECUTABLE -> noexec, MTYPE_UC -> uncached, hw = the MTYPE field),
 *     MAP/REPLACE with PRT and no BO -> map_null, REPLACE -> map (the VA
 *     manager replaces what the range held), UNMAP and CLEAR -> unmap; the
 *     6.16 fields give in-syncs and an out-sync at vm_timeline_point
 *   CTX alloc/free -> queue_create/destroy (engine "render")
 *   CS -> submit: queue = context, bos from the BO_HANDLES chunk, in-syncs
 *     from SYNCOBJ_IN / TIMELINE_WAIT, out from SYNCOBJ_OUT / TIMELINE_SIGNAL;
 *     sequence-number dependencies are flagged x_fence_deps
 * Ignored: GEM_MMAP, INFO, WAIT_CS, VM (VMID reservation), BO_LIST (lists
 * made with it are not expanded; Mesa uses the BO_HANDLES chunk).
 */
#include <errno.h>

#include "capture.h"
#include "uapi/amdgpu.h"

static enum cap_class amdgpu_classify(unsigned long req, uint32_t *pre_bytes)
{
	switch (_IOC_NR(req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_AMDGPU_GEM_CREATE:
		*pre_bytes = sizeof(struct vmb_amdgpu_gem_create_in);
		return CAP_ORDERED;
	case VMB_DRM_AMDGPU_CTX:
		*pre_bytes = sizeof(struct vmb_amdgpu_ctx_in);
		return CAP_ORDERED; /* alloc creates, free destroys */
	case VMB_DRM_AMDGPU_CS:
		*pre_bytes = sizeof(struct vmb_amdgpu_cs_in); /* out.handle overwrites it */
		return CAP_ENTER;
	case VMB_DRM_AMDGPU_GEM_USERPTR:
		return CAP_ORDERED;
	case VMB_DRM_AMDGPU_GEM_VA:
		return CAP_ORDERED;
	case VMB_DRM_AMDGPU_GEM_MMAP:
	case VMB_DRM_AMDGPU_INFO:
	case VMB_DRM_AMDGPU_WAIT_CS:
	case VMB_DRM_AMDGPU_VM:
	case VMB_DRM_AMDGPU_BO_LIST:
		return CAP_IGNORE;
	default:
		return CAP_RAW;
	}
}

static enum vmb_placement amdgpu_placement(uint64_t domains)
{
	bool vram = domains & VMB_AMDGPU_GEM_DOMAIN_VRAM;
	bool sys = domains & (VMB_AMDGPU_GEM_DOMAIN_GTT | VMB_AMDGPU_GEM_DOMAIN_CPU);

	if (vram && !sys)
		return VMB_PLACE_VRAM;
	if (sys && !vram)
		return VMB_PLACE_SYSTEM;
	return VMB_PLACE_ANY;
}

static bool amdgpu_gem_va(const struct cap_call *c, struct cap_build *b)
{
	const struct vmb_amdgpu_gem_va *a = c->arg;
	struct vmb_op *op = &b->rec->op;
	struct vmb_bind_entry *e;
	bool prt;

	/* nothing of the argument is read before its size is known */
	if (c->size < VMB_AMDGPU_GEM_VA_SIZE_OLD)
		return false;
	prt = a->flags & VMB_AMDGPU_VM_PAGE_PRT;
	cap_op_init(b, VMB_OP_BIND);
	op->u.bind.vm = CAP_IMPLICIT_VM;
	if (c->size >= sizeof(*a) && a->num_syncobj_handles) {
		const uint32_t *h =
		    cap_user(c, a->input_fence_syncobj_handles, (size_t)a->num_syncobj_handles * 4);

		if (!h || a->num_syncobj_handles > UINT16_MAX)
			return false;
		for (uint32_t i = 0; i < a->num_syncobj_handles; i++)
			cap_build_sync(b, h[i], 0);
		op->u.bind.n_in = (uint16_t)a->num_syncobj_handles;
	}
	if (c->size >= sizeof(*a) && a->vm_timeline_syncobj_out) {
		cap_build_sync(b, a->vm_timeline_syncobj_out, a->vm_timeline_point);
		op->u.bind.n_out = 1;
	}
	e = cap_build_bind(b);
	/* as amdgpu_gem_va_ioctl: the high half is masked into the 48-bit VM */
	e->va = a->va_address & ((1ull << 48) - 1);
	e->range = a->map_size;
	switch (a->operation) {
	case VMB_AMDGPU_VA_OP_MAP:
	case VMB_AMDGPU_VA_OP_REPLACE:
		if (prt && !a->handle) {
			e->kind = VMB_BIND_MAP_NULL;
			break;
		}
		e->kind = VMB_BIND_MAP;
		e->bo = a->handle;
		e->offset = a->offset_in_bo;
		e->hw = (a->flags & VMB_AMDGPU_VM_MTYPE_MASK) >> 5;
		if (!(a->flags & VMB_AMDGPU_VM_PAGE_WRITEABLE))
			e->flags |= VMB_BIND_F_READONLY;
		if (!(a->flags & VMB_AMDGPU_VM_PAGE_EXECUTABLE))
			e->flags |= VMB_BIND_F_NOEXEC;
		if ((a->flags & VMB_AMDGPU_VM_MTYPE_MASK) == VMB_AMDGPU_VM_MTYPE_UC)
			e->flags |= VMB_BIND_F_UNCACHED;
		break;
	case VMB_AMDGPU_VA_OP_UNMAP:
	case VMB_AMDGPU_VA_OP_CLEAR:
		e->kind = VMB_BIND_UNMAP;
		break;
	default:
		return false;
	}
	op->u.bind.n_binds = b->n_binds;
	return true;
}

static bool amdgpu_cs(const struct cap_call *c, struct cap_build *b)
{
	const struct vmb_amdgpu_cs_in *a = c->pre;
	struct vmb_op *op = &b->rec->op;
	const uint64_t *chunks;
	uint32_t n;

	if (c->size < sizeof(union vmb_amdgpu_cs))
		return false;
	n = a->num_chunks;
	if (n > 4096)
		return false;
	chunks = cap_user(c, a->chunks, (size_t)n * 8);
	if (n && !chunks)
		return false;
	cap_op_init(b, VMB_OP_SUBMIT);
	op->u.submit.queue = a->ctx_id;
	/* two passes: in-syncs, then out-syncs; BO ids on the first */
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < n; i++) {
			const struct vmb_amdgpu_cs_chunk *ch = cap_user(c, chunks[i], sizeof(*ch));
			size_t bytes;
			const void *d;

			if (!ch)
				return false;
			bytes = (size_t)ch->length_dw * 4;
			d = cap_user(c, ch->chunk_data, bytes);
			if (bytes && !d)
				return false;
			switch (ch->chunk_id) {
			case VMB_AMDGPU_CHUNK_ID_SYNCOBJ_IN:
			case VMB_AMDGPU_CHUNK_ID_SYNCOBJ_OUT:
				if ((ch->chunk_id == VMB_AMDGPU_CHUNK_ID_SYNCOBJ_OUT) != pass)
					break;
				for (size_t k = 0; k < bytes / 4; k++)
					cap_build_sync(b, ((const uint32_t *)d)[k], 0);
				break;
			case VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT:
			case VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL: {
				const struct vmb_amdgpu_cs_chunk_syncobj *s = d;

				if ((ch->chunk_id == VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL) !=
				    pass)
					break;
				for (size_t k = 0; k < bytes / sizeof(*s); k++)
					cap_build_sync(b, s[k].handle, s[k].point);
				break;
			}
			case VMB_AMDGPU_CHUNK_ID_BO_HANDLES: {
				const struct vmb_amdgpu_bo_list_in *l = d;
				const char *ent;

				if (pass || bytes < sizeof(*l))
					break;
				if (l->bo_info_size < 4 || l->bo_number > (1u << 20))
					return false;
				ent = cap_user(c, l->bo_info_ptr,
					       (size_t)l->bo_number * l->bo_info_size);
				if (l->bo_number && !ent)
					return false;
				for (uint32_t k = 0; k < l->bo_number; k++)
					cap_build_id(
					    b,
					    *(const uint32_t *)(ent + (size_t)k * l->bo_info_size));
				break;
			}
			case VMB_AMDGPU_CHUNK_ID_DEPENDENCIES:
			case 0x07: /* SCHEDULED_DEPENDENCIES */
				b->rec->flags |= CAP_REC_F_DEPS;
				break;
			}
		}
		if (pass == 0)
			op->u.submit.n_in = (uint16_t)b->n_syncs;
	}
	op->u.submit.n_out = (uint16_t)(b->n_syncs - op->u.submit.n_in);
	op->u.submit.n_bos = b->n_ids;
	return true;
}

static bool amdgpu_decode(const struct cap_call *c, struct cap_build *b)
{
	struct vmb_op *op = &b->rec->op;

	switch (_IOC_NR(c->req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_AMDGPU_GEM_CREATE: {
		const struct vmb_amdgpu_gem_create_in *in = c->pre;
		const union vmb_amdgpu_gem_create *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_BO_CREATE);
		op->u.bo.bo = a->out.handle;
		/* amdgpu_gem_create_ioctl: the kernel rounds the size up to a page */
		op->u.bo.size = (in->bo_size + 4095) & ~4095ull;
		op->u.bo.placement = (uint8_t)amdgpu_placement(in->domains);
		if (in->domain_flags & VMB_AMDGPU_GEM_CREATE_VM_ALWAYS_VALID)
			op->u.bo.vm = CAP_IMPLICIT_VM;
		return true;
	}
	case VMB_DRM_AMDGPU_GEM_USERPTR: {
		const struct vmb_amdgpu_gem_userptr *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_BO_CREATE);
		op->u.bo.bo = a->handle;
		op->u.bo.size = a->size;
		op->u.bo.placement = VMB_PLACE_SYSTEM;
		op->u.bo.flags = VMB_BO_F_USERPTR_BACKED;
		b->rec->aux = a->addr;
		cap_userptr_note(a->addr, a->size);
		return true;
	}
	case VMB_DRM_AMDGPU_CTX: {
		const struct vmb_amdgpu_ctx_in *in = c->pre;
		const union vmb_amdgpu_ctx *a = c->arg;

		if (c->size < sizeof(*a))
			return false;
		if (in->op == VMB_AMDGPU_CTX_OP_ALLOC_CTX) {
			if (c->ret)
				return false;
			cap_op_init(b, VMB_OP_QUEUE_CREATE);
			op->u.queue.queue = a->alloc.ctx_id;
			op->u.queue.vm = CAP_IMPLICIT_VM;
			op->u.queue.engine = VMB_ENGINE_RENDER;
			return true;
		}
		if (in->op == VMB_AMDGPU_CTX_OP_FREE_CTX) {
			cap_op_init(b, VMB_OP_QUEUE_DESTROY);
			op->u.queue.queue = in->ctx_id;
			return true;
		}
		return false;
	}
	case VMB_DRM_AMDGPU_GEM_VA:
		return amdgpu_gem_va(c, b);
	case VMB_DRM_AMDGPU_CS:
		return amdgpu_cs(c, b);
	}
	return false;
}

/*
 * The arrays amdgpu_decode() reads, for a deferred decode (struct
 * cap_decoder.gather): a CS's chunk pointers, every chunk and its data,
 * and the BO list a BO_HANDLES chunk points at; the kernel has read them
 * all (amdgpu_cs.c:amdgpu_cs_pass1, amdgpu_bo_list.c:
 * amdgpu_bo_create_list_entry_array). GEM_USERPTR stays immediate: its
 * decode notes the range for the unmap wrappers.
 */
static bool amdgpu_gather_cs(const struct cap_call *c, struct cap_raw_build *r)
{
	const struct vmb_amdgpu_cs_in *a = c->pre;
	const uint64_t *chunks;

	if (c->size < sizeof(union vmb_amdgpu_cs) || !a->num_chunks || a->num_chunks > 4096)
		return true;
	chunks = cap_raw_array(r, a->chunks, (size_t)a->num_chunks * 8);
	if (!chunks)
		return false;
	for (uint32_t i = 0; i < a->num_chunks; i++) {
		const struct vmb_amdgpu_cs_chunk *ch = cap_raw_array(r, chunks[i], sizeof(*ch));
		size_t bytes;
		const struct vmb_amdgpu_bo_list_in *l;

		if (!ch)
			return false;
		bytes = (size_t)ch->length_dw * 4;
		l = bytes ? cap_raw_array(r, ch->chunk_data, bytes) : NULL;
		if (bytes && !l)
			return false;
		if (ch->chunk_id != VMB_AMDGPU_CHUNK_ID_BO_HANDLES || bytes < sizeof(*l) ||
		    l->bo_info_size < 4 || !l->bo_number || l->bo_number > (1u << 20))
			continue;
		if (!cap_raw_array(r, l->bo_info_ptr, (size_t)l->bo_number * l->bo_info_size))
			return false;
	}
	return true;
}

static bool amdgpu_gather(const struct cap_call *c, struct cap_raw_build *r)
{
	switch (_IOC_NR(c->req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_AMDGPU_GEM_CREATE:
	case VMB_DRM_AMDGPU_CTX:
		return true;
	case VMB_DRM_AMDGPU_GEM_VA: {
		const struct vmb_amdgpu_gem_va *a = c->arg;

		return c->size < sizeof(*a) || !a->num_syncobj_handles ||
		       cap_raw_array(r, a->input_fence_syncobj_handles,
				     (size_t)a->num_syncobj_handles * 4);
	}
	case VMB_DRM_AMDGPU_CS:
		return amdgpu_gather_cs(c, r);
	}
	return false;
}

const struct cap_decoder cap_decoder_amdgpu = {
    .name = "amdgpu",
    .driver = VMB_DRIVER_AMDGPU,
    .classify = amdgpu_classify,
    .decode = amdgpu_decode,
    .gather = amdgpu_gather,
};
