// SPDX-License-Identifier: MIT
/*
 * resultset.c - load vmbench-result v1 files (DESIGN.md §6) for compare,
 * report and vmbench-igt, and extract the metrics they talk about.
 */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resultset.h"
#include "stats.h"

const struct vmb_metric vmb_metrics[] = {
    {"bind_p50", VMB_MK_LAT_P50, "bind", NULL, "ns", false},
    {"bind_p99", VMB_MK_LAT_P99, "bind", NULL, "ns", false},
    {"unbind_p50", VMB_MK_LAT_P50, "unbind", NULL, "ns", false},
    {"unbind_p99", VMB_MK_LAT_P99, "unbind", NULL, "ns", false},
    {"submit_p50", VMB_MK_LAT_P50, "submit", NULL, "ns", false},
    {"submit_p99", VMB_MK_LAT_P99, "submit", NULL, "ns", false},
    {"stall_total", VMB_MK_LAT_TOTAL, "stall", NULL, "ns", false},
    {"gpuvm_requests", VMB_MK_COUNTER, NULL, "gpuvm.requests", "count", false},
    {"gpuvm_map", VMB_MK_COUNTER, NULL, "gpuvm.map", "count", false},
    {"gpuvm_remap", VMB_MK_COUNTER, NULL, "gpuvm.remap", "count", false},
    {"gpuvm_unmap", VMB_MK_COUNTER, NULL, "gpuvm.unmap", "count", false},
    {"gpuvm_keep", VMB_MK_COUNTER, NULL, "gpuvm.keep", "count", true},
    {"pte_writes", VMB_MK_COUNTER, NULL, "pte_writes", "count", false},
    {"tlb_flushes", VMB_MK_COUNTER, NULL, "tlb_flushes", "count", false},
    {"wall_ns", VMB_MK_WALL, NULL, NULL, "ns", false},
    {"gpuvm_cpu_ns", VMB_MK_HOST, NULL, "gpuvm.cpu_ns", "ns", false},
    {"makespan_ns", VMB_MK_TIME, NULL, "makespan_ns", "ns", false},
};
const size_t vmb_n_metrics = sizeof(vmb_metrics) / sizeof(vmb_metrics[0]);

/**
 * vmb_metric_is_host() - whether a metric is measured host time
 * @m: metric
 *
 * Return: true for wall_ns and gpuvm_cpu_ns.
 */
bool vmb_metric_is_host(const struct vmb_metric *m)
{
	return m->kind == VMB_MK_WALL || m->kind == VMB_MK_HOST;
}

/**
 * vmb_metric_find() - look a metric up by name
 * @name: metric name
 *
 * Return: the metric or NULL.
 */
const struct vmb_metric *vmb_metric_find(const char *name)
{
	size_t i;

	for (i = 0; i < vmb_n_metrics; i++)
		if (!strcmp(vmb_metrics[i].name, name))
			return &vmb_metrics[i];
	return NULL;
}

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_number(v))
		return json_number_value(v);
	if (json_is_string(v))
		return strtod(json_string_value(v), NULL);
	return 0;
}

