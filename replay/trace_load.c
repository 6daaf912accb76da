// SPDX-License-Identifier: MIT
/*
 * trace_load.c - load a trace format v1 file (.json or .jsonl) into the
 * compact in-memory form of trace.h.
 *
 * DOC: streaming parse
 *
 * The file is mapped and walked by hand; jansson only ever sees one value at
 * a time (a header value, or one op), so memory stays proportional to the
 * compact op array, never to a jansson tree of the whole trace.
 *
 *   .json:   { "key" : value , ... "ops" : [ {op} , {op} ... ] ... }
 *             ^ our walker: whitespace, separators, line numbers
 *                    ^ json_loadb(JSON_DISABLE_EOF_CHECK) for each value;
 *                      error.position says how many bytes it consumed
 *   .jsonl:  line 1 = header object, then one op object per line
 *
 * Before jansson parses a value we scan its brackets ourselves, so that a
 * nesting limit (64) holds regardless of jansson's own. Each op object is
 * converted by trace_parse.c into a struct vmb_op plus side-pool entries.
 *
 * DOC: parallel .jsonl
 *
 * Parsing JSON is most of the cost, and .jsonl lines are independent, so a
 * large .jsonl is cut at line boundaries into one chunk per CPU (at most
 * 8) and the chunks are parsed by threads into separate arrays. The
 * semantic validation (trace_validate.c) then runs in op order on one
 * thread while the chunks are concatenated, so errors are exactly those of
 * a sequential load: the first problem in file order wins, whether it is a
 * syntax error or a semantic one. VMB_TRACE_LOAD_THREADS=N overrides the
 * thread count (1 = sequential).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replay.h"
#include "progress.h"
#include "trace_priv.h"

#define JFLAGS (JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES)
#define MAX_CHUNKS 8
#define MIN_CHUNK_BYTES (4u << 20)

/**
 * struct walker - position in the file and header state
 * @buf, @len: the whole file
 * @pos, @end: current position and end of the stretch being walked
 * @line: line of buf[pos] (relative to the chunk start for .jsonl chunks)
 * @jsonl: JSON Lines
 * @p: where ops and the first error go
 * @t: the trace (header fields); NULL in .jsonl chunk threads
 * @hdr_line, @have_format, @have_version, @seen_ops: header state
 * @keys, @n_keys: top-level keys seen (duplicate check)
 * @dropped_line: .jsonl: line of a dropped incomplete last line, else 0
 * @dropped_bytes: .jsonl: its length in bytes
 * @trailer: .jsonl: the last line was the capturer's x_capture trailer, whose
 *	counts are in @trailer_lost and @trailer_drops
 */
struct walker {
	const char *buf;
	size_t len;
	size_t pos, end;
	uint32_t line;
	bool jsonl;
	struct vmb_parse *p;
	struct vmb_trace *t;

	uint32_t hdr_line;
	bool have_format, have_version, seen_ops;
	char **keys;
	size_t n_keys;

	uint32_t dropped_line;
	size_t dropped_bytes;
	bool trailer;
	uint64_t trailer_lost, trailer_drops;
	bool parsed;

	/* progress of the parse, reported by the first chunk for all of them */
	struct vmb_progress *pr;
	size_t begin;
	unsigned int n_chunks;
};

/* the parse's progress: chunk 0's share of its bytes stands for the whole file */
static void parse_progress(const struct walker *w)
{
	size_t stop = w->end ? w->end : w->len;
	double frac;

	if (!w->pr || stop <= w->begin)
		return;
	frac = (double)(w->pos - w->begin) / (double)(stop - w->begin);
	vmb_progress_update(w->pr, (uint64_t)w->p->n_packed * (w->n_chunks ? w->n_chunks : 1), 0,
			    (uint64_t)(frac * (double)(w->len - (w->jsonl ? w->begin : 0))));
}

#define fail_line(w, line, ...) vmb_parse_fail((w)->p, line, __VA_ARGS__)

/*
 * DOC: drop-behind
 *
 * The file is mapped whole, but its pages need to stay resident only while
 * they are read: the .jsonl walkers and the digest give back what they have
 * read every DROP_BYTES (madvise(MADV_DONTNEED) on the read-only private
 * mapping only drops the page-table entries; a later read faults the page
 * in again from the page cache). Peak RSS is then the op arrays plus a few
 * MiB per thread instead of the op arrays plus the whole file.
 */
