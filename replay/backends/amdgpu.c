// SPDX-License-Identifier: MIT
/*
 * amdgpu.c - the `amdgpu` backend. The VM is the open file, so each trace
 * VM gets its own render-node file. GEM_VA carries one mapping per ioctl:
 * a trace bind op becomes one GEM_VA per entry (as radv issues them). A map
 * over existing mappings becomes REPLACE (MAP would fail with EINVAL), a
 * sparse/NULL bind a PRT mapping without BO, an unmap of exactly one BO
 * mapping UNMAP, any other unmap CLEAR; userptr binds map a GEM_USERPTR BO.
 * UNMAP_ALL does not exist and is lowered from the shadow copy; in-fences
 * are waited on the CPU before the GEM_VAs (as radv does); the out-fence is
 * the 6.16 vm_timeline_syncobj_out, transferred to the trace's out-syncs.
 *
 * Submits on the GFX and compute rings run an IB of one-dword PM4 NOPs
 * (PACKET3(NOP, 0x3fff), the kernel's own ring padding) from a 4 MiB
 * per-VM buffer mapped above the trace's highest address; the time of a
 * full IB minus an 8-NOP one gives ns per NOP, and a job of gpu_ns runs
 * that many. SDMA (copy) submits have no such IB and are unsupported on
 * hardware.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#include <xf86drm.h>

#include "backends/hw_priv.h"
#include "gpuvm.h"
#include "uapi/amdgpu.h"

/**
 * vmb_amdgpu_encode_va() - fill a GEM_VA argument for one bind entry
 * @e: the entry (map, map_null, map_userptr, unmap)
 * @handle: BO handle (map: the BO; map_userptr: the GEM_USERPTR BO;
 *     unmap with @whole_mapping: the mapped BO)
 * @replace: the map range overlaps existing mappings (REPLACE, not MAP)
 * @whole_mapping: the unmap covers exactly one BO mapping (UNMAP, not CLEAR)
 * @va: receives the argument (out-fence fields left zero)
 *
 * Return: 0 or -EINVAL for a kind GEM_VA cannot express.
 */
int vmb_amdgpu_encode_va(const struct vmb_bind_entry *e, uint32_t handle, bool replace,
			 bool whole_mapping, struct vmb_amdgpu_gem_va *va)
{
	uint32_t map_op = replace ? VMB_AMDGPU_VA_OP_REPLACE : VMB_AMDGPU_VA_OP_MAP;

	memset(va, 0, sizeof(*va));
	/*
	 * traces hold the address the kernel's VM uses (48 bits, high half
	 * masked as AMDGPU_GMC_HOLE_MASK does); the ioctl wants it canonical
	 */
	va->va_address = e->va & (1ull << 47) ? e->va | 0xffff000000000000ull : e->va;
	va->map_size = e->range;
	switch (e->kind) {
	case VMB_BIND_MAP:
	case VMB_BIND_MAP_USERPTR:
		va->operation = map_op;
		va->handle = handle;
		va->offset_in_bo = e->kind == VMB_BIND_MAP ? e->offset : 0;
		va->flags = VMB_AMDGPU_VM_PAGE_READABLE;
		if (!(e->flags & VMB_BIND_F_READONLY))
			va->flags |= VMB_AMDGPU_VM_PAGE_WRITEABLE;
		if (!(e->flags & VMB_BIND_F_NOEXEC))
			va->flags |= VMB_AMDGPU_VM_PAGE_EXECUTABLE;
		if (e->flags & VMB_BIND_F_UNCACHED)
			va->flags |= VMB_AMDGPU_VM_MTYPE_UC;
		else if (e->hw)
			va->flags |= (uint32_t)(e->hw << 5) & VMB_AMDGPU_VM_MTYPE_MASK;
		return 0;
	case VMB_BIND_MAP_NULL:
		va->operation = map_op;
		va->flags = VMB_AMDGPU_VM_PAGE_PRT;
		return 0;
	case VMB_BIND_UNMAP:
		if (whole_mapping) {
			va->operation = VMB_AMDGPU_VA_OP_UNMAP;
			va->handle = handle;
		} else {
			va->operation = VMB_AMDGPU_VA_OP_CLEAR;
		}
		return 0;
	default:
		return -EINVAL;
	}
}

