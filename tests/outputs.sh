#!/usr/bin/env bash
# outputs.sh - no output path can destroy data or lose it silently (issue 9):
# replay -o / --dump-gpuvm / --perfetto, synth -o, report and compare
# exports on character devices, FIFOs, symlinks, full devices, missing and
# read-only directories; SIGINT/SIGTERM while loading, during the model dry
# run, mid-run and after the last run; a truncated .jsonl recorded in the
# result. Device nodes and FIFOs are made in a temporary directory, never
# in /dev (writing to /dev/full and /dev/null is checked to leave them be).
cd "$(dirname "$0")/.." || exit 2
R=$PWD/build/replay
# a sanitizer build lets the shim be preloaded ahead of the ASan runtime
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
S=$PWD/build/synth
SHIM=$PWD/build/libvmshim.so
T=traces/a1-dxvk-steady-xe.jsonl
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0 fails=0 skips=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
skip() { n=$((n + 1)); skips=$((skips + 1)); echo "ok $n - $1 # SKIP $2"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
py() { python3 -c "$1" "${@:2}"; }
is_chr() { [ -c "$1" ] && [ ! -L "$1" ]; }

have_mknod=1
mknod "$tmp/full" c 1 7 2>/dev/null && mknod "$tmp/null" c 1 3 2>/dev/null || have_mknod=0
mkfifo "$tmp/fifo"
ln -s full "$tmp/full-link"
ln -s fifo "$tmp/fifo-link"
ln -s new-target.json "$tmp/dangling"
devs() { [ $have_mknod -eq 1 ] || return 1; is_chr "$tmp/full" && is_chr "$tmp/null"; }

# $1 name, $2 want exit, $3 grep pattern on stderr (or ""), rest: command
expect() {
	local name=$1 want=$2 pat=$3 rc
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne "$want" ]; then
		nok "$name" "exit $rc, want $want" "$(head -3 "$tmp/err")"
		return 1
	fi
	if [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/err"; then
		nok "$name" "stderr lacks '$pat'" "$(head -3 "$tmp/err")"
		return 1
	fi
	return 0
}

# ---- replay -o ----------------------------------------------------------
if devs; then
	expect replay-o-full-device 2 "No space left on device" $R -q -o "$tmp/full" $T &&
		{ is_chr "$tmp/full" && ok replay-o-full-device || nok replay-o-full-device "device node replaced"; }
	expect replay-o-null-device 0 "" $R -q -o "$tmp/null" $T &&
		{ is_chr "$tmp/null" && ok replay-o-null-device || nok replay-o-null-device "device node replaced"; }
	expect replay-o-symlink-to-device 2 "No space left on device" $R -q -o "$tmp/full-link" $T &&
		{ [ -L "$tmp/full-link" ] && is_chr "$tmp/full" && ok replay-o-symlink-to-device ||
			nok replay-o-symlink-to-device "link or device replaced"; }
	expect replay-dump-full 2 "No space left on device" $R -q --dump-gpuvm="$tmp/full" \
		-o "$tmp/d.json" $T && { is_chr "$tmp/full" && [ ! -e "$tmp/d.json" ] &&
		ok replay-dump-full || nok replay-dump-full "device replaced or result written"; }
	expect replay-perfetto-full-enospc 2 "No space left on device" $R -q \
		--perfetto="$tmp/full" -o "$tmp/p.json" $T && ok replay-perfetto-full-enospc
else
	for t in replay-o-full-device replay-o-null-device replay-o-symlink-to-device \
		replay-dump-full replay-perfetto-full-enospc; do skip $t "mknod not permitted"; done
fi
expect replay-o-dev-full 2 "No space left on device" $R -q -o /dev/full $T &&
	{ is_chr /dev/full && ok replay-o-dev-full || nok replay-o-dev-full "/dev/full is no longer a device"; }

# a FIFO gets the whole result and stays a FIFO
cat "$tmp/fifo" >"$tmp/fifo.out" &
reader=$!
expect replay-o-fifo 0 "" $R -q -o "$tmp/fifo" $T
wait $reader
if [ -p "$tmp/fifo" ] && py 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/fifo.out" 2>/dev/null; then
	ok replay-o-fifo
else
	nok replay-o-fifo "fifo replaced or result not readable"
fi

# a symlink to a regular file: the target is replaced, the link stays
echo old >"$tmp/real.json"
ln -s real.json "$tmp/real-link"
if $R -q -o "$tmp/real-link" $T && [ -L "$tmp/real-link" ] &&
	py 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/real.json"; then
	ok replay-o-symlink-to-file
else
	nok replay-o-symlink-to-file "$(ls -l "$tmp/real-link" "$tmp/real.json")"
fi
if $R -q -o "$tmp/dangling" $T && [ -L "$tmp/dangling" ] && [ -f "$tmp/new-target.json" ]; then
	ok replay-o-dangling-symlink
else
	nok replay-o-dangling-symlink "$(ls -l "$tmp")"
fi

# a bad -o fails at once (before the 2 s load of a big trace), exit 2, nothing left
"$S" dxvk-steady --frames 60000 -o "$tmp/big.jsonl" 2>/dev/null
start=$(date +%s%N)
expect replay-o-missing-dir-fails-first 2 "directory does not exist" \
	$R -q -o "$tmp/nodir/r.json" "$tmp/big.jsonl" &&
	{ [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 500 ] && ok replay-o-missing-dir-fails-first ||
		nok replay-o-missing-dir-fails-first "took $(( ($(date +%s%N) - start) / 1000000 )) ms"; }
expect replay-o-directory 2 "Is a directory" $R -q -o "$tmp" $T && ok replay-o-directory
expect replay-dump-missing-dir 2 "directory does not exist" \
	$R -q --dump-gpuvm="$tmp/nodir/d" -o "$tmp/x.json" $T &&
	{ [ ! -e "$tmp/x.json" ] && ok replay-dump-missing-dir || nok replay-dump-missing-dir "result written"; }
mkdir "$tmp/ro"
if mount -t tmpfs -o size=64k,ro tmpfs "$tmp/ro" 2>/dev/null; then
	expect replay-o-readonly-dir 2 "Read-only file system" $R -q -o "$tmp/ro/r.json" $T &&
		ok replay-o-readonly-dir
	umount "$tmp/ro"
else
	skip replay-o-readonly-dir "cannot mount a read-only tmpfs"
fi

# a full disk: ENOSPC, exit 2, the old result intact, no temporary left
mkdir "$tmp/small"
if mount -t tmpfs -o size=16k tmpfs "$tmp/small" 2>/dev/null; then
	echo '{"old": true}' >"$tmp/small/r.json"
	head -c 8192 /dev/zero >"$tmp/small/filler" 2>/dev/null
	expect replay-o-full-disk 2 "No space left on device" $R -q -o "$tmp/small/r.json" $T &&
		{ [ "$(cat "$tmp/small/r.json")" = '{"old": true}' ] &&
			[ "$(ls -A "$tmp/small" | wc -l)" -eq 2 ] && ok replay-o-full-disk ||
			nok replay-o-full-disk "$(ls -A "$tmp/small")"; }
	umount "$tmp/small"
else
	skip replay-o-full-disk "cannot mount a tmpfs"
fi

# standard output full: the summary, --dump-gpuvm=- and --validate say so
expect replay-summary-stdout-full 2 "standard output: No space left on device" \
	sh -c "$R -o '$tmp/s.json' $T >/dev/full" && ok replay-summary-stdout-full
expect replay-dump-stdout-full 2 "No space left on device" \
	sh -c "$R -q --dump-gpuvm=- -o '$tmp/s.json' $T >/dev/full" && ok replay-dump-stdout-full
expect replay-validate-stdout-full 2 "No space left on device" \
	sh -c "$R --validate $T >/dev/full" && ok replay-validate-stdout-full

# ---- truncated .jsonl ----------------------------------------------------
{
	echo '{"format": "vmbench-trace", "version": 1, "driver": "xe", "page_size": 4096}'
	echo '{"op": "vm_create", "vm": 1}'
	printf '{"op": "bo_create", "bo": 1, "si'
} >"$tmp/cut.jsonl"
if $R -o "$tmp/cut.json" "$tmp/cut.jsonl" >"$tmp/out" 2>/dev/null && grep -q "trace truncated" "$tmp/out" &&
	py 'import json,sys; t=json.load(open(sys.argv[1]))["trace"]["truncated"]; assert t=={"dropped_bytes":32,"line":3}, t' \
		"$tmp/cut.json"; then
	ok replay-truncated-jsonl-recorded
else
	nok replay-truncated-jsonl-recorded "$(cat "$tmp/out")"
fi
if $R -q -o "$tmp/whole.json" $T && py 'import json,sys; assert "truncated" not in json.load(open(sys.argv[1]))["trace"]' "$tmp/whole.json"; then
	ok replay-untruncated-not-marked
else
	nok replay-untruncated-not-marked
fi

# ---- signals ---------------------------------------------------------------
echo '{"old": true}' >"$tmp/prev.json"
unchanged() { [ "$(cat "$tmp/prev.json")" = '{"old": true}' ]; }

# while loading (2 s for the big trace on the jansson path, one thread; the
# simdjson path would load it before the signal): message, exit 2, nothing written
VMB_TRACE_LOAD_SIMD=0 VMB_TRACE_LOAD_THREADS=1 $R -q -o "$tmp/prev.json" "$tmp/big.jsonl" 2>"$tmp/err" &
pid=$!
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 2 ] && grep -q "interrupted by .* while loading" "$tmp/err" && unchanged &&
	[ ! -e "$tmp/prev.incomplete.json" ]; then
	ok replay-sigint-while-loading
