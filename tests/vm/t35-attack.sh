#!/bin/bash
# Attacks of an independent review (after issue 9), as a confined user and as a local
# unconfined user who knows a confined account's password (the tests type it at su's prompt
# on a pty, progs/su_pty.py). Each attack is first shown to work without confine's measure
# (the control), then to fail against confine:
#   1. a read-only fd 0-2 of a file the user may write, reopened writable through
#      /proc/self/fd/N on the host's read-write mount (the real home overwritten), or of a
#      file the user owns (fchmod through the fd, on the host's mount)
#   2. confine-shell listed in /etc/shells: su -s runs another shell, unconfined
#   3. /etc/ssh/sshrc: sshd runs it with /bin/sh, as the user, unconfined
#   4. resource limits set before su against the setuid confine-shell: confined or refused,
#      never unconfined, nothing left
#   5. processes that daemonize (setsid, nohup) do not outlive the session
#   6. a handle of the host's tree received over a unix socket (SCM_RIGHTS) from a local
#      user: files created or overwritten in the real home, a setuid program planted there
#   7. a kernel without Landlock: the login is refused, confinectl check says so
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
PR=$CONFINE_REPO/tests/vm/progs
GUID=$(id -u guest)
HOSTNS=$(readlink /proc/1/ns/pid)
make_user plain
echo 'plain:plain' | chpasswd
AS_PLAIN="setpriv --reuid=plain --regid=plain --init-groups"
AS_GUEST="setpriv --reuid=guest --regid=guest --init-groups"
wait_for() { for _ in $(seq 150); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
no_sessions() { [ -z "$(ls /run/confine/sessions 2>/dev/null)" ] && ! pgrep -u guest >/dev/null; }
# su_as_plain SU-ARGS...: plain runs su on a pty and types guest's password
su_as_plain() { $AS_PLAIN timeout 300 python3 "$PR/su_pty.py" guest "$@" 2>&1; }

check "a confined login works" su -l guest -c true </dev/null

# --- 1. a read-only fd of a file the user may write ---------------------------------------
# plain can read guest's real home (home 0755, files 0644: useradd's default here) and hands
# su a read-only fd of a file in it. Inside, /proc/self/fd/1 reopens that very inode on the
# host's mount (read-write), not through the sandbox's read-only copy of it.
F=/home/guest/t35-file
echo original >$F && chown guest: $F && chmod 644 $F
assert_eq "$(stat -c %a /home/guest)" 755 "setup: guest's real home is readable by other users"
$AS_GUEST sh -c 'echo reopened >/proc/self/fd/3' 3<$F
assert_eq "$(cat $F)" reopened "control: a read-only fd reopened through /proc/self/fd is writable for the file's owner"
echo original >$F
su -l guest -c "echo direct >$F" </dev/null
assert_eq "$(cat $F)" original "control: inside, writing the file by its path changes only the session's layer"
out=$(su_as_plain --fd1 "ro:$F" -- guest -c 'echo pwned >/proc/self/fd/1; echo RAN-T35 >&2'); rc=$?
assert_ne "$rc" 0 "fd 1 a read-only handle of a file guest may write: the login is refused"
assert_contains "$out" "fd 1 is a file the user owns or may write" "and the message says why"
assert_not_contains "$out" "RAN-T35" "no command ran"
assert_eq "$(cat $F)" original "the real home's file is unchanged"
# A file guest owns but may not write (0444): the owner may fchmod it through a read-only fd,
# on the host's mount, even to a setuid program of guest's for anyone outside to run.
R=/home/guest/t35-readonly
echo original >$R && chown guest: $R && chmod 444 $R
$AS_GUEST python3 -c 'import os; os.fchmod(3, 0o4755)' 3<$R
assert_eq "$(stat -c %a $R)" 4755 "control: the owner sets setuid on its file through a read-only fd"
chmod 444 $R
out=$(su_as_plain --fd1 "ro:$R" -- guest -c 'python3 -c "import os; os.fchmod(1, 0o4755)"; echo RAN-T35 >&2'); rc=$?
assert_ne "$rc" 0 "fd 1 a read-only handle of a 0444 file guest owns: the login is refused"
assert_not_contains "$out" "RAN-T35" "no command ran"
assert_eq "$(stat -c %a $R)" 444 "its mode is unchanged"
out=$(su_as_plain --fd1 ro:/etc/hostname -- guest -c 'echo ran-$(hostname) >&2')
assert_contains "$out" "ran-confine" "fd 1 a read-only handle of a file guest may not write (/etc/hostname): confined login works"
check_fails "the same from root (fd 0 < a file guest may write): refused too (no way to tell who opened it)" \
	su -l guest -c cat <$F
assert_eq "$(su -l guest -c cat 2>&1 < <(cat $F))" original "a pipe of that file's content instead: the login works"
wait_for no_sessions

# --- 2. confine-shell in /etc/shells: su -s --------------------------------------------------
# su honours -s (and -m's SHELL) only for a target whose shell is listed in /etc/shells.
cp /etc/shells /tmp/t35-shells
out=$(su_as_plain -- -s /bin/bash guest -c 'echo host=$(hostname)')
assert_contains "$out" "using restricted shell" "not listed (as shipped): su ignores -s for guest"
assert_contains "$out" "host=confine" "not listed: the login is confined"
wait_for no_sessions
out=$($AS_GUEST timeout 300 python3 "$PR/su_pty.py" plain -- -s /bin/sh plain -c 'echo shell=$0')
assert_contains "$out" "shell=sh" "control: a non-root user's su -s runs another shell for a target whose shell is listed (plain's /bin/bash)"
echo /usr/local/libexec/confine/confine-shell >>/etc/shells
out=$(su_as_plain -- -s /bin/bash guest -c 'echo ran host=$(hostname)'); rc=$?
assert_ne "$rc" 0 "confine-shell listed in /etc/shells: the login is refused"
assert_not_contains "$out" "ran host" "no shell ran (before the measure: an unconfined bash, host=confine-vm)"
assert_contains "$out" "confine-shell is listed in /etc/shells" "and the user is told why"
check_fails "confine-shell listed: plain su -l is refused as well" su -l guest -c true </dev/null
cp /tmp/t35-shells /etc/shells
check "removed again: the login works" su -l guest -c true </dev/null
wait_for no_sessions

# --- 3. /etc/ssh/sshrc ------------------------------------------------------------------------
start_test_sshd guest plain
printf '%s\n' '#!/bin/sh' 'echo "sshrc uid=$(id -u) pidns=$(readlink /proc/self/ns/pid)" >>/tmp/t35-sshrc.out' >/etc/ssh/sshrc
rm -f /tmp/t35-sshrc.out; touch /tmp/t35-sshrc.out; chmod 666 /tmp/t35-sshrc.out
$SSH plain@127.0.0.1 true </dev/null
assert_contains "$(cat /tmp/t35-sshrc.out)" "sshrc uid=$(id -u plain) pidns=$HOSTNS" \
	"control: sshd runs /etc/ssh/sshrc as the user, in the host's namespaces"
out=$($SSH guest@127.0.0.1 'echo RAN-T35' </dev/null 2>&1); rc=$?
assert_ne "$rc" 0 "/etc/ssh/sshrc exists: the confined ssh login is refused"
assert_not_contains "$out" "RAN-T35" "no command ran"
assert_not_contains "$(cat /tmp/t35-sshrc.out)" "uid=$GUID " "sshrc never ran as guest (before the measure: uid=$GUID pidns=$HOSTNS)"
assert_eq "$(su -l guest -c hostname </dev/null 2>&1)" confine "sshrc concerns sshd only: su still works"
rm -f /etc/ssh/sshrc
assert_eq "$($SSH guest@127.0.0.1 hostname </dev/null 2>&1)" confine "without sshrc: the ssh login is confined"
wait_for no_sessions

# --- 4. resource limits before su ---------------------------------------------------------
for lim in nofile=5 nofile=6 nofile=8 fsize=0 nproc=1 as=50000000 stack=100000 cpu=1; do
	out=$(su_as_plain --rlimit $lim -- guest -c 'echo ran host=$(hostname)'); rc=$?
	case "$out" in
	*"ran host=confine-vm"*) not_ok "rlimit $lim: the command ran UNCONFINED" ;;
	*"ran host=confine"*) ok "rlimit $lim: confined" ;;
	*) assert_ne "$rc" 0 "rlimit $lim: refused (exit $rc), nothing ran" ;;
	esac
	wait_for no_sessions || not_ok "rlimit $lim: left $(ls /run/confine/sessions) $(pgrep -u guest -a)"