static int load_array(json_t *a, double **out, size_t *n)
{
	size_t i, len = json_array_size(a);
	double *v;

	*out = NULL;
	*n = 0;
	if (!json_is_array(a) || !len)
		return 0;
	v = malloc(len * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		v[i] = json_number_value(json_array_get(a, i));
	*out = v;
	*n = len;
	return 0;
}

static int load_lat(json_t *metrics, const char *key, struct vmb_rlat *l)
{
	json_t *o = json_object_get(metrics, key);
	int ret;

	memset(l, 0, sizeof(*l));
	if (!json_is_object(o))
		return 0;
	l->present = true;
	l->count = num(o, "count");
	l->mean = num(o, "mean");
	l->p50 = num(o, "p50");
	l->p90 = num(o, "p90");
	l->p99 = num(o, "p99");
	l->p999 = num(o, "p999");
	l->max = num(o, "max");
	l->total = num(o, "total");
	l->subsampled = json_is_true(json_object_get(o, "samples_subsampled"));
	ret = load_array(json_object_get(o, "samples"), &l->samples, &l->n);
	if (ret)
		return ret;
	/* the writer sorts them; do not trust that blindly, rank tests need it */
	vmb_stats_sort(l->samples, l->n);
	if (!l->total && l->n && !l->subsampled) {
		size_t i;

		for (i = 0; i < l->n; i++)
			l->total += l->samples[i];
	}
	return 0;
}

/* metrics.stall_timeline: {"t_ns": [...], "stall_ns": [...]} of stalled submits */
static int load_timeline(json_t *metrics, struct vmb_rlat *l)
{
	json_t *o = json_object_get(metrics, "stall_timeline");
	size_t nt = 0, ns = 0;
	int ret;

	ret = load_array(json_object_get(o, "t_ns"), &l->times, &nt);
	if (!ret)
		ret = load_array(json_object_get(o, "stall_ns"), &l->series, &ns);
	if (ret)
		return ret;
	if (nt != ns) {
		free(l->times);
		free(l->series);
		l->times = l->series = NULL;
		nt = 0;
	}
	l->n_times = nt;
	return 0;
}

static void free_lat(struct vmb_rlat *l)
{
	free(l->samples);
	free(l->times);
	free(l->series);
}

static char *strategy_string(json_t *s)
{
	const char *k;
	json_t *v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	json_object_foreach (s, k, v) {
		if (ftell(f))
			fputc(' ', f);
		if (json_is_string(v))
			fprintf(f, "%s=%s", k, json_string_value(v));
		else if (json_is_number(v))
			fprintf(f, "%s=%g", k, json_number_value(v));
		else
			fprintf(f, "%s=?", k);
	}
	fclose(f);
	return buf;
}

static time_t parse_date(const char *s)
{
	struct tm tm;
	const char *fmts[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"};
	size_t i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		if (strptime(s, fmts[i], &tm))
			return timegm(&tm);
	}
	return 0;
}

static char *trace_name(const char *path)
{
	char *dup = strdup(path ? path : "trace"), *b, *ret, *dot;

	if (!dup)
		return NULL;
	b = basename(dup);
	ret = strdup(b);
	free(dup);
	if (!ret)
		return NULL;
	dot = strstr(ret, ".json");
	if (dot)
		*dot = 0;
	return ret;
}

/**
 * vmb_rset_add() - load one result file into @set
 * @set: the set
 * @path: result file
 * @err: error message buffer
 * @errlen: its size
 *
 * Return: 0 or -errno.
 */
int vmb_rset_add(struct vmb_rset *set, const char *path, char *err, size_t errlen)
{
	struct vmb_rfile *f, *files;
	json_error_t je;
	json_t *root, *runs, *trace, *env, *fmt;
	const char *board;
	size_t i;
	int ret = -ENOMEM;

	root = json_load_file(path, 0, &je);
	if (!root) {
		snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
		return je.line > 0 ? -EINVAL : -ENOENT;
	}
	fmt = json_object_get(root, "format");
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "vmbench-result")) {
		snprintf(err, errlen, "%s: not a vmbench-result file", path);
		json_decref(root);
		return -EINVAL;
	}
	if (num(root, "version") != 1) {
		snprintf(err, errlen, "%s: unsupported vmbench-result version", path);
		json_decref(root);
		return -EINVAL;
	}
	runs = json_object_get(root, "runs");
	if (!json_is_array(runs)) {
		snprintf(err, errlen, "%s: no \"runs\" array", path);
		json_decref(root);
		return -EINVAL;
	}
	files = realloc(set->files, (set->n_files + 1) * sizeof(*files));
	if (!files) {
		json_decref(root);
		goto oom;
	}
	set->files = files;
	f = &files[set->n_files];
	memset(f, 0, sizeof(*f));
	f->root = root;
	f->path = strdup(path);
	trace = json_object_get(root, "trace");
	env = json_object_get(root, "env");
	f->trace_path = json_string_value(json_object_get(trace, "path"));
	f->trace_sha = json_string_value(json_object_get(trace, "sha256"));
	f->driver = json_string_value(json_object_get(trace, "driver"));
	f->date = json_string_value(json_object_get(env, "date"));
	if (!f->date)
		f->date = "";
	f->when = parse_date(f->date);
	f->trace_name = trace_name(f->trace_path);
	board = json_string_value(json_object_get(env, "board"));
	f->board = strdup(board ? board : "");
	f->runs = calloc(json_array_size(runs) + 1, sizeof(*f->runs));
	set->n_files++;
	if (!f->path || !f->trace_name || !f->runs || !f->board)
		goto oom;
	for (i = 0; i < json_array_size(runs); i++) {
		json_t *r = json_array_get(runs, i), *m = json_object_get(r, "metrics");
		struct vmb_rrun *rr = &f->runs[f->n_runs];

		if (!json_is_object(r))
			continue;
		rr->file = set->n_files - 1;
		rr->backend = json_string_value(json_object_get(r, "backend"));
		if (!rr->backend)
			rr->backend = "?";
		rr->strategy_json = json_object_get(r, "strategy");
		rr->strategy = strategy_string(rr->strategy_json);
		rr->repeat = (int)num(r, "repeat");
		rr->wall_ns = num(r, "wall_ns");
		rr->user_ns =
		    json_is_number(json_object_get(r, "user_ns")) ? num(r, "user_ns") : -1;
		rr->system_ns =
		    json_is_number(json_object_get(r, "system_ns")) ? num(r, "system_ns") : -1;
		rr->simulated = json_is_true(json_object_get(r, "simulated"));
		rr->incomplete = json_is_true(json_object_get(r, "incomplete"));
		rr->metrics = json_is_object(m) ? m : NULL;
		f->n_runs++;
		if (!rr->strategy)
			goto oom;
		if (load_lat(m, "bind_latency_ns", &rr->bind) ||
		    load_lat(m, "unbind_latency_ns", &rr->unbind) ||
		    load_lat(m, "submit_latency_ns", &rr->submit) ||
		    load_lat(m, "submit_stall_ns", &rr->stall) || load_timeline(m, &rr->stall))
			goto oom;
	}
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", path);
	return ret;
}

