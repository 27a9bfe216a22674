#!/bin/bash
# confinectl join: root enters a live session (kio via su, profile kiosk) and is confined
# exactly as the session's shell: every restriction is checked from inside, against
# join --root (the same namespaces and cgroup without the confinement) as the control.
# (A user with several sessions: tests/unit/test_ops.c, join_pick.)
# Runs in the plain VM (cgroupfs backend) and in the systemd VM (scopes).
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CTL=/usr/local/sbin/confinectl
P=/usr/local/lib/confine-t71 # test programs, visible (read-only) inside the sessions

mkdir -p "$P"
cc -O2 -Wall -o "$P/tiocsti" "$CONFINE_REPO/tests/vm/progs/tiocsti.c" || die "cannot compile tiocsti"
make_user kio
make_user nosess # never logged in
check "enroll kio into the kiosk profile" $CTL enroll --profile kiosk kio
KIO_UID=$(id -u kio)
KIO_GID=$(id -g kio)
if [ "$CONFINE_VM_INIT" = systemd ]; then
	logged() { journalctl -q --no-pager -t confinectl 2>/dev/null | grep -F -- "$1" | grep -qF -- "$2"; }
else
	start_syslog /var/log/t71-syslog
	logged() { log_has 0 "$1" "$2"; }
fi
# assert_logged MSG TEXT1 TEXT2: a confinectl log line has both (up to 10 s: written late)
assert_logged() {
	local end=$((SECONDS + 10))
	until logged "$2" "$3"; do
		[ $SECONDS -lt $end ] || { not_ok "$1"; diag "no log line with '$2' and '$3'"; return 1; }
		sleep 0.2
	done
	ok "$1"
}
sid_of() { # USER: the session ids of USER's live sessions
	local f
	for f in /run/confine/sessions/*; do
		[ -e "$f" ] && grep -qx "user=$1" "$f" && basename "$f"
	done
}
wait_long() {
	local end=$((SECONDS + 180))
	until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $end ] || return 1; sleep 0.5; done
}
gone() { [ ! -e "/proc/$1" ] || grep -q "^State:[[:space:]]*Z" "/proc/$1/status"; }
state() { ls /run/confine/sessions 2>/dev/null; pgrep -u kio -c; }

# What a joined command reports from inside, KEY=VALUE lines (visible read-only inside).
cat >"$P/inside.sh" <<'SH'
while IFS=: read -r k v; do
	case $k in Seccomp | NoNewPrivs | Cap* | Uid | Gid) echo "$k=$(echo $v)" ;; esac
done </proc/self/status
for n in cgroup ipc mnt net pid uts; do echo "ns_$n=$(readlink /proc/self/ns/$n)"; done
echo "init=$(tr '\0' ' ' </proc/1/cmdline)"
echo "files=$(cat mark /tmp/mark | tr '\n' ' ')"
echo "hostname=$(hostname)"
echo "umask=$(umask)"
echo "pwd=$(pwd)"
echo "fds=$(ls /proc/self/fd | tr '\n' ' ')"
echo "cgroup=$(cat /proc/self/cgroup)"
echo "term=${TERM-unset}"
echo "foo=${FOO-unset}"
echo "homewrite=$(echo w 2>&1 >joined && cat joined)"
echo "shmwrite=$(touch /dev/shm/x 2>&1 && echo ok)"
echo "loginuid=$(cat /proc/self/loginuid)"
echo "setloginuid=$( (echo 0 >/proc/self/loginuid) 2>/dev/null && echo ok || echo refused)"
SH

# --- a session: kio via su ------------------------------------------------------------------
su -l kio -c 'echo kio-home >~/mark; echo kio-tmp >/tmp/mark; echo ready; sleep 600; echo after=$?' \
	</dev/null >/tmp/su.out 2>&1 & SU=$!
wait_long grep -q ready /tmp/su.out || die "the su session of kio did not start: $(cat /tmp/su.out)"
KSID=$(sid_of kio)
[ -n "$KSID" ] || die "no session record of kio"
CG=$(sed -n 's/^cgroup=//p' "/run/confine/sessions/$KSID")
[ -n "$CG" ] || die "kio's session has no cgroup"
KS=$(pgrep -u kio -x sleep | head -1) # a process of the session, for its namespaces

# --- the default: the session's user, with every restriction of the session -----------------
out=$(FOO=leak TERM=xterm $CTL join "$KSID" -- sh "$P/inside.sh" 5</etc/hostname); rc=$?
diag "$out"
# The control: --root is in the same namespaces and cgroup, without the confinement.
ctl=$($CTL join --root "$KSID" -- sh "$P/inside.sh" 2>/dev/null)
assert_eq "$rc" 0 "join SID -- CMD: exit 0"
assert_eq "$(val Seccomp "$ctl"):$(val NoNewPrivs "$ctl"):$(val Uid "$ctl")" "0:0:0 0 0 0" \
	"control: join --root has no filter, no no_new_privs, uid 0"
assert_ne "$(val CapEff "$ctl")" 0000000000000000 "control: join --root has capabilities (CapEff)"
assert_eq "$(val Seccomp "$out")" 2 "join: Seccomp 2 (the session's filter)"
assert_eq "$(val NoNewPrivs "$out")" 1 "join: NoNewPrivs 1"
for c in CapEff CapPrm CapBnd CapInh CapAmb; do
	assert_eq "$(val $c "$out")" 0000000000000000 "join: $c empty"
done
assert_eq "$(val Uid "$out")" "$KIO_UID $KIO_UID $KIO_UID $KIO_UID" "join: every uid kio's"
assert_eq "$(val Gid "$out")" "$KIO_GID $KIO_GID $KIO_GID $KIO_GID" "join: every gid kio's"
for n in cgroup ipc mnt net pid uts; do
	assert_eq "$(val "ns_$n" "$out")" "$(readlink "/proc/$KS/ns/$n")" "join: the session's $n namespace"
done
assert_ne "$(readlink /proc/self/ns/mnt)" "$(val ns_mnt "$out")" "(control: not the host's mount namespace)"
assert_contains "$(val init "$out")" "sleep 600" "join: /proc/1 is the session's PID 1 (its shell)"
assert_eq "$(val files "$out")" "kio-home kio-tmp " "join: sees the files the session wrote in its home and /tmp"
assert_eq "$(val hostname "$out")" kiosk "join: the profile's hostname"
assert_eq "$(val umask "$out")" 0022 "join: umask 022, as the session"
assert_eq "$(val pwd "$out")" /home/kio "join: starts in the session's home"
assert_eq "$(val fds "$out")" "0 1 2 3 " "join: only fds 0-2 (and ls's own 3) open: the caller's fd 5 is not"
assert_eq "$(val cgroup "$out")" "0::/" "join: in the session's cgroup namespace, at its root"
assert_eq "$(val term "$out"):$(val foo "$out")" "xterm:unset" "join: a sane TERM passed on, nothing else of the caller's"
# Landlock as the session: the home (its own mount) and the session's tmpfs are writable.
assert_eq "$(val homewrite "$out"):$(val shmwrite "$out")" "w:ok" "join: writes where the session writes"
assert_eq "$(cat /run/confine/homes/kio/joined 2>/dev/null)" w "join: the write landed in the session's home"
# This script's loginuid is unset (no pam_loginuid before it): the joined command must not
# be able to set its own (to 0, say) and claim a login; a set one is kept.
mine=$(cat /proc/self/loginuid)
assert_eq "$(val loginuid "$out")" "$([ "$mine" = 4294967295 ] && echo "$KIO_UID" || echo "$mine")" \
	"join: an unset loginuid becomes the user's (caller's: $mine)"
assert_eq "$(val setloginuid "$out")" refused "join: the joined command cannot set its loginuid"
assert_eq "$(val hostname "$ctl"):$(val ns_pid "$ctl")" "kiosk:$(readlink "/proc/$KS/ns/pid")" \
	"join --root: in the session's namespaces too"
out=$(FOO=leak TERM='xterm;rm' $CTL join kio -- env | cut -d= -f1 | sort | tr '\n' ' ')
assert_eq "$out" "HOME LOGNAME PATH SHELL USER " "join: a clean environment; a TERM with odd bytes is dropped"
out=$($CTL join kio </dev/null 2>&1); rc=$?
assert_eq "$rc" 0 "join without a command: the session's shell as a login shell, exit 0 at EOF"
out=$($CTL join kio -- sh -c 'exit 7'); rc=$?
assert_eq "$rc" 7 "join: the command's exit status is confinectl's"
out=$($CTL join kio -- /no/such/cmd 2>&1); rc=$?
assert_eq "$rc" 127 "join: a missing command: exit 127"
assert_contains "$out" "/no/such/cmd" "join: a missing command is named"
assert_logged "join is logged (authpriv), naming the session and the mode" \
	"joins session $KSID of kio" "as the user"

# --- TIOCSTI: the joined command never holds root's terminal --------------------------------
# The control: tiocsti run by root directly in the terminal injects a line into the shell
# that reads after it. Joined, even as root (--root: no filter), it has a pty of its own and
# nothing reaches root's terminal; as the user the session's filter refuses it too.
sti() { SHELL=/bin/bash timeout 120 script -qec "$1; read -t 5 l; echo \"got=[\$l]\"" /dev/null < <(sleep 30) 2>&1 | tr -d '\r'; }
ctl=$(sti "$P/tiocsti zqz")
if [ "$(val tiocsti "$ctl")" = ok ] && [ "$(val got "$ctl")" = "[zqz]" ]; then
	ok "TIOCSTI control: root's own process injects into root's terminal"
	out=$(sti "$CTL join --root kio -- $P/tiocsti zqz 2>/dev/null")
	assert_eq "$(val tiocsti "$out")" ok "TIOCSTI: join --root may use it (on its own pty)"
	assert_eq "$(val got "$out")" "[]" "TIOCSTI: join --root reaches only its own pty, not root's shell"
	out=$(sti "$CTL join kio -- $P/tiocsti zqz")
	assert_eq "$(val tiocsti "$out")" EPERM "TIOCSTI: refused to the joined command (the session's filter)"
	assert_eq "$(val got "$out")" "[]" "TIOCSTI: nothing reached root's shell"
else
	not_ok "TIOCSTI control: root's own process injects into root's terminal"
	diag "control: $(echo $ctl)"
fi

# --- --root: explicit, loud, logged ---------------------------------------------------------
out=$(SUDO_USER=alice $CTL join --root "$KSID" -- id -u 2>/tmp/root.err); rc=$?
assert_eq "$rc:$out" "0:0" "join --root: exit 0, root"
assert_contains "$(cat /tmp/root.err)" "AS ROOT" "join --root: a warning on stderr"
assert_logged "join --root is logged with who did it" "session $KSID of kio AS ROOT" "SUDO_USER alice"

# --- bad input: a clear message, nothing changed --------------------------------------------
s0=$(state)
out=$($CTL join 1-1 -- true 2>&1); rc=$?
assert_eq "$rc" 4 "join of an unknown session: exit 4"
assert_contains "$out" "no session '1-1'" "join of an unknown session: says so"
out=$($CTL join nosess -- true 2>&1); rc=$?
assert_eq "$rc" 4 "join of a user without a session: exit 4"
out=$($CTL join kio ls 2>&1); rc=$?
assert_eq "$rc" 2 "join USER CMD without --: exit 2"
out=$(setpriv --reuid=nosess --regid=nosess --clear-groups $CTL join kio -- id 2>&1); rc=$?
assert_eq "$rc:$out" "2:confinectl: join needs root" "join as another user: refused"
sleep 1
assert_eq "$(state)" "$s0" "bad input changed nothing (sessions, processes)"

# --- the joined command is in the session's cgroup, and dies with the session ---------------
$CTL join kio -- sleep 333 </dev/null >/dev/null 2>&1 & J=$!
has_sleep() { pgrep -u kio -f "^sleep 333" >/dev/null; }
wait_for has_sleep || not_ok "the joined sleep started"
JS=$(pgrep -u kio -f "^sleep 333" | head -1)
assert_eq "$(sed -n 's/^0:://p' "/proc/$JS/cgroup")" "${CG#/sys/fs/cgroup}" "join: the command is in the session's cgroup"
assert_eq "$(sed -n 's/^0:://p' "/proc/$J/cgroup")" "${CG#/sys/fs/cgroup}" "join: so is confinectl, which waits for it"
check "join: the session's cgroup counts it" grep -qx "$JS" "$CG/cgroup.procs"
out=$($CTL kill "$KSID"); rc=$?
assert_eq "$rc:$out" "0:session $KSID ended" "kill SESSION with a join running"
if wait_long gone $J; then ok "kill: the join ended with the session"; else not_ok "kill: the join ended with the session"; fi
wait $J; rc=$?
assert_ne "$rc" 0 "kill: the join's exit status says it was killed"
check_fails "kill: the joined sleep is gone" has_sleep
wait_long gone $SU || not_ok "su returned"
expect_no_sessions "after the kills: no session record"
