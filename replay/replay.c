/* SPDX-License-Identifier: MIT */
/*
 * replay.c - the replay engine. Walks a validated trace, applies the
 * userspace policies of the strategy (pacing, bind batching, what happens
 * before bo_close), hands each resulting call to the backend, compares the
 * result with the traced one and records latencies and stalls.
 *
 * A model instance always runs alongside: for the model backend it is the
 * backend itself; for the others it is a shadow fed the same calls, which
 * tells the close policies which mappings a BO has (as userspace would
 * track them) and provides the gpuvm and refcount figures.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "perfetto.h"
#include "progress.h"
#include "replay.h"

volatile sig_atomic_t vmb_replay_stop;

/* a BO close moved by --close=close-early: issue @bo's close after op @after */
struct early_close {
	size_t after;
	size_t close_op;
};

struct engine {
	uint64_t last_ns; /* latest CPU return or GPU completion seen */
	/*
	 * Set once per run: issue() has more to do than exec and record (a
	 * shadow to feed, a perfetto trace, a backend to reap), and record()
	 * writes a perfetto trace.
	 */
	bool extras;
	struct vmb_perfetto *perfetto;
	const struct vmb_trace *t;
	const struct vmb_replay_opts *o;
	struct vmb_backend be;
	struct vmb_model *shadow;
	bool own_shadow;
	struct vmb_run_metrics *m;
	unsigned err_msgs;
	bool said_unsupported[VMB_OP_COUNT];

	/* --batch=N coalescing */
	struct vmb_op pend;
	size_t pend_index;
	struct vmb_bind_entry *pbinds;
	size_t n_pbinds, cap_pbinds;
	struct vmb_sync *pin, *pout;
	size_t n_pin, n_pout, cap_pin, cap_pout;
	struct vmb_sync *psyncs;
	size_t cap_psyncs;

	/* the ops, decoded in order; --close=close-early's moved closes */
	struct vmb_cursor cur, early_cur;

	/* --close=close-early */
	uint8_t *skip;
	struct early_close *early;
	size_t n_early, next_early;

	uint64_t pace_base;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* user and system CPU time of the process so far (hyperfine's "user"/"system") */
static void cpu_times(uint64_t *user_ns, uint64_t *system_ns)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru)) {
		*user_ns = *system_ns = 0;
		return;
	}
	*user_ns =
	    (uint64_t)ru.ru_utime.tv_sec * 1000000000ull + (uint64_t)ru.ru_utime.tv_usec * 1000;
	*system_ns =
	    (uint64_t)ru.ru_stime.tv_sec * 1000000000ull + (uint64_t)ru.ru_stime.tv_usec * 1000;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 16;
	void *n;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	n = realloc(*p, c * elem);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = c;
	return 0;
}

static bool bind_is_unbind(const struct vmb_call *c)
{
	const struct vmb_op *op = c->op;

	if (!op->u.bind.n_binds)
		return false;
	for (uint32_t i = 0; i < op->u.bind.n_binds; i++)
		if (c->binds[i].kind != VMB_BIND_UNMAP && c->binds[i].kind != VMB_BIND_UNMAP_ALL)
			return false;
	return true;
}

