// SPDX-License-Identifier: MIT
/*
 * arch_sparse.c - sparse-resource archetypes (workloads.md §6):
 *   A3 vkd3d-tiled     vkd3d-proton tiled-resource streaming (D3D12
 *                      UpdateTileMappings, batched per ExecuteCommandLists)
 *   A4 ue5-pool-resize UE5 reserved-resource pool resize (VSM page pool)
 *   A5 sparse-vt       Vulkan-native sparse virtual texture / shadow map
 * Every flush is one vkQueueBindSparse; vmb_lower_sparse_bind() turns it
 * into the driver's ioctls.
 */
#include <errno.h>
#include <stdlib.h>

#include "sparse.h"

/* movement spikes: a two-state Markov chain that stays moving with p = 0.9 [E] */
static bool camera_step(struct vmb_synth *s, bool moving, double frac)
{
	double p_start;

	if (frac >= 1)
		return true;
	p_start = frac * 0.1 / (1 - frac);
	return moving ? vmb_rng_chance(&s->rng, 0.9) : vmb_rng_chance(&s->rng, p_start);
}

/* ------------------------------------------------------------------ A3 */

static const struct vmb_synth_param vkd3d_params[] = {
    {"fps", 60, "frame rate [E]"},
    {"submits_min", 5, "ExecuteCommandLists per frame, low [E]"},
    {"submits_max", 20, "ExecuteCommandLists per frame, high [E]"},
    {"gpu_util", 0.7, "GPU busy share of a frame [E]"},
    {"resources", 6, "reserved (tiled) resources [E]"},
    {"res_min_mib", 16, "reserved resource size, low [P]+[E]"},
    {"res_max_mib", 4096, "reserved resource size, high (>4 GiB exists) [P]+[E]"},
    {"heaps", 8, "D3D12 heaps backing the tiles [E]"},
    {"heap_mib", 64, "heap size, 4-64 MiB [C]+[E]"},
    {"move_fraction", 0.3, "share of frames with camera movement [E]"},
    {"tiles_move_min", 50, "tile (re)mappings per moving frame, low [E]"},
    {"tiles_move_max", 500, "tile (re)mappings per moving frame, high [E]"},
    {"tiles_static_max", 20, "tile (re)mappings per static frame, high [E]"},
    {"flushes_max", 4, "vkQueueBindSparse flushes per frame, 1-4 [E]"},
    {"null_fraction", 0.4, "share of NULL (evict) tile ops, 30-50% [E]"},
    {"run_max", 8, "tiles per UpdateTileMappings region, high [E]"},
    {NULL, 0, NULL},
};

struct tiled {
	struct vmb_sparse_res *res;
	size_t n_res;
	struct vmb_tile_pool pool;
	struct vmb_tile_batch batch;
	uint32_t qtl;
	uint64_t qpt;
};

/* flush the pending batch: waits on the queue timeline N-1, signals N [C] */
static int tiled_flush(struct vmb_synth *s, struct tiled *td)
{
	struct vmb_sync w = vmb_sy(td->qtl, td->qpt), sig;
	int ret;

	if (!td->batch.n)
		return 0;
	sig = vmb_sy(td->qtl, td->qpt + 1);
	ret = vmb_lower_sparse_bind(s, td->batch.v, td->batch.n, td->qpt ? &w : NULL, &sig);
	td->qpt++;
	td->batch.n = 0;
	td->batch.id++;
	return ret;
}

/* one UpdateTileMappings region: a run of tiles mapped or NULLed */
static int tiled_region(struct vmb_synth *s, struct tiled *td, double null_frac, uint64_t run_max,
			uint64_t *left)
{
	struct vmb_sparse_res *r = &td->res[vmb_rng_below(&s->rng, td->n_res)];
	uint64_t len = vmb_rng_range(&s->rng, 1, run_max), t0;
	bool null = r->n_mapped && vmb_rng_chance(&s->rng, null_frac);
	int ret = 0;

	if (len > *left)
		len = *left;
	if (len > r->n_tiles)
		len = r->n_tiles;
	t0 = vmb_rng_below(&s->rng, r->n_tiles - len + 1);
	if (null) { /* evict: start the run at a mapped tile */
		for (int tries = 0; tries < 16 && r->tile[t0] == TILE_NULL; tries++)
			t0 = vmb_rng_below(&s->rng, r->n_tiles - len + 1);
	}
	for (uint64_t t = t0; t < t0 + len && !ret; t++) {
		struct vmb_tile_op *op;
		uint32_t pt = TILE_NULL;

		if (r->mark[t] == td->batch.id + 1) /* re-mapped within the batch: flush [C] */
			ret = tiled_flush(s, td);
		if (!null && !vmb_tile_pool_get(&td->pool, &pt))
			pt = TILE_NULL; /* pool exhausted: becomes an eviction */
		op = vmb_tile_batch_add(&td->batch);
		if (!op)
			return -ENOMEM;
		vmb_sparse_tile_set(r, t, &td->pool, pt, op);
		r->mark[t] = td->batch.id + 1;
		(*left)--;
	}
	return ret;
}

