// SPDX-License-Identifier: MIT
/*
 * verdict.c - the comparison rule (see verdict.h and docs/reports.md):
 *
 *   change  = (median of new per-run values / median of base ones - 1) * 100
 *   exact   when the metric is a counter, or the runs are simulated, and
 *           every run of a side has the same value: the verdict is the
 *           change against the threshold alone;
 *   test    Mann-Whitney U on per-run values with >= 3 runs per side (exact
 *           permutation p for small samples), else on the per-op samples
 *           pooled per side (p50, stall total), or a bootstrap of the pooled
 *           samples' p99 (p99), else none ("too few runs");
 *   veto    a pooled test is vetoed (noisy) when the runs of a side spread
 *           (scaled MAD) by more than the threshold and the change;
 *   CI      bootstrap interval of the ratio of medians, level 1 - 2 alpha: each
 *           end is a one-sided bound at level 1 - alpha;
 *   holm    p-values of the deciding tests of one comparison are adjusted
 *           with Holm's step-down method before the verdict;
 *   verdict significant and worse by >= threshold: REGRESSION; significant
 *           and better by >= threshold: better; otherwise same when the
 *           worse end of the CI stays below the threshold (or, without a
 *           CI, the change does), noisy when it does not.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "verdict.h"

/**
 * vmb_cmp_opts_init() - default comparison options
 * @o: options to fill
 */
void vmb_cmp_opts_init(struct vmb_cmp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold = 2.0;
	o->alpha = 0.01;
}

static double metric_threshold(const struct vmb_metric *m, const struct vmb_cmp_opts *o)
{
	size_t i;

	for (i = 0; i < o->n_metric_thr; i++)
		if (!strcmp(o->metric_thr_names[i], m->name))
			return o->metric_thr[i];
	return o->threshold;
}

static bool metric_decides(const struct vmb_metric *m, const struct vmb_cmp_opts *o, bool simulated)
{
	size_t i;

	if (!o->n_only)
		/* host time of a simulated run measures the model, not the kernel */
		return !(vmb_metric_is_host(m) && simulated);
	for (i = 0; i < o->n_only; i++)
		if (!strcmp(o->only[i], m->name))
			return true;
	return false;
}

static size_t collect(const struct vmb_metric *m, const struct vmb_rrun *const *r, size_t n,
		      double *v, bool *all_sim)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (!r[i]->simulated)
			*all_sim = false;
		if (vmb_metric_value(m, r[i], &v[k]))
			k++;
	}
	return k;
}

static bool all_equal(const double *v, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (v[i] != v[0])
			return false;
	return true;
}

/* robust spread of @v relative to its median, in percent */
static double rel_spread_pct(const double *v, size_t n, double spread)
{
	double med;

	if (n < 2)
		return 0;
	med = vmb_stats_median(v, n);
	if (med == 0)
		return spread == 0 ? 0 : INFINITY;
	return spread / fabs(med) * 100;
}

