#!/bin/bash
# Host side of CONFINE_VM_INIT=systemd, called by run-vm.sh: writes the files the
# guest's tmpfs overlay starts with (machine-id, hostname, masks, the boot target, the
# test runner's unit, ...) into DIR. run-vm.sh packs DIR into the initramfs and
# initramfs-init copies it into the overlay's upper layer before mounting it, so
# systemd finds it at boot -- the host's /etc is never touched, and no process has to
# run in the guest before systemd (each exec over 9p costs ~0.2 s under TCG).
#
# usage: systemd-overlay.sh DIR CONFIG   (CONFIG: the results dir's `config`)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# = 2 ] || { echo "usage: $0 DIR CONFIG" >&2; exit 2; }
D=$1
# shellcheck source=/dev/null
. "$2"

SYS=$D/etc/systemd/system
USR=$D/etc/systemd/user
mkdir -p "$SYS" "$USR" "$D/etc/systemd/journald.conf.d" "$D/etc/systemd/logind.conf.d"

# Units the test VM does not need: fsck/remount of the overlay root, first-boot and
# update machinery, the disk journal, time sync, timers (apt, man-db, ...), gettys, the
# host's sshd (tests start their own on a test port), networking and its waits (PID 1
# brings lo up), module loading from the host's config, PackageKit (apt's hook would start
# it over D-Bus after every dpkg run), ...
MASK="
systemd-remount-fs.service systemd-fsck-root.service
systemd-firstboot.service systemd-machine-id-commit.service
systemd-journal-flush.service systemd-journal-catalog-update.service
systemd-update-done.service ldconfig.service systemd-hwdb-update.service
systemd-random-seed.service systemd-pstore.service systemd-timesyncd.service
systemd-pcrphase.service systemd-pcrphase-sysinit.service systemd-repart.service
systemd-binfmt.service proc-sys-fs-binfmt_misc.automount
systemd-modules-load.service modprobe@drm.service
sys-kernel-config.mount sys-fs-fuse-connections.mount
systemd-ask-password-console.path systemd-ask-password-wall.path
timers.target apt-daily.timer apt-daily-upgrade.timer
getty.target getty@tty1.service serial-getty@ttyS0.service console-getty.service
ssh.service sshd.service ssh.socket rescue-ssh.target
systemd-networkd.service systemd-networkd.socket
systemd-networkd-wait-online.service network-online.target
remote-fs.target remote-fs-pre.target
e2scrub_reap.service postgresql.service cron.service rsyslog.service
packagekit.service
"
# In each user's manager (user@UID.service, started by logind at the first login):
# agents nobody uses here. The user's dbus.socket stays.
USER_MASK="
gpg-agent.socket gpg-agent-browser.socket gpg-agent-extra.socket gpg-agent-ssh.socket
dirmngr.socket pk-debconf-helper.socket systemd-tmpfiles-clean.timer
"
for u in $MASK; do ln -s /dev/null "$SYS/$u"; done
for u in $USER_MASK; do ln -s /dev/null "$USR/$u"; done
# Generators (fstab, getty, sysv, gpt-auto, cryptsetup, postgresql, ...) run at every
# boot, ~1 s each under TCG; none has anything to do here. systemd-debug-generator
# stays: it handles systemd.mask=, systemd.wants=, systemd.debug_shell on the command
# line (CONFINE_VM_APPEND). A /dev/null link in /etc disables a generator.
mkdir -p "$D/etc/systemd/system-generators" "$D/etc/systemd/user-generators"
for g in /lib/systemd/system-generators/*; do
	if [ -e "$g" ] && [ "${g##*/}" != systemd-debug-generator ]; then
		ln -s /dev/null "$D/etc/systemd/system-generators/${g##*/}"
	fi
done
for g in /usr/lib/systemd/user-generators/*; do
	if [ -e "$g" ]; then ln -s /dev/null "$D/etc/systemd/user-generators/${g##*/}"; fi
done

# The build machines' root has /.dockerenv: systemd would think it runs in a Docker
# container, ignore the kernel command line and skip every
# ConditionVirtualization=!container unit. A whiteout hides it in the overlay.
if [ -e /.dockerenv ]; then mknod "$D/.dockerenv" c 0 0; fi

tr -d - </proc/sys/kernel/random/uuid >"$D/etc/machine-id"
echo confine-vm >"$D/etc/hostname"
printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=32M\nForwardToWall=no\n' \
	>"$D/etc/systemd/journald.conf.d/confine-vm.conf"