static int amdgpu_probe(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t *va_end, uint64_t *mem)
{
	struct vmb_amdgpu_info_vram_gtt vg = {0};
	struct vmb_amdgpu_info info = {0};
	int ret;

	info.return_pointer = (uint64_t)(uintptr_t)&vg;
	info.return_size = sizeof(vg);
	info.query = VMB_AMDGPU_INFO_VRAM_GTT;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_INFO, &info);
	if (ret)
		return ret;
	*mem = vg.vram_size + vg.gtt_size;
	*va_end = 0; /* the kernel's GEM_VA range check is the limit */
	return 0;
}

static int amdgpu_queue_create(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm_id,
			       enum vmb_engine engine, uint32_t *id)
{
	union vmb_amdgpu_ctx c = {0};
	int ret;

	*id = 0;
	if (engine == VMB_ENGINE_BIND)
		return 0; /* GEM_VA has no bind queue: nothing to create */
	c.in.op = VMB_AMDGPU_CTX_OP_ALLOC_CTX;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_CTX, &c);
	if (!ret)
		*id = c.alloc.ctx_id;
	return ret;
}

static int amdgpu_queue_destroy(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t id,
				enum vmb_engine engine)
{
	union vmb_amdgpu_ctx c = {0};

	if (engine == VMB_ENGINE_BIND)
		return 0;
	c.in.op = VMB_AMDGPU_CTX_OP_FREE_CTX;
	c.in.ctx_id = id;
	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_CTX, &c);
}

static int amdgpu_bo_create(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_op *op,
			    uint32_t vm_id, uint32_t *handle)
{
	union vmb_amdgpu_gem_create c = {0};
	int ret;

	c.in.bo_size = op->u.bo.size;
	c.in.alignment = 4096;
	c.in.domains = op->u.bo.placement == VMB_PLACE_VRAM ? VMB_AMDGPU_GEM_DOMAIN_VRAM
		       : op->u.bo.placement == VMB_PLACE_SYSTEM
			   ? VMB_AMDGPU_GEM_DOMAIN_GTT
			   : VMB_AMDGPU_GEM_DOMAIN_VRAM | VMB_AMDGPU_GEM_DOMAIN_GTT;
	if (op->u.bo.vm)
		c.in.domain_flags |= VMB_AMDGPU_GEM_CREATE_VM_ALWAYS_VALID;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_GEM_CREATE, &c);
	*handle = c.out.handle;
	return ret;
}

/* does [va, va + range) overlap a mapping in @s? exactly one BO mapping? */
static const struct vmb_gpuva *shadow_lookup(struct vmb_gpuvm *s, uint64_t va, uint64_t range,
					     bool *overlap)
{
	struct vmb_gpuva *m = s ? vmb_gpuvm_find_first(s, va, range) : NULL;

	*overlap = m != NULL;
	return m && m->va == va && m->range == range ? m : NULL;
}

