#!/bin/bash
# Services that never run the login shell: display managers run a session script, cron and
# atd run jobs with /bin/sh, systemd-user runs the user's service manager, sudo -u the
# command itself. A confined user's session through such a service would run unconfined, so
# it is refused: at the account check (account required pam_confine.so in common-account)
# and when it is opened. Unconfined users, and the confined user's login, su, sshd and
# sudo -i, are not affected; the profile's `services` widens the list. Each check first
# shows the hole without the measure.
. "$(dirname "$0")/lib.sh"
require_vm
[ "${CONFINE_VM_INIT:-busybox}" = busybox ] || skip_all "plain init only (t56-systemd-services.sh covers systemd)"
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
mkdir -p /run/sshd
make_user plain
# A second confined user for the at jobs: Debian's /etc/at.deny lists "guest".
useradd --create-home --shell /usr/local/libexec/confine/confine-shell --groups confine \
	--user-group carol || die "useradd carol"
CONF=/etc/confine/confine.conf
cp "$CONF" /tmp/shipped.conf

# The helper and atd log to syslog: collect it, to check what the log says.
LOG=/var/log/t33-syslog
busybox syslogd -n -O "$LOG" & SYSLOGD=$!
for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
log_lines() { grep -c "confine-helper.*$1" "$LOG" 2>/dev/null; }
# wait_log PATTERN N: until the helper has logged PATTERN N times (syslogd writes late)
wait_log() { for _ in $(seq 50); do [ "$(log_lines "$1")" -ge "$2" ] && return 0; sleep 0.1; done; return 1; }

# --- PAM stacks of services that do not run the login shell ---------------------------
# Equivalents of Debian's files for the display managers and cron (not installed here);
# systemd-user's is the real one (/usr/lib/pam.d), atd's comes with the at package below.
# Every one includes common-account; the display managers common-session, cron,
# systemd-user and atd common-session-noninteractive.
dm_stack() {
	printf '%s\n' "auth requisite pam_nologin.so" "@include common-auth" \
		"@include common-account" "session required pam_loginuid.so" \
		"session optional pam_keyinit.so force revoke" "session required pam_limits.so" \
		"session required pam_env.so readenv=1" "@include common-session" \
		"@include common-password"
}
dm_stack >/etc/pam.d/gdm-password
dm_stack >/etc/pam.d/lightdm
dm_stack >/etc/pam.d/sddm
printf '%s\n' "@include common-auth" "session required pam_loginuid.so" \
	"session required pam_env.so" "@include common-account" \
	"@include common-session-noninteractive" "session required pam_limits.so" >/etc/pam.d/cron
grep -q common-account /usr/lib/pam.d/systemd-user || die "systemd-user's PAM file is not Debian's"

# The at package, installed inside the VM only (run-vm.sh downloads it to the cache).
deb=$(ls "${CONFINE_VM_DEBDIR:-/nonexistent}"/at_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || die "no at package in '${CONFINE_VM_DEBDIR:-}' (run-vm.sh fetches it with apt-get download at)"
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
# --no-triggers: man-db's trigger would walk every manual page over 9p for minutes.
dpkg -i --no-triggers "$deb" >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; die "dpkg -i $deb failed"; }
diag "at installed: $(dpkg-query -W at)"
grep -q common-account /etc/pam.d/atd || die "atd's PAM file does not include common-account"
/usr/sbin/atd -f & ATD=$!
# Ready once it wrote its pid file (its SIGHUP handler is in place by then).
for _ in $(seq 100); do [ -s /run/atd.pid ] && break; sleep 0.1; done
[ "$(cat /run/atd.pid 2>/dev/null)" = "$ATD" ] || die "atd did not start"
# Ends what this script started (by pid), then reports as lib.sh's EXIT trap does.
cleanup() {
	[ -s /run/sshd.pid ] && kill "$(cat /run/sshd.pid)" 2>/dev/null
	kill "$ATD" "$SYSLOGD" 2>/dev/null
}
trap 'rc=$?; cleanup; (exit $rc); _t_exit' EXIT

HOSTNS=$(readlink /proc/1/ns/pid)
JOB='echo "uid=$(id -u) pidns=$(readlink /proc/self/ns/pid) host=$(hostname)"'
# at_job USER TAG: queue a job for USER (as it would be from an unconfined time, e.g. before
# enrollment: inside the sandbox no_new_privs keeps the setgid at from queueing anything)
# that writes /var/tmp/at-TAG.out.
at_job() {
	local out
	out=$(cd / && echo "$JOB >/var/tmp/at-$2.out 2>&1" |
		setpriv --reuid="$1" --regid="$1" --init-groups at now 2>&1) ||
		diag "at as $1 failed: $out"
	kill -HUP "$ATD"
}
# wait_file FILE: until it exists (atd runs "now" jobs within seconds of the HUP)
wait_file() {
	for _ in $(seq 600); do [ -s "$1" ] && return 0; sleep 0.2; done
	diag "no $1; atq: $(atq 2>&1)" "$(grep -E 'atd|confine' "$LOG" | tail -n 5)"
	return 1
}

# --- controls: without the account hook the confined user's jobs run unconfined -----------
assert_not_contains "$(cat /etc/pam.d/common-account /etc/pam.d/common-session-noninteractive)" \
	pam_confine "control: pam_confine is only in common-session (the old setup)"
