#!/bin/bash
# Session events and the login in the record ("Operate live sessions"): each open, close,
# refusal and limit hit is one record -- in the journal with CONFINE_* fields and a fixed
# MESSAGE_ID where journald runs (the systemd VM), else one syslog line (the plain VM, a
# busybox syslogd of the test's own) -- and the record, confinectl list --json and status
# show the login's PAM service, tty, remote host and logind session. Runs in both VMs.
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CTL=/usr/local/sbin/confinectl
# The MESSAGE_IDs of helper/event.c, as confinectl(8) documents them.
MID_OPEN=c93cda96ca1b414d9120bfa3c6d096c3
MID_CLOSE=98d490170c2443bf98654214f3b26b74
MID_REFUSE=509ee4d551fc44d7ad50012f5ceb3bea
MID_OOM=1f3d0804f98f4cdcbd156e68e7d4638a

JOURNAL=no
if [ "${CONFINE_VM_INIT:-}" = systemd ]; then
	JOURNAL=yes
else
	start_syslog /var/log/t72-syslog
fi
make_user refu
# guest: a small memory limit without oom.group, so an OOM kills the hog, not the session;
# refu: matched, but its profile does not allow su, so its su login is refused.
cat >/etc/confine/confine.conf <<'CONF'
profiles = {
	lim = { memory_max = "24M"; memory_swap_max = 0; memory_oom_group = false; };
	narrow = { services = ["login"]; };
};
rules = ( { user = "guest"; profile = "lim"; }, { user = "refu"; profile = "narrow"; } );
CONF
start_test_sshd guest

