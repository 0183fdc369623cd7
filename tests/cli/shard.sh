#!/bin/sh
# tests/cli/shard.sh - `govsim run --shard K/N` and `govsim merge`: a sweep
# of two arms run as three shards and merged equals the file of one run;
# every bad input is refused with exit 2, one line naming the file, and
# leaves no output behind.
# usage: tests/cli/shard.sh build/govsim
set -u
GOVSIM=${1:-build/govsim}
T=$(mktemp -d /tmp/govsim-shard-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"
# same A B DESCRIPTION: the results of two files are equal (h5diff, provenance aside)
same() {
	if command -v h5diff >/dev/null; then
		expect 0 "$3" -- h5diff --exclude-path /provenance --exclude-path /bin_edge "$1" "$2"
	fi
}
# refused DESCRIPTION PATTERN -- merge arguments...: exit 2, one line matching
# PATTERN, and neither $T/m.h5 nor $T/m.h5.partial left
refused() {
	what=$1; pattern=$2; shift 3
	rm -f "$T/m.h5" "$T/m.h5.partial"
	expect 2 "$what" -- "$GOVSIM" merge "$@" -o "$T/m.h5"
	contains "$pattern" "$what: the message"
	one_line "$what"
	[ ! -e "$T/m.h5" ] && [ ! -e "$T/m.h5.partial" ] && ok || fail "$what: left an output file"
}

echo "== shard and merge tests ($GOVSIM)"
SC=tests/golden/sweep_events.ini # 2 arms x 4 sweep points x 2 replications = 16 runs

expect 0 "merge --help" -- "$GOVSIM" merge --help
contains "usage: govsim merge" "merge --help"
expect 0 "run --help names --shard" -- "$GOVSIM" run --help
contains "--shard K/N" "run --help names --shard"

# the plan in one run, and in three shards of one thread each, merged in any order
expect 0 "the whole plan" -- "$GOVSIM" run "$SC" -o "$T/full.h5" -q --threads 2
for k in 1 2 3; do
	expect 0 "shard $k/3" -- "$GOVSIM" run "$SC" --shard $k/3 -o "$T/s.$k.h5" --threads 1
done
contains "shard 3/3: 5 of the 16 runs" "a shard says which runs it holds"
[ ! -e "$T/s.3.h5.partial" ] && ok || fail "a shard left its partial"
expect 0 "a shard verifies" -- "$GOVSIM" info "$T/s.2.h5" --verify
contains "verify: 5 runs marked done, 0 whose" "a shard holds its 5 runs done"
contains "shard 2 of 3: only its 5 runs \(1, 1\+3, ...\) are in this file" "info says the file is a shard"
expect 0 "merge" -- "$GOVSIM" merge "$T/s.3.h5" "$T/s.1.h5" "$T/s.2.h5" -o "$T/merged.h5"
contains "merged 3 shard files into" "merge says what it wrote"
[ -s "$T/merged.h5" ] && [ ! -e "$T/merged.h5.partial" ] && ok || fail "merge leaves OUT.h5 only"
same "$T/merged.h5" "$T/full.h5" "3 shards merged = the whole plan in one run"
expect 0 "the merged file verifies" -- "$GOVSIM" info "$T/merged.h5" --verify
contains "verify: 16 runs marked done, 0 whose" "every run of the merged file is done"
contains "merged_shards +3" "the merged file records the merge"
if grep -Eq "^  shard " "$T/out"; then fail "the merged file still says it is a shard"; else ok; fi
expect 0 "compare a merged file" -- "$GOVSIM" compare "$T/merged.h5"
# the comparison must fail when the results differ: a shard of another seed
expect 0 "shards of another seed" -- "$GOVSIM" run "$SC" --shard 1/1 -o "$T/seed.1.h5" -q --seed 9
expect 0 "merge one shard of one" -- "$GOVSIM" merge "$T/seed.1.h5" -o "$T/seed.h5" -q
if command -v h5diff >/dev/null; then
	expect 1 "another seed differs (h5diff can fail)" -- h5diff --exclude-path /provenance \
		--exclude-path /bin_edge "$T/seed.h5" "$T/full.h5"
fi
expect 2 "merge onto an existing file" -- "$GOVSIM" merge "$T/s.1.h5" "$T/s.2.h5" "$T/s.3.h5" -o "$T/merged.h5"
contains "merged.h5 exists; use --force" "merge does not overwrite without --force"
expect 0 "merge --force" -- "$GOVSIM" merge "$T/s.1.h5" "$T/s.2.h5" "$T/s.3.h5" -o "$T/merged.h5" --force -q
same "$T/merged.h5" "$T/full.h5" "merged again with --force = the whole plan"

# --shard is checked before anything runs: one line naming it and the range
for bad in 0/3 4/3 3 1/0 a/3 2/x /3 -1/3; do
	expect 2 "--shard $bad" -- "$GOVSIM" run "$SC" --shard "$bad" -o "$T/bad.h5" -q
	contains "--shard needs K/N.*K from 1 to N and N from 1 to" "--shard $bad names the range"
	one_line "--shard $bad"
done
expect 2 "--shard without a value" -- "$GOVSIM" run "$SC" --shard
expect 2 "more shards than runs" -- "$GOVSIM" run "$SC" --shard 2/17 -o "$T/bad.h5" -q
contains "--shard 2/17: the plan has 16 runs, so at most 16 shards" "more shards than runs"
[ ! -e "$T/bad.h5" ] && [ ! -e "$T/bad.h5.partial" ] && ok || fail "a bad --shard left a file"

# a shard stopped, refused by merge, resumed only as the same shard, then merged
expect 1 "a stopped shard" -- env GOVSIM_STOP_AFTER_RUNS=2 "$GOVSIM" run "$SC" --shard 2/3 -o "$T/r.2.h5" -q --threads 1
contains "complete it with: .* --shard 2/3 -o .*r.2.h5 --resume" "the stop says how to resume the shard"
refused "an incomplete shard" "r.2.h5.partial: shard 2/3 is incomplete: 2 of its 5 runs done" -- \
	"$T/s.1.h5" "$T/r.2.h5.partial" "$T/s.3.h5"
expect 2 "resume as another shard" -- "$GOVSIM" run "$SC" --shard 1/3 -o "$T/r.2.h5" -q --resume
contains "written as shard 2/3, not for --shard 1/3" "resume names the shard it was"
expect 2 "resume a shard without --shard" -- "$GOVSIM" run "$SC" -o "$T/r.2.h5" -q --resume
contains "written as shard 2/3, not for a run without --shard" "resume without --shard refused"
expect 0 "resume the shard" -- "$GOVSIM" run "$SC" --shard 2/3 -o "$T/r.2.h5" --resume
contains "resuming .*r.2.h5.partial: 2 of 5 runs of shard 2/3 done" "resume counts the shard's runs"
expect 0 "merge with the resumed shard" -- "$GOVSIM" merge "$T/s.1.h5" "$T/r.2.h5" "$T/s.3.h5" -o "$T/resumed.h5"
same "$T/resumed.h5" "$T/full.h5" "merged with a resumed shard = the whole plan"

# bad inputs: exit 2, one line naming the file and what is wrong, no output left
refused "a missing shard" "shard 2/3 is missing" -- "$T/s.1.h5" "$T/s.3.h5"
refused "a duplicate shard" "s.2.h5: shard 2/3 again \(.*r.2.h5 is shard 2/3 too\)" -- \
	"$T/s.1.h5" "$T/r.2.h5" "$T/s.2.h5" "$T/s.3.h5"
refused "a file given twice" "s.3.h5: given twice" -- "$T/s.1.h5" "$T/s.2.h5" "$T/s.3.h5" "$T/s.3.h5"
sed 's/^citizens = 1500$/citizens = 1600/' "$SC" >"$T/other.ini"
sed -i "s|^include = \.\./\.\./|include = $(pwd)/|" "$T/other.ini"
expect 0 "a shard of another scenario" -- "$GOVSIM" run "$T/other.ini" --shard 2/3 -o "$T/o.2.h5" -q
refused "another scenario" "o.2.h5: written for another scenario than .*s.1.h5" -- \
	"$T/s.1.h5" "$T/o.2.h5" "$T/s.3.h5"
expect 0 "a shard of another seed" -- "$GOVSIM" run "$SC" --shard 2/3 -o "$T/e.2.h5" -q --seed 5
refused "another seed" "e.2.h5: seed 5, but .*s.1.h5 has seed" -- "$T/s.1.h5" "$T/e.2.h5" "$T/s.3.h5"
expect 0 "a shard of other parameters" -- "$GOVSIM" run "$SC" --shard 2/3 -o "$T/p.2.h5" -q \
	--set workforce.deterrence=5
refused "other parameters" "p.2.h5: other parameters than .*: workforce.deterrence of arm" -- \
	"$T/s.1.h5" "$T/p.2.h5" "$T/s.3.h5"
expect 0 "a shard of four" -- "$GOVSIM" run "$SC" --shard 2/4 -o "$T/f.2.h5" -q
refused "another number of shards" "f.2.h5: shard 2/4, but .*s.1.h5 is a shard of 3" -- \
	"$T/s.1.h5" "$T/f.2.h5" "$T/s.3.h5"
refused "not a shard" "full.h5: not a shard" -- "$T/s.1.h5" "$T/full.h5" "$T/s.3.h5"
refused "a merged file" "merged.h5: not a shard" -- "$T/merged.h5"
echo "not hdf5" >"$T/junk.h5"
refused "not an HDF5 file" "junk.h5: not an HDF5 file" -- "$T/s.1.h5" "$T/junk.h5" "$T/s.3.h5"
refused "a missing file" "nope.h5: cannot open" -- "$T/s.1.h5" "$T/nope.h5" "$T/s.3.h5"
cp "$T/s.2.h5" "$T/v.2.h5"
cp "$T/s.2.h5" "$T/d.2.h5"
cp "$T/s.1.h5" "$T/d.1.h5"
/usr/bin/python3 - "$T" <<'PY'
import sys, h5py
t = sys.argv[1]
with h5py.File(t + "/plain.h5", "w") as f:
    f["x"] = [1.0, 2.0]
with h5py.File(t + "/v.2.h5", "r+") as f:
    f.attrs["govsim_version"] = "0.0.1"
for name, run in (("d.2.h5", 4), ("d.1.h5", 3)):
    with h5py.File(t + "/" + name, "r+") as f:
        row = f["needs_met"][run]
        row[3] += 1
        f["needs_met"][run] = row
PY
refused "an HDF5 file not of govsim" "plain.h5: not a govsim result file" -- "$T/s.1.h5" "$T/plain.h5" "$T/s.3.h5"
refused "another govsim version" "v.2.h5: written by govsim 0.0.1" -- "$T/s.1.h5" "$T/v.2.h5" "$T/s.3.h5"
refused "a damaged shard" "d.2.h5: run 4 of shard 2/3 does not read back to its digest" -- \
	"$T/s.1.h5" "$T/d.2.h5" "$T/s.3.h5"
# shard 1's file is the one the merged file starts from: its runs are read back in the copy
refused "a damaged shard 1" "d.1.h5: run 3 of shard 1/3 does not read back to its digest" -- \
	"$T/s.3.h5" "$T/d.1.h5" "$T/s.2.h5"
expect 2 "merge without -o" -- "$GOVSIM" merge "$T/s.1.h5"
contains "no output given" "merge without -o"
expect 2 "merge without files" -- "$GOVSIM" merge -o "$T/m.h5"
contains "no shard files given" "merge without files"

echo "== shard and merge: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