static int amdgpu_bind(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_bind_req *req)
{
	const struct vmb_hw_sync *meas = req->n_out ? &req->out[req->n_out - 1] : NULL;
	uint32_t i;
	int ret = 0;

	if (req->n_in) {
		uint32_t h[req->n_in];
		uint64_t p[req->n_in];
		struct timespec ts;

		for (i = 0; i < req->n_in; i++) {
			h[i] = req->in[i].handle;
			p[i] = req->in[i].point;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ret = drmSyncobjTimelineWait(
		    f->fd, h, p, req->n_in,
		    (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec + 10000000000ll,
		    DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);
		if (ret)
			return ret;
	}
	for (i = 0; i < req->n && !ret; i++) {
		const struct vmb_bind_entry *e = &req->binds[i];
		struct vmb_amdgpu_gem_va va;
		const struct vmb_gpuva *m;
		uint32_t handle = req->handles[i];
		bool overlap;

		m = shadow_lookup(req->shadow, e->va, e->range, &overlap);
		if (e->kind == VMB_BIND_MAP_USERPTR) {
			struct vmb_amdgpu_gem_userptr u = {0};

			u.addr = req->cpu_addr[i];
			u.size = e->range;
			u.flags = VMB_AMDGPU_GEM_USERPTR_ANONONLY |
				  VMB_AMDGPU_GEM_USERPTR_REGISTER | VMB_AMDGPU_GEM_USERPTR_VALIDATE;
			ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_GEM_USERPTR, &u);
			if (ret)
				break;
			/* released with the VM's file, like the mappings it backs */
			handle = u.handle;
		}
		if (e->kind == VMB_BIND_UNMAP && m && m->obj && !m->flags) {
			ret = vmb_hw_bo_handle(hw, f, m->obj, &handle);
			if (ret)
				break;
		} else if (e->kind == VMB_BIND_UNMAP) {
			m = NULL;
		}
		ret = vmb_amdgpu_encode_va(e, handle, overlap, m != NULL, &va);
		if (ret)
			break;
		if (meas && i == req->n - 1) {
			va.vm_timeline_syncobj_out = meas->handle;
			va.vm_timeline_point = meas->point;
		}
		ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_GEM_VA, &va);
	}
	if (ret || !meas)
		return ret;
	if (!hw->drv_state[0]) {
		uint64_t p = meas->point;
		uint32_t h = meas->handle;

		/* an older kernel reads only the 40-byte GEM_VA: no fence appears */
		if (drmSyncobjTimelineWait(f->fd, &h, &p, 1, 0,
					   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE, NULL) == -ETIME) {
			hw->vm_fence_ignored = true;
			vmb_hw_warn_once(hw, HW_WARN_DRIVER,
					 "kernel ignores the GEM_VA out-fence "
					 "(pre-6.16); bind completion = ioctl return");
		}
		hw->drv_state[0] = 1; /* checked once, on the first bind */
	}
	if (hw->vm_fence_ignored) {
		uint32_t h = meas->handle;
		uint64_t p = meas->point;

		drmSyncobjTimelineSignal(f->fd, &h, &p, 1);
	}
	for (i = 0; i + 1 < req->n_out && !ret; i++)
		if (drmSyncobjTransfer(f->fd, req->out[i].handle, req->out[i].point, meas->handle,
				       meas->point, 0))
			ret = -errno;
	return ret;
}

