/* SPDX-License-Identifier: MIT */
/*
 * drm_core.h - ABI-exact definitions of the DRM core ioctls vmbench uses
 * (version, GEM close, capabilities, PRIME, syncobjs incl. timelines),
 * written from the layouts documented in reference/uapi.md and checked with static asserts
 * against the documented x86_64 sizes and offsets.
 *
 * Self-contained (only <stdint.h> and <linux/ioctl.h>) and prefixed vmb_ so
 * it can be included next to libdrm's drm.h, and by capture/.
 */
#ifndef VMB_UAPI_DRM_CORE_H
#define VMB_UAPI_DRM_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/ioctl.h>

#define VMB_DRM_IOCTL_BASE 0x64 /* 'd' */
#define VMB_DRM_COMMAND_BASE 0x40
#define VMB_DRM_MAJOR 226

#define VMB_DRM_IO(nr) _IO(VMB_DRM_IOCTL_BASE, nr)
#define VMB_DRM_IOW(nr, type) _IOW(VMB_DRM_IOCTL_BASE, nr, type)
#define VMB_DRM_IOR(nr, type) _IOR(VMB_DRM_IOCTL_BASE, nr, type)
#define VMB_DRM_IOWR(nr, type) _IOWR(VMB_DRM_IOCTL_BASE, nr, type)

