#!/bin/bash
# The process model of a session (issue 12): command = [...] (a kiosk program instead of the
# shell), init = true (a reaping init as PID 1, the program PID 2), user_ns = true (a user
# namespace the user owns, with a one-uid map). Through confinectl run and through logins.
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CTL=/usr/local/sbin/confinectl
INIT=/usr/local/libexec/confine/confine-init

# The kiosk: prints its argv, its pid and its uid, and what it reads on stdin (a line).
cat >/usr/local/bin/t75-kiosk <<'EOF'
#!/bin/sh
echo "kiosk: args=[$*] pid=$$ uid=$(id -u) comm1=$(cat /proc/1/comm)"
EOF
# A program that never reaps: 100 orphans of its own are left to PID 1, then it counts the
# zombies of its PID namespace. As PID 1 (no init) nobody reaps them.
cat >/usr/local/bin/t75-orphans <<'EOF'
#!/usr/bin/python3
import os, time
os.system("for i in $(seq 100); do (sleep 0.1 &) ; done")
time.sleep(float(os.environ.get("T75_WAIT", "5")))
def state(p):
    try:
        with open("/proc/%s/stat" % p) as f:
            return f.read().rsplit(") ", 1)[1][0]
    except OSError:
        return "?"
print("zombies=%d" % sum(1 for p in os.listdir("/proc") if p.isdigit() and state(p) == "Z"))
EOF
chmod 0755 /usr/local/bin/t75-kiosk /usr/local/bin/t75-orphans

cat >/etc/confine/confine.conf <<'CONF'
profiles = {
  plain = { pids_max = 512; };
  initp = { init = true; pids_max = 512; };
  kiosk = { command = [ "/usr/local/bin/t75-kiosk", "--flag", "two words" ]; };
  kioskinit = { command = [ "/usr/local/bin/t75-kiosk", "-i" ]; init = true; };
  uns = { user_ns = true; pids_max = 512; };
};
rules = ( { user = "guest"; profile = "kiosk"; } );
CONF
run() { "$CTL" run --profile "$1" --user guest -- "${@:2}"; }

check "confinectl check accepts the profiles" "$CTL" check
out=$("$CTL" check 2>&1)
assert_contains "$out" 'command = ["/usr/local/bin/t75-kiosk", "--flag", "two words"];' "check prints the command"
assert_contains "$out" "init = true;" "check prints init"

pamtester login guest open_session close_session >/dev/null 2>&1
before=$(snapshot)

# --- command = [...] ----------------------------------------------------------------------
out=$(su -l guest </dev/null 2>&1)
assert_contains "$out" "kiosk: args=[--flag two words]" "su -l: the profile's command runs instead of the shell"
assert_contains "$out" "uid=$(id -u guest)" "su -l: as guest"
out=$(su -l guest extra args </dev/null 2>&1)
assert_contains "$out" "kiosk: args=[--flag two words]" "su -l with arguments: the login's arguments are ignored"
out=$(su -l guest -c id </dev/null 2>&1); rc=$?
assert_ne "$rc" 0 "su -c: refused under a command profile"
assert_contains "$out" "profile kiosk runs /usr/local/bin/t75-kiosk for every login" "su -c: the message names the profile"
assert_not_contains "$out" "uid=" "su -c: the command did not run"
out=$(printf 'exit\n' | timeout 120 script -qec 'login -f guest' /dev/null 2>&1)
assert_contains "$out" "kiosk: args=[--flag two words]" "login on a pty: the command runs"
expect_clean "command: nothing left after the logins"

start_test_sshd guest
wait_for $SSH -T guest@127.0.0.1 </dev/null
out=$($SSH -T guest@127.0.0.1 </dev/null 2>&1)
assert_contains "$out" "kiosk: args=[--flag two words]" "ssh without a command: the command runs"
out=$($SSH -tt guest@127.0.0.1 </dev/null 2>&1)
assert_contains "$out" "kiosk: args=[--flag two words]" "ssh -tt: the command runs on the pty"
out=$($SSH guest@127.0.0.1 'id; echo ran' 2>&1); rc=$?
assert_ne "$rc" 0 "ssh remote command: refused"
assert_contains "$out" "profile kiosk runs /usr/local/bin/t75-kiosk for every login" "ssh remote command: the message names the profile"
assert_not_contains "$out" "ran" "ssh remote command: it did not run"
echo payload >/tmp/payload
check_fails "scp: refused" scp -F /dev/null -i /tmp/clientkey -P 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes /tmp/payload guest@127.0.0.1:payload
expect_clean "command over ssh: nothing left"

