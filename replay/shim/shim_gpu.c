// SPDX-License-Identifier: MIT
/*
 * shim_gpu.c - the shim's GPU: BO memory that lives (one memfd per BO,
 * shared by CPU mmaps and GPU access), GPU virtual address translation
 * through each VM's layout (the shadow kept beside the model: address ->
 * mapping -> BO + offset, userptr CPU address, NULL/scratch, or a fault),
 * and a command executor for the store-class commands of xe batches
 * (MI_*) and amdgpu IBs (PM4 type 3, SDMA). Jobs run when they are
 * submitted, to completion; an xe spinner (a loop on a condition in
 * memory) can instead be parked and resumed (shim_gpu_run_xe_spin, used by
 * shim_xe_held.c). Anything the executor does not know fails the job
 * loudly: counted in the stats, said once on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "backends/shadow.h"
#include "shim_priv.h"

#define GPU_VA_MASK ((1ull << 48) - 1)
#define GPU_PAGE 4096ull
/* command fetches read this much at once where one BO mapping covers it */
#define GPU_FETCH (64ull << 10)
/* jumps (batch chaining, loops) a job may take before it counts as hung */
#define GPU_MAX_JUMPS 65536u
/* commands a job may execute before it counts as hung */
#define GPU_MAX_CMDS (1u << 26)

struct shim_gpu_stats shim_gpu_stats;

/* ---- BO memory ----------------------------------------------------------- */

/*
 * struct shim_mem - the backing store of one model BO. It outlives the BO's
 * last handle while a VM still maps it (the kernel keeps such BOs alive).
 */
struct shim_mem {
	uint32_t id;
	int fd;	      /* memfd, created on first use; -1 before */
	uint8_t *map; /* the GPU's view of it (mapped on first GPU access) */
	uint64_t size;
	bool orphan; /* the BO is closed; kept for mappings */
};

static struct shim_mem **mems; /* by model BO id */
static uint32_t n_mems;
static uint32_t n_orphans;

static struct shim_mem *mem_get(uint32_t id)
{
	return id < n_mems ? mems[id] : NULL;
}

int shim_gpu_bo_init(struct shim_bo *bo)
{
	struct shim_mem *m;

	if (bo->id >= n_mems) {
		uint32_t n = bo->id < 64 ? 128 : bo->id * 2;
		struct shim_mem **t = realloc(mems, n * sizeof(*t));

		if (!t)
			return -ENOMEM;
		memset(t + n_mems, 0, (n - n_mems) * sizeof(*t));
		mems = t;
		n_mems = n;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->id = bo->id;
	m->fd = -1;
	m->size = bo->size;
	mems[bo->id] = m;
	return 0;
}

/* the memfd of a BO's memory, created (zero-filled) on first use */
static int mem_fd(struct shim_mem *m)
{
	if (m->fd >= 0)
		return m->fd;
	m->fd = memfd_create("vmshim-bo", MFD_CLOEXEC);
	if (m->fd < 0)
		return -errno;
	if (ftruncate(m->fd, (off_t)m->size)) {
		int err = -errno;

		close(m->fd);
		m->fd = -1;
		return err;
	}
	return m->fd;
}

/* the GPU's mapping of a BO's memory, made on first use; NULL on failure */
static uint8_t *mem_map(struct shim_mem *m)
{
	int fd = m->map ? -1 : mem_fd(m);

	if (!m->map && fd >= 0) {
		void *p = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		m->map = p == MAP_FAILED ? NULL : p;
	}
	return m->map;
}

int shim_gpu_bo_fd(const struct shim_bo *bo)
{
	struct shim_mem *m = bo->userptr ? NULL : mem_get(bo->id);

	return m ? mem_fd(m) : -EINVAL;
}

static void mem_free(struct shim_mem *m)
{
	mems[m->id] = NULL;
	if (m->map)
		munmap(m->map, m->size);
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}

static bool mem_mapped(uint32_t id)
{
	uint32_t i, n;
	struct shim_vm **vms = shim_all_vms(&n);

	for (i = 0; i < n; i++) {
		struct vmb_gpuva *va;

		for (va = vms[i]->shadow ? vmb_gpuvm_first(vms[i]->shadow) : NULL; va;
		     va = vmb_gpuva_next(va))
			if (!va->flags && va->obj == id)
				return true;
	}
	return false;
}

void shim_gpu_bo_fini(struct shim_bo *bo)
{
	struct shim_mem *m = bo->userptr ? NULL : mem_get(bo->id);

	if (!m)
		return;
	if (mem_mapped(m->id)) {
		m->orphan = true;
		n_orphans++;
		return;
	}
	mem_free(m);
}

void shim_gpu_gc(void)
{
	uint32_t i;

	for (i = 0; n_orphans && i < n_mems; i++)
		if (mems[i] && mems[i]->orphan && !mem_mapped(i)) {
			mem_free(mems[i]);
			n_orphans--;
		}
}

/* ---- address translation -------------------------------------------------- */

static bool self_rw(uint64_t addr, void *buf, size_t len, bool write)
{
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};

	if (write)
		return process_vm_writev(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)len;
	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == (ssize_t)len;
}

