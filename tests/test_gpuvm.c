// SPDX-License-Identifier: MIT
/*
 * test_gpuvm.c - tests for the model's VA manager (replay/model/gpuvm.c):
 * the split/merge cases of the kernel's "DOC: Split and Merge" with the
 * expectations of reference/gpuvm-semantics.md (which wins where the doc
 * text disagrees), unmap cases, validation, callback errors, and a
 * randomized differential test against a naive reference written here.
 *
 * Steps are recorded in the canonical dump format of DESIGN.md section 7;
 * the gpuvm_fmt_*() helpers below produce exactly those lines.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "gpuvm.h"

/* ------------------------------------------------------------------ */
/* canonical dump format (DESIGN.md section 7), one line, no newline */

static int gpuvm_fmt_req_map(char *s, size_t n, uint64_t va, uint64_t range, uint32_t obj,
			     uint64_t off)
{
	return snprintf(s, n, "REQ map va=0x%" PRIx64 " range=0x%" PRIx64 " obj=%u off=0x%" PRIx64,
			va, range, obj, off);
}

static int gpuvm_fmt_req_unmap(char *s, size_t n, uint64_t va, uint64_t range)
{
	return snprintf(s, n, "REQ unmap va=0x%" PRIx64 " range=0x%" PRIx64, va, range);
}

static int gpuvm_fmt_map(char *s, size_t n, uint64_t va, uint64_t range, uint32_t obj, uint64_t off)
{
	return snprintf(s, n, "  map va=0x%" PRIx64 " range=0x%" PRIx64 " obj=%u off=0x%" PRIx64,
			va, range, obj, off);
}

static int gpuvm_fmt_unmap(char *s, size_t n, uint64_t va, uint64_t range, uint32_t obj,
			   uint64_t off, bool keep)
{
	return snprintf(
	    s, n, "  unmap va=0x%" PRIx64 " range=0x%" PRIx64 " obj=%u off=0x%" PRIx64 " keep=%d",
	    va, range, obj, off, keep);
}

/* A remap piece: "prev(va=..,range=..,obj=..,off=..)" or "-" when absent. */
static int gpuvm_fmt_piece(char *s, size_t n, const char *name, const struct vmb_gpuva *p)
{
	if (!p)
		return snprintf(s, n, "-");
	return snprintf(s, n, "%s(va=0x%" PRIx64 ",range=0x%" PRIx64 ",obj=%u,off=0x%" PRIx64 ")",
			name, p->va, p->range, p->obj, p->offset);
}

static int gpuvm_fmt_remap(char *s, size_t n, const struct vmb_gpuva *old, bool keep,
			   const struct vmb_gpuva *prev, const struct vmb_gpuva *next)
{
	char p[128], q[128];

	gpuvm_fmt_piece(p, sizeof(p), "prev", prev);
	gpuvm_fmt_piece(q, sizeof(q), "next", next);
	return snprintf(s, n,
			"  remap unmap(va=0x%" PRIx64 ",range=0x%" PRIx64 ",obj=%u,off=0x%" PRIx64
			",keep=%d) %s %s",
			old->va, old->range, old->obj, old->offset, keep, p, q);
}

static int gpuvm_fmt_error(char *s, size_t n, int err)
{
	return snprintf(s, n, "  error %d", err);
}

/* ------------------------------------------------------------------ */
/* a recorder: collects dump lines, can fail the Nth callback */

struct strbuf {
	char *s;
	size_t len, cap;
};

static void sb_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static void sb_line(struct strbuf *b, const char *line)
{
	size_t l = strlen(line);

	if (b->len + l + 2 > b->cap) {
		b->cap = (b->len + l + 2) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->len, line, l);
	b->len += l;
	b->s[b->len++] = '\n';
	b->s[b->len] = '\0';
}

struct rec {
	struct vmb_gpuvm *vm;
	struct strbuf out;
	int fail_at; /* 1-based callback index that fails with -EIO; 0 = none */
	int calls;
};

static int rec_fail(struct rec *r)
{
	return ++r->calls == r->fail_at ? -EIO : 0;
}

static int rec_map(void *priv, struct vmb_gpuva *va)
{
	struct rec *r = priv;
	char l[256];

	gpuvm_fmt_map(l, sizeof(l), va->va, va->range, va->obj, va->offset);
	sb_line(&r->out, l);
	return rec_fail(r);
}

static int rec_remap(void *priv, struct vmb_gpuva *old, bool keep, struct vmb_gpuva *prev,
		     struct vmb_gpuva *next)
{
	struct rec *r = priv;
	char l[512];

	gpuvm_fmt_remap(l, sizeof(l), old, keep, prev, next);
	sb_line(&r->out, l);
	return rec_fail(r);
}

static int rec_unmap(void *priv, struct vmb_gpuva *old, bool keep)
{
	struct rec *r = priv;
	char l[256];

	gpuvm_fmt_unmap(l, sizeof(l), old->va, old->range, old->obj, old->offset, keep);
	sb_line(&r->out, l);
	return rec_fail(r);
}

static const struct vmb_gpuvm_ops rec_ops = {
    .step_map = rec_map,
    .step_remap = rec_remap,
    .step_unmap = rec_unmap,
};

static void rec_init(struct rec *r, uint64_t start, uint64_t range, uint64_t kstart,
		     uint64_t krange)
{
	memset(r, 0, sizeof(*r));
	r->vm = vmb_gpuvm_create(start, range, kstart, krange, &rec_ops, r);
	if (!r->vm)
		abort();
	sb_reset(&r->out);
	sb_line(&r->out, ""); /* make sure the buffer exists */
	sb_reset(&r->out);
}

static void rec_fini(struct rec *r)
{
	vmb_gpuvm_destroy(r->vm);
	free(r->out.s);
}

static int rec_do_map(struct rec *r, uint64_t va, uint64_t range, uint32_t obj, uint64_t off)
{
	char l[256];
	int ret;

	gpuvm_fmt_req_map(l, sizeof(l), va, range, obj, off);
	sb_line(&r->out, l);
	r->calls = 0;
	ret = vmb_gpuvm_sm_map(r->vm, va, range, obj, off);
	if (ret) {
		gpuvm_fmt_error(l, sizeof(l), ret);
		sb_line(&r->out, l);
	}
	return ret;
}

static int rec_do_unmap(struct rec *r, uint64_t va, uint64_t range)
{
	char l[256];
	int ret;

	gpuvm_fmt_req_unmap(l, sizeof(l), va, range);
	sb_line(&r->out, l);
	r->calls = 0;
	ret = vmb_gpuvm_sm_unmap(r->vm, va, range);
	if (ret) {
		gpuvm_fmt_error(l, sizeof(l), ret);
		sb_line(&r->out, l);
	}
	return ret;
}

/* Every mapping, in list order, as "va,range,obj,off" lines. */
static const char *mappings(struct rec *r)
{
	static struct strbuf b;
	const struct vmb_gpuva *va;
	char l[256];

	sb_line(&b, "");
	sb_reset(&b);
	for (va = vmb_gpuvm_first(r->vm); va; va = vmb_gpuva_next(va)) {
		snprintf(l, sizeof(l), "0x%" PRIx64 ",0x%" PRIx64 ",%u,0x%" PRIx64, va->va,
			 va->range, va->obj, va->offset);
		sb_line(&b, l);
	}
	return b.s;
}

/* gpuvm.c keeps a red-black tree and stores the colour in prio */
#define RB_RED_COLOUR 1u