out=$(run kiosk 2>&1)
assert_contains "$out" "kiosk: args=[--flag two words] pid=1 " "confinectl run without CMD: the profile's command, as PID 1"
out=$(run kiosk /bin/echo root-given 2>&1)
assert_eq "$out" "root-given" "confinectl run with CMD: root's command runs"

# --- init = true --------------------------------------------------------------------------
out=$(run initp /bin/sh -c 'echo comm1=$(cat /proc/1/comm); echo self=$$; echo ppid=$PPID; echo cmd1=$(xargs -0 </proc/1/cmdline)' 2>&1)
assert_line "$out" "comm1=confine-init" "init: /proc/1/comm is the init"
assert_line "$out" "self=2" "init: the program is PID 2"
assert_line "$out" "ppid=1" "init: its parent is the init"
assert_contains "$out" "cmd1=confine-init /bin/sh /bin/sh -c" "init: runs the program with its argv"
out=$(run plain /bin/sh -c 'echo self=$$' 2>&1)
assert_line "$out" "self=1" "control: without init the program is PID 1"
out=$(run initp /bin/sh -c 'ps -o user=,comm= -p 1' 2>&1)
assert_contains "$out" "guest" "init: PID 1 runs as the user (holds nothing)"
pid1_status=$(run initp /bin/sh -c 'grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs|Seccomp):" /proc/1/status' 2>&1)
assert_contains "$pid1_status" "CapPrm:	0000000000000000" "init: no permitted capabilities"
assert_contains "$pid1_status" "CapBnd:	0000000000000000" "init: empty bounding set"
assert_contains "$pid1_status" "NoNewPrivs:	1" "init: no_new_privs"
assert_contains "$pid1_status" "Seccomp:	2" "init: under the seccomp filter"

# Orphans: the control first (PID 1 is the program, which never reaps).
out=$(run plain /usr/local/bin/t75-orphans 2>&1)
assert_line "$out" "zombies=100" "control: without init, 100 orphans stay zombies"
out=$(run initp /usr/local/bin/t75-orphans 2>&1)
assert_line "$out" "zombies=0" "init: the 100 orphans are reaped"

run initp /bin/sh -c 'exit 7' >/dev/null 2>&1; rc=$?
assert_eq "$rc" 7 "init: the exit status is kept"
run initp /bin/sh -c 'kill -USR1 $$' >/dev/null 2>&1; rc=$?
assert_eq "$rc" $((128 + 10)) "init: a signal death is 128+N"
run initp /nonexistent >/dev/null 2>&1; rc=$?
assert_eq "$rc" 127 "init: a missing program is 127"

# SIGTERM to the session reaches the program through the init.
rm -f /tmp/t75-term
# (confinectl itself in the background, not a subshell running the function)
"$CTL" run --profile initp --user guest -- /bin/sh -c 'trap "echo got-term; exit 3" TERM; echo up; while :; do sleep 0.2; done' >/tmp/t75-term 2>&1 &
ctl=$!
wait_for grep -q up /tmp/t75-term || not_ok "init: the program did not start"
kill -TERM $ctl
wait $ctl; rc=$?
assert_contains "$(cat /tmp/t75-term)" "got-term" "init: SIGTERM is forwarded to the program"
assert_eq "$rc" 3 "init: the program's status after SIGTERM is kept"
# SIGUSR1 to the init itself (from outside, as a kill of PID 1 would): forwarded.
rm -f /tmp/t75-usr
"$CTL" run --profile initp --user guest -- /bin/sh -c 'trap "echo got-usr1; exit 4" USR1; echo up; while :; do sleep 0.2; done' >/tmp/t75-usr 2>&1 &
ctl=$!
wait_for grep -q up /tmp/t75-usr || not_ok "init: the program did not start"
kill -USR1 "$(pgrep -u guest -x confine-init)"
wait $ctl; rc=$?
assert_contains "$(cat /tmp/t75-usr)" "got-usr1" "init: SIGUSR1 to the init is forwarded"
assert_eq "$rc" 4 "init: and the status kept"