static int amdgpu_submit(struct vmb_hw *hw, struct vmb_hw_file *f,
			 const struct vmb_hw_submit_req *req)
{
	struct vmb_amdgpu_cs_chunk_syncobj sw[req->n_in + 1], ss[req->n_out];
	struct vmb_amdgpu_bo_list_entry ents[req->n_bos + 1];
	struct vmb_amdgpu_cs_chunk chunks[4];
	struct vmb_amdgpu_cs_chunk_ib ib = {0};
	struct vmb_amdgpu_bo_list_in bl = {0};
	uint64_t ptrs[4];
	union vmb_amdgpu_cs cs = {0};
	uint32_t i, n = 0;

	ib.va_start = req->batch_va;
	ib.ib_bytes = req->batch_len;
	ib.ip_type = req->engine == VMB_ENGINE_COMPUTE ? VMB_AMDGPU_HW_IP_COMPUTE
		     : req->engine == VMB_ENGINE_COPY  ? VMB_AMDGPU_HW_IP_DMA
						       : VMB_AMDGPU_HW_IP_GFX;
	chunks[n++] = (struct vmb_amdgpu_cs_chunk){VMB_AMDGPU_CHUNK_ID_IB, sizeof(ib) / 4,
						   (uint64_t)(uintptr_t)&ib};
	for (i = 0; i < req->n_bos; i++)
		ents[i] = (struct vmb_amdgpu_bo_list_entry){req->bos[i], 0};
	bl.bo_number = req->n_bos;
	bl.bo_info_size = sizeof(ents[0]);
	bl.bo_info_ptr = (uint64_t)(uintptr_t)ents;
	chunks[n++] = (struct vmb_amdgpu_cs_chunk){VMB_AMDGPU_CHUNK_ID_BO_HANDLES, sizeof(bl) / 4,
						   (uint64_t)(uintptr_t)&bl};
	if (req->n_in) {
		for (i = 0; i < req->n_in; i++)
			sw[i] = (struct vmb_amdgpu_cs_chunk_syncobj){
			    req->in[i].handle, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
			    req->in[i].point};
		chunks[n++] =
		    (struct vmb_amdgpu_cs_chunk){VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT,
						 req->n_in * 4, (uint64_t)(uintptr_t)sw};
	}
	for (i = 0; i < req->n_out; i++)
		ss[i] =
		    (struct vmb_amdgpu_cs_chunk_syncobj){req->out[i].handle, 0, req->out[i].point};
	chunks[n++] = (struct vmb_amdgpu_cs_chunk){VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL,
						   req->n_out * 4, (uint64_t)(uintptr_t)ss};
	for (i = 0; i < n; i++)
		ptrs[i] = (uint64_t)(uintptr_t)&chunks[i];
	cs.in.ctx_id = req->queue_id;
	cs.in.num_chunks = n;
	cs.in.chunks = (uint64_t)(uintptr_t)ptrs;
	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_CS, &cs);
}

/* ---- the no-op IB -------------------------------------------------------- */

#define AMD_IB_SIZE (4u << 20)
#define AMD_IB_DWORDS (AMD_IB_SIZE / 4)
#define AMD_PM4_NOP 0xffff1000u /* PACKET3(PACKET3_NOP, 0x3fff): one dword */
#define AMD_IB_MIN 8u		/* NOPs in the shortest IB (32 bytes) */
/* NOPs of the longest job: the buffer less its stamp area */
#define AMD_NOPS_MAX (AMD_IB_DWORDS - VMB_HW_STAMP_AREA / 4)
/* whole no-op IBs a stamped job may run before its own (head: 32 dwords) */
#define AMD_MAX_REPS 3u

/* drv_state slots: [0] GEM_VA fence check done, [1] the IB state */
struct amdgpu_ib_state {
	uint64_t va;
	double ns_per_nop[2]; /* GFX, compute; 0 until calibrated */
	struct {
		uint32_t *cpu;
		bool dead; /* the VM is gone; the mapping waits for the end */
	} vm[];
};

static uint64_t amd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int amdgpu_submit(struct vmb_hw *hw, struct vmb_hw_file *f,
			 const struct vmb_hw_submit_req *req);

static int amdgpu_ib_time(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t ctx,
			  enum vmb_engine engine, uint64_t va, uint32_t len, uint64_t *ns)
{
	struct vmb_hw_sync meas = {.handle = f->meas, .point = ++f->meas_point};
	struct vmb_hw_submit_req r = {.queue_id = ctx,
				      .engine = engine,
				      .batch_va = va,
				      .batch_len = len,
				      .out = &meas,
				      .n_out = 1};
	uint64_t t0 = amd_now();
	int ret = amdgpu_submit(hw, f, &r);

	if (ret)
		return ret;
	*ns = vmb_hw_meas_wait(hw, f, meas.point, t0) - t0;
	return 0;
}

