// SPDX-License-Identifier: MIT
/*
 * test_capture_decode.c - the capturer's decoders fed with hand-built ioctl
 * argument structs (no device needed), and the writer-side rendering of
 * their records checked by loading the result with the real trace loader.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../capture/capture.h"
#include "harness.h"
#include "trace.h"
#include "trace_at.h"
#include "uapi/amdgpu.h"
#include "uapi/drm_core.h"
#include "uapi/msm.h"
#include "uapi/nouveau.h"
#include "uapi/panthor.h"
#include "uapi/xe.h"

/* records decoded so far, rendered at the end of each test */
static struct cap_rec *recs[64];
static size_t n_recs;
static uint64_t seq;

static void reset(void)
{
	for (size_t i = 0; i < n_recs; i++)
		free(recs[i]);
	n_recs = 0;
	seq = 0;
}

/*
 * The deferred path (defer.c) writes into the thread's ring through these
 * (recorder.c, not linked here): one record at a time, in ring_buf.
 */
static uint64_t ring_buf[CAP_RAW_ROOM / 8];
static uint32_t ring_len;
static unsigned int n_deferred;

char *cap_ring_begin(uint32_t room)
{
	CHECK_U64(room, sizeof(ring_buf));
	ring_len = 0;
	return (char *)ring_buf;
}

void cap_ring_commit(uint32_t len)
{
	ring_len = len;
}

void cap_ring_cancel(void)
{
}

uint64_t cap_seq_next(void)
{
	return 77;
}

void cap_count_raw(unsigned long req, bool known, int ret)
{
	(void)req;
	(void)known;
	(void)ret;
}

/*
 * The same call through the deferred path: gathered into the ring and
 * decoded from the copies (cap_user() finds nothing else then). When the
 * decoder lets it be deferred, the op must be the one the immediate decode
 * built (@b, or none when @ok is false).
 */
static void check_deferred(const struct cap_call *c, const struct cap_decoder *dec, bool ok,
			   const struct cap_build *b)
{
	struct cap_file f = {.serial = 1, .dec = dec};
	struct cap_build *w;

	if (!cap_defer(c, &f, CAP_ENTER, 5, 10, 15)) {
		CHECK_U64(ring_len, 0);
		return;
	}
	CHECK(ring_len >= sizeof(struct cap_raw) && ring_len <= sizeof(ring_buf));
	n_deferred++;
	w = cap_defer_decode((const struct cap_raw *)ring_buf, 9);
	CHECK_U64(w->rec->seq, 5);
	CHECK_U64(w->rec->t_enter, 10);
	CHECK_U64(w->rec->t_exit, 15);
	CHECK_U64(w->rec->ioctl, (uint32_t)c->req);
	if (!ok) {
		CHECK_U64(w->rec->op.kind, VMB_OP_COUNT);
		return;
	}
	CHECK_U64(w->rec->kind, b->rec->kind);
	CHECK_U64(w->rec->flags, b->rec->flags);
	CHECK_U64(w->rec->aux, b->rec->aux);
	CHECK(!memcmp(&w->rec->op, &b->rec->op, sizeof(b->rec->op)));
	CHECK_U64(w->n_binds, b->n_binds);
	CHECK_U64(w->n_syncs, b->n_syncs);
	CHECK_U64(w->n_ids, b->n_ids);
	if (w->n_binds == b->n_binds)
		CHECK(!memcmp(w->binds, b->binds, b->n_binds * sizeof(*b->binds)));
	for (uint32_t i = 0; i < b->n_syncs && i < w->n_syncs; i++) {
		CHECK_U64(w->syncs[i].syncobj, b->syncs[i].syncobj);
		CHECK_U64(w->syncs[i].point, b->syncs[i].point);
	}
	if (w->n_ids == b->n_ids)
		CHECK(!b->n_ids || !memcmp(w->ids, b->ids, b->n_ids * sizeof(*b->ids)));
}

/*
 * run @dec (or the core decoder) on @arg as ioctl @req; keep the record;
 * a successful call also goes through the deferred path (check_deferred())
 */
static bool decode(const struct cap_decoder *dec, unsigned long req, void *arg, const void *pre,
		   int ret, struct cap_rec **out)
{
	static struct cap_build b;
	unsigned int nr = _IOC_NR(req);
	uint32_t pre_n = 0;
	struct cap_call c = {.fd = 3,
			     .req = req,
			     .arg = arg,
			     .pre = pre,
			     .size = _IOC_SIZE(req),
			     .ret = ret,
			     .t_enter = 1000};
	uint32_t size;
	bool ok;

	if (cap_driver_nr(nr))
		dec->classify(req, &pre_n);
	else
		cap_core_classify(req, &pre_n);
	c.pre_size = pre ? pre_n : 0;
	b.rec = &b.own;
	memset(b.rec, 0, sizeof(*b.rec));
	b.n_binds = b.n_syncs = b.n_ids = 0;
	b.oom = false;
	ok = cap_driver_nr(nr) ? dec->decode(&c, &b) : cap_core_decode(&c, &b);
	if (!ret)
		check_deferred(&c, dec, ok, &b);
	if (!ok)
		return false;
	b.rec->file = 1;
	b.rec->driver = dec->driver;
	b.rec->seq = seq++;
	b.rec->t_enter = seq * 10;
	b.rec->t_exit = seq * 10 + 5;
	b.rec->ret = ret;
	size = cap_build_size(&b);
	recs[n_recs] = malloc(size);
	cap_build_layout(&b, recs[n_recs], size);
	if (out)
		*out = recs[n_recs];
	n_recs++;
	return true;
}

