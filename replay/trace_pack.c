// SPDX-License-Identifier: MIT
/*
 * trace_pack.c - the packed form of a loaded trace: the encoder the loader
 * runs on every parsed op, and the cursor every reader decodes ops with.
 *
 * DOC: packed ops
 *
 * A loaded trace is one byte string per parse chunk (struct vmb_trace_seg)
 * of variable-length op records, so that its memory follows what the ops
 * hold rather than the largest op kind (docs/performance.md, "Packed ops").
 * A record is:
 *
 *   head    kind (bits 0-4) | "t" given (5) | tid changed (6) | ext (7)
 *   ext     only with bit 7: ret != 0 (0) | line step != 1 (1) | t without
 *           "t" (2)
 *   t       "t" given: zigzag(t - t of the previous op that gave "t");
 *           ext bit 2: t itself
 *   tid     tid changed: the tid
 *   ret     ext bit 0: zigzag(ret)
 *   line    ext bit 1: line - line of the previous op (else 1)
 *   fields  per kind, each a LEB128 varint; bind entries, syncs and BO ids
 *           inline after the counts (see pack_kind())
 *
 * Deltas restart at each segment (the previous t and tid are 0, the line is
 * the segment's). A mark every VMB_TRACE_MARK_OPS ops keeps the decoder
 * state there, so a seek decodes at most that many ops. A kind this file
 * does not know is kept as its raw fixed-size union (it may not have pool
 * parts), so a new op kind works before it gets a compact encoding.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace_priv.h"

#define H_T (1u << 5)
#define H_TID (1u << 6)
#define H_EXT (1u << 7)
#define X_RET (1u << 0)
#define X_LINE (1u << 1)
#define X_RAW_T (1u << 2)

/* bind entry head: kind (bits 0-2), then what follows */
#define E_BO (1u << 3)
#define E_OFF (1u << 4)
#define E_HW (1u << 5)
#define E_FLAGS (1u << 6)
#define E_PAGES (1u << 7) /* va, range (and offset) are in 4 KiB units */

/* ---- encoder ---- */

static int pack_reserve(struct vmb_pack *pk, size_t more)
{
	size_t cap;
	uint8_t *b;

	if (pk->len + more <= pk->cap)
		return 0;
	cap = pk->cap ? pk->cap : 4096;
	while (cap < pk->len + more)
		cap *= 2;
	b = realloc(pk->buf, cap);
	if (!b)
		return -ENOMEM;
	pk->buf = b;
	pk->cap = cap;
	return 0;
}

static inline void put(struct vmb_pack *pk, uint64_t v)
{
	uint8_t *b = pk->buf + pk->len;

	while (v >= 0x80) {
		*b++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*b++ = (uint8_t)v;
	pk->len = (size_t)(b - pk->buf);
}

static inline uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void pack_syncs(struct vmb_pack *pk, const struct vmb_sync *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put(pk, s[i].syncobj);
		put(pk, s[i].point);
	}
}

static void pack_entry(struct vmb_pack *pk, const struct vmb_bind_entry *b)
{
	uint8_t *head = pk->buf + pk->len++;
	bool pages = !((b->va | b->range | b->offset) & 0xfff);
	unsigned int sh = pages ? 12 : 0;

	*head = (uint8_t)((b->kind & 7) | (b->bo ? E_BO : 0) | (b->offset ? E_OFF : 0) |
			  (b->hw ? E_HW : 0) | (b->flags ? E_FLAGS : 0) | (pages ? E_PAGES : 0));
	put(pk, b->va >> sh);
	put(pk, b->range >> sh);
	if (b->offset)
		put(pk, b->offset >> sh);
	if (b->hw)
		put(pk, b->hw);
	if (b->bo)
		put(pk, b->bo);
	if (b->flags)
		put(pk, b->flags);
}

