// SPDX-License-Identifier: MIT
/*
 * hw_exec.c - how the real-kernel backends carry out each trace op: object
 * creation and destruction through the driver hooks, bind lowering (ids to
 * handles, UNMAP_ALL from the shadow copy where the uAPI lacks it, smaller
 * batches after ENOBUFS/ENOMEM), submits, syncobj waits and signals, and
 * the CLOCK_MONOTONIC times of each call. Binds and submits return at once,
 * pending: their completion (done_ns) is when the private out-fence the
 * ioctl signals is seen signalled (hw_async.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "backends/hw_priv.h"
#include "backends/shadow.h"
#include "gpuvm.h"

#define WAIT_CAP_NS (10ull * 1000 * 1000 * 1000)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- scratch arrays for one call --------------------------------------- */

struct bind_scratch {
	struct vmb_bind_entry *e;
	uint32_t *handles;
	uint64_t *cpu;
	size_t cap;
};

static int scratch_reserve(struct bind_scratch *s, size_t n)
{
	void *e, *h, *c;

	if (n <= s->cap)
		return 0;
	n = n < 64 ? 64 : n * 2;
	e = realloc(s->e, n * sizeof(*s->e));
	if (e)
		s->e = e;
	h = realloc(s->handles, n * sizeof(*s->handles));
	if (h)
		s->handles = h;
	c = realloc(s->cpu, n * sizeof(*s->cpu));
	if (c)
		s->cpu = c;
	if (!e || !h || !c)
		return -ENOMEM;
	s->cap = n;
	return 0;
}

static struct bind_scratch scratch;

void vmb_hw_exec_fini(void)
{
	free(scratch.e);
	free(scratch.handles);
	free(scratch.cpu);
	memset(&scratch, 0, sizeof(scratch));
}

/* ---- ops ------------------------------------------------------------------ */

static bool id_ok(const struct vmb_hw *hw, enum vmb_obj_class c, uint32_t id)
{
	return id >= 1 && id <= hw->trace->max_id[c];
}

static int do_vm_create(struct vmb_hw *hw, const struct vmb_call *call)
{
	const struct vmb_op *op = call->op;
	uint32_t vm = op->u.vm_create.vm;
	size_t idx;
	int ret;

	if (!id_ok(hw, VMB_CLASS_VM, vm) || hw->vm_live[vm])
		return -EINVAL;
	if (hw->drv->vm_is_file) {
		ret = vmb_hw_file_open(hw, vm, &idx, op->u.vm_create.va_start,
				       op->u.vm_create.kernel_start, call->kernel_range);
		if (ret)
			return ret;
		hw->vm_file[vm] = (uint32_t)idx;
	} else {
		ret = hw->drv->vm_create(hw, &hw->files[0], op, call->kernel_range, &hw->vm_id[vm]);
		if (ret)
			return ret;
	}
	hw->vm_live[vm] = true;
	if (!(hw->drv->bind_kinds & VMB_HW_KIND(VMB_BIND_UNMAP_ALL)) && !hw->vm_shadow[vm]) {
		hw->vm_shadow[vm] =
		    vmb_shadow_create(op->u.vm_create.va_start, op->u.vm_create.va_range,
				      op->u.vm_create.kernel_start, call->kernel_range);
		if (!hw->vm_shadow[vm])
			return -ENOMEM;
	}
	return 0;
}

static int do_vm_destroy(struct vmb_hw *hw, uint32_t vm)
{
	int ret = 0;

	if (!id_ok(hw, VMB_CLASS_VM, vm) || !hw->vm_live[vm])
		return -ENOENT;
	if (hw->drv->vm_is_file) {
		uint32_t q;

		/* the file takes its queues (and handles) with it */
		vmb_hw_file_close(hw, &hw->files[hw->vm_file[vm]]);
		for (q = 1; q <= hw->trace->max_id[VMB_CLASS_QUEUE]; q++)
			if (hw->queue_live[q] && hw->queue_vm[q] == vm)
				hw->queue_live[q] = false;
	} else
		ret = hw->drv->vm_destroy(hw, &hw->files[0], hw->vm_id[vm]);
	hw->vm_live[vm] = false;
	if (hw->drv->batch_release)
		hw->drv->batch_release(hw, &hw->files[0], vm);
	if (hw->vm_shadow[vm]) {
		vmb_gpuvm_destroy(hw->vm_shadow[vm]);
		hw->vm_shadow[vm] = NULL;
	}
	return ret;
}

