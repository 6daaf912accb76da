// SPDX-License-Identifier: MIT
/*
 * igt.c - vmbench-igt: the regression suite as an IGT-style test binary, so
 * labs that run IGT through igt_runner pick it up unchanged. Subtests are
 * TRACE-SYNC-REFCOUNT for every trace in the traces directory and every
 * strategy of the set; a subtest replays the trace with build/replay and
 * compares the result with the matching baseline result file using compare.
 *
 * Output and exit status follow IGT: "Starting subtest: NAME", then
 * "Subtest NAME: SUCCESS|FAIL|SKIP (1.234s)" (repeated on stderr when
 * IGT_SENTINEL_ON_STDERR is set, as igt_runner expects); exit 0 (pass),
 * 1 (fail), 77 (skip: no baseline, no replay program), 79 (no such subtest).
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define IGT_EXIT_SKIP 77
#define IGT_EXIT_INVALID 79

struct igt_opts {
	const char *traces_dir;
	const char *baseline_dir;
	const char *replay;
	const char *compare;
	const char *strategies;
	const char *replay_args;
	const char *compare_args;
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

/* run argv with stdout+stderr to @log; returns exit status or -1 */
static int run(char *const argv[], const char *log)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, ret;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
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

/* returns "SUCCESS", "FAIL" or "SKIP" */
static const char *run_subtest(const struct igt_opts *o, const struct subtest *t)
{
	char base[PATH_MAX], dir[] = "/tmp/vmbench-igt-XXXXXX", out[PATH_MAX], log[PATH_MAX];
	char sync[64], refc[64], rep[32], *argv[64], *k1 = NULL, *k2 = NULL;
	struct stat st;
	int a = 0, rc;
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
	snprintf(sync, sizeof(sync), "--sync=%s", t->sync);
	snprintf(refc, sizeof(refc), "--refcount=%s", t->refcount);
	snprintf(rep, sizeof(rep), "--repeat=%d", o->repeat);
	argv[a++] = (char *)o->replay;
	argv[a++] = sync;
	argv[a++] = refc;
	argv[a++] = rep;
	a = split_args(o->replay_args, argv, a, 58, &k1);
	argv[a++] = (char *)"-o";
	argv[a++] = out;
	argv[a++] = (char *)t->trace;
	argv[a] = NULL;
	rc = run(argv, log);
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
	argv[a++] = base;
	argv[a++] = (char *)"--";
	argv[a++] = out;
	argv[a] = NULL;
	rc = run(argv, log);
	cat(log, stdout);
	switch (rc) {
	case 0:
		res = "SUCCESS";
		break;
	case 1:
		fprintf(stderr, "regression against %s\n", base);
		res = "FAIL";
		break;
	case 125:
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
	rmdir(dir);
	free(k1);
	free(k2);
	return res;
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vmbench-igt [options]\n"
	    "\n"
	    "The vmbench regression suite as an IGT-style test binary: one subtest per\n"
	    "trace x strategy, named TRACE-SYNC-REFCOUNT; each replays the trace and\n"
	    "compares the result with BASELINE_DIR/TRACE.json (same trace, backend and\n"
	    "strategy). Without --run-subtest every subtest runs.\n"
	    "\n"
	    "  --list-subtests        print the subtest names and exit\n"
	    "  --run-subtest NAME     run the matching subtests: shell wildcards, a comma\n"
	    "                         list, '!' negates (as IGT: \"*-async-*,!*-weak\")\n"
	    "  --baseline-dir DIR     baseline results (no baseline: SKIP); also "
	    "$VMB_BASELINE_DIR\n"
	    "  --traces-dir DIR       traces (default: traces; also $VMB_TRACES_DIR)\n"
	    "  --strategies LIST      SYNC:REFCOUNT,... (default implicit:hard,implicit:weak,\n"
	    "                         async:hard,async:weak)\n"
	    "  --repeat N             replay repeats per subtest (default 3)\n"
	    "  --replay CMD           replay program (default build/replay, else replay on PATH)\n"
	    "  --compare CMD          compare program (default build/compare, else compare)\n"
	    "  --replay-args \"...\"    extra replay options (e.g. --backend=xe)\n"
	    "  --compare-args \"...\"   extra compare options (e.g. --metric bind_p99)\n"
	    "\n"
	    "Exit: 0 pass, 1 fail (regression), 77 skip, 79 unknown subtest. \"cannot\n"
	    "tell\" (compare 125)"
	    " passes with a WARNING on stderr, which igt_runner reports as warn.\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"list-subtests", no_argument, NULL, 'l'},
	    {"run-subtest", required_argument, NULL, 'r'},
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
	struct igt_opts o = {0};
	const char *pattern = NULL;
	bool list = false, sentinel = getenv("IGT_SENTINEL_ON_STDERR") != NULL;
	int c, pass = 0, fail = 0, skip = 0, matched = 0;
	size_t i;

	o.traces_dir = getenv("VMB_TRACES_DIR") ? getenv("VMB_TRACES_DIR") : "traces";
	o.baseline_dir = getenv("VMB_BASELINE_DIR");
	o.strategies = "implicit:hard,implicit:weak,async:hard,async:weak";
	o.replay = access("build/replay", X_OK) ? "replay" : "build/replay";
	o.compare = access("build/compare", X_OK) ? "compare" : "build/compare";
	o.repeat = 3;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = true;
			break;
		case 'r':
			pattern = optarg;
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
			o.repeat = atoi(optarg);
			if (o.repeat < 1) {
				fprintf(stderr, "vmbench-igt: bad --repeat\n");
				return 1;
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
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (build_list(&o))
		return 1;
	if (list) {
		for (i = 0; i < n_tests; i++)
			printf("%s\n", tests[i].name);
		return 0;
	}
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
		return 1;
	return pass ? 0 : IGT_EXIT_SKIP;
}
