// SPDX-License-Identifier: MIT
/*
 * decode_core.c - decoding of the DRM core ioctls every driver shares (GEM
 * close, PRIME import, syncobjs) into trace ops, the decoder registry, and
 * small helpers for the per-driver decoders.
 *
 * What becomes what:
 *   GEM_CLOSE -> bo_close; PRIME_FD_TO_HANDLE -> the BO exported as that
 *   fd by another DRM file of the process (PRIME_HANDLE_TO_FD), or else a
 *   bo_create (an external BO, size from lseek(SEEK_END) on the dma-buf,
 *   only when the handle is new to this file); SYNCOBJ_CREATE -> syncobj_create;
 *   SYNCOBJ_FD_TO_HANDLE (new handle) -> the exported syncobj, or else
 *   syncobj_create; SYNCOBJ_DESTROY -> syncobj_destroy; SYNCOBJ_WAIT /
 *   TIMELINE_WAIT -> wait (the absolute timeout made relative to the call);
 *   SYNCOBJ_SIGNAL / TIMELINE_SIGNAL -> signal; SYNCOBJ_TRANSFER ->
 *   transfer; SYNCOBJ_RESET -> syncobj_reset; SYNCOBJ_HANDLE_TO_FD with
 *   EXPORT_SYNC_FILE -> sync_file_export (id: the fd + 1, the fd marked in
 *   the fd table until it is closed); SYNCOBJ_FD_TO_HANDLE with
 *   IMPORT_SYNC_FILE -> sync_file_import (of that id while the fd is still
 *   the exported one, else of a sync_file from outside the trace).
 * Counted only (no trace op exists): GEM_OPEN (flink). Ignored: queries,
 * exports and KMS.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "uapi/drm_core.h"

/* every driver's decoder */
static const struct cap_decoder *const all_decoders[] = {
    &cap_decoder_xe,	  &cap_decoder_amdgpu, &cap_decoder_nouveau,
    &cap_decoder_panthor, &cap_decoder_msm,
};

/**
 * cap_decoder_find() - the decoder for a DRM driver name
 * @name: as DRM_IOCTL_VERSION reports it
 *
 * Return: the decoder, or NULL for drivers that are not recorded
 */
const struct cap_decoder *cap_decoder_find(const char *name)
{
	for (size_t i = 0; i < sizeof(all_decoders) / sizeof(all_decoders[0]); i++)
		if (!strcmp(all_decoders[i]->name, name))
			return all_decoders[i];
	return NULL;
}

/** cap_decoder_of() - the decoder of trace driver @driver (NULL: none) */
const struct cap_decoder *cap_decoder_of(enum vmb_driver driver)
{
	for (size_t i = 0; i < sizeof(all_decoders) / sizeof(all_decoders[0]); i++)
		if (all_decoders[i]->driver == driver)
			return all_decoders[i];
	return NULL;
}

/** cap_op_init() - make the record being built an op of @kind */
void cap_op_init(struct cap_build *b, enum vmb_op_kind kind)
{
	b->rec->kind = CAP_REC_OP;
	b->rec->op.kind = (uint8_t)kind;
}

/**
 * cap_rel_timeout() - an absolute CLOCK_MONOTONIC timeout as the relative
 * "timeout_ns" of a wait op
 * @abs_ns: the ioctl's absolute timeout (INT64_MAX = forever)
 * @now_ns: CLOCK_MONOTONIC when the call was made
 */
uint64_t cap_rel_timeout(int64_t abs_ns, uint64_t now_ns)
{
	if (abs_ns == INT64_MAX)
		return UINT64_MAX;
	if (abs_ns <= 0 || (uint64_t)abs_ns <= now_ns)
		return 0;
	return (uint64_t)abs_ns - now_ns;
}

/**
 * cap_core_reclassify() - the class of a core ioctl once its pre-call
 * argument @pre is known: a SYNCOBJ_TRANSFER without WAIT_FOR_SUBMIT does
 * not wait; like a signal it publishes a fence that another thread's wait
 * can return on before this call returns, so it is numbered before the
 * call (CAP_ENTER). With WAIT_FOR_SUBMIT it waits for its source's submit
 * and is numbered after the call, as a wait (CAP_EXIT).
 */
enum cap_class cap_core_reclassify(unsigned long req, const void *pre, enum cap_class cls)
{
	const struct vmb_drm_syncobj_transfer *t = pre;

