// SPDX-License-Identifier: MIT
/*
 * result.c - the vmbench-result v1 file (DESIGN.md §6,
 * docs/result-format.md): one JSON document per replay invocation holding
 * the trace identity, the environment and every run's metrics, with the raw
 * latency samples kept for rank tests.
 *
 * The document is built with jansson and pretty-printed, except that sample
 * arrays are written on one line each: jansson would put every number on
 * its own line and turn a result into hundreds of thousands of lines. To do
 * that, each sample array is first stored as a placeholder string holding a
 * NUL byte (which no C string given to us can contain), and the placeholder
 * is replaced by the compact array while the text is written out.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"
#include "result.h"

#ifndef VMB_VERSION
#define VMB_VERSION "unknown"
#endif
#ifndef VMB_GIT_SHA
#define VMB_GIT_SHA "unknown"
#endif

/* placeholder prefix as jansson prints it: a string starting with NUL */
#define PH_PREFIX "\\u0000vmb-samples-"
#define PH_RAW "\0vmb-samples-"

/* sample arrays waiting to be written in place of their placeholders */
struct sample_arrays {
	struct {
		uint64_t *v;
		size_t n;
	} * a;
	size_t n, cap;
};

static void sample_arrays_free(struct sample_arrays *sa)
{
	size_t i;

	for (i = 0; i < sa->n; i++)
		free(sa->a[i].v);
	free(sa->a);
}

/*
 * Take ownership of @v (@n values) and return a placeholder string that
 * stands for it in the document, or NULL (and @v freed) on ENOMEM.
 */
