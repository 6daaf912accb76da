// SPDX-License-Identifier: MIT
/*
 * mt_gem_va.c - two threads on one amdgpu VM the way RADV's threaded
 * submit uses it, for tests/shim-threads.sh (over the shim, with and
 * without the capturer).
 *
 *   mt_gem_va [ITERATIONS]   (default 200)
 *
 * Hand-off: per iteration the main thread resets a binary syncobj, asks a
 * bind thread for work and waits on the syncobj with WAIT_FOR_SUBMIT and no
 * timeout; the bind thread REPLACEs pages of a PRT range with a BO and back
 * with PRT, then signals the syncobj. The wait must return 0 and only after
 * the bind thread's work (SYNCOBJ_RESET drops the old fence, and the wait
 * sleeps until the other thread signals: drm_syncobj.c).
 *
 * Race: two threads REPLACE overlapping ranges, each with its own BO, and
 * now and then CLEAR them; each bind splits or removes what the other
 * thread mapped, so the layout and the gpuvm map/remap/unmap counts depend
 * on the order the kernel applied them: a capture replays to the same
 * counts only when it has the two threads' binds in that order.
 *
 * Prints "handoff: N ok" and "race: ..." and exits 0 when all is well;
 * needs the shim's render node with VMB_SHIM_DRIVER=amdgpu.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "uapi/amdgpu.h"
#include "uapi/drm_core.h"

#define PAGE 0x1000ull
#define PRT_VA 0x100000000ull /* a 16-page PRT range */
#define PRT_SIZE (16 * PAGE)
#define RACE_VA 0x200000000ull
#define RACE_SIZE (4 * PAGE) /* the second range starts halfway into the first */

static int fd, iters = 200;
static uint32_t bo[2], done_syncobj;
static atomic_int request, completed, failures;
static pthread_barrier_t start;

