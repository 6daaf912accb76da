// SPDX-License-Identifier: MIT
/*
 * gpu_xe.c - an xe client in the manner of IGT's xe_vm / xe_exec_basic, run
 * over the shim by tests/shim-gpu.sh: bind BOs, store dwords through their
 * GPU VAs with MI_STORE_DWORD_IMM batches, check the memory through mmap,
 * unbind and store into the scratch page (or fault and get the queue
 * banned), rebind elsewhere, bind arrays, userptr, partial unbinds, large
 * binds, user fences, the VM_BIND argument checks, and (as xe_vm's
 * bind-execqueues-* and xe_exec_threads' hang-* do) spinners that run
 * until the CPU ends them with what is queued behind them held back, the
 * page-table range fence between bind queues, and a spinner that hangs
 * past the job timeout. TAP output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "uapi/drm_core.h"
#include "uapi/xe.h"

#define MI_STORE_DWORD_IMM 0x10000002u /* gen4 form: cmd, addr lo, addr hi, data */
#define MI_BATCH_BUFFER_END 0x05000000u
#define MI_BATCH_BUFFER_START 0x18800101u
#define MI_ARB_CHECK 0x02800000u
#define MI_COND_BATCH_BUFFER_END (0x1b000000u | (1u << 21) | 2)
#define PAT_WB 2 /* Xe2: coherent write-back */

static int fd, n_test, n_fail;

static void check(int ok, const char *name)
{
	n_test++;
	if (!ok)
		n_fail++;
	printf("%sok %d - %s\n", ok ? "" : "not ", n_test, name);
}

static int xioctl(unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static uint32_t vm_create(uint32_t flags)
{
	struct vmb_xe_vm_create c = {.flags = flags};

	return xioctl(VMB_DRM_IOCTL_XE_VM_CREATE, &c) ? 0 : c.vm_id;
}

static uint32_t bo_create(uint64_t size)
{
	struct vmb_xe_gem_create c = {.size = size, .placement = 1, .cpu_caching = 1};

	return xioctl(VMB_DRM_IOCTL_XE_GEM_CREATE, &c) ? 0 : c.handle;
}

static void *bo_map(uint32_t h, uint64_t size)
{
	struct vmb_xe_gem_mmap_offset m = {.handle = h};
	void *p;

	if (xioctl(VMB_DRM_IOCTL_XE_GEM_MMAP_OFFSET, &m))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.offset);
	return p == MAP_FAILED ? NULL : p;
}

static int bind_op(uint32_t vm, uint32_t op, uint32_t bo, uint64_t off, uint64_t addr,
		   uint64_t range, uint32_t flags)
{
	struct vmb_xe_vm_bind b = {.vm_id = vm, .num_binds = 1};

	b.bind.op = op;
	b.bind.obj = bo;
	b.bind.obj_offset = off;
	b.bind.addr = addr;
	b.bind.range = range;
	b.bind.flags = flags;
	b.bind.pat_index = PAT_WB;
	return xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b);
}

static uint32_t queue_create(uint32_t vm)
{
	struct vmb_xe_engine_class_instance ci = {.engine_class = VMB_XE_ENGINE_CLASS_RENDER};
	struct vmb_xe_exec_queue_create c = {
	    .width = 1, .num_placements = 1, .vm_id = vm, .instances = (uintptr_t)&ci};

	return xioctl(VMB_DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &c) ? 0 : c.exec_queue_id;
}

static int exec(uint32_t q, uint64_t batch, const struct vmb_xe_sync *s, uint32_t n)
{
	struct vmb_xe_exec x = {.exec_queue_id = q,
				.address = batch,
				.num_batch_buffer = 1,
				.syncs = (uintptr_t)s,
				.num_syncs = n};

	return xioctl(VMB_DRM_IOCTL_XE_EXEC, &x);
}

/* a batch of stores of @val to each of @n addresses, at dword @at of @cpu */
static void sdi_batch(uint32_t *cpu, const uint64_t *addr, uint32_t n, uint32_t val)
{
	uint32_t i, b = 0;

	for (i = 0; i < n; i++) {
		cpu[b++] = MI_STORE_DWORD_IMM;
		cpu[b++] = (uint32_t)addr[i];
		cpu[b++] = (uint32_t)(addr[i] >> 32);
		cpu[b++] = val + i;
	}
	cpu[b++] = MI_BATCH_BUFFER_END;
}

