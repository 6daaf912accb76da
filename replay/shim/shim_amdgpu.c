// SPDX-License-Identifier: MIT
/*
 * shim_amdgpu.c - the amdgpu uAPI served from the model. Each open file has
 * its own VM (created at open, as amdgpu_driver_open_kms does). GEM_VA maps
 * one range per call with amdgpu's rules: MAP over an existing mapping is
 * -EINVAL, REPLACE clears first, UNMAP needs the mapping of that BO starting
 * at the address (-ENOENT otherwise), CLEAR removes whatever overlaps, PRT
 * maps without a BO. The 64-byte (6.16) form's out-fence and in-fences are
 * honoured; the 40-byte form has none. CS takes IB, BO_HANDLES and syncobj
 * chunks; userptr BOs (GEM_USERPTR) are kept by the shim and mapped as
 * userptr ranges in the model.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/shadow.h"
#include "shim_amdgpu.h"
#include "shim_priv.h"
#include "uapi/amdgpu.h"

#define AMD_PAGE 4096ull
/* the file VM spans 48 bits less the reserved top; high addresses are masked into it */
#define AMD_VA_END ((1ull << SHIM_AMDGPU_VA_BITS) - SHIM_AMDGPU_VA_TOP_RESERVED)
#define AMD_HOLE_START (1ull << (SHIM_AMDGPU_VA_BITS - 1))
#define AMD_HOLE_END (~0ull << (SHIM_AMDGPU_VA_BITS - 1))
#define AMD_HOLE_MASK ((1ull << SHIM_AMDGPU_VA_BITS) - 1)

static int amdgpu_open(struct shim_file *f)
{
	int err;

	f->file_vm = shim_vm_new(0, AMD_VA_END, 0, 0, 0, &err);
	if (f->file_vm)
		f->file_vm->fault_continues = true; /* the dummy page (amdgpu_vm_fault_stop=0) */
	return f->file_vm ? 0 : err;
}

static int amdgpu_gem_create(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_gem_create *c = arg;
	uint64_t size = (c->in.bo_size + AMD_PAGE - 1) & ~(AMD_PAGE - 1);
	uint64_t dom = c->in.domains;
	uint8_t placement;
	uint32_t vm = 0, handle;
	int ret;

	if (!size || !dom || (dom & ~0x7full))
		return -EINVAL;
	if (c->in.domain_flags & VMB_AMDGPU_GEM_CREATE_VM_ALWAYS_VALID)
		vm = f->file_vm->id;
	placement = dom == VMB_AMDGPU_GEM_DOMAIN_VRAM	 ? VMB_PLACE_VRAM
		    : (dom & VMB_AMDGPU_GEM_DOMAIN_VRAM) ? VMB_PLACE_ANY
							 : VMB_PLACE_SYSTEM;
	ret = shim_bo_new(f, size, placement, vm, &handle);
	if (ret)
		return ret;
	memset(c, 0, sizeof(*c));
	c->out.handle = handle;
	return 0;
}

static int amdgpu_gem_mmap(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_gem_mmap *m = arg;
	uint32_t h = m->in.handle;

	if (!shim_bo_get(f, h))
		return -ENOENT;
	m->out.addr_ptr = (uint64_t)h << 32;
	return 0;
}

static int amdgpu_ctx(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_ctx *c = arg;
	uint32_t h;
	int ret;

	switch (c->in.op) {
	case VMB_AMDGPU_CTX_OP_ALLOC_CTX:
		ret = shim_queue_new(f, f->file_vm, VMB_ENGINE_RENDER, &h);
		if (ret)
			return ret;
		memset(c, 0, sizeof(*c));
		c->alloc.ctx_id = h;
		return 0;
	case VMB_AMDGPU_CTX_OP_FREE_CTX:
		return shim_queue_free(f, c->in.ctx_id) ? -EINVAL : 0;
	case 3: /* QUERY_STATE: no reset happened */
	case 4: { /* QUERY_STATE2: a VM fault without vm_fault_stop resets nothing */
		struct shim_queue *q = shim_table_get(&f->queues, c->in.ctx_id);

		if (!q)
			return -EINVAL;
		memset(c, 0, sizeof(*c));
		return 0;
	}
	default:
		return -EINVAL;
	}
}

static int amdgpu_gem_userptr(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_amdgpu_gem_userptr *u = arg;

	if (!u->addr || !u->size || (u->addr | u->size) % AMD_PAGE || (u->flags & ~0xfu))
		return -EINVAL;
	u->handle = shim_bo_add_userptr(f, u->addr, u->size);
	return u->handle ? 0 : -ENOMEM;
}

