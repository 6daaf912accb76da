// SPDX-License-Identifier: MIT
/*
 * test_trace.c - tests of trace format v1 I/O: loading good traces (.json
 * and .jsonl, hex strings, defaults), the "ret" exemption, the writer and
 * the load -> write -> load round trip, and the malformed-trace corpus in
 * tests/malformed/ (each NAME.json/.jsonl next to NAME.err, the exact error
 * line expected).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tests/harness.h"
#include "trace.h"
#include "trace_at.h"

static char tmpdir[] = "/tmp/vmb-test-trace-XXXXXX";

/* write @text to tmpdir/@name; returns the path (static buffer) */
static const char *put_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	return path;
}

static struct vmb_trace *load_text(const char *name, const char *text, char *err, size_t len)
{
	struct vmb_trace *t = NULL;
	const char *path = put_file(name, text);

	if (!path || vmb_trace_load(path, &t, err, len))
		return NULL;
	return t;
}

#define HDR "\"format\":\"vmbench-trace\",\"version\":1,\"driver\":\"xe\",\"page_size\":4096"

static const char good_json[] =
    "{" HDR ",\n"
    " \"source\": {\"kind\": \"synthetic\", \"generator\": \"test\", \"seed\": 7},\n"
    " \"x_comment\": [\"ignored\", {\"deep\": 1}],\n"
    " \"ops\": [\n"
    "  {\"op\": \"vm_create\", \"vm\": 1, \"flags\": [\"fault\"], \"t\": 10, \"tid\": 3},\n"
    "  {\"op\": \"vm_create\", \"vm\": 2, \"va_start\": \"0x100000\", \"va_range\": "
    "\"0xFFFF00000000\",\n"
    "   \"kernel_start\": \"0x200000\", \"kernel_range\": 1048576},\n"
    "  {\"op\": \"queue_create\", \"queue\": 1, \"vm\": 1, \"engine\": \"bind\"},\n"
    "  {\"op\": \"queue_create\", \"queue\": 2, \"vm\": 1},\n"
    "  {\"op\": \"bo_create\", \"bo\": 1, \"size\": \"0x10000\", \"placement\": \"vram\", "
    "\"flags\": [\"scanout\"]},\n"
    "  {\"op\": \"bo_create\", \"bo\": 2, \"size\": 8192, \"vm\": 1},\n"
    "  {\"op\": \"syncobj_create\", \"syncobj\": 1},\n"
    "  {\"op\": \"syncobj_create\", \"syncobj\": 2, \"timeline\": true, \"signaled\": true},\n"
    "  {\"op\": \"bind\", \"vm\": 1, \"queue\": 1, \"t\": 20, \"tid\": 3, \"x_raw\": \"ab\",\n"
    "   \"binds\": [\n"
    "    {\"kind\": \"map\", \"va\": \"0xffff00000000\", \"range\": 65536, \"bo\": 1,\n"
    "     \"flags\": [\"readonly\", \"dumpable\"], \"hw\": \"0xFFFFFFFFFFFFFFFF\"},\n"
    "    {\"kind\": \"map\", \"va\": 4096, \"range\": 4096, \"bo\": 2, \"offset\": 4096},\n"
    "    {\"kind\": \"map_null\", \"va\": \"0x100000000\", \"range\": \"0x100000\"},\n"
    "    {\"kind\": \"map_userptr\", \"va\": \"0x200000000\", \"range\": 8192, "
    "\"addr\": \"0x7f0000001000\"},\n"
    "    {\"kind\": \"prefetch\", \"va\": 4096, \"range\": 4096, \"region\": 1},\n"
    "    {\"kind\": \"unmap\", \"va\": \"0x100000000\", \"range\": 4096}],\n"
    "   \"in\": [{\"syncobj\": 1}], \"out\": [{\"syncobj\": 2, \"point\": 5}]},\n"
    "  {\"op\": \"submit\", \"queue\": 2, \"bos\": [1, 2], \"gpu_ns\": 250000,\n"
    "   \"in\": [{\"syncobj\": 2, \"point\": 5}], \"out\": [{\"syncobj\": 1}]},\n"
    "  {\"op\": \"wait\", \"syncs\": [{\"syncobj\": 1}], \"all\": false, \"timeout_ns\": 1000},\n"
    "  {\"op\": \"wait\", \"syncs\": [{\"syncobj\": 2, \"point\": 6}]},\n"
    "  {\"op\": \"signal\", \"syncs\": [{\"syncobj\": 2, \"point\": 6}]},\n"
    "  {\"op\": \"cpu_unmap\", \"addr\": \"0x7f0000001000\", \"size\": 4096},\n"
    "  {\"op\": \"evict\", \"bo\": 1},\n"
    "  {\"op\": \"frame\", \"n\": 1, \"t\": 5},\n"
    "  {\"op\": \"bind\", \"vm\": 1, \"binds\": [{\"kind\": \"unmap_all\", \"bo\": 1}]},\n"
    "  {\"op\": \"bind\", \"vm\": 1, \"binds\": [{\"kind\": \"map\", \"va\": 0, "
    "\"range\": 4096, \"bo\": 9}], \"ret\": -22},\n"
    "  {\"op\": \"bo_create\", \"bo\": 3, \"size\": 4096, \"ret\": -12},\n"
    "  {\"op\": \"bo_close\", \"bo\": 3, \"ret\": -2},\n"
    "  {\"op\": \"bo_close\", \"bo\": 1},\n"
    "  {\"op\": \"bo_create\", \"bo\": 1, \"size\": 4096},\n"
    "  {\"op\": \"syncobj_destroy\", \"syncobj\": 1},\n"
    "  {\"op\": \"queue_destroy\", \"queue\": 2},\n"
    "  {\"op\": \"vm_destroy\", \"vm\": 2}\n"
    " ],\n"
    " \"x_after\": 1\n"
    "}\n";

