/* SPDX-License-Identifier: MIT */
/*
 * nouveau.h - ABI-exact definitions of the nouveau VM_BIND uAPI (6.6+:
 * VM_INIT, VM_BIND, EXEC) plus the GEM and channel ioctls vmbench needs.
 * bookworm's libdrm copy predates VM_BIND.
 */
#ifndef VMB_UAPI_NOUVEAU_H
#define VMB_UAPI_NOUVEAU_H

#include "drm_core.h"

struct vmb_nouveau_getparam {
	uint64_t param;
	uint64_t value;
};
VMB_UAPI_SIZE(vmb_nouveau_getparam, 16);
#define VMB_NOUVEAU_GETPARAM_EXEC_PUSH_MAX 17
#define VMB_NOUVEAU_GETPARAM_VRAM_BAR_SIZE 18
#define VMB_NOUVEAU_GETPARAM_VRAM_USED 19

/** struct vmb_nouveau_channel_alloc - CHANNEL_ALLOC (88 bytes) */
struct vmb_nouveau_channel_alloc {
	uint32_t fb_ctxdma_handle;
	uint32_t tt_ctxdma_handle;
	int32_t channel;
	uint32_t pushbuf_domains;
	uint32_t notifier_handle;
	struct {
		uint32_t handle;
		uint32_t grclass;
	} subchan[8];
	uint32_t nr_subchan;
};
VMB_UAPI_SIZE(vmb_nouveau_channel_alloc, 88);
VMB_UAPI_OFF(vmb_nouveau_channel_alloc, channel, 8);
VMB_UAPI_OFF(vmb_nouveau_channel_alloc, subchan, 20);
VMB_UAPI_OFF(vmb_nouveau_channel_alloc, nr_subchan, 84);

struct vmb_nouveau_channel_free {
	int32_t channel;
};
VMB_UAPI_SIZE(vmb_nouveau_channel_free, 4);

struct vmb_nouveau_vm_init {
	uint64_t kernel_managed_addr;
	uint64_t kernel_managed_size;
};
VMB_UAPI_SIZE(vmb_nouveau_vm_init, 16);
VMB_UAPI_OFF(vmb_nouveau_vm_init, kernel_managed_size, 8);

struct vmb_nouveau_sync {
	uint32_t flags;
	uint32_t handle;
	uint64_t timeline_value;
};
VMB_UAPI_SIZE(vmb_nouveau_sync, 16);
VMB_UAPI_OFF(vmb_nouveau_sync, handle, 4);
VMB_UAPI_OFF(vmb_nouveau_sync, timeline_value, 8);
#define VMB_NOUVEAU_SYNC_SYNCOBJ 0x0
#define VMB_NOUVEAU_SYNC_TIMELINE_SYNCOBJ 0x1
#define VMB_NOUVEAU_SYNC_TYPE_MASK 0xf

struct vmb_nouveau_vm_bind_op {
	uint32_t op;
	uint32_t flags;
	uint32_t handle;
	uint32_t pad;
	uint64_t addr;
	uint64_t bo_offset;
	uint64_t range;
};
VMB_UAPI_SIZE(vmb_nouveau_vm_bind_op, 40);
VMB_UAPI_OFF(vmb_nouveau_vm_bind_op, flags, 4);
VMB_UAPI_OFF(vmb_nouveau_vm_bind_op, handle, 8);
VMB_UAPI_OFF(vmb_nouveau_vm_bind_op, pad, 12);
VMB_UAPI_OFF(vmb_nouveau_vm_bind_op, addr, 16);
VMB_UAPI_OFF(vmb_nouveau_vm_bind_op, bo_offset, 24);
VMB_UAPI_OFF(vmb_nouveau_vm_bind_op, range, 32);
#define VMB_NOUVEAU_VM_BIND_OP_MAP 0x0
#define VMB_NOUVEAU_VM_BIND_OP_UNMAP 0x1
#define VMB_NOUVEAU_VM_BIND_PTE_KIND_MASK 0xffu
#define VMB_NOUVEAU_VM_BIND_SPARSE (1u << 8)

struct vmb_nouveau_vm_bind {
	uint32_t op_count;
	uint32_t flags;
	uint32_t wait_count;
	uint32_t sig_count;
	uint64_t wait_ptr;
	uint64_t sig_ptr;
	uint64_t op_ptr;
};
VMB_UAPI_SIZE(vmb_nouveau_vm_bind, 40);
VMB_UAPI_OFF(vmb_nouveau_vm_bind, flags, 4);
VMB_UAPI_OFF(vmb_nouveau_vm_bind, wait_count, 8);
VMB_UAPI_OFF(vmb_nouveau_vm_bind, sig_count, 12);
VMB_UAPI_OFF(vmb_nouveau_vm_bind, wait_ptr, 16);
VMB_UAPI_OFF(vmb_nouveau_vm_bind, sig_ptr, 24);
VMB_UAPI_OFF(vmb_nouveau_vm_bind, op_ptr, 32);
#define VMB_NOUVEAU_VM_BIND_RUN_ASYNC 0x1

struct vmb_nouveau_exec_push {
	uint64_t va;
	uint32_t va_len;
	uint32_t flags;
};
VMB_UAPI_SIZE(vmb_nouveau_exec_push, 16);
VMB_UAPI_OFF(vmb_nouveau_exec_push, va_len, 8);
VMB_UAPI_OFF(vmb_nouveau_exec_push, flags, 12);

