/* SPDX-License-Identifier: MIT */
/*
 * capture.h - internal interfaces of the capturer (libvmcapture.so): the
 * record that travels from an application thread to the writer thread, the
 * DRM file table, the per-driver decoders and the recorder. Nothing here is
 * exported from the shared object (it is built with -fvisibility=hidden).
 *
 * Data flow:
 *
 *   app thread: ioctl() wrapper -> fd table (is it a DRM file?) -> the
 *     call copied raw (struct cap_raw: argument + the user arrays its
 *     decoder reads, defer.c), or, when its decoder wants it so, decoded at
 *     once into a struct cap_rec with *kernel handles* -> per-thread ring
 *   writer thread: drains every ring (decoding the raw calls into struct
 *     cap_rec), merges by sequence number, maps kernel handles to trace ids
 *     (per DRM file), renders JSON lines, writes them.
 *
 * Handles are mapped to ids on the writer side, in sequence order, so a
 * handle the kernel reuses after a close gets a fresh id in the right place
 * even when the close and the create happened on different threads.
 */
#ifndef VMB_CAPTURE_H
#define VMB_CAPTURE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "trace.h"

#define CAP_HIDDEN __attribute__((visibility("hidden")))

/*
 * Thread-locals of the library: the initial-exec model skips
 * __tls_get_addr on every access; fine for a library that is preloaded
 * (loaded at startup), which is the only way libvmcapture.so is used.
 */
#define CAP_TLS __thread __attribute__((tls_model("initial-exec")))

/* handle value meaning "the VM this DRM file has implicitly" (amdgpu, msm, nouveau) */
#define CAP_IMPLICIT_VM UINT32_MAX

/* cap_rec.kind */
enum cap_rec_kind {
	CAP_REC_OP,	    /* a trace op (op field) */
	CAP_REC_FILE_CLOSE, /* the last fd of a DRM file was closed: forget its handles */
	CAP_REC_EXPORT,	    /* a BO or syncobj exported as fd @aux (op: bo_create or
			     * syncobj_create naming the handle); an import of that
			     * fd on another DRM file names the same trace object */
};

/* cap_rec.flags */
#define CAP_REC_F_SYNTH (1u << 0)      /* not an ioctl of the program (e.g. implicit VM) */
#define CAP_REC_F_USER_FENCE (1u << 1) /* had user-fence syncs that a trace cannot express */
#define CAP_REC_F_FENCE_FD (1u << 2)   /* had sync_file fds that a trace cannot express */
#define CAP_REC_F_DEPS (1u << 3)       /* had fence dependencies a trace cannot express */
#define CAP_REC_F_NEW_HANDLE (1u << 4) /* import: create only if the handle is unknown */
#define CAP_REC_F_SYNC_BIND (1u << 5)  /* synchronous bind ioctl */

/**
 * struct cap_rec - one record, as stored in a per-thread ring
 * @size: bytes of the record including its arrays (multiple of 8)
 * @kind: enum cap_rec_kind
 * @flags: CAP_REC_F_*
 * @n_binds, @n_syncs, @n_ids: lengths of the arrays that follow the record
 *     (binds, then syncs, then ids), referenced by @op with indices from 0
 * @file: serial of the DRM file (struct cap_file.serial)
 * @ioctl: the ioctl request number (0 for records that are not ioctls)
 * @seq: global sequence number (see interposer.c for when it is taken)
 * @t_enter, @t_exit: around the kernel call: cap_stamp() values in the
 *     ring, ns since cap_cfg.t0 once the writer has taken the record out
 *     (drain_ring() converts them)
 * @tid: thread id
 * @ret: 0 or -errno
 * @driver: enum vmb_driver of the file
 * @pad: zero
 * @aux: vm_create: kernel_range (it does not fit in struct vmb_op);
 *     exports and imports: the dma-buf / syncobj fd
 * @op: the op, with kernel handles where the trace has ids
 */
struct cap_rec {
	uint32_t size;
	uint8_t kind;
	uint8_t flags;
	uint16_t n_binds;
	uint32_t n_syncs;
	uint32_t n_ids;
	uint32_t file;
	uint32_t ioctl;
	uint64_t seq;
	uint64_t t_enter;
	uint64_t t_exit;
	uint32_t tid;
	int32_t ret;
	uint32_t driver;
	uint32_t pad;
	uint64_t aux;
	struct vmb_op op;
};

