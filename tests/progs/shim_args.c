// SPDX-License-Identifier: MIT
/*
 * shim_args.c - the shim's argument checks for nouveau, panthor and msm, one
 * case per check of the kernel's (docs/backends.md has the tables: check,
 * errno, kernel file:function, and the name of the case here). Run over the
 * shim by tests/shim-args.sh with VMB_SHIM_DRIVER=nouveau, panthor or msm;
 * each case is one ioctl whose errno (or success) must be the kernel's, and
 * where the kernel changes state on success the state is checked too. TAP
 * output.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "uapi/drm_core.h"
#include "uapi/msm.h"
#include "uapi/nouveau.h"
#include "uapi/panthor.h"

static int n_test, n_fail;

static void check(int ok, const char *name)
{
	n_test++;
	if (!ok)
		n_fail++;
	printf("%sok %d - %s\n", ok ? "" : "not ", n_test, name);
}

/* the ioctl's result: 0 or -errno */
static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* check that @ret is @want, naming both when it is not */
static void expect(int ret, int want, const char *name)
{
	char buf[200];

	if (ret == want) {
		check(1, name);
		return;
	}
	snprintf(buf, sizeof(buf), "%s (got %d %s, want %d %s)", name, ret, strerror(-ret), want,
		 strerror(-want));
	check(0, buf);
}

static int open_node(void)
{
	int fd = open("/dev/dri/renderD128", O_RDWR);

	if (fd < 0) {
		perror("open /dev/dri/renderD128");
		exit(2);
	}
	return fd;
}

static uint32_t syncobj(int fd, bool signaled)
{
	struct vmb_drm_syncobj_create c = {.flags = signaled ? VMB_DRM_SYNCOBJ_CREATE_SIGNALED : 0};

	return xioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_CREATE, &c) ? 0 : c.handle;
}

/* ---- nouveau ------------------------------------------------------------------ */

static uint32_t nv_bo(int fd, uint64_t size)
{
	struct vmb_nouveau_gem_new g = {
	    .info.size = size, .info.domain = VMB_NOUVEAU_GEM_DOMAIN_VRAM, .align = 4096};

	return xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_GEM_NEW, &g) ? 0 : g.info.handle;
}

static int nv_vm_init(int fd, uint64_t kaddr, uint64_t ksize)
{
	struct vmb_nouveau_vm_init v = {kaddr, ksize};

	return xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_VM_INIT, &v);
}

/* one VM_BIND of @n ops, synchronous unless syncs are given */
static int nv_bind(int fd, const struct vmb_nouveau_vm_bind_op *ops, uint32_t n,
		   const struct vmb_nouveau_sync *w, uint32_t nw, const struct vmb_nouveau_sync *s,
		   uint32_t ns, uint32_t flags)
{
	struct vmb_nouveau_vm_bind b = {.op_count = n,
					.flags = flags,
					.wait_count = nw,
					.sig_count = ns,
					.wait_ptr = (uintptr_t)w,
					.sig_ptr = (uintptr_t)s,
					.op_ptr = (uintptr_t)ops};

	return xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_VM_BIND, &b);
}

static int nv_op(int fd, uint32_t op, uint32_t flags, uint32_t handle, uint64_t addr,
		 uint64_t offset, uint64_t range)
{
	struct vmb_nouveau_vm_bind_op o = {.op = op,
					   .flags = flags,
					   .handle = handle,
					   .addr = addr,
					   .bo_offset = offset,
					   .range = range};

	return nv_bind(fd, &o, 1, NULL, 0, NULL, 0, 0);
}

#define NV_MAP VMB_NOUVEAU_VM_BIND_OP_MAP
#define NV_UNMAP VMB_NOUVEAU_VM_BIND_OP_UNMAP
#define NV_SPARSE VMB_NOUVEAU_VM_BIND_SPARSE

