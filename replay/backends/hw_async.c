// SPDX-License-Identifier: MIT
/*
 * hw_async.c - completions of the hardware backends, observed without
 * blocking issue.
 *
 * DOC: the asynchronous engine
 *
 * Every bind and submit carries one more out-fence than the trace gives it:
 * a point on a private timeline syncobj of the replayer (a "slot"). The
 * ioctl is issued and exec returns at once with the call marked pending;
 * the CPU waits only where the trace waits, for a bind under --sync=sync,
 * or when the cap on calls in flight is reached::
 *
 *   engine thread                          waiter thread
 *   -------------                          -------------
 *   slot = free slot (or wait: cap)
 *   ioctl(..., out += slot@p)
 *   slot signalled already? -> done        wait ANY(pending slots, wake)
 *   else: pending += slot, wake waiter  -> query pending: signalled ->
 *                                          done_ns = CLOCK_MONOTONIC now,
 *   reap: done slots -> be->done()   <-    move to the done list
 *
 * Slots live on the primary file, where the waiter waits; on drivers whose
 * VM is a file (amdgpu, nouveau, msm) a slot is imported into the file of
 * the op that uses it, once per file change. Each slot has at most one
 * point pending, so its timeline's "last signalled point" is exact.
 *
 * Where the device's wait blocks (a kernel), the waiter sleeps in
 * DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT and the engine wakes it with a point on
 * a wake syncobj when it adds a slot; where it does not (the instant shim),
 * it polls every HW_POLL_NS. Either way completion times are the times the
 * waiter saw the fence signalled.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "backends/hw_priv.h"
#include "replay.h"

#define HW_POLL_NS (200ull * 1000)
#define HW_POLL_SET 64u
#define HW_BLOCK_NS (1000ull * 1000 * 1000)
/* give up on calls that make no progress for this long at the end */
#define HW_STUCK_NS (10ull * 1000 * 1000 * 1000)
#define HW_CAP_MAX 16384u
#define HW_CAP_DEFAULT_MAX 4096u

enum slot_state { SLOT_FREE, SLOT_PENDING, SLOT_DONE };

/**
 * struct hw_slot - one call in flight and its private syncobj
 * @h0: the syncobj on the primary file; @hf: on file @file (-1: none)
 * @point: the point the current call signals
 * @state: enum slot_state; @pos: index in the pending list while pending
 * @op, @call, @binds, @syncs: copy of the call for its completion report
 * @tm: its timing
 */
struct hw_slot {
	uint32_t h0, hf;
	int32_t file;
	enum slot_state state;
	uint64_t point;
	uint32_t pos;
	struct vmb_op op;
	struct vmb_call call;
	struct vmb_bind_entry *binds;
	size_t cap_binds;
	struct vmb_sync *syncs;
	size_t cap_syncs;
	struct vmb_timing tm;
	uint32_t stamp_vm; /* trace VM whose batch holds the start stamp; 0: none */
};

/**
 * struct vmb_hw_async - the engine of one backend instance
 * @lock: protects slot states and the lists; @done_cv: a slot completed;
 *     @work_cv: a slot became pending or @stop was set
 * @fd0: the primary file's fd (the waiter's)
 * @blocking: the device's syncobj wait blocks (else the waiter polls)
 * @wake, @wake_point, @wake_armed: the wake syncobj (blocking mode); armed
 *     while the waiter sleeps in the kernel on @wake_point + 1
 * @slot, @cap: the slots; @n_slots created so far
 * @free, @n_free; @pending, @n_pending; @done, @n_done: slot index lists
 * @in_use: slots not free; @peak: most ever
 */