TEST(load_json)
{
	char err[512];
	struct vmb_trace *t = load_text("good.json", good_json, err, sizeof(err));
	const struct vmb_op *op;
	const struct vmb_bind_entry *b;

	CHECK(t != NULL);
	if (!t) {
		printf("# %s\n", err);
		return;
	}
	CHECK_INT(t->driver, VMB_DRIVER_XE);
	CHECK_U64(t->page_size, 4096);
	CHECK_STR(t->source.kind, "synthetic");
	CHECK_STR(t->source.json, "{\"kind\":\"synthetic\",\"generator\":\"test\",\"seed\":7}");
	CHECK_INT(t->n_ops, 25);
	CHECK_INT(strlen(t->sha256), 64);
	CHECK(!t->dropped_partial_line);

	op = &OPAT(t, 0);
	CHECK_INT(op->kind, VMB_OP_VM_CREATE);
	CHECK_INT(op->line, 5);
	CHECK_U64(op->t, 10);
	CHECK_INT(op->tid, 3);
	CHECK_U64(op->u.vm_create.va_start, 0);
	CHECK_U64(op->u.vm_create.va_range, 1ull << 48);
	CHECK_INT(op->u.vm_create.flags, VMB_VM_F_FAULT);
	CHECK_U64(vmb_trace_kernel_range(t, 1), 0);

	op = &OPAT(t, 1);
	CHECK_INT(op->line, 6);
	CHECK_U64(op->u.vm_create.va_start, 0x100000);
	CHECK_U64(op->u.vm_create.va_range, 0xffff00000000ull);
	CHECK_U64(op->u.vm_create.kernel_start, 0x200000);
	CHECK_U64(vmb_trace_kernel_range(t, 2), 0x100000);
	CHECK_U64(vmb_trace_kernel_range(t, 99), 0);

	CHECK_INT(OPAT(t, 2).u.queue.engine, VMB_ENGINE_BIND);
	CHECK_INT(OPAT(t, 3).u.queue.engine, VMB_ENGINE_RENDER);
	CHECK_U64(OPAT(t, 4).u.bo.size, 0x10000);
	CHECK_INT(OPAT(t, 4).u.bo.placement, VMB_PLACE_VRAM);
	CHECK_INT(OPAT(t, 4).u.bo.flags, VMB_BO_F_SCANOUT);
	CHECK_INT(OPAT(t, 4).u.bo.vm, 0);
	CHECK_INT(OPAT(t, 5).u.bo.vm, 1);
	CHECK_INT(OPAT(t, 5).u.bo.placement, VMB_PLACE_ANY);
	CHECK(OPAT(t, 7).u.syncobj.timeline && OPAT(t, 7).u.syncobj.signaled);
	CHECK(!OPAT(t, 6).u.syncobj.timeline && !OPAT(t, 6).u.syncobj.signaled);

	op = &OPAT(t, 8);
	CHECK_INT(op->kind, VMB_OP_BIND);
	CHECK_INT(op->line, 14);
	CHECK_INT(op->u.bind.vm, 1);
	CHECK_INT(op->u.bind.queue, 1);
	CHECK_INT(op->u.bind.n_binds, 6);
	CHECK_INT(op->u.bind.n_in, 1);
	CHECK_INT(op->u.bind.n_out, 1);
	b = test_op_at(t, 8)->binds;
	CHECK_INT(b[0].kind, VMB_BIND_MAP);
	CHECK_U64(b[0].va, 0xffff00000000ull);
	CHECK_U64(b[0].range, 65536);
	CHECK_INT(b[0].bo, 1);
	CHECK_U64(b[0].offset, 0);
	CHECK_INT(b[0].flags, VMB_BIND_F_READONLY | VMB_BIND_F_DUMPABLE);
	CHECK_U64(b[0].hw, UINT64_MAX);
	CHECK_U64(b[1].offset, 4096);
	CHECK_INT(b[2].kind, VMB_BIND_MAP_NULL);
	CHECK_INT(b[2].bo, 0);
	CHECK_INT(b[3].kind, VMB_BIND_MAP_USERPTR);
	CHECK_U64(b[3].offset, 0x7f0000001000ull);
	CHECK_INT(b[4].kind, VMB_BIND_PREFETCH);
	CHECK_U64(b[4].offset, 1);
	CHECK_INT(b[5].kind, VMB_BIND_UNMAP);
	CHECK_INT(test_op_at(t, 8)->syncs[op->u.bind.first_sync].syncobj, 1);
	CHECK_U64(test_op_at(t, 8)->syncs[op->u.bind.first_sync].point, 0);
	CHECK_INT(test_op_at(t, 8)->syncs[op->u.bind.first_sync + 1].syncobj, 2);
	CHECK_U64(test_op_at(t, 8)->syncs[op->u.bind.first_sync + 1].point, 5);

	op = &OPAT(t, 9);
	CHECK_INT(op->kind, VMB_OP_SUBMIT);
	CHECK_INT(op->u.submit.queue, 2);
	CHECK_INT(op->u.submit.n_bos, 2);
	CHECK_INT(test_op_at(t, 9)->ids[op->u.submit.first_bo + 1], 2);
	CHECK_U64(op->u.submit.gpu_ns, 250000);

	CHECK(!OPAT(t, 10).u.wait.all);
	CHECK_U64(OPAT(t, 10).u.wait.timeout_ns, 1000);
	CHECK(OPAT(t, 11).u.wait.all);
	CHECK_U64(OPAT(t, 11).u.wait.timeout_ns, UINT64_MAX);
	CHECK_INT(OPAT(t, 12).kind, VMB_OP_SIGNAL);
	CHECK_INT(OPAT(t, 12).u.wait.n, 1);
	CHECK_U64(OPAT(t, 13).u.cpu_unmap.addr, 0x7f0000001000ull);
	CHECK_INT(OPAT(t, 14).u.evict.bo, 1);
	CHECK_U64(OPAT(t, 15).u.frame.n, 1);
	CHECK_U64(OPAT(t, 15).t, 5); /* tid 0: its own clock */
	CHECK_INT(test_op_at(t, 16)->binds[0].kind, VMB_BIND_UNMAP_ALL);
	CHECK_INT(OPAT(t, 17).ret, -22);
	CHECK_INT(OPAT(t, 18).ret, -12);

	CHECK_INT(t->max_id[VMB_CLASS_VM], 2);
	CHECK_INT(t->max_id[VMB_CLASS_QUEUE], 2);
	CHECK_INT(t->max_id[VMB_CLASS_BO], 9);
	CHECK_INT(t->max_id[VMB_CLASS_SYNCOBJ], 2);
	vmb_trace_destroy(t);
}

