// SPDX-License-Identifier: MIT
/*
 * gpu_amdgpu_ioctls.c - the amdgpu ioctls libdrm's amdgpu_test basic, BO, VM
 * and CS suites need beyond GEM_VA and CS, run over the shim by
 * tests/shim-gpu.sh: BO lists (and a CS naming one), GEM_OP, GEM_METADATA,
 * GEM_WAIT_IDLE, WAIT_FENCES, VM reserve, FENCE_TO_HANDLE, SCHED, CTX
 * stable pstate, CS user fence and dependency chunks, a 128-dword
 * WRITE_DATA with CE/DE counter packets, GEM_FLINK/GEM_OPEN on the primary
 * node, -ENOMEM for a BO larger than VRAM, reopening the device
 * through /proc/self/fd/N, and (as amdgpu_test's SYNCOBJ TIMELINE suite)
 * a CS waiting WAIT_FOR_SUBMIT on a timeline point that another thread
 * submits later, held back until then, and CPU timeline waits across
 * threads. Errnos are the kernel's (amdgpu_*.c, drm_syncobj.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "uapi/amdgpu.h"
#include "uapi/drm_core.h"

#define PKT3(op, n) (3u << 30 | ((n)&0x3fff) << 16 | (op) << 8)
#define SZ 0x10000ull
#define IB_VA 0x400000ull
#define DST_VA 0x800000ull
#define IOC(nr, t) VMB_AMDGPU_IOWR(nr, t)
#define FLINK VMB_DRM_IOWR(0x0a, struct vmb_drm_gem_flink)
#define GEM_OPEN VMB_DRM_IOWR(0x0b, struct vmb_drm_gem_open)

static int fd, n_test, n_fail;
static uint32_t ctx;

static void check(int ok, const char *name)
{
	n_test++;
	if (!ok)
		n_fail++;
	printf("%sok %d - %s\n", ok ? "" : "not ", n_test, name);
}

/* the ioctl's -errno, or 0 */
static int io(unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static uint32_t gem(uint64_t size, uint32_t domains)
{
	union vmb_amdgpu_gem_create c = {
	    .in = {.bo_size = size, .domains = domains, .alignment = 4096, .domain_flags = 1}};

	return io(VMB_DRM_IOCTL_AMDGPU_GEM_CREATE, &c) ? 0 : c.out.handle;
}

static uint32_t *map_bo(uint32_t h, uint64_t va, uint64_t size)
{
	union vmb_amdgpu_gem_mmap m = {.in = {.handle = h}};
	struct vmb_amdgpu_gem_va v = {
	    .handle = h, .operation = VMB_AMDGPU_VA_OP_MAP, .va_address = va, .map_size = size};
	void *p;

	v.flags = VMB_AMDGPU_VM_PAGE_READABLE | VMB_AMDGPU_VM_PAGE_WRITEABLE |
		  VMB_AMDGPU_VM_PAGE_EXECUTABLE;
	if (io(VMB_DRM_IOCTL_AMDGPU_GEM_VA, &v) || io(VMB_DRM_IOCTL_AMDGPU_GEM_MMAP, &m))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.out.addr_ptr);
	return p == MAP_FAILED ? NULL : p;
}

/* a CS of @n_ib IBs plus @extra chunks; the sequence number in *seq */
static int cs(struct vmb_amdgpu_cs_chunk_ib *ibs, uint32_t n_ib, uint32_t list,
	      const struct vmb_amdgpu_cs_chunk *extra, uint32_t n_extra, uint64_t *seq)
{
	struct vmb_amdgpu_cs_chunk ch[8];
	uint64_t chunks[8];
	union vmb_amdgpu_cs c = {.in = {.ctx_id = ctx, .bo_list_handle = list}};
	uint32_t i, n = 0;
	int ret;

	for (i = 0; i < n_ib; i++)
		ch[n++] = (struct vmb_amdgpu_cs_chunk){VMB_AMDGPU_CHUNK_ID_IB, sizeof(ibs[0]) / 4,
						       (uintptr_t)&ibs[i]};
	for (i = 0; i < n_extra; i++)
		ch[n++] = extra[i];
	for (i = 0; i < n; i++)
		chunks[i] = (uintptr_t)&ch[i];
	c.in.num_chunks = n;
	c.in.chunks = (uintptr_t)chunks;
	ret = io(VMB_DRM_IOCTL_AMDGPU_CS, &c);
	if (!ret && seq)
		*seq = c.out.handle;
	return ret;
}

