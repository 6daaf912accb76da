/* SPDX-License-Identifier: MIT */
/*
 * trace_priv.h - internals shared by the trace loader (trace_load.c), the
 * semantic validator (trace_validate.c), the writer (trace_write.c) and the
 * name tables (trace_names.c). Not part of the public trace API.
 */
#ifndef VMB_TRACE_PRIV_H
#define VMB_TRACE_PRIV_H

#include "trace.h"

/* ids are dense trace-local integers; the loader keeps per-id state */
#define VMB_TRACE_MAX_ID	0xffffffu

/* nesting limit enforced before jansson sees a value */
#define VMB_TRACE_MAX_DEPTH	64

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

int vmb_trace_lookup_op(const char *name);
int vmb_trace_lookup_bind_kind(const char *name);
int vmb_trace_lookup_engine(const char *name);
int vmb_trace_lookup_placement(const char *name);
int vmb_trace_lookup_flag(const struct vmb_flag_name *tab, const char *name, uint32_t *bit);
void vmb_trace_flag_list(const struct vmb_flag_name *tab, char *buf, size_t len);

/*
 * The semantic validator: object lifetimes, address checks, sync checks and
 * per-thread time order, fed one parsed op at a time.
 */
struct vmb_validator;

int vmb_validator_create(struct vmb_trace *t, struct vmb_validator **out);
void vmb_validator_destroy(struct vmb_validator *v);
int vmb_validator_check(struct vmb_validator *v, const struct vmb_op *op, bool has_t,
			uint64_t kernel_range, char *why, size_t len);

#endif /* VMB_TRACE_PRIV_H */
