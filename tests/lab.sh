#!/usr/bin/env bash
# lab.sh - scripts/vmbench-lab-run (docs/lab.md) on the model and over the
# shim for each driver: exit status follows the verdict, only RESULTS_DIR is
# written, CI_NODE_INDEX/CI_NODE_TOTAL split the case list, junit.xml
# parses, the KCIDB file passes a structural check and carries the kernel
# identity, LAVA signal lines parse; lava/*.yaml validate with LAVA's own
# schema checker (Debian lava-common), ci/gitlab-ci.yml parses; report
# merges several boards into one dashboard.
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
n=0 failed=0 skipped=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name" "failed: $*"; fi; }
finish() { echo "$((n - failed - skipped)) passed, $failed failed, $skipped skipped"; [ $failed -eq 0 ]; }

if [ ! -x build/replay ] || [ ! -x build/compare ] || [ ! -x build/libvmshim.so ]; then
	skip "lab-run" "build/ not built (run make)"
	finish; exit
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# a sanitizer build's shim is preloaded into the lab script's shell and
# Python, ahead of the ASan runtime it brings
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
# and a TSan-built one ahead of its runtime: otherwise mkdir's libselinux
# calls the shim's fopen() from its constructor before the runtime (a
# dependency of the shim, initialised later) is set up, and mkdir crashes
SHIM_PRELOAD=$top/build/libvmshim.so
if grep -q __tsan_init "$SHIM_PRELOAD"; then
	SHIM_PRELOAD="$(ldd "$SHIM_PRELOAD" | awk '/libtsan/ { print $3 }'):$SHIM_PRELOAD"
fi
LR=$top/scripts/vmbench-lab-run
SYSPY=/usr/bin/python3
[ -x $SYSPY ] || SYSPY=python3

# junit.xml: parses; prints "TESTS FAILURES" and checks every testcase
junit() {
	python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall(".//testcase")
fails = [c for c in cases if c.find("failure") is not None]
assert all(c.get("classname", "").startswith("vmbench.") and c.get("name") for c in cases)
assert int(root.get("tests")) == len(cases) and int(root.get("failures")) == len(fails)
print(len(cases), len(fails))
EOF
}

# a structural check of a KCIDB v5 submission written here (not KCIDB's
# schema): version, ids, required fields, links, enums, no nulls
kcidb_check() {
	python3 - "$@" <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1]))
want_commit = sys.argv[2] if len(sys.argv) > 2 else None
def nonull(o, where):
    if o is None: raise SystemExit(f"null at {where}")
    if isinstance(o, dict):
        for k, v in o.items(): nonull(v, f"{where}.{k}")
    if isinstance(o, list):
        for i, v in enumerate(o): nonull(v, f"{where}[{i}]")
nonull(doc, "$")
assert doc["version"]["major"] == 5 and isinstance(doc["version"]["minor"], int)
ident = re.compile(r"^[a-z0-9_]+:.+$")
status = {"FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"}
ck = {c["id"]: c for c in doc["checkouts"]}
bl = {b["id"]: b for b in doc["builds"]}
assert ck and bl and doc["tests"]
for c in doc["checkouts"]:
    assert ident.match(c["id"]) and c["origin"] == "vmbench"
    if want_commit:
        assert c["git_commit_hash"] == want_commit, c
        assert c["git_repository_url"].startswith("https://") and c["tree_name"], c
for b in doc["builds"]:
    assert ident.match(b["id"]) and b["checkout_id"] in ck and b.get("status", "PASS") in status
ids = set()
for t in doc["tests"]:
    assert ident.match(t["id"]) and t["id"] not in ids and t["build_id"] in bl
    ids.add(t["id"])
    assert t["origin"] == "vmbench" and re.match(r"^[A-Za-z0-9_.@-]+$", t["path"]), t["path"]
    assert t["status"] in status
    num = t["number"]
    assert isinstance(num["value"], (int, float))
    assert num.get("prefix", "metric") in ("metric", "binary")
    assert isinstance(t["misc"]["runs"], list) and t["misc"]["runs"]
print(len(doc["tests"]), sum(t["status"] == "FAIL" for t in doc["tests"]))
EOF
}

