/* SPDX-License-Identifier: MIT */
/*
 * shim_priv.h - internals of the shim render node (libvmshim.so): the
 * kernel-side state (files, handles, objects), the model instance behind it,
 * and the per-driver ioctl tables.
 *
 * Like the kernel, the shim keeps per-file handle tables that point at
 * shared objects; an object's model counterpart is closed when its last
 * handle (or dma-buf / syncobj fd) goes away.
 */
#ifndef VMB_SHIM_PRIV_H
#define VMB_SHIM_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "backend.h"
#include "model.h"

#define SHIM_NODE "/dev/dri/renderD128"
#define SHIM_PRIMARY_NODE "/dev/dri/card0"
#define SHIM_MINOR 128

/**
 * struct shim_device - the one GPU the shim pretends to be: PCI ids (or a
 * device-tree compatible for platform devices) that sysfs shows and that
 * the driver's device queries agree with
 */
struct shim_device {
	uint16_t vendor, device, subvendor, subdevice; /* vendor 0: platform device */
	uint8_t revision;
	const char *slot;			     /* PCI_SLOT_NAME */
	const char *compatible, *of_name, *platform; /* platform devices */
	const char *kdriver;			     /* the kernel driver's name */
};

/** struct shim_bo - a GEM object (or an amdgpu userptr BO, unknown to the model) */
struct shim_bo {
	uint32_t id;   /* model BO id; 0 for userptr BOs */
	uint32_t refs; /* handles + dma-buf fds */
	uint64_t size;
	uint32_t vm; /* model VM id of a VM-private BO */
	bool userptr;
	uint64_t cpu_addr;    /* userptr */
	uint16_t cpu_caching; /* xe: DRM_XE_GEM_CPU_CACHING_*, 0 if unknown */
	uint32_t flink;	      /* GEM_FLINK name, 0 if none */
	/* amdgpu: GEM_CREATE's arguments (GEM_OP) and the GEM_METADATA blob */
	uint64_t domains, domain_flags, alignment;
	uint64_t tiling, metadata_flags;
	uint32_t metadata_size;
	void *metadata;
};

/** struct shim_bo_list - an amdgpu BO list: references to the BOs it names */
struct shim_bo_list {
	uint32_t n;
	struct shim_bo **bos;
};

/** struct shim_syncobj - a syncobj; the model object is created on first use */
struct shim_syncobj {
	uint32_t id;   /* model syncobj id */
	uint32_t refs; /* handles + fds */
	bool created;  /* model object exists */
	bool signaled; /* created with CREATE_SIGNALED */
};

/** struct shim_queue - an exec/bind queue, context, channel, group or submitqueue */
struct shim_queue {
	uint32_t id; /* model queue id */
	uint32_t vm; /* model VM id */
	uint8_t engine;
	bool banned;	 /* a job of this queue faulted or hung (xe: later execs -ECANCELED) */
	uint32_t faults; /* amdgpu: GPU VM faults of this context's jobs */
	uint32_t pstate; /* amdgpu: the context's stable power state */
};

/** struct shim_region - a nouveau sparse region (the kernel's nouveau_uvma_region) */
struct shim_region {
	uint64_t va, range;
	bool dirty; /* being unmapped by the VM_BIND in progress */
};

/** struct shim_vm - a VM as the driver names it */
struct shim_vm {
	uint32_t id;		  /* model VM id */
	struct vmb_gpuvm *shadow; /* layout, for the driver's own validation */
	uint64_t va_end;
	bool long_running;	     /* xe LR mode: syncobj out-fences are refused */
	bool fault_mode;	     /* xe FAULT_MODE */
	bool scratch;		     /* unmapped addresses read 0, writes are dropped */
	bool fault_continues;	     /* amdgpu: a faulting access goes to the dummy page */
	bool unusable;		     /* panthor: an async VM_BIND failed (VM_STATE_UNUSABLE) */
	uint64_t kernel_va;	     /* panthor: start of the kernel VA range */
	struct shim_region *regions; /* nouveau: sparse regions */
	uint32_t n_regions;
};