/* the per-kind fields; false for a kind without a compact encoding */
static bool pack_kind(struct vmb_pack *pk, const struct vmb_op *op, uint64_t krange,
		      const struct vmb_bind_entry *binds, const struct vmb_sync *syncs,
		      const uint32_t *ids)
{
	switch (op->kind) {
	case VMB_OP_VM_CREATE:
		put(pk, op->u.vm_create.vm);
		put(pk, op->u.vm_create.flags);
		put(pk, op->u.vm_create.va_start);
		put(pk, op->u.vm_create.va_range);
		put(pk, op->u.vm_create.kernel_start);
		put(pk, krange);
		return true;
	case VMB_OP_VM_DESTROY:
		put(pk, op->u.vm_destroy.vm);
		return true;
	case VMB_OP_QUEUE_CREATE:
	case VMB_OP_QUEUE_DESTROY:
		put(pk, op->u.queue.queue);
		put(pk, op->u.queue.vm);
		put(pk, op->u.queue.engine);
		return true;
	case VMB_OP_BO_CREATE:
	case VMB_OP_BO_CLOSE:
		put(pk, op->u.bo.bo);
		put(pk, op->u.bo.size);
		put(pk, op->u.bo.vm);
		put(pk, op->u.bo.placement);
		put(pk, op->u.bo.flags);
		return true;
	case VMB_OP_SYNCOBJ_CREATE:
	case VMB_OP_SYNCOBJ_DESTROY:
		put(pk, op->u.syncobj.syncobj);
		put(pk, (op->u.syncobj.timeline ? 1u : 0u) | (op->u.syncobj.signaled ? 2u : 0u));
		return true;
	case VMB_OP_BIND:
		put(pk, op->u.bind.vm);
		put(pk, op->u.bind.queue);
		put(pk, op->u.bind.n_binds);
		put(pk, op->u.bind.n_in);
		put(pk, op->u.bind.n_out);
		for (uint32_t i = 0; i < op->u.bind.n_binds; i++)
			pack_entry(pk, &binds[op->u.bind.first_bind + i]);
		pack_syncs(pk, VMB_POOL_AT(syncs, op->u.bind.first_sync),
			   (size_t)op->u.bind.n_in + op->u.bind.n_out);
		return true;
	case VMB_OP_SUBMIT:
		put(pk, op->u.submit.queue);
		put(pk, op->u.submit.gpu_ns);
		put(pk, op->u.submit.n_bos);
		put(pk, op->u.submit.n_in);
		put(pk, op->u.submit.n_out);
		for (uint32_t i = 0; i < op->u.submit.n_bos; i++)
			put(pk, ids[op->u.submit.first_bo + i]);
		pack_syncs(pk, VMB_POOL_AT(syncs, op->u.submit.first_sync),
			   (size_t)op->u.submit.n_in + op->u.submit.n_out);
		return true;
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		put(pk, op->u.wait.timeout_ns + 1); /* UINT64_MAX (forever) is 0 */
		put(pk, op->u.wait.n);
		put(pk, op->u.wait.all);
		pack_syncs(pk, VMB_POOL_AT(syncs, op->u.wait.first_sync), op->u.wait.n);
		return true;
	case VMB_OP_CPU_UNMAP:
	case VMB_OP_CPU_MIGRATE:
		put(pk, op->u.cpu_unmap.addr);
		put(pk, op->u.cpu_unmap.size);
		return true;
	case VMB_OP_EVICT:
		put(pk, op->u.evict.bo);
		return true;
	case VMB_OP_FRAME:
		put(pk, op->u.frame.n);
		return true;
	case VMB_OP_TRANSFER:
		put(pk, op->u.transfer.flags);
		pack_syncs(pk, VMB_POOL_AT(syncs, op->u.transfer.first_sync), 2);
		return true;
	case VMB_OP_SYNCOBJ_RESET:
		put(pk, op->u.reset.n);
		for (uint32_t i = 0; i < op->u.reset.n; i++)
			put(pk, ids[op->u.reset.first_id + i]);
		return true;
	case VMB_OP_SYNC_FILE_EXPORT:
	case VMB_OP_SYNC_FILE_IMPORT:
		put(pk, op->u.sync_file.syncobj);
		put(pk, op->u.sync_file.sync_file);
		return true;
	default:
		return false;
	}
}

