// SPDX-License-Identifier: MIT
/*
 * lower.c - driver lowering: turns Vulkan-level memory events into the
 * ioctls the userspace driver for --driver issues (workloads.md §1).
 *
 *   event          anv/xe             radv/amdgpu     nvk/nouveau     turnip/msm      panvk/panthor
 *   alloc          MAP, default q,    MAP, no syncs   MAP sync        MAP on bind q,  MAP sync
 *                  out = bind TL      (implicit)      (bind + wait)   out = bind TL   (IMMEDIATE)
 *   free           UNMAP_ALL, close   UNMAP, close    UNMAP sync      UNMAP async     UNMAP async
 *   sparse create  MAP_NULL, no sync  MAP_NULL (PRT)  MAP_NULL sync   MAP_NULL async  MAP_NULL sync
 *   sparse bind    1 ioctl, merged,   1 ioctl/tile,   async, merged,  sorted by va,   merged, 1
 *                  per-queue bind q   CPU wait+signal <= 4096 ops     1 ioctl         async ioctl
 *   submit         waits bind TL      BO list         -               waits bind TL   -
 *
 * Synchronous ioctls are written as a bind with an out-syncobj followed by a
 * CPU wait on it, so the CPU blocking is in the trace whatever the replay
 * sync mode. Sources and tags are in traces/README.md and docs/synth.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

#define VA_BASE (4 * GIB)
#define VA_END (1ull << 47)
#define CPU_BASE (256 * MIB) /* WoW64: imports must be 32-bit reachable [C] */
#define CPU_END (4 * GIB)
#define NVK_MAX_BINDS 4096 /* NVKMD_NOUVEAU_MAX_BINDS [C] */

static bool is(const struct vmb_synth *s, enum vmb_driver d)
{
	return s->driver == d;
}

/**
 * vmb_lower_init() - create the VM, the queues and the syncobjs the driver
 * keeps for its lifetime
 * @s: generator
 *
 * Return: 0 or -errno.
 */
int vmb_lower_init(struct vmb_synth *s)
{
	struct vmb_synth_lower *l = &s->low;
	int ret;

	vmb_ralloc_init(&l->va, VA_BASE, VA_END - VA_BASE);
	vmb_ralloc_init(&l->cpu, CPU_BASE, CPU_END - CPU_BASE);
	ret = vmb_emit_vm_create(s, 0, VA_END, 0, &l->vm);
	if (!ret)
		ret = vmb_emit_queue_create(s, l->vm, VMB_ENGINE_RENDER, &l->gfx);
	if (ret)
		return ret;
	switch (s->driver) {
	case VMB_DRIVER_XE:
		/* BO binds: the VM's default bind queue; sparse: one bind queue per anv_queue */
		l->bind_q = 0;
		ret = vmb_emit_queue_create(s, l->vm, VMB_ENGINE_BIND, &l->sparse_q);
		if (!ret)
			ret = vmb_emit_syncobj_create(s, true, false, &l->bind_tl);
		break;
	case VMB_DRIVER_MSM:
		/* internal VM_BIND submitqueue + a sparse submitqueue */
		ret = vmb_emit_queue_create(s, l->vm, VMB_ENGINE_BIND, &l->bind_q);
		if (!ret)
			ret = vmb_emit_queue_create(s, l->vm, VMB_ENGINE_BIND, &l->sparse_q);
		if (!ret)
			ret = vmb_emit_syncobj_create(s, true, false, &l->bind_tl);
		break;
	case VMB_DRIVER_PANTHOR:
		ret = vmb_emit_queue_create(s, l->vm, VMB_ENGINE_BIND, &l->bind_q);
		l->sparse_q = l->bind_q;
		break;
	default:
		break;
	}
	if (!ret)
		ret = vmb_emit_syncobj_create(s, false, false, &l->sync_obj);
	return ret;
}

/** vmb_lower_fini() - free the lowering state (emits nothing) */
void vmb_lower_fini(struct vmb_synth *s)
{
	vmb_ralloc_fini(&s->low.va);
	vmb_ralloc_fini(&s->low.cpu);
}

/* out-sync on the bind timeline, for drivers that keep one */
static size_t bind_tl_out(struct vmb_synth *s, struct vmb_sync *y)
{
	if (!s->low.bind_tl)
		return 0;
	*y = vmb_sy(s->low.bind_tl, ++s->low.bind_pt);
	return 1;
}

