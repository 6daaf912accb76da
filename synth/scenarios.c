// SPDX-License-Identifier: MIT
/*
 * scenarios.c - the regression scenarios of workloads.md §7, each a trace
 * shaped to make one known VM-binding problem visible on the model, with a
 * documented expectation (docs/synth.md, checked by tests/synth.sh):
 *
 *   prt-unmap-implicit-sync  amdgpu PRT/NULL unmaps sync to every job in
 *                            the VM: submit stalls under --sync=implicit,
 *                            none under --sync=explicit
 *   shared-bind-queue-hol    a sparse bind with a late in-fence blocks BO
 *                            binds (and the execs behind anv's bind
 *                            timeline) on a shared bind queue
 *   tlb-invalidation-storm   scattered 64 KiB unbind/rebind churn from many
 *                            exec queues: one TLB flush per unbinding ioctl
 *   split-amplification      64 KiB tiles remapped inside a 2 MiB-page
 *                            mapping: a split per op, large pages rewritten
 *   per-tile-fanout          2000 single-tile binds per frame as 2000
 *                            ioctls (radv) or as one ioctl (nvk)
 */
#include <errno.h>
#include <stdlib.h>

#include "sparse.h"

static int finish(struct vmb_synth *s)
{
	return vmb_emit_vm_destroy(s, s->low.vm);
}

/* ------------------------------------------------ prt-unmap-implicit-sync */

static const struct vmb_synth_param prt_params[] = {
    {"fps", 60, "frame rate [E]"},
    {"jobs", 3, "long gfx jobs per frame, 2-3 in flight [P repro]"},
    {"job_ms", 6, "GPU time per job, >= 5 ms [P repro]"},
    {"ops", 300, "PRT REPLACE ops per frame, 100-1000 [P repro]"},
    {"null_fraction", 0.5, "share of ops that unmap to PRT NULL [E]"},
    {"resource_mib", 1024, "sparse resource size [E]"},
    {"pool_mib", 128, "tile pool size [E]"},
    {NULL, 0, NULL},
};

static int gen_prt_unmap(struct vmb_synth *s)
{
	uint64_t ops = vmb_synth_param_u64(s, "ops"), jobs = vmb_synth_param_u64(s, "jobs");
	uint64_t job_ns = vmb_synth_param_u64(s, "job_ms") * MS, spt = 0;
	double null_frac = vmb_synth_param(s, "null_fraction");
	struct vmb_tile_batch b = {0};
	struct vmb_sparse_res res;
	struct vmb_tile_pool pool;
	struct vmb_frame_loop fl;
	uint32_t stl;
	int ret;

	if (!jobs) /* the last job of a frame signals the frame timeline */
		return -EINVAL;
	ret = vmb_tile_pool_create(s, &pool, 1, vmb_synth_param_u64(s, "pool_mib") * MIB);
	if (!ret)
		ret = vmb_sparse_res_create(s, &res, vmb_synth_param_u64(s, "resource_mib") * MIB);
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &stl);
	if (!ret)
		ret = vmb_frame_loop_init(s, &fl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		struct vmb_sync in = vmb_sy(stl, spt), sig, out;

		ret = vmb_frame_begin(s, &fl, f);
		/* the frame's long jobs; the first uses last frame's sparse update */
		for (uint64_t j = 0; j < jobs && !ret; j++) {
			out = vmb_sy(fl.tl, f + 1);
			ret = vmb_lower_submit(s, s->low.gfx, &pool.heaps[0].bo, 1, &in,
					       j == 0 && spt ? 1 : 0, &out, j + 1 == jobs,
					       vmb_rng_jitter(&s->rng, job_ns, 0.1));
		}
		/* meanwhile the sparse queue remaps tiles, half of them to PRT NULL */
		for (uint64_t i = 0; i < ops && !ret; i++) {
			uint64_t t = vmb_rng_below(&s->rng, res.n_tiles);
			uint32_t pt = TILE_NULL;
			struct vmb_tile_op *op = vmb_tile_batch_add(&b);

			if (!op)
				return -ENOMEM;
			if (!vmb_rng_chance(&s->rng, null_frac) && !vmb_tile_pool_get(&pool, &pt))
				pt = TILE_NULL;
			vmb_sparse_tile_set(&res, t, &pool, pt, op);
		}
		sig = vmb_sy(stl, spt + 1);
		if (!ret && b.n) {
			ret = vmb_lower_sparse_bind(s, b.v, b.n, NULL, &sig);
			spt++;
		}
		b.n = 0;
	}
	if (!ret)
		ret = vmb_sparse_res_destroy(s, &res, &pool);
	if (!ret)
		ret = vmb_tile_pool_destroy(s, &pool);
	free(b.v);
	return ret ? ret : finish(s);
}

