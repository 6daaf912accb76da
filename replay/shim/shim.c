// SPDX-License-Identifier: MIT
/*
 * shim.c - the libc (and libdrm) boundary of libvmshim.so, Mesa drm-shim
 * style: the real functions are found lazily with dlsym(RTLD_NEXT); opening
 * /dev/dri/renderD128 yields an fd (a /dev/null descriptor holding the
 * number) that stat()s as DRM char device 226:128; ioctls on it go to the
 * model-backed driver in shim_core.c and come back as -1 + errno; mmap of
 * it returns anonymous memory; access() says it is there. /dev/dri/card0,
 * the primary node, opens the same way (226:0). Paths libdrm and Mesa read
 * to discover the device (sysfs, the /dev/dri directory) are redirected to
 * the tree shim_sysfs.c writes, so libdrm's own drmGetDevices2() finds it.
 * Like the kernel, a NULL or unmapped path or stat buffer is EFAULT.
 * Also here: VMB_SHIM_FAIL error injection and the VMB_SHIM_STATS report.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "shim_priv.h"
#include "uapi/drm_core.h"

/* ---- real functions ------------------------------------------------------ */

/*
 * Resolved on first use, by whichever thread gets there first: the pointer
 * is published with release and read with acquire, as mmap() does below.
 * A plain lazy store was a data race; under ThreadSanitizer, whose
 * symbolizer calls readlink() (served by this file) while it holds its own
 * registry lock, the report of that race re-entered the reporter and
 * deadlocked the process.
 */
#define REAL(ret, name, args)                                                                      \
	static ret(*real_##name) args;                                                             \
	static void load_##name(void)                                                              \
	{                                                                                          \
		if (!__atomic_load_n(&real_##name, __ATOMIC_ACQUIRE))                              \
			__atomic_store_n(&real_##name, (ret(*) args)dlsym(RTLD_NEXT, #name),       \
					 __ATOMIC_RELEASE);                                        \
	}

REAL(int, open, (const char *, int, ...))
REAL(int, openat, (int, const char *, int, ...))
REAL(int, close, (int))
REAL(int, ioctl, (int, unsigned long, ...))
REAL(int, fstat, (int, struct stat *))
REAL(int, stat, (const char *, struct stat *))
REAL(int, lstat, (const char *, struct stat *))
REAL(int, fstatat, (int, const char *, struct stat *, int))
REAL(int, __fxstat, (int, int, struct stat *))
REAL(int, __xstat, (int, const char *, struct stat *))
REAL(int, __lxstat, (int, const char *, struct stat *))
REAL(int, __fxstatat, (int, int, const char *, struct stat *, int))
REAL(int, statx, (int, const char *, int, unsigned int, struct statx *))
REAL(int, dup, (int))
REAL(int, dup2, (int, int))
REAL(int, dup3, (int, int, int))
REAL(int, fcntl, (int, int, ...))
/* resolved by the wrappers themselves, see mmap() below */
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_munmap)(void *, size_t);
REAL(int, access, (const char *, int))
REAL(int, faccessat, (int, const char *, int, int))
REAL(FILE *, fopen, (const char *, const char *))
REAL(FILE *, fopen64, (const char *, const char *))
REAL(ssize_t, readlink, (const char *, char *, size_t))
REAL(ssize_t, __readlink_chk, (const char *, char *, size_t, size_t))
REAL(char *, realpath, (const char *, char *))
REAL(char *, __realpath_chk, (const char *, char *, size_t))
REAL(DIR *, opendir, (const char *))

/* glibc's internal entry points the shim also provides */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
int __fxstat(int ver, int fd, struct stat *st);
int __fxstat64(int ver, int fd, struct stat *st);
int __xstat(int ver, const char *path, struct stat *st);
int __xstat64(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __lxstat64(int ver, const char *path, struct stat *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat *st, int flags);
ssize_t __readlink_chk(const char *path, char *buf, size_t len, size_t buflen);
char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen);

/* ---- locking and fd table ----------------------------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int in_shim;

/* the condition variable of the shim lock (CLOCK_MONOTONIC timeouts) */
static pthread_cond_t lock_cv;
static pthread_once_t lock_cv_once = PTHREAD_ONCE_INIT;

static void lock_cv_init(void)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&lock_cv, &ca);
	pthread_condattr_destroy(&ca);
}

