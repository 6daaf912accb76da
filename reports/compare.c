// SPDX-License-Identifier: MIT
/*
 * compare.c - `compare BASE.json... -- NEW.json...`: per run group (trace,
 * backend, strategy) and metric, a statistical verdict with an effect-size
 * floor; exit 0 no regression, 1 regression, 125 cannot tell. Usable as a
 * `git bisect run` script. The rule lives in verdict.c.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "html.h"
#include "outfile.h"
#include "resultset.h"
#include "verdict.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: compare [options] BASE.json... -- NEW.json...\n"
	    "\n"
	    "Compare two sets of vmbench result files run by run group (same trace,\n"
	    "backend and strategy) and metric. Exit status: 0 no regression, 1 at least\n"
	    "one regression, 125 cannot tell (too noisy or too few runs), 2 usage error.\n"
	    "\n"
	    "options:\n"
	    "  --threshold PCT          minimum effect size in percent (default 2)\n"
	    "  --threshold-metric M=PCT per-metric minimum effect size (repeatable)\n"
	    "  --alpha A                family-wise significance level (default 0.01)\n"
	    "  --metric M               only M decides the exit status (repeatable);\n"
	    "                           default: every metric except wall_ns of simulated runs\n"
	    "  --format FMT             text (default), markdown, json, hyperfine\n"
	    "  --junit FILE             also write JUnit XML: a testcase per NEW group,\n"
	    "                           failure on a regression or unexpected op results,\n"
	    "                           skipped when it cannot tell, the compare lines as\n"
	    "                           text; a group without baseline passes (BASE may\n"
	    "                           be empty: compare --junit F -- NEW...)\n"
	    "  --kcidb FILE             also write the NEW side as KCIDB v5.3 JSON, a test\n"
	    "                           node per group and metric with its verdict as the\n"
	    "                           status (REGRESSION: FAIL, same/better: PASS, cannot\n"
	    "                           tell: DONE)\n"
	    "  --kcidb-tree NAME, --kcidb-repo URL, --kcidb-commit SHA, --kcidb-branch B\n"
	    "                           the kernel tested (default $VMB_KERNEL_TREE,\n"
	    "                           $VMB_KERNEL_REPO, $VMB_KERNEL_COMMIT, $VMB_KERNEL_BRANCH)\n"
	    "  -q, --quiet              print nothing, only set the exit status\n"
	    "  -h, --help               this text\n"
	    "\n"
	    "metrics: bind_p50 bind_p99 unbind_p50 unbind_p99 submit_p50 submit_p99\n"
	    "  stall_total gpuvm_requests gpuvm_map gpuvm_remap gpuvm_unmap gpuvm_keep\n"
	    "  pte_writes tlb_flushes wall_ns gpuvm_cpu_ns makespan_ns (lower is\n"
	    "  better, except gpuvm_keep; a metric a file lacks is skipped)\n"
	    "\n"
	    "The rule, per metric (runs marked incomplete are left out; docs/reports.md):\n"
	    "  value   median over runs of each run's value; spread = 1.4826 x MAD\n"
	    "  exact   counters, and metrics of simulated runs, that are identical in\n"
	    "          every run of a side: worse by >= threshold is a REGRESSION,\n"
	    "          better by >= it is better, else same (never wall_ns, gpuvm_cpu_ns)\n"
	    "  test    >= 3 runs per side: Mann-Whitney U on per-run values, exact\n"
	    "          permutation p (ties included) up to 40 values on the smaller\n"
	    "          side, normal approximation above; fewer runs: on the per-op\n"
	    "          samples pooled per side (MWU for p50 and stall_total, bootstrap\n"
	    "          of the p99 for p99), vetoed when the runs of a side spread more\n"
	    "          than the threshold and the change\n"
	    "  CI      bootstrap interval of median(new)/median(base), level 1-2*alpha\n"
	    "  Holm    p-values of all deciding tests (every metric of every group)\n"
	    "          are Holm-adjusted, so alpha bounds any false regression\n"
	    "  verdict adjusted p < alpha and worse by >= threshold: REGRESSION;\n"
	    "          ... better by >= threshold: better; else same when the worse\n"
	    "          end of the CI is below the threshold, otherwise noisy\n"
	    "\n"
	    "output: base ± spread -> new ± spread (ratio, CI, p, test)  verdict\n");
}

enum fmt { FMT_TEXT, FMT_MD, FMT_JSON, FMT_HYPERFINE };

static void fmt_val(char *buf, size_t len, double v, const char *unit)
{
	if (!strcmp(unit, "ns")) {
		if (v >= 1e9)
			snprintf(buf, len, "%.3f s", v / 1e9);
		else if (v >= 1e6)
			snprintf(buf, len, "%.3f ms", v / 1e6);
		else if (v >= 1e3)
			snprintf(buf, len, "%.2f us", v / 1e3);
		else
			snprintf(buf, len, "%.0f ns", v);
	} else {
		snprintf(buf, len, "%.0f", v);
	}
}

static void fmt_p(char *buf, size_t len, const struct vmb_cmp_row *r)
{
	if (isnan(r->p_adj))
		snprintf(buf, len, "-");
	else if (r->p_adj < 1e-4)
		snprintf(buf, len, "<0.0001");
	else
		snprintf(buf, len, "%.4f", r->p_adj);
}

/* "x1.250" for a ratio of medians, "-" without one */
static void fmt_ratio(char *buf, size_t len, double ratio)
{
	if (isfinite(ratio))
		snprintf(buf, len, "x%.3f", ratio);
	else
		snprintf(buf, len, "-");
}