static int amdgpu_ib_create(struct vmb_hw *hw, struct vmb_hw_file *f, struct amdgpu_ib_state *st,
			    uint32_t vm)
{
	union vmb_amdgpu_gem_create c = {0};
	union vmb_amdgpu_gem_mmap m = {0};
	/* writable: the GPU stores its start stamps in the IB buffer's head */
	struct vmb_bind_entry e = {.kind = VMB_BIND_MAP, .va = st->va, .range = AMD_IB_SIZE};
	struct vmb_amdgpu_gem_va va;
	uint32_t *cpu, handle, i;
	int ret;

	c.in.bo_size = AMD_IB_SIZE;
	c.in.alignment = 4096;
	c.in.domains = VMB_AMDGPU_GEM_DOMAIN_GTT;
	c.in.domain_flags =
	    VMB_AMDGPU_GEM_CREATE_CPU_ACCESS_REQUIRED | VMB_AMDGPU_GEM_CREATE_VM_ALWAYS_VALID;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_GEM_CREATE, &c);
	if (ret)
		return ret;
	handle = c.out.handle; /* released with the VM's file */
	m.in.handle = handle;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_GEM_MMAP, &m);
	if (ret)
		return ret;
	cpu = mmap(NULL, AMD_IB_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd,
		   (off_t)m.out.addr_ptr);
	if (cpu == MAP_FAILED)
		return -errno;
	for (i = 0; i < AMD_IB_DWORDS; i++)
		cpu[i] = AMD_PM4_NOP;
	vmb_amdgpu_encode_va(&e, handle, false, false, &va);
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_GEM_VA, &va);
	if (ret) {
		munmap(cpu, AMD_IB_SIZE);
		return ret;
	}
	st->vm[vm].cpu = cpu;
	return 0;
}

static int amdgpu_batch(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm, uint32_t ctx,
			enum vmb_engine engine, uint64_t gpu_ns, uint64_t *va, uint32_t *len)
{
	struct amdgpu_ib_state *st = (struct amdgpu_ib_state *)(uintptr_t)hw->drv_state[1];
	int k = engine == VMB_ENGINE_COMPUTE;
	uint64_t nops;
	int ret;

	if (engine == VMB_ENGINE_COPY)
		return -EOPNOTSUPP; /* SDMA takes its own packets */
	if (!st) {
		const struct vmb_trace *t = hw->trace;

		st = calloc(1, sizeof(*st) + (t->max_id[VMB_CLASS_VM] + 1) * sizeof(st->vm[0]));
		if (!st)
			return -ENOMEM;
		hw->drv_state[1] = (uint64_t)(uintptr_t)st;
		st->va = vmb_hw_batch_va(t);
	}
	if (!st->vm[vm].cpu || st->vm[vm].dead) {
		if (st->vm[vm].cpu)
			munmap(st->vm[vm].cpu, AMD_IB_SIZE);
		st->vm[vm].cpu = NULL;
		st->vm[vm].dead = false;
		ret = amdgpu_ib_create(hw, f, st, vm);
		if (ret)
			return ret;
	}
	if (st->ns_per_nop[k] == 0) {
		ret = vmb_hw_calibrate_nops(
		    hw, f, amdgpu_ib_time, ctx, engine, st->va + VMB_HW_STAMP_AREA,
		    AMD_IB_SIZE - VMB_HW_STAMP_AREA, AMD_IB_MIN * 4, AMD_NOPS_MAX - AMD_IB_MIN,
		    NULL, NULL, &st->ns_per_nop[k]);
		if (ret)
			return ret;
		fprintf(stderr, "amdgpu: no-op IB calibrated on the %s ring: %.3f ns per NOP\n",
			k ? "compute" : "gfx", st->ns_per_nop[k]);
	}
	nops = (uint64_t)((double)gpu_ns / st->ns_per_nop[k]);
	/* a stamped job longer than the buffer runs it whole up to AMD_MAX_REPS times first */
	hw->batch_reps = 0;
	if (nops > AMD_NOPS_MAX && hw->clk.ok) {
		uint64_t reps = nops / AMD_NOPS_MAX;

		if (reps > AMD_MAX_REPS)
			reps = AMD_MAX_REPS;
		hw->batch_reps = (uint32_t)reps;
		nops -= reps * AMD_NOPS_MAX;
	}
	if (nops > AMD_NOPS_MAX) {
		vmb_hw_warn_once(hw, HW_WARN_DRIVER + 1,
				 "jobs longer than the no-op IB are cut to "
				 "it");
		nops = AMD_NOPS_MAX;
	}
	nops = (nops + 63) & ~63ull; /* 256-byte aligned start */
	if (nops < 64)
		nops = 64;
	if (nops > AMD_NOPS_MAX)
		nops = AMD_NOPS_MAX;
	*va = st->va + (AMD_IB_DWORDS - nops) * 4;
	*len = (uint32_t)nops * 4;
	return 0;
}

