// SPDX-License-Identifier: MIT
/*
 * trace_write.c - write trace format v1, as JSON Lines or as one JSON
 * object with one op per line.
 *
 * The output is deterministic (fixed key order, no floating point, no
 * whitespace choices left to a library) and minimal: fields equal to their
 * format default are left out, so that load(write(load(x))) reproduces the
 * ops of x exactly. Numbers below 2^53 are plain JSON numbers; larger ones
 * are written as "0x..." strings, which every JSON reader keeps exact.
 *
 * Key order of an op: "op", "t", "tid", the op's own fields in the order of
 * docs/trace-format.md, "ret", then any "x_..." members from the caller.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trace_priv.h"

#define VA_48 (1ull << 48)

/**
 * struct vmb_trace_writer - state of one trace being written
 * @f: destination
 * @jsonl: JSON Lines (else one JSON object)
 * @n_ops: ops written so far
 * @err: first write error (negative errno), sticky
 */
struct vmb_trace_writer {
	FILE *f;
	bool jsonl;
	size_t n_ops;
	int err;
};

static void put(struct vmb_trace_writer *w, const char *s)
{
	if (fputs(s, w->f) == EOF && !w->err)
		w->err = errno ? -errno : -EIO;
}

static void putf(struct vmb_trace_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void putf(struct vmb_trace_writer *w, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(w->f, fmt, ap);
	va_end(ap);
	if (r < 0 && !w->err)
		w->err = errno ? -errno : -EIO;
}

/* ,"key":N with N < 2^53 as a number, else a "0x..." string */
static void put_u64(struct vmb_trace_writer *w, const char *key, uint64_t v)
{
	if (v < (1ull << 53))
		putf(w, ",\"%s\":%" PRIu64, key, v);
	else
		putf(w, ",\"%s\":\"0x%" PRIx64 "\"", key, v);
}

static void put_flags(struct vmb_trace_writer *w, const struct vmb_flag_name *tab, uint32_t flags)
{
	bool first = true;

	if (!flags)
		return;
	put(w, ",\"flags\":[");
	for (; tab->name; tab++) {
		if (!(flags & tab->bit))
			continue;
		putf(w, "%s\"%s\"", first ? "" : ",", tab->name);
		first = false;
	}
	put(w, "]");
}

static void put_syncs(struct vmb_trace_writer *w, const char *key, const struct vmb_sync *s,
		      size_t n, bool always)
{
	if (!n && !always)
		return;
	putf(w, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		putf(w, "%s{\"syncobj\":%" PRIu32, i ? "," : "", s[i].syncobj);
		if (s[i].point)
			put_u64(w, "point", s[i].point);
		put(w, "}");
	}
	put(w, "]");
}

static void put_entry(struct vmb_trace_writer *w, const struct vmb_bind_entry *e)
{
	putf(w, "{\"kind\":\"%s\"", vmb_bind_kind_name(e->kind));
	if (e->kind == VMB_BIND_UNMAP_ALL) {
		putf(w, ",\"bo\":%" PRIu32 "}", e->bo);
		return;
	}
	put_u64(w, "va", e->va);
	put_u64(w, "range", e->range);
	switch (e->kind) {
	case VMB_BIND_MAP:
		putf(w, ",\"bo\":%" PRIu32, e->bo);
		if (e->offset)
			put_u64(w, "offset", e->offset);
		break;
	case VMB_BIND_MAP_USERPTR:
		put_u64(w, "addr", e->offset);
		break;
	case VMB_BIND_PREFETCH:
		if (e->offset)
			put_u64(w, "region", e->offset);
		break;
	}
	if (e->kind == VMB_BIND_MAP || e->kind == VMB_BIND_MAP_NULL ||
	    e->kind == VMB_BIND_MAP_USERPTR) {
		put_flags(w, vmb_bind_flag_names, e->flags);
		if (e->hw)
			put_u64(w, "hw", e->hw);
	}
	put(w, "}");
}

/*
 * Check @extra_json (an object of "x_..." members) and return its members
 * as compact text without the braces, or "" when empty; NULL on error.
 */
static char *extra_members(const char *extra_json, int *err)
{
	json_error_t e;
	const char *key;
	json_t *o, *v;
	char *s;
	size_t n;

	o = json_loads(extra_json, 0, &e);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		*err = -EINVAL;
		return NULL;
	}
	json_object_foreach (o, key, v) {
		if (strncmp(key, "x_", 2)) {
			json_decref(o);
			*err = -EINVAL;
			return NULL;
		}
	}
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	/* "{...}" -> "..." */
	n = strlen(s);
	memmove(s, s + 1, n - 2);
	s[n - 2] = '\0';
	return s;
}

