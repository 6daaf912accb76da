#!/usr/bin/env bash
# bisect.sh - scripts/bisect-run under `git bisect run` on a scripted
# repository: 8 commits of a tiny C program whose bind latency regresses by
# 20 % at commit 5 (commit 6 does not build, so it must be skipped). A small
# fake replay writes vmbench-result files with noisy per-op samples around
# the program's latency, so the real build/compare decides every step.
# Checks that bisect names commit 5, that commit 6 was skipped, and that
# the adaptive repeats stopped early on clear commits.
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
n=0 failed=0 skipped=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }
finish() { echo "$((n - failed - skipped)) passed, $failed failed, $skipped skipped"; [ $failed -eq 0 ]; }

if [ ! -x build/compare ]; then
	skip "bisect finds the first bad commit" "build/compare not built (run make)"
	finish; exit
fi
for t in git cc python3; do
	if ! command -v $t >/dev/null; then
		skip "bisect finds the first bad commit" "$t missing"
		finish; exit
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the judge lives outside the bisected tree, as docs/reports.md says
mkdir -p "$tmp/tools"
cp scripts/bisect-run build/compare "$tmp/tools/"
repo=$tmp/repo
mkdir -p "$repo"
cd "$repo" || exit 2
git init -q .
git config user.email test@example.invalid
git config user.name "bisect test"

# fake replay: --repeat=N -o FILE TRACE; asks ./lat for the median bind
# latency and writes N runs of 2000 lognormal samples around it (seeded by
# the latency, the output name and the repeat, so the test is reproducible)
cat >fake-replay <<'EOF'
#!/usr/bin/env python3
import json, math, os, random, subprocess, sys
rep, out, trace = 1, None, None
args = sys.argv[1:]
i = 0
while i < len(args):
    a = args[i]
    if a.startswith("--repeat="): rep = int(a.split("=", 1)[1])
    elif a == "-o": out = args[i + 1]; i += 1
    elif not a.startswith("-"): trace = a
    i += 1
med = float(subprocess.run(["./lat"], capture_output=True, text=True, check=True).stdout)
# ./cpu, when the tree has one, prints the VA manager's CPU cost per run (ns)
cpu = float(subprocess.run(["./cpu"], capture_output=True, text=True, check=True).stdout) \
    if os.path.exists("./cpu") else 300000.0
