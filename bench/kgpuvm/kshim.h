/* SPDX-License-Identifier: MIT */
/*
 * kshim.h - just enough of the kernel's headers to compile the kernel's own
 * drivers/gpu/drm/drm_gpuvm.c and lib/rbtree.c in userspace, for
 * bench/bench_gpuvm_kernel.c. Written for this benchmark; no kernel code.
 * The kernel files are read from Debian's linux-source package at build
 * time (bench/kgpuvm/build.sh); every kernel header they include resolves
 * to a stub in bench/kgpuvm/include that includes this file, except the
 * rbtree and interval-tree headers and drm/drm_gpuvm.h, which are the
 * package's own.
 *
 * Locking, reservation objects, lockdep and drm_exec are no-ops: the
 * benchmark drives one VM from one thread and never uses them.
 */
#ifndef VMB_KSHIM_H
#define VMB_KSHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
typedef unsigned int gfp_t;
typedef int64_t loff_t;

#define __rcu
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define __must_check
#define __maybe_unused __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define noinline __attribute__((noinline))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define BIT(n) (1ul << (n))
#define EXPORT_SYMBOL(s)
#define EXPORT_SYMBOL_GPL(s)
#define MODULE_DESCRIPTION(s)
#define MODULE_LICENSE(s)
#define GFP_KERNEL 0u
#define might_sleep()                                                                              \
	do {                                                                                       \
	} while (0)
#define might_lock(l)                                                                              \
	do {                                                                                       \
	} while (0)
#define lockdep_assert_held(l)                                                                     \
	do {                                                                                       \
		(void)(l);                                                                         \
	} while (0)
#define lockdep_assert(c)                                                                          \
	do {                                                                                       \
	} while (0)
#define lockdep_assert_once(c)                                                                     \
	do {                                                                                       \
	} while (0)
#define lockdep_assert_held_write(l)                                                               \
	do {                                                                                       \
		(void)(l);                                                                         \
	} while (0)
#define IS_ENABLED(x) 0
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define __is_constexpr(x) 0
#define rcu_assign_pointer(p, v) ((p) = (v))
#define rcu_dereference_raw(p) (p)
#define RCU_INIT_POINTER(p, v) ((p) = (v))

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#define container_of_const container_of

#define WARN(c, ...)                                                                               \
	({                                                                                         \
		int __c = !!(c);                                                                   \
		if (__c)                                                                           \
			fprintf(stderr, "kgpuvm WARN\n");                                          \
		__c;                                                                               \
	})
#define WARN_ON(c) WARN(c, "")
#define WARN_ON_ONCE(c) WARN(c, "")
#define drm_WARN(d, c, ...) WARN(c, "")
#define drm_WARN_ON(d, c) WARN(c, "")
#define BUG_ON(c)                                                                                  \
	do {                                                                                       \
		if (c)                                                                             \
			abort();                                                                   \
	} while (0)
#define BUG() abort()

/* allocation: the benchmark's driver allocates drm_gpuva nodes itself */
static inline void *kzalloc(size_t n, gfp_t g)
{
	return calloc(1, n);
}
static inline void *kmalloc(size_t n, gfp_t g)
{
	return malloc(n);
}
static inline void *kcalloc(size_t n, size_t m, gfp_t g)
{
	return calloc(n, m);
}
static inline void *kvmalloc_array(size_t n, size_t m, gfp_t g)
{
	return calloc(n, m);
}
static inline void kfree(const void *p)
{
	free((void *)p);
}
static inline void kvfree(const void *p)
{
	free((void *)p);
}
static inline char *kstrdup_const(const char *s, gfp_t g)
{
	return s ? strdup(s) : NULL;
}
static inline void kfree_const(const void *p)
{
	free((void *)p);
}

static inline void *kmemdup(const void *p, size_t n, gfp_t g)
{
	void *q = malloc(n);

	return q ? memcpy(q, p, n) : NULL;
}
static inline void *ERR_PTR(long e)
{
	return (void *)e;
}
static inline long PTR_ERR(const void *p)
{
	return (long)p;
}
static inline bool IS_ERR(const void *p)
{
	return (unsigned long)p >= (unsigned long)-4095;
}
static inline bool IS_ERR_OR_NULL(const void *p)
{
	return !p || IS_ERR(p);
}

