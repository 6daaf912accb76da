// SPDX-License-Identifier: MIT
/*
 * launcher.c - the `capture` command: run a program with libvmcapture.so
 * preloaded, wait for it, list the trace files it and its children wrote,
 * print a one-line summary, and exit with the program's status.
 *
 *   capture [-o FILE] [--flush-ms N] [--only-driver D] [--clock C] [-q] -- CMD ARGS...
 *
 * The root process writes FILE, every other process that makes recorded
 * DRM ioctls writes FILE.<pid> (FILE.<pid>.<n> after an exec); for a FILE
 * named <stem>.jsonl these are <stem>.<pid>.jsonl and <stem>.<pid>.<n>.jsonl.
 * Processes without DRM ioctls write nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"
#include "trace.h"

static pid_t child;

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: capture [-o FILE] [--flush-ms N] [--only-driver D] [--clock C] [-q] -- CMD\n"
	       "               [ARGS...]\n"
	       "\n"
	       "Run CMD with libvmcapture.so preloaded and record the GPU VM ioctls of\n"
	       "CMD and its children as vmbench traces (JSON Lines).\n"
	       "\n"
	       "  -o FILE            trace of the root process (default vmbench-capture.jsonl);\n"
	       "                     other processes write FILE.<pid>\n"
	       "  --flush-ms N       write recorded ops every N ms (default 100); a killed\n"
	       "                     program loses at most the last N ms\n"
	       "  --only-driver D    record only DRM files of driver D (xe, amdgpu, nouveau,\n"
	       "                     panthor, msm)\n"
	       "  --clock C          timestamps from: auto (the CPU's time-stamp counter when\n"
	       "                     the kernel's clocksource is tsc, else CLOCK_MONOTONIC;\n"
	       "                     the default) or monotonic (always clock_gettime)\n"
	       "  -q                 no summary line\n"
	       "  -h, --help         this text\n");
}

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/* our directory's libvmcapture.so, or the installed one */
static int find_lib(char *out, size_t n)
{
	char exe[PATH_MAX], dir[PATH_MAX];
	const char *env = getenv("VMB_CAPTURE_LIB");
	ssize_t len;
	const char *cand[] = {"%s/libvmcapture.so", "%s/../lib/vmbench/libvmcapture.so"};

	if (env && *env && !access(env, R_OK))
		return realpath(env, out) ? 0 : -1;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return -1;
	exe[len] = 0;
	snprintf(dir, sizeof(dir), "%s", dirname(exe));
	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		char path[PATH_MAX * 2];

		snprintf(path, sizeof(path), cand[i], dir);
		if (!access(path, R_OK) && realpath(path, out))
			return 0;
	}
	(void)n;
	return -1;
}

/* FILE made absolute, so children that chdir still write next to it */
static int absolute_out(const char *file, char *out)
{
	char copy1[PATH_MAX], copy2[PATH_MAX], dir[PATH_MAX];

	snprintf(copy1, sizeof(copy1), "%s", file);
	snprintf(copy2, sizeof(copy2), "%s", file);
	if (!realpath(dirname(copy1), dir))
		return -1;
	if (snprintf(out, PATH_MAX, "%s/%s", dir, basename(copy2)) >= PATH_MAX)
		return -1;
	return 0;
}

struct summary {
	json_int_t ops, bytes, drops, lost, raw, failed, by_kind[VMB_OP_COUNT];
	int files, incomplete;
	char list[4096];
};

static void add_file(struct summary *s, const char *path, const char *shown)
{
	char buf[8192 + 1];
	FILE *f = fopen(path, "r");
	size_t n;
	json_t *h, *x, *k;

	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	h = json_loads(buf, JSON_DISABLE_EOF_CHECK, NULL);
	x = h ? json_object_get(h, "x_capture") : NULL;
	s->files++;
	snprintf(s->list + strlen(s->list), sizeof(s->list) - strlen(s->list), "%s%s",
		 s->list[0] ? ", " : "", shown);
	if (!x) {
		s->incomplete++;
		json_decref(h);
		return;
	}
	s->ops += json_integer_value(json_object_get(x, "ops"));
	s->bytes += json_integer_value(json_object_get(x, "bytes"));
	s->drops += json_integer_value(json_object_get(x, "drops"));
	s->lost += json_integer_value(json_object_get(x, "lost"));
	s->raw += json_integer_value(json_object_get(x, "raw_total"));
	s->failed += json_integer_value(json_object_get(x, "failed"));
	if (!json_is_true(json_object_get(x, "complete"))) {
		s->incomplete++;
		strncat(s->list, " (incomplete)", sizeof(s->list) - strlen(s->list) - 1);
	}
	k = json_object_get(x, "by_kind");
	for (int i = 0; i < VMB_OP_COUNT; i++)
		s->by_kind[i] +=
		    json_integer_value(json_object_get(k, vmb_op_kind_name((enum vmb_op_kind)i)));
	json_decref(h);
}