spread = float(os.environ.get("FAKE_SPREAD", "0"))  # odd runs slower by this factor
def lat(rng, n, m):
    s = sorted(int(rng.lognormvariate(math.log(m), 0.3)) for _ in range(n))
    return {"count": n, "p50": s[n // 2], "p99": s[int(.99 * n)], "max": s[-1],
            "total": sum(s), "samples": s}
runs = []
for r in range(rep):
    rng = random.Random(os.environ.get("FAKE_SEED", "") +
                        "%s|%s|%s|%d" % (med, cpu, out.rsplit("/", 1)[-1].split("-round")[-1], r))
    runs.append({"backend": "fake", "strategy": {"sync": "async"}, "repeat": r,
                 "wall_ns": 1000000, "simulated": False, "incomplete": False,
                 "metrics": {"bind_latency_ns": lat(rng, 2000, med * (1 + spread * (r % 2))),
                             "gpuvm": {"remap": 7}}})
    # host CPU time: one number per run with 10 % lognormal run-to-run noise
    runs[-1]["metrics"]["gpuvm"]["cpu_ns"] = int(rng.lognormvariate(math.log(cpu), 0.1))
json.dump({"format": "vmbench-result", "version": 1,
           "trace": {"path": trace, "sha256": "00", "driver": "any", "ops": 1},
           "env": {"tool": "fake", "date": "2026-11-20T00:00:00Z"}, "runs": runs},
          open(out, "w"))
EOF
chmod +x fake-replay
echo '{}' >trace.json
commit() {
	printf '#include <stdio.h>\nint main(void) { printf("%%d\\n", %s); return 0; }\n' "$1" >lat.c
	git add lat.c fake-replay trace.json
	git commit -q -m "commit $2"
	eval "c$2=\$(git rev-parse HEAD)"
}
commit 20000 1
commit 20010 2
commit 20000 3
commit 19990 4
commit 24000 5 # the regression: +20 %
commit '24010 +' 6 # does not compile
commit 23990 7
commit 24000 8

# baseline: 10 runs of the good commit 1
git checkout -q "$c1"
cc -o lat lat.c && ./fake-replay --repeat=10 -o "$tmp/base.json" trace.json
git checkout -q "$c8"

git bisect start "$c8" "$c1" >/dev/null 2>&1
git bisect run "$tmp/tools/bisect-run" --build "cc -o lat lat.c" --trace trace.json \
	--baseline "$tmp/base.json" --replay ./fake-replay \
	--compare-args "--metric bind_p50 --threshold 5" --max-repeats 9 \
	--log "$tmp/bisect.log" >"$tmp/run.out" 2>&1
rc=$?
first_bad=$(git rev-parse -q --verify refs/bisect/bad)
if [ $rc -eq 0 ] && [ "$first_bad" = "$c5" ] && grep -q "$c5 is the first bad commit" "$tmp/run.out"; then
	ok "git bisect run with bisect-run finds commit 5"
else
	nok "git bisect run with bisect-run finds commit 5" "bisect run status $rc" \
		"refs/bisect/bad = $first_bad, commit 5 = $c5" "$(tail -n 20 "$tmp/run.out")"
fi
if grep -q "^[^ ]* ${c6:0:7} skip (build failed" "$tmp/bisect.log" &&
   git bisect log | grep -q "skip: \[${c6}\]"; then
	ok "the commit that does not build is skipped"
else
	nok "the commit that does not build is skipped" "$(cat "$tmp/bisect.log")"
fi
if grep -q 'bad (regression, [0-9]* repeats)' "$tmp/bisect.log" &&
   grep -q 'good (no regression, [0-9]* repeats)' "$tmp/bisect.log"; then
	ok "verdicts are logged with their repeat counts"
else
	nok "verdicts are logged with their repeat counts" "$(cat "$tmp/bisect.log")"
fi
sed "s/^/# log: /" "$tmp/bisect.log"
git bisect reset -q >/dev/null 2>&1

# direct runs: a good commit exits 0, a bad one 1, a too-noisy judge 125
git checkout -q "$c2" && cc -o lat lat.c
"$tmp/tools/bisect-run" --trace trace.json --baseline "$tmp/base.json" --replay ./fake-replay \
	--compare-args "--metric bind_p50 --threshold 5" >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] && ok "a good commit exits 0" || nok "a good commit exits 0" "status $rc"
git checkout -q "$c7" && cc -o lat lat.c
"$tmp/tools/bisect-run" --trace trace.json --baseline "$tmp/base.json" --replay ./fake-replay \
	--compare-args "--metric bind_p50 --threshold 5" >/dev/null 2>&1
rc=$?
[ $rc -eq 1 ] && ok "a bad commit exits 1" || nok "a bad commit exits 1" "status $rc"
"$tmp/tools/bisect-run" --trace trace.json --baseline "$tmp/base.json" --replay ./fake-replay \
	--compare-args "--metric bind_p50 --threshold 5" --process-per-repeat --workdir "$tmp/pp" \
	>/dev/null 2>&1
rc=$?
if [ $rc -eq 1 ] && [ "$(ls "$tmp/pp" | grep -c 'round0\.[0-9]*\.json')" -eq 5 ]; then
	ok "--process-per-repeat: one replay process (and file) per repeat"
else
	nok "--process-per-repeat" "status $rc" "$(ls "$tmp/pp" 2>&1)"
fi
# a machine so noisy that runs disagree by 50 %: never decisive, so the
# budget is spent and the commit skipped (125)
FAKE_SPREAD=0.5 ./fake-replay --repeat=6 -o "$tmp/noisy-base.json" trace.json
FAKE_SPREAD=0.5 "$tmp/tools/bisect-run" --trace trace.json --baseline "$tmp/noisy-base.json" \
	--replay ./fake-replay --compare-args "--metric bind_p50 --threshold 5" \
	--start-repeats 2 --step 1 --max-repeats 4 --log "$tmp/noisy.log" >/dev/null 2>&1
