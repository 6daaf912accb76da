/* SPDX-License-Identifier: MIT */
/*
 * shadow.h - a userspace copy of a VM's VA layout, kept with the gpuvm VA
 * manager: the real-kernel backends use it where the uAPI needs userspace
 * to know its mappings (UNMAP_ALL lowering, amdgpu MAP vs REPLACE, nouveau
 * sparse regions), the shim to answer with each driver's validation.
 */
#ifndef VMB_BACKENDS_SHADOW_H
#define VMB_BACKENDS_SHADOW_H

#include <stdint.h>

#include "gpuvm.h"
#include "trace.h"

/* vmb_gpuva.flags of shadow mappings */
#define VMB_SHADOW_NULL 1u    /* sparse/NULL mapping (obj 0) */
#define VMB_SHADOW_USERPTR 2u /* userptr mapping: offset = CPU address */

/** vmb_shadow_create() - an empty layout for [start, start + range) */
struct vmb_gpuvm *vmb_shadow_create(uint64_t start, uint64_t range, uint64_t kstart,
				    uint64_t krange);

/**
 * vmb_shadow_apply() - apply bind entries that succeeded (map, map_null,
 * map_userptr, unmap; others are ignored) with drm_gpuvm semantics
 */
void vmb_shadow_apply(struct vmb_gpuvm *s, const struct vmb_bind_entry *e, uint32_t n);

/** vmb_shadow_drop_bo() - forget every mapping of BO @bo (NULL @s is fine) */
void vmb_shadow_drop_bo(struct vmb_gpuvm *s, uint32_t bo);

#endif /* VMB_BACKENDS_SHADOW_H */