/* -------------------------------------------------- shared-bind-queue-hol */

static const struct vmb_synth_param hol_params[] = {
    {"fps", 60, "frame rate [E]"},
    {"shared", 1, "1: sparse binds share the BO-bind queue (pre-MR !32873); 0: per-queue [C]"},
    {"hol_ms", 8, "time until the sparse bind's in-fence signals [E]"},
    {"allocs", 4, "BO allocations (immediate binds) per frame [E]"},
    {"alloc_min_kib", 1024, "allocation size, low [E]"},
    {"alloc_max_kib", 8192, "allocation size, high [E]"},
    {"tiles", 16, "tiles per sparse bind [E]"},
    {"gpu_util", 0.3, "graphics GPU share of a frame [E]"},
    {NULL, 0, NULL},
};

static int gen_shared_hol(struct vmb_synth *s)
{
	uint64_t hol = (uint64_t)(vmb_synth_param(s, "hol_ms") * MS);
	uint64_t allocs = vmb_synth_param_u64(s, "allocs"),
		 ntiles = vmb_synth_param_u64(s, "tiles");
	struct vmb_alloc *live;
	struct vmb_tile_batch b = {0};
	struct vmb_sparse_res res;
	struct vmb_tile_pool pool;
	struct vmb_frame_loop fl;
	uint32_t cq, ctl, stl;
	uint64_t spt = 0;
	int ret;

	if (vmb_synth_param_u64(s, "shared"))
		s->low.sparse_q = s->low.bind_q; /* everything on the VM's default bind queue */
	live = calloc(allocs ? allocs : 1, sizeof(*live));
	if (!live)
		return -ENOMEM;
	ret = vmb_emit_queue_create(s, s->low.vm, VMB_ENGINE_COMPUTE, &cq);
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &ctl);
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &stl);
	if (!ret)
		ret = vmb_tile_pool_create(s, &pool, 1, 64 * MIB);
	if (!ret)
		ret = vmb_sparse_res_create(s, &res, 512 * MIB);
	if (!ret)
		ret = vmb_frame_loop_init(s, &fl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		struct vmb_sync c = vmb_sy(ctl, f + 1), sig = vmb_sy(stl, spt + 1),
				prev = vmb_sy(stl, spt);

		ret = vmb_frame_begin(s, &fl, f);
		/* a producer job whose completion the sparse bind waits for */
		if (!ret)
			ret = vmb_emit_submit(s, cq, NULL, 0, NULL, 0, &c, 1,
					      vmb_rng_jitter(&s->rng, hol, 0.05));
		for (uint64_t i = 0; i < ntiles && !ret; i++) {
			uint64_t t = vmb_rng_below(&s->rng, res.n_tiles);
			uint32_t pt = TILE_NULL;
			struct vmb_tile_op *op = vmb_tile_batch_add(&b);

			if (!op)
				return -ENOMEM;
			if (res.tile[t] == TILE_NULL && !vmb_tile_pool_get(&pool, &pt))
				pt = TILE_NULL;
			vmb_sparse_tile_set(&res, t, &pool, pt, op);
		}
		if (!ret)
			ret = vmb_lower_sparse_bind(s, b.v, b.n, &c, &sig);
		spt += b.n ? 1 : 0;
		b.n = 0;
		/* then the app allocates memory: immediate binds on the BO-bind queue */
		for (uint64_t i = 0; i < allocs && !ret; i++) {
			if (live[i].bo)
				ret = vmb_lower_free(s, &live[i]);
			if (!ret)
				ret = vmb_lower_alloc(
				    s,
				    vmb_rng_log_uniform(
					&s->rng, vmb_synth_param_u64(s, "alloc_min_kib") * KIB,
					vmb_synth_param_u64(s, "alloc_max_kib") * KIB, 64 * KIB),
				    0, &live[i]);
		}
		/*
		 * graphics: waits on the bind timeline (anv adds it to every exec)
		 * and on last frame's sparse update, which it samples
		 */
		if (!ret)
			ret = vmb_frame_submits(s, &fl, f, 2, vmb_synth_param(s, "gpu_util"), NULL,
						0, &prev, prev.point ? 1 : 0);
	}
	for (uint64_t i = 0; i < allocs && !ret; i++)
		if (live[i].bo)
			ret = vmb_lower_free(s, &live[i]);
	if (!ret)
		ret = vmb_sparse_res_destroy(s, &res, &pool);
	if (!ret)
		ret = vmb_tile_pool_destroy(s, &pool);
	free(live);
	free(b.v);
	return ret ? ret : finish(s);
}

