#!/bin/bash
# Kiosk machines (issue 16): the shipped confine-kiosk@.service runs Cage (headless here, a
# test drop-in) as the kiosk user in PAM service confine-kiosk; the graphical profile's
# command runs confined as Cage's client: a Wayland client that sees the compositor, PID 1
# of its own PID namespace, in the session's cgroup with the profile's limits, only lo, no
# /dev/input, no bus, only the Wayland socket of /run/user/UID, a fresh home at every visit.
# Killing it restarts the kiosk; `systemctl stop` leaves nothing. The kiosk account gets no
# shell through su or login. A screenshot (grim) goes to the results dir for a person.
. "$(dirname "$0")/lib.sh"
require_vm
[ "${CONFINE_VM_INIT:-}" = systemd ] || skip_all "needs the systemd VM mode (CONFINE_VM_INIT=systemd)"
for p in cage foot grim wayland-info Xwayland; do
	command -v "$p" >/dev/null || skip_all "$p is not installed (tools/deps.sh systemd-vm)"
done
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
UNIT=confine-kiosk@kiosk.service
T0=$SECONDS
# The account hook too, as the pam-auth-update profile installs it.
grep -q pam_confine /etc/pam.d/common-account || echo "account required pam_confine.so" >>/etc/pam.d/common-account
useradd --create-home --shell /usr/local/libexec/confine/confine-shell --groups confine --user-group kiosk
KUID=$(id -u kiosk)
export SNAP_USERS=kiosk

# The kiosk program: says what it sees (to the journal, through Cage's stdout), leaves a
# file in its home, then shows a terminal until it is killed.
cat >/usr/local/bin/t77-kiosk <<'EOF'
#!/bin/sh
say() { echo "t77: $*"; }
say "pid=$$ uid=$(id -u) marker=$(cat "$HOME/visit" 2>/dev/null || echo none)"
echo visited >"$HOME/visit"
say "net="$(ls /sys/class/net)
say "runuser="$(ls -A "$XDG_RUNTIME_DIR")
say "env=$WAYLAND_DISPLAY,$XDG_RUNTIME_DIR"
say "input=$(ls /dev/input 2>&1 | head -1)"
say "bus=$(ls /run/dbus/system_bus_socket 2>&1)"
say "pids=$(cat /sys/fs/cgroup/pids.max) mem=$(cat /sys/fs/cgroup/memory.max)"
wayland-info 2>&1 | sed -n "s/.*interface: '\([a-z_0-9]*\)'.*/t77: global=\1/p"
exec foot sh -c 'echo confined kiosk: pid $$ in its own namespace; echo; cat /etc/hostname; exec sleep 100000'
EOF
chmod 0755 /usr/local/bin/t77-kiosk
cat >/etc/confine/confine.conf <<'CONF'
profiles = {
  kiosk = {
    graphical = true;
    command = [ "/usr/local/bin/t77-kiosk" ];
    home = "tmpfs";
    home_size = "32M";
    pids_max = 96;
    memory_max = "256M";
    max_sessions = 1;
    net = "none";
  };
};
rules = ( { user = "kiosk"; profile = "kiosk"; } );
CONF
check "confinectl check accepts the graphical profile" /usr/local/sbin/confinectl check
# The test drop-in: Cage headless with software rendering, no tty of its own.
mkdir -p "/etc/systemd/system/$UNIT.d"
cat >"/etc/systemd/system/$UNIT.d/test.conf" <<'EOF'
[Service]
Environment=WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 WLR_HEADLESS_OUTPUTS=1
StandardInput=null
RestartSec=1
EOF
systemctl daemon-reload

# --- the kiosk account has no shell anywhere ----------------------------------------------
out=$(su -l kiosk -c id </dev/null 2>&1); rc=$?
assert_ne "$rc" 0 "su -l kiosk -c id: refused"
assert_contains "$out" "kiosk is a kiosk account" "su: the user is told why"
out=$(su -l kiosk </dev/null 2>&1)
assert_not_contains "$out" "t77: pid" "su -l kiosk: the kiosk program does not run either"
check_fails "login (console, pamtester): refused" pamtester login kiosk open_session close_session
assert_contains "$(journalctl -q --no-pager -t confine-helper)" \
	"profiles.kiosk is a graphical kiosk (graphical = true): only the kiosk unit's PAM service 'confine-kiosk' opens it, not 'su-l'" \
	"the journal names the profile and the service"
