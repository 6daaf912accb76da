/* SPDX-License-Identifier: MIT */
/*
 * hw.h - common machinery of the real-kernel backends (xe, amdgpu, nouveau,
 * panthor, msm): per-file handle tables, kernel-handle mapping of trace ids,
 * syncobjs, measurement fences, batch fallback and cleanup live in hw.c;
 * each driver supplies a struct vmb_hw_driver whose hooks are a thin ioctl
 * layer over pure encode functions (declared here so tests can call them).
 *
 * Files: on drivers where the VM is the open file (amdgpu, nouveau, msm),
 * every trace VM gets its own render-node file and external BOs live on a
 * primary file, imported into VM files with PRIME on first use; syncobjs are
 * imported the same way. On xe and panthor there is one file.
 */
#ifndef VMB_BACKENDS_HW_H
#define VMB_BACKENDS_HW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"

struct vmb_gpuvm;
struct vmb_hw_async;

extern const struct vmb_backend_ops vmb_xe_backend;
extern const struct vmb_backend_ops vmb_amdgpu_backend;
extern const struct vmb_backend_ops vmb_nouveau_backend;
extern const struct vmb_backend_ops vmb_panthor_backend;
extern const struct vmb_backend_ops vmb_msm_backend;

/**
 * struct vmb_hw_sync - a sync resolved to a kernel syncobj handle
 * @point: timeline point, 0 for a binary syncobj
 * @handle: syncobj handle on the file the ioctl goes to
 */
struct vmb_hw_sync {
	uint64_t point;
	uint32_t handle;
	uint32_t pad;
};

/**
 * struct vmb_hw_bind_req - one bind ioctl, resolved to kernel handles
 * @vm_id: kernel VM id (xe, panthor); 0 where the VM is the file
 * @queue_id: kernel bind queue (0 = the VM's default one)
 * @binds: the entries; @n of them
 * @handles: kernel BO handle per entry (0 where the entry has no BO)
 * @cpu_addr: CPU address per entry for map_userptr (replayer's memory)
 * @in, @n_in: syncs to wait on; @out, @n_out: syncs to signal; the last
 *     out-sync, when @n_out > 0, is the backend's measurement point (drivers
 *     with a synchronous mode may run synchronously when it is the only
 *     sync, and signal it from the CPU afterwards); @n_out is 0 only for the
 *     inner calls of a split bind
 * @shadow: userspace copy of the VM's VA layout before this bind (NULL on
 *     drivers that do not need one)
 */
struct vmb_hw_bind_req {
	struct vmb_gpuvm *shadow;
	uint32_t vm_id;
	uint32_t queue_id;
	uint32_t n;
	const struct vmb_bind_entry *binds;
	const uint32_t *handles;
	const uint64_t *cpu_addr;
	const struct vmb_hw_sync *in;
	uint32_t n_in;
	const struct vmb_hw_sync *out;
	uint32_t n_out;
};

/**
 * struct vmb_hw_submit_req - one submit ioctl, resolved
 * @vm_id: kernel VM id (0 where the VM is the file)
 * @queue_id: exec queue / context / channel / group / submitqueue
 * @engine: enum vmb_engine of the queue
 * @batch_va, @batch_len: GPU address and length of the no-op job; 0 when
 *     no batch is mapped (over the shim, or where the driver allows an empty
 *     job)
 * @bos, @n_bos: kernel handles of the BOs the job uses
 * @in, @n_in, @out, @n_out: syncs
 */
struct vmb_hw_submit_req {
	uint32_t vm_id;
	uint32_t queue_id;
	uint32_t engine;
	uint32_t batch_len;
	uint64_t batch_va;
	const uint32_t *bos;
	uint32_t n_bos;
	const struct vmb_hw_sync *in;
	uint32_t n_in;
	const struct vmb_hw_sync *out;
	uint32_t n_out;
};

