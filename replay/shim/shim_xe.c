// SPDX-License-Identifier: MIT
/*
 * shim_xe.c - the xe uAPI served from the model: device queries (one GT
 * with render, copy and compute engines, 16 GiB system memory and 8 GiB
 * VRAM, 48-bit VA), GEM create/mmap offset, VMs, exec queues, VM_BIND and
 * EXEC, with xe's argument checks and error codes (vm_bind_ioctl_check_args
 * and friends, as documented in reference/uapi.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shim_priv.h"
#include "uapi/xe.h"

#define XE_VA_BITS 48
#define XE_PAGE 4096ull
#define XE_SYSMEM (1u << 0)
#define XE_VRAM (1u << 1)

/* one topology entry of @n mask bytes at @p; returns the bytes used */
static uint32_t put_topo(uint8_t *p, uint16_t type, const uint8_t *mask, uint32_t n)
{
	struct vmb_xe_query_topology_mask *t = (void *)p;

	t->gt_id = 0;
	t->type = type;
	t->num_bytes = n;
	memcpy(t->mask, mask, n);
	return sizeof(*t) + n;
}

/*
 * The device: Battlemage G21 (PCI 8086:e20b, Xe2 graphics IP 20.01), one
 * main GT with 20 Xe cores of 8 SIMD16 EUs, 12 GiB VRAM (instance 1, near)
 * and system memory (instance 0, far), 48-bit VA.
 */
static int xe_query_answer(uint32_t query, uint8_t *buf, const uint8_t *in, uint32_t *size)
{
	switch (query) {
	case VMB_XE_DEVICE_QUERY_CONFIG: {
		struct vmb_xe_query_config *c = (void *)buf;
		const struct shim_device *d = shim_device();

		c->num_params = 5;
		c->info[VMB_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] = (uint32_t)d->revision << 16 | d->device;
		c->info[VMB_XE_QUERY_CONFIG_FLAGS] = VMB_XE_QUERY_CONFIG_FLAG_HAS_VRAM;
		c->info[VMB_XE_QUERY_CONFIG_MIN_ALIGNMENT] = XE_PAGE;
		c->info[VMB_XE_QUERY_CONFIG_VA_BITS] = XE_VA_BITS;
		c->info[VMB_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY] = 2;
		*size = sizeof(*c) + 5 * sizeof(uint64_t);
		return 0;
	}
	case VMB_XE_DEVICE_QUERY_MEM_REGIONS: {
		struct vmb_xe_query_mem_regions *m = (void *)buf;

		m->num_mem_regions = 2;
		m->mem_regions[0].mem_class = VMB_XE_MEM_REGION_CLASS_SYSMEM;
		m->mem_regions[0].instance = 0;
		m->mem_regions[0].min_page_size = XE_PAGE;
		m->mem_regions[0].total_size = 16ull << 30;
		m->mem_regions[1].mem_class = VMB_XE_MEM_REGION_CLASS_VRAM;
		m->mem_regions[1].instance = 1;
		m->mem_regions[1].min_page_size = XE_PAGE;
		m->mem_regions[1].total_size = 12ull << 30;
		m->mem_regions[1].cpu_visible_size = 12ull << 30;
		*size = sizeof(*m) + 2 * sizeof(m->mem_regions[0]);
		return 0;
	}
	case VMB_XE_DEVICE_QUERY_ENGINES: {
		struct vmb_xe_query_engines *e = (void *)buf;
		static const uint16_t cls[] = {VMB_XE_ENGINE_CLASS_RENDER, VMB_XE_ENGINE_CLASS_COPY,
					       VMB_XE_ENGINE_CLASS_COMPUTE};
		uint32_t i;

		e->num_engines = 3;
		for (i = 0; i < 3; i++)
			e->engines[i].instance.engine_class = cls[i];
		*size = sizeof(*e) + 3 * sizeof(e->engines[0]);
		return 0;
	}
	case VMB_XE_DEVICE_QUERY_GT_LIST: {
		struct vmb_xe_query_gt_list *g = (void *)buf;

		g->num_gt = 1;
		g->gt_list[0].type = VMB_XE_QUERY_GT_TYPE_MAIN;
		g->gt_list[0].reference_clock = 19200000;
		g->gt_list[0].near_mem_regions = 1u << 1;
		g->gt_list[0].far_mem_regions = 1u << 0;
		g->gt_list[0].ip_ver_major = 20;
		g->gt_list[0].ip_ver_minor = 1;
		g->gt_list[0].ip_ver_rev = 0;
		*size = sizeof(*g) + sizeof(g->gt_list[0]);
		return 0;
	}
	case VMB_XE_DEVICE_QUERY_HWCONFIG:
		*size = 0; /* no GuC hwconfig table: Mesa keeps its own device tables */
		return 0;
	case VMB_XE_DEVICE_QUERY_GT_TOPOLOGY: {
		static const uint8_t dss[8] = {0xff, 0xff, 0x0f}; /* 20 Xe cores */
		static const uint8_t l3[4] = {0xff, 0xff, 0xff, 0xff};
		static const uint8_t eu[2] = {0xff}; /* 8 SIMD16 EUs per core */
		uint32_t n = 0;

		n += put_topo(buf + n, VMB_XE_TOPO_DSS_GEOMETRY, dss, sizeof(dss));
		n += put_topo(buf + n, VMB_XE_TOPO_DSS_COMPUTE, dss, sizeof(dss));
		n += put_topo(buf + n, VMB_XE_TOPO_L3_BANK, l3, sizeof(l3));
		n += put_topo(buf + n, VMB_XE_TOPO_SIMD16_EU_PER_DSS, eu, sizeof(eu));
		*size = n;
		return 0;
	}
	case VMB_XE_DEVICE_QUERY_ENGINE_CYCLES: {
		struct vmb_xe_query_engine_cycles *c = (void *)buf;
		struct timespec ts;
		clockid_t clk;

		/* the caller's engine and clock come in through the data buffer */
		memcpy(c, in, sizeof(*c));
		if (c->eci.engine_class > VMB_XE_ENGINE_CLASS_COMPUTE || c->eci.gt_id ||
		    c->eci.engine_instance)
			return -EINVAL;
		clk = c->clockid;
		if (clk != CLOCK_MONOTONIC && clk != CLOCK_MONOTONIC_RAW && clk != CLOCK_REALTIME &&
		    clk != CLOCK_BOOTTIME && clk != CLOCK_TAI)
			return -EINVAL;
		clock_gettime(clk, &ts);
		c->cpu_timestamp = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
		c->cpu_delta = 0;
		c->width = 36;
		/* the 19.2 MHz reference clock */
		c->engine_cycles = (c->cpu_timestamp / 1000 * 192 / 10) & ((1ull << 36) - 1);
		*size = sizeof(*c);
		return 0;
	}
	default:
		return -EINVAL;
	}
}

