#!/bin/sh
# tests/cli/bench.sh - govsim-bench's arguments: every bad one is refused
# with exit 2 and one line naming it; quiet, busy and busyK measure a small
# scenario with each thread count, and no busy loop outlives the measure.
# Figures are printed, never checked (the machine may be shared).
# usage: tests/cli/bench.sh build/govsim-bench
set -u
T=$(mktemp -d /tmp/govsim-bench-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"
# a copy of its own, so that its busy loops are told from any other's by name
BENCH=$T/govsim-bench
cp "${1:-build/govsim-bench}" "$BENCH" || exit 1
SC=scenarios/bench/small.ini

# refused DESCRIPTION PATTERN -- arguments...: exit 2 and one line matching PATTERN
refused() {
	what=$1; pattern=$2; shift 3
	expect 2 "$what" -- "$BENCH" "$@"
	contains "$pattern" "$what: the message"
	one_line "$what"
}

echo "== govsim-bench arguments ($BENCH)"
expect 0 "--help" -- "$BENCH" --help
contains "busyK" "--help names busyK"
refused "a neighbour unknown" "--beside: 'loud' is not quiet, busy or busyK" -- --beside loud "$SC"
refused "busy loops beyond 8" "--beside: 'busy9'" -- --beside quiet,busy9 "$SC"
refused "busy1 (busy says it)" "--beside: 'busy1'" -- --beside busy1 "$SC"
refused "no neighbour" "--beside: none given" -- --beside "" "$SC"
refused "five neighbours" "at most 4" -- --beside quiet,busy,busy2,busy3,busy4 "$SC"
refused "0 threads" "--threads: '0' is not a thread count" -- --threads 0,2 "$SC"
refused "threads not a number" "--threads: '2x'" -- --threads 1,2x "$SC"
refused "nine thread counts" "at most 8" -- --threads 1,2,1,2,1,2,1,2,1 "$SC"
refused "repeat not a number" "--repeat: 'many' is not a count" -- --repeat many "$SC"
refused "repeat 0" "--repeat: '0'" -- --repeat 0 "$SC"
refused "an option without its value" "--repeat needs a value" -- --threads 1 --repeat
refused "no scenario" "no scenario to measure" -- --threads 1
refused "an unknown option" "unknown option '--fast'" -- --fast 1 "$SC"

# a measure beside two busy loops: a row for each thread count, named busy2
expect 0 "beside two busy loops" -- "$BENCH" --threads 1,2 --beside quiet,busy2 "$SC"
for k in 1 2; do
	contains "^small +$k +busy2 " "a busy2 row with $k thread(s)"
	contains "^small +$k +quiet " "a quiet row with $k thread(s)"
done
contains "^scenarios/bench/small.ini +2 +busy2 " "busy2 in the ratio table"
# beside three busy loops: while it measures, the bench, its measuring
# child and three loops run (processes of this copy, by name), and none is
# left once it has exited
"$BENCH" --threads 1,2 --beside busy3 --repeat 5 "$SC" >"$T/busy3" 2>&1 &
pid=$!
most=0
while kill -0 $pid 2>/dev/null; do
	n=$(pgrep -c -f "^$BENCH ")
	[ "$n" -gt "$most" ] && most=$n
	sleep 0.01
done
wait $pid && ok || fail "beside three busy loops: exit $?"
[ "$most" -ge 5 ] && ok || fail "beside three busy loops: at most $most of its processes seen at once, 5 expected"
if pgrep -f "^$BENCH " >/dev/null; then
	fail "a busy loop outlived govsim-bench"
	pkill -KILL -f "^$BENCH "
else
	ok
fi

echo "govsim-bench arguments: $pass checks passed, $fails failed"
[ "$fails" -eq 0 ]