/* @syncs + @i, or NULL when the caller passed no sync pool (then nothing is read) */
static const struct vmb_sync *sync_at(const struct vmb_sync *syncs, size_t i)
{
	return syncs ? syncs + i : NULL;
}

/* can @op be written: a valid ret, known kinds and names, the pools it uses given? */
static bool writable(const struct vmb_op *op, const struct vmb_bind_entry *binds,
		     const struct vmb_sync *syncs, const uint32_t *ids)
{
	if (op->ret > 0 || op->ret < -4095)
		return false;
	switch (op->kind) {
	case VMB_OP_QUEUE_CREATE:
		return vmb_engine_name(op->u.queue.engine);
	case VMB_OP_BO_CREATE:
		return vmb_placement_name(op->u.bo.placement);
	case VMB_OP_BIND:
		if (op->u.bind.n_binds && !binds)
			return false;
		for (uint32_t i = 0; i < op->u.bind.n_binds; i++)
			if (!vmb_bind_kind_name(binds[op->u.bind.first_bind + i].kind))
				return false;
		return syncs || !(op->u.bind.n_in + op->u.bind.n_out);
	case VMB_OP_SUBMIT:
		return (ids || !op->u.submit.n_bos) &&
		       (syncs || !(op->u.submit.n_in + op->u.submit.n_out));
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		return syncs || !op->u.wait.n;
	case VMB_OP_TRANSFER:
		return syncs && !(op->u.transfer.flags & ~VMB_TRANSFER_F_WAIT_FOR_SUBMIT);
	case VMB_OP_SYNCOBJ_RESET:
		return ids || !op->u.reset.n;
	default:
		return vmb_op_kind_name(op->kind);
	}
}