static int do_queue(struct vmb_hw *hw, const struct vmb_op *op)
{
	uint32_t q = op->u.queue.queue, vm = op->u.queue.vm;
	int ret;

	if (!id_ok(hw, VMB_CLASS_QUEUE, q))
		return -EINVAL;
	if (op->kind == VMB_OP_QUEUE_DESTROY) {
		if (!hw->queue_live[q])
			return -ENOENT;
		hw->queue_live[q] = false;
		return hw->drv->queue_destroy(hw, vmb_hw_vm_file(hw, hw->queue_vm[q]),
					      hw->queue_id[q], hw->queue_engine[q]);
	}
	if (hw->queue_live[q] || !id_ok(hw, VMB_CLASS_VM, vm) || !hw->vm_live[vm])
		return -EINVAL;
	ret = hw->drv->queue_create(hw, vmb_hw_vm_file(hw, vm), hw->vm_id[vm], op->u.queue.engine,
				    &hw->queue_id[q]);
	if (ret)
		return ret;
	hw->queue_vm[q] = vm;
	hw->queue_engine[q] = op->u.queue.engine;
	hw->queue_live[q] = true;
	return 0;
}

static int do_bo_create(struct vmb_hw *hw, const struct vmb_op *op)
{
	uint32_t bo = op->u.bo.bo, vm = op->u.bo.vm;
	struct vmb_hw_file *f = &hw->files[0];
	uint32_t vm_id = 0, handle;
	int ret;

	if (!id_ok(hw, VMB_CLASS_BO, bo) || hw->bo_live[bo])
		return -EINVAL;
	if (vm) {
		if (!id_ok(hw, VMB_CLASS_VM, vm) || !hw->vm_live[vm])
			return -ENOENT;
		f = vmb_hw_vm_file(hw, vm);
		vm_id = hw->vm_id[vm];
	}
	ret = hw->drv->bo_create(hw, f, op, vm_id, &handle);
	if (ret)
		return ret;
	f->bo[bo] = handle;
	hw->bo_home[bo] = (uint32_t)(f - hw->files);
	hw->bo_live[bo] = true;
	return 0;
}

static int do_bo_close(struct vmb_hw *hw, uint32_t bo)
{
	uint32_t vm;
	size_t k;
	int ret = 0;

	if (!id_ok(hw, VMB_CLASS_BO, bo) || !hw->bo_live[bo])
		return -ENOENT;
	for (k = 0; k < hw->n_files; k++) {
		struct vmb_hw_file *f = &hw->files[k];

		if (f->fd < 0 || !f->bo[bo])
			continue;
		if (drmCloseBufferHandle(f->fd, f->bo[bo]) && k == hw->bo_home[bo])
			ret = -errno;
		f->bo[bo] = 0;
	}
	if (hw->bo_dmabuf[bo] >= 0) {
		close(hw->bo_dmabuf[bo]);
		hw->bo_dmabuf[bo] = -1;
	}
	hw->bo_live[bo] = false;
	if (hw->drv->weak)
		for (vm = 1; vm <= hw->trace->max_id[VMB_CLASS_VM]; vm++)
			vmb_shadow_drop_bo(hw->vm_shadow[vm], bo);
	return ret;
}