/* ------------------------------------------------- tlb-invalidation-storm */

static const struct vmb_synth_param tlb_params[] = {
    {"fps", 100, "churn batches per second (loop rate) [E]"},
    {"queues", 16, "active exec queues on the VM, 8-32 [P repro]"},
    {"ops_per_s", 10000, "64 KiB unbind/rebind ops per second [P repro]"},
    {"ops_per_bind", 1, "entries per bind ioctl (1 = every op its own ioctl) [E]"},
    {"region_mib", 512, "BO-backed region the churn is scattered over [E]"},
    {"job_us", 500, "GPU time per exec [E]"},
    {NULL, 0, NULL},
};

static int gen_tlb_storm(struct vmb_synth *s)
{
	uint64_t nq = vmb_synth_param_u64(s, "queues");
	uint64_t per = (uint64_t)(vmb_synth_param(s, "ops_per_s") / s->fps);
	uint64_t opb = vmb_synth_param_u64(s, "ops_per_bind");
	uint64_t period = (uint64_t)(1e9 / s->fps), tiles;
	struct vmb_bind_entry *e;
	struct vmb_alloc region;
	uint32_t *q, tl;
	int ret;

	opb = opb ? opb : 1;
	if (!nq)
		return -EINVAL;
	q = calloc(nq, sizeof(*q));
	e = calloc(2 * opb, sizeof(*e));
	if (!q || !e) {
		free(q);
		free(e);
		return -ENOMEM;
	}
	ret = vmb_lower_alloc(s, vmb_synth_param_u64(s, "region_mib") * MIB, VMB_A_VRAM, &region);
	tiles = region.size / TILE_SIZE;
	for (uint64_t i = 0; i < nq && !ret; i++)
		ret = vmb_emit_queue_create(s, s->low.vm, VMB_ENGINE_COMPUTE, &q[i]);
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &tl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		struct vmb_sync in = vmb_sy(tl, f - 1), out = vmb_sy(tl, f + 1);

		vmb_synth_at_least(s, f * period);
		ret = vmb_emit_frame(s, f);
		if (!ret && f >= 2)
			ret = vmb_emit_wait(s, &in, 1);
		/* scattered unbind + rebind of 64 KiB pieces, opb pairs per ioctl */
		for (uint64_t i = 0; i < per && !ret; i += opb) {
			uint64_t k = per - i < opb ? per - i : opb;

			for (uint64_t j = 0; j < k; j++) {
				uint64_t t = vmb_rng_below(&s->rng, tiles);

				e[2 * j] = vmb_be_unmap(region.va + t * TILE_SIZE, TILE_SIZE);
				e[2 * j + 1] = vmb_be_map(region.va + t * TILE_SIZE, TILE_SIZE,
							  region.bo, t * TILE_SIZE);
			}
			ret = vmb_lower_bind(s, e, 2 * k);
		}
		/* every exec queue runs a job per batch */
		for (uint64_t i = 0; i < nq && !ret; i++)
			ret = vmb_lower_submit(
			    s, q[i], NULL, 0, NULL, 0, &out, i + 1 == nq,
			    vmb_rng_jitter(&s->rng, vmb_synth_param_u64(s, "job_us") * US, 0.2));
	}
	if (!ret)
		ret = vmb_lower_free(s, &region);
	free(q);
	free(e);
	return ret ? ret : finish(s);
}

/* ---------------------------------------------------- split-amplification */

static const struct vmb_synth_param split_params[] = {
    {"fps", 60, "frame rate [E]"},
    {"fresh", 0, "0: tiles land inside a 2 MiB-page mapping; 1: into empty VA (control) [E]"},
    {"ops", 4096, "tile ops per frame, in one ioctl where the driver allows [P]"},
    {"sorted", 0, "1: ops sorted by address (turnip), 0: scattered [C]"},
    {"region_mib", 1024, "2 MiB-aligned VRAM mapping the tiles land in [E]"},
    {NULL, 0, NULL},
};

