#!/bin/bash
# Sourced by VM tests and `make try`: installs the build into the throwaway VM, puts
# pam_confine into the session stacks and creates a confined account `guest`.
# Never run on a real host: it edits /etc (refused outside the VM).
[ "${CONFINE_VM:-0}" = 1 ] || { echo "install-in-vm.sh: refusing outside the VM" >&2; exit 1; }
# CONFINE_VM_BUILD: which build dir to install (build, or build-san).
make -s -C "$CONFINE_REPO" install-only PREFIX=/usr/local B="${CONFINE_VM_BUILD:-build}" >/tmp/install.log 2>&1 ||
	{ cat /tmp/install.log; echo "install failed" >&2; exit 1; }
# An ASan module cannot load into the unsanitized login programs (the runtime must come
# first); there the module is the plain build, which check-san covers in the unit tests.
case "${CONFINE_VM_BUILD:-build}" in *san*)
	install -m 0644 "$CONFINE_REPO/build/pam_confine.so" \
		"$(pkg-config --variable=libdir pam)/security/pam_confine.so" ;;
esac
CONFINE_SHELL=/usr/local/libexec/confine/confine-shell
install -m 0644 -o root -g root "$CONFINE_REPO/conf/confine.conf" /etc/confine/confine.conf
# The sshd Match block, where the packages and `make install-dist` put it (confinectl check
# audits what sshd would serve confined accounts).
install -D -m 0644 "$CONFINE_REPO/packaging/sshd/confine.conf" /etc/ssh/sshd_config.d/confine.conf
mkdir -p /run/sshd # what a running sshd has: sshd -T (the audit) needs it
grep -q pam_confine /etc/pam.d/common-session ||
	echo "session required pam_confine.so" >>/etc/pam.d/common-session
id guest >/dev/null 2>&1 ||
	useradd --create-home --shell "$CONFINE_SHELL" --groups confine --user-group guest
echo 'guest:guest' | chpasswd
echo "a file of the real home" >/home/guest/real.txt
chown guest: /home/guest/real.txt
