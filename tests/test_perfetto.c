// SPDX-License-Identifier: MIT
/*
 * test_perfetto.c - the Chrome trace-event export: the output parses as
 * JSON, slices are complete (X) events that nest on every track, flows
 * pair up (one "s" and one "f" per id, from a bind to the first submit
 * that waits on it), tracks are named, stalls and counters are there.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "harness.h"
#include "perfetto.h"

static char path[64];

static struct vmb_op bind_op(uint32_t vm, uint32_t queue, uint16_t n_in, uint16_t n_out)
{
	struct vmb_op op = {.kind = VMB_OP_BIND};

	op.u.bind.vm = vm;
	op.u.bind.queue = queue;
	op.u.bind.n_binds = 1;
	op.u.bind.n_in = n_in;
	op.u.bind.n_out = n_out;
	return op;
}

static struct vmb_op submit_op(uint32_t queue, uint16_t n_in)
{
	struct vmb_op op = {.kind = VMB_OP_SUBMIT};

	op.u.submit.queue = queue;
	op.u.submit.n_in = n_in;
	op.u.submit.gpu_ns = 5000;
	return op;
}

/* write a small timeline; returns the parsed document */
static json_t *export_sample(void)
{
	struct vmb_bind_entry be = {
	    .va = 0x100000, .range = 0x10000, .bo = 1, .kind = VMB_BIND_MAP};
	struct vmb_sync s5 = {.syncobj = 5}, s6 = {.syncobj = 6}, s7 = {.syncobj = 7};
	struct vmb_op vmc = {.kind = VMB_OP_VM_CREATE};
	struct vmb_op b1 = bind_op(1, 0, 0, 1), b2 = bind_op(1, 3, 0, 1), b3 = bind_op(1, 0, 0, 1);
	struct vmb_op sub1 = submit_op(2, 1), sub2 = submit_op(2, 1), sub3 = submit_op(4, 2);
	struct vmb_sync in3[2] = {{.syncobj = 6}, {.syncobj = 7}};
	struct vmb_call c;
	struct vmb_timing tm;
	struct vmb_perfetto *p;
	char err[256];
	json_error_t je;
	json_t *doc;

	strcpy(path, "/tmp/vmb-perfetto-XXXXXX");
	close(mkstemp(path));
	p = vmb_perfetto_open(path, err, sizeof(err));
	if (!p) {
		printf("# %s\n", err);
		return NULL;
	}
	c = (struct vmb_call){.op = &vmc, .index = 0};
	tm = (struct vmb_timing){.issue_ns = 0, .return_ns = 1500};
	vmb_perfetto_call(p, &c, &tm, 0);
	/* bind on the default queue signals 5; submit 1 waits on 5 */
	c = (struct vmb_call){.op = &b1, .binds = &be, .syncs = &s5, .index = 1};
	tm = (struct vmb_timing){.issue_ns = 2000, .return_ns = 3000, .done_ns = 12000};
	vmb_perfetto_call(p, &c, &tm, 0);
	vmb_perfetto_counter(p, 12000, "live mappings", 1);
	c = (struct vmb_call){.op = &sub1, .syncs = &s5, .index = 2};
	tm = (struct vmb_timing){.issue_ns = 4000,
				 .return_ns = 5000,
				 .start_ns = 15000,
				 .done_ns = 20000,
				 .stall_ns = 3000};
	vmb_perfetto_call(p, &c, &tm, 0);
	/* a second submit waiting on 5 again: no second flow from the same bind */
	c = (struct vmb_call){.op = &sub2, .syncs = &s5, .index = 3};
	tm = (struct vmb_timing){
	    .issue_ns = 6000, .return_ns = 7000, .start_ns = 20000, .done_ns = 25000};
	vmb_perfetto_call(p, &c, &tm, 0);
	/* binds on a separate bind queue (6) and the default queue (7); a
	 * submit on another queue waits on both: two flows */
	c = (struct vmb_call){.op = &b2, .binds = &be, .syncs = &s6, .index = 4};
	tm = (struct vmb_timing){
	    .issue_ns = 8000, .return_ns = 9000, .start_ns = 9000, .done_ns = 30000};
	vmb_perfetto_call(p, &c, &tm, 0);
	c = (struct vmb_call){.op = &b3, .binds = &be, .syncs = &s7, .index = 5};
	/* starts before the previous slice on its queue ended: must be trimmed */
	tm = (struct vmb_timing){.issue_ns = 9500, .return_ns = 10000, .done_ns = 14000};
	vmb_perfetto_call(p, &c, &tm, 0);
	c = (struct vmb_call){.op = &sub3, .syncs = in3, .index = 6};
	tm = (struct vmb_timing){
	    .issue_ns = 10500, .return_ns = 11000, .start_ns = 30000, .done_ns = 36000};
	vmb_perfetto_call(p, &c, &tm, 0);
	/* a bind nobody waits for: no dangling flow start */
	c = (struct vmb_call){.op = &b1, .binds = &be, .syncs = &s6, .index = 7};
	tm = (struct vmb_timing){.issue_ns = 37000, .return_ns = 38000, .done_ns = 40000};
	vmb_perfetto_call(p, &c, &tm, 0);
	vmb_perfetto_counter(p, 40000, "zombie bytes", 65536);
	(void)s7;
	CHECK_INT(vmb_perfetto_close(p), 0);
	doc = json_load_file(path, 0, &je);
	if (!doc)
		printf("# %s:%d: %s\n", path, je.line, je.text);
	return doc;
}