# --- on the model: a first run has no baseline and passes ---
mkdir -p "$tmp/cwd" "$tmp/tmpdir"
(cd "$tmp/cwd" && env DRIVER_NAME=model RESULTS_DIR=out VMB_TRACES=steady-xe VMB_REPEAT=3 \
	TMPDIR="$tmp/tmpdir" CI_COMMIT_SHA=0123456789abcdef0123456789abcdef01234567 \
	CI_PROJECT_URL=https://gitlab.example.org/me/linux CI_PROJECT_PATH=me/linux \
	"$LR" --lava >"$tmp/first.out" 2>&1)
rc=$?
check "model, no baseline: exit 0 (got $rc)" [ $rc -eq 0 ]
check "model: one result file per trace x strategy (4)" \
	[ "$(ls "$tmp"/cwd/out/steady-xe@*.json 2>/dev/null | wc -l)" -eq 4 ]
check "only RESULTS_DIR is written (cwd and TMPDIR hold nothing else)" \
	bash -c "[ \"\$(ls -A '$tmp/cwd')\" = out ] && [ -z \"\$(ls -A '$tmp/tmpdir')\" ]"
out=$(junit "$tmp/cwd/out/junit.xml" 2>&1)
check "junit.xml parses: 4 testcases, 0 failures ($out)" [ "$out" = "4 0" ]
out=$(kcidb_check "$tmp/cwd/out/kcidb.json" 0123456789abcdef0123456789abcdef01234567 2>&1)
check "kcidb.json: structure, identity from CI_COMMIT_SHA/CI_PROJECT_URL ($out)" [ "${out%% *}" -gt 0 ]
check "console output is short (< 15 lines without --lava signals)" \
	[ "$(grep -vc '^<LAVA_SIGNAL' "$tmp/first.out")" -lt 15 ]
python3 - "$tmp/first.out" >"$tmp/sig.txt" 2>&1 <<'EOF'
import re, sys
pat = re.compile(r"^<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=(\S+) RESULT=(pass|fail|skip|unknown)"
                 r" MEASUREMENT=(\S+) UNITS=(\S+)>$")
sig = [l.rstrip("\n") for l in open(sys.argv[1]) if l.startswith("<LAVA_SIGNAL")]
ids = set()
for l in sig:
    m = pat.match(l)
    assert m, l
    float(m.group(3))
    assert len(m.group(1)) <= 100 and m.group(1) not in ids
    ids.add(m.group(1))
assert any(i.startswith("steady-xe_sync-async_refcount-hard_bind_p99") for i in ids)
print(len(sig))
EOF
check "LAVA signal lines parse, one per trace x strategy x metric ($(cat "$tmp/sig.txt"))" \
	grep -qE '^[0-9]+$' "$tmp/sig.txt"
lavahelp=$tmp/lavabin
mkdir -p "$lavahelp"
printf '#!/bin/sh\necho "$@" >>%s/calls\n' "$tmp" >"$lavahelp/lava-test-case"
chmod +x "$lavahelp/lava-test-case"
(cd "$tmp/cwd" && env PATH="$lavahelp:$PATH" DRIVER_NAME=model RESULTS_DIR=out2 VMB_TRACES=steady-xe \
	VMB_REPEAT=3 VMB_MATRIX=--sync=async "$LR" --lava --no-report >/dev/null 2>&1)
check "with lava-test-case on PATH it is called with --result --measurement --units" \
	grep -qE '^steady-xe_sync-async_bind_p99 --result pass --measurement [0-9.e-]+ --units s$' "$tmp/calls"

# --- against the previous run: same build passes, a slower model fails ---
(cd "$tmp/cwd" && env DRIVER_NAME=model RESULTS_DIR=again VMB_TRACES=steady-xe VMB_REPEAT=3 \
	"$LR" --previous out >/dev/null 2>&1)
rc=$?
check "model vs the previous run, same build: exit 0 (got $rc)" [ $rc -eq 0 ]
(cd "$tmp/cwd" && env DRIVER_NAME=model RESULTS_DIR=slow VMB_TRACES=steady-xe VMB_REPEAT=3 \
	VMB_REPLAY_ARGS=--model-param=bind_job=60000 "$LR" --previous out >"$tmp/slow.out" 2>&1)