void shim_lock(void)
{
	pthread_mutex_lock(&lock);
	in_shim++;
}

void shim_unlock(void)
{
	in_shim--;
	pthread_mutex_unlock(&lock);
}

/*
 * shim_lock_sleep() - release the shim lock until shim_lock_wake() or the
 * CLOCK_MONOTONIC time @abs_ns (0: no timeout), then take it again
 */
void shim_lock_sleep(uint64_t abs_ns)
{
	pthread_once(&lock_cv_once, lock_cv_init);
	in_shim--;
	if (!abs_ns) {
		pthread_cond_wait(&lock_cv, &lock);
	} else {
		struct timespec ts = {(time_t)(abs_ns / 1000000000ull),
				      (long)(abs_ns % 1000000000ull)};

		pthread_cond_timedwait(&lock_cv, &lock, &ts);
	}
	in_shim++;
}

void shim_lock_wake(void)
{
	pthread_once(&lock_cv_once, lock_cv_init);
	pthread_cond_broadcast(&lock_cv);
}

struct fd_slot {
	enum shim_fd_kind kind;
	void *obj;
};

static struct fd_slot *fds;
static int n_fds;

/*
 * Which fds the shim tracks, readable without the lock and without
 * sanitizer instrumentation (see mmap() below); fds past the bitmap take
 * the locked path.
 */
#define SHIM_FD_BITS 65536
static unsigned long shim_fd_bits[SHIM_FD_BITS / (8 * sizeof(unsigned long))];
#define FD_WORD(fd) (shim_fd_bits + (fd) / (8 * sizeof(unsigned long)))
#define FD_BIT(fd) (1UL << ((fd) % (8 * sizeof(unsigned long))))

void shim_fd_set(int fd, enum shim_fd_kind kind, void *obj)
{
	if (fd < 0)
		return;
	if (fd >= n_fds) {
		int n = fd < 64 ? 128 : fd * 2;
		struct fd_slot *t = realloc(fds, n * sizeof(*t));

		if (!t)
			return;
		memset(t + n_fds, 0, (n - n_fds) * sizeof(*t));
		fds = t;
		n_fds = n;
	}
	fds[fd].kind = kind;
	fds[fd].obj = obj;
	if (fd < SHIM_FD_BITS) {
		if (kind != SHIM_FD_NONE)
			__atomic_fetch_or(FD_WORD(fd), FD_BIT(fd), __ATOMIC_RELEASE);
		else
			__atomic_fetch_and(FD_WORD(fd), ~FD_BIT(fd), __ATOMIC_RELEASE);
	}
}

enum shim_fd_kind shim_fd_get(int fd, void **obj)
{
	if (fd < 0 || fd >= n_fds || fds[fd].kind == SHIM_FD_NONE)
		return SHIM_FD_NONE;
	if (obj)
		*obj = fds[fd].obj;
	return fds[fd].kind;
}

int shim_real_open(const char *path, int flags, mode_t mode)
{
	load_open();
	return real_open(path, flags, mode);
}

int shim_fake_fd(void)
{
	load_open();
	return real_open("/dev/null", O_RDWR | O_CLOEXEC);
}

static enum shim_fd_kind fd_kind(int fd)
{
	enum shim_fd_kind k;

	if (fd < 0)
		return SHIM_FD_NONE;
	pthread_mutex_lock(&lock);
	k = shim_fd_get(fd, NULL);
	pthread_mutex_unlock(&lock);
	return k;
}

static bool is_shim_fd(int fd)
{
	return fd_kind(fd) != SHIM_FD_NONE;
}

