#!/usr/bin/env bash
# async.sh - the hardware backends' asynchronous engine over the shim
# (replay/backends/hw_async.c): the cap on calls in flight, SIGINT with
# calls in flight, and, once the shim's GPU takes time (VMB_SHIM_GPU=timed),
# overlap between queues, bind queueing and measured stalls. The timed
# tests probe the shim first and SKIP while its jobs still complete at once.
cd "$(dirname "$0")/.." || exit 2
. tests/shim-lib.sh

# gen KIND FILE: write a generated trace
gen() {
	python3 - "$1" "$2" <<'PY'
import json, sys
kind, path = sys.argv[1], sys.argv[2]
ops = []
def op(**kw):
    ops.append(kw)
drv = "xe"
if kind == "many":
    # 10,000 submits and no wait: the trace allows all of them in flight
    op(op="vm_create", vm=1)
    op(op="queue_create", queue=1, vm=1)
    for i in range(10000):
        op(op="submit", queue=1, gpu_ns=1000)
    op(op="queue_destroy", queue=1)
    op(op="vm_destroy", vm=1)
elif kind == "stuck":
    # 20 ms jobs on two queues, one every ms for 10 s (--pace=traced): on
    # a GPU that takes time, dozens are in flight at any moment
    op(op="vm_create", vm=1)
    op(op="queue_create", queue=1, vm=1)
    op(op="queue_create", queue=2, vm=1)
    op(op="bo_create", bo=1, size=1 << 20)
    op(op="bind", vm=1, binds=[{"kind": "map", "va": 1 << 20, "range": 1 << 20, "bo": 1}])
    for i in range(10000):
        op(op="submit", t=i * 10**6, queue=1 + i % 2, bos=[1], gpu_ns=20 * 10**6)
    op(op="queue_destroy", queue=1)
    op(op="queue_destroy", queue=2)
    op(op="vm_destroy", vm=1)
elif kind == "probe":
    op(op="vm_create", vm=1)
    op(op="queue_create", queue=1, vm=1)
    op(op="submit", queue=1, gpu_ns=20000000)
elif kind == "implicit":
    # amdgpu: the unmap waits for the VM's submissions (job A, 20 ms), and
    # job B, on another context, waits for that page-table update
    # (implicit sync): B's stall is about 20 ms in the model
    drv = "amdgpu"
    op(op="vm_create", vm=1)
    op(op="queue_create", queue=1, vm=1)
    op(op="queue_create", queue=2, vm=1)
    op(op="bo_create", bo=1, size=1 << 20)
    op(op="bo_create", bo=2, size=1 << 20)
    op(op="bind", vm=1, binds=[{"kind": "map", "va": 16 << 20, "range": 1 << 20, "bo": 1}])
    op(op="bind", vm=1, binds=[{"kind": "map", "va": 32 << 20, "range": 1 << 20, "bo": 2}])
    op(op="submit", queue=1, bos=[2], gpu_ns=20000000)
    op(op="bind", vm=1, binds=[{"kind": "unmap", "va": 16 << 20, "range": 1 << 20}])
    op(op="submit", queue=2, bos=[2], gpu_ns=5000000)
elif kind == "long":
    # a 60 ms job: longer than one no-op batch (about 23 ms over the shim)
    op(op="vm_create", vm=1)
    op(op="queue_create", queue=1, vm=1)
    op(op="submit", queue=1, gpu_ns=60000000)
elif kind == "bindq":
    # bind B on the bind queue behind bind A, which waits for a 20 ms job
    op(op="vm_create", vm=1)
    op(op="queue_create", queue=1, vm=1)
    op(op="queue_create", queue=2, vm=1, engine="bind")
    op(op="bo_create", bo=1, size=1 << 20)
    op(op="syncobj_create", syncobj=1)
    op(op="submit", queue=1, gpu_ns=20000000, out=[{"syncobj": 1}])
    op(op="bind", vm=1, queue=2, binds=[{"kind": "map", "va": 1 << 20, "range": 1 << 20, "bo": 1}],
       **{"in": [{"syncobj": 1}]})
    op(op="bind", vm=1, queue=2, binds=[{"kind": "map", "va": 4 << 20, "range": 1 << 20, "bo": 1}])
else:
    raise SystemExit("unknown kind " + kind)
with open(path, "w") as f:
    json.dump({"format": "vmbench-trace", "version": 1, "driver": drv, "page_size": 4096,
               "source": {"kind": "hand-written", "description": "tests/async.sh " + kind},
               "ops": ops}, f)
PY
}

