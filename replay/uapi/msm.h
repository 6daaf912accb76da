/* SPDX-License-Identifier: MIT */
/*
 * msm.h - ABI-exact definitions of the msm uAPI vmbench uses: the VM_BIND
 * mode (SET_PARAM EN_VM_BIND, VM_BIND submitqueues, VM_BIND with inline or
 * array ops) and GEM_NEW / GEM_SUBMIT with syncobj arrays. bookworm's libdrm
 * copy has neither VM_BIND nor the 5.8 syncobj submit flags.
 */
#ifndef VMB_UAPI_MSM_H
#define VMB_UAPI_MSM_H

#include "drm_core.h"

#define VMB_MSM_PIPE_3D0 0x10

struct vmb_msm_param {
	uint32_t pipe;
	uint32_t param;
	uint64_t value;
	uint32_t len;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_msm_param, 24);
VMB_UAPI_OFF(vmb_msm_param, param, 4);
VMB_UAPI_OFF(vmb_msm_param, value, 8);
VMB_UAPI_OFF(vmb_msm_param, len, 16);
#define VMB_MSM_PARAM_VA_START 0x0e
#define VMB_MSM_PARAM_VA_SIZE 0x0f
#define VMB_MSM_PARAM_HAS_PRR 0x15
#define VMB_MSM_PARAM_EN_VM_BIND 0x16

struct vmb_msm_gem_new {
	uint64_t size;
	uint32_t flags;
	uint32_t handle;
};
VMB_UAPI_SIZE(vmb_msm_gem_new, 16);
VMB_UAPI_OFF(vmb_msm_gem_new, flags, 8);
VMB_UAPI_OFF(vmb_msm_gem_new, handle, 12);
#define VMB_MSM_BO_SCANOUT 0x00000001
#define VMB_MSM_BO_GPU_READONLY 0x00000002
#define VMB_MSM_BO_NO_SHARE 0x00000004
#define VMB_MSM_BO_CACHED 0x00010000
#define VMB_MSM_BO_WC 0x00020000
#define VMB_MSM_BO_UNCACHED 0x00040000

/** struct vmb_msm_gem_info - GEM_INFO; info 0 (GET_OFFSET) returns the mmap offset */
struct vmb_msm_gem_info {
	uint32_t handle;
	uint32_t info;
	uint64_t value;
	uint32_t len;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_msm_gem_info, 24);
VMB_UAPI_OFF(vmb_msm_gem_info, info, 4);
VMB_UAPI_OFF(vmb_msm_gem_info, value, 8);
VMB_UAPI_OFF(vmb_msm_gem_info, len, 16);
#define VMB_MSM_INFO_GET_OFFSET 0x00

struct vmb_msm_submitqueue {
	uint32_t flags;
	uint32_t prio;
	uint32_t id;
};
VMB_UAPI_SIZE(vmb_msm_submitqueue, 12);
VMB_UAPI_OFF(vmb_msm_submitqueue, prio, 4);
VMB_UAPI_OFF(vmb_msm_submitqueue, id, 8);
#define VMB_MSM_SUBMITQUEUE_ALLOW_PREEMPT 0x1
#define VMB_MSM_SUBMITQUEUE_VM_BIND 0x2

struct vmb_msm_syncobj {
	uint32_t handle;
	uint32_t flags;
	uint64_t point;
};
VMB_UAPI_SIZE(vmb_msm_syncobj, 16);
VMB_UAPI_OFF(vmb_msm_syncobj, flags, 4);
VMB_UAPI_OFF(vmb_msm_syncobj, point, 8);
#define VMB_MSM_SYNCOBJ_RESET 0x1

struct vmb_msm_vm_bind_op {
	uint32_t op;
	uint32_t handle;
	uint64_t obj_offset;
	uint64_t iova;
	uint64_t range;
	uint32_t flags;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_msm_vm_bind_op, 40);
VMB_UAPI_OFF(vmb_msm_vm_bind_op, handle, 4);
VMB_UAPI_OFF(vmb_msm_vm_bind_op, obj_offset, 8);
VMB_UAPI_OFF(vmb_msm_vm_bind_op, iova, 16);
VMB_UAPI_OFF(vmb_msm_vm_bind_op, range, 24);
VMB_UAPI_OFF(vmb_msm_vm_bind_op, flags, 32);
#define VMB_MSM_VM_BIND_OP_UNMAP 0
#define VMB_MSM_VM_BIND_OP_MAP 1
#define VMB_MSM_VM_BIND_OP_MAP_NULL 2
#define VMB_MSM_VM_BIND_OP_DUMP 0x1

