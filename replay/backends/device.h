/* SPDX-License-Identifier: MIT */
/*
 * device.h - render-node discovery and selection for the real-kernel
 * backends: `--device` specs, `--list-devices`, `--backend=auto`.
 */
#ifndef VMB_BACKENDS_DEVICE_H
#define VMB_BACKENDS_DEVICE_H

#include <stddef.h>
#include <stdio.h>

#include "trace.h"

/**
 * vmb_device_find() - pick a render node
 * @want: the driver it must run (VMB_DRIVER_ANY: any vmbench driver)
 * @spec: NULL (first matching node), a path ("/dev/dri/renderD129"),
 *     "drm:PATH", or an IGT-style PCI filter
 *     "pci:vendor=8086[,device=56a0][,card=N]" (vendor also as intel, amd,
 *     nvidia; card = N-th match, from 0)
 * @path_out, @len: receives the node path
 * @err, @errlen: receives a message on failure
 *
 * Return: 0, -ENODEV when nothing matches, -EINVAL for a bad spec, or
 * -EACCES when a matching node cannot be opened (permissions).
 */
int vmb_device_find(enum vmb_driver want, const char *spec, char *path_out, size_t len, char *err,
		    size_t errlen);

/**
 * vmb_device_list() - print every render node: driver, PCI id (or bus), node
 * Return: number of nodes listed, or -errno.
 */
int vmb_device_list(FILE *f);

/**
 * vmb_backend_auto() - the backend `--backend=auto` uses
 * @trace_driver: the trace's driver
 * @spec: --device or NULL
 * @why, @len: receives one line saying what was chosen and why
 *
 * Return: a backend name ("xe", ... or "model"), never NULL.
 */
const char *vmb_backend_auto(enum vmb_driver trace_driver, const char *spec, char *why, size_t len);

/**
 * vmb_device_driver() - DRM_IOCTL_VERSION name of an open DRM fd
 * @fd: file; @buf, @len: receives the name
 * Return: 0 or -errno.
 */
int vmb_device_driver(int fd, char *buf, size_t len);

#endif /* VMB_BACKENDS_DEVICE_H */
