// SPDX-License-Identifier: MIT
/*
 * hw.c - the common part of the real-kernel backends: device open and
 * checks, trace-id to kernel-handle tables, one render-node file per VM
 * where the driver ties the VM to the file (with PRIME/syncobj-fd imports),
 * syncobj ops through libdrm's drmSyncobj*, userptr memory, bind lowering
 * (UNMAP_ALL from a shadow copy, ENOBUFS/ENOMEM fallback to one op per
 * ioctl as Mesa does), completion times through a measurement timeline
 * syncobj, and cleanup of every kernel object on close.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "backends/device.h"
#include "backends/hw.h"
#include "backends/hw_priv.h"
#include "gpuvm.h"
#include "uapi/drm_core.h"

#define WAIT_CAP_NS (10ull * 1000 * 1000 * 1000) /* longest wait we issue */

int vmb_hw_ioctl(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) == 0 ? 0 : -errno;
}

uint64_t vmb_hw_batch_va(const struct vmb_trace *t)
{
	uint64_t top = t->bind_va_end, va;

	va = (top + (2ull << 20) - 1) & ~((2ull << 20) - 1);
	return va ? va : 2ull << 20;
}

int vmb_hw_calibrate_nops(struct vmb_hw *hw, struct vmb_hw_file *f, vmb_hw_time_fn time,
			  uint32_t queue, enum vmb_engine engine, uint64_t va, uint32_t size,
			  uint32_t min, uint32_t nops, uint64_t *full, uint64_t *empty,
			  double *ns_per_nop)
{
	uint64_t best_full = UINT64_MAX, best_empty = UINT64_MAX, t;
	int ret;

	for (int i = 0; i < 3; i++) {
		ret = time(hw, f, queue, engine, va + size - min, min, &t);
		if (ret)
			return ret;
		best_empty = t < best_empty ? t : best_empty;
		ret = time(hw, f, queue, engine, va, size, &t);
		if (ret)
			return ret;
		best_full = t < best_full ? t : best_full;
	}
	*ns_per_nop = best_full > best_empty ? (double)(best_full - best_empty) / nops : 0.001;
	if (full)
		*full = best_full;
	if (empty)
		*empty = best_empty;
	return 0;
}

