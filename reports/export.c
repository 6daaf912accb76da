// SPDX-License-Identifier: MIT
/*
 * export.c - hyperfine-compatible and KCIDB JSON exports of result sets
 * (see export.h and docs/reports.md).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "outfile.h"
#include "stats.h"

/* write @doc to @path as outfile.h says; the message names the errno */
static int dump(json_t *doc, const char *path)
{
	struct vmb_outfile of;
	char err[4200];
	int ret;

	ret = vmb_outfile_open(&of, path, err, sizeof(err));
	if (!ret) {
		if ((json_dumpf(doc, of.f, JSON_INDENT(2)) || fputc('\n', of.f) == EOF) && !of.err)
			of.err = -EIO;
		ret = vmb_outfile_commit(&of, err, sizeof(err));
	}
	if (ret)
		fprintf(stderr, "%s\n", err);
	json_decref(doc);
	return ret;
}

/**
 * vmb_export_hyperfine_groups() - append one hyperfine result per group
 * @results: JSON array to append to
 * @g: groups
 * @n: number of groups
 * @prefix: command-name prefix or NULL
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_export_hyperfine_groups(json_t *results, const struct vmb_rgroup *g, size_t n,
				const char *prefix)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		double *t = calloc(g[i].n + 1, sizeof(*t)), mean = 0, var = 0, *s;
		json_t *o, *times, *codes;
		char cmd[1200];
		size_t k = 0;

		if (!t)
			return -ENOMEM;
		for (j = 0; j < g[i].n; j++)
			if (g[i].runs[j]->wall_ns > 0)
				t[k++] = g[i].runs[j]->wall_ns / 1e9;
		if (!k) {
			free(t);
			continue;
		}
		times = json_array();
		codes = json_array();
		for (j = 0; j < k; j++) {
			mean += t[j];
			json_array_append_new(times, json_real(t[j]));
			json_array_append_new(codes, json_integer(0));
		}
		mean /= (double)k;
		for (j = 0; j < k; j++)
			var += (t[j] - mean) * (t[j] - mean);
		s = t;
		vmb_stats_sort(s, k);
		snprintf(cmd, sizeof(cmd), "%s%s", prefix ? prefix : "", g[i].key);
		o = json_pack("{s:s, s:f, s:o, s:f, s:f, s:f, s:o, s:o}", "command", cmd, "mean",
			      mean, "stddev",
			      k > 1 ? json_real(sqrt(var / (double)(k - 1))) : json_null(),
			      "median", vmb_stats_median(t, k), "min", s[0], "max", s[k - 1],
			      "times", times, "exit_codes", codes);
		free(t);
		if (!o || json_array_append_new(results, o))
			return -ENOMEM;
	}
	return 0;
}

/**
 * vmb_export_hyperfine_write() - write the hyperfine document
 * @results: results array (reference stolen)
 * @path: file or "-"
 *
 * Return: 0 or -errno.
 */
int vmb_export_hyperfine_write(json_t *results, const char *path)
{
	return dump(json_pack("{s:o}", "results", results), path);
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			*s = '_';
}

static int kcidb_num(json_t *tests, const char *origin, const char *build_id, const char *base_path,
		     const char *metric, double value, const char *unit, const char *start,
		     json_t *misc)
{
	char id[2200], path[1024];
	json_t *t;

	snprintf(path, sizeof(path), "%s.%s", base_path, metric);
	snprintf(id, sizeof(id), "%s:%s.%s", origin, build_id + strlen(origin) + 1, path);
	t = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:f, s:s, s:s}, s:O}", "id", id, "build_id",
		      build_id, "origin", origin, "path", path, "status", "DONE", "number", "value",
		      value, "unit", unit, "prefix", !strcmp(unit, "B") ? "binary" : "metric",
		      "misc", misc);
	if (!t)
		return -ENOMEM;
	if (start && *start)
		json_object_set_new(t, "start_time", json_string(start));
	return json_array_append_new(tests, t) ? -ENOMEM : 0;
}

