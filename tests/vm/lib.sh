# shellcheck shell=bash
# Helpers for VM test scripts. Source it at the top of a test:
#
#   . "$(dirname "$0")/lib.sh"
#   assert_eq "$(id -u)" 0 "running as root"
#   ...
#   finish            # optional; also runs automatically at exit
#
# Each assertion prints a TAP line ("ok N - msg" / "not ok N - msg").
# The script exits non-zero if any assertion failed; skip_all REASON exits 77.

CONFINE_REPO=${CONFINE_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
_t_n=0
_t_failed=0

ok()     { _t_n=$((_t_n + 1)); echo "ok $_t_n - $*"; }
not_ok() { _t_n=$((_t_n + 1)); _t_failed=$((_t_failed + 1)); echo "not ok $_t_n - $*"; }
skip()   { _t_n=$((_t_n + 1)); echo "ok $_t_n - # SKIP $*"; }
diag()   { printf '# %s\n' "$@"; }

# die MSG: abort the whole script as failed
die() { echo "not ok - FATAL: $*"; _t_failed=$((_t_failed + 1)); exit 1; }

# skip_all REASON: skip the whole script (exit 77)
skip_all() { echo "# SKIP $*"; trap - EXIT; exit 77; }

# vm_apt_setup: for a test that runs apt or dpkg in the VM. The build host is a container
# whose apt configuration deletes apt's caches after every run (slow here; a real Debian
# has none of it). And man-db's dpkg trigger, which rebuilds the manual page index after
# every dpkg run that adds or removes a manual page, walks every page over 9p: 35-60 s per
# dpkg run under TCG, for an index nothing here reads. The file is man-db's own setting
# (what its debconf question man-db/auto-update=false leaves: no file).
vm_apt_setup() { rm -f /etc/apt/apt.conf.d/docker-clean /var/lib/man-db/auto-update; }

# vm_dpkg_install SET: installs the .debs tools/deps.sh fetched for the guest into
# $CONFINE_VM_DEBDIR/SET (the vm group: this host's missing dependencies included) in one
# dpkg run, none of their services started (policy-rc.d says 101: the test starts what it
# needs by hand). Timed lines in /mnt/results/dpkg-SET.log. For time under TCG: no man-db
# trigger (vm_apt_setup); deb-systemd-helper (perl, ~20 s a call under TCG; sssd-common calls
# it for 7 units) is /bin/true for the run -- it only writes unit enablement links, which
# the plain-init VM never reads; documentation, manual pages and translations are not
# unpacked; no fsync (--force-unsafe-io: the overlay is thrown away at power-off); no
# triggers (--no-triggers, as t33 does): libc-bin's ldconfig re-reads every library over 9p
# (20 s beside one other VM, 86 s at load ~8, in dpkg-nfs.log); the new libraries are in
# the multiarch directories ld.so searches without its cache (sssd's private ones by its
# RUNPATH), and the packages (ldconfig is an activate-noawait trigger) are installed all
# the same, libc-bin left triggers-pending in the throwaway overlay.
vm_dpkg_install() {
	local set=$1 d=$CONFINE_VM_DEBDIR/$1 t0=$SECONDS rc
	[ -e "$d/.complete" ] || die "no '$set' packages in $d: run 'bash tools/deps.sh vm' on the host"
	vm_apt_setup
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d
	mount --bind /bin/true /usr/bin/deb-systemd-helper || die "cannot stub deb-systemd-helper"
	{ DEBIAN_FRONTEND=noninteractive dpkg -i --force-unsafe-io --no-triggers --path-exclude='/usr/share/doc/*' \
		--path-exclude='/usr/share/man/*' --path-exclude='/usr/share/locale/*' "$d"/*.deb 2>&1
		echo "rc=$?"; } | while IFS= read -r l; do echo "$((SECONDS - t0)) $l"; done >"/tmp/dpkg-$set.log"
	umount /usr/bin/deb-systemd-helper
	cp "/tmp/dpkg-$set.log" /mnt/results/ 2>/dev/null
	rc=$(sed -n 's/^[0-9]* rc=//p' "/tmp/dpkg-$set.log")
	[ "$rc" = 0 ] || { tail -n 30 "/tmp/dpkg-$set.log"; die "dpkg -i of the '$set' packages failed"; }
	diag "installed $(ls "$d"/*.deb | wc -l) packages ($set) in $((SECONDS - t0)) s"
}

# check MSG CMD...: pass if CMD succeeds (its output is shown on failure)
check() {
	local msg=$1 out rc; shift
	out=$("$@" 2>&1); rc=$?
	if [ $rc = 0 ]; then ok "$msg"; else not_ok "$msg"; diag "command: $*" "exit status: $rc"; [ -n "$out" ] && printf '#   %s\n' "$out"; fi
	return $rc
}

# check_fails MSG CMD...: pass if CMD fails
check_fails() {
	local msg=$1; shift
	if "$@" >/dev/null 2>&1; then not_ok "$msg"; diag "command unexpectedly succeeded: $*"; return 1; fi
	ok "$msg"
}

assert_eq() { # ACTUAL EXPECTED [MSG]
	local msg=${3:-"'$1' = '$2'"}
	if [ "$1" = "$2" ]; then ok "$msg"; return 0; fi
	not_ok "$msg"; diag "expected: '$2'" "     got: '$1'"; return 1
}

assert_ne() { # ACTUAL UNEXPECTED [MSG]
	local msg=${3:-"'$1' != '$2'"}
	if [ "$1" != "$2" ]; then ok "$msg"; return 0; fi
	not_ok "$msg"; diag "got unexpected: '$1'"; return 1
}

assert_contains() { # HAYSTACK NEEDLE [MSG]
	local msg=${3:-"contains '$2'"}
	case "$1" in *"$2"*) ok "$msg"; return 0 ;; esac
	not_ok "$msg"; diag "'$2' not found in:"; printf '#   %s\n' "$1"; return 1
}

assert_not_contains() { # HAYSTACK NEEDLE [MSG]
	local msg=${3:-"does not contain '$2'"}
	case "$1" in *"$2"*) not_ok "$msg"; diag "'$2' found in:"; printf '#   %s\n' "$1"; return 1 ;; esac
	ok "$msg"
}

# assert_line OUTPUT LINE [MSG]: LINE is one whole line of OUTPUT (not a prefix of one:
# "Cpus_allowed_list:	0" must not match "Cpus_allowed_list:	0-1", "host=confine" not
# "host=confine-vm")
assert_line() {
	local msg=${3:-"has the line '$2'"}
	if printf '%s\n' "$1" | grep -qxF -- "$2"; then ok "$msg"; return 0; fi
	not_ok "$msg"; diag "no line '$2' in:"; printf '#   %s\n' "$1"; return 1
}

# val KEY OUTPUT: the value of the first "KEY=value" line of OUTPUT
val() { printf '%s\n' "$2" | sed -n "s/^$1=//p" | head -1; }

# wait_for CMD...: polls CMD every 0.2 s until it succeeds, for up to 30 s (of wall time: a
# CMD can be slow under TCG); its status
wait_for() {
	local end=$((SECONDS + 30))
	until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $end ] || return 1; sleep 0.2; done
}

# make_user NAME: create a throwaway user with a home dir (VM only: /etc
# lives in the tmpfs overlay and vanishes at power-off). Prints nothing.
make_user() {
	local name=$1
	[ "${CONFINE_VM:-0}" = 1 ] || die "make_user refuses to run outside the VM"
	id "$name" >/dev/null 2>&1 && return 0
	useradd --create-home --shell /bin/bash --user-group "$name" || die "useradd $name failed"
}

# require_vm: skip unless running inside the confine test VM
require_vm() { [ "${CONFINE_VM:-0}" = 1 ] || skip_all "not running inside the confine VM"; }

finish() {
	trap - EXIT
	echo "1..$_t_n"
	if [ $_t_failed -gt 0 ]; then
		echo "# $_t_failed of $_t_n assertion(s) failed"
		exit 1
	fi
	exit 0
}

_t_exit() {
	local rc=$?
	trap - EXIT
	echo "1..$_t_n"
	[ $_t_failed -gt 0 ] && { echo "# $_t_failed of $_t_n assertion(s) failed"; exit 1; }
	exit $rc
}
trap _t_exit EXIT

# start_test_sshd USER... [-- EXTRA_CONFIG_LINE...]: sshd on 127.0.0.1:2222 with key auth
# for USERs, PAM, the external sftp-server and the shipped packaging/sshd snippet. Sets
# $SSH (a client command line with the key) for the tests.
start_test_sshd() {
	local users=() extra=() u
	while [ $# -gt 0 ] && [ "$1" != -- ]; do users+=("$1"); shift; done
	[ "${1:-}" = -- ] && { shift; extra=("$@"); }
	mkdir -p /run/sshd
	[ -e /tmp/hostkey ] || ssh-keygen -q -t ed25519 -N '' -f /tmp/hostkey
	[ -e /tmp/clientkey ] || ssh-keygen -q -t ed25519 -N '' -f /tmp/clientkey
	for u in "${users[@]}"; do
		install -d -m 700 -o "$u" -g "$u" "/home/$u/.ssh"
		install -m 600 -o "$u" -g "$u" /tmp/clientkey.pub "/home/$u/.ssh/authorized_keys"
	done
	{
		printf '%s\n' "Port 2222" "ListenAddress 127.0.0.1" "HostKey /tmp/hostkey" \
			"UsePAM yes" "PasswordAuthentication no" "KbdInteractiveAuthentication no" \
			"PubkeyAuthentication yes" "${extra[@]}" \
			"Subsystem sftp /usr/lib/openssh/sftp-server" \
			"Include $CONFINE_REPO/packaging/sshd/confine.conf"
	} >/tmp/sshd_config
	/usr/sbin/sshd -f /tmp/sshd_config -E /tmp/sshd.log || die "sshd did not start"
	SSH="ssh -F /dev/null -i /tmp/clientkey -p 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -o ConnectTimeout=30"
}

# --- sessions: what they leave behind -----------------------------------------------------
# snapshot: every trace a session can leave on the host -- mounts (without their ids),
# cgroups, session records, references and staged homes, the processes of the users in $SNAP_USERS
# (default guest), confine's supervisors (confine-shell, confine:[ns], confine:[init]) and
# loop devices. Take the baseline `before=$(snapshot)` after a first session (it creates the
# delegated cgroup root and /run/confine).
snapshot() {
	local u
	sed 's/^[0-9]* [0-9]* //' /proc/self/mountinfo | sort
	find /sys/fs/cgroup/confine -mindepth 1 -type d 2>/dev/null | sort
	# (/run/confine/users/USER with its sessions/ and stage/ stays once USER logged in: it
	# is the lock; what is in them counts)
	find /run/confine 2>/dev/null | grep -vxE '/run/confine/users/[^/]+(/sessions|/stage)?' | sort
	for u in ${SNAP_USERS:-guest}; do pgrep -u "$u" -a; done
	pgrep -a '^confine'
	losetup -a 2>/dev/null
}
# expect_clean MSG: waits up to 30 s (teardown after a logout is asynchronous: sshd closes
# late) until the snapshot equals $before, then asserts it; on failure shows what is left.
expect_clean() {
	local now end=$((SECONDS + 30))
	until now=$(snapshot); [ "$now" = "$before" ] || [ $SECONDS -ge $end ]; do sleep 0.2; done
	if [ "$now" = "$before" ]; then ok "$1"; return 0; fi
	not_ok "$1"; diag "left behind (- baseline, + now):"
	diff -U0 <(printf '%s\n' "$before") <(printf '%s\n' "$now") | grep '^[-+][^-+]' | sed 's/^/#   /'
	return 1
}
# home_sum [USER]: a digest of the real home of USER (default guest): names, sizes, modes,
# owners, types, link targets and contents
home_sum() {
	(cd "/home/${1:-guest}" && { find . -printf '%p %s %m %U %G %y %l\n' | sort
		find . -type f -exec sha256sum {} + | sort; } | sha256sum)
}
# no_sessions: no session record is left
no_sessions() { [ -z "$(ls /run/confine/sessions 2>/dev/null)" ]; }
# expect_no_sessions MSG: waits up to 30 s for no_sessions, then asserts it
expect_no_sessions() {
	if wait_for no_sessions; then ok "$1"; return 0; fi
	not_ok "$1"; diag "session records left: $(ls /run/confine/sessions 2>&1 | tr '\n' ' ')"
	return 1
}

# conf PROFILE-BODY: /etc/confine/confine.conf gives guest a profile "lim" with these keys
conf() {
	cat >/etc/confine/confine.conf <<CONF
profiles = { lim = { $1 }; };
rules = ( { user = "guest"; profile = "lim"; } );
CONF
}
# as_guest CMD: CMD in a confined login of guest (su -l), stdout and stderr
as_guest() { su -l guest -c "$1" </dev/null 2>&1; }

# --- the helper's log ----------------------------------------------------------------------
# A syslog of the run in $LOG (start_syslog) accumulates: a check looks only at the lines
# written after a log_mark, and where the line names a session, at that session's.
start_syslog() { # FILE: busybox syslogd writing FILE; sets LOG and SYSLOGD
	LOG=$1
	busybox syslogd -n -O "$LOG" & SYSLOGD=$!
	for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
}
log_mark() { if [ -e "$LOG" ]; then wc -l <"$LOG"; else echo 0; fi; }
# log_has MARK TEXT...: a line written after MARK contains every TEXT (fixed strings)
log_has() {
	local mark=$1 t lines; shift
	lines=$(tail -n "+$((mark + 1))" "$LOG" 2>/dev/null)
	for t in "$@"; do lines=$(printf '%s\n' "$lines" | grep -F -- "$t"); done
	[ -n "$lines" ]
}
# assert_log MARK MSG TEXT...: waits up to 10 s (syslogd writes late) for log_has MARK TEXT...
assert_log() {
	local mark=$1 msg=$2; shift 2
	local end=$((SECONDS + 10))
	until log_has "$mark" "$@"; do
		[ $SECONDS -lt $end ] || {
			not_ok "$msg"; diag "no line with: $*" "the log since the mark:"
			tail -n "+$((mark + 1))" "$LOG" 2>/dev/null | tail -n 20 | sed 's/^/#   /'
			return 1
		}
		sleep 0.2
	done
	ok "$msg"
}
