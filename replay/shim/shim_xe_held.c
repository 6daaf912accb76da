// SPDX-License-Identifier: MIT
/*
 * shim_xe_held.c - xe jobs and binds that the instant shim GPU cannot run
 * to completion inside the ioctl: a spinner (a batch that loops on an
 * MI_COND_BATCH_BUFFER_END condition in memory, IGT's xe_spin) runs until
 * the CPU writes its end condition, and what is queued behind it waits.
 *
 * A spinner is parked: submitted to the model (its fences exist), its
 * stores so far done, and resumed by a worker thread every HELD_POLL_NS
 * (the worker sleeps while nothing is held). Until it ends, its out-fences
 * read unsignalled. An EXEC or VM_BIND issued on a queue that has a held
 * job, or waiting for an unsignalled fence of a held one, is held too (the
 * ioctl returns 0, as the kernel's does once the job is queued on the DRM
 * scheduler) and carried out, in issue order, when what it waits for has
 * signalled. As in the kernel (xe_guc_submit.c
 * guc_exec_queue_timedout_job), a job still running after the queue's job
 * timeout (5 s, xe_hw_engine.c) is a hang: the queue is banned, the jobs
 * queued behind it on that queue are cancelled (their fences signal, their
 * batches never run).
 *
 * Only the instant GPU holds jobs; the timed GPU (shim_timed.c) keeps its
 * own schedule.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shim_priv.h"

/* the worker's period, and the jumps a parked spinner may take per look */
#define HELD_POLL_NS 200000ull
#define HELD_JUMPS 64u
/* xe_hw_engine.c: the default job timeout of an engine class */
#define HELD_JOB_TIMEOUT_NS 5000000000ull

struct held {
	struct held *next;
	bool exec;		 /* an EXEC; else a VM_BIND */
	bool running;		 /* a parked spinner (submitted to the model) */
	struct shim_queue *q;	 /* exec or bind queue; NULL: the VM's own */
	uint32_t vm;		 /* model VM id */
	uint64_t t0;		 /* CLOCK_MONOTONIC when it started running */
	struct shim_xe_state st; /* exec: where the batch is */
	struct vmb_sync *syncs;	 /* in, then out */
	uint16_t n_in, n_out;
	bool *dropped;		   /* per out-sync: a later signal replaced it */
	struct shim_xe_ufence *uf; /* exec: GPU VAs; bind: CPU addresses */
	uint32_t n_uf;
	struct vmb_bind_entry *e; /* bind entries */
	uint32_t n;
	uint64_t rf_start, rf_last; /* bind: its page-table update's range fence */
};

static struct held *held;
static pthread_t worker;
static bool worker_started;

static bool same_queue(const struct held *h, const struct shim_queue *q, uint32_t vm)
{
	return h->q == q && (q || h->vm == vm);
}

/* a held op before @stop signals @s (a fence of it no later signal replaced) */
static bool sync_held_before(const struct held *stop, const struct vmb_sync *s)
{
	const struct held *h;
	uint16_t i;

	for (h = held; h && h != stop; h = h->next)
		for (i = 0; i < h->n_out; i++)
			if (!h->dropped[i] && h->syncs[h->n_in + i].syncobj == s->syncobj &&
			    (!s->point || h->syncs[h->n_in + i].point >= s->point))
				return true;
	return false;
}

bool shim_xe_sync_held(const struct vmb_sync *s)
{
	return sync_held_before(NULL, s);
}

/*
 * shim_xe_must_hold() - an op on @q (or @vm's own bind queue) with these
 * in-syncs waits for something held
 */
bool shim_xe_must_hold(const struct shim_queue *q, uint32_t vm, const struct vmb_sync *in,
		       uint16_t n_in)
{
	const struct held *h;
	uint16_t i;

	for (h = held; h; h = h->next)
		if (same_queue(h, q, vm))
			return true;
	for (i = 0; i < n_in; i++)
		if (shim_xe_sync_held(&in[i]))
			return true;
	return false;
}

/* a held bind of @vm maps something in [start, last] (its page tables are staged) */
bool shim_xe_held_maps(uint32_t vm, uint64_t start, uint64_t last)
{
	const struct held *h;
	uint32_t i;

	for (h = held; h; h = h->next)
		for (i = 0; !h->exec && h->vm == vm && i < h->n; i++)
			if (h->e[i].kind != VMB_BIND_UNMAP && h->e[i].kind != VMB_BIND_UNMAP_ALL &&
			    h->e[i].va <= last && h->e[i].va + h->e[i].range - 1 >= start)
				return true;
	return false;
}

/*
 * xe_pt_vm_dependencies: a bind whose page-table update range [start, last]
 * overlaps that of a held bind of the same VM waits for it (the range-fence
 * tree), whatever queue it is on
 */
