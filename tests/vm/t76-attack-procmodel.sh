#!/bin/bash
# Attacks on the process model of a session (user_ns = true, init = true, command = [...]),
# by an independent review: as the confined user inside, as the same uid outside, and as a
# local unconfined user (plain). Each attack that fails is a passing check, next to a control
# showing the same action succeeds where confine does not stand in the way.
#   1. kernel per-user counters (ucounts) of a user_ns session: a user namespace charges its
#      owner's counters at the level above, and the session's owner is root
#   2. inside: capabilities, nested namespaces of every kind, the namespace's own sysctls and
#      maps, setns into PID 1's namespaces, killing or stopping PID 1 (the init)
#   3. outside: the same uid and plain against the session's PID 1 and its namespaces;
#      killing the init from outside leaves nothing behind (a setsid daemon included)
#   4. a kiosk (command + init + user_ns): every way of asking for another program, and a
#      local user who knows the password passing their environment through su (PATH,
#      BASH_ENV) to steer the kiosk (SECURITY.md row 47)
#   5. limits: pids_max holds in a user_ns session
#   6. confinectl join into a user_ns session: refused (it would run the command outside the
#      session's user namespace; SECURITY.md row 46)
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CTL=/usr/local/sbin/confinectl
PR=$CONFINE_REPO/tests/vm/progs
GUID=$(id -u guest)
make_user plain
echo 'plain:plain' | chpasswd
echo 'guest:guest' | chpasswd
# plain's programs, where a session can read them (plain's home, o+x)
chmod 0755 /home/plain
$AS_PLAIN sh -c 'mkdir -p /home/plain/evil && printf "#!/bin/sh\necho PWNED-\$(/usr/bin/id -u)\n" >/home/plain/evil/id && chmod 0755 /home/plain/evil/id && printf "echo PWNED-BASH_ENV\n" >/home/plain/evil/rc'
su_as_plain() { $AS_PLAIN timeout 300 python3 "$PR/su_pty.py" guest "$@" 2>&1; }
AS_PLAIN="setpriv --reuid=plain --regid=plain --init-groups"
AS_GUEST="setpriv --reuid=guest --regid=guest --clear-groups"
cat >/usr/local/bin/t76-kiosk <<'K'
#!/bin/sh
echo "kiosk: args=[$*] shell=$SHELL uid=$(id -u) path=$PATH home=$HOME"
K
chmod 0755 /usr/local/bin/t76-kiosk
cat >/etc/confine/confine.conf <<'CONF'
profiles = {
  plain = { pids_max = 256; };
  uns = { user_ns = true; init = true; pids_max = 256; };
  unsnoinit = { user_ns = true; pids_max = 64; };
  kiosk = { command = [ "/usr/local/bin/t76-kiosk", "-k" ]; init = true; user_ns = true; };
};
rules = ( { user = "guest"; profile = "uns"; } );
CONF
run() { "$CTL" run --profile "$1" --user guest -- "${@:2}"; }
pamtester login guest open_session close_session >/dev/null 2>&1
before=$(snapshot)

# --- 1. ucounts charged to the namespace's owner ---------------------------------------------
# A user namespace charges the per-user counters of everything in it (inotify instances,
# queued signals, ...) at the level above to its owner: were root the owner, a user_ns
# session would spend root's budget (it did: both checks below failed with the namespace made
# as root). The user owns it (SECURITY row 42); the controls show the probe sees an exhausted
# budget, and that a session without user_ns spends only the user's own.
# hog PROFILE KIND: a session takes every KIND it can and holds them; returns once it holds.
hog() {
	rm -f /tmp/t76-hog
	"$CTL" run --profile "$1" --user guest -- python3 "$PR/ucount_hog.py" "$2" 300 >/tmp/t76-hog 2>&1 &
	HOG=$!
	wait_for grep -q held= /tmp/t76-hog || diag "hog $1 $2: $(cat /tmp/t76-hog)"
	diag "$1 session $2: $(cat /tmp/t76-hog)"
}
unhog() { kill -TERM $HOG 2>/dev/null; wait $HOG 2>/dev/null; }
diag "t=$SECONDS"
python3 "$PR/ucount_hog.py" inotify 300 >/tmp/t76-roothog & rh=$!
wait_for grep -q held= /tmp/t76-roothog
check_fails "control: root exhausting its own inotify instances, root's probe fails" python3 "$PR/ucount_probe.py" inotify
kill $rh; wait $rh 2>/dev/null
check "control: root's inotify is free again" python3 "$PR/ucount_probe.py" inotify
hog plain inotify
check "a session without user_ns exhausting its inotify instances leaves root's alone" python3 "$PR/ucount_probe.py" inotify
unhog
hog uns inotify
check "a user_ns session exhausting inotify instances leaves root's alone" python3 "$PR/ucount_probe.py" inotify
unhog
hog uns sigpending
check "a user_ns session exhausting queued signals: root's timer_create works" python3 "$PR/ucount_probe.py" timer
unhog
check "control: root's timer_create works again" python3 "$PR/ucount_probe.py" timer
diag "t=$SECONDS"

