// SPDX-License-Identifier: MIT
/*
 * decode_msm.c - Qualcomm msm ioctls into trace ops.
 *
 * msm has one VM per open file; in VM_BIND mode (SET_PARAM EN_VM_BIND=1,
 * 6.17+) userspace manages it. Without VM_BIND the kernel assigns iovas
 * and the trace only sees BOs, queues and submits.
 *
 *   SET_PARAM EN_VM_BIND -> vm_create of the file's VM
 *   GEM_NEW -> bo_create (NO_SHARE -> private to the VM, SCANOUT flag)
 *   SUBMITQUEUE_NEW/CLOSE -> queue_create/destroy (VM_BIND queues have
 *     engine "bind", others "render"); the default queue 0 that exists
 *     without SUBMITQUEUE_NEW is created in the trace on first use
 *   VM_BIND -> one bind with every op: MAP -> map ("dumpable" for
 *     OP_DUMP), MAP_NULL -> map_null, UNMAP -> unmap; in/out syncobjs
 *   GEM_SUBMIT -> submit: queue, BO table (legacy mode), syncobjs when
 *     SYNCOBJ_IN/OUT are set
 * sync_file fds (FENCE_FD_IN/OUT) have no trace form: x_fence_fd.
 * Ignored: GET_PARAM, GEM_INFO, GEM_CPU_PREP/FINI, WAIT_FENCE, GEM_MADVISE,
 * SUBMITQUEUE_QUERY.
 */
#include <errno.h>

#include "capture.h"
#include "uapi/msm.h"

/* nr of ioctls the decoder only needs to know exist */
#define MSM_GEM_INFO 0x03
#define MSM_GEM_CPU_PREP 0x04
#define MSM_GEM_CPU_FINI 0x05
#define MSM_WAIT_FENCE 0x07
#define MSM_GEM_MADVISE 0x08
#define MSM_SUBMITQUEUE_QUERY 0x0c
/*
 * The submit BO table element (flags, handle, presumed iova: 16 bytes) is
 * not in uapi/msm.h; only its handle at offset 4 is read here.
 */
#define MSM_SUBMIT_BO_SIZE 16
#define MSM_SUBMIT_BO_HANDLE 4

static enum cap_class msm_classify(unsigned long req, uint32_t *pre_bytes)
{
	(void)pre_bytes;
	switch (_IOC_NR(req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_MSM_SET_PARAM:
	case VMB_DRM_MSM_GEM_NEW:
	case VMB_DRM_MSM_SUBMITQUEUE_NEW:
		return CAP_ORDERED;
	case VMB_DRM_MSM_SUBMITQUEUE_CLOSE:
	case VMB_DRM_MSM_VM_BIND:
		return CAP_ORDERED;
	case VMB_DRM_MSM_GEM_SUBMIT:
		return CAP_ENTER;
	case VMB_DRM_MSM_GET_PARAM:
	case MSM_GEM_INFO:
	case MSM_GEM_CPU_PREP:
	case MSM_GEM_CPU_FINI:
	case MSM_WAIT_FENCE:
	case MSM_GEM_MADVISE:
	case MSM_SUBMITQUEUE_QUERY:
		return CAP_IGNORE;
	default:
		return CAP_RAW;
	}
}

static bool msm_syncs(const struct cap_call *c, struct cap_build *b, uint64_t ptr, uint32_t n,
		      uint32_t stride)
{
	const char *base;

	if (!n)
		return true;
	if (stride < sizeof(struct vmb_msm_syncobj) || n > UINT16_MAX)
		return false;
	base = cap_user(c, ptr, (size_t)n * stride);
	if (!base)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		const struct vmb_msm_syncobj *s = (const void *)(base + (size_t)i * stride);

		cap_build_sync(b, s->handle, s->point);
	}
	return true;
}

