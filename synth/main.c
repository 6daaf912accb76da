// SPDX-License-Identifier: MIT
/*
 * main.c - `synth`: generate a synthetic vmbench trace.
 *
 *   synth ARCHETYPE [--driver D] [--seed N] [--frames N | --seconds S]
 *         [--param k=v ...] -o FILE(.json|.jsonl)
 *   synth --list
 *
 * The archetype registry lives here; the generators live in arch_*.c,
 * scenarios.c and patterns.c. The same arguments always give the same bytes.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#include "synth.h"

static const struct vmb_archetype *const families[] = {
    vmb_arch_games, vmb_arch_sparse, vmb_arch_compute, vmb_arch_scenarios, vmb_arch_patterns,
};

#define for_each_arch(a)                                                                           \
	for (size_t fi_ = 0; fi_ < sizeof(families) / sizeof(families[0]); fi_++)                  \
		for (a = families[fi_]; a->name; a++)

static const struct vmb_archetype *arch_find(const char *name)
{
	const struct vmb_archetype *a;

	for_each_arch(a) if (!strcmp(a->name, name)) return a;
	return NULL;
}

static int param_index(const struct vmb_archetype *a, const char *name)
{
	for (int i = 0; a->params && a->params[i].name; i++)
		if (!strcmp(a->params[i].name, name))
			return i;
	return -1;
}

/**
 * vmb_synth_param() - a parameter's value
 * @s: generator
 * @name: parameter name; must be declared by the archetype
 *
 * Return: the value (default or --param).
 */
double vmb_synth_param(const struct vmb_synth *s, const char *name)
{
	int i = param_index(s->arch, name);

	if (i < 0) {
		fprintf(stderr, "synth: internal error: %s has no parameter %s\n", s->arch->name,
			name);
		abort();
	}
	return s->pv[i];
}

/**
 * vmb_synth_param_u64() - a parameter's value as an unsigned integer
 * @s: generator
 * @name: parameter name
 *
 * Return: the value rounded to the nearest integer, 0 if negative.
 */
uint64_t vmb_synth_param_u64(const struct vmb_synth *s, const char *name)
{
	double v = vmb_synth_param(s, name);

	return v <= 0 ? 0 : (uint64_t)llround(v);
}

static void fmt_num(char *buf, size_t len, double v)
{
	if (v == (double)(int64_t)v && fabs(v) < 1e15)
		snprintf(buf, len, "%lld", (long long)v);
	else
		snprintf(buf, len, "%.10g", v);
}

static void list(void)
{
	const struct vmb_archetype *a;
	char num[40];

	printf("synth archetypes (name [family] default driver, drivers, default frames):\n");
	for_each_arch(a)
	{
		printf("\n%s  [%s]\n    %s\n    driver %s; drivers", a->name, a->family, a->desc,
		       vmb_driver_name(a->driver));
		for (int d = 1; d < VMB_DRIVER_COUNT; d++)
			if (a->drivers & DRV(d))
				printf(" %s", vmb_driver_name(d));
		printf("; frames %llu\n", (unsigned long long)a->frames);
		for (int i = 0; a->params && a->params[i].name; i++) {
			fmt_num(num, sizeof(num), a->params[i].def);
			printf("      %-22s %-10s %s\n", a->params[i].name, num, a->params[i].help);
		}
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: synth ARCHETYPE [--driver D] [--seed N] [--frames N | --seconds S]\n"
		"             [--param k=v ...] -o FILE.json|FILE.jsonl\n"
		"       synth --list\n"
		"Generates a deterministic synthetic trace (same arguments, same bytes).\n"
		"  -d, --driver D    xe, amdgpu, nouveau, msm, panthor (default: the archetype's)\n"
		"  -s, --seed N      PRNG seed (default 1)\n"
		"  -f, --frames N    length in frames (loop iterations)\n"
		"  -S, --seconds S   length in seconds of the archetype's frame rate\n"
		"  -p, --param k=v   set an archetype parameter (see --list)\n"
		"  -o, --output FILE output; .jsonl gives JSON Lines\n"
		"  -l, --list        list archetypes, their parameters and defaults\n");
}

static char *source_json(const struct vmb_synth *s)
{
	size_t len = 0;
	char *buf = NULL, num[40];
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f,
		"{\"kind\":\"synthetic\",\"generator\":\"vmbench-synth\",\"version\":\"%s\","
		"\"archetype\":\"%s\",\"driver\":\"%s\",\"seed\":%llu,\"frames\":%llu,\"params\":{",
		VMB_VERSION, s->arch->name, vmb_driver_name(s->driver), (unsigned long long)s->seed,
		(unsigned long long)s->frames);
	for (int i = 0; s->arch->params && s->arch->params[i].name; i++) {
		fmt_num(num, sizeof(num), s->pv[i]);
		fprintf(f, "%s\"%s\":%s", i ? "," : "", s->arch->params[i].name, num);
	}
	fprintf(f, "}}");
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || !*s || *end || *s == '-' ? -EINVAL : 0;
}

