/* SPDX-License-Identifier: MIT */
/*
 * trace.h - the in-memory form of a vmbench trace (format v1).
 *
 * A trace is loaded once, validated completely, and kept packed: each op is
 * a variable-length record of LEB128 varints (deltas for time, thread and
 * line), its bind entries, syncs and BO ids inline (docs/performance.md,
 * "Packed ops"). Readers decode ops one at a time through a struct
 * vmb_cursor into the fixed-size struct vmb_op below. Nothing of jansson
 * survives the load. The JSON format itself is described
 * in docs/trace-format.md; this header is the contract between the loader,
 * the writer, the replay engine, the generators and the capturer.
 */
#ifndef VMB_TRACE_H
#define VMB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** enum vmb_op_kind - trace op kinds, in the order of DESIGN.md §3 */
enum vmb_op_kind {
	VMB_OP_VM_CREATE,
	VMB_OP_VM_DESTROY,
	VMB_OP_QUEUE_CREATE,
	VMB_OP_QUEUE_DESTROY,
	VMB_OP_BO_CREATE,
	VMB_OP_BO_CLOSE,
	VMB_OP_SYNCOBJ_CREATE,
	VMB_OP_SYNCOBJ_DESTROY,
	VMB_OP_BIND,
	VMB_OP_SUBMIT,
	VMB_OP_WAIT,
	VMB_OP_SIGNAL,
	VMB_OP_CPU_UNMAP,
	VMB_OP_EVICT,
	VMB_OP_FRAME,
	VMB_OP_CPU_MIGRATE,
	VMB_OP_TRANSFER,
	VMB_OP_SYNCOBJ_RESET,
	VMB_OP_SYNC_FILE_EXPORT,
	VMB_OP_SYNC_FILE_IMPORT,
	VMB_OP_COUNT
};

/** enum vmb_bind_kind - kinds of entries inside a bind op */
enum vmb_bind_kind {
	VMB_BIND_MAP,
	VMB_BIND_MAP_NULL,
	VMB_BIND_MAP_USERPTR,
	VMB_BIND_UNMAP,
	VMB_BIND_UNMAP_ALL,
	VMB_BIND_PREFETCH,
	VMB_BIND_COUNT
};

/* bind entry flags (the "flags" array of a bind entry) */
#define VMB_BIND_F_READONLY (1u << 0)
#define VMB_BIND_F_NOEXEC (1u << 1)
#define VMB_BIND_F_UNCACHED (1u << 2)
#define VMB_BIND_F_IMMEDIATE (1u << 3)
#define VMB_BIND_F_DUMPABLE (1u << 4)

/* vm_create flags */
#define VMB_VM_F_FAULT (1u << 0)
/* legacy VM: the kernel maps a submit's BOs itself (msm before VM_BIND) */
#define VMB_VM_F_IMPLICIT_VA (1u << 1)

/* transfer flags (DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT) */
#define VMB_TRANSFER_F_WAIT_FOR_SUBMIT (1u << 0)

/* bo_create flags */
#define VMB_BO_F_SCANOUT (1u << 0)
#define VMB_BO_F_USERPTR_BACKED (1u << 1)

/** enum vmb_engine - queue engine classes */
enum vmb_engine {
	VMB_ENGINE_RENDER,
	VMB_ENGINE_COMPUTE,
	VMB_ENGINE_COPY,
	VMB_ENGINE_BIND,
	VMB_ENGINE_COUNT
};

/** enum vmb_placement - BO placement hints */
enum vmb_placement { VMB_PLACE_ANY, VMB_PLACE_VRAM, VMB_PLACE_SYSTEM, VMB_PLACE_COUNT };

/** enum vmb_driver - the driver a trace was recorded on (or "any") */
enum vmb_driver {
	VMB_DRIVER_ANY,
	VMB_DRIVER_XE,
	VMB_DRIVER_AMDGPU,
	VMB_DRIVER_NOUVEAU,
	VMB_DRIVER_PANTHOR,
	VMB_DRIVER_MSM,
	VMB_DRIVER_COUNT
};