/**
 * vmb_rset_free() - free the files and runs of @set
 * @set: the set
 */
void vmb_rset_free(struct vmb_rset *set)
{
	size_t i, j;

	for (i = 0; i < set->n_files; i++) {
		struct vmb_rfile *f = &set->files[i];

		for (j = 0; j < f->n_runs; j++) {
			free(f->runs[j].strategy);
			free_lat(&f->runs[j].bind);
			free_lat(&f->runs[j].unbind);
			free_lat(&f->runs[j].submit);
			free_lat(&f->runs[j].stall);
		}
		free(f->runs);
		free(f->path);
		free(f->trace_name);
		free(f->board);
		json_decref(f->root);
	}
	free(set->files);
	set->files = NULL;
	set->n_files = 0;
}

int vmb_rset_split_boards(struct vmb_rset *const *sets, size_t n)
{
	const char *first = NULL;
	bool many = false;
	size_t i, j, k, count = 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < sets[i]->n_files; j++) {
			const char *b = sets[i]->files[j].board;

			if (!*b)
				continue;
			if (!first)
				first = b;
			else if (strcmp(first, b))
				many = true;
		}
	if (!first)
		return 0;
	if (!many)
		return 1;
	/* count the boards, then rename */
	for (i = 0; i < n; i++)
		for (j = 0; j < sets[i]->n_files; j++) {
			struct vmb_rfile *f = &sets[i]->files[j];
			bool seen = !*f->board;
			size_t ii, jj;

			for (ii = 0; ii <= i && !seen; ii++)
				for (jj = 0; jj < (ii < i ? sets[ii]->n_files : j) && !seen; jj++)
					seen = !strcmp(sets[ii]->files[jj].board, f->board);
			count += !seen;
		}
	for (i = 0; i < n; i++)
		for (k = 0; k < sets[i]->n_files; k++) {
			struct vmb_rfile *f = &sets[i]->files[k];
			char *name;

			if (!*f->board || strchr(f->trace_name, '@'))
				continue; /* unnamed board, or already split */
			if (asprintf(&name, "%s@%s", f->trace_name, f->board) < 0)
				return -ENOMEM;
			free(f->trace_name);
			f->trace_name = name;
		}
	return (int)count;
}

/**
 * vmb_rrun_key() - comparison identity of a run
 * @set: its set
 * @r: the run
 * @buf: output
 * @len: size of @buf
 *
 * Return: @buf.
 */
const char *vmb_rrun_key(const struct vmb_rset *set, const struct vmb_rrun *r, char *buf,
			 size_t len)
{
	const struct vmb_rfile *f = &set->files[r->file];

	snprintf(buf, len, "%s|%s|%s", f->trace_name, r->backend, r->strategy);
	return buf;
}

/**
 * vmb_rrun_num() - numeric metric by dotted path
 * @r: run
 * @path: "gpuvm.remap", "pte_writes", "wall_ns", ...
 * @out: the value
 *
 * Return: true when found.
 */
