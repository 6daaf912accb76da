/* SPDX-License-Identifier: MIT */
/*
 * xe.h - ABI-exact definitions of the Intel xe uAPI that vmbench uses
 * (device query, GEM create/mmap, VM create/destroy/bind, exec queues, exec,
 * user-fence wait). Written from the documented layouts (bookworm ships no
 * xe_drm.h); every size and offset is static-asserted.
 */
#ifndef VMB_UAPI_XE_H
#define VMB_UAPI_XE_H

#include "drm_core.h"

struct vmb_xe_device_query {
	uint64_t extensions;
	uint32_t query;
	uint32_t size;
	uint64_t data;
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_device_query, 40);
VMB_UAPI_OFF(vmb_xe_device_query, query, 8);
VMB_UAPI_OFF(vmb_xe_device_query, size, 12);
VMB_UAPI_OFF(vmb_xe_device_query, data, 16);
VMB_UAPI_OFF(vmb_xe_device_query, reserved, 24);

#define VMB_XE_DEVICE_QUERY_ENGINES 0
#define VMB_XE_DEVICE_QUERY_MEM_REGIONS 1
#define VMB_XE_DEVICE_QUERY_CONFIG 2
#define VMB_XE_DEVICE_QUERY_GT_LIST 3
#define VMB_XE_DEVICE_QUERY_HWCONFIG 4
#define VMB_XE_DEVICE_QUERY_GT_TOPOLOGY 5
#define VMB_XE_DEVICE_QUERY_ENGINE_CYCLES 6

struct vmb_xe_mem_region {
	uint16_t mem_class; /* SYSMEM 0, VRAM 1 */
	uint16_t instance;
	uint32_t min_page_size;
	uint64_t total_size;
	uint64_t used;
	uint64_t cpu_visible_size;
	uint64_t cpu_visible_used;
	uint64_t reserved[6];
};
VMB_UAPI_SIZE(vmb_xe_mem_region, 88);
VMB_UAPI_OFF(vmb_xe_mem_region, instance, 2);
VMB_UAPI_OFF(vmb_xe_mem_region, min_page_size, 4);
VMB_UAPI_OFF(vmb_xe_mem_region, total_size, 8);
VMB_UAPI_OFF(vmb_xe_mem_region, used, 16);
VMB_UAPI_OFF(vmb_xe_mem_region, cpu_visible_size, 24);
VMB_UAPI_OFF(vmb_xe_mem_region, cpu_visible_used, 32);
VMB_UAPI_OFF(vmb_xe_mem_region, reserved, 40);
#define VMB_XE_MEM_REGION_CLASS_SYSMEM 0
#define VMB_XE_MEM_REGION_CLASS_VRAM 1

struct vmb_xe_query_mem_regions {
	uint32_t num_mem_regions;
	uint32_t pad;
	struct vmb_xe_mem_region mem_regions[];
};
VMB_UAPI_SIZE(vmb_xe_query_mem_regions, 8);

struct vmb_xe_query_config {
	uint32_t num_params;
	uint32_t pad;
	uint64_t info[];
};
VMB_UAPI_SIZE(vmb_xe_query_config, 8);
#define VMB_XE_QUERY_CONFIG_REV_AND_DEVICE_ID 0
#define VMB_XE_QUERY_CONFIG_FLAGS 1
#define VMB_XE_QUERY_CONFIG_MIN_ALIGNMENT 2
#define VMB_XE_QUERY_CONFIG_VA_BITS 3
#define VMB_XE_QUERY_CONFIG_MAX_EXEC_QUEUE_PRIORITY 4
#define VMB_XE_QUERY_CONFIG_FLAG_HAS_VRAM (1ull << 0)

struct vmb_xe_engine_class_instance {
	uint16_t engine_class;
	uint16_t engine_instance;
	uint16_t gt_id;
	uint16_t pad;
};
VMB_UAPI_SIZE(vmb_xe_engine_class_instance, 8);
VMB_UAPI_OFF(vmb_xe_engine_class_instance, engine_instance, 2);
VMB_UAPI_OFF(vmb_xe_engine_class_instance, gt_id, 4);
#define VMB_XE_ENGINE_CLASS_RENDER 0
#define VMB_XE_ENGINE_CLASS_COPY 1
#define VMB_XE_ENGINE_CLASS_VIDEO_DECODE 2
#define VMB_XE_ENGINE_CLASS_VIDEO_ENHANCE 3
#define VMB_XE_ENGINE_CLASS_COMPUTE 4
#define VMB_XE_ENGINE_CLASS_VM_BIND 5