#define BATCH_VA 0x1a0000ull
#define DATA_VA 0x1000000ull
#define SZ 0x10000ull

static uint32_t bind_queue_create(uint32_t vm)
{
	struct vmb_xe_engine_class_instance ci = {.engine_class = VMB_XE_ENGINE_CLASS_VM_BIND};
	struct vmb_xe_exec_queue_create c = {
	    .width = 1, .num_placements = 1, .vm_id = vm, .instances = (uintptr_t)&ci};

	return xioctl(VMB_DRM_IOCTL_XE_EXEC_QUEUE_CREATE, &c) ? 0 : c.exec_queue_id;
}

static uint32_t syncobj(void)
{
	struct vmb_drm_syncobj_create c = {0};

	return xioctl(VMB_DRM_IOCTL_SYNCOBJ_CREATE, &c) ? 0 : c.handle;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* wait for @h until @rel_ns from now (0: just look) */
static int sync_wait(uint32_t h, int64_t rel_ns)
{
	struct vmb_drm_syncobj_wait w = {
	    .handles = (uintptr_t)&h, .count_handles = 1, .timeout_nsec = mono_ns() + rel_ns};

	if (!rel_ns)
		w.timeout_nsec = 0;
	return xioctl(VMB_DRM_IOCTL_SYNCOBJ_WAIT, &w);
}

/* a sync entry: wait for (@signal false) or signal @h */
static struct vmb_xe_sync xsync(uint32_t h, int signal)
{
	struct vmb_xe_sync s = {.type = VMB_XE_SYNC_TYPE_SYNCOBJ, .handle = h};

	s.flags = signal ? VMB_XE_SYNC_FLAG_SIGNAL : 0;
	return s;
}

static int bind_q(uint32_t vm, uint32_t q, uint32_t bo, uint64_t off, uint64_t addr, uint64_t range,
		  const struct vmb_xe_sync *s, uint32_t n)
{
	struct vmb_xe_vm_bind b = {
	    .vm_id = vm, .exec_queue_id = q, .num_binds = 1, .num_syncs = n, .syncs = (uintptr_t)s};

	b.bind.op = VMB_XE_VM_BIND_OP_MAP;
	b.bind.obj = bo;
	b.bind.obj_offset = off;
	b.bind.addr = addr;
	b.bind.range = range;
	b.bind.pat_index = PAT_WB;
	return xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b);
}

/*
 * an xe_spin-like spinner at dword @at of @cpu (GPU VA @va): it writes 1 to
 * its start dword (at + 0x201), then loops until its end dword (at + 0x203,
 * 4 mod 8 bytes into a qword whose other half is 0) is 0
 */
static void spin_batch(uint32_t *cpu, uint64_t va)
{
	uint32_t b = 0;

	cpu[0x201] = 0;
	cpu[0x202] = 0;
	cpu[0x203] = 1;
	cpu[b++] = MI_STORE_DWORD_IMM;
	cpu[b++] = (uint32_t)(va + 0x804);
	cpu[b++] = 0;
	cpu[b++] = 1;
	cpu[b++] = MI_ARB_CHECK;
	cpu[b++] = MI_COND_BATCH_BUFFER_END;
	cpu[b++] = 0;
	cpu[b++] = (uint32_t)(va + 0x80c);
	cpu[b++] = 0;
	cpu[b++] = MI_BATCH_BUFFER_START;
	cpu[b++] = (uint32_t)(va + 16);
	cpu[b++] = 0;
}

#define SPIN_VA 0x100000ull /* its BO: spinner, batches; [0, 2M) has tables */
#define NEAR_VA 0x110000ull /* the target BO, in the same 2M */
#define FAR_VA 0x300000ull  /* the target BO again, in a 2M with no tables yet */

