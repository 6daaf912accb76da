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
#include <unistd.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/shadow.h"
#include "shim_amdgpu.h"
#include "shim_priv.h"
#include "uapi/amdgpu.h"

#define AMD_PAGE 4096ull
#define AMD_GEM_DOMAIN_GTT 0x2
/* the heaps INFO reports (shim_amdgpu_info.c) */
#define AMD_VRAM_SIZE (1ull << 30)
#define AMD_GTT_SIZE (24ull << 30)
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
	struct shim_bo *bo;
	int ret;

	if (!size || !dom || (dom & ~0x7full))
		return -EINVAL;
	/* amdgpu_bo_validate_size: GTT (a fallback) or else VRAM must be larger */
	if ((dom & AMD_GEM_DOMAIN_GTT)
		? size >= AMD_GTT_SIZE
		: (dom & VMB_AMDGPU_GEM_DOMAIN_VRAM) && size >= AMD_VRAM_SIZE)
		return -ENOMEM;
	if (c->in.domain_flags & VMB_AMDGPU_GEM_CREATE_VM_ALWAYS_VALID)
		vm = f->file_vm->id;
	placement = dom == VMB_AMDGPU_GEM_DOMAIN_VRAM	 ? VMB_PLACE_VRAM
		    : (dom & VMB_AMDGPU_GEM_DOMAIN_VRAM) ? VMB_PLACE_ANY
							 : VMB_PLACE_SYSTEM;
	ret = shim_bo_new(f, size, placement, vm, &handle);
	if (ret)
		return ret;
	bo = shim_bo_get(f, handle);
	bo->domains = dom;
	bo->domain_flags = c->in.domain_flags;
	bo->alignment = (c->in.alignment + AMD_PAGE - 1) & ~(AMD_PAGE - 1);
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

/* the context holding a stable power state (adev->pm.stable_pstate_ctx), by model id */
static uint32_t pstate_owner;