/* drop what a tracked fd holds (called with the lock held) */
static void fd_release(int fd)
{
	void *obj;

	switch (shim_fd_get(fd, &obj)) {
	case SHIM_FD_FILE:
		shim_file_put(obj);
		break;
	case SHIM_FD_DMABUF:
		shim_bo_unref(obj);
		break;
	case SHIM_FD_SYNCOBJ: {
		struct shim_syncobj *s = obj;

		if (--s->refs == 0) {
			if (s->created) {
				struct vmb_op op = {.kind = VMB_OP_SYNCOBJ_DESTROY};

				op.u.syncobj.syncobj = s->id;
				shim_model(&op, NULL, NULL, NULL, 0);
			}
			free(s);
		}
		break;
	}
	case SHIM_FD_SYNC_FILE:
		break;
	default:
		return;
	}
	shim_fd_set(fd, SHIM_FD_NONE, NULL);
}

/* a new fd refers to what @oldfd refers to (dup) */
static void fd_share(int oldfd, int newfd)
{
	void *obj;
	enum shim_fd_kind k;

	if (newfd < 0)
		return;
	shim_lock();
	fd_release(newfd);
	k = shim_fd_get(oldfd, &obj);
	if (k == SHIM_FD_FILE)
		((struct shim_file *)obj)->refs++;
	else if (k == SHIM_FD_DMABUF)
		((struct shim_bo *)obj)->refs++;
	else if (k == SHIM_FD_SYNCOBJ)
		((struct shim_syncobj *)obj)->refs++;
	if (k != SHIM_FD_NONE)
		shim_fd_set(newfd, k, obj);
	shim_unlock();
}

/* ---- open / close ------------------------------------------------------------ */

/*
 * glibc declares the path arguments nonnull, so GCC may drop a NULL check
 * on them after inlining: read the pointer through a volatile.
 */
static bool user_null(const void *p)
{
	const void *volatile v = p;

	return !v;
}

int shim_node_minor(const char *path)
{
	if (user_null(path))
		return -1;
	if (strcmp(path, SHIM_NODE) == 0)
		return SHIM_MINOR;
	if (strcmp(path, SHIM_PRIMARY_NODE) == 0)
		return 0;
	return -1;
}

static bool is_node(const char *path)
{
	return shim_node_minor(path) >= 0;
}

/*
 * The shim file behind "/proc/self/fd/N" (or /proc/<pid>/fd/N,
 * /proc/thread-self/fd/N): its minor, or -1. Opening that path opens the
 * device anew, as it does for a real char device (IGT reopens its fd this
 * way), and readlink names the node.
 */
static int proc_fd_minor(const char *path)
{
	char pre[32];
	const char *p;
	char *end;
	void *obj;
	long fd;
	int n, minor = -1;

	if (user_null(path) || strncmp(path, "/proc/", 6))
		return -1;
	if (!strncmp(path, "/proc/self/fd/", 14)) {
		p = path + 14;
	} else if (!strncmp(path, "/proc/thread-self/fd/", 21)) {
		p = path + 21;
	} else {
		n = snprintf(pre, sizeof(pre), "/proc/%d/fd/", (int)getpid());
		if (strncmp(path, pre, n))
			return -1;
		p = path + n;
	}
	fd = strtol(p, &end, 10);
	if (end == p || *end || fd < 0 || fd > INT_MAX)
		return -1;
	pthread_mutex_lock(&lock);
	if (shim_fd_get((int)fd, &obj) == SHIM_FD_FILE)
		minor = ((struct shim_file *)obj)->minor;
	pthread_mutex_unlock(&lock);
	return minor;
}

/* the minor a path opens: a node, or /proc/self/fd/N of an open node; or -1 */
static int open_minor(const char *path)
{
	int minor = shim_node_minor(path);

	return minor >= 0 ? minor : proc_fd_minor(path);
}

/* where @path really is: the fake sysfs for the device's files */
#define REDIRECT(path)                                                                             \
	char redirect_buf[PATH_MAX];                                                               \
	if (!in_shim && !user_null(path))                                                          \
	path = shim_sysfs_path(path, redirect_buf, sizeof(redirect_buf))

/* fstatat/statx on the fd itself (AT_EMPTY_PATH) */
static bool is_empty_at(int dirfd, const char *path, int flags)
{
	return !user_null(path) && !*path && (flags & AT_EMPTY_PATH) &&
	       fd_kind(dirfd) == SHIM_FD_FILE;
}