static void test_nouveau(void)
{
	int fd = open_node(), fd2 = open_node(), fd3 = open_node();
	struct vmb_nouveau_channel_alloc ch = {0};
	struct vmb_nouveau_vm_bind_op ops[3];
	struct vmb_nouveau_sync sy = {0};
	struct vmb_nouveau_exec x = {0};
	struct vmb_nouveau_exec_push push = {0};
	uint32_t bo, s_sig, s_empty;

	/* VM_INIT: nouveau_uvmm_ioctl_vm_init */
	expect(nv_op(fd, NV_MAP, 0, 0, 0x100000, 0, 0x1000), -ENOSYS,
	       "nouveau: VM_BIND before VM_INIT");
	expect(nv_vm_init(fd, ~0ull - 0xfff, 0x2000), -EINVAL, "nouveau: VM_INIT window overflows");
	expect(nv_vm_init(fd, (1ull << 47) - 0x1000, 0x2000), -EINVAL,
	       "nouveau: VM_INIT window beyond 2^47");
	check(nv_bo(fd2, 0x1000) != 0, "nouveau: GEM_NEW before VM_INIT (legacy uAPI)");
	expect(nv_vm_init(fd2, 0, 0x100000), -ENOSYS, "nouveau: VM_INIT after GEM_NEW");
	expect(xioctl(fd3, VMB_DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC, &ch), -EOPNOTSUPP,
	       "nouveau: legacy CHANNEL_ALLOC (not modelled)");
	expect(nv_vm_init(fd3, 0, 0x100000), -ENOSYS, "nouveau: VM_INIT after CHANNEL_ALLOC");
	expect(nv_vm_init(fd, 0, 0x100000), 0, "nouveau: VM_INIT");
	expect(nv_vm_init(fd, 0, 0x100000), -EINVAL, "nouveau: second VM_INIT (not modelled)");
	bo = nv_bo(fd, 0x10000);
	s_sig = syncobj(fd, true);
	s_empty = syncobj(fd, false);

	/* VM_BIND copies and job init */
	{
		struct vmb_nouveau_vm_bind b = {.op_count = 1, .op_ptr = 8};

		expect(xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_VM_BIND, &b), -EFAULT,
		       "nouveau: unreadable op array");
		b.op_count = 0x10000000; /* 10 GiB of ops */
		expect(xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_VM_BIND, &b), -ENOMEM,
		       "nouveau: op array beyond kvmalloc's limit");
	}
	expect(nv_bind(fd, NULL, 0, NULL, 0, NULL, 0, 0), 0, "nouveau: VM_BIND without ops");
	expect(nv_bind(fd, NULL, 0, NULL, 0, NULL, 0, 0x80), 0,
	       "nouveau: unknown VM_BIND flag bits are not checked");
	sy.handle = s_sig;
	expect(nv_bind(fd, NULL, 0, &sy, 1, NULL, 0, 0), -EINVAL,
	       "nouveau: wait fence on a synchronous bind");
	expect(nv_bind(fd, NULL, 0, NULL, 0, &sy, 1, 0), -EINVAL,
	       "nouveau: signal fence on a synchronous bind");
	sy.flags = 2;
	expect(nv_bind(fd, NULL, 0, &sy, 1, NULL, 0, VMB_NOUVEAU_VM_BIND_RUN_ASYNC), -EOPNOTSUPP,
	       "nouveau: wait fence of unknown type");
	expect(nv_bind(fd, NULL, 0, NULL, 0, &sy, 1, VMB_NOUVEAU_VM_BIND_RUN_ASYNC), -EINVAL,
	       "nouveau: signal fence of unknown type");
	sy.flags = 0x100; /* bits above the type are not looked at */
	sy.handle = 999;
	expect(nv_bind(fd, NULL, 0, &sy, 1, NULL, 0, VMB_NOUVEAU_VM_BIND_RUN_ASYNC), -ENOENT,
	       "nouveau: unknown wait syncobj");
	expect(nv_bind(fd, NULL, 0, NULL, 0, &sy, 1, VMB_NOUVEAU_VM_BIND_RUN_ASYNC), -ENOENT,
	       "nouveau: unknown signal syncobj");
	sy.handle = s_empty;
	expect(nv_bind(fd, NULL, 0, &sy, 1, NULL, 0, VMB_NOUVEAU_VM_BIND_RUN_ASYNC), -EINVAL,
	       "nouveau: wait on a syncobj without a fence");
	sy.handle = s_sig;
	expect(nv_bind(fd, NULL, 0, &sy, 1, NULL, 0, VMB_NOUVEAU_VM_BIND_RUN_ASYNC), 0,
	       "nouveau: wait on a signaled syncobj (flag bits above the type ignored)");

	/* ops: bind_validate_op, nouveau_uvmm_validate_range */
	expect(nv_op(fd, NV_MAP, 0, 77, 0x1000000, 0, 0x1000), -ENOENT,
	       "nouveau: MAP unknown handle");
	expect(nv_op(fd, NV_MAP, 0, bo, 0x1000000, 0x800, 0x1000), -EINVAL,
	       "nouveau: MAP bo_offset unaligned");
	expect(nv_op(fd, NV_MAP, 0, bo, 0x1000000, 0x10000, 0x1000), -EINVAL,
	       "nouveau: MAP bo_offset at the BO's end");
	expect(nv_op(fd, NV_MAP, 0, bo, 0x1000000, 0x1000, 0x10000), -EINVAL,
	       "nouveau: MAP range past the BO");
	expect(nv_op(fd, NV_MAP, 0, bo, 0x1000800, 0, 0x1000), -EINVAL, "nouveau: addr unaligned");
	expect(nv_op(fd, NV_UNMAP, 0, 0, 0x1000000, 0, 0x800), -EINVAL, "nouveau: range unaligned");
	expect(nv_op(fd, NV_MAP, 0, bo, (1ull << 47) - 0x1000, 0, 0x2000), -EINVAL,
	       "nouveau: range past 2^47");
	expect(nv_op(fd, NV_UNMAP, 0, 0, ~0ull - 0xfff, 0, 0x2000), -EINVAL,
	       "nouveau: range overflows");
	expect(nv_op(fd, NV_MAP, 0, bo, 0x80000, 0, 0x1000), -EINVAL,
	       "nouveau: range in the kernel-managed window");
	expect(nv_op(fd, 7, 0, 0, 0x1000000, 0, 0x1000), -EINVAL, "nouveau: unknown op");
	expect(nv_op(fd, NV_MAP, 0, bo, 0x1000000, 0, 0), -EINVAL,
	       "nouveau: MAP of 0 bytes (not modelled)");
	expect(nv_op(fd, NV_UNMAP, 0, 0, 0x1000000, 0, 0), 0, "nouveau: UNMAP of 0 bytes");
	expect(nv_op(fd, NV_MAP, 0x10000 | 0x42, bo, 0x1000000, 0, 0x1000), 0,
	       "nouveau: MAP with unknown op flag bits (not checked)");
	expect(nv_op(fd, NV_UNMAP, 0, 1234, 0x1000000, 0x1234, 0x1000), 0,
	       "nouveau: UNMAP with handle and bo_offset (not checked)");

	/* sparse regions: bind_validate_region, nouveau_uvmm_bind_job_submit */
	expect(nv_op(fd, NV_MAP, NV_SPARSE, 4321, 0x2000000, 0x10, 0x100000), 0,
	       "nouveau: sparse MAP (handle and bo_offset ignored)");
	expect(nv_op(fd, NV_MAP, NV_SPARSE, 0, 0x20f0000, 0, 0x20000), -ENOSPC,
	       "nouveau: sparse MAP over a sparse region");
	expect(nv_op(fd, NV_MAP, 0, bo, 0x20f8000, 0, 0x10000), -ENOSPC,
	       "nouveau: MAP across a region's end");
	expect(nv_op(fd, NV_MAP, 0, bo, 0x2010000, 0, 0x10000), 0, "nouveau: MAP inside a region");
	expect(nv_op(fd, NV_UNMAP, NV_SPARSE, 0, 0x2000000, 0, 0x10000), -ENOENT,
	       "nouveau: sparse UNMAP of part of a region");
	check(!nv_op(fd, NV_MAP, 0, bo, 0x5000000, 0, 0x1000), "nouveau: MAP");
	expect(nv_op(fd, NV_MAP, NV_SPARSE, 0, 0x4ff0000, 0, 0x20000), -ENOSPC,
	       "nouveau: sparse MAP over a BO mapping");
	memset(ops, 0, sizeof(ops));
	ops[0] = (struct vmb_nouveau_vm_bind_op){
	    .op = NV_MAP, .flags = NV_SPARSE, .addr = 0x3000000, .range = 0x20000};
	ops[1] = (struct vmb_nouveau_vm_bind_op){
	    .op = NV_MAP, .flags = NV_SPARSE, .addr = 0x3010000, .range = 0x20000};
	expect(nv_bind(fd, ops, 2, NULL, 0, NULL, 0, 0), -EEXIST,
	       "nouveau: two overlapping sparse MAPs in one bind");
	ops[1] = (struct vmb_nouveau_vm_bind_op){
	    .op = NV_UNMAP, .flags = NV_SPARSE, .addr = 0x2000000, .range = 0x100000};
	ops[2] = (struct vmb_nouveau_vm_bind_op){
	    .op = NV_MAP, .handle = bo, .addr = 0x2020000, .range = 0x1000};
	expect(nv_bind(fd, ops + 1, 2, NULL, 0, NULL, 0, 0), -EINVAL,
	       "nouveau: MAP into a region the same bind unmaps");
	expect(nv_bind(fd, ops + 1, 1, NULL, 0, NULL, 0, 0), 0,
	       "nouveau: sparse UNMAP of a whole region");
	expect(nv_bind(fd, ops + 1, 1, NULL, 0, NULL, 0, 0), -ENOENT,
	       "nouveau: sparse UNMAP of a region that is gone");
	expect(nv_op(fd, 2, 0, 0, 0x4000000, 0, 0x10000), 0,
	       "nouveau: op 2 is a sparse MAP (bind_job_op_from_uop)");
	expect(nv_op(fd, 3, 0, 0, 0x4000000, 0, 0x10000), 0,
	       "nouveau: op 3 is a sparse UNMAP (bind_job_op_from_uop)");

	/* EXEC: nouveau_exec_ioctl_exec, nouveau_exec_job_init */
	expect(xioctl(fd2, VMB_DRM_IOCTL_NOUVEAU_EXEC, &x), -ENOSYS,
	       "nouveau: EXEC without VM_INIT");
	x.channel = 77;
	expect(xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_EXEC, &x), -ENOENT,
	       "nouveau: EXEC unknown channel");
	memset(&ch, 0, sizeof(ch));
	check(!xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC, &ch), "nouveau: CHANNEL_ALLOC");
	x.channel = (uint32_t)ch.channel;
	x.push_count = 511;
	expect(xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_EXEC, &x), -EINVAL,
	       "nouveau: EXEC with more pushes than EXEC_PUSH_MAX (510)");
	x.push_count = 1;
	x.push_ptr = 8;
	expect(xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_EXEC, &x), -EFAULT,
	       "nouveau: EXEC unreadable pushes");
	push.va = 0x1000000;
	push.va_len = 0x800000;
	x.push_ptr = (uintptr_t)&push;
	expect(xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_EXEC, &x), -EINVAL,
	       "nouveau: EXEC push longer than NV50_DMA_PUSH_MAX_LENGTH");
	push.va_len = 0x100;
	sy.flags = 2;
	x.wait_count = 1;
	x.wait_ptr = (uintptr_t)&sy;
	expect(xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_EXEC, &x), -EOPNOTSUPP,
	       "nouveau: EXEC wait fence of unknown type");
	sy.flags = 0;
	expect(xioctl(fd, VMB_DRM_IOCTL_NOUVEAU_EXEC, &x), 0, "nouveau: EXEC");
	close(fd);
	close(fd2);
	close(fd3);
}

