#!/bin/bash
# The Debian package on a systemd machine (issue 11), where its systemd parts act: group
# confine from sysusers.d, /run/confine from tmpfiles.d, confine-gc.timer enabled and
# started and collecting the session of a SIGKILLed sshd by itself, the running sshd
# reloaded so the Match block is in force, pam_confine after pam_systemd (scopes in the
# user's slice), an upgrade under a live session, a purge that stops the timer. Needs the
# packages built on the host (make deb-next) and a VM of its own (make check-vm-package).
. "$(dirname "$0")/lib.sh"
require_vm
[ "${CONFINE_VM_INIT:-}" = systemd ] || skip_all "needs the systemd VM mode (CONFINE_VM_INIT=systemd)"
ver=$(dpkg-parsechangelog -l "$CONFINE_REPO/packaging/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
DEBDIR=$CONFINE_REPO/build/deb
DEB=libpam-confine_${ver}_$arch.deb
NEXT=libpam-confine_${ver}+next1_$arch.deb
[ -f "$DEBDIR/$DEB" ] && [ -f "$DEBDIR/$NEXT" ] || die "no $DEB / $NEXT in $DEBDIR: make deb-next on the host first"
if [ -e /usr/local/libexec/confine ] || grep -qs pam_confine /etc/pam.d/common-session; then
	die "confine is installed in this VM already (another test ran here): run t65 in a VM of its own"
fi
export DEBIAN_FRONTEND=noninteractive
# A real machine has no policy-rc.d; the build host's (a container's: "deny everything")
# would keep the package's postinst from starting its timer and reloading sshd.
rm -f /usr/sbin/policy-rc.d
vm_apt_setup
UIDG=

scopes() { systemctl list-units --all --plain --no-legend 'confine-*.scope' 2>/dev/null | awk '{print $1}'; }
records() { ls /run/confine/sessions 2>/dev/null; }
wait_until() { # SECONDS CMD...: poll every 0.5 s
	local n=$(($1 * 2)); shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.5; done
	return 1
}
no_sessions() { [ -z "$(scopes)" ] && [ -z "$(records)" ]; }
has_scope() { [ -n "$(scopes)" ]; }
has_record() { [ -n "$(records)" ]; }
INSIDE='echo host=$(hostname) cg=$(cat /proc/self/cgroup)'

# The machine's own sshd (the VM masks it for the other tests), started before the package
# exists: the package must get its Match block into this running daemon.
rm -f /etc/systemd/system/ssh.service /etc/systemd/system/sshd.service /etc/systemd/system/ssh.socket
systemctl daemon-reload
check "ssh.service starts" systemctl start ssh.service
useradd --create-home --shell /bin/bash guest
useradd --create-home --shell /bin/bash alice
UIDG=$(id -u guest)
rm -f /tmp/clientkey /tmp/clientkey.pub
ssh-keygen -q -t ed25519 -N '' -f /tmp/clientkey
for u in guest alice; do
	install -d -m 700 -o $u -g $u /home/$u/.ssh
	install -m 600 -o $u -g $u /tmp/clientkey.pub /home/$u/.ssh/authorized_keys
done
SSH="ssh -F /dev/null -i /tmp/clientkey -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -o ConnectTimeout=30"
wait_until 30 $SSH alice@127.0.0.1 true
# The control: a member of group confine may forward while the Match block is not loaded.
groupadd --system confine && usermod -a -G confine guest
check "control: before the package, sshd lets a member of group confine forward" \
	$SSH -o ExitOnForwardFailure=yes -R 2224:127.0.0.1:22 guest@127.0.0.1 true

pam0=$(cd /etc/pam.d && sha256sum -- *)
out=$(cd "$DEBDIR" && apt install -y "./$DEB" 2>&1); rc=$?
assert_eq "$rc" 0 "apt install ./$DEB" || printf '#   %s\n' "$out"
check_fails "postinst reloaded the running sshd: forwarding refused for group confine" \
	$SSH -o ExitOnForwardFailure=yes -R 2225:127.0.0.1:22 guest@127.0.0.1 true
check "and still allowed for alice" $SSH -o ExitOnForwardFailure=yes -R 2226:127.0.0.1:22 alice@127.0.0.1 true
assert_eq "$(systemctl is-enabled confine-gc.timer 2>&1)" enabled "confine-gc.timer is enabled"
assert_eq "$(systemctl is-active confine-gc.timer 2>&1)" active "confine-gc.timer is started"
assert_contains "$(systemctl show confine-gc.timer -p TimersMonotonic --value)" "OnUnitActiveUSec=2min" \
	"the timer fires every 2 minutes"
assert_eq "$(stat -c '%a %U' /run/confine 2>&1)" "700 root" "tmpfiles.d: /run/confine, root-only"
assert_eq "$(stat -c '%a %U:%G' /usr/libexec/confine/confine-shell)" "4750 root:confine" "confine-shell 4750 root:confine (the existing group)"

check "pam-auth-update --enable confine" pam-auth-update --enable confine
check "confinectl enroll guest" confinectl enroll guest

# su: a scope in the user's slice next to logind's session.
su -l guest -c "$INSIDE; sleep 8" </dev/null >/tmp/su.out 2>&1 & S=$!
wait_until 60 has_scope
unit=$(scopes | head -n1)
# (in the per-user budget slice user-UID-confine.slice, itself inside user-UID.slice)
assert_contains "$(systemctl show "$unit" -p ControlGroup --value)" "/user.slice/user-$UIDG.slice/" "su: the session's scope is in guest's slice"
assert_contains "$(loginctl list-sessions --no-legend)" guest "su: logind has the session (pam_systemd ran first)"
wait $S
assert_contains "$(cat /tmp/su.out)" "host=confine cg=0::/" "su: confined"
wait_until 30 no_sessions || not_ok "su: left $(scopes) $(records)"
out=$($SSH guest@127.0.0.1 "$INSIDE" 2>&1)
assert_contains "$out" "host=confine cg=0::/" "ssh (the machine's sshd): confined"
assert_contains "$($SSH alice@127.0.0.1 "$INSIDE" 2>&1)" "host=confine-vm" "ssh alice: unconfined"
wait_until 30 no_sessions || not_ok "ssh: left $(scopes) $(records)"

# The timer collects the session of a SIGKILLed sshd without anybody logging in. (Brought
# forward to every 5 s here; the shipped schedule is checked above.)
$SSH guest@127.0.0.1 'sleep 300' </dev/null >/dev/null 2>&1 & C=$!
wait_until 60 has_record
mon=$(records | head -n1 | cut -d- -f1)
kill -9 "$mon"; kill "$C" 2>/dev/null
sleep 2
assert_ne "$(records)" "" "a SIGKILLed sshd leaves its session behind"
mkdir -p /run/systemd/system/confine-gc.timer.d
printf '[Timer]\nOnBootSec=\nOnUnitActiveSec=\nOnActiveSec=5s\nOnUnitActiveSec=5s\nAccuracySec=1s\n' \
	>/run/systemd/system/confine-gc.timer.d/fast.conf
systemctl daemon-reload && systemctl restart confine-gc.timer
if wait_until 120 no_sessions; then ok "the timer's gc collected it (record and scope gone)"; else not_ok "left: $(scopes) $(records)"; fi
assert_ne "$(systemctl show confine-gc.service -p ExecMainStartTimestampMonotonic --value)" 0 "confine-gc.service ran"
assert_eq "$(systemctl show confine-gc.service -p Result --value)" success "and succeeded"
rm -r /run/systemd/system/confine-gc.timer.d && systemctl daemon-reload && systemctl restart confine-gc.timer

# Upgrade under a live session: the scope and its keeper survive, new logins work.
su -l guest -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.3; done' </dev/null >/tmp/ticks 2>&1 & S=$!
wait_until 60 test -s /tmp/ticks
unit=$(scopes | head -n1)
out=$(cd "$DEBDIR" && apt install -y "./$NEXT" 2>&1); rc=$?
assert_eq "$rc" 0 "upgrade: apt install ./$NEXT" || printf '#   %s\n' "$out"
t=$(tail -n1 /tmp/ticks); sleep 3
check "upgrade: the live session keeps running ($t -> $(tail -n1 /tmp/ticks))" test "$(tail -n1 /tmp/ticks)" -gt "$t"
assert_eq "$(systemctl is-active "$unit")" active "upgrade: its scope is still active"
assert_eq "$(systemctl is-active confine-gc.timer)" active "upgrade: the timer runs"
assert_contains "$($SSH guest@127.0.0.1 "$INSIDE" 2>&1)" "host=confine cg=0::/" "upgrade: a new ssh login is confined"
kill "$S"; wait "$S" 2>/dev/null
wait_until 30 no_sessions && ok "upgrade: the session ended cleanly" || not_ok "left: $(scopes) $(records)"

# Purge: timer stopped and gone, PAM as before.
confinectl unenroll guest >/dev/null
out=$(dpkg -P libpam-confine 2>&1); rc=$?
assert_eq "$rc" 0 "dpkg -P libpam-confine" || printf '#   %s\n' "$out"
assert_eq "$(systemctl is-active confine-gc.timer 2>&1)" inactive "purge: the timer is stopped"
assert_eq "$(systemctl show confine-gc.timer -p LoadState --value)" not-found "purge: and its unit gone"
check_fails "purge: no enablement link left" test -e /etc/systemd/system/timers.target.wants/confine-gc.timer
check_fails "purge: /run/confine is gone (unmounted, then removed)" test -e /run/confine
assert_eq "$(cd /etc/pam.d && sha256sum -- *)" "$pam0" "purge: /etc/pam.d byte-identical to before"
assert_eq "$(su -l guest -c hostname </dev/null 2>&1)" confine-vm "purge: guest logs in, unconfined"
check "purge: ssh alice" $SSH alice@127.0.0.1 true
systemctl stop ssh.service
