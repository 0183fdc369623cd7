#!/bin/sh
# tests/cli/mpi.sh - build/govsim-mpi (make mpi): a sweep of two arms run
# by 3 ranks (and by 1) into one file with parallel HDF5 equals the file
# of the serial `govsim run`; a bad output is refused before anything runs.
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

echo "== MPI: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