static inline struct vmb_bind_entry *cap_rec_binds(struct cap_rec *r)
{
	return (struct vmb_bind_entry *)(r + 1);
}

static inline struct vmb_sync *cap_rec_syncs(struct cap_rec *r)
{
	return (struct vmb_sync *)(cap_rec_binds(r) + r->n_binds);
}

static inline uint32_t *cap_rec_ids(struct cap_rec *r)
{
	return (uint32_t *)(cap_rec_syncs(r) + r->n_syncs);
}

/*
 * Building a record: the decoders fill @rec, which is the thread's ring
 * at its head (room reserved, not yet committed) when there was room
 * there, else @own; they append binds/syncs/ids to per-thread scratch
 * arrays, which cap_record_push() lays out behind the record.
 * @room: bytes reserved in the ring at @rec (0: @rec is @own)
 */
struct cap_build {
	struct cap_rec *rec;
	struct vmb_bind_entry *binds;
	struct vmb_sync *syncs;
	uint32_t *ids;
	uint32_t cap_binds, cap_syncs, cap_ids;
	uint32_t n_binds, n_syncs, n_ids;
	uint32_t room;
	bool oom;
	struct cap_rec own;
};

struct vmb_bind_entry *cap_build_bind(struct cap_build *b) CAP_HIDDEN;
void cap_build_sync(struct cap_build *b, uint32_t handle, uint64_t point) CAP_HIDDEN;
void cap_build_id(struct cap_build *b, uint32_t id) CAP_HIDDEN;
uint32_t cap_build_size(const struct cap_build *b) CAP_HIDDEN;
void cap_build_layout(const struct cap_build *b, void *dst, uint32_t size) CAP_HIDDEN;

/* what a decoder says about an ioctl before it is issued */
enum cap_class {
	CAP_IGNORE,  /* known, nothing to record (queries, mmap offsets) */
	CAP_RAW,     /* not decodable: counted by number in the header */
	CAP_ENTER,   /* decode; sequence number taken before the kernel call */
	CAP_EXIT,    /* decode; sequence number taken after it (waits) */
	CAP_ORDERED, /* decode; as CAP_ENTER, the order lock held across the
		      * call (creates, destroys, binds: interposer.c) */
};

/**
 * struct cap_call - one intercepted ioctl, as a decoder sees it
 * @fd: file descriptor
 * @req: request number
 * @arg: the live argument (outputs are valid after the call)
 * @pre: copy of the argument taken before the call (inputs of in/out unions)
 * @size: _IOC_SIZE(req), bytes valid in @pre and @arg
 * @ret: 0 or -errno
 * @t_enter: CLOCK_MONOTONIC ns of the kernel call (absolute, for the
 *     timeouts of waits), read for CAP_EXIT ioctls only; 0 for the others
 * @pre_handles, @pre_points, @pre_count: a syncobj signal's arrays, copied
 *     before the call (NULL when not): the signal can wake a thread that
 *     frees them before the call returns to us
 * @pre_size: bytes valid in @pre
 * @raw: on the writer, the raw record being decoded (cap_user() reads its
 *     copies); NULL on the program's thread
 * @live: the program's argument (interposer.c only)
 */
struct cap_call {
	int fd;
	unsigned long req;
	void *arg;
	const void *pre;
	uint32_t size;
	int ret;
	uint64_t t_enter;
	const uint32_t *pre_handles;
	const uint64_t *pre_points;
	uint32_t pre_count;
	uint32_t pre_size;
	const struct cap_raw *raw;
	void *live;
};

/*
 * cap_driver_nr() - is ioctl number @nr in the driver range (DRM_COMMAND_BASE
 * up to DRM_COMMAND_END), which the file's decoder reads, rather than a
 * core ioctl (decode_core.c)?
 */
static inline bool cap_driver_nr(unsigned int nr)
{
	return nr >= 0x40 && nr < 0xa0;
}

/* signals with at most this many syncobjs have their arrays copied before the call */
#define CAP_PRE_SYNCS 64

/*
 * Deferred decoding (defer.c). A successful call whose decoder can run on
 * the writer thread is recorded raw: a struct cap_raw with copies of the
 * argument, of its pre-call copies and of every user array the decoder
 * reads. The writer decodes it when it takes it out of the ring, where
 * cap_user() finds the arrays among the copies by their user address.
 */
