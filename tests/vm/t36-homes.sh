#!/bin/bash
# Homes for network home directories (issue 17): home = "bind" (the real home, read-write,
# opened with the user's credentials, never by a symbolic link), overlays with xino=off.
# Logins through su (PAM).
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CONFINE_SHELL=/usr/local/libexec/confine/confine-shell
STATE=/var/lib/confine
modprobe loop
mkdir -p $STATE && mount -t tmpfs -o mode=0700,size=256M tmpfs $STATE
as() { su -l "$1" -c "$2" </dev/null 2>&1; }
useradd --shell "$CONFINE_SHELL" --groups confine --user-group -d /srv/t36/p/t36p t36p
useradd --shell "$CONFINE_SHELL" --groups confine --user-group -d /home/t36s t36s
useradd --shell "$CONFINE_SHELL" --groups confine --user-group -d /home/t36x t36x
SNAP_USERS="guest t36s t36p t36x" # (snapshot, expect_clean: lib.sh)
# A first login makes /run/confine's directories, which stay: the baseline is after it.
conf 'home = "tmpfs";'
assert_eq "$(as_guest 'echo warm')" warm "a first login (tmpfs home)"

# --- bind: the session writes the real home ----------------------------------------------
# Control: an ephemeral home keeps the session's file out of the real home.
conf 'home = "ephemeral";'
before=$(snapshot)
out=$(as_guest 'echo eph >~/t36-eph.txt && echo written')
assert_eq "$out" written "ephemeral (control): the session writes its home"
expect_clean "ephemeral (control): nothing left after logout"
check_fails "ephemeral (control): the file is not in the real home" test -e /home/guest/t36-eph.txt

conf 'home = "bind";'
out=$(as_guest 'echo bound >~/t36-bind.txt && cat ~/real.txt && findmnt -no OPTIONS ~')
assert_contains "$out" "a file of the real home" "bind: the real home's files are there"
assert_contains "$out" "nosuid" "bind: the home is nosuid"
assert_contains "$out" "nodev" "bind: the home is nodev"
assert_contains "$out" "rw" "bind: the home is read-write"
expect_clean "bind: nothing left mounted or running after logout"
assert_eq "$(cat /home/guest/t36-bind.txt 2>&1)" bound "bind: the file is in the real home after logout"
assert_eq "$(stat -c %U /home/guest/t36-bind.txt)" guest "bind: and the user's"

# --- bind: the home is opened as the user, not as root ------------------------------------
# A home below a directory root may search but the user may not: root's open would succeed
# (CAP_DAC_OVERRIDE), the user's is refused (as root's is on an NFS server that squashes
# root while the user may: the open must use the user's credentials).
mkdir -p /srv/t36/p/t36p && chown t36p: /srv/t36/p/t36p && chmod 0700 /srv/t36/p
sed -i 's/user = "guest"/user = "t36*"/' /etc/confine/confine.conf
before=$(snapshot)
out=$(as t36p 'echo ran'); rc=$?
assert_ne "$rc" 0 "bind: a home the user cannot reach is refused"
assert_contains "$out" "cannot open /srv/t36/p/t36p as its user: Permission denied" \
	"bind: the open was the user's (root's would have succeeded)"
assert_not_contains "$out" "ran" "bind: the shell never ran"
chmod 0755 /srv/t36/p
assert_eq "$(as t36p 'echo ran')" ran "bind: once the user may reach it, the login works (control)"
expect_clean "bind: nothing left after these logins"

# --- bind: a home that is a symbolic link is refused --------------------------------------
mkdir -p /srv/t36/s && chown t36s: /srv/t36/s && ln -s /srv/t36/s /home/t36s
before=$(snapshot)
out=$(as t36s 'echo ran; touch ~/via-link'); rc=$?
assert_ne "$rc" 0 "bind: a home that is a symbolic link is refused"
assert_contains "$out" "a symbolic link on the path is refused" "bind: the user is told why"
check_fails "bind: nothing was written through the link" test -e /srv/t36/s/via-link
expect_clean "bind: nothing left after the refused login"