# metric RESULT EXPR: evaluate EXPR on run 0's metrics (m) and shim stats (s)
check() {
	python3 - "$TMP" "$1" <<'PY'
import json, sys
tmp, expr = sys.argv[1], sys.argv[2]
m = json.load(open(tmp + "/r.json"))["runs"][0]["metrics"]
run = json.load(open(tmp + "/r.json"))["runs"][0]
try:
    s = json.load(open(tmp + "/s.json"))
except Exception:
    s = {}
bad = eval(expr)
if bad:
    print(bad)
    sys.exit(1)
PY
}

# the cap holds with 10,000 calls the trace allows in flight
gen many "$TMP/many.json"
run_shim xe "$TMP/many.json" VMB_X=1
if [ $? -eq 0 ] && why=$(check '[x for x in [
    m["in_flight"]["cap"] != 4096 and "default cap %d, want 4096" % m["in_flight"]["cap"],
    m["submit_latency_ns"]["count"] != 10000 and "%d submits timed" % m["submit_latency_ns"]["count"],
    m["submit_stall_ns"] is not None and "stall is not null without GPU timestamps",
    any(s["live"].values()) and "live at exit: %s" % s["live"]] if x]'); then
	ok "default-cap-from-trace"
else
	not_ok "default-cap-from-trace" "$why $(tail -c 300 "$TMP/err.txt")"
fi
rm -f "$TMP/s.json" "$TMP/r.json"
env LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=xe VMB_SHIM_STATS="$TMP/s.json" \
	"$REPLAY" --backend=xe --quiet --max-in-flight=256 -o "$TMP/r.json" "$TMP/many.json" \
	>"$TMP/out.txt" 2>"$TMP/err.txt"
if [ $? -eq 0 ] && why=$(check '[x for x in [
    m["in_flight"]["cap"] != 256 and "cap %d" % m["in_flight"]["cap"],
    not 1 <= m["in_flight"]["peak"] <= 256 and "peak %d beyond the cap" % m["in_flight"]["peak"],
    m["submit_latency_ns"]["count"] != 10000 and "%d submits timed" % m["submit_latency_ns"]["count"],
    m["jobs"]["count"] != 10000 and "jobs %d" % m["jobs"]["count"],
    m["makespan_ns"] <= 0 and "no makespan",
    run["simulated"] and "hardware run marked simulated",
    any(s["live"].values()) and "live at exit: %s" % s["live"]] if x]'); then
	ok "10000-in-flight-within-cap"
else
	not_ok "10000-in-flight-within-cap" "$why $(tail -c 300 "$TMP/err.txt")"
fi

# SIGINT in the middle of a paced run (calls in flight where the shim's GPU
# takes time): every kernel object is released, the result is incomplete
gen stuck "$TMP/stuck.json"
rm -f "$TMP/s.json" "$TMP/r.json" "$TMP/r.incomplete.json"
env LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=xe VMB_SHIM_STATS="$TMP/s.json" VMB_SHIM_GPU=timed \
	"$REPLAY" --backend=xe --quiet --pace=traced --max-in-flight=16 -o "$TMP/r.json" \
	"$TMP/stuck.json" >"$TMP/out.txt" 2>"$TMP/err.txt" &
pid=$!
# the run starts after load, the model's dry run and the no-op batch's
# calibration, which a sanitizer build on a busy machine takes seconds
# for: wait for the calibration (at most 120 s), then 1.5 s into the run
for _ in $(seq 1200); do
	grep -q 'no-op batch calibrated' "$TMP/err.txt" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