/* render every record after a header and load it with the trace loader */
static struct vmb_trace *render_and_load(const char *driver, char **text)
{
	struct cap_out *o = cap_out_create();
	struct cap_strbuf sb = {0};
	char path[] = "/tmp/vmb-capdec-XXXXXX.jsonl", err[512];
	struct vmb_trace *t = NULL;
	FILE *f;
	int fd;

	cap_sb_printf(&sb,
		      "{\"format\":\"vmbench-trace\",\"version\":1,\"driver\":\"%s\","
		      "\"page_size\":4096,\"source\":{\"kind\":\"capture\"}}\n",
		      driver);
	for (size_t i = 0; i < n_recs; i++)
		cap_out_render(o, recs[i], recs + i + 1, n_recs - i - 1, &sb);
	cap_out_destroy(o);
	fd = mkstemps(path, 6);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		return NULL;
	fwrite(sb.p, 1, sb.len, f);
	fclose(f);
	if (vmb_trace_load(path, &t, err, sizeof(err))) {
		printf("# load failed: %s\n# --- trace ---\n%s", err, sb.p);
		t = NULL;
	}
	unlink(path);
	if (text)
		*text = sb.p;
	else
		free(sb.p);
	return t;
}

TEST(xe_ops_and_ids)
{
	struct vmb_xe_vm_create vc = {
	    .flags = VMB_XE_VM_CREATE_FLAG_FAULT_MODE | VMB_XE_VM_CREATE_FLAG_LR_MODE, .vm_id = 7};
	struct vmb_xe_gem_create gc = {.size = 0x200000, .placement = 2, .vm_id = 7, .handle = 5};
	struct vmb_xe_engine_class_instance inst = {.engine_class = VMB_XE_ENGINE_CLASS_VM_BIND};
	struct vmb_xe_exec_queue_create qc = {.width = 1,
					      .num_placements = 1,
					      .vm_id = 7,
					      .exec_queue_id = 9,
					      .instances = (uintptr_t)&inst};
	struct vmb_drm_syncobj_create sc = {.handle = 11};
	struct vmb_xe_vm_bind_op ops[3] = {
	    {.obj = 5,
	     .pat_index = 3,
	     .obj_offset = 0x1000,
	     .range = 0x10000,
	     .addr = 0x100000,
	     .op = VMB_XE_VM_BIND_OP_MAP,
	     .flags = VMB_XE_VM_BIND_FLAG_READONLY},
	    {.range = 0x20000,
	     .addr = 0x400000,
	     .op = VMB_XE_VM_BIND_OP_MAP,
	     .flags = VMB_XE_VM_BIND_FLAG_NULL},
	    {.range = 0x1000, .addr = 0x100000, .op = VMB_XE_VM_BIND_OP_UNMAP},
	};
	struct vmb_xe_sync syncs[3] = {
	    {.type = VMB_XE_SYNC_TYPE_TIMELINE_SYNCOBJ,
	     .flags = VMB_XE_SYNC_FLAG_SIGNAL,
	     .handle = 11,
	     .timeline_value = 4},
	    {.type = VMB_XE_SYNC_TYPE_USER_FENCE, .flags = VMB_XE_SYNC_FLAG_SIGNAL},
	    {.type = VMB_XE_SYNC_TYPE_SYNCOBJ, .handle = 11},
	};
	struct vmb_xe_vm_bind vb = {.vm_id = 7,
				    .exec_queue_id = 9,
				    .num_binds = 3,
				    .vector_of_binds = (uintptr_t)ops,
				    .num_syncs = 3,
				    .syncs = (uintptr_t)syncs};
	struct vmb_xe_exec ex = {.exec_queue_id = 9, .num_syncs = 1, .syncs = (uintptr_t)syncs};
	struct vmb_drm_gem_close cl = {.handle = 5};
	struct vmb_xe_gem_create gc2 = {.size = 0x1000, .placement = 1, .handle = 5};
	struct vmb_xe_vm_destroy vd = {.vm_id = 7};
	const struct cap_decoder *d = &cap_decoder_xe;
	struct cap_rec *r;
	struct vmb_trace *t;
	uint32_t pre = 0;

	reset();
	CHECK_INT(d->classify(VMB_DRM_IOCTL_XE_VM_BIND, &pre), CAP_ORDERED);
	CHECK_INT(d->classify(VMB_DRM_IOCTL_XE_GEM_CREATE, &pre), CAP_ORDERED);
	CHECK_INT(d->classify(VMB_DRM_IOCTL_XE_DEVICE_QUERY, &pre), CAP_IGNORE);
	CHECK_INT(pre, 0);
	CHECK(decode(d, VMB_DRM_IOCTL_XE_VM_CREATE, &vc, NULL, 0, &r));
	CHECK_INT(r->op.kind, VMB_OP_VM_CREATE);
	CHECK_INT(r->op.u.vm_create.flags, VMB_VM_F_FAULT);
	CHECK(decode(d, VMB_DRM_IOCTL_XE_GEM_CREATE, &gc, NULL, 0, &r));
	CHECK_INT(r->op.u.bo.placement, VMB_PLACE_VRAM);
	CHECK_INT(r->op.u.bo.vm, 7);
	CHECK(decode(d, VMB_DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &qc, NULL, 0, &r));
	CHECK_INT(r->op.u.queue.engine, VMB_ENGINE_BIND);
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sc, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_XE_VM_BIND, &vb, NULL, 0, &r));
	CHECK_INT(r->op.u.bind.n_binds, 3);
	CHECK_INT(r->op.u.bind.n_in, 1);
	CHECK_INT(r->op.u.bind.n_out, 1);
	CHECK(r->flags & CAP_REC_F_USER_FENCE);
	CHECK_INT(cap_rec_binds(r)[0].kind, VMB_BIND_MAP);
	CHECK_INT(cap_rec_binds(r)[0].hw, 3);
	CHECK_INT(cap_rec_binds(r)[0].flags, VMB_BIND_F_READONLY);
	CHECK_INT(cap_rec_binds(r)[1].kind, VMB_BIND_MAP_NULL);
	CHECK_INT(cap_rec_binds(r)[2].kind, VMB_BIND_UNMAP);
	CHECK_U64(cap_rec_syncs(r)[1].point, 4); /* the out-sync comes after the in-sync */
	CHECK(decode(d, VMB_DRM_IOCTL_XE_EXEC, &ex, NULL, 0, &r));
	CHECK_INT(r->op.u.submit.n_out, 1);
	CHECK(decode(d, VMB_DRM_IOCTL_GEM_CLOSE, &cl, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_XE_GEM_CREATE, &gc2, NULL, 0, &r));
	CHECK_INT(r->op.u.bo.placement, VMB_PLACE_SYSTEM);
	CHECK(decode(d, VMB_DRM_IOCTL_XE_VM_DESTROY, &vd, NULL, 0, NULL));
	/* a failed create has no handle: no op */
	CHECK(!decode(d, VMB_DRM_IOCTL_XE_GEM_CREATE, &gc2, NULL, -ENOMEM, NULL));

	t = render_and_load("xe", NULL);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_INT(t->n_ops, 9);
	CHECK_INT(OPAT(t, 0).u.vm_create.vm, 1);
	CHECK_INT(OPAT(t, 1).u.bo.bo, 1);
	CHECK_INT(OPAT(t, 1).u.bo.vm, 1);
	CHECK_INT(OPAT(t, 2).u.queue.queue, 1);
	CHECK_INT(OPAT(t, 3).kind, VMB_OP_SYNCOBJ_CREATE);
	CHECK(OPAT(t, 3).u.syncobj.timeline); /* used with a point later */
	CHECK_INT(OPAT(t, 4).kind, VMB_OP_BIND);
	CHECK_INT(OPAT(t, 4).u.bind.queue, 1);
	CHECK_INT(test_op_at(t, 4)->binds[0].bo, 1);
	CHECK_U64(test_op_at(t, 4)->binds[0].offset, 0x1000);
	CHECK_INT(OPAT(t, 6).kind, VMB_OP_BO_CLOSE);
	CHECK_INT(OPAT(t, 6).u.bo.bo, 1);
	CHECK_INT(OPAT(t, 7).u.bo.bo, 2); /* handle 5 reused: a new id */
	CHECK_INT(OPAT(t, 8).kind, VMB_OP_VM_DESTROY);
	vmb_trace_destroy(t);
}