#define CAP_REC_RAW_CALL 0xfc /* ring record kind (next to recorder.c's REC_*) */
#define CAP_RAW_ROOM 2048u    /* ring bytes a raw record may take */

/**
 * struct cap_raw - a call recorded raw, as it sits in a ring (48 bytes,
 * then @data: the argument, its pre-call copy, a signal's handle and point
 * copies, then the user arrays; see raw_layout() in defer.c)
 * @size: bytes of the record (multiple of 8), as struct cap_rec's
 * @kind: CAP_REC_RAW_CALL
 * @n_arrays: user arrays copied (struct cap_raw_array each)
 * @driver: enum vmb_driver of the file, which names its decoder
 * @flags: CAP_RAW_F_*
 * @arg_size: bytes of the argument copy
 * @pre_size: bytes of the pre-call copy of the argument (0: none)
 * @pre_count: handles of a signal copied before the call
 *     (cap_call.pre_handles; 0: none)
 * @file, @ioctl, @seq, @t_enter, @t_exit: as in struct cap_rec
 */
struct cap_raw {
	uint32_t size;
	uint8_t kind;
	uint8_t n_arrays;
	uint8_t driver;
	uint8_t flags;
	uint16_t arg_size;
	uint16_t pre_size;
	uint16_t pre_count;
	uint16_t pad;
	uint32_t file;
	uint32_t ioctl;
	uint64_t seq;
	uint64_t t_enter;
	uint64_t t_exit;
	uint64_t data[];
};

#define CAP_RAW_F_POINTS (1u << 0) /* @pre_count points follow the handles */
#define CAP_RAW_F_ABS (1u << 1)	   /* cap_call.t_enter is in the first 8 bytes of @data */

/* one copied user array in a struct cap_raw: its address, length, then its bytes (8-aligned) */
struct cap_raw_array {
	uint64_t ptr;
	uint64_t len;
};

/* a raw record being written at the ring head (app thread) */
struct cap_raw_build {
	struct cap_raw *raw;
	char *p, *end;
};

/*
 * cap_raw_array() - copy @len bytes of a user array at @ptr into @r for
 * the deferred decode; the call succeeded, so the kernel has read them.
 * Return: the copy, or NULL when it does not fit (the call is then decoded
 * at once).
 */
const void *cap_raw_array(struct cap_raw_build *r, uint64_t ptr, size_t len) CAP_HIDDEN;

/**
 * struct cap_decoder - per-driver ioctl decoder
 * @name: driver name as DRM_IOCTL_VERSION reports it
 * @driver: trace driver
 * @classify: mandatory; how to treat @req (driver ioctls, nr 0x40-0x9f;
 *     core ones go to cap_core_classify()); sets *@pre_bytes when the
 *     decoder needs the argument as it was before the call (in/out unions)
 * @decode: mandatory; fill @b->rec.op (kernel handles) for a CAP_ENTER or
 *     CAP_EXIT ioctl; return false when no op results (e.g. a failed create,
 *     which has no handle to name)
 * @gather: optional; for a successful call, copy into @r (cap_raw_array())
 *     every user array that @decode reads, and return true, when @decode
 *     can run later on the writer thread: it has no side effect and reads
 *     no state of the program's thread or descriptors. Return false to have
 *     the call decoded at once (the default for every ioctl it does not
 *     list).
 */
struct cap_decoder {
	const char *name;
	enum vmb_driver driver;
	enum cap_class (*classify)(unsigned long req, uint32_t *pre_bytes);
	bool (*decode)(const struct cap_call *c, struct cap_build *b);
	bool (*gather)(const struct cap_call *c, struct cap_raw_build *r);
};

extern const struct cap_decoder cap_decoder_xe CAP_HIDDEN;
extern const struct cap_decoder cap_decoder_amdgpu CAP_HIDDEN;
extern const struct cap_decoder cap_decoder_nouveau CAP_HIDDEN;
extern const struct cap_decoder cap_decoder_panthor CAP_HIDDEN;
extern const struct cap_decoder cap_decoder_msm CAP_HIDDEN;

