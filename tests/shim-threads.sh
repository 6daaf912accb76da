#!/usr/bin/env bash
# shim-threads.sh - two threads on one amdgpu VM over the shim, the way
# RADV's threaded submit uses it (build/tests/progs/mt_gem_va): a syncobj
# reset by one thread and signalled by the other after its sparse binds is
# waited on with WAIT_FOR_SUBMIT (the wait must sleep until the signal and
# never see the fence from before the reset), on the instant and on the
# timed shim GPU; and two threads' racing binds on overlapping ranges,
# captured with the shim's ioctl jitter (VMB_SHIM_JITTER_US), must replay
# on the model to the gpuvm map/remap/unmap counts the shim served, i.e. the
# capture has the binds in the order the shim applied them.
cd "$(dirname "$0")/.." || exit 2
. tests/shim-lib.sh
n=0 passed=0 failed=0 skipped=0
PROG=$PWD/build/tests/progs/mt_gem_va
CAP=$PWD/build/capture

gpuvm() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
g = d["runs"][0]["metrics"]["gpuvm"] if "runs" in d else d["gpuvm"]
print(g["map"], g["remap"], g["unmap"])' "$1" 2>/dev/null
}

if [ ! -x "$PROG" ]; then
	for t in instant timed capture; do skip "mt_gem_va $t" "$PROG not built"; done
	summary
	exit
fi

for gpu in instant timed; do
	out=$(env LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=amdgpu VMB_SHIM_GPU=$gpu VMB_SHIM_QUIET=1 \
		timeout -k 5 60 "$PROG" 100 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && echo "$out" | grep -q '^handoff: 100 ok'; then
		ok "mt_gem_va, $gpu GPU: $(echo "$out" | tr '\n' ' ')"
	else
		not_ok "mt_gem_va, $gpu GPU: exit 0, 100 hand-offs (exit $rc)" "$out"
	fi
done

# the capture's order of the two threads' binds: three runs, each has to match
msgs=""
runs=0
for i in 1 2 3; do
	rm -f "$TMP/c.jsonl" "$TMP/stats.json" "$TMP/r.json"
	env LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=amdgpu VMB_SHIM_JITTER_US=100 VMB_SHIM_QUIET=1 \
		VMB_SHIM_STATS="$TMP/stats.json" timeout -k 5 120 \
		"$CAP" -q -o "$TMP/c.jsonl" -- "$PROG" 300 >"$TMP/out" 2>&1 ||
		{ msgs="$msgs run $i: exit $? $(tail -n 3 "$TMP/out")"; continue; }
	"$REPLAY" --validate "$TMP/c.jsonl" >"$TMP/val" 2>&1 ||
		{ msgs="$msgs run $i: $(tail -n 1 "$TMP/val")"; continue; }
	"$REPLAY" --quiet -o "$TMP/r.json" "$TMP/c.jsonl" >"$TMP/rep" 2>&1 ||
		{ msgs="$msgs run $i: replay: $(grep 'trace says' "$TMP/rep" | head -n 2)"; continue; }
	unexp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["metrics"]["errors"]["unexpected"])' "$TMP/r.json")
	[ "$unexp" = 0 ] || { msgs="$msgs run $i: $unexp unexpected results on the model;"; continue; }
	served=$(gpuvm "$TMP/stats.json") replayed=$(gpuvm "$TMP/r.json")
	if [ -z "$served" ] || [ "$served" != "$replayed" ]; then
		msgs="$msgs run $i: gpuvm map/remap/unmap served '$served', replayed '$replayed';"
		continue
	fi
	runs=$((runs + 1))
done
if [ $runs -eq 3 ]; then
	ok "mt_gem_va captured with 100 us ioctl jitter: 3/3 replay to the served gpuvm counts ($served)"
else
	not_ok "mt_gem_va captured with 100 us ioctl jitter: $runs/3 replay to the served gpuvm counts" "$msgs"
fi
summary
