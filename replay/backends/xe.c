// SPDX-License-Identifier: MIT
/*
 * xe.c - the `xe` backend: Intel xe's VM_BIND uAPI. Binds go out as one
 * DRM_IOCTL_XE_VM_BIND per trace bind op (inline op when there is one entry,
 * vector_of_binds otherwise) with drm_xe_sync in/out fences, as anv does;
 * sparse/NULL binds use DRM_XE_VM_BIND_FLAG_NULL, userptr MAP_USERPTR,
 * unmap_all the kernel's UNMAP_ALL, prefetch PREFETCH. Trace "hw" is the
 * PAT index.
 *
 * Submits on hardware run a no-op batch: a 4 MiB buffer of MI_NOOPs ending
 * in MI_BATCH_BUFFER_END, mapped per VM above the highest address the trace
 * binds. Like IGT's nop calibration, the time of a full batch minus that of
 * an empty one gives ns per MI_NOOP; a job of gpu_ns starts that many NOOPs
 * before the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "backends/hw_priv.h"
#include "uapi/xe.h"

#include <xf86drm.h>

/* drv_state slots (XE_ENGINES takes three: render, compute, copy) */
enum { XE_SYSMEM_MASK, XE_VRAM_MASK, XE_MIN_PAGE, XE_VA_END, XE_BATCH, XE_ENGINES };

static void xe_encode_sync(const struct vmb_hw_sync *s, bool signal, struct vmb_xe_sync *x)
{
	memset(x, 0, sizeof(*x));
	x->type = s->point ? VMB_XE_SYNC_TYPE_TIMELINE_SYNCOBJ : VMB_XE_SYNC_TYPE_SYNCOBJ;
	x->flags = signal ? VMB_XE_SYNC_FLAG_SIGNAL : 0;
	x->handle = s->handle;
	x->timeline_value = s->point;
}

static void xe_encode_syncs(const struct vmb_hw_sync *in, uint32_t n_in,
			    const struct vmb_hw_sync *out, uint32_t n_out, struct vmb_xe_sync *x)
{
	uint32_t i;

	for (i = 0; i < n_in; i++)
		xe_encode_sync(&in[i], false, &x[i]);
	for (i = 0; i < n_out; i++)
		xe_encode_sync(&out[i], true, &x[n_in + i]);
}

/**
 * vmb_xe_encode_bind() - fill a DRM_IOCTL_XE_VM_BIND argument
 * @req: the resolved bind
 * @args: receives the ioctl argument
 * @ops: array of @req->n ops (referenced by @args when n > 1)
 * @syncs: array of n_in + n_out syncs (referenced by @args)
 *
 * Return: 0, or -EINVAL for an entry kind xe cannot express.
 */
int vmb_xe_encode_bind(const struct vmb_hw_bind_req *req, struct vmb_xe_vm_bind *args,
		       struct vmb_xe_vm_bind_op *ops, struct vmb_xe_sync *syncs)
{
	uint32_t i;