rc=$?
check "model vs the previous run, slower binds: exit 1 (got $rc)" [ $rc -eq 1 ]
out=$(junit "$tmp/cwd/slow/junit.xml" 2>&1)
check "junit.xml: every testcase a failure with the compare lines ($out)" \
	bash -c "[ '$out' = '4 4' ] && grep -q 'REGRESSION' '$tmp/cwd/slow/junit.xml'"
out=$(kcidb_check "$tmp/cwd/slow/kcidb.json" 2>&1)
check "kcidb.json: regressions as FAIL ($out)" bash -c "set -- $out; [ \"\$2\" -gt 0 ]"
mkdir -p "$tmp/cwd/tree/model"
cp "$tmp"/cwd/out/*.json "$tmp/cwd/tree/model/"
(cd "$tmp/cwd" && env DRIVER_NAME=model RESULTS_DIR=slow2 VMB_TRACES=steady-xe VMB_REPEAT=3 \
	VMB_REPLAY_ARGS=--model-param=bind_job=60000 "$LR" --baseline tree/model >/dev/null 2>&1)
rc=$?
check "a baseline directory in the tree (CASE.json files): exit 1 on the regression (got $rc)" [ $rc -eq 1 ]

# --- sharding: CI_NODE_INDEX/TOTAL split the sorted case list ---
all=$(DRIVER_NAME=model VMB_TRACES="steady-xe sparse-amdgpu userptr-any" "$LR" --list | sort)
parts=$(for i in 1 2 3; do CI_NODE_INDEX=$i CI_NODE_TOTAL=3 DRIVER_NAME=model \
	VMB_TRACES="steady-xe sparse-amdgpu userptr-any" "$LR" --list; done | sort)
check "sharding: 3 shards cover the 12 cases exactly once" \
	bash -c "[ \"\$(echo '$all' | wc -l)\" -eq 12 ] && [ '$all' = '$parts' ]"
one=$(CI_NODE_INDEX=2 CI_NODE_TOTAL=3 DRIVER_NAME=model VMB_TRACES="steady-xe sparse-amdgpu userptr-any" "$LR" --list | wc -l)
check "sharding: shard 2/3 runs 4 cases (got $one)" [ "$one" -eq 4 ]
(cd "$tmp/cwd" && env CI_NODE_INDEX=2 CI_NODE_TOTAL=2 DRIVER_NAME=model RESULTS_DIR=shard \
	VMB_TRACES=steady-xe VMB_REPEAT=2 "$LR" --no-report >/dev/null 2>&1)
out=$(junit "$tmp/cwd/shard/junit.xml" 2>&1)
check "shard 2/2 replays and reports only its 2 cases ($out)" [ "$out" = "2 0" ]
CI_NODE_INDEX=3 CI_NODE_TOTAL=2 "$LR" --list >/dev/null 2>&1
check "a bad CI_NODE_INDEX is refused (exit 2)" [ $? -eq 2 ]

# --- over the shim, one run per driver with its own traces ---
for d in xe amdgpu nouveau panthor msm; do
	trace=$top/$(ls traces/*-$d.json* | head -n 1)
	(cd "$tmp/cwd" && env LD_PRELOAD="$SHIM_PRELOAD" VMB_SHIM_DRIVER=$d DRIVER_NAME=$d \
		RESULTS_DIR="shim-$d" VMB_REPEAT=2 VMB_MATRIX=--sync=async \
		VMB_TRACES="$trace" \
		"$LR" --no-report >"$tmp/shim-$d.out" 2>&1)
	rc=$?
	res=$(ls "$tmp/cwd/shim-$d"/*.json 2>/dev/null | grep -v -e junit -e kcidb | head -n 1)
	backend=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["backend"])' "$res" 2>/dev/null)
	out=$(junit "$tmp/cwd/shim-$d/junit.xml" 2>&1)
	unexp=$(grep -c 'UNEXPECTED' "$tmp/shim-$d.out")
	want=0; [ "$unexp" -gt 0 ] && want=1
	check "shim $d: $(basename "$trace") on the $d backend ($backend), exit follows the verdict (rc $rc, junit $out)" \
		bash -c "[ '$backend' = '$d' ] && [ $rc -eq $want ] && [ '$out' = '1 $want' ]"
done

# --- unexpected op results fail the run ---
python3 - traces/steady-xe.json "$tmp/bad.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for op in doc["ops"]:
    if op.get("op") == "bind":
        op["ret"] = -22  # the trace now says the first bind failed: replay disagrees
        break
json.dump(doc, open(sys.argv[2], "w"))
EOF
(cd "$tmp/cwd" && env DRIVER_NAME=model RESULTS_DIR=bad VMB_TRACES="$tmp/bad.json" VMB_REPEAT=2 \
	VMB_MATRIX=--sync=async "$LR" --no-report >"$tmp/bad.out" 2>&1)
rc=$?
out=$(junit "$tmp/cwd/bad/junit.xml" 2>&1)
check "an unexpected op result: exit 1, a junit failure (rc $rc, $out)" \
	bash -c "[ $rc -eq 1 ] && [ '$out' = '1 1' ]"

# --- the LAVA files with LAVA's own checker, the GitLab YAML ---
if $SYSPY -c 'import lava_common.schemas, jinja2, yaml' 2>/dev/null; then
	$SYSPY /usr/share/lava-common/lava-schema.py job lava/example-job.yaml >"$tmp/ls.out" 2>&1
	check "lava/example-job.yaml validates (lava-schema.py job)" [ $? -eq 0 ]
	sed 's/^device_type: .*//' lava/example-job.yaml >"$tmp/broken.yaml"
	$SYSPY /usr/share/lava-common/lava-schema.py job "$tmp/broken.yaml" >/dev/null 2>&1
	check "lava-schema.py rejects a job without device_type (the checker checks)" [ $? -ne 0 ]
	$SYSPY -c '