/* ---- panthor ------------------------------------------------------------------ */

#define PT_MAP VMB_PANTHOR_VM_BIND_OP_TYPE_MAP
#define PT_UNMAP VMB_PANTHOR_VM_BIND_OP_TYPE_UNMAP
#define PT_SYNC_ONLY VMB_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY
#define PT_SIGNAL VMB_PANTHOR_SYNC_OP_SIGNAL
#define PT_TIMELINE VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ

static int pt_vm(int fd, uint32_t flags, uint64_t user_va, uint32_t *id, uint64_t *got)
{
	struct vmb_panthor_vm_create c = {.flags = flags, .user_va_range = user_va};
	int ret = xioctl(fd, VMB_DRM_IOCTL_PANTHOR_VM_CREATE, &c);

	if (id)
		*id = c.id;
	if (got)
		*got = c.user_va_range;
	return ret;
}

static uint32_t pt_bo(int fd, uint64_t size, uint32_t vm)
{
	struct vmb_panthor_bo_create c = {.size = size, .exclusive_vm_id = vm};

	return xioctl(fd, VMB_DRM_IOCTL_PANTHOR_BO_CREATE, &c) ? 0 : c.handle;
}

/* a VM_BIND of @n ops; @count receives ops.count as the kernel leaves it */
static int pt_bind(int fd, uint32_t vm, uint32_t flags, struct vmb_panthor_vm_bind_op *ops,
		   uint32_t n, uint32_t stride, uint32_t *count)
{
	struct vmb_panthor_vm_bind b = {.vm_id = vm, .flags = flags};
	int ret;

	b.ops = VMB_PANTHOR_OBJ_ARRAY(n, ops);
	b.ops.stride = stride;
	ret = xioctl(fd, VMB_DRM_IOCTL_PANTHOR_VM_BIND, &b);
	if (count)
		*count = b.ops.count;
	return ret;
}

