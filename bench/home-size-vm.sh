#!/bin/bash
# Measurements behind the persistent home's size limit (confine.conf(5), home_size), run in
# the test VM:  bash tests/vm/run-vm.sh bench/home-size-vm.sh
# Prints "measure NAME: ..." lines; it asserts nothing (the tests are tests/vm/t34-persistent.sh).
#
#  1. project quota (ext4 prjquota) on an overlay upper: does a hard limit hold for writes
#     through an overlay root mounted, and can the file's owner move a file out of the
#     project (chattr -p) through the overlay?
#  2. an ext4 image on a loop device: mkfs time, usable space of home_size, ENOSPC.
#  3. io.max on the disk below the image: direct writes into the image's file system, with
#     the loop device in direct-I/O mode and in buffered mode.
. "$(dirname "$0")/../tests/vm/lib.sh"
require_vm
PY=/usr/bin/python3
m() { echo "measure $*"; }
make_user mq
modprobe loop
mkdir -p /var/tmp/m && cd /var/tmp/m || exit 1

# --- 1. project quota ------------------------------------------------------------------
truncate -s 64M pq.img
mkfs.ext4 -q -O quota,project -E quotatype=prjquota pq.img
mkdir -p /mnt/pq /mnt/ov
mount -o loop,prjquota pq.img /mnt/pq
PQDEV=$(findmnt -no SOURCE /mnt/pq)
mkdir /mnt/pq/upper /mnt/pq/work
chown mq: /mnt/pq/upper
chattr +P -p 42 /mnt/pq/upper
# 8 MiB hard limit for project 42 (quotactl(2); quota-tools are not installed).
$PY - "$PQDEV" <<'EOF'
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
class D(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint64) for n in ("bh", "bs", "cs", "ih", "is_", "ci", "bt", "it")] + [("valid", ctypes.c_uint32)]
d = D(bh=8 * 1024, valid=1)  # dqb_bhardlimit in 1 KiB quota blocks; QIF_BLIMITS
Q_SETQUOTA, PRJQUOTA = 0x800008, 2
if libc.quotactl((Q_SETQUOTA << 8) | PRJQUOTA, sys.argv[1].encode(), 42, ctypes.byref(d)) != 0:
    raise SystemExit("quotactl: errno %d" % ctypes.get_errno())
EOF
out=$(runuser -u mq -- dd if=/dev/zero of=/mnt/pq/upper/direct bs=1M count=16 2>&1 | head -1)
m "prjquota-direct: the user writes 16 MiB into the project dir (8 MiB limit): $out"
rm -f /mnt/pq/upper/direct
mount -t overlay -o lowerdir=/home/mq,upperdir=/mnt/pq/upper,workdir=/mnt/pq/work overlay /mnt/ov
out=$(runuser -u mq -- dd if=/dev/zero of=/mnt/ov/through bs=1M count=16 2>&1 | head -1)
m "prjquota-overlay: 16 MiB through an overlay root mounted: $out; file has $(du -k /mnt/pq/upper/through | cut -f1) KiB"
rm -f /mnt/ov/through
out=$(runuser -u mq -- sh -c 'touch /mnt/ov/esc && chattr -p 7 /mnt/ov/esc && lsattr -p /mnt/ov/esc && dd if=/dev/zero of=/mnt/ov/esc bs=1M count=16 2>&1 | tail -1' 2>&1)
m "prjquota-escape: the owner sets project 7 on its file through the overlay, then writes 16 MiB: $(echo "$out" | tr '\n' ' '); file has $(du -k /mnt/pq/upper/esc 2>/dev/null | cut -f1) KiB"
umount /mnt/ov /mnt/pq

# --- 2. an ext4 image --------------------------------------------------------------------
for size in 16M 256M 1G; do
	rm -f img
	truncate -s "$size" img
	s=$(date +%s%N)
	/sbin/mkfs.ext4 -q -b 4096 -i 16384 -m 0 img </dev/null >/dev/null 2>&1
	e=$(date +%s%N)
	mount -o loop,nosuid,nodev img /mnt/ov
	m "image-$size: mkfs $(( (e - s) / 1000000 )) ms (TCG), usable $(df -k --output=size /mnt/ov | tail -1) KiB, on disk after mkfs $(du -k img | cut -f1) KiB"
	umount /mnt/ov
done

# --- 3. io.max below the image ---------------------------------------------------------
truncate -s 128M outer.img
OUTER=$(losetup -f --show outer.img)
mkfs.ext4 -q "$OUTER" && mkdir -p /mnt/outer && mount "$OUTER" /mnt/outer
DEV=$(lsblk -dno MAJ:MIN "$OUTER" | tr -d ' ')
truncate -s 64M /mnt/outer/home.img
/sbin/mkfs.ext4 -q -b 4096 -m 0 /mnt/outer/home.img
mkdir -p /sys/fs/cgroup/mio
echo "+io" >/sys/fs/cgroup/cgroup.subtree_control
echo "$DEV wbps=1048576" >/sys/fs/cgroup/mio/io.max
for dio in on off; do
	INNER=$(losetup -f --show --direct-io=$dio /mnt/outer/home.img)
	mount "$INNER" /mnt/ov
	for how in "oflag=direct" "conv=fsync"; do
		t=$(sh -c 'echo $$ >/sys/fs/cgroup/mio/cgroup.procs; s=$(date +%s%N); dd if=/dev/zero of=/mnt/ov/w bs=1M count=4 '"$how"' status=none; echo $(( ($(date +%s%N) - s) / 1000000 ))')
		rm -f /mnt/ov/w; sync
		m "io-loop-dio-$dio-$how: 4 MiB into the image from a cgroup with wbps=1M on the disk below: $t ms (DIO in use: $(cat /sys/block/${INNER#/dev/}/loop/dio))"
	done
	umount /mnt/ov
	losetup -d "$INNER" 2>/dev/null
done
INNER=$(losetup -f --show --direct-io=on /mnt/outer/home.img); mount "$INNER" /mnt/ov
t=$(sh -c 's=$(date +%s%N); dd if=/dev/zero of=/mnt/ov/w bs=1M count=4 oflag=direct status=none; echo $(( ($(date +%s%N) - s) / 1000000 ))')
m "io-loop-unlimited: the same 4 MiB from the root cgroup: $t ms"
umount /mnt/ov
finish
