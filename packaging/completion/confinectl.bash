# bash completion for confinectl(8)                                  -*- shell-script -*-

# Profile names of the configuration in force (--config FILE if given on the line): what
# `confinectl check` resolved, so the completion never parses the file itself.
_confinectl_profiles()
{
	local conf=() i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		[[ ${COMP_WORDS[i]} == --config ]] && conf=(--config "${COMP_WORDS[i + 1]}")
	done
	confinectl check "${conf[@]}" 2>/dev/null | sed -n 's/^# profile \([a-z0-9_-]*\)$/\1/p'
}

# Live sessions' ids (and with "users", their users too): what `confinectl list` prints
# (needs root; nothing otherwise).
_confinectl_sessions()
{
	confinectl list --no-legend 2>/dev/null | awk -v u="$1" '{ print $1; if (u) print $2 }' | sort -u
}

_confinectl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=${COMP_WORDS[1]} i words=() args=0 dashdash=0
	COMPREPLY=()

	if ((COMP_CWORD == 1)); then
		mapfile -t COMPREPLY < <(compgen -W 'run check gc list status kill join top metrics enroll unenroll' -- "$cur")
		return
	fi
	case $prev in
	--config | --output)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	--profile)
		mapfile -t COMPREPLY < <(compgen -W "$(_confinectl_profiles)" -- "$cur")
		return ;;
	--user)
		mapfile -t COMPREPLY < <(compgen -u -- "$cur")
		return ;;
	--order)
		mapfile -t COMPREPLY < <(compgen -W 'cpu mem io procs' -- "$cur")
		return ;;
	--service)
		mapfile -t COMPREPLY < <(compgen -W "$(ls /etc/pam.d 2>/dev/null)" -- "$cur")
		return ;;
	-n | -d) return ;;
	--signal)
		mapfile -t COMPREPLY < <(compgen -W "$(kill -l | tr -s '[:space:]' '\n' |
			sed -n 's/^SIG\([A-Z0-9]*\)$/\1/p')" -- "${cur#SIG}")
		return ;;
	esac
	# Words after the command that are neither options nor their values.
	for ((i = 2; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) dashdash=1; ((args++)) ;;
		--config | --profile | --user | --service | --signal | --order | --output | -n | -d) ((i++)) ;;
		-*) ;;
		*) ((args++)) ;;
		esac
	done
	case $cmd in
	run)
		if ((args > dashdash)); then # after the command: its arguments
			compopt -o default 2>/dev/null
		elif [[ $cur == -* ]] && ((!dashdash)); then
			mapfile -t COMPREPLY < <(compgen -W '--config --profile --user --' -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		fi
		return ;;
	check) ((args == 0)) && words=(--config --user --service) ;;
	gc) ;;
	list) words=(--user --profile --no-legend --json) ;;
	status)
		if [[ $cur == -* ]]; then
			((args == 0)) && mapfile -t COMPREPLY < <(compgen -W '--json' -- "$cur")
			return
		fi
		((args == 0)) && mapfile -t COMPREPLY < <(compgen -W "$(_confinectl_sessions users)" -- "$cur")
		return ;;
	kill)
		if [[ $cur != -* ]] && ((args == 0)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_confinectl_sessions)" -- "$cur")
			return
		fi
		words=(--user --signal) ;;
	top) words=(-b -n -d --order --json) ;;
	metrics) words=(--output) ;;
	join)
		if ((dashdash)); then # after SESSION --: the command, then its arguments
			if ((args > 2)); then
				compopt -o default 2>/dev/null
			else # (sorted: a merged /usr lists each command twice)
				mapfile -t COMPREPLY < <(compgen -c -- "$cur" | sort -u)
			fi
			return
		fi
		if [[ $cur != -* ]] && ((args == 0)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_confinectl_sessions users)" -- "$cur")
			return
		fi
		words=(--root --) ;;
	enroll)
		if [[ $cur != -* ]] && ((args == 0)); then
			mapfile -t COMPREPLY < <(compgen -u -- "$cur")
			return
		fi
		((args == 0)) && words=(--config --profile) ;;
	unenroll)
		if ((args == 0)); then
			mapfile -t COMPREPLY < <(compgen -u -- "$cur")
		elif ((args == 1)); then
			mapfile -t COMPREPLY < <(compgen -W "$(grep '^/' /etc/shells 2>/dev/null)" -- "$cur")
		fi
		return ;;
	esac
	((${#words[@]})) && mapfile -t COMPREPLY < <(compgen -W "${words[*]}" -- "$cur")
}
complete -F _confinectl confinectl

# ex: filetype=sh