static double row_ratio(const struct vmb_cmp_row *r)
{
	return r->base != 0 ? r->new / r->base : NAN;
}

static const char *test_label(const struct vmb_cmp_row *r)
{
	switch (r->test) {
	case VMB_T_EXACT:
		return "deterministic";
	case VMB_T_RUNS:
		return r->exact_p ? "MWU-exact" : "MWU";
	case VMB_T_SAMPLES:
		return r->exact_p ? "MWU-exact samples" : "MWU samples";
	case VMB_T_BOOTSTRAP:
		return "bootstrap p99";
	default:
		return "no test";
	}
}

/* "20.01 us ± 1.20 us": the median and the robust spread of the runs */
static void fmt_side(char *buf, size_t len, double med, double spread, size_t n, const char *unit)
{
	char m[32], sp[32];

	fmt_val(m, sizeof(m), med, unit);
	if (n < 2 || spread == 0) {
		snprintf(buf, len, "%s", m);
		return;
	}
	fmt_val(sp, sizeof(sp), spread, unit);
	snprintf(buf, len, "%s ± %s", m, sp);
}

static void print_rows(FILE *f, enum fmt fmt, const char *key, const struct vmb_cmp_row *rows,
		       size_t n, size_t nb, size_t nn, double conf)
{
	size_t i;

	if (fmt == FMT_MD) {
		fprintf(f, "\n**%s** (%zu base runs, %zu new runs)\n\n", key, nb, nn);
		fprintf(f, "| metric | base | new | ratio | %g%% CI | p | test | verdict |\n",
			conf);
		fprintf(f, "|---|---:|---:|---:|---:|---:|---|---|\n");
	} else {
		fprintf(f, "\n%s  (%zu base runs, %zu new runs)\n", key, nb, nn);
	}
	for (i = 0; i < n; i++) {
		const struct vmb_cmp_row *r = &rows[i];
		char b[96], nw[96], p[32], ra[32], lo[32], hi[32], ci[80];
		const char *v = vmb_verdict_name(r->verdict);
		bool reg = r->verdict == VMB_V_REGRESSION;

		if (r->verdict == VMB_V_ABSENT)
			continue;
		fmt_side(b, sizeof(b), r->base, r->base_spread, r->nb, r->metric->unit);
		fmt_side(nw, sizeof(nw), r->new, r->new_spread, r->nn, r->metric->unit);
		fmt_p(p, sizeof(p), r);
		fmt_ratio(ra, sizeof(ra), row_ratio(r));
		fmt_ratio(lo, sizeof(lo), r->ci_lo);
		fmt_ratio(hi, sizeof(hi), r->ci_hi);
		if (isnan(r->ci_lo))
			snprintf(ci, sizeof(ci), "-");
		else
			snprintf(ci, sizeof(ci), "%s..%s", lo, hi);
		if (fmt == FMT_MD) {
			fprintf(f, "| %s%s | %s | %s | %s | %s | %s | %s | %s%s%s%s%s |\n",
				r->metric->name, r->decides ? "" : " (info)", b, nw, ra, ci, p,
				test_label(r), reg ? "**" : "", v, reg ? "**" : "",
				r->why ? ": " : "", r->why ? r->why : "");
			continue;
		}
		/* base ± spread -> new ± spread (ratio, CI, p)  verdict */
		fprintf(f, "  %-14s %21s -> %-21s (%s", r->metric->name, b, nw, ra);
		if (!isnan(r->ci_lo))
			fprintf(f, ", %g%% CI %s", conf, ci);
		if (!isnan(r->p_adj))
			fprintf(f, ", p=%s", p);
		fprintf(f, ", %s)  %s%s%s%s\n", test_label(r), v, r->decides ? "" : " (info)",
			r->why ? ": " : "", r->why ? r->why : "");
	}
}

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *rows_json(const char *key, const struct vmb_cmp_row *rows, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		const struct vmb_cmp_row *r = &rows[i];

		if (r->verdict == VMB_V_ABSENT)
			continue;
		json_array_append_new(
		    a, json_pack(
			   "{s:s, s:f, s:f, s:f, s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:f,"
			   " s:f, s:s, s:b, s:s, s:b, s:i, s:i, s:s?}",
			   "metric", r->metric->name, "base", r->base, "new", r->new, "base_spread",
			   r->base_spread, "new_spread", r->new_spread, "change_pct",
			   num_or_null(r->change), "ratio", num_or_null(row_ratio(r)), "ci_lo",
			   num_or_null(r->ci_lo), "ci_hi", num_or_null(r->ci_hi), "p",
			   num_or_null(r->p), "p_holm", num_or_null(r->p_adj), "noise_pct",
			   isfinite(r->noise) ? r->noise : -1.0, "threshold_pct", r->threshold,
			   "test", vmb_test_name(r->test), "exact_p", r->exact_p, "verdict",
			   vmb_verdict_name(r->verdict), "decides", r->decides, "base_runs",
			   (int)r->nb, "new_runs", (int)r->nn, "why", r->why));
	}
	return json_pack("{s:s, s:o}", "group", key, "metrics", a);
}

