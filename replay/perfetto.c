// SPDX-License-Identifier: MIT
/*
 * perfetto.c - Chrome trace-event JSON export of a replay run (see
 * perfetto.h and docs/reports.md).
 *
 * Layout of the output:
 *
 *   pid 1 "vmbench CPU"         tid 1 "CPU issue": one X slice per ioctl
 *                               (issue -> return); counter (C) tracks
 *   pid 2 "vmbench GPU queues"  one tid per bind queue ("bind queue (VM 1
 *                               default)", "bind queue 3 (VM 1)") and per
 *                               exec queue ("exec queue 2"): X slices for
 *                               binds and submits, "stall" X slices
 *
 * Slices on one track must nest, so each track keeps the end of its last
 * slice and starts the next one no earlier (queues run their jobs in order,
 * so this only trims slices whose start time the backend did not know).
 * Flows (ph "s" / "f", bp "e") are written only when a submit consumes a
 * bind's out-sync, so every flow has both ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#include "perfetto.h"

#define PID_CPU 1
#define PID_GPU 2
#define TID_CPU 1

struct pf_track {
	uint32_t vm, queue; /* vm == 0: exec queue */
	int tid;
	uint64_t last_end;
};

/* a bind's out-sync waiting for its first consumer */
struct pf_pending {
	uint32_t syncobj;
	uint64_t point;
	uint64_t flow; /* which bind (flow id) */
	int tid;
	uint64_t ts; /* inside the bind slice */
};

struct vmb_perfetto {
	struct vmb_outfile out;
	FILE *f;
	bool first;
	bool failed;
	uint64_t cpu_last_end;
	struct pf_track *tracks;
	size_t n_tracks, cap_tracks;
	struct pf_pending *pend;
	size_t n_pend, cap_pend;
	uint64_t next_flow;
	int next_tid;
};

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* start a new event object: separator and the common fields */
static void ev(struct vmb_perfetto *p, const char *ph, const char *name, int pid, int tid)
{
	fputs(p->first ? "\n" : ",\n", p->f);
	p->first = false;
	fprintf(p->f, "{\"ph\":\"%s\",\"name\":", ph);
	jstr(p->f, name);
	fprintf(p->f, ",\"pid\":%d,\"tid\":%d", pid, tid);
}

static void ts(struct vmb_perfetto *p, const char *key, uint64_t ns)
{
	fprintf(p->f, ",\"%s\":%llu.%03u", key, (unsigned long long)(ns / 1000),
		(unsigned)(ns % 1000));
}

static void meta(struct vmb_perfetto *p, const char *what, int pid, int tid, const char *name)
{
	ev(p, "M", what, pid, tid);
	fputs(",\"args\":{\"name\":", p->f);
	jstr(p->f, name);
	fputs("}}", p->f);
}

/**
 * vmb_perfetto_open() - start a trace-event file
 * @path: output path
 * @err: error message buffer
 * @errlen: its size
 *
 * Return: the exporter or NULL.
 */
struct vmb_perfetto *vmb_perfetto_open(const char *path, char *err, size_t errlen)
{
	struct vmb_perfetto *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (vmb_outfile_open(&p->out, path, err, errlen)) {
		free(p);
		return NULL;
	}
	p->f = p->out.f;
	p->first = true;
	p->next_tid = 10;
	p->next_flow = 1;
	fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"tool\":\"vmbench replay\","
	      "\"clock\":\"backend time (simulated on the model backend)\"},\"traceEvents\":[",
	      p->f);
	meta(p, "process_name", PID_CPU, 0, "vmbench CPU");
	meta(p, "thread_name", PID_CPU, TID_CPU, "CPU issue");
	meta(p, "process_name", PID_GPU, 0, "vmbench GPU queues");
	return p;
}

static struct pf_track *track(struct vmb_perfetto *p, uint32_t vm, uint32_t queue)
{
	struct pf_track *t;
	char name[96];
	size_t i;

	for (i = 0; i < p->n_tracks; i++)
		if (p->tracks[i].vm == vm && p->tracks[i].queue == queue)
			return &p->tracks[i];
	if (p->n_tracks == p->cap_tracks) {
		size_t cap = p->cap_tracks ? 2 * p->cap_tracks : 16;
		struct pf_track *nt = realloc(p->tracks, cap * sizeof(*nt));

		if (!nt) {
			p->failed = true;
			return NULL;
		}
		p->tracks = nt;
		p->cap_tracks = cap;
	}
	t = &p->tracks[p->n_tracks++];
	t->vm = vm;
	t->queue = queue;
	t->tid = p->next_tid++;
	t->last_end = 0;
	if (!vm)
		snprintf(name, sizeof(name), "exec queue %u", queue);
	else if (!queue)
		snprintf(name, sizeof(name), "bind queue (VM %u default)", vm);
	else
		snprintf(name, sizeof(name), "bind queue %u (VM %u)", queue, vm);
	meta(p, "thread_name", PID_GPU, t->tid, name);
	return t;
}