/**
 * struct vmb_bind_entry - one entry of a bind op's "binds" array
 * @va: GPU virtual address (map, map_null, map_userptr, unmap, prefetch)
 * @range: size in bytes
 * @offset: BO offset (map), CPU address (map_userptr) or region (prefetch)
 * @hw: driver hardware/PTE flags, carried through untouched
 * @bo: trace BO id (map, unmap_all); 0 otherwise
 * @kind: enum vmb_bind_kind
 * @flags: VMB_BIND_F_*
 */
struct vmb_bind_entry {
	uint64_t va;
	uint64_t range;
	uint64_t offset;
	uint64_t hw;
	uint32_t bo;
	uint8_t kind;
	uint8_t flags;
	uint16_t pad;
};

/**
 * struct vmb_sync - a syncobj reference in "in"/"out"/"syncs"
 * @point: timeline point; 0 for a binary syncobj
 * @syncobj: trace syncobj id
 */
struct vmb_sync {
	uint64_t point;
	uint32_t syncobj;
	uint32_t pad;
};

/*
 * Pool slices: ops refer to their variable-length parts by index into the
 * bind, sync and id arrays they come with (a decoded op from a cursor: the
 * cursor's arrays, and every first_* index is 0; the writer: the arrays
 * passed beside the op). In-syncs come first, out-syncs right after them
 * (first + n_in).
 */

/**
 * struct vmb_op - one trace op, fixed size
 * @t: ns since trace start ("t"), 0 when absent
 * @line: 1-based line in the trace file where the op starts
 * @tid: thread id ("tid"), 0 when absent
 * @ret: original result, 0 or -errno ("ret")
 * @kind: enum vmb_op_kind
 * @u: per-kind fields, see the member comments
 */
struct vmb_op {
	uint64_t t;
	uint32_t line;
	uint32_t tid;
	int16_t ret;
	uint8_t kind;
	uint8_t pad;
	uint32_t pad2;
	union {
		/* vm_create (kernel_range: see vmb_trace_kernel_range()) */
		struct {
			uint32_t vm;
			uint32_t flags;
			uint64_t va_start;
			uint64_t va_range;
			uint64_t kernel_start;
		} vm_create;
		/* vm_destroy */
		struct {
			uint32_t vm;
		} vm_destroy;
		/* queue_create / queue_destroy (vm and engine on create only) */
		struct {
			uint32_t queue;
			uint32_t vm;
			uint8_t engine;
		} queue;
		/* bo_create / bo_close (size, vm, placement, flags on create only) */
		struct {
			uint64_t size;
			uint32_t bo;
			uint32_t vm; /* 0 = external BO */
			uint8_t placement;
			uint8_t flags;
		} bo;
		/* syncobj_create / syncobj_destroy */
		struct {
			uint32_t syncobj;
			bool timeline;
			bool signaled;
		} syncobj;
		/* bind */
		struct {
			uint32_t vm;
			uint32_t queue; /* 0 = the VM's default bind queue */
			uint32_t first_bind;
			uint32_t n_binds;
			uint32_t first_sync;
			uint16_t n_in;
			uint16_t n_out;
		} bind;
		/* submit */
		struct {
			uint64_t gpu_ns;
			uint32_t queue;
			uint32_t first_bo; /* index into trace->ids */
			uint32_t n_bos;
			uint32_t first_sync;
			uint16_t n_in;
			uint16_t n_out;
		} submit;
		/* wait / signal (n = count of syncs; all and timeout_ns on wait only) */
		struct {
			uint64_t timeout_ns; /* UINT64_MAX = forever */
			uint32_t first_sync;
			uint16_t n;
			bool all;
		} wait;
		/* cpu_unmap and cpu_migrate */
		struct {
			uint64_t addr;
			uint64_t size;
		} cpu_unmap;
		/* evict */
		struct {
			uint32_t bo;
		} evict;
		/* frame */
		struct {
			uint64_t n;
		} frame;
		/* transfer: syncs first_sync (src) and first_sync + 1 (dst) */
		struct {
			uint32_t first_sync;
			uint32_t flags; /* VMB_TRANSFER_F_* */
		} transfer;
		/* syncobj_reset: n syncobj ids at trace->ids[first_id] */
		struct {
			uint32_t first_id;
			uint32_t n;
		} reset;
		/* sync_file_export / sync_file_import (sync_file 0: none) */
		struct {
			uint32_t syncobj;
			uint32_t sync_file;
		} sync_file;
	} u;
};