/**
 * vmb_export_kcidb() - write a KCIDB v5.3 document
 * @set: results
 * @origin: origin name
 * @path: file or "-"
 *
 * Return: 0 or -errno.
 */
int vmb_export_kcidb(const struct vmb_rset *set, const char *origin, const char *path)
{
	static const struct {
		const char *name, *path, *unit;
	} extra[] = {
	    {"peak_bo_bytes", "refcount.peak_bo_bytes", "B"},
	    {"peak_zombie_bytes", "refcount.peak_zombie_bytes", "B"},
	    {"implicit_unmaps", "refcount.implicit_unmaps", ""},
	    {"userptr_invalidations", "userptr.invalidations", ""},
	    {"errors_unexpected", "errors.unexpected", ""},
	};
	json_t *doc, *checkouts, *builds, *tests;
	size_t i, j, k;
	int ret = 0;

	checkouts = json_array();
	builds = json_array();
	tests = json_array();
	doc = json_pack("{s:{s:i, s:i}, s:o, s:o, s:o}", "version", "major", 5, "minor", 3,
			"checkouts", checkouts, "builds", builds, "tests", tests);
	if (!doc)
		return -ENOMEM;
	for (i = 0; i < set->n_files && !ret; i++) {
		const struct vmb_rfile *f = &set->files[i];
		json_t *env = json_object_get(f->root, "env");
		const char *tool = json_string_value(json_object_get(env, "tool"));
		const char *kernel = json_string_value(json_object_get(env, "kernel"));
		char cid[256], bid[256], uniq[128];

		snprintf(uniq, sizeof(uniq), "%.16s-%s-%zu", f->trace_sha ? f->trace_sha : "x",
			 f->date, i);
		sanitize(uniq);
		snprintf(cid, sizeof(cid), "%s:%s", origin, uniq);
		snprintf(bid, sizeof(bid), "%s:%s", origin, uniq);
		json_array_append_new(checkouts,
				      json_pack("{s:s, s:s, s:{s:s, s:s}}", "id", cid, "origin",
						origin, "misc", "kernel", kernel ? kernel : "",
						"tool", tool ? tool : ""));
		json_array_append_new(builds,
				      json_pack("{s:s, s:s, s:s, s:s}", "id", bid, "checkout_id",
						cid, "origin", origin, "status", "PASS"));
		for (j = 0; j < f->n_runs && !ret; j++) {
			const struct vmb_rrun *r = &f->runs[j];
			char base[1024];
			json_t *misc =
			    json_pack("{s:s, s:s, s:b, s:b, s:i, s:s}", "trace",
				      f->trace_path ? f->trace_path : "", "backend", r->backend,
				      "simulated", r->simulated, "incomplete", r->incomplete,
				      "repeat", r->repeat, "strategy", r->strategy);
			char strat[512];

			snprintf(strat, sizeof(strat), "%s", r->strategy);
			sanitize(strat);
			snprintf(base, sizeof(base), "vmbench.%s.%s.%s.r%d", f->trace_name,
				 r->backend, strat, r->repeat);
			for (k = 0; k < vmb_n_metrics && !ret; k++) {
				double v;

				if (vmb_metric_value(&vmb_metrics[k], r, &v))
					ret =
					    kcidb_num(tests, origin, bid, base, vmb_metrics[k].name,
						      v, vmb_metrics[k].unit[0] == 'n' ? "ns" : "",
						      f->date, misc);
			}
			for (k = 0; k < sizeof(extra) / sizeof(extra[0]) && !ret; k++) {
				double v;

				if (vmb_rrun_num(r, extra[k].path, &v))
					ret = kcidb_num(tests, origin, bid, base, extra[k].name, v,
							extra[k].unit, f->date, misc);
			}
			json_decref(misc);
		}
	}
	if (ret) {
		json_decref(doc);
		return ret;
	}
	return dump(doc, path);
}