/* an X slice [a, b] on a track whose previous slice ended at *last */
static void slice(struct vmb_perfetto *p, const char *name, int pid, int tid, uint64_t a,
		  uint64_t b, uint64_t *last, const char *args)
{
	if (a < *last)
		a = *last;
	if (b < a)
		b = a;
	*last = b;
	ev(p, "X", name, pid, tid);
	ts(p, "ts", a);
	ts(p, "dur", b - a);
	if (args)
		fprintf(p->f, ",\"args\":{%s}", args);
	fputc('}', p->f);
}

static void pend_add(struct vmb_perfetto *p, const struct vmb_sync *s, uint64_t flow, int tid,
		     uint64_t t)
{
	size_t i;

	/* a later signaler of the same syncobj point replaces the earlier one */
	for (i = 0; i < p->n_pend; i++)
		if (p->pend[i].syncobj == s->syncobj && p->pend[i].point == s->point)
			break;
	if (i == p->n_pend) {
		if (p->n_pend == p->cap_pend) {
			size_t cap = p->cap_pend ? 2 * p->cap_pend : 32;
			struct pf_pending *np = realloc(p->pend, cap * sizeof(*np));

			if (!np) {
				p->failed = true;
				return;
			}
			p->pend = np;
			p->cap_pend = cap;
		}
		p->n_pend++;
	}
	p->pend[i] = (struct pf_pending){s->syncobj, s->point, flow, tid, t};
}

/* drop every pending entry of @flow (its first consumer has been found) */
static void pend_drop_flow(struct vmb_perfetto *p, uint64_t flow)
{
	size_t i = 0;

	while (i < p->n_pend) {
		if (p->pend[i].flow == flow)
			p->pend[i] = p->pend[--p->n_pend];
		else
			i++;
	}
}

static void flow(struct vmb_perfetto *p, const struct pf_pending *from, int to_tid, uint64_t to_ts)
{
	ev(p, "s", "bind -> submit", PID_GPU, from->tid);
	fprintf(p->f, ",\"cat\":\"dep\",\"id\":%llu", (unsigned long long)from->flow);
	ts(p, "ts", from->ts);
	fputc('}', p->f);
	ev(p, "f", "bind -> submit", PID_GPU, to_tid);
	fprintf(p->f, ",\"cat\":\"dep\",\"id\":%llu,\"bp\":\"e\"", (unsigned long long)from->flow);
	ts(p, "ts", to_ts);
	fputc('}', p->f);
}