/**
 * struct vmb_hw_file - one open render-node file
 * @fd: the file descriptor (-1 when closed)
 * @bo: kernel handle per trace BO id on this file (0 = none)
 * @syncobj: kernel handle per trace syncobj id on this file (0 = none)
 * @meas: the backend's own timeline syncobj for completion times
 * @meas_point: last point used on @meas
 * @vm: trace VM id this file is the VM of (0 for the primary file)
 * @drv: per-file driver state
 */
struct vmb_hw_file {
	int fd;
	uint32_t *bo;
	uint32_t *syncobj;
	uint32_t meas;
	uint64_t meas_point;
	uint32_t vm;
	uint64_t drv[4];
};

struct vmb_hw;

/**
 * struct vmb_hw_driver - what a driver backend supplies
 * @name: driver name as DRM_IOCTL_VERSION reports it (and backend name)
 * @driver: enum vmb_driver
 * @vm_is_file: the VM is the open file (amdgpu, nouveau, msm)
 * @weak: closing a BO removes its mappings (amdgpu bo_va semantics)
 * @single_entry: one mapping per ioctl (amdgpu GEM_VA); hw_exec.c issues
 *     one call per entry, fences on the first/last
 * @empty_job: the driver accepts a job without commands (nouveau EXEC with
 *     no push, panthor stream_size 0), so hardware needs no batch buffer
 * @bind_kinds: bitmask of enum vmb_bind_kind the uAPI can express natively
 *     (UNMAP_ALL missing is lowered to unmaps from the shadow copy)
 * @probe: mandatory. Query VA range and memory size of the device on the
 *     primary file (0 when unknown).
 * @file_init: optional. Per-file set-up (nouveau VM_INIT, msm EN_VM_BIND).
 * @file_fini: optional. Undo @file_init's objects.
 * @vm_create, @vm_destroy: mandatory unless @vm_is_file.
 * @queue_create, @queue_destroy: mandatory.
 * @bo_create: mandatory. @vm_id is the kernel VM for VM-private BOs, else 0.
 * @bind: mandatory. One bind ioctl (or, for amdgpu, one per entry).
 * @submit: mandatory.
 * @batch: optional. The no-op job for a submit of @gpu_ns on @queue_id
 *     (engine @engine) of trace VM @vm: creates, maps and calibrates the VM's batch buffer on
 *     first use; fills @va/@len. -EOPNOTSUPP when it cannot.
 * @batch_release: optional. Drop trace VM @vm's batch (after its VM is gone).
 * @fini: optional. Free driver-wide state at close (before the primary
 *     file is closed).
 */
struct vmb_hw_driver {
	const char *name;
	enum vmb_driver driver;
	bool vm_is_file;
	bool weak;
	bool single_entry;
	bool empty_job;
	uint32_t bind_kinds;
	int (*probe)(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t *va_end, uint64_t *mem);
	int (*file_init)(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t va_start,
			 uint64_t kernel_start, uint64_t kernel_range);
	void (*file_fini)(struct vmb_hw *hw, struct vmb_hw_file *f);
	int (*vm_create)(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_op *op,
			 uint64_t kernel_range, uint32_t *vm_id);
	int (*vm_destroy)(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm_id);
	int (*queue_create)(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm_id,
			    enum vmb_engine engine, uint32_t *id);
	int (*queue_destroy)(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t id,
			     enum vmb_engine engine);
	int (*bo_create)(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_op *op,
			 uint32_t vm_id, uint32_t *handle);
	int (*bind)(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_bind_req *req);
	int (*submit)(struct vmb_hw *hw, struct vmb_hw_file *f,
		      const struct vmb_hw_submit_req *req);
	int (*batch)(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm, uint32_t queue_id,
		     enum vmb_engine engine, uint64_t gpu_ns, uint64_t *va, uint32_t *len);
	void (*batch_release)(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t vm);
	void (*fini)(struct vmb_hw *hw);
	/*
	 * GPU start and end times (optional): @clock correlates the GPU clock
	 * with CLOCK_MONOTONIC (fills hw->clk); @stamp turns the batch (*va,
	 * *len) of trace VM @vm into one that writes the GPU clock into stamp
	 * @slot, runs it, and writes the clock again; @stamp_read is the start
	 * (or, with @end, the end) clock value written, 0 if none
	 */
	int (*clock)(struct vmb_hw *hw, struct vmb_hw_file *f);
	int (*stamp)(struct vmb_hw *hw, uint32_t vm, uint32_t slot, enum vmb_engine engine,
		     uint64_t *va, uint32_t *len);
	uint64_t (*stamp_read)(struct vmb_hw *hw, uint32_t vm, uint32_t slot, bool end);
};

