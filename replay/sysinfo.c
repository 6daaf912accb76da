// SPDX-License-Identifier: MIT
/*
 * sysinfo.c - facts about the host recorded in a result's "env" object:
 * host name, kernel release, CPU model, and UTC timestamps.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "result.h"

static const char *copy_out(char *buf, size_t len, const char *s)
{
	if (len == 0)
		return buf;
	snprintf(buf, len, "%s", s && *s ? s : "unknown");
	return buf;
}

/**
 * vmb_sysinfo_host() - the host name (uname nodename)
 * @buf, @len: output buffer
 *
 * Return: @buf.
 */
const char *vmb_sysinfo_host(char *buf, size_t len)
{
	struct utsname u;

	return copy_out(buf, len, uname(&u) == 0 ? u.nodename : NULL);
}

/**
 * vmb_sysinfo_kernel() - the running kernel's release (uname release)
 * @buf, @len: output buffer
 *
 * Return: @buf.
 */
const char *vmb_sysinfo_kernel(char *buf, size_t len)
{
	struct utsname u;

	return copy_out(buf, len, uname(&u) == 0 ? u.release : NULL);
}

/* "key<spaces/tabs>: value" -> value with trailing blanks removed, or NULL */
static char *cpuinfo_value(char *line, const char *key)
{
	size_t n = strlen(key);
	char *p, *end;

	if (strncmp(line, key, n) != 0)
		return NULL;
	p = line + n;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != ':')
		return NULL;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return *p ? p : NULL;
}

/**
 * vmb_sysinfo_cpu() - the CPU model
 * @buf, @len: output buffer
 *
 * Takes the first "model name" of /proc/cpuinfo (x86, and arm64 on recent
 * kernels); falls back to "Hardware" or "cpu model" (other architectures),
 * then to the uname machine.
 *
 * Return: @buf.
 */
const char *vmb_sysinfo_cpu(char *buf, size_t len)
{
	static const char *const keys[] = {"model name", "Hardware", "cpu model", "cpu"};
	char fallback[256] = "";
	int fallback_rank = (int)(sizeof(keys) / sizeof(keys[0]));
	char line[512];
	struct utsname u;
	FILE *f;

	f = fopen("/proc/cpuinfo", "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			int i;

			for (i = 0; i < fallback_rank; i++) {
				char *v = cpuinfo_value(line, keys[i]);

				if (!v)
					continue;
				snprintf(fallback, sizeof(fallback), "%s", v);
				fallback_rank = i;
				break;
			}
			if (fallback_rank == 0)
				break;
		}
		fclose(f);
	}
	if (fallback[0])
		return copy_out(buf, len, fallback);
	return copy_out(buf, len, uname(&u) == 0 ? u.machine : NULL);
}

/**
 * vmb_sysinfo_utc() - format a time as UTC
 * @t: seconds since the epoch
 * @compact: false: ISO-8601 extended "2026-11-21T01:17:08Z"; true: the
 *           basic form "20261121T011708Z" used in file names
 * @buf, @len: output buffer
 *
 * Return: @buf.
 */
const char *vmb_sysinfo_utc(time_t t, bool compact, char *buf, size_t len)
{
	struct tm tm;

	if (len == 0)
		return buf;
	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, len, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &tm))
		copy_out(buf, len, NULL);
	return buf;
}
