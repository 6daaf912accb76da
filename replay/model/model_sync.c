/* SPDX-License-Identifier: MIT */
/*
 * model_sync.c - the model's timeline: syncobjs (binary and timeline),
 * submits on exec queues, CPU waits and signals, the sync semantics that
 * decide how long a submit waits (--sync), and the structural ordering
 * behind sync.unsafe_submits.
 *
 * A submit's job waits, beyond its declared in-fences and its queue, for:
 *   implicit  the VM's pending page-table updates (amdgpu_cs_vm_handling:
 *             vm->last_update and the bo_va updates of the BOs it lists)
 *   explicit  once, the unmap of memory userspace freed without waiting
 *             (seed 002 rule 2)
 *   async     binds installed at KERNEL usage (xe_exec.c "wait behind
 *   sync      rebinds", rules->exec_waits_kernel_binds, non-LR VMs)
 * and under every mode for evicted BOs' moves and their rebinds, and for
 * userptr revalidation (model_userptr.c): the kernel's own work.
 *
 * Unsafe submits are counted structurally: every bind job carries a
 * sequence number on its queue, every fence the set of jobs it is ordered
 * after ("knowledge"), and a submit is unsafe when a mapping of a BO it
 * lists was last written by a bind job that neither its in-fences, its
 * queue, the CPU's completed waits nor the kernel's own waits order before
 * it. No cost parameter enters the count.
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

struct mknow_ent {
	uint32_t key, seq;
};

struct mknow {
	uint32_t refs, n;
	struct mknow_ent e[];
};

struct mknow *mknow_get(struct mknow *k)
{
	if (k)
		k->refs++;
	return k;
}

void mknow_put(struct mknow *k)
{
	if (k && !--k->refs)
		free(k);
}

static struct mknow *mknow_alloc(uint32_t n)
{
	struct mknow *k = malloc(sizeof(*k) + n * sizeof(k->e[0]));

	if (k) {
		k->refs = 1;
		k->n = 0;
	}
	return k;
}

/* does @a know at least everything @b knows? */
static bool mknow_contains(const struct mknow *a, const struct mknow *b)
{
	uint32_t i = 0;

	for (uint32_t j = 0; j < b->n; j++) {
		while (i < a->n && a->e[i].key < b->e[j].key)
			i++;
		if (i == a->n || a->e[i].key != b->e[j].key || a->e[i].seq < b->e[j].seq)
			return false;
	}
	return true;
}

/** mknow_union() - the jobs either @a or @b is ordered after (a new reference) */
struct mknow *mknow_union(struct mknow *a, struct mknow *b)
{
	struct mknow *k;
	uint32_t i = 0, j = 0;

	if (!a || a == b)
		return mknow_get(b);
	if (!b)
		return mknow_get(a);
	/* the usual case on a busy queue: one side already knows all of the other */
	if (mknow_contains(a, b))
		return mknow_get(a);
	if (mknow_contains(b, a))
		return mknow_get(b);
	k = mknow_alloc(a->n + b->n);
	if (!k)
		return mknow_get(a);
	while (i < a->n || j < b->n) {
		if (j == b->n || (i < a->n && a->e[i].key < b->e[j].key)) {
			k->e[k->n++] = a->e[i++];
		} else if (i == a->n || b->e[j].key < a->e[i].key) {
			k->e[k->n++] = b->e[j++];
		} else {
			k->e[k->n] = a->e[i];
			k->e[k->n++].seq = a->e[i].seq > b->e[j].seq ? a->e[i].seq : b->e[j].seq;
			i++;
			j++;
		}
	}
	return k;
}

/** mknow_with() - @a plus job @seq of queue @key; consumes @a's reference */
struct mknow *mknow_with(struct mknow *a, uint32_t key, uint32_t seq)
{
	struct mknow *single = mknow_alloc(1), *k;

	if (!single)
		return a;
	single->e[0].key = key;
	single->e[0].seq = seq;
	single->n = 1;
	k = mknow_union(a, single);
	mknow_put(single);
	mknow_put(a);
	return k;
}

