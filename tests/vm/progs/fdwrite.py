#!/usr/bin/python3
"""fdwrite.py SOURCE RELPATH [OP]: gets a directory handle from outside and uses it on RELPATH.
SOURCE: "fd:N" receives it over the unix socket on fd N (SCM_RIGHTS); "path:SOCK" connects
to the unix socket SOCK and receives it there. OP:
  write  (default) create/truncate RELPATH below the handle (openat) and write a line
  proc   the same through /proc/self/fd/N/RELPATH (the magic link, then the host's path)
  suid   chmod RELPATH below the handle to 04755 (fchmodat)
  read   read RELPATH below the handle (shows the handle arrived)
Prints "fdwrite=ok" (read: "fdwrite=ok:<first line>") or "fdwrite=<why>"."""
import os, socket, sys

src, rel = sys.argv[1], sys.argv[2]
op = sys.argv[3] if len(sys.argv) > 3 else "write"
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
    d = fds[0]
    if op == "read":
        with os.fdopen(os.open(rel, os.O_RDONLY, dir_fd=d)) as f:
            print("fdwrite=ok:" + f.readline().strip())
        sys.exit(0)
    if op == "suid":
        os.chmod(rel, 0o4755, dir_fd=d)
    else:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        if op == "proc":
            f = os.open("/proc/self/fd/%d/%s" % (d, rel), flags, 0o644)
        else:
            f = os.open(rel, flags, 0o644, dir_fd=d)
        os.write(f, b"written from inside the sandbox\n")
    print("fdwrite=ok")
except OSError as e:
    print("fdwrite=" + (e.strerror or str(e)))
