#!/usr/bin/env bash
# replay.sh - end-to-end replay throughput on the model (and on the null
# backend, which measures the harness alone): a 500k-op synthetic trace,
# whole runs timed with hyperfine, the replay loop itself from the result
# file's wall_ns. Figures only; nothing here fails on speed.
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
T=$tmp/big.jsonl
python3 - "$T" <<'PY'
import json, sys
# 500k ops: maps that split and merge, unmaps, submits with fences, frames
out = open(sys.argv[1], "w")
w = out.write
w(json.dumps({"format": "vmbench-trace", "version": 1, "driver": "xe", "page_size": 4096,
              "source": {"kind": "synthetic", "generator": "bench/replay.sh"}}) + "\n")
ops = [{"op": "vm_create", "vm": 1}, {"op": "queue_create", "queue": 1, "vm": 1},
       {"op": "queue_create", "queue": 2, "vm": 1, "engine": "bind"},
       {"op": "syncobj_create", "syncobj": 1, "timeline": True}]
for b in range(1, 65):
    ops.append({"op": "bo_create", "bo": b, "size": 1 << 24})
for o in ops:
    w(json.dumps(o) + "\n")
n, point, x = len(ops), 0, 12345
base = 1 << 32
while n < 500000:
    x = (x * 1103515245 + 12345) & 0x7fffffff
    k = x % 10
    va = base + ((x >> 8) % 4096) * 65536
    if k < 6:
        bo = 1 + (x >> 4) % 64
        point += 1
        w('{"op":"bind","vm":1,"queue":2,"binds":[{"kind":"map","va":%d,"range":%d,"bo":%d,"offset":%d}],"out":[{"syncobj":1,"point":%d}]}\n'
          % (va, 65536 * (1 + x % 4), bo, ((x >> 12) % 200) * 65536, point))
    elif k < 8:
        w('{"op":"bind","vm":1,"binds":[{"kind":"unmap","va":%d,"range":%d}]}\n' % (va, 65536 * (1 + x % 3)))
    elif k < 9:
        w('{"op":"submit","queue":1,"in":[{"syncobj":1,"point":%d}],"gpu_ns":200000}\n' % point)
    else:
        w('{"op":"frame","n":%d}\n' % n)
    n += 1
PY
ops=$(($(wc -l < "$T") - 1))
echo "trace: $ops ops, $(($(stat -c %s "$T") / 1024)) KiB (.jsonl)"
for be in model null; do
	# the null loop is short: best of 5 measured runs (after one warm-up)
	rep=1
	[ $be = null ] && rep=5
	build/replay --backend=$be --repeat=$rep -q -o "$tmp/r-$be.json" "$T" 2>/dev/null ||
		{ echo "$be backend: not available"; continue; }
	python3 - "$tmp/r-$be.json" "$ops" "$be" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); ops = int(sys.argv[2])
run = min(r["runs"], key=lambda x: x["wall_ns"])
ns = run["wall_ns"] / ops
goal = ""
if sys.argv[3] == "null":
    cpu = min((x["user_ns"] + x["system_ns"]) for x in r["runs"]) / ops
    goal = ("  harness goal <= 50 ns/op: %s\n      (best of %d runs; CPU time %.1f ns/op, best;"
            " load average %.1f)" % ("MET" if ns <= 50 else "NOT MET", len(r["runs"]), cpu,
                                     __import__("os").getloadavg()[0]))
print("%-5s replay loop: %.0f ops/s (%.1f ns/op, wall_ns %d; load not included)%s"
      % (sys.argv[3], ops / (run["wall_ns"] / 1e9), ns, run["wall_ns"], goal))
g = run["metrics"].get("gpuvm")
if g:
    print("      gpuvm: %d requests, %d map %d remap %d unmap, %.0f ns/request host CPU in the VA manager"
          % (g["requests"], g["map"], g["remap"], g["unmap"], g["cpu_ns"] / max(1, g["requests"])))
PY
done
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 1 --runs 5 --export-json "$tmp/h.json" \
		"build/replay -q -o $tmp/h-r.json $T" >/dev/null 2>&1 &&
	python3 - "$tmp/h.json" "$ops" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["results"][0]; ops = int(sys.argv[2])
print("whole run (load + validate + replay + result), hyperfine 5 runs: mean %.3f s +- %.3f, %.0f ops/s"
      % (h["mean"], h["stddev"], ops / h["mean"]))
PY
fi
