// SPDX-License-Identifier: MIT
/*
 * cap_stress.c - many threads hammering a DRM fd, for tests/capture.sh.
 *
 *   cap_stress [THREADS [OPS [WAVE]]]   (default 16 x 20000, all at once)
 *
 * With WAVE, at most WAVE threads run at a time (thread churn: buffers of
 * exited threads are drained and freed while new threads record).
 *
 * Each thread creates its own timeline syncobj and signals points 1..OPS
 * on it; every 10th op instead signals the next point of one syncobj shared
 * by all threads, under a mutex, so the kernel sees those in a known order.
 * The test checks in the trace: every op once, each thread's points in
 * order, the shared points in increasing order, x_seq increasing.
 * Prints "shared N" (shared signals made) and exits 0 when every ioctl
 * succeeded. Needs a render node (the shim) at /dev/dri/renderD128.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "uapi/drm_core.h"

static int fd, ops = 20000;
static uint32_t shared;
static uint64_t shared_point;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int failures;

static int signal_point(uint32_t h, uint64_t p)
{
	struct vmb_drm_syncobj_timeline_array a = {
	    .handles = (uintptr_t)&h, .points = (uintptr_t)&p, .count_handles = 1};

	return ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a);
}

static uint32_t create(void)
{
	struct vmb_drm_syncobj_create c = {0};

	if (ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &c))
		return 0;
	return c.handle;
}

static void *worker(void *arg)
{
	uint32_t mine = create();
	uint64_t p = 0;

	(void)arg;
	if (!mine) {
		__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	for (int i = 0; i < ops; i++) {
		int r;

		if (i % 10 == 9) {
			pthread_mutex_lock(&lock);
			r = signal_point(shared, ++shared_point);
			pthread_mutex_unlock(&lock);
		} else {
			r = signal_point(mine, ++p);
		}
		if (r)
			__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 16;
	int wave = argc > 3 ? atoi(argv[3]) : threads;
	pthread_t t[1024];

	if (argc > 2)
		ops = atoi(argv[2]);
	if (threads < 1 || threads > 1024 || ops < 1 || wave < 1)
		return 2;
	fd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("cap_stress: /dev/dri/renderD128");
		return 77;
	}
	shared = create();
	if (!shared)
		return 1;
	for (int i = 0; i < threads; i += wave) {
		int n = threads - i < wave ? threads - i : wave;

		for (int k = 0; k < n; k++)
			pthread_create(&t[i + k], NULL, worker, NULL);
		for (int k = 0; k < n; k++)
			pthread_join(t[i + k], NULL);
	}
	printf("shared %llu\n", (unsigned long long)shared_point);
	close(fd);
	return failures ? 1 : 0;
}