static void test_bo_ioctls(uint32_t h)
{
	struct vmb_amdgpu_gem_create_in info = {0};
	struct vmb_amdgpu_gem_op op = {.handle = h, .value = (uintptr_t)&info};
	struct vmb_amdgpu_gem_metadata md = {.handle = h};
	union vmb_amdgpu_gem_wait_idle wi = {.in = {.handle = h}};

	check(!io(IOC(VMB_DRM_AMDGPU_GEM_OP, struct vmb_amdgpu_gem_op), &op) &&
		  info.bo_size == SZ && info.alignment == 4096 && info.domains == 2 &&
		  info.domain_flags == 1,
	      "GEM_OP GET_GEM_CREATE_INFO");
	op.op = VMB_AMDGPU_GEM_OP_SET_PLACEMENT;
	op.value = 4;
	check(!io(IOC(VMB_DRM_AMDGPU_GEM_OP, struct vmb_amdgpu_gem_op), &op),
	      "GEM_OP SET_PLACEMENT");
	op.op = 7;
	check(io(IOC(VMB_DRM_AMDGPU_GEM_OP, struct vmb_amdgpu_gem_op), &op) == -EINVAL,
	      "GEM_OP unknown op: -EINVAL");

	md.op = VMB_AMDGPU_GEM_METADATA_OP_SET_METADATA;
	md.data.tiling_info = 0x55;
	md.data.data_size_bytes = 4;
	md.data.data[0] = 0xdeadbeef;
	check(!io(IOC(VMB_DRM_AMDGPU_GEM_METADATA, struct vmb_amdgpu_gem_metadata), &md),
	      "GEM_METADATA SET");
	memset(&md.data, 0, sizeof(md.data));
	md.op = VMB_AMDGPU_GEM_METADATA_OP_GET_METADATA;
	check(!io(IOC(VMB_DRM_AMDGPU_GEM_METADATA, struct vmb_amdgpu_gem_metadata), &md) &&
		  md.data.data_size_bytes == 4 && md.data.data[0] == 0xdeadbeef &&
		  md.data.tiling_info == 0x55,
	      "GEM_METADATA GET returns what SET stored");
	md.op = VMB_AMDGPU_GEM_METADATA_OP_SET_METADATA;
	md.data.data_size_bytes = 257;
	check(io(IOC(VMB_DRM_AMDGPU_GEM_METADATA, struct vmb_amdgpu_gem_metadata), &md) == -EINVAL,
	      "GEM_METADATA SET of 257 bytes: -EINVAL");
	md.handle = 999;
	check(io(IOC(VMB_DRM_AMDGPU_GEM_METADATA, struct vmb_amdgpu_gem_metadata), &md) == -ENOENT,
	      "GEM_METADATA of an unknown handle: -ENOENT");

	check(!io(IOC(VMB_DRM_AMDGPU_GEM_WAIT_IDLE, union vmb_amdgpu_gem_wait_idle), &wi) &&
		  wi.out.status == 0,
	      "GEM_WAIT_IDLE: idle");
}

