#!/bin/bash
# The RPM (make rpm): the setuid shell's attributes, config files, scriptlets.
# usage: tests/pkg/test_rpm.sh RPM_DIR
. "$(dirname "$0")/../vm/lib.sh"
dir=${1:?usage: $0 RPM_DIR}
rpm=$(ls "$dir"/RPMS/*/confine-[0-9]*.rpm 2>/dev/null | head -n1)
[ -n "$rpm" ] || die "no confine rpm in $dir/RPMS (make rpm)"
spec=$CONFINE_REPO/packaging/rpm/confine.spec
q() { rpm -qp "$@" "$rpm" 2>/dev/null; }

assert_eq "$(q --qf '%{VERSION}')" "$(dpkg-parsechangelog -l "$CONFINE_REPO/packaging/debian/changelog" -S Version)" \
	"rpm and deb carry the same version"
files=$(q --qf '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]')
sed 's/^/#   /' <<<"$files"
assert_contains "$files" "-rwsr-x--- root:confine  /usr/libexec/confine/confine-shell" "confine-shell is 4750 root:confine"
assert_contains "$files" "-rwx------ root:root  /usr/libexec/confine/confine-helper" "confine-helper is root-only"
assert_contains "$files" "root:root cn /etc/confine/confine.conf" "confine.conf is %config(noreplace)"
assert_contains "$files" "root:root cn /etc/ssh/sshd_config.d/confine.conf" "the sshd snippet is %config(noreplace)"
assert_contains "$files" "/security/pam_confine.so" "the PAM module is in the PAM module directory"
assert_contains "$files" "confine-gc.timer" "the gc timer is packaged"
# (%{_docdir}/confine on Fedora; this rpmbuild's _docdir_fmt adds the version)
check "doc/fleet.md is the package's documentation (%doc)" \
	grep -Eq '^-rw-r--r-- root:root d /usr/share/doc/confine(-[0-9.]+)?/fleet\.md$' <<<"$files"
assert_not_contains "$files" "pam-configs" "no pam-auth-update profile (Debian's) in the RPM"
scripts=$(q --scripts)
sed 's/^/#   /' <<<"$scripts"
assert_contains "$(sed -n '/^preinstall/,/^[a-z]*install\|^preuninstall/p' <<<"$scripts")" "groupadd -r confine" \
	"%pre creates group confine"
check_fails "no scriptlet edits PAM (pam.d, authselect, pam-auth-update)" grep -qiE 'pam\.d|authselect|pam-auth-update|pam_confine' <<<"$scripts"