static struct vmb_panthor_vm_bind_op pt_op(uint32_t flags, uint32_t bo, uint64_t off, uint64_t va,
					   uint64_t size)
{
	return (struct vmb_panthor_vm_bind_op){.flags = flags,
					       .bo_handle = bo,
					       .bo_offset = off,
					       .va = va,
					       .size = size,
					       .syncs.stride = sizeof(struct vmb_panthor_sync_op)};
}

static int pt_one(int fd, uint32_t vm, uint32_t flags, struct vmb_panthor_vm_bind_op o)
{
	return pt_bind(fd, vm, flags, &o, 1, sizeof(o), NULL);
}

static uint32_t pt_state(int fd, uint32_t vm)
{
	struct vmb_panthor_vm_get_state g = {.vm_id = vm};

	return xioctl(fd, VMB_DRM_IOCTL_PANTHOR_VM_GET_STATE, &g) ? 99 : g.state;
}

static void test_panthor(void)
{
	int fd = open_node();
	struct vmb_panthor_vm_bind_op ops[3], o;
	struct vmb_panthor_sync_op sy[2];
	uint32_t vm, vm2, vm3, bo, xbo, s_sig, s_empty, s_tl, cnt, i;
	uint64_t got;
	struct {
		struct vmb_panthor_vm_bind_op op;
		uint64_t extra;
	} big[1];

	/* VM_CREATE: panthor_vm_create_check_args, panthor_vm_pool_create_vm */
	expect(pt_vm(fd, 1, 0, NULL, NULL), -EINVAL, "panthor: VM_CREATE unknown flag");
	expect(pt_vm(fd, 0, (1ull << 48) - (256ull << 20) + 0x1000, NULL, NULL), -EINVAL,
	       "panthor: VM_CREATE user VA leaves under 256 MiB to the kernel");
	expect(pt_vm(fd, 0, 0, &vm, &got), 0, "panthor: VM_CREATE default user VA");
	check(got == 1ull << 47, "panthor: default user VA is half the GPU's (arm64 host)");
	expect(pt_vm(fd, 0, 0x40001234, &vm2, &got), 0,
	       "panthor: VM_CREATE unaligned user VA (not checked)");
	check(got == 1ull << 47, "panthor: user_va_range returned is the kernel VA start");
	for (i = 2; i < 32; i++)
		pt_vm(fd, 0, 0, &vm3, NULL);
	expect(pt_vm(fd, 0, 0, NULL, NULL), -EBUSY, "panthor: 33rd VM of a file");
	{
		struct vmb_panthor_vm_destroy d = {.id = vm3, .pad = 1};

		expect(xioctl(fd, VMB_DRM_IOCTL_PANTHOR_VM_DESTROY, &d), -EINVAL,
		       "panthor: VM_DESTROY pad");
		d.pad = 0;
		expect(xioctl(fd, VMB_DRM_IOCTL_PANTHOR_VM_DESTROY, &d), 0, "panthor: VM_DESTROY");
		expect(xioctl(fd, VMB_DRM_IOCTL_PANTHOR_VM_DESTROY, &d), -EINVAL,
		       "panthor: VM_DESTROY unknown id");
	}
	expect(pt_bo(fd, 0x1000, 77) ? 0 : -EINVAL, -EINVAL, "panthor: BO_CREATE unknown VM");
	bo = pt_bo(fd, 0x10000, 0);
	xbo = pt_bo(fd, 0x10000, vm2);
	s_sig = syncobj(fd, true);
	s_empty = syncobj(fd, false);
	s_tl = syncobj(fd, false);

	/* VM_BIND: panthor_ioctl_vm_bind, panthor_get_uobj_array */
	expect(pt_one(fd, 77, 0, pt_op(PT_MAP, bo, 0, 0x100000, 0x1000)), -EINVAL,
	       "panthor: VM_BIND unknown VM");
	expect(pt_bind(fd, vm, 0, NULL, 0, 0, NULL), -EINVAL,
	       "panthor: op stride 0, even without ops");
	expect(pt_bind(fd, vm, 0, NULL, 0, sizeof(o), NULL), 0, "panthor: VM_BIND without ops");
	expect(pt_bind(fd, vm, 0x80, NULL, 0, sizeof(o), NULL), 0,
	       "panthor: unknown VM_BIND flag bits (not checked)");
	expect(pt_bind(fd, vm, 0, ops, 1, sizeof(o) - 8, NULL), -EINVAL,
	       "panthor: op stride below the 6.10 size");
	{
		struct vmb_panthor_vm_bind b = {.vm_id = vm};

		b.ops = VMB_PANTHOR_OBJ_ARRAY(1, ops);
		b.ops.array = 8;
		expect(xioctl(fd, VMB_DRM_IOCTL_PANTHOR_VM_BIND, &b), -EFAULT,
		       "panthor: unreadable op array");
	}
	memset(big, 0, sizeof(big));
	big[0].op = pt_op(PT_MAP, bo, 0, 0x100000, 0x1000);
	big[0].extra = 1;
	expect(pt_bind(fd, vm, 0, &big[0].op, 1, sizeof(big[0]), NULL), -E2BIG,
	       "panthor: longer op with non-zero tail");
	big[0].extra = 0;
	expect(pt_bind(fd, vm, 0, &big[0].op, 1, sizeof(big[0]), NULL), 0,
	       "panthor: longer op with zero tail");

	/* ops: panthor_vm_bind_prepare_op_ctx, panthor_vm_prepare_map_op_ctx */
	expect(pt_one(fd, vm, 0, pt_op(PT_MAP, bo, 0, 0x200800, 0x1000)), -EINVAL,
	       "panthor: va unaligned");
	expect(pt_one(fd, vm, 0, pt_op(PT_MAP, bo, 0x800, 0x200000, 0x1000)), -EINVAL,
	       "panthor: bo_offset unaligned");
	expect(pt_one(fd, vm, 0, pt_op(PT_MAP, 77, 0, 0x200000, 0x1000)), -EINVAL,
	       "panthor: MAP unknown BO");
	expect(pt_one(fd, vm, 0, pt_op(PT_MAP | 0x100, bo, 0, 0x200000, 0x1000)), -EINVAL,
	       "panthor: MAP unknown flag");
	expect(pt_one(fd, vm, 0, pt_op(PT_MAP, bo, 0x8000, 0x200000, 0x10000)), -EINVAL,
	       "panthor: MAP past the BO");
	expect(pt_one(fd, vm, 0, pt_op(PT_MAP, xbo, 0, 0x200000, 0x1000)), -EINVAL,
	       "panthor: MAP a BO private to another VM");
	expect(
	    pt_one(fd, vm, 0,
		   pt_op(PT_UNMAP | VMB_PANTHOR_VM_BIND_OP_MAP_READONLY, 0, 0, 0x200000, 0x1000)),
	    -EINVAL, "panthor: UNMAP with a flag");
	expect(pt_one(fd, vm, 0, pt_op(PT_UNMAP, bo, 0, 0x200000, 0x1000)), -EINVAL,
	       "panthor: UNMAP with a BO");
	expect(pt_one(fd, vm, 0, pt_op(3u << 28, 0, 0, 0x200000, 0x1000)), -EINVAL,
	       "panthor: unknown op type");
	expect(pt_one(fd, vm, 0, pt_op(PT_MAP, bo, 0, (1ull << 48) - 0x1000, 0x2000)), -EINVAL,
	       "panthor: synchronous MAP past the GPU VA");
	expect(pt_one(fd, vm, 0, pt_op(PT_MAP, bo, 0, (1ull << 47) + 0x100000, 0x1000)), 0,
	       "panthor: MAP in the kernel VA half (not refused)");
	expect(pt_one(fd, vm, 0, pt_op(PT_MAP | 0x100, 77, 0, 0x200000, 0)), 0,
	       "panthor: synchronous op of size 0 (skipped)");
	expect(pt_one(fd, vm, 0, pt_op(PT_SYNC_ONLY, 0, 0, 0, 0)), 0,
	       "panthor: synchronous SYNC_ONLY (size 0: skipped)");
	o = pt_op(PT_MAP, bo, 0, 0x300000, 0x1000);
	sy[0] = (struct vmb_panthor_sync_op){.flags = PT_SIGNAL, .handle = s_empty};
	o.syncs = VMB_PANTHOR_OBJ_ARRAY(1, sy);
	expect(pt_one(fd, vm, 0, o), -EINVAL, "panthor: fences on a synchronous bind");
	ops[0] = pt_op(PT_MAP, bo, 0, 0x400000, 0x1000);
	ops[1] = pt_op(PT_MAP, 77, 0, 0x410000, 0x1000);
	ops[2] = pt_op(PT_MAP, bo, 0, 0x420000, 0x1000);
	expect(pt_bind(fd, vm, 0, ops, 3, sizeof(o), &cnt), -EINVAL,
	       "panthor: synchronous bind fails at op 1");
	check(cnt == 1, "panthor: ops.count is set to the failing op");
	expect(pt_one(fd, vm, 0, pt_op(PT_UNMAP, 0, 0, 0x400000, 0x1000)), 0,
	       "panthor: op 0 before the failure was done");

	/* asynchronous: panthor_ioctl_vm_bind_async and its sync ops */
	o = pt_op(PT_SYNC_ONLY, 0, 0, 0, 0);
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), -EINVAL,
	       "panthor: SYNC_ONLY without syncs");
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, pt_op(PT_MAP, bo, 0, 0x600000, 0x1000)), 0,
	       "panthor: asynchronous MAP without syncs");
	o = pt_op(PT_UNMAP, 0, 0, 0x600000, 0x1000);
	o.syncs.stride = 0;
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), -EINVAL,
	       "panthor: asynchronous op with sync stride 0, no syncs");
	o = pt_op(PT_SYNC_ONLY, 0, 0, 0, 0);
	o.syncs = VMB_PANTHOR_OBJ_ARRAY(1, sy);
	o.va = 0x1000;
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), -EINVAL,
	       "panthor: SYNC_ONLY with a va");
	o.va = 0;
	o.syncs.stride = 8;
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), -EINVAL,
	       "panthor: sync op stride below 16");
	o.syncs.stride = sizeof(sy[0]);
	sy[0].flags = PT_SIGNAL | 0x100;
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), -EINVAL,
	       "panthor: sync op unknown flag");
	sy[0].flags = PT_SIGNAL | 2;
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), -EINVAL,
	       "panthor: sync op unknown type");
	sy[0].flags = PT_SIGNAL;
	sy[0].timeline_value = 5;
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), -EINVAL,
	       "panthor: binary syncobj with a timeline value");
	sy[0] = (struct vmb_panthor_sync_op){.flags = PT_SIGNAL, .handle = 77};
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), -EINVAL,
	       "panthor: unknown signal syncobj");
	sy[0] = (struct vmb_panthor_sync_op){.handle = 77};
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), -ENOENT,
	       "panthor: unknown wait syncobj");
	sy[0].handle = s_empty;
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), -EINVAL,
	       "panthor: wait on a syncobj without a fence");
	sy[0].handle = s_sig;
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), 0,
	       "panthor: SYNC_ONLY waiting on a fence");
	/* op 1 waits on the timeline point op 0 signals: the same submission */
	ops[0] = pt_op(PT_SYNC_ONLY, 0, 0, 0, 0);
	ops[1] = pt_op(PT_SYNC_ONLY, 0, 0, 0, 0);
	sy[0] = (struct vmb_panthor_sync_op){
	    .flags = PT_SIGNAL | PT_TIMELINE, .handle = s_tl, .timeline_value = 3};
	sy[1] =
	    (struct vmb_panthor_sync_op){.flags = PT_TIMELINE, .handle = s_tl, .timeline_value = 3};
	ops[0].syncs = VMB_PANTHOR_OBJ_ARRAY(1, &sy[0]);
	ops[1].syncs = VMB_PANTHOR_OBJ_ARRAY(1, &sy[1]);
	expect(pt_bind(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, ops + 1, 1, sizeof(o), NULL), -EINVAL,
	       "panthor: wait on a timeline point nobody signalled");
	expect(pt_bind(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, ops, 2, sizeof(o), NULL), 0,
	       "panthor: wait on a point an earlier op of the bind signals");
	/* an async op that fails when it runs: the ioctl succeeds, the VM is unusable */
	check(pt_state(fd, vm) == VMB_PANTHOR_VM_STATE_USABLE, "panthor: VM usable");
	o = pt_op(PT_MAP, bo, 0, (1ull << 48) - 0x1000, 0x2000);
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, o), 0,
	       "panthor: asynchronous MAP past the GPU VA (fails when it runs)");
	check(pt_state(fd, vm) == VMB_PANTHOR_VM_STATE_UNUSABLE, "panthor: VM unusable after it");
	expect(pt_one(fd, vm, VMB_PANTHOR_VM_BIND_ASYNC, pt_op(PT_UNMAP, 0, 0, 0x100000, 0x1000)),
	       -EINVAL, "panthor: asynchronous bind on an unusable VM");
	expect(pt_one(fd, vm, 0, pt_op(PT_MAP, bo, 0, 0x500000, 0x1000)), -EINVAL,
	       "panthor: synchronous MAP on an unusable VM");
	expect(pt_one(fd, vm, 0, pt_op(PT_UNMAP, 0, 0, 0x100000, 0x1000)), 0,
	       "panthor: synchronous UNMAP on an unusable VM");
	{
		struct vmb_panthor_vm_get_state g = {.vm_id = 77};

		expect(xioctl(fd, VMB_DRM_IOCTL_PANTHOR_VM_GET_STATE, &g), -EINVAL,
		       "panthor: VM_GET_STATE unknown VM");
	}
	close(fd);
}

