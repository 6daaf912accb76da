/* SPDX-License-Identifier: MIT */
/*
 * test_model.c - the embedded model and the replay engine on small traces:
 * reference counting (hard vs weak), sync semantics and stalls, batching,
 * close policies, userptr invalidation, eviction lookups, the gpuvm dump.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "model.h"
#include "replay.h"

#define HDR                                                                                        \
	"{\"format\":\"vmbench-trace\",\"version\":1,\"driver\":\"xe\",\"page_size\":4096,"        \
	"\"ops\":[\n"

static struct vmb_trace *load_text(const char *text)
{
	char path[] = "/tmp/vmb-test-model-XXXXXX.json";
	int fd = mkstemps(path, 5);
	struct vmb_trace *t = NULL;
	char err[512];

	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	close(fd);
	if (vmb_trace_load(path, &t, err, sizeof(err)))
		printf("# load failed: %s\n", err);
	unlink(path);
	return t;
}

/* replay @text on the model under @s (NULL: xe native); returns the run */
static int run_text(const char *text, const struct vmb_strategy *s, struct vmb_run *run, FILE *dump)
{
	struct vmb_trace *t = load_text(text);
	struct vmb_replay_opts o = {.backend = &vmb_model_backend, .dump = dump};
	char err[256];
	int ret;

	if (!t)
		return -EINVAL;
	if (s)
		o.strat = *s;
	else
		vmb_strategy_native_trace(t, &o.strat);
	ret = vmb_replay_run(t, &o, run, err, sizeof(err));
	vmb_trace_destroy(t);
	return ret;
}

static struct vmb_strategy strat(enum vmb_refcount r, enum vmb_sync_mode s)
{
	struct vmb_strategy st;

	vmb_strategy_native(VMB_DRIVER_XE, &st);
	st.refcount = r;
	st.sync = s;
	return st;
}

/* a 1 MiB BO mapped twice, closed while mapped, then the VM goes */
static const char closed_mapped[] =
    HDR "{\"op\":\"vm_create\",\"vm\":1},\n"
	"{\"op\":\"bo_create\",\"bo\":1,\"size\":1048576},\n"
	"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map\",\"va\":\"0x100000\",\"range\":"
	"\"0x100000\",\"bo\":1,\"offset\":0},"
	"{\"kind\":\"map\",\"va\":\"0x400000\",\"range\":\"0x80000\",\"bo\":1,\"offset\":0}]},\n"
	"{\"op\":\"bo_close\",\"bo\":1},\n"
	"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"unmap\",\"va\":\"0x100000\",\"range\":"
	"\"0x100000\"}]},\n"
	"{\"op\":\"vm_destroy\",\"vm\":1}\n]}\n";

TEST(refcount_hard_keeps_closed_bo_alive)
{
	struct vmb_strategy s = strat(VMB_REF_HARD, VMB_SYNC_ASYNC);
	struct vmb_run run;

	CHECK_INT(run_text(closed_mapped, &s, &run, NULL), 0);
	CHECK_U64(run.m.counters.peak_zombie_bytes, 1048576);
	CHECK_U64(run.m.counters.implicit_unmaps, 0);
	CHECK_U64(run.m.counters.leaked_bos, 0);
	/* the traced unmap found the mapping still there */
	CHECK_U64(run.m.counters.gpuvm_unmap, 1);
	CHECK_U64(run.m.errors_unexpected, 0);
	vmb_run_metrics_free(&run.m);
}

TEST(refcount_weak_tears_down_on_close)
{
	struct vmb_strategy s = strat(VMB_REF_WEAK, VMB_SYNC_ASYNC);
	struct vmb_run run;

	CHECK_INT(run_text(closed_mapped, &s, &run, NULL), 0);
	CHECK_U64(run.m.counters.peak_zombie_bytes, 0);
	CHECK_U64(run.m.counters.implicit_unmaps, 2);
	/* the traced unmap hits a hole: no gpuvm ops */
	CHECK_U64(run.m.counters.gpuvm_unmap, 0);
	CHECK_U64(run.m.counters.peak_bo_bytes, 1048576);
	vmb_run_metrics_free(&run.m);
}

