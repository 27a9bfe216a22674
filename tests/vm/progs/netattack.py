#!/usr/bin/python3
# t79's attacks from inside a net = "allow" session, one line each: "NAME OK DETAIL" (the
# kernel or the rules let it through) or "NAME ERR ERRNO SECONDS".
#   netattack.py NAME[,ARG...]...
#   spoof,SRC,DST,PORT  udp from SRC (IP_FREEBIND: any source without a capability) to DST
#   tcp,DST,PORT / udp,DST,PORT  (udp: a reply is waited for, 2 s)
#   big,DST,PORT        a 4000-byte udp datagram (fragmented) to DST, a reply waited for
#   bcast,DST,PORT      udp with SO_BROADCAST;  raw / ping / ping6 / packet: a socket only
#   abstract,NAME       connect to the abstract unix socket \0NAME
import errno, socket, sys, time

IP_FREEBIND = 15


def fam(a):
    return socket.AF_INET6 if ":" in a else socket.AF_INET


def addr(a, port):
    return (a, int(port)) if "%" not in a else socket.getaddrinfo(a, int(port))[0][4]


def udp(dst, port, data=b"ping", src=None, bcast=False):
    s = socket.socket(fam(dst), socket.SOCK_DGRAM)
    s.settimeout(2)
    if src:
        s.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)
        s.bind((src, 0))
    if bcast:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.connect(addr(dst, port))
    s.send(data)
    if src:
        return "sent"
    return s.recv(8192)[:24].decode(errors="replace")


def tcp(dst, port):
    s = socket.socket(fam(dst), socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(addr(dst, port))
    return s.recv(64).decode().strip()


def sock(f, t, p):
    socket.socket(f, t, p).close()
    return "socket"


def abstract(name):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("\0" + name)
    return "connected"


ATTACKS = {
    "spoof": lambda src, dst, port: udp(dst, port, b"spoof", src=src),
    "tcp": tcp,
    "udp": udp,
    "big": lambda dst, port: udp(dst, port, b"x" * 4000),
    "bcast": lambda dst, port: udp(dst, port, bcast=True),
    "raw": lambda: sock(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
    "ping": lambda: sock(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP),
    "ping6": lambda: sock(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_ICMPV6),
    "packet": lambda: sock(socket.AF_PACKET, socket.SOCK_RAW, 0),
    "abstract": abstract,
}

for spec in sys.argv[1:]:
    name, *args = spec.split(",")
    t = time.monotonic()
    try:
        res = "OK " + ATTACKS[name](*args)
    except OSError as e:
        res = "ERR %s %.2f" % (errno.errorcode.get(e.errno, "") if e.errno else "TIMEOUT",
                               time.monotonic() - t)
    except Exception as e:  # a bad spec says so and the rest still run
        res = "FAIL %r" % e
    print(spec, res, flush=True)
