#!/bin/bash
# Attacks on net = "allow" (issue 15, rows 55-60): from inside a session (spoofed sources,
# IPv4-mapped IPv6, other protocols and sockets, broadcast, link-local, fragments, the rules
# and routes, a user namespace) and from a local user outside (the pins, a session's
# listener, a cf* interface of its own); a reused login pid; logins SIGKILLed during their
# setup. Plain VM, after t78.
. "$(dirname "$0")/lib.sh"
require_vm
. "$CONFINE_REPO/tests/vm/install-in-vm.sh"
CTL=/usr/local/sbin/confinectl
P=/usr/local/lib/confine-t79 # visible (read-only) inside the sessions
install -D -m 0755 "$CONFINE_REPO/tests/vm/progs/netprobe.py" $P/netprobe.py
install -D -m 0755 "$CONFINE_REPO/tests/vm/progs/netattack.py" $P/netattack.py
NP="/usr/bin/python3 $P/netprobe.py" NA="/usr/bin/python3 $P/netattack.py"
rm -f $P/go
modprobe -a veth dummy nf_tables || die "cannot load veth, dummy, nf_tables"
make_user mallory
ip link add dummy0 type dummy && ip link set dummy0 up && ip addr add 192.0.2.10/32 dev dummy0 &&
	ip -6 addr add 2001:db8::10/128 dev dummy0 nodad || die "cannot set up dummy0"
$NP serve tcp,192.0.2.10,8080 tcp,192.0.2.10,8081 udp,192.0.2.10,5353 udp,192.0.2.10,8080 \
	udp,192.0.2.10,53 tcp,::,8082 >/tmp/t79-srv.out 2>&1 &
SRV=$!
# The sink: every source address a listed udp port sees.
python3 -c '
import socket, selectors
sel = selectors.DefaultSelector()
for f, a in ((socket.AF_INET, "192.0.2.10"), (socket.AF_INET6, "2001:db8::10")):
    s = socket.socket(f, socket.SOCK_DGRAM); s.bind((a, 5355)); sel.register(s, 1)
print("ready", flush=True)
while True:
    for k, _ in sel.select():
        print("from", k.fileobj.recvfrom(64)[1][0], flush=True)' >/tmp/t79-sink.out 2>&1 &
SINK=$!
python3 -c '
import socket, os
s = socket.socket(socket.AF_UNIX); s.bind("\0t79-host"); s.listen(4); print("ready", flush=True)
while True: s.accept()[0].close()' >/tmp/t79-abs.out 2>&1 &
ABS=$!
wait_for grep -q ready /tmp/t79-srv.out && wait_for grep -q ready /tmp/t79-sink.out &&
	wait_for grep -q ready /tmp/t79-abs.out || die "the servers did not start"
conf 'net = "allow"; user_ns = true; net_allow = [ "tcp:192.0.2.10:8080", "udp:192.0.2.10:5353",
	"udp:192.0.2.10:5355", "udp:[2001:db8::10]:5355" ];'
as_guest true >/dev/null # the first login makes /run/confine/netns and the host table
before=$(snapshot)
a4() { local p=$1; echo "100.$((64 + (p >> 16))).$(((p >> 8) & 255)).$((p & 255))"; }
a6() { python3 -c "import ipaddress as i; print(i.ip_address('fd63:6f6e:666e:6574::') + $1)"; }
sid_of() { ls /run/confine/sessions | grep "^$1-"; }

# --- B: a listener; A: waits for $P/go, then attacks ------------------------------------------
su -l guest -c "exec $NP serve tcp,::,9000" </dev/null >/tmp/t79-b.out 2>&1 &
PB=$!
su -l guest -c "while [ ! -e $P/go ]; do sleep 0.2; done; $NA \$(cat $P/go)
	/usr/sbin/ip addr add $(a4 $PB)/32 dev eth0; echo \"ip-addr rc=\$?\"
	/usr/sbin/ip link set eth0 down; echo \"ip-link rc=\$?\"
	/usr/sbin/nft flush ruleset; echo \"nft rc=\$?\"
	/usr/bin/unshare -Urn true; echo \"unshare rc=\$?\"
	echo attacks-done; exec sleep 1000" </dev/null >/tmp/t79-a.out 2>&1 &