static int shim_open_node(const char *path, int minor, int flags)
{
	struct shim_file *f;
	int fd, err;

	load_open();
	fd = real_open("/dev/null", O_RDWR | (flags & O_CLOEXEC));
	if (fd < 0)
		return fd;
	shim_lock();
	err = shim_init();
	f = err ? NULL : shim_file_create(minor);
	if (f)
		shim_fd_set(fd, SHIM_FD_FILE, f);
	shim_unlock();
	if (!f) {
		real_close(fd);
		fprintf(stderr, "vmshim: cannot open %s: %s\n", path,
			strerror(err ? -err : ENOMEM));
		errno = err ? -err : ENOMEM;
		return -1;
	}
	return fd;
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int minor;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	minor = in_shim ? -1 : open_minor(path);
	if (minor >= 0)
		return shim_open_node(path, minor, flags);
	REDIRECT(path);
	load_open();
	return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int __open_2(const char *path, int flags)
{
	return open(path, flags);
}

int __open64_2(const char *path, int flags)
{
	return open(path, flags);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int minor;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	minor = in_shim ? -1 : open_minor(path);
	if (minor >= 0)
		return shim_open_node(path, minor, flags);
	REDIRECT(path);
	load_openat();
	return real_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

int __openat_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

int __openat64_2(int dirfd, const char *path, int flags)
{
	return openat(dirfd, path, flags);
}

int close(int fd)
{
	load_close();
	if (!in_shim && is_shim_fd(fd)) {
		shim_lock();
		fd_release(fd);
		shim_unlock();
	}
	return real_close(fd);
}

int dup(int fd)
{
	int nfd;

	load_dup();
	nfd = real_dup(fd);
	if (!in_shim && is_shim_fd(fd))
		fd_share(fd, nfd);
	return nfd;
}

int dup2(int fd, int fd2)
{
	int nfd;

	load_dup2();
	if (fd != fd2 && !in_shim && is_shim_fd(fd2)) {
		shim_lock();
		fd_release(fd2);
		shim_unlock();
	}
	nfd = real_dup2(fd, fd2);
	if (fd != fd2 && !in_shim && is_shim_fd(fd))
		fd_share(fd, nfd);
	return nfd;
}

int dup3(int fd, int fd2, int flags)
{
	int nfd;

	load_dup3();
	if (!in_shim && is_shim_fd(fd2)) {
		shim_lock();
		fd_release(fd2);
		shim_unlock();
	}
	nfd = real_dup3(fd, fd2, flags);
	if (!in_shim && is_shim_fd(fd))
		fd_share(fd, nfd);
	return nfd;
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;
	int ret;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	load_fcntl();
	ret = real_fcntl(fd, cmd, arg);
	if ((cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && !in_shim && is_shim_fd(fd))
		fd_share(fd, ret);
	return ret;
}

int fcntl64(int fd, int cmd, ...) __attribute__((alias("fcntl")));

/* ---- stat ------------------------------------------------------------------ */

/* the minor of a node file's fd, or -1 */
static int fd_minor(int fd)
{
	void *obj;
	int minor = -1;

	if (fd < 0)
		return -1;
	pthread_mutex_lock(&lock);
	if (shim_fd_get(fd, &obj) == SHIM_FD_FILE)
		minor = ((struct shim_file *)obj)->minor;
	pthread_mutex_unlock(&lock);
	return minor;
}

/* fill in a stat of char device 226:@minor; -1/EFAULT for a bad buffer */
static int fake_stat(struct stat *st, int minor)
{
	struct stat s;

	memset(&s, 0, sizeof(s));
	s.st_mode = S_IFCHR | 0666;
	s.st_rdev = makedev(VMB_DRM_MAJOR, minor);
	s.st_nlink = 1;
	s.st_blksize = 4096;
	if (!shim_user((uintptr_t)st, sizeof(*st), true)) {
		errno = EFAULT;
		return -1;
	}
	memcpy(st, &s, sizeof(s));
	return 0;
}

/* the minor @path or (@dirfd, "", AT_EMPTY_PATH) stands for, or -1 */
static int path_minor(int dirfd, const char *path, int flags)
{
	if (in_shim)
		return -1;
	if (is_empty_at(dirfd, path, flags))
		return fd_minor(dirfd);
	return shim_node_minor(path);
}

int fstat(int fd, struct stat *st)
{
	int minor = in_shim ? -1 : fd_minor(fd);

	if (minor >= 0)
		return fake_stat(st, minor);
	load_fstat();
	return real_fstat(fd, st);
}

int fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

int stat(const char *path, struct stat *st)
{
	int minor = path_minor(AT_FDCWD, path, 0);

	if (minor >= 0)
		return fake_stat(st, minor);
	REDIRECT(path);
	load_stat();
	return real_stat(path, st);
}

int stat64(const char *path, struct stat64 *st)
{
	return stat(path, (struct stat *)st);
}

int lstat(const char *path, struct stat *st)
{
	int minor = path_minor(AT_FDCWD, path, 0);

	if (minor >= 0)
		return fake_stat(st, minor);
	REDIRECT(path);
	load_lstat();
	return real_lstat(path, st);
}

int lstat64(const char *path, struct stat64 *st)
{
	return lstat(path, (struct stat *)st);
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	int minor = path_minor(dirfd, path, flags);

	if (minor >= 0)
		return fake_stat(st, minor);
	REDIRECT(path);
	load_fstatat();
	return real_fstatat(dirfd, path, st, flags);
}

int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return fstatat(dirfd, path, (struct stat *)st, flags);
}

int __fxstat(int ver, int fd, struct stat *st)
{
	int minor = in_shim ? -1 : fd_minor(fd);

	if (minor >= 0)
		return fake_stat(st, minor);
	load___fxstat();
	return real___fxstat(ver, fd, st);
}

int __fxstat64(int ver, int fd, struct stat *st) __attribute__((alias("__fxstat")));

int __xstat(int ver, const char *path, struct stat *st)
{
	int minor = path_minor(AT_FDCWD, path, 0);

	if (minor >= 0)
		return fake_stat(st, minor);
	REDIRECT(path);
	load___xstat();
	return real___xstat(ver, path, st);
}

int __xstat64(int ver, const char *path, struct stat *st) __attribute__((alias("__xstat")));

int __lxstat(int ver, const char *path, struct stat *st)
{
	int minor = path_minor(AT_FDCWD, path, 0);

	if (minor >= 0)
		return fake_stat(st, minor);
	REDIRECT(path);
	load___lxstat();
	return real___lxstat(ver, path, st);
}

int __lxstat64(int ver, const char *path, struct stat *st) __attribute__((alias("__lxstat")));

int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	int minor = path_minor(dirfd, path, flags);

	if (minor >= 0)
		return fake_stat(st, minor);
	REDIRECT(path);
	load___fxstatat();
	return real___fxstatat(ver, dirfd, path, st, flags);
}

int __fxstatat64(int ver, int dirfd, const char *path, struct stat *st, int flags)
    __attribute__((alias("__fxstatat")));

int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx)
{
	int minor = path_minor(dirfd, path, flags);

	if (minor >= 0) {
		struct statx s;

		memset(&s, 0, sizeof(s));
		s.stx_mask = STATX_TYPE | STATX_MODE;
		s.stx_mode = S_IFCHR | 0666;
		s.stx_nlink = 1;
		s.stx_rdev_major = VMB_DRM_MAJOR;
		s.stx_rdev_minor = minor;
		if (!shim_user((uintptr_t)stx, sizeof(*stx), true)) {
			errno = EFAULT;
			return -1;
		}
		memcpy(stx, &s, sizeof(s));
		return 0;
	}
	REDIRECT(path);
	load_statx();
	return real_statx(dirfd, path, flags, mask, stx);
}

