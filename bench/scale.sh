#!/usr/bin/env bash
# scale.sh - issue 13, goal 4 and "how cost grows":
#
#  1. the model's end-to-end throughput per trace archetype: build/synth
#     generates each archetype at its default length, build/replay runs it
#     on the model; prints ops/s of the whole run (load + validate + replay
#     + result file) and of the replay loop alone (the result's wall_ns);
#  2. ns/op of load+validate (`replay --validate`: vmb_trace_load() parses
#     and validates in one pass), of the replay loop on the model and on
#     the null backend, and of the whole model run, at about 10k, 100k, 1M
#     and 10M ops (vkd3d-tiled traces from build/synth), with peak RSS per
#     op, so that a super-linear step shows as a growing ns/op.
#
#  3. the memory goals of issue 13, from the same runs: peak RSS per op of
#     `replay --validate` on the ~1M-op trace minus a 1-frame trace (goal
#     <= 48 B/op), and the peak RSS of `replay` on the model (default
#     strategy) of the ~20M-op trace (goal < 2 GiB); and the null backend's
#     ns/op on the ~1M-op trace (harness goal <= 50 ns/op).
#
# Figures only; never fails on speed. SCALE_MAX=N stops the growth series at
# N ops (default 20000000; the 20M-op trace is about 2.3 GB of .jsonl and
# takes 10 minutes or more on a loaded machine).
cd "$(dirname "$0")/.." || exit 2
SYNTH=build/synth REPLAY=build/replay
[ -x $SYNTH ] && [ -x $REPLAY ] || { echo "scale: build/synth or build/replay missing"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
MAX=${SCALE_MAX:-20000000}

ops_of() { echo $(($(wc -l <"$1") - 1)); }
now() { date +%s%N; }
# wall_ns of the first run in a result file
wall_ns() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["wall_ns"])' "$1"; }
# peak RSS in KiB of a command (GNU time), its output discarded
rss_of() { /usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>&1; cat "$tmp/rss"; }

echo "model end-to-end per archetype (default length, default driver, one run each)"
printf '  %-18s %9s %8s %14s %14s\n' archetype ops MB "whole ops/s" "replay ops/s"
for a in $($SYNTH --list 2>/dev/null | awk '/\[archetype\]/ {print $1}'); do
	T=$tmp/$a.jsonl
	$SYNTH "$a" -o "$T" >/dev/null 2>&1 || { printf '  %-18s synth failed\n' "$a"; continue; }
	n=$(ops_of "$T")
	t0=$(now)
	$REPLAY --backend=model -q -o "$tmp/r.json" "$T" >/dev/null 2>&1 ||
		{ printf '  %-18s replay failed\n' "$a"; rm -f "$T"; continue; }
	t1=$(now)
	w=$(wall_ns "$tmp/r.json")
	awk -v a="$a" -v n="$n" -v b="$(stat -c %s "$T")" -v t=$((t1 - t0)) -v w="$w" 'BEGIN {
		printf "  %-18s %9d %8.1f %14.0f %14.0f\n", a, n, b / 1e6, n / (t / 1e9), n / (w / 1e9) }'
	rm -f "$T"
done

# ops per frame of vkd3d-tiled grow with the length: each size is aimed
# with the ratio of the previous trace (the first from a 200-frame one)
$SYNTH vkd3d-tiled --frames 200 -o "$tmp/s.jsonl" >/dev/null 2>&1 || exit 0
per=$(ops_of "$tmp/s.jsonl") fr=200
rm -f "$tmp/s.jsonl"
$SYNTH vkd3d-tiled --frames 1 -o "$tmp/one.jsonl" >/dev/null 2>&1
rss1=$(rss_of $REPLAY --validate "$tmp/one.jsonl")

echo
echo "growth (vkd3d-tiled, build/synth; ns per op; best of 2 for load+validate)"
printf '  %9s %8s %14s %13s %13s %12s %10s %11s\n' ops MB "load+validate" "replay model" "replay null" \
	"whole model" "RSS B/op" "model MiB"