/* an upper bound of the record's size */
static size_t pack_bound(const struct vmb_op *op)
{
	size_t n = 64 + sizeof(op->u);

	switch (op->kind) {
	case VMB_OP_BIND:
		n += (size_t)op->u.bind.n_binds * 48 +
		     ((size_t)op->u.bind.n_in + op->u.bind.n_out) * 16;
		break;
	case VMB_OP_SUBMIT:
		n += (size_t)op->u.submit.n_bos * 5 +
		     ((size_t)op->u.submit.n_in + op->u.submit.n_out) * 16;
		break;
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		n += (size_t)op->u.wait.n * 16;
		break;
	case VMB_OP_TRANSFER:
		n += 2 * 16;
		break;
	case VMB_OP_SYNCOBJ_RESET:
		n += (size_t)op->u.reset.n * 5;
		break;
	default:
		break;
	}
	return n;
}

/**
 * vmb_pack_op() - append one op's record to @pk
 * @pk: the segment being built
 * @op: the op, its pool indices relative to @binds, @syncs, @ids
 * @has_t: the op carried "t"
 * @krange: vm_create's kernel_range
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_pack_op(struct vmb_pack *pk, const struct vmb_op *op, bool has_t, uint64_t krange,
		const struct vmb_bind_entry *binds, const struct vmb_sync *syncs,
		const uint32_t *ids)
{
	uint8_t head = op->kind & 0x1f, ext = 0;
	uint32_t step = op->line - pk->prev_line;

	if (pack_reserve(pk, pack_bound(op)))
		return -ENOMEM;
	if (has_t)
		head |= H_T;
	else if (op->t)
		ext |= X_RAW_T;
	if (op->tid != pk->prev_tid)
		head |= H_TID;
	if (op->ret)
		ext |= X_RET;
	if (step != 1)
		ext |= X_LINE;
	if (ext)
		head |= H_EXT;
	pk->buf[pk->len++] = head;
	if (ext)
		pk->buf[pk->len++] = ext;
	if (has_t) {
		put(pk, zigzag((int64_t)(op->t - pk->prev_t)));
		pk->prev_t = op->t;
	} else if (op->t) {
		put(pk, op->t);
	}
	if (head & H_TID) {
		put(pk, op->tid);
		pk->prev_tid = op->tid;
	}
	if (ext & X_RET)
		put(pk, zigzag(op->ret));
	if (ext & X_LINE)
		put(pk, step);
	pk->prev_line = op->line;
	if (!pack_kind(pk, op, krange, binds, syncs, ids)) {
		memcpy(pk->buf + pk->len, &op->u, sizeof(op->u));
		pk->len += sizeof(op->u);
	}
	return 0;
}

/** vmb_pack_free() - free a segment under construction */
void vmb_pack_free(struct vmb_pack *pk)
{
	free(pk->buf);
	memset(pk, 0, sizeof(*pk));
}

/* ---- decoder ---- */

/*
 * A varint. A loop with a branch per byte beats a branch-free gather here:
 * the lengths repeat enough for the branch predictor, and the loop does not
 * make every field wait for the length of the one before it.
 */
static inline __attribute__((always_inline)) uint64_t get(const uint8_t **pp)
{
	const uint8_t *p = *pp;
	uint64_t v = *p & 0x7f;
	unsigned int sh = 7;

	while (*p++ & 0x80) {
		v |= (uint64_t)(*p & 0x7f) << sh;
		sh += 7;
	}
	*pp = p;
	return v;
}

static int need(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *q;

	if (n <= *cap)
		return 0;
	q = realloc(*arr, n * elem);
	if (!q)
		return -ENOMEM;
	*arr = q;
	*cap = n;
	return 0;
}

static inline __attribute__((always_inline)) void get_syncs(const uint8_t **pp, struct vmb_sync *s,
							    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		s[i].syncobj = (uint32_t)get(pp);
		s[i].point = get(pp);
		s[i].pad = 0;
	}
}

static inline __attribute__((always_inline)) void get_entry(const uint8_t **pp,
							    struct vmb_bind_entry *b)
{
	uint8_t head = *(*pp)++;
	unsigned int sh = head & E_PAGES ? 12 : 0;

