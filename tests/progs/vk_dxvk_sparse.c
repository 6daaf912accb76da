// SPDX-License-Identifier: MIT
/*
 * vk_dxvk_sparse.c - a Vulkan client that allocates memory the way DXVK
 * does and binds sparse resources, for tests/real-clients.sh and the
 * traces/real/dxvk-sparse-*.jsonl captures.
 *
 * Memory: DXVK-style chunked pools, a few device-local chunks and one
 * host-visible, persistently mapped chunk, each sub-allocated into buffers
 * and images at their required alignments; every frame a chunk is freed
 * and a new one allocated and sub-allocated again. Work: per frame a small
 * command buffer (vkCmdFillBuffer, vkCmdCopyBuffer from the mapped staging
 * buffer) submitted with a fence. Sparse: a sparse-resident buffer whose
 * pages are bound with vkQueueBindSparse, partly unbound and rebound at
 * other offsets (semaphores order the binds before the command buffers
 * that use them), and a sparse-resident 2D image when the device reports
 * sparseResidencyImage2D. Sparse parts the device lacks are skipped with
 * the reason printed.
 *
 *   vk_dxvk_sparse [--no-sparse]   --no-sparse: the pools and frames only
 *
 * Prints "device: NAME" and "driver: NAME (INFO)" and exits 0; any Vulkan
 * error exits 1 with the failing call named.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

#define MIB (1024ull * 1024ull)
#define NFRAMES 4
#define NCHUNKS 3 /* device-local chunks */
#define CHUNK_SIZE (64 * MIB)
#define HOST_CHUNK_SIZE (32 * MIB)
#define NSUB 6 /* sub-allocated buffers per device-local chunk */

