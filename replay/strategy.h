/* SPDX-License-Identifier: MIT */
/*
 * strategy.h - the strategy axes of a replay run (DESIGN.md §5): kernel
 * semantics the model applies (refcount, sync, userptr, bo-lookup) and
 * userspace policies the replayer applies on every backend (close, batch,
 * pace).
 */
#ifndef VMB_STRATEGY_H
#define VMB_STRATEGY_H

#include <stdint.h>

#include "trace.h"

/*
 * enum vmb_refcount - what keeps a mapped BO alive (SEMANTICS.md §1):
 * @VMB_REF_HARD: each mapping holds its vm_bo, the vm_bo holds the BO
 * @VMB_REF_WEAK: closing the handle removes the closing file's mappings
 *     (amdgpu bo_va; msm's handle close on legacy VMs)
 * @VMB_REF_WEAK_FREE: mappings live until the BO object is freed (last
 *     handle closed and last submit using it completed): msm before 6.17
 * @VMB_REF_SUBMIT_VMBO: hard, but a mapping made implicitly by a submit is
 *     held by that submit and dropped when it completes (seed 003)
 */
enum vmb_refcount {
	VMB_REF_HARD,
	VMB_REF_WEAK,
	VMB_REF_WEAK_FREE,
	VMB_REF_SUBMIT_VMBO,
	VMB_REF_COUNT
};
enum vmb_sync_mode {
	VMB_SYNC_IMPLICIT,
	VMB_SYNC_EXPLICIT,
	VMB_SYNC_ASYNC,
	VMB_SYNC_SYNC,
	VMB_SYNC_COUNT
};
enum vmb_userptr_mode { VMB_USERPTR_HMM, VMB_USERPTR_PIN, VMB_USERPTR_COUNT };
enum vmb_bo_lookup { VMB_LOOKUP_VMBO, VMB_LOOKUP_GEM_LIST, VMB_LOOKUP_COUNT };
enum vmb_close_policy {
	VMB_CLOSE_AS_TRACED,
	VMB_CLOSE_UNBIND_FIRST,
	VMB_CLOSE_UNBIND_ALL,
	VMB_CLOSE_EARLY,
	VMB_CLOSE_COUNT
};
enum vmb_pace_mode { VMB_PACE_ASAP, VMB_PACE_TRACED, VMB_PACE_SCALED };

/**
 * struct vmb_strategy - one point of the strategy matrix
 * @refcount, @sync, @userptr, @bo_lookup: model semantics
 * @close: what happens before bo_close
 * @batch: 0 = as traced, 1 = one entry per bind ioctl, N = coalesce
 *         consecutive binds of the same VM and queue up to N entries
 * @pace: asap, traced, or traced times divided by @pace_factor ("x2" = twice
 *        as fast)
 */
struct vmb_strategy {
	enum vmb_refcount refcount;
	enum vmb_sync_mode sync;
	enum vmb_userptr_mode userptr;
	enum vmb_bo_lookup bo_lookup;
	enum vmb_close_policy close;
	uint32_t batch;
	enum vmb_pace_mode pace;
	double pace_factor;
};

/* names as written on the command line and in result files */
const char *vmb_refcount_name(enum vmb_refcount v);
const char *vmb_sync_name(enum vmb_sync_mode v);
const char *vmb_userptr_name(enum vmb_userptr_mode v);
const char *vmb_bo_lookup_name(enum vmb_bo_lookup v);
const char *vmb_close_name(enum vmb_close_policy v);
/* "as-traced", "1", "64"; "as-traced", "asap", "x2.5" (into @buf) */
const char *vmb_batch_name(uint32_t batch, char *buf, size_t len);
const char *vmb_pace_name(const struct vmb_strategy *s, char *buf, size_t len);

/**
 * vmb_strategy_native() - the driver's native semantics (DESIGN.md §5),
 * used for the axes the user did not set
 */
void vmb_strategy_native(enum vmb_driver driver, struct vmb_strategy *out);

/**
 * vmb_strategy_native_trace() - native semantics of a trace: the driver's,
 * except that msm traces with legacy (implicit_va) VMs get msm's legacy
 * semantics (weak handle close, implicit sync)
 */
void vmb_strategy_native_trace(const struct vmb_trace *t, struct vmb_strategy *out);

/*
 * Parsers for the command line: each takes a name as written by the
 * matching *_name() function and returns 0 or -EINVAL.
 */
int vmb_refcount_parse(const char *s, enum vmb_refcount *out);
int vmb_sync_parse(const char *s, enum vmb_sync_mode *out);
int vmb_userptr_parse(const char *s, enum vmb_userptr_mode *out);
int vmb_bo_lookup_parse(const char *s, enum vmb_bo_lookup *out);
int vmb_close_parse(const char *s, enum vmb_close_policy *out);
/* "as-traced" (0) or an integer >= 1 */
int vmb_batch_parse(const char *s, uint32_t *out);
/* "asap", "traced" or "x<F>" with F > 0; sets @s->pace and @s->pace_factor */
int vmb_pace_parse(const char *str, struct vmb_strategy *s);

#endif /* VMB_STRATEGY_H */
