// SPDX-License-Identifier: MIT
/*
 * patterns.c - bind patterns in the style of IGT's xe_vm / xe_exec_* tests
 * (peers.md §1.4), as traces: bind once and many times, bind arrays,
 * munmap-style partial unbinds, mmap-style binds over existing mappings,
 * large and misaligned binds (2 MiB - 2 GiB), NULL binds, userptr with
 * invalidation, UNMAP_ALL, independent bind queues.
 *
 * Each subtest is framed by a "frame" marker (its index), binds are
 * synchronous (bind + wait, as IGT's xe_vm_bind_sync) and each step that
 * touches memory is followed by an exec and a wait, as the tests check the
 * GPU sees the right pages. --frames N repeats the whole pattern N times.
 */
#include <errno.h>
#include <stdlib.h>

#include "synth.h"

#define PAT_VA (1ull << 40) /* a fixed, 2 GiB-aligned test address */

struct pat {
	struct vmb_synth *s;
	uint64_t sub;
};

static int sub_begin(struct pat *p)
{
	return vmb_emit_frame(p->s, p->sub++);
}

static int sbind(struct pat *p, const struct vmb_bind_entry *e, size_t n)
{
	return vmb_lower_sync_bind(p->s, p->s->low.bind_q, e, n);
}

static int sbind1(struct pat *p, struct vmb_bind_entry e)
{
	return sbind(p, &e, 1);
}

/* an exec that reads the mappings, waited for */
static int exec_wait(struct pat *p, uint32_t bo)
{
	struct vmb_sync y = vmb_sy(p->s->low.sync_obj, 0);
	int ret = vmb_lower_submit(p->s, p->s->low.gfx, &bo, bo ? 1 : 0, NULL, 0, &y, 1, 50 * US);

	return ret ? ret : vmb_emit_wait(p->s, &y, 1);
}

static int bo_new(struct pat *p, uint64_t size, uint32_t *bo)
{
	return vmb_emit_bo_create(p->s, size, VMB_PLACE_VRAM, p->s->low.vm, 0, bo);
}

static bool has_userptr(const struct vmb_synth *s)
{
	return s->driver == VMB_DRIVER_XE || s->driver == VMB_DRIVER_AMDGPU;
}

/* ------------------------------------------------------------- bind-basic */

static const struct vmb_synth_param basic_params[] = {
    {"many", 64, "VAs for bind-one-bo-many-times [E]"},
    {"vms", 4, "VMs for bind-one-bo-many-times-many-vm [E]"},
    {NULL, 0, NULL},
};

static int gen_bind_basic(struct vmb_synth *s)
{
	struct pat p = {.s = s};
	uint64_t many = vmb_synth_param_u64(s, "many"), nvm = vmb_synth_param_u64(s, "vms");
	int ret = 0;

	if (!nvm)
		return -EINVAL;

	for (uint64_t r = 0; r < s->frames && !ret; r++) {
		uint32_t bo;

		/* bind-once */
		ret = sub_begin(&p);
		if (!ret)
			ret = bo_new(&p, 64 * KIB, &bo);
		if (!ret)
			ret = sbind1(&p, vmb_be_map(PAT_VA, 64 * KIB, bo, 0));
		if (!ret)
			ret = exec_wait(&p, bo);
		if (!ret)
			ret = sbind1(&p, vmb_be_unmap(PAT_VA, 64 * KIB));
		if (!ret)
			ret = vmb_emit_bo_close(s, bo);
		/* bind-one-bo-many-times */
		if (!ret)
			ret = sub_begin(&p);
		if (!ret)
			ret = bo_new(&p, 64 * KIB, &bo);
		for (uint64_t i = 0; i < many && !ret; i++)
			ret = sbind1(&p, vmb_be_map(PAT_VA + i * 2 * MIB, 64 * KIB, bo, 0));
		if (!ret)
			ret = exec_wait(&p, bo);
		for (uint64_t i = 0; i < many && !ret; i++)
			ret = sbind1(&p, vmb_be_unmap(PAT_VA + i * 2 * MIB, 64 * KIB));
		/* bind-one-bo-many-times-many-vm: an external BO in several VMs */
		if (!ret)
			ret = vmb_emit_bo_close(s, bo);
		if (!ret)
			ret = sub_begin(&p);
		if (!ret)
			ret = vmb_emit_bo_create(s, 64 * KIB, VMB_PLACE_VRAM, 0, 0, &bo);
		for (uint64_t v = 0; v < nvm && !ret; v++) {
			struct vmb_sync y = vmb_sy(s->low.sync_obj, 0);
			struct vmb_bind_entry e = vmb_be_map(PAT_VA, 64 * KIB, bo, 0);
			uint32_t vm;

			ret = vmb_emit_vm_create(s, 0, 1ull << 47, 0, &vm);
			for (uint64_t i = 0; i < many / nvm && !ret; i++) {
				e.va = PAT_VA + i * 2 * MIB;
				ret = vmb_emit_bind(s, vm, 0, &e, 1, NULL, 0, &y, 1);
				if (!ret)
					ret = vmb_emit_wait(s, &y, 1);
			}
			if (!ret)
				ret = vmb_emit_vm_destroy(s, vm);
		}
		if (!ret)
			ret = vmb_emit_bo_close(s, bo);
	}
	return ret;
}