/* a growable handle table: slot 0 is never used */
struct shim_table {
	void **p;
	uint32_t n;
};

/** struct shim_file - one open of the fake render node */
struct shim_file {
	uint32_t refs; /* fds (dup) */
	int minor;     /* 0: primary node (card0), 128: render node */
	struct shim_table bos, syncobjs, vms, queues;
	struct shim_table bo_lists; /* amdgpu BO_LIST handles */
	struct shim_vm *file_vm;    /* amdgpu / nouveau / msm: the file's VM */
	bool vm_bind_mode;	    /* nouveau VM_INIT / msm EN_VM_BIND done */
	bool has_objects;	    /* a BO or queue exists (VM_INIT/EN_VM_BIND too late) */
	uint64_t cs_seq;	    /* amdgpu CS sequence numbers */
	uint32_t queue0;	    /* msm legacy: the default submitqueue 0 */
	bool uvmm_disabled;	    /* nouveau: GEM_NEW / CHANNEL_ALLOC came before VM_INIT */
	bool msm_vm_bind;	    /* msm: EN_VM_BIND set before the file's VM exists */
};

/* per-driver ioctl table entry */
struct shim_ioctl {
	const char *name;
	int (*fn)(struct shim_file *f, unsigned long req, void *arg);
};

struct shim_driver {
	const char *name;
	enum vmb_driver driver;
	int major, minor, patch;
	const struct shim_ioctl *ioctls;
	unsigned int n_ioctls;
	/* file open/close hooks (amdgpu creates the file's VM at open) */
	int (*open)(struct shim_file *f);
};

extern const struct shim_driver shim_xe, shim_amdgpu, shim_nouveau, shim_panthor, shim_msm;

/* global state (shim_core.c); every entry point holds shim_lock */
struct shim_state {
	const struct shim_driver *drv;
	struct vmb_model *model;
	uint32_t next_id[4];	      /* per enum vmb_obj_class */
	uint64_t ioctl_count[2][256]; /* [core, driver][nr] */
	uint64_t unknown_ioctls;
	bool dead; /* injected device loss */
};
extern struct shim_state shim;

void shim_lock(void);
void shim_unlock(void);
int shim_init(void);
int shim_stats_setup(void);

/* files and fds (shim_core.c) */
struct shim_file *shim_file_create(int minor);
void shim_file_put(struct shim_file *f);
int shim_ioctl(struct shim_file *f, unsigned long req, void *arg);

/* fds the shim hands out for dma-bufs and syncobj exports (shim.c) */
int shim_fake_fd(void);
/* open(2) without the shim's interposition */
int shim_real_open(const char *path, int flags, mode_t mode);

/* the fake device and its sysfs (shim_sysfs.c) */
const struct shim_device *shim_device(void);
const char *shim_sysfs_path(const char *path, char *buf, size_t len);
/* the minor of a node path the shim serves (0 or 128), or -1 */
int shim_node_minor(const char *path);
/*
 * SHIM_FD_SYNC_FILE: a sync_file of a signaled fence (an eventfd holding 1,
 * so poll() finds it readable as it finds a signaled sync_file); its obj is
 * the model's sync_file id (fd + 1), which holds the fence it wraps
 */
enum shim_fd_kind {
	SHIM_FD_NONE,
	SHIM_FD_FILE,
	SHIM_FD_DMABUF,
	SHIM_FD_SYNCOBJ,
	SHIM_FD_SYNC_FILE,
};
void shim_fd_set(int fd, enum shim_fd_kind kind, void *obj);
enum shim_fd_kind shim_fd_get(int fd, void **obj);

/* handle tables */
uint32_t shim_table_add(struct shim_table *t, void *obj);
void *shim_table_get(const struct shim_table *t, uint32_t h);
void *shim_table_remove(struct shim_table *t, uint32_t h);

