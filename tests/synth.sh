#!/usr/bin/env bash
# tests/synth.sh - the synthetic trace generator and the trace library:
# --list, determinism, committed traces up to date, every trace valid and
# replayable on the model with no unexpected error, and the expectation of
# each regression scenario (docs/synth.md) holding on the model.
# Env: SYNTH (default build/synth), REPLAY (default build/replay).
cd "$(dirname "$0")/.." || exit 2
SYNTH=${SYNTH:-build/synth}
REPLAY=${REPLAY:-build/replay}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 passed=0 failed=0 skipped=0

ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	shift
	for l in "$@"; do echo "# tests/synth.sh: $l"; done
}
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { # check NAME CONDITION-TEXT CMD...
	local name=$1 why=$2
	shift 2
	if "$@"; then ok "$name"; else not_ok "$name" "$why"; fi
}

# metric RESULT.json RUN EXPR: evaluate EXPR (Python) with m = the run's
# metrics and r = the run
metric() {
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][int(sys.argv[2])]
m = r["metrics"]
print(eval(sys.argv[3]))' "$1" "$2" "$3"
}
# holds A OP B: numeric comparison through python (floats, big ints)
holds() { python3 -c "import sys; sys.exit(0 if ($1) else 1)"; }

if [ ! -x "$SYNTH" ]; then
	skip "synth" "$SYNTH not built"
	echo "$passed passed, $failed failed, $skipped skipped"
	exit 0
fi
# work on private copies: a rebuild during the run must not swap binaries
cp "$SYNTH" "$tmp/synth" && SYNTH=$tmp/synth
if [ -x "$REPLAY" ]; then cp "$REPLAY" "$tmp/replay" && REPLAY=$tmp/replay; fi

# --- --list ------------------------------------------------------------------
archs=$("$SYNTH" --list | sed -n 's/^\([a-z0-9-]*\)  \[\(archetype\|scenario\|pattern\)\]$/\1/p')
want="dxvk-steady level-load vkd3d-tiled ue5-pool-resize sparse-vt compute-userptr ml-elastic
wow64-userptr tiler-per-bo prt-unmap-implicit-sync shared-bind-queue-hol tlb-invalidation-storm
split-amplification per-tile-fanout igt-bind-basic igt-bind-array igt-munmap-unbind igt-mmap-bind
igt-large-binds igt-null-binds igt-userptr-inval igt-unbind-all igt-bind-queues"
missing=
for a in $want; do grep -qx "$a" <<<"$archs" || missing="$missing $a"; done
check "list-shows-every-archetype" "missing:$missing" test -z "$missing"
check "list-shows-parameters" "no 'fps 60' parameter line" \
	grep -q '^      fps  *60 ' <("$SYNTH" --list)
exit_is() { # exit_is STATUS CMD...: CMD exits with STATUS
	local want=$1
	shift
	"$@" 2>/dev/null
	[ $? -eq "$want" ]
}
check "unknown-archetype-rejected" "exit status not 2" \
	exit_is 2 "$SYNTH" no-such-thing -o "$tmp/x.json"
check "unknown-param-rejected" "--param nope=1 not rejected with 2" \
	exit_is 2 "$SYNTH" dxvk-steady --param nope=1 -o "$tmp/x.json"
check "unsupported-driver-rejected" "igt-unbind-all --driver amdgpu not rejected with 2" \
	exit_is 2 "$SYNTH" igt-unbind-all --driver amdgpu -o "$tmp/x.json"

# --- determinism -------------------------------------------------------------
det_fail=
for a in $archs; do
	"$SYNTH" "$a" --seed 7 --frames 3 -o "$tmp/d1.jsonl" &&
		"$SYNTH" "$a" --seed 7 --frames 3 -o "$tmp/d2.jsonl" &&
		cmp -s "$tmp/d1.jsonl" "$tmp/d2.jsonl" || det_fail="$det_fail $a"
done
check "same-arguments-same-bytes" "differ:$det_fail" test -z "$det_fail"
"$SYNTH" vkd3d-tiled --seed 1 --frames 20 -o "$tmp/s1.json"
"$SYNTH" vkd3d-tiled --seed 2 --frames 20 -o "$tmp/s2.json"
check "different-seed-different-bytes" "seeds 1 and 2 gave the same trace" \
	bash -c "! cmp -s '$tmp/s1.json' '$tmp/s2.json'"
check "source-records-provenance" "source lacks archetype/seed/params" \
	grep -q '"source":{"kind":"synthetic","generator":"vmbench-synth".*"archetype":"vkd3d-tiled".*"seed":2.*"params":{' "$tmp/s2.json"