static json_t *sample_arrays_add(struct sample_arrays *sa, uint64_t *v, size_t n)
{
	char tok[64];
	int len;

	if (sa->n == sa->cap) {
		size_t cap = sa->cap ? sa->cap * 2 : 16;
		void *p = realloc(sa->a, cap * sizeof(*sa->a));

		if (!p) {
			free(v);
			return NULL;
		}
		sa->a = p;
		sa->cap = cap;
	}
	memcpy(tok, PH_RAW, sizeof(PH_RAW) - 1);
	len = (int)(sizeof(PH_RAW) - 1);
	len += snprintf(tok + len, sizeof(tok) - len, "%zu", sa->n);
	sa->a[sa->n].v = v;
	sa->a[sa->n].n = n;
	sa->n++;
	return json_stringn(tok, len);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A sorted copy of @s's samples (NULL with *@n = 0 when empty). Returns
 * -ENOMEM or 0.
 */
static int sorted_copy(const struct vmb_samples *s, uint64_t **out, size_t *n)
{
	uint64_t *v;

	*out = NULL;
	*n = s->n;
	if (s->n == 0)
		return 0;
	v = malloc(s->n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, s->v, s->n * sizeof(*v));
	if (!vmb_samples_sorted(s))
		qsort(v, s->n, sizeof(*v), cmp_u64);
	*out = v;
	return 0;
}

/*
 * Keep at most VMB_RESULT_MAX_SAMPLES of the @n sorted values in @v, evenly
 * spaced by rank and always including the minimum and the maximum. The
 * choice depends only on @n, so the same samples give the same subsample.
 * Returns true when values were dropped.
 */
static bool subsample(uint64_t *v, size_t *n)
{
	const uint64_t k = VMB_RESULT_MAX_SAMPLES;
	uint64_t i;

	if (*n <= k)
		return false;
	for (i = 0; i < k; i++)
		v[i] = v[i * (*n - 1) / (k - 1)];
	*n = k;
	return true;
}

/* JSON integer for a u64 (a real beyond INT64_MAX, which no ns count reaches) */
static json_t *ju64(uint64_t v)
{
	if (v > (uint64_t)INT64_MAX)
		return json_real((double)v);
	return json_integer((json_int_t)v);
}

static int set(json_t *obj, const char *key, json_t *val)
{
	return val ? json_object_set_new(obj, key, val) : -1;
}

static int set_u64(json_t *obj, const char *key, uint64_t v)
{
	return set(obj, key, ju64(v));
}

static int set_str(json_t *obj, const char *key, const char *s)
{
	return set(obj, key, s ? json_string(s) : json_null());
}

/*
 * A latency object: count, mean, p50, p90, p99, p999, max, total, and the
 * sorted samples (subsampled beyond VMB_RESULT_MAX_SAMPLES).
 */
static json_t *latency_obj(const struct vmb_samples *s, struct sample_arrays *sa)
{
	struct vmb_samples tmp;
	struct vmb_latency lat;
	json_t *o = json_object();
	uint64_t *v;
	size_t n;
	int err = 0;

	if (!o || sorted_copy(s, &v, &n)) {
		json_decref(o);
		return NULL;
	}
	tmp = (struct vmb_samples){.v = v, .n = n, .cap = n, .sorted = true};
	vmb_samples_summarize(&tmp, &lat);

	err |= set_u64(o, "count", lat.count);
	err |= set(o, "mean", json_real(lat.mean));
	err |= set_u64(o, "p50", lat.p50);
	err |= set_u64(o, "p90", lat.p90);
	err |= set_u64(o, "p99", lat.p99);
	err |= set_u64(o, "p999", lat.p999);
	err |= set_u64(o, "max", lat.max);
	err |= set_u64(o, "total", lat.total);
	if (subsample(v, &n))
		err |= set(o, "samples_subsampled", json_true());
	if (v)
		err |= set(o, "samples", sample_arrays_add(sa, v, n));
	else
		err |= set(o, "samples", json_array());
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * The issue time and stall of every submit that stalled (stall > 0), in
 * issue order, as two parallel arrays; evenly subsampled by position when
 * there are more than VMB_RESULT_MAX_SAMPLES.
 */
static json_t *stall_timeline_obj(const struct vmb_run_metrics *m, struct sample_arrays *sa)
{
	size_t n = m->stall.n < m->stall_times.n ? m->stall.n : m->stall_times.n;
	size_t i, k = 0;
	uint64_t *t, *st;
	json_t *o;
	int err = 0;

	t = malloc((n ? n : 1) * sizeof(*t));
	st = malloc((n ? n : 1) * sizeof(*st));
	o = json_object();
	if (!t || !st || !o) {
		free(t);
		free(st);
		json_decref(o);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (m->stall.v[i] == 0)
			continue;
		t[k] = m->stall_times.v[i];
		st[k] = m->stall.v[i];
		k++;
	}
	if (k > VMB_RESULT_MAX_SAMPLES) {
		const uint64_t max = VMB_RESULT_MAX_SAMPLES;

		for (i = 0; i < max; i++) {
			t[i] = t[i * (k - 1) / (max - 1)];
			st[i] = st[i * (k - 1) / (max - 1)];
		}
		err |= set(o, "subsampled", json_true());
		k = max;
	}
	err |= set_u64(o, "count", k);
	err |= set(o, "t_ns", sample_arrays_add(sa, t, k));
	err |= set(o, "stall_ns", sample_arrays_add(sa, st, k));
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* intervals between consecutive frame markers, summarized */
static json_t *frame_obj(const struct vmb_samples *frames)
{
	struct vmb_samples d = {0};
	struct vmb_latency lat;
	json_t *o = json_object();
	size_t i;
	int err = 0;

	if (!o)
		return NULL;
	for (i = 1; i < frames->n; i++) {
		uint64_t a = frames->v[i - 1], b = frames->v[i];

		if (vmb_samples_add(&d, b >= a ? b - a : 0)) {
			vmb_samples_free(&d);
			json_decref(o);
			return NULL;
		}
	}
	vmb_samples_summarize(&d, &lat);
	vmb_samples_free(&d);
	err |= set_u64(o, "count", lat.count);
	err |= set(o, "mean", json_real(lat.mean));
	err |= set_u64(o, "p50", lat.p50);
	err |= set_u64(o, "p90", lat.p90);
	err |= set_u64(o, "p99", lat.p99);
	err |= set_u64(o, "max", lat.max);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *strategy_obj(const struct vmb_strategy *s)
{
	char batch[32], pace[64];
	json_t *o = json_object();
	int err = 0;

	if (!o)
		return NULL;
	err |= set_str(o, "refcount", vmb_refcount_name(s->refcount));
	err |= set_str(o, "sync", vmb_sync_name(s->sync));
	err |= set_str(o, "close", vmb_close_name(s->close));
	err |= set_str(o, "batch", vmb_batch_name(s->batch, batch, sizeof(batch)));
	err |= set_str(o, "pace", vmb_pace_name(s, pace, sizeof(pace)));
	err |= set_str(o, "userptr", vmb_userptr_name(s->userptr));
	err |= set_str(o, "bo_lookup", vmb_bo_lookup_name(s->bo_lookup));
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* an object of named u64 fields; NULL on ENOMEM */
struct u64_field {
	const char *key;
	uint64_t v;
};

static json_t *u64_obj(const struct u64_field *f, size_t n)
{
	json_t *o = json_object();
	int err = 0;

	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++)
		err |= set_u64(o, f[i].key, f[i].v);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

#define U64_OBJ(...)                                                                               \
	u64_obj((const struct u64_field[]){__VA_ARGS__},                                           \
		sizeof((const struct u64_field[]){__VA_ARGS__}) / sizeof(struct u64_field))

static json_t *stall_causes_obj(const struct vmb_counters *c)
{
	json_t *o = json_object();
	int err = 0;

	if (!o)
		return NULL;
	for (int i = 0; i < VMB_STALL_COUNT; i++)
		err |= set_u64(o, vmb_stall_cause_name(i), c->stall_by_cause[i]);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * Add the model-derived counters to @metrics: null objects when the backend
 * has no model figures. Returns @metrics, or NULL on ENOMEM.
 */
static json_t *counters_objs(const struct vmb_counters *c, json_t *metrics)
{
	int err = 0;

	if (!c->has_model) {
		err |= set(metrics, "gpuvm", json_null());
		err |= set(metrics, "pte_writes", json_null());
		err |= set(metrics, "tlb_flushes", json_null());
		err |= set(metrics, "refcount", json_null());
		err |= set(metrics, "userptr", json_null());
		err |= set(metrics, "evictions", json_null());
		err |= set(metrics, "unsynced_submits", json_null());
		err |= set(metrics, "sync", json_null());
		err |= set(metrics, "stall_by_cause", json_null());
		err |= set(metrics, "lookup", json_null());
		return err ? NULL : metrics;
	}
	err |= set(metrics, "gpuvm",
		   json_pack("{sI sI sI sI sI sI}", "requests", (json_int_t)c->gpuvm_requests,
			     "map", (json_int_t)c->gpuvm_map, "remap", (json_int_t)c->gpuvm_remap,
			     "unmap", (json_int_t)c->gpuvm_unmap, "keep", (json_int_t)c->gpuvm_keep,
			     "cpu_ns", (json_int_t)c->gpuvm_cpu_ns));
	err |= set_u64(metrics, "pte_writes", c->pte_writes);
	err |= set_u64(metrics, "tlb_flushes", c->tlb_flushes);
	err |= set(metrics, "refcount",
		   U64_OBJ({"peak_bo_bytes", c->peak_bo_bytes},
			   {"peak_zombie_bytes", c->peak_zombie_bytes},
			   {"peak_fence_held_bytes", c->peak_fence_held_bytes},
			   {"peak_held_bytes", c->peak_held_bytes},
			   {"implicit_unmaps", c->implicit_unmaps},
			   {"implicit_maps", c->implicit_maps}, {"leaked_bos", c->leaked_bos},
			   {"cycles", c->cycles}, {"bo_lookup_nodes", c->bo_lookup_nodes}));
	err |= set(metrics, "lookup",
		   U64_OBJ({"evict_nodes", c->lookup_evict_nodes},
			   {"validate_nodes", c->lookup_validate_nodes},
			   {"unmap_all_nodes", c->lookup_unmap_all_nodes},
			   {"close_nodes", c->lookup_close_nodes}, {"ns", c->lookup_ns}));
	err |= set(metrics, "userptr",
		   U64_OBJ({"invalidations", c->userptr_invalidations},
			   {"revalidations", c->userptr_revalidations},
			   {"pinned_pages_peak", c->pinned_pages_peak},
			   {"fault_pages", c->userptr_fault_pages},
			   {"pinned_pages", c->userptr_pinned_pages},
			   {"notifier_block_ns", c->userptr_notifier_block_ns},
			   {"migrations", c->userptr_migrations},
			   {"migrations_blocked", c->userptr_migrations_blocked},
			   {"gpu_faults", c->userptr_gpu_faults}));
	err |=
	    set(metrics, "sync",
		U64_OBJ({"unsafe_submits", c->unsafe_submits},
			{"unsynced_submits", c->unsynced_submits}, {"transfers", c->sync_transfers},
			{"resets", c->sync_resets}, {"sync_file_exports", c->sync_file_exports},
			{"sync_file_imports", c->sync_file_imports}));
	err |= set(metrics, "stall_by_cause", stall_causes_obj(c));
	err |= set(metrics, "evictions",
		   json_pack("{sI sI}", "count", (json_int_t)c->evictions, "rebinds",
			     (json_int_t)c->evict_rebinds));
	err |= set_u64(metrics, "unsynced_submits", c->unsynced_submits);
	return err ? NULL : metrics;
}

/*
 * Every submitted job in completion order: its trace op, GPU start (0 where
 * the backend cannot observe it) and end, on the backend clock like the
 * stall timeline's t_ns. Subsampled by position beyond
 * VMB_RESULT_MAX_SAMPLES.
 */
static json_t *jobs_obj(const struct vmb_run_metrics *m, struct sample_arrays *sa)
{
	size_t n = m->job_op.n, k = n, i;
	uint64_t *op, *st, *end;
	json_t *o = json_object();
	int err = 0;

	op = malloc((n ? n : 1) * sizeof(*op));
	st = malloc((n ? n : 1) * sizeof(*st));
	end = malloc((n ? n : 1) * sizeof(*end));
	if (!o || !op || !st || !end || m->job_start.n != n || m->job_end.n != n) {
		free(op);
		free(st);
		free(end);
		json_decref(o);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		op[i] = m->job_op.v[i];
		st[i] = m->job_start.v[i];
		end[i] = m->job_end.v[i];
	}
	if (k > VMB_RESULT_MAX_SAMPLES) {
		const uint64_t max = VMB_RESULT_MAX_SAMPLES;

		for (i = 0; i < max; i++) {
			op[i] = op[i * (k - 1) / (max - 1)];
			st[i] = st[i * (k - 1) / (max - 1)];
			end[i] = end[i * (k - 1) / (max - 1)];
		}
		err |= set(o, "subsampled", json_true());
		k = max;
	}
	err |= set_u64(o, "count", k);
	err |= set(o, "op", sample_arrays_add(sa, op, k));
	err |= set(o, "start_ns", sample_arrays_add(sa, st, k));
	err |= set(o, "end_ns", sample_arrays_add(sa, end, k));
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *metrics_obj(const struct vmb_run_metrics *m, struct sample_arrays *sa)
{
	json_t *o = json_object();
	int err = 0;

	if (!o)
		return NULL;
	err |= set(o, "bind_latency_ns", latency_obj(&m->bind, sa));
	err |= set(o, "unbind_latency_ns", latency_obj(&m->unbind, sa));
	err |= set(o, "submit_latency_ns", latency_obj(&m->submit, sa));
	/* a backend that cannot see when jobs start did not measure stalls */
	if (m->stall_unmeasured && !m->stall.n)
		err |= set(o, "submit_stall_ns", json_null());
	else
		err |= set(o, "submit_stall_ns", latency_obj(&m->stall, sa));
	err |= set(o, "bind_stall_ns", latency_obj(&m->bind_stall, sa));
	err |= set(o, "close_latency_ns", latency_obj(&m->close, sa));
	err |= set_u64(o, "makespan_ns", m->makespan_ns);
	err |= set(o, "stall_timeline", stall_timeline_obj(m, sa));
	err |= set(o, "jobs", jobs_obj(m, sa));
	if (m->in_flight_cap)
		err |= set(o, "in_flight",
			   json_pack("{sI sI}", "cap", (json_int_t)m->in_flight_cap, "peak",
				     (json_int_t)m->in_flight_peak));
	if (err || !counters_objs(&m->counters, o)) {
		json_decref(o);
		return NULL;
	}
	err |= set(o, "errors",
		   json_pack("{sI sI sI}", "expected", (json_int_t)m->errors_expected, "unexpected",
			     (json_int_t)m->errors_unexpected, "unsupported",
			     (json_int_t)m->unsupported));
	err |= set_u64(o, "frames", m->frames.n);
	err |= set(o, "frame_interval_ns", frame_obj(&m->frames));
	err |= set_u64(o, "ops_issued", m->ops_issued);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *run_obj(const struct vmb_run *r, struct sample_arrays *sa)
{
	json_t *o = json_object();
	int err = 0;

	if (!o)
		return NULL;
	err |= set_str(o, "backend", r->backend ? r->backend : "unknown");
	err |= set(o, "strategy", strategy_obj(&r->strat));
	err |= set_u64(o, "repeat", r->repeat);
	err |= set_u64(o, "wall_ns", r->wall_ns);
	err |= set_u64(o, "user_ns", r->user_ns);
	err |= set_u64(o, "system_ns", r->system_ns);
	err |= set(o, "simulated", json_boolean(r->m.simulated));
	err |= set(o, "incomplete", json_boolean(r->m.incomplete));
	err |= set(o, "model_counters", json_boolean(r->m.counters.has_model));
	err |= set_u64(o, "end_ns", r->m.sim_end_ns);
	if (r->note)
		err |= set_str(o, "note", r->note);
	err |= set(o, "metrics", metrics_obj(&r->m, sa));
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *trace_obj(const struct vmb_trace *t)
{
	const char *driver = vmb_driver_name(t->driver);
	json_t *o = json_object();
	int err = 0;

	if (!o)
		return NULL;
	err |= set_str(o, "path", t->path);
	err |= set_str(o, "sha256", t->sha256[0] ? t->sha256 : NULL);
	err |= set_str(o, "driver", driver ? driver : "unknown");
	err |= set_u64(o, "ops", t->n_ops);
	err |= set_u64(o, "bytes", t->file_bytes);
	err |= set_u64(o, "page_size", t->page_size);
	if (t->dropped_partial_line)
		err |= set(o, "truncated",
			   json_pack("{s:I,s:I}", "dropped_bytes", (json_int_t)t->truncated_bytes,
				     "line", (json_int_t)t->truncated_line));
	if (t->capture_counts) {
		err |= set_u64(o, "capture_lost", t->capture_lost);
		err |= set_u64(o, "capture_drops", t->capture_drops);
	}
	if (t->source.json) {
		json_t *src = json_loads(t->source.json, 0, NULL);

		err |= set(o, "source", src ? src : json_string(t->source.json));
	}
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *env_obj(void)
{
	char buf[256];
	json_t *o = json_object();
	int err = 0;

	if (!o)
		return NULL;
	err |= set_str(o, "tool", "vmbench " VMB_VERSION " (" VMB_GIT_SHA ")");
	err |= set_str(o, "host", vmb_sysinfo_host(buf, sizeof(buf)));
	err |= set_str(o, "kernel", vmb_sysinfo_kernel(buf, sizeof(buf)));
	err |= set_str(o, "cpu", vmb_sysinfo_cpu(buf, sizeof(buf)));
	err |= set(o, "gpu", json_null());
	/* a lab's name for the board (vmbench-lab-run: DRIVER_NAME-GPU_VERSION) */
	if (getenv("VMB_BOARD") && *getenv("VMB_BOARD"))
		err |= set_str(o, "board", getenv("VMB_BOARD"));
	err |= set_str(o, "date", vmb_sysinfo_utc(time(NULL), false, buf, sizeof(buf)));
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *result_doc(const struct vmb_trace *trace, const struct vmb_run *runs, size_t n_runs,
			  struct sample_arrays *sa)
{
	json_t *doc = json_object();
	json_t *arr = json_array();
	size_t i;
	int err = 0;

	if (!doc || !arr) {
		json_decref(doc);
		json_decref(arr);
		return NULL;
	}
	err |= set_str(doc, "format", "vmbench-result");
	err |= set(doc, "version", json_integer(1));
	err |= set(doc, "trace", trace_obj(trace));
	err |= set(doc, "env", env_obj());
	for (i = 0; i < n_runs && !err; i++)
		err |= json_array_append_new(arr, run_obj(&runs[i], sa));
	err |= set(doc, "runs", arr);
	if (err) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* write @n samples as a compact JSON array */
static int write_array(FILE *f, const uint64_t *v, size_t n)
{
	size_t i;

	if (fputc('[', f) == EOF)
		return -1;
	for (i = 0; i < n; i++) {
		if (fprintf(f, i ? ",%" PRIu64 : "%" PRIu64, v[i]) < 0)
			return -1;
	}
	return fputc(']', f) == EOF ? -1 : 0;
}

/* write the dumped @text to @f, replacing placeholders with sample arrays */
static int write_text(FILE *f, const char *text, const struct sample_arrays *sa)
{
	const char *pat = "\"" PH_PREFIX;
	size_t patlen = strlen(pat);
	const char *p = text, *hit;

	while ((hit = strstr(p, pat))) {
		char *end;
		unsigned long idx;

		if (fwrite(p, 1, hit - p, f) != (size_t)(hit - p))
			return -1;
		idx = strtoul(hit + patlen, &end, 10);
		if (*end != '"' || idx >= sa->n)
			return -1; /* cannot happen: we made every placeholder */
		if (write_array(f, sa->a[idx].v, sa->a[idx].n))
			return -1;
		p = end + 1;
	}
	if (fputs(p, f) == EOF || fputc('\n', f) == EOF)
		return -1;
	return 0;
}

/* mkdir -p of the directory part of @path */
static int make_parents(const char *path, char *err, size_t errlen)
{
	char *dir = strdup(path);
	char *p;
	int ret = 0;

	if (!dir)
		return -ENOMEM;
	p = strrchr(dir, '/');
	if (!p || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	for (p = dir + 1;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) && errno != EEXIST) {
			ret = -errno;
			snprintf(err, errlen, "%s: cannot create directory: %s", dir,
				 strerror(errno));
			break;
		}
		*p = c;
		if (!c)
			break;
	}
	free(dir);
	return ret;
}

/**
 * vmb_result_write() - write a vmbench-result v1 file
 * @path: destination (parents created, written as outfile.h says)
 * @trace: the replayed trace
 * @runs, @n_runs: the runs
 * @extra_json: NULL or a JSON object text merged (recursively) into the top level
 * @err, @errlen: message on failure
 *
 * Return: 0 or a negative errno with a message in @err.
 */
int vmb_result_write(const char *path, const struct vmb_trace *trace, const struct vmb_run *runs,
		     size_t n_runs, const char *extra_json, char *err, size_t errlen)
{
	struct sample_arrays sa = {0};
	json_t *doc = NULL, *extra = NULL;
	struct vmb_outfile of;
	char *text = NULL;
	int ret;

	if (extra_json) {
		json_error_t jerr;

		extra = json_loads(extra_json, 0, &jerr);
		if (!extra || !json_is_object(extra)) {
			snprintf(err, errlen, "%s: extra JSON is not an object: %s", path,
				 extra ? "wrong type" : jerr.text);
			ret = -EINVAL;
			goto out;
		}
	}

	doc = result_doc(trace, runs, n_runs, &sa);
	if (!doc || (extra && json_object_update_recursive(doc, extra)))
		goto nomem;
	text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	if (!text)
		goto nomem;

	ret = make_parents(path, err, errlen);
	if (ret)
		goto out;
	ret = vmb_outfile_open(&of, path, err, errlen);
	if (ret)
		goto out;
	if (write_text(of.f, text, &sa) && !of.err)
		of.err = -EIO; /* a placeholder without its array: cannot happen */
	ret = vmb_outfile_commit(&of, err, errlen);
	goto out;

nomem:
	ret = -ENOMEM;
	snprintf(err, errlen, "%s: out of memory building the result", path);
	goto out;
out:
	free(text);
	json_decref(doc);
	json_decref(extra);
	sample_arrays_free(&sa);
	return ret;
}

/**
 * vmb_result_default_path() - default result file name for a trace
 * @trace_path: the trace file, e.g. "traces/dxvk-steady.jsonl"
 *
 * Return: malloc'd "results/dxvk-steady-20261121T011708Z.json" (UTC now),
 * or NULL when out of memory.
 */
char *vmb_result_default_path(const char *trace_path)
{
	const char *base = trace_path ? strrchr(trace_path, '/') : NULL;
	const char *dot;
	char stamp[32];
	char *out;
	int blen;

	base = base ? base + 1 : (trace_path ? trace_path : "");
	dot = strrchr(base, '.');
	blen = (int)(dot && dot != base ? (size_t)(dot - base) : strlen(base));
	if (blen == 0) {
		base = "trace";
		blen = 5;
	}
	vmb_sysinfo_utc(time(NULL), true, stamp, sizeof(stamp));
	if (asprintf(&out, "results/%.*s-%s.json", blen, base, stamp) < 0)
		return NULL;
	return out;
}
