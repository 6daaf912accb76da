#!/usr/bin/env bash
# timed-vs-model.sh - makespan and submit stall of traces on the model and
# replayed over the shim's timed GPU (VMB_SHIM_GPU=timed), side by side.
# Usage: scripts/timed-vs-model.sh DRIVER TRACE... (run from the repository)
set -u
d=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-32s %12s %12s %14s %14s %8s\n' trace model-ms shim-ms model-stall-ms shim-stall-ms stalls
for t in "$@"; do
	build/replay --backend=model --quiet -o "$tmp/m.json" "$t" >/dev/null 2>&1
	env LD_PRELOAD=build/libvmshim.so VMB_SHIM_DRIVER="$d" VMB_SHIM_GPU=timed VMB_SHIM_QUIET=1 \
		build/replay --backend="$d" --quiet -o "$tmp/r.json" "$t" >/dev/null 2>"$tmp/err.txt" ||
		{ echo "$t: replay failed: $(tail -c 300 "$tmp/err.txt")"; continue; }
	python3 - "$tmp" "$(basename "$t")" <<'PY'
import json, sys
tmp, name = sys.argv[1], sys.argv[2]
m = json.load(open(tmp + "/m.json"))["runs"][0]["metrics"]
r = json.load(open(tmp + "/r.json"))["runs"][0]["metrics"]
def st(x):
    s = x["submit_stall_ns"]
    return ("%.2f" % (s["total"] / 1e6), s["count"]) if s else ("null", 0)
ms, mc = st(m)
rs, rc = st(r)
print("%-32s %12.1f %12.1f %14s %14s %4d/%-4d" % (name, m["makespan_ns"] / 1e6, r["makespan_ns"] / 1e6, ms, rs, rc, mc))
PY
done
