// SPDX-License-Identifier: MIT
/*
 * emit.c - op emission for the generator: fills a struct vmb_op, stamps it
 * with the simulated CPU clock and thread id, hands it to the trace writer
 * and charges one ioctl's worth of CPU time to the clock. Ids are allocated
 * here, in creation order, so that every id is created before its first use.
 */
#include <errno.h>
#include <string.h>

#include "synth.h"

/**
 * vmb_synth_advance() - let simulated CPU time pass
 * @s: generator
 * @ns: nanoseconds
 */
void vmb_synth_advance(struct vmb_synth *s, uint64_t ns)
{
	s->t += ns;
}

/**
 * vmb_synth_at_least() - move the clock forward to @t (never backwards)
 * @s: generator
 * @t: time (ns)
 */
void vmb_synth_at_least(struct vmb_synth *s, uint64_t t)
{
	if (t > s->t)
		s->t = t;
}

static void op_init(struct vmb_synth *s, struct vmb_op *op, enum vmb_op_kind kind)
{
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->t = s->t;
	op->tid = s->tid;
}

static int op_write(struct vmb_synth *s, const struct vmb_op *op,
		    const struct vmb_bind_entry *binds, const struct vmb_sync *syncs,
		    const uint32_t *ids)
{
	int ret = vmb_trace_write_op(s->w, op, binds, syncs, ids, NULL);

	if (ret)
		return ret;
	s->n_ops++;
	/* the CPU cost of an ioctl, with a little jitter [E] */
	s->t += vmb_rng_jitter(&s->trng, SYNTH_IOCTL_NS, 0.3);
	return 0;
}

static uint32_t new_id(struct vmb_synth *s, enum vmb_obj_class c)
{
	return ++s->next_id[c];
}

/** vmb_emit_vm_create() - emit vm_create; the new id goes to *@out */
int vmb_emit_vm_create(struct vmb_synth *s, uint64_t va_start, uint64_t va_range, uint32_t flags,
		       uint32_t *out)
{
	struct vmb_op op;

	op_init(s, &op, VMB_OP_VM_CREATE);
	op.u.vm_create.vm = *out = new_id(s, VMB_CLASS_VM);
	op.u.vm_create.va_start = va_start;
	op.u.vm_create.va_range = va_range;
	op.u.vm_create.flags = flags;
	return op_write(s, &op, NULL, NULL, NULL);
}

/** vmb_emit_vm_destroy() - emit vm_destroy */
int vmb_emit_vm_destroy(struct vmb_synth *s, uint32_t vm)
{
	struct vmb_op op;

	op_init(s, &op, VMB_OP_VM_DESTROY);
	op.u.vm_destroy.vm = vm;
	return op_write(s, &op, NULL, NULL, NULL);
}

/** vmb_emit_queue_create() - emit queue_create; the new id goes to *@out */
int vmb_emit_queue_create(struct vmb_synth *s, uint32_t vm, enum vmb_engine engine, uint32_t *out)
{
	struct vmb_op op;

	op_init(s, &op, VMB_OP_QUEUE_CREATE);
	op.u.queue.queue = *out = new_id(s, VMB_CLASS_QUEUE);
	op.u.queue.vm = vm;
	op.u.queue.engine = engine;
	return op_write(s, &op, NULL, NULL, NULL);
}

/** vmb_emit_queue_destroy() - emit queue_destroy */
int vmb_emit_queue_destroy(struct vmb_synth *s, uint32_t q)
{
	struct vmb_op op;

	op_init(s, &op, VMB_OP_QUEUE_DESTROY);
	op.u.queue.queue = q;
	return op_write(s, &op, NULL, NULL, NULL);
}

