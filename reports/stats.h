/* SPDX-License-Identifier: MIT */
/*
 * stats.h - the statistics behind compare and the dashboard: quantiles of
 * sorted samples, medians, and the Mann-Whitney U rank-sum test (normal
 * approximation with tie correction and continuity correction).
 */
#ifndef VMB_STATS_H
#define VMB_STATS_H

#include <stddef.h>

/**
 * vmb_stats_quantile() - nearest-rank quantile of sorted samples
 * @v: samples, sorted ascending
 * @n: count (0 gives 0)
 * @q: quantile in [0, 1]
 *
 * Return: v[ceil(q * n) - 1] (v[0] for q == 0), the same definition the
 * result writer uses for p50/p90/p99.
 */
double vmb_stats_quantile(const double *v, size_t n, double q);

/**
 * vmb_stats_median() - median of unsorted values (mean of the two middle
 * ones for even @n); does not modify @v. 0 for n == 0.
 */
double vmb_stats_median(const double *v, size_t n);

/** vmb_stats_sort() - sort doubles ascending in place */
void vmb_stats_sort(double *v, size_t n);

/**
 * struct vmb_mwu - result of a Mann-Whitney U test
 * @u: U statistic of the first sample (number of pairs where a > b, ties
 *     counting one half)
 * @z: standardized statistic (continuity-corrected, tie-corrected)
 * @p: two-sided p-value from the normal approximation; 1 when every value
 *     is tied or a side is empty
 */
struct vmb_mwu {
	double u;
	double z;
	double p;
};

/**
 * vmb_stats_mann_whitney() - two-sided Mann-Whitney U test of @a against @b
 * @a, @na: first sample (unsorted is fine; not modified)
 * @b, @nb: second sample
 * @out: result
 *
 * Ranks the pooled samples (average ranks for ties), computes U for @a,
 * and its normal approximation with variance
 * n1*n2/12 * ((N+1) - sum(t^3 - t) / (N*(N-1))) over tie groups of size t.
 *
 * Return: 0, or -ENOMEM.
 */
int vmb_stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
			   struct vmb_mwu *out);

/**
 * vmb_stats_bootstrap_quantile() - two-sided bootstrap test of a quantile
 * @a, @na: first sample, sorted ascending
 * @b, @nb: second sample, sorted ascending
 * @q: the quantile (0.99 for p99), nearest-rank as vmb_stats_quantile()
 * @reps: bootstrap replicates (e.g. 2000)
 * @seed: PRNG seed (the result is deterministic for a seed)
 *
 * Each replicate draws the nearest-rank @q quantile of a resample (with
 * replacement, same size) of each side and records their difference. The
 * k-th order statistic of a resample of n sorted values is x[ceil(n * U)]
 * with U ~ Beta(k, n - k + 1), so a replicate costs O(1) instead of O(n).
 *
 * Return: the two-sided p-value 2 * min(#(d <= 0) + 1, #(d >= 0) + 1) /
 * (reps + 1), at most 1; 1 when a side is empty.
 */
double vmb_stats_bootstrap_quantile(const double *a, size_t na, const double *b, size_t nb,
				    double q, unsigned reps, unsigned long long seed);

/** vmb_stats_norm_sf2() - two-sided normal tail probability P(|Z| >= |z|) */
double vmb_stats_norm_sf2(double z);

#endif /* VMB_STATS_H */