static const char good_jsonl[] =
    "{" HDR ",\"source\":{\"kind\":\"capture\",\"app\":\"vkcube\"}}\n"
    "{\"op\":\"vm_create\",\"vm\":1}\n"
    "{\"op\":\"bo_create\",\"bo\":1,\"size\":4096}\n"
    "{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map\",\"va\":4096,\"range\":4096,"
    "\"bo\":1}]}\n"
    "{\"op\":\"frame\",\"n\":1}\n";

TEST(load_jsonl)
{
	char err[512];
	struct vmb_trace *t = load_text("good.jsonl", good_jsonl, err, sizeof(err));

	CHECK(t != NULL);
	if (!t) {
		printf("# %s\n", err);
		return;
	}
	CHECK_INT(t->n_ops, 4);
	CHECK_INT(OPAT(t, 0).line, 2);
	CHECK_INT(OPAT(t, 3).line, 5);
	CHECK_STR(t->source.kind, "capture");
	CHECK(!t->dropped_partial_line);
	vmb_trace_destroy(t);
}

TEST(jsonl_partial_last_line)
{
	char text[1024], err[512];
	struct vmb_trace *t;
	char warn[512] = "", want[600];
	FILE *cap = tmpfile();
	int saved = dup(2);

	/* the warning goes to stderr: capture it */
	snprintf(text, sizeof(text), "%s{\"op\":\"frame\",\"n\":2", good_jsonl);
	fflush(stderr);
	dup2(fileno(cap), 2);
	t = load_text("partial.jsonl", text, err, sizeof(err));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(cap);
	if (!fgets(warn, sizeof(warn), cap))
		warn[0] = '\0';
	fclose(cap);
	snprintf(
	    want, sizeof(want),
	    "%s/partial.jsonl:6: warning: dropped an incomplete last line (interrupted write)\n",
	    tmpdir);
	CHECK_STR(warn, want);
	CHECK(t != NULL);
	if (!t) {
		printf("# %s\n", err);
		return;
	}
	CHECK_INT(t->n_ops, 4);
	CHECK(t->dropped_partial_line);
	vmb_trace_destroy(t);

	/* complete but unterminated: kept */
	snprintf(text, sizeof(text), "%s{\"op\":\"frame\",\"n\":2}", good_jsonl);
	t = load_text("unterminated.jsonl", text, err, sizeof(err));
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(t->n_ops, 5);
		CHECK(!t->dropped_partial_line);
		vmb_trace_destroy(t);
	}
}

TEST(defaults_and_empty)
{
	char err[512];
	struct vmb_trace *t;

	t = load_text("min.json", "{\"format\":\"vmbench-trace\",\"version\":1,\"ops\":[]}", err,
		      sizeof(err));
	CHECK(t != NULL);
	if (!t) {
		printf("# %s\n", err);
		return;
	}
	CHECK_INT(t->driver, VMB_DRIVER_ANY);
	CHECK_U64(t->page_size, 4096);
	CHECK_STR(t->source.kind, "unknown");
	CHECK(t->source.json == NULL);
	CHECK_INT(t->n_ops, 0);
	vmb_trace_destroy(t);
}

/*
 * An op that cannot succeed is kept when its "ret" says the original call
 * failed, and a failed op changes no object state.
 */