/* the job being executed */
struct gpu_job {
	struct shim_vm *vm;
	bool dry;	/* scan only: count no-ops, store nothing, count nothing */
	uint64_t nops;	/* no-op dwords met (the timed GPU's job length) */
	uint64_t ts_ns; /* CLOCK_MONOTONIC time timestamps report; 0: now */
	uint64_t fault_va;
	const char *error; /* why the job failed; NULL while it runs fine */
	uint64_t cmds, jumps;
	uint32_t max_jumps; /* 0: GPU_MAX_JUMPS */
	bool may_spin;	    /* a loop on a memory condition parks instead of hanging */
	bool cond_seen;	    /* an MI_COND_BATCH_BUFFER_END read memory */
	bool spinning;	    /* parked at the jump bound, to be resumed */
};

static void job_fault(struct gpu_job *j, uint64_t va)
{
	if (j->error)
		return;
	j->error = "GPU page fault";
	j->fault_va = va;
	if (!j->dry)
		shim_gpu_stats.faults++;
}

/*
 * gpu_rw() - access @len bytes at GPU VA @va of the job's VM. An address no
 * mapping covers reads 0 and drops writes on a VM with scratch pages (xe's
 * scratch PTEs are NULL PTEs) or on amdgpu (the dummy page, fault counted);
 * otherwise it is a GPU page fault. Return: true if the access went through.
 */
static bool gpu_rw(struct gpu_job *j, uint64_t va, void *buf, uint64_t len, bool write)
{
	uint8_t *p = buf;

	va &= GPU_VA_MASK;
	if (j->dry && write)
		return true;
	while (len) {
		struct vmb_gpuva *m =
		    j->vm && j->vm->shadow ? vmb_gpuvm_find_first(j->vm->shadow, va, 1) : NULL;
		uint64_t n = GPU_PAGE - (va & (GPU_PAGE - 1));

		if (n > len)
			n = len;
		if (m && m->va > va)
			m = NULL;
		if (m && m->va + m->range - va < n)
			n = m->va + m->range - va;
		else if (m && !m->flags) /* one BO range: one read or write */
			n = len < m->va + m->range - va ? len : m->va + m->range - va;
		if (!m) {
			if (!j->vm || !j->vm->scratch) {
				job_fault(j, va);
				if (!j->vm || !j->vm->fault_continues)
					return false;
			}
			if (!write)
				memset(p, 0, n);
		} else if (m->flags == VMB_SHADOW_NULL) {
			if (!write)
				memset(p, 0, n);
		} else if (m->flags == VMB_SHADOW_USERPTR) {
			if (!self_rw(m->offset + (va - m->va), p, n, write)) {
				job_fault(j, va);
				return false;
			}
		} else {
			struct shim_mem *mem = mem_get(m->obj);
			uint64_t off = m->offset + (va - m->va);

			if (!mem || !mem_map(mem) || off > mem->size || n > mem->size - off) {
				job_fault(j, va);
				return false;
			}
			if (write)
				memcpy(mem->map + off, p, n);
			else
				memcpy(p, mem->map + off, n);
		}
		if (write)
			shim_gpu_stats.store_bytes += n;
		va += n;
		p += n;
		len -= n;
	}
	return true;
}

