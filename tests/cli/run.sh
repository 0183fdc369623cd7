#!/bin/sh
# tests/cli/run.sh - the command line as users meet it: help, exit codes,
# messages, scenario checks, output files, interruption.
# usage: tests/cli/run.sh build/govsim
# With GOVSIM_FAULTS=FILE, each fault injected appends a row to FILE: the
# fault matrix of docs/reliability.md, as this run saw it (make reliability).
set -u
GOVSIM=${1:-build/govsim}
T=$(mktemp -d /tmp/govsim-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"
# record FAULT HOW OUTCOME: one row of the fault matrix, tab-separated, into
# $GOVSIM_FAULTS if set; OUTCOME is composed from what the test observed
record() {
	[ -n "${GOVSIM_FAULTS:-}" ] || return 0
	printf '%s\t%s\t%s\n' "$(oneline "$1")" "$(oneline "$2")" "$(oneline "$3")" >>"$GOVSIM_FAULTS"
}
oneline() { printf '%s' "$1" | tr '\t\r\n' '   '; }
# said PATTERN [FILE]: the first line of FILE ($T/out) matching PATTERN, quoted, or "no message"
said() {
	l=$(grep -m1 -E -- "$1" "${2:-$T/out}" | sed "s/^govsim [a-z]*: //; s/\r.*//; s|$T/||g")
	if [ -n "$l" ]; then printf '"%s"' "$l"; else printf 'no message matching /%s/' "$1"; fi
}
# lines [FILE]: how many lines FILE ($T/out) holds, in words
lines() { n=$(grep -c . "${1:-$T/out}"); [ "$n" -eq 1 ] && echo "1 line" || echo "$n lines"; }
# present PATH: whether PATH exists, in words
present() { if [ -e "$1" ]; then printf '%s present' "${1##*/}"; else printf 'no %s' "${1##*/}"; fi; }
# same A B: h5diff of two result files, in words (sets $same_rc)
same() {
	if command -v h5diff >/dev/null; then
		h5diff --exclude-path /provenance --exclude-path /bin_edge "$1" "$2" >/dev/null 2>&1
		same_rc=$?
		if [ $same_rc -eq 0 ]; then printf 'equal to the uninterrupted file (h5diff)'
		else printf 'differs from the uninterrupted file (h5diff exit %s)' $same_rc; fi
	else
		same_rc=
		printf 'not compared (no h5diff)'
	fi
}

echo "== CLI tests ($GOVSIM)"

expect 0 "--version" -- "$GOVSIM" --version
contains "govsim [0-9]+\.[0-9]+" "--version names the version"
contains "GSL .*HDF5" "--version names the libraries"
expect 0 "--help" -- "$GOVSIM" --help
for c in run check params metrics info compare report export; do
	expect 0 "$c --help" -- "$GOVSIM" "$c" --help
	contains "usage: govsim $c" "$c --help"
done
expect 2 "no command" -- "$GOVSIM"
expect 2 "unknown command" -- "$GOVSIM" frobnicate
contains "unknown command 'frobnicate'" "unknown command message"
expect 2 "misspelt command" -- "$GOVSIM" runn scenarios/default.ini
contains "unknown command 'runn'; did you mean 'run'\?" "did you mean a command"
# hints name the program as it was typed
expect 2 "usage hint" -- "$GOVSIM" run
contains "\(see $GOVSIM run --help\)" "hint names argv[0]"
expect 2 "unknown option" -- "$GOVSIM" run --bogus scenarios/default.ini
contains "unknown option '--bogus'" "unknown option message"
expect 2 "run without scenario" -- "$GOVSIM" run
expect 2 "bad --threads" -- "$GOVSIM" run scenarios/default.ini --threads 0
expect 2 "bad --seed" -- "$GOVSIM" run scenarios/default.ini --seed -4

# every scenario shipped passes check
for f in $(find scenarios -name '*.ini' | sort); do
	expect 0 "check $f" -- "$GOVSIM" check "$f"
done

# a bad scenario: every problem, each with FILE:LINE: key:
cat >"$T/bad.ini" <<'INI'
[simulation]
duration = 10
[regime]
discreton = 0.5
target_pressure = 2
[population]
this line is malformed
INI
expect 2 "check bad scenario" -- "$GOVSIM" check "$T/bad.ini"
contains "bad.ini:2: simulation.duration: .*no unit" "missing unit"
contains "bad.ini:4: regime.discreton: unknown parameter; did you mean 'regime.discretion'" "did you mean"
contains "bad.ini:5: regime.target_pressure: 2 is out of range \(allowed 0..1" "range"
contains "bad.ini:7: malformed line" "malformed line"
contains "4 problems" "every problem counted"
expect 2 "check missing file" -- "$GOVSIM" check "$T/nope.ini"
contains "nope.ini" "missing file named"
expect 2 "run bad --set" -- "$GOVSIM" run scenarios/default.ini -o "$T/x.h5" --set regime.discretion=7
contains "\-\-set: regime.discretion: 7 is out of range" "--set range error"
[ ! -e "$T/x.h5" ] && ok || fail "bad input left a file"

# params and metrics
expect 0 "params" -- "$GOVSIM" params
contains "learning_time" "params lists regime.learning_time"
expect 0 "params --tsv" -- "$GOVSIM" params --tsv
contains "^key	type	default	min	max	unit	scope	plausible_low	plausible_high	basis$" "params --tsv has its header"
contains "^population.wellbeing_time	duration	30d	[^	]*	[^	]*	d	any	7	90	assumption$" "params --tsv gives a duration's plausible range in days"
[ "$(awk -F'\t' 'NR > 1 && NF != 10' "$T/out" | wc -l)" -eq 0 ] && ok || fail "params --tsv: every line has 10 fields"
expect 0 "metrics --tsv" -- "$GOVSIM" metrics --tsv
contains "^metric	label	units	aggregation	weight	numerator	denominator$" "metrics --tsv has its header"
contains "^cost_per_need_met	[^	]*	currency/need	ratio		cost_total	needs_met - needs_met_self$" "metrics --tsv gives a ratio's numerator and denominator"
contains "^wellbeing_mean	.*	stock			$" "metrics --tsv names a stock"
contains "^leavers_by_team	" "metrics --tsv lists the per-team datasets"
[ "$(awk -F'\t' 'NF != 7' "$T/out" | wc -l)" -eq 0 ] && ok || fail "metrics --tsv: every line has 7 fields"
expect 2 "metrics --markdown --tsv" -- "$GOVSIM" metrics --markdown --tsv
expect 2 "params --markdown --tsv" -- "$GOVSIM" params --markdown --tsv
expect 0 "metrics" -- "$GOVSIM" metrics
contains "failure_demand_share" "metrics lists failure_demand_share"

# compare on a sweep: a table per point, headed by the point's values; --at says what it shows
expect 0 "sweep run" -- "$GOVSIM" run tests/golden/sweep_events.ini -o "$T/sw.h5" -q
expect 0 "compare a sweep" -- "$GOVSIM" compare "$T/sw.h5" --metric needs_met
contains "^sweep point 3: regime.learning_time = 0.1, service.time_target = 10$" "a point's values"
expect 2 "compare a misspelt metric" -- "$GOVSIM" compare "$T/sw.h5" --metric needs_mett
contains "no metric 'needs_mett'; did you mean 'needs_met'\? \(\`$GOVSIM metrics\` lists them\)" "did you mean a metric"
expect 0 "compare --at" -- "$GOVSIM" compare "$T/sw.h5" --metric leavers --at 14
contains "values at 14 days: each metric's value in the output interval ending then \(7 days long; a flow is its total over that interval" "--at says which interval"
# the header before the progress line; the line counts runs, time elapsed and left
GOVSIM_PROGRESS=1 "$GOVSIM" run tests/golden/sweep_events.ini -o "$T/sw.h5" --force >"$T/out" 2>&1
head -n 1 "$T/out" | grep -q "^sweep_events: 2 arms x 2 replications" && ok || { fail "header first"; head -3 "$T/out"; }
contains "\] 16/16 runs, [0-9]+s elapsed, 0s left" "progress: runs, elapsed, left"

# a small run, its file, no overwrite without --force, info
cat >"$T/small.ini" <<'INI'
include = SCEN/default.ini
[simulation]
duration = 60d
[population]
citizens = 2000
INI
sed -i "s|SCEN|$(pwd)/scenarios|" "$T/small.ini"
expect 0 "run small" -- "$GOVSIM" run "$T/small.ini" -o "$T/small.h5" --quiet
[ -s "$T/small.h5" ] && ok || fail "run wrote no file"
[ ! -e "$T/small.h5.partial" ] && ok || fail "run left its .partial file"
expect 2 "no overwrite" -- "$GOVSIM" run "$T/small.ini" -o "$T/small.h5"
contains "exists; use --force" "overwrite refused"
expect 0 "overwrite with --force" -- "$GOVSIM" run "$T/small.ini" -o "$T/small.h5" --force
contains "npm.*hls.*none" "comparison table names the arms"
contains "failure demand" "comparison table has failure demand"
expect 0 "info" -- "$GOVSIM" info "$T/small.h5"
contains "govsim_version" "info shows provenance"
contains "npm" "info lists arms"
expect 0 "compare" -- "$GOVSIM" compare "$T/small.h5"
contains "arm - first arm" "compare shows paired differences"
contains "failure demand" "compare shows the outcomes"

# --set arm.NAME.key=value changes one arm; a plain --set every arm; the header says which
expect 0 "run with an override for one arm" -- "$GOVSIM" run "$T/small.ini" -o "$T/arm1.h5" --force \
	--set arm.npm.regime.target_pressure=0.9 --set regime.learning_time=0.15
contains "^--set for every arm: regime.learning_time=0.15$" "header: overrides for every arm"
contains "^--set for arm npm only: regime.target_pressure=0.9$" "header: overrides for one arm"
grep -q "for arm hls only\|for arm none only" "$T/out" && fail "header names arms without overrides" || ok
/usr/bin/python3 - "$T/small.h5" "$T/arm1.h5" >"$T/out" 2>&1 <<'PY'
import sys, h5py, numpy as np
plain, one = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
par = lambda f, arm, k: f["provenance/parameters/" + arm].attrs[k]
for arm in ("npm", "hls", "none"):
    print(arm, "learning_time", par(one, arm, "regime.learning_time"))
    same = par(one, arm, "regime.target_pressure") == par(plain, arm, "regime.target_pressure")
    print(arm, "target_pressure", "same" if same else "changed", par(one, arm, "regime.target_pressure"))
PY
contains "^npm target_pressure changed 0.9$" "arm override reaches its arm"
contains "^hls target_pressure same" "arm override leaves another arm"
contains "^none target_pressure same" "arm override leaves a third arm"
[ "$(grep -c 'learning_time 0.15$' "$T/out")" -eq 3 ] && ok || fail "plain --set reaches every arm"
# an override that changes nothing in an arm leaves its results as they were (same streams)
expect 0 "run with an override of one arm only" -- "$GOVSIM" run "$T/small.ini" -o "$T/arm2.h5" --force \
	-q --set arm.hls.regime.discretion=0.05
/usr/bin/python3 - "$T/small.h5" "$T/arm2.h5" >"$T/out" 2>&1 <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
arms = [x.decode() if isinstance(x, bytes) else x for x in a["arm"][:]]
m = "needs_met"
for i, arm in enumerate(arms):
    print(arm, "equal" if np.array_equal(a[m][i], b[m][i], equal_nan=True) else "differs")
PY
contains "^npm equal$" "another arm's results unchanged"
contains "^none equal$" "a third arm's results unchanged"
contains "^hls differs$" "the arm overridden has other results"
expect 2 "override for an unknown arm" -- "$GOVSIM" run "$T/small.ini" -o "$T/arm3.h5" \
	--set arm.nmp.regime.target_pressure=0.9
contains "^--set: no arm 'nmp' in the scenario \(arms: npm, hls, none\)$" "unknown arm named, arms listed"
[ ! -e "$T/arm3.h5" ] && ok || fail "an unknown arm left a file"
expect 2 "scenario-wide key for one arm" -- "$GOVSIM" check "$T/small.ini" \
	--set arm.npm.population.citizens=10
contains "^--set arm.npm: population.citizens: one value for the whole scenario" "scenario-wide key refused for one arm"
expect 2 "bad value for one arm" -- "$GOVSIM" check "$T/small.ini" --set arm.hls.regime.discretion=3
contains "^--set arm.hls: regime.discretion: 3 is out of range" "one arm's bad value"
expect 2 "arm override without a key" -- "$GOVSIM" check "$T/small.ini" --set arm.npm=1
contains "is not arm.NAME.section.key=value" "malformed arm override"
expect 0 "compare one metric at a time" -- "$GOVSIM" compare "$T/small.h5" --metric queue_length --at 30
contains "values at 30 days" "compare --at"
expect 2 "compare unknown metric" -- "$GOVSIM" compare "$T/small.h5" --metric nosuch
contains "no metric 'nosuch'" "compare names the unknown metric"
expect 2 "compare after the end" -- "$GOVSIM" compare "$T/small.h5" --at 1000
contains "after the end of the runs" "compare --at beyond the runs"
echo "not hdf5" >"$T/fake.h5"
expect 2 "info on a non-HDF5 file" -- "$GOVSIM" info "$T/fake.h5"
contains "fake.h5" "info error names the file"
expect 2 "compare on a non-HDF5 file" -- "$GOVSIM" compare "$T/fake.h5"
contains "fake.h5: not an HDF5 file" "compare error names the file"

# a sweep: points x arms x replications runs, coordinates in the file
cat >"$T/sweep.ini" <<INI
include = $T/small.ini
[sweep]
regime.learning_time = 0, 0.2
INI
expect 0 "run a sweep" -- "$GOVSIM" run "$T/sweep.ini" -o "$T/sweep.h5" -q
expect 0 "check a sweep" -- "$GOVSIM" check "$T/sweep.ini"
contains "2 sweep points" "check counts sweep points"
expect 0 "compare a sweep" -- "$GOVSIM" compare "$T/sweep.h5"
contains "sweep point 1" "compare by sweep point"

# same seed, any threads: identical datasets (provenance records threads and time)
expect 0 "run 1 thread" -- env OMP_NUM_THREADS=1 "$GOVSIM" run "$T/small.ini" -o "$T/t1.h5" -q
expect 0 "run 3 threads" -- "$GOVSIM" run "$T/small.ini" -o "$T/t3.h5" -q --threads 3
if command -v h5diff >/dev/null; then
	expect 0 "h5diff 1 vs 3 threads" -- h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/t1.h5" "$T/t3.h5"
fi

# interruption: no file under the requested name, exit 1
"$GOVSIM" run scenarios/default.ini -o "$T/big.h5" -q --set population.citizens=400000 \
	--set simulation.duration=20y >"$T/out" 2>&1 &
pid=$!
sleep 1
kill -INT $pid
wait $pid
st=$?
[ "$st" -eq 1 ] && ok || { fail "interrupted run exit $st, expected 1"; cat "$T/out"; }
[ ! -e "$T/big.h5" ] && ok || fail "interrupted run left a file under the requested name"
contains "interrupted" "interruption reported"
record "SIGINT during a run" "\`kill -INT\` after 1 s (400,000 citizens, 20 years, 3 runs)" \
	"exit $st, $(present "$T/big.h5"), $(present "$T/big.h5.partial"); $(said interrupted)"
rm -f "$T/big.h5.partial"

# resume: stopped after 4 of 9 runs, then completed: the same results as an uninterrupted run
cat >"$T/ens.ini" <<INI
include = $T/small.ini
[simulation]
replications = 3
INI
expect 1 "stopped ensemble" -- env GOVSIM_STOP_AFTER_RUNS=4 "$GOVSIM" run "$T/ens.ini" -o "$T/ens.h5" -q
[ ! -e "$T/ens.h5" ] && [ -s "$T/ens.h5.partial" ] && ok || fail "a stopped ensemble keeps OUT.h5.partial only"
contains "--resume" "the stop says how to resume"
stop_outcome="exit $got, $(present "$T/ens.h5"), $(present "$T/ens.h5.partial")"
expect 2 "resume with other parameters" -- "$GOVSIM" run "$T/ens.ini" -o "$T/ens.h5" --resume --set regime.discretion=0.5
contains "other parameters: regime.discretion" "resume refuses other parameters"
expect 0 "resume" -- "$GOVSIM" run "$T/ens.ini" -o "$T/ens.h5" --resume
resume_rc=$got resume_said=$(said "runs done")
contains "[4-5] of 9 runs done" "resume counts the runs done (a run in flight may finish too)"
[ -s "$T/ens.h5" ] && [ ! -e "$T/ens.h5.partial" ] && ok || fail "resume leaves OUT.h5 only"
expect 0 "uninterrupted ensemble" -- "$GOVSIM" run "$T/ens.ini" -o "$T/ens_full.h5" -q
if command -v h5diff >/dev/null; then
	expect 0 "resumed = uninterrupted" -- h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/ens.h5" "$T/ens_full.h5"
fi
record "stop after N runs, then resume" "\`GOVSIM_STOP_AFTER_RUNS=4\` (9 runs), then \`--resume\`" \
	"$stop_outcome; --resume: exit $resume_rc, $resume_said; $(same "$T/ens.h5" "$T/ens_full.h5")"

# D15: a partial whose runs marked done hold other data (a changed value, a
# file cut short by a size limit) is never trusted: those runs are run
# again, and the result equals an uninterrupted run; or, if the file cannot
# be read at all, the resume is refused and no OUT.h5 appears
expect 1 "D15 stopped ensemble" -- env GOVSIM_STOP_AFTER_RUNS=5 "$GOVSIM" run "$T/ens.ini" -o "$T/d15.h5" -q
/usr/bin/python3 - "$T/d15.h5.partial" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    done = [r for r in range(len(f["done"])) if f["done"][r]]
    row = f["needs_met"][done[0]]
    row[-1] += 1
    f["needs_met"][done[0]] = row
PY
expect 0 "D15 resume of a partial with a changed run" -- "$GOVSIM" run "$T/ens.ini" -o "$T/d15.h5" -q --resume
contains "1 more marked done did not read back to their digest" "D15 the changed run is found"
d15_outcome="--resume: exit $got, $(said "did not read back")"
if command -v h5diff >/dev/null; then
	expect 0 "D15 resumed = uninterrupted" -- h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/d15.h5" "$T/ens_full.h5"
fi
record "a changed value in a run marked done" "h5py edit of the partial (one value of the first run marked done)" \
	"$d15_outcome; $(same "$T/d15.h5" "$T/ens_full.h5")"
# A partial without one finished run (killed while it was being created) is
# started afresh by --resume: nothing in it is worth keeping
printf 'not yet an HDF5 file' >"$T/fresh.h5.partial"
expect 0 "resume of a partial with no finished run" -- "$GOVSIM" run "$T/ens.ini" -o "$T/fresh.h5" -q --resume
contains "fresh.h5.partial holds no finished run that reads back: running every run" "it says so"
if command -v h5diff >/dev/null; then
	expect 0 "started afresh = uninterrupted" -- h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/fresh.h5" "$T/ens_full.h5"
fi
# A killed writer can leave the arms' names unreadable: the names follow from
# the run numbering, and resuming copies the runs that read back to their
# digest into a fresh file, so the runs are kept and the result equals an
# uninterrupted run
expect 1 "stopped ensemble (arm)" -- env GOVSIM_STOP_AFTER_RUNS=5 "$GOVSIM" run "$T/ens.ini" -o "$T/armx.h5" -q
/usr/bin/python3 - "$T/armx.h5.partial" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    done = [r for r in range(len(f["done"])) if f["done"][r]]
    f["arm"][done[0]] = "x"
PY
echo "left by a resume killed before its rename" >"$T/armx.h5.partial.resume"
expect 0 "resume of a partial with a run's arm changed" -- "$GOVSIM" run "$T/ens.ini" -o "$T/armx.h5" --resume
[ ! -e "$T/armx.h5.partial.resume" ] && [ ! -e "$T/armx.h5.partial" ] && ok || fail "resume left its fresh file or the partial"
if grep -q "did not read back to their digest" "$T/out"; then fail "the run whose arm changed keeps its data"; else ok; fi
armx_outcome="--resume: exit $got, $(said "resuming")"
if command -v h5diff >/dev/null; then
	expect 0 "resumed (arm) = uninterrupted" -- h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/armx.h5" "$T/ens_full.h5"
fi
record "a run marked done whose arm reads back wrong" "h5py edit of the partial (the arm of the first run marked done)" \
	"$armx_outcome; $(same "$T/armx.h5" "$T/ens_full.h5")"
for lim in 150 250 350; do
	rm -f "$T/cut.h5" "$T/cut.h5.partial"
	(ulimit -f $lim; "$GOVSIM" run "$T/ens.ini" -o "$T/cut.h5" -q --threads 1 >"$T/cutrun" 2>&1; echo $? >"$T/cut.rc") 2>/dev/null
	cut_outcome="the run: exit $(cat "$T/cut.rc" 2>/dev/null), $(said "." "$T/cutrun")"
	"$GOVSIM" run "$T/ens.ini" -o "$T/cut.h5" -q --resume >"$T/out" 2>&1
	st=$?
	if [ "$st" -eq 0 ]; then
		cut_outcome="$cut_outcome; --resume: exit 0, $(present "$T/cut.h5"), $(same "$T/cut.h5" "$T/ens_full.h5")"
		if command -v h5diff >/dev/null; then
			expect 0 "D15 resumed after a size limit of $lim blocks = uninterrupted" -- \
				h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/cut.h5" "$T/ens_full.h5"
		fi
	elif [ "$st" -eq 2 ] && [ ! -e "$T/cut.h5" ]; then
		cut_outcome="$cut_outcome; --resume refused (exit 2), $(present "$T/cut.h5"): $(said .)"
		ok
	else
		cut_outcome="$cut_outcome; --resume: exit $st, $(present "$T/cut.h5") (a failure)"
		fail "D15 resume after a size limit of $lim blocks: exit $st"; cat "$T/out"
	fi
	record "a partial cut by a file-size limit" "\`ulimit -f $lim\` (blocks of 512 bytes), then \`--resume\`" "$cut_outcome"
done

# D10: a bad -o is refused before anything runs
expect 2 "D10 -o empty" -- "$GOVSIM" run "$T/small.ini" -o "" -q
contains "-o needs a file name" "D10 says the name is empty"
mkdir -p "$T/adir"
expect 2 "D10 -o a directory" -- "$GOVSIM" run "$T/small.ini" -o "$T/adir" -q --force
contains "is a directory" "D10 says it is a directory"
expect 2 "D10 -o in a missing directory" -- "$GOVSIM" run "$T/small.ini" -o "$T/nodir/x.h5" -q
contains "cannot write in" "D10 says the directory is not there"

# info --verify: every run marked done read back against its digest; a changed value is found
expect 0 "info --verify of an intact file" -- "$GOVSIM" info "$T/ens_full.h5" --verify
contains "verify: 9 runs marked done, 0 whose data do not match" "info --verify counts the runs"
record "none (an intact file)" "\`govsim info --verify\`" "exit $got, $(said "verify:")"
cp "$T/ens_full.h5" "$T/changed.h5"
/usr/bin/python3 - "$T/changed.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    row = f["trust_mean"][4]
    row[0] += 0.5
    f["trust_mean"][4] = row
PY
expect 1 "info --verify of a changed file" -- "$GOVSIM" info "$T/changed.h5" --verify
contains "1 whose data do not match their digest \(the first: run 4\)" "info --verify names the changed run"
record "a changed value in a complete file" "h5py edit (one value of run 4), then \`govsim info --verify\`" \
	"exit $got, $(said "verify:")"

# bit flips and truncations of a result file (tests/fuzz/results.sh): info
# --verify and compare pass, find a changed run (1) or refuse with a message
# (2); none crashes or hangs
if sh "$(dirname "$0")/../fuzz/results.sh" "$GOVSIM" "$T/flips" >/dev/null 2>&1; then
	flip_outcome=""
	for cmd in "info --verify" compare; do
		n=0 n0=0 n1=0 n2=0 nmsg=0 bad=""
		for f in "$T"/flips/flip*.h5 "$T"/flips/cut*.h5; do
			# shellcheck disable=SC2086 # cmd is a command and its option
			"$GOVSIM" $cmd "$f" >"$T/out" 2>&1
			st=$?
			n=$((n + 1))
			case $st in
			0) n0=$((n0 + 1)) ;;
			1) n1=$((n1 + 1)) ;;
			2) n2=$((n2 + 1)); grep -q "${f##*/}" "$T/out" && nmsg=$((nmsg + 1)) ;;
			*) bad="$bad ${f##*/}:$st" ;;
			esac
		done
		[ -z "$bad" ] && ok || fail "$cmd on a changed result file crashed:$bad"
		[ "$nmsg" -eq "$n2" ] && ok || fail "$cmd refused $n2 changed files, $nmsg with a message naming the file"
		why1=""; [ "$cmd" = compare ] || why1=" (a run not matching its digest)"
		flip_outcome="$flip_outcome${flip_outcome:+; }\`$cmd\`: $n0 exit 0, $n1 exit 1$why1, $n2 refused (exit 2, $nmsg naming the file), $(echo $bad | wc -w) other${bad:+ (}${bad# }${bad:+)}"
	done
	record "bit flips and truncations of a result file" \
		"tests/fuzz/results.sh: one byte set to 0xff at $(ls "$T"/flips/flip*.h5 | wc -l) offsets, $(ls "$T"/flips/cut*.h5 | wc -l) truncations" \
		"$flip_outcome"