done

# --- 5. daemons do not outlive the session ----------------------------------------------------
$SSH guest@127.0.0.1 'setsid -f sleep 1000; nohup sleep 1001 >/dev/null 2>&1 & setsid -f sh -c "trap \"\" HUP TERM; sleep 1002"' </dev/null
check "after logout: no process of guest is left (setsid, nohup, ignored SIGHUP/SIGTERM)" wait_for no_sessions
assert_eq "$(pgrep -u guest -a)" "" "none of guest's processes left"
kill "$(cat /run/sshd.pid)"

# --- 6. a directory handle from outside (SCM_RIGHTS) ----------------------------------------
# plain serves an O_PATH handle of guest's real home on a socket in its own home, which the
# sandbox sees (read-only: connecting works all the same). Inside, openat() relative to the
# handle works on the host's mount, read-write, unless Landlock (writes only beneath the
# sandbox's own mounts) and the seccomp rule against setuid modes stop it.
diag "VM kernel $(uname -r), LSMs: $(cat /sys/kernel/security/lsm 2>/dev/null || echo '?')" \
	"Landlock ABI: $(python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))')"
chmod 755 /home/plain
SOCK=/home/plain/t35.sock
$AS_PLAIN python3 "$PR/fdserve.py" $SOCK /home/guest & SERVE=$!
wait_for test -S $SOCK
P=/home/guest/t35-planted
E=/home/guest/t35-existing
fdw() { python3 "$PR/fdwrite.py" path:$SOCK "$@"; }
rm -f $P && echo original >$E && chown guest: $E && chmod 755 $E
# the controls: guest unconfined, the same program, the same handle
assert_eq "$($AS_GUEST python3 "$PR/fdwrite.py" path:$SOCK t35-planted)" fdwrite=ok "control: unconfined guest creates a file through the received handle"
check "control: ... and the file is there, owned by guest" test "$(stat -c %U $P)" = guest
rm -f $P
assert_eq "$($AS_GUEST python3 "$PR/fdwrite.py" path:$SOCK t35-planted proc)" fdwrite=ok "control: ... and through /proc/self/fd/N/"
rm -f $P
assert_eq "$($AS_GUEST python3 "$PR/fdwrite.py" path:$SOCK t35-existing suid)" fdwrite=ok "control: unconfined guest makes its file setuid through the handle"
assert_eq "$(stat -c %a $E)" 4755 "control: ... mode 4755 on the host"
chmod 755 $E
# confined
out=$(su -l guest -c "$(declare -f fdw); SOCK=$SOCK PR=$PR; fdw t35-existing read; fdw t35-planted; fdw t35-planted proc; fdw t35-existing; fdw t35-existing proc; fdw t35-existing suid; echo pwned >t35-home-write; chmod 4755 t35-home-write; echo chmod=\$?" </dev/null 2>&1)
diag "$out"
assert_contains "$out" "fdwrite=ok:original" "confined: the handle arrives (reading through it works)"
check_fails "confined: no file created in the real home through the handle" test -e $P
assert_eq "$(cat $E)" original "confined: the host file is not overwritten (openat, /proc/self/fd/N/)"
assert_eq "$(stat -c %a $E)" 755 "confined: the host file does not become setuid (chmod 4755 through the handle)"
assert_eq "$(grep -cx fdwrite=ok <<<"$out")" 0 "confined: every write and chmod through the handle failed"
assert_contains "$out" "chmod=1" "confined: chmod 4755 of a file in the session home is refused too"
kill $SERVE; wait $SERVE 2>/dev/null
# what a session writes legitimately: its own mounts
out=$(su -l guest -c 'for f in ~/t35-w /tmp/w /var/tmp/w /dev/shm/w /run/user/$(id -u)/w; do echo x >$f && rm $f && echo ok=$f; done; echo x >/dev/null && echo ok=null; echo t35 >/proc/self/comm && echo ok=comm; mkdir ~/d1 ~/d2 && touch ~/d1/f && mv ~/d1/f ~/d2/ && ln ~/d2/f ~/d1/g && rm -r ~/d1 ~/d2 && echo ok=rename' </dev/null 2>&1)
assert_eq "$(grep -c '^ok=' <<<"$out")" 8 "confined: writing the home, /tmp, /var/tmp, /dev/shm, /run/user/UID, /dev/null, /proc/self, renames and links across directories work"
[ "$(grep -c '^ok=' <<<"$out")" = 8 ] || diag "$out"
rm -f $SOCK $E

