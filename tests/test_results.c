// SPDX-License-Identifier: MIT
/*
 * test_results.c - tests for the output side of the replay core: sample
 * percentiles (metrics.c), strategy names and parsers (strategy.c), the
 * vmbench-result v1 file (result.c, read back with jansson), the default
 * result path, host facts (sysinfo.c) and the summary table (summary.c).
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "metrics.h"
#include "result.h"
#include "strategy.h"

static struct vmb_latency summarize_vals(const uint64_t *v, size_t n)
{
	struct vmb_samples s = {0};
	struct vmb_latency l;
	size_t i;

	for (i = 0; i < n; i++)
		vmb_samples_add(&s, v[i]);
	vmb_samples_summarize(&s, &l);
	vmb_samples_free(&s);
	return l;
}

TEST(percentiles_empty)
{
	struct vmb_latency l = summarize_vals(NULL, 0);

	CHECK_U64(l.count, 0);
	CHECK_U64(l.p50, 0);
	CHECK_U64(l.p999, 0);
	CHECK_U64(l.max, 0);
	CHECK_U64(l.total, 0);
	CHECK(l.mean == 0.0);
}

TEST(percentiles_one)
{
	uint64_t v[] = {777};
	struct vmb_latency l = summarize_vals(v, 1);

	CHECK_U64(l.count, 1);
	CHECK_U64(l.p50, 777);
	CHECK_U64(l.p90, 777);
	CHECK_U64(l.p99, 777);
	CHECK_U64(l.p999, 777);
	CHECK_U64(l.max, 777);
	CHECK_U64(l.total, 777);
	CHECK(l.mean == 777.0);
}

TEST(percentiles_small_unsorted)
{
	/* 1..10 shuffled: ranks ceil(5)=5, ceil(9)=9, ceil(9.9)=10, ceil(9.99)=10 */
	uint64_t v[] = {7, 3, 10, 1, 9, 2, 8, 5, 4, 6};
	uint64_t three[] = {30, 10, 20};
	struct vmb_latency l = summarize_vals(v, 10);

	CHECK_U64(l.count, 10);
	CHECK_U64(l.p50, 5);
	CHECK_U64(l.p90, 9);
	CHECK_U64(l.p99, 10);
	CHECK_U64(l.p999, 10);
	CHECK_U64(l.max, 10);
	CHECK_U64(l.total, 55);
	CHECK(l.mean == 5.5);

	/* n=3: p50 rank ceil(1.5)=2, p90 rank ceil(2.7)=3 */
	l = summarize_vals(three, 3);
	CHECK_U64(l.p50, 20);
	CHECK_U64(l.p90, 30);
	CHECK(fabs(l.mean - 20.0) < 1e-9);
}

TEST(percentiles_exact_ranks)
{
	/* 1..1000 descending, and 1..2000: q*n is an exact integer rank */
	struct vmb_samples s = {0};
	struct vmb_latency l;
	uint64_t i;

	for (i = 1000; i >= 1; i--)
		CHECK_INT(vmb_samples_add(&s, i), 0);
	CHECK(!vmb_samples_sorted(&s));
	vmb_samples_summarize(&s, &l);
	CHECK(s.sorted);
	CHECK(vmb_samples_sorted(&s));
	CHECK_U64(s.v[0], 1);
	CHECK_U64(s.v[999], 1000);
	CHECK_U64(l.p50, 500);
	CHECK_U64(l.p90, 900);
	CHECK_U64(l.p99, 990);
	CHECK_U64(l.p999, 999);
	CHECK_U64(l.max, 1000);
	CHECK_U64(l.total, 500500);

	vmb_samples_reset(&s);
	CHECK_U64(s.n, 0);
	for (i = 1; i <= 2000; i++)
		vmb_samples_add(&s, i * 10);
	CHECK(!s.sorted); /* not known until asked */
	CHECK(vmb_samples_sorted(&s));
	vmb_samples_summarize(&s, &l);
	CHECK_U64(l.p50, 10000);
	CHECK_U64(l.p999, 19980);
	CHECK_U64(l.max, 20000);
	vmb_samples_free(&s);
	CHECK(s.v == NULL);
	CHECK_U64(s.n, 0);
}

TEST(run_metrics_lifetime)
{
	struct vmb_run_metrics m;

	vmb_run_metrics_init(&m);
	CHECK_U64(m.bind.n, 0);
	CHECK(!m.simulated && !m.incomplete && !m.counters.has_model);
	vmb_samples_add(&m.bind, 1);
	vmb_samples_add(&m.frames, 2);
	vmb_run_metrics_free(&m);
	CHECK(m.bind.v == NULL && m.frames.v == NULL);
	CHECK_U64(m.bind.n, 0);
}