/* ---- msm ---------------------------------------------------------------------- */

static int msm_set(int fd, uint64_t value, uint32_t len)
{
	struct vmb_msm_param p = {.pipe = VMB_MSM_PIPE_3D0,
				  .param = VMB_MSM_PARAM_EN_VM_BIND,
				  .value = value,
				  .len = len};

	return xioctl(fd, VMB_DRM_IOCTL_MSM_SET_PARAM, &p);
}

static uint32_t msm_queue(int fd, uint32_t flags)
{
	struct vmb_msm_submitqueue q = {.flags = flags};

	return xioctl(fd, VMB_DRM_IOCTL_MSM_SUBMITQUEUE_NEW, &q) ? 0 : q.id;
}

static uint32_t msm_bo(int fd, uint64_t size)
{
	struct vmb_msm_gem_new g = {.size = size, .flags = VMB_MSM_BO_WC};

	return xioctl(fd, VMB_DRM_IOCTL_MSM_GEM_NEW, &g) ? 0 : g.handle;
}

static struct vmb_msm_vm_bind_op msm_op(uint32_t op, uint32_t handle, uint64_t off, uint64_t iova,
					uint64_t range)
{
	return (struct vmb_msm_vm_bind_op){
	    .op = op, .handle = handle, .obj_offset = off, .iova = iova, .range = range};
}

