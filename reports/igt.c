// SPDX-License-Identifier: MIT
/*
 * igt.c - vmbench-igt: the regression suite as an IGT-style test binary, so
 * labs that run IGT through igt_runner pick it up unchanged. Subtests are
 * TRACE-SYNC-REFCOUNT for every trace in the traces directory and every
 * strategy of the set; a subtest replays the trace with build/replay and
 * compares the result with the matching baseline result file using compare.
 *
 * Output and exit status follow IGT (lib/igt_core.c): an "IGT-Version:"
 * line, "Starting subtest: NAME", one dynamic subtest per deciding metric
 * ("Starting dynamic subtest: bind_p99" ... "Dynamic subtest bind_p99:
 * FAIL (0.000s)"), then "Subtest NAME: SUCCESS|FAIL|SKIP (1.234s)" (the
 * sentinels repeated on stderr when IGT_SENTINEL_ON_STDERR is set, as
 * igt_runner expects); exit 0 (pass), 98 (fail), 77 (every subtest
 * skipped: no baseline, no replay program), 79 (unknown subtest or bad
 * usage). Programs, traces and baselines are found relative to the
 * executable, so igt_runner can run it from any directory without extra
 * environment.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "resultset.h"

extern char **environ;

/* exit codes of lib/igt_core.h */
#define IGT_EXIT_SUCCESS 0
#define IGT_EXIT_SKIP 77
#define IGT_EXIT_INVALID 79
#define IGT_EXIT_FAILURE 98

#ifndef VMB_VERSION
#define VMB_VERSION "0"
#endif
#ifndef VMB_GIT_SHA
#define VMB_GIT_SHA "unknown"
#endif

struct igt_opts {
	const char *traces_dir;
	const char *baseline_dir;
	const char *replay;
	const char *compare;
	const char *strategies;
	const char *replay_args;
	const char *compare_args;
	const char *device;
	const char *dynamic;
	bool debug;
	int repeat;
};

struct subtest {
	char name[400];
	char trace[PATH_MAX];
	char base[256]; /* trace file name without .json/.jsonl */
	char sync[32], refcount[32];
};

static struct subtest *tests;
static size_t n_tests;