/** vmb_emit_bo_create() - emit bo_create (@vm 0 = external); id to *@out */
int vmb_emit_bo_create(struct vmb_synth *s, uint64_t size, enum vmb_placement pl, uint32_t vm,
		       uint32_t flags, uint32_t *out)
{
	struct vmb_op op;

	op_init(s, &op, VMB_OP_BO_CREATE);
	op.u.bo.bo = *out = new_id(s, VMB_CLASS_BO);
	op.u.bo.size = size;
	op.u.bo.placement = pl;
	op.u.bo.vm = vm;
	op.u.bo.flags = flags;
	return op_write(s, &op, NULL, NULL, NULL);
}

/** vmb_emit_bo_close() - emit bo_close */
int vmb_emit_bo_close(struct vmb_synth *s, uint32_t bo)
{
	struct vmb_op op;

	op_init(s, &op, VMB_OP_BO_CLOSE);
	op.u.bo.bo = bo;
	return op_write(s, &op, NULL, NULL, NULL);
}

/** vmb_emit_syncobj_create() - emit syncobj_create; id to *@out */
int vmb_emit_syncobj_create(struct vmb_synth *s, bool timeline, bool signaled, uint32_t *out)
{
	struct vmb_op op;

	op_init(s, &op, VMB_OP_SYNCOBJ_CREATE);
	op.u.syncobj.syncobj = *out = new_id(s, VMB_CLASS_SYNCOBJ);
	op.u.syncobj.timeline = timeline;
	op.u.syncobj.signaled = signaled;
	return op_write(s, &op, NULL, NULL, NULL);
}

/** vmb_emit_syncobj_destroy() - emit syncobj_destroy */
int vmb_emit_syncobj_destroy(struct vmb_synth *s, uint32_t so)
{
	struct vmb_op op;

	op_init(s, &op, VMB_OP_SYNCOBJ_DESTROY);
	op.u.syncobj.syncobj = so;
	return op_write(s, &op, NULL, NULL, NULL);
}

#define MAX_SYNCS 16

static int pack_syncs(struct vmb_sync *dst, const struct vmb_sync *in, size_t n_in,
		      const struct vmb_sync *out, size_t n_out)
{
	if (n_in + n_out > MAX_SYNCS)
		return -E2BIG;
	if (n_in)
		memcpy(dst, in, n_in * sizeof(*in));
	if (n_out)
		memcpy(dst + n_in, out, n_out * sizeof(*out));
	return 0;
}

/**
 * vmb_emit_bind() - emit one bind op (one ioctl) with @n entries
 * @s: generator
 * @vm: VM
 * @queue: bind queue, 0 = the VM's default
 * @e: entries
 * @n: number of entries, > 0
 * @in: in-syncs (@n_in of them)
 * @out: out-syncs (@n_out of them)
 *
 * Return: 0 or -errno.
 */
int vmb_emit_bind(struct vmb_synth *s, uint32_t vm, uint32_t queue, const struct vmb_bind_entry *e,
		  size_t n, const struct vmb_sync *in, size_t n_in, const struct vmb_sync *out,
		  size_t n_out)
{
	struct vmb_sync y[MAX_SYNCS];
	struct vmb_op op;
	int ret = pack_syncs(y, in, n_in, out, n_out);

	if (ret)
		return ret;
	if (!n || n > UINT32_MAX)
		return -EINVAL;
	op_init(s, &op, VMB_OP_BIND);
	op.u.bind.vm = vm;
	op.u.bind.queue = queue;
	op.u.bind.first_bind = 0;
	op.u.bind.n_binds = (uint32_t)n;
	op.u.bind.first_sync = 0;
	op.u.bind.n_in = (uint16_t)n_in;
	op.u.bind.n_out = (uint16_t)n_out;
	ret = op_write(s, &op, e, y, NULL);
	/* building a bind array costs CPU time per entry too [E] */
	s->t += (n - 1) * 100;
	return ret;
}

/**
 * vmb_emit_submit() - emit one submit (exec) op
 * @s: generator
 * @queue: exec queue
 * @bos: BOs the job uses (implicit sync looks at them)
 * @n_bos: count
 * @in: in-syncs; @n_in: count
 * @out: out-syncs; @n_out: count
 * @gpu_ns: GPU time of the job
 *
 * Return: 0 or -errno.
 */
