/* SPDX-License-Identifier: MIT */
/*
 * resultset.h - vmbench-result files (DESIGN.md §6) loaded for reporting:
 * every run flattened into a struct with its summaries, raw samples and
 * counters, plus the metric table shared by compare and the dashboard.
 */
#ifndef VMB_RESULTSET_H
#define VMB_RESULTSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

/**
 * struct vmb_rlat - one latency object of a run (bind_latency_ns, ...)
 * @present: the object was in the file
 * @count, @mean, @p50, @p90, @p99, @p999, @max, @total: its summary fields
 *     (absent fields are 0)
 * @samples, @n: the "samples" array (sorted ns), NULL/0 when absent
 * @subsampled: "samples_subsampled" was true
 * @times, @n_times: for the stall object, metrics.stall_timeline.t_ns (issue
 *     time of each stalled submit), NULL when absent
 * @series: metrics.stall_timeline.stall_ns, the stall of each of @times
 */
struct vmb_rlat {
	bool present;
	double count, mean, p50, p90, p99, p999, max, total;
	double *samples;
	size_t n;
	bool subsampled;
	double *times, *series;
	size_t n_times;
};

/**
 * struct vmb_rrun - one element of a result file's "runs"
 * @file: index of the file in the set
 * @backend: "model", "xe", ...
 * @strategy: strategy as "refcount=hard sync=async ..." (every key, sorted
 *     as in the file)
 * @strategy_json: the strategy object
 * @repeat: repeat index
 * @wall_ns: whole-run wall time
 * @user_ns, @system_ns: CPU time of the replaying process over the run; -1
 *     when the file does not record it (older files)
 * @simulated: latencies are simulated (model)
 * @incomplete: the run stopped early
 * @bind, @unbind, @submit, @stall: latency objects
 * @num: numeric metrics addressable by name, see vmb_rrun_num()
 */
struct vmb_rrun {
	size_t file;
	const char *backend;
	char *strategy;
	json_t *strategy_json;
	int repeat;
	double wall_ns, user_ns, system_ns;
	bool simulated, incomplete;
	struct vmb_rlat bind, unbind, submit, stall;
	json_t *metrics;
};

/**
 * struct vmb_rfile - one loaded result file
 * @path: where it was read from
 * @root: the parsed document (owns every string the runs point to)
 * @trace_path, @trace_sha, @driver: from "trace"
 * @trace_name: basename of @trace_path without .json/.jsonl
 * @date: env.date string ("" when absent)
 * @when: @date parsed (0 when it does not parse)
 * @runs, @n_runs: its runs
 */
struct vmb_rfile {
	char *path;
	json_t *root;
	const char *trace_path, *trace_sha, *driver;
	char *board;
	char *trace_name;
	const char *date;
	time_t when;
	struct vmb_rrun *runs;
	size_t n_runs;
};

/** struct vmb_rset - a set of loaded result files */
struct vmb_rset {
	struct vmb_rfile *files;
	size_t n_files;
};

/**
 * vmb_rset_split_boards() - when the files of @sets name more than one
 * board (env.board), name the trace of each file that names one
 * "TRACE@BOARD" so that every board gets its own groups, tables and trends;
 * files without env.board keep their trace name
 * @sets: the sets to scan and rename together (results and history)
 * @n: how many
 *
 * Return: the number of distinct boards, or -ENOMEM.
 */
int vmb_rset_split_boards(struct vmb_rset *const *sets, size_t n);

/**
 * vmb_rset_add() - load one result file into @set
 * @set: set to extend
 * @path: file name
 * @err: message on failure ("FILE: what is wrong")
 * @errlen: size of @err
 *
 * Return: 0, -EINVAL for a file that is not a vmbench-result v1, another
 * -errno for I/O errors.
 */
int vmb_rset_add(struct vmb_rset *set, const char *path, char *err, size_t errlen);

/** vmb_rset_free() - free everything in @set (the struct itself is the caller's) */
void vmb_rset_free(struct vmb_rset *set);