/* pool the per-op samples of every run of a side; NULL when any run lacks them */
static double *pool(const struct vmb_metric *m, const struct vmb_rrun *const *r, size_t n,
		    size_t *len)
{
	size_t i, total = 0, k = 0;
	double *v;

	for (i = 0; i < n; i++) {
		const struct vmb_rlat *l = vmb_rrun_lat(r[i], m->lat);

		if (!l || !l->n)
			return NULL;
		total += l->n;
	}
	v = malloc((total ? total : 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct vmb_rlat *l = vmb_rrun_lat(r[i], m->lat);

		memcpy(v + k, l->samples, l->n * sizeof(*v));
		k += l->n;
	}
	*len = total;
	return v;
}

static void decide(struct vmb_cmp_row *row, double alpha, bool higher_better)
{
	double worse = higher_better ? -row->change : row->change;
	double thr = row->threshold, worst;

	row->why = NULL;
	if (row->test == VMB_T_EXACT) {
		if (worse >= thr)
			row->verdict = VMB_V_REGRESSION;
		else if (worse <= -thr)
			row->verdict = VMB_V_BETTER;
		else
			row->verdict = VMB_V_SAME;
		return;
	}
	if (row->vetoed) {
		row->verdict = VMB_V_NOISY;
		row->why = "runs disagree by more than the change";
		return;
	}
	if (row->test != VMB_T_NONE && row->p_adj < alpha) {
		if (worse >= thr) {
			row->verdict = VMB_V_REGRESSION;
			return;
		}
		if (worse <= -thr) {
			row->verdict = VMB_V_BETTER;
			return;
		}
	}
	if (row->test == VMB_T_NONE) {
		row->verdict = fabs(row->change) < thr ? VMB_V_SAME : VMB_V_NOISY;
		if (row->verdict == VMB_V_NOISY)
			row->why = "too few runs (need 3 per side)";
		return;
	}
	/* no significant change of threshold size: is a regression of that size excluded? */
	if (!isnan(row->ci_lo)) {
		worst = (higher_better ? 1 - row->ci_lo : row->ci_hi - 1) * 100;
		row->verdict = worst < thr ? VMB_V_SAME : VMB_V_NOISY;
		if (row->verdict == VMB_V_NOISY)
			row->why = row->p_adj < alpha ? "CI reaches the threshold"
						      : "not significant, CI reaches the threshold";
		return;
	}
	row->verdict = fabs(row->change) < thr ? VMB_V_SAME : VMB_V_NOISY;
	if (row->verdict == VMB_V_NOISY)
		row->why = "change not significant";
}

/**
 * vmb_compare_metric() - compare one metric between two groups of runs
 * @m: metric
 * @base: base runs
 * @nb: their number
 * @new: new runs
 * @nn: their number
 * @o: options
 * @row: the result
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_compare_metric(const struct vmb_metric *m, const struct vmb_rrun *const *base, size_t nb,
		       const struct vmb_rrun *const *new, size_t nn, const struct vmb_cmp_opts *o,
		       struct vmb_cmp_row *row)
{
	double *vb = malloc((nb + 1) * sizeof(double)), *vn = malloc((nn + 1) * sizeof(double));
	unsigned long long seed = 0x5eed0000ull + nb * 31 + nn;
	bool sim = true;
	int ret = 0;

	memset(row, 0, sizeof(*row));
	row->metric = m;
	row->p = NAN;
	row->p_adj = NAN;
	row->ci_lo = NAN;
	row->ci_hi = NAN;
	row->threshold = metric_threshold(m, o);
	if (!vb || !vn) {
		ret = -ENOMEM;
		goto out;
	}
	row->nb = collect(m, base, nb, vb, &sim);
	row->nn = collect(m, new, nn, vn, &sim);
	row->decides = metric_decides(m, o, sim);
	if (!row->nb || !row->nn) {
		row->verdict = VMB_V_ABSENT;
		goto out;
	}
	row->base = vmb_stats_median(vb, row->nb);
	row->new = vmb_stats_median(vn, row->nn);
	row->base_spread = vmb_stats_spread(vb, row->nb);
	row->new_spread = vmb_stats_spread(vn, row->nn);
	if (row->base != 0)
		row->change = (row->new - row->base) / fabs(row->base) * 100;
	else
		row->change = row->new == 0 ? 0 : copysign(INFINITY, row->new);

	if (!vmb_metric_is_host(m) && (m->kind == VMB_MK_COUNTER || sim) &&
	    all_equal(vb, row->nb) && all_equal(vn, row->nn)) {
		row->test = VMB_T_EXACT;
		decide(row, o->alpha, m->higher_better);
		goto out;
	}

	row->noise = fmax(rel_spread_pct(vb, row->nb, row->base_spread),
			  rel_spread_pct(vn, row->nn, row->new_spread));

	if (row->nb >= 3 && row->nn >= 3) {
		struct vmb_mwu t;

		row->test = VMB_T_RUNS;
		if (vmb_stats_mann_whitney(vb, row->nb, vn, row->nn, &t)) {
			ret = -ENOMEM;
			goto out;
		}
		row->p = t.p;
		row->exact_p = t.exact;
		if (vmb_stats_bootstrap_ratio_ci(vb, row->nb, vn, row->nn, 1 - 2 * o->alpha, 2000,
						 seed, &row->ci_lo, &row->ci_hi) == -ENOMEM) {
			ret = -ENOMEM;
			goto out;
		}
	} else if (m->kind == VMB_MK_LAT_P50 || m->kind == VMB_MK_LAT_P99 ||
		   m->kind == VMB_MK_LAT_TOTAL) {
		size_t la = 0, lb = 0;
		double *pa = pool(m, base, nb, &la), *pb = pool(m, new, nn, &lb);
		struct vmb_mwu t;

		if (pa && pb && m->kind == VMB_MK_LAT_P99) {
			/* a tail change hardly moves a rank test: bootstrap the p99 itself */
			row->test = VMB_T_BOOTSTRAP;
			vmb_stats_sort(pa, la);
			vmb_stats_sort(pb, lb);
			row->p = vmb_stats_bootstrap_quantile(pa, la, pb, lb, 0.99, 2000,
							      0x5eed0000ull + la * 31 + lb);
		} else if (pa && pb) {
			row->test = VMB_T_SAMPLES;
			if (vmb_stats_mann_whitney(pa, la, pb, lb, &t))
				ret = -ENOMEM;
			row->p = t.p;
			row->exact_p = t.exact;
			/* the p50's interval from the pooled samples (O(1) per replicate) */
			if (!ret && m->kind == VMB_MK_LAT_P50 &&
			    vmb_stats_bootstrap_ratio_ci(pa, la, pb, lb, 1 - 2 * o->alpha, 2000,
							 seed, &row->ci_lo, &row->ci_hi) == -ENOMEM)
				ret = -ENOMEM;
		} else {
			row->test = VMB_T_NONE;
		}
		free(pa);
		free(pb);
		if (ret)
			goto out;
		/* pooling treats runs as one: not when they disagree among themselves */
		row->vetoed = row->test != VMB_T_NONE && row->noise > row->threshold &&
			      row->noise > fabs(row->change);
	} else {
		row->test = VMB_T_NONE;
	}
	row->p_adj = row->p;
	decide(row, o->alpha, m->higher_better);