static int do_syncobj(struct vmb_hw *hw, const struct vmb_op *op)
{
	struct vmb_hw_file *f = &hw->files[0];
	uint32_t id = op->u.syncobj.syncobj;

	if (!id_ok(hw, VMB_CLASS_SYNCOBJ, id))
		return -EINVAL;
	if (op->kind == VMB_OP_SYNCOBJ_DESTROY) {
		size_t k;

		if (!hw->sync_live[id])
			return -ENOENT;
		for (k = 1; k < hw->n_files; k++)
			if (hw->files[k].fd >= 0 && hw->files[k].syncobj[id]) {
				drmSyncobjDestroy(hw->files[k].fd, hw->files[k].syncobj[id]);
				hw->files[k].syncobj[id] = 0;
			}
		hw->sync_live[id] = false;
		id = f->syncobj[id];
		f->syncobj[op->u.syncobj.syncobj] = 0;
		return drmSyncobjDestroy(f->fd, id) ? -errno : 0;
	}
	if (hw->sync_live[id])
		return -EINVAL;
	if (drmSyncobjCreate(f->fd, op->u.syncobj.signaled ? DRM_SYNCOBJ_CREATE_SIGNALED : 0,
			     &f->syncobj[id]))
		return -errno;
	hw->sync_live[id] = true;
	return 0;
}

/* wait for @n syncs on @f from the CPU (fallback paths) */
static int cpu_wait(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_sync *s,
		    uint32_t n, bool all, uint64_t timeout)
{
	uint32_t handles[64];
	uint64_t points[64];
	uint32_t i, done = 0;
	int ret = 0;

	if (timeout > WAIT_CAP_NS)
		timeout = WAIT_CAP_NS;
	while (done < n && !ret) {
		uint32_t m = n - done < 64 ? n - done : 64;

		for (i = 0; i < m; i++) {
			handles[i] = s[done + i].handle;
			points[i] = s[done + i].point;
		}
		ret =
		    drmSyncobjTimelineWait(f->fd, handles, points, m, (int64_t)(now_ns() + timeout),
					   (all ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL : 0) |
					       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
					   NULL);
		done += m;
	}
	return ret;
}

static int cpu_signal(struct vmb_hw_file *f, const struct vmb_hw_sync *s, uint32_t n)
{
	uint32_t handles[n + 1];
	uint64_t points[n + 1];
	uint32_t i;

	for (i = 0; i < n; i++) {
		handles[i] = s[i].handle;
		points[i] = s[i].point;
	}
	return drmSyncobjTimelineSignal(f->fd, handles, points, n) ? -errno : 0;
}

/*
 * One entry per ioctl: the first carries the in-fences, the last the
 * out-fences; the shadow follows each entry (used by drivers whose uAPI has
 * one mapping per ioctl, and by the ENOBUFS/ENOMEM fallback).
 */
static int issue_each(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_hw_bind_req *req,
		      struct vmb_gpuvm *shadow)
{
	struct vmb_hw_bind_req one = *req;
	uint32_t i;
	int ret = 0;

	for (i = 0; i < req->n && !ret; i++) {
		one.n = 1;
		one.binds = &req->binds[i];
		one.handles = &req->handles[i];
		one.cpu_addr = &req->cpu_addr[i];
		one.n_in = i == 0 ? req->n_in : 0;
		one.n_out = i == req->n - 1 ? req->n_out : 0;
		one.shadow = shadow;
		ret = hw->drv->bind(hw, f, &one);
		if (!ret)
			vmb_shadow_apply(shadow, &req->binds[i], 1);
	}
	return ret;
}

/* UNMAP_ALL where the uAPI lacks it: one unmap per mapping of the BO */
static int lower_entries(struct vmb_hw *hw, struct vmb_gpuvm *shadow,
			 const struct vmb_bind_entry *in, uint32_t n, uint32_t *out_n)
{
	uint32_t i, k = 0;
	struct vmb_gpuva *va;
	int ret;

	ret = scratch_reserve(&scratch, n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		if (in[i].kind != VMB_BIND_UNMAP_ALL || !shadow) {
			scratch.e[k++] = in[i];
			continue;
		}
		for (va = vmb_gpuvm_first(shadow); va; va = vmb_gpuva_next(va)) {
			if (va->obj != in[i].bo || va->flags)
				continue;
			ret = scratch_reserve(&scratch, k + (n - i) + 1);
			if (ret)
				return ret;
			memset(&scratch.e[k], 0, sizeof(scratch.e[k]));
			scratch.e[k].kind = VMB_BIND_UNMAP;
			scratch.e[k].va = va->va;
			scratch.e[k].range = va->range;
			k++;
		}
	}
	*out_n = k;
	return 0;
}

