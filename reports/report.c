// SPDX-License-Identifier: MIT
/*
 * report.c - `report -o DIR RESULT.json...`: gnuplot figures (latency CDFs
 * and histograms, submit stalls, split/merge, refcount and userptr bars,
 * nightly trends with regressions marked) and a static HTML dashboard
 * (index.html, one page per trace, raw result files, summary.md for CI
 * comments); optional KCIDB and hyperfine exports.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "export.h"
#include "html.h"
#include "outfile.h"
#include "plots.h"
#include "resultset.h"
#include "stats.h"
#include "verdict.h"

/* a rendered (or failed) figure */
struct fig {
	char name[200];
	char title[256];
	char trace[128];
	bool trend;
	bool pending; /* script written, not rendered yet */
	bool ok;      /* PNG and SVG rendered */
};

/* a regression found in the history */
struct regr {
	char trace[128];
	char label[256];
	const char *metric;
	char date[16];
	double change, p;
	bool latest;
};

struct ctx {
	const char *out;
	char plotdir[PATH_MAX];
	const char *gnuplot;
	bool no_render;
	struct vmb_rset set;
	struct vmb_rgroup *g;
	size_t ng;
	struct vmb_rset hist;
	bool have_hist;
	char **traces;
	size_t n_traces;
	struct fig *figs;
	size_t n_figs;
	struct regr *regrs;
	size_t n_regrs;
	int failures;
	struct vmb_cmp_opts cmp;
	char generated[64];
	char **strats; /* "BACKEND|STRATEGY" in colour order */
	size_t n_strats;
};

/* Tableau 10: distinguishable, and readable for the common colour blindnesses */
static const char *const palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
				      "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

static const char *const lat_names[] = {"bind", "unbind", "submit"};

static _Noreturn void die_oom(void)
{
	fprintf(stderr, "report: out of memory\n");
	exit(2);
}

static char *xstrdup(const char *s);

/*
 * The colour of a backend+strategy (the part of a group key after the
 * trace), the same in every figure of the report: registered once, in the
 * sorted order of the current results first (register_colors()), then in
 * the order history groups turn up.
 */
static const char *color_of(struct ctx *c, const char *bs)
{
	size_t i;
	char **n;

	for (i = 0; i < c->n_strats; i++)
		if (!strcmp(c->strats[i], bs))
			return palette[i % (sizeof(palette) / sizeof(palette[0]))];
	n = realloc(c->strats, (c->n_strats + 1) * sizeof(*n));
	if (!n)
		die_oom();
	c->strats = n;
	c->strats[c->n_strats++] = xstrdup(bs);
	return palette[i % (sizeof(palette) / sizeof(palette[0]))];
}

static const char *strategy_color(struct ctx *c, const char *key)
{
	const char *bs = strchr(key, '|');

	return color_of(c, bs ? bs + 1 : key);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void register_colors(struct ctx *c)
{
	char **k = calloc(c->ng + 1, sizeof(*k));
	size_t i;

	if (!k)
		die_oom();
	for (i = 0; i < c->ng; i++) {
		const char *bs = strchr(c->g[i].key, '|');

		k[i] = (char *)(bs ? bs + 1 : c->g[i].key);
	}
	qsort(k, c->ng, sizeof(*k), cmp_str);
	for (i = 0; i < c->ng; i++)
		color_of(c, k[i]);
	free(k);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die_oom();
	return d;
}

/* trace name of a group key "TRACE|BACKEND|STRATEGY" */
static void key_trace(const char *key, char *buf, size_t len)
{
	const char *bar = strchr(key, '|');

	snprintf(buf, len, "%.*s", bar ? (int)(bar - key) : (int)strlen(key), key);
}

static const char *key_strategy(const char *key)
{
	const char *s = strchr(key, '|');

	s = s ? strchr(s + 1, '|') : NULL;
	return s ? s + 1 : "";
}

static void key_backend(const char *key, char *buf, size_t len)
{
	const char *a = strchr(key, '|'), *b = a ? strchr(a + 1, '|') : NULL;

	snprintf(buf, len, "%.*s", b ? (int)(b - a - 1) : 0, a ? a + 1 : "");
}

/* value of axis k in a strategy string, into buf ("" when absent) */
static void axis_value(const char *strategy, const char *k, char *buf, size_t len)
{
	size_t kl = strlen(k);
	const char *p = strategy;

	buf[0] = 0;
	while (p && *p) {
		if (!strncmp(p, k, kl) && p[kl] == '=') {
			const char *e = strchr(p, ' ');

			snprintf(buf, len, "%.*s",
				 e ? (int)(e - p - kl - 1) : (int)strlen(p + kl + 1), p + kl + 1);
			return;
		}
		p = strchr(p, ' ');
		if (p)
			p++;
	}
}

/*
 * A short label for a group: the strategy axes (and the backend) that differ
 * between the groups of the same trace in @keys, or refcount/sync when none do.
 */
static char *group_label(char *const *keys, size_t nkeys, const char *key)
{
	char trace[128], t2[128], be[64], be2[64], buf[512] = "";
	const char *strat = key_strategy(key), *p;
	bool be_varies = false;
	size_t i;

	key_trace(key, trace, sizeof(trace));
	key_backend(key, be, sizeof(be));
	for (i = 0; i < nkeys; i++) {
		key_trace(keys[i], t2, sizeof(t2));
		key_backend(keys[i], be2, sizeof(be2));
		if (!strcmp(trace, t2) && strcmp(be, be2))
			be_varies = true;
	}
	if (be_varies)
		snprintf(buf, sizeof(buf), "%s", be);
	for (p = strat; p && *p;) {
		const char *eq = strchr(p, '='), *sp = strchr(p, ' ');
		char k[64], v[128], v2[128];
		bool varies = false;

		if (!eq)
			break;
		snprintf(k, sizeof(k), "%.*s", (int)(eq - p), p);
		axis_value(strat, k, v, sizeof(v));
		for (i = 0; i < nkeys; i++) {
			key_trace(keys[i], t2, sizeof(t2));
			if (strcmp(trace, t2))
				continue;
			axis_value(key_strategy(keys[i]), k, v2, sizeof(v2));
			if (strcmp(v, v2))
				varies = true;
		}
		if (varies) {
			size_t l = strlen(buf);

			snprintf(buf + l, sizeof(buf) - l, "%s%s=%s", l ? " " : "", k, v);
		}
		p = sp ? sp + 1 : NULL;
	}
	if (!buf[0]) {
		char rc[64], sy[64];

		axis_value(strat, "refcount", rc, sizeof(rc));
		axis_value(strat, "sync", sy, sizeof(sy));
		snprintf(buf, sizeof(buf), "%s refcount=%s sync=%s", be, rc, sy);
	}
	return xstrdup(buf);
}

static char **group_keys(const struct vmb_rgroup *g, size_t n)
{
	char **k = calloc(n + 1, sizeof(*k));
	size_t i;

	if (!k)
		die_oom();
	for (i = 0; i < n; i++)
		k[i] = g[i].key;
	return k;
}

static bool group_simulated(const struct vmb_rgroup *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (!g->runs[i]->simulated)
			return false;
	return g->n > 0;
}

static bool trace_simulated(const struct ctx *c, const char *trace, bool *any_measured)
{
	char t[128];
	bool any_sim = false;
	size_t i;

	*any_measured = false;
	for (i = 0; i < c->ng; i++) {
		key_trace(c->g[i].key, t, sizeof(t));
		if (strcmp(t, trace))
			continue;
		if (group_simulated(&c->g[i]))
			any_sim = true;
		else
			*any_measured = true;
	}
	return any_sim;
}

static double mval(const struct vmb_rgroup *g, const char *metric);

static void add_fig(struct ctx *c, const char *name, const char *title, const char *trace,
		    bool trend, int wret)
{
	struct fig *f;

	if (wret == -ENODATA)
		return;
	c->figs = realloc(c->figs, (c->n_figs + 1) * sizeof(*c->figs));
	if (!c->figs)
		die_oom();
	f = &c->figs[c->n_figs++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->title, sizeof(f->title), "%s", title);
	snprintf(f->trace, sizeof(f->trace), "%s", trace);
	f->trend = trend;
	if (wret) {
		fprintf(stderr, "report: writing %s: %s\n", name, strerror(-wret));
		c->failures++;
		return;
	}
	f->pending = true;
}

/*
 * Render every written figure: the pending scripts are split over one
 * child per CPU, each running gnuplot over batches of scripts; a figure
 * still missing afterwards is rendered alone to get its error message.
 */
static void render_pending(struct ctx *c)
{
	const size_t batch = 64;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t jobs = cpus > 1 ? (size_t)cpus : 1, i, j, k, n = 0;
	const char **names = calloc(c->n_figs + 1, sizeof(*names));
	pid_t *pids = calloc(jobs, sizeof(*pids));
	char err[512];

	if (!names || !pids)
		die_oom();
	for (i = 0; i < c->n_figs; i++)
		if (c->figs[i].pending)
			names[n++] = c->figs[i].name;
	if (c->no_render)
		n = 0;
	for (j = 0; j < jobs && n; j++) {
		size_t lo = n * j / jobs, hi = n * (j + 1) / jobs;

		pids[j] = fork();
		if (pids[j] < 0) {
			/* no child: do this share here */
			for (k = lo; k < hi; k += batch)
				vmb_plot_render_many(c->gnuplot, c->plotdir, names + k,
						     hi - k < batch ? hi - k : batch);
			continue;
		}
		if (!pids[j]) {
			for (k = lo; k < hi; k += batch)
				vmb_plot_render_many(c->gnuplot, c->plotdir, names + k,
						     hi - k < batch ? hi - k : batch);
			_exit(0);
		}
	}
	for (j = 0; j < jobs && n; j++)
		if (pids[j] > 0)
			waitpid(pids[j], NULL, 0);
	for (i = 0; i < c->n_figs; i++) {
		struct fig *f = &c->figs[i];

		if (!f->pending || c->no_render)
			continue;
		f->pending = false;
		if (vmb_plot_rendered(c->plotdir, f->name) ||
		    !vmb_plot_render(c->gnuplot, c->plotdir, f->name, err, sizeof(err))) {
			f->ok = true;
			continue;
		}
		fprintf(stderr, "report: %s\n", err);
		c->failures++;
	}
	free(pids);
	free(names);
}

/* every sample of a latency object over the runs of a group */
static double *pooled(const struct vmb_rgroup *g, const char *lat, size_t *n)
{
	size_t i, total = 0, k = 0;
	double *v;

	for (i = 0; i < g->n; i++)
		total += vmb_rrun_lat(g->runs[i], lat)->n;
	*n = total;
	if (!total)
		return NULL;
	v = malloc(total * sizeof(*v));
	if (!v)
		die_oom();
	for (i = 0; i < g->n; i++) {
		const struct vmb_rlat *l = vmb_rrun_lat(g->runs[i], lat);

		memcpy(v + k, l->samples, l->n * sizeof(*v));
		k += l->n;
	}
	vmb_stats_sort(v, total);
	return v;
}

struct series {
	double *x, *y;
	size_t n;
	char *title;
	const char *color;
};

static void series_free(struct series *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].x);
		free(s[i].y);
		free(s[i].title);
	}
	free(s);
}

