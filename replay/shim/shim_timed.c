// SPDX-License-Identifier: MIT
/*
 * shim_timed.c - the shim GPU that takes time (VMB_SHIM_GPU=timed).
 *
 * The embedded model already computes when each job starts and ends from
 * the driver's semantics: the queue is a FIFO, in-fences, implicit waits,
 * xe REMAP bookkeep waits (SEMANTICS.md). The timed GPU makes that real:
 * the model's clock is CLOCK_MONOTONIC since the shim started (moved
 * forward before every model call), a job's length is its batch's no-op
 * dwords times SHIM_NOP_NS. A job executes its commands (timestamps
 * reading its start plus the no-ops before them) when real time reaches
 * its model end, just before its out-fences signal (the model says so)
 * and its user fences are written. Binds take their modelled
 * cost the same way. A worker thread runs the jobs that fall due and wakes
 * the waiters, which sleep on the shim lock's condition variable.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shim_priv.h"

bool shim_timed;

static uint64_t t0;		       /* CLOCK_MONOTONIC at start: model time 0 */
static struct shim_timed_job *pending; /* by due time (when) */
static pthread_t worker;
static bool worker_started;

uint64_t shim_timed_real(uint64_t t)
{
	return t0 + t;
}

static int shim_timed_add_at(const struct shim_timed_job *job, uint64_t when, bool ufences);

static void job_run(struct shim_timed_job *j)
{
	struct shim_vm *vm = shim_vm_by_id(j->vm);
	uint64_t ts = shim_timed_real(j->start);
	uint32_t i;

	if (j->wake_only)
		return;
	if (j->ufences_now) { /* the job's end: its user fences */
		for (i = 0; vm && i < j->n_uf; i++)
			shim_gpu_write(vm, j->uf[i][0], &j->uf[i][1], 8);
		return;
	}
	if (!vm) { /* the VM went away with the job queued */
		shim_gpu_stats.cancelled++;
		return;
	}
	if (!j->amdgpu) {
		int err = shim_gpu_run_xe(vm, j->batch, ts);

		if (err && err != -EOPNOTSUPP && j->q)
			j->q->banned = true;
		else if (!err && j->n_uf)
			shim_timed_add_at(j, j->end, true);
		return;
	}
	for (i = 0; i < j->n_ib; i++) {
		uint64_t faults = shim_gpu_stats.faults;

		if (shim_gpu_run_amdgpu(vm, j->ib[i].ip_type, j->ib[i].va, j->ib[i].bytes, ts) &&
		    shim_gpu_stats.faults == faults)
			break;
		if (j->q)
			j->q->faults += (uint32_t)(shim_gpu_stats.faults - faults);
	}
}

/* run every job whose end has come (all of them with @all) */
static void run_due(uint64_t now, bool all)
{
	bool ran = false;

	while (pending && (all || pending->when <= now)) {
		struct shim_timed_job *j = pending;

		pending = j->next;
		job_run(j);
		free(j);
		ran = true;
	}
	if (ran)
		shim_lock_wake();
}

void shim_timed_catch_up(void)
{
	uint64_t now;

	if (!shim_timed || !shim.model)
		return;
	now = shim_now_ns() - t0;
	vmb_model_advance(shim.model, now);
	run_due(now, false);
}

/*
 * shim_timed_settle() - the CPU time the model charged for the ioctl (the
 * kernel's work in it: pinning pages, a synchronous bind, ...) passes in
 * real time too, with the shim lock released, so that the model's clock
 * and the real one agree when the ioctl returns
 */
void shim_timed_settle(void)
{
	if (!shim_timed || !shim.model)
		return;
	for (;;) {
		uint64_t want = shim_timed_real(vmb_model_now(shim.model));

		if (want <= shim_now_ns() + SHIM_SETTLE_NS)
			break;
		shim_lock_sleep(want);
		shim_timed_catch_up();
	}
}

static void *worker_main(void *arg)
{
	(void)arg;
	shim_lock();
	for (;;) {
		shim_timed_catch_up();
		/* wake at the next job's end; binds and new jobs wake us too */
		shim_lock_sleep(pending ? shim_timed_real(pending->when)
					: shim_now_ns() + 5000000ull);
	}
	return NULL;
}

static int shim_timed_add_at(const struct shim_timed_job *job, uint64_t when, bool ufences)
{
	struct shim_timed_job *j = malloc(sizeof(*j)), **p;

	if (!j)
		return -ENOMEM;
	*j = *job;
	j->when = when;
	j->ufences_now = ufences;
	for (p = &pending; *p && (*p)->when <= j->when; p = &(*p)->next)
		;
	j->next = *p;
	*p = j;
	if (!worker_started) {
		pthread_attr_t a;

		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		worker_started = pthread_create(&worker, &a, worker_main, NULL) == 0;
		pthread_attr_destroy(&a);
	}
	shim_lock_wake();
	return 0;
}

/*
 * a job executes at its end, before anyone can see its fences signalled:
 * its timestamps read its start plus the no-ops before them, so when it
 * executes does not show; executing at the end keeps the shim's work out
 * of the way of the ioctls issued while the job runs
 */
int shim_timed_add(const struct shim_timed_job *job)
{
	return shim_timed_add_at(job, job->end, false);
}

void shim_timed_wake_at(uint64_t t)
{
	struct shim_timed_job j = {.start = t, .end = t, .wake_only = true};

	if (shim_timed && t > vmb_model_now(shim.model))
		shim_timed_add(&j);
}

void shim_timed_vm_gone(uint32_t vm)
{
	struct shim_timed_job **p = &pending, *j;

	while ((j = *p)) {
		if (j->vm != vm || j->wake_only) {
			p = &j->next;
			continue;
		}
		*p = j->next;
		job_run(j);
		free(j);
	}
}

void shim_timed_queue_gone(struct shim_queue *q)
{
	struct shim_timed_job *j;

	for (j = pending; j; j = j->next)
		if (j->q == q)
			j->q = NULL;
}

/* a forked child has no worker: the next job starts one */
static void timed_child(void)
{
	worker_started = false;
}

/* called from shim_init(): VMB_SHIM_GPU=timed or instant (the default) */
void shim_timed_init(void)
{
	const char *v = getenv("VMB_SHIM_GPU");

	t0 = shim_now_ns();
	pthread_atfork(NULL, NULL, timed_child);
	shim_timed = v && strcmp(v, "timed") == 0;
	if (v && *v && !shim_timed && strcmp(v, "instant") != 0 && !getenv("VMB_SHIM_QUIET"))
		fprintf(stderr, "vmshim: VMB_SHIM_GPU=%s unknown (instant, timed): instant\n", v);
}
