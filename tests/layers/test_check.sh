#!/bin/sh
# test_check.sh - check.sh passes on the repository and fails on trees
# with an include that runs upward or sideways.
set -u
here=$(cd "$(dirname "$0")" && pwd)
fails=0
expect() { # expect STATUS DESCRIPTION DIR
	out=$("$here/check.sh" "$3" 2>&1)
	st=$?
	if [ "$st" -ne "$1" ]; then
		echo "FAIL: $2: exit $st, expected $1"
		echo "$out"
		fails=$((fails + 1))
	fi
}
expect 0 "the repository" "$here/../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mk() { # mk DIR FILE INCLUDE
	rm -rf "$tmp/$1"
	for d in sim/core sim/plan sim/engine sim/io sim/app models; do mkdir -p "$tmp/$1/$d"; done
	printf '#include "%s"\n' "$3" > "$tmp/$1/$2"
}
mk up sim/core/params.h models/world.h
expect 1 "core includes models" "$tmp/up"
mk up2 sim/engine/engine.c sim/io/output.h
expect 1 "engine includes io" "$tmp/up2"
mk side sim/plan/plan.c models/presets.h
expect 1 "plan includes the model" "$tmp/side"
mk side2 models/world.h sim/plan/plan.h
expect 1 "models include plan" "$tmp/side2"
mk bare sim/io/writer.c output.h
expect 1 "an include not named from the root" "$tmp/bare"
mk root sim/app/main.c models/governance.h
expect 0 "the composition root names the model" "$tmp/root"
mk other sim/app/run.c models/governance.h
expect 1 "another app file names the model" "$tmp/other"
mk down sim/app/x.c sim/core/params.h
expect 0 "app includes core" "$tmp/down"

if [ $fails -gt 0 ]; then
	echo "== layers: $fails failed"
	exit 1
fi
echo "== layers: check.sh passes the repository and catches 6 kinds of upward include"