TEST(cycle_private_bo_closed_while_mapped)
{
	static const char text[] =
	    HDR "{\"op\":\"vm_create\",\"vm\":1},\n"
		"{\"op\":\"bo_create\",\"bo\":1,\"size\":65536,\"vm\":1},\n"
		"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map\",\"va\":\"0x100000\","
		"\"range\":\"0x10000\",\"bo\":1,\"offset\":0}]},\n"
		"{\"op\":\"bo_close\",\"bo\":1}\n]}\n";
	struct vmb_strategy hard = strat(VMB_REF_HARD, VMB_SYNC_ASYNC);
	struct vmb_strategy weak = strat(VMB_REF_WEAK, VMB_SYNC_ASYNC);
	struct vmb_run run;

	CHECK_INT(run_text(text, &hard, &run, NULL), 0);
	CHECK_U64(run.m.counters.cycles, 1);
	CHECK_U64(run.m.counters.leaked_bos, 1);
	vmb_run_metrics_free(&run.m);
	CHECK_INT(run_text(text, &weak, &run, NULL), 0);
	CHECK_U64(run.m.counters.cycles, 0);
	CHECK_U64(run.m.counters.leaked_bos, 0);
	vmb_run_metrics_free(&run.m);
}

/* a long job uses the BO, then the BO's mapping is replaced, then a submit */
static const char stall_text[] =
    HDR "{\"op\":\"vm_create\",\"vm\":1},\n"
	"{\"op\":\"queue_create\",\"queue\":1,\"vm\":1},\n"
	"{\"op\":\"bo_create\",\"bo\":1,\"size\":1048576},\n"
	"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map\",\"va\":\"0x100000\",\"range\":"
	"\"0x100000\",\"bo\":1,\"offset\":0}]},\n"
	"{\"op\":\"submit\",\"queue\":1,\"bos\":[1],\"gpu_ns\":5000000},\n"
	"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"unmap\",\"va\":\"0x100000\",\"range\":"
	"\"0x10000\"}]},\n"
	"{\"op\":\"submit\",\"queue\":1,\"gpu_ns\":1000}\n]}\n";

TEST(implicit_sync_stalls_submit_async_does_not)
{
	struct vmb_strategy imp = strat(VMB_REF_HARD, VMB_SYNC_IMPLICIT);
	struct vmb_strategy asy = strat(VMB_REF_HARD, VMB_SYNC_ASYNC);
	struct vmb_latency l;
	struct vmb_run run;

	CHECK_INT(run_text(stall_text, &imp, &run, NULL), 0);
	vmb_samples_summarize(&run.m.stall, &l);
	CHECK_INT(l.count, 2);
	/* the unmap waited for the 5 ms job, the second submit for the unmap */
	CHECK(l.max > 0);
	CHECK(l.total > 0);
	vmb_samples_summarize(&run.m.unbind, &l);
	CHECK(l.max >= 5000000 - 100000);
	vmb_run_metrics_free(&run.m);

	CHECK_INT(run_text(stall_text, &asy, &run, NULL), 0);
	vmb_samples_summarize(&run.m.stall, &l);
	CHECK_INT(l.count, 2);
	CHECK_U64(l.total, 0);
	vmb_samples_summarize(&run.m.unbind, &l);
	CHECK(l.max < 1000000);
	vmb_run_metrics_free(&run.m);
}

