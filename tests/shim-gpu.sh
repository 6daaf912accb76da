#!/usr/bin/env bash
# shim-gpu.sh - the shim GPU: build/tests/progs/gpu_xe and gpu_amdgpu (our
# own xe_vm / xe_exec_basic / amdgpu_test-style clients) run over the shim;
# their own checks must pass, and the shim's stats must count exactly the
# one GPU fault each provokes and no unsupported command; gpu_amdgpu_ioctls
# checks the amdgpu ioctls around BOs, fences and scheduling.
cd "$(dirname "$0")/.." || exit 2
. tests/shim-lib.sh
n=0 passed=0 failed=0 skipped=0

for d in xe amdgpu; do
	prog=build/tests/progs/gpu_$d
	if [ ! -x "$prog" ]; then
		skip "gpu_$d over the shim" "$prog not built"
		continue
	fi
	out=$(env LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=$d VMB_SHIM_STATS="$TMP/$d.json" \
		VMB_SHIM_QUIET=1 "$prog" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "gpu_$d: $(echo "$out" | tail -1)"
	else
		not_ok "gpu_$d exits 0" "$(echo "$out" | grep -v '^ok')"
	fi
	why=$(python3 - "$TMP/$d.json" $d <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))["gpu"]
bad = []
if g["faults"] != 1: bad.append("faults %d, want 1" % g["faults"])
hangs = 1 if sys.argv[2] == "xe" else 0  # gpu_xe's spinner past the job timeout
if g["unsupported"] or g["hangs"] != hangs: bad.append("unsupported/hangs %s" % g)
if g["jobs"] < 5: bad.append("jobs %d" % g["jobs"])
want = 1 if sys.argv[2] == "xe" else 0  # gpu_xe's fence at an unmapped address
if g["ufence_lost"] != want: bad.append("ufence_lost %d, want %d" % (g["ufence_lost"], want))
print("; ".join(bad))
PY
)
	if [ -z "$why" ]; then ok "gpu_$d: shim stats count 1 fault, 0 unsupported"
	else not_ok "gpu_$d: shim stats" "$why"; fi
done

# the amdgpu ioctls amdgpu_test's basic/BO/VM/CS suites need (BO lists,
# GEM_OP/METADATA/WAIT_IDLE, WAIT_FENCES, user fences, flink, /proc/self/fd)
prog=build/tests/progs/gpu_amdgpu_ioctls
if [ ! -x "$prog" ]; then
	skip "gpu_amdgpu_ioctls over the shim" "$prog not built"
else
	out=$(env LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=amdgpu VMB_SHIM_QUIET=1 "$prog" 2>&1)
	if [ $? -eq 0 ]; then ok "gpu_amdgpu_ioctls: $(echo "$out" | tail -1)"
	else not_ok "gpu_amdgpu_ioctls exits 0" "$(echo "$out" | grep -v '^ok')"; fi
fi

summary
