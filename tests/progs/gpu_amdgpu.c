// SPDX-License-Identifier: MIT
/*
 * gpu_amdgpu.c - an amdgpu client in the manner of libdrm's amdgpu_test
 * basic/CS/VM suites, run over the shim by tests/shim-gpu.sh: GEM_VA maps,
 * IBs with PM4 WRITE_DATA, DMA_DATA fill/copy, RELEASE_MEM and an
 * INDIRECT_BUFFER chain on GFX, SDMA WRITE, COPY and CONSTANT_FILL on DMA,
 * checked through mmap; a store to an unmapped VA is a counted VM fault.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi/amdgpu.h"
#include "uapi/drm_core.h"

#define PKT3(op, n) (3u << 30 | ((n)&0x3fff) << 16 | (op) << 8)
#define SDMA(op, sub, extra) ((op) | (sub) << 8 | (extra) << 16)
#define SZ 0x10000ull
#define IB_VA 0x400000ull
#define DST_VA 0x800000ull

static int fd, n_test, n_fail;
static uint32_t ctx;

static void check(int ok, const char *name)
{
	n_test++;
	if (!ok)
		n_fail++;
	printf("%sok %d - %s\n", ok ? "" : "not ", n_test, name);
}

static uint32_t *bo(uint64_t va, uint32_t *handle)
{
	union vmb_amdgpu_gem_create c = {.in = {.bo_size = SZ, .domains = 2}};
	union vmb_amdgpu_gem_mmap m = {0};
	struct vmb_amdgpu_gem_va v = {0};
	void *p;

	if (ioctl(fd, VMB_DRM_IOCTL_AMDGPU_GEM_CREATE, &c))
		return NULL;
	*handle = c.out.handle;
	v.handle = c.out.handle;
	v.operation = VMB_AMDGPU_VA_OP_MAP;
	v.flags = VMB_AMDGPU_VM_PAGE_READABLE | VMB_AMDGPU_VM_PAGE_WRITEABLE |
		  VMB_AMDGPU_VM_PAGE_EXECUTABLE;
	v.va_address = va;
	v.map_size = SZ;
	m.in.handle = c.out.handle;
	if (ioctl(fd, VMB_DRM_IOCTL_AMDGPU_GEM_VA, &v) ||
	    ioctl(fd, VMB_DRM_IOCTL_AMDGPU_GEM_MMAP, &m))
		return NULL;
	p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.out.addr_ptr);
	return p == MAP_FAILED ? NULL : p;
}

static int cs(uint32_t ip, uint64_t va, uint32_t ndw)
{
	struct vmb_amdgpu_cs_chunk_ib ib = {.va_start = va, .ib_bytes = ndw * 4, .ip_type = ip};
	struct vmb_amdgpu_cs_chunk ch = {.chunk_id = VMB_AMDGPU_CHUNK_ID_IB,
					 .length_dw = sizeof(ib) / 4,
					 .chunk_data = (uintptr_t)&ib};
	uint64_t chunks[1] = {(uintptr_t)&ch};
	union vmb_amdgpu_cs c = {
	    .in = {.ctx_id = ctx, .num_chunks = 1, .chunks = (uintptr_t)chunks}};

	return ioctl(fd, VMB_DRM_IOCTL_AMDGPU_CS, &c) ? -errno : 0;
}

int main(void)
{
	union vmb_amdgpu_ctx c = {.in = {.op = VMB_AMDGPU_CTX_OP_ALLOC_CTX}};
	uint32_t hib, hdst, i, n, ok;
	uint32_t *ib, *dst;

	fd = open("/dev/dri/renderD128", O_RDWR);
	if (fd < 0 || ioctl(fd, VMB_DRM_IOCTL_AMDGPU_CTX, &c)) {
		printf("not ok 1 - open the shim's render node, CTX\n");
		return 1;
	}
	ctx = c.alloc.ctx_id;
	ib = bo(IB_VA, &hib);
	dst = bo(DST_VA, &hdst);
	check(ib && dst, "GEM_CREATE, GEM_VA, GEM_MMAP");

	/* PM4 WRITE_DATA of 0xdeadbeaf, as amdgpu_test's write_linear */
	n = 0;
	ib[n++] = PKT3(0x37, 2 + 16);
	ib[n++] = 5u << 8 | 1u << 20; /* DST_SEL(5) memory, WR_CONFIRM */
	ib[n++] = (uint32_t)DST_VA;
	ib[n++] = (uint32_t)(DST_VA >> 32);
	for (i = 0; i < 16; i++)
		ib[n++] = 0xdeadbeaf;
	ib[n++] = PKT3(0x10, 0); /* NOP */
	ib[n++] = 0;
	check(!cs(VMB_AMDGPU_HW_IP_GFX, IB_VA, n), "GFX CS with WRITE_DATA");
	for (ok = 1, i = 0; i < 16; i++)
		ok &= dst[i] == 0xdeadbeaf;
	check(ok, "WRITE_DATA stored 0xdeadbeaf");

	/* DMA_DATA fill then copy */
	n = 0;
	ib[n++] = PKT3(0x50, 5);
	ib[n++] = 2u << 29 | 1u << 31; /* SRC_SEL(2) data, DST_SEL(0) address, CP_SYNC */
	ib[n++] = 0x12345678;
	ib[n++] = 0;
	ib[n++] = (uint32_t)(DST_VA + 0x1000);
	ib[n++] = 0;
	ib[n++] = 256;
	ib[n++] = PKT3(0x50, 5);
	ib[n++] = 1u << 31; /* SRC_SEL(0) address */
	ib[n++] = (uint32_t)(DST_VA + 0x1000);
	ib[n++] = 0;
	ib[n++] = (uint32_t)(DST_VA + 0x2000);
	ib[n++] = 0;
	ib[n++] = 256;
	check(!cs(VMB_AMDGPU_HW_IP_GFX, IB_VA, n) && dst[0x400] == 0x12345678 &&
		  dst[0x43f] == 0x12345678 && dst[0x440] == 0 && dst[0x800] == 0x12345678 &&
		  dst[0x83f] == 0x12345678,
	      "DMA_DATA fill and copy");

	/* INDIRECT_BUFFER to a second IB with RELEASE_MEM */
	n = 0;
	ib[n++] = PKT3(0x3f, 2);
	ib[n++] = (uint32_t)(IB_VA + 0x1000);
	ib[n++] = 0;
	ib[n++] = 8;
	ib[0x400] = PKT3(0x49, 6);
	ib[0x401] = 0;
	ib[0x402] = 1u << 29; /* DATA_SEL(1): 32 bits */
	ib[0x403] = (uint32_t)(DST_VA + 0x3000);
	ib[0x404] = 0;
	ib[0x405] = 0xfeed;
	ib[0x406] = 0;
	ib[0x407] = 0;
	check(!cs(VMB_AMDGPU_HW_IP_GFX, IB_VA, n) && dst[0xc00] == 0xfeed,
	      "INDIRECT_BUFFER chain, RELEASE_MEM");

	/* SDMA WRITE, CONSTANT_FILL, COPY (gfx9+ count forms) */
	n = 0;
	ib[n++] = SDMA(2, 0, 0);
	ib[n++] = (uint32_t)(DST_VA + 0x4000);
	ib[n++] = 0;
	ib[n++] = 3;
	for (i = 0; i < 4; i++)
		ib[n++] = 0xdeadbeaf;
	ib[n++] = SDMA(11, 0, 2u << 14);
	ib[n++] = (uint32_t)(DST_VA + 0x5000);
	ib[n++] = 0;
	ib[n++] = 0xcafecafe;
	ib[n++] = 63;
	ib[n++] = SDMA(1, 0, 0);
	ib[n++] = 15;
	ib[n++] = 0;
	ib[n++] = (uint32_t)(DST_VA + 0x4000);
	ib[n++] = 0;
	ib[n++] = (uint32_t)(DST_VA + 0x6000);
	ib[n++] = 0;
	check(!cs(VMB_AMDGPU_HW_IP_DMA, IB_VA, n) && dst[0x1003] == 0xdeadbeaf &&
		  dst[0x1400] == 0xcafecafe && dst[0x140f] == 0xcafecafe && dst[0x1410] == 0 &&
		  dst[0x1800] == 0xdeadbeaf && dst[0x1803] == 0xdeadbeaf,
	      "SDMA WRITE, CONSTANT_FILL, COPY");

	/* a write to an unmapped VA: a VM fault, counted; the job completes */
	n = 0;
	ib[n++] = PKT3(0x37, 3);
	ib[n++] = 5u << 8;
	ib[n++] = 0x10000000;
	ib[n++] = 0;
	ib[n++] = 1;
	check(!cs(VMB_AMDGPU_HW_IP_GFX, IB_VA, n), "CS writing an unmapped VA is accepted");
	c.in.op = 4;
	c.in.ctx_id = ctx;
	check(!ioctl(fd, VMB_DRM_IOCTL_AMDGPU_CTX, &c), "CTX QUERY_STATE2");
	printf("%d passed, %d failed\n", n_test - n_fail, n_fail);
	return n_fail ? 1 : 0;
}
