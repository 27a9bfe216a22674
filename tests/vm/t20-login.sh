#!/bin/bash
# Confined logins through PAM (issue 3): pamtester, su, login on a pty, sshd.
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
SNAP_USERS="guest plain"

# An interface of the host's besides lo (the VM has none): "only lo" inside means something.
ip link show t20dummy >/dev/null 2>&1 || ip link add t20dummy type dummy || die "cannot add a dummy interface"

# self=1: the shell running it is PID 1 (of its own PID namespace; outside, never).
INSIDE='echo self=$$; echo pid1=$(tr "\0" " " </proc/1/cmdline); echo host=$(hostname); echo net=$(ls /sys/class/net); echo cg=$(cat /proc/self/cgroup); echo cgns=$(readlink /proc/self/ns/cgroup); echo mem=$(cat /sys/fs/cgroup/memory.max); echo pids=$(cat /sys/fs/cgroup/pids.max); echo home=$(findmnt -no FSTYPE "$HOME"); echo uid=$(id -u); echo shell=$SHELL; echo hello >~/written'
check_inside() { # OUTPUT WHAT
	local o
	# (on a pty: without CRs and the shell's escape sequences, e.g. bracketed paste mode)
	o=$(printf '%s\n' "$1" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g')
	assert_line "$o" "self=1" "$2: the shell is PID 1 of its own PID namespace"
	assert_line "$o" "host=confine" "$2: hostname is the profile's"
	assert_line "$o" "net=lo" "$2: only lo"
	assert_line "$o" "cg=0::/" "$2: at the root of its cgroup view"
	# Under plain init the host's processes sit in / too: the namespace itself is compared.
	assert_contains "$o" "cgns=cgroup:[" "$2: names its cgroup namespace"
	assert_not_contains "$o" "cgns=$(readlink /proc/self/ns/cgroup)" "$2: in a cgroup namespace of its own"
	assert_line "$o" "mem=536870912" "$2: memory.max is the guest profile's"
	assert_line "$o" "pids=256" "$2: pids.max is the guest profile's"
	assert_line "$o" "home=overlay" "$2: home is the overlay"
	assert_line "$o" "uid=$(id -u guest)" "$2: runs as guest"
	assert_line "$o" "shell=/bin/bash" "$2: SHELL is the real shell"
}

mkdir -p /run/sshd
make_user plain # an unconfined user
sum0=$(home_sum)
# The first session makes /run/confine a private mount point of its own (it stays): the
# baseline is taken after it.
pamtester login guest open_session close_session >/dev/null 2>&1
before=$(snapshot)

# --- pamtester ------------------------------------------------------------------------
check "pamtester: matched user opens and closes" pamtester login guest open_session close_session
assert_eq "$(snapshot)" "$before" "pamtester: nothing left after close"
check "pamtester: unmatched user is ignored (session succeeds unconfined)" \
	pamtester login plain open_session close_session
usermod -s /bin/bash guest
check_fails "pamtester: matched user with a normal shell is refused" pamtester login guest open_session
usermod -s /usr/local/libexec/confine/confine-shell guest
cp /etc/confine/confine.conf /tmp/good.conf
echo 'bogus = 1;' >>/etc/confine/confine.conf
check_fails "pamtester: broken config refuses the matched user" pamtester login guest open_session
cp /tmp/good.conf /etc/confine/confine.conf
mv /usr/local/libexec/confine/confine-helper /tmp/helper.bak
check_fails "pamtester: missing helper refuses" pamtester login guest open_session
mv /tmp/helper.bak /usr/local/libexec/confine/confine-helper
assert_eq "$(snapshot)" "$before" "pamtester: failed opens left nothing"
# A tty rule as the man page writes it ("pts/*") against su's and sshd's PAM_TTY, /dev/pts/N:
# it matches plain, whose shell is not confine-shell, so the open is refused; the control, a
# tty no rule names, opens unconfined. Failed before the leading /dev/ was ignored.
sed -i 's|^rules = (|rules = (\n\t{ user = "plain"; tty = "pts/*"; profile = "guest"; },|' /etc/confine/confine.conf
check "tty rule: control: plain on /dev/tty9 matches no rule (unconfined)" \
	pamtester -I tty=/dev/tty9 login plain open_session close_session
check_fails "tty rule \"pts/*\" matches PAM_TTY /dev/pts/7 (plain refused: its shell is not confine-shell)" \
	pamtester -I tty=/dev/pts/7 login plain open_session
cp /tmp/good.conf /etc/confine/confine.conf

# --- confine-shell without a session ----------------------------------------------------
out=$(setpriv --reuid=guest --regid=guest --init-groups /usr/local/libexec/confine/confine-shell -c id 2>&1); rc=$?
assert_ne "$rc" 0 "confine-shell without a session is refused"
assert_contains "$out" "no confined session" "and says why"
out=$(setpriv --reuid=plain --regid=plain --init-groups /usr/local/libexec/confine/confine-shell -c id 2>&1); rc=$?
assert_ne "$rc" 0 "confine-shell by a user outside group confine cannot run"

# A live session of guest that is not an ancestor must not be usable, whatever the env says.
su -l guest -c 'sleep 20' & supid=$!
for _ in $(seq 50); do ls /run/confine/sessions 2>/dev/null | grep -q . && break; sleep 0.2; done
sid=$(ls /run/confine/sessions | head -1)
out=$(env CONFINE_SESSION="$sid" PAM_CONFINE_SESSION="$sid" setpriv --reuid=guest --regid=guest --init-groups /usr/local/libexec/confine/confine-shell -c id 2>&1); rc=$?
assert_ne "$rc" 0 "confine-shell outside the session's process tree is refused, even with the sid in the env"
assert_contains "$out" "no confined session" "and says why"
out=$(setpriv --reuid=guest --regid=guest --init-groups /usr/local/libexec/confine/confine-shell "$sid" -c id 2>&1); rc=$?
assert_ne "$rc" 0 "a session id in argv does not help either"
kill $supid 2>/dev/null; wait $supid 2>/dev/null
expect_clean "confine-shell refusals: nothing left after the session"

# enroll / unenroll
check "confinectl enroll" /usr/local/sbin/confinectl enroll plain
assert_eq "$(getent passwd plain | cut -d: -f7)" /usr/local/libexec/confine/confine-shell "enroll: login shell is confine-shell"
assert_contains "$(id -nG plain)" confine "enroll: member of group confine"
out=$(su -l plain -c 'hostname' 2>&1)
assert_eq "$out" confine "enroll: the enrolled user's login is confined"
check "confinectl unenroll" /usr/local/sbin/confinectl unenroll plain
assert_eq "$(su -l plain -c hostname 2>&1)" confine-vm "unenroll: logins are unconfined again"
expect_clean "enroll: nothing left after the logins"

# --- su ---------------------------------------------------------------------------------
out=$(su -l guest -c "$INSIDE" 2>&1)
check_inside "$out" "su -l -c"
assert_contains "$out" "pid1=-bash -c" "su -l: the real shell is PID 1 as a login shell"
out=$(su guest -c 'echo $0; tr "\0" " " </proc/1/cmdline' 2>&1)
assert_contains "$out" "bash -c" "su -c: non-login shell gets bash -c"
check "su: the real home is unchanged" test "$(home_sum)" = "$sum0"
expect_clean "su: nothing left after logout"

# --- login on a pty ------------------------------------------------------------------------
out=$(printf '%s\nexit\n' "$INSIDE" | timeout 120 script -qec 'login -f guest' /dev/null 2>&1)
check_inside "$out" "login"
assert_contains "$out" "pid1=-bash" "login: -bash is PID 1"
expect_clean "login: nothing left after logout"

# --- sshd -----------------------------------------------------------------------------------
start_test_sshd guest
sum0=$(home_sum)
wait_for $SSH guest@127.0.0.1 true
expect_clean "ssh: the first login left nothing"

out=$($SSH guest@127.0.0.1 "$INSIDE" 2>&1)
check_inside "$out" "ssh remote command"
out=$(printf '%s\nexit\n' "$INSIDE" | $SSH -tt guest@127.0.0.1 2>&1)
check_inside "$out" "ssh -tt interactive"
echo payload >/tmp/payload
check "scp (sftp protocol) into the home" scp -F /dev/null -i /tmp/clientkey -P 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR /tmp/payload guest@127.0.0.1:payload
check "scp -O (legacy protocol)" scp -O -F /dev/null -i /tmp/clientkey -P 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR /tmp/payload guest@127.0.0.1:payload2
out=$(echo "ls" | sftp -F /dev/null -i /tmp/clientkey -P 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -b - guest@127.0.0.1 2>&1)
assert_contains "$out" "real.txt" "sftp lists the (overlay) home"
check_fails "the scp'd file never reaches the real home" test -e /home/guest/payload
check_fails "ssh -R forwarding is refused for the group" $SSH -o ExitOnForwardFailure=yes -R 2224:127.0.0.1:22 guest@127.0.0.1 true

# Multiplexed channels in parallel share the session's cgroup, each with its own namespaces.
$SSH -o ControlMaster=yes -o ControlPath=/tmp/cm -o ControlPersist=60 -fN guest@127.0.0.1
a=$($SSH -o ControlPath=/tmp/cm guest@127.0.0.1 'sleep 2; cat /proc/self/cgroup; readlink /proc/self/ns/pid' &
    $SSH -o ControlPath=/tmp/cm guest@127.0.0.1 'sleep 2; cat /proc/self/cgroup; readlink /proc/self/ns/pid'; wait)
assert_eq "$(echo "$a" | grep -c '^0::/$')" 2 "two multiplexed channels both run confined"
assert_eq "$(echo "$a" | grep pid: | sort -u | wc -l)" 2 "each channel has its own PID namespace"
n=$(find /sys/fs/cgroup/confine -mindepth 2 -maxdepth 2 -type d -name '[0-9]*' | wc -l)
assert_eq "$n" 1 "the multiplexed channels share one session cgroup"
$SSH -o ControlPath=/tmp/cm -O exit guest@127.0.0.1 2>/dev/null
expect_clean "ssh: nothing left after logout"

# Abrupt disconnect: the client is SIGKILLed mid-session.
$SSH guest@127.0.0.1 'sleep 300' & cpid=$!
for _ in $(seq 150); do ls /run/confine/sessions 2>/dev/null | grep -q . && break; sleep 0.2; done
assert_ne "$(ls /run/confine/sessions)" "" "ssh: the session is open before the disconnect"
kill -9 $cpid
expect_clean "ssh: abrupt disconnect tears the session down"

# SIGKILL of the sshd monitor: close never runs; gc collects it.
$SSH guest@127.0.0.1 'sleep 300' & cpid=$!
for _ in $(seq 50); do ls /run/confine/sessions 2>/dev/null | grep -q . && break; sleep 0.2; done
mon=$(ls /run/confine/sessions | head -1 | cut -d- -f1)
kill -9 "$mon"; sleep 1
assert_ne "$(ls /run/confine/sessions)" "" "killed monitor leaves a stale session"
check "confinectl gc" /usr/local/sbin/confinectl gc
expect_clean "gc collected the stale session"
kill $cpid 2>/dev/null
assert_eq "$(home_sum)" "$sum0" "ssh: the real home is byte-identical to before"

# A SIGKILLed `confinectl run` skips its teardown; its sandbox dies with it, gc takes the leaf.
/usr/local/sbin/confinectl run --profile guest --user guest -- sleep 300 & ctl=$!
for _ in $(seq 100); do ls /sys/fs/cgroup/confine | grep -q "^run-$ctl-" && break; sleep 0.2; done
kill -9 $ctl; wait $ctl 2>/dev/null
sleep 1
assert_eq "$(pgrep -u guest -c sleep)" 0 "a SIGKILLed confinectl takes its sandbox along"
assert_eq "$(ls /sys/fs/cgroup/confine | grep -c "^run-$ctl-")" 1 "its cgroup leaf is left behind"
check "confinectl gc" /usr/local/sbin/confinectl gc
assert_eq "$(ls /sys/fs/cgroup/confine | grep -c "^run-")" 0 "gc removed the dead run's leaf"

# A reference without a record (its helper killed between taking it and writing the record)
# whose login process is gone: the user's next open drops it and its cgroup leaf.
G_UID=$(id -u guest) ORPH=999999-1
mkdir -p /run/confine/users/guest/sessions "/sys/fs/cgroup/confine/user-$G_UID/$ORPH"
: >"/run/confine/users/guest/sessions/$ORPH"
check "a login of guest beside an orphaned reference" su -l guest -c true
check "the open dropped the orphaned reference" test ! -e "/run/confine/users/guest/sessions/$ORPH"
check "and its cgroup leaf" test ! -d "/sys/fs/cgroup/confine/user-$G_UID/$ORPH"
expect_clean "nothing of the orphan is left"

# Many sessions of one user: an open looks at a window of its user's stale sessions (32 by
# gc, 32 by the orphan check), not at all of them, unless max_sessions needs an exact count.
HELPER=/usr/local/libexec/confine/confine-helper
cp /etc/confine/confine.conf /tmp/t20.conf
# stale N: N sessions of guest opened the way pam_confine does, then their login processes
# SIGKILLed (no close): N records whose callers are gone
stale() {
	local i p=()
	for ((i = 0; i < $1; i++)); do
		bash -c "$HELPER open guest su '' '' '' '' \$\$ >/dev/null 2>&1; exec sleep 600" </dev/null >/dev/null 2>&1 &
		p+=($!)
		((i % 20 == 19)) && sleep 1
	done
	for _ in $(seq 300); do [ "$(ls /run/confine/sessions | wc -l)" -ge "$1" ] && break; sleep 0.2; done
	kill -9 "${p[@]}"; wait "${p[@]}" 2>/dev/null
}
# looked_at: how many of the stale sessions one more open reads (its openat calls naming them)
looked_at() {
	ls /run/confine/sessions >/tmp/t20.sids
	strace -f -qq -e trace=openat,openat2 -o /tmp/t20.st \
		bash -c "$HELPER open guest su '' '' '' '' \$\$ >/dev/null 2>&1; exec true" </dev/null
	grep -oFf /tmp/t20.sids /tmp/t20.st | sort -u | wc -l
}
sed -i -E 's/^([[:space:]]*)(max_sessions|user_pids_max|user_memory_max)[[:space:]]*=.*;/\1\2 = "max";/' /etc/confine/confine.conf
stale 100
assert_eq "$(ls /run/confine/sessions | wc -l)" 100 "100 stale sessions of guest"
n=$(looked_at)
if [ "$n" -ge 1 ] && [ "$n" -le 64 ]; then ok "no max_sessions: an open reads $n of 100 stale sessions (at most 64)"
else not_ok "no max_sessions: an open reads $n of 100 stale sessions (at most 64)"; fi
assert_ne "$(ls /run/confine/sessions | wc -l)" 1 "and leaves the rest for later"
check "confinectl gc" /usr/local/sbin/confinectl gc
assert_eq "$(ls /run/confine/sessions | wc -l)" 0 "confinectl gc collects all of them"
sed -i -E 's/^([[:space:]]*)max_sessions[[:space:]]*=.*;/\1max_sessions = 1000;/' /etc/confine/confine.conf
stale 40
n=$(looked_at)
assert_eq "$n" 40 "max_sessions = 1000: an open reads every stale session of its user"
assert_eq "$(ls /run/confine/sessions | wc -l)" 1 "and collects them all before counting (its own is left)"
cp /tmp/t20.conf /etc/confine/confine.conf
check "confinectl gc" /usr/local/sbin/confinectl gc
expect_clean "nothing left of the many sessions"
pkill -f "sshd -f /tmp/sshd_config"
