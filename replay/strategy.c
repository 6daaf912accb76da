// SPDX-License-Identifier: MIT
/*
 * strategy.c - names of the strategy axes (as written on the command line
 * and in result files), their parsers, and each driver's native semantics
 * (DESIGN.md §5).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

static const char *const refcount_names[VMB_REF_COUNT] = {
    [VMB_REF_HARD] = "hard",
    [VMB_REF_WEAK] = "weak",
    [VMB_REF_WEAK_FREE] = "weak-free",
    [VMB_REF_SUBMIT_VMBO] = "submit-vmbo",
};

static const char *const sync_names[VMB_SYNC_COUNT] = {
    [VMB_SYNC_IMPLICIT] = "implicit",
    [VMB_SYNC_EXPLICIT] = "explicit",
    [VMB_SYNC_ASYNC] = "async",
    [VMB_SYNC_SYNC] = "sync",
};

static const char *const userptr_names[VMB_USERPTR_COUNT] = {
    [VMB_USERPTR_HMM] = "hmm",
    [VMB_USERPTR_PIN] = "pin",
};

static const char *const bo_lookup_names[VMB_LOOKUP_COUNT] = {
    [VMB_LOOKUP_VMBO] = "vmbo",
    [VMB_LOOKUP_GEM_LIST] = "gem-list",
};

static const char *const close_names[VMB_CLOSE_COUNT] = {
    [VMB_CLOSE_AS_TRACED] = "as-traced",
    [VMB_CLOSE_UNBIND_FIRST] = "unbind-first",
    [VMB_CLOSE_UNBIND_ALL] = "unbind-all",
    [VMB_CLOSE_EARLY] = "close-early",
};

static const char *table_name(const char *const *names, unsigned int n, unsigned int v)
{
	return v < n ? names[v] : NULL;
}

static int table_parse(const char *const *names, unsigned int n, const char *s, unsigned int *out)
{
	unsigned int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (names[i] && strcmp(names[i], s) == 0) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

/** vmb_refcount_name() - "hard" or "weak"; NULL when out of range */
const char *vmb_refcount_name(enum vmb_refcount v)
{
	return table_name(refcount_names, VMB_REF_COUNT, v);
}

/** vmb_sync_name() - "implicit", "explicit", "async" or "sync"; NULL when out of range */
const char *vmb_sync_name(enum vmb_sync_mode v)
{
	return table_name(sync_names, VMB_SYNC_COUNT, v);
}

/** vmb_userptr_name() - "hmm" or "pin"; NULL when out of range */
const char *vmb_userptr_name(enum vmb_userptr_mode v)
{
	return table_name(userptr_names, VMB_USERPTR_COUNT, v);
}

/** vmb_bo_lookup_name() - "vmbo" or "gem-list"; NULL when out of range */
const char *vmb_bo_lookup_name(enum vmb_bo_lookup v)
{
	return table_name(bo_lookup_names, VMB_LOOKUP_COUNT, v);
}

/**
 * vmb_close_name() - "as-traced", "unbind-first", "unbind-all" or
 * "close-early"; NULL when out of range
 */
const char *vmb_close_name(enum vmb_close_policy v)
{
	return table_name(close_names, VMB_CLOSE_COUNT, v);
}

/**
 * vmb_batch_name() - name of a batch setting
 * @batch: 0 = as traced, else the entry count
 * @buf, @len: where a number is formatted
 *
 * Return: "as-traced" (a static string) or @buf holding the number.
 */
const char *vmb_batch_name(uint32_t batch, char *buf, size_t len)
{
	if (batch == 0)
		return "as-traced";
	snprintf(buf, len, "%u", batch);
	return buf;
}

/**
 * vmb_pace_name() - name of the pacing of @s
 * @s: strategy
 * @buf, @len: where a scaled pace ("x2", "x0.5") is formatted
 *
 * Return: "asap", "traced" (static strings) or @buf.
 */
const char *vmb_pace_name(const struct vmb_strategy *s, char *buf, size_t len)
{
	switch (s->pace) {
	case VMB_PACE_ASAP:
		return "asap";
	case VMB_PACE_TRACED:
		return "traced";
	case VMB_PACE_SCALED:
		snprintf(buf, len, "x%g", s->pace_factor);
		return buf;
	}
	return NULL;
}

/**
 * vmb_strategy_native() - the driver's native semantics (DESIGN.md §5)
 * @driver: trace driver
 * @out: filled completely: native refcount and sync, and the defaults of
 *       the other axes (hmm, vmbo, as-traced close and batch, asap pace)
 *
 * amdgpu is weak/implicit (bo_va mappings die with the BO, page-table
 * updates wait on the reservation); xe, panthor, msm (VM_BIND mode) and
 * "any" are hard/async; nouveau is hard and its VM_BIND ioctl is
 * synchronous unless userspace asks for async, so its native mode is sync.
 */
