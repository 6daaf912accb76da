// SPDX-License-Identifier: MIT
/*
 * bench_trace_load.c - how fast the trace loader reads a large JSON Lines
 * trace and how much memory a loaded trace keeps per op.
 *
 * It writes a synthetic 1,000,000-op .jsonl to /tmp with the trace writer
 * (a capture-like mix: creates and closes, binds of 1-4 entries with
 * in/out syncs, submits with BO lists and syncs, waits, signals, frame
 * markers, every op with "t" and "tid"), loads it, and prints:
 *
 *  - load throughput in MB/s (file bytes / wall time of vmb_trace_load(),
 *    best of 3 loads), against the 50 MB/s target, and the CPU time of that
 *    load (getrusage user + sys) as MB per CPU-second: the loader parses
 *    large .jsonl files on up to one thread per CPU, and on a busy machine
 *    the wall figure drops while the CPU figure does not;
 *  - resident bytes per op: heap bytes the loaded trace holds, measured with
 *    glibc's mallinfo2() (uordblks + hblkhd) after the load minus before,
 *    divided by the op count, against the 64 B/op target; the size of the
 *    packed records is printed next to it for comparison;
 *  - peak RSS growth during the first load (getrusage ru_maxrss), which also
 *    counts the mapped file pages and jansson's transient allocations.
 *
 * It also loads the file once with VMB_TRACE_LOAD_SIMD=0 (jansson only) and
 * exits 1 unless the ops and pools are identical to the fast-path load.
 *
 * Usage: bench_trace_load [N_OPS]   (default 1000000). The file is deleted.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

#define N_BO_SLOTS 512
#define N_SYNC 64
#define SLOT_VA (16ull << 20) /* one 16 MiB VA slot per BO id */

struct gen {
	struct vmb_trace_writer *w;
	uint64_t rng;
	uint64_t t;
	uint64_t bo_size[N_BO_SLOTS + 1]; /* 0 = free */
	uint64_t point[N_SYNC + 1];	  /* last timeline point per syncobj */
	size_t n_ops;
	uint64_t frame;
};

static uint32_t rnd(struct gen *g, uint32_t n)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (uint32_t)(g->rng % n);
}

static void stamp(struct gen *g, struct vmb_op *op, int kind)
{
	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)kind;
	g->t += 1000 + rnd(g, 50000);
	op->t = g->t;
	/* binds come from a bind thread, everything else from the render thread */
	op->tid = kind == VMB_OP_BIND ? 4243 : 4242;
}

static int emit(struct gen *g, const struct vmb_op *op, const struct vmb_bind_entry *b,
		const struct vmb_sync *s, const uint32_t *ids)
{
	g->n_ops++;
	return vmb_trace_write_op(g->w, op, b, s, ids, NULL);
}

/* a sync on a timeline syncobj: waits use the last point, signals the next */
static struct vmb_sync sync_ref(struct gen *g, bool signal)
{
	uint32_t id = 1 + rnd(g, N_SYNC);
	struct vmb_sync s = {.syncobj = id};

	if (signal)
		g->point[id]++;
	s.point = g->point[id] ? g->point[id] : ++g->point[id];
	return s;
}

static uint32_t live_bo(struct gen *g)
{
	for (int tries = 0; tries < 64; tries++) {
		uint32_t id = 1 + rnd(g, N_BO_SLOTS);

		if (g->bo_size[id])
			return id;
	}
	return 0;
}

static int gen_setup(struct gen *g)
{
	struct vmb_op op;
	int r;

	stamp(g, &op, VMB_OP_VM_CREATE);
	op.u.vm_create.vm = 1;
	op.u.vm_create.va_range = 1ull << 48;
	r = emit(g, &op, NULL, NULL, NULL);
	for (uint32_t q = 1; q <= 2 && !r; q++) {
		stamp(g, &op, VMB_OP_QUEUE_CREATE);
		op.u.queue.queue = q;
		op.u.queue.vm = 1;
		op.u.queue.engine = q == 1 ? VMB_ENGINE_RENDER : VMB_ENGINE_BIND;
		r = emit(g, &op, NULL, NULL, NULL);
	}
	for (uint32_t s = 1; s <= N_SYNC && !r; s++) {
		stamp(g, &op, VMB_OP_SYNCOBJ_CREATE);
		op.u.syncobj.syncobj = s;
		op.u.syncobj.timeline = true;
		r = emit(g, &op, NULL, NULL, NULL);
	}
	return r;
}