void vmb_hw_warn_once(struct vmb_hw *hw, unsigned int bit, const char *fmt, ...)
{
	va_list ap;

	if (bit < 64 && (hw->warned & (1ull << bit)))
		return;
	if (bit < 64)
		hw->warned |= 1ull << bit;
	fprintf(stderr, "%s: ", hw->drv->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t vmb_hw_now(struct vmb_backend *be)
{
	return now_ns();
}

void vmb_hw_advance(struct vmb_backend *be, uint64_t t)
{
	struct timespec ts = {(time_t)(t / 1000000000ull), (long)(t % 1000000000ull)};

	if (t <= now_ns())
		return;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/*
 * hw_calibrate() - time the no-op batch before the run starts, so that the
 * calibration (a few full batches) is not part of the measured run: on a
 * private VM (slot 0 of the per-VM tables, which trace ids never use) and
 * a private queue per engine the trace submits on. A failure only means
 * the batch calibrates at the first submit, as before.
 */
static void hw_calibrate(struct vmb_hw *hw)
{
	const struct vmb_trace *t = hw->trace;
	struct vmb_hw_file *f = &hw->files[0];
	struct vmb_op op = {.kind = VMB_OP_VM_CREATE};
	bool eng[8] = {false}, submits = false;
	uint32_t vm_id = 0, q;
	struct vmb_cursor c;
	uint64_t va;
	uint32_t len;
	size_t i;

	if (!hw->use_batch || !hw->drv->batch || vmb_cursor_init(&c, t))
		return;
	while (vmb_cursor_next(&c) > 0) {
		const struct vmb_op *o = &c.op;

		if (o->kind == VMB_OP_SUBMIT)
			submits = true;
		if (o->kind == VMB_OP_QUEUE_CREATE && o->u.queue.engine != VMB_ENGINE_BIND &&
		    o->u.queue.engine < 8)
			eng[o->u.queue.engine] = true;
	}
	vmb_cursor_fini(&c);
	if (!submits)
		return;
	if (!hw->drv->vm_is_file && hw->drv->vm_create(hw, f, &op, 0, &vm_id))
		return;
	hw->vm_id[0] = vm_id;
	for (i = 0; i < 8; i++) {
		if (!eng[i] || hw->drv->queue_create(hw, f, vm_id, (enum vmb_engine)i, &q))
			continue;
		hw->drv->batch(hw, f, 0, q, (enum vmb_engine)i, 0, &va, &len);
		hw->drv->queue_destroy(hw, f, q, (enum vmb_engine)i);
	}
	if (hw->drv->batch_release)
		hw->drv->batch_release(hw, f, 0);
	if (!hw->drv->vm_is_file)
		hw->drv->vm_destroy(hw, f, vm_id);
	hw->vm_id[0] = 0;
}

uint64_t vmb_hw_clock_ns(const struct vmb_hw *hw, uint64_t c)
{
	uint64_t d = (c - hw->clk.c0) & hw->clk.mask;

	/* a value before the correlation point reads as a wrapped-around delta */
	if (d > hw->clk.mask / 2)
		return hw->clk.t0 - (uint64_t)((double)((hw->clk.c0 - c) & hw->clk.mask) * 1e9 /
					       (double)hw->clk.hz);
	return hw->clk.t0 + (uint64_t)((double)d * 1e9 / (double)hw->clk.hz);
}

/* ---- files ------------------------------------------------------------ */

int vmb_hw_file_open(struct vmb_hw *hw, uint32_t vm, size_t *idx, uint64_t va_start,
		     uint64_t kstart, uint64_t krange)
{
	const struct vmb_trace *t = hw->trace;
	struct vmb_hw_file *files, *f;
	int ret;

	files = realloc(hw->files, (hw->n_files + 1) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	hw->files = files;
	f = &files[hw->n_files];
	memset(f, 0, sizeof(*f));
	f->vm = vm;
	f->fd = open(hw->path, O_RDWR | O_CLOEXEC);
	if (f->fd < 0)
		return -errno;
	f->bo = calloc(t->max_id[VMB_CLASS_BO] + 1, sizeof(uint32_t));
	f->syncobj = calloc(t->max_id[VMB_CLASS_SYNCOBJ] + 1, sizeof(uint32_t));
	if (!f->bo || !f->syncobj) {
		ret = -ENOMEM;
		goto err;
	}
	if (hw->drv->file_init) {
		ret = hw->drv->file_init(hw, f, va_start, kstart, krange);
		if (ret)
			goto err;
	}
	if (drmSyncobjCreate(f->fd, 0, &f->meas)) {
		ret = -errno;
		if (hw->drv->file_fini)
			hw->drv->file_fini(hw, f);
		goto err;
	}
	*idx = hw->n_files++;
	return 0;
err:
	free(f->bo);
	free(f->syncobj);
	close(f->fd);
	return ret;
}

void vmb_hw_file_close(struct vmb_hw *hw, struct vmb_hw_file *f)
{
	const struct vmb_trace *t = hw->trace;
	uint32_t i;

	if (f->fd < 0)
		return;
	vmb_hw_async_file_closed(hw, (size_t)(f - hw->files));
	if (hw->drv->file_fini)
		hw->drv->file_fini(hw, f);
	/*
	 * A VM file is the VM: closing it is the VM destroy, and the kernel
	 * releases every handle of the file with it (closing the handles first
	 * would tear mappings down BO by BO, which is not what the trace did).
	 * The primary file is closed last, after every VM; its handles are
	 * closed explicitly so that each release is checked.
	 */
	if (f == &hw->files[0]) {
		for (i = 0; i <= t->max_id[VMB_CLASS_BO]; i++)
			if (f->bo[i])
				drmCloseBufferHandle(f->fd, f->bo[i]);
		if (f->meas)
			drmSyncobjDestroy(f->fd, f->meas);
	}
	close(f->fd);
	f->fd = -1;
	free(f->bo);
	free(f->syncobj);
	f->bo = f->syncobj = NULL;
}

/* the file ioctls for trace VM @vm go to */
struct vmb_hw_file *vmb_hw_vm_file(struct vmb_hw *hw, uint32_t vm)
{
	return &hw->files[hw->drv->vm_is_file ? hw->vm_file[vm] : 0];
}

/* kernel handle of trace BO @bo on @f, importing it with PRIME if needed */
int vmb_hw_bo_handle(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t bo, uint32_t *out)
{
	struct vmb_hw_file *home;

	if (bo > hw->trace->max_id[VMB_CLASS_BO] || !hw->bo_live[bo])
		return -ENOENT;
	if (f->bo[bo]) {
		*out = f->bo[bo];
		return 0;
	}
	home = &hw->files[hw->bo_home[bo]];
	if (home->fd < 0 || !home->bo[bo])
		return -ENOENT;
	if (hw->bo_dmabuf[bo] < 0 &&
	    drmPrimeHandleToFD(home->fd, home->bo[bo], DRM_CLOEXEC | DRM_RDWR, &hw->bo_dmabuf[bo]))
		return -errno;
	if (drmPrimeFDToHandle(f->fd, hw->bo_dmabuf[bo], &f->bo[bo]))
		return -errno;
	*out = f->bo[bo];
	return 0;
}

/* kernel handle of trace syncobj @id on @f (imported from the primary file) */
int vmb_hw_syncobj_handle(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t id, uint32_t *out)
{
	struct vmb_hw_file *home = &hw->files[0];
	int fd, ret = 0;

	if (id > hw->trace->max_id[VMB_CLASS_SYNCOBJ] || !hw->sync_live[id])
		return -ENOENT;
	if (!f->syncobj[id]) {
		if (drmSyncobjHandleToFD(home->fd, home->syncobj[id], &fd))
			return -errno;
		if (drmSyncobjFDToHandle(f->fd, fd, &f->syncobj[id]))
			ret = -errno;
		close(fd);
	}
	*out = f->syncobj[id];
	return ret;
}

int vmb_hw_resolve_syncs(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_sync *s,
			 uint32_t n, struct vmb_hw_sync *out)
{
	uint32_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = vmb_hw_syncobj_handle(hw, f, s[i].syncobj, &out[i].handle);
		if (ret)
			return ret;
		out[i].point = s[i].point;
		out[i].pad = 0;
	}
	return 0;
}

/* wait for the measurement point and return the CPU time it was seen */
uint64_t vmb_hw_meas_wait(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t point,
			  uint64_t fallback)
{
	uint64_t deadline = now_ns() + WAIT_CAP_NS;
	int ret;

	ret = drmSyncobjTimelineWait(f->fd, &f->meas, &point, 1, (int64_t)deadline,
				     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);
	if (ret) {
		vmb_hw_warn_once(hw, HW_WARN_MEAS,
				 "waiting for a completion fence failed (%s); "
				 "completion time = ioctl return",
				 strerror(-ret));
		return fallback;
	}
	return now_ns();
}

/* ---- open / safety ---------------------------------------------------- */

static int check_trace_fits(struct vmb_hw *hw, uint64_t va_end, uint64_t mem, char *err,
			    size_t errlen)
{
	const struct vmb_trace *t = hw->trace;
	uint64_t *bo_size, live = 0, peak = 0, max_va = t->bind_va_end;
	struct vmb_cursor c;
	int r;

	bo_size = calloc(t->max_id[VMB_CLASS_BO] + 1, sizeof(*bo_size));
	if (!bo_size || vmb_cursor_init(&c, t)) {
		free(bo_size);
		return -ENOMEM;
	}
	while ((r = vmb_cursor_next(&c)) > 0) {
		const struct vmb_op *op = &c.op;

		if (op->ret)
			continue;
		if (op->kind == VMB_OP_BO_CREATE) {
			bo_size[op->u.bo.bo] = op->u.bo.size;
			live += op->u.bo.size;
			if (live > peak)
				peak = live;
		} else if (op->kind == VMB_OP_BO_CLOSE) {
			live -= bo_size[op->u.bo.bo];
			bo_size[op->u.bo.bo] = 0;
		}
	}
	free(bo_size);
	vmb_cursor_fini(&c);
	if (r < 0)
		return r;
	if (va_end && max_va > va_end) {
		snprintf(err, errlen,
			 "%s: trace binds up to VA 0x%llx, the device's VA space ends "
			 "at 0x%llx; refusing to replay",
			 hw->path, (unsigned long long)max_va, (unsigned long long)va_end);
		return -E2BIG;
	}
	if (mem && peak > mem) {
		snprintf(err, errlen,
			 "%s: trace needs %llu MiB of BOs at peak, the device has "
			 "%llu MiB; refusing to replay",
			 hw->path, (unsigned long long)(peak >> 20),
			 (unsigned long long)(mem >> 20));
		return -E2BIG;
	}
	return 0;
}

static int alloc_tables(struct vmb_hw *hw)
{
	const struct vmb_trace *t = hw->trace;
	size_t nv = t->max_id[VMB_CLASS_VM] + 1, nq = t->max_id[VMB_CLASS_QUEUE] + 1;
	size_t nb = t->max_id[VMB_CLASS_BO] + 1, ns = t->max_id[VMB_CLASS_SYNCOBJ] + 1, i;

	hw->vm_file = calloc(nv, sizeof(uint32_t));
	hw->vm_id = calloc(nv, sizeof(uint32_t));
	hw->vm_live = calloc(nv, sizeof(bool));
	hw->vm_shadow = calloc(nv, sizeof(*hw->vm_shadow));
	hw->queue_id = calloc(nq, sizeof(uint32_t));
	hw->queue_vm = calloc(nq, sizeof(uint32_t));
	hw->queue_engine = calloc(nq, 1);
	hw->queue_live = calloc(nq, sizeof(bool));
	hw->bo_home = calloc(nb, sizeof(uint32_t));
	hw->bo_dmabuf = malloc(nb * sizeof(int));
	hw->bo_live = calloc(nb, sizeof(bool));
	hw->sync_live = calloc(ns, sizeof(bool));
	hw->sig = calloc(ns, sizeof(*hw->sig));
	hw->sig_next = calloc(ns, 1);
	hw->queue_end = calloc(nq, sizeof(uint64_t));
	if (!hw->sig || !hw->sig_next || !hw->queue_end)
		return -ENOMEM;
	if (!hw->vm_file || !hw->vm_id || !hw->vm_live || !hw->vm_shadow || !hw->queue_id ||
	    !hw->queue_vm || !hw->queue_engine || !hw->queue_live || !hw->bo_home ||
	    !hw->bo_dmabuf || !hw->bo_live || !hw->sync_live)
		return -ENOMEM;
	for (i = 0; i < nb; i++)
		hw->bo_dmabuf[i] = -1;
	return 0;
}

static void free_tables(struct vmb_hw *hw)
{
	free(hw->sig);
	free(hw->sig_next);
	free(hw->queue_end);
	free(hw->vm_file);
	free(hw->vm_id);
	free(hw->vm_live);
	free(hw->vm_shadow);
	free(hw->queue_id);
	free(hw->queue_vm);
	free(hw->queue_engine);
	free(hw->queue_live);
	free(hw->bo_home);
	free(hw->bo_dmabuf);
	free(hw->bo_live);
	free(hw->sync_live);
	free(hw->files);
}

int vmb_hw_open(struct vmb_backend *be, const struct vmb_hw_driver *drv,
		const struct vmb_trace *trace, const struct vmb_strategy *strat, const char *device,
		char *err, size_t errlen)
{
	struct vmb_hw *hw;
	char name[64], desc[128] = "";
	uint64_t va_end = 0, mem = 0, cap = 0;
	size_t idx;
	drmVersionPtr v;
	int ret;

	if (trace->driver != VMB_DRIVER_ANY && trace->driver != drv->driver) {
		snprintf(err, errlen, "trace was recorded on %s; backend %s cannot replay it",
			 vmb_driver_name(trace->driver), drv->name);
		return -EINVAL;
	}
	hw = calloc(1, sizeof(*hw));
	if (!hw)
		return -ENOMEM;
	hw->drv = drv;
	hw->trace = trace;
	hw->be = be;
	hw->sync_binds = strat && strat->sync == VMB_SYNC_SYNC;
	be->priv = hw;
	ret = vmb_device_find(drv->driver, device, hw->path, sizeof(hw->path), err, errlen);
	if (ret)
		goto err_free;
	ret = alloc_tables(hw);
	if (ret)
		goto err_tables;
	ret = hw_userptr_init(hw);
	if (ret) {
		snprintf(err, errlen, "%s: cannot reserve userptr memory: %s", drv->name,
			 strerror(-ret));
		goto err_tables;
	}
	ret = vmb_hw_file_open(hw, 0, &idx, 0, 0, 0);
	if (ret) {
		snprintf(err, errlen, "%s: cannot open: %s", hw->path, strerror(-ret));
		goto err_userptr;
	}
	ret = vmb_device_driver(hw->files[0].fd, name, sizeof(name));
	if (ret || strcmp(name, drv->name) != 0) {
		snprintf(err, errlen, "%s: driver is %s, not %s", hw->path, ret ? "unknown" : name,
			 drv->name);
		ret = -ENODEV;
		goto err_close;
	}
	v = drmGetVersion(hw->files[0].fd);
	if (v) {
		snprintf(desc, sizeof(desc), "%.*s", v->desc_len, v->desc ? v->desc : "");
		drmFreeVersion(v);
	}
	hw->shim = strstr(desc, "vmbench shim") != NULL;
	hw->use_batch =
	    drv->batch && (!hw->shim || strstr(desc, "timed GPU") ||
			   (getenv("VMB_HW_BATCH") && strcmp(getenv("VMB_HW_BATCH"), "1") == 0));
	if (drmGetCap(hw->files[0].fd, DRM_CAP_SYNCOBJ_TIMELINE, &cap) || !cap) {
		snprintf(err, errlen,
			 "%s: no timeline syncobjs (DRM_CAP_SYNCOBJ_TIMELINE); "
			 "kernel too old for vmbench",
			 hw->path);
		ret = -EOPNOTSUPP;
		goto err_close;
	}
	ret = drv->probe(hw, &hw->files[0], &va_end, &mem);
	if (ret) {
		snprintf(err, errlen, "%s: %s device query failed: %s", hw->path, drv->name,
			 strerror(-ret));
		goto err_close;
	}
	ret = check_trace_fits(hw, va_end, mem, err, errlen);
	if (ret)
		goto err_close;
	ret = vmb_hw_async_create(hw, be->max_in_flight);
	if (ret) {
		snprintf(err, errlen, "%s: cannot start the completion thread: %s", drv->name,
			 strerror(-ret));
		goto err_close;
	}
	hw_calibrate(hw);
	if (hw->use_batch && drv->clock && drv->stamp && drv->clock(hw, &hw->files[0]) == 0)
		hw->clk.ok = true;
	return 0;

err_close:
	vmb_hw_file_close(hw, &hw->files[0]);
err_userptr:
	hw_userptr_fini(hw);
err_tables:
	free_tables(hw);
err_free:
	free(hw);
	be->priv = NULL;
	return ret;
}

void vmb_hw_close(struct vmb_backend *be)
{
	struct vmb_hw *hw = be->priv;
	const struct vmb_trace *t;
	uint32_t i;
	size_t k;

	if (!hw)
		return;
	t = hw->trace;
	/* the completion thread and the private syncobjs first */
	vmb_hw_async_destroy(hw);
	/* queues first (they reference VMs), then VMs, then BOs and syncobjs */
	for (i = 0; i <= t->max_id[VMB_CLASS_QUEUE]; i++)
		if (hw->queue_live[i]) {
			hw->drv->queue_destroy(hw, vmb_hw_vm_file(hw, hw->queue_vm[i]),
					       hw->queue_id[i], hw->queue_engine[i]);
			hw->queue_live[i] = false;
		}
	for (i = 0; i <= t->max_id[VMB_CLASS_VM]; i++) {
		if (!hw->vm_live[i])
			continue;
		if (!hw->drv->vm_is_file)
			hw->drv->vm_destroy(hw, &hw->files[0], hw->vm_id[i]);
		else
			vmb_hw_file_close(hw, &hw->files[hw->vm_file[i]]);
		hw->vm_live[i] = false;
	}
	for (i = 0; i <= t->max_id[VMB_CLASS_VM]; i++)
		if (hw->drv->batch_release)
			hw->drv->batch_release(hw, &hw->files[0], i);
	for (i = 0; i <= t->max_id[VMB_CLASS_VM]; i++)
		if (hw->vm_shadow[i])
			vmb_gpuvm_destroy(hw->vm_shadow[i]);
	for (k = 1; k < hw->n_files; k++)
		vmb_hw_file_close(hw, &hw->files[k]);
	for (i = 0; i <= t->max_id[VMB_CLASS_BO]; i++)
		if (hw->bo_dmabuf[i] >= 0)
			close(hw->bo_dmabuf[i]);
	for (i = 0; i < hw->n_sync_file_fd; i++)
		if (hw->sync_file_fd[i] >= 0)
			close(hw->sync_file_fd[i]);
	free(hw->sync_file_fd);
	hw->sync_file_fd = NULL;
	hw->n_sync_file_fd = 0;
	for (i = 0; i <= t->max_id[VMB_CLASS_SYNCOBJ]; i++)
		if (hw->sync_live[i])
			drmSyncobjDestroy(hw->files[0].fd, hw->files[0].syncobj[i]);
	memset(hw->files[0].syncobj, 0, (t->max_id[VMB_CLASS_SYNCOBJ] + 1) * sizeof(uint32_t));
	if (hw->drv->fini)
		hw->drv->fini(hw);
	vmb_hw_file_close(hw, &hw->files[0]);
	if (hw->fallbacks)
		fprintf(stderr,
			"%s: %llu bind ioctls were re-issued one op per ioctl after "
			"ENOBUFS/ENOMEM\n",
			hw->drv->name, (unsigned long long)hw->fallbacks);
	hw_userptr_fini(hw);
	vmb_hw_exec_fini();
	free_tables(hw);
	free(hw);
	be->priv = NULL;
}

void vmb_hw_counters(struct vmb_backend *be, struct vmb_counters *out)
{
	/* hardware measures times only; model figures come from the dry-run */
	memset(out, 0, sizeof(*out));
	out->has_model = false;
}

bool vmb_hw_supports(struct vmb_backend *be, enum vmb_op_kind kind)
{
	struct vmb_hw *hw = be->priv;

	switch (kind) {
	case VMB_OP_EVICT:
	case VMB_OP_CPU_MIGRATE:
		/* the kernel moves pages on its own; userspace cannot ask for it */
		return false;
	case VMB_OP_CPU_UNMAP:
		return !hw || (hw->drv->bind_kinds & VMB_HW_KIND(VMB_BIND_MAP_USERPTR));
	default:
		return true;
	}
}
