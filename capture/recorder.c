// SPDX-License-Identifier: MIT
/*
 * recorder.c - per-thread record rings, the global sequence counter, and the
 * writer thread that merges the rings in sequence order into a JSON Lines
 * trace file (one file per process).
 *
 * Application threads never do file I/O and never take a lock to record:
 * each has a single-producer/single-consumer ring. The writer thread wakes
 * every flush interval (or when a ring is half full), copies everything out
 * of the rings, sorts by sequence number and writes every record whose
 * predecessors have all arrived. A sequence number that stays missing for
 * a second (a record dropped on a full ring) is skipped and counted.
 *
 * The first line of the file is the header, padded with spaces to a fixed
 * size and rewritten in place at every flush, so it always carries the
 * counts of what the file holds ("x_capture") and says whether the capture
 * ended cleanly ("complete"). Since whole lines are written once per flush,
 * a SIGKILL loses at most the last flush interval, and at worst leaves a
 * last line without its newline, which the loader drops with a warning.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#define RING_BYTES (1u << 20)
#define RING_MAX_REC (RING_BYTES / 4)
#define HEADER_BYTES 8192
#define GAP_TIMEOUT_NS 1000000000ull
/*
 * A new syncobj's type is decided by its first use; the writer waits up to
 * this long for that use to be recorded before it writes the creation (and
 * what follows it) with a guess.
 */
#define TYPE_HOLD_NS 1000000000ull
#define FULL_WAIT_NS 2000000000ull
#define RAW_SLOTS 64

#define REC_PAD 0xff	  /* ring filler up to the end of the buffer */
#define REC_INDIRECT 0xfe /* a pointer to a record too large for the ring */
#define REC_NONE 0xfd	  /* a sequence number that produced no op */

struct cap_config cap_cfg;
atomic_bool cap_enabled;
int cap_out_fd = -1;

/* one per thread that made a recorded ioctl */
struct tbuf {
	char *ring;
	_Atomic uint64_t head; /* written by the owner thread */
	uint64_t seen_tail;    /* the owner's last look at tail (never ahead of it) */
	/* on a line of its own: the writer stores it, the owner rarely looks */
	_Atomic uint64_t tail __attribute__((aligned(64))); /* written by the writer thread */
	atomic_bool dead __attribute__((aligned(64)));
	_Atomic uint64_t ovh_ns, ovh_n;
	_Atomic uint64_t wait_ns, waits;
	uint64_t op_wait_ns; /* waited for ring space during the current op */
	uint32_t tid;
	struct cap_build build;
	struct tbuf *next;
};

struct indirect {
	uint32_t size;
	uint8_t kind;
	uint8_t pad[3];
	struct cap_rec *rec;
};

struct raw_slot {
	_Atomic unsigned long req;
	_Atomic uint64_t n, errors;
	atomic_bool known;
};

static CAP_TLS struct tbuf *my_tbuf;
CAP_TLS unsigned int cap_in_recorder;

/*
 * ThreadSanitizer and the ring. This library is never instrumented, so
 * TSan sees a record only through the libc calls it intercepts: the
 * producer's memcpy into the ring (cap_build_layout()) or into a malloc'ed
 * indirect record, and the writer's memcpy out of it, free() of indirect
 * records and, in drain_all(), of a dead thread's buffers. The C11 atomics
 * that order them are invisible to it, so it reports those pairs as races.
 * They are not: a record is published by the release store of t->head
 * after it is laid out and read only after the writer's acquire load of
 * t->head; its ring space is reused only after the writer's release store
 * of t->tail, which the producer loads with acquire before writing; a dead
 * thread's buffers are freed after the acquire load of t->dead, which the
 * thread stored (release) after its last record. Under TSan (its runtime
 * in the process: a sanitized program) these edges are told to it with
 * __tsan_release()/__tsan_acquire() on the same addresses; otherwise the
 * weak symbols are NULL and this costs one predictable branch.
 */
extern void __tsan_acquire(void *addr) __attribute__((weak, visibility("default")));
extern void __tsan_release(void *addr) __attribute__((weak, visibility("default")));

static inline void hb_release(void *addr)
{
	if (__tsan_release)
		__tsan_release(addr);
}

static inline void hb_acquire(void *addr)
{
	if (__tsan_acquire)
		__tsan_acquire(addr);
}
static pthread_key_t tbuf_key;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tbuf *tbufs;

static _Atomic uint64_t seq_counter;
static _Atomic uint64_t drops;
static _Atomic uint32_t file_serial;
static struct raw_slot raw_slots[RAW_SLOTS];
static _Atomic uint64_t ovh_dead_ns, ovh_dead_n, wait_dead_ns, waits_dead;

/* writer state, under wlock */
static pthread_mutex_t wlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t writer_thread;
static atomic_bool writer_started, writer_stop;
static atomic_int kick_word;
/* 1 once the writer thread runs writer_main() (writer_start() waits for it) */
static atomic_int writer_up;
static struct cap_rec **pending;
static size_t n_pending, cap_pending;
static uint64_t next_seq, gap_since;
static uint64_t late, gaps, bytes_written, lost;
/* records decoded on the writer (defer.c), for the header */
static _Atomic uint64_t deferred;
/* lost records by op kind: the header's by_kind counts only what the file holds */
static uint64_t lost_kind[VMB_OP_COUNT];
static struct cap_out *out;
static struct cap_strbuf sb;
static char out_path[PATH_MAX];
static bool file_failed, file_done;
/* a FIFO or device: the header is written once, never rewritten in place */
static bool out_stream, header_written;
/* out_path was created by this process (O_EXCL) */
static bool made_path;
static pid_t cap_pid;
static char files_json[1024];
static enum vmb_driver first_driver;
static char first_pci[24];

/** cap_seq_next() - the next global sequence number (one atomic add) */
uint64_t cap_seq_next(void)
{
	return atomic_fetch_add_explicit(&seq_counter, 1, memory_order_relaxed);
}

/** cap_file_serial_next() - a serial (>= 1) for a new DRM file */
uint32_t cap_file_serial_next(void)
{
	return atomic_fetch_add(&file_serial, 1) + 1;
}

/* one message on stderr, without stdio (the program owns stderr's buffer) */
static void say(const char *msg)
{
	ssize_t r = write(2, msg, strlen(msg));

	(void)r;
}

