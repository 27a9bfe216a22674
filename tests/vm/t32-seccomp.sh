#!/bin/bash
# The seccomp filter in a real confined login (security issue, item 5): the login's program
# runs under a filter (Seccomp: 2) and a probe (progs/seccomp_probe.c) is refused io_uring,
# keyrings, eBPF, perf events, userfaultfd, AF_VSOCK, personality(ADDR_NO_RANDOMIZE) and
# clone3, while threads still start. Each call is first made by an unconfined user (the
# control): where the kernel refuses it there already, the check is skipped, not passed.
# Every rule is tested one by one, with controls, in tests/unit/test_seccomp.c.
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"

P=/usr/local/lib/confine-test
mkdir -p "$P"
cc -O2 -Wall -o "$P/seccomp_probe" "$CONFINE_REPO/tests/vm/progs/seccomp_probe.c" ||
	die "cannot compile the probe"
make_user plain
# val KEY OUTPUT: the value of the first "KEY=value" line of OUTPUT
val() { printf '%s\n' "$2" | sed -n "s/^$1=//p" | head -1; }

outside=$(setpriv --reuid=plain --regid=plain --init-groups "$P/seccomp_probe" 2>&1)
diag "outside, as the unconfined user plain:" $outside
inside=$(timeout 300 su -l guest -c "$P/seccomp_probe" </dev/null 2>&1)
diag "inside, in a confined login of guest:" $inside

assert_eq "$(val seccomp "$outside")" 0 "control: no seccomp filter outside"
assert_eq "$(val seccomp "$inside")" 2 "inside: the program runs under a seccomp filter (Seccomp: 2)"

# NAME:ERRNO -- refused with ERRNO inside, and not refused with it outside (the control)
for spec in io_uring_setup:EPERM keyctl:EPERM bpf:EPERM perf_event_open:EPERM \
	userfaultfd:EPERM vsock:EAFNOSUPPORT vsock_badtype:EAFNOSUPPORT \
	personality:EPERM clone3:ENOSYS; do
	name=${spec%%:*} want=${spec#*:}
	o=$(val "$name" "$outside")
	i=$(val "$name" "$inside")
	if [ -z "$o" ] || [ "$o" = "$want" ]; then
		skip "$name: outside gives '$o' already: no control"
		continue
	fi
	assert_eq "$i" "$want" "$name: $o outside the sandbox, $want inside"
done
assert_eq "$(val thread "$outside")" ok "control: threads start outside"
assert_eq "$(val thread "$inside")" ok "inside: threads still start (clone3 gets ENOSYS, glibc falls back to clone)"
