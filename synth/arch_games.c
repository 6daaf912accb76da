// SPDX-License-Identifier: MIT
/*
 * arch_games.c - game archetypes without sparse resources (workloads.md §6):
 *   A1 dxvk-steady     DXVK D3D9/D3D11 steady state (chunk allocator)
 *   A2 level-load      level-load burst, D3D12 heap streaming, unload storm
 *   A8 wow64-userptr   32-bit DXVK under WoW64: host-visible memory imported
 *                      as userptr, mmu-notifier invalidations
 * Parameter sources are tagged in the tables ([P] published, [C] read from
 * source, [E] estimate); traces/README.md repeats them.
 */
#include <errno.h>

#include "live.h"
#include "synth.h"

#define MAX_BOLIST 32

enum { K_CHUNK, K_DEDICATED, K_IMAGE, K_STREAM, K_IMPORT, K_RESERVED };

/*
 * DXVK chunk sizing [C: dxvk_memory.cpp]: the next chunk starts at
 * MinChunkSize and doubles whenever it is <= half of what is allocated.
 */
static uint64_t dxvk_next_chunk(uint64_t next, uint64_t allocated, uint64_t max)
{
	while (next <= allocated / 2 && next < max)
		next *= 2;
	return next < max ? next : max;
}

static int submits_frame(struct vmb_synth *s, struct vmb_frame_loop *fl, uint64_t f,
			 const struct vmb_live_set *ls, const struct vmb_sync *in, size_t n_in)
{
	unsigned int k = (unsigned int)vmb_rng_range(&s->rng, vmb_synth_param_u64(s, "submits_min"),
						     vmb_synth_param_u64(s, "submits_max"));
	uint32_t bos[MAX_BOLIST];
	size_t nb = vmb_live_bos(ls, bos, MAX_BOLIST);

	return vmb_frame_submits(s, fl, f, k ? k : 1, vmb_synth_param(s, "gpu_util"), bos, nb, in,
				 n_in);
}

/* teardown: images first (they live inside chunks), then memory */
static int free_all(struct vmb_synth *s, struct vmb_live_set *ls)
{
	int ret = 0;

	for (size_t i = 0; i < ls->n && !ret; i++) {
		if (ls->v[i].kind == K_IMAGE) {
			ret = vmb_lower_image_unbind(s, ls->v[i].aux, ls->v[i].a.size);
			vmb_live_del(ls, i--);
		}
	}
	while (ls->n && !ret) {
		struct vmb_live *l = &ls->v[ls->n - 1];

		if (l->kind == K_IMPORT)
			ret = vmb_lower_userptr_free(s, &l->a);
		else
			ret = vmb_lower_free(s, &l->a);
		ls->n--;
	}
	return ret;
}

static int end_trace(struct vmb_synth *s, struct vmb_live_set *ls)
{
	int ret = free_all(s, ls);

	vmb_live_fini(ls);
	return ret ? ret : vmb_emit_vm_destroy(s, s->low.vm);
}

/* ------------------------------------------------------------------ A1 */

static const struct vmb_synth_param dxvk_params[] = {
    {"fps", 60, "frame rate [E]"},
    {"submits_min", 2, "vkQueueSubmit per frame, low [E]"},
    {"submits_max", 6, "vkQueueSubmit per frame, high [E]"},
    {"gpu_util", 0.7, "GPU busy share of a frame [E]"},
    {"load_mib", 1536, "device-local memory allocated at load [E]"},
    {"mapped_mib", 192, "host-visible memory allocated at load [E]"},
    {"chunk_min_mib", 4, "DXVK MinChunkSize [C dxvk_memory.h]"},
    {"chunk_max_mib", 256, "DXVK MaxChunkSize, 4096 x 64 KiB pages [C]"},
    {"mapped_max_mib", 64, "max chunk of mapped pools, 256/4 on 64-bit [C]"},
    {"dedicated", 6, "dedicated allocations at load (render targets) [E]"},
    {"dedicated_min_mib", 8, "dedicated size, low (1080p RT) [E]"},
    {"dedicated_max_mib", 128, "dedicated size, high (4K RGBA16F x2) [E]"},
    {"events_per_s", 1, "steady BO bind/unbind events per second, 0-2 [C]+[E]"},
    {"life_s", 10, "mean lifetime of a steady-state allocation [E]"},
    {"idle_free_s", 20, "empty chunk freed after this long unused [C]"},
    {"housekeeping_ms", 500, "DXVK timed-task period [C]"},
    {"defrag_per_s", 0.2,
     "chunks moved by defrag per s, <= 1 per tick; 0 = off (ANV pre-BMG) [C]+[E]"},
    {"nvk_images_per_s", 50,
     "depth/compressed images created per s (binds on nvk only), 10-200 [E]"},
    {"nvk_image_life_s", 4, "mean image lifetime [E]"},
    {NULL, 0, NULL},
};