printf '[Login]\nNAutoVTs=0\nReserveVT=0\n' >"$D/etc/systemd/logind.conf.d/confine-vm.conf"

# What the tests (and the shell) see: the same as in the default mode.
ENVFILE=/etc/confine-vm.env
{
	echo "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	echo "HOME=/root"
	echo "LANG=C.UTF-8"
	echo "TERM=linux"
	echo "CONFINE_VM=1"
	echo "CONFINE_VM_INIT=systemd"
	echo "CONFINE_REPO=$CONFINE_REPO"
	echo "CONFINE_VM_TIMEOUT=$CONFINE_VM_TIMEOUT"
	echo "CONFINE_VM_BUILD=$CONFINE_VM_BUILD"
	echo "CONFINE_VM_DEBDIR=$CONFINE_VM_DEBDIR"
} >"$D$ENVFILE"

# /tmp is a tmpfs as in the default mode (else it would be the host's /tmp).
cat >"$SYS/tmp.mount" <<EOF
[Unit]
Description=/tmp (tmpfs)
DefaultDependencies=no
Conflicts=umount.target
Before=local-fs.target umount.target
[Mount]
What=tmpfs
Where=/tmp
Type=tmpfs
Options=mode=1777
EOF
# modprobe works: the guest kernel's modules, from the host's cache dir
moddir=$(readlink -f /lib)/modules/$CONFINE_VM_KVER
modunit=$(systemd-escape --path --suffix=mount "$moddir")
cat >"$SYS/$modunit" <<EOF
[Unit]
Description=modules of the guest kernel
DefaultDependencies=no
Conflicts=umount.target
Before=local-fs.target umount.target kmod-static-nodes.service
[Mount]
What=$CONFINE_VM_MODDIR
Where=$moddir
Options=bind
EOF
mkdir -p "$SYS/local-fs.target.wants"
ln -s ../tmp.mount "$SYS/local-fs.target.wants/tmp.mount"
ln -s "../$modunit" "$SYS/local-fs.target.wants/$modunit"

svc=confine-vm-tests.service
[ "${CONFINE_VM_SHELL:-0}" = 1 ] && svc=confine-vm-shell.service
# The boot target (systemd.unit=confine-vm.target, also default.target): basic.target,
# dbus, logind, logins allowed (systemd-user-sessions removes /run/nologin), and the
# tests. No multi-user.target: nothing else the host enables is started.
cat >"$SYS/confine-vm.target" <<EOF
[Unit]
Description=confine test VM
Requires=basic.target
After=basic.target
Wants=dbus.service systemd-logind.service systemd-user-sessions.service $svc
After=dbus.service systemd-logind.service systemd-user-sessions.service
AllowIsolate=yes
EOF
ln -s confine-vm.target "$SYS/default.target"

# The test runner: Type=exec, so its start job ends at once and the boot counts as
# finished (no jobs queued, is-system-running says running) while the tests run. No
# sandboxing; each script gets a transient service of its own (guest-systemd.sh). When
# it exits, however it exits, the VM powers off at once.
cat >"$SYS/confine-vm-tests.service" <<EOF
[Unit]
Description=confine VM test scripts
After=confine-vm.target
SuccessAction=poweroff-immediate
FailureAction=poweroff-immediate
[Service]
Type=exec
ExecStart=/bin/bash $HERE/guest-systemd.sh
EnvironmentFile=$ENVFILE
WorkingDirectory=$CONFINE_REPO
StandardInput=null
StandardOutput=journal+console
TimeoutStopSec=10
EOF
# CONFINE_VM_SHELL=1: a root shell on the serial console instead of the tests.
cat >"$SYS/confine-vm-shell.service" <<EOF
[Unit]
Description=confine VM interactive root shell
After=confine-vm.target
SuccessAction=poweroff-immediate
FailureAction=poweroff-immediate
[Service]
Type=exec
ExecStartPre=-/bin/sh -c 'echo "confine-vm: root shell under systemd (repo: $CONFINE_REPO); exit or Ctrl-D powers off" >/dev/console'
ExecStart=/bin/bash -l
EnvironmentFile=$ENVFILE
WorkingDirectory=$CONFINE_REPO
StandardInput=tty-force
TTYPath=/dev/ttyS0
TTYReset=yes
TTYVHangup=yes
EOF
