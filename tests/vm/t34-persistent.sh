#!/bin/bash
# Persistent homes have the size of home_size: an ext4 image per user on a loop device that
# goes away with the last mount (confine.conf(5), home_size). Logins through su (PAM).
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CTL=/usr/local/sbin/confinectl
CONFINE_SHELL=/usr/local/libexec/confine/confine-shell
STATE=/var/lib/confine
modprobe loop
# state_dir on a tmpfs of 256M: room for far more than any home_size below (the control).
mkdir -p $STATE && mount -t tmpfs -o mode=0700,size=256M tmpfs $STATE
for u in t34b t34c t34d; do
	id $u >/dev/null 2>&1 || useradd --create-home --shell $CONFINE_SHELL --groups confine --user-group $u
done

conf_home() { # HOME_SIZE
	cat >/etc/confine/confine.conf <<CONF
state_dir = "$STATE";
profiles = { lab = { home = "persistent"; home_size = "$1"; pids_max = 64; }; };
rules = ( { group = "confine"; profile = "lab"; } );
CONF
}
as() { su -l "$1" -c "$2" </dev/null 2>&1; }
SNAP_USERS="guest t34b t34c" # (snapshot, expect_clean, home_sum: lib.sh)
kib() { du -k "$1" | cut -f1; }

conf_home 16M
# --- a host that cannot hold home_size: check refuses the profile, logins are refused -----
mv /sbin/mkfs.ext4 /sbin/mkfs.ext4.t34
out=$($CTL check 2>&1); rc=$?
assert_eq "$rc" 3 "no mkfs.ext4: check exits 3"
assert_contains "$out" "# profile lab: NOT usable on this host: home_size cannot be enforced: /sbin/mkfs.ext4: No such file or directory (install e2fsprogs)" "no mkfs.ext4: check says the size cannot be enforced"
out=$(as t34d 'echo ran-unlimited'); rc=$?
assert_ne "$rc" 0 "no mkfs.ext4: a first login is refused"
assert_contains "$out" "cannot run /sbin/mkfs.ext4 (install e2fsprogs)" "no mkfs.ext4: the user is told why"
assert_eq "$(ls -A $STATE/t34d)" "" "no mkfs.ext4: no image is left"
mv /sbin/mkfs.ext4.t34 /sbin/mkfs.ext4
if modprobe -r loop && [ ! -e /dev/loop-control ]; then
	out=$($CTL check 2>&1); rc=$?
	assert_eq "$rc" 3 "no loop driver: check exits 3"
	assert_contains "$out" "# profile lab: NOT usable on this host: home_size cannot be enforced: no loop devices" "no loop driver: check says the size cannot be enforced"
	out=$(as t34d 'echo ran-unlimited'); rc=$?
	assert_ne "$rc" 0 "no loop driver: the login is refused"
	assert_not_contains "$out" "ran-unlimited" "no loop driver: no shell ran"
else
	skip "the loop driver cannot be unloaded here"
fi
modprobe loop
out=$($CTL check 2>&1)
assert_contains "$out" "# profile lab: usable" "check: the persistent profile is usable with loop devices, ext4 and mkfs.ext4"
before=$(snapshot)
assert_eq "$(losetup -a)" "" "no loop device attached before the first login"
sum_guest=$(home_sum guest)

# --- the first login makes the image --------------------------------------------------
out=$(as guest 'echo kept >~/kept; findmnt -no FSTYPE ~; df -k --output=size ~ | tail -1')
assert_contains "$out" "overlay" "first login: the home is an overlay"
assert_eq "$(stat -c '%U %a %s' $STATE/guest/home.img)" "root 600 16777216" "the image is root's, 0600, of home_size"
assert_eq "$(stat -c '%U %a' $STATE/guest)" "root 700" "in the root-only state directory"
assert_eq "$(ls -A $STATE/guest)" "home.img" "nothing else of the home lies in state_dir"
expect_clean "logout: no mount, loop device, record or process left"

