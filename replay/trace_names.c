// SPDX-License-Identifier: MIT
/*
 * trace_names.c - the names of trace format v1: op kinds, bind entry kinds,
 * engines, placements, drivers and flag bits, in both directions. The loader
 * parses with these tables and the writer prints with them, so the two can
 * never disagree on a spelling.
 */
#include <errno.h>
#include <string.h>

#include "trace_priv.h"

static const char *const op_names[VMB_OP_COUNT] = {
    [VMB_OP_VM_CREATE] = "vm_create",
    [VMB_OP_VM_DESTROY] = "vm_destroy",
    [VMB_OP_QUEUE_CREATE] = "queue_create",
    [VMB_OP_QUEUE_DESTROY] = "queue_destroy",
    [VMB_OP_BO_CREATE] = "bo_create",
    [VMB_OP_BO_CLOSE] = "bo_close",
    [VMB_OP_SYNCOBJ_CREATE] = "syncobj_create",
    [VMB_OP_SYNCOBJ_DESTROY] = "syncobj_destroy",
    [VMB_OP_BIND] = "bind",
    [VMB_OP_SUBMIT] = "submit",
    [VMB_OP_WAIT] = "wait",
    [VMB_OP_SIGNAL] = "signal",
    [VMB_OP_CPU_UNMAP] = "cpu_unmap",
    [VMB_OP_EVICT] = "evict",
    [VMB_OP_FRAME] = "frame",
    [VMB_OP_CPU_MIGRATE] = "cpu_migrate",
    [VMB_OP_TRANSFER] = "transfer",
    [VMB_OP_SYNCOBJ_RESET] = "syncobj_reset",
    [VMB_OP_SYNC_FILE_EXPORT] = "sync_file_export",
    [VMB_OP_SYNC_FILE_IMPORT] = "sync_file_import",
};

static const char *const bind_kind_names[VMB_BIND_COUNT] = {
    [VMB_BIND_MAP] = "map",
    [VMB_BIND_MAP_NULL] = "map_null",
    [VMB_BIND_MAP_USERPTR] = "map_userptr",
    [VMB_BIND_UNMAP] = "unmap",
    [VMB_BIND_UNMAP_ALL] = "unmap_all",
    [VMB_BIND_PREFETCH] = "prefetch",
};

static const char *const engine_names[VMB_ENGINE_COUNT] = {
    [VMB_ENGINE_RENDER] = "render",
    [VMB_ENGINE_COMPUTE] = "compute",
    [VMB_ENGINE_COPY] = "copy",
    [VMB_ENGINE_BIND] = "bind",
};

static const char *const placement_names[VMB_PLACE_COUNT] = {
    [VMB_PLACE_ANY] = "any",
    [VMB_PLACE_VRAM] = "vram",
    [VMB_PLACE_SYSTEM] = "system",
};

static const char *const driver_names[VMB_DRIVER_COUNT] = {
    [VMB_DRIVER_ANY] = "any",	      [VMB_DRIVER_XE] = "xe",
    [VMB_DRIVER_AMDGPU] = "amdgpu",   [VMB_DRIVER_NOUVEAU] = "nouveau",
    [VMB_DRIVER_PANTHOR] = "panthor", [VMB_DRIVER_MSM] = "msm",
};

/* in bit order; the writer prints flags in this order */
const struct vmb_flag_name vmb_bind_flag_names[] = {
    {"readonly", VMB_BIND_F_READONLY}, {"noexec", VMB_BIND_F_NOEXEC},
    {"uncached", VMB_BIND_F_UNCACHED}, {"immediate", VMB_BIND_F_IMMEDIATE},
    {"dumpable", VMB_BIND_F_DUMPABLE}, {NULL, 0},
};

const struct vmb_flag_name vmb_vm_flag_names[] = {
    {"fault", VMB_VM_F_FAULT},
    {"implicit_va", VMB_VM_F_IMPLICIT_VA},
    {NULL, 0},
};

const struct vmb_flag_name vmb_transfer_flag_names[] = {
    {"wait_for_submit", VMB_TRANSFER_F_WAIT_FOR_SUBMIT},
    {NULL, 0},
};

const struct vmb_flag_name vmb_bo_flag_names[] = {
    {"scanout", VMB_BO_F_SCANOUT},
    {"userptr", VMB_BO_F_USERPTR_BACKED},
    {NULL, 0},
};

static const char *name_of(const char *const *tab, unsigned int n, unsigned int v)
{
	return v < n ? tab[v] : NULL;
}