struct vmb_nouveau_exec {
	uint32_t channel;
	uint32_t push_count;
	uint32_t wait_count;
	uint32_t sig_count;
	uint64_t wait_ptr;
	uint64_t sig_ptr;
	uint64_t push_ptr;
};
VMB_UAPI_SIZE(vmb_nouveau_exec, 40);
VMB_UAPI_OFF(vmb_nouveau_exec, push_count, 4);
VMB_UAPI_OFF(vmb_nouveau_exec, wait_count, 8);
VMB_UAPI_OFF(vmb_nouveau_exec, sig_count, 12);
VMB_UAPI_OFF(vmb_nouveau_exec, wait_ptr, 16);
VMB_UAPI_OFF(vmb_nouveau_exec, sig_ptr, 24);
VMB_UAPI_OFF(vmb_nouveau_exec, push_ptr, 32);

struct vmb_nouveau_gem_info {
	uint32_t handle;
	uint32_t domain;
	uint64_t size;
	uint64_t offset;
	uint64_t map_handle;
	uint32_t tile_mode;
	uint32_t tile_flags;
};
VMB_UAPI_SIZE(vmb_nouveau_gem_info, 40);
VMB_UAPI_OFF(vmb_nouveau_gem_info, domain, 4);
VMB_UAPI_OFF(vmb_nouveau_gem_info, size, 8);
VMB_UAPI_OFF(vmb_nouveau_gem_info, offset, 16);
VMB_UAPI_OFF(vmb_nouveau_gem_info, map_handle, 24);
VMB_UAPI_OFF(vmb_nouveau_gem_info, tile_mode, 32);
VMB_UAPI_OFF(vmb_nouveau_gem_info, tile_flags, 36);
#define VMB_NOUVEAU_GEM_DOMAIN_VRAM (1u << 1)
#define VMB_NOUVEAU_GEM_DOMAIN_GART (1u << 2)
#define VMB_NOUVEAU_GEM_DOMAIN_MAPPABLE (1u << 3)
#define VMB_NOUVEAU_GEM_DOMAIN_NO_SHARE (1u << 5)

struct vmb_nouveau_gem_new {
	struct vmb_nouveau_gem_info info;
	uint32_t channel_hint;
	uint32_t align;
};
VMB_UAPI_SIZE(vmb_nouveau_gem_new, 48);
VMB_UAPI_OFF(vmb_nouveau_gem_new, channel_hint, 40);
VMB_UAPI_OFF(vmb_nouveau_gem_new, align, 44);

#define VMB_DRM_NOUVEAU_GETPARAM 0x00
#define VMB_DRM_NOUVEAU_CHANNEL_ALLOC 0x02
#define VMB_DRM_NOUVEAU_CHANNEL_FREE 0x03
#define VMB_DRM_NOUVEAU_VM_INIT 0x10
#define VMB_DRM_NOUVEAU_VM_BIND 0x11
#define VMB_DRM_NOUVEAU_EXEC 0x12
#define VMB_DRM_NOUVEAU_GEM_NEW 0x40
#define VMB_DRM_NOUVEAU_GEM_INFO 0x44

#define VMB_NOUVEAU_IOWR(nr, t) VMB_DRM_IOWR(VMB_DRM_COMMAND_BASE + (nr), t)
#define VMB_DRM_IOCTL_NOUVEAU_GETPARAM                                                             \
	VMB_NOUVEAU_IOWR(VMB_DRM_NOUVEAU_GETPARAM, struct vmb_nouveau_getparam)
#define VMB_DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC                                                        \
	VMB_NOUVEAU_IOWR(VMB_DRM_NOUVEAU_CHANNEL_ALLOC, struct vmb_nouveau_channel_alloc)
#define VMB_DRM_IOCTL_NOUVEAU_CHANNEL_FREE                                                         \
	VMB_DRM_IOW(VMB_DRM_COMMAND_BASE + VMB_DRM_NOUVEAU_CHANNEL_FREE,                           \
		    struct vmb_nouveau_channel_free)
#define VMB_DRM_IOCTL_NOUVEAU_VM_INIT                                                              \
	VMB_NOUVEAU_IOWR(VMB_DRM_NOUVEAU_VM_INIT, struct vmb_nouveau_vm_init)
#define VMB_DRM_IOCTL_NOUVEAU_VM_BIND                                                              \
	VMB_NOUVEAU_IOWR(VMB_DRM_NOUVEAU_VM_BIND, struct vmb_nouveau_vm_bind)
#define VMB_DRM_IOCTL_NOUVEAU_EXEC VMB_NOUVEAU_IOWR(VMB_DRM_NOUVEAU_EXEC, struct vmb_nouveau_exec)
#define VMB_DRM_IOCTL_NOUVEAU_GEM_NEW                                                              \
	VMB_NOUVEAU_IOWR(VMB_DRM_NOUVEAU_GEM_NEW, struct vmb_nouveau_gem_new)
#define VMB_DRM_IOCTL_NOUVEAU_GEM_INFO                                                             \
	VMB_NOUVEAU_IOWR(VMB_DRM_NOUVEAU_GEM_INFO, struct vmb_nouveau_gem_info)

#endif /* VMB_UAPI_NOUVEAU_H */
