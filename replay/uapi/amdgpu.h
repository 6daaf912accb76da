/* SPDX-License-Identifier: MIT */
/*
 * amdgpu.h - ABI-exact definitions of the amdgpu uAPI that vmbench uses
 * (GEM create/mmap/userptr, GEM_VA in its 64-byte 6.16 form, context, CS
 * with chunks, WAIT_CS, INFO memory query). bookworm's libdrm has only the
 * 40-byte GEM_VA; the kernel zero-fills/ignores the tail, so the 64-byte
 * form works on older kernels too (the out-fence fields are then ignored).
 */
#ifndef VMB_UAPI_AMDGPU_H
#define VMB_UAPI_AMDGPU_H

#include "drm_core.h"

#define VMB_AMDGPU_GEM_DOMAIN_CPU 0x1
#define VMB_AMDGPU_GEM_DOMAIN_GTT 0x2
#define VMB_AMDGPU_GEM_DOMAIN_VRAM 0x4

#define VMB_AMDGPU_GEM_CREATE_CPU_ACCESS_REQUIRED (1ull << 0)
#define VMB_AMDGPU_GEM_CREATE_NO_CPU_ACCESS (1ull << 1)
#define VMB_AMDGPU_GEM_CREATE_CPU_GTT_USWC (1ull << 2)
#define VMB_AMDGPU_GEM_CREATE_VM_ALWAYS_VALID (1ull << 6)
#define VMB_AMDGPU_GEM_CREATE_EXPLICIT_SYNC (1ull << 7)

struct vmb_amdgpu_gem_create_in {
	uint64_t bo_size;
	uint64_t alignment;
	uint64_t domains;
	uint64_t domain_flags;
};
VMB_UAPI_SIZE(vmb_amdgpu_gem_create_in, 32);
VMB_UAPI_OFF(vmb_amdgpu_gem_create_in, alignment, 8);
VMB_UAPI_OFF(vmb_amdgpu_gem_create_in, domains, 16);
VMB_UAPI_OFF(vmb_amdgpu_gem_create_in, domain_flags, 24);

struct vmb_amdgpu_gem_create_out {
	uint32_t handle;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_amdgpu_gem_create_out, 8);

union vmb_amdgpu_gem_create {
	struct vmb_amdgpu_gem_create_in in;
	struct vmb_amdgpu_gem_create_out out;
};
_Static_assert(sizeof(union vmb_amdgpu_gem_create) == 32, "amdgpu gem_create size");

union vmb_amdgpu_gem_mmap {
	struct {
		uint32_t handle;
		uint32_t pad;
	} in;
	struct {
		uint64_t addr_ptr;
	} out;
};
_Static_assert(sizeof(union vmb_amdgpu_gem_mmap) == 8, "amdgpu gem_mmap size");

struct vmb_amdgpu_gem_userptr {
	uint64_t addr;
	uint64_t size;
	uint32_t flags;
	uint32_t handle;
};
VMB_UAPI_SIZE(vmb_amdgpu_gem_userptr, 24);
VMB_UAPI_OFF(vmb_amdgpu_gem_userptr, size, 8);
VMB_UAPI_OFF(vmb_amdgpu_gem_userptr, flags, 16);
VMB_UAPI_OFF(vmb_amdgpu_gem_userptr, handle, 20);
#define VMB_AMDGPU_GEM_USERPTR_READONLY (1u << 0)
#define VMB_AMDGPU_GEM_USERPTR_ANONONLY (1u << 1)
#define VMB_AMDGPU_GEM_USERPTR_VALIDATE (1u << 2)
#define VMB_AMDGPU_GEM_USERPTR_REGISTER (1u << 3)