else
	fail "tests/fuzz/results.sh could not make the changed result files"
fi

# a time axis longer than the file could hold (the result-file fuzzer found
# verify sizing a buffer of petabytes by it): refused before anything is sized
cp "$T/ens_full.h5" "$T/longaxis.h5"
/usr/bin/python3 - "$T/longaxis.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    del f["time"]
    f.create_dataset("time", shape=(10**12,), chunks=(4096,), dtype="f8")
PY
expect 2 "info --verify of a file with an absurd time axis" -- "$GOVSIM" info "$T/longaxis.h5" --verify
contains "cannot fit in a file of" "info --verify says the axis cannot fit"
expect 2 "compare of a file with an absurd time axis" -- "$GOVSIM" compare "$T/longaxis.h5"
contains "cannot fit in a file of" "compare says the axis cannot fit"

# compare checks a file is govsim's before reading its data (the result-file
# fuzzer found HDF5 spinning on a corrupted heap of a file that was not)
cp "$T/ens_full.h5" "$T/notgovsim.h5"
/usr/bin/python3 -c "import h5py, sys; f = h5py.File(sys.argv[1], 'r+'); del f.attrs['govsim_version']" "$T/notgovsim.h5"
expect 2 "compare of a file without govsim_version" -- "$GOVSIM" compare "$T/notgovsim.h5"
contains "not a govsim result file" "compare says it is not a govsim file"