# A login with init: job control on the pty, the shell as PID 2.
sed -i 's/profile = "kiosk"/profile = "initp"/' /etc/confine/confine.conf
out=$(printf '%s\n' 'echo self=$$; case $- in *m*) echo JC=on;; *) echo JC=off;; esac' \
	'sleep 30 &' 'jobs' 'kill %1' 'wait' 'echo fg=$(ps -o tpgid= -p $$ | tr -d " ") pg=$(ps -o pgid= -p $$ | tr -d " ")' 'exit' |
	timeout 120 script -qec 'login -f guest' /dev/null 2>&1 | tr -d '\r')
assert_contains "$out" "self=2" "login with init: the shell is PID 2"
assert_contains "$out" "JC=on" "login with init: job control is on"
assert_not_contains "$out" "no job control" "login with init: bash found its terminal"
assert_contains "$out" "sleep 30 &" "login with init: jobs lists the background job"
fg=$(printf '%s\n' "$out" | sed -n 's/.*fg=\([0-9]*\) pg=\([0-9]*\).*/\1 \2/p' | tail -1)
assert_eq "${fg% *}" "${fg#* }" "login with init: the shell's group is the terminal's foreground"
out=$($SSH guest@127.0.0.1 'echo comm1=$(cat /proc/1/comm) self=$$' 2>&1)
assert_contains "$out" "comm1=confine-init self=2" "ssh with init: the init is PID 1, the shell PID 2"
sed -i 's/profile = "initp"/profile = "kioskinit"/' /etc/confine/confine.conf
out=$(su -l guest </dev/null 2>&1)
assert_contains "$out" "kiosk: args=[-i] pid=2 " "command with init: the command is PID 2"
assert_contains "$out" "comm1=confine-init" "command with init: under the init"
expect_clean "init: nothing left after the sessions"

# --- user_ns = true -----------------------------------------------------------------------
uid=$(id -u guest) gid=$(id -g guest)
out=$("$CTL" check 2>&1)
assert_contains "$out" "profile uns: user_ns: a user namespace of the user's, mapping only the user's uid and gid" "check says what user_ns adds"
INSIDE_NS='echo uidmap=$(xargs </proc/self/uid_map); echo gidmap=$(xargs </proc/self/gid_map); echo setgroups=$(cat /proc/self/setgroups); echo id=$(id -u):$(id -g); echo shadow=$(stat -c %u:%g /etc/shadow); echo setuid0=$(python3 -c "import os
try:
    os.setuid(0)
except OSError as e:
    print(e.errno)"); echo self=$$'
out=$(run plain /bin/sh -c "$INSIDE_NS" 2>&1)
assert_line "$out" "uidmap=0 0 4294967295" "control: without user_ns the host's identity map"
assert_line "$out" "shadow=0:$(stat -c %g /etc/shadow)" "control: root's files show as root"
assert_line "$out" "setuid0=1" "control: setuid(0) fails with EPERM"
out=$(run uns /bin/sh -c "$INSIDE_NS" 2>&1)
assert_line "$out" "uidmap=$uid $uid 1" "user_ns: uid_map maps only the user's uid"
assert_line "$out" "gidmap=$gid $gid 1" "user_ns: gid_map maps only the user's gid"
assert_line "$out" "setgroups=deny" "user_ns: setgroups is denied"
assert_line "$out" "id=$uid:$gid" "user_ns: runs as the user"
assert_line "$out" "shadow=65534:65534" "user_ns: root's files show as nobody"
assert_line "$out" "setuid0=22" "user_ns: root is not even mapped (setuid(0): EINVAL)"
assert_line "$out" "self=1" "user_ns: the rest unchanged (PID 1 of its own PID namespace)"

# Nested user namespaces: guest can make one outside (the control), not inside.
check "control: outside the sandbox guest can make a user namespace" \
	setpriv --reuid=guest --regid=guest --clear-groups unshare -Ur true
out=$(run uns /bin/sh -c 'echo map=$(xargs </proc/self/uid_map); unshare -Ur true 2>&1; echo rc=$?' 2>&1)
assert_line "$out" "map=$uid $uid 1" "user_ns: (the session runs in its namespace)"
assert_contains "$out" "rc=" "user_ns: (unshare ran)"
assert_not_contains "$out" "rc=0" "user_ns: unshare -Ur fails inside (nested refused)"
out=$(run plain /bin/sh -c 'echo ran; unshare -Ur true 2>&1; echo rc=$?' 2>&1)
assert_line "$out" "ran" "without user_ns: (the session runs)"
assert_not_contains "$out" "rc=0" "without user_ns: unshare -Ur fails inside too"