# --- 2. inside a user_ns + init session --------------------------------------------------------
INSIDE='import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
for name, flag in [("user", 0x10000000), ("mnt", 0x20000), ("net", 0x40000000), ("pid", 0x20000000),
                   ("uts", 0x4000000), ("ipc", 0x8000000), ("cgroup", 0x2000000), ("time", 0x80)]:
    pid = os.fork()
    if pid == 0:
        r = libc.unshare(flag)
        os._exit(0 if r == 0 else ctypes.get_errno())
    print("unshare_%s=%d" % (name, os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])))
for ns in ["user", "mnt", "pid", "net"]:
    try:
        fd = os.open("/proc/1/ns/" + ns, os.O_RDONLY)
        print("setns_%s=%d" % (ns, 0 if libc.setns(fd, 0) == 0 else ctypes.get_errno()))
    except OSError as e:
        print("setns_%s=open%d" % (ns, e.errno))
for f in ["/proc/sys/user/max_user_namespaces", "/proc/sys/user/max_inotify_instances",
          "/proc/self/uid_map", "/proc/1/uid_map", "/proc/self/setgroups"]:
    try:
        with open(f, "w") as fh:
            fh.write("0 0 1\n" if "map" in f else "allow\n" if "setgroups" in f else "1000000\n")
        print("write_%s=0" % f)
    except OSError as e:
        print("write_%s=%d" % (f, e.errno))