static int gen_vkd3d_tiled(struct vmb_synth *s)
{
	struct tiled td = {0};
	struct vmb_frame_loop fl;
	double null_frac = vmb_synth_param(s, "null_fraction");
	uint64_t run_max = vmb_synth_param_u64(s, "run_max");
	bool moving = false;
	int ret;

	td.n_res = vmb_synth_param_u64(s, "resources");
	td.res = calloc(td.n_res ? td.n_res : 1, sizeof(*td.res));
	if (!td.res || !td.n_res)
		return td.res ? -EINVAL : -ENOMEM;
	ret = vmb_tile_pool_create(s, &td.pool, vmb_synth_param_u64(s, "heaps"),
				   vmb_synth_param_u64(s, "heap_mib") * MIB);
	/* every reserved resource starts all-NULL (~0.5 ms each [P: PR #2202]) */
	for (size_t i = 0; i < td.n_res && !ret; i++)
		ret = vmb_sparse_res_create(
		    s, &td.res[i],
		    vmb_rng_log_uniform(&s->rng, vmb_synth_param_u64(s, "res_min_mib") * MIB,
					vmb_synth_param_u64(s, "res_max_mib") * MIB, TILE_SIZE));
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &td.qtl);
	if (!ret)
		ret = vmb_frame_loop_init(s, &fl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		uint64_t k, n_fl, tiles;

		ret = vmb_frame_begin(s, &fl, f);
		moving = camera_step(s, moving, vmb_synth_param(s, "move_fraction"));
		tiles = moving
			    ? vmb_rng_range(&s->rng, vmb_synth_param_u64(s, "tiles_move_min"),
					    vmb_synth_param_u64(s, "tiles_move_max"))
			    : vmb_rng_range(&s->rng, 0, vmb_synth_param_u64(s, "tiles_static_max"));
		k = vmb_rng_range(&s->rng, vmb_synth_param_u64(s, "submits_min"),
				  vmb_synth_param_u64(s, "submits_max"));
		k = k ? k : 1;
		n_fl = vmb_rng_range(&s->rng, 1, vmb_synth_param_u64(s, "flushes_max"));
		n_fl = n_fl < k ? n_fl : k;
		for (uint64_t i = 0; i < k && !ret; i++) {
			/* the tiles queued before this ExecuteCommandLists, flushed by it */
			uint64_t share = i < n_fl ? tiles / n_fl + (i < tiles % n_fl) : 0;
			struct vmb_sync in = vmb_sy(td.qtl, td.qpt), out[2];
			size_t n_out = 1;

			while (share && !ret)
				ret =
				    tiled_region(s, &td, null_frac, run_max ? run_max : 1, &share);
			if (!ret)
				ret = tiled_flush(s, &td);
			if (ret)
				break;
			in.point = td.qpt;
			out[0] = vmb_sy(td.qtl, td.qpt + 1);
			if (i + 1 == k)
				out[n_out++] = vmb_sy(fl.tl, f + 1);
			vmb_synth_advance(s, vmb_rng_jitter(&s->rng, fl.period / 2 / (k + 1), 0.5));
			ret = vmb_lower_submit(
			    s, s->low.gfx, NULL, 0, &in, td.qpt ? 1 : 0, out, n_out,
			    vmb_rng_jitter(
				&s->rng, (uint64_t)(fl.period * vmb_synth_param(s, "gpu_util")) / k,
				0.3));
			td.qpt++;
		}
	}
	for (size_t i = 0; i < td.n_res && !ret; i++)
		ret = vmb_sparse_res_destroy(s, &td.res[i], &td.pool);
	if (!ret)
		ret = vmb_tile_pool_destroy(s, &td.pool);
	if (!ret)
		ret = vmb_emit_vm_destroy(s, s->low.vm);
	free(td.res);
	free(td.batch.v);
	return ret;
}

/* ------------------------------------------------------------------ A4 */

static const struct vmb_synth_param ue5_params[] = {
    {"fps", 60, "frame rate [E]"},
    {"submits_min", 5, "submits per frame, low [E]"},
    {"submits_max", 12, "submits per frame, high [E]"},
    {"gpu_util", 0.7, "GPU busy share of a frame [E]"},
    {"pool_mib", 128, "VSM pool: MaxPhysicalPages 2048 x 64 KiB [C]"},
    {"pool_max_mib", 512, "pool on a high preset (4096-12288 pages) [C]+[E]"},
    {"heap_mib", 16, "d3d12.ReservedResourceHeapSizeMB, 256 tiles [C]"},
    {"resize_every_s", 5, "scalability/resolution change period [E]"},
    {NULL, 0, NULL},
};