struct vmb_xe_engine {
	struct vmb_xe_engine_class_instance instance;
	uint64_t reserved[3];
};
VMB_UAPI_SIZE(vmb_xe_engine, 32);
VMB_UAPI_OFF(vmb_xe_engine, reserved, 8);

struct vmb_xe_query_engines {
	uint32_t num_engines;
	uint32_t pad;
	struct vmb_xe_engine engines[];
};
VMB_UAPI_SIZE(vmb_xe_query_engines, 8);

struct vmb_xe_gt {
	uint16_t type; /* MAIN 0, MEDIA 1 */
	uint16_t tile_id;
	uint16_t gt_id;
	uint16_t pad[3];
	uint32_t reference_clock;
	uint64_t near_mem_regions;
	uint64_t far_mem_regions;
	uint16_t ip_ver_major;
	uint16_t ip_ver_minor;
	uint16_t ip_ver_rev;
	uint16_t pad2;
	uint64_t reserved[7];
};
VMB_UAPI_SIZE(vmb_xe_gt, 96);
VMB_UAPI_OFF(vmb_xe_gt, reference_clock, 12);
VMB_UAPI_OFF(vmb_xe_gt, near_mem_regions, 16);
VMB_UAPI_OFF(vmb_xe_gt, far_mem_regions, 24);
VMB_UAPI_OFF(vmb_xe_gt, ip_ver_major, 32);
VMB_UAPI_OFF(vmb_xe_gt, reserved, 40);
#define VMB_XE_QUERY_GT_TYPE_MAIN 0
#define VMB_XE_QUERY_GT_TYPE_MEDIA 1

struct vmb_xe_query_gt_list {
	uint32_t num_gt;
	uint32_t pad;
	struct vmb_xe_gt gt_list[];
};
VMB_UAPI_SIZE(vmb_xe_query_gt_list, 8);

/* one entry of the GT_TOPOLOGY answer; entries follow each other */
struct vmb_xe_query_topology_mask {
	uint16_t gt_id;
	uint16_t type;
	uint32_t num_bytes;
	uint8_t mask[];
};
VMB_UAPI_SIZE(vmb_xe_query_topology_mask, 8);
#define VMB_XE_TOPO_DSS_GEOMETRY 1
#define VMB_XE_TOPO_DSS_COMPUTE 2
#define VMB_XE_TOPO_L3_BANK 3
#define VMB_XE_TOPO_EU_PER_DSS 4
#define VMB_XE_TOPO_SIMD16_EU_PER_DSS 5

struct vmb_xe_query_engine_cycles {
	struct vmb_xe_engine_class_instance eci;
	int32_t clockid;
	uint32_t width;
	uint64_t engine_cycles;
	uint64_t cpu_timestamp;
	uint64_t cpu_delta;
};
VMB_UAPI_SIZE(vmb_xe_query_engine_cycles, 40);
VMB_UAPI_OFF(vmb_xe_query_engine_cycles, clockid, 8);
VMB_UAPI_OFF(vmb_xe_query_engine_cycles, engine_cycles, 16);
VMB_UAPI_OFF(vmb_xe_query_engine_cycles, cpu_delta, 32);

struct vmb_xe_gem_create {
	uint64_t extensions;
	uint64_t size;
	uint32_t placement; /* bitmask of region instances */
	uint32_t flags;
	uint32_t vm_id;
	uint32_t handle;
	uint16_t cpu_caching;
	uint16_t pad[3];
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_gem_create, 56);
VMB_UAPI_OFF(vmb_xe_gem_create, size, 8);
VMB_UAPI_OFF(vmb_xe_gem_create, placement, 16);
VMB_UAPI_OFF(vmb_xe_gem_create, flags, 20);
VMB_UAPI_OFF(vmb_xe_gem_create, vm_id, 24);
VMB_UAPI_OFF(vmb_xe_gem_create, handle, 28);
VMB_UAPI_OFF(vmb_xe_gem_create, cpu_caching, 32);
VMB_UAPI_OFF(vmb_xe_gem_create, pad, 34);
VMB_UAPI_OFF(vmb_xe_gem_create, reserved, 40);
#define VMB_XE_GEM_CREATE_FLAG_DEFER_BACKING (1u << 0)
#define VMB_XE_GEM_CREATE_FLAG_SCANOUT (1u << 1)
#define VMB_XE_GEM_CREATE_FLAG_NEEDS_VISIBLE_VRAM (1u << 2)
#define VMB_XE_GEM_CPU_CACHING_WB 1
#define VMB_XE_GEM_CPU_CACHING_WC 2