static int dxvk_alloc(struct vmb_synth *s, struct vmb_live_set *ls, uint64_t size, uint32_t fl,
		      int kind, uint64_t expire, bool import)
{
	struct vmb_live *l = vmb_live_add(ls);

	if (!l)
		return -ENOMEM;
	l->kind = kind;
	l->expire = expire;
	if (import) {
		l->kind = K_IMPORT;
		return vmb_lower_userptr_import(s, size, &l->a);
	}
	return vmb_lower_alloc(s, size, fl, &l->a);
}

/* load-time chunks of one pool, grown the DXVK way */
static int dxvk_pool(struct vmb_synth *s, struct vmb_live_set *ls, uint64_t total, uint64_t max,
		     uint32_t flags, bool import)
{
	uint64_t next = vmb_synth_param_u64(s, "chunk_min_mib") * MIB, allocated = 0;
	int ret = 0;

	if (!next || max < next)
		return -EINVAL;

	while (allocated < total && !ret) {
		next = dxvk_next_chunk(next, allocated, max);
		ret = dxvk_alloc(s, ls, next, flags, K_CHUNK, UINT64_MAX, import);
		allocated += next;
	}
	return ret;
}

/* images placed in load-time chunks, created and destroyed (nvk binds them) */
static int nvk_images(struct vmb_synth *s, struct vmb_live_set *ls, uint64_t now,
		      uint64_t *next_img)
{
	double rate = vmb_synth_param(s, "nvk_images_per_s");
	uint64_t life = (uint64_t)(vmb_synth_param(s, "nvk_image_life_s") * 1e9);
	int ret = 0;

	for (size_t i = 0; i < ls->n && !ret; i++) {
		struct vmb_live *l = &ls->v[i];

		if (l->kind == K_IMAGE && l->expire <= now) {
			ret = vmb_lower_image_unbind(s, l->aux, l->a.size);
			vmb_live_del(ls, i--);
		}
	}
	while (*next_img <= now && !ret && ls->n) {
		struct vmb_alloc mem = {0};
		struct vmb_live *img;
		uint64_t size, off, kind;

		*next_img = vmb_sat_add(*next_img, vmb_rng_exp_ns(&s->rng, rate));
		for (size_t tries = 0; tries < 8 && !mem.bo; tries++) {
			const struct vmb_live *c = &ls->v[vmb_rng_below(&s->rng, ls->n)];

			if (c->kind == K_CHUNK && c->expire == UINT64_MAX)
				mem = c->a;
		}
		if (!mem.bo)
			continue;
		size = vmb_rng_log_uniform(&s->rng, 64 * KIB,
					   mem.size < 8 * MIB ? mem.size : 8 * MIB, 64 * KIB);
		off = vmb_rng_below(&s->rng, (mem.size - size) / (64 * KIB) + 1) * 64 * KIB;
		/* a depth or compressible-color PTE kind: any non-zero value [E] */
		kind = vmb_rng_range(&s->rng, 1, 0xfe);
		img = vmb_live_add(ls);
		if (!img)
			return -ENOMEM;
		img->kind = K_IMAGE;
		img->expire =
		    vmb_sat_add(now, vmb_rng_exp_ns(&s->rng, 1e9 / (double)(life ? life : 1)));
		img->a.size = size;
		ret = vmb_lower_image_bind(s, &mem, off, size, kind, &img->aux);
	}
	return ret;
}

