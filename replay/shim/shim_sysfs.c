// SPDX-License-Identifier: MIT
/*
 * shim_sysfs.c - the device the shim pretends to be, as libdrm and Mesa
 * discover it: /dev/dri/card0 and /dev/dri/renderD128 (char 226:0 and
 * 226:128) and the sysfs files behind them. Like Mesa's drm-shim, paths are
 * redirected rather than faked one call at a time: on first use a small
 * tree is written to a private temporary directory, and every path below
 * /sys/dev/char/226:{0,128}, /sys/class/drm/{card0,renderD128} and the
 * directory /dev/dri is looked up there instead:
 *
 *   sys/devices/<bus path>/            uevent, vendor, device, revision,
 *                                      subsystem_vendor, subsystem_device,
 *                                      config, subsystem -> .../bus/pci
 *   sys/devices/<bus path>/drm/card0/  dev, uevent, device -> ../..
 *   sys/devices/<bus path>/drm/renderD128/
 *   sys/dev/char/226:0   -> ../../devices/<bus path>/drm/card0
 *   sys/dev/char/226:128 -> ../../devices/<bus path>/drm/renderD128
 *   dev/dri/card0, dev/dri/renderD128  (empty files: opendir("/dev/dri"))
 *
 * The tree is removed at exit. The node names themselves are not
 * redirected: shim.c fakes stat() of them as char devices.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim_priv.h"
#include "uapi/drm_core.h"

static const struct shim_device devices[VMB_DRIVER_COUNT] = {
    /* Battlemage G21 (Arc B580): Xe2, discrete */
    [VMB_DRIVER_XE] = {.vendor = 0x8086,
		       .device = 0xe20b,
		       .revision = 0x00,
		       .subvendor = 0x8086,
		       .subdevice = 0x1100,
		       .slot = "0000:03:00.0",
		       .kdriver = "xe"},
    /* Van Gogh (Steam Deck APU), gfx10.3 */
    [VMB_DRIVER_AMDGPU] = {.vendor = 0x1002,
			   .device = 0x163f,
			   .revision = 0xae,
			   .subvendor = 0x1002,
			   .subdevice = 0x0123,
			   .slot = "0000:04:00.0",
			   .kdriver = "amdgpu"},
    [VMB_DRIVER_NOUVEAU] = {.vendor = 0x10de,
			    .device = 0x2684,
			    .revision = 0xa1,
			    .subvendor = 0x10de,
			    .subdevice = 0x167c,
			    .slot = "0000:01:00.0",
			    .kdriver = "nouveau"},
    [VMB_DRIVER_PANTHOR] = {.compatible = "rockchip,rk3588-mali",
			    .of_name = "/gpu@fb000000",
			    .platform = "fb000000.gpu",
			    .kdriver = "panthor"},
    [VMB_DRIVER_MSM] = {.compatible = "qcom,adreno-43050c01",
			.of_name = "/soc@0/gpu@3d00000",
			.platform = "3d00000.gpu",
			.kdriver = "msm"},
};

const struct shim_device *shim_device(void)
{
	return &devices[shim.drv ? shim.drv->driver : VMB_DRIVER_XE];
}

static char root[64];
static size_t root_len;
static bool tried;

static int put_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[2048];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = shim_real_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

