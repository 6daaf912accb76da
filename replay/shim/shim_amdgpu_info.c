// SPDX-License-Identifier: MIT
/*
 * shim_amdgpu_info.c - DRM_IOCTL_AMDGPU_INFO of the shim's amdgpu device:
 * one real GPU, Van Gogh (PCI 1002:163f, gfx10.3, the Steam Deck APU), with
 * the numbers its kernel reports (DEV_INFO, HW_IP_INFO, FW_VERSION, MEMORY,
 * the GB_ADDR_CONFIG register) so that Mesa's RADV and radeonsi accept it.
 * The VA layout is the gfx9+ kernel's: 48 bits with the GMC hole, the low
 * half from AMDGPU_VA_RESERVED_BOTTOM and the high half at
 * 0xffff800000000000 (shim_amdgpu.c checks GEM_VA against the same).
 *
 * Like amdgpu_info_ioctl(), the answer is copied out truncated to
 * return_size; an IP the device lacks has no rings; an unknown query is
 * -EINVAL.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <amdgpu_drm.h>

#include "shim_amdgpu.h"
#include "shim_priv.h"

/* from the kernel's amdgpu_gmc.h / amdgpu_vm.h (2 MiB reserved at both ends) */
#define GMC_HOLE_START 0x0000800000000000ull
#define GMC_HOLE_END 0xffff800000000000ull

static void dev_info(struct drm_amdgpu_info_device *d)
{
	const struct shim_device *pci = shim_device();
	int i;

	memset(d, 0, sizeof(*d));
	d->device_id = pci->device;
	d->chip_rev = 0x00;
	d->external_rev = 0x01;
	d->pci_rev = pci->revision;
	d->family = AMDGPU_FAMILY_VGH;
	d->num_shader_engines = 1;
	d->num_shader_arrays_per_engine = 1;
	d->gpu_counter_freq = 100000;
	d->max_engine_clock = 1600000;
	d->max_memory_clock = 1375000;
	d->cu_active_number = 8;
	d->cu_ao_mask = 0xff;
	d->cu_bitmap[0][0] = 0xff;
	d->enabled_rb_pipes_mask = 0x3;
	d->num_rb_pipes = 2;
	d->num_hw_gfx_contexts = 8;
	d->ids_flags = AMDGPU_IDS_FLAGS_FUSION;
	d->virtual_address_offset = SHIM_AMDGPU_VA_BOTTOM;
	d->virtual_address_max = GMC_HOLE_START;
	d->virtual_address_alignment = 4096;
	d->pte_fragment_size = 2 << 20;
	d->gart_page_size = 4096;
	d->ce_ram_size = 65536;
	d->vram_type = AMDGPU_VRAM_TYPE_DDR5;
	d->vram_bit_width = 256;
	d->gc_double_offchip_lds_buf = 1;
	d->wave_front_size = 32;
	d->num_shader_visible_vgprs = 1024;
	d->num_cu_per_sh = 8;
	d->num_tcc_blocks = 4;
	d->gs_vgt_table_depth = 32;
	d->gs_prim_buffer_depth = 1792;
	d->max_gs_waves_per_vgt = 32;
	for (i = 0; i < 4; i++)
		d->cu_ao_bitmap[i][0] = i ? 0 : 0xff;
	d->high_va_offset = GMC_HOLE_END;
	d->high_va_max = GMC_HOLE_END + GMC_HOLE_START - SHIM_AMDGPU_VA_TOP_RESERVED;
}

static void hw_ip_info(uint32_t type, struct drm_amdgpu_info_hw_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->ib_start_alignment = 32;
	ip->ib_size_alignment = 32;
	switch (type) {
	case AMDGPU_HW_IP_GFX:
		ip->hw_ip_version_major = 10;
		ip->hw_ip_version_minor = 3;
		ip->available_rings = 0x1;
		ip->ip_discovery_version = 0xa0301;
		break;
	case AMDGPU_HW_IP_COMPUTE:
		ip->hw_ip_version_major = 10;
		ip->hw_ip_version_minor = 3;
		ip->available_rings = 0xf;
		ip->ip_discovery_version = 0xa0301;
		break;
	case AMDGPU_HW_IP_DMA:
		ip->hw_ip_version_major = 5;
		ip->hw_ip_version_minor = 2;
		ip->ib_start_alignment = 256;
		ip->ib_size_alignment = 4;
		ip->available_rings = 0x1;
		ip->ip_discovery_version = 0x50201;
		break;
	default:
		break; /* present in the uAPI, absent on this GPU: no rings */
	}
}

static void fw_version(uint32_t type, struct drm_amdgpu_info_firmware *fw)
{
	memset(fw, 0, sizeof(*fw));
	switch (type) {
	case AMDGPU_INFO_FW_GFX_ME:
		fw->ver = 64;
		fw->feature = 41;
		break;
	case AMDGPU_INFO_FW_GFX_PFP:
		fw->ver = 95;
		fw->feature = 41;
		break;
	case AMDGPU_INFO_FW_GFX_MEC:
		fw->ver = 98;
		fw->feature = 41;
		break;
	default:
		break;
	}
}