# --- home_size holds ----------------------------------------------------------------
# The control: the file system below has room for far more than home_size.
dd if=/dev/zero of=$STATE/control bs=1M count=64 status=none
assert_eq "$(kib $STATE/control)" 65536 "control: state_dir takes 64 MiB from root"
rm -f $STATE/control
out=$(as guest 'dd if=/dev/zero of=~/big bs=1M count=64 2>&1 | grep -o "No space left on device" | head -1; echo still=alive; ls -s ~/big')
assert_contains "$out" "No space left on device" "writing 64 MiB into a 16M home gives ENOSPC"
assert_contains "$out" "still=alive" "and the shell goes on"
used=$(kib $STATE/guest/home.img)
[ "$used" -le 16384 ] && ok "state_dir holds at most home_size for the home ($used KiB)" || not_ok "the image takes $used KiB"
out=$(as guest 'rm ~/big && echo small >~/small && cat ~/small ~/kept')
assert_eq "$out" "$(printf 'small\nkept')" "after freeing space the home writes again and kept its file"
expect_clean "home_size: nothing left after logout"

# --- persistence, and the real home ----------------------------------------------------
assert_eq "$(as guest 'cat ~/kept')" kept "a file written in one login is there in the next"
check_fails "the real home does not have it" test -e /home/guest/kept
assert_eq "$(home_sum guest)" "$sum_guest" "the real home is byte-identical to before"

# --- two users: two images, two loop devices, independent ------------------------------
su -l guest -c 'sleep 60' </dev/null >/dev/null 2>&1 & S1=$!
su -l t34b -c 'echo mine >~/mine; dd if=/dev/zero of=~/fill bs=1M count=64 2>/dev/null; sleep 60' </dev/null >/dev/null 2>&1 & S2=$!
for _ in $(seq 300); do [ "$(losetup -a | wc -l)" = 2 ] && [ "$(ls /run/confine/sessions | wc -l)" = 2 ] && break; sleep 0.2; done
loops=$(losetup -a)
assert_contains "$loops" "$STATE/guest/home.img" "two sessions: guest's image is attached"
assert_contains "$loops" "$STATE/t34b/home.img" "two sessions: t34b's image on another loop device"
for _ in $(seq 100); do [ "$(kib $STATE/t34b/home.img)" -ge 8000 ] && break; sleep 0.2; done
out=$(as guest 'echo fits >~/fits && cat ~/fits; ls ~/mine 2>&1')
assert_contains "$out" "fits" "t34b's full home leaves guest's home room"
assert_contains "$out" "No such file" "guest does not see t34b's files"
# kill -9 of the login processes: close never runs; gc collects.
kill -9 $S1 $S2; wait $S1 $S2 2>/dev/null
check "confinectl gc" $CTL gc
expect_clean "kill -9 of the logins + gc: no mount, loop device, record or process left"
assert_eq "$(as t34b 'cat ~/mine')" mine "t34b's file is kept in its own image"

# --- growing home_size ---------------------------------------------------------------
conf_home 32M
out=$(as guest 'df -k --output=size ~ | tail -1; dd if=/dev/zero of=~/twenty bs=1M count=20 status=none && echo wrote20; rm -f ~/twenty; cat ~/kept')
size=$(echo "$out" | head -1 | tr -d ' ')
[ "${size:-0}" -gt 24000 ] && ok "a bigger home_size grows the home ($size KiB)" || not_ok "home size after growing: $out"
assert_contains "$out" "wrote20" "20 MiB fit now"
assert_contains "$out" "kept" "growing kept the files"
assert_eq "$(stat -c %s $STATE/guest/home.img)" 33554432 "the image file is of the new home_size"
expect_clean "growing: nothing left after logout"