	memset(args, 0, sizeof(*args));
	for (i = 0; i < req->n; i++) {
		const struct vmb_bind_entry *e = &req->binds[i];
		struct vmb_xe_vm_bind_op *o = &ops[i];

		memset(o, 0, sizeof(*o));
		o->addr = e->va;
		o->range = e->range;
		o->pat_index = (uint16_t)e->hw;
		if (e->flags & VMB_BIND_F_READONLY)
			o->flags |= VMB_XE_VM_BIND_FLAG_READONLY;
		if (e->flags & VMB_BIND_F_IMMEDIATE)
			o->flags |= VMB_XE_VM_BIND_FLAG_IMMEDIATE;
		if (e->flags & VMB_BIND_F_DUMPABLE)
			o->flags |= VMB_XE_VM_BIND_FLAG_DUMPABLE;
		switch (e->kind) {
		case VMB_BIND_MAP:
			o->op = VMB_XE_VM_BIND_OP_MAP;
			o->obj = req->handles[i];
			o->obj_offset = e->offset;
			break;
		case VMB_BIND_MAP_NULL:
			o->op = VMB_XE_VM_BIND_OP_MAP;
			o->flags |= VMB_XE_VM_BIND_FLAG_NULL;
			break;
		case VMB_BIND_MAP_USERPTR:
			o->op = VMB_XE_VM_BIND_OP_MAP_USERPTR;
			o->userptr = req->cpu_addr[i];
			break;
		case VMB_BIND_UNMAP:
			o->op = VMB_XE_VM_BIND_OP_UNMAP;
			o->flags = 0; /* mapping flags mean nothing to an unmap */
			break;
		case VMB_BIND_UNMAP_ALL:
			o->op = VMB_XE_VM_BIND_OP_UNMAP_ALL;
			o->flags = 0;
			o->obj = req->handles[i];
			o->addr = 0;
			o->range = 0;
			break;
		case VMB_BIND_PREFETCH:
			o->op = VMB_XE_VM_BIND_OP_PREFETCH;
			o->flags = 0;
			o->prefetch_mem_region_instance = (uint32_t)e->offset;
			break;
		default:
			return -EINVAL;
		}
	}
	args->vm_id = req->vm_id;
	args->exec_queue_id = req->queue_id;
	args->num_binds = req->n;
	if (req->n == 1)
		args->bind = ops[0];
	else
		args->vector_of_binds = (uint64_t)(uintptr_t)ops;
	xe_encode_syncs(req->in, req->n_in, req->out, req->n_out, syncs);
	args->num_syncs = req->n_in + req->n_out;
	args->syncs = (uint64_t)(uintptr_t)syncs;
	return 0;
}

/**
 * vmb_xe_encode_exec() - fill a DRM_IOCTL_XE_EXEC argument
 * @req: the resolved submit (batch_va 0 over the shim)
 * @args: receives the argument; @syncs: n_in + n_out entries
 *
 * Return: 0.
 */
int vmb_xe_encode_exec(const struct vmb_hw_submit_req *req, struct vmb_xe_exec *args,
		       struct vmb_xe_sync *syncs)
{
	memset(args, 0, sizeof(*args));
	args->exec_queue_id = req->queue_id;
	xe_encode_syncs(req->in, req->n_in, req->out, req->n_out, syncs);
	args->num_syncs = req->n_in + req->n_out;
	args->syncs = (uint64_t)(uintptr_t)syncs;
	args->address = req->batch_va;
	args->num_batch_buffer = 1;
	return 0;
}

