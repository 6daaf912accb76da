// SPDX-License-Identifier: MIT
/*
 * decode_nouveau.c - nouveau ioctls (VM_BIND mode, 6.6+) into trace ops.
 *
 * nouveau has one VM per open file, switched on by VM_INIT.
 *
 *   VM_INIT -> vm_create of the file's VM with the kernel-managed window as
 *     kernel_start/kernel_range
 *   GEM_NEW -> bo_create (VRAM only -> "vram", GART only -> "system";
 *     NO_SHARE -> private to the VM)
 *   CHANNEL_ALLOC/FREE -> queue_create/destroy (engine "render")
 *   VM_BIND -> one bind with every op: MAP with a BO -> map (hw = PTE kind),
 *     MAP+SPARSE -> map_null (a sparse region), UNMAP+SPARSE -> unmap; an
 *     UNMAP -> unmap outside the file's sparse regions and map_null inside
 *     them (the kernel brings a region's sparse PTEs back there); waits ->
 *     in, signals -> out; a bind without RUN_ASYNC is synchronous and
 *     marked x_sync_bind. The regions are kept per fd from the binds as
 *     they are issued (a bind the kernel refuses still counts).
 *   EXEC -> submit (no BO list in VM_BIND mode)
 * Ignored: GETPARAM, GEM_INFO, GEM_CPU_PREP/FINI. Legacy GEM_PUSHBUF is raw.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "capture.h"
#include "uapi/nouveau.h"

#define NOUVEAU_GEM_CPU_PREP 0x42
#define NOUVEAU_GEM_CPU_FINI 0x43

static enum cap_class nouveau_classify(unsigned long req, uint32_t *pre_bytes)
{
	(void)pre_bytes;
	switch (_IOC_NR(req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_NOUVEAU_VM_INIT:
	case VMB_DRM_NOUVEAU_GEM_NEW:
	case VMB_DRM_NOUVEAU_CHANNEL_ALLOC:
		return CAP_ORDERED;
	case VMB_DRM_NOUVEAU_CHANNEL_FREE:
	case VMB_DRM_NOUVEAU_VM_BIND:
		return CAP_ORDERED;
	case VMB_DRM_NOUVEAU_EXEC:
		return CAP_ENTER;
	case VMB_DRM_NOUVEAU_GETPARAM:
	case VMB_DRM_NOUVEAU_GEM_INFO:
	case NOUVEAU_GEM_CPU_PREP:
	case NOUVEAU_GEM_CPU_FINI:
		return CAP_IGNORE;
	default:
		return CAP_RAW;
	}
}

static bool nouveau_syncs(const struct cap_call *c, struct cap_build *b, uint64_t ptr, uint32_t n)
{
	const struct vmb_nouveau_sync *s = cap_user(c, ptr, (size_t)n * sizeof(*s));

	if (n && !s)
		return false;
	for (uint32_t i = 0; i < n; i++)
		cap_build_sync(b, s[i].handle,
			       (s[i].flags & VMB_NOUVEAU_SYNC_TYPE_MASK) ==
				       VMB_NOUVEAU_SYNC_TIMELINE_SYNCOBJ
				   ? s[i].timeline_value
				   : 0);
	return true;
}

/* the sparse regions of each nouveau fd (nouveau_uvmm.c keeps them apart from mappings) */
struct nv_file {
	int fd;
	uint32_t n, cap;
	struct {
		uint64_t va, range;
	} * r;
};

static pthread_mutex_t nv_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nv_file *nv_files;
static uint32_t nv_n_files;

/* the regions of @fd (created empty, or emptied with @reset); NULL without memory */
static struct nv_file *nv_file(int fd, bool reset)
{
	struct nv_file *t;

	for (uint32_t i = 0; i < nv_n_files; i++)
		if (nv_files[i].fd == fd) {
			if (reset)
				nv_files[i].n = 0;
			return &nv_files[i];
		}
	t = realloc(nv_files, (nv_n_files + 1) * sizeof(*t));
	if (!t)
		return NULL;
	nv_files = t;
	t = &nv_files[nv_n_files++];
	*t = (struct nv_file){.fd = fd};
	return t;
}

static bool nv_add(struct nv_file *f, uint64_t va, uint64_t range)
{
	if (f->n == f->cap) {
		uint32_t cap = f->cap ? 2 * f->cap : 16;
		void *r = realloc(f->r, cap * sizeof(*f->r));

		if (!r)
			return false;
		f->r = r;
		f->cap = cap;
	}
	f->r[f->n].va = va;
	f->r[f->n++].range = range;
	return true;
}

