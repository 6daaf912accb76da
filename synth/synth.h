/* SPDX-License-Identifier: MIT */
/*
 * synth.h - internals of `synth`, the synthetic trace generator.
 *
 * A generator run is a struct vmb_synth: a seeded PRNG, the trace writer,
 * a simulated CPU clock that paces ops like a real frame loop, id counters
 * and VA allocators. Archetypes (workloads.md §6), regression scenarios
 * (§7) and IGT-style patterns describe *what* the application and its
 * translation layer do, in Vulkan-level terms (allocate memory, create a
 * sparse resource, bind tiles, submit); the lowering layer (lower.c) turns
 * each of those into the ioctls the userspace driver for --driver issues
 * (workloads.md §1). Nothing depends on time or pid: the same arguments give
 * the same bytes.
 */
#ifndef VMB_SYNTH_H
#define VMB_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.h"

#define KIB (1024ull)
#define MIB (1024ull * 1024)
#define GIB (1024ull * 1024 * 1024)
#define TILE_SIZE (64 * KIB) /* sparse block, every driver [C] */
#define MS (1000000ull)
#define US (1000ull)

/* ------------------------------------------------------------------ rng */

/** struct vmb_rng - xoshiro256** state, seeded with splitmix64 */
struct vmb_rng {
	uint64_t s[4];
};

void vmb_rng_seed(struct vmb_rng *r, uint64_t seed);
uint64_t vmb_rng_next(struct vmb_rng *r);
/* uniform in [0, n), n > 0 */
uint64_t vmb_rng_below(struct vmb_rng *r, uint64_t n);
/* uniform integer in [lo, hi] */
uint64_t vmb_rng_range(struct vmb_rng *r, uint64_t lo, uint64_t hi);
/* uniform double in [0, 1) */
double vmb_rng_unit(struct vmb_rng *r);
/* true with probability p */
bool vmb_rng_chance(struct vmb_rng *r, double p);
/* log-uniform in [lo, hi], rounded down to a multiple of @align (>= lo) */
uint64_t vmb_rng_log_uniform(struct vmb_rng *r, uint64_t lo, uint64_t hi, uint64_t align);
/* exponential inter-arrival time (ns) for a rate in events per second */
uint64_t vmb_rng_exp_ns(struct vmb_rng *r, double per_s);
/* x scaled by a uniform factor in [1 - j, 1 + j] */
uint64_t vmb_rng_jitter(struct vmb_rng *r, uint64_t x, double j);

/* a + b, saturating at UINT64_MAX ("never") */
static inline uint64_t vmb_sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* a period in seconds as ns; 0 or less means never (UINT64_MAX) */
static inline uint64_t vmb_period_ns(double seconds)
{
	return seconds > 0 ? (uint64_t)(seconds * 1e9) : UINT64_MAX;
}

/* ----------------------------------------------------- range allocator */

/**
 * struct vmb_ralloc - first-fit allocator of address ranges (GPU VA or
 * CPU addresses for userptr), with coalescing frees. Deterministic.
 */
struct vmb_ralloc {
	struct vmb_rfree {
		uint64_t start, size;
	} * v;
	size_t n, cap;
};

void vmb_ralloc_init(struct vmb_ralloc *a, uint64_t start, uint64_t size);
void vmb_ralloc_fini(struct vmb_ralloc *a);
/* returns 0 and *out, or -ENOSPC */
int vmb_ralloc_get(struct vmb_ralloc *a, uint64_t size, uint64_t align, uint64_t *out);
void vmb_ralloc_put(struct vmb_ralloc *a, uint64_t start, uint64_t size);

/* ---------------------------------------------------------- parameters */

/**
 * struct vmb_synth_param - one archetype parameter
 * @name: as given to --param name=value
 * @def: default
 * @help: one line, with the source tag ([P], [C] or [E])
 */
struct vmb_synth_param {
	const char *name;
	double def;
	const char *help;
};