bool vmb_rrun_num(const struct vmb_rrun *r, const char *path, double *out)
{
	char key[64];
	const char *p = path, *dot;
	json_t *o = r->metrics;

	if (!strcmp(path, "wall_ns")) {
		*out = r->wall_ns;
		return true;
	}
	while (o && (dot = strchr(p, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - p), p);
		o = json_object_get(o, key);
		p = dot + 1;
	}
	o = json_object_get(o, p);
	if (!json_is_number(o))
		return false;
	*out = json_number_value(o);
	return true;
}

/**
 * vmb_rrun_lat() - latency object by short name
 * @r: run
 * @name: "bind", "unbind", "submit" or "stall"
 *
 * Return: the object (check ->present) or NULL for an unknown name.
 */
const struct vmb_rlat *vmb_rrun_lat(const struct vmb_rrun *r, const char *name)
{
	if (!strcmp(name, "bind"))
		return &r->bind;
	if (!strcmp(name, "unbind"))
		return &r->unbind;
	if (!strcmp(name, "submit"))
		return &r->submit;
	if (!strcmp(name, "stall"))
		return &r->stall;
	return NULL;
}

/**
 * vmb_metric_value() - one run's value of a metric
 * @m: metric
 * @r: run
 * @out: value
 *
 * Return: true when present.
 */
bool vmb_metric_value(const struct vmb_metric *m, const struct vmb_rrun *r, double *out)
{
	const struct vmb_rlat *l;

	switch (m->kind) {
	case VMB_MK_WALL:
		*out = r->wall_ns;
		return r->wall_ns > 0;
	case VMB_MK_COUNTER:
	case VMB_MK_HOST:
	case VMB_MK_TIME:
		return vmb_rrun_num(r, m->path, out);
	default:
		break;
	}
	l = vmb_rrun_lat(r, m->lat);
	if (!l || !l->present || (!l->count && !l->n))
		return false;
	if (m->kind == VMB_MK_LAT_TOTAL) {
		*out = l->total;
		return true;
	}
	if (l->n) {
		*out = vmb_stats_quantile(l->samples, l->n, m->kind == VMB_MK_LAT_P50 ? 0.5 : 0.99);
		return true;
	}
	*out = m->kind == VMB_MK_LAT_P50 ? l->p50 : l->p99;
	return true;
}

/**
 * vmb_rset_groups() - group runs by trace, backend and strategy
 * @set: loaded files
 * @skip_incomplete: drop incomplete runs
 * @out: groups
 * @n: number of groups
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_rset_groups(const struct vmb_rset *set, bool skip_incomplete, struct vmb_rgroup **out,
		    size_t *n)
{
	struct vmb_rgroup *g = NULL;
	size_t ng = 0, i, j, k;
	char key[1024];

	for (i = 0; i < set->n_files; i++) {
		for (j = 0; j < set->files[i].n_runs; j++) {
			const struct vmb_rrun *r = &set->files[i].runs[j];
			const struct vmb_rrun **runs;

			if (skip_incomplete && r->incomplete)
				continue;
			vmb_rrun_key(set, r, key, sizeof(key));
			for (k = 0; k < ng; k++)
				if (!strcmp(g[k].key, key))
					break;
			if (k == ng) {
				struct vmb_rgroup *ng2 = realloc(g, (ng + 1) * sizeof(*g));

				if (!ng2)
					goto oom;
				g = ng2;
				memset(&g[ng], 0, sizeof(*g));
				g[ng].key = strdup(key);
				ng++;
				if (!g[k].key)
					goto oom;
			}
			runs = realloc(g[k].runs, (g[k].n + 1) * sizeof(*runs));
			if (!runs)
				goto oom;
			runs[g[k].n++] = r;
			g[k].runs = runs;
		}
	}
	*out = g;
	*n = ng;
	return 0;
oom:
	vmb_rgroups_free(g, ng);
	return -ENOMEM;
}

/**
 * vmb_rgroups_free() - free groups
 * @g: groups
 * @n: their number
 */
void vmb_rgroups_free(struct vmb_rgroup *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(g[i].key);
		free(g[i].runs);
	}
	free(g);
}

/**
 * vmb_rgroup_find() - find a group by key
 * @g: groups
 * @n: their number
 * @key: key
 *
 * Return: the group or NULL.
 */
const struct vmb_rgroup *vmb_rgroup_find(const struct vmb_rgroup *g, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(g[i].key, key))
			return &g[i];
	return NULL;
}
