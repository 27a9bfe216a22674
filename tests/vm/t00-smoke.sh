#!/bin/bash
# Smoke test for the VM harness itself: checks the guest environment that
# confine's tests rely on.
. "$(dirname "$0")/lib.sh"
require_vm

assert_eq "$(id -u)" 0 "running as root"
assert_eq "$(hostname)" confine-vm "hostname is confine-vm"

# --- cgroup v2 ---
assert_eq "$(stat -f -c %T /sys/fs/cgroup)" cgroup2fs "cgroup2 mounted at /sys/fs/cgroup"
assert_eq "$(awk '$5 == "/sys/fs/cgroup"' /proc/self/mountinfo | wc -l)" 1 "exactly one mount at /sys/fs/cgroup"
assert_eq "$(grep -c ' cgroup ' /proc/self/mounts)" 0 "no cgroup v1 hierarchies mounted"
ctrl=$(cat /sys/fs/cgroup/cgroup.controllers)
for c in memory cpu pids io; do
	assert_contains " $ctrl " " $c " "cgroup.controllers has $c"
done
cg=/sys/fs/cgroup/confine-smoke.$$
if check "can create a child cgroup" mkdir "$cg"; then
	check "can enable +memory +pids in subtree_control" sh -c 'echo "+memory +pids" > /sys/fs/cgroup/cgroup.subtree_control'
	assert_contains "$(cat "$cg/cgroup.controllers")" memory "child cgroup has memory controller"
	rmdir "$cg"
fi

# --- overlayfs ---
modprobe overlay 2>/dev/null
assert_contains "$(cat /proc/filesystems)" overlay "overlay in /proc/filesystems"
d=$(mktemp -d)
mkdir -p "$d"/{lower,upper,work,merged}
echo lower >"$d/lower/f"
if check "overlay mount works" mount -t overlay overlay -o "lowerdir=$d/lower,upperdir=$d/upper,workdir=$d/work" "$d/merged"; then
	echo upper >"$d/merged/f"
	assert_eq "$(cat "$d/merged/f")" upper "write through overlay visible"
	assert_eq "$(cat "$d/lower/f")" lower "lower layer untouched"
	assert_eq "$(cat "$d/upper/f")" upper "write landed in upper layer"
	umount "$d/merged"
fi
rm -rf "$d"

# --- modules of the guest kernel are loadable ---
check "modprobe loop works" modprobe loop
check "modprobe veth works" modprobe veth

# --- namespaces ---
check "unshare -Ur true (user namespace)" unshare -Ur true
assert_eq "$(unshare -Ur id -u)" 0 "uid 0 inside user namespace"
check "unshare -m -p -f --mount-proc true" unshare -mpf --mount-proc true
check "unshare -n true (net namespace)" unshare -n true

# --- filesystem environment ---
assert_eq "$(stat -f -c %T /tmp)" tmpfs "/tmp is tmpfs"
check "/dev/null writable" sh -c 'echo x > /dev/null'
check "/dev/ptmx usable" test -c /dev/pts/ptmx
check "repo visible at CONFINE_REPO" test -f "$CONFINE_REPO/tests/vm/lib.sh"
check "writing /etc works (overlay, discarded at power-off)" sh -c 'echo "# confine-vm smoke" >> /etc/motd'

# --- lib.sh helpers ---
make_user confine-smoke-user
assert_eq "$(id -un confine-smoke-user)" confine-smoke-user "make_user creates user"
check "make_user creates home dir" test -d ~confine-smoke-user
assert_eq "$(su -s /bin/sh -c 'id -u' confine-smoke-user)" "$(id -u confine-smoke-user)" "can run as the new user"

# a deliberately failing assertion must make a script fail
out=$(bash -c ". '$CONFINE_REPO/tests/vm/lib.sh'; assert_eq 1 1 good; assert_eq 1 2 deliberately-bad; ok after" 2>&1)
rc=$?
assert_eq "$rc" 1 "script with a failing assertion exits 1"
assert_contains "$out" "not ok 2 - deliberately-bad" "failing assertion reported as not ok"
out=$(bash -c ". '$CONFINE_REPO/tests/vm/lib.sh'; assert_eq 1 1 good; check 'true works' true" 2>&1)
assert_eq "$?" 0 "script with only passing assertions exits 0"
bash -c ". '$CONFINE_REPO/tests/vm/lib.sh'; skip_all because" >/dev/null 2>&1
assert_eq "$?" 77 "skip_all exits 77"
bash -c ". '$CONFINE_REPO/tests/vm/lib.sh'; die boom; ok unreachable" >/dev/null 2>&1
assert_eq "$?" 1 "die exits 1"