static const char *kind_name(unsigned kind)
{
	static const char *const names[] = {"map",   "map_null",  "map_userptr",
					    "unmap", "unmap_all", "prefetch"};

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

static void do_bind(struct vmb_perfetto *p, const struct vmb_call *c, const struct vmb_timing *tm,
		    int ret)
{
	const struct vmb_op *op = c->op;
	uint64_t a = tm->start_ns ? tm->start_ns : tm->issue_ns, bytes = 0, fl;
	struct pf_track *t = track(p, op->u.bind.vm, op->u.bind.queue);
	char args[256];
	uint32_t i;

	if (!t || !tm->done_ns)
		return;
	for (i = 0; i < op->u.bind.n_binds; i++)
		bytes += c->binds[i].range;
	snprintf(args, sizeof(args),
		 "\"op\":%zu,\"vm\":%u,\"binds\":%u,\"first\":\"%s\",\"bytes\":%llu,\"ret\":%d",
		 c->index, op->u.bind.vm, op->u.bind.n_binds,
		 op->u.bind.n_binds ? kind_name(c->binds[0].kind) : "-", (unsigned long long)bytes,
		 ret);
	if (a < t->last_end)
		a = t->last_end;
	slice(p, "bind", PID_GPU, t->tid, a, tm->done_ns, &t->last_end, args);
	if (!op->u.bind.n_out || ret)
		return;
	fl = p->next_flow++;
	for (i = 0; i < op->u.bind.n_out; i++)
		pend_add(p, &c->syncs[op->u.bind.n_in + i], fl, t->tid, a);
}

static void do_submit(struct vmb_perfetto *p, const struct vmb_call *c, const struct vmb_timing *tm,
		      int ret)
{
	const struct vmb_op *op = c->op;
	struct pf_track *t = track(p, 0, op->u.submit.queue);
	uint64_t start = tm->start_ns ? tm->start_ns : tm->issue_ns;
	char args[160];
	uint32_t i;
	size_t j;

	if (!t || !tm->done_ns)
		return;
	if (start < t->last_end)
		start = t->last_end;
	if (tm->stall_ns) {
		uint64_t s0 = tm->stall_ns < start ? start - tm->stall_ns : 0;

		snprintf(args, sizeof(args), "\"op\":%zu,\"stall_ns\":%llu", c->index,
			 (unsigned long long)tm->stall_ns);
		slice(p, "stall", PID_GPU, t->tid, s0, start, &t->last_end, args);
	}
	snprintf(args, sizeof(args), "\"op\":%zu,\"bos\":%u,\"gpu_ns\":%llu,\"ret\":%d", c->index,
		 op->u.submit.n_bos, (unsigned long long)op->u.submit.gpu_ns, ret);
	slice(p, "submit", PID_GPU, t->tid, start, tm->done_ns, &t->last_end, args);

	/* flows from the binds this submit is the first to wait on */
	for (i = 0; i < op->u.submit.n_in; i++) {
		const struct vmb_sync *s = &c->syncs[i];

		for (j = 0; j < p->n_pend; j++) {
			if (p->pend[j].syncobj == s->syncobj && p->pend[j].point == s->point) {
				struct pf_pending from = p->pend[j];

				/* 1 ns in, so the end binds to the submit, not the stall */
				flow(p, &from, t->tid, tm->done_ns > start ? start + 1 : start);
				pend_drop_flow(p, from.flow);
				break;
			}
		}
	}
}

/**
 * vmb_perfetto_call() - record one call
 * @p: exporter or NULL
 * @call: the call
 * @tm: its timing
 * @ret: its result
 */
void vmb_perfetto_call(struct vmb_perfetto *p, const struct vmb_call *call,
		       const struct vmb_timing *tm, int ret)
{
	const char *name;
	char args[96];

	if (!p || !call || !call->op || !tm)
		return;
	name = vmb_op_kind_name(call->op->kind);
	snprintf(args, sizeof(args), "\"op\":%zu,\"ret\":%d", call->index, ret);
	slice(p, name ? name : "op", PID_CPU, TID_CPU, tm->issue_ns,
	      tm->return_ns > tm->issue_ns ? tm->return_ns : tm->issue_ns, &p->cpu_last_end, args);
	if (call->op->kind == VMB_OP_BIND)
		do_bind(p, call, tm, ret);
	else if (call->op->kind == VMB_OP_SUBMIT)
		do_submit(p, call, tm, ret);
}

/**
 * vmb_perfetto_counter() - record a counter sample
 * @p: exporter or NULL
 * @ts_ns: time
 * @name: counter name
 * @value: value
 */
void vmb_perfetto_counter(struct vmb_perfetto *p, uint64_t ts_ns, const char *name, double value)
{
	if (!p || !name)
		return;
	ev(p, "C", name, PID_CPU, 0);
	ts(p, "ts", ts_ns);
	fprintf(p->f, ",\"args\":{\"value\":%.17g}}", value);
}

/**
 * vmb_perfetto_close() - finish and free
 * @p: exporter or NULL
 *
 * Return: 0 or -errno.
 */
int vmb_perfetto_close(struct vmb_perfetto *p)
{
	char err[64];
	int ret = 0;

	if (!p)
		return 0;
	fputs("\n]}\n", p->f);
	if (p->failed) {
		vmb_outfile_abort(&p->out);
		ret = -ENOMEM;
	} else {
		ret = vmb_outfile_commit(&p->out, err, sizeof(err));
	}
	free(p->tracks);
	free(p->pend);
	free(p);
	return ret;
}

/**
 * vmb_perfetto_abort() - free without writing anything: a temporary file is
 * removed, a device or FIFO keeps what was written to it
 * @p: exporter or NULL
 */
void vmb_perfetto_abort(struct vmb_perfetto *p)
{
	if (!p)
		return;
	vmb_outfile_abort(&p->out);
	free(p->tracks);
	free(p->pend);
	free(p);
}
