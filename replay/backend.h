/* SPDX-License-Identifier: MIT */
/*
 * backend.h - the backend vtable: what the replay engine calls to carry out
 * trace ops on the embedded model, on a real kernel through libdrm, or on
 * nothing at all (the null backend, which measures the harness).
 *
 * The engine resolves strategies (batching, close policy, pacing) and hands
 * each backend one call at a time. Trace-local ids are passed through
 * unchanged; each backend maps them to its own handles.
 */
#ifndef VMB_BACKEND_H
#define VMB_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "metrics.h"
#include "strategy.h"
#include "trace.h"

/**
 * struct vmb_call - one op as the engine issues it
 * @op: the op (may be synthesized by a strategy, e.g. a split bind)
 * @binds: bind entries of a bind op (@op->u.bind.n_binds of them)
 * @syncs: in-syncs then out-syncs (bind, submit), the syncs (wait, signal),
 *     or src then dst (transfer)
 * @bos: BO ids of a submit; syncobj ids of a syncobj_reset
 * @kernel_range: vm_create's kernel_range (it does not fit in struct vmb_op)
 * @index: index of the trace op it came from (for messages)
 */
struct vmb_call {
	const struct vmb_op *op;
	const struct vmb_bind_entry *binds;
	const struct vmb_sync *syncs;
	const uint32_t *bos;
	uint64_t kernel_range;
	size_t index;
};

/**
 * struct vmb_timing - what a backend reports for one call, in ns on the
 * backend's clock (simulated for the model, CLOCK_MONOTONIC otherwise)
 * @issue_ns: when the call was made
 * @return_ns: when the ioctl returned to the CPU
 * @done_ns: when its GPU-side work (bind job, submitted job) completed; 0
 *     when unknown or not applicable
 * @start_ns: for a submit, when the job started on the GPU (0 unknown)
 * @stall_ns: for a submit, the delay the kernel added beyond declared
 *     in-fences and queue availability (DESIGN.md §6)
 * @pending: the call is still running when exec returns: @done_ns,
 *     @start_ns and @stall_ns come later, through struct vmb_backend.done
 * @stall_unknown: the backend cannot observe @stall_ns (no GPU start time);
 *     the stall is reported as not measured rather than 0
 */
struct vmb_timing {
	uint64_t issue_ns;
	uint64_t return_ns;
	uint64_t done_ns;
	uint64_t start_ns;
	uint64_t stall_ns;
	bool pending;
	bool stall_unknown;
};

struct vmb_call;

/**
 * typedef vmb_done_fn - a pending call completed
 * @ctx: struct vmb_backend.done_ctx
 * @c: a copy of the call as issued (valid during the callback only)
 * @tm: its complete timing (@tm->pending false)
 *
 * Called on the thread that calls exec and reap, never concurrently.
 */
typedef void (*vmb_done_fn)(void *ctx, const struct vmb_call *c, const struct vmb_timing *tm);

struct vmb_backend;

/**
 * struct vmb_backend_ops - a backend
 * @name: "model", "xe", ...
 * @open: mandatory. Prepare for one run of @trace under @strat; @device may
 *     be NULL (backend picks). Fills @be->priv. Return 0 or -errno with a
 *     message in @err.
 * @close: mandatory. Release everything the run created (also after errors).
 * @exec: mandatory. Carry out one call; return the op's result (0 or
 *     -errno, compared with op->ret by the engine) and fill @tm.
 * @now: mandatory. The backend's clock in ns.
 * @advance: mandatory. Let time pass until @t ns on the backend's clock
 *     (simulated for the model, nanosleep for hardware); used by pacing.
 * @counters: optional. Fill model/kernel counters at the end of the run.
 * @supports: optional. false when the backend cannot carry out an op kind
 *     at all (the engine counts those as unsupported and says so once).
 * @reap: optional (mandatory for a backend that returns pending calls).
 *     Report the calls that completed since the last report through
 *     @be->done; with @all, first wait until none is in flight (a backend
 *     may give up on a call that never completes, and says so).
 * @in_flight: optional. The cap on calls in flight and the most seen.
 * @simulated: true when times are simulated rather than measured.
 */
struct vmb_backend_ops {
	const char *name;
	int (*open)(struct vmb_backend *be, const struct vmb_trace *trace,
		    const struct vmb_strategy *strat, const char *device, char *err, size_t errlen);
	void (*close)(struct vmb_backend *be);
	int (*exec)(struct vmb_backend *be, const struct vmb_call *call, struct vmb_timing *tm);
	uint64_t (*now)(struct vmb_backend *be);
	void (*advance)(struct vmb_backend *be, uint64_t t);
	void (*counters)(struct vmb_backend *be, struct vmb_counters *out);
	bool (*supports)(struct vmb_backend *be, enum vmb_op_kind kind);
	void (*reap)(struct vmb_backend *be, bool all);
	void (*in_flight)(struct vmb_backend *be, uint32_t *cap, uint32_t *peak);
	bool simulated;
};

/**
 * struct vmb_backend - a backend instance
 * @ops: its vtable
 * @priv: backend state
 * @dump: when non-NULL, the model writes the canonical gpuvm op dump here
 *     (DESIGN.md §7)
 * @done, @done_ctx: where pending calls report their completion (set by the
 *     engine before open)
 * @max_in_flight: cap on calls in flight (0 = the backend's default)
 */
struct vmb_backend {
	const struct vmb_backend_ops *ops;
	void *priv;
	FILE *dump;
	vmb_done_fn done;
	void *done_ctx;
	uint32_t max_in_flight;
};

/**
 * vmb_backend_find() - look a backend up by name in the static registry
 * Return: the vtable or NULL.
 */
const struct vmb_backend_ops *vmb_backend_find(const char *name);

/** vmb_backend_names() - NULL-terminated list of registered backend names */
const char *const *vmb_backend_names(void);

extern const struct vmb_backend_ops vmb_model_backend;
extern const struct vmb_backend_ops vmb_null_backend;

#endif /* VMB_BACKEND_H */
