#!/bin/bash
# The systemd backend (issue 5), in the VM booted with systemd as PID 1: logins through su
# and sshd with pam_systemd in the stack get a transient scope with Delegate=yes in the
# user's slice, with the profile's limits as unit properties; logind keeps its session;
# nothing of systemd's tree is written by confine; after logout the scope is gone.
. "$(dirname "$0")/lib.sh"
require_vm
[ "${CONFINE_VM_INIT:-}" = systemd ] || skip_all "needs the systemd VM mode (CONFINE_VM_INIT=systemd)"
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
mkdir -p /var/lib/confine && mount -t tmpfs -o mode=0700 tmpfs /var/lib/confine
mkdir -p /run/sshd

UIDG=$(id -u guest)
# A block device for io limits: an ext4 loop device.
modprobe loop 2>/dev/null
truncate -s 32M /var/tmp/io.img
LOOP=$(losetup -f --show /var/tmp/io.img) || die "no loop device"
mkfs.ext4 -q "$LOOP" && mkdir -p /mnt/io && mount "$LOOP" /mnt/io || die "cannot mount $LOOP"
LOOPDEV=$(lsblk -dno MAJ:MIN "$LOOP" | tr -d ' ')
# (conf, as_guest: lib.sh)
scopes() { systemctl list-units --all --plain --no-legend 'confine-*.scope' 2>/dev/null | awk '{print $1}'; }
wait_no_scopes() { for _ in $(seq 150); do [ -z "$(scopes)" ] && [ -z "$(ls /run/confine/sessions 2>/dev/null)" ] && return 0; sleep 0.2; done; return 1; }
# journal_has TEXT...: a line of confine-helper's in the journal holds every TEXT (waits 10 s)
journal_has() {
	local t lines
	for _ in $(seq 50); do
		lines=$(journalctl -q -t confine-helper --no-pager 2>/dev/null)
		for t in "$@"; do lines=$(printf '%s\n' "$lines" | grep -F -- "$t"); done
		[ -n "$lines" ] && return 0
		sleep 0.2
	done
	return 1
}

assert_contains "$(grep -h pam_systemd /etc/pam.d/common-session)" pam_systemd "pam_systemd is in the session stack"
conf 'memory_max = "64M"; memory_swap_max = 0; pids_max = 40; cpu_quota = "30%"; cpuset_cpus = "0";
      io_path = "/mnt/io"; io_read_bps = "1M";'
out=$(confinectl check 2>&1)
assert_contains "$out" "# cgroup backend: systemd (auto: systemd is PID 1" "check: the systemd backend is in force"
assert_contains "$out" "# profile lim: usable" "check: the profile is usable"

