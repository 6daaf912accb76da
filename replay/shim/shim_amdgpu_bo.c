// SPDX-License-Identifier: MIT
/*
 * shim_amdgpu_bo.c - the amdgpu ioctls around BOs, fences and scheduling
 * that hold no VM state: BO_LIST, GEM_OP, GEM_METADATA, GEM_WAIT_IDLE,
 * WAIT_FENCES, VM (VMID reservation), FENCE_TO_HANDLE and SCHED, with the
 * argument checks and errnos of amdgpu_bo_list.c, amdgpu_gem.c, amdgpu_cs.c,
 * amdgpu_vm.c and amdgpu_sched.c. Jobs finish when they are submitted, so
 * every wait is satisfied at once and every fence handed out is signaled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shim_amdgpu.h"
#include "shim_priv.h"
#include "uapi/amdgpu.h"

#define AMD_PAGE 4096ull
#define AMD_HW_IP_NUM 10 /* AMDGPU_HW_IP_NUM (VPE is 9) */
#define AMD_GEM_DOMAIN_CPU 0x1
#define AMD_GEM_DOMAIN_GTT 0x2
#define AMD_GEM_DOMAIN_VRAM 0x4

void shim_bo_list_free(struct shim_bo_list *l)
{
	uint32_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		shim_bo_unref(l->bos[i]);
	free(l->bos);
	free(l);
}

/*
 * amdgpu_bo_create_list_entry_array() and amdgpu_bo_list_create(): entries
 * of bo_info_size bytes (shorter or longer than ours), each naming a GEM
 * handle of the file; a list holds a reference to every BO.
 */
static int bo_list_create(struct shim_file *f, const struct vmb_amdgpu_bo_list_in *in,
			  struct shim_bo_list **out)
{
	uint32_t sz = in->bo_info_size, i;
	const uint8_t *p = shim_user(in->bo_info_ptr, (uint64_t)in->bo_number * sz, false);
	struct shim_bo_list *l;

	if (in->bo_number > (1u << 20))
		return -EINVAL;
	if (in->bo_number && !p)
		return -EFAULT;
	l = calloc(1, sizeof(*l));
	if (!l || !(l->bos = calloc(in->bo_number + 1, sizeof(*l->bos)))) {
		free(l);
		return -ENOMEM;
	}
	for (i = 0; i < in->bo_number; i++) {
		struct vmb_amdgpu_bo_list_entry e = {0};
		struct shim_bo *bo;

		memcpy(&e, p + (size_t)i * sz, sz < sizeof(e) ? sz : sizeof(e));
		bo = shim_bo_get(f, e.bo_handle);
		if (!bo) {
			shim_bo_list_free(l);
			return -ENOENT;
		}
		bo->refs++;
		l->bos[l->n++] = bo;
	}
	*out = l;
	return 0;
}

int shim_amdgpu_bo_list(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_bo_list *a = arg;
	struct shim_bo_list *l = NULL;
	uint32_t handle = a->in.list_handle;
	void **slot;
	int ret;

	switch (a->in.operation) {
	case VMB_AMDGPU_BO_LIST_OP_CREATE:
		ret = bo_list_create(f, &a->in, &l);
		if (ret)
			return ret;
		handle = shim_table_add(&f->bo_lists, l);
		if (!handle) {
			shim_bo_list_free(l);
			return -ENOMEM;
		}
		break;
	case VMB_AMDGPU_BO_LIST_OP_DESTROY:
		/* amdgpu_bo_list_destroy: an unknown handle is no error */
		shim_bo_list_free(shim_table_remove(&f->bo_lists, handle));
		break;
	case VMB_AMDGPU_BO_LIST_OP_UPDATE:
		ret = bo_list_create(f, &a->in, &l);
		if (ret)
			return ret;
		if (!shim_table_get(&f->bo_lists, handle)) {
			shim_bo_list_free(l);
			return -ENOENT; /* idr_replace */
		}
		slot = &f->bo_lists.p[handle];
		shim_bo_list_free(*slot);
		*slot = l;
		break;
	default:
		return -EINVAL;
	}
	memset(a, 0, sizeof(*a));
	a->out.list_handle = handle;
	return 0;
}

