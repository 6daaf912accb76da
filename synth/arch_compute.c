// SPDX-License-Identifier: MIT
/*
 * arch_compute.c - compute and mobile archetypes (workloads.md §6):
 *   A6 compute-userptr  SVM/userptr churn: imports, partial munmaps,
 *                       NUMA-balancing invalidations
 *   A7 ml-elastic       ML framework elastic memory (expandable segments,
 *                       KV-cache pages) mapped into a VA reservation
 *   A9 tiler-per-bo     tiler/mobile: one async VM_BIND per small BO whose
 *                       fence gates later submits
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "live.h"
#include "sparse.h"

/* ------------------------------------------------------------------ A6 */

static const struct vmb_synth_param svm_params[] = {
    {"fps", 100, "compute batches per second [E]"},
    {"gpu_util", 0.8, "GPU busy share of a batch period [E]"},
    {"ranges", 32, "userptr ranges live at once [E]"},
    {"range_min_kib", 4, "range size, low [C]"},
    {"range_max_mib", 256, "range size, high (1 GiB possible) [C]+[E]"},
    {"ops_per_s", 2000, "churn events per s; stress runs reach 1e5 [E]"},
    {"partial_fraction", 0.5, "share of events that munmap a sub-range [C]+[E]"},
    {"numa_scan_s", 2, "auto-NUMA scan period, invalidates a live range [P]+[E]"},
    {NULL, 0, NULL},
};

static int svm_import(struct vmb_synth *s, struct vmb_live_set *ls)
{
	struct vmb_live *l = vmb_live_add(ls);
	uint64_t size;

	if (!l)
		return -ENOMEM;
	size = vmb_rng_log_uniform(&s->rng, vmb_synth_param_u64(s, "range_min_kib") * KIB,
				   vmb_synth_param_u64(s, "range_max_mib") * MIB, 4 * KIB);
	return vmb_lower_userptr_import(s, size, &l->a);
}

/* munmap of a page-aligned sub-range: notifier, then the runtime unbinds it (split) */
static int svm_partial(struct vmb_synth *s, struct vmb_alloc *a)
{
	uint64_t pages = a->size / (4 * KIB), first, n;
	struct vmb_bind_entry e;
	int ret;

	if (pages < 3)
		return 0;
	n = vmb_rng_range(&s->rng, 1, pages / 2);
	first = vmb_rng_range(&s->rng, 1, pages - n - 1); /* strictly inside: a split */
	ret = vmb_emit_cpu_unmap(s, a->cpu + first * 4 * KIB, n * 4 * KIB);
	if (ret)
		return ret;
	e = vmb_be_unmap(a->va + first * 4 * KIB, n * 4 * KIB);
	return vmb_lower_bind(s, &e, 1);
}

static int gen_compute_userptr(struct vmb_synth *s)
{
	struct vmb_live_set ls = {0};
	uint64_t period = (uint64_t)(1e9 / s->fps), next_ev, next_numa, nr;
	double rate = vmb_synth_param(s, "ops_per_s");
	uint32_t cq, tl;
	int ret;

	nr = vmb_synth_param_u64(s, "ranges");
	ret = vmb_emit_queue_create(s, s->low.vm, VMB_ENGINE_COMPUTE, &cq);
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &tl);
	for (uint64_t i = 0; i < nr && !ret; i++)
		ret = svm_import(s, &ls);
	next_ev = s->t;
	next_numa = vmb_sat_add(s->t, vmb_period_ns(vmb_synth_param(s, "numa_scan_s")));
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		uint64_t end = f * period + period;
		struct vmb_sync in = vmb_sy(tl, f - 1), out = vmb_sy(tl, f + 1);

		ret = vmb_emit_frame(s, f);
		/* the runtime keeps two batches in flight [E] */
		if (!ret && f >= 2)
			ret = vmb_emit_wait(s, &in, 1);
		while (next_ev < end && !ret && ls.n) {
			size_t i = vmb_rng_below(&s->rng, ls.n);

			vmb_synth_at_least(s, next_ev);
			next_ev = vmb_sat_add(next_ev, vmb_rng_exp_ns(&s->rng, rate));
			if (vmb_rng_chance(&s->rng, vmb_synth_param(s, "partial_fraction"))) {
				ret = svm_partial(s, &ls.v[i].a);
			} else { /* free() of a whole range, and a new allocation */
				ret = vmb_lower_userptr_free(s, &ls.v[i].a);
				vmb_live_del(&ls, i);
				if (!ret)
					ret = svm_import(s, &ls);
			}
		}
		while (next_numa < end && !ret && ls.n) {
			const struct vmb_alloc *a = &ls.v[vmb_rng_below(&s->rng, ls.n)].a;

			next_numa = vmb_sat_add(next_numa,
						vmb_period_ns(vmb_synth_param(s, "numa_scan_s")));
			/* NUMA balancing moves the pages: an invalidation, no munmap */
			ret = vmb_emit_cpu_migrate(s, a->cpu, a->size);
		}
		vmb_synth_at_least(s, f * period + period / 10);
		if (!ret)
			ret = vmb_lower_submit(
			    s, cq, NULL, 0, NULL, 0, &out, 1,
			    vmb_rng_jitter(
				&s->rng, (uint64_t)(period * vmb_synth_param(s, "gpu_util")), 0.2));
	}
	while (ls.n && !ret) {
		ret = vmb_lower_userptr_free(s, &ls.v[ls.n - 1].a);
		ls.n--;
	}
	if (!ret)
		ret = vmb_emit_vm_destroy(s, s->low.vm);
	vmb_live_fini(&ls);
	return ret;
}

