#!/bin/bash
# Directory users from a real directory (issue 17): OpenLDAP's slapd (an rfc2307bis tree with
# a nested group) and SSSD on loopback, installed in this throwaway VM only (the .debs that
# tools/deps.sh fetched into the VM cache: the host's NSS and PAM never see them). SSSD's
# override_shell makes confine-shell the lab domain's login shell (doc/fleet.md's recipe);
# a second domain, staff, keeps the directory's shell. Then: slapd stopped (SSSD offline,
# its cache warm) and SSSD stopped (no answer at all): never an unconfined login.
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CTL=/usr/local/sbin/confinectl
CONFINE_SHELL=/usr/local/libexec/confine/confine-shell
T0=$SECONDS

# --- install (lib.sh): one dpkg run, no service started by it (the test starts them) ------
# slapd's postinst would build a database of its own: this test brings its own.
echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
vm_dpkg_install directory
assert_contains "$(grep -E '^(passwd|group):' /etc/nsswitch.conf)" sss "libnss-sss put sss into nsswitch.conf"
check_fails "no slapd or sssd was started by the packages" pgrep -x 'slapd|sssd'

# --- the directory: rfc2307bis (posixGroup auxiliary, so a group is a groupOfNames whose
# members are DNs, groups among them) -- Debian ships only RFC 2307's nis.schema. (slapd
# 2.5 defines uidNumber and gidNumber itself.)
L=/tmp/ldap
mkdir -p $L/db
cat >$L/rfc2307bis.schema <<'EOF'
attributetype ( 1.3.6.1.1.1.1.2 NAME 'gecos' EQUALITY caseIgnoreIA5Match
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE )
attributetype ( 1.3.6.1.1.1.1.3 NAME 'homeDirectory' EQUALITY caseExactIA5Match
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE )
attributetype ( 1.3.6.1.1.1.1.4 NAME 'loginShell' EQUALITY caseExactIA5Match
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 SINGLE-VALUE )
attributetype ( 1.3.6.1.1.1.1.12 NAME 'memberUid' EQUALITY caseExactIA5Match
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 )
objectclass ( 1.3.6.1.1.1.2.0 NAME 'posixAccount' SUP top AUXILIARY
	MUST ( cn $ uid $ uidNumber $ gidNumber $ homeDirectory ) MAY ( loginShell $ gecos ) )
objectclass ( 1.3.6.1.1.1.2.2 NAME 'posixGroup' SUP top AUXILIARY
	MUST gidNumber MAY ( memberUid $ description ) )