# --- a session through su, looked at from outside while it runs --------------------------
# (a long sleep, ended below once everything is looked at: a loaded TCG host is slow)
# ($S: su's pid, which names the session: confine-PID-STARTTIME.scope)
su -l guest -c 'echo inside=$(cat /proc/self/cgroup); sleep 600' </dev/null >/tmp/su.out 2>&1 & S=$!
for _ in $(seq 300); do [ -n "$(scopes)" ] && grep -q inside= /tmp/su.out && break; sleep 0.1; done
unit=$(scopes | head -n1)
assert_contains "$unit" "confine-$S-" "su: the session's confine scope exists"
show=$(systemctl show "$unit" -p Slice -p Delegate -p MemoryMax -p TasksMax -p CPUQuotaPerSecUSec -p AllowedCPUs -p IOReadBandwidthMax -p ControlGroup -p ActiveState)
diag "$show"
assert_contains "$show" "Slice=user-$UIDG.slice" "su: the scope is in the user's slice"
assert_contains "$show" "Delegate=yes" "su: Delegate=yes"
assert_contains "$show" "MemoryMax=67108864" "su: MemoryMax is the profile's"
assert_contains "$show" "TasksMax=40" "su: TasksMax is the profile's"
assert_contains "$show" "CPUQuotaPerSecUSec=300ms" "su: CPUQuota is the profile's 30%"
assert_contains "$show" "AllowedCPUs=0" "su: AllowedCPUs is the profile's"
assert_contains "$show" "ActiveState=active" "su: the scope is active"
assert_contains "$show" "IOReadBandwidthMax=$LOOP 1048576" "su: IOReadBandwidthMax on the loop device backing io_path"
cg=/sys/fs/cgroup$(echo "$show" | sed -n 's/^ControlGroup=//p')
assert_eq "$(cat "$cg/memory.max" 2>&1)" 67108864 "su: memory.max on the scope's cgroup"
assert_eq "$(cat "$cg/payload/memory.max" 2>&1)" 67108864 "su: and on the payload, where the session sees it"
assert_contains "$(cat "$cg/io.max" 2>&1)" "$LOOPDEV rbps=1048576" "su: io.max on the scope's cgroup"
assert_eq "$(cat "$cg/payload/memory.oom.group" 2>&1)" 1 "su: memory.oom.group on the payload"
keeper=$(cat "$cg/supervisor/cgroup.procs" 2>/dev/null)
assert_eq "$(cat /proc/$keeper/comm 2>&1)" confine-keeper "su: the keeper holds the scope, in supervisor/"
assert_eq "$(stat -c %u /proc/$keeper 2>&1)" 0 "su: the keeper is root's"
pss=$(awk '/^Pss:/ {print $2}' /proc/$keeper/smaps_rollup 2>/dev/null)
diag "keeper: Pss ${pss} kB, fds: $(ls /proc/$keeper/fd | wc -l)"
assert_eq "$(ls /proc/$keeper/fd | wc -l)" 0 "su: the keeper holds no file descriptors"
status=$(SYSTEMD_COLORS=0 systemctl status --no-pager "$unit" 2>&1)
assert_contains "$status" "max: 64.0M" "su: systemctl status shows the memory limit"
assert_contains "$status" "limit: 40" "su: systemctl status shows the tasks limit"
sh=$(pgrep -u guest -x sleep | head -n1)
assert_contains "$(cat /proc/$sh/cgroup)" "/user.slice/user-$UIDG.slice/$unit/payload" "su: the payload runs in the scope's payload cgroup"
assert_contains "$(cat /tmp/su.out)" "inside=0::/" "su: inside, its own cgroup namespace"
sessions=$(loginctl list-sessions --no-legend)
assert_contains "$sessions" "guest" "su: logind still lists the session"
sid=$(loginctl list-sessions --no-legend | awk '$3 == "guest" {print $1; exit}')
assert_eq "$(systemctl show "session-$sid.scope" -p ActiveState --value)" active "su: the logind session scope is active"
assert_eq "$(ls -d /sys/fs/cgroup/confine 2>/dev/null)" "" "nothing written outside the delegated scope (no cgroupfs root)"
# SIGKILL: the sleep is PID 1 of the sandbox (bash -c execs its last command), which
# ignores SIGTERM sent from outside its PID namespace.
pkill -KILL -u guest -x sleep
wait $S
wait_no_scopes && ok "su: after logout the scope is gone" || not_ok "su: scope left: $(scopes)"
assert_eq "$(systemctl show "$unit" -p LoadState --value)" not-found "su: the unit is unloaded"

# --- limits hold: an OOM ends the session --------------------------------------------------
su -l guest -c 'tail /dev/zero; echo survived' </dev/null >/tmp/oom.out 2>&1 & p=$!
wait $p; rc=$?
assert_ne "$rc" 0 "oom: the memory hog's session ends with an error"
assert_not_contains "$(cat /tmp/oom.out)" "survived" "oom: the whole payload was killed"
journal_has "session $p-" " of guest closed; the kernel OOM-killed " &&
	ok "oom: the journal records it, for this session" ||
	not_ok "oom: no close line of session $p- with the OOM kill: $(journalctl -q -t confine-helper --no-pager | tail -n 5)"
wait_no_scopes && ok "oom: the scope is gone" || not_ok "oom: scope left: $(scopes)"

