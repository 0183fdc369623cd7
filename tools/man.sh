#!/bin/sh
# tools/man.sh - the govsim(1) man page, made from the program's own --help
# texts (`govsim --help` and `govsim COMMAND --help` for every command it
# lists), so that the page says what the program says.
# usage: tools/man.sh build/govsim > govsim.1
set -eu
GOVSIM=${1:-build/govsim}
version=$("$GOVSIM" --version | sed -n '1s/^govsim \([^ ]*\).*/\1/p')

# roff-safe text: backslashes doubled, lines starting with . or ' escaped
roff() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }

commands=$("$GOVSIM" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')

cat <<HEAD
.TH GOVSIM 1 "" "govsim $version" "User Commands"
.SH NAME
govsim \- agent-based simulation of public services under different governance regimes
.SH SYNOPSIS
.B govsim
.I COMMAND
[\fIOPTIONS\fR]
.SH DESCRIPTION
.nf
HEAD
"$GOVSIM" --help | roff
echo ".fi"
for c in $commands; do
	echo ".SH \"govsim $c\""
	echo ".nf"
	"$GOVSIM" "$c" --help | roff
	echo ".fi"
done
cat <<'TAIL'
.SH ENVIRONMENT
.TP
.B OMP_NUM_THREADS
default number of threads of govsim run
.TP
.B GOVSIM_PYTHON
the Python that govsim report and govsim export run (default: the one found
when govsim was built, Debian's /usr/bin/python3)
.SH "SEE ALSO"
docs/cli.md, docs/output.md, docs/analysis.md and docs/workshop.md (govsim serve) in
the source tree.
TAIL