struct vmb_xe_gem_mmap_offset {
	uint64_t extensions;
	uint32_t handle;
	uint32_t flags;
	uint64_t offset;
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_gem_mmap_offset, 40);
VMB_UAPI_OFF(vmb_xe_gem_mmap_offset, handle, 8);
VMB_UAPI_OFF(vmb_xe_gem_mmap_offset, flags, 12);
VMB_UAPI_OFF(vmb_xe_gem_mmap_offset, offset, 16);
VMB_UAPI_OFF(vmb_xe_gem_mmap_offset, reserved, 24);

struct vmb_xe_vm_create {
	uint64_t extensions;
	uint32_t flags;
	uint32_t vm_id;
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_vm_create, 32);
VMB_UAPI_OFF(vmb_xe_vm_create, flags, 8);
VMB_UAPI_OFF(vmb_xe_vm_create, vm_id, 12);
VMB_UAPI_OFF(vmb_xe_vm_create, reserved, 16);
#define VMB_XE_VM_CREATE_FLAG_SCRATCH_PAGE (1u << 0)
#define VMB_XE_VM_CREATE_FLAG_LR_MODE (1u << 1)
#define VMB_XE_VM_CREATE_FLAG_FAULT_MODE (1u << 2)

struct vmb_xe_vm_destroy {
	uint32_t vm_id;
	uint32_t pad;
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_vm_destroy, 24);
VMB_UAPI_OFF(vmb_xe_vm_destroy, reserved, 8);

/** struct vmb_xe_vm_bind_op - one bind operation (80 bytes since 6.8) */
struct vmb_xe_vm_bind_op {
	uint64_t extensions;
	uint32_t obj;
	uint16_t pat_index;
	uint16_t pad;
	union {
		uint64_t obj_offset;
		uint64_t userptr;
		int64_t cpu_addr_mirror_offset;
	};
	uint64_t range;
	uint64_t addr;
	uint32_t op;
	uint32_t flags;
	uint32_t prefetch_mem_region_instance;
	uint32_t pad2;
	uint64_t reserved[3];
};
VMB_UAPI_SIZE(vmb_xe_vm_bind_op, 80);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, obj, 8);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, pat_index, 12);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, pad, 14);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, obj_offset, 16);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, userptr, 16);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, range, 24);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, addr, 32);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, op, 40);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, flags, 44);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, prefetch_mem_region_instance, 48);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, pad2, 52);
VMB_UAPI_OFF(vmb_xe_vm_bind_op, reserved, 56);

#define VMB_XE_VM_BIND_OP_MAP 0
#define VMB_XE_VM_BIND_OP_UNMAP 1
#define VMB_XE_VM_BIND_OP_MAP_USERPTR 2
#define VMB_XE_VM_BIND_OP_UNMAP_ALL 3
#define VMB_XE_VM_BIND_OP_PREFETCH 4

#define VMB_XE_VM_BIND_FLAG_READONLY (1u << 0)
#define VMB_XE_VM_BIND_FLAG_IMMEDIATE (1u << 1)
#define VMB_XE_VM_BIND_FLAG_NULL (1u << 2)
#define VMB_XE_VM_BIND_FLAG_DUMPABLE (1u << 3)
#define VMB_XE_VM_BIND_FLAG_CHECK_PXP (1u << 4)
#define VMB_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR (1u << 5)
#define VMB_XE_VM_BIND_FLAG_MADVISE_AUTORESET (1u << 6)