static int do_bind(struct vmb_hw *hw, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_op *op = call->op;
	uint32_t vm = op->u.bind.vm, q = op->u.bind.queue, n_in = op->u.bind.n_in;
	uint32_t n_out = op->u.bind.n_out, n, i;
	struct vmb_hw_sync syncs[n_in + n_out + 1];
	struct vmb_hw_bind_req req = {0};
	struct vmb_hw_file *f;
	int ret, slot;

	if (!id_ok(hw, VMB_CLASS_VM, vm) || !hw->vm_live[vm])
		return -ENOENT;
	for (i = 0; i < op->u.bind.n_binds; i++) {
		enum vmb_bind_kind k = call->binds[i].kind;

		if (hw->drv->bind_kinds & VMB_HW_KIND(k))
			continue;
		if (k == VMB_BIND_UNMAP_ALL && hw->vm_shadow[vm]) {
			vmb_hw_warn_once(
			    hw, HW_WARN_KIND + k,
			    "no UNMAP_ALL in the uAPI; lowered "
			    "to one unmap per mapping from the replayer's shadow copy");
			continue;
		}
		vmb_hw_warn_once(hw, HW_WARN_KIND + k,
				 "the uAPI has no %s bind; such binds "
				 "are not replayed (counted as unsupported)",
				 vmb_bind_kind_name(k));
		return -EOPNOTSUPP;
	}
	f = vmb_hw_vm_file(hw, vm);
	ret = lower_entries(hw, hw->vm_shadow[vm], call->binds, op->u.bind.n_binds, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		const struct vmb_bind_entry *e = &scratch.e[i];

		scratch.handles[i] = 0;
		scratch.cpu[i] = 0;
		if (e->kind == VMB_BIND_MAP || (e->kind == VMB_BIND_UNMAP_ALL)) {
			ret = vmb_hw_bo_handle(hw, f, e->bo, &scratch.handles[i]);
			if (ret)
				return ret;
		} else if (e->kind == VMB_BIND_MAP_USERPTR) {
			scratch.cpu[i] = hw_userptr_local(hw, e->offset);
			if (!scratch.cpu[i])
				return -EFAULT;
		}
	}
	ret = vmb_hw_resolve_syncs(hw, f, call->syncs, n_in + n_out, syncs);
	if (ret)
		return ret;
	if (q) {
		if (!id_ok(hw, VMB_CLASS_QUEUE, q) || !hw->queue_live[q])
			return -ENOENT;
		req.queue_id = hw->queue_id[q];
	}
	slot = vmb_hw_async_get(hw, f, call, &syncs[n_in + n_out]);
	if (slot < 0)
		return slot;
	req.shadow = hw->vm_shadow[vm];
	req.vm_id = hw->vm_id[vm];
	req.n = n;
	req.binds = scratch.e;
	req.handles = scratch.handles;
	req.cpu_addr = scratch.cpu;
	req.in = syncs;
	req.n_in = n_in;
	req.out = syncs + n_in;
	req.n_out = n_out + 1;

	tm->issue_ns = now_ns();
	if (n == 0) {
		/* everything lowered away: honour the fences from the CPU */
		ret = cpu_wait(hw, f, req.in, req.n_in, true, WAIT_CAP_NS);
		if (!ret)
			ret = cpu_signal(f, req.out, req.n_out);
	} else if (hw->drv->single_entry) {
		ret = issue_each(hw, f, &req, hw->vm_shadow[vm]);
	} else {
		ret = hw->drv->bind(hw, f, &req);
		if (!ret)
			vmb_shadow_apply(hw->vm_shadow[vm], scratch.e, n);
	}
	tm->return_ns = now_ns();
	if ((ret == -ENOBUFS || ret == -ENOMEM) && n > 1) {
		vmb_hw_warn_once(hw, HW_WARN_FALLBACK,
				 "VM bind of %u ops failed with %s; "
				 "re-issuing one op per ioctl after a CPU wait on its in-fences "
				 "(as Mesa does)",
				 n, strerror(-ret));
		hw->fallbacks++;
		ret = cpu_wait(hw, f, req.in, req.n_in, true, WAIT_CAP_NS);
		req.n_in = 0;
		if (!ret)
			ret = issue_each(hw, f, &req, hw->vm_shadow[vm]);
		tm->return_ns = now_ns();
	}
	if (ret) {
		vmb_hw_async_put(hw, slot, NULL);
		return ret;
	}
	vmb_hw_async_put(hw, slot, tm);
	/* --sync=sync: the CPU waits for each bind, as a synchronous bind does */
	if (hw->sync_binds)
		vmb_hw_async_wait(hw, slot);
	return 0;
}