#define AMD_PKT3(op, n) (0xc0000000u | ((uint32_t)(n) << 16) | ((uint32_t)(op) << 8))

/*
 * a head IB for stamp @slot: RELEASE_MEM of the GPU clock (DATA_SEL 3,
 * bottom-of-pipe timestamp: the work before it is done, the job's is not
 * started) into the stamp's start value, the job's IB as an
 * INDIRECT_BUFFER (IB2), and the clock again, once it is done, into the
 * end value
 */
static int amdgpu_stamp(struct vmb_hw *hw, uint32_t vm, uint32_t slot, enum vmb_engine engine,
			uint64_t *va, uint32_t *len)
{
	struct amdgpu_ib_state *st = (struct amdgpu_ib_state *)(uintptr_t)hw->drv_state[1];
	uint32_t *h, i, n = 0, e;

	if (!st || !st->vm[vm].cpu || slot >= VMB_HW_STAMPS)
		return -EINVAL;
	h = st->vm[vm].cpu + slot * VMB_HW_STAMP_HEAD / 4;
	memset(st->vm[vm].cpu + VMB_HW_STAMP_AT(slot, false) / 4, 0, 16);
	for (e = 0; e < 2; e++) {
		uint64_t val = st->va + VMB_HW_STAMP_AT(slot, e);

		h[n++] = AMD_PKT3(0x49, 6); /* RELEASE_MEM, 8 dwords */
		h[n++] = 0x28 | (5u << 8);  /* BOTTOM_OF_PIPE_TS, EVENT_INDEX 5 */
		h[n++] = 3u << 29;	    /* DATA_SEL: GPU clock counter */
		h[n++] = (uint32_t)val;
		h[n++] = (uint32_t)(val >> 32);
		h[n++] = 0;
		h[n++] = 0;
		h[n++] = 0;
		if (e)
			break;
		for (uint32_t r = 0; r <= hw->batch_reps && r <= AMD_MAX_REPS; r++) {
			/* the whole IB batch_reps times, then the job's own IB */
			bool whole = r < hw->batch_reps;
			uint64_t b = whole ? st->va + VMB_HW_STAMP_AREA : *va;

			h[n++] = AMD_PKT3(0x3f, 2); /* INDIRECT_BUFFER */
			h[n++] = (uint32_t)b & ~3u;
			h[n++] = (uint32_t)(b >> 32) & 0xffff;
			h[n++] = (whole ? AMD_NOPS_MAX : *len / 4) | (1u << 23); /* dwords, VALID */
		}
	}
	for (i = n; i < VMB_HW_STAMP_HEAD / 4; i++)
		h[i] = AMD_PM4_NOP;
	vmb_hw_gpu_barrier();
	*va = st->va + slot * VMB_HW_STAMP_HEAD;
	*len = VMB_HW_STAMP_HEAD;
	return 0;
}