/* the node exists and is read-write for everyone */
int access(const char *path, int mode)
{
	if (!in_shim && is_node(path))
		return 0;
	REDIRECT(path);
	load_access();
	return real_access(path, mode);
}

int faccessat(int dirfd, const char *path, int mode, int flags)
{
	if (!in_shim && is_node(path))
		return 0;
	REDIRECT(path);
	load_faccessat();
	return real_faccessat(dirfd, path, mode, flags);
}

/* ---- device discovery: files glibc opens without open() ------------------- */

FILE *fopen(const char *path, const char *mode)
{
	REDIRECT(path);
	load_fopen();
	return real_fopen(path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	REDIRECT(path);
	load_fopen64();
	return real_fopen64(path, mode);
}

/* readlink of /proc/self/fd/N of a shim node: the node's path, unterminated */
static ssize_t node_link(int minor, char *buf, size_t len)
{
	const char *node = minor ? SHIM_NODE : SHIM_PRIMARY_NODE;
	size_t n = strlen(node);

	if (n > len)
		n = len;
	memcpy(buf, node, n);
	return (ssize_t)n;
}

ssize_t readlink(const char *path, char *buf, size_t len)
{
	int minor = in_shim ? -1 : proc_fd_minor(path);

	if (minor >= 0)
		return node_link(minor, buf, len);
	REDIRECT(path);
	load_readlink();
	return real_readlink(path, buf, len);
}

ssize_t __readlink_chk(const char *path, char *buf, size_t len, size_t buflen)
{
	int minor = in_shim ? -1 : proc_fd_minor(path);

	if (minor >= 0)
		return node_link(minor, buf, len);
	REDIRECT(path);
	load___readlink_chk();
	return real___readlink_chk(path, buf, len, buflen);
}

char *realpath(const char *path, char *resolved)
{
	REDIRECT(path);
	load_realpath();
	return real_realpath(path, resolved);
}

char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen)
{
	REDIRECT(path);
	load___realpath_chk();
	return real___realpath_chk(path, resolved, resolvedlen);
}

