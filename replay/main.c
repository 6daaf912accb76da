/* SPDX-License-Identifier: MIT */
/*
 * main.c - the `replay` command: load and validate a trace, run it on a
 * backend under every point of the requested strategy matrix, print a
 * summary and write the result file.
 *
 * Exit status: 0 ok, 1 some op result differed from the trace, 2 bad usage,
 * bad trace, backend unavailable, an output that could not be written, or
 * interrupted (SIGINT/SIGTERM: handled from the first instruction on).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "backends/device.h"
#include "backends/load.h"
#include "model.h"
#include "outfile.h"
#include "perfetto.h"
#include "progress.h"
#include "replay.h"
#include "result.h"

#define MAX_AXIS 16

/* one strategy axis given on the command line: up to MAX_AXIS values */
struct axis {
	const char *arg;
	unsigned n;
	int v[MAX_AXIS];
	double f[MAX_AXIS]; /* pace factor */
};

enum axis_id {
	AX_REFCOUNT,
	AX_SYNC,
	AX_USERPTR,
	AX_BO_LOOKUP,
	AX_CLOSE,
	AX_BATCH,
	AX_PACE,
	AX_COUNT
};

static const char *const axis_names[AX_COUNT] = {
    "refcount", "sync", "userptr", "bo-lookup", "close", "batch", "pace",
};

struct options {
	const char *backend;
	const char *device;
	const char *out;
	const char *dump;
	const char *perfetto;
	const char *load;
	bool list_devices;
	unsigned repeat;
	uint32_t max_in_flight;
	int warmup;
	bool validate;
	bool quiet;
	struct axis ax[AX_COUNT];
	struct vmb_model_params params;
};

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: replay [options] TRACE\n"
	       "\n"
	       "Replay a vmbench trace (.json or .jsonl) on a backend and measure bind,\n"
	       "unbind and submit latency, submit stalls and VA split/merge work.\n"
	       "\n"
	       "Backend:\n"
	       "  --backend=NAME        model (default), null, xe, amdgpu, nouveau, panthor, msm,\n"
	       "                        or auto (a render node matching the trace's driver,\n"
	       "                        else the model; says which)\n"
	       "  --device=SPEC         render node path, drm:/dev/dri/renderD128 or\n"
	       "                        pci:vendor=8086,card=0 (hardware backends)\n"
	       "  --list-devices        list the render nodes this machine has, and exit\n"
	       "  --load=CMD            run CMD (sh -c) as background GPU load during the\n"
	       "                        replay, e.g. IGT's gem_wsim; recorded in the result\n"
	       "  --max-in-flight=N     hardware: cap on binds and submits in flight (default:\n"
	       "                        the most the trace issues between two waits)\n"
	       "\n"
	       "Strategies (a comma list runs every combination; unset axes use the\n"
	       "trace driver's native semantics):\n"
	       "  --refcount=hard|weak                   does a mapping hold its BO\n"
	       "  --sync=implicit|explicit|async|sync    how VM updates synchronize\n"
	       "  --userptr=hmm|pin                      userptr invalidation scheme\n"
	       "  --bo-lookup=vmbo|gem-list              how a BO's mappings are found\n"
	       "  --close=as-traced|unbind-first|unbind-all|close-early\n"
	       "                                         what happens before bo_close\n"
	       "  --batch=as-traced|1|N                  split or coalesce bind arrays\n"
	       "  --pace=asap|traced|xF                  ignore, honor or scale trace times\n"
	       "\n"
	       "Run:\n"
	       "  --repeat=N            run each strategy point N times (default 1); the\n"
	       "                        points take turns (round-robin), so slow and fast\n"
	       "                        phases of the machine hit every point alike\n"
	       "  --warmup=N            discarded runs before the measured ones (default 1\n"
	       "                        when more than one run is made, else 0)\n"
	       "  --model-param=K=V     set a cost-model parameter in ns (see docs/model.md):\n"
	       "                        ioctl bind_ioctl submit_ioctl bind_job pte tlb_flush\n"
	       "                        pin_page fault_page evict_page gpu_job\n"
	       "  -o, --output=FILE     result file (default results/<trace>-<UTC time>.json)\n"
	       "  --dump-gpuvm=FILE     write the canonical gpuvm op dump ('-' = stdout);\n"
	       "                        model backend, single run only\n"
	       "  --perfetto=FILE       write the run's timeline as Chrome trace-event JSON\n"
	       "                        (ui.perfetto.dev, chrome://tracing); single run only\n"
	       "  --validate            check the trace only, run nothing\n"
	       "  -q, --quiet           no summary table\n"
	       "  -h, --help            this help\n"
	       "  --version             print the version\n"
	       "\n"
	       "Exit status: 0 ok, 1 an op's result differed from the trace,\n"
	       "2 bad usage, bad trace or backend unavailable.\n");
}

