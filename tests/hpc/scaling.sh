#!/bin/sh
# scaling.sh - strong and weak scaling of build/govsim-mpi on this machine
# (make hpc-scaling). A measurement, not a test: it records every figure and
# never fails on a slow one.
#
# usage: tests/hpc/scaling.sh BUILD/govsim BUILD/govsim-mpi [OUTDIR]
#   OUTDIR  default build/hpc; written afresh:
#     scaling.tsv  one row per job: kind, ranks, threads, oversubscribed,
#                  runs, repetition, wall time [s], CPU time (user + system,
#                  of every process of the job) [s], the 1-minute load
#                  average before and after; header lines (#) give the date, the CPU
#                  (lscpu's model name), its cores and the revision
#     runs.tsv     one row per run of the MPI jobs (GOVSIM_MPI_TIMES=1): job,
#                  kind, ranks, threads, run, rank, run_s (computing it),
#                  write_s (writing its rows into the shared file)
#   HPC_REPEAT=N   each job N times (default 3): the machine is shared, and
#                  the spread of the N is the noise
#
# Every job is the sweep of tests/golden/sweep_events.ini (2 arms x 4 sweep
# points x R replications) at 50,000 citizens over 2 years (a run takes
# about 0.5 s on one core), except the "write" jobs: 200 runs of 300
# citizens over 90 days, whose cost is the file and the scheduler, not the
# model; and one "single" run of scenarios/casework.ini at 100,000 citizens
# over 5 years (daily output). Strong: 16 runs whatever the cores; weak: 8
# runs per core used; "merge-single": govsim merge of two shard files of 2
# runs of the single job's size each (its fixed cost included). MPI jobs run
# with --bind-to none, but for the "strong-bound" rows (Open MPI's default
# binding, 1 rank x 2 threads). ranks x threads above the machine's cores is
# marked oversubscribed.
set -u
GOVSIM=${1:?usage: scaling.sh BUILD/govsim BUILD/govsim-mpi [OUTDIR]}
GOVSIM_MPI=${2:?usage: scaling.sh BUILD/govsim BUILD/govsim-mpi [OUTDIR]}
OUT=${3:-build/hpc}
REPEAT=${HPC_REPEAT:-3}
SC=tests/golden/sweep_events.ini
BIG="--set population.citizens=50000 --set simulation.duration=2y"
SINGLE="--set population.citizens=100000 --set simulation.duration=5y"
SMALL="--set population.citizens=300 --set simulation.duration=90d --set simulation.replications=25"
T=$(mktemp -d /tmp/govsim-hpc-XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$OUT"
export OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
# --bind-to none: Open MPI binds each rank to one core when there are at most 2
# ranks, which puts a rank's threads on one core (the "bound" rows show it)
MPIRUN="mpirun --allow-run-as-root --oversubscribe --bind-to none"
MPIRUN_BOUND="mpirun --allow-run-as-root --oversubscribe"
CORES=$(nproc)

now() { date +%s.%N; }
load1() { cut -d' ' -f1 /proc/loadavg; }
{
	echo "# date	$(date -u +%Y-%m-%dT%H:%MZ)"
	echo "# cpu	$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
	echo "# cores	$CORES"
	echo "# revision	$("$GOVSIM" --version | sed -n 's/.*(revision \(.*\)).*/\1/p')"
	echo "# load at the start	$(cut -d' ' -f1-3 /proc/loadavg)"
	printf 'kind\tranks\tthreads\toversubscribed\truns\trepetition\twall_s\tcpu_s\tload_before\tload_after\n'
} >"$OUT/scaling.tsv"
printf 'job\tkind\tranks\tthreads\trun\trank\trun_s\twrite_s\n' >"$OUT/runs.tsv"
job=0

# measure KIND RANKS THREADS RUNS REP -- command...: one row of scaling.tsv (RANKS 0: serial)
measure() {
	kind=$1 ranks=$2 threads=$3 runs=$4 rep=$5
	shift 6
	over=no
	[ $(( (ranks > 0 ? ranks : 1) * threads )) -gt "$CORES" ] && over=yes
	lb=$(load1)
	t0=$(now)
	# a subshell, so that `times` counts this job's processes only (its second line:
	# the user and system time of the children waited for, and theirs)
	("$@" >"$T/out" 2>"$T/err"; rc=$?; times >"$T/cpu"; exit $rc)
	rc=$?
	t1=$(now)
	la=$(load1)
	cpu=$(sed -n 2p "$T/cpu" | awk '{ split($1, u, "m"); split($2, s, "m");
		printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
	if [ $rc -ne 0 ]; then
		echo "scaling.sh: $kind $ranks x $threads failed (exit $rc):" >&2
		head -5 "$T/err" >&2
		return
	fi
	wall=$(awk "BEGIN { printf \"%.3f\", $t1 - $t0 }")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$ranks" "$threads" "$over" "$runs" \
		"$rep" "$wall" "$cpu" "$lb" "$la" >>"$OUT/scaling.tsv"
	job=$((job + 1))
	sed -n 's/^govsim-mpi time: run \([0-9]*\) rank \([0-9]*\) run_s \([0-9.]*\) write_s \([0-9.]*\)$/\1\t\2\t\3\t\4/p' \
		"$T/err" | while IFS='	' read -r r k rs ws; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$job" "$kind" "$ranks" "$threads" "$r" "$k" \
			"$rs" "$ws"
	done >>"$OUT/runs.tsv"
	echo "$kind $ranks x $threads ($runs runs, $over oversubscribed) #$rep: $wall s ($cpu s of CPU), load $lb -> $la"
}

mpi() { # mpi RANKS THREADS EXTRA...
	np=$1 th=$2
	shift 2
	rm -f "$T/o.h5" "$T/o.h5.partial"
	env GOVSIM_MPI_TIMES=1 $MPIRUN -np "$np" "$GOVSIM_MPI" run "$SC" -o "$T/o.h5" --threads "$th" -q "$@"
}
mpi_bound() { # as mpi, with Open MPI's default binding
	np=$1 th=$2
	shift 2
	rm -f "$T/o.h5" "$T/o.h5.partial"
	env GOVSIM_MPI_TIMES=1 $MPIRUN_BOUND -np "$np" "$GOVSIM_MPI" run "$SC" -o "$T/o.h5" --threads "$th" -q "$@"
}
serial() { # serial THREADS EXTRA...
	th=$1
	shift
	rm -f "$T/o.h5" "$T/o.h5.partial"
	"$GOVSIM" run "$SC" -o "$T/o.h5" --threads "$th" -q "$@"
}

for rep in $(seq 1 "$REPEAT"); do
	# strong: the same 16 runs
	measure strong 0 1 16 "$rep" -- serial 1 $BIG
	measure strong 0 2 16 "$rep" -- serial 2 $BIG
	for rt in 1x1 1x2 2x1 2x2 3x1 4x1; do
		measure strong "${rt%x*}" "${rt#*x}" 16 "$rep" -- mpi "${rt%x*}" "${rt#*x}" $BIG
	done
	measure strong-bound 1 2 16 "$rep" -- mpi_bound 1 2 $BIG
	# one run of the size of the issue's example: 100,000 citizens over 5 years, daily output
	SC_SAVE=$SC
	SC=scenarios/casework.ini
	measure single 1 1 1 "$rep" -- mpi 1 1 $SINGLE
	SC=$SC_SAVE
	# weak: 8 runs per core used (replications 1, 2, 4 of the 8-run grid)
	for rt in 1x1 1x2 2x1 2x2 4x1; do
		r=${rt%x*} t=${rt#*x}
		n=$((r * t))
		measure weak "$r" "$t" $((8 * n)) "$rep" -- mpi "$r" "$t" $BIG \
			--set simulation.replications=$n
	done
	# write: 200 runs that cost next to nothing, so the job's time is its file and counter
	for rt in 1x1 2x1 4x1; do
		measure write "${rt%x*}" "${rt#*x}" 200 "$rep" -- mpi "${rt%x*}" "${rt#*x}" $SMALL
	done
	measure write 0 1 200 "$rep" -- serial 1 $SMALL
	# the merge of one file per node: 2 shards of the 200 small runs joined (serial)
	rm -f "$T"/sh.*
	"$GOVSIM" run "$SC" -o "$T/sh.1.h5" --shard 1/2 --threads 1 -q $SMALL &&
		"$GOVSIM" run "$SC" -o "$T/sh.2.h5" --shard 2/2 --threads 1 -q $SMALL &&
		measure merge 0 1 200 "$rep" -- "$GOVSIM" merge "$T/sh.1.h5" "$T/sh.2.h5" \
			-o "$T/merged.h5" --force
	# the merge of runs of the single job's size: 2 shards of 2 runs each, joined
	rm -f "$T"/big.*
	"$GOVSIM" run scenarios/casework.ini -o "$T/big.1.h5" --shard 1/2 -q $SINGLE \
		--set simulation.replications=4 &&
		"$GOVSIM" run scenarios/casework.ini -o "$T/big.2.h5" --shard 2/2 -q $SINGLE \
			--set simulation.replications=4 &&
		measure merge-single 0 1 4 "$rep" -- "$GOVSIM" merge "$T/big.1.h5" "$T/big.2.h5" \
			-o "$T/bigmerged.h5" --force
done
echo "# load at the end	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/scaling.tsv"
echo "written: $OUT/scaling.tsv, $OUT/runs.tsv"