#define SYNTH_MAX_PARAMS 24

struct vmb_synth;

/**
 * struct vmb_archetype - one generator
 * @name: command-line name
 * @desc: one-line description
 * @family: "archetype", "scenario" or "pattern"
 * @driver: default driver
 * @drivers: bit mask (1 << enum vmb_driver) of drivers it can be lowered to
 * @frames: default length in frames (--frames / --seconds override)
 * @params: parameters, terminated by a NULL name
 * @gen: emits the ops
 */
struct vmb_archetype {
	const char *name;
	const char *desc;
	const char *family;
	enum vmb_driver driver;
	uint32_t drivers;
	uint64_t frames;
	const struct vmb_synth_param *params;
	int (*gen)(struct vmb_synth *s);
};

#define DRV(d) (1u << (d))
#define DRV_ALL                                                                                    \
	(DRV(VMB_DRIVER_XE) | DRV(VMB_DRIVER_AMDGPU) | DRV(VMB_DRIVER_NOUVEAU) |                   \
	 DRV(VMB_DRIVER_MSM) | DRV(VMB_DRIVER_PANTHOR))

extern const struct vmb_archetype vmb_arch_games[];
extern const struct vmb_archetype vmb_arch_sparse[];
extern const struct vmb_archetype vmb_arch_compute[];
extern const struct vmb_archetype vmb_arch_scenarios[];
extern const struct vmb_archetype vmb_arch_patterns[];

/* ----------------------------------------------------- generator state */

/**
 * struct vmb_synth_lower - per-driver lowering state (lower.c)
 * @vm: the VM
 * @gfx: the graphics (render) exec queue
 * @bind_q: bind queue for BO binds (0 = the VM's default bind queue)
 * @sparse_q: bind queue used for sparse binds
 * @bind_tl, @bind_pt: anv's device bind timeline / turnip's last VM_BIND
 *     fence, which every later submit waits on; 0 when unused
 * @sync_obj: binary syncobj for synchronous ioctls expressed as bind+wait
 * @va: GPU VA allocator
 * @cpu: CPU address allocator for userptr
 */
struct vmb_synth_lower {
	uint32_t vm;
	uint32_t gfx;
	uint32_t bind_q;
	uint32_t sparse_q;
	uint32_t bind_tl;
	uint64_t bind_pt;
	uint32_t sync_obj;
	struct vmb_ralloc va;
	struct vmb_ralloc cpu;
};

/**
 * struct vmb_synth - one generator run
 * @arch: the archetype
 * @driver: lowering target
 * @seed: PRNG seed
 * @frames: length in frames
 * @fps: frame rate used for pacing
 * @pv: parameter values, parallel to @arch->params
 * @rng: PRNG of the workload (what the application does)
 * @trng: PRNG of the pacing jitter added per ioctl; separate so that the
 *     same seed gives the same workload whatever the driver lowering
 * @w: trace writer
 * @t: simulated CPU clock (ns) stamped on the next op
 * @tid: thread id stamped on the next op
 * @next_id: next free trace id per object class (enum vmb_obj_class)
 * @n_ops: ops written
 * @frame: current frame number
 * @low: lowering state
 */
struct vmb_synth {
	const struct vmb_archetype *arch;
	enum vmb_driver driver;
	uint64_t seed;
	uint64_t frames;
	double fps;
	double pv[SYNTH_MAX_PARAMS];
	struct vmb_rng rng;
	struct vmb_rng trng;
	struct vmb_trace_writer *w;
	uint64_t t;
	uint32_t tid;
	uint32_t next_id[4];
	uint64_t n_ops;
	uint64_t frame;
	struct vmb_synth_lower low;
};

/* parameter value by name (aborts on an unknown name: a programming error) */
double vmb_synth_param(const struct vmb_synth *s, const char *name);
uint64_t vmb_synth_param_u64(const struct vmb_synth *s, const char *name);