static int xe_query(int fd, uint32_t query, void **out)
{
	struct vmb_xe_device_query q = {.query = query};
	int ret;

	ret = vmb_hw_ioctl(fd, VMB_DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (ret)
		return ret;
	*out = calloc(1, q.size + 8);
	if (!*out)
		return -ENOMEM;
	q.data = (uint64_t)(uintptr_t)*out;
	ret = vmb_hw_ioctl(fd, VMB_DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (ret) {
		free(*out);
		*out = NULL;
	}
	return ret;
}

static int xe_probe(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t *va_end, uint64_t *mem)
{
	struct vmb_xe_query_config *cfg;
	struct vmb_xe_query_mem_regions *mr;
	struct vmb_xe_query_engines *en;
	uint64_t vram = 0, sys = 0, min_page = 4096;
	uint32_t i;
	int ret;

	ret = xe_query(f->fd, VMB_XE_DEVICE_QUERY_CONFIG, (void **)&cfg);
	if (ret)
		return ret;
	if (cfg->num_params > VMB_XE_QUERY_CONFIG_VA_BITS)
		*va_end = 1ull << cfg->info[VMB_XE_QUERY_CONFIG_VA_BITS];
	if (cfg->num_params > VMB_XE_QUERY_CONFIG_MIN_ALIGNMENT)
		min_page = cfg->info[VMB_XE_QUERY_CONFIG_MIN_ALIGNMENT];
	free(cfg);
	ret = xe_query(f->fd, VMB_XE_DEVICE_QUERY_MEM_REGIONS, (void **)&mr);
	if (ret)
		return ret;
	for (i = 0; i < mr->num_mem_regions; i++) {
		const struct vmb_xe_mem_region *r = &mr->mem_regions[i];

		if (r->mem_class == VMB_XE_MEM_REGION_CLASS_VRAM) {
			hw->drv_state[XE_VRAM_MASK] |= 1u << r->instance;
			vram += r->total_size;
		} else {
			hw->drv_state[XE_SYSMEM_MASK] |= 1u << r->instance;
			sys += r->total_size;
		}
	}
	free(mr);
	*mem = vram ? vram + sys : sys;
	hw->drv_state[XE_VA_END] = *va_end;
	hw->drv_state[XE_MIN_PAGE] = min_page;
	ret = xe_query(f->fd, VMB_XE_DEVICE_QUERY_ENGINES, (void **)&en);
	if (ret)
		return ret;
	/* first instance of each class, packed as class -> (gt << 16 | instance) + 1 */
	for (i = 0; i < en->num_engines; i++) {
		const struct vmb_xe_engine_class_instance *ci = &en->engines[i].instance;
		uint64_t *slot;

		if (ci->engine_class > VMB_XE_ENGINE_CLASS_COMPUTE)
			continue;
		slot = &hw->drv_state[XE_ENGINES +
				      (ci->engine_class == VMB_XE_ENGINE_CLASS_RENDER	 ? 0
				       : ci->engine_class == VMB_XE_ENGINE_CLASS_COMPUTE ? 1
				       : ci->engine_class == VMB_XE_ENGINE_CLASS_COPY	 ? 2
											 : 3)];
		if (!*slot)
			*slot = (((uint64_t)ci->gt_id << 16) | ci->engine_instance) + 1;
	}
	free(en);
	return 0;
}

static int xe_vm_create(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_op *op,
			uint64_t kernel_range, uint32_t *vm_id)
{
	struct vmb_xe_vm_create c = {0};
	int ret;

	/*
	 * A fault-mode VM is also long-running (LR), and LR VMs take only user
	 * fences, which the trace format does not carry: the syncobj fences of
	 * the trace and of the measurements would be refused. Replay it as an
	 * ordinary VM and say so.
	 */
	if (op->u.vm_create.flags & VMB_VM_F_FAULT)
		vmb_hw_warn_once(hw, HW_WARN_DRIVER + 2,
				 "fault-mode VMs are replayed as ordinary "
				 "VMs (LR mode would refuse syncobj fences)");
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_XE_VM_CREATE, &c);
	*vm_id = c.vm_id;
	return ret;
}

static int xe_vm_destroy(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm_id)
{
	struct vmb_xe_vm_destroy d = {.vm_id = vm_id};

	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_XE_VM_DESTROY, &d);
}

static int xe_queue_create(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm_id,
			   enum vmb_engine engine, uint32_t *id)
{
	struct vmb_xe_engine_class_instance ci = {0};
	struct vmb_xe_exec_queue_create c = {0};
	uint64_t slot = 0;
	int ret;

	switch (engine) {
	case VMB_ENGINE_BIND:
		ci.engine_class = VMB_XE_ENGINE_CLASS_VM_BIND;
		break;
	case VMB_ENGINE_COMPUTE:
		slot = hw->drv_state[XE_ENGINES + 1] ? hw->drv_state[XE_ENGINES + 1]
						     : hw->drv_state[XE_ENGINES];
		ci.engine_class = hw->drv_state[XE_ENGINES + 1] ? VMB_XE_ENGINE_CLASS_COMPUTE
								: VMB_XE_ENGINE_CLASS_RENDER;
		break;
	case VMB_ENGINE_COPY:
		slot = hw->drv_state[XE_ENGINES + 2];
		ci.engine_class = VMB_XE_ENGINE_CLASS_COPY;
		break;
	default:
		slot = hw->drv_state[XE_ENGINES];
		ci.engine_class = VMB_XE_ENGINE_CLASS_RENDER;
		break;
	}
	if (engine != VMB_ENGINE_BIND) {
		if (!slot)
			return -EOPNOTSUPP;
		ci.engine_instance = (uint16_t)((slot - 1) & 0xffff);
		ci.gt_id = (uint16_t)((slot - 1) >> 16);
	}
	c.width = 1;
	c.num_placements = 1;
	c.vm_id = vm_id;
	c.instances = (uint64_t)(uintptr_t)&ci;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &c);
	*id = c.exec_queue_id;
	return ret;
}

static int xe_queue_destroy(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t id,
			    enum vmb_engine engine)
{
	struct vmb_xe_exec_queue_destroy d = {.exec_queue_id = id};

	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_XE_EXEC_QUEUE_DESTROY, &d);
}

