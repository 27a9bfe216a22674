# Sourced by t66 and t67 (tools/deps.sh in the systemd VM): the VM made like a fresh Debian 12
# for apt, and openssh-server (a test dependency that ships a service) at hand as a .deb.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_vm
[ "${CONFINE_VM_INIT:-}" = systemd ] || skip_all "needs the systemd VM mode (CONFINE_VM_INIT=systemd)"
deb=$(ls "$CONFINE_REPO"/build/vm-debs/openssh-server_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || die "no openssh-server .deb in build/vm-debs: make vm-debs on the host first"
export DEBIAN_FRONTEND=noninteractive
DEPS="bash $CONFINE_REPO/tools/deps.sh"

# A fresh Debian has no policy-rc.d (the build host's, a container's, denies everything),
# and this VM masks sshd for the other tests.
rm -f /usr/sbin/policy-rc.d /etc/systemd/system/ssh.service /etc/systemd/system/sshd.service \
	/etc/systemd/system/ssh.socket
vm_apt_setup
systemctl daemon-reload
mkdir -p /tmp/keys && cp -a /etc/ssh/ssh_host_* /tmp/keys/

# openssh-server as on a machine that never had it; its host keys kept aside (generating
# new ones under TCG takes long and tests nothing here).
fresh() {
	systemctl stop ssh.service 2>/dev/null
	dpkg --purge openssh-server >/dev/null 2>&1 || die "cannot purge openssh-server"
	cp -a /tmp/keys/ssh_host_* /etc/ssh/
	cp "$deb" /var/cache/apt/archives/
}
# Links that start something at boot: systemd's enablement, SysV's S links.
boot_links() { find /etc/systemd/system -type l | sort; ls /etc/rc[2-5].d/S* 2>/dev/null; }
sshd_state() { # active? enabled? (none: no unit) how many sshd
	local e
	e=$(systemctl is-enabled ssh.service 2>/dev/null)
	echo "$(systemctl is-active ssh.service) ${e:-none} $(pgrep -x sshd -c)"
}
