// SPDX-License-Identifier: MIT
/*
 * test_uapi.c - the encode functions of the real-kernel backends: each bind
 * entry kind and each sync kind lowered into each driver's ioctl argument
 * (struct layouts themselves are static-asserted in replay/uapi/ and the
 * ioctl numbers checked by test_uapi_numbers.c).
 */
#include <errno.h>
#include <stdint.h>

#include "harness.h"

#include "backends/hw.h"
#include "uapi/amdgpu.h"
#include "uapi/msm.h"
#include "uapi/nouveau.h"
#include "uapi/panthor.h"
#include "uapi/xe.h"

static const struct vmb_bind_entry entries[] = {
    {.kind = VMB_BIND_MAP,
     .va = 0x100000,
     .range = 0x2000,
     .offset = 0x1000,
     .hw = 3,
     .bo = 1,
     .flags = VMB_BIND_F_READONLY | VMB_BIND_F_DUMPABLE},
    {.kind = VMB_BIND_MAP_NULL, .va = 0x200000, .range = 0x10000},
    {.kind = VMB_BIND_MAP_USERPTR, .va = 0x300000, .range = 0x4000, .offset = 0x7f0000000000},
    {.kind = VMB_BIND_UNMAP, .va = 0x100000, .range = 0x1000},
    {.kind = VMB_BIND_UNMAP_ALL, .bo = 1},
    {.kind = VMB_BIND_PREFETCH, .va = 0x100000, .range = 0x2000, .offset = 1},
};
static const uint32_t handles[] = {7, 0, 0, 0, 7, 0};
static const uint64_t cpu[] = {0, 0, 0xabc000, 0, 0, 0};
static const struct vmb_hw_sync in[] = {{.handle = 11, .point = 0}, {.handle = 12, .point = 5}};
static const struct vmb_hw_sync out[] = {{.handle = 13, .point = 9}, {.handle = 14, .point = 2}};

static struct vmb_hw_bind_req req(uint32_t first, uint32_t n, uint32_t n_in, uint32_t n_out)
{
	struct vmb_hw_bind_req r = {
	    .vm_id = 3,
	    .queue_id = 4,
	    .n = n,
	    .binds = &entries[first],
	    .handles = &handles[first],
	    .cpu_addr = &cpu[first],
	    .in = in,
	    .n_in = n_in,
	    .out = out,
	    .n_out = n_out,
	};
	return r;
}

TEST(xe_bind_all_kinds)
{
	struct vmb_hw_bind_req r = req(0, 6, 2, 2);
	struct vmb_xe_vm_bind_op ops[6];
	struct vmb_xe_sync syncs[4];
	struct vmb_xe_vm_bind b;

	CHECK_INT(vmb_xe_encode_bind(&r, &b, ops, syncs), 0);
	CHECK_INT(b.vm_id, 3);
	CHECK_INT(b.exec_queue_id, 4);
	CHECK_INT(b.num_binds, 6);
	CHECK_U64(b.vector_of_binds, (uint64_t)(uintptr_t)ops);
	CHECK_INT(ops[0].op, VMB_XE_VM_BIND_OP_MAP);
	CHECK_INT(ops[0].obj, 7);
	CHECK_U64(ops[0].obj_offset, 0x1000);
	CHECK_INT(ops[0].pat_index, 3);
	CHECK_INT(ops[0].flags, VMB_XE_VM_BIND_FLAG_READONLY | VMB_XE_VM_BIND_FLAG_DUMPABLE);
	CHECK_INT(ops[1].op, VMB_XE_VM_BIND_OP_MAP);
	CHECK_INT(ops[1].flags, VMB_XE_VM_BIND_FLAG_NULL);
	CHECK_INT(ops[1].obj, 0);
	CHECK_INT(ops[2].op, VMB_XE_VM_BIND_OP_MAP_USERPTR);
	CHECK_U64(ops[2].userptr, 0xabc000);
	CHECK_INT(ops[2].obj, 0);
	CHECK_INT(ops[3].op, VMB_XE_VM_BIND_OP_UNMAP);
	CHECK_U64(ops[3].addr, 0x100000);
	CHECK_U64(ops[3].range, 0x1000);
	CHECK_INT(ops[4].op, VMB_XE_VM_BIND_OP_UNMAP_ALL);
	CHECK_INT(ops[4].obj, 7);
	CHECK_U64(ops[4].addr, 0);
	CHECK_U64(ops[4].range, 0);
	CHECK_INT(ops[5].op, VMB_XE_VM_BIND_OP_PREFETCH);
	CHECK_INT(ops[5].prefetch_mem_region_instance, 1);
	CHECK_INT(b.num_syncs, 4);
	CHECK_INT(syncs[0].type, VMB_XE_SYNC_TYPE_SYNCOBJ);
	CHECK_INT(syncs[0].flags, 0);
	CHECK_INT(syncs[1].type, VMB_XE_SYNC_TYPE_TIMELINE_SYNCOBJ);
	CHECK_U64(syncs[1].timeline_value, 5);
	CHECK_INT(syncs[2].flags, VMB_XE_SYNC_FLAG_SIGNAL);
	CHECK_INT(syncs[2].handle, 13);
	CHECK_U64(syncs[3].timeline_value, 2);
}

