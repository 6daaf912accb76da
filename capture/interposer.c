// SPDX-License-Identifier: MIT
/*
 * interposer.c - the libc functions libvmcapture.so wraps: ioctl, the open
 * family, close, dup*, fcntl(F_DUPFD*), close_range, mmap/munmap/mremap/
 * madvise (userptr invalidation), exec* and posix_spawn* (children keep the
 * capture in their environment). The real functions are found lazily with
 * dlsym(RTLD_NEXT), so another preloaded library (the shim) below us works.
 *
 * Rules every wrapper follows: the program sees exactly the return value
 * and errno the real function gave; our own work saves and restores errno;
 * an ioctl whose type is not DRM's takes the fast path (one comparison, no
 * lock, no allocation, no extra system call); nothing here aborts, and no
 * signal handler is installed.
 *
 * When the sequence number of a recorded ioctl is taken (the order of the
 * trace): before the kernel call for submits, signals, exports and
 * transfers that do not wait (cap_core_reclassify); after it for waits
 * and transfers with WAIT_FOR_SUBMIT, so a wait comes after the submit or signal it waited for,
 * even across threads. Ops that create or destroy handles and binds (CAP_ORDERED) take it before
 * the kernel call with the capturer's order lock held until the call returns, so no two of them are
 * in the kernel at once and the trace has them in the order they took effect: a handle the kernel
 * frees and hands out again is closed before it is created anew, a handle is created before any
 * other thread can use it, and two threads' binds are in the order the kernel applied them (it
 * serializes binds on a VM anyway: amdgpu_gem.c:amdgpu_gem_va_ioctl holds the VM's root page
 * directory reservation across the mapping change, xe_vm.c:
 * xe_vm_bind_ioctl holds vm->lock for writing; the order lock only widens
 * that to the whole process). None of these ioctls waits for another
 * thread of the program, so holding the lock across them cannot deadlock;
 * waits and submits (amdgpu CS can block for a timeline point another
 * thread submits) never hold it.
 *
 * vfork() is deliberately not wrapped: a wrapper cannot return twice on the
 * parent's stack. A vfork child shares our memory until it execs, so the
 * wrappers that change shared state (close, dup2, exec) check the pid first.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/ioctl.h>

#include "capture.h"
#include "uapi/drm_core.h"

#define EXPORT __attribute__((visibility("default")))

/* fortified open entry points (glibc's, called by -D_FORTIFY_SOURCE code) */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

int (*cap_real_ioctl)(int, unsigned long, ...);
static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_open_2)(const char *, int);
static int (*real_openat_2)(int, const char *, int);
static int (*real_close)(int);
static int (*real_close_range)(unsigned int, unsigned int, int);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_fcntl)(int, int, ...);
static int (*real_fcntl64)(int, int, ...);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_munmap)(void *, size_t);
static void *(*real_mremap)(void *, size_t, size_t, int, ...);
static int (*real_madvise)(void *, size_t, int);
static int (*real_execve)(const char *, char *const[], char *const[]);
static int (*real_execvpe)(const char *, char *const[], char *const[]);
static int (*real_fexecve)(int, char *const[], char *const[]);
static int (*real_posix_spawn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			       const posix_spawnattr_t *, char *const[], char *const[]);
static int (*real_posix_spawnp)(pid_t *, const char *, const posix_spawn_file_actions_t *,
				const posix_spawnattr_t *, char *const[], char *const[]);

static char self_path[4096];

#define RESOLVE(var, name)                                                                         \
	do {                                                                                       \
		if (!(var))                                                                        \
			*(void **)&(var) = dlsym(RTLD_NEXT, name);                                 \
	} while (0)