TEST(strategy_names_round_trip)
{
	unsigned int i;

	for (i = 0; i < VMB_REF_COUNT; i++) {
		enum vmb_refcount v = VMB_REF_COUNT;

		CHECK_INT(vmb_refcount_parse(vmb_refcount_name(i), &v), 0);
		CHECK_INT(v, i);
	}
	for (i = 0; i < VMB_SYNC_COUNT; i++) {
		enum vmb_sync_mode v = VMB_SYNC_COUNT;

		CHECK_INT(vmb_sync_parse(vmb_sync_name(i), &v), 0);
		CHECK_INT(v, i);
	}
	for (i = 0; i < VMB_USERPTR_COUNT; i++) {
		enum vmb_userptr_mode v = VMB_USERPTR_COUNT;

		CHECK_INT(vmb_userptr_parse(vmb_userptr_name(i), &v), 0);
		CHECK_INT(v, i);
	}
	for (i = 0; i < VMB_LOOKUP_COUNT; i++) {
		enum vmb_bo_lookup v = VMB_LOOKUP_COUNT;

		CHECK_INT(vmb_bo_lookup_parse(vmb_bo_lookup_name(i), &v), 0);
		CHECK_INT(v, i);
	}
	for (i = 0; i < VMB_CLOSE_COUNT; i++) {
		enum vmb_close_policy v = VMB_CLOSE_COUNT;

		CHECK_INT(vmb_close_parse(vmb_close_name(i), &v), 0);
		CHECK_INT(v, i);
	}

	/* the exact spellings of DESIGN.md §5 */
	CHECK_STR(vmb_refcount_name(VMB_REF_HARD), "hard");
	CHECK_STR(vmb_refcount_name(VMB_REF_WEAK), "weak");
	CHECK_STR(vmb_sync_name(VMB_SYNC_IMPLICIT), "implicit");
	CHECK_STR(vmb_sync_name(VMB_SYNC_EXPLICIT), "explicit");
	CHECK_STR(vmb_sync_name(VMB_SYNC_ASYNC), "async");
	CHECK_STR(vmb_sync_name(VMB_SYNC_SYNC), "sync");
	CHECK_STR(vmb_userptr_name(VMB_USERPTR_HMM), "hmm");
	CHECK_STR(vmb_userptr_name(VMB_USERPTR_PIN), "pin");
	CHECK_STR(vmb_bo_lookup_name(VMB_LOOKUP_VMBO), "vmbo");
	CHECK_STR(vmb_bo_lookup_name(VMB_LOOKUP_GEM_LIST), "gem-list");
	CHECK_STR(vmb_close_name(VMB_CLOSE_AS_TRACED), "as-traced");
	CHECK_STR(vmb_close_name(VMB_CLOSE_UNBIND_FIRST), "unbind-first");
	CHECK_STR(vmb_close_name(VMB_CLOSE_UNBIND_ALL), "unbind-all");
	CHECK_STR(vmb_close_name(VMB_CLOSE_EARLY), "close-early");

	CHECK(vmb_refcount_name(VMB_REF_COUNT) == NULL);
	CHECK(vmb_sync_name(VMB_SYNC_COUNT) == NULL);
	CHECK(vmb_close_name((enum vmb_close_policy)99) == NULL);
}

TEST(strategy_parse_rejects)
{
	enum vmb_refcount r = VMB_REF_WEAK;
	enum vmb_sync_mode s = VMB_SYNC_SYNC;
	enum vmb_userptr_mode u;
	enum vmb_bo_lookup b;
	enum vmb_close_policy c;

	CHECK_INT(vmb_refcount_parse("Hard", &r), -EINVAL);
	CHECK_INT(vmb_refcount_parse("hard ", &r), -EINVAL);
	CHECK_INT(vmb_refcount_parse("", &r), -EINVAL);
	CHECK_INT(vmb_refcount_parse(NULL, &r), -EINVAL);
	CHECK_INT(r, VMB_REF_WEAK); /* untouched on error */
	CHECK_INT(vmb_sync_parse("asynchronous", &s), -EINVAL);
	CHECK_INT(vmb_sync_parse("hard", &s), -EINVAL);
	CHECK_INT(s, VMB_SYNC_SYNC);
	CHECK_INT(vmb_userptr_parse("pinned", &u), -EINVAL);
	CHECK_INT(vmb_bo_lookup_parse("gem_list", &b), -EINVAL);
	CHECK_INT(vmb_close_parse("early", &c), -EINVAL);
	CHECK_INT(vmb_close_parse("as_traced", &c), -EINVAL);
}