static int xe_bo_create(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_op *op,
			uint32_t vm_id, uint32_t *handle)
{
	struct vmb_xe_gem_create c = {0};
	uint64_t align = hw->drv_state[XE_MIN_PAGE] ? hw->drv_state[XE_MIN_PAGE] : 4096;
	uint32_t sys = (uint32_t)hw->drv_state[XE_SYSMEM_MASK];
	uint32_t vram = (uint32_t)hw->drv_state[XE_VRAM_MASK];
	int ret;

	c.size = (op->u.bo.size + align - 1) & ~(align - 1);
	switch (op->u.bo.placement) {
	case VMB_PLACE_VRAM:
		c.placement = vram ? vram : sys;
		break;
	case VMB_PLACE_SYSTEM:
		c.placement = sys;
		break;
	default:
		c.placement = vram | sys;
		break;
	}
	if (!c.placement)
		c.placement = 1;
	c.cpu_caching =
	    (c.placement & vram) ? VMB_XE_GEM_CPU_CACHING_WC : VMB_XE_GEM_CPU_CACHING_WB;
	if (op->u.bo.flags & VMB_BO_F_SCANOUT)
		c.flags |= VMB_XE_GEM_CREATE_FLAG_SCANOUT;
	c.vm_id = vm_id;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_XE_GEM_CREATE, &c);
	*handle = c.handle;
	return ret;
}

static int xe_bind(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_bind_req *req)
{
	struct vmb_xe_vm_bind args;
	struct vmb_xe_vm_bind_op *ops;
	struct vmb_xe_sync *syncs;
	int ret;

	ops = malloc((req->n ? req->n : 1) * sizeof(*ops));
	syncs = malloc((req->n_in + req->n_out + 1) * sizeof(*syncs));
	if (!ops || !syncs) {
		ret = -ENOMEM;
		goto out;
	}
	ret = vmb_xe_encode_bind(req, &args, ops, syncs);
	if (!ret)
		ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_XE_VM_BIND, &args);
out:
	free(ops);
	free(syncs);
	return ret;
}

static int xe_submit(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_submit_req *req)
{
	struct vmb_xe_sync syncs[req->n_in + req->n_out + 1];
	struct vmb_xe_exec args;

	vmb_xe_encode_exec(req, &args, syncs);
	return vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_XE_EXEC, &args);
}

/* ---- the no-op batch ------------------------------------------------------ */

#define XE_BATCH_SIZE (4u << 20)
#define XE_BATCH_DWORDS (XE_BATCH_SIZE / 4)
#define XE_MI_NOOP 0u
#define XE_MI_BATCH_BUFFER_END (0x0au << 23)
/* no-ops of the longest job: the buffer less its stamp area and MI_BATCH_BUFFER_END */
#define XE_NOPS_MAX (XE_BATCH_DWORDS - 2 - VMB_HW_STAMP_AREA / 4)
#define XE_MI_SRM ((0x24u << 23) | 2) /* MI_STORE_REGISTER_MEM, 4 dwords */
#define XE_MI_BB_START_2ND ((0x31u << 23) | (1u << 22) | (1u << 8) | 1) /* second level, ppGTT */
#define XE_RING_TIMESTAMP 0x358
/* whole no-op batches a stamped job may run before its own (head: 32 dwords) */
#define XE_MAX_REPS 4u

struct xe_batch_state {
	uint64_t va;	   /* same address in every VM */
	double ns_per_nop; /* 0 until calibrated */
	struct {
		uint32_t handle;
		uint32_t *cpu;
	} vm[]; /* per trace VM id */
};

static uint64_t xe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int xe_submit(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_submit_req *req);

/* run one batch of @len bytes ending at the buffer's end; its wall time */
static int xe_batch_time(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t queue,
			 enum vmb_engine engine, uint64_t va, uint32_t len, uint64_t *ns)
{
	struct vmb_hw_sync meas = {.handle = f->meas, .point = ++f->meas_point};
	struct vmb_hw_submit_req r = {
	    .queue_id = queue, .batch_va = va, .batch_len = len, .out = &meas, .n_out = 1};
	uint64_t t0 = xe_now();
	int ret = xe_submit(hw, f, &r);