static void series_alloc(struct series *s, size_t n)
{
	s->x = calloc(n + 1, sizeof(double));
	s->y = calloc(n + 1, sizeof(double));
	if (!s->x || !s->y)
		die_oom();
	s->n = 0;
}

static int write_series(const char *dir, const char *name, const struct vmb_plot_opts *o,
			const struct series *s, size_t n, const char *style)
{
	struct vmb_plot_line *l = calloc(n + 1, sizeof(*l));
	size_t i;
	int ret;

	if (!l)
		die_oom();
	for (i = 0; i < n; i++)
		l[i] =
		    (struct vmb_plot_line){s[i].title, s[i].x, s[i].y, s[i].n, style, s[i].color};
	ret = vmb_plot_xy(dir, name, o, l, n);
	free(l);
	return ret;
}

#define MAX_POINTS 1500

/* the groups of one trace, with labels */
struct tgroups {
	const struct vmb_rgroup **g;
	char **label;
	size_t n;
	bool sim, measured;
};

static void tgroups_get(struct ctx *c, const char *trace, struct tgroups *t)
{
	char **keys = group_keys(c->g, c->ng), tn[128];
	size_t i;

	memset(t, 0, sizeof(*t));
	t->g = calloc(c->ng + 1, sizeof(*t->g));
	t->label = calloc(c->ng + 1, sizeof(*t->label));
	if (!t->g || !t->label)
		die_oom();
	for (i = 0; i < c->ng; i++) {
		key_trace(c->g[i].key, tn, sizeof(tn));
		if (strcmp(tn, trace))
			continue;
		t->g[t->n] = &c->g[i];
		t->label[t->n] = group_label(keys, c->ng, c->g[i].key);
		t->n++;
	}
	free(keys);
	t->sim = trace_simulated(c, trace, &t->measured);
}

static void tgroups_free(struct tgroups *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->label[i]);
	free(t->label);
	free(t->g);
}

static const char *time_note(const struct tgroups *t)
{
	if (t->sim && t->measured)
		return "simulated (model) and measured runs mixed: see the tables";
	return t->sim ? "SIMULATED: model time from the embedded kernel model, not a measurement"
		      : NULL;
}

static void plot_latency(struct ctx *c, const char *trace, const struct tgroups *t)
{
	size_t li, i, j;

	for (li = 0; li < 3; li++) {
		const char *lat = lat_names[li];
		struct series *cdf = calloc(t->n + 1, sizeof(*cdf));
		struct series *hist = calloc(t->n + 1, sizeof(*hist));
		struct series *tail = calloc(t->n + 1, sizeof(*tail));
		double lo = INFINITY, hi = 0;
		double **pool = calloc(t->n + 1, sizeof(*pool));
		size_t *np = calloc(t->n + 1, sizeof(*np));
		char name[200], title[256];
		struct vmb_plot_opts o = {0};

		if (!cdf || !hist || !tail || !pool || !np)
			die_oom();
		for (i = 0; i < t->n; i++) {
			size_t n, step;

			pool[i] = pooled(t->g[i], lat, &n);
			np[i] = n;
			cdf[i].title = xstrdup(t->label[i]);
			hist[i].title = xstrdup(t->label[i]);
			tail[i].title = xstrdup(t->label[i]);
			cdf[i].color = hist[i].color = tail[i].color =
			    strategy_color(c, t->g[i]->key);
			if (!n)
				continue;
			step = n > MAX_POINTS ? n / MAX_POINTS : 1;
			series_alloc(&cdf[i], n / step + 3);
			/* the curve starts on the axis: 0 below the fastest op */
			cdf[i].x[cdf[i].n] = fmax(pool[i][0], 1) / 1e3;
			cdf[i].y[cdf[i].n++] = 0;
			/*
			 * tail view: the fraction of ops slower than x, on log axes, down
			 * to the single slowest op (1/n): p99 and p99.9 are visible
			 * where a CDF squeezes them against its top edge
			 */
			series_alloc(&tail[i], n / step + 2);
			for (j = 0; j < n; j += step) {
				tail[i].x[tail[i].n] = fmax(pool[i][j], 1) / 1e3;
				tail[i].y[tail[i].n++] = (double)(n - j) / (double)n;
			}
			tail[i].x[tail[i].n] = fmax(pool[i][n - 1], 1) / 1e3;
			tail[i].y[tail[i].n++] = 1.0 / (double)n;
			for (j = 0; j < n; j += step) {
				cdf[i].x[cdf[i].n] = fmax(pool[i][j], 1) / 1e3;
				cdf[i].y[cdf[i].n++] = (double)(j + 1) / (double)n;
			}
			cdf[i].x[cdf[i].n] = fmax(pool[i][n - 1], 1) / 1e3;
			cdf[i].y[cdf[i].n++] = 1.0;
			lo = fmin(lo, fmax(pool[i][0], 1));
			hi = fmax(hi, pool[i][n - 1]);
		}
		snprintf(name, sizeof(name), "%s-%s-cdf", trace, lat);
		snprintf(title, sizeof(title), "%s: %s latency CDF (issue to completion)", trace,
			 lat);
		o = (struct vmb_plot_opts){title,
					   "latency (us, log scale)",
					   "fraction of ops",
					   true,
					   false,
					   false,
					   time_note(t),
					   0,
					   "[0:1.02]",
					   NULL};
		add_fig(c, name, title, trace, false,
			write_series(c->plotdir, name, &o, cdf, t->n, "steps lw 2"));
		snprintf(name, sizeof(name), "%s-%s-tail", trace, lat);
		snprintf(title, sizeof(title), "%s: %s latency tail (fraction of ops slower)",
			 trace, lat);
		o = (struct vmb_plot_opts){title,
					   "latency (us, log scale)",
					   "fraction of ops at or above (log scale)",
					   true,
					   true,
					   false,
					   time_note(t),
					   0,
					   NULL,
					   NULL};
		add_fig(c, name, title, trace, false,
			write_series(c->plotdir, name, &o, tail, t->n, "steps lw 2"));

		/* histogram: 40 log-spaced bins over the range of every group */
		if (hi > 0 && isfinite(lo)) {
			const size_t bins = 40;
			double l0 = log(lo), w = (log(fmax(hi, lo * 1.0001)) - l0) / (double)bins;

			for (i = 0; i < t->n; i++) {
				size_t *cnt = calloc(bins, sizeof(*cnt)), b;

				if (!cnt)
					die_oom();
				if (!np[i]) {
					free(cnt);
					continue;
				}
				for (j = 0; j < np[i]; j++) {
					double x = (log(fmax(pool[i][j], 1)) - l0) / w;

					b = x < 0 ? 0 : (size_t)x;
					cnt[b >= bins ? bins - 1 : b]++;
				}
				series_alloc(&hist[i], bins);
				for (b = 0; b < bins; b++) {
					hist[i].x[b] = exp(l0 + w * ((double)b + 0.5)) / 1e3;
					hist[i].y[b] = (double)cnt[b] / (double)np[i];
				}
				hist[i].n = bins;
				free(cnt);
			}
			snprintf(name, sizeof(name), "%s-%s-hist", trace, lat);
			snprintf(title, sizeof(title), "%s: %s latency histogram", trace, lat);
			o = (struct vmb_plot_opts){title,
						   "latency (us, log-spaced bins)",
						   "fraction of ops",
						   true,
						   false,
						   false,
						   time_note(t),
						   0,
						   NULL,
						   NULL};
			add_fig(c, name, title, trace, false,
				write_series(c->plotdir, name, &o, hist, t->n, "histeps lw 2"));
		}
		for (i = 0; i < t->n; i++)
			free(pool[i]);
		free(pool);
		free(np);
		series_free(cdf, t->n);
		series_free(hist, t->n);
		series_free(tail, t->n);
	}
}

