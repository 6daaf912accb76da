// SPDX-License-Identifier: MIT
/* patterns.c - IGT xe_vm style bind patterns */
#include "synth.h"

const struct vmb_archetype vmb_arch_patterns[] = {
	{ NULL },
};