static void resolve_all(void)
{
	RESOLVE(cap_real_ioctl, "ioctl");
	RESOLVE(real_open, "open");
	RESOLVE(real_openat, "openat");
	RESOLVE(real_open_2, "__open_2");
	RESOLVE(real_openat_2, "__openat_2");
	RESOLVE(real_close, "close");
	RESOLVE(real_close_range, "close_range");
	RESOLVE(real_dup, "dup");
	RESOLVE(real_dup2, "dup2");
	RESOLVE(real_dup3, "dup3");
	RESOLVE(real_fcntl, "fcntl");
	RESOLVE(real_fcntl64, "fcntl64");
	RESOLVE(real_mmap, "mmap");
	RESOLVE(real_munmap, "munmap");
	RESOLVE(real_mremap, "mremap");
	RESOLVE(real_madvise, "madvise");
	RESOLVE(real_execve, "execve");
	RESOLVE(real_execvpe, "execvpe");
	RESOLVE(real_fexecve, "fexecve");
	RESOLVE(real_posix_spawn, "posix_spawn");
	RESOLVE(real_posix_spawnp, "posix_spawnp");
}

/** cap_real_close() - libc's close, for our own descriptors */
int cap_real_close(int fd)
{
	RESOLVE(real_close, "close");
	return real_close(fd);
}

/** cap_real_open() - libc's open (or the shim's), for our own files */
int cap_real_open(const char *path, int flags, int mode)
{
	RESOLVE(real_open, "open");
	return real_open(path, flags, mode);
}

/* we are a vfork child (memory shared with the parent): touch nothing */
static bool foreign_child(void)
{
	return (pid_t)syscall(SYS_getpid) != cap_self_pid;
}

/* ---- ioctl ---- */

/* a placeholder for sequence number @seq, in @b */
static void push_none(struct cap_build *b, uint64_t seq)
{
	b->n_binds = b->n_syncs = b->n_ids = 0; /* what a failed decode left */
	b->rec->kind = CAP_REC_OP;
	b->rec->op.kind = VMB_OP_COUNT;
	b->rec->seq = seq;
	cap_record_push(b);
}

static CAP_TLS unsigned int sample_tick;

/*
 * SYNCOBJ_SIGNAL / TIMELINE_SIGNAL: copy the handle (and point) arrays
 * before the call. The signal wakes the threads waiting on the syncobjs,
 * and one of them may free the arrays (Mesa keeps the handle in the sync
 * object it destroys after the wait) before this thread decodes the call.
 */
static void pre_signal_arrays(struct cap_call *c, const void *arg, unsigned int nr, uint32_t *h,
			      uint64_t *p)
{
	struct vmb_drm_syncobj_timeline_array a = {0};
	size_t len = nr == 0xcd ? sizeof(a) : sizeof(struct vmb_drm_syncobj_array);

	if (c->size < len || !cap_safe_copy(&a, arg, len))
		return;
	if (nr == 0xc5) { /* drm_syncobj_array: handles, count_handles, pad */
		a.count_handles = (uint32_t)a.points;
		a.points = 0;
	}
	if (!a.count_handles || a.count_handles > CAP_PRE_SYNCS ||
	    !cap_safe_copy(h, (const void *)(uintptr_t)a.handles, a.count_handles * 4ull))
		return;
	if (a.points &&
	    !cap_safe_copy(p, (const void *)(uintptr_t)a.points, a.count_handles * 8ull))
		return;
	c->pre_handles = h;
	c->pre_points = a.points ? p : NULL;
	c->pre_count = a.count_handles;
}

/*
 * The order lock of CAP_ORDERED ioctls (see the top of this file); taken
 * once per thread (an ioctl from a signal handler that interrupted one
 * does not wait for itself), held across fork by atfork_prepare.
 */
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static CAP_TLS unsigned int order_held;

static void order_take(void)
{
	if (order_held++ == 0)
		pthread_mutex_lock(&order_lock);
}

static void order_drop(void)
{
	if (--order_held == 0)
		pthread_mutex_unlock(&order_lock);
}

/* an ioctl that makes no record (a query, or one the decoder cannot read): passed on, counted */
static __attribute__((noinline, cold)) int pass_counted(int fd, unsigned long req, void *arg,
							bool known)
{
	int r = cap_real_ioctl(fd, req, arg), err = errno;

	cap_count_raw(req, known, r < 0 ? -err : 0);
	errno = err;
	return r;
}

/*
 * Decode a call on the program's thread and record it: failed calls, and
 * those a decoder keeps from the writer (defer.c). Out of drm_ioctl(), so
 * that the deferred path stays short in the instruction cache, which the
 * kernel call before it has mostly emptied.
 */
