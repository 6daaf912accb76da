// SPDX-License-Identifier: MIT
/*
 * test_shim.c - the shim render node seen from a program, and device
 * selection on top of it: the test re-executes itself with
 * LD_PRELOAD=build/libvmshim.so (skipping when the library is not built),
 * then checks open/fstat/dup/close, DRM_IOCTL_VERSION, unknown ioctls,
 * PRIME and syncobj fd sharing, -EFAULT for bad pointers, drmGetDevices2, vmb_device_find() specs,
 * vmb_backend_auto() and vmb_device_list().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "harness.h"

#include "backends/device.h"
#include "uapi/drm_core.h"
#include "uapi/xe.h"

#define NODE "/dev/dri/renderD128"

TEST(open_fstat_close)
{
	struct stat st;
	int fd = open(NODE, O_RDWR | O_CLOEXEC), fd2;

	CHECK(fd >= 0);
	CHECK_INT(fstat(fd, &st), 0);
	CHECK(S_ISCHR(st.st_mode));
	CHECK_INT(major(st.st_rdev), 226);
	CHECK_INT(minor(st.st_rdev), 128);
	CHECK_INT(stat(NODE, &st), 0);
	CHECK_INT(access(NODE, R_OK | W_OK), 0);
	CHECK(S_ISCHR(st.st_mode));
	fd2 = dup(fd);
	CHECK(fd2 >= 0);
	close(fd);
	/* the dup keeps the file open */
	CHECK_INT(fstat(fd2, &st), 0);
	CHECK_INT(major(st.st_rdev), 226);
	CHECK_INT(close(fd2), 0);
}