/**
 * cap_count_raw() - count an ioctl that produced no op, by request number
 * @req: the request
 * @known: the decoder knows it and deliberately records nothing
 * @ret: its result
 *
 * Lock-free: a fixed table claimed by compare-and-swap; once it is full,
 * further numbers are only counted in the total.
 */
void cap_count_raw(unsigned long req, bool known, int ret)
{
	unsigned int h = (unsigned int)((req * 0x9e3779b97f4a7c15ull) >> 58) % RAW_SLOTS;

	for (unsigned int k = 0; k < RAW_SLOTS; k++) {
		struct raw_slot *s = &raw_slots[(h + k) % RAW_SLOTS];
		unsigned long cur = atomic_load_explicit(&s->req, memory_order_relaxed);

		if (cur == 0) {
			unsigned long zero = 0;

			if (!atomic_compare_exchange_strong(&s->req, &zero, req) && zero != req)
				continue;
			atomic_store(&s->known, known);
			cur = req;
		}
		if (cur == req) {
			atomic_fetch_add_explicit(&s->n, 1, memory_order_relaxed);
			if (ret)
				atomic_fetch_add_explicit(&s->errors, 1, memory_order_relaxed);
			return;
		}
	}
}

/*
 * The recording cost of one op on the program's thread: wrapper time
 * outside the kernel call (@stamps, cap_stamp() units), minus any wait for
 * ring space (back-pressure from the writer, counted apart). Only every
 * 64th op is timed (@sampled), to keep two stamp reads off the others; a
 * sample taken before the writer knows the stamps' rate is not counted.
 */