	if (_IOC_NR(req) == 0xcc && pre && !(t->flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT))
		return CAP_ENTER;
	return cls;
}

/**
 * cap_core_classify() - how to treat a DRM core ioctl (nr outside the
 * driver range), see enum cap_class
 * @req: request
 * @pre_bytes: set for SYNCOBJ_TRANSFER, whose flags cap_core_reclassify()
 *	reads before the call
 */
enum cap_class cap_core_classify(unsigned long req, uint32_t *pre_bytes)
{
	switch (_IOC_NR(req)) {
	case 0x2d: /* PRIME_HANDLE_TO_FD */
	case 0xc1: /* SYNCOBJ_HANDLE_TO_FD */
	case 0xc4: /* SYNCOBJ_RESET */
	case 0xc5: /* SYNCOBJ_SIGNAL */
	case 0xcd: /* SYNCOBJ_TIMELINE_SIGNAL */
		return CAP_ENTER;
	case 0x09: /* GEM_CLOSE */
	case 0xc0: /* SYNCOBJ_DESTROY */
	case 0x2e: /* PRIME_FD_TO_HANDLE */
	case 0xbf: /* SYNCOBJ_CREATE */
	case 0xc2: /* SYNCOBJ_FD_TO_HANDLE */
		return CAP_ORDERED;
	case 0xc3: /* SYNCOBJ_WAIT */
	case 0xca: /* SYNCOBJ_TIMELINE_WAIT */
	case 0xcc: /* SYNCOBJ_TRANSFER: see cap_core_reclassify() */
		*pre_bytes = sizeof(struct vmb_drm_syncobj_transfer);
		return CAP_EXIT;
	case 0x0b: /* GEM_OPEN (flink import) */
		return CAP_RAW;
	default:
		return CAP_IGNORE;
	}
}

/*
 * sync_file ids are fd + 1 and stay below the largest trace id, which
 * names "not a sync_file" in an import that failed for that reason
 * (sync_file_get_fence: -EINVAL): no export ever makes it
 */
#define VMB_CAP_MAX_SYNC_FILE_FD 0xfffffd
#define VMB_CAP_NOT_A_SYNC_FILE 0xffffffu

/*
 * handles (+ optional points) of a syncobj array ioctl into b's syncs. The
 * arrays of a failed call are copied into one scratch buffer by cap_user(),
 * so the handles are consumed before the points are read.
 */
static bool add_sync_array(const struct cap_call *c, struct cap_build *b, uint64_t handles,
			   uint64_t points, uint32_t count)
{
	const uint32_t *h;
	uint32_t first = b->n_syncs;
	const uint64_t *p;

	if (c->pre_handles && c->pre_count == count && !points == !c->pre_points) {
		/* copied before the call (a signal): the program may free them at once */
		for (uint32_t i = 0; i < count; i++)
			cap_build_sync(b, c->pre_handles[i], c->pre_points ? c->pre_points[i] : 0);
		return true;
	}
	h = cap_user(c, handles, (size_t)count * 4);

	if (count && !h)
		return false;
	for (uint32_t i = 0; i < count; i++)
		cap_build_sync(b, h[i], 0);
	if (!points || !count)
		return true;
	p = cap_user(c, points, (size_t)count * 8);
	if (!p)
		return false;
	for (uint32_t i = 0; i < count && first + i < b->n_syncs; i++)
		b->syncs[first + i].point = p[i];
	return true;
}

/**
 * cap_core_decode() - turn a DRM core ioctl into an op
 * @c: the call
 * @b: builder
 *
 * Return: true when @b holds an op (or an export record)
 */