/* unexpected op results recorded in the NEW runs of a group */
static double unexpected_ops(const struct vmb_rgroup *g)
{
	double sum = 0, v;
	size_t i;

	for (i = 0; i < g->n; i++)
		if (vmb_rrun_num(g->runs[i], "errors.unexpected", &v))
			sum += v;
	return sum;
}

/*
 * JUnit XML as GitLab, Jenkins and Mesa CI read it: one testcase per run
 * group of the NEW side (trace x backend x strategy); <failure> for a
 * regression or for unexpected op results, <skipped> when compare cannot
 * tell; the group's compare lines as the message body. A group without a
 * baseline passes (it fails on unexpected op results) and says so.
 */
static int write_junit(const char *path, const struct vmb_rgroup *gb, size_t ngb,
		       const struct vmb_rgroup *gn, size_t ngn, const struct vmb_cmp_row *rows,
		       double conf)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	size_t i, k = 0, tests = 0, failures = 0, skipped = 0;
	char **text = calloc(ngn + 1, sizeof(*text));
	int *st = calloc(ngn + 1, sizeof(*st));
	size_t *rowk = calloc(ngb + 1, sizeof(*rowk));

	if (!f || !text || !st || !rowk) {
		fprintf(stderr, "compare: %s: %s\n", path, strerror(errno ? errno : ENOMEM));
		if (f && f != stdout)
			fclose(f);
		free(text);
		free(st);
		free(rowk);
		return -EIO;
	}
	/* the rows of base group i start at rowk[i] * vmb_n_metrics (main's order) */
	for (i = 0; i < ngb; i++)
		if (vmb_rgroup_find(gn, ngn, gb[i].key))
			rowk[i] = k++;
	for (i = 0; i < ngn; i++) {
		const struct vmb_rgroup *b = vmb_rgroup_find(gb, ngb, gn[i].key);
		double unexpected = unexpected_ops(&gn[i]);
		size_t len = 0;
		FILE *m;

		st[i] =
		    b ? vmb_verdict_exit(&rows[rowk[b - gb] * vmb_n_metrics], vmb_n_metrics) : 0;
		if (unexpected > 0)
			st[i] = 1;
		m = open_memstream(&text[i], &len);
		if (m) {
			if (b)
				print_rows(m, FMT_TEXT, b->key, &rows[rowk[b - gb] * vmb_n_metrics],
					   vmb_n_metrics, b->n, gn[i].n, conf);
			else
				fprintf(m, "%s  (%zu new runs): no baseline, nothing to compare\n",
					gn[i].key, gn[i].n);
			if (unexpected > 0)
				fprintf(m, "\n%.0f op results differ from the trace (unexpected)\n",
					unexpected);
			fclose(m);
		}
		tests++;
		failures += st[i] == 1;
		skipped += st[i] == 125;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"vmbench\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n",
		tests, failures, skipped);
	fprintf(f,
		"  <testsuite name=\"vmbench compare\" tests=\"%zu\" failures=\"%zu\" "
		"skipped=\"%zu\" errors=\"0\">\n",
		tests, failures, skipped);
	for (i = 0; i < ngn; i++) {
		const char *key = gn[i].key, *bar = strchr(key, '|');
		char trace[256];

		if (!text[i])
			continue;
		snprintf(trace, sizeof(trace), "%.*s",
			 (int)(bar ? (size_t)(bar - key) : strlen(key)), key);
		fprintf(f, "    <testcase classname=\"vmbench.");
		vmb_html_esc(f, trace);
		fprintf(f, "\" name=\"");
		vmb_html_esc(f, bar ? bar + 1 : key);
		fprintf(f, "\" time=\"0\">\n");
		if (st[i] == 1) {
			fprintf(f, "      <failure type=\"regression\" message=\"%s\">",
				unexpected_ops(&gn[i]) > 0 ? "regression or unexpected op results"
							   : "regression");
			vmb_html_esc(f, text[i]);
			fprintf(f, "</failure>\n");
		} else if (st[i] == 125) {
			fprintf(f, "      <skipped message=\"cannot tell: too noisy or too few "
				   "runs\"/>\n");
		}
		fprintf(f, "      <system-out>");
		vmb_html_esc(f, text[i]);
		fprintf(f, "</system-out>\n    </testcase>\n");
		free(text[i]);
	}
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	free(text);
	free(st);
	free(rowk);
	if (f != stdout && fclose(f)) {
		fprintf(stderr, "compare: %s: %s\n", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* the NEW side with each group's verdicts as KCIDB test statuses */
static int write_kcidb(const char *path, struct vmb_kcidb_ident *kid, const struct vmb_rset *new,
		       const struct vmb_rgroup *gb, size_t ngb, const struct vmb_rgroup *gn,
		       size_t ngn, const struct vmb_cmp_row *rows)
{
	struct vmb_kcidb_verdict *v = calloc(ngb * vmb_n_metrics + 1, sizeof(*v));
	size_t i, j, k = 0, nv = 0;
	int ret;

	if (!v) {
		fprintf(stderr, "compare: out of memory\n");
		return -ENOMEM;
	}
	for (i = 0; i < ngb; i++) {
		if (!vmb_rgroup_find(gn, ngn, gb[i].key))
			continue;
		for (j = 0; j < vmb_n_metrics; j++)
			v[nv++] =
			    (struct vmb_kcidb_verdict){gb[i].key, &rows[k * vmb_n_metrics + j]};
		k++;
	}
	vmb_kcidb_ident_from_env(kid);
	ret = vmb_export_kcidb(new, "vmbench", kid, v, nv, path);
	if (ret)
		fprintf(stderr, "compare: writing %s failed\n", path);
	free(v);
	return ret;
}

static int load_side(struct vmb_rset *set, char **paths, int n)
{
	char err[512];
	int i;

	for (i = 0; i < n; i++) {
		if (vmb_rset_add(set, paths[i], err, sizeof(err))) {
			fprintf(stderr, "compare: %s\n", err);
			return -EINVAL;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"threshold", required_argument, NULL, 't'},
	    {"threshold-metric", required_argument, NULL, 'T'},
	    {"alpha", required_argument, NULL, 'a'},
	    {"metric", required_argument, NULL, 'm'},
	    {"format", required_argument, NULL, 'f'},
	    {"kcidb", required_argument, NULL, 'k'},
	    {"junit", required_argument, NULL, 'j'},
	    VMB_KCIDB_LONG_OPTIONS,
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct vmb_cmp_opts o;
	struct vmb_rset base = {0}, new = {0};
	struct vmb_rgroup *gb = NULL, *gn = NULL;
	struct vmb_cmp_row *rows = NULL;
	struct vmb_rgroup *hb = NULL, *hn = NULL; /* shallow copies for the hyperfine export */
	size_t ngb = 0, ngn = 0, i, j, k, matched = 0, nh = 0;
	int family = 0;
	const char *names[64];
	double thr[64];
	const char *only[64];
	enum fmt fmt = FMT_TEXT;
	struct vmb_kcidb_ident kid = {0};
	const char *kcidb = NULL, *junit = NULL;
	bool quiet = false;
	int c, sep, status = 0, ret = 2;
	json_t *jout = NULL, *hf = NULL;

	vmb_cmp_opts_init(&o);
	o.metric_thr_names = names;
	o.metric_thr = thr;
	o.only = only;
	/* options come before "--"; NEW files after it are never parsed as options */
	for (sep = 1; sep < argc && strcmp(argv[sep], "--"); sep++)
		;
	while ((c = getopt_long(sep, argv, "qh", lopts, NULL)) != -1) {
		char *eq, *end;

		if (vmb_kcidb_ident_option(&kid, c, optarg))
			continue;
		switch (c) {
		case 't':
			o.threshold = strtod(optarg, &end);
			if (*end || o.threshold < 0) {
				fprintf(stderr, "compare: bad --threshold '%s'\n", optarg);
				return 2;
			}
			break;
		case 'T':
			eq = strchr(optarg, '=');
			if (!eq || !vmb_metric_find((*eq = 0, optarg)) || o.n_metric_thr >= 64) {
				fprintf(stderr,
					"compare: bad --threshold-metric (want METRIC=PCT)\n");
				return 2;
			}
			names[o.n_metric_thr] = optarg;
			thr[o.n_metric_thr++] = strtod(eq + 1, NULL);
			break;
		case 'a':
			o.alpha = strtod(optarg, &end);
			if (*end || o.alpha <= 0 || o.alpha >= 0.5) {
				fprintf(stderr, "compare: bad --alpha '%s'\n", optarg);
				return 2;
			}
			break;
		case 'm':
			if (!vmb_metric_find(optarg) || o.n_only >= 64) {
				fprintf(stderr, "compare: unknown metric '%s'\n", optarg);
				return 2;
			}
			only[o.n_only++] = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = FMT_TEXT;
			else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
				fmt = FMT_MD;
			else if (!strcmp(optarg, "json"))
				fmt = FMT_JSON;
			else if (!strcmp(optarg, "hyperfine"))
				fmt = FMT_HYPERFINE;
			else {
				fprintf(stderr, "compare: unknown format '%s'\n", optarg);
				return 2;
			}
			break;
		case 'k':
			kcidb = optarg;
			break;
		case 'j':
			junit = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (sep >= argc) {
		usage(stderr);
		return 2;
	}
	/* no BASE at all is allowed: --junit and --kcidb then list the NEW groups */
	if (argc - sep - 1 < 1) {
		fprintf(stderr, "compare: need at least one NEW file\n");
		return 2;
	}
	jout = json_array();
	hf = json_array();
	if (!jout || !hf) {
		fprintf(stderr, "compare: out of memory\n");
		goto out;
	}
	if (load_side(&base, argv + optind, sep - optind) ||
	    load_side(&new, argv + sep + 1, argc - sep - 1))
		goto out;
	if (vmb_rset_groups(&base, true, &gb, &ngb) || vmb_rset_groups(&new, true, &gn, &ngn)) {
		fprintf(stderr, "compare: out of memory\n");
		goto out;
	}
	if (fmt == FMT_MD && !quiet)
		printf("### vmbench compare\n");
	/* every row of every matched group first: Holm corrects across all of them */
	rows = calloc(ngb * vmb_n_metrics + 1, sizeof(*rows));
	hb = calloc(ngb + 1, sizeof(*hb));
	hn = calloc(ngb + 1, sizeof(*hn));
	if (!rows || !hb || !hn) {
		fprintf(stderr, "compare: out of memory\n");
		goto out;
	}
	for (i = 0; i < ngb; i++) {
		const struct vmb_rgroup *n = vmb_rgroup_find(gn, ngn, gb[i].key);

		if (!n)
			continue;
		for (j = 0; j < vmb_n_metrics; j++)
			if (vmb_compare_metric(&vmb_metrics[j], gb[i].runs, gb[i].n, n->runs, n->n,
					       &o, &rows[matched * vmb_n_metrics + j])) {
				fprintf(stderr, "compare: out of memory\n");
				goto out;
			}
		matched++;
	}
	family = vmb_verdict_holm(rows, matched * vmb_n_metrics, &o);
	if (family < 0) {
		fprintf(stderr, "compare: out of memory\n");
		goto out;
	}
	if (kcidb && write_kcidb(kcidb, &kid, &new, gb, ngb, gn, ngn, rows))
		goto out;
	if (junit && write_junit(junit, gb, ngb, gn, ngn, rows, (1 - 2 * o.alpha) * 100))
		goto out;
	for (i = 0, k = 0; i < ngb; i++) {
		const struct vmb_rgroup *n = vmb_rgroup_find(gn, ngn, gb[i].key);
		const struct vmb_cmp_row *gr;
		int st;

		if (!n)
			continue;
		gr = &rows[k++ * vmb_n_metrics];
		st = vmb_verdict_exit(gr, vmb_n_metrics);
		if (st == 1 || (st == 125 && status == 0))
			status = st;
		if (quiet)
			continue;
		if (fmt == FMT_JSON)
			json_array_append_new(jout, rows_json(gb[i].key, gr, vmb_n_metrics));
		else if (fmt == FMT_HYPERFINE) {
			hb[nh] = gb[i];
			hn[nh++] = *n;
		} else
			print_rows(stdout, fmt, gb[i].key, gr, vmb_n_metrics, gb[i].n, n->n,
				   (1 - 2 * o.alpha) * 100);
	}
	if (!matched) {
		fprintf(stderr, "compare: no run group (trace|backend|strategy) is in both sets\n");
		status = 125;
	}
	if (!quiet) {
		if (fmt == FMT_JSON) {
			json_t *doc =
			    json_pack("{s:o, s:i, s:f, s:f, s:i, s:f}", "groups", jout, "exit",
				      status, "threshold_pct", o.threshold, "alpha", o.alpha,
				      "tests", family, "ci_level", 1 - 2 * o.alpha);

			jout = NULL;
			json_dumpf(doc, stdout, JSON_INDENT(2));
			putchar('\n');
			json_decref(doc);
		} else if (fmt == FMT_HYPERFINE) {
			/* short names: only the strategy axes that differ between groups */
			if (vmb_export_hyperfine_groups(hf, hb, nh, "base: ") ||
			    vmb_export_hyperfine_groups(hf, hn, nh, "new: ")) {
				fprintf(stderr, "compare: out of memory\n");
				goto out;
			}
			vmb_export_hyperfine_write(hf, "-");
			hf = NULL;
		} else {
			char holm[64] = "";

			if (family > 0)
				snprintf(holm, sizeof(holm), ", p Holm-corrected over %d test%s",
					 family, family == 1 ? "" : "s");
			printf("\n%sverdict: %s (exit %d; threshold %.3g%%, alpha %.3g%s)%s\n",
			       fmt == FMT_MD ? "**" : "",
			       status == 1     ? "REGRESSION"
			       : status == 125 ? "cannot tell"
					       : "no regression",
			       status, o.threshold, o.alpha, holm, fmt == FMT_MD ? "**" : "");
		}
	}
	ret = status;
	if (vmb_stdout_close("compare"))
		ret = 2;
out:
	free(rows);
	free(hb);
	free(hn);
	json_decref(jout);
	json_decref(hf);
	vmb_rgroups_free(gb, ngb);
	vmb_rgroups_free(gn, ngn);
	vmb_rset_free(&base);
	vmb_rset_free(&new);
	return ret;
}