static uint64_t amdgpu_stamp_read(struct vmb_hw *hw, uint32_t vm, uint32_t slot, bool end)
{
	struct amdgpu_ib_state *st = (struct amdgpu_ib_state *)(uintptr_t)hw->drv_state[1];
	const volatile uint32_t *v;

	if (!st || !st->vm[vm].cpu || slot >= VMB_HW_STAMPS)
		return 0;
	v = st->vm[vm].cpu + VMB_HW_STAMP_AT(slot, end) / 4;
	return v[0] | (uint64_t)v[1] << 32;
}

/* AMDGPU_INFO_TIMESTAMP between two CLOCK_MONOTONIC reads; the counter's
 * frequency from AMDGPU_INFO_DEV_INFO (gpu_counter_freq, kHz) */
static int amdgpu_clock(struct vmb_hw *hw, struct vmb_hw_file *f)
{
	struct vmb_amdgpu_info info = {0};
	uint32_t dev[16] = {0};
	uint64_t ts = 0, a, b;
	int ret;

	info.return_pointer = (uint64_t)(uintptr_t)dev;
	info.return_size = sizeof(dev);
	info.query = 0x16; /* AMDGPU_INFO_DEV_INFO */
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_INFO, &info);
	if (ret)
		return ret;
	hw->clk.hz = dev[7] * 1000ull; /* gpu_counter_freq */
	if (!hw->clk.hz)
		return -ENODEV;
	info.return_pointer = (uint64_t)(uintptr_t)&ts;
	info.return_size = sizeof(ts);
	info.query = 0x05; /* AMDGPU_INFO_TIMESTAMP */
	a = amd_now();
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_AMDGPU_INFO, &info);
	b = amd_now();
	if (ret)
		return ret;
	hw->clk.c0 = ts;
	hw->clk.t0 = a + (b - a) / 2;
	hw->clk.mask = ~0ull;
	return 0;
}

static void amdgpu_batch_release(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm)
{
	struct amdgpu_ib_state *st = (struct amdgpu_ib_state *)(uintptr_t)hw->drv_state[1];

	/*
	 * the CPU mapping stays (it keeps the BO's memory) until the run ends
	 * or the VM id is created again: jobs still in flight have their start
	 * stamps in it
	 */
	if (st && st->vm[vm].cpu)
		st->vm[vm].dead = true;
}

static void amdgpu_fini(struct vmb_hw *hw)
{
	struct amdgpu_ib_state *st = (struct amdgpu_ib_state *)(uintptr_t)hw->drv_state[1];

	for (uint32_t i = 0; st && i <= hw->trace->max_id[VMB_CLASS_VM]; i++)
		if (st->vm[i].cpu)
			munmap(st->vm[i].cpu, AMD_IB_SIZE);
	free(st);
	hw->drv_state[1] = 0;
}

static const struct vmb_hw_driver amdgpu_driver = {
    .name = "amdgpu",
    .driver = VMB_DRIVER_AMDGPU,
    .vm_is_file = true,
    .weak = true,
    .single_entry = true,
    .bind_kinds = VMB_HW_KIND(VMB_BIND_MAP) | VMB_HW_KIND(VMB_BIND_MAP_NULL) |
		  VMB_HW_KIND(VMB_BIND_MAP_USERPTR) | VMB_HW_KIND(VMB_BIND_UNMAP),
    .probe = amdgpu_probe,
    .queue_create = amdgpu_queue_create,
    .queue_destroy = amdgpu_queue_destroy,
    .bo_create = amdgpu_bo_create,
    .bind = amdgpu_bind,
    .submit = amdgpu_submit,
    .batch = amdgpu_batch,
    .batch_release = amdgpu_batch_release,
    .clock = amdgpu_clock,
    .stamp = amdgpu_stamp,
    .stamp_read = amdgpu_stamp_read,
    .fini = amdgpu_fini,
};

VMB_HW_BACKEND(vmb_amdgpu_backend, amdgpu_driver, "amdgpu");