TEST(explicit_sync_free_without_wait_stalls_next_submit)
{
	static const char text[] =
	    HDR "{\"op\":\"vm_create\",\"vm\":1},\n"
		"{\"op\":\"queue_create\",\"queue\":1,\"vm\":1},\n"
		"{\"op\":\"queue_create\",\"queue\":2,\"vm\":1,\"engine\":\"bind\"},\n"
		"{\"op\":\"syncobj_create\",\"syncobj\":1},\n"
		"{\"op\":\"bo_create\",\"bo\":1,\"size\":1048576},\n"
		"{\"op\":\"bo_create\",\"bo\":2,\"size\":1048576},\n"
		"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map\",\"va\":\"0x100000\","
		"\"range\":\"0x100000\",\"bo\":1,\"offset\":0}]},\n"
		"{\"op\":\"submit\",\"queue\":1,\"bos\":[2],\"gpu_ns\":3000000,\"out\":[{"
		"\"syncobj\":1}]},\n"
		"{\"op\":\"bind\",\"vm\":1,\"queue\":2,\"in\":[{\"syncobj\":1}],\"binds\":[{"
		"\"kind\":\"unmap\",\"va\":\"0x100000\",\"range\":\"0x100000\"}]},\n"
		"{\"op\":\"bo_close\",\"bo\":1},\n"
		"{\"op\":\"submit\",\"queue\":1,\"gpu_ns\":1000}\n]}\n";
	struct vmb_strategy exp = strat(VMB_REF_HARD, VMB_SYNC_EXPLICIT);
	struct vmb_strategy asy = strat(VMB_REF_HARD, VMB_SYNC_ASYNC);
	struct vmb_latency l;
	struct vmb_run run;

	CHECK_INT(run_text(text, &exp, &run, NULL), 0);
	vmb_samples_summarize(&run.m.stall, &l);
	CHECK(l.max > 0);
	vmb_run_metrics_free(&run.m);
	CHECK_INT(run_text(text, &asy, &run, NULL), 0);
	vmb_samples_summarize(&run.m.stall, &l);
	CHECK_U64(l.max, 0);
	vmb_run_metrics_free(&run.m);
}

TEST(unsynced_submit_counted_under_async_only)
{
	static const char text[] =
	    HDR "{\"op\":\"vm_create\",\"vm\":1},\n"
		"{\"op\":\"queue_create\",\"queue\":1,\"vm\":1},\n"
		"{\"op\":\"bo_create\",\"bo\":1,\"size\":1048576},\n"
		"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map\",\"va\":\"0x101000\","
		"\"range\":\"0x100000\",\"bo\":1,\"offset\":0}]},\n"
		"{\"op\":\"submit\",\"queue\":1,\"gpu_ns\":1000}\n]}\n";
	struct vmb_strategy asy = strat(VMB_REF_HARD, VMB_SYNC_ASYNC);
	struct vmb_strategy imp = strat(VMB_REF_HARD, VMB_SYNC_IMPLICIT);
	struct vmb_run run;

	/* 256 4 KiB PTEs (unaligned VA) keep the bind job busy past the submit ioctl */
	CHECK_INT(run_text(text, &asy, &run, NULL), 0);
	CHECK_U64(run.m.counters.unsynced_submits, 1);
	vmb_run_metrics_free(&run.m);
	CHECK_INT(run_text(text, &imp, &run, NULL), 0);
	CHECK_U64(run.m.counters.unsynced_submits, 0);
	vmb_run_metrics_free(&run.m);
}

static const char array_text[] = HDR
    "{\"op\":\"vm_create\",\"vm\":1},\n"
    "{\"op\":\"bo_create\",\"bo\":1,\"size\":1048576},\n"
    "{\"op\":\"bind\",\"vm\":1,\"binds\":["
    "{\"kind\":\"map\",\"va\":\"0x100000\",\"range\":\"0x10000\",\"bo\":1,\"offset\":0},"
    "{\"kind\":\"map\",\"va\":\"0x200000\",\"range\":\"0x10000\",\"bo\":1,\"offset\":\"0x10000\"},"
    "{\"kind\":\"map\",\"va\":\"0x300000\",\"range\":\"0x10000\",\"bo\":1,\"offset\":\"0x20000\"},"
    "{\"kind\":\"unmap\",\"va\":\"0x100000\",\"range\":\"0x1000\"}]},\n"
    "{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"unmap\",\"va\":\"0x200000\",\"range\":"
    "\"0x1000\"}]},\n"
    "{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"unmap\",\"va\":\"0x300000\",\"range\":"
    "\"0x1000\"}]}\n]}\n";

