#!/usr/bin/env bash
# backends.sh - per-op cost of the replay harness: the `null` backend (the
# loop itself: trace walk, strategies, timing, metrics; target <= 100 ns/op),
# the model, and the xe backend over the shim render node (libdrm + ioctl
# encoding + the shim's decoding + the model). Users subtract the null figure
# from hardware numbers. Figures come from the result files' wall_ns; best
# and median of several runs. Never fails on speed.
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0

trace=$tmp/big.jsonl
if [ -x build/synth ] && build/synth dxvk-steady --driver xe --seed 1 --frames 3000 \
	-o "$trace" >/dev/null 2>&1; then
	src="synth dxvk-steady --driver xe --seed 1 --frames 3000"
else
	trace=traces/steady-xe.json
	src=$trace
fi

# measure NAME RUNS [ENV...] -- REPLAY-ARGS: prints best and median ns/op
measure() {
	local name=$1 runs=$2 i
	shift 2
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	for i in $(seq "$runs"); do
		env "${envs[@]}" build/replay --quiet -o "$tmp/r.json" "$@" "$trace" 2>/dev/null ||
			{ echo "  $name: replay failed"; return; }
		python3 -c "import json; d=json.load(open('$tmp/r.json')); \
print(d['runs'][0]['wall_ns'] / d['trace']['ops'])"
	done | sort -n | awk -v name="$name" '{ v[NR] = $1 } END {
		printf "  %-28s best %8.1f ns/op   median %8.1f ns/op   (%d runs)\n",
			name, v[1], v[int((NR + 1) / 2)], NR }'
}

ops=$(build/replay --backend=null --quiet -o "$tmp/r.json" "$trace" 2>/dev/null &&
	python3 -c "import json; print(json.load(open('$tmp/r.json'))['trace']['ops'])")
echo "trace: $src ($ops ops)"
measure "null (harness only)" 7 X=1 -- --backend=null
measure "model" 3 X=1 -- --backend=model
if [ -f build/libvmshim.so ]; then
	measure "xe over the shim" 3 LD_PRELOAD=build/libvmshim.so VMB_SHIM_DRIVER=xe -- \
		--backend=xe
fi
echo "  target: null <= 100 ns/op. The shim line is libdrm + ioctl encoding + the shim's
  decoding + its model (+ the engine's model dry-run before any hardware backend), not a GPU."