static int do_submit(struct vmb_hw *hw, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_op *op = call->op;
	uint32_t q = op->u.submit.queue, n_in = op->u.submit.n_in, n_out = op->u.submit.n_out;
	uint32_t n_bos = op->u.submit.n_bos, i;
	struct vmb_hw_sync syncs[n_in + n_out + 1];
	struct vmb_hw_submit_req req = {0};
	struct vmb_hw_file *f;
	uint32_t *bos;
	int ret, slot;
	bool stamped;

	if (!id_ok(hw, VMB_CLASS_QUEUE, q) || !hw->queue_live[q])
		return -ENOENT;
	if (!hw->shim && !hw->drv->empty_job && !hw->use_batch) {
		vmb_hw_warn_once(hw, HW_WARN_BATCH,
				 "submits need a no-op command buffer on real "
				 "hardware, which this backend cannot build; submits are counted "
				 "as unsupported");
		return -EOPNOTSUPP;
	}
	f = vmb_hw_vm_file(hw, hw->queue_vm[q]);
	if (hw->use_batch) {
		ret = hw->drv->batch(hw, f, hw->queue_vm[q], hw->queue_id[q], hw->queue_engine[q],
				     op->u.submit.gpu_ns, &req.batch_va, &req.batch_len);
		if (ret) {
			vmb_hw_warn_once(hw, HW_WARN_BATCH,
					 "cannot set up the no-op batch buffer "
					 "(%s); submits are counted as unsupported",
					 strerror(-ret));
			return ret == -ENODEV ? ret : -EOPNOTSUPP;
		}
	}
	bos = malloc((n_bos + 1) * sizeof(*bos));
	if (!bos)
		return -ENOMEM;
	for (i = 0; i < n_bos; i++) {
		ret = vmb_hw_bo_handle(hw, f, call->bos[i], &bos[i]);
		if (ret)
			goto out;
	}
	ret = vmb_hw_resolve_syncs(hw, f, call->syncs, n_in + n_out, syncs);
	if (ret)
		goto out;
	slot = vmb_hw_async_get(hw, f, call, &syncs[n_in + n_out]);
	if (slot < 0) {
		ret = slot;
		goto out;
	}
	/* the batch first writes the GPU clock: the job's start time */
	stamped = hw->use_batch && hw->clk.ok && (uint32_t)slot < VMB_HW_STAMPS &&
		  hw->drv->stamp(hw, hw->queue_vm[q], (uint32_t)slot,
				 (enum vmb_engine)hw->queue_engine[q], &req.batch_va,
				 &req.batch_len) == 0;
	if (!stamped && hw->use_batch && hw->batch_reps)
		vmb_hw_warn_once(hw, HW_WARN_BATCH,
				 "jobs longer than one no-op batch are cut to it when more than %u "
				 "calls are in flight (no stamp slot to chain from)",
				 VMB_HW_STAMPS);
	req.vm_id = hw->vm_id[hw->queue_vm[q]];
	req.queue_id = hw->queue_id[q];
	req.engine = hw->queue_engine[q];
	req.bos = bos;
	req.n_bos = n_bos;
	req.in = syncs;
	req.n_in = n_in;
	req.out = syncs + n_in;
	req.n_out = n_out + 1;
	tm->issue_ns = now_ns();
	ret = hw->drv->submit(hw, f, &req);
	tm->return_ns = now_ns();
	/* the start time and the stall come with the completion when stamped */
	tm->start_ns = 0;
	tm->stall_unknown = true;
	if (stamped)
		vmb_hw_async_stamped(hw, slot, hw->queue_vm[q]);
	vmb_hw_async_put(hw, slot, ret ? NULL : tm);
out:
	free(bos);
	return ret;
}

