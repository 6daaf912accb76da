// SPDX-License-Identifier: MIT
/*
 * model_rules.c - what each driver's kernel code does, as one const table
 * per driver. The model's engine asks these tables; nothing else in the
 * model tests which driver it is. Every member cites the kernel function it
 * comes from (torvalds/linux, drivers/gpu/drm/); docs/model.md has the long
 * form with the tests that pin each behaviour down.
 */
#include "model_priv.h"

/*
 * xe: a bind job that removed or changed PTEs ends with a TLB invalidation
 * of every GT of the tile (xe_pt.c unbind_op_prepare sets needs_invalidation;
 * xe_pt_update_ops_run issues one invalidation fence per GT). A REMAP whose
 * kept prev/next piece must be rewritten waits for every BOOKKEEP fence of
 * the VM (xe_pt.c op_prepare -> wait_vm_bookkeep, xe_pt_vm_dependencies),
 * its fence then goes into the VM's reservation at KERNEL usage, and execs
 * on non-LR VMs wait for KERNEL fences ("wait behind rebinds", xe_exec.c).
 */
static const struct mrules xe_rules = {
    .name = "xe",
    .tlb = MTLB_BIND_JOB,
    .remap_waits_bookkeep = true,
    .exec_waits_kernel_binds = true,
    .weak_close = MCLOSE_CLEAR_JOB,
};

/*
 * amdgpu: GFX9+ graphics VMs do not flush at bind; amdgpu_vm_update_range()
 * advances the VM's tlb_seq (amdgpu_vm_tlb_seq_cb) and amdgpu_vm_flush()
 * flushes in the ring of the next job whose VMID has an older sequence.
 * Closing a handle deletes the file's bo_va (amdgpu_gem_object_close ->
 * amdgpu_vm_bo_del) and clears the freed ranges with a page-table job
 * (amdgpu_vm_clear_freed) whose fence is added to the BO; the ioctl does
 * not wait.
 */
static const struct mrules amdgpu_rules = {
    .name = "amdgpu",
    .tlb = MTLB_NEXT_SUBMIT,
    .weak_close = MCLOSE_CLEAR_JOB,
};

/*
 * nouveau: page-table updates go through nvkm's VMM; unmapping a range ends
 * in a VMM flush (nvkm_vmm_ptes_unmap -> nvkm_vmm_flush), maps of new PTEs
 * in unused ranges do not flush.
 */
static const struct mrules nouveau_rules = {
    .name = "nouveau",
    .tlb = MTLB_PER_UNMAP,
    .weak_close = MCLOSE_CLEAR_JOB,
};

/*
 * panthor: every VM_BIND op locks the region, updates the io-pgtable and
 * flushes it with AS_COMMAND_FLUSH_PT when the region is unlocked
 * (panthor_mmu.c panthor_vm_exec_op -> panthor_vm_lock_region /
 * panthor_vm_unlock_region, both for map and for unmap).
 */
static const struct mrules panthor_rules = {
    .name = "panthor",
    .tlb = MTLB_PER_UNMAP,
    .tlb_on_map = true,
    .weak_close = MCLOSE_CLEAR_JOB,
};

/*
 * msm: iommu_unmap() of each range flushes the SMMU TLB through io-pgtable
 * (msm_iommu.c msm_iommu_pagetable_unmap -> iommu_flush_iotlb_all); maps do
 * not. Closing a handle on a legacy VM waits for every fence of the BO,
 * then unmaps it from the file's VM (msm_gem.c msm_gem_close).
 */
static const struct mrules msm_rules = {
    .name = "msm",
    .tlb = MTLB_PER_UNMAP,
    .weak_close = MCLOSE_BLOCKING,
};

/* "any": xe's rules, the most complete drm_gpuvm driver */
static const struct mrules *const rules_by_driver[VMB_DRIVER_COUNT] = {
    [VMB_DRIVER_ANY] = &xe_rules,	   [VMB_DRIVER_XE] = &xe_rules,
    [VMB_DRIVER_AMDGPU] = &amdgpu_rules,   [VMB_DRIVER_NOUVEAU] = &nouveau_rules,
    [VMB_DRIVER_PANTHOR] = &panthor_rules, [VMB_DRIVER_MSM] = &msm_rules,
};

/**
 * mrules_for() - the rules table of a driver
 * @driver: trace driver
 *
 * Return: the table (xe's for an unknown value; never NULL).
 */
const struct mrules *mrules_for(enum vmb_driver driver)
{
	if ((unsigned)driver < VMB_DRIVER_COUNT && rules_by_driver[driver])
		return rules_by_driver[driver];
	return &xe_rules;
}