/* ------------------------------------------------------------- bind-array */

static const struct vmb_synth_param array_params[] = {
    {"n", 16, "entries of bind-array-twice/-many [E]"},
    {"many", 8, "arrays in bind-array-many [E]"},
    {"large", 4096, "entries of the large array (> 510: the old xe bind-job limit) [P]"},
    {NULL, 0, NULL},
};

static int bind_array(struct pat *p, uint32_t queue, uint32_t bo, uint64_t n, bool unmap)
{
	struct vmb_bind_entry *e = calloc(n, sizeof(*e));
	int ret;

	if (!e)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++)
		e[i] = unmap ? vmb_be_unmap(PAT_VA + i * 64 * KIB, 4 * KIB)
			     : vmb_be_map(PAT_VA + i * 64 * KIB, 4 * KIB, bo, (i % 16) * 4 * KIB);
	ret = vmb_lower_sync_bind(p->s, queue, e, n);
	free(e);
	return ret;
}

static int gen_bind_array(struct vmb_synth *s)
{
	struct pat p = {.s = s};
	uint64_t n = vmb_synth_param_u64(s, "n"), many = vmb_synth_param_u64(s, "many");
	uint64_t large = vmb_synth_param_u64(s, "large");
	uint32_t bq = 0;
	int ret = 0;

	if (!n || !large)
		return -EINVAL;
	if (s->driver == VMB_DRIVER_XE || s->driver == VMB_DRIVER_MSM ||
	    s->driver == VMB_DRIVER_PANTHOR)
		ret = vmb_emit_queue_create(s, s->low.vm, VMB_ENGINE_BIND, &bq);
	for (uint64_t r = 0; r < s->frames && !ret; r++) {
		uint32_t bo;

		ret = bo_new(&p, 64 * KIB, &bo);
		/* bind-array-twice */
		for (int k = 0; k < 2 && !ret; k++) {
			ret = sub_begin(&p);
			if (!ret)
				ret = bind_array(&p, 0, bo, n, false);
			if (!ret)
				ret = exec_wait(&p, bo);
			if (!ret)
				ret = bind_array(&p, 0, bo, n, true);
		}
		/* bind-array-many */
		if (!ret)
			ret = sub_begin(&p);
		for (uint64_t k = 0; k < many && !ret; k++) {
			ret = bind_array(&p, 0, bo, n, false);
			if (!ret)
				ret = exec_wait(&p, bo);
			if (!ret)
				ret = bind_array(&p, 0, bo, n, true);
		}
		/* bind-array-exec_queue: the same on a separate bind queue */
		if (!ret)
			ret = sub_begin(&p);
		if (!ret)
			ret = bind_array(&p, bq, bo, n, false);
		if (!ret)
			ret = bind_array(&p, bq, bo, n, true);
		/* a large array, past the ~510-PTE bind job of the xe rework's drafts */
		if (!ret)
			ret = sub_begin(&p);
		if (!ret)
			ret = bind_array(&p, 0, bo, large, false);
		if (!ret)
			ret = exec_wait(&p, bo);
		if (!ret)
			ret = bind_array(&p, 0, bo, large, true);
		if (!ret)
			ret = vmb_emit_bo_close(s, bo);
	}
	if (!ret && bq)
		ret = vmb_emit_queue_destroy(s, bq);
	return ret;
}

/*
 * munmap-style unbind and mmap-style bind cases, in xe_vm's table shape:
 * a BO of n_pages bound as n_binds equal pieces, then pages [off, off + n)
 * unbound in one op (munmap) or re-bound from another BO (mmap).
 */