# events FILTER...: the journal's records of this boot that match FILTER (FIELD=VALUE), one
# line each: EVENT|SESSION|USER|UID|PROFILE|MESSAGE_ID|REASON|COUNT|PRIORITY|IDENT|MESSAGE.
# (No cursor: with --after-cursor of a cursor taken at the start, some later records were
# not found in the VM; session ids are unique within a boot, and refu is this script's.)
events() {
	journalctl -q --no-pager -o json -b "$@" | /usr/bin/python3 -c '
import json, sys
keys = ("CONFINE_EVENT", "CONFINE_SESSION", "CONFINE_USER", "CONFINE_UID", "CONFINE_PROFILE",
        "MESSAGE_ID", "CONFINE_REASON", "CONFINE_COUNT", "PRIORITY", "SYSLOG_IDENTIFIER",
        "MESSAGE")
for line in sys.stdin:
    o = json.loads(line)
    print("|".join(str(o.get(k, "")) for k in keys))'
}
# log_lines: the log of the run so far, one message a line: the test's syslog, or under
# journald the messages of this boot (confine's records and what the PAM module and the
# helper log through syslog(3) alike), after --sync (journald reads its sockets late: sync
# waits for what was logged before it)
log_lines() {
	if [ $JOURNAL = yes ]; then
		journalctl --sync 2>/dev/null
		journalctl -b -q --no-pager -o cat 2>/dev/null
	else
		cat "$LOG" 2>/dev/null
	fi
}
# log_count TEXT...: lines of the log holding every TEXT
log_count() {
	local t lines
	lines=$(log_lines)
	for t in "$@"; do lines=$(printf '%s\n' "$lines" | grep -F -- "$t"); done
	printf '%s' "$lines" | grep -c .
}
# expect_log N MSG TEXT...: waits for N such lines (10 s; under journald 30 s of wall time,
# a journalctl being slow under TCG), then asserts exactly N
expect_log() {
	local n=$1 msg=$2 end; shift 2
	if [ $JOURNAL = yes ]; then
		end=$((SECONDS + 30))
		until [ "$(log_count "$@")" -ge "$n" ]; do [ $SECONDS -lt $end ] || break; sleep 1; done
	else
		for _ in $(seq 50); do [ "$(log_count "$@")" -ge "$n" ] && break; sleep 0.2; done
	fi
	assert_eq "$(log_count "$@")" "$n" "$msg"
}
# wait_long CMD...: wait_for with 3 minutes (a first login with pam_systemd starts the
# user's manager, slow under TCG)
wait_long() {
	local end=$((SECONDS + 180))
	until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $end ] || return 1; sleep 0.5; done
}
sid_of_service() { # SERVICE: guest's session opened through SERVICE
	grep -lx "service=$1" /run/confine/sessions/* 2>/dev/null | head -n1 | xargs -r basename
}
# json: list --json's sessions, one line each: SERVICE|TTY|REMOTE_HOST|LOGIND|SESSION
json() {
	$CTL list --json | /usr/bin/python3 -c '
import json, sys
for o in json.load(sys.stdin):
    print("|".join("null" if o[k] is None else str(o[k])
          for k in ("service", "tty", "remote_host", "logind_session", "session")))'
}

# --- two logins: su on a pty (a memory hog OOM-killed in it) and ssh ------------------------
# script gives su (PAM service su: no -l, which is su-l on Debian) a pty (PAM_TTY
# /dev/pts/N); its stdin, a fifo held open, sends nothing.
mkfifo /tmp/su.in
sleep 300 >/tmp/su.in & HOLD=$!
trap 'kill $HOLD 2>/dev/null; _t_exit' EXIT
setsid script -qfec "su guest -c 'tail /dev/zero; echo oomrc=\$?; echo ready; exec sleep 600'" \
	/dev/null </tmp/su.in >/tmp/su.out 2>&1 &
$SSH guest@127.0.0.1 'echo ready; exec sleep 600' >/tmp/ssh.out 2>&1 </dev/null & SSHC=$!
wait_long grep -q ready /tmp/su.out || die "the su session did not start: $(cat /tmp/su.out) (ssh: $(cat /tmp/ssh.out); $(pgrep -a "^(su|script|tail|sleep)$" | tr "\n" " "))"
wait_long grep -q ready /tmp/ssh.out || die "the ssh session did not start: $(cat /tmp/ssh.out)"
SU_SID=$(sid_of_service su)
SSH_SID=$(sid_of_service sshd)
[ -n "$SU_SID" ] && [ -n "$SSH_SID" ] || die "no records of the two sessions: $(ls /run/confine/sessions)"
assert_contains "$(tr -d '\r' </tmp/su.out)" "oomrc=137" "the hog in the su session was SIGKILLed"

# --- the record, list --json, status: the login's items ------------------------------------
j=$(json)
diag "$j"
su_line=$(printf '%s\n' "$j" | grep "|$SU_SID\$")
ssh_line=$(printf '%s\n' "$j" | grep "|$SSH_SID\$")
check "json: su's session: service su, tty a pty, no remote host" \
	grep -Eq '^su\|/dev/pts/[0-9]+\|null\|' <<<"$su_line"
check "json: ssh's session: service sshd, tty ssh, from 127.0.0.1" \
	grep -Eq '^sshd\|ssh\|127\.0\.0\.1\|' <<<"$ssh_line"
SU_LOGIND=$(cut -d'|' -f4 <<<"$su_line")
if [ $JOURNAL = yes ]; then
	check "json: su's logind session is a logind session of guest's" \
		test "$(loginctl show-session "$SU_LOGIND" -p Name --value 2>&1)" = guest
else
	assert_eq "$SU_LOGIND" null "json: no logind session without logind"
fi
out=$($CTL status "$SU_SID")
diag "$out"
check "status: service su" grep -Eqx 'service: +su' <<<"$out"
check "status: the tty" grep -Eqx 'tty: +/dev/pts/[0-9]+' <<<"$out"
check "status: no remote host" grep -Eqx 'remote host: +-' <<<"$out"
check "status of the open session: oom_kill >= 1" \
	grep -Eqx 'memory events: +high [0-9]+, max [0-9]+, oom [0-9]+, oom_kill [1-9][0-9]*' <<<"$out"
check "status: pids events" grep -Eqx 'pids events: +max 0' <<<"$out"
# The same kill in metrics: the su session's counter, and 0 for the ssh session.
m=$($CTL metrics)
check "metrics: the su session's oom_kills_total >= 1" \
	grep -Eq "^confine_session_oom_kills_total\\{session=\"$SU_SID\",user=\"guest\",profile=\"lim\"\\} [1-9][0-9]*$" <<<"$m"
check "metrics: the ssh session's oom_kills_total is 0" \
	grep -Eq "^confine_session_oom_kills_total\\{session=\"$SSH_SID\",[^}]*\\} 0$" <<<"$m"
check "status of the ssh session: from 127.0.0.1" \
	grep -Eqx 'remote host: +127\.0\.0\.1' <<<"$($CTL status "$SSH_SID")"

# --- a refused login -------------------------------------------------------------------------
out=$(su refu -c 'echo unconfined' </dev/null 2>&1); rc=$?
assert_ne "$rc" 0 "refu: su is refused"
assert_not_contains "$out" unconfined "refu: nothing ran"

# --- logouts -----------------------------------------------------------------------------------
pkill -KILL -u guest -x sleep
wait $SSHC
expect_no_sessions "after the logouts no session is left"

REASON="PAM service 'su' is not in profiles.narrow.services"
if [ $JOURNAL = yes ]; then
	# journald is asynchronous: wait (30 s of wall time) for the last records
	end=$((SECONDS + 30))
	until all=$(events -t confine-helper)
		grep -q "^close|$SU_SID|" <<<"$all" && grep -q "^close|$SSH_SID|" <<<"$all" &&
			grep -q "^refuse||refu|" <<<"$all"; do
		[ $SECONDS -lt $end ] || break
		sleep 1
	done
	diag "confine-helper's records of this boot:" "$all" "journal files: $(ls /run/log/journal/*/ | tr '\n' ' ')"
	o=$(events CONFINE_USER=guest CONFINE_EVENT=open)
	assert_eq "$(grep -c "^open|$SU_SID|guest|$(id -u guest)|lim|$MID_OPEN|||6|confine-helper|" <<<"$o")" 1 \
		"journal: CONFINE_USER=guest CONFINE_EVENT=open: su's open, once (session, uid, profile, MESSAGE_ID, PRIORITY)"
	assert_eq "$(grep -c "^open|$SSH_SID|guest|$(id -u guest)|lim|$MID_OPEN|" <<<"$o")" 1 \
		"journal: CONFINE_USER=guest CONFINE_EVENT=open: ssh's open, once"
	assert_eq "$(grep "^close|$SU_SID|" <<<"$all" | cut -d'|' -f1-10)" \
		"close|$SU_SID|guest|$(id -u guest)|lim|$MID_CLOSE|logout||4|confine-helper" \
		"journal: su's close, reason logout (a warning: it had an OOM kill)"
	assert_eq "$(grep "^close|$SSH_SID|" <<<"$all" | cut -d'|' -f1,2,6,7)" "close|$SSH_SID|$MID_CLOSE|logout" \
		"journal: ssh's close"
	check "journal: su's session has one oom-kill record with its count" \
		grep -Eqx "oom-kill\|$SU_SID\|guest\|[0-9]+\|lim\|$MID_OOM\|\|[1-9][0-9]*\|4\|confine-helper\|.*" \
		<<<"$(events CONFINE_SESSION="$SU_SID" CONFINE_EVENT=oom-kill)"
	assert_eq "$(grep -c "^oom-kill|$SSH_SID|" <<<"$all")" 0 "journal: none for ssh's session"
	o=$(events CONFINE_USER=refu CONFINE_EVENT=refuse)
	assert_eq "$(printf '%s' "$o" | grep -c .)" 1 "journal: CONFINE_USER=refu CONFINE_EVENT=refuse: one record"
	check "journal: the refusal's user, uid, profile, MESSAGE_ID and reason" \
		grep -Fq "|refu|$(id -u refu)|narrow|$MID_REFUSE|$REASON" <<<"$o"
	# once: no syslog copy of an event in the journal (it would have no CONFINE_EVENT)
	assert_eq "$(grep -c "^|.*|session $SU_SID opened for guest" <<<"$all")" 0 \
		"journal: su's open is logged once (no syslog copy)"
