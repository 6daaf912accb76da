/* SPDX-License-Identifier: MIT */
/*
 * shim_amdgpu.h - what the amdgpu shim's files share: the VM layout of the
 * gfx9+ kernel and the INFO ioctl (shim_amdgpu_info.c).
 */
#ifndef VMB_SHIM_AMDGPU_H
#define VMB_SHIM_AMDGPU_H

struct shim_file;

/* amdgpu_vm.h of the kernels the public device tables come from */
#define SHIM_AMDGPU_VA_BOTTOM (2ull << 20)
#define SHIM_AMDGPU_VA_TOP_RESERVED (2ull << 20)
/* 48-bit VM: addresses are masked to this before use (AMDGPU_GMC_HOLE_MASK) */
#define SHIM_AMDGPU_VA_BITS 48

int shim_amdgpu_info(struct shim_file *f, unsigned long req, void *arg);

#endif /* VMB_SHIM_AMDGPU_H */