/* ------------------------------------------------------------------ A7 */

static const struct vmb_synth_param ml_params[] = {
    {"fps", 50, "training/inference steps per second [E]"},
    {"gpu_util", 0.85, "GPU busy share of a step [E]"},
    {"device_gib", 16, "device memory [E]"},
    {"reserve_factor", 1.125, "VA reservation / device memory [C]"},
    {"small_mib", 2, "small-pool / KV page handle [C]"},
    {"large_mib", 20, "large-pool handle [C]"},
    {"large_fraction", 0.3, "share of large handles [E]"},
    {"ops_per_s", 200, "map/unmap ops per s, 10-1000 [E]"},
    {"burst_prob", 0.1, "chance a step is a burst (x5 ops) [E]"},
    {"shrink_every_s", 10, "memory-pressure shrink period [E]"},
    {NULL, 0, NULL},
};

/* ROCm/CUDA-like VMM calls are synchronous to the caller: bind, then wait [P] */
static int ml_bind(struct vmb_synth *s, uint32_t tl, uint64_t *pt, const struct vmb_bind_entry *e)
{
	struct vmb_sync y = vmb_sy(tl, *pt + 1);
	int ret;

	if (s->driver != VMB_DRIVER_AMDGPU && s->driver != VMB_DRIVER_XE)
		return vmb_lower_sync_bind(s, s->low.bind_q, e, 1);
	ret = vmb_emit_bind(s, s->low.vm, s->low.bind_q, e, 1, NULL, 0, &y, 1);
	(*pt)++;
	return ret ? ret : vmb_emit_wait(s, &y, 1);
}