/* signal times remembered per syncobj (timeline points) */
#define VMB_HW_SIGS 16

/* stamp slots per VM (calls in flight beyond it are not stamped) */
#define VMB_HW_STAMPS 2048u
/* the head of each batch buffer that holds the stamp heads and values */
#define VMB_HW_STAMP_AREA (512u << 10)
#define VMB_HW_STAMP_HEAD 128u					/* bytes of one head */
#define VMB_HW_STAMP_VALUES (VMB_HW_STAMPS * VMB_HW_STAMP_HEAD) /* offset of the values */
/* the start and end values of stamp @slot, from the buffer's start */
#define VMB_HW_STAMP_AT(slot, end) (VMB_HW_STAMP_VALUES + (slot)*16u + ((end) ? 8u : 0u))

/**
 * struct vmb_hw_clock - GPU clock to CLOCK_MONOTONIC: t = t0 + (c - c0) / hz
 * @ok: correlated; @mask: counter width
 */
struct vmb_hw_clock {
	bool ok;
	uint64_t hz, c0, t0, mask;
};

#define VMB_HW_KIND(k) (1u << (k))

/**
 * struct vmb_hw - one hardware backend instance (be->priv)
 * @drv: driver hooks; @trace: the trace being replayed
 * @path: render node in use
 * @files, @n_files: open files; files[0] is the primary file
 * @vm_file, @vm_id, @vm_live: per trace VM id
 * @vm_shadow: per trace VM id, userspace copy of the VA layout (drivers
 *     without UNMAP_ALL, amdgpu UNMAP/REPLACE choice)
 * @queue_id, @queue_vm, @queue_engine, @queue_live: per trace queue id
 * @bo_home, @bo_dmabuf, @bo_live: per trace BO id (home file index)
 * @sync_live: per trace syncobj id
 * @sync_file_fd, @n_sync_file_fd: per trace sync_file id, the fd a
 *     sync_file_export made (-1: none); closed when replaced and at close
 * @shim: the device is vmbench's shim (no GPU; no batch buffer is mapped
 *     unless VMB_HW_BATCH=1 asks for one, to test that path)
 * @use_batch: submits carry a calibrated no-op batch
 * @vm_fence_ignored: amdgpu kernel ignored the GEM_VA out-fence fields
 * @lost: the device returned ENODEV; later ops fail without an ioctl
 * @fallbacks: bind ioctls re-issued in smaller batches after ENOBUFS/ENOMEM
 * @warned: kinds already reported as unsupported (bitmask)
 * @be: the backend instance (completions are reported through it)
 * @async: the completion engine (hw_async.c)
 * @sync_binds: --sync=sync: the CPU waits for each bind to complete
 * @drv_state: driver-wide state
 */