/*
 * DXVK defragmentation [C: dxvk_memory.cpp, commit 899f48bc]: at most one
 * chunk per housekeeping tick is emptied by copying its live resources into
 * a new chunk (a GPU copy), then freed. Only steady-state chunks are moved
 * here (load-time chunks may hold nvk image planes).
 */
static int dxvk_defrag(struct vmb_synth *s, struct vmb_live_set *ls, uint64_t now)
{
	size_t cand = 0, pick;
	struct vmb_live *l;
	struct vmb_alloc old;
	uint64_t expire;
	uint32_t bos[2];
	int ret;

	for (size_t i = 0; i < ls->n; i++)
		cand += ls->v[i].kind == K_CHUNK && ls->v[i].expire != UINT64_MAX &&
			ls->v[i].expire > now;
	if (!cand)
		return 0;
	pick = vmb_rng_below(&s->rng, cand);
	for (size_t i = 0;; i++) {
		l = &ls->v[i];
		if (l->kind == K_CHUNK && l->expire != UINT64_MAX && l->expire > now && !pick--) {
			old = l->a;
			expire = l->expire;
			vmb_live_del(ls, i);
			break;
		}
	}
	l = vmb_live_add(ls);
	if (!l)
		return -ENOMEM;
	l->kind = K_CHUNK;
	l->expire = expire;
	ret = vmb_lower_alloc(s, old.size, VMB_A_VRAM, &l->a);
	bos[0] = old.bo;
	bos[1] = l->a.bo;
	if (!ret) /* the copy, ~64 GB/s [E] */
		ret = vmb_lower_submit(s, s->low.gfx, bos, 2, NULL, 0, NULL, 0,
				       16 * US * (old.size / MIB + 1));
	return ret ? ret : vmb_lower_free(s, &old);
}

/*
 * Steady-state churn shared by A1 and A8: allocations arrive as a Poisson
 * process; dedicated ones are freed when they expire, chunks become idle
 * and are freed by the housekeeping tick once idle for idle_free_s, one per
 * tick [C: dxvk_memory.cpp].
 */
struct dxvk_state {
	uint64_t next_ev, next_hk, next_img, next_numa, next_staging;
	uint64_t chunk_next, allocated;
};

static int dxvk_steady(struct vmb_synth *s, struct vmb_live_set *ls, struct dxvk_state *st,
		       bool wow64)
{
	uint64_t now = s->t, hk = vmb_synth_param_u64(s, "housekeeping_ms") * MS;
	uint64_t idle = (uint64_t)(vmb_synth_param(s, "idle_free_s") * 1e9);
	double life_rate = 1.0 / vmb_synth_param(s, "life_s");
	int ret = 0;

	for (size_t i = 0; i < ls->n && !ret; i++) {
		struct vmb_live *l = &ls->v[i];

		if (l->kind != K_CHUNK && l->kind != K_IMAGE && l->expire <= now) {
			if (l->kind == K_IMPORT)
				ret = vmb_lower_userptr_free(s, &l->a);
			else
				ret = vmb_lower_free(s, &l->a);
			vmb_live_del(ls, i--);
		}
	}
	while (st->next_hk <= now && !ret) {
		st->next_hk += hk ? hk : MS;
		for (size_t i = 0; i < ls->n; i++) {
			struct vmb_live *l = &ls->v[i];

			if (l->kind == K_CHUNK && l->expire != UINT64_MAX &&
			    l->expire + idle <= st->next_hk) {
				st->allocated -= l->a.size;
				ret = vmb_lower_free(s, &l->a);
				vmb_live_del(ls, i);
				break; /* one chunk per pass */
			}
		}
		if (!ret && vmb_rng_chance(&s->rng, vmb_synth_param(s, "defrag_per_s") *
							(double)(hk ? hk : MS) / 1e9))
			ret = dxvk_defrag(s, ls, now);
	}
	while (st->next_ev <= now && !ret) {
		uint64_t expire = vmb_sat_add(now, vmb_rng_exp_ns(&s->rng, life_rate));
		uint64_t size;

		st->next_ev = vmb_sat_add(
		    st->next_ev, vmb_rng_exp_ns(&s->rng, vmb_synth_param(s, "events_per_s")));
		if (vmb_rng_chance(&s->rng, 0.5)) {
			size = st->chunk_next =
			    dxvk_next_chunk(st->chunk_next, st->allocated,
					    vmb_synth_param_u64(s, "chunk_max_mib") * MIB);
			st->allocated += size;
			ret = dxvk_alloc(s, ls, size, VMB_A_VRAM, K_CHUNK, expire, false);
		} else {
			size = vmb_rng_log_uniform(
			    &s->rng, vmb_synth_param_u64(s, "dedicated_min_mib") * MIB,
			    vmb_synth_param_u64(s, "dedicated_max_mib") * MIB, 64 * KIB);
			ret = dxvk_alloc(s, ls, size, VMB_A_VRAM, K_DEDICATED, expire, false);
		}
	}
	/*
	 * Images are created on every driver (same workload for a seed); only
	 * nvk turns them into kernel binds.
	 */
	if (!ret && !wow64)
		ret = nvk_images(s, ls, now, &st->next_img);
	return ret;
}

