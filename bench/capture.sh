#!/bin/sh
# SPDX-License-Identifier: MIT
# capture.sh - what the capturer costs a program: ns added per intercepted
# DRM ioctl and per non-DRM ioctl, against the same loop without capture,
# and against strace -f -e trace=ioctl and ltrace -e ioctl on the same loop;
# and trace bytes per op. Targets: <= 150 ns per recorded DRM ioctl and
# <= 5 ns per non-DRM ioctl on the program's thread (issue 13; issue 5 had
# 1 us and 20 ns). Figures only: a benchmark never fails on speed.
#
# Three figures per configuration, each the best of 3 runs:
#   wall     wall time of the loop / ops
#   thread   CPU time of the looping thread / ops (what the program's own
#            thread pays; barely disturbed by other load on the machine)
#   process  CPU time of the whole process / ops (with the capture: its
#            writer thread too, i.e. the total CPU the capture costs)
# The DRM loop runs on the shim (no GPU here), so its baseline is the
# shim's own cost and the capture's share is the difference. strace cannot
# see shim ioctls (they never reach the kernel): for the DRM loop only
# ltrace is a like-for-like comparison.

cd "$(dirname "$0")/.." || exit 2
B=build
LOOP=$B/tests/progs/cap_loop
LIB=$PWD/$B/libvmcapture.so
SHIM=$PWD/$B/libvmshim.so
TMP=$(mktemp -d /tmp/vmb-capture-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
N=${CAPTURE_BENCH_N:-1000000}
NSLOW=${CAPTURE_BENCH_NSLOW:-50000}

if [ ! -x "$LOOP" ] || [ ! -f "$LIB" ] || [ ! -x /usr/bin/time ]; then
	echo "capture bench: build first (make); needs /usr/bin/time"
	exit 0
fi

# measure N CMD...: prints "wall thread process" ns/op, best of 3 each
measure() {
	n=$1
	shift
	for _ in 1 2 3; do
		/usr/bin/time -f "cpu %U %S" -o "$TMP/time" "$@" >"$TMP/out" 2>/dev/null || continue
		w=$(sed -n 's/^ns_per_op //p' "$TMP/out")
		t=$(sed -n 's/^thread_cpu_ns_per_op //p' "$TMP/out")
		p=$(awk -v n="$n" '/^cpu/ { printf "%.1f", ($2 + $3) * 1e9 / n }' "$TMP/time")
		echo "$w ${t:-nan} $p"
	done | awk 'BEGIN { w = t = p = 1e30 }
		{ if ($1 < w) w = $1; if ($2 != "nan" && $2 < t) t = $2; if ($3 < p) p = $3 }
		END { if (w == 1e30) print "nan nan nan"; else printf "%s %s %s\n", w, (t == 1e30 ? "nan" : t), p }'
}

header() {
	printf '  %-30s %12s %12s %12s\n' "$1" "wall ns/op" "thread CPU" "process CPU"
}

row() { # name "w t p" "base w t p"
	echo "$2 $3" | awk -v n="$1" '{
		printf "  %-30s", n
		for (i = 1; i <= 3; i++) {
			if ($i == "nan") { printf " %12s", "-"; continue }
			if (n ~ /^(bare|shim alone)/) printf " %12.1f", $i
			else printf " %6.0f %+5.0f", $i, $i - $(i + 3)
		}
		printf "\n" }'
}

echo "non-DRM ioctl: FIONREAD on a pipe, $N ops (strace/ltrace: $NSLOW ops)"
header "configuration"
base=$(measure $N $LOOP nondrm $N)
row "bare" "$base" "$base"
row "capture (LD_PRELOAD)" "$(measure $N env LD_PRELOAD=$LIB VMB_CAPTURE_OUT=$TMP/n.jsonl $LOOP nondrm $N)" "$base"
sm=""
if command -v strace >/dev/null; then
	sm=$(measure $NSLOW strace -f -o /dev/null -e trace=ioctl $LOOP nondrm $NSLOW)
	row "strace -f -e trace=ioctl" "$sm" "$base"
fi
command -v ltrace >/dev/null &&
	row "ltrace -e ioctl" "$(measure $NSLOW ltrace -o /dev/null -e ioctl $LOOP nondrm $NSLOW)" "$base"
# the fast path alone: ioctl() vs syscall(SYS_ioctl) interleaved in one process
# (each side the lowest of 3 runs: one run's bare figure alone moved
# between -0.4 and 2.0 ns, and the goal line with it)
low3() { for _ in 1 2 3; do "$@" | sed -n 's/^ns_per_op //p'; rm -f "$TMP"/p.*jsonl; done | sort -n | head -n 1; }
bp=$(low3 $LOOP pair $N)
cp=$(low3 env LD_PRELOAD=$LIB VMB_CAPTURE_OUT=$TMP/p.jsonl $LOOP pair $N)
echo "  fast path alone (ioctl() minus syscall(SYS_ioctl), interleaved blocks):" \
	"$bp ns bare, $cp ns with capture => $(awk "BEGIN { printf \"%.1f\", $cp - $bp }") ns per non-DRM ioctl"