	b->kind = head & 7;
	b->va = get(pp) << sh;
	b->range = get(pp) << sh;
	b->offset = head & E_OFF ? get(pp) << sh : 0;
	b->hw = head & E_HW ? get(pp) : 0;
	b->bo = head & E_BO ? (uint32_t)get(pp) : 0;
	b->flags = head & E_FLAGS ? (uint8_t)get(pp) : 0;
	b->pad = 0;
}

static int sync_room(struct vmb_cursor *c, size_t n)
{
	if (need((void **)&c->sbuf, &c->cap_s, n, sizeof(*c->sbuf)))
		return -ENOMEM;
	c->syncs = n ? c->sbuf : NULL;
	return 0;
}

/*
 * A bind's five counts and ids (vm, queue, n_binds, n_in, n_out) are
 * nearly always one byte each: when the eight bytes at @p are readable and
 * the five have no continuation bit, one load gives them all.
 */
static inline __attribute__((always_inline)) bool
get_bind_head(const uint8_t **pp, const uint8_t *end, struct vmb_op *op)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w;

	if (__builtin_expect(end - *pp < 8, 0))
		return false;
	memcpy(&w, *pp, sizeof(w));
	if (__builtin_expect(w & 0x8080808080ull, 0))
		return false;
	op->u.bind.vm = (uint8_t)w;
	op->u.bind.queue = (uint8_t)(w >> 8);
	op->u.bind.n_binds = (uint8_t)(w >> 16);
	op->u.bind.n_in = (uint8_t)(w >> 24);
	op->u.bind.n_out = (uint8_t)(w >> 32);
	*pp += 5;
	return true;
#else
	return false;
#endif
}

/* a bind's fields, entries and syncs (most ops of a trace are binds) */
static inline __attribute__((always_inline)) int decode_bind(struct vmb_cursor *c,
							     const uint8_t **pp, struct vmb_op *op)
{
	const uint8_t *p = *pp;
	size_t n;

	if (!get_bind_head(&p, c->end, op)) {
		op->u.bind.vm = (uint32_t)get(&p);
		op->u.bind.queue = (uint32_t)get(&p);
		op->u.bind.n_binds = (uint32_t)get(&p);
		op->u.bind.n_in = (uint16_t)get(&p);
		op->u.bind.n_out = (uint16_t)get(&p);
	}
	n = op->u.bind.n_binds;
	if (n) {
		if (need((void **)&c->bbuf, &c->cap_b, n, sizeof(*c->bbuf)))
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			get_entry(&p, &c->bbuf[i]);
		c->binds = c->bbuf;
	}
	n = (size_t)op->u.bind.n_in + op->u.bind.n_out;
	if (sync_room(c, n))
		return -ENOMEM;
	get_syncs(&p, c->sbuf, n);
	*pp = p;
	return 1;
}