/** mknow_covers() - is job @seq of queue @key ordered before? (@seq 0: always) */
bool mknow_covers(const struct mknow *k, uint32_t key, uint32_t seq)
{
	uint32_t lo = 0, hi;

	if (!seq)
		return true;
	if (!k)
		return false;
	hi = k->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (k->e[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->n && k->e[lo].key == key && k->e[lo].seq >= seq;
}

/**
 * mwaits_apply() - start a bind or job no earlier than @declared and after
 * every kernel-added wait in @w; the stall is charged to the cause whose
 * fence signals last
 * @start: receives the start time
 *
 * Return: the stall (start - declared).
 */
uint64_t mwaits_apply(struct vmb_model *m, const struct mwaits *w, uint64_t declared,
		      uint64_t *start)
{
	unsigned cause = 0;

	for (unsigned c = 1; c < VMB_STALL_COUNT; c++)
		if (w->t[c] > w->t[cause])
			cause = c;
	*start = max_u64(declared, w->t[cause]);
	m->c.stall_by_cause[cause] += *start - declared;
	return *start - declared;
}

/** msyncobj_free() - free a syncobj and the knowledge of its fences */
void msyncobj_free(struct msyncobj *s)
{
	mknow_put(s->know);
	for (uint32_t i = 0; i < s->n_points; i++)
		mknow_put(s->points[i].know);
	free(s->points);
	free(s);
}

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
	msyncobj_free(s);
	return 0;
}

/*
 * completion time and knowledge of a timeline point: the first point >=
 * @point (point 0: the latest)
 */
static int timeline_done(const struct msyncobj *s, uint64_t point, uint64_t *done,
			 struct mknow **know)
{
	uint32_t lo = 0, hi = s->n_points;

	if (point == 0) {
		if (s->n_points) {
			*done = s->points[s->n_points - 1].done_ns;
			*know = s->points[s->n_points - 1].know;
			return 0;
		}
		if (!s->has_fence)
			return -EINVAL;
		*done = s->done_ns;
		*know = s->know;
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
	*know = s->points[lo].know;
	return 0;
}

/* the fence a sync names: completion time and knowledge */
static int sync_fence(struct vmb_model *m, const struct vmb_sync *s, uint64_t *done,
		      struct mknow **know)
{
	struct msyncobj *so = msyncobj_find(m, s->syncobj);

	if (!so)
		return -ENOENT;
	if (so->timeline)
		return timeline_done(so, s->point, done, know) ? -EINVAL : 0;
	if (!so->has_fence)
		return -EINVAL;
	*done = so->done_ns;
	*know = so->know;
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
		struct mknow *know;
		uint64_t done;
		int ret = sync_fence(m, &s[i], &done, &know);

		if (ret)
			return ret;
		*ready = max_u64(*ready, done);
	}
	return 0;
}

/**
 * model_syncs_know() - @base plus what the fences of @s are ordered after;
 * consumes @base's reference and returns a new one (syncs already checked)
 */
struct mknow *model_syncs_know(struct vmb_model *m, const struct vmb_sync *s, unsigned n,
			       struct mknow *base)
{
	for (unsigned i = 0; i < n; i++) {
		struct mknow *know = NULL, *k;
		uint64_t done;

		if (sync_fence(m, &s[i], &done, &know) || !know)
			continue;
		k = mknow_union(base, know);
		mknow_put(base);
		base = k;
	}
	return base;
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

static void timeline_add(struct msyncobj *s, uint64_t point, uint64_t done, struct mknow *know)
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
		struct mknow *k = mknow_union(s->points[i].know, know);

		s->points[i].done_ns = max_u64(s->points[i].done_ns, done);
		mknow_put(s->points[i].know);
		s->points[i].know = k;
	} else {
		memmove(s->points + i + 1, s->points + i, (s->n_points - i) * sizeof(*s->points));
		s->points[i].point = point;
		s->points[i].done_ns = done;
		/*
		 * a chain point signals after the earlier ones: it knows theirs;
		 * the first chains onto the fence the syncobj held (created
		 * signaled, or put there by a transfer or an import)
		 */
		if (i) {
			s->points[i].know = mknow_union(s->points[i - 1].know, know);
		} else if (s->has_fence) {
			s->points[i].know = mknow_union(s->know, know);
			s->points[i].done_ns = max_u64(done, s->done_ns);
		} else {
			s->points[i].know = mknow_get(know);
		}
		s->n_points++;
	}
	/* a chain point completes after every earlier point */
	for (uint32_t j = i ? i : 1; j < s->n_points; j++)
		if (s->points[j].done_ns < s->points[j - 1].done_ns)
			s->points[j].done_ns = s->points[j - 1].done_ns;
}

