#!/bin/bash
# bash completion of confinectl (packaging/completion/confinectl.bash), driven the way bash
# drives it: COMP_WORDS/COMP_CWORD set, the function called, COMPREPLY read.
. "$(dirname "$0")/../vm/lib.sh"
B=${B:-build}
[ -x "$CONFINE_REPO/$B/confinectl" ] || die "$B/confinectl missing (make all)"
export PATH=$CONFINE_REPO/$B:$PATH
conf=$CONFINE_REPO/conf/confine.conf

# complete WORD...: the last word is the one being completed; prints COMPREPLY sorted.
complete_line() {
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_confinectl confinectl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		x "$CONFINE_REPO/packaging/completion/confinectl.bash" "$@"
}
assert_eq "$(complete_line confinectl '')" "check enroll gc join kill list metrics run status top unenroll " "commands"
assert_eq "$(complete_line confinectl un)" "unenroll " "a command's prefix"
assert_eq "$(complete_line confinectl run --)" "-- --config --profile --user " "run's options"
assert_eq "$(complete_line confinectl run --config "$conf" --profile '')" "guest kiosk lab " \
	"--profile: the profiles confinectl check reads from --config"
assert_eq "$(complete_line confinectl enroll --config "$conf" --profile l)" "lab " "--profile: a prefix"
assert_eq "$(complete_line confinectl enroll ro)" "root " "enroll: user names"
assert_eq "$(complete_line confinectl run --user ro)" "root " "--user: user names"
assert_contains "$(complete_line confinectl run --profile guest --user root -- bas)" "bash " \
	"run --: the command"
assert_eq "$(complete_line confinectl check --)" "--config --service --user " "check: --config, --service, --user"
assert_eq "$(complete_line confinectl check --service su-)" "su-l " "check --service: the PAM services of /etc/pam.d"
assert_eq "$(complete_line confinectl gc '')" "" "gc: nothing"
assert_contains "$(complete_line confinectl unenroll root /bin/)" "/bin/sh " "unenroll USER: a shell of /etc/shells"
assert_eq "$(complete_line confinectl list --)" "--json --no-legend --profile --user " "list's options"
assert_eq "$(complete_line confinectl kill --)" "--signal --user " "kill's options"
assert_eq "$(complete_line confinectl join 1-1 --)" "-- --root " "join's options"
assert_eq "$(complete_line confinectl join 1-1 -- truncat)" "truncate " "join after --: a command"
assert_eq "$(complete_line confinectl kill --signal TE)" "TERM " "kill --signal: a signal's name"
assert_eq "$(complete_line confinectl kill --signal USR)" "USR1 USR2 " "kill --signal: names with digits"
assert_eq "$(complete_line confinectl kill --user ro)" "root " "kill --user: user names"
assert_eq "$(complete_line confinectl top -)" "--json --order -b -d -n " "top's options"
assert_eq "$(complete_line confinectl top --order m)" "mem " "top --order: the keys"
assert_eq "$(complete_line confinectl top -d '')" "" "top -d: a number, nothing offered"
assert_eq "$(complete_line confinectl metrics --)" "--output " "metrics' option"
assert_eq "$(complete_line confinectl status --)" "--json " "status --json"