rc=$?
if [ $rc -eq 125 ] && grep -q 'still cannot tell after 4 repeats' "$tmp/noisy.log"; then
	ok "an undecidable comparison spends the budget and exits 125"
else
	nok "an undecidable comparison spends the budget and exits 125" "status $rc" \
		"$(cat "$tmp/noisy.log" 2>/dev/null)"
fi
# a strategy the baseline does not have: skipped at once, not after the budget
sed 's/"async"/"implicit"/g' "$tmp/base.json" >"$tmp/other-base.json"
"$tmp/tools/bisect-run" --trace trace.json --baseline "$tmp/other-base.json" --replay ./fake-replay \
	--log "$tmp/nomatch.log" >/dev/null 2>&1
rc=$?
if [ $rc -eq 125 ] && grep -q 'no strategy in common' "$tmp/nomatch.log"; then
	ok "no strategy in common with the baseline: skip at once"
else
	nok "no strategy in common with the baseline: skip at once" "status $rc" "$(cat "$tmp/nomatch.log")"
fi
"$tmp/tools/bisect-run" --trace trace.json >/dev/null 2>&1
rc=$?
[ $rc -eq 200 ] && ok "a usage error aborts the bisection (200)" ||
	nok "a usage error aborts the bisection (200)" "status $rc"

# a x1.3 CPU regression of the VA manager at commit 5 of another history,
# measured as gpuvm_cpu_ns with 10 % run-to-run noise: found with the
# default repeat budget, every commit decided (no skips)
cpu_repo=$tmp/cpu-repo
mkdir -p "$cpu_repo" && cd "$cpu_repo" || exit 2
git init -q . && git config user.email test@example.invalid && git config user.name "bisect test"
cp "$repo/fake-replay" "$repo/trace.json" .
printf '#include <stdio.h>\nint main(void) { printf("20000\\n"); return 0; }\n' >lat.c
cpu_commit() {
	printf '#include <stdio.h>\nint main(void) { printf("%%d\\n", %s); return 0; }\n' "$1" >cpu.c
	git add lat.c cpu.c fake-replay trace.json
	git commit -q -m "cpu commit $2"
	eval "k$2=\$(git rev-parse HEAD)"
}
cpu_commit 300000 1
cpu_commit 301000 2
cpu_commit 299000 3
cpu_commit 300500 4
cpu_commit 390000 5 # the regression: x1.3
cpu_commit 391000 6
cpu_commit 389000 7
cpu_commit 390500 8
git checkout -q "$k1"
cc -o lat lat.c && cc -o cpu cpu.c && ./fake-replay --repeat=20 -o "$tmp/cpu-base.json" trace.json
git checkout -q "$k8"
git bisect start "$k8" "$k1" >/dev/null 2>&1
git bisect run "$tmp/tools/bisect-run" --build "cc -o lat lat.c && cc -o cpu cpu.c" \
	--trace trace.json --baseline "$tmp/cpu-base.json" --replay ./fake-replay \
	--compare-args "--metric gpuvm_cpu_ns --threshold 15" \
	--log "$tmp/cpu.log" >"$tmp/cpu.out" 2>&1
rc=$?
first_bad=$(git rev-parse -q --verify refs/bisect/bad)
if [ $rc -eq 0 ] && [ "$first_bad" = "$k5" ] && ! grep -q skip "$tmp/cpu.log"; then
	ok "a x1.3 gpuvm_cpu_ns regression with 10 % noise is bisected with the default budget"
else
	nok "a x1.3 gpuvm_cpu_ns regression with 10 % noise is bisected with the default budget" \
		"bisect run status $rc" "refs/bisect/bad = $first_bad, commit 5 = $k5" \
		"$(cat "$tmp/cpu.log")" "$(tail -n 30 "$tmp/cpu.out")"
fi
sed "s/^/# cpu log: /" "$tmp/cpu.log"
git bisect reset -q >/dev/null 2>&1
cd "$top" || exit 2
finish
