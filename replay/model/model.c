/* SPDX-License-Identifier: MIT */
/*
 * model.c - the embedded kernel model: object tables, the create/destroy
 * ops of VMs, queues and BOs, the op dispatcher, and the end of a run.
 * What keeps objects alive is model_lifetime.c; what each driver does is
 * its rules table in model_rules.c.
 *
 *   VM   refs = handle + one per mapping + one per vm_bo + one per private
 *              BO alive + one per queue + one per pending event
 *   vm_bo refs = one per linked mapping; holds a VM ref, and a BO ref as
 *              --refcount says (model_lifetime.c vmbo_holds_bo)
 *   BO   refs = handle + holding vm_bos + one while closed with GPU work
 *              still pending
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

const struct vmb_model_params vmb_model_params_default = {
    .ioctl_ns = 1500,
    .bind_ioctl_ns = 200,
    .submit_ioctl_ns = 3000,
    .bind_job_ns = 4000,
    .pte_ns = 8,
    .tlb_flush_ns = 3000,
    .pin_page_ns = 250,
    .fault_page_ns = 400,
    .evict_page_ns = 150,
    .gpu_job_ns = 100000,
    .lookup_node_ns = 20,
    .gts = 1,
};

static const struct {
	const char *name;
	size_t off;
} param_names[] = {
    {"ioctl", offsetof(struct vmb_model_params, ioctl_ns)},
    {"bind_ioctl", offsetof(struct vmb_model_params, bind_ioctl_ns)},
    {"submit_ioctl", offsetof(struct vmb_model_params, submit_ioctl_ns)},
    {"bind_job", offsetof(struct vmb_model_params, bind_job_ns)},
    {"pte", offsetof(struct vmb_model_params, pte_ns)},
    {"tlb_flush", offsetof(struct vmb_model_params, tlb_flush_ns)},
    {"pin_page", offsetof(struct vmb_model_params, pin_page_ns)},
    {"fault_page", offsetof(struct vmb_model_params, fault_page_ns)},
    {"evict_page", offsetof(struct vmb_model_params, evict_page_ns)},
    {"gpu_job", offsetof(struct vmb_model_params, gpu_job_ns)},
    {"lookup_node", offsetof(struct vmb_model_params, lookup_node_ns)},
    {"gts", offsetof(struct vmb_model_params, gts)},
};

/**
 * vmb_model_param_set() - set one cost-model parameter from "name=value"
 * @p: parameters
 * @kv: "pte=12" (ns); names are the struct members without the _ns suffix
 *
 * Return: 0 or -EINVAL.
 */
