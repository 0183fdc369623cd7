#!/bin/sh
# tests/cli/run.sh - the command line as users meet it: help, exit codes,
# messages, scenario checks, output files, interruption.
# usage: tests/cli/run.sh build/govsim
set -u
GOVSIM=${1:-build/govsim}
T=$(mktemp -d /tmp/govsim-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
pass=0

ok() { pass=$((pass + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect STATUS DESCRIPTION -- command...   (stdout+stderr saved in $T/out)
expect() {
	want=$1; what=$2; shift 3
	"$@" >"$T/out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else fail "$what: exit $got, expected $want"; sed 's/^/    /' "$T/out" | head -20; fi
}
# contains PATTERN DESCRIPTION   (grep -E on $T/out)
contains() {
	if grep -Eq -- "$1" "$T/out"; then ok; else fail "$2: output lacks /$1/"; sed 's/^/    /' "$T/out" | head -20; fi
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
expect 2 "resume with other parameters" -- "$GOVSIM" run "$T/ens.ini" -o "$T/ens.h5" --resume --set regime.discretion=0.5
contains "other parameters: regime.discretion" "resume refuses other parameters"
expect 0 "resume" -- "$GOVSIM" run "$T/ens.ini" -o "$T/ens.h5" --resume
contains "[4-5] of 9 runs done" "resume counts the runs done (a run in flight may finish too)"
[ -s "$T/ens.h5" ] && [ ! -e "$T/ens.h5.partial" ] && ok || fail "resume leaves OUT.h5 only"
expect 0 "uninterrupted ensemble" -- "$GOVSIM" run "$T/ens.ini" -o "$T/ens_full.h5" -q
if command -v h5diff >/dev/null; then
	expect 0 "resumed = uninterrupted" -- h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/ens.h5" "$T/ens_full.h5"
fi

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
if command -v h5diff >/dev/null; then
	expect 0 "D15 resumed = uninterrupted" -- h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/d15.h5" "$T/ens_full.h5"
fi
for lim in 150 250 350; do
	rm -f "$T/cut.h5" "$T/cut.h5.partial"
	(ulimit -f $lim; "$GOVSIM" run "$T/ens.ini" -o "$T/cut.h5" -q --threads 1; true) >/dev/null 2>&1
	"$GOVSIM" run "$T/ens.ini" -o "$T/cut.h5" -q --resume >"$T/out" 2>&1
	st=$?
	if [ "$st" -eq 0 ]; then
		if command -v h5diff >/dev/null; then
			expect 0 "D15 resumed after a size limit of $lim blocks = uninterrupted" -- \
				h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/cut.h5" "$T/ens_full.h5"
		fi
	elif [ "$st" -eq 2 ] && [ ! -e "$T/cut.h5" ]; then
		ok
	else
		fail "D15 resume after a size limit of $lim blocks: exit $st"; cat "$T/out"
	fi
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
expect 0 "the ensemble uninterrupted" -- "$GOVSIM" run "$T/kill.ini" -o "$T/kill_full.h5" -q --threads 2
for delay in 0.3 0.7 1.1; do
	rm -f "$T/kill.h5" "$T/kill.h5.partial"
	"$GOVSIM" run "$T/kill.ini" -o "$T/kill.h5" -q --threads 2 >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	if [ -e "$T/kill.h5" ]; then ok; continue; fi # it finished before the kill
	"$GOVSIM" run "$T/kill.ini" -o "$T/kill.h5" -q --threads 2 --resume >"$T/out" 2>&1
	st=$?
	if [ "$st" -eq 0 ] && command -v h5diff >/dev/null; then
		expect 0 "SIGKILL after ${delay}s, resumed = uninterrupted" -- \
			h5diff --exclude-path /provenance --exclude-path /bin_edge "$T/kill.h5" "$T/kill_full.h5"
	elif [ "$st" -eq 2 ] && [ ! -e "$T/kill.h5" ]; then
		ok
	else
		fail "SIGKILL after ${delay}s then --resume: exit $st"; cat "$T/out"
	fi
done

# out of memory (ulimit -v): exit 1 naming the run and the cause, the partial
# mentioned (not under AddressSanitizer, which reserves terabytes of address space)
if "$GOVSIM" --version | grep -q 'fsanitize=address'; then
	echo "   (out of memory not tried: this build runs under AddressSanitizer)"
else
	rm -f "$T/oom.h5" "$T/oom.h5.partial"
	(ulimit -v 500000; "$GOVSIM" run scenarios/default.ini -o "$T/oom.h5" -q --threads 1 \
		--set population.citizens=30000000 --set simulation.duration=10d >"$T/out" 2>&1; echo $? >"$T/oom.rc") 2>/dev/null
	[ "$(cat "$T/oom.rc")" = 1 ] && ok || { fail "out of memory: exit $(cat "$T/oom.rc"), expected 1"; cat "$T/out"; }
	contains "run 0 \\(arm npm, point 0, replication 0\\): out of memory for the world of 30000000 citizens" "out of memory names the run and the cause"
	contains "finished runs kept in .*oom.h5.partial" "out of memory mentions the partial"
	[ ! -e "$T/oom.h5" ] && ok || fail "out of memory left OUT.h5"
fi

# disk full, on a small tmpfs where this machine lets the tests mount one:
# exit 1 with the system's one-line message, no OUT.h5
mkdir -p "$T/tiny"
if mount -t tmpfs -o size=400k tmpfs "$T/tiny" 2>/dev/null; then
	expect 1 "disk full" -- "$GOVSIM" run "$T/ens.ini" -o "$T/tiny/full.h5" -q
	contains "No space left on device" "disk full is named"
	[ "$(grep -c . "$T/out")" -le 3 ] && ok || { fail "disk full: a few lines, not an HDF5 stack"; cat "$T/out"; }
	[ ! -e "$T/tiny/full.h5" ] && ok || fail "disk full left OUT.h5"
	umount "$T/tiny"
else
	echo "   (disk full not tried: this machine does not let the tests mount a tmpfs)"
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
expect 1 "D18 second writer with --force" -- "$GOVSIM" run scenarios/default.ini -o "$T/same.h5" -q --force
contains "being written by another govsim" "D18 the second writer says another process writes it"
expect 2 "D18 --resume of a partial being written" -- "$GOVSIM" run scenarios/default.ini -o "$T/same.h5" -q --resume
contains "being written by another govsim" "D18 resume refuses a partial being written"
wait $pid
st=$?
[ "$st" -eq 0 ] && ok || { fail "D18 the first writer exit $st, expected 0"; cat "$T/first"; }
expect 0 "D18 the first writer's file is intact" -- "$GOVSIM" info "$T/same.h5"
contains "arms: 3" "D18 info reads every arm of the file"

# D13: --resume with no partial does not overwrite a complete file without --force
expect 2 "D13 --resume of a complete file" -- "$GOVSIM" run scenarios/default.ini -o "$T/same.h5" -q --resume
contains "same.h5 is complete" "D13 says the file is complete"
# a stale partial is started again only with --force
: >"$T/stale.h5.partial"
expect 2 "stale partial without --force" -- "$GOVSIM" run "$T/small.ini" -o "$T/stale.h5" -q
expect 0 "stale partial with --force" -- "$GOVSIM" run "$T/small.ini" -o "$T/stale.h5" -q --force
[ -s "$T/stale.h5" ] && [ ! -e "$T/stale.h5.partial" ] && ok || fail "--force replaced the stale partial"

echo "== CLI: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
