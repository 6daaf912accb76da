// SPDX-License-Identifier: MIT
/*
 * test_uapi_sys.c - where the system's libdrm headers carry a struct or an
 * ioctl that replay/uapi/ also defines, the two must agree (size, field
 * offsets, ioctl number). bookworm's headers are older than ours: amdgpu's
 * GEM_VA is the 40-byte form, SYNCOBJ_WAIT the 32-byte one, and
 * drm_syncobj_handle / drm_msm_param lack their newer tail fields. For a
 * struct that grew, the older header must be a prefix of ours (same offsets,
 * smaller size) and the ioctl numbers must agree except for the size bits:
 * the kernel accepts both sizes (drm_ioctl zero-fills the tail).
 */
#include <stddef.h>

#include "harness.h"

#include <drm.h>
#include <amdgpu_drm.h>
#include <msm_drm.h>
#include <nouveau_drm.h>

#include "uapi/amdgpu.h"
#include "uapi/drm_core.h"
#include "uapi/msm.h"
#include "uapi/nouveau.h"

#define SAME_SIZE(ours, theirs) CHECK_INT(sizeof(struct ours), sizeof(struct theirs))
#define SAME_OFF(ours, theirs, f) CHECK_INT(offsetof(struct ours, f), offsetof(struct theirs, f))
/* a struct that grew after the system header was written */
#define GREW(ours, theirs) CHECK(sizeof(struct ours) > sizeof(struct theirs))
#define SAME_NR(a, b)                                                                              \
	CHECK_U64((a) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT),                                        \
		  (b) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

TEST(core)
{
	SAME_SIZE(vmb_drm_version, drm_version);
	SAME_OFF(vmb_drm_version, drm_version, desc);
	SAME_SIZE(vmb_drm_prime_handle, drm_prime_handle);
	if (sizeof(struct drm_syncobj_handle) == 16) /* before the timeline point */
		GREW(vmb_drm_syncobj_handle, drm_syncobj_handle);
	else
		SAME_SIZE(vmb_drm_syncobj_handle, drm_syncobj_handle);
	SAME_OFF(vmb_drm_syncobj_handle, drm_syncobj_handle, fd);
	SAME_NR(VMB_DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD);
	SAME_SIZE(vmb_drm_syncobj_transfer, drm_syncobj_transfer);
	SAME_OFF(vmb_drm_syncobj_transfer, drm_syncobj_transfer, dst_point);
	SAME_SIZE(vmb_drm_syncobj_timeline_array, drm_syncobj_timeline_array);
	SAME_OFF(vmb_drm_syncobj_timeline_array, drm_syncobj_timeline_array, flags);
	SAME_OFF(vmb_drm_syncobj_wait, drm_syncobj_wait, first_signaled);
	SAME_OFF(vmb_drm_syncobj_timeline_wait, drm_syncobj_timeline_wait, first_signaled);
	CHECK_U64(VMB_DRM_IOCTL_VERSION, DRM_IOCTL_VERSION);
	CHECK_U64(VMB_DRM_IOCTL_GEM_CLOSE, DRM_IOCTL_GEM_CLOSE);
	CHECK_U64(VMB_DRM_IOCTL_GET_CAP, DRM_IOCTL_GET_CAP);
	CHECK_U64(VMB_DRM_IOCTL_PRIME_HANDLE_TO_FD, DRM_IOCTL_PRIME_HANDLE_TO_FD);
	CHECK_U64(VMB_DRM_IOCTL_SYNCOBJ_CREATE, DRM_IOCTL_SYNCOBJ_CREATE);
	CHECK_U64(VMB_DRM_IOCTL_SYNCOBJ_TRANSFER, DRM_IOCTL_SYNCOBJ_TRANSFER);
	CHECK_U64(VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL);
	CHECK_U64(VMB_DRM_IOCTL_SYNCOBJ_QUERY, DRM_IOCTL_SYNCOBJ_QUERY);
	/* libdrm 2.4.114 predates deadline_nsec: its numbers are our _OLD ones */
	if (sizeof(struct drm_syncobj_wait) == 32) {
		CHECK_U64(VMB_DRM_IOCTL_SYNCOBJ_WAIT_OLD, DRM_IOCTL_SYNCOBJ_WAIT);
		CHECK_U64(VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT_OLD, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT);
	} else {
		CHECK_U64(VMB_DRM_IOCTL_SYNCOBJ_WAIT, DRM_IOCTL_SYNCOBJ_WAIT);
	}
}

