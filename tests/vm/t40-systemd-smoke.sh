#!/bin/bash
# Smoke test for the VM with systemd as PID 1 (CONFINE_VM_INIT=systemd, `make
# check-vm-systemd`): pure cgroup v2 with systemd's tree, dbus, logind, pam_systemd
# sessions for su and sshd logins, transient scopes with limits.
. "$(dirname "$0")/lib.sh"
require_vm
[ "${CONFINE_VM_INIT:-}" = systemd ] || skip_all "needs systemd as PID 1 (CONFINE_VM_INIT=systemd), this VM has ${CONFINE_VM_INIT:-busybox}"

U=sdsmoke
SCOPE=confine-t40-$$
cleanup() {
	systemctl stop "$SCOPE.scope" 2>/dev/null
	loginctl terminate-user "$U" 2>/dev/null
}
trap 'rc=$?; cleanup; (exit $rc); _t_exit' EXIT
# logind names sessions N (with an audit session id: sshd, login) or cN (without: su)
session_re="^0::/user\.slice/user-[0-9]+\.slice/session-c?[0-9]+\.scope$"

# --- PID 1, system state ------------------------------------------------------------------
assert_eq "$(cat /proc/1/comm)" systemd "PID 1 is systemd"
assert_contains "$(readlink /proc/1/exe)" /lib/systemd/systemd "PID 1 runs /lib/systemd/systemd"
state=$(timeout 60 systemctl is-system-running --wait 2>&1)
case "$state" in
running|degraded) ok "systemctl is-system-running: $state" ;;
*) not_ok "systemctl is-system-running: running or degraded"; diag "got: $state"; systemctl list-jobs --no-pager 2>&1 | sed 's/^/#   /' ;;
esac
if [ "$state" = degraded ]; then
	diag "failed units:"
	systemctl --failed --no-legend --plain --no-pager 2>&1 | sed 's/^/#   /'
fi
assert_contains "$(cat /proc/self/cgroup)" "0::/system.slice/confine-vm-test-" "the test runs in a transient service of its own"
assert_eq "$(hostname)" confine-vm "hostname is confine-vm"
assert_eq "$(stat -f -c %T /tmp)" tmpfs "/tmp is tmpfs"

# --- cgroup v2 ------------------------------------------------------------------------------
assert_eq "$(stat -f -c %T /sys/fs/cgroup)" cgroup2fs "cgroup2 mounted at /sys/fs/cgroup"
assert_eq "$(grep -c ' cgroup ' /proc/self/mounts)" 0 "no cgroup v1 hierarchies mounted"
ctrl=$(cat /sys/fs/cgroup/cgroup.controllers)
for c in memory cpu pids io cpuset; do
	assert_contains " $ctrl " " $c " "cgroup.controllers has $c"
done

# --- dbus, logind -----------------------------------------------------------------------------
check "dbus is active" systemctl is-active dbus.service
check "systemd-logind is active" systemctl is-active systemd-logind.service
out=$(busctl --system get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager Version 2>&1)
assert_contains "$out" 's "252' "busctl reads org.freedesktop.systemd1's Version"
diag "systemd version: $out"
assert_eq "$(systemctl is-enabled ssh.service 2>&1)" masked "the host's ssh.service is masked"
assert_contains "$(grep -v '^#' /etc/pam.d/common-session)" pam_systemd.so "pam_systemd is in common-session"

# --- su -l: a logind session ----------------------------------------------------------------
make_user "$U"
uid=$(id -u "$U")
t0=$(date +%s%N)
out=$(su -l "$U" -c 'cat /proc/self/cgroup' 2>&1)
diag "the first su -l took $(( ($(date +%s%N) - t0) / 1000000 )) ms (starts user@$uid.service)"
if [[ $out =~ $session_re ]] && assert_contains "$out" "/user-$uid.slice/" "su -l: in user-$uid.slice"; then
	ok "su -l lands in a session scope ($out)"
else
	not_ok "su -l lands in a session scope"; diag "got: $out"
fi
check "logind started the user manager user@$uid.service" systemctl is-active "user@$uid.service"

rm -f /tmp/t40.cg
su -l "$U" -c 'cat /proc/self/cgroup >/tmp/t40.cg; exec sleep 120' 2>/dev/null & supid=$!
for _ in $(seq 120); do [ -s /tmp/t40.cg ] && break; sleep 0.5; done
cg=$(cat /tmp/t40.cg 2>/dev/null)
sid=$(sed -n 's/.*session-\([^.]*\)\.scope$/\1/p' /tmp/t40.cg 2>/dev/null)
sessions=$(loginctl list-sessions --no-legend 2>&1)
if [ -n "$sid" ] && echo "$sessions" | grep -Eq "^ *$sid +$uid +$U( |$)"; then
	ok "loginctl list-sessions lists session $sid of $U while it runs"
else
	not_ok "loginctl list-sessions lists the running su session"; diag "cgroup: $cg" "sessions:"; printf '#   %s\n' "$sessions"
fi
[ -n "$sid" ] && diag "$(loginctl show-session "$sid" -p Id -p Name -p Class -p Type -p State -p Scope 2>&1 | tr '\n' ' ')"
kill $supid 2>/dev/null; wait $supid 2>/dev/null

# --- transient scope with Delegate and MemoryMax in the user's slice ---------------------------------
systemd-run --quiet --scope --unit="$SCOPE" -p Delegate=yes -p MemoryMax=100M --slice="user-$uid.slice" sleep 30 </dev/null >/dev/null 2>&1 &
for _ in $(seq 60); do systemctl is-active --quiet "$SCOPE.scope" && break; sleep 0.5; done
check "systemd-run --scope: the scope is active" systemctl is-active "$SCOPE.scope"
assert_eq "$(systemctl show -p MemoryMax --value "$SCOPE.scope")" 104857600 "systemctl show: MemoryMax=100M"
assert_eq "$(systemctl show -p Delegate --value "$SCOPE.scope")" yes "systemctl show: Delegate=yes"
scg=$(systemctl show -p ControlGroup --value "$SCOPE.scope")
assert_eq "$scg" "/user.slice/user-$uid.slice/$SCOPE.scope" "the scope is in user-$uid.slice"
assert_eq "$(cat "/sys/fs/cgroup$scg/memory.max" 2>&1)" 104857600 "memory.max in the scope's cgroup"
systemctl stop "$SCOPE.scope"
wait

# --- sshd: the remote command is in a session scope -----------------------------------------------------
start_test_sshd "$U"
for _ in $(seq 60); do $SSH "$U@127.0.0.1" true 2>/dev/null && break; sleep 0.5; done
out=$($SSH "$U@127.0.0.1" 'cat /proc/self/cgroup' 2>&1)
if [[ $out =~ $session_re ]] && assert_contains "$out" "/user-$uid.slice/" "ssh: in user-$uid.slice"; then
	ok "ssh remote command lands in a session scope ($out)"
else
	not_ok "ssh remote command lands in a session scope"; diag "got: $out" "sshd log:"; sed 's/^/#   /' /tmp/sshd.log
fi
