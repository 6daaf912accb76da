// SPDX-License-Identifier: MIT
/*
 * shim_xe.c - the xe uAPI served from the model: device queries (one GT
 * with render, copy and compute engines, 16 GiB system memory and 8 GiB
 * VRAM, 48-bit VA), GEM create/mmap offset, VMs, exec queues, VM_BIND and
 * EXEC, with xe's argument checks and error codes (vm_bind_ioctl_check_args
 * and friends, as documented in reference/uapi.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "backends/shadow.h"
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
		c->info[VMB_XE_QUERY_CONFIG_REV_AND_DEVICE_ID] =
		    (uint32_t)d->revision << 16 | d->device;
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
	int ret;

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
	ret = shim_bo_new(f, c->size, placement, vm ? vm->id : 0, &c->handle);
	if (!ret)
		shim_bo_get(f, c->handle)->cpu_caching = c->cpu_caching;
	return ret;
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
	vm->fault_mode = c->flags & VMB_XE_VM_CREATE_FLAG_FAULT_MODE;
	vm->scratch = c->flags & VMB_XE_VM_CREATE_FLAG_SCRATCH_PAGE;
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

/* Xe2 PAT table (xe_pat.c xe2_pat_table): 32 entries, 16-19 reserved */
#define XE_PAT_ENTRIES 32
#define XE_PAT_RESERVED 0x000f0000u
#define XE_PAT_COH 0xcccc00b6u /* 1-way or 2-way coherent entries */

#define XE_BIND_FLAG_CHECK_PXP (1u << 4)
#define XE_BIND_FLAG_CPU_ADDR_MIRROR (1u << 5)
#define XE_BIND_FLAG_MADVISE_AUTORESET (1u << 6)
#define XE_BIND_SUPPORTED_FLAGS 0x7fu
#define XE_MEM_REGION_MASK 0x3u /* instances 0 (system) and 1 (VRAM) */
#define XE_CONSULT_MEM_ADVISE_PREF_LOC 0xffffffffu

/* x86-64 TASK_SIZE_MAX (4-level paging): access_ok() wants pointers below it */
#define XE_TASK_SIZE_MAX ((1ull << 47) - XE_PAGE)

/*
 * xe_sync_entry_parse(): SYNCOBJ / TIMELINE_SYNCOBJ / USER_FENCE, in the
 * kernel's order of checks. @exec: user fence addresses are GPU VAs;
 * @no_ufence: a bind without ops (user fences -EOPNOTSUPP).
 */