static __attribute__((noinline)) void record_now(struct cap_call *c, const struct cap_file *f,
						 enum cap_class cls, uint64_t seq, uint64_t t0,
						 uint64_t t1, bool pre_ok)
{
	unsigned int nr = _IOC_NR(c->req);
	unsigned char post[CAP_ARG_MAX];
	struct cap_build *b;

	/* a failed call's argument may be unreadable: copied safely, or not used */
	if (c->ret && c->ret != -EFAULT && cap_safe_copy(post, c->live, c->size))
		c->arg = post;
	b = cap_thread_build();
	cap_user_release(); /* the previous call's copies */
	if (b && c->arg && pre_ok && atomic_load(&cap_enabled) &&
	    (cap_driver_nr(nr) ? f->dec->decode(c, b) : cap_core_decode(c, b))) {
		if (cls == CAP_EXIT)
			seq = cap_seq_next();
		b->rec->kind = b->rec->kind ? b->rec->kind : CAP_REC_OP;
		b->rec->file = f->serial;
		b->rec->driver = f->dec->driver;
		b->rec->ioctl = (uint32_t)c->req;
		b->rec->seq = seq;
		b->rec->t_enter = t0;
		b->rec->t_exit = t1;
		b->rec->ret = c->ret;
		cap_record_push(b);
	} else {
		if (b && (cls == CAP_ENTER || cls == CAP_ORDERED))
			push_none(b, seq);
		else if (b)
			cap_build_drop(b);
		/* a call that worked but could not be decoded is raw; a failed one is not */
		cap_count_raw(c->req, c->ret != 0, c->ret);
	}
}

static int drm_ioctl(int fd, unsigned long req, void *arg)
{
	bool sampled = (sample_tick++ & 63) == 0;
	uint64_t w0 = sampled ? cap_stamp() : 0, t0, t1, seq = 0;
	struct cap_file *f = cap_fd_lookup(fd);
	unsigned int nr = _IOC_NR(req);
	uint32_t pre_n = 0, size = _IOC_SIZE(req);
	unsigned char pre[CAP_ARG_MAX];
	uint32_t pre_h[CAP_PRE_SYNCS];
	uint64_t pre_p[CAP_PRE_SYNCS];
	struct cap_call c = {.fd = fd, .req = req, .size = size, .live = arg};
	enum cap_class cls;
	bool pre_ok;
	int r, err;

	if (!f)
		f = cap_fd_identify(fd);
	if (!f || !f->dec)
		return cap_real_ioctl(fd, req, arg);

	if (cap_driver_nr(nr))
		cls = f->dec->classify(req, &pre_n);
	else
		cls = cap_core_classify(req, &pre_n);
	if (__builtin_expect(cls == CAP_IGNORE || cls == CAP_RAW || size > CAP_ARG_MAX, 0))
		return pass_counted(fd, req, arg, cls == CAP_IGNORE);
	/* a decoder that wants the argument as it was and cannot have it decodes nothing */
	if (pre_n && pre_n <= size && cap_safe_copy(pre, arg, pre_n)) {
		c.pre = pre;
		c.pre_size = pre_n;
	}
	if (!cap_driver_nr(nr) && (nr == 0xc5 || nr == 0xcd))
		pre_signal_arrays(&c, arg, nr, pre_h, pre_p);
	if (!cap_driver_nr(nr) && c.pre)
		cls = cap_core_reclassify(req, c.pre, cls);
	if (cls == CAP_ORDERED)
		order_take();
	if (cls == CAP_ENTER || cls == CAP_ORDERED)
		seq = cap_seq_next();
	if (cls == CAP_EXIT)
		c.t_enter = cap_now(); /* a wait's absolute timeout is against it */
	cap_ring_prefetch();	       /* the record's ring lines, during the call */
	t0 = cap_stamp();
	r = cap_real_ioctl(fd, req, arg);
	err = errno;
	t1 = cap_stamp();
	if (cls == CAP_ORDERED)
		order_drop();

	c.ret = r < 0 ? -err : 0;
	c.arg = c.ret ? NULL : arg;
	pre_ok = !pre_n || c.pre;
	/* decoded later, on the writer (defer.c), when its decoder allows; else now */
	if (!(c.ret == 0 && cap_defer_on && pre_ok && atomic_load(&cap_enabled) &&
	      cap_defer(&c, f, cls, seq, t0, t1)))
		record_now(&c, f, cls, seq, t0, t1, pre_ok);
	cap_note_overhead(sampled ? cap_stamp() - w0 - (t1 - t0) : 0, sampled);
	errno = err;
	return r;
}