/* Return: the exit status: 0, 1 generation failed, 2 the output failed */
static int generate(struct vmb_synth *s, const char *path)
{
	struct vmb_trace_header hdr = {.driver = s->driver, .page_size = 4096};
	struct vmb_outfile of;
	char err[PATH_MAX + 128];
	int ret, ret2;

	ret = vmb_outfile_open(&of, path, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "synth: %s\n", err);
		return 2;
	}
	hdr.source_json = source_json(s);
	if (!hdr.source_json) {
		vmb_outfile_abort(&of);
		return 1;
	}
	ret = vmb_trace_writer_open(of.f, &hdr, ends_with(path, ".jsonl"), &s->w);
	free((char *)hdr.source_json);
	if (ret) {
		vmb_outfile_abort(&of);
		fprintf(stderr, "synth: %s: cannot start the trace: %s\n", path, strerror(-ret));
		return of.err ? 2 : 1;
	}
	s->tid = 1;
	ret = vmb_lower_init(s);
	if (!ret)
		ret = s->arch->gen(s);
	vmb_lower_fini(s);
	ret2 = vmb_trace_writer_close(s->w);
	if (!ret)
		ret = ret2;
	if (ret) {
		/* a write error keeps its own errno (ENOSPC, not EIO) */
		int out_err = of.err;

		vmb_outfile_abort(&of);
		fprintf(stderr, "synth: %s: %s: %s%s\n", s->arch->name, path,
			out_err ? "write failed: " : "", strerror(-(out_err ? out_err : ret)));
		return out_err ? 2 : 1;
	}
	if (vmb_outfile_commit(&of, err, sizeof(err))) {
		fprintf(stderr, "synth: %s: %s\n", s->arch->name, err);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"driver", required_argument, NULL, 'd'},
	    {"seed", required_argument, NULL, 's'},
	    {"frames", required_argument, NULL, 'f'},
	    {"seconds", required_argument, NULL, 'S'},
	    {"param", required_argument, NULL, 'p'},
	    {"output", required_argument, NULL, 'o'},
	    {"list", no_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *driver = NULL, *out = NULL, *kv[64];
	char errbuf[PATH_MAX + 128];
	struct vmb_synth s = {.seed = 1};
	double seconds = -1;
	uint64_t frames = 0;
	size_t n_kv = 0;
	int c, i;

	while ((c = getopt_long(argc, argv, "d:s:f:S:p:o:lh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			driver = optarg;
			break;
		case 's':
			if (parse_u64(optarg, &s.seed))
				goto bad_num;
			break;
		case 'f':
			if (parse_u64(optarg, &frames) || !frames)
				goto bad_num;
			break;
		case 'S': {
			char *end;

			seconds = strtod(optarg, &end);
			if (*end || !(seconds > 0) || !isfinite(seconds))
				goto bad_num;
			break;
		}
		case 'p':
			if (n_kv == sizeof(kv) / sizeof(kv[0])) {
				fprintf(stderr, "synth: too many --param\n");
				return 2;
			}
			kv[n_kv++] = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'l':
			list();
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || !out) {
		usage(stderr);
		return 2;
	}
	if (vmb_outfile_check(out, NULL, errbuf, sizeof(errbuf))) {
		fprintf(stderr, "synth: %s\n", errbuf);
		return 2;
	}
	s.arch = arch_find(argv[optind]);
	if (!s.arch) {
		fprintf(stderr, "synth: unknown archetype '%s' (see synth --list)\n", argv[optind]);
		return 2;
	}
	s.driver = s.arch->driver;
	if (driver && vmb_driver_parse(driver, &s.driver)) {
		fprintf(stderr, "synth: unknown driver '%s'\n", driver);
		return 2;
	}
	if (!(s.arch->drivers & DRV(s.driver))) {
		fprintf(stderr, "synth: %s cannot be lowered to driver %s\n", s.arch->name,
			vmb_driver_name(s.driver));
		return 2;
	}
	for (i = 0; s.arch->params && s.arch->params[i].name; i++)
		s.pv[i] = s.arch->params[i].def;
	for (size_t k = 0; k < n_kv; k++) {
		const char *eq = strchr(kv[k], '=');
		char name[64], *end;

		if (!eq || (size_t)(eq - kv[k]) >= sizeof(name)) {
			fprintf(stderr, "synth: --param wants name=value, got '%s'\n", kv[k]);
			return 2;
		}
		memcpy(name, kv[k], eq - kv[k]);
		name[eq - kv[k]] = '\0';
		i = param_index(s.arch, name);
		if (i < 0) {
			fprintf(stderr, "synth: %s has no parameter '%s' (see synth --list)\n",
				s.arch->name, name);
			return 2;
		}
		s.pv[i] = strtod(eq + 1, &end);
		if (end == eq + 1 || *end || !isfinite(s.pv[i])) {
			fprintf(stderr, "synth: bad value in --param %s\n", kv[k]);
			return 2;
		}
	}
	s.fps = param_index(s.arch, "fps") >= 0 ? vmb_synth_param(&s, "fps") : 60;
	if (!(s.fps > 0)) {
		fprintf(stderr, "synth: fps must be > 0\n");
		return 2;
	}
	s.frames = frames ? frames : s.arch->frames;
	if (seconds > 0)
		s.frames = (uint64_t)ceil(seconds * s.fps);
	vmb_rng_seed(&s.rng, s.seed);
	vmb_rng_seed(&s.trng, s.seed ^ 0x7061636564ull); /* "paced" */
	return generate(&s, out);

bad_num:
	fprintf(stderr, "synth: bad number '%s'\n", optarg);
	return 2;
}