PA=$!
hll() { ip -6 -o addr show dev "cf$PA" scope link | sed -n 's/.* inet6 \([^/]*\)\/.*/\1/p'; }
wait_for grep -q ready /tmp/t79-b.out && { has_hll() { [ -n "$(hll)" ]; }; wait_for has_hll; } ||
	die "the sessions did not start: $(cat /tmp/t79-a.out /tmp/t79-b.out)"
SA=$(sid_of $PA) SB=$(sid_of $PB) A6=$(a6 $PA) B6=$(a6 $PB)
HLL=$(hll)
assert_contains "$(nsenter --net=/run/confine/netns/"$SA" ip -6 -o addr show eth0)" "$A6/128" \
	"A's address is the one of its pid"
echo "spoof,$A6,2001:db8::10,5355 spoof,$B6,2001:db8::10,5355 spoof,2001:db8::99,2001:db8::10,5355
	spoof,$(a4 $PB),192.0.2.10,5355 tcp,::ffff:192.0.2.10,8080 tcp,::ffff:192.0.2.10,8081
	udp,192.0.2.10,8080 udp,192.0.2.10,53 big,192.0.2.10,5353 big,192.0.2.10,53
	bcast,255.255.255.255,5353 udp,224.0.0.251,5353 udp,ff02::1%eth0,5353 tcp,$HLL%eth0,8082
	tcp,fd63:6f6e:666e:6574::1,8082 tcp,$B6,9000 tcp,::ffff:$(a4 $PB),9000 raw ping ping6 packet
	abstract,t79-host" >$P/go.tmp && mv $P/go.tmp $P/go
wait_for grep -q attacks-done /tmp/t79-a.out || die "A's attacks did not end: $(cat /tmp/t79-a.out)"
OUT=$(cat /tmp/t79-a.out)
diag "$OUT" "sink: $(tr '\n' ' ' </tmp/t79-sink.out)"
res() { printf '%s\n' "$OUT" | grep -F "$1 " | head -1 | cut -d' ' -f2-; }
refused() { # SPEC MSG: fails, fast (< 2 s)
	local l; l=$(res "$1")
	if [[ $l =~ ^ERR\ [A-Z]*\ ([0-9]+)\.[0-9]+$ ]] && [ "${BASH_REMATCH[1]}" -lt 2 ]; then
		ok "$2"; else not_ok "$2"; diag "got: $l"; fi
}
sink_has() { grep -qx "from $1" /tmp/t79-sink.out; }
wait_for sink_has "$A6" && ok "control: a datagram from the session's own IPv6 source arrives" ||
	not_ok "control: a datagram from the session's own IPv6 source arrives"
! sink_has "$B6" && ok "no datagram with another session's IPv6 source (IP_FREEBIND)" ||
	not_ok "no datagram with another session's IPv6 source (IP_FREEBIND)"
! sink_has 2001:db8::99 && ok "no datagram with a made-up IPv6 source" ||
	not_ok "no datagram with a made-up IPv6 source"
! sink_has "$(a4 $PB)" && ok "no datagram with another session's IPv4 source" ||
	not_ok "no datagram with another session's IPv4 source"
assert_eq "$(res tcp,::ffff:192.0.2.10,8080)" "OK hello-8080" "control: listed, as IPv4-mapped IPv6"
refused tcp,::ffff:192.0.2.10,8081 "unlisted, as IPv4-mapped IPv6"
refused udp,192.0.2.10,8080 "udp to a port listed for tcp only (the host answers udp there)"
refused udp,192.0.2.10,53 "an unlisted resolver"
assert_eq "$(res big,192.0.2.10,5353 | cut -c1-10)" "OK echo-xx" "control: a fragmented datagram, listed"
refused big,192.0.2.10,53 "a fragmented datagram, unlisted"
refused bcast,255.255.255.255,5353 "broadcast"
refused udp,224.0.0.251,5353 "IPv4 multicast"
refused udp,ff02::1%eth0,5353 "IPv6 link-local multicast"
refused "tcp,$HLL%eth0,8082" "the host end's link-local address (a host listener on ::)"
refused tcp,fd63:6f6e:666e:6574::1,8082 "the host end's IPv6 address"
refused "tcp,$B6,9000" "another session's listener by IPv6"
refused "tcp,::ffff:$(a4 $PB),9000" "another session's listener, IPv4-mapped"
for s in raw ping ping6 packet; do
	[[ $(res $s) == ERR* ]] && ok "no $s socket" || { not_ok "no $s socket"; diag "$(res $s)"; }
