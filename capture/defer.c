// SPDX-License-Identifier: MIT
/*
 * defer.c - deferred decoding: a recorded ioctl that succeeded is copied
 * raw into the thread's ring (the argument, its pre-call copies and the
 * user arrays its decoder will read) and decoded on the writer thread when
 * the writer takes it out of the ring. The program's thread then pays for
 * copies instead of the decode, the record building and its layout.
 *
 * Which calls qualify is the decoders' to say (struct cap_decoder.gather,
 * cap_core_gather()): only calls whose decode is a pure function of those
 * copies. Failed calls, calls with side effects on the program's thread
 * (userptr ranges noted for the unmap wrappers, sync_file fds marked),
 * calls whose decode reads state kept per descriptor (nouveau's sparse
 * regions) or a file (a dma-buf's size), and calls whose copies outgrow
 * CAP_RAW_ROOM are decoded at once, as before (interposer.c). Both paths
 * produce the same trace; VMB_CAPTURE_DEFER=0 turns this one off
 * (tests/capture.sh compares the two).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "capture.h"

bool cap_defer_on = true;

static inline size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

const void *cap_raw_array(struct cap_raw_build *r, uint64_t ptr, size_t len)
{
	struct cap_raw_array *a = (struct cap_raw_array *)r->p;
	size_t need = sizeof(*a) + pad8(len);

	if (!len)
		return (const void *)(uintptr_t)ptr;
	if (!ptr || r->raw->n_arrays == UINT8_MAX || need > (size_t)(r->end - r->p))
		return NULL;
	a->ptr = ptr;
	a->len = len;
	cap_copy_small(a + 1, (const void *)(uintptr_t)ptr, len);
	r->p += need;
	r->raw->n_arrays++;
	return a + 1;
}

/* start of the array copies: after the argument, its pre-call copy and the signal copies */
static const char *raw_arrays(const struct cap_raw *raw)
{
	const char *p = (const char *)raw->data + pad8(raw->arg_size) + pad8(raw->pre_size);

	return p + pad8((size_t)raw->pre_count * 4) +
	       (raw->pre_points ? (size_t)raw->pre_count * 8 : 0);
}

/**
 * cap_raw_lookup() - cap_user() on the writer: the copy of the @len bytes
 * at user address @ptr that the gather step made
 *
 * Return: the copy, or NULL when none covers them (a gather step that
 * missed an array its decoder reads: the op is then not recorded, and
 * tests/capture.sh's comparison with VMB_CAPTURE_DEFER=0 fails).
 */
const void *cap_raw_lookup(const struct cap_raw *raw, uint64_t ptr, size_t len)
{
	const char *p = raw_arrays(raw);

	for (unsigned int i = 0; i < raw->n_arrays; i++) {
		const struct cap_raw_array *a = (const struct cap_raw_array *)p;

		if (a->ptr == ptr && len <= a->len)
			return a + 1;
		p += sizeof(*a) + pad8(a->len);
	}
	return NULL;
}

/**
 * cap_defer() - record a successful call raw, for the writer to decode
 * @c: the call (@c->ret is 0, @c->arg the live argument)
 * @f: its DRM file
 * @cls: its class (CAP_EXIT takes its sequence number here)
 * @seq: the sequence number taken before the call (other classes)
 * @t0, @t1: stamps around the kernel call
 *
 * Return: true when the call is dealt with (recorded raw, or dropped and
 * counted: the ring stayed full, or a signal handler's ioctl interrupted
 * this thread's recording); false when the caller must decode it now.
 */