static int gen_bo(struct gen *g)
{
	uint32_t id = 1 + rnd(g, N_BO_SLOTS);
	struct vmb_bind_entry e = {.kind = VMB_BIND_UNMAP_ALL, .bo = id};
	struct vmb_op op;
	int r;

	if (!g->bo_size[id]) {
		stamp(g, &op, VMB_OP_BO_CREATE);
		op.u.bo.bo = id;
		op.u.bo.size = (uint64_t)(1 + rnd(g, 256)) << 16; /* 64 KiB .. 16 MiB */
		op.u.bo.placement = (uint8_t)rnd(g, VMB_PLACE_COUNT);
		op.u.bo.vm = rnd(g, 2) ? 1 : 0;
		g->bo_size[id] = op.u.bo.size;
		return emit(g, &op, NULL, NULL, NULL);
	}
	/* unbind everything of it, then close it */
	stamp(g, &op, VMB_OP_BIND);
	op.u.bind.vm = 1;
	op.u.bind.queue = 2;
	op.u.bind.n_binds = 1;
	r = emit(g, &op, &e, NULL, NULL);
	stamp(g, &op, VMB_OP_BO_CLOSE);
	op.u.bo.bo = id;
	g->bo_size[id] = 0;
	return r ? r : emit(g, &op, NULL, NULL, NULL);
}

static int gen_bind(struct gen *g)
{
	struct vmb_bind_entry e[4];
	struct vmb_sync s[2];
	struct vmb_op op;
	uint32_t n = 1 + rnd(g, 4);

	memset(e, 0, sizeof(e));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t bo = live_bo(g);
		uint64_t pages;

		if (!bo || rnd(g, 8) == 0) {
			e[i].kind = VMB_BIND_MAP_NULL;
			e[i].va = (1ull << 40) + ((uint64_t)rnd(g, 1 << 20) << 16);
			e[i].range = 1 << 16;
			continue;
		}
		pages = g->bo_size[bo] >> 12;
		e[i].kind = rnd(g, 3) ? VMB_BIND_MAP : VMB_BIND_UNMAP;
		e[i].va = bo * SLOT_VA;
		e[i].range = (1 + rnd(g, (uint32_t)pages)) << 12;
		if (e[i].kind == VMB_BIND_MAP) {
			e[i].bo = bo;
			e[i].offset = (uint64_t)rnd(g, (uint32_t)(pages - (e[i].range >> 12) + 1))
				      << 12;
			e[i].hw = rnd(g, 4);
			e[i].flags = rnd(g, 4) ? 0 : VMB_BIND_F_READONLY;
		}
	}
	s[0] = sync_ref(g, false);
	s[1] = sync_ref(g, true);
	stamp(g, &op, VMB_OP_BIND);
	op.u.bind.vm = 1;
	op.u.bind.queue = 2;
	op.u.bind.n_binds = n;
	op.u.bind.n_in = 1;
	op.u.bind.n_out = 1;
	return emit(g, &op, e, s, NULL);
}

static int gen_submit(struct gen *g)
{
	uint32_t ids[8];
	struct vmb_sync s[2];
	struct vmb_op op;
	uint32_t n = 0, want = 1 + rnd(g, 6);

	for (uint32_t i = 0; i < want; i++) {
		uint32_t bo = live_bo(g);

		if (bo)
			ids[n++] = bo;
	}
	s[0] = sync_ref(g, false);
	s[1] = sync_ref(g, true);
	stamp(g, &op, VMB_OP_SUBMIT);
	op.u.submit.queue = 1;
	op.u.submit.n_bos = n;
	op.u.submit.n_in = 1;
	op.u.submit.n_out = 1;
	op.u.submit.gpu_ns = 100000 + rnd(g, 4000000);
	return emit(g, &op, NULL, s, ids);
}

static int gen_misc(struct gen *g)
{
	struct vmb_sync s = sync_ref(g, false);
	struct vmb_op op;

	switch (rnd(g, 3)) {
	case 0:
		stamp(g, &op, VMB_OP_WAIT);
		op.u.wait.n = 1;
		op.u.wait.all = true;
		op.u.wait.timeout_ns = rnd(g, 2) ? UINT64_MAX : 1000000000;
		return emit(g, &op, NULL, &s, NULL);
	case 1:
		s = sync_ref(g, true);
		stamp(g, &op, VMB_OP_SIGNAL);
		op.u.wait.n = 1;
		return emit(g, &op, NULL, &s, NULL);
	default:
		stamp(g, &op, VMB_OP_FRAME);
		op.u.frame.n = ++g->frame;
		return emit(g, &op, NULL, NULL, NULL);
	}
}

