// SPDX-License-Identifier: MIT
/*
 * stats.c - quantiles, medians, robust spread, the Mann-Whitney U test,
 * bootstrap tests and intervals and Holm's correction used by compare (see
 * stats.h and docs/reports.md for the decision rule built on them).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/**
 * vmb_stats_sort() - sort doubles ascending in place
 * @v: values
 * @n: count
 */
void vmb_stats_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_double);
}

/**
 * vmb_stats_quantile() - nearest-rank quantile of sorted samples
 * @v: sorted samples
 * @n: count
 * @q: quantile in [0, 1]
 *
 * Return: the quantile, 0 when @n is 0.
 */
double vmb_stats_quantile(const double *v, size_t n, double q)
{
	size_t k;

	if (!n)
		return 0;
	if (q <= 0)
		return v[0];
	k = (size_t)ceil(q * (double)n);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

/**
 * vmb_stats_median() - median of unsorted values
 * @v: values (not modified)
 * @n: count
 *
 * Return: the median, 0 when @n is 0.
 */
double vmb_stats_median(const double *v, size_t n)
{
	double *c, m;

	if (!n)
		return 0;
	c = malloc(n * sizeof(*c));
	if (!c)
		return NAN;
	memcpy(c, v, n * sizeof(*c));
	vmb_stats_sort(c, n);
	m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return m;
}

/**
 * vmb_stats_norm_sf2() - two-sided normal tail probability
 * @z: standard normal deviate
 *
 * Return: P(|Z| >= |z|) = erfc(|z| / sqrt(2)).
 */
double vmb_stats_norm_sf2(double z)
{
	return erfc(fabs(z) / M_SQRT2);
}

struct tagged {
	double v;
	int side;
};

static int cmp_tagged(const void *a, const void *b)
{
	const struct tagged *x = a, *y = b;

	return (x->v > y->v) - (x->v < y->v);
}

/*
 * Exact two-sided p-value of a rank sum: @r2 are the N pooled ranks doubled
 * (midranks of ties become integers), @k the size of the side whose doubled
 * rank sum is @obs. dp[j][s] counts the j-subsets of the ranks seen so far
 * with doubled sum s; after all N, dp[k][.] is the permutation distribution.
 */
static int mwu_exact_p(const unsigned *r2, size_t n, size_t k, unsigned long obs, double *p)
{
	unsigned long smax = 0, cur = 0, s, mu2 = (unsigned long)k * (n + 1), d;
	double *dp, tail = 0, total = 0;
	size_t i, j;

	for (i = 0; i < n; i++)
		smax += r2[i];
	dp = calloc((k + 1) * (smax + 1), sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp[0] = 1;
	for (i = 0; i < n; i++) {
		cur += r2[i];
		for (j = i + 1 < k ? i + 1 : k; j >= 1; j--) {
			double *to = dp + j * (smax + 1), *from = dp + (j - 1) * (smax + 1);

			for (s = cur; s >= r2[i]; s--)
				to[s] += from[s - r2[i]];
		}
	}
	d = obs > mu2 ? obs - mu2 : mu2 - obs;
	for (s = 0; s <= smax; s++) {
		double c = dp[k * (smax + 1) + s];
		unsigned long ds = s > mu2 ? s - mu2 : mu2 - s;

		total += c;
		if (ds >= d)
			tail += c;
	}
	free(dp);
	*p = total > 0 ? fmin(1, tail / total) : 1;
	return 0;
}

/**
 * vmb_stats_mann_whitney() - two-sided Mann-Whitney U test
 * @a: first sample
 * @na: its size
 * @b: second sample
 * @nb: its size
 * @out: U, z and the two-sided p-value
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
			   struct vmb_mwu *out)
{
	size_t n = na + nb, i, j, small = na < nb ? na : nb;
	bool exact = small <= VMB_MWU_EXACT_MIN && n <= VMB_MWU_EXACT_TOTAL;
	struct tagged *t;
	unsigned *r2 = NULL;
	unsigned long rs2 = 0;
	double r1 = 0, ties = 0, n1 = (double)na, n2 = (double)nb, nn = (double)n;
	double mu, var, d;
	int ret = 0;

	out->u = 0;
	out->z = 0;
	out->p = 1;
	out->exact = false;
	if (!na || !nb)
		return 0;
	t = malloc(n * sizeof(*t));
	if (exact)
		r2 = malloc(n * sizeof(*r2));
	if (!t || (exact && !r2)) {
		free(t);
		free(r2);
		return -ENOMEM;
	}
	for (i = 0; i < na; i++)
		t[i] = (struct tagged){a[i], 0};
	for (i = 0; i < nb; i++)
		t[na + i] = (struct tagged){b[i], 1};
	qsort(t, n, sizeof(*t), cmp_tagged);

	/* average ranks over tie groups [i, j): (i + 1 + j) / 2, doubled i + 1 + j */
	for (i = 0; i < n; i = j) {
		double rank, cnt;
		size_t k;

		for (j = i + 1; j < n && t[j].v == t[i].v; j++)
			;
		cnt = (double)(j - i);
		rank = ((double)i + 1 + (double)j) / 2;
		for (k = i; k < j; k++) {
			if (!t[k].side)
				r1 += rank;
			if (r2)
				r2[k] = (unsigned)(i + 1 + j);
			/* the exact distribution is of the smaller side's rank sum */
			if (r2 && t[k].side == (na <= nb ? 0 : 1))
				rs2 += i + 1 + j;
		}
		ties += cnt * cnt * cnt - cnt;
	}
	free(t);

	out->u = r1 - n1 * (n1 + 1) / 2;
	mu = n1 * n2 / 2;
	var = n1 * n2 / 12 * ((nn + 1) - ties / (nn * (nn - 1)));
	if (var <= 0)
		goto out;
	d = out->u - mu;
	/* continuity correction towards the mean */
	if (d > 0.5)
		d -= 0.5;
	else if (d < -0.5)
		d += 0.5;
	else
		d = 0;
	out->z = d / sqrt(var);
	if (exact) {
		ret = mwu_exact_p(r2, n, small, rs2, &out->p);
		out->exact = !ret;
	} else {
		out->p = vmb_stats_norm_sf2(out->z);
	}
out:
	free(r2);
	return ret;
}

/* xorshift64* and the variates the bootstrap needs */
struct rng {
	unsigned long long s;
};

static double rng_u01(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	/* 53 random bits in (0, 1) */
	return ((double)((r->s * 2685821657736338717ull) >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_normal(struct rng *r)
{
	return sqrt(-2 * log(rng_u01(r))) * cos(2 * M_PI * rng_u01(r));
}

/* Marsaglia and Tsang's method, shape >= 1 */
static double rng_gamma(struct rng *r, double shape)
{
	double d = shape - 1.0 / 3, c = 1 / sqrt(9 * d);

	for (;;) {
		double x = rng_normal(r), v = 1 + c * x, u;

		if (v <= 0)
			continue;
		v = v * v * v;
		u = rng_u01(r);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

/* the nearest-rank quantile of one bootstrap resample of sorted @v */
static double boot_quantile(struct rng *r, const double *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n), j;
	double g1, g2, u;

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	g1 = rng_gamma(r, (double)k);
	g2 = rng_gamma(r, (double)(n - k + 1));
	u = g1 / (g1 + g2);
	j = (size_t)ceil(u * (double)n);
	if (j < 1)
		j = 1;
	if (j > n)
		j = n;
	return v[j - 1];
}

/**
 * vmb_stats_bootstrap_quantile() - bootstrap test of a quantile difference
 * @a: first sample, sorted
 * @na: its size
 * @b: second sample, sorted
 * @nb: its size
 * @q: quantile
 * @reps: replicates
 * @seed: PRNG seed
 *
 * Return: two-sided p-value.
 */
double vmb_stats_bootstrap_quantile(const double *a, size_t na, const double *b, size_t nb,
				    double q, unsigned reps, unsigned long long seed)
{
	struct rng r = {seed ? seed : 0x9e3779b97f4a7c15ull};
	unsigned i, le = 0, ge = 0;
	double p;

	if (!na || !nb || !reps)
		return 1;
	for (i = 0; i < reps; i++) {
		double d = boot_quantile(&r, b, nb, q) - boot_quantile(&r, a, na, q);

		le += d <= 0;
		ge += d >= 0;
	}
	p = 2 * (double)((le < ge ? le : ge) + 1) / (double)(reps + 1);
	return p > 1 ? 1 : p;
}

/**
 * vmb_stats_spread() - scaled median absolute deviation
 * @v: values (not modified)
 * @n: count
 *
 * Return: 1.4826 * median(|v - median(v)|), 0 for n < 2, NAN without memory.
 */
double vmb_stats_spread(const double *v, size_t n)
{
	double med, *dev, mad;
	size_t i;

	if (n < 2)
		return 0;
	dev = malloc(n * sizeof(*dev));
	if (!dev)
		return NAN;
	med = vmb_stats_median(v, n);
	for (i = 0; i < n; i++)
		dev[i] = fabs(v[i] - med);
	mad = vmb_stats_median(dev, n);
	free(dev);
	return 1.4826 * mad;
}

/* the median of one bootstrap resample of @v (@tmp has room for @n values) */
static double boot_median(struct rng *r, const double *v, const double *sorted, size_t n,
			  double *tmp)
{
	size_t i;

	if (n > 256)
		return boot_quantile(r, sorted, n, 0.5);
	for (i = 0; i < n; i++) {
		size_t j = (size_t)(rng_u01(r) * (double)n);

		tmp[i] = v[j < n ? j : n - 1];
	}
	vmb_stats_sort(tmp, n);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/**
 * vmb_stats_bootstrap_ratio_ci() - percentile bootstrap interval of a median ratio
 * @a: base sample
 * @na: its size
 * @b: new sample
 * @nb: its size
 * @conf: confidence level
 * @reps: replicates
 * @seed: PRNG seed
 * @lo: lower bound
 * @hi: upper bound
 *
 * Return: 0, -EDOM (no interval) or -ENOMEM.
 */
int vmb_stats_bootstrap_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
				 double conf, unsigned reps, unsigned long long seed, double *lo,
				 double *hi)
{
	struct rng r = {seed ? seed : 0x9e3779b97f4a7c15ull};
	double *sa, *sb, *tmp, *ratio;
	size_t big = na > nb ? na : nb, k, ilo, ihi;
	unsigned i, got = 0;
	int ret = 0;

	*lo = NAN;
	*hi = NAN;
	if (!na || !nb || !reps || vmb_stats_median(a, na) == 0)
		return -EDOM;
	sa = malloc(na * sizeof(*sa));
	sb = malloc(nb * sizeof(*sb));
	tmp = malloc(big * sizeof(*tmp));
	ratio = malloc(reps * sizeof(*ratio));
	if (!sa || !sb || !tmp || !ratio) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(sa, a, na * sizeof(*sa));
	memcpy(sb, b, nb * sizeof(*sb));
	vmb_stats_sort(sa, na);
	vmb_stats_sort(sb, nb);
	for (i = 0; i < reps; i++) {
		double mb = boot_median(&r, b, sb, nb, tmp);
		double ma = boot_median(&r, a, sa, na, tmp);

		/* a resampled base median of 0 has no ratio: drop the replicate */
		if (ma != 0)
			ratio[got++] = mb / ma;
	}
	if (!got) {
		ret = -EDOM;
		goto out;
	}
	vmb_stats_sort(ratio, got);
	k = (size_t)floor((double)got * (1 - conf) / 2);
	ilo = k < got ? k : got - 1;
	ihi = got - 1 - ilo;
	*lo = ratio[ilo];
	*hi = ratio[ihi];
out:
	free(sa);
	free(sb);
	free(tmp);
	free(ratio);
	return ret;
}

struct pidx {
	double p;
	size_t i;
};

static int cmp_pidx(const void *a, const void *b)
{
	const struct pidx *x = a, *y = b;

	if (x->p != y->p)
		return (x->p > y->p) - (x->p < y->p);
	return (x->i > y->i) - (x->i < y->i);
}

/**
 * vmb_stats_holm() - Holm step-down adjusted p-values
 * @p: p-values, adjusted in place (NAN entries skipped)
 * @n: count
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_stats_holm(double *p, size_t n)
{
	struct pidx *s = malloc((n ? n : 1) * sizeof(*s));
	size_t m = 0, i;
	double run = 0;

	if (!s)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (!isnan(p[i]))
			s[m++] = (struct pidx){p[i], i};
	qsort(s, m, sizeof(*s), cmp_pidx);
	for (i = 0; i < m; i++) {
		double adj = fmin(1, (double)(m - i) * s[i].p);

		run = fmax(run, adj);
		p[s[i].i] = run;
	}
	free(s);
	return 0;
}
