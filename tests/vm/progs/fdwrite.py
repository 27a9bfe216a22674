#!/usr/bin/python3
"""fdwrite.py SOURCE RELPATH: gets a directory handle from outside and writes RELPATH below it.
SOURCE: "fd:N" receives it over the unix socket on fd N (SCM_RIGHTS); "path:SOCK" connects
to the unix socket SOCK and receives it there. Prints "fdwrite=ok" or "fdwrite=<why>"."""
import os, socket, sys

src, rel = sys.argv[1], sys.argv[2]
try:
    if src.startswith("fd:"):
        s = socket.socket(fileno=int(src[3:]))
    else:
        s = socket.socket(socket.AF_UNIX)
        s.connect(src[5:])
    s.settimeout(60)
    _, fds, _, _ = socket.recv_fds(s, 16, 4)
    if not fds:
        print("fdwrite=no-fd"); sys.exit(0)
    f = os.open(rel, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=fds[0])
    os.write(f, b"written from inside the sandbox\n")
    print("fdwrite=ok")
except OSError as e:
    print("fdwrite=" + (e.strerror or str(e)))
