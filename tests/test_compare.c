// SPDX-License-Identifier: MIT
/*
 * test_compare.c - the statistics (Mann-Whitney U against hand-computed
 * values) and build/compare's verdicts on result files generated here with
 * a seeded RNG: 10 % latency regression -> 1, 0.5 % noise -> 0, two wildly
 * noisy runs -> 125, a tail-only (p99) regression found by the bootstrap,
 * deterministic model counters compared exactly, the per-run test with many
 * runs, --metric and --threshold-metric.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "harness.h"
#include "stats.h"

static uint64_t rng_state;

static double urand(void)
{
	/* xorshift64*: deterministic for a seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static double lognormal(double median, double sigma)
{
	double u1 = urand(), u2 = urand();
	double z = sqrt(-2 * log(u1 > 0 ? u1 : 1e-300)) * cos(2 * M_PI * u2);

	return median * exp(sigma * z);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* when > 0: the slowest 5 % of every latency object are this much slower */
static double tail_boost;

static json_t *lat_obj(size_t n, double median, double sigma, double zero_frac)
{
	double *v = malloc(n * sizeof(*v)), total = 0;
	json_t *s = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = urand() < zero_frac ? 0 : floor(lognormal(median, sigma));
	qsort(v, n, sizeof(*v), cmp_d);
	if (tail_boost > 0)
		for (i = n - n / 20; i < n; i++)
			v[i] = floor(v[i] * tail_boost);
	for (i = 0; i < n; i++)
		total += v[i];
	for (i = 0; i < n; i++)
		json_array_append_new(s, json_integer((json_int_t)v[i]));
	json_t *o = json_pack("{s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "count",
			      (json_int_t)n, "mean", total / (double)n, "p50", (json_int_t)v[n / 2],
			      "p90", (json_int_t)v[n * 9 / 10], "p99", (json_int_t)v[n * 99 / 100],
			      "p999", (json_int_t)v[n * 999 / 1000], "max", (json_int_t)v[n - 1],
			      "total", (json_int_t)total, "samples", s);

	free(v);
	return o;
}

struct runspec {
	double scale; /* multiplies every latency median */
	double wall_ms;
	int remap;
	size_t n; /* samples per latency object */
};

static json_t *run_obj(const struct runspec *r, int repeat, bool simulated)
{
	json_t *m = json_pack("{s:o, s:o, s:o, s:o, s:{s:i, s:i, s:i, s:i, s:i}, s:i, s:i,"
			      " s:{s:i, s:i, s:i}}",
			      "bind_latency_ns", lat_obj(r->n, 20000 * r->scale, 0.3, 0),
			      "unbind_latency_ns", lat_obj(r->n / 2, 9000 * r->scale, 0.3, 0),
			      "submit_latency_ns", lat_obj(r->n, 60000 * r->scale, 0.25, 0),
			      "submit_stall_ns", lat_obj(r->n, 40000 * r->scale, 0.25, 0.3),
			      "gpuvm", "requests", 600, "map", 420, "remap", r->remap, "unmap", 180,
			      "keep", 40, "pte_writes", 53200, "tlb_flushes", 190, "errors",
			      "expected", 0, "unexpected", 0, "unsupported", 0);

	return json_pack("{s:s, s:{s:s, s:s}, s:i, s:I, s:b, s:b, s:o}", "backend",
			 simulated ? "model" : "xe", "strategy", "refcount", "hard", "sync",
			 "async", "repeat", repeat, "wall_ns", (json_int_t)(r->wall_ms * 1e6),
			 "simulated", simulated, "incomplete", 0, "metrics", m);
}