pamtester confine-kiosk kiosk open_session close_session >/dev/null 2>&1
# logind ends the user (and unmounts /run/user/UID) UserStopDelaySec after the last session.
user_gone() { ! loginctl show-user kiosk >/dev/null 2>&1; }
wait_long() { local end=$((SECONDS + 120)); until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $end ] || return 1; sleep 0.5; done; }
wait_long user_gone || diag "kiosk's logind user stays: $(loginctl show-user kiosk 2>&1 | tr '\n' ' ')"
before=$(snapshot)

# --- a visit ------------------------------------------------------------------------------
# The program's stdout is Cage's (its journal stream, identifier "cage"); pam_systemd moved
# Cage into the logind session's scope, so `journalctl -u` does not find those lines.
klog() { journalctl -q --no-pager -o cat -t cage "$@" | grep '^t77:'; }
visits() { klog | grep -c '^t77: pid='; }
kpid() { pgrep -u kiosk -x foot | head -1; }
systemctl start "$UNIT"
wait_long eval '[ "$(visits)" -ge 1 ] && [ -n "$(kpid)" ]' || diag "no visit: $(journalctl -q --no-pager -u "$UNIT" | tail -20)"
sleep 1
log=$(klog)
assert_line "$log" "t77: pid=1 uid=$KUID marker=none" "the program is PID 1 of its namespace, the kiosk user, a fresh home"
assert_line "$log" "t77: net=lo" "only lo (net = none)"
assert_line "$log" "t77: runuser=wayland-0" "of /run/user/$KUID only the Wayland socket"
assert_line "$log" "t77: env=wayland-0,/run/user/$KUID" "WAYLAND_DISPLAY and XDG_RUNTIME_DIR name it"
assert_line "$log" "t77: input=ls: cannot access '/dev/input': No such file or directory" "no /dev/input"
assert_line "$log" "t77: bus=ls: cannot access '/run/dbus/system_bus_socket': No such file or directory" "no system bus"
assert_line "$log" "t77: pids=96 mem=268435456" "the profile's limits on its cgroup"
assert_line "$log" "t77: global=wl_compositor" "a Wayland client: sees wl_compositor"
assert_line "$log" "t77: global=xdg_wm_base" "... and xdg_wm_base"
P=$(kpid)
rec=$(cat /run/confine/sessions/* 2>/dev/null)
assert_eq "$(val service "$rec")" confine-kiosk "the session record: PAM service confine-kiosk"
assert_eq "$(cat "/proc/$P/cgroup" 2>&1)" "0::$(val cgroup "$rec" | sed 's|^/sys/fs/cgroup||')" \
	"the program is in the session's cgroup"
assert_eq "$(pgrep -u kiosk -x cage | wc -l)" 1 "Cage runs as the kiosk user"
assert_contains "$(cat /proc/"$(pgrep -u kiosk -x cage)"/cgroup)" "0::/user.slice/user-$KUID.slice/session-" \
	"Cage runs in the logind session (pam_systemd), outside the sandbox"
# A screenshot of the headless output, for a person to look at.
sleep 2
shot=/mnt/results/t77-kiosk.png
if XDG_RUNTIME_DIR=/run/user/$KUID WAYLAND_DISPLAY=wayland-0 grim "$shot" 2>/tmp/grim.err && [ -s "$shot" ]; then
	ok "grim took a screenshot of the kiosk"
	diag "screenshot: $shot (run-vm.sh --keep-log DIR keeps it as DIR/t77-kiosk.png)"
else
	not_ok "grim took a screenshot of the kiosk"; diag "$(cat /tmp/grim.err)"
fi

# --- killing the program restarts the kiosk, with an empty home -----------------------------
n=$(systemctl show "$UNIT" -p NRestarts --value)
kill -KILL "$P"
wait_long eval '[ "$(visits)" -ge 2 ] && [ -n "$(kpid)" ] && [ "$(kpid)" != "$P" ]'
assert_eq "$(systemctl show "$UNIT" -p NRestarts --value)" "$((n + 1))" "killing the program restarted the kiosk"
sleep 1
last=$(klog | grep '^t77: pid=' | tail -1)
assert_eq "$last" "t77: pid=1 uid=$KUID marker=none" "the next visit: the file of the last one is gone"

# --- systemctl stop leaves nothing ------------------------------------------------------------
systemctl stop "$UNIT"
diag "after stop: $(systemctl show "$UNIT" -p Result -p ExecMainCode -p ExecMainStatus | tr '\n' ' ')"
# (Cage 0.1.4 may abort on SIGTERM with the headless backend: then "failed", Result=signal)
assert_contains "inactive failed" "$(systemctl is-active "$UNIT")" "the kiosk stopped"
expect_clean "systemctl stop: no process, cgroup, mount or record left"
expect_no_sessions "no session record left"

# --- the socket is checked: a link or a file the user names is refused ---------------------
# Cage's client is a shell that makes a symbolic link to the socket (then a regular file) in
# the runtime dir and names it in WAYLAND_DISPLAY for confine-shell (still Cage's child).
for what in link file; do
	mark=$(date '+%Y-%m-%d %H:%M:%S')
	cat >"/etc/systemd/system/$UNIT.d/zz-bad.conf" <<EOF
[Service]
ExecStart=
ExecStart=/usr/bin/cage -d -- /bin/sh -c 'cd "\$XDG_RUNTIME_DIR" && ln -sf "\$WAYLAND_DISPLAY" link && echo x >file && WAYLAND_DISPLAY=$what exec /usr/local/libexec/confine/confine-shell'
EOF
	systemctl daemon-reload
	systemctl start "$UNIT"
	wait_long eval 'journalctl -q --no-pager --since "$mark" -t confine-shell | grep -q "graphical = true"'
	out=$(journalctl -q --no-pager --since "$mark" -t confine-shell)
	assert_contains "$out" "/run/user/$KUID/$what is not a socket of uid $KUID" \
		"WAYLAND_DISPLAY naming a $what in the runtime dir: refused, the journal says why"
	assert_eq "$(klog --since "$mark" | grep -c '^t77: pid=')" 0 \
		"... and the kiosk program never ran"
	systemctl stop "$UNIT"; systemctl reset-failed "$UNIT" 2>/dev/null
done
rm "/etc/systemd/system/$UNIT.d/zz-bad.conf"
systemctl daemon-reload

# A graphical profile with the real home read-write: its unconfined compositor would read
# what the program leaves there (row 53). Control: the profile as it is passes (above).
cp /etc/confine/confine.conf /tmp/t77.conf
sed -i 's/home = "tmpfs";/home = "bind";/' /etc/confine/confine.conf
out=$(/usr/local/sbin/confinectl check 2>&1); rc=$?
assert_ne "$rc" 0 "confinectl check refuses graphical = true with home = \"bind\""
assert_contains "$out" "a graphical profile cannot have home = \"bind\"" "... and says why"
cp /tmp/t77.conf /etc/confine/confine.conf

# --- max_duration: the kiosk restarts when its time is up ---------------------------------
# (Longer than Cage's start under TCG: a limit that passes before confine-shell runs makes it
# refuse the session, "its time limit has passed", and the kiosk restarts in a loop.)
sed -i 's/max_sessions = 1;/max_sessions = 1; max_duration = "20s"; max_duration_grace = "2s";/' /etc/confine/confine.conf
journalctl --rotate >/dev/null 2>&1; mark=$(date '+%Y-%m-%d %H:%M:%S')
systemctl reset-failed "$UNIT" 2>/dev/null
systemctl start "$UNIT"
n=$(systemctl show "$UNIT" -p NRestarts --value)
wait_long eval '[ "$(systemctl show "$UNIT" -p NRestarts --value)" -gt "$n" ]'
assert_eq "$(systemctl show "$UNIT" -p NRestarts --value)" "$((n + 1))" "max_duration = 20s: the kiosk restarted by itself"
assert_contains "$(journalctl -q --no-pager --since "$mark" -t confine-shell)" "time limit max_duration = 20s reached" \
	"the journal says why"
systemctl stop "$UNIT"
expect_clean "systemctl stop after a time limit: nothing left"

assert_eq "$(systemctl list-units --no-legend --plain 'confine-*.scope' | wc -l)" 0 "no session scope left"
diag "t77 took $((SECONDS - T0)) s in the VM"
finish