const struct cap_decoder *cap_decoder_find(const char *name) CAP_HIDDEN;
const struct cap_decoder *cap_decoder_of(enum vmb_driver driver) CAP_HIDDEN;
enum cap_class cap_core_classify(unsigned long req, uint32_t *pre_bytes) CAP_HIDDEN;
enum cap_class cap_core_reclassify(unsigned long req, const void *pre,
				   enum cap_class cls) CAP_HIDDEN;
bool cap_core_decode(const struct cap_call *c, struct cap_build *b) CAP_HIDDEN;
bool cap_core_gather(const struct cap_call *c, struct cap_raw_build *r) CAP_HIDDEN;

/* defer.c */
struct cap_file;
extern bool cap_defer_on CAP_HIDDEN;
bool cap_defer(const struct cap_call *c, const struct cap_file *f, enum cap_class cls, uint64_t seq,
	       uint64_t t0, uint64_t t1) CAP_HIDDEN;
struct cap_build *cap_defer_decode(const struct cap_raw *raw, uint32_t tid) CAP_HIDDEN;
const void *cap_raw_lookup(const struct cap_raw *raw, uint64_t ptr, size_t len) CAP_HIDDEN;

/* helpers shared by the decoders */
void cap_op_init(struct cap_build *b, enum vmb_op_kind kind) CAP_HIDDEN;
uint64_t cap_rel_timeout(int64_t abs_ns, uint64_t now_ns) CAP_HIDDEN;
void cap_userptr_note(uint64_t addr, uint64_t size) CAP_HIDDEN;
bool cap_userptr_any(void) CAP_HIDDEN;
bool cap_userptr_touched(uint64_t addr, uint64_t len) CAP_HIDDEN;
void cap_userptr_reset_after_fork(void) CAP_HIDDEN;
extern pid_t cap_self_pid CAP_HIDDEN;
const void *cap_user(const struct cap_call *c, uint64_t ptr, size_t len) CAP_HIDDEN;
void cap_user_release(void) CAP_HIDDEN;
bool cap_safe_copy_slow(void *dst, const void *src, size_t len) CAP_HIDDEN;
extern CAP_TLS uintptr_t cap_stack_lo CAP_HIDDEN, cap_stack_hi CAP_HIDDEN;

/*
 * Is [src, src + len) in the used part of this thread's own stack (between
 * the caller's frame and the top)? Such bytes are mapped and readable. On
 * any other stack (a signal stack, a coroutine's) the answer is no.
 */
static inline __attribute__((always_inline)) bool cap_on_own_stack(const void *src, size_t len)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0), a = (uintptr_t)src;

	return sp >= cap_stack_lo && sp < cap_stack_hi && a >= sp && a < cap_stack_hi &&
	       len <= cap_stack_hi - a;
}

/*
 * the largest argument struct a recorded ioctl may have (larger ones are
 * passed on and counted raw); copies up to it are inline (cap_copy_small())
 */
#define CAP_ARG_MAX 256u

void cap_copy_big(void *dst, const void *src, size_t len) CAP_HIDDEN;

/* fixed-size moves the compiler emits as one load and one store each */
#define CAP_MOVE(d, s, type)                                                                       \
	do {                                                                                       \
		type v_;                                                                           \
		__builtin_memcpy(&v_, (s), sizeof(v_));                                            \
		__builtin_memcpy((d), &v_, sizeof(v_));                                            \
	} while (0)

/*
 * cap_copy_small() - memcpy() for the bytes a record copies (an argument
 * struct of up to CAP_ARG_MAX bytes, a handle array): inline, with moves that
 * overlap instead of a byte loop, it costs less than libc's memcpy behind
 * its PLT entry, which still copies anything larger. There is no loop for
 * the compiler to turn back into that call.
 */
static inline __attribute__((always_inline)) void cap_copy_small(void *dst, const void *src,
								 size_t len)
{
	typedef uint64_t u128 __attribute__((vector_size(16), aligned(1)));
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (len > CAP_ARG_MAX) {
		cap_copy_big(dst, src, len);
	} else if (len >= 16) {
		/* 16-byte moves, the last one ending at @len (overlapping) */
		for (size_t i = 0; i + 16 < len; i += 16)
			CAP_MOVE(d + i, s + i, u128);
		CAP_MOVE(d + len - 16, s + len - 16, u128);
	} else if (len >= 8) {
		CAP_MOVE(d, s, uint64_t);
		CAP_MOVE(d + len - 8, s + len - 8, uint64_t);
	} else if (len >= 4) {
		CAP_MOVE(d, s, uint32_t);
		CAP_MOVE(d + len - 4, s + len - 4, uint32_t);
	} else if (len) {
		d[0] = s[0];
		d[len / 2] = s[len / 2];
		d[len - 1] = s[len - 1];
	}
}