/* one result file with @n runs; returns its path (static buffer per call slot) */
static const char *write_result(const char *dir, const char *name, const struct runspec *runs,
				size_t n, bool simulated)
{
	static char paths[16][256];
	static int slot;
	char *p = paths[slot++ % 16];
	json_t *arr = json_array(), *doc;
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, run_obj(&runs[i], (int)i, simulated));
	doc = json_pack("{s:s, s:i, s:{s:s, s:s, s:s, s:i}, s:{s:s, s:s}, s:o}", "format",
			"vmbench-result", "version", 1, "trace", "path", "traces/t.json", "sha256",
			"ab", "driver", "xe", "ops", 100, "env", "tool", "test", "date",
			"2026-11-20T00:00:00Z", "runs", arr);
	snprintf(p, 256, "%s/%s.json", dir, name);
	if (json_dump_file(doc, p, JSON_COMPACT))
		printf("# cannot write %s\n", p);
	json_decref(doc);
	return p;
}

/* run build/compare with @args (NULL-terminated), output to /dev/null; exit status */
static int run_compare(const char *const *args)
{
	const char *argv[64];
	int i = 0, st;
	pid_t pid;

	argv[i++] = "build/compare";
	for (; *args && i < 62; args++)
		argv[i++] = *args;
	argv[i] = NULL;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		if (!getenv("VMB_TEST_VERBOSE") &&
		    (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)))
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static char dir[64];

TEST(mann_whitney_known_values)
{
	double a[] = {1, 2, 3, 4, 5}, b[] = {6, 7, 8, 9, 10};
	double c[] = {1, 1, 2}, d[] = {2, 3, 3};
	double e[] = {4, 4, 4}, f[] = {4, 4};
	struct vmb_mwu t;

	CHECK_INT(vmb_stats_mann_whitney(a, 5, b, 5, &t), 0);
	CHECK(fabs(t.u - 0) < 1e-12);
	/* exact: 2 of the C(10, 5) = 252 rank assignments are this extreme */
	CHECK(t.exact);
	CHECK(fabs(t.p - 2.0 / 252) < 1e-12);
	/* the normal approximation would say 0.0122 and never decide at 0.01 */
	CHECK(fabs(vmb_stats_norm_sf2(t.z) - 0.0121858) < 1e-6);
	/* ties: midranks {1.5 1.5 3.5 3.5 5.5 5.5}; 4 of C(6, 3) = 20 subsets are as extreme */
	CHECK_INT(vmb_stats_mann_whitney(c, 3, d, 3, &t), 0);
	CHECK(fabs(t.u - 0.5) < 1e-12);
	CHECK(fabs(t.p - 4.0 / 20) < 1e-12);
	/* all tied: no evidence */
	CHECK_INT(vmb_stats_mann_whitney(e, 3, f, 2, &t), 0);
	CHECK(t.p == 1);
	/* symmetric */
	CHECK_INT(vmb_stats_mann_whitney(b, 5, a, 5, &t), 0);
	CHECK(fabs(t.u - 25) < 1e-12);
	CHECK(fabs(t.p - 2.0 / 252) < 1e-12);
	/* 3 vs 3 can never go below 2/20 */
	CHECK_INT(vmb_stats_mann_whitney(a, 3, b, 3, &t), 0);
	CHECK(fabs(t.p - 0.1) < 1e-12);
}

/* brute force: every way to give na of the pooled values to side a */
static double enum_p(const double *pool, size_t n, size_t na, double u_obs)
{
	unsigned long mask, total = 0, extreme = 0;
	double mu = (double)na * (double)(n - na) / 2;

	for (mask = 0; mask < 1ul << n; mask++) {
		double u = 0;
		size_t i, j;

		if ((size_t)__builtin_popcountl(mask) != na)
			continue;
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if ((mask >> i & 1) && !(mask >> j & 1))
					u += pool[i] > pool[j] ? 1 : pool[i] == pool[j] ? 0.5 : 0;
		total++;
		extreme += fabs(u - mu) >= fabs(u_obs - mu) - 1e-9;
	}
	return (double)extreme / (double)total;
}