/** struct vmb_amdgpu_gem_va - DRM_IOCTL_AMDGPU_GEM_VA (64 bytes, 6.16 form) */
struct vmb_amdgpu_gem_va {
	uint32_t handle;
	uint32_t pad;
	uint32_t operation;
	uint32_t flags;
	uint64_t va_address;
	uint64_t offset_in_bo;
	uint64_t map_size;
	uint64_t vm_timeline_point;
	uint32_t vm_timeline_syncobj_out;
	uint32_t num_syncobj_handles;
	uint64_t input_fence_syncobj_handles;
};
VMB_UAPI_SIZE(vmb_amdgpu_gem_va, 64);
VMB_UAPI_OFF(vmb_amdgpu_gem_va, operation, 8);
VMB_UAPI_OFF(vmb_amdgpu_gem_va, flags, 12);
VMB_UAPI_OFF(vmb_amdgpu_gem_va, va_address, 16);
VMB_UAPI_OFF(vmb_amdgpu_gem_va, offset_in_bo, 24);
VMB_UAPI_OFF(vmb_amdgpu_gem_va, map_size, 32);
VMB_UAPI_OFF(vmb_amdgpu_gem_va, vm_timeline_point, 40);
VMB_UAPI_OFF(vmb_amdgpu_gem_va, vm_timeline_syncobj_out, 48);
VMB_UAPI_OFF(vmb_amdgpu_gem_va, num_syncobj_handles, 52);
VMB_UAPI_OFF(vmb_amdgpu_gem_va, input_fence_syncobj_handles, 56);
#define VMB_AMDGPU_GEM_VA_SIZE_OLD 40

#define VMB_AMDGPU_VA_OP_MAP 1
#define VMB_AMDGPU_VA_OP_UNMAP 2
#define VMB_AMDGPU_VA_OP_CLEAR 3
#define VMB_AMDGPU_VA_OP_REPLACE 4

#define VMB_AMDGPU_VM_DELAY_UPDATE (1u << 0)
#define VMB_AMDGPU_VM_PAGE_READABLE (1u << 1)
#define VMB_AMDGPU_VM_PAGE_WRITEABLE (1u << 2)
#define VMB_AMDGPU_VM_PAGE_EXECUTABLE (1u << 3)
#define VMB_AMDGPU_VM_PAGE_PRT (1u << 4)
#define VMB_AMDGPU_VM_MTYPE_MASK (0xfu << 5)
#define VMB_AMDGPU_VM_MTYPE_UC (4u << 5)
#define VMB_AMDGPU_VM_PAGE_NOALLOC (1u << 9)

struct vmb_amdgpu_ctx_in {
	uint32_t op;
	uint32_t flags;
	uint32_t ctx_id;
	int32_t priority;
};
VMB_UAPI_SIZE(vmb_amdgpu_ctx_in, 16);
VMB_UAPI_OFF(vmb_amdgpu_ctx_in, ctx_id, 8);
union vmb_amdgpu_ctx {
	struct vmb_amdgpu_ctx_in in;
	struct {
		uint32_t ctx_id;
		uint32_t pad;
	} alloc;
};
_Static_assert(sizeof(union vmb_amdgpu_ctx) == 16, "amdgpu ctx size");
#define VMB_AMDGPU_CTX_OP_ALLOC_CTX 1
#define VMB_AMDGPU_CTX_OP_FREE_CTX 2
#define VMB_AMDGPU_CTX_OP_GET_STABLE_PSTATE 5
#define VMB_AMDGPU_CTX_OP_SET_STABLE_PSTATE 6
#define VMB_AMDGPU_CTX_STABLE_PSTATE_FLAGS_MASK 0xf
#define VMB_AMDGPU_CTX_STABLE_PSTATE_PEAK 4

/** struct vmb_amdgpu_cs_chunk_fence - the user fence BO of a CS (AMDGPU_CHUNK_ID_FENCE) */
struct vmb_amdgpu_cs_chunk_fence {
	uint32_t handle;
	uint32_t offset;
};
VMB_UAPI_SIZE(vmb_amdgpu_cs_chunk_fence, 8);

/** struct vmb_amdgpu_cs_chunk_dep - a fence a CS depends on (AMDGPU_CHUNK_ID_DEPENDENCIES) */
struct vmb_amdgpu_cs_chunk_dep {
	uint32_t ip_type;
	uint32_t ip_instance;
	uint32_t ring;
	uint32_t ctx_id;
	uint64_t handle;
};
VMB_UAPI_SIZE(vmb_amdgpu_cs_chunk_dep, 24);

