/* SPDX-License-Identifier: MIT */
/*
 * panthor.h - ABI-exact definitions of the panthor uAPI vmbench uses
 * (6.10 layouts: VM create/destroy/bind/state, BO create/mmap, groups and
 * group submit). bookworm ships no panthor_drm.h.
 */
#ifndef VMB_UAPI_PANTHOR_H
#define VMB_UAPI_PANTHOR_H

#include "drm_core.h"

struct vmb_panthor_obj_array {
	uint32_t stride;
	uint32_t count;
	uint64_t array;
};
VMB_UAPI_SIZE(vmb_panthor_obj_array, 16);
VMB_UAPI_OFF(vmb_panthor_obj_array, count, 4);
VMB_UAPI_OFF(vmb_panthor_obj_array, array, 8);
#define VMB_PANTHOR_OBJ_ARRAY(cnt, ptr)                                                            \
	((struct vmb_panthor_obj_array){                                                           \
	    .stride = sizeof((ptr)[0]), .count = (cnt), .array = (uint64_t)(uintptr_t)(ptr)})

struct vmb_panthor_sync_op {
	uint32_t flags;
	uint32_t handle;
	uint64_t timeline_value;
};
VMB_UAPI_SIZE(vmb_panthor_sync_op, 16);
VMB_UAPI_OFF(vmb_panthor_sync_op, handle, 4);
VMB_UAPI_OFF(vmb_panthor_sync_op, timeline_value, 8);
#define VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK 0xffu
#define VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ 0u
#define VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ 1u
#define VMB_PANTHOR_SYNC_OP_WAIT 0u
#define VMB_PANTHOR_SYNC_OP_SIGNAL (1u << 31)

struct vmb_panthor_dev_query {
	uint32_t type;
	uint32_t size;
	uint64_t pointer;
};
VMB_UAPI_SIZE(vmb_panthor_dev_query, 16);
VMB_UAPI_OFF(vmb_panthor_dev_query, pointer, 8);

struct vmb_panthor_vm_create {
	uint32_t flags;
	uint32_t id;
	uint64_t user_va_range;
};
VMB_UAPI_SIZE(vmb_panthor_vm_create, 16);
VMB_UAPI_OFF(vmb_panthor_vm_create, id, 4);
VMB_UAPI_OFF(vmb_panthor_vm_create, user_va_range, 8);

struct vmb_panthor_vm_destroy {
	uint32_t id;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_panthor_vm_destroy, 8);

struct vmb_panthor_vm_bind_op {
	uint32_t flags;
	uint32_t bo_handle;
	uint64_t bo_offset;
	uint64_t va;
	uint64_t size;
	struct vmb_panthor_obj_array syncs;
};
VMB_UAPI_SIZE(vmb_panthor_vm_bind_op, 48);
VMB_UAPI_OFF(vmb_panthor_vm_bind_op, bo_handle, 4);
VMB_UAPI_OFF(vmb_panthor_vm_bind_op, bo_offset, 8);
VMB_UAPI_OFF(vmb_panthor_vm_bind_op, va, 16);
VMB_UAPI_OFF(vmb_panthor_vm_bind_op, size, 24);
VMB_UAPI_OFF(vmb_panthor_vm_bind_op, syncs, 32);
#define VMB_PANTHOR_VM_BIND_OP_MAP_READONLY (1u << 0)
#define VMB_PANTHOR_VM_BIND_OP_MAP_NOEXEC (1u << 1)
#define VMB_PANTHOR_VM_BIND_OP_MAP_UNCACHED (1u << 2)
#define VMB_PANTHOR_VM_BIND_OP_MAP_SPARSE (1u << 3)
#define VMB_PANTHOR_VM_BIND_OP_TYPE_MASK 0xf0000000u
#define VMB_PANTHOR_VM_BIND_OP_TYPE_MAP (0u << 28)
#define VMB_PANTHOR_VM_BIND_OP_TYPE_UNMAP (1u << 28)
#define VMB_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY (2u << 28)

struct vmb_panthor_vm_bind {
	uint32_t vm_id;
	uint32_t flags;
	struct vmb_panthor_obj_array ops;
};
VMB_UAPI_SIZE(vmb_panthor_vm_bind, 24);
VMB_UAPI_OFF(vmb_panthor_vm_bind, flags, 4);
VMB_UAPI_OFF(vmb_panthor_vm_bind, ops, 8);
#define VMB_PANTHOR_VM_BIND_ASYNC (1u << 0)

struct vmb_panthor_vm_get_state {
	uint32_t vm_id;
	uint32_t state;
};
VMB_UAPI_SIZE(vmb_panthor_vm_get_state, 8);
#define VMB_PANTHOR_VM_STATE_USABLE 0
#define VMB_PANTHOR_VM_STATE_UNUSABLE 1

struct vmb_panthor_bo_create {
	uint64_t size;
	uint32_t flags;
	uint32_t exclusive_vm_id;
	uint32_t handle;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_panthor_bo_create, 24);
VMB_UAPI_OFF(vmb_panthor_bo_create, flags, 8);
VMB_UAPI_OFF(vmb_panthor_bo_create, exclusive_vm_id, 12);
VMB_UAPI_OFF(vmb_panthor_bo_create, handle, 16);
#define VMB_PANTHOR_BO_NO_MMAP (1u << 0)

struct vmb_panthor_bo_mmap_offset {
	uint32_t handle;
	uint32_t pad;
	uint64_t offset;
};
VMB_UAPI_SIZE(vmb_panthor_bo_mmap_offset, 16);
VMB_UAPI_OFF(vmb_panthor_bo_mmap_offset, offset, 8);