# D19: a partial resumes when the scenario is named by another spelling of its path
expect 1 "D19 stopped ensemble" -- env GOVSIM_STOP_AFTER_RUNS=3 "$GOVSIM" run "$T/ens.ini" -o "$T/d19.h5" -q
expect 0 "D19 resume by another spelling of the path" -- "$GOVSIM" run "$T/./ens.ini" -o "$T/d19.h5" -q --resume
if command -v h5diff >/dev/null; then
	expect 0 "D19 resumed = uninterrupted" -- h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/d19.h5" "$T/ens_full.h5"
fi

# D14: past a file-size limit a run is not killed silently: it exits 1 with a
# one-line message and leaves no OUT.h5
rm -f "$T/fsz.h5" "$T/fsz.h5.partial"
(ulimit -f 200; "$GOVSIM" run "$T/ens.ini" -o "$T/fsz.h5" -q --threads 1 >"$T/out" 2>&1; echo $? >"$T/fsz.rc") 2>/dev/null
[ "$(cat "$T/fsz.rc")" = 1 ] && ok || { fail "D14 run past a file-size limit: exit $(cat "$T/fsz.rc"), expected 1"; cat "$T/out"; }
contains "File too large" "D14 the limit is named"
[ "$(grep -c . "$T/out")" -le 3 ] && ok || { fail "D14 the message is a few lines, not an HDF5 stack"; cat "$T/out"; }
[ ! -e "$T/fsz.h5" ] && ok || fail "D14 no OUT.h5 after a failed write"
record "a file-size limit reached while writing" "\`ulimit -f 200\` (1 thread)" \
	"exit $(cat "$T/fsz.rc"), $(present "$T/fsz.h5"), a message of $(lines): $(said "File too large|[Ll]imit|error")"