struct vmb_hw {
	const struct vmb_hw_driver *drv;
	const struct vmb_trace *trace;
	char path[256];
	struct vmb_hw_file *files;
	size_t n_files;
	uint32_t *vm_file, *vm_id;
	bool *vm_live;
	struct vmb_gpuvm **vm_shadow;
	uint32_t *queue_id, *queue_vm;
	uint8_t *queue_engine;
	bool *queue_live;
	uint32_t *bo_home;
	int *bo_dmabuf;
	bool *bo_live;
	bool *sync_live;
	int *sync_file_fd;
	uint32_t n_sync_file_fd;
	struct vmb_hw_userptr *userptr;
	bool shim;
	bool use_batch;
	bool vm_fence_ignored;
	bool lost;
	uint64_t fallbacks;
	uint64_t warned;
	struct vmb_backend *be;
	struct vmb_hw_async *async;
	bool sync_binds;
	uint64_t drv_state[12];
	struct vmb_hw_clock clk;
	uint32_t batch_reps; /* the last batch(): full no-op buffers run before it (stamped jobs) */
	/* per trace syncobj: the last VMB_HW_SIGS signals seen, (point, time) pairs */
	uint64_t (*sig)[VMB_HW_SIGS][2];
	uint8_t *sig_next;
	uint64_t *queue_end; /* per trace queue: end of its last job */
};

/* CLOCK_MONOTONIC ns of GPU clock value @c */
uint64_t vmb_hw_clock_ns(const struct vmb_hw *hw, uint64_t c);

/**
 * vmb_hw_ioctl() - drmIoctl() (which restarts on EINTR/EAGAIN) as 0/-errno
 * @fd: DRM fd; @request: ioctl number; @arg: argument
 * Return: 0 or -errno.
 */
int vmb_hw_ioctl(int fd, unsigned long request, void *arg);

/**
 * vmb_hw_warn_once() - print "driver: message" on stderr once per run
 * @hw: backend; @bit: which message (a HW_WARN_* bit, < 64); @fmt: printf
 */