# --- bind: ~/.ssh is read-only in the session ---------------------------------------------
# sshd reads ~/.ssh/authorized_keys from the real home, outside every sandbox: a key's
# command="internal-sftp" written there would have sshd serve the user's sftp in its own
# process, unconfined (the control shows what that gives: a file in the host's /tmp).
conf 'home = "bind";'
start_test_sshd guest >/dev/null # guest's real ~/.ssh/authorized_keys: the client's key
keys=$(cat /home/guest/.ssh/authorized_keys)
before=$(snapshot)
out=$(as_guest 'sed -i "s/^/command=\"internal-sftp\" /" ~/.ssh/authorized_keys
echo "ssh-ed25519 AAAA t36" >>~/.ssh/authorized_keys; mkdir ~/.ssh/t36; mv ~/.ssh ~/t36-ssh
echo open: $(findmnt -no OPTIONS ~/.ssh | cut -d, -f1); echo written >~/t36-bind2.txt && echo home ok')
assert_eq "$(cat /home/guest/.ssh/authorized_keys)" "$keys" \
	"bind: the session cannot change the real ~/.ssh/authorized_keys"
check_fails "bind: nor make anything in ~/.ssh" test -e /home/guest/.ssh/t36
check_fails "bind: nor move ~/.ssh aside" test -e /home/guest/t36-ssh
assert_line "$out" "open: ro" "bind: ~/.ssh is a read-only mount in the session"
assert_line "$out" "home ok" "bind: the rest of the home stays writable"
assert_eq "$(cat /home/guest/t36-bind2.txt 2>&1)" written "bind: the home's file is there after logout"
expect_clean "bind: nothing left after the ~/.ssh login"
out=$(/usr/local/sbin/confinectl run --profile lim --user guest -- \
	sh -c 'echo x >>~/.ssh/authorized_keys || echo refused' 2>&1)
assert_contains "$out" "refused" "bind, confinectl run: ~/.ssh is read-only there too"
assert_eq "$(cat /home/guest/.ssh/authorized_keys)" "$keys" "bind, confinectl run: the keys unchanged"
# Control: what such a key line would give (root writes it, as the session could before).
SFTP=(sftp -F /dev/null -i /tmp/clientkey -P 2222 -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -b -)
echo "command=\"internal-sftp\" $keys" >/home/guest/.ssh/authorized_keys
echo escaped >/tmp/t36-escape.src; chmod 644 /tmp/t36-escape.src; rm -f /tmp/t36-escape
timeout 60 "${SFTP[@]}" guest@127.0.0.1 >/dev/null 2>&1 <<<"put /tmp/t36-escape.src /tmp/t36-escape"
assert_eq "$(stat -c %U /tmp/t36-escape 2>&1)" guest \
	"control: with command=\"internal-sftp\" in the key, sftp writes the host's /tmp as guest"
rm -f /tmp/t36-escape; echo "$keys" >/home/guest/.ssh/authorized_keys
pkill -f "sshd -f /tmp/sshd_config"
# No ~/.ssh yet: the login makes it (the user's, 0700), read-only; a link there is refused.
useradd --create-home --shell "$CONFINE_SHELL" --groups confine --user-group t36k
sed -i 's/user = "guest"/user = "t36*"/' /etc/confine/confine.conf
out=$(as t36k 'touch ~/.ssh/authorized_keys || echo refused')
assert_contains "$out" "refused" "bind, no ~/.ssh before: it is read-only in the session"
assert_eq "$(stat -c '%U %a' /home/t36k/.ssh 2>&1)" "t36k 700" "bind: ~/.ssh made as the user, 0700"
check_fails "bind: and nothing written into it" test -e /home/t36k/.ssh/authorized_keys
rmdir /home/t36k/.ssh && mkdir /home/t36k/keys && chown t36k: /home/t36k/keys
ln -s keys /home/t36k/.ssh && chown -h t36k: /home/t36k/.ssh
out=$(as t36k 'echo ran; echo k >~/.ssh/authorized_keys'); rc=$?
assert_ne "$rc" 0 "bind: ~/.ssh that is a symbolic link: the login is refused"
assert_contains "$out" "~/.ssh must be a directory of the home" "bind: the user is told why"
check_fails "bind: nothing written through the link" test -e /home/t36k/keys/authorized_keys
# (The review's F5) a key file in ~/.ssh linked to a name outside it: the session would write
# the keys through that name. Refused, for a symbolic and for a hard link.
rm /home/t36k/.ssh && install -d -m 700 -o t36k -g t36k /home/t36k/.ssh
for kind in symbolic hard; do
	rm -f /home/t36k/.ssh/authorized_keys /home/t36k/ak
	install -m 600 -o t36k -g t36k /dev/null /home/t36k/ak
	if [ $kind = symbolic ]; then ln -s ../ak /home/t36k/.ssh/authorized_keys
	else ln /home/t36k/ak /home/t36k/.ssh/authorized_keys; fi
	out=$(as t36k 'echo "command=\"internal-sftp\" ssh-ed25519 AAAA t36" >~/ak; echo ran'); rc=$?
	assert_ne "$rc" 0 "bind: ~/.ssh/authorized_keys a $kind link out of ~/.ssh: the login is refused"
	assert_contains "$out" "~/.ssh/authorized_keys is a $kind link" "bind: $kind link: the user is told why"
	assert_eq "$(cat /home/t36k/ak)" "" "bind: $kind link: no key line written through it"
done
rm -f /home/t36k/.ssh/authorized_keys
assert_eq "$(as t36k 'echo ran')" ran "bind: a plain ~/.ssh again: the login works (control)"

# --- persistent overlays: xino=off ---------------------------------------------------------
# Debian's kernel defaults to xino=off and mountinfo shows only options that differ from the
# default: with overlay's xino_auto default switched on, a home on an ext4 of its own and the
# upper on another ext4 (the image), an overlay made without confine's xino=off is
# xino=auto and its mountinfo line shows no xino (seen once with the option removed); with
# it, "xino=off".
truncate -s 32M /var/tmp/t36x.img && mkfs.ext4 -q /var/tmp/t36x.img || die "mkfs"
mkdir -p /home/t36x && mount -o loop /var/tmp/t36x.img /home/t36x && chown t36x: /home/t36x
echo Y >/sys/module/overlay/parameters/xino_auto || die "cannot set overlay's xino_auto"
cat >/etc/confine/confine.conf <<CONF
state_dir = "$STATE";
profiles = { lab = { home = "persistent"; home_size = "16M"; }; };
rules = ( { user = "t36x"; profile = "lab"; } );
CONF
out=$(as t36x 'awk -v h="$HOME" '"'"'$5 == h'"'"' /proc/self/mountinfo')
diag "the home in mountinfo: $out"
assert_contains "$out" " - overlay " "persistent: the home is an overlay"
assert_contains "$out" "xino=off" "persistent: the overlay has xino=off"
sed -i 's/"persistent"; home_size = "16M"/"ephemeral"/' /etc/confine/confine.conf
out=$(as t36x 'awk -v h="$HOME" '"'"'$5 == h'"'"' /proc/self/mountinfo')
assert_contains "$out" "xino=off" "ephemeral: the overlay has xino=off"
echo N >/sys/module/overlay/parameters/xino_auto