TEST(amdgpu_implicit_vm_cs_and_va)
{
	struct vmb_amdgpu_gem_create_in gin = {.bo_size = 0x100000,
					       .domains = VMB_AMDGPU_GEM_DOMAIN_VRAM};
	union vmb_amdgpu_gem_create gc = {.out = {.handle = 1}};
	struct vmb_amdgpu_ctx_in cin = {.op = VMB_AMDGPU_CTX_OP_ALLOC_CTX};
	union vmb_amdgpu_ctx ctx = {.alloc = {.ctx_id = 4}};
	struct vmb_amdgpu_gem_va va = {.handle = 1,
				       .operation = VMB_AMDGPU_VA_OP_MAP,
				       .flags = VMB_AMDGPU_VM_PAGE_READABLE |
						VMB_AMDGPU_VM_PAGE_WRITEABLE |
						VMB_AMDGPU_VM_MTYPE_UC,
				       .va_address = 0x800000,
				       .map_size = 0x100000};
	struct vmb_amdgpu_gem_va prt = {.operation = VMB_AMDGPU_VA_OP_REPLACE,
					.flags = VMB_AMDGPU_VM_PAGE_PRT,
					.va_address = 0x2000000,
					.map_size = 0x10000};
	struct vmb_drm_syncobj_create sc = {.handle = 2};
	struct vmb_amdgpu_bo_list_entry ents[2] = {{.bo_handle = 1}, {.bo_handle = 1}};
	struct vmb_amdgpu_bo_list_in bl = {
	    .bo_number = 2, .bo_info_size = 8, .bo_info_ptr = (uintptr_t)ents};
	uint32_t sem_in = 2;
	struct vmb_amdgpu_cs_chunk_syncobj sig = {.handle = 2, .point = 9};
	struct vmb_amdgpu_cs_chunk ch[3] = {
	    {VMB_AMDGPU_CHUNK_ID_BO_HANDLES, sizeof(bl) / 4, (uintptr_t)&bl},
	    {VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL, sizeof(sig) / 4, (uintptr_t)&sig},
	    {VMB_AMDGPU_CHUNK_ID_SYNCOBJ_IN, 1, (uintptr_t)&sem_in},
	};
	uint64_t chp[3] = {(uintptr_t)&ch[0], (uintptr_t)&ch[1], (uintptr_t)&ch[2]};
	struct vmb_amdgpu_cs_in csin = {.ctx_id = 4, .num_chunks = 3, .chunks = (uintptr_t)chp};
	union vmb_amdgpu_cs cs = {.out = {.handle = 77}}; /* what the call leaves */
	const struct cap_decoder *d = &cap_decoder_amdgpu;
	struct cap_rec *r;
	struct vmb_trace *t;
	uint32_t pre = 0;

	reset();
	CHECK_INT(d->classify(VMB_DRM_IOCTL_AMDGPU_GEM_CREATE, &pre), CAP_ORDERED);
	CHECK_INT(pre, 32);
	CHECK(decode(d, VMB_DRM_IOCTL_AMDGPU_GEM_CREATE, &gc, &gin, 0, &r));
	CHECK_U64(r->op.u.bo.size, 0x100000);
	CHECK_INT(r->op.u.bo.placement, VMB_PLACE_VRAM);
	CHECK(decode(d, VMB_DRM_IOCTL_AMDGPU_CTX, &ctx, &cin, 0, &r));
	CHECK_INT(r->op.kind, VMB_OP_QUEUE_CREATE);
	CHECK_INT(r->op.u.queue.vm, CAP_IMPLICIT_VM);
	CHECK(decode(d, VMB_DRM_IOCTL_AMDGPU_GEM_VA, &va, NULL, 0, &r));
	CHECK_INT(cap_rec_binds(r)[0].flags, VMB_BIND_F_NOEXEC | VMB_BIND_F_UNCACHED);
	CHECK_INT(cap_rec_binds(r)[0].hw, 4);
	CHECK(decode(d, VMB_DRM_IOCTL_AMDGPU_GEM_VA_OLD, &prt, NULL, 0, &r));
	CHECK_INT(cap_rec_binds(r)[0].kind, VMB_BIND_MAP_NULL);
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sc, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_AMDGPU_CS, &cs, &csin, 0, &r));
	CHECK_INT(r->op.u.submit.queue, 4);
	CHECK_INT(r->op.u.submit.n_bos, 2);
	CHECK_INT(r->op.u.submit.n_in, 1);
	CHECK_INT(r->op.u.submit.n_out, 1);
	CHECK_U64(cap_rec_syncs(r)[1].point, 9);

	t = render_and_load("amdgpu", NULL);
	CHECK(t != NULL);
	if (!t)
		return;
	/* bo_create, implicit vm_create, queue_create, bind, bind, syncobj, submit */
	CHECK_INT(t->n_ops, 7);
	CHECK_INT(OPAT(t, 1).kind, VMB_OP_VM_CREATE);
	CHECK_INT(OPAT(t, 2).u.queue.vm, 1);
	CHECK_INT(OPAT(t, 3).u.bind.vm, 1);
	CHECK_INT(OPAT(t, 6).u.submit.queue, 1);
	CHECK_INT(test_op_at(t, 6)->ids[0], 1);
	vmb_trace_destroy(t);
}