int vmb_model_param_set(struct vmb_model_params *p, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char *end;
	unsigned long long v;

	if (!eq || eq[1] == '\0')
		return -EINVAL;
	errno = 0;
	v = strtoull(eq + 1, &end, 0);
	if (errno || *end || eq[1] == '-')
		return -EINVAL;
	for (size_t i = 0; i < sizeof(param_names) / sizeof(param_names[0]); i++) {
		if (strlen(param_names[i].name) == (size_t)(eq - kv) &&
		    !strncmp(param_names[i].name, kv, eq - kv)) {
			*(uint64_t *)((char *)p + param_names[i].off) = v;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * mtable_reserve() - grow a table of object pointers so that index @id is
 * valid; new slots are NULL. Returns 0 or -ENOMEM.
 */
int mtable_reserve(void ***tab, uint32_t *n, uint32_t id)
{
	uint32_t want;
	void **t;

	if (id < *n)
		return 0;
	want = *n ? *n : 16;
	while (want <= id)
		want *= 2;
	t = realloc(*tab, want * sizeof(*t));
	if (!t)
		return -ENOMEM;
	memset(t + *n, 0, (want - *n) * sizeof(*t));
	*tab = t;
	*n = want;
	return 0;
}

struct mvm *mvm_find(struct vmb_model *m, uint32_t id)
{
	struct mvm *vm = id < m->n_vms ? m->vms[id] : NULL;

	return vm && vm->open ? vm : NULL;
}

struct mbo *mbo_find(struct vmb_model *m, uint32_t id)
{
	struct mbo *bo = id < m->n_bos ? m->bos[id] : NULL;

	return bo && bo->open ? bo : NULL;
}

struct mqueue *mqueue_find(struct vmb_model *m, uint32_t id)
{
	struct mqueue *q = id < m->n_queues ? m->queues[id] : NULL;

	return q && q->alive ? q : NULL;
}

struct msyncobj *msyncobj_find(struct vmb_model *m, uint32_t id)
{
	struct msyncobj *s = id < m->n_syncobjs ? m->syncobjs[id] : NULL;

	return s && s->alive ? s : NULL;
}

void mvm_put(struct vmb_model *m, struct mvm *vm)
{
	if (--vm->refs)
		return;
	mknow_put(vm->bind_know);
	mknow_put(vm->kernel_know);
	vmb_gpuvm_destroy(vm->gpuvm);
	vm->gpuvm = NULL;
	if (m->vms[vm->id] == vm)
		m->vms[vm->id] = NULL;
	free(vm);
}

static int model_vm_create(struct vmb_model *m, const struct vmb_call *call)
{
	const struct vmb_op *op = call->op;
	uint32_t id = op->u.vm_create.vm;
	struct mvm *vm;
	int ret;

	if (!id)
		return -EINVAL;
	if (mtable_reserve((void ***)&m->vms, &m->n_vms, id))
		return -ENOMEM;
	if (m->vms[id])
		return -EEXIST;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->id = id;
	vm->model = m;
	vm->refs = 1;
	vm->open = true;
	vm->flags = op->u.vm_create.flags;
	ret = model_vm_gpuvm_init(m, vm, op->u.vm_create.va_start, op->u.vm_create.va_range,
				  op->u.vm_create.kernel_start, call->kernel_range);
	if (ret) {
		free(vm);
		return ret;
	}
	vm->va_start = op->u.vm_create.va_start;
	vm->va_end = op->u.vm_create.va_start + op->u.vm_create.va_range;
	vm->implicit_va_next = vm->va_start;
	m->vms[id] = vm;
	return 0;
}

/* VM close: remove every mapping, as drivers do on VM destroy */
void mvm_close(struct vmb_model *m, struct mvm *vm)
{
	struct mbind_acc acc = {0};
	struct vmb_gpuva *va;

	if (!m->finished)
		m->c.cycles += model_vm_cycles(m, vm, true);
	vm->open = false;
	if (m->vms[vm->id] == vm)
		m->vms[vm->id] = NULL; /* the id may be reused */
	while ((va = vmb_gpuvm_first(vm->gpuvm)))
		model_va_teardown(m, va, &acc);
	m->c.pte_writes += acc.pte_writes;
	if (acc.flush)
		m->c.tlb_flushes++;
	mvm_put(m, vm); /* the handle; queues and private BOs may still hold it */
}

static int model_vm_destroy(struct vmb_model *m, const struct vmb_call *call)
{
	struct mvm *vm = mvm_find(m, call->op->u.vm_destroy.vm);

	if (!vm)
		return -ENOENT;
	mvm_close(m, vm);
	return 0;
}

static int model_queue_create(struct vmb_model *m, const struct vmb_op *op)
{
	uint32_t id = op->u.queue.queue;
	struct mvm *vm = mvm_find(m, op->u.queue.vm);
	struct mqueue *q;

	if (!id)
		return -EINVAL;
	if (!vm)
		return -ENOENT;
	if (op->u.queue.engine >= VMB_ENGINE_COUNT)
		return -EINVAL;
	if (mtable_reserve((void ***)&m->queues, &m->n_queues, id))
		return -ENOMEM;
	if (m->queues[id])
		return -EEXIST;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->id = id;
	q->alive = true;
	q->engine = op->u.queue.engine;
	q->vm = vm;
	q->free_ns = m->now;
	vm->refs++;
	m->queues[id] = q;
	return 0;
}

static int model_queue_destroy(struct vmb_model *m, const struct vmb_op *op)
{
	struct mqueue *q = mqueue_find(m, op->u.queue.queue);

	if (!q)
		return -ENOENT;
	m->queues[q->id] = NULL;
	mvm_put(m, q->vm);
	mknow_put(q->know);
	free(q);
	return 0;
}

static int model_bo_create(struct vmb_model *m, const struct vmb_op *op)
{
	uint32_t id = op->u.bo.bo;
	struct mvm *vm = NULL;
	struct mbo *bo;

	if (!id)
		return -EINVAL;
	if (!op->u.bo.size || op->u.bo.size % m->cfg.page_size)
		return -EINVAL;
	if (op->u.bo.vm) {
		vm = mvm_find(m, op->u.bo.vm);
		if (!vm)
			return -ENOENT;
	}
	if (mtable_reserve((void ***)&m->bos, &m->n_bos, id))
		return -ENOMEM;
	if (m->bos[id])
		return -EEXIST;
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return -ENOMEM;
	bo->id = id;
	bo->refs = 1;
	bo->open = true;
	bo->size = op->u.bo.size;
	bo->flags = op->u.bo.flags;
	bo->counted = true;
	bo->private_vm = vm;
	if (vm) {
		vm->refs++;
		bo->home_vm = vm->id;
	}
	m->bos[id] = bo;
	m->bo_bytes += bo->size;
	mbo_note_bytes(m);
	return 0;
}

/**
 * vmb_model_create() - a new, empty model
 * @cfg: driver, page size, semantics, cost model, optional dump stream
 *
 * Return: the model or NULL on allocation failure.
 */
struct vmb_model *vmb_model_create(const struct vmb_model_config *cfg)
{
	struct vmb_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->cfg = *cfg;
	m->rules = mrules_for(cfg->driver);
	if (!m->cfg.page_size)
		m->cfg.page_size = 4096;
	m->c.has_model = true;
	return m;
}

/**
 * vmb_model_destroy() - free the model and everything in it
 * @m: model (NULL is fine)
 */
void vmb_model_destroy(struct vmb_model *m)
{
	if (!m)
		return;
	if (!m->finished)
		vmb_model_finish(m);
	/* finish tore down VMs and BOs; free what references still hold */
	for (uint32_t i = 0; i < m->n_syncobjs; i++)
		if (m->syncobjs[i])
			msyncobj_free(m->syncobjs[i]);
	model_sync_files_free(m);
	model_events_free(m);
	mknow_put(m->cpu_know);
	free(m->vms);
	free(m->bos);
	free(m->queues);
	free(m->syncobjs);
	free(m);
}

/**
 * vmb_model_set_semantics() - change refcount and sync before any mapping
 * @m: model
 * @refcount, @sync: the new semantics
 *
 * Return: 0, or -EBUSY once a mapping exists (vm_bos already decided what
 * they hold).
 */
int vmb_model_set_semantics(struct vmb_model *m, enum vmb_refcount refcount,
			    enum vmb_sync_mode sync)
{
	if (m->live_vas)
		return -EBUSY;
	m->cfg.strat.refcount = refcount;
	m->cfg.strat.sync = sync;
	return 0;
}

uint64_t vmb_model_now(const struct vmb_model *m)
{
	return m->now;
}

void vmb_model_advance(struct vmb_model *m, uint64_t t)
{
	if (t > m->now)
		m->now = t;
}

/**
 * vmb_model_exec() - carry out one op
 * @m: model
 * @call: op and its variable parts
 * @tm: receives simulated times (issue, return, completion)
 *
 * Every op costs the ioctl CPU time; binds, submits and waits add their
 * own. Return: 0 or the -errno the kernel would return.
 */
int vmb_model_exec(struct vmb_model *m, const struct vmb_call *call, struct vmb_timing *tm)
{
	const struct vmb_op *op = call->op;
	int ret;

	memset(tm, 0, sizeof(*tm));
	model_events_run(m, m->now);
	tm->issue_ns = m->now;
	/* kernel or CPU events that are not ioctls */
	if (op->kind != VMB_OP_FRAME && op->kind != VMB_OP_CPU_UNMAP &&
	    op->kind != VMB_OP_CPU_MIGRATE && op->kind != VMB_OP_EVICT)
		m->now += m->cfg.params.ioctl_ns;

	switch (op->kind) {
	case VMB_OP_VM_CREATE:
		ret = model_vm_create(m, call);
		break;
	case VMB_OP_VM_DESTROY:
		ret = model_vm_destroy(m, call);
		break;
	case VMB_OP_QUEUE_CREATE:
		ret = model_queue_create(m, op);
		break;
	case VMB_OP_QUEUE_DESTROY:
		ret = model_queue_destroy(m, op);
		break;
	case VMB_OP_BO_CREATE:
		ret = model_bo_create(m, op);
		break;
	case VMB_OP_BO_CLOSE:
		ret = model_bo_close(m, call, tm);
		break;
	case VMB_OP_SYNCOBJ_CREATE:
		ret = model_syncobj_create(m, op);
		break;
	case VMB_OP_SYNCOBJ_DESTROY:
		ret = model_syncobj_destroy(m, op);
		break;
	case VMB_OP_BIND:
		ret = model_bind(m, call, tm);
		break;
	case VMB_OP_SUBMIT:
		ret = model_submit(m, call, tm);
		break;
	case VMB_OP_WAIT:
		ret = model_wait(m, call, tm);
		break;
	case VMB_OP_SIGNAL:
		ret = model_signal(m, call, tm);
		break;
	case VMB_OP_CPU_UNMAP:
	case VMB_OP_CPU_MIGRATE:
		ret = model_cpu_invalidate(m, call, tm);
		break;
	case VMB_OP_EVICT:
		ret = model_evict(m, call, tm);
		break;
	case VMB_OP_FRAME:
		ret = 0;
		break;
	case VMB_OP_TRANSFER:
		ret = model_transfer(m, call, tm);
		break;
	case VMB_OP_SYNCOBJ_RESET:
		ret = model_syncobj_reset(m, call);
		break;
	case VMB_OP_SYNC_FILE_EXPORT:
		ret = model_sync_file_export(m, op);
		break;
	case VMB_OP_SYNC_FILE_IMPORT:
		ret = model_sync_file_import(m, op);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	tm->return_ns = m->now;
	return ret;
}

/**
 * vmb_model_finish() - end of run: let pending GPU work complete, count
 * what is still alive (leaked BOs, reference cycles), then close every VM,
 * queue and BO so that the model itself leaks nothing
 * @m: model
 */
void vmb_model_finish(struct vmb_model *m)
{
	struct vmb_counters keep;

	if (m->finished)
		return;
	model_events_run(m, UINT64_MAX);
	m->finished = true;
	m->c.cycles += model_count_cycles(m);
	m->c.leaked_bos = m->n_zombies;
	for (uint32_t i = 0; i < m->n_bos; i++)
		m->c.leaked_bos += m->bos[i] != NULL;

	/* the model's own cleanup below is not part of the run */
	keep = m->c;
	for (uint32_t i = 0; i < m->n_queues; i++) {
		if (m->queues[i]) {
			mvm_put(m, m->queues[i]->vm);
			mknow_put(m->queues[i]->know);
			free(m->queues[i]);
			m->queues[i] = NULL;
		}
	}
	for (uint32_t i = 0; i < m->n_vms; i++)
		if (m->vms[i])
			mvm_close(m, m->vms[i]);
	for (uint32_t i = 0; i < m->n_bos; i++)
		if (m->bos[i])
			mbo_close(m, m->bos[i]);
	m->c = keep;
}

/**
 * vmb_model_counters() - the counters so far
 * @m: model
 * @out: receives them
 */
void vmb_model_counters(const struct vmb_model *m, struct vmb_counters *out)
{
	*out = m->c;
	out->gpuvm_requests += m->extra_requests;
	out->gpuvm_unmap += m->extra_unmaps;
}

/**
 * vmb_model_live() - what is alive now
 * @m: model
 * @out: receives the counts
 */
void vmb_model_live(const struct vmb_model *m, struct vmb_model_live *out)
{
	memset(out, 0, sizeof(*out));
	for (uint32_t i = 0; i < m->n_vms; i++)
		out->vms += m->vms[i] != NULL;
	for (uint32_t i = 0; i < m->n_bos; i++)
		out->bos += m->bos[i] != NULL;
	for (uint32_t i = 0; i < m->n_queues; i++)
		out->queues += m->queues[i] != NULL;
	for (uint32_t i = 0; i < m->n_syncobjs; i++)
		out->syncobjs += m->syncobjs[i] && m->syncobjs[i]->alive;
	out->mappings = m->live_vas;
	out->zombie_bytes = m->zombie_bytes;
	out->fence_held_bytes = m->fence_held_bytes;
}