/* the first call resolves libc's ioctl (or the shim's) */
static __attribute__((noinline, cold)) void resolve_ioctl(void)
{
	RESOLVE(cap_real_ioctl, "ioctl");
}

/*
 * ioctl() - the entry point. <sys/ioctl.h> declares it variadic, but on the
 * ABIs Linux runs on (x86-64, i386, arm64, ...) the third argument of a
 * variadic call is passed where a third named parameter would be (glibc's
 * own ioctl is a system call stub that reads three registers), so it is
 * defined with three: no register save area, and the pass-through of an
 * ioctl that is not DRM's is a tail call. That is why this file takes the
 * _IOC_* macros from <linux/ioctl.h> and not <sys/ioctl.h>.
 */
int ioctl(int fd, unsigned long req, void *arg);
EXPORT int ioctl(int fd, unsigned long req, void *arg)
{
	if (__builtin_expect(!cap_real_ioctl, 0))
		resolve_ioctl();
	if (__builtin_expect(_IOC_TYPE(req) != 'd', 1) ||
	    !atomic_load_explicit(&cap_enabled, memory_order_relaxed))
		return cap_real_ioctl(fd, req, arg);
	return drm_ioctl(fd, req, arg);
}

/* ---- descriptors ---- */

/* a new descriptor number: whatever we knew about that number is stale */
static int new_fd(int fd)
{
	if (fd >= 0 && cap_fd_lookup(fd)) {
		int err = errno;

		cap_fd_forget(fd);
		errno = err;
	}
	return fd;
}

static int open_mode(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, int) : 0;
}

EXPORT int open(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	RESOLVE(real_open, "open");
	return new_fd(real_open(path, flags, mode));
}

EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	RESOLVE(real_open, "open");
	return new_fd(real_open(path, flags | O_LARGEFILE, mode));
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	RESOLVE(real_openat, "openat");
	return new_fd(real_openat(dirfd, path, flags, mode));
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = open_mode(flags, ap);
	va_end(ap);
	RESOLVE(real_openat, "openat");
	return new_fd(real_openat(dirfd, path, flags | O_LARGEFILE, mode));
}

EXPORT int __open_2(const char *path, int flags)
{
	RESOLVE(real_open_2, "__open_2");
	return new_fd(real_open_2(path, flags));
}

EXPORT int __open64_2(const char *path, int flags)
{
	RESOLVE(real_open_2, "__open_2");
	return new_fd(real_open_2(path, flags | O_LARGEFILE));
}

EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	RESOLVE(real_openat_2, "__openat_2");
	return new_fd(real_openat_2(dirfd, path, flags));
}

EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	RESOLVE(real_openat_2, "__openat_2");
	return new_fd(real_openat_2(dirfd, path, flags | O_LARGEFILE));
}

EXPORT int close(int fd)
{
	RESOLVE(real_close, "close");
	if (fd >= 0 && fd == cap_out_fd && !foreign_child())
		return 0; /* our trace file: the program never opened it */
	if (cap_fd_lookup(fd) && !foreign_child()) {
		int err = errno;

		cap_fd_forget(fd);
		errno = err;
	} else if (!foreign_child()) {
		cap_sync_file_forget(fd);
	}
	return real_close(fd);
}

EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	int r, err, out = cap_out_fd;

	RESOLVE(real_close_range, "close_range");
	if (!real_close_range) {
		errno = ENOSYS;
		return -1;
	}
	if ((flags & CLOSE_RANGE_CLOEXEC) || foreign_child())
		return real_close_range(first, last, flags);
	if (out >= 0 && (unsigned int)out >= first && (unsigned int)out <= last) {
		/* keep our trace file open: close around it */
		r = 0;
		if ((unsigned int)out > first)
			r = real_close_range(first, (unsigned int)out - 1, flags);
		if (!r && (unsigned int)out < last)
			r = real_close_range((unsigned int)out + 1, last, flags);
	} else {
		r = real_close_range(first, last, flags);
	}
	err = errno;
	if (!r)
		cap_fd_forget_range(first, last);
	errno = err;
	return r;
}