/**
 * vmb_lower_sync_bind() - a synchronous bind ioctl: the CPU blocks until the
 * page tables are updated (bind with an out-syncobj, then a CPU wait on it);
 * on amdgpu, one ioctl per entry
 * @s: generator
 * @queue: bind queue (0 = default)
 * @e: entries
 * @n: count
 *
 * Return: 0 or -errno.
 */
int vmb_lower_sync_bind(struct vmb_synth *s, uint32_t queue, const struct vmb_bind_entry *e,
			size_t n)
{
	struct vmb_sync y = vmb_sy(s->low.sync_obj, 0);
	int ret = 0;

	/* amdgpu has no bind arrays: one GEM_VA per entry, the last one fenced */
	if (s->driver == VMB_DRIVER_AMDGPU) {
		for (; n > 1 && !ret; e++, n--)
			ret = vmb_emit_bind(s, s->low.vm, 0, e, 1, NULL, 0, NULL, 0);
		queue = 0;
	}
	if (!ret)
		ret = vmb_emit_bind(s, s->low.vm, queue, e, n, NULL, 0, &y, 1);
	return ret ? ret : vmb_emit_wait(s, &y, 1);
}

/**
 * vmb_lower_bind() - a bind array outside sparse binding, issued the way
 * the driver issues BO binds: xe and msm on the BO-bind queue signalling
 * the bind timeline, amdgpu without fences, nouveau and panthor synchronous
 * (panthor unmaps async)
 * @s: generator
 * @e: entries
 * @n: count
 *
 * Return: 0 or -errno.
 */
int vmb_lower_bind(struct vmb_synth *s, const struct vmb_bind_entry *e, size_t n)
{
	bool unmaps = true;
	struct vmb_sync y;
	size_t k;

	for (size_t i = 0; i < n; i++)
		unmaps &= e[i].kind == VMB_BIND_UNMAP || e[i].kind == VMB_BIND_UNMAP_ALL;
	switch (s->driver) {
	case VMB_DRIVER_XE:
	case VMB_DRIVER_MSM:
		k = bind_tl_out(s, &y);
		return vmb_emit_bind(s, s->low.vm, s->low.bind_q, e, n, NULL, 0, &y, k);
	case VMB_DRIVER_AMDGPU: /* GEM_VA carries one operation */
		for (size_t i = 0; i < n; i++) {
			int ret = vmb_emit_bind(s, s->low.vm, 0, &e[i], 1, NULL, 0, NULL, 0);

			if (ret)
				return ret;
		}
		return 0;
	case VMB_DRIVER_PANTHOR:
		if (unmaps) /* async unmap, GC'd on the VM timeline */
			return vmb_emit_bind(s, s->low.vm, s->low.bind_q, e, n, NULL, 0, NULL, 0);
		return vmb_lower_sync_bind(s, s->low.bind_q, e, n);
	default:
		return vmb_lower_sync_bind(s, 0, e, n);
	}
}

static int bo_bind(struct vmb_synth *s, const struct vmb_bind_entry *e)
{
	return vmb_lower_bind(s, e, 1);
}

static uint64_t va_align(const struct vmb_synth *s, uint64_t size, uint32_t flags)
{
	switch (s->driver) {
	case VMB_DRIVER_XE:
		/* 64 KiB minimum page on VRAM platforms; 2 MiB lets large pages be used [C] */
		if (size >= 2 * MIB)
			return 2 * MIB;
		return 64 * KIB;
	case VMB_DRIVER_AMDGPU:
		/* radv: fragment (2 MiB) alignment when size >= fragment [C] */
		return size >= 2 * MIB ? 2 * MIB : 4 * KIB;
	case VMB_DRIVER_PANTHOR:
		/* panvk_AllocateMemory: 2 MiB above 2 MiB, else 4 KiB [C] */
		return size > 2 * MIB ? 2 * MIB : 4 * KIB;
	default:
		return 4 * KIB; /* nouveau: OS page [C]; msm [E] */
	}
}

static int va_get(struct vmb_synth *s, uint64_t size, uint64_t align, uint64_t *va)
{
	return vmb_ralloc_get(&s->low.va, size, align, va);
}

/**
 * vmb_lower_alloc() - vkAllocateMemory of @size: a BO and its VA binding
 * @s: generator
 * @size: bytes, page aligned
 * @flags: VMB_A_*
 * @a: receives the allocation
 *
 * Return: 0 or -errno.
 */