static void test_cs_ioctls(uint32_t *ib, uint32_t *dst, uint32_t hib, uint32_t hdst)
{
	struct vmb_amdgpu_bo_list_entry ent[2] = {{hib, 0}, {hdst, 0}};
	union vmb_amdgpu_bo_list bl = {.in = {.operation = VMB_AMDGPU_BO_LIST_OP_CREATE,
					      .bo_number = 2,
					      .bo_info_size = sizeof(ent[0]),
					      .bo_info_ptr = (uintptr_t)ent}};
	struct vmb_amdgpu_cs_chunk_ib ibs[2] = {
	    {.flags = 1, .va_start = IB_VA + 0x1000, .ip_type = VMB_AMDGPU_HW_IP_GFX},
	    {.va_start = IB_VA, .ip_type = VMB_AMDGPU_HW_IP_GFX}};
	uint32_t hfence = gem(4096, 2), list, i, n = 0, ok;
	uint32_t *fence = hfence ? map_bo(hfence, DST_VA + SZ, 4096) : NULL;
	struct vmb_amdgpu_cs_chunk_fence cf = {.handle = hfence, .offset = 64};
	struct vmb_amdgpu_cs_chunk_dep dep = {.ip_type = VMB_AMDGPU_HW_IP_GFX, .ctx_id = ctx};
	struct vmb_amdgpu_cs_chunk extra[2] = {
	    {VMB_AMDGPU_CHUNK_ID_FENCE, sizeof(cf) / 4, (uintptr_t)&cf},
	    {VMB_AMDGPU_CHUNK_ID_DEPENDENCIES, sizeof(dep) / 4, (uintptr_t)&dep}};
	struct vmb_amdgpu_fence fences[2] = {{.ctx_id = ctx}, {.ctx_id = ctx}};
	union vmb_amdgpu_wait_fences wf = {
	    .in = {
		.fences = (uintptr_t)fences, .fence_count = 2, .wait_all = 1, .timeout_ns = ~0ull}};
	union vmb_amdgpu_fence_to_handle th = {.in = {.what = 0}};
	uint64_t seq = 0;

	check(!io(IOC(VMB_DRM_AMDGPU_BO_LIST, union vmb_amdgpu_bo_list), &bl) && bl.out.list_handle,
	      "BO_LIST CREATE");
	list = bl.out.list_handle;

	/* a CE IB with counter packets, a DE IB waiting on them, 128 dwords stored */
	ib[0x400] = PKT3(0x89, 0);
	ib[0x401] = 0;
	ib[0x402] = PKT3(0x84, 0);
	ib[0x403] = 1;
	ibs[0].ib_bytes = 16;
	ib[n++] = PKT3(0x86, 0);
	ib[n++] = 1;
	ib[n++] = PKT3(0x37, 2 + 128);
	ib[n++] = 5u << 8 | 1u << 20;
	ib[n++] = (uint32_t)DST_VA;
	ib[n++] = 0;
	for (i = 0; i < 128; i++)
		ib[n++] = 0xdeadbeaf;
	ibs[1].ib_bytes = n * 4;
	check(fence && !cs(ibs, 2, list, extra, 1, &seq), "CS with a BO list and a user fence");
	for (ok = 1, i = 0; i < 128; i++)
		ok &= dst[i] == 0xdeadbeaf;
	check(ok && dst[128] == 0, "128-dword WRITE_DATA after CE/DE counters");
	check(fence && fence[16] == (uint32_t)seq && seq,
	      "user fence BO holds the sequence number");

	dep.handle = seq;
	check(!cs(&ibs[1], 1, list, &extra[1], 1, NULL), "CS with a dependency on the last one");
	dep.handle = seq + 100;
	check(cs(&ibs[1], 1, list, &extra[1], 1, NULL) == -EINVAL,
	      "dependency on a sequence number not issued: -EINVAL");
	check(cs(&ibs[1], 1, 77, NULL, 0, NULL) == -ENOENT, "CS with an unknown BO list: -ENOENT");
	cf.offset = 4092;
	check(cs(&ibs[1], 1, list, extra, 1, NULL) == -EINVAL, "user fence beyond its BO: -EINVAL");
	/* amdgpu_ctx_get_entity / init_entity: rings this GPU has, and those it lacks */
	ibs[1].ip_type = 3; /* UVD */
	check(cs(&ibs[1], 1, list, NULL, 0, NULL) == -EINVAL, "CS on UVD (no rings): -EINVAL");
	ibs[1].ip_type = 4; /* VCE */
	check(cs(&ibs[1], 1, list, NULL, 0, NULL) == -ENOENT, "CS on VCE (no rings): -ENOENT");
	ibs[1].ip_type = VMB_AMDGPU_HW_IP_GFX;
	ibs[1].ring = 1;
	check(cs(&ibs[1], 1, list, NULL, 0, NULL) == -EINVAL, "CS on GFX ring 1: -EINVAL");
	ibs[1].ring = 0;

	bl.in.operation = VMB_AMDGPU_BO_LIST_OP_UPDATE;
	bl.in.list_handle = list;
	bl.in.bo_number = 1;
	bl.in.bo_info_size = sizeof(ent[0]);
	bl.in.bo_info_ptr = (uintptr_t)ent;
	check(!io(IOC(VMB_DRM_AMDGPU_BO_LIST, union vmb_amdgpu_bo_list), &bl), "BO_LIST UPDATE");
	bl.in.operation = VMB_AMDGPU_BO_LIST_OP_UPDATE;
	bl.in.list_handle = 55;
	bl.in.bo_number = 1;
	bl.in.bo_info_size = sizeof(ent[0]);
	bl.in.bo_info_ptr = (uintptr_t)ent;
	check(io(IOC(VMB_DRM_AMDGPU_BO_LIST, union vmb_amdgpu_bo_list), &bl) == -ENOENT,
	      "BO_LIST UPDATE of an unknown list: -ENOENT");
	ent[0].bo_handle = 999;
	bl.in.operation = VMB_AMDGPU_BO_LIST_OP_CREATE;
	bl.in.bo_number = 1;
	bl.in.bo_info_size = sizeof(ent[0]);
	bl.in.bo_info_ptr = (uintptr_t)ent;
	check(io(IOC(VMB_DRM_AMDGPU_BO_LIST, union vmb_amdgpu_bo_list), &bl) == -ENOENT,
	      "BO_LIST CREATE naming an unknown BO: -ENOENT");
	bl.in.operation = VMB_AMDGPU_BO_LIST_OP_DESTROY;
	bl.in.list_handle = list;
	check(!io(IOC(VMB_DRM_AMDGPU_BO_LIST, union vmb_amdgpu_bo_list), &bl), "BO_LIST DESTROY");

	fences[1].seq_no = seq;
	check(!io(IOC(VMB_DRM_AMDGPU_WAIT_FENCES, union vmb_amdgpu_wait_fences), &wf) &&
		  wf.out.status == 1,
	      "WAIT_FENCES: all signaled");
	fences[1].ctx_id = 99;
	wf.in.fences = (uintptr_t)fences;
	wf.in.fence_count = 2;
	check(io(IOC(VMB_DRM_AMDGPU_WAIT_FENCES, union vmb_amdgpu_wait_fences), &wf) == -EINVAL,
	      "WAIT_FENCES on an unknown context: -EINVAL");

	th.in.fence = fences[0];
	th.in.fence.seq_no = seq;
	check(!io(IOC(VMB_DRM_AMDGPU_FENCE_TO_HANDLE, union vmb_amdgpu_fence_to_handle), &th) &&
		  th.out.handle,
	      "FENCE_TO_HANDLE GET_SYNCOBJ");
	th.in.fence = fences[0];
	th.in.what = 9;
	check(io(IOC(VMB_DRM_AMDGPU_FENCE_TO_HANDLE, union vmb_amdgpu_fence_to_handle), &th) ==
		  -EINVAL,
	      "FENCE_TO_HANDLE unknown what: -EINVAL");
}