static double num(json_t *e, const char *k)
{
	return json_number_value(json_object_get(e, k));
}

static const char *str(json_t *e, const char *k)
{
	const char *s = json_string_value(json_object_get(e, k));

	return s ? s : "";
}

TEST(valid_json)
{
	json_t *doc = export_sample(), *evs;

	CHECK(doc != NULL);
	if (!doc)
		return;
	evs = json_object_get(doc, "traceEvents");
	CHECK(json_is_array(evs));
	CHECK(json_array_size(evs) > 10);
	CHECK_STR(str(doc, "displayTimeUnit"), "ns");
	json_decref(doc);
	unlink(path);
}

TEST(slices_nest_per_track)
{
	json_t *doc = export_sample(), *evs, *e;
	size_t i, j, x = 0, be = 0;

	if (!doc)
		SKIP("export failed");
	evs = json_object_get(doc, "traceEvents");
	json_array_foreach (evs, i, e) {
		const char *ph = str(e, "ph");

		if (!strcmp(ph, "B") || !strcmp(ph, "E"))
			be++;
		if (strcmp(ph, "X"))
			continue;
		x++;
		CHECK(json_is_number(json_object_get(e, "ts")));
		CHECK(num(e, "dur") >= 0);
		/* every pair of X slices on the same track is disjoint or nested */
		for (j = i + 1; j < json_array_size(evs); j++) {
			json_t *f = json_array_get(evs, j);
			double a0 = num(e, "ts"), a1 = a0 + num(e, "dur");
			double b0 = num(f, "ts"), b1 = b0 + num(f, "dur");

			if (strcmp(str(f, "ph"), "X") || num(f, "pid") != num(e, "pid") ||
			    num(f, "tid") != num(e, "tid"))
				continue;
			CHECK(a1 <= b0 + 1e-9 || b1 <= a0 + 1e-9 || (a0 <= b0 && b1 <= a1) ||
			      (b0 <= a0 && a1 <= b1));
		}
	}
	CHECK_INT(be, 0);	     /* only complete events, so nothing can be unmatched */
	CHECK_INT(x, 8 + 4 + 3 + 1); /* 8 ioctls; 4 bind, 3 submit and 1 stall slices */
	json_decref(doc);
	unlink(path);
}