static int parse_axis_value(enum axis_id id, const char *s, int *v, double *f)
{
	struct vmb_strategy st = {0};
	uint32_t b;
	int ret;

	switch (id) {
	case AX_REFCOUNT:
		return vmb_refcount_parse(s, (enum vmb_refcount *)v);
	case AX_SYNC:
		return vmb_sync_parse(s, (enum vmb_sync_mode *)v);
	case AX_USERPTR:
		return vmb_userptr_parse(s, (enum vmb_userptr_mode *)v);
	case AX_BO_LOOKUP:
		return vmb_bo_lookup_parse(s, (enum vmb_bo_lookup *)v);
	case AX_CLOSE:
		return vmb_close_parse(s, (enum vmb_close_policy *)v);
	case AX_BATCH:
		ret = vmb_batch_parse(s, &b);
		*v = (int)b;
		return ret;
	case AX_PACE:
		ret = vmb_pace_parse(s, &st);
		*v = st.pace;
		*f = st.pace_factor;
		return ret;
	default:
		return -EINVAL;
	}
}

static int parse_axis(enum axis_id id, const char *arg, struct axis *ax)
{
	char *copy = strdup(arg), *save = NULL, *tok;

	if (!copy)
		return -ENOMEM;
	ax->arg = arg;
	ax->n = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (ax->n == MAX_AXIS || parse_axis_value(id, tok, &ax->v[ax->n], &ax->f[ax->n])) {
			fprintf(stderr, "replay: bad --%s value '%s'\n", axis_names[id], tok);
			free(copy);
			return -EINVAL;
		}
		ax->n++;
	}
	free(copy);
	if (!ax->n) {
		fprintf(stderr, "replay: empty --%s\n", axis_names[id]);
		return -EINVAL;
	}
	return 0;
}

static void apply_axis(struct vmb_strategy *s, enum axis_id id, int v, double f)
{
	switch (id) {
	case AX_REFCOUNT:
		s->refcount = v;
		break;
	case AX_SYNC:
		s->sync = v;
		break;
	case AX_USERPTR:
		s->userptr = v;
		break;
	case AX_BO_LOOKUP:
		s->bo_lookup = v;
		break;
	case AX_CLOSE:
		s->close = v;
		break;
	case AX_BATCH:
		s->batch = (uint32_t)v;
		break;
	case AX_PACE:
		s->pace = v;
		s->pace_factor = f;
		break;
	default:
		break;
	}
}

