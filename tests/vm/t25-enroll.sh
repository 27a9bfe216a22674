#!/bin/bash
# confinectl enroll / unenroll, with and without --profile (issue 3).
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CTL=/usr/local/sbin/confinectl
SHELL_PATH=/usr/local/libexec/confine/confine-shell
# lab's persistent home is an image on a loop device, in state_dir (a tmpfs here).
mkdir -p /var/lib/confine && mount -t tmpfs -o mode=0700 tmpfs /var/lib/confine
modprobe loop
make_user e1
make_user e2
groups_of() { id -nG "$1" | tr ' ' '\n' | grep '^confine' | sort | tr '\n' ' '; }

check "enroll e1 (default profile)" "$CTL" enroll e1
assert_eq "$(groups_of e1)" "confine " "enroll: e1 is in group confine only"
assert_eq "$(getent passwd e1 | cut -d: -f7)" "$SHELL_PATH" "enroll: login shell is confine-shell"
assert_eq "$(su -l e1 -c hostname 2>&1)" confine "enroll: e1's login gets the guest profile"

check "enroll e2 --profile kiosk" "$CTL" enroll --profile kiosk e2
assert_eq "$(groups_of e2)" "confine confine-kiosk " "enroll --profile: e2 is in confine and confine-kiosk"
out=$(su -l e2 -c 'hostname; findmnt -no FSTYPE ~; cat /sys/fs/cgroup/pids.max' 2>&1)
assert_eq "$(echo "$out" | tr '\n' ' ')" "kiosk tmpfs 128 " "enroll --profile kiosk: e2's login gets kiosk"

check "re-enroll e2 --profile lab" "$CTL" enroll --profile lab e2
"$CTL" unenroll e2 >/dev/null && "$CTL" enroll --profile lab e2 >/dev/null
assert_eq "$(groups_of e2)" "confine confine-lab " "unenroll + enroll --profile lab: only confine-lab"
assert_eq "$(su -l e2 -c hostname 2>&1)" lab "enroll --profile lab: e2's login gets lab"

before=$(groups_of e1; getent passwd e1)
err=$("$CTL" enroll --profile nope e1 2>&1); rc=$?
assert_ne "$rc" 0 "enroll --profile with an unknown profile fails"
assert_contains "$err" "no profile named 'nope'" "and names the profile"
cat >/etc/confine/norule.conf <<'CONF'
profiles = { x = { }; y = { }; };
rules = ( { group = "confine"; profile = "y"; } );
CONF
err=$("$CTL" enroll --config /etc/confine/norule.conf --profile x e1 2>&1); rc=$?
assert_ne "$rc" 0 "enroll --profile without a rule for confine-x fails"
assert_contains "$err" '{ group = "confine-x"; profile = "x"; }' "and says which rule to add"
assert_eq "$(groups_of e1; getent passwd e1)" "$before" "a refused enroll changes nothing"
check_fails "a refused enroll creates no group" getent group confine-x

check "unenroll e1" "$CTL" unenroll e1
assert_eq "$(groups_of e1)" "" "unenroll: e1 is in no confine group"
assert_eq "$(getent passwd e1 | cut -d: -f7)" /bin/bash "unenroll: login shell is /bin/bash"
assert_eq "$(su -l e1 -c hostname 2>&1)" confine-vm "unenroll: e1's login is unconfined"
check_fails "root cannot be enrolled" "$CTL" enroll root

