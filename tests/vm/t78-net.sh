#!/bin/bash
# net = "allow" (issue 15): a session reaches the destinations its profile lists and nothing
# else, fast; no other session, no listener of its own from outside; nothing of it is left
# after a logout, nor after a SIGKILLed login (su; ssh with its sshd SIGKILLed) and `confinectl
# gc`. Plain VM.
#   host: dummy0 192.0.2.10 and 2001:db8::10 (listed tcp 8080, udp 5353; unlisted tcp 8081,
#         udp 5354), 127.0.0.1:8080 (host loopback), *:8082 (every host address), a netns
#         "far" 198.51.100.2:8080 behind veth fwd0 (forwarded and masqueraded).
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CTL=/usr/local/sbin/confinectl
P=/usr/local/lib/confine-t78 # visible (read-only) inside the sessions
install -D -m 0755 "$CONFINE_REPO/tests/vm/progs/netprobe.py" $P/netprobe.py
NP="/usr/bin/python3 $P/netprobe.py"
command -v nft >/dev/null || die "nft (package nftables) is missing: bash tools/deps.sh vm"
modprobe -a veth dummy nf_tables || die "cannot load veth, dummy, nf_tables"

ip link add dummy0 type dummy && ip link set dummy0 up &&
	ip addr add 192.0.2.10/32 dev dummy0 && ip -6 addr add 2001:db8::10/128 dev dummy0 nodad ||
	die "cannot set up dummy0"
ip netns add far && ip link add fwd0 type veth peer name fwd1 netns far &&
	ip addr add 198.51.100.1/24 dev fwd0 && ip link set fwd0 up &&
	ip -n far addr add 198.51.100.2/24 dev fwd1 && ip -n far link set fwd1 up &&
	ip -n far link set lo up && ip -n far route add default via 198.51.100.1 ||
	die "cannot set up the netns far"
# Replies from beyond the host come in by the uplink: IPv4 forwarding is checked there.
sysctl -qw net.ipv4.conf.fwd0.forwarding=1
$NP serve tcp,192.0.2.10,8080 tcp,192.0.2.10,8081 udp,192.0.2.10,5353 udp,192.0.2.10,5354 \
	tcp,2001:db8::10,8080 tcp,127.0.0.1,8080 tcp,0.0.0.0,8082 >/tmp/t78-srv.out 2>&1 &
SRV=$!
ip netns exec far $NP serve tcp,198.51.100.2,8080 >/tmp/t78-far.out 2>&1 &
FAR=$!
wait_for grep -q ready /tmp/t78-srv.out && wait_for grep -q ready /tmp/t78-far.out ||
	die "the servers did not start"

diag "t=${SECONDS}s: servers up"
ALLOW='net = "allow"; net_allow = [ "tcp:192.0.2.10:8080", "udp:192.0.2.10:5353",
	"tcp:[2001:db8::10]:8080", "tcp:198.51.100.0/24:8080" ];'
conf "$ALLOW"
assert_contains "$($CTL check 2>&1)" "# profile lim: usable" "check: the allow profile is usable"
out=$($CTL run --profile lim --user guest -- true 2>&1)
assert_contains "$out" "only login sessions get that network" "run: an allow profile is refused"

# A first login makes /run/confine/netns and the host's static table (the baseline has them).
# (The cost per login, allow against none: BENCH_ONLY=net bench/run-bench.sh.)
assert_eq "$(as_guest 'ip -o -4 addr show eth0 | wc -l')" 1 "a login has its eth0"
before=$(snapshot)
diag "t=${SECONDS}s: first login"
host_rules=$(nft -s list ruleset)

