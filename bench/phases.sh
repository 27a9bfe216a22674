#!/bin/bash
# Phases of a strace -f -ttt log (issue 14's breakdown): each phase runs from the first line
# matching its marker to the first line matching the next phase's marker, in order.
# usage: bench/phases.sh run|login TRACE...   (several traces: the median per phase; a VM
#        log of bench/trace-login-vm.sh counts as the traces it holds)
# The run markers fit `confinectl run` (bench/native-run.sh makes the traces); the login
# ones `su -l guest -c true` (bench/trace-login-vm.sh, in the VM).
set -euo pipefail
kind=$1; shift
case "$kind" in
run) markers='exec + dynamic loading|execve\("[^"]*confinectl[^"]*"
config parse|openat\(.*confine\.conf"
NSS: user, groups (getpwnam, getgrouplist; libnss_* loaded)|nscd/socket
backend check + run setup (signalfd, socketpair)|newfstatat\(AT_FDCWD, "/run/systemd/system"
fork of the namespaced parent|clone\(
unshare (mnt uts ipc cgroup pid net)|unshare\(
private /, hostname, lo up|mount\(NULL, "/", NULL, MS_REC\|MS_PRIVATE
home: tmpfs upper + overlay (fsopen/fsmount)|statfs\(
fork of PID 1 + signal defaults|pidfd_open\(
mounts: ro remount, proc, sys, cgroup, /dev, /tmp, /run|mount_setattr\(
home placed (move_mount) + fs ids|openat2\(AT_FDCWD, "/home
privilege drop (securebits, setres*, caps)|prctl\(PR_SET_KEEPCAPS
keyring + Landlock|keyctl\(KEYCTL_JOIN
seccomp (build + load; load only since the build-time filter)|seccomp\(|PR_SET_NO_NEW_PRIVS
exec of the payload (/bin/true, runs, exits)|execve\("/bin/true"
teardown: supervisors reap + exit|\+\+\+ exited with 0 \+\+\+
end|a^' ;;
login) markers='su: start, PAM auth and account, session stack up to pam_confine|execve\("/usr/bin/su"
pam_confine: fork of the helper|clone\(
helper open: exec + dynamic loading|execve\("[^"]*confine-helper", \["[^"]*", "open"
helper open: config parse|confine\.conf"
helper open: NSS (user, groups, rule groups; nss_systemd userdb probes), rule match|nscd/socket
helper open: gc of the user sessions, locks, home (tmpfs upper + overlay)|users/[^/]*/sessions"
helper open: cgroup (subtree_control, user and session leaves, limits)|cgroup\.subtree_control"
helper open: record write (fsync, rename) + exit|sessions/\.[^"]*\.tmp"
su: back from the helper, fork, setuid, exec of confine-shell|exited with 0
confine-shell: exec + loading, reads its record, fork of the namespaced parent|execve\("[^"]*confine-shell"
namespaced parent: unshare, home by fd, fork of PID 1|unshare\(
PID 1: mounts, home placed, privilege drop, Landlock, seccomp|mount_setattr\(
the shell: bash -l -c true (profile scripts), exits; supervisors exit; su forks for close|execve\("/(usr/)?bin/bash"
helper close: exec, record, cgroup.kill + rmdir, home release, record removal, su exits|execve\("[^"]*confine-helper", \["[^"]*", "close"
end|a^' ;;
*) echo "usage: $0 run|login TRACE..." >&2; exit 2 ;;
esac
# A VM log of bench/trace-login-vm.sh holds several traces between trace-begin/-end lines.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
files=()
for f in "$@"; do
	if grep -q '^trace-begin ' "$f"; then
		awk -v d="$T" -v b="$(basename "$f")" '/^trace-begin / {o = d "/" b "." $2; next} /^trace-end / {o = ""} o {print > o}' "$f"
		files+=("$T/$(basename "$f")".*)
	else
		files+=("$f")
	fi
done
for f in "${files[@]}"; do
	awk -v markers="$markers" '
	BEGIN { n = split(markers, m, "\n"); for (i = 1; i <= n; i++) { split(m[i], kv, "|"); name[i] = kv[1]; re[i] = substr(m[i], length(kv[1]) + 2) } ; k = 1 }
	{ t = $2 + 0; if (!first) first = t; last = t }
	k <= n && $0 ~ re[k] { at[k] = t; k++ }
	{ if (k > 1) lines[k-1]++ }
	END { at[n] = last; for (i = 1; i < n; i++) if (at[i] && at[i+1]) printf "%s\t%.0f\t%d\n", name[i], (at[i+1] - at[i]) * 1e6, lines[i]; printf "TOTAL\t%.0f\t%d\n", (last - first) * 1e6, NR }' "$f"
done | awk -F'\t' '{ if (!($1 in ord)) { ord[$1] = ++no; nm[no] = $1 } print ord[$1] "\t" $2 "\t" $1 "\t" $3 }' |
	sort -t"$(printf '\t')" -k1,1n -k2,2n |
	awk -F'\t' '{ v[$1, ++c[$1]] = $2; nm[$1] = $3; sc[$1] = $4; if ($1 > no) no = $1 }
	END { printf "%-62s %10s %9s\n", "phase", "median us", "syscalls"
	      for (i = 1; i <= no; i++) { k = c[i]; med = (k % 2) ? v[i, (k+1)/2] : (v[i, k/2] + v[i, k/2+1]) / 2; printf "%-62s %10.0f %9d\n", substr(nm[i], 1, 62), med, sc[i] } }'
