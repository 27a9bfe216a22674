#!/bin/bash
# The example playbook (packaging/ansible/confine.yml, doc/fleet.md) run with --check --diff
# against this host as a fleet member with the package installed, in a private mount
# namespace whose /etc is an overlay over a tmpfs: check mode writes nothing anyway, and
# nothing it could write would outlive the namespace. Asserts what an admin sees: the
# probes answer (they run in check mode too), the changes it would make, none it should not.
# A second case: the host already as the playbook leaves it reports nothing to change.
. "$(dirname "$0")/../vm/lib.sh"
[ "$(id -u)" = 0 ] || die "needs root (a private mount namespace)"
command -v ansible-playbook >/dev/null || die "ansible-playbook missing (tools/deps.sh lint)"
P=$CONFINE_REPO/packaging

# play DIR VARS...: the playbook in check mode, /etc overlaid with DIR's files
play() {
	local up=$1; shift
	unshare -m --propagation private bash -c '
		set -e
		u=$1 d=$2; shift 2
		s=$(mktemp -d); mount -t tmpfs none "$s"; mkdir "$s/u" "$s/w"
		cp -a "$u/." "$s/u/"
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$s/u,workdir=$s/w" /etc
		printf "[confined_hosts]\nlocalhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n" >"$s/inv"
		cd "$d" && ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_NOCOLOR=1 \
			ansible-playbook --check --diff -i "$s/inv" confine.yml "$@"' \
		x "$up" "$P/ansible" "$@" 2>&1
}
# A host with the package installed (what it ships in /etc), PAM profile off, no SSSD snippet.
up=$(mktemp -d); trap 'rm -rf "$up"' EXIT
mkdir -p "$up/ssh/sshd_config.d" "$up/sssd/conf.d" "$up/confine" "$up/pam.d"
cp "$P/sshd/confine.conf" "$up/ssh/sshd_config.d/confine.conf"
grep -v pam_confine /etc/pam.d/common-session >"$up/pam.d/common-session"
# (the package itself: one that is installed, so the apt task has nothing to do)
out=$(play "$up" -e confine_package=bash -e confine_sssd_domain=lab -e confine_shell_group=labusers)
rc=$?
diag "$(printf '%s\n' "$out" | grep -A1 -E '^(TASK|PLAY RECAP)' | grep -v '^--')"
# The notified handler restarts SSSD, which a fleet member has; this host may not.
if [ -e /lib/systemd/system/sssd.service ] || [ -e /etc/init.d/sssd ]; then
	assert_eq "$rc" 0 "--check exits 0"
	assert_contains "$out" "failed=0" "--check: no task failed"
else
	assert_contains "$out" "failed=1" "--check: one task failed (no SSSD on this host) ..."
	assert_contains "$out" "RUNNING HANDLER [Restart sssd]" "... the handler restarting SSSD:"
	assert_contains "$out" "Could not find the requested service sssd" "... for want of SSSD, the only failure"
fi
assert_contains "$out" "+Match Group confine,labusers" "--check: the sshd snippet would name the directory group"
assert_contains "$out" "override_shell = /usr/libexec/confine/confine-shell" "--check: the SSSD snippet would be written"
assert_contains "$out" "[domain/lab]" "--check: for the domain given"
assert_contains "$out" "changed: [localhost] => (item=confine.conf)" "--check: the configuration would be copied"
assert_eq "$(printf '%s\n' "$out" | grep -A1 'TASK \[Whether the PAM profile is enabled\]' | tail -1)" \
	"ok: [localhost]" "--check: the PAM probe ran (read-only, so the tasks it decides see its answer)"

# Already as the playbook leaves it: nothing to change.
cp "$P/ansible/files/confine.conf" "$P/ansible/files/rules.conf" "$up/confine/"
sed -i 's/^Match Group confine$/Match Group confine,labusers/' "$up/ssh/sshd_config.d/confine.conf"
printf '[domain/lab]\noverride_shell = /usr/libexec/confine/confine-shell\n' >"$up/sssd/conf.d/50-confine.conf"
chmod 0600 "$up/sssd/conf.d/50-confine.conf"
echo "session optional pam_confine.so" >>"$up/pam.d/common-session"
out=$(play "$up" -e confine_package=bash -e confine_sssd_domain=lab -e confine_shell_group=labusers)
diag "$(printf '%s\n' "$out" | grep -A2 'PLAY RECAP')"
assert_contains "$out" "failed=0" "configured host: no task failed"
assert_contains "$out" "changed=0" "configured host: nothing to change (idempotent)"
finish