static int gen_ml_elastic(struct vmb_synth *s)
{
	uint64_t dev = vmb_synth_param_u64(s, "device_gib") * GIB;
	uint64_t resv = (uint64_t)((double)dev * vmb_synth_param(s, "reserve_factor"));
	uint64_t small = vmb_synth_param_u64(s, "small_mib") * MIB;
	uint64_t large = vmb_synth_param_u64(s, "large_mib") * MIB;
	uint64_t period = (uint64_t)(1e9 / s->fps), base = 0, mapped = 0, target, pt = 0;
	uint64_t shrink = (uint64_t)(vmb_synth_param(s, "shrink_every_s") * s->fps);
	double per_step = vmb_synth_param(s, "ops_per_s") / s->fps;
	struct vmb_live_set ls = {0};
	struct vmb_ralloc slots;
	uint32_t cq, tl, ftl;
	int ret;

	resv &= ~(2 * MIB - 1);
	if (!small || !large || !resv)
		return -EINVAL;
	ret = vmb_ralloc_get(&s->low.va, resv, 2 * MIB, &base);
	if (ret)
		return ret;
	vmb_ralloc_init(&slots, base, resv);
	target = dev / 2;
	ret = vmb_emit_queue_create(s, s->low.vm, VMB_ENGINE_COMPUTE, &cq);
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &tl);
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &ftl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		struct vmb_sync in = vmb_sy(ftl, f - 1), out = vmb_sy(ftl, f + 1);
		uint64_t nops =
		    (uint64_t)per_step + vmb_rng_chance(&s->rng, per_step - (uint64_t)per_step);

		vmb_synth_at_least(s, f * period);
		ret = vmb_emit_frame(s, f);
		if (!ret && f >= 2)
			ret = vmb_emit_wait(s, &in, 1);
		if (vmb_rng_chance(&s->rng, vmb_synth_param(s, "burst_prob")))
			nops *= 5;
		/* token growth / completion: a random walk of the mapped target [E] */
		target += (vmb_rng_unit(&s->rng) - 0.45) * (double)dev * 0.02;
		if (target < dev * 3 / 10 || target > dev)
			target = dev * 3 / 10;
		if (shrink && f && f % shrink == 0)
			target = dev * 3 / 10; /* memory pressure: release down to 30% */
		for (uint64_t i = 0; i < nops && !ret; i++) {
			struct vmb_bind_entry e;
			struct vmb_live *l;

			if (mapped < target || !ls.n) {
				uint64_t size =
				    vmb_rng_chance(&s->rng, vmb_synth_param(s, "large_fraction"))
					? large
					: small;
				uint64_t va;

				if (vmb_ralloc_get(&slots, size, 2 * MIB, &va))
					continue; /* reservation full */
				l = vmb_live_add(&ls);
				if (!l)
					return -ENOMEM;
				l->a.va = va;
				l->a.size = size;
				ret = vmb_emit_bo_create(s, size, VMB_PLACE_VRAM, s->low.vm, 0,
							 &l->a.bo);
				e = vmb_be_map(va, size, l->a.bo, 0);
				if (!ret)
					ret = ml_bind(s, tl, &pt, &e);
				mapped += size;
			} else {
				size_t k = vmb_rng_below(&s->rng, ls.n);

				l = &ls.v[k];
				e = vmb_be_unmap(l->a.va, l->a.size);
				ret = ml_bind(s, tl, &pt, &e);
				if (!ret)
					ret = vmb_emit_bo_close(s, l->a.bo);
				vmb_ralloc_put(&slots, l->a.va, l->a.size);
				mapped -= l->a.size;
				vmb_live_del(&ls, k);
			}
		}
		if (!ret)
			ret = vmb_lower_submit(
			    s, cq, NULL, 0, NULL, 0, &out, 1,
			    vmb_rng_jitter(
				&s->rng, (uint64_t)(period * vmb_synth_param(s, "gpu_util")), 0.1));
	}
	while (ls.n && !ret) {
		struct vmb_live *l = &ls.v[--ls.n];
		struct vmb_bind_entry e = vmb_be_unmap(l->a.va, l->a.size);

		ret = ml_bind(s, tl, &pt, &e);
		if (!ret)
			ret = vmb_emit_bo_close(s, l->a.bo);
	}
	if (!ret)
		ret = vmb_emit_vm_destroy(s, s->low.vm);
	vmb_ralloc_fini(&slots);
	vmb_live_fini(&ls);
	return ret;
}

/* ------------------------------------------------------------------ A9 */

static const struct vmb_synth_param tiler_params[] = {
    {"fps", 60, "frame rate [E]"},
    {"submits_min", 1, "submits per frame, low [E]"},
    {"submits_max", 3, "submits per frame, high [E]"},
    {"gpu_util", 0.6, "GPU busy share of a frame [E]"},
    {"load_bos", 2000, "BOs created at load, 1e3-1e4 [E]"},
    {"load_s", 2, "load duration [E]"},
    {"size_min_kib", 4, "BO size, low [E]"},
    {"size_max_mib", 16, "BO size, high [E]"},
    {"steady_per_s", 20, "BO allocations per s in steady state, 0-50 [E]"},
    {"life_s", 3, "mean lifetime of a steady-state BO [E]"},
    {"sparse_tiles", 16, "sparse page binds per frame (0 = no sparse) [E]"},
    {NULL, 0, NULL},
};

static int tiler_alloc(struct vmb_synth *s, struct vmb_live_set *ls, uint64_t expire)
{
	struct vmb_live *l = vmb_live_add(ls);

	if (!l)
		return -ENOMEM;
	l->expire = expire;
	return vmb_lower_alloc(
	    s,
	    vmb_rng_log_uniform(&s->rng, vmb_synth_param_u64(s, "size_min_kib") * KIB,
				vmb_synth_param_u64(s, "size_max_mib") * MIB, 4 * KIB),
	    0, &l->a);
}

