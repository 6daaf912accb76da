/* SPDX-License-Identifier: MIT */
/*
 * trace_at.h - random access to the ops of a loaded (packed) trace, for
 * tests that check op N field by field: OPAT(t, i) is op i as a struct
 * vmb_op lvalue, test_op_at(t, i) also gives its bind entries, syncs and BO
 * ids. Each call decodes into the next of 64 slots, so a slot stays valid
 * for the next 63 calls.
 */
#ifndef VMB_TEST_TRACE_AT_H
#define VMB_TEST_TRACE_AT_H

#include <stdlib.h>
#include <string.h>

#include "trace.h"

struct test_op {
	struct vmb_op op;
	struct vmb_bind_entry *binds;
	struct vmb_sync *syncs;
	uint32_t *ids;
};

static struct test_op *test_op_at(const struct vmb_trace *t, size_t i)
{
	static struct test_op ring[64];
	static unsigned int next;
	static struct test_op none;
	struct test_op *s = &ring[next++ % 64];
	struct vmb_cursor c;
	size_t nb = 0, ns = 0, ni = 0;

	free(s->binds);
	free(s->syncs);
	free(s->ids);
	memset(s, 0, sizeof(*s));
	if (vmb_cursor_init(&c, t))
		return &none;
	if (vmb_cursor_seek(&c, i) <= 0) {
		vmb_cursor_fini(&c);
		memset(&none, 0, sizeof(none));
		return &none;
	}
	s->op = c.op;
	vmb_op_parts(&c.op, &nb, &ns, &ni);
	s->binds = calloc(nb + 1, sizeof(*s->binds));
	s->syncs = calloc(ns + 1, sizeof(*s->syncs));
	s->ids = calloc(ni + 1, sizeof(*s->ids));
	if (s->binds && nb)
		memcpy(s->binds, c.binds, nb * sizeof(*s->binds));
	if (s->syncs && ns)
		memcpy(s->syncs, c.syncs, ns * sizeof(*s->syncs));
	if (s->ids && ni)
		memcpy(s->ids, c.ids, ni * sizeof(*s->ids));
	vmb_cursor_fini(&c);
	return s;
}

#define OPAT(t, i) (test_op_at((t), (i))->op)

#endif /* VMB_TEST_TRACE_AT_H */
