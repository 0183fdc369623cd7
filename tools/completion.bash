# bash completion for govsim: commands, their options, scenario and result files.
# Installed by `make install` as PREFIX/share/bash-completion/completions/govsim;
# to try it from the source tree: source tools/completion.bash
_govsim()
{
	local cur prev cmd
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "run merge check params metrics info compare report export explain uncertainty calibrate serve --help --version" -- "$cur"))
		return
	fi
	case "$prev" in
	--format) COMPREPLY=($(compgen -W "csv parquet" -- "$cur")); return ;;
	--layout) COMPREPLY=($(compgen -W "long runs" -- "$cur")); return ;;
	--metric)
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" metrics 2>/dev/null | awk 'NR > 1 && NF { print $1 }')" -- "$cur"))
		return ;;
	--set)
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" params 2>/dev/null | awk '/^\[/ { s = substr($1, 2, length($1) - 2); next } NF { print s "." $1 "=" }')" -- "$cur"))
		compopt -o nospace 2>/dev/null
		return ;;
	-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--out) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--port|--bind) return ;;
	esac
	local opts files
	case "$cmd" in
	run) opts="-o --output --seed --threads --set --shard --force --resume --quiet --help"; files="ini" ;;
	merge) opts="-o --output --force --quiet --help"; files="h5" ;;
	check) opts="--set --help"; files="ini" ;;
	params) opts="--markdown --tsv --help"; files="" ;;
	metrics) opts="--markdown --help"; files="" ;;
	info) opts="--verify --help"; files="h5" ;;
	compare) opts="--metric --at --until --points --help"; files="h5" ;;
	report) opts="-o --points --n-boot --seed --help"; files="h5" ;;
	export) opts="--format --layout --teams -o --help"; files="h5" ;;
	serve) opts="--port --bind --out --help"; files="ini" ;;
	explain) opts="--arms --metric --players --group --samples --replications --set --threads -o --output --force --resume --help"; files="ini" ;;
	uncertainty) opts="--arms --params --metric --samples --replications --set --threads -o --output --force --resume --help"; files="ini" ;;
	calibrate) opts="--observed --arm --params --particles --generations --quantile --replications --seed --set --threads -o --output --force --help"; files="ini" ;;
	esac
	if [[ "$cur" == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	elif [ -n "$files" ]; then
		COMPREPLY=($(compgen -o plusdirs -f -X "!*.$files" -- "$cur"))
	fi
}
complete -o filenames -F _govsim govsim