struct mcase {
	const char *name;
	unsigned int n_pages, n_binds, off, n;
};

static const struct mcase mcases[] = {
    {"all", 4, 2, 0, 4},
    {"one-partial", 4, 1, 1, 2},
    {"either-side-partial", 4, 2, 1, 2},
    {"either-side-full", 4, 4, 1, 2},
    {"end", 4, 2, 0, 3},
    {"front", 4, 2, 1, 3},
    {"many-all", 32, 16, 0, 32},
    {"many-either-side-partial", 32, 16, 8, 16},
    {"many-either-side-full", 32, 32, 8, 16},
    {"many-end", 32, 16, 0, 24},
    {"many-front", 32, 16, 8, 24},
};

static const struct vmb_synth_param mcase_params[] = {
    {"large_pages", 1, "also run every case with 2 MiB pages [E]"},
    {"userptr", 0, "1: back the binds with userptr (xe, amdgpu) [E]"},
    {NULL, 0, NULL},
};

static int mcase_run(struct pat *p, const struct mcase *c, uint64_t pg, bool mmap_style,
		     bool userptr)
{
	struct vmb_synth *s = p->s;
	uint64_t size = c->n_pages * pg, piece = size / c->n_binds, cpu = 0;
	uint32_t bo = 0, bo2 = 0;
	int ret = sub_begin(p);

	if (!ret && userptr)
		ret = vmb_ralloc_get(&s->low.cpu, size, pg, &cpu);
	else if (!ret)
		ret = bo_new(p, size, &bo);
	for (unsigned int i = 0; i < c->n_binds && !ret; i++)
		ret = sbind1(p, userptr ? vmb_be_userptr(PAT_VA + i * piece, piece, cpu + i * piece)
					: vmb_be_map(PAT_VA + i * piece, piece, bo, i * piece));
	if (!ret)
		ret = exec_wait(p, bo);
	if (!ret && mmap_style) {
		/* bind another object over the middle: remap with prev/next */
		ret = bo_new(p, c->n * pg, &bo2);
		if (!ret)
			ret = sbind1(p, vmb_be_map(PAT_VA + c->off * pg, c->n * pg, bo2, 0));
	} else if (!ret) {
		if (userptr) /* munmap of the CPU pages first: the notifier fires */
			ret = vmb_emit_cpu_unmap(s, cpu + c->off * pg, c->n * pg);
		if (!ret)
			ret = sbind1(p, vmb_be_unmap(PAT_VA + c->off * pg, c->n * pg));
	}
	if (!ret)
		ret = exec_wait(p, bo);
	if (!ret)
		ret = sbind1(p, vmb_be_unmap(PAT_VA, size));
	if (!ret && bo)
		ret = vmb_emit_bo_close(s, bo);
	if (!ret && bo2)
		ret = vmb_emit_bo_close(s, bo2);
	if (userptr && cpu)
		vmb_ralloc_put(&s->low.cpu, cpu, size);
	return ret;
}

static int gen_mcases(struct vmb_synth *s, bool mmap_style)
{
	struct pat p = {.s = s};
	bool userptr = vmb_synth_param_u64(s, "userptr");
	int ret = 0;

	if (userptr && !has_userptr(s))
		return -EOPNOTSUPP;
	for (uint64_t r = 0; r < s->frames && !ret; r++) {
		for (size_t i = 0; i < sizeof(mcases) / sizeof(mcases[0]) && !ret; i++)
			ret = mcase_run(&p, &mcases[i], 4 * KIB, mmap_style, userptr);
		for (size_t i = 0; vmb_synth_param_u64(s, "large_pages") &&
				   i < sizeof(mcases) / sizeof(mcases[0]) && !ret;
		     i++)
			ret = mcase_run(&p, &mcases[i], 2 * MIB, mmap_style, userptr);
	}
	return ret;
}

static int gen_munmap(struct vmb_synth *s)
{
	return gen_mcases(s, false);
}

static int gen_mmap(struct vmb_synth *s)
{
	return gen_mcases(s, true);
}

/* ------------------------------------------------------------ large-binds */

static const struct vmb_synth_param large_params[] = {
    {"min_mib", 2, "smallest size [C xe_vm large-binds]"},
    {"max_mib", 2048, "largest size [C xe_vm large-binds]"},
    {NULL, 0, NULL},
};