/** struct vmb_msm_vm_bind - DRM_IOCTL_MSM_VM_BIND (88 bytes) */
struct vmb_msm_vm_bind {
	uint32_t flags;
	uint32_t nr_ops;
	int32_t fence_fd;
	uint32_t queue_id;
	uint64_t in_syncobjs;
	uint64_t out_syncobjs;
	uint32_t nr_in_syncobjs;
	uint32_t nr_out_syncobjs;
	uint32_t syncobj_stride;
	uint32_t op_stride;
	union {
		struct vmb_msm_vm_bind_op op; /* nr_ops == 1 */
		uint64_t ops;		      /* nr_ops > 1 */
	};
};
VMB_UAPI_SIZE(vmb_msm_vm_bind, 88);
VMB_UAPI_OFF(vmb_msm_vm_bind, nr_ops, 4);
VMB_UAPI_OFF(vmb_msm_vm_bind, fence_fd, 8);
VMB_UAPI_OFF(vmb_msm_vm_bind, queue_id, 12);
VMB_UAPI_OFF(vmb_msm_vm_bind, in_syncobjs, 16);
VMB_UAPI_OFF(vmb_msm_vm_bind, out_syncobjs, 24);
VMB_UAPI_OFF(vmb_msm_vm_bind, nr_in_syncobjs, 32);
VMB_UAPI_OFF(vmb_msm_vm_bind, nr_out_syncobjs, 36);
VMB_UAPI_OFF(vmb_msm_vm_bind, syncobj_stride, 40);
VMB_UAPI_OFF(vmb_msm_vm_bind, op_stride, 44);
VMB_UAPI_OFF(vmb_msm_vm_bind, op, 48);
VMB_UAPI_OFF(vmb_msm_vm_bind, ops, 48);
#define VMB_MSM_VM_BIND_FENCE_FD_IN 0x1
#define VMB_MSM_VM_BIND_FENCE_FD_OUT 0x2

struct vmb_msm_gem_submit_cmd {
	uint32_t type;
	uint32_t submit_idx;
	uint32_t submit_offset;
	uint32_t size;
	uint32_t pad;
	uint32_t nr_relocs;
	union {
		uint64_t relocs;
		uint64_t iova;
	};
};
VMB_UAPI_SIZE(vmb_msm_gem_submit_cmd, 32);
VMB_UAPI_OFF(vmb_msm_gem_submit_cmd, size, 12);
VMB_UAPI_OFF(vmb_msm_gem_submit_cmd, nr_relocs, 20);
VMB_UAPI_OFF(vmb_msm_gem_submit_cmd, iova, 24);
#define VMB_MSM_SUBMIT_CMD_BUF 0x0001

/* an element of a legacy submit's BO table (drm_msm_gem_submit_bo) */
struct vmb_msm_gem_submit_bo {
	uint32_t flags;
	uint32_t handle;
	uint64_t presumed;
};
VMB_UAPI_SIZE(vmb_msm_gem_submit_bo, 16);
VMB_UAPI_OFF(vmb_msm_gem_submit_bo, handle, 4);
VMB_UAPI_OFF(vmb_msm_gem_submit_bo, presumed, 8);
#define VMB_MSM_SUBMIT_BO_READ 0x0001
#define VMB_MSM_SUBMIT_BO_WRITE 0x0002
#define VMB_MSM_SUBMIT_BO_DUMP 0x0004
#define VMB_MSM_SUBMIT_BO_NO_IMPLICIT 0x0008
#define VMB_MSM_SUBMIT_BO_FLAGS 0x000f

struct vmb_msm_gem_submit {
	uint32_t flags;
	uint32_t fence;
	uint32_t nr_bos;
	uint32_t nr_cmds;
	uint64_t bos;
	uint64_t cmds;
	int32_t fence_fd;
	uint32_t queueid;
	uint64_t in_syncobjs;
	uint64_t out_syncobjs;
	uint32_t nr_in_syncobjs;
	uint32_t nr_out_syncobjs;
	uint32_t syncobj_stride;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_msm_gem_submit, 72);