#define DROP_BYTES (8u << 20)

/* give back the whole pages of buf[from, to) */
static void drop_pages(const char *buf, size_t from, size_t to)
{
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)buf + from + pg - 1) & ~(pg - 1);
	uintptr_t b = ((uintptr_t)buf + to) & ~(pg - 1);

	if (b > a)
		madvise((void *)a, b - a, MADV_DONTNEED);
}

/* ---- positions and lines ---- */

static uint32_t count_lines(const char *p, const char *end)
{
	uint32_t n = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

static void advance(struct walker *w, size_t to)
{
	w->line += count_lines(w->buf + w->pos, w->buf + to);
	w->pos = to;
}

static void skip_ws(struct walker *w)
{
	while (w->pos < w->len) {
		char c = w->buf[w->pos];

		if (c == '\n')
			w->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			break;
		w->pos++;
	}
}

static bool at(const struct walker *w, char c)
{
	return w->pos < w->len && w->buf[w->pos] == c;
}

static int expected(struct walker *w, const char *what)
{
	unsigned char c;

	if (w->pos >= w->len)
		return fail_line(w, w->line, "truncated file: expected %s", what);
	c = (unsigned char)w->buf[w->pos];
	if (c >= 0x20 && c < 0x7f)
		return fail_line(w, w->line, "syntax error: expected %s, got '%c'", what, c);
	return fail_line(w, w->line, "syntax error: expected %s, got byte 0x%02x", what, c);
}

/*
 * Scan the brackets of the value starting at buf[pos] (strings skipped) and
 * fail if it nests deeper than the limit, counting @base enclosing levels.
 */
static int check_depth(struct walker *w, size_t end, int base)
{
	const char *b = w->buf;
	int depth = 0;

	for (size_t i = w->pos; i < end; i++) {
		switch (b[i]) {
		case '"':
			/* skip the string */
			for (i++; i < end && b[i] != '"'; i++)
				if (b[i] == '\\')
					i++;
			if (!depth)
				return 0;
			break;
		case '{':
		case '[':
			if (base + ++depth > VMB_TRACE_MAX_DEPTH)
				return fail_line(w, w->line + count_lines(b + w->pos, b + i),
						 "nesting deeper than %d levels",
						 VMB_TRACE_MAX_DEPTH);
			break;
		case '}':
		case ']':
			if (--depth <= 0)
				return 0;
			break;
		default:
			if (!depth)
				return 0; /* a scalar */
		}
	}
	return 0;
}

/* turn a jansson error in the chunk starting at w->pos into our message */
static int json_fail(struct walker *w, const json_error_t *e)
{
	uint32_t line = w->line + (e->line > 0 ? (uint32_t)e->line - 1 : 0);
	const char *near;

	switch (json_error_code(e)) {
	case json_error_invalid_utf8:
		return fail_line(w, line, "invalid UTF-8");
	case json_error_numeric_overflow:
		if (strstr(e->text, "integer"))
			return fail_line(w, line,
					 "integer too large (write values >= 2^63 as "
					 "\"0x...\" strings)");
		return fail_line(w, line, "number too large: %s", e->text);
	case json_error_premature_end_of_input:
		if (w->jsonl)
			return fail_line(w, line, "incomplete line: %s", e->text);
		return fail_line(w, line, "truncated file: %s", e->text);
	case json_error_duplicate_key:
		near = strstr(e->text, "near '");
		if (near) {
			size_t n = strlen(near + 6);

			return fail_line(w, line, "duplicate key %.*s", (int)(n ? n - 1 : 0),
					 near + 6);
		}
		return fail_line(w, line, "duplicate key");
	case json_error_out_of_memory:
		return vmb_parse_oom(w->p);
	default:
		return fail_line(w, line, "syntax error: %s", e->text);
	}
}

/* parse the value at the current position; @base = enclosing nesting levels */
static int parse_value(struct walker *w, int base, json_t **out)
{
	json_error_t e;
	json_t *j;
	int r;

	skip_ws(w);
	if (w->pos >= w->len)
		return expected(w, "a value");
	r = check_depth(w, w->len, base);
	if (r)
		return r;
	j = json_loadb(w->buf + w->pos, w->len - w->pos, JFLAGS, &e);
	if (!j)
		return json_fail(w, &e);
	advance(w, w->pos + (size_t)e.position);
	*out = j;
	return 0;
}

/* ---- header ---- */

/* a count in the capturer's x_capture object; anything else reads as 0 */
static uint64_t x_count(const json_t *x, const char *key)
{
	const json_t *v = json_object_get(x, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v)
							       : 0;
}

static int header_value(struct walker *w, const char *key, const json_t *v, uint32_t line)
{
	struct vmb_trace *t = w->t;
	char d[80];

	if (!strcmp(key, "format")) {
		if (!json_is_string(v) || strcmp(json_string_value(v), "vmbench-trace"))
			return fail_line(w, line, "format must be \"vmbench-trace\", not %s",
					 vmb_json_describe(v, d, sizeof(d)));
		w->have_format = true;
	} else if (!strcmp(key, "version")) {
		if (!json_is_integer(v))
			return fail_line(w, line, "\"version\" must be an integer, not %s",
					 vmb_json_describe(v, d, sizeof(d)));
		if (json_integer_value(v) != 1)
			return fail_line(w, line,
					 "unsupported version %" JSON_INTEGER_FORMAT
					 " (this build reads version 1)",
					 json_integer_value(v));
		w->have_version = true;
	} else if (!strcmp(key, "driver")) {
		if (!json_is_string(v))
			return fail_line(w, line, "\"driver\" must be a string, not %s",
					 vmb_json_describe(v, d, sizeof(d)));
		if (vmb_driver_parse(json_string_value(v), &t->driver))
			return fail_line(w, line,
					 "unknown driver \"%s\" (known: any, xe, amdgpu, "
					 "nouveau, panthor, msm)",
					 json_string_value(v));
	} else if (!strcmp(key, "page_size")) {
		uint64_t ps;
		int r = vmb_json_u64(v, &ps);

		if (r == -EDOM)
			return fail_line(w, line,
					 "\"page_size\": bad hex string \"%s\" (want \"0x\" "
					 "and 1 to 16 hex digits)",
					 json_string_value(v));
		if (r)
			return fail_line(w, line,
					 "\"page_size\" must be an integer or \"0x...\" "
					 "string, not %s",
					 vmb_json_describe(v, d, sizeof(d)));
		if (!ps || (ps & (ps - 1)))
			return fail_line(w, line, "page_size %" PRIu64 " is not a power of two",
					 ps);
		t->page_size = ps;
	} else if (!strcmp(key, "x_capture") && json_is_object(v)) {
		t->capture_counts = true;
		t->capture_lost = x_count(v, "lost");
		t->capture_drops = x_count(v, "drops");
	} else if (!strcmp(key, "source")) {
		const json_t *kind;

		if (!json_is_object(v))
			return fail_line(w, line, "\"source\" must be an object, not %s",
					 vmb_json_describe(v, d, sizeof(d)));
		kind = json_object_get(v, "kind");
		if (kind && !json_is_string(kind))
			return fail_line(w, line, "\"source\": \"kind\" must be a string, not %s",
					 vmb_json_describe(kind, d, sizeof(d)));
		free(t->source.kind);
		free(t->source.json);
		t->source.kind = strdup(kind ? json_string_value(kind) : "unknown");
		t->source.json = json_dumps(v, JSON_COMPACT);
		if (!t->source.kind || !t->source.json)
			return vmb_parse_oom(w->p);
	}
	return 0;
}

static int header_done(struct walker *w)
{
	if (!w->have_format)
		return fail_line(w, w->hdr_line, "missing \"format\"");
	if (!w->have_version)
		return fail_line(w, w->hdr_line, "missing \"version\"");
	return 0;
}

static bool is_header_key(const char *key)
{
	return !strcmp(key, "format") || !strcmp(key, "version") || !strcmp(key, "driver") ||
	       !strcmp(key, "page_size") || !strcmp(key, "source");
}

/* ---- .json ---- */

static int note_key(struct walker *w, const char *key, uint32_t line)
{
	char **k;

	for (size_t i = 0; i < w->n_keys; i++)
		if (!strcmp(w->keys[i], key))
			return fail_line(w, line, "duplicate key \"%s\"", key);
	k = realloc(w->keys, (w->n_keys + 1) * sizeof(*k));
	if (!k)
		return vmb_parse_oom(w->p);
	w->keys = k;
	k[w->n_keys] = strdup(key);
	if (!k[w->n_keys])
		return vmb_parse_oom(w->p);
	w->n_keys++;
	return 0;
}

static int parse_ops_array(struct walker *w)
{
	struct vmb_parse *p = w->p;
	json_t *o;
	char d[80];
	int r;

	skip_ws(w);
	if (w->pos >= w->len)
		return expected(w, "'['");
	if (!at(w, '[')) {
		r = parse_value(w, 1, &o);
		if (r)
			return r;
		r = fail_line(w, w->line, "\"ops\" must be an array, not %s",
			      vmb_json_describe(o, d, sizeof(d)));
		json_decref(o);
		return r;
	}
	w->pos++;
	skip_ws(w);
	if (at(w, ']')) {
		w->pos++;
		return 0;
	}
	for (;;) {
		skip_ws(w);
		p->in_op = true;
		p->op_index = p->n_packed;
		p->op_line = w->line;
		if (vmb_replay_stopped())
			return fail_line(w, w->line, "interrupted");
		if (at(w, ']'))
			return fail_line(w, w->line, "syntax error: trailing ',' before ']'");
		r = parse_value(w, 2, &o);
		if (r)
			return r;
		r = vmb_parse_op(p, o);
		json_decref(o);
		if (!r)
			r = vmb_parse_pack(p);
		if (r)
			return r;
		parse_progress(w);
		skip_ws(w);
		if (at(w, ',')) {
			w->pos++;
			continue;
		}
		if (at(w, ']')) {
			w->pos++;
			p->in_op = false;
			return 0;
		}
		p->op_index++;
		return expected(w, "',' or ']' after an op");
	}
}

static int walk_json(struct walker *w)
{
	json_t *key, *val;
	int r;

	skip_ws(w);
	if (w->pos >= w->len)
		return fail_line(w, 1, "empty file");
	if (!at(w, '{'))
		return expected(w, "'{' (a trace is one JSON object)");
	w->hdr_line = w->line;
	w->pos++;
	skip_ws(w);
	if (at(w, '}')) {
		w->pos++;
		goto end;
	}
	for (;;) {
		const char *k;
		uint32_t line;

		skip_ws(w);
		line = w->line;
		if (!at(w, '"'))
			return expected(w, "a string key");
		r = parse_value(w, 1, &key);
		if (r)
			return r;
		k = json_string_value(key);
		r = note_key(w, k, line);
		skip_ws(w);
		if (!r && !at(w, ':'))
			r = expected(w, "':'");
		if (r)
			goto out_key;
		w->pos++;
		if (!strcmp(k, "ops")) {
			r = header_done(w);
			if (!r)
				r = parse_ops_array(w);
			w->seen_ops = true;
		} else {
			skip_ws(w);
			line = w->line;
			r = parse_value(w, 1, &val);
			if (r)
				goto out_key;
			if (w->seen_ops && is_header_key(k))
				r = fail_line(w, line,
					      "header key \"%s\" after \"ops\" (the header "
					      "must come first)",
					      k);
			else
				r = header_value(w, k, val, line);
			json_decref(val);
		}
	out_key:
		json_decref(key);
		if (r)
			return r;
		skip_ws(w);
		if (at(w, ',')) {
			w->pos++;
			continue;
		}
		if (at(w, '}')) {
			w->pos++;
			break;
		}
		return expected(w, "',' or '}'");
	}
end:
	skip_ws(w);
	if (w->pos < w->len)
		return fail_line(w, w->line, "trailing data after the trace object");
	r = header_done(w);
	if (!r && !w->seen_ops)
		r = fail_line(w, w->hdr_line, "missing \"ops\"");
	return r;
}

/* ---- .jsonl ---- */

/* at most @limit '{' + '[' bytes in [p, end)? (memchr is much faster than a scan) */
static bool few_brackets(const char *p, const char *end, int limit)
{
	int n = 0;

	for (const char *q = p; (q = memchr(q, '{', (size_t)(end - q))) && n <= limit; q++)
		n++;
	for (const char *q = p; (q = memchr(q, '[', (size_t)(end - q))) && n <= limit; q++)
		n++;
	return n <= limit;
}

static int parse_line(struct walker *w, size_t eol, json_t **out)
{
	json_error_t e;
	json_t *j;
	int r;

	if (!few_brackets(w->buf + w->pos, w->buf + eol, VMB_TRACE_MAX_DEPTH)) {
		r = check_depth(w, eol, 0);
		if (r)
			return r;
	}
	j = json_loadb(w->buf + w->pos, eol - w->pos, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return json_fail(w, &e);
	*out = j;
	return 0;
}

static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

static size_t line_end(const struct walker *w, size_t end)
{
	const char *nl = memchr(w->buf + w->pos, '\n', end - w->pos);

	return nl ? (size_t)(nl - w->buf) : end;
}

/* the header line; leaves w->pos at the start of line 2 */
static int walk_jsonl_header(struct walker *w)
{
	const char *key;
	json_t *hdr, *val;
	size_t eol;
	char d[80];
	int r;

	if (!w->len || (blank(w->buf, w->len) && !memchr(w->buf, '\n', w->len)))
		return fail_line(w, 1, "empty file");
	eol = line_end(w, w->len);
	if (blank(w->buf, eol))
		return fail_line(w, 1, "blank line (the first line must be the header)");
	w->hdr_line = 1;
	r = parse_line(w, eol, &hdr);
	if (r)
		return r;
	if (!json_is_object(hdr)) {
		r = fail_line(w, 1, "the header must be an object, not %s",
			      vmb_json_describe(hdr, d, sizeof(d)));
		goto out;
	}
	json_object_foreach (hdr, key, val) {
		if (!strcmp(key, "ops")) {
			r = fail_line(w, 1,
				      "a .jsonl header must not hold \"ops\" (ops follow, one "
				      "per line)");
			goto out;
		}
		r = header_value(w, key, val, 1);
		if (r)
			goto out;
	}
	r = header_done(w);
out:
	json_decref(hdr);
	w->pos = eol < w->len ? eol + 1 : eol;
	w->line = 2;
	return r;
}

/*
 * The simdjson fast path (trace_simd.cc) takes every op line it can prove
 * jansson would convert to the same op; VMB_TRACE_LOAD_SIMD=0 sends every
 * line through jansson (for comparisons).
 */
static bool use_simd(void)
{
	const char *env = getenv("VMB_TRACE_LOAD_SIMD");

	return !env || strcmp(env, "0");
}

/*
 * Op lines in [w->pos, w->end), which starts and ends at line boundaries.
 * w->line counts from the first of them. A last line of the file without
 * '\n' that does not parse is dropped (an interrupted write).
 */
/* the capturer's trailer line: {"x_capture":{...}}, no "op" */
static bool is_trailer(const json_t *o)
{
	return json_is_object(o) && !json_object_get(o, "op") &&
	       json_is_object(json_object_get(o, "x_capture"));
}

static int walk_jsonl_ops(struct walker *w)
{
	struct vmb_parse *p = w->p;
	size_t kept = w->pos;
	struct vmb_simd *simd = use_simd() ? vmb_simd_create() : NULL;
	int r = 0;

	while (w->pos < w->end) {
		size_t eol = line_end(w, w->end);
		json_t *o;

		p->in_op = true;
		p->op_index = p->n_packed;
		p->op_line = w->line;
		if (vmb_replay_stopped()) {
			r = fail_line(w, w->line, "interrupted");
			break;
		}
		if (simd) {
			r = vmb_simd_parse_op(simd, p, w->buf + w->pos, eol - w->pos,
					      w->len - w->pos);
			if (r < 0) {
				r = vmb_parse_oom(p);
				break;
			}
			if (r) {
				r = vmb_parse_pack(p);
				if (r)
					break;
				goto next;
			}
		}
		if (blank(w->buf + w->pos, eol - w->pos)) {
			r = fail_line(w, w->line, "blank line");
			break;
		}
		r = parse_line(w, eol, &o);
		if (r == -EINVAL && eol == w->len) {
			p->err = 0;
			w->dropped_line = w->line;
			w->dropped_bytes = eol - w->pos;
			r = 0;
			break;
		}
		if (r)
			break;
		if (eol + 1 >= w->len && is_trailer(o)) {
			const json_t *x = json_object_get(o, "x_capture");

			w->trailer = true;
			w->trailer_lost = x_count(x, "lost");
			w->trailer_drops = x_count(x, "drops");
			json_decref(o);
			r = 0;
			break;
		}
		r = vmb_parse_op(p, o);
		json_decref(o);
		if (!r)
			r = vmb_parse_pack(p);
		if (r)
			break;
	next:
		w->pos = eol + 1;
		w->line++;
		if (w->pos - kept >= DROP_BYTES) {
			drop_pages(w->buf, kept, w->pos);
			kept = w->pos;
		}
		parse_progress(w);
	}
	vmb_simd_destroy(simd);
	return r;
}

static void *jsonl_thread(void *arg)
{
	walk_jsonl_ops(arg);
	return NULL;
}

static unsigned int n_threads(size_t bytes)
{
	const char *env = getenv("VMB_TRACE_LOAD_THREADS");
	long n;

	if (env && *env) {
		n = strtol(env, NULL, 10);
		return n < 1 ? 1 : n > MAX_CHUNKS ? MAX_CHUNKS : (unsigned int)n;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n > MAX_CHUNKS)
		n = MAX_CHUNKS;
	if (n > (long)(bytes / MIN_CHUNK_BYTES))
		n = (long)(bytes / MIN_CHUNK_BYTES);
	return n < 1 ? 1 : (unsigned int)n;
}

/* ---- merge and validate ---- */

/*
 * Validate the packed ops of @p in order, each as a reader will decode it,
 * and move them to the end of @t as one segment (with a mark every
 * VMB_TRACE_MARK_OPS ops). Afterwards @p holds no ops.
 */
static int merge_chunk(struct vmb_trace *t, struct vmb_validator *v, struct vmb_parse *p,
		       uint32_t line_base, size_t *bad_op, uint32_t *bad_line, char *why,
		       size_t len, struct vmb_progress *pr, const struct walker *w)
{
	size_t stop = w->end ? w->end : w->len;
	size_t op0 = t->n_ops, seg = t->n_segs;
	struct vmb_trace_seg *sg;
	struct vmb_cursor c;
	uint8_t *buf;
	int r;

	if (!p->n_packed)
		return 0;
	if (vmb_trace_grow((void **)&t->segs, t->n_segs, sizeof(*t->segs)))
		return -ENOMEM;
	buf = realloc(p->pk.buf, p->pk.len);
	if (!buf)
		buf = p->pk.buf;
	sg = &t->segs[t->n_segs++];
	*sg = (struct vmb_trace_seg){.buf = buf, .len = p->pk.len, .line = line_base - 1};
	t->packed_bytes += p->pk.len;
	p->pk.buf = NULL;
	p->pk.len = p->pk.cap = 0;

	vmb_cursor_raw(&c, sg->buf, sg->len, sg->line);
	for (size_t i = 0; i < p->n_packed; i++) {
		size_t k = op0 + i;

		if (!(k % VMB_TRACE_MARK_OPS) && vmb_trace_add_mark(t, &c, sg->buf, seg))
			goto oom;
		r = vmb_cursor_raw_next(&c);
		if (r <= 0)
			goto oom;
		c.index = k;
		vmb_trace_note_op(t, &c);
		t->n_ops = k + 1;
		if (vmb_replay_stopped()) {
			vmb_cursor_fini(&c);
			return -EINTR;
		}
		if (!(i & 1023))
			vmb_progress_update(pr, t->n_ops, 0,
					    w->begin +
						(uint64_t)((double)(stop - w->begin) *
							   (double)(i + 1) / (double)p->n_packed));
		r = vmb_validator_check(v, &c, why, len);
		if (r) {
			*bad_op = k;
			*bad_line = c.op.line;
			vmb_cursor_fini(&c);
			return r;
		}
	}
	vmb_cursor_fini(&c);
	return 0;
oom:
	vmb_cursor_fini(&c);
	return -ENOMEM;
}

/* ---- entry points ---- */

static void shrink(void **arr, size_t n, size_t elem)
{
	void *q;

	if (!n) {
		free(*arr);
		*arr = NULL;
		return;
	}
	q = realloc(*arr, n * elem);
	if (q)
		*arr = q;
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
	struct sha256_ctx c;
	uint8_t dig[SHA256_DIGEST_SIZE];

	sha256_init(&c);
	for (size_t off = 0; off < len; off += DROP_BYTES) {
		size_t n = len - off < DROP_BYTES ? len - off : DROP_BYTES;

		sha256_update(&c, n, (const uint8_t *)data + off);
		if (n == DROP_BYTES)
			drop_pages(data, off, off + n);
	}
	sha256_digest(&c, sizeof(dig), dig);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", dig[i]);
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

/**
 * struct load - one vmb_trace_load() call
 * @path: file name for messages
 * @err, @errlen: caller's message buffer
 * @w: one walker per chunk (w[0] also walks the header)
 * @p: one parse per chunk
 * @n: number of chunks
 */
struct load {
	const char *path;
	char *err;
	size_t errlen;
	struct walker w[MAX_CHUNKS];
	struct vmb_parse p[MAX_CHUNKS];
	unsigned int n;
	pthread_t tid[MAX_CHUNKS];
	bool started[MAX_CHUNKS];
	pthread_t sha_tid;
	bool sha_started;
	char sha[65];
};

/* the file digest, computed beside the parser threads when there are some */
static void *sha_thread(void *arg)
{
	struct load *ld = arg;

	sha256_hex(ld->w[0].buf, ld->w[0].len, ld->sha);
	return NULL;
}

/* cut the op lines of a .jsonl into chunks and parse them, in threads */
static void parse_jsonl_chunks(struct load *ld)
{
	struct walker *w0 = &ld->w[0];
	size_t start = w0->pos, len = w0->len;
	unsigned int want = n_threads(len - start);
	ld->n = 0;
	for (unsigned int i = 0; i < want && start < len; i++) {
		struct walker *w = &ld->w[ld->n];
		size_t end = len;

		if (i + 1 < want) {
			const char *nl;

			end = start + (len - start) / (want - i);
			nl = memchr(w0->buf + end, '\n', len - end);
			end = nl ? (size_t)(nl - w0->buf) + 1 : len;
		}
		if (ld->n) {
			*w = (struct walker){.buf = w0->buf, .len = len, .jsonl = true};
			w->p = &ld->p[ld->n];
			w->line = 1;
		}
		w->pos = start;
		w->begin = start;
		w->end = end;
		ld->n++;
		start = end;
	}
	w0->n_chunks = ld->n;
	if (!ld->n) {
		ld->n = 1;
		w0->end = w0->pos;
	}

	json_object_seed(0);
	if (ld->n > 1)
		ld->sha_started = !pthread_create(&ld->sha_tid, NULL, sha_thread, ld);
	for (unsigned int i = 1; i < ld->n; i++)
		ld->started[i] = !pthread_create(&ld->tid[i], NULL, jsonl_thread, &ld->w[i]);
	walk_jsonl_ops(w0);
}

/*
 * Wait until chunk @i is parsed (parse it here if its thread could not be
 * started). Chunk 0 is validated while the later ones are still parsed.
 */
static void wait_chunk(struct load *ld, unsigned int i)
{
	if (ld->started[i]) {
		pthread_join(ld->tid[i], NULL);
		ld->started[i] = false;
	} else if (i && ld->w[i].p && !ld->w[i].parsed) {
		walk_jsonl_ops(&ld->w[i]);
	}
	ld->w[i].parsed = true;
}

static int report(struct load *ld, int err, uint32_t line, bool in_op, size_t op,
		  const char *reason)
{
	if (err == -ENOMEM)
		snprintf(ld->err, ld->errlen, "%s: out of memory", ld->path);
	else if (in_op)
		snprintf(ld->err, ld->errlen, "%s:%" PRIu32 ": op %zu: %s", ld->path, line, op,
			 reason);
	else
		snprintf(ld->err, ld->errlen, "%s:%" PRIu32 ": %s", ld->path, line, reason);
	return err;
}

/* validate and concatenate the chunks in order; report the first error */
static int finish(struct load *ld, struct vmb_trace *t)
{
	struct vmb_validator *v;
	struct vmb_progress pr;
	uint32_t line_base = 1;
	char why[512];
	int r = vmb_validator_create(t, &v);

	if (r)
		return report(ld, r, 0, false, 0, "");
	vmb_progress_begin(&pr, "validate", ld->w[0].len);
	for (unsigned int i = 0; i < ld->n && !r; i++) {
		struct vmb_parse *p = &ld->p[i];
		size_t op0 = t->n_ops, bad;
		uint32_t bad_line = 0;

		wait_chunk(ld, i);
		r = merge_chunk(t, v, p, line_base, &bad, &bad_line, why, sizeof(why), &pr,
				&ld->w[i]);
		if (r == -EINVAL) {
			r = report(ld, r, bad_line, true, bad, why);
			break;
		}
		if (r) {
			r = report(ld, r, 0, false, 0, "");
			break;
		}
		if (p->err) {
			r = report(ld, p->err, p->err_line + line_base - 1, p->err_in_op,
				   op0 + p->err_op, p->reason);
			break;
		}
		if (ld->w[i].dropped_line) {
			fprintf(stderr,
				"%s:%" PRIu32 ": warning: dropped an incomplete last line "
				"(interrupted write)\n",
				ld->path, ld->w[i].dropped_line + line_base - 1);
			t->dropped_partial_line = true;
			t->truncated_bytes = ld->w[i].dropped_bytes;
			t->truncated_line = ld->w[i].dropped_line + line_base - 1;
		}
		if (ld->w[i].trailer) {
			t->capture_counts = true;
			t->capture_lost = ld->w[i].trailer_lost;
			t->capture_drops = ld->w[i].trailer_drops;
		}
		line_base += ld->w[i].line - 1;
	}
	vmb_progress_end(&pr);
	vmb_validator_destroy(v);
	return r;
}

int vmb_trace_load(const char *path, struct vmb_trace **out, char *err, size_t errlen)
{
	struct vmb_progress pr;
	struct load *ld;
	struct vmb_trace *t = NULL;
	void *map = NULL;
	struct stat st;
	int fd, r;

	if (errlen)
		err[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		r = -errno;
		goto io_error;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto io_error;
	}
	if (st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			r = -errno;
			goto io_error;
		}
		madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	}
	close(fd);
	fd = -1;

	ld = calloc(1, sizeof(*ld));
	t = calloc(1, sizeof(*t));
	if (!ld || !t || !(t->path = strdup(path))) {
		free(ld);
		ld = NULL;
		r = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	ld->path = path;
	ld->err = err;
	ld->errlen = errlen;
	ld->n = 1;
	t->page_size = 4096;
	t->driver = VMB_DRIVER_ANY;
	t->file_bytes = (uint64_t)st.st_size;
	ld->w[0] = (struct walker){.buf = map,
				   .len = (size_t)st.st_size,
				   .line = 1,
				   .jsonl = has_suffix(path, ".jsonl"),
				   .p = &ld->p[0],
				   .t = t};

	vmb_progress_begin(&pr, "load", (uint64_t)st.st_size);
	ld->w[0].pr = &pr;
	if (ld->w[0].jsonl) {
		if (!walk_jsonl_header(&ld->w[0]))
			parse_jsonl_chunks(ld);
	} else {
		walk_json(&ld->w[0]);
		ld->w[0].line = 1; /* lines are already absolute */
	}
	vmb_progress_end(&pr);
	ld->w[0].pr = NULL;
	r = finish(ld, t);
	if (r)
		goto out;

	if (!t->source.kind && !(t->source.kind = strdup("unknown"))) {
		r = report(ld, -ENOMEM, 0, false, 0, "");
		goto out;
	}
	shrink((void **)&t->marks, t->n_marks, sizeof(*t->marks));
	shrink((void **)&t->vm_kernel_range, t->n_vm_ids, sizeof(*t->vm_kernel_range));
	if (ld->sha_started) {
		pthread_join(ld->sha_tid, NULL);
		ld->sha_started = false;
		memcpy(t->sha256, ld->sha, sizeof(t->sha256));
	} else {
		sha256_hex(map ? map : "", (size_t)st.st_size, t->sha256);
	}
	*out = t;
	t = NULL;
out:
	if (ld) {
		for (unsigned int i = 1; i < MAX_CHUNKS; i++)
			if (ld->started[i])
				pthread_join(ld->tid[i], NULL);
		if (ld->sha_started)
			pthread_join(ld->sha_tid, NULL);
		for (unsigned int i = 0; i < MAX_CHUNKS; i++)
			vmb_parse_free(&ld->p[i]);
		for (size_t i = 0; i < ld->w[0].n_keys; i++)
			free(ld->w[0].keys[i]);
		free(ld->w[0].keys);
		free(ld);
	}
	vmb_trace_destroy(t);
	if (map)
		munmap(map, (size_t)st.st_size);
	return r;

io_error:
	snprintf(err, errlen, "%s: %s", path, strerror(-r));
	if (fd >= 0)
		close(fd);
	return r;
}

void vmb_trace_destroy(struct vmb_trace *trace)
{
	if (!trace)
		return;
	free(trace->path);
	free(trace->source.kind);
	free(trace->source.json);
	vmb_trace_release(trace);
	free(trace->vm_kernel_range);
	free(trace);
}
