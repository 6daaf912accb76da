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

int main(void)
{
	const char *d = getenv("VMB_SHIM_DRIVER");

	if (!d) {
		fprintf(stderr, "shim_args: set VMB_SHIM_DRIVER (nouveau, panthor, msm)\n");
		return 2;
	}
	if (!strcmp(d, "nouveau"))
		test_nouveau();
	else {
		fprintf(stderr, "shim_args: no cases for driver '%s'\n", d);
		return 2;
	}
	printf("%d passed, %d failed\n", n_test - n_fail, n_fail);
	return n_fail ? 1 : 0;
}