/**
 * cap_safe_copy() - copy @len bytes of our own memory without faulting
 * @dst: destination
 * @src: source, possibly an invalid pointer from the program
 * @len: bytes
 *
 * Bytes on the calling thread's own stack (an argument struct libdrm builds
 * there, a small array in the caller's frame) are copied directly; any
 * other address goes through the kernel (cap_safe_copy_slow()). Preserves
 * errno. Return: true when all bytes were copied.
 */
static inline bool cap_safe_copy(void *dst, const void *src, size_t len)
{
	if (cap_on_own_stack(src, len)) {
		cap_copy_small(dst, src, len);
		return true;
	}
	return cap_safe_copy_slow(dst, src, len);
}

/**
 * struct cap_file - one open DRM file (shared by dup'ed descriptors)
 * @serial: id for the writer (>= 1)
 * @dec: decoder, NULL when the file is not recorded
 * @refs: descriptors that point at it
 * @name: driver name
 * @pci: "vendor:device" PCI id from sysfs, "" when unknown
 * @next: list of all files (fdtable.c)
 */
struct cap_file {
	uint32_t serial;
	const struct cap_decoder *dec;
	atomic_int refs;
	char name[24];
	char pci[24];
	struct cap_file *next;
};

struct cap_file *cap_fd_lookup(int fd) CAP_HIDDEN;
struct cap_file *cap_fd_identify(int fd) CAP_HIDDEN;
void cap_fd_forget(int fd) CAP_HIDDEN;
void cap_fd_forget_range(unsigned int first, unsigned int last) CAP_HIDDEN;
void cap_fd_dup(int oldfd, int newfd) CAP_HIDDEN;
void cap_fd_reset_after_fork(void) CAP_HIDDEN;
bool cap_fd_is_tracked(int fd) CAP_HIDDEN;

/* syncfile.c: fds that a recorded export made sync_files, until closed */
void cap_sync_file_mark(int fd) CAP_HIDDEN;
bool cap_sync_file_is(int fd) CAP_HIDDEN;
void cap_sync_file_forget(int fd) CAP_HIDDEN;
void cap_sync_file_forget_range(unsigned int first, unsigned int last) CAP_HIDDEN;

/* real libc functions (interposer.c) */
extern int (*cap_real_ioctl)(int, unsigned long, ...) CAP_HIDDEN;
int cap_real_close(int fd) CAP_HIDDEN;
int cap_real_open(const char *path, int flags, int mode) CAP_HIDDEN;

/* recorder.c */
struct cap_config {
	const char *out; /* base output path */
	/* the root process's file, made by the launcher (renamed to @out at the end) */
	const char *root_out;
	uint64_t t0;   /* CLOCK_MONOTONIC ns of capture start */
	long root_pid; /* the process that writes to @out itself */
	unsigned int flush_ms;
	const char *only_driver; /* NULL = all */
};

extern struct cap_config cap_cfg CAP_HIDDEN;
extern atomic_bool cap_enabled CAP_HIDDEN;
/*
 * Non-zero on a thread inside the recorder's own work (the writer thread
 * always): a libc call made from there (a sanitizer's report path maps and
 * unmaps memory) is passed on unrecorded, never re-entering the recorder
 * and its reg_lock.
 */
extern CAP_TLS unsigned int cap_in_recorder CAP_HIDDEN;
extern int cap_out_fd CAP_HIDDEN;