static int dxvk_load(struct vmb_synth *s, struct vmb_live_set *ls, struct dxvk_state *st,
		     bool wow64)
{
	uint64_t max = vmb_synth_param_u64(s, "chunk_max_mib") * MIB;
	uint64_t mmax = vmb_synth_param_u64(s, "mapped_max_mib") * MIB;
	uint64_t n = vmb_synth_param_u64(s, "dedicated");
	int ret;

	ret = dxvk_pool(s, ls, vmb_synth_param_u64(s, "load_mib") * MIB, max, VMB_A_VRAM, false);
	if (!ret)
		ret = dxvk_pool(s, ls, vmb_synth_param_u64(s, "mapped_mib") * MIB, mmax, VMB_A_HOST,
				wow64);
	for (uint64_t i = 0; i < n && !ret; i++) {
		uint64_t size = vmb_rng_log_uniform(
		    &s->rng, vmb_synth_param_u64(s, "dedicated_min_mib") * MIB,
		    vmb_synth_param_u64(s, "dedicated_max_mib") * MIB, 64 * KIB);

		ret = dxvk_alloc(s, ls, size, VMB_A_VRAM | (i == 0 ? VMB_A_EXTERNAL : 0), K_CHUNK,
				 UINT64_MAX, false);
	}
	st->chunk_next = vmb_synth_param_u64(s, "chunk_min_mib") * MIB;
	for (size_t i = 0; i < ls->n; i++)
		if (ls->v[i].a.bo && !(ls->v[i].a.cpu))
			st->allocated += ls->v[i].a.size;
	st->next_hk = s->t + vmb_synth_param_u64(s, "housekeeping_ms") * MS;
	st->next_ev =
	    vmb_sat_add(s->t, vmb_rng_exp_ns(&s->rng, vmb_synth_param(s, "events_per_s")));
	st->next_img = s->t;
	return ret;
}

static int gen_dxvk_steady(struct vmb_synth *s)
{
	struct vmb_live_set ls = {0};
	struct vmb_frame_loop fl;
	struct dxvk_state st = {0};
	int ret = dxvk_load(s, &ls, &st, false);

	if (!ret)
		ret = vmb_frame_loop_init(s, &fl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		ret = vmb_frame_begin(s, &fl, f);
		if (!ret)
			ret = dxvk_steady(s, &ls, &st, false);
		if (!ret)
			ret = submits_frame(s, &fl, f, &ls, NULL, 0);
	}
	if (!ret)
		ret = end_trace(s, &ls);
	vmb_live_fini(&ls);
	return ret;
}

/* ------------------------------------------------------------------ A8 */

