#!/bin/bash
# Ways out of a confined login that an outside audit found (issue 9), attacked: fds 0-2 that
# lead back into the host tree, setuid/device files on host mounts, mounts made after the
# session started, an unset loginuid, other users' homes pinned in every sandbox, supervisors
# stopped by job control, session records readable by everybody. Runs in both VMs (plain
# init, and systemd as PID 1, where / is a shared mount).
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"

GUID=$(id -u guest)
AS_PLAIN="setpriv --reuid=plain --regid=plain --init-groups"
make_user plain
# guest_gone: no session record and no process of guest is left
guest_gone() { no_sessions && ! pgrep -u guest >/dev/null; }
# expect_gone MSG: waits up to 30 s for guest_gone, then asserts it
expect_gone() {
	wait_for guest_gone && { ok "$1"; return 0; }
	not_ok "$1"; diag "records: $(ls /run/confine/sessions 2>&1)" "processes: $(pgrep -u guest -a)"
	return 1
}
# guest_pid1: the host pid of the program a confined login of guest runs as its PID 1
guest_pid1() { local p; p=$(pgrep -u guest -x "${1:-sleep}" | head -1); [ -n "$p" ] && echo "$p"; }

check "a confined login works" su -l guest -c true </dev/null

# --- 1. fds 0-2 ---------------------------------------------------------------------------
rm -f /tmp/t31-escape
out=$(su guest -c 'echo escaped >/proc/self/fd/1/tmp/t31-escape; echo ran' 2>&1 1</); rc=$?
assert_ne "$rc" 0 "fd 1 a directory of the host: the login is refused"
assert_contains "$out" "fd 1 is a directory" "fd 1 a directory: the message says why"
check_fails "fd 1 a directory: nothing was written into the host's /tmp through it" \
	test -e /tmp/t31-escape
