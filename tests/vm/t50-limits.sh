#!/bin/bash
# Resource control, cgroupfs backend (issue 5): every limit seen from inside the session and
# from outside, the per-user aggregate, max_sessions, max_duration, and last (it rebinds
# controllers to cgroup v1 for the rest of the boot) a hybrid host: refusal, limits=optional.
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"

PY=/usr/bin/python3
UIDG=$(id -u guest)
USERCG=/sys/fs/cgroup/confine/user-$UIDG
# The helpers log to syslog: collect it, to check what the log says.
start_syslog /var/log/t50-syslog
mkdir -p /var/lib/confine && mount -t tmpfs -o mode=0700 tmpfs /var/lib/confine

# A real block device for io.max: an ext4 loop device with a file to read back.
modprobe loop 2>/dev/null
truncate -s 64M /var/tmp/io.img
LOOP=$(losetup -f --show /var/tmp/io.img) || die "no loop device"
mkfs.ext4 -q "$LOOP" && mkdir -p /mnt/io && mount "$LOOP" /mnt/io || die "cannot mount $LOOP"
dd if=/dev/urandom of=/mnt/io/data bs=1M count=6 status=none && chmod 0644 /mnt/io/data
LOOPDEV=$(lsblk -dno MAJ:MIN "$LOOP" | tr -d ' ')

# su_bg CMD OUT: CMD in a confined login of guest in the background, output into OUT; $! is
# su's pid, which names the session (its id is "PID-STARTTIME")
su_bg() { su -l guest -c "$1" </dev/null >"$2" 2>&1 & }

conf 'memory_max = "64M"; memory_swap_max = 0; cpu_quota = "20%"; pids_max = 40;
      cpuset_cpus = "0"; io_path = "/mnt/io"; io_read_bps = "1M";
      user_memory_max = "96M"; user_pids_max = 70; max_sessions = 2;'

out=$(confinectl check 2>&1)
assert_contains "$out" "# cgroup backend: cgroupfs (auto: systemd is not running" "check names the backend and why"
assert_contains "$out" "# profile lim: usable" "check: the profile is usable here"

# --- every limit, from inside -----------------------------------------------------------
out=$(as_guest 'cd /sys/fs/cgroup; for f in memory.max memory.swap.max memory.oom.group cpu.max cpuset.cpus pids.max io.max; do echo "$f=$(cat $f)"; done')
assert_line "$out" "memory.max=67108864" "inside: memory.max"
assert_line "$out" "memory.swap.max=0" "inside: memory.swap.max"
assert_line "$out" "memory.oom.group=1" "inside: memory.oom.group (default on)"
assert_line "$out" "cpu.max=20000 100000" "inside: cpu.max is 20% of one CPU"
assert_line "$out" "cpuset.cpus=0" "inside: cpuset.cpus"
assert_line "$out" "pids.max=40" "inside: pids.max"
assert_line "$out" "io.max=$LOOPDEV rbps=1048576 wbps=max riops=max wiops=max" \
	"inside: io.max on the loop device backing io_path"