TEST(ret_exemption)
{
	static const char text[] = "{" HDR ",\"ops\":[\n"
				   "{\"op\":\"vm_create\",\"vm\":1,\"va_range\":\"0x100000000\"},\n"
				   "{\"op\":\"bo_create\",\"bo\":1,\"size\":4096},\n"
				   "{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map\",\"va\":"
				   "\"0x100000000\",\"range\":4096,\"bo\":1}],\"ret\":-22},\n"
				   "{\"op\":\"vm_create\",\"vm\":1,\"ret\":-17},\n"
				   "{\"op\":\"bo_close\",\"bo\":1,\"ret\":-4},\n"
				   "{\"op\":\"evict\",\"bo\":1},\n"
				   "{\"op\":\"bo_create\",\"bo\":2,\"size\":4096,\"ret\":-12},\n"
				   "{\"op\":\"bo_create\",\"bo\":2,\"size\":4096}\n"
				   "]}\n";
	char err[512];
	struct vmb_trace *t = load_text("ret.json", text, err, sizeof(err));

	CHECK(t != NULL);
	if (!t) {
		printf("# %s\n", err);
		return;
	}
	CHECK_INT(t->n_ops, 8);
	CHECK_INT(OPAT(t, 2).ret, -22);
	CHECK_INT(OPAT(t, 3).ret, -17);
	vmb_trace_destroy(t);

	/* the same bind without "ret" is rejected */
	t = load_text("noret.json",
		      "{" HDR ",\"ops\":[\n"
		      "{\"op\":\"vm_create\",\"vm\":1,\"va_range\":\"0x100000000\"},\n"
		      "{\"op\":\"bind\",\"vm\":1,\"binds\":[{\"kind\":\"map_null\",\"va\":"
		      "\"0x100000000\",\"range\":4096}]}]}",
		      err, sizeof(err));
	CHECK(t == NULL);
	CHECK(strstr(err, "noret.json:3: op 1: bind entry 0: [0x100000000,0x100001000) outside "
			  "vm 1 [0x0,0x100000000)") != NULL);
	vmb_trace_destroy(t);
}

/*
 * A .jsonl cut into chunks parsed by threads reports exactly what a
 * sequential load reports: the first problem in file order, with the
 * absolute line and op index.
 */
static void check_chunked(const char *threads)
{
	char *text = malloc(200000), err[512];
	struct vmb_trace *t;
	size_t n = 0;

	setenv("VMB_TRACE_LOAD_THREADS", threads, 1);
	n += (size_t)sprintf(text + n, "{" HDR "}\n{\"op\":\"vm_create\",\"vm\":1}\n");
	for (int i = 1; i < 2000; i++)
		n += (size_t)sprintf(text + n, "{\"op\":\"frame\",\"n\":%d,\"t\":%d}\n", i, i);
	t = load_text("chunks.jsonl", text, err, sizeof(err));
	CHECK(t != NULL);
	if (t) {
		char cmd[600], sum[80] = "";
		FILE *f;

		/* the digest, whichever thread computed it, is the file's */
		snprintf(cmd, sizeof(cmd), "sha256sum '%s/chunks.jsonl'", tmpdir);
		f = popen(cmd, "r");
		if (f) {
			if (!fgets(sum, sizeof(sum), f))
				sum[0] = '\0';
			pclose(f);
		}
		sum[64] = '\0';
		CHECK_STR(t->sha256, sum);
		CHECK_INT(t->n_ops, 2000);
		CHECK_INT(OPAT(t, 1999).line, 2001);
		CHECK_U64(OPAT(t, 1999).u.frame.n, 1999);
		CHECK_U64(OPAT(t, 1234).t, 1234);
		vmb_trace_destroy(t);
	}

	/* a semantic error (op 1500) before a syntax error (op 1800) */
	n = 0;
	n += (size_t)sprintf(text + n, "{" HDR "}\n{\"op\":\"vm_create\",\"vm\":1}\n");
	for (int i = 1; i < 2000; i++) {
		if (i == 1500)
			n += (size_t)sprintf(text + n, "{\"op\":\"vm_destroy\",\"vm\":7}\n");
		else if (i == 1800)
			n += (size_t)sprintf(text + n, "{\"op\":\"frame\",\"n\":}\n");
		else
			n += (size_t)sprintf(text + n, "{\"op\":\"frame\",\"n\":%d}\n", i);
	}
	t = load_text("chunks.jsonl", text, err, sizeof(err));
	CHECK(t == NULL);
	CHECK(strstr(err, "/chunks.jsonl:1502: op 1500: vm 7 used before vm_create") != NULL);
	if (!strstr(err, ":1502: op 1500:"))
		printf("#   %s\n", err);

	/* only the syntax error */
	memcpy(strstr(text, "\"vm\":7"), "\"vm\":1", 6);
	t = load_text("chunks.jsonl", text, err, sizeof(err));
	CHECK(t == NULL);
	CHECK(strstr(err, "/chunks.jsonl:1802: op 1800: syntax error: ") != NULL);
	if (!strstr(err, ":1802: op 1800:"))
		printf("#   %s\n", err);
	vmb_trace_destroy(t);
	unsetenv("VMB_TRACE_LOAD_THREADS");
	free(text);
}

TEST(jsonl_chunks_1)
{
	check_chunked("1");
}

TEST(jsonl_chunks_4)
{
	check_chunked("4");
}

TEST(jsonl_chunks_8)
{
	check_chunked("8");
}

/* ops equal field by field (bind entries, syncs, ids too) except their line */
static bool same_ops(const struct vmb_trace *a, const struct vmb_trace *b)
{
	struct vmb_cursor ca, cb;
	bool same = a->n_ops == b->n_ops;
	int ra = 1, rb = 1;

	if (!same || vmb_cursor_init(&ca, a))
		return false;
	if (vmb_cursor_init(&cb, b)) {
		vmb_cursor_fini(&ca);
		return false;
	}
	while (same && (ra = vmb_cursor_next(&ca)) > 0 && (rb = vmb_cursor_next(&cb)) > 0) {
		struct vmb_op x = ca.op, y = cb.op;
		size_t nb, ns, ni;

		x.line = y.line = 0;
		if (memcmp(&x, &y, sizeof(x)) || ca.kernel_range != cb.kernel_range) {
			printf("# op %zu differs\n", ca.index);
			same = false;
			break;
		}
		vmb_op_parts(&x, &nb, &ns, &ni);
		if ((nb && memcmp(ca.binds, cb.binds, nb * sizeof(*ca.binds))) ||
		    (ns && memcmp(ca.syncs, cb.syncs, ns * sizeof(*ca.syncs))) ||
		    (ni && memcmp(ca.ids, cb.ids, ni * sizeof(*ca.ids)))) {
			printf("# op %zu: pools differ\n", ca.index);
			same = false;
		}
	}
	vmb_cursor_fini(&ca);
	vmb_cursor_fini(&cb);
	return same && ra >= 0 && rb >= 0 && a->driver == b->driver &&
	       a->page_size == b->page_size && !strcmp(a->source.kind, b->source.kind);
}