TEST(version_and_unknown_ioctls)
{
	int fd = open(NODE, O_RDWR);
	drmVersionPtr v = drmGetVersion(fd);
	char name[16];

	CHECK(v != NULL);
	if (v) {
		CHECK_STR(v->name, "xe");
		CHECK(strstr(v->desc, "vmbench shim") != NULL);
		drmFreeVersion(v);
	}
	CHECK_INT(vmb_device_driver(fd, name, sizeof(name)), 0);
	CHECK_STR(name, "xe");
	/* a driver ioctl number past the table, a wrong type, an unserved nr */
	CHECK_INT(ioctl(fd, VMB_DRM_IOWR(0x40 + 0x3f, struct vmb_drm_get_cap), NULL), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(ioctl(fd, _IOWR('x', 1, int), NULL), -1);
	CHECK_INT(errno, ENOTTY);
	CHECK_INT(ioctl(fd, VMB_DRM_IOWR(0x3a, struct vmb_drm_get_cap), NULL), -1);
	CHECK_INT(errno, EINVAL);
	close(fd);
}

TEST(prime_and_syncobj_fds)
{
	int a = open(NODE, O_RDWR), b = open(NODE, O_RDWR), dmabuf = -1, sfd = -1;
	struct vmb_xe_gem_create c = {.size = 65536, .placement = 1, .cpu_caching = 1};
	uint32_t h2 = 0, h3 = 0, s = 0, s2 = 0;

	CHECK_INT(drmIoctl(a, VMB_DRM_IOCTL_XE_GEM_CREATE, &c), 0);
	CHECK_INT(drmPrimeHandleToFD(a, c.handle, DRM_CLOEXEC, &dmabuf), 0);
	CHECK_INT(drmPrimeFDToHandle(b, dmabuf, &h2), 0);
	CHECK_INT(drmPrimeFDToHandle(b, dmabuf, &h3), 0);
	CHECK_INT(h2, h3); /* same buffer, same handle */
	CHECK_INT(drmCloseBufferHandle(a, c.handle), 0);
	CHECK_INT(drmCloseBufferHandle(a, c.handle), -1); /* already closed */
	CHECK_INT(drmSyncobjCreate(a, DRM_SYNCOBJ_CREATE_SIGNALED, &s), 0);
	CHECK_INT(drmSyncobjHandleToFD(a, s, &sfd), 0);
	CHECK_INT(drmSyncobjFDToHandle(b, sfd, &s2), 0);
	CHECK_INT(drmSyncobjWait(b, &s2, 1, 0, 0, NULL), 0);
	CHECK_INT(drmSyncobjDestroy(a, s), 0);
	close(sfd);
	close(dmabuf);
	close(a);
	close(b);
}

TEST(bad_pointers_efault)
{
	int fd = open(NODE, O_RDWR);
	struct vmb_drm_syncobj_wait w = {.handles = 0x10, .count_handles = 2};
	struct vmb_xe_vm_create vc = {0};
	struct vmb_xe_vm_bind b = {0};
	struct vmb_xe_device_query q = {.query = VMB_XE_DEVICE_QUERY_CONFIG};

	CHECK_INT(ioctl(fd, VMB_DRM_IOCTL_SYNCOBJ_WAIT, &w), -1);
	CHECK_INT(errno, EFAULT);
	CHECK_INT(ioctl(fd, VMB_DRM_IOCTL_XE_VM_CREATE, &vc), 0);
	b.vm_id = vc.vm_id;
	b.num_binds = 2;
	b.vector_of_binds = 0x1000;
	CHECK_INT(ioctl(fd, VMB_DRM_IOCTL_XE_VM_BIND, &b), -1);
	CHECK_INT(errno, EFAULT);
	CHECK_INT(ioctl(fd, VMB_DRM_IOCTL_XE_DEVICE_QUERY, &q), 0);
	q.data = 0x2000;
	CHECK_INT(ioctl(fd, VMB_DRM_IOCTL_XE_DEVICE_QUERY, &q), -1);
	CHECK_INT(errno, EFAULT);
	close(fd);
}

TEST(xe_rules)
{
	int fd = open(NODE, O_RDWR);
	struct vmb_xe_vm_create lr = {.flags = VMB_XE_VM_CREATE_FLAG_LR_MODE};
	struct vmb_xe_vm_create bad = {.flags = VMB_XE_VM_CREATE_FLAG_FAULT_MODE};
	struct vmb_xe_gem_create wb_vram = {.size = 65536, .placement = 2, .cpu_caching = 1};
	struct vmb_xe_sync sig = {.type = VMB_XE_SYNC_TYPE_SYNCOBJ,
				  .flags = VMB_XE_SYNC_FLAG_SIGNAL};
	struct vmb_xe_vm_bind b = {0};

	CHECK_INT(ioctl(fd, VMB_DRM_IOCTL_XE_VM_CREATE, &bad), -1); /* FAULT needs LR */
	CHECK_INT(errno, EINVAL);
	CHECK_INT(ioctl(fd, VMB_DRM_IOCTL_XE_GEM_CREATE, &wb_vram), -1); /* VRAM must be WC */
	CHECK_INT(errno, EINVAL);
	CHECK_INT(ioctl(fd, VMB_DRM_IOCTL_XE_VM_CREATE, &lr), 0);
	CHECK_INT(drmSyncobjCreate(fd, 0, &sig.handle), 0);
	b.vm_id = lr.vm_id;
	b.num_binds = 1;
	b.bind.op = VMB_XE_VM_BIND_OP_MAP;
	b.bind.flags = VMB_XE_VM_BIND_FLAG_NULL;
	b.bind.addr = 0x100000;
	b.bind.range = 0x10000;
	b.num_syncs = 1;
	b.syncs = (uintptr_t)&sig;
	CHECK_INT(ioctl(fd, VMB_DRM_IOCTL_XE_VM_BIND, &b), -1); /* LR: user fences only */
	CHECK_INT(errno, EOPNOTSUPP);
	b.num_syncs = 0;
	b.bind.addr = 0x100800; /* not page aligned */
	CHECK_INT(ioctl(fd, VMB_DRM_IOCTL_XE_VM_BIND, &b), -1);
	CHECK_INT(errno, EINVAL);
	b.bind.addr = 0x100000;
	CHECK_INT(ioctl(fd, VMB_DRM_IOCTL_XE_VM_BIND, &b), 0);
	close(fd);
}

TEST(devices)
{
	drmDevicePtr devs[4];
	int n = drmGetDevices2(0, devs, 4);

	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK(devs[0]->available_nodes & (1 << DRM_NODE_RENDER));
		CHECK_STR(devs[0]->nodes[DRM_NODE_RENDER], NODE);
		CHECK_INT(devs[0]->bustype, DRM_BUS_PCI);
		CHECK_INT(devs[0]->deviceinfo.pci->vendor_id, 0x8086);
		drmFreeDevices(devs, n);
	}
}