# --- from outside, while a session runs ------------------------------------------------
as_guest 'sleep 8' >/dev/null & S1=$!
for _ in $(seq 100); do [ -n "$(ls -d "$USERCG"/*-* 2>/dev/null)" ] && break; sleep 0.1; done
leaf=$(ls -d "$USERCG"/*-* 2>/dev/null | head -n1)
assert_ne "$leaf" "" "outside: the session's leaf is below the user's cgroup"
assert_eq "$(cat "$USERCG/memory.max" 2>&1)" 100663296 "outside: the user's aggregate memory.max"
assert_eq "$(cat "$USERCG/pids.max" 2>&1)" 70 "outside: the user's aggregate pids.max"
assert_eq "$(cat "$leaf/memory.max" 2>&1)" 67108864 "outside: the leaf's memory.max"
assert_eq "$(stat -c %U "$leaf")" root "outside: the leaf is root's, not the user's"
wait $S1
expect_no_sessions "outside: the session ended"
assert_eq "$(ls -d "$USERCG" 2>/dev/null)" "" "the user's cgroup is gone with its last session"

# --- memory.max: a hog is OOM-killed with its whole session, and the log says so ---------
su_bg 'tail /dev/zero; echo survived' /tmp/oom.out; p=$!
wait $p; rc=$?
assert_ne "$rc" 0 "memory hog: the session ends with an error"
assert_not_contains "$(cat /tmp/oom.out)" "survived" "memory hog: the whole session was killed (oom.group)"
expect_no_sessions "memory hog: the session is closed"
assert_log 0 "memory hog: the session's close log line records the OOM kill" \
	"session $p-" " of guest closed; the kernel OOM-killed "

# --- pids.max -------------------------------------------------------------------------
out=$(as_guest "$PY -c '
import os, time
n = 0
try:
    for i in range(100):
        if os.fork() == 0:
            time.sleep(3); os._exit(0)
        n += 1
except OSError as e:
    print(\"fork failed after\", n, e.errno)
print(open(\"/sys/fs/cgroup/pids.events\").read().strip())
'")
assert_contains "$out" "fork failed after" "pids.max: fork fails inside"
ev=$(echo "$out" | sed -n 's/^max //p')
[ "${ev:-0}" -gt 0 ] && ok "pids.max: pids.events counts $ev refused forks" || not_ok "pids.max: pids.events says max ${ev:-(none)}"
n=$(echo "$out" | sed -n 's/^fork failed after \([0-9]*\).*/\1/p')
[ -n "$n" ] && [ "$n" -lt 40 ] && ok "pids.max: fewer than 40 forks succeeded ($n)" || not_ok "pids.max: $n forks succeeded"
expect_no_sessions "pids.max: the session ended"

# --- cpu.max: a busy loop is throttled at 20% -----------------------------------------
# CPU used by the busy loop alone against its wall time (the login before it is throttled
# too, and takes long under a loaded TCG host: only the loop's own share says something).
out=$(as_guest 'u() { sed -n "s/^usage_usec //p" /sys/fs/cgroup/cpu.stat; }
	u0=$(u); t0=$(date +%s%N); timeout 4 sh -c "while :; do :; done"; t1=$(date +%s%N); u1=$(u)
	echo "loop_cpu_us $((u1 - u0))"; echo "loop_wall_us $(( (t1 - t0) / 1000 ))"
	cat /sys/fs/cgroup/cpu.stat')
thr=$(echo "$out" | sed -n 's/^nr_throttled //p')
lc=$(echo "$out" | sed -n 's/^loop_cpu_us //p') lw=$(echo "$out" | sed -n 's/^loop_wall_us //p')
diag "cpu.stat: nr_throttled=$thr; the loop used ${lc}us of CPU in ${lw}us (quota 20%)"
[ "${thr:-0}" -gt 0 ] && ok "cpu.max: the session was throttled" || not_ok "cpu.max: not throttled"
# 20% quota: the loop gets about a fifth of its wall time; unthrottled it would get all of it.
[ -n "$lc" ] && [ -n "$lw" ] && [ $((lc * 100 / (lw + 1))) -lt 40 ] &&
	ok "cpu.max: the busy loop got $((lc * 100 / (lw + 1)))% of a CPU (quota 20%)" ||
	not_ok "cpu.max: the busy loop got ${lc}us of CPU in ${lw}us"
expect_no_sessions "cpu.max: the session ended"

# --- cpuset.cpus: the session runs only on CPU 0 ---------------------------------------
# (on a VM with one CPU every process may run only on CPU 0: no test)
if [ "$(grep Cpus_allowed_list /proc/self/status)" != "Cpus_allowed_list:	0" ]; then
	out=$(as_guest 'grep Cpus_allowed_list /proc/self/status')
	assert_line "$out" "Cpus_allowed_list:	0" "cpuset.cpus: the session may run only on CPU 0"
	expect_no_sessions "cpuset.cpus: the session ended"
else
	skip "cpuset.cpus: this VM has one CPU (CONFINE_VM_SMP=1): every process runs only on CPU 0"
fi

# --- io.max on the loop device ---------------------------------------------------------
t0=$(date +%s.%N)
dd if=/mnt/io/data of=/dev/null bs=1M iflag=direct status=none
t_free=$(echo "$(date +%s.%N) - $t0" | bc)
out=$(as_guest 's=$(date +%s.%N); dd if=/mnt/io/data of=/dev/null bs=1M iflag=direct status=none; echo elapsed=$(echo "$(date +%s.%N) - $s" | bc)')
t_conf=$(echo "$out" | sed -n 's/^elapsed=//p')
diag "io: 6 MiB direct read takes ${t_free}s outside, ${t_conf}s confined at 1 MiB/s"
[ -n "$t_conf" ] && [ "$(echo "$t_conf >= 4" | bc)" = 1 ] && ok "io.max: the confined read is throttled to ~1 MiB/s" ||
	not_ok "io.max: confined read took ${t_conf}s"
expect_no_sessions "io.max: the session ended"

# --- io.max on writes: a persistent home whose image is on the loop device -----------------
# The home is an ext4 image in state_dir on /mnt/io, on a loop device of its own: the session's
# direct writes reach the disk below (io_path's, with io.max) through that loop device, which
# does direct I/O on the image; buffered, the image's page cache would absorb them unthrottled.
mkdir -p /mnt/io/state && chmod 0700 /mnt/io/state
cat >/etc/confine/confine.conf <<'CONF'
state_dir = "/mnt/io/state";
profiles = { lim = { home = "persistent"; home_size = "32M"; pids_max = 64; io_path = "/mnt/io"; io_write_bps = "1M"; }; };
rules = ( { user = "guest"; profile = "lim"; } );
CONF
t0=$(date +%s.%N)
dd if=/dev/zero of=/mnt/io/free bs=1M count=4 oflag=direct status=none; rm -f /mnt/io/free
t_free=$(echo "$(date +%s.%N) - $t0" | bc)
out=$(as_guest 's=$(date +%s.%N); dd if=/dev/zero of=$HOME/w bs=1M count=4 oflag=direct status=none && echo wrote; echo elapsed=$(echo "$(date +%s.%N) - $s" | bc); rm -f $HOME/w; sleep 3' &
      for _ in $(seq 150); do [ -n "$(losetup -j /mnt/io/state/guest/home.img)" ] && break; sleep 0.2; done
      h=$(losetup -j /mnt/io/state/guest/home.img | cut -d: -f1)
      echo "home-loop=$h dio=$(cat /sys/block/${h#/dev/}/loop/dio 2>&1)"; wait)
t_conf=$(echo "$out" | sed -n 's/^elapsed=//p')
diag "io: 4 MiB direct write takes ${t_free}s outside, ${t_conf}s confined at 1 MiB/s"
assert_contains "$out" "wrote" "io.max: the confined direct write completed"
assert_contains "$out" "dio=1" "io.max: the home's loop device does direct I/O on its image"
[ -n "$t_conf" ] && [ "$(echo "$t_conf >= 2.5" | bc)" = 1 ] && ok "io.max: the confined write into the home is throttled to ~1 MiB/s" ||
	not_ok "io.max: confined write took ${t_conf}s"
expect_no_sessions "io.max on writes: the session ended"

# --- io_weight needs io.cost or BFQ on the device ----------------------------------------
conf 'pids_max = 64; io_path = "/mnt/io"; io_weight = 50;'
mark=$(log_mark)
out=$(as_guest 'echo weighted-ran'); rc=$?
assert_ne "$rc" 0 "io_weight: refused on a device without io.cost or BFQ"
assert_log "$mark" "io_weight: the log says why" "refusing the session of 'guest'" "has no proportional io control"
if echo bfq >"/sys/block/${LOOP#/dev/}/queue/scheduler" 2>/dev/null; then
	out=$(as_guest 'cat /sys/fs/cgroup/io.bfq.weight'); rc=$?
	assert_eq "$rc" 0 "io_weight: works with the BFQ scheduler"
	assert_contains "$out" "$LOOPDEV 50" "io_weight: io.bfq.weight inside"
else
	skip "io_weight with BFQ: the bfq scheduler is not available in this kernel"
fi
expect_no_sessions "io_weight: no session left"

# --- memory.high: throttled and reclaimed, not killed ----------------------------------
conf 'memory_high = "24M"; memory_swap_max = 0; pids_max = 64;'
out=$(as_guest "$PY -c '
import time
chunks = []
t = time.time()
while time.time() - t < 6:
    chunks.append(b\"x\" * (1 << 20))
print(\"allocated\", len(chunks))
' ; grep -E '^(high|oom_kill) ' /sys/fs/cgroup/memory.events")
high=$(echo "$out" | sed -n 's/^high //p')
diag "memory.high: $(echo "$out" | tr '\n' ' ')"
[ "${high:-0}" -gt 0 ] && ok "memory.high: memory.events counts high events" || not_ok "memory.high: no high events"
assert_contains "$out" "oom_kill 0" "memory.high: nothing was OOM-killed"
assert_contains "$out" "allocated" "memory.high: the program ran to its end"
expect_no_sessions "memory.high: the session ended"

# --- per-user aggregate across two parallel sessions ------------------------------------
conf 'memory_max = "64M"; memory_swap_max = 0; pids_max = 64; user_memory_max = "80M"; max_sessions = 2;'
HOLD="$PY -c 'import time; a = b\"x\" * (45 << 20); print(\"holding\", flush=True); time.sleep(12)'"
as_guest "$HOLD" >/tmp/agg1 & A1=$!
for _ in $(seq 200); do grep -q holding /tmp/agg1 && break; sleep 0.1; done
assert_contains "$(cat /tmp/agg1)" "holding" "aggregate: one session holds 45M (under its own 64M)"
out=$(as_guest "$HOLD"); rc2=$?
wait $A1; rc1=$?
oom=$(sed -n 's/^oom_kill //p' "$USERCG/memory.events" 2>/dev/null)
diag "aggregate: session 1 rc=$rc1, session 2 rc=$rc2"
{ [ "$rc1" != 0 ] || [ "$rc2" != 0 ]; } && ok "aggregate: 2 x 45M exceed the user's 80M: a session was OOM-killed" ||
	not_ok "aggregate: both sessions held 45M (the user budget did not hold)"
expect_no_sessions "aggregate: the sessions ended"

# --- a refused login of another profile does not touch the user's budget ----------------
cat >/etc/confine/confine.conf <<'CONF'
profiles = { a = { pids_max = 64; user_memory_max = "80M"; user_pids_max = 70; };
             b = { pids_max = 64; home = "tmpfs"; }; };
rules = ( { user = "guest"; service = "su*"; profile = "a"; }, { user = "guest"; profile = "b"; } );
CONF
as_guest 'sleep 8' >/dev/null & A1=$!
for _ in $(seq 200); do [ -e "$USERCG/memory.max" ] && [ -n "$(ls /run/confine/sessions)" ] && break; sleep 0.1; done
out=$(pamtester login guest open_session 2>&1); rc=$?
assert_ne "$rc" 0 "profiles: a login of another profile while one holds the home is refused"
assert_eq "$(cat "$USERCG/memory.max" 2>&1)" 83886080 "profiles: the refused login left the user's budget alone"
assert_eq "$(cat "$USERCG/pids.max" 2>&1)" 70 "profiles: and its pids budget"
wait $A1
expect_no_sessions "profiles: the session ended"

# --- the caller's limits do not reach the helper ------------------------------------------
conf 'pids_max = 64;'
out=$( (ulimit -f 0; su -l guest -c 'echo ran-with-fsize-0' </dev/null 2>&1) ); rc=$?
assert_eq "$rc" 0 "rlimits: a login from a caller with RLIMIT_FSIZE 0 works"
assert_contains "$out" "ran-with-fsize-0" "rlimits: the session ran (the helper wrote its record)"
expect_no_sessions "rlimits: the session ended"
assert_eq "$(ls /run/confine/users/guest/sessions 2>/dev/null)" "" "rlimits: no reference left behind"

# --- one uid, two names: refused ------------------------------------------------------------
cat >/etc/confine/confine.conf <<'CONF'
profiles = { lim = { pids_max = 64; }; };
rules = ( { user = "guest*"; profile = "lim"; } );
CONF
useradd -o -u "$UIDG" -g guest -M -d /home/guest -s /usr/local/libexec/confine/confine-shell guest2
out=$(su -l guest2 -c 'echo alias-ran' </dev/null 2>&1); rc=$?
assert_ne "$rc" 0 "uid alias: a second name for a confined uid is refused"
assert_not_contains "$out" "alias-ran" "uid alias: nothing ran"
userdel guest2
expect_no_sessions "uid alias: no session left"

# --- max_sessions -----------------------------------------------------------------------
conf 'memory_max = "64M"; memory_swap_max = 0; pids_max = 64; max_sessions = 2;'
as_guest 'sleep 10' >/dev/null & M1=$!
as_guest 'sleep 10' >/dev/null & M2=$!
for _ in $(seq 200); do [ "$(ls /run/confine/sessions | wc -l)" -ge 2 ] && break; sleep 0.1; done
mark=$(log_mark)
out=$(as_guest 'echo third-session-ran'); rc=$?
assert_ne "$rc" 0 "max_sessions: a third session is refused"
assert_not_contains "$out" "third-session-ran" "max_sessions: nothing ran"
assert_contains "$out" "guest already has 2 sessions open (at most 2 allowed)" "max_sessions: the user is told why"
assert_log "$mark" "max_sessions: the log says why" "refusing the session of 'guest'" "max_sessions = 2"
wait $M1 $M2
expect_no_sessions "max_sessions: the sessions ended"

# --- max_duration -----------------------------------------------------------------------
conf 'pids_max = 64; max_duration = "5s"; max_duration_grace = "3s";'
s=$(date +%s)
su_bg 'trap "echo got-hangup; exit 7" HUP; sleep 60 & wait' /tmp/dur.out; p=$!
wait $p; rc=$?
el=$(( $(date +%s) - s )) out=$(cat /tmp/dur.out)
assert_contains "$out" "got-hangup" "max_duration: the session gets SIGHUP at the limit"
assert_eq "$rc" 7 "max_duration: the shell could exit on its own terms"
[ "$el" -lt 40 ] && ok "max_duration: the session ended after ${el}s, not 60" || not_ok "max_duration: took ${el}s"
assert_log 0 "max_duration: the log says why" "session $p-" " of guest: time limit max_duration = 5s reached"
s=$(date +%s)
out=$(as_guest 'trap "" HUP; sleep 60; echo not-killed'); rc=$?
el=$(( $(date +%s) - s ))
assert_not_contains "$out" "not-killed" "max_duration: a session ignoring SIGHUP is killed after the grace"
[ "$el" -lt 45 ] && ok "max_duration: killed after ${el}s" || not_ok "max_duration: killed only after ${el}s"
expect_no_sessions "max_duration: the sessions ended"

# --- a hybrid host: pids and cpu bound to cgroup v1 -------------------------------------
# (memory stays in v2: removed memory cgroups linger while their pages are charged, and a
# controller with cgroups left in v2 cannot be rebound.)
rmdir "$USERCG" /sys/fs/cgroup/confine 2>/dev/null
echo "-memory -pids -cpu -cpuset -io" >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p /run/v1
for _ in $(seq 50); do mount -t cgroup -o pids,cpu none /run/v1 2>/dev/null && break; sleep 0.2; done
mountpoint -q /run/v1 || die "cannot bind pids and cpu to cgroup v1: $(ls /sys/fs/cgroup)"
diag "v2 controllers now: $(cat /sys/fs/cgroup/cgroup.controllers)"
conf 'memory_max = "64M"; pids_max = 64;'
out=$(confinectl check 2>&1); rc=$?
assert_ne "$rc" 0 "hybrid: confinectl check fails"
assert_contains "$out" "# profile lim: NOT usable on this host: cgroup v2 controller 'pids' is not available on this host (it is bound to cgroup v1" \
	"hybrid: check names the missing controller"
out=$(as_guest 'echo unconfined-shell-ran'); rc=$?
assert_ne "$rc" 0 "hybrid: the login is refused"
assert_not_contains "$out" "unconfined-shell-ran" "hybrid: nothing ran"
assert_contains "$out" "confine: login refused: no resource limits on this host: cgroup v2 controller 'pids'" \
	"hybrid: the user is told which controller is missing"
conf 'memory_max = "64M"; pids_max = 64; limits = "optional";'
mark=$(log_mark)
out=$(confinectl check 2>&1)
assert_contains "$out" "# profile lim: usable WITHOUT resource limits" "limits=optional: check says so"
out=$(as_guest 'echo pid1=$(cat /proc/1/comm); echo ran-without-limits'); rc=$?
assert_eq "$rc" 0 "limits=optional: the login works"
assert_contains "$out" "ran-without-limits" "limits=optional: the shell ran"
assert_contains "$out" "pid1=bash" "limits=optional: still in its own PID namespace"
assert_contains "$out" "confine: warning: this session has no resource limits" "limits=optional: the user is warned"
assert_log "$mark" "limits=optional: the log warns" "session of 'guest' (profile lim) runs WITHOUT resource limits"
expect_no_sessions "limits=optional: the session ended"
# Without a cgroup no cgroup.kill ends the session: close must still end it. An ssh remote
# command whose client dies keeps running after sshd's pam_close_session otherwise.
start_test_sshd guest
wait_for $SSH guest@127.0.0.1 true
expect_no_sessions "limits=optional: the first ssh login ended"
$SSH guest@127.0.0.1 'sleep 300' </dev/null >/dev/null 2>&1 & sshc=$!
for _ in $(seq 150); do pgrep -u guest -x sleep >/dev/null && break; sleep 0.2; done
assert_ne "$(pgrep -u guest -x sleep)" "" "limits=optional: the ssh session runs"
kill -9 $sshc; wait $sshc 2>/dev/null
expect_no_sessions "limits=optional: sshd closed the session after its client died"
for _ in $(seq 50); do pgrep -u guest >/dev/null || break; sleep 0.2; done
assert_eq "$(pgrep -u guest -a)" "" "limits=optional: nothing of the session runs after its close"
assert_eq "$(ls /run/confine/procs 2>/dev/null)" "" "limits=optional: its process registry is gone"
kill "$(cat /run/sshd.pid 2>/dev/null)" 2>/dev/null || pkill -f "sshd -f /tmp/sshd_config"
assert_eq "$(ls /run/confine/sessions)" "" "nothing left"
kill $SYSLOGD
finish