# --- a smaller home_size is refused, never shrinks --------------------------------------
conf_home 16M
out=$(as guest 'echo ran-with-16M'); rc=$?
assert_ne "$rc" 0 "a home_size below the image refuses the login"
assert_not_contains "$out" "ran-with-16M" "no shell ran"
assert_contains "$out" "home_size 16M is smaller than the home image $STATE/guest/home.img (32M): a home is never shrunk" "the user is told why"
assert_contains "$($CTL check 2>&1)" "# warning: profile lab: home_size 16M is smaller than $STATE/guest/home.img (32M)" "confinectl check warns about it"
assert_eq "$(stat -c %s $STATE/guest/home.img)" 33554432 "the image is untouched"
conf_home 32M
assert_eq "$(as guest 'cat ~/kept')" kept "home_size back: the files are there"
expect_clean "shrinking refused: nothing left after logout"

# --- an upper directory of the older layout ----------------------------------------------
# What confine before images left: state_dir/<user>/upper (the user's, the real home's
# mode) and work/, with a file and a whiteout hiding a file of the real home.
echo "in the real home" >/home/t34c/gone && chown t34c: /home/t34c/gone
install -d -m 0700 -o root -g root $STATE/t34c $STATE/t34c/work
install -d -m "$(stat -c %a /home/t34c)" -o t34c -g t34c $STATE/t34c/upper
echo "written before the upgrade" >$STATE/t34c/upper/old-data && chown t34c: $STATE/t34c/upper/old-data
mknod $STATE/t34c/upper/gone c 0 0
legacy_sum() { (cd $STATE/t34c && ls -lnRa --time-style=+ . && cat upper/old-data) | sha256sum; }
sum_legacy=$(legacy_sum)
out=$(as t34c 'echo ran-unlimited'); rc=$?
assert_ne "$rc" 0 "an old upper without an image refuses the login"
assert_not_contains "$out" "ran-unlimited" "no shell ran"
assert_contains "$out" "$STATE/t34c/upper is a persistent home of an older confine, without a size limit: migrate it into $STATE/t34c/home.img (confine.conf(5), MIGRATION)" "the message names the path and the migration"
assert_eq "$(legacy_sum)" "$sum_legacy" "the old upper is untouched, no image was made"
assert_contains "$($CTL check 2>&1)" "# warning: $STATE/t34c/upper is a persistent home of an older confine" "confinectl check warns about it"
# The migration, as confine.conf(5) describes it.
(
	set -e
	cd $STATE/t34c
	truncate -s 32M migrate.img
	mkfs.ext4 -q -b 4096 -i 16384 -m 0 -E root_owner=0:0 migrate.img
	mount -o loop migrate.img /mnt
	cp -a upper /mnt/upper
	umount /mnt
	chmod 0600 migrate.img
	mv migrate.img home.img
	mv upper upper.migrated
) >/tmp/migrate.log 2>&1
check "the documented migration runs" test -s $STATE/t34c/home.img
out=$(as t34c 'cat ~/old-data; ls ~/gone 2>&1')
assert_contains "$out" "written before the upgrade" "migrated: the old files are in the home"
assert_contains "$out" "No such file" "migrated: the whiteout still hides the real home's file"
expect_clean "migrated: nothing left after logout"

# --- leftovers of a dead helper; a mount that outlived its session ---------------------
# A helper SIGKILLed while the image was staged leaves it mounted on the user's stage.
mkdir -p /run/confine/users/guest/stage
mount -o loop,nosuid,nodev $STATE/guest/home.img /run/confine/users/guest/stage
assert_eq "$(as guest 'cat ~/kept')" kept "an image left on the stage is unmounted first, the login works"
expect_clean "and nothing of it is left after logout"
# The image attached somewhere else: a second mount would corrupt it; the login is refused.
L=$(losetup -f --show $STATE/guest/home.img)
out=$(as guest 'echo ran-twice'); rc=$?
assert_ne "$rc" 0 "an image still attached to a loop device refuses the login"
assert_contains "$out" "$STATE/guest/home.img is still in use (attached to $L)" "and says where"
losetup -d "$L"
assert_eq "$(as guest 'cat ~/kept')" kept "detached again, the login works"
expect_clean "in the end: no mount, loop device, record or process left"