out:
	free(vb);
	free(vn);
	return ret;
}

/**
 * vmb_verdict_holm() - Holm-correct the deciding tests of a comparison
 * @rows: the rows
 * @n: their number
 * @o: options
 *
 * Return: the family size, or -ENOMEM.
 */
int vmb_verdict_holm(struct vmb_cmp_row *rows, size_t n, const struct vmb_cmp_opts *o)
{
	double *p = malloc((n ? n : 1) * sizeof(*p));
	size_t i;
	int m = 0;

	if (!p)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct vmb_cmp_row *r = &rows[i];
		bool in = r->decides && r->verdict != VMB_V_ABSENT && !isnan(r->p) &&
			  r->test != VMB_T_EXACT && r->test != VMB_T_NONE;

		p[i] = in ? r->p : NAN;
		m += in;
	}
	if (vmb_stats_holm(p, n)) {
		free(p);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (isnan(p[i]))
			continue;
		rows[i].p_adj = p[i];
		decide(&rows[i], o->alpha, rows[i].metric->higher_better);
	}
	free(p);
	return m;
}

/**
 * vmb_verdict_name() - printable verdict
 * @v: verdict
 *
 * Return: a static string.
 */
const char *vmb_verdict_name(enum vmb_verdict v)
{
	switch (v) {
	case VMB_V_SAME:
		return "same";
	case VMB_V_BETTER:
		return "better";
	case VMB_V_REGRESSION:
		return "REGRESSION";
	case VMB_V_NOISY:
		return "noisy";
	default:
		return "-";
	}
}

/**
 * vmb_test_name() - printable test kind
 * @t: test
 *
 * Return: a static string.
 */
const char *vmb_test_name(enum vmb_test t)
{
	switch (t) {
	case VMB_T_EXACT:
		return "exact";
	case VMB_T_RUNS:
		return "MWU runs";
	case VMB_T_SAMPLES:
		return "MWU samples";
	case VMB_T_BOOTSTRAP:
		return "bootstrap";
	default:
		return "none";
	}
}

/**
 * vmb_verdict_exit() - exit status for a comparison
 * @rows: rows
 * @n: their number
 *
 * Return: 1 on any deciding regression, else 125 on any deciding noisy
 * row, else 0.
 */
int vmb_verdict_exit(const struct vmb_cmp_row *rows, size_t n)
{
	size_t i;
	bool noisy = false;

	for (i = 0; i < n; i++) {
		if (!rows[i].decides)
			continue;
		if (rows[i].verdict == VMB_V_REGRESSION)
			return 1;
		if (rows[i].verdict == VMB_V_NOISY)
			noisy = true;
	}
	return noisy ? 125 : 0;
}