bool shim_gpu_write(struct shim_vm *vm, uint64_t va, const void *buf, uint64_t len)
{
	struct gpu_job j = {.vm = vm};

	return gpu_rw(&j, va, (void *)buf, len, true);
}

/*
 * shim_gpu_clock() - the GPU clock at CLOCK_MONOTONIC time @ns (0: now):
 * xe's 19.2 MHz reference clock (what DRM_XE_DEVICE_QUERY_ENGINE_CYCLES
 * reports), amdgpu's 100 MHz counter (AMDGPU_INFO_TIMESTAMP)
 */
uint64_t shim_gpu_clock(uint64_t ns)
{
	if (!ns)
		ns = shim_now_ns();
	if (shim.drv && shim.drv->driver == VMB_DRIVER_AMDGPU)
		return ns / 10;
	return ns / 1000 * 192 / 10;
}

/* a 64-bit counter of the 19.2 MHz reference clock on CLOCK_MONOTONIC */
uint64_t shim_gpu_timestamp(void)
{
	return shim_now_ns() / 1000 * 192 / 10;
}

/* ---- the command fetcher ---------------------------------------------------- */

/* reads command dwords a page (or GPU_FETCH of one BO mapping) at a time */
struct fetch {
	uint64_t page;	   /* VA of the cached chunk, or ~0 */
	uint64_t size;	   /* its bytes */
	const uint32_t *p; /* the chunk: @dw, or the BO's memory itself */
	uint32_t dw[GPU_FETCH / 4];
};

/* the fetched dword at @va, if @va is in the cached chunk */
static bool fetch_has(const struct fetch *f, uint64_t va)
{
	va &= GPU_VA_MASK;
	return va >= f->page && va - f->page < f->size;
}

static uint32_t fetch_dw(const struct fetch *f, uint64_t va)
{
	return f->p[((va & GPU_VA_MASK) - f->page) / 4];
}

/* dwords equal to @v from @va on in the cached chunk (at least the first) */
static uint64_t fetch_run(const struct fetch *f, uint64_t va, uint32_t v)
{
	uint64_t i = ((va & GPU_VA_MASK) - f->page) / 4, k = i + 1, n = f->size / 4;
	uint64_t v2 = v | (uint64_t)v << 32;

	while (k < n && (k & 1) && f->p[k] == v)
		k++;
	if (!(k & 1)) {
		const uint64_t *q = (const uint64_t *)(const void *)&f->p[k];

		while (k + 2 <= n && *q == v2) {
			q++;
			k += 2;
		}
	}
	while (k < n && f->p[k] == v)
		k++;
	return k - i;
}

static bool fetch_dws(struct gpu_job *j, struct fetch *f, uint64_t va, uint32_t *out, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++, va += 4) {
		uint64_t big = (va & GPU_VA_MASK) & ~(GPU_FETCH - 1);
		uint64_t page = (va & GPU_VA_MASK) & ~(GPU_PAGE - 1), size = GPU_PAGE;

		if (!fetch_has(f, va)) {
			struct vmb_gpuva *m = j->vm && j->vm->shadow
						  ? vmb_gpuvm_find_first(j->vm->shadow, big, 1)
						  : NULL;

			if (m && !m->flags && m->va <= big && m->va + m->range >= big + GPU_FETCH) {
				struct shim_mem *mem = mem_get(m->obj);
				uint64_t off = m->offset + (big - m->va);

				page = big;
				size = GPU_FETCH;
				/* read in place: the memory is mapped and 8-byte aligned */
				if (mem && mem_map(mem) && off + size <= mem->size && !(off & 7)) {
					f->p = (const uint32_t *)(const void *)(mem->map + off);
					f->page = page;
					f->size = size;
					out[i] = fetch_dw(f, va);
					continue;
				}
			}
			f->p = f->dw;
			if (!gpu_rw(j, page, f->dw, size, false)) {
				f->page = ~0ull;
				f->size = 0;
				return false;
			}
			f->page = page;
			f->size = size;
		}
		out[i] = fetch_dw(f, va);
	}
	return true;
}

