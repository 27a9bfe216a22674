#!/usr/bin/python3
# t78's network probes.
#   netprobe.py serve PROTO,ADDR,PORT...   listen (tcp: answer "hello PORT"; udp: echo);
#                                          prints "ready" once all are bound
#   netprobe.py probe PROTO:ADDR:PORT...   one line per probe: "SPEC OK REPLY" or
#                                          "SPEC ERR ERRNO SECONDS" (5 s timeout each)
import errno, selectors, socket, sys, time


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def serve(specs):
    sel = selectors.DefaultSelector()
    for spec in specs:
        proto, host, port = spec.split(",")
        kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
        s = socket.socket(family(host), kind)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, int(port)))
        if proto == "tcp":
            s.listen(16)
        sel.register(s, selectors.EVENT_READ, (proto, port))
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            proto, port = key.data
            if proto == "tcp":
                c, _ = key.fileobj.accept()
                c.sendall(b"hello-" + port.encode() + b"\n")
                c.close()
            else:
                d, a = key.fileobj.recvfrom(512)
                key.fileobj.sendto(b"echo-" + d, a)


def probe(spec):
    proto, rest = spec.split(":", 1)
    host, port = rest.rsplit(":", 1)
    host = host.strip("[]")
    t = time.monotonic()
    try:
        kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
        s = socket.socket(family(host), kind)
        s.settimeout(5)
        s.connect((host, int(port)))
        if proto == "udp":
            s.send(b"ping")
        return "OK " + s.recv(64).decode().strip()
    except OSError as e:
        name = errno.errorcode.get(e.errno, "") if e.errno else "TIMEOUT"
        return "ERR %s %.2f" % (name or type(e).__name__, time.monotonic() - t)


if sys.argv[1] == "serve":
    serve(sys.argv[2:])
else:
    for spec in sys.argv[2:]:
        print(spec, probe(spec), flush=True)
