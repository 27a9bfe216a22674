# shellcheck shell=bash
# Guest-side code shared by both init modes, sourced (never run):
#   guest-init.sh     bash is PID 1 (default, CONFINE_VM_INIT=busybox)
#   guest-systemd.sh  systemd is PID 1 (CONFINE_VM_INIT=systemd)
# The host writes the results export (mounted at /mnt/results) with `config`
# and `scripts`; the guest writes N.log, N.status, N.time, boot.time and done.

R=/mnt/results

log() { echo "confine-vm: $*" >/dev/console 2>/dev/null || echo "confine-vm: $*"; }

# load_config: the host's settings for this run; exports what the tests see.
load_config() {
	# shellcheck source=/dev/null
	. "$R/config"
	CONFINE_VM_INIT=${CONFINE_VM_INIT:-busybox}
	export CONFINE_VM=1 CONFINE_REPO CONFINE_VM_TIMEOUT CONFINE_VM_BUILD CONFINE_VM_INIT \
		CONFINE_VM_DEBDIR
}

# bind_modules: make modprobe work. The guest kernel's modules live in the
# host cache dir, which is visible through the host root.
bind_modules() {
	if [ -n "$CONFINE_VM_KVER" ] && [ -d "$CONFINE_VM_MODDIR" ]; then
		mkdir -p "/lib/modules/$CONFINE_VM_KVER"
		mount --bind "$CONFINE_VM_MODDIR" "/lib/modules/$CONFINE_VM_KVER"
	fi
}

# run_scripts CMD...: runs every script listed in $R/scripts, one at a time,
# as `CMD... N SCRIPT` with stdin /dev/null and stdout+stderr to N.log; CMD
# must apply the per-script timeout (exit 124 = timed out). Records N.time and
# N.status per script, the guest's uptime when the first one starts
# (boot.time), then writes `done`.
run_scripts() {
	local i=0 script start rc
	while IFS= read -r script; do
		[ -n "$script" ] || continue
		i=$((i + 1))
		[ $i = 1 ] && cut -d' ' -f1 /proc/uptime >"$R/boot.time"
		log "[$i] running $script"
		start=$(date +%s)
		"$@" "$i" "$script" </dev/null >"$R/$i.log" 2>&1
		rc=$?
		[ $rc = 124 ] && echo "*** confine-vm: timed out after ${CONFINE_VM_TIMEOUT}s" >>"$R/$i.log"
		echo $(( $(date +%s) - start )) >"$R/$i.time"
		echo $rc >"$R/$i.status"
		log "[$i] exit status $rc"
		sync
	done <"$R/scripts"
	echo "done" >"$R/done"
	sync
}