/* ------------------------------------------------------- emission (emit.c) */

/* a bind entry builder */
static inline struct vmb_bind_entry vmb_be_map(uint64_t va, uint64_t range, uint32_t bo,
					       uint64_t off)
{
	struct vmb_bind_entry e = {
	    .va = va, .range = range, .bo = bo, .offset = off, .kind = VMB_BIND_MAP};
	return e;
}

static inline struct vmb_bind_entry vmb_be_null(uint64_t va, uint64_t range)
{
	struct vmb_bind_entry e = {.va = va, .range = range, .kind = VMB_BIND_MAP_NULL};
	return e;
}

static inline struct vmb_bind_entry vmb_be_unmap(uint64_t va, uint64_t range)
{
	struct vmb_bind_entry e = {.va = va, .range = range, .kind = VMB_BIND_UNMAP};
	return e;
}

static inline struct vmb_bind_entry vmb_be_userptr(uint64_t va, uint64_t range, uint64_t addr)
{
	struct vmb_bind_entry e = {
	    .va = va, .range = range, .offset = addr, .kind = VMB_BIND_MAP_USERPTR};
	return e;
}

static inline struct vmb_bind_entry vmb_be_unmap_all(uint32_t bo)
{
	struct vmb_bind_entry e = {.bo = bo, .kind = VMB_BIND_UNMAP_ALL};
	return e;
}

static inline struct vmb_sync vmb_sy(uint32_t syncobj, uint64_t point)
{
	struct vmb_sync y = {.point = point, .syncobj = syncobj};
	return y;
}

/* CPU cost the generator charges per ioctl when pacing (ns, [E]) */
#define SYNTH_IOCTL_NS 3000ull

void vmb_synth_advance(struct vmb_synth *s, uint64_t ns);
void vmb_synth_at_least(struct vmb_synth *s, uint64_t t);

int vmb_emit_vm_create(struct vmb_synth *s, uint64_t va_start, uint64_t va_range, uint32_t flags,
		       uint32_t *out);
int vmb_emit_vm_destroy(struct vmb_synth *s, uint32_t vm);
int vmb_emit_queue_create(struct vmb_synth *s, uint32_t vm, enum vmb_engine engine, uint32_t *out);
int vmb_emit_queue_destroy(struct vmb_synth *s, uint32_t q);
int vmb_emit_bo_create(struct vmb_synth *s, uint64_t size, enum vmb_placement pl, uint32_t vm,
		       uint32_t flags, uint32_t *out);
int vmb_emit_bo_close(struct vmb_synth *s, uint32_t bo);
int vmb_emit_syncobj_create(struct vmb_synth *s, bool timeline, bool signaled, uint32_t *out);
int vmb_emit_syncobj_destroy(struct vmb_synth *s, uint32_t so);
int vmb_emit_bind(struct vmb_synth *s, uint32_t vm, uint32_t queue, const struct vmb_bind_entry *e,
		  size_t n, const struct vmb_sync *in, size_t n_in, const struct vmb_sync *out,
		  size_t n_out);
int vmb_emit_submit(struct vmb_synth *s, uint32_t queue, const uint32_t *bos, size_t n_bos,
		    const struct vmb_sync *in, size_t n_in, const struct vmb_sync *out,
		    size_t n_out, uint64_t gpu_ns);
int vmb_emit_wait(struct vmb_synth *s, const struct vmb_sync *y, size_t n);
int vmb_emit_signal(struct vmb_synth *s, const struct vmb_sync *y, size_t n);
int vmb_emit_cpu_unmap(struct vmb_synth *s, uint64_t addr, uint64_t size);
int vmb_emit_cpu_migrate(struct vmb_synth *s, uint64_t addr, uint64_t size);
int vmb_emit_evict(struct vmb_synth *s, uint32_t bo);
int vmb_emit_frame(struct vmb_synth *s, uint64_t n);