static void add_test(const char *dir, const char *file, const char *sync, const char *refc)
{
	struct subtest *t;
	char *dot;

	tests = realloc(tests, (n_tests + 1) * sizeof(*tests));
	if (!tests) {
		fprintf(stderr, "vmbench-igt: out of memory\n");
		exit(1);
	}
	t = &tests[n_tests++];
	memset(t, 0, sizeof(*t));
	snprintf(t->trace, sizeof(t->trace), "%s/%s", dir, file);
	snprintf(t->base, sizeof(t->base), "%s", file);
	dot = strstr(t->base, ".json");
	if (dot)
		*dot = 0;
	snprintf(t->sync, sizeof(t->sync), "%s", sync);
	snprintf(t->refcount, sizeof(t->refcount), "%s", refc);
	snprintf(t->name, sizeof(t->name), "%s-%s-%s", t->base, sync, refc);
	/* IGT subtest names are [A-Za-z0-9_-] only */
	for (char *p = t->name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			*p = '-';
}

/* strategies: "implicit:hard,implicit:weak,async:hard,async:weak" */
static int build_list(const struct igt_opts *o)
{
	struct dirent **ents;
	int n, i;

	n = scandir(o->traces_dir, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "vmbench-igt: %s: %s\n", o->traces_dir, strerror(errno));
		return -errno;
	}
	for (i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		char *list, *tok, *save = NULL;

		if (nm[0] != '.' && (strstr(nm, ".json") || strstr(nm, ".jsonl"))) {
			list = strdup(o->strategies);
			for (tok = strtok_r(list, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				char *colon = strchr(tok, ':');

				if (!colon) {
					fprintf(
					    stderr,
					    "vmbench-igt: bad strategy '%s' (want SYNC:REFCOUNT)\n",
					    tok);
					free(list);
					return -EINVAL;
				}
				*colon = 0;
				add_test(o->traces_dir, nm, tok, colon + 1);
			}
			free(list);
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}

/* run argv with stdout to @log and stderr to @errlog (NULL: to @log too); exit status or -1 */
static int run(char *const argv[], const char *log, const char *errlog)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, ret;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (errlog)
		posix_spawn_file_actions_addopen(&fa, 2, errlog, O_WRONLY | O_CREAT | O_TRUNC,
						 0644);
	else
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	ret = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret) {
		fprintf(stderr, "vmbench-igt: %s: %s\n", argv[0], strerror(ret));
		return -1;
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void cat(const char *path, FILE *to)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n;

	if (!f)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, to);
	fclose(f);
}

/* split a space-separated option string into argv slots */
static int split_args(const char *s, char **argv, int at, int max, char **keep)
{
	char *dup, *tok, *save = NULL;

	if (!s || !*s)
		return at;
	dup = strdup(s);
	*keep = dup;
	for (tok = strtok_r(dup, " ", &save); tok && at < max; tok = strtok_r(NULL, " ", &save))
		argv[at++] = tok;
	return at;
}

/*
 * --run-subtest patterns as IGT takes them: a comma-separated list of
 * shell wildcards, '!' in front negates, the last element that matches
 * decides ("basic*,!basic-render*").
 */
static bool subtest_matches(const char *name, const char *pattern)
{
	char *dup = strdup(pattern), *tok, *save = NULL;
	bool match = false;

	if (!dup)
		return false;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool neg = tok[0] == '!';

		if (!fnmatch(tok + neg, name, 0))
			match = !neg;
	}
	free(dup);
	return match;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool sentinel;

static void debug_argv(const struct igt_opts *o, char *const argv[])
{
	if (!o->debug)
		return;
	printf("(vmbench-igt:%d) DEBUG: running", (int)getpid());
	for (; *argv; argv++)
		printf(" %s", *argv);
	printf("\n");
}

/* "drm:/dev/dri/renderD128" or a path: the render node; NULL for other filters */
static const char *device_path(const char *filter)
{
	if (!strncmp(filter, "drm:", 4))
		return filter + 4;
	if (filter[0] == '/')
		return filter;
	return NULL;
}

/*
 * One dynamic subtest per deciding metric of compare's JSON verdict (IGT's
 * igt_dynamic(): the cases a subtest finds at run time). Returns the
 * number printed.
 */
static int dynamic_results(const char *json_path, const struct subtest *t)
{
	json_t *doc = json_load_file(json_path, 0, NULL), *groups, *rows, *r;
	char want_sync[48], want_refc[48], padded[1024];
	size_t gi, ri;
	int n = 0;

	snprintf(want_sync, sizeof(want_sync), " sync=%s ", t->sync);
	snprintf(want_refc, sizeof(want_refc), " refcount=%s ", t->refcount);
	groups = json_object_get(doc, "groups");
	json_array_foreach (groups, gi, r) {
		const char *key = json_string_value(json_object_get(r, "group"));

		/* the subtest's own strategy (a result may carry others): " k=v ... " */
		if (!key)
			continue;
		snprintf(padded, sizeof(padded), " %s ",
			 strrchr(key, '|') ? strrchr(key, '|') + 1 : key);
		if (!strstr(padded, want_sync) || !strstr(padded, want_refc))
			continue;
		rows = json_object_get(r, "metrics");
		json_array_foreach (rows, ri, r) {
			const char *name = json_string_value(json_object_get(r, "metric"));
			const char *v = json_string_value(json_object_get(r, "verdict"));
			json_t *p = json_object_get(r, "p_holm"), *lo = json_object_get(r, "ci_lo");
			json_t *ratio = json_object_get(r, "ratio");
			const char *res = v && !strcmp(v, "REGRESSION") ? "FAIL" : "SUCCESS";

			if (!name || !v || !json_is_true(json_object_get(r, "decides")))
				continue;
			n++;
			printf("Starting dynamic subtest: %s\n", name);
			if (sentinel)
				fprintf(stderr, "Starting dynamic subtest: %s\n", name);
			printf("%s: %g -> %g", name, json_number_value(json_object_get(r, "base")),
			       json_number_value(json_object_get(r, "new")));
			if (json_is_number(ratio))
				printf(" (x%.3f", json_number_value(ratio));
			else
				printf(" (-");
			if (json_is_number(lo))
				printf(", CI x%.3f..x%.3f", json_number_value(lo),
				       json_number_value(json_object_get(r, "ci_hi")));
			if (json_is_number(p))
				printf(", p=%.4g", json_number_value(p));
			printf(") %s\n", v);
			if (!strcmp(v, "noisy"))
				fprintf(stderr, "(vmbench-igt:%d) WARNING: %s: cannot tell (%s)\n",
					(int)getpid(), name,
					json_string_value(json_object_get(r, "why"))
					    ? json_string_value(json_object_get(r, "why"))
					    : "noisy");
			printf("Dynamic subtest %s: %s (0.000s)\n", name, res);
			if (sentinel)
				fprintf(stderr, "Dynamic subtest %s: %s (0.000s)\n", name, res);
		}
	}
	fflush(stdout);
	fflush(stderr);
	json_decref(doc);
	return n;
}

/* returns "SUCCESS", "FAIL" or "SKIP" */
static const char *run_subtest(const struct igt_opts *o, const struct subtest *t)
{
	char base[PATH_MAX], dir[] = "/tmp/vmbench-igt-XXXXXX", out[PATH_MAX], log[PATH_MAX];
	char js[PATH_MAX], sync[64], refc[64], rep[32], dev[PATH_MAX + 16], *argv[256];
	char *k1 = NULL, *k2 = NULL;
	struct stat st;
	int a = 0, rc, ndyn;
	size_t i;
	const char *res;

	snprintf(base, sizeof(base), "%s/%s.json", o->baseline_dir ? o->baseline_dir : "", t->base);
	if (!o->baseline_dir) {
		printf("Test requirement not met: no baseline directory (--baseline-dir)\n");
		return "SKIP";
	}
	if (stat(base, &st)) {
		printf("Test requirement not met: no baseline %s\n", base);
		return "SKIP";
	}
	if (!mkdtemp(dir)) {
		printf("mkdtemp: %s\n", strerror(errno));
		return "FAIL";
	}
	snprintf(out, sizeof(out), "%s/result.json", dir);
	snprintf(log, sizeof(log), "%s/log.txt", dir);
	snprintf(js, sizeof(js), "%s/compare.json", dir);
	snprintf(sync, sizeof(sync), "--sync=%s", t->sync);
	snprintf(refc, sizeof(refc), "--refcount=%s", t->refcount);
	snprintf(rep, sizeof(rep), "--repeat=%d", o->repeat);
	argv[a++] = (char *)o->replay;
	argv[a++] = sync;
	argv[a++] = refc;
	argv[a++] = rep;
	if (o->device) {
		argv[a++] = (char *)"--backend=auto";
		if (device_path(o->device)) {
			snprintf(dev, sizeof(dev), "--device=%s", device_path(o->device));
			argv[a++] = dev;
		}
	}
	a = split_args(o->replay_args, argv, a, 58, &k1);
	argv[a++] = (char *)"-o";
	argv[a++] = out;
	argv[a++] = (char *)t->trace;
	argv[a] = NULL;
	debug_argv(o, argv);
	rc = run(argv, log, NULL);
	if (o->debug)
		cat(log, stdout);
	if (rc < 0 || stat(out, &st)) {
		cat(log, stderr);
		if (rc < 0) {
			printf("Test requirement not met: cannot run %s\n", o->replay);
			res = "SKIP";
		} else {
			fprintf(stderr, "replay exited %d without a result\n", rc);
			res = "FAIL";
		}
		goto out;
	}
	a = 0;
	argv[a++] = (char *)o->compare;
	a = split_args(o->compare_args, argv, a, 58, &k2);
	/* --dynamic-subtest: only the matching metrics decide (and form the Holm family) */
	for (i = 0, ndyn = 0; o->dynamic && i < vmb_n_metrics && a < 240; i++) {
		if (!subtest_matches(vmb_metrics[i].name, o->dynamic))
			continue;
		argv[a++] = (char *)"--metric";
		argv[a++] = (char *)vmb_metrics[i].name;
		ndyn++;
	}
	if (o->dynamic && !ndyn) {
		printf("Test requirement not met: no metric matches --dynamic-subtest %s\n",
		       o->dynamic);
		res = "SKIP";
		goto out;
	}
	argv[a++] = (char *)"--format=json";
	argv[a++] = base;
	argv[a++] = (char *)"--";
	argv[a++] = out;
	argv[a] = NULL;
	debug_argv(o, argv);
	rc = run(argv, js, log);
	cat(log, stderr);
	ndyn = dynamic_results(js, t);
	switch (rc) {
	case 0:
		res = "SUCCESS";
		break;
	case 1:
		fprintf(stderr, "regression against %s\n", base);
		res = "FAIL";
		break;
	case 125:
		if (!ndyn) {
			/* the baseline lacks this backend/strategy: nothing to compare with */
			printf("Test requirement not met: %s has no runs of this strategy\n", base);
			res = "SKIP";
			break;
		}
		/* igt_runner turns a passing subtest with a WARNING on stderr into "warn" */
		fprintf(stderr,
			"(vmbench-igt:%d) WARNING: cannot tell: too noisy or too few runs "
			"against %s\n",
			(int)getpid(), base);
		res = "SUCCESS";
		break;
	default:
		fprintf(stderr, "compare failed with status %d\n", rc);
		res = "FAIL";
	}
out:
	unlink(out);
	unlink(log);
	unlink(js);
	rmdir(dir);
	free(k1);
	free(k2);
	return res;
}

/* where the tools and data are, relative to this executable (build/ or BINDIR) */
static char self_dir[PATH_MAX];

static void find_self(void)
{
	ssize_t n = readlink("/proc/self/exe", self_dir, sizeof(self_dir) - 1);
	char *slash;

	if (n <= 0) {
		self_dir[0] = 0;
		return;
	}
	self_dir[n] = 0;
	slash = strrchr(self_dir, '/');
	if (slash)
		*slash = 0;
}

/* the first of @rel (relative to the executable's directory) that exists, else NULL */
static const char *near_self(const char *const *rel, bool want_dir)
{
	static char found[8][PATH_MAX + 64];
	static int slot;
	char *p = found[slot++ % 8];
	struct stat st;

	for (; self_dir[0] && *rel; rel++) {
		snprintf(p, PATH_MAX + 64, "%s/%s", self_dir, *rel);
		if (!stat(p, &st) && (want_dir ? S_ISDIR(st.st_mode) : !access(p, X_OK)))
			return p;
	}
	return NULL;
}

static const char *default_prog(const char *name)
{
	const char *in_tree[] = {name, NULL};
	char rel[64];
	const char *libexec[] = {rel, NULL}, *p;

	p = near_self(in_tree, false);
	if (p)
		return p;
	snprintf(rel, sizeof(rel), "../libexec/vmbench/%s", name);
	p = near_self(libexec, false);
	if (p)
		return p;
	return name; /* PATH */
}

static void print_version(void)
{
	struct utsname uts;

	if (uname(&uts))
		memset(&uts, 0, sizeof(uts));
	/* the layout of IGT's print_version(), which igt_runner and parsers expect */
	printf("IGT-Version: vmbench-%s-%s (%s) (%s: %s %s)\n", VMB_VERSION, VMB_GIT_SHA,
	       uts.machine, uts.sysname, uts.release, uts.machine);
	fflush(stdout);
}

static void describe(const struct igt_opts *o, const char *pattern)
{
	size_t i;

	printf("Replays vmbench traces under VM bind/sync strategies and compares the\n"
	       "measurements with a baseline result; dynamic subtests are the metrics.\n\n");
	for (i = 0; i < n_tests; i++) {
		if (pattern && !subtest_matches(tests[i].name, pattern))
			continue;
		printf("SUB %s %s:%d:\n", tests[i].name, __FILE__, __LINE__);
		printf("  Replay %s with --sync=%s --refcount=%s (%d repeats) and compare\n"
		       "  every metric with %s/%s.json: FAIL on a regression,\n"
		       "  SKIP without a baseline for this strategy.\n\n",
		       tests[i].trace, tests[i].sync, tests[i].refcount, o->repeat,
		       o->baseline_dir ? o->baseline_dir : "BASELINE_DIR", tests[i].base);
	}
}

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: vmbench-igt [options]\n"
	       "\n"
	       "The vmbench regression suite as an IGT test binary: one subtest per\n"
	       "trace x strategy, named TRACE-SYNC-REFCOUNT; each replays the trace and\n"
	       "compares the result with BASELINE_DIR/TRACE.json (same trace, backend and\n"
	       "strategy), one dynamic subtest per deciding metric. Without --run-subtest\n"
	       "every subtest runs.\n"
	       "\n"
	       "IGT options:\n"
	       "  --list-subtests        print the subtest names and exit\n"
	       "  --run-subtest NAME     run the matching subtests: shell wildcards, a comma\n"
	       "                         list, '!' negates (as IGT: \"*-async-*,!*-weak\")\n"
	       "  --dynamic-subtest M    only the matching metrics (dynamic subtests) decide,\n"
	       "                         e.g. \"bind_p99,submit_*\"\n"
	       "  --describe[=PATTERN]   describe the (matching) subtests and exit\n"
	       "  --device FILTER        the device: drm:/dev/dri/renderDN or a path (replays\n"
	       "                         with --backend=auto on it); also $IGT_DEVICE\n"
	       "  --debug[=DOMAIN]       print the commands run and the replay output\n"
	       "  -h, --help             this text\n"
	       "\n"
	       "vmbench options:\n"
	       "  --baseline-dir DIR     baseline results (no baseline: SKIP); default\n"
	       "                         $VMB_BASELINE_DIR, else PREFIX/share/vmbench/baselines\n"
	       "                         or the tree's baselines/ when they exist\n"
	       "  --traces-dir DIR       traces; default $VMB_TRACES_DIR, else the tree's traces/\n"
	       "                         next to build/, else the installed "
	       "PREFIX/share/vmbench/traces\n"
	       "  --strategies LIST      SYNC:REFCOUNT,... (default implicit:hard,implicit:weak,\n"
	       "                         async:hard,async:weak)\n"
	       "  --repeat N             replay repeats per subtest (default 5)\n"
	       "  --replay CMD           replay program (default: next to this program, else\n"
	       "                         ../libexec/vmbench, else PATH)\n"
	       "  --compare CMD          compare program (found the same way)\n"
	       "  --replay-args \"...\"    extra replay options (e.g. --backend=xe)\n"
	       "  --compare-args \"...\"   extra compare options (e.g. --threshold 10)\n"
	       "\n"
	       "Exit (IGT's codes): 0 pass, 98 fail (a regression), 77 every subtest skipped,\n"
	       "79 unknown subtest or bad usage. \"Cannot tell\" (compare 125) passes with a\n"
	       "WARNING on stderr, which igt_runner reports as warn.\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"list-subtests", no_argument, NULL, 'l'},
	    {"run-subtest", required_argument, NULL, 'r'},
	    {"dynamic-subtest", required_argument, NULL, 'y'},
	    {"describe", optional_argument, NULL, 'D'},
	    {"device", required_argument, NULL, 'd'},
	    {"debug", optional_argument, NULL, 'g'},
	    {"baseline-dir", required_argument, NULL, 'b'},
	    {"traces-dir", required_argument, NULL, 't'},
	    {"strategies", required_argument, NULL, 's'},
	    {"repeat", required_argument, NULL, 'n'},
	    {"replay", required_argument, NULL, 'R'},
	    {"compare", required_argument, NULL, 'C'},
	    {"replay-args", required_argument, NULL, 'A'},
	    {"compare-args", required_argument, NULL, 'B'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	/* the tree (build/..), and an install (PREFIX/lib/vmbench, or PREFIX/bin) */
	static const char *const traces_rel[] = {"../traces", "../../share/vmbench/traces",
						 "../share/vmbench/traces", NULL};
	static const char *const base_rel[] = {"../baselines", "../../share/vmbench/baselines",
					       "../share/vmbench/baselines", NULL};
	struct igt_opts o = {0};
	const char *pattern = NULL, *desc = NULL;
	bool list = false, want_desc = false;
	int c, pass = 0, fail = 0, skip = 0, matched = 0;
	char *end;
	size_t i;

	sentinel = getenv("IGT_SENTINEL_ON_STDERR") != NULL;
	find_self();
	o.traces_dir = getenv("VMB_TRACES_DIR");
	if (!o.traces_dir)
		o.traces_dir = near_self(traces_rel, true);
	if (!o.traces_dir)
		o.traces_dir = "traces";
	o.baseline_dir = getenv("VMB_BASELINE_DIR");
	if (!o.baseline_dir)
		o.baseline_dir = near_self(base_rel, true);
	o.device = getenv("IGT_DEVICE");
	o.strategies = "implicit:hard,implicit:weak,async:hard,async:weak";
	o.replay = default_prog("replay");
	o.compare = default_prog("compare");
	o.repeat = 5;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = true;
			break;
		case 'r':
			pattern = optarg;
			break;
		case 'y':
			o.dynamic = optarg;
			break;
		case 'D':
			want_desc = true;
			desc = optarg;
			break;
		case 'd':
			o.device = optarg;
			break;
		case 'g':
			o.debug = true;
			break;
		case 'b':
			o.baseline_dir = optarg;
			break;
		case 't':
			o.traces_dir = optarg;
			break;
		case 's':
			o.strategies = optarg;
			break;
		case 'n':
			o.repeat = (int)strtol(optarg, &end, 10);
			if (*end || o.repeat < 1 || o.repeat > 10000) {
				fprintf(stderr, "vmbench-igt: bad --repeat '%s'\n", optarg);
				return IGT_EXIT_INVALID;
			}
			break;
		case 'R':
			o.replay = optarg;
			break;
		case 'C':
			o.compare = optarg;
			break;
		case 'A':
			o.replay_args = optarg;
			break;
		case 'B':
			o.compare_args = optarg;
			break;
		case 'h':
			usage(stdout);
			return IGT_EXIT_SUCCESS;
		default:
			usage(stderr);
			return IGT_EXIT_INVALID;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vmbench-igt: unexpected argument '%s'\n", argv[optind]);
		return IGT_EXIT_INVALID;
	}
	if (o.device && !device_path(o.device))
		fprintf(stderr,
			"vmbench-igt: device filter '%s' is not drm:PATH; replaying "
			"with --backend=auto\n",
			o.device);
	if (build_list(&o))
		return IGT_EXIT_INVALID;
	if (list) {
		for (i = 0; i < n_tests; i++)
			printf("%s\n", tests[i].name);
		return IGT_EXIT_SUCCESS;
	}
	if (want_desc) {
		describe(&o, desc);
		return IGT_EXIT_SUCCESS;
	}
	print_version();
	if (o.debug)
		printf("(vmbench-igt:%d) DEBUG: traces %s, baselines %s, replay %s, compare %s\n",
		       (int)getpid(), o.traces_dir, o.baseline_dir ? o.baseline_dir : "(none)",
		       o.replay, o.compare);
	for (i = 0; i < n_tests; i++) {
		const char *res;
		double t0;

		if (pattern && !subtest_matches(tests[i].name, pattern))
			continue;
		matched++;
		printf("Starting subtest: %s\n", tests[i].name);
		fflush(stdout);
		/* igt_runner splits stderr per subtest with these sentinels */
		if (sentinel)
			fprintf(stderr, "Starting subtest: %s\n", tests[i].name);
		t0 = now_s();
		res = run_subtest(&o, &tests[i]);
		printf("Subtest %s: %s (%.3fs)\n", tests[i].name, res, now_s() - t0);
		fflush(stdout);
		if (sentinel)
			fprintf(stderr, "Subtest %s: %s (%.3fs)\n", tests[i].name, res,
				now_s() - t0);
		fflush(stderr);
		if (!strcmp(res, "SUCCESS"))
			pass++;
		else if (!strcmp(res, "FAIL"))
			fail++;
		else
			skip++;
	}
	free(tests);
	if (pattern && !matched) {
		fprintf(stderr, "Unknown subtest: %s\n", pattern);
		return IGT_EXIT_INVALID;
	}
	if (fail)
		return IGT_EXIT_FAILURE;
	return pass ? IGT_EXIT_SUCCESS : IGT_EXIT_SKIP;
}