int shim_amdgpu_bo_list_ids(struct shim_file *f, uint32_t handle, uint32_t **ids, uint32_t *n)
{
	const struct shim_bo_list *l = shim_table_get(&f->bo_lists, handle);
	uint32_t i;

	if (!l)
		return -ENOENT;
	*ids = calloc(l->n + 1, sizeof(**ids));
	if (!*ids)
		return -ENOMEM;
	for (*n = 0, i = 0; i < l->n; i++)
		if (!l->bos[i]->userptr) /* userptr pages are the model's userptr ranges */
			(*ids)[(*n)++] = l->bos[i]->id;
	return 0;
}

int shim_amdgpu_gem_op(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_amdgpu_gem_op *o = arg;
	struct shim_bo *bo = shim_bo_get(f, o->handle);

	if (!bo)
		return -ENOENT;
	switch (o->op) {
	case VMB_AMDGPU_GEM_OP_GET_GEM_CREATE_INFO: {
		struct vmb_amdgpu_gem_create_in *info = shim_user(o->value, sizeof(*info), true);

		if (!info)
			return -EFAULT;
		info->bo_size = bo->size;
		info->alignment = bo->alignment;
		info->domains = bo->domains;
		info->domain_flags = bo->domain_flags;
		return 0;
	}
	case VMB_AMDGPU_GEM_OP_SET_PLACEMENT:
		if (bo->userptr)
			return -EPERM; /* amdgpu_ttm_tt_get_usermm */
		bo->domains =
		    o->value & (AMD_GEM_DOMAIN_VRAM | AMD_GEM_DOMAIN_GTT | AMD_GEM_DOMAIN_CPU);
		return 0;
	default:
		return -EINVAL;
	}
}

int shim_amdgpu_gem_metadata(struct shim_file *f, unsigned long req, void *arg)
{
	struct vmb_amdgpu_gem_metadata *m = arg;
	struct shim_bo *bo = shim_bo_get(f, m->handle);
	uint32_t size = m->data.data_size_bytes;
	void *blob;

	if (!bo)
		return -ENOENT;
	switch (m->op) {
	case VMB_AMDGPU_GEM_METADATA_OP_GET_METADATA:
		m->data.tiling_info = bo->tiling;
		if (bo->metadata_size > sizeof(m->data.data))
			return -EINVAL;
		memcpy(m->data.data, bo->metadata, bo->metadata_size);
		m->data.data_size_bytes = bo->metadata_size;
		m->data.flags = bo->metadata_flags;
		return 0;
	case VMB_AMDGPU_GEM_METADATA_OP_SET_METADATA:
		if (size > sizeof(m->data.data))
			return -EINVAL;
		bo->tiling = m->data.tiling_info; /* gfx9+: no TILE_SPLIT check */
		if (!size) {			  /* amdgpu_bo_set_metadata: size 0 clears */
			free(bo->metadata);
			bo->metadata = NULL;
			bo->metadata_size = 0;
			bo->metadata_flags = 0;
			return 0;
		}
		blob = malloc(size);
		if (!blob)
			return -ENOMEM;
		memcpy(blob, m->data.data, size);
		free(bo->metadata);
		bo->metadata = blob;
		bo->metadata_size = size;
		bo->metadata_flags = m->data.flags;
		return 0;
	default:
		return -EPERM; /* amdgpu_gem_metadata_ioctl: r = -1 */
	}
}

int shim_amdgpu_gem_wait_idle(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_gem_wait_idle *w = arg;

	if (!shim_bo_get(f, w->in.handle))
		return -ENOENT;
	memset(w, 0, sizeof(*w));
	w->out.status = 0; /* idle: every job finished at submission */
	return 0;
}