TEST(nouveau_vm_init_bind_exec)
{
	struct vmb_nouveau_vm_init vi = {.kernel_managed_addr = 0x10000000000ull,
					 .kernel_managed_size = 0x100000000ull};
	struct vmb_nouveau_gem_new gn = {
	    .info = {.handle = 3, .domain = VMB_NOUVEAU_GEM_DOMAIN_VRAM, .size = 0x10000}};
	struct vmb_nouveau_channel_alloc ca = {.channel = 0};
	struct vmb_drm_syncobj_create sc = {.handle = 8};
	struct vmb_nouveau_vm_bind_op ops[3] = {
	    {.op = VMB_NOUVEAU_VM_BIND_OP_MAP,
	     .flags = VMB_NOUVEAU_VM_BIND_SPARSE,
	     .addr = 0x200000,
	     .range = 0x100000},
	    {.op = VMB_NOUVEAU_VM_BIND_OP_MAP,
	     .flags = 0xfe,
	     .handle = 3,
	     .addr = 0x200000,
	     .range = 0x10000},
	    {.op = VMB_NOUVEAU_VM_BIND_OP_UNMAP, .addr = 0x200000, .range = 0x10000},
	};
	struct vmb_nouveau_sync sig = {
	    .flags = VMB_NOUVEAU_SYNC_TIMELINE_SYNCOBJ, .handle = 8, .timeline_value = 1};
	struct vmb_nouveau_vm_bind vb = {.op_count = 3,
					 .flags = VMB_NOUVEAU_VM_BIND_RUN_ASYNC,
					 .sig_count = 1,
					 .sig_ptr = (uintptr_t)&sig,
					 .op_ptr = (uintptr_t)ops};
	struct vmb_nouveau_exec ex = {.channel = 0, .wait_count = 1, .wait_ptr = (uintptr_t)&sig};
	const struct cap_decoder *d = &cap_decoder_nouveau;
	struct cap_rec *r;
	struct vmb_trace *t;

	reset();
	CHECK(decode(d, VMB_DRM_IOCTL_NOUVEAU_VM_INIT, &vi, NULL, 0, &r));
	CHECK_U64(r->aux, 0x100000000ull);
	CHECK(decode(d, VMB_DRM_IOCTL_NOUVEAU_GEM_NEW, &gn, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC, &ca, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sc, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_NOUVEAU_VM_BIND, &vb, NULL, 0, &r));
	CHECK_INT(cap_rec_binds(r)[0].kind, VMB_BIND_MAP_NULL);
	CHECK_INT(cap_rec_binds(r)[1].hw, 0xfe);
	CHECK(!(r->flags & CAP_REC_F_SYNC_BIND));
	CHECK(decode(d, VMB_DRM_IOCTL_NOUVEAU_EXEC, &ex, NULL, 0, &r));
	CHECK_INT(r->op.u.submit.n_in, 1);

	t = render_and_load("nouveau", NULL);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_INT(t->n_ops, 6);
	CHECK_U64(OPAT(t, 0).u.vm_create.kernel_start, 0x10000000000ull);
	CHECK_U64(vmb_trace_kernel_range(t, 1), 0x100000000ull);
	CHECK_INT(OPAT(t, 2).u.queue.queue, 1); /* channel 0 is a real queue */
	CHECK_INT(OPAT(t, 5).u.submit.queue, 1);
	vmb_trace_destroy(t);
}

