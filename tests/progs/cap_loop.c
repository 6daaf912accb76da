// SPDX-License-Identifier: MIT
/*
 * cap_loop.c - a tight loop of ioctls for the capture benchmark and the
 * kill test.
 *
 *   cap_loop drm N       N x SYNCOBJ_SIGNAL on the render node (the shim)
 *   cap_loop nondrm N    N x FIONREAD on a pipe
 *   cap_loop slow N US   N x SYNCOBJ_SIGNAL with US microseconds between
 *                        them, printing "n K" every 100 ops (kill test)
 *   cap_loop pair N      FIONREAD through ioctl() (the interposer, when
 *                        preloaded) and through syscall(SYS_ioctl) (never
 *                        interposed), in alternating blocks of 1000; prints
 *                        the best block of each and the difference, which
 *                        is the interposer's fast-path cost without the
 *                        noise between separate runs
 *   cap_loop drm-pair N SHIM [heap|bind]
 *                        SYNCOBJ_SIGNAL through ioctl() (the capturer and
 *                        then the shim, with both preloaded) and straight
 *                        into the shim's own ioctl() (SHIM: the preloaded
 *                        libvmshim.so, found with RTLD_NOLOAD), alternating
 *                        blocks of 1000; prints the best block of each, and
 *                        as "ns_per_op" the median over the pairs of
 *                        adjacent blocks of their difference: what the
 *                        capturer adds to one recorded DRM ioctl on the
 *                        program's thread (the difference of the two best
 *                        blocks is printed too; one lucky or unlucky block
 *                        moves it, the median it does not). With
 *                        "heap" the handle array is on the heap instead of
 *                        the caller's stack (the capturer then copies it
 *                        through the kernel before the call). With "bind"
 *                        the ioctl is an xe VM_BIND of one 64 KiB BO,
 *                        mapping and unmapping it in turn (the shim must
 *                        be the xe one)
 *   cap_loop late-use N MS   creates syncobj A and leaves it unused while
 *                        N x SYNCOBJ_SIGNAL go to syncobj B, sleeps MS
 *                        milliseconds, then signals point 5 of A with
 *                        TIMELINE_SIGNAL (its first use: A is a timeline)
 *                        and destroys both (tests/capture.sh: the writer
 *                        holds A's creation back across ticks and passes)
 *
 * Prints "ns_per_op X" (wall time of the loop / N) and the CPU time per op
 * of the looping thread ("thread_cpu_ns_per_op"), which a loaded machine
 * disturbs far less than wall time.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "uapi/drm_core.h"
#include "uapi/xe.h"

static double cpu_ns(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 100000;
	long us = argc > 3 ? atol(argv[3]) : 0;
	int fails = 0;
	double t0, th0 = 0;

	if (argc < 2 || n < 1)
		return 2;
	if (!strcmp(argv[1], "pair")) {
		double best_libc = 1e30, best_sys = 1e30;
		int p[2], avail;

		if (pipe(p))
			return 1;
		for (long blk = 0; blk < n / 1000; blk++) {
			double a = now(), b, c;

			for (int i = 0; i < 1000; i++)
				fails += ioctl(p[0], FIONREAD, &avail) != 0;
			b = now();
			for (int i = 0; i < 1000; i++)
				fails += syscall(SYS_ioctl, p[0], FIONREAD, &avail) != 0;
			c = now();
			if ((b - a) / 1000 < best_libc)
				best_libc = (b - a) / 1000;
			if ((c - b) / 1000 < best_sys)
				best_sys = (c - b) / 1000;
		}
		printf("ns_per_op_ioctl %.1f\nns_per_op_syscall %.1f\nns_per_op %.1f\n", best_libc,
		       best_sys, best_libc - best_sys);
		return fails ? 1 : 0;
	}
	if (!strcmp(argv[1], "drm-pair")) {
		int (*shim_ioctl)(int, unsigned long, ...);
		struct vmb_drm_syncobj_create c = {0};
		struct vmb_drm_syncobj_array a = {.count_handles = 1};
		double best_cap = 1e30, best_shim = 1e30;
		long nblk = n / 1000 > 0 ? n / 1000 : 1;
		double *diff = calloc((size_t)nblk, sizeof(*diff));
		uint32_t *heap = malloc(sizeof(*heap));
		void *h = argc > 3 ? dlopen(argv[3], RTLD_NOW | RTLD_NOLOAD) : NULL;
		int fd = open("/dev/dri/renderD128", O_RDWR);

		shim_ioctl = h ? (int (*)(int, unsigned long, ...))dlsym(h, "ioctl") : NULL;
		if (!shim_ioctl || fd < 0 || !heap || !diff) {
			fprintf(stderr,
				"cap_loop: drm-pair needs the shim preloaded and its path\n");
			return 77;
		}
		if (ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &c))
			return 1;
		*heap = c.handle;
		a.handles =
		    argc > 4 && !strcmp(argv[4], "heap") ? (uintptr_t)heap : (uintptr_t)&c.handle;
		unsigned long req = VMB_DRM_IOCTL_SYNCOBJ_SIGNAL;
		void *arg = &a;
		struct vmb_xe_vm_create vc = {0};
		struct vmb_xe_gem_create gc = {.size = 65536, .placement = 1, .cpu_caching = 1};
		struct vmb_xe_vm_bind b = {.num_binds = 1};

		if (argc > 4 && !strcmp(argv[4], "bind")) {
			if (ioctl(fd, VMB_DRM_IOCTL_XE_VM_CREATE, &vc) ||
			    ioctl(fd, VMB_DRM_IOCTL_XE_GEM_CREATE, &gc))
				return 1;
			b.vm_id = vc.vm_id;
			b.bind.addr = 1ull << 32;
			b.bind.range = 65536;
			b.bind.pat_index = 2;
			req = VMB_DRM_IOCTL_XE_VM_BIND;
			arg = &b;
		}
		for (long blk = 0; blk < n / 1000; blk++) {
			double t_a = now(), t_b, t_c;

			/* 1000 calls: a bind ends unmapped, as it began */
			for (int i = 0; i < 1000; i++) {
				b.bind.op = i & 1 ? VMB_XE_VM_BIND_OP_UNMAP : VMB_XE_VM_BIND_OP_MAP;
				b.bind.obj = i & 1 ? 0 : gc.handle;
				fails += ioctl(fd, req, arg) != 0;
			}
			t_b = now();
			for (int i = 0; i < 1000; i++) {
				b.bind.op = i & 1 ? VMB_XE_VM_BIND_OP_UNMAP : VMB_XE_VM_BIND_OP_MAP;
				b.bind.obj = i & 1 ? 0 : gc.handle;
				fails += shim_ioctl(fd, req, arg) != 0;
			}
			t_c = now();
			if ((t_b - t_a) / 1000 < best_cap)
				best_cap = (t_b - t_a) / 1000;
			if ((t_c - t_b) / 1000 < best_shim)
				best_shim = (t_c - t_b) / 1000;
			diff[blk] = ((t_b - t_a) - (t_c - t_b)) / 1000;
		}
		qsort(diff, (size_t)nblk, sizeof(*diff), cmp_double);
		printf("ns_per_op_capture %.1f\nns_per_op_shim %.1f\nns_per_op_best_diff %.1f\n"
		       "ns_per_op %.1f\n",
		       best_cap, best_shim, best_cap - best_shim, diff[nblk / 2]);
		free(diff);
		free(heap);
		return fails ? 1 : 0;
	}
	if (!strcmp(argv[1], "late-use")) {
		int fd = open("/dev/dri/renderD128", O_RDWR);
		struct vmb_drm_syncobj_create ca = {0}, cb = {0};
		struct vmb_drm_syncobj_array sb = {.count_handles = 1};
		struct vmb_drm_syncobj_destroy d = {0};
		uint64_t point = 5;
		struct vmb_drm_syncobj_timeline_array ta = {.count_handles = 1};

		if (fd < 0) {
			perror("cap_loop: /dev/dri/renderD128");
			return 77;
		}
		if (argc < 4 || ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &ca) ||
		    ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &cb))
			return 1;
		sb.handles = (uintptr_t)&cb.handle;
		for (long i = 0; i < n; i++)
			fails += ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_SIGNAL, &sb) != 0;
		usleep((useconds_t)atoi(argv[3]) * 1000);
		ta.handles = (uintptr_t)&ca.handle;
		ta.points = (uintptr_t)&point;
		fails += ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ta) != 0;
		d.handle = ca.handle;
		fails += ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_DESTROY, &d) != 0;
		d.handle = cb.handle;
		fails += ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_DESTROY, &d) != 0;
		return fails ? 1 : 0;
	}
	if (!strcmp(argv[1], "nondrm")) {
		int p[2], avail;

		if (pipe(p))
			return 1;
		th0 = cpu_ns(RUSAGE_THREAD);
		t0 = now();
		for (long i = 0; i < n; i++)
			fails += ioctl(p[0], FIONREAD, &avail) != 0;
	} else {
		int fd = open("/dev/dri/renderD128", O_RDWR);
		struct vmb_drm_syncobj_create c = {0};
		struct vmb_drm_syncobj_array a = {.count_handles = 1};

		if (fd < 0) {
			perror("cap_loop: /dev/dri/renderD128");
			return 77;
		}
		if (ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &c))
			return 1;
		a.handles = (uintptr_t)&c.handle;
		th0 = cpu_ns(RUSAGE_THREAD);
		t0 = now();
		for (long i = 0; i < n; i++) {
			fails += ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_SIGNAL, &a) != 0;
			if (us) {
				usleep((useconds_t)us);
				if (i % 100 == 99) {
					printf("n %ld\n", i + 1);
					fflush(stdout);
				}
			}
		}
	}
	printf("ns_per_op %.1f\n", (now() - t0) / (double)n);
	printf("thread_cpu_ns_per_op %.1f\n", (cpu_ns(RUSAGE_THREAD) - th0) / (double)n);
	return fails ? 1 : 0;
}