bool shim_xe_range_held(uint32_t vm, uint64_t start, uint64_t last)
{
	const struct held *h;

	for (h = held; h; h = h->next)
		if (!h->exec && h->vm == vm && h->rf_start <= last && h->rf_last >= start)
			return true;
	return false;
}

/* an op that is not held signals binary syncobjs: held fences there are replaced */
void shim_xe_signalled(const struct vmb_sync *out, uint16_t n_out)
{
	struct held *h;
	uint16_t i, k;

	for (k = 0; k < n_out; k++)
		for (h = held; out[k].point == 0 && h; h = h->next)
			for (i = 0; i < h->n_out; i++)
				if (h->syncs[h->n_in + i].syncobj == out[k].syncobj)
					h->dropped[i] = true;
}

static void held_free(struct held *h)
{
	free(h->syncs);
	free(h->dropped);
	free(h->uf);
	free(h->e);
	free(h);
}

static void *worker_main(void *arg);

static int held_add(struct held *h)
{
	struct held **p;

	for (p = &held; *p; p = &(*p)->next)
		;
	*p = h;
	shim_lock_wake();
	if (!worker_started) {
		pthread_attr_t a;

		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		worker_started = pthread_create(&worker, &a, worker_main, NULL) == 0;
		pthread_attr_destroy(&a);
	}
	return 0;
}

/* a copy of the op's syncs, user fences and bind entries */
static struct held *held_new(bool exec, struct shim_queue *q, uint32_t vm,
			     const struct vmb_sync *syncs, uint16_t n_in, uint16_t n_out,
			     const struct shim_xe_ufence *uf, uint32_t n_uf)
{
	struct held *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->exec = exec;
	h->q = q;
	h->vm = vm;
	h->n_in = n_in;
	h->n_out = n_out;
	h->n_uf = n_uf;
	h->syncs = calloc(n_in + n_out + 1u, sizeof(*syncs));
	h->dropped = calloc(n_out + 1u, sizeof(bool));
	h->uf = calloc(n_uf + 1u, sizeof(*uf));
	if (!h->syncs || !h->dropped || !h->uf) {
		held_free(h);
		return NULL;
	}
	memcpy(h->syncs, syncs, (n_in + n_out) * sizeof(*syncs));
	memcpy(h->uf, uf, n_uf * sizeof(*uf));
	return h;
}

int shim_xe_hold_exec(struct shim_queue *q, uint32_t vm, uint64_t batch,
		      const struct vmb_sync *syncs, uint16_t n_in, uint16_t n_out,
		      const struct shim_xe_ufence *uf, uint32_t n_uf)
{
	struct held *h = held_new(true, q, vm, syncs, n_in, n_out, uf, n_uf);

	if (!h)
		return -ENOMEM;
	h->st.pc = batch;
	return held_add(h);
}

int shim_xe_park_spinner(struct shim_queue *q, uint32_t vm, const struct shim_xe_state *st,
			 const struct vmb_sync *syncs, uint16_t n_in, uint16_t n_out,
			 const struct shim_xe_ufence *uf, uint32_t n_uf)
{
	struct held *h = held_new(true, q, vm, syncs, n_in, n_out, uf, n_uf);

	if (!h)
		return -ENOMEM;
	h->running = true;
	h->st = *st;
	h->t0 = shim_now_ns();
	return held_add(h);
}

int shim_xe_hold_bind(struct shim_queue *q, uint32_t vm, const struct vmb_bind_entry *e, uint32_t n,
		      uint64_t rf_start, uint64_t rf_last, const struct vmb_sync *syncs,
		      uint16_t n_in, uint16_t n_out, const struct shim_xe_ufence *uf, uint32_t n_uf)
{
	struct held *h = held_new(false, q, vm, syncs, n_in, n_out, uf, n_uf);

	if (!h)
		return -ENOMEM;
	h->rf_start = rf_start;
	h->rf_last = rf_last;
	h->e = calloc(n + 1u, sizeof(*e));
	if (!h->e) {
		held_free(h);
		return -ENOMEM;
	}
	memcpy(h->e, e, n * sizeof(*e));
	h->n = n;
	return held_add(h);
}

static void say_lost(const char *what, int err)
{
	static bool said;

	if (!said && !getenv("VMB_SHIM_QUIET"))
		fprintf(stderr,
			"vmshim: a held xe %s failed when it ran (%d); the ioctl had returned 0 "
			"(later ones only counted in gpu.held_failed)\n",
			what, err);
	said = true;
	shim_gpu_stats.held_failed++;
}

/* the out-syncs no later signal replaced, after the in-syncs */
static uint16_t live_syncs(struct held *h)
{
	uint16_t i, n = 0;

	for (i = 0; i < h->n_out; i++)
		if (!h->dropped[i])
			h->syncs[h->n_in + n++] = h->syncs[h->n_in + i];
	h->n_out = n;
	return n;
}

