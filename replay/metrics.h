/* SPDX-License-Identifier: MIT */
/*
 * metrics.h - what one replay run measures: latency samples, stall totals
 * and the model's counters, i.e. the "metrics" object of a vmbench-result
 * (DESIGN.md §6, docs/result-format.md).
 */
#ifndef VMB_METRICS_H
#define VMB_METRICS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct vmb_samples - a growable array of latency samples (ns)
 *
 * Samples are kept raw so that percentiles are exact and compare can run
 * rank tests on them.
 */
struct vmb_samples {
	uint64_t *v;
	size_t n;
	size_t cap;
	bool sorted; /* known sorted (by a sort, or empty); an add clears it */
};

int vmb_samples_grow(struct vmb_samples *s);
/** vmb_samples_reserve() - room for @n samples in all, its pages touched (0 or -ENOMEM) */
int vmb_samples_reserve(struct vmb_samples *s, size_t n);

/**
 * vmb_samples_add() - append a sample; returns 0 or -ENOMEM
 *
 * Inline: the replay loop adds a few per op, so an add only stores (it
 * clears @s->sorted); whether samples arrived in order is found when they
 * are summarized (vmb_samples_sorted()), not per add.
 */
static inline int vmb_samples_add(struct vmb_samples *s, uint64_t ns)
{
	if (__builtin_expect(s->n == s->cap, 0) && vmb_samples_grow(s))
		return -ENOMEM;
	s->v[s->n++] = ns;
	s->sorted = false;
	return 0;
}
/**
 * vmb_samples_sorted() - whether @s's samples are in ascending order: known
 * from the last sort, or found by one pass over them
 */
bool vmb_samples_sorted(const struct vmb_samples *s);
/** vmb_samples_reset() / vmb_samples_free() */
void vmb_samples_reset(struct vmb_samples *s);
void vmb_samples_free(struct vmb_samples *s);

/**
 * struct vmb_latency - summary of a sample set (nearest-rank percentiles)
 */
struct vmb_latency {
	uint64_t count;
	double mean;
	uint64_t p50, p90, p99, p999, max;
	uint64_t total;
};

/** vmb_samples_summarize() - sorts @s in place and summarizes it */
void vmb_samples_summarize(struct vmb_samples *s, struct vmb_latency *out);

/**
 * enum vmb_stall_cause - why the kernel made a bind or a job wait beyond its
 * declared fences and its queue (SEMANTICS.md §3, "stall_by_cause")
 * @VMB_STALL_IMPLICIT: reservation waits of implicit sync
 * @VMB_STALL_VM_BOOKKEEP: xe REMAP waiting for the VM's jobs, and execs
 *     waiting behind such binds
 * @VMB_STALL_EXPLICIT_FREE: seed 002 rule 2, the forced wait after a free
 *     that userspace did not wait for
 * @VMB_STALL_EVICT: waiting for an eviction's move and rebind
 * @VMB_STALL_USERPTR: userptr revalidation and GPU faults on fault-mode VMs
 * @VMB_STALL_CLOSE: page-table work of a close that waits for the GPU
 */
enum vmb_stall_cause {
	VMB_STALL_IMPLICIT,
	VMB_STALL_VM_BOOKKEEP,
	VMB_STALL_EXPLICIT_FREE,
	VMB_STALL_EVICT,
	VMB_STALL_USERPTR,
	VMB_STALL_CLOSE,
	VMB_STALL_COUNT
};

/** vmb_stall_cause_name() - the result-file key of a stall cause */
const char *vmb_stall_cause_name(enum vmb_stall_cause c);

/**
 * struct vmb_counters - counters a backend reports at the end of a run
 *
 * Field names follow the result file. A backend sets @has_model when the
 * gpuvm/refcount/userptr figures come from the embedded model (always true
 * for the model backend; for hardware backends they come from the model
 * dry-run and are labelled so).
 */