static int write_op(struct vmb_trace_writer *w, const struct vmb_op *op, uint64_t krange,
		    const struct vmb_bind_entry *binds, const struct vmb_sync *syncs,
		    const uint32_t *ids, const char *extra_json)
{
	const char *name = vmb_op_kind_name(op->kind);
	char *extra = NULL;
	int err = 0;

	if (!name || !writable(op, binds, syncs, ids))
		return -EINVAL;
	if (extra_json) {
		extra = extra_members(extra_json, &err);
		if (!extra)
			return err;
	}
	if (!w->jsonl)
		put(w, w->n_ops ? ",\n" : "\n");
	putf(w, "{\"op\":\"%s\"", name);
	if (op->t)
		put_u64(w, "t", op->t);
	if (op->tid)
		putf(w, ",\"tid\":%" PRIu32, op->tid);

	switch (op->kind) {
	case VMB_OP_VM_CREATE: {
		const typeof(op->u.vm_create) *c = &op->u.vm_create;

		putf(w, ",\"vm\":%" PRIu32, c->vm);
		if (c->va_start)
			put_u64(w, "va_start", c->va_start);
		if (c->va_start >= VA_48 || c->va_range != VA_48 - c->va_start)
			put_u64(w, "va_range", c->va_range);
		if (c->kernel_start)
			put_u64(w, "kernel_start", c->kernel_start);
		if (krange)
			put_u64(w, "kernel_range", krange);
		put_flags(w, vmb_vm_flag_names, c->flags);
		break;
	}
	case VMB_OP_VM_DESTROY:
		putf(w, ",\"vm\":%" PRIu32, op->u.vm_destroy.vm);
		break;
	case VMB_OP_QUEUE_CREATE:
		putf(w, ",\"queue\":%" PRIu32 ",\"vm\":%" PRIu32, op->u.queue.queue,
		     op->u.queue.vm);
		if (op->u.queue.engine != VMB_ENGINE_RENDER)
			putf(w, ",\"engine\":\"%s\"", vmb_engine_name(op->u.queue.engine));
		break;
	case VMB_OP_QUEUE_DESTROY:
		putf(w, ",\"queue\":%" PRIu32, op->u.queue.queue);
		break;
	case VMB_OP_BO_CREATE:
		putf(w, ",\"bo\":%" PRIu32, op->u.bo.bo);
		put_u64(w, "size", op->u.bo.size);
		if (op->u.bo.placement != VMB_PLACE_ANY)
			putf(w, ",\"placement\":\"%s\"", vmb_placement_name(op->u.bo.placement));
		if (op->u.bo.vm)
			putf(w, ",\"vm\":%" PRIu32, op->u.bo.vm);
		put_flags(w, vmb_bo_flag_names, op->u.bo.flags);
		break;
	case VMB_OP_BO_CLOSE:
		putf(w, ",\"bo\":%" PRIu32, op->u.bo.bo);
		break;
	case VMB_OP_SYNCOBJ_CREATE:
		putf(w, ",\"syncobj\":%" PRIu32, op->u.syncobj.syncobj);
		if (op->u.syncobj.timeline)
			put(w, ",\"timeline\":true");
		if (op->u.syncobj.signaled)
			put(w, ",\"signaled\":true");
		break;
	case VMB_OP_SYNCOBJ_DESTROY:
		putf(w, ",\"syncobj\":%" PRIu32, op->u.syncobj.syncobj);
		break;
	case VMB_OP_BIND: {
		const typeof(op->u.bind) *b = &op->u.bind;

		putf(w, ",\"vm\":%" PRIu32, b->vm);
		if (b->queue)
			putf(w, ",\"queue\":%" PRIu32, b->queue);
		put(w, ",\"binds\":[");
		for (uint32_t i = 0; i < b->n_binds; i++) {
			if (i)
				put(w, ",");
			put_entry(w, &binds[b->first_bind + i]);
		}
		put(w, "]");
		put_syncs(w, "in", sync_at(syncs, b->first_sync), b->n_in, false);
		put_syncs(w, "out", sync_at(syncs, b->first_sync + b->n_in), b->n_out, false);
		break;
	}
	case VMB_OP_SUBMIT: {
		const typeof(op->u.submit) *s = &op->u.submit;

		putf(w, ",\"queue\":%" PRIu32, s->queue);
		if (s->n_bos) {
			put(w, ",\"bos\":[");
			for (uint32_t i = 0; i < s->n_bos; i++)
				putf(w, "%s%" PRIu32, i ? "," : "", ids[s->first_bo + i]);
			put(w, "]");
		}
		put_syncs(w, "in", sync_at(syncs, s->first_sync), s->n_in, false);
		put_syncs(w, "out", sync_at(syncs, s->first_sync + s->n_in), s->n_out, false);
		if (s->gpu_ns)
			put_u64(w, "gpu_ns", s->gpu_ns);
		break;
	}
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		put_syncs(w, "syncs", sync_at(syncs, op->u.wait.first_sync), op->u.wait.n, true);
		if (op->kind == VMB_OP_WAIT && !op->u.wait.all)
			put(w, ",\"all\":false");
		if (op->kind == VMB_OP_WAIT && op->u.wait.timeout_ns != UINT64_MAX)
			put_u64(w, "timeout_ns", op->u.wait.timeout_ns);
		break;
	case VMB_OP_CPU_UNMAP:
	case VMB_OP_CPU_MIGRATE:
		put_u64(w, "addr", op->u.cpu_unmap.addr);
		put_u64(w, "size", op->u.cpu_unmap.size);
		break;
	case VMB_OP_EVICT:
		putf(w, ",\"bo\":%" PRIu32, op->u.evict.bo);
		break;
	case VMB_OP_FRAME:
		put_u64(w, "n", op->u.frame.n);
		break;
	case VMB_OP_TRANSFER: {
		const struct vmb_sync *ts = &syncs[op->u.transfer.first_sync];

		putf(w, ",\"src\":%" PRIu32, ts[0].syncobj);
		if (ts[0].point)
			put_u64(w, "src_point", ts[0].point);
		putf(w, ",\"dst\":%" PRIu32, ts[1].syncobj);
		if (ts[1].point)
			put_u64(w, "dst_point", ts[1].point);
		put_flags(w, vmb_transfer_flag_names, op->u.transfer.flags);
		break;
	}
	case VMB_OP_SYNCOBJ_RESET:
		put(w, ",\"syncobjs\":[");
		for (uint32_t i = 0; i < op->u.reset.n; i++)
			putf(w, "%s%" PRIu32, i ? "," : "", ids[op->u.reset.first_id + i]);
		put(w, "]");
		break;
	case VMB_OP_SYNC_FILE_EXPORT:
	case VMB_OP_SYNC_FILE_IMPORT:
		putf(w, ",\"syncobj\":%" PRIu32, op->u.sync_file.syncobj);
		if (op->u.sync_file.sync_file)
			putf(w, ",\"sync_file\":%" PRIu32, op->u.sync_file.sync_file);
		break;
	}
	if (op->ret)
		putf(w, ",\"ret\":%d", op->ret);
	if (extra && *extra)
		putf(w, ",%s", extra);
	put(w, w->jsonl ? "}\n" : "}");
	free(extra);
	w->n_ops++;
	return w->err;
}

/**
 * vmb_trace_writer_open() - start writing a trace
 * @f: destination stream (not closed by the writer)
 * @hdr: header; @hdr->source_json, when not NULL, must be a JSON object
 * @jsonl: true for JSON Lines
 * @out: receives the writer
 *
 * Return: 0, -EINVAL for a bad header, -ENOMEM, or a write error.
 */