/* variants: 0 aligned, 1 split in two binds, 2 misaligned VA, 3 split + misaligned */
static int large_one(struct pat *p, uint64_t size, int variant)
{
	struct vmb_synth *s = p->s;
	uint64_t va = PAT_VA + (variant & 2 ? 64 * KIB : 0);
	uint32_t bo;
	int ret = sub_begin(p);

	if (!ret)
		ret = bo_new(p, size, &bo);
	if (!ret && (variant & 1)) {
		struct vmb_bind_entry e[2] = {
		    vmb_be_map(va, size / 2, bo, 0),
		    vmb_be_map(va + size / 2, size / 2, bo, size / 2),
		};

		ret = sbind(p, e, 2);
	} else if (!ret) {
		ret = sbind1(p, vmb_be_map(va, size, bo, 0));
	}
	if (!ret)
		ret = exec_wait(p, bo);
	if (!ret)
		ret = sbind1(p, vmb_be_unmap(va, size));
	if (!ret)
		ret = vmb_emit_bo_close(s, bo);
	return ret;
}

static int gen_large(struct vmb_synth *s)
{
	struct pat p = {.s = s};
	uint64_t lo = vmb_synth_param_u64(s, "min_mib") * MIB,
		 hi = vmb_synth_param_u64(s, "max_mib") * MIB;
	int ret = 0;

	if (!lo || hi < lo)
		return -EINVAL;
	for (uint64_t r = 0; r < s->frames && !ret; r++)
		for (int v = 0; v < 4 && !ret; v++)
			for (uint64_t size = lo; size <= hi && !ret; size *= 2)
				ret = large_one(&p, size, v);
	return ret;
}

/* -------------------------------------------------------------- null-binds */

static const struct vmb_synth_param null_params[] = {
    {"size_mib", 64, "NULL range size [E]"},
    {NULL, 0, NULL},
};

static int gen_null(struct vmb_synth *s)
{
	struct pat p = {.s = s};
	uint64_t size = vmb_synth_param_u64(s, "size_mib") * MIB;
	int ret = 0;

	if (size < 2 * MIB)
		return -EINVAL;
	for (uint64_t r = 0; r < s->frames && !ret; r++) {
		uint32_t bo;

		/* null: an exec over a NULL range (reads zero, writes dropped) */
		ret = sub_begin(&p);
		if (!ret)
			ret = sbind1(&p, vmb_be_null(PAT_VA, size));
		if (!ret)
			ret = exec_wait(&p, 0);
		/* null-rebind: memory over part of it, then NULL again */
		if (!ret)
			ret = sub_begin(&p);
		if (!ret)
			ret = bo_new(&p, 2 * MIB, &bo);
		if (!ret)
			ret = sbind1(&p, vmb_be_map(PAT_VA + size / 2, 2 * MIB, bo, 0));
		if (!ret)
			ret = exec_wait(&p, bo);
		if (!ret)
			ret = sbind1(&p, vmb_be_null(PAT_VA + size / 2, 2 * MIB));
		if (!ret)
			ret = exec_wait(&p, 0);
		/* tiles in and out of the NULL range */
		for (uint64_t t = 0; t < 32 && !ret; t++)
			ret = sbind1(&p, vmb_be_map(PAT_VA + t * 2 * TILE_SIZE, TILE_SIZE, bo,
						    t * TILE_SIZE));
		if (!ret)
			ret = exec_wait(&p, bo);
		if (!ret)
			ret = sbind1(&p, vmb_be_null(PAT_VA, size));
		if (!ret)
			ret = sbind1(&p, vmb_be_unmap(PAT_VA, size));
		if (!ret)
			ret = vmb_emit_bo_close(s, bo);
	}
	return ret;
}

/* ---------------------------------------------------------- userptr-inval */

static const struct vmb_synth_param uptr_params[] = {
    {"size_mib", 8, "userptr range size [E]"},
    {NULL, 0, NULL},
};

