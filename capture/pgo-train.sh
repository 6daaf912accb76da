#!/bin/sh
# SPDX-License-Identifier: MIT
# pgo-train.sh - the training run of the interposer's profile-guided build
# (mk/capture.mk). Runs programs under an instrumented libvmcapture.so on
# the shim, so that GCC learns which paths of a recorded ioctl are hot and
# lays them out together: the kernel call before the recording empties
# much of the instruction cache, and every cache line the hot path spans
# is then fetched again (docs/capture.md, "Profile-guided layout").
#
# Usage: pgo-train.sh GEN_LIB BUILD_DIR
#   GEN_LIB    the instrumented library (its .gcda files are written on exit)
#   BUILD_DIR  where libvmshim.so, replay and tests/progs/cap_loop are
#
# The mix: ioctls that are not DRM's (FIONREAD on a pipe, ten times as many
# as the DRM calls of the next loops), the three DRM loops of
# bench/capture.sh (a syncobj signal with its handle array on the stack, on
# the heap, an xe bind and unbind), then a replay of each bundled archetype
# trace on its own driver's shim node, so that the submits, waits,
# creations and the other drivers' decoders count too. Exit status 0 when
# every program ran; the caller builds without a profile otherwise.

set -u
GEN=$1
B=$2
SHIM=$PWD/$B/libvmshim.so
LOOP=$B/tests/progs/cap_loop
TMP=$(mktemp -d /tmp/vmb-pgo.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT
N=${VMB_PGO_OPS:-20000}
fail=0

run() { # DRIVER CMD...: under the instrumented capture, on the shim
	d=$1
	shift
	env LD_PRELOAD="$GEN:$SHIM" VMB_SHIM_DRIVER="$d" VMB_CAPTURE_OUT="$TMP/t.jsonl" \
		"$@" >"$TMP/out" 2>&1 || {
		echo "pgo-train: failed: $*" >&2
		tail -n 3 "$TMP/out" >&2
		fail=1
	}
	rm -f "$TMP"/t.*jsonl
}

# a real program makes more ioctls that are not DRM's than ones that are:
# the pass-through must stay the path laid out straight
run xe "$LOOP" nondrm $((N * 10))
for m in signal heap bind; do
	run xe "$LOOP" drm-pair "$N" "$SHIM" "$m"
done
for t in traces/a[0-9]-*.jsonl; do
	d=${t##*-}
	d=${d%.jsonl}
	case $d in
	xe | amdgpu | nouveau | panthor | msm) run "$d" "$B/replay" --backend="$d" -q \
		-o "$TMP/r.json" "$t" ;;
	esac
done
exit $fail