# --- fail closed: a namespace that cannot be made refuses the login -------------------------
chmod 0755 /run/confine/netns
out=$(as_guest "echo INSIDE")
assert_not_contains "$out" INSIDE "no session when its network cannot be set up"
assert_contains "$out" "cannot set up the session's network" "the user is told why"
chmod 0700 /run/confine/netns
# Without libnftables (dlopen()ed when a session needs it) the same: refused, and check says why.
lib=$(ldconfig -p | awk '/libnftables\.so\.1 /{print $NF; exit}')
mount --bind /dev/null "$lib" || die "cannot hide $lib"
out=$(as_guest "echo INSIDE")
assert_not_contains "$out" INSIDE "no session without libnftables"
assert_contains "$out" "cannot set up the session's network" "the user is told why (libnftables)"
assert_contains "$($CTL check 2>&1)" "needs libnftables.so.1" "check: names the missing library"
umount "$lib"

diag "t=${SECONDS}s: fail closed"
# --- B: a listener inside a session; A: the probes --------------------------------------------
addr_of() { local p=$1; echo "100.$((64 + (p >> 16))).$(((p >> 8) & 255)).$((p & 255))"; }
sid_of() { ls /run/confine/sessions | grep "^$1-"; }
su -l guest -c "exec $NP serve tcp,0.0.0.0,9000" </dev/null >/tmp/t78-b.out 2>&1 &
PB=$!
wait_for grep -q ready /tmp/t78-b.out || die "B's listener did not start: $(cat /tmp/t78-b.out)"
B=$(addr_of $PB)
su -l guest -c "$NP probe tcp:192.0.2.10:8080 udp:192.0.2.10:5353 tcp:[2001:db8::10]:8080 \
	tcp:198.51.100.2:8080 tcp:192.0.2.10:8081 udp:192.0.2.10:5354 tcp:127.0.0.1:8080 \
	tcp:100.64.0.1:8082 tcp:169.254.169.254:80 tcp:$B:9000; echo probes-done; exec sleep 1000" \
	</dev/null >/tmp/t78-a.out 2>&1 &
PA=$!
wait_for grep -q probes-done /tmp/t78-a.out || die "A's probes did not end: $(cat /tmp/t78-a.out)"
A_OUT=$(cat /tmp/t78-a.out)
diag "$A_OUT"
assert_line "$A_OUT" "tcp:192.0.2.10:8080 OK hello-8080" "listed tcp answers"
assert_line "$A_OUT" "udp:192.0.2.10:5353 OK echo-ping" "listed udp answers"
assert_line "$A_OUT" "tcp:[2001:db8::10]:8080 OK hello-8080" "listed IPv6 answers"
assert_line "$A_OUT" "tcp:198.51.100.2:8080 OK hello-8080" "listed, beyond the host (forwarded)"
# refused: fails at once (no timeout), counted
fast_fail() { # SPEC MSG
	local l; l=$(printf '%s\n' "$A_OUT" | grep -F "$1 ")
	if [[ $l =~ \ ERR\ [A-Z]+\ ([0-9]+)\.[0-9]+$ ]] && [ "${BASH_REMATCH[1]}" -lt 2 ]; then
		ok "$2"
	else
		not_ok "$2"; diag "got: $l"
	fi
}
fast_fail tcp:192.0.2.10:8081 "unlisted port of the host fails fast"
fast_fail udp:192.0.2.10:5354 "unlisted udp fails fast"
fast_fail tcp:127.0.0.1:8080 "the host's loopback service is out of reach"
fast_fail tcp:100.64.0.1:8082 "the host end of the veth is out of reach (a host listener on any address)"
fast_fail tcp:169.254.169.254:80 "link-local (metadata) is out of reach"
fast_fail "tcp:$B:9000" "another session's listener is out of reach"
diag "t=${SECONDS}s: probes"
SA=$(sid_of $PA) SB=$(sid_of $PB)
n=$(nsenter --net=/run/confine/netns/"$SA" nft list counter inet confine refused |
	sed -n 's/.*packets \([0-9]*\).*/\1/p')
[ "${n:-0}" -ge 6 ] && ok "refusals are counted ($n)" || not_ok "refusals are counted (${n:-none})"
# inbound: nothing from outside reaches B's listener (the host itself tries)
out=$($NP probe "tcp:$B:9000")
[[ $out =~ ERR\ ECONNREFUSED\ 0 ]] && ok "inbound to a session's listener is refused" ||
	{ not_ok "inbound to a session's listener is refused"; diag "$out"; }