static void plot_stalls(struct ctx *c, const char *trace, const struct tgroups *t)
{
	struct series *s = calloc(t->n + 1, sizeof(*s));
	bool timeline = false;
	char name[200], title[256];
	struct vmb_plot_opts o;
	size_t i, j;

	if (!s)
		die_oom();
	for (i = 0; i < t->n; i++)
		for (j = 0; j < t->g[i]->n; j++)
			if (t->g[i]->runs[j]->stall.n_times)
				timeline = true;
	for (i = 0; i < t->n; i++) {
		s[i].title = xstrdup(t->label[i]);
		s[i].color = strategy_color(c, t->g[i]->key);
		if (timeline) {
			/* the first run of the group that has a timeline */
			const struct vmb_rlat *l = NULL;

			for (j = 0; j < t->g[i]->n && !l; j++)
				if (t->g[i]->runs[j]->stall.n_times)
					l = &t->g[i]->runs[j]->stall;
			if (!l)
				continue;
			series_alloc(&s[i], l->n_times);
			for (j = 0; j < l->n_times; j++) {
				s[i].x[j] = l->times[j] / 1e6;
				s[i].y[j] = fmax(l->series[j], 1) / 1e3;
			}
			s[i].n = l->n_times;
		} else {
			size_t n, k = 0;
			double *p = pooled(t->g[i], "stall", &n);

			if (!n)
				continue;
			series_alloc(&s[i], n);
			for (j = 0; j < n; j++) {
				if (p[j] <= 0)
					continue;
				s[i].x[k] = p[j] / 1e3;
				s[i].y[k++] = (double)(j + 1) / (double)n;
			}
			s[i].n = k;
			free(p);
		}
	}
	snprintf(name, sizeof(name), "%s-stalls", trace);
	if (timeline) {
		snprintf(title, sizeof(title), "%s: submit stalls over time (stalled submits only)",
			 trace);
		o = (struct vmb_plot_opts){title,
					   "submit issue time (ms since start)",
					   "stall (us, log scale)",
					   false,
					   true,
					   false,
					   time_note(t),
					   0,
					   NULL,
					   NULL};
		add_fig(c, name, title, trace, false,
			write_series(c->plotdir, name, &o, s, t->n, "points pt 7 ps 0.6"));
	} else {
		snprintf(title, sizeof(title), "%s: submit stall CDF (no timeline in the results)",
			 trace);
		o = (struct vmb_plot_opts){title,
					   "stall (us, log scale)",
					   "fraction of submits",
					   true,
					   false,
					   false,
					   time_note(t),
					   0,
					   NULL,
					   NULL};
		add_fig(c, name, title, trace, false,
			write_series(c->plotdir, name, &o, s, t->n, "steps lw 2"));
	}
	series_free(s, t->n);
}

/* median over a group's runs of a dotted metric path; -1 when absent */
static double group_num(const struct vmb_rgroup *g, const char *path)
{
	double *v = calloc(g->n + 1, sizeof(*v)), m;
	size_t i, k = 0;

	if (!v)
		die_oom();
	for (i = 0; i < g->n; i++)
		if (vmb_rrun_num(g->runs[i], path, &v[k]))
			k++;
	m = k ? vmb_stats_median(v, k) : -1;
	free(v);
	return m;
}

static void plot_bars(struct ctx *c, const char *trace, const struct tgroups *t, const char *stem,
		      const char *title_fmt, const char *ylabel, const char *const *cols,
		      const char *const *paths, size_t ncols, double scale)
{
	double *v = calloc(t->n * ncols + 1, sizeof(*v));
	const char **rows = calloc(t->n + 1, sizeof(*rows));
	size_t i, j, nr = 0;
	char name[200], title[256];
	struct vmb_plot_opts o;

	if (!v || !rows)
		die_oom();
	for (i = 0; i < t->n; i++) {
		bool any = false;

		for (j = 0; j < ncols; j++) {
			double x = group_num(t->g[i], paths[j]);

			any |= x >= 0;
			v[nr * ncols + j] = x < 0 ? 0 : x / scale;
		}
		if (any)
			rows[nr++] = t->label[i];
	}
	snprintf(name, sizeof(name), "%s-%s", trace, stem);
	snprintf(title, sizeof(title), title_fmt, trace);
	o = (struct vmb_plot_opts){title,
				   "strategy",
				   ylabel,
				   false,
				   false,
				   false,
				   t->sim ? "model counters (deterministic)" : NULL,
				   0,
				   NULL,
				   NULL};
	if (nr)
		add_fig(c, name, title, trace, false,
			vmb_plot_bars(c->plotdir, name, &o, rows, nr, cols, ncols, v));
	free(v);
	free(rows);
}

static void plot_trace(struct ctx *c, const char *trace)
{
	static const char *const sm_cols[] = {"map", "remap (split)", "unmap", "keep (merge)"};
	static const char *const sm_paths[] = {"gpuvm.map", "gpuvm.remap", "gpuvm.unmap",
					       "gpuvm.keep"};
	static const char *const rb_cols[] = {"peak BO MiB", "peak zombie MiB"};
	static const char *const rb_paths[] = {"refcount.peak_bo_bytes",
					       "refcount.peak_zombie_bytes"};
	static const char *const re_cols[] = {"implicit unmaps", "leaked BOs", "cycles"};
	static const char *const re_paths[] = {"refcount.implicit_unmaps", "refcount.leaked_bos",
					       "refcount.cycles"};
	static const char *const up_cols[] = {"invalidations", "revalidations",
					      "pinned pages (peak)"};
	static const char *const up_paths[] = {"userptr.invalidations", "userptr.revalidations",
					       "userptr.pinned_pages_peak"};
	struct tgroups t;

	tgroups_get(c, trace, &t);
	plot_latency(c, trace, &t);
	plot_stalls(c, trace, &t);
	plot_bars(c, trace, &t, "splitmerge", "%s: drm_gpuvm split/merge ops per strategy", "ops",
		  sm_cols, sm_paths, 4, 1);
	plot_bars(c, trace, &t, "refcount", "%s: BO memory held (refcount strategy)", "MiB",
		  rb_cols, rb_paths, 2, 1 << 20);
	plot_bars(c, trace, &t, "refevents", "%s: implicit unmaps, leaks and reference cycles",
		  "count", re_cols, re_paths, 3, 1);
	plot_bars(c, trace, &t, "userptr", "%s: userptr invalidation and pinning", "count", up_cols,
		  up_paths, 3, 1);
	tgroups_free(&t);
}

/* ---- cross-trace overview ---- */

/*
 * One bar group per trace, one bar per strategy label (the axes that vary
 * over every group of the set), for a latency metric; log scale.
 */
