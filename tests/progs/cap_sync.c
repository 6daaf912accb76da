// SPDX-License-Identifier: MIT
/*
 * cap_sync.c - the syncobj fence moves a trace records as transfer,
 * syncobj_reset, sync_file_export and sync_file_import, issued as raw
 * ioctls on /dev/dri/renderD128 (the shim or a real GPU), with their
 * results printed, so tests/capture.sh can check the capture of each one
 * and that the capture replays with the same results.
 *
 *   cap_sync       exit 0 when every call answered what drm_syncobj.c answers
 *
 * Last, a WAIT_FOR_SUBMIT wait that another thread's signal satisfies
 * (Mesa's queue submission threads do this), and one that times out.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "uapi/drm_core.h"

static int fd, bad;

/* one call, its result against the kernel's */
static void expect(const char *name, int r, int want)
{
	int got = r < 0 ? -errno : 0;

	printf("%-40s %d%s\n", name, got, got == want ? "" : " (unexpected)");
	if (got != want) {
		printf("#   want %d\n", want);
		bad = 1;
	}
}

static uint32_t create(uint32_t flags)
{
	struct vmb_drm_syncobj_create c = {.flags = flags};

	expect("SYNCOBJ_CREATE", ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &c), 0);
	return c.handle;
}

static int wait1(uint32_t h, uint64_t point, int64_t timeout)
{
	struct vmb_drm_syncobj_timeline_wait w = {.handles = (uintptr_t)&h,
						  .points = (uintptr_t)&point,
						  .timeout_nsec = timeout,
						  .count_handles = 1};

	return ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
}

static int transfer(uint32_t src, uint64_t src_point, uint32_t dst, uint64_t dst_point,
		    uint32_t flags)
{
	struct vmb_drm_syncobj_transfer t = {.src_handle = src,
					     .dst_handle = dst,
					     .src_point = src_point,
					     .dst_point = dst_point,
					     .flags = flags};

	return ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_TRANSFER, &t);
}

static int reset(uint32_t *h, uint32_t n)
{
	struct vmb_drm_syncobj_array a = {.handles = (uintptr_t)h, .count_handles = n};

	return ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_RESET, &a);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* signals the syncobj at @arg after 20 ms */
static void *late_signal(void *arg)
{
	struct vmb_drm_syncobj_array a = {.handles = (uintptr_t)arg, .count_handles = 1};

	nanosleep(&(struct timespec){0, 20000000}, NULL);
	ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_SIGNAL, &a);
	return NULL;
}

static int wait_submit(uint32_t h, int64_t timeout)
{
	struct vmb_drm_syncobj_wait w = {.handles = (uintptr_t)&h,
					 .timeout_nsec = timeout,
					 .count_handles = 1,
					 .flags = VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT};

	return ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_WAIT, &w);
}

int main(void)
{
	struct vmb_drm_syncobj_handle x = {0};
	uint32_t a, b, c, h[2];
	int sf;

	fd = open("/dev/dri/renderD128", O_RDWR);
	if (fd < 0) {
		perror("/dev/dri/renderD128");
		return 77;
	}
	a = create(VMB_DRM_SYNCOBJ_CREATE_SIGNALED);
	b = create(0);
	c = create(0);

	/* drm_syncobj_transfer_to_timeline, then _to_binary from that point */
	expect("TRANSFER a -> b:1", transfer(a, 0, b, 1, 0), 0);
	expect("TRANSFER b:1 -> c (wait_for_submit)",
	       transfer(b, 1, c, 0, VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT), 0);
	expect("TRANSFER b:2 -> c (not submitted)", transfer(b, 2, c, 0, 0), -EINVAL);
	expect("TRANSFER a -> unknown", transfer(a, 0, 4242, 0, 0), -ENOENT);
	expect("WAIT c", wait1(c, 0, INT64_MAX), 0);
	expect("WAIT b:1", wait1(b, 1, INT64_MAX), 0);

	/* drm_syncobj_export_sync_file: the fence of the moment */
	x.handle = c;
	x.flags = VMB_DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE;
	expect("HANDLE_TO_FD c (sync_file)", ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &x), 0);
	sf = x.fd;

	/* drm_syncobj_reset_ioctl: no fence any more */
	h[0] = c;
	h[1] = a;
	expect("RESET c, a", reset(h, 2), 0);
	expect("WAIT c after reset", wait1(c, 0, 0), -EINVAL);
	h[1] = 4242;
	expect("RESET c, unknown", reset(h, 2), -ENOENT);

	/* drm_syncobj_import_sync_file_fence: c gets the exported fence back */
	x.handle = c;
	x.flags = VMB_DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE;
	x.fd = sf;
	expect("FD_TO_HANDLE c (sync_file)", ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &x), 0);
	expect("WAIT c after import", wait1(c, 0, INT64_MAX), 0);
	x.handle = a;
	expect("FD_TO_HANDLE a (sync_file)", ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &x), 0);
	expect("WAIT a after import", wait1(a, 0, INT64_MAX), 0);
	close(sf);
	x.fd = sf;
	expect("FD_TO_HANDLE (closed fd)", ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &x),
	       -EINVAL);

	/* drm_syncobj_array_wait_timeout with WAIT_FOR_SUBMIT: the fence comes later */
	{
		uint32_t d = create(0);
		pthread_t th;

		if (pthread_create(&th, NULL, late_signal, &d) == 0) {
			expect("WAIT d (for submit, another thread)", wait_submit(d, INT64_MAX), 0);
			pthread_join(th, NULL);
		}
		h[0] = d;
		expect("RESET d", reset(h, 1), 0);
		expect("WAIT d (for submit, none, 50 ms)",
		       wait_submit(d, (int64_t)(mono_ns() + 50000000)), -ETIME);
		expect("SYNCOBJ_DESTROY",
		       ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_DESTROY,
			     &(struct vmb_drm_syncobj_destroy){d, 0}),
		       0);
	}

	for (uint32_t *p = (uint32_t[]){a, b, c}, i = 0; i < 3; i++)
		expect("SYNCOBJ_DESTROY",
		       ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_DESTROY,
			     &(struct vmb_drm_syncobj_destroy){p[i], 0}),
		       0);
	close(fd);
	return bad;
}