static void report_result(struct engine *e, const struct vmb_call *c, int ret, int want)
{
	const struct vmb_op *op = c->op;

	if (ret == -EOPNOTSUPP && want != -EOPNOTSUPP) {
		e->m->unsupported++;
		if (!e->said_unsupported[op->kind]) {
			e->said_unsupported[op->kind] = true;
			fprintf(stderr,
				"%s:%u: op %zu: %s is not supported by the %s backend; "
				"such ops are counted as unsupported\n",
				e->t->path, op->line, c->index, vmb_op_kind_name(op->kind),
				e->o->backend->name);
		}
		return;
	}
	if (ret == want) {
		if (ret)
			e->m->errors_expected++;
		return;
	}
	e->m->errors_unexpected++;
	if (e->err_msgs++ < e->o->max_errors) {
		fprintf(stderr, "%s:%u: op %zu: %s returned %d (%s), the trace says %d%s\n",
			e->t->path, op->line, c->index, vmb_op_kind_name(op->kind), ret,
			ret ? strerror(-ret) : "success", want,
			e->err_msgs == e->o->max_errors ? " (further errors not shown)" : "");
	}
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/*
 * A wait with a finite timeout records timing, not semantics (see "Polls"
 * in docs/trace-format.md): one the trace says was satisfied (0) but that
 * times out here is issued again without a timeout, a wait until
 * satisfied; one the trace says timed out (-ETIME) is a poll, and
 * whatever it finds (satisfied, timed out, or no fence submitted yet:
 * -EINVAL) is the result the trace expects.
 */
static int wait_timing(struct engine *e, const struct vmb_call *c, int ret, int want,
		       struct vmb_timing *tm)
{
	const struct vmb_op *op = c->op;

	if (op->kind != VMB_OP_WAIT || op->u.wait.timeout_ns == UINT64_MAX || ret == want)
		return ret;
	if (want == 0 && ret == -ETIME) {
		struct vmb_op until = *op;
		struct vmb_call again = *c;

		until.u.wait.timeout_ns = UINT64_MAX;
		again.op = &until;
		return e->be.ops->exec(&e->be, &again, tm);
	}
	if (want == -ETIME && (ret == 0 || ret == -EINVAL))
		return want;
	return ret;
}

/*
 * What a call cost, once its timing is complete: right after exec, or, for
 * a call still running when exec returned (the hardware backends' engine),
 * when the backend reports its completion through be.done. Inlined into
 * issue() (and record_done()): as a call of its own it cost about 2 ns per
 * op on the null backend's plain loop.
 */
static inline __attribute__((always_inline)) void record(struct engine *e, const struct vmb_call *c,
							 const struct vmb_timing *tm, int ret)
{
	const struct vmb_op *op = c->op;

	if (__builtin_expect(e->perfetto != NULL, 0))
		vmb_perfetto_call(e->perfetto, c, tm, ret);
	e->last_ns = max_u64(e->last_ns, max_u64(tm->return_ns, tm->done_ns));
	if (__builtin_expect(ret != 0, 0))
		return;
	switch (op->kind) {
	case VMB_OP_BIND:
		if (tm->done_ns >= tm->issue_ns)
			vmb_samples_add(bind_is_unbind(c) ? &e->m->unbind : &e->m->bind,
					tm->done_ns - tm->issue_ns);
		vmb_samples_add(&e->m->bind_stall, tm->stall_ns);
		break;
	case VMB_OP_BO_CLOSE:
		if (tm->return_ns >= tm->issue_ns)
			vmb_samples_add(&e->m->close, tm->return_ns - tm->issue_ns);
		break;
	case VMB_OP_SUBMIT:
		if (tm->done_ns >= tm->issue_ns)
			vmb_samples_add(&e->m->submit, tm->done_ns - tm->issue_ns);
		if (tm->stall_unknown) {
			e->m->stall_unmeasured++;
		} else {
			vmb_samples_add(&e->m->stall, tm->stall_ns);
			vmb_samples_add(&e->m->stall_times, tm->issue_ns);
		}
		vmb_samples_add(&e->m->job_op, c->index);
		vmb_samples_add(&e->m->job_start, tm->start_ns);
		vmb_samples_add(&e->m->job_end, tm->done_ns);
		break;
	case VMB_OP_FRAME:
		vmb_samples_add(&e->m->frames, tm->issue_ns);
		break;
	default:
		break;
	}
}

static void record_done(void *ctx, const struct vmb_call *c, const struct vmb_timing *tm)
{
	record(ctx, c, tm, 0);
}

/* issue()'s work beyond exec and record, when the run has any (e->extras) */
static void issue_extras(struct engine *e, const struct vmb_call *c, const struct vmb_timing *tm)
{
	const struct vmb_op *op = c->op;

	if (e->own_shadow) {
		struct vmb_timing stm;

		vmb_model_exec(e->shadow, c, &stm);
	}
	if (e->perfetto && e->shadow &&
	    (op->kind == VMB_OP_BIND || op->kind == VMB_OP_BO_CLOSE ||
	     op->kind == VMB_OP_VM_DESTROY)) {
		struct vmb_model_live live;

		vmb_model_live(e->shadow, &live);
		vmb_perfetto_counter(e->perfetto, tm->return_ns, "live mappings",
				     (double)live.mappings);
		vmb_perfetto_counter(e->perfetto, tm->return_ns, "zombie bytes",
				     (double)live.zombie_bytes);
	}
}

/* carry out one call on the backend (and the shadow), record what it cost */
static void issue(struct engine *e, const struct vmb_call *c, int want)
{
	struct vmb_timing tm = {0};
	int ret;

	ret = e->be.ops->exec(&e->be, c, &tm);
	if (__builtin_expect(ret != want, 0))
		ret = wait_timing(e, c, ret, want, &tm);
	e->m->ops_issued++;
	/* the shadow is fed before the result is reported, as it always was */
	if (__builtin_expect(e->extras, 0))
		issue_extras(e, c, &tm);
	if (__builtin_expect(ret == want, 1)) {
		/* report_result()'s answer when the result is the traced one */
		if (ret)
			e->m->errors_expected++;
	} else {
		report_result(e, c, ret, want);
	}
	if (!ret && tm.pending)
		e->last_ns = max_u64(e->last_ns, tm.return_ns);
	else
		record(e, c, &tm, ret);
	if (__builtin_expect(e->extras, 0) && e->be.ops->reap)
		e->be.ops->reap(&e->be, false);
}

/* the call for the op a cursor just decoded (valid until its next call) */
static void call_for_op(const struct vmb_cursor *cur, struct vmb_call *c)
{
	c->op = &cur->op;
	c->binds = cur->binds;
	c->syncs = cur->syncs;
	c->bos = cur->ids;
	c->kernel_range = cur->kernel_range;
	c->index = cur->index;
}

/* --batch=N: issue the coalesced binds gathered so far */
static int flush_pending_now(struct engine *e)
{
	struct vmb_call c;
	size_t ns = e->n_pin + e->n_pout;

	if (grow((void **)&e->psyncs, &e->cap_psyncs, ns, sizeof(*e->psyncs)))
		return -ENOMEM;
	if (e->n_pin)
		memcpy(e->psyncs, e->pin, e->n_pin * sizeof(*e->pin));
	if (e->n_pout)
		memcpy(e->psyncs + e->n_pin, e->pout, e->n_pout * sizeof(*e->pout));
	e->pend.u.bind.n_binds = e->n_pbinds;
	e->pend.u.bind.n_in = e->n_pin;
	e->pend.u.bind.n_out = e->n_pout;
	memset(&c, 0, sizeof(c));
	c.op = &e->pend;
	c.binds = e->pbinds;
	c.syncs = e->psyncs;
	c.index = e->pend_index;
	issue(e, &c, 0);
	e->n_pbinds = e->n_pin = e->n_pout = 0;
	return 0;
}

/* the check inline: most ops, and every op without --batch, find nothing pending */
static inline int flush_pending(struct engine *e)
{
	if (!e->n_pbinds && !e->n_pin && !e->n_pout)
		return 0;
	return flush_pending_now(e);
}

/* append a traced bind to the pending batch (same VM and queue, fits) */
static int add_pending(struct engine *e, const struct vmb_call *c)
{
	const struct vmb_op *op = c->op;
	uint32_t nb = op->u.bind.n_binds;

	if (e->n_pbinds || e->n_pin || e->n_pout) {
		if (e->pend.u.bind.vm != op->u.bind.vm ||
		    e->pend.u.bind.queue != op->u.bind.queue ||
		    e->n_pbinds + nb > e->o->strat.batch || e->n_pin + op->u.bind.n_in > 0xffff ||
		    e->n_pout + op->u.bind.n_out > 0xffff) {
			if (flush_pending(e))
				return -ENOMEM;
		}
	}
	if (!e->n_pbinds && !e->n_pin && !e->n_pout) {
		e->pend = *op;
		e->pend_index = c->index;
	}
	if (grow((void **)&e->pbinds, &e->cap_pbinds, e->n_pbinds + nb, sizeof(*e->pbinds)) ||
	    grow((void **)&e->pin, &e->cap_pin, e->n_pin + op->u.bind.n_in, sizeof(*e->pin)) ||
	    grow((void **)&e->pout, &e->cap_pout, e->n_pout + op->u.bind.n_out, sizeof(*e->pout)))
		return -ENOMEM;
	if (nb)
		memcpy(e->pbinds + e->n_pbinds, c->binds, nb * sizeof(*c->binds));
	e->n_pbinds += nb;
	if (op->u.bind.n_in)
		memcpy(e->pin + e->n_pin, c->syncs, op->u.bind.n_in * sizeof(*c->syncs));
	e->n_pin += op->u.bind.n_in;
	if (op->u.bind.n_out)
		memcpy(e->pout + e->n_pout, c->syncs + op->u.bind.n_in,
		       op->u.bind.n_out * sizeof(*c->syncs));
	e->n_pout += op->u.bind.n_out;
	return 0;
}

/*
 * A bind under --batch: split into ioctls of at most N entries (in-fences on
 * the first, out-fences on the last), or, for N > 1, coalesce consecutive
 * binds of the same VM and queue up to N entries (all in-fences waited
 * first, all out-fences signalled at the end). Binds whose traced result is
 * an error go out alone, as traced.
 */
static int issue_bind(struct engine *e, const struct vmb_call *c)
{
	const struct vmb_op *op = c->op;
	uint32_t n = op->u.bind.n_binds, batch = e->o->strat.batch;

	if (!batch || op->ret) {
		if (flush_pending(e))
			return -ENOMEM;
		issue(e, c, op->ret);
		return 0;
	}
	if (n <= batch && batch > 1)
		return add_pending(e, c);
	if (flush_pending(e))
		return -ENOMEM;
	for (uint32_t first = 0; first < n || (n == 0 && first == 0); first += batch) {
		struct vmb_op piece = *op;
		struct vmb_call pc = *c;
		bool is_first = first == 0, is_last = first + batch >= n;

		piece.u.bind.n_binds = is_last ? n - first : batch;
		piece.u.bind.n_in = is_first ? op->u.bind.n_in : 0;
		piece.u.bind.n_out = is_last ? op->u.bind.n_out : 0;
		pc.op = &piece;
		pc.binds = VMB_POOL_AT(c->binds, first);
		pc.syncs = is_first ? c->syncs : VMB_POOL_AT(c->syncs, op->u.bind.n_in);
		issue(e, &pc, 0);
		if (n == 0)
			break;
	}
	return 0;
}

/* --close=unbind-first / unbind-all: unmap a BO's mappings before closing it */
static int unbind_before_close(struct engine *e, const struct vmb_call *close)
{
	uint32_t bo = close->op->u.bo.bo;
	size_t n = vmb_model_bo_mappings(e->shadow, bo, NULL, 0), done = 0;
	struct vmb_model_mapping *maps;
	struct vmb_bind_entry *ents;

	if (!n)
		return 0;
	maps = calloc(n, sizeof(*maps));
	ents = calloc(n, sizeof(*ents));
	if (!maps || !ents) {
		free(maps);
		free(ents);
		return -ENOMEM;
	}
	vmb_model_bo_mappings(e->shadow, bo, maps, n);
	/* one bind ioctl per VM, on the VM's default bind queue */
	while (done < n) {
		uint32_t vm = 0;
		size_t k = 0;
		struct vmb_op op = {.kind = VMB_OP_BIND, .line = close->op->line};
		struct vmb_call c = {.op = &op, .binds = ents, .index = close->index};

		for (size_t i = 0; i < n; i++) {
			if (!maps[i].vm)
				continue;
			if (!vm)
				vm = maps[i].vm;
			if (maps[i].vm != vm)
				continue;
			if (e->o->strat.close == VMB_CLOSE_UNBIND_FIRST) {
				ents[k] = (struct vmb_bind_entry){.kind = VMB_BIND_UNMAP,
								  .va = maps[i].va,
								  .range = maps[i].range};
				k++;
			} else if (k == 0) {
				ents[k++] =
				    (struct vmb_bind_entry){.kind = VMB_BIND_UNMAP_ALL, .bo = bo};
			}
			maps[i].vm = 0;
			done++;
		}
		op.u.bind.vm = vm;
		op.u.bind.n_binds = k;
		issue(e, &c, 0);
	}
	free(maps);
	free(ents);
	return 0;
}

static int cmp_early(const void *a, const void *b)
{
	const struct early_close *x = a, *y = b;

	if (x->after != y->after)
		return x->after < y->after ? -1 : 1;
	return x->close_op < y->close_op ? -1 : x->close_op > y->close_op;
}

/*
 * --close=close-early: each successful bo_close moves to right after the
 * last op that names the BO (since its creation). One backwards pass keeps
 * "last use" per BO id.
 */
static int plan_close_early(struct engine *e)
{
	const struct vmb_trace *t = e->t;
	size_t *last_use = NULL;
	size_t n_ids = t->max_id[VMB_CLASS_BO] + 1;

	struct vmb_cursor *cur = &e->early_cur;
	int r;

	e->skip = calloc(t->n_ops ? t->n_ops : 1, 1);
	e->early = calloc(t->n_ops ? t->n_ops : 1, sizeof(*e->early));
	last_use = calloc(n_ids, sizeof(*last_use));
	if (!e->skip || !e->early || !last_use) {
		free(last_use);
		return -ENOMEM;
	}
	while ((r = vmb_cursor_next(cur)) > 0) {
		const struct vmb_op *op = &cur->op;
		size_t i = cur->index;

		if (op->kind == VMB_OP_BO_CREATE && !op->ret && op->u.bo.bo < n_ids) {
			last_use[op->u.bo.bo] = i;
		} else if (op->kind == VMB_OP_BO_CLOSE && !op->ret && op->u.bo.bo < n_ids) {
			e->skip[i] = 1;
			e->early[e->n_early].after = last_use[op->u.bo.bo];
			e->early[e->n_early].close_op = i;
			e->n_early++;
		} else {
			/* the BOs this op names */
			switch (op->kind) {
			case VMB_OP_EVICT:
				if (op->u.evict.bo < n_ids)
					last_use[op->u.evict.bo] = i;
				break;
			case VMB_OP_BIND:
				for (uint32_t k = 0; k < op->u.bind.n_binds; k++) {
					uint32_t bo = cur->binds[k].bo;

					if (bo && bo < n_ids)
						last_use[bo] = i;
				}
				break;
			case VMB_OP_SUBMIT:
				for (uint32_t k = 0; k < op->u.submit.n_bos; k++) {
					uint32_t bo = cur->ids[k];

					if (bo < n_ids)
						last_use[bo] = i;
				}
				break;
			default:
				break;
			}
		}
	}
	free(last_use);
	if (r < 0)
		return r;
	qsort(e->early, e->n_early, sizeof(*e->early), cmp_early);
	return 0;
}

static void issue_early_closes(struct engine *e, size_t after)
{
	if (e->next_early < e->n_early && e->early[e->next_early].after == after)
		flush_pending(e);
	while (e->next_early < e->n_early && e->early[e->next_early].after == after) {
		struct vmb_call c;

		if (vmb_cursor_seek(&e->early_cur, e->early[e->next_early].close_op) <= 0)
			break;
		call_for_op(&e->early_cur, &c);
		issue(e, &c, 0);
		e->next_early++;
	}
}

static void pace(struct engine *e, const struct vmb_op *op)
{
	double f;

	if (e->o->strat.pace == VMB_PACE_ASAP)
		return;
	f = e->o->strat.pace == VMB_PACE_SCALED ? e->o->strat.pace_factor : 1.0;
	e->be.ops->advance(&e->be, e->pace_base + (uint64_t)((double)op->t / f));
}

/*
 * The loop of a run with no strategy work per op (no progress line, no
 * pacing, no --batch, no close policy that moves or adds calls): each op
 * is one call, issued as traced. run_ops() below does the same for these
 * runs, with the per-op checks this loop makes once.
 */
static int run_ops_plain(struct engine *e)
{
	const struct vmb_op *op = &e->cur.op;
	struct vmb_call c;
	int ret;

	while ((ret = vmb_cursor_next(&e->cur)) > 0) {
		if (__builtin_expect(vmb_replay_stopped(), 0)) {
			e->m->incomplete = true;
			return 0;
		}
		call_for_op(&e->cur, &c);
		issue(e, &c, op->ret);
	}
	return ret;
}

static bool run_is_plain(const struct engine *e)
{
	const struct vmb_strategy *st = &e->o->strat;

	return !e->o->progress && st->pace == VMB_PACE_ASAP && !st->batch && !e->skip &&
	       !e->n_early && st->close != VMB_CLOSE_UNBIND_FIRST &&
	       st->close != VMB_CLOSE_UNBIND_ALL;
}

static int run_ops(struct engine *e)
{
	const struct vmb_trace *t = e->t;
	bool show = e->o->progress;
	struct vmb_progress pr;
	int ret = 0;

	if (run_is_plain(e))
		return run_ops_plain(e);
	vmb_progress_begin(&pr, "replay", t->file_bytes);

	while (!ret) {
		const struct vmb_op *op = &e->cur.op;
		struct vmb_call c;
		size_t i;

		ret = vmb_cursor_next(&e->cur);
		if (ret <= 0)
			break;
		ret = 0;
		i = e->cur.index;
		if (vmb_replay_stopped()) {
			e->m->incomplete = true;
			break;
		}
		if (show)
			vmb_progress_update(
			    &pr, i, t->n_ops,
			    (uint64_t)((double)t->file_bytes * (double)i / (double)t->n_ops));
		if (e->skip && e->skip[i])
			continue;
		pace(e, op);
		call_for_op(&e->cur, &c);
		if (op->kind == VMB_OP_BIND) {
			ret = issue_bind(e, &c);
		} else {
			ret = flush_pending(e);
			if (!ret && op->kind == VMB_OP_BO_CLOSE && !op->ret &&
			    (e->o->strat.close == VMB_CLOSE_UNBIND_FIRST ||
			     e->o->strat.close == VMB_CLOSE_UNBIND_ALL))
				ret = unbind_before_close(e, &c);
			if (!ret)
				issue(e, &c, op->ret);
		}
		if (e->n_early)
			issue_early_closes(e, i);
	}
	if (!ret)
		ret = flush_pending(e);
	vmb_progress_end(&pr);
	return ret;
}

static void engine_free(struct engine *e)
{
	if (e->own_shadow)
		vmb_model_destroy(e->shadow);
	free(e->pbinds);
	free(e->pin);
	free(e->pout);
	free(e->psyncs);
	free(e->skip);
	free(e->early);
	vmb_cursor_fini(&e->cur);
	vmb_cursor_fini(&e->early_cur);
}

int vmb_replay_run(const struct vmb_trace *trace, const struct vmb_replay_opts *opts,
		   struct vmb_run *run, char *err, size_t errlen)
{
	struct engine e = {.t = trace, .o = opts};
	uint64_t t0, u0, s0;
	int ret;

	memset(run, 0, sizeof(*run));
	vmb_run_metrics_init(&run->m);
	run->backend = opts->backend->name;
	run->strat = opts->strat;
	e.m = &run->m;
	e.be.ops = opts->backend;
	e.be.dump = opts->dump;
	e.be.done = record_done;
	e.be.done_ctx = &e;
	e.be.max_in_flight = opts->max_in_flight;
	if (vmb_cursor_init(&e.cur, trace) || vmb_cursor_init(&e.early_cur, trace)) {
		engine_free(&e);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = e.be.ops->open(&e.be, trace, &opts->strat, opts->device, err, errlen);
	if (ret) {
		engine_free(&e);
		return ret;
	}
	e.shadow = vmb_model_backend_model(&e.be);
	e.perfetto = opts->perfetto;
	/*
	 * The null backend measures the harness alone: no shadow model, unless
	 * a close policy needs to know the BO's mappings.
	 */
	if (!e.shadow &&
	    (opts->backend != &vmb_null_backend || opts->strat.close == VMB_CLOSE_UNBIND_FIRST ||
	     opts->strat.close == VMB_CLOSE_UNBIND_ALL)) {
		struct vmb_model_config cfg = {
		    .driver = trace->driver,
		    .page_size = trace->page_size,
		    .strat = opts->strat,
		    .params = vmb_model_params_default,
		};

		e.shadow = vmb_model_create(&cfg);
		e.own_shadow = e.shadow != NULL;
	}
	e.extras = e.own_shadow || e.perfetto || e.be.ops->reap;
	if (opts->strat.close == VMB_CLOSE_EARLY && plan_close_early(&e)) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out_close;
	}
	/*
	 * Room for the samples the trace's ops give, so that the loop neither
	 * grows nor copies the arrays (split or merged binds may still grow them)
	 */
	{
		size_t nb = trace->n_kind[VMB_OP_BIND], ns = trace->n_kind[VMB_OP_SUBMIT];
		struct vmb_run_metrics *m = &run->m;

		if (vmb_samples_reserve(&m->bind, nb) || vmb_samples_reserve(&m->unbind, nb / 4) ||
		    vmb_samples_reserve(&m->bind_stall, nb) ||
		    vmb_samples_reserve(&m->close, trace->n_kind[VMB_OP_BO_CLOSE]) ||
		    vmb_samples_reserve(&m->submit, ns) || vmb_samples_reserve(&m->stall, ns) ||
		    vmb_samples_reserve(&m->stall_times, ns) ||
		    vmb_samples_reserve(&m->job_op, ns) || vmb_samples_reserve(&m->job_start, ns) ||
		    vmb_samples_reserve(&m->job_end, ns) ||
		    vmb_samples_reserve(&m->frames, trace->n_kind[VMB_OP_FRAME])) {
			snprintf(err, errlen, "out of memory");
			ret = -ENOMEM;
			goto out_close;
		}
	}
	run->m.simulated = e.be.ops->simulated;
	e.pace_base = e.be.ops->now(&e.be);
	cpu_times(&u0, &s0);
	t0 = mono_ns();
	ret = run_ops(&e);
	/* calls still in flight complete (or, after a stop, are dropped) */
	if (e.be.ops->reap)
		e.be.ops->reap(&e.be, !vmb_replay_stopped());
	if (e.be.ops->in_flight)
		e.be.ops->in_flight(&e.be, &run->m.in_flight_cap, &run->m.in_flight_peak);
	run->wall_ns = mono_ns() - t0;
	cpu_times(&run->user_ns, &run->system_ns);
	run->user_ns -= u0;
	run->system_ns -= s0;
	run->m.sim_end_ns = e.be.ops->now(&e.be) - e.pace_base;
	run->m.makespan_ns = e.last_ns > e.pace_base ? e.last_ns - e.pace_base : 0;
	if (ret) {
		run->m.incomplete = true;
		snprintf(err, errlen, "%s", strerror(-ret));
	}
	if (e.be.ops->counters)
		e.be.ops->counters(&e.be, &run->m.counters);
	if (e.own_shadow) {
		vmb_model_finish(e.shadow);
		vmb_model_counters(e.shadow, &run->m.counters);
		run->note = "gpuvm, refcount and userptr figures come from the model run "
			    "alongside the hardware";
	}
out_close:
	e.be.ops->close(&e.be);
	engine_free(&e);
	return ret;
}
