// SPDX-License-Identifier: MIT
/*
 * gpuvm.c - the model's GPU VA manager: drm_gpuvm split/merge semantics
 * (drm_gpuvm_sm_map / drm_gpuvm_sm_unmap) over a red-black tree plus an
 * address-ordered list, O(log n) per request.
 */

/**
 * DOC: Split and merge walk
 *
 * A request covers R = [ra, re), re = ra + rr. Existing mappings never
 * overlap, so the ones a request touches form one contiguous run of the
 * address-ordered list. The walk starts at find_first(ra, rr), the lowest
 * mapping that intersects R, and moves up the list while the current
 * mapping starts below re. The list successor is read before the current
 * mapping is handled, because handling it removes it from the tree::
 *
 *              ra                                 re
 *               |<------------ request ---------->|
 *   [ A ]   [ B    ]  [ C ]    [ D ]   [ E          ]  [ F ]
 *     ^        ^                                         ^
 *     |        find_first(): B is the first that         never visited:
 *     |        intersects R; walk B, C, D, E             starts at or
 *     never visited (ends at or before ra)               after re
 *
 * A mapping that only touches R (ends exactly at ra, or starts exactly at
 * re) is not visited. Gaps between visited mappings produce nothing.
 *
 * For each visited mapping E = [a, e) backed by object o at offset f the
 * step is chosen from where E lies relative to R:
 *
 *  - E inside R (a >= ra, e <= re)          -> UNMAP(E)
 *  - E sticks out on one or both sides      -> REMAP(E, prev?, next?)
 *
 *   prev exists iff a < ra:   [a, ra)  at offset f
 *   next exists iff e > re:   [re, e)  at offset f + (re - a)
 *
 *        a        ra                 re        e
 *        [ prev   |////// R ////////|  next   ]      one mapping holding R:
 *                                                      a single REMAP with
 *                                                      prev and next
 *
 * The pieces keep E's object; their offsets stay what they were inside E,
 * so the pages behind every surviving address do not move.
 *
 * For a map request each UNMAP/REMAP also carries keep, the kernel's
 * drm_gpuva_op_unmap.keep: over the shared addresses the old mapping and the
 * new one point at the same pages of the same object. keep needs a non-NULL
 * object (obj != 0) equal to the request's object, plus the offset rule of
 * the row. The whole case table for sm_map:
 *
 *   E vs R    keep also needs       e == re        e < re          e > re
 *   -------   -------------------   ------------   -------------   --------------
 *   a == ra   f == rf               UNMAP          UNMAP           REMAP(-, next)
 *   a <  ra   f + (ra - a) == rf    REMAP(prev,-)  REMAP(prev,-)   REMAP(prev, next)
 *   a >  ra   f == rf + (a - ra)    UNMAP          UNMAP           REMAP(-, next)
 *
 * Only the "e < re" column continues to the next mapping; in the others the
 * next mapping starts at or after re, so the walk ends there anyway.
 *
 * NULL (sparse) mappings never keep, not even when an identical NULL
 * mapping is requested. There is no skip path: requesting a mapping that
 * already exists gives UNMAP(keep=1) followed by MAP, and neighbouring
 * mappings of the same object at contiguous offsets are never coalesced.
 * After the walk a map request always ends with MAP(R) carrying exactly
 * the request's address, range, object and offset. An unmap request uses
 * the same walk with keep always false and no MAP.
 *
 * Address and offset arithmetic is u64 and wraps, as in the kernel.
 *
 * Validation (drm_gpuvm_range_valid), before any callback: the request must
 * not overflow u64 (an end of exactly 2^64 is invalid), must lie inside
 * [start, start + range) where that sum may wrap, and must not overlap the
 * kernel-reserved region [kstart, kstart + krange) when krange != 0
 * (touching it is fine). range == 0 is rejected as well, unlike the kernel;
 * see gpuvm.h. Failures return -EINVAL and emit nothing.
 */

