/* SPDX-License-Identifier: MIT */
/*
 * live.h - a small set of live allocations with expiry times, shared by the
 * archetype generators (DXVK chunks, streaming heaps, staging imports...).
 * Removal swaps with the last element: order stays deterministic.
 */
#ifndef VMB_SYNTH_LIVE_H
#define VMB_SYNTH_LIVE_H

#include <stdlib.h>
#include <string.h>

#include "synth.h"

/**
 * struct vmb_live - one live allocation
 * @a: the allocation
 * @expire: time (ns) at which it is freed, or becomes idle (chunks)
 * @kind: generator-defined
 * @aux: generator-defined (the image plane's VA for images)
 */
struct vmb_live {
	struct vmb_alloc a;
	uint64_t expire;
	int kind;
	uint64_t aux;
};

/** struct vmb_live_set - a growable array of struct vmb_live */
struct vmb_live_set {
	struct vmb_live *v;
	size_t n, cap;
};

static inline struct vmb_live *vmb_live_add(struct vmb_live_set *ls)
{
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 32;
		struct vmb_live *v = realloc(ls->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		ls->v = v;
		ls->cap = cap;
	}
	memset(&ls->v[ls->n], 0, sizeof(ls->v[0]));
	return &ls->v[ls->n++];
}

static inline void vmb_live_del(struct vmb_live_set *ls, size_t i)
{
	ls->v[i] = ls->v[--ls->n];
}

static inline void vmb_live_fini(struct vmb_live_set *ls)
{
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}

/* BO ids of the live set (at most @max), for amdgpu BO lists */
static inline size_t vmb_live_bos(const struct vmb_live_set *ls, uint32_t *bos, size_t max)
{
	size_t n = 0;

	for (size_t i = ls->n; i-- > 0 && n < max;)
		if (ls->v[i].a.bo)
			bos[n++] = ls->v[i].a.bo;
	return n;
}

#endif /* VMB_SYNTH_LIVE_H */
