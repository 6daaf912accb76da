// SPDX-License-Identifier: MIT
/*
 * trace_parse.c - convert one op, as a jansson object, into a struct vmb_op
 * plus its entries in the side pools (bind entries, syncs, BO ids).
 *
 * This is the syntactic half of the trace checks: types, required and
 * unknown keys, number formats, enum names and flag names. It needs no
 * state beyond the arrays it appends to, so several .jsonl chunks can be
 * parsed at once; the semantic half (object lifetimes, addresses, time
 * order) runs afterwards in op order, in trace_validate.c.
 *
 * Each object's keys are looked at exactly once: every key is mapped to a
 * field slot (or rejected as unknown), then the per-kind code reads the
 * slots. Message prefixes such as "bind entry 2: " are built only when an
 * error is reported.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trace_priv.h"

/* every key that may appear in an op, a bind entry or a sync */
enum field {
	F_NONE, /* 0: an empty slot of the lookup table */
	F_OP,
	F_T,
	F_TID,
	F_RET,
	F_VM,
	F_QUEUE,
	F_BO,
	F_SYNCOBJ,
	F_SIZE,
	F_PLACEMENT,
	F_FLAGS,
	F_VA_START,
	F_VA_RANGE,
	F_KERNEL_START,
	F_KERNEL_RANGE,
	F_ENGINE,
	F_TIMELINE,
	F_SIGNALED,
	F_BINDS,
	F_IN,
	F_OUT,
	F_BOS,
	F_GPU_NS,
	F_SYNCS,
	F_ALL,
	F_TIMEOUT_NS,
	F_ADDR,
	F_N,
	F_SRC,
	F_SRC_POINT,
	F_DST,
	F_DST_POINT,
	F_SYNCOBJS,
	F_SYNC_FILE,
	/* bind entries */
	F_KIND,
	F_VA,
	F_RANGE,
	F_OFFSET,
	F_HW,
	F_REGION,
	/* syncs */
	F_POINT,
	F_COUNT
};

static const char *const field_name[F_COUNT] = {
    [F_OP] = "op",
    [F_T] = "t",
    [F_TID] = "tid",
    [F_RET] = "ret",
    [F_VM] = "vm",
    [F_QUEUE] = "queue",
    [F_BO] = "bo",
    [F_SYNCOBJ] = "syncobj",
    [F_SIZE] = "size",
    [F_PLACEMENT] = "placement",
    [F_FLAGS] = "flags",
    [F_VA_START] = "va_start",
    [F_VA_RANGE] = "va_range",
    [F_KERNEL_START] = "kernel_start",
    [F_KERNEL_RANGE] = "kernel_range",
    [F_ENGINE] = "engine",
    [F_TIMELINE] = "timeline",
    [F_SIGNALED] = "signaled",
    [F_BINDS] = "binds",
    [F_IN] = "in",
    [F_OUT] = "out",
    [F_BOS] = "bos",
    [F_GPU_NS] = "gpu_ns",
    [F_SYNCS] = "syncs",
    [F_ALL] = "all",
    [F_TIMEOUT_NS] = "timeout_ns",
    [F_ADDR] = "addr",
    [F_N] = "n",
    [F_SRC] = "src",
    [F_SRC_POINT] = "src_point",
    [F_DST] = "dst",
    [F_DST_POINT] = "dst_point",
    [F_SYNCOBJS] = "syncobjs",
    [F_SYNC_FILE] = "sync_file",
    [F_KIND] = "kind",
    [F_VA] = "va",
    [F_RANGE] = "range",
    [F_OFFSET] = "offset",
    [F_HW] = "hw",
    [F_REGION] = "region",
    [F_POINT] = "point",
};

#define B(f) (1ull << (f))
#define COMMON (B(F_OP) | B(F_T) | B(F_TID) | B(F_RET))