TEST(amdgpu)
{
	SAME_SIZE(vmb_amdgpu_gem_create_in, drm_amdgpu_gem_create_in);
	SAME_OFF(vmb_amdgpu_gem_create_in, drm_amdgpu_gem_create_in, domain_flags);
	SAME_SIZE(vmb_amdgpu_gem_userptr, drm_amdgpu_gem_userptr);
	SAME_OFF(vmb_amdgpu_gem_userptr, drm_amdgpu_gem_userptr, handle);
	SAME_SIZE(vmb_amdgpu_cs_chunk_ib, drm_amdgpu_cs_chunk_ib);
	SAME_OFF(vmb_amdgpu_cs_chunk_ib, drm_amdgpu_cs_chunk_ib, ip_type);
	SAME_SIZE(vmb_amdgpu_cs_chunk, drm_amdgpu_cs_chunk);
	SAME_SIZE(vmb_amdgpu_cs_chunk_syncobj, drm_amdgpu_cs_chunk_syncobj);
	SAME_SIZE(vmb_amdgpu_bo_list_in, drm_amdgpu_bo_list_in);
	SAME_SIZE(vmb_amdgpu_info, drm_amdgpu_info);
	SAME_OFF(vmb_amdgpu_info, drm_amdgpu_info, query);
	SAME_OFF(vmb_amdgpu_gem_va, drm_amdgpu_gem_va, map_size);
	CHECK_U64(VMB_DRM_IOCTL_AMDGPU_GEM_CREATE, DRM_IOCTL_AMDGPU_GEM_CREATE);
	CHECK_U64(VMB_DRM_IOCTL_AMDGPU_CS, DRM_IOCTL_AMDGPU_CS);
	CHECK_U64(VMB_DRM_IOCTL_AMDGPU_INFO, DRM_IOCTL_AMDGPU_INFO);
	CHECK_U64(VMB_DRM_IOCTL_AMDGPU_GEM_USERPTR, DRM_IOCTL_AMDGPU_GEM_USERPTR);
	if (sizeof(struct drm_amdgpu_gem_va) == VMB_AMDGPU_GEM_VA_SIZE_OLD)
		CHECK_U64(VMB_DRM_IOCTL_AMDGPU_GEM_VA_OLD, DRM_IOCTL_AMDGPU_GEM_VA);
	else
		CHECK_U64(VMB_DRM_IOCTL_AMDGPU_GEM_VA, DRM_IOCTL_AMDGPU_GEM_VA);
	CHECK_INT(VMB_AMDGPU_VM_PAGE_PRT, AMDGPU_VM_PAGE_PRT);
	CHECK_INT(VMB_AMDGPU_VM_MTYPE_UC, AMDGPU_VM_MTYPE_UC);
	CHECK_INT(VMB_AMDGPU_VA_OP_REPLACE, AMDGPU_VA_OP_REPLACE);
}

TEST(nouveau_msm_old_parts)
{
	SAME_SIZE(vmb_nouveau_channel_alloc, drm_nouveau_channel_alloc);
	SAME_OFF(vmb_nouveau_channel_alloc, drm_nouveau_channel_alloc, nr_subchan);
	SAME_SIZE(vmb_nouveau_gem_info, drm_nouveau_gem_info);
	SAME_SIZE(vmb_nouveau_gem_new, drm_nouveau_gem_new);
	if (sizeof(struct drm_msm_param) == 16) /* before len */
		GREW(vmb_msm_param, drm_msm_param);
	else
		SAME_SIZE(vmb_msm_param, drm_msm_param);
	SAME_OFF(vmb_msm_param, drm_msm_param, value);
	SAME_SIZE(vmb_msm_gem_new, drm_msm_gem_new);
	/* GEM_INFO grew: {handle, flags, offset} became {handle, info, value, len} */
	CHECK(sizeof(struct vmb_msm_gem_info) >= sizeof(struct drm_msm_gem_info));
	CHECK_INT(offsetof(struct vmb_msm_gem_info, info),
		  offsetof(struct drm_msm_gem_info, flags));
	CHECK_INT(offsetof(struct vmb_msm_gem_info, value),
		  offsetof(struct drm_msm_gem_info, offset));
	SAME_NR(VMB_DRM_IOCTL_MSM_GEM_INFO, DRM_IOCTL_MSM_GEM_INFO);
	SAME_SIZE(vmb_msm_submitqueue, drm_msm_submitqueue);
	SAME_SIZE(vmb_msm_gem_submit_cmd, drm_msm_gem_submit_cmd);
	SAME_NR(VMB_DRM_IOCTL_MSM_GET_PARAM, DRM_IOCTL_MSM_GET_PARAM);
	CHECK_U64(VMB_DRM_IOCTL_MSM_GEM_NEW, DRM_IOCTL_MSM_GEM_NEW);
	CHECK_U64(VMB_DRM_IOCTL_MSM_SUBMITQUEUE_NEW, DRM_IOCTL_MSM_SUBMITQUEUE_NEW);
	CHECK_INT(VMB_MSM_BO_WC, MSM_BO_WC);
}

int main(void)
{
	RUN(core);
	RUN(amdgpu);
	RUN(nouveau_msm_old_parts);
	return TEST_SUMMARY();
}
