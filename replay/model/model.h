/* SPDX-License-Identifier: MIT */
/*
 * model.h - the embedded model of the kernel's VM subsystem: VA manager,
 * objects with reference counts, fence timeline and cost model. It is the
 * `model` backend of `replay`, and the state behind the shim's fake render
 * node. See docs/model.md for the semantics and the cost model.
 */
#ifndef VMB_MODEL_H
#define VMB_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"
#include "strategy.h"
#include "trace.h"

/**
 * struct vmb_model_params - the cost model (all simulated ns; estimates)
 * @ioctl_ns: CPU cost of any ioctl
 * @bind_ioctl_ns: extra CPU cost of a bind ioctl per entry
 * @submit_ioctl_ns: extra CPU cost of a submit ioctl
 * @bind_job_ns: fixed cost of a bind job on its bind queue
 * @pte_ns: cost of writing one page-table entry (any page size)
 * @tlb_flush_ns: cost of one TLB invalidation
 * @pin_page_ns: cost of pinning one page (userptr pin, on bind/revalidate)
 * @fault_page_ns: cost of faulting in one page (userptr hmm revalidate)
 * @evict_page_ns: cost of moving one page on evict (per 4 KiB)
 * @gpu_job_ns: GPU time of a submit without "gpu_ns"
 * @lookup_node_ns: visiting one list node while looking up a BO's mappings
 * @gts: GTs a TLB invalidation goes to (xe: one per GT); a count, not ns
 */
struct vmb_model_params {
	uint64_t ioctl_ns;
	uint64_t bind_ioctl_ns;
	uint64_t submit_ioctl_ns;
	uint64_t bind_job_ns;
	uint64_t pte_ns;
	uint64_t tlb_flush_ns;
	uint64_t pin_page_ns;
	uint64_t fault_page_ns;
	uint64_t evict_page_ns;
	uint64_t gpu_job_ns;
	uint64_t lookup_node_ns;
	uint64_t gts;
};

/** vmb_model_params_default - the documented defaults */
extern const struct vmb_model_params vmb_model_params_default;

/**
 * vmb_model_param_set() - set one parameter from "name=value" (name as the
 * struct member without _ns, e.g. "pte=12"); returns 0 or -EINVAL
 */
int vmb_model_param_set(struct vmb_model_params *p, const char *kv);

/**
 * struct vmb_model_config - how to build a model instance
 * @driver: the driver whose uAPI rules apply (error codes, UNMAP_ALL, ...)
 * @page_size: GPU page size for alignment checks
 * @strat: semantics (refcount, sync, userptr, bo_lookup); the userspace
 *     policies (close, batch, pace) are the engine's business
 * @params: cost model
 * @dump: when non-NULL, the canonical gpuvm op dump (DESIGN.md §7) goes here
 * @dump_vm: append " vm=N" to each REQ line (traces with several VMs)
 */
struct vmb_model_config {
	enum vmb_driver driver;
	uint64_t page_size;
	struct vmb_strategy strat;
	struct vmb_model_params params;
	FILE *dump;
	bool dump_vm;
};

struct vmb_model;

/** vmb_model_create() - a new, empty model; NULL on allocation failure */
struct vmb_model *vmb_model_create(const struct vmb_model_config *cfg);

/** vmb_model_destroy() - free everything (NULL is fine) */
void vmb_model_destroy(struct vmb_model *m);

/**
 * vmb_model_exec() - carry out one op on the model
 * @m: model
 * @call: the op and its variable parts; ids are the caller's object ids
 * @tm: receives simulated times
 *
 * Return: the op's result, 0 or the -errno the kernel would give.
 */
int vmb_model_exec(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);

/**
 * vmb_model_set_semantics() - change the refcount and sync semantics of a
 * model that has no mapping yet (the shim learns that an msm file is a
 * legacy one only when it uses its VM)
 *
 * Return: 0, or -EBUSY once a mapping exists.
 */
int vmb_model_set_semantics(struct vmb_model *m, enum vmb_refcount refcount,
			    enum vmb_sync_mode sync);

/** vmb_model_now() - the model's simulated CPU clock (ns) */
uint64_t vmb_model_now(const struct vmb_model *m);

/** vmb_model_advance() - let simulated CPU time pass until @t */
void vmb_model_advance(struct vmb_model *m, uint64_t t);

/**
 * vmb_model_finish() - end of run: account for everything still alive
 * (leaked BOs, reference cycles). Call once, before the final counters.
 */
void vmb_model_finish(struct vmb_model *m);

/** vmb_model_counters() - the counters so far */
void vmb_model_counters(const struct vmb_model *m, struct vmb_counters *out);

/**
 * struct vmb_model_live - objects currently alive
 * @vms, @bos, @queues, @syncobjs: objects with a userspace id
 * @mappings: VAs in all VMs
 * @zombie_bytes: bytes of BOs closed by userspace but kept alive by mappings
 * @fence_held_bytes: bytes of closed BOs kept only by pending GPU work
 */
struct vmb_model_live {
	uint64_t vms, bos, queues, syncobjs, mappings, zombie_bytes, fence_held_bytes;
};

/** vmb_model_live() - what is alive now */
void vmb_model_live(const struct vmb_model *m, struct vmb_model_live *out);

/**
 * vmb_model_syncobj_point() - the timeline point a syncobj has reached by
 * simulated time @now (binary syncobj: 1 if signaled, else 0); -ENOENT for an
 * unknown syncobj. Used by the shim for SYNCOBJ_QUERY/WAIT.
 */
int vmb_model_syncobj_point(const struct vmb_model *m, uint32_t syncobj, uint64_t now,
			    uint64_t *point);

/**
 * vmb_model_syncobj_when() - the simulated time point @point of syncobj @id
 * signals (binary syncobj: its fence); -EAGAIN while no fence for it is
 * known, -ENOENT for an unknown syncobj. Used by the shim's timed GPU.
 */
int vmb_model_syncobj_when(const struct vmb_model *m, uint32_t id, uint64_t point, uint64_t *t);

/**
 * struct vmb_model_mapping - one mapping of a BO
 * @vm: VM id; @va, @range: the mapping
 */
struct vmb_model_mapping {
	uint32_t vm;
	uint64_t va;
	uint64_t range;
};

/**
 * vmb_model_bo_mappings() - list the mappings of an open BO
 * @m: model; @bo: BO id; @out: array of @max entries (may be NULL if @max is 0)
 *
 * Return: the number of mappings (may exceed @max; only @max are stored).
 */
size_t vmb_model_bo_mappings(const struct vmb_model *m, uint32_t bo, struct vmb_model_mapping *out,
			     size_t max);

/**
 * vmb_model_has_mapping() - is there a mapping starting at @va in VM @vm?
 * (the shim keeps its per-driver overlap shadow in step with the model)
 */
bool vmb_model_has_mapping(const struct vmb_model *m, uint32_t vm, uint64_t va);

/** vmb_model_backend_set_params() - cost model used by the model backend */
void vmb_model_backend_set_params(const struct vmb_model_params *p);

/** vmb_model_backend_model() - the model of a model-backend instance, else NULL */
struct vmb_model *vmb_model_backend_model(struct vmb_backend *be);

#endif /* VMB_MODEL_H */