# --- the per-user aggregate slice ----------------------------------------------------------
conf 'memory_max = "64M"; pids_max = 40; user_memory_max = "100M"; user_pids_max = 60;'
as_guest 'sleep 8' >/dev/null & S=$!
for _ in $(seq 300); do [ -n "$(scopes)" ] && break; sleep 0.1; done
unit=$(scopes | head -n1)
assert_eq "$(systemctl show "$unit" -p Slice --value)" "user-$UIDG-confine.slice" "aggregate: the scope is in the user's confine slice"
sl=$(systemctl show "user-$UIDG-confine.slice" -p MemoryMax -p TasksMax)
assert_contains "$sl" "MemoryMax=104857600" "aggregate: the slice's MemoryMax"
assert_contains "$sl" "TasksMax=60" "aggregate: the slice's TasksMax"
wait $S
wait_no_scopes && ok "aggregate: the scope is gone" || not_ok "aggregate: scope left: $(scopes)"
for _ in $(seq 50); do [ "$(systemctl show "user-$UIDG-confine.slice" -p ActiveState --value)" != active ] && break; sleep 0.2; done
assert_ne "$(systemctl show "user-$UIDG-confine.slice" -p ActiveState --value)" active "aggregate: the slice is stopped with the last session"
assert_eq "$(ls /run/systemd/system.control 2>/dev/null | grep confine)" "" "aggregate: no runtime drop-in is left behind"

# --- sshd -----------------------------------------------------------------------------------
conf 'memory_max = "64M"; pids_max = 40;'
start_test_sshd guest
out=$($SSH guest@127.0.0.1 'echo cg=$(cat /proc/self/cgroup); echo mem=$(cat /sys/fs/cgroup/memory.max)' 2>&1)
assert_contains "$out" "cg=0::/" "sshd: the remote command runs confined"
assert_contains "$out" "mem=67108864" "sshd: with the profile's memory.max"
wait_no_scopes && ok "sshd: after the connection closes the scope is gone" || not_ok "sshd: scope left: $(scopes)"
assert_eq "$(ls /run/confine/sessions)" "" "nothing left"

# --- gc: the scope of a helper that died before writing the record -----------------------
start=$(awk '{print $22}' /proc/$$/stat)
systemd-run --quiet --scope --unit="confine-4000000-1.scope" --slice="user-$UIDG.slice" -p Delegate=yes sleep 300 &
systemd-run --quiet --scope --unit="confine-$$-$start.scope" --slice="user-$UIDG.slice" -p Delegate=yes sleep 300 &
for _ in $(seq 100); do [ "$(scopes | wc -l)" -ge 2 ] && break; sleep 0.1; done
confinectl gc >/dev/null 2>&1
for _ in $(seq 50); do scopes | grep -q "confine-4000000-1.scope" || break; sleep 0.2; done
assert_not_contains "$(scopes)" "confine-4000000-1.scope" "gc: an orphan scope whose login process is gone is stopped"
assert_contains "$(scopes)" "confine-$$-$start.scope" "gc: a scope whose login process lives (an open in progress) is left alone"
systemctl stop "confine-$$-$start.scope"

# --- confinectl run on this backend (a scope of its own) -----------------------------------
# The user's groups come from the lookup child's second answer, read by PID 1 before its
# drop; a caller that ignores SIGCHLD still gets the program's status (t10 does the same on
# the cgroupfs backend).
conf 'memory_max = "64M"; pids_max = 40;'
assert_eq "$(confinectl run --profile lim --user guest -- id -G | tr ' ' '\n' | sort -n | xargs)" \
	"$(id -G guest | tr ' ' '\n' | sort -n | xargs)" "run: the user's groups, supplementary ones too ($(id -Gn guest))"
timeout 120 perl -e '$SIG{CHLD} = "IGNORE"; exec @ARGV' confinectl run --profile lim --user guest \
	-- sh -c 'exit 3' </dev/null
assert_eq $? 3 "run: with SIGCHLD ignored by its caller, the run ends with the program's status"
finish