TEST(xe_bind_inline)
{
	struct vmb_hw_bind_req r = req(0, 1, 0, 1);
	struct vmb_xe_vm_bind_op ops[1];
	struct vmb_xe_sync syncs[1];
	struct vmb_xe_vm_bind b;

	CHECK_INT(vmb_xe_encode_bind(&r, &b, ops, syncs), 0);
	CHECK_INT(b.num_binds, 1);
	CHECK_INT(b.bind.obj, 7); /* inline op, not a pointer */
	CHECK_U64(b.bind.addr, 0x100000);
	CHECK_INT(b.num_syncs, 1);
}

TEST(xe_exec)
{
	struct vmb_hw_submit_req s = {
	    .queue_id = 9, .batch_va = 0x1000, .in = in, .n_in = 1, .out = out, .n_out = 1};
	struct vmb_xe_sync syncs[2];
	struct vmb_xe_exec x;

	CHECK_INT(vmb_xe_encode_exec(&s, &x, syncs), 0);
	CHECK_INT(x.exec_queue_id, 9);
	CHECK_U64(x.address, 0x1000);
	CHECK_INT(x.num_batch_buffer, 1);
	CHECK_INT(x.num_syncs, 2);
	CHECK_INT(syncs[1].flags, VMB_XE_SYNC_FLAG_SIGNAL);
}

TEST(amdgpu_gem_va)
{
	struct vmb_amdgpu_gem_va va;
	struct vmb_bind_entry e = entries[0];

	CHECK_INT(vmb_amdgpu_encode_va(&entries[0], 7, false, false, &va), 0);
	CHECK_INT(va.operation, VMB_AMDGPU_VA_OP_MAP);
	CHECK_INT(va.handle, 7);
	CHECK_U64(va.offset_in_bo, 0x1000);
	CHECK_U64(va.va_address, 0x100000);
	CHECK_U64(va.map_size, 0x2000);
	/* readonly: no WRITEABLE; hw = MTYPE field */
	CHECK_INT(va.flags,
		  VMB_AMDGPU_VM_PAGE_READABLE | VMB_AMDGPU_VM_PAGE_EXECUTABLE | (3u << 5));
	CHECK_INT(vmb_amdgpu_encode_va(&entries[0], 7, true, false, &va), 0);
	CHECK_INT(va.operation, VMB_AMDGPU_VA_OP_REPLACE);
	e.flags = VMB_BIND_F_UNCACHED | VMB_BIND_F_NOEXEC;
	CHECK_INT(vmb_amdgpu_encode_va(&e, 7, false, false, &va), 0);
	CHECK_INT(va.flags, VMB_AMDGPU_VM_PAGE_READABLE | VMB_AMDGPU_VM_PAGE_WRITEABLE |
				VMB_AMDGPU_VM_MTYPE_UC);
	CHECK_INT(vmb_amdgpu_encode_va(&entries[1], 0, false, false, &va), 0);
	CHECK_INT(va.operation, VMB_AMDGPU_VA_OP_MAP);
	CHECK_INT(va.flags, VMB_AMDGPU_VM_PAGE_PRT);
	CHECK_INT(va.handle, 0);
	CHECK_INT(vmb_amdgpu_encode_va(&entries[2], 5, false, false, &va), 0);
	CHECK_INT(va.handle, 5); /* the GEM_USERPTR BO */
	CHECK_U64(va.offset_in_bo, 0);
	CHECK_INT(vmb_amdgpu_encode_va(&entries[3], 7, false, true, &va), 0);
	CHECK_INT(va.operation, VMB_AMDGPU_VA_OP_UNMAP);
	CHECK_INT(va.handle, 7);
	CHECK_INT(vmb_amdgpu_encode_va(&entries[3], 0, false, false, &va), 0);
	CHECK_INT(va.operation, VMB_AMDGPU_VA_OP_CLEAR);
	CHECK_INT(vmb_amdgpu_encode_va(&entries[4], 7, false, false, &va), -EINVAL);
	CHECK_INT(vmb_amdgpu_encode_va(&entries[5], 0, false, false, &va), -EINVAL);
}