/* CLOCK_MONOTONIC time at the job's current command: its start plus the no-ops so far */
static uint64_t job_clock(const struct gpu_job *j)
{
	return j->ts_ns ? j->ts_ns + j->nops * SHIM_NOP_NS : 0;
}

static void job_unsupported(struct gpu_job *j, const char *engine, uint32_t hdr, uint64_t va)
{
	static bool said;

	if (j->error)
		return;
	j->error = "unsupported command";
	if (j->dry)
		return;
	shim_gpu_stats.unsupported++;
	if (!said && !getenv("VMB_SHIM_QUIET"))
		fprintf(
		    stderr,
		    "vmshim-gpu: %s command 0x%08x at 0x%llx is not executed by the shim GPU: the "
		    "job fails (counted in VMB_SHIM_STATS gpu.unsupported)\n",
		    engine, hdr, (unsigned long long)va);
	said = true;
}

static bool job_step(struct gpu_job *j)
{
	if (++j->cmds > GPU_MAX_CMDS && !j->error) {
		j->error = "hung (command bound)";
		shim_gpu_stats.hangs += !j->dry;
	}
	return !j->error;
}

static bool job_jump(struct gpu_job *j)
{
	if (++j->jumps > (j->max_jumps ? j->max_jumps : GPU_MAX_JUMPS) && !j->error &&
	    j->may_spin && j->cond_seen) {
		/* a spinner waiting for its end condition in memory: parked */
		j->spinning = true;
		j->error = "spinning";
		return false;
	}
	if (j->jumps > GPU_MAX_JUMPS && !j->error) {
		j->error = "hung (jump bound)";
		shim_gpu_stats.hangs += !j->dry;
	}
	return !j->error;
}

/* ---- xe: MI commands ---------------------------------------------------------- */

#define MI_OP(h) (((h) >> 23) & 0x3f)
#define MI_NOOP_OP 0x00
#define MI_ARB_CHECK_OP 0x05
#define MI_BATCH_BUFFER_END_OP 0x0a
#define MI_STORE_DWORD_IMM_OP 0x20
#define MI_STORE_REGISTER_MEM_OP 0x24
#define MI_BATCH_BUFFER_START_OP 0x31
#define MI_COND_BATCH_BUFFER_END_OP 0x36
#define MI_SECOND_LEVEL (1u << 22)
#define MI_DO_COMPARE (1u << 21)
#define RING_TIMESTAMP 0x358
#define RING_TIMESTAMP_UDW 0x35c
#define RING_CTX_TIMESTAMP 0x3a8