/* the mapping of @bo that starts at @va in @vm's layout */
static struct vmb_gpuva *find_bo_mapping(struct shim_vm *vm, struct shim_bo *bo, uint64_t va)
{
	struct vmb_gpuva *m = vmb_gpuvm_find_first(vm->shadow, va, AMD_PAGE);

	if (!m || m->va != va)
		return NULL;
	if (bo->userptr)
		return m->flags == VMB_SHADOW_USERPTR && m->offset >= bo->cpu_addr &&
			       m->offset < bo->cpu_addr + bo->size
			   ? m
			   : NULL;
	return !m->flags && m->obj == bo->id ? m : NULL;
}

static int amdgpu_gem_va(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_amdgpu_gem_va *a = arg;
	struct shim_vm *vm = f->file_vm;
	struct vmb_bind_entry e = {.range = a->map_size};
	struct vmb_sync syncs[65];
	const uint32_t *in =
	    shim_user(a->input_fence_syncobj_handles, a->num_syncobj_handles * 4ull, false);
	uint16_t n_in = 0, n_out = 0;
	struct shim_bo *bo = NULL;
	struct vmb_gpuva *m;
	uint32_t i;
	int ret;

	/* amdgpu_gem_va_ioctl: the reserved bottom, the GMC hole, the reserved top */
	if (a->va_address < SHIM_AMDGPU_VA_BOTTOM ||
	    (a->va_address >= AMD_HOLE_START && a->va_address < AMD_HOLE_END))
		return -EINVAL;
	e.va = a->va_address & AMD_HOLE_MASK;
	if (e.va + a->map_size < e.va || e.va + a->map_size > AMD_VA_END)
		return -EINVAL;
	if (a->pad || (a->flags & ~0x3ffu) || a->va_address % AMD_PAGE || a->map_size % AMD_PAGE ||
	    a->offset_in_bo % AMD_PAGE || a->num_syncobj_handles > 64)
		return -EINVAL;
	if (!in)
		return -EFAULT;
	if (a->operation != VMB_AMDGPU_VA_OP_CLEAR &&
	    !(a->operation != VMB_AMDGPU_VA_OP_UNMAP && (a->flags & VMB_AMDGPU_VM_PAGE_PRT))) {
		bo = shim_bo_get(f, a->handle);
		if (!bo)
			return -ENOENT;
	}
	switch (a->operation) {
	case VMB_AMDGPU_VA_OP_MAP:
	case VMB_AMDGPU_VA_OP_REPLACE:
		if (!a->map_size)
			return -EINVAL;
		if (a->operation == VMB_AMDGPU_VA_OP_MAP &&
		    vmb_gpuvm_find_first(vm->shadow, e.va, a->map_size))
			return -EINVAL; /* amdgpu_vm_bo_map: overlaps an existing mapping */
		if (!bo) {
			e.kind = VMB_BIND_MAP_NULL;
		} else if (bo->userptr) {
			if (a->offset_in_bo + a->map_size > bo->size)
				return -EINVAL;
			e.kind = VMB_BIND_MAP_USERPTR;
			e.offset = bo->cpu_addr + a->offset_in_bo;
		} else {
			if (a->offset_in_bo > bo->size || a->map_size > bo->size - a->offset_in_bo)
				return -EINVAL;
			if (bo->vm && bo->vm != vm->id)
				return -EINVAL;
			e.kind = VMB_BIND_MAP;
			e.bo = bo->id;
			e.offset = a->offset_in_bo;
			e.hw = (a->flags & VMB_AMDGPU_VM_MTYPE_MASK) >> 5;
		}
		if (!(a->flags & VMB_AMDGPU_VM_PAGE_WRITEABLE))
			e.flags |= VMB_BIND_F_READONLY;
		if (!(a->flags & VMB_AMDGPU_VM_PAGE_EXECUTABLE))
			e.flags |= VMB_BIND_F_NOEXEC;
		break;
	case VMB_AMDGPU_VA_OP_UNMAP:
		m = find_bo_mapping(vm, bo, e.va);
		if (!m)
			return -ENOENT;
		e.kind = VMB_BIND_UNMAP;
		e.range = m->range;
		break;
	case VMB_AMDGPU_VA_OP_CLEAR:
		if (!a->map_size)
			return -EINVAL;
		e.kind = VMB_BIND_UNMAP;
		break;
	default:
		return -EINVAL;
	}
	for (i = 0; i < a->num_syncobj_handles; i++) {
		ret = shim_sync_resolve(f, in[i], 0, &syncs[n_in++]);
		if (ret)
			return ret;
	}
	if (a->vm_timeline_syncobj_out) {
		ret = shim_sync_resolve(f, a->vm_timeline_syncobj_out, a->vm_timeline_point,
					&syncs[n_in]);
		if (ret)
			return ret;
		n_out = 1;
	}
	return shim_bind(vm, 0, &e, 1, syncs, n_in, n_out);
}