int vmb_lower_alloc(struct vmb_synth *s, uint64_t size, uint32_t flags, struct vmb_alloc *a)
{
	enum vmb_placement pl = flags & VMB_A_HOST   ? VMB_PLACE_SYSTEM
				: flags & VMB_A_VRAM ? VMB_PLACE_VRAM
						     : VMB_PLACE_ANY;
	uint32_t vm = flags & VMB_A_EXTERNAL ? 0 : s->low.vm;
	struct vmb_bind_entry e;
	int ret;

	memset(a, 0, sizeof(*a));
	if (!size || size % (4 * KIB))
		return -EINVAL;
	a->size = size;
	ret = va_get(s, size, va_align(s, size, flags), &a->va);
	if (!ret)
		ret = vmb_emit_bo_create(s, size, pl, vm, 0, &a->bo);
	if (ret)
		return ret;
	e = vmb_be_map(a->va, size, a->bo, 0);
	return bo_bind(s, &e);
}

/**
 * vmb_lower_free() - vkFreeMemory: unbind (UNMAP_ALL on xe) and close
 * @s: generator
 * @a: allocation from vmb_lower_alloc(); cleared
 *
 * Return: 0 or -errno.
 */
int vmb_lower_free(struct vmb_synth *s, struct vmb_alloc *a)
{
	struct vmb_bind_entry e =
	    is(s, VMB_DRIVER_XE) ? vmb_be_unmap_all(a->bo) : vmb_be_unmap(a->va, a->size);
	int ret = bo_bind(s, &e);

	if (!ret)
		ret = vmb_emit_bo_close(s, a->bo);
	vmb_ralloc_put(&s->low.va, a->va, a->size);
	memset(a, 0, sizeof(*a));
	return ret;
}

/**
 * vmb_lower_image_bind() - vkBindImageMemory of an image plane in @mem
 * @s: generator
 * @mem: the memory (chunk) the image is placed in
 * @offset: offset of the plane in @mem
 * @size: plane size
 * @kind: PTE kind (nouveau); non-zero kinds get their own VA on nvk
 * @va: receives the plane's GPU address
 *
 * Only nvk issues a kernel op here: a synchronous VM_BIND of the plane at a
 * VA the image owns, with the PTE kind in "hw" [C: nvk_image.c]. Other
 * drivers use the memory's own VA.
 *
 * Return: 0 or -errno.
 */
int vmb_lower_image_bind(struct vmb_synth *s, const struct vmb_alloc *mem, uint64_t offset,
			 uint64_t size, uint64_t kind, uint64_t *va)
{
	struct vmb_bind_entry e;
	int ret;

	if (!is(s, VMB_DRIVER_NOUVEAU) || !kind) {
		*va = mem->va + offset;
		return 0;
	}
	ret = va_get(s, size, 64 * KIB, va);
	if (ret)
		return ret;
	e = vmb_be_map(*va, size, mem->bo, offset);
	e.hw = kind;
	return vmb_lower_sync_bind(s, 0, &e, 1);
}

/**
 * vmb_lower_image_unbind() - vkDestroyImage of a plane bound by
 * vmb_lower_image_bind() with a non-zero kind
 * @s: generator
 * @va: plane address
 * @size: plane size
 *
 * Return: 0 or -errno.
 */
int vmb_lower_image_unbind(struct vmb_synth *s, uint64_t va, uint64_t size)
{
	struct vmb_bind_entry e = vmb_be_unmap(va, size);
	int ret;

	if (!is(s, VMB_DRIVER_NOUVEAU))
		return 0;
	ret = vmb_lower_sync_bind(s, 0, &e, 1);
	vmb_ralloc_put(&s->low.va, va, size);
	return ret;
}

/**
 * vmb_lower_sparse_create() - create a sparse (reserved) resource: a VA
 * range NULL/PRT-mapped as a whole
 * @s: generator
 * @size: bytes, multiple of TILE_SIZE
 * @va: receives the address
 *
 * Return: 0 or -errno.
 */
int vmb_lower_sparse_create(struct vmb_synth *s, uint64_t size, uint64_t *va)
{
	struct vmb_bind_entry e;
	struct vmb_sync y;
	size_t n;
	int ret;

	if (!size || size % TILE_SIZE)
		return -EINVAL;
	ret = va_get(s, size, size >= 2 * MIB ? 2 * MIB : TILE_SIZE, va);
	if (ret)
		return ret;
	e = vmb_be_null(*va, size);
	switch (s->driver) {
	case VMB_DRIVER_XE: /* default queue, no syncs [C: anv_init_sparse_bindings] */
	case VMB_DRIVER_AMDGPU:
		return vmb_emit_bind(s, s->low.vm, 0, &e, 1, NULL, 0, NULL, 0);
	case VMB_DRIVER_MSM: /* async; its fence gates later submits like any VM_BIND */
		n = bind_tl_out(s, &y);
		return vmb_emit_bind(s, s->low.vm, s->low.bind_q, &e, 1, NULL, 0, &y, n);
	case VMB_DRIVER_PANTHOR:
		return vmb_lower_sync_bind(s, s->low.bind_q, &e, 1);
	default:
		return vmb_lower_sync_bind(s, 0, &e, 1);
	}
}