static int do_wait_signal(struct vmb_hw *hw, const struct vmb_call *call)
{
	const struct vmb_op *op = call->op;
	struct vmb_hw_file *f = &hw->files[0];
	uint32_t n = op->u.wait.n, i;
	uint32_t handles[n + 1];
	uint64_t points[n + 1], timeout;
	int ret;

	for (i = 0; i < n; i++) {
		uint32_t id = call->syncs[i].syncobj;

		if (!id_ok(hw, VMB_CLASS_SYNCOBJ, id) || !hw->sync_live[id])
			return -ENOENT;
		handles[i] = f->syncobj[id];
		points[i] = call->syncs[i].point;
	}
	if (op->kind == VMB_OP_SIGNAL)
		return drmSyncobjTimelineSignal(f->fd, handles, points, n) ? -errno : 0;
	timeout = op->u.wait.timeout_ns;
	if (timeout > WAIT_CAP_NS)
		timeout = WAIT_CAP_NS;
	/*
	 * A wait that found no fence (-EINVAL: the syncobj was reset or never
	 * signaled, drm_syncobj_array_wait_timeout without WAIT_FOR_SUBMIT) is
	 * issued as the program issued it; the others may wait for fences the
	 * replayer attaches late (bind out-fences), so they wait for submission.
	 */
	ret = drmSyncobjTimelineWait(
	    f->fd, handles, points, n, (int64_t)(now_ns() + timeout),
	    (op->u.wait.all ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL : 0) |
		(op->ret == -EINVAL ? 0 : DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT),
	    NULL);
	if (ret == -ETIME && timeout < op->u.wait.timeout_ns)
		vmb_hw_warn_once(hw, HW_WARN_WAIT,
				 "a wait gave up after %llu s (the replayer caps "
				 "waits; the trace allowed longer)",
				 WAIT_CAP_NS / 1000000000ull);
	return ret;
}

static int do_other(struct vmb_hw *hw, const struct vmb_call *call, struct vmb_timing *tm);

/* the primary file's handle of a live trace syncobj, or 0 */
static uint32_t live_syncobj(struct vmb_hw *hw, uint32_t id)
{
	if (!id_ok(hw, VMB_CLASS_SYNCOBJ, id) || !hw->sync_live[id])
		return 0;
	return hw->files[0].syncobj[id];
}

/* DRM_IOCTL_SYNCOBJ_TRANSFER as traced (libdrm drmSyncobjTransfer) */
static int do_transfer(struct vmb_hw *hw, const struct vmb_call *call)
{
	const struct vmb_sync *src = &call->syncs[0], *dst = &call->syncs[1];
	uint32_t s = live_syncobj(hw, src->syncobj), d = live_syncobj(hw, dst->syncobj);
	uint32_t flags = call->op->u.transfer.flags & VMB_TRANSFER_F_WAIT_FOR_SUBMIT
			     ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT
			     : 0;

	if (!s || !d)
		return -ENOENT;
	return drmSyncobjTransfer(hw->files[0].fd, d, dst->point, s, src->point, flags) ? -errno
											: 0;
}