/**
 * model_syncs_signal() - attach a fence completing at @done, ordered after
 * @know, to out-syncs
 */
void model_syncs_signal(struct vmb_model *m, const struct vmb_sync *s, unsigned n, uint64_t done,
			struct mknow *know)
{
	for (unsigned i = 0; i < n; i++) {
		struct msyncobj *so = msyncobj_find(m, s[i].syncobj);

		if (!so)
			continue;
		if (so->timeline && s[i].point) {
			timeline_add(so, s[i].point, done, know);
		} else {
			so->has_fence = true;
			so->done_ns = done;
			mknow_put(so->know);
			so->know = mknow_get(know);
		}
	}
}

/* is some mapping of a listed BO written by a bind job nothing orders first? */
static bool submit_unsafe(struct vmb_model *m, struct mvm *vm, const uint32_t *bos, uint32_t n,
			  const struct mknow *know)
{
	for (uint32_t i = 0; i < n; i++) {
		struct mbo *bo = mbo_find(m, bos[i]);

		for (struct mvmbo *vb = bo ? bo->vmbos : NULL; vb; vb = vb->bo_next) {
			if (vb->vm != vm)
				continue;
			for (struct mva *mv = vb->vas; mv; mv = mv->vmbo_next)
				if (!mknow_covers(know, mv->bind_key, mv->bind_seq))
					return true;
		}
	}
	return false;
}

/* the waits --sync adds to a job, beyond the kernel's own work */
static void submit_sync_waits(struct vmb_model *m, struct mvm *vm, const uint32_t *bos, uint32_t n,
			      struct mwaits *w)
{
	switch (m->cfg.strat.sync) {
	case VMB_SYNC_IMPLICIT:
		if (!m->rules->submit_waits_listed) {
			mwaits_add(w, VMB_STALL_IMPLICIT, vm->last_bind_done_ns);
			break;
		}
		mwaits_add(w, VMB_STALL_IMPLICIT, vm->last_update_ns);
		for (uint32_t i = 0; i < n; i++) {
			struct mbo *bo = mbo_find(m, bos[i]);

			for (struct mvmbo *vb = bo ? bo->vmbos : NULL; vb; vb = vb->bo_next)
				if (vb->vm == vm)
					mwaits_add(w, VMB_STALL_IMPLICIT, vb->last_update_ns);
		}
		break;
	case VMB_SYNC_EXPLICIT:
		mwaits_add(w, VMB_STALL_EXPLICIT_FREE, vm->forced_wait_ns);
		vm->forced_wait_ns = 0;
		break;
	case VMB_SYNC_ASYNC:
	case VMB_SYNC_SYNC:
	default:
		if (m->rules->exec_waits_kernel_binds && !mvm_is_lr(vm))
			mwaits_add(w, VMB_STALL_VM_BOOKKEEP, vm->kernel_fence_ns);
		break;
	}
}

/* what the job is ordered after: declared fences, its queue, the CPU, the kernel */
static struct mknow *submit_know(struct vmb_model *m, struct mqueue *q, const struct vmb_sync *in,
				 unsigned n_in)
{
	struct mknow *know = model_syncs_know(m, in, n_in, mknow_union(m->cpu_know, q->know));
	struct mvm *vm = q->vm;

	if (m->cfg.strat.sync != VMB_SYNC_IMPLICIT && m->rules->exec_waits_kernel_binds &&
	    !mvm_is_lr(vm) && vm->kernel_know) {
		struct mknow *k = mknow_union(know, vm->kernel_know);

		mknow_put(know);
		know = k;
	}
	return know;
}

/**
 * model_submit() - a job on an exec queue
 *
 * In the ioctl the kernel maps the BOs of a legacy (implicit_va) VM, looks
 * up what needs validating (--bo-lookup), rebinds evicted mappings and
 * revalidates userptrs. The job starts when its declared in-fences have
 * signaled and its queue is free, plus the waits the kernel adds (the
 * stall: its own rebinds and revalidations, and what --sync adds). amdgpu
 * flushes the TLB in the ring before the job when its VM's page tables
 * changed (model_tlb.c); on fault-mode VMs zapped userptr pages fault back
 * in when the job touches them.
 */
