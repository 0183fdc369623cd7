# tests/cli/lib.sh - what the command-line test scripts share: counting,
# expecting an exit status, and looking at what a command said. Sourced after
# the script has set T (a scratch folder); the script prints its own summary
# from $pass and $fails.
fails=0
pass=0

ok() { pass=$((pass + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect STATUS DESCRIPTION -- command...   (stdout+stderr saved in $T/out)
expect() {
	want=$1; what=$2; shift 3
	"$@" >"$T/out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else fail "$what: exit $got, expected $want"; sed 's/^/    /' "$T/out" | head -20; fi
}

# contains PATTERN DESCRIPTION   (grep -E on $T/out)
contains() {
	if grep -Eq -- "$1" "$T/out"; then ok; else fail "$2: output lacks /$1/"; sed 's/^/    /' "$T/out" | head -20; fi
}

# one_line DESCRIPTION: $T/out is one line
one_line() {
	if [ "$(grep -c . "$T/out")" -eq 1 ]; then ok; else fail "$1: not one line"; sed 's/^/    /' "$T/out" | head -20; fi
}
