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

/* the strategy part of a group key "TRACE|BACKEND|k=v k=v ..." */
static const char *key_strategy(const char *key)
{
	const char *p = strchr(key, '|');

	p = p ? strchr(p + 1, '|') : NULL;
	return p ? p + 1 : "";
}

/* value of axis @k in strategy string @strat into @v ("" when absent) */
static void axis_value(const char *strat, const char *k, char *v, size_t len)
{
	size_t kl = strlen(k);
	const char *p;

	v[0] = 0;
	for (p = strat; p && *p; p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL) {
		if (!strncmp(p, k, kl) && p[kl] == '=') {
			const char *e = strchr(p, ' ');

			snprintf(v, len, "%.*s",
				 (int)(e ? (size_t)(e - p - kl - 1) : strlen(p + kl + 1)),
				 p + kl + 1);
			return;
		}
	}
}

/*
 * A short command name for group @i of @g, as hyperfine users name their
 * commands: "TRACE BACKEND" plus only the strategy axes whose value differs
 * between the exported groups; @params receives those axes as hyperfine's
 * "parameters" object (NULL when none differ).
 */
static void short_name(const struct vmb_rgroup *g, size_t n, size_t i, const char *prefix,
		       char *buf, size_t len, json_t **params)
{
	const char *key = g[i].key, *strat = key_strategy(key), *p;
	const char *bar = strchr(key, '|');
	size_t l, j;

	*params = NULL;
	snprintf(buf, len, "%s%.*s", prefix ? prefix : "",
		 (int)(bar ? (size_t)(bar - key) : strlen(key)), key);
	if (bar) {
		const char *bar2 = strchr(bar + 1, '|');

		l = strlen(buf);
		snprintf(buf + l, len - l, " %.*s",
			 (int)(bar2 ? (size_t)(bar2 - bar - 1) : strlen(bar + 1)), bar + 1);
	}
	for (p = strat; p && *p; p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL) {
		const char *eq = strchr(p, '=');
		char k[64], v[128], v2[128];
		bool varies = false;

		if (!eq)
			break;
		snprintf(k, sizeof(k), "%.*s", (int)(eq - p), p);
		axis_value(strat, k, v, sizeof(v));
		for (j = 0; j < n && !varies; j++) {
			axis_value(key_strategy(g[j].key), k, v2, sizeof(v2));
			varies = strcmp(v, v2) != 0;
		}
		if (!varies)
			continue;
		l = strlen(buf);
		snprintf(buf + l, len - l, " %s=%s", k, v);
		if (!*params)
			*params = json_object();
		json_object_set_new(*params, k, json_string(v));
	}
}

/**
 * vmb_export_hyperfine_groups() - append one hyperfine result per group
 * @results: JSON array to append to
 * @g: groups
 * @n: number of groups
 * @prefix: command-name prefix or NULL
 *
 * Every field hyperfine's --export-json writes, in its order: command,
 * mean, stddev, median, user, system, min, max, times, exit_codes (and
 * parameters when the groups differ in strategy axes).
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_export_hyperfine_groups(json_t *results, const struct vmb_rgroup *g, size_t n,
				const char *prefix)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		double *t = calloc(g[i].n + 1, sizeof(*t)), mean = 0, var = 0, user = 0, sys = 0;
		json_t *o, *times, *codes, *params;
		size_t k = 0, ncpu = 0;
		char cmd[512];

		if (!t)
			return -ENOMEM;
		for (j = 0; j < g[i].n; j++) {
			const struct vmb_rrun *r = g[i].runs[j];

			if (r->wall_ns <= 0)
				continue;
			t[k++] = r->wall_ns / 1e9;
			if (r->user_ns >= 0 && r->system_ns >= 0) {
				user += r->user_ns / 1e9;
				sys += r->system_ns / 1e9;
				ncpu++;
			}
		}
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
		short_name(g, n, i, prefix, cmd, sizeof(cmd), &params);
		o = json_pack(
		    "{s:s, s:f, s:o, s:f, s:f, s:f}", "command", cmd, "mean", mean, "stddev",
		    k > 1 ? json_real(sqrt(var / (double)(k - 1))) : json_null(), "median",
		    vmb_stats_median(t, k), "user", ncpu ? user / (double)ncpu : 0.0, "system",
		    ncpu ? sys / (double)ncpu : 0.0);
		vmb_stats_sort(t, k);
		if (o) {
			json_object_set_new(o, "min", json_real(t[0]));
			json_object_set_new(o, "max", json_real(t[k - 1]));
			json_object_set_new(o, "times", times);
			json_object_set_new(o, "exit_codes", codes);
			if (params)
				json_object_set_new(o, "parameters", params);
		}
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

/**
 * vmb_kcidb_ident_from_env() - complete a kernel identity from the environment
 * @id: identity; NULL members are taken from $VMB_KERNEL_*
 */
