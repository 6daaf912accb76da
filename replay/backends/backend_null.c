// SPDX-License-Identifier: MIT
/*
 * backend_null.c - the `null` backend: carries out nothing and returns each
 * op's traced result, so that a run measures only the replay harness itself
 * (trace walking, strategies, timing, metrics). Its per-op cost is what a
 * user subtracts from hardware figures (bench/bench_null.c reports it).
 */
#include <time.h>

#include "backend.h"

static uint64_t null_now(struct vmb_backend *be)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int null_open(struct vmb_backend *be, const struct vmb_trace *trace,
		     const struct vmb_strategy *strat, const char *device, char *err, size_t errlen)
{
	be->priv = NULL;
	return 0;
}

static void null_close(struct vmb_backend *be)
{
}

static int null_exec(struct vmb_backend *be, const struct vmb_call *call, struct vmb_timing *tm)
{
	uint64_t t = null_now(be);

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