enum {
	OPT_BACKEND = 256,
	OPT_DEVICE,
	OPT_REPEAT,
	OPT_DUMP,
	OPT_VALIDATE,
	OPT_PARAM,
	OPT_VERSION,
	OPT_PERFETTO,
	OPT_LIST_DEVICES,
	OPT_LOAD,
	OPT_MAX_IN_FLIGHT,
	OPT_WARMUP,
	OPT_AXIS
};

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"backend", required_argument, NULL, OPT_BACKEND},
	    {"device", required_argument, NULL, OPT_DEVICE},
	    {"repeat", required_argument, NULL, OPT_REPEAT},
	    {"warmup", required_argument, NULL, OPT_WARMUP},
	    {"output", required_argument, NULL, 'o'},
	    {"dump-gpuvm", required_argument, NULL, OPT_DUMP},
	    {"validate", no_argument, NULL, OPT_VALIDATE},
	    {"perfetto", required_argument, NULL, OPT_PERFETTO},
	    {"list-devices", no_argument, NULL, OPT_LIST_DEVICES},
	    {"load", required_argument, NULL, OPT_LOAD},
	    {"max-in-flight", required_argument, NULL, OPT_MAX_IN_FLIGHT},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {"model-param", required_argument, NULL, OPT_PARAM},
	    {"refcount", required_argument, NULL, OPT_AXIS + AX_REFCOUNT},
	    {"sync", required_argument, NULL, OPT_AXIS + AX_SYNC},
	    {"userptr", required_argument, NULL, OPT_AXIS + AX_USERPTR},
	    {"bo-lookup", required_argument, NULL, OPT_AXIS + AX_BO_LOOKUP},
	    {"close", required_argument, NULL, OPT_AXIS + AX_CLOSE},
	    {"batch", required_argument, NULL, OPT_AXIS + AX_BATCH},
	    {"pace", required_argument, NULL, OPT_AXIS + AX_PACE},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	o->backend = "model";
	o->repeat = 1;
	o->warmup = -1;
	o->params = vmb_model_params_default;
	while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_BACKEND:
			o->backend = optarg;
			break;
		case OPT_DEVICE:
			o->device = optarg;
			break;
		case OPT_REPEAT:
			errno = 0;
			o->repeat = (unsigned)strtoul(optarg, &end, 10);
			if (errno || *end || !o->repeat || o->repeat > 100000) {
				fprintf(stderr, "replay: bad --repeat '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case OPT_WARMUP:
			errno = 0;
			o->warmup = (int)strtoul(optarg, &end, 10);
			if (errno || *end || o->warmup > 100) {
				fprintf(stderr, "replay: bad --warmup '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 'o':
			o->out = optarg;
			break;
		case OPT_DUMP:
			o->dump = optarg;
			break;
		case OPT_VALIDATE:
			o->validate = true;
			break;
		case OPT_PERFETTO:
			o->perfetto = optarg;
			break;
		case OPT_LIST_DEVICES:
			o->list_devices = true;
			break;
		case OPT_LOAD:
			o->load = optarg;
			break;
		case OPT_MAX_IN_FLIGHT:
			errno = 0;
			o->max_in_flight = (uint32_t)strtoul(optarg, &end, 10);
			if (errno || *end || !o->max_in_flight || o->max_in_flight > 16384) {
				fprintf(stderr, "replay: bad --max-in-flight '%s' (1..16384)\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("vmbench replay %s (%s)\n", VMB_VERSION, VMB_GIT_SHA);
			exit(0);
		case OPT_PARAM:
			if (vmb_model_param_set(&o->params, optarg)) {
				fprintf(stderr, "replay: bad --model-param '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		default:
			if (c >= OPT_AXIS && c < OPT_AXIS + AX_COUNT) {
				if (parse_axis(c - OPT_AXIS, optarg, &o->ax[c - OPT_AXIS]))
					return -EINVAL;
				break;
			}
			usage(stderr);
			return -EINVAL;
		}
	}
	if (o->list_devices)
		return 0;
	if (optind != argc - 1) {
		fprintf(stderr, "replay: expected exactly one TRACE argument (try --help)\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * Before a trace reaches real hardware it must replay cleanly on the model:
 * every op must give the result the trace recorded.
 */
static int dry_run_on_model(const struct vmb_trace *trace, const struct vmb_strategy *s)
{
	struct vmb_replay_opts ro = {.backend = &vmb_model_backend, .strat = *s, .max_errors = 5};
	struct vmb_run run;
	char err[256];
	int ret;

	ret = vmb_replay_run(trace, &ro, &run, err, sizeof(err));
	if (!ret && run.m.errors_unexpected) {
		fprintf(stderr,
			"replay: %s: %llu op results differ from the trace on the model; "
			"refusing to send it to hardware\n",
			trace->path, (unsigned long long)run.m.errors_unexpected);
		ret = -EINVAL;
	} else if (ret) {
		fprintf(stderr, "replay: model dry run failed: %s\n", err);
	}
	vmb_run_metrics_free(&run.m);
	return ret;
}

/* {"load": {...}} for the result file: what ran beside the replay */
static int load_json(json_t *extra, const char *cmd, int status)
{
	return json_object_set_new(extra, "load",
				   json_pack("{s:s,s:i,s:b}", "command", cmd, "exit_status",
					     WIFEXITED(status) ? WEXITSTATUS(status) : -1,
					     "signaled", WIFSIGNALED(status)));
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	int err = errno;

	stop_signal = sig;
	__atomic_store_n(&vmb_replay_stop, 1, __ATOMIC_RELAXED);
	errno = err;
}

/* SIGINT/SIGTERM only set vmb_replay_stop: every stage checks it */
static void catch_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int interrupted(const char *when)
{
	fprintf(stderr, "replay: interrupted by %s %s\n",
		stop_signal == SIGINT ? "SIGINT" : "SIGTERM", when);
	return 2;
}

/* every output is checked before any work: a typo fails at once, not after the replay */
static int check_outputs(const struct options *o, const char *out_path)
{
	const char *paths[] = {out_path, o->dump, o->perfetto};
	char err[PATH_MAX + 128];

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (paths[i] && vmb_outfile_check(paths[i], NULL, err, sizeof(err))) {
			fprintf(stderr, "replay: %s\n", err);
			return -EINVAL;
		}
	}
	return 0;
}

/* every point of the strategy matrix, in axis order, each --repeat times */
static size_t build_matrix(const struct options *o, const struct vmb_trace *trace,
			   struct vmb_strategy **out)
{
	struct vmb_strategy base, *pts;
	unsigned idx[AX_COUNT] = {0};
	size_t n = 1, k = 0;

	vmb_strategy_native_trace(trace, &base);
	for (int a = 0; a < AX_COUNT; a++)
		n *= o->ax[a].n ? o->ax[a].n : 1;
	pts = calloc(n, sizeof(*pts));
	if (!pts)
		return 0;
	for (;;) {
		struct vmb_strategy s = base;
		int a;

		for (a = 0; a < AX_COUNT; a++)
			if (o->ax[a].n)
				apply_axis(&s, a, o->ax[a].v[idx[a]], o->ax[a].f[idx[a]]);
		pts[k++] = s;
		for (a = AX_COUNT - 1; a >= 0; a--) {
			if (o->ax[a].n && ++idx[a] < o->ax[a].n)
				break;
			idx[a] = 0;
		}
		if (a < 0)
			break;
	}
	*out = pts;
	return n;
}

/*
 * Discarded runs before the measured ones: the first run of a process pays
 * for cold caches, page faults and lazy binding, and would always land on
 * the first strategy point. By default one, when several runs are made
 * (a single run is not a comparison, and a paced one would cost its whole
 * length again). Simulated figures do not depend on it: every run builds a
 * fresh model. A warm-up interrupted by a signal becomes the result's
 * (incomplete) run, so an interrupted replay still reports what it did.
 */
static int warm_up(const struct vmb_trace *trace, const struct vmb_replay_opts *ro,
		   const struct options *o, size_t n_pts, const struct vmb_strategy *pts,
		   struct vmb_run *kept, char *err, size_t errlen)
{
	struct vmb_replay_opts w = *ro;
	int n = o->warmup;

	if (n < 0)
		n = n_pts * o->repeat > 1;
	w.dump = NULL;
	w.perfetto = NULL;
	w.progress = false;
	w.max_errors = 0;
	for (int i = 0; i < n && !vmb_replay_stopped(); i++) {
		struct vmb_run run = {0};
		int ret;

		w.strat = pts[(size_t)i % n_pts];
		ret = vmb_replay_run(trace, &w, &run, err, errlen);
		if (ret && !run.m.incomplete) {
			vmb_run_metrics_free(&run.m);
			fprintf(stderr, "replay: %s backend: warm-up: %s\n", ro->backend->name,
				err);
			return ret;
		}
		if (vmb_replay_stopped() && (size_t)i % n_pts == 0) {
			*kept = run;
			return 1;
		}
		vmb_run_metrics_free(&run.m);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = {0};
	struct vmb_replay_opts ro = {0};
	const struct vmb_backend_ops *be;
	struct vmb_trace *trace = NULL;
	struct vmb_strategy *pts = NULL;
	struct vmb_run *runs = NULL;
	size_t n_pts, n_runs = 0, n_done = 0;
	bool *ran = NULL;
	char err[PATH_MAX + 1024], *out_path = NULL, *final_path = NULL;
	struct vmb_outfile dump = {.fd = -1};
	uint64_t unexpected = 0;
	pid_t load_pid = 0;
	json_t *extra = NULL;
	char *extra_text = NULL;
	int ret, status = 2;

	catch_signals();
	if (parse_args(argc, argv, &o))
		return 2;
	/* load, validate and replay report progress on a terminal (progress.h) */
	vmb_progress_enabled = !o.quiet && isatty(STDERR_FILENO);
	if (o.list_devices) {
		ret = vmb_device_list(stdout);
		if (ret < 0)
			printf("(no render nodes: %s)\n", strerror(-ret));
		return 0;
	}
	if (strcmp(o.backend, "auto") && !vmb_backend_find(o.backend)) {
		fprintf(stderr, "replay: unknown backend '%s'\n", o.backend);
		return 2;
	}
	if (!o.validate) {
		if (!o.out)
			mkdir("results",
			      0777); /* the default place; the check says why it failed */
		out_path = o.out ? strdup(o.out) : vmb_result_default_path(argv[optind]);
		if (!out_path || check_outputs(&o, out_path)) {
			free(out_path);
			return 2;
		}
	}
	ret = vmb_trace_load(argv[optind], &trace, err, sizeof(err));
	if (vmb_replay_stopped()) {
		vmb_trace_destroy(trace);
		free(out_path);
		return interrupted("while loading the trace; nothing replayed");
	}
	if (ret) {
		fprintf(stderr, "%s\n", err);
		free(out_path);
		return 2;
	}
	if (!strcmp(o.backend, "auto")) {
		o.backend = vmb_backend_auto(trace->driver, o.device, err, sizeof(err));
		fprintf(stderr, "replay: --backend=auto: %s\n", err);
		if (!strcmp(o.backend, "model"))
			o.device = NULL;
	}
	be = vmb_backend_find(o.backend);
	if (!be) {
		fprintf(stderr, "replay: backend '%s' is not available\n", o.backend);
		goto out;
	}
	if (o.validate) {
		if (!o.quiet)
			printf("%s: ok: %zu ops, driver %s, page_size 0x%llx\n", trace->path,
			       trace->n_ops, vmb_driver_name(trace->driver),
			       (unsigned long long)trace->page_size);
		vmb_trace_destroy(trace);
		return vmb_stdout_close("replay") ? 2 : 0;
	}
	n_pts = build_matrix(&o, trace, &pts);
	if (!n_pts)
		goto out;
	if (o.dump) {
		if (n_pts * o.repeat != 1 || be != &vmb_model_backend) {
			fprintf(stderr, "replay: --dump-gpuvm needs the model backend and a single "
					"run (no comma lists, --repeat=1)\n");
			goto out;
		}
		if (vmb_outfile_open(&dump, o.dump, err, sizeof(err))) {
			fprintf(stderr, "replay: %s\n", err);
			goto out;
		}
	}
	if (o.perfetto) {
		if (n_pts * o.repeat != 1) {
			fprintf(stderr, "replay: --perfetto needs a single run (no comma lists, "
					"--repeat=1)\n");
			goto out;
		}
		ro.perfetto = vmb_perfetto_open(o.perfetto, err, sizeof(err));
		if (!ro.perfetto) {
			fprintf(stderr, "replay: %s\n", err);
			goto out;
		}
	}
	runs = calloc(n_pts * o.repeat, sizeof(*runs));
	ran = calloc(n_pts * o.repeat, sizeof(*ran));
	if (!runs || !ran)
		goto out;
	vmb_model_backend_set_params(&o.params);
	if (!be->simulated && be != &vmb_null_backend && dry_run_on_model(trace, &pts[0]) &&
	    !vmb_replay_stopped())
		goto out;
	if (vmb_replay_stopped()) {
		status = interrupted("during the model dry run; nothing replayed");
		goto out;
	}
	if (o.load) {
		ret = vmb_load_start(o.load, &load_pid);
		if (ret) {
			fprintf(stderr, "replay: --load: %s\n", strerror(-ret));
			goto out;
		}
	}

	ro.backend = be;
	ro.device = o.device;
	ro.dump = dump.f;
	ro.progress = !o.quiet;
	ro.max_errors = 20;
	ro.max_in_flight = o.max_in_flight;
	n_runs = n_pts * o.repeat;
	ret = warm_up(trace, &ro, &o, n_pts, pts, &runs[0], err, sizeof(err));
	if (ret < 0)
		goto out;
	ran[0] = ret == 1; /* interrupted during the warm-up: that is the run */
	/*
	 * Round-robin: repeat r of every point before repeat r + 1 of any, so
	 * drift of the machine (thermals, caches, other load) spreads over all
	 * points. The runs are stored point by point, as before.
	 */
	for (unsigned r = 0; r < o.repeat && !vmb_replay_stopped(); r++) {
		for (size_t p = 0; p < n_pts && !vmb_replay_stopped(); p++) {
			struct vmb_run *run = &runs[p * o.repeat + r];

			ro.strat = pts[p];
			ret = vmb_replay_run(trace, &ro, run, err, sizeof(err));
			if (ret && !run->m.incomplete) {
				fprintf(stderr, "replay: %s backend: %s\n", be->name, err);
				goto out;
			}
			run->repeat = r;
			ran[p * o.repeat + r] = true;
			unexpected += run->m.errors_unexpected;
		}
	}
	/* an interrupted matrix keeps the runs that were made, in order */
	for (size_t i = 0; i < n_runs; i++) {
		if (!ran[i])
			continue;
		if (i != n_done) {
			runs[n_done] = runs[i];
			memset(&runs[i], 0, sizeof(runs[i]));
		}
		n_done++;
	}
	n_runs = n_done;
	if (!n_runs) {
		status = interrupted("before the first run; nothing replayed");
		goto out;
	}
	if (dump.f) {
		ro.dump = NULL;
		if (vmb_outfile_commit(&dump, err, sizeof(err))) {
			fprintf(stderr, "replay: %s\n", err);
			goto out;
		}
	}
	extra = json_object();
	if (!extra)
		goto out;
	if (load_pid > 0) {
		int st = 0;

		vmb_load_stop(load_pid, &st);
		load_pid = 0;
		load_json(extra, o.load, st);
	}
	if (ro.perfetto) {
		ret = vmb_perfetto_close(ro.perfetto);
		ro.perfetto = NULL;
		if (ret) {
			fprintf(stderr, "replay: %s: write failed: %s\n", o.perfetto,
				strerror(-ret));
			goto out;
		}
	}
	if (!o.quiet)
		vmb_summary_print(stdout, trace, runs, n_runs);
	/* an interrupted invocation never replaces a complete result */
	if (vmb_replay_stopped()) {
		bool during = runs[n_runs - 1].m.incomplete;

		json_object_set_new(extra, "interrupted",
				    json_pack("{s:s,s:s}", "signal",
					      stop_signal == SIGINT ? "SIGINT" : "SIGTERM", "when",
					      during ? "during a run" : "after the last run"));
		final_path = vmb_outfile_beside(out_path, "incomplete");
	} else {
		final_path = strdup(out_path);
	}
	extra_text = json_dumps(extra, JSON_COMPACT);
	if (!final_path || !extra_text)
		goto out;
	ret = vmb_result_write(final_path, trace, runs, n_runs, extra_text, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "replay: %s\n", err);
		goto out;
	}
	if (!o.quiet)
		printf("result: %s%s\n", final_path, vmb_replay_stopped() ? " (interrupted)" : "");
	status = unexpected ? 1 : 0;
	if (vmb_replay_stopped())
		status = interrupted(runs[n_runs - 1].m.incomplete ? "during a run"
								   : "after the last run");
	if (vmb_replay_stopped() && strcmp(final_path, out_path))
		fprintf(stderr, "replay: the interrupted result is in %s; %s is unchanged\n",
			final_path, out_path);
	if (vmb_stdout_close("replay"))
		status = 2;
out:
	if (load_pid > 0)
		vmb_load_stop(load_pid, NULL);
	json_decref(extra);
	free(extra_text);
	vmb_outfile_abort(&dump);
	vmb_perfetto_abort(ro.perfetto);
	for (size_t i = 0; i < n_runs; i++)
		vmb_run_metrics_free(&runs[i].m);
	free(runs);
	free(ran);
	free(pts);
	free(out_path);
	free(final_path);
	vmb_trace_destroy(trace);
	return status;
}