/* the program wants our trace file's number: move the file elsewhere first */
static void move_out_fd(int fd)
{
	int err = errno;

	if (fd >= 0 && fd == cap_out_fd && !foreign_child())
		cap_recorder_move_fd(fd);
	errno = err;
}

static int dup_done(int oldfd, int r)
{
	if (r >= 0 && !foreign_child()) {
		int err = errno;

		if (cap_fd_is_tracked(oldfd))
			cap_fd_dup(oldfd, r);
		else
			cap_fd_forget(r);
		errno = err;
	}
	return r;
}

EXPORT int dup(int fd)
{
	RESOLVE(real_dup, "dup");
	return dup_done(fd, real_dup(fd));
}

EXPORT int dup2(int oldfd, int newfd)
{
	RESOLVE(real_dup2, "dup2");
	if (oldfd == newfd)
		return real_dup2(oldfd, newfd);
	move_out_fd(newfd);
	return dup_done(oldfd, real_dup2(oldfd, newfd));
}

EXPORT int dup3(int oldfd, int newfd, int flags)
{
	RESOLVE(real_dup3, "dup3");
	move_out_fd(newfd);
	return dup_done(oldfd, real_dup3(oldfd, newfd, flags));
}

static int fcntl_common(int (*real)(int, int, ...), int fd, int cmd, void *arg)
{
	int r = real(fd, cmd, arg);

	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return dup_done(fd, r);
	return r;
}

EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	RESOLVE(real_fcntl, "fcntl");
	return fcntl_common(real_fcntl, fd, cmd, arg);
}

EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	RESOLVE(real_fcntl64, "fcntl64");
	if (!real_fcntl64)
		RESOLVE(real_fcntl64, "fcntl");
	return fcntl_common(real_fcntl64, fd, cmd, arg);
}

/* ---- CPU mappings behind userptr binds ---- */

static void record_cpu_unmap(uint64_t addr, uint64_t len, uint64_t seq, uint64_t t0, int ret)
{
	struct cap_build *b = cap_thread_build();

	if (!b)
		return;
	b->rec->kind = CAP_REC_OP;
	b->rec->op.kind = VMB_OP_CPU_UNMAP;
	b->rec->op.u.cpu_unmap.addr = addr;
	b->rec->op.u.cpu_unmap.size = len;
	b->rec->seq = seq;
	b->rec->t_enter = t0;
	b->rec->t_exit = cap_stamp();
	b->rec->ret = ret;
	cap_record_push(b);
}

#define CPU_CHANGE(call_expr, addr, len, fail)                                                     \
	({                                                                                         \
		__typeof__(call_expr) __r;                                                         \
		int __err;                                                                         \
		if (!cap_in_recorder && cap_userptr_any() && atomic_load(&cap_enabled) &&          \
		    !foreign_child() && cap_userptr_touched((uint64_t)(uintptr_t)(addr), (len))) { \
			uint64_t __seq = cap_seq_next(), __t0 = cap_stamp();                       \
			__r = (call_expr);                                                         \
			__err = errno;                                                             \
			record_cpu_unmap((uint64_t)(uintptr_t)(addr), (len), __seq, __t0,          \
					 (fail) ? -__err : 0);                                     \
			errno = __err;                                                             \
		} else {                                                                           \
			__r = (call_expr);                                                         \
		}                                                                                  \
		__r;                                                                               \
	})

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	RESOLVE(real_mmap, "mmap");
	if (!(flags & MAP_FIXED))
		return real_mmap(addr, len, prot, flags, fd, off);
	void *r =
	    CPU_CHANGE(real_mmap(addr, len, prot, flags, fd, off), addr, len, __r == MAP_FAILED);
	return r;
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

EXPORT int munmap(void *addr, size_t len)
{
	RESOLVE(real_munmap, "munmap");
	return CPU_CHANGE(real_munmap(addr, len), addr, len, __r != 0);
}

EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	va_list ap;
	void *new_addr = NULL;

	va_start(ap, flags);
	if (flags & MREMAP_FIXED)
		new_addr = va_arg(ap, void *);
	va_end(ap);
	RESOLVE(real_mremap, "mremap");
	return CPU_CHANGE(real_mremap(old, old_len, new_len, flags, new_addr), old, old_len,
			  __r == MAP_FAILED);
}

EXPORT int madvise(void *addr, size_t len, int advice)
{
	RESOLVE(real_madvise, "madvise");
	if (advice != MADV_DONTNEED && advice != MADV_FREE && advice != MADV_REMOVE)
		return real_madvise(addr, len, advice);
	return CPU_CHANGE(real_madvise(addr, len, advice), addr, len, __r != 0);
}

/* ---- children: exec and spawn keep the capture in the environment ---- */

static const char *const cap_vars[] = {"VMB_CAPTURE_OUT",	  "VMB_CAPTURE_T0",
				       "VMB_CAPTURE_ROOT",	  "VMB_CAPTURE_FLUSH_MS",
				       "VMB_CAPTURE_ONLY_DRIVER", "VMB_CAPTURE_ROOT_OUT"};
static char *cap_var_lines[6];

static bool has_token(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; (p = strstr(p, tok)); p += n)
		if ((p == list || p[-1] == ':' || p[-1] == ' ') &&
		    (p[n] == 0 || p[n] == ':' || p[n] == ' '))
			return true;
	return false;
}

/* slots and bytes child_env() may need for @envp (caller's stack) */
static size_t env_slots(char *const envp[])
{
	size_t n = 0;

	while (envp && envp[n])
		n++;
	return n + 8;
}

static size_t env_bytes(char *const envp[])
{
	size_t len = strlen(self_path) + 16;

	for (size_t n = 0; envp && envp[n]; n++)
		if (!strncmp(envp[n], "LD_PRELOAD=", 11))
			len += strlen(envp[n]);
	return len;
}

/*
 * The environment for a child: @envp plus our LD_PRELOAD entry and capture
 * variables when they are missing. Returns @envp itself when nothing is
 * missing, else @ne (env_slots() entries) with the new LD_PRELOAD entry in
 * @pl (env_bytes() bytes). Both live on the caller's stack: exec in a vfork
 * child must not call malloc, whose locks belong to the parent.
 */
static char *const *child_env(char *const envp[], char **ne, char *pl)
{
	size_t n = 0;
	bool have[5] = {0}, preload_ok;
	int preload = -1;

	if (!envp || !self_path[0])
		return envp;
	for (; envp[n]; n++) {
		if (!strncmp(envp[n], "LD_PRELOAD=", 11))
			preload = (int)n;
		for (int k = 0; k < 5; k++) {
			size_t l = strlen(cap_vars[k]);

			if (!strncmp(envp[n], cap_vars[k], l) && envp[n][l] == '=')
				have[k] = true;
		}
	}
	preload_ok = preload >= 0 && has_token(envp[preload] + 11, self_path);
	bool complete = preload_ok;

	for (int k = 0; k < 5; k++)
		if (!have[k] && cap_var_lines[k])
			complete = false;
	if (complete)
		return envp;
	memcpy(ne, envp, n * sizeof(*ne));
	if (!preload_ok) {
		strcpy(pl, "LD_PRELOAD=");
		strcat(pl, self_path);
		if (preload >= 0 && envp[preload][11]) {
			strcat(pl, ":");
			strcat(pl, envp[preload] + 11);
		}
		if (preload >= 0)
			ne[preload] = pl;
		else
			ne[n++] = pl;
	}
	for (int k = 0; k < 5; k++)
		if (!have[k] && cap_var_lines[k])
			ne[n++] = cap_var_lines[k];
	ne[n] = NULL;
	return ne;
}

#define CHILD_ENV(envp, out)                                                                       \
	char *slots_[env_slots(envp)];                                                             \
	char buf_[env_bytes(envp)];                                                                \
	char *const *out = child_env((envp), slots_, buf_)

extern char **environ;

static void before_exec(void)
{
	if (!foreign_child()) {
		int err = errno;

		cap_recorder_flush_for_exec();
		errno = err;
	}
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	RESOLVE(real_execve, "execve");
	before_exec();
	CHILD_ENV(envp, env);
	return real_execve(path, argv, env);
}