out=$(su guest -c 'ls /proc/self/fd/0/ && echo ran' 0</etc 2>&1); rc=$?
assert_ne "$rc" 0 "fd 0 a directory of the host: the login is refused"
assert_not_contains "$out" "passwd" "fd 0 a directory: /etc was never listed through it"
out=$(python3 -c '
import os, sys
fd = os.open("/", os.O_PATH)
os.dup2(fd, 2)
os.execvp("su", ["su", "guest", "-c", "echo x >/proc/self/fd/2/tmp/t31-escape; echo ran >&1"])' 2>/dev/null); rc=$?
assert_ne "$rc" 0 "fd 2 an O_PATH handle of /: the login is refused"
check_fails "fd 2 an O_PATH handle: nothing was written through it" test -e /tmp/t31-escape
out=$(su guest -c 'echo via-file' 2>&1 >/tmp/t31-out); rc=$?
assert_eq "$rc" 0 "fd 1 a regular file: the login works"
assert_eq "$(cat /tmp/t31-out)" via-file "fd 1 a regular file: the output went into it"
assert_eq "$(echo via-pipe | su guest -c cat 2>&1)" via-pipe "fds 0 and 1 pipes: the login works"
expect_gone "fds 0-2: no session left"

# --- 2. host mounts inside: read-only, nosuid, nodev --------------------------------------
mkdir -p /mnt/early /mnt/late
mount -t tmpfs -o mode=0755,suid,dev tmpfs /mnt/early || die "cannot mount /mnt/early"
install -m 4755 -o root -g root /usr/bin/id /mnt/early/suid-id
mknod -m 0666 /mnt/early/null c 1 3
assert_eq "$($AS_PLAIN /mnt/early/suid-id -u)" 0 "control: outside, a setuid-root file on /mnt/early runs as root"
check "control: outside, the device node on /mnt/early opens" $AS_PLAIN sh -c 'echo x >/mnt/early/null'
out=$(su -l guest -c 'findmnt -no OPTIONS /; findmnt -no OPTIONS /mnt/early; echo x >/mnt/early/null && echo dev=ok || echo dev=fail; echo euid=$(/mnt/early/suid-id -u)' </dev/null 2>&1)
root_opts=$(echo "$out" | sed -n 1p) early_opts=$(echo "$out" | sed -n 2p)
for o in ro nosuid nodev; do
	assert_contains ",$root_opts," ",$o," "inside: / is $o"
	assert_contains ",$early_opts," ",$o," "inside: a host mount without nosuid/nodev (/mnt/early) is $o"
done
assert_contains "$out" "dev=fail" "inside: the device node on the host mount does not open"
assert_contains "$out" "euid=$GUID" "inside: the setuid-root file runs as the user"

# --- 3. a mount made on the host after the session started --------------------------------
su -l guest -c 'sleep 300' </dev/null >/dev/null 2>&1 & long=$!
wait_for guest_pid1 || die "the long session did not start"
p1=$(guest_pid1)
# Control: does this host propagate new mounts into (slave) namespaces at all?
unshare -m --propagation slave sleep 300 & slavens=$!
sleep 1
mount -t tmpfs -o mode=0755,suid,dev tmpfs /mnt/late || die "cannot mount /mnt/late"
touch /mnt/late/host-file
if grep -q " /mnt/late " /proc/$slavens/mountinfo; then
	ok "control: a slave mount namespace receives /mnt/late (this host propagates mounts)"
	late=$(grep " /mnt/late " /proc/$p1/mountinfo)
	assert_eq "$late" "" "inside: the mount made after the session started is absent"
else
	skip "this host does not propagate new mounts (/ is not shared): the late-mount check needs the systemd VM"
fi
kill $slavens; wait $slavens 2>/dev/null
check "the admin can unmount the late mount while the session runs" umount /mnt/late
check "the admin can unmount a mount the session started with" umount /mnt/early
assert_ne "$(guest_pid1)" "" "the session still runs after both unmounts"

# --- 4. loginuid --------------------------------------------------------------------------
if [ "$(cat /proc/self/loginuid)" = 4294967295 ]; then
	assert_eq "$($AS_PLAIN sh -c 'echo 0 >/proc/self/loginuid && cat /proc/self/loginuid' 2>&1)" 0 \
		"control: outside, a user with an unset loginuid can set it to 0"
	out=$(su guest -c 'echo loginuid=$(cat /proc/self/loginuid); (echo 0 >/proc/self/loginuid) 2>/dev/null && echo set=ok || echo set=fail' </dev/null 2>&1)
	assert_contains "$out" "loginuid=$GUID" "inside: loginuid is the user's when the login program set none"
	assert_contains "$out" "set=fail" "inside: the user cannot set loginuid to 0"
else
	skip "this test process has a loginuid ($(cat /proc/self/loginuid)): nothing to show"
fi

# --- 5. other users' homes are not pinned in a sandbox ------------------------------------
id g2 >/dev/null 2>&1 || useradd --create-home --shell /usr/local/libexec/confine/confine-shell \
	--groups confine --user-group g2
kill $long; wait $long 2>/dev/null
expect_gone "the long session of guest ended"
su -l g2 -c 'head -c 8M /dev/zero >~/big; sleep 300' </dev/null >/dev/null 2>&1 & g2s=$!
wait_for pgrep -u g2 -x sleep || die "g2's session did not start"
su -l guest -c 'sleep 300' </dev/null >/dev/null 2>&1 & long=$!
wait_for guest_pid1 || die "guest's session did not start"
p1=$(guest_pid1)
assert_eq "$(grep -c /run/confine/homes/g2 /proc/self/mountinfo)" 1 "control: the host has g2's home mounted"
assert_eq "$(grep /run/confine /proc/$p1/mountinfo)" "" "inside guest's session while g2 is logged in: no mount of /run/confine (no other user's home, nothing says who is logged in)"
pkill -KILL -u g2 -x sleep; wait $g2s 2>/dev/null
wait_for sh -c '! grep -q /run/confine/homes/g2 /proc/self/mountinfo'
assert_eq "$(grep /run/confine /proc/$p1/mountinfo)" "" "inside guest's session after g2 logged out: no mount of /run/confine"

# --- 6. session records ---------------------------------------------------------------------
sid=$(ls /run/confine/sessions | head -1)
assert_ne "$sid" "" "a live session has a record"
assert_eq "$(stat -c %a "/run/confine/sessions/$sid")" 600 "the record is root-only (0600)"
check_fails "another user cannot list the session records" $AS_PLAIN ls /run/confine/sessions
check_fails "another user cannot read a record" $AS_PLAIN cat "/run/confine/sessions/$sid"
kill $long; wait $long 2>/dev/null
expect_gone "session records: the session is gone"

# --- 7. job control cannot stop the supervisors ----------------------------------------------
# su --session-command keeps the session in su's process group, a foreground job of a
# job-control shell on a pty: ^Z there sends SIGTSTP to su, confine-shell and the namespaced
# parent (PID 1 of the sandbox ignores it). A stopped namespaced parent enforces no
# max_duration, and the user can SIGCONT their own PID 1 and go on.
cp /etc/confine/confine.conf /tmp/t31.conf
sed -i 's/max_duration = "max";/max_duration = "30s";/; s/max_duration_grace = "30s";/max_duration_grace = "2s";/' \
	/etc/confine/confine.conf
# on_pty USER: su --session-command 'sleep 900' for USER as a job on a pty; ^Z goes to fd 3
on_pty() {
	rm -f /tmp/t31-in; mkfifo /tmp/t31-in
	exec 3<>/tmp/t31-in
	SHELL=/bin/bash script -qfec "set -m; su -l $1 --session-command 'sleep 900'; sleep 900" \
		/dev/null <&3 >/tmp/t31-pty 2>&1 &
}
on_pty plain; scr=$!
wait_for pgrep -u plain -x sleep || die "plain's session on the pty did not start"
printf '\032' >&3
wait_for sh -c "ps -o stat= -p $(pgrep -u plain -x sleep) | grep -q T"
assert_contains "$(ps -o stat= -p "$(pgrep -u plain -x sleep)")" T "control: ^Z on the pty stops the job of an unconfined su"
kill -9 $scr; pkill -9 -x su; pkill -9 -u plain; exec 3>&-; wait $scr 2>/dev/null
s=$(date +%s)
on_pty guest; scr=$!
wait_for guest_pid1 || die "the session on the pty did not start"
nsp=$(pgrep -x 'confine:\[ns\]' | head -1) outer=$(pgrep -x confine-shell | head -1)
[ -n "$nsp" ] && [ -n "$outer" ] || die "supervisors not found: ns=$nsp outer=$outer"
printf '\032' >&3 # ^Z on the terminal
sleep 3
assert_not_contains "$(ps -o stat= -p "$nsp")" T "^Z: the namespaced parent is not stopped"
assert_not_contains "$(ps -o stat= -p "$outer")" T "^Z: confine-shell is not stopped"
setpriv --reuid=guest --regid=guest --init-groups kill -CONT "$(guest_pid1)"
while guest_pid1 >/dev/null && [ $(( $(date +%s) - s )) -lt 150 ]; do sleep 1; done
el=$(( $(date +%s) - s ))
if guest_pid1 >/dev/null; then
	not_ok "max_duration holds after ^Z: the session still runs after ${el}s (limit 30s)"
else
	ok "max_duration holds after ^Z: the session ended after ${el}s (limit 30s)"
fi
kill -CONT "$(pgrep -x su)" 2>/dev/null
kill $scr 2>/dev/null; pkill -KILL -f 'sleep 900'; wait $scr 2>/dev/null
exec 3>&-
cp /tmp/t31.conf /etc/confine/confine.conf
expect_gone "the end: no session of guest is left"
finish