TEST(flows_pair_up)
{
	json_t *doc = export_sample(), *evs, *e;
	size_t i, n_s = 0, n_f = 0;
	double s_ts[16] = {0}, f_ts[16] = {0};
	int s_cnt[16] = {0}, f_cnt[16] = {0};

	if (!doc)
		SKIP("export failed");
	evs = json_object_get(doc, "traceEvents");
	json_array_foreach (evs, i, e) {
		const char *ph = str(e, "ph");
		int id = (int)num(e, "id");

		if (strcmp(ph, "s") && strcmp(ph, "f"))
			continue;
		CHECK(id > 0 && id < 16);
		if (id <= 0 || id >= 16)
			continue;
		if (!strcmp(ph, "s")) {
			n_s++;
			s_cnt[id]++;
			s_ts[id] = num(e, "ts");
		} else {
			n_f++;
			f_cnt[id]++;
			f_ts[id] = num(e, "ts");
			CHECK_STR(str(e, "bp"), "e");
		}
	}
	/* bind 1 -> submit 1, binds 2 and 3 -> submit 3; not submit 2, not bind 4 */
	CHECK_INT(n_s, 3);
	CHECK_INT(n_f, 3);
	for (i = 0; i < 16; i++) {
		CHECK_INT(s_cnt[i], f_cnt[i]);
		if (s_cnt[i])
			CHECK(s_ts[i] <= f_ts[i]);
	}
	json_decref(doc);
	unlink(path);
}

TEST(tracks_stalls_counters)
{
	json_t *doc = export_sample(), *evs, *e;
	size_t i;
	int named_default = 0, named_bq = 0, named_eq = 0, stalls = 0, counters = 0;
	int cpu = 0;

	if (!doc)
		SKIP("export failed");
	evs = json_object_get(doc, "traceEvents");
	json_array_foreach (evs, i, e) {
		const char *ph = str(e, "ph"), *name = str(e, "name");

		if (!strcmp(ph, "M") && !strcmp(name, "thread_name")) {
			const char *tn = str(json_object_get(e, "args"), "name");

			named_default += !strcmp(tn, "bind queue (VM 1 default)");
			named_bq += !strcmp(tn, "bind queue 3 (VM 1)");
			named_eq += !strcmp(tn, "exec queue 2") || !strcmp(tn, "exec queue 4");
			cpu += !strcmp(tn, "CPU issue");
		}
		if (!strcmp(ph, "X") && !strcmp(name, "stall")) {
			stalls++;
			/* start_ns - stall_ns .. start_ns = 12 us .. 15 us */
			CHECK(fabs(num(e, "ts") - 12.0) < 1e-9);
			CHECK(fabs(num(e, "dur") - 3.0) < 1e-9);
		}
		if (!strcmp(ph, "C")) {
			counters++;
			CHECK(json_is_number(json_object_get(json_object_get(e, "args"), "value")));
		}
	}
	CHECK_INT(named_default, 1);
	CHECK_INT(named_bq, 1);
	CHECK_INT(named_eq, 2);
	CHECK_INT(cpu, 1);
	CHECK_INT(stalls, 1);
	CHECK_INT(counters, 2);
	json_decref(doc);
	unlink(path);
}

TEST(bad_path)
{
	char err[256] = "";

	CHECK(vmb_perfetto_open("/nonexistent-dir/x.json", err, sizeof(err)) == NULL);
	CHECK(strstr(err, "/nonexistent-dir/x.json") != NULL);
	CHECK_INT(vmb_perfetto_close(NULL), 0);
	vmb_perfetto_call(NULL, NULL, NULL, 0);
}

int main(void)
{
	RUN(valid_json);
	RUN(slices_nest_per_track);
	RUN(flows_pair_up);
	RUN(tracks_stalls_counters);
	RUN(bad_path);
	return TEST_SUMMARY();
}