else
	expect_log 1 "syslog: su's open, once" "session $SU_SID opened for guest (profile lim, service su, tty /dev/pts/"
	expect_log 1 "syslog: ssh's open, once, with the remote host" \
		"session $SSH_SID opened for guest (profile lim, service sshd, tty ssh, from 127.0.0.1)"
	expect_log 1 "syslog: su's close" "session $SU_SID of guest closed; the kernel OOM-killed " "(logout)"
	expect_log 1 "syslog: ssh's close" "session $SSH_SID of guest closed (logout)"
	expect_log 1 "syslog: su's OOM kill" "session $SU_SID of guest: the kernel OOM-killed "
	expect_log 1 "syslog: refu's refusal with its reason" "refusing the session of 'refu' (rule at" "$REASON"
	expect_log 1 "syslog: on authpriv" "authpriv.err" "refusing the session of 'refu'"
fi

# --- two closers at once (the module's logout, which nobody waits for, and gc or kill) -------
# Both read the record, then queue on the user's lock (held here until both wait on it):
# one tears the session down and logs its close once, the other finds the record gone.
# (Both VMs: in the systemd one the close is a journal record, an error a syslog(3) line.)
setsid su -l guest -c 'exec sleep 600' </dev/null >/dev/null 2>&1 & heldsu=$!
held() { [ -n "$(sid_of_service su-l)" ]; }
wait_long held || not_ok "the held session has no record"
SID=$(sid_of_service su-l)
H=/usr/local/libexec/confine/confine-helper
blocked() { [ "$(grep -c -- '->' /proc/locks)" -ge 2 ]; }
exec 9</run/confine/users/guest
flock 9
$H logout guest "$SID" & c1=$!
$H logout guest "$SID" & c2=$!
wait_for blocked || not_ok "the two closers never queued on the user's lock"
flock -u 9
exec 9<&-
wait $c1; r1=$?
wait $c2; r2=$?
assert_eq "$r1 $r2" "0 0" "two closers at once: both exit 0"
expect_log 1 "two closers at once: the close is logged once" "session $SID of guest closed"
expect_log 0 "two closers at once: no error about it" "session $SID:"
check "two closers at once: no record left" test ! -e "/run/confine/sessions/$SID"
# (if they failed, the session must not outlive this script: later ones share the VM)
kill -TERM $heldsu 2>/dev/null; wait $heldsu 2>/dev/null
wait_for no_sessions || diag "sessions left: $(ls /run/confine/sessions)"

