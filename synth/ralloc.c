// SPDX-License-Identifier: MIT
/*
 * ralloc.c - first-fit address-range allocator for the generator: hands out
 * GPU VAs the way a userspace driver's VA heap does (aligned, reused after
 * free) and CPU addresses for userptr imports (e.g. WoW64's 32-bit heap).
 * The free list is kept sorted and coalesced; output is deterministic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

static void ralloc_insert(struct vmb_ralloc *a, size_t i, uint64_t start, uint64_t size)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct vmb_rfree *v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			abort(); /* the generator has no way to continue */
		a->v = v;
		a->cap = cap;
	}
	memmove(a->v + i + 1, a->v + i, (a->n - i) * sizeof(*a->v));
	a->v[i].start = start;
	a->v[i].size = size;
	a->n++;
}

static void ralloc_remove(struct vmb_ralloc *a, size_t i)
{
	memmove(a->v + i, a->v + i + 1, (a->n - i - 1) * sizeof(*a->v));
	a->n--;
}

/**
 * vmb_ralloc_init() - an allocator managing [start, start + size)
 * @a: allocator
 * @start: first address
 * @size: bytes
 */
void vmb_ralloc_init(struct vmb_ralloc *a, uint64_t start, uint64_t size)
{
	memset(a, 0, sizeof(*a));
	ralloc_insert(a, 0, start, size);
}

/** vmb_ralloc_fini() - free the allocator's memory */
void vmb_ralloc_fini(struct vmb_ralloc *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/**
 * vmb_ralloc_get() - allocate @size bytes aligned to @align (first fit)
 * @a: allocator
 * @size: bytes, > 0
 * @align: power of two
 * @out: receives the address
 *
 * Return: 0, or -ENOSPC.
 */
int vmb_ralloc_get(struct vmb_ralloc *a, uint64_t size, uint64_t align, uint64_t *out)
{
	for (size_t i = 0; i < a->n; i++) {
		struct vmb_rfree f = a->v[i];
		uint64_t s = (f.start + align - 1) & ~(align - 1);

		if (s < f.start || s - f.start > f.size || f.size - (s - f.start) < size)
			continue;
		ralloc_remove(a, i);
		if (s + size < f.start + f.size)
			ralloc_insert(a, i, s + size, f.start + f.size - (s + size));
		if (s > f.start)
			ralloc_insert(a, i, f.start, s - f.start);
		*out = s;
		return 0;
	}
	return -ENOSPC;
}

/**
 * vmb_ralloc_put() - give a range back, coalescing with its neighbours
 * @a: allocator
 * @start: address returned by vmb_ralloc_get()
 * @size: the size that was asked for
 */
void vmb_ralloc_put(struct vmb_ralloc *a, uint64_t start, uint64_t size)
{
	size_t i = 0;

	while (i < a->n && a->v[i].start < start)
		i++;
	ralloc_insert(a, i, start, size);
	if (i + 1 < a->n && a->v[i].start + a->v[i].size == a->v[i + 1].start) {
		a->v[i].size += a->v[i + 1].size;
		ralloc_remove(a, i + 1);
	}
	if (i > 0 && a->v[i - 1].start + a->v[i - 1].size == a->v[i].start) {
		a->v[i - 1].size += a->v[i].size;
		ralloc_remove(a, i);
	}
}
