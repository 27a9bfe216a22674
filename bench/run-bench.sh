#!/bin/bash
# Host side of the confine benchmarks: builds, boots the throwaway VM (tests/vm/run-vm.sh)
# with bench/vm-bench.sh and prints the results. Needs root, like the VM tests. Two VMs,
# one after the other: the plain one (guest-init as PID 1, the cgroupfs backend) for every
# goal, then one with systemd as PID 1 (CONFINE_VM_INIT=systemd: the systemd backend) for
# login and ssh, whose goals carry the suffix "-systemd".
#
# usage: bench/run-bench.sh [--keep-log DIR] [--full]
#   --keep-log DIR  the VMs' results (logs, console) in DIR/plain and DIR/systemd
#   --full          print the whole benchmark logs (samples, pids, Pss per process)
# Environment: BENCH_VMS (default "plain systemd"), BENCH_ONLY (the plain VM's goals,
# default all), BENCH_SYSTEMD_ONLY (the systemd VM's, default: login and ssh, those of them
# in BENCH_ONLY when it is set), passed on into the VM: BENCH_N BENCH_PROCS BENCH_SESSIONS BENCH_WARMUP
# BENCH_FLAT_LEVELS BENCH_FLAT_MINMEM BENCH_REPS (see bench/vm-bench.sh). With login among
# the goals, the same login is then measured natively (bench/native-login.sh, host untouched:
# a private mount namespace) beside the VM's figures, for information: BENCH_NATIVE_N pairs
# (default 200), or none with BENCH_NATIVE_N=0.
# CONFINE_VM_TIMEOUT defaults to 3000 s here (TCG is slow).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
KEEP= FULL=0
while [ $# -gt 0 ]; do
	case "$1" in
	--keep-log) KEEP=$2; shift 2 ;;
	--full) FULL=1; shift ;;
	*) echo "usage: $0 [--keep-log DIR] [--full]" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "run-bench: must run as root (the VM exports the host root)" >&2; exit 2; }
command -v bwrap >/dev/null || echo "# run-bench: bwrap missing (apt-get install bubblewrap): the setup benchmark will MISS" >&2

ALL="login ssh net setup mem teardown flat"
VMS=${BENCH_VMS:-plain systemd}
PLAIN_ONLY=${BENCH_ONLY:-$ALL}
if [ -n "${BENCH_SYSTEMD_ONLY:-}" ]; then SD_ONLY=$BENCH_SYSTEMD_ONLY
else SD_ONLY=$(for g in login ssh; do case " $PLAIN_ONLY " in *" $g "*) printf '%s ' "$g" ;; esac; done); fi
for v in $VMS; do case "$v" in plain | systemd) ;; *) echo "run-bench: BENCH_VMS: '$v' is neither plain nor systemd" >&2; exit 2 ;; esac; done
for g in $PLAIN_ONLY $SD_ONLY; do case " $ALL " in *" $g "*) ;; *) echo "run-bench: unknown goal '$g' (known: $ALL)" >&2; exit 2 ;; esac; done

# expected GOALS SUFFIX: the verdict names those goals print (a missing one is reported)
expected() {
	local g
	for g in $1; do
		case "$g" in
		login) printf '%s\n' "login$2" "login-quota-50$2"; [ -n "$2" ] || echo login-module-cost ;;
		setup) printf '%s\n' "setup$2" "setup-quota-50$2" "setup-vs-bare-exec$2" ;;
		mem) printf '%s\n' "mem-confinectl$2" "mem-login$2" ;;
		teardown) [ -n "$2" ] || printf '%s\n' teardown teardown-vs-kernel ;;
		flat) [ -n "$2" ] || printf '%s\n' flat-run flat-login ;;
		*) echo "$g$2" ;;
		esac
	done
}

make -s -C "$REPO"

