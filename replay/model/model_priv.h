/* SPDX-License-Identifier: MIT */
/*
 * model_priv.h - the model's internal objects, shared by its files, one
 * concept each:
 *
 *   model.c           object tables, create/destroy ops, the dispatcher
 *   model_rules.c     one const rules table per driver (what the engine asks)
 *   model_lifetime.c  references, BO close under each --refcount, memory
 *                     held by fences, legacy (implicit_va) mappings, cycles
 *   model_bind.c      binds through the VA manager, the waits a bind job gets
 *   model_sync.c      fences, syncobjs, submits, CPU waits, unsafe submits
 *   model_lookup.c    finding a BO's mappings (--bo-lookup), node costs
 *   model_userptr.c   userptr notifiers, migration, eviction, revalidation
 *   model_tlb.c       when TLB invalidations happen (per driver)
 */
#ifndef VMB_MODEL_PRIV_H
#define VMB_MODEL_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "gpuvm.h"
#include "model.h"

struct mvm;
struct mbo;
struct mknow;

/*
 * The model's lists are NULL-terminated, doubly linked through a pair of
 * members <name>_prev / <name>_next, with a plain pointer as head.
 */
#define MLIST_ADD(head, node, name)                                                                \
	do {                                                                                       \
		(node)->name##_prev = NULL;                                                        \
		(node)->name##_next = (head);                                                      \
		if (head)                                                                          \
			(head)->name##_prev = (node);                                              \
		(head) = (node);                                                                   \
	} while (0)

