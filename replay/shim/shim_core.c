// SPDX-License-Identifier: MIT
/*
 * shim_core.c - the kernel side of the shim: the model instance, per-file
 * handle tables, object lifetimes (GEM handles, dma-bufs, syncobjs, VMs,
 * queues), the DRM core ioctls, and the dispatch that, like drm_ioctl(),
 * copies the argument into a zero-filled kernel buffer sized by the ioctl
 * number, calls the handler and copies back only for _IOC_READ commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "backends/shadow.h"
#include "shim_priv.h"
#include "uapi/drm_core.h"

struct shim_state shim;

static struct shim_vm **all_vms;
static uint32_t n_all_vms;
static bool userptr_seen; /* read without the lock by munmap() */

struct shim_vm **shim_all_vms(uint32_t *n)
{
	*n = n_all_vms;
	return all_vms;
}

struct shim_vm *shim_vm_by_id(uint32_t id)
{
	uint32_t i;

	for (i = 0; i < n_all_vms; i++)
		if (all_vms[i]->id == id)
			return all_vms[i];
	return NULL;
}

bool shim_userptr_active(void)
{
	return __atomic_load_n(&userptr_seen, __ATOMIC_ACQUIRE);
}

static const struct shim_driver *const drivers[] = {
    &shim_xe, &shim_amdgpu, &shim_nouveau, &shim_panthor, &shim_msm,
};

int shim_init(void)
{
	struct vmb_model_config cfg = {0};
	const char *name = getenv("VMB_SHIM_DRIVER");
	size_t i;

	if (shim.model)
		return 0;
	if (!name || !*name)
		name = "xe";
	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(drivers[i]->name, name) == 0)
			shim.drv = drivers[i];
	if (!shim.drv) {
		static bool said;

		if (!said)
			fprintf(stderr,
				"vmshim: unknown VMB_SHIM_DRIVER '%s' (xe, amdgpu, nouveau, "
				"panthor, msm); the render node will not open\n",
				name);
		said = true;
		return -ENODEV;
	}
	cfg.driver = shim.drv->driver;
	cfg.page_size = 4096;
	vmb_strategy_native(cfg.driver, &cfg.strat);
	cfg.params = vmb_model_params_default;
	shim_timed_init();
	shim.model = vmb_model_create(&cfg);
	if (!shim.model)
		return -ENOMEM;
	return shim_stats_setup();
}

/* ---- handle tables ----------------------------------------------------- */

uint32_t shim_table_add(struct shim_table *t, void *obj)
{
	uint32_t h;

	for (h = 1; h < t->n; h++)
		if (!t->p[h])
			break;
	if (h >= t->n) {
		uint32_t n = t->n ? t->n * 2 : 16;
		void **p = realloc(t->p, n * sizeof(*p));

		if (!p)
			return 0;
		memset(p + t->n, 0, (n - t->n) * sizeof(*p));
		t->p = p;
		t->n = n;
	}
	t->p[h] = obj;
	return h;
}

void *shim_table_get(const struct shim_table *t, uint32_t h)
{
	return h && h < t->n ? t->p[h] : NULL;
}

void *shim_table_remove(struct shim_table *t, uint32_t h)
{
	void *obj = shim_table_get(t, h);

	if (obj)
		t->p[h] = NULL;
	return obj;
}

/* ---- user pointers ---------------------------------------------------------- */

/*
 * Whether [p, p + len) lies in writable mappings, from /proc/self/maps.
 * process_vm_readv() refuses a mapping without PROT_READ, but a
 * PROT_WRITE-only one (IGT maps BOs so: xe_bo_map) is readable by the CPU
 * and by the kernel's copy_from_user() alike: a fault in a VMA with any
 * access right is served (arch/x86/mm/fault.c access_error).
 */
