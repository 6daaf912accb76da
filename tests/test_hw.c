// SPDX-License-Identifier: MIT
/*
 * test_hw.c - smoke test of the real-kernel backend for whatever render
 * node this machine has (xe, amdgpu, nouveau, panthor or msm): a VM, a BO,
 * a map, a split unmap, a NULL bind where the driver has one, and cleanup,
 * through the backend vtable. Skips cleanly (as IGT does) without such a
 * node or without permission to open it. Set VMB_HW_DEVICE to pick one;
 * VMB_HW_TEST_SHIM=1 runs it over the shim too (a check of the test).
 */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#include "backend.h"
#include "backends/device.h"

static struct vmb_op ops[8];
static struct vmb_bind_entry binds[3];
static struct vmb_trace trace;

static void build_trace(enum vmb_driver d)
{
	memset(ops, 0, sizeof(ops));
	ops[0].kind = VMB_OP_VM_CREATE;
	ops[0].u.vm_create.vm = 1;
	ops[0].u.vm_create.va_start = 0x100000;
	ops[0].u.vm_create.va_range = 1ull << 32;
	ops[1].kind = VMB_OP_BO_CREATE;
	ops[1].u.bo.bo = 1;
	ops[1].u.bo.size = 1 << 20;
	ops[2].kind = VMB_OP_BIND;
	ops[2].u.bind.vm = 1;
	ops[2].u.bind.first_bind = 0;
	ops[2].u.bind.n_binds = 1;
	ops[3].kind = VMB_OP_BIND;
	ops[3].u.bind.vm = 1;
	ops[3].u.bind.first_bind = 1;
	ops[3].u.bind.n_binds = 1;
	ops[4].kind = VMB_OP_BIND;
	ops[4].u.bind.vm = 1;
	ops[4].u.bind.first_bind = 2;
	ops[4].u.bind.n_binds = 1;
	ops[5].kind = VMB_OP_BO_CLOSE;
	ops[5].u.bo.bo = 1;
	ops[6].kind = VMB_OP_VM_DESTROY;
	ops[6].u.vm_destroy.vm = 1;
	binds[0] = (struct vmb_bind_entry){
	    .kind = VMB_BIND_MAP, .va = 0x200000, .range = 1 << 20, .bo = 1};
	binds[1] =
	    (struct vmb_bind_entry){.kind = VMB_BIND_UNMAP, .va = 0x280000, .range = 0x100000};
	binds[2] =
	    (struct vmb_bind_entry){.kind = VMB_BIND_UNMAP, .va = 0x200000, .range = 0x80000};
	trace.driver = d;
	trace.page_size = 4096;
	if (vmb_trace_pack_ops(&trace, ops, 7, binds, NULL, NULL))
		abort();
	trace.max_id[VMB_CLASS_VM] = 1;
	trace.max_id[VMB_CLASS_BO] = 1;
	trace.max_id[VMB_CLASS_QUEUE] = 0;
	trace.max_id[VMB_CLASS_SYNCOBJ] = 0;
}

TEST(hw_bind_unbind)
{
	char path[256], err[512], name[32];
	const struct vmb_backend_ops *ops_be;
	struct vmb_backend be = {0};
	struct vmb_strategy strat = {0};
	enum vmb_driver d;
	size_t i;
	int ret;

	if (getenv("VMB_SHIM_DRIVER") && !getenv("VMB_HW_TEST_SHIM"))
		SKIP("running over the shim (tests/shim.sh covers that)");
	ret = vmb_device_find(VMB_DRIVER_ANY, getenv("VMB_HW_DEVICE"), path, sizeof(path), err,
			      sizeof(err));
	if (ret)
		SKIP("no xe/amdgpu/nouveau/panthor/msm render node usable here");
	{
		int fd = open(path, O_RDWR);

		if (fd < 0 || vmb_device_driver(fd, name, sizeof(name)))
			SKIP("cannot open the render node");
		close(fd);
	}
	if (vmb_driver_parse(name, &d))
		SKIP("unknown driver");
	build_trace(d);
	ops_be = vmb_backend_find(name);
	CHECK(ops_be != NULL);
	if (!ops_be)
		return;
	be.ops = ops_be;
	ret = ops_be->open(&be, &trace, &strat, path, err, sizeof(err));
	if (ret) {
		printf("# %s: %s\n", name, err);
		CHECK_INT(ret, 0);
		return;
	}
	for (i = 0; i < trace.n_ops; i++) {
		struct vmb_call call = {.op = &ops[i], .index = i};
		struct vmb_timing tm;

		if (ops[i].kind == VMB_OP_BIND)
			call.binds = &binds[ops[i].u.bind.first_bind];
		ret = ops_be->exec(&be, &call, &tm);
		if (ret)
			printf("# op %zu (%s): %s\n", i, vmb_op_kind_name(ops[i].kind),
			       strerror(-ret));
		CHECK_INT(ret, 0);
		CHECK(tm.return_ns >= tm.issue_ns);
	}
	ops_be->close(&be);
}

int main(void)
{
	RUN(hw_bind_unbind);
	vmb_trace_release(&trace);
	return TEST_SUMMARY();
}