# SIGKILL at points through an ensemble, then --resume: the uninterrupted file,
# or (a partial killed mid-write beyond reading) a refusal and no OUT.h5
cat >"$T/kill.ini" <<INI
include = $(pwd)/scenarios/default.ini
[simulation]
duration = 1y
replications = 4
[population]
citizens = 20000
INI
kill_t0=$(date +%s.%N)
expect 0 "the ensemble uninterrupted" -- "$GOVSIM" run "$T/kill.ini" -o "$T/kill_full.h5" -q --threads 2
# the kills at a fifth, a half and four fifths of the uninterrupted run's time
# (fixed delays fell after its end once runs got faster), a tenth of a second at least
kill_wall=$(awk "BEGIN { print $(date +%s.%N) - $kill_t0 }")
for frac in 0.2 0.5 0.8; do
	delay=$(awk "BEGIN { d = $kill_wall * $frac; printf \"%.2f\", (d < 0.1 ? 0.1 : d) }")
	rm -f "$T/kill.h5" "$T/kill.h5.partial"
	"$GOVSIM" run "$T/kill.ini" -o "$T/kill.h5" -q --threads 2 >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	kill_how="\`kill -KILL\` after $delay s (12 runs, 20,000 citizens, 2 threads), then \`--resume\`"
	if [ -e "$T/kill.h5" ]; then # it finished before the kill
		record "SIGKILL during an ensemble" "$kill_how" "finished before the kill ($(present "$T/kill.h5")); not resumed"
		ok; continue
	fi
	kill_partial=$(present "$T/kill.h5.partial")
	"$GOVSIM" run "$T/kill.ini" -o "$T/kill.h5" --threads 2 --resume >"$T/out" 2>&1
	st=$?
	kill_outcome="killed: $kill_partial; --resume: exit $st, $(said "resum|nothing to resume|refus|cannot")"
	if [ "$st" -eq 0 ] && command -v h5diff >/dev/null; then
		expect 0 "SIGKILL after ${delay}s, resumed = uninterrupted" -- \
			h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/kill.h5" "$T/kill_full.h5"
		kill_outcome="$kill_outcome; resumed: $(same "$T/kill.h5" "$T/kill_full.h5")"
	elif [ "$st" -eq 2 ] && [ ! -e "$T/kill.h5" ]; then
		kill_outcome="$kill_outcome; refused (exit 2), $(present "$T/kill.h5")"
		ok
	else
		kill_outcome="$kill_outcome (a failure)"
		fail "SIGKILL after ${delay}s then --resume: exit $st"; cat "$T/out"
	fi
	record "SIGKILL during an ensemble" "$kill_how" "$kill_outcome"