TEST(panthor_bind_merges_syncs)
{
	struct vmb_panthor_vm_create vc = {.id = 1, .user_va_range = 0x100000000ull};
	struct vmb_panthor_bo_create bc = {.size = 0x8000, .exclusive_vm_id = 1, .handle = 2};
	struct vmb_panthor_group_create gc = {.vm_id = 1, .group_handle = 1};
	struct vmb_drm_syncobj_create sc = {.handle = 4};
	struct vmb_panthor_sync_op s_sig = {
	    .flags = VMB_PANTHOR_SYNC_OP_SIGNAL | VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ,
	    .handle = 4,
	    .timeline_value = 2};
	struct vmb_panthor_sync_op s_wait = {.handle = 4};
	struct vmb_panthor_vm_bind_op ops[3] = {
	    {.flags = VMB_PANTHOR_VM_BIND_OP_MAP_NOEXEC,
	     .bo_handle = 2,
	     .va = 0x10000,
	     .size = 0x8000,
	     .syncs = VMB_PANTHOR_OBJ_ARRAY(1, &s_wait)},
	    {.flags = VMB_PANTHOR_VM_BIND_OP_TYPE_UNMAP, .va = 0x10000, .size = 0x1000},
	    {.flags = VMB_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY,
	     .syncs = VMB_PANTHOR_OBJ_ARRAY(1, &s_sig)},
	};
	struct vmb_panthor_vm_bind vb = {
	    .vm_id = 1, .flags = VMB_PANTHOR_VM_BIND_ASYNC, .ops = VMB_PANTHOR_OBJ_ARRAY(3, ops)};
	struct vmb_panthor_queue_submit qs = {.syncs = VMB_PANTHOR_OBJ_ARRAY(1, &s_sig)};
	struct vmb_panthor_group_submit gs = {.group_handle = 1,
					      .queue_submits = VMB_PANTHOR_OBJ_ARRAY(1, &qs)};
	const struct cap_decoder *d = &cap_decoder_panthor;
	struct cap_rec *r;
	struct vmb_trace *t;

	reset();
	CHECK(decode(d, VMB_DRM_IOCTL_PANTHOR_VM_CREATE, &vc, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_PANTHOR_BO_CREATE, &bc, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_PANTHOR_GROUP_CREATE, &gc, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sc, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_PANTHOR_VM_BIND, &vb, NULL, 0, &r));
	CHECK_INT(r->op.u.bind.n_binds, 2);
	CHECK_INT(r->op.u.bind.n_in, 1);
	CHECK_INT(r->op.u.bind.n_out, 1);
	CHECK_INT(cap_rec_binds(r)[0].flags, VMB_BIND_F_NOEXEC);
	CHECK(decode(d, VMB_DRM_IOCTL_PANTHOR_GROUP_SUBMIT, &gs, NULL, 0, &r));
	CHECK_INT(r->op.u.submit.n_out, 1);

	t = render_and_load("panthor", NULL);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_INT(t->n_ops, 6);
	CHECK_U64(OPAT(t, 0).u.vm_create.va_range, 0x100000000ull);
	CHECK_INT(OPAT(t, 1).u.bo.vm, 1);
	vmb_trace_destroy(t);
}

TEST(msm_vm_bind_mode)
{
	struct vmb_msm_param sp = {
	    .pipe = VMB_MSM_PIPE_3D0, .param = VMB_MSM_PARAM_EN_VM_BIND, .value = 1};
	struct vmb_msm_gem_new gn = {.size = 0x4000, .flags = VMB_MSM_BO_NO_SHARE, .handle = 1};
	struct vmb_msm_submitqueue bq = {.flags = VMB_MSM_SUBMITQUEUE_VM_BIND, .id = 2};
	struct vmb_msm_submitqueue rq = {.id = 3};
	struct vmb_drm_syncobj_create sc = {.handle = 6};
	struct vmb_msm_syncobj so = {.handle = 6, .point = 3};
	struct vmb_msm_vm_bind vb = {.nr_ops = 1,
				     .queue_id = 2,
				     .out_syncobjs = (uintptr_t)&so,
				     .nr_out_syncobjs = 1,
				     .syncobj_stride = sizeof(so),
				     .op_stride = sizeof(struct vmb_msm_vm_bind_op),
				     .op = {.op = VMB_MSM_VM_BIND_OP_MAP,
					    .handle = 1,
					    .iova = 0x100000,
					    .range = 0x4000,
					    .flags = VMB_MSM_VM_BIND_OP_DUMP}};
	struct vmb_msm_gem_submit gs = {.flags = VMB_MSM_SUBMIT_SYNCOBJ_IN,
					.queueid = 3,
					.in_syncobjs = (uintptr_t)&so,
					.nr_in_syncobjs = 1,
					.syncobj_stride = sizeof(so)};
	const struct cap_decoder *d = &cap_decoder_msm;
	struct cap_rec *r;
	struct vmb_trace *t;

	reset();
	CHECK(decode(d, VMB_DRM_IOCTL_MSM_SET_PARAM, &sp, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_MSM_GEM_NEW, &gn, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_MSM_SUBMITQUEUE_NEW, &bq, NULL, 0, &r));
	CHECK_INT(r->op.u.queue.engine, VMB_ENGINE_BIND);
	CHECK(decode(d, VMB_DRM_IOCTL_MSM_SUBMITQUEUE_NEW, &rq, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sc, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_MSM_VM_BIND, &vb, NULL, 0, &r));
	CHECK_INT(cap_rec_binds(r)[0].flags, VMB_BIND_F_DUMPABLE);
	CHECK_INT(r->op.u.bind.n_out, 1);
	CHECK(decode(d, VMB_DRM_IOCTL_MSM_GEM_SUBMIT, &gs, NULL, 0, &r));
	CHECK_INT(r->op.u.submit.n_in, 1);
	sp.param = VMB_MSM_PARAM_HAS_PRR;
	CHECK(!decode(d, VMB_DRM_IOCTL_MSM_SET_PARAM, &sp, NULL, 0, NULL));

	t = render_and_load("msm", NULL);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_INT(t->n_ops, 7);
	CHECK_INT(OPAT(t, 0).kind, VMB_OP_VM_CREATE);
	CHECK_INT(OPAT(t, 5).u.bind.queue, 1);
	CHECK_INT(OPAT(t, 6).u.submit.queue, 2);
	vmb_trace_destroy(t);
}

