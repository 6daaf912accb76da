// SPDX-License-Identifier: MIT
/*
 * build.c - the pieces decoders use to build a record: growing arrays of
 * bind entries, syncs and BO ids, and safe reads of the memory a program
 * passed to an ioctl (arrays behind pointers in the argument struct).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "capture.h"

pid_t cap_self_pid;

static void *grow(void *p, uint32_t *cap, uint32_t want, size_t elem, bool *oom)
{
	if (want <= *cap)
		return p;
	uint32_t n = *cap ? *cap : 16;

	while (n < want)
		n *= 2;
	void *np = realloc(p, (size_t)n * elem);

	if (!np) {
		*oom = true;
		return p;
	}
	*cap = n;
	return np;
}

/**
 * cap_build_bind() - append a zeroed bind entry to the record being built
 * @b: builder
 *
 * Return: the entry (a scratch entry when memory is short; @b->oom is set)
 */
struct vmb_bind_entry *cap_build_bind(struct cap_build *b)
{
	static struct vmb_bind_entry sink;

	b->binds = grow(b->binds, &b->cap_binds, b->n_binds + 1, sizeof(*b->binds), &b->oom);
	if (b->oom || b->n_binds >= UINT16_MAX) {
		b->oom = true;
		return memset(&sink, 0, sizeof(sink));
	}
	return memset(&b->binds[b->n_binds++], 0, sizeof(*b->binds));
}

/** cap_build_sync() - append a sync (kernel syncobj @handle, timeline @point) */
void cap_build_sync(struct cap_build *b, uint32_t handle, uint64_t point)
{
	b->syncs = grow(b->syncs, &b->cap_syncs, b->n_syncs + 1, sizeof(*b->syncs), &b->oom);
	if (b->oom)
		return;
	b->syncs[b->n_syncs++] = (struct vmb_sync){.point = point, .syncobj = handle};
}

/** cap_build_id() - append a BO handle to a submit's BO list */
void cap_build_id(struct cap_build *b, uint32_t id)
{
	b->ids = grow(b->ids, &b->cap_ids, b->n_ids + 1, sizeof(*b->ids), &b->oom);
	if (b->oom)
		return;
	b->ids[b->n_ids++] = id;
}

/** cap_copy_big() - cap_copy_small() for more than CAP_ARG_MAX bytes: memcpy() */
__attribute__((noinline)) void cap_copy_big(void *dst, const void *src, size_t len)
{
	memcpy(dst, src, len);
}

/*
 * The calling thread's stack, as pthread_getattr_np() reports it (noted
 * on the thread's first copy that is not known to be on it, see
 * cap_on_own_stack()). Bytes between the current stack pointer and the
 * top of the stack the thread runs on are mapped and readable, so a copy
 * from there needs no system call.
 */
CAP_TLS uintptr_t cap_stack_lo, cap_stack_hi;
static CAP_TLS bool stack_noted;

/*
 * Note this thread's stack bounds, on its first safe copy (like the
 * thread's record buffer, which is allocated on its first recorded call,
 * this is not async-signal-safe; pthread_getattr_np() allocates).
 */
static void stack_note(void)
{
	pthread_attr_t a;
	void *lo;
	size_t size;

	stack_noted = true;
	if (pthread_getattr_np(pthread_self(), &a))
		return;
	if (!pthread_attr_getstack(&a, &lo, &size)) {
		cap_stack_lo = (uintptr_t)lo;
		cap_stack_hi = (uintptr_t)lo + size;
	}
	pthread_attr_destroy(&a);
}

static atomic_int vm_readv_ok = 1; /* cleared when seccomp or the kernel refuses it */
static pthread_mutex_t pipe_lock = PTHREAD_MUTEX_INITIALIZER;
static int copy_pipe[2] = {-1, -1};

/*
 * Without process_vm_readv (a seccomp filter): let the kernel copy the
 * bytes through a pipe, which fails with EFAULT instead of faulting.
 */
static bool pipe_copy(void *dst, const void *src, size_t len)
{
	bool ok = false;

	if (len > 65536)
		return false;
	pthread_mutex_lock(&pipe_lock);
	if (copy_pipe[0] < 0 && pipe2(copy_pipe, O_CLOEXEC | O_NONBLOCK)) {
		copy_pipe[0] = copy_pipe[1] = -1;
		goto out;
	}
	if (write(copy_pipe[1], src, len) == (ssize_t)len)
		ok = read(copy_pipe[0], dst, len) == (ssize_t)len;
out:
	pthread_mutex_unlock(&pipe_lock);
	return ok;
}

/**
 * cap_safe_copy_slow() - cap_safe_copy() for bytes not known to be on the
 * calling thread's stack: the kernel copies them, and fails instead of
 * faulting (about 0.8 us for process_vm_readv in a VM, where a bare
 * system call costs 0.14 us). The thread's first call notes its stack
 * bounds, and copies directly when the bytes turn out to lie there.
 *
 * Preserves errno. Return: true when all bytes were copied.
 */