/* ------------------------------------------------------ lowering (lower.c) */

/**
 * struct vmb_alloc - a BO-backed allocation as the driver sees it
 * @bo: trace BO id
 * @va: where the driver bound it (0 = not bound)
 * @size: BO size
 * @cpu: CPU address for a userptr import (0 otherwise)
 */
struct vmb_alloc {
	uint32_t bo;
	uint64_t va;
	uint64_t size;
	uint64_t cpu;
};

/**
 * struct vmb_tile_op - one sparse page update, Vulkan-level
 * @va: GPU address of the tile range
 * @range: size (one or more tiles)
 * @bo: backing BO, 0 = unbind (NULL / PRT)
 * @offset: offset in @bo
 */
struct vmb_tile_op {
	uint64_t va;
	uint64_t range;
	uint32_t bo;
	uint64_t offset;
};

/* allocation flags */
#define VMB_A_EXTERNAL (1u << 0) /* shared: own reservation */
#define VMB_A_HOST (1u << 1)	 /* host-visible */
#define VMB_A_VRAM (1u << 2)

int vmb_lower_init(struct vmb_synth *s);
void vmb_lower_fini(struct vmb_synth *s);
int vmb_lower_alloc(struct vmb_synth *s, uint64_t size, uint32_t flags, struct vmb_alloc *a);
int vmb_lower_free(struct vmb_synth *s, struct vmb_alloc *a);
int vmb_lower_image_bind(struct vmb_synth *s, const struct vmb_alloc *mem, uint64_t offset,
			 uint64_t size, uint64_t kind, uint64_t *va);
int vmb_lower_image_unbind(struct vmb_synth *s, uint64_t va, uint64_t size);
int vmb_lower_sparse_create(struct vmb_synth *s, uint64_t size, uint64_t *va);
int vmb_lower_sparse_destroy(struct vmb_synth *s, uint64_t va, uint64_t size);
int vmb_lower_sparse_bind(struct vmb_synth *s, struct vmb_tile_op *ops, size_t n,
			  const struct vmb_sync *wait, const struct vmb_sync *signal);
int vmb_lower_userptr_import(struct vmb_synth *s, uint64_t size, struct vmb_alloc *a);
int vmb_lower_userptr_free(struct vmb_synth *s, struct vmb_alloc *a);
int vmb_lower_submit(struct vmb_synth *s, uint32_t queue, const uint32_t *bos, size_t n_bos,
		     const struct vmb_sync *in, size_t n_in, const struct vmb_sync *out,
		     size_t n_out, uint64_t gpu_ns);
int vmb_lower_sync_bind(struct vmb_synth *s, uint32_t queue, const struct vmb_bind_entry *e,
			size_t n);
int vmb_lower_bind(struct vmb_synth *s, const struct vmb_bind_entry *e, size_t n);

/* ------------------------------------------------ frame loop (frame.c) */

/**
 * struct vmb_frame_loop - a swapchain-throttled frame loop
 * @tl: timeline syncobj signaled by the last submit of each frame
 * @in_flight: frames the CPU may run ahead of the GPU (2) [E]
 * @period: frame period (ns)
 * @start: t of frame 0
 */
struct vmb_frame_loop {
	uint32_t tl;
	uint32_t in_flight;
	uint64_t period;
	uint64_t start;
};

int vmb_frame_loop_init(struct vmb_synth *s, struct vmb_frame_loop *fl);
int vmb_frame_begin(struct vmb_synth *s, struct vmb_frame_loop *fl, uint64_t n);
int vmb_frame_submits(struct vmb_synth *s, struct vmb_frame_loop *fl, uint64_t n,
		      unsigned int n_submits, double gpu_util, const uint32_t *bos, size_t n_bos,
		      const struct vmb_sync *first_in, size_t n_first_in);

#endif /* VMB_SYNTH_H */