/**
 * DOC: Data structure
 *
 * Each mapping is a node in a red-black tree keyed by its start address
 * (struct vmb_gpuva.prio holds the node's colour) and in a doubly-linked
 * list in address order. Tree order and list order are always the same.
 * The kernel uses an augmented interval rb-tree; since mappings never
 * overlap, a plain search tree on the start address answers the same
 * question with one descent.
 *
 * find_first(ra, rr) looks up the floor of ra (the node with the largest
 * start <= ra). If that node reaches past ra it is the answer; otherwise the
 * answer is its list successor, provided it starts before re::
 *
 *   floor ends after ra:    [ floor  |  ]           -> floor
 *                                    ra
 *   floor ends before ra:   [floor]  |   [ succ ]   -> succ (if succ < re)
 *
 * Applying a step never needs a search from the root:
 *
 *  - REMAP: a piece lies where the old node was, so the first piece takes
 *    over the old node's tree slot, colour and list links (O(1)). A second
 *    piece (next) is inserted right after the first one: as the right
 *    child of prev, or as the left child of the leftmost node of prev's
 *    right subtree, followed by the usual red-black insert fix-up.
 *  - UNMAP: the usual red-black erase (the list successor replaces a node
 *    with two children).
 *  - MAP: when the request wholly covered a mapping, the new node takes
 *    over the first such mapping's slot (a "hole", see sm_walk()), O(1).
 *    Otherwise the walk remembers the node that precedes R once the walk
 *    is done (the prev piece of the first visited node, or the node before
 *    the first visited one, or the floor of ra), and the new node is
 *    inserted right after it the same way.
 *
 * Nodes come from slabs and are recycled through a free list, so a
 * request does not call malloc once the pool has grown to its working size.
 * Nothing recurses.
 *
 * (A treap was tried first; the red-black tree is shallower, which on the
 * 1M-request benchmark made sparse streams about 30% and dense ones about
 * 13% faster.)
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "gpuvm.h"

/*
 * Slabs grow geometrically from 64 nodes (a VM with a handful of mappings
 * stays small) to 2 MiB; those of 2 MiB are 2 MiB aligned and asked to be
 * backed by a transparent huge page, since a large sparse tree is walked
 * with one TLB miss per level otherwise.
 */
#define SLAB_MIN_BYTES (64 * sizeof(struct vmb_gpuva))
#define SLAB_MAX_BYTES (2u << 20)

struct vmb_gpuvm_slab {
	struct vmb_gpuvm_slab *next;
	size_t bytes;
};

/*
 * A bucket of the start index: its lowest mapping and (large VMs) that
 * one's list predecessor, so that a lookup landing before @first has both
 * nodes an insert links to without reading one to find the other.
 */
struct vmb_gpuvm_slot {
	struct vmb_gpuva *first;
	struct vmb_gpuva *prev;
};

struct vmb_gpuvm {
	uint64_t start, range;
	uint64_t kstart, krange;
	const struct vmb_gpuvm_ops *ops;
	void *priv;

	struct vmb_gpuva *root;	  /* red-black tree root */
	struct vmb_gpuva *head;	  /* lowest mapping (list head) */
	struct vmb_gpuva *free;	  /* recycled nodes, chained by ->next */
	struct vmb_gpuva *finger; /* last mapping looked up or inserted */
	struct vmb_gpuvm_slab *slabs;
	size_t slab_bytes; /* size of the next slab */

	/* start index (see "Start index"); idx == NULL below IDX_MIN_NODES */
	struct vmb_gpuvm_slot *idx;
	size_t idx_bytes;
	uint64_t *idx_bits; /* bit b: bucket b holds a mapping */
	uint64_t idx_base;  /* address of bucket 0 */
	uint64_t idx_n;	    /* buckets, a power of two */
	unsigned int idx_shift;
	bool idx_prev;	    /* the slots' prev is kept (large VMs) */
	uint64_t idx_limit; /* rebuild when the tree holds more nodes */

	struct vmb_gpuvm_stats stats;
};

/* ------------------------------------------------------------------ */
/* node pool */

/*
 * Large slabs and large index arrays are mapped directly, 2 MiB aligned,
 * and asked for huge pages; they never come from the C heap. Heap memory
 * that small allocations touched before is backed by 4 KiB pages, and
 * MADV_HUGEPAGE does not change pages already there. Once a large block
 * has been freed (a VM destroyed earlier in the process, or the kernel's
 * tree in bench_gpuvm_kernel), glibc raises its mmap threshold and serves
 * 2 MiB requests from the heap: the 1M-request sparse stream then ran at
 * 700 ns/request instead of 400. Fresh mappings are zero-filled.
 */
static void *big_alloc(size_t bytes)
{
	size_t len = bytes + SLAB_MAX_BYTES;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a, *end;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + SLAB_MAX_BYTES - 1) & ~(uintptr_t)(SLAB_MAX_BYTES - 1));
	end = a + ((bytes + 4095) & ~(size_t)4095);
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (p + len > end)
		munmap(end, (size_t)(p + len - end));
#ifdef MADV_HUGEPAGE
	madvise(a, bytes, MADV_HUGEPAGE);
#endif
	return a;
}

static void big_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, (bytes + 4095) & ~(size_t)4095);
}

static void slab_free(struct vmb_gpuvm_slab *s)
{
	if (s->bytes >= SLAB_MAX_BYTES)
		big_free(s, s->bytes);
	else
		free(s);
}

