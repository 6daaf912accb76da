/* SPDX-License-Identifier: MIT */
/*
 * shim_amdgpu.h - what the amdgpu shim's files share: the VM layout of the
 * gfx9+ kernel and the INFO ioctl (shim_amdgpu_info.c).
 */
#ifndef VMB_SHIM_AMDGPU_H
#define VMB_SHIM_AMDGPU_H

#include <stdint.h>

struct shim_file;

/* amdgpu_vm.h of the kernels the public device tables come from */
#define SHIM_AMDGPU_VA_BOTTOM (2ull << 20)
#define SHIM_AMDGPU_VA_TOP_RESERVED (2ull << 20)
/* 48-bit VM: addresses are masked to this before use (AMDGPU_GMC_HOLE_MASK) */
#define SHIM_AMDGPU_VA_BITS 48

int shim_amdgpu_info(struct shim_file *f, unsigned long req, void *arg);

/* shim_amdgpu_bo.c */
int shim_amdgpu_bo_list(struct shim_file *f, unsigned long req, void *arg);
int shim_amdgpu_gem_op(struct shim_file *f, unsigned long req, void *arg);
int shim_amdgpu_gem_metadata(struct shim_file *f, unsigned long req, void *arg);
int shim_amdgpu_gem_wait_idle(struct shim_file *f, unsigned long req, void *arg);
int shim_amdgpu_wait_fences(struct shim_file *f, unsigned long req, void *arg);
int shim_amdgpu_vm(struct shim_file *f, unsigned long req, void *arg);
int shim_amdgpu_fence_to_handle(struct shim_file *f, unsigned long req, void *arg);
int shim_amdgpu_sched(struct shim_file *f, unsigned long req, void *arg);
/* the model BO ids of BO list @handle (userptr BOs left out), calloc'ed */
int shim_amdgpu_bo_list_ids(struct shim_file *f, uint32_t handle, uint32_t **ids, uint32_t *n);

#endif /* VMB_SHIM_AMDGPU_H */