TEST(core_syncobj_wait_signal)
{
	struct vmb_drm_syncobj_create sc = {.handle = 1, .flags = VMB_DRM_SYNCOBJ_CREATE_SIGNALED};
	struct vmb_drm_syncobj_create sc2 = {.handle = 2};
	uint32_t handles[2] = {1, 1}, handles2[2] = {2, 2};
	uint64_t points[2] = {5, 6};
	struct vmb_drm_syncobj_wait w = {.handles = (uintptr_t)handles,
					 .timeout_nsec = 1000 + 500,
					 .count_handles = 1,
					 .flags = VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL};
	struct vmb_drm_syncobj_timeline_array ts = {
	    .handles = (uintptr_t)handles2, .points = (uintptr_t)points, .count_handles = 2};
	struct vmb_drm_syncobj_destroy sd = {.handle = 1};
	const struct cap_decoder *d = &cap_decoder_xe;
	struct cap_rec *r;
	struct vmb_trace *t;
	uint32_t pre = 0;

	reset();
	CHECK_INT(cap_core_classify(VMB_DRM_IOCTL_SYNCOBJ_WAIT, &pre), CAP_EXIT);
	CHECK_INT(cap_core_classify(VMB_DRM_IOCTL_SYNCOBJ_DESTROY, &pre), CAP_ORDERED);
	CHECK_INT(cap_core_classify(VMB_DRM_IOCTL_SYNCOBJ_TRANSFER, &pre), CAP_EXIT);
	{
		struct vmb_drm_syncobj_transfer tw = {
		    .flags = VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT};
		struct vmb_drm_syncobj_transfer tn = {0};

		CHECK_INT(pre, sizeof(tw)); /* its flags are read before the call */
		CHECK_INT(cap_core_reclassify(VMB_DRM_IOCTL_SYNCOBJ_TRANSFER, &tw, CAP_EXIT),
			  CAP_EXIT);
		CHECK_INT(cap_core_reclassify(VMB_DRM_IOCTL_SYNCOBJ_TRANSFER, &tn, CAP_EXIT),
			  CAP_ENTER);
	}
	CHECK_INT(cap_core_classify(VMB_DRM_IOCTL_SYNCOBJ_RESET, &pre), CAP_ENTER);
	CHECK_INT(cap_core_classify(VMB_DRM_IOWR(0x0b, struct vmb_drm_gem_close), &pre), CAP_RAW);
	CHECK_INT(cap_core_classify(VMB_DRM_IOCTL_GET_CAP, &pre), CAP_IGNORE);
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sc, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sc2, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_WAIT_OLD, &w, NULL, 0, &r));
	CHECK_U64(r->op.u.wait.timeout_ns, 500); /* absolute deadline made relative */
	CHECK(r->op.u.wait.all);
	w.timeout_nsec = INT64_MAX;
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_WAIT, &w, NULL, -ETIME, &r));
	CHECK_U64(r->op.u.wait.timeout_ns, UINT64_MAX);
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ts, NULL, 0, &r));
	CHECK_INT(r->op.u.wait.n, 2);
	CHECK_U64(cap_rec_syncs(r)[1].point, 6);
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_DESTROY, &sd, NULL, 0, NULL));

	t = render_and_load("xe", NULL);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_INT(t->n_ops, 6);
	CHECK(OPAT(t, 0).u.syncobj.signaled);
	CHECK(!OPAT(t, 0).u.syncobj.timeline);
	CHECK(OPAT(t, 1).u.syncobj.timeline);
	CHECK_INT(OPAT(t, 3).ret, -ETIME);
	vmb_trace_destroy(t);
}