/* one UpdateTileMappings region per heap, one op per 64 KiB tile [C] */
static int ue5_region(struct vmb_tile_batch *b, uint64_t va, uint64_t size,
		      const struct vmb_alloc *heap)
{
	for (uint64_t off = 0; off < size; off += TILE_SIZE) {
		struct vmb_tile_op *op = vmb_tile_batch_add(b);

		if (!op)
			return -ENOMEM;
		op->va = va + off;
		op->range = TILE_SIZE;
		op->bo = heap ? heap->bo : 0;
		op->offset = heap ? off : 0;
	}
	return 0;
}

static int gen_ue5_pool(struct vmb_synth *s)
{
	uint64_t heap = vmb_synth_param_u64(s, "heap_mib") * MIB;
	uint64_t lo = vmb_synth_param_u64(s, "pool_mib") * MIB / (heap ? heap : 1);
	uint64_t hi = vmb_synth_param_u64(s, "pool_max_mib") * MIB / (heap ? heap : 1);
	uint64_t every = (uint64_t)(vmb_synth_param(s, "resize_every_s") * s->fps);
	struct vmb_tile_batch b = {0};
	struct vmb_frame_loop fl;
	struct vmb_alloc *heaps;
	uint64_t cur = 0, va = 0, qpt = 0;
	uint32_t qtl;
	int ret;

	if (!heap || !lo || hi < lo)
		return -EINVAL;
	heaps = calloc(hi, sizeof(*heaps));
	if (!heaps)
		return -ENOMEM;
	/* the reserved resource covers the largest pool; it starts all-NULL */
	ret = vmb_lower_sparse_create(s, hi * heap, &va);
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &qtl);
	if (!ret)
		ret = vmb_frame_loop_init(s, &fl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		uint64_t target = cur, k;
		struct vmb_sync in, sig;
		bool flushed = false;

		ret = vmb_frame_begin(s, &fl, f);
		if (f == 0)
			target = lo;
		else if (every && f % every == 0)
			target = cur == lo ? hi : lo;
		/* grow: new 16 MiB heaps mapped as linear tile ranges into NULL [C] */
		for (; cur < target && !ret; cur++) {
			ret = vmb_lower_alloc(s, heap, VMB_A_VRAM, &heaps[cur]);
			if (!ret)
				ret = ue5_region(&b, va + cur * heap, heap, &heaps[cur]);
		}
		/* shrink: NULL-map the tail, drop the emptied heaps afterwards [C] */
		for (uint64_t c = cur; c > target && !ret; c--)
			ret = ue5_region(&b, va + (c - 1) * heap, heap, NULL);
		if (!ret && b.n) {
			in = vmb_sy(qtl, qpt);
			sig = vmb_sy(qtl, ++qpt);
			ret = vmb_lower_sparse_bind(s, b.v, b.n, qpt > 1 ? &in : NULL, &sig);
			b.n = 0;
			flushed = true;
		}
		for (; cur > target && !ret; cur--)
			ret = vmb_lower_free(s, &heaps[cur - 1]);
		k = vmb_rng_range(&s->rng, vmb_synth_param_u64(s, "submits_min"),
				  vmb_synth_param_u64(s, "submits_max"));
		in = vmb_sy(qtl, qpt);
		if (!ret)
			ret = vmb_frame_submits(s, &fl, f, k ? (unsigned int)k : 1,
						vmb_synth_param(s, "gpu_util"), NULL, 0, &in,
						flushed);
	}
	/* teardown: the resource first, then its heaps */
	if (!ret)
		ret = vmb_lower_sparse_destroy(s, va, hi * heap);
	for (; cur > 0 && !ret; cur--)
		ret = vmb_lower_free(s, &heaps[cur - 1]);
	if (!ret)
		ret = vmb_emit_vm_destroy(s, s->low.vm);
	free(heaps);
	free(b.v);
	return ret;
}

/* ------------------------------------------------------------------ A5 */

static const struct vmb_synth_param svt_params[] = {
    {"fps", 60, "frame rate [E]"},
    {"submits_min", 1, "graphics submits per frame, low [E]"},
    {"submits_max", 3, "graphics submits per frame, high [E]"},
    {"gpu_util", 0.7, "GPU busy share of a frame [E]"},
    {"image_mib", 1024, "sparse image, 16K x 16K RGBA8 [C sample]+[E]"},
    {"pool_mib", 256, "preallocated page pool [E]"},
    {"pool_bos", 2, "VkDeviceMemory objects in the pool, one or a few [C]+[E]"},
    {"move_fraction", 0.5, "share of frames with camera movement [E]"},
    {"pages_min", 100, "page ops per moving frame, low [E]"},
    {"pages_max", 2000, "page ops per moving frame, high [E]"},
    {"blocks_per_cycle", 1500, "update cap, the sample's 50 x 30 grid [C]"},
    {"null_fraction", 0.45, "share of unbind (NULL) page ops, 40-50% [E]"},
    {NULL, 0, NULL},
};