#define MLIST_DEL(head, node, name)                                                                \
	do {                                                                                       \
		if ((node)->name##_prev)                                                           \
			(node)->name##_prev->name##_next = (node)->name##_next;                    \
		else                                                                               \
			(head) = (node)->name##_next;                                              \
		if ((node)->name##_next)                                                           \
			(node)->name##_next->name##_prev = (node)->name##_prev;                    \
	} while (0)

/* mva flags: page-size shift in the low 8 bits */
#define MVA_PGSHIFT_MASK 0xffu
#define MVA_USERPTR (1u << 8)
#define MVA_NULL (1u << 9)
#define MVA_INVALID (1u << 10)	/* needs a rebind before the next submit */
#define MVA_IMPLICIT (1u << 11) /* made by the kernel for a submit (implicit_va VM) */
#define MVA_FAULT (1u << 12)	/* zapped on a fault-mode VM: the GPU faults it back */

/* why a BO's mappings are looked up (the "lookup" metric's purposes) */
enum mlookup {
	MLOOKUP_EVICT,	   /* all VMs: an eviction invalidates every mapping */
	MLOOKUP_VALIDATE,  /* one VM: submit-time validation */
	MLOOKUP_UNMAP_ALL, /* one VM: UNMAP_ALL */
	MLOOKUP_CLOSE,	   /* one VM (weak close) or all (object free) */
	MLOOKUP_NONE,	   /* bookkeeping of the model itself: not counted */
};

/* TLB invalidation policies (model_tlb.c) */
enum mtlb_policy {
	MTLB_BIND_JOB,	  /* xe: end of a bind job that removed or changed PTEs, per GT */
	MTLB_NEXT_SUBMIT, /* amdgpu gfx9+: the VM's next submit flushes once */
	MTLB_PER_UNMAP,	  /* one invalidation per unmapped range, synchronously */
};

/* how a weak close takes the closing file's mappings down */
enum mclose_style {
	MCLOSE_CLEAR_JOB, /* amdgpu: a page-table clear job, the ioctl does not block */
	MCLOSE_BLOCKING,  /* msm legacy: the ioctl waits for the BO, then unmaps */
};

/**
 * struct mrules - what one driver's kernel code does, as data; the engine
 * consults it instead of testing the driver. docs/model.md cites the kernel
 * function behind every member.
 * @name: driver name (for messages)
 * @tlb: when TLB invalidations happen
 * @tlb_on_map: the per-unmap policy also invalidates after maps
 * @remap_waits_bookkeep: a REMAP whose kept piece needs its page tables
 *     rewritten waits for every job of the VM (xe op_prepare)
 * @exec_waits_kernel_binds: execs on non-LR VMs wait behind binds whose
 *     fence went into the VM's reservation at KERNEL usage (xe_exec.c)
 * @map_waits_vm_kernel: maps wait for the VM's KERNEL fences too (moves of
 *     VM-private BOs, earlier binds installed at KERNEL usage: xe)
 * @weak_close: how a weak close removes the closing file's mappings
 * @bind_in_fences_cpu: the bind ioctl waits for its in-fences on the CPU
 *     instead of making them GPU dependencies (amdgpu VA ioctl)
 * @submit_waits_listed: under implicit sync a submit waits for the VM's
 *     clears and for the page-table updates of the BOs it lists only, not
 *     for every pending bind of the VM (amdgpu_cs_vm_handling)
 * @userptr_fault_per_submit: userptr BOs are faulted in again by every
 *     submit that lists them (amdgpu_cs_parser_bos)
 */
struct mrules {
	const char *name;
	enum mtlb_policy tlb;
	bool tlb_on_map;
	bool remap_waits_bookkeep;
	bool exec_waits_kernel_binds;
	bool map_waits_vm_kernel;
	enum mclose_style weak_close;
	bool bind_in_fences_cpu;
	bool submit_waits_listed;
	bool userptr_fault_per_submit;
};

/** mrules_for() - the rules table of @driver (never NULL) */
const struct mrules *mrules_for(enum vmb_driver driver);

/*
 * struct mva - the model's bookkeeping for one mapping, hung off
 * vmb_gpuva.priv. A mapping of a BO is linked to its vm_bo and to the BO's
 * all-VM list (the gem-list lookup); userptr and invalidated mappings are
 * on their VM's lists. @bind_key/@bind_seq name the bind job that last
 * wrote its PTEs (0: the kernel wrote them itself, ordered by construction).
 */
struct mva {
	struct vmb_gpuva *va;
	struct mvm *vm;
	struct mvmbo *vmbo;
	struct mva *vmbo_prev, *vmbo_next; /* vm_bo's VA list */
	struct mva *gem_prev, *gem_next;   /* BO's list of VAs in every VM */
	struct mva *up_prev, *up_next;	   /* VM's userptr list */
	struct mva *inv_prev, *inv_next;   /* VM's invalidated (rebind) list */
	bool on_inv;
	uint32_t bind_key, bind_seq;
	uint64_t hold_until; /* submit-vmbo: the submits holding an implicit mapping */
};

/*
 * struct mvmbo - one (VM, BO) pair, as drm_gpuvm_bo. Holds a reference on
 * its VM and, when @holds_bo, on its BO (--refcount: hard and submit-vmbo
 * always; weak only in a VM other than the BO's own file's). Its own count
 * is the number of linked mappings.
 */
struct mvmbo {
	struct mvm *vm;
	struct mbo *bo;
	uint32_t refs;
	bool holds_bo;
	bool extobj;		 /* BO not private to this VM: on the VM's extobj list */
	uint64_t last_update_ns; /* latest bind job that wrote its mappings' PTEs */
	struct mva *vas;
	struct mvmbo *bo_prev, *bo_next; /* BO's vm_bo list */
	struct mvmbo *vm_prev, *vm_next; /* VM's vm_bo list */
};

/* what keeps a closed BO's memory */
enum mheld { MHELD_NONE, MHELD_ZOMBIE, MHELD_FENCE };

/* struct mbo - a buffer object */
struct mbo {
	uint32_t id;
	uint32_t refs;	/* handle + vm_bo refs + pending-fence ref */
	bool open;	/* userspace handle still open */
	bool fence_ref; /* a ref held until its GPU work completes */
	uint8_t held;	/* enum mheld, for closed BOs */
	uint8_t flags;	/* VMB_BO_F_* */
	bool counted;	/* in bo_bytes: open, or a zombie */
	uint64_t size;
	uint32_t home_vm;	/* VM of the file that owns the handle (weak close) */
	uint32_t unmap_vm;	/* VM of the last unmap (explicit sync) */
	struct mvm *private_vm; /* VM-private BO: shares the VM's reservation */
	uint64_t resv_ns;	/* latest fence of GPU work using it (BOOKKEEP) */
	uint64_t move_ns;	/* latest kernel move fence (KERNEL usage) */
	uint64_t unmap_done_ns; /* completion of the last bind job unmapping it */
	struct mvmbo *vmbos;
	struct mva *gem_vas;
	uint32_t n_vas;
};

/* struct mvm - a VM */
struct mvm {
	uint32_t id;
	uint32_t refs; /* handle + VAs + vm_bos + private BOs + queues + events */
	bool open;
	uint32_t flags;
	struct vmb_gpuvm *gpuvm;
	struct vmb_model *model;
	uint64_t bind_free_ns;	    /* default bind queue busy until */
	uint64_t last_bind_done_ns; /* latest bind job completion on this VM */
	uint64_t resv_ns;	    /* latest job fence in the VM's reservation */
	uint64_t kernel_fence_ns;   /* latest bind fence at KERNEL usage (xe) */
	uint64_t forced_wait_ns;    /* explicit: the next submit's mandatory wait */
	uint64_t last_update_ns;    /* amdgpu vm->last_update: clears, private BO maps */
	uint64_t va_start, va_end;  /* the VA space */
	uint64_t implicit_va_next;  /* implicit_va: next free address */
	uint32_t tlb_seq;	    /* amdgpu: advanced by updates that need a flush */
	uint32_t tlb_flushed[2];    /* amdgpu: tlb_seq each VM hub last flushed at */
	uint32_t bind_seq;	    /* default bind queue: jobs issued */
	struct mknow *bind_know;    /* default bind queue: what its last job is ordered after */
	struct mknow *kernel_know;  /* what waiting on kernel_fence_ns orders after */
	struct mvmbo *vmbos;
	struct mva *userptrs;
	struct mva *invalid;
	uint64_t n_vas, n_invalid, n_extobj;
};

/* struct mqueue - an exec or bind queue */
struct mqueue {
	uint32_t id;
	bool alive;
	uint8_t engine;
	struct mvm *vm;
	uint64_t free_ns;
	uint32_t bind_seq;  /* bind queue: jobs issued */
	struct mknow *know; /* what its last job is ordered after */
};

/* struct mpoint - one timeline point: completion time of it and all before */
struct mpoint {
	uint64_t point;
	uint64_t done_ns;
	struct mknow *know;
};

/*
 * struct msyncobj - a syncobj. A binary syncobj has at most one fence; a
 * timeline keeps its points in increasing order with cumulative completion
 * times (a chain point completes when it and all earlier points have).
 */
struct msyncobj {
	uint32_t id;
	bool alive;
	bool timeline;
	bool has_fence;
	uint64_t done_ns; /* binary */
	struct mknow *know;
	struct mpoint *points;
	uint32_t n_points, cap_points;
};

/*
 * struct msyncfile - a sync_file: the fence of a syncobj at the time of its
 * export (drm_syncobj_export_sync_file); immutable afterwards
 */
struct msyncfile {
	bool alive;
	uint64_t done_ns;
	struct mknow *know;
};

/*
 * struct mwaits - the latest fence a bind or job must wait for, per cause
 * (enum vmb_stall_cause). A stall is charged to the cause whose fence
 * signals last.
 */
struct mwaits {
	uint64_t t[VMB_STALL_COUNT];
};

static inline void mwaits_add(struct mwaits *w, enum vmb_stall_cause c, uint64_t t)
{
	if (t > w->t[c])
		w->t[c] = t;
}

#define MBIND_MAX_UNMAPPED 64

/*
 * struct mbind_acc - a bind job's accounting while its steps are applied:
 * page-table writes, bytes whose PTEs are kept (keep=1), removed ranges
 * (TLB), the waits the kernel adds, and the BOs it unmaps
 */
struct mbind_acc {
	uint64_t pte_writes;
	uint64_t kept_bytes;
	bool flush;	    /* PTEs removed or changed */
	uint64_t removals;  /* ranges whose PTEs were cleared */
	uint64_t maps;	    /* ranges mapped */
	bool bookkeep_wait; /* waited for the VM's jobs: fence at KERNEL usage */
	struct mwaits w;
	uint64_t cpu_ns; /* kernel CPU work in the ioctl (GUP, hmm faults) */
	uint32_t n_unmapped, n_mapped;
	uint32_t unmapped[MBIND_MAX_UNMAPPED];
	uint32_t mapped[MBIND_MAX_UNMAPPED]; /* BOs whose PTEs it writes; 0 = overflow */
};

/* what the VA manager's callbacks need to know about the current bind entry */
struct mcur {
	struct mbo *bo; /* map: the BO */
	uint32_t kind;	/* MVA_USERPTR, MVA_NULL, MVA_IMPLICIT or 0 */
	uint64_t req_va, req_end;
	uint32_t bind_key, bind_seq; /* the bind job being built */
};

/* a timed event of the model (model_lifetime.c) */
enum mevent_kind {
	MEV_RELEASE,	  /* freed BO memory comes back when its fences signal */
	MEV_FENCE_PUT,	  /* a closed BO's GPU work completed: drop the fence ref */
	MEV_IMPLICIT_PUT, /* submit-vmbo: the submits holding a mapping completed */
};

struct mevent {
	uint64_t t;
	enum mevent_kind kind;
	uint64_t bytes; /* MEV_RELEASE */
	struct mbo *bo; /* MEV_FENCE_PUT */
	struct mvm *vm; /* MEV_IMPLICIT_PUT (holds a VM ref) */
	uint64_t va;	/* MEV_IMPLICIT_PUT */
};

struct vmb_model {
	struct vmb_model_config cfg;
	const struct mrules *rules;
	uint64_t now; /* simulated CPU clock */

	struct mvm **vms;
	uint32_t n_vms;
	struct mbo **bos;
	uint32_t n_bos;
	struct mqueue **queues;
	uint32_t n_queues;
	struct msyncobj **syncobjs;
	uint32_t n_syncobjs;
	/* sync_files by trace id: the fence each wraps (model_sync.c) */
	struct msyncfile *sync_files;
	uint32_t n_sync_files;

	/* current bind request (callbacks of the VA manager) */
	struct mcur cur;
	struct mbind_acc *acc;

	/* timed events, a binary min-heap on t */
	struct mevent *ev;
	uint32_t n_ev, cap_ev;

	uint64_t close_done_ns; /* the clear job of the current close */

	/* what the CPU knows to have completed (unsafe submits) */
	struct mknow *cpu_know;

	/* counters */
	struct vmb_counters c;
	/* bo_bytes: open and zombie BOs (what handles and mappings keep) */
	uint64_t bo_bytes, zombie_bytes, fence_held_bytes, pinned_pages;
	uint64_t n_zombies;
	uint64_t live_vas;
	uint64_t extra_requests, extra_unmaps; /* UNMAP_ALL requests and their ops */
	bool finished;
};

/* model.c */
int mtable_reserve(void ***tab, uint32_t *n, uint32_t id);
struct mvm *mvm_find(struct vmb_model *m, uint32_t id);
struct mbo *mbo_find(struct vmb_model *m, uint32_t id);
struct mqueue *mqueue_find(struct vmb_model *m, uint32_t id);
struct msyncobj *msyncobj_find(struct vmb_model *m, uint32_t id);
void mvm_put(struct vmb_model *m, struct mvm *vm);
void mvm_close(struct vmb_model *m, struct mvm *vm);

static inline bool mvm_is_lr(const struct mvm *vm)
{
	return vm->flags & VMB_VM_F_FAULT;
}

/* model_lifetime.c */
void mbo_put(struct vmb_model *m, struct mbo *bo);
void mbo_note_bytes(struct vmb_model *m);
void mbo_update_held(struct vmb_model *m, struct mbo *bo);
struct mvmbo *mvmbo_obtain(struct vmb_model *m, struct mvm *vm, struct mbo *bo);
void mvmbo_put(struct vmb_model *m, struct mvmbo *vb);
int model_bo_close(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
void mbo_close(struct vmb_model *m, struct mbo *bo);
void model_events_run(struct vmb_model *m, uint64_t until);
int model_event_add(struct vmb_model *m, const struct mevent *ev);
void model_events_free(struct vmb_model *m);
uint64_t model_implicit_map(struct vmb_model *m, struct mvm *vm, struct mbo *bo, uint64_t job_end);
uint64_t model_count_cycles(struct vmb_model *m);
uint64_t model_vm_cycles(struct vmb_model *m, struct mvm *vm, bool at_destroy);

/* model_bind.c */
int model_bind(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
int model_vm_gpuvm_init(struct vmb_model *m, struct mvm *vm, uint64_t start, uint64_t range,
			uint64_t kstart, uint64_t krange);
void model_va_teardown(struct vmb_model *m, struct vmb_gpuva *va, struct mbind_acc *acc);
unsigned model_pgshift(uint64_t page_size, uint64_t va, uint64_t range, uint64_t off);
uint64_t model_bo_unmap_in_vm(struct vmb_model *m, struct mbo *bo, struct mvm *vm,
			      struct mbind_acc *acc, enum mlookup purpose);
void mva_unlink_all(struct vmb_model *m, struct mva *mv);
int model_map_kernel(struct vmb_model *m, struct mvm *vm, struct mbo *bo, uint64_t va,
		     struct mbind_acc *acc);

/* model_sync.c */
int model_syncs_ready(struct vmb_model *m, const struct vmb_sync *s, unsigned n, uint64_t *ready);
int model_syncs_check_out(struct vmb_model *m, const struct vmb_sync *s, unsigned n);
void model_syncs_signal(struct vmb_model *m, const struct vmb_sync *s, unsigned n, uint64_t done,
			struct mknow *know);
struct mknow *model_syncs_know(struct vmb_model *m, const struct vmb_sync *s, unsigned n,
			       struct mknow *base);
int model_submit(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
int model_wait(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
int model_signal(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
int model_transfer(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
int model_syncobj_reset(struct vmb_model *m, const struct vmb_call *call);
int model_sync_file_export(struct vmb_model *m, const struct vmb_op *op);
int model_sync_file_import(struct vmb_model *m, const struct vmb_op *op);
void model_sync_files_free(struct vmb_model *m);
int model_syncobj_create(struct vmb_model *m, const struct vmb_op *op);
int model_syncobj_destroy(struct vmb_model *m, const struct vmb_op *op);
void msyncobj_free(struct msyncobj *s);
uint64_t mwaits_apply(struct vmb_model *m, const struct mwaits *w, uint64_t declared,
		      uint64_t *start);

/*
 * knowledge: which bind jobs a fence, a queue or the CPU is ordered after,
 * as the highest job sequence number seen per bind queue (key: the queue id,
 * or MKNOW_VM_KEY(vm id) for a VM's default bind queue). Immutable,
 * reference-counted; NULL is the empty knowledge.
 */
#define MKNOW_VM_KEY(id) (0x80000000u | (id))
struct mknow *mknow_get(struct mknow *k);
void mknow_put(struct mknow *k);
struct mknow *mknow_union(struct mknow *a, struct mknow *b);	       /* new ref */
struct mknow *mknow_with(struct mknow *a, uint32_t key, uint32_t seq); /* new ref */
bool mknow_covers(const struct mknow *k, uint32_t key, uint32_t seq);

/* model_lookup.c */
uint64_t model_lookup_bo(struct vmb_model *m, struct mbo *bo, struct mvm *vm, enum mlookup purpose,
			 struct vmb_gpuva **list, uint64_t *cpu_ns);
uint64_t model_lookup_cost(struct vmb_model *m, enum mlookup purpose, uint64_t nodes);
uint64_t model_lookup_validate(struct vmb_model *m, struct mvm *vm, const uint32_t *bos,
			       uint32_t n_bos);

/* model_userptr.c */
int model_cpu_invalidate(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
int model_evict(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
uint64_t model_revalidate(struct vmb_model *m, struct mvm *vm, struct mwaits *w,
			  uint64_t *gpu_fault_ns);
void mva_set_invalid(struct mva *mv, bool invalid);
uint64_t model_userptr_bind_cpu(struct vmb_model *m, uint64_t pages);
void model_userptr_unpin(struct vmb_model *m, struct mva *mv);

/* model_tlb.c */
uint64_t model_tlb_bind_job(struct vmb_model *m, struct mvm *vm, const struct mbind_acc *acc);
uint64_t model_tlb_cpu(struct vmb_model *m, struct mvm *vm, const struct mbind_acc *acc);
uint64_t model_tlb_submit(struct vmb_model *m, struct mvm *vm, const struct mqueue *q);

static inline uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

#endif /* VMB_MODEL_PRIV_H */