static bool msm_bind(const struct cap_call *c, struct cap_build *b)
{
	const struct vmb_msm_vm_bind *a = c->arg;
	struct vmb_op *op = &b->rec->op;
	const char *base;
	uint32_t stride;

	if (c->size < sizeof(*a) || a->nr_ops > UINT16_MAX)
		return false;
	stride = a->op_stride;
	if (a->nr_ops == 1) {
		base = (const char *)&a->op;
		stride = sizeof(a->op);
	} else {
		if (stride < sizeof(struct vmb_msm_vm_bind_op))
			return false;
		base = cap_user(c, a->ops, (size_t)a->nr_ops * stride);
		if (a->nr_ops && !base)
			return false;
	}
	cap_op_init(b, VMB_OP_BIND);
	op->u.bind.vm = CAP_IMPLICIT_VM;
	op->u.bind.queue = a->queue_id;
	for (uint32_t i = 0; i < a->nr_ops; i++) {
		const struct vmb_msm_vm_bind_op *o = (const void *)(base + (size_t)i * stride);
		struct vmb_bind_entry *e = cap_build_bind(b);

		e->va = o->iova;
		e->range = o->range;
		switch (o->op) {
		case VMB_MSM_VM_BIND_OP_MAP:
			e->kind = VMB_BIND_MAP;
			e->bo = o->handle;
			e->offset = o->obj_offset;
			if (o->flags & VMB_MSM_VM_BIND_OP_DUMP)
				e->flags |= VMB_BIND_F_DUMPABLE;
			break;
		case VMB_MSM_VM_BIND_OP_MAP_NULL:
			e->kind = VMB_BIND_MAP_NULL;
			break;
		case VMB_MSM_VM_BIND_OP_UNMAP:
			e->kind = VMB_BIND_UNMAP;
			break;
		default:
			return false;
		}
	}
	op->u.bind.n_binds = b->n_binds;
	if (!msm_syncs(c, b, a->in_syncobjs, a->nr_in_syncobjs, a->syncobj_stride) ||
	    !msm_syncs(c, b, a->out_syncobjs, a->nr_out_syncobjs, a->syncobj_stride))
		return false;
	op->u.bind.n_in = (uint16_t)a->nr_in_syncobjs;
	op->u.bind.n_out = (uint16_t)a->nr_out_syncobjs;
	if (a->flags & (VMB_MSM_VM_BIND_FENCE_FD_IN | VMB_MSM_VM_BIND_FENCE_FD_OUT))
		b->rec->flags |= CAP_REC_F_FENCE_FD;
	return true;
}

static bool msm_submit(const struct cap_call *c, struct cap_build *b)
{
	const struct vmb_msm_gem_submit *a = c->arg;
	struct vmb_op *op = &b->rec->op;
	uint32_t n_in = 0, n_out = 0;

	if (c->size < sizeof(*a) || a->nr_bos > (1u << 20))
		return false;
	cap_op_init(b, VMB_OP_SUBMIT);
	op->u.submit.queue = a->queueid;
	if (a->nr_bos) {
		const char *bos = cap_user(c, a->bos, (size_t)a->nr_bos * MSM_SUBMIT_BO_SIZE);

		if (!bos)
			return false;
		for (uint32_t i = 0; i < a->nr_bos; i++)
			cap_build_id(b, *(const uint32_t *)(bos + (size_t)i * MSM_SUBMIT_BO_SIZE +
							    MSM_SUBMIT_BO_HANDLE));
		op->u.submit.n_bos = a->nr_bos;
	}
	if (a->flags & VMB_MSM_SUBMIT_SYNCOBJ_IN) {
		if (!msm_syncs(c, b, a->in_syncobjs, a->nr_in_syncobjs, a->syncobj_stride))
			return false;
		n_in = a->nr_in_syncobjs;
	}
	if (a->flags & VMB_MSM_SUBMIT_SYNCOBJ_OUT) {
		if (!msm_syncs(c, b, a->out_syncobjs, a->nr_out_syncobjs, a->syncobj_stride))
			return false;
		n_out = a->nr_out_syncobjs;
	}
	op->u.submit.n_in = (uint16_t)n_in;
	op->u.submit.n_out = (uint16_t)n_out;
	if (a->flags & (VMB_MSM_SUBMIT_FENCE_FD_IN | VMB_MSM_SUBMIT_FENCE_FD_OUT))
		b->rec->flags |= CAP_REC_F_FENCE_FD;
	return true;
}