/* intrusive doubly-linked list, same API as <linux/list.h> */
struct list_head {
	struct list_head *next, *prev;
};
#define LIST_HEAD_INIT(name)                                                                       \
	{                                                                                          \
		&(name), &(name)                                                                   \
	}
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}
static inline void __list_add(struct list_head *n, struct list_head *p, struct list_head *nx)
{
	nx->prev = n;
	n->next = nx;
	n->prev = p;
	p->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *h)
{
	__list_add(n, h, h->next);
}
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	__list_add(n, h->prev, h);
}
static inline void __list_del(struct list_head *p, struct list_head *nx)
{
	nx->prev = p;
	p->next = nx;
}
static inline void list_del(struct list_head *e)
{
	__list_del(e->prev, e->next);
	e->next = e->prev = NULL;
}
static inline void list_del_init(struct list_head *e)
{
	__list_del(e->prev, e->next);
	INIT_LIST_HEAD(e);
}
static inline int list_empty(const struct list_head *h)
{
	return h->next == h;
}
static inline int list_is_last(const struct list_head *e, const struct list_head *h)
{
	return e->next == h;
}
static inline void list_move_tail(struct list_head *e, struct list_head *h)
{
	__list_del(e->prev, e->next);
	list_add_tail(e, h);
}
static inline void list_splice(const struct list_head *l, struct list_head *h)
{
	if (!list_empty(l)) {
		struct list_head *f = l->next, *la = l->prev, *at = h->next;

		f->prev = h;
		h->next = f;
		la->next = at;
		at->prev = la;
	}
}
#define list_entry(p, t, m) container_of(p, t, m)
#define list_first_entry(h, t, m) list_entry((h)->next, t, m)
#define list_last_entry(h, t, m) list_entry((h)->prev, t, m)
#define list_first_entry_or_null(h, t, m) (list_empty(h) ? NULL : list_first_entry(h, t, m))
#define list_next_entry(p, m) list_entry((p)->m.next, __typeof__(*(p)), m)
#define list_prev_entry(p, m) list_entry((p)->m.prev, __typeof__(*(p)), m)
#define list_entry_is_head(p, h, m) (&(p)->m == (h))
#define list_for_each(p, h) for (p = (h)->next; p != (h); p = p->next)
#define list_for_each_safe(p, n, h) for (p = (h)->next, n = p->next; p != (h); p = n, n = p->next)
#define list_for_each_entry(p, h, m)                                                               \
	for (p = list_first_entry(h, __typeof__(*p), m); !list_entry_is_head(p, h, m);             \
	     p = list_next_entry(p, m))
#define list_for_each_entry_reverse(p, h, m)                                                       \
	for (p = list_last_entry(h, __typeof__(*p), m); !list_entry_is_head(p, h, m);              \
	     p = list_prev_entry(p, m))
#define list_for_each_entry_from_reverse(p, h, m)                                                  \
	for (; !list_entry_is_head(p, h, m); p = list_prev_entry(p, m))
#define list_for_each_entry_safe(p, n, h, m)                                                       \
	for (p = list_first_entry(h, __typeof__(*p), m), n = list_next_entry(p, m);                \
	     !list_entry_is_head(p, h, m); p = n, n = list_next_entry(n, m))

/* locks and reference counts: single-threaded no-ops / plain counters */
typedef struct {
	int x;
} spinlock_t;
struct mutex {
	int x;
};
#define spin_lock_init(l)                                                                          \
	do {                                                                                       \
		(void)(l);                                                                         \
	} while (0)
#define spin_lock(l)                                                                               \
	do {                                                                                       \
		(void)(l);                                                                         \
	} while (0)
#define spin_unlock(l)                                                                             \
	do {                                                                                       \
		(void)(l);                                                                         \
	} while (0)
