#!/bin/bash
# The confined shell's own terminal (issue 12): a login with a terminal (login on a pty,
# ssh -tt) gets a pty of the sandbox's devpts, relayed by the outer supervisor. Inside, `tty`
# and `ps` name it; resize, job control, ^C, ^Z, full-screen programs, exit status, hangup
# both ways; TIOCSTI still refused; nothing left after. Without a terminal (ssh remote
# command) plain pipes, binary-safe. The supervisors of an idle session stay <= 512 KiB Pss.
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
DRIVE="python3 $CONFINE_REPO/tests/vm/progs/pty_drive.py"
P=/usr/local/lib/confine-test # test programs, reachable inside (the host tree, read-only)
mkdir -p $P
cc -O2 -Wall -o $P/tiocsti "$CONFINE_REPO/tests/vm/progs/tiocsti.c" || die "cannot compile tiocsti.c"
cp "$CONFINE_REPO/tests/vm/progs/fdcensus.sh" "$CONFINE_REPO/tests/vm/progs/ptyhog.py" $P/
printf 'line-one\nline-two\nline-three\n' >$P/short.txt
clean() { tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1b[()][0-9A-Za-z]//g; s/\x1b[=>]//g'; }

pamtester login guest open_session close_session >/dev/null 2>&1
before=$(snapshot)

# session_steps: the checks typed into an interactive confined shell, whatever the login.
# Markers are printed by commands whose typed text does not match them ($((...)), $(...)).
session_steps=(
	's:echo TTY=$(tty) PS=$(ps -o tty= -p $$) SAME=$(echo x >$(tty) && test $(tty) -ef /dev/stdin && echo $((6*7)))\n'
	'e:TTY=/dev/pts/[0-9]+ PS=pts/[0-9]+ SAME=42'
	'w:40:100' 'p:1' 's:echo SIZE=$(stty size)\n' 'e:SIZE=40 100'
	's:sleep 30 &\n' 's:jobs; echo JOBS=$((1+1))\n' 'e:JOBS=2'
	's:kill %1; wait %1; echo KILLED=$?\n' 'e:KILLED=143'
	's:sleep 300\n' 'p:2' 's:\x03' 's:echo INTR=$?\n' 'e:INTR=130'
	's:sleep 301\n' 'p:2' 's:\x1a' 'e:Stopped' 's:kill -9 %1; echo STOPKILLED=$((1+2))\n' 'e:STOPKILLED=3'
	's:TERM=xterm top -n 1; echo TOP=$?\n' 'e:TOP=0' 's:top -b -n 1 | grep -c . | sed s/^/TOPB=/\n' 'e:TOPB=[0-9]+'
	"s:TERM=xterm less $P/short.txt\\n" 'e:line-three' 'p:1' 's:q' 's:echo LESS=$((5+5))\n' 'e:LESS=10'
	"s:$P/tiocsti zqz\\n" 'e:tiocsti=[A-Z]+'
	"s:sh $P/fdcensus.sh\\n" 'e:FDCENSUS socks=[0-9]+ inner=[0-9]+ outer=[0-9]+'
	"s:python3 -c 'import socket, os; s = socket.socketpair(); os.system(\"sh $P/fdcensus.sh | sed s/CENSUS/CONTROL/\")'\\n"
	'e:FDCONTROL socks=[0-9]+'
)
# fd_census WHAT OUT: no process inside holds a socket (the sync socket to the outer
# supervisor) or a pty of another devpts (the login's terminal); control: the census counts
# the shell's own pty and a socket pair made for it.
fd_census() {
	local c
	c=$(printf '%s\n' "$2" | grep -o 'FDCENSUS socks=[0-9]* inner=[0-9]* outer=[0-9]*' | head -1)
	printf '%s\n' "$c" | grep -Eq '^FDCENSUS socks=0 inner=[1-9][0-9]* outer=0$' &&
		ok "$1: no fd inside is a socket or the login's terminal, only the sandbox's pty ($c)" ||
		not_ok "$1: no fd inside is a socket or the login's terminal, only the sandbox's pty ('$c')"
	printf '%s\n' "$2" | grep -Eq 'FDCONTROL socks=[2-9]' && ok "$1: (control: the census sees a socket pair)" ||
		not_ok "$1: (control: the census sees a socket pair)"
}

# --- login on a pty -------------------------------------------------------------------------
out=$($DRIVE login -f guest -- 'e:\$ ' "${session_steps[@]}" 's:exit 7\n' x 2>&1 | clean)
diag "$(printf '%s\n' "$out" | tail -n 5)"
assert_not_contains "$out" "drive-timeout" "login: every step was answered"
n=$(printf '%s\n' "$out" | sed -n 's|.*TTY=/dev/pts/\([0-9]*\) PS=pts/\([0-9]*\) SAME=42.*|\1 \2|p' | head -1)
assert_ne "$n" "" "login: tty names /dev/pts/N, which opens to the same terminal"
[ -n "$n" ] && assert_eq "${n% *}" "${n#* }" "login: ps shows the shell's terminal, the same pts as tty ($n)"
assert_contains "$out" "SIZE=40 100" "login: a resize of the outer terminal is seen inside (stty size)"
assert_contains "$out" "sleep 30 &" "login: jobs lists the background job"
assert_contains "$out" "KILLED=143" "login: kill %1 ends it"
assert_contains "$out" "INTR=130" "login: ^C interrupts a foreground sleep, the shell goes on"
assert_contains "$out" "STOPKILLED=3" "login: ^Z stops a foreground job (job control)"
assert_contains "$out" "TOP=0" "login: top (full screen) runs on the terminal"
assert_contains "$out" "load average" "login: top draws"
assert_contains "$out" "line-three" "login: less draws the file"
assert_contains "$out" "LESS=10" "login: less quits on a typed q"
assert_contains "$out" "ctty=yes" "login: the program has a controlling terminal"
assert_contains "$out" "tiocsti=EPERM" "login: TIOCSTI is still refused inside"
assert_not_contains "$out" "drive-status=-1" "login: the shell's exit ends the login"
fd_census login "$out"
expect_clean "login: nothing left after logout"

# --- the login's terminal after a session killed from outside ---------------------------------
# root's interactive shell on a pty runs su -l guest; inside, the sandbox's pty is set raw,
# -echo, -isig and 9999x9999, then every process of guest is SIGKILLed: root's terminal must
# come back as it was (the outer supervisor restores it whatever way the session ends).
(wait_for pgrep -u guest -x sleep && pkill -KILL -u guest) &
killer=$!
out=$($DRIVE bash --norc --noprofile -i -- 's:PS1="RO""OT> "\n' 'e:ROOT> ' \
	's:stty -echo; stty -a | grep -ow -e -echo | sed s/^/CTRL/; stty echo\n' 'e:ROOT> ' \
	's:su -l guest\n' 'e:\$ ' 's:stty raw -echo -isig rows 9999 cols 9999; echo IN=$((3*3)); sleep 600\n' 'e:IN=9' \
	'e:ROOT> ' 's:stty -a | grep -ow -e -echo -e -icanon -e -isig | sed s/^/MODE/; echo MODEEND=$((2+2)) $(stty size)\n' \
	'e:MODEEND=4' 's:exit\n' x 2>&1 | clean)
wait $killer
diag "$(printf '%s\n' "$out" | tail -n 3)"
assert_contains "$out" "CTRL-echo" "(control: stty -a in root's shell shows -echo when it is off)"
assert_contains "$out" "MODEEND=4 24 80" "root's shell is back after the session was SIGKILLed, its terminal 24x80 (9999 was the inner pty's)"
assert_not_contains "$out" "MODE-" "root's terminal is restored (echo, icanon, isig) though the session set its pty raw and was SIGKILLed"
expect_clean "su -l guest SIGKILLed: nothing left"

# --- ssh -tt --------------------------------------------------------------------------------
start_test_sshd guest
wait_for $SSH -T guest@127.0.0.1 true </dev/null || die "sshd does not let guest in"
out=$($DRIVE $SSH -tt guest@127.0.0.1 -- 'e:\$ ' "${session_steps[@]}" 's:exit 7\n' x 2>&1 | clean)
diag "$(printf '%s\n' "$out" | tail -n 5)"
assert_not_contains "$out" "drive-timeout" "ssh -tt: every step was answered"
n=$(printf '%s\n' "$out" | sed -n 's|.*TTY=/dev/pts/\([0-9]*\) PS=pts/\([0-9]*\) SAME=42.*|\1 \2|p' | head -1)
assert_ne "$n" "" "ssh -tt: tty names /dev/pts/N, which opens to the same terminal"
[ -n "$n" ] && assert_eq "${n% *}" "${n#* }" "ssh -tt: ps shows the shell's terminal, the same pts as tty ($n)"
assert_contains "$out" "SIZE=40 100" "ssh -tt: a resize of the client's terminal is seen inside"
assert_contains "$out" "KILLED=143" "ssh -tt: sleep & / jobs / kill %1"
assert_contains "$out" "INTR=130" "ssh -tt: ^C interrupts a foreground sleep"
assert_contains "$out" "STOPKILLED=3" "ssh -tt: ^Z stops a foreground job"
assert_contains "$out" "LESS=10" "ssh -tt: less draws and quits"
assert_contains "$out" "tiocsti=EPERM" "ssh -tt: TIOCSTI is still refused inside"
assert_contains "$out" "drive-status=7" "ssh -tt: the shell's exit status is ssh's"
fd_census "ssh -tt" "$out"
expect_clean "ssh -tt: nothing left after logout"

# --- memory: the supervisors of an idle session with a terminal -------------------------------
# The session's marker sleep; its parent is the shell (PID 1 inside), whose parent is the
# namespaced parent, whose parent the outer supervisor (confine-shell).
$DRIVE $SSH -tt guest@127.0.0.1 -- 'e:\$ ' 's:sleep 4321 & echo MARK=$((4+4))\n' 'e:MARK=8' 'p:600' >/dev/null 2>&1 &
drv=$!
wait_for pgrep -u guest -f 'sleep 4321' || not_ok "memory: the idle session did not start"
p=$(pgrep -u guest -f 'sleep 4321' | head -1) sup=() pss=0
while [ -n "$p" ] && [ "$p" -gt 1 ]; do
	p=$(awk '/^PPid:/ { print $2 }' /proc/$p/status 2>/dev/null)
	case "$(cat /proc/$p/comm 2>/dev/null)" in
	'confine:[ns]' | confine-shell) sup+=("$p") ;;
	bash) ;;
	*) break ;;
	esac