TEST(nouveau_bind)
{
	struct vmb_hw_bind_req r = req(0, 2, 0, 1);
	struct vmb_nouveau_vm_bind_op ops[4];
	struct vmb_nouveau_sync syncs[4];
	struct vmb_nouveau_vm_bind b;
	bool sparse[4] = {false, false, false, true};

	/* only the measurement point: synchronous, no syncs */
	CHECK_INT(vmb_nouveau_encode_bind(&r, NULL, &b, ops, syncs), 0);
	CHECK_INT(b.flags, 0);
	CHECK_INT(b.wait_count + b.sig_count, 0);
	CHECK_INT(b.op_count, 2);
	CHECK_INT(ops[0].op, VMB_NOUVEAU_VM_BIND_OP_MAP);
	CHECK_INT(ops[0].flags, 3); /* PTE kind */
	CHECK_INT(ops[0].handle, 7);
	CHECK_U64(ops[0].bo_offset, 0x1000);
	CHECK_INT(ops[1].op, VMB_NOUVEAU_VM_BIND_OP_MAP);
	CHECK_INT(ops[1].flags, VMB_NOUVEAU_VM_BIND_SPARSE);
	CHECK_INT(ops[1].handle, 0);
	/* with trace fences: RUN_ASYNC with wait and signal arrays */
	r = req(2, 2, 2, 2);
	r.binds = &entries[0];
	r.handles = handles;
	r.n = 4;
	CHECK_INT(vmb_nouveau_encode_bind(&r, sparse, &b, ops, syncs), -EINVAL); /* userptr */
	r.binds = &entries[3];
	r.handles = &handles[3];
	r.n = 1;
	CHECK_INT(vmb_nouveau_encode_bind(&r, &sparse[3], &b, ops, syncs), 0);
	CHECK_INT(b.flags, VMB_NOUVEAU_VM_BIND_RUN_ASYNC);
	CHECK_INT(ops[0].op, VMB_NOUVEAU_VM_BIND_OP_UNMAP);
	CHECK_INT(ops[0].flags, VMB_NOUVEAU_VM_BIND_SPARSE);
	CHECK_INT(b.wait_count, 2);
	CHECK_INT(b.sig_count, 2);
	CHECK_INT(syncs[0].flags, VMB_NOUVEAU_SYNC_SYNCOBJ);
	CHECK_INT(syncs[1].flags, VMB_NOUVEAU_SYNC_TIMELINE_SYNCOBJ);
	CHECK_U64(syncs[1].timeline_value, 5);
	CHECK_U64(b.sig_ptr, (uint64_t)(uintptr_t)&syncs[2]);
}