/* Add a slab to the free list. Nodes start 64 bytes after the slab. */
static bool pool_grow(struct vmb_gpuvm *vm)
{
	size_t bytes = vm->slab_bytes ? vm->slab_bytes : SLAB_MIN_BYTES + 64;
	struct vmb_gpuvm_slab *s;
	struct vmb_gpuva *nodes;
	size_t n;

	s = bytes >= SLAB_MAX_BYTES ? big_alloc(bytes) : aligned_alloc(64, bytes);
	if (!s)
		return false;
	s->bytes = bytes;
	s->next = vm->slabs;
	vm->slabs = s;
	nodes = (struct vmb_gpuva *)((char *)s + 64);
	n = (bytes - 64) / sizeof(*nodes);
	for (size_t i = n; i-- > 0;) {
		nodes[i].next = vm->free;
		vm->free = &nodes[i];
	}
	vm->slab_bytes = bytes * 2 > SLAB_MAX_BYTES ? SLAB_MAX_BYTES : bytes * 2;
	return true;
}

/*
 * A node for [va, va + range) backed by @obj at @offset, owner fields copied
 * from @owner (zero when NULL), links cleared. Every member is written
 * explicitly: cheaper than a memset call on the hot path.
 */
static struct vmb_gpuva *node_alloc(struct vmb_gpuvm *vm, uint64_t va, uint64_t range, uint32_t obj,
				    uint64_t offset, const struct vmb_gpuva *owner)
{
	struct vmb_gpuva *n;

	if (!vm->free && !pool_grow(vm))
		return NULL;
	n = vm->free;
	vm->free = n->next;

	n->va = va;
	n->range = range;
	n->offset = offset;
	n->obj = obj;
	n->flags = owner ? owner->flags : 0;
	n->data = owner ? owner->data : 0;
	n->priv = owner ? owner->priv : NULL;
	n->left = NULL;
	n->right = NULL;
	n->parent = NULL;
	n->prev = NULL;
	n->next = NULL;
	n->prio = 0;
	return n;
}

static void node_free(struct vmb_gpuvm *vm, struct vmb_gpuva *n)
{
	n->next = vm->free;
	vm->free = n;
}

/* ------------------------------------------------------------------ */
/* start index */

/**
 * DOC: Start index
 *
 * On a large tree the floor lookup is one cache miss per level below the
 * cached top of the tree. Beside the tree, a VM with at least
 * IDX_MIN_NODES mappings keeps a flat array of buckets over the address
 * span its mappings had when the array was built: bucket b covers
 * [base + b << shift, base + (b + 1) << shift) and holds the lowest mapping
 * that starts in it, or NULL. The array is exact at all times (insert,
 * erase and transplant keep it up to date), so the floor of an address
 * whose bucket holds a mapping starting after it is that mapping's list
 * predecessor, and an empty bucket sends the lookup to the next bucket.
 * A lookup touches the bucket and one or two nodes; one that would have
 * to walk far (a crowded bucket, a long run of empty buckets, an address
 * outside the span) falls back to the tree descent. A build makes 4 to 8
 * buckets per mapping; the array is rebuilt from the list (O(n), one walk)
 * when the mappings outnumber the buckets, i.e. after the tree grew 4-8
 * times, so the cost is amortised O(1) per insert and each node is
 * visited about 1.3 times over the life of a VM.
 *
 * Which buckets hold a mapping is also kept in a bitmap, so a lookup that
 * lands in an empty bucket finds the next occupied one with a bit scan
 * (one or two words) instead of reading the empty slots one by one (6.4 of
 * them per lookup on the dense benchmark stream, 4.1 on the sparse one).
 *
 * From IDX_PREV_NODES mappings on (a tree that no longer fits the caches)
 * a bucket also keeps its first mapping's list predecessor, updated
 * whenever the first mapping's predecessor changes. A lookup that lands
 * before the first mapping of a bucket (the common case on a sparse VM)
 * then has the floor and its successor from the slot and fetches both at
 * once, instead of reading the successor to find the floor: one dependent
 * cache miss less per request. (The slot kept the floor's end as well
 * until the bitmap came; without it slots are 16 bytes, not 24, the array
 * a third smaller, and the sparse stream no slower.)
 *
 * The tree itself (and everything the tests check) is unchanged.
 */
#define IDX_MIN_NODES 32u
#define IDX_WALK 8	 /* list steps inside a bucket before falling back */
#define IDX_SCAN_WORDS 4 /* bitmap words looked at before falling back */
/* from this many mappings on (beyond the caches) the slots keep prev too */
#define IDX_PREV_NODES 16384u

static inline bool idx_bucket(const struct vmb_gpuvm *vm, uint64_t va, uint64_t *b)
{
	*b = (va - vm->idx_base) >> vm->idx_shift;
	return va >= vm->idx_base && *b < vm->idx_n;
}

static inline void slot_set(const struct vmb_gpuvm *vm, struct vmb_gpuvm_slot *sl,
			    struct vmb_gpuva *first)
{
	uint64_t b = (uint64_t)(sl - vm->idx), bit = 1ull << (b & 63);
	struct vmb_gpuva *p;

