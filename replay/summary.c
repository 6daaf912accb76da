// SPDX-License-Identifier: MIT
/*
 * summary.c - the human-readable end-of-run summary: a header naming the
 * trace, then a latency table and a counters table with one row per run,
 * each row labelled by the strategy axes that tell the runs apart.
 *
 * Times use ns/µs/ms/s and sizes KiB/MiB/GiB, both with three significant
 * digits; counts are printed exactly. The result file has the exact values.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"

#define CELL 96
#define MAX_COLS 16

/* one aligned table: a label column, value columns, optional column groups */
struct table {
	const char *group[MAX_COLS]; /* group title starting at column i, or NULL */
	const char *head[MAX_COLS];
	size_t n_cols;
	char (*cells)[MAX_COLS][CELL];
	size_t n_rows;
};

/* display width of a UTF-8 string: code points, not bytes */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void pad(FILE *f, size_t n)
{
	while (n--)
		fputc(' ', f);
}

static void fmt_scaled(char *buf, double x, const char *unit)
{
	if (x < 9.995)
		snprintf(buf, CELL, "%.2f%s", x, unit);
	else if (x < 99.95)
		snprintf(buf, CELL, "%.1f%s", x, unit);
	else
		snprintf(buf, CELL, "%.0f%s", x, unit);
}

/* "812ns", "1.23µs", "45.6ms", "2.00s" */
static void fmt_ns(char *buf, uint64_t ns)
{
	static const char *const unit[] = {"ns", "µs", "ms", "s"};
	double x = (double)ns;
	int u = 0;

	while (x >= 999.5 && u < 3) {
		x /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, CELL, "%" PRIu64 "ns", ns);
	else
		fmt_scaled(buf, x, unit[u]);
}

/* "512B", "1.50KiB", "3.00MiB", "1.25GiB" */
static void fmt_bytes(char *buf, uint64_t b)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double x = (double)b;
	int u = 0;

	while (x >= 999.5 && u < 4) {
		x /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, CELL, "%" PRIu64 "B", b);
	else
		fmt_scaled(buf, x, unit[u]);
}

static void fmt_u64(char *buf, uint64_t v)
{
	snprintf(buf, CELL, "%" PRIu64, v);
}

/* print @t: column 0 left-aligned, the others right-aligned, two spaces apart */
static void table_print(FILE *f, const struct table *t)
{
	size_t w[MAX_COLS] = {0};
	size_t r, c;

	for (c = 0; c < t->n_cols; c++) {
		w[c] = width(t->head[c]);
		for (r = 0; r < t->n_rows; r++) {
			size_t cw = width(t->cells[r][c]);

			if (cw > w[c])
				w[c] = cw;
		}
	}
	/* widen the last column of a group whose title is wider than its columns */
	for (c = 0; c < t->n_cols; c++) {
		size_t end = c + 1, span;

		if (!t->group[c])
			continue;
		while (end < t->n_cols && !t->group[end])
			end++;
		span = w[c];
		for (r = c + 1; r < end; r++)
			span += 2 + w[r];
		if (width(t->group[c]) > span)
			w[end - 1] += width(t->group[c]) - span;
	}

	/* group line: each title left-aligned over its first column */
	for (c = 0; c < t->n_cols; c++) {
		const char *g = t->group[c] ? t->group[c] : "";
		size_t end = c + 1, span = w[c];

		if (c > 0)
			fputs("  ", f);
		if (!t->group[c]) {
			pad(f, w[c]);
			continue;
		}
		while (end < t->n_cols && !t->group[end])
			end++;
		for (r = c + 1; r < end; r++)
			span += 2 + w[r];
		fputs(g, f);
		if (end < t->n_cols)
			pad(f, span - width(g));
		c = end - 1;
	}
	fputc('\n', f);

	for (c = 0; c < t->n_cols; c++) {
		if (c > 0)
			fputs("  ", f);
		if (c == 0) {
			fputs(t->head[c], f);
			pad(f, w[c] - width(t->head[c]));
		} else {
			pad(f, w[c] - width(t->head[c]));
			fputs(t->head[c], f);
		}
	}
	fputc('\n', f);

	for (r = 0; r < t->n_rows; r++) {
		for (c = 0; c < t->n_cols; c++) {
			const char *s = t->cells[r][c];

			if (c > 0)
				fputs("  ", f);
			if (c == 0) {
				fputs(s, f);
				if (t->n_cols > 1)
					pad(f, w[c] - width(s));
			} else {
				pad(f, w[c] - width(s));
				fputs(s, f);
			}
		}
		fputc('\n', f);
	}
}