WORK=$(mktemp -d /tmp/confine-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export CONFINE_VM_TIMEOUT=${CONFINE_VM_TIMEOUT:-3000}
export CONFINE_VM_TOTAL_TIMEOUT=${CONFINE_VM_TOTAL_TIMEOUT:-$((CONFINE_VM_TIMEOUT + 300))}
rc=0 pass=0 miss=0 vmsecs=0
for vm in $VMS; do
	if [ "$vm" = systemd ]; then only=$SD_ONLY init=systemd sfx=-systemd; else only=$PLAIN_ONLY init=busybox sfx=; fi
	[ -n "${only// /}" ] || continue
	LOG=${KEEP:+$KEEP/$vm}
	LOG=${LOG:-$WORK/$vm}
	# The VM does not inherit our environment: a wrapper below /tmp (run-vm.sh copies such
	# scripts into the VM) carries the knobs.
	{
		echo '#!/bin/bash'
		printf 'export BENCH_ONLY=%q\n' "$only"
		for v in BENCH_N BENCH_PROCS BENCH_SESSIONS BENCH_FLAT_LEVELS BENCH_FLAT_MINMEM BENCH_REPS BENCH_WARMUP; do
			[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
		done
		printf 'exec bash %q\n' "$HERE/vm-bench.sh"
	} >"$WORK/bench-$vm.sh"
	echo "# vm $vm (CONFINE_VM_INIT=$init): $only; load $(cut -d' ' -f1-3 /proc/loadavg)"
	# flat's sessions need ~1.5 MiB a pair: in the default 2 GiB, 1000 pairs leave ~0.3 GiB
	# and the VM evicts its page cache (its root is 9p): give it room unless told otherwise.
	mem=${CONFINE_VM_MEM:-}
	case " $only " in *" flat "*) [ -n "$mem" ] || mem=6G ;; esac
	t0=$SECONDS vrc=0
	CONFINE_VM_MEM=${mem:-2G} CONFINE_VM_INIT=$init bash "$REPO/tests/vm/run-vm.sh" --keep-log "$LOG" "$WORK/bench-$vm.sh" >"$WORK/run-vm-$vm.out" 2>&1 || vrc=$?
	vmsecs=$((vmsecs + SECONDS - t0))
	echo "# vm $vm: $((SECONDS - t0)) s from boot to power-off; load $(cut -d' ' -f1-3 /proc/loadavg)"
	if [ ! -f "$LOG/1.log" ]; then
		cat "$WORK/run-vm-$vm.out"
		echo "run-bench: no benchmark log from the $vm VM (VM failed)" >&2
		rc=1; continue
	fi
	if [ "$FULL" = 1 ]; then
		cat "$LOG/1.log"
	else
		grep -E '^(date:|bench |verdict |# kernel|# systemd VM|# flat: (open|at the top)|# seconds: )' "$LOG/1.log" || true
	fi
	# every goal asked for has its verdict line, or says that it has none
	for name in $(expected "$only" "$sfx"); do
		grep -q "^verdict $name: " "$LOG/1.log" || echo "verdict $name: MISS (no result: the benchmark did not finish, see the log)"
		grep -q "^verdict $name: " "$LOG/1.log" || miss=$((miss + 1))
	done
	pass=$((pass + $(grep -c '^verdict .*: PASS' "$LOG/1.log" || true)))
	miss=$((miss + $(grep -c '^verdict .*: MISS' "$LOG/1.log" || true)))
	[ $vrc = 0 ] || { rc=$vrc; echo "run-bench: the $vm VM run failed (exit $vrc):" >&2; grep -v '^ok' "$WORK/run-vm-$vm.out" | tail -n 30 >&2; }
done
# The login natively, beside the VM's (INFO: the goals are the VM's ratios).
case " $PLAIN_ONLY " in *" login "*)
	if [ "${BENCH_NATIVE_N:-200}" != 0 ]; then
		bash "$HERE/native-login.sh" "${BENCH_NATIVE_N:-200}" >"$WORK/native-login.out" 2>&1 || true
		grep -E '^# 20' "$WORK/native-login.out" || true
		if grep -q '^native login' "$WORK/native-login.out"; then
			sed -n -e 's/^native login/bench login-native: native login/p' \
				-e 's/^reference: /bench login-native-bwrap: /p' \
				-e 's/^confined vs the bwrap reference/bench login-native-vs-bwrap: confined vs the bwrap reference/p' \
				"$WORK/native-login.out"
			echo "verdict login-native: INFO"
		else
			tail -n 5 "$WORK/native-login.out"
			echo "verdict login-native: INFO (no result: bench/native-login.sh failed)"
		fi
	fi ;;
esac
echo "# pass/miss: $pass PASS, $miss MISS; VM time $vmsecs s"
exit $rc