echo "  goal <= 5 ns per non-DRM ioctl: $(awk "BEGIN { print ($cp - $bp <= 5) ? \"met\" : \"NOT MET\" }")"
# the ratio to strace: what it adds per ioctl (wall) against the capture's
# fast path; a fast-path figure under 2 ns is within this measure's noise
# (the bare figure alone moves by about 2 ns), so the ratio is then given
# against 2 ns, as a lower bound
[ -n "$sm" ] && echo "$sm $base $cp $bp" | awk '{ s = $1 - $4; c = $7 - $8
	if (c >= 2) printf "  strace -f -e trace=ioctl adds %.0f ns per non-DRM ioctl: %.0fx the capture'"'"'s %.1f ns\n", s, s / c, c
	else printf "  strace -f -e trace=ioctl adds %.0f ns per non-DRM ioctl: at least %.0fx the capture'"'"'s (%.1f ns, within the ~2 ns noise; counted as 2)\n", s, s / 2, c }'

echo
if [ ! -f "$SHIM" ] || ! LD_PRELOAD=$SHIM VMB_SHIM_DRIVER=xe $LOOP drm 10 >/dev/null 2>&1; then
	echo "DRM ioctl: skipped (no working $SHIM)"
	exit 0
fi
echo "DRM ioctl: SYNCOBJ_SIGNAL on the shim's xe node, $N ops (ltrace: $NSLOW ops)"
header "configuration"
base=$(measure $N env LD_PRELOAD=$SHIM VMB_SHIM_DRIVER=xe $LOOP drm $N)
row "shim alone" "$base" "$base"
row "shim + capture" "$(measure $N env LD_PRELOAD=$LIB:$SHIM VMB_SHIM_DRIVER=xe \
	VMB_CAPTURE_OUT=$TMP/d.jsonl $LOOP drm $N)" "$base"
lm=""
if command -v ltrace >/dev/null; then
	lm=$(measure $NSLOW env LD_PRELOAD=$SHIM VMB_SHIM_DRIVER=xe \
		ltrace -o /dev/null -e ioctl $LOOP drm $NSLOW)
	row "shim + ltrace -e ioctl" "$lm" "$base"
fi
# the capturer's share in one process: the same ioctl through the capturer
# and straight into the shim, alternating blocks (cap_loop drm-pair: the
# median over adjacent block pairs of their difference); lowest of 3 runs: a signal whose handle array is on the caller's stack, one
# whose array is on the heap, an xe VM_BIND (map and unmap in turn)
pair() {
	for _ in 1 2 3; do
		env LD_PRELOAD=$LIB:$SHIM VMB_SHIM_DRIVER=xe VMB_CAPTURE_OUT=$TMP/q.jsonl \
			$LOOP drm-pair $N "$SHIM" "$@" | sed -n 's/^ns_per_op //p'
		rm -f "$TMP"/q.*jsonl
	done | sort -n | head -n 1
}
ps=$(pair)
ph=$(pair heap)
pb=$(pair bind)
echo "  capturer alone (cap_loop drm-pair: interleaved blocks in one process, median block-pair"
echo "  difference, lowest of 3 runs), ns per"
echo "  recorded ioctl on the program's thread: SYNCOBJ_SIGNAL $ps (handle array on the stack)," \
	"$ph (on the heap); xe VM_BIND $pb"
# the heap case is left out of the goal: its pre-call copy is a system call
# (process_vm_readv, 0.6-0.8 us on the development VM) whatever the design
echo "  goal <= 150 ns per recorded DRM ioctl (the signal with its array on the stack and the bind;" \
	"the heap case costs a system call): $(awk "BEGIN { print ($ps <= 150 && $pb <= 150) ? \"met\" : \"NOT MET\" }")"
# the like-for-like ratio for DRM ioctls (strace cannot see the shim's):
# what ltrace adds to the looping thread's CPU against the capturer's share
[ -n "$lm" ] && echo "$lm $base $ps" | awk '{ l = $2 - $5
	printf "  ltrace -e ioctl adds %.0f ns of thread CPU per DRM ioctl: %.0fx the capturer'"'"'s %.1f ns\n", l, l / $7, $7 }'
f=$(ls -t "$TMP"/d.*jsonl 2>/dev/null | head -n 1)
if [ -n "$f" ]; then
	python3 - "$f" <<'EOF'
import json, sys
x = json.loads(open(sys.argv[1]).readline())["x_capture"]
print(f"  trace: {x['ops']} ops, {x['bytes']} bytes = {x['bytes'] / max(x['ops'], 1):.0f} bytes/op, "
      f"{x['drops']} drops; in the header: recording cost {x['overhead_ns_per_op']} ns/op on the "
      f"program's thread (wall, sampled), back-pressure waits {x['backpressure_ns'] / 1e6:.1f} ms")
EOF
fi