/* spinners as IGT's xe_vm bind-execqueues-* and xe_exec_threads hang-* use them */
static void test_spinners(void)
{
	uint32_t vm = vm_create(0), qa = queue_create(vm), qb = queue_create(vm);
	uint32_t bq = bind_queue_create(vm), bq2 = bind_queue_create(vm);
	uint32_t sb = bo_create(SZ), tb = bo_create(SZ);
	uint32_t s_spin = syncobj(), s_bind = syncobj(), s_after = syncobj(), s_b2 = syncobj();
	uint32_t s_b3 = syncobj(), s_hang = syncobj();
	uint32_t *sc = bo_map(sb, SZ), *tc = bo_map(tb, SZ);
	struct vmb_xe_sync in_spin[2], out;
	uint64_t a[1];
	int64_t t0;

	check(vm && qa && qb && bq && bq2 && sc && tc && s_hang &&
		  !bind_op(vm, VMB_XE_VM_BIND_OP_MAP, sb, 0, SPIN_VA, SZ, 0) &&
		  !bind_op(vm, VMB_XE_VM_BIND_OP_MAP, tb, 0, NEAR_VA, SZ, 0),
	      "spinners: VM, two queues, two bind queues, BOs bound");
	if (!sc || !tc)
		return;
	spin_batch(sc, SPIN_VA);
	out = xsync(s_spin, 1);
	check(!exec(qa, SPIN_VA, &out, 1) && sc[0x201] == 1,
	      "spinner submitted, returns at once, has started");
	check(sync_wait(s_spin, 0) == -ETIME && sync_wait(s_spin, 20000000) == -ETIME,
	      "its fence stays unsignalled while it spins");

	/* a bind waiting for the spinner, a job behind it on its queue */
	in_spin[0] = xsync(s_spin, 0);
	in_spin[1] = xsync(s_bind, 1);
	check(!bind_q(vm, bq, tb, 0, FAR_VA, SZ, in_spin, 2), "bind waiting for the spinner: 0");
	a[0] = FAR_VA + 0x10;
	sdi_batch(sc + 0x400, a, 1, 0xc0ffee);
	in_spin[0] = xsync(s_bind, 0);
	in_spin[1] = xsync(s_after, 1);
	check(!exec(qa, SPIN_VA + 0x1000, in_spin, 2) && tc[4] == 0,
	      "job behind the spinner (and the bind): queued, not run");
	a[0] = NEAR_VA + 0x20;
	sdi_batch(sc + 0x600, a, 1, 0x5a5a);
	check(!exec(qb, SPIN_VA + 0x1800, NULL, 0) && tc[8] == 0x5a5a,
	      "job on another queue runs while the spinner spins");

	/* the range fence: a bind sharing the held bind's new page table waits */
	out = xsync(s_b2, 1);
	check(!bind_q(vm, bq2, tb, 0x1000, FAR_VA + 0x10000, 0x1000, &out, 1) &&
		  sync_wait(s_b2, 100000000) == -ETIME,
	      "bind on another queue in the held bind's new 2M: waits (range fence)");
	out = xsync(s_b3, 1);
	check(!bind_q(vm, 0, tb, 0x2000, NEAR_VA + SZ, 0x1000, &out, 1) &&
		  !sync_wait(s_b3, 1000000000),
	      "bind in an existing page table: goes ahead");

	sc[0x203] = 0; /* end the spinner */
	check(!sync_wait(s_after, 2000000000) && !sync_wait(s_spin, 0) && !sync_wait(s_b2, 0) &&
		  tc[4] == 0xc0ffee,
	      "spinner ended by the CPU: the held bind and job ran, fences signalled");

	/* a spinner nobody ends hangs at the job timeout: queue banned */
	spin_batch(sc, SPIN_VA);
	out = xsync(s_hang, 1);
	t0 = mono_ns();
	a[0] = NEAR_VA + 0x30;
	sdi_batch(sc + 0x400, a, 1, 0xbad);
	check(!exec(qb, SPIN_VA, NULL, 0) && !exec(qb, SPIN_VA + 0x1000, &out, 1),
	      "a spinner nobody ends, and a job behind it");
	check(!sync_wait(s_hang, 10000000000ll) && mono_ns() - t0 >= 4000000000ll && tc[12] == 0,
	      "after the 5 s job timeout the job behind it is cancelled, fence signalled");
	check(exec(qb, SPIN_VA + 0x1000, NULL, 0) == -ECANCELED,
	      "the hung queue is banned: ECANCELED");
}