/* an UNMAP: unmap outside the regions, map_null inside them */
static bool nv_unmap(struct nv_file *f, struct cap_build *b, uint64_t va, uint64_t range)
{
	uint64_t end = va + range;

	do {
		uint64_t next = end;
		bool in = false;

		for (uint32_t i = 0; f && i < f->n; i++) {
			uint64_t rend = f->r[i].va + f->r[i].range;

			if (f->r[i].va <= va && va < rend) {
				in = true;
				if (rend < next)
					next = rend;
			} else if (f->r[i].va > va && f->r[i].va < next) {
				next = f->r[i].va;
			}
		}
		struct vmb_bind_entry *e = cap_build_bind(b);

		if (!e)
			return false;
		e->kind = in ? VMB_BIND_MAP_NULL : VMB_BIND_UNMAP;
		e->va = va;
		e->range = next - va;
		va = next;
	} while (va < end);
	return true;
}

/* one VM_BIND op into trace entries, keeping @f's regions */
static bool nv_bind_op(struct nv_file *f, struct cap_build *b,
		       const struct vmb_nouveau_vm_bind_op *o)
{
	bool sparse = o->flags & VMB_NOUVEAU_VM_BIND_SPARSE;
	struct vmb_bind_entry *e;

	/* bind_job_op_from_uop: op 2 and 3 are the sparse MAP and UNMAP */
	if (o->op == 2 || o->op == 3)
		sparse = true;
	if ((o->op == VMB_NOUVEAU_VM_BIND_OP_UNMAP || o->op == 3) && !sparse)
		return nv_unmap(f, b, o->addr, o->range);
	if (o->op == VMB_NOUVEAU_VM_BIND_OP_UNMAP || o->op == 3) {
		for (uint32_t i = 0; f && i < f->n; i++)
			if (f->r[i].va == o->addr && f->r[i].range == o->range) {
				f->r[i] = f->r[--f->n];
				break;
			}
	} else if (o->op != VMB_NOUVEAU_VM_BIND_OP_MAP && o->op != 2) {
		return false;
	}
	e = cap_build_bind(b);
	if (!e)
		return false;
	e->va = o->addr;
	e->range = o->range;
	if (o->op == VMB_NOUVEAU_VM_BIND_OP_UNMAP || o->op == 3) {
		e->kind = VMB_BIND_UNMAP;
	} else if (sparse || !o->handle) {
		e->kind = VMB_BIND_MAP_NULL;
		if (f && !nv_add(f, o->addr, o->range))
			return false;
	} else {
		e->kind = VMB_BIND_MAP;
		e->bo = o->handle;
		e->offset = o->bo_offset;
		e->hw = o->flags & VMB_NOUVEAU_VM_BIND_PTE_KIND_MASK;
	}
	return true;
}

