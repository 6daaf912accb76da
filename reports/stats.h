/* SPDX-License-Identifier: MIT */
/*
 * stats.h - the statistics behind compare and the dashboard: quantiles of
 * sorted samples, medians, a robust spread (scaled MAD), the Mann-Whitney U
 * rank-sum test (exact permutation distribution for small samples, ties
 * included; normal approximation with tie and continuity correction for
 * large ones), bootstrap tests and confidence intervals, and Holm's
 * step-down correction for multiple tests.
 */
#ifndef VMB_STATS_H
#define VMB_STATS_H

#include <stdbool.h>
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
 * @p: two-sided p-value; 1 when every value is tied or a side is empty
 * @exact: @p is from the exact permutation distribution of the rank sum
 *     (given the tie pattern), not from the normal approximation
 */
struct vmb_mwu {
	double u;
	double z;
	double p;
	bool exact;
};

/*
 * Sample sizes up to which vmb_stats_mann_whitney() computes the exact
 * p-value: the smaller side at most VMB_MWU_EXACT_MIN values and both
 * together at most VMB_MWU_EXACT_TOTAL (cost ~ N^2 * k^2 / 2 additions).
 */
#define VMB_MWU_EXACT_MIN 40
#define VMB_MWU_EXACT_TOTAL 120

/**
 * vmb_stats_mann_whitney() - two-sided Mann-Whitney U test of @a against @b
 * @a, @na: first sample (unsorted is fine; not modified)
 * @b, @nb: second sample
 * @out: result
 *
 * Ranks the pooled samples (average ranks for ties) and computes U for @a.
 * Small samples (see VMB_MWU_EXACT_MIN) get the exact two-sided p-value:
 * the probability, over all C(N, n1) equally likely assignments of the
 * observed (mid)ranks to the two sides, of a rank sum at least as far from
 * its mean as the observed one. Larger ones use the normal approximation
 * with variance n1*n2/12 * ((N+1) - sum(t^3 - t) / (N*(N-1))) over tie
 * groups of size t and a continuity correction of 1/2.
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

/**
 * vmb_stats_spread() - robust spread of unsorted values: the median
 * absolute deviation from the median, times 1.4826 (so that it estimates
 * the standard deviation of normal data); 0 for fewer than 2 values.
 * Unlike the range, one outlier cannot inflate it.
 */
double vmb_stats_spread(const double *v, size_t n);

/**
 * vmb_stats_bootstrap_ratio_ci() - bootstrap confidence interval of
 * median(b) / median(a)
 * @a, @na: base sample (unsorted is fine; not modified)
 * @b, @nb: new sample
 * @conf: confidence level, e.g. 0.99
 * @reps: bootstrap replicates (e.g. 2000)
 * @seed: PRNG seed (the interval is deterministic for a seed)
 * @lo, @hi: the percentile interval of the replicated ratio
 *
 * Each replicate resamples both sides with replacement (same sizes) and
 * takes the ratio of their medians (mean of the middle two for an even
 * count; samples larger than 256 use the nearest-rank median drawn in O(1)
 * as vmb_stats_bootstrap_quantile() does).
 *
 * Return: 0; -EDOM when a side is empty or a base median is 0 (@lo and
 * @hi are NAN); -ENOMEM.
 */
int vmb_stats_bootstrap_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
				 double conf, unsigned reps, unsigned long long seed, double *lo,
				 double *hi);

/**
 * vmb_stats_holm() - Holm's step-down adjustment of @n p-values in place
 * @p: p-values; NAN entries are not tests and are left alone
 * @n: count
 *
 * With the m non-NAN p-values sorted ascending, p(i) becomes
 * max over j <= i of min(1, (m - j + 1) * p(j)): rejecting where the
 * adjusted value is below alpha keeps the probability of any false
 * rejection in the family at most alpha, whatever the dependence.
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_stats_holm(double *p, size_t n);

#endif /* VMB_STATS_H */