# --- fail closed: "is this user confined?" must be answerable (issue 17) ------------------
# A rule naming a group the database cannot resolve (a directory group while the directory is
# down looks the same) refuses the logins it is asked about instead of letting them through
# unconfined; a rule that cannot match (another service) never asks. Control: e1 (not
# enrolled, /bin/bash) logs in unconfined with the shipped rules.
make_user e3
start_syslog /var/log/t25-syslog
assert_eq "$(su -l e1 -c 'echo shell-ran' 2>&1)" shell-ran "fail closed control: e1 logs in (unconfined)"
cp /etc/confine/confine.conf /tmp/confine.conf.orig
sed -i 's/^rules = (/rules = (\n  { group = "ghost-dir-group"; service = "su*"; profile = "guest"; },/' /etc/confine/confine.conf
grep -q ghost-dir-group /etc/confine/confine.conf || die "cannot add the ghost rule"
mark=$(log_mark)
out=$(su -l e1 -c 'echo shell-ran' 2>&1); rc=$?
assert_ne "$rc" 0 "fail closed: a rule naming an unresolvable group refuses e1's su login"
assert_not_contains "$out" "shell-ran" "fail closed: e1's shell never ran"
assert_contains "$out" "group database cannot say whether e1 is confined" "fail closed: the user is told why"
assert_log "$mark" "fail closed: one log line names the user, the rule and the group" \
	"refusing the session of 'e1'" "confine.conf:" "group 'ghost-dir-group'"
out=$("$CTL" check 2>&1); rc=$?
assert_ne "$rc" 0 "confinectl check fails with an unresolvable rule group"
assert_contains "$out" "group 'ghost-dir-group' cannot be resolved" "confinectl check names the group"
sed -i 's/service = "su\*"/service = "sshd"/' /etc/confine/confine.conf
assert_eq "$(su -l e1 -c 'echo shell-ran' 2>&1)" shell-ran "fail closed: an sshd-only rule's group is not asked for su"
cp /tmp/confine.conf.orig /etc/confine/confine.conf

# An account whose login shell is confine-shell but whom no rule matches: refused at session
# open with a clear message (before: confine-shell failed, finding no session).
usermod -s "$SHELL_PATH" e3
out=$(su -l e3 -c 'echo shell-ran' 2>&1); rc=$?
assert_ne "$rc" 0 "confine-shell without a rule: the login is refused"
assert_contains "$out" "no confinement rule matches e3" "confine-shell without a rule: told why"
usermod -s /bin/bash e3
assert_eq "$(su -l e3 -c 'echo shell-ran' 2>&1)" shell-ran "e3 with /bin/bash and no rule logs in (unconfined)"
kill "$SYSLOGD"

# --- directory users (issue 17) -----------------------------------------------------------
# A user database other than the local files, as SSSD/LDAP/winbind are to glibc: the test NSS
# module tests/vm/nss_fakedir.c (entries in /run/fakedir/{passwd,group}; "down" while
# /run/fakedir/down exists), after files in nsswitch.conf. enroll must refuse its users (they
# are not in /etc/passwd) and print the recipe, and never create a local group that would
# shadow one of its groups, nor one whose name it cannot check because the directory is down.
cc -O2 -Wall -shared -fPIC -o /lib/x86_64-linux-gnu/libnss_fakedir.so.2 \
	"$CONFINE_REPO/tests/vm/nss_fakedir.c" || die "cannot build the test NSS module"
mkdir -p /run/fakedir
echo "dir1:x:5001:5001:Directory User:/home/dir1:/bin/bash" >/run/fakedir/passwd
printf 'dirusers:x:5001:\nconfine-dgrp:x:5002:dir1\nconfine-dgone:x:5003:\n' >/run/fakedir/group
sed -i 's/^\(passwd\|group\):\( *\)files/\1:\2files fakedir/' /etc/nsswitch.conf
assert_eq "$(getent passwd dir1 | cut -d: -f3)" 5001 "directory user: NSS resolves dir1 (control)"
assert_eq "$(getent group confine-dgrp | cut -d: -f3)" 5002 "directory group: NSS resolves it (control)"
snap_db() { md5sum /etc/passwd /etc/group /etc/shadow /etc/gshadow; }
db_before=$(snap_db)
out=$("$CTL" enroll dir1 2>&1); rc=$?
assert_ne "$rc" 0 "enroll of a directory user fails"
assert_contains "$out" "'dir1' is not a local account" "enroll says the user is not local"
assert_contains "$out" "override_shell = $SHELL_PATH" "enroll prints the directory-user recipe"
assert_eq "$(snap_db)" "$db_before" "a refused directory user: no local file changed"
# A directory group named like the group enroll --profile would create: never shadowed.
cat >/etc/confine/dgrp.conf <<'CONF'
profiles = { dgrp = { }; dgone = { }; };
rules = ( { group = "confine-dgrp"; profile = "dgrp"; },
          { group = "confine-dgone"; profile = "dgone"; } );
