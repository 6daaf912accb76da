#!/usr/bin/env bash
# vmbench.sh - the umbrella command: `scripts/vmbench COMMAND` runs each
# command from the tree, passes exit statuses through and rejects unknown
# commands; `make install DESTDIR=...` puts only `vmbench` in BINDIR (no
# plain replay, compare, report, capture, synth), and the installed
# vmbench replays an installed trace, compares, runs igt and nightly from
# any directory without environment.
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
n=0 failed=0 skipped=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name" "failed: $*"; fi; }
finish() { echo "$((n - failed - skipped)) passed, $failed failed, $skipped skipped"; [ $failed -eq 0 ]; }

if [ ! -x build/replay ] || [ ! -x build/compare ] || [ ! -x build/vmbench-igt ]; then
	skip "vmbench" "build/ not built (run make)"
	finish; exit
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
V=scripts/vmbench

$V --help >"$tmp/help" 2>&1
check "vmbench --help lists every command" bash -c "for c in replay capture synth report compare bisect-run nightly igt; do grep -q \"^  \$c \" '$tmp/help' || exit 1; done"
$V >/dev/null 2>&1
check "vmbench without a command exits 1" [ $? -eq 1 ]
$V frobnicate >/dev/null 2>"$tmp/err"
check "an unknown command exits 2 with a message" bash -c "[ $? -eq 2 ] && grep -q 'not a vmbench command' '$tmp/err'"
$V help compare | grep -q '^usage: compare'
check "vmbench help COMMAND shows the command's help" [ $? -eq 0 ]
$V replay -q --repeat=2 -o "$tmp/a.json" traces/steady-xe.json
check "vmbench replay writes a result" test -s "$tmp/a.json"
$V replay -q --repeat=2 --model-param=bind_job=6000 -o "$tmp/b.json" traces/steady-xe.json
$V compare -q "$tmp/a.json" -- "$tmp/a.json"
check "vmbench compare: exit 0 passes through" [ $? -eq 0 ]
$V compare -q "$tmp/a.json" -- "$tmp/b.json"
check "vmbench compare: exit 1 passes through" [ $? -eq 1 ]

# an install: only vmbench in BINDIR, and it works from elsewhere
dest=$tmp/dest
if make -s install DESTDIR="$dest" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	bins=$(ls "$dest/usr/bin" | tr '\n' ' ')
	check "make install puts only vmbench in BINDIR ($bins)" [ "$bins" = "vmbench " ]
	if command -v scdoc >/dev/null; then
		check "man pages installed (vmbench.1, vmbench-compare.1)" \
			test -s "$dest/usr/share/man/man1/vmbench.1" -a -s "$dest/usr/share/man/man1/vmbench-compare.1"
	else
		skip "man pages installed" "scdoc not installed"
	fi
	(cd / && env -i PATH=/usr/bin:/bin "$dest/usr/bin/vmbench" replay -q \
		-o "$tmp/i.json" "$dest/usr/share/vmbench/traces/steady-xe.json")
	check "installed vmbench replay runs an installed trace from /" test -s "$tmp/i.json"
	(cd / && env -i PATH=/usr/bin:/bin "$dest/usr/bin/vmbench" compare -q "$tmp/i.json" -- "$tmp/i.json")
	check "installed vmbench compare" [ $? -eq 0 ]
	mkdir -p "$tmp/base" && cp "$tmp/a.json" "$tmp/base/steady-xe.json"
	(cd / && env -i PATH=/usr/bin:/bin "$dest/usr/bin/vmbench" igt --baseline-dir "$tmp/base" \
		--strategies async:hard --repeat 2 --run-subtest steady-xe-async-hard) >"$tmp/igt.out" 2>&1
	rc=$?
	check "installed vmbench igt finds its traces, replay and compare" \
		bash -c "[ $rc -eq 0 ] && grep -q '^Subtest steady-xe-async-hard: SUCCESS' '$tmp/igt.out'"
	(cd "$tmp" && env -i PATH=/usr/bin:/bin HOME="$tmp" "$dest/usr/bin/vmbench" nightly \
		--traces "$dest/usr/share/vmbench/traces/steady-xe.json" --repeat 1 \
		--history "$tmp/hist" --out "$tmp/dash") >"$tmp/nightly.out" 2>&1
	rc=$?
	check "installed vmbench nightly finds replay, report and compare" \
		bash -c "[ $rc -eq 0 ] && [ -s '$tmp/dash/index.html' ]"
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/nightly.out" | tail -n 5
else
	nok "make install DESTDIR" "$(tail -n 5 "$tmp/install.log")"
fi
finish
