// SPDX-License-Identifier: MIT
/*
 * shadow.c - userspace copy of a VM's VA layout on top of the gpuvm VA
 * manager (see shadow.h). The manager's step callbacks only tag new
 * mappings with their kind; splits and removals need no bookkeeping.
 */
#include <stdbool.h>

#include "backends/shadow.h"

static __thread uint32_t next_flags;

static int shadow_map(void *priv, struct vmb_gpuva *va)
{
	va->flags = next_flags;
	return 0;
}

static int shadow_remap(void *priv, struct vmb_gpuva *old, bool keep, struct vmb_gpuva *prev,
			struct vmb_gpuva *next)
{
	return 0;
}

static int shadow_unmap(void *priv, struct vmb_gpuva *old, bool keep)
{
	return 0;
}

static const struct vmb_gpuvm_ops shadow_ops = {
    .step_map = shadow_map,
    .step_remap = shadow_remap,
    .step_unmap = shadow_unmap,
};

struct vmb_gpuvm *vmb_shadow_create(uint64_t start, uint64_t range, uint64_t kstart,
				    uint64_t krange)
{
	return vmb_gpuvm_create(start, range, kstart, krange, &shadow_ops, NULL);
}

void vmb_shadow_apply(struct vmb_gpuvm *s, const struct vmb_bind_entry *e, uint32_t n)
{
	uint32_t i;

	for (i = 0; s && i < n; i++) {
		switch (e[i].kind) {
		case VMB_BIND_MAP:
			next_flags = 0;
			vmb_gpuvm_sm_map(s, e[i].va, e[i].range, e[i].bo, e[i].offset);
			break;
		case VMB_BIND_MAP_NULL:
			next_flags = VMB_SHADOW_NULL;
			vmb_gpuvm_sm_map(s, e[i].va, e[i].range, 0, 0);
			break;
		case VMB_BIND_MAP_USERPTR:
			next_flags = VMB_SHADOW_USERPTR;
			vmb_gpuvm_sm_map(s, e[i].va, e[i].range, 0, e[i].offset);
			break;
		case VMB_BIND_UNMAP:
			vmb_gpuvm_sm_unmap(s, e[i].va, e[i].range);
			break;
		default:
			break;
		}
	}
}

void vmb_shadow_drop_bo(struct vmb_gpuvm *s, uint32_t bo)
{
	struct vmb_gpuva *va, *next;

	for (va = s ? vmb_gpuvm_first(s) : NULL; va; va = next) {
		next = vmb_gpuva_next(va);
		if (va->obj == bo && !va->flags)
			vmb_gpuvm_remove(s, va);
	}
}