/* a job ended: its user fences (EXEC: through the VM) */
static void exec_done(struct held *h, struct shim_vm *vm, int err)
{
	uint32_t i;

	if (err && err != -EOPNOTSUPP && h->q) {
		h->q->banned = true;
		return;
	}
	for (i = 0; !err && vm && i < h->n_uf; i++)
		shim_gpu_write(vm, h->uf[i].addr, &h->uf[i].value, 8);
}

/*
 * carry out a held op whose waits are over; true if it is done, false if
 * it became a running spinner
 */
static bool held_run(struct held *h)
{
	struct shim_vm *vm = shim_vm_by_id(h->vm);
	int ret;

	live_syncs(h);
	if (!h->exec) {
		ret =
		    vm ? shim_bind(vm, h->q ? h->q->id : 0, h->e, h->n, h->syncs, h->n_in, h->n_out)
		       : -ENOENT;
		if (ret)
			say_lost("bind", ret);
		else
			shim_xe_ufence_signal_cpu(h->uf, h->n_uf);
		return true;
	}
	if (!h->q) { /* the queue was destroyed: the job is killed, its fences signal */
		struct vmb_op op = {.kind = VMB_OP_SIGNAL};

		op.u.wait.n = h->n_out;
		if (h->n_out)
			shim_model(&op, NULL, h->syncs + h->n_in, NULL, 0);
		return true;
	}
	ret = shim_submit(h->q->id, NULL, 0, h->syncs, h->n_in, h->n_out);
	if (ret) {
		say_lost("exec", ret);
		return true;
	}
	if (h->q->banned) {
		shim_gpu_stats.cancelled++;
		return true; /* fences signal (with an error), the batch never runs */
	}
	ret = vm ? shim_gpu_run_xe_spin(vm, &h->st, HELD_JUMPS) : 0;
	if (ret == -EINPROGRESS) {
		h->running = true;
		h->t0 = shim_now_ns();
		return false;
	}
	exec_done(h, vm, ret);
	return true;
}

/* one look: resume the spinners, then run what no longer waits, in order */
static void held_step(void)
{
	struct held **p = &held, *h;
	uint64_t now = shim_now_ns();
	bool changed = false;

	while ((h = *p)) {
		struct shim_vm *vm = shim_vm_by_id(h->vm);
		int ret;

		if (h->running && (!vm || !h->q)) {
			/* its VM or queue is gone: the job is killed */
		} else if (h->running) {
			ret = shim_gpu_run_xe_spin(vm, &h->st, HELD_JUMPS);
			if (ret == -EINPROGRESS && now - h->t0 < HELD_JOB_TIMEOUT_NS) {
				p = &h->next;
				continue;
			}
			if (ret == -EINPROGRESS) { /* the job timeout: a hang, the queue banned */
				shim_gpu_stats.hangs++;
				shim_gpu_stats.jobs++;
				shim_gpu_stats.jobs_failed++;
				h->q->banned = true;
			} else {
				exec_done(h, vm, ret);
			}
		} else {
			struct held *e;
			bool blocked = false;

			for (e = held; e != h && !blocked; e = e->next)
				blocked = same_queue(e, h->q, h->vm) ||
					  (!h->exec && !e->exec && e->vm == h->vm &&
					   e->rf_start <= h->rf_last && e->rf_last >= h->rf_start);
			if (!blocked) {
				/* its in-fences: none held by an op still before it */
				uint16_t i;

				for (i = 0; i < h->n_in && !blocked; i++)
					blocked = sync_held_before(h, &h->syncs[i]);
			}
			if (blocked || !held_run(h)) {
				p = &h->next;
				continue;
			}
		}
		*p = h->next;
		held_free(h);
		changed = true;
		p = &held; /* what it held back may go now: look again from the start */
	}
	if (changed)
		shim_lock_wake();
}

static void *worker_main(void *arg)
{
	(void)arg;
	shim_lock();
	for (;;) {
		held_step();
		/* nothing held: sleep until something is (held_add wakes us) */
		shim_lock_sleep(held ? shim_now_ns() + HELD_POLL_NS : 0);
	}
	return NULL;
}

/* the queue is destroyed: its running job is killed, its queued ones cancelled */
void shim_xe_held_queue_gone(struct shim_queue *q)
{
	struct held *h;

	for (h = held; h; h = h->next)
		if (h->q == q) {
			h->q = NULL;
			h->running = false;
		}
}

/* a forked child has no worker: the next hold starts one */
static void held_child(void)
{
	worker_started = false;
}

__attribute__((constructor)) static void held_init(void)
{
	pthread_atfork(NULL, NULL, held_child);
}