	if (ret)
		return ret;
	*ns = vmb_hw_meas_wait(hw, f, meas.point, t0) - t0;
	return 0;
}

static int xe_batch_calibrate(struct vmb_hw *hw, struct vmb_hw_file *f, struct xe_batch_state *st,
			      uint32_t queue)
{
	uint64_t full, empty;
	int ret;

	ret = vmb_hw_calibrate_nops(hw, f, xe_batch_time, queue, VMB_ENGINE_RENDER,
				    st->va + VMB_HW_STAMP_AREA, XE_BATCH_SIZE - VMB_HW_STAMP_AREA,
				    8, XE_NOPS_MAX, &full, &empty, &st->ns_per_nop);
	if (ret)
		return ret;
	fprintf(stderr,
		"xe: no-op batch calibrated: %.3f ns per MI_NOOP (%llu ns for %u, "
		"%llu ns empty)\n",
		st->ns_per_nop, (unsigned long long)full, XE_NOPS_MAX, (unsigned long long)empty);
	return 0;
}

/* create, fill and bind the batch buffer of trace VM @vm */
static int xe_batch_create(struct vmb_hw *hw, struct vmb_hw_file *f, struct xe_batch_state *st,
			   uint32_t vm)
{
	struct vmb_xe_gem_create c = {.size = XE_BATCH_SIZE,
				      .cpu_caching = VMB_XE_GEM_CPU_CACHING_WC};
	struct vmb_xe_gem_mmap_offset mo = {0};
	struct vmb_bind_entry e = {.kind = VMB_BIND_MAP, .va = st->va, .range = XE_BATCH_SIZE};
	struct vmb_hw_sync meas = {.handle = f->meas, .point = ++f->meas_point};
	struct vmb_hw_bind_req r = {
	    .vm_id = hw->vm_id[vm], .n = 1, .binds = &e, .out = &meas, .n_out = 1};
	uint32_t *cpu;
	int ret;

	c.placement = (uint32_t)hw->drv_state[XE_SYSMEM_MASK];
	if (!c.placement)
		c.placement = 1;
	c.vm_id = hw->vm_id[vm];
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_XE_GEM_CREATE, &c);
	if (ret)
		return ret;
	mo.handle = c.handle;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo);
	if (ret)
		goto err_close;
	cpu =
	    mmap(NULL, XE_BATCH_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, (off_t)mo.offset);
	if (cpu == MAP_FAILED) {
		ret = -errno;
		goto err_close;
	}
	memset(cpu, XE_MI_NOOP, XE_BATCH_SIZE);
	cpu[XE_BATCH_DWORDS - 2] = XE_MI_BATCH_BUFFER_END;
	r.handles = &c.handle;
	ret = xe_bind(hw, f, &r);
	if (ret) {
		munmap(cpu, XE_BATCH_SIZE);
		goto err_close;
	}
	vmb_hw_meas_wait(hw, f, meas.point, 0);
	st->vm[vm].handle = c.handle;
	st->vm[vm].cpu = cpu;
	return 0;
err_close:
	drmCloseBufferHandle(f->fd, c.handle);
	return ret;
}

static int xe_batch(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm, uint32_t queue_id,
		    enum vmb_engine engine, uint64_t gpu_ns, uint64_t *va, uint32_t *len)
{
	struct xe_batch_state *st = (struct xe_batch_state *)(uintptr_t)hw->drv_state[XE_BATCH];
	uint64_t nops;
	int ret;