struct vmb_panthor_queue_create {
	uint8_t priority;
	uint8_t pad[3];
	uint32_t ringbuf_size;
};
VMB_UAPI_SIZE(vmb_panthor_queue_create, 8);
VMB_UAPI_OFF(vmb_panthor_queue_create, ringbuf_size, 4);

struct vmb_panthor_group_create {
	struct vmb_panthor_obj_array queues;
	uint8_t max_compute_cores;
	uint8_t max_fragment_cores;
	uint8_t max_tiler_cores;
	uint8_t priority;
	uint32_t pad;
	uint64_t compute_core_mask;
	uint64_t fragment_core_mask;
	uint64_t tiler_core_mask;
	uint32_t vm_id;
	uint32_t group_handle;
};
VMB_UAPI_SIZE(vmb_panthor_group_create, 56);
VMB_UAPI_OFF(vmb_panthor_group_create, max_compute_cores, 16);
VMB_UAPI_OFF(vmb_panthor_group_create, priority, 19);
VMB_UAPI_OFF(vmb_panthor_group_create, compute_core_mask, 24);
VMB_UAPI_OFF(vmb_panthor_group_create, fragment_core_mask, 32);
VMB_UAPI_OFF(vmb_panthor_group_create, tiler_core_mask, 40);
VMB_UAPI_OFF(vmb_panthor_group_create, vm_id, 48);
VMB_UAPI_OFF(vmb_panthor_group_create, group_handle, 52);

struct vmb_panthor_group_destroy {
	uint32_t group_handle;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_panthor_group_destroy, 8);

struct vmb_panthor_queue_submit {
	uint32_t queue_index;
	uint32_t stream_size;
	uint64_t stream_addr;
	uint32_t latest_flush;
	uint32_t pad;
	struct vmb_panthor_obj_array syncs;
};
VMB_UAPI_SIZE(vmb_panthor_queue_submit, 40);
VMB_UAPI_OFF(vmb_panthor_queue_submit, stream_size, 4);
VMB_UAPI_OFF(vmb_panthor_queue_submit, stream_addr, 8);
VMB_UAPI_OFF(vmb_panthor_queue_submit, latest_flush, 16);
VMB_UAPI_OFF(vmb_panthor_queue_submit, syncs, 24);

struct vmb_panthor_group_submit {
	uint32_t group_handle;
	uint32_t pad;
	struct vmb_panthor_obj_array queue_submits;
};
VMB_UAPI_SIZE(vmb_panthor_group_submit, 24);
VMB_UAPI_OFF(vmb_panthor_group_submit, queue_submits, 8);

#define VMB_DRM_PANTHOR_DEV_QUERY 0
#define VMB_DRM_PANTHOR_VM_CREATE 1
#define VMB_DRM_PANTHOR_VM_DESTROY 2
#define VMB_DRM_PANTHOR_VM_BIND 3
#define VMB_DRM_PANTHOR_VM_GET_STATE 4
#define VMB_DRM_PANTHOR_BO_CREATE 5
#define VMB_DRM_PANTHOR_BO_MMAP_OFFSET 6
#define VMB_DRM_PANTHOR_GROUP_CREATE 7
#define VMB_DRM_PANTHOR_GROUP_DESTROY 8
#define VMB_DRM_PANTHOR_GROUP_SUBMIT 9

#define VMB_PANTHOR_IOWR(nr, t) VMB_DRM_IOWR(VMB_DRM_COMMAND_BASE + (nr), t)
#define VMB_DRM_IOCTL_PANTHOR_DEV_QUERY                                                            \
	VMB_PANTHOR_IOWR(VMB_DRM_PANTHOR_DEV_QUERY, struct vmb_panthor_dev_query)
#define VMB_DRM_IOCTL_PANTHOR_VM_CREATE                                                            \
	VMB_PANTHOR_IOWR(VMB_DRM_PANTHOR_VM_CREATE, struct vmb_panthor_vm_create)
#define VMB_DRM_IOCTL_PANTHOR_VM_DESTROY                                                           \
	VMB_PANTHOR_IOWR(VMB_DRM_PANTHOR_VM_DESTROY, struct vmb_panthor_vm_destroy)
#define VMB_DRM_IOCTL_PANTHOR_VM_BIND                                                              \
	VMB_PANTHOR_IOWR(VMB_DRM_PANTHOR_VM_BIND, struct vmb_panthor_vm_bind)
#define VMB_DRM_IOCTL_PANTHOR_VM_GET_STATE                                                         \
	VMB_PANTHOR_IOWR(VMB_DRM_PANTHOR_VM_GET_STATE, struct vmb_panthor_vm_get_state)
#define VMB_DRM_IOCTL_PANTHOR_BO_CREATE                                                            \
	VMB_PANTHOR_IOWR(VMB_DRM_PANTHOR_BO_CREATE, struct vmb_panthor_bo_create)
#define VMB_DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET                                                       \
	VMB_PANTHOR_IOWR(VMB_DRM_PANTHOR_BO_MMAP_OFFSET, struct vmb_panthor_bo_mmap_offset)
#define VMB_DRM_IOCTL_PANTHOR_GROUP_CREATE                                                         \
	VMB_PANTHOR_IOWR(VMB_DRM_PANTHOR_GROUP_CREATE, struct vmb_panthor_group_create)
#define VMB_DRM_IOCTL_PANTHOR_GROUP_DESTROY                                                        \
	VMB_PANTHOR_IOWR(VMB_DRM_PANTHOR_GROUP_DESTROY, struct vmb_panthor_group_destroy)
#define VMB_DRM_IOCTL_PANTHOR_GROUP_SUBMIT                                                         \
	VMB_PANTHOR_IOWR(VMB_DRM_PANTHOR_GROUP_SUBMIT, struct vmb_panthor_group_submit)

#endif /* VMB_UAPI_PANTHOR_H */
