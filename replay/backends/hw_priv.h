/* SPDX-License-Identifier: MIT */
/*
 * hw_priv.h - internals shared by hw.c, hw_exec.c and hw_userptr.c (not for
 * driver files).
 */
#ifndef VMB_BACKENDS_HW_PRIV_H
#define VMB_BACKENDS_HW_PRIV_H

#include "backends/hw.h"

/* bits of vmb_hw.warned (messages printed once per run) */
enum {
	HW_WARN_MEAS,
	HW_WARN_FALLBACK,
	HW_WARN_BATCH,
	HW_WARN_WAIT,
	HW_WARN_LOST,
	HW_WARN_SYNCS,
	HW_WARN_KIND, /* + enum vmb_bind_kind */
	HW_WARN_DRIVER = HW_WARN_KIND + VMB_BIND_COUNT,
};

/**
 * struct vmb_hw_userptr - the replayer's memory behind the trace's userptr
 * addresses: one anonymous mapping per cluster of traced CPU ranges
 */
struct vmb_hw_userptr {
	size_t n;
	struct {
		uint64_t start, len; /* traced CPU range, page aligned */
		uint8_t *mem;
	} r[];
};

int hw_userptr_init(struct vmb_hw *hw);
void hw_userptr_fini(struct vmb_hw *hw);
/* our CPU address for traced @addr; 0 when it lies outside every region */
uint64_t hw_userptr_local(struct vmb_hw *hw, uint64_t addr);
/* cpu_unmap: unmap and re-create the pages so mmu notifiers fire */
int hw_userptr_cpu_unmap(struct vmb_hw *hw, uint64_t addr, uint64_t size);

/* files and handles (hw.c) */
int vmb_hw_file_open(struct vmb_hw *hw, uint32_t vm, size_t *idx, uint64_t va_start,
		     uint64_t kstart, uint64_t krange);
void vmb_hw_file_close(struct vmb_hw *hw, struct vmb_hw_file *f);
struct vmb_hw_file *vmb_hw_vm_file(struct vmb_hw *hw, uint32_t vm);
int vmb_hw_bo_handle(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t bo, uint32_t *out);
int vmb_hw_syncobj_handle(struct vmb_hw *hw, struct vmb_hw_file *f, uint32_t id, uint32_t *out);
int vmb_hw_resolve_syncs(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_sync *s,
			 uint32_t n, struct vmb_hw_sync *out);
uint64_t vmb_hw_meas_wait(struct vmb_hw *hw, struct vmb_hw_file *f, uint64_t point,
			  uint64_t fallback);

/* the completion engine (hw_async.c) */
int vmb_hw_async_create(struct vmb_hw *hw, uint32_t cap);
void vmb_hw_async_destroy(struct vmb_hw *hw);
int vmb_hw_async_get(struct vmb_hw *hw, struct vmb_hw_file *f, const struct vmb_call *call,
		     struct vmb_hw_sync *sync);
/* slot @i's job writes a start stamp in trace VM @vm's batch buffer */
void vmb_hw_async_stamped(struct vmb_hw *hw, int i, uint32_t vm);
void vmb_hw_async_put(struct vmb_hw *hw, int slot, struct vmb_timing *tm);
void vmb_hw_async_wait(struct vmb_hw *hw, int slot);
void vmb_hw_async_reap(struct vmb_hw *hw, bool all);
void vmb_hw_async_file_closed(struct vmb_hw *hw, size_t fidx);

/* free the bind scratch arrays (hw_exec.c) */
void vmb_hw_exec_fini(void);

/*
 * vmb_hw_gpu_barrier() - a full barrier between the CPU's writes to a buffer
 * the GPU reads (a stamp head) and the submit that hands it over. It orders
 * memory against the GPU, not against another thread, so TSan, which does
 * not model fences, misses nothing here: __sync_synchronize() is the same
 * full fence as __atomic_thread_fence(__ATOMIC_SEQ_CST), and GCC builds it
 * under -fsanitize=thread, where it refuses the latter (-Wtsan).
 */
static inline void vmb_hw_gpu_barrier(void)
{
	__sync_synchronize();
}

#endif /* VMB_BACKENDS_HW_PRIV_H */