VMB_UAPI_OFF(vmb_msm_gem_submit, fence, 4);
VMB_UAPI_OFF(vmb_msm_gem_submit, nr_bos, 8);
VMB_UAPI_OFF(vmb_msm_gem_submit, nr_cmds, 12);
VMB_UAPI_OFF(vmb_msm_gem_submit, bos, 16);
VMB_UAPI_OFF(vmb_msm_gem_submit, cmds, 24);
VMB_UAPI_OFF(vmb_msm_gem_submit, fence_fd, 32);
VMB_UAPI_OFF(vmb_msm_gem_submit, queueid, 36);
VMB_UAPI_OFF(vmb_msm_gem_submit, in_syncobjs, 40);
VMB_UAPI_OFF(vmb_msm_gem_submit, out_syncobjs, 48);
VMB_UAPI_OFF(vmb_msm_gem_submit, nr_in_syncobjs, 56);
VMB_UAPI_OFF(vmb_msm_gem_submit, nr_out_syncobjs, 60);
VMB_UAPI_OFF(vmb_msm_gem_submit, syncobj_stride, 64);
#define VMB_MSM_SUBMIT_NO_IMPLICIT 0x80000000u
#define VMB_MSM_SUBMIT_FENCE_FD_IN 0x40000000u
#define VMB_MSM_SUBMIT_FENCE_FD_OUT 0x20000000u
#define VMB_MSM_SUBMIT_SUDO 0x10000000u
#define VMB_MSM_SUBMIT_SYNCOBJ_IN 0x08000000u
#define VMB_MSM_SUBMIT_SYNCOBJ_OUT 0x04000000u
#define VMB_MSM_SUBMIT_FENCE_SN_IN 0x02000000u

#define VMB_DRM_MSM_GET_PARAM 0x00
#define VMB_DRM_MSM_SET_PARAM 0x01
#define VMB_DRM_MSM_GEM_NEW 0x02
#define VMB_DRM_MSM_GEM_INFO 0x03
#define VMB_DRM_MSM_GEM_SUBMIT 0x06
#define VMB_DRM_MSM_SUBMITQUEUE_NEW 0x0a
#define VMB_DRM_MSM_SUBMITQUEUE_CLOSE 0x0b
#define VMB_DRM_MSM_VM_BIND 0x0d

#define VMB_MSM_IOWR(nr, t) VMB_DRM_IOWR(VMB_DRM_COMMAND_BASE + (nr), t)
#define VMB_MSM_IOW(nr, t) VMB_DRM_IOW(VMB_DRM_COMMAND_BASE + (nr), t)
#define VMB_DRM_IOCTL_MSM_GET_PARAM VMB_MSM_IOWR(VMB_DRM_MSM_GET_PARAM, struct vmb_msm_param)
#define VMB_DRM_IOCTL_MSM_SET_PARAM VMB_MSM_IOW(VMB_DRM_MSM_SET_PARAM, struct vmb_msm_param)
#define VMB_DRM_IOCTL_MSM_GEM_NEW VMB_MSM_IOWR(VMB_DRM_MSM_GEM_NEW, struct vmb_msm_gem_new)
#define VMB_DRM_IOCTL_MSM_GEM_INFO VMB_MSM_IOWR(VMB_DRM_MSM_GEM_INFO, struct vmb_msm_gem_info)
#define VMB_DRM_IOCTL_MSM_GEM_SUBMIT VMB_MSM_IOWR(VMB_DRM_MSM_GEM_SUBMIT, struct vmb_msm_gem_submit)
/* the one-dword CP_NOP: PKT7 header, opcode 0x10, count 0, odd parity bits */
#define VMB_MSM_CP_NOP 0x70108000u
#define VMB_DRM_IOCTL_MSM_SUBMITQUEUE_NEW                                                          \
	VMB_MSM_IOWR(VMB_DRM_MSM_SUBMITQUEUE_NEW, struct vmb_msm_submitqueue)
#define VMB_DRM_IOCTL_MSM_SUBMITQUEUE_CLOSE VMB_MSM_IOW(VMB_DRM_MSM_SUBMITQUEUE_CLOSE, uint32_t)
#define VMB_DRM_IOCTL_MSM_VM_BIND VMB_MSM_IOWR(VMB_DRM_MSM_VM_BIND, struct vmb_msm_vm_bind)

#endif /* VMB_UAPI_MSM_H */
