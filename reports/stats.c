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
		t[i] = (struct tagged){ a[i], 0 };
	for (i = 0; i < nb; i++)
		t[na + i] = (struct tagged){ b[i], 1 };
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