/* issue 17: transfer, reset, sync_file export/import, and a failed timeline wait */
TEST(core_syncobj_fence_moves)
{
	struct vmb_drm_syncobj_create sa = {.handle = 1, .flags = VMB_DRM_SYNCOBJ_CREATE_SIGNALED};
	struct vmb_drm_syncobj_create sb = {.handle = 2}, sc = {.handle = 3};
	struct vmb_drm_syncobj_transfer tr = {.src_handle = 1, .dst_handle = 2, .dst_point = 7};
	struct vmb_drm_syncobj_transfer tr2 = {.src_handle = 2,
					       .dst_handle = 3,
					       .src_point = 7,
					       .flags = VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT};
	uint32_t rh[2] = {3, 1}, wh[1] = {2};
	uint64_t wp[1] = {9};
	struct vmb_drm_syncobj_array ra = {.handles = (uintptr_t)rh, .count_handles = 2};
	struct vmb_drm_syncobj_timeline_wait tw = {.handles = (uintptr_t)wh,
						   .points = (uintptr_t)wp,
						   .timeout_nsec = INT64_MAX,
						   .count_handles = 1};
	struct vmb_drm_syncobj_handle ex = {
	    .handle = 3, .flags = VMB_DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE, .fd = 41};
	struct vmb_drm_syncobj_handle im = {
	    .handle = 1, .flags = VMB_DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE, .fd = 41};
	struct vmb_drm_syncobj_handle im2 = {
	    .handle = 1, .flags = VMB_DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE, .fd = 40};
	const struct cap_decoder *d = &cap_decoder_amdgpu;
	const struct vmb_sync *s;
	struct vmb_cursor c;
	struct cap_rec *r;
	struct vmb_trace *t;
	size_t i;

	reset();
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sa, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sb, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sc, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_TRANSFER, &tr, NULL, 0, &r));
	CHECK_INT(r->op.kind, VMB_OP_TRANSFER);
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_TRANSFER, &tr2, NULL, 0, NULL));
	/* a failed call's arrays go through one scratch copy: handles must survive points */
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw, NULL, -EINVAL, &r));
	CHECK_INT(cap_rec_syncs(r)[0].syncobj, 2);
	CHECK_U64(cap_rec_syncs(r)[0].point, 9);
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &ex, NULL, 0, &r));
	CHECK_INT(r->op.u.sync_file.sync_file, 42); /* fd + 1 */
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_RESET, &ra, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &im, NULL, 0, &r));
	CHECK_INT(r->op.u.sync_file.sync_file, 42);
	/* fd 40 was never exported here: a sync_file from outside the trace */
	CHECK(decode(d, VMB_DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &im2, NULL, 0, &r));
	CHECK_INT(r->op.u.sync_file.sync_file, 0);
	cap_sync_file_forget(41);

	t = render_and_load("amdgpu", NULL);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_INT(t->n_ops, 10);
	CHECK(!vmb_cursor_init(&c, t));
	for (i = 0; i < 10 && vmb_cursor_next(&c) == 1; i++) {
		const struct vmb_op *op = &c.op;

		switch (i) {
		case 1:
			CHECK(op->u.syncobj.timeline); /* typed by the transfer's dst_point */
			break;
		case 3:
			s = c.syncs;
			CHECK(s[0].syncobj == 1 && s[0].point == 0 && s[1].syncobj == 2 &&
			      s[1].point == 7);
			break;
		case 4:
			CHECK_INT(op->u.transfer.flags, VMB_TRANSFER_F_WAIT_FOR_SUBMIT);
			break;
		case 5:
			CHECK_INT(op->ret, -EINVAL);
			break;
		case 6:
			CHECK_INT(op->kind, VMB_OP_SYNC_FILE_EXPORT);
			break;
		case 7:
			CHECK_INT(op->kind, VMB_OP_SYNCOBJ_RESET);
			CHECK_INT(op->u.reset.n, 2);
			CHECK_INT(c.ids[0], 3);
			break;
		case 8:
			CHECK_INT(op->u.sync_file.sync_file, 42);
			break;
		case 9:
			CHECK_INT(op->u.sync_file.sync_file, 0);
			break;
		}
	}
	CHECK_INT(i, 10);
	vmb_cursor_fini(&c);
	vmb_trace_destroy(t);
}

/* amdgpu userptr BOs are written as map_userptr entries, not as BOs */
TEST(amdgpu_userptr_as_map_userptr)
{
	static char mem[3 * 4096] __attribute__((aligned(4096)));
	struct vmb_amdgpu_gem_userptr up = {
	    .addr = (uintptr_t)mem, .size = sizeof(mem), .handle = 9};
	struct vmb_amdgpu_gem_va va = {.handle = 9,
				       .operation = VMB_AMDGPU_VA_OP_MAP,
				       .flags = VMB_AMDGPU_VM_PAGE_READABLE |
						VMB_AMDGPU_VM_PAGE_WRITEABLE |
						VMB_AMDGPU_VM_PAGE_EXECUTABLE,
				       .va_address = 0x400000,
				       .offset_in_bo = 0x1000,
				       .map_size = 0x2000};
	struct vmb_drm_gem_close cl = {.handle = 9};
	const struct cap_decoder *d = &cap_decoder_amdgpu;
	struct vmb_trace *t;
	char *text = NULL;

	reset();
	CHECK(decode(d, VMB_DRM_IOCTL_AMDGPU_GEM_USERPTR, &up, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_AMDGPU_GEM_VA, &va, NULL, 0, NULL));
	CHECK(decode(d, VMB_DRM_IOCTL_GEM_CLOSE, &cl, NULL, 0, NULL));
	CHECK(cap_userptr_any());
	CHECK(cap_userptr_touched((uintptr_t)mem + 4096, 4096));
	t = render_and_load("amdgpu", &text);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(t->n_ops, 2); /* implicit vm_create, bind: no bo_create/bo_close */
		CHECK_INT(test_op_at(t, 1)->binds[0].kind, VMB_BIND_MAP_USERPTR);
		CHECK_U64(test_op_at(t, 1)->binds[0].offset, (uintptr_t)mem + 0x1000);
		vmb_trace_destroy(t);
	}
	free(text);
}

