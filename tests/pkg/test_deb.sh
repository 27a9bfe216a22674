#!/bin/bash
# The .deb's contents (make deb): where things go, modes, conffiles, the pam-auth-update
# profile. What they do once installed is tests/vm/t60-package.sh's and t65's business.
# usage: tests/pkg/test_deb.sh DEB_DIR
. "$(dirname "$0")/../vm/lib.sh"
dir=${1:?usage: $0 DEB_DIR}
ver=$(dpkg-parsechangelog -l "$CONFINE_REPO/packaging/debian/changelog" -S Version)
deb=$dir/libpam-confine_${ver}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || die "$deb missing (make deb)"
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
x=$(mktemp -d)
trap 'rm -rf "$x"; _t_exit' EXIT
dpkg-deb -x "$deb" "$x/root"
dpkg-deb -e "$deb" "$x/ctl"

list=$(dpkg-deb -c "$deb" | awk '{ print $1, $2, $6 }')
has() { assert_contains "$list" "$1" "${2:-ships $1}"; }
has "-rw-r--r-- root/root ./usr/lib/$ma/security/pam_confine.so" "the module is in /usr/lib/$ma/security"
has "-rwxr-xr-x root/root ./usr/sbin/confinectl"
has "-rwx------ root/root ./usr/libexec/confine/confine-helper" "confine-helper is root-only (0700)"
has "-rwxr-xr-x root/root ./usr/libexec/confine/confine-shell" \
	"confine-shell ships without setuid (postinst's dpkg-statoverride makes it 4750 root:confine)"
has "./usr/libexec/confine/confine-keeper"
has "./usr/libexec/confine/confine-init"
for m in man5/confine.conf.5 man8/confinectl.8 man8/confine-shell.8 man8/pam_confine.8; do
	has "./usr/share/man/$m.gz"
done
has "./usr/share/bash-completion/completions/confinectl"
has "-rw-r--r-- root/root ./usr/share/doc/libpam-confine/fleet.md" "doc/fleet.md is the package's documentation"
has "./lib/systemd/system/confine-gc.timer"
has "./lib/systemd/system/confine-gc.service"
has "./lib/systemd/system/confine-kiosk@.service"
has "./etc/pam.d/confine-kiosk"
has "./lib/systemd/system/confine-metrics.timer"
has "./lib/systemd/system/confine-metrics.service"
assert_eq "$(grep -c '^-..[sS]\|^-.....[sS]' <<<"$list")" 0 "no setuid or setgid file in the .deb"
assert_eq "$(sort "$x/ctl/conffiles" | tr '\n' ' ')" \
	"/etc/confine/confine.conf /etc/cron.d/confine /etc/pam.d/confine-kiosk /etc/ssh/sshd_config.d/confine.conf " \
	"conffiles: the config, the cron job, the kiosk unit's PAM service, the sshd snippet"
assert_eq "$(grep -v '^#' "$x/root/usr/lib/sysusers.d/confine.conf" | tr '\n' ' ')" \
	"g confine - - g confine-lab - - g confine-kiosk - - " \
	"sysusers.d: system groups confine and the shipped rules' confine-lab, confine-kiosk"
assert_eq "$(grep -v '^#' "$x/root/usr/lib/tmpfiles.d/confine.conf")" "d /run/confine 0700 root root -" \
	"tmpfiles.d: /run/confine, root-only"
check "postinst registers 4750 root:confine for confine-shell" \
	grep -q 'dpkg-statoverride --update --add root confine 4750 "$SHELL_PATH"' "$x/ctl/postinst"

# The sshd snippet: one Match block for group confine, nothing global.
snip=$(grep -v '^[[:space:]]*#' "$x/root/etc/ssh/sshd_config.d/confine.conf" | grep -v '^[[:space:]]*$')
assert_eq "$(head -n1 <<<"$snip")" "Match Group confine" "sshd snippet: starts with Match Group confine"
assert_eq "$(grep -c '^Match' <<<"$snip")" 1 "sshd snippet: no other Match (nothing outside group confine)"

# The pam-auth-update profile.
p=$x/root/usr/share/pam-configs/confine
field() { sed -n "s/^$1: *//p" "$p"; }
assert_eq "$(field Default)" no "profile: Default: no (installing changes no login)"
assert_eq "$(field Session-Type)" Additional "profile: Session-Type: Additional"
assert_eq "$(field Session-Interactive-Only)" yes "profile: interactive sessions only (not common-session-noninteractive)"
assert_eq "$(sed -n '/^Session:/{n;p}' "$p" | tr -s ' \t' ' ')" " required pam_confine.so" "profile: session required pam_confine.so"
sysprio=$(sed -n 's/^Priority: *//p' /usr/share/pam-configs/systemd 2>/dev/null || echo 0)
check "profile: Priority below pam_systemd's (${sysprio:-0}): its lines come after pam_systemd" \
	test "$(field Priority)" -lt "${sysprio:-0}"
if nm -D --defined-only "$x/root/usr/lib/$ma/security/pam_confine.so" | grep -qw pam_sm_acct_mgmt; then
	assert_eq "$(field Account-Type)" Additional "profile: the module has pam_sm_acct_mgmt: Account-Type: Additional"
	assert_eq "$(sed -n '/^Account:/{n;p}' "$p" | tr -s ' \t' ' ')" " required pam_confine.so" \
		"profile: account required pam_confine.so"
else
	assert_eq "$(field Account-Type)" "" "profile: no account part while the module has no pam_sm_acct_mgmt"
fi
