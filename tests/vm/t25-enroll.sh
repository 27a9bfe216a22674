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