static int cmp_tile(const void *a, const void *b)
{
	const struct vmb_bind_entry *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

static int gen_split(struct vmb_synth *s)
{
	uint64_t ops = vmb_synth_param_u64(s, "ops"),
		 size = vmb_synth_param_u64(s, "region_mib") * MIB;
	bool fresh = vmb_synth_param_u64(s, "fresh"), sorted = vmb_synth_param_u64(s, "sorted");
	struct vmb_frame_loop fl;
	struct vmb_bind_entry *e;
	struct vmb_alloc region, src;
	uint64_t base = 0, tiles = size / TILE_SIZE, o, *mark;
	int ret;

	e = calloc(ops ? ops : 1, sizeof(*e));
	mark = calloc(tiles ? tiles : 1, sizeof(*mark));
	if (!e || !mark) {
		free(e);
		free(mark);
		return -ENOMEM;
	}
	/* the 2 MiB-page mapping (VRAM, 2 MiB aligned VA) and a tile source BO */
	ret = vmb_lower_alloc(s, size, VMB_A_VRAM, &region);
	if (!ret)
		ret = vmb_lower_alloc(s, 64 * MIB, VMB_A_VRAM, &src);
	if (!ret && fresh)
		ret = vmb_ralloc_get(&s->low.va, size, 2 * MIB, &base);
	if (!ret)
		ret = vmb_frame_loop_init(s, &fl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		uint64_t va0 = fresh ? base : region.va;

		ret = vmb_frame_begin(s, &fl, f);
		for (uint64_t i = 0; i < ops; i++) {
			uint64_t t = vmb_rng_below(&s->rng, tiles);

			/* distinct tiles within one ioctl */
			for (int tries = 0; tries < 64 && mark[t] == f + 1; tries++)
				t = vmb_rng_below(&s->rng, tiles);
			mark[t] = f + 1;
			o = vmb_rng_below(&s->rng, src.size / TILE_SIZE) * TILE_SIZE;
			e[i] = vmb_be_map(va0 + t * TILE_SIZE, TILE_SIZE, src.bo, o);
		}
		if (sorted)
			qsort(e, ops, sizeof(*e), cmp_tile);
		if (!ret)
			ret = vmb_lower_bind(s, e, ops);
		/* then put the region back as one mapping (or clear the fresh range) */
		e[0] = fresh ? vmb_be_unmap(base, size) : vmb_be_map(region.va, size, region.bo, 0);
		if (!ret)
			ret = vmb_lower_bind(s, e, 1);
		if (!ret)
			ret = vmb_frame_submits(s, &fl, f, 2, 0.5, &region.bo, 1, NULL, 0);
	}
	if (!ret)
		ret = vmb_lower_free(s, &region);
	if (!ret)
		ret = vmb_lower_free(s, &src);
	free(e);
	free(mark);
	return ret ? ret : finish(s);
}

/* -------------------------------------------------------- per-tile-fanout */

static const struct vmb_synth_param fanout_params[] = {
    {"fps", 60, "frame rate [E]"},
    {"per_tile", 1, "1: one ioctl per tile (radv); 0: one ioctl for all (nvk, <= 4096) [C]"},
    {"resources", 200, "reserved resources created at load [P repro]"},
    {"res_min_mib", 64, "reserved resource size, low [P repro]"},
    {"res_max_mib", 512, "reserved resource size, high [P repro]"},
    {"tiles", 2000, "single-tile binds per frame [P repro]"},
    {"gpu_util", 0.3, "GPU busy share of a frame [E]"},
    {NULL, 0, NULL},
};

static int gen_fanout(struct vmb_synth *s)
{
	uint64_t nres = vmb_synth_param_u64(s, "resources"),
		 ntiles = vmb_synth_param_u64(s, "tiles");
	bool per_tile = vmb_synth_param_u64(s, "per_tile");
	struct vmb_tile_batch b = {0};
	struct vmb_sparse_res *res;
	struct vmb_tile_pool pool;
	struct vmb_frame_loop fl;
	struct vmb_bind_entry *e;
	uint32_t stl;
	uint64_t spt = 0;
	int ret;

	if (!nres)
		return -EINVAL;
	res = calloc(nres, sizeof(*res));
	e = calloc(ntiles ? ntiles : 1, sizeof(*e));
	if (!res || !e) {
		free(res);
		free(e);
		return -ENOMEM;
	}
	ret = vmb_tile_pool_create(s, &pool, 4, 64 * MIB);
	for (uint64_t i = 0; i < nres && !ret; i++)
		ret = vmb_sparse_res_create(
		    s, &res[i],
		    vmb_rng_log_uniform(&s->rng, vmb_synth_param_u64(s, "res_min_mib") * MIB,
					vmb_synth_param_u64(s, "res_max_mib") * MIB, 2 * MIB));
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &stl);
	if (!ret)
		ret = vmb_frame_loop_init(s, &fl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		struct vmb_sync in = vmb_sy(stl, spt), sig = vmb_sy(stl, spt + 1);
		size_t n = 0;

		ret = vmb_frame_begin(s, &fl, f);
		for (uint64_t i = 0; i < ntiles && !ret; i++) {
			struct vmb_sparse_res *r = &res[vmb_rng_below(&s->rng, nres)];
			uint64_t t = vmb_rng_below(&s->rng, r->n_tiles);
			uint32_t pt = TILE_NULL;
			struct vmb_tile_op *op = vmb_tile_batch_add(&b);

			if (!op)
				return -ENOMEM;
			if (r->tile[t] == TILE_NULL && !vmb_tile_pool_get(&pool, &pt))
				pt = TILE_NULL;
			vmb_sparse_tile_set(r, t, &pool, pt, op);
		}
		/* the same updates, as the two drivers issue them */
		for (size_t i = 0; i < b.n; i++)
			e[n++] = b.v[i].bo
				     ? vmb_be_map(b.v[i].va, b.v[i].range, b.v[i].bo, b.v[i].offset)
				     : vmb_be_null(b.v[i].va, b.v[i].range);
		b.n = 0;
		if (per_tile) { /* radv: GEM_VA per tile on the sparse thread, CPU signal */
			s->tid = 2;
			for (size_t i = 0; i < n && !ret; i++)
				ret = vmb_emit_bind(s, s->low.vm, 0, &e[i], 1, NULL, 0, NULL, 0);
			if (!ret && n)
				ret = vmb_emit_signal(s, &sig, 1);
			s->tid = 1;
		} else if (n) { /* nvk: one async VM_BIND, <= 4096 ops */
			for (size_t i = 0; i < n && !ret; i += 4096) {
				size_t k = n - i < 4096 ? n - i : 4096;
				bool last = i + k == n;

				ret = vmb_emit_bind(s, s->low.vm, 0, &e[i], k, NULL, 0, &sig, last);
			}
		}
		if (n)
			spt++;
		in = vmb_sy(stl, spt);
		if (!ret)
			ret = vmb_frame_submits(s, &fl, f, 3, vmb_synth_param(s, "gpu_util"), NULL,
						0, &in, spt ? 1 : 0);
	}
	for (uint64_t i = 0; i < nres && !ret; i++)
		ret = vmb_sparse_res_destroy(s, &res[i], &pool);
	if (!ret)
		ret = vmb_tile_pool_destroy(s, &pool);
	free(res);
	free(e);
	free(b.v);
	return ret ? ret : finish(s);
}