static void plot_overview(struct ctx *c, const char *metric, const char *stem, const char *title,
			  const char *ylabel, double scale)
{
	const struct vmb_metric *m = vmb_metric_find(metric);
	char **labels = calloc(c->ng + 1, sizeof(*labels));
	char **cols = calloc(c->ng + 1, sizeof(*cols)), tn[128];
	const char **colors = calloc(c->ng + 1, sizeof(*colors));
	size_t i, j, ncols = 0;
	double *v;
	bool sim = false, meas = false;
	struct vmb_plot_opts o;
	char **gkeys = calloc(c->ng + 1, sizeof(*gkeys));

	if (!labels || !cols || !gkeys || !colors)
		die_oom();
	/* labels over the whole set: rename every key's trace so they compare as one trace */
	for (i = 0; i < c->ng; i++) {
		const char *bar = strchr(c->g[i].key, '|');

		if (asprintf(&gkeys[i], "all%s", bar ? bar : "") < 0)
			die_oom();
	}
	for (i = 0; i < c->ng; i++) {
		labels[i] = group_label(gkeys, c->ng, gkeys[i]);
		for (j = 0; j < ncols && strcmp(cols[j], labels[i]); j++)
			;
		if (j == ncols) {
			colors[ncols] = strategy_color(c, c->g[i].key);
			cols[ncols++] = labels[i];
		}
		if (group_simulated(&c->g[i]))
			sim = true;
		else
			meas = true;
	}
	v = malloc((c->n_traces * ncols + 1) * sizeof(*v));
	if (!v)
		die_oom();
	for (i = 0; i < c->n_traces * ncols; i++)
		v[i] = NAN;
	for (i = 0; i < c->ng; i++) {
		size_t ti, cj;
		double x = mval(&c->g[i], m->name);

		key_trace(c->g[i].key, tn, sizeof(tn));
		for (ti = 0; ti < c->n_traces && strcmp(c->traces[ti], tn); ti++)
			;
		for (cj = 0; cj < ncols && strcmp(cols[cj], labels[i]); cj++)
			;
		if (ti < c->n_traces && cj < ncols && x > 0)
			v[ti * ncols + cj] = x / scale;
	}
	o = (struct vmb_plot_opts){title,
				   "",
				   ylabel,
				   false,
				   true,
				   false,
				   sim && meas ? "simulated (model) and measured runs mixed"
				   : sim ? "SIMULATED: model time from the embedded kernel model"
					 : NULL,
				   0,
				   NULL,
				   colors};
	add_fig(c, stem, title, "", false,
		vmb_plot_bars(c->plotdir, stem, &o, (const char *const *)c->traces, c->n_traces,
			      (const char *const *)cols, ncols, v));
	for (i = 0; i < c->ng; i++) {
		free(labels[i]);
		free(gkeys[i]);
	}
	free(labels);
	free(gkeys);
	free(cols);
	free(colors);
	free(v);
}

/* ---- history trends ---- */

static const char *const trend_metrics[] = {"bind_p50",	  "bind_p99",	 "unbind_p99",
					    "submit_p99", "stall_total", "gpuvm_remap",
					    "pte_writes", "wall_ns"};

struct night {
	long day;
	const struct vmb_rrun **runs;
	size_t n;
};

static int cmp_night(const void *a, const void *b)
{
	const struct night *x = a, *y = b;

	return (x->day > y->day) - (x->day < y->day);
}

/* split a group's runs by the UTC day of their file's env.date */
static struct night *nights_of(const struct vmb_rset *set, const struct vmb_rgroup *g, size_t *nn)
{
	struct night *n = calloc(g->n + 1, sizeof(*n));
	size_t i, j, k = 0;

	if (!n)
		die_oom();
	for (i = 0; i < g->n; i++) {
		long day = (long)(set->files[g->runs[i]->file].when / 86400);

		if (!set->files[g->runs[i]->file].when)
			continue;
		for (j = 0; j < k && n[j].day != day; j++)
			;
		if (j == k) {
			n[k].day = day;
			n[k].runs = calloc(g->n, sizeof(*n[k].runs));
			if (!n[k].runs)
				die_oom();
			k++;
		}
		n[j].runs[n[j].n++] = g->runs[i];
	}
	qsort(n, k, sizeof(*n), cmp_night);
	*nn = k;
	return n;
}

static void nights_free(struct night *n, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		free(n[i].runs);
	free(n);
}

/* what kind of number a trend of @m is, said under its title */
static const char *trend_note(const struct vmb_metric *m, bool sim)
{
	if (vmb_metric_is_host(m))
		return sim ? "measured host time (of the model's own code; not simulated)"
			   : "measured host time";
	if (!sim)
		return NULL;
	if (m->kind == VMB_MK_COUNTER)
		return "model counters (deterministic)";
	return "model figures are SIMULATED (model time)";
}

static void plot_trends(struct ctx *c)
{
	struct vmb_rgroup *g;
	size_t ng, ti, mi, i, j;
	char **keys;
	long last_day = 0;

	if (vmb_rset_groups(&c->hist, true, &g, &ng))
		die_oom();
	keys = group_keys(g, ng);
	for (i = 0; i < c->hist.n_files; i++)
		last_day = fmax(last_day, (long)(c->hist.files[i].when / 86400));
	for (ti = 0; ti < c->n_traces; ti++) {
		const char *trace = c->traces[ti];
		long d0 = -1;
		bool two = false;

		/* a trend needs two nights */
		for (i = 0; i < c->hist.n_files && !two; i++) {
			const struct vmb_rfile *hf = &c->hist.files[i];
			long d = (long)(hf->when / 86400);

			if (!hf->when || strcmp(hf->trace_name, trace))
				continue;
			if (d0 < 0)
				d0 = d;
			else if (d != d0)
				two = true;
		}
		if (!two)
			continue;
		for (mi = 0; mi < sizeof(trend_metrics) / sizeof(trend_metrics[0]); mi++) {
			const struct vmb_metric *m = vmb_metric_find(trend_metrics[mi]);
			struct series *s = calloc(ng + 2, sizeof(*s));
			size_t ns = 0, nreg = 0;
			struct series *reg;
			char name[200], title[256], tn[128];
			struct vmb_plot_opts o;
			bool sim = false, logy;
			char ylabel[64];

			if (!s)
				die_oom();
			reg = &s[ng + 1];
			series_alloc(reg, 4096);
			reg->title = xstrdup("regression (compare vs previous night)");
			for (i = 0; i < ng; i++) {
				struct night *n;
				size_t nn;

				key_trace(g[i].key, tn, sizeof(tn));
				if (strcmp(tn, trace))
					continue;
				n = nights_of(&c->hist, &g[i], &nn);
				s[ns].title = group_label(keys, ng, g[i].key);
				s[ns].color = strategy_color(c, g[i].key);
				series_alloc(&s[ns], nn);
				sim |= group_simulated(&g[i]);
				for (j = 0; j < nn; j++) {
					double *v = calloc(n[j].n + 1, sizeof(*v));
					size_t k, cnt = 0;
					struct vmb_cmp_row row;

					if (!v)
						die_oom();
					for (k = 0; k < n[j].n; k++)
						if (vmb_metric_value(m, n[j].runs[k], &v[cnt]))
							cnt++;
					if (cnt) {
						s[ns].x[s[ns].n] = (double)n[j].day * 86400;
						s[ns].y[s[ns].n++] = vmb_stats_median(v, cnt);
					}
					free(v);
					if (!j || !cnt)
						continue;
					if (vmb_compare_metric(m, n[j - 1].runs, n[j - 1].n,
							       n[j].runs, n[j].n, &c->cmp, &row))
						die_oom();
					if (row.verdict == VMB_V_REGRESSION && nreg < 4096) {
						struct regr *r;
						time_t day = (time_t)n[j].day * 86400;
						struct tm tm;

						reg->x[reg->n] = (double)day;
						reg->y[reg->n++] = row.new;
						nreg++;
						c->regrs = realloc(c->regrs, (c->n_regrs + 1) *
										 sizeof(*c->regrs));
						if (!c->regrs)
							die_oom();
						r = &c->regrs[c->n_regrs++];
						memset(r, 0, sizeof(*r));
						snprintf(r->trace, sizeof(r->trace), "%s", trace);
						snprintf(r->label, sizeof(r->label), "%s",
							 s[ns].title);
						r->metric = m->name;
						gmtime_r(&day, &tm);
						strftime(r->date, sizeof(r->date), "%Y-%m-%d", &tm);
						r->change = row.change;
						r->p = row.p;
						r->latest = n[j].day == last_day;
					}
				}
				nights_free(n, nn);
				ns++;
			}
			s[ns] = *reg;
			memset(reg, 0, sizeof(*reg));
			snprintf(name, sizeof(name), "%s-trend-%s", trace, m->name);
			snprintf(title, sizeof(title), "%s: %s per night (median of runs)", trace,
				 m->name);
			/*
			 * A log axis, so that a strategy at microseconds and one at
			 * milliseconds both show their relative changes (+49 % of 1 us
			 * is invisible on a linear axis scaled to 10 ms).
			 */
			logy = true;
			for (i = 0; i < ns; i++)
				for (j = 0; j < s[i].n; j++)
					logy &= s[i].y[j] > 0;
			snprintf(ylabel, sizeof(ylabel), "%s%s",
				 !strcmp(m->unit, "ns") ? "ns" : "count",
				 logy ? " (log scale)" : "");
			o = (struct vmb_plot_opts){title, "night (UTC)",      ylabel, false, logy,
						   true,  trend_note(m, sim), 0,      NULL,  NULL};
			/* one line per group, then the regression markers */
			{
				struct vmb_plot_line *l = calloc(ns + 2, sizeof(*l));

				if (!l)
					die_oom();
				for (i = 0; i < ns; i++)
					l[i] =
					    (struct vmb_plot_line){s[i].title,
								   s[i].x,
								   s[i].y,
								   s[i].n,
								   "linespoints lw 2 pt 7 ps 0.8",
								   s[i].color};
				l[ns] =
				    (struct vmb_plot_line){s[ns].title,
							   s[ns].x,
							   s[ns].y,
							   s[ns].n,
							   "points pt 6 ps 3 lw 3 lc rgb '#d00000'",
							   NULL};
				add_fig(c, name, title, trace, true,
					vmb_plot_xy(c->plotdir, name, &o, l, ns + 1));
				free(l);
			}
			/* the markers moved to s[ns]; *reg is empty now */
			series_free(s, ns + 1);
		}
	}
	free(keys);
	vmb_rgroups_free(g, ng);
}