static void xe_run(struct gpu_job *j, struct shim_xe_state *st)
{
	struct fetch *f = malloc(sizeof(*f));
	uint64_t pc = st->pc, ret_pc = st->ret_pc;
	bool second = st->second;
	uint32_t d[64];

	if (!f) {
		j->error = "out of memory";
		return;
	}
	f->page = ~0ull;
	while (job_step(j) && fetch_dws(j, f, pc, d, 1)) {
		uint32_t h = d[0], len;
		uint64_t addr;

		if (h >> 29) {
			job_unsupported(j, "xe", h, pc);
			break;
		}
		switch (MI_OP(h)) {
		case MI_NOOP_OP:
			/* a run of MI_NOOPs in the fetched page at once */
			if (h == 0) {
				uint64_t k = fetch_run(f, pc, 0);

				pc += 4 * k;
				j->nops += k;
			} else {
				pc += 4;
				j->nops++;
			}
			continue;
		case MI_ARB_CHECK_OP:
			pc += 4;
			continue;
		case MI_BATCH_BUFFER_END_OP:
			if (!second)
				goto out;
			second = false;
			pc = ret_pc;
			continue;
		default:
			break;
		}
		len = (h & 0xff) + 2;
		if (len > 64 || !fetch_dws(j, f, pc, d, len))
			break;
		switch (MI_OP(h)) {
		case MI_STORE_DWORD_IMM_OP: /* gen8+: cmd, addr lo, addr hi, data... */
			if (len < 4) {
				job_unsupported(j, "xe", h, pc);
				goto out;
			}
			addr = d[1] | (uint64_t)d[2] << 32;
			if (!gpu_rw(j, addr, &d[3], (len - 3) * 4ull, true))
				goto out;
			f->page = ~0ull; /* the batch may have written itself */
			break;
		case MI_STORE_REGISTER_MEM_OP: {
			uint32_t reg = d[1] & 0xfff, v;
			uint64_t ts = shim_gpu_clock(job_clock(j));

			if (reg == RING_TIMESTAMP || reg == RING_CTX_TIMESTAMP)
				v = (uint32_t)ts;
			else if (reg == RING_TIMESTAMP_UDW)
				v = (uint32_t)(ts >> 32);
			else {
				job_unsupported(j, "xe", h, pc);
				goto out;
			}
			addr = d[2] | (len > 3 ? (uint64_t)d[3] << 32 : 0);
			if (!gpu_rw(j, addr, &v, 4, true))
				goto out;
			f->page = ~0ull;
			break;
		}
		case MI_BATCH_BUFFER_START_OP:
			if (!job_jump(j))
				goto out;
			addr = d[1] | (len > 2 ? (uint64_t)d[2] << 32 : 0);
			if ((h & MI_SECOND_LEVEL) && !second) {
				second = true;
				ret_pc = pc + len * 4ull;
			}
			pc = addr & ~3ull;
			continue;
		case MI_COND_BATCH_BUFFER_END_OP: {
			uint32_t v;

			if (len < 4 || !(h & MI_DO_COMPARE)) {
				job_unsupported(j, "xe", h, pc);
				goto out;
			}
			/*
			 * the dword at the address: IGT's xe_spin keeps its end
			 * condition at an offset of 4 mod 8, and it ends on the
			 * hardware when the CPU writes it
			 */
			addr = d[2] | (uint64_t)d[3] << 32;
			if (!gpu_rw(j, addr & ~3ull, &v, 4, false))
				goto out;
			j->cond_seen = true;
			if (v <= d[1]) /* the batch ends when memory <= data */
				goto out;
			break;
		}
		default:
			job_unsupported(j, "xe", h, pc);
			goto out;
		}
		pc += len * 4ull;
	}
out:
	/* a parked spinner resumes at the jump it stopped at */
	st->pc = pc;
	st->ret_pc = ret_pc;
	st->second = second;
	free(f);
}

/* ---- amdgpu: PM4 and SDMA ------------------------------------------------------ */

#define PM4_TYPE(h) ((h) >> 30)
#define PM4_COUNT(h) (((h) >> 16) & 0x3fff)
#define PM4_OP(h) (((h) >> 8) & 0xff)
#define PKT3_NOP 0x10
#define PKT3_INDIRECT_BUFFER_CONST 0x33
#define PKT3_WRITE_DATA 0x37
#define PKT3_INDIRECT_BUFFER 0x3f
#define PKT3_RELEASE_MEM 0x49
#define PKT3_DMA_DATA 0x50
/*
 * CE/DE counter packets (INCREMENT_CE/DE_COUNTER, WAIT_ON_CE_COUNTER,
 * WAIT_ON_DE_COUNTER_DIFF, SET_CE_DE_COUNTERS): the shim runs a submission's
 * CE and DE IBs one after the other, so every counter wait is satisfied
 */
#define PKT3_IS_CE_DE_SYNC(op) ((op) >= 0x84 && (op) <= 0x89 && (op) != 0x87)

