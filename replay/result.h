/* SPDX-License-Identifier: MIT */
/*
 * result.h - turning measured runs into output: the vmbench-result v1 file
 * (DESIGN.md §6, docs/result-format.md), the human-readable summary table,
 * and the host facts recorded in a result's "env".
 */
#ifndef VMB_RESULT_H
#define VMB_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "metrics.h"
#include "strategy.h"
#include "trace.h"

/* at most this many raw samples are stored per latency object */
#define VMB_RESULT_MAX_SAMPLES 20000

/**
 * struct vmb_run - one replay run as it goes into the result file
 * @backend: backend name ("model", "xe", ...)
 * @strat: the strategy the run used (every axis resolved)
 * @repeat: 0-based repeat index of this strategy point
 * @wall_ns: host wall-clock time of the whole run (measured, CLOCK_MONOTONIC)
 * @user_ns, @system_ns: user and system CPU time of the process over the
 *     same span (getrusage)
 * @m: what the run measured; @m.simulated says whether latencies are model time
 * @note: NULL, or a free-form remark written as the run's "note"
 */
struct vmb_run {
	const char *backend;
	struct vmb_strategy strat;
	unsigned repeat;
	uint64_t wall_ns;
	uint64_t user_ns, system_ns;
	struct vmb_run_metrics m;
	const char *note;
};

/**
 * vmb_result_write() - write a vmbench-result v1 file
 * @path: destination; parent directories are created; a regular file is
 *        written to a temporary file beside it and renamed over it so readers
 *        never see half a file; "-", a device or a FIFO is written through
 *        (see outfile.h)
 * @trace: the replayed trace (path, sha256, driver, op count)
 * @runs, @n_runs: the runs, in order
 * @extra_json: NULL, or a JSON object text whose members are merged into the
 *        top level (objects merge recursively, so {"env":{"gpu":"..."}}
 *        sets env.gpu)
 * @err, @errlen: message on failure
 *
 * Return: 0, or a negative errno with a message in @err (-EINVAL for a bad
 * @extra_json, -ENOMEM, or the errno of a failed mkdir/write/rename).
 */
int vmb_result_write(const char *path, const struct vmb_trace *trace, const struct vmb_run *runs,
		     size_t n_runs, const char *extra_json, char *err, size_t errlen);

/**
 * vmb_result_default_path() - "results/<trace basename without extension>-
 * <UTC YYYYMMDDTHHMMSSZ>.json"
 * @trace_path: the trace file
 *
 * Return: a malloc'd path, or NULL when out of memory.
 */
char *vmb_result_default_path(const char *trace_path);

/**
 * vmb_summary_print() - print a readable table of @runs to @f
 * @f: output stream
 * @trace: the replayed trace (header line)
 * @runs, @n_runs: runs, one row each
 *
 * Two tables: latencies (bind, unbind, submit, submit stall) and counters
 * (gpuvm ops, PTE writes, peak zombie bytes, errors). Rows are labelled
 * with the strategy axes that differ between runs.
 */
void vmb_summary_print(FILE *f, const struct vmb_trace *trace, const struct vmb_run *runs,
		       size_t n_runs);

/*
 * Host facts (sysinfo.c). Each fills @buf (NUL-terminated, truncated to
 * @len) and returns it; "unknown" when the fact cannot be found.
 */
/* uname nodename */
const char *vmb_sysinfo_host(char *buf, size_t len);
/* uname release */
const char *vmb_sysinfo_kernel(char *buf, size_t len);
/* "model name" of the first CPU in /proc/cpuinfo (or "Hardware"/"cpu model"/uname machine) */
const char *vmb_sysinfo_cpu(char *buf, size_t len);
/* @t as UTC ISO-8601 "2026-11-21T01:17:08Z", or compact "20261121T011708Z" */
const char *vmb_sysinfo_utc(time_t t, bool compact, char *buf, size_t len);

#endif /* VMB_RESULT_H */