static const struct vmb_synth_param wow64_params[] = {
    {"fps", 60, "frame rate [E]"},
    {"submits_min", 2, "vkQueueSubmit per frame, low [E]"},
    {"submits_max", 6, "vkQueueSubmit per frame, high [E]"},
    {"gpu_util", 0.7, "GPU busy share of a frame [E]"},
    {"load_mib", 768, "device-local memory at load (32-bit game) [E]"},
    {"mapped_mib", 96, "host-visible memory at load, imported as userptr [E]"},
    {"chunk_min_mib", 4, "DXVK MinChunkSize [C]"},
    {"chunk_max_mib", 256, "DXVK MaxChunkSize [C]"},
    {"mapped_max_mib", 16, "mapped chunk max on 32-bit, 256/16 [C]"},
    {"dedicated", 4, "dedicated allocations at load [E]"},
    {"dedicated_min_mib", 8, "dedicated size, low [E]"},
    {"dedicated_max_mib", 64, "dedicated size, high [E]"},
    {"events_per_s", 1, "steady device-local bind/unbind events per s, as A1 [C]+[E]"},
    {"life_s", 10, "mean lifetime of a steady-state allocation [E]"},
    {"idle_free_s", 20, "empty chunk freed after this long unused [C]"},
    {"housekeeping_ms", 500, "DXVK timed-task period [C]"},
    {"defrag_per_s", 0.2,
     "chunks moved by defrag per s, <= 1 per tick; 0 = off (ANV pre-BMG) [C]+[E]"},
    {"staging_per_s", 4, "host-visible staging allocations per s (imports) [E]"},
    {"staging_min_mib", 1, "staging size, low [E]"},
    {"staging_max_mib", 16, "staging size, high (32-bit mapped chunk max) [C]+[E]"},
    {"staging_life_s", 1, "mean staging lifetime [E]"},
    {"numa_scan_s", 4, "auto-NUMA scan period: invalidates a live import [P]+[E]"},
    {NULL, 0, NULL},
};

static int wow64_extra(struct vmb_synth *s, struct vmb_live_set *ls, struct dxvk_state *st)
{
	uint64_t now = s->t;
	int ret = 0;

	while (st->next_staging <= now && !ret) {
		uint64_t size =
		    vmb_rng_log_uniform(&s->rng, vmb_synth_param_u64(s, "staging_min_mib") * MIB,
					vmb_synth_param_u64(s, "staging_max_mib") * MIB, 4 * KIB);
		uint64_t expire = vmb_sat_add(
		    now, vmb_rng_exp_ns(&s->rng, 1.0 / vmb_synth_param(s, "staging_life_s")));

		st->next_staging = vmb_sat_add(
		    st->next_staging, vmb_rng_exp_ns(&s->rng, vmb_synth_param(s, "staging_per_s")));
		ret = dxvk_alloc(s, ls, size, VMB_A_HOST, K_STREAM, expire, true);
	}
	while (st->next_numa <= now && !ret) {
		/*
		 * NUMA balancing of a live import's pages (modelled as the
		 * migration the hinting fault leads to): mmu notifier,
		 * revalidation at the next exec; pinned pages cannot move
		 */
		size_t imports = 0, pick;

		st->next_numa =
		    vmb_sat_add(st->next_numa, vmb_period_ns(vmb_synth_param(s, "numa_scan_s")));
		for (size_t i = 0; i < ls->n; i++)
			imports += ls->v[i].kind == K_IMPORT;
		if (!imports)
			break;
		pick = vmb_rng_below(&s->rng, imports);
		for (size_t i = 0; i < ls->n; i++) {
			if (ls->v[i].kind == K_IMPORT && !pick--) {
				ret = vmb_emit_cpu_migrate(s, ls->v[i].a.cpu, ls->v[i].a.size);
				break;
			}
		}
	}
	return ret;
}