static bool copy_bytes(struct gpu_job *j, uint64_t dst, uint64_t src, uint64_t n, bool fill,
		       uint32_t value)
{
	uint8_t buf[4096];

	while (n) {
		uint64_t k = n < sizeof(buf) ? n : sizeof(buf), i;

		if (fill) {
			for (i = 0; i < k; i++)
				buf[i] = (uint8_t)(value >> (8 * ((i + dst) & 3)));
		} else if (!gpu_rw(j, src, buf, k, false)) {
			return false;
		}
		if (!gpu_rw(j, dst, buf, k, true))
			return false;
		dst += k;
		src += k;
		n -= k;
	}
	return true;
}

/* WRITE_DATA of any length: the data dwords are read in chunks as they are written */
static bool pm4_write_data(struct gpu_job *j, struct fetch *f, uint64_t pc, uint32_t len)
{
	uint32_t d[64], dst_sel, i, k, n;
	uint64_t addr;
	bool one_addr;

	if (!fetch_dws(j, f, pc, d, 4))
		return false;
	dst_sel = (d[1] >> 8) & 0xf;
	one_addr = d[1] & (1u << 16);
	if (len < 5 || (dst_sel != 5 && dst_sel != 2)) {
		job_unsupported(j, "amdgpu PM4", d[0], pc);
		return false;
	}
	addr = d[2] | (uint64_t)d[3] << 32;
	for (i = 4; i < len; i += n) {
		n = len - i < 64 ? len - i : 64;
		if (!fetch_dws(j, f, pc + i * 4ull, d, n))
			return false;
		for (k = 0; k < n; k++)
			if (!gpu_rw(j, one_addr ? addr : addr + (i + k - 4) * 4ull, &d[k], 4, true))
				return false;
		f->page = ~0ull;
	}
	return true;
}

static void pm4_run(struct gpu_job *j, uint64_t pc, uint64_t ndw, int depth)
{
	struct fetch *f = malloc(sizeof(*f));
	uint64_t end = pc + ndw * 4;
	uint32_t d[64];

	if (!f) {
		j->error = "out of memory";
		return;
	}
	f->page = ~0ull;
	while (pc < end && job_step(j) && fetch_dws(j, f, pc, d, 1)) {
		uint32_t h = d[0], len, op;
		uint64_t addr;

		if (PM4_TYPE(h) == 2) {
			j->nops++;
			pc += 4;
			continue;
		}
		if (PM4_TYPE(h) != 3) {
			job_unsupported(j, "amdgpu PM4", h, pc);
			break;
		}
		len = PM4_COUNT(h) + 2;
		op = PM4_OP(h);
		if (op == PKT3_NOP && PM4_COUNT(h) == 0x3fff) {
			/* the CP's one-dword NOP: a run of them in the fetched page at once */
			uint64_t k = fetch_run(f, pc, h);

			if (k > (end - pc) / 4)
				k = (end - pc) / 4;
			if (!k)
				k = 1;
			pc += 4 * k;
			j->nops += k;
			continue;
		}
		if (op == PKT3_NOP || PKT3_IS_CE_DE_SYNC(op)) {
			if (op == PKT3_NOP)
				j->nops += len;
			pc += len * 4ull;
			continue;
		}
		if (op == PKT3_WRITE_DATA) {
			if (!pm4_write_data(j, f, pc, len))
				goto out;
			pc += len * 4ull;
			continue;
		}
		if (len > 64) {
			job_unsupported(j, "amdgpu PM4", h, pc);
			break;
		}
		if (!fetch_dws(j, f, pc, d, len))
			break;
		switch (op) {
		case PKT3_DMA_DATA: {
			uint32_t src_sel = (d[1] >> 29) & 3, dst_sel = (d[1] >> 20) & 3;
			uint64_t n = d[6] & 0x3ffffff;

			if (len < 7 || dst_sel != 0 || (src_sel != 0 && src_sel != 2)) {
				job_unsupported(j, "amdgpu PM4", h, pc);
				goto out;
			}
			addr = d[4] | (uint64_t)d[5] << 32;
			if (!copy_bytes(j, addr, d[2] | (uint64_t)d[3] << 32, n, src_sel == 2,
					d[2]))
				goto out;
			f->page = ~0ull;
			break;
		}
		case PKT3_INDIRECT_BUFFER:
		case PKT3_INDIRECT_BUFFER_CONST:
			if (len < 4 || depth >= 2 || !job_jump(j)) {
				if (!j->error)
					job_unsupported(j, "amdgpu PM4", h, pc);
				goto out;
			}
			addr = (d[1] & ~3u) | (uint64_t)(d[2] & 0xffff) << 32;
			pm4_run(j, addr, d[3] & 0xfffff, depth + 1);
			if (j->error)
				goto out;
			f->page = ~0ull;
			break;
		case PKT3_RELEASE_MEM: {
			uint32_t data_sel = (d[2] >> 29) & 7;
			uint64_t v = d[5] | (uint64_t)d[6] << 32;

			if (len < 7 || data_sel > 3) {
				job_unsupported(j, "amdgpu PM4", h, pc);
				goto out;
			}
			if (data_sel == 3)
				v = shim_gpu_clock(job_clock(j));
			addr = d[3] | (uint64_t)d[4] << 32;
			if (data_sel && !gpu_rw(j, addr, &v, data_sel == 1 ? 4 : 8, true))
				goto out;
			f->page = ~0ull;
			break;
		}
		default:
			job_unsupported(j, "amdgpu PM4", h, pc);
			goto out;
		}
		pc += len * 4ull;
	}
out:
	free(f);
}