done

# out of memory (ulimit -v): exit 1 naming the run and the cause, the partial
# mentioned (not under AddressSanitizer, which reserves terabytes of address space)
if "$GOVSIM" --version | grep -q 'fsanitize=address'; then
	echo "   (out of memory not tried: this build runs under AddressSanitizer)"
	record "out of memory" "\`ulimit -v 500000\` and 30 million citizens" \
		"not tried: this build runs under AddressSanitizer, which reserves terabytes of address space"
else
	rm -f "$T/oom.h5" "$T/oom.h5.partial"
	(ulimit -v 500000; "$GOVSIM" run scenarios/default.ini -o "$T/oom.h5" -q --threads 1 \
		--set population.citizens=30000000 --set simulation.duration=10d >"$T/out" 2>&1; echo $? >"$T/oom.rc") 2>/dev/null
	[ "$(cat "$T/oom.rc")" = 1 ] && ok || { fail "out of memory: exit $(cat "$T/oom.rc"), expected 1"; cat "$T/out"; }
	contains "run 0 \\(arm npm, point 0, replication 0\\): out of memory for the world of 30000000 citizens" "out of memory names the run and the cause"
	contains "finished runs kept in .*oom.h5.partial" "out of memory mentions the partial"
	[ ! -e "$T/oom.h5" ] && ok || fail "out of memory left OUT.h5"
	record "out of memory" "\`ulimit -v 500000\` and 30 million citizens (1 thread)" \
		"exit $(cat "$T/oom.rc"), $(present "$T/oom.h5"), $(present "$T/oom.h5.partial"); $(said "out of memory"); $(said "finished runs kept")"