/**
 * struct vmb_trace_seg - a stretch of packed op records
 * @buf, @len: the records
 * @line: line of the op before the first one (the line deltas start there)
 */
struct vmb_trace_seg {
	uint8_t *buf;
	size_t len;
	uint32_t line;
};

/* a mark every this many ops */
#define VMB_TRACE_MARK_OPS 256

/**
 * struct vmb_trace_mark - decoder state before op k * VMB_TRACE_MARK_OPS
 * @off: byte offset in segment @seg
 * @t, @line, @tid: the previous op's time (of those with "t"), line, thread
 */
struct vmb_trace_mark {
	uint64_t off;
	uint64_t t;
	uint32_t seg;
	uint32_t line;
	uint32_t tid;
	uint32_t pad;
};

/*
 * vm_create's kernel_range does not fit the 32-byte union; it is kept in a
 * side array indexed by the VM's trace id (sparse ids are rare in practice,
 * and trace->vm_kernel_range grows to the largest id seen).
 */

/**
 * struct vmb_source - provenance ("source" object in the header)
 * @kind: "synthetic", "capture" or another string, never NULL after load
 * @json: the whole "source" object re-serialized compactly (may be NULL)
 */
struct vmb_source {
	char *kind;
	char *json;
};

/**
 * struct vmb_trace - a loaded, validated trace
 * @path: file it was loaded from
 * @driver: header "driver"
 * @page_size: header "page_size" (power of two)
 * @source: header "source"
 * @n_ops: number of ops
 * @segs, @n_segs: the packed op records, in segments (one per parse chunk)
 * @marks, @n_marks: where every VMB_TRACE_MARK_OPS-th op starts, for seeks
 * @packed_bytes: total size of the records
 * @max_binds, @max_syncs, @max_ids: most of each that one op carries (ids:
 *	submit BO lists, syncobj_reset syncobjs)
 * @vm_flags: the VMB_VM_F_* flags of all vm_create ops, or-ed
 * @bind_va_end: highest va + range of a bind entry (unmap_all aside)
 * @n_kind: ops of each kind
 * @vm_kernel_range: kernel_range per VM id (see above), @n_vm_ids entries
 * @max_id: largest id used per object class (vm, queue, bo, syncobj)
 * @sha256: hex digest of the file bytes (64 chars + NUL)
 * @file_bytes: size of the file
 * @dropped_partial_line: a truncated last .jsonl line was dropped
 * @truncated_bytes: the length of that line (bytes not replayed)
 * @truncated_line: its line number
 * @capture_counts: the capturer's x_capture counts were found (header, or
 *	the trailer line a capture to a FIFO or device ends with)
 * @capture_lost: records the capturer could not write (not in the file)
 * @capture_drops: records the capturer dropped before rendering them
 */
struct vmb_trace {
	char *path;
	enum vmb_driver driver;
	uint64_t page_size;
	struct vmb_source source;

	size_t n_ops;
	struct vmb_trace_seg *segs;
	size_t n_segs;
	struct vmb_trace_mark *marks;
	size_t n_marks;
	uint64_t packed_bytes;
	uint32_t max_binds, max_syncs, max_ids;
	uint32_t vm_flags;
	uint64_t bind_va_end;
	size_t n_kind[VMB_OP_COUNT];
	uint64_t *vm_kernel_range;
	size_t n_vm_ids;
	uint32_t max_id[4];

	char sha256[65];
	uint64_t file_bytes;
	bool dropped_partial_line;
	uint64_t truncated_bytes;
	uint32_t truncated_line;
	bool capture_counts;
	uint64_t capture_lost, capture_drops;
};

/*
 * VMB_POOL_AT() - &pool[i] for the trace's pools (binds, syncs, ids), which
 * are NULL while empty: NULL + 0 is undefined in C (clang's UBSan says so),
 * so an empty pool yields NULL, which callers never dereference (n == 0).
 */
#define VMB_POOL_AT(pool, i) ((pool) ? (pool) + (i) : (pool))

/* object classes, the index into vmb_trace.max_id */
enum vmb_obj_class {
	VMB_CLASS_VM,
	VMB_CLASS_QUEUE,
	VMB_CLASS_BO,
	VMB_CLASS_SYNCOBJ,
};

