/* SPDX-License-Identifier: MIT */
/*
 * replay.h - the replay engine: runs a loaded trace on a backend under one
 * strategy point and measures it.
 */
#ifndef VMB_REPLAY_H
#define VMB_REPLAY_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "backend.h"
#include "result.h"
#include "strategy.h"
#include "trace.h"

struct vmb_perfetto;

/**
 * struct vmb_replay_opts - how to run
 * @backend: backend vtable
 * @device: --device, or NULL
 * @strat: the strategy point (every axis resolved)
 * @dump: canonical gpuvm op dump stream, or NULL (model backend only)
 * @perfetto: timeline export, or NULL
 * @progress: show progress on stderr (only when it is a terminal)
 * @max_errors: unexpected-result messages printed before going quiet
 * @max_in_flight: --max-in-flight, cap on calls in flight (0 = default)
 */
struct vmb_replay_opts {
	const struct vmb_backend_ops *backend;
	const char *device;
	struct vmb_strategy strat;
	FILE *dump;
	struct vmb_perfetto *perfetto;
	bool progress;
	unsigned max_errors;
	uint32_t max_in_flight;
};

/* set from a signal handler to stop a run early; the run is marked incomplete */
extern volatile sig_atomic_t vmb_replay_stop;

/*
 * vmb_replay_stopped() - vmb_replay_stop as read from any thread: the
 * handler may run on one thread while loader or replay threads poll it, so
 * both sides use atomic accesses (sig_atomic_t alone covers one thread).
 */
static inline bool vmb_replay_stopped(void)
{
	return __atomic_load_n(&vmb_replay_stop, __ATOMIC_RELAXED);
}

/**
 * vmb_replay_run() - replay @trace once
 * @trace: a loaded, validated trace
 * @opts: backend and strategy
 * @run: receives the measurements (call vmb_run_metrics_free() on run->m)
 * @err, @errlen: message when the backend cannot be opened
 *
 * Unexpected op results are counted in run->m.errors_unexpected and
 * reported on stderr as "FILE:LINE: op N: ...".
 *
 * Return: 0, or -errno when the run could not start (backend open failed).
 */
int vmb_replay_run(const struct vmb_trace *trace, const struct vmb_replay_opts *opts,
		   struct vmb_run *run, char *err, size_t errlen);

#endif /* VMB_REPLAY_H */