static int gen_tiler(struct vmb_synth *s)
{
	uint64_t load = vmb_synth_param_u64(s, "load_bos"), made = 0, next_ev = 0, spt = 0;
	uint64_t load_frames = (uint64_t)(vmb_synth_param(s, "load_s") * s->fps);
	uint64_t nsp = vmb_synth_param_u64(s, "sparse_tiles");
	struct vmb_live_set ls = {0};
	struct vmb_tile_batch b = {0};
	struct vmb_sparse_res res = {0};
	struct vmb_tile_pool pool = {0};
	struct vmb_frame_loop fl;
	uint32_t stl = 0;
	int ret = 0;

	load_frames = load_frames ? load_frames : 1;
	if (nsp) {
		ret = vmb_tile_pool_create(s, &pool, 1, 32 * MIB);
		if (!ret)
			ret = vmb_sparse_res_create(s, &res, 256 * MIB);
		if (!ret)
			ret = vmb_emit_syncobj_create(s, true, false, &stl);
	}
	if (!ret)
		ret = vmb_frame_loop_init(s, &fl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		uint64_t want = f < load_frames ? load * (f + 1) / load_frames : load, k;
		struct vmb_sync in = vmb_sy(stl, spt);

		ret = vmb_frame_begin(s, &fl, f);
		while (made < want && !ret) {
			ret = tiler_alloc(s, &ls, UINT64_MAX);
			made++;
		}
		if (f == load_frames)
			next_ev = s->t;
		for (size_t i = 0; i < ls.n && !ret && f >= load_frames; i++) {
			if (ls.v[i].expire <= s->t) {
				ret = vmb_lower_free(s, &ls.v[i].a);
				vmb_live_del(&ls, i--);
			}
		}
		while (f >= load_frames && next_ev <= s->t && !ret) {
			next_ev = vmb_sat_add(
			    next_ev, vmb_rng_exp_ns(&s->rng, vmb_synth_param(s, "steady_per_s")));
			ret = tiler_alloc(
			    s, &ls,
			    vmb_sat_add(
				s->t, vmb_rng_exp_ns(&s->rng, 1.0 / vmb_synth_param(s, "life_s"))));
		}
		/* scattered sparse page binds: turnip sorts them by iova [C] */
		for (uint64_t i = 0; i < nsp && !ret; i++) {
			uint64_t t = vmb_rng_below(&s->rng, res.n_tiles);
			uint32_t ptile = TILE_NULL;
			struct vmb_tile_op *op = vmb_tile_batch_add(&b);

			if (!op)
				return -ENOMEM;
			if (res.tile[t] == TILE_NULL && !vmb_tile_pool_get(&pool, &ptile))
				ptile = TILE_NULL;
			vmb_sparse_tile_set(&res, t, &pool, ptile, op);
		}
		if (!ret && b.n) {
			struct vmb_sync sig = vmb_sy(stl, spt + 1);

			ret = vmb_lower_sparse_bind(s, b.v, b.n, spt ? &in : NULL, &sig);
			spt++;
			b.n = 0;
		}
		in = vmb_sy(stl, spt);
		k = vmb_rng_range(&s->rng, vmb_synth_param_u64(s, "submits_min"),
				  vmb_synth_param_u64(s, "submits_max"));
		if (!ret)
			ret = vmb_frame_submits(s, &fl, f, k ? (unsigned int)k : 1,
						vmb_synth_param(s, "gpu_util"), NULL, 0, &in,
						spt ? 1 : 0);
	}
	if (!ret && nsp)
		ret = vmb_sparse_res_destroy(s, &res, &pool);
	if (!ret && nsp)
		ret = vmb_tile_pool_destroy(s, &pool);
	while (ls.n && !ret) {
		ret = vmb_lower_free(s, &ls.v[ls.n - 1].a);
		ls.n--;
	}
	if (!ret)
		ret = vmb_emit_vm_destroy(s, s->low.vm);
	vmb_live_fini(&ls);
	free(b.v);
	return ret;
}

const struct vmb_archetype vmb_arch_compute[] = {
    {"compute-userptr",
     "A6: compute SVM/userptr churn: imports, partial munmaps, NUMA invalidations", "archetype",
     VMB_DRIVER_XE, DRV(VMB_DRIVER_XE) | DRV(VMB_DRIVER_AMDGPU), 200, svm_params,
     gen_compute_userptr},
    {"ml-elastic", "A7: ML elastic memory: 2/20 MiB handles mapped into a VA reservation",
     "archetype", VMB_DRIVER_AMDGPU, DRV_ALL, 500, ml_params, gen_ml_elastic},
    {"tiler-per-bo", "A9: tiler/mobile: one async VM_BIND per small BO, fence gates submits",
     "archetype", VMB_DRIVER_MSM, DRV(VMB_DRIVER_MSM) | DRV(VMB_DRIVER_PANTHOR), 300, tiler_params,
     gen_tiler},
    {0},
};