/*
 * Check the tree against the list: in-order traversal equals list order,
 * parent links agree, the red-black rules hold (prio is the colour: root
 * black, no red node with a red child, the same number of black nodes on
 * every path down to a missing child), no overlaps, node count ==
 * stats.nodes. Returns a description of the first problem, or NULL.
 */
static const char *tree_check(const struct vmb_gpuvm *vm)
{
	const struct vmb_gpuva *root = NULL, *n, *l = vmb_gpuvm_first(vm), *prevl = NULL;
	struct vmb_gpuvm_stats st;
	uint64_t count = 0;
	long black_height = -1;

	vmb_gpuvm_get_stats(vm, &st);
	/* find the root from any node */
	for (n = l; n; n = n->parent)
		root = n;
	if (root && root->prio == RB_RED_COLOUR)
		return "red root";
	/* leftmost */
	n = root;
	while (n && n->left)
		n = n->left;
	while (n) {
		if (n != l)
			return "in-order traversal differs from the list";
		if (l->prev != prevl)
			return "list prev link broken";
		if (n->left && n->left->parent != n)
			return "left child link broken";
		if (n->right && n->right->parent != n)
			return "right child link broken";
		if (n->prio > RB_RED_COLOUR)
			return "bad colour";
		if (n->prio == RB_RED_COLOUR && ((n->left && n->left->prio == RB_RED_COLOUR) ||
						 (n->right && n->right->prio == RB_RED_COLOUR)))
			return "red node with a red child";
		if (!n->left || !n->right) {
			const struct vmb_gpuva *a;
			long bh = 0;

			for (a = n; a; a = a->parent)
				bh += a->prio != RB_RED_COLOUR;
			if (black_height < 0)
				black_height = bh;
			else if (bh != black_height)
				return "black heights differ";
		}
		if (!n->range)
			return "zero-range node";
		if (prevl && prevl->va + prevl->range > n->va)
			return "overlapping or unsorted nodes";
		count++;
		prevl = l;
		l = l->next;
		/* in-order successor */
		if (n->right) {
			n = n->right;
			while (n->left)
				n = n->left;
		} else {
			while (n->parent && n->parent->right == n)
				n = n->parent;
			n = n->parent;
		}
	}
	if (l)
		return "list longer than the tree";
	if (count != st.nodes)
		return "stats.nodes differs from the node count";
	return NULL;
}

#define CHECK_TREE(vm)                                                                             \
	do {                                                                                       \
		const char *tc_err = tree_check(vm);                                               \
		if (tc_err) {                                                                      \
			printf("# %s:%d: tree check: %s\n", __FILE__, __LINE__, tc_err);           \
			th_cur_failed = 1;                                                         \
		}                                                                                  \
	} while (0)

/* Units for the split/merge cases: address k is B + k * U. */
#define U 0x1000ull
#define B 0x10000ull
#define P(k) (B + (k)*U)
#define N_OFF 0x40000ull /* "n" in the kernel doc */
#define M_OFF 0x80000ull /* "m" */

static void setup(struct rec *r)
{
	rec_init(r, 0, 1ull << 48, 0, 0);
}

/* Create a mapping and forget the steps it produced. */
static void premap(struct rec *r, uint64_t va, uint64_t range, uint32_t obj, uint64_t off)
{
	if (rec_do_map(r, va, range, obj, off))
		abort();
	sb_reset(&r->out);
}

/* ------------------------------------------------------------------ */
/* kernel doc "Split and Merge" examples 1..15 */

/* 1) identical request: no skip path, UNMAP(keep=1) + MAP */
TEST(doc1_identical)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(0), U, 1, N_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x1000 obj=1 off=0x40000\n"
			   "  unmap va=0x10000 range=0x1000 obj=1 off=0x40000 keep=1\n"
			   "  map va=0x10000 range=0x1000 obj=1 off=0x40000\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x40000\n");
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/* 2) identical except the offset */
TEST(doc2_other_offset)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(0), U, 1, M_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x1000 obj=1 off=0x80000\n"
			   "  unmap va=0x10000 range=0x1000 obj=1 off=0x40000 keep=0\n"
			   "  map va=0x10000 range=0x1000 obj=1 off=0x80000\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x80000\n");
	rec_fini(&r);
}

/* 3) identical except the object */
TEST(doc3_other_object)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(0), U, 2, N_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x1000 obj=2 off=0x40000\n"
			   "  unmap va=0x10000 range=0x1000 obj=1 off=0x40000 keep=0\n"
			   "  map va=0x10000 range=0x1000 obj=2 off=0x40000\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,2,0x40000\n");
	rec_fini(&r);
}

/* 4) existing mapping is a left-aligned subset of the request */
TEST(doc4_left_aligned_subset)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(0), 2 * U, 1, N_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x2000 obj=1 off=0x40000\n"
			   "  unmap va=0x10000 range=0x1000 obj=1 off=0x40000 keep=1\n"
			   "  map va=0x10000 range=0x2000 obj=1 off=0x40000\n");
	/* the doc's note: other object -> same ops, no keep */
	sb_reset(&r.out);
	CHECK_INT(rec_do_map(&r, P(0), 3 * U, 2, N_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x3000 obj=2 off=0x40000\n"
			   "  unmap va=0x10000 range=0x2000 obj=1 off=0x40000 keep=0\n"
			   "  map va=0x10000 range=0x3000 obj=2 off=0x40000\n");
	CHECK_STR(mappings(&r), "0x10000,0x3000,2,0x40000\n");
	rec_fini(&r);
}

/* 5) request is a left-aligned subset of the existing mapping, other object */
TEST(doc5_left_aligned_split_other_object)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 2 * U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(0), U, 2, N_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x1000 obj=2 off=0x40000\n"
			   "  remap unmap(va=0x10000,range=0x2000,obj=1,off=0x40000,keep=0) - "
			   "next(va=0x11000,range=0x1000,obj=1,off=0x41000)\n"
			   "  map va=0x10000 range=0x1000 obj=2 off=0x40000\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,2,0x40000\n"
				"0x11000,0x1000,1,0x41000\n");
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/* 6) existing mapping is a superset, same object and offset: keep */
TEST(doc6_left_aligned_split_keep)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 2 * U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(0), U, 1, N_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x1000 obj=1 off=0x40000\n"
			   "  remap unmap(va=0x10000,range=0x2000,obj=1,off=0x40000,keep=1) - "
			   "next(va=0x11000,range=0x1000,obj=1,off=0x41000)\n"
			   "  map va=0x10000 range=0x1000 obj=1 off=0x40000\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x40000\n"
				"0x11000,0x1000,1,0x41000\n");
	rec_fini(&r);
}

/* 7) request is a right-aligned subset, other object */
TEST(doc7_right_aligned_split_other_object)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 2 * U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(1), U, 2, M_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x11000 range=0x1000 obj=2 off=0x80000\n"
			   "  remap unmap(va=0x10000,range=0x2000,obj=1,off=0x40000,keep=0) "
			   "prev(va=0x10000,range=0x1000,obj=1,off=0x40000) -\n"
			   "  map va=0x11000 range=0x1000 obj=2 off=0x80000\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x40000\n"
				"0x11000,0x1000,2,0x80000\n");
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/* 8) right-aligned subset with contiguous offset: keep */
TEST(doc8_right_aligned_split_keep)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 2 * U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(1), U, 1, N_OFF + U), 0);
	CHECK_STR(r.out.s, "REQ map va=0x11000 range=0x1000 obj=1 off=0x41000\n"
			   "  remap unmap(va=0x10000,range=0x2000,obj=1,off=0x40000,keep=1) "
			   "prev(va=0x10000,range=0x1000,obj=1,off=0x40000) -\n"
			   "  map va=0x11000 range=0x1000 obj=1 off=0x41000\n");
	rec_fini(&r);
}