static int put_text(const char *dir, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int put_text(const char *dir, const char *name, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -EINVAL;
	return put_file(dir, name, buf, n);
}

static int mkdirs(const char *path)
{
	char p[1024], *s;

	snprintf(p, sizeof(p), "%s", path);
	for (s = p + root_len + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int put_minor(const char *dev_dir, const char *name, int minor)
{
	char dir[1024], link[2048];
	int ret;

	snprintf(dir, sizeof(dir), "%s/drm/%s", dev_dir, name);
	ret = mkdirs(dir);
	if (!ret)
		ret = put_text(dir, "dev", "%d:%d\n", VMB_DRM_MAJOR, minor);
	if (!ret)
		ret = put_text(dir, "uevent",
			       "MAJOR=%d\nMINOR=%d\nDEVNAME=dri/%s\nDEVTYPE=drm_minor\n",
			       VMB_DRM_MAJOR, minor, name);
	snprintf(link, sizeof(link), "%s/device", dir);
	if (!ret && symlink("../..", link))
		ret = -errno;
	snprintf(link, sizeof(link), "%s/subsystem", dir);
	if (!ret && symlink("../../../../../../class/drm", link))
		ret = -errno;
	return ret;
}

static int build_tree(void)
{
	const struct shim_device *d = shim_device();
	char dev_dir[512], rel[128], path[1024], target[1024];
	unsigned char config[256] = {0};
	int ret;

	if (d->vendor) {
		snprintf(rel, sizeof(rel), "devices/pci0000:00/0000:00:01.0/%s", d->slot);
	} else {
		snprintf(rel, sizeof(rel), "devices/platform/%s", d->platform);
	}
	snprintf(dev_dir, sizeof(dev_dir), "%s/sys/%s", root, rel);
	ret = mkdirs(dev_dir);
	if (ret)
		return ret;
	if (d->vendor) {
		ret = put_text(dev_dir, "uevent",
			       "DRIVER=%s\nPCI_CLASS=30000\nPCI_ID=%04X:%04X\n"
			       "PCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\nMODALIAS=pci:v%08Xd%"
			       "08Xsv%08Xsd%08Xbc03sc00i00\n",
			       d->kdriver, d->vendor, d->device, d->subvendor, d->subdevice,
			       d->slot, d->vendor, d->device, d->subvendor, d->subdevice);
		ret = ret ?: put_text(dev_dir, "vendor", "0x%04x\n", d->vendor);
		ret = ret ?: put_text(dev_dir, "device", "0x%04x\n", d->device);
		ret = ret ?: put_text(dev_dir, "subsystem_vendor", "0x%04x\n", d->subvendor);
		ret = ret ?: put_text(dev_dir, "subsystem_device", "0x%04x\n", d->subdevice);
		ret = ret ?: put_text(dev_dir, "revision", "0x%02x\n", d->revision);
		ret = ret ?: put_text(dev_dir, "class", "0x030000\n");
		config[0] = d->vendor & 0xff;
		config[1] = d->vendor >> 8;
		config[2] = d->device & 0xff;
		config[3] = d->device >> 8;
		config[8] = d->revision;
		config[0xb] = 0x03; /* display controller */
		config[0x2c] = d->subvendor & 0xff;
		config[0x2d] = d->subvendor >> 8;
		config[0x2e] = d->subdevice & 0xff;
		config[0x2f] = d->subdevice >> 8;
		ret = ret ?: put_file(dev_dir, "config", config, sizeof(config));
		snprintf(path, sizeof(path), "%s/subsystem", dev_dir);
		if (!ret && symlink("../../../../bus/pci", path))
			ret = -errno;
		snprintf(path, sizeof(path), "%s/sys/bus/pci", root);
	} else {
		ret = put_text(dev_dir, "uevent",
			       "DRIVER=%s\nOF_NAME=gpu\nOF_FULLNAME=%s\nOF_COMPATIBLE_0=%s\n"
			       "OF_COMPATIBLE_N=1\nMODALIAS=of:NgpuT(null)C%s\n",
			       d->kdriver, d->of_name, d->compatible, d->compatible);
		snprintf(path, sizeof(path), "%s/subsystem", dev_dir);
		if (!ret && symlink("../../../bus/platform", path))
			ret = -errno;
		snprintf(path, sizeof(path), "%s/sys/bus/platform", root);
	}
	ret = ret ?: mkdirs(path);
	ret = ret ?: put_minor(dev_dir, "card0", 0);
	ret = ret ?: put_minor(dev_dir, "renderD128", SHIM_MINOR);
	snprintf(path, sizeof(path), "%s/sys/dev/char", root);
	ret = ret ?: mkdirs(path);
	snprintf(path, sizeof(path), "%s/sys/class/drm", root);
	ret = ret ?: mkdirs(path);
	snprintf(path, sizeof(path), "%s/dev/dri", root);
	ret = ret ?: mkdirs(path);
	ret = ret ?: put_file(path, "card0", "", 0);
	ret = ret ?: put_file(path, "renderD128", "", 0);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/sys/dev/char/%d:0", root, VMB_DRM_MAJOR);
	snprintf(target, sizeof(target), "../../%s/drm/card0", rel);
	if (symlink(target, path))
		return -errno;
	snprintf(path, sizeof(path), "%s/sys/dev/char/%d:%d", root, VMB_DRM_MAJOR, SHIM_MINOR);
	snprintf(target, sizeof(target), "../../%s/drm/renderD128", rel);
	if (symlink(target, path))
		return -errno;
	snprintf(path, sizeof(path), "%s/sys/class/drm/card0", root);
	snprintf(target, sizeof(target), "../../%s/drm/card0", rel);
	if (symlink(target, path))
		return -errno;
	snprintf(path, sizeof(path), "%s/sys/class/drm/renderD128", root);
	snprintf(target, sizeof(target), "../../%s/drm/renderD128", rel);
	if (symlink(target, path))
		return -errno;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static pid_t owner;

static void remove_tree(void)
{
	if (root_len && getpid() == owner)
		nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	int ret;

	snprintf(root, sizeof(root), "%s/vmshim-sysfs.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(root)) {
		fprintf(stderr, "vmshim: cannot create the fake sysfs under %s: %s\n", root,
			strerror(errno));
		root[0] = 0;
		return;
	}
	root_len = strlen(root);
	owner = getpid();
	atexit(remove_tree);
	ret = build_tree();
	if (ret)
		fprintf(stderr, "vmshim: cannot build the fake sysfs in %s: %s\n", root,
			strerror(-ret));
}

static bool has_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 && (path[n] == 0 || path[n] == '/');
}

/*
 * shim_sysfs_path() - @path, or where the fake tree keeps it; @buf holds
 * the redirected path. Only called for a non-NULL @path outside the shim.
 */
const char *shim_sysfs_path(const char *path, char *buf, size_t len)
{
	static const char *const prefixes[] = {
	    "/sys/dev/char/226:0",
	    "/sys/dev/char/226:128",
	    "/sys/class/drm/card0",
	    "/sys/class/drm/renderD128",
	    "/dev/dri",
	};
	size_t i;

	if (path[0] != '/' || (strncmp(path, "/sys/", 5) && strncmp(path, "/dev/dri", 8)))
		return path;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (!has_prefix(path, prefixes[i]))
			continue;
		/* the nodes themselves are faked by stat, not redirected */
		if (i == 4 && path[8] == '/' && shim_node_minor(path) >= 0)
			return path;
		shim_lock();
		if (!shim_init() && !tried) {
			tried = true;
			setup();
		}
		shim_unlock();
		if (!root_len || (size_t)snprintf(buf, len, "%s%s", root, path) >= len)
			return path;
		return buf;
	}
	return path;
}