/* ---- loading ---- */

static void add_trace_name(struct ctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_traces; i++)
		if (!strcmp(c->traces[i], name))
			return;
	c->traces = realloc(c->traces, (c->n_traces + 1) * sizeof(*c->traces));
	if (!c->traces)
		die_oom();
	c->traces[c->n_traces++] = xstrdup(name);
}

static bool in_history(const struct ctx *c, const char *path)
{
	char a[PATH_MAX], b[PATH_MAX];
	size_t i;

	if (!realpath(path, a))
		return false;
	for (i = 0; i < c->hist.n_files; i++)
		if (realpath(c->hist.files[i].path, b) && !strcmp(a, b))
			return true;
	return false;
}

static void scan_history(struct ctx *c, const char *dir, int depth)
{
	struct dirent **ents;
	int n, i;

	if (depth > 8)
		return;
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "report: %s: %s\n", dir, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		char path[PATH_MAX], err[512];
		const char *nm = ents[i]->d_name;
		struct stat st;
		size_t l = strlen(nm);

		if (nm[0] == '.') {
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, nm);
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			scan_history(c, path, depth + 1);
		else if (l > 5 && !strcmp(nm + l - 5, ".json") &&
			 vmb_rset_add(&c->hist, path, err, sizeof(err)))
			fprintf(stderr, "report: history: skipping %s\n", err);
		free(ents[i]);
	}
	free(ents);
}

static int copy_file(const char *from, const char *to)
{
	struct vmb_outfile b;
	FILE *a = fopen(from, "rb");
	char buf[65536], err[PATH_MAX + 128];
	size_t n;
	int ret;

	if (!a)
		return -errno;
	ret = vmb_outfile_open(&b, to, err, sizeof(err));
	if (ret) {
		fclose(a);
		return ret;
	}
	while ((n = fread(buf, 1, sizeof(buf), a)) > 0)
		if (fwrite(buf, 1, n, b.f) != n)
			break;
	if (ferror(a) && !b.err)
		b.err = -EIO;
	fclose(a);
	return vmb_outfile_commit(&b, err, sizeof(err));
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* raw/<index>-<basename> */
static void raw_name(const struct vmb_rfile *f, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "raw/%zu-%s", i, base_name(f->path));
}

/* ---- pages ---- */