/* 9) existing mapping overlapped at its end, other object */
TEST(doc9_overlap_end_other_object)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 2 * U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(1), 2 * U, 2, M_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x11000 range=0x2000 obj=2 off=0x80000\n"
			   "  remap unmap(va=0x10000,range=0x2000,obj=1,off=0x40000,keep=0) "
			   "prev(va=0x10000,range=0x1000,obj=1,off=0x40000) -\n"
			   "  map va=0x11000 range=0x2000 obj=2 off=0x80000\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x40000\n"
				"0x11000,0x2000,2,0x80000\n");
	rec_fini(&r);
}

/* 10) overlapped at its end, same object, contiguous offset: keep */
TEST(doc10_overlap_end_keep)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 2 * U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(1), 2 * U, 1, N_OFF + U), 0);
	CHECK_STR(r.out.s, "REQ map va=0x11000 range=0x2000 obj=1 off=0x41000\n"
			   "  remap unmap(va=0x10000,range=0x2000,obj=1,off=0x40000,keep=1) "
			   "prev(va=0x10000,range=0x1000,obj=1,off=0x40000) -\n"
			   "  map va=0x11000 range=0x2000 obj=1 off=0x41000\n");
	rec_fini(&r);
}

/* 11) request centred inside the mapping, other object: prev and next */
TEST(doc11_centered_split_other_object)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 3 * U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(1), U, 2, M_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x11000 range=0x1000 obj=2 off=0x80000\n"
			   "  remap unmap(va=0x10000,range=0x3000,obj=1,off=0x40000,keep=0) "
			   "prev(va=0x10000,range=0x1000,obj=1,off=0x40000) "
			   "next(va=0x12000,range=0x1000,obj=1,off=0x42000)\n"
			   "  map va=0x11000 range=0x1000 obj=2 off=0x80000\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x40000\n"
				"0x11000,0x1000,2,0x80000\n"
				"0x12000,0x1000,1,0x42000\n");
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/* 12) centred, same object, contiguous offset: keep */
TEST(doc12_centered_split_keep)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 3 * U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(1), U, 1, N_OFF + U), 0);
	CHECK_STR(r.out.s, "REQ map va=0x11000 range=0x1000 obj=1 off=0x41000\n"
			   "  remap unmap(va=0x10000,range=0x3000,obj=1,off=0x40000,keep=1) "
			   "prev(va=0x10000,range=0x1000,obj=1,off=0x40000) "
			   "next(va=0x12000,range=0x1000,obj=1,off=0x42000)\n"
			   "  map va=0x11000 range=0x1000 obj=1 off=0x41000\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x40000\n"
				"0x11000,0x1000,1,0x41000\n"
				"0x12000,0x1000,1,0x42000\n");
	rec_fini(&r);
}

