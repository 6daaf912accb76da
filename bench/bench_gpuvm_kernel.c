// SPDX-License-Identifier: MIT
/*
 * bench_gpuvm_kernel.c - the model's VA manager (replay/model/gpuvm.c)
 * against the kernel's own drm_gpuvm.c compiled in userspace
 * (bench/kgpuvm/), on the same pre-generated 1M-request streams, with the
 * same driver loop: callbacks that count the steps (and, on the kernel side,
 * apply them with drm_gpuva_map/remap/unmap, as a driver must).
 *
 * Runs alternate kernel, model, kernel, model... (REPEATS each) so that
 * both see the same machine load; the figure is the best run's thread CPU
 * time per request, and the ratio model / kernel of those. The op counts
 * of both must be identical, or the benchmark says so and exits 1.
 *
 * After each run the freed heap is given back to the system
 * (malloc_trim()), so every run starts from the allocator state a fresh
 * process has. Without it the model ran after the kernel side had left
 * about 100 MB of freed nodes in the heap, and its sparse stream took
 * 584-644 ns/request instead of 467 (the kernel side's time did not move
 * either way).
 *
 * Usage: bench_gpuvm_kernel [REQUESTS [REPEATS]]
 */
#include <inttypes.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpuvm.h"
#include "kgpuvm/kdriver.h"

#define PAGE 0x1000ull
#define GOAL 0.33 /* issue 13: model <= 0.33x the kernel per request */

#include "gpuvm_streams.h"

static void gen_sequential(struct req *r, long n, uint64_t pages, uint64_t seed)
{
	uint64_t s = seed, pg = 0;
	long i;

	for (i = 0; i < n; i++) {
		uint64_t len = 1 + xrand(&s) % 16;

		if (pg + len >= pages)
			pg = 0;
		r[i].map = xrand(&s) % 4 != 0;
		r[i].va = (r[i].map ? pg : (pg > 256 ? pg - 256 : 0)) * PAGE;
		r[i].range = len * PAGE;
		r[i].obj = 1 + xrand(&s) % 7;
		r[i].offset = r[i].va;
		if (r[i].map)
			pg += len;
	}
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double run_model(const struct req *r, long n, uint64_t pages, struct counts *c,
			uint64_t *nodes)
{
	struct vmb_gpuvm *vm = vmb_gpuvm_create(0, pages * PAGE, 0, 0, &count_ops, c);
	struct vmb_gpuvm_stats st;
	double t0, t1;

	if (!vm)
		exit(1);
	memset(c, 0, sizeof(*c));
	t0 = cpu_now();
	for (long i = 0; i < n; i++) {
		if (r[i].map)
			vmb_gpuvm_sm_map(vm, r[i].va, r[i].range, r[i].obj, r[i].offset);
		else
			vmb_gpuvm_sm_unmap(vm, r[i].va, r[i].range);
	}
	t1 = cpu_now();
	vmb_gpuvm_get_stats(vm, &st);
	*nodes = st.nodes;
	vmb_gpuvm_destroy(vm);
	malloc_trim(0);
	return t1 - t0;
}

static double run_kernel(const struct req *r, long n, uint64_t pages, struct kdrv_counts *c)
{
	struct kdrv *d = kdrv_create(0, pages * PAGE);
	double t0, t1;

	if (!d)
		exit(1);
	t0 = cpu_now();
	for (long i = 0; i < n; i++) {
		if (r[i].map)
			kdrv_map(d, r[i].va, r[i].range, r[i].obj, r[i].offset);
		else
			kdrv_unmap(d, r[i].va, r[i].range);
	}
	t1 = cpu_now();
	kdrv_counts(d, c);
	kdrv_destroy(d);
	malloc_trim(0);
	return t1 - t0;
}

static int run(const char *name, uint64_t pages, long n, int repeats, bool sequential, bool goal)
{
	struct req *r = malloc(n * sizeof(*r));
	double best_k = 1e30, best_m = 1e30, ratio;
	struct kdrv_counts kc = {0};
	struct counts mc = {0};
	uint64_t nodes = 0;
	bool same;

	if (!r) {
		fprintf(stderr, "bench_gpuvm_kernel: out of memory\n");
		exit(1);
	}
	if (sequential)
		gen_sequential(r, n, pages, 0x13198a2e03707344ull);
	else
		gen_stream(r, n, pages, 0x243f6a8885a308d3ull ^ pages);
	for (int rep = 0; rep < repeats; rep++) {
		double k = run_kernel(r, n, pages, &kc);
		double m = run_model(r, n, pages, &mc, &nodes);

		best_k = k < best_k ? k : best_k;
		best_m = m < best_m ? m : best_m;
	}
	ratio = best_m / best_k;
	same = kc.map == mc.map && kc.remap == mc.remap && kc.unmap == mc.unmap &&
	       kc.keep == mc.keep && kc.nodes == nodes;
	printf("%-10s %9" PRIu64 " pages  kernel %6.1f ns/request  model %6.1f ns/request"
	       "  ratio %.2fx",
	       name, pages, best_k * 1e9 / n, best_m * 1e9 / n, ratio);
	if (goal)
		printf("  (goal <= %.2fx: %s)", GOAL, ratio <= GOAL ? "MET" : "NOT MET");
	printf("\n           ops map %" PRIu64 " remap %" PRIu64 " unmap %" PRIu64 " keep %" PRIu64
	       " mappings %" PRIu64 ": %s\n",
	       mc.map, mc.remap, mc.unmap, mc.keep, nodes,
	       same ? "identical to the kernel's" : "DIFFERENT from the kernel's");
	if (!same)
		printf("           kernel: map %" PRIu64 " remap %" PRIu64 " unmap %" PRIu64
		       " keep %" PRIu64 " mappings %" PRIu64 "\n",
		       kc.map, kc.remap, kc.unmap, kc.keep, kc.nodes);
	free(r);
	return same ? 0 : 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	int repeats = argc > 2 ? atoi(argv[2]) : 5;
	int bad = 0;

	if (n <= 0 || repeats <= 0 || argc > 3) {
		fprintf(stderr, "usage: bench_gpuvm_kernel [REQUESTS [REPEATS]]\n");
		return 2;
	}
	printf("VA manager vs the kernel's drm_gpuvm.c (linux-source-6.12, userspace build),\n"
	       "%ld requests per stream, best thread CPU time of %d interleaved runs each\n",
	       n, repeats);
	bad |= run("dense", 4096, n, repeats, false, true);
	bad |= run("sparse", 1ull << 28, n, repeats, false, true);
	bad |= run("sequential", 1ull << 28, n, repeats, true, false);
	return bad;
}