done
[[ $(res abstract,t79-host) == "ERR ECONNREFUSED"* ]] && ok "the host's abstract socket is out of reach" ||
	not_ok "the host's abstract socket is out of reach"
python3 -c 'import socket; socket.socket(socket.AF_UNIX).connect("\0t79-host")' &&
	ok "control: the host's abstract socket answers on the host" ||
	not_ok "control: the host's abstract socket answers on the host"
for c in ip-addr ip-link nft unshare; do
	[[ $OUT =~ $c\ rc=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" != 0 ] && ok "inside: $c refused" ||
		not_ok "inside: $c refused"
done
assert_eq "$(nsenter --net=/run/confine/netns/"$SA" ip -o link show eth0 | grep -c ',UP')" 1 \
	"A's eth0 still up"

# --- outside: a local user -------------------------------------------------------------------
asm() { su mallory -s /bin/bash -c "$1" </dev/null 2>&1; }
asm "ls /run/confine/netns" >/dev/null && not_ok "mallory cannot list the pins" || ok "mallory cannot list the pins"
asm "nsenter --net=/run/confine/netns/$SA true" >/dev/null &&
	not_ok "mallory cannot enter a session's network" || ok "mallory cannot enter a session's network"
out=$(asm "$NP probe tcp:$(a4 $PB):9000 tcp:[$B6]:9000")
[ "$(grep -c 'ERR ECONNREFUSED 0' <<<"$out")" = 2 ] && ok "mallory: a session's listener refused" ||
	{ not_ok "mallory: a session's listener refused"; diag "$out"; }
if asm "unshare -Urn ip link add cf1 type dummy" >/dev/null; then
	ok "control: mallory makes a cf* interface in a namespace of her own"
	out=$(asm "unshare -Urn ip link add cfx type veth peer name cf$((PA + 1)) netns 1")
	ip link show "cf$((PA + 1))" >/dev/null 2>&1 &&
		not_ok "mallory cannot put a cf* interface into the host" ||
		ok "mallory cannot put a cf* interface into the host"
	[ -z "$out" ] || diag "mallory: $out"
else skip "unprivileged user namespaces are off"; fi

# --- a reused pid: B is SIGKILLed (its veth and pin stay), a new login gets B's pid -----------
kill -9 $PB; wait $PB 2>/dev/null
echo $((PB - 1)) >/proc/sys/kernel/ns_last_pid
su -l guest -c "$NP probe tcp:192.0.2.10:8080; exec sleep 1000" </dev/null >/tmp/t79-c.out 2>&1 &
PC=$!
if [ "$PC" = "$PB" ]; then
	wait_for grep -q hello /tmp/t79-c.out && ok "a login with a SIGKILLed login's pid gets its network" ||
		{ not_ok "a login with a SIGKILLed login's pid gets its network"; diag "$(cat /tmp/t79-c.out)"; }
	[ ! -e "/run/confine/netns/$SB" ] && ok "the earlier session's namespace is gone" ||
		not_ok "the earlier session's namespace is gone"
	$CTL gc >/dev/null 2>&1
	assert_contains "$(ip -o link)" " cf$PC@" "gc leaves the new session's veth"
else skip "pid $PB not reused (got $PC)"; skip "-"; skip "-"; fi
# --- logins SIGKILLed at points through their setup, then gc: nothing left (checked below) ----
for d in 0.3 1 2 3.5; do
	su -l guest -c "exec sleep 1000" </dev/null >/dev/null 2>&1 &
	sleep $d; kill -9 $!; wait $! 2>/dev/null
done
pkill -KILL -u guest -x sleep
wait $PA $PC 2>/dev/null
helpers_done() { ! pgrep -x confine-helper; }
wait_for helpers_done
$CTL gc >/dev/null 2>&1
expect_clean "nothing of the sessions left"
assert_eq "$(ip -o link | grep -c ': cf')" 0 "no cf* interface"
kill $SRV $SINK $ABS; wait $SRV $SINK $ABS 2>/dev/null
ip link del dummy0; rm -rf $P
finish