	if (!st) {
		const struct vmb_trace *t = hw->trace;

		st = calloc(1, sizeof(*st) + (t->max_id[VMB_CLASS_VM] + 1) * sizeof(st->vm[0]));
		if (!st)
			return -ENOMEM;
		hw->drv_state[XE_BATCH] = (uint64_t)(uintptr_t)st;
		st->va = vmb_hw_batch_va(t);
	}
	if (hw->drv_state[XE_VA_END] && st->va + XE_BATCH_SIZE > hw->drv_state[XE_VA_END])
		return -ENOSPC; /* no room above the trace's mappings */
	if (!st->vm[vm].handle) {
		if (st->vm[vm].cpu)
			munmap(st->vm[vm].cpu, XE_BATCH_SIZE);
		st->vm[vm].cpu = NULL;
		ret = xe_batch_create(hw, f, st, vm);
		if (ret)
			return ret;
	}
	if (st->ns_per_nop == 0) {
		ret = xe_batch_calibrate(hw, f, st, queue_id);
		if (ret)
			return ret;
	}
	nops = (uint64_t)((double)gpu_ns / st->ns_per_nop);
	/* a stamped job longer than the buffer runs it whole up to XE_MAX_REPS times first */
	hw->batch_reps = 0;
	if (nops > XE_NOPS_MAX && hw->clk.ok) {
		uint64_t reps = nops / XE_NOPS_MAX;

		if (reps > XE_MAX_REPS)
			reps = XE_MAX_REPS;
		hw->batch_reps = (uint32_t)reps;
		nops -= reps * XE_NOPS_MAX;
	}
	if (nops > XE_NOPS_MAX) {
		vmb_hw_warn_once(hw, HW_WARN_DRIVER,
				 "jobs longer than %u no-op batches "
				 "(%.0f ns) are cut to it",
				 hw->clk.ok ? XE_MAX_REPS + 1 : 1,
				 st->ns_per_nop * XE_NOPS_MAX * (hw->clk.ok ? XE_MAX_REPS + 1 : 1));
		nops = XE_NOPS_MAX;
	}
	nops &= ~1ull; /* keep the start 8-byte aligned */
	*va = st->va + (XE_BATCH_DWORDS - 2 - nops) * 4;
	*len = (uint32_t)(nops + 2) * 4;
	return 0;
}

/* the engine's MMIO base, for its RING_TIMESTAMP */
static uint32_t xe_mmio_base(enum vmb_engine engine)
{
	switch (engine) {
	case VMB_ENGINE_COMPUTE:
		return 0x1a000; /* CCS0 */
	case VMB_ENGINE_COPY:
		return 0x22000; /* BCS0 */
	default:
		return 0x2000; /* RCS0 */
	}
}

/*
 * a head for stamp @slot: MI_STORE_REGISTER_MEM of RING_TIMESTAMP (low and
 * high dword) into the stamp's start value, the job's batch as a
 * second-level MI_BATCH_BUFFER_START (its MI_BATCH_BUFFER_END returns
 * here), the timestamp again into the end value, MI_BATCH_BUFFER_END
 */
static int xe_stamp(struct vmb_hw *hw, uint32_t vm, uint32_t slot, enum vmb_engine engine,
		    uint64_t *va, uint32_t *len)
{
	struct xe_batch_state *st = (struct xe_batch_state *)(uintptr_t)hw->drv_state[XE_BATCH];
	uint32_t base = xe_mmio_base(engine), *h, n = 0, e;

	if (!st || !st->vm[vm].cpu || slot >= VMB_HW_STAMPS)
		return -EINVAL;
	h = st->vm[vm].cpu + slot * VMB_HW_STAMP_HEAD / 4;
	memset(st->vm[vm].cpu + VMB_HW_STAMP_AT(slot, false) / 4, 0, 16);
	for (e = 0; e < 2; e++) {
		uint64_t val = st->va + VMB_HW_STAMP_AT(slot, e);

		h[n++] = XE_MI_SRM;
		h[n++] = base + XE_RING_TIMESTAMP;
		h[n++] = (uint32_t)val;
		h[n++] = (uint32_t)(val >> 32);
		h[n++] = XE_MI_SRM;
		h[n++] = base + XE_RING_TIMESTAMP + 4;
		h[n++] = (uint32_t)(val + 4);
		h[n++] = (uint32_t)((val + 4) >> 32);
		if (e)
			break;
		for (uint32_t r = 0; r <= hw->batch_reps && r <= XE_MAX_REPS; r++) {
			/* the whole buffer batch_reps times, then the job's own batch */
			uint64_t b = r < hw->batch_reps ? st->va + VMB_HW_STAMP_AREA : *va;

			h[n++] = XE_MI_BB_START_2ND;
			h[n++] = (uint32_t)b;
			h[n++] = (uint32_t)(b >> 32);
		}
	}
	h[n++] = XE_MI_BATCH_BUFFER_END;
	h[n++] = XE_MI_NOOP;
	vmb_hw_gpu_barrier();
	*va = st->va + slot * VMB_HW_STAMP_HEAD;
	*len = n * 4;
	return 0;
}

