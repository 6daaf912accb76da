#!/usr/bin/env bash
# reports.sh - build/report, vmbench-igt and scripts/nightly end to end:
# from the fixture results (tests/fixtures/results) the report renders every
# plot (PNG magic, SVG with plotted paths), HTML pages reference only files
# that exist, the exports are well-formed, the history marks the fixture's
# regression night, the dashboard renders in headless Chromium without
# console errors (skipped without chromium); vmbench-igt passes, fails and
# skips as IGT does; nightly builds a history and reports a regression.
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
n=0 failed=0 skipped=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name" "failed: $*"; fi; }
finish() { echo "$((n - failed - skipped)) passed, $failed failed, $skipped skipped"; [ $failed -eq 0 ]; }

F=tests/fixtures/results
if [ ! -x build/report ] || [ ! -x build/compare ] || [ ! -x build/vmbench-igt ]; then
	skip "reports" "build/report, build/compare or build/vmbench-igt not built (run make)"
	finish; exit
fi
if ! command -v gnuplot >/dev/null; then
	skip "reports" "gnuplot missing"
	finish; exit
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/dash

build/report -o "$out" --history $F/history --kcidb "$tmp/kcidb.json" \
	--hyperfine "$tmp/hyperfine.json" $F/dxvk-steady-model.json $F/vkd3d-sparse-xe.json \
	>"$tmp/report.out" 2>&1
rc=$?
check "report exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/report.out"

