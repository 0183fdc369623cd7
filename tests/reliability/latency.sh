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
# The run does not report its phase, and both threads build its world, so
# the phase is placed by time: a calibration run of one tick to its end
# gives when its world was built (at most the whole run less its tick, and
# never less than its set-up), its size (the peak resident memory, read
# every 0.1 s from /proc/PID/status) and the time of its tick
# (GOVSIM_PROFILE=1: the phases after set-up); the delays are chosen from
# them (fractions of the building time, then points between ticks), and a
# signal sent before the calibration's building time is said to fall in the
# building. Each row is one run: the delay actually waited, the phase so
# placed, the time from the signal to the process's exit, its exit status
# and first line of output.
set -u
GOVSIM=${1:?usage: latency.sh BUILD/govsim [CITIZENS] [OUT.tsv]}
CITIZENS=${2:-30000000}
OUT=${3:-build/reliability/latency.tsv}
SCEN=${LATENCY_SCENARIO:-scenarios/casework.ini}
THREADS=${LATENCY_THREADS:-2}
teams=$((CITIZENS / 2000))
[ "$teams" -ge 1 ] || teams=1
[ "$teams" -le 100000 ] || teams=100000
T=$(mktemp -d /tmp/govsim-latency-XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$(dirname "$OUT")"

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.2f\", ($1) }"; }
status() { sed -n "s/^$2:[[:space:]]*\\([0-9]*\\).*/\\1/p" /proc/"$1"/status 2>/dev/null; }
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"

# run TICKS: govsim on the large scenario for TICKS days, in the background
run() {
	env ${PROFILE:+GOVSIM_PROFILE=1} "$GOVSIM" run "$SCEN" -o "$T/lat.h5" --force -q --threads "$THREADS" \
		--set population.citizens="$CITIZENS" --set workforce.teams="$teams" \
		--set simulation.duration="$1"d >"$T/out" 2>&1 &
	pid=$!
}

# watch START [UNTIL]: read the run's memory every 0.1 s, until UNTIL seconds
# after START or the run's end; sets $peak (largest resident memory, kB)
watch() {
	peak=0
	while :; do
		th=$(status $pid Threads)
		[ -n "$th" ] || break # gone, or a zombie
		r=$(status $pid VmRSS)
		[ "${r:-0}" -gt "$peak" ] && peak=$r
		if [ $# -ge 2 ] && awk "BEGIN { exit !($(now) - $1 >= $2) }"; then break; fi
		sleep 0.1
	done
}

# calibration: the world and one tick, watched, with its profile
t0=$(now)
PROFILE=1 run 1
watch "$t0"
wait $pid
rc1=$?
w1=$(calc "$(now) - $t0")
# the profile's phases after set-up are the tick
tick=$(awk '/^  [a-z-]+ +[0-9.]+ s$/ && $1 != "set-up" { t += $2 } END { printf "%.2f", (t > 0.05 ? t : 0.05) }' "$T/out")
setup=$(awk '$1 == "set-up" && $3 == "s" { printf "%.2f", $2 }' "$T/out")
[ -n "$setup" ] || {
	echo "latency: the calibration run printed no set-up time (GOVSIM_PROFILE=1)" >&2
	exit 1
}
# the world is built after the run's start-up and set-up: the run's time less its
# tick (one tick's file is written in a moment), and never less than the set-up
build=$(calc "($w1 - $tick > $setup ? $w1 - $tick : $setup)")
world_mib=$((peak / 1024))
echo "latency: $CITIZENS citizens, $teams teams ($SCEN, $THREADS threads): 1 tick to the end in ${w1} s (exit $rc1): set-up ${setup} s, world built after ${build} s at most, ${world_mib} MiB at most, its tick ${tick} s"

printf 'date\tcpu\tload\tcitizens\tsignal\tdelay_s\tphase\tlatency_s\texit\tmessage\n' >"$OUT"
printf '%s\t%s\t%s\t%s\tnone (calibration)\t\tworld built after %s s (set-up %s s; %s MiB at most), a tick %s s\t\t%s\ta run of 1 tick to its end in %s s\n' \
	"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$cpu" "$(cut -d' ' -f1-3 /proc/loadavg)" "$CITIZENS" \
	"$build" "$setup" "$world_mib" "$tick" "$rc1" "$w1" >>"$OUT"

# delays [s]: through the world's building, then between ticks
delays="$(calc "$build * 0.25") $(calc "$build * 0.6") $(calc "$build * 0.9") \
$(calc "$build + $tick * 0.5") $(calc "$build + $tick * 1.5") $(calc "$build + $tick * 3.5")"
# runs long enough to be still ticking at the last delay (3.5 of the calibration's ticks
# after its building): a run's ticks after the first can be much shorter than the
# calibration's, whose one tick includes the first census and its file
ticks=100

one() { # SIGNAL DELAY
	start=$(now)
	run "$ticks"
	watch "$start" "$2"
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	if [ -n "$(status $pid Threads)" ]; then
		s=$(now)
		kill -"$1" $pid
		wait $pid
		st=$?
		lat=$(calc "$(now) - $s")
		waited=$(calc "$s - $start")
	else
		wait $pid
		st=$?
		lat="finished before the signal"
		waited=$2
	fi
	if awk "BEGIN { exit !($waited < $build) }"; then
		phase="building the world (built after $build s in the calibration)"
	else
		phase="ticking (the world built after $build s in the calibration)"
	fi
	msg=$(grep -m1 . "$T/out" | sed 's/^govsim [a-z]*: //; s/\r.*//' | sed "s|$T/||g")
	printf '%s\t%s\t%s\t%s\tSIG%s\t%s\t%s\t%s\t%s\t%s\n' "$date" "$cpu" "$load" "$CITIZENS" "$1" "$waited" \
		"$phase" "$lat" "$st" "$msg" >>"$OUT"
	echo "latency: SIG$1 after $waited s ($phase): $lat s, exit $st"
}
for d in $delays; do
	one INT "$d"
done
set -- $delays
one TERM "$2"
one TERM "$5"
rm -f "$T/lat.h5" "$T/lat.h5.partial"
echo "latency: rows in $OUT"