TEST(batch_parse_and_name)
{
	static const char *const bad[] = {"0", "-1",	     "+3",	  " 3",	  "3 ", "3x",
					  "",  "4294967296", "as_traced", "0x10", "1.5"};
	char buf[32];
	uint32_t v = 7;
	size_t i;

	CHECK_INT(vmb_batch_parse("as-traced", &v), 0);
	CHECK_U64(v, 0);
	CHECK_INT(vmb_batch_parse("1", &v), 0);
	CHECK_U64(v, 1);
	CHECK_INT(vmb_batch_parse("64", &v), 0);
	CHECK_U64(v, 64);
	CHECK_INT(vmb_batch_parse("4294967295", &v), 0);
	CHECK_U64(v, 4294967295u);
	v = 5;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (vmb_batch_parse(bad[i], &v) != -EINVAL)
			printf("# batch \"%s\" accepted\n", bad[i]), th_cur_failed = 1;
	}
	CHECK_INT(vmb_batch_parse(NULL, &v), -EINVAL);
	CHECK_U64(v, 5);

	CHECK_STR(vmb_batch_name(0, buf, sizeof(buf)), "as-traced");
	CHECK_STR(vmb_batch_name(64, buf, sizeof(buf)), "64");
	CHECK_INT(vmb_batch_parse(vmb_batch_name(12, buf, sizeof(buf)), &v), 0);
	CHECK_U64(v, 12);
}

TEST(pace_parse_and_name)
{
	static const char *const bad[] = {"x0", "x-1",	"x",   "xinf",	 "xnan",
					  "2",	"x2 ",	"X2",  "x1e999", "fast",
					  "",	"x0x2", "x 2", "x0x1p3", "x1e-400"};
	static const char *const round[] = {"asap", "traced", "x2",    "x0.5",
					    "x2.5", "x10",    "x1e+06"};
	struct vmb_strategy s = {0};
	char buf[64];
	size_t i;

	CHECK_INT(vmb_pace_parse("asap", &s), 0);
	CHECK_INT(s.pace, VMB_PACE_ASAP);
	CHECK_INT(vmb_pace_parse("traced", &s), 0);
	CHECK_INT(s.pace, VMB_PACE_TRACED);
	CHECK(s.pace_factor == 1.0);
	CHECK_INT(vmb_pace_parse("x2", &s), 0);
	CHECK_INT(s.pace, VMB_PACE_SCALED);
	CHECK(s.pace_factor == 2.0);
	CHECK_INT(vmb_pace_parse("x0.5", &s), 0);
	CHECK(s.pace_factor == 0.5);
	CHECK_INT(vmb_pace_parse("x.25", &s), 0);
	CHECK(s.pace_factor == 0.25);

	s.pace = VMB_PACE_SCALED;
	s.pace_factor = 3.0;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (vmb_pace_parse(bad[i], &s) != -EINVAL)
			printf("# pace \"%s\" accepted\n", bad[i]), th_cur_failed = 1;
	}
	CHECK_INT(vmb_pace_parse(NULL, &s), -EINVAL);
	CHECK_INT(s.pace, VMB_PACE_SCALED);
	CHECK(s.pace_factor == 3.0);

	for (i = 0; i < sizeof(round) / sizeof(round[0]); i++) {
		CHECK_INT(vmb_pace_parse(round[i], &s), 0);
		CHECK_STR(vmb_pace_name(&s, buf, sizeof(buf)), round[i]);
	}
}

TEST(native_strategies)
{
	static const struct {
		enum vmb_driver d;
		enum vmb_refcount r;
		enum vmb_sync_mode s;
	} want[] = {
	    {VMB_DRIVER_XE, VMB_REF_HARD, VMB_SYNC_ASYNC},
	    {VMB_DRIVER_AMDGPU, VMB_REF_WEAK, VMB_SYNC_IMPLICIT},
	    {VMB_DRIVER_NOUVEAU, VMB_REF_HARD, VMB_SYNC_SYNC},
	    {VMB_DRIVER_PANTHOR, VMB_REF_HARD, VMB_SYNC_ASYNC},
	    {VMB_DRIVER_MSM, VMB_REF_HARD, VMB_SYNC_ASYNC},
	    {VMB_DRIVER_ANY, VMB_REF_HARD, VMB_SYNC_ASYNC},
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct vmb_strategy s;

		memset(&s, 0x5a, sizeof(s));
		vmb_strategy_native(want[i].d, &s);
		CHECK_INT(s.refcount, want[i].r);
		CHECK_INT(s.sync, want[i].s);
		CHECK_INT(s.userptr, VMB_USERPTR_HMM);
		CHECK_INT(s.bo_lookup, VMB_LOOKUP_VMBO);
		CHECK_INT(s.close, VMB_CLOSE_AS_TRACED);
		CHECK_U64(s.batch, 0);
		CHECK_INT(s.pace, VMB_PACE_ASAP);
		CHECK(s.pace_factor == 1.0);
	}
}

/* ---- result file ---- */

static char tmpdir[64];

static void make_tmpdir(void)
{
	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/vmb-test-results-XXXXXX");
		if (!mkdtemp(tmpdir))
			tmpdir[0] = '\0';
	}
}

