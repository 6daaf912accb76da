#include "shim_priv.h"
const struct shim_driver shim_amdgpu = { .name = "amdgpu", .driver = VMB_DRIVER_AMDGPU };
const struct shim_driver shim_nouveau = { .name = "nouveau", .driver = VMB_DRIVER_NOUVEAU };
const struct shim_driver shim_panthor = { .name = "panthor", .driver = VMB_DRIVER_PANTHOR };
const struct shim_driver shim_msm = { .name = "msm", .driver = VMB_DRIVER_MSM };