/* strategy axes as the label sees them; backend first */
enum axis {
	AX_BACKEND,
	AX_REFCOUNT,
	AX_SYNC,
	AX_USERPTR,
	AX_LOOKUP,
	AX_CLOSE,
	AX_BATCH,
	AX_PACE,
	AX_COUNT
};

static const char *const axis_title[AX_COUNT] = {
    "backend", "refcount", "sync", "userptr", "bo-lookup", "close", "batch", "pace",
};

static const char *axis_value(const struct vmb_run *r, enum axis a, char *buf, size_t len)
{
	switch (a) {
	case AX_BACKEND:
		return r->backend ? r->backend : "?";
	case AX_REFCOUNT:
		return vmb_refcount_name(r->strat.refcount);
	case AX_SYNC:
		return vmb_sync_name(r->strat.sync);
	case AX_USERPTR:
		return vmb_userptr_name(r->strat.userptr);
	case AX_LOOKUP:
		return vmb_bo_lookup_name(r->strat.bo_lookup);
	case AX_CLOSE:
		return vmb_close_name(r->strat.close);
	case AX_BATCH:
		return vmb_batch_name(r->strat.batch, buf, len);
	case AX_PACE:
		return vmb_pace_name(&r->strat, buf, len);
	default:
		return "?";
	}
}

static bool axis_same(const struct vmb_run *a, const struct vmb_run *b, enum axis ax)
{
	char b1[64], b2[64];
	const char *x = axis_value(a, ax, b1, sizeof(b1));
	const char *y = axis_value(b, ax, b2, sizeof(b2));

	return x && y && strcmp(x, y) == 0;
}

/*
 * Which axes go into the labels: those that differ between runs; when no
 * axis differs, those where the runs depart from the driver's native
 * strategy (the backend is never compared with a native value).
 */
static unsigned int label_axes(const struct vmb_trace *trace, const struct vmb_run *runs, size_t n)
{
	struct vmb_run native = {0};
	unsigned int mask = 0;
	size_t i;
	int a;

	for (a = 0; a < AX_COUNT; a++)
		for (i = 1; i < n; i++)
			if (!axis_same(&runs[0], &runs[i], a))
				mask |= 1u << a;
	if (mask || n == 0)
		return mask;

	native.backend = runs[0].backend;
	vmb_strategy_native_trace(trace, &native.strat);
	for (a = AX_REFCOUNT; a < AX_COUNT; a++)
		if (!axis_same(&runs[0], &native, a))
			mask |= 1u << a;
	return mask;
}

static void run_label(char *buf, const struct vmb_run *r, unsigned int mask, bool repeats,
		      bool mark_sim)
{
	size_t len = 0;
	int a;

	buf[0] = '\0';
	for (a = 0; a < AX_COUNT; a++) {
		char tmp[64];

		if (!(mask & (1u << a)))
			continue;
		len += snprintf(buf + len, CELL - len, "%s%s", len ? "/" : "",
				axis_value(r, a, tmp, sizeof(tmp)));
		if (len >= CELL)
			len = CELL - 1;
	}
	if (!mask)
		len = snprintf(buf, CELL, "native");
	if (repeats && len < CELL)
		len += snprintf(buf + len, CELL - len, " #%u", r->repeat);
	if (mark_sim && r->m.simulated && len < CELL)
		len += snprintf(buf + len, CELL - len, " (sim)");
	if (r->m.incomplete && len < CELL)
		snprintf(buf + len, CELL - len, " *");
}

static void label_head(char *buf, size_t len, unsigned int mask)
{
	size_t n = 0;
	int a;

	n = snprintf(buf, len, "run");
	for (a = 0; a < AX_COUNT && n < len; a++) {
		if (mask & (1u << a))
			n += snprintf(buf + n, len - n, "%s%s", n == 3 ? " (" : "/", axis_title[a]);
	}
	if (n > 3 && n < len)
		snprintf(buf + n, len - n, ")");
}

/* summarize without touching the (const) run: a sorted copy when needed */
static void summarize(const struct vmb_samples *s, struct vmb_latency *out)
{
	struct vmb_samples tmp = *s;

	if (s->n && !vmb_samples_sorted(s)) {
		tmp.v = malloc(s->n * sizeof(*tmp.v));
		if (!tmp.v) {
			memset(out, 0, sizeof(*out));
			return;
		}
		memcpy(tmp.v, s->v, s->n * sizeof(*tmp.v));
	}
	vmb_samples_summarize(&tmp, out);
	if (tmp.v != s->v)
		free(tmp.v);
}

static void lat_cells(char (*cell)[CELL], const struct vmb_samples *s)
{
	struct vmb_latency l;

	summarize(s, &l);
	if (!l.count) {
		strcpy(cell[0], "-");
		strcpy(cell[1], "-");
		strcpy(cell[2], "-");
		return;
	}
	fmt_ns(cell[0], l.p50);
	fmt_ns(cell[1], l.p99);
	fmt_ns(cell[2], l.max);
}

