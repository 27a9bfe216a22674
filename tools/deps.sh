#!/bin/bash
# The Debian packages confine's build, tests and packaging need, installed only when missing
# -- and never at the price of this machine's init system or its running services.
#
# usage: tools/deps.sh [--check | --dry-run] GROUP|PACKAGE...
#   GROUP: build (compile), vm (the qemu tests, make try; also fetches, never installs, the
#   packages the fleet tests install inside the VM: GUEST_ below), systemd-vm (the tests with systemd
#   as PID 1), package (make deb, lintian, rpmbuild, the playbook's --check), lint (make lint), all.
#   --check    list what is missing and exit 1 if anything is; change nothing
#   --dry-run  also resolve the install with apt (simulated) and apply the guards below
#   (default)  as root: install what is missing; otherwise say what to install and exit 1
#
# Guards, for whoever runs `make check` on a machine that matters:
# - nothing is removed: apt's simulated plan must have no "Remv" (a package that replaces the
#   init system, e.g. systemd-sysv against sysvinit-core, removes the old one);
# - /sbin/init does not change: no package providing it (the alternatives of Debian's `init`
#   package) is newly installed -- on a host without systemd-sysv the systemd VM tests need
#   it, and that decision is left to the admin;
# - no service starts: a policy-rc.d that denies every action (exit 101) is in place while
#   apt runs (invoke-rc.d and deb-systemd-invoke both ask it); an existing one that already
#   denies is kept, any other is set aside and put back;
# - no service starts at the next boot either: units and rc links the install enabled are
#   disabled again (named on stderr; `systemctl enable` them if they are wanted).
set -euo pipefail

declare -A GROUPS_=(
	[build]="gcc make pkg-config libc6-dev libpam0g-dev libconfig-dev libsystemd-dev libseccomp-dev libmnl-dev libnftables-dev python3"
	[vm]="qemu-system-x86 busybox-static cpio kmod xz-utils openssh-server openssh-client iproute2 procps psmisc strace perl login passwd util-linux bc e2fsprogs pamtester python3 sudo bubblewrap nftables"
	[systemd-vm]="systemd systemd-sysv dbus libpam-systemd cage xwayland foot grim wayland-utils"
	[package]="debhelper dpkg-dev fakeroot lintian rpm bash-completion ansible-core"
	[lint]="clang libclang-rt-14-dev clang-tidy clang-format cppcheck ansible-core"
)
# Packages for the VM guest only (the fleet tests' directory and NFS server): never installed
# here -- libnss-sss and libpam-sss would change this machine's NSS and PAM -- but fetched with
# their dependencies that this machine lacks (apt-get install -d: resolved against what is
# installed here, which the VM's root is) into $CONFINE_VM_CACHE/debs/SET, where the tests
# dpkg -i them inside the throwaway VM. Fetched with the vm group.
declare -A GUEST_=(
	[directory]="slapd ldap-utils sssd-ldap libnss-sss libpam-sss"
	[nfs]="nfs-kernel-server"
)
GUEST_DIR=${CONFINE_VM_CACHE:-/var/cache/confine-vm}/debs
GROUPS_[all]="${GROUPS_[build]} ${GROUPS_[vm]} ${GROUPS_[systemd-vm]} ${GROUPS_[package]} ${GROUPS_[lint]}"
POLICY=/usr/sbin/policy-rc.d
MARK="written by confine's tools/deps.sh while apt runs"

say() { echo "deps: $*" >&2; }
die() { say "$*"; exit 1; }

mode=install
case "${1:-}" in
--check) mode=check; shift ;;
--dry-run) mode=dry-run; shift ;;
esac
[ $# -gt 0 ] || die "usage: $0 [--check | --dry-run] GROUP|PACKAGE... (groups: ${!GROUPS_[*]})"
want=()
guest=()
for a in "$@"; do
	case "$a" in vm | all) guest=("${!GUEST_[@]}") ;; esac
	if [ -n "${GROUPS_[$a]+x}" ]; then
		read -ra p <<<"${GROUPS_[$a]}"
		want+=("${p[@]}")
	else
		want+=("$a")
	fi
done

command -v dpkg-query >/dev/null ||
	die "not a Debian system (no dpkg-query): install the equivalents of: ${want[*]} (the Makefile's deps target names Fedora's)"