static void test_ctx_vm_sched(void)
{
	union vmb_amdgpu_ctx c = {.in = {.op = VMB_AMDGPU_CTX_OP_SET_STABLE_PSTATE,
					 .ctx_id = ctx,
					 .flags = VMB_AMDGPU_CTX_STABLE_PSTATE_PEAK}};
	union vmb_amdgpu_vm v = {.in = {.op = VMB_AMDGPU_VM_OP_RESERVE_VMID}};
	union vmb_amdgpu_sched s = {.in = {.op = VMB_AMDGPU_SCHED_OP_CONTEXT_PRIORITY_OVERRIDE,
					   .fd = (uint32_t)fd,
					   .priority = 512,
					   .ctx_id = ctx}};

	check(!io(VMB_DRM_IOCTL_AMDGPU_CTX, &c), "CTX SET_STABLE_PSTATE peak");
	c.in.op = VMB_AMDGPU_CTX_OP_GET_STABLE_PSTATE;
	c.in.ctx_id = ctx;
	c.in.flags = 0;
	check(!io(VMB_DRM_IOCTL_AMDGPU_CTX, &c) &&
		  c.alloc.ctx_id == VMB_AMDGPU_CTX_STABLE_PSTATE_PEAK,
	      "CTX GET_STABLE_PSTATE");
	check(!io(IOC(VMB_DRM_AMDGPU_VM, union vmb_amdgpu_vm), &v), "VM RESERVE_VMID");
	v.in.op = VMB_AMDGPU_VM_OP_UNRESERVE_VMID;
	check(!io(IOC(VMB_DRM_AMDGPU_VM, union vmb_amdgpu_vm), &v), "VM UNRESERVE_VMID");
	v.in.flags = 1;
	check(io(IOC(VMB_DRM_AMDGPU_VM, union vmb_amdgpu_vm), &v) == -EINVAL,
	      "VM with flags: -EINVAL");
	check(!io(IOC(VMB_DRM_AMDGPU_SCHED, union vmb_amdgpu_sched), &s),
	      "SCHED context priority override (primary node)");
	s.in.priority = 5;
	check(io(IOC(VMB_DRM_AMDGPU_SCHED, union vmb_amdgpu_sched), &s) == -EINVAL,
	      "SCHED invalid priority: -EINVAL");
}