static int generate(const char *path, size_t n_ops)
{
	struct vmb_trace_header hdr = {
	    .driver = VMB_DRIVER_XE,
	    .page_size = 4096,
	    .source_json = "{\"kind\":\"synthetic\",\"generator\":\"bench_trace_load\",\"seed\":1}",
	};
	struct gen g = {.rng = 0x9e3779b97f4a7c15ull};
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		return -errno;
	r = vmb_trace_writer_open(f, &hdr, true, &g.w);
	if (!r)
		r = gen_setup(&g);
	while (!r && g.n_ops < n_ops) {
		uint32_t x = rnd(&g, 100);

		if (x < 15)
			r = gen_bo(&g);
		else if (x < 50)
			r = gen_bind(&g);
		else if (x < 85)
			r = gen_submit(&g);
		else
			r = gen_misc(&g);
	}
	if (g.w) {
		int r2 = vmb_trace_writer_close(g.w);

		r = r ? r : r2;
	}
	if (fclose(f) && !r)
		r = -errno;
	return r;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static long maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

/*
 * The baseline of issue 13's goal 2: a plain parse of the same .jsonl with
 * jansson on one thread, json_loadb() on each line and json_decref(), no
 * conversion and no validation. Return: seconds, or a negative value.
 */
static double jansson_baseline(const char *path, double *cpu)
{
	struct stat st;
	const char *buf, *p, *end;
	double t0, c0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (buf == MAP_FAILED)
		return -1;
	c0 = cpu_seconds();
	t0 = now();
	for (p = buf, end = buf + st.st_size; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_error_t e;
		json_t *j = json_loadb(p, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);

		json_decref(j);
		p += n + 1;
	}
	t0 = now() - t0;
	*cpu = cpu_seconds() - c0;
	munmap((void *)buf, (size_t)st.st_size);
	return t0;
}

static bool same_pool(const void *a, const void *b, size_t n)
{
	return !n || !memcmp(a, b, n);
}

/* two loads of the same file decode to the same ops and pools */
static bool same_arrays(const struct vmb_trace *a, const struct vmb_trace *b)
{
	struct vmb_cursor ca, cb;
	bool same = a->n_ops == b->n_ops && a->n_vm_ids == b->n_vm_ids &&
		    same_pool(a->vm_kernel_range, b->vm_kernel_range,
			      a->n_vm_ids * sizeof(*a->vm_kernel_range)) &&
		    !memcmp(a->max_id, b->max_id, sizeof(a->max_id)) &&
		    !strcmp(a->sha256, b->sha256);

	if (!same || vmb_cursor_init(&ca, a))
		return false;
	if (vmb_cursor_init(&cb, b)) {
		vmb_cursor_fini(&ca);
		return false;
	}
	while (same && vmb_cursor_next(&ca) > 0 && vmb_cursor_next(&cb) > 0) {
		const struct vmb_op *x = &ca.op;
		size_t nb, ns, ni;

		vmb_op_parts(x, &nb, &ns, &ni);
		same = !memcmp(x, &cb.op, sizeof(*x)) && ca.kernel_range == cb.kernel_range &&
		       ca.has_t == cb.has_t &&
		       same_pool(ca.binds, cb.binds, nb * sizeof(*ca.binds)) &&
		       same_pool(ca.syncs, cb.syncs, ns * sizeof(*ca.syncs)) &&
		       same_pool(ca.ids, cb.ids, ni * sizeof(*ca.ids));
	}
	vmb_cursor_fini(&ca);
	vmb_cursor_fini(&cb);
	return same;
}

int main(int argc, char **argv)
{
	double base = 1e30, base_cpu = 1e30;
	size_t n_ops = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	char path[] = "/tmp/vmb-bench-trace-XXXXXX.jsonl";
	double best = 1e30, best_cpu = 0, mbs, per_op, exact, load[1] = {0};
	const char *env = getenv("VMB_TRACE_LOAD_THREADS");
	const char *env_simd = getenv("VMB_TRACE_LOAD_SIMD");
	size_t heap0, heap1;
	long rss0, rss1;
	struct vmb_trace *t = NULL;
	struct stat st;
	char err[512];
	int fd, r;

	fd = mkstemps(path, 6);
	if (fd < 0) {
		perror("mkstemps");
		return 1;
	}
	close(fd);
	r = generate(path, n_ops);
	if (r || stat(path, &st)) {
		fprintf(stderr, "bench_trace_load: cannot generate %s: %s\n", path, strerror(-r));
		unlink(path);
		return 1;
	}

	for (int rep = 0; rep < 3; rep++) {
		double t0, c0;

		if (rep == 0) {
			rss0 = maxrss_kb();
			heap0 = heap_bytes();
		}
		c0 = cpu_seconds();
		t0 = now();
		r = vmb_trace_load(path, &t, err, sizeof(err));
		if (r) {
			fprintf(stderr, "%s\n", err);
			unlink(path);
			return 1;
		}
		if (now() - t0 < best) {
			best = now() - t0;
			best_cpu = cpu_seconds() - c0;
		}
		if (rep == 0) {
			heap1 = heap_bytes();
			rss1 = maxrss_kb();
		}
		if (rep < 2)
			vmb_trace_destroy(t);
		/* interleaved with the loads, so both see the same machine load */
		{
			double c, b = jansson_baseline(path, &c);

			if (b >= 0 && b < base)
				base = b;
			if (b >= 0 && c < base_cpu)
				base_cpu = c;
		}
	}
	/* the simdjson fast path must build exactly what the jansson path builds */
	{
		struct vmb_trace *j = NULL;
		bool same;

		setenv("VMB_TRACE_LOAD_SIMD", "0", 1);
		r = vmb_trace_load(path, &j, err, sizeof(err));
		if (env_simd)
			setenv("VMB_TRACE_LOAD_SIMD", env_simd, 1);
		else
			unsetenv("VMB_TRACE_LOAD_SIMD");
		same = !r && same_arrays(t, j);
		vmb_trace_destroy(j);
		if (!same) {
			fprintf(stderr,
				"bench_trace_load: the fast path and the jansson path differ\n");
			unlink(path);
			return 1;
		}
	}
	unlink(path);

	mbs = (double)st.st_size / best / 1e6;
	per_op = (double)(heap1 - heap0) / (double)t->n_ops;
	exact = (double)(t->packed_bytes + t->n_marks * sizeof(*t->marks) +
			 t->n_segs * sizeof(*t->segs)) /
		(double)t->n_ops;
	printf("bench_trace_load: %zu ops, %.1f MB .jsonl, %zu segments of packed ops\n", t->n_ops,
	       st.st_size / 1e6, t->n_segs);
	getloadavg(load, 1);
	printf("  load throughput   %8.1f MB/s  (best of 3: %.3f s wall)  target >= 50 MB/s: %s\n",
	       mbs, best, mbs >= 50 ? "met" : "MISSED");
	printf("  fast path         identical ops and pools to a jansson-only load"
	       " (VMB_TRACE_LOAD_SIMD=0)\n");
	printf("  vs plain jansson  %8.2fx wall, %.2fx CPU time  (json_loadb per line on one"
	       " thread, best of 3: %.3f s wall, %.3f s CPU)  goal >= 3x wall: %s\n",
	       base / best, base_cpu / best_cpu, base, base_cpu,
	       base / best >= 3 ? "MET" : "NOT MET");
	printf("    CPU time        %8.1f MB per CPU-second (%.3f s user+sys; %ld CPUs online,"
	       " VMB_TRACE_LOAD_THREADS=%s, load average %.1f)\n",
	       (double)st.st_size / best_cpu / 1e6, best_cpu, sysconf(_SC_NPROCESSORS_ONLN),
	       env ? env : "unset", load[0]);
	if (per_op < exact) {
		/* a sanitizer or another allocator: mallinfo2() sees nothing */
		printf("  resident per op   (mallinfo2 saw %.1f B/op: not glibc's allocator; using"
		       " the array sizes)\n",
		       per_op);
		per_op = exact;
	}
	printf("  resident per op   %8.1f B/op  (mallinfo2 heap delta)  target <= 64 B/op: %s\n",
	       per_op, per_op <= 64 ? "met" : "MISSED");
	printf("    of which packed %8.1f B/op  (op records with their entries, syncs and ids,"
	       " plus seek marks)\n",
	       exact);
	printf("  peak RSS growth   %8.1f MB    (getrusage maxrss; includes the mapped file)\n",
	       (rss1 - rss0) / 1024.0);
	vmb_trace_destroy(t);
	return 0;
}
