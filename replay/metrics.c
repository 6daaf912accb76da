// SPDX-License-Identifier: MIT
/*
 * metrics.c - latency sample sets and their summaries (nearest-rank
 * percentiles), and the lifetime of a run's metrics (metrics.h).
 *
 * Samples are kept raw: percentiles are exact and the result file can carry
 * the samples themselves for rank tests in compare.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

int vmb_samples_reserve(struct vmb_samples *s, size_t n)
{
	uint64_t *v;

	if (n <= s->cap)
		return 0;
	if (n > SIZE_MAX / sizeof(*v))
		return -ENOMEM;
	v = realloc(s->v, n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	/*
	 * Touch the new room now: its page faults (about 10 ns per op of a
	 * null replay, as system time) then happen before the replay loop
	 * rather than between its timed calls.
	 */
	memset(v + s->n, 0, (n - s->n) * sizeof(*v));
	s->v = v;
	s->cap = n;
	return 0;
}

/**
 * vmb_samples_grow() - double the room of a full sample set
 * @s: sample set
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_samples_grow(struct vmb_samples *s)
{
	size_t cap = s->cap ? s->cap * 2 : 256;
	uint64_t *v;

	if (cap > SIZE_MAX / sizeof(*v))
		return -ENOMEM;
	v = realloc(s->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	s->cap = cap;
	return 0;
}

/**
 * vmb_samples_reset() - drop all samples, keep the allocation
 * @s: sample set
 */
void vmb_samples_reset(struct vmb_samples *s)
{
	s->n = 0;
	s->sorted = true;
}

/**
 * vmb_samples_free() - drop all samples and the allocation
 * @s: sample set; left empty and reusable
 */
void vmb_samples_free(struct vmb_samples *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
	s->cap = 0;
	s->sorted = true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

bool vmb_samples_sorted(const struct vmb_samples *s)
{
	if (s->sorted)
		return true;
	for (size_t i = 1; i < s->n; i++)
		if (s->v[i] < s->v[i - 1])
			return false;
	return true;
}

/*
 * Nearest rank: the value at 1-based rank ceil(q * n), with q given in
 * parts per @den so that no floating-point rounding can move the rank
 * (0.999 * 1000 is not exactly 999 in binary).
 */
static uint64_t nearest_rank(const uint64_t *v, size_t n, uint64_t num, uint64_t den)
{
	uint64_t rank;

	if (n == 0)
		return 0;
	rank = ((uint64_t)n * num + den - 1) / den;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

/**
 * vmb_samples_summarize() - sort @s in place and summarize it
 * @s: sample set (sorted on return)
 * @out: count, mean, total, max and the nearest-rank percentiles p50, p90,
 *       p99 and p99.9; all zero for an empty set
 *
 * The percentile p for q is the sample at 1-based rank ceil(q * n) of the
 * sorted samples: always a value that was actually observed.
 */
void vmb_samples_summarize(struct vmb_samples *s, struct vmb_latency *out)
{
	uint64_t total = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (s->n == 0)
		return;
	if (!vmb_samples_sorted(s))
		qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	s->sorted = true;
	for (i = 0; i < s->n; i++)
		total += s->v[i];

	out->count = s->n;
	out->total = total;
	out->mean = (double)total / (double)s->n;
	out->p50 = nearest_rank(s->v, s->n, 500, 1000);
	out->p90 = nearest_rank(s->v, s->n, 900, 1000);
	out->p99 = nearest_rank(s->v, s->n, 990, 1000);
	out->p999 = nearest_rank(s->v, s->n, 999, 1000);
	out->max = s->v[s->n - 1];
}

/**
 * vmb_run_metrics_init() - an empty set of run metrics
 * @m: metrics to initialize
 */
void vmb_run_metrics_init(struct vmb_run_metrics *m)
{
	memset(m, 0, sizeof(*m));
	m->bind.sorted = m->unbind.sorted = m->submit.sorted = true;
	m->stall.sorted = m->stall_times.sorted = m->frames.sorted = true;
	m->bind_stall.sorted = m->close.sorted = true;
	m->job_op.sorted = m->job_start.sorted = m->job_end.sorted = true;
}

static const char *const stall_cause_names[VMB_STALL_COUNT] = {
    [VMB_STALL_IMPLICIT] = "implicit",
    [VMB_STALL_VM_BOOKKEEP] = "vm_bookkeep",
    [VMB_STALL_EXPLICIT_FREE] = "explicit_free",
    [VMB_STALL_EVICT] = "evict",
    [VMB_STALL_USERPTR] = "userptr",
    [VMB_STALL_CLOSE] = "close",
};

/**
 * vmb_stall_cause_name() - the result-file key of a stall cause
 * @c: cause
 *
 * Return: "implicit", "vm_bookkeep", ...; NULL when out of range.
 */
const char *vmb_stall_cause_name(enum vmb_stall_cause c)
{
	return (unsigned)c < VMB_STALL_COUNT ? stall_cause_names[c] : NULL;
}

/**
 * vmb_run_metrics_free() - free the samples of @m and leave it empty
 * @m: metrics
 */
void vmb_run_metrics_free(struct vmb_run_metrics *m)
{
	vmb_samples_free(&m->bind);
	vmb_samples_free(&m->unbind);
	vmb_samples_free(&m->submit);
	vmb_samples_free(&m->stall);
	vmb_samples_free(&m->stall_times);
	vmb_samples_free(&m->frames);
	vmb_samples_free(&m->bind_stall);
	vmb_samples_free(&m->close);
	vmb_samples_free(&m->job_op);
	vmb_samples_free(&m->job_start);
	vmb_samples_free(&m->job_end);
	vmb_run_metrics_init(m);
}