	sl->first = first;
	vm->idx_bits[b >> 6] = first ? vm->idx_bits[b >> 6] | bit : vm->idx_bits[b >> 6] & ~bit;
	if (!vm->idx_prev)
		return;
	p = first ? first->prev : NULL;
	sl->prev = p;
}

/* @x's list predecessor changed: keep the copy in its bucket up to date */
static inline void idx_fix_prev(struct vmb_gpuvm *vm, struct vmb_gpuva *x)
{
	uint64_t b;

	if (vm->idx_prev && x && idx_bucket(vm, x->va, &b) && vm->idx[b].first == x)
		slot_set(vm, &vm->idx[b], x);
}

/* after @n joined the list */
static inline void idx_add(struct vmb_gpuvm *vm, struct vmb_gpuva *n)
{
	struct vmb_gpuvm_slot *sl;
	uint64_t b;

	if (!vm->idx)
		return;
	if (idx_bucket(vm, n->va, &b)) {
		sl = &vm->idx[b];
		if (!sl->first || n->va < sl->first->va)
			slot_set(vm, sl, n);
	}
	idx_fix_prev(vm, n->next);
}

/* after @z left the list (its ->prev and ->next still name its neighbours) */
static inline void idx_del(struct vmb_gpuvm *vm, const struct vmb_gpuva *z)
{
	uint64_t b, b2;

	if (vm->idx && idx_bucket(vm, z->va, &b) && vm->idx[b].first == z)
		slot_set(vm, &vm->idx[b],
			 z->next && idx_bucket(vm, z->next->va, &b2) && b2 == b ? z->next : NULL);
	idx_fix_prev(vm, z->next);
}

static void idx_free(struct vmb_gpuvm *vm)
{
	if (vm->idx_bytes >= SLAB_MAX_BYTES)
		big_free(vm->idx, vm->idx_bytes);
	else
		free(vm->idx);
	free(vm->idx_bits);
	vm->idx = NULL;
	vm->idx_bits = NULL;
	vm->idx_bytes = 0;
}

/* (Re)build the index over the current span; on failure keep none. */
static void idx_build(struct vmb_gpuvm *vm)
{
	uint64_t lo = vm->head->va, hi, n = vm->stats.nodes, nb = 1, b;
	unsigned int shift = 0;
	size_t bytes;
	struct vmb_gpuva *it;

	/* the highest start: the rightmost node (the list is walked once, below) */
	for (it = vm->root; it->right; it = it->right)
		;
	hi = it->va;
	while (nb < 4 * n)
		nb <<= 1;
	while (shift < 63 && ((hi - lo) >> shift) >= nb)
		shift++;
	idx_free(vm);
	vm->idx_bits = calloc(nb / 64, sizeof(*vm->idx_bits));
	bytes = nb * sizeof(*vm->idx);
	/* a large array is read at random: huge pages (TLB misses), see big_alloc() */
	vm->idx = bytes < SLAB_MAX_BYTES ? calloc(1, bytes) : big_alloc(bytes);
	vm->idx_bytes = bytes;
	if (!vm->idx || !vm->idx_bits)
		idx_free(vm);
	vm->idx_limit = vm->idx ? nb : 4 * n;
	if (!vm->idx)
		return;
	vm->idx_base = lo;
	vm->idx_n = nb;
	vm->idx_prev = n >= IDX_PREV_NODES;
	vm->idx_shift = shift;
	for (it = vm->head; it; it = it->next)
		if (idx_bucket(vm, it->va, &b) && !vm->idx[b].first)
			slot_set(vm, &vm->idx[b], it);
}

/*
 * The floor of @addr from the index, with its end (*@end) and its list
 * successor (*@succ): when @addr lies before the first mapping of a bucket
 * none of these needs the floor node itself. Return false when the index
 * cannot answer cheaply (the caller then uses the finger or the tree).
 */