bool cap_defer(const struct cap_call *c, const struct cap_file *f, enum cap_class cls, uint64_t seq,
	       uint64_t t0, uint64_t t1)
{
	unsigned int nr = _IOC_NR(c->req);
	bool drv = nr >= 0x40 && nr < 0xa0;
	bool (*gather)(const struct cap_call *, struct cap_raw_build *) =
	    drv ? f->dec->gather : cap_core_gather;
	size_t fixed = sizeof(struct cap_raw) + pad8(c->size) + pad8(c->pre_size) +
		       pad8((size_t)c->pre_count * 4) + (c->pre_points ? c->pre_count * 8ull : 0);
	struct cap_raw_build r;
	struct cap_raw *raw;
	char *p;

	if (!gather || fixed > CAP_RAW_ROOM)
		return false;
	p = cap_ring_begin(CAP_RAW_ROOM);
	if (!p)
		return true;
	raw = (struct cap_raw *)p;
	raw->n_arrays = 0;
	r.raw = raw;
	r.p = p + fixed;
	r.end = p + CAP_RAW_ROOM;
	if (!gather(c, &r)) {
		cap_ring_cancel();
		return false;
	}
	raw->size = (uint32_t)(r.p - p);
	raw->kind = CAP_REC_RAW_CALL;
	raw->arg_size = (uint16_t)c->size;
	raw->pre_size = (uint16_t)c->pre_size;
	raw->pre_count = (uint16_t)c->pre_count;
	raw->pre_points = c->pre_points != NULL;
	raw->file = f->serial;
	raw->ioctl = (uint32_t)c->req;
	raw->dec = f->dec;
	raw->seq = cls == CAP_EXIT ? cap_seq_next() : seq;
	raw->t_enter = t0;
	raw->t_exit = t1;
	raw->t_abs = c->t_enter;
	p = (char *)raw->data;
	cap_copy_small(p, c->arg, c->size);
	p += pad8(c->size);
	if (c->pre_size)
		cap_copy_small(p, c->pre, c->pre_size);
	p += pad8(c->pre_size);
	if (c->pre_count) {
		cap_copy_small(p, c->pre_handles, (size_t)c->pre_count * 4);
		p += pad8((size_t)c->pre_count * 4);
		if (c->pre_points)
			cap_copy_small(p, c->pre_points, (size_t)c->pre_count * 8);
	}
	cap_ring_commit(raw->size);
	return true;
}

/**
 * cap_defer_decode() - decode a raw record (writer thread only; the
 * writer's drain, under its lock)
 * @raw: the record, in the ring
 * @tid: the thread that made the call
 *
 * Return: the writer's builder holding the record: an op, or a placeholder
 * for its sequence number (op kind VMB_OP_COUNT) when the decoder made no
 * op (counted as a raw ioctl, as an immediate decode would).
 */
struct cap_build *cap_defer_decode(const struct cap_raw *raw, uint32_t tid)
{
	static struct cap_build wb;
	const char *p = (const char *)raw->data;
	unsigned int nr = _IOC_NR(raw->ioctl);
	struct cap_call c = {
	    .fd = -1,
	    .req = raw->ioctl,
	    .arg = (void *)p,
	    .size = raw->arg_size,
	    .t_enter = raw->t_abs,
	    .pre_size = raw->pre_size,
	    .raw = raw,
	};
	bool ok;

	p += pad8(raw->arg_size);
	if (raw->pre_size)
		c.pre = p;
	p += pad8(raw->pre_size);
	if (raw->pre_count) {
		c.pre_handles = (const uint32_t *)p;
		c.pre_count = raw->pre_count;
		p += pad8((size_t)raw->pre_count * 4);
		if (raw->pre_points)
			c.pre_points = (const uint64_t *)p;
	}
	wb.rec = &wb.own;
	wb.room = 0;
	memset(wb.rec, 0, sizeof(*wb.rec));
	wb.n_binds = wb.n_syncs = wb.n_ids = 0;
	wb.oom = false;
	ok = (nr >= 0x40 && nr < 0xa0) ? raw->dec->decode(&c, &wb) : cap_core_decode(&c, &wb);
	if (!ok || wb.oom) {
		wb.n_binds = wb.n_syncs = wb.n_ids = 0;
		wb.rec->kind = CAP_REC_OP;
		wb.rec->op.kind = VMB_OP_COUNT;
		if (!ok)
			cap_count_raw(raw->ioctl, false, 0);
	}
	wb.rec->kind = wb.rec->kind ? wb.rec->kind : CAP_REC_OP;
	wb.rec->file = raw->file;
	wb.rec->driver = raw->dec->driver;
	wb.rec->ioctl = raw->ioctl;
	wb.rec->seq = raw->seq;
	wb.rec->t_enter = raw->t_enter;
	wb.rec->t_exit = raw->t_exit;
	wb.rec->tid = tid;
	return &wb;
}
