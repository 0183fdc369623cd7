#!/bin/sh
# check.sh - includes run one way: a layer includes only itself and the
# layers below it. Prints every include that runs upward and exits 1 if
# there is one.
#
#   layer        may include
#   sim/core     sim/core
#   models       sim/core, models
#   sim/plan     sim/core, sim/plan
#   sim/engine   sim/core, sim/plan, sim/engine
#   sim/io       sim/core, sim/plan, sim/engine, sim/io
#   sim/app      sim/core, sim/plan, sim/engine, sim/io, sim/app
#
# The framework (sim/) never names the model: the composition root,
# sim/app/main.c, is the one file that includes models/ (its descriptor,
# models/governance.h). Tests may include anything.
#
# usage: tests/layers/check.sh [ROOT]   (default: the repository)
root=${1:-$(dirname "$0")/../..}
cd "$root" || exit 2

allowed() {
	case $1 in
	sim/core) echo "sim/core" ;;
	models) echo "sim/core models" ;;
	sim/plan) echo "sim/core sim/plan" ;;
	sim/engine) echo "sim/core sim/plan sim/engine" ;;
	sim/io) echo "sim/core sim/plan sim/engine sim/io" ;;
	sim/app) echo "sim/core sim/plan sim/engine sim/io sim/app" ;;
	esac
}

bad=0
n=0
for layer in sim/core models sim/plan sim/engine sim/io sim/app; do
	ok=$(allowed $layer)
	for f in "$layer"/*.c "$layer"/*.h "$layer"/*.def; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		# every quoted include names its file from the root: "layer/file"
		grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
			sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1 \2/' > /tmp/layers.$$
		while read -r line inc; do
			dir=${inc%/*}
			[ "$dir" = "$inc" ] && dir="(none)"
			case " $ok " in *" $dir "*) continue ;; esac
			if [ "$f" = sim/app/main.c ] && [ "$inc" = models/governance.h ]; then
				continue
			fi
			echo "$f:$line: includes \"$inc\": $layer may include only $ok"
			bad=$((bad + 1))
		done < /tmp/layers.$$
		rm -f /tmp/layers.$$
	done
done
if [ $bad -gt 0 ]; then
	echo "layers: $bad include(s) run upward or sideways"
	exit 1
fi
echo "layers: $n files, every include runs downward"