import sys, yaml
from lava_common.schemas.test.testdef import validate
validate(yaml.safe_load(open(sys.argv[1])))
bad = yaml.safe_load(open(sys.argv[1])); bad["metadata"]["format"] = "x"
try:
    validate(bad)
except Exception:
    sys.exit(0)
sys.exit(1)' lava/vmbench.yaml
	check "lava/vmbench.yaml validates as a Lava-Test Test Definition 1.0 (lava_common testdef schema)" [ $? -eq 0 ]
else
	skip "LAVA files validate" "lava-common (Debian) not installed: scripts/install-deps"
fi
python3 - ci/gitlab-ci.yml <<'EOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
j = d[".vmbench"]
assert j["variables"]["HWCI_TEST_SCRIPT"].endswith("vmbench-lab-run")
assert j["variables"]["HWCI_FREQ_MAX"] == "true"
assert j["artifacts"]["reports"]["junit"] == "results/junit.xml"
assert any("schedule" in r.get("if", "") for r in d[".vmbench-rules"]["rules"])
boards = [k for k, v in d.items() if not k.startswith(".") and ".vmbench" in v["extends"]]
assert len(boards) >= 2
EOF
check "ci/gitlab-ci.yml parses: .vmbench with HWCI_TEST_SCRIPT, HWCI_FREQ_MAX, junit report, schedule rules, board jobs" [ $? -eq 0 ]

# --- several boards and nights into one dashboard ---
for b in xe-lnl amdgpu-stoney; do
	for d in 2026-11-20 2026-11-21; do
		mkdir -p "$tmp/hist/$b/$d"
		VMB_BOARD=$b build/replay -q --repeat=2 --sync=async -o "$tmp/hist/$b/$d/steady-xe.json" \
			traces/steady-xe.json
		python3 -c 'import json, sys; p = sys.argv[1]; d = json.load(open(p)); d["env"]["date"] = sys.argv[2] + "T00:00:00Z"; json.dump(d, open(p, "w"))' \
			"$tmp/hist/$b/$d/steady-xe.json" "$d"
	done
done
build/report --no-render -o "$tmp/dash" --history "$tmp/hist" "$tmp"/hist/*/2026-11-21/steady-xe.json >"$tmp/rep.out" 2>&1
check "report: two boards' nights in one dashboard, trends per board" \
	bash -c "test -s '$tmp/dash/trace-steady-xe@xe-lnl.html' && test -s '$tmp/dash/trace-steady-xe@amdgpu-stoney.html' && ls '$tmp/dash/plots/' | grep -q 'steady-xe@xe-lnl-trend-bind_p99' && grep -q '2 boards' '$tmp/rep.out'"

finish