int model_submit(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_op *op = call->op;
	const struct vmb_model_params *p = &m->cfg.params;
	struct mqueue *q = mqueue_find(m, op->u.submit.queue);
	const struct vmb_sync *in = call->syncs, *out = VMB_POOL_AT(call->syncs, op->u.submit.n_in);
	const uint32_t *bos = call->bos;
	uint32_t n_bos = op->u.submit.n_bos;
	uint64_t ready = 0, base, declared, start, end, gpu, fault_ns = 0, stall;
	struct mwaits w = {0};
	struct mknow *know;
	struct mvm *vm;
	int ret;

	if (!q)
		return -ENOENT;
	if (q->engine == VMB_ENGINE_BIND)
		return -EINVAL;
	vm = q->vm;
	if (!vm->open)
		return -ENOENT;
	for (uint32_t i = 0; i < n_bos; i++)
		if (!mbo_find(m, bos[i]))
			return -ENOENT;
	ret = model_syncs_ready(m, in, op->u.submit.n_in, &ready);
	if (ret)
		return ret;
	ret = model_syncs_check_out(m, out, op->u.submit.n_out);
	if (ret)
		return ret;

	m->now += p->submit_ioctl_ns;
	if (vm->flags & VMB_VM_F_IMPLICIT_VA)
		for (uint32_t i = 0; i < n_bos; i++)
			m->now += model_implicit_map(m, vm, mbo_find(m, bos[i]), 0);
	m->now += model_lookup_validate(m, vm, bos, n_bos);
	base = m->now;
	model_revalidate(m, vm, &w, &fault_ns);
	for (uint32_t i = 0; i < n_bos && m->rules->userptr_fault_per_submit; i++) {
		struct mbo *bo = mbo_find(m, bos[i]);

		if ((bo->flags & VMB_BO_F_USERPTR_BACKED) &&
		    m->cfg.strat.userptr == VMB_USERPTR_HMM) {
			m->c.userptr_fault_pages += bo->size >> 12;
			m->now += (bo->size >> 12) * p->fault_page_ns;
			mwaits_add(&w, VMB_STALL_USERPTR, m->now);
		}
	}
	declared = max_u64(max_u64(base, ready), q->free_ns);
	submit_sync_waits(m, vm, bos, n_bos, &w);
	/* the kernel's own work in the ioctl is in @w with its end time */
	stall = mwaits_apply(m, &w, declared, &start);
	/* zapped userptr pages of a fault-mode VM fault back in on first use */
	start += fault_ns;
	stall += fault_ns;
	m->c.stall_by_cause[VMB_STALL_USERPTR] += fault_ns;

	/* the job may see page tables a bind has not finished writing */
	if (start < vm->last_bind_done_ns)
		m->c.unsynced_submits++;
	know = submit_know(m, q, in, op->u.submit.n_in);
	if (m->cfg.strat.sync != VMB_SYNC_IMPLICIT && submit_unsafe(m, vm, bos, n_bos, know))
		m->c.unsafe_submits++;

	gpu = op->u.submit.gpu_ns ? op->u.submit.gpu_ns : p->gpu_job_ns;
	end = start + model_tlb_submit(m, vm, q) + gpu;
	q->free_ns = end;
	mknow_put(q->know);
	q->know = mknow_get(know);
	vm->resv_ns = max_u64(vm->resv_ns, end);
	for (uint32_t i = 0; i < n_bos; i++) {
		struct mbo *bo = mbo_find(m, bos[i]);

		bo->resv_ns = max_u64(bo->resv_ns, end);
		if (vm->flags & VMB_VM_F_IMPLICIT_VA)
			model_implicit_map(m, vm, bo, end);
	}
	model_syncs_signal(m, out, op->u.submit.n_out, end, know);
	mknow_put(know);
	tm->start_ns = start;
	tm->done_ns = end;
	tm->stall_ns = stall;
	return 0;
}

/**
 * model_wait() - CPU wait on syncobjs (all or any), relative timeout. A
 * wait that succeeds orders everything the CPU does next after the fences
 * it waited for.
 *
 * Return: 0, -ETIME on timeout, -ENOENT / -EINVAL as model_syncs_ready().
 */
