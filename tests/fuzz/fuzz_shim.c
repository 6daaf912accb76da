// SPDX-License-Identifier: MIT
/*
 * fuzz_shim.c - libFuzzer target: random ioctl numbers and arguments at the
 * shim's render node, through its public entry points only (open, ioctl,
 * mmap, munmap, close: the shim's libc wrappers are linked into this
 * program, as LD_PRELOAD would put them in front of libc). The driver is
 * VMB_SHIM_DRIVER (xe when unset); `make fuzz` runs the target once per
 * driver.
 *
 * An input is a list of calls: [nr][flags][size lo][size hi] + size bytes
 * of argument. flags: bits 0-1 the _IOC direction, bits 2-3 the pointer
 * (0, 1: a heap copy of exactly size bytes; 2: NULL; 3: an unmapped page),
 * bit 4: the ioctl type is the next byte instead of 'd', bit 5: also mmap
 * the fd at the offset in the argument's first 8 bytes. Pointers inside
 * the argument are moved into the arena of fuzz_common.h. xe's user-fence
 * waits are bounded to 0.1 ms (bound_wait()).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "uapi/xe.h"

static void *hole;
static bool is_xe;

/*
 * A wait on a user fence that nothing writes lasts its whole timeout, on
 * the kernel as on the shim (xe_wait_user_fence_ioctl; a negative timeout
 * is forever, until a signal): an input's XE_WAIT_USER_FENCE timeout is
 * bounded to 0.1 ms from now, relative or absolute (flag bit 0) as given, so
 * that every call returns. Everything else in the argument is left as is.
 */
static void bound_wait(unsigned long req, uint8_t *buf, uint32_t len)
{
	const int64_t cap = 100000;
	struct vmb_xe_wait_user_fence w = {0};
	size_t n = len < sizeof(w) ? len : sizeof(w);
	struct timespec ts;
	int64_t now;

	/* what the shim copies in: the argument's first @len bytes, zero after */
	if (!is_xe || _IOC_TYPE(req) != 'd' || !(_IOC_DIR(req) & _IOC_WRITE) ||
	    _IOC_NR(req) != VMB_DRM_COMMAND_BASE + VMB_DRM_XE_WAIT_USER_FENCE)
		return;
	memcpy(&w, buf, n);
	if (w.flags & 1) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		if (w.timeout < 0 || w.timeout > now + cap)
			w.timeout = now + cap;
	} else if (w.timeout < 0 || w.timeout > cap) {
		w.timeout = cap;
	}
	memcpy(buf, &w, n);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	setenv("VMB_SHIM_DRIVER", getenv("VMB_SHIM_DRIVER") ? getenv("VMB_SHIM_DRIVER") : "xe", 1);
	is_xe = !strcmp(getenv("VMB_SHIM_DRIVER"), "xe");
	/* an address that is certainly not mapped: reserve a page, then drop it */
	hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, 4096);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	size_t pos = 0;

	if (fd < 0)
		abort(); /* the shim must always serve its node */
	fuzz_arena_fill(data, size, 0);
	while (pos + 4 <= size) {
		uint8_t nr = data[pos], flags = data[pos + 1], type = 'd';
		uint32_t len = (data[pos + 2] | (uint32_t)data[pos + 3] << 8) & 0xfff;
		unsigned long req;
		void *arg = NULL;
		uint8_t *buf;

		pos += 4;
		if ((flags & 0x10) && pos < size)
			type = data[pos++];
		buf = malloc(len ? len : 1);
		if (!buf)
			break;
		memset(buf, 0, len);
		memcpy(buf, data + pos, len < size - pos ? len : size - pos);
		pos += len < size - pos ? len : size - pos;
		fuzz_arena_pointers(buf, len, true, false);
		switch ((flags >> 2) & 3) {
		case 2:
			arg = NULL;
			break;
		case 3:
			arg = hole;
			break;
		default:
			arg = buf;
		}
		req = _IOC((unsigned int)(flags & 3), type, nr, len);
		bound_wait(req, buf, len);
		ioctl(fd, req, arg);
		if ((flags & 0x20) && len >= 8) {
			uint64_t off;
			void *p;

			memcpy(&off, buf, 8);
			p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				 (off_t)(off & ~0xfffULL));
			if (p != MAP_FAILED) {
				memset(p, 0xa5, 4096);
				munmap(p, 4096);
			}
		}
		free(buf);
	}
	close(fd);
	return 0;
}