TEST(device_find_specs)
{
	char path[64], err[256], why[256];
	FILE *f;
	char *buf = NULL;
	size_t len = 0;

	CHECK_INT(vmb_device_find(VMB_DRIVER_XE, NULL, path, sizeof(path), err, sizeof(err)), 0);
	CHECK_STR(path, NODE);
	CHECK_INT(vmb_device_find(VMB_DRIVER_ANY, NULL, path, sizeof(path), err, sizeof(err)), 0);
	CHECK_INT(vmb_device_find(VMB_DRIVER_XE, NODE, path, sizeof(path), err, sizeof(err)), 0);
	CHECK_INT(vmb_device_find(VMB_DRIVER_XE, "drm:" NODE, path, sizeof(path), err, sizeof(err)),
		  0);
	CHECK_INT(vmb_device_find(VMB_DRIVER_XE, "pci:vendor=8086,card=0", path, sizeof(path), err,
				  sizeof(err)),
		  0);
	CHECK_INT(vmb_device_find(VMB_DRIVER_XE, "pci:vendor=intel", path, sizeof(path), err,
				  sizeof(err)),
		  0);
	CHECK_INT(vmb_device_find(VMB_DRIVER_XE, "pci:vendor=8086,card=1", path, sizeof(path), err,
				  sizeof(err)),
		  -ENODEV);
	CHECK_INT(
	    vmb_device_find(VMB_DRIVER_XE, "pci:vendor=1002", path, sizeof(path), err, sizeof(err)),
	    -ENODEV);
	CHECK_INT(vmb_device_find(VMB_DRIVER_AMDGPU, NULL, path, sizeof(path), err, sizeof(err)),
		  -ENODEV);
	CHECK(strstr(err, "amdgpu") != NULL);
	CHECK_INT(vmb_device_find(VMB_DRIVER_AMDGPU, NODE, path, sizeof(path), err, sizeof(err)),
		  -ENODEV);
	CHECK(strstr(err, "driver is xe") != NULL);
	CHECK_INT(vmb_device_find(VMB_DRIVER_XE, "pci:bogus", path, sizeof(path), err, sizeof(err)),
		  -EINVAL);
	CHECK_INT(vmb_device_find(VMB_DRIVER_XE, "usb:1", path, sizeof(path), err, sizeof(err)),
		  -EINVAL);
	CHECK_STR(vmb_backend_auto(VMB_DRIVER_XE, NULL, why, sizeof(why)), "xe");
	CHECK_STR(vmb_backend_auto(VMB_DRIVER_ANY, NULL, why, sizeof(why)), "xe");
	CHECK_STR(vmb_backend_auto(VMB_DRIVER_AMDGPU, NULL, why, sizeof(why)), "model");
	CHECK(strstr(why, "model") != NULL);
	f = open_memstream(&buf, &len);
	CHECK_INT(vmb_device_list(f), 1);
	fclose(f);
	CHECK(buf && strstr(buf, "xe") && strstr(buf, "pci:8086:e20b") && strstr(buf, NODE));
	free(buf);
}

int main(int argc, char **argv)
{
	if (!getenv("VMB_SHIM_DRIVER")) {
		const char *lib = "build/libvmshim.so";

		if (access(lib, R_OK) != 0) {
			printf("ok 1 - shim # SKIP %s not built\n0 passed, 0 failed, 1 skipped\n",
			       lib);
			return 0;
		}
		setenv("LD_PRELOAD", lib, 1);
		setenv("VMB_SHIM_DRIVER", "xe", 1);
		setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 1);
		execv("/proc/self/exe", argv);
		perror("execv");
		return 1;
	}
	RUN(open_fstat_close);
	RUN(version_and_unknown_ioctls);
	RUN(prime_and_syncobj_fds);
	RUN(bad_pointers_efault);
	RUN(xe_rules);
	RUN(devices);
	RUN(device_find_specs);
	return TEST_SUMMARY();
}
