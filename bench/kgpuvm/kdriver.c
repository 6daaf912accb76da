// SPDX-License-Identifier: MIT
/*
 * kdriver.c - the driver side of the kernel's drm_gpuvm, as a kernel
 * driver's sm_step callbacks do it (nouveau, panthor, xe): allocate the
 * new drm_gpuva nodes, apply each step with drm_gpuva_map(), _remap() and
 * _unmap(), free the old node. Nodes come from a free list, as the model's
 * manager's do, so neither side pays for malloc in steady state.
 *
 * Compiled against the kernel's include/drm/drm_gpuvm.h from Debian's
 * linux-source package and bench/kgpuvm/kshim.h; see bench/kgpuvm/build.sh.
 */
#include <drm/drm_gpuvm.h>

#include "kdriver.h"

struct kdrv {
	struct drm_gpuvm vm;
	struct drm_device drm;
	struct drm_gem_object resv_obj;
	struct drm_gem_object objs[KDRV_OBJS];
	struct drm_gpuva *free;
	struct kdrv_counts c;
};

static struct drm_gpuva *va_alloc(struct kdrv *d)
{
	struct drm_gpuva *va = d->free;

	if (va) {
		d->free = *(struct drm_gpuva **)va;
		memset(va, 0, sizeof(*va));
		return va;
	}
	return calloc(1, sizeof(*va));
}

static void va_free(struct kdrv *d, struct drm_gpuva *va)
{
	*(struct drm_gpuva **)va = d->free;
	d->free = va;
}

static int step_map(struct drm_gpuva_op *op, void *priv)
{
	struct kdrv *d = priv;
	struct drm_gpuva *va = va_alloc(d);

	if (!va)
		return -ENOMEM;
	d->c.map++;
	drm_gpuva_map(&d->vm, va, &op->map);
	return 0;
}

static int step_remap(struct drm_gpuva_op *op, void *priv)
{
	struct kdrv *d = priv;
	struct drm_gpuva *old = op->remap.unmap->va;
	struct drm_gpuva *prev = NULL, *next = NULL;

	if (op->remap.prev && !(prev = va_alloc(d)))
		return -ENOMEM;
	if (op->remap.next && !(next = va_alloc(d))) {
		if (prev)
			va_free(d, prev);
		return -ENOMEM;
	}
	d->c.remap++;
	d->c.keep += op->remap.unmap->keep;
	drm_gpuva_remap(prev, next, &op->remap);
	va_free(d, old);
	return 0;
}

static int step_unmap(struct drm_gpuva_op *op, void *priv)
{
	struct kdrv *d = priv;
	struct drm_gpuva *old = op->unmap.va;

	d->c.unmap++;
	d->c.keep += op->unmap.keep;
	drm_gpuva_unmap(&op->unmap);
	va_free(d, old);
	return 0;
}

static void vm_free(struct drm_gpuvm *vm)
{
}

static const struct drm_gpuvm_ops kops = {
    .vm_free = vm_free,
    .sm_step_map = step_map,
    .sm_step_remap = step_remap,
    .sm_step_unmap = step_unmap,
};

struct kdrv *kdrv_create(uint64_t start, uint64_t range)
{
	struct kdrv *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	drm_gem_private_object_init(&d->drm, &d->resv_obj, 0);
	for (int i = 0; i < KDRV_OBJS; i++)
		drm_gem_private_object_init(&d->drm, &d->objs[i], 0);
	drm_gpuvm_init(&d->vm, "bench", 0, &d->drm, &d->resv_obj, start, range, 0, 0, &kops);
	return d;
}

int kdrv_map(struct kdrv *d, uint64_t va, uint64_t range, uint32_t obj, uint64_t offset)
{
	return drm_gpuvm_sm_map(&d->vm, d, va, range, obj ? &d->objs[obj % KDRV_OBJS] : NULL,
				offset);
}

int kdrv_unmap(struct kdrv *d, uint64_t va, uint64_t range)
{
	return drm_gpuvm_sm_unmap(&d->vm, d, va, range);
}

void kdrv_counts(const struct kdrv *d, struct kdrv_counts *out)
{
	const struct drm_gpuva *va;

	*out = d->c;
	out->nodes = 0;
	drm_gpuvm_for_each_va(va, (struct drm_gpuvm *)&d->vm) out->nodes++;
}

void kdrv_destroy(struct kdrv *d)
{
	struct drm_gpuva *va, *nx;

	if (!d)
		return;
	drm_gpuvm_for_each_va_safe(va, nx, &d->vm)
	{
		drm_gpuva_remove(va);
		free(va);
	}
	while (d->free) {
		va = d->free;
		d->free = *(struct drm_gpuva **)va;
		free(va);
	}
	free(d);
}
