#!/bin/sh
# results.sh - a small result file written by govsim, and deterministic
# mutations of it (one byte flipped at 64 offsets spread over the file,
# 8 truncations), into DIR: the seed corpus of the result-file target.
# usage: tests/fuzz/results.sh GOVSIM DIR
set -eu
GOVSIM=$1
DIR=$2
mkdir -p "$DIR"
cat >"$DIR/tiny.ini" <<'INI'
[simulation]
duration = 3d
replications = 2
[population]
citizens = 50
[workforce]
teams = 1
workers_per_team = 1
[output]
hist_bin = 1d
hist_max = 2d
[arm.a]
preset = npm
[arm.b]
preset = hls
INI
"$GOVSIM" run "$DIR/tiny.ini" -o "$DIR/seed.h5" --force -q
rm -f "$DIR/tiny.ini"
size=$(wc -c <"$DIR/seed.h5")
i=1
while [ $i -le 64 ]; do
	off=$((size * i / 65))
	cp "$DIR/seed.h5" "$DIR/flip$i.h5"
	printf '\377' | dd of="$DIR/flip$i.h5" bs=1 seek=$off conv=notrunc 2>/dev/null
	i=$((i + 1))
done
i=1
while [ $i -le 8 ]; do
	head -c $((size * i / 9)) "$DIR/seed.h5" >"$DIR/cut$i.h5"
	i=$((i + 1))
done
