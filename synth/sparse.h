/* SPDX-License-Identifier: MIT */
/*
 * sparse.h - building blocks of the sparse archetypes: a physical tile pool
 * (D3D12 heaps / VkDeviceMemory cut in 64 KiB tiles) and a sparse resource
 * (a NULL-mapped VA range whose tiles point into the pool or at NULL).
 */
#ifndef VMB_SYNTH_SPARSE_H
#define VMB_SYNTH_SPARSE_H

#include "synth.h"

#define TILE_NULL UINT32_MAX

/**
 * struct vmb_tile_pool - physical tiles in heap BOs
 * @heaps: the heap allocations
 * @n_heaps: count
 * @tiles_per_heap: heap size / TILE_SIZE
 * @free: stack of free tile indices (heap * tiles_per_heap + tile)
 * @n_free: count
 */
struct vmb_tile_pool {
	struct vmb_alloc *heaps;
	size_t n_heaps;
	uint64_t tiles_per_heap;
	uint32_t *free;
	size_t n_free;
};

/**
 * struct vmb_sparse_res - a sparse resource
 * @va: base address
 * @size: bytes
 * @n_tiles: size / TILE_SIZE
 * @tile: per tile, the pool tile backing it or TILE_NULL
 * @mark: per tile, the batch that last touched it (hazard tracking)
 * @n_mapped: tiles not NULL
 */
struct vmb_sparse_res {
	uint64_t va, size, n_tiles;
	uint32_t *tile;
	uint32_t *mark;
	uint64_t n_mapped;
};

int vmb_tile_pool_create(struct vmb_synth *s, struct vmb_tile_pool *p, size_t n_heaps,
			 uint64_t heap_size);
int vmb_tile_pool_destroy(struct vmb_synth *s, struct vmb_tile_pool *p);
bool vmb_tile_pool_get(struct vmb_tile_pool *p, uint32_t *tile);
void vmb_tile_pool_put(struct vmb_tile_pool *p, uint32_t tile);
int vmb_sparse_res_create(struct vmb_synth *s, struct vmb_sparse_res *r, uint64_t size);
int vmb_sparse_res_destroy(struct vmb_synth *s, struct vmb_sparse_res *r, struct vmb_tile_pool *p);
void vmb_sparse_tile_set(struct vmb_sparse_res *r, uint64_t t, struct vmb_tile_pool *p,
			 uint32_t pool_tile, struct vmb_tile_op *op);

/**
 * struct vmb_tile_batch - a growable list of tile ops for one flush
 */
struct vmb_tile_batch {
	struct vmb_tile_op *v;
	size_t n, cap;
	uint32_t id;
};

struct vmb_tile_op *vmb_tile_batch_add(struct vmb_tile_batch *b);

#endif /* VMB_SYNTH_SPARSE_H */