int vmb_emit_submit(struct vmb_synth *s, uint32_t queue, const uint32_t *bos, size_t n_bos,
		    const struct vmb_sync *in, size_t n_in, const struct vmb_sync *out,
		    size_t n_out, uint64_t gpu_ns)
{
	struct vmb_sync y[MAX_SYNCS];
	struct vmb_op op;
	int ret = pack_syncs(y, in, n_in, out, n_out);

	if (ret)
		return ret;
	op_init(s, &op, VMB_OP_SUBMIT);
	op.u.submit.queue = queue;
	op.u.submit.gpu_ns = gpu_ns;
	op.u.submit.first_bo = 0;
	op.u.submit.n_bos = (uint32_t)n_bos;
	op.u.submit.first_sync = 0;
	op.u.submit.n_in = (uint16_t)n_in;
	op.u.submit.n_out = (uint16_t)n_out;
	return op_write(s, &op, NULL, y, bos);
}

static int emit_syncs(struct vmb_synth *s, enum vmb_op_kind kind, const struct vmb_sync *y,
		      size_t n)
{
	struct vmb_op op;

	if (!n || n > MAX_SYNCS)
		return -EINVAL;
	op_init(s, &op, kind);
	op.u.wait.first_sync = 0;
	op.u.wait.n = (uint16_t)n;
	op.u.wait.all = true;
	op.u.wait.timeout_ns = UINT64_MAX;
	return op_write(s, &op, NULL, y, NULL);
}

/** vmb_emit_wait() - emit a CPU wait for all of @y */
int vmb_emit_wait(struct vmb_synth *s, const struct vmb_sync *y, size_t n)
{
	return emit_syncs(s, VMB_OP_WAIT, y, n);
}

/** vmb_emit_signal() - emit a CPU signal of @y */
int vmb_emit_signal(struct vmb_synth *s, const struct vmb_sync *y, size_t n)
{
	return emit_syncs(s, VMB_OP_SIGNAL, y, n);
}

/** vmb_emit_cpu_unmap() - emit cpu_unmap (mmu-notifier invalidation) */
int vmb_emit_cpu_unmap(struct vmb_synth *s, uint64_t addr, uint64_t size)
{
	struct vmb_op op;

	op_init(s, &op, VMB_OP_CPU_UNMAP);
	op.u.cpu_unmap.addr = addr;
	op.u.cpu_unmap.size = size;
	return op_write(s, &op, NULL, NULL, NULL);
}

/** vmb_emit_cpu_migrate() - emit cpu_migrate (the kernel moved the pages) */
int vmb_emit_cpu_migrate(struct vmb_synth *s, uint64_t addr, uint64_t size)
{
	struct vmb_op op;

	op_init(s, &op, VMB_OP_CPU_MIGRATE);
	op.u.cpu_unmap.addr = addr;
	op.u.cpu_unmap.size = size;
	return op_write(s, &op, NULL, NULL, NULL);
}

/** vmb_emit_evict() - emit evict (memory pressure moved @bo) */
int vmb_emit_evict(struct vmb_synth *s, uint32_t bo)
{
	struct vmb_op op;

	op_init(s, &op, VMB_OP_EVICT);
	op.u.evict.bo = bo;
	return op_write(s, &op, NULL, NULL, NULL);
}

/** vmb_emit_frame() - emit a frame boundary marker (no CPU cost) */
int vmb_emit_frame(struct vmb_synth *s, uint64_t n)
{
	struct vmb_op op;
	int ret;

	op_init(s, &op, VMB_OP_FRAME);
	op.u.frame.n = n;
	ret = vmb_trace_write_op(s->w, &op, NULL, NULL, NULL, NULL);
	if (!ret)
		s->n_ops++;
	return ret;
}