static int gen_sparse_vt(struct vmb_synth *s)
{
	uint64_t nbo = vmb_synth_param_u64(s, "pool_bos");
	uint64_t cap = vmb_synth_param_u64(s, "blocks_per_cycle");
	double null_frac = vmb_synth_param(s, "null_fraction");
	struct vmb_tile_batch b = {0};
	struct vmb_sparse_res img;
	struct vmb_tile_pool pool;
	struct vmb_frame_loop fl;
	bool moving = false;
	uint64_t spt = 0;
	uint32_t stl;
	int ret;

	nbo = nbo ? nbo : 1;
	ret = vmb_tile_pool_create(
	    s, &pool, nbo, vmb_synth_param_u64(s, "pool_mib") * MIB / nbo / TILE_SIZE * TILE_SIZE);
	if (!ret)
		ret = vmb_sparse_res_create(s, &img, vmb_synth_param_u64(s, "image_mib") * MIB);
	if (!ret)
		ret = vmb_emit_syncobj_create(s, true, false, &stl);
	if (!ret)
		ret = vmb_frame_loop_init(s, &fl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		uint64_t n = 0, k;
		struct vmb_sync sig, in;

		ret = vmb_frame_begin(s, &fl, f);
		moving = camera_step(s, moving, vmb_synth_param(s, "move_fraction"));
		if (moving)
			n = vmb_rng_range(&s->rng, vmb_synth_param_u64(s, "pages_min"),
					  vmb_synth_param_u64(s, "pages_max"));
		n = n < cap ? n : cap;
		b.id++;
		for (uint64_t i = 0; i < n && !ret; i++) {
			uint64_t t = vmb_rng_below(&s->rng, img.n_tiles);
			uint32_t pt = TILE_NULL;
			struct vmb_tile_op *op;

			if (img.n_mapped && vmb_rng_chance(&s->rng, null_frac)) {
				for (int tries = 0; tries < 16 && img.tile[t] == TILE_NULL; tries++)
					t = vmb_rng_below(&s->rng, img.n_tiles);
			} else if (!vmb_tile_pool_get(&pool, &pt)) {
				pt = TILE_NULL; /* pool full: this page is dropped instead */
			}
			if (img.mark[t] == b.id) { /* one bind per page per cycle */
				if (pt != TILE_NULL)
					vmb_tile_pool_put(&pool, pt);
				continue;
			}
			op = vmb_tile_batch_add(&b);
			if (!op)
				return -ENOMEM;
			vmb_sparse_tile_set(&img, t, &pool, pt, op);
			img.mark[t] = b.id;
		}
		/* one vkQueueBindSparse, then graphics submits chained on its semaphore */
		sig = vmb_sy(stl, spt + 1);
		if (!ret && b.n) {
			ret = vmb_lower_sparse_bind(s, b.v, b.n, NULL, &sig);
			spt++;
		}
		b.n = 0;
		in = vmb_sy(stl, spt);
		k = vmb_rng_range(&s->rng, vmb_synth_param_u64(s, "submits_min"),
				  vmb_synth_param_u64(s, "submits_max"));
		if (!ret)
			ret = vmb_frame_submits(s, &fl, f, k ? (unsigned int)k : 1,
						vmb_synth_param(s, "gpu_util"), NULL, 0, &in,
						spt ? 1 : 0);
	}
	if (!ret)
		ret = vmb_sparse_res_destroy(s, &img, &pool);
	if (!ret)
		ret = vmb_tile_pool_destroy(s, &pool);
	if (!ret)
		ret = vmb_emit_vm_destroy(s, s->low.vm);
	free(b.v);
	return ret;
}

const struct vmb_archetype vmb_arch_sparse[] = {
    {"vkd3d-tiled", "A3: vkd3d-proton tiled-resource streaming, batched UpdateTileMappings",
     "archetype", VMB_DRIVER_AMDGPU, DRV_ALL, 600, vkd3d_params, gen_vkd3d_tiled},
    {"ue5-pool-resize", "A4: UE5 reserved-resource pool (VSM) grown/shrunk in 16 MiB heap steps",
     "archetype", VMB_DRIVER_XE, DRV_ALL, 1200, ue5_params, gen_ue5_pool},
    {"sparse-vt", "A5: Vulkan sparse virtual texture: 100-2000 page binds/unbinds per frame",
     "archetype", VMB_DRIVER_NOUVEAU, DRV_ALL, 300, svt_params, gen_sparse_vt},
    {0},
};