at_job carol carol-control
wait_file /var/tmp/at-carol-control.out
out=$(cat /var/tmp/at-carol-control.out 2>&1)
assert_contains "$out" "uid=$(id -u carol) pidns=$HOSTNS host=confine-vm" \
	"control: the confined user's at job runs, unconfined (host PID namespace, host name)"
for svc in cron atd systemd-user; do
	check "control: $svc lets the confined user in (account and session)" \
		pamtester "$svc" guest acct_mgmt open_session close_session
done

# --- the measure --------------------------------------------------------------------------
echo "account required pam_confine.so" >>/etc/pam.d/common-account
echo "session required pam_confine.so" >>/etc/pam.d/common-session-noninteractive

for svc in gdm-password lightdm sddm cron atd systemd-user; do
	n=$(log_lines "PAM service '$svc'")
	out=$(pamtester "$svc" guest acct_mgmt 2>&1); rc=$?
	assert_ne "$rc" 0 "$svc: the account check refuses the confined user"
	assert_contains "$out" "confine: login refused: guest may not log in through '$svc' (it would not be confined)" \
		"$svc: and says why"
	wait_log "PAM service '$svc'" $((n + 1))
	assert_eq "$(log_lines "PAM service '$svc'")" $((n + 1)) "$svc: one helper log line"
	out=$(pamtester "$svc" guest open_session 2>&1); rc=$?
	assert_ne "$rc" 0 "$svc: opening a session is refused too (a stack without the account hook)"
	check "$svc: an unconfined user passes account and session" \
		pamtester "$svc" plain acct_mgmt open_session close_session
done
line=$(grep "confine-helper.*PAM service 'cron'" "$LOG" | tail -n1)
assert_contains "$line" "refusing the session of 'guest' (rule at $CONF:" "the log line names the user and the rule"
assert_contains "$line" "profile guest): PAM service 'cron' is not in profiles.guest.services (login, su, su-l, sshd, sudo-i)" \
	"the log line names the service, the profile and the key that widens the list"
assert_eq "$(ls /run/confine/sessions 2>/dev/null)" "" "refusals leave no session behind"

# A real at job: the confined user's does not run, the log says why; the unconfined user's runs.
n=$(log_lines "PAM service 'atd'")
at_job carol carol
at_job plain plain
wait_file /var/tmp/at-plain.out
assert_contains "$(cat /var/tmp/at-plain.out 2>&1)" "uid=$(id -u plain) pidns=$HOSTNS" "at: the unconfined user's job runs"
wait_log "PAM service 'atd'" $((n + 1))
sleep 2
check_fails "at: the confined user's job does not run" test -e /var/tmp/at-carol.out
assert_contains "$(grep "confine-helper.*PAM service 'atd'" "$LOG" | tail -n1)" \
	"refusing the session of 'carol' (rule at $CONF:" "at: the log says why"

# --- the services that run the login shell still give confined sessions -------------------
assert_eq "$(su -l guest -c hostname 2>&1)" confine "su -l: confined"
assert_eq "$(su guest -c hostname 2>&1)" confine "su: confined"
out=$(printf 'hostname\nexit\n' | timeout 120 script -qec 'login -f guest' /dev/null 2>&1)
assert_contains "$out" "confine" "login: confined"
start_test_sshd guest
assert_eq "$($SSH guest@127.0.0.1 hostname 2>&1)" confine "sshd: confined"
assert_eq "$(sudo -i -u guest hostname 2>/dev/null)" confine "sudo -i: confine-shell finds its session, confined"
out=$(sudo -u guest hostname 2>&1); rc=$?
assert_ne "$rc" 0 "sudo -u (runs the command, not the login shell): refused"
assert_contains "$out" "confine: login refused: guest may not log in through 'sudo'" "sudo -u: and says why"
assert_eq "$(su -l plain -c hostname 2>&1)" confine-vm "an unconfined user's su is not affected"

# --- widening services ----------------------------------------------------------------
# What confine did for every service before: the display manager's session opens (and its
# session script would run unconfined) -- only because the admin listed it.
sed 's|^\t\t# services = .*|\t\tservices = ["login", "su", "su-l", "sshd", "gdm-password", "cron"];|' \
	/tmp/shipped.conf >"$CONF"
assert_contains "$(confinectl check 2>&1)" 'services = ["login", "su", "su-l", "sshd", "gdm-password", "cron"];' \
	"confinectl check shows the widened list"
check "widened: cron passes the account check and opens a session" \
	pamtester cron guest acct_mgmt open_session close_session
check "widened: gdm-password too" pamtester gdm-password guest acct_mgmt open_session close_session
check_fails "widened: a service left out is still refused" pamtester lightdm guest acct_mgmt
check_fails "widened: sudo-i, no longer listed, is refused" pamtester sudo-i guest acct_mgmt
assert_eq "$(ls /run/confine/sessions 2>/dev/null)" "" "nothing left after close"

# --- root is never refused, a broken config refuses -----------------------------------
printf '%s\n' 'profiles = { p = {}; };' 'rules = ( { uid = "0-65534"; profile = "p"; } );' >"$CONF"
check "root: never refused, even by a rule that matches uid 0" pamtester cron root acct_mgmt
echo 'bogus = 1;' >>"$CONF"
check_fails "broken config: the account check fails closed" pamtester cron guest acct_mgmt
cp /tmp/shipped.conf "$CONF"
check "restored config: login works" pamtester login guest acct_mgmt open_session close_session
cleanup
finish
