/* SPDX-License-Identifier: MIT */
/*
 * model_sync.c - the model's timeline: syncobjs (binary and timeline),
 * submits on exec queues, CPU waits and signals, and the sync semantics
 * that decide how long a submit waits (--sync).
 *
 * Fences are represented by their completion time: every job's start and
 * end are known when it is issued, because all of its dependencies were
 * issued before it (a fence that was never submitted is an error, as for
 * the kernel without WAIT_FOR_SUBMIT).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

int model_syncobj_create(struct vmb_model *m, const struct vmb_op *op)
{
	uint32_t id = op->u.syncobj.syncobj;
	struct msyncobj *s;

	if (!id)
		return -EINVAL;
	if (mtable_reserve((void ***)&m->syncobjs, &m->n_syncobjs, id))
		return -ENOMEM;
	if (m->syncobjs[id])
		return -EEXIST;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->id = id;
	s->alive = true;
	s->timeline = op->u.syncobj.timeline;
	if (op->u.syncobj.signaled) {
		s->has_fence = true;
		s->done_ns = 0;
	}
	m->syncobjs[id] = s;
	return 0;
}

int model_syncobj_destroy(struct vmb_model *m, const struct vmb_op *op)
{
	struct msyncobj *s = msyncobj_find(m, op->u.syncobj.syncobj);

	if (!s)
		return -ENOENT;
	m->syncobjs[s->id] = NULL;
	free(s->points);
	free(s);
	return 0;
}

/* completion time of a timeline point: the first point >= @point */
static int timeline_done(const struct msyncobj *s, uint64_t point, uint64_t *done)
{
	uint32_t lo = 0, hi = s->n_points;

	if (point == 0) {
		if (s->n_points) {
			*done = s->points[s->n_points - 1].done_ns;
			return 0;
		}
		if (!s->has_fence)
			return -EINVAL;
		*done = s->done_ns;
		return 0;
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->points[mid].point < point)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->n_points)
		return -EINVAL; /* not submitted yet */
	*done = s->points[lo].done_ns;
	return 0;
}

/**
 * model_syncs_ready() - when all in-fences of a call have signaled
 * @ready: receives the latest completion time (unchanged if none is later)
 *
 * Return: 0, -ENOENT for an unknown syncobj, -EINVAL for a fence that was
 * never submitted.
 */
int model_syncs_ready(struct vmb_model *m, const struct vmb_sync *s, unsigned n, uint64_t *ready)
{
	for (unsigned i = 0; i < n; i++) {
		struct msyncobj *so = msyncobj_find(m, s[i].syncobj);
		uint64_t done;

		if (!so)
			return -ENOENT;
		if (so->timeline) {
			if (timeline_done(so, s[i].point, &done))
				return -EINVAL;
		} else {
			if (!so->has_fence)
				return -EINVAL;
			done = so->done_ns;
		}
		*ready = max_u64(*ready, done);
	}
	return 0;
}

/** model_syncs_check_out() - out-syncs must exist; timeline points non-zero */
int model_syncs_check_out(struct vmb_model *m, const struct vmb_sync *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct msyncobj *so = msyncobj_find(m, s[i].syncobj);

		if (!so)
			return -ENOENT;
		if (so->timeline && !s[i].point)
			return -EINVAL;
	}
	return 0;
}

static void timeline_add(struct msyncobj *s, uint64_t point, uint64_t done)
{
	uint32_t i;

	if (s->n_points == s->cap_points) {
		uint32_t cap = s->cap_points ? s->cap_points * 2 : 8;
		struct mpoint *p = realloc(s->points, cap * sizeof(*p));

		if (!p)
			return;
		s->points = p;
		s->cap_points = cap;
	}
	/* points normally arrive in order; keep the array sorted anyway */
	for (i = s->n_points; i > 0 && s->points[i - 1].point >= point; i--)
		;
	if (i < s->n_points && s->points[i].point == point) {
		s->points[i].done_ns = max_u64(s->points[i].done_ns, done);
	} else {
		memmove(s->points + i + 1, s->points + i, (s->n_points - i) * sizeof(*s->points));
		s->points[i].point = point;
		s->points[i].done_ns = done;
		s->n_points++;
	}
	/* a chain point completes after every earlier point */
	for (uint32_t j = i ? i : 1; j < s->n_points; j++)
		if (s->points[j].done_ns < s->points[j - 1].done_ns)
			s->points[j].done_ns = s->points[j - 1].done_ns;
}

/** model_syncs_signal() - attach a fence completing at @done to out-syncs */
void model_syncs_signal(struct vmb_model *m, const struct vmb_sync *s, unsigned n, uint64_t done)
{
	for (unsigned i = 0; i < n; i++) {
		struct msyncobj *so = msyncobj_find(m, s[i].syncobj);

		if (!so)
			continue;
		if (so->timeline && s[i].point) {
			timeline_add(so, s[i].point, done);
		} else {
			so->has_fence = true;
			so->done_ns = done;
		}
	}
}