TEST(exact_p_matches_enumeration)
{
	int trial;

	rng_state = 0xe4ac7;
	for (trial = 0; trial < 40; trial++) {
		size_t na = 2 + trial % 5, nb = 3 + (trial / 5) % 6, i;
		double pool[16];
		struct vmb_mwu t;

		/* few distinct values: plenty of ties */
		for (i = 0; i < na + nb; i++)
			pool[i] = floor(urand() * (trial % 2 ? 4 : 50));
		CHECK_INT(vmb_stats_mann_whitney(pool, na, pool + na, nb, &t), 0);
		if (t.p == 1 && t.z == 0)
			continue; /* all tied, or U at its mean */
		CHECK(t.exact);
		if (fabs(t.p - enum_p(pool, na + nb, na, t.u)) > 1e-9) {
			printf("# trial %d: %zu vs %zu: p %.9f, enumeration %.9f\n", trial, na, nb,
			       t.p, enum_p(pool, na + nb, na, t.u));
			CHECK(0);
		}
	}
}

TEST(large_samples_use_normal_approximation)
{
	double a[200], b[200];
	struct vmb_mwu t;
	int i;

	for (i = 0; i < 200; i++) {
		a[i] = i;
		b[i] = i + 20;
	}
	CHECK_INT(vmb_stats_mann_whitney(a, 200, b, 200, &t), 0);
	CHECK(!t.exact);
	CHECK(fabs(t.p - vmb_stats_norm_sf2(t.z)) < 1e-15);
	CHECK(t.p < 0.05 && t.p > 1e-6);
}

TEST(spread_and_holm)
{
	double v[] = {1, 2, 3, 4, 100}, w[] = {7};
	double p[] = {0.01, 0.04, 0.03, NAN}, q[] = {0.5, 0.001};

	/* one outlier does not move the scaled MAD: median |v - 3| = 1 */
	CHECK(fabs(vmb_stats_spread(v, 5) - 1.4826) < 1e-12);
	CHECK(vmb_stats_spread(w, 1) == 0);
	/* Holm: sorted 0.01 0.03 0.04 -> 3 x 0.01, 2 x 0.03, max(0.06, 1 x 0.04) */
	CHECK_INT(vmb_stats_holm(p, 4), 0);
	CHECK(fabs(p[0] - 0.03) < 1e-12);
	CHECK(fabs(p[2] - 0.06) < 1e-12);
	CHECK(fabs(p[1] - 0.06) < 1e-12);
	CHECK(isnan(p[3]));
	CHECK_INT(vmb_stats_holm(q, 2), 0);
	CHECK(fabs(q[1] - 0.002) < 1e-12 && fabs(q[0] - 0.5) < 1e-12);
}

TEST(bootstrap_ratio_ci)
{
	double a[10], b[10], lo, hi, lo2, hi2;
	int i;

	rng_state = 0xc1;
	for (i = 0; i < 10; i++) {
		a[i] = lognormal(1000, 0.1);
		b[i] = lognormal(1500, 0.1);
	}
	CHECK_INT(vmb_stats_bootstrap_ratio_ci(a, 10, b, 10, 0.99, 2000, 5, &lo, &hi), 0);
	CHECK(lo < 1.5 && hi > 1.5 && lo > 1.2 && hi < 1.9);
	CHECK_INT(vmb_stats_bootstrap_ratio_ci(a, 10, b, 10, 0.99, 2000, 5, &lo2, &hi2), 0);
	CHECK(lo == lo2 && hi == hi2);
	a[0] = a[1] = a[2] = a[3] = a[4] = a[5] = 0;
	CHECK_INT(vmb_stats_bootstrap_ratio_ci(a, 10, b, 10, 0.99, 2000, 5, &lo, &hi), -EDOM);
	CHECK(isnan(lo) && isnan(hi));
}