/* first use with a point comes after the creation was written: re-created */
TEST(late_timeline_use)
{
	struct vmb_drm_syncobj_create sc = {.handle = 3};
	uint32_t h = 3;
	uint64_t p = 7;
	struct vmb_drm_syncobj_timeline_array ts = {
	    .handles = (uintptr_t)&h, .points = (uintptr_t)&p, .count_handles = 1};
	struct cap_out *o = cap_out_create();
	struct cap_strbuf sb = {0};

	reset();
	CHECK(decode(&cap_decoder_xe, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sc, NULL, 0, NULL));
	CHECK(decode(&cap_decoder_xe, VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ts, NULL, 0, NULL));
	cap_out_render(o, recs[0], NULL, 0, &sb); /* no look-ahead: a later flush */
	cap_out_render(o, recs[1], NULL, 0, &sb);
	CHECK(strstr(sb.p, "\"syncobj\":2,\"timeline\":true") != NULL);
	CHECK(strstr(sb.p, "{\"op\":\"signal\",\"syncs\":[{\"syncobj\":2,\"point\":7}]") != NULL);
	CHECK_INT(cap_out_stats(o)->syncobj_fixups, 0);
	free(sb.p);
	cap_out_destroy(o);
}

/* a failed ioctl may carry garbage pointers: decoding must not fault */
TEST(failed_call_bad_pointer)
{
	void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct vmb_xe_vm_bind vb = {.vm_id = 1, .num_binds = 4, .vector_of_binds = (uintptr_t)hole};
	struct cap_call c = {
	    .req = VMB_DRM_IOCTL_XE_VM_BIND, .arg = &vb, .size = sizeof(vb), .ret = -EFAULT};
	struct cap_build b = {0};

	b.rec = &b.own;
	CHECK(hole != MAP_FAILED);
	CHECK(cap_user(&c, (uintptr_t)hole, 64) == NULL);
	CHECK(!cap_decoder_xe.decode(&c, &b));
	vb.vector_of_binds = 0x10; /* unmapped low address */
	CHECK(!cap_decoder_xe.decode(&c, &b));
	free(b.binds);
	free(b.syncs);
	munmap(hole, 4096);
}

/* clock.c reads the clocksource through these (interposer.c, not linked here) */
int cap_real_open(const char *path, int flags, int mode)
{
	return open(path, flags, mode);
}

int cap_real_close(int fd)
{
	return close(fd);
}

/*
 * Counter stamps converted by clock.c land between the CLOCK_MONOTONIC
 * reads taken around them: in the newest segment, in older ones (the
 * search), and on the rate the header's statistics use.
 */
TEST(clock_stamps_convert)
{
	uint64_t before[5], stamp[5], after[5], span;

	cap_clock_init();
	if (!cap_clock_tsc) {
		CHECK_U64(cap_clock_ns(12345), 12345);
		SKIP("the clocksource is not tsc: stamps are CLOCK_MONOTONIC already");
	}
	for (int i = 0; i < 5; i++) {
		nanosleep(&(struct timespec){0, 2000000}, NULL);
		before[i] = cap_now();
		stamp[i] = cap_stamp();
		after[i] = cap_now();
		cap_clock_sync(); /* >= 1 ms apart: every one is kept */
	}
	for (int i = 0; i < 5; i++) {
		uint64_t ns = cap_clock_ns(stamp[i]);

		if (ns + 2000 < before[i] || ns > after[i] + 2000)
			printf("# stamp %d: %llu not within [%llu, %llu] (+-2 us)\n", i,
			       (unsigned long long)ns, (unsigned long long)before[i],
			       (unsigned long long)after[i]);
		CHECK(ns + 2000 >= before[i] && ns <= after[i] + 2000);
	}
	CHECK(cap_clock_span_ns(stamp[4] - stamp[0], &span));
	CHECK(span + 20000 >= before[4] - after[0] && span <= after[4] - before[0] + 20000);
}

/*
 * cap_copy_small() (overlapping moves) copies exactly @len bytes for every
 * length and alignment, and nothing beyond them
 */
TEST(copy_small_every_length)
{
	unsigned char src[320], dst[336];

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 7 + 1);
	for (size_t off = 0; off < 8; off++) {
		for (size_t len = 0; len <= 300; len++) {
			memset(dst, 0xee, sizeof(dst));
			cap_copy_small(dst + off, src + (off * 3) % 8, len);
			CHECK(!memcmp(dst + off, src + (off * 3) % 8, len));
			for (size_t k = 0; k < off; k++)
				CHECK_U64(dst[k], 0xee);
			for (size_t k = off + len; k < sizeof(dst); k++)
				CHECK_U64(dst[k], 0xee);
		}
	}
}

/*
 * Every successful call of the tests above also went through the deferred
 * path (check_deferred()); most of them qualify for it
 */
TEST(deferred_decodes_ran)
{
	printf("# %u calls decoded deferred as well\n", n_deferred);
	CHECK(n_deferred >= 30);
}

int main(void)
{
	RUN(clock_stamps_convert);
	RUN(xe_ops_and_ids);
	RUN(amdgpu_implicit_vm_cs_and_va);
	RUN(nouveau_vm_init_bind_exec);
	RUN(panthor_bind_merges_syncs);
	RUN(msm_vm_bind_mode);
	RUN(core_syncobj_wait_signal);
	RUN(core_syncobj_fence_moves);
	RUN(amdgpu_userptr_as_map_userptr);
	RUN(late_timeline_use);
	RUN(failed_call_bad_pointer);
	RUN(deferred_decodes_ran);
	RUN(copy_small_every_length);
	reset();
	return TEST_SUMMARY();
}
