#!/bin/bash
# Native login figures on a host whose PAM, accounts and cgroups must stay untouched: the
# login goal (`su -l guest -c true` against `su -l plain -c true`, both through the same
# PAM stack with pam_confine in it) measured on the bare machine instead of the TCG VM.
#
# Everything happens in a private mount namespace that this script makes: overlays with
# throwaway upper layers over /etc (accounts, PAM, /etc/confine), /usr/local (the programs
# at their compiled-in paths), /run and /var, a tmpfs over /home, /dev/null over /dev/log;
# the PAM module is named in common-session by its path in a tmpfs of the run. Nothing
# propagates out: the host's files, accounts, PAM and logs stay as they were (a run killed
# with SIGKILL leaves an empty directory in /tmp). The profile runs with limits =
# "optional" and a private state_dir, and the script refuses a host where the sessions
# could get cgroups (cgroup v2): no cgroup is made. What is measured is pam_confine, the
# helper's open (home, record), confine-shell and the sandbox; the cgroup writes the VM
# benchmark includes cost microseconds natively.
#
# usage: sudo bench/native-login.sh [N]     (N alternating pairs, default 200)
#        CONFINE_NATIVE_BUILD=DIR: the build directory to install (default build/)
#        sudo bench/native-login.sh -- CMD...  (CMD, e.g. a trace, in the prepared namespace)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
ARGS=("$@") N=200
if [ "${1:-}" = -- ]; then shift; else N=${1:-200}; shift $(($# > 0)); fi
[ "$(id -u)" = 0 ] || { echo "native-login: run as root" >&2; exit 1; }
B=$(cd "${CONFINE_NATIVE_BUILD:-$REPO/build}" && pwd)
for f in confinectl confine-helper confine-shell confine-init pam_confine.so; do
	[ -e "$B/$f" ] || { echo "native-login: $B/$f missing: run make" >&2; exit 1; }
done

# Re-run in a private mount namespace: every mount below stays in it. Decided by the kernel's
# facts, not by anything a caller can pass on: this process must be in another mount
# namespace than the one that started it (unshare execs in place: the same parent).
if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink "/proc/$PPID/ns/mnt")" ]; then
	exec unshare --mount --propagation private "$0" "${ARGS[@]}"
fi

# Everything this run writes is in a tmpfs mounted on W (no nosuid: confine-shell is setuid
# here): a run killed with SIGKILL leaves an empty directory in /tmp, nothing else.
W=$(mktemp -d /tmp/confine-native-login.XXXXXX)
mount -t tmpfs -o mode=0755 confine-bench "$W"
# At the end: the last logout helper finishes its teardown (it runs detached), then the
# mounts go; the namespace and everything in it goes with this process anyway.
cleanup() {
	cd /
	for ((i = 0; i < 40; i++)); do pgrep -x confine-helper >/dev/null || break; sleep 0.05; done
	umount -R "$W" 2>/dev/null && rmdir "$W"
}
trap cleanup EXIT
mkdir -p "$W/tmp"
export TMPDIR=$W/tmp
overlay() {
	local d=$1 n=$2
	mkdir -p "$W/$n.up" "$W/$n.work"
	mount -t overlay "confine-$n" -o "lowerdir=$d,upperdir=$W/$n.up,workdir=$W/$n.work" "$d"
}
overlay /etc etc
overlay /usr/local usrlocal
overlay /run run
overlay /var var # useradd's lastlog and faillog records, a mail spool where configured
mount -t tmpfs -o mode=0755 confine-home /home
# The host's syslog stays out of it (where /dev/log is a socket of its own, not in /run).
if [ -e /dev/log ]; then mount --bind /dev/null /dev/log; fi
# Refuse to go on unless the writes below land in the overlays.
for d in /etc /usr/local /run /var; do
	[ "$(findmnt -no FSTYPE "$d")" = overlay ] || { echo "native-login: $d is not overlaid" >&2; exit 1; }
done

LIBEXEC=/usr/local/libexec/confine
for g in confine confine-lab confine-kiosk; do getent group "$g" >/dev/null || groupadd --system "$g"; done
install -d -m 0755 "$LIBEXEC" /usr/local/sbin /etc/confine
install -m 0755 "$B/confinectl" /usr/local/sbin/confinectl
install -m 0700 "$B/confine-helper" "$LIBEXEC/confine-helper"
install -m 0755 "$B/confine-init" "$LIBEXEC/confine-init"
install -m 4750 -o root -g confine "$B/confine-shell" "$LIBEXEC/confine-shell"
install -m 0644 "$B/pam_confine.so" "$W/pam_confine.so"
mkdir -p "$W/state"
sed -e 's/limits = "required";/limits = "optional";/' \
	-e "s|^#* *state_dir = .*|state_dir = \"$W/state\";|" \
	-e '0,/^([[:space:]]*)cpu_quota = "50%";/s//\1cpu_quota = "100%";/' -E \
	"$REPO/conf/confine.conf" >/etc/confine/confine.conf
grep -q "^state_dir = \"$W/state\";" /etc/confine/confine.conf ||
	sed -i "1i state_dir = \"$W/state\";" /etc/confine/confine.conf
chmod 0644 /etc/confine/confine.conf
# Only where no cgroup can be used: on a cgroup v2 host the helper would make the session
# cgroups under /sys/fs/cgroup (the host's), which this script must not touch (the VM
# benchmark measures those). check exits non-zero here: the other profiles keep
# limits = "required".
"$B/confinectl" check >"$W/check.txt" 2>&1 || true
if ! grep -q '^# profile guest: usable WITHOUT resource limits' "$W/check.txt"; then
	grep '^# \(profile guest\|cgroup backend\|kernel: cgroup2\)' "$W/check.txt" >&2 || cat "$W/check.txt" >&2
	echo "native-login: this host can give the sessions cgroups (or is not usable): refusing to make any on it; bench/run-bench.sh measures the login in the VM" >&2
	exit 1
fi
echo "session required $W/pam_confine.so" >>/etc/pam.d/common-session
useradd --create-home --shell "$LIBEXEC/confine-shell" --groups confine --user-group guest
useradd --create-home --shell /bin/bash --user-group plain
# The reference: the same login with bash under bwrap --unshare-all (bench/bwrap-shell.c).
if command -v bwrap >/dev/null; then
	${CC:-cc} -O2 -o /usr/local/bin/bwrap-shell "$REPO/bench/bwrap-shell.c"
	echo /usr/local/bin/bwrap-shell >>/etc/shells
	useradd --create-home --shell /usr/local/bin/bwrap-shell --user-group bw
	USERS="guest plain bw"
else
	echo "# bwrap not installed (apt-get install bubblewrap): no reference login"
	USERS="guest plain"
fi

t_us() { local a=${EPOCHREALTIME/./}; "$@" >/dev/null 2>&1 </dev/null; echo $((${EPOCHREALTIME/./} - a)); }
med() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2)}'; }
# The confined login must work before it is timed.
out=$(su -l guest -c 'echo confined $(hostname) $(id -un)' </dev/null 2>&1) || true
case "$out" in *"confined confine guest"*) ;; *) echo "native-login: no confined login: $out" >&2; exit 1 ;; esac
if [ $# -gt 0 ]; then "$@"; exit; fi
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs, kernel $(uname -r), N=$N pairs"
for ((i = 0; i < 20; i++)); do for u in $USERS; do t_us su -l "$u" -c true >/dev/null; done; done
for ((i = 0; i < N; i++)); do for u in $USERS; do t_us su -l "$u" -c true >>"$W/t.$u"; done; done
# report A B TEXT: medians of A and B, their ratio and the median and quartiles of the
# N ratios of neighbouring samples
report() {
	local ma mb pairs
	ma=$(med <"$W/t.$1") mb=$(med <"$W/t.$2")
	pairs=$(paste "$W/t.$1" "$W/t.$2" | awk '$2 > 0 {print $1 / $2}' | sort -g | awk '{v[NR] = $1}
		END {q = int((NR + 3) / 4); m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "pairs %.2f, quartiles %.2f-%.2f", m, v[q], v[NR + 1 - q]}')
	awk -v a="$ma" -v b="$mb" -v p="$pairs" -v t="$3" 'BEGIN {printf "%s: %.2f vs %.2f ms -> %.2f (%s)\n", t, a / 1000, b / 1000, a / b, p}'
}
report guest plain "native login (goal <= 1.15): su -l guest -c true vs su -l plain -c true"
case " $USERS " in *" bw "*)
	report bw plain "reference: su -l bw -c true (bash under bwrap --unshare-all) vs plain"
	report guest bw "confined vs the bwrap reference" ;;
esac