/* decode the record at c->p into c (inlined into both cursors' next()) */
static inline __attribute__((always_inline)) int decode(struct vmb_cursor *c)
{
	const uint8_t *p = c->p;
	struct vmb_op *op = &c->op;
	uint8_t head = *p++, ext = head & H_EXT ? *p++ : 0;
	size_t n;

	memset(op, 0, sizeof(*op));
	c->binds = NULL;
	c->syncs = NULL;
	c->ids = NULL;
	c->kernel_range = 0;
	op->kind = head & 0x1f;
	c->has_t = head & H_T;
	if (c->has_t) {
		c->prev_t += (uint64_t)unzigzag(get(&p));
		op->t = c->prev_t;
	} else if (ext & X_RAW_T) {
		op->t = get(&p);
	}
	if (head & H_TID)
		c->prev_tid = (uint32_t)get(&p);
	op->tid = c->prev_tid;
	if (ext & X_RET)
		op->ret = (int16_t)unzigzag(get(&p));
	c->prev_line += ext & X_LINE ? (uint32_t)get(&p) : 1;
	op->line = c->prev_line;

	/* binds first: a test the branch predictor learns, not a jump table */
	if (__builtin_expect(op->kind == VMB_OP_BIND, 1)) {
		if (decode_bind(c, &p, op) < 0)
			return -ENOMEM;
		c->p = p;
		return 1;
	}
	switch (op->kind) {
	case VMB_OP_VM_CREATE:
		op->u.vm_create.vm = (uint32_t)get(&p);
		op->u.vm_create.flags = (uint32_t)get(&p);
		op->u.vm_create.va_start = get(&p);
		op->u.vm_create.va_range = get(&p);
		op->u.vm_create.kernel_start = get(&p);
		c->kernel_range = get(&p);
		break;
	case VMB_OP_VM_DESTROY:
		op->u.vm_destroy.vm = (uint32_t)get(&p);
		break;
	case VMB_OP_QUEUE_CREATE:
	case VMB_OP_QUEUE_DESTROY:
		op->u.queue.queue = (uint32_t)get(&p);
		op->u.queue.vm = (uint32_t)get(&p);
		op->u.queue.engine = (uint8_t)get(&p);
		break;
	case VMB_OP_BO_CREATE:
	case VMB_OP_BO_CLOSE:
		op->u.bo.bo = (uint32_t)get(&p);
		op->u.bo.size = get(&p);
		op->u.bo.vm = (uint32_t)get(&p);
		op->u.bo.placement = (uint8_t)get(&p);
		op->u.bo.flags = (uint8_t)get(&p);
		break;
	case VMB_OP_SYNCOBJ_CREATE:
	case VMB_OP_SYNCOBJ_DESTROY: {
		uint64_t f;

		op->u.syncobj.syncobj = (uint32_t)get(&p);
		f = get(&p);
		op->u.syncobj.timeline = f & 1;
		op->u.syncobj.signaled = f & 2;
		break;
	}
	case VMB_OP_SUBMIT:
		op->u.submit.queue = (uint32_t)get(&p);
		op->u.submit.gpu_ns = get(&p);
		op->u.submit.n_bos = (uint32_t)get(&p);
		op->u.submit.n_in = (uint16_t)get(&p);
		op->u.submit.n_out = (uint16_t)get(&p);
		n = op->u.submit.n_bos;
		if (n) {
			if (need((void **)&c->ibuf, &c->cap_i, n, sizeof(*c->ibuf)))
				return -ENOMEM;
			for (size_t i = 0; i < n; i++)
				c->ibuf[i] = (uint32_t)get(&p);
			c->ids = c->ibuf;
		}
		n = (size_t)op->u.submit.n_in + op->u.submit.n_out;
		if (sync_room(c, n))
			return -ENOMEM;
		get_syncs(&p, c->sbuf, n);
		break;
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		op->u.wait.timeout_ns = get(&p) - 1;
		op->u.wait.n = (uint16_t)get(&p);
		op->u.wait.all = get(&p);
		n = op->u.wait.n;
		if (sync_room(c, n))
			return -ENOMEM;
		get_syncs(&p, c->sbuf, n);
		break;
	case VMB_OP_CPU_UNMAP:
	case VMB_OP_CPU_MIGRATE:
		op->u.cpu_unmap.addr = get(&p);
		op->u.cpu_unmap.size = get(&p);
		break;
	case VMB_OP_EVICT:
		op->u.evict.bo = (uint32_t)get(&p);
		break;
	case VMB_OP_FRAME:
		op->u.frame.n = get(&p);
		break;
	case VMB_OP_TRANSFER:
		op->u.transfer.flags = (uint32_t)get(&p);
		if (sync_room(c, 2))
			return -ENOMEM;
		get_syncs(&p, c->sbuf, 2);
		break;
	case VMB_OP_SYNCOBJ_RESET:
		op->u.reset.n = (uint32_t)get(&p);
		n = op->u.reset.n;
		if (n) {
			if (need((void **)&c->ibuf, &c->cap_i, n, sizeof(*c->ibuf)))
				return -ENOMEM;
			for (size_t i = 0; i < n; i++)
				c->ibuf[i] = (uint32_t)get(&p);
			c->ids = c->ibuf;
		}
		break;
	case VMB_OP_SYNC_FILE_EXPORT:
	case VMB_OP_SYNC_FILE_IMPORT:
		op->u.sync_file.syncobj = (uint32_t)get(&p);
		op->u.sync_file.sync_file = (uint32_t)get(&p);
		break;
	default:
		memcpy(&op->u, p, sizeof(op->u));
		p += sizeof(op->u);
		break;
	}
	c->p = p;
	return 1;
}