/* the third table: how long the trace took, who waited, what was held */
static void time_cells(char (*tc)[CELL], const struct vmb_run *r)
{
	const struct vmb_counters *c = &r->m.counters;
	struct vmb_latency l;

	fmt_ns(tc[1], r->m.makespan_ns);
	summarize(&r->m.bind_stall, &l);
	if (l.count)
		fmt_ns(tc[2], l.total);
	else
		strcpy(tc[2], "-");
	summarize(&r->m.stall, &l);
	if (l.count)
		fmt_ns(tc[3], l.total);
	else
		strcpy(tc[3], "-");
	summarize(&r->m.close, &l);
	if (l.count)
		fmt_ns(tc[4], l.max);
	else
		strcpy(tc[4], "-");
	if (!c->has_model) {
		for (int k = 5; k <= 8; k++)
			strcpy(tc[k], "-");
		return;
	}
	fmt_bytes(tc[5], c->peak_held_bytes);
	fmt_bytes(tc[6], c->peak_fence_held_bytes);
	fmt_u64(tc[7], c->cycles);
	fmt_u64(tc[8], c->unsafe_submits);
}

/* one line per run naming the largest kernel-added wait */
static void print_why(FILE *f, const struct vmb_run *runs, size_t n_runs, const char *const *labels)
{
	for (size_t i = 0; i < n_runs; i++) {
		const struct vmb_counters *c = &runs[i].m.counters;
		uint64_t total = 0;
		int top = 0;
		char a[CELL], b[CELL];

		if (!c->has_model)
			continue;
		for (int k = 0; k < VMB_STALL_COUNT; k++) {
			total += c->stall_by_cause[k];
			if (c->stall_by_cause[k] > c->stall_by_cause[top])
				top = k;
		}
		if (!total) {
			fprintf(f, "why %s: no kernel-added waits\n", labels[i]);
			continue;
		}
		fmt_ns(a, c->stall_by_cause[top]);
		fmt_ns(b, total);
		fprintf(f, "why %s: largest stall cause %s, %s of %s kernel-added wait\n",
			labels[i], vmb_stall_cause_name(top), a, b);
	}
}

/**
 * vmb_summary_print() - print the run summary
 * @f: output stream
 * @trace: the replayed trace
 * @runs, @n_runs: the runs, one row each
 *
 * Prints the trace header (with a note when latencies are simulated), the
 * latency table (bind, unbind and submit p50/p99/max, submit stall
 * total/max), the counters table (gpuvm map/remap/unmap/keep, PTE
 * writes, TLB flushes, peak zombie bytes, unexpected errors, wall time), the
 * time and lifetime table (makespan, bind and submit stall totals, the
 * slowest close, peak held and fence-held bytes, reference cycles, unsafe
 * submits) and a "why" line per run naming its largest stall cause.
 * Model counters a backend did not provide are shown as "-".
 */