static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st))
		return;
	if (S_ISDIR(st.st_mode)) {
		d = opendir(path);
		while (d && (e = readdir(d))) {
			char sub[1024];

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			remove_tree(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void fake_trace(struct vmb_trace *t)
{
	memset(t, 0, sizeof(*t));
	t->path = (char *)"traces/fake-steady.json";
	t->driver = VMB_DRIVER_XE;
	t->n_ops = 4321;
	t->page_size = 4096;
	t->file_bytes = 98765;
	strcpy(t->sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	t->source.kind = (char *)"synthetic";
	t->source.json = (char *)"{\"kind\":\"synthetic\",\"generator\":\"test\",\"seed\":7}";
}

/*
 * Two runs: run 0 simulated with model counters (every counter distinct),
 * run 1 a hardware-like run without model figures, incomplete, with a note.
 */
static void fake_runs(struct vmb_run *r)
{
	struct vmb_counters *c;
	uint64_t i;

	memset(r, 0, 2 * sizeof(*r));
	r[0].backend = "model";
	vmb_strategy_native(VMB_DRIVER_XE, &r[0].strat);
	r[0].wall_ns = 5000000;
	vmb_run_metrics_init(&r[0].m);
	r[0].m.simulated = true;
	for (i = 10; i >= 1; i--)
		vmb_samples_add(&r[0].m.bind, i * 100); /* unsorted on purpose */
	vmb_samples_add(&r[0].m.unbind, 50);
	vmb_samples_add(&r[0].m.unbind, 70);
	for (i = 0; i < 4; i++) {
		vmb_samples_add(&r[0].m.submit, 1000 + i);
		vmb_samples_add(&r[0].m.stall, i == 2 ? 300 : 0);
		vmb_samples_add(&r[0].m.stall_times, 10000 * (i + 1));
	}
	vmb_samples_add(&r[0].m.frames, 0);
	vmb_samples_add(&r[0].m.frames, 16000000);
	vmb_samples_add(&r[0].m.frames, 33000000);
	c = &r[0].m.counters;
	c->has_model = true;
	c->gpuvm_requests = 11;
	c->gpuvm_map = 12;
	c->gpuvm_remap = 13;
	c->gpuvm_unmap = 14;
	c->gpuvm_keep = 15;
	c->gpuvm_cpu_ns = 16;
	c->pte_writes = 17;
	c->tlb_flushes = 18;
	c->peak_bo_bytes = 19;
	c->peak_zombie_bytes = 3 << 20;
	c->implicit_unmaps = 21;
	c->leaked_bos = 22;
	c->cycles = 23;
	c->bo_lookup_nodes = 24;
	c->userptr_invalidations = 25;
	c->userptr_revalidations = 26;
	c->pinned_pages_peak = 27;
	c->evictions = 28;
	c->evict_rebinds = 29;
	r[0].m.errors_expected = 2;
	r[0].m.errors_unexpected = 1;
	r[0].m.unsupported = 3;
	r[0].m.ops_issued = 4321;
	r[0].m.sim_end_ns = 40000;

	r[1].backend = "xe";
	vmb_strategy_native(VMB_DRIVER_XE, &r[1].strat);
	r[1].strat.sync = VMB_SYNC_SYNC;
	r[1].strat.batch = 8;
	r[1].strat.pace = VMB_PACE_SCALED;
	r[1].strat.pace_factor = 2.5;
	r[1].strat.close = VMB_CLOSE_UNBIND_ALL;
	r[1].strat.userptr = VMB_USERPTR_PIN;
	r[1].strat.bo_lookup = VMB_LOOKUP_GEM_LIST;
	r[1].strat.refcount = VMB_REF_WEAK;
	r[1].repeat = 1;
	r[1].wall_ns = 7;
	r[1].note = "stopped by SIGINT";
	vmb_run_metrics_init(&r[1].m);
	r[1].m.incomplete = true;
	vmb_samples_add(&r[1].m.bind, 2500);
}

static void free_runs(struct vmb_run *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vmb_run_metrics_free(&r[i].m);
}

/* check that @o has exactly integer @want at @key */
#define CHECK_JINT(o, key, want)                                                                   \
	do {                                                                                       \
		json_t *th_j = json_object_get((o), (key));                                        \
		if (!json_is_integer(th_j)) {                                                      \
			printf("# %s:%d: \"%s\" missing or not an integer\n", __FILE__, __LINE__,  \
			       (key));                                                             \
			th_cur_failed = 1;                                                         \
		} else {                                                                           \
			CHECK_U64(json_integer_value(th_j), (want));                               \
		}                                                                                  \
	} while (0)

#define CHECK_JSTR(o, key, want) CHECK_STR(json_string_value(json_object_get((o), (key))), (want))

static void check_samples(json_t *lat, const uint64_t *want, size_t n)
{
	json_t *arr = json_object_get(lat, "samples");
	size_t i;

	CHECK(json_is_array(arr));
	CHECK_U64(json_array_size(arr), n);
	for (i = 0; i < n && i < json_array_size(arr); i++)
		CHECK_U64(json_integer_value(json_array_get(arr, i)), want[i]);
	CHECK(json_object_get(lat, "samples_subsampled") == NULL);
}

static void check_latency(json_t *lat, uint64_t count, double mean, uint64_t p50, uint64_t p90,
			  uint64_t p99, uint64_t p999, uint64_t max)
{
	CHECK(json_is_object(lat));
	CHECK_JINT(lat, "count", count);
	CHECK(json_is_number(json_object_get(lat, "mean")));
	CHECK(fabs(json_number_value(json_object_get(lat, "mean")) - mean) < 1e-9);
	CHECK_JINT(lat, "p50", p50);
	CHECK_JINT(lat, "p90", p90);
	CHECK_JINT(lat, "p99", p99);
	CHECK_JINT(lat, "p999", p999);
	CHECK_JINT(lat, "max", max);
}

TEST(result_file_fields)
{
	static const uint64_t bind_sorted[] = {100, 200, 300, 400, 500, 600, 700, 800, 900, 1000};
	static const uint64_t unbind_s[] = {50, 70};
	static const uint64_t submit_s[] = {1000, 1001, 1002, 1003};
	static const uint64_t stall_s[] = {0, 0, 0, 300};
	struct vmb_trace t;
	struct vmb_run r[2];
	char path[256], err[256], tmp[300];
	json_error_t jerr;
	json_t *doc, *o, *run, *m, *x;
	struct stat st;
	int ret;

	make_tmpdir();
	if (!tmpdir[0])
		SKIP("no temporary directory");
	fake_trace(&t);
	fake_runs(r);
	snprintf(path, sizeof(path), "%s/a/b/result.json", tmpdir);
	ret = vmb_result_write(path, &t, r, 2, "{\"load\":{\"cpus\":2},\"env\":{\"gpu\":\"none\"}}",
			       err, sizeof(err));
	CHECK_INT(ret, 0);
	if (ret)
		printf("# %s\n", err);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK(stat(tmp, &st) != 0); /* the temporary file was renamed away */

	doc = json_load_file(path, 0, &jerr);
	CHECK(doc != NULL);
	if (!doc) {
		printf("# %s:%d: %s\n", path, jerr.line, jerr.text);
		free_runs(r, 2);
		return;
	}
	CHECK_JSTR(doc, "format", "vmbench-result");
	CHECK_JINT(doc, "version", 1);

	o = json_object_get(doc, "trace");
	CHECK_JSTR(o, "path", "traces/fake-steady.json");
	CHECK_JSTR(o, "sha256", t.sha256);
	CHECK_JSTR(o, "driver", "xe");
	CHECK_JINT(o, "ops", 4321);
	CHECK_JINT(json_object_get(o, "source"), "seed", 7);

	o = json_object_get(doc, "env");
	/* "vmbench <version> (<git sha>)"; the sha is whatever result.o was built with */
	x = json_object_get(o, "tool");
	CHECK(
	    json_is_string(x) &&
	    !strncmp(json_string_value(x), "vmbench " VMB_VERSION " (", 10 + strlen(VMB_VERSION)) &&
	    json_string_value(x)[strlen(json_string_value(x)) - 1] == ')');
	CHECK(json_is_string(json_object_get(o, "host")));
	CHECK(json_is_string(json_object_get(o, "kernel")));
	CHECK(json_is_string(json_object_get(o, "cpu")));
	CHECK_JSTR(o, "gpu", "none"); /* set through extra_json */
	x = json_object_get(o, "date");
	CHECK(json_is_string(x) && strlen(json_string_value(x)) == 20 &&
	      json_string_value(x)[10] == 'T' && json_string_value(x)[19] == 'Z');
	CHECK_JINT(json_object_get(doc, "load"), "cpus", 2);

	CHECK_U64(json_array_size(json_object_get(doc, "runs")), 2);
	run = json_array_get(json_object_get(doc, "runs"), 0);
	CHECK_JSTR(run, "backend", "model");
	o = json_object_get(run, "strategy");
	CHECK_U64(json_object_size(o), 7);
	CHECK_JSTR(o, "refcount", "hard");
	CHECK_JSTR(o, "sync", "async");
	CHECK_JSTR(o, "close", "as-traced");
	CHECK_JSTR(o, "batch", "as-traced");
	CHECK_JSTR(o, "pace", "asap");
	CHECK_JSTR(o, "userptr", "hmm");
	CHECK_JSTR(o, "bo_lookup", "vmbo");
	CHECK_JINT(run, "repeat", 0);
	CHECK_JINT(run, "wall_ns", 5000000);
	CHECK(json_is_true(json_object_get(run, "simulated")));
	CHECK(json_is_false(json_object_get(run, "incomplete")));
	CHECK(json_object_get(run, "note") == NULL);

	m = json_object_get(run, "metrics");
	CHECK(json_is_object(m));
	x = json_object_get(m, "bind_latency_ns");
	check_latency(x, 10, 550.0, 500, 900, 1000, 1000, 1000);
	check_samples(x, bind_sorted, 10);
	x = json_object_get(m, "unbind_latency_ns");
	check_latency(x, 2, 60.0, 50, 70, 70, 70, 70);
	check_samples(x, unbind_s, 2);
	x = json_object_get(m, "submit_latency_ns");
	check_latency(x, 4, 1001.5, 1001, 1003, 1003, 1003, 1003);
	check_samples(x, submit_s, 4);
	x = json_object_get(m, "submit_stall_ns");
	CHECK_JINT(x, "count", 4);
	CHECK_JINT(x, "total", 300);
	CHECK_JINT(x, "p50", 0);
	CHECK_JINT(x, "p99", 300);
	CHECK_JINT(x, "max", 300);
	check_samples(x, stall_s, 4);
	x = json_object_get(m, "stall_timeline");
	CHECK_JINT(x, "count", 1);
	CHECK_U64(json_integer_value(json_array_get(json_object_get(x, "t_ns"), 0)), 30000);
	CHECK_U64(json_integer_value(json_array_get(json_object_get(x, "stall_ns"), 0)), 300);

	o = json_object_get(m, "gpuvm");
	CHECK_JINT(o, "requests", 11);
	CHECK_JINT(o, "map", 12);
	CHECK_JINT(o, "remap", 13);
	CHECK_JINT(o, "unmap", 14);
	CHECK_JINT(o, "keep", 15);
	CHECK_JINT(o, "cpu_ns", 16);
	CHECK_JINT(m, "pte_writes", 17);
	CHECK_JINT(m, "tlb_flushes", 18);
	o = json_object_get(m, "refcount");
	CHECK_JINT(o, "peak_bo_bytes", 19);
	CHECK_JINT(o, "peak_zombie_bytes", 3 << 20);
	CHECK_JINT(o, "implicit_unmaps", 21);
	CHECK_JINT(o, "leaked_bos", 22);
	CHECK_JINT(o, "cycles", 23);
	CHECK_JINT(o, "bo_lookup_nodes", 24);
	o = json_object_get(m, "userptr");
	CHECK_JINT(o, "invalidations", 25);
	CHECK_JINT(o, "revalidations", 26);
	CHECK_JINT(o, "pinned_pages_peak", 27);
	o = json_object_get(m, "evictions");
	CHECK_JINT(o, "count", 28);
	CHECK_JINT(o, "rebinds", 29);
	o = json_object_get(m, "errors");
	CHECK_JINT(o, "expected", 2);
	CHECK_JINT(o, "unexpected", 1);
	CHECK_JINT(o, "unsupported", 3);
	CHECK_JINT(m, "frames", 3);
	CHECK_JINT(json_object_get(m, "frame_interval_ns"), "max", 17000000);

	run = json_array_get(json_object_get(doc, "runs"), 1);
	CHECK_JSTR(run, "backend", "xe");
	o = json_object_get(run, "strategy");
	CHECK_JSTR(o, "refcount", "weak");
	CHECK_JSTR(o, "sync", "sync");
	CHECK_JSTR(o, "close", "unbind-all");
	CHECK_JSTR(o, "batch", "8");
	CHECK_JSTR(o, "pace", "x2.5");
	CHECK_JSTR(o, "userptr", "pin");
	CHECK_JSTR(o, "bo_lookup", "gem-list");
	CHECK_JINT(run, "repeat", 1);
	CHECK_JINT(run, "wall_ns", 7);
	CHECK(json_is_false(json_object_get(run, "simulated")));
	CHECK(json_is_true(json_object_get(run, "incomplete")));
	CHECK_JSTR(run, "note", "stopped by SIGINT");
	m = json_object_get(run, "metrics");
	check_latency(json_object_get(m, "bind_latency_ns"), 1, 2500.0, 2500, 2500, 2500, 2500,
		      2500);
	check_latency(json_object_get(m, "unbind_latency_ns"), 0, 0.0, 0, 0, 0, 0, 0);
	check_samples(json_object_get(m, "unbind_latency_ns"), NULL, 0);
	CHECK_JINT(json_object_get(m, "submit_stall_ns"), "count", 0);
	/* no model figures: the model-derived objects are null, not zero */
	CHECK(json_is_null(json_object_get(m, "gpuvm")));
	CHECK(json_is_null(json_object_get(m, "pte_writes")));
	CHECK(json_is_null(json_object_get(m, "tlb_flushes")));
	CHECK(json_is_null(json_object_get(m, "refcount")));
	CHECK(json_is_null(json_object_get(m, "userptr")));
	CHECK(json_is_null(json_object_get(m, "evictions")));
	CHECK(json_is_object(json_object_get(m, "errors")));
	CHECK_JINT(m, "frames", 0);

	json_decref(doc);
	free_runs(r, 2);
}

TEST(result_file_errors)
{
	struct vmb_trace t;
	struct vmb_run r[2];
	char path[256], err[256] = "";
	struct stat st;

	make_tmpdir();
	if (!tmpdir[0])
		SKIP("no temporary directory");
	fake_trace(&t);
	fake_runs(r);

	snprintf(path, sizeof(path), "%s/bad-extra.json", tmpdir);
	CHECK_INT(vmb_result_write(path, &t, r, 2, "[1,2]", err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "extra") != NULL);
	CHECK_INT(vmb_result_write(path, &t, r, 2, "{not json", err, sizeof(err)), -EINVAL);
	CHECK(stat(path, &st) != 0);

	/* a parent that is a regular file */
	snprintf(path, sizeof(path), "%s/bad-extra.json.d", tmpdir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/bad-extra.json.d/x/r.json", tmpdir);
	err[0] = '\0';
	CHECK(vmb_result_write(path, &t, r, 2, NULL, err, sizeof(err)) < 0);
	CHECK(err[0] != '\0');

	/* zero runs is a valid, empty result */
	snprintf(path, sizeof(path), "%s/empty.json", tmpdir);
	CHECK_INT(vmb_result_write(path, &t, NULL, 0, NULL, err, sizeof(err)), 0);
	{
		json_t *doc = json_load_file(path, 0, NULL);

		CHECK(doc && json_array_size(json_object_get(doc, "runs")) == 0);
		json_decref(doc);
	}
	free_runs(r, 2);
}

/* write @n samples 0..n-1 (shuffled) and return the bind samples array */
static json_t *write_big(const char *name, size_t n, json_t **doc_out)
{
	struct vmb_trace t;
	struct vmb_run r;
	char path[256], err[256];
	size_t i;

	fake_trace(&t);
	memset(&r, 0, sizeof(r));
	r.backend = "model";
	vmb_run_metrics_init(&r.m);
	for (i = 0; i < n; i++)
		vmb_samples_add(&r.m.bind,
				(i * 7919) %
				    n); /* a permutation: 7919 is prime, divides neither n */
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if (vmb_result_write(path, &t, &r, 1, NULL, err, sizeof(err)))
		printf("# %s\n", err);
	vmb_run_metrics_free(&r.m);
	*doc_out = json_load_file(path, 0, NULL);
	return json_object_get(
	    json_object_get(
		json_object_get(json_array_get(json_object_get(*doc_out, "runs"), 0), "metrics"),
		"bind_latency_ns"),
	    "samples");
}

TEST(samples_subsampling)
{
	const size_t n = 50000, k = VMB_RESULT_MAX_SAMPLES;
	json_t *d1, *d2, *d3, *a, *b, *c, *lat;
	size_t i;

	make_tmpdir();
	if (!tmpdir[0])
		SKIP("no temporary directory");
	a = write_big("big1.json", n, &d1);
	b = write_big("big2.json", n, &d2);
	c = write_big("exact.json", k, &d3);
	CHECK(json_is_array(a) && json_is_array(b) && json_is_array(c));
	CHECK_U64(json_array_size(a), k);
	CHECK(json_equal(a, b)); /* deterministic */
	lat = json_object_get(
	    json_object_get(
		json_object_get(json_array_get(json_object_get(d1, "runs"), 0), "metrics"),
		"bind_latency_ns"),
	    "samples_subsampled");
	CHECK(json_is_true(lat));
	/* evenly spaced by rank, min and max included, ascending */
	for (i = 0; i < json_array_size(a); i++) {
		uint64_t v = json_integer_value(json_array_get(a, i));

		if (v != i * (n - 1) / (k - 1)) {
			CHECK_U64(v, i * (n - 1) / (k - 1));
			break;
		}
	}
	CHECK_U64(json_integer_value(json_array_get(a, 0)), 0);
	CHECK_U64(json_integer_value(json_array_get(a, k - 1)), n - 1);
	/* exactly the limit: everything kept, no flag */
	CHECK_U64(json_array_size(c), k);
	CHECK_U64(json_integer_value(json_array_get(c, 1234)), 1234);
	lat = json_object_get(
	    json_object_get(
		json_object_get(json_array_get(json_object_get(d3, "runs"), 0), "metrics"),
		"bind_latency_ns"),
	    "samples_subsampled");
	CHECK(lat == NULL);
	/* the statistics still use every sample */
	lat = json_object_get(
	    json_object_get(
		json_object_get(json_array_get(json_object_get(d1, "runs"), 0), "metrics"),
		"bind_latency_ns"),
	    "count");
	CHECK_U64(json_integer_value(lat), n);
	json_decref(d1);
	json_decref(d2);
	json_decref(d3);
}

static void check_default_path(const char *trace, const char *stem)
{
	char *p = vmb_result_default_path(trace);
	size_t sl = strlen(stem), i;

	CHECK(p != NULL);
	if (!p)
		return;
	/* results/<stem>-YYYYMMDDTHHMMSSZ.json */
	if (strncmp(p, "results/", 8) || strncmp(p + 8, stem, sl) || p[8 + sl] != '-' ||
	    strlen(p) != 8 + sl + 1 + 16 + 5 || strcmp(p + strlen(p) - 5, ".json") ||
	    p[8 + sl + 1 + 8] != 'T' || p[8 + sl + 1 + 15] != 'Z') {
		printf("# default path for %s: %s\n", trace, p);
		th_cur_failed = 1;
	}
	for (i = 0; i < 15; i++) {
		char ch = p[8 + sl + 1 + i];

		if (i != 8 && (ch < '0' || ch > '9'))
			th_cur_failed = 1;
	}
	free(p);
}

TEST(default_path)
{
	check_default_path("traces/dxvk-steady.jsonl", "dxvk-steady");
	check_default_path("/abs/dir/foo.bar.json", "foo.bar");
	check_default_path("plain", "plain");
	check_default_path("dir/", "trace");
}

TEST(sysinfo)
{
	char buf[128];

	CHECK_STR(vmb_sysinfo_utc(0, false, buf, sizeof(buf)), "1970-01-01T00:00:00Z");
	CHECK_STR(vmb_sysinfo_utc(1763687828, false, buf, sizeof(buf)), "2025-11-21T01:17:08Z");
	CHECK_STR(vmb_sysinfo_utc(1763687828, true, buf, sizeof(buf)), "20251121T011708Z");
	CHECK(strlen(vmb_sysinfo_host(buf, sizeof(buf))) > 0);
	CHECK(strlen(vmb_sysinfo_kernel(buf, sizeof(buf))) > 0);
	CHECK(strlen(vmb_sysinfo_cpu(buf, sizeof(buf))) > 0);
	CHECK(strcmp(buf, "unknown") != 0); /* Linux always has /proc/cpuinfo or uname */
}

static char *summary_of(const struct vmb_trace *t, const struct vmb_run *r, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	vmb_summary_print(f, t, r, n);
	fclose(f);
	return text;
}

/* the line of @text that starts with @prefix, copied into @buf */
static const char *line_of(const char *text, const char *prefix, char *buf, size_t len)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		if (!strncmp(p, prefix, strlen(prefix))) {
			snprintf(buf, len, "%.*s", (int)l, p);
			return buf;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

TEST(summary_table)
{
	struct vmb_trace t;
	struct vmb_run r[2];
	char line[512];
	char *s;

	fake_trace(&t);
	fake_runs(r);
	r[1].m.simulated = true; /* all simulated: one note in the header */
	s = summary_of(&t, r, 2);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(strstr(s, "trace traces/fake-steady.json (driver xe, 4321 ops)") != NULL);
	CHECK(strstr(s, "latencies are simulated by the model's cost model (docs/model.md), "
			"not measured") != NULL);
	/* runs differ in backend and every axis: all appear in the label */
	CHECK(strstr(s, "run (backend/refcount/sync/userptr/bo-lookup/close/batch/pace)") != NULL);
	CHECK(line_of(s, "model/hard/async/hmm/vmbo/as-traced/as-traced/asap #0 ", line,
		      sizeof(line)) != NULL);
	/* bind p50/p99/max of run 0: 500ns 1000ns -> "500ns", "1.00µs" */
	if (line_of(s, "model/", line, sizeof(line)))
		CHECK(strstr(line, "500ns  1.00µs  1.00µs") != NULL);
	else
		CHECK(!"no model/ row");
	CHECK(line_of(s, "xe/weak/sync/pin/gem-list/unbind-all/8/x2.5 #1 *", line, sizeof(line)) !=
	      NULL);
	CHECK(strstr(s, "* run stopped early") != NULL);

	/* counters table: second model/ row has the gpuvm counters and zombie peak */
	{
		const char *second = strstr(s, "gpuvm ops");
		char cl[512];

		CHECK(second != NULL);
		if (second && line_of(second, "model/", cl, sizeof(cl))) {
			CHECK(strstr(cl, "  12  ") != NULL);
			CHECK(strstr(cl, "3.00MiB") != NULL);
			CHECK(strstr(cl, "5.00ms") != NULL);
		}
		if (second && line_of(second, "xe/", cl, sizeof(cl)))
			CHECK(strstr(cl, " - ") != NULL); /* no model figures */
	}
	free(s);

	/* one native run: labelled "native", no strategy axes */
	s = summary_of(&t, r, 1);
	CHECK(s && line_of(s, "native ", line, sizeof(line)) != NULL);
	free(s);

	/* one non-native run: labelled by the axes that depart from native */
	r[1].m.simulated = false;
	s = summary_of(&t, &r[1], 1);
	CHECK(s && strstr(s, "run (refcount/sync/userptr/bo-lookup/close/batch/pace)") != NULL);
	CHECK(s && strstr(s, "not measured") == NULL);
	free(s);
	free_runs(r, 2);
}

int main(void)
{
	RUN(percentiles_empty);
	RUN(percentiles_one);
	RUN(percentiles_small_unsorted);
	RUN(percentiles_exact_ranks);
	RUN(run_metrics_lifetime);
	RUN(strategy_names_round_trip);
	RUN(strategy_parse_rejects);
	RUN(batch_parse_and_name);
	RUN(pace_parse_and_name);
	RUN(native_strategies);
	RUN(result_file_fields);
	RUN(result_file_errors);
	RUN(samples_subsampling);
	RUN(default_path);
	RUN(sysinfo);
	RUN(summary_table);
	if (tmpdir[0])
		remove_tree(tmpdir);
	return TEST_SUMMARY();
}