/* a VM_BIND of @n ops (inline when one) on queue @q */
static int msm_bind(int fd, uint32_t q, const struct vmb_msm_vm_bind_op *ops, uint32_t n,
		    const struct vmb_msm_syncobj *in, uint32_t n_in,
		    const struct vmb_msm_syncobj *out, uint32_t n_out)
{
	struct vmb_msm_vm_bind b = {.nr_ops = n,
				    .queue_id = q,
				    .fence_fd = -1,
				    .in_syncobjs = (uintptr_t)in,
				    .out_syncobjs = (uintptr_t)out,
				    .nr_in_syncobjs = n_in,
				    .nr_out_syncobjs = n_out,
				    .syncobj_stride = sizeof(struct vmb_msm_syncobj),
				    .op_stride = sizeof(*ops)};

	if (n == 1)
		b.op = ops[0];
	else
		b.ops = (uintptr_t)ops;
	return xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b);
}

static int msm_one(int fd, uint32_t q, struct vmb_msm_vm_bind_op o)
{
	return msm_bind(fd, q, &o, 1, NULL, 0, NULL, 0);
}

#define MSM_MAP VMB_MSM_VM_BIND_OP_MAP
#define MSM_UNMAP VMB_MSM_VM_BIND_OP_UNMAP
#define MSM_NULL VMB_MSM_VM_BIND_OP_MAP_NULL