static int gen_wow64(struct vmb_synth *s)
{
	struct vmb_live_set ls = {0};
	struct vmb_frame_loop fl;
	struct dxvk_state st = {0};
	int ret = dxvk_load(s, &ls, &st, true);

	for (size_t i = 0; i < ls.n; i++)
		if (ls.v[i].kind == K_IMPORT) /* load-time mapped chunks never expire */
			ls.v[i].expire = UINT64_MAX;
	st.next_staging = s->t;
	st.next_numa = vmb_sat_add(s->t, vmb_period_ns(vmb_synth_param(s, "numa_scan_s")));
	if (!ret)
		ret = vmb_frame_loop_init(s, &fl);
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		ret = vmb_frame_begin(s, &fl, f);
		if (!ret)
			ret = dxvk_steady(s, &ls, &st, true);
		if (!ret)
			ret = wow64_extra(s, &ls, &st);
		if (!ret)
			ret = submits_frame(s, &fl, f, &ls, NULL, 0);
	}
	if (!ret)
		ret = end_trace(s, &ls);
	vmb_live_fini(&ls);
	return ret;
}

/* ------------------------------------------------------------------ A2 */

static const struct vmb_synth_param load_params[] = {
    {"fps", 60, "frame rate [E]"},
    {"submits_min", 5, "ExecuteCommandLists per frame, low (D3D12) [E]"},
    {"submits_max", 20, "ExecuteCommandLists per frame, high [E]"},
    {"gpu_util", 0.6, "GPU busy share of a frame [E]"},
    {"bos", 400, "BOs created during the load, 100-2000 [E]"},
    {"load_s", 3, "load duration, 1-10 s [E]"},
    {"size_min_mib", 2, "BO size, low (log-uniform) [C]+[E]"},
    {"size_max_mib", 512, "BO size, high [C]+[E]"},
    {"peak_fraction", 0.5, "share of sizes at 16/32/64/128/256/512 MiB peaks [C]+[E]"},
    {"reserved_fraction", 0.05, "share of load allocations that are reserved resources [E]"},
    {"stream_per_s", 20, "steady heap (de)allocations per s, 5-50 [P]+[E]"},
    {"stream_life_s", 2, "mean lifetime of a streamed heap [E]"},
    {"stream_max_mib", 64, "streamed heap size, high [E]"},
    {"zero_fill_ns_per_mib", 16000, "GPU zero-fill cost per MiB (~64 GB/s) [E]"},
    {"unload", 1, "unbind storm at the end (1) or not (0) [E]"},
    {NULL, 0, NULL},
};

static const uint64_t load_peaks_mib[] = {16, 32, 64, 128, 256, 512};

static uint64_t load_size(struct vmb_synth *s)
{
	uint64_t lo = vmb_synth_param_u64(s, "size_min_mib") * MIB;
	uint64_t hi = vmb_synth_param_u64(s, "size_max_mib") * MIB;

	if (vmb_rng_chance(&s->rng, vmb_synth_param(s, "peak_fraction"))) {
		uint64_t v = load_peaks_mib[vmb_rng_below(&s->rng, 6)] * MIB;

		if (v >= lo && v <= hi)
			return v;
	}
	return vmb_rng_log_uniform(&s->rng, lo, hi, 64 * KIB);
}

static int zero_fill(struct vmb_synth *s, uint32_t copy_q, const struct vmb_alloc *a)
{
	uint64_t ns = vmb_synth_param_u64(s, "zero_fill_ns_per_mib") * (a->size / MIB + 1);

	return vmb_lower_submit(s, copy_q, &a->bo, 1, NULL, 0, NULL, 0, ns);
}