struct vmb_amdgpu_cs_chunk {
	uint32_t chunk_id;
	uint32_t length_dw;
	uint64_t chunk_data;
};
VMB_UAPI_SIZE(vmb_amdgpu_cs_chunk, 16);
VMB_UAPI_OFF(vmb_amdgpu_cs_chunk, length_dw, 4);
VMB_UAPI_OFF(vmb_amdgpu_cs_chunk, chunk_data, 8);
#define VMB_AMDGPU_CHUNK_ID_IB 0x01
#define VMB_AMDGPU_CHUNK_ID_FENCE 0x02
#define VMB_AMDGPU_CHUNK_ID_DEPENDENCIES 0x03
#define VMB_AMDGPU_CHUNK_ID_SYNCOBJ_IN 0x04
#define VMB_AMDGPU_CHUNK_ID_SYNCOBJ_OUT 0x05
#define VMB_AMDGPU_CHUNK_ID_BO_HANDLES 0x06
#define VMB_AMDGPU_CHUNK_ID_SCHEDULED_DEPENDENCIES 0x07
#define VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT 0x08
#define VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL 0x09

struct vmb_amdgpu_cs_in {
	uint32_t ctx_id;
	uint32_t bo_list_handle;
	uint32_t num_chunks;
	uint32_t flags;
	uint64_t chunks; /* pointer to u64[num_chunks], each a pointer to a chunk */
};
VMB_UAPI_SIZE(vmb_amdgpu_cs_in, 24);
VMB_UAPI_OFF(vmb_amdgpu_cs_in, bo_list_handle, 4);
VMB_UAPI_OFF(vmb_amdgpu_cs_in, num_chunks, 8);
VMB_UAPI_OFF(vmb_amdgpu_cs_in, flags, 12);
VMB_UAPI_OFF(vmb_amdgpu_cs_in, chunks, 16);
union vmb_amdgpu_cs {
	struct vmb_amdgpu_cs_in in;
	struct {
		uint64_t handle;
	} out;
};
_Static_assert(sizeof(union vmb_amdgpu_cs) == 24, "amdgpu cs size");

struct vmb_amdgpu_cs_chunk_ib {
	uint32_t pad;
	uint32_t flags;
	uint64_t va_start;
	uint32_t ib_bytes;
	uint32_t ip_type;
	uint32_t ip_instance;
	uint32_t ring;
};
VMB_UAPI_SIZE(vmb_amdgpu_cs_chunk_ib, 32);
VMB_UAPI_OFF(vmb_amdgpu_cs_chunk_ib, flags, 4);
VMB_UAPI_OFF(vmb_amdgpu_cs_chunk_ib, va_start, 8);
VMB_UAPI_OFF(vmb_amdgpu_cs_chunk_ib, ib_bytes, 16);
VMB_UAPI_OFF(vmb_amdgpu_cs_chunk_ib, ip_type, 20);
VMB_UAPI_OFF(vmb_amdgpu_cs_chunk_ib, ip_instance, 24);
VMB_UAPI_OFF(vmb_amdgpu_cs_chunk_ib, ring, 28);
#define VMB_AMDGPU_HW_IP_GFX 0
#define VMB_AMDGPU_HW_IP_COMPUTE 1
#define VMB_AMDGPU_HW_IP_DMA 2

struct vmb_amdgpu_cs_chunk_syncobj {
	uint32_t handle;
	uint32_t flags;
	uint64_t point;
};
VMB_UAPI_SIZE(vmb_amdgpu_cs_chunk_syncobj, 16);
VMB_UAPI_OFF(vmb_amdgpu_cs_chunk_syncobj, point, 8);

struct vmb_amdgpu_bo_list_in {
	uint32_t operation;
	uint32_t list_handle;
	uint32_t bo_number;
	uint32_t bo_info_size;
	uint64_t bo_info_ptr;
};
VMB_UAPI_SIZE(vmb_amdgpu_bo_list_in, 24);
VMB_UAPI_OFF(vmb_amdgpu_bo_list_in, bo_number, 8);
VMB_UAPI_OFF(vmb_amdgpu_bo_list_in, bo_info_size, 12);
VMB_UAPI_OFF(vmb_amdgpu_bo_list_in, bo_info_ptr, 16);

struct vmb_amdgpu_bo_list_entry {
	uint32_t bo_handle;
	uint32_t bo_priority;
};
VMB_UAPI_SIZE(vmb_amdgpu_bo_list_entry, 8);

union vmb_amdgpu_wait_cs {
	struct {
		uint64_t handle;
		uint64_t timeout;
		uint32_t ip_type;
		uint32_t ip_instance;
		uint32_t ring;
		uint32_t ctx_id;
	} in;
	struct {
		uint64_t status;
	} out;
};
_Static_assert(sizeof(union vmb_amdgpu_wait_cs) == 32, "amdgpu wait_cs size");