/**
 * vmb_lower_sparse_destroy() - destroy a sparse resource (UNMAP / CLEAR of
 * the whole range)
 * @s: generator
 * @va: address from vmb_lower_sparse_create()
 * @size: its size
 *
 * Return: 0 or -errno.
 */
int vmb_lower_sparse_destroy(struct vmb_synth *s, uint64_t va, uint64_t size)
{
	struct vmb_bind_entry e = vmb_be_unmap(va, size);
	int ret = bo_bind(s, &e);

	vmb_ralloc_put(&s->low.va, va, size);
	return ret;
}

static struct vmb_bind_entry tile_entry(const struct vmb_tile_op *t)
{
	return t->bo ? vmb_be_map(t->va, t->range, t->bo, t->offset) : vmb_be_null(t->va, t->range);
}

/* merge ops that continue each other in VA and backing (anv, nvk, panvk) */
static size_t merge_entries(const struct vmb_tile_op *ops, size_t n, struct vmb_bind_entry *e)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		struct vmb_bind_entry x = tile_entry(&ops[i]);
		struct vmb_bind_entry *p = m ? &e[m - 1] : NULL;

		if (p && p->kind == x.kind && p->va + p->range == x.va && p->bo == x.bo &&
		    (x.kind == VMB_BIND_MAP_NULL || p->offset + p->range == x.offset)) {
			p->range += x.range;
			continue;
		}
		e[m++] = x;
	}
	return m;
}