/* amdgpu_ctx_ioctl GET/SET_STABLE_PSTATE and amdgpu_ctx_stable_pstate() */
static int amdgpu_ctx_pstate(struct shim_file *f, union vmb_amdgpu_ctx *c)
{
	struct shim_queue *q;
	uint32_t flags = c->in.flags;
	bool set = c->in.op == VMB_AMDGPU_CTX_OP_SET_STABLE_PSTATE;

	if (set ? (flags & ~VMB_AMDGPU_CTX_STABLE_PSTATE_FLAGS_MASK) ||
		      flags > VMB_AMDGPU_CTX_STABLE_PSTATE_PEAK
		: flags)
		return -EINVAL;
	q = shim_table_get(&f->queues, c->in.ctx_id);
	if (!q)
		return -EINVAL;
	if (!set) {
		memset(c, 0, sizeof(*c));
		c->alloc.ctx_id = q->pstate; /* out.pstate.flags */
		return 0;
	}
	if (pstate_owner && pstate_owner != q->id)
		return -EBUSY;
	q->pstate = flags;
	pstate_owner = flags ? q->id : 0;
	memset(c, 0, sizeof(*c));
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
	case VMB_AMDGPU_CTX_OP_FREE_CTX: {
		struct shim_queue *q = shim_table_get(&f->queues, c->in.ctx_id);

		if (q && q->id == pstate_owner)
			pstate_owner = 0;
		return shim_queue_free(f, c->in.ctx_id) ? -EINVAL : 0;
	}
	case VMB_AMDGPU_CTX_OP_GET_STABLE_PSTATE:
	case VMB_AMDGPU_CTX_OP_SET_STABLE_PSTATE:
		return amdgpu_ctx_pstate(f, c);
	case 3:	  /* QUERY_STATE: no reset happened */
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

/* amdgpu_cs_p1_user_fence: a one-page GEM BO that is not userptr, room for 8 bytes */
static int cs_user_fence(struct shim_file *f, const struct vmb_amdgpu_cs_chunk *c,
			 struct shim_bo **bo, uint32_t *off)
{
	const struct vmb_amdgpu_cs_chunk_fence *fe = (const void *)(uintptr_t)c->chunk_data;

	if (c->length_dw * 4ull < sizeof(*fe))
		return -EINVAL;
	*bo = shim_bo_get(f, fe->handle);
	if (!*bo || (*bo)->userptr || (*bo)->size != AMD_PAGE || fe->offset + 8ull > AMD_PAGE)
		return -EINVAL;
	*off = fe->offset;
	return 0;
}

/*
 * amdgpu_cs_p2_dependencies: each fence names a context and a submission of
 * it; every submitted job is complete on the shim, so nothing waits
 */
static int cs_dependencies(struct shim_file *f, const struct vmb_amdgpu_cs_chunk *c)
{
	const struct vmb_amdgpu_cs_chunk_dep *d = (const void *)(uintptr_t)c->chunk_data;
	uint32_t i, n = c->length_dw * 4u / sizeof(*d);

	for (i = 0; i < n; i++)
		if (!shim_table_get(&f->queues, d[i].ctx_id) || d[i].ip_type >= 10 ||
		    d[i].ip_instance || d[i].handle > f->cs_seq)
			return -EINVAL;
	return 0;
}

/*
 * amdgpu_cs_p2_syncobj_timeline_wait -> amdgpu_syncobj_lookup_and_add ->
 * drm_syncobj_find_fence(flags): a TIMELINE_WAIT entry with
 * DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT holds the submission back until
 * another thread has submitted the point it names (5 s at most, -ETIME);
 * once it exists the job is ordered after it like any in-fence
 */
static int cs_wait_for_submit(struct shim_file *f, const union vmb_amdgpu_cs *cs)
{
	const uint64_t *chunks = shim_user(cs->in.chunks, cs->in.num_chunks * 8ull, false);
	uint32_t i, k;
	int ret = 0;

	if (!chunks || !cs->in.num_chunks || cs->in.num_chunks > 64)
		return 0; /* amdgpu_cs_run() reports it */
	for (i = 0; i < cs->in.num_chunks && !ret; i++) {
		const struct vmb_amdgpu_cs_chunk *c = shim_user(chunks[i], sizeof(*c), false);
		const struct vmb_amdgpu_cs_chunk_syncobj *sy;

		if (!c || c->chunk_id != VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT)
			continue;
		sy = shim_user(c->chunk_data, c->length_dw * 4ull, false);
		for (k = 0; sy && k < c->length_dw / 4 && !ret; k++)
			if (sy[k].flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT)
				ret = shim_sync_wait_submit(f, sy[k].handle, sy[k].point);
	}
	return ret;
}

/*
 * amdgpu_cs_p1_ib -> amdgpu_ctx_get_entity: the IP type, instance 0 and a
 * ring below amdgpu_ctx_num_entities[] (-EINVAL), then the entity's
 * schedulers: this GPU has rings for GFX, compute and SDMA only (the
 * HW_IP_INFO it reports). For UVD, UVD_ENC, VCN_DEC and VCN_ENC
 * amdgpu_ctx_init_entity picks one scheduler of none, and
 * drm_sched_entity_init refuses that (-EINVAL); for the other IPs without
 * rings the entity has no run queue and drm_sched_job_init says -ENOENT.
 */
static int cs_ib_entity(const struct vmb_amdgpu_cs_chunk_ib *ib)
{
	static const uint8_t entities[10] = {1, 4, 2, 1, 1, 1, 1, 1, 1, 1};
	uint32_t ip = ib->ip_type;

	if (ip >= 10 || ib->ip_instance || ib->ring >= entities[ip])
		return -EINVAL;
	if (ip <= 2) /* GFX, COMPUTE, DMA */
		return 0;
	return ip == 3 || ip == 5 || ip == 6 || ip == 7 ? -EINVAL : -ENOENT;
}

static int amdgpu_cs_run(struct shim_file *f, union vmb_amdgpu_cs *cs);

static int amdgpu_cs(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_cs *cs = arg;
	int ret;

	if (!shim_table_get(&f->queues, cs->in.ctx_id))
		return -EINVAL; /* amdgpu_cs_parser_init */
	f->refs++;		/* the kernel holds the file for the length of the ioctl */
	ret = cs_wait_for_submit(f, cs);
	if (!ret)
		ret = amdgpu_cs_run(f, cs);
	shim_file_put(f);
	return ret;
}

static int amdgpu_cs_run(struct shim_file *f, union vmb_amdgpu_cs *cs)
{
	const uint64_t *chunks = shim_user(cs->in.chunks, cs->in.num_chunks * 8ull, false);
	struct vmb_sync *in = NULL, *out = NULL, *all = NULL;
	uint32_t *bos = NULL, n_bos = 0, n_in = 0, n_out = 0, i, j, k, n_ib = 0, fence_off = 0;
	struct shim_bo *fence_bo = NULL;
	bool have_handles = false;
	struct shim_queue *q = shim_table_get(&f->queues, cs->in.ctx_id);
	struct vmb_amdgpu_cs_chunk_ib ibs[4];
	int ret = 0;

	if (!q)
		return -EINVAL;
	if (!cs->in.num_chunks || cs->in.num_chunks > 64)
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
			memcpy(&ibs[n_ib], (const void *)(uintptr_t)c->chunk_data, sizeof(ibs[0]));
			ret = cs_ib_entity(&ibs[n_ib++]);
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
			have_handles = true;
			for (k = 0, j = 0; j < bl->bo_number; j++) {
				struct shim_bo *bo = shim_bo_get(f, ent[j].bo_handle);

				if (!bo) {
					ret = -ENOENT;
					break;
				}
				/* userptr pages are the model's userptr ranges */
				if (!bo->userptr)
					bos[k++] = bo->id;
			}
			n_bos = k;
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
		case VMB_AMDGPU_CHUNK_ID_FENCE:
			ret = cs_user_fence(f, c, &fence_bo, &fence_off);
			break;
		case VMB_AMDGPU_CHUNK_ID_DEPENDENCIES:
		case VMB_AMDGPU_CHUNK_ID_SCHEDULED_DEPENDENCIES:
			ret = cs_dependencies(f, c);
			break;
		default:
			ret = -EINVAL;
			break;
		}
	}
	if (!ret && !n_ib)
		ret = -EINVAL;
	/* amdgpu_cs_parser_bos: a list handle, or a BO_HANDLES chunk, not both */
	if (!ret && cs->in.bo_list_handle)
		ret = have_handles
			  ? -EINVAL
			  : shim_amdgpu_bo_list_ids(f, cs->in.bo_list_handle, &bos, &n_bos);
	if (!ret) {
		memcpy(all, in, n_in * sizeof(*in));
		memcpy(all + n_in, out, n_out * sizeof(*out));
		if (!shim_timed) {
			ret = shim_submit(q->id, bos, n_bos, all, (uint16_t)n_in, (uint16_t)n_out);
		} else {
			/* the job runs on the timed GPU: as long as its no-ops, when the model says
			 */
			struct shim_timed_job tj = {.vm = f->file_vm->id, .q = q, .amdgpu = true};
			uint64_t nops = 0;
			struct vmb_timing tm;

			for (i = 0; i < n_ib && i < 4; i++) {
				tj.ib[i].ip_type = ibs[i].ip_type;
				tj.ib[i].va = ibs[i].va_start & AMD_HOLE_MASK;
				tj.ib[i].bytes = ibs[i].ib_bytes;
				nops += shim_gpu_scan_amdgpu(f->file_vm, tj.ib[i].ip_type,
							     tj.ib[i].va, tj.ib[i].bytes);
			}
			tj.n_ib = i;
			ret = shim_submit_timed(q->id, bos, n_bos, all, (uint16_t)n_in,
						(uint16_t)n_out, nops * SHIM_NOP_NS, &tm);
			tj.start = tm.start_ns;
			tj.end = tm.done_ns;
			if (!ret)
				ret = shim_timed_add(&tj);
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
						ibs[i].va_start & AMD_HOLE_MASK, ibs[i].ib_bytes,
						0) &&
			    shim_gpu_stats.faults == faults)
				break;
		q->faults += (uint32_t)(shim_gpu_stats.faults - faults);
		memset(cs, 0, sizeof(*cs));
		cs->out.handle = ++f->cs_seq;
		/* the ring's fence write into the user fence BO, at completion */
		if (fence_bo && shim_gpu_bo_fd(fence_bo) >= 0) {
			uint64_t seq = f->cs_seq;

			(void)!pwrite(shim_gpu_bo_fd(fence_bo), &seq, sizeof(seq), fence_off);
		}
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
    [VMB_DRM_AMDGPU_BO_LIST] = {"BO_LIST", shim_amdgpu_bo_list},
    [VMB_DRM_AMDGPU_CS] = {"CS", amdgpu_cs},
    [VMB_DRM_AMDGPU_INFO] = {"INFO", shim_amdgpu_info},
    [VMB_DRM_AMDGPU_GEM_METADATA] = {"GEM_METADATA", shim_amdgpu_gem_metadata},
    [VMB_DRM_AMDGPU_GEM_WAIT_IDLE] = {"GEM_WAIT_IDLE", shim_amdgpu_gem_wait_idle},
    [VMB_DRM_AMDGPU_GEM_VA] = {"GEM_VA", amdgpu_gem_va},
    [VMB_DRM_AMDGPU_WAIT_CS] = {"WAIT_CS", amdgpu_wait_cs},
    [VMB_DRM_AMDGPU_GEM_OP] = {"GEM_OP", shim_amdgpu_gem_op},
    [VMB_DRM_AMDGPU_GEM_USERPTR] = {"GEM_USERPTR", amdgpu_gem_userptr},
    [VMB_DRM_AMDGPU_WAIT_FENCES] = {"WAIT_FENCES", shim_amdgpu_wait_fences},
    [VMB_DRM_AMDGPU_VM] = {"VM", shim_amdgpu_vm},
    [VMB_DRM_AMDGPU_FENCE_TO_HANDLE] = {"FENCE_TO_HANDLE", shim_amdgpu_fence_to_handle},
    [VMB_DRM_AMDGPU_SCHED] = {"SCHED", shim_amdgpu_sched},
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
