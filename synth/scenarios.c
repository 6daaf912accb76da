// SPDX-License-Identifier: MIT
/* scenarios.c - regression scenarios (workloads.md §7) */
#include "synth.h"

const struct vmb_archetype vmb_arch_scenarios[] = {
	{ NULL },
};