/**
 * vmb_trace_load() - load and validate a trace file
 * @path: a .json or .jsonl file ("-" is not supported: line numbers need a file)
 * @out: receives the trace on success
 * @err: receives one error line "FILE:LINE: op N: reason" (or
 *       "FILE:LINE: reason" for header errors, "FILE: reason" for I/O),
 *       no trailing newline
 * @errlen: size of @err
 *
 * Warnings (a dropped partial last line) are printed to stderr.
 *
 * Return: 0, or -EINVAL for a bad trace (message in @err), or another
 * negative errno for I/O errors (message in @err).
 */
int vmb_trace_load(const char *path, struct vmb_trace **out, char *err, size_t errlen);

/** vmb_trace_destroy() - free a trace (NULL is fine) */
void vmb_trace_destroy(struct vmb_trace *trace);

/**
 * vmb_trace_pack_ops() - give a trace built in memory (tests, tools) its ops
 * @t: the trace; its header fields, max_id and vm_kernel_range are the
 *     caller's; any ops it held are replaced
 * @ops, @n: the ops, their pool indices relative to @binds, @syncs, @ids
 *     (lines and "t" as given; every op counts as carrying "t")
 *
 * No validation. Free with vmb_trace_release() (or vmb_trace_destroy()
 * for a trace from the heap).
 *
 * Return: 0 or -ENOMEM.
 */
int vmb_trace_pack_ops(struct vmb_trace *t, const struct vmb_op *ops, size_t n,
		       const struct vmb_bind_entry *binds, const struct vmb_sync *syncs,
		       const uint32_t *ids);

/** vmb_trace_release() - free the packed ops of @t, not @t itself */
void vmb_trace_release(struct vmb_trace *t);

/**
 * struct vmb_cursor - reads the ops of a trace in order (or from a seek)
 * @op: the op just decoded; its first_* indices are 0, into the arrays below
 * @binds, @syncs, @ids: its bind entries, syncs (in, then out) and BO ids;
 *	NULL when it has none
 * @kernel_range: a vm_create's kernel_range, else 0
 * @has_t: the op carried "t" in the file
 * @index: the op's index in the trace
 *
 * Everything a cursor returns stays valid until its next call. The rest is
 * the decoder's state.
 */
struct vmb_cursor {
	struct vmb_op op;
	const struct vmb_bind_entry *binds;
	const struct vmb_sync *syncs;
	const uint32_t *ids;
	uint64_t kernel_range;
	bool has_t;
	size_t index;

	const struct vmb_trace *t;
	size_t next, seg;
	const uint8_t *p, *end;
	uint64_t prev_t;
	uint32_t prev_line, prev_tid;
	struct vmb_bind_entry *bbuf;
	struct vmb_sync *sbuf;
	uint32_t *ibuf;
	size_t cap_b, cap_s, cap_i;
};

/**
 * vmb_cursor_init() - a cursor before the first op of @t
 * Return: 0 or -ENOMEM (the cursor holds arrays sized for @t's largest op).
 */
int vmb_cursor_init(struct vmb_cursor *c, const struct vmb_trace *t);

/**
 * vmb_cursor_next() - decode the next op into @c
 * Return: 1 (an op), 0 (no more ops) or -ENOMEM.
 */
int vmb_cursor_next(struct vmb_cursor *c);

/**
 * vmb_cursor_seek() - decode op @index (the next call goes on after it)
 * Return: 1, 0 (@index out of range) or -ENOMEM.
 */
int vmb_cursor_seek(struct vmb_cursor *c, size_t index);

/** vmb_cursor_fini() - free the cursor's arrays */
void vmb_cursor_fini(struct vmb_cursor *c);

/**
 * vmb_op_parts() - how many bind entries, syncs and ids an op carries
 * @op: the op; @nb, @ns, @ni: receive the counts
 */
static inline void vmb_op_parts(const struct vmb_op *op, size_t *nb, size_t *ns, size_t *ni)
{
	*nb = *ns = *ni = 0;
	switch (op->kind) {
	case VMB_OP_BIND:
		*nb = op->u.bind.n_binds;
		*ns = (size_t)op->u.bind.n_in + op->u.bind.n_out;
		break;
	case VMB_OP_SUBMIT:
		*ni = op->u.submit.n_bos;
		*ns = (size_t)op->u.submit.n_in + op->u.submit.n_out;
		break;
	case VMB_OP_WAIT:
	case VMB_OP_SIGNAL:
		*ns = op->u.wait.n;
		break;
	case VMB_OP_TRANSFER:
		*ns = 2;
		break;
	case VMB_OP_SYNCOBJ_RESET:
		*ni = op->u.reset.n;
		break;
	default:
		break;
	}
}