/** struct vmb_xe_vm_bind - DRM_IOCTL_XE_VM_BIND argument (136 bytes) */
struct vmb_xe_vm_bind {
	uint64_t extensions;
	uint32_t vm_id;
	uint32_t exec_queue_id;
	uint32_t pad;
	uint32_t num_binds;
	union {
		struct vmb_xe_vm_bind_op bind; /* num_binds == 1 */
		uint64_t vector_of_binds;      /* num_binds > 1 */
	};
	uint32_t pad2;
	uint32_t num_syncs;
	uint64_t syncs;
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_vm_bind, 136);
VMB_UAPI_OFF(vmb_xe_vm_bind, vm_id, 8);
VMB_UAPI_OFF(vmb_xe_vm_bind, exec_queue_id, 12);
VMB_UAPI_OFF(vmb_xe_vm_bind, pad, 16);
VMB_UAPI_OFF(vmb_xe_vm_bind, num_binds, 20);
VMB_UAPI_OFF(vmb_xe_vm_bind, bind, 24);
VMB_UAPI_OFF(vmb_xe_vm_bind, vector_of_binds, 24);
VMB_UAPI_OFF(vmb_xe_vm_bind, pad2, 104);
VMB_UAPI_OFF(vmb_xe_vm_bind, num_syncs, 108);
VMB_UAPI_OFF(vmb_xe_vm_bind, syncs, 112);
VMB_UAPI_OFF(vmb_xe_vm_bind, reserved, 120);

struct vmb_xe_sync {
	uint64_t extensions;
	uint32_t type;
	uint32_t flags;
	union {
		uint32_t handle;
		uint64_t addr;
	};
	uint64_t timeline_value;
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_sync, 48);
VMB_UAPI_OFF(vmb_xe_sync, type, 8);
VMB_UAPI_OFF(vmb_xe_sync, flags, 12);
VMB_UAPI_OFF(vmb_xe_sync, handle, 16);
VMB_UAPI_OFF(vmb_xe_sync, addr, 16);
VMB_UAPI_OFF(vmb_xe_sync, timeline_value, 24);
VMB_UAPI_OFF(vmb_xe_sync, reserved, 32);
#define VMB_XE_SYNC_TYPE_SYNCOBJ 0
#define VMB_XE_SYNC_TYPE_TIMELINE_SYNCOBJ 1
#define VMB_XE_SYNC_TYPE_USER_FENCE 2
#define VMB_XE_SYNC_FLAG_SIGNAL (1u << 0)

struct vmb_xe_exec_queue_create {
	uint64_t extensions;
	uint16_t width;
	uint16_t num_placements;
	uint32_t vm_id;
	uint32_t flags;
	uint32_t exec_queue_id;
	uint64_t instances;
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_exec_queue_create, 48);
VMB_UAPI_OFF(vmb_xe_exec_queue_create, width, 8);
VMB_UAPI_OFF(vmb_xe_exec_queue_create, num_placements, 10);
VMB_UAPI_OFF(vmb_xe_exec_queue_create, vm_id, 12);
VMB_UAPI_OFF(vmb_xe_exec_queue_create, flags, 16);
VMB_UAPI_OFF(vmb_xe_exec_queue_create, exec_queue_id, 20);
VMB_UAPI_OFF(vmb_xe_exec_queue_create, instances, 24);
VMB_UAPI_OFF(vmb_xe_exec_queue_create, reserved, 32);

struct vmb_xe_exec_queue_destroy {
	uint32_t exec_queue_id;
	uint32_t pad;
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_exec_queue_destroy, 24);
VMB_UAPI_OFF(vmb_xe_exec_queue_destroy, reserved, 8);

/* drm_xe_exec_queue_get_property; the one property is BAN (0) */
struct vmb_xe_exec_queue_get_property {
	uint64_t extensions;
	uint32_t exec_queue_id;
	uint32_t property;
	uint64_t value;
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_exec_queue_get_property, 40);
VMB_UAPI_OFF(vmb_xe_exec_queue_get_property, value, 16);
#define VMB_XE_EXEC_QUEUE_GET_PROPERTY_BAN 0

struct vmb_xe_exec {
	uint64_t extensions;
	uint32_t exec_queue_id;
	uint32_t num_syncs;
	uint64_t syncs;
	uint64_t address;
	uint16_t num_batch_buffer;
	uint16_t pad[3];
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_exec, 56);
VMB_UAPI_OFF(vmb_xe_exec, exec_queue_id, 8);
VMB_UAPI_OFF(vmb_xe_exec, num_syncs, 12);
VMB_UAPI_OFF(vmb_xe_exec, syncs, 16);
VMB_UAPI_OFF(vmb_xe_exec, address, 24);
VMB_UAPI_OFF(vmb_xe_exec, num_batch_buffer, 32);
VMB_UAPI_OFF(vmb_xe_exec, pad, 34);
VMB_UAPI_OFF(vmb_xe_exec, reserved, 40);

