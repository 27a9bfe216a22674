#!/bin/bash
# Attacks of an independent review on confinectl join/status (session t73): the confined
# user kio attacks root who joins kio's session, or reads its status. Each attack is first
# shown to work where confine has no say (the control), then asserted to fail:
#   A. root's terminal kept after the join: the joined login shell runs kio's ~/.profile
#      with root's terminal as fds 0-2 and controlling tty (no pty of its own); a process it
#      leaves behind (setsid -f) reads the next line root types in root's own shell
#      (a password, say). Control: any unprivileged process given root's tty does so.
#   B. the same without any code of kio's in the joined command (join -- sleep): a process
#      that was in the session before takes the joined command's fd 0 with pidfd_getfd.
#      Control: pidfd_getfd works in the session on a process of its own.
#   C. terminal control sequences in a process name (comm) shown by confinectl status:
#      C1 controls (U+009B CSI in UTF-8, or a raw 0x9b byte) pass ops_cell.
#   D. the joined command inherits root's oom_score_adj and nice value, which an
#      unprivileged process cannot lower itself (control: it cannot inside the session).
# Runs in the plain VM (cgroupfs) and the systemd VM.
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CTL=/usr/local/sbin/confinectl
PR=$CONFINE_REPO/tests/vm/progs
P=/usr/local/lib/confine-t73 # visible (read-only) inside the session
mkdir -p "$P"
cp "$PR/admin_pty.py" "$PR/grab_fd.py" "$P/"
make_user kio
make_user plain
check "enroll kio into the kiosk profile" $CTL enroll --profile kiosk kio
H=/run/confine/homes/kio # the session's home, seen from the host
wait_long() {
	local end=$((SECONDS + 180))
	until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $end ] || return 1; sleep 0.5; done
}

# --- a session of kio: a fd grabber (B) and a process with a crafted name (C) ---------------
cat >"$P/session.sh" <<'SH'
python3 /usr/local/lib/confine-t73/grab_fd.py 5.3 "$HOME/grab.log" &
python3 -c 'import ctypes, time; ctypes.CDLL(None).prctl(15, b"a\xc2\x9b2Jb\x9bc", 0, 0, 0); time.sleep(600)' &
# A: the login shell of a join reads ~/.profile; it leaves a reader of root's tty behind.
cat >"$HOME/.profile" <<'PROFILE'
setsid -f sh -c 'IFS= read -r l; echo "$l" >"$HOME/stolen"'
exit 0
PROFILE
# D: what the session itself may do (the control) and its limits.
{ echo -900 >/proc/self/oom_score_adj 2>/dev/null && echo oom=lowered; [ "$(nice -n -5 nice 2>/dev/null)" = -5 ] && echo nice=lowered; echo done; } >"$HOME/d.ctl"
grep -E '^Max (nice|realtime) priority|^Max locked memory' /proc/self/limits >"$HOME/d.limits"
echo ready
sleep 600
SH
su -l kio -c "sh $P/session.sh" </dev/null >/tmp/t73-su.out 2>&1 &
wait_long grep -q ready /tmp/t73-su.out || die "kio's session did not start: $(cat /tmp/t73-su.out)"
wait_long grep -q ready=1 "$H/grab.log" || die "the grabber did not start: $(cat "$H/grab.log")"
assert_eq "$(val control "$(cat "$H/grab.log")")" ok "B control: pidfd_getfd works in the session on its own process"

# --- A: root's terminal after the join ------------------------------------------------------
cat >"$P/admin-ctl.sh" <<'SH'
setpriv --reuid=plain --regid=plain --init-groups setsid -f sh -c 'IFS= read -r l; echo "$l" >/tmp/t73-ctl'
echo JOIN-DONE; sleep 3; IFS= read -r l; echo "admin-got=[$l]"
SH
rm -f /tmp/t73-ctl
out=$(timeout 200 python3 "$P/admin_pty.py" "sh $P/admin-ctl.sh" rootpw-ctl)
wait_for test -s /tmp/t73-ctl
assert_eq "$(cat /tmp/t73-ctl 2>/dev/null)" rootpw-ctl \
	"A control: an unprivileged process holding root's tty reads root's next line"
assert_eq "$(val admin-got "$out")" "[second]" "A control: root's shell did not get it"

cat >"$P/admin-join.sh" <<'SH'
/usr/local/sbin/confinectl join kio
echo JOIN-DONE; sleep 3; IFS= read -r l; echo "admin-got=[$l]"
SH
out=$(timeout 200 python3 "$P/admin_pty.py" "sh $P/admin-join.sh" rootpw-a)
diag "$out"
sleep 1
assert_eq "$(cat "$H/stolen" 2>/dev/null)" "" \
	"A: a process left by the joined login shell does not read root's next line (root's password)"