CONF
out=$("$CTL" enroll --config /etc/confine/dgrp.conf --profile dgrp e3 2>&1); rc=$?
assert_ne "$rc" 0 "enroll --profile refuses to create a group that shadows a directory group"
assert_contains "$out" "group 'confine-dgrp' (gid 5002) is not in /etc/group: it comes from a directory" \
	"and says which group and why"
assert_eq "$(snap_db)" "$db_before" "the refused enroll changed no local file"
# The directory down: the group cannot be looked up, so it cannot be ruled out either.
: >/run/fakedir/down
check_fails "directory down: NSS no longer resolves confine-dgone" getent group confine-dgone
out=$("$CTL" enroll --config /etc/confine/dgrp.conf --profile dgone e3 2>&1); rc=$?
assert_ne "$rc" 0 "directory down: enroll --profile refuses to create the group"
assert_contains "$out" "NSS source 'fakedir' cannot answer now" "directory down: enroll says why"
assert_eq "$(snap_db)" "$db_before" "directory down: no local group created, nothing changed"
rm /run/fakedir/down

# --- confinectl check --user: what a login would get (issue 17) ----------------------------
# dir1 comes from the directory (fakedir), member of confine-dgrp there; its shell is set the
# way SSSD's override_shell would, by the directory side (the fakedir file).
mkdir -p /home/dir1 && chown 5001:5001 /home/dir1 && chmod 0700 /home/dir1
out=$("$CTL" check --config /etc/confine/dgrp.conf --user dir1 2>&1); rc=$?
assert_eq "$rc" 3 "check --user: a matched directory user without confine-shell: exit 3"
assert_line "$out" "groups: dirusers confine-dgrp" "check --user: the directory groups, resolved"
assert_line "$out" "rule groups: all resolved" "check --user: every rule group resolved"
assert_line "$out" "shell: /bin/bash (not confine-shell)" "check --user: the passwd shell"
assert_line "$out" "rule: /etc/confine/dgrp.conf:2 -> profile dgrp" "check --user: the matched rule"
assert_line "$out" "result: refused: its login shell is '/bin/bash', not confine-shell" \
	"check --user: refused without confine-shell, as a login would be"
sed -i "s#:/bin/bash\$#:$SHELL_PATH#" /run/fakedir/passwd
out=$("$CTL" check --config /etc/confine/dgrp.conf --user dir1 --service su 2>&1); rc=$?
assert_eq "$rc" 0 "check --user: dir1 with confine-shell from the directory: exit 0"
assert_line "$out" "shell: $SHELL_PATH (confine-shell)" "check --user: confine-shell recognised"
assert_line "$out" "result: confined (profile dgrp)" "check --user: confined, profile dgrp"
assert_line "$out" "home: /home/dir1 ($(stat -f -c %T /home/dir1 | sed 's/overlayfs/overlay/'))" \
	"check --user: the home and its file system type"
assert_line "$out" "home mode: ephemeral: can serve this home" "check --user: the home mode serves it"
out=$("$CTL" check --config /etc/confine/dgrp.conf --user dir1 --service cron 2>&1); rc=$?
assert_eq "$rc" 3 "check --user --service cron: exit 3"
assert_line "$out" "result: refused: PAM service 'cron' is not in profiles.dgrp.services" \
	"check --user: a service outside the profile's services is refused"
# The directory down: e3 (local) asks a rule whose group is the directory's.
: >/run/fakedir/down
out=$("$CTL" check --config /etc/confine/dgrp.conf --user e3 2>&1); rc=$?
assert_eq "$rc" 3 "check --user, directory down: exit 3"
assert_contains "$out" "'confine-dgrp' cannot be resolved" "check --user: names the unresolvable group"
assert_line "$out" "rule groups: NOT all resolved (logins asking them are refused)" \
	"check --user: says not every rule group resolved"
