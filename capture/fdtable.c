// SPDX-License-Identifier: MIT
/*
 * fdtable.c - which file descriptors are DRM files, and which open DRM file
 * (handle space) each one refers to.
 *
 * A two-level table indexed by fd: 1024 directory slots of 1024 atomic
 * pointers, pages allocated the first time an fd in their range becomes a
 * DRM file. Lookup is two atomic loads, no lock, no allocation. An fd is
 * identified lazily, on its first ioctl of type 'd' (DRM_IOCTL_BASE): char
 * major 226 by fstat(), then DRM_IOCTL_VERSION for the driver name. dup*()
 * and fcntl(F_DUPFD*) share the struct cap_file, since GEM and syncobj
 * handles belong to the open file, not to the descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "capture.h"
#include "uapi/drm_core.h"

#define PAGE_FDS 1024u
#define DIR_PAGES 1024u
#define MAX_FDS (PAGE_FDS * DIR_PAGES)

typedef _Atomic(struct cap_file *) fd_slot;

static _Atomic(fd_slot *) dir[DIR_PAGES];
static pthread_mutex_t page_lock = PTHREAD_MUTEX_INITIALIZER;

/* marks an fd already checked and found not to be a DRM file */
static struct cap_file not_drm;

/*
 * Every struct cap_file ever made, never freed (a racing ioctl on a closing
 * fd may still hold one); kept reachable so leak checkers of the host
 * program do not report them.
 */
static _Atomic(struct cap_file *) all_files;

static inline __attribute__((always_inline)) fd_slot *slot(int fd, bool create)
{
	fd_slot *page;

	if (fd < 0 || (unsigned int)fd >= MAX_FDS)
		return NULL;
	page = atomic_load_explicit(&dir[(unsigned int)fd / PAGE_FDS], memory_order_acquire);
	if (!page && create) {
		pthread_mutex_lock(&page_lock);
		page = atomic_load(&dir[(unsigned int)fd / PAGE_FDS]);
		if (!page) {
			page = calloc(PAGE_FDS, sizeof(*page));
			if (page)
				atomic_store_explicit(&dir[(unsigned int)fd / PAGE_FDS], page,
						      memory_order_release);
		}
		pthread_mutex_unlock(&page_lock);
	}
	return page ? &page[(unsigned int)fd % PAGE_FDS] : NULL;
}

/**
 * cap_fd_lookup() - the DRM file behind @fd
 * @fd: descriptor
 *
 * Return: the file, NULL if @fd was not identified yet, or a file with a
 * NULL decoder for fds that are not recorded (not DRM, or another driver).
 */
struct cap_file *cap_fd_lookup(int fd)
{
	fd_slot *s = slot(fd, false);

	return s ? atomic_load_explicit(s, memory_order_acquire) : NULL;
}

/** cap_fd_is_tracked() - @fd is a known DRM file (recorded or not) */
bool cap_fd_is_tracked(int fd)
{
	struct cap_file *f = cap_fd_lookup(fd);

	return f && f != &not_drm;
}

static void put_file(struct cap_file *f)
{
	if (!f || f == &not_drm)
		return;
	if (atomic_fetch_sub(&f->refs, 1) == 1 && f->dec) {
		struct cap_build *b = cap_thread_build();

		/*
		 * The handles die with the file. Struct cap_file itself stays
		 * allocated: a racing ioctl on a closing fd may still hold it.
		 */
		if (b && atomic_load(&cap_enabled)) {
			b->rec->kind = CAP_REC_FILE_CLOSE;
			b->rec->file = f->serial;
			b->rec->seq = cap_seq_next();
			b->rec->t_enter = b->rec->t_exit = cap_stamp();
			cap_record_push(b);
		} else if (b) {
			cap_build_drop(b);
		}
	}
}

/** cap_fd_forget() - @fd was closed or now names something else */
void cap_fd_forget(int fd)
{
	fd_slot *s = slot(fd, false);

	cap_sync_file_forget(fd);
	if (s && atomic_load_explicit(s, memory_order_relaxed))
		put_file(atomic_exchange(s, NULL));
}