static int gen_userptr(struct vmb_synth *s)
{
	struct pat p = {.s = s};
	uint64_t size = vmb_synth_param_u64(s, "size_mib") * MIB, cpu;
	int ret = 0;

	if (!size)
		return -EINVAL;
	if (vmb_ralloc_get(&s->low.cpu, size, 4 * KIB, &cpu))
		return -ENOSPC;
	for (uint64_t r = 0; r < s->frames && !ret; r++) {
		/* userptr: bind, exec */
		ret = sub_begin(&p);
		if (!ret)
			ret = sbind1(&p, vmb_be_userptr(PAT_VA, size, cpu));
		if (!ret)
			ret = exec_wait(&p, 0);
		/* userptr-invalidate: the CPU side changes, next exec revalidates */
		if (!ret)
			ret = sub_begin(&p);
		if (!ret)
			ret = vmb_emit_cpu_unmap(s, cpu, size);
		if (!ret)
			ret = exec_wait(&p, 0);
		/* partial invalidation, twice before one exec */
		if (!ret)
			ret = vmb_emit_cpu_unmap(s, cpu + size / 4, size / 4);
		if (!ret)
			ret = vmb_emit_cpu_unmap(s, cpu + size / 2, 64 * KIB);
		if (!ret)
			ret = exec_wait(&p, 0);
		/* userptr-rebind: unbind and bind again */
		if (!ret)
			ret = sub_begin(&p);
		if (!ret)
			ret = sbind1(&p, vmb_be_unmap(PAT_VA, size));
		if (!ret)
			ret = sbind1(&p, vmb_be_userptr(PAT_VA, size, cpu));
		if (!ret)
			ret = exec_wait(&p, 0);
		/* userptr-unmap: munmap while bound, then unbind */
		if (!ret)
			ret = sub_begin(&p);
		if (!ret)
			ret = vmb_emit_cpu_unmap(s, cpu, size);
		if (!ret)
			ret = sbind1(&p, vmb_be_unmap(PAT_VA, size));
		/* userptr-free: unbind first, then free the memory */
		if (!ret)
			ret = sbind1(&p, vmb_be_userptr(PAT_VA, size, cpu));
		if (!ret)
			ret = exec_wait(&p, 0);
		if (!ret)
			ret = sbind1(&p, vmb_be_unmap(PAT_VA, size));
		if (!ret)
			ret = vmb_emit_cpu_unmap(s, cpu, size);
	}
	return ret;
}

/* -------------------------------------------------------------- unbind-all */

static const struct vmb_synth_param uall_params[] = {
    {NULL, 0, NULL},
};

static int gen_unbind_all(struct vmb_synth *s)
{
	static const unsigned int vmas[] = {2, 8};
	struct pat p = {.s = s};
	int ret = 0;

	for (uint64_t r = 0; r < s->frames && !ret; r++) {
		for (size_t k = 0; k < 2 && !ret; k++) {
			uint32_t bo;

			ret = sub_begin(&p);
			if (!ret)
				ret = bo_new(&p, 64 * KIB, &bo);
			for (unsigned int i = 0; i < vmas[k] && !ret; i++)
				ret = sbind1(&p, vmb_be_map(PAT_VA + i * 2 * MIB, 64 * KIB, bo, 0));
			if (!ret)
				ret = exec_wait(&p, bo);
			if (!ret)
				ret = sbind1(&p, vmb_be_unmap_all(bo));
			if (!ret)
				ret = vmb_emit_bo_close(s, bo);
		}
	}
	return ret;
}

/* ------------------------------------------------------------ bind-queues */

static const struct vmb_synth_param bq_params[] = {
    {"block_us", 2000, "how long the first queue's in-fence stays unsignaled [E]"},
    {NULL, 0, NULL},
};

