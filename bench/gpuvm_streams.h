/* SPDX-License-Identifier: MIT */
/*
 * gpuvm_streams.h - what both VA-manager benchmarks (bench_gpuvm.c,
 * bench_gpuvm_kernel.c) replay: the request streams, their generator and the
 * step-counting callbacks. Included by those two programs only; needs PAGE.
 */
#ifndef VMB_BENCH_GPUVM_STREAMS_H
#define VMB_BENCH_GPUVM_STREAMS_H

struct req {
	uint64_t va, range, offset;
	uint32_t obj;
	bool map;
};

struct counts {
	uint64_t map, remap, unmap, keep;
};

static int count_map(void *priv, struct vmb_gpuva *va)
{
	((struct counts *)priv)->map++;
	return 0;
}

static int count_remap(void *priv, struct vmb_gpuva *old, bool keep, struct vmb_gpuva *prev,
		       struct vmb_gpuva *next)
{
	struct counts *c = priv;

	c->remap++;
	c->keep += keep;
	return 0;
}

static int count_unmap(void *priv, struct vmb_gpuva *old, bool keep)
{
	struct counts *c = priv;

	c->unmap++;
	c->keep += keep;
	return 0;
}

static const struct vmb_gpuvm_ops count_ops = {
    .step_map = count_map,
    .step_remap = count_remap,
    .step_unmap = count_unmap,
};

static uint64_t xrand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/*
 * A stream over @pages pages: 65% maps (objects 0..7, 0 = NULL; the offset
 * follows the VA half of the time so keep happens), 35% unmaps; sizes 1..16
 * pages, sometimes up to 64. Sparse: 2^28 pages (1 TiB), few overlaps and a
 * growing tree; dense: 4096 pages (16 MiB), almost every map overlaps.
 */
static void gen_stream(struct req *r, long n, uint64_t pages, uint64_t seed)
{
	uint64_t s = seed;
	long i;

	for (i = 0; i < n; i++) {
		uint64_t len = xrand(&s) % 8 == 0 ? 1 + xrand(&s) % 64 : 1 + xrand(&s) % 16;
		uint64_t pg = xrand(&s) % (pages - len);

		r[i].map = xrand(&s) % 100 < 65;
		r[i].va = pg * PAGE;
		r[i].range = len * PAGE;
		r[i].obj = xrand(&s) % 8;
		r[i].offset =
		    xrand(&s) % 2 ? r[i].obj * (1ull << 40) + r[i].va : (xrand(&s) % 1024) * PAGE;
	}
}

#endif /* VMB_BENCH_GPUVM_STREAMS_H */
