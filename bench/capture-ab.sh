#!/bin/sh
# SPDX-License-Identifier: MIT
# capture-ab.sh - compare the capturer's cost per recorded DRM ioctl
# between builds (checkouts), A/B, in alternating processes.
#
#   bench/capture-ab.sh [-m signal|heap|bind] [-r ROUNDS] [-n OPS] DIR...
#
# Each DIR is a checkout with build/libvmcapture.so, build/libvmshim.so
# and build/tests/progs/cap_loop built. Every round runs
# `cap_loop drm-pair OPS` once per DIR, in turn, and each run uses fresh
# copies of the two libraries and the program: the same file's pages stay
# where the page cache put them, and on the development VM that placement
# alone moved one build's figure by about 10 ns against another build with
# the same hot-path instructions (docs/capture.md). Address-space
# randomisation stays on for the same reason. Prints, per DIR, its
# ns_per_op figures sorted and their median. Figures only: nothing fails
# on speed.
set -eu

mode=
rounds=12
ops=300000
usage() {
	echo "usage: bench/capture-ab.sh [-m signal|heap|bind] [-r ROUNDS] [-n OPS] DIR..." >&2
	exit 2
}
while getopts m:r:n: o; do
	case $o in
	m) case $OPTARG in signal) mode= ;; heap | bind) mode=$OPTARG ;; *) usage ;; esac ;;
	r) rounds=$OPTARG ;;
	n) ops=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
case "$rounds$ops" in *[!0-9]* | '') usage ;; esac
for d in "$@"; do
	for f in build/libvmcapture.so build/libvmshim.so build/tests/progs/cap_loop; do
		[ -f "$d/$f" ] || { echo "capture-ab: $d/$f missing (run make there)" >&2; exit 2; }
	done
done
tmp=$(mktemp -d /tmp/vmb-capture-ab.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

i=0
while [ $i -lt "$rounds" ]; do
	k=0
	for d in "$@"; do
		k=$((k + 1))
		c=$tmp/run
		mkdir "$c"
		cp "$d/build/libvmcapture.so" "$d/build/libvmshim.so" "$d/build/tests/progs/cap_loop" "$c/"
		v=$(env LD_PRELOAD="$c/libvmcapture.so:$c/libvmshim.so" VMB_SHIM_DRIVER=xe \
			VMB_CAPTURE_OUT="$c/t.jsonl" "$c/cap_loop" drm-pair "$ops" "$c/libvmshim.so" $mode |
			sed -n 's/^ns_per_op //p')
		rm -rf "$c"
		[ -n "$v" ] || { echo "capture-ab: cap_loop failed under $d" >&2; exit 1; }
		echo "$v" >>"$tmp/r.$k"
	done
	i=$((i + 1))
done
k=0
for d in "$@"; do
	k=$((k + 1))
	sort -n "$tmp/r.$k" | awk -v d="$d" -v m="${mode:-signal}" \
		'{ v[NR] = $1; s = s " " $1 }
		END { med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%s %s: median %.1f ns (%d rounds:%s)\n", d, m, med, NR, s }'
done
