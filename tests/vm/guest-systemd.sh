#!/bin/bash
# The test runner of the VM with systemd as PID 1 (CONFINE_VM_INIT=systemd): the
# ExecStart of confine-vm-tests.service, which systemd-overlay.sh writes into the
# guest's overlay. Runs each script listed in /mnt/results/scripts in a transient
# service of its own and writes the results; when it exits the unit's
# Success/FailureAction powers the VM off at once.
set +e
umask 022

# shellcheck source=tests/vm/guest-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest-lib.sh"
ENVFILE=/etc/confine-vm.env

# run_unit N SCRIPT: the script as system.slice/confine-vm-test-N.service: a fresh cgroup,
# no sandboxing, the environment of the default mode, the stdio given here (--pipe), its
# exit status returned (--wait). Whatever it leaves running in its cgroup is killed when
# it ends (KillMode=control-group); logind sessions and scopes it creates are elsewhere.
# The outer bash turns a death by signal into 128+N as in the default mode (systemd-run
# would say 255); e.g. timeout's SIGKILL of its own process group after -k.
run_unit() {
	systemd-run --quiet --wait --pipe --collect \
		--unit="confine-vm-test-$1" --description="confine VM test $1: $2" \
		-p EnvironmentFile="$ENVFILE" -p WorkingDirectory="$CONFINE_REPO" \
		-p KillMode=control-group -p TimeoutStopSec=10 \
		bash -c 'timeout -k 10 "$1" bash "$2"; exit $?' confine-vm "$CONFINE_VM_TIMEOUT" "$2"
}

load_config
run_scripts run_unit
{
	systemd-analyze time
	echo "failed units:"
	systemctl --failed --no-legend --plain --no-pager
} >"$R/boot.log" 2>&1
sync
log "all scripts done, powering off"