DIR *opendir(const char *path)
{
	REDIRECT(path);
	load_opendir();
	return real_opendir(path);
}

/* ---- ioctl / mmap ---------------------------------------------------------- */

/*
 * VMB_SHIM_JITTER_US=N: every ioctl on the node sleeps a random 0..N us
 * before it takes effect (before the shim lock), as a real ioctl spends
 * time copying its arguments and looking up objects before it takes the
 * lock that orders it against other threads (vm->lock, the VM's
 * reservation). Widens the window in which two threads' ioctls overtake
 * each other, for concurrency tests (tests/shim-threads.sh).
 */
static long jitter_us = -1;
static __thread uint64_t jitter_state;

static void shim_jitter(void)
{
	long us = __atomic_load_n(&jitter_us, __ATOMIC_RELAXED);
	struct timespec ts;

	if (us < 0) {
		const char *v = getenv("VMB_SHIM_JITTER_US");

		us = v ? strtol(v, NULL, 10) : 0;
		if (us < 0)
			us = 0;
		__atomic_store_n(&jitter_us, us, __ATOMIC_RELAXED);
	}
	if (!us)
		return;
	if (!jitter_state)
		jitter_state = (uint64_t)(uintptr_t)&jitter_state ^ 0x9e3779b97f4a7c15ull;
	jitter_state ^= jitter_state << 13; /* xorshift64 */
	jitter_state ^= jitter_state >> 7;
	jitter_state ^= jitter_state << 17;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(jitter_state % ((uint64_t)us + 1)) * 1000;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec = ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
	}
	nanosleep(&ts, NULL);
}

int ioctl(int fd, unsigned long req, ...)
{
	struct shim_file *f;
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!in_shim && is_shim_fd(fd)) {
		void *obj;

		shim_jitter();
		shim_lock();
		if (shim_fd_get(fd, &obj) != SHIM_FD_FILE) {
			ret = -ENOTTY; /* dma-buf / syncobj fds: no ioctls modelled */
		} else {
			f = obj;
			ret = shim_ioctl(f, req, arg);
		}
		shim_unlock();
		if (ret < 0) {
			errno = -ret;
			return -1;
		}
		return ret;
	}
	load_ioctl();
	return real_ioctl(fd, req, arg);
}

