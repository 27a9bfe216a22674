#!/bin/bash
# confinectl list/status/kill/top/metrics (issue 13) on live sessions of two users: guest over ssh
# (profile guest) and kio via su (profile kiosk). Runs in the plain VM (cgroupfs backend)
# and in the systemd VM (scopes). Every figure asserted is one the profile sets.
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CTL=/usr/local/sbin/confinectl
mkdir -p /run/sshd

make_user kio
make_user nosess # an unconfined user, never logged in
check "enroll kio into the kiosk profile" $CTL enroll --profile kiosk kio
start_test_sshd guest
KIO_UID=$(id -u kio)
GUEST_UID=$(id -u guest)

sid_of() { # USER: the session id of USER's (only) live session
	local f
	for f in /run/confine/sessions/*; do
		[ -e "$f" ] && grep -qx "user=$1" "$f" && basename "$f"
	done
}
# state: what a command that must change nothing could change
state() { ls /run/confine/sessions 2>/dev/null; pgrep -u guest -x -c sleep; pgrep -u kio -x -c sleep; }
# wait_long CMD...: wait_for with 3 minutes (a first login with pam_systemd starts the
# user's manager, slow under TCG)
wait_long() {
	local end=$((SECONDS + 180))
	until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $end ] || return 1; sleep 0.5; done
}
# gone PID: the (child) process has ended (reaped or a zombie)
gone() { [ ! -e "/proc/$1" ] || grep -q "^State:[[:space:]]*Z" "/proc/$1/status"; }
# field OUT KEY REGEX: the line "KEY:   VALUE" of status output matches REGEX as a whole
field() {
	if printf '%s\n' "$1" | grep -Eq "^$2: +$3\$"; then ok "status: $2 $3"; return; fi
	not_ok "status: $2 $3"; diag "got: $(printf '%s\n' "$1" | grep -E "^$2:")"
}
# json: the objects of list --json as lines USER.KEY=VALUE (and count=N), via python3 or jq
json() {
	if [ -x /usr/bin/python3 ]; then
		/usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin)
assert isinstance(v, list)
print("count=%d" % len(v))
for o in v:
    for k, x in o.items():
        print("%s.%s=%s" % (o["user"], k, "null" if x is None else x))'
	else
		jq -r '"count=\(length)", (.[] | .user as $u | to_entries[] |
			"\($u).\(.key)=\(.value // "null")")'
	fi
}

# --- two sessions: guest over ssh, kio via su ---------------------------------------------
# guest's session turns busy for 6 s once root puts "go" into its home (for top's %CPU).
$SSH guest@127.0.0.1 'echo ready; until [ -e ~/go ]; do sleep 1; done
	timeout 6 sh -c "while :; do :; done"; sleep 600; echo after=$?' >/tmp/ssh.out 2>&1 </dev/null & SSHC=$!
su -l kio -c 'echo ready; sleep 600; echo after=$?' </dev/null >/tmp/su.out 2>&1 & SU=$!
wait_long grep -q ready /tmp/ssh.out || die "the ssh session did not start: $(cat /tmp/ssh.out)"
wait_long grep -q ready /tmp/su.out || die "the su session did not start: $(cat /tmp/su.out)"
GSID=$(sid_of guest)
KSID=$(sid_of kio)
assert_contains "$KSID" "$SU-" "the su session is named after su's pid"
[ -n "$GSID" ] || die "no session record of guest"

# --- list ---------------------------------------------------------------------------------
out=$($CTL list); rc=$?
assert_eq "$rc" 0 "list: exit 0"
diag "$out"
assert_eq "$(printf '%s\n' "$out" | wc -l)" 2 "list: one line per session, no header off a tty"
assert_not_contains "$out" "SESSION" "list: no legend when stdout is not a tty"
k=$(printf '%s\n' "$out" | awk '$2 == "kio"')
g=$(printf '%s\n' "$out" | awk '$2 == "guest"')
assert_eq "$(echo "$k" | awk '{print $1, $3, $4, $8, $9}')" "$KSID $KIO_UID kiosk none tmpfs" \
	"list: kio's session, uid, profile, net, home"
assert_eq "$(echo "$g" | awk '{print $1, $3, $4, $8, $9}')" "$GSID $GUEST_UID guest none overlay" \
	"list: guest's session, uid, profile, net, home"
check "list: kio's processes are N/128 (pids.max of kiosk)" \
	grep -Eq '^[1-9][0-9]*/128$' <<<"$(echo "$k" | awk '{print $6}')"
check "list: guest's processes are N/256" grep -Eq '^[1-9][0-9]*/256$' <<<"$(echo "$g" | awk '{print $6}')"
check "list: kio's memory is X/256M (memory.max of kiosk)" \
	grep -Eq '^[0-9.]+[BKMG]/256M$' <<<"$(echo "$k" | awk '{print $7}')"
check "list: guest's memory is X/512M" grep -Eq '^[0-9.]+[BKMG]/512M$' <<<"$(echo "$g" | awk '{print $7}')"
check "list: an age" grep -Eq '^[0-9dhms]+$' <<<"$(echo "$k" | awk '{print $5}')"
tty=$(script -qec "$CTL list" /dev/null | tr -d '\r')
assert_eq "$(printf '%s\n' "$tty" | head -1 | awk '{print $1, $2, $3, $4}')" "SESSION USER UID PROFILE" \
	"list: a legend on a tty"
tty=$(script -qec "$CTL list --no-legend" /dev/null | tr -d '\r')
assert_eq "$(printf '%s\n' "$tty" | grep -c .)" 2 "list --no-legend: no legend on a tty"
assert_eq "$($CTL list --user kio | awk '{print $1}')" "$KSID" "list --user kio: kio's session only"
assert_eq "$($CTL list --profile guest | awk '{print $1}')" "$GSID" "list --profile guest: guest's only"
out=$($CTL list --user nosess); rc=$?
assert_eq "$rc:$out" "0:" "list --user of a user without a session: nothing, exit 0"

# --- list --json ----------------------------------------------------------------------------
j=$($CTL list --json | json) || not_ok "list --json: valid JSON"
diag "$j"
assert_line "$j" "count=2" "json: two sessions"
assert_line "$j" "kio.session=$KSID" "json: kio's session id"
assert_line "$j" "guest.session=$GSID" "json: guest's session id"
assert_line "$j" "kio.uid=$KIO_UID" "json: kio's uid"
assert_line "$j" "kio.profile=kiosk" "json: kio's profile"
assert_line "$j" "guest.profile=guest" "json: guest's profile"
assert_line "$j" "kio.pids_max=128" "json: kio's pids_max"
assert_line "$j" "guest.pids_max=256" "json: guest's pids_max"
assert_line "$j" "kio.memory_max=268435456" "json: kio's memory_max"
assert_line "$j" "guest.memory_max=536870912" "json: guest's memory_max"
assert_line "$j" "kio.net=none" "json: kio's net"
assert_line "$j" "kio.home=tmpfs" "json: kio's home"
assert_line "$j" "guest.home=overlay" "json: guest's home"
assert_line "$j" "kio.login_pid=$SU" "json: kio's login process is su"
check "json: kio's pids_current counts its processes" \
	test "$(val kio.pids_current "$j")" -ge 2
check "json: kio's memory_current is some bytes" test "$(val kio.memory_current "$j")" -gt 0
check "json: kio's cgroup is its cgroup" test -f "$(val kio.cgroup "$j")/cgroup.procs"
assert_eq "$(grep -c "^$SU$" "$(val kio.cgroup "$j")/cgroup.procs")" 0 \
	"json: (su itself is outside that cgroup)"
assert_eq "$($CTL list --json --user nosess)" "[]" "list --json without sessions: []"

# --- status ----------------------------------------------------------------------------------
out=$($CTL status "$KSID"); rc=$?
assert_eq "$rc" 0 "status SESSION: exit 0"
diag "$out"
field "$out" session "$KSID"
field "$out" user "kio \\(uid $KIO_UID, gid [0-9]+\\)"
field "$out" profile kiosk
field "$out" net none
field "$out" home "tmpfs at /run/confine/homes/kio"
field "$out" memory "[0-9.]+[BKMG] of 256M"
field "$out" "memory events" "high [0-9]+, max [0-9]+, oom [0-9]+, oom_kill 0"
field "$out" pids "[1-9][0-9]* of 128"
field "$out" cpu "usage [0-9]+\\.[0-9]{6}s, throttled [0-9]+ periods, [0-9]+ usec \\(cpu.max 25000 100000\\)"
assert_eq "$(printf '%s\n' "$out" | awk '$2 == "sleep"' | wc -l)" 1 "status: the process list has the sleep"
assert_eq "$(printf '%s\n' "$out" | awk '$2 == "bash"' | wc -l)" 1 "status: and the shell"
field "$out" io "(read [0-9.]+[BKMG], written [0-9.]+[BKMG]|- \\(no io controller\\))"
if [ -S /run/systemd/journal/socket ]; then
	field "$out" log journal
	assert_contains "$out" "session $KSID opened for kio" "status: the session's log lines (journal)"
	# A local user logs a line under confine-helper's name about that session (the id is
	# on /proc for anyone): the journal has it, status must not show it as confine's.
	setpriv --reuid=nosess --regid=nosess --init-groups logger -t confine-helper \
		"session $KSID of kio closed (forged by a local user)"
	if wait_for sh -c "journalctl -b -q SYSLOG_IDENTIFIER=confine-helper | grep -q 'forged by a local user'"; then
		ok "control: the forged line is in the journal under confine-helper's name"
	else
		not_ok "control: the forged line is in the journal under confine-helper's name"
	fi
	assert_not_contains "$($CTL status "$KSID" 2>&1)" "forged by a local user" \
		"status: a line a local user logged under confine-helper's name is not shown"
elif [ -f /var/log/auth.log ]; then
	field "$out" log "/var/log/auth.log( \\(unauthenticated: any local user can log such lines\\))?"
else
	field "$out" log "- \\(no journal, no /var/log/auth.log\\)"
fi
out=$($CTL status guest); rc=$?
assert_eq "$rc" 0 "status USER: exit 0"
field "$out" session "$GSID"
field "$out" pids "[1-9][0-9]* of 256"

# --- status --json --------------------------------------------------------------------------
j=$($CTL status --json "$KSID" | /usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin)
assert isinstance(v, list) and len(v) == 1
o = v[0]
for k in ("session", "user", "profile", "pids_max", "memory_max", "cpu_max", "log_source"):
    print("%s=%s" % (k, o[k]))
print("comms=%s" % ",".join(sorted(set(p["comm"] for p in o["processes"]))))
print("io=%s" % ("none" if o["io_read_bytes"] is None else "bytes"))
print("log=%s" % "|".join(o["log"]))') || not_ok "status --json: valid JSON, one object"
diag "$j"
assert_line "$j" "session=$KSID" "status --json: the session"
assert_line "$j" "user=kio" "status --json: the user"
assert_line "$j" "profile=kiosk" "status --json: the profile"
assert_line "$j" "pids_max=128" "status --json: pids_max"
assert_line "$j" "memory_max=268435456" "status --json: memory_max"
assert_line "$j" "cpu_max=25000 100000" "status --json: cpu_max"
assert_contains ",$(val comms "$j")," ",bash," "status --json: the processes: the shell"
assert_contains ",$(val comms "$j")," ",sleep," "status --json: and the sleep"
if [ -S /run/systemd/journal/socket ]; then
	assert_line "$j" "log_source=journal" "status --json: log from the journal"
	assert_contains "$(val log "$j")" "session $KSID opened for kio" "status --json: the log lines"
fi

# --- top: guest's session is busy -------------------------------------------------------------
P=$CONFINE_REPO/tests/vm/progs
touch /run/confine/homes/guest/go
busy() { pgrep -u guest -x timeout; }
wait_long busy || not_ok "guest's busy loop started"
out=$($CTL top -b -n 2 -d 1); rc=$?
diag "$out"
assert_eq "$rc" 0 "top -b -n 2 -d 1: exit 0"
assert_eq "$(grep -c '^SESSION  *USER  *PROFILE  *%CPU ' <<<"$out")" 2 "top: two blocks, each with its header"
assert_eq "$(awk -v s="$KSID" '$1 == s && $2 == "kio" && $3 == "kiosk"' <<<"$out" | wc -l)" 2 \
	"top: kio's session, user and profile in each block"
assert_eq "$(awk -v s="$GSID" '$1 == s && $2 == "guest" && $4 >= 5' <<<"$out" | wc -l)" 2 \
	"top: the busy session has %CPU >= 5 in each block"
assert_eq "$(awk 'h {print $1} {h = /^SESSION /}' <<<"$out" | sort -u)" "$GSID" \
	"top: ordered by %CPU, the busy session first in each block"
j=$($CTL top --json -n 1 -d 0.5 | /usr/bin/python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 1
for o in json.loads(lines[0]):
    print("%s=%s %s %s" % (o["user"], o["session"], o["profile"], o["cpu_percent"] is not None))') ||
	not_ok "top --json: one line of valid JSON"
assert_line "$j" "guest=$GSID guest True" "top --json: guest's session, profile, a %CPU"
assert_line "$j" "kio=$KSID kiosk True" "top --json: kio's"
not_busy() { ! busy; }
wait_long not_busy || not_ok "guest's busy loop ended"
rm -f /run/confine/homes/guest/go

# --- metrics ---------------------------------------------------------------------------------
$CTL metrics >/tmp/m.prom; rc=$?
assert_eq "$rc" 0 "metrics: exit 0"
check "metrics: passes the strict exposition check" sh -c "python3 $P/promcheck.py </tmp/m.prom"
check_fails "(the check fails a duplicated series: control)" \
	sh -c "sed '0,/^confine_sessions{/{/^confine_sessions{/p}' /tmp/m.prom | python3 $P/promcheck.py"
m=$(cat /tmp/m.prom)
assert_line "$m" 'confine_sessions{profile="kiosk"} 1' "metrics: one kiosk session"
assert_line "$m" 'confine_sessions{profile="guest"} 1' "metrics: one guest session"
assert_line "$m" "confine_session_memory_max_bytes{session=\"$KSID\",user=\"kio\",profile=\"kiosk\"} 268435456" \
	"metrics: kio's memory.max, labelled"
assert_line "$m" "confine_session_pids_max{session=\"$GSID\",user=\"guest\",profile=\"guest\"} 256" \
	"metrics: guest's pids.max, labelled"
check "metrics: guest's CPU seconds above 0" awk -v s="confine_session_cpu_usage_seconds_total{session=\"$GSID\"," \
	'index($0, s) == 1 && $2 > 0 {f = 1} END {exit !f}' /tmp/m.prom
mkdir -p /tmp/textfile
out=$($CTL metrics --output /tmp/textfile/confine.prom 2>&1); rc=$?
assert_eq "$rc:$out" "0:" "metrics --output: exit 0, silent"
check "metrics --output: the file passes the check" sh -c "python3 $P/promcheck.py </tmp/textfile/confine.prom"
assert_eq "$(ls -A /tmp/textfile)" confine.prom "metrics --output: no temporary file left"

# --- bad input: a clear message, a non-zero exit, nothing changed ----------------------------
s0=$(state)
out=$($CTL top --order x 2>&1); rc=$?
assert_eq "$rc:$out" "2:confinectl top: --order: unknown key 'x' (cpu, mem, io, procs)" \
	"top --order x: exit 2, says so"
out=$($CTL top -d 0 2>&1); rc=$?
assert_eq "$rc" 2 "top -d 0: exit 2"
assert_contains "$out" "-d: '0' is not a number of seconds" "top -d 0: says so"
out=$($CTL top -n x 2>&1); rc=$?
assert_eq "$rc" 2 "top -n x: exit 2"
out=$($CTL status --json nosuch 2>&1); rc=$?
assert_eq "$rc" 4 "status --json of no session: exit 4"
assert_contains "$out" "no session 'nosuch'" "status --json of no session: says so"
out=$($CTL metrics --output /nonexistent/confine.prom 2>&1); rc=$?
assert_eq "$rc" 1 "metrics --output into a missing directory: exit 1"
assert_contains "$out" "cannot write in the directory of /nonexistent/confine.prom" "and says so"
out=$($CTL status 1-1 2>&1); rc=$?
assert_eq "$rc" 4 "status of an unknown session: exit 4"
assert_contains "$out" "no session '1-1'" "status of an unknown session: says so"
out=$($CTL status nosess 2>&1); rc=$?
assert_eq "$rc" 4 "status of a user without a session: exit 4"
out=$($CTL kill 1-1 2>&1); rc=$?
assert_eq "$rc:$out" "4:confinectl: kill: no session '1-1'" "kill of an unknown session: exit 4, says so"
out=$($CTL kill --user nosess 2>&1); rc=$?
assert_eq "$rc:$out" "4:confinectl: kill: user 'nosess' has no session" "kill --user without a session"
out=$($CTL kill kio 2>&1); rc=$?
assert_eq "$rc" 2 "kill USER without --user: a usage error"
assert_contains "$out" "is not a session id" "kill USER: says why"
out=$($CTL kill --signal NOPE --user kio 2>&1); rc=$?
assert_eq "$rc:$out" "2:confinectl: kill: unknown signal 'NOPE'" "kill --signal NOPE: usage error"
out=$($CTL list --bogus 2>&1); rc=$?
assert_eq "$rc" 2 "list --bogus: exit 2"
assert_contains "$out" "unrecognized option '--bogus'" "list --bogus: names the option"
out=$($CTL status --bogus 2>&1); rc=$?
assert_eq "$rc" 2 "status --bogus: exit 2"
sleep 1
assert_eq "$(state)" "$s0" "bad input changed nothing (sessions, processes)"
check_fails "su is still running" gone $SU
check_fails "ssh is still running" gone $SSHC

# --- kill --signal: the session's own processes only ----------------------------------------
out=$($CTL kill --signal TERM "$KSID"); rc=$?
assert_eq "$rc" 0 "kill --signal TERM: exit 0"
assert_contains "$out" "session $KSID: SIGTERM sent to 2 processes" \
	"kill --signal: the user's shell and sleep (not confine's supervisor)"
wait_long gone $SU || not_ok "su returned after its sleep was signalled"
assert_line "$(cat /tmp/su.out)" "after=143" \
	"kill --signal: the sleep died of SIGTERM and the shell (PID 1) carried on"
expect_no_kio() { [ -z "$(sid_of kio)" ]; }
check "the su session closed the usual way" wait_for expect_no_kio
assert_eq "$($CTL list --no-legend | awk '{print $1}')" "$GSID" "guest's session is still there"

# --- kill SESSION: ends exactly that one; its login program returns --------------------------
su -l kio -c 'echo ready; sleep 600; echo after=$?' </dev/null >/tmp/su2.out 2>&1 & SU2=$!
wait_long grep -q ready /tmp/su2.out || die "the second su session did not start"
KSID2=$(sid_of kio)
out=$($CTL kill "$KSID2"); rc=$?
assert_eq "$rc:$out" "0:session $KSID2 ended" "kill SESSION: exit 0, says so"
check "kill SESSION: the record is gone at once" test ! -e "/run/confine/sessions/$KSID2"
if wait_long gone $SU2; then ok "kill SESSION: su returned"; else not_ok "kill SESSION: su returned"; fi
assert_not_contains "$(cat /tmp/su2.out)" "after=" "kill SESSION: the shell did not carry on"
assert_eq "$($CTL list --no-legend | awk '{print $1}')" "$GSID" "kill SESSION: the other session stays"
check "kill SESSION: guest's sleep still runs" pgrep -u guest -x sleep
check_fails "ssh is still running" gone $SSHC

# --- kill --user: every session of the user --------------------------------------------------
out=$($CTL kill --user guest); rc=$?
assert_eq "$rc:$out" "0:session $GSID ended" "kill --user guest: exit 0"
if wait_long gone $SSHC; then ok "kill --user: the ssh client returned"; else not_ok "kill --user: the ssh client returned"; fi
assert_not_contains "$(cat /tmp/ssh.out)" "after=" "kill --user: the shell did not carry on"
expect_no_sessions "after all logouts: no session record"
out=$($CTL list); rc=$?
assert_eq "$rc:$out" "0:" "after all logouts: list is empty"
assert_eq "$($CTL list --json)" "[]" "after all logouts: list --json is []"
check_fails "no process of guest is left" pgrep -u guest -x sleep
check_fails "no process of kio is left" pgrep -u kio -x sleep