bool cap_core_decode(const struct cap_call *c, struct cap_build *b)
{
	struct vmb_op *op = &b->rec->op;

	switch (_IOC_NR(c->req)) {
	case 0x09: {
		const struct vmb_drm_gem_close *a = c->arg;

		if (c->size < sizeof(*a))
			return false;
		cap_op_init(b, VMB_OP_BO_CLOSE);
		op->u.bo.bo = a->handle;
		return true;
	}
	case 0x2d: {
		const struct vmb_drm_prime_handle *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		b->rec->kind = CAP_REC_EXPORT;
		op->kind = VMB_OP_BO_CREATE;
		op->u.bo.bo = a->handle;
		b->rec->aux = (uint64_t)a->fd;
		return true;
	}
	case 0xc1: {
		const struct vmb_drm_syncobj_handle *a = c->arg;

		if (c->size < 16)
			return false;
		if (a->flags == VMB_DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE) {
			cap_op_init(b, VMB_OP_SYNC_FILE_EXPORT);
			op->u.sync_file.syncobj = a->handle;
			if (!c->ret && a->fd >= 0 && a->fd < VMB_CAP_MAX_SYNC_FILE_FD) {
				cap_sync_file_mark(a->fd);
				op->u.sync_file.sync_file = (uint32_t)a->fd + 1;
			}
			return true;
		}
		if (c->ret || a->flags)
			return false;
		b->rec->kind = CAP_REC_EXPORT;
		op->kind = VMB_OP_SYNCOBJ_CREATE;
		op->u.syncobj.syncobj = a->handle;
		b->rec->aux = (uint64_t)a->fd;
		return true;
	}
	case 0x2e: {
		const struct vmb_drm_prime_handle *a = c->arg;
		off_t size;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		size = lseek(a->fd, 0, SEEK_END);
		if (size > 0)
			lseek(a->fd, 0, SEEK_SET);
		cap_op_init(b, VMB_OP_BO_CREATE);
		b->rec->flags |= CAP_REC_F_NEW_HANDLE;
		b->rec->aux = (uint64_t)a->fd;
		op->u.bo.bo = a->handle;
		op->u.bo.size = size > 0 ? (uint64_t)size : (uint64_t)sysconf(_SC_PAGESIZE);
		return true;
	}
	case 0xbf: {
		const struct vmb_drm_syncobj_create *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_SYNCOBJ_CREATE);
		op->u.syncobj.syncobj = a->handle;
		op->u.syncobj.signaled = a->flags & VMB_DRM_SYNCOBJ_CREATE_SIGNALED;
		return true;
	}
	case 0xc0: {
		const struct vmb_drm_syncobj_destroy *a = c->arg;

		if (c->size < sizeof(*a))
			return false;
		cap_op_init(b, VMB_OP_SYNCOBJ_DESTROY);
		op->u.syncobj.syncobj = a->handle;
		return true;
	}
	case 0xc2: {
		const struct vmb_drm_syncobj_handle *a = c->arg;

		if (c->size < 16)
			return false;
		if (a->flags == VMB_DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE) {
			cap_op_init(b, VMB_OP_SYNC_FILE_IMPORT);
			op->u.sync_file.syncobj = a->handle;
			if (cap_sync_file_is(a->fd))
				op->u.sync_file.sync_file = (uint32_t)a->fd + 1;
			else if (c->ret == -EINVAL)
				op->u.sync_file.sync_file = VMB_CAP_NOT_A_SYNC_FILE;
			return true;
		}
		if (c->ret || a->flags)
			return false;
		cap_op_init(b, VMB_OP_SYNCOBJ_CREATE);
		b->rec->flags |= CAP_REC_F_NEW_HANDLE;
		b->rec->aux = (uint64_t)a->fd;
		op->u.syncobj.syncobj = a->handle;
		return true;
	}
	case 0xc3: {
		const struct vmb_drm_syncobj_wait *a = c->arg;

		if (c->size < 32 || a->count_handles > UINT16_MAX)
			return false;
		cap_op_init(b, VMB_OP_WAIT);
		if (!add_sync_array(c, b, a->handles, 0, a->count_handles))
			return false;
		op->u.wait.n = (uint16_t)a->count_handles;
		op->u.wait.all = a->flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL;
		op->u.wait.timeout_ns = cap_rel_timeout(a->timeout_nsec, c->t_enter);
		return true;
	}
	case 0xca: {
		const struct vmb_drm_syncobj_timeline_wait *a = c->arg;

		if (c->size < 40 || a->count_handles > UINT16_MAX)
			return false;
		cap_op_init(b, VMB_OP_WAIT);
		if (!add_sync_array(c, b, a->handles, a->points, a->count_handles))
			return false;
		op->u.wait.n = (uint16_t)a->count_handles;
		op->u.wait.all = a->flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL;
		op->u.wait.timeout_ns = cap_rel_timeout(a->timeout_nsec, c->t_enter);
		return true;
	}
	case 0xc5: {
		const struct vmb_drm_syncobj_array *a = c->arg;

		if (c->size < sizeof(*a) || a->count_handles > UINT16_MAX)
			return false;
		cap_op_init(b, VMB_OP_SIGNAL);
		if (!add_sync_array(c, b, a->handles, 0, a->count_handles))
			return false;
		op->u.wait.n = (uint16_t)a->count_handles;
		return true;
	}
	case 0xcc: {
		const struct vmb_drm_syncobj_transfer *a = c->arg;

		if (c->size < sizeof(*a))
			return false;
		cap_op_init(b, VMB_OP_TRANSFER);
		cap_build_sync(b, a->src_handle, a->src_point);
		cap_build_sync(b, a->dst_handle, a->dst_point);
		if (a->flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT)
			op->u.transfer.flags = VMB_TRANSFER_F_WAIT_FOR_SUBMIT;
		return true;
	}
	case 0xc4: {
		const struct vmb_drm_syncobj_array *a = c->arg;
		const uint32_t *h;

		if (c->size < sizeof(*a) || !a->count_handles || a->count_handles > UINT16_MAX)
			return false;
		h = cap_user(c, a->handles, (size_t)a->count_handles * 4);
		if (!h)
			return false;
		cap_op_init(b, VMB_OP_SYNCOBJ_RESET);
		for (uint32_t i = 0; i < a->count_handles; i++)
			cap_build_id(b, h[i]);
		op->u.reset.n = a->count_handles;
		return true;
	}
	case 0xcd: {
		const struct vmb_drm_syncobj_timeline_array *a = c->arg;

		if (c->size < sizeof(*a) || a->count_handles > UINT16_MAX)
			return false;
		cap_op_init(b, VMB_OP_SIGNAL);
		if (!add_sync_array(c, b, a->handles, a->points, a->count_handles))
			return false;
		op->u.wait.n = (uint16_t)a->count_handles;
		return true;
	}
	}
	return false;
}

