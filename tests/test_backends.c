// SPDX-License-Identifier: MIT
/*
 * test_backends.c - the backend registry and the null backend: every
 * backend is registered under its name, unknown names are refused, and
 * null returns each op's traced result without doing anything.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"

#include "backend.h"

TEST(registry)
{
	static const char *const want[] = {"model",   "null",	 "xe", "amdgpu",
					   "nouveau", "panthor", "msm"};
	const char *const *names = vmb_backend_names();
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct vmb_backend_ops *be = vmb_backend_find(want[i]);

		CHECK(be != NULL);
		if (be) {
			CHECK_STR(be->name, want[i]);
			CHECK(be->open && be->close && be->exec && be->now && be->advance);
		}
		CHECK_STR(names[i], want[i]);
	}
	CHECK(names[i] == NULL);
	CHECK(vmb_backend_find("nope") == NULL);
	CHECK(vmb_backend_find(NULL) == NULL);
	CHECK(vmb_backend_find("xe")->simulated == false);
	CHECK(vmb_backend_find("xe")->supports != NULL);
}

TEST(null_backend)
{
	const struct vmb_backend_ops *ops = &vmb_null_backend;
	struct vmb_backend be = {.ops = ops};
	struct vmb_trace t = {0};
	struct vmb_strategy s = {0};
	struct vmb_op op = {.kind = VMB_OP_BIND, .ret = -ENOENT};
	struct vmb_call call = {.op = &op};
	struct vmb_timing tm;
	char err[64];
	uint64_t t0;

	CHECK_INT(ops->open(&be, &t, &s, NULL, err, sizeof(err)), 0);
	t0 = ops->now(&be);
	CHECK_INT(ops->exec(&be, &call, &tm), -ENOENT);
	op.ret = 0;
	CHECK_INT(ops->exec(&be, &call, &tm), 0);
	CHECK(tm.issue_ns >= t0);
	CHECK(tm.done_ns >= tm.issue_ns);
	ops->advance(&be, ops->now(&be) + 1000000); /* 1 ms */
	CHECK(ops->now(&be) >= t0 + 1000000);
	ops->close(&be);
}

int main(void)
{
	RUN(registry);
	RUN(null_backend);
	return TEST_SUMMARY();
}