static bool nouveau_decode(const struct cap_call *c, struct cap_build *b)
{
	struct vmb_op *op = &b->rec->op;

	switch (_IOC_NR(c->req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_NOUVEAU_VM_INIT: {
		const struct vmb_nouveau_vm_init *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		pthread_mutex_lock(&nv_lock);
		nv_file(c->fd, true); /* a new VM: no regions */
		pthread_mutex_unlock(&nv_lock);
		cap_op_init(b, VMB_OP_VM_CREATE);
		op->u.vm_create.vm = CAP_IMPLICIT_VM;
		op->u.vm_create.kernel_start = a->kernel_managed_addr;
		b->rec->aux = a->kernel_managed_size;
		return true;
	}
	case VMB_DRM_NOUVEAU_GEM_NEW: {
		const struct vmb_nouveau_gem_new *a = c->arg;
		bool vram = a->info.domain & VMB_NOUVEAU_GEM_DOMAIN_VRAM;
		bool gart = a->info.domain & VMB_NOUVEAU_GEM_DOMAIN_GART;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_BO_CREATE);
		op->u.bo.bo = a->info.handle;
		op->u.bo.size = a->info.size;
		op->u.bo.placement = vram && !gart   ? VMB_PLACE_VRAM
				     : gart && !vram ? VMB_PLACE_SYSTEM
						     : VMB_PLACE_ANY;
		if (a->info.domain & VMB_NOUVEAU_GEM_DOMAIN_NO_SHARE)
			op->u.bo.vm = CAP_IMPLICIT_VM;
		return true;
	}
	case VMB_DRM_NOUVEAU_CHANNEL_ALLOC: {
		const struct vmb_nouveau_channel_alloc *a = c->arg;

		if (c->size < sizeof(*a) || c->ret)
			return false;
		cap_op_init(b, VMB_OP_QUEUE_CREATE);
		op->u.queue.queue = (uint32_t)a->channel;
		op->u.queue.vm = CAP_IMPLICIT_VM;
		op->u.queue.engine = VMB_ENGINE_RENDER;
		return true;
	}
	case VMB_DRM_NOUVEAU_CHANNEL_FREE: {
		const struct vmb_nouveau_channel_free *a = c->arg;

		if (c->size < sizeof(*a))
			return false;
		cap_op_init(b, VMB_OP_QUEUE_DESTROY);
		op->u.queue.queue = (uint32_t)a->channel;
		return true;
	}
	case VMB_DRM_NOUVEAU_VM_BIND: {
		const struct vmb_nouveau_vm_bind *a = c->arg;
		const struct vmb_nouveau_vm_bind_op *ops;

		if (c->size < sizeof(*a) || a->op_count > UINT16_MAX ||
		    a->wait_count > UINT16_MAX || a->sig_count > UINT16_MAX)
			return false;
		ops = cap_user(c, a->op_ptr, (size_t)a->op_count * sizeof(*ops));
		if (a->op_count && !ops)
			return false;
		cap_op_init(b, VMB_OP_BIND);
		op->u.bind.vm = CAP_IMPLICIT_VM;
		pthread_mutex_lock(&nv_lock);
		{
			struct nv_file *f = nv_file(c->fd, false);
			bool ok = true;

			for (uint32_t i = 0; i < a->op_count && ok; i++)
				ok = nv_bind_op(f, b, &ops[i]);
			pthread_mutex_unlock(&nv_lock);
			if (!ok)
				return false;
		}
		op->u.bind.n_binds = b->n_binds;
		if (!nouveau_syncs(c, b, a->wait_ptr, a->wait_count) ||
		    !nouveau_syncs(c, b, a->sig_ptr, a->sig_count))
			return false;
		op->u.bind.n_in = (uint16_t)a->wait_count;
		op->u.bind.n_out = (uint16_t)a->sig_count;
		if (!(a->flags & VMB_NOUVEAU_VM_BIND_RUN_ASYNC))
			b->rec->flags |= CAP_REC_F_SYNC_BIND;
		return true;
	}
	case VMB_DRM_NOUVEAU_EXEC: {
		const struct vmb_nouveau_exec *a = c->arg;

		if (c->size < sizeof(*a) || a->wait_count > UINT16_MAX || a->sig_count > UINT16_MAX)
			return false;
		cap_op_init(b, VMB_OP_SUBMIT);
		op->u.submit.queue = a->channel;
		if (!nouveau_syncs(c, b, a->wait_ptr, a->wait_count) ||
		    !nouveau_syncs(c, b, a->sig_ptr, a->sig_count))
			return false;
		op->u.submit.n_in = (uint16_t)a->wait_count;
		op->u.submit.n_out = (uint16_t)a->sig_count;
		return true;
	}
	}
	return false;
}

/*
 * The arrays nouveau_decode() reads, for a deferred decode (struct
 * cap_decoder.gather). VM_INIT and VM_BIND stay immediate: their decode
 * keeps the sparse regions of the descriptor (struct nv_file), in the
 * order the calls happen.
 */
static bool nouveau_gather(const struct cap_call *c, struct cap_raw_build *r)
{
	switch (_IOC_NR(c->req) - VMB_DRM_COMMAND_BASE) {
	case VMB_DRM_NOUVEAU_GEM_NEW:
	case VMB_DRM_NOUVEAU_CHANNEL_ALLOC:
	case VMB_DRM_NOUVEAU_CHANNEL_FREE:
		return true;
	case VMB_DRM_NOUVEAU_EXEC: {
		const struct vmb_nouveau_exec *a = c->arg;

		if (c->size < sizeof(*a) || a->wait_count > UINT16_MAX || a->sig_count > UINT16_MAX)
			return true;
		return (!a->wait_count ||
			cap_raw_array(r, a->wait_ptr,
				      (size_t)a->wait_count * sizeof(struct vmb_nouveau_sync))) &&
		       (!a->sig_count ||
			cap_raw_array(r, a->sig_ptr,
				      (size_t)a->sig_count * sizeof(struct vmb_nouveau_sync)));
	}
	}
	return false;
}

const struct cap_decoder cap_decoder_nouveau = {
    .name = "nouveau",
    .driver = VMB_DRIVER_NOUVEAU,
    .classify = nouveau_classify,
    .decode = nouveau_decode,
    .gather = nouveau_gather,
};