/* DRM_IOCTL_SYNCOBJ_RESET of every syncobj listed (libdrm drmSyncobjReset) */
static int do_reset(struct vmb_hw *hw, const struct vmb_call *call)
{
	uint32_t n = call->op->u.reset.n, i;
	uint32_t handles[n ? n : 1];

	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		handles[i] = live_syncobj(hw, call->bos[i]);
		if (!handles[i])
			return -ENOENT;
	}
	return drmSyncobjReset(hw->files[0].fd, handles, n) ? -errno : 0;
}

/* the fd slot of sync_file @id, grown on demand; NULL on ENOMEM */
static int *sync_file_slot(struct vmb_hw *hw, uint32_t id)
{
	if (id >= hw->n_sync_file_fd) {
		uint32_t n = id + 64, i;
		int *t = realloc(hw->sync_file_fd, n * sizeof(*t));

		if (!t)
			return NULL;
		for (i = hw->n_sync_file_fd; i < n; i++)
			t[i] = -1;
		hw->sync_file_fd = t;
		hw->n_sync_file_fd = n;
	}
	return &hw->sync_file_fd[id];
}

/*
 * sync_file_export / sync_file_import: SYNCOBJ_HANDLE_TO_FD and
 * FD_TO_HANDLE with the sync_file flags (libdrm drmSyncobjExportSyncFile,
 * drmSyncobjImportSyncFile). The fd of each trace sync_file id is kept until
 * the id is exported again or the run ends. A sync_file from outside the
 * trace (id 0) is made signaled, from a signaled scratch syncobj.
 */
static int do_sync_file(struct vmb_hw *hw, const struct vmb_op *op)
{
	int drm = hw->files[0].fd, sfd = -1, *slot, ret;
	uint32_t h = live_syncobj(hw, op->u.sync_file.syncobj), id = op->u.sync_file.sync_file;
	uint32_t tmp;

	if (op->kind == VMB_OP_SYNC_FILE_EXPORT) {
		if (!h)
			return -ENOENT;
		if (drmSyncobjExportSyncFile(drm, h, &sfd))
			return -errno;
		slot = id ? sync_file_slot(hw, id) : NULL;
		if (!slot) {
			close(sfd);
			return id ? -ENOMEM : 0;
		}
		if (*slot >= 0)
			close(*slot);
		*slot = sfd;
		return 0;
	}
	if (!id) {
		if (drmSyncobjCreate(drm, DRM_SYNCOBJ_CREATE_SIGNALED, &tmp))
			return -errno;
		ret = drmSyncobjExportSyncFile(drm, tmp, &sfd) ? -errno : 0;
		drmSyncobjDestroy(drm, tmp);
		if (ret)
			return ret;
	} else if (id < hw->n_sync_file_fd) {
		sfd = hw->sync_file_fd[id];
	}
	/* an id never exported is no sync_file: the kernel answers -EINVAL */
	if (!h)
		ret = sfd < 0 ? -EINVAL : -ENOENT;
	else
		ret = drmSyncobjImportSyncFile(drm, h, sfd) ? -errno : 0;
	if (!id && sfd >= 0)
		close(sfd);
	return ret;
}

/* fences an op carries (bounded: arrays of them live on the stack) */
#define HW_MAX_SYNCS 1024

static unsigned int sync_count(const struct vmb_op *op)
{
	switch (op->kind) {
	case VMB_OP_BIND:
		return op->u.bind.n_in + op->u.bind.n_out;
	case VMB_OP_SUBMIT:
		return op->u.submit.n_in + op->u.submit.n_out;
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		return op->u.wait.n;
	case VMB_OP_SYNCOBJ_RESET:
		return op->u.reset.n;
	default:
		return 0;
	}
}

/*
 * A bind or submit the backend cannot replay (-EOPNOTSUPP) still signals its
 * out-fences, from the CPU: the waits and ops that depend on them would
 * otherwise block until the replayer's cap, as a kernel blocks on a fence
 * nobody submits (drm_syncobj_array_wait_timeout with WAIT_FOR_SUBMIT).
 */
