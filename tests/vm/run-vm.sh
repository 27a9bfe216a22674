#!/bin/bash
# Run test scripts inside a throwaway qemu VM whose root filesystem is the
# host root (read-only 9p + tmpfs overlay). See tests/vm/README.md.
# CONFINE_VM_INIT=systemd boots systemd as PID 1 instead of guest-init.sh.
#
# usage: run-vm.sh [--keep-log DIR] SCRIPT...
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${CONFINE_VM_CACHE:-/var/cache/confine-vm}
TIMEOUT=${CONFINE_VM_TIMEOUT:-600}
TOTAL_TIMEOUT=${CONFINE_VM_TOTAL_TIMEOUT:-2400}
MEM=${CONFINE_VM_MEM:-2G}
SMP=${CONFINE_VM_SMP:-2}
SHELL_MODE=${CONFINE_VM_SHELL:-0}
VERBOSE=${CONFINE_VM_VERBOSE:-0}
NINEP_CACHE=${CONFINE_VM_9P_CACHE:-loose}
INIT_MODE=${CONFINE_VM_INIT:-busybox}
MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci 9pnet 9pnet_virtio netfs fscache 9p overlay"

die() { echo "run-vm: error: $*" >&2; exit 2; }
note() { echo "# $*"; }

usage() { echo "usage: $0 [--keep-log DIR] SCRIPT..." >&2; exit 2; }

KEEP=
SCRIPTS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--keep-log) [ $# -ge 2 ] || usage; KEEP=$2; shift 2 ;;
	--keep-log=*) KEEP=${1#*=}; shift ;;
	-h|--help) usage ;;
	--) shift; SCRIPTS+=("$@"); break ;;
	-*) usage ;;
	*) SCRIPTS+=("$1"); shift ;;
	esac
done
if [ "$SHELL_MODE" != 1 ] && [ ${#SCRIPTS[@]} -eq 0 ]; then usage; fi
case "$INIT_MODE" in
busybox|systemd) ;;
*) die "CONFINE_VM_INIT must be busybox (the default) or systemd, not '$INIT_MODE'" ;;
esac
[ "$INIT_MODE" = systemd ] && [ "${CONFINE_VM_TRY:-0}" = 1 ] && die "CONFINE_VM_TRY is not supported with CONFINE_VM_INIT=systemd"

[ "$(id -u)" = 0 ] || die "must run as root (the VM exports the host root filesystem)"
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
[ -x /bin/busybox ] || die "/bin/busybox not found (apt-get install busybox-static)"
command -v cpio >/dev/null || die "cpio not found (apt-get install cpio)"
command -v depmod >/dev/null || die "depmod not found (apt-get install kmod)"

# Resolve script paths: the host root is the guest root, so absolute host
# paths work unchanged inside the VM -- except below /tmp, /run, /dev and
# /proc, /sys which the guest mounts fresh; such scripts are copied into the
# results export and run from there.
ABS=()   # host path (for reporting)
GPATH=() # path as seen by the guest
for s in "${SCRIPTS[@]}"; do
	[ -f "$s" ] || die "no such script: $s"
	ABS+=("$(cd "$(dirname "$s")" && pwd -P)/$(basename "$s")")
done

