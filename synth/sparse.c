// SPDX-License-Identifier: MIT
/*
 * sparse.c - tile pools and sparse resources for the sparse archetypes
 * (A3 vkd3d-proton tiled resources, A4 UE5 reserved pools, A5 sparse VT)
 * and the sparse regression scenarios. The 64 KiB tile is common to D3D12,
 * DXVK, vkd3d-proton, UE and anv [C].
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sparse.h"

/**
 * vmb_tile_pool_create() - allocate @n_heaps heap BOs of @heap_size
 * @s: generator
 * @p: pool
 * @n_heaps: number of heaps
 * @heap_size: bytes per heap, multiple of TILE_SIZE
 *
 * Free tiles are handed out in ascending order at first, so that runs of
 * tiles get contiguous backing (what anv/nvk/panvk can merge).
 *
 * Return: 0 or -errno.
 */
int vmb_tile_pool_create(struct vmb_synth *s, struct vmb_tile_pool *p, size_t n_heaps,
			 uint64_t heap_size)
{
	size_t total;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	if (n_heaps && heap_size < TILE_SIZE)
		return -EINVAL;
	p->tiles_per_heap = heap_size / TILE_SIZE;
	total = n_heaps * p->tiles_per_heap;
	p->heaps = calloc(n_heaps ? n_heaps : 1, sizeof(*p->heaps));
	p->free = calloc(total ? total : 1, sizeof(*p->free));
	if (!p->heaps || !p->free)
		return -ENOMEM;
	for (size_t i = 0; i < n_heaps && !ret; i++, p->n_heaps++)
		ret = vmb_lower_alloc(s, heap_size, VMB_A_VRAM, &p->heaps[i]);
	for (size_t i = 0; i < total; i++)
		p->free[i] = (uint32_t)(total - 1 - i);
	p->n_free = total;
	return ret;
}

/**
 * vmb_tile_pool_destroy() - free every heap
 * @s: generator
 * @p: pool
 *
 * Return: 0 or -errno.
 */
int vmb_tile_pool_destroy(struct vmb_synth *s, struct vmb_tile_pool *p)
{
	int ret = 0;

	for (size_t i = 0; i < p->n_heaps && !ret; i++)
		if (p->heaps[i].bo)
			ret = vmb_lower_free(s, &p->heaps[i]);
	free(p->heaps);
	free(p->free);
	memset(p, 0, sizeof(*p));
	return ret;
}

/** vmb_tile_pool_get() - take a free tile; false when the pool is full */
bool vmb_tile_pool_get(struct vmb_tile_pool *p, uint32_t *tile)
{
	if (!p->n_free)
		return false;
	*tile = p->free[--p->n_free];
	return true;
}

/** vmb_tile_pool_put() - give a tile back */
void vmb_tile_pool_put(struct vmb_tile_pool *p, uint32_t tile)
{
	p->free[p->n_free++] = tile;
}

/**
 * vmb_sparse_res_create() - create a sparse resource (whole-range NULL bind)
 * @s: generator
 * @r: resource
 * @size: bytes, multiple of TILE_SIZE
 *
 * Return: 0 or -errno.
 */
int vmb_sparse_res_create(struct vmb_synth *s, struct vmb_sparse_res *r, uint64_t size)
{
	memset(r, 0, sizeof(*r));
	if (size < TILE_SIZE)
		return -EINVAL;
	r->size = size;
	r->n_tiles = size / TILE_SIZE;
	r->tile = malloc(r->n_tiles * sizeof(*r->tile));
	r->mark = calloc(r->n_tiles, sizeof(*r->mark));
	if (!r->tile || !r->mark)
		return -ENOMEM;
	for (uint64_t i = 0; i < r->n_tiles; i++)
		r->tile[i] = TILE_NULL;
	return vmb_lower_sparse_create(s, size, &r->va);
}

/**
 * vmb_sparse_res_destroy() - destroy a sparse resource, returning its tiles
 * @s: generator
 * @r: resource
 * @p: the pool its tiles came from (may be NULL if none are mapped)
 *
 * Return: 0 or -errno.
 */
int vmb_sparse_res_destroy(struct vmb_synth *s, struct vmb_sparse_res *r, struct vmb_tile_pool *p)
{
	int ret = r->va ? vmb_lower_sparse_destroy(s, r->va, r->size) : 0;

	for (uint64_t i = 0; p && i < r->n_tiles; i++)
		if (r->tile[i] != TILE_NULL)
			vmb_tile_pool_put(p, r->tile[i]);
	free(r->tile);
	free(r->mark);
	memset(r, 0, sizeof(*r));
	return ret;
}

/**
 * vmb_sparse_tile_set() - point tile @t of @r at @pool_tile (or TILE_NULL)
 * and describe the update as a tile op; the old backing tile goes back to
 * the pool
 * @r: resource
 * @t: tile index
 * @p: pool
 * @pool_tile: new backing, or TILE_NULL to unbind
 * @op: receives the update
 */
void vmb_sparse_tile_set(struct vmb_sparse_res *r, uint64_t t, struct vmb_tile_pool *p,
			 uint32_t pool_tile, struct vmb_tile_op *op)
{
	uint32_t old = r->tile[t];

	if (old != TILE_NULL) {
		vmb_tile_pool_put(p, old);
		r->n_mapped--;
	}
	r->tile[t] = pool_tile;
	op->va = r->va + t * TILE_SIZE;
	op->range = TILE_SIZE;
	op->bo = 0;
	op->offset = 0;
	if (pool_tile != TILE_NULL) {
		const struct vmb_alloc *h = &p->heaps[pool_tile / p->tiles_per_heap];

		op->bo = h->bo;
		op->offset = (pool_tile % p->tiles_per_heap) * TILE_SIZE;
		r->n_mapped++;
	}
}

/** vmb_tile_batch_add() - append an op slot (NULL on allocation failure) */
struct vmb_tile_op *vmb_tile_batch_add(struct vmb_tile_batch *b)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct vmb_tile_op *v = realloc(b->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		b->v = v;
		b->cap = cap;
	}
	memset(&b->v[b->n], 0, sizeof(b->v[0]));
	return &b->v[b->n++];
}