const struct vmb_archetype vmb_arch_scenarios[] = {
    {"prt-unmap-implicit-sync",
     "S1: amdgpu PRT NULL remaps overlapping long jobs; stalls under --sync=implicit", "scenario",
     VMB_DRIVER_AMDGPU, DRV(VMB_DRIVER_AMDGPU), 120, prt_params, gen_prt_unmap},
    {"shared-bind-queue-hol",
     "S2: sparse bind with a late in-fence head-of-line blocks BO binds on a shared queue",
     "scenario", VMB_DRIVER_XE, DRV(VMB_DRIVER_XE) | DRV(VMB_DRIVER_MSM), 120, hol_params,
     gen_shared_hol},
    {"tlb-invalidation-storm",
     "S3: 1e4/s scattered 64 KiB unbind/rebind with 16 exec queues; TLB flush per ioctl",
     "scenario", VMB_DRIVER_XE, DRV_ALL, 100, tlb_params, gen_tlb_storm},
    {"split-amplification",
     "S4: 4096 scattered 64 KiB remaps inside a 2 MiB-page mapping in one ioctl", "scenario",
     VMB_DRIVER_XE, DRV_ALL, 30, split_params, gen_split},
    {"per-tile-fanout",
     "S5: 200 reserved resources, 2000 single-tile binds/frame: per-tile ioctls vs one", "scenario",
     VMB_DRIVER_AMDGPU, DRV_ALL, 60, fanout_params, gen_fanout},
    {0},
};