TEST(bootstrap_quantile)
{
	double a[2000], b[2000], c[2000];
	int i;

	for (i = 0; i < 2000; i++) {
		a[i] = 1000 + i;
		b[i] = 1000 + i;
		c[i] = 1100 + i; /* every quantile 100 higher */
	}
	/* same data: no evidence */
	CHECK(vmb_stats_bootstrap_quantile(a, 2000, b, 2000, 0.99, 2000, 1) > 0.5);
	/* shifted: the smallest p the replicate count allows */
	CHECK(vmb_stats_bootstrap_quantile(a, 2000, c, 2000, 0.99, 2000, 1) < 0.002);
	CHECK(vmb_stats_bootstrap_quantile(c, 2000, a, 2000, 0.5, 2000, 1) < 0.01);
	/* deterministic for a seed */
	CHECK(vmb_stats_bootstrap_quantile(a, 1500, b, 2000, 0.99, 500, 7) ==
	      vmb_stats_bootstrap_quantile(a, 1500, b, 2000, 0.99, 500, 7));
	CHECK(vmb_stats_bootstrap_quantile(a, 0, b, 2000, 0.99, 500, 7) == 1);
}

TEST(quantiles)
{
	double v[] = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
	double u[] = {5, 1, 3};

	CHECK(vmb_stats_quantile(v, 10, 0.5) == 50);
	CHECK(vmb_stats_quantile(v, 10, 0.99) == 100);
	CHECK(vmb_stats_quantile(v, 10, 0.9) == 90);
	CHECK(vmb_stats_quantile(v, 10, 0) == 10);
	CHECK(vmb_stats_median(u, 3) == 3);
	CHECK(vmb_stats_median(v, 10) == 55);
}

static void two_sides(double base_scale0, double base_scale1, double new_scale0, double new_scale1,
		      const char **b, const char **n, const char *tag)
{
	struct runspec rb[2] = {{base_scale0, 100, 120, 20000}, {base_scale1, 100.1, 120, 20000}};
	struct runspec rn[2] = {{new_scale0, 100.05, 120, 20000}, {new_scale1, 99.95, 120, 20000}};
	char nb[64], nn[64];

	snprintf(nb, sizeof(nb), "%s-base", tag);
	snprintf(nn, sizeof(nn), "%s-new", tag);
	*b = write_result(dir, nb, rb, 2, false);
	*n = write_result(dir, nn, rn, 2, false);
}

TEST(regression_10pct_exits_1)
{
	const char *b, *n;

	rng_state = 0x1234567;
	two_sides(1.0, 1.0, 1.10, 1.10, &b, &n, "reg");
	{
		const char *args[] = {b, "--", n, NULL};

		CHECK_INT(run_compare(args), 1);
	}
	/* the other way round it is an improvement, not a regression */
	{
		const char *args[] = {n, "--", b, NULL};

		CHECK_INT(run_compare(args), 0);
	}
	/* with a 15 % floor on every latency metric, a 10 % change is "same" */
	{
		const char *args[] = {"--threshold", "15", b, "--", n, NULL};

		CHECK_INT(run_compare(args), 0);
	}
	/* a per-metric floor only for bind_p50 leaves the others deciding */
	{
		const char *args[] = {"--threshold-metric", "bind_p50=15", b, "--", n, NULL};

		CHECK_INT(run_compare(args), 1);
	}
}

TEST(noise_half_pct_exits_0)
{
	const char *b, *n;

	rng_state = 0xabcdef;
	two_sides(1.0, 1.0, 1.005, 1.005, &b, &n, "noise");
	{
		const char *args[] = {b, "--", n, NULL};

		CHECK_INT(run_compare(args), 0);
	}
	/* the same data against itself */
	{
		const char *args[] = {b, "--", b, NULL};

		CHECK_INT(run_compare(args), 0);
	}
}

TEST(wildly_noisy_exits_125)
{
	const char *b, *n;

	rng_state = 0x5eed;
	/* each side's two runs disagree by 3x; the medians move by ~35 % */
	two_sides(1.0, 3.0, 1.5, 3.5, &b, &n, "wild");
	{
		const char *args[] = {b, "--", n, NULL};

		CHECK_INT(run_compare(args), 125);
	}
}