bool vmb_kcidb_ident_option(struct vmb_kcidb_ident *id, int opt, const char *arg)
{
	switch (opt) {
	case VMB_KCIDB_OPT_TREE:
		id->tree_name = arg;
		return true;
	case VMB_KCIDB_OPT_REPO:
		id->git_repository_url = arg;
		return true;
	case VMB_KCIDB_OPT_COMMIT:
		id->git_commit_hash = arg;
		return true;
	case VMB_KCIDB_OPT_BRANCH:
		id->git_repository_branch = arg;
		return true;
	}
	return false;
}

void vmb_kcidb_ident_from_env(struct vmb_kcidb_ident *id)
{
	if (!id->tree_name)
		id->tree_name = getenv("VMB_KERNEL_TREE");
	if (!id->git_repository_url)
		id->git_repository_url = getenv("VMB_KERNEL_REPO");
	if (!id->git_commit_hash)
		id->git_commit_hash = getenv("VMB_KERNEL_COMMIT");
	if (!id->git_repository_branch)
		id->git_repository_branch = getenv("VMB_KERNEL_BRANCH");
}

/* KCIDB wants the full commit hash: 40 (SHA-1) or 64 (SHA-256) hex digits */
static bool valid_commit(const char *h)
{
	size_t n = strlen(h), i;

	if (n != 40 && n != 64)
		return false;
	for (i = 0; i < n; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(o, k, json_string(v));
}

/* the number object: SI base units, so dashboards scale them correctly */
static json_t *kcidb_number(double value, const char *unit)
{
	if (!strcmp(unit, "ns"))
		return json_pack("{s:f, s:s, s:s}", "value", value / 1e9, "unit", "s", "prefix",
				 "metric");
	if (!strcmp(unit, "B"))
		return json_pack("{s:f, s:s, s:s}", "value", value, "unit", "B", "prefix",
				 "binary");
	return json_pack("{s:f, s:s}", "value", value, "prefix", "metric");
}

static const struct vmb_cmp_row *find_verdict(const struct vmb_kcidb_verdict *v, size_t nv,
					      const char *key, const char *metric)
{
	size_t i;

	for (i = 0; i < nv; i++)
		if (!strcmp(v[i].key, key) && !strcmp(v[i].row->metric->name, metric))
			return v[i].row;
	return NULL;
}

/* KCIDB wants no nulls: leave a number out when there is none */
static void set_real(json_t *o, const char *k, double x)
{
	if (isfinite(x))
		json_object_set_new(o, k, json_real(x));
}

/* one test node: group @g's metric, median of its runs' values @vals */
static int kcidb_test(json_t *tests, const char *origin, const char *build_id,
		      const char *base_path, const char *metric, const char *unit,
		      const double *vals, size_t n, const char *start, json_t *misc,
		      const struct vmb_cmp_row *row)
{
	char id[2200], path[1024];
	json_t *t, *runs = json_array(), *m = json_deep_copy(misc);
	const char *status = "DONE";
	size_t i;

	if (!runs || !m)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		json_array_append_new(runs, json_real(vals[i]));
	json_object_set_new(m, "runs", runs);
	json_object_set_new(m, "unit", json_string(unit[0] ? unit : "count"));
	if (row && row->verdict != VMB_V_ABSENT) {
		json_t *c = json_pack("{s:s, s:f, s:s, s:b}", "verdict",
				      vmb_verdict_name(row->verdict), "base", row->base, "test",
				      vmb_test_name(row->test), "decides", row->decides);

		if (row->verdict == VMB_V_REGRESSION)
			status = "FAIL";
		else if (row->verdict == VMB_V_SAME || row->verdict == VMB_V_BETTER)
			status = "PASS";
		set_real(c, "ratio", row->base != 0 ? row->new / row->base : NAN);
		set_real(c, "ci_lo", row->ci_lo);
		set_real(c, "ci_hi", row->ci_hi);
		set_real(c, "p", row->p);
		set_real(c, "p_holm", row->p_adj);
		json_object_set_new(m, "compare", c);
		/* an "(info)" row informs, it does not pass or fail the kernel */
		if (!row->decides)
			status = "DONE";
	}
	snprintf(path, sizeof(path), "%s.%s", base_path, metric);
	snprintf(id, sizeof(id), "%s:%s.%s", origin, build_id + strlen(origin) + 1, path);
	t = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id", id, "build_id", build_id,
		      "origin", origin, "path", path, "status", status, "number",
		      kcidb_number(vmb_stats_median(vals, n), unit), "misc", m);
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
 * @id: kernel identity or NULL
 * @v: verdicts or NULL
 * @nv: their number
 * @path: file or "-"
 *
 * Return: 0 or -errno.
 */
int vmb_export_kcidb(const struct vmb_rset *set, const char *origin,
		     const struct vmb_kcidb_ident *id, const struct vmb_kcidb_verdict *v, size_t nv,
		     const char *path)
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
	struct vmb_rgroup *g = NULL;
	char(*bids)[256] = NULL;
	size_t ng = 0, i, j, k;
	double *vals = NULL;
	int ret = 0;

	if (id && id->git_commit_hash && *id->git_commit_hash &&
	    !valid_commit(id->git_commit_hash)) {
		fprintf(stderr, "kcidb: git_commit_hash '%s' is not a full hex commit hash\n",
			id->git_commit_hash);
		return -EINVAL;
	}
	checkouts = json_array();
	builds = json_array();
	tests = json_array();
	doc = json_pack("{s:{s:i, s:i}, s:o, s:o, s:o}", "version", "major", 5, "minor", 3,
			"checkouts", checkouts, "builds", builds, "tests", tests);
	bids = calloc(set->n_files + 1, sizeof(*bids));
	if (!doc || !bids || vmb_rset_groups(set, true, &g, &ng)) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < set->n_files; i++) {
		const struct vmb_rfile *f = &set->files[i];
		json_t *env = json_object_get(f->root, "env"), *co;
		const char *tool = json_string_value(json_object_get(env, "tool"));
		const char *kernel = json_string_value(json_object_get(env, "kernel"));
		char cid[256], uniq[128];

		snprintf(uniq, sizeof(uniq), "%.16s-%s-%zu", f->trace_sha ? f->trace_sha : "x",
			 f->date, i);
		sanitize(uniq);
		snprintf(cid, sizeof(cid), "%s:%s", origin, uniq);
		snprintf(bids[i], sizeof(bids[i]), "%s:%s", origin, uniq);
		co = json_pack("{s:s, s:s, s:{s:s, s:s}}", "id", cid, "origin", origin, "misc",
			       "kernel", kernel ? kernel : "", "tool", tool ? tool : "");
		if (id) {
			set_str(co, "tree_name", id->tree_name);
			set_str(co, "git_repository_url", id->git_repository_url);
			set_str(co, "git_commit_hash", id->git_commit_hash);
			set_str(co, "git_repository_branch", id->git_repository_branch);
		}
		json_array_append_new(checkouts, co);
		json_array_append_new(builds, json_pack("{s:s, s:s, s:s, s:s}", "id", bids[i],
							"checkout_id", cid, "origin", origin,
							"status", "PASS"));
	}
	for (i = 0; i < ng && !ret; i++) {
		const struct vmb_rrun *r0 = g[i].runs[0];
		const struct vmb_rfile *f = &set->files[r0->file];
		char base[1024], strat[512];
		json_t *misc = json_pack("{s:s, s:s, s:s, s:b}", "trace",
					 f->trace_path ? f->trace_path : "", "backend", r0->backend,
					 "strategy", r0->strategy, "simulated", r0->simulated);

		free(vals);
		vals = calloc(g[i].n + 1, sizeof(*vals));
		if (!vals || !misc) {
			json_decref(misc);
			ret = -ENOMEM;
			break;
		}
		snprintf(strat, sizeof(strat), "%s", r0->strategy);
		sanitize(strat);
		snprintf(base, sizeof(base), "vmbench.%s.%s.%s", f->trace_name, r0->backend, strat);
		for (k = 0; k < vmb_n_metrics && !ret; k++) {
			size_t n = 0;

			for (j = 0; j < g[i].n; j++)
				n += vmb_metric_value(&vmb_metrics[k], g[i].runs[j], &vals[n]);
			if (n)
				ret = kcidb_test(
				    tests, origin, bids[r0->file], base, vmb_metrics[k].name,
				    vmb_metrics[k].unit[0] == 'n' ? "ns" : "", vals, n, f->date,
				    misc, find_verdict(v, nv, g[i].key, vmb_metrics[k].name));
		}
		for (k = 0; k < sizeof(extra) / sizeof(extra[0]) && !ret; k++) {
			size_t n = 0;

			for (j = 0; j < g[i].n; j++)
				n += vmb_rrun_num(g[i].runs[j], extra[k].path, &vals[n]);
			if (n)
				ret = kcidb_test(tests, origin, bids[r0->file], base, extra[k].name,
						 extra[k].unit, vals, n, f->date, misc, NULL);
		}
		json_decref(misc);
	}
out:
	free(vals);
	free(bids);
	vmb_rgroups_free(g, ng);
	if (ret) {
		json_decref(doc);
		return ret;
	}
	return dump(doc, path);
}