static int gen_bind_queues(struct vmb_synth *s)
{
	struct pat p = {.s = s};
	uint64_t block = vmb_synth_param_u64(s, "block_us") * US;
	uint32_t q[2], gate, done[2];
	int ret;

	ret = vmb_emit_queue_create(s, s->low.vm, VMB_ENGINE_BIND, &q[0]);
	if (!ret)
		ret = vmb_emit_queue_create(s, s->low.vm, VMB_ENGINE_BIND, &q[1]);
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &gate);
	for (int i = 0; i < 2 && !ret; i++)
		ret = vmb_emit_syncobj_create(s, true, false, &done[i]);
	for (uint64_t r = 0; r < s->frames && !ret; r++) {
		struct vmb_sync g = vmb_sy(gate, r + 1), d0 = vmb_sy(done[0], r + 1),
				d1 = vmb_sy(done[1], r + 1), both[2] = {d0, d1};
		struct vmb_bind_entry e0, e1;
		/* the entries below are filled in also after a failed bo_new() (and
		 * then not used): 0, no handle, rather than an indeterminate value */
		uint32_t bo = 0;

		/* bind-execqueues-independent: queue 0 blocked on a GPU job, queue 1 not */
		ret = sub_begin(&p);
		if (!ret)
			ret = bo_new(&p, 2 * MIB, &bo);
		if (!ret)
			ret = vmb_emit_submit(s, s->low.gfx, NULL, 0, NULL, 0, &g, 1, block);
		e0 = vmb_be_map(PAT_VA, 64 * KIB, bo, 0);
		e1 = vmb_be_map(PAT_VA + 2 * MIB, 64 * KIB, bo, 64 * KIB);
		if (!ret)
			ret = vmb_emit_bind(s, s->low.vm, q[0], &e0, 1, &g, 1, &d0, 1);
		if (!ret)
			ret = vmb_emit_bind(s, s->low.vm, q[1], &e1, 1, NULL, 0, &d1, 1);
		if (!ret)
			ret = vmb_emit_wait(s, both, 2);
		if (!ret)
			ret = exec_wait(&p, bo);
		/* bind-execqueues-conflict: both queues touch the same range, in order */
		if (!ret)
			ret = sub_begin(&p);
		e0 = vmb_be_unmap(PAT_VA, 4 * MIB);
		e1 = vmb_be_map(PAT_VA, 2 * MIB, bo, 0);
		d0.point = d1.point = r + 1000000;
		if (!ret)
			ret = vmb_emit_bind(s, s->low.vm, q[0], &e0, 1, NULL, 0, &d0, 1);
		if (!ret)
			ret = vmb_emit_bind(s, s->low.vm, q[1], &e1, 1, &d0, 1, &d1, 1);
		if (!ret)
			ret = vmb_emit_wait(s, &d1, 1);
		if (!ret)
			ret = exec_wait(&p, bo);
		if (!ret)
			ret = sbind1(&p, vmb_be_unmap(PAT_VA, 2 * MIB));
		if (!ret)
			ret = vmb_emit_bo_close(s, bo);
	}
	return ret;
}

#define XE_AMD (DRV(VMB_DRIVER_XE) | DRV(VMB_DRIVER_AMDGPU))
#define QUEUED (DRV(VMB_DRIVER_XE) | DRV(VMB_DRIVER_MSM) | DRV(VMB_DRIVER_PANTHOR))

const struct vmb_archetype vmb_arch_patterns[] = {
    {"igt-bind-basic", "bind-once, bind-one-bo-many-times(-many-vm)", "pattern", VMB_DRIVER_XE,
     DRV_ALL, 1, basic_params, gen_bind_basic},
    {"igt-bind-array", "bind-array-twice/-many/-exec_queue and a 4096-entry array", "pattern",
     VMB_DRIVER_XE, DRV_ALL, 1, array_params, gen_bind_array},
    {"igt-munmap-unbind", "munmap-style-unbind-{all,one-partial,either-side-*,end,front,many-*}",
     "pattern", VMB_DRIVER_XE, DRV_ALL, 1, mcase_params, gen_munmap},
    {"igt-mmap-bind", "mmap-style-bind-*: bind over existing mappings (remap prev/next)", "pattern",
     VMB_DRIVER_XE, DRV_ALL, 1, mcase_params, gen_mmap},
    {"igt-large-binds", "large-(split-)(misaligned-)binds from 2 MiB to 2 GiB", "pattern",
     VMB_DRIVER_XE, DRV_ALL, 1, large_params, gen_large},
    {"igt-null-binds", "null, null-rebind: NULL (sparse) binds and memory over them", "pattern",
     VMB_DRIVER_XE, DRV_ALL, 1, null_params, gen_null},
    {"igt-userptr-inval", "userptr, -invalidate, -rebind, -unmap, -free (mmu notifier)", "pattern",
     VMB_DRIVER_XE, XE_AMD, 1, uptr_params, gen_userptr},
    {"igt-unbind-all", "unbind-all-2-vmas, unbind-all-8-vmas (UNMAP_ALL)", "pattern", VMB_DRIVER_XE,
     DRV(VMB_DRIVER_XE), 1, uall_params, gen_unbind_all},
    {"igt-bind-queues", "bind-execqueues-independent/-conflict: two bind queues", "pattern",
     VMB_DRIVER_XE, QUEUED, 1, bq_params, gen_bind_queues},
    {0},
};