TEST(tail_only_regression)
{
	const char *b, *n;

	/* the slowest 5 % get 20 % slower: p99 moves, the median does not */
	rng_state = 0x7a11;
	tail_boost = 0;
	two_sides(1.0, 1.0, 1.0, 1.0, &b, &n, "tail-base");
	rng_state = 0x7a12;
	tail_boost = 1.2;
	/* both files of this pair have the boosted tail; keep the second */
	two_sides(1.0, 1.0, 1.0, 1.0, &n, &n, "tail-new");
	tail_boost = 0;
	{
		const char *args[] = {"--metric", "bind_p99", b, "--", n, NULL};

		CHECK_INT(run_compare(args), 1);
	}
	{
		const char *args[] = {"--metric", "bind_p50", b, "--", n, NULL};

		CHECK_INT(run_compare(args), 0);
	}
}

TEST(deterministic_counters_exact)
{
	struct runspec same = {1.0, 100, 120, 500}, more = {1.0, 100, 150, 500};
	struct runspec a[3] = {same, same, same}, c[3] = {more, more, more};
	const char *b, *n, *n2;

	/* simulated runs: identical repeats, so identical samples */
	rng_state = 7;
	b = write_result(dir, "det-base", a, 1, true);
	rng_state = 7;
	n = write_result(dir, "det-new", c, 1, true);
	rng_state = 7;
	n2 = write_result(dir, "det-same", a, 1, true);
	{
		const char *args[] = {b, "--", n, NULL};

		CHECK_INT(run_compare(args), 1); /* remap +25 %, exact */
	}
	{
		const char *args[] = {b, "--", n2, NULL};

		CHECK_INT(run_compare(args), 0);
	}
	/* restricting the decision to another metric ignores the remap change */
	{
		const char *args[] = {"--metric", "bind_p50", b, "--", n, NULL};

		CHECK_INT(run_compare(args), 0);
	}
}

TEST(per_run_test_with_many_runs)
{
	struct runspec rb[8], rn[8];
	const char *b, *n;
	int i;

	rng_state = 99;
	for (i = 0; i < 8; i++) {
		rb[i] = (struct runspec){1.0 + 0.01 * (urand() - 0.5), 100, 120, 2000};
		rn[i] = (struct runspec){1.10 + 0.01 * (urand() - 0.5), 100, 120, 2000};
	}
	b = write_result(dir, "many-base", rb, 8, false);
	n = write_result(dir, "many-new", rn, 8, false);
	{
		const char *args[] = {"--metric", "bind_p50", b, "--", n, NULL};

		CHECK_INT(run_compare(args), 1);
	}
	/* three runs per side can never reach p < 0.01 with a rank test: cannot tell */
	b = write_result(dir, "three-base", rb, 3, false);
	n = write_result(dir, "three-new", rn, 3, false);
	{
		const char *args[] = {"--metric", "bind_p50", b, "--", n, NULL};

		CHECK_INT(run_compare(args), 125);
	}
}

TEST(too_few_runs_and_usage)
{
	struct runspec a = {1.0, 100, 120, 100}, c = {1.0, 110, 120, 100};
	const char *b, *n;

	rng_state = 3;
	b = write_result(dir, "few-base", &a, 1, false);
	n = write_result(dir, "few-new", &c, 1, false);
	{
		/* wall time is one number per run: one run per side cannot tell 10 % */
		const char *args[] = {"--metric", "wall_ns", b, "--", n, NULL};

		CHECK_INT(run_compare(args), 125);
	}
	{
		const char *args[] = {b, n, NULL};

		CHECK_INT(run_compare(args), 2);
	}
	{
		const char *args[] = {"--metric", "nonsense", b, "--", n, NULL};

		CHECK_INT(run_compare(args), 2);
	}
	{
		const char *args[] = {"/nonexistent.json", "--", n, NULL};

		CHECK_INT(run_compare(args), 2);
	}
}

/*
 * A measured result file as a GPU lab produces it: @n runs whose every
 * measured figure (latency medians, stall total, wall_ns, gpuvm.cpu_ns)
 * carries its own 10 % lognormal run-to-run noise around @scale times the
 * nominal value; counters are exact. No makespan_ns (an older file).
 */
