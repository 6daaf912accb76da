// SPDX-License-Identifier: MIT
/*
 * device.c - render-node discovery and selection: libdrm's drmGetDevices2
 * lists the nodes, DRM_IOCTL_VERSION (drmGetVersion) tells their driver.
 * Device specs follow IGT's filter syntax where it makes sense.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <xf86drm.h>

#include "backends/device.h"

#define MAX_DEVICES 64

int vmb_device_driver(int fd, char *buf, size_t len)
{
	drmVersionPtr v = drmGetVersion(fd);

	if (!v)
		return errno ? -errno : -ENODEV;
	snprintf(buf, len, "%.*s", v->name_len, v->name ? v->name : "");
	drmFreeVersion(v);
	return 0;
}

/* driver of the node at @path; -errno when it cannot be opened */
static int node_driver(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = vmb_device_driver(fd, buf, len);
	close(fd);
	return ret;
}

static bool driver_matches(enum vmb_driver want, const char *name)
{
	enum vmb_driver d;

	if (vmb_driver_parse(name, &d) != 0 || d == VMB_DRIVER_ANY)
		return false;
	return want == VMB_DRIVER_ANY || want == d;
}

struct pci_filter {
	int vendor; /* -1 = any */
	int device; /* -1 = any */
	int card;   /* index among matches */
};