/* objects */
struct shim_bo *shim_bo_get(struct shim_file *f, uint32_t handle);
int shim_bo_new(struct shim_file *f, uint64_t size, uint8_t placement, uint32_t vm,
		uint32_t *handle);
uint32_t shim_bo_add_userptr(struct shim_file *f, uint64_t addr, uint64_t size);
void shim_bo_unref(struct shim_bo *bo);
struct shim_syncobj *shim_syncobj_get(struct shim_file *f, uint32_t handle);
/* the model id of a syncobj, creating the model object on first use */
uint32_t shim_syncobj_use(struct shim_syncobj *s, bool timeline);
/* a new syncobj handle in @f (signaled or not); 0 or -errno */
int shim_syncobj_new(struct shim_file *f, bool signaled, uint32_t *handle);
/* export syncobj @handle of @f as an fd; the fd or -errno */
int shim_syncobj_export(struct shim_file *f, uint32_t handle);
/* drop handle @handle of @f */
void shim_syncobj_release(struct shim_file *f, uint32_t handle);
void shim_bo_list_free(struct shim_bo_list *l);
struct shim_vm *shim_vm_new(uint64_t va_start, uint64_t va_range, uint64_t kstart, uint64_t krange,
			    uint32_t flags, int *err);
void shim_vm_free(struct shim_vm *vm);
int shim_queue_new(struct shim_file *f, struct shim_vm *vm, enum vmb_engine engine,
		   uint32_t *handle);
int shim_queue_free(struct shim_file *f, uint32_t handle);

/* model calls */
int shim_model(const struct vmb_op *op, const struct vmb_bind_entry *binds,
	       const struct vmb_sync *syncs, const uint32_t *bos, uint64_t kernel_range);
/*
 * shim_bind() - carry out @n entries on @vm with in/out syncs given as
 * (handle, point) pairs already resolved to model ids; keeps vm->shadow
 */
int shim_bind(struct shim_vm *vm, uint32_t queue, const struct vmb_bind_entry *e, uint32_t n,
	      const struct vmb_sync *syncs, uint16_t n_in, uint16_t n_out);
int shim_submit(uint32_t queue, const uint32_t *bos, uint32_t n_bos, const struct vmb_sync *syncs,
		uint16_t n_in, uint16_t n_out);
/* resolve a (handle, point) sync of file @f into @out; -ENOENT if unknown */
int shim_sync_resolve(struct shim_file *f, uint32_t handle, uint64_t point, struct vmb_sync *out);
/*
 * drm_syncobj_find_fence() with WAIT_FOR_SUBMIT: wait (lock released, at
 * most 5 s, else -ETIME) until a fence for @point of @handle is submitted;
 * the caller holds a reference on @f
 */
int shim_sync_wait_submit(struct shim_file *f, uint32_t handle, uint64_t point);

/*
 * shim_sync_wait_resolve() - an in-fence, as drm_syncobj_find_fence() with no
 * flags finds it: -ENOENT for an unknown handle, -EINVAL when the syncobj has
 * no fence (for a timeline: none at or after @point)
 */
int shim_sync_wait_resolve(struct shim_file *f, uint32_t handle, uint64_t point,
			   struct vmb_sync *out);

/*
 * shim_user() - the kernel's access_ok(): @len bytes at user pointer @p can
 * be read (and written, with @write); NULL means the ioctl fails -EFAULT
 * instead of crashing the program. Checked with process_vm_readv/writev;
 * memory mapped write-only (which process_vm_readv refuses) counts as
 * readable too, as for copy_from_user (looked up in /proc/self/maps).
 */
void *shim_user(uint64_t p, uint64_t len, bool write);

/* CLOCK_MONOTONIC now, in ns: the shim's one real-time clock */
static inline uint64_t shim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* userptr mappings exist: munmap must tell the model (shim_core.c) */
bool shim_userptr_active(void);

