// SPDX-License-Identifier: MIT
/*
 * hw_userptr.c - CPU memory for userptr binds on hardware. The traced CPU
 * addresses belong to the captured process; the replayer reserves one
 * anonymous mapping per cluster of traced ranges (ranges closer than 1 MiB
 * share a mapping) and translates addresses into it. A cpu_unmap op unmaps
 * and re-creates the pages, which fires the kernel's mmu notifiers exactly
 * as the application's munmap/mmap did.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "backends/hw_priv.h"

#define PAGE 4096ull
#define GAP (1ull << 20)

struct range {
	uint64_t start, end;
};

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int hw_userptr_init(struct vmb_hw *hw)
{
	const struct vmb_trace *t = hw->trace;
	struct range *v;
	struct vmb_hw_userptr *u;
	size_t n = 0, cap = 16, i, k;
	struct vmb_cursor c;
	int r;

	v = malloc(cap * sizeof(*v));
	if (!v || vmb_cursor_init(&c, t)) {
		free(v);
		return -ENOMEM;
	}
	while ((r = vmb_cursor_next(&c)) > 0) {
		const struct vmb_op *op = &c.op;
		uint32_t nb = op->kind == VMB_OP_BIND ? op->u.bind.n_binds : 0;

		if (n + nb + 1 > cap) {
			struct range *q;

			while (n + nb + 1 > cap)
				cap *= 2;
			q = realloc(v, cap * sizeof(*v));
			if (!q) {
				r = -ENOMEM;
				break;
			}
			v = q;
		}
		for (uint32_t b = 0; b < nb; b++) {
			const struct vmb_bind_entry *e = &c.binds[b];

			if (e->kind == VMB_BIND_MAP_USERPTR && e->range) {
				v[n].start = e->offset & ~(PAGE - 1);
				v[n].end = (e->offset + e->range + PAGE - 1) & ~(PAGE - 1);
				n++;
			}
		}
		if (op->kind == VMB_OP_CPU_UNMAP && op->u.cpu_unmap.size) {
			v[n].start = op->u.cpu_unmap.addr & ~(PAGE - 1);
			v[n].end =
			    (op->u.cpu_unmap.addr + op->u.cpu_unmap.size + PAGE - 1) & ~(PAGE - 1);
			n++;
		}
	}
	vmb_cursor_fini(&c);
	if (r < 0) {
		free(v);
		return r;
	}
	qsort(v, n, sizeof(*v), cmp_range);
	for (i = 0, k = 0; i < n; i++) {
		if (k && v[i].start <= v[k - 1].end + GAP) {
			if (v[i].end > v[k - 1].end)
				v[k - 1].end = v[i].end;
		} else {
			v[k++] = v[i];
		}
	}
	u = calloc(1, sizeof(*u) + k * sizeof(u->r[0]));
	if (!u) {
		free(v);
		return -ENOMEM;
	}
	hw->userptr = u;
	for (i = 0; i < k; i++) {
		void *p = mmap(NULL, v[i].end - v[i].start, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED) {
			free(v);
			return -errno;
		}
		u->r[i].start = v[i].start;
		u->r[i].len = v[i].end - v[i].start;
		u->r[i].mem = p;
		u->n++;
	}
	free(v);
	return 0;
}

void hw_userptr_fini(struct vmb_hw *hw)
{
	size_t i;

	if (!hw->userptr)
		return;
	for (i = 0; i < hw->userptr->n; i++)
		munmap(hw->userptr->r[i].mem, hw->userptr->r[i].len);
	free(hw->userptr);
	hw->userptr = NULL;
}

uint64_t hw_userptr_local(struct vmb_hw *hw, uint64_t addr)
{
	struct vmb_hw_userptr *u = hw->userptr;
	size_t i;

	for (i = 0; u && i < u->n; i++)
		if (addr >= u->r[i].start && addr - u->r[i].start < u->r[i].len)
			return (uint64_t)(uintptr_t)u->r[i].mem + (addr - u->r[i].start);
	return 0;
}

int hw_userptr_cpu_unmap(struct vmb_hw *hw, uint64_t addr, uint64_t size)
{
	uint64_t start = addr & ~(PAGE - 1), end = (addr + size + PAGE - 1) & ~(PAGE - 1);
	uint64_t local = hw_userptr_local(hw, start);
	void *p;

	if (!local || !size)
		return -EINVAL;
	if (munmap((void *)(uintptr_t)local, end - start))
		return -errno;
	p = mmap((void *)(uintptr_t)local, end - start, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	return p == MAP_FAILED ? -errno : 0;
}