static void env_table(FILE *f, const struct ctx *c, const char *trace)
{
	static const char *const keys[] = {"tool", "host", "kernel", "cpu", "gpu", "date"};
	size_t i, k;

	fputs("<table>\n<tr><th class=l>result file</th><th class=l>trace</th><th class=l>sha256"
	      "</th><th class=l>driver</th>",
	      f);
	for (k = 0; k < 6; k++)
		fprintf(f, "<th class=l>%s</th>", keys[k]);
	fputs("</tr>\n", f);
	for (i = 0; i < c->set.n_files; i++) {
		const struct vmb_rfile *rf = &c->set.files[i];
		json_t *env = json_object_get(rf->root, "env");
		char raw[PATH_MAX];

		if (trace && strcmp(rf->trace_name, trace))
			continue;
		raw_name(rf, i, raw, sizeof(raw));
		fputs("<tr><td class=l><a href=\"", f);
		vmb_html_esc(f, raw);
		fputs("\">", f);
		vmb_html_esc(f, base_name(rf->path));
		fputs("</a></td><td class=l>", f);
		vmb_html_esc(f, rf->trace_path);
		fputs("</td><td class=l><code>", f);
		fprintf(f, "%.12s", rf->trace_sha ? rf->trace_sha : "-");
		fputs("</code></td><td class=l>", f);
		vmb_html_esc(f, rf->driver ? rf->driver : "-");
		fputs("</td>", f);
		for (k = 0; k < 6; k++) {
			const char *v = json_string_value(json_object_get(env, keys[k]));

			fputs("<td class=l>", f);
			vmb_html_esc(f, v ? v : "-");
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static double mval(const struct vmb_rgroup *g, const char *metric)
{
	const struct vmb_metric *m = vmb_metric_find(metric);
	double *v = calloc(g->n + 1, sizeof(*v)), r;
	size_t i, k = 0;

	if (!v)
		die_oom();
	for (i = 0; i < g->n; i++)
		if (vmb_metric_value(m, g->runs[i], &v[k]))
			k++;
	r = k ? vmb_stats_median(v, k) : -1;
	free(v);
	return r;
}

static void summary_table(FILE *f, struct ctx *c, const char *trace)
{
	static const char *const lat[] = {"bind_p50",	"bind_p99",   "unbind_p50", "unbind_p99",
					  "submit_p50", "submit_p99", "stall_total"};
	struct tgroups t;
	size_t i, k;
	char b[64];

	tgroups_get(c, trace, &t);
	fputs("<table>\n<tr><th class=l>strategy</th><th class=l>backend</th><th>runs</th>"
	      "<th class=l>times</th>",
	      f);
	for (k = 0; k < 7; k++)
		fprintf(f, "<th>%s</th>", lat[k]);
	fputs("<th>remap</th><th>keep</th><th>pte writes</th><th>unexpected errors</th></tr>\n", f);
	for (i = 0; i < t.n; i++) {
		char be[64];

		key_backend(t.g[i]->key, be, sizeof(be));
		fputs("<tr><td class=l title=\"", f);
		vmb_html_esc(f, key_strategy(t.g[i]->key));
		fputs("\">", f);
		vmb_html_esc(f, t.label[i]);
		fprintf(f, "</td><td class=l>");
		vmb_html_esc(f, be);
		fprintf(f, "</td><td>%zu</td><td class=l>%s</td>", t.g[i]->n,
			group_simulated(t.g[i]) ? "<span class=sim>simulated</span>"
						: "<span class=meas>measured</span>");
		for (k = 0; k < 7; k++)
			fprintf(f, "<td>%s</td>", vmb_fmt_ns(mval(t.g[i], lat[k]), b, sizeof(b)));
		fprintf(f, "<td>%s</td>",
			vmb_fmt_count(group_num(t.g[i], "gpuvm.remap"), b, sizeof(b)));
		fprintf(f, "<td>%s</td>",
			vmb_fmt_count(group_num(t.g[i], "gpuvm.keep"), b, sizeof(b)));
		fprintf(f, "<td>%s</td>",
			vmb_fmt_count(group_num(t.g[i], "pte_writes"), b, sizeof(b)));
		fprintf(f, "<td>%s</td></tr>\n",
			vmb_fmt_count(group_num(t.g[i], "errors.unexpected"), b, sizeof(b)));
	}
	fputs("</table>\n<p>Values are medians over the runs of each strategy; p50/p99 are "
	      "nearest-rank percentiles of each run's samples.</p>\n",
	      f);
	tgroups_free(&t);
}

static void figure(FILE *f, const struct fig *g)
{
	fputs("<figure><a href=\"plots/", f);
	vmb_html_esc(f, g->name);
	fputs(".svg\"><img src=\"plots/", f);
	vmb_html_esc(f, g->name);
	fputs(".png\" alt=\"", f);
	vmb_html_esc(f, g->title);
	fputs("\"></a><figcaption>", f);
	vmb_html_esc(f, g->title);
	fputs(" (<a href=\"plots/", f);
	vmb_html_esc(f, g->name);
	fputs(".svg\">SVG</a>, <a href=\"plots/", f);
	vmb_html_esc(f, g->name);
	fputs(".gp\">gnuplot</a>)</figcaption></figure>\n", f);
}

static void figures(FILE *f, const struct ctx *c, const char *trace, bool trend)
{
	size_t i;

	/* cross-trace figures (trace "") are wide: one per row at full size */
	fputs(*trace ? "<div class=figs>\n" : "<div class=wide>\n", f);
	for (i = 0; i < c->n_figs; i++)
		if (c->figs[i].ok && c->figs[i].trend == trend && !strcmp(c->figs[i].trace, trace))
			figure(f, &c->figs[i]);
	fputs("</div>\n", f);
}

static bool same_event(const struct regr *a, const struct regr *b)
{
	return !strcmp(a->date, b->date) && !strcmp(a->trace, b->trace) &&
	       !strcmp(a->label, b->label);
}

/* one row per night, trace and strategy, listing the regressed metrics */
static void regressions_html(FILE *f, const struct ctx *c, const char *trace)
{
	size_t i, j, n = 0;

	for (i = 0; i < c->n_regrs; i++) {
		const struct regr *r = &c->regrs[i];
		bool seen = false;

		if (trace && strcmp(r->trace, trace))
			continue;
		for (j = 0; j < i && !seen; j++)
			seen = same_event(&c->regrs[j], r);
		if (seen)
			continue;
		if (!n++)
			fputs("<table>\n<tr><th class=l>night</th><th class=l>trace</th>"
			      "<th class=l>strategy</th><th class=l>regressed metrics (change vs "
			      "previous night, p or exact)</th></tr>\n",
			      f);
		fprintf(f, "<tr><td class=l>%s%s</td><td class=l>", r->date,
			r->latest ? " <b>(latest)</b>" : "");
		vmb_html_esc(f, r->trace);
		fputs("</td><td class=l>", f);
		vmb_html_esc(f, r->label);
		fputs("</td><td class=l>", f);
		for (j = i; j < c->n_regrs; j++) {
			const struct regr *q = &c->regrs[j];

			if (!same_event(q, r))
				continue;
			fprintf(f, "%s%s <span class=bad>%+.1f%%</span>", j == i ? "" : ", ",
				q->metric, q->change);
			if (isnan(q->p))
				fputs(" (exact)", f);
			else
				fprintf(f, " (p=%.2g)", q->p);
		}
		fputs("</td></tr>\n", f);
	}
	if (n)
		fputs("</table>\n", f);
	else
		fputs("<p class=good>No regression between consecutive nights.</p>\n", f);
}

/* the roll-up at the top of a trace page: what regressed in the latest night, by metric */
static void rollup_html(FILE *f, const struct ctx *c, const char *trace)
{
	size_t i, j, n = 0, older = 0;

	fputs("<div class=note><b>What regressed in the latest night:</b> ", f);
	for (i = 0; i < c->n_regrs; i++) {
		const struct regr *r = &c->regrs[i];
		bool seen = false;

		if (strcmp(r->trace, trace))
			continue;
		if (!r->latest) {
			older++;
			continue;
		}
		for (j = 0; j < i && !seen; j++)
			seen = c->regrs[j].latest && !strcmp(c->regrs[j].trace, trace) &&
			       !strcmp(c->regrs[j].metric, r->metric);
		if (seen)
			continue;
		fprintf(f, "%s<b>%s</b> (", n++ ? "; " : "", r->metric);
		for (j = i; j < c->n_regrs; j++) {
			const struct regr *q = &c->regrs[j];

			if (!q->latest || strcmp(q->trace, trace) || strcmp(q->metric, r->metric))
				continue;
			if (j != i)
				fputs(", ", f);
			vmb_html_esc(f, q->label);
			fprintf(f, " <span class=bad>%+.1f%%</span>", q->change);
		}
		fputs(")", f);
	}
	if (!n)
		fputs("<span class=good>nothing</span>", f);
	if (older)
		fprintf(f, ". %zu earlier regression%s in the table below.", older,
			older == 1 ? "" : "s");
	fputs("</div>\n", f);
}

/* a page of the dashboard: written as outfile.h says; any failure exits 2 */
static FILE *open_out(const struct ctx *c, const char *name, struct vmb_outfile *of)
{
	char path[PATH_MAX], err[PATH_MAX + 128];

	snprintf(path, sizeof(path), "%s/%s", c->out, name);
	if (vmb_outfile_open(of, path, err, sizeof(err))) {
		fprintf(stderr, "report: %s\n", err);
		exit(2);
	}
	return of->f;
}

static void close_out(struct vmb_outfile *of)
{
	char err[PATH_MAX + 128];

	if (vmb_outfile_commit(of, err, sizeof(err))) {
		fprintf(stderr, "report: %s\n", err);
		exit(2);
	}
}

static void page_name(const char *trace, char *buf, size_t len)
{
	snprintf(buf, len, "trace-%s.html", trace);
}

static void run_table(FILE *f, const struct ctx *c, const char *trace)
{
	size_t i, j;
	char b[64];

	fputs("<table>\n<tr><th class=l>file</th><th class=l>backend</th><th class=l>strategy</th>"
	      "<th>repeat</th><th class=l>times</th><th>wall</th><th>bind p50</th><th>bind p90</th>"
	      "<th>bind p99</th><th>bind max</th><th>unbind p50</th><th>unbind p99</th>"
	      "<th>submit p50</th><th>submit p99</th><th>stalls</th><th>stall total</th>"
	      "<th>stall max</th><th>map</th><th>remap</th><th>unmap</th><th>keep</th>"
	      "<th>pte writes</th><th>tlb flushes</th><th>peak zombie</th><th>implicit unmaps</th>"
	      "<th>errors exp/unexp/unsup</th></tr>\n",
	      f);
	for (i = 0; i < c->set.n_files; i++) {
		const struct vmb_rfile *rf = &c->set.files[i];

		if (strcmp(rf->trace_name, trace))
			continue;
		for (j = 0; j < rf->n_runs; j++) {
			const struct vmb_rrun *r = &rf->runs[j];
			double e1 = -1, e2 = -1, e3 = -1, x;

			fputs("<tr><td class=l>", f);
			vmb_html_esc(f, base_name(rf->path));
			fputs("</td><td class=l>", f);
			vmb_html_esc(f, r->backend);
			fputs("</td><td class=l>", f);
			vmb_html_esc(f, r->strategy);
			fprintf(f, "</td><td>%d</td><td class=l>%s%s</td>", r->repeat,
				r->simulated ? "<span class=sim>simulated</span>"
					     : "<span class=meas>measured</span>",
				r->incomplete ? " <span class=bad>incomplete</span>" : "");
			fprintf(f, "<td>%s</td>", vmb_fmt_ns(r->wall_ns, b, sizeof(b)));
			fprintf(f, "<td>%s</td>",
				vmb_fmt_ns(r->bind.present ? r->bind.p50 : -1, b, sizeof(b)));
			fprintf(f, "<td>%s</td>",
				vmb_fmt_ns(r->bind.present ? r->bind.p90 : -1, b, sizeof(b)));
			fprintf(f, "<td>%s</td>",
				vmb_fmt_ns(r->bind.present ? r->bind.p99 : -1, b, sizeof(b)));
			fprintf(f, "<td>%s</td>",
				vmb_fmt_ns(r->bind.present ? r->bind.max : -1, b, sizeof(b)));
			fprintf(f, "<td>%s</td>",
				vmb_fmt_ns(r->unbind.present ? r->unbind.p50 : -1, b, sizeof(b)));
			fprintf(f, "<td>%s</td>",
				vmb_fmt_ns(r->unbind.present ? r->unbind.p99 : -1, b, sizeof(b)));
			fprintf(f, "<td>%s</td>",
				vmb_fmt_ns(r->submit.present ? r->submit.p50 : -1, b, sizeof(b)));
			fprintf(f, "<td>%s</td>",
				vmb_fmt_ns(r->submit.present ? r->submit.p99 : -1, b, sizeof(b)));
			fprintf(
			    f, "<td>%s</td>",
			    vmb_fmt_count(r->stall.present ? r->stall.count : -1, b, sizeof(b)));
			fprintf(f, "<td>%s</td>",
				vmb_fmt_ns(r->stall.present ? r->stall.total : -1, b, sizeof(b)));
			fprintf(f, "<td>%s</td>",
				vmb_fmt_ns(r->stall.present ? r->stall.max : -1, b, sizeof(b)));
#define CNT(path)                                                                                  \
	fprintf(f, "<td>%s</td>", vmb_fmt_count(vmb_rrun_num(r, path, &x) ? x : -1, b, sizeof(b)))
			CNT("gpuvm.map");
			CNT("gpuvm.remap");
			CNT("gpuvm.unmap");
			CNT("gpuvm.keep");
			CNT("pte_writes");
			CNT("tlb_flushes");
#undef CNT
			fprintf(f, "<td>%s</td>",
				vmb_fmt_bytes(
				    vmb_rrun_num(r, "refcount.peak_zombie_bytes", &x) ? x : -1, b,
				    sizeof(b)));
			fprintf(
			    f, "<td>%s</td>",
			    vmb_fmt_count(vmb_rrun_num(r, "refcount.implicit_unmaps", &x) ? x : -1,
					  b, sizeof(b)));
			vmb_rrun_num(r, "errors.expected", &e1);
			vmb_rrun_num(r, "errors.unexpected", &e2);
			vmb_rrun_num(r, "errors.unsupported", &e3);
			fprintf(f, "<td%s>%.0f / %.0f / %.0f</td></tr>\n",
				e2 > 0 ? " class=bad" : "", e1, e2, e3);
		}
	}
	fputs("</table>\n", f);
}

static void sim_note(FILE *f, bool sim)
{
	if (sim)
		fputs("<p class=note><span class=sim>simulated</span> latencies, stalls and "
		      "counters come from vmbench's embedded model of the kernel VM subsystem: "
		      "they are model time under a documented cost model, not measurements on "
		      "hardware. <span class=meas>measured</span> runs were timed on a real "
		      "kernel.</p>\n",
		      f);
}

static void write_trace_page(struct ctx *c, const char *trace)
{
	char name[256];
	struct vmb_outfile of;
	FILE *f;
	bool measured, sim = trace_simulated(c, trace, &measured);
	char title[256];

	page_name(trace, name, sizeof(name));
	f = open_out(c, name, &of);
	snprintf(title, sizeof(title), "vmbench: %s", trace);
	vmb_html_head(f, title);
	fputs("<p><a href=\"index.html\">&larr; dashboard</a></p>\n<h1>", f);
	vmb_html_esc(f, trace);
	fputs("</h1>\n", f);
	sim_note(f, sim);
	if (c->have_hist)
		rollup_html(f, c, trace);
	fputs("<h2>Summary per strategy</h2>\n", f);
	summary_table(f, c, trace);
	fputs("<h2>Plots</h2>\n", f);
	figures(f, c, trace, false);
	if (c->have_hist) {
		fputs("<h2>Nightly trends</h2>\n", f);
		regressions_html(f, c, trace);
		figures(f, c, trace, true);
	}
	fputs("<h2>Every run</h2>\n", f);
	run_table(f, c, trace);
	fputs("<h2>Environment and raw results</h2>\n", f);
	env_table(f, c, trace);
	vmb_html_foot(f, c->generated);
	close_out(&of);
}

static void write_index(struct ctx *c, const char *kcidb, const char *hyperfine)
{
	struct vmb_outfile of;
	FILE *f = open_out(c, "index.html", &of);
	size_t i, runs = 0;
	bool any_sim = false, m;

	for (i = 0; i < c->set.n_files; i++)
		runs += c->set.files[i].n_runs;
	for (i = 0; i < c->n_traces; i++)
		any_sim |= trace_simulated(c, c->traces[i], &m);
	vmb_html_head(f, "vmbench dashboard");
	fprintf(f,
		"<h1>vmbench dashboard</h1>\n<p>%zu result file(s), %zu run(s), %zu trace(s). "
		"<a href=\"summary.md\">Markdown summary</a>",
		c->set.n_files, runs, c->n_traces);
	if (kcidb)
		fprintf(f, " &middot; <a href=\"raw/kcidb.json\">KCIDB JSON</a>");
	if (hyperfine)
		fprintf(f, " &middot; <a href=\"raw/hyperfine.json\">hyperfine JSON</a>");
	fputs("</p>\n", f);
	sim_note(f, any_sim);
	if (c->have_hist) {
		fputs("<h2>Regressions in the nightly history</h2>\n", f);
		regressions_html(f, c, NULL);
	}
	if (c->n_traces > 1) {
		fputs("<h2>Overview</h2>\n", f);
		figures(f, c, "", false);
	}
	for (i = 0; i < c->n_traces; i++) {
		char name[256];
		size_t k;

		page_name(c->traces[i], name, sizeof(name));
		fputs("<h2>Trace <a href=\"", f);
		vmb_html_esc(f, name);
		fputs("\">", f);
		vmb_html_esc(f, c->traces[i]);
		fputs("</a></h2>\n", f);
		summary_table(f, c, c->traces[i]);
		/* the bind CDF and, with history, the bind p99 trend as a preview */
		fputs("<div class=figs>\n", f);
		for (k = 0; k < c->n_figs; k++) {
			const struct fig *g = &c->figs[k];

			if (g->ok && !strcmp(g->trace, c->traces[i]) &&
			    (strstr(g->name, "-bind-cdf") || strstr(g->name, "-splitmerge") ||
			     strstr(g->name, "-trend-bind_p99")))
				figure(f, g);
		}
		fputs("</div>\n<p><a href=\"", f);
		vmb_html_esc(f, name);
		fputs("\">All plots, every run and the environment &rarr;</a></p>\n", f);
	}
	fputs("<h2>Environment and raw results</h2>\n", f);
	env_table(f, c, NULL);
	vmb_html_foot(f, c->generated);
	close_out(&of);
}

static void write_summary_md(struct ctx *c)
{
	struct vmb_outfile of;
	FILE *f = open_out(c, "summary.md", &of);
	size_t i, j, latest = 0;

	fprintf(f, "## vmbench results\n\n");
	for (i = 0; i < c->n_traces; i++) {
		struct tgroups t;

		tgroups_get(c, c->traces[i], &t);
		fprintf(f, "### %s\n\n", c->traces[i]);
		if (t.sim)
			fprintf(f, "_(sim) = simulated model time from the embedded kernel model, "
				   "not a hardware measurement._\n\n");
		fprintf(f, "| strategy | runs | bind p50 | bind p99 | unbind p99 | submit p99 | "
			   "stall total | remap | pte writes |\n");
		fprintf(f, "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (j = 0; j < t.n; j++) {
			char b[6][64];

			fprintf(f, "| %s%s | %zu | %s | %s | %s | %s | %s | %s | %s |\n",
				t.label[j], group_simulated(t.g[j]) ? " (sim)" : "", t.g[j]->n,
				vmb_fmt_ns(mval(t.g[j], "bind_p50"), b[0], 64),
				vmb_fmt_ns(mval(t.g[j], "bind_p99"), b[1], 64),
				vmb_fmt_ns(mval(t.g[j], "unbind_p99"), b[2], 64),
				vmb_fmt_ns(mval(t.g[j], "submit_p99"), b[3], 64),
				vmb_fmt_ns(mval(t.g[j], "stall_total"), b[4], 64),
				vmb_fmt_count(group_num(t.g[j], "gpuvm.remap"), b[5], 64),
				vmb_fmt_count(group_num(t.g[j], "pte_writes"), b[5] + 32, 32));
		}
		fprintf(f, "\n");
		tgroups_free(&t);
	}
	if (c->have_hist) {
		fprintf(f, "### Nightly history\n\n");
		for (i = 0; i < c->n_regrs; i++) {
			const struct regr *r = &c->regrs[i];
			bool seen = false;

			if (!r->latest)
				continue;
			for (j = 0; j < i && !seen; j++)
				seen = same_event(&c->regrs[j], r);
			if (seen)
				continue;
			if (!latest++)
				fprintf(f, "**Regressions in the latest night:**\n\n");
			fprintf(f, "- %s / %s on %s:", r->trace, r->label, r->date);
			for (j = i; j < c->n_regrs; j++)
				if (same_event(&c->regrs[j], r))
					fprintf(f, " **%s %+.1f%%**%s", c->regrs[j].metric,
						c->regrs[j].change,
						isnan(c->regrs[j].p) ? " (exact)" : "");
			fprintf(f, "\n");
		}
		if (!latest)
			fprintf(f, "No regression in the latest night against the previous one.\n");
		for (i = 0; i < c->n_regrs && c->regrs[i].latest; i++)
			;
		if (i < c->n_regrs)
			fprintf(f, "\nEarlier nights had regressions; see the dashboard.\n");
	}
	close_out(&of);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: report -o DIR [options] RESULT.json...\n"
		"\n"
		"Render vmbench result files into DIR: gnuplot figures (PNG and SVG) under\n"
		"DIR/plots, index.html plus trace-NAME.html per trace, the result files\n"
		"under DIR/raw, and summary.md (a Markdown table for a CI comment).\n"
		"\n"
		"options:\n"
		"  -o, --output DIR     output directory (created)\n"
		"  --history DIR        earlier results (every *.json below DIR, dated by\n"
		"                       env.date): trend plots per metric and night, with\n"
		"                       regressions (compare's rule, night vs previous night)\n"
		"                       marked; RESULT files may be inside DIR too\n"
		"  --kcidb FILE         also write KCIDB v5.3 JSON (one DONE test node per run\n"
		"                       group and metric, the median in SI units, per-run values\n"
		"                       in misc); copied to DIR/raw. Verdicts: compare --kcidb\n"
		"  --kcidb-tree NAME, --kcidb-repo URL, --kcidb-commit SHA, --kcidb-branch B\n"
		"                       the kernel the checkouts name (default $VMB_KERNEL_TREE,\n"
		"                       $VMB_KERNEL_REPO, $VMB_KERNEL_COMMIT, $VMB_KERNEL_BRANCH)\n"
		"  --hyperfine FILE     also write hyperfine JSON (every field hyperfine writes)\n"
		"  --threshold PCT      effect-size floor for history regressions (default 2)\n"
		"  --alpha A            significance level for history regressions (0.01)\n"
		"  --gnuplot CMD        gnuplot command (default: gnuplot)\n"
		"  --no-render          write data and scripts but do not run gnuplot\n"
		"  -h, --help           this text\n"
		"\n"
		"Exit status: 0 done, 1 some figure failed to render, 2 bad usage or input.\n");
}

/* everything main() allocated; on every path out, so that LSan sees no leak */
static void ctx_free(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->n_traces; i++)
		free(c->traces[i]);
	free(c->traces);
	free(c->figs);
	free(c->regrs);
	vmb_rgroups_free(c->g, c->ng);
	vmb_rset_free(&c->set);
	vmb_rset_free(&c->hist);
	for (i = 0; i < c->n_strats; i++)
		free(c->strats[i]);
	free(c->strats);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"history", required_argument, NULL, 'H'},
	    {"kcidb", required_argument, NULL, 'k'},
	    VMB_KCIDB_LONG_OPTIONS,
	    {"hyperfine", required_argument, NULL, 'y'},
	    {"threshold", required_argument, NULL, 't'},
	    {"alpha", required_argument, NULL, 'a'},
	    {"gnuplot", required_argument, NULL, 'g'},
	    {"no-render", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct ctx c = {0};
	const char *history = NULL, *kcidb = NULL, *hyperfine = NULL;
	struct vmb_kcidb_ident kid = {0};
	char path[PATH_MAX], err[512];
	struct tm tm;
	time_t now = time(NULL);
	size_t i;
	int opt, ret = 2;

	vmb_cmp_opts_init(&c.cmp);
	c.gnuplot = "gnuplot";
	while ((opt = getopt_long(argc, argv, "o:h", lopts, NULL)) != -1) {
		if (vmb_kcidb_ident_option(&kid, opt, optarg))
			continue;
		switch (opt) {
		case 'o':
			c.out = optarg;
			break;
		case 'H':
			history = optarg;
			break;
		case 'k':
			kcidb = optarg;
			break;
		case 'y':
			hyperfine = optarg;
			break;
		case 't':
			c.cmp.threshold = atof(optarg);
			break;
		case 'a':
			c.cmp.alpha = atof(optarg);
			if (c.cmp.alpha <= 0 || c.cmp.alpha >= 0.5) {
				fprintf(stderr, "report: bad --alpha '%s' (0 < A < 0.5)\n", optarg);
				return 2;
			}
			break;
		case 'g':
			c.gnuplot = optarg;
			break;
		case 'n':
			c.no_render = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!c.out || optind >= argc) {
		usage(stderr);
		return 2;
	}
	/* the exports are checked before any work; the dashboard directory is ours */
	for (i = 0; i < 2; i++) {
		const char *p = i ? hyperfine : kcidb;

		if (p && vmb_outfile_check(p, NULL, err, sizeof(err))) {
			fprintf(stderr, "report: %s\n", err);
			return 2;
		}
	}
	for (i = optind; i < (size_t)argc; i++) {
		if (vmb_rset_add(&c.set, argv[i], err, sizeof(err))) {
			fprintf(stderr, "report: %s\n", err);
			goto out;
		}
	}
	if (history) {
		scan_history(&c, history, 0);
		for (i = optind; i < (size_t)argc; i++)
			if (!in_history(&c, argv[i]) &&
			    vmb_rset_add(&c.hist, argv[i], err, sizeof(err)))
				fprintf(stderr, "report: %s\n", err);
		c.have_hist = true;
	}
	/* results of several boards: every board its own trace pages and trends */
	{
		struct vmb_rset *sets[] = {&c.set, &c.hist};
		int boards = vmb_rset_split_boards(sets, history ? 2 : 1);

		if (boards < 0)
			die_oom();
		if (boards > 1)
			printf("report: results of %d boards: one trace page per trace and board\n",
			       boards);
	}
	if (vmb_rset_groups(&c.set, true, &c.g, &c.ng))
		die_oom();
	register_colors(&c);
	for (i = 0; i < c.set.n_files; i++)
		add_trace_name(&c, c.set.files[i].trace_name);
	gmtime_r(&now, &tm);
	strftime(c.generated, sizeof(c.generated), "%Y-%m-%d %H:%M UTC", &tm);

	snprintf(c.plotdir, sizeof(c.plotdir), "%s/plots", c.out);
	snprintf(path, sizeof(path), "%s/raw", c.out);
	if ((mkdir(c.out, 0755) && errno != EEXIST) ||
	    (mkdir(c.plotdir, 0755) && errno != EEXIST) || (mkdir(path, 0755) && errno != EEXIST)) {
		fprintf(stderr, "report: cannot create %s: %s\n", c.out, strerror(errno));
		goto out;
	}
	for (i = 0; i < c.set.n_files; i++) {
		char raw[PATH_MAX], dst[PATH_MAX * 2];

		raw_name(&c.set.files[i], i, raw, sizeof(raw));
		snprintf(dst, sizeof(dst), "%s/%s", c.out, raw);
		if (copy_file(c.set.files[i].path, dst)) {
			fprintf(stderr, "report: copying %s to %s failed\n", c.set.files[i].path,
				dst);
			goto out;
		}
	}
	for (i = 0; i < c.n_traces; i++)
		plot_trace(&c, c.traces[i]);
	if (c.n_traces > 1) {
		plot_overview(&c, "bind_p99", "overview-bind_p99",
			      "bind latency p99 per trace and strategy", "us (log scale)", 1e3);
		plot_overview(&c, "stall_total", "overview-stall_total",
			      "total submit stall per trace and strategy", "ms (log scale)", 1e6);
	}
	if (history)
		plot_trends(&c);
	if (kcidb) {
		char dst[PATH_MAX];

		vmb_kcidb_ident_from_env(&kid);
		if (vmb_export_kcidb(&c.set, "vmbench", &kid, NULL, 0, kcidb)) {
			fprintf(stderr, "report: writing %s failed\n", kcidb);
			goto out;
		}
		snprintf(dst, sizeof(dst), "%s/raw/kcidb.json", c.out);
		if (strcmp(kcidb, "-") && copy_file(kcidb, dst))
			kcidb = NULL;
	}
	if (hyperfine) {
		json_t *res = json_array();
		char dst[PATH_MAX];

		/* the write takes the reference to res, also when it fails */
		if (!res || vmb_export_hyperfine_groups(res, c.g, c.ng, NULL)) {
			json_decref(res);
			res = NULL;
		}
		if (!res || vmb_export_hyperfine_write(res, hyperfine)) {
			fprintf(stderr, "report: writing %s failed\n", hyperfine);
			goto out;
		}
		snprintf(dst, sizeof(dst), "%s/raw/hyperfine.json", c.out);
		if (strcmp(hyperfine, "-") && copy_file(hyperfine, dst))
			hyperfine = NULL;
	}
	render_pending(&c);
	for (i = 0; i < c.n_traces; i++)
		write_trace_page(&c, c.traces[i]);
	write_index(&c, kcidb, hyperfine);
	write_summary_md(&c);
	printf("report: %s/index.html (%zu figures, %zu failed, %zu history regressions)\n", c.out,
	       c.n_figs, (size_t)c.failures, c.n_regrs);
	if (!vmb_stdout_close("report"))
		ret = c.failures ? 1 : 0;
out:
	ctx_free(&c);
	return ret;
}