EXPORT int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	RESOLVE(real_execvpe, "execvpe");
	before_exec();
	CHILD_ENV(envp, env);
	return real_execvpe(file, argv, env);
}

EXPORT int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	RESOLVE(real_fexecve, "fexecve");
	before_exec();
	CHILD_ENV(envp, env);
	return real_fexecve(fd, argv, env);
}

/* execl*: collect the variadic arguments into an argv on the stack */
#define COLLECT_ARGS(arg0, ap, argv, envp_out)                                                     \
	size_t argc_ = 1;                                                                          \
	va_start(ap, arg0);                                                                        \
	while (va_arg(ap, char *))                                                                 \
		argc_++;                                                                           \
	va_end(ap);                                                                                \
	char *argv[argc_ + 1];                                                                     \
	va_start(ap, arg0);                                                                        \
	argv[0] = (char *)(arg0);                                                                  \
	for (size_t i_ = 1; i_ <= argc_; i_++)                                                     \
		argv[i_] = va_arg(ap, char *);                                                     \
	envp_out;                                                                                  \
	va_end(ap)

EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list ap;

	COLLECT_ARGS(arg, ap, argv, (void)0);
	return execve(path, argv, environ);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;

	COLLECT_ARGS(arg, ap, argv, (void)0);
	return execvpe(file, argv, environ);
}

EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	char *const *envp;

	COLLECT_ARGS(arg, ap, argv, envp = va_arg(ap, char *const *));
	return execve(path, argv, envp);
}

EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	RESOLVE(real_posix_spawn, "posix_spawn");
	CHILD_ENV(envp, env);
	return real_posix_spawn(pid, path, fa, attr, argv, env);
}

EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	RESOLVE(real_posix_spawnp, "posix_spawnp");
	CHILD_ENV(envp, env);
	return real_posix_spawnp(pid, file, fa, attr, argv, env);
}

/*
 * _exit() skips destructors, and forked children commonly leave through
 * it: write what the process recorded first (not in a vfork child, whose
 * memory is the parent's).
 */
EXPORT void _exit(int status)
{
	static void (*real__exit)(int);

	RESOLVE(real__exit, "_exit");
	cap_recorder_shutdown();
	real__exit(status);
	__builtin_unreachable();
}

EXPORT void _Exit(int status)
{
	_exit(status);
}

/* ---- life cycle ---- */

static void atfork_prepare(void)
{
	order_take();
	cap_recorder_atfork_prepare();
}

static void atfork_parent(void)
{
	cap_recorder_atfork_parent();
	order_drop();
}

static void atfork_child(void)
{
	pthread_mutex_init(&order_lock, NULL);
	order_held = 0;
	cap_self_pid = (pid_t)syscall(SYS_getpid);
	cap_userptr_reset_after_fork();
	cap_fd_reset_after_fork();
	cap_recorder_atfork_child();
}

static void remember_env(void)
{
	Dl_info info;
	char tmp[64];

	if (dladdr((void *)remember_env, &info) && info.dli_fname && info.dli_fname[0] == '/')
		snprintf(self_path, sizeof(self_path), "%s", info.dli_fname);
	for (int k = 0; k < 5; k++) {
		const char *v = getenv(cap_vars[k]);

		if (k == 1 && (!v || !*v)) { /* children share our time base */
			snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)cap_cfg.t0);
			v = tmp;
		}
		if (!v || !*v)
			continue;
		size_t l = strlen(cap_vars[k]) + strlen(v) + 2;

		cap_var_lines[k] = malloc(l);
		if (cap_var_lines[k])
			snprintf(cap_var_lines[k], l, "%s=%s", cap_vars[k], v);
	}
}

__attribute__((constructor)) static void cap_init(void)
{
	int err = errno;

	cap_self_pid = (pid_t)syscall(SYS_getpid);
	resolve_all();
	cap_recorder_init();
	remember_env();
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	errno = err;
}

__attribute__((destructor)) static void cap_fini(void)
{
	int err = errno;

	cap_recorder_shutdown();
	errno = err;
}