assert_contains "$(ip -o link)" " cf$PA@" "A's veth exists while it runs"

diag "t=${SECONDS}s: inbound"
# --- teardown: A logs out, B's login is SIGKILLed and collected ------------------------------
pkill -KILL -u guest -x sleep # the session's PID 1 takes no other signal from outside
wait $PA
gone() { ! ip link show "cf$1" >/dev/null 2>&1 && [ ! -e "/run/confine/netns/$2" ]; }
wait_for gone $PA "$SA" && ok "logout: no veth, no namespace left" ||
	not_ok "logout: no veth, no namespace left"
kill -9 $PB
wait $PB 2>/dev/null
assert_contains "$(ip -o link)" " cf$PB@" "a SIGKILLed login's veth stays until gc"
$CTL gc >/dev/null 2>&1
gone $PB "$SB" && ok "gc: no veth, no namespace left" || not_ok "gc: no veth, no namespace left"
diag "t=${SECONDS}s: gc"
expect_clean "nothing of the sessions left (mounts, records, processes)"
assert_eq "$(ip -o link | grep -c ': cf')" 0 "no cf* interface"
assert_eq "$(ip route | grep -c '^100\.64\.'):$(ip -6 route | grep -c '^fd63:')" "0:0" \
	"no route to a session"
assert_eq "$(nft -s list ruleset)" "$host_rules" "the host's nftables as before (the static table)"
diag "t=${SECONDS}s: su checks done"
# --- an ssh login whose sshd is SIGKILLed (PAM close never runs), then gc ---------------------
start_test_sshd guest
# control: a listed destination answers (bash's /dev/tcp: no interpreter to start)
$SSH guest@127.0.0.1 \
	"exec bash -c 'read -r l </dev/tcp/192.0.2.10/8080; echo got=\$l; exec sleep 1000'" \
	</dev/null >/tmp/t78-ssh.out 2>&1 &
CS=$!
wait_for grep -q got= /tmp/t78-ssh.out || die "ssh login: $(cat /tmp/t78-ssh.out)"
assert_eq "$(cat /tmp/t78-ssh.out)" "got=hello-8080" "ssh: a listed destination answers"
SS=$(ls /run/confine/sessions) MON=${SS%%-*} # the session's login process: sshd's monitor
V4=$(addr_of "$MON")/32
V6=fd63:6f6e:666e:6574::$(printf %x:%x $((MON >> 16)) $((MON & 65535)))/128
# its routes, veth and pin: there while it runs, still there after the SIGKILL, gone after gc
traces() {
	echo "$(ip -o route show exact "$V4" | wc -l):$(ip -o -6 route show exact "$V6" | wc -l)" \
		"$(ip -o link | grep -c ": cf$MON@.*,UP") $(ls /run/confine/netns | grep -cx "$SS")"
}
assert_eq "$(cat /proc/"$MON"/comm) $(traces)" "sshd 1:1 1 1" "ssh: the session's network is up"
# the connection's sshd processes (monitor and its child): PAM close never runs
kill -9 "$MON" $(pgrep -P "$MON" -x sshd)
wait $CS 2>/dev/null # the client has seen the connection end
assert_eq "$(traces)" "1:1 1 1" "a SIGKILLed sshd's veth, pin and routes stay until gc"
$CTL gc >/dev/null 2>&1
kill "$(cat /run/sshd.pid)"
assert_eq "$(traces)" "0:0 0 0" "ssh, gc: no veth, no pin, no route ($V4, $V6)"
assert_eq "$(ip -o link | grep -c ': cf')" 0 "ssh, gc: no cf* interface"
assert_eq "$(nft -s list ruleset)" "$host_rules" "ssh, gc: the host's nftables as before"
expect_clean "ssh, gc: nothing of the session left (mounts, records, processes)"
diag "t=${SECONDS}s: ssh + SIGKILL + gc"
# The scripts after this one in the VM start from a host without the test's network.
kill $SRV $FAR; wait $SRV $FAR 2>/dev/null
ip netns del far; ip link del dummy0
finish
