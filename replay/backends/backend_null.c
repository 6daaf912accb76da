// SPDX-License-Identifier: MIT
/*
 * backend_null.c - the `null` backend: carries out nothing and returns each
 * op's traced result, so that a run measures only the replay harness itself
 * (trace walking, strategies, timing, metrics). Its per-op cost is what a
 * user subtracts from hardware figures (bench/bench_null.c reports it).
 *
 * The times it reports for a call are the clock as read at most
 * CLOCK_EVERY calls earlier (or by the last now()): reading the clock costs
 * about as much as the rest of the harness per op on a VM, it belongs to a
 * backend's own measurement rather than to the harness, and a call that
 * does nothing takes no time to measure. The times never go backwards.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "backend.h"

#define CLOCK_EVERY 64

/* the clock as last read, and the calls left until the next read */
struct null_clock {
	uint64_t ns;
	unsigned int left;
};

static uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t null_now(struct vmb_backend *be)
{
	struct null_clock *c = be->priv;
	uint64_t t = clock_ns();

	if (c) {
		c->ns = t;
		c->left = CLOCK_EVERY;
	}
	return t;
}

static int null_open(struct vmb_backend *be, const struct vmb_trace *trace,
		     const struct vmb_strategy *strat, const char *device, char *err, size_t errlen)
{
	struct null_clock *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	be->priv = c;
	return 0;
}

static void null_close(struct vmb_backend *be)
{
	free(be->priv);
	be->priv = NULL;
}

/* the clock read of every CLOCK_EVERY-th call, out of null_exec's way */
static __attribute__((noinline)) uint64_t null_tick(struct null_clock *c)
{
	c->ns = clock_ns();
	c->left = CLOCK_EVERY - 1;
	return c->ns;
}

static int null_exec(struct vmb_backend *be, const struct vmb_call *call, struct vmb_timing *tm)
{
	struct null_clock *c = be->priv;
	uint64_t t;

	if (__builtin_expect(!c->left--, 0))
		t = null_tick(c);
	else
		t = c->ns;

	tm->issue_ns = t;
	tm->return_ns = t;
	tm->done_ns = t;
	tm->start_ns = 0;
	tm->stall_ns = 0;
	return call->op->ret;
}

static void null_advance(struct vmb_backend *be, uint64_t t)
{
	struct timespec ts;

	if (t <= null_now(be))
		return;
	ts.tv_sec = (time_t)(t / 1000000000ull);
	ts.tv_nsec = (long)(t % 1000000000ull);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

/** vmb_null_backend - the harness-only backend (see file comment) */
const struct vmb_backend_ops vmb_null_backend = {
    .name = "null",
    .open = null_open,
    .close = null_close,
    .exec = null_exec,
    .now = null_now,
    .advance = null_advance,
    .simulated = false,
};
