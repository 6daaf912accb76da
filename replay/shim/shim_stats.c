// SPDX-License-Identifier: MIT
/*
 * shim_stats.c - error injection (VMB_SHIM_FAIL=NAME:ERRNO:NTH[,...]: the
 * NTH call of ioctl NAME fails with ERRNO once; ENODEV is device loss, so
 * every later ioctl fails too) and the exit report (VMB_SHIM_STATS=FILE: a
 * JSON account of the ioctls served and of the shim's own model: gpuvm op
 * counts, refcount figures and the kernel objects still alive).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "shim_priv.h"

struct fail_rule {
	char name[48];
	int err;
	uint64_t nth, seen;
};

static struct fail_rule rules[16];
static unsigned int n_rules;

static const struct {
	const char *name;
	int err;
} errnos[] = {
    {"EINVAL", EINVAL}, {"ENOMEM", ENOMEM},   {"ENOBUFS", ENOBUFS}, {"EINTR", EINTR},
    {"EAGAIN", EAGAIN}, {"ENODEV", ENODEV},   {"ENOENT", ENOENT},   {"EBUSY", EBUSY},
    {"ETIME", ETIME},	{"ENOSPC", ENOSPC},   {"EFAULT", EFAULT},   {"EPERM", EPERM},
    {"EIO", EIO},	{"EDEADLK", EDEADLK},
};

static int parse_errno(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(s, errnos[i].name) == 0)
			return errnos[i].err;
	return atoi(s);
}

static void parse_fail(const char *spec)
{
	char buf[512], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, ",", &save); tok && n_rules < 16;
	     tok = strtok_r(NULL, ",", &save)) {
		char *e = strchr(tok, ':'), *n;
		struct fail_rule *r = &rules[n_rules];

		if (!e || !(n = strchr(e + 1, ':'))) {
			fprintf(stderr, "vmshim: ignoring bad VMB_SHIM_FAIL entry '%s'\n", tok);
			continue;
		}
		*e++ = '\0';
		*n++ = '\0';
		snprintf(r->name, sizeof(r->name), "%s", tok);
		r->err = parse_errno(e);
		r->nth = strtoull(n, NULL, 10);
		if (r->err <= 0 || !r->nth) {
			fprintf(stderr, "vmshim: ignoring bad VMB_SHIM_FAIL entry '%s'\n", tok);
			continue;
		}
		n_rules++;
	}
}

int shim_inject(const char *name)
{
	unsigned int i;

	if (shim.dead)
		return -ENODEV;
	for (i = 0; i < n_rules; i++) {
		struct fail_rule *r = &rules[i];

		if (strcmp(r->name, name) != 0 || ++r->seen != r->nth)
			continue;
		if (r->err == ENODEV) {
			shim.dead = true;
			shim_lock_wake(); /* sleeping waits fail too */
		}
		return -r->err;
	}
	return 0;
}

static void json_ioctls(FILE *f)
{
	const char *sep = "";
	unsigned int nr, drvtab;

	fputc('{', f);
	for (drvtab = 0; drvtab < 2; drvtab++)
		for (nr = 0; nr < 256; nr++) {
			uint64_t n = shim.ioctl_count[drvtab][nr];
			const char *name;

			if (!n)
				continue;
			name = shim_ioctl_name(_IOC(0, 'd', nr, 0));
			fprintf(f, "%s\"%s\":%llu", sep, name ? name : "?", (unsigned long long)n);
			sep = ",";
		}
	fputc('}', f);
}

static void write_stats(void)
{
	const char *path = getenv("VMB_SHIM_STATS");
	struct vmb_model_live live;
	struct vmb_counters c;
	FILE *f;

	if (!path || !*path || !shim.model)
		return;
	shim_lock();
	vmb_model_live(shim.model, &live);
	vmb_model_finish(shim.model);
	vmb_model_counters(shim.model, &c);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "vmshim: cannot write %s: %s\n", path, strerror(errno));
		shim_unlock();
		return;
	}
	fprintf(f, "{\"driver\":\"%s\",\"ioctls\":", shim.drv->name);
	json_ioctls(f);
	fprintf(f, ",\"unknown_ioctls\":%llu", (unsigned long long)shim.unknown_ioctls);
	fprintf(f, ",\"device_lost\":%s", shim.dead ? "true" : "false");
	fprintf(f,
		",\"gpuvm\":{\"requests\":%llu,\"map\":%llu,\"remap\":%llu,\"unmap\":%llu,"
		"\"keep\":%llu}",
		(unsigned long long)c.gpuvm_requests, (unsigned long long)c.gpuvm_map,
		(unsigned long long)c.gpuvm_remap, (unsigned long long)c.gpuvm_unmap,
		(unsigned long long)c.gpuvm_keep);
	fprintf(f,
		",\"refcount\":{\"peak_bo_bytes\":%llu,\"peak_zombie_bytes\":%llu,"
		"\"implicit_unmaps\":%llu,\"leaked_bos\":%llu,\"cycles\":%llu}",
		(unsigned long long)c.peak_bo_bytes, (unsigned long long)c.peak_zombie_bytes,
		(unsigned long long)c.implicit_unmaps, (unsigned long long)c.leaked_bos,
		(unsigned long long)c.cycles);
	fprintf(f,
		",\"userptr\":{\"invalidations\":%llu,\"revalidations\":%llu,"
		"\"gpu_faults\":%llu}",
		(unsigned long long)c.userptr_invalidations,
		(unsigned long long)c.userptr_revalidations,
		(unsigned long long)c.userptr_gpu_faults);
	fprintf(
	    f,
	    ",\"gpu\":{\"jobs\":%llu,\"empty_jobs\":%llu,\"jobs_failed\":%llu,\"faults\":%llu,"
	    "\"unsupported\":%llu,\"hangs\":%llu,\"cancelled\":%llu,\"store_bytes\":%llu,"
	    "\"ufence_lost\":%llu,\"held_failed\":%llu}",
	    (unsigned long long)shim_gpu_stats.jobs, (unsigned long long)shim_gpu_stats.empty_jobs,
	    (unsigned long long)shim_gpu_stats.jobs_failed,
	    (unsigned long long)shim_gpu_stats.faults,
	    (unsigned long long)shim_gpu_stats.unsupported,
	    (unsigned long long)shim_gpu_stats.hangs, (unsigned long long)shim_gpu_stats.cancelled,
	    (unsigned long long)shim_gpu_stats.store_bytes,
	    (unsigned long long)shim_gpu_stats.ufence_lost,
	    (unsigned long long)shim_gpu_stats.held_failed);
	fprintf(f,
		",\"live\":{\"vms\":%llu,\"bos\":%llu,\"queues\":%llu,\"syncobjs\":%llu,"
		"\"mappings\":%llu}}\n",
		(unsigned long long)live.vms, (unsigned long long)live.bos,
		(unsigned long long)live.queues, (unsigned long long)live.syncobjs,
		(unsigned long long)live.mappings);
	fclose(f);
	shim_unlock();
}

int shim_stats_setup(void)
{
	const char *spec = getenv("VMB_SHIM_FAIL");

	if (spec && *spec)
		parse_fail(spec);
	atexit(write_stats);
	return 0;
}