static uint64_t xe_stamp_read(struct vmb_hw *hw, uint32_t vm, uint32_t slot, bool end)
{
	struct xe_batch_state *st = (struct xe_batch_state *)(uintptr_t)hw->drv_state[XE_BATCH];
	const volatile uint32_t *v;

	if (!st || !st->vm[vm].cpu || slot >= VMB_HW_STAMPS)
		return 0;
	v = st->vm[vm].cpu + VMB_HW_STAMP_AT(slot, end) / 4;
	return v[0] | (uint64_t)v[1] << 32;
}

/* DRM_XE_DEVICE_QUERY_ENGINE_CYCLES (engine cycles and CLOCK_MONOTONIC read
 * together) and the GT's reference clock */
static int xe_clock(struct vmb_hw *hw, struct vmb_hw_file *f)
{
	struct vmb_xe_query_engine_cycles c = {.clockid = CLOCK_MONOTONIC};
	struct vmb_xe_device_query q = {.query = VMB_XE_DEVICE_QUERY_ENGINE_CYCLES,
					.size = sizeof(c)};
	struct vmb_xe_query_gt_list *gt;
	int ret;

	ret = xe_query(f->fd, VMB_XE_DEVICE_QUERY_GT_LIST, (void **)&gt);
	if (ret)
		return ret;
	hw->clk.hz = gt->num_gt ? gt->gt_list[0].reference_clock : 0;
	free(gt);
	if (!hw->clk.hz)
		return -ENODEV;
	q.data = (uint64_t)(uintptr_t)&c;
	ret = vmb_hw_ioctl(f->fd, VMB_DRM_IOCTL_XE_DEVICE_QUERY, &q);
	if (ret)
		return ret;
	hw->clk.c0 = c.engine_cycles;
	hw->clk.t0 = c.cpu_timestamp + c.cpu_delta / 2;
	hw->clk.mask = c.width && c.width < 64 ? (1ull << c.width) - 1 : ~0ull;
	return 0;
}

static void xe_batch_release(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm)
{
	struct xe_batch_state *st = (struct xe_batch_state *)(uintptr_t)hw->drv_state[XE_BATCH];

	if (!st || !st->vm[vm].handle)
		return;
	/*
	 * the CPU mapping stays (it keeps the BO's memory) until the run ends
	 * or the VM id is created again: jobs still in flight have their start
	 * stamps in it
	 */
	drmCloseBufferHandle(f->fd, st->vm[vm].handle);
	st->vm[vm].handle = 0;
}

static void xe_fini(struct vmb_hw *hw)
{
	struct xe_batch_state *st = (struct xe_batch_state *)(uintptr_t)hw->drv_state[XE_BATCH];

	for (uint32_t i = 0; st && i <= hw->trace->max_id[VMB_CLASS_VM]; i++)
		if (st->vm[i].cpu)
			munmap(st->vm[i].cpu, XE_BATCH_SIZE);
	free(st);
	hw->drv_state[XE_BATCH] = 0;
}

static const struct vmb_hw_driver xe_driver = {
    .name = "xe",
    .driver = VMB_DRIVER_XE,
    .bind_kinds = VMB_HW_KIND(VMB_BIND_MAP) | VMB_HW_KIND(VMB_BIND_MAP_NULL) |
		  VMB_HW_KIND(VMB_BIND_MAP_USERPTR) | VMB_HW_KIND(VMB_BIND_UNMAP) |
		  VMB_HW_KIND(VMB_BIND_UNMAP_ALL) | VMB_HW_KIND(VMB_BIND_PREFETCH),
    .probe = xe_probe,
    .vm_create = xe_vm_create,
    .vm_destroy = xe_vm_destroy,
    .queue_create = xe_queue_create,
    .queue_destroy = xe_queue_destroy,
    .bo_create = xe_bo_create,
    .bind = xe_bind,
    .submit = xe_submit,
    .batch = xe_batch,
    .batch_release = xe_batch_release,
    .clock = xe_clock,
    .stamp = xe_stamp,
    .stamp_read = xe_stamp_read,
    .fini = xe_fini,
};

VMB_HW_BACKEND(vmb_xe_backend, xe_driver, "xe");