else
	nok replay-sigint-while-loading "exit $rc" "$(cat "$tmp/err")"
fi

# mid-run (a paced run on the shim): the incomplete result goes beside the target
LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=xe VMB_SHIM_STATS="$tmp/stats.json" $R --backend=xe \
	--pace=traced -q -o "$tmp/prev.json" $T 2>"$tmp/err" &
pid=$!
sleep 0.5
kill -TERM $pid
wait $pid
rc=$?
if [ $rc -eq 2 ] && unchanged && grep -q "prev.incomplete.json" "$tmp/err" && py '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["runs"][0]["incomplete"]
assert r["interrupted"] == {"signal": "SIGTERM", "when": "during a run"}, r["interrupted"]
' "$tmp/prev.incomplete.json" && [ -s "$tmp/stats.json" ]; then
	ok replay-sigterm-mid-run
else
	nok replay-sigterm-mid-run "exit $rc" "$(cat "$tmp/err")"
fi
rm -f "$tmp/prev.incomplete.json"

# after the last run: the --load command is stopped after the runs and
# interrupts replay then; every run is complete, the result says interrupted
LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=xe $R --backend=xe --pace=traced -q --load='trap "kill -INT $PPID; exit 0" TERM; while :; do sleep 0.02; done' \
	-o "$tmp/prev.json" $T 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && unchanged && grep -q "after the last run" "$tmp/err" && py '
