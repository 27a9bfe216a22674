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
