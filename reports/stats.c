// SPDX-License-Identifier: MIT
/*
 * stats.c - quantiles, medians and the Mann-Whitney U test used by compare
 * (see stats.h and docs/reports.md for the decision rule built on them).
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
	size_t n = na + nb, i, j;
	struct tagged *t;
	double r1 = 0, ties = 0, n1 = (double)na, n2 = (double)nb, nn = (double)n;
	double mu, var, d;

	out->u = 0;
	out->z = 0;
	out->p = 1;
	if (!na || !nb)
		return 0;
	t = malloc(n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (i = 0; i < na; i++)
		t[i] = (struct tagged){a[i], 0};
	for (i = 0; i < nb; i++)
		t[na + i] = (struct tagged){b[i], 1};
	qsort(t, n, sizeof(*t), cmp_tagged);

	/* average ranks over tie groups [i, j) */
	for (i = 0; i < n; i = j) {
		double rank, cnt;
		size_t k;

		for (j = i + 1; j < n && t[j].v == t[i].v; j++)
			;
		cnt = (double)(j - i);
		rank = ((double)i + 1 + (double)j) / 2;
		for (k = i; k < j; k++)
			if (!t[k].side)
				r1 += rank;
		ties += cnt * cnt * cnt - cnt;
	}
	free(t);

	out->u = r1 - n1 * (n1 + 1) / 2;
	mu = n1 * n2 / 2;
	var = n1 * n2 / 12 * ((nn + 1) - ties / (nn * (nn - 1)));
	if (var <= 0)
		return 0;
	d = out->u - mu;
	/* continuity correction towards the mean */
	if (d > 0.5)
		d -= 0.5;
	else if (d < -0.5)
		d += 0.5;
	else
		d = 0;
	out->z = d / sqrt(var);
	out->p = vmb_stats_norm_sf2(out->z);
	return 0;
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
