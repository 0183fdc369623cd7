#!/bin/sh
# tests/cli/mpi.sh - build/govsim-mpi (make mpi): a sweep of two arms run
# by 3 ranks (and by 1) into one file with parallel HDF5 equals the file
# of the serial `govsim run`; a bad output is refused before anything runs;
# a job stopped (a signal, a time limit), killed, or with a rank that fails
# keeps its finished runs, names the runs lost, and is completed by
# --resume with another number of ranks (or by the serial build) into the
# serial file; --shard files merge into it.
# usage: tests/cli/mpi.sh build/govsim build/govsim-mpi
set -u
GOVSIM=${1:-build/govsim}
GOVSIM_MPI=${2:-build/govsim-mpi}
T=$(mktemp -d /tmp/govsim-mpi-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"
# mpirun as root in a container needs these; OMPI_MCA_* keep Open MPI off networks it cannot use
MPIRUN="mpirun --allow-run-as-root --oversubscribe"
export OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
# when a rank dies, Open MPI sends the others SIGTERM, then SIGKILL after this many
# seconds (default 1): time for rank 0 to name the runs lost, also on a busy machine
export OMPI_MCA_odls_base_sigkill_timeout=5

echo "== MPI tests ($GOVSIM_MPI)"
SC=tests/golden/sweep_events.ini # 2 arms x 4 sweep points x 2 replications = 16 runs
expect 0 "the serial file" -- "$GOVSIM" run "$SC" -o "$T/serial.h5" -q --threads 2
for np in 3 1; do
	expect 0 "$np ranks" -- $MPIRUN -np $np "$GOVSIM_MPI" run "$SC" -o "$T/mpi$np.h5" --threads 1
	contains "16 runs written to" "$np ranks: every run written"
	[ -s "$T/mpi$np.h5" ] && [ ! -e "$T/mpi$np.h5.partial" ] && ok || fail "$np ranks: OUT.h5 only"
	expect 0 "$np ranks = serial (h5diff)" -- h5diff --exclude-path /provenance \
		--exclude-path /bin_edge "$T/mpi$np.h5" "$T/serial.h5"
	expect 0 "$np ranks: every run verifies" -- "$GOVSIM" info "$T/mpi$np.h5" --verify
	contains "verify: 16 runs marked done, 0 whose" "$np ranks: 16 runs done"
done
# the comparison can fail: another seed differs
expect 0 "3 ranks, another seed" -- $MPIRUN -np 3 "$GOVSIM_MPI" run "$SC" -o "$T/seed.h5" -q --seed 3
expect 1 "another seed differs (h5diff)" -- h5diff --exclude-path /provenance \
	--exclude-path /bin_edge "$T/seed.h5" "$T/serial.h5"
# refused before anything runs: an existing file, a bad scenario
expect 2 "an existing output" -- $MPIRUN -np 3 "$GOVSIM_MPI" run "$SC" -o "$T/mpi3.h5" -q
contains "mpi3.h5 exists; use --force" "an existing output is named"
expect 0 "--force" -- $MPIRUN -np 3 "$GOVSIM_MPI" run "$SC" -o "$T/mpi3.h5" -q --force
expect 2 "an output in a missing folder" -- $MPIRUN -np 3 "$GOVSIM_MPI" run "$SC" -o "$T/no/x.h5" -q
contains "cannot write in .*/no" "a missing folder is named"
expect 2 "a bad --set" -- $MPIRUN -np 3 "$GOVSIM_MPI" run "$SC" -o "$T/bad.h5" -q --set regime.discretion=7
[ ! -e "$T/bad.h5" ] && [ ! -e "$T/bad.h5.partial" ] && ok || fail "a bad --set left a file"


# same -- FILE...: each h5diff-equal to the serial file (provenance aside)
same() {
	shift
	for f in "$@"; do
		expect 0 "$f = serial (h5diff)" -- h5diff --exclude-path /provenance \
			--exclude-path /bin_edge "$f" "$T/serial.h5"
	done
}
# no_final OUT: a job that did not finish left OUT.partial, not OUT
no_final() {
	[ ! -e "$1" ] && [ -s "$1.partial" ] && ok || fail "$2: no $1, a partial"
}
# runs_done FILE N: govsim info --verify: N runs marked done, none damaged
runs_done() {
	expect 0 "$3: the partial verifies" -- "$GOVSIM" info "$1" --verify
	contains "verify: $2 runs marked done, 0 whose" "$3: $2 runs done"
}

# -- stopped as by a time limit after 2 runs on each of 3 ranks, resumed by 2 ranks
expect 1 "stopped after 2 runs a rank" -- env GOVSIM_STOP_AFTER_RUNS=2 $MPIRUN -np 3 \
	"$GOVSIM_MPI" run "$SC" -o "$T/st.h5" --threads 1
contains "interrupted; 10 runs not started; 6 of 16 runs done are kept in .*st.h5.partial" \
	"stopped: what is kept is said"
contains "complete it with: mpirun -np 3 .*govsim-mpi run $SC -o .*st.h5 --threads 1 --resume" \
	"stopped: the command that completes it"
no_final "$T/st.h5" "stopped"
runs_done "$T/st.h5.partial" 6 "stopped"
cp "$T/st.h5.partial" "$T/st-copy.h5.partial"
expect 2 "--resume with another seed is refused" -- $MPIRUN -np 2 "$GOVSIM_MPI" run "$SC" \
	-o "$T/st.h5" --resume --seed 3
contains "written with other parameters: simulation.seed" "another seed: named"
cmp -s "$T/st.h5.partial" "$T/st-copy.h5.partial" && ok || fail "a refused resume changed the partial"
expect 0 "resumed by 2 ranks" -- $MPIRUN -np 2 "$GOVSIM_MPI" run "$SC" -o "$T/st.h5" --resume
contains "resuming .*st.h5.partial: 6 of 16 runs done; running runs 6, 7, 8, 9, 10, 11, 12, 13, 14, 15" \
	"resumed: the runs done and the runs run are named"
contains "10 runs written to" "resumed: the 10 runs left written"
[ -s "$T/st.h5" ] && [ ! -e "$T/st.h5.partial" ] && ok || fail "resumed: OUT.h5 only"
same -- "$T/st.h5"
expect 0 "resumed: every run verifies" -- "$GOVSIM" info "$T/st.h5" --verify
expect 2 "--resume of a complete file" -- $MPIRUN -np 2 "$GOVSIM_MPI" run "$SC" -o "$T/st.h5" --resume
contains "st.h5 is complete" "a complete file: said"
# the serial build completes an MPI partial, and the MPI build a serial one
mv "$T/st-copy.h5.partial" "$T/cross.h5.partial"
expect 0 "the serial build resumes an MPI partial" -- "$GOVSIM" run "$SC" -o "$T/cross.h5" \
	--resume -q
expect 1 "a serial run stopped after 5 runs" -- env GOVSIM_STOP_AFTER_RUNS=5 "$GOVSIM" run \
	"$SC" -o "$T/cross2.h5" -q --threads 1
expect 0 "3 ranks resume a serial partial" -- $MPIRUN -np 3 "$GOVSIM_MPI" run "$SC" \
	-o "$T/cross2.h5" --resume
contains "resuming .*cross2.h5.partial: 5 of 16 runs done" "a serial partial: 5 runs kept"
same -- "$T/cross.h5" "$T/cross2.h5"
# a run damaged in the partial is run again, never kept
expect 1 "stopped again" -- env GOVSIM_STOP_AFTER_RUNS=2 $MPIRUN -np 3 "$GOVSIM_MPI" run "$SC" \
	-o "$T/dmg.h5" --threads 1 -q
/usr/bin/python3 -c '
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    r = int(np.flatnonzero(f["done"][:])[0])
    f["needs_met"][r, 3] += 1
' "$T/dmg.h5.partial" && ok || fail "could not change the partial"
expect 0 "a damaged partial resumed by 1 rank" -- $MPIRUN -np 1 "$GOVSIM_MPI" run "$SC" \
	-o "$T/dmg.h5" --resume -q
contains "5 of 16 runs done; 1 more marked done did not read back to their digest" \
	"the damaged run is named and run again"
same -- "$T/dmg.h5"

# -- a rank whose run fails: the others go on; that run is named and rerun by --resume
expect 1 "rank 1 fails" -- env GOVSIM_FAIL_RANK=1 $MPIRUN -np 3 "$GOVSIM_MPI" run "$SC" \
	-o "$T/fr.h5" --threads 1
contains "rank 1: run [0-9]+ \(arm [a-z]+, point [0-9], replication [0-9]\): failed on purpose" \
	"the failed run and its rank are named"
contains "1 run failed \(run [0-9]+\); 15 of 16 runs done are kept in .*fr.h5.partial" \
	"the other ranks ran every other run"
failed_run=$(sed -n 's/.*1 run failed (run \([0-9]*\)).*/\1/p' "$T/out")
no_final "$T/fr.h5" "a failed rank"
runs_done "$T/fr.h5.partial" 15 "a failed rank"
expect 0 "resumed by 2 ranks" -- $MPIRUN -np 2 "$GOVSIM_MPI" run "$SC" -o "$T/fr.h5" --resume
contains "15 of 16 runs done; running run $failed_run\$" "the failed run is the one run again"
same -- "$T/fr.h5"
expect 1 "every rank fails" -- env GOVSIM_FAIL_RANK=0 $MPIRUN -np 1 "$GOVSIM_MPI" run "$SC" \
	-o "$T/fr0.h5"
contains "rank 0: run 0 .*failed on purpose" "one rank, its first run"
contains "1 run failed \(run 0\); 15 runs not started; 0 of 16 runs done" "nothing done: said"
no_final "$T/fr0.h5" "every rank fails"

# -- shards: shard 2/3 by 2 ranks merges with the serial build's shards 1/3 and 3/3
expect 0 "shard 2/3 on 2 ranks" -- $MPIRUN -np 2 "$GOVSIM_MPI" run "$SC" -o "$T/sh.2.h5" \
	--shard 2/3
contains "5 runs on 2 ranks x [0-9]+ threads? -> .*sh.2.h5 \(shard 2/3 of 16 runs\)" "a shard's runs"
for k in 1 3; do
	expect 0 "serial shard $k/3" -- "$GOVSIM" run "$SC" -o "$T/sh.$k.h5" --shard $k/3 -q
done
expect 0 "merge" -- "$GOVSIM" merge "$T/sh.1.h5" "$T/sh.2.h5" "$T/sh.3.h5" -o "$T/merged.h5"
same -- "$T/merged.h5"
expect 2 "--shard beyond the plan" -- $MPIRUN -np 2 "$GOVSIM_MPI" run "$SC" -o "$T/sh17.h5" \
	--shard 2/17
contains "the plan has 16 runs, so at most 16 shards" "too many shards: said"

# -- signals and kills, on runs long enough to be caught in the middle (about 4 s on 2 cores)
BIG="--set population.citizens=50000 --set simulation.duration=2y"
expect 0 "the serial file of the long runs" -- "$GOVSIM" run "$SC" -o "$T/bigser.h5" -q $BIG
# started in the background; its ranks are mpirun's children
# started FILE: wait (up to 60 s) until the job writing FILE has laid out its partial
started() {
	for _ in $(seq 600); do [ -e "$1.partial" ] && return; sleep 0.1; done
}
# start_job OUT.h5 SECONDS: a 3-rank job, SECONDS after its partial appears
start_job() {
	$MPIRUN -np 3 "$GOVSIM_MPI" run "$SC" -o "$1" --threads 1 $BIG >"$T/job" 2>&1 &
	job=$!
	started "$1"
	sleep "$2"
	ranks=$(ps -o pid= --ppid $job)
}
end_job() {
	wait $job
	got=$?
	cp "$T/job" "$T/out"
}
# SIGTERM to every rank, as a scheduler's time limit sends it
start_job "$T/term.h5" 1
kill -TERM $ranks
end_job
[ "$got" -eq 1 ] && ok || { fail "SIGTERM: exit $got, expected 1"; sed 's/^/    /' "$T/out" | head; }
contains "stopped; taken and not written: run [0-9]+ \(rank [0-2]\)" "SIGTERM: the runs cut short named"
contains "interrupted \(runs [0-9, ]+ cut short\)" "SIGTERM: interrupted"
no_final "$T/term.h5" "SIGTERM"
expect 0 "SIGTERM: resumed by 2 ranks" -- $MPIRUN -np 2 "$GOVSIM_MPI" run "$SC" -o "$T/term.h5" \
	--resume $BIG
# one rank killed (a node lost): MPI ends the job, naming the rank; rank 0 names the
# runs taken and not written when Open MPI's SIGTERM reaches it before the SIGKILL
# (most often, not always: not checked); --resume names the runs it runs
start_job "$T/kr.h5" 1
victim=$(echo $ranks | cut -d' ' -f2)
kill -KILL $victim
end_job
[ "$got" -ne 0 ] && ok || fail "a killed rank: exit 0"
contains "process rank 1 .*exited on signal 9" "a killed rank: named by mpirun"
no_final "$T/kr.h5" "a killed rank"
expect 0 "a killed rank: the partial verifies" -- "$GOVSIM" info "$T/kr.h5.partial" --verify
expect 0 "a killed rank: resumed by 2 ranks" -- $MPIRUN -np 2 "$GOVSIM_MPI" run "$SC" \
	-o "$T/kr.h5" --resume $BIG
contains "resuming .*kr.h5.partial: [0-9]+ of 16 runs done; running runs? [0-9]" \
	"a killed rank: the runs run again named"
# a resume killed in turn (every rank, SIGKILL), then resumed by 1 rank
expect 1 "stopped after 1 run a rank" -- env GOVSIM_STOP_AFTER_RUNS=1 $MPIRUN -np 3 \
	"$GOVSIM_MPI" run "$SC" -o "$T/rk.h5" --threads 1 -q $BIG
# (killed a second after it says it is resuming: the 13 runs left take several)
$MPIRUN -np 2 "$GOVSIM_MPI" run "$SC" -o "$T/rk.h5" --threads 1 --resume $BIG >"$T/job" 2>&1 &
job=$!
for _ in $(seq 600); do grep -q resuming "$T/job" 2>/dev/null && break; sleep 0.1; done
sleep 1
kill -KILL $(ps -o pid= --ppid $job)
end_job
[ "$got" -ne 0 ] && ok || fail "the resume killed: exit 0"
no_final "$T/rk.h5" "the resume killed"
expect 0 "the resume killed: its partial verifies" -- "$GOVSIM" info "$T/rk.h5.partial" --verify
contains "verify: ([3-9]|1[0-5]) runs marked done" "the resume killed: the 3 runs kept, and any it wrote"
expect 0 "resumed again by 1 rank" -- $MPIRUN -np 1 "$GOVSIM_MPI" run "$SC" -o "$T/rk.h5" \
	--resume $BIG --threads 2
for f in term kr rk; do
	expect 0 "$f = serial (h5diff)" -- h5diff --exclude-path /provenance \
		--exclude-path /bin_edge "$T/$f.h5" "$T/bigser.h5"
done
# every rank killed at once (SIGKILL, no time to stop), resumed by the serial build;
# a second after the partial appears, as above: the whole job takes about 3 s on two
# cores, and a job already over has no rank left to kill
start_job "$T/ka.h5" 1
[ -n "$ranks" ] && ok || fail "every rank killed: the job had ended before the kill"
kill -KILL $ranks
end_job
no_final "$T/ka.h5" "every rank killed"
expect 0 "every rank killed: the serial build resumes" -- "$GOVSIM" run "$SC" -o "$T/ka.h5" \
	--resume -q $BIG
expect 0 "every rank killed: = serial (h5diff)" -- h5diff --exclude-path /provenance \
	--exclude-path /bin_edge "$T/ka.h5" "$T/bigser.h5"

echo "== MPI: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