sleep 1.5
kill -INT "$pid"
wait "$pid"
rc=$?
if why=$(python3 - "$TMP" "$rc" <<'PY'
import json, os, sys
tmp, rc = sys.argv[1], sys.argv[2]
bad = []
try:
    s = json.load(open(tmp + "/s.json"))
    if any(s["live"].values()):
        bad.append("live after SIGINT: %s" % s["live"])
except Exception as e:
    bad.append("no shim stats: %s" % e)
p = tmp + "/r.incomplete.json"
if not os.path.exists(p):
    bad.append("no incomplete result (exit %s)" % rc)
else:
    r = json.load(open(p))["runs"][0]
    if not r["incomplete"]:
        bad.append("result not marked incomplete")
    f = r["metrics"]["in_flight"]
    if f["cap"] != 16 or not 1 <= f["peak"] <= 16:
        bad.append("in flight: %s, cap 16" % f)
    if r["metrics"]["submit_latency_ns"]["count"] >= 9000:
        bad.append("the run was not stopped")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
); then
	ok "sigint-with-calls-in-flight-releases-all"
else
	not_ok "sigint-with-calls-in-flight-releases-all" "$why $(tail -c 300 "$TMP/err.txt")"
fi

# every hardware backend runs a trace of its own through the engine with a
# cap of 2 (the engine waits for room on almost every call)
for dt in xe:a1-dxvk-steady-xe amdgpu:a2-level-load-amdgpu nouveau:a1-dxvk-steady-nouveau \
	panthor:a9-tiler-per-bo-panthor msm:a9-tiler-per-bo-msm; do
	d=${dt%%:*}
	rm -f "$TMP/s.json" "$TMP/r.json"
	env LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER="$d" VMB_SHIM_STATS="$TMP/s.json" \
		"$REPLAY" --backend="$d" --quiet --max-in-flight=2 -o "$TMP/r.json" \
		"traces/${dt#*:}.jsonl" >"$TMP/out.txt" 2>"$TMP/err.txt" </dev/null
	rc=$?
	if [ $rc -eq 0 ] && why=$(check '[x for x in [
	    m["in_flight"]["peak"] > 2 and "peak %d" % m["in_flight"]["peak"],
	    m["errors"]["unexpected"] and "errors %s" % m["errors"],
	    any(s["live"].values()) and "live at exit: %s" % s["live"]] if x]'); then
		ok "$d-small-cap"
	else
		not_ok "$d-small-cap" "exit $rc $why $(tail -c 300 "$TMP/err.txt")"
	fi
done

# ---- timed shim GPU (VMB_SHIM_GPU=timed): skipped until the shim has it ----
gen probe "$TMP/probe.json"
# (a 20 ms job that returns in under 15 ms: the shim's GPU completes jobs
# at once, or the no-op batch's calibration is off; a TSan build measures
# its full batch slower than the shim's GPU runs it and its 20 ms jobs
# take 10-13 ms)
timed=no probe_why="probe replay failed"
run_shim xe "$TMP/probe.json" VMB_SHIM_GPU=timed
if [ $? -eq 0 ] && probe_why=$(check '([] if m["submit_latency_ns"]["max"] >= 15000000 else
    ["the probe 20 ms job returned after %.1f ms (no VMB_SHIM_GPU=timed, or a skewed no-op calibration)" %
     (m["submit_latency_ns"]["max"] / 1e6)])'); then
	timed=yes
fi
# A TSan build runs the replayer's calibration and submit path 5-15x slower
# than the shim's GPU clock: its probe can pass and the timed tests then
# fail at random (seen on 2 busy cores). They run in the normal and ASan
# builds; under TSan they are skipped, saying so.
if grep -q __tsan_init "$REPLAY" 2>/dev/null; then
	timed=no probe_why="TSan build: wall-clock checks against the shim's GPU clock are not meaningful under TSan's slowdown (they run in the normal and ASan builds)"
fi
need_timed() {
	[ $timed = yes ] && return 0
	skip "$1" "$probe_why"
	return 1
}

# Each timed test measures wall time against the shim's GPU clock: on a
# loaded machine the replayer can be descheduled between a job's submit and
# the call that should wait for it, which shortens the wait it measures (a
# sanitizer build under make check on 2 busy cores: 12 ms for 20). A timed
# test passes when one of three attempts is within its tolerance; the
# failure shows the last attempt's figures.
# timed NAME FN: FN runs one attempt, sets $why, returns 0 pass, 1 fail, 2 skip
timed() {
	local name=$1 fn=$2 i rc
	need_timed "$name" || return
	for i in 1 2 3; do
		why=""
		"$fn"
		rc=$?
		[ $rc -eq 1 ] || break
	done
	case $rc in
	0) ok "$name" ;;
	2) skip "$name" "$why" ;;
	*) not_ok "$name" "$why (3 attempts)" ;;
	esac
}

