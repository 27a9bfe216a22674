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