static void test_msm(void)
{
	int fd = open_node(), fd2 = open_node();
	struct vmb_msm_vm_bind_op ops[2];
	struct vmb_msm_syncobj sy[2];
	uint32_t q, q2, qr, bo, s_sig, s_empty;

	/* SET_PARAM(EN_VM_BIND): msm_ioctl_set_param, adreno_set_param */
	check(msm_bo(fd, 0x1000) != 0, "msm: GEM_NEW before EN_VM_BIND (no VM yet)");
	expect(msm_set(fd, 1, 4), -EINVAL, "msm: SET_PARAM with a len");
	{
		struct vmb_msm_param p = {.pipe = VMB_MSM_PIPE_3D0,
					  .param = VMB_MSM_PARAM_EN_VM_BIND,
					  .value = 1,
					  .pad = 1};

		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_SET_PARAM, &p), -EINVAL,
		       "msm: SET_PARAM with pad");
		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_GET_PARAM, &p), -EINVAL,
		       "msm: GET_PARAM with pad");
	}
	expect(msm_set(fd, 7, 0), 0, "msm: EN_VM_BIND with any non-zero value");
	expect(msm_set(fd, 1, 0), 0, "msm: EN_VM_BIND again before the VM exists");
	{
		struct vmb_msm_param p = {.pipe = VMB_MSM_PIPE_3D0,
					  .param = VMB_MSM_PARAM_EN_VM_BIND};

		check(!xioctl(fd, VMB_DRM_IOCTL_MSM_GET_PARAM, &p) && p.value == 1,
		      "msm: GET_PARAM(EN_VM_BIND) reads 1");
	}
	q = msm_queue(fd, VMB_MSM_SUBMITQUEUE_VM_BIND);
	check(q != 0, "msm: VM_BIND submitqueue (makes the VM)");
	expect(msm_set(fd, 0, 0), -EBUSY, "msm: EN_VM_BIND once the VM exists");
	qr = msm_queue(fd, 0);
	bo = msm_bo(fd, 0x10000);
	s_sig = syncobj(fd, true);
	s_empty = syncobj(fd, false);

	/* VM_BIND: msm_ioctl_vm_bind */
	q2 = msm_queue(fd2, 0);
	expect(msm_one(fd2, q2, msm_op(MSM_UNMAP, 0, 0, 0x100000, 0x1000)), -EINVAL,
	       "msm: VM_BIND on a legacy file");
	{
		struct vmb_msm_vm_bind b = {.flags = 4, .nr_ops = 0, .queue_id = q};

		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), -EINVAL,
		       "msm: VM_BIND unknown flag");
		b.flags = 0;
		b.queue_id = 77;
		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), -ENOENT,
		       "msm: VM_BIND unknown queue");
		b.queue_id = qr;
		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), -EINVAL,
		       "msm: VM_BIND on a non-VM_BIND queue");
		b.queue_id = q;
		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), 0, "msm: VM_BIND without ops");
		b.flags = VMB_MSM_VM_BIND_FENCE_FD_IN;
		b.fence_fd = 0;
		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), -EINVAL,
		       "msm: FENCE_FD_IN that is not a sync_file");
		{
			struct vmb_drm_syncobj_handle h = {
			    .handle = s_sig,
			    .flags = VMB_DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE};

			check(!xioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h),
			      "msm: export a sync_file");
			b.fence_fd = h.fd;
			expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), 0,
			       "msm: FENCE_FD_IN sync_file");
			close(h.fd);
		}
		b.flags = VMB_MSM_VM_BIND_FENCE_FD_OUT;
		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), -EOPNOTSUPP,
		       "msm: FENCE_FD_OUT (not modelled)");
		b.flags = 0;
		b.nr_ops = 2;
		b.ops = 8;
		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), -EFAULT,
		       "msm: unreadable op array");
	}

	/* syncobj arrays: msm_syncobj_parse_deps / parse_post_deps */
	sy[0] = (struct vmb_msm_syncobj){.handle = s_sig, .flags = 2};
	expect(msm_bind(fd, q, NULL, 0, sy, 1, NULL, 0), -EINVAL, "msm: wait syncobj unknown flag");
	sy[0].flags = VMB_MSM_SYNCOBJ_RESET;
	expect(msm_bind(fd, q, NULL, 0, NULL, 0, sy, 1), -EINVAL, "msm: signal syncobj with RESET");
	sy[0] = (struct vmb_msm_syncobj){.handle = 77};
	expect(msm_bind(fd, q, NULL, 0, sy, 1, NULL, 0), -ENOENT, "msm: unknown wait syncobj");
	expect(msm_bind(fd, q, NULL, 0, NULL, 0, sy, 1), -EINVAL, "msm: unknown signal syncobj");
	sy[0].handle = s_empty;
	expect(msm_bind(fd, q, NULL, 0, sy, 1, NULL, 0), -EINVAL,
	       "msm: wait on a syncobj without a fence");
	{
		struct vmb_msm_vm_bind b = {
		    .queue_id = q, .nr_in_syncobjs = 1, .syncobj_stride = 16};

		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), 0,
		       "msm: wait count without a pointer (not looked at)");
		sy[0].handle = s_sig;
		b.in_syncobjs = (uintptr_t)sy;
		b.syncobj_stride = 0;
		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), -ENOENT,
		       "msm: syncobj stride 0 reads nothing (handle 0)");
		b.syncobj_stride = 8;
		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), 0,
		       "msm: syncobj stride 8 reads handle and flags");
		b.syncobj_stride = 16;
		b.in_syncobjs = 8;
		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), -EFAULT,
		       "msm: unreadable syncobj array");
	}

	/* ops: lookup_op, vm_bind_job_lookup_ops */
	expect(msm_one(fd, q, msm_op(MSM_MAP, bo, 0, 0x100000, 0x1000)), 0, "msm: MAP");
	{
		struct vmb_msm_vm_bind_op o = msm_op(MSM_MAP, bo, 0, 0x200000, 0x1000);

		o.flags = 2;
		expect(msm_one(fd, q, o), -EINVAL, "msm: op unknown flag");
		o.flags = VMB_MSM_VM_BIND_OP_DUMP;
		o.pad = 5;
		expect(msm_one(fd, q, o), 0, "msm: MAP with DUMP and pad (pad not checked)");
	}
	expect(msm_one(fd, q, msm_op(MSM_MAP, bo, 0, 0x200800, 0x1000)), -EINVAL,
	       "msm: iova unaligned");
	expect(msm_one(fd, q, msm_op(MSM_MAP, bo, 0x800, 0x200000, 0x1000)), -EINVAL,
	       "msm: obj_offset unaligned");
	expect(msm_one(fd, q, msm_op(MSM_UNMAP, 0, 0, 0x200000, 0x800)), -EINVAL,
	       "msm: range unaligned");
	expect(msm_one(fd, q, msm_op(MSM_UNMAP, 0, 0, (1ull << 47) - 0x1000, 0x2000)), -EINVAL,
	       "msm: range past the VM");
	expect(msm_one(fd, q, msm_op(MSM_MAP, 0, 0, 0x200000, 0x1000)), -EINVAL,
	       "msm: MAP without a handle");
	expect(msm_one(fd, q, msm_op(MSM_NULL, bo, 0, 0x200000, 0x1000)), -EINVAL,
	       "msm: MAP_NULL with a handle");
	expect(msm_one(fd, q, msm_op(MSM_UNMAP, 0, 0x3000, 0x200000, 0x1000)), 0,
	       "msm: UNMAP with an obj_offset (not checked)");
	expect(msm_one(fd, q, msm_op(3, 0, 0, 0x200000, 0x1000)), -EINVAL, "msm: unknown op");
	expect(msm_one(fd, q, msm_op(MSM_MAP, 77, 0, 0x200000, 0x1000)), -EINVAL,
	       "msm: MAP unknown handle (-EINVAL, not -ENOENT)");
	expect(msm_one(fd, q, msm_op(MSM_MAP, bo, 0x8000, 0x200000, 0x10000)), -EINVAL,
	       "msm: MAP past the BO");
	expect(msm_one(fd, q, msm_op(MSM_NULL, 0, 0, 0x300000, 0x10000)), 0, "msm: MAP_NULL");
	expect(msm_one(fd, q, msm_op(MSM_UNMAP, 0, 0, 0x300000, 0)), 0, "msm: UNMAP of 0 bytes");
	expect(msm_one(fd, q, msm_op(MSM_NULL, 0, 0, 0x300000, 0)), -EINVAL,
	       "msm: MAP_NULL of 0 bytes (not modelled)");
	/* the op array's stride is not used: ops are 40 bytes apart */
	ops[0] = msm_op(MSM_UNMAP, 0, 0, 0x100000, 0x1000);
	ops[1] = msm_op(MSM_UNMAP, 0, 0, 0x300000, 0x10000);
	{
		struct vmb_msm_vm_bind b = {.nr_ops = 2, .queue_id = q, .op_stride = 8};

		b.ops = (uintptr_t)ops;
		expect(xioctl(fd, VMB_DRM_IOCTL_MSM_VM_BIND, &b), 0,
		       "msm: two ops, op_stride 8 (not looked at)");
	}
	close(fd);
	close(fd2);
}

int main(void)
{
	const char *d = getenv("VMB_SHIM_DRIVER");

	if (!d) {
		fprintf(stderr, "shim_args: set VMB_SHIM_DRIVER (nouveau, panthor, msm)\n");
		return 2;
	}
	if (!strcmp(d, "nouveau"))
		test_nouveau();
	else if (!strcmp(d, "panthor"))
		test_panthor();
	else if (!strcmp(d, "msm"))
		test_msm();
	else {
		fprintf(stderr, "shim_args: no cases for driver '%s'\n", d);
		return 2;
	}
	printf("%d passed, %d failed\n", n_test - n_fail, n_fail);
	return n_fail ? 1 : 0;
}