static void memory_info(struct drm_amdgpu_memory_info *m)
{
	memset(m, 0, sizeof(*m));
	m->vram.total_heap_size = 1ull << 30;
	m->vram.usable_heap_size = 1040584704;
	m->vram.max_allocation = m->vram.usable_heap_size * 3 / 4;
	m->cpu_accessible_vram = m->vram;
	/* GTT follows system RAM (3/4 of it): a 32 GiB machine */
	m->gtt.total_heap_size = 24ull << 30;
	m->gtt.usable_heap_size = (24ull << 30) - (12ull << 20);
	m->gtt.max_allocation = m->gtt.usable_heap_size * 3 / 4;
}

/* GB_ADDR_CONFIG, the one register Mesa reads on gfx10 */
static int read_mmr(uint32_t reg, uint32_t count, uint32_t instance, uint32_t *out)
{
	uint32_t i;

	if (!count || count > 128)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		if (reg + i != 0x263e)
			return -EINVAL; /* amdgpu_read_mm_registers: not an allowed register */
		out[i] = 0x00000142;
	}
	return 0;
}

int shim_amdgpu_info(struct shim_file *f, unsigned long req, void *arg)
{
	struct drm_amdgpu_info *i = arg;
	union {
		struct drm_amdgpu_info_device dev;
		struct drm_amdgpu_info_hw_ip ip;
		struct drm_amdgpu_info_firmware fw;
		struct drm_amdgpu_memory_info mem;
		struct drm_amdgpu_info_vram_gtt vg;
		uint32_t regs[128];
		uint64_t u64;
		uint32_t u32;
	} out;
	size_t size;
	void *dst;
	int ret = 0;

	if (!i->return_pointer || !i->return_size)
		return -EINVAL;
	memset(&out, 0, sizeof(out));
	switch (i->query) {
	case AMDGPU_INFO_ACCEL_WORKING:
		out.u32 = 1;
		size = 4;
		break;
	case AMDGPU_INFO_HW_IP_INFO:
		if (i->query_hw_ip.type >= AMDGPU_HW_IP_NUM || i->query_hw_ip.ip_instance)
			return -EINVAL;
		hw_ip_info(i->query_hw_ip.type, &out.ip);
		size = sizeof(out.ip);
		break;
	case AMDGPU_INFO_HW_IP_COUNT:
		if (i->query_hw_ip.type >= AMDGPU_HW_IP_NUM)
			return -EINVAL;
		hw_ip_info(i->query_hw_ip.type, &out.ip);
		out.u32 = out.ip.available_rings ? 1 : 0;
		size = 4;
		break;
	case AMDGPU_INFO_TIMESTAMP: {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		/* gpu_counter_freq is 100 MHz: 10 ns per tick */
		out.u64 = ((uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec) / 10;
		size = 8;
		break;
	}
	case AMDGPU_INFO_FW_VERSION:
		fw_version(i->query_fw.fw_type, &out.fw);
		size = sizeof(out.fw);
		break;
	case AMDGPU_INFO_NUM_BYTES_MOVED:
	case AMDGPU_INFO_NUM_EVICTIONS:
	case AMDGPU_INFO_VRAM_LOST_COUNTER:
	case AMDGPU_INFO_VRAM_USAGE:
	case AMDGPU_INFO_GTT_USAGE:
	case AMDGPU_INFO_VIS_VRAM_USAGE:
		size = 8;
		break;
	case AMDGPU_INFO_VRAM_GTT:
		out.vg.vram_size = 1ull << 30;
		out.vg.vram_cpu_accessible_size = 1ull << 30;
		out.vg.gtt_size = 24ull << 30;
		size = sizeof(out.vg);
		break;
	case AMDGPU_INFO_READ_MMR_REG:
		ret = read_mmr(i->read_mmr_reg.dword_offset, i->read_mmr_reg.count,
			       i->read_mmr_reg.instance, out.regs);
		size = i->read_mmr_reg.count * 4ull;
		break;
	case AMDGPU_INFO_DEV_INFO:
		dev_info(&out.dev);
		size = sizeof(out.dev);
		break;
	case AMDGPU_INFO_MEMORY:
		memory_info(&out.mem);
		size = sizeof(out.mem);
		break;
	case AMDGPU_INFO_VIDEO_CAPS:
		size = sizeof(struct drm_amdgpu_info_video_caps) <= sizeof(out)
			   ? sizeof(struct drm_amdgpu_info_video_caps)
			   : sizeof(out);
		break; /* no video codecs */
	default:
		return -EINVAL;
	}
	if (ret)
		return ret;
	if (size > i->return_size)
		size = i->return_size;
	dst = shim_user(i->return_pointer, size, true);
	if (!dst)
		return -EFAULT;
	memcpy(dst, &out, size);
	return 0;
}
