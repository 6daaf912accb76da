/* SPDX-License-Identifier: MIT */
/*
 * verdict.h - the comparison rule shared by compare, the dashboard's trend
 * plots, vmbench-igt and bisect-run: per metric, base vs new runs, a
 * statistical test (Holm-corrected over the metrics and groups tested), a
 * bootstrap interval of the change, a minimum effect size, and a verdict.
 * The rule is spelled out in docs/reports.md ("The decision rule").
 */
#ifndef VMB_VERDICT_H
#define VMB_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "resultset.h"

/** enum vmb_verdict - outcome for one metric */
enum vmb_verdict {
	VMB_V_ABSENT, /* a side has no value: not compared */
	VMB_V_SAME,
	VMB_V_BETTER,
	VMB_V_REGRESSION,
	VMB_V_NOISY,
};

/** enum vmb_test - which evidence a verdict rests on */
enum vmb_test {
	VMB_T_EXACT,   /* deterministic values, compared exactly */
	VMB_T_RUNS,    /* Mann-Whitney U on per-run values (>= 3 runs per side; exact when small) */
	VMB_T_SAMPLES, /* Mann-Whitney U on per-op samples pooled per side (p50, stall total) */
	VMB_T_BOOTSTRAP, /* bootstrap of the p99 of per-op samples pooled per side */
	VMB_T_NONE,	 /* too few runs and no samples: no test possible */
};

/**
 * struct vmb_cmp_opts - comparison parameters
 * @threshold: default minimum effect size in percent (2)
 * @alpha: significance level (0.01)
 * @metric_thr_names, @metric_thr, @n_metric_thr: per-metric thresholds
 * @only, @n_only: metrics that decide the exit status (all when 0)
 */
struct vmb_cmp_opts {
	double threshold;
	double alpha;
	const char **metric_thr_names;
	double *metric_thr;
	size_t n_metric_thr;
	const char **only;
	size_t n_only;
};

/** vmb_cmp_opts_init() - defaults: 2 %, alpha 0.01, every metric decides */
void vmb_cmp_opts_init(struct vmb_cmp_opts *o);

/**
 * struct vmb_cmp_row - one metric of one run group
 * @metric: the metric
 * @base, @new: median of the per-run values of each side
 * @base_spread, @new_spread: robust spread of each side's per-run values
 *     (1.4826 x median absolute deviation, in the metric's unit; 0 with one run)
 * @change: (new - base) / base in percent (+inf when base is 0 and new is not)
 * @ci_lo, @ci_hi: bootstrap confidence interval (level 1 - 2 alpha, so each
 *     end is a one-sided bound at level 1 - alpha) of the ratio new / base
 *     of the medians; NAN when there is none
 * @p: p-value of the test (NAN for exact or no test)
 * @p_adj: @p after Holm's correction over the family of deciding tests
 *     (vmb_verdict_holm()); equal to @p until then
 * @noise: the larger relative spread of the two sides, in percent
 * @threshold: the effect-size floor used, in percent
 * @nb, @nn: runs with a value on each side
 * @test: the evidence used
 * @exact_p: @p is an exact permutation p-value
 * @vetoed: pooled per-op samples were tested but the runs of a side disagree
 *     by more than the change (the pooled test would treat them as one)
 * @verdict: the outcome
 * @decides: counts towards the exit status
 * @why: short reason for NOISY ("too few runs", ...), a static string
 */
struct vmb_cmp_row {
	const struct vmb_metric *metric;
	double base, new, base_spread, new_spread, change, ci_lo, ci_hi, p, p_adj, noise, threshold;
	size_t nb, nn;
	enum vmb_test test;
	bool exact_p, vetoed;
	enum vmb_verdict verdict;
	bool decides;
	const char *why;
};

/**
 * vmb_compare_metric() - compare one metric between two groups of runs
 * @m: the metric
 * @base, @nb: base runs (same trace, backend and strategy)
 * @new, @nn: new runs
 * @o: options
 * @row: result
 *
 * The verdict uses the unadjusted p-value (a family of one test); call
 * vmb_verdict_holm() on all rows of a comparison before using their
 * verdicts when several metrics or groups are tested together.
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_compare_metric(const struct vmb_metric *m, const struct vmb_rrun *const *base, size_t nb,
		       const struct vmb_rrun *const *new, size_t nn, const struct vmb_cmp_opts *o,
		       struct vmb_cmp_row *row);

/**
 * vmb_verdict_holm() - correct the rows of one comparison for multiple tests
 * @rows: every row of the comparison (all groups, all metrics)
 * @n: their number
 * @o: the options they were computed with
 *
 * Adjusts the p-values of the deciding rows that rest on a test with Holm's
 * step-down method and decides those rows again with the adjusted values.
 *
 * Return: the number of tests in the family, or -ENOMEM.
 */
int vmb_verdict_holm(struct vmb_cmp_row *rows, size_t n, const struct vmb_cmp_opts *o);

/** vmb_verdict_name() - "same", "better", "REGRESSION", "noisy", "-" */
const char *vmb_verdict_name(enum vmb_verdict v);

/** vmb_test_name() - "exact", "MWU runs", "MWU samples", "bootstrap", "none" */
const char *vmb_test_name(enum vmb_test t);

/**
 * vmb_verdict_exit() - the exit status for a set of rows: 1 if any deciding
 * row is a REGRESSION, else 125 if any deciding row is noisy, else 0
 */
int vmb_verdict_exit(const struct vmb_cmp_row *rows, size_t n);

#endif /* VMB_VERDICT_H */