# --- kernel ------------------------------------------------------------
find_cached_kver() {
	local d
	for d in "$CACHE"/*/boot/vmlinuz-*; do
		[ -f "$d" ] && { basename "$d" | sed 's/^vmlinuz-//'; return 0; }
	done
	return 1
}

# VMs may boot in parallel (make check runs two at a time): one fetches, the others wait.
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

KVER=${CONFINE_VM_KVER:-}
if [ -z "$KVER" ]; then
	PKG=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1 || true)
	if [ -n "$PKG" ]; then
		KVER=${PKG#linux-image-}
	else
		KVER=$(find_cached_kver) || die "cannot determine kernel version (apt-cache depends linux-image-amd64 failed, nothing cached in $CACHE)"
	fi
fi
KDIR=$CACHE/$KVER
VMLINUZ=$KDIR/boot/vmlinuz-$KVER
MODDIR=$KDIR/lib/modules/$KVER

if [ ! -f "$VMLINUZ" ] || [ ! -f "$MODDIR/modules.dep" ]; then
	note "fetching kernel linux-image-$KVER into $KDIR"
	mkdir -p "$CACHE"
	dl=$(mktemp -d "$CACHE/.dl.XXXXXX")
	chmod 0755 "$dl" # lets apt's _apt user write there (no sandbox warning)
	( cd "$dl" && apt-get download "linux-image-$KVER" >/dev/null ) \
		|| { rm -rf "$dl"; die "apt-get download linux-image-$KVER failed (try apt-get update)"; }
	mkdir "$dl/x"
	dpkg-deb -x "$dl"/linux-image-"$KVER"_*.deb "$dl/x"
	depmod -b "$dl/x" "$KVER"
	rm -rf "$KDIR"
	mv "$dl/x" "$KDIR"
	rm -rf "$dl"
fi
[ -f "$VMLINUZ" ] || die "kernel image $VMLINUZ missing"

# --- packages for the guest only -----------------------------------------------
# Debian packages that tests install inside the VM (dpkg -i into the throwaway overlay),
# never on the host: downloaded once into the cache dir, like the kernel. A test that
# needs a missing one fails saying so.
DEBDIR=$CACHE/debs
for pkg in ${CONFINE_VM_DEBS-at}; do
	ls "$DEBDIR/${pkg}"_*.deb >/dev/null 2>&1 && continue
	note "fetching $pkg (installed in the guest only) into $DEBDIR"
	mkdir -p "$DEBDIR" && chmod 0755 "$DEBDIR"
	( cd "$DEBDIR" && apt-get download "$pkg" >/dev/null 2>&1 ) ||
		note "apt-get download $pkg failed (try apt-get update); tests needing it will fail"
done

exec 9>&-

# --- work dir, initramfs ---------------------------------------------------
WORK=$(mktemp -d /tmp/confine-vm.XXXXXX)
QEMU_PID=
cleanup() {
	[ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

RES=$WORK/results
mkdir -p "$RES" "$WORK/initrd/bin" "$WORK/initrd/modules"
chmod 0777 "$RES"
n=0
for s in "${ABS[@]}"; do
	n=$((n + 1))
	case "$s" in
	/tmp/*|/run/*|/dev/*|/proc/*|/sys/*|/mnt/results/*)
		mkdir -p "$RES/scripts.d"
		cp "$s" "$RES/scripts.d/$n-$(basename "$s")"
		GPATH+=("/mnt/results/scripts.d/$n-$(basename "$s")") ;;
	*) GPATH+=("$s") ;;
	esac
done
cp /bin/busybox "$WORK/initrd/bin/busybox"
cp "$HERE/initramfs-init" "$WORK/initrd/init"
chmod 0755 "$WORK/initrd/init"
: >"$WORK/initrd/modules/load-order"
for m in $MODULES; do
	f=$(find "$MODDIR/kernel" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" -o -name "$m.ko.gz" | head -n1)
	[ -n "$f" ] || continue # built in
	case "$f" in
	*.xz) xz -dc "$f" >"$WORK/initrd/modules/$m.ko" ;;
	*.zst) zstd -dcq "$f" >"$WORK/initrd/modules/$m.ko" ;;
	*.gz) gzip -dc "$f" >"$WORK/initrd/modules/$m.ko" ;;
	*) cp "$f" "$WORK/initrd/modules/$m.ko" ;;
	esac
	echo "$m" >>"$WORK/initrd/modules/load-order"
done
# --- guest configuration ------------------------------------------------
[ ${#GPATH[@]} -eq 0 ] || printf '%s\n' "${GPATH[@]}" >"$RES/scripts"
{
	printf 'CONFINE_REPO=%q\n' "$REPO"
	printf 'CONFINE_VM_TIMEOUT=%q\n' "$TIMEOUT"
	printf 'CONFINE_VM_KVER=%q\n' "$KVER"
	printf 'CONFINE_VM_MODDIR=%q\n' "$MODDIR"
	printf 'CONFINE_VM_SHELL=%q\n' "$SHELL_MODE"
	printf 'CONFINE_VM_TRY=%q\n' "${CONFINE_VM_TRY:-0}"
	printf 'CONFINE_VM_BUILD=%q\n' "${CONFINE_VM_BUILD:-build}"
	printf 'CONFINE_VM_INIT=%q\n' "$INIT_MODE"
	printf 'CONFINE_VM_DEBDIR=%q\n' "$DEBDIR"
} >"$RES/config"

# Stage 2 (what initramfs-init switch_roots into): guest-init.sh, bash as PID 1
# running the scripts itself; or systemd, which finds its units, masks and the test
# runner (guest-systemd.sh) in the overlay's upper layer (systemd-overlay.sh).
INIT_APPEND=
if [ "$INIT_MODE" = systemd ]; then
	GUEST_INIT=/lib/systemd/systemd
	[ -x "$GUEST_INIT" ] || die "$GUEST_INIT not found: CONFINE_VM_INIT=systemd needs systemd on the host"
	case "$HERE" in *[[:space:]]*) die "path $HERE contains whitespace";; esac
	bash "$HERE/systemd-overlay.sh" "$WORK/initrd/overlay" "$RES/config"
	status=error
	[ "$VERBOSE" = 1 ] && status=yes
	INIT_APPEND="systemd.unit=confine-vm.target systemd.unified_cgroup_hierarchy=1 systemd.show_status=$status"
else
	GUEST_INIT=$HERE/guest-init.sh
fi
case "$GUEST_INIT" in *[[:space:]]*) die "path $GUEST_INIT contains whitespace";; esac
( cd "$WORK/initrd" && find . | cpio -o -H newc --quiet | gzip -1 ) >"$WORK/initrd.gz"

QARGS=(
	-accel tcg,thread=multi -cpu max -m "$MEM" -smp "$SMP"
	-nographic -no-reboot -nodefaults
	-kernel "$VMLINUZ" -initrd "$WORK/initrd.gz"
	-append "console=ttyS0 panic=-1 loglevel=4 quiet confine_init=$GUEST_INIT confine_9pcache=$NINEP_CACHE $INIT_APPEND ${CONFINE_VM_APPEND:-}"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$RES,mount_tag=results,security_model=none,multidevs=remap"
)

if [ "$SHELL_MODE" = 1 ]; then
	"$QEMU" "${QARGS[@]}" -serial mon:stdio
	exit $?
fi

# --- run ------------------------------------------------------------------
pid1=
[ "$INIT_MODE" = systemd ] && pid1=", systemd as PID 1"
note "booting $KVER under qemu (TCG$pid1), ${#ABS[@]} script(s), per-script timeout ${TIMEOUT}s"
t0=$(date +%s)
# the guest enforces per-script timeouts; this is the backstop for hangs
if [ "$VERBOSE" = 1 ]; then
	timeout -k 10 "$TOTAL_TIMEOUT" "$QEMU" "${QARGS[@]}" -serial stdio </dev/null > >(tee "$WORK/console.log") 2>&1 &
else
	timeout -k 10 "$TOTAL_TIMEOUT" "$QEMU" "${QARGS[@]}" -serial stdio </dev/null >"$WORK/console.log" 2>&1 &
fi
QEMU_PID=$!
qrc=0
wait "$QEMU_PID" || qrc=$?
QEMU_PID=
timed_out=0
[ $qrc = 124 ] || [ $qrc = 137 ] && timed_out=1
t1=$(date +%s)
note "VM ran for $((t1 - t0))s (qemu exit status $qrc)"
if [ -f "$RES/boot.time" ]; then
	note "boot: the first test started $(cat "$RES/boot.time")s after kernel start (guest uptime), $(( $(stat -c %Y "$RES/boot.time") - t0 ))s after qemu start"
fi

# --- report ---------------------------------------------------------------
pass=0 fail=0 skip=0 n=0
echo "1..${#ABS[@]}"
for s in "${ABS[@]}"; do
	n=$((n + 1))
	name=${s#"$REPO"/}
	log=$RES/$n.log
	secs=$(cat "$RES/$n.time" 2>/dev/null || echo "?")
	if [ ! -f "$RES/$n.status" ]; then
		fail=$((fail + 1))
		echo "not ok $n - $name # did not complete (VM crashed or timed out)"
		[ -f "$log" ] && tail -n 40 "$log" | sed 's/^/#   /'
		continue
	fi
	rc=$(cat "$RES/$n.status")
	case "$rc" in
	0)
		pass=$((pass + 1))
		echo "ok $n - $name (${secs}s)" ;;
	77)
		skip=$((skip + 1))
		reason=$(grep -m1 -i '^# *skip' "$log" 2>/dev/null | sed 's/^# *[Ss][Kk][Ii][Pp][: ]*//' || true)
		echo "ok $n - $name # SKIP ${reason:-exit status 77}" ;;
	*)
		fail=$((fail + 1))
		echo "not ok $n - $name # exit status $rc (${secs}s)"
		echo "#   --- last 60 lines of $name log ---"
		tail -n 60 "$log" | sed 's/^/#   /' ;;
	esac
done

bad=0
if [ ! -f "$RES/done" ] || [ "$timed_out" = 1 ]; then
	bad=1
	[ "$timed_out" = 1 ] && echo "# VM killed after overall timeout of ${TOTAL_TIMEOUT}s"
	echo "#   --- last 40 lines of VM console ---"
	tail -n 40 "$WORK/console.log" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g; s/\r//g; s/^/#   /'
fi

if [ -n "$KEEP" ]; then
	mkdir -p "$KEEP"
	cp -a "$RES/." "$KEEP/"
	cp "$WORK/console.log" "$KEEP/console.log"
	note "logs kept in $KEEP"
fi

if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail = 0 ] && [ $bad = 0 ]
