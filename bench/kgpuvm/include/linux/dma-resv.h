/* SPDX-License-Identifier: MIT */
/* stub: see bench/kgpuvm/kshim.h */
#include "../../kshim.h"