assert_contains "$out" "result: refused: the rule names group 'confine-dgrp'" \
	"check --user: the login would be refused (fail closed)"
rm /run/fakedir/down
out=$("$CTL" check --user e3 2>&1); rc=$?
assert_eq "$rc" 0 "check --user: an unconfined local user: exit 0"
assert_line "$out" "result: not confined (no rule matches)" "check --user: not confined"
out=$("$CTL" check --user nosuchuser 2>&1); rc=$?
assert_eq "$rc" 2 "check --user: no such user: exit 2"

# --- sshd: what sshd itself would serve a confined account ------------------------------
# Forwarding and internal-sftp run inside sshd for the user, in the host's namespaces, and
# never run the login shell: only sshd's configuration refuses them. `confinectl check`
# audits it with sshd -T; each control below shows the finding is a real way around the
# sandbox, through an sshd on the system's own configuration.
mkdir -p /run/sshd # sshd -T needs its privilege separation directory, as a running sshd has
start_test_sshd guest >/dev/null
SYS_SSHD=(/usr/sbin/sshd -f /etc/ssh/sshd_config -o Port=2223 -o ListenAddress=127.0.0.1
	-o HostKey=/tmp/hostkey -o PidFile=/run/sshd-t25.pid -E /tmp/sshd-t25.log)
SSH3=${SSH/-p 2222/-p 2223}
OVR=/etc/ssh/sshd_config.d/00-t25.conf # read before confine.conf: its values come first
sys_sshd() { # (re)start the system-config sshd with what OVR says now
	[ -e /run/sshd-t25.pid ] && kill "$(cat /run/sshd-t25.pid)" 2>/dev/null && sleep 0.5
	"${SYS_SSHD[@]}" || die "sshd (system config) did not start"
}

out=$("$CTL" check --user guest --service sshd 2>&1); rc=$?
assert_eq "$rc" 0 "sshd audit, the shipped Match block: check --user exit 0"
assert_line "$out" "sshd: no forwarding, tunnel, chroot or internal-sftp (as from 127.0.0.1)" \
	"sshd audit: nothing served outside the sandbox"
out=$("$CTL" check 2>&1); rc=$?
assert_eq "$rc" 0 "sshd audit, the shipped Match block: check exit 0"
assert_line "$out" "# sshd: guest: no forwarding, tunnel, chroot or internal-sftp (as from 127.0.0.1)" \
	"sshd audit: check audits guest (a member of the rule group confine)"

# A Match block read before confine's gives guest TCP forwarding back.
printf 'Match User guest\n\tDisableForwarding no\n\tAllowTcpForwarding yes\n' >"$OVR"
sys_sshd
python3 -c 'import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 2260)); s.listen(4)
while True:
    c, _ = s.accept(); c.sendall(b"host-only service\n"); c.close()' &
