#!/bin/bash
# Services that never run the login shell, with systemd as PID 1: at a user's first login
# pam_systemd has systemd start user@UID.service, the user's service manager (PAM service
# systemd-user, whose stack includes common-account and common-session-noninteractive),
# outside any sandbox. With the account hook a confined user's user@UID.service fails and
# no `systemd --user` of that uid runs, while their su -l and ssh logins work, confined,
# without waiting for it; an unconfined user's service manager runs as before. The control
# first shows the hole without the account line.
. "$(dirname "$0")/lib.sh"
require_vm
[ "${CONFINE_VM_INIT:-}" = systemd ] || skip_all "needs the systemd VM mode (CONFINE_VM_INIT=systemd)"
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
mkdir -p /run/sshd
make_user plain
UIDG=$(id -u guest)
UIDP=$(id -u plain)

state() { systemctl show "user@$1.service" -p ActiveState --value; }
managers() { pgrep -u "$1" -x systemd; } # the `systemd --user` processes of a uid
# stop_user UID: its service manager stopped and its failed state forgotten
stop_user() {
	systemctl stop "user@$1.service" 2>/dev/null
	systemctl reset-failed "user@$1.service" 2>/dev/null
	for _ in $(seq 150); do
		[ "$(state "$1")" = inactive ] && [ -z "$(managers "$1")" ] && return 0
		sleep 0.1
	done
	return 1
}
ms() { local s; s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $((($(date +%s%N) - s) / 1000000)); }
SU_TRUE=(su -l guest -c true)

# --- control: without the account hook the confined user gets an unconfined systemd --user
out=$(su -l guest -c 'echo host=$(hostname)' 2>&1)
assert_contains "$out" "host=confine" "control: su -l is confined"
assert_eq "$(state "$UIDG")" active "control: user@$UIDG.service runs for the confined user"
pid=$(managers "$UIDG" | head -n1)
assert_ne "$pid" "" "control: a systemd --user process of the confined uid runs"
assert_eq "$(cat "/proc/$pid/cgroup" 2>&1)" "0::/user.slice/user-$UIDG.slice/user@$UIDG.service/init.scope" \
	"control: outside any sandbox (it would run the user's units, systemd-run --user, ...)"
# Login times (ms, under TCG) without the line: user@ to start (cold) and running (warm).
cold=() warm=()
for _ in 1 2 3; do
	stop_user "$UIDG"
	cold+=("$(ms "${SU_TRUE[@]}")")
	warm+=("$(ms "${SU_TRUE[@]}")")
done
stop_user "$UIDG" || die "cannot stop user@$UIDG.service"

# --- the measure --------------------------------------------------------------------------
echo "account required pam_confine.so" >>/etc/pam.d/common-account
echo "session required pam_confine.so" >>/etc/pam.d/common-session-noninteractive

# A login that stays while we look (killed below: su then closes the session).
su -l guest -c 'echo host=$(hostname); echo cg=$(cat /proc/self/cgroup); sleep 120' >/tmp/su.out 2>&1 & S=$!
for _ in $(seq 300); do grep -q host= /tmp/su.out && break; sleep 0.1; done
assert_contains "$(cat /tmp/su.out)" "host=confine" "su -l: works, confined"
assert_contains "$(cat /tmp/su.out)" "cg=0::/" "su -l: in its own cgroup namespace"
assert_contains "$(loginctl list-sessions --no-legend)" guest "su -l: logind has the session"
for _ in $(seq 100); do [ "$(state "$UIDG")" = failed ] && break; sleep 0.1; done
assert_eq "$(state "$UIDG")" failed "user@$UIDG.service failed"
assert_eq "$(systemctl show "user@$UIDG.service" -p ExecMainStatus --value)" 224 \
	"user@$UIDG.service: at the PAM step (224/PAM), not by a timeout"
assert_eq "$(managers "$UIDG")" "" "no systemd --user process of the confined uid"
assert_contains "$(journalctl -q --no-pager -t confine-helper)" \
	"refusing the session of 'guest' (rule at /etc/confine/confine.conf:" "the journal says why ..."
assert_contains "$(journalctl -q --no-pager -t confine-helper)" \
	"PAM service 'systemd-user' is not in profiles.guest.services" "... naming the service and the key"
kill $S
wait $S
assert_not_contains "$(journalctl -q --no-pager)" "Failed to create session" \
	"pam_systemd got its session (no timeout)"

acct=()
for _ in 1 2 3; do
	stop_user "$UIDG"
	acct+=("$(ms "${SU_TRUE[@]}")")
done
diag "su -l guest -c true, ms under TCG, runs: without the account line, user@ to start: ${cold[*]};" \
	"  with user@ running: ${warm[*]}; with the account line (user@ refused): ${acct[*]}"
# Timing is bench/'s business (ratios, never asserted here): the functional facts above
# (user@ failed at the PAM step, pam_systemd got its session) say no login waited for a
# timeout; the figures are printed for the record.

start_test_sshd guest plain
out=$($SSH guest@127.0.0.1 'echo host=$(hostname); echo cg=$(cat /proc/self/cgroup)' 2>&1)
assert_contains "$out" "host=confine" "ssh: works, confined"
assert_contains "$out" "cg=0::/" "ssh: in its own cgroup namespace"
assert_eq "$(managers "$UIDG")" "" "ssh: still no systemd --user of the confined uid"

# --- an unconfined user is not affected --------------------------------------------------
assert_eq "$(su -l plain -c hostname 2>&1)" confine-vm "unconfined user: su -l works"
for _ in $(seq 100); do [ "$(state "$UIDP")" = active ] && break; sleep 0.1; done
assert_eq "$(state "$UIDP")" active "unconfined user: user@$UIDP.service runs"
assert_ne "$(managers "$UIDP")" "" "unconfined user: its systemd --user runs"
assert_eq "$($SSH plain@127.0.0.1 hostname 2>&1)" confine-vm "unconfined user: ssh works"

[ -s /run/sshd.pid ] && kill "$(cat /run/sshd.pid)"
finish