void cap_note_overhead(uint64_t stamps, bool sampled)
{
	struct tbuf *t = my_tbuf;
	uint64_t ns = 0;

	if (!t)
		return;
	if (sampled && !cap_clock_span_ns(stamps, &ns))
		sampled = false;
	if (t->op_wait_ns) {
		ns = ns > t->op_wait_ns ? ns - t->op_wait_ns : 0;
		atomic_store_explicit(&t->wait_ns,
				      atomic_load_explicit(&t->wait_ns, memory_order_relaxed) +
					  t->op_wait_ns,
				      memory_order_relaxed);
		atomic_store_explicit(&t->waits,
				      atomic_load_explicit(&t->waits, memory_order_relaxed) + 1,
				      memory_order_relaxed);
		t->op_wait_ns = 0;
	}
	if (!sampled)
		return;
	atomic_store_explicit(&t->ovh_ns,
			      atomic_load_explicit(&t->ovh_ns, memory_order_relaxed) + ns,
			      memory_order_relaxed);
	atomic_store_explicit(&t->ovh_n, atomic_load_explicit(&t->ovh_n, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

/**
 * cap_note_file() - remember a DRM file for the header
 * @f: the file
 * @fd: its descriptor when it was identified
 */
void cap_note_file(const struct cap_file *f, int fd)
{
	size_t len;

	pthread_mutex_lock(&wlock);
	len = strlen(files_json);
	if (len + 64 < sizeof(files_json))
		snprintf(files_json + len, sizeof(files_json) - len,
			 "%s{\"file\":%u,\"fd\":%d,\"driver\":\"%s\",\"recorded\":%s}",
			 len ? "," : "", f->serial, fd, f->name, f->dec ? "true" : "false");
	if (f->dec && !first_driver) {
		first_driver = f->dec->driver;
		snprintf(first_pci, sizeof(first_pci), "%s", f->pci);
	}
	pthread_mutex_unlock(&wlock);
}

/* ---- per-thread buffers ---- */

/* thread exit: the writer frees the buffer once drained; a later ioctl in
 * another TLS destructor of this thread gets a fresh one */
static void tbuf_release(void *p)
{
	struct tbuf *t = p;

	my_tbuf = NULL;
	hb_release(&t->dead);
	atomic_store(&t->dead, true);
}

static struct tbuf *tbuf_get(void)
{
	struct tbuf *t = my_tbuf;

	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->ring = malloc(RING_BYTES);
	if (!t->ring) {
		free(t);
		return NULL;
	}
	t->tid = (uint32_t)syscall(SYS_gettid);
	pthread_mutex_lock(&reg_lock);
	t->next = tbufs;
	tbufs = t;
	pthread_mutex_unlock(&reg_lock);
	pthread_setspecific(tbuf_key, t);
	my_tbuf = t;
	return t;
}

static inline char *ring_reserve(struct tbuf *t, uint32_t len);

/*
 * This thread is between cap_thread_build() and cap_record_push() or
 * cap_build_drop(): an ioctl from a signal handler that interrupts that is
 * not recorded, since it would write over the record being built. Its
 * sequence number is then never pushed: the writer waits the gap timeout
 * (1 s) for it, then skips it and counts it in seq_gaps. (Checking this
 * before the number is taken cost every recorded ioctl 10-20 ns in
 * bench/capture.sh, for a case Mesa never makes: its ioctls are not
 * async-signal-safe.)
 */
static CAP_TLS bool building;

/*
 * Ring space a record is built in: the struct and its arrays for all but
 * large submits and bind vectors (those are built in the builder's own
 * struct and copied; see cap_record_push())
 */
#define BUILD_ROOM 1024u

/* begin this thread's building time; false (counted) when it already is in one */
static inline bool building_begin(void)
{
	if (building) {
		atomic_fetch_add(&drops, 1);
		return false;
	}
	building = true;
	atomic_signal_fence(memory_order_seq_cst); /* building before the ring is touched */
	return true;
}

/* end it, after the record (if any) is committed */
static inline void building_end(void)
{
	/* committed before a signal handler on this thread may begin a record */
	atomic_signal_fence(memory_order_seq_cst);
	building = false;
}

/**
 * cap_thread_build() - this thread's record builder, reset for a new record
 *
 * The record is built in place at the head of the thread's ring (not
 * committed until cap_record_push()), which saves copying it there. Every
 * builder returned is handed back with cap_record_push() or
 * cap_build_drop().
 *
 * Return: the builder, or NULL when memory is short or the thread is
 * already building one (a signal handler's ioctl interrupted this thread's
 * recording); the ioctl is then not recorded, and the gap is counted.
 */
struct cap_build *cap_thread_build(void)
{
	struct tbuf *t = tbuf_get();
	struct cap_build *b;

	if (!t || !building_begin())
		return NULL;
	b = &t->build;
	b->rec = (struct cap_rec *)ring_reserve(t, BUILD_ROOM);
	b->room = b->rec ? BUILD_ROOM : 0;
	if (!b->rec)
		b->rec = &b->own;
	memset(b->rec, 0, sizeof(*b->rec));
	b->n_binds = b->n_syncs = b->n_ids = 0;
	b->oom = false;
	b->rec->tid = t->tid;
	return b;
}

/** cap_build_drop() - give @b back without recording anything */
void cap_build_drop(struct cap_build *b)
{
	(void)b;
	building_end();
}

static void kick_writer(void)
{
	if (atomic_exchange(&kick_word, 1) == 0)
		syscall(SYS_futex, &kick_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void writer_start(void);

/*
 * Look at the writer's tail again. The space below it may be reused from
 * now on, so this is also where ThreadSanitizer is told of the edge (an
 * uninstrumented acquire load it cannot see; a refresh without it made
 * TSan report the next record's copy into the ring as a race).
 */
static uint64_t tail_look(struct tbuf *t)
{
	t->seen_tail = atomic_load_explicit(&t->tail, memory_order_acquire);
	hb_acquire(&t->tail);
	return t->seen_tail;
}

/* the @len bytes at @head (ring offset @pos), after a pad record if they would wrap */
static inline __attribute__((always_inline)) char *ring_place(struct tbuf *t, uint64_t head,
							      uint64_t pos, uint32_t len)
{
	if (pos + len > RING_BYTES) {
		struct indirect *pad = (struct indirect *)(t->ring + pos);

		pad->size = (uint32_t)(RING_BYTES - pos);
		pad->kind = REC_PAD;
		head += RING_BYTES - pos;
		hb_release(&t->head);
		atomic_store_explicit(&t->head, head, memory_order_release);
		pos = 0;
	}
	return t->ring + pos;
}

static char *ring_wait(struct tbuf *t, uint64_t head, uint64_t pos, uint64_t need, uint32_t len);

/* reserve @len bytes at the head of the ring; waits (bounded) when full */
static inline __attribute__((always_inline)) char *ring_reserve(struct tbuf *t, uint32_t len)
{
	uint64_t head = atomic_load_explicit(&t->head, memory_order_relaxed);
	uint64_t pos = head % RING_BYTES;
	uint64_t need = len + (pos + len > RING_BYTES ? RING_BYTES - pos : 0);

	/*
	 * The space up to the tail last seen is free for sure (the tail only
	 * grows); the tail itself, a line the writer stores to, is read again
	 * only when that space is not enough.
	 */
	if (__builtin_expect(head + need - t->seen_tail <= RING_BYTES, 1))
		return ring_place(t, head, pos, len);
	return ring_wait(t, head, pos, need, len);
}

/* ring_reserve() when the space up to the tail last seen is not enough */
static char *ring_wait(struct tbuf *t, uint64_t head, uint64_t pos, uint64_t need, uint32_t len)
{
	uint64_t w0 = 0;

	/* full: wake the writer and wait for it (bounded), rather than lose ops */
	while (head + need - tail_look(t) > RING_BYTES) {
		struct timespec ts = {0, 20000};
		uint64_t now = cap_now();

		if (!w0)
			w0 = now;
		t->op_wait_ns = now - w0;
		if (now - w0 >= FULL_WAIT_NS || !atomic_load(&writer_started) ||
		    atomic_load(&writer_stop))
			return NULL;
		kick_writer();
		nanosleep(&ts, NULL);
	}
	if (w0)
		t->op_wait_ns = cap_now() - w0;
	return ring_place(t, head, pos, len);
}

static inline __attribute__((always_inline)) void ring_commit(struct tbuf *t, uint32_t len)
{
	uint64_t head = atomic_load_explicit(&t->head, memory_order_relaxed) + len;

	hb_release(&t->head);
	atomic_store_explicit(&t->head, head, memory_order_release);
	/* more than half full by the tail last seen: look again, then kick */
	if (head - t->seen_tail > RING_BYTES / 2 && head - tail_look(t) > RING_BYTES / 2)
		kick_writer();
}

/* the body of cap_record_push() */
static void push_record(struct tbuf *t, struct cap_build *b)
{
	uint32_t size;
	char *dst;

	if (!atomic_load_explicit(&writer_started, memory_order_acquire))
		writer_start();
	if (b->oom) {
		b->n_binds = b->n_syncs = b->n_ids = 0;
		b->rec->op.kind = VMB_OP_COUNT;
	}
	if (b->rec->kind == CAP_REC_OP && b->rec->op.kind == VMB_OP_COUNT)
		b->rec->kind = REC_NONE;
	size = cap_build_size(b);
	if (!b->room) { /* the ring stayed full when the record was begun */
		atomic_fetch_add(&drops, 1);
		return;
	}
	if (size <= b->room) { /* built in place */
		cap_build_layout(b, b->rec, size);
		ring_commit(t, size);
		return;
	}
	if (b->rec != &b->own) { /* reserving more space may pad over it */
		b->own = *b->rec;
		b->rec = &b->own;
	}
	if (size > RING_MAX_REC) {
		struct cap_rec *big = malloc(size);
		struct indirect *ind;

		if (!big || !(dst = ring_reserve(t, sizeof(*ind)))) {
			free(big);
			atomic_fetch_add(&drops, 1);
			return;
		}
		cap_build_layout(b, big, size);
		ind = (struct indirect *)dst;
		ind->size = sizeof(*ind);
		ind->kind = REC_INDIRECT;
		ind->rec = big;
		ring_commit(t, sizeof(*ind));
		return;
	}
	dst = ring_reserve(t, size);
	if (!dst) {
		atomic_fetch_add(&drops, 1);
		return;
	}
	cap_build_layout(b, dst, size);
	ring_commit(t, size);
}

/**
 * cap_record_push() - hand the record built in @b to the writer, and end
 * the thread's building time
 * @b: this thread's builder (from cap_thread_build())
 *
 * A builder whose op kind is VMB_OP_COUNT (or that ran out of memory) is
 * pushed as a placeholder: it only fills its sequence number, so that the
 * writer does not wait for it. Never blocks for more than 2 s (a full ring
 * whose writer does not drain it): then the record is dropped and counted.
 */
void cap_record_push(struct cap_build *b)
{
	struct tbuf *t = my_tbuf;

	if (t)
		push_record(t, b);
	building_end();
}

/**
 * cap_ring_begin() - reserve room for a record written directly into this
 * thread's ring (a raw call, defer.c), and begin the thread's building
 * time as cap_thread_build() does
 * @room: bytes to reserve (CAP_RAW_ROOM)
 *
 * Return: the room, or NULL when the record cannot be written: a signal
 * handler's ioctl interrupted this thread's recording, or the ring stayed
 * full (both counted as drops; nothing is to be recorded then).
 */
char *cap_ring_begin(uint32_t room)
{
	struct tbuf *t = tbuf_get();
	char *p;

	if (!t) {
		atomic_fetch_add(&drops, 1);
		return NULL;
	}
	if (!building_begin())
		return NULL;
	p = ring_reserve(t, room);
	if (!p) {
		atomic_fetch_add(&drops, 1);
		building_end();
	}
	return p;
}

/* the CPU has PREFETCHW (cap_recorder_init()); else a read prefetch */
static bool has_prefetchw;

/**
 * cap_ring_prefetch() - ask for the cache lines this thread's next record
 * will begin in, for writing, before the kernel call
 *
 * The writer thread read those lines one ring cycle ago, so they may sit
 * in the other core's cache, and the first store to each would wait for
 * them after the call. Asked for here, the transfer overlaps the kernel
 * call. Three lines (192 bytes from the head) cover a raw signal and most
 * of a raw bind. Measured A/B: the signal about 6 ns cheaper, the bind
 * unchanged; fetching the expected size of the record, or fetching again
 * after the commit, measured worse (docs/capture.md). A prefetch never
 * faults, so the lines past the ring's end are harmless.
 */
void cap_ring_prefetch(void)
{
	struct tbuf *t = my_tbuf;
	const char *p;

	if (!t)
		return;
	p = t->ring + atomic_load_explicit(&t->head, memory_order_relaxed) % RING_BYTES;
#if defined(__x86_64__) || defined(__i386__)
	if (__builtin_expect(has_prefetchw, 1)) {
		__asm__ volatile("prefetchw %0" ::"m"(p[0]));
		__asm__ volatile("prefetchw %0" ::"m"(p[64]));
		__asm__ volatile("prefetchw %0" ::"m"(p[128]));
		return;
	}
#endif
	__builtin_prefetch(p, 1, 3);
	__builtin_prefetch(p + 64, 1, 3);
	__builtin_prefetch(p + 128, 1, 3);
}

/** cap_ring_commit() - publish the first @len bytes of the room cap_ring_begin() gave */
void cap_ring_commit(uint32_t len)
{
	if (!atomic_load_explicit(&writer_started, memory_order_acquire))
		writer_start();
	ring_commit(my_tbuf, len);
	building_end();
}

/** cap_ring_cancel() - give back the room of cap_ring_begin() unused */
void cap_ring_cancel(void)
{
	building_end();
}

/* ---- writer side ---- */

/*
 * The syncobj creation at the head of what the writer may write, while it
 * is held back (cap_out_undecided()), and whether a record that arrived
 * since decides its type. The look-ahead is scanned once when the hold
 * begins; after that each arriving record is checked once, in
 * pending_add(). (Scanning the whole look-ahead at every tick made a
 * creation that nothing used for the hold's second cost the writer time
 * quadratic in the records behind it: it fell behind, and the program
 * waited for ring space.)
 */
static struct cap_rec *held;
static bool held_decided;
/* pending[0 .. n_sorted) is known to be in sequence order */
static size_t n_sorted;

static void pending_add(struct cap_rec *r)
{
	if (held && !held_decided && r->seq > held->seq && cap_out_decides(held, r))
		held_decided = true;
	if (n_pending == cap_pending) {
		size_t n = cap_pending ? cap_pending * 2 : 4096;
		struct cap_rec **np = realloc(pending, n * sizeof(*np));

		if (!np) {
			free(r);
			atomic_fetch_add(&drops, 1);
			return;
		}
		pending = np;
		cap_pending = n;
	}
	pending[n_pending++] = r;
}

/* a record's stamps as ns since t0 (an earlier stamp, from a child's
 * inherited t0 that is later, reads 0) */
static void rec_times(struct cap_rec *r)
{
	uint64_t e = cap_clock_ns(r->t_enter), x = cap_clock_ns(r->t_exit);

	r->t_enter = e > cap_cfg.t0 ? e - cap_cfg.t0 : 0;
	r->t_exit = x > cap_cfg.t0 ? x - cap_cfg.t0 : 0;
	if (r->t_exit < r->t_enter)
		r->t_exit = r->t_enter;
}

static void drain_ring(struct tbuf *t)
{
	uint64_t tail = atomic_load_explicit(&t->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&t->head, memory_order_acquire);

	hb_acquire(&t->head);
	if (tail < head)
		cap_clock_sync(); /* after the head: every stamp below it is earlier */
	while (tail < head) {
		const struct indirect *h = (const struct indirect *)(t->ring + tail % RING_BYTES);
		struct cap_rec *r;

		if (h->kind == REC_INDIRECT) {
			rec_times(h->rec);
			pending_add(h->rec);
		} else if (h->kind == CAP_REC_RAW_CALL) {
			struct cap_build *b = cap_defer_decode((const struct cap_raw *)h, t->tid);
			uint32_t size;

			atomic_fetch_add_explicit(&deferred, 1, memory_order_relaxed);
			if (b->rec->kind == CAP_REC_OP && b->rec->op.kind == VMB_OP_COUNT)
				b->rec->kind = REC_NONE;
			size = cap_build_size(b);
			r = malloc(size);
			if (r) {
				cap_build_layout(b, r, size);
				rec_times(r);
				pending_add(r);
			} else {
				atomic_fetch_add(&drops, 1);
			}
		} else if (h->kind != REC_PAD) {
			r = malloc(h->size);
			if (r) {
				memcpy(r, h, h->size);
				rec_times(r);
				pending_add(r);
			} else {
				atomic_fetch_add(&drops, 1);
			}
		}
		tail += h->size;
	}
	hb_release(&t->tail);
	atomic_store_explicit(&t->tail, tail, memory_order_release);
}

static void drain_all(void)
{
	cap_in_recorder++;
	pthread_mutex_lock(&reg_lock);
	for (struct tbuf **p = &tbufs; *p;) {
		struct tbuf *t = *p;
		bool dead = atomic_load(&t->dead);

		if (dead)
			hb_acquire(&t->dead);
		drain_ring(t);
		if (dead) {
			atomic_fetch_add(&ovh_dead_ns, atomic_load(&t->ovh_ns));
			atomic_fetch_add(&ovh_dead_n, atomic_load(&t->ovh_n));
			atomic_fetch_add(&wait_dead_ns, atomic_load(&t->wait_ns));
			atomic_fetch_add(&waits_dead, atomic_load(&t->waits));
			*p = t->next;
			free(t->ring);
			free(t->build.binds);
			free(t->build.syncs);
			free(t->build.ids);
			free(t);
			continue;
		}
		p = &t->next;
	}
	pthread_mutex_unlock(&reg_lock);
	cap_in_recorder--;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct cap_rec *x = *(struct cap_rec *const *)a, *y = *(struct cap_rec *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* @done receives how many bytes reached the file, also on failure */
static int write_all(int fd, const char *p, size_t n, size_t *done)
{
	*done = 0;
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
		*done += (size_t)w;
	}
	return 0;
}

/* the op kind of a rendered record line ({"op":"NAME",...}), or -1 */
static int line_kind(const char *p, size_t n)
{
	static const char pfx[] = "{\"op\":\"";
	const size_t pl = sizeof(pfx) - 1;

	if (n <= pl || memcmp(p, pfx, pl))
		return -1;
	for (int k = 0; k < VMB_OP_COUNT; k++) {
		const char *name = vmb_op_kind_name((enum vmb_op_kind)k);
		size_t l = strlen(name);

		if (n > pl + l && !memcmp(p + pl, name, l) && p[pl + l] == '"')
			return k;
	}
	return -1;
}

/*
 * Count the records (lines) of buf[0, n) that did not fully reach the file,
 * the first @wrote bytes having been written: a line cut in the middle is
 * lost too, the loader drops it.
 */
static void count_lost(const char *buf, size_t n, size_t wrote)
{
	const char *p = buf, *e = buf + n, *nl;

	for (; p < e && (nl = memchr(p, '\n', (size_t)(e - p))); p = nl + 1) {
		int k;

		if ((size_t)(nl - buf) < wrote)
			continue;
		lost++;
		k = line_kind(p, (size_t)(nl - p));
		if (k >= 0)
			lost_kind[k]++;
	}
}

static void fail_output(int err)
{
	char msg[PATH_MAX + 128];

	if (file_failed)
		return;
	file_failed = true;
	atomic_store(&cap_enabled, false);
	snprintf(msg, sizeof(msg), "vmbench capture: writing %s failed (%s); recording stopped\n",
		 out_path[0] ? out_path : cap_cfg.out, strerror(-err));
	say(msg);
}

static void now_utc(char *buf, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* render the header (fixed size, padded) into @buf */
static void render_header(char *buf, bool complete, const char *end)
{
	const struct cap_out_stats *st = cap_out_stats(out);
	struct cap_strbuf h = {0};
	enum vmb_driver drv = first_driver;
	uint64_t ovh_ns = atomic_load(&ovh_dead_ns), ovh_n = atomic_load(&ovh_dead_n);
	uint64_t wait_ns = atomic_load(&wait_dead_ns), waits = atomic_load(&waits_dead);
	uint64_t raw_total = 0, ign_total = 0;
	char exe[PATH_MAX] = "", date[32];
	struct utsname un;
	ssize_t len;
	bool first;

	if (st->drivers_seen && (st->drivers_seen & (st->drivers_seen - 1)))
		drv = VMB_DRIVER_ANY;
	else if (st->drivers_seen)
		drv = (enum vmb_driver)__builtin_ctz(st->drivers_seen);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[len > 0 ? len : 0] = 0;
	if (uname(&un))
		strcpy(un.release, "unknown");
	now_utc(date, sizeof(date));

	cap_sb_printf(&h,
		      "{\"format\":\"vmbench-trace\",\"version\":1,\"driver\":\"%s\","
		      "\"page_size\":%ld,\"source\":{\"kind\":\"capture\",\"app\":",
		      vmb_driver_name(drv), sysconf(_SC_PAGESIZE));
	cap_sb_json_str(&h, exe);
	cap_sb_printf(&h, ",\"pid\":%d,", (int)getpid());
	if (first_pci[0])
		cap_sb_printf(&h, "\"gpu\":\"pci:%s\",", first_pci);
	cap_sb_puts(&h, "\"kernel\":");
	cap_sb_json_str(&h, un.release);
	cap_sb_printf(
	    &h, ",\"date\":\"%s\",\"tool\":\"vmbench capture " VMB_VERSION " (" VMB_GIT_SHA ")\"},",
	    date);
	cap_sb_printf(&h, "\"x_capture\":{\"complete\":%s", complete ? "true" : "false");
	if (end)
		cap_sb_printf(&h, ",\"end\":\"%s\"", end);
	cap_sb_printf(&h, ",\"ops\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"by_kind\":{",
		      st->ops_total - lost, lost);
	first = true;
	for (int k = 0; k < VMB_OP_COUNT; k++) {
		uint64_t n = st->ops[k] - (lost_kind[k] <= st->ops[k] ? lost_kind[k] : st->ops[k]);

		if (!n)
			continue;
		cap_sb_printf(&h, "%s\"%s\":%" PRIu64, first ? "" : ",",
			      vmb_op_kind_name((enum vmb_op_kind)k), n);
		first = false;
	}
	pthread_mutex_lock(&reg_lock);
	for (struct tbuf *t = tbufs; t; t = t->next) {
		ovh_ns += atomic_load_explicit(&t->ovh_ns, memory_order_relaxed);
		ovh_n += atomic_load_explicit(&t->ovh_n, memory_order_relaxed);
		wait_ns += atomic_load_explicit(&t->wait_ns, memory_order_relaxed);
		waits += atomic_load_explicit(&t->waits, memory_order_relaxed);
	}
	pthread_mutex_unlock(&reg_lock);
	cap_sb_printf(
	    &h,
	    "},\"failed\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"drops\":%" PRIu64 ",\"late\":%" PRIu64
	    ",\"seq_gaps\":%" PRIu64 ",\"unknown_handles\":%" PRIu64 ",\"user_fence_ops\":%" PRIu64
	    ",\"fence_fd_ops\":%" PRIu64 ",\"fence_dep_ops\":%" PRIu64
	    ",\"syncobj_fixups\":%" PRIu64 ",\"flush_ms\":%u,\"clock\":\"%s\",\"deferred\":%" PRIu64
	    ",\"overhead_ns_per_op\":%" PRIu64,
	    st->failed, bytes_written, atomic_load(&drops), late, gaps, st->unknown_handles,
	    st->user_fence_ops, st->fence_fd_ops, st->dep_ops, st->syncobj_fixups, cap_cfg.flush_ms,
	    cap_clock_name(), atomic_load(&deferred), ovh_n ? ovh_ns / ovh_n : 0);
	cap_sb_printf(&h, ",\"backpressure_waits\":%" PRIu64 ",\"backpressure_ns\":%" PRIu64, waits,
		      wait_ns);
	cap_sb_printf(&h, ",\"t0\":%" PRIu64 ",\"files\":[%s],\"raw\":[", cap_cfg.t0, files_json);
	first = true;
	for (int i = 0; i < RAW_SLOTS; i++) {
		unsigned long req = atomic_load(&raw_slots[i].req);
		uint64_t n = atomic_load(&raw_slots[i].n);

		if (!req)
			continue;
		if (atomic_load(&raw_slots[i].known)) {
			ign_total += n;
			continue;
		}
		raw_total += n;
		if (h.len < HEADER_BYTES - 600) {
			cap_sb_printf(
			    &h, "%s{\"ioctl\":\"0x%lx\",\"n\":%" PRIu64 ",\"errors\":%" PRIu64 "}",
			    first ? "" : ",", req, n, atomic_load(&raw_slots[i].errors));
			first = false;
		}
	}
	cap_sb_printf(&h, "],\"raw_total\":%" PRIu64 ",\"ignored_total\":%" PRIu64 "}}", raw_total,
		      ign_total);
	memset(buf, ' ', HEADER_BYTES);
	buf[HEADER_BYTES - 1] = '\n';
	if (!h.oom && h.len < HEADER_BYTES - 1)
		memcpy(buf, h.p, h.len);
	else
		memcpy(buf, "{\"format\":\"vmbench-trace\",\"version\":1,\"driver\":\"any\"}", 53);
	free(h.p);
}

/*
 * After a failed write the header is still rewritten once, in place, so the
 * file says how many records it lost (overwriting written bytes needs no
 * new space on a full disk).
 */
static void write_header(bool complete, const char *end)
{
	static char buf[HEADER_BYTES];
	ssize_t w;
	size_t done;

	if (cap_out_fd < 0 || (file_failed && (out_stream || !header_written)))
		return;
	render_header(buf, complete, end);
	if (out_stream) {
		if (header_written)
			return;
		if (write_all(cap_out_fd, buf, HEADER_BYTES, &done))
			fail_output(-errno);
		header_written = true;
		return;
	}
	w = pwrite(cap_out_fd, buf, HEADER_BYTES, 0);
	if (w == HEADER_BYTES)
		header_written = true;
	else if (!file_failed)
		fail_output(w < 0 ? -errno : -EIO);
}

/* move our descriptor out of the way of programs that close or reuse low fds */
static int high_fd(int fd)
{
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, 512);

	if (hi < 0)
		return fd;
	cap_real_close(fd);
	return hi;
}

/*
 * The file name: FILE for the root process, else FILE.<pid> -- written
 * <stem>.<pid>.jsonl when FILE is <stem>.jsonl, so that the name still says
 * JSON Lines -- and .<n> more after an exec or a name already taken.
 */
static void name_output(int k)
{
	const char *base = cap_cfg.out;
	size_t len = strlen(base);
	bool jsonl = len > 6 && !strcmp(base + len - 6, ".jsonl");
	int stem = (int)(jsonl ? len - 6 : len);

	if (k < 0)
		snprintf(out_path, sizeof(out_path), "%s", base);
	else if (k == 0)
		snprintf(out_path, sizeof(out_path), "%.*s.%d%s", stem, base, (int)getpid(),
			 jsonl ? ".jsonl" : "");
	else
		snprintf(out_path, sizeof(out_path), "%.*s.%d.%d%s", stem, base, (int)getpid(), k,
			 jsonl ? ".jsonl" : "");
}

/*
 * The root process writes the file the launcher made for it (empty, or a
 * device or FIFO to write through); after an exec that already holds a
 * trace, the new image goes on to FILE.<pid>.<n> like any other process.
 */
static int open_root_output(void)
{
	struct stat st;
	int fd;

	fd = cap_real_open(cap_cfg.root_out, O_WRONLY | O_CLOEXEC | O_NOCTTY, 0);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || (S_ISREG(st.st_mode) && st.st_size > 0)) {
		cap_real_close(fd);
		errno = EEXIST;
		return -1;
	}
	out_stream = !S_ISREG(st.st_mode);
	snprintf(out_path, sizeof(out_path), "%s", cap_cfg.out);
	return fd;
}

static int open_output(void)
{
	int fd = -1;

	for (int k = -1; k < 100 && fd < 0; k++) {
		if (k < 0 && cap_cfg.root_pid != getpid())
			continue;
		if (k < 0 && cap_cfg.root_out) {
			fd = open_root_output();
		} else {
			name_output(k);
			fd = cap_real_open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
			made_path = fd >= 0;
		}
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		fail_output(-errno);
		return -1;
	}
	cap_out_fd = high_fd(fd);
	write_header(false, NULL);
	if (!out_stream && lseek(cap_out_fd, HEADER_BYTES, SEEK_SET) < 0)
		fail_output(-errno);
	return 0;
}

/*
 * Records one writer pass renders at most before it drains the rings again:
 * a backlog (records held behind a new syncobj, or a writer that was slow to
 * be scheduled) is written in passes, so that the program's rings keep being
 * emptied meanwhile and its threads do not wait for ring space.
 */
#define WRITE_PASS 4096u

/*
 * One pass of writer_tick(): drain, sort and write up to WRITE_PASS records.
 * Return: how many it wrote; *@more: it stopped at WRITE_PASS.
 */
static size_t writer_pass(bool final, bool *more)
{
	size_t i, done = 0;
	uint64_t now = cap_now();

	*more = false;
	drain_all();
	/*
	 * each ring is in sequence order already: one thread = nothing to
	 * sort; only what arrived since the last tick is looked at
	 */
	for (i = n_sorted ? n_sorted : 1; i < n_pending; i++) {
		if (pending[i]->seq < pending[i - 1]->seq) {
			qsort(pending, n_pending, sizeof(*pending), cmp_seq);
			break;
		}
	}
	n_sorted = n_pending;
	sb.len = 0;
	sb.oom = false;
	for (i = 0; i < n_pending; i++) {
		struct cap_rec *r = pending[i];

		if (done == WRITE_PASS) {
			*more = true;
			break;
		}
		if (r->seq > next_seq) {
			if (!final) {
				if (!gap_since)
					gap_since = now;
				if (now - gap_since < GAP_TIMEOUT_NS)
					break;
			}
			gaps++;
			next_seq = r->seq;
		}
		gap_since = 0;
		if (!final && cap_out_creates_syncobj(r) &&
		    now - cap_cfg.t0 - r->t_exit < TYPE_HOLD_NS) {
			if (r != held) {
				held = r;
				held_decided =
				    !cap_out_undecided(r, pending + i + 1, n_pending - i - 1);
			}
			if (!held_decided)
				break;
		}
		if (r == held)
			held = NULL; /* written now, and freed */
		if (r->seq < next_seq)
			late++;
		else
			next_seq = r->seq + 1;
		if (r->kind != REC_NONE)
			cap_out_render(out, r, pending + i + 1, n_pending - i - 1, &sb);
		free(r);
		done++;
	}
	if (done)
		memmove(pending, pending + done, (n_pending - done) * sizeof(*pending));
	n_pending -= done;
	n_sorted = n_pending;

	if (sb.len && cap_out_fd < 0 && !file_failed)
		open_output();
	if (sb.len && !file_failed) {
		size_t wrote = 0;
		int err = sb.oom ? -ENOMEM : write_all(cap_out_fd, sb.p, sb.len, &wrote);

		bytes_written += wrote;
		if (err) {
			count_lost(sb.p, sb.len, wrote);
			fail_output(err);
		}
	} else if (sb.len) {
		count_lost(sb.p, sb.len, 0);
	}
	return done;
}

/* drain, sort and write what can be written; @final writes everything */
static void writer_tick(bool final, const char *end)
{
	size_t done = 0;
	bool more = true;

	if (file_done)
		return;
	while (more && !file_done)
		done += writer_pass(final, &more);
	if (cap_out_fd >= 0 && (done || final))
		write_header(final, end);
}

static void *writer_main(void *arg)
{
	(void)arg;
	cap_in_recorder = 1;
	atomic_store(&writer_up, 1);
	syscall(SYS_futex, &writer_up, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	while (!atomic_load(&writer_stop)) {
		struct timespec ts = {cap_cfg.flush_ms / 1000,
				      (long)(cap_cfg.flush_ms % 1000) * 1000000};

		syscall(SYS_futex, &kick_word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
		atomic_store(&kick_word, 0);
		if (atomic_load(&writer_stop))
			break;
		pthread_mutex_lock(&wlock);
		writer_tick(false, NULL);
		pthread_mutex_unlock(&wlock);
	}
	return NULL;
}

static void writer_start(void)
{
	sigset_t all, old;
	bool expected = false;

	if (!atomic_compare_exchange_strong(&writer_started, &expected, true))
		return;
	/* the writer must never run the program's signal handlers */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&writer_thread, NULL, writer_main, NULL)) {
		say("vmbench capture: cannot start the writer thread; recording stopped\n");
		atomic_store(&cap_enabled, false);
		atomic_store(&writer_stop, true);
	} else {
		pthread_setname_np(writer_thread, "vmb-capture");
		/*
		 * Return only once the thread runs our code: its start-up in the
		 * C library or a sanitizer runtime allocates outside wlock, and a
		 * fork() then (the program's next call, say) would give the child
		 * an allocator lock held by a thread it does not have. ASan's
		 * allocator in GCC 12 is not fork-safe: cap_fork's child hung in
		 * its own writer's start-up (tests/capture.sh, SAN=address).
		 * Later the writer allocates only under wlock, which
		 * cap_recorder_atfork_prepare() holds across fork().
		 */
		while (!atomic_load(&writer_up))
			syscall(SYS_futex, &writer_up, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/*
 * A FIFO or device got its header before anything was known: the last line
 * is a trailer with the final counts, which the loader reads like the
 * header's x_capture (docs/capture.md).
 */
static void write_trailer(const char *end)
{
	const struct cap_out_stats *st = cap_out_stats(out);
	char buf[256];
	size_t done;
	int n, err;

	n = snprintf(buf, sizeof(buf),
		     "{\"x_capture\":{\"trailer\":true,\"complete\":true,\"end\":\"%s\","
		     "\"ops\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"drops\":%" PRIu64 "}}\n",
		     end ? end : "exit", st->ops_total - lost, lost, atomic_load(&drops));
	if (n <= 0 || (size_t)n >= sizeof(buf))
		return;
	err = write_all(cap_out_fd, buf, (size_t)n, &done);
	if (err)
		fail_output(err);
}

static void finish_file(const char *end)
{
	struct stat st;

	writer_tick(true, end);
	if (cap_out_fd >= 0 && out_stream && header_written && !file_failed)
		write_trailer(end);
	if (cap_out_fd >= 0) {
		/* a file we made that holds nothing is no trace: remove it */
		if (made_path && !fstat(cap_out_fd, &st) && S_ISREG(st.st_mode) && !st.st_size)
			unlink(out_path);
		cap_real_close(cap_out_fd);
		cap_out_fd = -1;
	}
	if (lost) {
		char msg[PATH_MAX + 128];

		snprintf(msg, sizeof(msg), "vmbench capture: %s: %" PRIu64 " records lost\n",
			 out_path[0] ? out_path : cap_cfg.out, lost);
		say(msg);
	}
	out_stream = header_written = made_path = false;
	lost = 0;
	memset(lost_kind, 0, sizeof(lost_kind));
}

/**
 * cap_recorder_flush_for_exec() - write everything and close the file,
 * because exec replaces this process image. If exec fails, recording goes
 * on into a new file (FILE.<pid>.<n>).
 */
void cap_recorder_flush_for_exec(void)
{
	pthread_mutex_lock(&wlock);
	finish_file("exec"); /* drains the rings: the file appears if anything was recorded */
	cap_out_reset(out);
	memset(out_path, 0, sizeof(out_path));
	bytes_written = 0;
	pthread_mutex_unlock(&wlock);
}

/**
 * cap_recorder_move_fd() - the program is about to dup2() onto @fd: when
 * that is our trace file, move the file to another number first (under the
 * writer lock, so no write goes to the old number afterwards)
 */
void cap_recorder_move_fd(int fd)
{
	if (fd < 0 || fd != cap_out_fd)
		return;
	pthread_mutex_lock(&wlock);
	if (fd == cap_out_fd) {
		int hi = fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);

		if (hi >= 0)
			cap_out_fd = hi;
	}
	pthread_mutex_unlock(&wlock);
}

/** cap_recorder_shutdown() - end of the process: stop the writer, write all */
void cap_recorder_shutdown(void)
{
	if (getpid() != cap_pid)
		return; /* a vfork child exiting: the parent owns the state */
	if (atomic_load(&writer_started) && !atomic_exchange(&writer_stop, true)) {
		kick_writer();
		syscall(SYS_futex, &kick_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		pthread_join(writer_thread, NULL);
	}
	pthread_mutex_lock(&wlock);
	finish_file("exit");
	file_done = true;
	atomic_store(&cap_enabled, false);
	pthread_mutex_unlock(&wlock);
}

/* fork: hold the writer and registry locks so the child gets them unheld */
void cap_recorder_atfork_prepare(void)
{
	pthread_mutex_lock(&wlock);
	pthread_mutex_lock(&reg_lock);
}

/* fork, parent side: release what atfork_prepare took */
void cap_recorder_atfork_parent(void)
{
	pthread_mutex_unlock(&reg_lock);
	pthread_mutex_unlock(&wlock);
}

/* the child starts a fresh capture of its own; the parent keeps its records */
void cap_recorder_atfork_child(void)
{
	struct tbuf *self = my_tbuf;

	pthread_mutex_init(&reg_lock, NULL);
	pthread_mutex_init(&wlock, NULL);
	cap_pid = getpid();
	while (tbufs) {
		struct tbuf *t = tbufs;

		tbufs = t->next;
		if (t == self)
			continue;
		free(t->ring);
		free(t->build.binds);
		free(t->build.syncs);
		free(t->build.ids);
		free(t);
	}
	if (self) {
		atomic_store(&self->head, 0);
		atomic_store(&self->tail, 0);
		self->seen_tail = 0;
		atomic_store(&self->ovh_ns, 0);
		atomic_store(&self->ovh_n, 0);
		atomic_store(&self->wait_ns, 0);
		atomic_store(&self->waits, 0);
		self->tid = (uint32_t)syscall(SYS_gettid);
		self->next = NULL;
		tbufs = self;
	}
	for (size_t i = 0; i < n_pending; i++)
		free(pending[i]);
	n_pending = n_sorted = 0;
	held = NULL;
	if (cap_out_fd >= 0)
		cap_real_close(cap_out_fd);
	cap_out_fd = -1;
	out_path[0] = 0;
	files_json[0] = 0;
	cap_out_reset(out);
	atomic_store(&seq_counter, 0);
	next_seq = gap_since = late = gaps = bytes_written = lost = 0;
	memset(lost_kind, 0, sizeof(lost_kind));
	out_stream = header_written = made_path = false;
	atomic_store(&drops, 0);
	atomic_store(&ovh_dead_ns, 0);
	atomic_store(&ovh_dead_n, 0);
	atomic_store(&wait_dead_ns, 0);
	atomic_store(&waits_dead, 0);
	memset(raw_slots, 0, sizeof(raw_slots));
	atomic_store(&writer_started, false);
	atomic_store(&writer_stop, false);
	atomic_store(&kick_word, 0);
	atomic_store(&writer_up, 0);
	file_done = false;
	if (!file_failed)
		atomic_store(&cap_enabled, true);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return def;
	v = strtoull(s, &end, 10);
	return *end ? def : v;
}

/** cap_recorder_init() - read the configuration from the environment */
void cap_recorder_init(void)
{
	const char *o = getenv("VMB_CAPTURE_OUT");
	const char *d = getenv("VMB_CAPTURE_ONLY_DRIVER");

	cap_cfg.out = o && *o ? strdup(o) : "vmbench-capture.jsonl";
	o = getenv("VMB_CAPTURE_ROOT_OUT");
	cap_cfg.root_out = o && *o ? strdup(o) : NULL;
	cap_clock_init();
#if defined(__x86_64__) || defined(__i386__)
	{
		unsigned int ax, bx, cx, dx;

		has_prefetchw = __get_cpuid(0x80000001, &ax, &bx, &cx, &dx) && (cx & bit_PRFCHW);
	}
#endif
	cap_cfg.t0 = env_u64("VMB_CAPTURE_T0", 0);
	if (!cap_cfg.t0)
		cap_cfg.t0 = cap_now();
	cap_cfg.root_pid = (long)env_u64("VMB_CAPTURE_ROOT", 0);
	cap_cfg.flush_ms = (unsigned int)env_u64("VMB_CAPTURE_FLUSH_MS", 100);
	if (!cap_cfg.flush_ms)
		cap_cfg.flush_ms = 100;
	cap_cfg.only_driver = d && *d ? strdup(d) : NULL;
	cap_defer_on = env_u64("VMB_CAPTURE_DEFER", 1) != 0;
	cap_pid = getpid();
	pthread_key_create(&tbuf_key, tbuf_release);
	out = cap_out_create();
	atomic_store(&cap_enabled, out != NULL);
}
