// SPDX-License-Identifier: MIT
/*
 * fuzz_replay.c - libFuzzer target: load a .jsonl trace and replay it on
 * the model under a strategy point chosen by the input. The first 4 bytes
 * pick refcount (hard|weak|weak-free|submit-vmbo), sync (implicit|explicit|
 * async|sync), userptr (hmm|pin) and bo-lookup (vmbo|gem-list), plus the
 * close policy and batching; bit 7 of the second byte says .json (else
 * .jsonl); the rest is the trace.
 */
#include <string.h>

#include "backend.h"
#include "fuzz_common.h"
#include "metrics.h"
#include "replay.h"
#include "result.h"
#include "strategy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmb_replay_opts ro = {0};
	struct vmb_trace *t;
	struct vmb_run run;
	char err[256];

	if (size < 4)
		return 0;
	t = fuzz_load(data + 4, size - 4, data[1] & 0x80 ? ".json" : ".jsonl");
	if (!t)
		return 0;
	ro.backend = vmb_backend_find("model");
	vmb_strategy_native_trace(t, &ro.strat);
	ro.strat.refcount = (enum vmb_refcount)(data[0] % VMB_REF_COUNT);
	ro.strat.sync = (enum vmb_sync_mode)(data[1] % VMB_SYNC_COUNT);
	ro.strat.userptr = (enum vmb_userptr_mode)(data[2] % VMB_USERPTR_COUNT);
	ro.strat.bo_lookup = (enum vmb_bo_lookup)(data[2] / VMB_USERPTR_COUNT % VMB_LOOKUP_COUNT);
	ro.strat.close = (enum vmb_close_policy)(data[3] % VMB_CLOSE_COUNT);
	ro.strat.batch = data[3] & 0x80 ? (data[3] & 0x40 ? 64 : 1) : ro.strat.batch;
	ro.max_errors = 1000;
	memset(&run, 0, sizeof(run));
	vmb_replay_run(t, &ro, &run, err, sizeof(err));
	vmb_run_metrics_free(&run.m);
	vmb_trace_destroy(t);
	return 0;
}