static int xe_device_query(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_device_query *q = arg;
	uint8_t buf[512], in[64];
	uint32_t size = 0;
	int ret;

	if (q->extensions || q->reserved[0] || q->reserved[1])
		return -EINVAL;
	memset(buf, 0, sizeof(buf));
	memset(in, 0, sizeof(in));
	if (q->query == VMB_XE_DEVICE_QUERY_ENGINE_CYCLES && q->size) {
		if (q->size != sizeof(struct vmb_xe_query_engine_cycles))
			return -EINVAL;
		if (!shim_user(q->data, q->size, false))
			return -EFAULT;
		memcpy(in, (void *)(uintptr_t)q->data, q->size);
	}
	if (q->query == VMB_XE_DEVICE_QUERY_ENGINE_CYCLES && !q->size) {
		q->size = sizeof(struct vmb_xe_query_engine_cycles);
		return 0;
	}
	ret = xe_query_answer(q->query, buf, in, &size);
	if (ret)
		return ret;
	if (q->size == 0) {
		q->size = size;
		return 0;
	}
	if (q->size != size)
		return -EINVAL; /* the size from the first call, exactly */
	if (!shim_user(q->data, size, true))
		return -EFAULT;
	memcpy((void *)(uintptr_t)q->data, buf, size);
	return 0;
}

static struct shim_vm *xe_vm(struct shim_file *f, uint32_t id)
{
	return shim_table_get(&f->vms, id);
}