EOF
cat >$L/slapd.conf <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include $L/rfc2307bis.schema
pidfile $L/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 16777216
suffix "dc=example,dc=org"
rootdn "cn=admin,dc=example,dc=org"
directory $L/db
EOF
B=dc=example,dc=org
user() { # NAME UID GID OU: an account whose directory shell is /bin/bash
	printf 'dn: uid=%s,ou=%s,%s\nobjectClass: account\nobjectClass: posixAccount\nuid: %s\ncn: %s\n' "$1" "$4" $B "$1" "$1"
	printf 'uidNumber: %s\ngidNumber: %s\nhomeDirectory: /home/%s\nloginShell: /bin/bash\n\n' "$2" "$3" "$1"
}
group() { # NAME GID OU MEMBER-DN...
	printf 'dn: cn=%s,ou=%s,%s\nobjectClass: groupOfNames\nobjectClass: posixGroup\ncn: %s\ngidNumber: %s\n' "$1" "$3" $B "$1" "$2"
	local m; for m in "${@:4}"; do printf 'member: %s\n' "$m"; done; echo
}
{
	printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: example\ndc: example\n\n' $B
	for ou in lab staff groups staffgroups; do printf 'dn: ou=%s,%s\nobjectClass: organizationalUnit\nou: %s\n\n' $ou $B $ou; done
	user dira 70001 70100 lab
	user dirb 70002 70200 staff
	# lab-all (the rules' group) holds lab-students (nested), which holds dira
	group lab-students 70100 groups "uid=dira,ou=lab,$B"
	group lab-all 70101 groups "cn=lab-students,ou=groups,$B"
	group staff 70200 staffgroups "uid=dirb,ou=staff,$B"
} >$L/data.ldif
slapadd -q -f $L/slapd.conf -l $L/data.ldif || die "slapadd failed"
start_slapd() { slapd -f $L/slapd.conf -h ldap://127.0.0.1/ && wait_for ldapsearch -x -H ldap://127.0.0.1/ -b $B -s base; }
start_slapd || die "slapd did not start"
check "slapd answers: dira is in the directory" ldapsearch -x -LLL -H ldap://127.0.0.1/ -b $B uid=dira uid

# --- SSSD: two domains on the same directory; lab overrides the shell --------------------
domain() { # NAME USER-OU GROUP-OU [EXTRA]
	printf '[domain/%s]\nid_provider = ldap\nauth_provider = none\naccess_provider = permit\n' "$1"
	printf 'ldap_uri = ldap://127.0.0.1/\nldap_schema = rfc2307bis\nldap_search_base = %s\n' $B
	printf 'ldap_user_search_base = ou=%s,%s\nldap_group_search_base = ou=%s,%s\n' "$2" $B "$3" $B
	printf 'ldap_id_use_start_tls = false\nldap_tls_reqcert = never\nenumerate = false\n'
	# entries expire at once: every lookup asks the directory first, then the cache
	printf 'entry_cache_timeout = 1\n%s\n\n' "${4:-}"
}
{
	# (no memory cache: with it, a stopped sssd's answers stay valid to the NSS clients for
	# memcache_timeout, 300 s by default -- correct answers, but no refusal to test)
	printf '[sssd]\nservices = nss, pam\ndomains = lab, staff\n\n[nss]\nmemcache_timeout = 0\n\n[pam]\n\n'
	domain lab lab groups "override_shell = $CONFINE_SHELL"
	domain staff staff staffgroups
} >/etc/sssd/sssd.conf
chmod 0600 /etc/sssd/sssd.conf
start_sssd() { sssd -D && wait_for getent passwd dira; }
start_sssd || { tail -n 20 /var/log/sssd/*.log; die "sssd did not start (or does not resolve dira)"; }
diag "slapd and sssd up after $((SECONDS - T0)) s"

assert_eq "$(getent passwd dira | cut -d: -f3,7)" "70001:$CONFINE_SHELL" \
	"override_shell: the lab domain's user has confine-shell (the directory says /bin/bash)"
assert_eq "$(getent passwd dirb | cut -d: -f7)" /bin/bash "the staff domain keeps the directory's shell"
assert_contains " $(id -nG dira) " " lab-all " "nested group: dira is in lab-all through lab-students"
mkdir -p /home/dira /home/dirb && chown 70001:70100 /home/dira && chown 70002:70200 /home/dirb
chmod 0700 /home/dira /home/dirb
# dira may execute confine-shell (4750 root:confine): a member of the local group confine
# (doc/fleet.md's first choice); sshd's Match Group confine then applies to it too.
sed -i '/^confine:/ { s/$/,dira/; s/:,dira$/:dira/ }' /etc/group
cat >/etc/confine/confine.conf <<'EOF'
profiles = { lab = { home = "tmpfs"; hostname = "lab"; }; };
rules = ( { group = "lab-all"; profile = "lab"; } );
EOF
useradd --create-home --shell /bin/bash loc1 # a local user outside the directory

out=$("$CTL" check --user dira --service su 2>&1); rc=$?
assert_eq "$rc" 0 "check --user dira: exit 0"
assert_line "$out" "shell: $CONFINE_SHELL (confine-shell)" "check --user: the shell from override_shell"
assert_line "$out" "rule groups: all resolved" "check --user: SSSD resolves the rule's group"
assert_line "$out" "result: confined (profile lab)" "check --user: dira would be confined (nested group)"
out=$("$CTL" check --user dirb 2>&1)
assert_line "$out" "result: not confined (no rule matches)" "check --user: dirb would not be confined"

# --- logins, directory up ------------------------------------------------------------------
mkdir -p /home/dira/.ssh
start_test_sshd
cp /tmp/clientkey.pub /home/dira/.ssh/authorized_keys
cp -r /home/dira/.ssh /home/dirb/ && chown -R 70002:70200 /home/dirb/.ssh && chown -R 70001:70100 /home/dira/.ssh
SNAP_USERS="70001 70002 loc1" # (by uid: with SSSD down, pgrep -u cannot resolve the names)
login_su() { su -l "$1" -c 'echo "host=$(hostname)"; echo "fs=$(findmnt -no FSTYPE ~)"' </dev/null 2>&1; }
login_ssh() { $SSH "$1@127.0.0.1" 'echo "host=$(hostname)"; echo "fs=$(findmnt -no FSTYPE ~)"' </dev/null 2>&1; }
out=$(login_su dira)
assert_line "$out" "host=lab" "su: dira is confined (profile lab)"
assert_line "$out" "fs=tmpfs" "su: dira has the profile's tmpfs home"
before=$(snapshot)
out=$(login_ssh dira)
assert_line "$out" "host=lab" "ssh: dira is confined (profile lab)"
expect_clean "ssh: nothing left after dira's logout"
out=$(login_su dirb)
assert_line "$out" "host=confine-vm" "su: dirb (staff) is not confined"
assert_line "$out" "fs=$(findmnt -no FSTYPE /home)" "su: dirb has the real home"
assert_line "$(login_ssh dirb)" "host=confine-vm" "ssh: dirb is not confined"
assert_line "$(login_su loc1)" "host=confine-vm" "su: loc1 (local, not in lab-all) is not confined"
# The sshd audit finds dira though SSSD does not enumerate it: a member of the rules'
# directory group (the review of the fixes: the first version's getpwent alone missed it).
# In the local group confine, the shipped Match block covers it.
check_fails "getent passwd lists no directory user (enumerate = false)" sh -c 'getent passwd | grep -q "^dira:"'
out=$("$CTL" check 2>&1); rc=$?
assert_eq "$rc" 0 "sshd audit: check exits 0 (the Match block covers dira)"
assert_line "$out" "# sshd: dira: no forwarding, tunnel, chroot or internal-sftp (as from 127.0.0.1)" \
	"sshd audit: a directory user of the rules' group is audited"

# --- slapd stopped: SSSD offline, answering from its (expired) cache ------------------------
kill "$(cat $L/slapd.pid)" && wait_for sh -c "! pgrep -x slapd" || die "slapd did not stop"
sleep 2 # every cached entry expired (entry_cache_timeout): SSSD asks slapd, goes offline
check_fails "slapd is down" ldapsearch -x -H ldap://127.0.0.1/ -b $B -s base
assert_eq "$(getent passwd dira | cut -d: -f7)" "$CONFINE_SHELL" "slapd down: SSSD still has dira (cache)"
out=$("$CTL" check --user dira --service sshd 2>&1)
assert_line "$out" "result: confined (profile lab)" "slapd down: check --user: dira would still be confined"
out=$(login_su dira)
assert_line "$out" "host=lab" "slapd down: su: dira is still confined"
assert_line "$(login_ssh dira)" "host=lab" "slapd down: ssh: dira is still confined"
assert_line "$(login_su dirb)" "host=confine-vm" "slapd down: su: dirb is unaffected (not confined)"
assert_line "$(login_ssh dirb)" "host=confine-vm" "slapd down: ssh: dirb is unaffected"
assert_line "$(login_su loc1)" "host=confine-vm" "slapd down: loc1 is unaffected"
expect_clean "slapd down: nothing left after the logins"

# --- SSSD stopped: nobody can say who is in lab-all -----------------------------------------
kill "$(cat /var/run/sssd.pid 2>/dev/null || pgrep -xo sssd)" && wait_for sh -c "! pgrep -x 'sssd.*'" ||
	die "sssd did not stop"
out=$(login_su dira); rc=$?
assert_ne "$rc" 0 "sssd down: su: dira's login is refused"
assert_not_contains "$out" "host=" "sssd down: su: no shell ran for dira"
out=$(login_ssh dira); rc=$?
assert_ne "$rc" 0 "sssd down: ssh: dira's login is refused"
assert_not_contains "$out" "host=" "sssd down: ssh: no shell ran for dira"
# loc1 is local (pam_localuser lets it through SSSD's account check): only confine's rule
# stands between it and a shell, and its group lab-all cannot be resolved now.
out=$(login_su loc1); rc=$?
assert_ne "$rc" 0 "sssd down: su: loc1's login is refused (lab-all cannot be resolved)"
assert_not_contains "$out" "host=" "sssd down: su: loc1's shell never ran unconfined"
assert_contains "$out" "group database cannot say whether loc1 is confined" "sssd down: loc1 is told why"
out=$("$CTL" check --user loc1 2>&1); rc=$?
assert_eq "$rc" 3 "sssd down: check --user loc1: exit 3"
assert_line "$out" "rule groups: NOT all resolved (logins asking them are refused)" \
	"sssd down: check --user says lab-all is not resolved"
expect_clean "sssd down: nothing left after the refused logins"
start_sssd || die "sssd did not start again"
assert_line "$(login_su loc1)" "host=confine-vm" "sssd back (slapd still down): loc1 logs in again (control)"
diag "t37 took $((SECONDS - T0)) s after install-in-vm"