static bool msm_decode(const struct cap_call *c, struct cap_build *b)
{
	struct vmb_op *op = &b->rec->op;

	switch (_IOC_NR(c->req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_MSM_SET_PARAM: {
		const struct vmb_msm_param *a = c->arg;

		if (c->size < sizeof(*a) || c->ret || a->param != VMB_MSM_PARAM_EN_VM_BIND ||
		    !a->value)
			return false;
		cap_op_init(b, VMB_OP_VM_CREATE);
		op->u.vm_create.vm = CAP_IMPLICIT_VM;
		return true;
	}
	case VMB_DRM_MSM_GEM_NEW: {
		const struct vmb_msm_gem_new *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_BO_CREATE);
		op->u.bo.bo = a->handle;
		op->u.bo.size = a->size;
		if (a->flags & VMB_MSM_BO_NO_SHARE)
			op->u.bo.vm = CAP_IMPLICIT_VM;
		if (a->flags & VMB_MSM_BO_SCANOUT)
			op->u.bo.flags |= VMB_BO_F_SCANOUT;
		return true;
	}
	case VMB_DRM_MSM_SUBMITQUEUE_NEW: {
		const struct vmb_msm_submitqueue *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_QUEUE_CREATE);
		op->u.queue.queue = a->id;
		op->u.queue.vm = CAP_IMPLICIT_VM;
		op->u.queue.engine =
		    a->flags & VMB_MSM_SUBMITQUEUE_VM_BIND ? VMB_ENGINE_BIND : VMB_ENGINE_RENDER;
		return true;
	}
	case VMB_DRM_MSM_SUBMITQUEUE_CLOSE: {
		const uint32_t *id = c->arg;

		if (c->size < sizeof(*id))
			return false;
		cap_op_init(b, VMB_OP_QUEUE_DESTROY);
		op->u.queue.queue = *id;
		return true;
	}
	case VMB_DRM_MSM_VM_BIND:
		return msm_bind(c, b);
	case VMB_DRM_MSM_GEM_SUBMIT:
		return msm_submit(c, b);
	}
	return false;
}

/* the syncobj array msm_syncs() reads */
static bool msm_gather_syncs(struct cap_raw_build *r, uint64_t ptr, uint32_t n, uint32_t stride)
{
	if (!n || stride < sizeof(struct vmb_msm_syncobj) || n > UINT16_MAX)
		return true;
	return cap_raw_array(r, ptr, (size_t)n * stride);
}

/* the arrays msm_decode() reads, for a deferred decode (struct cap_decoder.gather) */
static bool msm_gather(const struct cap_call *c, struct cap_raw_build *r)
{
	switch (_IOC_NR(c->req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_MSM_SET_PARAM:
	case VMB_DRM_MSM_GEM_NEW:
	case VMB_DRM_MSM_SUBMITQUEUE_NEW:
	case VMB_DRM_MSM_SUBMITQUEUE_CLOSE:
		return true;
	case VMB_DRM_MSM_VM_BIND: {
		const struct vmb_msm_vm_bind *a = c->arg;

		if (c->size < sizeof(*a) || a->nr_ops > UINT16_MAX)
			return true;
		if (a->nr_ops > 1 && a->op_stride >= sizeof(struct vmb_msm_vm_bind_op) &&
		    !cap_raw_array(r, a->ops, (size_t)a->nr_ops * a->op_stride))
			return false;
		return msm_gather_syncs(r, a->in_syncobjs, a->nr_in_syncobjs, a->syncobj_stride) &&
		       msm_gather_syncs(r, a->out_syncobjs, a->nr_out_syncobjs, a->syncobj_stride);
	}
	case VMB_DRM_MSM_GEM_SUBMIT: {
		const struct vmb_msm_gem_submit *a = c->arg;

		if (c->size < sizeof(*a) || a->nr_bos > (1u << 20))
			return true;
		if (a->nr_bos && !cap_raw_array(r, a->bos, (size_t)a->nr_bos * MSM_SUBMIT_BO_SIZE))
			return false;
		return (!(a->flags & VMB_MSM_SUBMIT_SYNCOBJ_IN) ||
			msm_gather_syncs(r, a->in_syncobjs, a->nr_in_syncobjs,
					 a->syncobj_stride)) &&
		       (!(a->flags & VMB_MSM_SUBMIT_SYNCOBJ_OUT) ||
			msm_gather_syncs(r, a->out_syncobjs, a->nr_out_syncobjs,
					 a->syncobj_stride));
	}
	}
	return false;
}

const struct cap_decoder cap_decoder_msm = {
    .name = "msm",
    .driver = VMB_DRIVER_MSM,
    .classify = msm_classify,
    .decode = msm_decode,
    .gather = msm_gather,
};
