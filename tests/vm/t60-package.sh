#!/bin/bash
# The Debian package (issue 11) on a machine without confine, exactly as the README says:
# apt install ./libpam-confine_*.deb, pam-auth-update --enable confine, confinectl enroll
# guest; su, login and ssh of guest confined, unconfined users untouched; an upgrade under
# live sessions; dpkg -r and dpkg -P leave the PAM files byte-identical and nothing of
# confine but what policy keeps. Needs the packages built on the host (make deb-next) and a
# VM of its own (make check-vm-package): the other tests install the plain build here.
. "$(dirname "$0")/lib.sh"
require_vm
# The lab profile keeps a persistent home in an ext4 image on a loop device: a host without
# udev (this VM) loads the driver itself, as confine.conf(5) says.
modprobe loop
ver=$(dpkg-parsechangelog -l "$CONFINE_REPO/packaging/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
DEBDIR=$CONFINE_REPO/build/deb
DEB=libpam-confine_${ver}_$arch.deb
NEXT=libpam-confine_${ver}+next1_$arch.deb
[ -f "$DEBDIR/$DEB" ] && [ -f "$DEBDIR/$NEXT" ] || die "no $DEB / $NEXT in $DEBDIR: make deb-next on the host first"
if [ -e /usr/local/libexec/confine ] || grep -qs pam_confine /etc/pam.d/common-session; then
	die "confine is installed in this VM already (another test ran here): run t60 in a VM of its own"
fi
export DEBIAN_FRONTEND=noninteractive
vm_apt_setup
SHELLP=/usr/libexec/confine/confine-shell
mkdir -p /run/sshd

# (confine-kiosk: the kiosk unit's PAM service, a conffile of the package in no stack)
pam_etc() { (cd /etc/pam.d && sha256sum -- $(ls | grep -vx confine-kiosk)); }
pam_all() { pam_etc; (cd /var/lib/pam && sha256sum -- * | sed 's|  |  /var/lib/pam/|'); }
# Every file of confine's a machine may hold (package files, state, runtime, dpkg's and
# deb-systemd-helper's records), found by name in the directories they live in.
traces() {
	find /etc /var/lib /run /usr/libexec /usr/sbin /usr/share/pam-configs /usr/share/doc \
		/usr/share/bash-completion /usr/share/man/man5 /usr/share/man/man8 \
		"/usr/lib/$ma/security" /lib/systemd/system /usr/lib/sysusers.d /usr/lib/tmpfiles.d \
		-xdev \( -name '*confine*' -o -name 'pam_confine*' \) 2>/dev/null | sort
	dpkg-statoverride --list | grep confine
}
# What a session can leave behind (as in t20).
sessions() {
	# mounts below /run/confine (the directory is a mount point of its own, by design)
	sed 's/^[0-9]* [0-9]* //' /proc/self/mountinfo | awk '$3 ~ "^/run/confine/"' | sort
	find /sys/fs/cgroup/confine -mindepth 1 -type d 2>/dev/null
	ls /run/confine/sessions 2>/dev/null
	pgrep -u guest -a
}
wait_sessions_gone() { for _ in $(seq 150); do [ -z "$(sessions)" ] && return 0; sleep 0.2; done; return 1; }
wait_record() { for _ in $(seq 150); do [ -n "$(ls /run/confine/sessions 2>/dev/null)" ] && return 0; sleep 0.2; done; return 1; }
INSIDE='echo host=$(hostname) net=$(ls /sys/class/net | tr "\n" " ")pid1=$(tr "\0" " " </proc/1/cmdline) home=$(findmnt -no FSTYPE "$HOME")'
confined() { # OUTPUT WHAT
	assert_contains "$1" "host=confine " "$2: confined (the profile's hostname)"
	assert_contains "$1" "net=lo pid1=" "$2: only lo"
	assert_contains "$1" "home=overlay" "$2: the overlay home"
}
unconfined() { # OUTPUT WHAT
	assert_contains "$1" "host=confine-vm " "$2: unconfined (the machine's hostname)"
}

useradd --create-home --shell /bin/bash alice # never confined
useradd --create-home --shell /bin/bash guest
useradd --create-home --shell /bin/bash bob   # enrolled with the persistent profile lab
echo 'guest:guest' | chpasswd
pam_etc0=$(pam_etc)
pam0=$(pam_all)
traces0=$(traces)
assert_eq "$(getent group confine)" "" "before: no group confine"

# --- install ------------------------------------------------------------------------------
t0=$(date +%s)
out=$(cd "$DEBDIR" && apt install -y "./$DEB" 2>&1); rc=$?
diag "apt install took $(($(date +%s) - t0)) s"
assert_eq "$rc" 0 "apt install ./$DEB" || printf '#   %s\n' "$out"
assert_eq "$(dpkg-query -W -f='${Status} ${Version}' libpam-confine)" "install ok installed $ver" "the package is installed"
assert_eq "$(pam_etc)" "$pam_etc0" "install: /etc/pam.d untouched (the profile is Default: no)"
check "install: the kiosk unit's PAM service /etc/pam.d/confine-kiosk (in no stack)" test -f /etc/pam.d/confine-kiosk
gid=$(getent group confine | cut -d: -f3)
check "install: system group confine (gid $gid < 1000)" test -n "$gid" -a "${gid:-1000}" -lt 1000
assert_eq "$(stat -c '%a %U:%G' $SHELLP)" "4750 root:confine" "install: confine-shell is 4750 root:confine"
assert_eq "$(dpkg-statoverride --list $SHELLP)" "root confine 4750 $SHELLP" "install: through dpkg-statoverride"
assert_eq "$(stat -c '%a %U' /usr/libexec/confine/confine-helper)" "700 root" "install: confine-helper is root-only"
assert_eq "$(stat -c '%a %U' /run/confine)" "700 root" "install: /run/confine from tmpfiles.d, root-only"
assert_eq "$(dpkg-query -W -f='${Conffiles}' libpam-confine | awk '{print $1}' | sort | tr '\n' ' ')" \
	"/etc/confine/confine.conf /etc/cron.d/confine /etc/pam.d/confine-kiosk /etc/ssh/sshd_config.d/confine.conf " \
	"install: the config, the cron job, the kiosk's PAM service and the sshd snippet are conffiles"

# Enrolled but not in the PAM stacks yet: refused, never unconfined.
check "confinectl enroll guest" confinectl enroll guest
assert_eq "$(getent passwd guest | cut -d: -f7)" "$SHELLP" "enroll: guest's shell is confine-shell"
out=$(timeout 120 su -l guest -c "$INSIDE" </dev/null 2>&1); rc=$?
assert_ne "$rc" 0 "before pam-auth-update: guest's login is refused (no session), not unconfined"
assert_not_contains "$out" "host=" "before pam-auth-update: nothing ran"

# --- pam-auth-update ---------------------------------------------------------------------
check "pam-auth-update --enable confine" pam-auth-update --enable confine
sess=$(grep -v '^#' /etc/pam.d/common-session)
assert_contains "$sess" "session	required	pam_confine.so" "common-session: session required pam_confine.so"
check "common-session: pam_confine after pam_systemd" \
	test "$(grep -n pam_confine <<<"$sess" | cut -d: -f1)" -gt "$(grep -n pam_systemd <<<"$sess" | cut -d: -f1)"
assert_not_contains "$(cat /etc/pam.d/common-session-noninteractive)" pam_confine \
	"common-session-noninteractive: untouched (interactive sessions only)"
if grep -q '^Account-Type:' /usr/share/pam-configs/confine; then
	assert_contains "$(cat /etc/pam.d/common-account)" "account	required	pam_confine.so" "common-account: account required pam_confine.so"
else
	assert_not_contains "$(cat /etc/pam.d/common-account)" pam_confine "common-account: no account line (module without pam_sm_acct_mgmt)"
fi

# --- logins -------------------------------------------------------------------------------
out=$(timeout 120 su -l guest -c "$INSIDE" </dev/null 2>&1)
confined "$out" "su -l guest"
out=$(printf '%s\nexit\n' "$INSIDE" | timeout 120 script -qec 'login -f guest' /dev/null 2>&1)
confined "$out" "login guest"
wait_sessions_gone || not_ok "sessions left: $(sessions)"
out=$(timeout 120 su -l alice -c "$INSIDE" </dev/null 2>&1)
unconfined "$out" "su -l alice"
out=$(printf '%s\nexit\n' "$INSIDE" | timeout 120 script -qec 'login -f alice' /dev/null 2>&1)
unconfined "$out" "login alice"
assert_eq "$(timeout 120 su -l root -c 'echo root-ok' </dev/null 2>&1)" root-ok "su -l root: root is never confined"

# sshd with Debian's own sshd_config, which includes sshd_config.d/*.conf: the package's
# Match block for group confine, nothing else.
ssh-keygen -q -t ed25519 -N '' -f /tmp/hostkey
ssh-keygen -q -t ed25519 -N '' -f /tmp/clientkey
for u in guest alice; do
	install -d -m 700 -o $u -g $u /home/$u/.ssh
	install -m 600 -o $u -g $u /tmp/clientkey.pub /home/$u/.ssh/authorized_keys
done
SSHD_OPTS=(-f /etc/ssh/sshd_config -o Port=2222 -o ListenAddress=127.0.0.1 -o HostKey=/tmp/hostkey -o PidFile=/run/sshd-t60.pid)
t=$(/usr/sbin/sshd -T "${SSHD_OPTS[@]}" -C user=guest,host=localhost,addr=127.0.0.1 2>&1)
assert_contains "$t" "disableforwarding yes" "sshd -T: group confine has forwarding disabled"
assert_contains "$t" "permituserrc no" "sshd -T: and no ~/.ssh/rc"
t=$(/usr/sbin/sshd -T "${SSHD_OPTS[@]}" -C user=alice,host=localhost,addr=127.0.0.1 2>&1)
assert_contains "$t" "disableforwarding no" "sshd -T: other users keep forwarding"
assert_contains "$t" "x11forwarding yes" "sshd -T: and Debian's settings after the Include (X11Forwarding yes)"
/usr/sbin/sshd "${SSHD_OPTS[@]}" -E /tmp/sshd.log || die "sshd did not start"
SSH="timeout 120 ssh -F /dev/null -i /tmp/clientkey -p 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -o ConnectTimeout=30"
for _ in $(seq 50); do $SSH alice@127.0.0.1 true 2>/dev/null && break; sleep 0.5; done
out=$($SSH guest@127.0.0.1 "$INSIDE" 2>&1)
confined "$out" "ssh guest@127.0.0.1"
out=$($SSH alice@127.0.0.1 "$INSIDE" 2>&1)
unconfined "$out" "ssh alice@127.0.0.1"
check_fails "ssh: forwarding is refused for guest" $SSH -o ExitOnForwardFailure=yes -R 2224:127.0.0.1:22 guest@127.0.0.1 true
check "ssh: forwarding works for alice (the control)" $SSH -o ExitOnForwardFailure=yes -R 2225:127.0.0.1:22 alice@127.0.0.1 true
wait_sessions_gone || not_ok "sessions left: $(sessions)"

# Without systemd (this VM), /etc/cron.d/confine collects the session of a SIGKILLed sshd.
job=$(awk '!/^#/ && NF >= 7 { print $1, $2, $3, $4, $5, "|", $6; for (i = 7; i <= NF; i++) printf "%s ", $i; print "" }' /etc/cron.d/confine)
assert_eq "$(head -n1 <<<"$job")" "*/2 * * * * | root" "cron.d: every 2 minutes, as root"
$SSH guest@127.0.0.1 'sleep 300' </dev/null >/dev/null 2>&1 & C=$!
wait_record
kill -9 "$(ls /run/confine/sessions | head -n1 | cut -d- -f1)"; kill "$C" 2>/dev/null
sleep 2
assert_ne "$(ls /run/confine/sessions)" "" "a SIGKILLed sshd leaves its session behind"
check "the cron job's command runs" sh -c "$(tail -n1 <<<"$job")"
wait_sessions_gone && ok "the cron job collected it" || not_ok "sessions left: $(sessions)"

# bob: the persistent profile, so /var/lib/confine holds state. The VM's root is an overlay,
# which overlayfs refuses as an upper: the session's state_dir is a tmpfs, copied into the
# root's /var/lib/confine afterwards (what a real machine has on its disk).
check "confinectl enroll --profile lab bob" confinectl enroll --profile lab bob
mkdir -p /var/lib/confine && mount -t tmpfs -o mode=0700 tmpfs /var/lib/confine
out=$(timeout 120 su -l bob -c 'echo kept >~/kept; hostname' </dev/null 2>&1)
assert_eq "$out" lab "su -l bob: confined with profile lab"
wait_sessions_gone
cp -a /var/lib/confine /tmp/state && umount /var/lib/confine && cp -a /tmp/state/. /var/lib/confine/
# (a persistent home is an ext4 image of home_size: its upper is inside home.img)
assert_eq "$(stat -c '%U %a' /var/lib/confine/bob/home.img 2>&1)" "root 600" "bob's persistent home image is in /var/lib/confine"
mkdir -p /tmp/img && mount -o loop,ro /var/lib/confine/bob/home.img /tmp/img
assert_eq "$(cat /tmp/img/upper/kept 2>&1)" kept "bob's file is in it"
umount /tmp/img

# --- upgrade under live sessions ------------------------------------------------------------
su -l guest -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.3; done' </dev/null >/tmp/su.ticks 2>&1 & SU=$!
${SSH#timeout 120 } guest@127.0.0.1 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.3; done' </dev/null >/tmp/ssh.ticks 2>&1 & SS=$!
for _ in $(seq 150); do [ -s /tmp/su.ticks ] && [ -s /tmp/ssh.ticks ] && break; sleep 0.2; done
assert_eq "$(ls /run/confine/sessions | wc -l)" 2 "upgrade: two live sessions (su, ssh)"
t0=$(date +%s)
out=$(cd "$DEBDIR" && apt install -y "./$NEXT" 2>&1); rc=$?
diag "apt install (upgrade) took $(($(date +%s) - t0)) s"
assert_eq "$rc" 0 "upgrade: apt install ./$NEXT over them" || printf '#   %s\n' "$out"
assert_eq "$(dpkg-query -W -f='${Version}' libpam-confine)" "$ver+next1" "upgrade: the new version is installed"
assert_eq "$(stat -c '%a %U:%G' $SHELLP)" "4750 root:confine" "upgrade: confine-shell still 4750 root:confine"
a1=$(tail -n1 /tmp/su.ticks) b1=$(tail -n1 /tmp/ssh.ticks)
sleep 3
check "upgrade: the su session keeps running ($a1 -> $(tail -n1 /tmp/su.ticks))" test "$(tail -n1 /tmp/su.ticks)" -gt "$a1"
check "upgrade: the ssh session keeps running ($b1 -> $(tail -n1 /tmp/ssh.ticks))" test "$(tail -n1 /tmp/ssh.ticks)" -gt "$b1"
out=$(timeout 120 su -l guest -c "$INSIDE" </dev/null 2>&1)
confined "$out" "upgrade: a new su login"
out=$($SSH guest@127.0.0.1 "$INSIDE" 2>&1)
confined "$out" "upgrade: a new ssh login"
assert_contains "$(cat /etc/pam.d/common-session)" pam_confine "upgrade: the profile stays enabled"

# --- remove: refused under a live session, then done -----------------------------------------
out=$(dpkg -r libpam-confine 2>&1); rc=$?
assert_ne "$rc" 0 "dpkg -r under live sessions is refused"
assert_contains "$out" "still running" "and says why"
assert_eq "$(dpkg-query -W -f='${db:Status-Status}' libpam-confine)" installed "the package stays installed (and configured)"
assert_contains "$(cat /etc/pam.d/common-session)" pam_confine "and in the PAM stacks"
kill "$SU" "$SS"; wait "$SU" "$SS" 2>/dev/null
wait_sessions_gone && ok "the sessions ended cleanly (nothing left)" || not_ok "sessions left: $(sessions)"

check "confinectl unenroll guest" confinectl unenroll guest
t0=$(date +%s)
out=$(dpkg -r libpam-confine 2>&1); rc=$?
diag "dpkg -r took $(($(date +%s) - t0)) s"
assert_eq "$rc" 0 "dpkg -r libpam-confine" || printf '#   %s\n' "$out"
assert_contains "$out" "cannot log in without it: bob" "dpkg -r names the accounts still enrolled"
assert_eq "$(pam_etc)" "$pam_etc0" "remove: /etc/pam.d byte-identical to before the install"
check "remove: the conffiles stay (until purge)" test -f /etc/confine/confine.conf -a -f /etc/ssh/sshd_config.d/confine.conf
check "remove: /var/lib/confine stays (until purge)" test -f /var/lib/confine/bob/home.img
check_fails "remove: the programs are gone" test -e /usr/sbin/confinectl -o -e $SHELLP -o -e "/usr/lib/$ma/security/pam_confine.so"
assert_eq "$(dpkg-statoverride --list $SHELLP)" "" "remove: the statoverride is gone"
assert_eq "$(timeout 120 su -l alice -c 'echo ok' </dev/null 2>&1)" ok "remove: alice logs in"
assert_eq "$(timeout 120 su -l guest -c 'hostname' </dev/null 2>&1)" confine-vm "remove: guest (unenrolled) logs in, unconfined"
assert_eq "$(timeout 120 su -l root -c 'echo ok' </dev/null 2>&1)" ok "remove: root logs in"
out=$(timeout 120 su -l bob -c 'echo RAN' </dev/null 2>&1)
assert_not_contains "$out" RAN "remove: bob (still enrolled) is refused, not unconfined"
check "remove: ssh alice" $SSH alice@127.0.0.1 true

# --- purge ------------------------------------------------------------------------------------
# A home still mounted below /run/confine (a crash) must survive the purge: rm never crosses a
# mount. The control first: a plain rm -rf would have emptied it.
mkdir -p /tmp/victim /tmp/ctl/m && echo precious >/tmp/victim/f
mount --bind /tmp/victim /tmp/ctl/m && rm -rf /tmp/ctl 2>/dev/null
check_fails "control: rm -rf across a bind mount deletes what is mounted" test -e /tmp/victim/f
umount /tmp/ctl/m 2>/dev/null
echo precious >/tmp/victim/f
mkdir -p /run/confine/homes/ghost && mount --bind /tmp/victim /run/confine/homes/ghost
t0=$(date +%s)
out=$(dpkg -P libpam-confine 2>&1); rc=$?
diag "dpkg -P took $(($(date +%s) - t0)) s"
assert_eq "$rc" 0 "dpkg -P libpam-confine" || printf '#   %s\n' "$out"
assert_eq "$(cat /tmp/victim/f 2>&1)" precious "purge: a still-mounted home is not crossed"
assert_contains "$out" "left what is still mounted" "purge: and says so"
check "purge: /run/confine stays while a home is mounted below it" mountpoint -q /run/confine
umount /run/confine/homes/ghost && umount /run/confine && rm -r /run/confine
check_fails "purge: dpkg knows nothing more of it" dpkg -s libpam-confine
check_fails "purge: /var/lib/confine is gone" test -e /var/lib/confine
check_fails "purge: /etc/confine is gone" test -e /etc/confine
check_fails "purge: /etc/pam.d/confine-kiosk is gone" test -e /etc/pam.d/confine-kiosk
assert_eq "$(traces)" "$traces0" "purge: nothing of confine is left on disk"
assert_eq "$(pam_all)" "$pam0" "purge: /etc/pam.d and /var/lib/pam byte-identical to before the install"
assert_ne "$(getent group confine)" "" "purge: group confine stays (system groups are not removed: files may still carry its id)"
assert_eq "$(timeout 120 su -l alice -c 'echo ok' </dev/null 2>&1)" ok "purge: alice logs in"
assert_eq "$(timeout 120 su -l guest -c 'hostname' </dev/null 2>&1)" confine-vm "purge: guest logs in, unconfined"
assert_eq "$(timeout 120 su -l root -c 'echo ok' </dev/null 2>&1)" ok "purge: root logs in"
check "purge: ssh alice" $SSH alice@127.0.0.1 true
kill "$(cat /run/sshd-t60.pid)" 2>/dev/null