/* Compile-time layout checks (x86_64 / LP64 figures from uapi.md). */
#define VMB_UAPI_SIZE(type, size) _Static_assert(sizeof(struct type) == (size), #type " size")
#define VMB_UAPI_OFF(type, field, off)                                                             \
	_Static_assert(offsetof(struct type, field) == (off), #type "." #field " offset")

/** struct vmb_drm_version - DRM_IOCTL_VERSION (two-call: lengths, then buffers) */
struct vmb_drm_version {
	int32_t version_major;
	int32_t version_minor;
	int32_t version_patchlevel;
	uint32_t pad;
	uint64_t name_len;
	char *name;
	uint64_t date_len;
	char *date;
	uint64_t desc_len;
	char *desc;
};
VMB_UAPI_SIZE(vmb_drm_version, 64);
VMB_UAPI_OFF(vmb_drm_version, version_patchlevel, 8);
VMB_UAPI_OFF(vmb_drm_version, name_len, 16);
VMB_UAPI_OFF(vmb_drm_version, name, 24);
VMB_UAPI_OFF(vmb_drm_version, date_len, 32);
VMB_UAPI_OFF(vmb_drm_version, date, 40);
VMB_UAPI_OFF(vmb_drm_version, desc_len, 48);
VMB_UAPI_OFF(vmb_drm_version, desc, 56);

struct vmb_drm_gem_close {
	uint32_t handle;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_drm_gem_close, 8);

struct vmb_drm_get_cap {
	uint64_t capability;
	uint64_t value;
};
VMB_UAPI_SIZE(vmb_drm_get_cap, 16);
VMB_UAPI_OFF(vmb_drm_get_cap, value, 8);

#define VMB_DRM_CAP_PRIME 0x5
#define VMB_DRM_CAP_SYNCOBJ 0x13
#define VMB_DRM_CAP_SYNCOBJ_TIMELINE 0x14
#define VMB_DRM_PRIME_CAP_IMPORT 0x1
#define VMB_DRM_PRIME_CAP_EXPORT 0x2

struct vmb_drm_prime_handle {
	uint32_t handle;
	uint32_t flags; /* DRM_CLOEXEC (O_CLOEXEC), DRM_RDWR (O_RDWR) */
	int32_t fd;
};
VMB_UAPI_SIZE(vmb_drm_prime_handle, 12);
VMB_UAPI_OFF(vmb_drm_prime_handle, flags, 4);
VMB_UAPI_OFF(vmb_drm_prime_handle, fd, 8);

struct vmb_drm_syncobj_create {
	uint32_t handle;
	uint32_t flags;
};
VMB_UAPI_SIZE(vmb_drm_syncobj_create, 8);
#define VMB_DRM_SYNCOBJ_CREATE_SIGNALED (1u << 0)

struct vmb_drm_syncobj_destroy {
	uint32_t handle;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_drm_syncobj_destroy, 8);

struct vmb_drm_syncobj_handle {
	uint32_t handle;
	uint32_t flags;
	int32_t fd;
	uint32_t pad;
	uint64_t point;
};
VMB_UAPI_SIZE(vmb_drm_syncobj_handle, 24);
VMB_UAPI_OFF(vmb_drm_syncobj_handle, fd, 8);
VMB_UAPI_OFF(vmb_drm_syncobj_handle, point, 16);
#define VMB_DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE (1u << 0)
#define VMB_DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE (1u << 0)

struct vmb_drm_syncobj_transfer {
	uint32_t src_handle;
	uint32_t dst_handle;
	uint64_t src_point;
	uint64_t dst_point;
	uint32_t flags;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_drm_syncobj_transfer, 32);
VMB_UAPI_OFF(vmb_drm_syncobj_transfer, src_point, 8);
VMB_UAPI_OFF(vmb_drm_syncobj_transfer, dst_point, 16);
VMB_UAPI_OFF(vmb_drm_syncobj_transfer, flags, 24);

#define VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL (1u << 0)
#define VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT (1u << 1)
#define VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE (1u << 2)
#define VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE (1u << 3)

/** struct vmb_drm_syncobj_wait - 40 bytes since 6.8 (deadline_nsec), 32 before */
struct vmb_drm_syncobj_wait {
	uint64_t handles;
	int64_t timeout_nsec; /* absolute CLOCK_MONOTONIC */
	uint32_t count_handles;
	uint32_t flags;
	uint32_t first_signaled;
	uint32_t pad;
	uint64_t deadline_nsec;
};
VMB_UAPI_SIZE(vmb_drm_syncobj_wait, 40);
VMB_UAPI_OFF(vmb_drm_syncobj_wait, timeout_nsec, 8);
VMB_UAPI_OFF(vmb_drm_syncobj_wait, count_handles, 16);
VMB_UAPI_OFF(vmb_drm_syncobj_wait, flags, 20);
VMB_UAPI_OFF(vmb_drm_syncobj_wait, first_signaled, 24);
VMB_UAPI_OFF(vmb_drm_syncobj_wait, deadline_nsec, 32);

struct vmb_drm_syncobj_timeline_wait {
	uint64_t handles;
	uint64_t points;
	int64_t timeout_nsec;
	uint32_t count_handles;
	uint32_t flags;
	uint32_t first_signaled;
	uint32_t pad;
	uint64_t deadline_nsec;
};
VMB_UAPI_SIZE(vmb_drm_syncobj_timeline_wait, 48);
VMB_UAPI_OFF(vmb_drm_syncobj_timeline_wait, points, 8);
VMB_UAPI_OFF(vmb_drm_syncobj_timeline_wait, timeout_nsec, 16);
VMB_UAPI_OFF(vmb_drm_syncobj_timeline_wait, count_handles, 24);
VMB_UAPI_OFF(vmb_drm_syncobj_timeline_wait, flags, 28);
VMB_UAPI_OFF(vmb_drm_syncobj_timeline_wait, first_signaled, 32);
VMB_UAPI_OFF(vmb_drm_syncobj_timeline_wait, deadline_nsec, 40);

struct vmb_drm_syncobj_array {
	uint64_t handles;
	uint32_t count_handles;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_drm_syncobj_array, 16);
VMB_UAPI_OFF(vmb_drm_syncobj_array, count_handles, 8);

struct vmb_drm_syncobj_timeline_array {
	uint64_t handles;
	uint64_t points;
	uint32_t count_handles;
	uint32_t flags;
};
VMB_UAPI_SIZE(vmb_drm_syncobj_timeline_array, 24);
VMB_UAPI_OFF(vmb_drm_syncobj_timeline_array, points, 8);
VMB_UAPI_OFF(vmb_drm_syncobj_timeline_array, count_handles, 16);
VMB_UAPI_OFF(vmb_drm_syncobj_timeline_array, flags, 20);
#define VMB_DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED (1u << 0)

struct vmb_drm_syncobj_eventfd {
	uint32_t handle;
	uint32_t flags;
	uint64_t point;
	int32_t fd;
	uint32_t pad;
};
VMB_UAPI_SIZE(vmb_drm_syncobj_eventfd, 24);
VMB_UAPI_OFF(vmb_drm_syncobj_eventfd, point, 8);
VMB_UAPI_OFF(vmb_drm_syncobj_eventfd, fd, 16);

/* core ioctl numbers (nr; the full values are asserted in tests/test_uapi.c) */
#define VMB_DRM_IOCTL_VERSION VMB_DRM_IOWR(0x00, struct vmb_drm_version)
struct vmb_drm_gem_flink {
	uint32_t handle;
	uint32_t name;
};
VMB_UAPI_SIZE(vmb_drm_gem_flink, 8);

struct vmb_drm_gem_open {
	uint32_t name;
	uint32_t handle;
	uint64_t size;
};
VMB_UAPI_SIZE(vmb_drm_gem_open, 16);

#define VMB_DRM_IOCTL_GEM_CLOSE VMB_DRM_IOW(0x09, struct vmb_drm_gem_close)
#define VMB_DRM_IOCTL_GET_CAP VMB_DRM_IOWR(0x0c, struct vmb_drm_get_cap)
#define VMB_DRM_IOCTL_PRIME_HANDLE_TO_FD VMB_DRM_IOWR(0x2d, struct vmb_drm_prime_handle)
#define VMB_DRM_IOCTL_PRIME_FD_TO_HANDLE VMB_DRM_IOWR(0x2e, struct vmb_drm_prime_handle)
#define VMB_DRM_IOCTL_SYNCOBJ_CREATE VMB_DRM_IOWR(0xbf, struct vmb_drm_syncobj_create)
#define VMB_DRM_IOCTL_SYNCOBJ_DESTROY VMB_DRM_IOWR(0xc0, struct vmb_drm_syncobj_destroy)
#define VMB_DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD VMB_DRM_IOWR(0xc1, struct vmb_drm_syncobj_handle)
#define VMB_DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE VMB_DRM_IOWR(0xc2, struct vmb_drm_syncobj_handle)
#define VMB_DRM_IOCTL_SYNCOBJ_WAIT VMB_DRM_IOWR(0xc3, struct vmb_drm_syncobj_wait)
#define VMB_DRM_IOCTL_SYNCOBJ_RESET VMB_DRM_IOWR(0xc4, struct vmb_drm_syncobj_array)
#define VMB_DRM_IOCTL_SYNCOBJ_SIGNAL VMB_DRM_IOWR(0xc5, struct vmb_drm_syncobj_array)
#define VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT VMB_DRM_IOWR(0xca, struct vmb_drm_syncobj_timeline_wait)
#define VMB_DRM_IOCTL_SYNCOBJ_QUERY VMB_DRM_IOWR(0xcb, struct vmb_drm_syncobj_timeline_array)
#define VMB_DRM_IOCTL_SYNCOBJ_TRANSFER VMB_DRM_IOWR(0xcc, struct vmb_drm_syncobj_transfer)
#define VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL                                                      \
	VMB_DRM_IOWR(0xcd, struct vmb_drm_syncobj_timeline_array)
#define VMB_DRM_IOCTL_SYNCOBJ_EVENTFD VMB_DRM_IOWR(0xcf, struct vmb_drm_syncobj_eventfd)

/* pre-6.8 sizes of the two wait ioctls (libdrm 2.4.114 still uses them) */
#define VMB_DRM_IOCTL_SYNCOBJ_WAIT_OLD _IOC(_IOC_READ | _IOC_WRITE, VMB_DRM_IOCTL_BASE, 0xc3, 32)
#define VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT_OLD                                                    \
	_IOC(_IOC_READ | _IOC_WRITE, VMB_DRM_IOCTL_BASE, 0xca, 40)

#endif /* VMB_UAPI_DRM_CORE_H */
