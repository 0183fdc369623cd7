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
# The run does not report its phase; this script watches it. A world is
# built by one thread, and the ticks' parallel phases start a second one:
# the process's thread count (/proc/PID/status, read every 0.1 s) says
# whether the ticks had begun when the signal was sent. A calibration run of
# one tick to its end gives when its world was built (the first reading of
# two threads), its size (the peak resident memory) and the time of its tick
# (GOVSIM_PROFILE=1: the sum of its phases); the delays are chosen from them
# (fractions of the building time, then points between ticks). Each row is
# one run: the delay actually waited, the phase seen, the time from the
# signal to the process's exit, its exit status and first line of output.
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

# watch START [UNTIL]: read the run's threads every 0.1 s, until UNTIL seconds
# after START or the run's end; sets $ticking (seconds from START to the first
# reading of two threads, or empty) and $peak (largest resident memory, kB)
watch() {
	ticking="" peak=0
	while :; do
		th=$(status $pid Threads)
		[ -n "$th" ] || break # gone, or a zombie
		r=$(status $pid VmRSS)
		[ "${r:-0}" -gt "$peak" ] && peak=$r
		if [ -z "$ticking" ] && [ "$th" -ge 2 ]; then ticking=$(calc "$(now) - $1"); fi
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
tick=$(awk '/^  [a-z]+ +[0-9.]+ s$/ { t += $2 } END { printf "%.2f", (t > 0.05 ? t : 0.05) }' "$T/out")
build=${ticking:-$(calc "($w1 - $tick > 0.1 ? $w1 - $tick : 0.1)")}
world_mib=$((peak / 1024))
echo "latency: $CITIZENS citizens, $teams teams ($SCEN, $THREADS threads): 1 tick to the end in ${w1} s (exit $rc1): world built after ${build} s$([ -n "$ticking" ] || echo " (estimated: no second thread seen)"), ${world_mib} MiB at most, its tick ${tick} s"

printf 'date\tcpu\tload\tcitizens\tsignal\tdelay_s\tphase\tlatency_s\texit\tmessage\n' >"$OUT"
printf '%s\t%s\t%s\t%s\tnone (calibration)\t\tworld built after %s s (%s MiB at most), a tick %s s\t\t%s\ta run of 1 tick to its end in %s s\n' \
	"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$cpu" "$(cut -d' ' -f1-3 /proc/loadavg)" "$CITIZENS" \
	"$build" "$world_mib" "$tick" "$rc1" "$w1" >>"$OUT"

# delays [s]: through the world's building, then between ticks
delays="$(calc "$build * 0.25") $(calc "$build * 0.6") $(calc "$build * 0.9") \
$(calc "$build + $tick * 0.5") $(calc "$build + $tick * 1.5") $(calc "$build + $tick * 3.5")"
ticks=10 # a run still ticking at the last delay (3.5 ticks in)

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
	if [ -n "$ticking" ]; then
		phase="ticking (a second thread from $ticking s)"
	elif [ "$THREADS" -ge 2 ]; then
		phase="building the world (one thread so far)"
	else
		phase="unknown (one thread asked for)"
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