struct kref {
	unsigned int refcount;
};
static inline void kref_init(struct kref *k)
{
	k->refcount = 1;
}
static inline void kref_get(struct kref *k)
{
	k->refcount++;
}
static inline int kref_get_unless_zero(struct kref *k)
{
	return k->refcount ? (int)++k->refcount : 0;
}
static inline int kref_put(struct kref *k, void (*rel)(struct kref *))
{
	if (--k->refcount == 0) {
		rel(k);
		return 1;
	}
	return 0;
}

/* reservation objects, fences, drm_exec: enough to compile */
struct dma_fence;
enum dma_resv_usage {
	DMA_RESV_USAGE_KERNEL,
	DMA_RESV_USAGE_WRITE,
	DMA_RESV_USAGE_READ,
	DMA_RESV_USAGE_BOOKKEEP
};
struct dma_resv {
	int x;
};
#define dma_resv_held(r) ((void)(r), 1)
#define dma_resv_assert_held(r)                                                                    \
	do {                                                                                       \
		(void)(r);                                                                         \
	} while (0)
static inline void dma_resv_add_fence(struct dma_resv *r, struct dma_fence *f,
				      enum dma_resv_usage u)
{
}

struct drm_device {
	int x;
};
static inline void drm_dev_get(struct drm_device *d)
{
}
static inline void drm_dev_put(struct drm_device *d)
{
}
struct drm_gem_object;
struct drm_gem_object_funcs {
	void (*free)(struct drm_gem_object *obj);
};
struct drm_gem_object {
	struct kref refcount;
	const struct drm_gem_object_funcs *funcs;
	struct dma_resv *resv;
	struct dma_resv _resv;
	struct {
		struct list_head list;
	} gpuva;
};
static inline void drm_gem_object_get(struct drm_gem_object *o)
{
	kref_get(&o->refcount);
}
static inline void drm_gem_object_put(struct drm_gem_object *o)
{
	o->refcount.refcount--;
}
static inline void drm_gem_private_object_init(struct drm_device *d, struct drm_gem_object *o,
					       size_t s)
{
	kref_init(&o->refcount);
	o->resv = &o->_resv;
	INIT_LIST_HEAD(&o->gpuva.list);
}
static inline void drm_gem_object_release(struct drm_gem_object *o)
{
}
#define drm_gem_gpuva_set_lock(o, l)                                                               \
	do {                                                                                       \
	} while (0)
#define drm_gem_gpuva_assert_lock_held(o)                                                          \
	do {                                                                                       \
	} while (0)
#define drm_gem_for_each_gpuvm_bo(e, o) list_for_each_entry(e, &(o)->gpuva.list, list.entry.gem)

#define DRM_EXEC_INTERRUPTIBLE_WAIT BIT(0)
#define DRM_EXEC_IGNORE_DUPLICATES BIT(1)
struct drm_exec {
	u32 flags;
	unsigned int num_objects;
	struct drm_gem_object **objects;
};
static inline void drm_exec_init(struct drm_exec *e, u32 f, unsigned int n)
{
	e->flags = f;
	e->num_objects = 0;
}
static inline void drm_exec_fini(struct drm_exec *e)
{
}
static inline int drm_exec_lock_obj(struct drm_exec *e, struct drm_gem_object *o)
{
	return 0;
}
static inline int drm_exec_prepare_obj(struct drm_exec *e, struct drm_gem_object *o, unsigned int n)
{
	return 0;
}
static inline int drm_exec_prepare_array(struct drm_exec *e, struct drm_gem_object **o,
					 unsigned int c, unsigned int n)
{
	return 0;
}
#define drm_exec_until_all_locked(e) for (int __once = 1; __once; __once = 0)
#define drm_exec_retry_on_contention(e)                                                            \
	do {                                                                                       \
	} while (0)
#define drm_exec_for_each_locked_object(e, o)                                                      \
	for (unsigned long __i = 0; __i < (e)->num_objects && ((o) = (e)->objects[__i]); __i++)

#endif /* VMB_KSHIM_H */
