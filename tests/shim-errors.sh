#!/usr/bin/env bash
# shim-errors.sh - error paths of the real-kernel backends, driven by the
# shim's error injection (VMB_SHIM_FAIL=IOCTL:ERRNO:NTH): ENOBUFS/ENOMEM on
# a multi-op bind fall back to one op per ioctl (as Mesa does) and the run
# still matches the model; EINTR/EAGAIN are retried by drmIoctl; EINVAL and
# ENOMEM elsewhere are reported as unexpected errors; device loss (ENODEV)
# is reported once; SIGINT stops the run with a result marked incomplete.
# In every case the shim's accounting shows nothing left alive at exit (no
# leaked handles).
cd "$(dirname "$0")/.." || exit 2
. tests/shim-lib.sh

live_zero() {
	python3 -c "import json,sys; s=json.load(open('$TMP/s.json')); sys.exit(any(s['live'].values()))" 2>/dev/null
}

# expect_equal NAME DRIVER TRACE FAILSPEC STDERR_PATTERN
expect_equal() {
	local name=$1 d=$2 t=$3 spec=$4 pat=$5 why
	why=$(VMB_SHIM_FAIL=$spec shim_vs_model "$d" "$t")
	if [ $? -ne 0 ]; then
		not_ok "$name" "$why"
	elif [ -n "$pat" ] && ! grep -q "$pat" "$TMP/err.txt"; then
		not_ok "$name" "stderr lacks '$pat': $(cat "$TMP/err.txt")"
	else
		ok "$name"
	fi
}

# expect_error NAME DRIVER TRACE FAILSPEC STDERR_PATTERN
expect_error() {
	local name=$1 d=$2 t=$3 spec=$4 pat=$5 rc
	run_shim "$d" "$t" VMB_SHIM_FAIL="$spec"
	rc=$?
	if [ $rc -eq 0 ]; then
		not_ok "$name" "replay exited 0 after injected $spec"
	elif ! grep -q "$pat" "$TMP/err.txt"; then
		not_ok "$name" "stderr lacks '$pat': $(head -c 400 "$TMP/err.txt")"
	elif ! live_zero; then
		not_ok "$name" "objects left alive: $(cat "$TMP/s.json")"
	else
		ok "$name"
	fi
}

arr=traces/p-igt-bind-array.jsonl
expect_equal xe-enobufs-fallback xe "$arr" VM_BIND:ENOBUFS:2 "one op per ioctl"
expect_equal xe-enomem-fallback xe "$arr" VM_BIND:ENOMEM:3 "one op per ioctl"
expect_equal xe-eintr-retried xe "$arr" VM_BIND:EINTR:2 ""
expect_equal xe-eagain-retried xe "$arr" VM_BIND:EAGAIN:2 ""
expect_equal nouveau-enobufs-fallback nouveau traces/a3-vkd3d-tiled-nouveau.jsonl \
	VM_BIND:ENOBUFS:15 "one op per ioctl"
expect_equal msm-enomem-fallback msm traces/a3-vkd3d-tiled-msm.jsonl VM_BIND:ENOMEM:15 \
	"one op per ioctl"
expect_equal panthor-eintr-retried panthor traces/a9-tiler-per-bo-panthor.jsonl \
	VM_BIND:EINTR:5 ""
expect_equal amdgpu-eintr-retried amdgpu traces/sparse-amdgpu.json GEM_VA:EINTR:3 ""
expect_error xe-einval xe traces/steady-xe.json VM_BIND:EINVAL:3 "Invalid argument"
expect_error xe-enomem-gem-create xe traces/steady-xe.json GEM_CREATE:ENOMEM:2 \
	"Cannot allocate memory"
expect_error amdgpu-einval-gem-va amdgpu traces/sparse-amdgpu.json GEM_VA:EINVAL:2 \
	"Invalid argument"
expect_error xe-device-lost xe traces/steady-xe.json VM_BIND:ENODEV:3 "device is gone"
expect_error amdgpu-device-lost amdgpu traces/sparse-amdgpu.json CS:ENODEV:1 "device is gone"

# SIGINT in the middle of a paced run: the result is marked incomplete (and
# written beside the target) and every kernel object is released
rm -f "$TMP/s.json" "$TMP/r.json" "$TMP/r.incomplete.json"
LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=xe VMB_SHIM_STATS="$TMP/s.json" "$REPLAY" --backend=xe \
	--pace=traced --quiet -o "$TMP/r.json" traces/a1-dxvk-steady-xe.jsonl 2>"$TMP/err.txt" &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
if ! python3 -c "import json,sys; r=json.load(open('$TMP/r.incomplete.json')); \
sys.exit(0 if r['runs'][0].get('incomplete') else 1)" 2>/dev/null; then
	not_ok xe-sigint-cleanup "no result marked incomplete after SIGINT"
elif ! live_zero; then
	not_ok xe-sigint-cleanup "objects left alive: $(cat "$TMP/s.json" 2>/dev/null)"
else
	ok xe-sigint-cleanup
fi
summary