static bool user_writable(uint64_t p, uint64_t len)
{
	char buf[8192], *line, *nl;
	size_t have = 0;
	ssize_t n;
	int fd = shim_real_open("/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);

	if (fd < 0)
		return false;
	while (len && (n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += (size_t)n;
		buf[have] = 0;
		for (line = buf; len && (nl = strchr(line, '\n')); line = nl + 1) {
			unsigned long long lo, hi;
			char perm[5];

			*nl = 0;
			if (sscanf(line, "%llx-%llx %4s", &lo, &hi, perm) != 3 || hi <= p)
				continue;
			if (lo > p || perm[1] != 'w')
				goto out; /* a hole or a mapping without write */
			if (hi - p >= len)
				len = 0;
			else {
				len -= hi - p;
				p = hi;
			}
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
	}
out:
	close(fd);
	return !len;
}

void *shim_user(uint64_t p, uint64_t len, bool write)
{
	static char empty[1];
	char buf[4096];
	uint64_t done = 0;
	pid_t self = getpid();

	if (!len)
		return p ? (void *)(uintptr_t)p : empty;
	if (!p || p + len < p)
		return NULL;
	while (done < len) {
		size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		struct iovec local = {buf, n}, remote = {(void *)(uintptr_t)(p + done), n};

		if (process_vm_readv(self, &local, 1, &remote, 1, 0) != (ssize_t)n)
			return user_writable(p + done, len - done) ? (void *)(uintptr_t)p : NULL;
		if (write && process_vm_writev(self, &local, 1, &remote, 1, 0) != (ssize_t)n)
			return NULL;
		done += n;
	}
	return (void *)(uintptr_t)p;
}

/* ---- model calls ------------------------------------------------------------ */

int shim_model(const struct vmb_op *op, const struct vmb_bind_entry *binds,
	       const struct vmb_sync *syncs, const uint32_t *bos, uint64_t kernel_range)
{
	struct vmb_call call = {
	    .op = op, .binds = binds, .syncs = syncs, .bos = bos, .kernel_range = kernel_range};
	struct vmb_timing tm;

	int ret;

	shim_timed_catch_up();
	ret = vmb_model_exec(shim.model, &call, &tm);
	if (shim_timed && tm.done_ns)
		shim_timed_wake_at(tm.done_ns); /* a bind's end */
	if (!ret) {
		/* a fence may exist now that a waiter wants (waits change nothing) */
		if (op->kind != VMB_OP_WAIT)
			shim_model_gen++;
		shim_lock_wake();
	}
	return ret;
}

/* bumped by every model op that changed something (under the shim lock) */
uint64_t shim_model_gen;

int shim_bind(struct shim_vm *vm, uint32_t queue, const struct vmb_bind_entry *e, uint32_t n,
	      const struct vmb_sync *syncs, uint16_t n_in, uint16_t n_out)
{
	struct vmb_op op = {.kind = VMB_OP_BIND};
	uint32_t i;
	int ret;

	op.u.bind.vm = vm->id;
	op.u.bind.queue = queue;
	op.u.bind.n_binds = n;
	op.u.bind.n_in = n_in;
	op.u.bind.n_out = n_out;
	ret = shim_model(&op, e, syncs, NULL, 0);
	if (ret)
		return ret;
	vmb_shadow_apply(vm->shadow, e, n);
	for (i = 0; i < n; i++) {
		if (e[i].kind == VMB_BIND_UNMAP_ALL)
			vmb_shadow_drop_bo(vm->shadow, e[i].bo);
		if (e[i].kind == VMB_BIND_MAP_USERPTR)
			__atomic_store_n(&userptr_seen, true, __ATOMIC_RELEASE);
	}
	shim_gpu_gc();
	return 0;
}

int shim_submit_timed(uint32_t queue, const uint32_t *bos, uint32_t n_bos,
		      const struct vmb_sync *syncs, uint16_t n_in, uint16_t n_out, uint64_t gpu_ns,
		      struct vmb_timing *tm)
{
	struct vmb_op op = {.kind = VMB_OP_SUBMIT};
	struct vmb_call call = {.op = &op, .syncs = syncs, .bos = bos};
	int ret;

	op.u.submit.queue = queue;
	op.u.submit.n_bos = n_bos;
	op.u.submit.n_in = n_in;
	op.u.submit.n_out = n_out;
	op.u.submit.gpu_ns = gpu_ns;
	/*
	 * not caught up again: the model's clock is where the ioctl came in
	 * (shim_ioctl), so the shim's own work in it (reading the batch) does
	 * not delay the job
	 */
	if (!shim_timed)
		shim_timed_catch_up();
	ret = vmb_model_exec(shim.model, &call, tm);
	if (!ret && n_out)
		shim_lock_wake(); /* out-fences submitted: WAIT_FOR_SUBMIT waiters go on */
	return ret;
}

int shim_submit(uint32_t queue, const uint32_t *bos, uint32_t n_bos, const struct vmb_sync *syncs,
		uint16_t n_in, uint16_t n_out)
{
	struct vmb_timing tm;

	return shim_submit_timed(queue, bos, n_bos, syncs, n_in, n_out, 0, &tm);
}

/* ---- objects ----------------------------------------------------------------- */

struct shim_bo *shim_bo_get(struct shim_file *f, uint32_t handle)
{
	return shim_table_get(&f->bos, handle);
}

int shim_bo_new(struct shim_file *f, uint64_t size, uint8_t placement, uint32_t vm,
		uint32_t *handle)
{
	struct vmb_op op = {.kind = VMB_OP_BO_CREATE};
	struct shim_bo *bo;
	int ret;

	op.u.bo.bo = ++shim.next_id[VMB_CLASS_BO];
	op.u.bo.size = size;
	op.u.bo.placement = placement;
	op.u.bo.vm = vm;
	ret = shim_model(&op, NULL, NULL, NULL, 0);
	if (ret)
		return ret;
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return -ENOMEM;
	bo->id = op.u.bo.bo;
	bo->refs = 1;
	bo->size = size;
	bo->vm = vm;
	if (shim_gpu_bo_init(bo)) {
		free(bo);
		return -ENOMEM;
	}
	*handle = shim_table_add(&f->bos, bo);
	f->has_objects = true;
	return *handle ? 0 : -ENOMEM;
}

uint32_t shim_bo_add_userptr(struct shim_file *f, uint64_t addr, uint64_t size)
{
	struct shim_bo *bo = calloc(1, sizeof(*bo));

	if (!bo)
		return 0;
	bo->refs = 1;
	bo->size = size;
	bo->userptr = true;
	bo->cpu_addr = addr;
	return shim_table_add(&f->bos, bo);
}

/* closing a userptr BO (amdgpu) tears down the mappings made from it */
static void userptr_bo_release(struct shim_bo *bo)
{
	uint32_t i;

	for (i = 0; i < n_all_vms; i++) {
		struct shim_vm *vm = all_vms[i];
		struct vmb_gpuva *va;

		for (va = vm->shadow ? vmb_gpuvm_first(vm->shadow) : NULL; va;) {
			struct vmb_bind_entry e = {.kind = VMB_BIND_UNMAP};

			if (va->flags != VMB_SHADOW_USERPTR || va->offset < bo->cpu_addr ||
			    va->offset >= bo->cpu_addr + bo->size) {
				va = vmb_gpuva_next(va);
				continue;
			}
			e.va = va->va;
			e.range = va->range;
			if (shim_bind(vm, 0, &e, 1, NULL, 0, 0))
				break;
			va = vmb_gpuvm_first(vm->shadow); /* the walk restarts after a change */
		}
	}
}

/*
 * Close a BO on the model and drop from the drivers' overlap shadows the
 * mappings the close removed (a weak close: amdgpu's per-file teardown).
 */
static void bo_close_model(uint32_t id, const struct vmb_op *op)
{
	size_t n = vmb_model_bo_mappings(shim.model, id, NULL, 0);
	struct vmb_model_mapping *maps = n ? calloc(n, sizeof(*maps)) : NULL;

	if (maps)
		vmb_model_bo_mappings(shim.model, id, maps, n);
	shim_model(op, NULL, NULL, NULL, 0);
	for (size_t i = 0; maps && i < n; i++) {
		struct vmb_bind_entry e = {
		    .kind = VMB_BIND_UNMAP, .va = maps[i].va, .range = maps[i].range};

		if (vmb_model_has_mapping(shim.model, maps[i].vm, maps[i].va))
			continue;
		for (uint32_t k = 0; k < n_all_vms; k++)
			if (all_vms[k]->id == maps[i].vm && all_vms[k]->shadow)
				vmb_shadow_apply(all_vms[k]->shadow, &e, 1);
	}
	free(maps);
}

/* global GEM names (flink): the device's object_name_idr, slot 0 unused */
static struct shim_table flink_names;

void shim_bo_unref(struct shim_bo *bo)
{
	struct vmb_op op = {.kind = VMB_OP_BO_CLOSE};

	if (--bo->refs)
		return;
	if (bo->userptr) {
		userptr_bo_release(bo);
	} else {
		op.u.bo.bo = bo->id;
		bo_close_model(bo->id, &op);
		shim_gpu_bo_fini(bo);
	}
	if (bo->flink)
		shim_table_remove(&flink_names, bo->flink);
	free(bo->metadata);
	free(bo);
}

struct shim_syncobj *shim_syncobj_get(struct shim_file *f, uint32_t handle)
{
	return shim_table_get(&f->syncobjs, handle);
}

uint32_t shim_syncobj_use(struct shim_syncobj *s, bool timeline)
{
	struct vmb_op op = {.kind = VMB_OP_SYNCOBJ_CREATE};

	if (!s->created) {
		op.u.syncobj.syncobj = s->id;
		op.u.syncobj.timeline = timeline;
		op.u.syncobj.signaled = s->signaled;
		if (shim_model(&op, NULL, NULL, NULL, 0) == 0)
			s->created = true;
	}
	return s->id;
}

static void syncobj_unref(struct shim_syncobj *s)
{
	struct vmb_op op = {.kind = VMB_OP_SYNCOBJ_DESTROY};

	if (--s->refs)
		return;
	if (s->created) {
		op.u.syncobj.syncobj = s->id;
		shim_model(&op, NULL, NULL, NULL, 0);
	}
	free(s);
}

int shim_sync_resolve(struct shim_file *f, uint32_t handle, uint64_t point, struct vmb_sync *out)
{
	struct shim_syncobj *s = shim_syncobj_get(f, handle);

	if (!s)
		return -ENOENT;
	out->syncobj = shim_syncobj_use(s, point != 0);
	out->point = point;
	out->pad = 0;
	return 0;
}

int shim_sync_wait_resolve(struct shim_file *f, uint32_t handle, uint64_t point,
			   struct vmb_sync *out)
{
	uint64_t t;
	int ret = shim_sync_resolve(f, handle, point, out);

	if (ret)
		return ret;
	ret = vmb_model_syncobj_when(shim.model, out->syncobj, point, &t);
	return ret == -EAGAIN ? -EINVAL : ret;
}

struct shim_vm *shim_vm_new(uint64_t va_start, uint64_t va_range, uint64_t kstart, uint64_t krange,
			    uint32_t flags, int *err)
{
	struct vmb_op op = {.kind = VMB_OP_VM_CREATE};
	struct shim_vm *vm, **t;

	op.u.vm_create.vm = ++shim.next_id[VMB_CLASS_VM];
	op.u.vm_create.va_start = va_start;
	op.u.vm_create.va_range = va_range;
	op.u.vm_create.kernel_start = kstart;
	op.u.vm_create.flags = flags;
	vm = calloc(1, sizeof(*vm));
	t = realloc(all_vms, (n_all_vms + 1) * sizeof(*t));
	if (t)
		all_vms = t;
	if (!vm || !t) {
		free(vm);
		*err = -ENOMEM;
		return NULL;
	}
	*err = shim_model(&op, NULL, NULL, NULL, krange);
	if (*err) {
		free(vm);
		return NULL;
	}
	vm->id = op.u.vm_create.vm;
	vm->va_end = va_start + va_range;
	vm->shadow = vmb_shadow_create(va_start, va_range, kstart, krange);
	all_vms[n_all_vms++] = vm;
	return vm;
}

void shim_vm_free(struct shim_vm *vm)
{
	struct vmb_op op = {.kind = VMB_OP_VM_DESTROY};
	uint32_t i;

	if (!vm)
		return;
	if (shim_timed)
		shim_timed_vm_gone(vm->id);
	op.u.vm_destroy.vm = vm->id;
	shim_model(&op, NULL, NULL, NULL, 0);
	for (i = 0; i < n_all_vms; i++)
		if (all_vms[i] == vm)
			all_vms[i] = all_vms[--n_all_vms];
	if (vm->shadow)
		vmb_gpuvm_destroy(vm->shadow);
	free(vm->regions);
	free(vm);
	shim_gpu_gc();
}

int shim_queue_new(struct shim_file *f, struct shim_vm *vm, enum vmb_engine engine,
		   uint32_t *handle)
{
	struct vmb_op op = {.kind = VMB_OP_QUEUE_CREATE};
	struct shim_queue *q;
	int ret;

	op.u.queue.queue = ++shim.next_id[VMB_CLASS_QUEUE];
	op.u.queue.vm = vm->id;
	op.u.queue.engine = engine;
	ret = shim_model(&op, NULL, NULL, NULL, 0);
	if (ret)
		return ret;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->id = op.u.queue.queue;
	q->vm = vm->id;
	q->engine = engine;
	*handle = shim_table_add(&f->queues, q);
	f->has_objects = true;
	return *handle ? 0 : -ENOMEM;
}

int shim_queue_free(struct shim_file *f, uint32_t handle)
{
	struct vmb_op op = {.kind = VMB_OP_QUEUE_DESTROY};
	struct shim_queue *q = shim_table_remove(&f->queues, handle);

	if (!q)
		return -ENOENT;
	op.u.queue.queue = q->id;
	shim_timed_queue_gone(q);
	shim_xe_held_queue_gone(q);
	free(q);
	return shim_model(&op, NULL, NULL, NULL, 0);
}

/* ---- files ------------------------------------------------------------------ */

struct shim_file *shim_file_create(int minor)
{
	struct shim_file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->refs = 1;
	f->minor = minor;
	if (shim.drv->open && shim.drv->open(f)) {
		free(f);
		return NULL;
	}
	return f;
}

/* the last fd went: release everything the file owns, as the kernel does */
void shim_file_put(struct shim_file *f)
{
	uint32_t h;

	if (--f->refs)
		return;
	for (h = 1; h < f->queues.n; h++)
		if (f->queues.p[h])
			shim_queue_free(f, h);
	for (h = 1; h < f->vms.n; h++)
		if (f->vms.p[h])
			shim_vm_free(shim_table_remove(&f->vms, h));
	shim_vm_free(f->file_vm);
	for (h = 1; h < f->bos.n; h++)
		if (f->bos.p[h])
			shim_bo_unref(shim_table_remove(&f->bos, h));
	for (h = 1; h < f->syncobjs.n; h++)
		if (f->syncobjs.p[h])
			syncobj_unref(shim_table_remove(&f->syncobjs, h));
	for (h = 1; h < f->bo_lists.n; h++)
		if (f->bo_lists.p[h])
			shim_bo_list_free(shim_table_remove(&f->bo_lists, h));
	free(f->bo_lists.p);
	free(f->queues.p);
	free(f->vms.p);
	free(f->bos.p);
	free(f->syncobjs.p);
	free(f);
}

/* ---- core ioctls -------------------------------------------------------------- */

static int copy_field(char *dst, uint64_t *len, const char *src)
{
	size_t n = strlen(src), m = n < *len ? n : *len;

	if (dst && m) {
		dst = shim_user((uintptr_t)dst, m, true);
		if (!dst)
			return -EFAULT;
		memcpy(dst, src, m);
	}
	*len = n;
	return 0;
}

static int core_version(struct shim_file *f, void *arg)
{
	struct vmb_drm_version *v = arg;

	v->version_major = shim.drv->major;
	v->version_minor = shim.drv->minor;
	v->version_patchlevel = shim.drv->patch;
	if (copy_field(v->name, &v->name_len, shim.drv->name) ||
	    copy_field(v->date, &v->date_len, "20260101") ||
	    copy_field(v->desc, &v->desc_len,
		       shim_timed ? "vmbench shim (model, timed GPU)" : "vmbench shim (model)"))
		return -EFAULT;
	return 0;
}

/* struct drm_client of DRM_IOCTL_GET_CLIENT */
struct shim_drm_client {
	int idx, auth;
	unsigned long pid, uid, magic, iocs;
};

/* drm_getclient(): only the caller itself (idx 0), authenticated on a primary node */
static int core_get_client(struct shim_file *f, void *arg)
{
	struct shim_drm_client *c = arg;

	if (c->idx)
		return -EINVAL;
	c->auth = 1;
	c->pid = (unsigned long)getpid();
	c->uid = (unsigned long)getuid();
	c->magic = 0;
	c->iocs = 0;
	return 0;
}

static int core_get_cap(struct shim_file *f, void *arg)
{
	struct vmb_drm_get_cap *c = arg;

	switch (c->capability) {
	case VMB_DRM_CAP_SYNCOBJ:
	case VMB_DRM_CAP_SYNCOBJ_TIMELINE:
		c->value = 1;
		return 0;
	case VMB_DRM_CAP_PRIME:
		c->value = VMB_DRM_PRIME_CAP_IMPORT | VMB_DRM_PRIME_CAP_EXPORT;
		return 0;
	default:
		return -EINVAL;
	}
}

static int core_gem_close(struct shim_file *f, void *arg)
{
	struct vmb_drm_gem_close *c = arg;
	struct shim_bo *bo = shim_table_remove(&f->bos, c->handle);

	if (!bo)
		return -EINVAL;
	shim_bo_unref(bo);
	return 0;
}

/* drm_gem_flink_ioctl: one name per object, kept until the object goes */
static int core_gem_flink(struct shim_file *f, void *arg)
{
	struct vmb_drm_gem_flink *a = arg;
	struct shim_bo *bo = shim_bo_get(f, a->handle);

	if (!bo)
		return -ENOENT;
	if (!bo->flink) {
		bo->flink = shim_table_add(&flink_names, bo);
		if (!bo->flink)
			return -ENOMEM;
	}
	a->name = bo->flink;
	return 0;
}

/* drm_gem_open_ioctl: a new handle of the named object, and its size */
static int core_gem_open(struct shim_file *f, void *arg)
{
	struct vmb_drm_gem_open *a = arg;
	struct shim_bo *bo = shim_table_get(&flink_names, a->name);
	uint32_t h;

	if (!bo)
		return -ENOENT;
	h = shim_table_add(&f->bos, bo);
	if (!h)
		return -ENOMEM;
	bo->refs++;
	a->handle = h;
	a->size = bo->size;
	return 0;
}

static int core_prime(struct shim_file *f, unsigned int nr, void *arg)
{
	struct vmb_drm_prime_handle *p = arg;
	struct shim_bo *bo;
	uint32_t h;
	void *obj;

	if (nr == 0x2d) { /* HANDLE_TO_FD */
		bo = shim_bo_get(f, p->handle);
		if (!bo)
			return -ENOENT;
		if (bo->vm || bo->userptr)
			return -EINVAL; /* VM-private and userptr BOs cannot be exported */
		p->fd = shim_fake_fd();
		if (p->fd < 0)
			return -EMFILE;
		bo->refs++;
		shim_fd_set(p->fd, SHIM_FD_DMABUF, bo);
		return 0;
	}
	if (shim_fd_get(p->fd, &obj) != SHIM_FD_DMABUF)
		return -EBADF;
	bo = obj;
	for (h = 1; h < f->bos.n; h++)
		if (f->bos.p[h] == bo) {
			p->handle = h;
			return 0;
		}
	bo->refs++;
	p->handle = shim_table_add(&f->bos, bo);
	return p->handle ? 0 : -ENOMEM;
}

int shim_syncobj_new(struct shim_file *f, bool signaled, uint32_t *handle)
{
	struct shim_syncobj *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->id = ++shim.next_id[VMB_CLASS_SYNCOBJ];
	s->refs = 1;
	s->signaled = signaled;
	*handle = shim_table_add(&f->syncobjs, s);
	if (!*handle) {
		free(s);
		return -ENOMEM;
	}
	return 0;
}

static int core_syncobj_create(struct shim_file *f, void *arg)
{
	struct vmb_drm_syncobj_create *c = arg;

	if (c->flags & ~VMB_DRM_SYNCOBJ_CREATE_SIGNALED)
		return -EINVAL;
	return shim_syncobj_new(f, c->flags & VMB_DRM_SYNCOBJ_CREATE_SIGNALED, &c->handle);
}

void shim_syncobj_release(struct shim_file *f, uint32_t handle)
{
	struct shim_syncobj *s = shim_table_remove(&f->syncobjs, handle);

	if (s)
		syncobj_unref(s);
}

int shim_syncobj_export(struct shim_file *f, uint32_t handle)
{
	struct shim_syncobj *s = shim_syncobj_get(f, handle);
	int fd;

	if (!s)
		return -ENOENT;
	fd = shim_fake_fd();
	if (fd < 0)
		return -EMFILE;
	s->refs++;
	shim_fd_set(fd, SHIM_FD_SYNCOBJ, s);
	return fd;
}

static int core_syncobj_destroy(struct shim_file *f, void *arg)
{
	struct vmb_drm_syncobj_destroy *d = arg;
	struct shim_syncobj *s;

	if (d->pad)
		return -EINVAL;
	s = shim_table_remove(&f->syncobjs, d->handle);
	if (!s)
		return -EINVAL;
	syncobj_unref(s);
	return 0;
}

/*
 * drm_syncobj_export_sync_file / drm_syncobj_import_sync_file_fence, on the
 * model's sync_files (model_sync_file_export/_import): export wraps the
 * syncobj's fence of the moment (-EINVAL when it has none, as
 * drm_syncobj_find_fence answers), import replaces the syncobj's fence with
 * the sync_file's. Only sync_files the shim made are accepted (-EINVAL
 * otherwise, sync_file_get_fence). The fd is an eventfd holding 1, readable
 * as a signaled sync_file is, so export first waits in the model until the
 * fence has signaled (the shim's GPU finishes what it is given).
 */
static int syncobj_sync_file(struct shim_file *f, unsigned int nr, struct vmb_drm_syncobj_handle *a)
{
	struct vmb_op op = {.kind = VMB_OP_WAIT};
	struct vmb_sync s;
	void *obj = NULL;
	int ret, fd;

	if (nr == 0xc1 ? a->flags != VMB_DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE
		       : a->flags != VMB_DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE)
		return -EINVAL;
	if (nr == 0xc2 && shim_fd_get(a->fd, &obj) != SHIM_FD_SYNC_FILE)
		return -EINVAL;
	ret = shim_sync_resolve(f, a->handle, 0, &s);
	if (ret)
		return ret;
	if (nr == 0xc2) {
		op.kind = VMB_OP_SYNC_FILE_IMPORT;
		op.u.sync_file.syncobj = s.syncobj;
		op.u.sync_file.sync_file = (uint32_t)(uintptr_t)obj;
		return shim_model(&op, NULL, NULL, NULL, 0);
	}
	op.u.wait.n = 1;
	op.u.wait.all = true;
	op.u.wait.timeout_ns = UINT64_MAX;
	ret = shim_model(&op, NULL, &s, NULL, 0);
	if (ret)
		return ret;
	fd = eventfd(1, EFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&op, 0, sizeof(op));
	op.kind = VMB_OP_SYNC_FILE_EXPORT;
	op.u.sync_file.syncobj = s.syncobj;
	op.u.sync_file.sync_file = (uint32_t)fd + 1;
	ret = shim_model(&op, NULL, NULL, NULL, 0);
	if (ret) {
		close(fd);
		return ret;
	}
	shim_fd_set(fd, SHIM_FD_SYNC_FILE, (void *)(uintptr_t)op.u.sync_file.sync_file);
	a->fd = fd;
	return 0;
}

/*
 * drm_syncobj_reset_ioctl: every handle looked up first, then each fence
 * replaced by NULL (model_syncobj_reset). A syncobj the model has not seen
 * yet holds at most the signaled fence it was created with.
 */
static int syncobj_reset(struct shim_file *f, const uint32_t *h, uint32_t n)
{
	struct vmb_op op = {.kind = VMB_OP_SYNCOBJ_RESET};
	uint32_t *ids, i, k = 0;
	int ret = 0;

	for (i = 0; i < n; i++)
		if (!shim_syncobj_get(f, h[i]))
			return -ENOENT;
	ids = calloc(n, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct shim_syncobj *s = shim_syncobj_get(f, h[i]);

		if (s->created)
			ids[k++] = s->id;
		else
			s->signaled = false;
	}
	op.u.reset.n = k;
	if (k)
		ret = shim_model(&op, NULL, NULL, ids, 0);
	free(ids);
	return ret;
}

static int core_syncobj_fd(struct shim_file *f, unsigned int nr, void *arg)
{
	struct vmb_drm_syncobj_handle *a = arg;
	struct shim_syncobj *s;
	void *obj;

	if (a->pad)
		return -EINVAL;
	if (a->flags)
		return syncobj_sync_file(f, nr, a);
	if (nr == 0xc1) {
		int fd = shim_syncobj_export(f, a->handle);

		if (fd < 0)
			return fd;
		a->fd = fd;
		return 0;
	}
	if (shim_fd_get(a->fd, &obj) != SHIM_FD_SYNCOBJ)
		return -EINVAL;
	s = obj;
	s->refs++;
	a->handle = shim_table_add(&f->syncobjs, s);
	return a->handle ? 0 : -ENOMEM;
}

/*
 * drm_syncobj_transfer_ioctl: dst looked up, then src's fence moved to a
 * point of dst or in place of dst's fence (model_transfer). With
 * WAIT_FOR_SUBMIT the timed GPU sleeps until the source fence is submitted
 * (by another thread) or 5 s have passed (-ETIME).
 */
static int syncobj_transfer(struct shim_file *f, struct vmb_drm_syncobj_transfer *t)
{
	struct vmb_op op = {.kind = VMB_OP_TRANSFER};
	struct vmb_sync s[2];
	int ret = 0;

	if (t->pad)
		return -EINVAL;
	if (!shim_syncobj_get(f, t->dst_handle))
		return -ENOENT;
	f->refs++; /* the kernel holds the file for the length of the ioctl */
	if (t->flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT) {
		/* drm_syncobj_find_fence() on the source waits for its submit */
		ret = shim_sync_wait_submit(f, t->src_handle, t->src_point);
		op.u.transfer.flags = VMB_TRANSFER_F_WAIT_FOR_SUBMIT;
	}
	if (!ret)
		ret = shim_sync_resolve(f, t->src_handle, t->src_point, &s[0]);
	if (!ret)
		ret = shim_sync_resolve(f, t->dst_handle, t->dst_point, &s[1]);
	if (!ret)
		ret = shim_model(&op, NULL, s, NULL, 0);
	shim_file_put(f);
	return ret;
}

/* the first of @n syncs whose point is reached by model time @t, or -1; *@got: how many */
static int syncs_reached(const struct vmb_sync *s, uint32_t n, uint64_t t, uint32_t *got)
{
	int first = -1;
	uint32_t i;

	*got = 0;
	for (i = 0; i < n; i++) {
		uint64_t p = 0;

		if (!vmb_model_syncobj_point(shim.model, s[i].syncobj, t, &p) &&
		    p >= (s[i].point ? s[i].point : 1)) {
			(*got)++;
			if (first < 0)
				first = (int)i;
		}
	}
	return first;
}

/* the CLOCK_MONOTONIC time the first known, unsignalled fence signals, at most @until */
static uint64_t syncs_next(const struct vmb_sync *s, uint32_t n, uint64_t until)
{
	uint64_t now = vmb_model_now(shim.model), t;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!vmb_model_syncobj_when(shim.model, s[i].syncobj, s[i].point, &t) && t > now &&
		    shim_timed_real(t) < until)
			until = shim_timed_real(t);
	return until;
}

/* drm_syncobj.c: how long a kernel-side WAIT_FOR_SUBMIT lookup waits */
#define SYNCOBJ_WAIT_FOR_SUBMIT_NS 5000000000ull

/*
 * shim_sync_wait_submit() - drm_syncobj_find_fence() with
 * DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT: wait, with the shim lock
 * released, until a fence for @point of @handle is submitted (by another
 * thread: a job's out-fence, a host signal, an import), at most 5 s
 * (-ETIME). -ENOENT for an unknown handle. The caller holds a reference on
 * @f.
 */
int shim_sync_wait_submit(struct shim_file *f, uint32_t handle, uint64_t point)
{
	uint64_t end = shim_now_ns() + SYNCOBJ_WAIT_FOR_SUBMIT_NS;

	for (;;) {
		struct vmb_sync s;
		uint32_t got;
		int ret = shim_sync_resolve(f, handle, point, &s);

		if (ret)
			return ret;
		syncs_reached(&s, 1, UINT64_MAX, &got);
		if (got)
			return 0;
		if (shim_now_ns() >= end)
			return -ETIME;
		shim_lock_sleep(end);
	}
}

/*
 * The timed GPU's wait: the fences have signalled when the model's signal
 * times are reached by real time; until then sleep with the shim lock
 * released until a job or bind completes, a fence is submitted or
 * signalled, or the timeout.
 */
static int syncobj_wait_timed(struct shim_file *f, const uint32_t *handles, const uint64_t *points,
			      uint32_t n, int64_t timeout_abs, uint32_t flags)
{
	struct vmb_op op = {.kind = VMB_OP_WAIT};
	struct vmb_sync *s = calloc(n, sizeof(*s));
	bool all = flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL;
	bool avail = flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE;
	bool for_submit = flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
	int ret = 0;

	if (!s)
		return -ENOMEM;
	f->refs++; /* the kernel holds the file for the length of the ioctl */
	for (;;) {
		uint32_t i, got, known;
		int first;

		for (i = 0, ret = 0; i < n && !ret; i++)
			ret = shim_sync_resolve(f, handles[i], points ? points[i] : 0, &s[i]);
		if (ret)
			break;
		shim_timed_catch_up();
		first = syncs_reached(s, n, avail ? UINT64_MAX : vmb_model_now(shim.model), &got);
		if (all ? got == n : got > 0) {
			if (avail)
				break;
			/* the model orders the CPU after what it waited for */
			op.u.wait.n = (uint16_t)(all ? n : 1);
			op.u.wait.all = all;
			op.u.wait.timeout_ns = 0;
			ret = shim_model(&op, NULL, all ? s : &s[first], NULL, 0);
			break;
		}
		syncs_reached(s, n, UINT64_MAX, &known);
		if (!for_submit && !avail && known < n) {
			ret = -EINVAL; /* a syncobj without a fence */
			break;
		}
		ret = -ETIME;
		if (timeout_abs <= 0 || (int64_t)shim_now_ns() >= timeout_abs)
			break;
		/* sleep until the first fence due to signal does (or something happens) */
		shim_lock_sleep(syncs_next(s, n, (uint64_t)timeout_abs));
	}
	free(s);
	shim_file_put(f);
	return ret;
}

static int syncobj_wait(struct shim_file *f, const uint32_t *handles, const uint64_t *points,
			uint32_t n, int64_t timeout_abs, uint32_t flags)
{
	struct vmb_op op = {.kind = VMB_OP_WAIT};
	struct vmb_sync *s;
	uint64_t now = shim_now_ns();
	uint32_t i;
	int ret = 0;

	if (!n || flags & ~0xfu)
		return -EINVAL;
	if (!handles)
		return -EFAULT;
	if (shim_timed)
		return syncobj_wait_timed(f, handles, points, n, timeout_abs, flags);
	s = calloc(n, sizeof(*s));
	if (!s)
		return -ENOMEM;
	f->refs++; /* the kernel holds the file for the length of the ioctl */
	/*
	 * drm_syncobj_array_wait_timeout: a syncobj without a fence for its
	 * point is -EINVAL, unless WAIT_FOR_SUBMIT / WAIT_AVAILABLE: then wait
	 * (shim lock released) until another thread submits one, or time out
	 */
	for (uint64_t gen = shim_model_gen, active = now;;) {
		uint32_t known = 0, ready = 0, k;
		bool avail = flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE;

		if (shim.dead) { /* the device was lost while this thread slept */
			ret = -ENODEV;
			break;
		}
		for (i = 0, ret = 0; i < n && !ret; i++)
			ret = shim_sync_resolve(f, handles[i], points ? points[i] : 0, &s[i]);
		if (ret)
			break;
		/*
		 * the fences that can be waited for now, first (any-of waits on
		 * those alone): in the model, and not those of xe jobs held
		 * behind a spinner (shim_xe_held.c), which exist but have not
		 * signalled
		 */
		for (i = 0; i < n; i++) {
			bool h = shim_xe_sync_held(&s[i]);

			syncs_reached(&s[i], 1, UINT64_MAX, &k);
			known += k || h;
			if (k && (!h || avail)) {
				struct vmb_sync t = s[ready];

				s[ready++] = s[i];
				s[i] = t;
			}
		}
		if (ready && (ready == n || !(flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL)))
			break;
		if (avail && known == n) {
			free(s);
			shim_file_put(f);
			return 0; /* held fences exist: available, nothing to wait for */
		}
		if (known < n && !(flags & (VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT |
					    VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE))) {
			ret = -EINVAL;
			break;
		}
		now = shim_now_ns();
		if (timeout_abs <= 0 || (int64_t)now >= timeout_abs) {
			ret = -ETIME;
			break;
		}
		if (known == n) {
			shim_lock_sleep((uint64_t)timeout_abs); /* held fences: they will signal */
			continue;
		}
		/*
		 * A fence not submitted yet: another thread may submit it (Mesa's
		 * queue submission threads do). After SHIM_WAIT_IDLE_NS without
		 * any change to the model nothing is coming (a single-threaded
		 * program would block forever in the kernel): -ETIME, said on
		 * stderr, rather than a hang.
		 */
		if (gen != shim_model_gen) {
			gen = shim_model_gen;
			active = now;
		}
		if (now - active >= SHIM_WAIT_IDLE_NS) {
			shim_say_once(VMB_DRM_IOCTL_SYNCOBJ_WAIT,
				      "a wait for submit saw no submission for %llu ms: -ETIME "
				      "(the kernel would keep waiting)",
				      SHIM_WAIT_IDLE_NS / 1000000ull);
			ret = -ETIME;
			break;
		}
		shim_lock_sleep((uint64_t)timeout_abs < active + SHIM_WAIT_IDLE_NS
				    ? (uint64_t)timeout_abs
				    : active + SHIM_WAIT_IDLE_NS);
	}
	if (!ret) {
		now = shim_now_ns();
		op.u.wait.n = (uint16_t)(flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL ? n : 1);
		op.u.wait.all = flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL;
		op.u.wait.timeout_ns = timeout_abs > (int64_t)now ? (uint64_t)timeout_abs - now : 0;
		if (flags & VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE)
			op.u.wait.timeout_ns = UINT64_MAX; /* a fence is there */
		ret = shim_model(&op, NULL, s, NULL, 0);
	}
	free(s);
	shim_file_put(f);
	return ret;
}

static int syncobj_signal(struct shim_file *f, const uint32_t *handles, const uint64_t *points,
			  uint32_t n)
{
	struct vmb_op op = {.kind = VMB_OP_SIGNAL};
	struct vmb_sync *s;
	uint32_t i;
	int ret = 0;

	if (!n)
		return -EINVAL;
	if (!handles)
		return -EFAULT;
	s = calloc(n, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++)
		ret = shim_sync_resolve(f, handles[i], points ? points[i] : 0, &s[i]);
	if (!ret) {
		op.u.wait.n = (uint16_t)n;
		ret = shim_model(&op, NULL, s, NULL, 0);
	}
	free(s);
	if (shim_timed)
		shim_lock_wake();
	return ret;
}

static int core_syncobj(struct shim_file *f, unsigned int nr, void *arg)
{
	switch (nr) {
	case 0xc3: {
		struct vmb_drm_syncobj_wait *w = arg;

		return syncobj_wait(f, shim_user(w->handles, w->count_handles * 4ull, false), NULL,
				    w->count_handles, w->timeout_nsec, w->flags);
	}
	case 0xca: {
		struct vmb_drm_syncobj_timeline_wait *w = arg;

		const uint64_t *p = shim_user(w->points, w->count_handles * 8ull, false);

		if (!p)
			return -EFAULT;
		return syncobj_wait(f, shim_user(w->handles, w->count_handles * 4ull, false), p,
				    w->count_handles, w->timeout_nsec, w->flags);
	}
	case 0xc4:
	case 0xc5: {
		struct vmb_drm_syncobj_array *a = arg;
		const uint32_t *h = shim_user(a->handles, a->count_handles * 4ull, false);

		if (a->pad || !a->count_handles)
			return -EINVAL;
		if (!h)
			return -EFAULT;
		if (nr == 0xc5)
			return syncobj_signal(f, h, NULL, a->count_handles);
		return syncobj_reset(f, h, a->count_handles);
	}
	case 0xcb: {
		struct vmb_drm_syncobj_timeline_array *a = arg;
		const uint32_t *h = shim_user(a->handles, a->count_handles * 4ull, false);
		uint64_t *p = shim_user(a->points, a->count_handles * 8ull, true);
		uint32_t i;

		if (!h || !p)
			return -EFAULT;

		for (i = 0; i < a->count_handles; i++) {
			struct shim_syncobj *s = shim_syncobj_get(f, h[i]);

			if (!s)
				return -ENOENT;
			p[i] = 0;
			/*
			 * the point signalled by now: on the instant GPU every
			 * submitted job has run to completion (its fences are
			 * signalled, whatever the model's own clock says), on the
			 * timed one the model's clock is real time
			 */
			if (s->created)
				vmb_model_syncobj_point(
				    shim.model, s->id,
				    shim_timed ? vmb_model_now(shim.model) : UINT64_MAX, &p[i]);
		}
		return 0;
	}
	case 0xcc:
		return syncobj_transfer(f, arg);
	case 0xcd: {
		struct vmb_drm_syncobj_timeline_array *a = arg;
		const uint64_t *p = shim_user(a->points, a->count_handles * 8ull, false);

		if (!p)
			return -EFAULT;
		return syncobj_signal(f, shim_user(a->handles, a->count_handles * 4ull, false), p,
				      a->count_handles);
	}
	default:
		return -EOPNOTSUPP; /* SYNCOBJ_EVENTFD is not modelled */
	}
}

static int core_ioctl(struct shim_file *f, unsigned int nr, void *arg)
{
	switch (nr) {
	case 0x00:
		return core_version(f, arg);
	case 0x05:
		return core_get_client(f, arg);
	case 0x02: /* GET_MAGIC: the one client is authenticated already */
		*(uint32_t *)arg = 1;
		return 0;
	case 0x11: /* AUTH_MAGIC */
		return 0;
	case 0x09:
		return core_gem_close(f, arg);
	case 0x0a:
		return core_gem_flink(f, arg);
	case 0x0b:
		return core_gem_open(f, arg);
	case 0x0c:
		return core_get_cap(f, arg);
	case 0x2d:
	case 0x2e:
		return core_prime(f, nr, arg);
	case 0xbf:
		return core_syncobj_create(f, arg);
	case 0xc0:
		return core_syncobj_destroy(f, arg);
	case 0xc1:
	case 0xc2:
		return core_syncobj_fd(f, nr, arg);
	case 0xc3:
	case 0xc4:
	case 0xc5:
	case 0xca:
	case 0xcb:
	case 0xcc:
	case 0xcd:
	case 0xcf:
		return core_syncobj(f, nr, arg);
	default:
		return -EINVAL;
	}
}

/* the core ioctls the shim serves, for the stats */
static const char *const core_names[256] = {
    [0x00] = "VERSION",
    [0x02] = "GET_MAGIC",
    [0x05] = "GET_CLIENT",
    [0x11] = "AUTH_MAGIC",
    [0x09] = "GEM_CLOSE",
    [0x0a] = "GEM_FLINK",
    [0x0b] = "GEM_OPEN",
    [0x0c] = "GET_CAP",
    [0x2d] = "PRIME_HANDLE_TO_FD",
    [0x2e] = "PRIME_FD_TO_HANDLE",
    [0xbf] = "SYNCOBJ_CREATE",
    [0xc0] = "SYNCOBJ_DESTROY",
    [0xc1] = "SYNCOBJ_HANDLE_TO_FD",
    [0xc2] = "SYNCOBJ_FD_TO_HANDLE",
    [0xc3] = "SYNCOBJ_WAIT",
    [0xc4] = "SYNCOBJ_RESET",
    [0xc5] = "SYNCOBJ_SIGNAL",
    [0xca] = "SYNCOBJ_TIMELINE_WAIT",
    [0xcb] = "SYNCOBJ_QUERY",
    [0xcc] = "SYNCOBJ_TRANSFER",
    [0xcd] = "SYNCOBJ_TIMELINE_SIGNAL",
    [0xcf] = "SYNCOBJ_EVENTFD",
};

/*
 * shim_say_once() - tell on stderr, once per ioctl number, that the shim
 * failed an ioctl a real kernel would have served: a driver that then
 * gives up should not leave the user guessing
 */
void shim_say_once(unsigned long req, const char *fmt, ...)
{
	static bool said[2][256];
	unsigned int nr = _IOC_NR(req);
	bool drv = nr >= VMB_DRM_COMMAND_BASE && nr < 0xa0;
	va_list ap;

	if (said[drv][nr] || getenv("VMB_SHIM_QUIET"))
		return;
	said[drv][nr] = true;
	fprintf(stderr, "vmshim: ioctl 0x%08lx (nr 0x%02x): ", req, nr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *shim_ioctl_name(unsigned long req)
{
	unsigned int nr = _IOC_NR(req);

	if (nr >= VMB_DRM_COMMAND_BASE && nr < 0xa0) {
		nr -= VMB_DRM_COMMAND_BASE;
		return shim.drv && nr < shim.drv->n_ioctls ? shim.drv->ioctls[nr].name : NULL;
	}
	return core_names[nr];
}

int shim_ioctl(struct shim_file *f, unsigned long req, void *arg)
{
	unsigned int nr = _IOC_NR(req), size = _IOC_SIZE(req), dir = _IOC_DIR(req);
	const struct shim_ioctl *ent = NULL;
	const char *name;
	uint64_t kbuf[64];
	int ret;

	if (_IOC_TYPE(req) != VMB_DRM_IOCTL_BASE)
		return -ENOTTY;
	name = shim_ioctl_name(req);
	if (!name) {
		shim.unknown_ioctls++;
		shim_say_once(req, "not a %s ioctl the shim knows", shim.drv->name);
		return -EINVAL; /* drm_ioctl: no such ioctl number */
	}
	shim.ioctl_count[nr >= VMB_DRM_COMMAND_BASE && nr < 0xa0][nr]++;
	shim_timed_catch_up();
	ret = shim_inject(name);
	if (ret)
		return ret;
	if ((nr == 0x02 || nr == 0x05 || nr == 0x0a || nr == 0x0b || nr == 0x11) && f->minor >= 64)
		return -EACCES; /* drm_ioctl_permit: not DRM_RENDER_ALLOW */
	if (nr >= VMB_DRM_COMMAND_BASE && nr < 0xa0) {
		ent = &shim.drv->ioctls[nr - VMB_DRM_COMMAND_BASE];
		if (!ent->fn) {
			shim_say_once(req, "%s_%s is not served", shim.drv->name, name);
			return -EINVAL;
		}
	}
	if (size > sizeof(kbuf))
		return -EINVAL;
	memset(kbuf, 0, sizeof(kbuf));
	/* drm_ioctl: copy_from_user / copy_to_user, -EFAULT on a bad pointer */
	if ((dir & _IOC_WRITE) && size) {
		if (!shim_user((uintptr_t)arg, size, false))
			return -EFAULT;
		memcpy(kbuf, arg, size);
	}
	ret = ent ? ent->fn(f, req, kbuf) : core_ioctl(f, nr, kbuf);
	shim_timed_settle();
	if ((dir & _IOC_READ) && size) { /* drm_ioctl copies back whatever the result */
		if (!shim_user((uintptr_t)arg, size, true))
			return -EFAULT;
		memcpy(arg, kbuf, size);
	}
	return ret;
}