struct vmb_hw_async {
	struct vmb_hw *hw;
	pthread_t thread;
	bool started, stop;
	pthread_mutex_t lock;
	pthread_cond_t done_cv, work_cv;
	int fd0;
	bool blocking;
	uint32_t wake;
	uint64_t wake_point;
	bool wake_armed;
	struct hw_slot *slot;
	uint32_t cap, n_slots;
	uint32_t *free, n_free;
	uint32_t *pending, n_pending;
	uint32_t *done, n_done;
	uint32_t in_use, peak;
	uint64_t last_progress;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct timespec abs_ts(uint64_t ns)
{
	struct timespec ts;
	uint64_t t;

	/* condition variables run on CLOCK_MONOTONIC (see hw_async_create) */
	t = now_ns() + ns;
	ts.tv_sec = (time_t)(t / 1000000000ull);
	ts.tv_nsec = (long)(t % 1000000000ull);
	return ts;
}

/* the trace's own bound: most binds and submits between two of its waits */
static uint32_t default_cap(const struct vmb_trace *t)
{
	uint32_t run = 0, most = 1;
	struct vmb_cursor c;

	if (vmb_cursor_init(&c, t))
		return HW_CAP_DEFAULT_MAX;
	while (vmb_cursor_next(&c) > 0) {
		enum vmb_op_kind k = c.op.kind;

		if (k == VMB_OP_WAIT) {
			run = 0;
		} else if (k == VMB_OP_BIND || k == VMB_OP_SUBMIT) {
			if (++run > most)
				most = run;
		}
	}
	vmb_cursor_fini(&c);
	return most > HW_CAP_DEFAULT_MAX ? HW_CAP_DEFAULT_MAX : most;
}

/* does a wait on a fence that never comes block on this device? */
static bool wait_blocks(int fd)
{
	uint32_t h;
	uint64_t p = 1, t0;

	if (drmSyncobjCreate(fd, 0, &h))
		return false;
	t0 = now_ns();
	drmSyncobjTimelineWait(fd, &h, &p, 1, (int64_t)(t0 + 2000000),
			       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL);
	drmSyncobjDestroy(fd, h);
	return now_ns() - t0 >= 1000000;
}

/* move every pending slot whose point @got reached to the done list */
static uint32_t harvest(struct vmb_hw_async *a, const uint32_t *idx, const uint64_t *want,
			const uint64_t *got, uint32_t n, uint64_t t)
{
	uint32_t i, k, found = 0;

	for (i = 0; i < n; i++) {
		struct hw_slot *s = &a->slot[idx[i]];

		if (s->state != SLOT_PENDING || s->point != want[i] || got[i] < want[i])
			continue;
		s->state = SLOT_DONE;
		s->tm.done_ns = t;
		k = a->pending[--a->n_pending];
		a->pending[s->pos] = k;
		a->slot[k].pos = s->pos;
		a->done[a->n_done++] = idx[i];
		found++;
	}
	if (found) {
		a->last_progress = t;
		pthread_cond_broadcast(&a->done_cv);
	}
	return found;
}

static void *waiter(void *arg)
{
	struct vmb_hw_async *a = arg;
	uint32_t *idx = calloc(a->cap + 1, sizeof(*idx));
	uint32_t *h = calloc(a->cap + 1, sizeof(*h));
	uint64_t *want = calloc(a->cap + 1, sizeof(*want));
	uint64_t *got = calloc(a->cap + 1, sizeof(*got));
	uint32_t n, i;

	pthread_mutex_lock(&a->lock);
	while (!a->stop) {
		uint64_t t0, t, timeout;
		uint32_t m;

		if (!a->n_pending || !idx || !h || !want || !got) {
			struct timespec ts = abs_ts(HW_BLOCK_NS);

			pthread_cond_timedwait(&a->work_cv, &a->lock, &ts);
			continue;
		}
		n = a->n_pending;
		for (i = 0; i < n; i++) {
			idx[i] = a->pending[i];
			h[i] = a->slot[idx[i]].h0;
			want[i] = a->slot[idx[i]].point;
		}
		/* polling: wait for a few, query them all (waits cost O(n) on the shim) */
		m = a->blocking || n < HW_POLL_SET ? n : HW_POLL_SET;
		if (a->blocking) {
			h[m] = a->wake;
			want[m++] = a->wake_point + 1;
			a->wake_armed = true;
		}
		pthread_mutex_unlock(&a->lock);

		/*
		 * Blocking: sleep until any slot (or the wake point) signals.
		 * Polling: a device whose waits return at once (the shim) is
		 * asked for all of them, which also lets a simulated GPU
		 * catch up with everything pending.
		 */
		timeout = a->blocking ? HW_BLOCK_NS : HW_POLL_NS;
		t0 = now_ns();
		drmSyncobjTimelineWait(a->fd0, h, want, m, (int64_t)(t0 + timeout),
				       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT |
					   (a->blocking ? 0 : DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL),
				       NULL);
		t = now_ns();
		if (drmSyncobjQuery(a->fd0, h, got, n))
			memset(got, 0, n * sizeof(*got));

		pthread_mutex_lock(&a->lock);
		a->wake_armed = false;
		if (!harvest(a, idx, want, got, n, t) && !a->blocking && t - t0 < timeout / 2 &&
		    !a->stop) {
			/* the wait did not block: poll */
			struct timespec ts = abs_ts(HW_POLL_NS);

			pthread_cond_timedwait(&a->work_cv, &a->lock, &ts);
		}
	}
	pthread_mutex_unlock(&a->lock);
	free(idx);
	free(h);
	free(want);
	free(got);
	return NULL;
}

/**
 * vmb_hw_async_create() - set up the engine of @hw (after the primary file
 * is open)
 * @cap: --max-in-flight, 0 for the trace's default
 *
 * Return: 0 or -errno.
 */
int vmb_hw_async_create(struct vmb_hw *hw, uint32_t cap)
{
	struct vmb_hw_async *a;
	pthread_condattr_t ca;
	int ret;

	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->hw = hw;
	a->fd0 = hw->files[0].fd;
	a->cap = cap ? cap : default_cap(hw->trace);
	if (a->cap > HW_CAP_MAX)
		a->cap = HW_CAP_MAX;
	a->slot = calloc(a->cap, sizeof(*a->slot));
	a->free = calloc(a->cap, sizeof(uint32_t));
	a->pending = calloc(a->cap, sizeof(uint32_t));
	a->done = calloc(a->cap, sizeof(uint32_t));
	if (!a->slot || !a->free || !a->pending || !a->done) {
		ret = -ENOMEM;
		goto err;
	}
	pthread_mutex_init(&a->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->done_cv, &ca);
	pthread_cond_init(&a->work_cv, &ca);
	pthread_condattr_destroy(&ca);
	a->blocking = wait_blocks(a->fd0);
	if (a->blocking && drmSyncobjCreate(a->fd0, 0, &a->wake))
		a->blocking = false;
	ret = -pthread_create(&a->thread, NULL, waiter, a);
	if (ret) {
		if (a->wake)
			drmSyncobjDestroy(a->fd0, a->wake);
		pthread_cond_destroy(&a->done_cv);
		pthread_cond_destroy(&a->work_cv);
		pthread_mutex_destroy(&a->lock);
		goto err;
	}
	a->started = true;
	hw->async = a;
	return 0;
err:
	free(a->slot);
	free(a->free);
	free(a->pending);
	free(a->done);
	free(a);
	return ret;
}

/* report the done slots through be->done and free them (engine thread) */
/*
 * when the CPU saw syncobj @id reach @point: the earliest signal seen of a
 * point at or past it (a binary syncobj, point 0: its latest signal); 0 if
 * none is known
 */
static uint64_t sig_time(const struct vmb_hw *hw, uint32_t id, uint64_t point)
{
	uint64_t t = 0;

	if (id > hw->trace->max_id[VMB_CLASS_SYNCOBJ])
		return 0;
	for (uint32_t k = 0; k < VMB_HW_SIGS; k++) {
		const uint64_t *e = hw->sig[id][k];

		if (!point && e[1] > t) /* binary: its latest signal */
			t = e[1];
		else if (point && e[1] && e[0] >= point && (!t || e[1] < t))
			t = e[1];
	}
	return t;
}

/*
 * completion_times() - a completed call's GPU start and submit stall:
 * stall = GPU start - max(signal times seen of its in-fences, end of the
 * previous job on its queue), clamped at 0 (the CPU sees fences a little
 * after they signal). Records the signal times of its out-fences.
 */
static void completion_times(struct vmb_hw *hw, struct hw_slot *s, uint32_t idx)
{
	const struct vmb_op *op = s->call.op;
	const struct vmb_sync *sy = s->call.syncs;
	uint32_t n_in = 0, n_out = 0, i, q = 0;
	uint64_t ready = 0;

	if (!op || (op->kind != VMB_OP_SUBMIT && op->kind != VMB_OP_BIND))
		return;
	if (op->kind == VMB_OP_SUBMIT) {
		n_in = op->u.submit.n_in;
		n_out = op->u.submit.n_out;
		q = op->u.submit.queue;
	} else {
		n_in = op->u.bind.n_in;
		n_out = op->u.bind.n_out;
	}
	if (s->stamp_vm && q && hw->clk.ok) {
		uint64_t c = hw->drv->stamp_read(hw, s->stamp_vm, idx, false);
		uint64_t ce = hw->drv->stamp_read(hw, s->stamp_vm, idx, true);

		if (c) {
			uint64_t start = vmb_hw_clock_ns(hw, c);

			/* the job's end on the GPU clock, not when the CPU saw it */
			if (ce && vmb_hw_clock_ns(hw, ce) >= start)
				s->tm.done_ns = vmb_hw_clock_ns(hw, ce);

			for (i = 0; i < n_in && sy; i++) {
				uint64_t t = sig_time(hw, sy[i].syncobj, sy[i].point);

				ready = t > ready ? t : ready;
			}
			if (hw->queue_end[q] > ready)
				ready = hw->queue_end[q];
			if (ready < s->tm.issue_ns)
				ready = s->tm.issue_ns;
			s->tm.start_ns = start;
			s->tm.stall_ns = start > ready ? start - ready : 0;
			s->tm.stall_unknown = false;
		}
	}
	s->stamp_vm = 0;
	if (q)
		hw->queue_end[q] = s->tm.done_ns;
	for (i = 0; i < n_out && sy; i++) {
		uint32_t id = sy[n_in + i].syncobj;

		if (id <= hw->trace->max_id[VMB_CLASS_SYNCOBJ]) {
			uint8_t k = hw->sig_next[id]++ % VMB_HW_SIGS;

			hw->sig[id][k][0] = sy[n_in + i].point;
			hw->sig[id][k][1] = s->tm.done_ns;
		}
	}
}

static void reap_done(struct vmb_hw_async *a)
{
	struct vmb_backend *be = a->hw->be;
	uint32_t i, n;
	uint32_t *list;

	pthread_mutex_lock(&a->lock);
	n = a->n_done;
	if (!n) {
		pthread_mutex_unlock(&a->lock);
		return;
	}
	list = malloc(n * sizeof(*list));
	if (list)
		memcpy(list, a->done, n * sizeof(*list));
	a->n_done = 0;
	pthread_mutex_unlock(&a->lock);
	if (!list) {
		/* cannot report them: at least free the slots */
		pthread_mutex_lock(&a->lock);
		a->n_done = n;
		for (i = 0; i < a->n_done; i++) {
			a->slot[a->done[i]].state = SLOT_FREE;
			a->free[a->n_free++] = a->done[i];
			a->in_use--;
		}
		a->n_done = 0;
		pthread_mutex_unlock(&a->lock);
		return;
	}
	/* in issue order: in-fences and earlier jobs of a queue come first */
	for (i = 1; i < n; i++)
		for (uint32_t k = i;
		     k && a->slot[list[k - 1]].tm.issue_ns > a->slot[list[k]].tm.issue_ns; k--) {
			uint32_t x = list[k];

			list[k] = list[k - 1];
			list[k - 1] = x;
		}
	for (i = 0; i < n; i++) {
		struct hw_slot *s = &a->slot[list[i]];

		completion_times(a->hw, s, list[i]);
		if (be && be->done)
			be->done(be->done_ctx, &s->call, &s->tm);
	}
	pthread_mutex_lock(&a->lock);
	for (i = 0; i < n; i++) {
		a->slot[list[i]].state = SLOT_FREE;
		a->free[a->n_free++] = list[i];
		a->in_use--;
	}
	pthread_cond_broadcast(&a->done_cv);
	pthread_mutex_unlock(&a->lock);
	free(list);
}

/* the slot's syncobj on file @fidx (imported once per file change) */
static int slot_handle(struct vmb_hw_async *a, struct hw_slot *s, uint32_t fidx)
{
	struct vmb_hw *hw = a->hw;
	int fd, ret = 0;

	if (!s->h0) {
		if (drmSyncobjCreate(a->fd0, 0, &s->h0))
			return -errno;
		s->point = 0;
		s->file = 0;
		s->hf = s->h0;
	}
	if (s->file == (int32_t)fidx)
		return 0;
	if (s->file > 0 && hw->files[s->file].fd >= 0)
		drmSyncobjDestroy(hw->files[s->file].fd, s->hf);
	s->file = -1;
	s->hf = 0;
	if (fidx == 0) {
		s->file = 0;
		s->hf = s->h0;
		return 0;
	}
	if (drmSyncobjHandleToFD(a->fd0, s->h0, &fd))
		return -errno;
	if (drmSyncobjFDToHandle(hw->files[fidx].fd, fd, &s->hf))
		ret = -errno;
	else
		s->file = (int32_t)fidx;
	close(fd);
	return ret;
}

/**
 * vmb_hw_async_get() - a slot for a call on file @f, as the out-fence
 * @sync to add to the ioctl; waits while @cap calls are in flight
 * @call: the call (copied for its completion report)
 * Return: the slot index (>= 0) or -errno.
 */
int vmb_hw_async_get(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_call *call,
		     struct vmb_hw_sync *sync)
{
	struct vmb_hw_async *a = hw->async;
	const struct vmb_op *op = call->op;
	uint32_t nb = 0, ns = 0, i;
	struct hw_slot *s;
	int ret;