static struct vmb_trace *rewrite(const struct vmb_trace *t, const char *name, bool jsonl)
{
	char path[512], err[512];
	struct vmb_trace *u = NULL;
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	r = vmb_trace_write(t, f, jsonl);
	fclose(f);
	if (r) {
		printf("# vmb_trace_write: %d\n", r);
		return NULL;
	}
	if (vmb_trace_load(path, &u, err, sizeof(err))) {
		printf("# %s\n", err);
		return NULL;
	}
	return u;
}

TEST(round_trip)
{
	char err[512];
	struct vmb_trace *t = load_text("rt.json", good_json, err, sizeof(err));
	struct vmb_trace *a, *b, *c;

	CHECK(t != NULL);
	if (!t)
		return;
	a = rewrite(t, "rt-out.jsonl", true);
	b = rewrite(t, "rt-out.json", false);
	CHECK(a && same_ops(t, a));
	CHECK(b && same_ops(t, b));
	if (a) {
		/* writing is deterministic: a second generation is byte-identical */
		c = rewrite(a, "rt-out2.jsonl", true);
		CHECK(c && same_ops(a, c));
		CHECK(c && !strcmp(a->sha256, c->sha256));
		vmb_trace_destroy(c);
	}
	vmb_trace_destroy(a);
	vmb_trace_destroy(b);
	vmb_trace_destroy(t);
}

/* every bundled trace survives load -> write (both forms) -> load unchanged */
TEST(round_trip_bundled)
{
	DIR *d = opendir("traces");
	struct dirent *de;
	int n = 0;

	if (!d)
		SKIP("no traces/ directory");
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char path[512], err[512];
		struct vmb_trace *t = NULL, *a, *b;

		if (!(len > 5 && !strcmp(de->d_name + len - 5, ".json")) &&
		    !(len > 6 && !strcmp(de->d_name + len - 6, ".jsonl")))
			continue;
		snprintf(path, sizeof(path), "traces/%s", de->d_name);
		if (vmb_trace_load(path, &t, err, sizeof(err))) {
			printf("# %s\n", err);
			CHECK(!"bundled trace loads");
			continue;
		}
		a = rewrite(t, "bundled.jsonl", true);
		b = rewrite(t, "bundled.json", false);
		CHECK(a && same_ops(t, a));
		CHECK(b && same_ops(t, b));
		if (!a || !b || !same_ops(t, a) || !same_ops(t, b))
			printf("#   %s\n", path);
		vmb_trace_destroy(a);
		vmb_trace_destroy(b);
		vmb_trace_destroy(t);
		n++;
	}
	closedir(d);
	if (!n)
		SKIP("no traces in traces/");
}

TEST(writer_api)
{
	struct vmb_trace_header hdr = {VMB_DRIVER_NOUVEAU, 65536,
				       "{ \"kind\" : \"capture\", \"app\": \"x\" }"};
	struct vmb_bind_entry e = {.va = 1ull << 60, .range = 65536, .kind = VMB_BIND_MAP_NULL};
	struct vmb_trace_writer *w;
	struct vmb_op op;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK_INT(vmb_trace_writer_open(f, &hdr, true, &w), 0);
	memset(&op, 0, sizeof(op));
	op.kind = VMB_OP_VM_CREATE;
	op.u.vm_create.vm = 1;
	op.u.vm_create.va_range = 1ull << 48;
	CHECK_INT(vmb_trace_write_vm_create(w, &op, 1ull << 32, "{\"x_raw\":[1,2]}"), 0);
	memset(&op, 0, sizeof(op));
	op.kind = VMB_OP_BIND;
	op.t = 1ull << 53;
	op.ret = -22;
	op.u.bind.vm = 1;
	op.u.bind.n_binds = 1;
	CHECK_INT(vmb_trace_write_op(w, &op, &e, NULL, NULL, NULL), 0);
	CHECK_INT(vmb_trace_write_op(w, &op, &e, NULL, NULL, "{\"bad\":1}"), -EINVAL);
	CHECK_INT(vmb_trace_write_op(w, &op, NULL, NULL, NULL, NULL), -EINVAL); /* no pool */
	op.ret = 1;
	CHECK_INT(vmb_trace_write_op(w, &op, &e, NULL, NULL, NULL), -EINVAL);
	op.ret = 0;
	op.kind = VMB_OP_COUNT;
	CHECK_INT(vmb_trace_write_op(w, &op, &e, NULL, NULL, NULL), -EINVAL);
	CHECK_INT(vmb_trace_writer_close(w), 0);
	fclose(f);
	CHECK_STR(buf, "{\"format\":\"vmbench-trace\",\"version\":1,\"driver\":\"nouveau\","
		       "\"page_size\":65536,\"source\":{\"kind\":\"capture\",\"app\":\"x\"}}\n"
		       "{\"op\":\"vm_create\",\"vm\":1,\"kernel_range\":4294967296,"
		       "\"x_raw\":[1,2]}\n"
		       "{\"op\":\"bind\",\"t\":\"0x20000000000000\",\"vm\":1,\"binds\":[{\"kind\":"
		       "\"map_null\",\"va\":\"0x1000000000000000\",\"range\":65536}],"
		       "\"ret\":-22}\n");
	free(buf);

	hdr.source_json = "[1]";
	CHECK_INT(vmb_trace_writer_open(stdout, &hdr, true, &w), -EINVAL);
	hdr.source_json = NULL;
	hdr.page_size = 3000;
	CHECK_INT(vmb_trace_writer_open(stdout, &hdr, true, &w), -EINVAL);
}