# What is not installed ("ii"): dpkg-query is silent about packages it never saw.
missing() {
	local installed
	# (exits 1 when it knows a package not at all: that is an answer, not an error)
	installed=$({ dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2>/dev/null || true; } |
		awk '$1 == "ii" { print $2 }')
	local p
	for p in "$@"; do
		grep -qxF "${p%%:*}" <<<"$installed" || echo "$p"
	done | sort -u
}
mapfile -t miss < <(missing "${want[@]}")

# The guest sets not fetched yet: a set is complete once its stamp names exactly its packages.
guest_missing() {
	local s
	for s in "${guest[@]}"; do
		[ "$(cat "$GUEST_DIR/$s/.complete" 2>/dev/null)" = "${GUEST_[$s]}" ] || echo "$s"
	done
}
# Downloads a set and its dependencies missing here; the stamp last (an interrupted fetch
# is fetched again).
guest_fetch() {
	local s=$1 d=$GUEST_DIR/$1 out
	mkdir -p "$d/partial" && chmod 0755 "$GUEST_DIR" "$d" "$d/partial"
	rm -f "$d/.complete"
	# shellcheck disable=SC2086 # the set is a list of names
	out=$(LC_ALL=C apt-get install -d -y -q --no-install-recommends -o Dir::Cache::archives="$d" \
		${GUEST_[$s]} 2>&1) || {
		LC_ALL=C apt-get update -q >/dev/null 2>&1 || true
		out=$(LC_ALL=C apt-get install -d -y -q --no-install-recommends -o Dir::Cache::archives="$d" \
			${GUEST_[$s]} 2>&1)
	} || { printf '%s\n' "$out" >&2; die "cannot fetch the VM guest's packages ($s): ${GUEST_[$s]}"; }
	rm -rf "$d/partial" "$d/lock"
	printf '%s\n' "${GUEST_[$s]}" >"$d/.complete"
	say "fetched for the VM guest only into $d: ${GUEST_[$s]} ($(ls "$d" | grep -c '\.deb$') .debs)"
}
# (inside the test VM itself, t66, there is no network and nothing to fetch for a guest)
[ "${CONFINE_VM:-0}" = 1 ] && guest=()
mapfile -t gmiss < <(guest_missing)
if [ ${#miss[@]} -eq 0 ] && [ ${#gmiss[@]} -eq 0 ]; then exit 0; fi
if [ ${#miss[@]} -eq 0 ]; then
	if [ "$mode" = check ]; then
		say "not fetched for the VM guest (into $GUEST_DIR): ${gmiss[*]}"
		exit 1
	fi
	[ "$mode" = dry-run ] && { say "would fetch for the VM guest: ${gmiss[*]}"; exit 0; }
	[ "$(id -u)" = 0 ] || die "the VM guest's packages (${gmiss[*]}) are fetched as root: sudo $0 vm"
	for s in "${gmiss[@]}"; do guest_fetch "$s"; done
	exit 0
fi

if [ "$mode" = check ]; then
	say "missing Debian packages: ${miss[*]}"
	[ ${#gmiss[@]} -eq 0 ] || say "not fetched for the VM guest (into $GUEST_DIR): ${gmiss[*]}"
	exit 1
fi
if [ "$(id -u)" != 0 ] && [ "$mode" = install ]; then
	say "these Debian packages are missing: ${miss[*]}"
	die "install them as root: apt-get install --no-install-recommends ${miss[*]}   (or: sudo make deps)"
fi

# The alternatives of Debian's `init` package: whatever provides /sbin/init.
init_providers() {
	{ apt-cache depends init 2>/dev/null | sed -n 's/^ *|\?PreDepends: *//p'; echo systemd-sysv sysvinit-core runit-init; } |
		tr ' ' '\n' | grep -v '^$' | sort -u
}

# Simulated plan: refuses removals and a new init. Prints the packages apt would install.
plan() {
	local out rem new p
	out=$(LC_ALL=C apt-get -s -q install --no-install-recommends "$@" 2>&1) ||
		{ printf '%s\n' "$out" >&2; die "apt cannot resolve: $*"; }
	rem=$(sed -n 's/^Remv \([^ ]*\).*/\1/p' <<<"$out" | tr '\n' ' ')
	[ -z "$rem" ] || die "refusing: installing ${*} would remove ${rem}(an init system is replaced this way); install what you want by hand"
	new=$(sed -n 's/^Inst \([^ ]*\).*/\1/p' <<<"$out")
	for p in $(init_providers); do
		grep -qxF "$p" <<<"$new" || continue
		[ -n "$(missing "$p")" ] || continue # upgraded in place: the same init system
		die "refusing: installing ${*} would install $p, which provides /sbin/init and would change this machine's init system (the systemd VM tests need systemd-sysv via libpam-systemd: install it yourself if that is what you want)"
	done
	printf '%s\n' "$new"
}

# A policy-rc.d that denies every start, restart and reload while apt runs.
policy_saved=
policy_put() {
	if [ -e "$POLICY" ] && ! grep -qF "$MARK" "$POLICY"; then
		local rc=0
		"$POLICY" confine-deps-probe start >/dev/null 2>&1 || rc=$?
		[ "$rc" = 101 ] && return 0 # already denies: keep it
		mv "$POLICY" "$POLICY.confine-deps-saved"
		policy_saved=1
	fi
	printf '#!/bin/sh\n# %s: no service starts.\n# Delete it if a killed run left it behind.\nexit 101\n' "$MARK" >"$POLICY.tmp"
	chmod 0755 "$POLICY.tmp"
	mv "$POLICY.tmp" "$POLICY"
	trap policy_restore EXIT
	trap 'exit 130' INT TERM
}
policy_restore() {
	if [ -e "$POLICY" ] && grep -qF "$MARK" "$POLICY"; then rm -f "$POLICY"; fi
	if [ -n "$policy_saved" ] || [ -e "$POLICY.confine-deps-saved" ]; then
		mv "$POLICY.confine-deps-saved" "$POLICY"
	fi
	return 0
}

# Units and rc links enabled at boot.
boot_links() { find /etc/systemd/system /etc/rc[2-5].d -maxdepth 2 -type l 2>/dev/null | sort; }

# Disables what the install enabled: new .wants/.requires links name the unit, new rcN.d
# S links the init script.
undo_enables() {
	local before=$1 after l units=() scripts=() u
	after=$(boot_links)
	while read -r l; do
		[ -n "$l" ] || continue
		case "$l" in
		/etc/systemd/system/*.wants/* | /etc/systemd/system/*.requires/*) units+=("$(basename "$l")") ;;
		/etc/rc[2-5].d/S*) scripts+=("$(basename "$l" | sed 's/^S[0-9]*//')") ;;
		esac
	done < <(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after"))
	mapfile -t units < <(printf '%s\n' "${units[@]}" | grep -v '^$' | sort -u)
	mapfile -t scripts < <(printf '%s\n' "${scripts[@]}" | grep -v '^$' | sort -u)
	if [ ${#units[@]} -gt 0 ] && command -v systemctl >/dev/null; then
		say "the install enabled ${units[*]} at boot: disabling (this is a build host; systemctl enable them if wanted)"
		systemctl disable --no-reload "${units[@]}" >/dev/null 2>&1 || say "warning: systemctl disable ${units[*]} failed"
	fi
	for u in "${scripts[@]}"; do
		# systemctl disable may have taken the rc links already (systemd-sysv-install)
		ls /etc/rc[2-5].d/S[0-9][0-9]"$u" >/dev/null 2>&1 || continue
		say "the install enabled init script $u at boot: disabling"
		update-rc.d "$u" disable >/dev/null 2>&1 || say "warning: update-rc.d $u disable failed"
	done
}

# A run killed before it could clean up left its policy-rc.d: put things back first.
[ "$mode" = install ] && policy_restore

say "missing: ${miss[*]}"
if [ "$mode" = install ]; then
	LC_ALL=C apt-get update -q >/dev/null || say "warning: apt-get update failed; trying with the package lists at hand"
fi
new=$(plan "${miss[@]}")
if [ "$mode" = dry-run ]; then
	say "would install: $(echo $new)"
	exit 0
fi

policy_put
links=$(boot_links)
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${miss[@]}"
undo_enables "$links"
policy_restore
trap - EXIT
mapfile -t still < <(missing "${want[@]}")
[ ${#still[@]} -eq 0 ] || die "still missing after apt-get: ${still[*]}"
say "installed: ${miss[*]}"
# (after the host's packages: what they bring is not fetched for the guest)
for s in "${gmiss[@]}"; do guest_fetch "$s"; done