/** struct vmb_amdgpu_info - DRM_IOCTL_AMDGPU_INFO (query-specific tail unused here) */
struct vmb_amdgpu_info {
	uint64_t return_pointer;
	uint32_t return_size;
	uint32_t query;
	uint64_t query_data[2];
};
VMB_UAPI_SIZE(vmb_amdgpu_info, 32);
VMB_UAPI_OFF(vmb_amdgpu_info, return_size, 8);
VMB_UAPI_OFF(vmb_amdgpu_info, query, 12);
#define VMB_AMDGPU_INFO_VRAM_GTT 0x14

struct vmb_amdgpu_info_vram_gtt {
	uint64_t vram_size;
	uint64_t vram_cpu_accessible_size;
	uint64_t gtt_size;
};
VMB_UAPI_SIZE(vmb_amdgpu_info_vram_gtt, 24);

/* BO_LIST operations and the answer (union drm_amdgpu_bo_list) */
#define VMB_AMDGPU_BO_LIST_OP_CREATE 0
#define VMB_AMDGPU_BO_LIST_OP_DESTROY 1
#define VMB_AMDGPU_BO_LIST_OP_UPDATE 2

union vmb_amdgpu_bo_list {
	struct vmb_amdgpu_bo_list_in in;
	struct {
		uint32_t list_handle;
		uint32_t _pad;
	} out;
};
_Static_assert(sizeof(union vmb_amdgpu_bo_list) == 24, "amdgpu bo_list size");

/** struct vmb_amdgpu_fence - one CS fence (struct drm_amdgpu_fence) */
struct vmb_amdgpu_fence {
	uint32_t ctx_id;
	uint32_t ip_type;
	uint32_t ip_instance;
	uint32_t ring;
	uint64_t seq_no;
};
VMB_UAPI_SIZE(vmb_amdgpu_fence, 24);
VMB_UAPI_OFF(vmb_amdgpu_fence, seq_no, 16);

union vmb_amdgpu_wait_fences {
	struct {
		uint64_t fences;
		uint32_t fence_count;
		uint32_t wait_all;
		uint64_t timeout_ns;
	} in;
	struct {
		uint32_t status;
		uint32_t first_signaled;
	} out;
};
_Static_assert(sizeof(union vmb_amdgpu_wait_fences) == 24, "amdgpu wait_fences size");

union vmb_amdgpu_gem_wait_idle {
	struct {
		uint32_t handle;
		uint32_t flags;
		uint64_t timeout;
	} in;
	struct {
		uint32_t status;
		uint32_t domain;
	} out;
};
_Static_assert(sizeof(union vmb_amdgpu_gem_wait_idle) == 16, "amdgpu gem_wait_idle size");

#define VMB_AMDGPU_GEM_METADATA_OP_SET_METADATA 1
#define VMB_AMDGPU_GEM_METADATA_OP_GET_METADATA 2

struct vmb_amdgpu_gem_metadata {
	uint32_t handle;
	uint32_t op;
	struct {
		uint64_t flags;
		uint64_t tiling_info;
		uint32_t data_size_bytes;
		uint32_t data[64];
	} data;
};
VMB_UAPI_SIZE(vmb_amdgpu_gem_metadata, 288);
VMB_UAPI_OFF(vmb_amdgpu_gem_metadata, data, 8);

#define VMB_AMDGPU_GEM_OP_GET_GEM_CREATE_INFO 0
#define VMB_AMDGPU_GEM_OP_SET_PLACEMENT 1

struct vmb_amdgpu_gem_op {
	uint32_t handle;
	uint32_t op;
	uint64_t value;
};
VMB_UAPI_SIZE(vmb_amdgpu_gem_op, 16);

#define VMB_AMDGPU_VM_OP_RESERVE_VMID 1
#define VMB_AMDGPU_VM_OP_UNRESERVE_VMID 2

union vmb_amdgpu_vm {
	struct {
		uint32_t op;
		uint32_t flags;
	} in;
	struct {
		uint64_t flags;
	} out;
};
_Static_assert(sizeof(union vmb_amdgpu_vm) == 8, "amdgpu vm size");

#define VMB_AMDGPU_FENCE_TO_HANDLE_GET_SYNCOBJ 0
#define VMB_AMDGPU_FENCE_TO_HANDLE_GET_SYNCOBJ_FD 1
#define VMB_AMDGPU_FENCE_TO_HANDLE_GET_SYNC_FILE_FD 2