/**
 * model_submit() - a job on an exec queue
 *
 * The job starts when the ioctl has returned, its queue is free and its
 * declared in-fences have signaled; the kernel may add waits (the stall):
 * implicit sync waits for every pending bind of the VM; explicit sync waits
 * for the unmap of a BO freed without waiting. Mappings invalidated by
 * evictions or userptr notifiers are revalidated inside the ioctl first.
 */
int model_submit(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_op *op = call->op;
	struct mqueue *q = mqueue_find(m, op->u.submit.queue);
	const struct vmb_sync *in = call->syncs, *out = call->syncs + op->u.submit.n_in;
	uint64_t ready = 0, declared, start, end, gpu;
	struct mvm *vm;
	int ret;

	if (!q)
		return -ENOENT;
	if (q->engine == VMB_ENGINE_BIND)
		return -EINVAL;
	vm = q->vm;
	if (!vm->open)
		return -ENOENT;
	for (uint32_t i = 0; i < op->u.submit.n_bos; i++)
		if (!mbo_find(m, call->bos[i]))
			return -ENOENT;
	ret = model_syncs_ready(m, in, op->u.submit.n_in, &ready);
	if (ret)
		return ret;
	ret = model_syncs_check_out(m, out, op->u.submit.n_out);
	if (ret)
		return ret;

	m->now += m->cfg.params.submit_ioctl_ns;
	m->now += model_revalidate(m, vm, &ready);
	declared = max_u64(max_u64(m->now, ready), q->free_ns);
	start = declared;
	switch (m->cfg.strat.sync) {
	case VMB_SYNC_IMPLICIT:
		start = max_u64(start, vm->last_bind_done_ns);
		break;
	case VMB_SYNC_EXPLICIT:
		start = max_u64(start, vm->freed_unwaited_ns);
		vm->freed_unwaited_ns = 0;
		break;
	default:
		break;
	}
	/* the job may see page tables a bind has not finished writing */
	if (start < vm->last_bind_done_ns)
		m->c.unsynced_submits++;
	gpu = op->u.submit.gpu_ns ? op->u.submit.gpu_ns : m->cfg.params.gpu_job_ns;
	end = start + gpu;
	q->free_ns = end;
	vm->resv_ns = max_u64(vm->resv_ns, end);
	for (uint32_t i = 0; i < op->u.submit.n_bos; i++) {
		struct mbo *bo = mbo_find(m, call->bos[i]);

		bo->resv_ns = max_u64(bo->resv_ns, end);
	}
	model_syncs_signal(m, out, op->u.submit.n_out, end);
	tm->start_ns = start;
	tm->done_ns = end;
	tm->stall_ns = start - declared;
	return 0;
}

/**
 * model_wait() - CPU wait on syncobjs (all or any), relative timeout
 *
 * Return: 0, -ETIME on timeout, -ENOENT / -EINVAL as model_syncs_ready().
 */
int model_wait(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_op *op = call->op;
	uint64_t when = 0, timeout = op->u.wait.timeout_ns;
	bool first = true;

	for (unsigned i = 0; i < op->u.wait.n; i++) {
		uint64_t done = 0;
		int ret = model_syncs_ready(m, &call->syncs[i], 1, &done);

		if (ret)
			return ret;
		if (op->u.wait.all || first)
			when = op->u.wait.all ? max_u64(when, done) : done;
		else
			when = min_u64(when, done);
		first = false;
	}
	if (when > m->now && when - m->now > timeout) {
		m->now += timeout;
		tm->done_ns = m->now;
		return -ETIME;
	}
	m->now = max_u64(m->now, when);
	tm->done_ns = m->now;
	return 0;
}

/** model_signal() - CPU signal of syncobjs (timeline points need a point) */
int model_signal(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_op *op = call->op;

	for (unsigned i = 0; i < op->u.wait.n; i++) {
		struct msyncobj *so = msyncobj_find(m, call->syncs[i].syncobj);

		if (!so)
			return -ENOENT;
		if (so->timeline && !call->syncs[i].point)
			return -EINVAL;
	}
	model_syncs_signal(m, call->syncs, op->u.wait.n, m->now);
	tm->done_ns = m->now;
	return 0;
}

/**
 * vmb_model_syncobj_point() - the point a syncobj has reached by @now
 * (binary: 1 when signaled)
 */
int vmb_model_syncobj_point(const struct vmb_model *m, uint32_t id, uint64_t now, uint64_t *point)
{
	const struct msyncobj *s = id < m->n_syncobjs ? m->syncobjs[id] : NULL;

	if (!s || !s->alive)
		return -ENOENT;
	*point = 0;
	if (!s->timeline) {
		*point = s->has_fence && s->done_ns <= now;
		return 0;
	}
	for (uint32_t i = 0; i < s->n_points && s->points[i].done_ns <= now; i++)
		*point = s->points[i].point;
	return 0;
}