# Owned by the user (the kernel charges the session's per-user budgets to its owner; t76 §1
# shows root's stay whole): guest's processes outside may enter that namespace, as one they
# made themselves (the control), but it owns nothing else: they gain no way into the
# session's mount namespace (root's, the control) and no capability outside.
"$CTL" run --profile uns --user guest -- /bin/sleep 60 >/dev/null 2>&1 &
ctl=$!
wait_for pgrep -u guest -x sleep >/dev/null
spid=$(pgrep -u guest -x sleep | head -1)
[ -n "$spid" ] || die "user_ns: the session's sleep did not start"
OWNER='import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
print(struct.unpack("I", fcntl.ioctl(fd, 0xb704, b"\0" * 4))[0])'
assert_ne "$(readlink /proc/$spid/ns/user)" "$(readlink /proc/self/ns/user)" "user_ns: the session has a user namespace of its own"
assert_eq "$(python3 -c "$OWNER" /proc/$spid/ns/user)" "$uid" "user_ns: its owner is the user (NS_GET_OWNER_UID)"
check "user_ns: guest outside may enter that namespace alone" \
	setpriv --reuid=guest --regid=guest --clear-groups nsenter -U -t "$spid" --preserve-credentials true
check_fails "user_ns: guest outside cannot enter the session's mount namespace through it" \
	setpriv --reuid=guest --regid=guest --clear-groups nsenter -U -m -t "$spid" --preserve-credentials true
check "control: root enters the session's mount namespace" nsenter -m -t "$spid" true
setpriv --reuid=guest --regid=guest --clear-groups unshare -U sleep 60 & own=$!
own_ns() { [ "$(readlink /proc/$own/ns/user)" != "$(readlink /proc/self/ns/user)" ]; }
wait_for own_ns || die "control: guest's own namespace did not appear"
assert_eq "$(python3 -c "$OWNER" /proc/$own/ns/user)" "$uid" "control: a namespace guest made is guest's"
check "control: guest enters a namespace of its own" \
	setpriv --reuid=guest --regid=guest --clear-groups nsenter -U -t "$own" --preserve-credentials true
kill $own $ctl 2>/dev/null; wait $own $ctl 2>/dev/null

# Logins through su and ssh.
sed -i 's/profile = "[a-z]*"; } );/profile = "uns"; } );/' /etc/confine/confine.conf
out=$(su -l guest -c "$INSIDE_NS" </dev/null 2>&1)
assert_line "$out" "uidmap=$uid $uid 1" "su -l: the one-uid map"
assert_line "$out" "id=$uid:$gid" "su -l: as guest"
out=$($SSH guest@127.0.0.1 "$INSIDE_NS" 2>&1)
assert_line "$out" "uidmap=$uid $uid 1" "ssh remote command: the one-uid map"
out=$(printf '%s\nexit\n' 'echo uidmap=$(xargs </proc/self/uid_map); tty' | $SSH -tt guest@127.0.0.1 2>&1 | tr -d '\r')
assert_contains "$out" "uidmap=$uid $uid 1" "ssh -tt: the one-uid map"
expect_clean "user_ns: nothing left after the logins"

# A kernel that cannot make it: check refuses the profile, a login fails closed.
sysctl -qw user.max_user_namespaces=0
out=$("$CTL" check 2>&1); rc=$?
assert_eq "$rc" 3 "no user namespaces: check exits 3"
assert_contains "$out" "profile uns: NOT usable: user_ns = true: cannot create a user namespace" "no user namespaces: check says why"
out=$(su -l guest -c 'echo ran-unconfined' </dev/null 2>&1); rc=$?
assert_ne "$rc" 0 "no user namespaces: the login fails"
assert_not_contains "$out" "ran-unconfined" "no user namespaces: nothing ran"
assert_contains "$out" "cannot create a user namespace" "no user namespaces: says why"
sysctl -qw user.max_user_namespaces=10000
expect_clean "user_ns: nothing left after the refused login"

pkill -f "sshd -f /tmp/sshd_config"
finish