int model_wait(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_op *op = call->op;
	uint64_t when = 0, timeout = op->u.wait.timeout_ns;
	struct mknow *first_know = NULL, *k;
	bool first = true;

	for (unsigned i = 0; i < op->u.wait.n; i++) {
		struct mknow *know = NULL;
		uint64_t done = 0;
		int ret = sync_fence(m, &call->syncs[i], &done, &know);

		if (ret)
			return ret;
		if (op->u.wait.all) {
			when = max_u64(when, done);
		} else if (first || done < when) {
			when = done;
			first_know = know;
		}
		first = false;
	}
	if (when > m->now && when - m->now > timeout) {
		m->now += timeout;
		tm->done_ns = m->now;
		return -ETIME;
	}
	m->now = max_u64(m->now, when);
	tm->done_ns = m->now;
	if (op->u.wait.all) {
		k = model_syncs_know(m, call->syncs, op->u.wait.n, mknow_get(m->cpu_know));
	} else {
		k = mknow_union(m->cpu_know, first_know);
	}
	mknow_put(m->cpu_know);
	m->cpu_know = k;
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
	model_syncs_signal(m, call->syncs, op->u.wait.n, m->now, m->cpu_know);
	tm->done_ns = m->now;
	return 0;
}

/*
 * The fence one end of a transfer or export names (drm_syncobj_find_fence):
 * point 0 is the syncobj's fence itself (a timeline's latest point); a
 * point on a binary syncobj finds no chain (dma_fence_chain_find_seqno).
 */
static int syncobj_fence(const struct msyncobj *so, uint64_t point, uint64_t *done,
			 struct mknow **know)
{
	if (so->timeline)
		return timeline_done(so, point, done, know) ? -EINVAL : 0;
	if (point || !so->has_fence)
		return -EINVAL;
	*done = so->done_ns;
	*know = so->know;
	return 0;
}

/* drm_syncobj_replace_fence(): the syncobj holds this fence (or none) and nothing else */
static void syncobj_replace(struct msyncobj *so, bool has, uint64_t done, struct mknow *know)
{
	for (uint32_t i = 0; i < so->n_points; i++)
		mknow_put(so->points[i].know);
	so->n_points = 0;
	mknow_put(so->know);
	so->know = has ? mknow_get(know) : NULL;
	so->has_fence = has;
	so->done_ns = has ? done : 0;
}

/* how long drm_syncobj_find_fence() waits with WAIT_FOR_SUBMIT */
#define WAIT_FOR_SUBMIT_NS 5000000000ull

/**
 * model_transfer() - DRM_IOCTL_SYNCOBJ_TRANSFER (drm_syncobj.c,
 * drm_syncobj_transfer_ioctl): the fence of src at src_point becomes point
 * dst_point of dst (drm_syncobj_transfer_to_timeline, a new chain point) or,
 * for dst_point 0, dst's fence (drm_syncobj_transfer_to_binary). The fence
 * keeps its completion time and what it is ordered after.
 *
 * Return: 0; -ENOENT for an unknown dst (looked up first) or src; -EINVAL
 * when src has no such fence; -ETIME after 5 s with WAIT_FOR_SUBMIT, since
 * nothing can submit it while the replay waits.
 */
int model_transfer(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_sync *src = &call->syncs[0], *dst = &call->syncs[1];
	struct msyncobj *d = msyncobj_find(m, dst->syncobj), *s;
	struct mknow *know = NULL;
	uint64_t done = 0;
	int ret;

	if (!d)
		return -ENOENT;
	s = msyncobj_find(m, src->syncobj);
	if (!s)
		return -ENOENT;
	ret = syncobj_fence(s, src->point, &done, &know);
	if (ret) {
		if (call->op->u.transfer.flags & VMB_TRANSFER_F_WAIT_FOR_SUBMIT) {
			m->now += WAIT_FOR_SUBMIT_NS;
			tm->done_ns = m->now;
			return -ETIME;
		}
		return ret;
	}
	/* the source may be the destination: hold the knowledge across the change */
	know = mknow_get(know);
	if (dst->point && d->timeline)
		timeline_add(d, dst->point, done, know);
	else
		syncobj_replace(d, true, done, know);
	mknow_put(know);
	m->c.sync_transfers++;
	tm->done_ns = m->now;
	return 0;
}

/**
 * model_syncobj_reset() - DRM_IOCTL_SYNCOBJ_RESET (drm_syncobj_reset_ioctl):
 * every handle is looked up first (-ENOENT, nothing changes), then each
 * syncobj's fence is replaced by NULL; a timeline loses all its points.
 */
int model_syncobj_reset(struct vmb_model *m, const struct vmb_call *call)
{
	uint32_t n = call->op->u.reset.n;

	if (!n)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++)
		if (!msyncobj_find(m, call->bos[i]))
			return -ENOENT;
	for (uint32_t i = 0; i < n; i++)
		syncobj_replace(msyncobj_find(m, call->bos[i]), false, 0, NULL);
	m->c.sync_resets++;
	return 0;
}