"$SYNTH" dxvk-steady --seconds 2 -o "$tmp/sec.jsonl"
check "seconds-sets-frames" "--seconds 2 at 60 fps is not 120 frames" \
	grep -q '"frames":120' "$tmp/sec.jsonl"

# --- the committed library is what synth/mktraces.sh generates ---------------
if SYNTH=$SYNTH synth/mktraces.sh small "$tmp/lib" >/dev/null; then
	stale=
	for f in "$tmp"/lib/*.jsonl; do
		cmp -s "$f" "traces/$(basename "$f")" || stale="$stale $(basename "$f")"
	done
	check "committed-traces-up-to-date" "regenerate with 'make traces-small':$stale" test -z "$stale"
	big=
	for f in "$tmp"/lib/*.jsonl; do
		[ "$(wc -c <"$f")" -le 1048576 ] || big="$big $(basename "$f")"
	done
	check "committed-traces-at-most-1MB" "too big:$big" test -z "$big"
else
	not_ok "committed-traces-up-to-date" "synth/mktraces.sh small failed"
fi

# traces/README.md: a row per library trace, with its op count and command
readme_err=$(synth/mktraces.sh list | python3 -c '
import re, sys
rows = {}
for line in open("traces/README.md"):
	m = re.match(r"^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \| (\d+) \|.*\| `([^`]+)` \|$", line.strip())
	if m:
		rows[m.group(1)] = (int(m.group(4)), " ".join(m.group(5).split()))
for l in sys.stdin:
	name, small, _ = l.rstrip("\n").split("|")
	f = name + ".jsonl"
	ops = sum(1 for _ in open("traces/" + f)) - 1
	if f not in rows:
		print(f, "missing")
	elif rows[f][0] != ops:
		print(f, "ops", rows[f][0], "!=", ops)
	elif rows[f][1] != " ".join(small.split()):
		print(f, "command differs")
')
check "readme-table-matches-library" "$readme_err" test -z "$readme_err"

# --- driver lowering rules (workloads.md §1), checked on the ops ---------------
cat >"$tmp/lowering.py" <<'PY'
import json, sys

def ops(path):
	with open(path) as f:
		hdr = json.loads(f.readline())
		return hdr, [json.loads(l) for l in f if l.strip()]

def check(path):
	hdr, o = ops(path)
	drv = hdr["driver"]
	errs = []
	tl = None          # the bind timeline (xe: anv's, msm: last VM_BIND fence)
	tl_pt = 0
	bind_queues = set()
	for i, op in enumerate(o):
		k = op["op"]
		if k == "queue_create" and op.get("engine") == "bind":
			bind_queues.add(op["queue"])
		if k == "syncobj_create" and tl is None and drv in ("xe", "msm") and op.get("timeline"):
			tl = op["syncobj"]
		if k == "bind":
			n = len(op["binds"])
			for y in op.get("out", []):
				if y["syncobj"] == tl:
					if y.get("point", 0) <= tl_pt:
						errs.append("op %d: bind timeline point not increasing" % i)
					tl_pt = y["point"]
			if drv == "amdgpu" and (n != 1 or op.get("in")):
				errs.append("op %d: amdgpu GEM_VA with %d entries or in-fences" % (i, n))
			if drv == "nouveau" and n > 4096:
				errs.append("op %d: nouveau bind with %d > 4096 ops" % (i, n))
			if drv == "msm" and n > 1:
				vas = [b["va"] for b in op["binds"] if "va" in b]
				if vas != sorted(vas):
					errs.append("op %d: msm bind ops not sorted by address" % i)
			sync_bo = (drv in ("nouveau", "panthor") and n == 1 and
				   op["binds"][0]["kind"] == "map" and not op.get("in"))
			if sync_bo:
				nxt = o[i + 1] if i + 1 < len(o) else {}
				outs = [y["syncobj"] for y in op.get("out", [])]
				if nxt.get("op") != "wait" or [y["syncobj"] for y in nxt["syncs"]] != outs:
					errs.append("op %d: %s BO bind not followed by a wait on its fence" % (i, drv))
		if k == "submit":
			ins = {(y["syncobj"], y.get("point", 0)) for y in op.get("in", [])}
			if tl is not None and tl_pt and (tl, tl_pt) not in ins:
				errs.append("op %d: %s submit does not wait for bind point %d" % (i, drv, tl_pt))
			if drv != "amdgpu" and op.get("bos"):
				errs.append("op %d: BO list on %s" % (i, drv))
	return errs

bad = 0
for p in sys.argv[1:]:
	for e in check(p)[:5]:
		print(p + ": " + e)
		bad += 1
sys.exit(1 if bad else 0)
PY
for spec in dxvk-steady:xe dxvk-steady:amdgpu dxvk-steady:nouveau dxvk-steady:msm \
	    dxvk-steady:panthor vkd3d-tiled:xe vkd3d-tiled:amdgpu vkd3d-tiled:nouveau \
	    vkd3d-tiled:msm vkd3d-tiled:panthor tiler-per-bo:msm tiler-per-bo:panthor \
	    level-load:xe level-load:amdgpu per-tile-fanout:amdgpu sparse-vt:nouveau; do
	a=${spec%:*} d=${spec#*:}
	"$SYNTH" "$a" --driver "$d" --frames 60 -o "$tmp/low.jsonl"
	out=$(python3 "$tmp/lowering.py" "$tmp/low.jsonl" 2>&1)
	check "lowering $a $d" "$out" test -z "$out"
done

# --- every trace replays on the model ----------------------------------------
replay_ok() { # replay_ok TRACE RESULT [options]: exit 0 and 0 unexpected errors
	local t=$1 res=$2
	shift 2
	"$REPLAY" --validate "$t" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; return 1; }
	"$REPLAY" --quiet "$@" -o "$res" "$t" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; return 1; }
	[ "$(metric "$res" 0 'm["errors"]["unexpected"]')" = 0 ]
}
if [ ! -x "$REPLAY" ]; then
	skip "committed-traces-replay" "$REPLAY not built"
	skip "default-archetypes-replay" "$REPLAY not built"
	skip "scenario-expectations" "$REPLAY not built"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
fi
for t in traces/*.json traces/*.jsonl; do
	[ -e "$t" ] || continue
	if replay_ok "$t" "$tmp/r.json"; then ok "replay $t"; else not_ok "replay $t" "validate/replay failed or unexpected errors"; fi
done
for a in $archs; do
	"$SYNTH" "$a" -o "$tmp/def.jsonl" 2>"$tmp/err" || { not_ok "default $a" "$(cat "$tmp/err")"; continue; }
	if replay_ok "$tmp/def.jsonl" "$tmp/r.json"; then ok "default $a replays"; else not_ok "default $a replays" "validate/replay failed or unexpected errors"; fi
done

# every archetype lowered to every driver it accepts, short, all sync modes
matrix_fail=
for a in $archs; do
	for d in xe amdgpu nouveau msm panthor; do
		"$SYNTH" "$a" --driver "$d" --frames 3 -o "$tmp/mx.jsonl" 2>/dev/null
		case $? in 0) ;; 2) continue ;; *) matrix_fail="$matrix_fail $a/$d(synth)"; continue ;; esac
		replay_ok "$tmp/mx.jsonl" "$tmp/mx.json" --sync=implicit,explicit,async,sync ||
			matrix_fail="$matrix_fail $a/$d"
		u=$(metric "$tmp/mx.json" -1 'sum(x["metrics"]["errors"]["unexpected"] for x in json.load(open(sys.argv[1]))["runs"])')
		[ "$u" = 0 ] || matrix_fail="$matrix_fail $a/$d(unexpected)"
	done
done
check "every-driver-lowering-replays" "failed:$matrix_fail" test -z "$matrix_fail"

# every parameter at 0: a clean refusal (exit 1 or 2) or a trace that replays
zero_fail=
while read -r a p; do
	"$SYNTH" "$a" --frames 3 --param "$p=0" -o "$tmp/z.jsonl" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 0 ]; then
		replay_ok "$tmp/z.jsonl" "$tmp/z.json" >/dev/null || zero_fail="$zero_fail $a:$p=0"
	elif [ $rc -ne 1 ] && [ $rc -ne 2 ]; then
		zero_fail="$zero_fail $a:$p=0(exit $rc)"
	fi
done < <("$SYNTH" --list | awk '/^[a-z0-9-]+  \[/ { a = $1 } /^      [a-z_]+ / { print a, $1 }')
check "zero-parameters-refused-or-valid" "failed:$zero_fail" test -z "$zero_fail"

# --- regression scenario expectations (docs/synth.md) -------------------------
# S1: PRT unmaps wait for the long jobs under implicit sync, not under explicit
"$REPLAY" -q --sync=implicit,explicit -o "$tmp/s1.json" traces/s1-prt-unmap-implicit-sync.jsonl
si=$(metric "$tmp/s1.json" 0 'm["submit_stall_ns"]["total"]')
se=$(metric "$tmp/s1.json" 1 'm["submit_stall_ns"]["total"]')
bi=$(metric "$tmp/s1.json" 0 'm["bind_latency_ns"]["p50"]')
be=$(metric "$tmp/s1.json" 1 'm["bind_latency_ns"]["p50"]')
check "s1-stall-implicit-far-above-explicit" "stall total implicit $si vs explicit $se ns" \
	holds "$si >= 1000000 and $si > 10 * $se"
check "s1-bind-latency-implicit-far-above-explicit" "bind p50 implicit $bi vs explicit $be ns" \
	holds "$bi > 10 * $be"

# S2: on a shared bind queue, BO binds wait behind the blocked sparse bind
"$REPLAY" -q --pace=traced -o "$tmp/s2a.json" traces/s2-shared-bind-queue-hol.jsonl
"$REPLAY" -q --pace=traced -o "$tmp/s2b.json" traces/s2-per-queue-bind-queue.jsonl
ba=$(metric "$tmp/s2a.json" 0 'm["bind_latency_ns"]["p50"]')
bb=$(metric "$tmp/s2b.json" 0 'm["bind_latency_ns"]["p50"]')
la=$(metric "$tmp/s2a.json" 0 'm["submit_latency_ns"]["p50"]')
lb=$(metric "$tmp/s2b.json" 0 'm["submit_latency_ns"]["p50"]')
check "s2-shared-queue-bind-p50-near-hol" "bind p50 shared $ba ns (want >= 4 ms), per-queue $bb ns (want < 0.8 ms)" \
	holds "$ba >= 4000000 and $bb < 800000"
check "s2-shared-queue-exec-latency-higher" "submit p50 shared $la vs per-queue $lb ns" \
	holds "$la > 1.5 * $lb"

# S3: one TLB flush per unbinding ioctl; batching divides them
"$REPLAY" -q -o "$tmp/s3a.json" traces/s3-tlb-invalidation-storm.jsonl
"$REPLAY" -q -o "$tmp/s3b.json" traces/s3-tlb-batched-64.jsonl
"$REPLAY" -q --batch=64 -o "$tmp/s3c.json" traces/s3-tlb-invalidation-storm.jsonl
ta=$(metric "$tmp/s3a.json" 0 'm["tlb_flushes"]')
tb=$(metric "$tmp/s3b.json" 0 'm["tlb_flushes"]')
tc=$(metric "$tmp/s3c.json" 0 'm["tlb_flushes"]')
pa=$(metric "$tmp/s3a.json" 0 'm["pte_writes"]')
pb=$(metric "$tmp/s3b.json" 0 'm["pte_writes"]')
check "s3-tlb-flushes-per-ioctl" "flushes 1/ioctl $ta, 64/ioctl $tb, --batch=64 $tc" \
	holds "$ta >= 10 * $tb and $ta >= 10 * $tc and $ta >= 1000"
check "s3-same-pte-work" "pte writes $pa vs $pb" holds "$pa == $pb"

# S4: tiles inside a 2 MiB-page mapping split it; the control does not
"$REPLAY" -q -o "$tmp/s4a.json" traces/s4-split-amplification.jsonl
"$REPLAY" -q -o "$tmp/s4b.json" traces/s4-split-fresh-control.jsonl
ra=$(metric "$tmp/s4a.json" 0 'm["gpuvm"]["remap"]')
rb=$(metric "$tmp/s4b.json" 0 'm["gpuvm"]["remap"]')
wa=$(metric "$tmp/s4a.json" 0 'm["pte_writes"]')
wb=$(metric "$tmp/s4b.json" 0 'm["pte_writes"]')
check "s4-remap-per-op" "remaps split $ra (want >= 768 of 1024 ops), control $rb (want 0)" \
	holds "$ra >= 768 and $rb == 0"
check "s4-pte-amplification" "pte writes split $wa vs control $wb" holds "$wa >= 4 * $wb"

# S5: per-tile ioctls cost more simulated time and stall submits
"$REPLAY" -q -o "$tmp/s5a.json" traces/s5-per-tile-fanout.jsonl
"$REPLAY" -q -o "$tmp/s5b.json" traces/s5-batched-fanout.jsonl
ca=$(metric "$tmp/s5a.json" 0 'm["bind_latency_ns"]["count"]')
cb=$(metric "$tmp/s5b.json" 0 'm["bind_latency_ns"]["count"]')
ea=$(metric "$tmp/s5a.json" 0 'r["end_ns"]')
eb=$(metric "$tmp/s5b.json" 0 'r["end_ns"]')
check "s5-ioctl-fanout" "bind ioctls per-tile $ca vs batched $cb" holds "$ca >= 1000 and $ca >= 20 * $cb"
check "s5-per-tile-slower" "simulated end per-tile $ea vs batched $eb ns" holds "$ea > 1.3 * $eb"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