static int amdgpu_cs(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_cs *cs = arg;
	const uint64_t *chunks = shim_user(cs->in.chunks, cs->in.num_chunks * 8ull, false);
	struct vmb_sync *in = NULL, *out = NULL, *all = NULL;
	uint32_t *bos = NULL, n_bos = 0, n_in = 0, n_out = 0, i, k, n_ib = 0;
	struct shim_queue *q = shim_table_get(&f->queues, cs->in.ctx_id);
	struct vmb_amdgpu_cs_chunk_ib ibs[4];
	int ret = 0;

	if (!q)
		return -EINVAL;
	if (!cs->in.num_chunks || cs->in.num_chunks > 64 || cs->in.bo_list_handle)
		return -EINVAL;
	if (!chunks)
		return -EFAULT;
	in = calloc(256, sizeof(*in));
	out = calloc(256, sizeof(*out));
	all = calloc(512, sizeof(*all));
	if (!in || !out || !all) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < cs->in.num_chunks && !ret; i++) {
		const struct vmb_amdgpu_cs_chunk *c = shim_user(chunks[i], sizeof(*c), false);

		if (!c || !shim_user(c->chunk_data, c->length_dw * 4ull, false)) {
			ret = -EFAULT;
			break;
		}
		switch (c->chunk_id) {
		case VMB_AMDGPU_CHUNK_ID_IB:
			if (c->length_dw * 4ull < sizeof(ibs[0]) || n_ib >= 4) {
				ret = -EINVAL;
				break;
			}
			memcpy(&ibs[n_ib++], (const void *)(uintptr_t)c->chunk_data, sizeof(ibs[0]));
			break;
		case VMB_AMDGPU_CHUNK_ID_BO_HANDLES: {
			const struct vmb_amdgpu_bo_list_in *bl =
			    (const void *)(uintptr_t)c->chunk_data;
			const struct vmb_amdgpu_bo_list_entry *ent;

			if (c->length_dw * 4ull < sizeof(*bl) ||
			    !(ent = shim_user(bl->bo_info_ptr, bl->bo_number * 8ull, false))) {
				ret = -EFAULT;
				break;
			}
			free(bos);
			bos = calloc(bl->bo_number + 1, sizeof(*bos));
			if (!bos) {
				ret = -ENOMEM;
				break;
			}
			for (n_bos = 0; n_bos < bl->bo_number; n_bos++) {
				struct shim_bo *bo = shim_bo_get(f, ent[n_bos].bo_handle);

				if (!bo || bo->userptr) {
					ret = -ENOENT;
					break;
				}
				bos[n_bos] = bo->id;
			}
			break;
		}
		case VMB_AMDGPU_CHUNK_ID_SYNCOBJ_IN:
		case VMB_AMDGPU_CHUNK_ID_SYNCOBJ_OUT: {
			const uint32_t *h = (const void *)(uintptr_t)c->chunk_data;
			bool wait = c->chunk_id == VMB_AMDGPU_CHUNK_ID_SYNCOBJ_IN;

			for (k = 0; k < c->length_dw && !ret; k++) {
				if ((wait ? n_in : n_out) >= 256)
					ret = -EINVAL;
				else
					ret = shim_sync_resolve(f, h[k], 0,
								wait ? &in[n_in++] : &out[n_out++]);
			}
			break;
		}
		case VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT:
		case VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL: {
			const struct vmb_amdgpu_cs_chunk_syncobj *s =
			    (const void *)(uintptr_t)c->chunk_data;
			bool wait = c->chunk_id == VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT;

			for (k = 0; k < c->length_dw / 4 && !ret; k++) {
				if ((wait ? n_in : n_out) >= 256)
					ret = -EINVAL;
				else
					ret = shim_sync_resolve(f, s[k].handle, s[k].point,
								wait ? &in[n_in++] : &out[n_out++]);
			}
			break;
		}
		default:
			ret = -EINVAL;
			break;
		}
	}
	if (!ret && !n_ib)
		ret = -EINVAL;
	if (!ret) {
		memcpy(all, in, n_in * sizeof(*in));
		memcpy(all + n_in, out, n_out * sizeof(*out));
		if (!shim_timed) {
			ret = shim_submit(q->id, bos, n_bos, all, (uint16_t)n_in, (uint16_t)n_out);
		} else {
			/* the job runs on the timed GPU: as long as its no-ops, when the model says */
			struct shim_timed_job j = {.vm = f->file_vm->id, .q = q, .amdgpu = true};
			uint64_t nops = 0;
			struct vmb_timing tm;

			for (i = 0; i < n_ib && i < 4; i++) {
				j.ib[i].ip_type = ibs[i].ip_type;
				j.ib[i].va = ibs[i].va_start & AMD_HOLE_MASK;
				j.ib[i].bytes = ibs[i].ib_bytes;
				nops += shim_gpu_scan_amdgpu(f->file_vm, j.ib[i].ip_type, j.ib[i].va,
							     j.ib[i].bytes);
			}
			j.n_ib = i;
			ret = shim_submit_timed(q->id, bos, n_bos, all, (uint16_t)n_in, (uint16_t)n_out,
						nops * SHIM_NOP_NS, &tm);
			j.start = tm.start_ns;
			j.end = tm.done_ns;
			if (!ret)
				ret = shim_timed_add(&j);
			if (!ret) {
				memset(cs, 0, sizeof(*cs));
				cs->out.handle = ++f->cs_seq;
			}
			goto out;
		}
	}
	if (!ret) {
		uint64_t faults = shim_gpu_stats.faults;

		/* the job runs now; a VM fault is counted and the job goes on (dummy page) */
		for (i = 0; i < n_ib; i++)
			if (shim_gpu_run_amdgpu(f->file_vm, ibs[i].ip_type,
						ibs[i].va_start & AMD_HOLE_MASK, ibs[i].ib_bytes, 0) &&
			    shim_gpu_stats.faults == faults)
				break;
		q->faults += (uint32_t)(shim_gpu_stats.faults - faults);
		memset(cs, 0, sizeof(*cs));
		cs->out.handle = ++f->cs_seq;
	}