static int xe_syncs(struct shim_file *f, uint64_t ptr, uint32_t n, bool lr, bool exec,
		    bool no_ufence, struct vmb_sync *in, uint16_t *n_in, struct vmb_sync *out,
		    uint16_t *n_out, struct shim_xe_ufence *uf, uint32_t *n_uf)
{
	const struct vmb_xe_sync *s = shim_user(ptr, (uint64_t)n * sizeof(*s), false);
	uint32_t i;
	int ret;

	*n_in = *n_out = 0;
	*n_uf = 0;
	if (!s)
		return -EFAULT;
	for (i = 0; i < n; i++) {
		bool signal = s[i].flags & VMB_XE_SYNC_FLAG_SIGNAL;
		uint64_t point = 0;

		if ((s[i].flags & ~VMB_XE_SYNC_FLAG_SIGNAL) || s[i].reserved[0] || s[i].reserved[1])
			return -EINVAL;
		switch (s[i].type) {
		case VMB_XE_SYNC_TYPE_TIMELINE_SYNCOBJ:
		case VMB_XE_SYNC_TYPE_SYNCOBJ:
			if (lr && signal)
				return -EOPNOTSUPP;
			if (s[i].addr >> 32)
				return -EINVAL;
			if (s[i].type == VMB_XE_SYNC_TYPE_TIMELINE_SYNCOBJ) {
				if (!s[i].timeline_value)
					return -EINVAL;
				point = s[i].timeline_value;
			}
			ret = shim_sync_resolve(f, s[i].handle, point,
						signal ? &out[(*n_out)++] : &in[(*n_in)++]);
			if (ret)
				return ret;
			break;
		case VMB_XE_SYNC_TYPE_USER_FENCE:
			if (no_ufence || !signal)
				return -EOPNOTSUPP;
			if (s[i].addr & 7)
				return -EINVAL;
			/*
			 * user_fence_create: access_ok() only, a range check;
			 * whether the memory is mapped shows when the fence is
			 * written (user_fence_worker)
			 */
			if (!exec && s[i].addr >= XE_TASK_SIZE_MAX)
				return -EFAULT;
			uf[*n_uf].addr = s[i].addr;
			uf[*n_uf].value = s[i].timeline_value;
			(*n_uf)++;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/* in-syncs then out-syncs in one array, as struct vmb_call wants them */
static int xe_collect_syncs(struct shim_file *f, uint64_t ptr, uint32_t n, bool lr, bool exec,
			    bool no_ufence, struct vmb_sync **all, uint16_t *n_in, uint16_t *n_out,
			    struct shim_xe_ufence **uf, uint32_t *n_uf)
{
	struct vmb_sync *in, *out;
	int ret;

	if (n > 1024)
		return -EINVAL;
	*all = calloc(2 * n + 1, sizeof(**all));
	*uf = calloc(n + 1, sizeof(**uf));
	if (!*all || !*uf)
		return -ENOMEM;
	in = *all;
	out = *all + n;
	ret = xe_syncs(f, ptr, n, lr, exec, no_ufence, in, n_in, out, n_out, *uf, n_uf);
	if (!ret)
		memmove(in + *n_in, out, *n_out * sizeof(*out));
	return ret;
}

/* the kernel's pin_user_pages: every page of [addr, addr + len) is mapped */
static bool user_range_mapped(uint64_t addr, uint64_t len)
{
	uint64_t done;
	unsigned char vec[256];

	if (!addr || addr + len < addr)
		return false;
	for (done = 0; done < len; done += sizeof(vec) * XE_PAGE) {
		uint64_t n =
		    len - done < sizeof(vec) * XE_PAGE ? len - done : sizeof(vec) * XE_PAGE;

		if (mincore((void *)(uintptr_t)(addr + done), n, vec))
			return false;
	}
	return true;
}

/*
 * The kernel refuses a non-coherent PAT index (Xe2: 0) for userptr and for
 * WB-cached BOs; the replayer's traces carry pat_index 0 ("hw" absent) for
 * such binds, so the shim does these two checks only with
 * VMB_SHIM_XE_STRICT_PAT=1 (docs/backends.md).
 */
static bool xe_strict_pat(void)
{
	const char *s = getenv("VMB_SHIM_XE_STRICT_PAT");

	return s && strcmp(s, "1") == 0;
}

/* vm_bind_ioctl_check_args(), per op, in the kernel's order */
static int xe_check_args(const struct vmb_xe_vm_bind_op *o, const struct shim_vm *vm)
{
	uint32_t op = o->op, flags = o->flags, obj = o->obj,
		 region = o->prefetch_mem_region_instance;
	bool is_null = flags & VMB_XE_VM_BIND_FLAG_NULL;
	bool mirror = flags & XE_BIND_FLAG_CPU_ADDR_MIRROR;
	uint64_t addr = o->addr, range = o->range, off = o->obj_offset;
	bool coh;

	if (mirror && !vm->fault_mode)
		return -EINVAL;
	if (o->pat_index >= XE_PAT_ENTRIES || (XE_PAT_RESERVED >> o->pat_index & 1))
		return -EINVAL;
	coh = XE_PAT_COH >> o->pat_index & 1;
	if (op > VMB_XE_VM_BIND_OP_PREFETCH || (flags & ~XE_BIND_SUPPORTED_FLAGS) ||
	    (obj && (is_null || mirror)) || (off && (is_null || mirror)) ||
	    (op != VMB_XE_VM_BIND_OP_MAP && (is_null || mirror)) ||
	    (!obj && op == VMB_XE_VM_BIND_OP_MAP && !is_null && !mirror) ||
	    (!obj && op == VMB_XE_VM_BIND_OP_UNMAP_ALL) ||
	    (addr && op == VMB_XE_VM_BIND_OP_UNMAP_ALL) ||
	    (range && op == VMB_XE_VM_BIND_OP_UNMAP_ALL) ||
	    (obj && op == VMB_XE_VM_BIND_OP_MAP_USERPTR) ||
	    (!coh && op == VMB_XE_VM_BIND_OP_MAP_USERPTR && xe_strict_pat()) ||
	    (obj && op == VMB_XE_VM_BIND_OP_PREFETCH) ||
	    (region && op != VMB_XE_VM_BIND_OP_PREFETCH) ||
	    (region != XE_CONSULT_MEM_ADVISE_PREF_LOC &&
	     (region >= 32 || !(XE_MEM_REGION_MASK >> region & 1))) ||
	    (obj && op == VMB_XE_VM_BIND_OP_UNMAP) ||
	    ((flags & XE_BIND_FLAG_MADVISE_AUTORESET) && (!mirror || op != VMB_XE_VM_BIND_OP_MAP)))
		return -EINVAL;
	if ((off | addr | range) % XE_PAGE || (!range && op != VMB_XE_VM_BIND_OP_UNMAP_ALL))
		return -EINVAL;
	return 0;
}

/* the op as a model bind entry, after the BO checks of xe_vm_bind_ioctl */
static int xe_check_op(struct shim_file *f, const struct vmb_xe_vm_bind_op *o, struct shim_vm *vm,
		       struct vmb_bind_entry *e)
{
	struct shim_bo *bo = NULL;
	uint32_t flags = o->flags;

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
	if (o->obj) {
		bo = shim_bo_get(f, o->obj);
		if (!bo)
			return -ENOENT;
		/* xe_vm_bind_ioctl_validate_bo */
		if (o->range > bo->size || o->obj_offset > bo->size - o->range)
			return -EINVAL;
		if (!(XE_PAT_COH >> o->pat_index & 1) &&
		    bo->cpu_caching == VMB_XE_GEM_CPU_CACHING_WB && xe_strict_pat())
			return -EINVAL;
	}
	switch (o->op) {
	case VMB_XE_VM_BIND_OP_MAP:
		if (flags & (VMB_XE_VM_BIND_FLAG_NULL | XE_BIND_FLAG_CPU_ADDR_MIRROR)) {
			e->kind = VMB_BIND_MAP_NULL; /* a mirror range: reserved VA, no pages */
			return 0;
		}
		if (bo->vm && bo->vm != vm->id)
			return -EINVAL; /* VM-private BO of another VM */
		e->kind = VMB_BIND_MAP;
		e->bo = bo->id;
		e->offset = o->obj_offset;
		return 0;
	case VMB_XE_VM_BIND_OP_MAP_USERPTR:
		if (!user_range_mapped(o->userptr, o->range))
			return -EFAULT; /* xe_vma_userptr_pin_pages */
		e->kind = VMB_BIND_MAP_USERPTR;
		e->offset = o->userptr;
		return 0;
	case VMB_XE_VM_BIND_OP_UNMAP:
		e->kind = VMB_BIND_UNMAP;
		return 0;
	case VMB_XE_VM_BIND_OP_UNMAP_ALL:
		e->kind = VMB_BIND_UNMAP_ALL;
		e->bo = bo->id;
		return 0;
	default: /* PREFETCH */
		e->kind = VMB_BIND_PREFETCH;
		e->offset = o->prefetch_mem_region_instance;
		return 0;
	}
}

/*
 * write the user fences of a bind (CPU addresses); like user_fence_worker's
 * copy_to_user(), a write that faults is only warned about (once here) and
 * counted
 */
void shim_xe_ufence_signal_cpu(const struct shim_xe_ufence *uf, uint32_t n)
{
	static bool said;
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint64_t *p = shim_user(uf[i].addr, 8, true);

		if (p) {
			__atomic_store_n(p, uf[i].value, __ATOMIC_RELEASE);
			continue;
		}
		shim_gpu_stats.ufence_lost++;
		if (!said && !getenv("VMB_SHIM_QUIET"))
			fprintf(stderr,
				"vmshim: xe user fence at 0x%llx not written: no writable "
				"memory there (the kernel warns likewise)\n",
				(unsigned long long)uf[i].addr);
		said = true;
	}
}

/* the page-table levels: a level-k table maps 1 << xe_pt_shift(k + 1) bytes */
static unsigned int xe_pt_shift(unsigned int level)
{
	return 12 + 9 * level;
}

/* a page table of level @k covers @x: it exists while something is mapped there */
static bool xe_pt_exists(struct shim_vm *vm, unsigned int k, uint64_t x)
{
	uint64_t span = 1ull << xe_pt_shift(k + 1), r = x & ~(span - 1);

	return (vm->shadow && vmb_gpuvm_find_first(vm->shadow, r, span)) ||
	       shim_xe_held_maps(vm->id, r, r + span - 1);
}

/*
 * the level of the highest pre-existing page table a bind of [a, e) writes
 * entries into, at address @x of it (xe_pt_stage_bind_entry: a missing
 * child table, or one the range covers entirely, is built privately and
 * hooked into its parent)
 */
static unsigned int xe_pt_level_at(struct shim_vm *vm, uint64_t a, uint64_t e, uint64_t x)
{
	int k;

	for (k = 2; k >= 0; k--) {
		uint64_t span = 1ull << xe_pt_shift(k + 1), r = x & ~(span - 1);

		if (!xe_pt_exists(vm, (unsigned int)k, x) || (a <= r && e >= r + span))
			return (unsigned int)k + 1;
	}
	return 0;
}

/*
 * xe_pt_update_ops_rfence_interval: the range fence of a bind's page-table
 * update is its VA range aligned to the span of the highest table level it
 * writes (greedy, as the kernel computes it); unbinds are taken at their
 * own range
 */
static void xe_rfence_interval(struct shim_vm *vm, const struct vmb_bind_entry *e, uint32_t n,
			       uint64_t *start, uint64_t *last)
{
	uint32_t i;

	*start = UINT64_MAX;
	*last = 0;
	for (i = 0; i < n; i++) {
		uint64_t a = e[i].va, end = e[i].va + e[i].range, s, l, g;
		unsigned int lv = 0;

		if (!e[i].range)
			continue;
		if (e[i].kind != VMB_BIND_UNMAP && e[i].kind != VMB_BIND_UNMAP_ALL) {
			unsigned int l2 = xe_pt_level_at(vm, a, end, end - 1);

			lv = xe_pt_level_at(vm, a, end, a);
			lv = l2 > lv ? l2 : lv;
		}
		g = 1ull << xe_pt_shift(lv);
		s = a & ~(g - 1);
		l = ((end + g - 1) & ~(g - 1)) - 1;
		*start = s < *start ? s : *start;
		*last = l > *last ? l : *last;
	}
}

static bool xe_bind_must_hold(struct shim_vm *vm, struct shim_queue *q,
			      const struct vmb_bind_entry *e, uint32_t n, const struct vmb_sync *in,
			      uint16_t n_in, uint64_t *rf_start, uint64_t *rf_last)
{
	xe_rfence_interval(vm, e, n, rf_start, rf_last);
	return shim_xe_must_hold(q, vm->id, in, n_in) ||
	       shim_xe_range_held(vm->id, *rf_start, *rf_last);
}

/* xe_vm_bind_ioctl */
static int xe_vm_bind(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_vm_bind *b = arg;
	const struct vmb_xe_vm_bind_op *ops;
	struct vmb_bind_entry *e = NULL;
	struct vmb_sync *syncs = NULL;
	struct shim_xe_ufence *uf = NULL;
	struct shim_queue *q = NULL;
	struct shim_vm *vm;
	uint16_t n_in = 0, n_out = 0;
	uint32_t i, n_uf = 0;
	uint64_t rf_start = 0, rf_last = 0;
	int ret = 0;

	vm = xe_vm(f, b->vm_id);
	if (!vm)
		return -EINVAL;
	if (b->pad || b->pad2 || b->reserved[0] || b->reserved[1] || b->extensions)
		return -EINVAL;
	ops = b->num_binds <= 1
		  ? &b->bind
		  : shim_user(b->vector_of_binds, (uint64_t)b->num_binds * sizeof(*ops), false);
	if (!ops)
		return -EFAULT;
	for (i = 0; i < b->num_binds && !ret; i++)
		ret = xe_check_args(&ops[i], vm);
	if (ret)
		return ret;
	if (b->exec_queue_id) {
		q = shim_table_get(&f->queues, b->exec_queue_id);
		if (!q)
			return -ENOENT;
		if (q->engine != VMB_ENGINE_BIND)
			return -EINVAL;
	}
	for (i = 0; i < b->num_binds; i++)
		if (ops[i].range > vm->va_end || ops[i].addr > vm->va_end - ops[i].range)
			return -EINVAL;
	e = calloc(b->num_binds + 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (i = 0; i < b->num_binds && !ret; i++)
		ret = xe_check_op(f, &ops[i], vm, &e[i]);
	if (!ret)
		ret = xe_collect_syncs(f, b->syncs, b->num_syncs, vm->long_running, false,
				       !b->num_binds, &syncs, &n_in, &n_out, &uf, &n_uf);
	if (!ret && n_uf > 1)
		ret = -EINVAL;
	if (!ret && !b->num_binds) {
		/* no ops: the in-fences are passed on to the out-fences */
		struct vmb_op op = {.kind = VMB_OP_SIGNAL};

		op.u.wait.n = n_out;
		if (n_out)
			ret = shim_model(&op, NULL, syncs + n_in, NULL, 0);
	} else if (!ret && !shim_timed &&
		   xe_bind_must_hold(vm, q, e, b->num_binds, syncs, n_in, &rf_start, &rf_last)) {
		/*
		 * its queue, in-fences or page tables wait for a spinner:
		 * carried out when they are done
		 */
		ret = shim_xe_hold_bind(q, vm->id, e, b->num_binds, rf_start, rf_last, syncs, n_in,
					n_out, uf, n_uf);
		n_uf = 0;
	} else if (!ret) {
		ret = shim_bind(vm, q ? q->id : 0, e, b->num_binds, syncs, n_in, n_out);
		if (!ret)
			shim_xe_signalled(syncs + n_in, n_out);
	}
	if (!ret)
		shim_xe_ufence_signal_cpu(uf, n_uf);
	free(e);
	free(syncs);
	free(uf);
	return ret;
}

/*
 * xe_exec_queue_get_property_ioctl: BAN is the queue's reset status (a job
 * of it faulted or hung); extensions are not looked at by the kernel.
 */
static int xe_exec_queue_get_property(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_exec_queue_get_property *g = arg;
	struct shim_queue *q;

	if (g->reserved[0] || g->reserved[1])
		return -EINVAL;
	q = shim_table_get(&f->queues, g->exec_queue_id);
	if (!q)
		return -ENOENT;
	if (g->property != VMB_XE_EXEC_QUEUE_GET_PROPERTY_BAN)
		return -EINVAL;
	g->value = q->banned;
	return 0;
}

static int xe_exec(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_exec *x = arg;
	struct vmb_sync *syncs = NULL;
	struct shim_xe_ufence *uf = NULL;
	struct shim_queue *q;
	struct shim_vm *vm;
	uint16_t n_in, n_out;
	uint32_t n_uf = 0, i;
	int ret;

	if (x->extensions || x->reserved[0] || x->reserved[1] || x->pad[0] || x->pad[1] ||
	    x->pad[2])
		return -EINVAL;
	q = shim_table_get(&f->queues, x->exec_queue_id);
	if (!q)
		return -ENOENT;
	if (q->engine == VMB_ENGINE_BIND || x->num_batch_buffer > 1)
		return -EINVAL;
	if (q->banned) {
		shim_gpu_stats.cancelled++;
		return -ECANCELED; /* xe_exec_ioctl: q->ops->reset_status(q) */
	}
	vm = shim_vm_by_id(q->vm);
	ret = xe_collect_syncs(f, x->syncs, x->num_syncs, vm && vm->long_running, true, false,
			       &syncs, &n_in, &n_out, &uf, &n_uf);
	if (!ret && shim_timed) {
		/* the job runs on the timed GPU: as long as its no-ops, when the model says */
		struct shim_timed_job j = {.vm = q->vm, .q = q, .batch = x->address};
		uint64_t nops = shim_gpu_scan_xe(vm, x->address);
		struct vmb_timing tm;

		ret = shim_submit_timed(q->id, NULL, 0, syncs, n_in, n_out,
					nops ? nops * SHIM_NOP_NS : 0, &tm);
		for (i = 0; !ret && i < n_uf && i < 4; i++) {
			j.uf[i][0] = uf[i].addr;
			j.uf[i][1] = uf[i].value;
			j.n_uf++;
		}
		j.start = tm.start_ns;
		j.end = tm.done_ns;
		if (!ret)
			ret = shim_timed_add(&j);
		free(syncs);
		free(uf);
		return ret;
	}
	if (!ret && shim_xe_must_hold(q, q->vm, syncs, n_in)) {
		/* queued behind a spinner (its queue or an in-fence): runs when that is done */
		ret = shim_xe_hold_exec(q, q->vm, x->address, syncs, n_in, n_out, uf, n_uf);
		goto out;
	}
	if (!ret)
		ret = shim_submit(q->id, NULL, 0, syncs, n_in, n_out);
	if (!ret) {
		struct shim_xe_state st = {.pc = x->address};
		int err = shim_gpu_run_xe_spin(vm, &st, 0);

		shim_xe_signalled(syncs + n_in, n_out);
		/*
		 * a spinner waits for its end condition (shim_xe_held.c); a
		 * fault or hang resets the queue; a command the shim cannot
		 * execute (real drivers' 3D state) only fails the job
		 */
		if (err == -EINPROGRESS)
			ret = shim_xe_park_spinner(q, q->vm, &st, syncs, n_in, n_out, uf, n_uf);
		else if (err && err != -EOPNOTSUPP)
			q->banned = true;
		else if (!err)
			for (i = 0; i < n_uf; i++)
				shim_gpu_write(vm, uf[i].addr, &uf[i].value, 8);
	}
out:
	free(syncs);
	free(uf);
	return ret;
}

static bool ufence_cond(uint16_t op, uint64_t v, uint64_t value, uint64_t mask)
{
	v &= mask;
	value &= mask;
	switch (op) {
	case 0:
		return v == value;
	case 1:
		return v != value;
	case 2:
		return v > value;
	case 3:
		return v >= value;
	case 4:
		return v < value;
	default:
		return v <= value;
	}
}

static int64_t mono_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/*
 * xe_wait_user_fence_ioctl: poll the CPU address with the shim lock
 * released (another thread or a job may write it); -ETIME at the timeout
 * (the relative timeout is updated with the time left), -EIO if the
 * queue was reset.
 */
static int xe_wait_user_fence(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_xe_wait_user_fence *w = arg;
	bool abs = w->flags & 1;
	struct shim_queue *q = NULL;
	int64_t start = mono_ns(CLOCK_MONOTONIC), end;
	int ret = 0;

	if (w->extensions || (w->flags & ~1u) || w->op > 5 || w->pad || w->pad2 || w->reserved[0] ||
	    w->reserved[1])
		return -EINVAL;
	if (w->addr & 7)
		return -EINVAL;
	if (w->exec_queue_id) {
		q = shim_table_get(&f->queues, w->exec_queue_id);
		if (!q)
			return -ENOENT;
	}
	end = w->timeout < 0 ? INT64_MAX : abs ? w->timeout : start + w->timeout;
	for (;;) {
		const uint64_t *p = shim_user(w->addr, 8, false);
		struct timespec nap = {0, 50000};
		int64_t now;

		if (!p) {
			ret = -EFAULT;
			break;
		}
		if (ufence_cond(w->op, *p, w->value, w->mask))
			break;
		if (q && q->banned) {
			ret = -EIO;
			break;
		}
		if (shim.dead) { /* the device was lost meanwhile */
			ret = -ENODEV;
			break;
		}
		now = mono_ns(CLOCK_MONOTONIC);
		if (now >= end) {
			ret = -ETIME;
			break;
		}
		shim_unlock();
		nanosleep(&nap, NULL);
		shim_lock();
		if (q && shim_table_get(&f->queues, w->exec_queue_id) != q)
			q = NULL;
	}
	if (!abs && w->timeout > 0) {
		int64_t left = end - mono_ns(CLOCK_MONOTONIC);

		w->timeout = left > 0 ? left : 0;
	}
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
    [VMB_DRM_XE_EXEC_QUEUE_GET_PROPERTY] = {"EXEC_QUEUE_GET_PROPERTY", xe_exec_queue_get_property},
    [VMB_DRM_XE_EXEC] = {"EXEC", xe_exec},
    [VMB_DRM_XE_WAIT_USER_FENCE] = {"WAIT_USER_FENCE", xe_wait_user_fence},
};

const struct shim_driver shim_xe = {
    .name = "xe",
    .driver = VMB_DRIVER_XE,
    .major = 1,
    .minor = 1,
    .ioctls = xe_ioctls,
    .n_ioctls = sizeof(xe_ioctls) / sizeof(xe_ioctls[0]),
};