union vmb_amdgpu_fence_to_handle {
	struct {
		struct vmb_amdgpu_fence fence;
		uint32_t what;
		uint32_t pad;
	} in;
	struct {
		uint32_t handle;
	} out;
};
_Static_assert(sizeof(union vmb_amdgpu_fence_to_handle) == 32, "amdgpu fence_to_handle size");

#define VMB_AMDGPU_SCHED_OP_PROCESS_PRIORITY_OVERRIDE 1
#define VMB_AMDGPU_SCHED_OP_CONTEXT_PRIORITY_OVERRIDE 2

union vmb_amdgpu_sched {
	struct {
		uint32_t op;
		uint32_t fd;
		int32_t priority;
		uint32_t ctx_id;
	} in;
};
_Static_assert(sizeof(union vmb_amdgpu_sched) == 16, "amdgpu sched size");

#define VMB_DRM_AMDGPU_GEM_CREATE 0x00
#define VMB_DRM_AMDGPU_GEM_MMAP 0x01
#define VMB_DRM_AMDGPU_CTX 0x02
#define VMB_DRM_AMDGPU_BO_LIST 0x03
#define VMB_DRM_AMDGPU_CS 0x04
#define VMB_DRM_AMDGPU_INFO 0x05
#define VMB_DRM_AMDGPU_GEM_METADATA 0x06
#define VMB_DRM_AMDGPU_GEM_WAIT_IDLE 0x07
#define VMB_DRM_AMDGPU_GEM_VA 0x08
#define VMB_DRM_AMDGPU_WAIT_CS 0x09
#define VMB_DRM_AMDGPU_GEM_OP 0x10
#define VMB_DRM_AMDGPU_GEM_USERPTR 0x11
#define VMB_DRM_AMDGPU_WAIT_FENCES 0x12
#define VMB_DRM_AMDGPU_VM 0x13
#define VMB_DRM_AMDGPU_FENCE_TO_HANDLE 0x14
#define VMB_DRM_AMDGPU_SCHED 0x15

#define VMB_AMDGPU_IOWR(nr, t) VMB_DRM_IOWR(VMB_DRM_COMMAND_BASE + (nr), t)
#define VMB_DRM_IOCTL_AMDGPU_GEM_CREATE                                                            \
	VMB_AMDGPU_IOWR(VMB_DRM_AMDGPU_GEM_CREATE, union vmb_amdgpu_gem_create)
#define VMB_DRM_IOCTL_AMDGPU_GEM_MMAP                                                              \
	VMB_AMDGPU_IOWR(VMB_DRM_AMDGPU_GEM_MMAP, union vmb_amdgpu_gem_mmap)
#define VMB_DRM_IOCTL_AMDGPU_CTX VMB_AMDGPU_IOWR(VMB_DRM_AMDGPU_CTX, union vmb_amdgpu_ctx)
#define VMB_DRM_IOCTL_AMDGPU_CS VMB_AMDGPU_IOWR(VMB_DRM_AMDGPU_CS, union vmb_amdgpu_cs)
#define VMB_DRM_IOCTL_AMDGPU_INFO                                                                  \
	VMB_DRM_IOW(VMB_DRM_COMMAND_BASE + VMB_DRM_AMDGPU_INFO, struct vmb_amdgpu_info)
#define VMB_DRM_IOCTL_AMDGPU_GEM_VA                                                                \
	VMB_DRM_IOW(VMB_DRM_COMMAND_BASE + VMB_DRM_AMDGPU_GEM_VA, struct vmb_amdgpu_gem_va)
#define VMB_DRM_IOCTL_AMDGPU_GEM_VA_OLD                                                            \
	_IOC(_IOC_WRITE, VMB_DRM_IOCTL_BASE, VMB_DRM_COMMAND_BASE + VMB_DRM_AMDGPU_GEM_VA, 40)
#define VMB_DRM_IOCTL_AMDGPU_WAIT_CS                                                               \
	VMB_AMDGPU_IOWR(VMB_DRM_AMDGPU_WAIT_CS, union vmb_amdgpu_wait_cs)
#define VMB_DRM_IOCTL_AMDGPU_GEM_USERPTR                                                           \
	VMB_AMDGPU_IOWR(VMB_DRM_AMDGPU_GEM_USERPTR, struct vmb_amdgpu_gem_userptr)

#endif /* VMB_UAPI_AMDGPU_H */