out:
	free(bos);
	free(in);
	free(out);
	free(all);
	return ret;
}

static int amdgpu_wait_cs(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_wait_cs *w = arg;

	if (!shim_table_get(&f->queues, w->in.ctx_id))
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	w->out.status = 0; /* the model's jobs are done when the CPU looks */
	return 0;
}

static const struct shim_ioctl amdgpu_ioctls[] = {
    [VMB_DRM_AMDGPU_GEM_CREATE] = {"GEM_CREATE", amdgpu_gem_create},
    [VMB_DRM_AMDGPU_GEM_MMAP] = {"GEM_MMAP", amdgpu_gem_mmap},
    [VMB_DRM_AMDGPU_CTX] = {"CTX", amdgpu_ctx},
    [VMB_DRM_AMDGPU_BO_LIST] = {"BO_LIST", NULL},
    [VMB_DRM_AMDGPU_CS] = {"CS", amdgpu_cs},
    [VMB_DRM_AMDGPU_INFO] = {"INFO", shim_amdgpu_info},
    [0x06] = {"GEM_METADATA", NULL},
    [0x07] = {"GEM_WAIT_IDLE", NULL},
    [VMB_DRM_AMDGPU_GEM_VA] = {"GEM_VA", amdgpu_gem_va},
    [VMB_DRM_AMDGPU_WAIT_CS] = {"WAIT_CS", amdgpu_wait_cs},
    [0x10] = {"GEM_OP", NULL},
    [VMB_DRM_AMDGPU_GEM_USERPTR] = {"GEM_USERPTR", amdgpu_gem_userptr},
    [0x12] = {"WAIT_FENCES", NULL},
    [VMB_DRM_AMDGPU_VM] = {"VM", NULL},
};

const struct shim_driver shim_amdgpu = {
    .name = "amdgpu",
    .driver = VMB_DRIVER_AMDGPU,
    .major = 3,
    .minor = 63,
    .ioctls = amdgpu_ioctls,
    .n_ioctls = sizeof(amdgpu_ioctls) / sizeof(amdgpu_ioctls[0]),
    .open = amdgpu_open,
};