void vmb_strategy_native(enum vmb_driver driver, struct vmb_strategy *out)
{
	memset(out, 0, sizeof(*out));
	out->refcount = VMB_REF_HARD;
	out->sync = VMB_SYNC_ASYNC;
	out->userptr = VMB_USERPTR_HMM;
	out->bo_lookup = VMB_LOOKUP_VMBO;
	out->close = VMB_CLOSE_AS_TRACED;
	out->batch = 0;
	out->pace = VMB_PACE_ASAP;
	out->pace_factor = 1.0;

	switch (driver) {
	case VMB_DRIVER_AMDGPU:
		out->refcount = VMB_REF_WEAK;
		out->sync = VMB_SYNC_IMPLICIT;
		break;
	case VMB_DRIVER_NOUVEAU:
		out->sync = VMB_SYNC_SYNC;
		break;
	case VMB_DRIVER_XE:
	case VMB_DRIVER_PANTHOR:
	case VMB_DRIVER_MSM:
	case VMB_DRIVER_ANY:
	default:
		break;
	}
}

/**
 * vmb_strategy_native_trace() - native semantics for a whole trace
 * @t: the trace
 * @out: filled completely, as vmb_strategy_native()
 *
 * msm has two kinds of VM: VM_BIND VMs (hard/async) and legacy VMs on which
 * the kernel maps each submit's BOs itself ("implicit_va" in the trace).
 * On those, closing a handle waits for the BO to be idle and removes that
 * file's mappings (msm_gem.c msm_gem_close()), and submits sync implicitly:
 * a trace with any legacy VM replays as weak/implicit by default.
 */
void vmb_strategy_native_trace(const struct vmb_trace *t, struct vmb_strategy *out)
{
	vmb_strategy_native(t->driver, out);
	if (t->driver != VMB_DRIVER_MSM)
		return;
	if (t->vm_flags & VMB_VM_F_IMPLICIT_VA) {
		out->refcount = VMB_REF_WEAK;
		out->sync = VMB_SYNC_IMPLICIT;
	}
}

/** vmb_refcount_parse() - parse "hard", "weak", "weak-free" or "submit-vmbo"; 0 or -EINVAL */
int vmb_refcount_parse(const char *s, enum vmb_refcount *out)
{
	unsigned int v;
	int ret = table_parse(refcount_names, VMB_REF_COUNT, s, &v);

	if (!ret)
		*out = v;
	return ret;
}

/** vmb_sync_parse() - parse "implicit"/"explicit"/"async"/"sync"; 0 or -EINVAL */
int vmb_sync_parse(const char *s, enum vmb_sync_mode *out)
{
	unsigned int v;
	int ret = table_parse(sync_names, VMB_SYNC_COUNT, s, &v);

	if (!ret)
		*out = v;
	return ret;
}

/** vmb_userptr_parse() - parse "hmm"/"pin"; 0 or -EINVAL */
int vmb_userptr_parse(const char *s, enum vmb_userptr_mode *out)
{
	unsigned int v;
	int ret = table_parse(userptr_names, VMB_USERPTR_COUNT, s, &v);

	if (!ret)
		*out = v;
	return ret;
}

/** vmb_bo_lookup_parse() - parse "vmbo"/"gem-list"; 0 or -EINVAL */
int vmb_bo_lookup_parse(const char *s, enum vmb_bo_lookup *out)
{
	unsigned int v;
	int ret = table_parse(bo_lookup_names, VMB_LOOKUP_COUNT, s, &v);

	if (!ret)
		*out = v;
	return ret;
}

/**
 * vmb_close_parse() - parse "as-traced"/"unbind-first"/"unbind-all"/
 * "close-early"; 0 or -EINVAL
 */
int vmb_close_parse(const char *s, enum vmb_close_policy *out)
{
	unsigned int v;
	int ret = table_parse(close_names, VMB_CLOSE_COUNT, s, &v);

	if (!ret)
		*out = v;
	return ret;
}

/**
 * vmb_batch_parse() - parse a batch setting
 * @s: "as-traced" (stored as 0) or a decimal integer from 1 to UINT32_MAX
 * @out: the batch
 *
 * Return: 0 or -EINVAL (signs, spaces, trailing characters, 0 and
 * overflow are rejected).
 */
int vmb_batch_parse(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s)
		return -EINVAL;
	if (strcmp(s, "as-traced") == 0) {
		*out = 0;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < 1 || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/**
 * vmb_pace_parse() - parse a pace setting into @s->pace and @s->pace_factor
 * @str: "asap", "traced", or "x<F>" with F a finite number > 0 ("x2" replays
 *       twice as fast as traced, "x0.5" at half speed)
 * @s: strategy to update; untouched on error
 *
 * Return: 0 or -EINVAL.
 */
int vmb_pace_parse(const char *str, struct vmb_strategy *s)
{
	double f;
	char *end;

	if (!str)
		return -EINVAL;
	if (strcmp(str, "asap") == 0) {
		s->pace = VMB_PACE_ASAP;
		s->pace_factor = 1.0;
		return 0;
	}
	if (strcmp(str, "traced") == 0) {
		s->pace = VMB_PACE_TRACED;
		s->pace_factor = 1.0;
		return 0;
	}
	/* plain decimal only: strtod alone would also take "0x1p3", "inf", "nan" */
	if (str[0] != 'x' || !str[1] || strspn(str + 1, "0123456789.eE+-") != strlen(str + 1) ||
	    !((str[1] >= '0' && str[1] <= '9') || str[1] == '.'))
		return -EINVAL;
	errno = 0;
	f = strtod(str + 1, &end);
	if (errno || *end || !isfinite(f) || !(f > 0))
		return -EINVAL;
	s->pace = VMB_PACE_SCALED;
	s->pace_factor = f;
	return 0;
}