struct vmb_xe_wait_user_fence {
	uint64_t extensions;
	uint64_t addr;
	uint16_t op;
	uint16_t flags;
	uint32_t pad;
	uint64_t value;
	uint64_t mask;
	int64_t timeout;
	uint32_t exec_queue_id;
	uint32_t pad2;
	uint64_t reserved[2];
};
VMB_UAPI_SIZE(vmb_xe_wait_user_fence, 72);
VMB_UAPI_OFF(vmb_xe_wait_user_fence, addr, 8);
VMB_UAPI_OFF(vmb_xe_wait_user_fence, op, 16);
VMB_UAPI_OFF(vmb_xe_wait_user_fence, flags, 18);
VMB_UAPI_OFF(vmb_xe_wait_user_fence, value, 24);
VMB_UAPI_OFF(vmb_xe_wait_user_fence, mask, 32);
VMB_UAPI_OFF(vmb_xe_wait_user_fence, timeout, 40);
VMB_UAPI_OFF(vmb_xe_wait_user_fence, exec_queue_id, 48);
VMB_UAPI_OFF(vmb_xe_wait_user_fence, reserved, 56);

#define VMB_DRM_XE_DEVICE_QUERY 0x00
#define VMB_DRM_XE_GEM_CREATE 0x01
#define VMB_DRM_XE_GEM_MMAP_OFFSET 0x02
#define VMB_DRM_XE_VM_CREATE 0x03
#define VMB_DRM_XE_VM_DESTROY 0x04
#define VMB_DRM_XE_VM_BIND 0x05
#define VMB_DRM_XE_EXEC_QUEUE_CREATE 0x06
#define VMB_DRM_XE_EXEC_QUEUE_DESTROY 0x07
#define VMB_DRM_XE_EXEC_QUEUE_GET_PROPERTY 0x08
#define VMB_DRM_XE_EXEC 0x09
#define VMB_DRM_XE_WAIT_USER_FENCE 0x0a

#define VMB_XE_IOWR(nr, t) VMB_DRM_IOWR(VMB_DRM_COMMAND_BASE + (nr), t)
#define VMB_XE_IOW(nr, t) VMB_DRM_IOW(VMB_DRM_COMMAND_BASE + (nr), t)
#define VMB_DRM_IOCTL_XE_DEVICE_QUERY                                                              \
	VMB_XE_IOWR(VMB_DRM_XE_DEVICE_QUERY, struct vmb_xe_device_query)
#define VMB_DRM_IOCTL_XE_GEM_CREATE VMB_XE_IOWR(VMB_DRM_XE_GEM_CREATE, struct vmb_xe_gem_create)
#define VMB_DRM_IOCTL_XE_GEM_MMAP_OFFSET                                                           \
	VMB_XE_IOWR(VMB_DRM_XE_GEM_MMAP_OFFSET, struct vmb_xe_gem_mmap_offset)
#define VMB_DRM_IOCTL_XE_VM_CREATE VMB_XE_IOWR(VMB_DRM_XE_VM_CREATE, struct vmb_xe_vm_create)
#define VMB_DRM_IOCTL_XE_VM_DESTROY VMB_XE_IOW(VMB_DRM_XE_VM_DESTROY, struct vmb_xe_vm_destroy)
#define VMB_DRM_IOCTL_XE_VM_BIND VMB_XE_IOW(VMB_DRM_XE_VM_BIND, struct vmb_xe_vm_bind)
#define VMB_DRM_IOCTL_XE_EXEC_QUEUE_CREATE                                                         \
	VMB_XE_IOWR(VMB_DRM_XE_EXEC_QUEUE_CREATE, struct vmb_xe_exec_queue_create)
#define VMB_DRM_IOCTL_XE_EXEC_QUEUE_DESTROY                                                        \
	VMB_XE_IOW(VMB_DRM_XE_EXEC_QUEUE_DESTROY, struct vmb_xe_exec_queue_destroy)
#define VMB_DRM_IOCTL_XE_EXEC VMB_XE_IOW(VMB_DRM_XE_EXEC, struct vmb_xe_exec)
#define VMB_DRM_IOCTL_XE_WAIT_USER_FENCE                                                           \
	VMB_XE_IOWR(VMB_DRM_XE_WAIT_USER_FENCE, struct vmb_xe_wait_user_fence)

#endif /* VMB_UAPI_XE_H */