/**
 * vmb_rrun_key() - the identity under which runs are compared:
 * "TRACE|BACKEND|STRATEGY" written into @buf
 */
const char *vmb_rrun_key(const struct vmb_rset *set, const struct vmb_rrun *r, char *buf,
			 size_t len);

/**
 * vmb_rrun_num() - a numeric metric of a run by dotted path inside
 * "metrics" (e.g. "gpuvm.remap", "pte_writes"), or "wall_ns"
 * @r: run
 * @path: dotted path
 * @out: value
 *
 * Return: true when present and numeric.
 */
bool vmb_rrun_num(const struct vmb_rrun *r, const char *path, double *out);

/** enum vmb_metric_kind - how a metric is taken from a run */
enum vmb_metric_kind {
	VMB_MK_LAT_P50,	  /* latency object: p50 of its samples */
	VMB_MK_LAT_P99,	  /* latency object: p99 of its samples */
	VMB_MK_LAT_TOTAL, /* latency object: total */
	VMB_MK_COUNTER,	  /* a counter: dotted path in metrics */
	VMB_MK_WALL,	  /* run wall_ns */
	VMB_MK_HOST,	  /* measured host time at a dotted path in metrics (gpuvm.cpu_ns) */
	VMB_MK_TIME,	  /* a backend-clock time at a dotted path (makespan_ns) */
};

/**
 * struct vmb_metric - a metric compare and the trend plots know
 * @name: short name used on the command line (bind_p50, gpuvm_remap, ...)
 * @kind: how it is extracted
 * @lat: latency object name for VMB_MK_LAT_* ("bind", "unbind", "submit", "stall")
 * @path: dotted path for VMB_MK_COUNTER
 * @unit: "ns" or "count"
 * @higher_better: an increase is an improvement (gpuvm keep)
 */
struct vmb_metric {
	const char *name;
	enum vmb_metric_kind kind;
	const char *lat;
	const char *path;
	const char *unit;
	bool higher_better;
};

extern const struct vmb_metric vmb_metrics[];
extern const size_t vmb_n_metrics;

/**
 * vmb_metric_is_host() - @m is host time measured by the replayer (wall_ns,
 * gpuvm_cpu_ns): never deterministic, even on the model, and not what a
 * comparison of simulated runs is about
 */
bool vmb_metric_is_host(const struct vmb_metric *m);

/** vmb_metric_find() - look a metric up by name; NULL when unknown */
const struct vmb_metric *vmb_metric_find(const char *name);

/** vmb_rrun_lat() - a run's latency object by short name ("bind", ...) */
const struct vmb_rlat *vmb_rrun_lat(const struct vmb_rrun *r, const char *name);

/**
 * vmb_metric_value() - one run's value of @m
 * @m: metric
 * @r: run
 * @out: value
 *
 * Latency p50/p99 come from the samples when present (nearest rank), else
 * from the summary fields.
 *
 * Return: true when the run has it.
 */
bool vmb_metric_value(const struct vmb_metric *m, const struct vmb_rrun *r, double *out);

/**
 * struct vmb_rgroup - runs of a set that share trace, backend and strategy
 * @key: vmb_rrun_key() of its runs
 * @runs, @n: the runs (complete ones only when asked), in file order
 */
struct vmb_rgroup {
	char *key;
	const struct vmb_rrun **runs;
	size_t n;
};

/**
 * vmb_rset_groups() - group the runs of @set by vmb_rrun_key()
 * @set: loaded files
 * @skip_incomplete: leave out runs marked "incomplete"
 * @out: receives an array of groups (first-seen order)
 * @n: receives its length
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_rset_groups(const struct vmb_rset *set, bool skip_incomplete, struct vmb_rgroup **out,
		    size_t *n);

/** vmb_rgroups_free() - free what vmb_rset_groups() returned */
void vmb_rgroups_free(struct vmb_rgroup *g, size_t n);

/** vmb_rgroup_find() - the group with @key, or NULL */
const struct vmb_rgroup *vmb_rgroup_find(const struct vmb_rgroup *g, size_t n, const char *key);

#endif /* VMB_RESULTSET_H */