#define SDMA_OP_NOP 0
#define SDMA_OP_COPY 1
#define SDMA_OP_WRITE 2
#define SDMA_OP_FENCE 5
#define SDMA_OP_TRAP 6
#define SDMA_OP_CONST_FILL 11

static void sdma_run(struct gpu_job *j, uint64_t pc, uint64_t ndw)
{
	struct fetch *f = malloc(sizeof(*f));
	uint64_t end = pc + ndw * 4;
	uint32_t d[8];

	if (!f) {
		j->error = "out of memory";
		return;
	}
	f->page = ~0ull;
	while (pc < end && job_step(j) && fetch_dws(j, f, pc, d, 1)) {
		uint32_t h = d[0], op = h & 0xff, sub = (h >> 8) & 0xff, i, n;
		uint64_t addr;

		switch (op) {
		case SDMA_OP_NOP:
			j->nops += 1ull + ((h >> 16) & 0x3fff);
			pc += 4 * (1ull + ((h >> 16) & 0x3fff));
			continue;
		case SDMA_OP_TRAP:
			pc += 8;
			continue;
		case SDMA_OP_COPY: /* linear: count-1, param, src, dst */
			if (sub != 0 || !fetch_dws(j, f, pc, d, 7)) {
				if (!j->error)
					job_unsupported(j, "amdgpu SDMA", h, pc);
				goto out;
			}
			if (!copy_bytes(j, d[5] | (uint64_t)d[6] << 32, d[3] | (uint64_t)d[4] << 32,
					(d[1] & 0x3fffffff) + 1ull, false, 0))
				goto out;
			pc += 7 * 4;
			break;
		case SDMA_OP_WRITE: /* linear: dst, count-1 dwords, data */
			if (sub != 0 || !fetch_dws(j, f, pc, d, 4)) {
				if (!j->error)
					job_unsupported(j, "amdgpu SDMA", h, pc);
				goto out;
			}
			addr = d[1] | (uint64_t)d[2] << 32;
			n = (d[3] & 0xfffff) + 1;
			pc += 16;
			for (i = 0; i < n; i++, pc += 4) {
				uint32_t v;

				if (!fetch_dws(j, f, pc, &v, 1) ||
				    !gpu_rw(j, addr + i * 4ull, &v, 4, true))
					goto out;
				f->page = ~0ull;
			}
			break;
		case SDMA_OP_FENCE:
			if (!fetch_dws(j, f, pc, d, 4))
				goto out;
			if (!gpu_rw(j, d[1] | (uint64_t)d[2] << 32, &d[3], 4, true))
				goto out;
			pc += 16;
			break;
		case SDMA_OP_CONST_FILL: /* dst, data, count-1 bytes; dword fills */
			if (!fetch_dws(j, f, pc, d, 5))
				goto out;
			if (!copy_bytes(j, d[1] | (uint64_t)d[2] << 32, 0,
					(d[4] & 0x3fffffff) + 1ull, true, d[3]))
				goto out;
			pc += 20;
			break;
		default:
			job_unsupported(j, "amdgpu SDMA", h, pc);
			goto out;
		}
		f->page = ~0ull;
	}
out:
	free(f);
}