/** cap_fd_forget_range() - close_range() of [@first, @last] */
void cap_fd_forget_range(unsigned int first, unsigned int last)
{
	cap_sync_file_forget_range(first, last);
	if (last >= MAX_FDS)
		last = MAX_FDS - 1;
	for (unsigned int fd = first; fd <= last; fd++) {
		if (!atomic_load_explicit(&dir[fd / PAGE_FDS], memory_order_acquire)) {
			fd |= PAGE_FDS - 1; /* skip the page */
			continue;
		}
		cap_fd_forget((int)fd);
	}
}

/** cap_fd_dup() - @newfd now refers to the same open file as @oldfd */
void cap_fd_dup(int oldfd, int newfd)
{
	struct cap_file *f = cap_fd_lookup(oldfd);
	fd_slot *s;

	cap_fd_forget(newfd);
	if (!f || f == &not_drm)
		return;
	s = slot(newfd, true);
	if (!s)
		return;
	atomic_fetch_add(&f->refs, 1);
	put_file(atomic_exchange(s, f));
}

/* the driver name through the real ioctl (never recorded) */
static int drm_driver_name(int fd, char *name, size_t len)
{
	struct vmb_drm_version v;

	memset(&v, 0, sizeof(v));
	v.name = name;
	v.name_len = len - 1;
	memset(name, 0, len);
	if (cap_real_ioctl(fd, VMB_DRM_IOCTL_VERSION, &v))
		return -errno;
	name[len - 1] = 0;
	return 0;
}

/* "vendor:device" of the DRM device @rdev from sysfs, "" when not PCI */
static void pci_id(dev_t rdev, char *out, size_t len)
{
	char path[96], v[8] = "", d[8] = "";
	const char *names[2] = {"vendor", "device"};
	char *dst[2] = {v, d};

	out[0] = 0;
	for (int i = 0; i < 2; i++) {
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/%s", major(rdev),
			 minor(rdev), names[i]);
		fd = cap_real_open(path, O_RDONLY | O_CLOEXEC, 0);
		if (fd < 0)
			return;
		n = read(fd, dst[i], 7);
		cap_real_close(fd);
		if (n < 3 || strncmp(dst[i], "0x", 2))
			return;
		dst[i][n] = 0;
		dst[i][strcspn(dst[i], "\n")] = 0;
	}
	snprintf(out, len, "%s:%s", v + 2, d + 2);
}

/**
 * cap_fd_identify() - decide whether @fd is a DRM file we record
 * @fd: descriptor that received an ioctl of type 'd'
 *
 * Called on the slow path only (first DRM-type ioctl on an fd). Preserves
 * errno. Return: the file (its @dec is NULL when not recorded), or NULL.
 */
__attribute__((noinline, cold)) struct cap_file *cap_fd_identify(int fd)
{
	int saved = errno;
	struct cap_file *f, *expected = NULL;
	struct stat st;
	fd_slot *s = slot(fd, true);

	if (!s)
		goto out_null;
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode) || major(st.st_rdev) != VMB_DRM_MAJOR) {
		atomic_compare_exchange_strong(s, &expected, &not_drm);
		f = atomic_load(s);
		errno = saved;
		return f;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		goto out_null;
	if (drm_driver_name(fd, f->name, sizeof(f->name)))
		strcpy(f->name, "?");
	f->dec = cap_decoder_find(f->name);
	if (f->dec && cap_cfg.only_driver && strcmp(cap_cfg.only_driver, f->name))
		f->dec = NULL;
	atomic_store(&f->refs, 1);
	pci_id(st.st_rdev, f->pci, sizeof(f->pci));
	f->serial = cap_file_serial_next();
	if (!atomic_compare_exchange_strong(s, &expected, f)) {
		free(f);
		f = expected;
	} else {
		f->next = atomic_load(&all_files);
		while (!atomic_compare_exchange_weak(&all_files, &f->next, f))
			;
		cap_note_file(f, fd);
	}
	errno = saved;
	return f;
out_null:
	errno = saved;
	return NULL;
}

/*
 * After fork the child shares the open DRM files with the parent, so the
 * table stays as it is; only its own records start from scratch.
 */
void cap_fd_reset_after_fork(void)
{
	pthread_mutex_init(&page_lock, NULL);
}