/* the sync ops of issue 17: both parsers, the validator and the writer */
static const char sync_jsonl[] =
    "{" HDR "}\n"
    "{\"op\":\"syncobj_create\",\"syncobj\":1,\"signaled\":true}\n"
    "{\"op\":\"syncobj_create\",\"syncobj\":2,\"timeline\":true}\n"
    "{\"op\":\"syncobj_create\",\"syncobj\":3}\n"
    "{\"op\":\"transfer\",\"src\":1,\"dst\":2,\"dst_point\":\"0x5\",\"t\":5,\"x_a\":[1]}\n"
    "{\"op\":\"transfer\",\"t\":6,\"src\":2,\"src_point\":5,\"dst\":3,"
    "\"flags\":[\"wait_for_submit\"]}\n"
    "{\"op\":\"transfer\",\"src\":2,\"dst\":2}\n"
    "{\"op\":\"sync_file_export\",\"syncobj\":3,\"sync_file\":4,\"tid\":2}\n"
    "{\"op\":\"syncobj_reset\",\"syncobjs\":[3,1]}\n"
    "{\"op\":\"sync_file_import\",\"syncobj\":3,\"sync_file\":4}\n"
    "{\"op\":\"sync_file_import\",\"syncobj\":1}\n"
    "{\"op\":\"sync_file_export\",\"syncobj\":1,\"ret\":-22}\n"
    "{\"op\":\"sync_file_import\",\"syncobj\":1,\"sync_file\":9,\"ret\":-22}\n"
    "{\"op\":\"transfer\",\"src\":1,\"src_point\":3,\"dst\":3,\"ret\":-22}\n"
    "{\"op\":\"wait\",\"syncs\":[{\"syncobj\":3}]}\n";

static struct vmb_trace *load_simd(const char *name, const char *text, bool simd, char *err,
				   size_t len)
{
	struct vmb_trace *t;

	setenv("VMB_TRACE_LOAD_SIMD", simd ? "1" : "0", 1);
	t = load_text(name, text, err, len);
	unsetenv("VMB_TRACE_LOAD_SIMD");
	return t;
}

TEST(sync_ops)
{
	char err[512], err2[512];
	struct vmb_trace *a = load_simd("sync.jsonl", sync_jsonl, true, err, sizeof(err));
	struct vmb_trace *b = load_simd("sync.jsonl", sync_jsonl, false, err2, sizeof(err2));
	struct vmb_trace *c, *d;
	const struct vmb_sync *s;

	CHECK(a != NULL);
	CHECK(b != NULL);
	if (!a || !b) {
		printf("# %s / %s\n", a ? "" : err, b ? "" : err2);
		goto out;
	}
	/* the simdjson fast path and jansson build the same arrays */
	CHECK(same_ops(a, b));
	CHECK_INT(OPAT(a, 3).kind, VMB_OP_TRANSFER);
	s = &test_op_at(a, 3)->syncs[0];
	CHECK_INT(s[0].syncobj, 1);
	CHECK_U64(s[0].point, 0);
	CHECK_INT(s[1].syncobj, 2);
	CHECK_U64(s[1].point, 5);
	CHECK_INT(OPAT(a, 3).u.transfer.flags, 0);
	s = &test_op_at(a, 4)->syncs[0];
	CHECK_INT(s[0].syncobj, 2);
	CHECK_U64(s[0].point, 5);
	CHECK_INT(s[1].syncobj, 3);
	CHECK_INT(OPAT(a, 4).u.transfer.flags, VMB_TRANSFER_F_WAIT_FOR_SUBMIT);
	CHECK_INT(OPAT(a, 6).kind, VMB_OP_SYNC_FILE_EXPORT);
	CHECK_INT(OPAT(a, 6).u.sync_file.syncobj, 3);
	CHECK_INT(OPAT(a, 6).u.sync_file.sync_file, 4);
	CHECK_INT(OPAT(a, 7).kind, VMB_OP_SYNCOBJ_RESET);
	CHECK_INT(OPAT(a, 7).u.reset.n, 2);
	CHECK_INT(test_op_at(a, 7)->ids[0], 3);
	CHECK_INT(test_op_at(a, 7)->ids[1], 1);
	CHECK_INT(OPAT(a, 9).kind, VMB_OP_SYNC_FILE_IMPORT);
	CHECK_INT(OPAT(a, 9).u.sync_file.sync_file, 0);
	CHECK_INT(a->max_id[VMB_CLASS_SYNCOBJ], 3);
	/* load -> write -> load, both forms */
	c = rewrite(a, "sync-out.jsonl", true);
	d = rewrite(a, "sync-out.json", false);
	CHECK(c && same_ops(a, c));
	CHECK(d && same_ops(a, d));
	vmb_trace_destroy(c);
	vmb_trace_destroy(d);
out:
	vmb_trace_destroy(a);
	vmb_trace_destroy(b);
}