static bool digits_and_dots(const char *p, size_t n)
{
	if (!n || p[0] == '.' || p[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(p[i] >= '0' && p[i] <= '9') && p[i] != '.')
			return false;
	return true;
}

/* FILE, then FILE.<pid>[.<n>] (<stem>.<pid>[.<n>].jsonl) written since @since */
static void collect(struct summary *s, const char *out, bool root_written, time_t since)
{
	char copy1[PATH_MAX], copy2[PATH_MAX];
	const char *dir, *base;
	size_t blen, slen;
	bool jsonl;
	struct dirent *de;
	struct stat st;
	DIR *d;

	memset(s, 0, sizeof(*s));
	if (root_written && !stat(out, &st) && S_ISREG(st.st_mode))
		add_file(s, out, out);
	snprintf(copy1, sizeof(copy1), "%s", out);
	snprintf(copy2, sizeof(copy2), "%s", out);
	dir = dirname(copy1);
	base = basename(copy2);
	blen = strlen(base);
	jsonl = blen > 6 && !strcmp(base + blen - 6, ".jsonl");
	slen = jsonl ? blen - 6 : blen;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[PATH_MAX * 2];
		const char *p = de->d_name + slen;
		size_t tail = strlen(p) - (jsonl ? 6 : 0);

		if (strncmp(de->d_name, base, slen) || p[0] != '.' ||
		    strlen(p) < 2 + (jsonl ? 6 : 0))
			continue;
		if (jsonl && strcmp(p + tail, ".jsonl"))
			continue;
		if (!digits_and_dots(p + 1, tail - 1))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || st.st_mtime < since)
			continue;
		add_file(s, path, path);
	}
	closedir(d);
}

static void print_summary(const struct summary *s)
{
	char kinds[1024] = "";

	if (!s->files) {
		fprintf(stderr, "capture: no DRM ioctls recorded, no trace written\n");
		return;
	}
	for (int i = 0; i < VMB_OP_COUNT; i++) {
		if (!s->by_kind[i])
			continue;
		snprintf(kinds + strlen(kinds), sizeof(kinds) - strlen(kinds), "%s%s %lld",
			 kinds[0] ? ", " : "", vmb_op_kind_name((enum vmb_op_kind)i),
			 (long long)s->by_kind[i]);
	}
	fprintf(stderr,
		"capture: %lld ops (%s), %lld failed, %lld bytes (%.0f B/op), %lld drops, "
		"%lld lost (not written), %lld raw ioctls; %d file%s: %s\n",
		(long long)s->ops, kinds[0] ? kinds : "none", (long long)s->failed,
		(long long)s->bytes, s->ops ? (double)s->bytes / (double)s->ops : 0.0,
		(long long)s->drops, (long long)s->lost, (long long)s->raw, s->files,
		s->files == 1 ? "" : "s", s->list);
}

/*
 * Where the root process writes. A regular (or new) FILE gets an empty
 * temporary file beside it, renamed over FILE only when the program is done
 * and something was recorded, so an existing trace is never destroyed; a
 * device or FIFO is written through. A place that cannot be written is
 * reported and the program runs without recording.
 *
 * Return: true when recording can go ahead; @out and @root_out are set.
 */
static bool prepare_output(const char *file, char *out, char *root_out, enum vmb_outfile_kind *kind)
{
	char err[PATH_MAX + 128], *target = NULL, *slash;
	mode_t mask;
	int fd;

	if (vmb_outfile_check(file, kind, err, sizeof(err))) {
		fprintf(stderr, "capture: %s; running the program without recording\n", err);
		return false;
	}
	if (*kind == VMB_OUTFILE_STDOUT) {
		fprintf(stderr, "capture: a trace cannot go to standard output (the program's); "
				"running the program without recording\n");
		return false;
	}
	if (vmb_outfile_resolve(file, &target) || absolute_out(target, out)) {
		fprintf(stderr,
			"capture: %s: cannot resolve the directory: %s; running the "
			"program without recording\n",
			file, strerror(errno));
		free(target);
		return false;
	}
	free(target);
	if (*kind == VMB_OUTFILE_THROUGH) {
		snprintf(root_out, PATH_MAX, "%s", out);
		return true;
	}
	slash = strrchr(out, '/');
	snprintf(root_out, PATH_MAX, "%.*s/.%s.XXXXXX", (int)(slash - out), out, slash + 1);
	fd = mkostemp(root_out, O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr,
			"capture: cannot create a file beside %s: %s; running the program "
			"without recording\n",
			out, strerror(errno));
		return false;
	}
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	close(fd);
	return true;
}

