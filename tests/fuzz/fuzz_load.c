// SPDX-License-Identifier: MIT
/*
 * fuzz_load.c - libFuzzer target: the trace loader and validator on
 * arbitrary bytes, as a .json file (fuzz_json) or a .jsonl file
 * (fuzz_jsonl, FUZZ_SUFFIX=".jsonl").
 */
#include "fuzz_common.h"

#ifndef FUZZ_SUFFIX
#define FUZZ_SUFFIX ".json"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmb_trace *t = fuzz_load(data, size, FUZZ_SUFFIX);

	if (t)
		vmb_trace_destroy(t);
	return 0;
}
