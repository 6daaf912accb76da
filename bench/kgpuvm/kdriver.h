/* SPDX-License-Identifier: MIT */
/*
 * kdriver.h - a minimal "driver" over the kernel's drm_gpuvm.c compiled in
 * userspace (bench/kgpuvm/kdriver.c), with a plain C interface so that
 * bench/bench_gpuvm_kernel.c needs no kernel header.
 */
#ifndef VMB_KDRIVER_H
#define VMB_KDRIVER_H

#include <stdint.h>

struct kdrv;

/**
 * struct kdrv_counts - steps the kernel's drm_gpuvm delivered
 * @map, @remap, @unmap: sm_step_* callbacks
 * @keep: remap/unmap steps with drm_gpuva_op_unmap.keep set
 * @nodes: drm_gpuva nodes in the tree now
 */
struct kdrv_counts {
	uint64_t map, remap, unmap, keep, nodes;
};

struct kdrv *kdrv_create(uint64_t start, uint64_t range);
/* @obj: 0 = NULL (sparse) mapping, else an object id < KDRV_OBJS */
int kdrv_map(struct kdrv *d, uint64_t va, uint64_t range, uint32_t obj, uint64_t offset);
int kdrv_unmap(struct kdrv *d, uint64_t va, uint64_t range);
void kdrv_counts(const struct kdrv *d, struct kdrv_counts *out);
void kdrv_destroy(struct kdrv *d);

#define KDRV_OBJS 64

#endif /* VMB_KDRIVER_H */