static int gen_level_load(struct vmb_synth *s)
{
	struct vmb_live_set ls = {0};
	struct vmb_frame_loop fl;
	uint64_t bos = vmb_synth_param_u64(s, "bos");
	uint64_t load_frames = (uint64_t)(vmb_synth_param(s, "load_s") * s->fps);
	double rate = vmb_synth_param(s, "stream_per_s");
	double life_rate = 1.0 / vmb_synth_param(s, "stream_life_s");
	uint64_t made = 0, next_stream = 0;
	uint32_t copy_q;
	int ret;

	ret = vmb_emit_queue_create(s, s->low.vm, VMB_ENGINE_COPY, &copy_q);
	if (!ret)
		ret = vmb_frame_loop_init(s, &fl);
	if (!load_frames)
		load_frames = 1;
	for (uint64_t f = 0; f < s->frames && !ret; f++) {
		uint64_t want = f < load_frames ? bos * (f + 1) / load_frames : bos;
		uint32_t bol[MAX_BOLIST];
		size_t nb;

		ret = vmb_frame_begin(s, &fl, f);
		/* load: this frame's share of the BOs (loading screen renders 1 submit) */
		while (made < want && !ret) {
			struct vmb_live *l = vmb_live_add(&ls);

			if (!l)
				return -ENOMEM;
			made++;
			l->expire = UINT64_MAX;
			if (vmb_rng_chance(&s->rng, vmb_synth_param(s, "reserved_fraction"))) {
				l->kind = K_RESERVED; /* whole-range NULL bind */
				l->a.size = load_size(s);
				ret = vmb_lower_sparse_create(s, l->a.size, &l->a.va);
			} else {
				l->kind = K_DEDICATED;
				ret = vmb_lower_alloc(s, load_size(s), VMB_A_VRAM, &l->a);
			}
		}
		if (f == load_frames)
			next_stream = s->t;
		/* streaming: heap churn, each new heap zero-filled by a GPU job [P] */
		for (size_t i = 0; i < ls.n && !ret && f >= load_frames; i++) {
			if (ls.v[i].kind == K_STREAM && ls.v[i].expire <= s->t) {
				ret = vmb_lower_free(s, &ls.v[i].a);
				vmb_live_del(&ls, i--);
			}
		}
		while (f >= load_frames && next_stream <= s->t && !ret) {
			struct vmb_live *l = vmb_live_add(&ls);

			if (!l)
				return -ENOMEM;
			next_stream = vmb_sat_add(next_stream, vmb_rng_exp_ns(&s->rng, rate));
			l->kind = K_STREAM;
			l->expire = vmb_sat_add(s->t, vmb_rng_exp_ns(&s->rng, life_rate));
			ret = vmb_lower_alloc(
			    s,
			    vmb_rng_log_uniform(&s->rng, 2 * MIB,
						vmb_synth_param_u64(s, "stream_max_mib") * MIB,
						64 * KIB),
			    VMB_A_VRAM, &l->a);
			if (!ret)
				ret = zero_fill(s, copy_q, &l->a);
		}
		if (ret)
			break;
		nb = vmb_live_bos(&ls, bol, MAX_BOLIST);
		if (f < load_frames)
			ret = vmb_frame_submits(s, &fl, f, 1, 0.2, bol, nb, NULL, 0);
		else
			ret = submits_frame(s, &fl, f, &ls, NULL, 0);
	}
	/* unload storm: every BO and reserved resource released at once */
	for (size_t i = ls.n; i-- > 0 && !ret && vmb_synth_param_u64(s, "unload");) {
		if (ls.v[i].kind == K_RESERVED)
			ret = vmb_lower_sparse_destroy(s, ls.v[i].a.va, ls.v[i].a.size);
		else
			ret = vmb_lower_free(s, &ls.v[i].a);
		ls.n--;
	}
	if (!ret && vmb_synth_param_u64(s, "unload"))
		ret = vmb_emit_vm_destroy(s, s->low.vm);
	vmb_live_fini(&ls);
	return ret;
}

const struct vmb_archetype vmb_arch_games[] = {
    {"dxvk-steady", "A1: DXVK D3D9/D3D11 steady state: chunk allocator, 0-2 BO (un)binds/s",
     "archetype", VMB_DRIVER_XE, DRV_ALL, 600, dxvk_params, gen_dxvk_steady},
    {"level-load", "A2: level-load burst of BO creates, D3D12 heap streaming, unload storm",
     "archetype", VMB_DRIVER_XE, DRV_ALL, 360, load_params, gen_level_load},
    {"wow64-userptr", "A8: 32-bit DXVK under WoW64: host-visible memory as userptr imports",
     "archetype", VMB_DRIVER_XE, DRV(VMB_DRIVER_XE) | DRV(VMB_DRIVER_AMDGPU), 600, wow64_params,
     gen_wow64},
    {0},
};