assert_eq "$(val admin-got "$out")" "[rootpw-a]" "A: root's own shell gets what root typed"
rm -f "$H/.profile"

# --- B: the joined command's fd 0 taken by the session --------------------------------------
cat >"$P/admin-sleep.sh" <<'SH'
/usr/local/sbin/confinectl join kio -- sleep 5.3
echo JOIN-DONE; sleep 3; IFS= read -r l; echo "admin-got=[$l]"
SH
out=$(timeout 200 python3 "$P/admin_pty.py" "sh $P/admin-sleep.sh" rootpw-b)
wait_for grep -q grab= "$H/grab.log"
log=$(cat "$H/grab.log")
diag "$log" "yama ptrace_scope: $(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo none)"
assert_ne "$(val grab "$log")" ok "B: the session cannot take the joined command's fd 0 (pidfd_getfd)"
assert_eq "$(val stolen "$log")" "" "B: nothing of root's typing reached the session"
assert_eq "$(val admin-got "$out")" "[rootpw-b]" "B: root's own shell gets what root typed"

# --- E: an interactive shell joined (job control) gives root's terminal back -------------------
# Not an attack: bash -i takes the foreground of its terminal (root's) and gives it back to
# the process group it found, which has no pid in the session's PID namespace.
cat >"$P/admin-bash.sh" <<'SH'
/usr/local/sbin/confinectl join kio -- bash --norc -i -c true
echo JOIN-DONE; sleep 3; IFS= read -r l; echo "admin-got=[$l]"
SH
out=$(timeout 200 python3 "$P/admin_pty.py" "sh $P/admin-bash.sh" rootline-e)
diag "$out"
assert_eq "$(val admin-got "$out")" "[rootline-e]" "E: after joining with an interactive bash, root's shell reads its terminal again"

# --- C: control sequences in a process name --------------------------------------------------
CP=$(pgrep -u kio -f 'prctl\(15' | head -1)
[ -n "$CP" ] || die "the process with the crafted name is not running"
assert_eq "$(LC_ALL=C grep -c $'\x9b' "/proc/$CP/comm")" 1 "C control: the kernel keeps the name's bytes (0x9b)"
st=$($CTL status kio)
assert_contains "$st" "$CP" "C: status lists the process"
assert_eq "$(printf '%s' "$st" | LC_ALL=C grep -c $'\xc2\x9b')" 0 "C: status shows no U+009B (CSI) of a process name"
assert_eq "$(printf '%s' "$st" | LC_ALL=C grep -c $'\x9b')" 0 "C: status shows no raw 0x9b (8-bit CSI) of a process name"

# --- D: attributes of root's an unprivileged process cannot take ----------------------------
assert_eq "$(cat "$H"/d.ctl)" "done" "D control: inside the session, kio can lower neither oom_score_adj nor nice"
sess=$(pgrep -u kio -x sleep | head -1)
out=$(sh -c 'echo -900 >/proc/self/oom_score_adj; exec nice -n -5 '"$CTL"' join kio -- sh -c "echo oom=\$(cat /proc/self/oom_score_adj); echo nice=\$(nice)"')
diag "$out" "session: oom=$(cat /proc/"$sess"/oom_score_adj) nice=$(ps -o ni= -p "$sess")"
assert_eq "$(val oom "$out")" "$(cat /proc/"$sess"/oom_score_adj)" "D: the joined command has the session's oom_score_adj, not root's -900"
assert_eq "$(val nice "$out")" "$(ps -o ni= -p "$sess" | tr -d ' ')" "D: the joined command has the session's nice value, not root's -5"
# Resource limits: the joined command has root's (the caller's), not the session's.
prlimit --pid $$ --nice=30:30 --rtprio=50:50
out=$($CTL join kio -- grep -E '^Max (nice|realtime) priority|^Max locked memory' /proc/self/limits)
diag "joined:" "$out" "session:" "$(cat "$H"/d.limits)"
assert_eq "$out" "$(cat "$H"/d.limits)" "D: the joined command has the session's RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_MEMLOCK, not root's"

# --- the end ---------------------------------------------------------------------------------
KSID=$(basename "$(grep -lx user=kio /run/confine/sessions/* | head -1)")
out=$($CTL kill "$KSID"); rc=$?
assert_eq "$rc:$out" "0:session $KSID ended" "kill ends the session with the attackers"
wait_long sh -c '! pgrep -u kio'
check_fails "nothing of kio is left" pgrep -u kio