TEST(batch_one_splits_bind_arrays)
{
	struct vmb_strategy s = strat(VMB_REF_HARD, VMB_SYNC_ASYNC);
	struct vmb_run traced, one;

	CHECK_INT(run_text(array_text, &s, &traced, NULL), 0);
	s.batch = 1;
	CHECK_INT(run_text(array_text, &s, &one, NULL), 0);
	/* as traced: 3 ioctls (one mixed = bind, two unbinds); batch=1: 6 */
	CHECK_U64(traced.m.bind.n + traced.m.unbind.n, 3);
	CHECK_U64(one.m.bind.n + one.m.unbind.n, 6);
	CHECK_U64(traced.m.counters.tlb_flushes, 3);
	CHECK_U64(one.m.counters.tlb_flushes, 3);
	/* the VA work is the same either way */
	CHECK_U64(one.m.counters.gpuvm_remap, traced.m.counters.gpuvm_remap);
	CHECK_U64(one.m.counters.gpuvm_map, traced.m.counters.gpuvm_map);
	vmb_run_metrics_free(&traced.m);
	vmb_run_metrics_free(&one.m);
}

TEST(batch_n_coalesces_consecutive_binds)
{
	struct vmb_strategy s = strat(VMB_REF_HARD, VMB_SYNC_ASYNC);
	struct vmb_run run;

	s.batch = 64;
	CHECK_INT(run_text(array_text, &s, &run, NULL), 0);
	CHECK_U64(run.m.bind.n + run.m.unbind.n, 1);
	/* one job, one TLB flush for all three unmaps */
	CHECK_U64(run.m.counters.tlb_flushes, 1);
	CHECK_U64(run.m.counters.gpuvm_remap, 3);
	vmb_run_metrics_free(&run.m);
}

TEST(close_unbind_first_avoids_zombies)
{
	struct vmb_strategy s = strat(VMB_REF_HARD, VMB_SYNC_ASYNC);
	struct vmb_run run;

	s.close = VMB_CLOSE_UNBIND_FIRST;
	CHECK_INT(run_text(closed_mapped, &s, &run, NULL), 0);
	CHECK_U64(run.m.counters.peak_zombie_bytes, 0);
	CHECK_U64(run.m.counters.gpuvm_unmap, 2);
	vmb_run_metrics_free(&run.m);
	s.close = VMB_CLOSE_UNBIND_ALL;
	CHECK_INT(run_text(closed_mapped, &s, &run, NULL), 0);
	CHECK_U64(run.m.counters.peak_zombie_bytes, 0);
	CHECK_U64(run.m.counters.gpuvm_unmap, 2);
	CHECK_U64(run.m.errors_unexpected, 0);
	vmb_run_metrics_free(&run.m);
}

TEST(close_early_moves_close_after_last_use)
{
	static const char text[] =
	    HDR "{\"op\":\"vm_create\",\"vm\":1},\n"
		"{\"op\":\"bo_create\",\"bo\":1,\"size\":65536},\n"
		"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map\",\"va\":\"0x100000\","
		"\"range\":\"0x10000\",\"bo\":1,\"offset\":0}]},\n"
		"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"unmap\",\"va\":\"0x100000\","
		"\"range\":\"0x10000\"}]},\n"
		"{\"op\":\"bo_close\",\"bo\":1}\n]}\n";
	struct vmb_strategy s = strat(VMB_REF_HARD, VMB_SYNC_ASYNC);
	struct vmb_run run;

	CHECK_INT(run_text(text, &s, &run, NULL), 0);
	CHECK_U64(run.m.counters.peak_zombie_bytes, 0);
	vmb_run_metrics_free(&run.m);
	s.close = VMB_CLOSE_EARLY;
	CHECK_INT(run_text(text, &s, &run, NULL), 0);
	CHECK_U64(run.m.counters.peak_zombie_bytes, 65536);
	CHECK_U64(run.m.errors_unexpected, 0);
	vmb_run_metrics_free(&run.m);
}