/* ---- jobs ----------------------------------------------------------------------- */

static int job_end(struct gpu_job *j, const char *drv)
{
	static bool said;

	if (j->spinning)
		return -EINPROGRESS; /* counted when it ends */
	shim_gpu_stats.jobs++;
	if (!j->error)
		return 0;
	shim_gpu_stats.jobs_failed++;
	if (!said && !getenv("VMB_SHIM_QUIET"))
		fprintf(
		    stderr,
		    "vmshim-gpu: %s job failed: %s (VA 0x%llx); later failures are only counted\n",
		    drv, j->error, (unsigned long long)j->fault_va);
	said = true;
	if (j->fault_va)
		return -EFAULT;
	return strcmp(j->error, "unsupported command") ? -EIO : -EOPNOTSUPP;
}

/* the replayer's jobs over the shim may carry no batch: nothing mapped at 0 */
static bool xe_empty(struct shim_vm *vm, uint64_t batch)
{
	return !batch && vm && vm->shadow && !vmb_gpuvm_find_first(vm->shadow, 0, GPU_PAGE);
}

int shim_gpu_run_xe(struct shim_vm *vm, uint64_t batch, uint64_t ts_ns)
{
	struct gpu_job j = {.vm = vm, .ts_ns = ts_ns};

	/*
	 * The replayer's jobs over the shim carry no batch (address 0, nothing
	 * mapped there; VMB_HW_BATCH=1 or a timed shim GPU makes it send real
	 * ones): a job without commands, as the shim always ran them.
	 */
	if (xe_empty(vm, batch)) {
		shim_gpu_stats.empty_jobs++;
		return 0;
	}

	xe_run(&j, &(struct shim_xe_state){.pc = batch});
	return job_end(&j, "xe");
}

int shim_gpu_run_xe_spin(struct shim_vm *vm, struct shim_xe_state *st, uint32_t max_jumps)
{
	struct gpu_job j = {.vm = vm, .may_spin = true, .max_jumps = max_jumps};

	if (!st->started && xe_empty(vm, st->pc)) {
		shim_gpu_stats.empty_jobs++;
		return 0;
	}
	st->started = true;
	xe_run(&j, st);
	return job_end(&j, "xe");
}

static void amdgpu_run(struct gpu_job *j, uint32_t ip_type, uint64_t va, uint32_t bytes)
{
	switch (ip_type) {
	case 0: /* GFX */
	case 1: /* COMPUTE */
		pm4_run(j, va, bytes / 4, 0);
		break;
	case 2: /* DMA */
		sdma_run(j, va, bytes / 4);
		break;
	default:
		job_unsupported(j, "amdgpu (IP type)", ip_type, va);
		break;
	}
}

int shim_gpu_run_amdgpu(struct shim_vm *vm, uint32_t ip_type, uint64_t va, uint32_t bytes,
			uint64_t ts_ns)
{
	struct gpu_job j = {.vm = vm, .ts_ns = ts_ns};

	amdgpu_run(&j, ip_type, va, bytes);
	return job_end(&j, "amdgpu");
}

uint64_t shim_gpu_scan_xe(struct shim_vm *vm, uint64_t batch)
{
	struct gpu_job j = {.vm = vm, .dry = true};

	if (xe_empty(vm, batch))
		return 0;
	xe_run(&j, &(struct shim_xe_state){.pc = batch});
	return j.nops;
}

uint64_t shim_gpu_scan_amdgpu(struct shim_vm *vm, uint32_t ip_type, uint64_t va, uint32_t bytes)
{
	struct gpu_job j = {.vm = vm, .dry = true};

	amdgpu_run(&j, ip_type, va, bytes);
	return j.nops;
}
