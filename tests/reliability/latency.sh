#!/bin/sh
# latency.sh - how long a large run takes to end after SIGINT (or SIGTERM),
# sent while its world is being built and while it ticks. A measurement,
# not a test: it reports every figure and never fails on a slow one.
#
# usage: tests/reliability/latency.sh BUILD/govsim [CITIZENS] [OUT.tsv]
#   CITIZENS   default 30000000 (teams scaled to keep 2,000 citizens a team)
#   OUT.tsv    default build/reliability/latency.tsv (written afresh)
#   LATENCY_SCENARIO=FILE  another scenario (default scenarios/casework.ini:
#              one run, both threads inside it)
#
# First two calibration runs of 1 and 3 ticks to their end give the time to
# build the world and the time of a tick; then one run per signal and delay
# (fractions of the build time, then points between ticks), each timed from
# the signal to the process's exit. The phase of each row is inferred from
# the calibration's times: the run itself does not report its phase.
set -u
GOVSIM=${1:?usage: latency.sh BUILD/govsim [CITIZENS] [OUT.tsv]}
CITIZENS=${2:-30000000}
OUT=${3:-build/reliability/latency.tsv}
SCEN=${LATENCY_SCENARIO:-scenarios/casework.ini}
teams=$((CITIZENS / 2000))
[ "$teams" -ge 1 ] || teams=1
[ "$teams" -le 100000 ] || teams=100000
T=$(mktemp -d /tmp/govsim-latency-XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$(dirname "$OUT")"

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.2f\", ($1) }"; }
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"

# run TICKS: govsim on the large scenario for TICKS days, in the background
run() {
	"$GOVSIM" run "$SCEN" -o "$T/lat.h5" --force -q --threads "${LATENCY_THREADS:-2}" \
		--set population.citizens="$CITIZENS" --set workforce.teams="$teams" \
		--set simulation.duration="$1"d >"$T/out" 2>&1 &
	pid=$!
}

# calibration: the world and one tick, then three ticks
t0=$(now); run 1; wait $pid; rc1=$?; t1=$(now)
run 3; wait $pid; rc3=$?; t3=$(now)
w1=$(calc "$t1 - $t0")
w3=$(calc "$t3 - $t1")
tick=$(calc "($w3 - $w1) / 2 > 0.05 ? ($w3 - $w1) / 2 : 0.05")
build=$(calc "$w1 - $tick > 0.1 ? $w1 - $tick : 0.1")
echo "latency: $CITIZENS citizens, $teams teams ($SCEN): 1 tick to the end ${w1} s (exit $rc1), 3 ticks ${w3} s (exit $rc3): world about ${build} s, a tick about ${tick} s"

# delays [s]: through the world's building, then between ticks
delays="$(calc "$build * 0.25") $(calc "$build * 0.6") $(calc "$build * 0.9") \
$(calc "$build + $tick * 0.5") $(calc "$build + $tick * 1.5") $(calc "$build + $tick * 3.5")"
ticks=10 # a run still ticking at the last delay (3.5 ticks in)

printf 'date\tcpu\tload\tcitizens\tsignal\tdelay_s\tphase\tlatency_s\texit\tmessage\n' >"$OUT"
printf '%s\t%s\t%s\t%s\tnone (calibration)\t\tworld about %s s, a tick about %s s\t\t%s\truns of 1 and 3 ticks to their end: %s s and %s s\n' \
	"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$cpu" "$(cut -d' ' -f1-3 /proc/loadavg)" "$CITIZENS" "$build" "$tick" \
	"$rc1/$rc3" "$w1" "$w3" >>"$OUT"
one() { # SIGNAL DELAY
	run "$ticks"
	sleep "$2"
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	if kill -0 $pid 2>/dev/null; then
		s=$(now)
		kill -"$1" $pid
		wait $pid
		st=$?
		e=$(now)
		lat=$(calc "$e - $s")
	else
		wait $pid
		st=$?
		lat="finished before the signal"
	fi
	phase=$(awk "BEGIN { d = $2; b = $build; k = $tick;
		if (d < b - 0.2 * k) print \"building the world\";
		else if (d > b + 0.2 * k) printf \"ticks (about tick %d)\", (d - b) / k + 1;
		else print \"building or first tick\" }")
	msg=$(grep -m1 . "$T/out" | sed 's/^govsim [a-z]*: //; s/\r.*//' | sed "s|$T/||g")
	printf '%s\t%s\t%s\t%s\tSIG%s\t%s\t%s\t%s\t%s\t%s\n' "$date" "$cpu" "$load" "$CITIZENS" "$1" "$2" \
		"$phase" "$lat" "$st" "$msg" >>"$OUT"
	echo "latency: SIG$1 after $2 s ($phase): $lat s, exit $st"
}
for d in $delays; do
	one INT "$d"
done
set -- $delays
one TERM "$2"
one TERM "$5"
rm -f "$T/lat.h5" "$T/lat.h5.partial"
echo "latency: rows in $OUT"