struct vmb_counters {
	bool has_model;
	/* gpuvm */
	uint64_t gpuvm_requests, gpuvm_map, gpuvm_remap, gpuvm_unmap, gpuvm_keep;
	uint64_t gpuvm_cpu_ns;
	/* page tables */
	uint64_t pte_writes, tlb_flushes;
	/* refcount */
	uint64_t peak_bo_bytes, peak_zombie_bytes, implicit_unmaps, leaked_bos, cycles;
	uint64_t bo_lookup_nodes;
	/* userptr */
	uint64_t userptr_invalidations, userptr_revalidations, pinned_pages_peak;
	/* evictions */
	uint64_t evictions, evict_rebinds;
	/* submits whose job started before an earlier bind of its VM completed */
	uint64_t unsynced_submits;
	/* submits that use memory whose map nothing orders before them */
	uint64_t unsafe_submits;
	/* syncobj fence moves that succeeded: transfers, resets, sync_file export/import */
	uint64_t sync_transfers, sync_resets, sync_file_exports, sync_file_imports;
	/* kernel-added waits by cause (ns, binds and jobs) */
	uint64_t stall_by_cause[VMB_STALL_COUNT];
	/* lifetime (SEMANTICS.md §3) */
	uint64_t peak_fence_held_bytes, peak_held_bytes, implicit_maps;
	/* list nodes visited to find mappings, per purpose, and their cost */
	uint64_t lookup_evict_nodes, lookup_validate_nodes, lookup_unmap_all_nodes;
	uint64_t lookup_close_nodes, lookup_ns;
	/* userptr */
	uint64_t userptr_fault_pages, userptr_pinned_pages, userptr_notifier_block_ns;
	uint64_t userptr_migrations, userptr_migrations_blocked, userptr_gpu_faults;
};

/**
 * struct vmb_run_metrics - everything measured in one run
 * @bind, @unbind, @submit: latency samples (issue to completion)
 * @stall: submit stall samples, one per submit (0 included)
 * @bind_stall: bind stall samples, one per bind ioctl (0 included)
 * @close: CPU time of each bo_close ioctl
 * @stall_times: issue time of each submit, parallel to @stall (for plots)
 * @frames: frame-boundary times (ns)
 * @job_op, @job_start, @job_end: per submitted job, its trace op index, GPU
 *     start (0 when not observable) and completion, on the run's clock
 * @stall_unmeasured: submits whose stall the backend could not observe
 *     (not in @stall; the result says null when no submit was measured)
 * @in_flight_cap, @in_flight_peak: cap on calls in flight and the most
 *     seen (0 for backends that complete each call before the next)
 * @counters: backend counters
 * @errors_expected: ops whose result matched a non-zero "ret"
 * @errors_unexpected: ops whose result differed from "ret"
 * @unsupported: ops a backend could not carry out (counted, not dropped silently)
 * @ops_issued: calls made to the backend
 * @sim_end_ns: simulated (model) or measured end time of the run
 * @makespan_ns: issue of the first op to the completion of the last CPU or
 *     GPU work (bind job, submitted job)
 * @simulated: latencies are simulated (model) rather than measured
 * @incomplete: the run stopped early (signal, fatal error)
 */
struct vmb_run_metrics {
	struct vmb_samples bind, unbind, submit, stall, stall_times, frames;
	struct vmb_samples bind_stall, close;
	struct vmb_samples job_op, job_start, job_end;
	uint64_t stall_unmeasured;
	uint32_t in_flight_cap, in_flight_peak;
	struct vmb_counters counters;
	uint64_t errors_expected, errors_unexpected, unsupported;
	uint64_t ops_issued;
	uint64_t sim_end_ns;
	uint64_t makespan_ns;
	bool simulated;
	bool incomplete;
};

void vmb_run_metrics_init(struct vmb_run_metrics *m);
void vmb_run_metrics_free(struct vmb_run_metrics *m);

#endif /* VMB_METRICS_H */
