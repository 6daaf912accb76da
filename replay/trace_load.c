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
 * nesting limit (64) holds regardless of jansson's own. Each parsed op is
 * converted into a struct vmb_op plus entries in the side pools, then handed
 * to the semantic validator (trace_validate.c) before the next op is read.
 * The first error stops the load with one "FILE:LINE: op N: reason" line.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace_priv.h"

#define JFLAGS (JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES)

struct loader {
	const char *path;
	const char *buf;
	size_t len;
	size_t pos;
	uint32_t line; /* line of buf[pos] */

	struct vmb_trace *t;
	struct vmb_validator *v;
	size_t cap_ops, cap_binds, cap_syncs, cap_ids;

	char *err;
	size_t errlen;

	bool in_op;
	size_t op_index;
	uint32_t op_line;

	bool jsonl;

	/* header */
	uint32_t hdr_line;
	bool have_format, have_version, seen_ops;
	char **keys; /* top-level keys seen so far (duplicates check) */
	size_t n_keys;
};

static int fail_line(struct loader *l, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "FILE:LINE: op N: reason" inside an op, "FILE:LINE: reason" outside */
static int fail_line(struct loader *l, uint32_t line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->in_op)
		n = snprintf(l->err, l->errlen, "%s:%" PRIu32 ": op %zu: ", l->path, line,
			     l->op_index);
	else
		n = snprintf(l->err, l->errlen, "%s:%" PRIu32 ": ", l->path, line);
	if (n >= 0 && (size_t)n < l->errlen) {
		va_start(ap, fmt);
		vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

#define fail_op(l, ...) fail_line(l, (l)->op_line, __VA_ARGS__)

static int fail_io(struct loader *l, int errnum, const char *what)
{
	snprintf(l->err, l->errlen, "%s: %s%s%s", l->path, what, *what ? ": " : "",
		 strerror(errnum));
	return -errnum;
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

static void advance(struct loader *l, size_t to)
{
	l->line += count_lines(l->buf + l->pos, l->buf + to);
	l->pos = to;
}

static void skip_ws(struct loader *l)
{
	while (l->pos < l->len) {
		char c = l->buf[l->pos];

		if (c == '\n')
			l->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			break;
		l->pos++;
	}
}

/* describe the byte at the current position for "expected X, got Y" */
static const char *got(struct loader *l, char *buf, size_t len)
{
	unsigned char c;

	if (l->pos >= l->len)
		return "end of file";
	c = (unsigned char)l->buf[l->pos];
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02x", c);
	return buf;
}

static int expected(struct loader *l, const char *what)
{
	char b[16];

	if (l->pos >= l->len)
		return fail_line(l, l->line, "truncated file: expected %s", what);
	return fail_line(l, l->line, "syntax error: expected %s, got %s", what, got(l, b, sizeof(b)));
}

/*
 * Scan the brackets of the value starting at buf[pos] (strings skipped) and
 * fail if it nests deeper than the limit, counting @base enclosing levels.
 */
static int check_depth(struct loader *l, size_t pos, size_t end, int base)
{
	const char *b = l->buf;
	int depth = 0;
	bool in_str = false;

	for (size_t i = pos; i < end; i++) {
		char c = b[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		switch (c) {
		case '"':
			in_str = true;
			break;
		case '{':
		case '[':
			if (base + ++depth > VMB_TRACE_MAX_DEPTH)
				return fail_line(l, l->line + count_lines(b + l->pos, b + i),
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

/* turn a jansson error at chunk [l->pos, ...) into our message */
static int json_fail(struct loader *l, const json_error_t *e)
{
	uint32_t line = l->line + (e->line > 0 ? (uint32_t)e->line - 1 : 0);
	const char *near;

	switch (json_error_code(e)) {
	case json_error_invalid_utf8:
		return fail_line(l, line, "invalid UTF-8");
	case json_error_numeric_overflow:
		if (strstr(e->text, "integer"))
			return fail_line(l, line, "integer too large (write values >= 2^63 as "
					 "\"0x...\" strings)");
		return fail_line(l, line, "number too large: %s", e->text);
	case json_error_premature_end_of_input:
		if (l->jsonl)
			return fail_line(l, line, "incomplete line: %s", e->text);
		return fail_line(l, line, "truncated file: %s", e->text);
	case json_error_duplicate_key:
		near = strstr(e->text, "near '");
		if (near) {
			size_t n = strlen(near + 6);

			return fail_line(l, line, "duplicate key %.*s", (int)(n ? n - 1 : 0),
					 near + 6);
		}
		return fail_line(l, line, "duplicate key");
	case json_error_out_of_memory:
		snprintf(l->err, l->errlen, "%s: out of memory", l->path);
		return -ENOMEM;
	default:
		return fail_line(l, line, "syntax error: %s", e->text);
	}
}

/* parse the value at the current position; @base = enclosing nesting levels */
static int parse_value(struct loader *l, int base, json_t **out)
{
	json_error_t e;
	json_t *j;
	int r;

	skip_ws(l);
	if (l->pos >= l->len)
		return expected(l, "a value");
	r = check_depth(l, l->pos, l->len, base);
	if (r)
		return r;
	j = json_loadb(l->buf + l->pos, l->len - l->pos, JFLAGS, &e);
	if (!j)
		return json_fail(l, &e);
	advance(l, l->pos + (size_t)e.position);
	*out = j;
	return 0;
}

/* ---- value conversion ---- */

/* "a string \"12\"", "true", "an array", ... for "must be X, not Y" */
static const char *describe(const json_t *v, char *buf, size_t len)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		snprintf(buf, len, "a string \"%.40s%s\"", json_string_value(v),
			 json_string_length(v) > 40 ? "..." : "");
		return buf;
	case JSON_INTEGER:
		snprintf(buf, len, "%s %" JSON_INTEGER_FORMAT,
			 json_integer_value(v) < 0 ? "a negative number" : "the number",
			 json_integer_value(v));
		return buf;
	case JSON_REAL:
		/* keep "4096.0" recognisable as a real */
		snprintf(buf, len, "a real number %.17g", json_real_value(v));
		if (!strpbrk(buf + 14, ".en"))
			strncat(buf, ".0", len - strlen(buf) - 1);
		return buf;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	default:
		return "null";
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* @pfx: "" or "bind entry 1: " */
static int to_u64(struct loader *l, const json_t *v, const char *pfx, const char *key,
		  uint64_t *out)
{
	char d[80];

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		uint64_t x = 0;

		if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			if (n < 3 || n > 18)
				goto bad_hex;
			for (size_t i = 2; i < n; i++) {
				int h = hexval(s[i]);

				if (h < 0)
					goto bad_hex;
				x = x << 4 | (uint64_t)h;
			}
			*out = x;
			return 0;
		}
	}
	return fail_op(l, "%s\"%s\" must be an integer or \"0x...\" string, not %s", pfx, key,
		       describe(v, d, sizeof(d)));
bad_hex:
	return fail_op(l, "%s\"%s\": bad hex string %s (want \"0x\" and 1 to 16 hex digits)", pfx,
		       key, describe(v, d, sizeof(d)) + 9);
}

static int get_u64(struct loader *l, const json_t *o, const char *pfx, const char *key,
		   bool required, uint64_t def, uint64_t *out)
{
	const json_t *v = json_object_get(o, key);

	if (!v) {
		if (required)
			return fail_op(l, "%smissing key \"%s\"", pfx, key);
		*out = def;
		return 0;
	}
	return to_u64(l, v, pfx, key, out);
}

static int check_id(struct loader *l, const char *pfx, const char *key, uint64_t x)
{
	if (x < 1)
		return fail_op(l, "%s\"%s\" must be an id >= 1, not 0", pfx, key);
	if (x > VMB_TRACE_MAX_ID)
		return fail_op(l, "%s\"%s\" %" PRIu64 " is too large (ids go up to %u)", pfx, key,
			       x, VMB_TRACE_MAX_ID);
	return 0;
}

static int get_id(struct loader *l, const json_t *o, const char *pfx, const char *key,
		  bool required, uint32_t *out)
{
	uint64_t x;
	int r;

	if (!required && !json_object_get(o, key)) {
		*out = 0;
		return 0;
	}
	r = get_u64(l, o, pfx, key, true, 0, &x);
	if (!r)
		r = check_id(l, pfx, key, x);
	if (!r)
		*out = (uint32_t)x;
	return r;
}

static int get_bool(struct loader *l, const json_t *o, const char *key, bool def, bool *out)
{
	const json_t *v = json_object_get(o, key);
	char d[80];

	if (!v) {
		*out = def;
		return 0;
	}
	if (!json_is_boolean(v))
		return fail_op(l, "\"%s\" must be true or false, not %s", key,
			       describe(v, d, sizeof(d)));
	*out = json_is_true(v);
	return 0;
}

/* a string enum; @lookup returns the value or -EINVAL; @known lists names */
static int get_enum(struct loader *l, const json_t *o, const char *key, int (*lookup)(const char *),
		    const char *known, uint8_t *out)
{
	const json_t *v = json_object_get(o, key);
	char d[80];
	int x;

	if (!v) {
		*out = 0;
		return 0;
	}
	if (!json_is_string(v))
		return fail_op(l, "\"%s\" must be a string (one of %s), not %s", key, known,
			       describe(v, d, sizeof(d)));
	x = lookup(json_string_value(v));
	if (x < 0)
		return fail_op(l, "unknown %s \"%s\" (known: %s)", key, json_string_value(v), known);
	*out = (uint8_t)x;
	return 0;
}

static int get_flags(struct loader *l, const json_t *o, const char *pfx,
		     const struct vmb_flag_name *tab, uint32_t *out)
{
	const json_t *v = json_object_get(o, "flags");
	const json_t *f;
	char d[80], known[128];
	size_t i;

	*out = 0;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return fail_op(l, "%s\"flags\" must be an array of strings, not %s", pfx,
			       describe(v, d, sizeof(d)));
	json_array_foreach(v, i, f) {
		uint32_t bit;

		if (!json_is_string(f))
			return fail_op(l, "%s\"flags\" must be an array of strings, not an array "
				       "holding %s", pfx, describe(f, d, sizeof(d)));
		if (vmb_trace_lookup_flag(tab, json_string_value(f), &bit)) {
			vmb_trace_flag_list(tab, known, sizeof(known));
			return fail_op(l, "%sunknown flag \"%s\" (known: %s)", pfx,
				       json_string_value(f), known);
		}
		*out |= bit;
	}
	return 0;
}

/*
 * Reject keys outside @allowed (NULL-terminated) unless they start with
 * "x_". @what names the object for the message, e.g. "op \"bind\"".
 */
static int check_keys(struct loader *l, json_t *o, const char *const *allowed, const char *what)
{
	const char *key;
	json_t *val;

	json_object_foreach(o, key, val) {
		const char *const *a;
		char list[160];
		size_t used = 0;

		if (key[0] == 'x' && key[1] == '_')
			continue;
		for (a = allowed; *a; a++)
			if (!strcmp(*a, key))
				break;
		if (*a)
			continue;
		list[0] = '\0';
		for (a = allowed; *a && used < sizeof(list); a++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						 used ? ", " : "", *a);
		return fail_op(l, "unknown key \"%s\" in %s (allowed: %s)", key, what, list);
	}
	return 0;
}

/* ---- pools ---- */

static int reserve(void **arr, size_t *cap, size_t n, size_t more, size_t elem)
{
	size_t want;
	void *p;

	if (n + more <= *cap)
		return 0;
	want = *cap ? *cap : 64;
	while (want < n + more)
		want += want / 2 + 1;
	p = realloc(*arr, want * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = want;
	return 0;
}

static int oom(struct loader *l)
{
	snprintf(l->err, l->errlen, "%s: out of memory", l->path);
	return -ENOMEM;
}

/* parse a "syncs"/"in"/"out" array into the sync pool; *n = count */
static int get_syncs(struct loader *l, const json_t *o, const char *key, bool required,
		     uint32_t *n)
{
	static const char *const sync_keys[] = { "syncobj", "point", NULL };
	const json_t *arr = json_object_get(o, key);
	struct vmb_trace *t = l->t;
	json_t *s;
	char d[80];
	size_t i;

	*n = 0;
	if (!arr) {
		if (required)
			return fail_op(l, "missing key \"%s\"", key);
		return 0;
	}
	if (!json_is_array(arr))
		return fail_op(l, "\"%s\" must be an array of syncs, not %s", key,
			       describe(arr, d, sizeof(d)));
	if (json_array_size(arr) > UINT16_MAX)
		return fail_op(l, "\"%s\" has %zu syncs (at most %u per op)", key,
			       json_array_size(arr), UINT16_MAX);
	if (reserve((void **)&t->syncs, &l->cap_syncs, t->n_syncs, json_array_size(arr),
		    sizeof(*t->syncs)))
		return oom(l);
	json_array_foreach(arr, i, s) {
		struct vmb_sync *sy = &t->syncs[t->n_syncs];
		char what[48], pfx[48];
		uint64_t point;
		int r;

		snprintf(pfx, sizeof(pfx), "\"%s\" sync %zu: ", key, i);
		if (!json_is_object(s))
			return fail_op(l, "%smust be an object {\"syncobj\": id}, not %s", pfx,
				       describe(s, d, sizeof(d)));
		snprintf(what, sizeof(what), "\"%s\" sync %zu", key, i);
		r = check_keys(l, s, sync_keys, what);
		if (!r)
			r = get_id(l, s, pfx, "syncobj", true, &sy->syncobj);
		if (!r)
			r = get_u64(l, s, pfx, "point", false, 0, &point);
		if (r)
			return r;
		sy->point = point;
		sy->pad = 0;
		t->n_syncs++;
	}
	*n = (uint32_t)i;
	return 0;
}

static int get_sync_first(struct loader *l, uint32_t *first)
{
	if (l->t->n_syncs >= UINT32_MAX)
		return fail_op(l, "too many syncs in the trace");
	*first = (uint32_t)l->t->n_syncs;
	return 0;
}

static const char *const entry_keys[VMB_BIND_COUNT][8] = {
	[VMB_BIND_MAP] = { "kind", "va", "range", "bo", "offset", "flags", "hw", NULL },
	[VMB_BIND_MAP_NULL] = { "kind", "va", "range", "flags", "hw", NULL },
	[VMB_BIND_MAP_USERPTR] = { "kind", "va", "range", "addr", "flags", "hw", NULL },
	[VMB_BIND_UNMAP] = { "kind", "va", "range", NULL },
	[VMB_BIND_UNMAP_ALL] = { "kind", "bo", NULL },
	[VMB_BIND_PREFETCH] = { "kind", "va", "range", "region", NULL },
};

static int parse_entry(struct loader *l, json_t *o, size_t idx, struct vmb_bind_entry *e)
{
	const json_t *k = json_object_get(o, "kind");
	char pfx[48], what[64], d[80];
	uint32_t flags;
	int kind, r;

	snprintf(pfx, sizeof(pfx), "bind entry %zu: ", idx);
	if (!json_is_object(o))
		return fail_op(l, "%smust be an object, not %s", pfx, describe(o, d, sizeof(d)));
	if (!k)
		return fail_op(l, "%smissing key \"kind\"", pfx);
	if (!json_is_string(k))
		return fail_op(l, "%s\"kind\" must be a string, not %s", pfx,
			       describe(k, d, sizeof(d)));
	kind = vmb_trace_lookup_bind_kind(json_string_value(k));
	if (kind < 0)
		return fail_op(l, "%sunknown kind \"%s\" (known: map, map_null, map_userptr, unmap, "
			       "unmap_all, prefetch)", pfx, json_string_value(k));
	snprintf(what, sizeof(what), "bind entry %zu (%s)", idx, json_string_value(k));
	r = check_keys(l, o, entry_keys[kind], what);
	if (r)
		return r;

	memset(e, 0, sizeof(*e));
	e->kind = (uint8_t)kind;
	if (kind == VMB_BIND_UNMAP_ALL)
		return get_id(l, o, pfx, "bo", true, &e->bo);
	r = get_u64(l, o, pfx, "va", true, 0, &e->va);
	if (!r)
		r = get_u64(l, o, pfx, "range", true, 0, &e->range);
	if (r)
		return r;
	switch (kind) {
	case VMB_BIND_MAP:
		r = get_id(l, o, pfx, "bo", true, &e->bo);
		if (!r)
			r = get_u64(l, o, pfx, "offset", false, 0, &e->offset);
		break;
	case VMB_BIND_MAP_USERPTR:
		r = get_u64(l, o, pfx, "addr", true, 0, &e->offset);
		break;
	case VMB_BIND_PREFETCH:
		r = get_u64(l, o, pfx, "region", false, 0, &e->offset);
		break;
	}
	if (r)
		return r;
	if (kind == VMB_BIND_MAP || kind == VMB_BIND_MAP_NULL || kind == VMB_BIND_MAP_USERPTR) {
		r = get_flags(l, o, pfx, vmb_bind_flag_names, &flags);
		if (!r)
			r = get_u64(l, o, pfx, "hw", false, 0, &e->hw);
		e->flags = (uint8_t)flags;
	}
	return r;
}

static int parse_bind(struct loader *l, json_t *o, struct vmb_op *op)
{
	struct vmb_trace *t = l->t;
	const json_t *arr;
	json_t *ent;
	uint32_t n_in, n_out;
	char d[80];
	size_t i;
	int r;

	r = get_id(l, o, "", "vm", true, &op->u.bind.vm);
	if (!r)
		r = get_id(l, o, "", "queue", false, &op->u.bind.queue);
	if (r)
		return r;
	arr = json_object_get(o, "binds");
	if (!arr)
		return fail_op(l, "missing key \"binds\"");
	if (!json_is_array(arr))
		return fail_op(l, "\"binds\" must be an array of bind entries, not %s",
			       describe(arr, d, sizeof(d)));
	if (t->n_binds + json_array_size(arr) >= UINT32_MAX)
		return fail_op(l, "too many bind entries in the trace");
	if (reserve((void **)&t->binds, &l->cap_binds, t->n_binds, json_array_size(arr),
		    sizeof(*t->binds)))
		return oom(l);
	op->u.bind.first_bind = (uint32_t)t->n_binds;
	json_array_foreach(arr, i, ent) {
		r = parse_entry(l, ent, i, &t->binds[t->n_binds]);
		if (r)
			return r;
		t->n_binds++;
	}
	op->u.bind.n_binds = (uint32_t)i;
	r = get_sync_first(l, &op->u.bind.first_sync);
	if (!r)
		r = get_syncs(l, o, "in", false, &n_in);
	if (!r)
		r = get_syncs(l, o, "out", false, &n_out);
	if (r)
		return r;
	op->u.bind.n_in = (uint16_t)n_in;
	op->u.bind.n_out = (uint16_t)n_out;
	return 0;
}

static int parse_submit(struct loader *l, json_t *o, struct vmb_op *op)
{
	struct vmb_trace *t = l->t;
	const json_t *arr;
	json_t *b;
	uint32_t n_in, n_out;
	char d[80];
	size_t i;
	int r;

	r = get_id(l, o, "", "queue", true, &op->u.submit.queue);
	if (!r)
		r = get_u64(l, o, "", "gpu_ns", false, 0, &op->u.submit.gpu_ns);
	if (r)
		return r;
	op->u.submit.first_bo = (uint32_t)t->n_ids;
	arr = json_object_get(o, "bos");
	if (arr) {
		if (!json_is_array(arr))
			return fail_op(l, "\"bos\" must be an array of bo ids, not %s",
				       describe(arr, d, sizeof(d)));
		if (t->n_ids + json_array_size(arr) >= UINT32_MAX)
			return fail_op(l, "too many submit bos in the trace");
		if (reserve((void **)&t->ids, &l->cap_ids, t->n_ids, json_array_size(arr),
			    sizeof(*t->ids)))
			return oom(l);
		json_array_foreach(arr, i, b) {
			char key[32];
			uint64_t x;

			snprintf(key, sizeof(key), "bos[%zu]", i);
			r = to_u64(l, b, "", key, &x);
			if (!r)
				r = check_id(l, "", key, x);
			if (r)
				return r;
			t->ids[t->n_ids++] = (uint32_t)x;
		}
		op->u.submit.n_bos = (uint32_t)i;
	}
	r = get_sync_first(l, &op->u.submit.first_sync);
	if (!r)
		r = get_syncs(l, o, "in", false, &n_in);
	if (!r)
		r = get_syncs(l, o, "out", false, &n_out);
	if (r)
		return r;
	op->u.submit.n_in = (uint16_t)n_in;
	op->u.submit.n_out = (uint16_t)n_out;
	return 0;
}

static int lookup_engine(const char *s)
{
	return vmb_trace_lookup_engine(s);
}

static int lookup_placement(const char *s)
{
	return vmb_trace_lookup_placement(s);
}

static int parse_vm_create(struct loader *l, json_t *o, struct vmb_op *op, uint64_t *krange)
{
	typeof(op->u.vm_create) *c = &op->u.vm_create;
	int r;

	r = get_id(l, o, "", "vm", true, &c->vm);
	if (!r)
		r = get_u64(l, o, "", "va_start", false, 0, &c->va_start);
	if (r)
		return r;
	if (c->va_start >= (1ull << 48) && !json_object_get(o, "va_range"))
		return fail_op(l, "va_start 0x%" PRIx64 " is at or above 2^48, so \"va_range\" "
			       "has no default: give it", c->va_start);
	r = get_u64(l, o, "", "va_range", false, (1ull << 48) - c->va_start, &c->va_range);
	if (!r)
		r = get_u64(l, o, "", "kernel_start", false, 0, &c->kernel_start);
	if (!r)
		r = get_u64(l, o, "", "kernel_range", false, 0, krange);
	if (!r)
		r = get_flags(l, o, "", vmb_vm_flag_names, &c->flags);
	return r;
}

static const char *const op_keys[VMB_OP_COUNT][10] = {
	[VMB_OP_VM_CREATE] = { "vm", "va_start", "va_range", "kernel_start", "kernel_range",
			       "flags" },
	[VMB_OP_VM_DESTROY] = { "vm" },
	[VMB_OP_QUEUE_CREATE] = { "queue", "vm", "engine" },
	[VMB_OP_QUEUE_DESTROY] = { "queue" },
	[VMB_OP_BO_CREATE] = { "bo", "size", "placement", "vm", "flags" },
	[VMB_OP_BO_CLOSE] = { "bo" },
	[VMB_OP_SYNCOBJ_CREATE] = { "syncobj", "timeline", "signaled" },
	[VMB_OP_SYNCOBJ_DESTROY] = { "syncobj" },
	[VMB_OP_BIND] = { "vm", "queue", "binds", "in", "out" },
	[VMB_OP_SUBMIT] = { "queue", "bos", "in", "out", "gpu_ns" },
	[VMB_OP_WAIT] = { "syncs", "all", "timeout_ns" },
	[VMB_OP_SIGNAL] = { "syncs" },
	[VMB_OP_CPU_UNMAP] = { "addr", "size" },
	[VMB_OP_EVICT] = { "bo" },
	[VMB_OP_FRAME] = { "n" },
};

static int check_op_keys(struct loader *l, json_t *o, int kind)
{
	const char *allowed[16];
	char what[40];
	size_t n = 0;

	for (const char *const *k = op_keys[kind]; *k; k++)
		allowed[n++] = *k;
	allowed[n++] = "t";
	allowed[n++] = "tid";
	allowed[n++] = "ret";
	allowed[n++] = "op";
	allowed[n] = NULL;
	snprintf(what, sizeof(what), "op \"%s\"", vmb_op_kind_name(kind));
	return check_keys(l, o, allowed, what);
}

static int parse_common(struct loader *l, json_t *o, struct vmb_op *op, bool *has_t)
{
	const json_t *ret = json_object_get(o, "ret");
	uint64_t tid = 0;
	char d[80];
	int r;

	*has_t = json_object_get(o, "t") != NULL;
	r = get_u64(l, o, "", "t", false, 0, &op->t);
	if (!r)
		r = get_u64(l, o, "", "tid", false, 0, &tid);
	if (r)
		return r;
	if (tid > UINT32_MAX)
		return fail_op(l, "\"tid\" %" PRIu64 " does not fit in 32 bits", tid);
	op->tid = (uint32_t)tid;
	if (ret) {
		if (!json_is_integer(ret) || json_integer_value(ret) > 0 ||
		    json_integer_value(ret) < -4095)
			return fail_op(l, "\"ret\" must be 0 or a negative errno >= -4095, not %s",
				       describe(ret, d, sizeof(d)));
		op->ret = (int16_t)json_integer_value(ret);
	}
	return 0;
}

/* convert one op object, append it, validate it */
static int parse_op(struct loader *l, json_t *o)
{
	struct vmb_trace *t = l->t;
	struct vmb_op op;
	uint64_t krange = 0;
	const json_t *k;
	uint32_t n = 0, flags = 0;
	char d[80], why[320];
	bool has_t;
	int kind, r;

	if (!json_is_object(o))
		return fail_op(l, "an op must be an object, not %s", describe(o, d, sizeof(d)));
	k = json_object_get(o, "op");
	if (!k)
		return fail_op(l, "missing key \"op\"");
	if (!json_is_string(k))
		return fail_op(l, "\"op\" must be a string, not %s", describe(k, d, sizeof(d)));
	kind = vmb_trace_lookup_op(json_string_value(k));
	if (kind < 0)
		return fail_op(l, "unknown op \"%s\"", json_string_value(k));
	r = check_op_keys(l, o, kind);
	if (r)
		return r;

	memset(&op, 0, sizeof(op));
	op.kind = (uint8_t)kind;
	op.line = l->op_line;
	r = parse_common(l, o, &op, &has_t);
	if (r)
		return r;

	switch (kind) {
	case VMB_OP_VM_CREATE:
		r = parse_vm_create(l, o, &op, &krange);
		break;
	case VMB_OP_VM_DESTROY:
		r = get_id(l, o, "", "vm", true, &op.u.vm_destroy.vm);
		break;
	case VMB_OP_QUEUE_CREATE:
		r = get_id(l, o, "", "queue", true, &op.u.queue.queue);
		if (!r)
			r = get_id(l, o, "", "vm", true, &op.u.queue.vm);
		if (!r)
			r = get_enum(l, o, "engine", lookup_engine, "render, compute, copy, bind",
				     &op.u.queue.engine);
		break;
	case VMB_OP_QUEUE_DESTROY:
		r = get_id(l, o, "", "queue", true, &op.u.queue.queue);
		break;
	case VMB_OP_BO_CREATE:
		r = get_id(l, o, "", "bo", true, &op.u.bo.bo);
		if (!r)
			r = get_u64(l, o, "", "size", true, 0, &op.u.bo.size);
		if (!r)
			r = get_enum(l, o, "placement", lookup_placement, "any, vram, system",
				     &op.u.bo.placement);
		if (!r)
			r = get_id(l, o, "", "vm", false, &op.u.bo.vm);
		if (!r)
			r = get_flags(l, o, "", vmb_bo_flag_names, &flags);
		op.u.bo.flags = (uint8_t)flags;
		break;
	case VMB_OP_BO_CLOSE:
		r = get_id(l, o, "", "bo", true, &op.u.bo.bo);
		break;
	case VMB_OP_SYNCOBJ_CREATE:
		r = get_id(l, o, "", "syncobj", true, &op.u.syncobj.syncobj);
		if (!r)
			r = get_bool(l, o, "timeline", false, &op.u.syncobj.timeline);
		if (!r)
			r = get_bool(l, o, "signaled", false, &op.u.syncobj.signaled);
		break;
	case VMB_OP_SYNCOBJ_DESTROY:
		r = get_id(l, o, "", "syncobj", true, &op.u.syncobj.syncobj);
		break;
	case VMB_OP_BIND:
		r = parse_bind(l, o, &op);
		break;
	case VMB_OP_SUBMIT:
		r = parse_submit(l, o, &op);
		break;
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		r = get_sync_first(l, &op.u.wait.first_sync);
		if (!r)
			r = get_syncs(l, o, "syncs", true, &n);
		op.u.wait.n = (uint16_t)n;
		if (!r && kind == VMB_OP_WAIT)
			r = get_bool(l, o, "all", true, &op.u.wait.all);
		if (!r && kind == VMB_OP_WAIT)
			r = get_u64(l, o, "", "timeout_ns", false, UINT64_MAX,
				    &op.u.wait.timeout_ns);
		break;
	case VMB_OP_CPU_UNMAP:
		r = get_u64(l, o, "", "addr", true, 0, &op.u.cpu_unmap.addr);
		if (!r)
			r = get_u64(l, o, "", "size", true, 0, &op.u.cpu_unmap.size);
		break;
	case VMB_OP_EVICT:
		r = get_id(l, o, "", "bo", true, &op.u.evict.bo);
		break;
	case VMB_OP_FRAME:
		r = get_u64(l, o, "", "n", true, 0, &op.u.frame.n);
		break;
	}
	if (r)
		return r;

	if (reserve((void **)&t->ops, &l->cap_ops, t->n_ops, 1, sizeof(*t->ops)))
		return oom(l);
	t->ops[t->n_ops] = op;
	r = vmb_validator_check(l->v, &t->ops[t->n_ops], has_t, krange, why, sizeof(why));
	if (r == -ENOMEM)
		return oom(l);
	if (r)
		return fail_op(l, "%s", why);
	t->n_ops++;
	return 0;
}

/* ---- header ---- */

static int header_value(struct loader *l, const char *key, const json_t *v, uint32_t line)
{
	struct vmb_trace *t = l->t;
	char d[80];

	if (!strcmp(key, "format")) {
		if (!json_is_string(v) || strcmp(json_string_value(v), "vmbench-trace"))
			return fail_line(l, line, "format must be \"vmbench-trace\", not %s",
					 describe(v, d, sizeof(d)));
		l->have_format = true;
	} else if (!strcmp(key, "version")) {
		if (!json_is_integer(v))
			return fail_line(l, line, "\"version\" must be an integer, not %s",
					 describe(v, d, sizeof(d)));
		if (json_integer_value(v) != 1)
			return fail_line(l, line, "unsupported version %" JSON_INTEGER_FORMAT
					 " (this build reads version 1)", json_integer_value(v));
		l->have_version = true;
	} else if (!strcmp(key, "driver")) {
		if (!json_is_string(v))
			return fail_line(l, line, "\"driver\" must be a string, not %s",
					 describe(v, d, sizeof(d)));
		if (vmb_driver_parse(json_string_value(v), &t->driver))
			return fail_line(l, line, "unknown driver \"%s\" (known: any, xe, amdgpu, "
					 "nouveau, panthor, msm)", json_string_value(v));
	} else if (!strcmp(key, "page_size")) {
		uint64_t ps;

		if (json_is_integer(v) && json_integer_value(v) >= 0) {
			ps = (uint64_t)json_integer_value(v);
		} else {
			/* reuse the op number rules, reported at the header's line */
			bool in_op = l->in_op;
			uint32_t op_line = l->op_line;
			int r;

			l->in_op = false;
			l->op_line = line;
			r = to_u64(l, v, "", "page_size", &ps);
			l->in_op = in_op;
			l->op_line = op_line;
			if (r)
				return r;
		}
		if (!ps || (ps & (ps - 1)))
			return fail_line(l, line, "page_size %" PRIu64 " is not a power of two", ps);
		t->page_size = ps;
	} else if (!strcmp(key, "source")) {
		const json_t *kind;

		if (!json_is_object(v))
			return fail_line(l, line, "\"source\" must be an object, not %s",
					 describe(v, d, sizeof(d)));
		kind = json_object_get(v, "kind");
		if (kind && !json_is_string(kind))
			return fail_line(l, line, "\"source\": \"kind\" must be a string, not %s",
					 describe(kind, d, sizeof(d)));
		free(t->source.kind);
		free(t->source.json);
		t->source.kind = strdup(kind ? json_string_value(kind) : "unknown");
		t->source.json = json_dumps(v, JSON_COMPACT);
		if (!t->source.kind || !t->source.json)
			return oom(l);
	}
	return 0;
}

static int header_done(struct loader *l)
{
	if (!l->have_format)
		return fail_line(l, l->hdr_line, "missing \"format\"");
	if (!l->have_version)
		return fail_line(l, l->hdr_line, "missing \"version\"");
	return 0;
}

static bool is_header_key(const char *key)
{
	return !strcmp(key, "format") || !strcmp(key, "version") || !strcmp(key, "driver") ||
	       !strcmp(key, "page_size") || !strcmp(key, "source");
}

/* ---- .json ---- */

static int note_key(struct loader *l, const char *key, uint32_t line)
{
	char **k;

	for (size_t i = 0; i < l->n_keys; i++)
		if (!strcmp(l->keys[i], key))
			return fail_line(l, line, "duplicate key \"%s\"", key);
	k = realloc(l->keys, (l->n_keys + 1) * sizeof(*k));
	if (!k)
		return oom(l);
	l->keys = k;
	k[l->n_keys] = strdup(key);
	if (!k[l->n_keys])
		return oom(l);
	l->n_keys++;
	return 0;
}

static int parse_ops_array(struct loader *l)
{
	json_t *o;
	char d[80];
	int r;

	skip_ws(l);
	if (l->pos >= l->len)
		return expected(l, "'['");
	if (l->buf[l->pos] != '[') {
		r = parse_value(l, 1, &o);
		if (r)
			return r;
		r = fail_line(l, l->line, "\"ops\" must be an array, not %s",
			      describe(o, d, sizeof(d)));
		json_decref(o);
		return r;
	}
	l->pos++;
	skip_ws(l);
	if (l->pos < l->len && l->buf[l->pos] == ']') {
		l->pos++;
		return 0;
	}
	for (;;) {
		skip_ws(l);
		l->in_op = true;
		l->op_index = l->t->n_ops;
		l->op_line = l->line;
		if (l->pos < l->len && l->buf[l->pos] == ']')
			return fail_line(l, l->line, "syntax error: trailing ',' before ']'");
		r = parse_value(l, 2, &o);
		if (r)
			return r;
		r = parse_op(l, o);
		json_decref(o);
		if (r)
			return r;
		skip_ws(l);
		if (l->pos < l->len && l->buf[l->pos] == ',') {
			l->pos++;
			continue;
		}
		if (l->pos < l->len && l->buf[l->pos] == ']') {
			l->pos++;
			l->in_op = false;
			return 0;
		}
		l->op_index++;
		return expected(l, "',' or ']' after an op");
	}
}

static int load_json(struct loader *l)
{
	json_t *key, *val;
	int r;

	skip_ws(l);
	if (l->pos >= l->len)
		return fail_line(l, 1, "empty file");
	if (l->buf[l->pos] != '{')
		return expected(l, "'{' (a trace is one JSON object)");
	l->hdr_line = l->line;
	l->pos++;
	skip_ws(l);
	if (l->pos < l->len && l->buf[l->pos] == '}') {
		l->pos++;
		goto end;
	}
	for (;;) {
		const char *k;
		uint32_t line;

		skip_ws(l);
		line = l->line;
		if (l->pos >= l->len || l->buf[l->pos] != '"')
			return expected(l, "a string key");
		r = parse_value(l, 1, &key);
		if (r)
			return r;
		k = json_string_value(key);
		r = note_key(l, k, line);
		skip_ws(l);
		if (!r && (l->pos >= l->len || l->buf[l->pos] != ':'))
			r = expected(l, "':'");
		if (r)
			goto out_key;
		l->pos++;
		if (!strcmp(k, "ops")) {
			r = header_done(l);
			if (!r)
				r = parse_ops_array(l);
			l->seen_ops = true;
		} else {
			skip_ws(l);
			line = l->line;
			r = parse_value(l, 1, &val);
			if (r)
				goto out_key;
			if (l->seen_ops && is_header_key(k))
				r = fail_line(l, line, "header key \"%s\" after \"ops\" (the header "
					      "must come first)", k);
			else
				r = header_value(l, k, val, line);
			json_decref(val);
		}
out_key:
		json_decref(key);
		if (r)
			return r;
		skip_ws(l);
		if (l->pos < l->len && l->buf[l->pos] == ',') {
			l->pos++;
			continue;
		}
		if (l->pos < l->len && l->buf[l->pos] == '}') {
			l->pos++;
			break;
		}
		return expected(l, "',' or '}'");
	}
end:
	skip_ws(l);
	if (l->pos < l->len)
		return fail_line(l, l->line, "trailing data after the trace object");
	r = header_done(l);
	if (!r && !l->seen_ops)
		r = fail_line(l, l->hdr_line, "missing \"ops\"");
	return r;
}

/* ---- .jsonl ---- */

static int parse_line(struct loader *l, size_t end, json_t **out)
{
	json_error_t e;
	json_t *j;
	int r;

	r = check_depth(l, l->pos, end, 0);
	if (r)
		return r;
	j = json_loadb(l->buf + l->pos, end - l->pos, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
		       &e);
	if (!j)
		return json_fail(l, &e);
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

static size_t line_end(const struct loader *l)
{
	const char *nl = memchr(l->buf + l->pos, '\n', l->len - l->pos);

	return nl ? (size_t)(nl - l->buf) : l->len;
}

static int load_jsonl(struct loader *l)
{
	const char *key;
	json_t *hdr, *val;
	size_t end;
	char d[80];
	int r;

	if (!l->len || (blank(l->buf, l->len) && !memchr(l->buf, '\n', l->len)))
		return fail_line(l, 1, "empty file");
	end = line_end(l);
	if (blank(l->buf, end))
		return fail_line(l, 1, "blank line (the first line must be the header)");
	l->hdr_line = 1;
	r = parse_line(l, end, &hdr);
	if (r)
		return r;
	if (!json_is_object(hdr)) {
		r = fail_line(l, 1, "the header must be an object, not %s",
			      describe(hdr, d, sizeof(d)));
		goto out_hdr;
	}
	json_object_foreach(hdr, key, val) {
		if (!strcmp(key, "ops")) {
			r = fail_line(l, 1, "a .jsonl header must not hold \"ops\" (ops follow, one "
				      "per line)");
			goto out_hdr;
		}
		r = header_value(l, key, val, 1);
		if (r)
			goto out_hdr;
	}
	r = header_done(l);
out_hdr:
	json_decref(hdr);
	if (r)
		return r;

	while (end < l->len) {
		json_t *o;

		/* step over the '\n' ending the previous line */
		l->pos = end + 1;
		l->line++;
		if (l->pos >= l->len)
			break;
		end = line_end(l);
		l->in_op = true;
		l->op_index = l->t->n_ops;
		l->op_line = l->line;
		if (blank(l->buf + l->pos, end - l->pos))
			return fail_line(l, l->line, "blank line");
		r = parse_line(l, end, &o);
		if (r == -EINVAL && end == l->len) {
			fprintf(stderr, "%s:%" PRIu32 ": warning: dropped an incomplete last line "
				"(interrupted write)\n", l->path, l->line);
			l->t->dropped_partial_line = true;
			return 0;
		}
		if (r)
			return r;
		r = parse_op(l, o);
		json_decref(o);
		if (r)
			return r;
	}
	return 0;
}

/* ---- entry points ---- */

static void shrink(void **arr, size_t n, size_t elem)
{
	void *p;

	if (!n) {
		free(*arr);
		*arr = NULL;
		return;
	}
	p = realloc(*arr, n * elem);
	if (p)
		*arr = p;
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
	struct sha256_ctx c;
	uint8_t dig[SHA256_DIGEST_SIZE];

	sha256_init(&c);
	sha256_update(&c, len, data);
	sha256_digest(&c, sizeof(dig), dig);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", dig[i]);
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

int vmb_trace_load(const char *path, struct vmb_trace **out, char *err, size_t errlen)
{
	struct loader l = { .path = path, .line = 1, .err = err, .errlen = errlen };
	struct vmb_trace *t;
	void *map = NULL;
	struct stat st;
	int fd, r;

	if (errlen)
		err[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_io(&l, errno, "");
	if (fstat(fd, &st)) {
		r = fail_io(&l, errno, "");
		close(fd);
		return r;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return fail_io(&l, EISDIR, "");
	}
	if (st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			r = fail_io(&l, errno, "mmap");
			close(fd);
			return r;
		}
		madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	}
	close(fd);
	l.buf = map;
	l.len = (size_t)st.st_size;

	t = calloc(1, sizeof(*t));
	if (!t || !(t->path = strdup(path))) {
		free(t);
		t = NULL;
		r = oom(&l);
		goto out_unmap;
	}
	t->page_size = 4096;
	t->driver = VMB_DRIVER_ANY;
	t->file_bytes = l.len;
	l.t = t;
	r = vmb_validator_create(t, &l.v);
	if (r) {
		r = oom(&l);
		goto out_trace;
	}
	l.jsonl = has_suffix(path, ".jsonl");
	r = l.jsonl ? load_jsonl(&l) : load_json(&l);
	vmb_validator_destroy(l.v);
	if (r)
		goto out_trace;

	if (!t->source.kind && !(t->source.kind = strdup("unknown"))) {
		r = oom(&l);
		goto out_trace;
	}
	shrink((void **)&t->ops, t->n_ops, sizeof(*t->ops));
	shrink((void **)&t->binds, t->n_binds, sizeof(*t->binds));
	shrink((void **)&t->syncs, t->n_syncs, sizeof(*t->syncs));
	shrink((void **)&t->ids, t->n_ids, sizeof(*t->ids));
	shrink((void **)&t->vm_kernel_range, t->n_vm_ids, sizeof(*t->vm_kernel_range));
	sha256_hex(l.buf ? l.buf : "", l.len, t->sha256);
	*out = t;
	t = NULL;
out_trace:
	vmb_trace_destroy(t);
out_unmap:
	for (size_t i = 0; i < l.n_keys; i++)
		free(l.keys[i]);
	free(l.keys);
	if (map)
		munmap(map, l.len);
	return r;
}

void vmb_trace_destroy(struct vmb_trace *trace)
{
	if (!trace)
		return;
	free(trace->path);
	free(trace->source.kind);
	free(trace->source.json);
	free(trace->ops);
	free(trace->binds);
	free(trace->syncs);
	free(trace->ids);
	free(trace->vm_kernel_range);
	free(trace);
}