static inline uint64_t vmb_trace_kernel_range(const struct vmb_trace *t, uint32_t vm)
{
	return vm < t->n_vm_ids ? t->vm_kernel_range[vm] : 0;
}

/* names, for messages and the writer; NULL for out-of-range values */
const char *vmb_op_kind_name(enum vmb_op_kind kind);
const char *vmb_bind_kind_name(enum vmb_bind_kind kind);
const char *vmb_engine_name(enum vmb_engine engine);
const char *vmb_placement_name(enum vmb_placement placement);
const char *vmb_driver_name(enum vmb_driver driver);
/* parse a driver name; returns -EINVAL when unknown */
int vmb_driver_parse(const char *name, enum vmb_driver *out);

/*
 * Writer: emits trace format v1, as JSON Lines (header line, then one op per
 * line) or as one JSON object when @jsonl is false. Output is deterministic:
 * the same calls give the same bytes. Numbers >= 2^53 are written as "0x..."
 * strings so that every JSON reader keeps them exact.
 */
struct vmb_trace_writer;

/**
 * struct vmb_trace_header - what the writer puts in the header
 * @driver: driver
 * @page_size: page size
 * @source_json: a complete JSON object for "source" (e.g.
 *   {"kind":"synthetic","generator":"dxvk-steady","seed":1}); copied
 */
struct vmb_trace_header {
	enum vmb_driver driver;
	uint64_t page_size;
	const char *source_json;
};

/**
 * vmb_trace_writer_open() - start writing a trace
 * @f: destination stream (not closed by the writer)
 * @hdr: header
 * @jsonl: true for JSON Lines
 * @out: receives the writer
 *
 * Return: 0 or -errno.
 */
int vmb_trace_writer_open(FILE *f, const struct vmb_trace_header *hdr, bool jsonl,
			  struct vmb_trace_writer **out);

/**
 * vmb_trace_write_op() - append one op
 * @w: writer
 * @op: the op; its variable parts are taken from @binds, @syncs, @ids
 *      (indices in @op are relative to these arrays, as in a loaded trace)
 * @binds, @syncs, @ids: pools the op refers to; may be NULL when unused
 * @extra_json: NULL, or extra "x_..." members as a JSON object text whose
 *      members are appended to the op (used by the capturer for raw ioctls)
 *
 * Fields equal to their format default are omitted (t, tid and ret are
 * written when non-zero).
 *
 * Return: 0 or -errno (write error).
 */
int vmb_trace_write_op(struct vmb_trace_writer *w, const struct vmb_op *op,
		       const struct vmb_bind_entry *binds, const struct vmb_sync *syncs,
		       const uint32_t *ids, const char *extra_json);

/**
 * vmb_trace_write_vm_create() - append a vm_create op with its kernel_range
 * @w: writer
 * @op: a VMB_OP_VM_CREATE op
 * @kernel_range: size of the kernel-reserved region, 0 for none
 * @extra_json: as for vmb_trace_write_op()
 *
 * kernel_range does not fit in struct vmb_op, so vmb_trace_write_op()
 * writes every vm_create without one; use this to give it.
 *
 * Return: 0, -EINVAL (not a vm_create, bad @extra_json) or -errno.
 */
int vmb_trace_write_vm_create(struct vmb_trace_writer *w, const struct vmb_op *op,
			      uint64_t kernel_range, const char *extra_json);

/**
 * vmb_trace_writer_close() - finish the trace (closing "]}" for JSON) and
 * free the writer. Does not fclose() the stream.
 *
 * Return: 0 or -errno if any write failed.
 */
int vmb_trace_writer_close(struct vmb_trace_writer *w);

/**
 * vmb_trace_write() - write a whole loaded trace (round trip helper)
 * @t: trace; @f: stream; @jsonl: format
 *
 * Return: 0 or -errno.
 */
int vmb_trace_write(const struct vmb_trace *t, FILE *f, bool jsonl);

#endif /* VMB_TRACE_H */