fi

# disk full, on a small tmpfs where this machine lets the tests mount one,
# else with writes failing with ENOSPC after 400 KiB (tests/cli/enospc.c,
# LD_PRELOAD): exit 1 with the system's one-line message, no OUT.h5
disk_full() { # HOW DIR, the command's environment before it
	how=$1; dir=$2; shift 2
	expect 1 "disk full ($how)" -- env "$@" "$GOVSIM" run "$T/ens.ini" -o "$dir/full.h5" -q
	contains "No space left on device" "disk full is named ($how)"
	[ "$(grep -c . "$T/out")" -le 3 ] && ok || { fail "disk full ($how): a few lines, not an HDF5 stack"; cat "$T/out"; }
	[ ! -e "$dir/full.h5" ] && ok || fail "disk full ($how) left OUT.h5"
	record "disk full" "$how" "exit $got, $(present "$dir/full.h5"), a message of $(lines): $(said "No space|error")"
}
mkdir -p "$T/tiny"
if mount -t tmpfs -o size=400k tmpfs "$T/tiny" 2>"$T/mount.err"; then
	disk_full "a 400 KiB tmpfs" "$T/tiny"
	umount "$T/tiny"
else
	echo "   (no tmpfs: this machine does not let the tests mount one)"
	record "disk full" "a 400 KiB tmpfs" \
		"not tried: this machine does not let the tests mount a tmpfs ($(said . "$T/mount.err"))"