/* the keys each op takes besides the common op, t, tid and ret */
static const uint64_t op_fields[VMB_OP_COUNT] = {
    [VMB_OP_VM_CREATE] = B(F_VM) | B(F_VA_START) | B(F_VA_RANGE) | B(F_KERNEL_START) |
			 B(F_KERNEL_RANGE) | B(F_FLAGS),
    [VMB_OP_VM_DESTROY] = B(F_VM),
    [VMB_OP_QUEUE_CREATE] = B(F_QUEUE) | B(F_VM) | B(F_ENGINE),
    [VMB_OP_QUEUE_DESTROY] = B(F_QUEUE),
    [VMB_OP_BO_CREATE] = B(F_BO) | B(F_SIZE) | B(F_PLACEMENT) | B(F_VM) | B(F_FLAGS),
    [VMB_OP_BO_CLOSE] = B(F_BO),
    [VMB_OP_SYNCOBJ_CREATE] = B(F_SYNCOBJ) | B(F_TIMELINE) | B(F_SIGNALED),
    [VMB_OP_SYNCOBJ_DESTROY] = B(F_SYNCOBJ),
    [VMB_OP_BIND] = B(F_VM) | B(F_QUEUE) | B(F_BINDS) | B(F_IN) | B(F_OUT),
    [VMB_OP_SUBMIT] = B(F_QUEUE) | B(F_BOS) | B(F_IN) | B(F_OUT) | B(F_GPU_NS),
    [VMB_OP_WAIT] = B(F_SYNCS) | B(F_ALL) | B(F_TIMEOUT_NS),
    [VMB_OP_SIGNAL] = B(F_SYNCS),
    [VMB_OP_CPU_UNMAP] = B(F_ADDR) | B(F_SIZE),
    [VMB_OP_EVICT] = B(F_BO),
    [VMB_OP_FRAME] = B(F_N),
    [VMB_OP_CPU_MIGRATE] = B(F_ADDR) | B(F_SIZE),
    [VMB_OP_TRANSFER] = B(F_SRC) | B(F_SRC_POINT) | B(F_DST) | B(F_DST_POINT) | B(F_FLAGS),
    [VMB_OP_SYNCOBJ_RESET] = B(F_SYNCOBJS),
    [VMB_OP_SYNC_FILE_EXPORT] = B(F_SYNCOBJ) | B(F_SYNC_FILE),
    [VMB_OP_SYNC_FILE_IMPORT] = B(F_SYNCOBJ) | B(F_SYNC_FILE),
};

static const uint64_t entry_fields[VMB_BIND_COUNT] = {
    [VMB_BIND_MAP] =
	B(F_KIND) | B(F_VA) | B(F_RANGE) | B(F_BO) | B(F_OFFSET) | B(F_FLAGS) | B(F_HW),
    [VMB_BIND_MAP_NULL] = B(F_KIND) | B(F_VA) | B(F_RANGE) | B(F_FLAGS) | B(F_HW),
    [VMB_BIND_MAP_USERPTR] = B(F_KIND) | B(F_VA) | B(F_RANGE) | B(F_ADDR) | B(F_FLAGS) | B(F_HW),
    [VMB_BIND_UNMAP] = B(F_KIND) | B(F_VA) | B(F_RANGE),
    [VMB_BIND_UNMAP_ALL] = B(F_KIND) | B(F_BO),
    [VMB_BIND_PREFETCH] = B(F_KIND) | B(F_VA) | B(F_RANGE) | B(F_REGION),
};

#define SYNC_FIELDS (B(F_SYNCOBJ) | B(F_POINT))

/* message order of the allowed-keys list: an op's own keys, then common ones */
static const uint8_t key_order[] = {
    F_KIND,	F_QUEUE,     F_BO,	 F_SYNCOBJ,	 F_SIZE,	 F_PLACEMENT,
    F_VM,	F_VA_START,  F_VA_RANGE, F_KERNEL_START, F_KERNEL_RANGE, F_ENGINE,
    F_TIMELINE, F_SIGNALED,  F_BINDS,	 F_BOS,		 F_IN,		 F_OUT,
    F_GPU_NS,	F_SYNCS,     F_ALL,	 F_TIMEOUT_NS,	 F_SRC,		 F_SRC_POINT,
    F_DST,	F_DST_POINT, F_SYNCOBJS, F_SYNC_FILE,	 F_VA,		 F_RANGE,
    F_OFFSET,	F_ADDR,	     F_REGION,	 F_POINT,	 F_FLAGS,	 F_HW,
    F_N,	F_T,	     F_TID,	 F_RET,		 F_OP,
};

static int field_lookup(const char *k)
{
	/* dispatch on the first byte; at most a few strcmp per key */
	static const uint8_t by_first[26][8] = {
	    ['a' - 'a'] = {F_ADDR, F_ALL},
	    ['b' - 'a'] = {F_BO, F_BINDS, F_BOS},
	    ['d' - 'a'] = {F_DST, F_DST_POINT},
	    ['e' - 'a'] = {F_ENGINE},
	    ['f' - 'a'] = {F_FLAGS},
	    ['g' - 'a'] = {F_GPU_NS},
	    ['h' - 'a'] = {F_HW},
	    ['i' - 'a'] = {F_IN},
	    ['k' - 'a'] = {F_KIND, F_KERNEL_START, F_KERNEL_RANGE},
	    ['n' - 'a'] = {F_N},
	    ['o' - 'a'] = {F_OP, F_OUT, F_OFFSET},
	    ['p' - 'a'] = {F_PLACEMENT, F_POINT},
	    ['q' - 'a'] = {F_QUEUE},
	    ['r' - 'a'] = {F_RANGE, F_RET, F_REGION},
	    ['s' - 'a'] = {F_SYNCOBJ, F_SIZE, F_SYNCS, F_SIGNALED, F_SRC, F_SRC_POINT, F_SYNCOBJS,
			   F_SYNC_FILE},
	    ['t' - 'a'] = {F_T, F_TID, F_TIMELINE, F_TIMEOUT_NS},
	    ['v' - 'a'] = {F_VM, F_VA, F_VA_START, F_VA_RANGE},
	};
	unsigned int c = (unsigned char)k[0] - 'a';

	if (c >= 26)
		return -1;
	for (int i = 0; i < 8 && by_first[c][i]; i++)
		if (!strcmp(field_name[by_first[c][i]], k))
			return by_first[c][i];
	return -1;
}