static void signal_unreplayed(struct vmb_hw *hw, const struct vmb_call *call)
{
	const struct vmb_op *op = call->op;
	struct vmb_hw_file *f = &hw->files[0];
	uint32_t n_in, n_out, i;

	if (op->kind == VMB_OP_BIND) {
		n_in = op->u.bind.n_in;
		n_out = op->u.bind.n_out;
	} else if (op->kind == VMB_OP_SUBMIT) {
		n_in = op->u.submit.n_in;
		n_out = op->u.submit.n_out;
	} else {
		return;
	}
	for (i = 0; i < n_out; i++) {
		uint32_t id = call->syncs[n_in + i].syncobj, h;
		uint64_t point = call->syncs[n_in + i].point;

		if (!id_ok(hw, VMB_CLASS_SYNCOBJ, id) || !hw->sync_live[id])
			continue;
		h = f->syncobj[id];
		(void)drmSyncobjTimelineSignal(f->fd, &h, &point, 1);
	}
}

int vmb_hw_exec(struct vmb_backend *be, const struct vmb_call *call, struct vmb_timing *tm)
{
	struct vmb_hw *hw = be->priv;
	const struct vmb_op *op = call->op;
	int ret;

	memset(tm, 0, sizeof(*tm));
	if (hw->lost)
		return -ENODEV;
	if (sync_count(op) > HW_MAX_SYNCS) {
		vmb_hw_warn_once(hw, HW_WARN_SYNCS,
				 "ops with more than %d fences are refused "
				 "(xe's DRM_XE_MAX_SYNCS; the replayer keeps them on the stack)",
				 HW_MAX_SYNCS);
		return -E2BIG;
	}
	if (op->kind == VMB_OP_BIND)
		ret = do_bind(hw, call, tm);
	else if (op->kind == VMB_OP_SUBMIT)
		ret = do_submit(hw, call, tm);
	else
		ret = do_other(hw, call, tm);
	if (ret == -EOPNOTSUPP)
		signal_unreplayed(hw, call);
	if (ret == -ENODEV) {
		hw->lost = true;
		vmb_hw_warn_once(hw, HW_WARN_LOST,
				 "the device is gone (ENODEV) at op %zu; every "
				 "later op fails without reaching the kernel",
				 call->index);
	}
	return ret;
}

static int do_other(struct vmb_hw *hw, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_op *op = call->op;
	int ret;

	tm->issue_ns = now_ns();
	switch (op->kind) {
	case VMB_OP_VM_CREATE:
		ret = do_vm_create(hw, call);
		break;
	case VMB_OP_VM_DESTROY:
		ret = do_vm_destroy(hw, op->u.vm_destroy.vm);
		break;
	case VMB_OP_QUEUE_CREATE:
	case VMB_OP_QUEUE_DESTROY:
		ret = do_queue(hw, op);
		break;
	case VMB_OP_BO_CREATE:
		ret = do_bo_create(hw, op);
		break;
	case VMB_OP_BO_CLOSE:
		ret = do_bo_close(hw, op->u.bo.bo);
		break;
	case VMB_OP_SYNCOBJ_CREATE:
	case VMB_OP_SYNCOBJ_DESTROY:
		ret = do_syncobj(hw, op);
		break;
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		ret = do_wait_signal(hw, call);
		break;
	case VMB_OP_CPU_UNMAP:
		ret = hw_userptr_cpu_unmap(hw, op->u.cpu_unmap.addr, op->u.cpu_unmap.size);
		break;
	case VMB_OP_FRAME:
		ret = 0;
		break;
	case VMB_OP_TRANSFER:
		ret = do_transfer(hw, call);
		break;
	case VMB_OP_SYNCOBJ_RESET:
		ret = do_reset(hw, call);
		break;
	case VMB_OP_SYNC_FILE_EXPORT:
	case VMB_OP_SYNC_FILE_IMPORT:
		ret = do_sync_file(hw, op);
		break;
	default: /* evict: the model only */
		ret = -EOPNOTSUPP;
		break;
	}
	tm->return_ns = now_ns();
	tm->done_ns = tm->return_ns;
	return ret;
}
