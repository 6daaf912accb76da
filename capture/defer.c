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

/* where the parts of a raw record's data lie: byte offsets from cap_raw.data */
struct raw_layout {
	size_t arg, pre, handles, points, arrays;
};

static inline struct raw_layout raw_layout(unsigned int flags, size_t arg_size, size_t pre_size,
					   size_t pre_count)
{
	struct raw_layout l;

	l.arg = flags & CAP_RAW_F_ABS ? 8 : 0;
	l.pre = l.arg + pad8(arg_size);
	l.handles = l.pre + pad8(pre_size);
	l.points = l.handles + pad8(pre_count * 4);
	l.arrays = l.points + (flags & CAP_RAW_F_POINTS ? pre_count * 8 : 0);
	return l;
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
	const char *p = (const char *)raw->data +
			raw_layout(raw->flags, raw->arg_size, raw->pre_size, raw->pre_count).arrays;

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
	bool (*gather)(const struct cap_call *, struct cap_raw_build *) =
	    cap_driver_nr(nr) ? f->dec->gather : cap_core_gather;
	unsigned int flags =
	    (c->t_enter ? CAP_RAW_F_ABS : 0) | (c->pre_points ? CAP_RAW_F_POINTS : 0);
	struct raw_layout l = raw_layout(flags, c->size, c->pre_size, c->pre_count);
	struct cap_raw_build r;
	struct cap_raw *raw;
	char *d;

	if (!gather || sizeof(*raw) + l.arrays > CAP_RAW_ROOM)
		return false;
	raw = (struct cap_raw *)cap_ring_begin(CAP_RAW_ROOM);
	if (!raw)
		return true;
	raw->n_arrays = 0;
	r.raw = raw;
	r.p = (char *)raw->data + l.arrays;
	r.end = (char *)raw + CAP_RAW_ROOM;
	if (!gather(c, &r)) {
		cap_ring_cancel();
		return false;
	}
	raw->size = (uint32_t)(r.p - (char *)raw);
	raw->kind = CAP_REC_RAW_CALL;
	raw->driver = (uint8_t)f->dec->driver;
	raw->flags = (uint8_t)flags;
	raw->arg_size = (uint16_t)c->size;
	raw->pre_size = (uint16_t)c->pre_size;
	raw->pre_count = (uint16_t)c->pre_count;
	raw->file = f->serial;
	raw->ioctl = (uint32_t)c->req;
	raw->seq = cls == CAP_EXIT ? cap_seq_next() : seq;
	raw->t_enter = t0;
	raw->t_exit = t1;
	d = (char *)raw->data;
	if (flags & CAP_RAW_F_ABS)
		raw->data[0] = c->t_enter;
	cap_copy_small(d + l.arg, c->arg, c->size);
	if (c->pre_size)
		cap_copy_small(d + l.pre, c->pre, c->pre_size);
	if (c->pre_count)
		cap_copy_small(d + l.handles, c->pre_handles, (size_t)c->pre_count * 4);
	if (flags & CAP_RAW_F_POINTS)
		cap_copy_small(d + l.points, c->pre_points, (size_t)c->pre_count * 8);
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
	const char *d = (const char *)raw->data;
	struct raw_layout l = raw_layout(raw->flags, raw->arg_size, raw->pre_size, raw->pre_count);
	const struct cap_decoder *dec = cap_decoder_of((enum vmb_driver)raw->driver);
	unsigned int nr = _IOC_NR(raw->ioctl);
	struct cap_call c = {
	    .fd = -1,
	    .req = raw->ioctl,
	    .arg = (void *)(d + l.arg),
	    .pre = raw->pre_size ? d + l.pre : NULL,
	    .size = raw->arg_size,
	    .t_enter = raw->flags & CAP_RAW_F_ABS ? raw->data[0] : 0,
	    .pre_handles = raw->pre_count ? (const uint32_t *)(d + l.handles) : NULL,
	    .pre_points = raw->flags & CAP_RAW_F_POINTS ? (const uint64_t *)(d + l.points) : NULL,
	    .pre_count = raw->pre_count,
	    .pre_size = raw->pre_size,
	    .raw = raw,
	};
	bool ok;

	wb.rec = &wb.own;
	wb.room = 0;
	memset(wb.rec, 0, sizeof(*wb.rec));
	wb.n_binds = wb.n_syncs = wb.n_ids = 0;
	wb.oom = false;
	ok = cap_driver_nr(nr) ? dec->decode(&c, &wb) : cap_core_decode(&c, &wb);
	if (!ok || wb.oom) {
		wb.n_binds = wb.n_syncs = wb.n_ids = 0;
		wb.rec->kind = CAP_REC_OP;
		wb.rec->op.kind = VMB_OP_COUNT;
		if (!ok)
			cap_count_raw(raw->ioctl, false, 0);
	}
	wb.rec->kind = wb.rec->kind ? wb.rec->kind : CAP_REC_OP;
	wb.rec->file = raw->file;
	wb.rec->driver = raw->driver;
	wb.rec->ioctl = raw->ioctl;
	wb.rec->seq = raw->seq;
	wb.rec->t_enter = raw->t_enter;
	wb.rec->t_exit = raw->t_exit;
	wb.rec->tid = tid;
	return &wb;
}