/* the arrays add_sync_array() reads, for a deferred decode */
static bool gather_sync_array(const struct cap_call *c, struct cap_raw_build *r, uint64_t handles,
			      uint64_t points, uint32_t count)
{
	if (c->pre_handles && c->pre_count == count && !points == !c->pre_points)
		return true; /* the copies made before the call travel with the record */
	if (!count || count > UINT16_MAX)
		return true; /* nothing read (or nothing decoded) */
	return cap_raw_array(r, handles, (size_t)count * 4) &&
	       (!points || cap_raw_array(r, points, (size_t)count * 8));
}

/**
 * cap_core_gather() - which core ioctls cap_core_decode() can decode on the
 * writer thread, and the arrays it reads (struct cap_decoder.gather). The
 * exports and imports stay immediate: a sync_file export marks the fd, an
 * import reads that mark, and a dma-buf import asks the fd for its size.
 */
bool cap_core_gather(const struct cap_call *c, struct cap_raw_build *r)
{
	switch (_IOC_NR(c->req)) {
	case 0x09: /* GEM_CLOSE */
	case 0xbf: /* SYNCOBJ_CREATE */
	case 0xc0: /* SYNCOBJ_DESTROY */
	case 0xcc: /* SYNCOBJ_TRANSFER */
		return true;
	case 0xc3: { /* SYNCOBJ_WAIT */
		const struct vmb_drm_syncobj_wait *a = c->arg;

		return c->size < 32 || gather_sync_array(c, r, a->handles, 0, a->count_handles);
	}
	case 0xca: { /* SYNCOBJ_TIMELINE_WAIT */
		const struct vmb_drm_syncobj_timeline_wait *a = c->arg;

		return c->size < 40 ||
		       gather_sync_array(c, r, a->handles, a->points, a->count_handles);
	}
	case 0xc4:   /* SYNCOBJ_RESET */
	case 0xc5: { /* SYNCOBJ_SIGNAL */
		const struct vmb_drm_syncobj_array *a = c->arg;

		return c->size < sizeof(*a) ||
		       gather_sync_array(c, r, a->handles, 0, a->count_handles);
	}
	case 0xcd: { /* SYNCOBJ_TIMELINE_SIGNAL */
		const struct vmb_drm_syncobj_timeline_array *a = c->arg;

		return c->size < sizeof(*a) ||
		       gather_sync_array(c, r, a->handles, a->points, a->count_handles);
	}
	}
	return false;
}