static void enter_seg(struct vmb_cursor *c, size_t seg)
{
	const struct vmb_trace_seg *s = &c->t->segs[seg];

	c->seg = seg;
	c->p = s->buf;
	c->end = s->buf + s->len;
	c->prev_t = 0;
	c->prev_tid = 0;
	c->prev_line = s->line;
}

int vmb_cursor_init(struct vmb_cursor *c, const struct vmb_trace *t)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
	if (t->n_segs)
		enter_seg(c, 0);
	if (need((void **)&c->bbuf, &c->cap_b, t->max_binds, sizeof(*c->bbuf)) ||
	    need((void **)&c->sbuf, &c->cap_s, t->max_syncs, sizeof(*c->sbuf)) ||
	    need((void **)&c->ibuf, &c->cap_i, t->max_ids, sizeof(*c->ibuf))) {
		vmb_cursor_fini(c);
		return -ENOMEM;
	}
	return 0;
}

/**
 * vmb_cursor_raw() - a cursor over one segment that is not in a trace yet
 * (the loader's validation pass); vmb_cursor_next() stops at its end
 */
void vmb_cursor_raw(struct vmb_cursor *c, const uint8_t *buf, size_t len, uint32_t line)
{
	memset(c, 0, sizeof(*c));
	c->p = buf;
	c->end = buf + len;
	c->prev_line = line;
}

/** vmb_cursor_raw_next() - the raw cursor's next op (1), end (0) or -ENOMEM */
int vmb_cursor_raw_next(struct vmb_cursor *c)
{
	int r;

	if (c->p >= c->end)
		return 0;
	r = decode(c);
	if (r > 0)
		c->index = c->next++;
	return r;
}

int vmb_cursor_next(struct vmb_cursor *c)
{
	int r;

	if (__builtin_expect(c->next >= c->t->n_ops, 0))
		return 0;
	while (__builtin_expect(c->p >= c->end, 0)) {
		if (c->seg + 1 >= c->t->n_segs)
			return 0;
		enter_seg(c, c->seg + 1);
	}
	r = decode(c);
	if (r > 0)
		c->index = c->next++;
	return r;
}

int vmb_cursor_seek(struct vmb_cursor *c, size_t index)
{
	const struct vmb_trace *t = c->t;
	int r;

	if (index >= t->n_ops)
		return 0;
	/* forward within reach: just decode on */
	if (!(c->next <= index && index - c->next < VMB_TRACE_MARK_OPS)) {
		const struct vmb_trace_mark *m = &t->marks[index / VMB_TRACE_MARK_OPS];
		const struct vmb_trace_seg *s = &t->segs[m->seg];

		c->seg = m->seg;
		c->p = s->buf + m->off;
		c->end = s->buf + s->len;
		c->prev_t = m->t;
		c->prev_line = m->line;
		c->prev_tid = m->tid;
		c->next = index / VMB_TRACE_MARK_OPS * VMB_TRACE_MARK_OPS;
	}
	do {
		r = vmb_cursor_next(c);
	} while (r > 0 && c->index < index);
	return r;
}

void vmb_cursor_fini(struct vmb_cursor *c)
{
	free(c->bbuf);
	free(c->sbuf);
	free(c->ibuf);
	c->bbuf = NULL;
	c->sbuf = NULL;
	c->ibuf = NULL;
	c->cap_b = c->cap_s = c->cap_i = 0;
}

