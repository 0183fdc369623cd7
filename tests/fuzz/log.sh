#!/bin/sh
# log.sh - run a libFuzzer binary and append what it reported to
# tests/fuzz/log.tsv: one row per run, figures read from the fuzzer's own
# output (-print_final_stats=1), never typed.
#
# usage: tests/fuzz/log.sh TARGET SECONDS CORPUS ARTIFACT_PREFIX -- FUZZER ARGS...
#   TARGET           the name in the log (scenario, results)
#   SECONDS          the -max_total_time given to the fuzzer
#   CORPUS           the corpus directory the fuzzer reads (counted at start)
#   ARTIFACT_PREFIX  the fuzzer's -artifact_prefix (crash-, leak-, timeout-,
#                    oom- files made during the run are counted)
# Columns: date (UTC, at the start), cpu, load (1, 5, 15 min, at the start),
# target, seconds (the time limit), inputs_at_start (files in CORPUS),
# executions and exec_per_sec (stat:: lines), edges (the last "cov:"),
# corpus (the last "corp:": the units libFuzzer kept), artifacts, notes
# (how the run ended: the sanitizer's summary and the first frame in the
# project's code).
# The fuzzer's output is kept in build/fuzz/TARGET.out; the exit status is
# the fuzzer's. FUZZ_LOG names another log file (tests use it).
set -u
[ $# -ge 6 ] && [ "$5" = "--" ] || { echo "usage: $0 TARGET SECONDS CORPUS ARTIFACT_PREFIX -- FUZZER ARGS..." >&2; exit 2; }
target=$1 seconds=$2 corpus=$3 prefix=$4
shift 5
LOG=${FUZZ_LOG:-tests/fuzz/log.tsv}
OUT=build/fuzz/$target.out
mkdir -p build/fuzz "$(dirname "$LOG")"

artifacts() { # the artifact files that exist now, one a line
	ls -1 "${prefix}crash-"* "${prefix}leak-"* "${prefix}timeout-"* "${prefix}oom-"* 2>/dev/null
}
artifacts | sort >"$OUT.before"
inputs=$(find "$corpus" -maxdepth 1 -type f 2>/dev/null | wc -l)
date=$(date -u +%Y-%m-%dT%H:%MZ)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cpu="$cpu, $(nproc) cores"
load=$(cut -d' ' -f1-3 /proc/loadavg)

# the fuzzer's status, not tee's (POSIX sh has no pipefail)
{ "$@"; echo $? >"$OUT.rc"; } 2>&1 | tee "$OUT"
st=$(cat "$OUT.rc")

executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT" | tail -1)
per_sec=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT" | tail -1)
# libFuzzer's last status line: "#N <event> cov: E ft: F corp: C/SIZE ..."
edges=$(grep -Eo 'cov: [0-9]+' "$OUT" | tail -1 | cut -d' ' -f2)
corp=$(grep -Eo 'corp: [0-9]+' "$OUT" | tail -1 | cut -d' ' -f2)
artifacts | sort >"$OUT.after"
found=$(comm -13 "$OUT.before" "$OUT.after" | wc -l)
kinds=$(comm -13 "$OUT.before" "$OUT.after" | sed 's|.*/||; s/^result-//; s/-.*//' | sort | uniq -c |
	awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')
if [ "$st" -eq 0 ] && grep -q '^Done [0-9]* runs' "$OUT"; then
	end="ran to the time limit"
else
	# the sanitizer's one-line summary, else libFuzzer's own error (timeout, out of memory)
	err=$(sed -n 's/^SUMMARY: \([A-Za-z]*: [A-Za-z-]*\).*/\1/p' "$OUT" | head -1)
	[ -n "$err" ] || err=$(grep -m1 -Eo 'ERROR: libFuzzer: [A-Za-z -]+' "$OUT" | sed 's/^ERROR: //')
	# the first frame of the stack in the project's own code
	at=$(grep -m1 -Eo " in [A-Za-z_0-9]+ $(pwd)/(sim|models|tests)/[^ ]+" "$OUT" | sed "s| $(pwd)/| |; s/^ in //")
	end="stopped, exit $st${err:+: $err}${at:+ in $at}"
fi
[ -n "$kinds" ] && end="$end; artifacts: $kinds"

[ -s "$LOG" ] || printf 'date\tcpu\tload\ttarget\tseconds\tinputs_at_start\texecutions\texec_per_sec\tedges\tcorpus\tartifacts\tnotes\n' >"$LOG"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$date" "$cpu" "$load" "$target" "$seconds" \
	"$inputs" "${executions:-?}" "${per_sec:-?}" "${edges:-?}" "${corp:-?}" "$found" "$end" >>"$LOG"
echo "fuzz log: $(tail -1 "$LOG")"
rm -f "$OUT.before" "$OUT.after" "$OUT.rc"
exit "$st"