# every figure, both formats, real images with data
bad=""
for trace in dxvk-steady vkd3d-sparse; do
	for fig in bind-cdf unbind-cdf submit-cdf bind-hist unbind-hist submit-hist stalls \
		   splitmerge refcount refevents userptr \
		   trend-bind_p50 trend-bind_p99 trend-unbind_p99 trend-submit_p99 \
		   trend-stall_total trend-gpuvm_remap trend-pte_writes trend-wall_ns; do
		png=$out/plots/$trace-$fig.png svg=$out/plots/$trace-$fig.svg
		if [ ! -s "$png" ] || [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then
			bad="$bad $png"
		fi
		# gnuplot draws each plotted series as a <path> with many points
		if [ ! -s "$svg" ] || ! grep -q '<svg' "$svg" ||
		   [ "$(grep -c '<path' "$svg")" -lt 3 ]; then
			bad="$bad $svg"
		fi
		[ -s "$out/plots/$trace-$fig.dat" ] || bad="$bad $trace-$fig.dat"
	done
done
for fig in overview-bind_p99 overview-stall_total; do
	png=$out/plots/$fig.png
	if [ ! -s "$png" ] || [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ] ||
	   [ "$(grep -c '<path' "$out/plots/$fig.svg")" -lt 3 ]; then
		bad="$bad $fig"
	fi
done
check "every plot is a non-empty PNG and an SVG with data ($bad)" [ -z "$bad" ]

# simulated figures say so; measured ones do not
check "simulated plots are labelled" grep -q 'SIMULATED' "$out/plots/dxvk-steady-bind-cdf.gp"
check "measured plots are not labelled simulated" \
	bash -c "! grep -q SIMULATED '$out/plots/vkd3d-sparse-bind-cdf.gp'"

# dashboard conventions: labels per metric, CDFs from 0, tail views, trend log
# axes, one colour per strategy in every figure, a roll-up of what regressed
check "host-time trends say measured, not SIMULATED" \
	bash -c "grep -q 'measured host time' '$out/plots/dxvk-steady-trend-wall_ns.gp' && ! grep -q SIMULATED '$out/plots/dxvk-steady-trend-wall_ns.gp'"
check "counter trends of the model say deterministic" \
	grep -q 'model counters (deterministic)' "$out/plots/dxvk-steady-trend-gpuvm_remap.gp"
check "latency trends use a log axis" grep -q 'set logscale y' "$out/plots/dxvk-steady-trend-bind_p99.gp"
check "CDFs run from 0 to 1 with headroom" \
	bash -c "grep -q 'set yrange \[0:1.02\]' '$out/plots/dxvk-steady-bind-cdf.gp' && awk 'NF==2 && \$2==0 {z=1} END {exit !z}' '$out/plots/dxvk-steady-bind-cdf.dat'"
check "tail views (fraction slower, log-log) for every latency" \
	bash -c "for t in dxvk-steady vkd3d-sparse; do for l in bind unbind submit; do grep -q 'set logscale y' '$out/plots/'\$t-\$l-tail.gp && [ -s '$out/plots/'\$t-\$l-tail.png ] || exit 1; done; done"
check "a strategy has one colour in every figure" python3 - "$out/plots" <<'EOF'
import glob, re, sys
seen = {}
for gp in glob.glob(sys.argv[1] + "/dxvk-steady-*.gp"):
    for m in re.finditer(r"lc rgb '(#[0-9a-f]{6})' title '([^']*)'", open(gp).read()):
        color, title = m.groups()
        if title.startswith("regression"):
            continue
        assert seen.setdefault(title, color) == color, (gp, title, color, seen[title])
assert len(seen) >= 4 and len(set(seen.values())) == len(seen), seen
EOF
check "trace pages roll up what regressed in the latest night" \
	grep -q 'What regressed in the latest night' "$out/trace-dxvk-steady.html"
check "tables scroll inside their box" grep -q 'table{[^}]*overflow-x:auto' "$out/index.html"

# pages: index + one per trace, every local href/src exists
check "index and trace pages exist" test -s "$out/index.html" -a -s "$out/trace-dxvk-steady.html" \
	-a -s "$out/trace-vkd3d-sparse.html" -a -s "$out/summary.md"
missing=""
refs=0
for page in "$out"/*.html; do
	while read -r ref; do
		refs=$((refs + 1))
		case $ref in http:*|https:*|\#*) missing="$missing external:$ref"; continue ;; esac
		[ -e "$out/$ref" ] || missing="$missing $(basename "$page"):$ref"
	done < <(grep -oE '(href|src)="[^"]*"' "$page" | sed -E 's/^(href|src)="//; s/"$//')
done
check "HTML references only files that exist ($refs refs;$missing)" test -z "$missing" -a $refs -gt 50
check "raw result files are copied" [ -s "$out/raw/0-dxvk-steady-model.json" ]
check "pages use no JavaScript" bash -c "! grep -qi '<script' '$out'/*.html"
check "simulated runs are labelled in the tables" grep -q 'class=sim>simulated' "$out/trace-dxvk-steady.html"
check "measured runs are labelled in the tables" grep -q 'class=meas>measured' "$out/trace-vkd3d-sparse.html"
check "an incomplete run is listed and flagged but kept out of the summary" \
	bash -c "grep -q 'class=bad>incomplete' '$out/trace-vkd3d-sparse.html' && grep -q '^| xe refcount=hard sync=async | 4 |' '$out/summary.md'"
check "summary.md has a table per trace" \
	bash -c "[ \$(grep -c '^| strategy |' '$out/summary.md') -eq 2 ]"
# the fixture history regresses on 2026-11-18 (model remap +25 %, latency +10 %)
check "history marks the 2026-11-18 regression" \
	bash -c "grep -q '2026-11-18</td><td class=l>dxvk-steady' '$out/index.html' && grep -q 'gpuvm_remap' '$out/index.html'"
check "trend plot has regression markers" \
	bash -c "grep -q 'regression (compare' '$out/plots/dxvk-steady-trend-gpuvm_remap.dat'"
check "no regression flagged for the stable hardware trace's counters" \
	bash -c "! grep -q 'vkd3d-sparse</td><td class=l>[^<]*</td><td class=l>gpuvm' '$out/index.html'"

# exports: a structural KCIDB v5 check written here (KCIDB's own schema is
# GPL and not vendored), and hyperfine's exact field list
cat >"$tmp/kcidb_check.py" <<'PY'
import json, re, sys
STATUS = {"FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"}
def no_nulls(x, where):
    if x is None:
        raise AssertionError("null at " + where)
    if isinstance(x, dict):
        for k, v in x.items():
            no_nulls(v, where + "." + k)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            no_nulls(v, "%s[%d]" % (where, i))
def check(path, want_ident=None):
    k = json.load(open(path))
    no_nulls(k, "$")
    assert k["version"] == {"major": 5, "minor": 3}, k["version"]
    for kind in ("checkouts", "builds", "tests"):
        ids = set()
        for n in k[kind]:
            assert re.fullmatch(r"[^:]+:.+", n["id"]) and n["origin"] == n["id"].split(":")[0], n["id"]
            assert n["id"] not in ids, "duplicate id " + n["id"]
            ids.add(n["id"])
    cos = {c["id"] for c in k["checkouts"]}
    for c in k["checkouts"]:
        if "git_commit_hash" in c:
            assert re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", c["git_commit_hash"])
        if want_ident:
            for f, v in want_ident.items():
                assert c.get(f) == v, (f, c.get(f))
    bids = set()
    for b in k["builds"]:
        assert b["checkout_id"] in cos and b["status"] in STATUS
        bids.add(b["id"])
    for t in k["tests"]:
        assert t["build_id"] in bids and t["status"] in STATUS, t["id"]
        assert re.fullmatch(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*", t["path"]), t["path"]
        n = t["number"]
        assert isinstance(n["value"], (int, float)) and set(n) <= {"value", "unit", "prefix"}
        assert n.get("prefix", "metric") in ("metric", "binary")
        assert n.get("unit") != "ns", "times must be in s, not ns (shows as kns)"
        if t["path"].endswith(("_p50", "_p99", "wall_ns", "stall_total", "cpu_ns")):
            assert n["unit"] == "s" and n["prefix"] == "metric" and n["value"] < 1000, t
        assert isinstance(t["misc"]["runs"], list) and t["misc"]["runs"]
    return k
PY
if python3 - "$tmp/kcidb.json" "$tmp/hyperfine.json" "$tmp/kcidb_check.py" <<'EOF'
import json, sys
exec(open(sys.argv[3]).read())
k = check(sys.argv[1])
tests = k["tests"]
assert len(tests) > 50, len(tests)
assert all(t["status"] == "DONE" for t in tests)
assert any(t["path"].endswith(".bind_p99") for t in tests)
h = json.load(open(sys.argv[2]))
assert len(h["results"]) == 5
for r in h["results"]:
    assert list(r)[:10] == ["command", "mean", "stddev", "median", "user", "system", "min",
                            "max", "times", "exit_codes"], list(r)
    assert r["times"] and abs(r["mean"] - sum(r["times"]) / len(r["times"])) < 1e-9
    assert r["min"] <= r["median"] <= r["max"] and len(r["command"]) < 60, r["command"]
    assert len(r["exit_codes"]) == len(r["times"])
EOF
then ok "KCIDB (structure, SI units) and hyperfine (every field, short names) exports"
else nok "KCIDB and hyperfine exports are well-formed"
fi
# hyperfine's own export as the reference for field names and types
if command -v hyperfine >/dev/null; then
	hyperfine -N --runs 2 --export-json "$tmp/hf-ref.json" true >/dev/null 2>&1
	build/compare --format=hyperfine $F/history/2026-11-16/dxvk-steady.json -- \
		$F/history/2026-11-17/dxvk-steady.json >"$tmp/hf-ours.json"
	check "hyperfine export has exactly hyperfine's fields and types" python3 -c '
import json, sys
ref = json.load(open(sys.argv[1]))["results"][0]
for r in json.load(open(sys.argv[2]))["results"]:
    r.pop("parameters", None)
    assert list(r) == list(ref), (list(r), list(ref))
    for k in ref:
        assert type(r[k]) == type(ref[k]) or {type(r[k]), type(ref[k])} <= {int, float}, k
' "$tmp/hf-ref.json" "$tmp/hf-ours.json"
else
	skip "hyperfine export has exactly hyperfine's fields and types" "hyperfine not installed"
fi
# compare --kcidb: the regressed night's verdicts as statuses, the kernel identity
VMB_KERNEL_COMMIT=0123456789abcdef0123456789abcdef01234567 build/compare --kcidb "$tmp/kc.json" \
	--kcidb-tree drm-misc --kcidb-repo https://example.invalid/linux.git --kcidb-branch drm-misc-next \
	$F/history/2026-11-17/dxvk-steady.json -- $F/history/2026-11-18/dxvk-steady.json >/dev/null 2>&1
rc=$?
if python3 - "$tmp/kc.json" "$tmp/kcidb_check.py" $rc <<'EOF'
import sys
exec(open(sys.argv[2]).read())
k = check(sys.argv[1], {"git_commit_hash": "0123456789abcdef0123456789abcdef01234567",
                        "tree_name": "drm-misc", "git_repository_branch": "drm-misc-next",
                        "git_repository_url": "https://example.invalid/linux.git"})
st = {}
for t in k["tests"]:
    st.setdefault(t["path"].rsplit(".", 1)[1], set()).add(t["status"])
assert sys.argv[3] == "1", sys.argv[3]
assert st["gpuvm_remap"] == {"FAIL"} and st["gpuvm_map"] == {"PASS"}, st
EOF
then ok "compare --kcidb: regressions FAIL, the rest PASS/DONE, checkout identity"
else nok "compare --kcidb: regressions FAIL, the rest PASS/DONE, checkout identity"
fi
# compare --junit: one testcase per group, failures for the regressed night only
build/compare -q --junit "$tmp/j1.xml" $F/history/2026-11-17/dxvk-steady.json -- \
	$F/history/2026-11-18/dxvk-steady.json
build/compare -q --junit "$tmp/j0.xml" $F/history/2026-11-16/dxvk-steady.json -- \
	$F/history/2026-11-17/dxvk-steady.json
check "compare --junit: JUnit XML, a failure per regressed group, none for equal nights" python3 -c '
import sys, xml.etree.ElementTree as E
r1, r0 = E.parse(sys.argv[1]).getroot(), E.parse(sys.argv[2]).getroot()
c1 = list(r1.iter("testcase"))
assert r1.tag == "testsuites" and len(c1) == 4 and r1.get("failures") == "4"
assert all(c.find("failure") is not None and "REGRESSION" in c.find("failure").text for c in c1)
assert all(c.get("classname") == "vmbench.dxvk-steady" for c in c1)
assert r0.get("failures") == "0" and len(list(r0.iter("testcase"))) == 4
' "$tmp/j1.xml" "$tmp/j0.xml"
build/compare --kcidb "$tmp/kc2.json" --kcidb-commit deadbeef $F/history/2026-11-17/dxvk-steady.json \
	-- $F/history/2026-11-18/dxvk-steady.json >/dev/null 2>&1
check "compare --kcidb: a short commit hash is refused (exit 2)" [ $? -eq 2 ]

# compare's other formats
build/compare --format=json $F/history/2026-11-17/dxvk-steady.json -- $F/history/2026-11-18/dxvk-steady.json >"$tmp/c.json"
rc=$?
check "compare --format=json: regression exit 1 and parseable" \
	bash -c "[ $rc -eq 1 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[\"exit\"]==1' '$tmp/c.json'"
build/compare --format=markdown $F/history/2026-11-16/dxvk-steady.json -- $F/history/2026-11-17/dxvk-steady.json >"$tmp/c.md"
rc=$?
check "compare --format=markdown of two equal nights exits 0" \
	bash -c "[ $rc -eq 0 ] && grep -q '^| metric |' '$tmp/c.md'"
build/compare --format=hyperfine $F/history/2026-11-16/dxvk-steady.json -- $F/history/2026-11-17/dxvk-steady.json >"$tmp/c.hf"
check "compare --format=hyperfine" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['results'])==8" "$tmp/c.hf"

# headless Chromium: renders, no console errors
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then
	skip "dashboard renders in headless Chromium" "chromium not installed"
else
	prof=$(mktemp -d)
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" --enable-logging=stderr --v=0 \
		--screenshot="$tmp/shot.png" --window-size=1280,2000 "file://$out/index.html" \
		>"$tmp/chrome.log" 2>&1
	rc=$?
	errors=$(grep -E 'Uncaught|CONSOLE\(|console.*(error|Error)|Failed to load resource|ERR_FILE_NOT_FOUND' "$tmp/chrome.log")
	if [ $rc -eq 0 ] && [ -s "$tmp/shot.png" ] &&
	   [ "$(head -c 8 "$tmp/shot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
	   [ -z "$errors" ]; then
		ok "dashboard renders in headless Chromium, no console errors ($(stat -c %s "$tmp/shot.png") byte screenshot)"
	else
		nok "dashboard renders in headless Chromium" "status $rc" "$errors" "$(tail -n 5 "$tmp/chrome.log")"
	fi
	for page in trace-dxvk-steady.html trace-vkd3d-sparse.html; do
		timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$prof" --enable-logging=stderr --v=0 --dump-dom \
			"file://$out/$page" >"$tmp/dom.html" 2>"$tmp/chrome2.log"
		errors=$(grep -E 'Uncaught|CONSOLE\(|Failed to load resource|ERR_FILE_NOT_FOUND' "$tmp/chrome2.log")
		if grep -q '<h2>Plots</h2>' "$tmp/dom.html" && [ -z "$errors" ]; then
			ok "$page loads in Chromium (DOM dump), no console errors"
		else
			nok "$page loads in Chromium" "$errors"
		fi
	done
	rm -rf "$prof"
fi

# vmbench-igt with a fake replay that emits fixture results
mkdir -p "$tmp/igt/traces" "$tmp/igt/base" "$tmp/igt/bin"
echo '{}' >"$tmp/igt/traces/dxvk-steady.json"
echo '{}' >"$tmp/igt/traces/other.json"
cp $F/history/2026-11-17/dxvk-steady.json "$tmp/igt/base/dxvk-steady.json"
cat >"$tmp/igt/bin/replay" <<EOF
#!/usr/bin/env bash
# fake replay: copies \$FAKE_RESULT to the -o file
while [ \$# -gt 0 ]; do [ "\$1" = -o ] && out=\$2; shift; done
cp "\$FAKE_RESULT" "\$out"
EOF
chmod +x "$tmp/igt/bin/replay"
igt() { build/vmbench-igt --traces-dir "$tmp/igt/traces" --baseline-dir "$tmp/igt/base" \
	--replay "$tmp/igt/bin/replay" --compare build/compare --strategies async:hard "$@"; }
subs=$(igt --list-subtests | tr '\n' ' ')
check "vmbench-igt --list-subtests ($subs)" [ "$subs" = "dxvk-steady-async-hard other-async-hard " ]
FAKE_RESULT=$F/history/2026-11-16/dxvk-steady.json igt --run-subtest dxvk-steady-async-hard >"$tmp/igt.out" 2>&1
rc=$?
check "vmbench-igt: same results -> SUCCESS, exit 0" \
	bash -c "[ $rc -eq 0 ] && grep -q '^Starting subtest: dxvk-steady-async-hard' '$tmp/igt.out' && grep -qE '^Subtest dxvk-steady-async-hard: SUCCESS \([0-9]+\.[0-9]{3}s\)' '$tmp/igt.out'"
FAKE_RESULT=$F/history/2026-11-18/dxvk-steady.json igt --run-subtest 'dxvk-*' >"$tmp/igt.out" 2>&1
rc=$?
check "vmbench-igt: regressed results -> FAIL, exit 98 (IGT_EXIT_FAILURE)" \
	bash -c "[ $rc -eq 98 ] && grep -qE '^Subtest dxvk-steady-async-hard: FAIL ' '$tmp/igt.out'"
check "vmbench-igt: a dynamic subtest per deciding metric, the regressed one FAILs" \
	bash -c "grep -q '^Starting dynamic subtest: gpuvm_remap' '$tmp/igt.out' && grep -qE '^Dynamic subtest gpuvm_remap: FAIL \\([0-9.]+s\\)' '$tmp/igt.out'"
check "vmbench-igt: IGT-Version line first" \
	bash -c "head -n 1 '$tmp/igt.out' | grep -qE '^IGT-Version: vmbench-[^ ]+ \\([^)]*\\) \\(Linux: '"
# the fixture regresses latencies and gpuvm_remap, not gpuvm_map
FAKE_RESULT=$F/history/2026-11-18/dxvk-steady.json igt --run-subtest 'dxvk-*' \
	--dynamic-subtest 'gpuvm_ma*' >"$tmp/igt.out" 2>&1
rc=$?
check "vmbench-igt --dynamic-subtest: only the matching metrics run and decide" \
	bash -c "[ $rc -eq 0 ] && [ \$(grep -c '^Starting dynamic subtest' '$tmp/igt.out') -eq 1 ] && grep -q '^Dynamic subtest gpuvm_map: SUCCESS' '$tmp/igt.out'"
# a baseline with only implicit runs, a result with only async ones
python3 - $F/history/2026-11-16/dxvk-steady.json "$tmp/igt/async-only.json" "$tmp/igt/base/other.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for path, sync in ((sys.argv[2], "async"), (sys.argv[3], "implicit")):
    e = dict(d, runs=[r for r in d["runs"] if r["strategy"]["sync"] == sync])
    json.dump(e, open(path, "w"))
PY
FAKE_RESULT=$tmp/igt/async-only.json igt --run-subtest 'other-*' >"$tmp/igt.out" 2>&1
rc=$?
check "vmbench-igt: a baseline without the strategy -> SKIP, exit 77" \
	bash -c "[ $rc -eq 77 ] && grep -qE '^Subtest other-async-hard: SKIP ' '$tmp/igt.out'"
rm -f "$tmp/igt/base/other.json"
igt --describe='dxvk-*' >"$tmp/igt.out" 2>&1
rc=$?
check "vmbench-igt --describe" \
	bash -c "[ $rc -eq 0 ] && grep -q '^SUB dxvk-steady-async-hard ' '$tmp/igt.out' && ! grep -q '^SUB other' '$tmp/igt.out'"
igt --no-such-option >/dev/null 2>&1
rc=$?
check "vmbench-igt: bad usage exits 79 (IGT_EXIT_INVALID)" [ $rc -eq 79 ]
FAKE_RESULT=$F/history/2026-11-16/dxvk-steady.json igt --debug --device drm:/dev/dri/renderD128 \
	--run-subtest dxvk-steady-async-hard >"$tmp/igt.out" 2>&1
check "vmbench-igt --debug --device: replays with --backend=auto --device=PATH" \
	grep -q 'DEBUG: running .*--backend=auto --device=/dev/dri/renderD128' "$tmp/igt.out"
FAKE_RESULT=$F/history/2026-11-16/dxvk-steady.json igt --run-subtest other-async-hard >"$tmp/igt.out" 2>&1
rc=$?
check "vmbench-igt: no baseline -> SKIP, exit 77" \
	bash -c "[ $rc -eq 77 ] && grep -qE '^Subtest other-async-hard: SKIP ' '$tmp/igt.out'"

# vmbench-igt with the real replay: a baseline of the model, the same model
# passes, a costlier bind job (--model-param) fails; sentinels on stderr
if [ -x build/replay ] && [ -f traces/steady-xe.json ]; then
	mkdir -p "$tmp/igtbase"
	build/replay --sync=implicit,async --refcount=hard,weak --repeat=3 -q \
		-o "$tmp/igtbase/steady-xe.json" traces/steady-xe.json
	IGT_SENTINEL_ON_STDERR=1 build/vmbench-igt --baseline-dir "$tmp/igtbase" \
		--run-subtest 'steady-xe-*' >"$tmp/igt.out" 2>"$tmp/igt.err"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(grep -cE '^Subtest steady-xe-[a-z]+-[a-z]+: SUCCESS' "$tmp/igt.out")" -eq 4 ] &&
	   [ "$(grep -c '^Subtest' "$tmp/igt.err")" -eq 4 ]; then
		ok "vmbench-igt with build/replay: 4 subtests pass against the model's baseline"
	else
		nok "vmbench-igt with build/replay" "status $rc" "$(tail -n 5 "$tmp/igt.out")"
	fi
	build/vmbench-igt --baseline-dir "$tmp/igtbase" --run-subtest steady-xe-async-hard \
		--replay-args "--model-param=bind_job=6000" >"$tmp/igt.out" 2>&1
	rc=$?
	check "vmbench-igt with build/replay: a costlier model bind job fails" \
		bash -c "[ $rc -eq 98 ] && grep -q '^Subtest steady-xe-async-hard: FAIL' '$tmp/igt.out'"
	# as igt_runner runs it: another directory, no environment, found next to itself
	(cd / && env -u VMB_TRACES_DIR -u VMB_BASELINE_DIR "$top/build/vmbench-igt" \
		--baseline-dir "$tmp/igtbase" --run-subtest steady-xe-async-hard) >"$tmp/igt.out" 2>&1
	rc=$?
	check "vmbench-igt from another directory finds replay, compare and traces itself" \
		bash -c "[ $rc -eq 0 ] && grep -q '^Subtest steady-xe-async-hard: SUCCESS' '$tmp/igt.out'"
	build/vmbench-igt --run-subtest no-such-subtest >/dev/null 2>&1
	rc=$?
	check "vmbench-igt: unknown subtest exits 79" [ $rc -eq 79 ]
else
	skip "vmbench-igt with build/replay" "build/replay not built"
fi

# nightly: two backfilled nights through a fake replay (fixture results), the
# second one regressed; then, when build/replay exists, two real nights
mkdir -p "$tmp/nbin"
cp "$tmp/igt/bin/replay" "$tmp/nbin/replay"
ln -s "$top/build/report" "$tmp/nbin/report"
ln -s "$top/build/compare" "$tmp/nbin/compare"
FAKE_RESULT=$F/history/2026-11-17/dxvk-steady.json scripts/nightly --bin "$tmp/nbin" \
	--traces "$tmp/igt/traces/dxvk-steady.json" --history "$tmp/hist" --out "$tmp/ndash" \
	--date 2026-11-17 >"$tmp/n1.out" 2>&1
rc1=$?
FAKE_RESULT=$F/history/2026-11-18/dxvk-steady.json scripts/nightly --bin "$tmp/nbin" \
	--traces "$tmp/igt/traces/dxvk-steady.json" --history "$tmp/hist" --out "$tmp/ndash" \
	--date 2026-11-18 --kcidb >"$tmp/n2.out" 2>&1
rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 1 ] && grep -q 'dxvk-steady *REGRESSION' "$tmp/n2.out" &&
   [ -s "$tmp/hist/2026-11-18/dxvk-steady.json" ] && [ -s "$tmp/ndash/index.html" ] &&
   [ -s "$tmp/ndash/kcidb.json" ] && [ -s "$tmp/ndash/plots/dxvk-steady-trend-gpuvm_remap.png" ] &&
   grep -q '"date": *"2026-11-18T00:00:00Z"' "$tmp/hist/2026-11-18/dxvk-steady.json"; then
	ok "nightly stores dated results, rebuilds the dashboard and flags the regression"
else
	nok "nightly (fake replay)" "exit $rc1 / $rc2" "$(tail -n 12 "$tmp/n2.out")"
fi

check "nightly names the previous night once, without its path" \
	grep -qx 'verdicts for 2026-11-18 against 2026-11-17:' "$tmp/n2.out"

# two small traces of the library keep this quick
real_traces=$(ls traces/steady-xe.json traces/userptr-any.json 2>/dev/null | tr '\n' ' ')
if [ -x build/replay ] && [ -n "$real_traces" ]; then
	d1=$(date -u -d 'yesterday' +%Y-%m-%d)
	scripts/nightly --repeat 2 --traces "$real_traces" --history "$tmp/rhist" --out "$tmp/rdash" \
		--date "$d1" >"$tmp/r1.out" 2>&1
	rc1=$?
	scripts/nightly --repeat 2 --traces "$real_traces" --history "$tmp/rhist" --out "$tmp/rdash" \
		>"$tmp/r2.out" 2>&1
	rc2=$?
	if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ -s "$tmp/rdash/index.html" ] &&
	   grep -q 'steady-xe  *no regression' "$tmp/r2.out" &&
	   [ -s "$tmp/rdash/plots/steady-xe-trend-gpuvm_remap.png" ]; then
		ok "nightly with build/replay: two nights, same model, no regression"
	else
		nok "nightly with build/replay" "exit $rc1 / $rc2" "$(tail -n 15 "$tmp/r2.out")"
	fi
else
	skip "nightly with build/replay" "build/replay not built"
fi
finish