/* 13) existing mapping is a right-aligned subset of the request */
TEST(doc13_right_aligned_subset)
{
	struct rec r;

	setup(&r);
	premap(&r, P(1), U, 1, N_OFF + U);
	CHECK_INT(rec_do_map(&r, P(0), 2 * U, 1, N_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x2000 obj=1 off=0x40000\n"
			   "  unmap va=0x11000 range=0x1000 obj=1 off=0x41000 keep=1\n"
			   "  map va=0x10000 range=0x2000 obj=1 off=0x40000\n");
	CHECK_STR(mappings(&r), "0x10000,0x2000,1,0x40000\n");
	rec_fini(&r);
}

/* 13, the doc's note: non-contiguous offset or other object -> no keep */
TEST(doc13_right_aligned_subset_no_keep)
{
	struct rec r;

	setup(&r);
	premap(&r, P(1), U, 1, N_OFF + U);
	CHECK_INT(rec_do_map(&r, P(0), 2 * U, 1, M_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x2000 obj=1 off=0x80000\n"
			   "  unmap va=0x11000 range=0x1000 obj=1 off=0x41000 keep=0\n"
			   "  map va=0x10000 range=0x2000 obj=1 off=0x80000\n");
	sb_reset(&r.out);
	CHECK_INT(rec_do_map(&r, P(1), U, 2, N_OFF + U), 0);
	CHECK_STR(r.out.s, "REQ map va=0x11000 range=0x1000 obj=2 off=0x41000\n"
			   "  remap unmap(va=0x10000,range=0x2000,obj=1,off=0x80000,keep=0) "
			   "prev(va=0x10000,range=0x1000,obj=1,off=0x80000) -\n"
			   "  map va=0x11000 range=0x1000 obj=2 off=0x41000\n");
	rec_fini(&r);
}

/* 14) existing mapping is a centred subset of the request */
TEST(doc14_centered_subset)
{
	struct rec r;

	setup(&r);
	premap(&r, P(1), U, 1, N_OFF + U);
	CHECK_INT(rec_do_map(&r, P(0), 3 * U, 1, N_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x3000 obj=1 off=0x40000\n"
			   "  unmap va=0x11000 range=0x1000 obj=1 off=0x41000 keep=1\n"
			   "  map va=0x10000 range=0x3000 obj=1 off=0x40000\n");
	CHECK_STR(mappings(&r), "0x10000,0x3000,1,0x40000\n");
	sb_reset(&r.out);
	CHECK_INT(rec_do_map(&r, P(1), U, 2, 0), 0);
	sb_reset(&r.out);
	premap(&r, P(1), U, 2, 0);
	CHECK_INT(rec_do_map(&r, P(0), 4 * U, 3, N_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x4000 obj=3 off=0x40000\n"
			   "  unmap va=0x10000 range=0x1000 obj=1 off=0x40000 keep=0\n"
			   "  unmap va=0x11000 range=0x1000 obj=2 off=0x0 keep=0\n"
			   "  unmap va=0x12000 range=0x1000 obj=1 off=0x42000 keep=0\n"
			   "  map va=0x10000 range=0x4000 obj=3 off=0x40000\n");
	CHECK_STR(mappings(&r), "0x10000,0x4000,3,0x40000\n");
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/*
 * 15) existing mapping overlapped at its start, other object. The kernel
 * doc gives the remaining piece offset n+2; the code (and this model) give
 * f + (re - a) = n+1.
 */
TEST(doc15_overlap_start_other_object)
{
	struct rec r;

	setup(&r);
	premap(&r, P(1), 2 * U, 1, N_OFF);
	CHECK_INT(rec_do_map(&r, P(0), 2 * U, 2, M_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x2000 obj=2 off=0x80000\n"
			   "  remap unmap(va=0x11000,range=0x2000,obj=1,off=0x40000,keep=0) - "
			   "next(va=0x12000,range=0x1000,obj=1,off=0x41000)\n"
			   "  map va=0x10000 range=0x2000 obj=2 off=0x80000\n");
	CHECK_STR(mappings(&r), "0x10000,0x2000,2,0x80000\n"
				"0x12000,0x1000,1,0x41000\n");
	rec_fini(&r);
}

/* 15 with the same object and matching offset: a > ra row keeps */
TEST(doc15_overlap_start_keep)
{
	struct rec r;

	setup(&r);
	premap(&r, P(1), 2 * U, 1, N_OFF + U);
	CHECK_INT(rec_do_map(&r, P(0), 2 * U, 1, N_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x2000 obj=1 off=0x40000\n"
			   "  remap unmap(va=0x11000,range=0x2000,obj=1,off=0x41000,keep=1) - "
			   "next(va=0x12000,range=0x1000,obj=1,off=0x42000)\n"
			   "  map va=0x10000 range=0x2000 obj=1 off=0x40000\n");
	rec_fini(&r);
}

/* ------------------------------------------------------------------ */
/* map requests spanning several mappings, keep rules */

/* A request over several mappings: remap the first, unmap the inner ones,
 * remap the last; keep is decided per mapping. */
TEST(map_spanning_several)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 2 * U, 1, N_OFF);
	premap(&r, P(3), U, 2, 0);
	premap(&r, P(5), 2 * U, 1, N_OFF + 5 * U);
	CHECK_INT(rec_do_map(&r, P(1), 5 * U, 1, N_OFF + U), 0);
	CHECK_STR(r.out.s, "REQ map va=0x11000 range=0x5000 obj=1 off=0x41000\n"
			   "  remap unmap(va=0x10000,range=0x2000,obj=1,off=0x40000,keep=1) "
			   "prev(va=0x10000,range=0x1000,obj=1,off=0x40000) -\n"
			   "  unmap va=0x13000 range=0x1000 obj=2 off=0x0 keep=0\n"
			   "  remap unmap(va=0x15000,range=0x2000,obj=1,off=0x45000,keep=1) - "
			   "next(va=0x16000,range=0x1000,obj=1,off=0x46000)\n"
			   "  map va=0x11000 range=0x5000 obj=1 off=0x41000\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x40000\n"
				"0x11000,0x5000,1,0x41000\n"
				"0x16000,0x1000,1,0x46000\n");
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/* Same object, offsets not matching by one page: no keep anywhere. */
TEST(map_same_object_offset_mismatch)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 2 * U, 1, N_OFF);
	premap(&r, P(2), 2 * U, 1, N_OFF + 2 * U);
	CHECK_INT(rec_do_map(&r, P(1), 2 * U, 1, N_OFF + 2 * U), 0);
	CHECK_STR(r.out.s, "REQ map va=0x11000 range=0x2000 obj=1 off=0x42000\n"
			   "  remap unmap(va=0x10000,range=0x2000,obj=1,off=0x40000,keep=0) "
			   "prev(va=0x10000,range=0x1000,obj=1,off=0x40000) -\n"
			   "  remap unmap(va=0x12000,range=0x2000,obj=1,off=0x42000,keep=0) - "
			   "next(va=0x13000,range=0x1000,obj=1,off=0x43000)\n"
			   "  map va=0x11000 range=0x2000 obj=1 off=0x42000\n");
	rec_fini(&r);
}

/* Adjacent same-object mappings with contiguous offsets stay separate,
 * and a request covering all of them unmaps each with keep=1. */
TEST(adjacent_contiguous_not_coalesced)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), U, 1, N_OFF);
	premap(&r, P(1), U, 1, N_OFF + U);
	premap(&r, P(2), U, 1, N_OFF + 2 * U);
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x40000\n"
				"0x11000,0x1000,1,0x41000\n"
				"0x12000,0x1000,1,0x42000\n");
	CHECK_INT(rec_do_map(&r, P(0), 3 * U, 1, N_OFF), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x3000 obj=1 off=0x40000\n"
			   "  unmap va=0x10000 range=0x1000 obj=1 off=0x40000 keep=1\n"
			   "  unmap va=0x11000 range=0x1000 obj=1 off=0x41000 keep=1\n"
			   "  unmap va=0x12000 range=0x1000 obj=1 off=0x42000 keep=1\n"
			   "  map va=0x10000 range=0x3000 obj=1 off=0x40000\n");
	CHECK_STR(mappings(&r), "0x10000,0x3000,1,0x40000\n");
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/* Mappings that only touch the request are not visited. */
TEST(touching_mappings_not_visited)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), U, 1, N_OFF);
	premap(&r, P(2), U, 1, N_OFF + 2 * U);
	CHECK_INT(rec_do_map(&r, P(1), U, 1, N_OFF + U), 0);
	CHECK_STR(r.out.s, "REQ map va=0x11000 range=0x1000 obj=1 off=0x41000\n"
			   "  map va=0x11000 range=0x1000 obj=1 off=0x41000\n");
	sb_reset(&r.out);
	CHECK_INT(rec_do_unmap(&r, P(3), U), 0);
	CHECK_STR(r.out.s, "REQ unmap va=0x13000 range=0x1000\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x40000\n"
				"0x11000,0x1000,1,0x41000\n"
				"0x12000,0x1000,1,0x42000\n");
	rec_fini(&r);
}

/* Gaps produce nothing; the MAP covers them. */
TEST(map_over_holes)
{
	struct rec r;

	setup(&r);
	premap(&r, P(2), U, 1, 0);
	CHECK_INT(rec_do_map(&r, P(0), 6 * U, 2, 0), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x6000 obj=2 off=0x0\n"
			   "  unmap va=0x12000 range=0x1000 obj=1 off=0x0 keep=0\n"
			   "  map va=0x10000 range=0x6000 obj=2 off=0x0\n");
	rec_fini(&r);
}

/* NULL mappings never keep, even for an identical NULL request. */
TEST(null_mapping_never_keeps)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 2 * U, 0, 0);
	CHECK_INT(rec_do_map(&r, P(0), 2 * U, 0, 0), 0);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x2000 obj=0 off=0x0\n"
			   "  unmap va=0x10000 range=0x2000 obj=0 off=0x0 keep=0\n"
			   "  map va=0x10000 range=0x2000 obj=0 off=0x0\n");
	sb_reset(&r.out);
	CHECK_INT(rec_do_map(&r, P(1), U, 0, U), 0);
	CHECK_STR(r.out.s, "REQ map va=0x11000 range=0x1000 obj=0 off=0x1000\n"
			   "  remap unmap(va=0x10000,range=0x2000,obj=0,off=0x0,keep=0) "
			   "prev(va=0x10000,range=0x1000,obj=0,off=0x0) -\n"
			   "  map va=0x11000 range=0x1000 obj=0 off=0x1000\n");
	rec_fini(&r);
}

/* ------------------------------------------------------------------ */
/* unmap requests */

TEST(unmap_hole)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), U, 1, 0);
	premap(&r, P(3), U, 1, 0);
	CHECK_INT(rec_do_unmap(&r, P(1), 2 * U), 0);
	CHECK_STR(r.out.s, "REQ unmap va=0x11000 range=0x2000\n");
	CHECK_INT(rec_do_unmap(&r, P(100), 2 * U), 0);
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x0\n"
				"0x13000,0x1000,1,0x0\n");
	rec_fini(&r);
}

