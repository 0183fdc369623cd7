#!/bin/sh
# reliability.sh - the figures of docs/reliability.md that depend on this
# machine: the fault matrix (tests/cli/run.sh with GOVSIM_FAULTS) and the
# interruption latency (latency.sh); then figures.py rewrites the doc.
# usage: tests/reliability/reliability.sh BUILD/govsim [CITIZENS]   (make reliability)
# GOVSIM_ENOSPC_SHIM (BUILD/enospc.so) is passed on to tests/cli/run.sh.
set -eu
GOVSIM=$1
CITIZENS=${2:-30000000}
D=build/reliability
mkdir -p "$D"
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
printf '# date\t%s\n# cpu\t%s\n# load\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$cpu" \
	"$(cut -d' ' -f1-3 /proc/loadavg)" >"$D/faults.tsv"
# the matrix is written whatever the tests found, then a failure stops here
st=0
GOVSIM_FAULTS=$D/faults.tsv tests/cli/run.sh "$GOVSIM" >"$D/cli.out" 2>&1 || st=$?
tail -1 "$D/cli.out"
if [ "$st" -ne 0 ]; then
	grep '^FAIL' "$D/cli.out" || true
	echo "reliability: tests/cli/run.sh failed (exit $st): the doc is not rewritten" >&2
	exit 1
fi
tests/reliability/latency.sh "$GOVSIM" "$CITIZENS" "$D/latency.tsv"
/usr/bin/python3 tests/reliability/figures.py --faults "$D/faults.tsv" --cli-log "$D/cli.out" \
	--latency "$D/latency.tsv"
