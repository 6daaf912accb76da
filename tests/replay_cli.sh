#!/usr/bin/env bash
# replay_cli.sh - the `replay` command as a user meets it: exit codes, error
# lines for bad traces (and no result file), the strategy matrix, the gpuvm
# dump, the default result path, the Perfetto export.
cd "$(dirname "$0")/.." || exit 2
R=$PWD/build/replay
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name" "command: $*"; fi; }
py() { python3 -c "$1" "${@:2}"; }

for t in traces/*.json traces/*.jsonl; do
	[ -e "$t" ] || continue
	check "validate-$(basename "$t")" $R --validate -q "$t"
done

# a malformed trace: exact error line, exit 2, nothing written
cat > "$tmp/bad.json" <<'T'
{"format": "vmbench-trace", "version": 1, "driver": "xe", "page_size": 4096,
 "ops": [
  {"op": "vm_create", "vm": 1},
  {"op": "bind", "vm": 1, "binds": [{"kind": "map_null", "va": "0x1234", "range": "0x1000"}]}
]}
T
$R -o "$tmp/bad-result.json" "$tmp/bad.json" >"$tmp/out" 2>"$tmp/err"; rc=$?
want="$tmp/bad.json:4: op 1: bind entry 0: va 0x1234 not aligned to page_size 0x1000"
if [ $rc -eq 2 ] && [ "$(cat "$tmp/err")" = "$want" ] && [ ! -e "$tmp/bad-result.json" ] && [ ! -s "$tmp/out" ]; then
	ok "malformed-trace-rejected"
else
	nok "malformed-trace-rejected" "exit $rc" "stderr: $(cat "$tmp/err")" "want: $want"
fi

# an op whose result differs from the trace: exit 1, result still written
cat > "$tmp/unexpected.json" <<'T'
{"format": "vmbench-trace", "version": 1, "driver": "xe", "page_size": 4096,
 "ops": [
  {"op": "vm_create", "vm": 1, "va_start": "0x100000", "va_range": "0x100000"},
  {"op": "bind", "vm": 1, "ret": -22, "binds": [{"kind": "map_null", "va": "0x100000", "range": "0x1000"}]}
]}
T
$R -q -o "$tmp/u.json" "$tmp/unexpected.json" 2>"$tmp/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "unexpected.json:4: op 1: bind returned 0 (success), the trace says -22" "$tmp/err" &&
	py 'import json,sys; r=json.load(open(sys.argv[1])); assert r["runs"][0]["metrics"]["errors"]["unexpected"]==1' "$tmp/u.json"; then
	ok "unexpected-result-exit-1"
else
	nok "unexpected-result-exit-1" "exit $rc" "$(cat "$tmp/err")"
fi

# the 2x2 matrix: four runs, numbers that differ where the semantics say
$R -q --sync=implicit,async --refcount=hard,weak -o "$tmp/m.json" traces/sparse-amdgpu.json; rc=$?
if [ $rc -eq 0 ] && py '
import json, sys
r = json.load(open(sys.argv[1]))
runs = {(x["strategy"]["refcount"], x["strategy"]["sync"]): x["metrics"] for x in r["runs"]}
assert len(r["runs"]) == 4, len(r["runs"])
for ref in ("hard", "weak"):
    assert runs[(ref, "implicit")]["submit_stall_ns"]["total"] > 0
    assert runs[(ref, "async")]["submit_stall_ns"]["total"] == 0
    assert runs[(ref, "implicit")]["bind_latency_ns"]["p50"] > runs[(ref, "async")]["bind_latency_ns"]["p50"]
for s in ("implicit", "async"):
    assert runs[("hard", s)]["refcount"]["peak_zombie_bytes"] > 0
    assert runs[("weak", s)]["refcount"]["peak_zombie_bytes"] == 0
    assert runs[("weak", s)]["refcount"]["implicit_unmaps"] > 0
    assert runs[("hard", s)]["refcount"]["implicit_unmaps"] == 0
' "$tmp/m.json"; then
	ok "strategy-matrix-2x2"
else
	nok "strategy-matrix-2x2" "exit $rc"
fi

# result file: every field of DESIGN.md section 6
if py '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["format"] == "vmbench-result" and r["version"] == 1
for k in ("path", "sha256", "driver", "ops"): assert k in r["trace"], k
assert r["trace"]["ops"] == 292 and len(r["trace"]["sha256"]) == 64
for k in ("tool", "host", "kernel", "cpu", "gpu", "date"): assert k in r["env"], k
run = r["runs"][0]
for k in ("backend", "strategy", "repeat", "wall_ns", "metrics"): assert k in run, k
for k in ("refcount", "sync", "close", "batch", "pace", "userptr", "bo_lookup"): assert k in run["strategy"], k
m = run["metrics"]
for l in ("bind_latency_ns", "unbind_latency_ns", "submit_latency_ns"):
    for k in ("count", "mean", "p50", "p90", "p99", "p999", "max"): assert k in m[l], (l, k)
for k in ("count", "total", "p50", "p99", "max"): assert k in m["submit_stall_ns"], k
for k in ("requests", "map", "remap", "unmap", "keep", "cpu_ns"): assert k in m["gpuvm"], k
for k in ("peak_bo_bytes", "peak_zombie_bytes", "implicit_unmaps", "leaked_bos", "cycles"): assert k in m["refcount"], k
for k in ("invalidations", "revalidations", "pinned_pages_peak"): assert k in m["userptr"], k
for k in ("expected", "unexpected"): assert k in m["errors"], k
assert "pte_writes" in m and "tlb_flushes" in m and "unsynced_submits" in m
assert m["gpuvm"]["requests"] >= m["gpuvm"]["map"] > 0
' "$tmp/m.json"; then ok "result-file-fields"; else nok "result-file-fields"; fi

# the canonical gpuvm dump
cat > "$tmp/dump.json" <<'T'
{"format": "vmbench-trace", "version": 1, "driver": "xe", "page_size": 4096,
 "ops": [
  {"op": "vm_create", "vm": 1},
  {"op": "bo_create", "bo": 1, "size": "0x100000"},
  {"op": "bind", "vm": 1, "binds": [{"kind": "map", "va": "0x10000", "range": "0x4000", "bo": 1, "offset": 0},
                                    {"kind": "map_null", "va": "0x20000", "range": "0x2000"}]},
  {"op": "bind", "vm": 1, "binds": [{"kind": "unmap", "va": "0x12000", "range": "0x2000"}]},
  {"op": "bind", "vm": 1, "binds": [{"kind": "map_null", "va": "0x20000", "range": "0x2000"}]}
]}
T
cat > "$tmp/dump.want" <<'T'
REQ map va=0x10000 range=0x4000 obj=1 off=0x0
  map va=0x10000 range=0x4000 obj=1 off=0x0
REQ map va=0x20000 range=0x2000 obj=0 off=0x0
  map va=0x20000 range=0x2000 obj=0 off=0x0
REQ unmap va=0x12000 range=0x2000
  remap unmap(va=0x10000,range=0x4000,obj=1,off=0x0,keep=0) prev(va=0x10000,range=0x2000,obj=1,off=0x0) -
REQ map va=0x20000 range=0x2000 obj=0 off=0x0
  unmap va=0x20000 range=0x2000 obj=0 off=0x0 keep=0
  map va=0x20000 range=0x2000 obj=0 off=0x0
T
$R -q --dump-gpuvm "$tmp/dump.out" -o "$tmp/d.json" "$tmp/dump.json"
if cmp -s "$tmp/dump.out" "$tmp/dump.want"; then ok "dump-gpuvm-format"; else nok "dump-gpuvm-format" "$(diff "$tmp/dump.want" "$tmp/dump.out" | head -5)"; fi
$R -q --dump-gpuvm - --sync=async,implicit -o "$tmp/d2.json" "$tmp/dump.json" 2>/dev/null
check "dump-gpuvm-needs-single-run" test $? -eq 2

# default result path
(cd "$tmp" && $R -q "$OLDPWD/traces/userptr-any.json") && ls "$tmp"/results/userptr-any-*Z.json >/dev/null 2>&1
check "default-result-path" test $? -eq 0

# usage errors
$R --sync=bogus traces/steady-xe.json >/dev/null 2>&1; check "bad-axis-value-exit-2" test $? -eq 2
$R --no-such-option traces/steady-xe.json >/dev/null 2>&1; check "unknown-option-exit-2" test $? -eq 2
$R >/dev/null 2>&1; check "missing-trace-exit-2" test $? -eq 2
$R --help | grep -q -- '--bo-lookup'; check "help-lists-options" test $? -eq 0
$R "$tmp/nonexistent.json" 2>"$tmp/err"; rc=$?
check "missing-file-exit-2" test $rc -eq 2 -a -s "$tmp/err"

# Perfetto export
$R -q --perfetto "$tmp/p.json" -o "$tmp/p-r.json" traces/steady-xe.json
if py 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["traceEvents"]) > 50' "$tmp/p.json"; then
	ok "perfetto-export"; else nok "perfetto-export"; fi

# JSON Lines with a cut last line: dropped with a warning, still replays
{
	echo '{"format": "vmbench-trace", "version": 1, "driver": "xe", "page_size": 4096}'
	echo '{"op": "vm_create", "vm": 1}'
	echo '{"op": "bo_create", "bo": 1, "size": 65536}'
	printf '{"op": "bind", "vm": 1, "binds": [{"kind": "ma'
} > "$tmp/cut.jsonl"
$R -q -o "$tmp/cut-r.json" "$tmp/cut.jsonl" 2>"$tmp/err"; rc=$?
if [ $rc -eq 0 ] && grep -q "cut.jsonl:4: warning" "$tmp/err"; then ok "jsonl-cut-last-line-dropped"; else nok "jsonl-cut-last-line-dropped" "exit $rc" "$(cat "$tmp/err")"; fi

# --repeat runs the points round-robin after a warm-up; the file stays point by point
$R -q --sync=implicit,async --repeat=2 -o "$tmp/rr.json" traces/steady-xe.json
if py 'import json,sys; r=json.load(open(sys.argv[1]))["runs"]; assert [(x["strategy"]["sync"], x["repeat"]) for x in r] == [("implicit",0),("implicit",1),("async",0),("async",1)]' "$tmp/rr.json"; then
	ok "repeat-round-robin-stored-by-point"; else nok "repeat-round-robin-stored-by-point"; fi
$R -q --warmup=0 -o "$tmp/w0.json" traces/steady-xe.json; check "warmup-0-accepted" test $? -eq 0
$R --warmup=x traces/steady-xe.json >/dev/null 2>&1; check "bad-warmup-exit-2" test $? -eq 2

# progress: on a terminal only (VMB_PROGRESS_NOW draws at once instead of after 0.5 s)
VMB_PROGRESS_NOW=1 $R -o "$tmp/pg.json" traces/steady-xe.json >/dev/null 2>"$tmp/pg.err"
check "progress-silent-when-stderr-is-not-a-terminal" bash -c "! grep -q ' ops' '$tmp/pg.err'"
if command -v script >/dev/null; then
	VMB_PROGRESS_NOW=1 script -qfec "$R -o '$tmp/pg2.json' traces/steady-xe.json" /dev/null >"$tmp/pg.tty" 2>&1
	if grep -q 'load: [0-9]* ops' "$tmp/pg.tty" && grep -q 'validate: [0-9]* ops' "$tmp/pg.tty" &&
	   grep -qE 'replay: [0-9]+/115 ops \([0-9]+%\), [0-9.]+ MB/s' "$tmp/pg.tty"; then
		ok "progress-line-on-a-terminal"
	else
		nok "progress-line-on-a-terminal" "$(tr '\r' '\n' <"$tmp/pg.tty" | head -n 5)"
	fi
fi

echo "$((n - fails)) passed, $fails failed, 0 skipped"
[ $fails -eq 0 ]
