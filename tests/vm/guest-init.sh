#!/bin/bash
# Stage 2 init: runs as PID 1 inside the VM (root = host root, read-only 9p
# with a tmpfs overlay). Sets up a minimal system, runs the test scripts
# listed in /mnt/results/scripts and powers off. (The default mode; with
# CONFINE_VM_INIT=systemd, systemd is PID 1 and guest-systemd.sh the runner.)
set +e
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux} LANG=C.UTF-8
umask 022

# shellcheck source=tests/vm/guest-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest-lib.sh"

poweroff_now() {
	sync
	echo o >/proc/sysrq-trigger
	sleep 10
	exit 1 # PID 1 exiting panics the kernel; panic=-1 + -no-reboot ends qemu
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts
rm -f /dev/ptmx && ln -s pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
# pure cgroup v2: a fresh sysfs has nothing under /sys/fs/cgroup
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/lock /run/user
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

ln -sf /proc/self/fd /dev/fd 2>/dev/null
ln -sf /proc/self/fd/0 /dev/stdin 2>/dev/null
ln -sf /proc/self/fd/1 /dev/stdout 2>/dev/null
ln -sf /proc/self/fd/2 /dev/stderr 2>/dev/null

hostname confine-vm
echo confine-vm >/etc/hostname
ip link set lo up

load_config
bind_modules
cd "$CONFINE_REPO" 2>/dev/null || cd /

if [ "${CONFINE_VM_TRY:-0}" = 1 ]; then
	# `make try`: the project installed, PAM configured, a confined account; real logins.
	stty -F /dev/ttyS0 sane 2>/dev/null
	( . "$CONFINE_REPO/tests/vm/install-in-vm.sh" ) >/dev/ttyS0 2>&1 || poweroff_now
	sed -i 's/^LOGIN_TIMEOUT.*/LOGIN_TIMEOUT 0/' /etc/login.defs # take your time at the prompt
	while :; do
		cat >/dev/ttyS0 <<-MSG

		confine try-out VM: log in as 'guest' (password 'guest') to get a confined session.
		Inside: hostname, ps ax, cat /sys/fs/cgroup/memory.max, findmnt ~, ip link.
		Log out and the teardown is shown here. Ctrl-A X powers the VM off.
		MSG
		setsid -w -c login </dev/ttyS0 >/dev/ttyS0 2>&1
		{
			echo; echo "--- after logout: what is left of the session on the host ---"
			echo "session records:  $(ls /run/confine/sessions 2>/dev/null | wc -l)"
			echo "session cgroups:  $(find /sys/fs/cgroup/confine -mindepth 1 -type d 2>/dev/null | wc -l)"
			echo "guest processes:  $(pgrep -u guest | wc -l)"
			echo "home mounts:      $(grep -c /run/confine/homes /proc/self/mountinfo)"
			echo "real home:        $(ls /home/guest)"
		} >/dev/ttyS0 2>&1
	done
fi

if [ "${CONFINE_VM_SHELL:-0}" = 1 ]; then
	log "interactive shell (repo: $CONFINE_REPO); exit or Ctrl-D powers off"
	stty -F /dev/ttyS0 sane 2>/dev/null
	setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
	poweroff_now
fi

run_direct() ( # N SCRIPT, in a subshell: PID 1 must not exec
	cd "$CONFINE_REPO" 2>/dev/null || cd /
	exec timeout -k 10 "$CONFINE_VM_TIMEOUT" bash "$2"
)
run_scripts run_direct
poweroff_now