/* account op @c (decoded) in the trace-wide figures readers size things by */
void vmb_trace_note_op(struct vmb_trace *t, const struct vmb_cursor *c)
{
	const struct vmb_op *op = &c->op;
	size_t nb, ns, ni;

	if (op->kind < VMB_OP_COUNT)
		t->n_kind[op->kind]++;
	if (op->kind == VMB_OP_VM_CREATE)
		t->vm_flags |= op->u.vm_create.flags;
	vmb_op_parts(op, &nb, &ns, &ni);
	for (size_t b = 0; b < nb; b++)
		if (c->binds[b].kind != VMB_BIND_UNMAP_ALL &&
		    c->binds[b].va + c->binds[b].range > t->bind_va_end)
			t->bind_va_end = c->binds[b].va + c->binds[b].range;
	if (nb > t->max_binds)
		t->max_binds = (uint32_t)nb;
	if (ns > t->max_syncs)
		t->max_syncs = (uint32_t)ns;
	if (ni > t->max_ids)
		t->max_ids = (uint32_t)ni;
}

/* room for one more entry in an array that grows by doubling from 16 */
int vmb_trace_grow(void **arr, size_t n, size_t elem)
{
	void *q;

	if (n < 16 ? n != 0 : (n & (n - 1)) != 0)
		return 0;
	q = realloc(*arr, (n < 16 ? 16 : 2 * n) * elem);
	if (!q)
		return -ENOMEM;
	*arr = q;
	return 0;
}

/* a mark before the op the raw cursor @c decodes next, in segment @seg */
int vmb_trace_add_mark(struct vmb_trace *t, const struct vmb_cursor *c, const uint8_t *seg_buf,
		       size_t seg)
{
	if (vmb_trace_grow((void **)&t->marks, t->n_marks, sizeof(*t->marks)))
		return -ENOMEM;
	t->marks[t->n_marks++] = (struct vmb_trace_mark){
	    .off = (uint64_t)(c->p - seg_buf),
	    .t = c->prev_t,
	    .seg = (uint32_t)seg,
	    .line = c->prev_line,
	    .tid = c->prev_tid,
	};
	return 0;
}

void vmb_trace_release(struct vmb_trace *t)
{
	for (size_t i = 0; i < t->n_segs; i++)
		free(t->segs[i].buf);
	free(t->segs);
	free(t->marks);
	t->segs = NULL;
	t->marks = NULL;
	t->n_segs = t->n_marks = t->n_ops = 0;
	t->packed_bytes = 0;
}

int vmb_trace_pack_ops(struct vmb_trace *t, const struct vmb_op *ops, size_t n,
		       const struct vmb_bind_entry *binds, const struct vmb_sync *syncs,
		       const uint32_t *ids)
{
	struct vmb_pack pk = {0};
	struct vmb_cursor c;
	int r = 0;

	vmb_trace_release(t);
	t->max_binds = t->max_syncs = t->max_ids = t->vm_flags = 0;
	t->bind_va_end = 0;
	memset(t->n_kind, 0, sizeof(t->n_kind));
	for (size_t i = 0; i < n && !r; i++) {
		uint64_t kr = ops[i].kind == VMB_OP_VM_CREATE
				  ? vmb_trace_kernel_range(t, ops[i].u.vm_create.vm)
				  : 0;

		r = vmb_pack_op(&pk, &ops[i], true, kr, binds, syncs, ids);
	}
	if (!r && n) {
		r = vmb_trace_grow((void **)&t->segs, 0, sizeof(*t->segs));
		if (!r) {
			t->segs[0] = (struct vmb_trace_seg){.buf = pk.buf, .len = pk.len};
			t->n_segs = 1;
			t->packed_bytes = pk.len;
			pk.buf = NULL;
		}
	}
	vmb_pack_free(&pk);
	if (r || !n)
		return r;
	vmb_cursor_raw(&c, t->segs[0].buf, t->segs[0].len, 0);
	for (size_t i = 0; i < n && !r; i++) {
		if (!(i % VMB_TRACE_MARK_OPS))
			r = vmb_trace_add_mark(t, &c, t->segs[0].buf, 0);
		if (!r)
			r = vmb_cursor_raw_next(&c) > 0 ? 0 : -ENOMEM;
		if (!r)
			vmb_trace_note_op(t, &c);
	}
	vmb_cursor_fini(&c);
	if (r) {
		vmb_trace_release(t);
		return r;
	}
	t->n_ops = n;
	return 0;
}