/* lines both parsers reject, with the one message jansson gives */
TEST(sync_ops_rejected)
{
	static const struct {
		const char *line, *want;
	} bad[] = {
	    {"{\"op\":\"transfer\",\"dst\":1}", "op 1: missing key \"src\""},
	    {"{\"op\":\"transfer\",\"src\":1}", "op 1: missing key \"dst\""},
	    {"{\"op\":\"transfer\",\"src\":0,\"dst\":1}",
	     "op 1: \"src\" must be an id >= 1, not 0"},
	    {"{\"op\":\"transfer\",\"src\":1,\"dst\":1,\"flags\":[\"wait_all\"]}",
	     "op 1: unknown flag \"wait_all\" (known: wait_for_submit)"},
	    {"{\"op\":\"transfer\",\"src\":1,\"dst\":1,\"point\":2}",
	     "op 1: unknown key \"point\" (transfer takes: src, src_point, dst, dst_point, flags, "
	     "t, tid, ret, op)"},
	    {"{\"op\":\"transfer\",\"src\":1,\"dst\":1,\"src_point\":-1}",
	     "op 1: \"src_point\" must be an integer or \"0x...\" string, not a negative number "
	     "-1"},
	    {"{\"op\":\"syncobj_reset\"}", "op 1: missing key \"syncobjs\""},
	    {"{\"op\":\"syncobj_reset\",\"syncobjs\":[1,\"2\"]}",
	     "op 1: \"syncobjs[1]\" must be an integer or \"0x...\" string, not a string \"2\""},
	    {"{\"op\":\"syncobj_reset\",\"syncobjs\":1}",
	     "op 1: \"syncobjs\" must be an array of syncobj ids, not the number 1"},
	    {"{\"op\":\"sync_file_export\",\"sync_file\":1}", "op 1: missing key \"syncobj\""},
	    {"{\"op\":\"sync_file_import\",\"syncobj\":1,\"sync_file\":16777216}",
	     "op 1: \"sync_file\" 16777216 is too large (ids go up to 16777215)"},
	    {"{\"op\":\"sync_file_import\",\"syncobj\":1,\"fd\":3}",
	     "op 1: unknown key \"fd\" (sync_file_import takes: syncobj, sync_file, t, tid, ret, "
	     "op)"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512], want[512], e1[512], e2[512];
		struct vmb_trace *a, *b;

		snprintf(text, sizeof(text),
			 "{" HDR "}\n{\"op\":\"syncobj_create\",\"syncobj\":1}\n%s\n", bad[i].line);
		snprintf(want, sizeof(want), "%s/bad-sync.jsonl:3: %s", tmpdir, bad[i].want);
		a = load_simd("bad-sync.jsonl", text, true, e1, sizeof(e1));
		b = load_simd("bad-sync.jsonl", text, false, e2, sizeof(e2));
		CHECK(!a && !b);
		CHECK_STR(e1, want);
		CHECK_STR(e2, want);
		vmb_trace_destroy(a);
		vmb_trace_destroy(b);
	}
}

TEST(names)
{
	enum vmb_driver d;

	CHECK_STR(vmb_op_kind_name(VMB_OP_CPU_UNMAP), "cpu_unmap");
	CHECK(vmb_op_kind_name(VMB_OP_COUNT) == NULL);
	CHECK_STR(vmb_bind_kind_name(VMB_BIND_MAP_USERPTR), "map_userptr");
	CHECK_STR(vmb_engine_name(VMB_ENGINE_COPY), "copy");
	CHECK_STR(vmb_placement_name(VMB_PLACE_SYSTEM), "system");
	CHECK_STR(vmb_driver_name(VMB_DRIVER_PANTHOR), "panthor");
	CHECK_INT(vmb_driver_parse("amdgpu", &d), 0);
	CHECK_INT(d, VMB_DRIVER_AMDGPU);
	CHECK_INT(vmb_driver_parse("i915", &d), -EINVAL);
	CHECK_INT(d, VMB_DRIVER_AMDGPU);
}

TEST(io_errors)
{
	char err[512];
	struct vmb_trace *t = NULL;

	CHECK_INT(vmb_trace_load("/nonexistent/x.json", &t, err, sizeof(err)), -ENOENT);
	CHECK_STR(err, "/nonexistent/x.json: No such file or directory");
	CHECK_INT(vmb_trace_load(tmpdir, &t, err, sizeof(err)), -EISDIR);
	CHECK(t == NULL);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* one ok/not ok line per malformed trace */
static void run_corpus(void)
{
	const char *dir = "tests/malformed";
	char *names[512];
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		th_num++;
		th_failed++;
		printf("not ok %d - malformed corpus: cannot open %s\n", th_num, dir);
		return;
	}
	while ((de = readdir(d)) && n < 512) {
		size_t len = strlen(de->d_name);

		if ((len > 5 && !strcmp(de->d_name + len - 5, ".json")) ||
		    (len > 6 && !strcmp(de->d_name + len - 6, ".jsonl")))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[512], errpath[512], want[1024] = "", err[1024];
		struct vmb_trace *t = NULL;
		char *dot = strrchr(names[i], '.');
		FILE *f;
		int r;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(errpath, sizeof(errpath), "%s/%.*s.err", dir, (int)(dot - names[i]),
			 names[i]);
		f = fopen(errpath, "r");
		if (f) {
			if (!fgets(want, sizeof(want), f))
				want[0] = '\0';
			want[strcspn(want, "\n")] = '\0';
			fclose(f);
		}
		r = vmb_trace_load(path, &t, err, sizeof(err));
		th_num++;
		if (r == -EINVAL && !t && want[0] && !strcmp(err, want)) {
			th_passed++;
			printf("ok %d - malformed/%s\n", th_num, names[i]);
		} else {
			th_failed++;
			printf("not ok %d - malformed/%s\n", th_num, names[i]);
			printf("#   return %d\n#   got:  %s\n#   want: %s\n", r,
			       r ? err : "(loaded)", want[0] ? want : "(no .err file)");
		}
		vmb_trace_destroy(t);
		free(names[i]);
	}
	if (n < 40) {
		th_num++;
		th_failed++;
		printf("not ok %d - malformed corpus has %zu traces, want >= 40\n", th_num, n);
	}
}

