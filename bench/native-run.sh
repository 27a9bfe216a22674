#!/bin/bash
# Native measurements of `confinectl run` on a host whose cgroups cannot be used (hybrid or
# v1, or a shared machine): a private copy of conf/confine.conf with limits = "optional",
# so only the namespaces, mounts, home and privilege drop run, no cgroup is made and
# nothing of the host's /etc/confine is read. Root; USER an ordinary account with a home.
#
# usage: bench/native-run.sh USER [N] [CONFINECTL_B]
#   - N (default 40) alternating runs of build/confinectl (or CONFINECTL_B against it) and
#     of bwrap; medians of the wall times;
#   - 7 strace -f -ttt traces of build/confinectl, turned into the per-phase table by
#     bench/phases.sh (strace inflates every syscall: compare shares, not absolute times);
#   - Pss/USS of the two supervisors of an idle `… /bin/sleep` (/proc/PID/smaps_rollup).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
user=${1:?usage: native-run.sh USER [N] [CONFINECTL_B]}
n=${2:-40}
A=$REPO/build/confinectl B=${3:-}
W=$(mktemp -d /tmp/confine-native.XXXXXX)
trap 'rm -rf "$W"' EXIT
sed 's/limits = "required";/limits = "optional";/' "$REPO/conf/confine.conf" >"$W/confine.conf"
chmod 0600 "$W/confine.conf"
args=(run --config "$W/confine.conf" --profile guest --user "$user" --)
uid=$(id -u "$user") gid=$(id -g "$user")
bwrap=(bwrap --unshare-all --unshare-user --uid "$uid" --gid "$gid" --hostname confine --die-with-parent
	--new-session --ro-bind / / --proc /proc --dev /dev --tmpfs /tmp --tmpfs /run --tmpfs /dev/shm)
t_us() { local a=${EPOCHREALTIME/./}; "$@" >/dev/null 2>&1 </dev/null; echo $((${EPOCHREALTIME/./} - a)); }
med() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2)}'; }
other=${B:-bwrap}
echo "# load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs, kernel $(uname -r), N=$n"
for ((i = 0; i < n; i++)); do
	t_us "$A" "${args[@]}" /bin/true >>"$W/a"
	if [ -n "$B" ]; then t_us "$B" "${args[@]}" /bin/true >>"$W/b"; else t_us "${bwrap[@]}" /bin/true >>"$W/b"; fi
	t_us /bin/true >>"$W/c"
done
echo "wall median: confinectl $(med <"$W/a") us, $other $(med <"$W/b") us, bare /bin/true $(med <"$W/c") us"
for i in 1 2 3 4 5 6 7; do strace -f -ttt -o "$W/t$i.st" "$A" "${args[@]}" /bin/true 2>/dev/null; done
bash "$HERE/phases.sh" run "$W"/t?.st
"$A" "${args[@]}" /bin/sleep 30 2>/dev/null &
outer=$!
sleep 1.5
ns=$(pgrep -P "$outer" | head -n1)
for p in "$outer" "$ns"; do
	printf 'pid %s %-14s Pss %s kB, USS %s kB\n' "$p" "$(cat /proc/$p/comm)" \
		"$(awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup)" \
		"$(awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s}' /proc/$p/smaps_rollup)"
done
kill "$outer"; wait 2>/dev/null || true
