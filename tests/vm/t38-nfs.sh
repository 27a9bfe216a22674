#!/bin/bash
# Network homes on a real NFS server (issue 17): the kernel's nfsd in this VM exports an ext4
# image on a loop device over loopback, once with root_squash and once with no_root_squash;
# homes 0700. For each export, home = "bind" works (a file the session writes is on the
# server, in the export's backing file system) and home = "ephemeral" is refused with the
# message doc/fleet.md documents. nfs-kernel-server is installed in this throwaway VM only
# (the .debs tools/deps.sh fetched into the VM cache).
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CONFINE_SHELL=/usr/local/libexec/confine/confine-shell
T0=$SECONDS

# --- install (lib.sh): one dpkg run, no service started by it (the test starts them) ------
vm_dpkg_install nfs

# --- the server: an ext4 image on a loop device, two exports, nfsd ----------------------------
modprobe -a loop nfsd nfsv4 || die "cannot load loop, nfsd, nfsv4"
IMG=/srv/t38img # the export's backing file system, as the server sees it
SRV=/srv/t38
truncate -s 64M /var/tmp/t38.img && mkfs.ext4 -q /var/tmp/t38.img || die "mkfs.ext4"
mkdir -p $IMG && mount -o loop /var/tmp/t38.img $IMG || die "cannot mount the image"
mkdir -p $IMG/sq $IMG/nosq /nfs/sq /nfs/nosq
for u in nsq nnosq; do
	useradd --no-create-home --shell "$CONFINE_SHELL" --groups confine --user-group \
		-d "/nfs/${u#n}/$u" "$u" || die "useradd $u"
	d=$IMG/${u#n}/$u
	mkdir "$d" && echo "on the server" >"$d/server.txt" && chown -R "$u:" "$d" && chmod 0700 "$d"
done
# NFSv4's root (fsid=0) is a tmpfs -- this VM's / is an overlay nfsd cannot export -- and the
# two exports are bind mounts of the image's directories below it: mount points, so that
# NFSv4 crosses into each export with its own options (one squashing root, one not).
mkdir -p $SRV && mount -t tmpfs -o mode=0755,size=1M tmpfs $SRV && mkdir $SRV/sq $SRV/nosq &&
	mount --bind $IMG/sq $SRV/sq && mount --bind $IMG/nosq $SRV/nosq || die "cannot set up $SRV"
mountpoint -q /proc/fs/nfsd || mount -t nfsd nfsd /proc/fs/nfsd || die "cannot mount nfsd"
: >/etc/exports
exportfs -o ro,sync,fsid=0,no_subtree_check 127.0.0.1:$SRV || die "exportfs the root"
exportfs -o rw,sync,fsid=1,no_subtree_check,root_squash 127.0.0.1:$SRV/sq || die "exportfs sq"
exportfs -o rw,sync,fsid=2,no_subtree_check,no_root_squash 127.0.0.1:$SRV/nosq || die "exportfs nosq"
rpcbind -w || die "rpcbind"
rpc.mountd || die "rpc.mountd"
rpc.nfsd 4 || die "rpc.nfsd"
for e in sq nosq; do
	mount -t nfs -o vers=4.2,proto=tcp 127.0.0.1:/$e /nfs/$e || die "cannot mount the $e export"
done
start_syslog /var/log/t38-syslog # (the helper's lines, shown if a check fails)
diag "NFS up after $((SECONDS - T0)) s"
assert_eq "$(findmnt -no FSTYPE /nfs/sq)" nfs4 "the homes' parent is an NFS mount"
# The exports really differ: root on this client is squashed by one, not by the other.
check_fails "root_squash: root cannot read nsq's 0700 home" ls /nfs/sq/nsq
check "no_root_squash: root reads nnosq's 0700 home" ls /nfs/nosq/nnosq
assert_eq "$(setpriv --reuid nsq --regid nsq --init-groups cat /nfs/sq/nsq/server.txt 2>&1)" "on the server" \
	"root_squash: the user reads its own home (control)"

SNAP_USERS="nsq nnosq"
conf_for() { # USER HOME-MODE
	cat >/etc/confine/confine.conf <<EOF
profiles = { net = { home = "$2"; }; };
rules = ( { user = "$1"; profile = "net"; } );
EOF
}
session='echo "fs=$(findmnt -no FSTYPE ~)"; cat ~/server.txt; echo "written by $(id -un)" >~/from-session.txt && echo wrote'
for u in nsq nnosq; do
	e=${u#n}
	[ $e = sq ] && what=root_squash || what=no_root_squash
	# a first session makes /run/confine's directories: the baseline is after it
	conf_for $u tmpfs
	su -l $u -c true </dev/null >/dev/null 2>&1
	before=$(snapshot)

	conf_for $u bind
	out=$(su -l $u -c "$session" </dev/null 2>&1)
	assert_line "$out" "fs=nfs4" "$what, bind: the session's home is the NFS home"
	assert_line "$out" "on the server" "$what, bind: the real home's file is there"
	assert_line "$out" wrote "$what, bind: the session writes its home"
	expect_clean "$what, bind: nothing left after logout"
	# on the server: the export's backing file system, not the client's view
	assert_eq "$(cat $IMG/$e/$u/from-session.txt 2>&1)" "written by $u" \
		"$what, bind: the file is on the server (the export's ext4)"
	assert_eq "$(stat -c %U $IMG/$e/$u/from-session.txt 2>&1)" "$u" "$what, bind: and the user's"

	conf_for $u ephemeral
	out=$(su -l $u -c "$session" </dev/null 2>&1); rc=$?
	assert_ne "$rc" 0 "$what, ephemeral: the login is refused"
	assert_contains "$out" 'use home = "bind" or "tmpfs"' "$what, ephemeral: with the documented message"
	assert_not_contains "$out" wrote "$what, ephemeral: no shell ran"
	out=$(/usr/local/sbin/confinectl check --user $u 2>&1)
	assert_line "$out" "home: /nfs/$e/$u (nfs)" "$what: check --user names the home's file system"
	assert_contains "$out" 'home mode: ephemeral: cannot: ' "$what: check --user says ephemeral cannot serve it"
	expect_clean "$what, ephemeral: nothing left after the refused login"
done
diag "t38 took $((SECONDS - T0)) s after install-in-vm"
[ "$_t_failed" = 0 ] || tail -n 40 "$LOG" | sed 's/^/# log: /'
kill "$SYSLOGD"