void cap_recorder_init(void) CAP_HIDDEN;
struct cap_build *cap_thread_build(void) CAP_HIDDEN;
void cap_record_push(struct cap_build *b) CAP_HIDDEN;
void cap_build_drop(struct cap_build *b) CAP_HIDDEN;
char *cap_ring_begin(uint32_t room) CAP_HIDDEN;
void cap_ring_commit(uint32_t len) CAP_HIDDEN;
void cap_ring_cancel(void) CAP_HIDDEN;
void cap_ring_prefetch(void) CAP_HIDDEN;
uint64_t cap_seq_next(void) CAP_HIDDEN;
/* clock.c: timestamps */
uint64_t cap_now(void) CAP_HIDDEN;
extern bool cap_clock_tsc CAP_HIDDEN;
void cap_clock_init(void) CAP_HIDDEN;
const char *cap_clock_name(void) CAP_HIDDEN;
void cap_clock_sync(void) CAP_HIDDEN;
uint64_t cap_clock_ns(uint64_t stamp) CAP_HIDDEN;
bool cap_clock_span_ns(uint64_t d, uint64_t *ns) CAP_HIDDEN;
/*
 * cap_stamp() - a timestamp for a record: the time-stamp counter when
 * clock.c chose it, else CLOCK_MONOTONIC ns. Only cap_clock_ns() (writer
 * side) and cap_clock_span_ns() know what it means.
 */
static inline uint64_t cap_stamp(void)
{
#if defined(__x86_64__) || defined(__i386__)
	if (__builtin_expect(cap_clock_tsc, 1))
		return __builtin_ia32_rdtsc();
#endif
	return cap_now();
}
void cap_count_raw(unsigned long req, bool known, int ret) CAP_HIDDEN;
void cap_note_overhead(uint64_t stamps, bool sampled) CAP_HIDDEN;
void cap_recorder_flush_for_exec(void) CAP_HIDDEN;
void cap_recorder_shutdown(void) CAP_HIDDEN;
void cap_recorder_move_fd(int fd) CAP_HIDDEN;
void cap_recorder_atfork_prepare(void) CAP_HIDDEN;
void cap_recorder_atfork_parent(void) CAP_HIDDEN;
void cap_recorder_atfork_child(void) CAP_HIDDEN;
uint32_t cap_file_serial_next(void) CAP_HIDDEN;
void cap_note_file(const struct cap_file *f, int fd) CAP_HIDDEN;

/* emit.c: rendering of records (writer thread only) */
struct cap_out;
struct cap_out *cap_out_create(void) CAP_HIDDEN;
void cap_out_destroy(struct cap_out *o) CAP_HIDDEN;
void cap_out_reset(struct cap_out *o) CAP_HIDDEN;
/* render @rec (whose handles are translated in place) into @buf; returns 0 or -ENOMEM */
struct cap_strbuf {
	char *p;
	size_t len, cap;
	bool oom;
};
void cap_sb_putc(struct cap_strbuf *sb, char c) CAP_HIDDEN;
void cap_sb_puts(struct cap_strbuf *sb, const char *s) CAP_HIDDEN;
void cap_sb_printf(struct cap_strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3))) CAP_HIDDEN;
void cap_sb_json_str(struct cap_strbuf *sb, const char *s) CAP_HIDDEN;
/*
 * cap_out_render() - translate handles and render one record; @next/@n_next
 * are the records that follow it in sequence order (look-ahead for the
 * timeline property of a new syncobj)
 */
void cap_out_render(struct cap_out *o, struct cap_rec *rec, struct cap_rec *const *next,
		    size_t n_next, struct cap_strbuf *sb) CAP_HIDDEN;
/*
 * cap_out_undecided() - @rec creates a syncobj that no record in @next uses
 * yet, so its type (binary or timeline) cannot be decided
 */
bool cap_out_undecided(const struct cap_rec *rec, struct cap_rec *const *next,
		       size_t n_next) CAP_HIDDEN;
/* cap_out_decides() - @x (later than @rec) uses or destroys the syncobj @rec creates */
bool cap_out_decides(const struct cap_rec *rec, const struct cap_rec *x) CAP_HIDDEN;
/* @rec is the successful creation of a new syncobj: its type is decided by its first use */
static inline bool cap_out_creates_syncobj(const struct cap_rec *rec)
{
	return rec->kind == CAP_REC_OP && rec->op.kind == VMB_OP_SYNCOBJ_CREATE && !rec->ret;
}
/* counters kept by the renderer, for the header */
struct cap_out_stats {
	uint64_t ops[VMB_OP_COUNT];
	uint64_t ops_total;
	uint64_t failed;
	uint64_t unknown_handles;
	uint64_t user_fence_ops, fence_fd_ops, dep_ops;
	uint64_t syncobj_fixups;
	uint32_t drivers_seen; /* bitmask of enum vmb_driver */
};
const struct cap_out_stats *cap_out_stats(const struct cap_out *o) CAP_HIDDEN;

#endif /* VMB_CAPTURE_H */
