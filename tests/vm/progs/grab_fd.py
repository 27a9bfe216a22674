#!/usr/bin/python3
"""grab_fd.py MARK LOG: run by a confined session. Control: pidfd_getfd on a child of its
own (the syscall works in the session). Then waits for a process whose argv[1] is MARK (a
command root joins into the session) and takes its fd 0 (root's terminal) with pidfd_getfd;
if it gets it, waits until the join ended and reads root's next line from it. Writes
control=, grab= and stolen= lines to LOG."""
import ctypes
import os
import sys
import time

mark, log = sys.argv[1].encode(), open(sys.argv[2], "a", buffering=1)
libc = ctypes.CDLL(None, use_errno=True)


def getfd(pid, n):
    try:
        pfd = os.pidfd_open(pid)
    except OSError as e:
        return -1, e.errno
    r = libc.syscall(438, pfd, n, 0)  # pidfd_getfd
    e = ctypes.get_errno()
    os.close(pfd)
    return r, e


c = os.fork()
if c == 0:
    time.sleep(60)
    os._exit(0)
r, e = getfd(c, 1)
log.write("control=%s\n" % ("ok" if r >= 0 else os.strerror(e)))
os.kill(c, 9)
log.write("ready=1\n")
end = time.time() + 200
while time.time() < end:
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            argv = open("/proc/%s/cmdline" % p, "rb").read().split(b"\0")
        except OSError:
            continue
        if len(argv) > 1 and argv[1] == mark:
            r, e = getfd(int(p), 0)
            log.write("grab=%s\n" % ("ok" if r >= 0 else os.strerror(e)))
            if r >= 0:
                while os.path.exists("/proc/" + p):
                    time.sleep(0.2)
                log.write("stolen=%s\n" % os.read(r, 100).decode(errors="replace").strip())
            sys.exit(0)
    time.sleep(0.2)
log.write("grab=none-found\n")