static const char userptr_text[] =
    HDR "{\"op\":\"vm_create\",\"vm\":1},\n"
	"{\"op\":\"queue_create\",\"queue\":1,\"vm\":1},\n"
	"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map_userptr\",\"va\":\"0x100000\","
	"\"range\":\"0x10000\",\"addr\":\"0x7f0000000000\"},"
	"{\"kind\":\"map_userptr\",\"va\":\"0x200000\",\"range\":\"0x10000\",\"addr\":"
	"\"0x7f0000100000\"}]},\n"
	"{\"op\":\"cpu_unmap\",\"addr\":\"0x7f0000008000\",\"size\":\"0x1000\"},\n"
	"{\"op\":\"cpu_unmap\",\"addr\":\"0x7f0000200000\",\"size\":\"0x1000\"},\n"
	"{\"op\":\"submit\",\"queue\":1}\n]}\n";

TEST(userptr_invalidate_and_revalidate)
{
	struct vmb_strategy s = strat(VMB_REF_HARD, VMB_SYNC_ASYNC);
	struct vmb_run run;

	s.userptr = VMB_USERPTR_PIN;
	CHECK_INT(run_text(userptr_text, &s, &run, NULL), 0);
	CHECK_U64(run.m.counters.userptr_invalidations, 1);
	CHECK_U64(run.m.counters.userptr_revalidations, 1);
	CHECK_U64(run.m.counters.pinned_pages_peak, 32);
	vmb_run_metrics_free(&run.m);
	s.userptr = VMB_USERPTR_HMM;
	CHECK_INT(run_text(userptr_text, &s, &run, NULL), 0);
	CHECK_U64(run.m.counters.userptr_invalidations, 1);
	CHECK_U64(run.m.counters.userptr_revalidations, 1);
	CHECK_U64(run.m.counters.pinned_pages_peak, 0);
	vmb_run_metrics_free(&run.m);
}

TEST(evict_lookup_vmbo_vs_gem_list)
{
	static const char text[] = HDR
	    "{\"op\":\"vm_create\",\"vm\":1},\n"
	    "{\"op\":\"vm_create\",\"vm\":2},\n"
	    "{\"op\":\"bo_create\",\"bo\":1,\"size\":1048576},\n"
	    "{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map\",\"va\":\"0x100000\",\"range\":"
	    "\"0x10000\",\"bo\":1,\"offset\":0},"
	    "{\"kind\":\"map\",\"va\":\"0x200000\",\"range\":\"0x10000\",\"bo\":1,\"offset\":0},"
	    "{\"kind\":\"map\",\"va\":\"0x300000\",\"range\":\"0x10000\",\"bo\":1,\"offset\":0}]},"
	    "\n"
	    "{\"op\":\"bind\",\"vm\":2,\"binds\":[{\"kind\":\"map\",\"va\":\"0x100000\",\"range\":"
	    "\"0x10000\",\"bo\":1,\"offset\":0}]},\n"
	    "{\"op\":\"evict\",\"bo\":1}\n]}\n";
	struct vmb_strategy s = strat(VMB_REF_HARD, VMB_SYNC_ASYNC);
	struct vmb_run a, b;

	CHECK_INT(run_text(text, &s, &a, NULL), 0);
	s.bo_lookup = VMB_LOOKUP_GEM_LIST;
	CHECK_INT(run_text(text, &s, &b, NULL), 0);
	CHECK_U64(a.m.counters.evictions, 1);
	/*
	 * vmbo: the evict marks the BO's 2 vm_bos (drm_gpuvm_bo_gem_evict);
	 * gem-list: one pass over the BO's 4 mappings in every VM
	 */
	CHECK_U64(a.m.counters.lookup_evict_nodes, 2);
	CHECK_U64(b.m.counters.lookup_evict_nodes, 4);
	CHECK_U64(a.m.counters.bo_lookup_nodes, 2);
	CHECK_U64(b.m.counters.bo_lookup_nodes, 4);
	vmb_run_metrics_free(&a.m);
	vmb_run_metrics_free(&b.m);
}