/* amdgpu_cs_get_fence(): the context, the ring and a sequence number issued */
static int fence_check(struct shim_file *f, const struct vmb_amdgpu_fence *fe)
{
	if (!shim_table_get(&f->queues, fe->ctx_id))
		return -EINVAL;
	if (fe->ip_type >= AMD_HW_IP_NUM || fe->ip_instance)
		return -EINVAL;
	if (fe->seq_no > f->cs_seq)
		return -EINVAL;
	return 0;
}

int shim_amdgpu_wait_fences(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_wait_fences *w = arg;
	const struct vmb_amdgpu_fence *fences =
	    shim_user(w->in.fences, (uint64_t)w->in.fence_count * sizeof(*fences), false);
	uint32_t i;
	int ret;

	if (!fences)
		return -EFAULT;
	for (i = 0; i < w->in.fence_count; i++) {
		ret = fence_check(f, &fences[i]);
		if (ret)
			return ret;
	}
	memset(w, 0, sizeof(*w));
	w->out.status = 1; /* all signaled; the first is fence 0 */
	return 0;
}

int shim_amdgpu_vm(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_vm *v = arg;

	if (v->in.flags)
		return -EINVAL; /* no valid flags defined yet */
	switch (v->in.op) {
	case VMB_AMDGPU_VM_OP_RESERVE_VMID:
	case VMB_AMDGPU_VM_OP_UNRESERVE_VMID:
		memset(v, 0, sizeof(*v));
		return 0; /* one VMID per VM on the shim: nothing to reserve */
	default:
		return -EINVAL;
	}
}

int shim_amdgpu_fence_to_handle(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_fence_to_handle *t = arg;
	uint32_t what = t->in.what, h;
	int ret, fd;

	ret = fence_check(f, &t->in.fence);
	if (ret)
		return ret;
	switch (what) {
	case VMB_AMDGPU_FENCE_TO_HANDLE_GET_SYNCOBJ:
	case VMB_AMDGPU_FENCE_TO_HANDLE_GET_SYNCOBJ_FD:
		break;
	case VMB_AMDGPU_FENCE_TO_HANDLE_GET_SYNC_FILE_FD:
		return -EOPNOTSUPP; /* sync_file is not modelled */
	default:
		return -EINVAL;
	}
	ret = shim_syncobj_new(f, true, &h); /* the job is done: a signaled fence */
	if (ret)
		return ret;
	memset(t, 0, sizeof(*t));
	if (what == VMB_AMDGPU_FENCE_TO_HANDLE_GET_SYNCOBJ) {
		t->out.handle = h;
		return 0;
	}
	fd = shim_syncobj_export(f, h);
	shim_syncobj_release(f, h); /* drm_syncobj_get_fd keeps no handle */
	if (fd < 0)
		return fd;
	t->out.handle = (uint32_t)fd;
	return 0;
}

static bool priority_is_valid(int32_t p)
{
	return p == -2048 || p == -1023 || p == -512 || p == 0 || p == 512 || p == 1023;
}

int shim_amdgpu_sched(struct shim_file *f, unsigned long req, void *arg)
{
	union vmb_amdgpu_sched *s = arg;
	void *obj;

	if (f->minor != 0)
		return -EACCES; /* DRM_MASTER only (drm_ioctl_permit) */
	if (!priority_is_valid(s->in.priority))
		return -EINVAL;
	switch (s->in.op) {
	case VMB_AMDGPU_SCHED_OP_PROCESS_PRIORITY_OVERRIDE:
		return shim_fd_get((int)s->in.fd, &obj) == SHIM_FD_FILE ? 0 : -EINVAL;
	case VMB_AMDGPU_SCHED_OP_CONTEXT_PRIORITY_OVERRIDE:
		if (shim_fd_get((int)s->in.fd, &obj) != SHIM_FD_FILE)
			return -EINVAL;
		return shim_table_get(&((struct shim_file *)obj)->queues, s->in.ctx_id) ? 0
											: -EINVAL;
	default:
		return -EINVAL;
	}
}