mem_line= harness_line= big_line=
for target in 10000 100000 1000000 10000000 20000000; do
	[ "$target" -le "$MAX" ] || break
	T=$tmp/g.jsonl
	frames=$(((target * fr + per - 1) / per))
	$SYNTH vkd3d-tiled --frames $frames -o "$T" >/dev/null 2>&1 || { echo "  synth failed"; break; }
	n=$(ops_of "$T")
	if [ "$n" -gt $((target * 3 / 2)) ]; then
		# overshot: aim again with this trace's ratio
		frames=$(((target * frames + n - 1) / n))
		$SYNTH vkd3d-tiled --frames $frames -o "$T" >/dev/null 2>&1 || { echo "  synth failed"; break; }
		n=$(ops_of "$T")
	fi
	per=$n fr=$frames
	best=
	for _ in 1 2; do
		t0=$(now)
		$REPLAY --validate "$T" >/dev/null 2>&1 || { echo "  $n ops: validate failed"; break 2; }
		t1=$(now)
		d=$((t1 - t0))
		if [ -z "$best" ] || [ $d -lt "$best" ]; then best=$d; fi
	done
	rss=$(rss_of $REPLAY --validate "$T")
	t0=$(now)
	/usr/bin/time -f %M -o "$tmp/mrss" $REPLAY --backend=model -q -o "$tmp/m.json" "$T" \
		>/dev/null 2>&1 || { echo "  model failed"; break; }
	t1=$(now)
	mrss=$(cat "$tmp/mrss")
	wm=$(wall_ns "$tmp/m.json")
	$REPLAY --backend=null -q -o "$tmp/n.json" "$T" >/dev/null 2>&1 || { echo "  null failed"; break; }
	wn=$(wall_ns "$tmp/n.json")
	awk -v n="$n" -v b="$(stat -c %s "$T")" -v v="$best" -v wm="$wm" -v wn="$wn" \
		-v t=$((t1 - t0)) -v r="$rss" -v r1="$rss1" -v m="$mrss" 'BEGIN {
		printf "  %9d %8.1f %14.0f %13.0f %13.1f %12.0f %10.0f %11.0f\n", n, b / 1e6, v / n, wm / n,
		       wn / n, t / n, (r - r1) * 1024 / n, m / 1024 }'
	if [ "$target" = 1000000 ]; then
		mem_line=$(awk -v n="$n" -v r="$rss" -v r1="$rss1" 'BEGIN { x = (r - r1) * 1024 / n
			printf "peak RSS of replay --validate, %d ops: %.1f B/op  goal <= 48 B/op: %s",
			       n, x, x <= 48 ? "MET" : "NOT MET" }')
		harness_line=$(awk -v n="$n" -v w="$wn" 'BEGIN { x = w / n
			printf "null backend replay loop, %d ops: %.1f ns/op (wall)  goal <= 50 ns/op: %s",
			       n, x, x <= 50 ? "MET" : "NOT MET" }')
	fi
	if [ "$target" = 20000000 ]; then
		big_line=$(awk -v n="$n" -v m="$mrss" 'BEGIN {
			printf "peak RSS of replay (model, default strategy), %d ops: %.0f MiB  goal < 2048 MiB: %s",
			       n, m / 1024, m < 2 * 1024 * 1024 ? "MET" : "NOT MET" }')
	fi
	rm -f "$T" "$tmp"/*.json
done
echo "  (load+validate and whole model: process wall time including start-up; replay: the"
echo "   result's wall_ns, the replay loop alone; RSS: peak of --validate minus a 1-frame trace;"
echo "   model MiB: peak RSS of the whole replay on the model)"
echo
echo "goals (issue 13), from the runs above:"
echo "  ${mem_line:-peak RSS per op: not measured (SCALE_MAX below 1000000)}"
echo "  ${big_line:-20M-op replay RSS: not measured (SCALE_MAX below 20000000)}"
echo "  ${harness_line:-harness ns/op: not measured (SCALE_MAX below 1000000)}"
