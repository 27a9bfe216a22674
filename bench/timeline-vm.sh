#!/bin/bash
# Untraced timelines of a confined login and of `confinectl run` against their baselines, INSIDE
# the test VM (issue 14):   bash tests/vm/run-vm.sh --keep-log DIR bench/timeline-vm.sh
# ftrace's sched events (fork, exec, exit) and a few syscall events (unshare, mounts, rmdir,
# clone3, execve) cost microseconds each, unlike strace's stop per syscall, so the gaps
# between events are the real (TCG) times of each phase. Prints, per run, one line per event:
# milliseconds since the run's first fork, and the event.
# Runs: su -l plain / su -l guest (both through pam_confine; plain is not confined), then
# confinectl run --profile guest ... /bin/true / bwrap, three of each, alternating, after
# two untimed warm-ups. The guest profile's cpu_quota is lifted to 100% first (as
# bench/vm-bench.sh does: under TCG the shipped 50% throttles the setup).
. "$(dirname "$0")/../tests/vm/lib.sh"
require_vm
trap - EXIT
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
id plain >/dev/null 2>&1 || useradd --create-home --shell /bin/bash --user-group plain
sed -i -E '0,/^([[:space:]]*)cpu_quota = "50%";/s//\1cpu_quota = "100%";/' /etc/confine/confine.conf
T=/sys/kernel/tracing
mountpoint -q $T || mount -t tracefs none $T
echo 8192 >$T/buffer_size_kb
for e in sched/sched_process_fork sched/sched_process_exec sched/sched_process_exit \
	syscalls/sys_enter_unshare syscalls/sys_exit_unshare syscalls/sys_enter_clone3 \
	syscalls/sys_enter_fsmount syscalls/sys_enter_move_mount syscalls/sys_enter_mount \
	syscalls/sys_enter_umount syscalls/sys_exit_umount syscalls/sys_enter_rmdir \
	syscalls/sys_enter_pivot_root syscalls/sys_enter_execve; do
	echo 1 >$T/events/$e/enable 2>/dev/null || echo "# no event $e"
done
BWRAP="bwrap --unshare-all --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp /bin/true"
RUN="confinectl run --profile guest --user guest -- /bin/true"
LOGIN_PLAIN="su -l plain -c true" LOGIN_GUEST="su -l guest -c true"
# timeline NAME CMD: one traced run of CMD, its events relative to the first
timeline() {
	local a b
	echo >$T/trace
	echo 1 >$T/tracing_on
	a=${EPOCHREALTIME/./}
	bash -c "$2" </dev/null >/dev/null 2>&1
	b=${EPOCHREALTIME/./}
	echo 0 >$T/tracing_on
	echo "timeline $1: $((b - a)) us"
	grep -v '^#' $T/trace | sed -E 's/^ +//' | awk '{
		ts = $4; sub(":", "", ts); if (t0 == "") t0 = ts
		printf "  %8.1f %s\n", (ts - t0) * 1000, substr($0, index($0, $5), 120) }'
}
for c in "$LOGIN_PLAIN" "$LOGIN_GUEST" "$RUN" "$BWRAP"; do bash -c "$c" </dev/null >/dev/null 2>&1; bash -c "$c" </dev/null >/dev/null 2>&1; done
for i in 1 2 3; do
	timeline "login-plain-$i" "$LOGIN_PLAIN"
	timeline "login-guest-$i" "$LOGIN_GUEST"
done
for i in 1 2 3; do
	timeline "run-$i" "$RUN"
	timeline "bwrap-$i" "$BWRAP"
done
exit 0