static int parse_pci_filter(const char *s, struct pci_filter *pf)
{
	char buf[128], *tok, *save = NULL;

	pf->vendor = pf->device = -1;
	pf->card = 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *end;
		long v;

		if (!eq)
			return -EINVAL;
		*eq++ = '\0';
		if (strcmp(tok, "vendor") == 0) {
			if (!strcasecmp(eq, "intel"))
				v = 0x8086;
			else if (!strcasecmp(eq, "amd"))
				v = 0x1002;
			else if (!strcasecmp(eq, "nvidia"))
				v = 0x10de;
			else if ((v = strtol(eq, &end, 16)), *end || end == eq)
				return -EINVAL;
			pf->vendor = (int)v;
		} else if (strcmp(tok, "device") == 0) {
			v = strtol(eq, &end, 16);
			if (*end || end == eq)
				return -EINVAL;
			pf->device = (int)v;
		} else if (strcmp(tok, "card") == 0) {
			v = strtol(eq, &end, 10);
			if (*end || end == eq || v < 0)
				return -EINVAL;
			pf->card = (int)v;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

static int check_node(enum vmb_driver want, const char *path, char *path_out, size_t len, char *err,
		      size_t errlen)
{
	char name[64];
	int ret = node_driver(path, name, sizeof(name));

	if (ret < 0) {
		snprintf(err, errlen, "%s: cannot open: %s%s", path, strerror(-ret),
			 ret == -EACCES ? " (add yourself to the render group)" : "");
		return ret == -ENOENT ? -ENODEV : ret;
	}
	if (!driver_matches(want, name)) {
		snprintf(err, errlen, "%s: driver is %s, the trace needs %s", path, name,
			 vmb_driver_name(want));
		return -ENODEV;
	}
	snprintf(path_out, len, "%s", path);
	return 0;
}

int vmb_device_find(enum vmb_driver want, const char *spec, char *path_out, size_t len, char *err,
		    size_t errlen)
{
	drmDevicePtr devs[MAX_DEVICES];
	struct pci_filter pf = {-1, -1, 0};
	bool pci = false;
	int n, i, seen = 0, ret = -ENODEV, last_err = 0;

	if (spec && strncmp(spec, "drm:", 4) == 0)
		return check_node(want, spec + 4, path_out, len, err, errlen);
	if (spec && spec[0] == '/')
		return check_node(want, spec, path_out, len, err, errlen);
	if (spec && strncmp(spec, "pci:", 4) == 0) {
		if (parse_pci_filter(spec + 4, &pf) < 0) {
			snprintf(err, errlen,
				 "bad device filter '%s' (want pci:vendor=8086,card=0)", spec);
			return -EINVAL;
		}
		pci = true;
	} else if (spec) {
		snprintf(
		    err, errlen,
		    "bad device '%s' (want a render node path, drm:PATH or pci:vendor=..,card=N)",
		    spec);
		return -EINVAL;
	}

	n = drmGetDevices2(0, devs, MAX_DEVICES);
	if (n < 0)
		n = 0;
	for (i = 0; i < n && ret != 0; i++) {
		drmDevicePtr d = devs[i];
		const char *node;
		char name[64];
		int r;

		if (!(d->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		node = d->nodes[DRM_NODE_RENDER];
		if (pci) {
			if (d->bustype != DRM_BUS_PCI)
				continue;
			if (pf.vendor >= 0 && d->deviceinfo.pci->vendor_id != pf.vendor)
				continue;
			if (pf.device >= 0 && d->deviceinfo.pci->device_id != pf.device)
				continue;
		}
		r = node_driver(node, name, sizeof(name));
		if (r < 0) {
			last_err = r;
			continue;
		}
		if (!driver_matches(want, name))
			continue;
		if (pci && seen++ != pf.card)
			continue;
		snprintf(path_out, len, "%s", node);
		ret = 0;
	}
	if (n > 0)
		drmFreeDevices(devs, n);
	if (ret == 0)
		return 0;
	if (last_err == -EACCES) {
		snprintf(err, errlen,
			 "no usable %s render node: permission denied "
			 "(add yourself to the render group)",
			 vmb_driver_name(want));
		return -EACCES;
	}
	snprintf(err, errlen, "no %s render node%s%s",
		 want == VMB_DRIVER_ANY ? "vmbench-supported" : vmb_driver_name(want),
		 spec ? " matches " : " found", spec ? spec : "");
	return -ENODEV;
}

int vmb_device_list(FILE *f)
{
	drmDevicePtr devs[MAX_DEVICES];
	int n, i, listed = 0;

	n = drmGetDevices2(0, devs, MAX_DEVICES);
	if (n < 0)
		return n;
	fprintf(f, "%-10s %-24s %s\n", "driver", "bus", "node");
	for (i = 0; i < n; i++) {
		drmDevicePtr d = devs[i];
		char name[64] = "?", bus[600];

		if (!(d->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		if (node_driver(d->nodes[DRM_NODE_RENDER], name, sizeof(name)) < 0)
			snprintf(name, sizeof(name), "(no access)");
		if (d->bustype == DRM_BUS_PCI)
			snprintf(bus, sizeof(bus), "pci:%04x:%04x %04x:%02x:%02x.%u",
				 d->deviceinfo.pci->vendor_id, d->deviceinfo.pci->device_id,
				 d->businfo.pci->domain, d->businfo.pci->bus, d->businfo.pci->dev,
				 d->businfo.pci->func);
		else if (d->bustype == DRM_BUS_PLATFORM && d->businfo.platform)
			snprintf(bus, sizeof(bus), "platform:%s", d->businfo.platform->fullname);
		else
			snprintf(bus, sizeof(bus), "bus%d", d->bustype);
		fprintf(f, "%-10s %-24s %s\n", name, bus, d->nodes[DRM_NODE_RENDER]);
		listed++;
	}
	if (n > 0)
		drmFreeDevices(devs, n);
	if (!listed)
		fprintf(f, "(no render nodes)\n");
	return listed;
}

const char *vmb_backend_auto(enum vmb_driver trace_driver, const char *spec, char *why, size_t len)
{
	char path[256], err[256], name[64];
	enum vmb_driver d;

	if (vmb_device_find(trace_driver, spec, path, sizeof(path), err, sizeof(err)) != 0) {
		snprintf(why, len, "model (%s)", err);
		return "model";
	}
	if (node_driver(path, name, sizeof(name)) != 0 || vmb_driver_parse(name, &d) != 0 ||
	    d == VMB_DRIVER_ANY) {
		snprintf(why, len, "model (%s: unknown driver)", path);
		return "model";
	}
	snprintf(why, len, "%s on %s (trace driver %s)", vmb_driver_name(d), path,
		 vmb_driver_name(trace_driver));
	return vmb_driver_name(d);
}