LISTENER=$!
timeout 30 $SSH3 -o ExitOnForwardFailure=yes -L 2261:127.0.0.1:2260 guest@127.0.0.1 sleep 8 </dev/null &
FWD=$!
got=""
for _ in $(seq 40); do
	got=$(timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/2261 && head -1 <&3' 2>/dev/null) && [ -n "$got" ] && break
	sleep 0.5
done
assert_eq "$got" "host-only service" \
	"control: with AllowTcpForwarding for guest, ssh -L reaches a host-only listener (net = none notwithstanding)"
kill "$FWD" "$LISTENER" 2>/dev/null; wait "$FWD" "$LISTENER" 2>/dev/null
out=$("$CTL" check --user guest --service sshd 2>&1); rc=$?
assert_eq "$rc" 3 "sshd audit, forwarding on: check --user exit 3"
assert_line "$out" "sshd: AllowTcpForwarding yes: ssh -L, -R and -D connect and listen in the host's network namespace (the profile's net setting does not apply)" \
	"sshd audit: names AllowTcpForwarding and why"
assert_contains "$out" "sshd: NOT confined on ssh" "sshd audit: the verdict"
assert_not_contains "$out" "X11Forwarding" "sshd audit: the snippet's other settings still hold"
out=$("$CTL" check 2>&1); rc=$?
assert_eq "$rc" 3 "sshd audit, forwarding on: check exit 3"
assert_contains "$out" "# sshd: guest: AllowTcpForwarding yes" "sshd audit: check names the account"
out=$("$CTL" check --user guest --service login 2>&1); rc=$?
assert_eq "$rc" 0 "sshd audit: a login through another service is not audited"

# A key line with command="internal-sftp" in guest's authorized_keys (the review's F7: one
# that was there before the account was enrolled); t36 shows what it gives.
cp -p /home/guest/.ssh/authorized_keys /tmp/t25-keys
sed -i '1s/^/no-pty,command="internal-sftp -u 077" /' /home/guest/.ssh/authorized_keys
rm -f "$OVR"
out=$("$CTL" check --user guest --service sshd 2>&1); rc=$?
assert_eq "$rc" 3 "sshd audit, a key line with command=internal-sftp: exit 3"
assert_line "$out" "sshd: /home/guest/.ssh/authorized_keys:1: a key with command=\"internal-sftp\": sshd serves that key's sftp itself, outside the sandbox" \
	"sshd audit: names the key file and line"
assert_contains "$("$CTL" check 2>&1)" "# sshd: guest: /home/guest/.ssh/authorized_keys:1: a key" \
	"sshd audit: check names it too"
cp -p /tmp/t25-keys /home/guest/.ssh/authorized_keys
out=$("$CTL" check --user guest --service sshd 2>&1); rc=$?
assert_eq "$rc" 0 "sshd audit: the key line without the option: exit 0"

# enroll says so when sshd would serve the new account outside the sandbox.
make_user e5
make_user e6
printf 'Match User e5\n\tDisableForwarding no\n\tAllowStreamLocalForwarding yes\n' >"$OVR"
err=$("$CTL" enroll e5 2>&1 >/dev/null); rc=$?
assert_eq "$rc" 0 "enroll e5: enrolled all the same"
assert_line "$err" "confinectl: warning: sshd: AllowStreamLocalForwarding yes: ssh -L and -R with a socket path reach the host's Unix sockets" \
	"enroll: warns that sshd serves e5's socket forwarding outside the sandbox"
err=$("$CTL" enroll e6 2>&1 >/dev/null)
assert_eq "$err" "" "enroll e6 (the Match block applies): no warning"

# internal-sftp: sftp served by sshd itself, as guest, on the real home.
printf 'Subsystem t25sftp internal-sftp\n' >"$OVR"
sys_sshd
rm -f /home/guest/t25-sftp.txt
echo "written through internal-sftp" >/tmp/t25-sftp.txt; chmod 644 /tmp/t25-sftp.txt
timeout 60 sftp -F /dev/null -i /tmp/clientkey -P 2223 -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -s t25sftp -b - \
	guest@127.0.0.1 >/dev/null 2>&1 <<<"put /tmp/t25-sftp.txt /home/guest/t25-sftp.txt"
assert_eq "$(cat /home/guest/t25-sftp.txt 2>&1)" "written through internal-sftp" \
	"control: an internal-sftp subsystem writes guest's real home"
rm -f /home/guest/t25-sftp.txt
out=$("$CTL" check --user guest --service sshd 2>&1); rc=$?
assert_eq "$rc" 3 "sshd audit, internal-sftp: exit 3"
assert_line "$out" "sshd: Subsystem t25sftp internal-sftp: sshd serves it itself, on the real home" \
	"sshd audit: names the internal-sftp subsystem"
printf 'Match User guest\n\tForceCommand internal-sftp -u 077\n\tChrootDirectory /srv\n' >"$OVR"
out=$("$CTL" check --user guest --service sshd 2>&1); rc=$?
assert_eq "$rc" 3 "sshd audit, ForceCommand and ChrootDirectory: exit 3"
assert_line "$out" "sshd: ForceCommand internal-sftp -u 077: sshd serves sftp itself, on the real home" \
	"sshd audit: names ForceCommand internal-sftp"
assert_line "$out" "sshd: ChrootDirectory /srv: sshd runs the login shell of the chroot, not confine-shell" \
	"sshd audit: names ChrootDirectory"
# (The review's F1) a tab after internal-sftp: sshd takes it as internal-sftp too.
printf 'Match User guest\n\tForceCommand internal-sftp\t-u 077\n' >"$OVR"
out=$("$CTL" check --user guest --service sshd 2>&1); rc=$?
assert_eq "$rc" 3 "sshd audit, ForceCommand internal-sftp<TAB>...: exit 3"
assert_contains "$out" "sshd: ForceCommand internal-sftp" "sshd audit: internal-sftp followed by a tab is named"
# (F3, F4) accounts no rule names by user or supplementary group are audited too: a uid
# range, and a group that is guest's primary group only.
printf 'Match User guest\n\tDisableForwarding no\n\tAllowTcpForwarding yes\n' >"$OVR"
GUID=$(id -u guest)
for rule in "uid = \"$GUID-$GUID\";" 'group = "guest";'; do
	sed "/^rules = (/,\$d" /etc/confine/confine.conf >/etc/confine/t25r.conf
	echo "rules = ( { $rule profile = \"guest\"; } );" >>/etc/confine/t25r.conf
	out=$("$CTL" check --config /etc/confine/t25r.conf 2>&1); rc=$?
	assert_eq "$rc" 3 "sshd audit, a rule with $rule: check exit 3"
	assert_contains "$out" "# sshd: guest: AllowTcpForwarding yes" "sshd audit, a rule with $rule: guest is audited"
done
# (F2) the port's Match blocks are evaluated (lport), and an audit sshd cannot answer is a problem.
# sshd's only port is 2224 here; a Match LocalPort 2224 block gives guest forwarding (the
# review of the fixes: the first version took the port from a run that such a block fails).
printf 'Port 2224\nMatch LocalPort 2224\n\tDisableForwarding no\n\tAllowTcpForwarding yes\n' >"$OVR"
out=$("$CTL" check --user guest --service sshd 2>&1); rc=$?
assert_eq "$rc" 3 "sshd audit, forwarding in a Match LocalPort block of sshd's port: exit 3"
assert_contains "$out" "sshd: AllowTcpForwarding yes" "sshd audit: the LocalPort block is evaluated"
printf 'Port 22\nPort 2224\nMatch LocalPort 2224\n\tDisableForwarding no\n\tAllowTcpForwarding yes\n' >"$OVR"
out=$("$CTL" check --user guest --service sshd 2>&1); rc=$?
assert_eq "$rc" 3 "sshd audit, two ports, forwarding on the second: exit 3"
assert_line "$out" "sshd: port 2224: AllowTcpForwarding yes: ssh -L, -R and -D connect and listen in the host's network namespace (the profile's net setting does not apply)" \
	"sshd audit: each port audited, the finding named with its port"
assert_not_contains "$out" "port 22: " "sshd audit: nothing on port 22"
rm -f "$OVR"
kill "$(cat /run/sshd-t25.pid)" 2>/dev/null
pkill -f "sshd -f /tmp/sshd_config"
# sshd -T fails without its privilege separation directory (no sshd running).
mv /run/sshd /run/sshd.t25
out=$("$CTL" check --user guest --service sshd 2>&1); rc=$?
assert_eq "$rc" 3 "sshd audit, sshd -T cannot answer (no /run/sshd): exit 3"
assert_contains "$out" "so it is NOT audited: Missing privilege separation directory" \
	"sshd audit: says the account is not audited, and why"
out=$("$CTL" check 2>&1); rc=$?
assert_eq "$rc" 3 "sshd audit, sshd -T cannot answer: check exit 3"
make_user e7
err=$("$CTL" enroll e7 2>&1 >/dev/null)
assert_contains "$err" "confinectl: warning: sshd: " "enroll: warns when sshd cannot say"
mv /run/sshd.t25 /run/sshd
out=$("$CTL" check --user guest --service sshd 2>&1); rc=$?
assert_eq "$rc" 0 "sshd audit: the override gone, exit 0 again"