/* the root's trace into place; an empty file (nothing recorded) is removed */
static bool finish_root(const char *out, const char *root_out)
{
	struct stat st;

	if (stat(root_out, &st))
		return false;
	if (!st.st_size) {
		unlink(root_out);
		return false;
	}
	if (!lstat(out, &st) && !S_ISREG(st.st_mode)) {
		fprintf(stderr, "capture: %s is no longer a regular file; the trace is in %s\n",
			out, root_out);
		return false;
	}
	if (rename(root_out, out)) {
		fprintf(stderr, "capture: cannot rename %s to %s (%s); the trace is in %s\n",
			root_out, out, strerror(errno), root_out);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"flush-ms", required_argument, NULL, 'f'},
	    {"only-driver", required_argument, NULL, 'd'},
	    {"clock", required_argument, NULL, 'c'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *file = "vmbench-capture.jsonl", *only = NULL, *clock = NULL;
	char out[PATH_MAX], root_out[PATH_MAX], lib[PATH_MAX], t0s[32], flush[16] = "100";
	enum vmb_outfile_kind kind = VMB_OUTFILE_NEW;
	bool quiet = false, record, root_written = false;
	struct summary sum;
	struct timespec ts;
	time_t since;
	int c, status;

	while ((c = getopt_long(argc, argv, "+o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			file = optarg;
			break;
		case 'f': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < 1 || v > 60000) {
				fprintf(stderr, "capture: --flush-ms wants 1..60000, not '%s'\n",
					optarg);
				return 2;
			}
			snprintf(flush, sizeof(flush), "%ld", v);
			break;
		}
		case 'd': {
			enum vmb_driver d;

			if (vmb_driver_parse(optarg, &d) || d == VMB_DRIVER_ANY) {
				fprintf(stderr, "capture: unknown driver '%s'\n", optarg);
				return 2;
			}
			only = optarg;
			break;
		}
		case 'c':
			if (strcmp(optarg, "auto") && strcmp(optarg, "monotonic")) {
				fprintf(stderr,
					"capture: --clock wants auto or monotonic, not '%s'\n",
					optarg);
				return 2;
			}
			clock = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (find_lib(lib, sizeof(lib))) {
		fprintf(stderr,
			"capture: libvmcapture.so not found next to %s or in ../lib/vmbench "
			"(set VMB_CAPTURE_LIB)\n",
			argv[0]);
		return 2;
	}
	if (strlen(file) > 5 && !strcmp(file + strlen(file) - 5, ".json")) {
		static char l[PATH_MAX];

		snprintf(l, sizeof(l), "%sl", file);
		fprintf(stderr, "capture: the trace is JSON Lines: writing %s\n", l);
		file = l;
	}
	record = prepare_output(file, out, root_out, &kind);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(t0s, sizeof(t0s), "%llu",
		 (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec);
	since = time(NULL) - 1;

	child = fork();
	if (child < 0) {
		fprintf(stderr, "capture: fork: %s\n", strerror(errno));
		return 2;
	}
	if (child == 0) {
		const char *old = getenv("LD_PRELOAD");
		char root[32], *pl;

		if (!record) {
			execvp(argv[optind], argv + optind);
			fprintf(stderr, "capture: %s: %s\n", argv[optind], strerror(errno));
			_exit(errno == ENOENT ? 127 : 126);
		}
		if (asprintf(&pl, "%s%s%s", lib, old && *old ? ":" : "", old ? old : "") < 0)
			_exit(127);
		snprintf(root, sizeof(root), "%d", (int)getpid());
		setenv("LD_PRELOAD", pl, 1);
		setenv("VMB_CAPTURE_OUT", out, 1);
		setenv("VMB_CAPTURE_ROOT_OUT", root_out, 1);
		setenv("VMB_CAPTURE_T0", t0s, 1);
		setenv("VMB_CAPTURE_ROOT", root, 1);
		setenv("VMB_CAPTURE_FLUSH_MS", flush, 1);
		if (clock) /* else whatever the environment says */
			setenv("VMB_CAPTURE_CLOCK", clock, 1);
		if (only)
			setenv("VMB_CAPTURE_ONLY_DRIVER", only, 1);
		else
			unsetenv("VMB_CAPTURE_ONLY_DRIVER");
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "capture: %s: %s\n", argv[optind], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	/* the terminal's ^C goes to the program; we stay to write the summary */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "capture: waitpid: %s\n", strerror(errno));
			return 2;
		}
	}
	if (record && kind != VMB_OUTFILE_THROUGH)
		root_written = finish_root(out, root_out);
	if (record && !quiet) {
		collect(&sum, out, root_written, since);
		if (kind == VMB_OUTFILE_THROUGH)
			fprintf(stderr,
				"capture: the root process's trace went to %s (not read back)\n",
				out);
		if (sum.files || kind != VMB_OUTFILE_THROUGH)
			print_summary(&sum);
		if (!root_written && kind == VMB_OUTFILE_REGULAR)
			fprintf(stderr, "capture: %s left as it was\n", out);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}