static bool idx_floor(const struct vmb_gpuvm *vm, uint64_t addr, struct vmb_gpuva **fl,
		      uint64_t *end, struct vmb_gpuva **succ)
{
	const struct vmb_gpuvm_slot *sl;
	struct vmb_gpuva *h, *n;
	uint64_t b;

	if (!idx_bucket(vm, addr, &b))
		return false;
	sl = &vm->idx[b];
	h = sl->first;
	if (h && h->va <= addr) {
		for (int k = 0; k < IDX_WALK; k++) {
			n = h->next;
			if (!n || n->va > addr) {
				*fl = h;
				*end = h->va + h->range;
				*succ = n;
				return true;
			}
			h = n;
		}
		return false;
	}
	if (!h) {
		/* the next bucket that holds a mapping, from the bitmap */
		uint64_t w = b >> 6, bits = vm->idx_bits[w] & (~0ull << (b & 63));

		for (int i = 0; !bits; i++) {
			if (++w >= vm->idx_n >> 6 || i == IDX_SCAN_WORDS)
				return false;
			bits = vm->idx_bits[w];
		}
		sl = &vm->idx[(w << 6) + (uint64_t)__builtin_ctzll(bits)];
	}
	/* the lowest mapping at or after the bucket starts after addr */
	*succ = sl->first;
	if (vm->idx_prev) {
		/* an insert links to both: start the successor's miss as well */
		*fl = sl->prev;
		__builtin_prefetch(*succ, 1);
		*end = *fl ? (*fl)->va + (*fl)->range : 0;
	} else {
		*fl = sl->first->prev;
		*end = *fl ? (*fl)->va + (*fl)->range : 0;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* red-black tree + list primitives */

/* Point @parent's link (or the root) that held @old at @new. */
static inline void set_child(struct vmb_gpuvm *vm, struct vmb_gpuva *parent, struct vmb_gpuva *old,
			     struct vmb_gpuva *new)
{
	if (!parent)
		vm->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/* Rotate @n above its parent, keeping in-order (address) order. */
static void rotate_up(struct vmb_gpuvm *vm, struct vmb_gpuva *n)
{
	struct vmb_gpuva *p = n->parent;
	struct vmb_gpuva *g = p->parent;

	if (p->left == n) {
		p->left = n->right;
		if (n->right)
			n->right->parent = p;
		n->right = p;
	} else {
		p->right = n->left;
		if (n->left)
			n->left->parent = p;
		n->left = p;
	}
	p->parent = n;
	n->parent = g;
	set_child(vm, g, p, n);
}

#define RB_BLACK 0u
#define RB_RED 1u

static inline bool is_red(const struct vmb_gpuva *n)
{
	return n && n->prio == RB_RED;
}

/* Restore the red-black rules after inserting the red leaf @n. */
static void insert_fixup(struct vmb_gpuvm *vm, struct vmb_gpuva *n)
{
	struct vmb_gpuva *p, *g, *u;

	while ((p = n->parent) && p->prio == RB_RED) {
		g = p->parent; /* exists: a red node is never the root */
		u = g->left == p ? g->right : g->left;
		if (is_red(u)) {
			p->prio = RB_BLACK;
			u->prio = RB_BLACK;
			g->prio = RB_RED;
			n = g;
			continue;
		}
		if ((g->left == p) != (p->left == n)) {
			/* zig-zag: turn it into zig-zig */
			rotate_up(vm, n);
			n = p;
			p = n->parent;
		}
		p->prio = RB_BLACK;
		g->prio = RB_RED;
		rotate_up(vm, p);
		break;
	}
	vm->root->prio = RB_BLACK;
}

/*
 * Restore the red-black rules after a black node was removed above @x
 * (possibly NULL) whose parent is @xp.
 */
static void erase_fixup(struct vmb_gpuvm *vm, struct vmb_gpuva *x, struct vmb_gpuva *xp)
{
	struct vmb_gpuva *w;

	while (x != vm->root && !is_red(x)) {
		bool left = xp->left == x;

		w = left ? xp->right : xp->left; /* never NULL here */
		if (w->prio == RB_RED) {
			w->prio = RB_BLACK;
			xp->prio = RB_RED;
			rotate_up(vm, w);
			w = left ? xp->right : xp->left;
		}
		if (!is_red(w->left) && !is_red(w->right)) {
			w->prio = RB_RED;
			x = xp;
			xp = x->parent;
			continue;
		}
		if (left ? !is_red(w->right) : !is_red(w->left)) {
			struct vmb_gpuva *c = left ? w->left : w->right;

			c->prio = RB_BLACK;
			w->prio = RB_RED;
			rotate_up(vm, c);
			w = c;
		}
		w->prio = xp->prio;
		xp->prio = RB_BLACK;
		if (left)
			w->right->prio = RB_BLACK;
		else
			w->left->prio = RB_BLACK;
		rotate_up(vm, w);
		x = vm->root;
		break;
	}
	if (x)
		x->prio = RB_BLACK;
}

_Static_assert(offsetof(struct vmb_gpuva, right) ==
		   offsetof(struct vmb_gpuva, left) + sizeof(struct vmb_gpuva *),
	       "tree_floor() indexes the children");

/* Node with the largest start <= @addr, or NULL. */
static struct vmb_gpuva *tree_floor(const struct vmb_gpuvm *vm, uint64_t addr)
{
	struct vmb_gpuva *n = vm->root, *best = NULL;

	/*
	 * Branch-free: the direction is a random bit on random streams, and
	 * a mispredicted branch per level cost more than the whole search on
	 * a small tree. left and right are adjacent, so the child is an
	 * indexed load; both children are prefetched, so the one taken is
	 * already on its way when the comparison resolves.
	 */
	while (n) {
		bool go_right = n->va <= addr;

		__builtin_prefetch(n->left);
		__builtin_prefetch(n->right);
		best = go_right ? n : best;
		n = (&n->left)[go_right];
	}
	return best;
}

/*
 * Insert @n right after @pred in address order (@pred NULL: as the lowest
 * node). The caller guarantees @n sorts between @pred and its successor.
 */
static void insert_between(struct vmb_gpuvm *vm, struct vmb_gpuva *pred, struct vmb_gpuva *succ,
			   struct vmb_gpuva *n)
{
	struct vmb_gpuva *p;

	n->left = NULL;
	n->right = NULL;
	n->prio = RB_RED;
	vm->stats.nodes++;

	/* list */
	n->prev = pred;
	n->next = succ;
	if (n->next)
		n->next->prev = n;
	if (pred)
		pred->next = n;
	else
		vm->head = n;
	idx_add(vm, n);

	/* tree: a leaf slot adjacent to pred in in-order position */
	if (!vm->root) {
		n->parent = NULL;
		n->prio = RB_BLACK;
		vm->root = n;
		return;
	}
	if (succ && !succ->left) {
		/*
		 * Exactly one of pred's right link and succ's left link is free
		 * (succ is the leftmost node of pred's right subtree, or pred is
		 * the rightmost of succ's left subtree); succ is the one in cache.
		 */
		p = succ;
		p->left = n;
	} else {
		p = pred;
		p->right = n;
	}
	n->parent = p;
	insert_fixup(vm, n);
	if (vm->stats.nodes > vm->idx_limit)
		idx_build(vm);
}

static void insert_after(struct vmb_gpuvm *vm, struct vmb_gpuva *pred, struct vmb_gpuva *n)
{
	insert_between(vm, pred, pred ? pred->next : vm->head, n);
}

/* Take @z out of the tree and the list (not freed). */
static void unlink_node(struct vmb_gpuvm *vm, struct vmb_gpuva *z)
{
	struct vmb_gpuva *y, *x, *xp;
	uint32_t removed_color = z->prio;

	if (!z->left || !z->right) {
		x = z->left ? z->left : z->right;
		xp = z->parent;
		if (x)
			x->parent = xp;
		set_child(vm, xp, z, x);
	} else {
		/* two children: the successor y (z's list successor) takes z's place */
		y = z->next;
		removed_color = y->prio;
		x = y->right;
		if (y->parent == z) {
			xp = y;
		} else {
			xp = y->parent;
			xp->left = x;
			if (x)
				x->parent = xp;
			y->right = z->right;
			y->right->parent = y;
		}
		set_child(vm, z->parent, z, y);
		y->parent = z->parent;
		y->left = z->left;
		y->left->parent = y;
		y->prio = z->prio;
	}
	if (removed_color == RB_BLACK)
		erase_fixup(vm, x, xp);

	if (vm->finger == z)
		vm->finger = z->prev;
	if (z->prev)
		z->prev->next = z->next;
	else
		vm->head = z->next;
	if (z->next)
		z->next->prev = z->prev;
	idx_del(vm, z);
	vm->stats.nodes--;
}

/* Put @n in @old's place in the tree and the list. Same order, O(1). */
static void transplant(struct vmb_gpuvm *vm, struct vmb_gpuva *old, struct vmb_gpuva *n)
{
	n->left = old->left;
	n->right = old->right;
	n->parent = old->parent;
	n->prio = old->prio;
	if (n->left)
		n->left->parent = n;
	if (n->right)
		n->right->parent = n;
	set_child(vm, old->parent, old, n);

	if (vm->finger == old)
		vm->finger = n;
	n->prev = old->prev;
	n->next = old->next;
	if (n->prev)
		n->prev->next = n;
	else
		vm->head = n;
	if (n->next)
		n->next->prev = n;
	if (vm->idx) {
		/*
		 * old leaves its bucket (to its list successor when that starts
		 * in the same bucket); n (same place in the list) joins its own
		 */
		uint64_t b, b2;

		if (idx_bucket(vm, old->va, &b) && vm->idx[b].first == old)
			slot_set(vm, &vm->idx[b],
				 old->next && idx_bucket(vm, old->next->va, &b2) && b2 == b
				     ? old->next
				     : NULL);
		idx_add(vm, n);
	}
}

/*
 * The lowest node intersecting [va, va + range), or NULL. *@pred is set to
 * the node preceding the request: the one before the returned node, or the
 * floor of @va when nothing intersects.
 */
static struct vmb_gpuva *find_first(const struct vmb_gpuvm *vm, uint64_t va, uint64_t range,
				    struct vmb_gpuva **pred, struct vmb_gpuva **succ)
{
	struct vmb_gpuva *fl = NULL, *f = vm->finger, *n = NULL;
	uint64_t end = 0;
	bool ok = false;

	/*
	 * The start index answers most lookups on a VM with many mappings.
	 * Otherwise (no index yet, or an address it cannot answer cheaply,
	 * such as one above the span it was built over: a client walking up
	 * the address space) the finger: the floor of @va is often the last
	 * mapping looked up or inserted, or the one after it, two nodes that
	 * are in cache. Otherwise one descent.
	 */
	if (vm->idx)
		ok = idx_floor(vm, va, &fl, &end, &n);
	if (!ok && f && f->va <= va) {
		n = f->next;
		if (!n || n->va > va) {
			fl = f;
			ok = true;
		} else if (!n->next || n->next->va > va) {
			fl = n;
			n = n->next;
			ok = true;
		}
		if (ok)
			end = fl->va + fl->range;
	}
	if (!ok) {
		fl = tree_floor(vm, va);
		end = fl ? fl->va + fl->range : 0;
		n = fl ? fl->next : vm->head;
	}

	if (fl && va < end) {
		*pred = fl->prev;
		*succ = fl;
		return fl;
	}
	*pred = fl;
	*succ = n;
	if (n && n->va - va < range)
		return n;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* API */

struct vmb_gpuvm *vmb_gpuvm_create(uint64_t start, uint64_t range, uint64_t kstart, uint64_t krange,
				   const struct vmb_gpuvm_ops *ops, void *priv)
{
	struct vmb_gpuvm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->start = start;
	vm->range = range;
	vm->kstart = kstart;
	vm->krange = krange;
	vm->ops = ops;
	vm->priv = priv;
	vm->idx_limit = IDX_MIN_NODES;
	return vm;
}

void vmb_gpuvm_destroy(struct vmb_gpuvm *vm)
{
	struct vmb_gpuvm_slab *s, *nx;

	if (!vm)
		return;
	for (s = vm->slabs; s; s = nx) {
		nx = s->next;
		slab_free(s);
	}
	idx_free(vm);
	free(vm);
}

bool vmb_gpuvm_range_valid(const struct vmb_gpuvm *vm, uint64_t va, uint64_t range)
{
	uint64_t end = va + range;
	uint64_t mm_end = vm->start + vm->range; /* may wrap, as in the kernel */

	if (end < va) /* true end >= 2^64 */
		return false;
	if (va < vm->start || end > mm_end)
		return false;
	if (vm->krange && va < vm->kstart + vm->krange && vm->kstart < end)
		return false;
	return true;
}

/*
 * Split @old around [ra, re): build its prev/next pieces, report the REMAP,
 * then put the pieces in its place. If a prev piece is made, it becomes
 * *@pred (it is the node right before the request).
 */
static int step_remap(struct vmb_gpuvm *vm, struct vmb_gpuva *old, bool keep, uint64_t ra,
		      uint64_t re, struct vmb_gpuva **pred)
{
	uint64_t a = old->va, e = old->va + old->range;
	struct vmb_gpuva *p = NULL, *n = NULL;
	int ret;

	if (a < ra) {
		p = node_alloc(vm, a, ra - a, old->obj, old->offset, old);
		if (!p)
			return -ENOMEM;
	}
	if (e > re) {
		n = node_alloc(vm, re, e - re, old->obj, old->offset + (re - a), old);
		if (!n) {
			if (p)
				node_free(vm, p);
			return -ENOMEM;
		}
	}

	vm->stats.remap++;
	vm->stats.keep += keep;
	ret = vm->ops->step_remap(vm->priv, old, keep, p, n);
	if (ret) {
		if (n)
			node_free(vm, n);
		if (p)
			node_free(vm, p);
		return ret;
	}

	if (p) {
		transplant(vm, old, p);
		if (n)
			insert_after(vm, p, n);
		*pred = p;
	} else {
		transplant(vm, old, n);
	}
	node_free(vm, old);
	return 0;
}

/*
 * UNMAP @old. With @hole (a map request's walk, first UNMAP) the node stays
 * in the tree and the list, reported as gone, and becomes *@hole: the new
 * mapping takes its place there (see "Holes" in sm_walk()).
 */
static int step_unmap(struct vmb_gpuvm *vm, struct vmb_gpuva *old, bool keep,
		      struct vmb_gpuva **hole)
{
	int ret;

	vm->stats.unmap++;
	vm->stats.keep += keep;
	ret = vm->ops->step_unmap(vm->priv, old, keep);
	if (ret)
		return ret;
	if (hole && !*hole) {
		*hole = old;
		return 0;
	}
	unlink_node(vm, old);
	node_free(vm, old);
	return 0;
}

/* a hole that will not be filled (the request failed): remove it */
static void hole_drop(struct vmb_gpuvm *vm, struct vmb_gpuva *hole)
{
	if (hole) {
		unlink_node(vm, hole);
		node_free(vm, hole);
	}
}

/*
 * The walk shared by sm_map and sm_unmap. @is_map selects the keep rules of
 * sm_map; otherwise keep is false. On success *@pred is the node that will
 * precede a mapping of the request.
 *
 * Holes: in a map request the first mapping that lies wholly inside the
 * request is reported UNMAPped but left in the tree and the list (*@hole);
 * every other mapping of the request is gone by the end of the walk, so
 * that node then sits exactly where the new mapping belongs, and the new
 * mapping takes over its tree slot, colour and links in O(1) instead of a
 * red-black erase followed by an insert. Nothing reads the tree between
 * the walk and the MAP (the callbacks do not), and a request that fails
 * removes the hole before it returns. @hole is NULL for sm_unmap.
 */
static int sm_walk(struct vmb_gpuvm *vm, uint64_t ra, uint64_t rr, bool is_map, uint32_t ro,
		   uint64_t rf, struct vmb_gpuva **pred, struct vmb_gpuva **succ,
		   struct vmb_gpuva **hole)
{
	uint64_t re = ra + rr;
	struct vmb_gpuva *it, *nx;
	int ret;

	it = find_first(vm, ra, rr, pred, succ);
	if (it)
		*succ = NULL; /* the steps change it: the caller asks the list */
	for (; it && it->va < re; it = nx) {
		uint64_t a = it->va, e = a + it->range, f = it->offset;
		bool keep = false;

		nx = it->next;
		if (is_map && it->obj && it->obj == ro) {
			if (a == ra)
				keep = f == rf;
			else if (a < ra)
				keep = f + (ra - a) == rf;
			else
				keep = f == rf + (a - ra);
		}
		if (a >= ra && e <= re)
			ret = step_unmap(vm, it, keep, hole);
		else
			ret = step_remap(vm, it, keep, ra, re, pred);
		if (ret)
			return ret;
	}
	return 0;
}

int vmb_gpuvm_sm_map(struct vmb_gpuvm *vm, uint64_t va, uint64_t range, uint32_t obj,
		     uint64_t offset)
{
	const struct vmb_gpuvm_ops *ops = vm->ops;
	struct vmb_gpuva *pred, *succ, *n, *hole = NULL;
	int ret;

	vm->stats.requests++;
	if (!ops || !ops->step_map || !ops->step_remap || !ops->step_unmap)
		return -EINVAL;
	if (!range || !vmb_gpuvm_range_valid(vm, va, range))
		return -EINVAL;

	ret = sm_walk(vm, va, range, true, obj, offset, &pred, &succ, &hole);
	if (ret) {
		hole_drop(vm, hole);
		return ret;
	}

	n = node_alloc(vm, va, range, obj, offset, NULL);
	if (!n) {
		hole_drop(vm, hole);
		return -ENOMEM;
	}
	vm->stats.map++;
	ret = ops->step_map(vm->priv, n);
	if (ret) {
		node_free(vm, n);
		hole_drop(vm, hole);
		return ret;
	}
	if (hole) {
		transplant(vm, hole, n);
		node_free(vm, hole);
	} else if (succ) {
		insert_between(vm, pred, succ, n);
	} else {
		insert_after(vm, pred, n);
	}
	vm->finger = n;
	return 0;
}

int vmb_gpuvm_sm_unmap(struct vmb_gpuvm *vm, uint64_t va, uint64_t range)
{
	const struct vmb_gpuvm_ops *ops = vm->ops;
	struct vmb_gpuva *pred, *succ;
	int ret;

	vm->stats.requests++;
	if (!ops || !ops->step_remap || !ops->step_unmap)
		return -EINVAL;
	if (!range || !vmb_gpuvm_range_valid(vm, va, range))
		return -EINVAL;
	ret = sm_walk(vm, va, range, false, 0, 0, &pred, &succ, NULL);
	if (!ret)
		vm->finger = pred;
	return ret;
}

void vmb_gpuvm_remove(struct vmb_gpuvm *vm, struct vmb_gpuva *va)
{
	unlink_node(vm, va);
	node_free(vm, va);
}

struct vmb_gpuva *vmb_gpuvm_find_first(const struct vmb_gpuvm *vm, uint64_t va, uint64_t range)
{
	struct vmb_gpuva *pred, *succ;

	if (!range)
		return NULL;
	return find_first(vm, va, range, &pred, &succ);
}

struct vmb_gpuva *vmb_gpuvm_first(const struct vmb_gpuvm *vm)
{
	return vm->head;
}

void vmb_gpuvm_get_stats(const struct vmb_gpuvm *vm, struct vmb_gpuvm_stats *out)
{
	*out = vm->stats;
}
