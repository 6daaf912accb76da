/* SPDX-License-Identifier: MIT */
/*
 * trace_priv.h - internals shared by the trace loader (trace_load.c), the
 * semantic validator (trace_validate.c), the writer (trace_write.c) and the
 * name tables (trace_names.c). Not part of the public trace API.
 */
#ifndef VMB_TRACE_PRIV_H
#define VMB_TRACE_PRIV_H

#include <jansson.h>

#include "trace.h"

/* ids are dense trace-local integers; the loader keeps per-id state */
#define VMB_TRACE_MAX_ID 0xffffffu

/* nesting limit enforced before jansson sees a value */
#define VMB_TRACE_MAX_DEPTH 64

/**
 * struct vmb_flag_name - one named bit of a "flags" array
 * @name: the JSON string
 * @bit: the bit it sets
 */
struct vmb_flag_name {
	const char *name;
	uint32_t bit;
};

extern const struct vmb_flag_name vmb_bind_flag_names[];
extern const struct vmb_flag_name vmb_vm_flag_names[];
extern const struct vmb_flag_name vmb_bo_flag_names[];
extern const struct vmb_flag_name vmb_transfer_flag_names[];

int vmb_trace_lookup_op(const char *name);
int vmb_trace_lookup_bind_kind(const char *name);
int vmb_trace_lookup_engine(const char *name);
int vmb_trace_lookup_placement(const char *name);
int vmb_trace_lookup_flag(const struct vmb_flag_name *tab, const char *name, uint32_t *bit);
void vmb_trace_flag_list(const struct vmb_flag_name *tab, char *buf, size_t len);

/**
 * struct vmb_pack - a segment of packed op records being built (trace_pack.c)
 * @buf, @len, @cap: the records
 * @prev_t, @prev_line, @prev_tid: delta state (see "packed ops")
 */
struct vmb_pack {
	uint8_t *buf;
	size_t len, cap;
	uint64_t prev_t;
	uint32_t prev_line, prev_tid;
};

int vmb_pack_op(struct vmb_pack *pk, const struct vmb_op *op, bool has_t, uint64_t krange,
		const struct vmb_bind_entry *binds, const struct vmb_sync *syncs,
		const uint32_t *ids);
void vmb_pack_free(struct vmb_pack *pk);
void vmb_cursor_raw(struct vmb_cursor *c, const uint8_t *buf, size_t len, uint32_t line);
int vmb_cursor_raw_next(struct vmb_cursor *c);
void vmb_trace_note_op(struct vmb_trace *t, const struct vmb_cursor *c);
int vmb_trace_grow(void **arr, size_t n, size_t elem);
int vmb_trace_add_mark(struct vmb_trace *t, const struct vmb_cursor *c, const uint8_t *seg_buf,
		       size_t seg);

/**
 * struct vmb_parse - ops parsed from one stretch of a trace file (the whole
 * of a .json, or one chunk of a .jsonl), before semantic validation
 * @ops, @binds, @syncs, @ids: the op being parsed and its pools; pool
 *   indices in the op are relative to these arrays. @ops[i].pad is 1 when
 *   op i carried "t". vmb_parse_pack() moves each parsed op into @pk.
 * @kranges: kernel_range of each vm_create op, in op order
 * @pk, @n_packed: the packed records of the ops parsed so far, and their count
 * @n_*, @cap_*: used and allocated entries
 * @in_op, @op_index, @op_line: the op being parsed, for messages
 * @err: first error: 0, -EINVAL or -ENOMEM
 * @err_line, @err_in_op, @err_op: where it happened (@err_op: index into @ops)
 * @reason: its text, without "FILE:LINE: op N: "
 */
struct vmb_parse {
	struct vmb_op *ops;
	struct vmb_bind_entry *binds;
	struct vmb_sync *syncs;
	uint32_t *ids;
	uint64_t *kranges;
	size_t n_ops, n_binds, n_syncs, n_ids, n_kranges;
	size_t cap_ops, cap_binds, cap_syncs, cap_ids, cap_kranges;
	struct vmb_pack pk;
	size_t n_packed;

	bool in_op;
	size_t op_index;
	uint32_t op_line;

	int err;
	uint32_t err_line;
	bool err_in_op;
	size_t err_op;
	char reason[512];
};

int vmb_parse_fail(struct vmb_parse *p, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vmb_parse_oom(struct vmb_parse *p);
int vmb_parse_op(struct vmb_parse *p, json_t *o);
int vmb_parse_pack(struct vmb_parse *p);
void vmb_parse_free(struct vmb_parse *p);
const char *vmb_json_describe(const json_t *v, char *buf, size_t len);
int vmb_json_u64(const json_t *v, uint64_t *out);

/*
 * The semantic validator: object lifetimes, address checks, sync checks and
 * per-thread time order, fed one parsed op at a time.
 */
struct vmb_validator;

int vmb_validator_create(struct vmb_trace *t, struct vmb_validator **out);
void vmb_validator_destroy(struct vmb_validator *v);
int vmb_validator_check(struct vmb_validator *v, const struct vmb_cursor *c, char *why, size_t len);

/*
 * The .jsonl fast path (trace_simd.cc): simdjson parses an op line straight
 * into a struct vmb_parse, or declines it (0) and the line goes to jansson.
 */
struct vmb_simd;

struct vmb_simd *vmb_simd_create(void);
void vmb_simd_destroy(struct vmb_simd *s);
int vmb_simd_parse_op(struct vmb_simd *s, struct vmb_parse *p, const char *line, size_t len,
		      size_t avail);

#endif /* VMB_TRACE_PRIV_H */