static int xe_gem_create(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_gem_create *c = arg;
	struct shim_vm *vm = NULL;
	uint8_t placement;

	if (c->extensions || c->reserved[0] || c->reserved[1] || c->pad[0] || c->pad[1] ||
	    c->pad[2])
		return -EINVAL;
	if (!c->size || c->size % XE_PAGE)
		return -EINVAL;
	if (!c->placement || (c->placement & ~(XE_SYSMEM | XE_VRAM)))
		return -EINVAL;
	if (c->flags & ~(VMB_XE_GEM_CREATE_FLAG_DEFER_BACKING | VMB_XE_GEM_CREATE_FLAG_SCANOUT |
			 VMB_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM))
		return -EINVAL;
	if (c->cpu_caching != VMB_XE_GEM_CPU_CACHING_WB &&
	    c->cpu_caching != VMB_XE_GEM_CPU_CACHING_WC)
		return -EINVAL;
	if ((c->placement & XE_VRAM) && c->cpu_caching == VMB_XE_GEM_CPU_CACHING_WB)
		return -EINVAL; /* VRAM-placeable BOs must be WC */
	if (c->vm_id) {
		vm = xe_vm(f, c->vm_id);
		if (!vm)
			return -ENOENT;
	}
	placement = c->placement == XE_VRAM	? VMB_PLACE_VRAM
		    : c->placement == XE_SYSMEM ? VMB_PLACE_SYSTEM
						: VMB_PLACE_ANY;
	return shim_bo_new(f, c->size, placement, vm ? vm->id : 0, &c->handle);
}

static int xe_gem_mmap_offset(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_gem_mmap_offset *m = arg;

	if (m->extensions || m->reserved[0] || m->reserved[1] || m->flags)
		return -EINVAL;
	if (!shim_bo_get(f, m->handle))
		return -ENOENT;
	m->offset = (uint64_t)m->handle << 32;
	return 0;
}

static int xe_vm_create(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_vm_create *c = arg;
	struct shim_vm *vm;
	int err;

	if (c->extensions || c->reserved[0] || c->reserved[1])
		return -EINVAL;
	if (c->flags & ~(VMB_XE_VM_CREATE_FLAG_SCRATCH_PAGE | VMB_XE_VM_CREATE_FLAG_LR_MODE |
			 VMB_XE_VM_CREATE_FLAG_FAULT_MODE))
		return -EINVAL;
	if ((c->flags & VMB_XE_VM_CREATE_FLAG_FAULT_MODE) &&
	    !(c->flags & VMB_XE_VM_CREATE_FLAG_LR_MODE))
		return -EINVAL;
	vm = shim_vm_new(0, 1ull << XE_VA_BITS, 0, 0,
			 (c->flags & VMB_XE_VM_CREATE_FLAG_FAULT_MODE) ? VMB_VM_F_FAULT : 0, &err);
	if (!vm)
		return err;
	vm->long_running = c->flags & VMB_XE_VM_CREATE_FLAG_LR_MODE;
	c->vm_id = shim_table_add(&f->vms, vm);
	return c->vm_id ? 0 : -ENOMEM;
}

static int xe_vm_destroy(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_vm_destroy *d = arg;
	struct shim_vm *vm;

	if (d->pad || d->reserved[0] || d->reserved[1])
		return -EINVAL;
	vm = shim_table_remove(&f->vms, d->vm_id);
	if (!vm)
		return -ENOENT;
	shim_vm_free(vm); /* queues on it keep the model VM referenced */
	return 0;
}

#define XE_EXEC_QUEUE_LOW_LATENCY_HINT (1u << 0)

/* struct drm_xe_ext_set_property */
struct xe_set_property {
	uint64_t next_extension;
	uint32_t name, pad;
	uint32_t property, pad2;
	uint64_t value;
	uint64_t reserved[2];
};