static const char *write_measured(const char *name, size_t n, double scale)
{
	static char paths[4][256];
	static int slot;
	char *p = paths[slot++ % 4];
	json_t *arr = json_array(), *doc;
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *m = json_pack(
		    "{s:o, s:o, s:o, s:o, s:{s:i, s:i, s:i, s:i, s:i, s:I}, s:i, s:i}",
		    "bind_latency_ns", lat_obj(101, lognormal(20000 * scale, 0.1), 0.3, 0),
		    "unbind_latency_ns", lat_obj(51, lognormal(9000 * scale, 0.1), 0.3, 0),
		    "submit_latency_ns", lat_obj(101, lognormal(60000 * scale, 0.1), 0.25, 0),
		    "submit_stall_ns", lat_obj(101, lognormal(40000 * scale, 0.1), 0.25, 0.3),
		    "gpuvm", "requests", 600, "map", 420, "remap", 120, "unmap", 180, "keep", 40,
		    "cpu_ns", (json_int_t)lognormal(300000 * scale, 0.1), "pte_writes", 53200,
		    "tlb_flushes", 190);

		json_array_append_new(
		    arr, json_pack("{s:s, s:{s:s, s:s}, s:i, s:I, s:b, s:b, s:o}", "backend", "xe",
				   "strategy", "refcount", "hard", "sync", "async", "repeat",
				   (int)i, "wall_ns", (json_int_t)lognormal(5e6 * scale, 0.1),
				   "simulated", 0, "incomplete", 0, "metrics", m));
	}
	doc = json_pack("{s:s, s:i, s:{s:s, s:s, s:s, s:i}, s:{s:s, s:s}, s:o}", "format",
			"vmbench-result", "version", 1, "trace", "path", "traces/t.json", "sha256",
			"ab", "driver", "xe", "ops", 100, "env", "tool", "test", "date",
			"2026-11-20T00:00:00Z", "runs", arr);
	snprintf(p, 256, "%s/%s.json", dir, name);
	if (json_dump_file(doc, p, JSON_COMPACT))
		printf("# cannot write %s\n", p);
	json_decref(doc);
	return p;
}

/* how many of 20 seeded pairs (@nb vs @nn runs, new x @scale) exit @want */
static int pairs_exiting(size_t nb, size_t nn, double scale, const char *metric, int want,
			 int *noisy)
{
	/* VMB_TEST_PAIR_BASE shifts the seeds, to measure the rates on other draws */
	uint64_t shift =
	    getenv("VMB_TEST_PAIR_BASE") ? strtoull(getenv("VMB_TEST_PAIR_BASE"), NULL, 0) : 0;
	int pair, hits = 0;

	*noisy = 0;
	for (pair = 0; pair < 20; pair++) {
		const char *b, *n;
		int rc;

		rng_state = 0xacce55ull + (uint64_t)pair * 7919 + nb * 131 +
			    (uint64_t)(scale * 1000) + shift * 1000003;
		b = write_measured("acc-base", nb, 1.0);
		n = write_measured("acc-new", nn, scale);
		if (metric) {
			const char *args[] = {"--metric", metric, b, "--", n, NULL};

			rc = run_compare(args);
		} else {
			const char *args[] = {b, "--", n, NULL};

			rc = run_compare(args);
		}
		hits += rc == want;
		*noisy += rc == 125;
	}
	return hits;
}

/*
 * The acceptance numbers of docs/reports.md: 10 % lognormal run-to-run
 * noise, every measured metric deciding (Holm over 9 tests) or one.
 */