int vmb_trace_writer_open(FILE *f, const struct vmb_trace_header *hdr, bool jsonl,
			  struct vmb_trace_writer **out)
{
	const char *driver = vmb_driver_name(hdr->driver);
	struct vmb_trace_writer *w;
	char *source = NULL;

	if (!driver || !hdr->page_size || (hdr->page_size & (hdr->page_size - 1)))
		return -EINVAL;
	if (hdr->source_json) {
		json_error_t e;
		json_t *o = json_loads(hdr->source_json, 0, &e);

		if (!o || !json_is_object(o)) {
			json_decref(o);
			return -EINVAL;
		}
		source = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		if (!source)
			return -ENOMEM;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		free(source);
		return -ENOMEM;
	}
	w->f = f;
	w->jsonl = jsonl;
	putf(w, "{\"format\":\"vmbench-trace\",\"version\":1,\"driver\":\"%s\"", driver);
	put_u64(w, "page_size", hdr->page_size);
	if (source)
		putf(w, ",\"source\":%s", source);
	put(w, jsonl ? "}\n" : ",\"ops\":[");
	free(source);
	if (w->err) {
		int err = w->err;

		free(w);
		return err;
	}
	*out = w;
	return 0;
}

/**
 * vmb_trace_write_op() - append one op (see trace.h)
 * @w: writer
 * @op: the op; for vm_create, kernel_range is written as 0 (use
 *      vmb_trace_write_vm_create() to give one)
 * @binds, @syncs, @ids: pools @op's indices refer to
 * @extra_json: NULL or a JSON object of "x_..." members to append
 *
 * Return: 0, -EINVAL (unknown kind, bad @extra_json) or a write error.
 */
int vmb_trace_write_op(struct vmb_trace_writer *w, const struct vmb_op *op,
		       const struct vmb_bind_entry *binds, const struct vmb_sync *syncs,
		       const uint32_t *ids, const char *extra_json)
{
	return write_op(w, op, 0, binds, syncs, ids, extra_json);
}

/**
 * vmb_trace_write_vm_create() - append a vm_create op with its kernel_range
 * @w: writer
 * @op: a VMB_OP_VM_CREATE op
 * @kernel_range: size of the kernel-reserved region (0 = none)
 * @extra_json: NULL or a JSON object of "x_..." members to append
 *
 * Return: 0, -EINVAL or a write error.
 */
int vmb_trace_write_vm_create(struct vmb_trace_writer *w, const struct vmb_op *op,
			      uint64_t kernel_range, const char *extra_json)
{
	if (op->kind != VMB_OP_VM_CREATE)
		return -EINVAL;
	return write_op(w, op, kernel_range, NULL, NULL, NULL, extra_json);
}

/**
 * vmb_trace_writer_close() - finish the trace and free the writer
 * @w: writer (NULL is fine)
 *
 * Writes the closing "]}" of a JSON trace and flushes the stream, which
 * stays open.
 *
 * Return: 0, or the first write error.
 */
int vmb_trace_writer_close(struct vmb_trace_writer *w)
{
	int err;

	if (!w)
		return 0;
	if (!w->jsonl)
		put(w, w->n_ops ? "\n]}\n" : "]}\n");
	if (fflush(w->f) && !w->err)
		w->err = errno ? -errno : -EIO;
	if (ferror(w->f) && !w->err)
		w->err = -EIO;
	err = w->err;
	free(w);
	return err;
}

/**
 * vmb_trace_write() - write a whole loaded trace
 * @t: trace
 * @f: stream
 * @jsonl: JSON Lines, else one JSON object
 *
 * Return: 0 or -errno.
 */
int vmb_trace_write(const struct vmb_trace *t, FILE *f, bool jsonl)
{
	struct vmb_trace_header hdr = {
	    .driver = t->driver,
	    .page_size = t->page_size,
	    .source_json = t->source.json,
	};
	struct vmb_trace_writer *w;
	struct vmb_cursor c;
	int r;

	r = vmb_cursor_init(&c, t);
	if (r)
		return r;
	r = vmb_trace_writer_open(f, &hdr, jsonl, &w);
	if (r) {
		vmb_cursor_fini(&c);
		return r;
	}
	while ((r = vmb_cursor_next(&c)) > 0) {
		r = write_op(w, &c.op, c.kernel_range, c.binds, c.syncs, c.ids, NULL);
		if (r)
			break;
	}
	vmb_cursor_fini(&c);
	if (r) {
		vmb_trace_writer_close(w);
		return r;
	}
	return vmb_trace_writer_close(w);
}
