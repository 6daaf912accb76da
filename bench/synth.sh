#!/usr/bin/env bash
# bench/synth.sh - generator throughput: ops/s and MB/s of build/synth on the
# largest full-size traces of the library (best of 3 runs, output to a
# temporary .jsonl). Prints figures; never fails on speed.
cd "$(dirname "$0")/.." || exit 2
SYNTH=${SYNTH:-build/synth}
if [ ! -x "$SYNTH" ]; then
	echo "synth: $SYNTH not built, skipped"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bench() { # bench LABEL SYNTH-ARGS...
	local label=$1 best= t0 t1 ns ops bytes
	shift
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		"$SYNTH" "$@" -o "$tmp/t.jsonl" || { echo "$label: synth failed"; return; }
		t1=$(date +%s%N)
		ns=$((t1 - t0))
		if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
	done
	ops=$(($(wc -l <"$tmp/t.jsonl") - 1))
	bytes=$(wc -c <"$tmp/t.jsonl")
	awk -v l="$label" -v o="$ops" -v b="$bytes" -v n="$best" 'BEGIN {
		printf "%-44s %9d ops %7.1f MB %7.3f s %10.0f ops/s %6.1f MB/s\n",
		       l, o, b / 1e6, n / 1e9, o / (n / 1e9), b / 1e6 / (n / 1e9) }'
}

echo "synth throughput (best of 3, includes writing the .jsonl)"
bench "per-tile-fanout amdgpu --seconds 5" per-tile-fanout --driver amdgpu --seconds 5
bench "vkd3d-tiled amdgpu --seconds 60" vkd3d-tiled --driver amdgpu --seconds 60
bench "compute-userptr xe --seconds 30 (1e4 ops/s)" compute-userptr --driver xe --seconds 30 \
	--param ops_per_s=10000
bench "dxvk-steady xe --seconds 120" dxvk-steady --driver xe --seconds 120
