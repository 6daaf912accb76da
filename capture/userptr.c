// SPDX-License-Identifier: MIT
/*
 * userptr.c - the CPU address ranges behind userptr bindings and userptr
 * BOs. munmap/mremap/madvise/MAP_FIXED on such a range is what triggers the
 * kernel's mmu notifier, so the interposer records it as a cpu_unmap op.
 *
 * Ranges are merged when they touch and trimmed when unmapped; they are
 * not removed on GPU unbind (a cpu_unmap that hits no userptr mapping is
 * harmless to replay). The check costs one atomic load while the program
 * has no userptr at all.
 */
#include <pthread.h>
#include <stdlib.h>

#include "capture.h"

struct urange {
	uint64_t start, end;
};

static pthread_mutex_t ur_lock = PTHREAD_MUTEX_INITIALIZER;
static struct urange *ur;
static size_t n_ur, cap_ur;
static atomic_size_t ur_count;

/**
 * cap_userptr_note() - CPU range [@addr, @addr + @size) backs a userptr
 * binding or BO; changes to it are recorded as cpu_unmap ops
 */
void cap_userptr_note(uint64_t addr, uint64_t size)
{
	if (!size)
		return;
	pthread_mutex_lock(&ur_lock);
	for (size_t i = 0; i < n_ur; i++) {
		if (addr <= ur[i].end && addr + size >= ur[i].start) {
			ur[i].start = ur[i].start < addr ? ur[i].start : addr;
			ur[i].end = ur[i].end > addr + size ? ur[i].end : addr + size;
			goto out;
		}
	}
	if (n_ur == cap_ur) {
		size_t n = cap_ur ? cap_ur * 2 : 16;
		struct urange *nr = realloc(ur, n * sizeof(*nr));

		if (!nr)
			goto out;
		ur = nr;
		cap_ur = n;
	}
	ur[n_ur++] = (struct urange){addr, addr + size};
	atomic_store(&ur_count, n_ur);
out:
	pthread_mutex_unlock(&ur_lock);
}

/** cap_userptr_any() - is any userptr range known? (one atomic load) */
bool cap_userptr_any(void)
{
	return atomic_load_explicit(&ur_count, memory_order_relaxed) != 0;
}

/**
 * cap_userptr_touched() - does [@addr, @addr + @len) touch a userptr range?
 * The touched part is forgotten (it is unmapped or replaced now).
 */
bool cap_userptr_touched(uint64_t addr, uint64_t len)
{
	bool hit = false;

	if (!atomic_load_explicit(&ur_count, memory_order_relaxed) || !len)
		return false;
	pthread_mutex_lock(&ur_lock);
	for (size_t i = 0; i < n_ur; i++) {
		if (addr >= ur[i].end || addr + len <= ur[i].start)
			continue;
		hit = true;
		if (addr <= ur[i].start && addr + len >= ur[i].end) {
			ur[i--] = ur[--n_ur];
		} else if (addr <= ur[i].start) {
			ur[i].start = addr + len;
		} else if (addr + len >= ur[i].end) {
			ur[i].end = addr;
		}
		/* a hole in the middle keeps the range whole: harmless */
	}
	atomic_store(&ur_count, n_ur);
	pthread_mutex_unlock(&ur_lock);
	return hit;
}

/* after fork: the lock may have been held by a thread that does not exist */
void cap_userptr_reset_after_fork(void)
{
	pthread_mutex_init(&ur_lock, NULL);
}