void vmb_summary_print(FILE *f, const struct vmb_trace *trace, const struct vmb_run *runs,
		       size_t n_runs)
{
	const char *driver = vmb_driver_name(trace->driver);
	char lhead[160];
	struct table lt = {0}, ct = {0}, tt = {0};
	const char **labels = NULL;
	unsigned int mask;
	bool repeats = false, any_sim = false, all_sim = true, any_incomplete = false;
	bool hw_model = false;
	size_t i;

	fprintf(f, "trace %s (driver %s, %zu ops)\n", trace->path ? trace->path : "?",
		driver ? driver : "?", trace->n_ops);
	if (trace->dropped_partial_line)
		fprintf(f,
			"note: trace truncated: an incomplete last line (line %u, %llu bytes) "
			"was dropped\n",
			trace->truncated_line, (unsigned long long)trace->truncated_bytes);
	if (trace->capture_lost || trace->capture_drops)
		fprintf(f,
			"note: trace incomplete: the capturer lost %llu records (not written) "
			"and dropped %llu; they are not replayed\n",
			(unsigned long long)trace->capture_lost,
			(unsigned long long)trace->capture_drops);
	if (n_runs == 0) {
		fprintf(f, "no runs\n");
		return;
	}
	for (i = 0; i < n_runs; i++) {
		repeats |= runs[i].repeat != 0;
		any_sim |= runs[i].m.simulated;
		all_sim &= runs[i].m.simulated;
		any_incomplete |= runs[i].m.incomplete;
		hw_model |= !runs[i].m.simulated && runs[i].m.counters.has_model;
	}
	if (all_sim)
		fprintf(f, "note: latencies are simulated by the model's cost model "
			   "(docs/model.md), not measured\n");
	else if (any_sim)
		fprintf(f, "note: latencies of runs marked (sim) are simulated by the model's "
			   "cost model (docs/model.md), not measured\n");
	fputc('\n', f);

	mask = label_axes(trace, runs, n_runs);
	label_head(lhead, sizeof(lhead), mask);

	lt.cells = calloc(n_runs, sizeof(*lt.cells));
	ct.cells = calloc(n_runs, sizeof(*ct.cells));
	tt.cells = calloc(n_runs, sizeof(*tt.cells));
	labels = calloc(n_runs, sizeof(*labels));
	if (!lt.cells || !ct.cells || !tt.cells || !labels) {
		fprintf(f, "(out of memory printing the summary)\n");
		goto out;
	}

	lt.n_cols = 12;
	lt.n_rows = ct.n_rows = n_runs;
	lt.head[0] = lhead;
	lt.group[1] = "bind latency";
	lt.group[4] = "unbind latency";
	lt.group[7] = "submit latency";
	lt.group[10] = "submit stall";
	for (i = 0; i < 3; i++) {
		lt.head[1 + 3 * i] = "p50";
		lt.head[2 + 3 * i] = "p99";
		lt.head[3 + 3 * i] = "max";
	}
	lt.head[10] = "total";
	lt.head[11] = "max";

	ct.n_cols = 10;
	ct.head[0] = lhead;
	ct.group[1] = "gpuvm ops";
	ct.head[1] = "map";
	ct.head[2] = "remap";
	ct.head[3] = "unmap";
	ct.head[4] = "keep";
	ct.group[5] = "page tables";
	ct.head[5] = "PTE writes";
	ct.head[6] = "TLB flushes";
	ct.group[7] = "refcount";
	ct.head[7] = "zombie peak";
	ct.group[8] = "errors";
	ct.head[8] = "unexpected";
	ct.group[9] = "host";
	ct.head[9] = "wall";

	tt.n_cols = 9;
	tt.n_rows = n_runs;
	tt.head[0] = lhead;
	tt.group[1] = "time";
	tt.head[1] = "makespan";
	tt.group[2] = "kernel-added stall";
	tt.head[2] = "binds";
	tt.head[3] = "submits";
	tt.group[4] = "close";
	tt.head[4] = "max";
	tt.group[5] = "memory given back, not free";
	tt.head[5] = "held peak";
	tt.head[6] = "fence-held";
	tt.head[7] = "cycles";
	tt.group[8] = "sync";
	tt.head[8] = "unsafe";

	for (i = 0; i < n_runs; i++) {
		const struct vmb_run *r = &runs[i];
		const struct vmb_counters *c = &r->m.counters;
		char(*lc)[CELL] = lt.cells[i];
		char(*cc)[CELL] = ct.cells[i];
		struct vmb_latency st;

		run_label(lc[0], r, mask, repeats, any_sim && !all_sim);
		strcpy(cc[0], lc[0]);
		strcpy(tt.cells[i][0], lc[0]);
		labels[i] = tt.cells[i][0];
		time_cells(tt.cells[i], r);
		lat_cells(&lc[1], &r->m.bind);
		lat_cells(&lc[4], &r->m.unbind);
		lat_cells(&lc[7], &r->m.submit);
		summarize(&r->m.stall, &st);
		if (st.count) {
			fmt_ns(lc[10], st.total);
			fmt_ns(lc[11], st.max);
		} else {
			strcpy(lc[10], "-");
			strcpy(lc[11], "-");
		}

		if (c->has_model) {
			fmt_u64(cc[1], c->gpuvm_map);
			fmt_u64(cc[2], c->gpuvm_remap);
			fmt_u64(cc[3], c->gpuvm_unmap);
			fmt_u64(cc[4], c->gpuvm_keep);
			fmt_u64(cc[5], c->pte_writes);
			fmt_u64(cc[6], c->tlb_flushes);
			fmt_bytes(cc[7], c->peak_zombie_bytes);
		} else {
			int k;

			for (k = 1; k <= 7; k++)
				strcpy(cc[k], "-");
		}
		fmt_u64(cc[8], r->m.errors_unexpected);
		fmt_ns(cc[9], r->wall_ns);
	}

	table_print(f, &lt);
	fputc('\n', f);
	table_print(f, &ct);
	fputc('\n', f);
	table_print(f, &tt);
	print_why(f, runs, n_runs, labels);

	if (any_incomplete)
		fprintf(f, "* run stopped early: its figures cover only the ops replayed\n");
	if (hw_model)
		fprintf(f, "note: gpuvm, page-table and refcount counters of hardware runs come "
			   "from the model, not the kernel\n");
out:
	free(lt.cells);
	free(ct.cells);
	free(tt.cells);
	free(labels);
}