static void test_flink_and_reopen(uint32_t h)
{
	struct vmb_drm_gem_flink fl = {.handle = h};
	struct vmb_drm_gem_open op = {0};
	char path[64], link[64] = "";
	ssize_t n;
	int fd2;

	check(!io(FLINK, &fl) && fl.name, "GEM_FLINK");
	op.name = fl.name;
	check(!io(GEM_OPEN, &op) && op.handle && op.handle != h && op.size == SZ,
	      "GEM_OPEN gives a new handle of the named BO");
	op.name = 4242;
	check(io(GEM_OPEN, &op) == -ENOENT, "GEM_OPEN of an unknown name: -ENOENT");

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	check(n > 0 && !strncmp(link, "/dev/dri/card0", (size_t)n), "readlink /proc/self/fd/N");
	fd2 = open(path, O_RDWR);
	fl.handle = h;
	check(fd2 >= 0 && ioctl(fd2, FLINK, &fl) == -1 && errno == ENOENT,
	      "open /proc/self/fd/N: a new file (no handles)");
	if (fd2 >= 0)
		close(fd2);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void nap_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000l};

	nanosleep(&ts, NULL);
}

/* a CS of one GFX IB at dword @at of the IB BO, with one timeline chunk */
static int cs_timeline(uint32_t at, uint32_t ndw, uint32_t chunk, uint32_t syncobj, uint64_t point,
		       uint32_t flags)
{
	struct vmb_amdgpu_cs_chunk_ib ib = {
	    .va_start = IB_VA + at * 4ull, .ib_bytes = ndw * 4, .ip_type = VMB_AMDGPU_HW_IP_GFX};
	struct vmb_amdgpu_cs_chunk_syncobj sy = {.handle = syncobj, .flags = flags, .point = point};
	struct vmb_amdgpu_cs_chunk ch = {chunk, sizeof(sy) / 4, (uintptr_t)&sy};

	return cs(&ib, 1, 0, &ch, 1, NULL);
}

struct waiter {
	uint32_t syncobj;
	int ret;
	int done;
	uint64_t t_done;
};