	for (;;) {
		reap_done(a);
		pthread_mutex_lock(&a->lock);
		if (a->in_use < a->cap)
			break;
		if (!a->n_done) {
			struct timespec ts = abs_ts(50 * 1000 * 1000);

			/* a stop request (SIGINT) ends the wait for room */
			if (vmb_replay_stop) {
				pthread_mutex_unlock(&a->lock);
				return -EINTR;
			}
			if (now_ns() - a->last_progress > HW_STUCK_NS && a->last_progress) {
				pthread_mutex_unlock(&a->lock);
				return -ETIME;
			}
			pthread_cond_timedwait(&a->done_cv, &a->lock, &ts);
		}
		pthread_mutex_unlock(&a->lock);
	}
	if (a->n_free) {
		i = a->free[--a->n_free];
	} else {
		i = a->n_slots++;
	}
	a->in_use++;
	if (a->in_use > a->peak)
		a->peak = a->in_use;
	if (!a->last_progress)
		a->last_progress = now_ns();
	pthread_mutex_unlock(&a->lock);

	s = &a->slot[i];
	memset(&s->tm, 0, sizeof(s->tm));
	ret = slot_handle(a, s, (uint32_t)(f - hw->files));
	if (op->kind == VMB_OP_BIND) {
		nb = op->u.bind.n_binds;
		ns = op->u.bind.n_in + op->u.bind.n_out;
	} else if (op->kind == VMB_OP_SUBMIT) {
		ns = op->u.submit.n_in + op->u.submit.n_out;
	}
	if (!ret && nb > s->cap_binds) {
		void *p = realloc(s->binds, nb * sizeof(*s->binds));

		if (p) {
			s->binds = p;
			s->cap_binds = nb;
		} else {
			ret = -ENOMEM;
		}
	}
	if (!ret && ns > s->cap_syncs) {
		void *p = realloc(s->syncs, ns * sizeof(*s->syncs));

		if (p) {
			s->syncs = p;
			s->cap_syncs = ns;
		} else {
			ret = -ENOMEM;
		}
	}
	if (ret) {
		vmb_hw_async_put(hw, (int)i, NULL);
		return ret;
	}
	s->op = *op;
	s->call = *call;
	s->call.op = &s->op;
	s->call.bos = NULL;
	if (nb)
		memcpy(s->binds, call->binds, nb * sizeof(*s->binds));
	if (ns)
		memcpy(s->syncs, call->syncs, ns * sizeof(*s->syncs));
	s->call.binds = nb ? s->binds : NULL;
	s->call.syncs = ns ? s->syncs : NULL;
	sync->handle = s->hf;
	sync->point = ++s->point;
	sync->pad = 0;
	return (int)i;
}

/**
 * vmb_hw_async_put() - the ioctl of slot @i failed (@tm NULL) or was
 * issued (@tm its issue and return times): the slot is released, or its
 * call pending; @tm->pending tells the engine which
 */
void vmb_hw_async_put(struct vmb_hw *hw, int i, struct vmb_timing *tm)
{
	struct vmb_hw_async *a = hw->async;
	struct hw_slot *s = &a->slot[i];
	uint64_t got = 0, t;

	if (!tm) {
		pthread_mutex_lock(&a->lock);
		s->state = SLOT_FREE;
		a->free[a->n_free++] = (uint32_t)i;
		a->in_use--;
		pthread_mutex_unlock(&a->lock);
		return;
	}
	s->tm = *tm;
	s->tm.pending = false;
	tm->pending = true;
	/* signalled by the time the ioctl returned (sync binds, CPU-signalled) */
	t = now_ns();
	if (!drmSyncobjQuery(a->fd0, &s->h0, &got, 1) && got >= s->point) {
		pthread_mutex_lock(&a->lock);
		s->state = SLOT_DONE;
		s->tm.done_ns = t;
		a->done[a->n_done++] = (uint32_t)i;
		a->last_progress = t;
		pthread_mutex_unlock(&a->lock);
		return;
	}
	pthread_mutex_lock(&a->lock);
	s->state = SLOT_PENDING;
	s->pos = a->n_pending;
	a->pending[a->n_pending++] = (uint32_t)i;
	if (a->wake_armed) {
		uint64_t p = ++a->wake_point;

		a->wake_armed = false;
		drmSyncobjTimelineSignal(a->fd0, &a->wake, &p, 1);
	}
	pthread_cond_signal(&a->work_cv);
	pthread_mutex_unlock(&a->lock);
}

void vmb_hw_async_stamped(struct vmb_hw *hw, int i, uint32_t vm)
{
	hw->async->slot[i].stamp_vm = vm;
}

/**
 * vmb_hw_async_wait() - wait until slot @i's call completed (sync binds)
 */
void vmb_hw_async_wait(struct vmb_hw *hw, int i)
{
	struct vmb_hw_async *a = hw->async;
	uint64_t t0 = now_ns();

	pthread_mutex_lock(&a->lock);
	while (a->slot[i].state == SLOT_PENDING && now_ns() - t0 < HW_STUCK_NS) {
		struct timespec ts = abs_ts(50 * 1000 * 1000);

		pthread_cond_timedwait(&a->done_cv, &a->lock, &ts);
	}
	pthread_mutex_unlock(&a->lock);
}

/**
 * vmb_hw_async_reap() - report completed calls; with @all, wait for every
 * call in flight first (giving up after HW_STUCK_NS without progress or
 * on a stop request, with a message)
 */
void vmb_hw_async_reap(struct vmb_hw *hw, bool all)
{
	struct vmb_hw_async *a = hw->async;
	uint32_t left;

	if (!a)
		return;
	reap_done(a);
	if (!all)
		return;
	pthread_mutex_lock(&a->lock);
	/* a lost device answers nothing more (ENODEV): what is pending stays so */
	while (a->n_pending && !vmb_replay_stop && !hw->lost &&
	       now_ns() - (a->last_progress ? a->last_progress : now_ns()) < HW_STUCK_NS) {
		struct timespec ts = abs_ts(50 * 1000 * 1000);

		pthread_cond_timedwait(&a->done_cv, &a->lock, &ts);
	}
	left = a->n_pending;
	pthread_mutex_unlock(&a->lock);
	reap_done(a);
	if (left && !vmb_replay_stop && !hw->lost)
		fprintf(stderr,
			"%s: %u calls did not complete within %llu s of the last completion; "
			"their latencies are not recorded\n",
			hw->drv->name, left, HW_STUCK_NS / 1000000000ull);
}

/* a file is closing: slots imported into it lose that handle */
void vmb_hw_async_file_closed(struct vmb_hw *hw, size_t fidx)
{
	struct vmb_hw_async *a = hw->async;
	uint32_t i;

	if (!a || fidx == 0)
		return;
	for (i = 0; i < a->n_slots; i++)
		if (a->slot[i].file == (int32_t)fidx) {
			a->slot[i].file = -1;
			a->slot[i].hf = 0;
		}
}

/**
 * vmb_hw_async_destroy() - stop the waiter and destroy every slot (calls
 * still in flight are dropped; the kernel finishes or cancels them)
 */
void vmb_hw_async_destroy(struct vmb_hw *hw)
{
	struct vmb_hw_async *a = hw->async;
	uint32_t i;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	if (a->blocking) {
		uint64_t p = ++a->wake_point;

		drmSyncobjTimelineSignal(a->fd0, &a->wake, &p, 1);
	}
	pthread_cond_broadcast(&a->work_cv);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	for (i = 0; i < a->n_slots; i++) {
		struct hw_slot *s = &a->slot[i];

		if (s->file > 0 && hw->files[s->file].fd >= 0)
			drmSyncobjDestroy(hw->files[s->file].fd, s->hf);
		if (s->h0)
			drmSyncobjDestroy(a->fd0, s->h0);
		free(s->binds);
		free(s->syncs);
	}
	if (a->wake)
		drmSyncobjDestroy(a->fd0, a->wake);
	pthread_cond_destroy(&a->done_cv);
	pthread_cond_destroy(&a->work_cv);
	pthread_mutex_destroy(&a->lock);
	free(a->slot);
	free(a->free);
	free(a->pending);
	free(a->done);
	free(a);
	hw->async = NULL;
}

void vmb_hw_reap(struct vmb_backend *be, bool all)
{
	if (be->priv)
		vmb_hw_async_reap(be->priv, all);
}

void vmb_hw_in_flight(struct vmb_backend *be, uint32_t *cap, uint32_t *peak)
{
	struct vmb_hw *hw = be->priv;

	*cap = hw && hw->async ? hw->async->cap : 0;
	*peak = hw && hw->async ? hw->async->peak : 0;
}