/*
 * mmap of a BO: the fake offset of GEM_MMAP_OFFSET / GEM_MMAP (handle << 32)
 * on the device fd, or offset 0 on a dma-buf fd, maps the BO's memfd shared,
 * so every CPU mapping and the shim GPU see the same bytes. Like the kernel,
 * an offset that names no BO or a range beyond the BO is -EINVAL (-EACCES
 * for syncobj fds).
 */
static void *bo_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct shim_bo *bo = NULL;
	uint64_t boff = 0;
	void *obj, *p = MAP_FAILED;
	int mfd = -EINVAL;

	shim_lock();
	switch (shim_fd_get(fd, &obj)) {
	case SHIM_FD_FILE:
		bo = shim_bo_get(obj, (uint32_t)((uint64_t)off >> 32));
		boff = (uint64_t)off & 0xffffffffull;
		break;
	case SHIM_FD_DMABUF:
		bo = obj;
		boff = (uint64_t)off;
		break;
	default:
		mfd = -EACCES;
		break;
	}
	if (bo && !bo->userptr && len && boff < bo->size && len <= bo->size - boff)
		mfd = shim_gpu_bo_fd(bo);
	else if (bo)
		mfd = -EINVAL;
	if (mfd >= 0)
		p = real_mmap(addr, len, prot, (flags & ~MAP_PRIVATE) | MAP_SHARED, mfd,
			      (off_t)boff);
	shim_unlock();
	if (mfd < 0)
		errno = -mfd;
	return p;
}

/*
 * mmap and munmap are also what a sanitizer runtime calls while it starts,
 * before any instrumented code may run (TSan's symbolizer maps its state
 * from _dl_init, through these very symbols). So the two wrappers carry no
 * sanitizer instrumentation, find the real function with dlsym() alone, and
 * hand on every call that cannot concern the shim without touching its
 * locked state: an anonymous mapping or one of an fd the shim does not
 * track (the sanitizers' symbolizer maps ELF files while it reports), or
 * any munmap before the shim's constructor has run (no userptr can exist
 * yet).
 */
#if defined(__clang__)
#define SHIM_NO_SANITIZE __attribute__((disable_sanitizer_instrumentation))
#else
#define SHIM_NO_SANITIZE __attribute__((no_sanitize_thread, no_sanitize_address))
#endif

static bool shim_started;

__attribute__((constructor)) static void shim_start(void)
{
	__atomic_store_n(&shim_started, true, __ATOMIC_RELEASE);
}

static void *shim_mmap_fd(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (!in_shim && is_shim_fd(fd))
		return bo_mmap(addr, len, prot, flags, fd, off);
	return real_mmap(addr, len, prot, flags, fd, off);
}

SHIM_NO_SANITIZE void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (!__atomic_load_n(&real_mmap, __ATOMIC_ACQUIRE))
		__atomic_store_n(&real_mmap, dlsym(RTLD_NEXT, "mmap"), __ATOMIC_RELEASE);
	if (fd < 0 ||
	    (fd < SHIM_FD_BITS && !(__atomic_load_n(FD_WORD(fd), __ATOMIC_ACQUIRE) & FD_BIT(fd))))
		return real_mmap(addr, len, prot, flags, fd, off);
	return shim_mmap_fd(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
    __attribute__((alias("mmap")));

/* munmap of memory behind userptr mappings = the mmu notifier firing */
static void shim_munmap_notify(void *addr, size_t len)
{
	if (!in_shim && shim_userptr_active()) {
		struct vmb_op op = {.kind = VMB_OP_CPU_UNMAP};

		op.u.cpu_unmap.addr = (uint64_t)(uintptr_t)addr;
		op.u.cpu_unmap.size = len;
		shim_lock();
		shim_model(&op, NULL, NULL, NULL, 0);
		shim_unlock();
	}
}

SHIM_NO_SANITIZE int munmap(void *addr, size_t len)
{
	if (!__atomic_load_n(&real_munmap, __ATOMIC_ACQUIRE))
		__atomic_store_n(&real_munmap, dlsym(RTLD_NEXT, "munmap"), __ATOMIC_RELEASE);
	if (__atomic_load_n(&shim_started, __ATOMIC_ACQUIRE))
		shim_munmap_notify(addr, len);
	return real_munmap(addr, len);
}