/* where in the op a message is about: the op itself, a bind entry, a sync */
struct ctx {
	enum { CTX_OP, CTX_ENTRY, CTX_SYNC } kind;
	size_t idx;
	const char *list; /* sync list key: "in", "out", "syncs" */
};

static const struct ctx op_ctx = {CTX_OP, 0, NULL};

static const char *prefix(const struct ctx *c, char *buf, size_t len)
{
	switch (c->kind) {
	case CTX_ENTRY:
		snprintf(buf, len, "bind entry %zu: ", c->idx);
		return buf;
	case CTX_SYNC:
		snprintf(buf, len, "\"%s\" sync %zu: ", c->list, c->idx);
		return buf;
	default:
		return "";
	}
}

/**
 * vmb_parse_fail() - record the first error of a parse
 * @p: parse state
 * @line: 1-based line of the error (chunk-relative for .jsonl chunks)
 * @fmt: reason, printf style
 *
 * Return: -EINVAL.
 */
int vmb_parse_fail(struct vmb_parse *p, uint32_t line, const char *fmt, ...)
{
	va_list ap;

	if (p->err)
		return p->err;
	p->err = -EINVAL;
	p->err_line = line;
	p->err_in_op = p->in_op;
	p->err_op = p->op_index;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/**
 * vmb_parse_oom() - record an allocation failure
 * @p: parse state
 *
 * Return: -ENOMEM.
 */
int vmb_parse_oom(struct vmb_parse *p)
{
	if (!p->err) {
		p->err = -ENOMEM;
		snprintf(p->reason, sizeof(p->reason), "out of memory");
	}
	return -ENOMEM;
}

#define fail(p, c, fmt, ...)                                                                       \
	({                                                                                         \
		char pfx_[64];                                                                     \
		vmb_parse_fail(p, (p)->op_line, "%s" fmt, prefix(c, pfx_, sizeof(pfx_)),           \
			       ##__VA_ARGS__);                                                     \
	})

/**
 * vmb_parse_free() - free the arrays of a parse
 * @p: parse state
 */
void vmb_parse_free(struct vmb_parse *p)
{
	free(p->ops);
	free(p->binds);
	free(p->syncs);
	free(p->ids);
	free(p->kranges);
	vmb_pack_free(&p->pk);
	memset(p, 0, sizeof(*p));
}

/**
 * vmb_parse_pack() - move the ops parsed since the last call (normally
 * one) into the packed records of @p, and empty the arrays for the next
 * @p: parse state
 *
 * Return: 0 or -ENOMEM (recorded in @p).
 */
int vmb_parse_pack(struct vmb_parse *p)
{
	size_t kr = 0;

	for (size_t i = 0; i < p->n_ops; i++) {
		const struct vmb_op *op = &p->ops[i];
		uint64_t krange = 0;

		if (op->kind == VMB_OP_VM_CREATE && kr < p->n_kranges)
			krange = p->kranges[kr++];
		if (vmb_pack_op(&p->pk, op, op->pad, krange, p->binds, p->syncs, p->ids))
			return vmb_parse_oom(p);
	}
	p->n_packed += p->n_ops;
	p->n_ops = p->n_binds = p->n_syncs = p->n_ids = p->n_kranges = 0;
	return 0;
}

/**
 * vmb_json_describe() - a value, for "must be X, not Y" messages
 * @v: the value
 * @buf, @len: scratch space
 *
 * Return: e.g. "a string \"12\"", "true", "an array", "a negative number -5".
 */
const char *vmb_json_describe(const json_t *v, char *buf, size_t len)
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

/**
 * vmb_json_u64() - read a trace integer: a JSON number >= 0 or a "0x..." string
 * @v: the value
 * @out: receives it
 *
 * Return: 0, -EINVAL for a wrong type (including negative numbers and
 * decimal strings), -EDOM for a "0x" string that is not 1 to 16 hex digits.
 */
int vmb_json_u64(const json_t *v, uint64_t *out)
{
	const char *s;
	uint64_t x = 0;
	size_t n;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return -EINVAL;
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return -EINVAL;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	if (n < 3 || n > 18)
		return -EDOM;
	for (size_t i = 2; i < n; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return -EDOM;
		x = x << 4 | (uint64_t)h;
	}
	*out = x;
	return 0;
}

static int to_u64(struct vmb_parse *p, const struct ctx *c, const json_t *v, const char *key,
		  uint64_t *out)
{
	char d[80];
	int r = vmb_json_u64(v, out);

	if (r == -EDOM)
		return fail(p, c,
			    "\"%s\": bad hex string \"%s\" (want \"0x\" and 1 to 16 hex digits)",
			    key, json_string_value(v));
	if (r)
		return fail(p, c, "\"%s\" must be an integer or \"0x...\" string, not %s", key,
			    vmb_json_describe(v, d, sizeof(d)));
	return 0;
}

/* an optional integer field: @def when absent */
static int get_u64(struct vmb_parse *p, const struct ctx *c, json_t *const *vals, int f,
		   uint64_t def, uint64_t *out)
{
	if (!vals[f]) {
		*out = def;
		return 0;
	}
	return to_u64(p, c, vals[f], field_name[f], out);
}

static int need(struct vmb_parse *p, const struct ctx *c, json_t *const *vals, int f)
{
	return vals[f] ? 0 : fail(p, c, "missing key \"%s\"", field_name[f]);
}

static int get_req_u64(struct vmb_parse *p, const struct ctx *c, json_t *const *vals, int f,
		       uint64_t *out)
{
	int r = need(p, c, vals, f);

	return r ? r : to_u64(p, c, vals[f], field_name[f], out);
}

static int check_id(struct vmb_parse *p, const struct ctx *c, const char *key, uint64_t x)
{
	if (x < 1)
		return fail(p, c, "\"%s\" must be an id >= 1, not 0", key);
	if (x > VMB_TRACE_MAX_ID)
		return fail(p, c, "\"%s\" %" PRIu64 " is too large (ids go up to %u)", key, x,
			    VMB_TRACE_MAX_ID);
	return 0;
}

/* an id field; absent optional ids read as 0 */
static int get_id(struct vmb_parse *p, const struct ctx *c, json_t *const *vals, int f,
		  bool required, uint32_t *out)
{
	uint64_t x;
	int r;

	if (!vals[f] && !required) {
		*out = 0;
		return 0;
	}
	r = get_req_u64(p, c, vals, f, &x);
	if (!r)
		r = check_id(p, c, field_name[f], x);
	if (!r)
		*out = (uint32_t)x;
	return r;
}

static int get_bool(struct vmb_parse *p, json_t *const *vals, int f, bool def, bool *out)
{
	char d[80];

	if (!vals[f]) {
		*out = def;
		return 0;
	}
	if (!json_is_boolean(vals[f]))
		return fail(p, &op_ctx, "\"%s\" must be true or false, not %s", field_name[f],
			    vmb_json_describe(vals[f], d, sizeof(d)));
	*out = json_is_true(vals[f]);
	return 0;
}

/* a string enum; @lookup returns the value or -EINVAL; @known lists the names */
static int get_enum(struct vmb_parse *p, json_t *const *vals, int f, int (*lookup)(const char *),
		    const char *known, uint8_t *out)
{
	const json_t *v = vals[f];
	char d[80];
	int x;

	if (!v) {
		*out = 0;
		return 0;
	}
	if (!json_is_string(v))
		return fail(p, &op_ctx, "\"%s\" must be a string (one of %s), not %s",
			    field_name[f], known, vmb_json_describe(v, d, sizeof(d)));
	x = lookup(json_string_value(v));
	if (x < 0)
		return fail(p, &op_ctx, "unknown %s \"%s\" (known: %s)", field_name[f],
			    json_string_value(v), known);
	*out = (uint8_t)x;
	return 0;
}

static int get_flags(struct vmb_parse *p, const struct ctx *c, json_t *const *vals,
		     const struct vmb_flag_name *tab, uint32_t *out)
{
	const json_t *v = vals[F_FLAGS];
	const json_t *f;
	char d[80], known[128];
	size_t i;

	*out = 0;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return fail(p, c, "\"flags\" must be an array of strings, not %s",
			    vmb_json_describe(v, d, sizeof(d)));
	json_array_foreach (v, i, f) {
		uint32_t bit;

		if (!json_is_string(f))
			return fail(p, c,
				    "\"flags\" must be an array of strings, not an array "
				    "holding %s",
				    vmb_json_describe(f, d, sizeof(d)));
		if (vmb_trace_lookup_flag(tab, json_string_value(f), &bit)) {
			vmb_trace_flag_list(tab, known, sizeof(known));
			return fail(p, c, "unknown flag \"%s\" (known: %s)", json_string_value(f),
				    known);
		}
		*out |= bit;
	}
	return 0;
}

/* " in bind entry 1 (unmap takes" etc., for the unknown-key message */
static const char *where_of(const struct ctx *c, const char *name, char *buf, size_t len)
{
	switch (c->kind) {
	case CTX_ENTRY:
		snprintf(buf, len, " in bind entry %zu (%s takes", c->idx, name);
		break;
	case CTX_SYNC:
		snprintf(buf, len, " in \"%s\" sync %zu (a sync takes", c->list, c->idx);
		break;
	default:
		snprintf(buf, len, " (%s takes", name);
	}
	return buf;
}

/*
 * Map each key of @o to its slot in @vals; keys outside @allowed are an
 * error unless they start with "x_". @c and @name say what @o is.
 */
static int sort_keys(struct vmb_parse *p, json_t *o, uint64_t allowed, json_t **vals,
		     const struct ctx *c, const char *name)
{
	const char *key;
	json_t *val;

	json_object_foreach (o, key, val) {
		int f = field_lookup(key);
		char list[256], where[80];
		size_t used = 0;

		if (f > 0 && (allowed & B(f))) {
			vals[f] = val;
			continue;
		}
		if (key[0] == 'x' && key[1] == '_')
			continue;
		list[0] = '\0';
		for (size_t i = 0; i < sizeof(key_order); i++)
			if (allowed & B(key_order[i]))
				used +=
				    (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						     used ? ", " : "", field_name[key_order[i]]);
		return vmb_parse_fail(p, p->op_line, "unknown key \"%s\"%s: %s)", key,
				      where_of(c, name, where, sizeof(where)), list);
	}
	return 0;
}

static int reserve(void **arr, size_t *cap, size_t n, size_t more, size_t elem)
{
	size_t want;
	void *q;

	if (n + more <= *cap)
		return 0;
	want = *cap ? *cap : 64;
	while (want < n + more)
		want += want / 2 + 1;
	q = realloc(*arr, want * elem);
	if (!q)
		return -ENOMEM;
	*arr = q;
	*cap = want;
	return 0;
}

/* parse a "syncs"/"in"/"out" array into the sync pool; *n = count */
static int get_syncs(struct vmb_parse *p, json_t *const *vals, int f, uint32_t *n)
{
	const json_t *arr = vals[f];
	struct ctx c = {CTX_SYNC, 0, field_name[f]};
	json_t *s;
	char d[80];
	size_t i;

	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return fail(p, &op_ctx, "\"%s\" must be an array of syncs, not %s", field_name[f],
			    vmb_json_describe(arr, d, sizeof(d)));
	if (json_array_size(arr) > UINT16_MAX)
		return fail(p, &op_ctx, "\"%s\" has %zu syncs (at most %u per op)", field_name[f],
			    json_array_size(arr), UINT16_MAX);
	if (p->n_syncs + json_array_size(arr) >= UINT32_MAX)
		return fail(p, &op_ctx, "too many syncs in the trace");
	if (reserve((void **)&p->syncs, &p->cap_syncs, p->n_syncs, json_array_size(arr),
		    sizeof(*p->syncs)))
		return vmb_parse_oom(p);
	json_array_foreach (arr, i, s) {
		struct vmb_sync *sy = &p->syncs[p->n_syncs];
		json_t *sv[F_COUNT] = {NULL};
		int r;

		c.idx = i;
		if (!json_is_object(s))
			return fail(p, &c, "must be an object {\"syncobj\": id}, not %s",
				    vmb_json_describe(s, d, sizeof(d)));
		r = sort_keys(p, s, SYNC_FIELDS, sv, &c, NULL);
		if (!r)
			r = get_id(p, &c, sv, F_SYNCOBJ, true, &sy->syncobj);
		if (!r)
			r = get_u64(p, &c, sv, F_POINT, 0, &sy->point);
		if (r)
			return r;
		sy->pad = 0;
		p->n_syncs++;
	}
	*n = (uint32_t)i;
	return 0;
}

static int parse_entry(struct vmb_parse *p, json_t *o, size_t idx, struct vmb_bind_entry *e)
{
	struct ctx c = {CTX_ENTRY, idx, NULL};
	json_t *v[F_COUNT] = {NULL};
	const json_t *k;
	char d[80];
	uint32_t flags;
	int kind, r;

	if (!json_is_object(o))
		return fail(p, &c, "must be an object, not %s", vmb_json_describe(o, d, sizeof(d)));
	k = json_object_get(o, "kind");
	if (!k)
		return fail(p, &c, "missing key \"kind\"");
	if (!json_is_string(k))
		return fail(p, &c, "\"kind\" must be a string, not %s",
			    vmb_json_describe(k, d, sizeof(d)));
	kind = vmb_trace_lookup_bind_kind(json_string_value(k));
	if (kind < 0)
		return fail(p, &c,
			    "unknown kind \"%s\" (known: map, map_null, map_userptr, unmap, "
			    "unmap_all, prefetch)",
			    json_string_value(k));
	r = sort_keys(p, o, entry_fields[kind], v, &c, json_string_value(k));
	if (r)
		return r;

	memset(e, 0, sizeof(*e));
	e->kind = (uint8_t)kind;
	if (kind == VMB_BIND_UNMAP_ALL)
		return get_id(p, &c, v, F_BO, true, &e->bo);
	r = get_req_u64(p, &c, v, F_VA, &e->va);
	if (!r)
		r = get_req_u64(p, &c, v, F_RANGE, &e->range);
	if (r)
		return r;
	switch (kind) {
	case VMB_BIND_MAP:
		r = get_id(p, &c, v, F_BO, true, &e->bo);
		if (!r)
			r = get_u64(p, &c, v, F_OFFSET, 0, &e->offset);
		break;
	case VMB_BIND_MAP_USERPTR:
		r = get_req_u64(p, &c, v, F_ADDR, &e->offset);
		break;
	case VMB_BIND_PREFETCH:
		r = get_u64(p, &c, v, F_REGION, 0, &e->offset);
		break;
	}
	if (r)
		return r;
	if (kind == VMB_BIND_MAP || kind == VMB_BIND_MAP_NULL || kind == VMB_BIND_MAP_USERPTR) {
		r = get_flags(p, &c, v, vmb_bind_flag_names, &flags);
		if (!r)
			r = get_u64(p, &c, v, F_HW, 0, &e->hw);
		e->flags = (uint8_t)flags;
	}
	return r;
}

static int parse_bind(struct vmb_parse *p, json_t *const *v, struct vmb_op *op)
{
	const json_t *arr = v[F_BINDS];
	uint32_t n_in, n_out;
	json_t *ent;
	char d[80];
	size_t i;
	int r;

	r = get_id(p, &op_ctx, v, F_VM, true, &op->u.bind.vm);
	if (!r)
		r = get_id(p, &op_ctx, v, F_QUEUE, false, &op->u.bind.queue);
	if (!r)
		r = need(p, &op_ctx, v, F_BINDS);
	if (r)
		return r;
	if (!json_is_array(arr))
		return fail(p, &op_ctx, "\"binds\" must be an array of bind entries, not %s",
			    vmb_json_describe(arr, d, sizeof(d)));
	if (p->n_binds + json_array_size(arr) >= UINT32_MAX)
		return fail(p, &op_ctx, "too many bind entries in the trace");
	if (reserve((void **)&p->binds, &p->cap_binds, p->n_binds, json_array_size(arr),
		    sizeof(*p->binds)))
		return vmb_parse_oom(p);
	op->u.bind.first_bind = (uint32_t)p->n_binds;
	json_array_foreach (arr, i, ent) {
		r = parse_entry(p, ent, i, &p->binds[p->n_binds]);
		if (r)
			return r;
		p->n_binds++;
	}
	op->u.bind.n_binds = (uint32_t)i;
	op->u.bind.first_sync = (uint32_t)p->n_syncs;
	r = get_syncs(p, v, F_IN, &n_in);
	if (!r)
		r = get_syncs(p, v, F_OUT, &n_out);
	if (r)
		return r;
	op->u.bind.n_in = (uint16_t)n_in;
	op->u.bind.n_out = (uint16_t)n_out;
	return 0;
}

/* an array of ids (@key, naming @what ids) into the id pool; *n = count */
static int get_ids(struct vmb_parse *p, const json_t *arr, const char *key, const char *what,
		   uint32_t *n)
{
	json_t *b;
	char d[80];
	size_t i;
	int r;

	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return fail(p, &op_ctx, "\"%s\" must be an array of %s ids, not %s", key, what,
			    vmb_json_describe(arr, d, sizeof(d)));
	if (p->n_ids + json_array_size(arr) >= UINT32_MAX)
		return fail(p, &op_ctx, "too many %s ids in the trace", what);
	if (reserve((void **)&p->ids, &p->cap_ids, p->n_ids, json_array_size(arr), sizeof(*p->ids)))
		return vmb_parse_oom(p);
	json_array_foreach (arr, i, b) {
		char kbuf[32];
		uint64_t x;

		if (!json_is_integer(b) || json_integer_value(b) < 1 ||
		    json_integer_value(b) > VMB_TRACE_MAX_ID) {
			snprintf(kbuf, sizeof(kbuf), "%s[%zu]", key, i);
			r = to_u64(p, &op_ctx, b, kbuf, &x);
			if (!r)
				r = check_id(p, &op_ctx, kbuf, x);
			if (r)
				return r;
		} else {
			x = (uint64_t)json_integer_value(b);
		}
		p->ids[p->n_ids++] = (uint32_t)x;
	}
	*n = (uint32_t)i;
	return 0;
}

/* transfer: src and dst become two syncs in the pool */
static int parse_transfer(struct vmb_parse *p, json_t *const *v, struct vmb_op *op)
{
	struct vmb_sync s[2] = {{0}};
	int r;

	r = get_id(p, &op_ctx, v, F_SRC, true, &s[0].syncobj);
	if (!r)
		r = get_u64(p, &op_ctx, v, F_SRC_POINT, 0, &s[0].point);
	if (!r)
		r = get_id(p, &op_ctx, v, F_DST, true, &s[1].syncobj);
	if (!r)
		r = get_u64(p, &op_ctx, v, F_DST_POINT, 0, &s[1].point);
	if (!r)
		r = get_flags(p, &op_ctx, v, vmb_transfer_flag_names, &op->u.transfer.flags);
	if (r)
		return r;
	if (p->n_syncs + 2 >= UINT32_MAX)
		return fail(p, &op_ctx, "too many syncs in the trace");
	if (reserve((void **)&p->syncs, &p->cap_syncs, p->n_syncs, 2, sizeof(*p->syncs)))
		return vmb_parse_oom(p);
	op->u.transfer.first_sync = (uint32_t)p->n_syncs;
	p->syncs[p->n_syncs++] = s[0];
	p->syncs[p->n_syncs++] = s[1];
	return 0;
}

static int parse_submit(struct vmb_parse *p, json_t *const *v, struct vmb_op *op)
{
	const json_t *arr = v[F_BOS];
	uint32_t n_in, n_out;
	int r;

	r = get_id(p, &op_ctx, v, F_QUEUE, true, &op->u.submit.queue);
	if (!r)
		r = get_u64(p, &op_ctx, v, F_GPU_NS, 0, &op->u.submit.gpu_ns);
	if (r)
		return r;
	op->u.submit.first_bo = (uint32_t)p->n_ids;
	r = get_ids(p, arr, "bos", "bo", &op->u.submit.n_bos);
	if (r)
		return r;
	op->u.submit.first_sync = (uint32_t)p->n_syncs;
	r = get_syncs(p, v, F_IN, &n_in);
	if (!r)
		r = get_syncs(p, v, F_OUT, &n_out);
	if (r)
		return r;
	op->u.submit.n_in = (uint16_t)n_in;
	op->u.submit.n_out = (uint16_t)n_out;
	return 0;
}

static int parse_vm_create(struct vmb_parse *p, json_t *const *v, struct vmb_op *op,
			   uint64_t *krange)
{
	typeof(op->u.vm_create) *c = &op->u.vm_create;
	int r;

	r = get_id(p, &op_ctx, v, F_VM, true, &c->vm);
	if (!r)
		r = get_u64(p, &op_ctx, v, F_VA_START, 0, &c->va_start);
	if (r)
		return r;
	if (c->va_start >= (1ull << 48) && !v[F_VA_RANGE])
		return fail(p, &op_ctx,
			    "va_start 0x%" PRIx64 " is at or above 2^48, so "
			    "\"va_range\" has no default: give it",
			    c->va_start);
	r = get_u64(p, &op_ctx, v, F_VA_RANGE, (1ull << 48) - c->va_start, &c->va_range);
	if (!r)
		r = get_u64(p, &op_ctx, v, F_KERNEL_START, 0, &c->kernel_start);
	if (!r)
		r = get_u64(p, &op_ctx, v, F_KERNEL_RANGE, 0, krange);
	if (!r)
		r = get_flags(p, &op_ctx, v, vmb_vm_flag_names, &c->flags);
	return r;
}

static int parse_common(struct vmb_parse *p, json_t *const *v, struct vmb_op *op)
{
	const json_t *ret = v[F_RET];
	uint64_t tid = 0;
	char d[80];
	int r;

	r = get_u64(p, &op_ctx, v, F_T, 0, &op->t);
	if (!r)
		r = get_u64(p, &op_ctx, v, F_TID, 0, &tid);
	if (r)
		return r;
	if (tid > UINT32_MAX)
		return fail(p, &op_ctx, "\"tid\" %" PRIu64 " does not fit in 32 bits", tid);
	op->tid = (uint32_t)tid;
	op->pad = v[F_T] != NULL; /* "t" given: takes part in the time order check */
	if (ret) {
		if (!json_is_integer(ret) || json_integer_value(ret) > 0 ||
		    json_integer_value(ret) < -4095)
			return fail(p, &op_ctx,
				    "\"ret\" must be 0 or a negative errno >= -4095, "
				    "not %s",
				    vmb_json_describe(ret, d, sizeof(d)));
		op->ret = (int16_t)json_integer_value(ret);
	}
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

static int parse_kind(struct vmb_parse *p, int kind, json_t *const *v, struct vmb_op *op,
		      uint64_t *krange)
{
	uint32_t n = 0, flags = 0;
	int r = 0;

	switch (kind) {
	case VMB_OP_VM_CREATE:
		return parse_vm_create(p, v, op, krange);
	case VMB_OP_VM_DESTROY:
		return get_id(p, &op_ctx, v, F_VM, true, &op->u.vm_destroy.vm);
	case VMB_OP_QUEUE_CREATE:
		r = get_id(p, &op_ctx, v, F_QUEUE, true, &op->u.queue.queue);
		if (!r)
			r = get_id(p, &op_ctx, v, F_VM, true, &op->u.queue.vm);
		if (!r)
			r = get_enum(p, v, F_ENGINE, lookup_engine, "render, compute, copy, bind",
				     &op->u.queue.engine);
		return r;
	case VMB_OP_QUEUE_DESTROY:
		return get_id(p, &op_ctx, v, F_QUEUE, true, &op->u.queue.queue);
	case VMB_OP_BO_CREATE:
		r = get_id(p, &op_ctx, v, F_BO, true, &op->u.bo.bo);
		if (!r)
			r = get_req_u64(p, &op_ctx, v, F_SIZE, &op->u.bo.size);
		if (!r)
			r = get_enum(p, v, F_PLACEMENT, lookup_placement, "any, vram, system",
				     &op->u.bo.placement);
		if (!r)
			r = get_id(p, &op_ctx, v, F_VM, false, &op->u.bo.vm);
		if (!r)
			r = get_flags(p, &op_ctx, v, vmb_bo_flag_names, &flags);
		op->u.bo.flags = (uint8_t)flags;
		return r;
	case VMB_OP_BO_CLOSE:
		return get_id(p, &op_ctx, v, F_BO, true, &op->u.bo.bo);
	case VMB_OP_SYNCOBJ_CREATE:
		r = get_id(p, &op_ctx, v, F_SYNCOBJ, true, &op->u.syncobj.syncobj);
		if (!r)
			r = get_bool(p, v, F_TIMELINE, false, &op->u.syncobj.timeline);
		if (!r)
			r = get_bool(p, v, F_SIGNALED, false, &op->u.syncobj.signaled);
		return r;
	case VMB_OP_SYNCOBJ_DESTROY:
		return get_id(p, &op_ctx, v, F_SYNCOBJ, true, &op->u.syncobj.syncobj);
	case VMB_OP_BIND:
		return parse_bind(p, v, op);
	case VMB_OP_SUBMIT:
		return parse_submit(p, v, op);
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		op->u.wait.first_sync = (uint32_t)p->n_syncs;
		r = need(p, &op_ctx, v, F_SYNCS);
		if (!r)
			r = get_syncs(p, v, F_SYNCS, &n);
		op->u.wait.n = (uint16_t)n;
		if (!r && kind == VMB_OP_WAIT)
			r = get_bool(p, v, F_ALL, true, &op->u.wait.all);
		if (!r && kind == VMB_OP_WAIT)
			r = get_u64(p, &op_ctx, v, F_TIMEOUT_NS, UINT64_MAX,
				    &op->u.wait.timeout_ns);
		return r;
	case VMB_OP_CPU_UNMAP:
	case VMB_OP_CPU_MIGRATE:
		r = get_req_u64(p, &op_ctx, v, F_ADDR, &op->u.cpu_unmap.addr);
		if (!r)
			r = get_req_u64(p, &op_ctx, v, F_SIZE, &op->u.cpu_unmap.size);
		return r;
	case VMB_OP_EVICT:
		return get_id(p, &op_ctx, v, F_BO, true, &op->u.evict.bo);
	case VMB_OP_FRAME:
		return get_req_u64(p, &op_ctx, v, F_N, &op->u.frame.n);
	case VMB_OP_TRANSFER:
		return parse_transfer(p, v, op);
	case VMB_OP_SYNCOBJ_RESET:
		op->u.reset.first_id = (uint32_t)p->n_ids;
		r = need(p, &op_ctx, v, F_SYNCOBJS);
		return r ? r : get_ids(p, v[F_SYNCOBJS], "syncobjs", "syncobj", &op->u.reset.n);
	case VMB_OP_SYNC_FILE_EXPORT:
	case VMB_OP_SYNC_FILE_IMPORT:
		r = get_id(p, &op_ctx, v, F_SYNCOBJ, true, &op->u.sync_file.syncobj);
		return r ? r
			 : get_id(p, &op_ctx, v, F_SYNC_FILE, false, &op->u.sync_file.sync_file);
	}
	return -EINVAL;
}

/**
 * vmb_parse_op() - convert one op object and append it to @p
 * @p: parse state; @p->op_index and @p->op_line name the op in messages
 * @o: the op as parsed by jansson (not consumed)
 *
 * Only syntax and types are checked here; see vmb_validator_check().
 *
 * Return: 0, -EINVAL (reason recorded in @p) or -ENOMEM.
 */
int vmb_parse_op(struct vmb_parse *p, json_t *o)
{
	json_t *v[F_COUNT] = {NULL};
	uint64_t krange = 0;
	struct vmb_op *op;
	const json_t *k;
	char d[80];
	int kind, r;

	if (!json_is_object(o))
		return fail(p, &op_ctx, "an op must be an object, not %s",
			    vmb_json_describe(o, d, sizeof(d)));
	k = json_object_get(o, "op");
	if (!k)
		return fail(p, &op_ctx, "missing key \"op\"");
	if (!json_is_string(k))
		return fail(p, &op_ctx, "\"op\" must be a string, not %s",
			    vmb_json_describe(k, d, sizeof(d)));
	kind = vmb_trace_lookup_op(json_string_value(k));
	if (kind < 0)
		return fail(p, &op_ctx, "unknown op \"%s\"", json_string_value(k));
	r = sort_keys(p, o, op_fields[kind] | COMMON, v, &op_ctx, json_string_value(k));
	if (r)
		return r;

	if (reserve((void **)&p->ops, &p->cap_ops, p->n_ops, 1, sizeof(*p->ops)))
		return vmb_parse_oom(p);
	op = &p->ops[p->n_ops];
	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)kind;
	op->line = p->op_line;
	r = parse_common(p, v, op);
	if (!r)
		r = parse_kind(p, kind, v, op, &krange);
	if (r)
		return r;
	if (kind == VMB_OP_VM_CREATE) {
		if (reserve((void **)&p->kranges, &p->cap_kranges, p->n_kranges, 1,
			    sizeof(*p->kranges)))
			return vmb_parse_oom(p);
		p->kranges[p->n_kranges++] = krange;
	}
	p->n_ops++;
	return 0;
}
