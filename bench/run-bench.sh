#!/bin/bash
# Host side of the confine benchmarks: builds, boots the throwaway VM (tests/vm/run-vm.sh)
# with bench/vm-bench.sh and prints the results. Needs root, like the VM tests.
#
# usage: bench/run-bench.sh [--keep-log DIR] [--full]
#   --full        print the whole benchmark log (samples, pids, Pss per process)
# Environment, passed on into the VM: BENCH_N BENCH_PROCS BENCH_SESSIONS BENCH_REPS BENCH_ONLY
# (see bench/vm-bench.sh). CONFINE_VM_TIMEOUT defaults to 3000 s here (TCG is slow).
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

make -s -C "$REPO"

WORK=$(mktemp -d /tmp/confine-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
LOG=${KEEP:-$WORK/log}
# The VM does not inherit our environment: a wrapper below /tmp (run-vm.sh copies such
# scripts into the VM) carries the knobs.
{
	echo '#!/bin/bash'
	for v in BENCH_N BENCH_PROCS BENCH_SESSIONS BENCH_REPS BENCH_ONLY; do
		[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'exec bash %q\n' "$HERE/vm-bench.sh"
} >"$WORK/bench.sh"

export CONFINE_VM_TIMEOUT=${CONFINE_VM_TIMEOUT:-3000}
export CONFINE_VM_TOTAL_TIMEOUT=${CONFINE_VM_TOTAL_TIMEOUT:-$((CONFINE_VM_TIMEOUT + 300))}
rc=0
bash "$REPO/tests/vm/run-vm.sh" --keep-log "$LOG" "$WORK/bench.sh" >"$WORK/run-vm.out" 2>&1 || rc=$?
if [ ! -f "$LOG/1.log" ]; then
	cat "$WORK/run-vm.out"
	echo "run-bench: no benchmark log (VM failed)" >&2
	exit 1
fi
if [ "$FULL" = 1 ]; then
	cat "$LOG/1.log"
else
	grep -E '^(date:|bench |verdict |# kernel|# open:|# confine-helper gc)' "$LOG/1.log" || true
fi
[ $rc = 0 ] || { echo "run-bench: the VM run failed (exit $rc):" >&2; grep -v '^ok' "$WORK/run-vm.out" | tail -n 30 >&2; }
echo "# pass/miss: $(grep -c '^verdict .*PASS' "$LOG/1.log" || true) PASS, $(grep -c '^verdict .*MISS' "$LOG/1.log" || true) MISS"
exit $rc
