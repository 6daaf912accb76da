// SPDX-License-Identifier: MIT
/*
 * trace_simd.cc - the fast path of the .jsonl loader: one op line parsed
 * with simdjson (On Demand) straight into the arrays of a struct vmb_parse.
 *
 * DOC: simdjson fast path
 *
 * The fast path accepts only what it can prove the jansson path
 * (trace_parse.c) would accept and convert to the same op: "op" first in
 * the op object, "kind" first in a bind entry, every key known for its op
 * kind (or "x_..."), no duplicate key, integers as JSON integers in
 * [0, 2^63) or "0x" plus 1 to 16 hex digits, ids in range, enum and flag
 * names known, nothing after the object. Anything else - a syntax error,
 * a type error, a real number, an "x_..." value holding a real or a
 * control character, an unusual key order - is declined: the pool counts
 * are put back and the caller parses the line again with jansson, which
 * then produces the op or the exact error message it always produced. So
 * the fast path changes speed only, never a result or a message.
 *
 * C-callable; simdjson is used with its error-code API (no exception
 * escapes to C).
 */
#include <simdjson.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

extern "C" {
#include "trace_priv.h"
}

using namespace simdjson;

namespace
{

enum fld : uint8_t {
	F_NONE,
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
	F_KIND,
	F_VA,
	F_RANGE,
	F_OFFSET,
	F_HW,
	F_REGION,
	F_POINT,
	F_X, /* "x_...": kept by the format, ignored by the loader */
	F_COUNT
};

#define B(f) (1ull << (f))
#define COMMON (B(F_OP) | B(F_T) | B(F_TID) | B(F_RET))

/* the same tables as trace_parse.c */
const uint64_t op_fields[VMB_OP_COUNT] = {
    B(F_VM) | B(F_VA_START) | B(F_VA_RANGE) | B(F_KERNEL_START) | B(F_KERNEL_RANGE) |
	B(F_FLAGS),							/* vm_create */
    B(F_VM),								/* vm_destroy */
    B(F_QUEUE) | B(F_VM) | B(F_ENGINE),					/* queue_create */
    B(F_QUEUE),								/* queue_destroy */
    B(F_BO) | B(F_SIZE) | B(F_PLACEMENT) | B(F_VM) | B(F_FLAGS),	/* bo_create */
    B(F_BO),								/* bo_close */
    B(F_SYNCOBJ) | B(F_TIMELINE) | B(F_SIGNALED),			/* syncobj_create */
    B(F_SYNCOBJ),							/* syncobj_destroy */
    B(F_VM) | B(F_QUEUE) | B(F_BINDS) | B(F_IN) | B(F_OUT),		/* bind */
    B(F_QUEUE) | B(F_BOS) | B(F_IN) | B(F_OUT) | B(F_GPU_NS),		/* submit */
    B(F_SYNCS) | B(F_ALL) | B(F_TIMEOUT_NS),				/* wait */
    B(F_SYNCS),								/* signal */
    B(F_ADDR) | B(F_SIZE),						/* cpu_unmap */
    B(F_BO),								/* evict */
    B(F_N),								/* frame */
    B(F_ADDR) | B(F_SIZE),						/* cpu_migrate */
    B(F_SRC) | B(F_SRC_POINT) | B(F_DST) | B(F_DST_POINT) | B(F_FLAGS), /* transfer */
    B(F_SYNCOBJS),							/* syncobj_reset */
    B(F_SYNCOBJ) | B(F_SYNC_FILE),					/* sync_file_export */
    B(F_SYNCOBJ) | B(F_SYNC_FILE),					/* sync_file_import */
};

const uint64_t entry_fields[VMB_BIND_COUNT] = {
    B(F_KIND) | B(F_VA) | B(F_RANGE) | B(F_BO) | B(F_OFFSET) | B(F_FLAGS) | B(F_HW), /* map */
    B(F_KIND) | B(F_VA) | B(F_RANGE) | B(F_FLAGS) | B(F_HW),			     /* map_null */
    B(F_KIND) | B(F_VA) | B(F_RANGE) | B(F_ADDR) | B(F_FLAGS) | B(F_HW),	     /* userptr */
    B(F_KIND) | B(F_VA) | B(F_RANGE),						     /* unmap */
    B(F_KIND) | B(F_BO),							     /* unmap_all */
    B(F_KIND) | B(F_VA) | B(F_RANGE) | B(F_REGION),				     /* prefetch */
};

#define SYNC_FIELDS (B(F_SYNCOBJ) | B(F_POINT))

bool eq(std::string_view k, const char *s, size_t n)
{
	return k.size() == n && !memcmp(k.data(), s, n);
}

#define IS(k, lit) eq(k, lit, sizeof(lit) - 1)

fld field_lookup(std::string_view k)
{
	if (k.empty())
		return F_NONE;
	switch (k[0]) {
	case 'a':
		return IS(k, "addr") ? F_ADDR : IS(k, "all") ? F_ALL : F_NONE;
	case 'b':
		return IS(k, "bo")	? F_BO
		       : IS(k, "binds") ? F_BINDS
		       : IS(k, "bos")	? F_BOS
					: F_NONE;
	case 'd':
		return IS(k, "dst") ? F_DST : IS(k, "dst_point") ? F_DST_POINT : F_NONE;
	case 'e':
		return IS(k, "engine") ? F_ENGINE : F_NONE;
	case 'f':
		return IS(k, "flags") ? F_FLAGS : F_NONE;
	case 'g':
		return IS(k, "gpu_ns") ? F_GPU_NS : F_NONE;
	case 'h':
		return IS(k, "hw") ? F_HW : F_NONE;
	case 'i':
		return IS(k, "in") ? F_IN : F_NONE;
	case 'k':
		return IS(k, "kind")	       ? F_KIND
		       : IS(k, "kernel_start") ? F_KERNEL_START
		       : IS(k, "kernel_range") ? F_KERNEL_RANGE
					       : F_NONE;
	case 'n':
		return IS(k, "n") ? F_N : F_NONE;
	case 'o':
		return IS(k, "op")	 ? F_OP
		       : IS(k, "out")	 ? F_OUT
		       : IS(k, "offset") ? F_OFFSET
					 : F_NONE;
	case 'p':
		return IS(k, "placement") ? F_PLACEMENT : IS(k, "point") ? F_POINT : F_NONE;
	case 'q':
		return IS(k, "queue") ? F_QUEUE : F_NONE;
	case 'r':
		return IS(k, "range")	 ? F_RANGE
		       : IS(k, "ret")	 ? F_RET
		       : IS(k, "region") ? F_REGION
					 : F_NONE;
	case 's':
		return IS(k, "syncobj")	    ? F_SYNCOBJ
		       : IS(k, "size")	    ? F_SIZE
		       : IS(k, "syncs")	    ? F_SYNCS
		       : IS(k, "signaled")  ? F_SIGNALED
		       : IS(k, "src")	    ? F_SRC
		       : IS(k, "src_point") ? F_SRC_POINT
		       : IS(k, "syncobjs")  ? F_SYNCOBJS
		       : IS(k, "sync_file") ? F_SYNC_FILE
					    : F_NONE;
	case 't':
		return IS(k, "t")	     ? F_T
		       : IS(k, "tid")	     ? F_TID
		       : IS(k, "timeline")   ? F_TIMELINE
		       : IS(k, "timeout_ns") ? F_TIMEOUT_NS
					     : F_NONE;
	case 'v':
		return IS(k, "vm")	   ? F_VM
		       : IS(k, "va")	   ? F_VA
		       : IS(k, "va_start") ? F_VA_START
		       : IS(k, "va_range") ? F_VA_RANGE
					   : F_NONE;
	case 'x':
		return k.size() >= 2 && k[1] == '_' ? F_X : F_NONE;
	}
	return F_NONE;
}

/* a name as a C string for the trace_names.c lookups; false if it cannot be one */
bool cstr(std::string_view s, char *buf, size_t len)
{
	if (s.size() >= len || memchr(s.data(), '\0', s.size()))
		return false;
	memcpy(buf, s.data(), s.size());
	buf[s.size()] = '\0';
	return true;
}

int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* a trace integer that vmb_json_u64() would accept, with the same value */
bool get_u64(ondemand::value v, uint64_t *out)
{
	ondemand::json_type t;
	std::string_view s;
	uint64_t x = 0;
	int64_t i;

	if (v.type().get(t))
		return false;
	if (t == ondemand::json_type::number) {
		if (v.get_int64().get(i) || i < 0)
			return false;
		*out = (uint64_t)i;
		return true;
	}
	if (t != ondemand::json_type::string || v.get_string().get(s))
		return false;
	if (s.size() < 3 || s.size() > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	for (size_t k = 2; k < s.size(); k++) {
		int h = hexval(s[k]);

		if (h < 0)
			return false;
		x = x << 4 | (uint64_t)h;
	}
	*out = x;
	return true;
}

bool get_id(ondemand::value v, uint32_t *out)
{
	uint64_t x;

	if (!get_u64(v, &x) || x < 1 || x > VMB_TRACE_MAX_ID)
		return false;
	*out = (uint32_t)x;
	return true;
}

bool get_name(ondemand::value v, int (*lookup)(const char *), uint8_t *out)
{
	std::string_view s;
	char buf[32];
	int x;

	if (v.get_string().get(s) || !cstr(s, buf, sizeof(buf)))
		return false;
	x = lookup(buf);
	if (x < 0)
		return false;
	*out = (uint8_t)x;
	return true;
}

bool get_flags(ondemand::value v, const struct vmb_flag_name *tab, uint32_t *out)
{
	ondemand::array a;

	*out = 0;
	if (v.get_array().get(a))
		return false;
	for (auto el : a) {
		std::string_view s;
		char buf[32];
		uint32_t bit;

		if (el.get_string().get(s) || !cstr(s, buf, sizeof(buf)) ||
		    vmb_trace_lookup_flag(tab, buf, &bit))
			return false;
		*out |= bit;
	}
	return true;
}

/*
 * An "x_..." value: walked completely so that simdjson checks all of it,
 * and declined where jansson could disagree (reals, big integers, strings
 * holding control characters or NUL, deep nesting).
 */
bool skip_x(ondemand::value v, int depth)
{
	ondemand::json_type t;
	std::string_view s;

	if (depth > 16 || v.type().get(t))
		return false;
	switch (t) {
	case ondemand::json_type::number: {
		int64_t i;

		return !v.get_int64().get(i);
	}
	case ondemand::json_type::string:
		if (v.get_string().get(s))
			return false;
		for (char c : s)
			if ((unsigned char)c < 0x20)
				return false;
		return true;
	case ondemand::json_type::boolean: {
		bool b;

		return !v.get_bool().get(b);
	}
	case ondemand::json_type::null: {
		bool n;

		return !v.is_null().get(n) && n;
	}
	case ondemand::json_type::array: {
		ondemand::array a;

		if (v.get_array().get(a))
			return false;
		for (auto el : a) {
			ondemand::value e;

			if (el.get(e) || !skip_x(e, depth + 1))
				return false;
		}
		return true;
	}
	case ondemand::json_type::object: {
		ondemand::object o;
		std::string_view keys[16];
		size_t n = 0;

		if (v.get_object().get(o))
			return false;
		for (auto field : o) {
			std::string_view k;
			ondemand::value e;

			if (field.unescaped_key().get(k) || n == 16 ||
			    memchr(k.data(), '\0', k.size()))
				return false;
			for (size_t i = 0; i < n; i++)
				if (keys[i] == k)
					return false;
			keys[n++] = k;
			if (field.value().get(e) || !skip_x(e, depth + 1))
				return false;
		}
		return true;
	}
	}
	return false;
}

/*
 * Duplicate "x_" keys: jansson rejects them. The keys are unescaped into
 * the parser's string buffer, which lives as long as the document.
 */
struct xkeys {
	std::string_view k[8];
	size_t n;

	bool add(std::string_view key)
	{
		if (n == 8 || memchr(key.data(), '\0', key.size()))
			return false;
		for (size_t i = 0; i < n; i++)
			if (k[i] == key)
				return false;
		k[n++] = key;
		return true;
	}
};

template <typename T> bool reserve(T **arr, size_t *cap, size_t n, size_t more)
{
	size_t want;
	void *q;

	if (n + more <= *cap)
		return true;
	want = *cap ? *cap : 64;
	while (want < n + more)
		want += want / 2 + 1;
	q = realloc(*arr, want * sizeof(T));
	if (!q)
		return false;
	*arr = (T *)q;
	*cap = want;
	return true;
}

} /* namespace */

/**
 * struct vmb_simd - a simdjson parser and a padded copy buffer, per thread
 * @parser: reused for every line
 * @buf, @cap: lines too close to the end of the mapping are copied here
 */
struct vmb_simd {
	ondemand::parser parser;
	char *buf;
	size_t cap;
};

namespace
{

/* a sync list into @out (at most @max); *n = count */
bool get_syncs(ondemand::value v, struct vmb_sync *out, size_t max, size_t *n)
{
	ondemand::array a;

	*n = 0;
	if (v.get_array().get(a))
		return false;
	for (auto el : a) {
		ondemand::object o;
		struct vmb_sync *s = &out[*n];
		uint64_t seen = 0;
		xkeys xk{};

		if (*n == max || el.get_object().get(o))
			return false;
		s->point = 0;
		s->pad = 0;
		for (auto field : o) {
			std::string_view k;
			ondemand::value val;
			fld f;

			if (field.unescaped_key().get(k) || field.value().get(val))
				return false;
			f = field_lookup(k);
			if (f == F_X) {
				if (!xk.add(k) || !skip_x(val, 2))
					return false;
				continue;
			}
			if (!(SYNC_FIELDS & B(f)) || (seen & B(f)))
				return false;
			seen |= B(f);
			if (f == F_SYNCOBJ ? !get_id(val, &s->syncobj) : !get_u64(val, &s->point))
				return false;
		}
		if (!(seen & B(F_SYNCOBJ)))
			return false;
		(*n)++;
	}
	return true;
}

bool parse_entry(ondemand::value v, struct vmb_bind_entry *e)
{
	ondemand::object o;
	uint64_t seen = 0, allowed = 0;
	bool first = true;
	uint8_t kind = 0;
	uint32_t flags = 0;
	xkeys xk{};

	if (v.get_object().get(o))
		return false;
	memset(e, 0, sizeof(*e));
	for (auto field : o) {
		std::string_view k;
		ondemand::value val;
		fld f;
		bool ok;

		if (field.unescaped_key().get(k) || field.value().get(val))
			return false;
		f = field_lookup(k);
		if (first) {
			if (f != F_KIND || !get_name(val, vmb_trace_lookup_bind_kind, &kind))
				return false;
			allowed = entry_fields[kind];
			seen = B(F_KIND);
			first = false;
			continue;
		}
		if (f == F_X) {
			if (!xk.add(k) || !skip_x(val, 3))
				return false;
			continue;
		}
		if (!(allowed & B(f)) || (seen & B(f)))
			return false;
		seen |= B(f);
		switch (f) {
		case F_VA:
			ok = get_u64(val, &e->va);
			break;
		case F_RANGE:
			ok = get_u64(val, &e->range);
			break;
		case F_BO:
			ok = get_id(val, &e->bo);
			break;
		case F_OFFSET:
		case F_ADDR:
		case F_REGION:
			ok = get_u64(val, &e->offset);
			break;
		case F_HW:
			ok = get_u64(val, &e->hw);
			break;
		case F_FLAGS:
			ok = get_flags(val, vmb_bind_flag_names, &flags);
			break;
		default:
			ok = false;
		}
		if (!ok)
			return false;
	}
	if (first)
		return false;
	e->kind = kind;
	e->flags = (uint8_t)flags;
	switch (kind) {
	case VMB_BIND_UNMAP_ALL:
		return seen & B(F_BO);
	case VMB_BIND_MAP:
		if (!(seen & B(F_BO)))
			return false;
		break;
	case VMB_BIND_MAP_USERPTR:
		if (!(seen & B(F_ADDR)))
			return false;
		break;
	}
	return (seen & B(F_VA)) && (seen & B(F_RANGE));
}

#define MAX_SYNCS 64

/* the op line @doc into @p; false: decline (the caller restores the counts) */
bool parse_op(struct vmb_parse *p, ondemand::document &doc, bool *oom)
{
	ondemand::object o;
	struct vmb_sync in[MAX_SYNCS], out[MAX_SYNCS];
	size_t n_in = 0, n_out = 0, n_binds = 0, n_bos = 0;
	uint64_t u[F_COUNT];
	uint64_t seen = 0, allowed = 0;
	int64_t ret = 0;
	bool first = true, b_timeline = false, b_signaled = false, b_all = true;
	uint8_t kind = 0, engine = 0, placement = 0;
	uint32_t flags = 0;
	struct vmb_op *op;
	xkeys xk{};
	const char *loc;

	if (doc.get_object().get(o))
		return false;
	for (auto field : o) {
		std::string_view k;
		ondemand::value val;
		fld f;
		bool ok = true;

		if (field.unescaped_key().get(k) || field.value().get(val))
			return false;
		f = field_lookup(k);
		if (first) {
			if (f != F_OP || !get_name(val, vmb_trace_lookup_op, &kind))
				return false;
			allowed = op_fields[kind] | COMMON;
			seen = B(F_OP);
			first = false;
			continue;
		}
		if (f == F_X) {
			if (!xk.add(k) || !skip_x(val, 2))
				return false;
			continue;
		}
		if (!(allowed & B(f)) || (seen & B(f)))
			return false;
		seen |= B(f);
		switch (f) {
		case F_RET:
			ok = !val.get_int64().get(ret) && ret <= 0 && ret >= -4095;
			break;
		case F_PLACEMENT:
			ok = get_name(val, vmb_trace_lookup_placement, &placement);
			break;
		case F_ENGINE:
			ok = get_name(val, vmb_trace_lookup_engine, &engine);
			break;
		case F_FLAGS:
			ok = get_flags(val,
				       kind == VMB_OP_VM_CREATE	 ? vmb_vm_flag_names
				       : kind == VMB_OP_TRANSFER ? vmb_transfer_flag_names
								 : vmb_bo_flag_names,
				       &flags);
			break;
		case F_TIMELINE:
			ok = !val.get_bool().get(b_timeline);
			break;
		case F_SIGNALED:
			ok = !val.get_bool().get(b_signaled);
			break;
		case F_ALL:
			ok = !val.get_bool().get(b_all);
			break;
		case F_BINDS: {
			ondemand::array a;

			if (val.get_array().get(a))
				return false;
			for (auto el : a) {
				ondemand::value ev;

				if (!reserve(&p->binds, &p->cap_binds, p->n_binds + n_binds, 1)) {
					*oom = true;
					return false;
				}
				if (el.get(ev) || !parse_entry(ev, &p->binds[p->n_binds + n_binds]))
					return false;
				n_binds++;
			}
			break;
		}
		case F_BOS:
		case F_SYNCOBJS: {
			ondemand::array a;

			if (val.get_array().get(a))
				return false;
			for (auto el : a) {
				ondemand::value ev;
				uint32_t id;

				if (!reserve(&p->ids, &p->cap_ids, p->n_ids + n_bos, 1)) {
					*oom = true;
					return false;
				}
				if (el.get(ev) || !get_id(ev, &id))
					return false;
				p->ids[p->n_ids + n_bos++] = id;
			}
			break;
		}
		case F_IN:
		case F_SYNCS:
			ok = get_syncs(val, in, MAX_SYNCS, &n_in);
			break;
		case F_OUT:
			ok = get_syncs(val, out, MAX_SYNCS, &n_out);
			break;
		default:
			ok = get_u64(val, &u[f]);
		}
		if (!ok)
			return false;
	}
	/* nothing may follow the object */
	if (first || doc.current_location().get(loc) != OUT_OF_BOUNDS)
		return false;

#define HAS(f) (seen & B(f))
#define OPT(f, def) (HAS(f) ? u[f] : (uint64_t)(def))
#define ID_OK(f) (HAS(f) && u[f] >= 1 && u[f] <= VMB_TRACE_MAX_ID)
	/* ids given must be in range, required ones present */
	for (int f : {F_VM, F_QUEUE, F_BO, F_SYNCOBJ, F_SRC, F_DST, F_SYNC_FILE})
		if (HAS(f) && !ID_OK(f))
			return false;
	if (HAS(F_TID) && u[F_TID] > UINT32_MAX)
		return false;
	if (!reserve(&p->ops, &p->cap_ops, p->n_ops, 1) ||
	    !reserve(&p->syncs, &p->cap_syncs, p->n_syncs, n_in + n_out)) {
		*oom = true;
		return false;
	}
	op = &p->ops[p->n_ops];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->line = p->op_line;
	op->t = OPT(F_T, 0);
	op->tid = (uint32_t)OPT(F_TID, 0);
	op->pad = HAS(F_T) ? 1 : 0;
	op->ret = (int16_t)ret;

	switch (kind) {
	case VMB_OP_VM_CREATE: {
		auto *c = &op->u.vm_create;

		if (!HAS(F_VM))
			return false;
		c->vm = (uint32_t)u[F_VM];
		c->va_start = OPT(F_VA_START, 0);
		if (c->va_start >= (1ull << 48) && !HAS(F_VA_RANGE))
			return false;
		c->va_range = OPT(F_VA_RANGE, (1ull << 48) - c->va_start);
		c->kernel_start = OPT(F_KERNEL_START, 0);
		c->flags = flags;
		if (!reserve(&p->kranges, &p->cap_kranges, p->n_kranges, 1)) {
			*oom = true;
			return false;
		}
		p->kranges[p->n_kranges++] = OPT(F_KERNEL_RANGE, 0);
		break;
	}
	case VMB_OP_VM_DESTROY:
		if (!HAS(F_VM))
			return false;
		op->u.vm_destroy.vm = (uint32_t)u[F_VM];
		break;
	case VMB_OP_QUEUE_CREATE:
		if (!HAS(F_QUEUE) || !HAS(F_VM))
			return false;
		op->u.queue.queue = (uint32_t)u[F_QUEUE];
		op->u.queue.vm = (uint32_t)u[F_VM];
		op->u.queue.engine = engine;
		break;
	case VMB_OP_QUEUE_DESTROY:
		if (!HAS(F_QUEUE))
			return false;
		op->u.queue.queue = (uint32_t)u[F_QUEUE];
		break;
	case VMB_OP_BO_CREATE:
		if (!HAS(F_BO) || !HAS(F_SIZE))
			return false;
		op->u.bo.bo = (uint32_t)u[F_BO];
		op->u.bo.size = u[F_SIZE];
		op->u.bo.placement = placement;
		op->u.bo.vm = (uint32_t)OPT(F_VM, 0);
		op->u.bo.flags = (uint8_t)flags;
		break;
	case VMB_OP_BO_CLOSE:
		if (!HAS(F_BO))
			return false;
		op->u.bo.bo = (uint32_t)u[F_BO];
		break;
	case VMB_OP_EVICT:
		if (!HAS(F_BO))
			return false;
		op->u.evict.bo = (uint32_t)u[F_BO];
		break;
	case VMB_OP_SYNCOBJ_CREATE:
	case VMB_OP_SYNCOBJ_DESTROY:
		if (!HAS(F_SYNCOBJ))
			return false;
		op->u.syncobj.syncobj = (uint32_t)u[F_SYNCOBJ];
		op->u.syncobj.timeline = b_timeline;
		op->u.syncobj.signaled = b_signaled;
		break;
	case VMB_OP_BIND:
		if (!HAS(F_VM) || !HAS(F_BINDS))
			return false;
		op->u.bind.vm = (uint32_t)u[F_VM];
		op->u.bind.queue = (uint32_t)OPT(F_QUEUE, 0);
		op->u.bind.first_bind = (uint32_t)p->n_binds;
		op->u.bind.n_binds = (uint32_t)n_binds;
		op->u.bind.first_sync = (uint32_t)p->n_syncs;
		op->u.bind.n_in = (uint16_t)n_in;
		op->u.bind.n_out = (uint16_t)n_out;
		break;
	case VMB_OP_SUBMIT:
		if (!HAS(F_QUEUE))
			return false;
		op->u.submit.queue = (uint32_t)u[F_QUEUE];
		op->u.submit.gpu_ns = OPT(F_GPU_NS, 0);
		op->u.submit.first_bo = (uint32_t)p->n_ids;
		op->u.submit.n_bos = (uint32_t)n_bos;
		op->u.submit.first_sync = (uint32_t)p->n_syncs;
		op->u.submit.n_in = (uint16_t)n_in;
		op->u.submit.n_out = (uint16_t)n_out;
		break;
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		if (!HAS(F_SYNCS))
			return false;
		op->u.wait.first_sync = (uint32_t)p->n_syncs;
		op->u.wait.n = (uint16_t)n_in;
		if (kind == VMB_OP_WAIT) {
			op->u.wait.all = b_all;
			op->u.wait.timeout_ns = OPT(F_TIMEOUT_NS, UINT64_MAX);
		}
		break;
	case VMB_OP_CPU_UNMAP:
	case VMB_OP_CPU_MIGRATE:
		if (!HAS(F_ADDR) || !HAS(F_SIZE))
			return false;
		op->u.cpu_unmap.addr = u[F_ADDR];
		op->u.cpu_unmap.size = u[F_SIZE];
		break;
	case VMB_OP_FRAME:
		if (!HAS(F_N))
			return false;
		op->u.frame.n = u[F_N];
		break;
	case VMB_OP_TRANSFER:
		/* src and dst are two syncs in the pool, as trace_parse.c makes them */
		if (!HAS(F_SRC) || !HAS(F_DST))
			return false;
		if (!reserve(&p->syncs, &p->cap_syncs, p->n_syncs, 2)) {
			*oom = true;
			return false;
		}
		in[0] = {OPT(F_SRC_POINT, 0), (uint32_t)u[F_SRC], 0};
		in[1] = {OPT(F_DST_POINT, 0), (uint32_t)u[F_DST], 0};
		n_in = 2;
		op->u.transfer.first_sync = (uint32_t)p->n_syncs;
		op->u.transfer.flags = flags;
		break;
	case VMB_OP_SYNCOBJ_RESET:
		if (!HAS(F_SYNCOBJS))
			return false;
		op->u.reset.first_id = (uint32_t)p->n_ids;
		op->u.reset.n = (uint32_t)n_bos;
		break;
	case VMB_OP_SYNC_FILE_EXPORT:
	case VMB_OP_SYNC_FILE_IMPORT:
		if (!HAS(F_SYNCOBJ))
			return false;
		op->u.sync_file.syncobj = (uint32_t)u[F_SYNCOBJ];
		op->u.sync_file.sync_file = (uint32_t)OPT(F_SYNC_FILE, 0);
		break;
	default:
		return false;
	}
#undef HAS
#undef OPT
#undef ID_OK
	/* the pools' 32-bit indices, as trace_parse.c checks them */
	if (p->n_binds + n_binds >= UINT32_MAX || p->n_syncs + n_in + n_out >= UINT32_MAX ||
	    p->n_ids + n_bos >= UINT32_MAX)
		return false;
	/* an empty pool is NULL: memcpy() must not see it even for 0 bytes */
	if (n_in)
		memcpy(p->syncs + p->n_syncs, in, n_in * sizeof(*in));
	if (n_out)
		memcpy(p->syncs + p->n_syncs + n_in, out, n_out * sizeof(*out));
	p->n_syncs += n_in + n_out;
	p->n_binds += n_binds;
	p->n_ids += n_bos;
	p->n_ops++;
	return true;
}

} /* namespace */

extern "C" {

struct vmb_simd *vmb_simd_create(void)
{
	/* the parser allocates its buffers on the first iterate() */
	return new (std::nothrow) vmb_simd();
}

void vmb_simd_destroy(struct vmb_simd *s)
{
	if (!s)
		return;
	free(s->buf);
	delete s;
}

/**
 * vmb_simd_parse_op() - parse one .jsonl op line on the fast path
 * @s: per-thread state
 * @p: parse state; @p->op_line names the op
 * @line, @len: the line without its '\n'
 * @avail: bytes readable from @line on (simdjson reads up to 64 past @len)
 *
 * Return: 1 when the op was appended to @p, 0 when the line is left to
 * the jansson path (@p unchanged), -ENOMEM.
 */
int vmb_simd_parse_op(struct vmb_simd *s, struct vmb_parse *p, const char *line, size_t len,
		      size_t avail)
{
	size_t n_ops = p->n_ops, n_binds = p->n_binds, n_syncs = p->n_syncs, n_ids = p->n_ids,
	       n_kr = p->n_kranges;
	ondemand::document doc;
	bool oom = false;

	if (avail < len + SIMDJSON_PADDING) {
		if (s->cap < len + SIMDJSON_PADDING) {
			char *q = (char *)realloc(s->buf, len + SIMDJSON_PADDING);

			if (!q)
				return -ENOMEM;
			s->buf = q;
			s->cap = len + SIMDJSON_PADDING;
		}
		memcpy(s->buf, line, len);
		memset(s->buf + len, ' ', SIMDJSON_PADDING);
		line = s->buf;
	}
	if (!s->parser.iterate(line, len, len + SIMDJSON_PADDING).get(doc) &&
	    parse_op(p, doc, &oom))
		return 1;
	p->n_ops = n_ops;
	p->n_binds = n_binds;
	p->n_syncs = n_syncs;
	p->n_ids = n_ids;
	p->n_kranges = n_kr;
	return oom ? -ENOMEM : 0;
}

} /* extern "C" */