TEST(unexpected_result_counted)
{
	static const char text[] = HDR
	    "{\"op\":\"vm_create\",\"vm\":1,\"va_start\":\"0x100000\",\"va_range\":\"0x100000\"},\n"
	    "{\"op\":\"bind\",\"vm\":1,\"ret\":-22,\"binds\":[{\"kind\":\"map_null\",\"va\":"
	    "\"0x300000\",\"range\":\"0x1000\"}]},\n"
	    "{\"op\":\"bind\",\"vm\":1,\"ret\":-22,\"binds\":[{\"kind\":\"map_null\",\"va\":"
	    "\"0x100000\",\"range\":\"0x1000\"}]}\n]}\n";
	struct vmb_run run;

	CHECK_INT(run_text(text, NULL, &run, NULL), 0);
	CHECK_U64(run.m.errors_expected, 1);
	CHECK_U64(run.m.errors_unexpected, 1);
	vmb_run_metrics_free(&run.m);
}

TEST(dump_matches_design_example)
{
	static const char text[] =
	    HDR "{\"op\":\"vm_create\",\"vm\":1,\"va_start\":\"0x100000\",\"va_range\":"
		"\"0x100000000\"},\n"
		"{\"op\":\"bo_create\",\"bo\":1,\"size\":\"0x200000\"},\n"
		"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map\",\"va\":\"0x100000\","
		"\"range\":\"0x8000\",\"bo\":1,\"offset\":\"0x100000\"}]},\n"
		"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map\",\"va\":\"0x100000\","
		"\"range\":\"0x2000\",\"bo\":1,\"offset\":\"0x100000\"}]},\n"
		"{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"unmap\",\"va\":\"0x104000\","
		"\"range\":\"0x2000\"}]},\n"
		"{\"op\":\"bind\",\"vm\":1,\"ret\":-22,\"binds\":[{\"kind\":\"map\",\"va\":"
		"\"0xff000\",\"range\":\"0x2000\",\"bo\":1,\"offset\":0}]}\n]}\n";
	static const char want[] =
	    "REQ map va=0x100000 range=0x8000 obj=1 off=0x100000\n"
	    "  map va=0x100000 range=0x8000 obj=1 off=0x100000\n"
	    "REQ map va=0x100000 range=0x2000 obj=1 off=0x100000\n"
	    "  remap unmap(va=0x100000,range=0x8000,obj=1,off=0x100000,keep=1) - "
	    "next(va=0x102000,range=0x6000,obj=1,off=0x102000)\n"
	    "  map va=0x100000 range=0x2000 obj=1 off=0x100000\n"
	    "REQ unmap va=0x104000 range=0x2000\n"
	    "  remap unmap(va=0x102000,range=0x6000,obj=1,off=0x102000,keep=0) "
	    "prev(va=0x102000,range=0x2000,obj=1,off=0x102000) "
	    "next(va=0x106000,range=0x2000,obj=1,off=0x106000)\n"
	    "REQ map va=0xff000 range=0x2000 obj=1 off=0x0\n"
	    "  error -22\n";
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct vmb_run run;

	CHECK_INT(run_text(text, NULL, &run, f), 0);
	fclose(f);
	CHECK_STR(buf, want);
	CHECK_U64(run.m.errors_unexpected, 0);
	vmb_run_metrics_free(&run.m);
	free(buf);
}

int main(void)
{
	RUN(refcount_hard_keeps_closed_bo_alive);
	RUN(refcount_weak_tears_down_on_close);
	RUN(cycle_private_bo_closed_while_mapped);
	RUN(implicit_sync_stalls_submit_async_does_not);
	RUN(explicit_sync_free_without_wait_stalls_next_submit);
	RUN(unsynced_submit_counted_under_async_only);
	RUN(batch_one_splits_bind_arrays);
	RUN(batch_n_coalesces_consecutive_binds);
	RUN(close_unbind_first_avoids_zombies);
	RUN(close_early_moves_close_after_last_use);
	RUN(userptr_invalidate_and_revalidate);
	RUN(evict_lookup_vmbo_vs_gem_list);
	RUN(unexpected_result_counted);
	RUN(dump_matches_design_example);
	return TEST_SUMMARY();
}