/* the ioctl's -errno, or 0 */
static int io(unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static void fail(const char *what, int ret)
{
	fprintf(stderr, "mt_gem_va: %s: %d\n", what, ret);
	atomic_fetch_add(&failures, 1);
}

static int gem_va(uint32_t op, uint32_t handle, uint64_t va, uint64_t size, uint64_t off)
{
	struct vmb_amdgpu_gem_va v = {.handle = handle,
				      .operation = op,
				      .va_address = va,
				      .offset_in_bo = off,
				      .map_size = size};

	v.flags = handle ? VMB_AMDGPU_VM_PAGE_READABLE | VMB_AMDGPU_VM_PAGE_WRITEABLE
			 : VMB_AMDGPU_VM_PAGE_PRT;
	return io(VMB_DRM_IOCTL_AMDGPU_GEM_VA, &v);
}

static int syncobj_array(unsigned long req, uint32_t h)
{
	struct vmb_drm_syncobj_array a = {.handles = (uintptr_t)&h, .count_handles = 1};

	return io(req, &a);
}

/* the bind thread: per request, sparse binds then a signal */
static void *bind_thread(void *arg)
{
	(void)arg;
	for (int i = 1; i <= iters; i++) {
		int ret;

		while (atomic_load(&request) < i)
			sched_yield();
		for (uint64_t p = 0; p < PRT_SIZE; p += 2 * PAGE) {
			ret = gem_va(VMB_AMDGPU_VA_OP_REPLACE, bo[0], PRT_VA + p, PAGE, p);
			if (!ret)
				ret = gem_va(VMB_AMDGPU_VA_OP_REPLACE, 0, PRT_VA + p, PAGE, 0);
			if (ret)
				fail("sparse REPLACE", ret);
		}
		atomic_store(&completed, i);
		ret = syncobj_array(VMB_DRM_IOCTL_SYNCOBJ_SIGNAL, done_syncobj);
		if (ret)
			fail("SYNCOBJ_SIGNAL", ret);
	}
	return NULL;
}

static int handoff(void)
{
	pthread_t t;
	int ok = 0;

	if (pthread_create(&t, NULL, bind_thread, NULL))
		return -1;
	for (int i = 1; i <= iters; i++) {
		struct vmb_drm_syncobj_wait w = {.handles = (uintptr_t)&done_syncobj,
						 .timeout_nsec = INT64_MAX,
						 .count_handles = 1,
						 .flags =
						     VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
						     VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT};
		int ret = syncobj_array(VMB_DRM_IOCTL_SYNCOBJ_RESET, done_syncobj);

		if (ret) {
			fail("SYNCOBJ_RESET", ret);
			break;
		}
		atomic_store(&request, i);
		ret = io(VMB_DRM_IOCTL_SYNCOBJ_WAIT, &w);
		if (ret) {
			fail("SYNCOBJ_WAIT (WAIT_FOR_SUBMIT, no timeout)", ret);
			break;
		}
		if (atomic_load(&completed) != i) {
			fprintf(stderr,
				"mt_gem_va: iteration %d: the wait returned before the bind thread "
				"signalled (it is at %d)\n",
				i, atomic_load(&completed));
			atomic_fetch_add(&failures, 1);
			break;
		}
		ok++;
	}
	if (ok < iters)
		atomic_store(&request, iters); /* let the bind thread run out */
	pthread_join(t, NULL);
	printf("handoff: %d ok\n", ok);
	return 0;
}

/* one racer: REPLACE its range (overlapping the other's) and now and then CLEAR it */
static void *race_thread(void *arg)
{
	int which = (int)(intptr_t)arg;
	uint64_t va = RACE_VA + (uint64_t)which * RACE_SIZE / 2;

	pthread_barrier_wait(&start);
	for (int i = 0; i < iters * 4; i++) {
		int ret = i % 8 == 7
			      ? gem_va(VMB_AMDGPU_VA_OP_CLEAR, 0, va, RACE_SIZE, 0)
			      : gem_va(VMB_AMDGPU_VA_OP_REPLACE, bo[which], va, RACE_SIZE, 0);

		if (ret)
			fail(i % 8 == 7 ? "racing CLEAR" : "racing REPLACE", ret);
		sched_yield(); /* let the other racer in between */
	}
	return NULL;
}

static void race(void)
{
	pthread_t t[2];

	pthread_barrier_init(&start, NULL, 2);
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, race_thread, (void *)(intptr_t)i))
			fail("pthread_create", -1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	printf("race: %d REPLACE/CLEAR each on two overlapping ranges\n", iters * 4);
}

int main(int argc, char **argv)
{
	struct vmb_drm_syncobj_create sc = {0};

	if (argc > 1)
		iters = atoi(argv[1]);
	if (iters < 1) {
		fprintf(stderr, "usage: mt_gem_va [ITERATIONS >= 1]\n");
		return 2;
	}
	fd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("mt_gem_va: /dev/dri/renderD128");
		return 1;
	}
	for (int i = 0; i < 2; i++) {
		union vmb_amdgpu_gem_create c = {
		    .in = {.bo_size = PRT_SIZE, .domains = 0x4, .alignment = PAGE}};
		int ret = io(VMB_DRM_IOCTL_AMDGPU_GEM_CREATE, &c);

		if (ret) {
			fail("GEM_CREATE", ret);
			return 1;
		}
		bo[i] = c.out.handle;
	}
	if (io(VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sc) ||
	    gem_va(VMB_AMDGPU_VA_OP_MAP, 0, PRT_VA, PRT_SIZE, 0)) {
		fail("SYNCOBJ_CREATE / PRT MAP", -errno);
		return 1;
	}
	done_syncobj = sc.handle;
	if (handoff())
		fail("pthread_create", -1);
	race();
	gem_va(VMB_AMDGPU_VA_OP_CLEAR, 0, PRT_VA, PRT_SIZE, 0);
	{
		struct vmb_drm_syncobj_destroy d = {.handle = done_syncobj};

		io(VMB_DRM_IOCTL_SYNCOBJ_DESTROY, &d);
	}
	close(fd);
	return atomic_load(&failures) ? 1 : 0;
}