static struct msyncfile *sync_file_slot(struct vmb_model *m, uint32_t id, bool grow)
{
	if (id >= m->n_sync_files) {
		uint32_t n = id + 16;
		struct msyncfile *f;

		if (!grow)
			return NULL;
		f = realloc(m->sync_files, n * sizeof(*f));
		if (!f)
			return NULL;
		memset(f + m->n_sync_files, 0, (n - m->n_sync_files) * sizeof(*f));
		m->sync_files = f;
		m->n_sync_files = n;
	}
	return &m->sync_files[id];
}

/**
 * model_sync_file_export() - SYNCOBJ_HANDLE_TO_FD with EXPORT_SYNC_FILE
 * (drm_syncobj_export_sync_file): the sync_file wraps the syncobj's current
 * fence (drm_syncobj_find_fence at point 0, no flags). An export to a
 * sync_file id in use replaces it (the capturer reuses an id only after the
 * program closed the fd).
 *
 * Return: 0, -ENOENT for an unknown syncobj, -EINVAL when it has no fence.
 */
int model_sync_file_export(struct vmb_model *m, const struct vmb_op *op)
{
	struct msyncobj *so = msyncobj_find(m, op->u.sync_file.syncobj);
	struct msyncfile *f;
	struct mknow *know = NULL;
	uint64_t done = 0;
	int ret;

	if (!so)
		return -ENOENT;
	ret = syncobj_fence(so, 0, &done, &know);
	if (ret)
		return ret;
	m->c.sync_file_exports++;
	if (!op->u.sync_file.sync_file)
		return 0; /* the fd was not kept: nothing can import it */
	f = sync_file_slot(m, op->u.sync_file.sync_file, true);
	if (!f)
		return -ENOMEM;
	mknow_put(f->know);
	f->alive = true;
	f->done_ns = done;
	f->know = mknow_get(know);
	return 0;
}

/**
 * model_sync_file_import() - SYNCOBJ_FD_TO_HANDLE with IMPORT_SYNC_FILE
 * (drm_syncobj_import_sync_file_fence): the syncobj's fence becomes the
 * sync_file's. A sync_file from outside the trace (id 0) holds a fence the
 * trace never saw: imported as signaled.
 *
 * Return: 0, -EINVAL for a sync_file id never exported (sync_file_get_fence
 * fails first), -ENOENT for an unknown syncobj.
 */
int model_sync_file_import(struct vmb_model *m, const struct vmb_op *op)
{
	uint32_t id = op->u.sync_file.sync_file;
	struct msyncfile *f = id ? sync_file_slot(m, id, false) : NULL;
	struct msyncobj *so;

	if (id && (!f || !f->alive))
		return -EINVAL;
	so = msyncobj_find(m, op->u.sync_file.syncobj);
	if (!so)
		return -ENOENT;
	syncobj_replace(so, true, f ? f->done_ns : 0, f ? f->know : NULL);
	m->c.sync_file_imports++;
	return 0;
}

/** model_sync_files_free() - drop every sync_file (end of the model) */
void model_sync_files_free(struct vmb_model *m)
{
	for (uint32_t i = 0; i < m->n_sync_files; i++)
		mknow_put(m->sync_files[i].know);
	free(m->sync_files);
	m->sync_files = NULL;
	m->n_sync_files = 0;
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

/**
 * vmb_model_syncobj_when() - when point @point of syncobj @id signals (binary
 * syncobj: @point 0, its fence): 0 and *@t, -EAGAIN when no fence for it is
 * known yet, -ENOENT for an unknown syncobj
 */
int vmb_model_syncobj_when(const struct vmb_model *m, uint32_t id, uint64_t point, uint64_t *t)
{
	const struct msyncobj *s = id < m->n_syncobjs ? m->syncobjs[id] : NULL;

	if (!s || !s->alive)
		return -ENOENT;
	if (!s->timeline) {
		if (!s->has_fence)
			return -EAGAIN;
		*t = s->done_ns;
		return 0;
	}
	for (uint32_t i = 0; i < s->n_points; i++)
		if (s->points[i].point >= point) {
			*t = s->points[i].done_ns;
			return 0;
		}
	return -EAGAIN;
}
