#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""capture_check.py - checks on captured traces for tests/capture.sh.

  capture_check.py stress FILE THREADS OPS   the cap_stress invariants
  capture_check.py ops FILE KIND=N...        op counts per kind (exact)
  capture_check.py header FILE KEY=VALUE...  x_capture fields (exact)
  capture_check.py prefix FILE               valid JSON Lines up to the end
                                             (a cut last line is allowed)
  capture_check.py metrics A.json B.json     same gpuvm and refcount metrics
  capture_check.py noevict TRACE OUT.jsonl   TRACE without its evict ops
  capture_check.py same DEFER.jsonl IMM.jsonl the same ops and counts from
                                             deferred and immediate decoding
                                             (timing left out), and DEFER
                                             decoded some records on the
                                             writer, IMM none

Prints nothing and exits 0 when the check holds, else prints the reason
and exits 1.
"""
import json
import sys


def load(path, allow_cut=False):
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    cut = lines.pop()  # text after the last newline ("" when complete)
    if cut and not allow_cut:
        fail(f"{path}: last line has no newline")
    header = json.loads(lines[0])
    ops = [json.loads(l) for l in lines[1:] if l.strip()]
    return header, ops, cut


def fail(msg):
    print(msg)
    sys.exit(1)


def stress(path, threads, n):
    header, ops, _ = load(path)
    x = header["x_capture"]
    if not x.get("complete"):
        fail("trace not complete")
    for k in ("drops", "seq_gaps", "late", "unknown_handles"):
        if x.get(k):
            fail(f"x_capture.{k} = {x[k]}")
    seqs = [o["x_seq"] for o in ops if "x_seq" in o]
    if any(b <= a for a, b in zip(seqs, seqs[1:])):
        fail("x_seq not strictly increasing in file order")
    creates = [o for o in ops if o["op"] == "syncobj_create"]
    if len(creates) != threads + 1:
        fail(f"{len(creates)} syncobj_create, want {threads + 1}")
    shared = creates[0]["syncobj"]
    per_obj = {}
    owner = {}
    last_t = {}
    for o in ops:
        tid = o.get("tid")
        if o.get("t", 0) < last_t.get(tid, 0):
            fail(f"thread {tid}: t goes backwards at x_seq {o.get('x_seq')}")
        last_t[tid] = o.get("t", 0)
        if o["op"] != "signal":
            continue
        s = o["syncs"]
        if len(s) != 1:
            fail("a signal with more than one sync")
        obj, pt = s[0]["syncobj"], s[0]["point"]
        per_obj.setdefault(obj, []).append(pt)
        if obj != shared:
            if owner.setdefault(obj, tid) != tid:
                fail(f"syncobj {obj} signaled by two threads")
    total = sum(len(v) for v in per_obj.values())
    if total != threads * n:
        fail(f"{total} signal ops, want {threads * n}")
    shared_n = threads * (n // 10)
    if per_obj.get(shared, []) != list(range(1, shared_n + 1)):
        fail("shared syncobj points not 1..N in trace order (kernel order lost)")
    for obj, pts in per_obj.items():
        if obj == shared:
            continue
        want = n - n // 10
        if pts != list(range(1, want + 1)):
            fail(f"syncobj {obj}: points not 1..{want} in order")
    if len(owner) != threads:
        fail(f"{len(owner)} threads seen, want {threads}")


def counts(path, specs):
    _, ops, _ = load(path)
    have = {}
    for o in ops:
        have[o["op"]] = have.get(o["op"], 0) + 1
    for spec in specs:
        k, v = spec.split("=")
        if have.get(k, 0) != int(v):
            fail(f"{path}: {have.get(k, 0)} {k} ops, want {v} (all: {have})")


def header_fields(path, specs):
    header, _, _ = load(path, allow_cut=True)
    x = header["x_capture"]
    for spec in specs:
        k, v = spec.split("=")
        got = json.dumps(x.get(k))
        if got != v:
            fail(f"{path}: x_capture.{k} = {got}, want {v}")


def prefix(path):
    _, ops, cut = load(path, allow_cut=True)
    if not ops:
        fail("no complete op line")
    if cut:
        try:
            json.loads(cut)
            fail("text after the last newline parses as a whole line")
        except json.JSONDecodeError:
            pass


def metrics(a, b):
    ra, rb = json.load(open(a)), json.load(open(b))
    for i, (x, y) in enumerate(zip(ra["runs"], rb["runs"])):
        for key in ("gpuvm", "refcount"):
            mx, my = dict(x["metrics"][key]), dict(y["metrics"][key])
            # host time, and bytes held by pending GPU work: a capture of a
            # hardware replay waits for every job, so its timing differs;
            # submit-time lookups count the VM's state at each submit, which
            # the capture's own objects (userptr BOs on amdgpu) change
            for k in ("cpu_ns", "peak_fence_held_bytes", "peak_held_bytes",
                      "bo_lookup_nodes"):
                mx.pop(k, None)
                my.pop(k, None)
            if mx != my:
                fail(f"run {i} {key}: {mx} != {my}")
    if len(ra["runs"]) != len(rb["runs"]):
        fail("different number of runs")


def noevict(src, dst):
    with open(src) as f:
        text = f.read()
    try:
        t = json.loads(text)
        ops = t.pop("ops")
        header = t
    except json.JSONDecodeError:
        lines = [l for l in text.split("\n") if l.strip()]
        header = json.loads(lines[0])
        ops = [json.loads(l) for l in lines[1:]]
    with open(dst, "w") as f:
        f.write(json.dumps(header) + "\n")
        for o in ops:
            if o["op"] != "evict":
                f.write(json.dumps(o) + "\n")


# keys that depend on timing: when, who, how long, the order number
TIMING = ("t", "tid", "x_seq", "x_dur")
COUNTS = ("ops", "lost", "by_kind", "drops", "seq_gaps", "unknown_handles",
          "user_fence_ops", "fence_fd_ops", "fence_dep_ops", "syncobj_fixups",
          "raw", "raw_total", "ignored_total")


def same(a, b):
    ha, oa, _ = load(a)
    hb, ob, _ = load(b)
    xa, xb = ha["x_capture"], hb["x_capture"]
    if not xa.get("deferred"):
        fail(f"{a}: no record was decoded on the writer (deferred {xa.get('deferred')})")
    if xb.get("deferred") != 0:
        fail(f"{b}: VMB_CAPTURE_DEFER=0 still deferred {xb.get('deferred')}")
    for k in COUNTS:
        if xa.get(k) != xb.get(k):
            fail(f"x_capture.{k}: deferred {xa.get(k)}, immediate {xb.get(k)}")

    def strip(o):
        o = {k: v for k, v in o.items() if k not in TIMING and k != "addr"}
        # userptr addresses differ from run to run (ASLR)
        if "binds" in o:
            o["binds"] = [{k: v for k, v in e.items() if k != "addr"} for e in o["binds"]]
        if o["op"] == "wait":  # a wait's timeout can expire in one run only
            o.pop("ret", None)
            o.pop("timeout_ns", None)
        return o

    def timeout(o):
        return o.get("timeout_ns", -1) if o["op"] == "wait" else -1

    if len(oa) != len(ob):
        fail(f"{len(oa)} ops deferred, {len(ob)} immediate")
    for i, (x, y) in enumerate(zip(oa, ob)):
        # relative timeouts: the replayer's deadline minus the capture's
        # clock read before the call, the same within scheduling noise
        if strip(x) != strip(y) or abs(timeout(x) - timeout(y)) > 20000000:
            fail(f"op {i}: deferred {x}, immediate {y}")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "stress":
        stress(args[0], int(args[1]), int(args[2]))
    elif cmd == "ops":
        counts(args[0], args[1:])
    elif cmd == "header":
        header_fields(args[0], args[1:])
    elif cmd == "prefix":
        prefix(args[0])
    elif cmd == "noevict":
        noevict(args[0], args[1])
    elif cmd == "metrics":
        metrics(args[0], args[1])
    elif cmd == "same":
        same(args[0], args[1])
    else:
        fail(f"unknown check {cmd}")


main()
