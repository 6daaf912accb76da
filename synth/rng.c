// SPDX-License-Identifier: MIT
/*
 * rng.c - the generator's own PRNG: xoshiro256** seeded through splitmix64,
 * and the distributions the archetypes draw from. No libc rand(), no time,
 * no pid: a seed fully determines the output on every platform.
 */
#include <math.h>

#include "synth.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/**
 * vmb_rng_seed() - seed the generator
 * @r: state
 * @seed: any value, 0 included
 */
void vmb_rng_seed(struct vmb_rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

/**
 * vmb_rng_next() - next 64 random bits (xoshiro256**)
 * @r: state
 *
 * Return: the value.
 */
uint64_t vmb_rng_next(struct vmb_rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/**
 * vmb_rng_below() - uniform integer in [0, n) without modulo bias
 * @r: state
 * @n: bound, > 0 (0 returns 0)
 *
 * Return: the value.
 */
uint64_t vmb_rng_below(struct vmb_rng *r, uint64_t n)
{
	uint64_t lim, x;

	if (n <= 1)
		return 0;
	lim = -n % n; /* 2^64 mod n */
	do
		x = vmb_rng_next(r);
	while (x < lim);
	return x % n;
}

/**
 * vmb_rng_range() - uniform integer in [lo, hi]
 * @r: state
 * @lo: lower bound
 * @hi: upper bound (>= lo; otherwise @lo is returned)
 *
 * Return: the value.
 */
uint64_t vmb_rng_range(struct vmb_rng *r, uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + vmb_rng_below(r, hi - lo + 1);
}

/**
 * vmb_rng_unit() - uniform double in [0, 1) with 53 random bits
 * @r: state
 *
 * Return: the value.
 */
double vmb_rng_unit(struct vmb_rng *r)
{
	return (double)(vmb_rng_next(r) >> 11) * 0x1.0p-53;
}

/**
 * vmb_rng_chance() - Bernoulli trial
 * @r: state
 * @p: probability of true
 *
 * Return: true with probability @p.
 */
bool vmb_rng_chance(struct vmb_rng *r, double p)
{
	return vmb_rng_unit(r) < p;
}

/**
 * vmb_rng_log_uniform() - log-uniform size, aligned down
 * @r: state
 * @lo: smallest value (rounded up to a multiple of @align, at least @align)
 * @hi: largest value (raised to @lo if smaller)
 * @align: alignment of the result (power of two)
 *
 * Return: a value in [lo, hi], multiple of @align, never 0.
 */
uint64_t vmb_rng_log_uniform(struct vmb_rng *r, uint64_t lo, uint64_t hi, uint64_t align)
{
	double l, h;
	uint64_t v;

	/* never 0, never below @lo, whatever the parameters say */
	lo = lo < align ? align : (lo + align - 1) & ~(align - 1);
	hi = hi < lo ? lo : hi;
	l = log((double)lo);
	h = log((double)hi);
	v = (uint64_t)exp(l + (h - l) * vmb_rng_unit(r));

	v &= ~(align - 1);
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi & ~(align - 1);
	return v;
}

/**
 * vmb_rng_exp_ns() - exponential inter-arrival time of a Poisson process
 * @r: state
 * @per_s: rate in events per second (<= 0: never, UINT64_MAX)
 *
 * Return: nanoseconds to the next event.
 */
uint64_t vmb_rng_exp_ns(struct vmb_rng *r, double per_s)
{
	double u;

	if (per_s <= 0)
		return UINT64_MAX;
	u = 1.0 - vmb_rng_unit(r); /* (0, 1] */
	return (uint64_t)(-log(u) / per_s * 1e9);
}

/**
 * vmb_rng_jitter() - scale by a uniform factor in [1 - j, 1 + j]
 * @r: state
 * @x: value
 * @j: relative jitter, 0..1
 *
 * Return: the jittered value.
 */
uint64_t vmb_rng_jitter(struct vmb_rng *r, uint64_t x, double j)
{
	return (uint64_t)((double)x * (1.0 - j + 2.0 * j * vmb_rng_unit(r)));
}