/* exec_queue_user_extensions(): SET_PROPERTY for priority and timeslice */
static int xe_queue_extensions(uint64_t ext)
{
	int depth;

	for (depth = 0; ext; depth++) {
		const struct xe_set_property *p = shim_user(ext, sizeof(*p), false);

		if (depth >= 16)
			return -E2BIG; /* MAX_USER_EXTENSIONS */
		if (!p)
			return -EFAULT;
		if (p->name != 0 || p->pad || p->pad2 || p->reserved[0] || p->reserved[1])
			return -EINVAL;
		switch (p->property) {
		case 0: /* PRIORITY: LOW 0, NORMAL 1, HIGH 2 (needs CAP_SYS_NICE) */
			if (p->value > 2)
				return -EINVAL;
			break;
		case 1: /* TIMESLICE in us */
			if (p->value < 1 || p->value > 10000000)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
		ext = p->next_extension;
	}
	return 0;
}

static int xe_exec_queue_create(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_exec_queue_create *c = arg;
	const struct vmb_xe_engine_class_instance *ci;
	struct shim_vm *vm;
	enum vmb_engine engine;

	int ret;

	/* xe_exec_queue_create_ioctl */
	if ((c->flags & ~XE_EXEC_QUEUE_LOW_LATENCY_HINT) || c->reserved[0] || c->reserved[1])
		return -EINVAL;
	if (c->width != 1 || c->num_placements != 1)
		return -EINVAL; /* one engine of each class: no parallel or virtual queues */
	ci = shim_user(c->instances, sizeof(*ci), false);
	if (!ci)
		return -EFAULT;
	ret = xe_queue_extensions(c->extensions);
	if (ret)
		return ret;
	switch (ci->engine_class) {
	case VMB_XE_ENGINE_CLASS_RENDER:
		engine = VMB_ENGINE_RENDER;
		break;
	case VMB_XE_ENGINE_CLASS_COMPUTE:
		engine = VMB_ENGINE_COMPUTE;
		break;
	case VMB_XE_ENGINE_CLASS_COPY:
		engine = VMB_ENGINE_COPY;
		break;
	case VMB_XE_ENGINE_CLASS_VM_BIND:
		engine = VMB_ENGINE_BIND;
		break;
	default:
		return -EINVAL;
	}
	if (ci->engine_instance || ci->gt_id)
		return -EINVAL;
	vm = xe_vm(f, c->vm_id);
	if (!vm)
		return -ENOENT;
	return shim_queue_new(f, vm, engine, &c->exec_queue_id);
}

static int xe_exec_queue_destroy(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_exec_queue_destroy *d = arg;

	if (d->pad || d->reserved[0] || d->reserved[1])
		return -EINVAL;
	return shim_queue_free(f, d->exec_queue_id);
}

static int xe_syncs(struct shim_file *f, uint64_t ptr, uint32_t n, struct vmb_sync *in,
		    uint16_t *n_in, struct vmb_sync *out, uint16_t *n_out)
{
	const struct vmb_xe_sync *s = shim_user(ptr, (uint64_t)n * sizeof(*s), false);
	uint32_t i;
	int ret;

	*n_in = *n_out = 0;
	if (!s)
		return -EFAULT;
	for (i = 0; i < n; i++) {
		bool signal = s[i].flags & VMB_XE_SYNC_FLAG_SIGNAL;
		uint64_t point = 0;

		if (s[i].extensions || s[i].reserved[0] || s[i].reserved[1] ||
		    (s[i].flags & ~VMB_XE_SYNC_FLAG_SIGNAL))
			return -EINVAL;
		switch (s[i].type) {
		case VMB_XE_SYNC_TYPE_SYNCOBJ:
			if (s[i].timeline_value)
				return -EINVAL;
			break;
		case VMB_XE_SYNC_TYPE_TIMELINE_SYNCOBJ:
			if (!s[i].timeline_value)
				return -EINVAL;
			point = s[i].timeline_value;
			break;
		default:
			return -EOPNOTSUPP; /* user fences are not modelled */
		}
		ret = shim_sync_resolve(f, s[i].handle, point,
					signal ? &out[(*n_out)++] : &in[(*n_in)++]);
		if (ret)
			return ret;
	}
	return 0;
}

/* in-syncs then out-syncs in one array, as struct vmb_call wants them */
static int xe_collect_syncs(struct shim_file *f, uint64_t ptr, uint32_t n, struct vmb_sync **all,
			    uint16_t *n_in, uint16_t *n_out)
{
	struct vmb_sync *in, *out;
	int ret;

	if (n > 1024)
		return -EINVAL;
	*all = calloc(2 * n + 1, sizeof(**all));
	if (!*all)
		return -ENOMEM;
	in = *all;
	out = *all + n;
	ret = xe_syncs(f, ptr, n, in, n_in, out, n_out);
	if (!ret)
		memmove(in + *n_in, out, *n_out * sizeof(*out));
	return ret;
}

static int xe_check_op(struct shim_file *f, const struct vmb_xe_vm_bind_op *o, struct shim_vm *vm,
		       struct vmb_bind_entry *e)
{
	struct shim_bo *bo = NULL;
	uint32_t flags = o->flags;

	if (o->extensions || o->pad || o->pad2 || o->reserved[0] || o->reserved[1] ||
	    o->reserved[2])
		return -EINVAL;
	if (flags & ~0x7fu)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->va = o->addr;
	e->range = o->range;
	e->hw = o->pat_index;
	if (flags & VMB_XE_VM_BIND_FLAG_READONLY)
		e->flags |= VMB_BIND_F_READONLY;
	if (flags & VMB_XE_VM_BIND_FLAG_IMMEDIATE)
		e->flags |= VMB_BIND_F_IMMEDIATE;
	if (flags & VMB_XE_VM_BIND_FLAG_DUMPABLE)
		e->flags |= VMB_BIND_F_DUMPABLE;
	if (o->op != VMB_XE_VM_BIND_OP_UNMAP_ALL && (!o->range || (o->addr | o->range) % XE_PAGE))
		return -EINVAL;
	if ((flags & VMB_XE_VM_BIND_FLAG_NULL) &&
	    (o->op != VMB_XE_VM_BIND_OP_MAP || o->obj || o->obj_offset))
		return -EINVAL;
	switch (o->op) {
	case VMB_XE_VM_BIND_OP_MAP:
		if (flags & VMB_XE_VM_BIND_FLAG_NULL) {
			e->kind = VMB_BIND_MAP_NULL;
			return 0;
		}
		bo = shim_bo_get(f, o->obj);
		if (!bo)
			return -ENOENT;
		if (o->obj_offset % XE_PAGE || o->obj_offset > bo->size ||
		    o->range > bo->size - o->obj_offset)
			return -EINVAL;
		if (bo->vm && bo->vm != vm->id)
			return -EINVAL; /* VM-private BO of another VM */
		e->kind = VMB_BIND_MAP;
		e->bo = bo->id;
		e->offset = o->obj_offset;
		return 0;
	case VMB_XE_VM_BIND_OP_MAP_USERPTR:
		if (o->obj || !o->userptr || o->userptr % XE_PAGE)
			return -EINVAL;
		e->kind = VMB_BIND_MAP_USERPTR;
		e->offset = o->userptr;
		return 0;
	case VMB_XE_VM_BIND_OP_UNMAP:
		if (o->obj || o->obj_offset)
			return -EINVAL;
		e->kind = VMB_BIND_UNMAP;
		return 0;
	case VMB_XE_VM_BIND_OP_UNMAP_ALL:
		if (o->addr || o->range)
			return -EINVAL;
		bo = shim_bo_get(f, o->obj);
		if (!bo)
			return -ENOENT;
		e->kind = VMB_BIND_UNMAP_ALL;
		e->bo = bo->id;
		return 0;
	case VMB_XE_VM_BIND_OP_PREFETCH:
		if (o->obj || o->prefetch_mem_region_instance > 1)
			return -EINVAL;
		e->kind = VMB_BIND_PREFETCH;
		e->offset = o->prefetch_mem_region_instance;
		return 0;
	default:
		return -EINVAL;
	}
}

static int xe_vm_bind(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_vm_bind *b = arg;
	const struct vmb_xe_vm_bind_op *ops;
	struct vmb_bind_entry *e = NULL;
	struct vmb_sync *syncs = NULL;
	struct shim_queue *q = NULL;
	struct shim_vm *vm;
	uint16_t n_in, n_out;
	uint32_t i;
	int ret;

	if (b->extensions || b->pad || b->pad2 || b->reserved[0] || b->reserved[1])
		return -EINVAL;
	vm = xe_vm(f, b->vm_id);
	if (!vm)
		return -ENOENT;
	if (b->exec_queue_id) {
		q = shim_table_get(&f->queues, b->exec_queue_id);
		if (!q)
			return -ENOENT;
		if (q->engine != VMB_ENGINE_BIND || q->vm != vm->id)
			return -EINVAL;
	}
	if (!b->num_binds && !b->num_syncs)
		return -EINVAL;
	ops = b->num_binds == 1
		  ? &b->bind
		  : shim_user(b->vector_of_binds, (uint64_t)b->num_binds * sizeof(*ops), false);
	if (!ops)
		return -EFAULT;
	e = calloc(b->num_binds + 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (i = 0, ret = 0; i < b->num_binds && !ret; i++)
		ret = xe_check_op(f, &ops[i], vm, &e[i]);
	if (!ret)
		ret = xe_collect_syncs(f, b->syncs, b->num_syncs, &syncs, &n_in, &n_out);
	if (!ret && vm->long_running && n_out)
		ret = -EOPNOTSUPP; /* LR VMs signal user fences only */
	if (!ret)
		ret = shim_bind(vm, q ? q->id : 0, e, b->num_binds, syncs, n_in, n_out);
	free(e);
	free(syncs);
	return ret;
}

static int xe_exec(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_exec *x = arg;
	struct vmb_sync *syncs = NULL;
	struct shim_queue *q;
	uint16_t n_in, n_out;
	int ret;

	if (x->extensions || x->reserved[0] || x->reserved[1] || x->pad[0] || x->pad[1] ||
	    x->pad[2])
		return -EINVAL;
	q = shim_table_get(&f->queues, x->exec_queue_id);
	if (!q)
		return -ENOENT;
	if (q->engine == VMB_ENGINE_BIND || x->num_batch_buffer > 1)
		return -EINVAL;
	ret = xe_collect_syncs(f, x->syncs, x->num_syncs, &syncs, &n_in, &n_out);
	if (!ret && n_out) {
		uint32_t h;

		for (h = 1; h < f->vms.n; h++) {
			struct shim_vm *vm = f->vms.p[h];

			if (vm && vm->id == q->vm && vm->long_running)
				ret = -EOPNOTSUPP; /* LR VMs signal user fences only */
		}
	}
	if (!ret)
		ret = shim_submit(q->id, NULL, 0, syncs, n_in, n_out);
	free(syncs);
	return ret;
}

static const struct shim_ioctl xe_ioctls[] = {
    [VMB_DRM_XE_DEVICE_QUERY] = {"DEVICE_QUERY", xe_device_query},
    [VMB_DRM_XE_GEM_CREATE] = {"GEM_CREATE", xe_gem_create},
    [VMB_DRM_XE_GEM_MMAP_OFFSET] = {"GEM_MMAP_OFFSET", xe_gem_mmap_offset},
    [VMB_DRM_XE_VM_CREATE] = {"VM_CREATE", xe_vm_create},
    [VMB_DRM_XE_VM_DESTROY] = {"VM_DESTROY", xe_vm_destroy},
    [VMB_DRM_XE_VM_BIND] = {"VM_BIND", xe_vm_bind},
    [VMB_DRM_XE_EXEC_QUEUE_CREATE] = {"EXEC_QUEUE_CREATE", xe_exec_queue_create},
    [VMB_DRM_XE_EXEC_QUEUE_DESTROY] = {"EXEC_QUEUE_DESTROY", xe_exec_queue_destroy},
    [VMB_DRM_XE_EXEC_QUEUE_GET_PROPERTY] = {"EXEC_QUEUE_GET_PROPERTY", NULL},
    [VMB_DRM_XE_EXEC] = {"EXEC", xe_exec},
    [VMB_DRM_XE_WAIT_USER_FENCE] = {"WAIT_USER_FENCE", NULL},
};

const struct shim_driver shim_xe = {
    .name = "xe",
    .driver = VMB_DRIVER_XE,
    .major = 1,
    .minor = 1,
    .ioctls = xe_ioctls,
    .n_ioctls = sizeof(xe_ioctls) / sizeof(xe_ioctls[0]),
};
