/* SPDX-License-Identifier: MIT */
/*
 * model_priv.h - the model's internal objects, shared by its files:
 * model.c (object lifetimes and reference counts), model_bind.c (binds
 * through the VA manager, page-table costs, the gpuvm dump), model_sync.c
 * (fences, syncobjs, queues and the timeline), model_userptr.c (userptr
 * invalidation, eviction, revalidation at submit).
 */
#ifndef VMB_MODEL_PRIV_H
#define VMB_MODEL_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "gpuvm.h"
#include "model.h"

struct mvm;
struct mbo;

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
#define MVA_INVALID (1u << 10) /* needs a rebind before the next submit */

/*
 * struct mva - the model's bookkeeping for one mapping, hung off
 * vmb_gpuva.priv. A mapping of a BO is linked to its vm_bo (hard or weak)
 * and to the BO's all-VM list (the gem-list lookup); userptr and invalidated
 * mappings are on their VM's lists.
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
};

/*
 * struct mvmbo - one (VM, BO) pair, as drm_gpuvm_bo. Holds a reference on
 * its VM and, under --refcount=hard, on its BO. Its own count is the number
 * of linked mappings.
 */
struct mvmbo {
	struct mvm *vm;
	struct mbo *bo;
	uint32_t refs;
	struct mva *vas;
	struct mvmbo *bo_prev, *bo_next; /* BO's vm_bo list */
};

/* struct mbo - a buffer object */
struct mbo {
	uint32_t id;
	uint32_t refs; /* handle + vm_bo refs (hard) */
	bool open;     /* userspace handle still open */
	bool zombie;   /* closed, kept alive by mappings */
	uint64_t size;
	uint32_t unmap_vm;	/* VM of the last unmap (explicit sync) */
	struct mvm *private_vm; /* VM-private BO: shares the VM's reservation */
	uint64_t resv_ns;	/* latest fence in its reservation */
	uint64_t unmap_done_ns; /* completion of the last bind job unmapping it */
	struct mvmbo *vmbos;
	struct mva *gem_vas;
	uint32_t n_vas;
};

/* struct mvm - a VM */
struct mvm {
	uint32_t id;
	uint32_t refs; /* handle + VAs + vm_bos + private BOs + queues */
	bool open;
	uint32_t flags;
	struct vmb_gpuvm *gpuvm;
	struct vmb_model *model;
	uint64_t bind_free_ns;	    /* default bind queue busy until */
	uint64_t last_bind_done_ns; /* latest bind job completion on this VM */
	uint64_t resv_ns;	    /* latest job fence in the VM's reservation */
	uint64_t freed_unwaited_ns; /* explicit: unmap fence of a BO freed without waiting */
	struct mva *userptrs;
	struct mva *invalid;
	uint64_t n_vas;
};

/* struct mqueue - an exec or bind queue */
struct mqueue {
	uint32_t id;
	bool alive;
	uint8_t engine;
	struct mvm *vm;
	uint64_t free_ns;
};

/* struct mpoint - one timeline point: completion time of it and all before */
struct mpoint {
	uint64_t point;
	uint64_t done_ns;
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
	struct mpoint *points;
	uint32_t n_points, cap_points;
};

#define MBIND_MAX_UNMAPPED 64

/*
 * struct mbind_acc - a bind job's accounting while its steps are applied:
 * page-table writes, bytes whose PTEs are kept (keep=1), whether a TLB flush
 * is needed, the reservations implicit sync waits for, pages to pin, and
 * the BOs it unmaps (for the explicit-sync free-without-wait rule)
 */
struct mbind_acc {
	uint64_t pte_writes;
	uint64_t kept_bytes;
	bool flush;
	uint64_t wait_ns;
	uint64_t pin_pages;
	uint32_t n_unmapped;
	uint32_t unmapped[MBIND_MAX_UNMAPPED];
};

/* what the VA manager's callbacks need to know about the current bind entry */
struct mcur {
	struct mbo *bo; /* map: the BO */
	uint32_t kind;	/* MVA_USERPTR, MVA_NULL or 0 */
	uint64_t req_va, req_end;
};

struct vmb_model {
	struct vmb_model_config cfg;
	uint64_t now; /* simulated CPU clock */

	struct mvm **vms;
	uint32_t n_vms;
	struct mbo **bos;
	uint32_t n_bos;
	struct mqueue **queues;
	uint32_t n_queues;
	struct msyncobj **syncobjs;
	uint32_t n_syncobjs;

	/* current bind request (callbacks of the VA manager) */
	struct mcur cur;
	struct mbind_acc *acc;

	/* counters */
	struct vmb_counters c;
	uint64_t bo_bytes, zombie_bytes, pinned_pages;
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
void mbo_put(struct vmb_model *m, struct mbo *bo);
void mvm_put(struct vmb_model *m, struct mvm *vm);
struct mvmbo *mvmbo_obtain(struct vmb_model *m, struct mvm *vm, struct mbo *bo);
void mvmbo_put(struct vmb_model *m, struct mvmbo *vb);
void mbo_note_bytes(struct vmb_model *m);

/* model_bind.c */
int model_bind(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
int model_vm_gpuvm_init(struct vmb_model *m, struct mvm *vm, uint64_t start, uint64_t range,
			uint64_t kstart, uint64_t krange);
void model_va_teardown(struct vmb_model *m, struct vmb_gpuva *va, struct mbind_acc *acc);
unsigned model_pgshift(uint64_t page_size, uint64_t va, uint64_t range, uint64_t off);
uint64_t model_bo_unmap_in_vm(struct vmb_model *m, struct mbo *bo, struct mvm *vm,
			      struct mbind_acc *acc);
void mva_unlink_all(struct vmb_model *m, struct mva *mv);

/* model_sync.c */
int model_syncs_ready(struct vmb_model *m, const struct vmb_sync *s, unsigned n, uint64_t *ready);
int model_syncs_check_out(struct vmb_model *m, const struct vmb_sync *s, unsigned n);
void model_syncs_signal(struct vmb_model *m, const struct vmb_sync *s, unsigned n, uint64_t done);
int model_submit(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
int model_wait(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
int model_signal(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
int model_syncobj_create(struct vmb_model *m, const struct vmb_op *op);
int model_syncobj_destroy(struct vmb_model *m, const struct vmb_op *op);

/* model_userptr.c */
int model_cpu_unmap(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
int model_evict(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm);
uint64_t model_revalidate(struct vmb_model *m, struct mvm *vm, uint64_t *ready);
void mva_set_invalid(struct mva *mv, bool invalid);

static inline uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

#endif /* VMB_MODEL_PRIV_H */