import json, sys
r = json.load(open(sys.argv[1]))
assert not r["runs"][0]["incomplete"]
assert r["interrupted"] == {"signal": "SIGINT", "when": "after the last run"}, r["interrupted"]
' "$tmp/prev.incomplete.json"; then
	ok replay-sigint-after-last-run
else
	nok replay-sigint-after-last-run "exit $rc" "$(cat "$tmp/err")"
fi
rm -f "$tmp/prev.incomplete.json"

# during the model dry run before a (shim) hardware run: the window is
# short, so aim at it a few times around the end of loading, first at fixed
# offsets, then at offsets in proportion to the load time (a sanitizer
# build's load and dry run are both several times longer, and so is their
# jitter); every landing point must keep the rules (the shim's account is
# written once it was used)
t0=$(date +%s%N)
LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=xe $R --backend=xe --validate -q "$tmp/big.jsonl"
load_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
hit=0 bad=""
for d in -60 -30 0 30 60 90 120 150 \
	$(for pct in -4 -2 2 4 6 9 12 16 20 25; do echo $((load_ms * pct / 100)); done); do
	rm -f "$tmp/stats.json" "$tmp/prev.incomplete.json"
	LD_PRELOAD="$SHIM" VMB_SHIM_DRIVER=xe VMB_SHIM_STATS="$tmp/stats.json" $R --backend=xe \
		-q -o "$tmp/prev.json" "$tmp/big.jsonl" 2>"$tmp/err" &
	pid=$!
	sleep "$(awk -v a="$load_ms" -v b="$d" 'BEGIN { printf "%.3f", (a + b) / 1000 }')"
	kill -INT $pid 2>/dev/null
	wait $pid
	rc=$?
	if grep -q "during the model dry run" "$tmp/err"; then
		hit=$((hit + 1))
		[ -e "$tmp/prev.incomplete.json" ] && bad="dry run: a result was written"
	elif grep -q "during a run" "$tmp/err"; then
		[ -s "$tmp/stats.json" ] && [ -s "$tmp/prev.incomplete.json" ] ||
			bad="mid-run: no shim account or no incomplete result"
	elif ! grep -q "while loading" "$tmp/err"; then
		bad="no interruption message"
	fi
	if [ $rc -ne 2 ] || ! unchanged; then
		bad="exit $rc or the previous result changed"
	fi
	if [ -n "$bad" ]; then
		bad="delay ${d} ms after $load_ms: $bad: $(cat "$tmp/err")"
		break
	fi
	[ $hit -gt 0 ] && break
