#!/bin/bash
# tools/deps.sh (make deps, and make check / make try when something is missing) on a
# machine that matters (issue 11): what it installs starts no service and enables none at
# boot, and without root it only names what to install. (t67: an admin's policy-rc.d, the
# init system.)
# In the systemd VM (systemd as PID 1, like a fresh Debian 12), with openssh-server -- one of
# the test dependencies, and one that ships a service -- purged first and its .deb in apt's
# cache (the VM has no network: `make vm-debs` downloaded it on the host).
. "$(dirname "$0")/lib-deps.sh"

# The control: a plain apt-get install starts sshd now and at every boot.
fresh
assert_eq "$(sshd_state)" "inactive none 0" "control: after the purge no sshd, no unit"
apt-get install -y -q --no-install-recommends openssh-server >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; die "apt-get install failed"; }
assert_eq "$(sshd_state)" "active enabled 1" "control: apt-get install starts sshd and enables it at boot"

# Not root: nothing installed, the packages named.
fresh
links0=$(boot_links)
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups $DEPS vm 2>&1); rc=$?
assert_eq "$rc" 1 "not root: deps fails"
assert_contains "$out" "apt-get install --no-install-recommends openssh-server" "not root: it names the missing package and the command"
check_fails "not root: nothing installed" dpkg -s openssh-server

# As root: installed, not started, not enabled, no policy-rc.d left behind.
out=$($DEPS vm 2>&1); rc=$?
printf '#   %s\n' "$out" | tail -n 8
assert_eq "$rc" 0 "tools/deps.sh vm installs what is missing"
assert_eq "$(dpkg-query -W -f='${Status}' openssh-server)" "install ok installed" "openssh-server is installed"
assert_eq "$(sshd_state)" "inactive disabled 0" "deps: sshd not started, and not enabled at boot"
assert_eq "$(boot_links)" "$links0" "deps: nothing more starts at boot than before"
assert_contains "$out" "disabling" "deps: says what it disabled"
check_fails "deps: its policy-rc.d is gone again" test -e /usr/sbin/policy-rc.d
out=$($DEPS vm 2>&1); rc=$?
assert_eq "$rc:$out" "0:" "deps with nothing missing: silent, no apt run"