/*
 * Binds decode the same whichever way their five head fields are read: by
 * one 8-byte load (one-byte fields, 8 bytes left in the segment), or by
 * the varint reads (a field of 128 or more; the last record of a segment,
 * fewer than 8 bytes from its end).
 */
TEST(bind_head_decode)
{
	static const struct {
		uint32_t vm, queue, n_binds;
		uint16_t n_in, n_out;
	} want[] = {
	    {1, 2, 1, 0, 1},	 {1, 0, 1, 0, 0},   {300, 1, 1, 1, 1},
	    {1, 130, 2, 0, 0},	 {2, 3, 129, 0, 0}, {1, 0, 1, 128, 200},
	    {127, 127, 1, 1, 1}, {1, 1, 0, 0, 0},   {5, 0, 0, 0, 0},
	};
	size_t n = sizeof(want) / sizeof(want[0]), nb = 0, ns = 0;
	struct vmb_bind_entry *binds = calloc(1024, sizeof(*binds));
	struct vmb_sync *syncs = calloc(1024, sizeof(*syncs));
	struct vmb_op *ops = calloc(n, sizeof(*ops));
	struct vmb_trace t = {0};
	struct vmb_cursor c;
	size_t i, k;

	CHECK(binds && syncs && ops);
	for (i = 0; i < n; i++) {
		ops[i].kind = VMB_OP_BIND;
		ops[i].line = (uint32_t)i + 2;
		ops[i].u.bind.vm = want[i].vm;
		ops[i].u.bind.queue = want[i].queue;
		ops[i].u.bind.first_bind = (uint32_t)nb;
		ops[i].u.bind.n_binds = want[i].n_binds;
		ops[i].u.bind.first_sync = (uint32_t)ns;
		ops[i].u.bind.n_in = want[i].n_in;
		ops[i].u.bind.n_out = want[i].n_out;
		for (k = 0; k < want[i].n_binds; k++, nb++)
			binds[nb] = (struct vmb_bind_entry){.kind = VMB_BIND_MAP,
							    .va = (nb + 1) << 16,
							    .range = 1 << 16,
							    .bo = (uint32_t)i + 1};
		for (k = 0; k < (size_t)want[i].n_in + want[i].n_out; k++, ns++)
			syncs[ns] =
			    (struct vmb_sync){.syncobj = (uint32_t)k + 1, .point = ns * 1000};
	}
	CHECK_INT(vmb_trace_pack_ops(&t, ops, n, binds, syncs, NULL), 0);
	CHECK_INT(vmb_cursor_init(&c, &t), 0);
	nb = ns = 0;
	for (i = 0; i < n; i++) {
		CHECK_INT(vmb_cursor_next(&c), 1);
		CHECK_INT(c.op.kind, VMB_OP_BIND);
		CHECK_U64(c.op.line, i + 2);
		CHECK_U64(c.op.u.bind.vm, want[i].vm);
		CHECK_U64(c.op.u.bind.queue, want[i].queue);
		CHECK_U64(c.op.u.bind.n_binds, want[i].n_binds);
		CHECK_U64(c.op.u.bind.n_in, want[i].n_in);
		CHECK_U64(c.op.u.bind.n_out, want[i].n_out);
		for (k = 0; k < want[i].n_binds; k++, nb++) {
			CHECK_U64(c.binds[k].va, binds[nb].va);
			CHECK_U64(c.binds[k].bo, binds[nb].bo);
		}
		for (k = 0; k < (size_t)want[i].n_in + want[i].n_out; k++, ns++) {
			CHECK_U64(c.syncs[k].syncobj, syncs[ns].syncobj);
			CHECK_U64(c.syncs[k].point, syncs[ns].point);
		}
	}
	CHECK_INT(vmb_cursor_next(&c), 0);
	/* the last record really is within 8 bytes of its segment's end */
	CHECK(t.n_segs == 1 && t.segs[0].len >= 8);
	vmb_cursor_fini(&c);
	vmb_trace_release(&t);
	free(ops);
	free(binds);
	free(syncs);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(load_json);
	RUN(load_jsonl);
	RUN(jsonl_partial_last_line);
	RUN(defaults_and_empty);
	RUN(ret_exemption);
	RUN(jsonl_chunks_1);
	RUN(jsonl_chunks_4);
	RUN(jsonl_chunks_8);
	RUN(round_trip);
	RUN(round_trip_bundled);
	RUN(writer_api);
	RUN(sync_ops);
	RUN(sync_ops_rejected);
	RUN(names);
	RUN(io_errors);
	RUN(bind_head_decode);
	run_corpus();
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			printf("# could not remove %s\n", tmpdir);
	}
	return TEST_SUMMARY();
}