done
rm -f "$tmp/prev.incomplete.json"
if [ -n "$bad" ]; then
	nok replay-sigint-during-dry-run "$bad"
elif [ $hit -eq 0 ]; then
	skip replay-sigint-during-dry-run "no signal landed in the dry run (load $load_ms ms)"
else
	ok replay-sigint-during-dry-run
fi

# ---- synth -o ----------------------------------------------------------------
if devs; then
	expect synth-o-full-device 2 "No space left on device" "$S" dxvk-steady --frames 5 -o "$tmp/full" &&
		{ is_chr "$tmp/full" && ok synth-o-full-device || nok synth-o-full-device "device replaced"; }
else
	skip synth-o-full-device "mknod not permitted"
fi
echo keep >"$tmp/keep.jsonl"
expect synth-o-missing-dir 2 "directory does not exist" "$S" dxvk-steady -o "$tmp/nodir/x.jsonl" &&
	ok synth-o-missing-dir
cat "$tmp/fifo-link" >"$tmp/fifo.out" &
reader=$!
"$S" dxvk-steady --frames 5 -o "$tmp/fifo-link" 2>"$tmp/err"
rc=$?
wait $reader
cp "$tmp/fifo.out" "$tmp/fifo-copy.json"
if [ $rc -eq 0 ] && [ -p "$tmp/fifo" ] && [ -L "$tmp/fifo-link" ] &&
	$R --validate -q "$tmp/fifo-copy.json"; then
	ok synth-o-symlink-to-fifo
else
	nok synth-o-symlink-to-fifo "exit $rc" "$(cat "$tmp/err")"
fi

# ---- report exports and compare ---------------------------------------------
F=tests/fixtures/results
expect report-kcidb-full 2 "No space left on device" build/report --no-render -o "$tmp/dash" \
	--kcidb=/dev/full $F/dxvk-steady-model.json && { is_chr /dev/full && ok report-kcidb-full ||
	nok report-kcidb-full "/dev/full replaced"; }
expect report-kcidb-missing-dir-first 2 "directory does not exist" build/report --no-render -o "$tmp/dash2" \
	--kcidb="$tmp/nodir/k.json" $F/dxvk-steady-model.json &&
	{ [ ! -e "$tmp/dash2" ] && ok report-kcidb-missing-dir-first || nok report-kcidb-missing-dir-first "dashboard made"; }
expect compare-stdout-full 2 "standard output: No space left on device" \
	sh -c "build/compare $F/dxvk-steady-model.json -- $F/dxvk-steady-model.json >/dev/full" &&
	ok compare-stdout-full

for d in /dev/full /dev/null; do
	is_chr $d || nok "$d-still-a-device" "$(ls -l $d)"
done

echo "$((n - fails - skips)) passed, $fails failed, $skips skipped"
[ $fails -eq 0 ]