# --- su's caller cannot make the close look done (from the independent review) ----------------
# su keeps its caller's real uid through pam_close_session, so she may signal what it forks
# until that became root. Root holds that process at one syscall (strace's delay injection),
# alice (who knows guest's password) kills it: before the middle process's setresuid the
# close must say it could not run the helper (the record stays for gc), never "closed"; at
# its fork, after setresuid, her kill must fail and the session close. Under systemd su's
# login is a logind session too (pam_systemd, before pam_confine in common-session): its
# close only releases it (KillUserProcesses=no, Debian's default), so nothing but alice's kill
# ends the starter, her kill is allowed by the same uids, and the module's lines reach the
# journal through syslog(3).
make_user alice
cat >/tmp/t72-su.py <<'P'
import os, pty
pid, fd = pty.fork()
if pid == 0:
    os.execv("/bin/su", ["su", "-l", "guest", "-c", "sleep 4"])
buf = b""
while b"assword" not in buf:
    buf += os.read(fd, 100)
os.write(fd, b"guest\n")
try:
    while os.read(fd, 100):
        pass
except OSError:
    pass
os.waitpid(pid, 0)
P
su_open() { [ -n "$(sid_of_service su-l)" ]; }
# attack SYSCALL: sets KILLED (yes/no) and SID; returns once alice's su has ended
attack() {
	local py st v p
	setpriv --reuid alice --regid alice --init-groups env -i PATH=/usr/bin:/bin \
		python3 /tmp/t72-su.py >/dev/null 2>&1 & py=$!
	wait_long su_open || { not_ok "$1: alice's su opened no session"; return 1; }
	SID=$(sid_of_service su-l)
	strace -f -qq -o /dev/null -p "${SID%%-*}" -e trace="$1" -e inject="$1":delay_enter=5000000 & st=$!
	for _ in $(seq 300); do
		v=; for p in $(pgrep -x su); do [ "$p" != "${SID%%-*}" ] && v=$p; done
		[ -n "$v" ] && break; sleep 0.1
	done
	KILLED=no
	[ -n "$v" ] && setpriv --reuid alice --regid alice --clear-groups kill -KILL "$v" 2>/dev/null && KILLED=yes
	wait $py; kill $st 2>/dev/null; wait $st 2>/dev/null
}
attack setresgid
diag "setresgid: alice's kill of the starter $([ "$KILLED" = yes ] && echo worked || echo failed)"
if [ "$KILLED" = yes ]; then
	expect_log 1 "su's caller kills the close's starter: the module says so" "cannot run" "its starter was killed"
	expect_log 0 "su's caller kills the close's starter: it is not logged as closed" "confined session $SID closed"
else
	# Held at setresgid the starter still has her real uid: a kill that fails means the
	# attack never reached it, and the checks above would pass for nothing.
	not_ok "su's caller could not kill the starter held before its setresuid (the attack missed)"
fi
as_guest true >/dev/null # the next open collects what is left
wait_for no_sessions || not_ok "what the killed close left was not collected"
attack clone
assert_eq "$KILLED" no "su's caller cannot kill the starter once it forks the helper"
wait_for no_sessions && ok "and the session closed" || not_ok "the session was left: $(ls /run/confine/sessions)"