/* error injection and stats (shim.c) */
int shim_inject(const char *name);
const char *shim_ioctl_name(unsigned long req);
void shim_say_once(unsigned long req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* every VM alive (shim_core.c) */
struct shim_vm **shim_all_vms(uint32_t *n);
struct shim_vm *shim_vm_by_id(uint32_t id);

/* the shim GPU (shim_gpu.c): BO memory, address translation, executor */
struct shim_gpu_stats {
	uint64_t jobs, empty_jobs, jobs_failed, faults, unsupported, hangs, store_bytes, cancelled;
	uint64_t ufence_lost; /* xe bind user fences whose CPU address was not writable */
	uint64_t held_failed; /* xe ops held behind a spinner that failed when they ran */
};
extern struct shim_gpu_stats shim_gpu_stats;
int shim_gpu_bo_init(struct shim_bo *bo);
void shim_gpu_bo_fini(struct shim_bo *bo);
/* the memfd behind a BO (created on first use), or -errno */
int shim_gpu_bo_fd(const struct shim_bo *bo);
/* free the memory of closed BOs no VM maps any more */
void shim_gpu_gc(void);
/* write through @vm's mappings as the GPU would; false on a fault */
bool shim_gpu_write(struct shim_vm *vm, uint64_t va, const void *buf, uint64_t len);
uint64_t shim_gpu_timestamp(void);
/* the driver's GPU clock (ticks) at CLOCK_MONOTONIC time @ns, 0: now */
uint64_t shim_gpu_clock(uint64_t ns);
/*
 * run a job to completion: 0, -EFAULT (GPU page fault), -EIO (hang) or
 * -EOPNOTSUPP (a command the shim does not execute); counted in shim_gpu_stats.
 * Timestamps the batch writes read @ts_ns (CLOCK_MONOTONIC; 0: now).
 */
int shim_gpu_run_xe(struct shim_vm *vm, uint64_t batch, uint64_t ts_ns);
/* where an xe job is: the batch address to start, or where a parked spinner stopped */
struct shim_xe_state {
	uint64_t pc, ret_pc;
	bool second, started;
};
/*
 * shim_gpu_run_xe_spin() - run or resume an xe job (instant GPU) that may be
 * a spinner: as shim_gpu_run_xe(), or -EINPROGRESS when it loops on an
 * MI_COND_BATCH_BUFFER_END condition in memory for more than @max_jumps
 * (0: the hang bound) jumps; *@st then says where to resume
 */
int shim_gpu_run_xe_spin(struct shim_vm *vm, struct shim_xe_state *st, uint32_t max_jumps);
int shim_gpu_run_amdgpu(struct shim_vm *vm, uint32_t ip_type, uint64_t va, uint32_t bytes,
			uint64_t ts_ns);
/* the no-op dwords of a job, read without executing it (the timed GPU's length) */
uint64_t shim_gpu_scan_xe(struct shim_vm *vm, uint64_t batch);
uint64_t shim_gpu_scan_amdgpu(struct shim_vm *vm, uint32_t ip_type, uint64_t va, uint32_t bytes);

/* xe user fences: a CPU address (VM_BIND) or a GPU VA (EXEC) and the value */
struct shim_xe_ufence {
	uint64_t addr, value;
};
void shim_xe_ufence_signal_cpu(const struct shim_xe_ufence *uf, uint32_t n);

/*
 * xe jobs and binds held behind a spinner on the instant GPU
 * (shim_xe_held.c): whether an op must wait, holding it, parking a
 * spinner, and what the syncobj waits need to know
 */
bool shim_xe_sync_held(const struct vmb_sync *s);
bool shim_xe_must_hold(const struct shim_queue *q, uint32_t vm, const struct vmb_sync *in,
		       uint16_t n_in);
void shim_xe_signalled(const struct vmb_sync *out, uint16_t n_out);
int shim_xe_hold_exec(struct shim_queue *q, uint32_t vm, uint64_t batch,
		      const struct vmb_sync *syncs, uint16_t n_in, uint16_t n_out,
		      const struct shim_xe_ufence *uf, uint32_t n_uf);
int shim_xe_park_spinner(struct shim_queue *q, uint32_t vm, const struct shim_xe_state *st,
			 const struct vmb_sync *syncs, uint16_t n_in, uint16_t n_out,
			 const struct shim_xe_ufence *uf, uint32_t n_uf);
int shim_xe_hold_bind(struct shim_queue *q, uint32_t vm, const struct vmb_bind_entry *e, uint32_t n,
		      uint64_t rf_start, uint64_t rf_last, const struct vmb_sync *syncs,
		      uint16_t n_in, uint16_t n_out, const struct shim_xe_ufence *uf,
		      uint32_t n_uf);
bool shim_xe_held_maps(uint32_t vm, uint64_t start, uint64_t last);
bool shim_xe_range_held(uint32_t vm, uint64_t start, uint64_t last);
void shim_xe_held_queue_gone(struct shim_queue *q);

/*
 * the timed shim GPU (shim_timed.c, VMB_SHIM_GPU=timed): the model's clock
 * follows CLOCK_MONOTONIC since the shim started; a job executes and its
 * fences signal when real time reaches the model's end time for it
 */
#define SHIM_NOP_NS 25 /* GPU time of one no-op dword on the timed GPU */
extern bool shim_timed;
void shim_timed_init(void);
/* an ioctl returns when real time has reached the model's CPU clock */
void shim_timed_settle(void);
#define SHIM_SETTLE_NS 50000ull /* the model's clock may run this much ahead */
/* CLOCK_MONOTONIC ns of model time @t */
uint64_t shim_timed_real(uint64_t t);
/* let the model's clock reach real time and run the jobs that are due */
void shim_timed_catch_up(void);
struct shim_timed_ib {
	uint32_t ip_type;
	uint64_t va;
	uint32_t bytes;
};
/* a job queued on the timed GPU (model times in ns) */
struct shim_timed_job {
	uint64_t start, end;
	uint64_t when;	  /* due: start to execute, end for user fences and wake-ups */
	bool ufences_now; /* the entry at the job's end that writes its user fences */
	bool wake_only;	  /* nothing to execute: a bind's end, for the waiters */
	uint32_t vm;	  /* model VM id */
	struct shim_queue *q;
	bool amdgpu;
	uint64_t batch; /* xe */
	uint32_t n_ib;	/* amdgpu */
	struct shim_timed_ib ib[4];
	uint32_t n_uf; /* xe user fences: GPU VA, value */
	uint64_t uf[4][2];
	struct shim_timed_job *next;
};
int shim_timed_add(const struct shim_timed_job *j);
/* wake the waiters at model time @t (a bind's end) */
void shim_timed_wake_at(uint64_t t);
/* a VM goes away: its pending jobs run now (the kernel's jobs hold their VM) */
void shim_timed_vm_gone(uint32_t vm);
/* a queue goes away: its pending jobs forget it */
void shim_timed_queue_gone(struct shim_queue *q);
/* release the shim lock until something happens on the GPU or @abs_ns */
void shim_lock_sleep(uint64_t abs_ns);
/*
 * shim_model_gen: bumped by every model op that succeeded (not waits); a
 * syncobj wait for a fence not yet submitted sleeps until it changes, and
 * gives up (-ETIME) after SHIM_WAIT_IDLE_NS without a change
 */
extern uint64_t shim_model_gen;
#define SHIM_WAIT_IDLE_NS 1000000000ull
void shim_lock_wake(void);
/* model submit with a GPU length; fills @tm */
int shim_submit_timed(uint32_t queue, const uint32_t *bos, uint32_t n_bos,
		      const struct vmb_sync *syncs, uint16_t n_in, uint16_t n_out, uint64_t gpu_ns,
		      struct vmb_timing *tm);

#endif /* VMB_SHIM_PRIV_H */