TEST(unmap_split_middle)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 4 * U, 1, N_OFF);
	CHECK_INT(rec_do_unmap(&r, P(1), U), 0);
	CHECK_STR(r.out.s, "REQ unmap va=0x11000 range=0x1000\n"
			   "  remap unmap(va=0x10000,range=0x4000,obj=1,off=0x40000,keep=0) "
			   "prev(va=0x10000,range=0x1000,obj=1,off=0x40000) "
			   "next(va=0x12000,range=0x2000,obj=1,off=0x42000)\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x40000\n"
				"0x12000,0x2000,1,0x42000\n");
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/* A NULL mapping splits the same way and carries its offset along. */
TEST(unmap_split_null_mapping)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 4 * U, 0, 0x7000);
	CHECK_INT(rec_do_unmap(&r, P(2), U), 0);
	CHECK_STR(r.out.s, "REQ unmap va=0x12000 range=0x1000\n"
			   "  remap unmap(va=0x10000,range=0x4000,obj=0,off=0x7000,keep=0) "
			   "prev(va=0x10000,range=0x2000,obj=0,off=0x7000) "
			   "next(va=0x13000,range=0x1000,obj=0,off=0xa000)\n");
	rec_fini(&r);
}

TEST(unmap_edges)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 4 * U, 1, N_OFF);
	CHECK_INT(rec_do_unmap(&r, P(0), U), 0);
	CHECK_INT(rec_do_unmap(&r, P(3), U), 0);
	CHECK_INT(rec_do_unmap(&r, P(1), 2 * U), 0);
	CHECK_STR(r.out.s, "REQ unmap va=0x10000 range=0x1000\n"
			   "  remap unmap(va=0x10000,range=0x4000,obj=1,off=0x40000,keep=0) - "
			   "next(va=0x11000,range=0x3000,obj=1,off=0x41000)\n"
			   "REQ unmap va=0x13000 range=0x1000\n"
			   "  remap unmap(va=0x11000,range=0x3000,obj=1,off=0x41000,keep=0) "
			   "prev(va=0x11000,range=0x2000,obj=1,off=0x41000) -\n"
			   "REQ unmap va=0x11000 range=0x2000\n"
			   "  unmap va=0x11000 range=0x2000 obj=1 off=0x41000 keep=0\n");
	CHECK_STR(mappings(&r), "");
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/* keep is never set by an unmap request, even for a matching object. */
TEST(unmap_spanning_several)
{
	struct rec r;

	setup(&r);
	premap(&r, P(0), 2 * U, 1, N_OFF);
	premap(&r, P(2), U, 0, 0);
	premap(&r, P(4), 2 * U, 2, M_OFF);
	CHECK_INT(rec_do_unmap(&r, P(1), 4 * U), 0);
	CHECK_STR(r.out.s, "REQ unmap va=0x11000 range=0x4000\n"
			   "  remap unmap(va=0x10000,range=0x2000,obj=1,off=0x40000,keep=0) "
			   "prev(va=0x10000,range=0x1000,obj=1,off=0x40000) -\n"
			   "  unmap va=0x12000 range=0x1000 obj=0 off=0x0 keep=0\n"
			   "  remap unmap(va=0x14000,range=0x2000,obj=2,off=0x80000,keep=0) - "
			   "next(va=0x15000,range=0x1000,obj=2,off=0x81000)\n");
	CHECK_STR(mappings(&r), "0x10000,0x1000,1,0x40000\n"
				"0x15000,0x1000,2,0x81000\n");
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/* ------------------------------------------------------------------ */
/* validation */

TEST(validation_errors_no_callbacks)
{
	struct rec r;
	struct vmb_gpuvm_stats st;

	/* managed [0x100000, 0x200000), kernel region [0x180000, 0x190000) */
	rec_init(&r, 0x100000, 0x100000, 0x180000, 0x10000);
	premap(&r, 0x100000, 0x1000, 1, 0);
	CHECK_INT(rec_do_map(&r, 0xff000, 0x2000, 1, 0), -EINVAL);   /* starts below */
	CHECK_INT(rec_do_map(&r, 0x1ff000, 0x2000, 1, 0), -EINVAL);  /* ends above */
	CHECK_INT(rec_do_map(&r, 0x17f000, 0x2000, 1, 0), -EINVAL);  /* kernel front */
	CHECK_INT(rec_do_map(&r, 0x18f000, 0x2000, 1, 0), -EINVAL);  /* kernel end */
	CHECK_INT(rec_do_map(&r, 0x184000, 0x1000, 1, 0), -EINVAL);  /* inside kernel */
	CHECK_INT(rec_do_map(&r, 0x170000, 0x30000, 1, 0), -EINVAL); /* covers kernel */
	CHECK_INT(rec_do_map(&r, 0x100000, 0, 1, 0), -EINVAL);	     /* range 0 */
	CHECK_INT(rec_do_unmap(&r, 0x100000, 0), -EINVAL);
	CHECK_INT(rec_do_unmap(&r, 0xff000, 0x2000), -EINVAL);
	CHECK_INT(rec_do_unmap(&r, 0x17f000, 0x2000), -EINVAL);
	CHECK_STR(r.out.s, "REQ map va=0xff000 range=0x2000 obj=1 off=0x0\n"
			   "  error -22\n"
			   "REQ map va=0x1ff000 range=0x2000 obj=1 off=0x0\n"
			   "  error -22\n"
			   "REQ map va=0x17f000 range=0x2000 obj=1 off=0x0\n"
			   "  error -22\n"
			   "REQ map va=0x18f000 range=0x2000 obj=1 off=0x0\n"
			   "  error -22\n"
			   "REQ map va=0x184000 range=0x1000 obj=1 off=0x0\n"
			   "  error -22\n"
			   "REQ map va=0x170000 range=0x30000 obj=1 off=0x0\n"
			   "  error -22\n"
			   "REQ map va=0x100000 range=0x0 obj=1 off=0x0\n"
			   "  error -22\n"
			   "REQ unmap va=0x100000 range=0x0\n"
			   "  error -22\n"
			   "REQ unmap va=0xff000 range=0x2000\n"
			   "  error -22\n"
			   "REQ unmap va=0x17f000 range=0x2000\n"
			   "  error -22\n");
	CHECK_STR(mappings(&r), "0x100000,0x1000,1,0x0\n");
	vmb_gpuvm_get_stats(r.vm, &st);
	CHECK_U64(st.requests, 11); /* failed requests count too */
	CHECK_U64(st.map, 1);
	CHECK_U64(st.unmap + st.remap, 0);
	rec_fini(&r);
}

TEST(validation_touching_kernel_region_ok)
{
	struct rec r;

	rec_init(&r, 0x100000, 0x100000, 0x180000, 0x10000);
	CHECK_INT(rec_do_map(&r, 0x170000, 0x10000, 1, 0), 0);
	CHECK_INT(rec_do_map(&r, 0x190000, 0x70000, 1, 0), 0); /* up to the very end */
	CHECK_INT(rec_do_map(&r, 0x100000, 0x1000, 1, 0), 0);  /* the very start */
	CHECK_STR(mappings(&r), "0x100000,0x1000,1,0x0\n"
				"0x170000,0x10000,1,0x0\n"
				"0x190000,0x70000,1,0x0\n");
	CHECK_INT(rec_do_unmap(&r, 0x100000, 0x80000), 0);
	CHECK_STR(mappings(&r), "0x190000,0x70000,1,0x0\n");
	rec_fini(&r);
}

TEST(validation_u64_overflow)
{
	struct rec r;

	/* the whole 64-bit space but its last byte: [0, 2^64 - 1) */
	rec_init(&r, 0, UINT64_MAX, 0, 0);
	CHECK_INT(rec_do_map(&r, 0xfffffffffffff000ull, 0x1000, 1, 0), -EINVAL); /* end 2^64 */
	CHECK_INT(rec_do_map(&r, 0xfffffffffffff000ull, 0x2000, 1, 0), -EINVAL); /* wraps */
	CHECK_INT(rec_do_unmap(&r, 0xfffffffffffff000ull, 0x1000), -EINVAL);
	CHECK_INT(rec_do_map(&r, 1, UINT64_MAX, 1, 0), -EINVAL);
	CHECK_INT(rec_do_map(&r, 0xffffffffffffe000ull, 0x1000, 1, 0), 0);
	CHECK_INT(rec_do_map(&r, 0, UINT64_MAX, 2, 0), 0);
	CHECK_STR(mappings(&r), "0x0,0xffffffffffffffff,2,0x0\n");
	/* offsets are not validated and wrap */
	CHECK_INT(rec_do_unmap(&r, 0x1000, 0x1000), 0);
	rec_fini(&r);

	/* start + range wraps: every request is outside the managed range */
	rec_init(&r, 0x1000, UINT64_MAX, 0, 0);
	CHECK_INT(rec_do_map(&r, 0x1000, 0x1000, 1, 0), -EINVAL);
	rec_fini(&r);
}

/* ------------------------------------------------------------------ */
/* callbacks: errors, owner fields, remove, stats, find_first */

TEST(callback_error_aborts)
{
	struct rec r;
	struct vmb_gpuvm_stats st;

	setup(&r);
	premap(&r, P(0), U, 1, 0);
	premap(&r, P(1), U, 1, U);
	premap(&r, P(2), 2 * U, 1, 2 * U);
	r.fail_at = 2;
	CHECK_INT(rec_do_map(&r, P(0), 3 * U, 2, 0), -EIO);
	CHECK_STR(r.out.s, "REQ map va=0x10000 range=0x3000 obj=2 off=0x0\n"
			   "  unmap va=0x10000 range=0x1000 obj=1 off=0x0 keep=0\n"
			   "  unmap va=0x11000 range=0x1000 obj=1 off=0x1000 keep=0\n"
			   "  error -5\n");
	/* the first step stays applied, the failed one did not happen */
	CHECK_STR(mappings(&r), "0x11000,0x1000,1,0x1000\n"
				"0x12000,0x2000,1,0x2000\n");
	CHECK_TREE(r.vm);

	/* a failing remap leaves the mapping whole */
	sb_reset(&r.out);
	r.fail_at = 1;
	CHECK_INT(rec_do_unmap(&r, P(3), U), -EIO);
	CHECK_STR(mappings(&r), "0x11000,0x1000,1,0x1000\n"
				"0x12000,0x2000,1,0x2000\n");
	/* a failing MAP inserts nothing */
	r.fail_at = 1;
	CHECK_INT(rec_do_map(&r, P(8), U, 1, 0), -EIO);
	CHECK_STR(mappings(&r), "0x11000,0x1000,1,0x1000\n"
				"0x12000,0x2000,1,0x2000\n");
	CHECK_STR(r.out.s, "REQ unmap va=0x13000 range=0x1000\n"
			   "  remap unmap(va=0x12000,range=0x2000,obj=1,off=0x2000,keep=0) "
			   "prev(va=0x12000,range=0x1000,obj=1,off=0x2000) -\n"
			   "  error -5\n"
			   "REQ map va=0x18000 range=0x1000 obj=1 off=0x0\n"
			   "  map va=0x18000 range=0x1000 obj=1 off=0x0\n"
			   "  error -5\n");
	vmb_gpuvm_get_stats(r.vm, &st);
	CHECK_U64(st.nodes, 2);
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/* Is @va reachable from the list head? (the callbacks' view of the tree) */
static bool listed(const struct vmb_gpuva *va, const struct vmb_gpuva *first)
{
	for (; first; first = first->next)
		if (first == va)
			return true;
	return false;
}

static struct vmb_gpuvm *owner_vm;

static int owner_remap(void *priv, struct vmb_gpuva *old, bool keep, struct vmb_gpuva *prev,
		       struct vmb_gpuva *next)
{
	int *bad = priv;

	/* the old mapping is still in place, the pieces are not yet */
	if (!listed(old, vmb_gpuvm_first(owner_vm)) || listed(prev, vmb_gpuvm_first(owner_vm)) ||
	    listed(next, vmb_gpuvm_first(owner_vm)))
		(*bad)++;

	/* pieces start as copies of the old owner fields; old is still listed */
	if (prev &&
	    (prev->priv != old->priv || prev->data != old->data || prev->flags != old->flags))
		(*bad)++;
	if (next &&
	    (next->priv != old->priv || next->data != old->data || next->flags != old->flags))
		(*bad)++;
	if (next)
		next->flags |= 0x100;
	return 0;
}

static int owner_map(void *priv, struct vmb_gpuva *va)
{
	int *bad = priv;

	if (va->priv || va->data || va->flags ||
	    (owner_vm && listed(va, vmb_gpuvm_first(owner_vm))))
		(*bad)++;
	va->priv = bad;
	va->data = 0xdead0000;
	va->flags = 7;
	return 0;
}

static int owner_unmap(void *priv, struct vmb_gpuva *old, bool keep)
{
	int *bad = priv;

	if (owner_vm && !listed(old, vmb_gpuvm_first(owner_vm)))
		(*bad)++;
	return 0;
}

/* Owner fields start zero on MAP and are copied into remap pieces; the
 * callbacks see the old mapping still listed and the new ones not yet. */
TEST(owner_fields_and_callback_view)
{
	static const struct vmb_gpuvm_ops ops = {
	    .step_map = owner_map,
	    .step_remap = owner_remap,
	    .step_unmap = owner_unmap,
	};
	int bad = 0;
	struct vmb_gpuvm *vm = vmb_gpuvm_create(0, 1ull << 40, 0, 0, &ops, &bad);
	const struct vmb_gpuva *va;

	owner_vm = vm;
	CHECK_INT(vmb_gpuvm_sm_map(vm, P(0), 4 * U, 1, 0), 0);
	CHECK_INT(vmb_gpuvm_sm_unmap(vm, P(1), U), 0);
	CHECK_INT(vmb_gpuvm_sm_map(vm, P(8), U, 1, 0), 0);
	CHECK_INT(vmb_gpuvm_sm_unmap(vm, P(8), U), 0);
	CHECK_INT(bad, 0);
	owner_vm = NULL;
	va = vmb_gpuvm_first(vm);
	CHECK(va && va->priv == &bad && va->data == 0xdead0000 && va->flags == 7);
	va = va ? va->next : NULL;
	CHECK(va && va->priv == &bad && va->data == 0xdead0000 && va->flags == (7 | 0x100));
	vmb_gpuvm_destroy(vm);
}

TEST(missing_callbacks_einval)
{
	static const struct vmb_gpuvm_ops ops = {
	    .step_remap = owner_remap,
	    .step_unmap = owner_unmap,
	};
	int bad = 0;
	struct vmb_gpuvm *vm = vmb_gpuvm_create(0, 1ull << 40, 0, 0, &ops, &bad);

	CHECK_INT(vmb_gpuvm_sm_map(vm, P(0), U, 1, 0), -EINVAL);
	CHECK_INT(vmb_gpuvm_sm_unmap(vm, P(0), U), 0); /* unmap needs no step_map */
	vmb_gpuvm_destroy(vm);
}

TEST(remove_and_stats)
{
	struct rec r;
	struct vmb_gpuvm_stats st;
	struct vmb_gpuva *va;

	setup(&r);
	premap(&r, P(0), 4 * U, 1, 0);		     /* map */
	premap(&r, P(1), U, 1, U);		     /* remap keep, map */
	premap(&r, P(1), U, 2, 0);		     /* unmap, map */
	CHECK_INT(rec_do_unmap(&r, P(0), 4 * U), 0); /* unmap x3 */
	premap(&r, P(8), U, 1, 0);
	premap(&r, P(10), U, 1, 0);
	vmb_gpuvm_get_stats(r.vm, &st);
	CHECK_U64(st.requests, 6);
	CHECK_U64(st.map, 5);
	CHECK_U64(st.remap, 1);
	CHECK_U64(st.unmap, 4);
	CHECK_U64(st.keep, 1);
	CHECK_U64(st.nodes, 2);
	va = vmb_gpuvm_find_first(r.vm, P(7), 4 * U);
	CHECK(va && va->va == P(8));
	vmb_gpuvm_remove(r.vm, va);
	vmb_gpuvm_get_stats(r.vm, &st);
	CHECK_U64(st.nodes, 1);
	CHECK_U64(st.unmap, 4);
	CHECK_STR(mappings(&r), "0x1a000,0x1000,1,0x0\n");
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

/* Many disjoint mappings removed one by one in random order. */
TEST(remove_random_order)
{
	enum { COUNT = 5000 };
	static struct vmb_gpuva *nodes[COUNT];
	struct rec r;
	struct vmb_gpuvm_stats st;
	struct vmb_gpuva *va;
	uint64_t s = 0x1234567;
	int i, n = 0;

	setup(&r);
	for (i = 0; i < COUNT; i++) /* every other page, shuffled by the stride */
		premap(&r, ((uint64_t)(i * 7919 % COUNT) * 2) * U, U, 1 + i % 3, i * U);
	CHECK_TREE(r.vm);
	for (va = vmb_gpuvm_first(r.vm); va; va = va->next)
		nodes[n++] = va;
	CHECK_INT(n, COUNT);
	while (n) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		i = s % n;
		vmb_gpuvm_remove(r.vm, nodes[i]);
		nodes[i] = nodes[--n];
		if (n % 512 == 0)
			CHECK_TREE(r.vm);
	}
	vmb_gpuvm_get_stats(r.vm, &st);
	CHECK_U64(st.nodes, 0);
	CHECK(!vmb_gpuvm_first(r.vm));
	CHECK_INT(rec_do_map(&r, P(0), U, 1, 0), 0); /* still usable */
	CHECK_TREE(r.vm);
	rec_fini(&r);
}

TEST(find_first)
{
	struct rec r;
	struct vmb_gpuva *va;

	setup(&r);
	premap(&r, P(2), 2 * U, 1, 0);
	premap(&r, P(6), U, 1, 0);
	CHECK(!vmb_gpuvm_find_first(r.vm, P(0), 2 * U)); /* touches P(2) */
	CHECK(!vmb_gpuvm_find_first(r.vm, P(4), 2 * U)); /* between */
	va = vmb_gpuvm_find_first(r.vm, P(3), 10 * U);
	CHECK(va && va->va == P(2));
	va = vmb_gpuvm_find_first(r.vm, P(1), 2 * U);
	CHECK(va && va->va == P(2));
	va = vmb_gpuvm_find_first(r.vm, P(4), 3 * U);
	CHECK(va && va->va == P(6));
	CHECK(!vmb_gpuvm_find_first(r.vm, P(7), ~0ull - P(7)));
	rec_fini(&r);
}

/* ------------------------------------------------------------------ */
/*
 * Differential test: a naive reference (a sorted array, the case tables of
 * gpuvm-semantics.md sections 4 and 5 applied literally) against gpuvm.c,
 * on random dense request streams. Both must produce the same dump lines
 * for every request and the same mappings afterwards.
 */

#define REF_MAX 4096

struct ref_map {
	uint64_t va, range, offset;
	uint32_t obj;
};

struct ref {
	uint64_t start, range, kstart, krange;
	struct ref_map m[REF_MAX];
	int n;
	uint64_t maps, remaps, unmaps, keeps;
};

static bool ref_valid(const struct ref *r, uint64_t va, uint64_t range)
{
	unsigned __int128 end = (unsigned __int128)va + range;
	uint64_t mm_end = r->start + r->range; /* wraps, as the kernel */
	uint64_t kend = r->kstart + r->krange;

	if (range == 0 || end > UINT64_MAX)
		return false;
	if (va < r->start || (uint64_t)end > mm_end)
		return false;
	if (r->krange && va < kend && r->kstart < (uint64_t)end)
		return false;
	return true;
}

static int ref_cmp(const void *a, const void *b)
{
	const struct ref_map *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

static struct vmb_gpuva ref_piece(uint64_t va, uint64_t range, uint32_t obj, uint64_t off)
{
	struct vmb_gpuva p;

	memset(&p, 0, sizeof(p));
	p.va = va;
	p.range = range;
	p.obj = obj;
	p.offset = off;
	return p;
}

/*
 * One request on the reference. @is_map selects sm_map. @fail_at as in
 * struct rec. Appends the dump lines to @out, returns 0 or the error.
 */
static int ref_request(struct ref *r, bool is_map, uint64_t ra, uint64_t rr, uint32_t ro,
		       uint64_t rf, int fail_at, struct strbuf *out)
{
	static struct ref_map next[REF_MAX];
	uint64_t re = ra + rr;
	int i, nn = 0, calls = 0, ret = 0;
	char l[512];

	if (is_map)
		gpuvm_fmt_req_map(l, sizeof(l), ra, rr, ro, rf);
	else
		gpuvm_fmt_req_unmap(l, sizeof(l), ra, rr);
	sb_line(out, l);
	if (!ref_valid(r, ra, rr)) {
		gpuvm_fmt_error(l, sizeof(l), -EINVAL);
		sb_line(out, l);
		return -EINVAL;
	}

	for (i = 0; i < r->n; i++) {
		struct ref_map E = r->m[i];
		uint64_t a = E.va, e = E.va + E.range, f = E.offset;
		bool has_prev = false, has_next = false, keep = false;
		struct vmb_gpuva old, pv, nx;

		if (ret || !(a < re && e > ra)) { /* untouched, or after an abort */
			next[nn++] = E;
			continue;
		}
		if (is_map) {
			/* section 4, row by row */
			if (a == ra) {
				keep = E.obj != 0 && E.obj == ro && f == rf;
				has_next = e > re;
			} else if (a < ra) {
				keep = E.obj != 0 && E.obj == ro && f + (ra - a) == rf;
				has_prev = true;
				has_next = e > re;
			} else {
				keep = E.obj != 0 && E.obj == ro && f == rf + (a - ra);
				has_next = e > re;
			}
		} else {
			/* section 5 */
			has_prev = a < ra;
			has_next = e > re;
		}
		old = ref_piece(a, E.range, E.obj, f);
		pv = ref_piece(a, ra - a, E.obj, f);
		nx = ref_piece(re, e - re, E.obj, f + (re - a));
		if (has_prev || has_next) {
			gpuvm_fmt_remap(l, sizeof(l), &old, keep, has_prev ? &pv : NULL,
					has_next ? &nx : NULL);
			r->remaps++;
		} else {
			gpuvm_fmt_unmap(l, sizeof(l), a, E.range, E.obj, f, keep);
			r->unmaps++;
		}
		r->keeps += keep;
		sb_line(out, l);
		if (++calls == fail_at) {
			ret = -EIO;
			next[nn++] = E;
			continue;
		}
		if (has_prev)
			next[nn++] = (struct ref_map){pv.va, pv.range, pv.offset, pv.obj};
		if (has_next)
			next[nn++] = (struct ref_map){nx.va, nx.range, nx.offset, nx.obj};
	}
	if (is_map && !ret) {
		gpuvm_fmt_map(l, sizeof(l), ra, rr, ro, rf);
		sb_line(out, l);
		r->maps++;
		if (++calls == fail_at)
			ret = -EIO;
		else
			next[nn++] = (struct ref_map){ra, rr, rf, ro};
	}
	if (ret) {
		gpuvm_fmt_error(l, sizeof(l), ret);
		sb_line(out, l);
	}
	if (nn > REF_MAX)
		abort();
	qsort(next, nn, sizeof(next[0]), ref_cmp);
	memcpy(r->m, next, nn * sizeof(next[0]));
	r->n = nn;
	return ret;
}

static const char *ref_mappings(const struct ref *r)
{
	static struct strbuf b;
	char l[256];
	int i;

	sb_line(&b, "");
	sb_reset(&b);
	for (i = 0; i < r->n; i++) {
		snprintf(l, sizeof(l), "0x%" PRIx64 ",0x%" PRIx64 ",%u,0x%" PRIx64, r->m[i].va,
			 r->m[i].range, r->m[i].obj, r->m[i].offset);
		sb_line(&b, l);
	}
	return b.s;
}

static bool same_mappings(const struct vmb_gpuvm *vm, const struct ref *r)
{
	const struct vmb_gpuva *va = vmb_gpuvm_first(vm);
	int i;

	for (i = 0; i < r->n; i++, va = va->next) {
		if (!va || va->va != r->m[i].va || va->range != r->m[i].range ||
		    va->obj != r->m[i].obj || va->offset != r->m[i].offset)
			return false;
	}
	return !va;
}

/* Print a multi-line string as "# " comment lines. */
static void print_commented(const char *title, const char *text)
{
	const char *p = text, *nl;

	printf("# %s:\n", title);
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		printf("#   %.*s\n", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

static uint64_t xrand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/*
 * @units: size of the address space in pages; @requests: stream length.
 * Returns the number of the first request that differs, or 0.
 */
static long differential(uint64_t seed, int units, long requests)
{
	static struct ref ref;
	struct strbuf want = {0};
	struct rec r;
	struct vmb_gpuvm_stats st;
	uint64_t s = seed;
	long i, bad = 0;

	/* managed [2U, (units-2)U), kernel region one page in the middle */
	memset(&ref, 0, sizeof(ref));
	ref.start = 2 * U;
	ref.range = (units - 4) * U;
	ref.kstart = (units / 2 + 3) * U;
	ref.krange = U;
	rec_init(&r, ref.start, ref.range, ref.kstart, ref.krange);
	sb_line(&want, "");

	for (i = 1; i <= requests && !bad; i++) {
		uint64_t x = xrand(&s);
		bool is_map = x % 10 < 6;
		uint64_t va = (xrand(&s) % units) * U;
		uint64_t len = xrand(&s) % 16 == 0 ? 1 + xrand(&s) % 24 : 1 + xrand(&s) % 6;
		uint64_t range = len * U;
		uint32_t obj = xrand(&s) % 4; /* 0 = NULL */
		uint64_t off, k = xrand(&s) % 8;
		int fail_at = xrand(&s) % 300 == 0 ? 1 + xrand(&s) % 3 : 0;

		if (k < 4) /* the object's pages follow the VA: often keeps */
			off = obj * 0x1000000ull + va;
		else if (k < 6) /* off by a page */
			off = obj * 0x1000000ull + va + (k == 4 ? U : -U);
		else
			off = (xrand(&s) % units) * U;
		if (xrand(&s) % 5000 == 0)
			range = 0;
		if (xrand(&s) % 5000 == 0)
			va = UINT64_MAX - U + 1;

		sb_reset(&want);
		ref_request(&ref, is_map, va, range, obj, off, fail_at, &want);
		sb_reset(&r.out);
		r.fail_at = fail_at;
		if (is_map)
			rec_do_map(&r, va, range, obj, off);
		else
			rec_do_unmap(&r, va, range);
		if (strcmp(r.out.s, want.s) != 0 || !same_mappings(r.vm, &ref)) {
			printf("# request %ld (seed 0x%" PRIx64 ") differs\n", i, seed);
			print_commented("gpuvm", r.out.s);
			print_commented("gpuvm mappings", mappings(&r));
			print_commented("reference", want.s);
			print_commented("reference mappings", ref_mappings(&ref));
			bad = i;
		}
		if (i % 4096 == 0 && tree_check(r.vm)) {
			printf("# request %ld: tree check: %s\n", i, tree_check(r.vm));
			bad = i;
		}
	}
	vmb_gpuvm_get_stats(r.vm, &st);
	if (!bad && (st.requests != (uint64_t)requests || st.map != ref.maps ||
		     st.remap != ref.remaps || st.unmap != ref.unmaps || st.keep != ref.keeps ||
		     st.nodes != (uint64_t)ref.n || tree_check(r.vm))) {
		printf("# stats or final tree differ\n");
		bad = -1;
	}
	rec_fini(&r);
	free(want.s);
	return bad;
}

TEST(differential_dense_200k)
{
	CHECK_INT(differential(0x5eed1234abcdull, 64, 200000), 0);
}

TEST(differential_wider_50k)
{
	CHECK_INT(differential(0xfeedfacecafeull, 1024, 50000), 0);
}

int main(void)
{
	RUN(doc1_identical);
	RUN(doc2_other_offset);
	RUN(doc3_other_object);
	RUN(doc4_left_aligned_subset);
	RUN(doc5_left_aligned_split_other_object);
	RUN(doc6_left_aligned_split_keep);
	RUN(doc7_right_aligned_split_other_object);
	RUN(doc8_right_aligned_split_keep);
	RUN(doc9_overlap_end_other_object);
	RUN(doc10_overlap_end_keep);
	RUN(doc11_centered_split_other_object);
	RUN(doc12_centered_split_keep);
	RUN(doc13_right_aligned_subset);
	RUN(doc13_right_aligned_subset_no_keep);
	RUN(doc14_centered_subset);
	RUN(doc15_overlap_start_other_object);
	RUN(doc15_overlap_start_keep);
	RUN(map_spanning_several);
	RUN(map_same_object_offset_mismatch);
	RUN(adjacent_contiguous_not_coalesced);
	RUN(touching_mappings_not_visited);
	RUN(map_over_holes);
	RUN(null_mapping_never_keeps);
	RUN(unmap_hole);
	RUN(unmap_split_middle);
	RUN(unmap_split_null_mapping);
	RUN(unmap_edges);
	RUN(unmap_spanning_several);
	RUN(validation_errors_no_callbacks);
	RUN(validation_touching_kernel_region_ok);
	RUN(validation_u64_overflow);
	RUN(callback_error_aborts);
	RUN(owner_fields_and_callback_view);
	RUN(missing_callbacks_einval);
	RUN(remove_and_stats);
	RUN(remove_random_order);
	RUN(find_first);
	RUN(differential_dense_200k);
	RUN(differential_wider_50k);
	return TEST_SUMMARY();
}
