#!/bin/bash
# tools/deps.sh on a machine that matters (issue 11), continued from t66: an admin's own
# policy-rc.d that allows starts is set aside while apt runs and put back as it was, and a
# change of the init system is refused.
# In the systemd VM (systemd as PID 1, like a fresh Debian 12), with openssh-server -- one of
# the test dependencies, and one that ships a service -- purged first and its .deb in apt's
# cache (the VM has no network: `make vm-debs` downloaded it on the host). Run it last in its VM:
# the end takes systemd-sysv away.
. "$(dirname "$0")/lib-deps.sh"

# An admin's own policy-rc.d that allows starts: set aside while apt runs, then put back.
fresh
printf '#!/bin/sh\n# the admin'"'"'s own\nexit 0\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d
sum=$(sha256sum /usr/sbin/policy-rc.d)
$DEPS openssh-server >/tmp/deps.log 2>&1; rc=$?
assert_eq "$rc" 0 "deps with an admin's policy-rc.d"
assert_eq "$(sshd_state)" "inactive disabled 0" "deps: sshd not started despite the admin's permissive policy-rc.d"
assert_eq "$(sha256sum /usr/sbin/policy-rc.d 2>&1)" "$sum" "deps: the admin's policy-rc.d is back, byte-identical"
rm /usr/sbin/policy-rc.d

# The init system: a package that would replace it is refused, so is one that would add
# /sbin/init where no init package is installed; nothing changes.
out=$($DEPS --dry-run sysvinit-core 2>&1); rc=$?
assert_eq "$rc" 1 "deps refuses sysvinit-core"
assert_contains "$out" "would remove" "it would remove packages"
assert_contains "$out" "systemd-sysv" "systemd-sysv among them"
init0=$(readlink /sbin/init)
dpkg --purge --force-depends --force-remove-protected --force-remove-essential systemd-sysv >/dev/null 2>&1
check_fails "(set-up: no init package installed)" test -e /sbin/init
out=$($DEPS systemd-vm 2>&1); rc=$?
assert_eq "$rc" 1 "deps refuses to install systemd-sysv where no init package is"
assert_contains "$out" "provides /sbin/init" "and says why"
check_fails "nothing was installed: still no /sbin/init" test -e /sbin/init
diag "(the host's /sbin/init was $init0)"