static int lookup(const char *const *tab, unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(tab[i], name))
			return (int)i;
	return -EINVAL;
}

/**
 * vmb_op_kind_name() - the trace spelling of an op kind
 * @kind: op kind
 *
 * Return: e.g. "bind", or NULL for an out-of-range value.
 */
const char *vmb_op_kind_name(enum vmb_op_kind kind)
{
	return name_of(op_names, VMB_OP_COUNT, kind);
}

/**
 * vmb_bind_kind_name() - the trace spelling of a bind entry kind
 * @kind: bind entry kind
 *
 * Return: e.g. "map_null", or NULL for an out-of-range value.
 */
const char *vmb_bind_kind_name(enum vmb_bind_kind kind)
{
	return name_of(bind_kind_names, VMB_BIND_COUNT, kind);
}

/**
 * vmb_engine_name() - the trace spelling of a queue engine class
 * @engine: engine
 *
 * Return: e.g. "compute", or NULL for an out-of-range value.
 */
const char *vmb_engine_name(enum vmb_engine engine)
{
	return name_of(engine_names, VMB_ENGINE_COUNT, engine);
}

/**
 * vmb_placement_name() - the trace spelling of a BO placement
 * @placement: placement
 *
 * Return: e.g. "vram", or NULL for an out-of-range value.
 */
const char *vmb_placement_name(enum vmb_placement placement)
{
	return name_of(placement_names, VMB_PLACE_COUNT, placement);
}

/**
 * vmb_driver_name() - the trace spelling of a driver
 * @driver: driver
 *
 * Return: e.g. "xe", or NULL for an out-of-range value.
 */
const char *vmb_driver_name(enum vmb_driver driver)
{
	return name_of(driver_names, VMB_DRIVER_COUNT, driver);
}

/**
 * vmb_driver_parse() - parse a driver name ("xe", "amdgpu", ..., "any")
 * @name: the name
 * @out: receives the driver
 *
 * Return: 0, or -EINVAL when @name is unknown (@out untouched).
 */
int vmb_driver_parse(const char *name, enum vmb_driver *out)
{
	int v = name ? lookup(driver_names, VMB_DRIVER_COUNT, name) : -EINVAL;

	if (v < 0)
		return v;
	*out = (enum vmb_driver)v;
	return 0;
}

/**
 * vmb_trace_lookup_op() - parse an op kind name
 * @name: e.g. "bind"
 *
 * Return: enum vmb_op_kind, or -EINVAL.
 */
int vmb_trace_lookup_op(const char *name)
{
	return lookup(op_names, VMB_OP_COUNT, name);
}

/**
 * vmb_trace_lookup_bind_kind() - parse a bind entry kind name
 * @name: e.g. "map"
 *
 * Return: enum vmb_bind_kind, or -EINVAL.
 */
int vmb_trace_lookup_bind_kind(const char *name)
{
	return lookup(bind_kind_names, VMB_BIND_COUNT, name);
}

/**
 * vmb_trace_lookup_engine() - parse an engine name
 * @name: e.g. "copy"
 *
 * Return: enum vmb_engine, or -EINVAL.
 */
int vmb_trace_lookup_engine(const char *name)
{
	return lookup(engine_names, VMB_ENGINE_COUNT, name);
}

/**
 * vmb_trace_lookup_placement() - parse a placement name
 * @name: e.g. "system"
 *
 * Return: enum vmb_placement, or -EINVAL.
 */
int vmb_trace_lookup_placement(const char *name)
{
	return lookup(placement_names, VMB_PLACE_COUNT, name);
}

/**
 * vmb_trace_lookup_flag() - parse one flag name of a flag table
 * @tab: vmb_bind_flag_names, vmb_vm_flag_names or vmb_bo_flag_names
 * @name: the flag
 * @bit: receives its bit
 *
 * Return: 0 or -EINVAL.
 */
int vmb_trace_lookup_flag(const struct vmb_flag_name *tab, const char *name, uint32_t *bit)
{
	for (; tab->name; tab++) {
		if (!strcmp(tab->name, name)) {
			*bit = tab->bit;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * vmb_trace_flag_list() - "a, b, c": the known names of a flag table
 * @tab: flag table
 * @buf: destination
 * @len: size of @buf
 */
void vmb_trace_flag_list(const struct vmb_flag_name *tab, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; tab->name && used < len; tab++) {
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", tab->name);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}