t_overlap() {
	run_shim xe tests/semantics/makespan-two-queues-overlap.json VMB_SHIM_GPU=timed || {
		why="replay failed"
		return 1
	}
	why=$(check '[x for x in [
	    not 36e6 <= m["makespan_ns"] <= 60e6 and "makespan %.1f ms, want about 40 (80 serialized)" % (m["makespan_ns"] / 1e6)] if x]')
}
timed "two-queues-overlap" t_overlap

gen bindq "$TMP/bindq.json"
t_bindq() {
	run_shim xe "$TMP/bindq.json" VMB_SHIM_GPU=timed || {
		why="replay failed"
		return 1
	}
	why=$(check '[x for x in [
	    min(m["bind_latency_ns"]["samples"]) < 15e6 and "bind latencies %s: the second bind should queue behind the first (about 20 ms)" % m["bind_latency_ns"]["samples"]] if x]')
}
timed "bind-queues-behind-earlier-bind" t_bindq

# the GPU start stamp to the completion seen: the job's length in wall time
t_20ms() {
	run_shim xe "$TMP/probe.json" VMB_SHIM_GPU=timed || {
		why="replay failed"
		return 1
	}
	why=$(check '[x for x in [
	    m["jobs"]["start_ns"][0] == 0 and "no GPU start time",
	    m["jobs"]["start_ns"][0] and not 18e6 <= m["jobs"]["end_ns"][0] - m["jobs"]["start_ns"][0] <= 22e6 and
	    "job ran %.2f ms, want 20 +-10%%" % ((m["jobs"]["end_ns"][0] - m["jobs"]["start_ns"][0]) / 1e6),
	    m["submit_stall_ns"] is None and "stall not measured"] if x]')
}
timed "xe-20ms-job-takes-20ms" t_20ms

# the head runs the whole no-op batch twice, then the job's own part
gen long "$TMP/long.json"
t_60ms() {
	run_shim xe "$TMP/long.json" VMB_SHIM_GPU=timed || {
		why="replay failed"
		return 1
	}
	why=$(check '[x for x in [
	    m["jobs"]["start_ns"][0] == 0 and "no GPU start time",
	    m["jobs"]["start_ns"][0] and not 54e6 <= m["jobs"]["end_ns"][0] - m["jobs"]["start_ns"][0] <= 66e6 and
	    "job ran %.2f ms, want 60 +-10%%" % ((m["jobs"]["end_ns"][0] - m["jobs"]["start_ns"][0]) / 1e6)] if x]')
}
timed "xe-60ms-job-chains-batches" t_60ms

# (tests/semantics/implicit-unmap-waits-vm-submissions.json binds below
# amdgpu's reserved VA bottom and stalls no submit: a trace of our own)
gen implicit "$TMP/implicit.json"
"$REPLAY" --backend=model --quiet -o "$TMP/m.json" "$TMP/implicit.json" >/dev/null 2>&1
t_stall() {
	run_shim amdgpu "$TMP/implicit.json" VMB_SHIM_GPU=timed
	cp "$TMP/r.json" "$TMP/hw.json"
	# check fails when its expression holds: this compares when a stall was measured
	if ! check 'm["submit_stall_ns"] is None' >/dev/null; then
		why="no GPU start times over the shim yet (stall null)"
		return 2
	fi
	why=$(python3 - "$TMP" <<'PY'
import json, sys
t = sys.argv[1]
h = json.load(open(t + "/hw.json"))["runs"][0]["metrics"]["submit_stall_ns"]["total"]
m = json.load(open(t + "/m.json"))["runs"][0]["metrics"]["submit_stall_ns"]["total"]
if not (0.7 * m <= h <= 1.3 * m):
    print("measured stall %d ns, model %d ns" % (h, m))
PY
	)
	[ -z "$why" ]
}
timed "amdgpu-implicit-stall-measured" t_stall
summary
