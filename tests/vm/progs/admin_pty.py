#!/usr/bin/python3
"""admin_pty.py CMD SECRET: runs `sh -c CMD` as the "admin" on a new pty (its controlling
terminal), like root typing in an ssh session. Once CMD prints JOIN-DONE (the join is over
and the admin's own shell reads again), types SECRET and a newline, as the admin would type
a password; if the admin's shell has not echoed "admin-got=" 8 s later, types "second" to
unblock it. Prints everything the pty showed (\\r removed)."""
import os
import pty
import select
import sys
import time

cmd, secret = sys.argv[1], sys.argv[2].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execv("/bin/sh", ["sh", "-c", cmd])
out, sent, second = b"", 0.0, False
end = time.time() + 150
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.3)
    if r:
        try:
            d = os.read(fd, 4096)
        except OSError:
            break
        if not d:
            break
        out += d
    if not sent and b"JOIN-DONE" in out:
        time.sleep(1.5)
        os.write(fd, secret + b"\n")
        sent = time.time()
    if sent and not second and b"admin-got=" not in out and time.time() - sent > 8:
        os.write(fd, b"second\n")
        second = True
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