static void *cs_waiter(void *arg)
{
	struct waiter *w = arg;

	w->ret = cs_timeline(0x800, 5, VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT, w->syncobj, 5,
			     VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT);
	w->t_done = mono_ns();
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *host_signaller(void *arg)
{
	struct waiter *w = arg;
	uint64_t point = 30;
	struct vmb_drm_syncobj_timeline_array a = {
	    .handles = (uintptr_t)&w->syncobj, .points = (uintptr_t)&point, .count_handles = 1};

	nap_ms(100);
	w->t_done = mono_ns();
	w->ret = io(VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a);
	return NULL;
}

/* amdgpu_test's SYNCOBJ TIMELINE suite: submissions and waits across threads */
static void test_timeline_threads(uint32_t *ib, uint32_t *dst)
{
	struct vmb_drm_syncobj_create sc = {0};
	struct waiter w = {0};
	struct vmb_drm_syncobj_timeline_wait tw = {.count_handles = 1};
	uint64_t point, t_signal;
	struct vmb_drm_syncobj_timeline_array q = {.count_handles = 1};
	pthread_t th;

	check(!io(VMB_DRM_IOCTL_SYNCOBJ_CREATE, &sc) && sc.handle, "SYNCOBJ_CREATE");
	w.syncobj = sc.handle;
	tw.handles = q.handles = (uintptr_t)&w.syncobj;
	tw.points = q.points = (uintptr_t)&point;
	/* the waiting job stores 0x77, the signalling one 0x55 */
	ib[0x800] = PKT3(0x37, 3);
	ib[0x801] = 5u << 8 | 1u << 20;
	ib[0x802] = (uint32_t)(DST_VA + 0x1000);
	ib[0x803] = 0;
	ib[0x804] = 0x77;
	ib[0x810] = PKT3(0x37, 3);
	ib[0x811] = 5u << 8 | 1u << 20;
	ib[0x812] = (uint32_t)(DST_VA + 0x1004);
	ib[0x813] = 0;
	ib[0x814] = 0x55;
	dst[0x400] = dst[0x401] = 0;
	if (pthread_create(&th, NULL, cs_waiter, &w)) {
		check(0, "start the waiting thread");
		return;
	}
	nap_ms(200);
	check(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE) && dst[0x400] == 0,
	      "CS waiting for submit of point 5: held back, its store not done");
	t_signal = mono_ns();
	check(!cs_timeline(0x810, 5, VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL, w.syncobj, 10, 0),
	      "CS signalling point 10 from another thread");
	pthread_join(th, NULL);
	check(!w.ret && w.t_done >= t_signal && dst[0x400] == 0x77 && dst[0x401] == 0x55,
	      "held-back CS goes on after the signal, both stores done");
	point = 0;
	check(!io(VMB_DRM_IOCTL_SYNCOBJ_QUERY, &q) && point == 10, "QUERY: point 10");

	check(cs_timeline(0x800, 5, VMB_AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_WAIT, w.syncobj, 20, 0) ==
		  -EINVAL,
	      "CS waiting on an unsubmitted point without WAIT_FOR_SUBMIT: -EINVAL");
	point = 20;
	tw.flags = VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL;
	tw.timeout_nsec = (int64_t)(mono_ns() + 50000000ull);
	check(io(VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw) == -EINVAL,
	      "CPU wait on an unsubmitted point: -EINVAL");
	tw.flags |= VMB_DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
	tw.timeout_nsec = (int64_t)(mono_ns() + 50000000ull);
	check(io(VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw) == -ETIME,
	      "CPU wait for submit, nobody signals: -ETIME at the timeout");

	w.ret = -1;
	if (pthread_create(&th, NULL, host_signaller, &w)) {
		check(0, "start the signalling thread");
		return;
	}
	point = 30;
	tw.timeout_nsec = (int64_t)(mono_ns() + 5000000000ull);
	check(!io(VMB_DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw) && mono_ns() >= w.t_done,
	      "CPU wait for submit returns once another thread signals point 30");
	pthread_join(th, NULL);
	point = 0;
	check(!w.ret && !io(VMB_DRM_IOCTL_SYNCOBJ_QUERY, &q) && point == 30, "QUERY: point 30");
}

int main(void)
{
	union vmb_amdgpu_ctx c = {.in = {.op = VMB_AMDGPU_CTX_OP_ALLOC_CTX}};
	union vmb_amdgpu_gem_create big = {.in = {.bo_size = 0xE8D4A51000ull, .domains = 4}};
	uint32_t hib, hdst;
	uint32_t *ib, *dst;

	fd = open("/dev/dri/card0", O_RDWR);
	if (fd < 0 || io(VMB_DRM_IOCTL_AMDGPU_CTX, &c)) {
		printf("not ok 1 - open the shim's primary node, CTX\n");
		return 1;
	}
	ctx = c.alloc.ctx_id;
	hib = gem(SZ, 2);
	hdst = gem(SZ, 2);
	ib = hib ? map_bo(hib, IB_VA, SZ) : NULL;
	dst = hdst ? map_bo(hdst, DST_VA, SZ) : NULL;
	check(ib && dst, "GEM_CREATE, GEM_VA, GEM_MMAP");
	if (!ib || !dst)
		return 1;
	check(io(VMB_DRM_IOCTL_AMDGPU_GEM_CREATE, &big) == -ENOMEM, "1 TB VRAM BO: -ENOMEM");
	test_bo_ioctls(hdst);
	test_cs_ioctls(ib, dst, hib, hdst);
	test_ctx_vm_sched();
	test_flink_and_reopen(hdst);
	test_timeline_threads(ib, dst);
	printf("%d passed, %d failed\n", n_test - n_fail, n_fail);
	return n_fail ? 1 : 0;
}