void vmb_hw_warn_once(struct vmb_hw *hw, unsigned int bit, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * No-op batches (xe, amdgpu, msm) whose GPU time approximates a submit's
 * gpu_ns: one buffer per VM, at vmb_hw_batch_va(), calibrated once.
 */

/* runs one no-op job of @len bytes at @va; its wall time in *@ns */
typedef int (*vmb_hw_time_fn)(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t queue,
			      enum vmb_engine engine, uint64_t va, uint32_t len, uint64_t *ns);

/**
 * vmb_hw_batch_va() - where the no-op batch buffer goes: the first 2 MiB
 * boundary above every mapping the trace makes (2 MiB when it makes none)
 */
uint64_t vmb_hw_batch_va(const struct vmb_trace *t);

/**
 * vmb_hw_calibrate_nops() - GPU ns per no-op instruction
 * @time: runs one job; @queue, @engine: where
 * @va, @size: the whole buffer (the longest job); @min: bytes of the shortest
 *     job, which ends where the buffer ends
 * @nops: no-op instructions the longest job has beyond the shortest
 * @full, @empty: receive the best of three runs of each (may be NULL)
 * @ns_per_nop: receives the difference over @nops (0.001 when invisible)
 *
 * Return: 0 or the -errno of a failed job.
 */
int vmb_hw_calibrate_nops(struct vmb_hw *hw, struct vmb_hw_file *f, vmb_hw_time_fn time,
			  uint32_t queue, enum vmb_engine engine, uint64_t va, uint32_t size,
			  uint32_t min, uint32_t nops, uint64_t *full, uint64_t *empty,
			  double *ns_per_nop);

/*
 * Pure encoders: fill an ioctl argument from a resolved request, no ioctl
 * (tests/test_uapi.c exercises them). Each returns 0 or -EINVAL for an entry
 * kind the uAPI cannot express. Documented at their definitions.
 */
struct vmb_xe_vm_bind;
struct vmb_xe_vm_bind_op;
struct vmb_xe_sync;
struct vmb_xe_exec;
int vmb_xe_encode_bind(const struct vmb_hw_bind_req *req, struct vmb_xe_vm_bind *args,
		       struct vmb_xe_vm_bind_op *ops, struct vmb_xe_sync *syncs);
int vmb_xe_encode_exec(const struct vmb_hw_submit_req *req, struct vmb_xe_exec *args,
		       struct vmb_xe_sync *syncs);

struct vmb_amdgpu_gem_va;
int vmb_amdgpu_encode_va(const struct vmb_bind_entry *e, uint32_t handle, bool replace,
			 bool whole_mapping, struct vmb_amdgpu_gem_va *va);

struct vmb_nouveau_vm_bind;
struct vmb_nouveau_vm_bind_op;
struct vmb_nouveau_sync;
int vmb_nouveau_encode_bind(const struct vmb_hw_bind_req *req, const bool *sparse_unmap,
			    struct vmb_nouveau_vm_bind *args, struct vmb_nouveau_vm_bind_op *ops,
			    struct vmb_nouveau_sync *syncs);

struct vmb_panthor_vm_bind;
struct vmb_panthor_vm_bind_op;
struct vmb_panthor_sync_op;
int vmb_panthor_encode_bind(const struct vmb_hw_bind_req *req, struct vmb_panthor_vm_bind *args,
			    struct vmb_panthor_vm_bind_op *ops, struct vmb_panthor_sync_op *syncs);

struct vmb_msm_vm_bind;
struct vmb_msm_vm_bind_op;
struct vmb_msm_syncobj;
int vmb_msm_encode_bind(const struct vmb_hw_bind_req *req, struct vmb_msm_vm_bind *args,
			struct vmb_msm_vm_bind_op *ops, struct vmb_msm_syncobj *syncs);

/*
 * The common vtable around a driver: each driver file defines its
 * vmb_<driver>_backend with VMB_HW_BACKEND(var, driver_desc, "name").
 * These are the struct vmb_backend_ops members (see backend.h):
 * vmb_hw_open() finds and checks the device (vmb_device_find(), driver
 * name, timeline syncobjs, VA range and memory against the trace);
 * vmb_hw_close() releases every kernel object the run created;
 * vmb_hw_exec() carries out one op and times it (hw_exec.c);
 * vmb_hw_counters() reports no model figures (the engine's dry-run has them);
 * vmb_hw_supports() is false for evict (model only) and for cpu_unmap where
 * the driver has no userptr.
 */
int vmb_hw_open(struct vmb_backend *be, const struct vmb_hw_driver *drv,
		const struct vmb_trace *trace, const struct vmb_strategy *strat, const char *device,
		char *err, size_t errlen);
void vmb_hw_close(struct vmb_backend *be);
int vmb_hw_exec(struct vmb_backend *be, const struct vmb_call *call, struct vmb_timing *tm);
uint64_t vmb_hw_now(struct vmb_backend *be);
void vmb_hw_advance(struct vmb_backend *be, uint64_t t);
void vmb_hw_counters(struct vmb_backend *be, struct vmb_counters *out);
bool vmb_hw_supports(struct vmb_backend *be, enum vmb_op_kind kind);
void vmb_hw_reap(struct vmb_backend *be, bool all);
void vmb_hw_in_flight(struct vmb_backend *be, uint32_t *cap, uint32_t *peak);

#define VMB_HW_BACKEND(var, drvdesc, drvname)                                                      \
	static int var##_open(struct vmb_backend *be, const struct vmb_trace *trace,               \
			      const struct vmb_strategy *strat, const char *device, char *err,     \
			      size_t errlen)                                                       \
	{                                                                                          \
		return vmb_hw_open(be, &(drvdesc), trace, strat, device, err, errlen);             \
	}                                                                                          \
	const struct vmb_backend_ops var = {                                                       \
	    .name = drvname,                                                                       \
	    .open = var##_open,                                                                    \
	    .close = vmb_hw_close,                                                                 \
	    .exec = vmb_hw_exec,                                                                   \
	    .now = vmb_hw_now,                                                                     \
	    .advance = vmb_hw_advance,                                                             \
	    .counters = vmb_hw_counters,                                                           \
	    .supports = vmb_hw_supports,                                                           \
	    .reap = vmb_hw_reap,                                                                   \
	    .in_flight = vmb_hw_in_flight,                                                         \
	    .simulated = false,                                                                    \
	}

#endif /* VMB_BACKENDS_HW_H */