bool cap_safe_copy_slow(void *dst, const void *src, size_t len)
{
	struct iovec l = {dst, len}, r = {(void *)src, len};
	int err = errno;
	bool ok;

	if (!src)
		return false;
	if (!stack_noted) {
		stack_note(); /* pthread_getattr_np() may set errno */
		errno = err;
		if (cap_on_own_stack(src, len)) {
			memcpy(dst, src, len);
			return true;
		}
	}
	if (atomic_load_explicit(&vm_readv_ok, memory_order_relaxed)) {
		ssize_t n = process_vm_readv(
		    cap_self_pid ? cap_self_pid : (pid_t)syscall(SYS_getpid), &l, 1, &r, 1, 0);

		if (n == (ssize_t)len || (n < 0 && errno != EPERM && errno != ENOSYS)) {
			errno = err;
			return n == (ssize_t)len;
		}
		if (n < 0)
			atomic_store(&vm_readv_ok, 0);
	}
	ok = pipe_copy(dst, src, len);
	errno = err;
	return ok;
}

/*
 * Copies of the arrays of failed ioctls: each copy stays valid until the
 * thread's next ioctl is decoded (cap_user_release) or the thread exits, so
 * a decoder may hold several at once (the handles and the points of a
 * timeline wait, the chunks of an amdgpu CS and what they point at).
 */
struct user_copy {
	struct user_copy *next;
	uint64_t data[];
};

static CAP_TLS struct user_copy *copies;
static pthread_key_t copies_key;
static pthread_once_t copies_once = PTHREAD_ONCE_INIT;

/** cap_user_release() - free this thread's copies (cap_user) */
void cap_user_release(void)
{
	while (copies) {
		struct user_copy *u = copies;

		copies = u->next;
		free(u);
	}
}

static void copies_free(void *p)
{
	(void)p;
	cap_user_release();
}

static void copies_key_create(void)
{
	pthread_key_create(&copies_key, copies_free);
}

/**
 * cap_user() - a readable view of an array the program passed to an ioctl
 * @c: the call
 * @ptr: user pointer
 * @len: bytes
 *
 * After a successful call the kernel has read the array, so it is used in
 * place, unless misaligned (the kernel takes any alignment, a typed read of
 * it would be undefined). After a failed one it may be garbage: it is
 * copied safely, into a copy of its own (valid until cap_user_release).
 *
 * Return: the bytes, or NULL when they cannot be read.
 */
const void *cap_user(const struct cap_call *c, uint64_t ptr, size_t len)
{
	struct user_copy *u;

	if (!len)
		return (const void *)(uintptr_t)ptr;
	if (c->raw) /* decoding on the writer: only the copies the call left */
		return cap_raw_lookup(c->raw, ptr, len);
	if (!ptr || len > (64u << 20))
		return NULL;
	/* a misaligned array is copied: the decoders read it as typed structs */
	if (c->ret == 0 && !(ptr % 8))
		return (const void *)(uintptr_t)ptr;
	u = malloc(sizeof(*u) + len);
	if (!u)
		return NULL;
	if (!cap_safe_copy(u->data, (const void *)(uintptr_t)ptr, len)) {
		free(u);
		return NULL;
	}
	if (!copies) { /* the thread's copies are freed when it exits */
		pthread_once(&copies_once, copies_key_create);
		pthread_setspecific(copies_key, &copies_once);
	}
	u->next = copies;
	copies = u;
	return u->data;
}

/** cap_build_size() - bytes of the record built in @b (multiple of 8) */
uint32_t cap_build_size(const struct cap_build *b)
{
	size_t size = sizeof(struct cap_rec) + (size_t)b->n_binds * sizeof(*b->binds) +
		      (size_t)b->n_syncs * sizeof(*b->syncs) + (size_t)b->n_ids * 4;

	return (uint32_t)((size + 7) & ~(size_t)7);
}

/**
 * cap_build_layout() - write the record built in @b to @dst: the struct
 * cap_rec (unless @dst is where it was built), then its binds, syncs and
 * ids (see cap_rec_binds() and friends)
 * @b: builder
 * @dst: cap_build_size(@b) bytes, 8-byte aligned
 * @size: cap_build_size(@b)
 */
void cap_build_layout(const struct cap_build *b, void *dst, uint32_t size)
{
	struct cap_rec *r = dst;
	char *p;

	if (r != b->rec)
		*r = *b->rec;
	r->size = size;
	r->n_binds = (uint16_t)b->n_binds;
	r->n_syncs = b->n_syncs;
	r->n_ids = b->n_ids;
	p = (char *)(r + 1);
	if (b->n_binds)
		memcpy(p, b->binds, (size_t)b->n_binds * sizeof(*b->binds));
	p += (size_t)b->n_binds * sizeof(*b->binds);
	if (b->n_syncs)
		memcpy(p, b->syncs, (size_t)b->n_syncs * sizeof(*b->syncs));
	p += (size_t)b->n_syncs * sizeof(*b->syncs);
	if (b->n_ids)
		memcpy(p, b->ids, (size_t)b->n_ids * sizeof(*b->ids));
}
