/* SPDX-License-Identifier: MIT */
/*
 * gpuvm.h - the model's GPU VA manager, with the split/merge semantics of
 * the kernel's drm_gpuvm (drm_gpuvm_sm_map / drm_gpuvm_sm_unmap).
 *
 * A struct vmb_gpuvm manages the VA space [start, start + range) of one VM,
 * optionally with a kernel-reserved region. Mappings (struct vmb_gpuva) never
 * overlap. A map or unmap request walks the existing mappings that intersect
 * it, in ascending address order, and reports the resulting map / remap /
 * unmap steps through a const struct vmb_gpuvm_ops, exactly in the order and
 * with the keep flags the kernel's drm_gpuvm produces; see
 * docs/gpuvm.md and the DOC comment in gpuvm.c.
 *
 * Differences from the kernel, on purpose:
 *  - range == 0 requests are rejected with -EINVAL (drivers reject them
 *    before drm_gpuvm sees them; zero-range nodes are a kernel corner case).
 *  - Steps are applied by the manager itself after the callback returns
 *    (the kernel leaves that to the driver via drm_gpuva_map/remap/unmap);
 *    callbacks see the old mapping still in the tree, which is the state a
 *    kernel driver's sm_step callback sees.
 *
 * Lookups are O(log n) in the number of mappings (red-black tree keyed by
 * start address, plus an address-ordered list for the walk).
 */
#ifndef VMB_GPUVM_H
#define VMB_GPUVM_H

#include <stdbool.h>
#include <stdint.h>

struct vmb_gpuvm;

/**
 * struct vmb_gpuva - one mapping
 * @va: start address
 * @range: size in bytes (> 0)
 * @obj: backing object id (trace BO id), 0 for NULL/sparse mappings
 * @offset: offset into @obj (carried for NULL mappings too, as the kernel does)
 * @priv: owner data (the model points it at the mapping's vm_bo)
 * @data: owner data (the model keeps the userptr CPU address here)
 * @flags: owner flags
 *
 * The pieces of a remap start as copies of the old mapping's @priv, @data and
 * @flags. The remaining members belong to the manager.
 */
struct vmb_gpuva {
	/*
	 * The first 32 bytes are what a root-to-leaf search reads (key, child
	 * links, and the range find_first checks on the floor node); nodes are
	 * 96 bytes in 64-byte aligned pools, so these 32 bytes never straddle
	 * two cache lines. The tree and list links follow in the same line
	 * for nodes that start a line.
	 */
	uint64_t va;
	struct vmb_gpuva *left, *right; /* manager-private: tree links */
	uint64_t range;

	/* manager-private: parent link, the address-ordered list, colour */
	struct vmb_gpuva *parent;
	struct vmb_gpuva *prev, *next;
	uint32_t prio; /* red-black colour */

	uint32_t obj;
	uint64_t offset;
	uint64_t data;
	void *priv;
	uint32_t flags;
};

/**
 * struct vmb_gpuvm_ops - step callbacks (all mandatory)
 * @step_map: the final MAP of a map request. @va is a new mapping, filled in
 *     (va, range, obj, offset; owner fields zero) but not yet inserted; the
 *     callback may set its owner fields. Returning non-zero aborts the
 *     request and the mapping is not inserted.
 * @step_remap: @old is split. @prev and @next are the new pieces (NULL when
 *     absent), filled in and not yet inserted; the callback may adjust their
 *     owner fields. After it returns 0, @old is removed and freed and the
 *     pieces are inserted; after a non-zero return @old stays and the
 *     pieces are freed.
 * @step_unmap: @old is removed entirely; it is freed after the callback
 *     returns 0.
 *
 * @keep is drm_gpuva_op_unmap.keep: over the request, the old mapping's pages
 * are the new mapping's (same non-NULL object, same offset), so its page
 * tables may be kept. Always false for unmap requests.
 *
 * A callback returning non-zero aborts the walk with that code; steps already
 * applied stay applied, as in the kernel. Callbacks must not call back into
 * the manager.
 */
struct vmb_gpuvm_ops {
	int (*step_map)(void *priv, struct vmb_gpuva *va);
	int (*step_remap)(void *priv, struct vmb_gpuva *old, bool keep, struct vmb_gpuva *prev,
			  struct vmb_gpuva *next);
	int (*step_unmap)(void *priv, struct vmb_gpuva *old, bool keep);
};

/**
 * struct vmb_gpuvm_stats - counters, cumulative since create
 * @requests: sm_map + sm_unmap calls (including failed ones)
 * @map, @remap, @unmap: steps delivered
 * @keep: remap/unmap steps delivered with keep set
 * @nodes: mappings currently in the tree
 */
struct vmb_gpuvm_stats {
	uint64_t requests;
	uint64_t map;
	uint64_t remap;
	uint64_t unmap;
	uint64_t keep;
	uint64_t nodes;
};

/**
 * vmb_gpuvm_create() - create a VA manager
 * @start, @range: managed VA space
 * @kstart, @krange: kernel-reserved region (krange 0 = none)
 * @ops: step callbacks; @priv: passed to them
 *
 * Return: the manager, or NULL on allocation failure.
 */
struct vmb_gpuvm *vmb_gpuvm_create(uint64_t start, uint64_t range, uint64_t kstart, uint64_t krange,
				   const struct vmb_gpuvm_ops *ops, void *priv);

/** vmb_gpuvm_destroy() - free the manager and every mapping (no callbacks) */
void vmb_gpuvm_destroy(struct vmb_gpuvm *vm);

/**
 * vmb_gpuvm_range_valid() - drm_gpuvm_range_valid(): no u64 overflow, inside
 * the managed space, no overlap with the kernel-reserved region
 */
bool vmb_gpuvm_range_valid(const struct vmb_gpuvm *vm, uint64_t va, uint64_t range);

/**
 * vmb_gpuvm_sm_map() - map [va, va + range) to @obj at @offset
 *
 * Return: 0, -EINVAL for an invalid range (no steps), -ENOMEM, or the error
 * a callback returned.
 */
int vmb_gpuvm_sm_map(struct vmb_gpuvm *vm, uint64_t va, uint64_t range, uint32_t obj,
		     uint64_t offset);

/**
 * vmb_gpuvm_sm_unmap() - unmap [va, va + range)
 *
 * Return: 0, -EINVAL for an invalid range (no steps), -ENOMEM, or the error
 * a callback returned.
 */
int vmb_gpuvm_sm_unmap(struct vmb_gpuvm *vm, uint64_t va, uint64_t range);

/**
 * vmb_gpuvm_remove() - remove and free one mapping without a request, as
 * drm_gpuva_remove() does (VM teardown, UNMAP_ALL, BO teardown). No
 * callback, no step counted; the caller accounts for it.
 */
void vmb_gpuvm_remove(struct vmb_gpuvm *vm, struct vmb_gpuva *va);

/** vmb_gpuvm_find_first() - lowest mapping intersecting [va, va + range) */
struct vmb_gpuva *vmb_gpuvm_find_first(const struct vmb_gpuvm *vm, uint64_t va, uint64_t range);

/** vmb_gpuvm_first() / vmb_gpuva_next() - iterate all mappings by address */
struct vmb_gpuva *vmb_gpuvm_first(const struct vmb_gpuvm *vm);
static inline struct vmb_gpuva *vmb_gpuva_next(const struct vmb_gpuva *va)
{
	return va->next;
}

/** vmb_gpuvm_get_stats() - copy the counters */
void vmb_gpuvm_get_stats(const struct vmb_gpuvm *vm, struct vmb_gpuvm_stats *out);

#endif /* VMB_GPUVM_H */
