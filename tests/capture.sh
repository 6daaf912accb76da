#!/bin/sh
# SPDX-License-Identifier: MIT
# capture.sh - end-to-end tests of build/capture + build/libvmcapture.so,
# without a GPU: the shim (build/libvmshim.so) serves the render node.
#
#   round trips: replay --backend=D of every committed trace on the shim,
#     captured, gives the same gpuvm and refcount metrics as the original;
#     captured again with VMB_CAPTURE_DEFER=0, gives the same ops
#   16 threads x 20000 ioctls: every op once, per-thread and kernel order
#   fork, vfork+exec, fork+exec, posix_spawn, dup2, fd number reuse
#   SIGKILL in the middle, errno/return values unchanged, exit status,
#   --only-driver, output that cannot be written
#
# Tests that need the shim or build/replay are skipped until they exist.

cd "$(dirname "$0")/.." || exit 1
B=${VMB_BUILD:-build}
case $B in /*) ;; *) B=$PWD/$B ;; esac
CAP=$B/capture
SHIM=$B/libvmshim.so
REPLAY=$B/replay
PROGS=$B/tests/progs
CHECK="python3 tests/capture_check.py"
TMP=$(mktemp -d /tmp/vmb-capture-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# sanitizer builds of the programs under test must accept a preload first
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
# the capturer starts its writer thread in a fork child of a threaded
# program, which TSan refuses by default
export TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}die_after_fork=0"

n=0 pass=0 failc=0 skipc=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failc=$((failc + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { n=$((n + 1)); skipc=$((skipc + 1)); echo "ok $n - $1 # SKIP $2"; }
# the shim counts as present when a syncobj loop runs on it for that driver
shim_ok=""
shim_for() {
	case " $shim_ok " in *" $1 "*) return 0 ;; esac
	[ -f "$SHIM" ] || return 1
	LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=$1 $PROGS/cap_loop drm 10 >/dev/null 2>&1 || return 1
	shim_ok="$shim_ok $1"
}
have_shim() { shim_for xe; }
replay_ok=no
[ -x "$REPLAY" ] && replay_ok=yes
have_replay() { [ $replay_ok = yes ]; }
# run under the shim and the capture: shimcap DRIVER OUT [capture options] -- CMD...
# (a hang, e.g. a sanitizer runtime that is not fork-safe, fails after 300 s)
shimcap() {
	d=$1; o=$2; shift 2
	LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=$d timeout -k 10 300 $CAP -o "$o" "$@"
}

for p in "$CAP" $B/libvmcapture.so $PROGS/cap_stress $PROGS/cap_errno $PROGS/cap_fork $PROGS/cap_loop $PROGS/cap_sync; do
	if [ ! -e "$p" ]; then
		echo "not ok 1 - build: $p missing (run make)"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
done

# --- any program, no DRM: status kept, nothing written -----------------
$CAP -o "$TMP/none.jsonl" -- sh -c 'echo out; exit 3' >"$TMP/none.out" 2>"$TMP/none.err"
st=$?
if [ $st -eq 3 ] && [ "$(cat "$TMP/none.out")" = out ] && [ ! -e "$TMP/none.jsonl" ] &&
	grep -q 'no DRM ioctls recorded' "$TMP/none.err"; then
	ok "exit status and output of a non-DRM program unchanged, no file"
else
	notok "exit status and output of a non-DRM program unchanged, no file" "status $st" "$(cat "$TMP/none.err")"
fi
$CAP -q -o "$TMP/sig.jsonl" -- sh -c 'kill -TERM $$'
st=$?
[ $st -eq 143 ] && ok "killed program: capture exits 128+signal" || notok "killed program: capture exits 128+signal" "status $st"

# --- bad launcher options: one line, exit 2, the program never runs -------
bad=""
for opt in "--clock bogus" "--flush-ms 0" "--only-driver i915"; do
	rm -f "$TMP/badopt.ran"
	# shellcheck disable=SC2086
	$CAP -o "$TMP/badopt.jsonl" $opt -- touch "$TMP/badopt.ran" 2>"$TMP/badopt.err"
	st=$?
	if [ $st -ne 2 ] || [ -e "$TMP/badopt.ran" ] || [ "$(wc -l <"$TMP/badopt.err")" -ne 1 ]; then
		bad="$bad [$opt: status $st, $(head -c 200 "$TMP/badopt.err")]"
	fi
done
[ -z "$bad" ] && ok "bad --clock, --flush-ms, --only-driver: one line, exit 2, program not run" ||
	notok "bad --clock, --flush-ms, --only-driver: one line, exit 2, program not run" "$bad"

# --- errno and return values identical with and without capture ----------
errno_cmp() {
	if [ -n "$1" ]; then
		# invalid pointers too, if the shim answers them with EFAULT like a kernel
		mode=badptr
		LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=xe $PROGS/cap_errno badptr >/dev/null 2>&1 || mode=""
		[ -n "$mode" ] || echo "# the shim faults on invalid ioctl pointers: those cases left out"
		LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=xe $PROGS/cap_errno $mode >"$TMP/e1" 2>&1
		shimcap xe "$TMP/e.jsonl" -q -- $PROGS/cap_errno $mode >"$TMP/e2" 2>&1
	else
		$PROGS/cap_errno >"$TMP/e1" 2>&1
		$CAP -q -o "$TMP/e.jsonl" -- $PROGS/cap_errno >"$TMP/e2" 2>&1
	fi
	if cmp -s "$TMP/e1" "$TMP/e2" && ! grep -q 'changed on success' "$TMP/e1"; then
		ok "errno checker: identical results with and without capture${1:+ (shim)}"
	else
		notok "errno checker: identical results with and without capture${1:+ (shim)}" "$(diff "$TMP/e1" "$TMP/e2" | head -20)"
	fi
}
errno_cmp ""
if have_shim; then
	errno_cmp shim
	if grep -q 'SYNCOBJ_CREATE  *ret=0' "$TMP/e1" && [ -f "$TMP/e.jsonl" ] &&
		$CHECK ops "$TMP/e.jsonl" syncobj_create=1 syncobj_destroy=1 wait=1 signal=1 >"$TMP/c" 2>&1 &&
		$CHECK header "$TMP/e.jsonl" raw_total=1 complete=true >>"$TMP/c" 2>&1; then
		ok "errno checker: failing DRM ioctls recorded with their ret, the unknown one counted raw"
	else
		notok "errno checker: failing DRM ioctls recorded with their ret, the unknown one counted raw" "$(cat "$TMP/c")"
	fi
else
	skip "errno checker: identical results with and without capture (shim)" "no working $SHIM yet"
	skip "errno checker: failing DRM ioctls recorded with their ret, the unknown one counted raw" "no working $SHIM yet"
fi

# --- a new syncobj that nothing uses for a while ------------------------
# The writer holds its creation back (its first use decides binary or
# timeline) across many ticks (--flush-ms 10) while 20000 signals of another
# syncobj pile up behind it (more than one ring and several write passes),
# until a TIMELINE_SIGNAL 0.3 s later makes it a timeline.
t="a syncobj first used 0.3 s after its creation: held, then written as a timeline, in order"
if have_shim; then
	msgs=""
	shimcap xe "$TMP/late.jsonl" -q --flush-ms 10 -- $PROGS/cap_loop late-use 20000 300 ||
		msgs="exit $?"
	$CHECK ops "$TMP/late.jsonl" syncobj_create=2 signal=20001 syncobj_destroy=2 >"$TMP/c" 2>&1 &&
		$CHECK header "$TMP/late.jsonl" complete=true drops=0 seq_gaps=0 late=0 >>"$TMP/c" 2>&1 ||
		msgs="$msgs $(cat "$TMP/c")"
	# the held creation comes first and says timeline; the use is the 20001st signal
	sed -n 2p "$TMP/late.jsonl" | grep -q '"op":"syncobj_create","syncobj":1,"timeline":true' ||
		msgs="$msgs first op: $(sed -n 2p "$TMP/late.jsonl" | cut -c1-120)"
	grep -n '"point":5' "$TMP/late.jsonl" | grep -q '^20004:' ||
		msgs="$msgs the timeline signal is not op 20003"
	[ -z "$msgs" ] && ok "$t" || notok "$t" "$msgs"
else
	skip "$t" "no working $SHIM yet"
fi

# --- 16 threads x 20000 ioctls ------------------------------------------
if have_shim; then
	if shimcap xe "$TMP/s.jsonl" -q -- $PROGS/cap_stress 16 20000 >"$TMP/s.out" 2>&1 &&
		$CHECK stress "$TMP/s.jsonl" 16 20000 >"$TMP/c" 2>&1; then
		ok "16 threads x 20000 ioctls: each once, thread order and kernel order kept"
	else
		notok "16 threads x 20000 ioctls: each once, thread order and kernel order kept" "$(cat "$TMP/s.out" "$TMP/c" | head)"
	fi
	if shimcap xe "$TMP/s2.jsonl" -q -- $PROGS/cap_stress 300 200 4 >"$TMP/s.out" 2>&1 &&
		$CHECK stress "$TMP/s2.jsonl" 300 200 >"$TMP/c" 2>&1; then
		ok "300 short-lived threads, 4 at a time: nothing lost or duplicated"
	else
		notok "300 short-lived threads, 4 at a time: nothing lost or duplicated" "$(cat "$TMP/s.out" "$TMP/c" | head)"
	fi
else
	skip "16 threads x 20000 ioctls: each once, thread order and kernel order kept" "no working $SHIM yet"
	skip "300 short-lived threads, 4 at a time: nothing lost or duplicated" "no working $SHIM yet"
fi

# --- fork, vfork+exec, fork+exec, posix_spawn, dup2, fd reuse ------------
# TSan cannot follow threads started in the child of a threaded fork (the
# capturer's writer): its registry reuses the parent's ids ("dup thread with
# used id"), a limitation of TSan, not of the capturer
if grep -q __tsan_init "$PROGS/cap_fork" 2>/dev/null; then
	skip "fork, vfork+exec, fork+exec, fork+record+exec, posix_spawn: one file per process image, dup2 and fd reuse tracked" "TSan does not support threads after a multi-threaded fork"
	skip "every per-process file passes replay --validate" "TSan build"
elif have_shim; then
	shimcap xe "$TMP/f.jsonl" -- $PROGS/cap_fork >"$TMP/f.out" 2>"$TMP/f.err"
	st=$?
	msgs=""
	[ $st -eq 0 ] || msgs="cap_fork exit $st: $(cat "$TMP/f.err")"
	$CHECK ops "$TMP/f.jsonl" syncobj_create=1 signal=1 syncobj_destroy=1 >"$TMP/c" 2>&1 || msgs="$msgs $(cat "$TMP/c")"
	$CHECK header "$TMP/f.jsonl" unknown_handles=0 complete=true >"$TMP/c" 2>&1 || msgs="$msgs $(cat "$TMP/c")"
	while read -r kind pid; do
		case $kind in
		fork) want="syncobj_create=1 signal=1" ;;
		vfork | exec | spawn) want="syncobj_create=1 signal=1 syncobj_destroy=1" ;;
		recexec)
			# before exec (ended by it), then the new image in a second file
			want="syncobj_create=1 signal=1"
			$CHECK header "$TMP/f.$pid.jsonl" complete=true 'end="exec"' >"$TMP/c" 2>&1 ||
				msgs="$msgs recexec: $(cat "$TMP/c");"
			$CHECK ops "$TMP/f.$pid.1.jsonl" syncobj_create=1 signal=1 syncobj_destroy=1 \
				>"$TMP/c" 2>&1 || msgs="$msgs recexec after exec: $(cat "$TMP/c");"
			;;
		*) continue ;;
		esac
		if [ ! -f "$TMP/f.$pid.jsonl" ]; then
			msgs="$msgs no file for the $kind child $pid;"
		elif ! $CHECK ops "$TMP/f.$pid.jsonl" $want >"$TMP/c" 2>&1; then
			msgs="$msgs $kind child: $(cat "$TMP/c");"
		fi
	done <"$TMP/f.out"
	grep -q '7 files' "$TMP/f.err" || msgs="$msgs summary: $(cat "$TMP/f.err")"
	if [ -z "$msgs" ]; then
		ok "fork, vfork+exec, fork+exec, fork+record+exec, posix_spawn: one file per process image, dup2 and fd reuse tracked"
	else
		notok "fork, vfork+exec, fork+exec, fork+record+exec, posix_spawn: one file per process image, dup2 and fd reuse tracked" "$msgs"
	fi
	if have_replay; then
		bad=""
		for f in "$TMP"/f.*jsonl; do
			$REPLAY --validate "$f" >/dev/null 2>"$TMP/v" || bad="$bad $(cat "$TMP/v")"
		done
		[ -z "$bad" ] && ok "every per-process file passes replay --validate" ||
			notok "every per-process file passes replay --validate" "$bad"
	else
		skip "every per-process file passes replay --validate" "no $REPLAY"
	fi
else
	skip "fork, vfork+exec, fork+exec, fork+record+exec, posix_spawn: one file per process image, dup2 and fd reuse tracked" "no working $SHIM yet"
	skip "every per-process file passes replay --validate" "no working $SHIM yet"
fi

# --- SIGKILL in the middle -------------------------------------------------
if have_shim; then
	VMB_SHIM_DRIVER=xe VMB_CAPTURE_OUT="$TMP/k.jsonl" VMB_CAPTURE_FLUSH_MS=50 \
		LD_PRELOAD="$B/libvmcapture.so:$SHIM" \
		$PROGS/cap_loop slow 100000 1000 >"$TMP/k.out" &
	pid=$!
	sleep 1
	kill -KILL $pid
	wait $pid 2>/dev/null
	done_ops=$(tail -n 1 "$TMP/k.out" | sed -n 's/^n //p')
	f=$(ls "$TMP"/k.*jsonl 2>/dev/null | head -n 1)
	msgs=""
	if [ -z "$f" ]; then
		msgs="no trace file"
	else
		$CHECK prefix "$f" >"$TMP/c" 2>&1 || msgs="$(cat "$TMP/c")"
		got=$(($(wc -l <"$f") - 1))
		# at 1 ms per op and a 50 ms flush, at most ~50 ops (plus slack) may be missing
		[ -n "$done_ops" ] && [ "$got" -ge $((done_ops - 150)) ] || msgs="$msgs $got ops in file, $done_ops done"
		if have_replay; then
			$REPLAY --validate "$f" >/dev/null 2>"$TMP/v" || msgs="$msgs validate: $(cat "$TMP/v")"
		fi
	fi
	[ -z "$msgs" ] && ok "SIGKILL: valid JSONL up to the last flush, replay --validate accepts it" ||
		notok "SIGKILL: valid JSONL up to the last flush, replay --validate accepts it" "$msgs"
else
	skip "SIGKILL: valid JSONL up to the last flush, replay --validate accepts it" "no working $SHIM yet"
fi

# --- output discipline: existing traces, devices, FIFOs, missing dirs -----
echo '{"keep": 1}' >"$TMP/existing.jsonl"
$CAP -o "$TMP/existing.jsonl" -- true 2>"$TMP/x.err"
st=$?
if [ $st -eq 0 ] && [ "$(cat "$TMP/existing.jsonl")" = '{"keep": 1}' ] && [ "$(ls -A "$TMP" | grep -c '^\.existing')" = 0 ]; then
	ok "nothing recorded: an existing trace is left as it was"
else
	notok "nothing recorded: an existing trace is left as it was" "status $st" "$(cat "$TMP/x.err")"
fi
$CAP -o "$TMP/nodir/x.jsonl" -- sh -c 'exit 7' 2>"$TMP/x.err"
st=$?
if [ $st -eq 7 ] && grep -q 'directory does not exist; running the program without recording' "$TMP/x.err"; then
	ok "missing directory: reported, the program still runs, status kept"
else
	notok "missing directory: reported, the program still runs, status kept" "status $st" "$(cat "$TMP/x.err")"
fi
# --- timestamps: counter stamps (clock.c) and CLOCK_MONOTONIC agree -------
# 21 signals 10 ms apart: every gap in the trace at least 10 ms, the span
# no longer than the program measured, x_capture.clock the mode that ran
if have_shim; then
	src=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
	case "$(uname -m)" in x86_64 | i?86) ;; *) src=other ;; esac
	for mode in auto monotonic; do
		want=monotonic
		[ $mode = auto ] && [ "$src" = tsc ] && want=tsc
		rm -f "$TMP/clk.jsonl"
		shimcap xe "$TMP/clk.jsonl" -q --clock $mode -- \
			$PROGS/cap_loop drm 21 10000 >"$TMP/clk.out" 2>&1
		if msg=$(python3 - "$TMP/clk.jsonl" "$TMP/clk.out" $want 2>&1 <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
hdr = json.loads(lines[0])["x_capture"]
ops = [json.loads(l) for l in lines[1:] if l.strip()]
sig = [o for o in ops if o["op"] == "signal"]
wall = float([l.split()[1] for l in open(sys.argv[2]) if l.startswith("ns_per_op ")][0]) * 21
ts = [o["t"] for o in sig]
gaps = [b - a for a, b in zip(ts, ts[1:])]
if hdr.get("clock") != sys.argv[3]:
    sys.exit(f"x_capture.clock {hdr.get('clock')}, expected {sys.argv[3]}")
if len(sig) != 21:
    sys.exit(f"{len(sig)} signals recorded, expected 21")
if min(gaps) < 10_000_000:
    sys.exit(f"a gap of {min(gaps)} ns between signals 10 ms apart")
if ts[-1] - ts[0] > wall:
    sys.exit(f"span {ts[-1] - ts[0]} ns > the {wall:.0f} ns the program measured")
if any(o.get("x_dur", 0) > 5_000_000 for o in sig):
    sys.exit("a signal lasted over 5 ms")
EOF
		); then
			ok "timestamps ($want): 10 ms gaps seen as >= 10 ms, span within the program's"
		else
			notok "timestamps ($want): 10 ms gaps seen as >= 10 ms, span within the program's" "$msg"
		fi
	done
else
	skip "timestamps: 10 ms gaps seen as >= 10 ms" "no shim"
	skip "timestamps: 10 ms gaps seen as >= 10 ms" "no shim"
fi
if have_shim && mknod "$TMP/nulldev" c 1 3 2>/dev/null; then
	shimcap xe "$TMP/nulldev" -q -- $PROGS/cap_loop drm 100 >/dev/null 2>"$TMP/x.err"
	st=$?
	[ $st -eq 0 ] && [ -c "$TMP/nulldev" ] && ok "a character device is written through, never replaced" ||
		notok "a character device is written through, never replaced" "status $st" "$(ls -l "$TMP/nulldev")"
else
	skip "a character device is written through, never replaced" "no shim or no mknod"
fi
if have_shim && have_replay; then
	mkfifo "$TMP/cap.fifo"
	cat "$TMP/cap.fifo" >"$TMP/fifo-trace.jsonl" &
	rd=$!
	shimcap xe "$TMP/cap.fifo" -q -- $PROGS/cap_loop drm 100 >/dev/null 2>"$TMP/x.err"
	st=$?
	wait $rd
	if [ $st -eq 0 ] && [ -p "$TMP/cap.fifo" ] && $REPLAY --validate -q "$TMP/fifo-trace.jsonl" 2>"$TMP/v"; then
		ok "a FIFO gets a valid trace and stays a FIFO"
	else
		notok "a FIFO gets a valid trace and stays a FIFO" "status $st" "$(cat "$TMP/x.err" "$TMP/v" 2>/dev/null)"
	fi
	$REPLAY -q -o "$TMP/fifo-r.json" "$TMP/fifo-trace.jsonl" >/dev/null 2>&1
	if tail -n 1 "$TMP/fifo-trace.jsonl" | grep -q '^{"x_capture":{"trailer":true' &&
		python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))["trace"]
assert t["capture_lost"] == 0 and t["capture_drops"] == 0, t' "$TMP/fifo-r.json" 2>"$TMP/py.err"; then
		ok "a FIFO trace ends with the x_capture trailer, which replay reads"
	else
		notok "a FIFO trace ends with the x_capture trailer, which replay reads" \
			"$(tail -n 1 "$TMP/fifo-trace.jsonl" | head -c 300; cat "$TMP/py.err")"
	fi
else
	skip "a FIFO gets a valid trace and stays a FIFO" "no working $SHIM yet"
fi

# --- --only-driver and unwritable output ------------------------------------
if have_shim; then
	shimcap xe "$TMP/o.jsonl" -q --only-driver amdgpu -- $PROGS/cap_loop drm 100 >/dev/null
	st=$?
	[ $st -eq 0 ] && [ ! -e "$TMP/o.jsonl" ] && ok "--only-driver amdgpu records nothing on xe" ||
		notok "--only-driver amdgpu records nothing on xe" "status $st"
	# /proc takes no new files, not even from root
	shimcap xe /proc/vmb-capture-test.jsonl -q -- $PROGS/cap_loop drm 1000 >"$TMP/w.out" 2>"$TMP/w.err"
	st=$?
	if [ $st -eq 0 ] && grep -q '^ns_per_op' "$TMP/w.out" && [ "$(grep -c 'capture:' "$TMP/w.err")" = 1 ] &&
		grep -q 'without recording' "$TMP/w.err"; then
		ok "output that cannot be written: one message, program unaffected"
	else
		notok "output that cannot be written: one message, program unaffected" "status $st" "$(cat "$TMP/w.err")"
	fi
	if mkdir "$TMP/full" && mount -t tmpfs -o size=64k tmpfs "$TMP/full" 2>/dev/null; then
		shimcap xe "$TMP/full/x.jsonl" -q --flush-ms 10 -- $PROGS/cap_loop drm 20000 >"$TMP/w.out" 2>"$TMP/w.err"
		st=$?
		if [ $st -eq 0 ] && [ "$(grep -c 'No space left' "$TMP/w.err")" = 1 ]; then
			ok "full disk: recording stops with one message, program unaffected"
		else
			notok "full disk: recording stops with one message, program unaffected" "status $st" "$(cat "$TMP/w.err")"
		fi
		# the header counts what the file holds and what was lost; the loader reads it
		if python3 - "$TMP/full/x.jsonl" <<'P' 2>"$TMP/py.err"
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
x = json.loads(lines[0])["x_capture"]
ops = sum(1 for l in lines[1:] if l.strip().endswith(b"}"))
assert x["lost"] > 0, x
assert x["ops"] <= ops + 1 and x["ops"] >= ops - 1, (x["ops"], ops)
assert sum(x["by_kind"].values()) == x["ops"], (x["by_kind"], x["ops"])
P
		then
			ok "full disk: header ops = ops in the file = by_kind, lost counted"
		else
			notok "full disk: header ops = ops in the file = by_kind, lost counted" "$(cat "$TMP/py.err")"
		fi
		$REPLAY -o "$TMP/full-r.json" "$TMP/full/x.jsonl" >"$TMP/full-s.txt" 2>/dev/null
		if python3 -c 'import json, sys
x = json.loads(open(sys.argv[1], "rb").readline())["x_capture"]
t = json.load(open(sys.argv[2]))["trace"]
assert t["capture_lost"] == x["lost"] > 0, (t.get("capture_lost"), x["lost"])' \
			"$TMP/full/x.jsonl" "$TMP/full-r.json" 2>"$TMP/py.err" &&
			grep -q 'capturer lost' "$TMP/full-s.txt"; then
			ok "full disk: replay reports the lost records (trace.capture_lost, summary)"
		else
			notok "full disk: replay reports the lost records (trace.capture_lost, summary)" \
				"$(cat "$TMP/py.err" "$TMP/full-s.txt")"
		fi
		rm -f "$TMP/full/"*
		head -c 65536 /dev/zero >"$TMP/full/filler" 2>/dev/null
		shimcap xe "$TMP/full/y.jsonl" -q -- $PROGS/cap_loop drm 100 >/dev/null 2>"$TMP/w.err"
		st=$?
		if [ $st -eq 0 ] && [ ! -e "$TMP/full/y.jsonl" ] && [ "$(ls -A "$TMP/full")" = filler ]; then
			ok "disk full from the start: no 0-byte file left"
		else
			notok "disk full from the start: no 0-byte file left" "status $st" "$(ls -la "$TMP/full")"
		fi
		umount "$TMP/full"
	else
		skip "full disk: recording stops with one message, program unaffected" "cannot mount a small tmpfs"
	fi
else
	skip "--only-driver amdgpu records nothing on xe" "no working $SHIM yet"
	skip "output that cannot be written: one message, program unaffected" "no working $SHIM yet"
	skip "full disk: recording stops with one message, program unaffected" "no working $SHIM yet"
fi

# --- round trips over the shim -------------------------------------------
traces=$(ls traces/*.json traces/*.jsonl 2>/dev/null)
for d in xe amdgpu nouveau panthor msm; do
	same_n=0 same_bad=""
	for t in $traces; do
		td=$(python3 -c 'import json,sys
f=open(sys.argv[1]); l=f.readline()
try: h=json.loads(l)
except Exception: f.seek(0); h=json.load(f)
print(h.get("driver","any"))' "$t" 2>/dev/null)
		[ "$td" = "$d" ] || [ "$td" = any ] || continue
		name="round trip $d: $(basename "$t")"
		if ! shim_for $d || ! have_replay; then
			skip "$name" "needs a working $SHIM (VMB_SHIM_DRIVER=$d) and $REPLAY"
			continue
		fi
		base=$TMP/rt-$d-$(basename "$t" | tr . _)
		# evict is model-only (hardware backends skip it): leave it out of
		# the reference, since no ioctl can carry it into the capture
		$CHECK noevict "$t" "$base.ref.jsonl"
		shimcap $d "$base.jsonl" -q -- $REPLAY --backend=$d -o "$base.hw.json" "$base.ref.jsonl" >"$base.out" 2>&1
		unsup=$(python3 -c 'import json,sys
r=json.load(open(sys.argv[1])); print(sum(x["metrics"]["errors"].get("unsupported",0) for x in r["runs"]))' "$base.hw.json" 2>/dev/null)
		if [ -z "$unsup" ]; then
			notok "$name" "replay --backend=$d under the shim failed:" "$(tail -n 5 "$base.out")"
			continue
		fi
		if [ "$unsup" != 0 ]; then
			skip "$name" "$unsup ops have no $d uAPI form ($(grep -m1 'not supported\|has no' "$base.out"))"
			continue
		fi
		# unexpected errors (exit 1) are allowed: polls with a zero timeout
		# that the shim answered differ from the model's simulated time
		$REPLAY --backend=model --refcount=hard,weak -o "$base.r1.json" "$base.ref.jsonl" >/dev/null 2>"$base.e1"
		$REPLAY --backend=model --refcount=hard,weak -o "$base.r2.json" "$base.jsonl" >/dev/null 2>"$base.e2"
		if [ ! -s "$base.r1.json" ] || [ ! -s "$base.r2.json" ]; then
			notok "$name" "model replay failed:" "$(tail -n 3 "$base.e1" "$base.e2")"
			continue
		fi
		if $CHECK metrics "$base.r1.json" "$base.r2.json" >"$base.c" 2>&1; then
			ok "$name"
		else
			notok "$name" "$(cat "$base.c")"
		fi
		# the same run with every call decoded at once (defer.c off)
		VMB_CAPTURE_DEFER=0 shimcap $d "$base.imm.jsonl" -q -- $REPLAY --backend=$d \
			-o "$base.hw2.json" "$base.ref.jsonl" >/dev/null 2>&1
		same_n=$((same_n + 1))
		$CHECK same "$base.jsonl" "$base.imm.jsonl" >"$base.c" 2>&1 ||
			same_bad="$same_bad [$(basename "$t"): $(head -c 600 "$base.c")]"
	done
	name="deferred and immediate decoding give the same trace: $d"
	if [ $same_n = 0 ]; then
		skip "$name" "no round trip ran on $d"
	elif [ -z "$same_bad" ]; then
		ok "$name ($same_n traces)"
	else
		notok "$name" "$same_bad"
	fi
done

# --- syncobj transfer, reset, sync_file export/import (cap_sync) ---------
for d in amdgpu xe; do
	name="$d: transfer, syncobj_reset, sync_file_export/import captured and replayed clean"
	if ! shim_for $d || ! have_replay; then
		skip "$name" "no working shim or replay"
		continue
	fi
	msgs=""
	LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=$d $PROGS/cap_sync >"$TMP/sync1" 2>&1 || msgs="$msgs without capture: $(grep unexpected "$TMP/sync1")"
	shimcap $d "$TMP/sync.jsonl" -q -- $PROGS/cap_sync >"$TMP/sync2" 2>&1 || msgs="$msgs under capture: exit $?"
	cmp -s "$TMP/sync1" "$TMP/sync2" || msgs="$msgs results differ under capture"
	$CHECK ops "$TMP/sync.jsonl" transfer=4 syncobj_reset=3 sync_file_export=1 sync_file_import=3 \
		wait=7 signal=1 >"$TMP/c" 2>&1 || msgs="$msgs $(cat "$TMP/c")"
	$CHECK header "$TMP/sync.jsonl" raw_total=0 >"$TMP/c" 2>&1 || msgs="$msgs $(cat "$TMP/c")"
	# on the model, then on the driver's backend over the shim (libdrm calls)
	for be in model $d; do
		if LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=$d $REPLAY --backend=$be -q -o "$TMP/sync.json" \
			"$TMP/sync.jsonl" >"$TMP/c" 2>&1; then
			python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["runs"][0]["metrics"]
e, s = m["errors"], m["sync"]
assert e["unexpected"] == 0 and e["expected"] == 6, e
assert (s["transfers"], s["resets"], s["sync_file_exports"], s["sync_file_imports"]) == (2, 2, 1, 2), s
' "$TMP/sync.json" >"$TMP/c" 2>&1 || msgs="$msgs $be: $(tail -1 "$TMP/c")"
		else
			msgs="$msgs replay --backend=$be: $(head -3 "$TMP/c")"
		fi
	done
	if [ -z "$msgs" ]; then
		ok "$name"
	else
		notok "$name" "$msgs"
	fi
done

# a legacy msm file (no EN_VM_BIND) is captured as an implicit_va VM
leg=$TMP/rt-msm-d5-legacy-msm-implicit-va_json.jsonl
if [ -s "$leg" ]; then
	if grep -q '"vm_create".*"implicit_va"' "$leg"; then
		ok "msm legacy file captured as an implicit_va VM"
	else
		notok "msm legacy file captured as an implicit_va VM" "$(grep vm_create "$leg")"
	fi
fi

# the profile-guided build (mk/capture.mk): a training run that failed only
# warns, so this is where it shows: every object of the instrumented twin
# must have its counts
t="profile-guided build: the training wrote counts for every object of the interposer"
if [ ! -e "$B/obj/pgo-gen/trained" ]; then
	skip "$t" "not a profile-guided build (PGO=0, SAN or clang)"
else
	miss="" objs=0
	for o in "$B"/obj/pgo-gen/capture/*.o; do
		objs=$((objs + 1))
		[ -s "$B/obj/pgo-gen/data/$(basename "$o" .o).gcda" ] || miss="$miss $(basename "$o")"
	done
	if [ $objs -gt 0 ] && [ -z "$miss" ]; then
		ok "$t ($objs objects)"
	else
		notok "$t" "no counts for:${miss:- any object}"
	fi
fi

# bench/capture-ab.sh: one short round, the same build twice; bad options
t="bench/capture-ab.sh: a median per build; a bad mode or a missing build exits 2"
if [ "$B" != "$PWD/build" ]; then
	skip "$t" "it reads build/, this run uses $B"
elif have_shim; then
	msgs=""
	bench/capture-ab.sh -r 1 -n 2000 . . >"$TMP/ab" 2>&1 || msgs="exit $?: $(cat "$TMP/ab")"
	[ "$(grep -c '^\. signal: median [0-9.-]* ns (1 rounds: ' "$TMP/ab")" = 2 ] ||
		msgs="$msgs output: $(cat "$TMP/ab")"
	bench/capture-ab.sh -m nope . >/dev/null 2>&1
	[ $? = 2 ] || msgs="$msgs -m nope did not exit 2"
	bench/capture-ab.sh "$TMP/none" >/dev/null 2>&1
	[ $? = 2 ] || msgs="$msgs a missing build did not exit 2"
	[ -z "$msgs" ] && ok "$t" || notok "$t" "$msgs"
else
	skip "$t" "no working $SHIM yet"
fi

echo "$pass passed, $failc failed, $skipc skipped"
[ $failc -eq 0 ]