done
if [ ${#sup[@]} -ne 2 ]; then
	not_ok "memory: found the two supervisors of the session (found: ${sup[*]:-none})"
	ps -eo pid,ppid,user,comm | sed 's/^/#   /'
else
	for p in "${sup[@]}"; do
		pss=$((pss + $(awk '/^Pss:/ { print $2 }' /proc/$p/smaps_rollup)))
		diag "supervisor $p $(cat /proc/$p/comm): $(awk '/^(Pss|Rss):/ { printf "%s %s kB ", $1, $2 }' /proc/$p/smaps_rollup)"
	done
	[ "$pss" -gt 0 ] && [ "$pss" -le 512 ] && ok "memory: the supervisors of an idle session with a terminal: $pss kB Pss (<= 512)" ||
		not_ok "memory: the supervisors of an idle session with a terminal: '$pss' kB Pss (<= 512)"
fi

# --- hangup: the client goes away -------------------------------------------------------------
kill $drv; wait $drv 2>/dev/null # the driver's pty goes with it: ssh's terminal hangs up
expect_clean "ssh -tt closed by the client (idle, a background sleep): nothing left"
out=$($DRIVE $SSH -tt guest@127.0.0.1 -- 'e:\$ ' 's:sleep 1000 & sleep 900\n' 'p:3' c 'p:1' 2>&1 | clean)
assert_not_contains "$out" "drive-timeout" "(the session ran)"
expect_clean "ssh -tt closed while a foreground program runs: nothing left"
# login(1)'s parent dies with its terminal without closing the PAM session (so on main
# too, before the pty relay): the session's processes must end, gc takes the record.
session_gone() { ! pgrep -u guest >/dev/null && ! pgrep -x confine-shell >/dev/null; }
out=$($DRIVE login -f guest -- 'e:\$ ' 's:sleep 902\n' 'p:3' c 'p:1' 2>&1 | clean)
assert_not_contains "$out" "drive-timeout" "(the login ran)"
wait_for session_gone && ok "login: its terminal closed while a foreground program runs: no process left" ||
	not_ok "login: its terminal closed: processes left: $(pgrep -a -u guest; pgrep -a -x confine-shell)"
check "confinectl gc" /usr/local/sbin/confinectl gc
expect_clean "login: its terminal closed: nothing left after gc"

# --- no terminal: nothing changes -------------------------------------------------------------
out=$($SSH guest@127.0.0.1 'tty; echo fd0=$(stat -L -c %F /dev/stdin)' </dev/null 2>&1)
assert_line "$out" "not a tty" "ssh remote command: no terminal inside"
assert_not_contains "$out" "character special" "ssh remote command: stdin is no terminal"
head -c 1048576 /dev/urandom >/tmp/t74-rand
sum=$($SSH guest@127.0.0.1 cat </tmp/t74-rand | sha256sum)
assert_eq "$sum" "$(sha256sum </tmp/t74-rand)" "ssh remote command: 1 MiB of random bytes through cat, unchanged"
out=$(echo | su -l guest -c 'tty; echo rc=$?' 2>&1)
assert_contains "$out" "not a tty" "su -c from a pipe: no terminal inside"
expect_clean "no terminal: nothing left"

# --- ptys: one session cannot take the machine's ------------------------------------------------
# Every devpts instance but the host's shares kernel.pty.max - kernel.pty.reserve (3072):
# a session opening ptys until refused must stop at its own devpts' max, and another login
# with a terminal (which needs a pty of its own sandbox) must still work meanwhile.
rm -f /tmp/t74-hog.log
$DRIVE --log /tmp/t74-hog.log $SSH -tt guest@127.0.0.1 -- 'e:\$ ' "s:python3 $P/ptyhog.py\\n" 'e:PTYHOG=[0-9]+' 'p:600' >/dev/null 2>&1 &
hog=$!
t=$((SECONDS + 120))
until grep -aq 'PTYHOG=[0-9]' /tmp/t74-hog.log 2>/dev/null || [ $SECONDS -gt $t ]; do sleep 0.5; done
n=$(grep -ao 'PTYHOG=[0-9]* [A-Za-z_]*' /tmp/t74-hog.log | head -1)
diag "one session's ptys: $n (kernel.pty.nr $(sysctl -n kernel.pty.nr))"
c=${n#PTYHOG=} c=${c%% *}
[ -n "$c" ] && [ "$c" -ge 8 ] && [ "$c" -le 64 ] && ok "a session gets at most 64 ptys ($n)" ||
	not_ok "a session gets at most 64 ptys (got: '$n')"
out=$($DRIVE $SSH -tt guest@127.0.0.1 -- 'e:\$ ' 's:echo SECOND=$((2*21))\n' 'e:SECOND=42' 's:exit\n' x 2>&1 | clean)
assert_contains "$out" "SECOND=42" "another login with a terminal works while that session holds all the ptys it can"
kill $hog; wait $hog 2>/dev/null
expect_clean "pty hog closed: nothing left"

pkill -f "sshd -f /tmp/sshd_config"
finish