int main(void)
{
	uint32_t vm, svm, q, sq, batch, data, big;
	uint32_t *bcpu, *dcpu, *again;
	uint64_t a[4];
	int ret;

	fd = open("/dev/dri/renderD128", O_RDWR);
	if (fd < 0) {
		printf("not ok 1 - open the shim's render node\n");
		return 1;
	}
	vm = vm_create(0);
	svm = vm_create(VMB_XE_VM_CREATE_FLAG_SCRATCH_PAGE);
	batch = bo_create(SZ);
	data = bo_create(SZ);
	bcpu = bo_map(batch, SZ);
	dcpu = bo_map(data, SZ);
	check(vm && svm && batch && data && bcpu && dcpu, "create VMs, BOs, mmap");
	q = queue_create(vm);
	sq = queue_create(svm);

	/* basic store, checked through this and a second CPU mapping */
	check(!bind_op(vm, VMB_XE_VM_BIND_OP_MAP, batch, 0, BATCH_VA, SZ, 0) &&
		  !bind_op(vm, VMB_XE_VM_BIND_OP_MAP, data, 0, DATA_VA, SZ, 0),
	      "bind batch and data");
	a[0] = DATA_VA + 0x40;
	sdi_batch(bcpu, a, 1, 0xc0ffee);
	check(!exec(q, BATCH_VA, NULL, 0), "exec store-dword batch");
	again = bo_map(data, SZ);
	check(dcpu[0x10] == 0xc0ffee && again && again[0x10] == 0xc0ffee,
	      "store landed in the BO, seen by both mmaps");

	/* sign-extended (canonical) high address */
	check(!bind_op(vm, VMB_XE_VM_BIND_OP_MAP, data, 0, 0x800000000000ull, SZ, 0),
	      "bind at 1 << 47");
	a[0] = 0xffff800000000080ull; /* canonical (sign-extended) form */
	sdi_batch(bcpu, a, 1, 0xbeef);
	check(!exec(q, BATCH_VA, NULL, 0) && dcpu[0x20] == 0xbeef, "canonical address store");

	/* bind array: four pages of one BO at four VAs */
	{
		struct vmb_xe_vm_bind_op ops[4];
		struct vmb_xe_vm_bind b = {.vm_id = vm, .num_binds = 4, .vector_of_binds = 0};
		int i;

		memset(ops, 0, sizeof(ops));
		for (i = 0; i < 4; i++) {
			ops[i].op = VMB_XE_VM_BIND_OP_MAP;
			ops[i].obj = data;
			ops[i].obj_offset = 0x1000ull * (i + 4);
			ops[i].addr = 0x40000000ull + 0x100000ull * i;
			ops[i].range = 0x1000;
			ops[i].pat_index = PAT_WB;
			a[i] = ops[i].addr + 8;
		}
		b.vector_of_binds = (uintptr_t)ops;
		check(!xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b), "bind array of 4 ops");
		sdi_batch(bcpu, a, 4, 100);
		check(!exec(q, BATCH_VA, NULL, 0) && dcpu[0x1002] == 100 && dcpu[0x1402] == 101 &&
			  dcpu[0x1802] == 102 && dcpu[0x1c02] == 103,
		      "stores through the array mappings land at their BO offsets");
	}

	/* unbind, store into scratch; rebind elsewhere */
	check(!bind_op(svm, VMB_XE_VM_BIND_OP_MAP, batch, 0, BATCH_VA, SZ, 0) &&
		  !bind_op(svm, VMB_XE_VM_BIND_OP_MAP, data, 0, DATA_VA, SZ, 0),
	      "bind on a scratch VM");
	a[0] = DATA_VA + 0x100;
	sdi_batch(bcpu, a, 1, 7);
	check(!exec(sq, BATCH_VA, NULL, 0) && dcpu[0x40] == 7, "store on the scratch VM");
	check(!bind_op(svm, VMB_XE_VM_BIND_OP_UNMAP, 0, 0, DATA_VA, SZ, 0), "unbind data");
	sdi_batch(bcpu, a, 1, 8);
	check(!exec(sq, BATCH_VA, NULL, 0) && dcpu[0x40] == 7,
	      "store after unbind goes to scratch, BO unchanged");
	check(!bind_op(svm, VMB_XE_VM_BIND_OP_MAP, data, 0x2000, 0x3000000, 0x2000, 0),
	      "rebind elsewhere with an offset");
	a[0] = 0x3000000 + 4;
	sdi_batch(bcpu, a, 1, 9);
	check(!exec(sq, BATCH_VA, NULL, 0) && dcpu[0x801] == 9, "store through the new mapping");

	/* munmap-style partial unbind: the middle page of three */
	check(!bind_op(svm, VMB_XE_VM_BIND_OP_MAP, data, 0x8000, 0x5000000, 0x3000, 0) &&
		  !bind_op(svm, VMB_XE_VM_BIND_OP_UNMAP, 0, 0, 0x5001000, 0x1000, 0),
	      "map 3 pages, unbind the middle one");
	a[0] = 0x5000000;
	a[1] = 0x5001000;
	a[2] = 0x5002000;
	sdi_batch(bcpu, a, 3, 50);
	check(!exec(sq, BATCH_VA, NULL, 0) && dcpu[0x2000] == 50 && dcpu[0x2400] == 0 &&
		  dcpu[0x2800] == 52,
	      "stores to the kept pieces land, the hole goes to scratch");

	/* userptr */
	{
		/* static: it stays bound to the end, as a program's memory would */
		static uint32_t ubuf[0x1000] __attribute__((aligned(0x1000)));
		uint32_t *u = ubuf;
		void *gone = mmap(NULL, 0x2000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct vmb_xe_vm_bind b = {.vm_id = svm, .num_binds = 1};

		memset(u, 0, 0x4000);
		b.bind.op = VMB_XE_VM_BIND_OP_MAP_USERPTR;
		b.bind.userptr = (uintptr_t)u;
		b.bind.addr = 0x7000000;
		b.bind.range = 0x4000;
		b.bind.pat_index = PAT_WB;
		check(!xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b), "userptr bind");
		a[0] = 0x7000000 + 0x3000;
		sdi_batch(bcpu, a, 1, 0x5a5a);
		check(!exec(sq, BATCH_VA, NULL, 0) && u[0xc00] == 0x5a5a,
		      "store through a userptr mapping lands in process memory");
		munmap(gone, 0x2000);
		b.bind.userptr = (uintptr_t)gone;
		b.bind.addr = 0x8000000;
		b.bind.range = 0x2000;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == -EFAULT,
		      "userptr of unmapped memory: EFAULT");
	}

	/* large bind */
	big = bo_create(64ull << 20);
	check(big && !bind_op(svm, VMB_XE_VM_BIND_OP_MAP, big, 0, 1ull << 40, 64ull << 20, 0),
	      "bind 64 MiB at 1 TiB");
	a[0] = (1ull << 40) + (64ull << 20) - 4;
	sdi_batch(bcpu, a, 1, 0x600d);
	{
		uint32_t *bc = bo_map(big, 64ull << 20);

		check(!exec(sq, BATCH_VA, NULL, 0) && bc && bc[(16u << 20) - 1] == 0x600d,
		      "store at the end of the large mapping");
	}

	/* chained batch with a loop ended by MI_COND_BATCH_BUFFER_END */
	{
		uint32_t b = 0x400; /* dword index of the loop */

		bcpu[0] = MI_BATCH_BUFFER_START;
		bcpu[1] = (uint32_t)(BATCH_VA + b * 4);
		bcpu[2] = 0;
		bcpu[b + 0] = MI_ARB_CHECK;
		bcpu[b + 1] = MI_STORE_DWORD_IMM; /* write 0 to the end flag */
		bcpu[b + 2] = (uint32_t)(DATA_VA + 0x200);
		bcpu[b + 3] = 0;
		bcpu[b + 4] = 0;
		bcpu[b + 5] = MI_COND_BATCH_BUFFER_END;
		bcpu[b + 6] = 0;
		bcpu[b + 7] = (uint32_t)(DATA_VA + 0x200);
		bcpu[b + 8] = 0;
		bcpu[b + 9] = MI_BATCH_BUFFER_START;
		bcpu[b + 10] = (uint32_t)(BATCH_VA + b * 4);
		bcpu[b + 11] = 0;
		dcpu[0x80] = 1;
		check(!bind_op(svm, VMB_XE_VM_BIND_OP_MAP, data, 0, DATA_VA, SZ, 0) &&
			  !exec(sq, BATCH_VA, NULL, 0) && dcpu[0x80] == 0,
		      "chained batch, spinner loop ends on its condition");
	}

	/* user fences: EXEC writes a GPU VA, VM_BIND a CPU address */
	{
		struct vmb_xe_sync s = {.type = VMB_XE_SYNC_TYPE_USER_FENCE,
					.flags = VMB_XE_SYNC_FLAG_SIGNAL,
					.addr = DATA_VA + 0x300,
					.timeline_value = 0x1234};
		struct vmb_xe_wait_user_fence w = {.addr = (uintptr_t)&dcpu[0xc0],
						   .op = 0,
						   .value = 0x1234,
						   .mask = ~0ull,
						   .timeout = 1000000000};
		uint64_t cpu_fence = 0;

		a[0] = DATA_VA + 0x400;
		sdi_batch(bcpu, a, 1, 1);
		check(!exec(sq, BATCH_VA, &s, 1) && !xioctl(VMB_DRM_IOCTL_XE_WAIT_USER_FENCE, &w),
		      "exec user fence written, WAIT_USER_FENCE returns");
		w.value = 0x9999;
		w.timeout = 1000000;
		check(xioctl(VMB_DRM_IOCTL_XE_WAIT_USER_FENCE, &w) == -ETIME,
		      "WAIT_USER_FENCE on an unwritten value: ETIME");
		s.addr = (uintptr_t)&cpu_fence;
		s.timeline_value = 77;
		{
			struct vmb_xe_vm_bind b = {
			    .vm_id = svm, .num_binds = 1, .num_syncs = 1, .syncs = (uintptr_t)&s};

			b.bind.op = VMB_XE_VM_BIND_OP_UNMAP;
			b.bind.addr = 0x3000000;
			b.bind.range = 0x2000;
			check(!xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) && cpu_fence == 77,
			      "VM_BIND user fence written");
		}
		/*
		 * a user fence in a PROT_WRITE-only mapping of a BO (IGT's
		 * xe_bo_map): on x86 the kernel's get_user and copy_to_user
		 * work on it (xe_sync.c:user_fence_create, xe_wait_user_fence.c)
		 */
		{
			uint32_t wb = bo_create(SZ);
			struct vmb_xe_gem_mmap_offset mo = {.handle = wb};
			uint64_t *wo = NULL;
			struct vmb_xe_vm_bind b = {
			    .vm_id = svm, .num_binds = 1, .num_syncs = 1, .syncs = (uintptr_t)&s};

			if (wb && !xioctl(VMB_DRM_IOCTL_XE_GEM_MMAP_OFFSET, &mo)) {
				void *p =
				    mmap(NULL, SZ, PROT_WRITE, MAP_SHARED, fd, (off_t)mo.offset);

				wo = p == MAP_FAILED ? NULL : p;
			}
			b.bind.op = VMB_XE_VM_BIND_OP_MAP;
			b.bind.obj = wb;
			b.bind.addr = 0x7000000;
			b.bind.range = SZ;
			s.addr = (uintptr_t)(wo + 8);
			s.timeline_value = 78;
			w.addr = s.addr;
			w.value = 78;
			w.timeout = 1000000000;
			check(wo && !xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) &&
				  !xioctl(VMB_DRM_IOCTL_XE_WAIT_USER_FENCE, &w),
			      "user fence in a write-only mapping: VM_BIND writes it, "
			      "WAIT_USER_FENCE "
			      "reads it");
		}
	}

	/* argument checks as xe_vm.c makes them */
	{
		struct vmb_xe_vm_bind b = {.vm_id = 999, .num_binds = 1};

		b.bind.op = VMB_XE_VM_BIND_OP_MAP;
		b.bind.obj = data;
		b.bind.addr = 0x9000000;
		b.bind.range = 0x1000;
		b.bind.pat_index = PAT_WB;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == -EINVAL, "unknown vm_id: EINVAL");
		b.vm_id = svm;
		b.num_binds = 0;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == 0, "no ops, no syncs: 0");
		b.num_binds = 1;
		b.bind.pat_index = 17;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == -EINVAL,
		      "reserved pat_index: EINVAL");
		b.bind.pat_index = 32;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == -EINVAL,
		      "pat_index out of range: EINVAL");
		b.bind.pat_index = PAT_WB;
		b.bind.prefetch_mem_region_instance = 1;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == -EINVAL,
		      "prefetch region on MAP: EINVAL");
		b.bind.prefetch_mem_region_instance = 0;
		b.bind.flags = 1u << 5;
		b.bind.obj = 0;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == -EINVAL,
		      "CPU_ADDR_MIRROR on a non-fault VM: EINVAL");
		b.bind.flags = 0;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == -EINVAL, "MAP without obj: EINVAL");
		b.bind.obj = data;
		b.bind.addr = (1ull << 48) - 0x1000;
		b.bind.range = 0x2000;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == -EINVAL,
		      "beyond the VA range: EINVAL");
		b.bind.addr = 0x9000000;
		b.bind.range = 0x1000;
		b.bind.pad = 1;
		b.bind.reserved[0] = 1;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == 0,
		      "per-op pad/reserved not checked: 0");
		b.bind.op = VMB_XE_VM_BIND_OP_UNMAP;
		b.bind.obj = 0;
		b.bind.obj_offset = 0x1000;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == 0, "UNMAP with obj_offset: 0");
	}

	/*
	 * compute mode (xe_exec_threads threads-cm-*): an LR VM, the BO mapped
	 * PROT_WRITE only as IGT's xe_bo_map() does, a VM_BIND user fence in
	 * that mapping, waited for with WAIT_USER_FENCE; the kernel's bind
	 * checks only access_ok() (an address in the user half), so a fence
	 * at an unmapped address is accepted and just not written
	 */
	{
		uint32_t lvm = vm_create(VMB_XE_VM_CREATE_FLAG_LR_MODE), lbo = bo_create(SZ);
		struct vmb_xe_gem_mmap_offset m = {.handle = lbo};
		volatile uint64_t *wo = NULL;
		void *hole = mmap(NULL, 0x1000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct vmb_xe_sync s = {.type = VMB_XE_SYNC_TYPE_USER_FENCE,
					.flags = VMB_XE_SYNC_FLAG_SIGNAL,
					.timeline_value = 0xdeadbeefdeadbeefull};
		struct vmb_xe_vm_bind b = {
		    .vm_id = lvm, .num_binds = 1, .num_syncs = 1, .syncs = (uintptr_t)&s};
		struct vmb_xe_wait_user_fence w = {
		    .op = 0, .value = s.timeline_value, .mask = ~0ull, .timeout = 1000000000};

		if (!xioctl(VMB_DRM_IOCTL_XE_GEM_MMAP_OFFSET, &m)) {
			void *p = mmap(NULL, SZ, PROT_WRITE, MAP_SHARED, fd, (off_t)m.offset);

			wo = p == MAP_FAILED ? NULL : p;
		}
		check(lvm && lbo && wo, "LR VM, BO mapped write-only");
		s.addr = (uintptr_t)&wo[8];
		w.addr = s.addr;
		b.bind.op = VMB_XE_VM_BIND_OP_MAP;
		b.bind.obj = lbo;
		b.bind.addr = DATA_VA;
		b.bind.range = SZ;
		b.bind.pat_index = PAT_WB;
		check(wo && !xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) &&
			  !xioctl(VMB_DRM_IOCTL_XE_WAIT_USER_FENCE, &w) &&
			  wo[8] == 0xdeadbeefdeadbeefull,
		      "LR bind with a user fence in a write-only BO mmap: written, waited");
		munmap(hole, 0x1000);
		s.addr = (uintptr_t)hole;
		b.bind.op = VMB_XE_VM_BIND_OP_UNMAP;
		b.bind.obj = 0;
		check(!xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b),
		      "user fence at an unmapped address: accepted (access_ok only)");
		s.addr = 1ull << 47;
		b.bind.op = VMB_XE_VM_BIND_OP_MAP;
		b.bind.obj = lbo;
		check(xioctl(VMB_DRM_IOCTL_XE_VM_BIND, &b) == -EFAULT,
		      "user fence at a kernel-half address: EFAULT");
		if (wo)
			munmap((void *)wo, SZ);
	}

	test_spinners();

	/* a fault on a VM without scratch bans the queue */
	check(!bind_op(vm, VMB_XE_VM_BIND_OP_UNMAP, 0, 0, DATA_VA, SZ, 0),
	      "unbind on the no-scratch VM");
	a[0] = DATA_VA + 0x40;
	sdi_batch(bcpu, a, 1, 0xdead);
	ret = exec(q, BATCH_VA, NULL, 0);
	check(!ret && dcpu[0x10] == 0xc0ffee, "faulting job submitted, memory untouched");
	check(exec(q, BATCH_VA, NULL, 0) == -ECANCELED, "next exec on the banned queue: ECANCELED");
	check(queue_create(vm) && 1, "a new queue on the same VM works");
	printf("%d passed, %d failed\n", n_test - n_fail, n_fail);
	return n_fail ? 1 : 0;
}
