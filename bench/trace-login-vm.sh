#!/bin/bash
# Per-phase trace of one confined login's open and close (issue 14), INSIDE the test VM:
#   bash tests/vm/run-vm.sh --keep-log DIR bench/trace-login-vm.sh
# strace -f -ttt of `su -l guest -c true` (after two untimed warm-ups), kept whole in the
# log between the "trace-begin"/"trace-end" lines; bench/phases.sh turns it into the table.
# Tracing inflates every syscall (more under TCG): read the shares, not the absolute times.
. "$(dirname "$0")/../tests/vm/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
command -v strace >/dev/null || skip_all "strace missing"
su -l guest -c true; su -l guest -c true
for i in 1 2 3; do
	strace -f -ttt -s 64 -o /tmp/login.st su -l guest -c true
	echo "trace-begin $i"
	cat /tmp/login.st
	echo "trace-end $i"
done
exit 0