static int cmp_va(const void *a, const void *b)
{
	const struct vmb_tile_op *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

/**
 * vmb_lower_sparse_bind() - vkQueueBindSparse with @n page updates
 * @s: generator
 * @ops: the updates, in application order (may be reordered: turnip sorts)
 * @n: count
 * @wait: semaphore to wait for first, or NULL
 * @signal: semaphore to signal when done, or NULL
 *
 * Return: 0 or -errno.
 */
int vmb_lower_sparse_bind(struct vmb_synth *s, struct vmb_tile_op *ops, size_t n,
			  const struct vmb_sync *wait, const struct vmb_sync *signal)
{
	struct vmb_bind_entry *e;
	size_t m, n_in = wait ? 1 : 0, n_out = signal ? 1 : 0;
	uint32_t tid = s->tid;
	int ret = 0;

	if (!n)
		return 0;
	e = calloc(n, sizeof(*e));
	if (!e)
		return -ENOMEM;
	switch (s->driver) {
	case VMB_DRIVER_AMDGPU:
		/*
		 * radv: on the sparse queue's submit thread, CPU-wait the wait
		 * semaphores, one GEM_VA(REPLACE) per tile, CPU-signal [C].
		 */
		s->tid = 2;
		if (wait)
			ret = vmb_emit_wait(s, wait, 1);
		for (size_t i = 0; i < n && !ret; i++) {
			e[0] = tile_entry(&ops[i]);
			ret = vmb_emit_bind(s, s->low.vm, 0, e, 1, NULL, 0, NULL, 0);
		}
		if (!ret && signal)
			ret = vmb_emit_signal(s, signal, 1);
		s->tid = tid;
		break;
	case VMB_DRIVER_NOUVEAU:
		/* one async VM_BIND per <= 4096 coalesced ops; wait first, signal last [C] */
		m = merge_entries(ops, n, e);
		for (size_t i = 0; i < m && !ret; i += NVK_MAX_BINDS) {
			size_t k = m - i < NVK_MAX_BINDS ? m - i : NVK_MAX_BINDS;
			bool last = i + k == m;

			ret = vmb_emit_bind(s, s->low.vm, 0, e + i, k, i ? NULL : wait,
					    i ? 0 : n_in, last ? signal : NULL, last ? n_out : 0);
		}
		break;
	case VMB_DRIVER_MSM:
		/* qsort by iova so the kernel's page-table prealloc estimate is tight [C] */
		qsort(ops, n, sizeof(*ops), cmp_va);
		for (size_t i = 0; i < n; i++)
			e[i] = tile_entry(&ops[i]);
		ret = vmb_emit_bind(s, s->low.vm, s->low.sparse_q, e, n, wait, n_in, signal, n_out);
		break;
	default: /* anv: per-queue bind queue; panvk: BIND queue; merged ops [C] */
		m = merge_entries(ops, n, e);
		ret = vmb_emit_bind(s, s->low.vm, s->low.sparse_q, e, m, wait, n_in, signal, n_out);
		break;
	}
	free(e);
	return ret;
}

/**
 * vmb_lower_userptr_import() - import @size bytes of host memory
 * (VK_EXT_external_memory_host): xe MAP_USERPTR, amdgpu GEM_USERPTR + GEM_VA
 * (written as map_userptr)
 * @s: generator
 * @size: bytes
 * @a: receives the allocation (@a->cpu = host address, @a->bo = 0)
 *
 * Return: 0, -EOPNOTSUPP on drivers without userptr, or -errno.
 */
int vmb_lower_userptr_import(struct vmb_synth *s, uint64_t size, struct vmb_alloc *a)
{
	struct vmb_bind_entry e;
	struct vmb_sync y;
	size_t n;
	int ret;

	if (!is(s, VMB_DRIVER_XE) && !is(s, VMB_DRIVER_AMDGPU))
		return -EOPNOTSUPP;
	memset(a, 0, sizeof(*a));
	if (!size || size % (4 * KIB))
		return -EINVAL;
	a->size = size;
	ret = vmb_ralloc_get(&s->low.cpu, size, 4 * KIB, &a->cpu);
	if (!ret)
		ret = va_get(s, size, va_align(s, size, 0), &a->va);
	if (ret)
		return ret;
	e = vmb_be_userptr(a->va, size, a->cpu);
	n = bind_tl_out(s, &y);
	return vmb_emit_bind(s, s->low.vm, s->low.bind_q, &e, 1, NULL, 0, &y, n);
}

/**
 * vmb_lower_userptr_free() - vkFreeMemory of an import, then the host
 * memory is released (munmap / NtFreeVirtualMemory: an mmu-notifier event)
 * @s: generator
 * @a: allocation; cleared
 *
 * Return: 0 or -errno.
 */
int vmb_lower_userptr_free(struct vmb_synth *s, struct vmb_alloc *a)
{
	struct vmb_bind_entry e = vmb_be_unmap(a->va, a->size);
	struct vmb_sync y;
	size_t n = bind_tl_out(s, &y);
	int ret = vmb_emit_bind(s, s->low.vm, s->low.bind_q, &e, 1, NULL, 0, &y, n);

	if (!ret)
		ret = vmb_emit_cpu_unmap(s, a->cpu, a->size);
	vmb_ralloc_put(&s->low.va, a->va, a->size);
	vmb_ralloc_put(&s->low.cpu, a->cpu, a->size);
	memset(a, 0, sizeof(*a));
	return ret;
}

/**
 * vmb_lower_submit() - vkQueueSubmit: one exec/submit ioctl
 * @s: generator
 * @queue: exec queue
 * @bos: BOs the job uses; only amdgpu passes a BO list to the kernel
 * @n_bos: count
 * @in: semaphores to wait for; @n_in: count
 * @out: semaphores to signal; @n_out: count
 * @gpu_ns: GPU time
 *
 * anv adds a wait on the bind timeline's last point to every exec [C:
 * xe_exec_process_syncs]; turnip adds the last VM_BIND fence to every
 * GEM_SUBMIT [C: tu_map_vm_bind].
 *
 * Return: 0 or -errno.
 */
int vmb_lower_submit(struct vmb_synth *s, uint32_t queue, const uint32_t *bos, size_t n_bos,
		     const struct vmb_sync *in, size_t n_in, const struct vmb_sync *out,
		     size_t n_out, uint64_t gpu_ns)
{
	struct vmb_sync y[8];

	if (n_in > 7)
		return -E2BIG;
	if (n_in)
		memcpy(y, in, n_in * sizeof(*in));
	if (s->low.bind_tl && s->low.bind_pt)
		y[n_in++] = vmb_sy(s->low.bind_tl, s->low.bind_pt);
	if (!is(s, VMB_DRIVER_AMDGPU))
		n_bos = 0;
	return vmb_emit_submit(s, queue, bos, n_bos, y, n_in, out, n_out, gpu_ns);
}
