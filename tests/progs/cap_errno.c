// SPDX-License-Identifier: MIT
/*
 * cap_errno.c - prints the return value and errno of a fixed list of
 * system calls, most of them failing, so tests/capture.sh can check that
 * the output is byte-identical with and without the capturer.
 *
 *   cap_errno [badptr]    badptr: also DRM ioctls with invalid pointers
 *
 * DRM cases run when /dev/dri/renderD128 opens (the shim); the others
 * (non-DRM ioctls, DRM-type ioctls on non-DRM files, close/dup of bad
 * descriptors, munmap/madvise errors) always run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include "uapi/drm_core.h"

#define SHOW(name, expr)                                                                           \
	do {                                                                                       \
		errno = 12345;                                                                     \
		long r_ = (long)(expr);                                                            \
		int e_ = errno;                                                                    \
		printf("%-28s ret=%ld errno=%d\n", name, r_, r_ < 0 ? e_ : 0);                     \
		if (r_ >= 0 && e_ != 12345)                                                        \
			printf("%-28s errno changed on success: %d\n", name, e_);                  \
	} while (0)

int main(int argc, char **argv)
{
	int badptr = argc > 1 && !strcmp(argv[1], "badptr");
	struct termios tio;
	int null = open("/dev/null", O_RDWR);
	int fd = open("/dev/dri/renderD128", O_RDWR);
	void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* stays reserved and inaccessible: an unmapped hole may be reused by
	 * an allocator (a sanitizer's, the capturer's) before it is passed */
	void *guard = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	SHOW("tcgetattr(/dev/null)", ioctl(null, TCGETS, &tio));
	SHOW("FIONREAD(bad fd)", ioctl(999, FIONREAD, &(int){0}));
	SHOW("DRM VERSION(/dev/null)",
	     ioctl(null, VMB_DRM_IOCTL_VERSION, &(struct vmb_drm_version){0}));
	SHOW("DRM GEM_CLOSE(bad fd)",
	     ioctl(998, VMB_DRM_IOCTL_GEM_CLOSE, &(struct vmb_drm_gem_close){1, 0}));
	SHOW("close(bad fd)", close(997));
	SHOW("dup2(bad fd)", dup2(996, 995));
	SHOW("fcntl(F_DUPFD, bad)", fcntl(994, F_DUPFD, 0));
	SHOW("munmap(unaligned)", munmap((char *)hole + 1, 10));
	SHOW("madvise(bad advice)", madvise(hole, 4096, 12345));
	SHOW("munmap(hole)", munmap(hole, 4096));
	if (fd >= 0) {
		struct vmb_drm_syncobj_create c = {0};
		uint32_t h;
		struct vmb_drm_syncobj_wait w = {
		    .handles = (uintptr_t)&h, .count_handles = 1, .timeout_nsec = 0};

		SHOW("GEM_CLOSE(unknown handle)",
		     ioctl(fd, VMB_DRM_IOCTL_GEM_CLOSE, &(struct vmb_drm_gem_close){4242, 0}));
		SHOW("SYNCOBJ_DESTROY(unknown)", ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_DESTROY,
						       &(struct vmb_drm_syncobj_destroy){4242, 0}));
		SHOW("SYNCOBJ_CREATE", ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &c));
		h = c.handle;
		SHOW("SYNCOBJ_WAIT(unsignaled, 0)", ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_WAIT, &w));
		if (badptr) {
			w.handles = (uintptr_t)guard;
			SHOW("SYNCOBJ_WAIT(bad pointer)",
			     ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_WAIT, &w));
			SHOW("SYNCOBJ_WAIT(NULL arg)", ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_WAIT, NULL));
			/*
			 * the capturer copies a signal's arrays before the call,
			 * directly when they lie on the caller's stack: a bad
			 * pointer and a NULL one must still fail as they do
			 * without it
			 */
			SHOW("SYNCOBJ_SIGNAL(bad handles)",
			     ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_SIGNAL,
				   &(struct vmb_drm_syncobj_array){(uintptr_t)guard, 1, 0}));
			SHOW("SYNCOBJ_SIGNAL(bad arg)",
			     ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_SIGNAL, guard));
			SHOW("SYNCOBJ_SIGNAL(NULL arg)",
			     ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_SIGNAL, NULL));
		}
		SHOW("unknown DRM ioctl", ioctl(fd, _IOWR('d', 0x9f, uint64_t), &(uint64_t){0}));
		SHOW("SYNCOBJ_SIGNAL", ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_SIGNAL,
					     &(struct vmb_drm_syncobj_array){(uintptr_t)&h, 1, 0}));
		SHOW("SYNCOBJ_DESTROY", ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_DESTROY,
					      &(struct vmb_drm_syncobj_destroy){h, 0}));
		SHOW("close(drm)", close(fd));
		SHOW("GEM_CLOSE(closed fd)",
		     ioctl(fd, VMB_DRM_IOCTL_GEM_CLOSE, &(struct vmb_drm_gem_close){1, 0}));
	} else {
		printf("no render node: DRM cases skipped\n");
	}
	close(null);
	return 0;
}