#define CK(call)                                                                                   \
	do {                                                                                       \
		VkResult r_ = (call);                                                              \
		if (r_ != VK_SUCCESS) {                                                            \
			fprintf(stderr, "vk_dxvk_sparse: %s failed: %d (line %d)\n", #call,        \
				(int)r_, __LINE__);                                                \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

static VkPhysicalDevice phys;
static VkDevice dev;
static VkPhysicalDeviceMemoryProperties memprops;

struct chunk {
	VkDeviceMemory mem;
	VkDeviceSize size, used;
	void *map;
	int type;
	VkBuffer bufs[NSUB + 2];
	int nbufs;
	VkImage imgs[2];
	int nimgs;
};

static int find_type(uint32_t bits, VkMemoryPropertyFlags want, VkMemoryPropertyFlags avoid)
{
	for (uint32_t i = 0; i < memprops.memoryTypeCount; i++) {
		VkMemoryPropertyFlags f = memprops.memoryTypes[i].propertyFlags;
		if ((bits & (1u << i)) && (f & want) == want && !(f & avoid))
			return (int)i;
	}
	if (avoid)
		return find_type(bits, want, 0);
	return -1;
}

static void chunk_alloc(struct chunk *c, VkDeviceSize size, int type, int mapped)
{
	VkMemoryAllocateInfo ai = {
	    .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
	    .allocationSize = size,
	    .memoryTypeIndex = (uint32_t)type,
	};
	memset(c, 0, sizeof(*c));
	CK(vkAllocateMemory(dev, &ai, NULL, &c->mem));
	c->size = size;
	c->type = type;
	if (mapped)
		CK(vkMapMemory(dev, c->mem, 0, VK_WHOLE_SIZE, 0, &c->map));
}

static void chunk_free(struct chunk *c)
{
	for (int i = 0; i < c->nbufs; i++)
		vkDestroyBuffer(dev, c->bufs[i], NULL);
	for (int i = 0; i < c->nimgs; i++)
		vkDestroyImage(dev, c->imgs[i], NULL);
	if (c->map)
		vkUnmapMemory(dev, c->mem);
	vkFreeMemory(dev, c->mem, NULL);
	memset(c, 0, sizeof(*c));
}

/* sub-allocate from c at the requirement's alignment; 0 if it does not fit */
static int chunk_place(struct chunk *c, const VkMemoryRequirements *mr, VkDeviceSize *off)
{
	VkDeviceSize a = mr->alignment ? mr->alignment : 1;
	VkDeviceSize o = (c->used + a - 1) / a * a;
	if (o + mr->size > c->size)
		return 0;
	*off = o;
	c->used = o + mr->size;
	return 1;
}

static VkBuffer chunk_buffer(struct chunk *c, VkDeviceSize size, VkBufferUsageFlags usage)
{
	VkBufferCreateInfo bi = {
	    .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
	    .size = size,
	    .usage = usage,
	    .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	};
	VkBuffer b;
	VkMemoryRequirements mr;
	VkDeviceSize off;
	CK(vkCreateBuffer(dev, &bi, NULL, &b));
	vkGetBufferMemoryRequirements(dev, b, &mr);
	if (!(mr.memoryTypeBits & (1u << c->type)) || !chunk_place(c, &mr, &off)) {
		vkDestroyBuffer(dev, b, NULL);
		return VK_NULL_HANDLE;
	}
	CK(vkBindBufferMemory(dev, b, c->mem, off));
	c->bufs[c->nbufs++] = b;
	return b;
}

static void chunk_image(struct chunk *c, uint32_t w, uint32_t h)
{
	VkImageCreateInfo ii = {
	    .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
	    .imageType = VK_IMAGE_TYPE_2D,
	    .format = VK_FORMAT_R8G8B8A8_UNORM,
	    .extent = {w, h, 1},
	    .mipLevels = 1,
	    .arrayLayers = 1,
	    .samples = VK_SAMPLE_COUNT_1_BIT,
	    .tiling = VK_IMAGE_TILING_OPTIMAL,
	    .usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_SAMPLED_BIT,
	    .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	    .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
	};
	VkImage im;
	VkMemoryRequirements mr;
	VkDeviceSize off;
	CK(vkCreateImage(dev, &ii, NULL, &im));
	vkGetImageMemoryRequirements(dev, im, &mr);
	if (!(mr.memoryTypeBits & (1u << c->type)) || !chunk_place(c, &mr, &off)) {
		vkDestroyImage(dev, im, NULL);
		return;
	}
	CK(vkBindImageMemory(dev, im, c->mem, off));
	c->imgs[c->nimgs++] = im;
}

/* DXVK sub-allocates buffers of mixed sizes and a couple of textures */
static void chunk_fill(struct chunk *c, int seed)
{
	for (int i = 0; i < NSUB; i++)
		chunk_buffer(c, (VkDeviceSize)(1 + (i + seed) % 4) * MIB + 4096 * (VkDeviceSize)i,
			     VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
				 VK_BUFFER_USAGE_STORAGE_BUFFER_BIT);
	chunk_image(c, 256, 256);
	chunk_image(c, 512, 128);
}

int main(int argc, char **argv)
{
	int no_sparse = argc > 1 && !strcmp(argv[1], "--no-sparse");
	VkApplicationInfo app = {
	    .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
	    .pApplicationName = "vk_dxvk_sparse",
	    .pEngineName = "vmbench",
	    .apiVersion = VK_API_VERSION_1_2,
	};
	VkInstanceCreateInfo ici = {
	    .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
	    .pApplicationInfo = &app,
	};
	VkInstance inst;
	CK(vkCreateInstance(&ici, NULL, &inst));
	uint32_t n = 1;
	VkResult r = vkEnumeratePhysicalDevices(inst, &n, &phys);
	if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || n == 0) {
		fprintf(stderr, "vk_dxvk_sparse: no Vulkan device (%d)\n", (int)r);
		return 1;
	}

	VkPhysicalDeviceDriverProperties drv = {
	    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
	VkPhysicalDeviceProperties2 p2 = {
	    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
	    .pNext = &drv,
	};
	vkGetPhysicalDeviceProperties2(phys, &p2);
	printf("device: %s\n", p2.properties.deviceName);
	printf("driver: %s (%s)\n", drv.driverName, drv.driverInfo);
	vkGetPhysicalDeviceMemoryProperties(phys, &memprops);

	VkPhysicalDeviceFeatures have;
	vkGetPhysicalDeviceFeatures(phys, &have);

	/* a universal queue family, and one that can bind sparse memory */
	uint32_t nq = 0;
	vkGetPhysicalDeviceQueueFamilyProperties(phys, &nq, NULL);
	VkQueueFamilyProperties *qf = calloc(nq, sizeof(*qf));
	if (!qf)
		return 1;
	vkGetPhysicalDeviceQueueFamilyProperties(phys, &nq, qf);
	int gfx = -1, sps = -1;
	for (uint32_t i = 0; i < nq; i++) {
		VkQueueFlags f = qf[i].queueFlags;
		if (gfx < 0 && (f & (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT)))
			gfx = (int)i;
		if (f & VK_QUEUE_SPARSE_BINDING_BIT) {
			if (sps < 0 || (int)i == gfx)
				sps = (int)i;
		}
	}
	free(qf);
	if (gfx < 0) {
		fprintf(stderr, "vk_dxvk_sparse: no graphics/compute queue\n");
		return 1;
	}
	int sparse_buf = have.sparseBinding && have.sparseResidencyBuffer && sps >= 0;
	int sparse_img = have.sparseBinding && have.sparseResidencyImage2D && sps >= 0;
	if (no_sparse) {
		printf(
		    "sparse buffer: skipped (--no-sparse)\nsparse image: skipped (--no-sparse)\n");
		sparse_buf = sparse_img = 0;
	} else if (!sparse_buf)
		printf("sparse buffer: skipped (sparseBinding %u, sparseResidencyBuffer %u, "
		       "sparse queue %s)\n",
		       have.sparseBinding, have.sparseResidencyBuffer, sps >= 0 ? "yes" : "none");
	if (!sparse_img && !no_sparse)
		printf("sparse image: skipped (sparseBinding %u, sparseResidencyImage2D %u)\n",
		       have.sparseBinding, have.sparseResidencyImage2D);

	float prio = 1.0f;
	VkDeviceQueueCreateInfo qci[2] = {
	    {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
	     .queueFamilyIndex = (uint32_t)gfx,
	     .queueCount = 1,
	     .pQueuePriorities = &prio},
	    {.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
	     .queueFamilyIndex = (uint32_t)sps,
	     .queueCount = 1,
	     .pQueuePriorities = &prio},
	};
	VkPhysicalDeviceFeatures want = {0};
	want.sparseBinding = have.sparseBinding && sps >= 0;
	want.sparseResidencyBuffer = (VkBool32)sparse_buf;
	want.sparseResidencyImage2D = (VkBool32)sparse_img;
	VkDeviceCreateInfo dci = {
	    .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
	    .queueCreateInfoCount = (sps >= 0 && sps != gfx) ? 2 : 1,
	    .pQueueCreateInfos = qci,
	    .pEnabledFeatures = &want,
	};
	CK(vkCreateDevice(phys, &dci, NULL, &dev));
	VkQueue q, sq = VK_NULL_HANDLE;
	vkGetDeviceQueue(dev, (uint32_t)gfx, 0, &q);
	if (sps >= 0)
		vkGetDeviceQueue(dev, (uint32_t)sps, 0, &sq);

	int dl = find_type(~0u, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
			   VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT);
	int hv = find_type(
	    ~0u, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
	    VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
	if (dl < 0 || hv < 0) {
		fprintf(stderr, "vk_dxvk_sparse: no device-local or host-visible memory type\n");
		return 1;
	}

	/* the pools: NCHUNKS device-local chunks, one mapped staging chunk */
	struct chunk dchunks[NCHUNKS], hchunk;
	for (int i = 0; i < NCHUNKS; i++) {
		chunk_alloc(&dchunks[i], CHUNK_SIZE, dl, 0);
		chunk_fill(&dchunks[i], i);
	}
	chunk_alloc(&hchunk, HOST_CHUNK_SIZE, hv, 1);
	VkBuffer staging = chunk_buffer(
	    &hchunk, 4 * MIB, VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT);
	VkBuffer readback = chunk_buffer(&hchunk, 1 * MIB, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
	if (!staging || !readback) {
		fprintf(stderr, "vk_dxvk_sparse: staging buffers do not fit\n");
		return 1;
	}

	VkCommandPoolCreateInfo cpi = {
	    .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
	    .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
	    .queueFamilyIndex = (uint32_t)gfx,
	};
	VkCommandPool pool;
	CK(vkCreateCommandPool(dev, &cpi, NULL, &pool));
	VkCommandBufferAllocateInfo cai = {
	    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
	    .commandPool = pool,
	    .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
	    .commandBufferCount = 1,
	};
	VkCommandBuffer cb;
	CK(vkAllocateCommandBuffers(dev, &cai, &cb));
	VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
	VkFence fence;
	CK(vkCreateFence(dev, &fci, NULL, &fence));
	VkSemaphoreCreateInfo sci = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
	VkSemaphore bound;
	CK(vkCreateSemaphore(dev, &sci, NULL, &bound));

	/* the sparse buffer and the pool chunk its pages come from */
	VkBuffer sbuf = VK_NULL_HANDLE;
	VkMemoryRequirements smr = {0};
	struct chunk schunk = {0};
	VkDeviceSize page = 0, npages = 0, spool_pages = 0;
	if (sparse_buf) {
		VkBufferCreateInfo bi = {
		    .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
		    .flags =
			VK_BUFFER_CREATE_SPARSE_BINDING_BIT | VK_BUFFER_CREATE_SPARSE_RESIDENCY_BIT,
		    .size = 32 * MIB,
		    .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
			     VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
		    .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
		};
		CK(vkCreateBuffer(dev, &bi, NULL, &sbuf));
		vkGetBufferMemoryRequirements(dev, sbuf, &smr);
		page = smr.alignment;
		npages = smr.size / page;
		spool_pages = npages < 16 ? npages : 16;
		int t = find_type(smr.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
		if (t < 0 || page == 0) {
			printf("sparse buffer: skipped (no memory type for it)\n");
			vkDestroyBuffer(dev, sbuf, NULL);
			sbuf = VK_NULL_HANDLE;
		} else {
			chunk_alloc(&schunk, spool_pages * page, t, 0);
			printf("sparse buffer: %llu pages of %llu KiB, %llu-page pool\n",
			       (unsigned long long)npages, (unsigned long long)(page / 1024),
			       (unsigned long long)spool_pages);
		}
	}

	for (int f = 0; f < NFRAMES; f++) {
		/* DXVK frees an emptied chunk and allocates a fresh one */
		if (f > 0) {
			struct chunk *c = &dchunks[f % NCHUNKS];
			chunk_free(c);
			chunk_alloc(c, CHUNK_SIZE, dl, 0);
			chunk_fill(c, f);
		}
		memset((char *)hchunk.map, 0x10 + f, 4 * MIB);

		/* sparse buffer: bind pages (frame 0), unbind some and rebind
		 * them at other offsets (later frames) */
		int sparse_now = sbuf != VK_NULL_HANDLE;
		if (sparse_now) {
			VkSparseMemoryBind binds[16 * 2];
			uint32_t nb = 0;
			for (VkDeviceSize i = 0; i < spool_pages; i++) {
				VkDeviceSize slot = (i * 2 + (VkDeviceSize)f) % npages;
				if (f > 0 && i % 2 == 0) {
					/* unbind where this page was last frame */
					binds[nb++] = (VkSparseMemoryBind){
					    .resourceOffset =
						((i * 2 + (VkDeviceSize)f - 1) % npages) * page,
					    .size = page,
					    .memory = VK_NULL_HANDLE,
					};
				}
				if (f == 0 || i % 2 == 0)
					binds[nb++] = (VkSparseMemoryBind){
					    .resourceOffset = slot * page,
					    .size = page,
					    .memory = schunk.mem,
					    .memoryOffset = i * page,
					};
			}
			VkSparseBufferMemoryBindInfo sbi = {
			    .buffer = sbuf,
			    .bindCount = nb,
			    .pBinds = binds,
			};
			VkBindSparseInfo bsi = {
			    .sType = VK_STRUCTURE_TYPE_BIND_SPARSE_INFO,
			    .bufferBindCount = 1,
			    .pBufferBinds = &sbi,
			    .signalSemaphoreCount = 1,
			    .pSignalSemaphores = &bound,
			};
			CK(vkQueueBindSparse(sq, 1, &bsi, VK_NULL_HANDLE));
		}

		VkCommandBufferBeginInfo bgi = {
		    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
		    .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
		};
		CK(vkBeginCommandBuffer(cb, &bgi));
		struct chunk *c = &dchunks[f % NCHUNKS];
		if (c->nbufs > 0) {
			vkCmdFillBuffer(cb, c->bufs[0], 0, 64 * 1024, 0xc0ffee00u + (uint32_t)f);
			VkBufferCopy cp = {.srcOffset = 0, .dstOffset = 0, .size = 256 * 1024};
			vkCmdCopyBuffer(cb, staging, c->bufs[c->nbufs > 1 ? 1 : 0], 1, &cp);
		}
		if (sparse_now) {
			VkDeviceSize slot = (VkDeviceSize)f % npages; /* page 0's slot this frame */
			vkCmdFillBuffer(cb, sbuf, slot * page, page, 0x5ba45e00u + (uint32_t)f);
			VkBufferCopy cp = {.srcOffset = slot * page, .dstOffset = 0, .size = 4096};
			VkMemoryBarrier mb = {
			    .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
			    .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
			    .dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
			};
			vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT,
					     VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0, NULL, 0,
					     NULL);
			vkCmdCopyBuffer(cb, sbuf, readback, 1, &cp);
		}
		CK(vkEndCommandBuffer(cb));
		VkPipelineStageFlags ws = VK_PIPELINE_STAGE_TRANSFER_BIT;
		VkSubmitInfo si = {
		    .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		    .waitSemaphoreCount = sparse_now ? 1 : 0,
		    .pWaitSemaphores = &bound,
		    .pWaitDstStageMask = &ws,
		    .commandBufferCount = 1,
		    .pCommandBuffers = &cb,
		};
		CK(vkQueueSubmit(q, 1, &si, fence));
		CK(vkWaitForFences(dev, 1, &fence, VK_TRUE, UINT64_MAX));
		CK(vkResetFences(dev, 1, &fence));
		CK(vkResetCommandBuffer(cb, 0));
		printf("frame %d: submitted%s\n", f, sparse_now ? " (after sparse binds)" : "");
	}

	/* sparse image: bind a few tiles, the mip tail, unbind one, rebind */
	if (sparse_img) {
		VkImageCreateInfo ii = {
		    .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
		    .flags =
			VK_IMAGE_CREATE_SPARSE_BINDING_BIT | VK_IMAGE_CREATE_SPARSE_RESIDENCY_BIT,
		    .imageType = VK_IMAGE_TYPE_2D,
		    .format = VK_FORMAT_R8G8B8A8_UNORM,
		    .extent = {1024, 1024, 1},
		    .mipLevels = 1,
		    .arrayLayers = 1,
		    .samples = VK_SAMPLE_COUNT_1_BIT,
		    .tiling = VK_IMAGE_TILING_OPTIMAL,
		    .usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_SAMPLED_BIT,
		    .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
		    .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
		};
		VkImage simg;
		uint32_t nreq = 0;
		CK(vkCreateImage(dev, &ii, NULL, &simg));
		VkMemoryRequirements imr;
		vkGetImageMemoryRequirements(dev, simg, &imr);
		vkGetImageSparseMemoryRequirements(dev, simg, &nreq, NULL);
		VkSparseImageMemoryRequirements req[4];
		if (nreq > 4)
			nreq = 4;
		vkGetImageSparseMemoryRequirements(dev, simg, &nreq, req);
		int color = -1;
		for (uint32_t i = 0; i < nreq; i++)
			if (req[i].formatProperties.aspectMask & VK_IMAGE_ASPECT_COLOR_BIT)
				color = (int)i;
		int t = find_type(imr.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
		if (color < 0 || t < 0 || imr.alignment == 0) {
			printf("sparse image: skipped (no color aspect or memory type)\n");
		} else {
			VkExtent3D g = req[color].formatProperties.imageGranularity;
			VkDeviceSize tile = imr.alignment;
			struct chunk ic;
			chunk_alloc(&ic, 8 * tile, t, 0);
			VkSparseImageMemoryBind ib[4];
			for (uint32_t i = 0; i < 4; i++)
				ib[i] = (VkSparseImageMemoryBind){
				    .subresource = {.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT},
				    .offset = {(int32_t)(g.width * i),
					       (int32_t)(g.height * (i % 2)), 0},
				    .extent = g,
				    .memory = ic.mem,
				    .memoryOffset = i * tile,
				};
			VkSparseImageMemoryBindInfo sib = {
			    .image = simg, .bindCount = 4, .pBinds = ib};
			/* the mip tail (none with one 1024x1024 level, but honour it) */
			VkSparseMemoryBind tail = {
			    .resourceOffset = req[color].imageMipTailOffset,
			    .size = req[color].imageMipTailSize,
			    .memory = ic.mem,
			    .memoryOffset = 4 * tile,
			};
			int has_tail = req[color].imageMipTailFirstLod < 1 && tail.size &&
				       tail.size <= 4 * tile;
			VkSparseImageOpaqueMemoryBindInfo sob = {
			    .image = simg, .bindCount = 1, .pBinds = &tail};
			VkBindSparseInfo bsi = {
			    .sType = VK_STRUCTURE_TYPE_BIND_SPARSE_INFO,
			    .imageOpaqueBindCount = has_tail ? 1 : 0,
			    .pImageOpaqueBinds = &sob,
			    .imageBindCount = 1,
			    .pImageBinds = &sib,
			};
			CK(vkQueueBindSparse(sq, 1, &bsi, fence));
			CK(vkWaitForFences(dev, 1, &fence, VK_TRUE, UINT64_MAX));
			CK(vkResetFences(dev, 1, &fence));
			/* unbind tile 1, rebind its memory at another tile */
			VkSparseImageMemoryBind ub[2] = {ib[1], ib[1]};
			ub[0].memory = VK_NULL_HANDLE;
			ub[0].memoryOffset = 0;
			ub[1].offset =
			    (VkOffset3D){(int32_t)(g.width * 5), (int32_t)(g.height * 3), 0};
			sib.bindCount = 2;
			sib.pBinds = ub;
			bsi.imageOpaqueBindCount = 0;
			CK(vkQueueBindSparse(sq, 1, &bsi, fence));
			CK(vkWaitForFences(dev, 1, &fence, VK_TRUE, UINT64_MAX));
			CK(vkResetFences(dev, 1, &fence));
			printf("sparse image: %ux%u tiles of %llu KiB bound, unbound, rebound%s\n",
			       g.width, g.height, (unsigned long long)(tile / 1024),
			       has_tail ? ", mip tail bound" : "");
			vkDestroyImage(dev, simg, NULL);
			simg = VK_NULL_HANDLE;
			chunk_free(&ic);
		}
		if (simg)
			vkDestroyImage(dev, simg, NULL);
	}

	/*
	 * Every submit and bind above was waited for through its fence; the
	 * device is idle. vkDeviceWaitIdle as DXVK calls it at teardown: RADV
	 * implements it with DRM_IOCTL_SYNCOBJ_TRANSFER (the trace's transfer op).
	 */
	CK(vkDeviceWaitIdle(dev));
	if (sbuf) {
		vkDestroyBuffer(dev, sbuf, NULL);
		chunk_free(&schunk);
	}
	vkDestroySemaphore(dev, bound, NULL);
	vkDestroyFence(dev, fence, NULL);
	vkDestroyCommandPool(dev, pool, NULL);
	for (int i = 0; i < NCHUNKS; i++)
		chunk_free(&dchunks[i]);
	chunk_free(&hchunk);
	vkDestroyDevice(dev, NULL);
	vkDestroyInstance(inst, NULL);
	printf("ok: %d frames\n", NFRAMES);
	return 0;
}