TEST(panthor_bind)
{
	struct vmb_hw_bind_req r = req(0, 2, 0, 1);
	struct vmb_panthor_vm_bind_op ops[4];
	struct vmb_panthor_sync_op syncs[4];
	struct vmb_panthor_vm_bind b;

	CHECK_INT(vmb_panthor_encode_bind(&r, &b, ops, syncs), 0);
	CHECK_INT(b.flags, 0); /* synchronous */
	CHECK_INT(b.vm_id, 3);
	CHECK_INT(b.ops.count, 2);
	CHECK_INT(b.ops.stride, 48);
	CHECK_INT(ops[0].flags,
		  VMB_PANTHOR_VM_BIND_OP_TYPE_MAP | VMB_PANTHOR_VM_BIND_OP_MAP_READONLY);
	CHECK_INT(ops[0].bo_handle, 7);
	CHECK_INT(ops[0].syncs.count, 0);
	CHECK_INT(ops[1].flags, VMB_PANTHOR_VM_BIND_OP_TYPE_MAP |
				    VMB_PANTHOR_VM_BIND_OP_MAP_SPARSE |
				    VMB_PANTHOR_VM_BIND_OP_MAP_NOEXEC);
	r = req(0, 2, 2, 2);
	r.binds = &entries[0];
	r.n = 2;
	CHECK_INT(vmb_panthor_encode_bind(&r, &b, ops, syncs), 0);
	CHECK_INT(b.flags, VMB_PANTHOR_VM_BIND_ASYNC);
	CHECK_INT(ops[0].syncs.count, 2); /* waits on the first op */
	CHECK_INT(ops[1].syncs.count, 2); /* signals on the last */
	CHECK_INT(syncs[0].flags, VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ);
	CHECK_INT(syncs[1].flags, VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ);
	CHECK_INT(syncs[2].flags,
		  VMB_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ | VMB_PANTHOR_SYNC_OP_SIGNAL);
	r = req(3, 1, 0, 1);
	CHECK_INT(vmb_panthor_encode_bind(&r, &b, ops, syncs), 0);
	CHECK_INT(ops[0].flags, VMB_PANTHOR_VM_BIND_OP_TYPE_UNMAP);
	CHECK_INT(ops[0].bo_handle, 0);
	r = req(2, 1, 0, 1);
	CHECK_INT(vmb_panthor_encode_bind(&r, &b, ops, syncs), -EINVAL); /* no userptr */
}

TEST(msm_bind)
{
	struct vmb_hw_bind_req r = req(0, 2, 1, 1);
	struct vmb_msm_vm_bind_op ops[4];
	struct vmb_msm_syncobj syncs[4];
	struct vmb_msm_vm_bind b;

	CHECK_INT(vmb_msm_encode_bind(&r, &b, ops, syncs), 0);
	CHECK_INT(b.nr_ops, 2);
	CHECK_U64(b.ops, (uint64_t)(uintptr_t)ops);
	CHECK_INT(b.queue_id, 4);
	CHECK_INT(b.op_stride, 40);
	CHECK_INT(b.syncobj_stride, 16);
	CHECK_INT(b.fence_fd, -1);
	CHECK_INT(ops[0].op, VMB_MSM_VM_BIND_OP_MAP);
	CHECK_INT(ops[0].handle, 7);
	CHECK_INT(ops[0].flags, VMB_MSM_VM_BIND_OP_DUMP);
	CHECK_INT(ops[1].op, VMB_MSM_VM_BIND_OP_MAP_NULL);
	CHECK_INT(b.nr_in_syncobjs, 1);
	CHECK_INT(b.nr_out_syncobjs, 1);
	CHECK_INT(syncs[1].handle, 13);
	CHECK_U64(syncs[1].point, 9);
	r = req(3, 1, 0, 1);
	CHECK_INT(vmb_msm_encode_bind(&r, &b, ops, syncs), 0);
	CHECK_INT(b.op.op, VMB_MSM_VM_BIND_OP_UNMAP); /* inline */
	CHECK_U64(b.op.iova, 0x100000);
	r = req(4, 1, 0, 1);
	CHECK_INT(vmb_msm_encode_bind(&r, &b, ops, syncs), -EINVAL); /* no UNMAP_ALL */
}

int main(void)
{
	RUN(xe_bind_all_kinds);
	RUN(xe_bind_inline);
	RUN(xe_exec);
	RUN(amdgpu_gem_va);
	RUN(nouveau_bind);
	RUN(panthor_bind);
	RUN(msm_bind);
	return TEST_SUMMARY();
}