TEST(measured_false_positives_and_power)
{
	int fp, det, det1, fp1, n125;

	fp = pairs_exiting(10, 10, 1.0, NULL, 1, &n125);
	printf("# identical, 10 vs 10, all metrics: %d/20 false regressions, %d/20 cannot tell\n",
	       fp, n125);
	CHECK(fp <= 1);
	fp1 = pairs_exiting(10, 10, 1.0, "wall_ns", 1, &n125);
	printf("# identical, 10 vs 10, wall_ns: %d/20 false regressions, %d/20 cannot tell\n", fp1,
	       n125);
	CHECK(fp1 <= 1);
	det = pairs_exiting(10, 10, 1.25, NULL, 1, &n125);
	printf("# +25 %%, 10 vs 10, all metrics: %d/20 detected\n", det);
	CHECK(det >= 18);
	det1 = pairs_exiting(10, 10, 1.25, "gpuvm_cpu_ns", 1, &n125);
	printf("# +25 %%, 10 vs 10, gpuvm_cpu_ns: %d/20 detected\n", det1);
	CHECK(det1 >= 18);
	det1 = pairs_exiting(5, 5, 2.0, "wall_ns", 1, &n125);
	printf("# +100 %%, 5 vs 5, wall_ns: %d/20 detected\n", det1);
	CHECK(det1 == 20);
	det1 = pairs_exiting(5, 5, 2.0, "gpuvm_cpu_ns", 1, &n125);
	printf("# +100 %%, 5 vs 5, gpuvm_cpu_ns: %d/20 detected\n", det1);
	CHECK(det1 == 20);
	/* the other direction is better, never a regression */
	det1 = pairs_exiting(10, 10, 0.8, NULL, 1, &n125);
	CHECK(det1 == 0);
}

/* one outlier run among ten does not veto a clear change (MAD, not range) */
TEST(outlier_run_does_not_veto)
{
	const char *b, *n;
	json_t *doc;
	json_error_t e;

	rng_state = 0x0a7;
	b = write_measured("outl-base", 10, 1.0);
	n = write_measured("outl-new", 10, 1.3);
	doc = json_load_file(b, 0, &e);
	if (!doc) {
		CHECK(0);
		return;
	}
	/* the first base run is cold: 10x slower */
	json_object_set_new(json_array_get(json_object_get(doc, "runs"), 0), "wall_ns",
			    json_integer(50000000));
	json_dump_file(doc, b, JSON_COMPACT);
	json_decref(doc);
	{
		const char *args[] = {"--metric", "wall_ns", b, "--", n, NULL};

		CHECK_INT(run_compare(args), 1);
	}
}

/* gpuvm_cpu_ns and makespan_ns: skipped when absent, compared when present */
TEST(new_metrics_absent_in_old_files)
{
	struct runspec a = {1.0, 100, 120, 100};
	const char *b;

	rng_state = 11;
	b = write_result(dir, "old", &a, 1, false);
	{
		/* an old file has neither: nothing to decide, not an error */
		const char *args[] = {"--metric", "makespan_ns", b, "--", b, NULL};

		CHECK_INT(run_compare(args), 0);
	}
	{
		const char *args[] = {"--metric", "gpuvm_cpu_ns", b, "--", b, NULL};

		CHECK_INT(run_compare(args), 0);
	}
}

int main(void)
{
	strcpy(dir, "/tmp/vmb-compare-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(mann_whitney_known_values);
	RUN(bootstrap_quantile);
	RUN(quantiles);
	RUN(exact_p_matches_enumeration);
	RUN(large_samples_use_normal_approximation);
	RUN(spread_and_holm);
	RUN(bootstrap_ratio_ci);
	if (access("build/compare", X_OK)) {
		printf("# build/compare missing: run from the top directory after make\n");
		return 1;
	}
	RUN(regression_10pct_exits_1);
	RUN(noise_half_pct_exits_0);
	RUN(wildly_noisy_exits_125);
	RUN(tail_only_regression);
	RUN(deterministic_counters_exact);
	RUN(per_run_test_with_many_runs);
	RUN(too_few_runs_and_usage);
	RUN(measured_false_positives_and_power);
	RUN(outlier_run_does_not_veto);
	RUN(new_metrics_absent_in_old_files);
	if (!getenv("VMB_TEST_KEEP")) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			printf("# could not remove %s\n", dir);
	}
	return TEST_SUMMARY();
}
