// SPDX-License-Identifier: MIT
/*
 * syncfile.c - which fds are sync_files that a recorded
 * SYNCOBJ_HANDLE_TO_FD (EXPORT_SYNC_FILE) made, so that a later
 * SYNCOBJ_FD_TO_HANDLE (IMPORT_SYNC_FILE) of the same fd can name the
 * export's sync_file id, and an import of any other sync_file (a dma-buf's,
 * another process's, a dup) is recorded as one from outside the trace.
 *
 * A bitmap indexed by fd, in pages allocated on first use, read and written
 * with atomics and no lock; close(), close_range(), dup2()/dup3() onto an
 * fd clear its bit (interposer.c, fdtable.c).
 */
#include <pthread.h>
#include <stdlib.h>

#include "capture.h"

#define PAGE_BITS (64u * 1024u)
#define PAGES 16u /* fds below 2^20, as fdtable.c */
#define WORD_BITS 64u

static _Atomic(_Atomic uint64_t *) pages[PAGES];
static pthread_mutex_t page_lock = PTHREAD_MUTEX_INITIALIZER;

static _Atomic uint64_t *word(int fd, bool create)
{
	_Atomic uint64_t *page;
	unsigned int p;

	if (fd < 0 || (unsigned int)fd >= PAGES * PAGE_BITS)
		return NULL;
	p = (unsigned int)fd / PAGE_BITS;
	page = atomic_load_explicit(&pages[p], memory_order_acquire);
	if (!page && create) {
		pthread_mutex_lock(&page_lock);
		page = atomic_load(&pages[p]);
		if (!page) {
			page = calloc(PAGE_BITS / WORD_BITS, sizeof(*page));
			if (page)
				atomic_store_explicit(&pages[p], page, memory_order_release);
		}
		pthread_mutex_unlock(&page_lock);
	}
	return page ? &page[(unsigned int)fd % PAGE_BITS / WORD_BITS] : NULL;
}

static uint64_t bit(int fd)
{
	return 1ull << ((unsigned int)fd % WORD_BITS);
}

/** cap_sync_file_mark() - @fd is a sync_file a recorded export returned */
void cap_sync_file_mark(int fd)
{
	_Atomic uint64_t *w = word(fd, true);

	if (w)
		atomic_fetch_or(w, bit(fd));
}

/** cap_sync_file_is() - @fd is still the sync_file a recorded export made */
bool cap_sync_file_is(int fd)
{
	_Atomic uint64_t *w = word(fd, false);

	return w && (atomic_load(w) & bit(fd));
}

/** cap_sync_file_forget() - @fd was closed or now names something else */
void cap_sync_file_forget(int fd)
{
	_Atomic uint64_t *w = word(fd, false);

	if (w && (atomic_load_explicit(w, memory_order_relaxed) & bit(fd)))
		atomic_fetch_and(w, ~bit(fd));
}

/** cap_sync_file_forget_range() - close_range() of [@first, @last] */
void cap_sync_file_forget_range(unsigned int first, unsigned int last)
{
	if (last >= PAGES * PAGE_BITS)
		last = PAGES * PAGE_BITS - 1;
	for (unsigned int fd = first; fd <= last && fd >= first; fd++) {
		if (!atomic_load_explicit(&pages[fd / PAGE_BITS], memory_order_acquire)) {
			fd |= PAGE_BITS - 1; /* skip the page */
			continue;
		}
		cap_sync_file_forget((int)fd);
	}
}