fi
if [ -n "${GOVSIM_ENOSPC_SHIM:-}" ] && [ -f "$GOVSIM_ENOSPC_SHIM" ]; then
	mkdir -p "$T/shim"
	disk_full "writes fail with ENOSPC after 400 KiB (LD_PRELOAD)" "$T/shim" \
		LD_PRELOAD="$GOVSIM_ENOSPC_SHIM" GOVSIM_ENOSPC_AFTER=409600 ASAN_OPTIONS=verify_asan_link_order=0
else
	echo "   (ENOSPC shim not given: GOVSIM_ENOSPC_SHIM)"
	record "disk full" "writes fail with ENOSPC after 400 KiB (LD_PRELOAD)" "not tried: no shim given"
fi

# D18: a second run writing the same -o while the first runs never touches its
# partial (with or without --force); the first finishes with an intact file
"$GOVSIM" run scenarios/default.ini -o "$T/same.h5" -q --set population.citizens=200000 \
	--set simulation.duration=1y >"$T/first" 2>&1 &
pid=$!
i=0
while [ ! -e "$T/same.h5.partial" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
expect 2 "D18 second writer without --force" -- "$GOVSIM" run scenarios/default.ini -o "$T/same.h5" -q
contains "same.h5.partial exists" "D18 the second writer says the partial exists"
d18_outcome="the second: exit $got, $(said "exists")"
expect 1 "D18 second writer with --force" -- "$GOVSIM" run scenarios/default.ini -o "$T/same.h5" -q --force
contains "being written by another govsim" "D18 the second writer says another process writes it"
d18_outcome="$d18_outcome; with --force: exit $got, $(said "another govsim")"
expect 2 "D18 --resume of a partial being written" -- "$GOVSIM" run scenarios/default.ini -o "$T/same.h5" -q --resume
contains "being written by another govsim" "D18 resume refuses a partial being written"
d18_outcome="$d18_outcome; with --resume: exit $got"
wait $pid
st=$?
[ "$st" -eq 0 ] && ok || { fail "D18 the first writer exit $st, expected 0"; cat "$T/first"; }
expect 0 "D18 the first writer's file is intact" -- "$GOVSIM" info "$T/same.h5"
contains "arms: 3" "D18 info reads every arm of the file"
record "two writers to one \`-o\`" "a second \`govsim run\` while the first runs (200,000 citizens, 1 year)" \
	"$d18_outcome; the first: exit $st, $(present "$T/same.h5"), \`govsim info\` exit $got, $(said "arms:")"

# D13: --resume with no partial does not overwrite a complete file without --force
expect 2 "D13 --resume of a complete file" -- "$GOVSIM" run scenarios/default.ini -o "$T/same.h5" -q --resume
contains "same.h5 is complete" "D13 says the file is complete"
# a stale partial is started again only with --force
: >"$T/stale.h5.partial"
expect 2 "stale partial without --force" -- "$GOVSIM" run "$T/small.ini" -o "$T/stale.h5" -q
expect 0 "stale partial with --force" -- "$GOVSIM" run "$T/small.ini" -o "$T/stale.h5" -q --force
[ -s "$T/stale.h5" ] && [ ! -e "$T/stale.h5.partial" ] && ok || fail "--force replaced the stale partial"

# GOVSIM_CHECK=census: every measure also counts every citizen and compares
# it with the census kept by events (aborting on a difference beyond the
# tolerances of models/census.h); the results are those of a run without it
for sc in scenarios/default.ini scenarios/examples/emergency.ini scenarios/examples/transition.ini \
	scenarios/published/buurtzorg.ini scenarios/bench/small.ini; do
	name=$(basename "$sc" .ini)
	expect 0 "GOVSIM_CHECK=census $name" -- env GOVSIM_CHECK=census "$GOVSIM" run "$sc" \
		-o "$T/census-$name.h5" -q --threads 2 --set simulation.replications=1
	expect 0 "$name without the check" -- "$GOVSIM" run "$sc" -o "$T/plain-$name.h5" -q --threads 1 \
		--set simulation.replications=1
	if command -v h5diff >/dev/null; then
		h5diff --exclude-path /provenance "$T/census-$name.h5" "$T/plain-$name.h5" >/dev/null 2>&1 &&
			ok || fail "GOVSIM_CHECK=census $name: results differ from a run without it"
	fi
done
expect 0 "GOVSIM_CHECK with other words" -- env GOVSIM_CHECK=foo,census "$GOVSIM" run "$T/small.ini" \
	-o "$T/census-words.h5" -q --force

echo "== CLI: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