print("capeff=" + [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff")][0])
print("capprm1=" + [l.split()[1] for l in open("/proc/1/status") if l.startswith("CapPrm")][0])
for sig in (9, 19):
    try:
        os.kill(1, sig)
    except OSError as e:
        print("kill1_%d=%d" % (sig, e.errno))
import time; time.sleep(0.5)
print("state1=" + open("/proc/1/stat").read().rsplit(") ", 1)[1][0])
print("alive")'
out=$(run uns python3 -c "$INSIDE" 2>&1)
diag "$(printf '%s\n' "$out" | tr '\n' ' ')"
for ns in user mnt net pid uts ipc cgroup time; do
	assert_line "$out" "unshare_$ns=1" "inside user_ns: unshare($ns) refused (EPERM)"
done
for ns in user mnt pid net; do
	assert_line "$out" "setns_$ns=1" "inside user_ns: setns into PID 1's $ns namespace refused"
done
assert_line "$out" "write_/proc/sys/user/max_user_namespaces=13" "inside user_ns: the namespace's max_user_namespaces is read-only"
assert_line "$out" "write_/proc/sys/user/max_inotify_instances=13" "inside user_ns: the namespace's inotify limit is read-only"
assert_line "$out" "write_/proc/self/uid_map=1" "inside user_ns: uid_map cannot be rewritten"
assert_not_contains "$out" "write_/proc/1/uid_map=0" "inside user_ns: PID 1's uid_map cannot be rewritten"
assert_not_contains "$out" "write_/proc/self/setgroups=0" "inside user_ns: setgroups stays deny"
assert_line "$out" "capeff=0000000000000000" "inside user_ns: no effective capabilities"
assert_line "$out" "capprm1=0000000000000000" "inside user_ns: the init holds none either"
assert_line "$out" "state1=S" "inside: SIGKILL and SIGSTOP to the init are ignored (it sleeps on)"
assert_line "$out" "alive" "inside: the session goes on"
# Control: outside, guest makes a user namespace and maps itself as root there.
check "control: outside, guest maps itself root in a namespace of its own" \
	$AS_GUEST unshare -Ur sh -c '[ "$(id -u)" = 0 ] && grep -q "^ *0 *'"$GUID"' *1" /proc/self/uid_map'

diag "t=$SECONDS"
# --- 3. outside: the same uid and another local user -------------------------------------------
rm -f /tmp/t76-long
"$CTL" run --profile uns --user guest -- /bin/sh -c 'setsid sleep 300 </dev/null >/dev/null 2>&1 & echo up; exec sleep 300' >/tmp/t76-long 2>&1 &
ctl=$!
wait_for grep -q up /tmp/t76-long || not_ok "outside: the session did not start"
init=$(pgrep -u guest -x confine-init | head -1)
wait_for sh -c '[ "$(pgrep -u guest -x sleep | wc -l)" = 2 ]'
[ -n "$init" ] || die "outside: no confine-init"
diag "init=$init user ns $(readlink /proc/$init/ns/user)"
check_fails "plain: cannot signal the session's init" $AS_PLAIN kill -0 "$init"
check_fails "plain: cannot open its user namespace" $AS_PLAIN cat /proc/$init/ns/user
check_fails "plain: cannot enter its namespaces" $AS_PLAIN nsenter -a -t "$init" true
check_fails "plain: cannot write its uid_map" $AS_PLAIN sh -c "echo '0 0 1' >/proc/$init/uid_map"
PTRACE='import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
sys.exit(0 if libc.ptrace(16, int(sys.argv[1]), 0, 0) == 0 else 1)'
check_fails "plain: cannot ptrace the init" $AS_PLAIN python3 -c "$PTRACE" "$init"
$AS_PLAIN sleep 30 & own=$!
# (attach only once setpriv has dropped to plain and exec'd sleep: before, it is root's)
wait_for sh -c "[ \"\$(cat /proc/$own/comm 2>/dev/null)\" = sleep ]" || diag "plain's sleep did not start"
check "control: plain ptraces a process of its own" $AS_PLAIN python3 -c "$PTRACE" "$own"
kill -KILL $own; wait $own 2>/dev/null # (stopped since the attach: SIGTERM would wait)
check_fails "guest outside: cannot rewrite the session's uid_map" timeout 30 $AS_GUEST sh -c "echo '0 0 1' >/proc/$init/uid_map"
# guest owns the session's user namespace (row 42) and may enter it, which gains nothing:
check "guest outside: enters the user namespace it owns" timeout 30 $AS_GUEST nsenter -U -t "$init" --preserve-credentials true
check_fails "guest outside: cannot enter the session's mount namespace through it" timeout 30 $AS_GUEST nsenter -U -m -t "$init" --preserve-credentials true
check_fails "guest outside: cannot enter the session's mount namespace" timeout 30 $AS_GUEST nsenter -m -t "$init" true
check "control: root enters the session's mount namespace" timeout 30 nsenter -m -t "$init" true
# The same uid outside kills the init: the namespace and its daemon die with it.
diag "t=$SECONDS"
$AS_GUEST kill -KILL "$init"
wait_for sh -c "! kill -0 $ctl" || { not_ok "the session outlived its init"; kill -KILL $ctl; }
wait $ctl; rc=$?
assert_eq "$rc" 137 "guest outside kills the init: the session ends (128+9)"
expect_clean "the init killed from outside: nothing left, the setsid daemon included"

diag "t=$SECONDS"
# --- 4. kiosk: command + init + user_ns --------------------------------------------------------
sed -i 's/profile = "uns"; } );/profile = "kiosk"; } );/' /etc/confine/confine.conf
out=$(su -l guest </dev/null 2>&1)
assert_contains "$out" "kiosk: args=[-k]" "kiosk: su -l runs the command"
diag "kiosk env: $out"
for args in "-- -c id" "-- -xc id"; do
	out=$(su -l guest $args </dev/null 2>&1); rc=$?
	assert_ne "$rc" 0 "kiosk: su -l guest $args refused"
	assert_not_contains "$out" "uid=$GUID" "kiosk: su -l guest $args ran nothing"
done
# plain knows guest's password and passes its environment through su (without -l, -m, -l -w).
EVIL="PATH=/home/plain/evil:/usr/bin:/bin BASH_ENV=/home/plain/evil/rc"
out=$(env $EVIL $AS_PLAIN timeout 300 python3 "$PR/su_pty.py" guest -- guest 2>&1)
diag "su guest (plain's environment): $(printf '%s' "$out" | tr -d '\r' | tr '\n' ' ')"
assert_contains "$out" "kiosk: args=[-k]" "kiosk: su guest from plain runs the kiosk"
assert_not_contains "$out" "PWNED" "kiosk: plain's PATH and BASH_ENV do not reach it (su guest)"
assert_contains "$out" "path=/usr/local/bin:/usr/bin:/bin " "kiosk: its PATH is the default"
out=$(env $EVIL $AS_PLAIN timeout 300 python3 "$PR/su_pty.py" guest -- -l -w PATH,BASH_ENV guest 2>&1)
assert_not_contains "$out" "PWNED" "kiosk: nor through su -l -w PATH,BASH_ENV"
out=$(env $EVIL HOME=/home/plain $AS_PLAIN timeout 300 python3 "$PR/su_pty.py" guest -- -m guest 2>&1)
assert_not_contains "$out" "PWNED" "kiosk: nor through su -m"
assert_contains "$out" "home=/home/guest" "kiosk: su -m: HOME is the user's"
# Control: a shell profile keeps the login's environment (the user's own to set): plain's
# PATH reaches guest's shell, so the checks above would see it.
sed -i 's/profile = "kiosk"; } );/profile = "uns"; } );/' /etc/confine/confine.conf
out=$(env $EVIL $AS_PLAIN timeout 300 python3 "$PR/su_pty.py" guest -- guest -c id 2>&1)
assert_contains "$out" "PWNED-$GUID" "control: a shell profile: plain's PATH reaches the session (su guest -c id)"
sed -i 's/profile = "uns"; } );/profile = "kiosk"; } );/' /etc/confine/confine.conf
start_test_sshd guest
wait_for $SSH -T guest@127.0.0.1 </dev/null
for rcmd in "-c id"; do
	out=$($SSH guest@127.0.0.1 "$rcmd" </dev/null 2>&1); rc=$?
	assert_ne "$rc" 0 "kiosk: ssh remote command '$rcmd' refused"
	assert_not_contains "$out" "uid=$GUID" "kiosk: ssh '$rcmd' ran nothing"
done
out=$(SSH_ORIGINAL_COMMAND=id $SSH -o SendEnv=SSH_ORIGINAL_COMMAND -o SetEnv=SSH_ORIGINAL_COMMAND=id guest@127.0.0.1 </dev/null 2>&1)
assert_contains "$out" "kiosk: args=[-k]" "kiosk: SSH_ORIGINAL_COMMAND from the client changes nothing"
out=$(echo ls | timeout 120 sftp -q -s /bin/sh -F /dev/null -i /tmp/clientkey -P 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes guest@127.0.0.1 2>&1); rc=$?
assert_ne "$rc" 0 "kiosk: sftp -s /bin/sh refused"
out=$(timeout 60 $SSH -W 127.0.0.1:2222 guest@127.0.0.1 </dev/null 2>&1)
assert_not_contains "$out" "SSH-2.0" "kiosk: ssh -W (a forward, no program at all) reaches nothing"
pkill -f "sshd -f /tmp/sshd_config"
expect_clean "kiosk: nothing left"

diag "t=$SECONDS"
# --- 5. limits hold in a user_ns session --------------------------------------------------------
# (counted with the shell's builtins: at the limit a command substitution cannot fork)
FORKS='import os, time
n = 0
try:
    for i in range(100):
        if os.fork() == 0:
            time.sleep(5)
            os._exit(0)
        n += 1
except OSError as e:
    print("err=%d" % e.errno)
print("n=%d" % n)'
out=$(run unsnoinit python3 -c "$FORKS" 2>&1)
n=$(val n "$out")
diag "forks in the session with pids_max = 64: $(echo $out)"
[ -n "$n" ] && [ "$n" -lt 64 ] && ok "user_ns: pids_max still holds ($n forks < 64)" || not_ok "user_ns: pids_max holds ($out)"
assert_line "$out" "err=11" "user_ns: the fork past the limit fails with EAGAIN"
expect_clean "limits: nothing left"
diag "t=$SECONDS"

# --- 6. confinectl join into a user_ns session ---------------------------------------------------
JOINED='echo uidmap=$(xargs </proc/self/uid_map)'
# (the user's only session at a time: join picks it by the user's name)
joined() { # PROFILE: joins a login of PROFILE, prints what the joined command saw
	local c
	wait_for no_sessions || diag "join $1: a session is still open"
	sed -i "s/profile = \"[a-z]*\"; } );/profile = \"$1\"; } );/" /etc/confine/confine.conf
	su -l guest -c 'exec sleep 120' </dev/null >/dev/null 2>&1 & c=$!
	wait_for pgrep -u guest -x sleep || diag "join $1: the session did not start"
	"$CTL" join guest -- /bin/sh -c "$JOINED" 2>&1; echo "rc=$?"
	kill -TERM $c 2>/dev/null; wait $c 2>/dev/null
}
out=$(joined plain)
assert_line "$out" "uidmap=0 0 4294967295" "control: join into a session without user_ns runs (the host's map)"
assert_line "$out" "rc=0" "control: and exits 0"
out=$(joined unsnoinit)
assert_contains "$out" "runs in a user namespace (user_ns = true): joining it is not supported" "join: a user_ns session is refused, saying why"
assert_line "$out" "rc=1" "join: exit 1"
assert_not_contains "$out" "uidmap=" "join: nothing ran outside the session's user namespace"
expect_clean "join: nothing left"
diag "t=$SECONDS"
finish