# --- 7. a kernel without Landlock: fail closed ----------------------------------------------
# progs/nolandlock.c answers landlock_create_ruleset as such a kernel does (ENOSYS: not built
# in; EOPNOTSUPP: not in the LSM list), for su and everything it starts.
cc -O2 -Wall -o /tmp/nolandlock "$PR/nolandlock.c" || die "cannot compile nolandlock.c"
assert_eq "$(su -l guest -c 'echo ran-$(hostname)' </dev/null 2>&1)" ran-confine "control: the login works on this kernel"
assert_not_contains "$(confinectl check 2>&1)" "Landlock" "control: confinectl check has nothing to say about Landlock"
# A profile without limits (limits = "optional", a cgroup_root that is no cgroup2 mount) needs
# Landlock all the same: check must not call it usable.
OPTCONF=/tmp/t35-optional.conf
printf '%s\n' 'cgroup_root = "/tmp/t35-nocg";' 'profiles = { opt = { limits = "optional"; }; };' \
	'rules = ( { user = "nobody-t35"; profile = "opt"; } );' >$OPTCONF
chmod 0600 $OPTCONF
assert_contains "$(confinectl check --config $OPTCONF 2>&1)" "profile opt: usable WITHOUT resource limits" "control: a limits = optional profile on no cgroup2 is usable without limits"
for e in 38 95; do
	out=$(/tmp/nolandlock $e confinectl check --config $OPTCONF 2>&1); rc=$?
	assert_eq "$rc" 3 "no Landlock (errno $e), limits = optional: confinectl check fails (exit 3)"
	assert_contains "$out" "profile opt: NOT usable: this kernel has no Landlock" "no Landlock (errno $e), limits = optional: check says why, not usable WITHOUT limits"
	out=$(/tmp/nolandlock $e su -l guest -c 'echo ran-$(hostname)' </dev/null 2>&1); rc=$?
	assert_ne "$rc" 0 "no Landlock (errno $e): the login is refused"
	assert_not_contains "$out" "ran-" "no Landlock (errno $e): nothing ran"
	assert_contains "$out" "Landlock is not available" "no Landlock (errno $e): the message names Landlock"
	out=$(/tmp/nolandlock $e confinectl check 2>&1); rc=$?
	assert_eq "$rc" 3 "no Landlock (errno $e): confinectl check fails (exit 3)"
	assert_contains "$out" "NOT usable: this kernel has no Landlock" "no Landlock (errno $e): confinectl check says why"
done
wait_for no_sessions || not_ok "no Landlock: sessions left: $(ls /run/confine/sessions)"

# --- the terminal stays writable -------------------------------------------------------------
# The login's pty is on the host's devpts, outside the sandbox's mounts: scripts reopen it as
# /dev/stderr (/proc/self/fd/N) and must still write there. The pty must be the user's own
# (as sshd and login make it): a user runs su to itself on a pty of its own.
TTYCMD='echo reopened >/dev/stderr && echo via-proc >/proc/self/fd/1 && echo tty-done'
out=$($AS_PLAIN timeout 300 python3 "$PR/su_pty.py" plain -- plain -c "$TTYCMD" 2>&1)
assert_contains "$out" "tty-done" "control: unconfined plain on its own pty reopens it (/dev/stderr, /proc/self/fd/1)"
out=$($AS_GUEST timeout 300 python3 "$PR/su_pty.py" guest -- guest -c "$TTYCMD" 2>&1)
assert_contains "$out" "tty-done" "confined on its own pty: /dev/stderr and /proc/self/fd/1 (the login's pty) are writable"
wait_for no_sessions
finish
