#!/usr/bin/python3
"""su_pty.py PASSWORD [--fd1 sock|ro:PATH] -- SU-ARGS...: runs su as the calling (unprivileged)
user on a new pty and types PASSWORD at its prompt, as a local user who knows a confined
account's password would. --fd1 hands su a chosen fd 1 (the rest of su's stdio is the pty):
  sock        one end of a unix socket pair; the other end sends an O_PATH handle of the
              host's / over it (SCM_RIGHTS) once su runs
  ro:PATH     PATH opened read-only
--rlimit NAME=N (repeatable) sets su's soft limit RLIMIT_NAME to N.
Prints what su wrote on the pty (and, for sock, what came back over the socket); exits with
su's status."""
import os, pty, resource, select, socket, sys, time

pw = sys.argv[1].encode() + b"\n"
args = sys.argv[2:]
fd1, limits = None, []
while args and args[0] in ("--fd1", "--rlimit"):
    if args[0] == "--fd1":
        fd1 = args[1]
    else:
        limits.append(args[1].split("="))
    args = args[2:]
if args and args[0] == "--":
    args = args[1:]
ours = None
if fd1 == "sock":
    ours, theirs = socket.socketpair()
    child_fd1 = theirs.fileno()
elif fd1 and fd1.startswith("ro:"):
    child_fd1 = os.open(fd1[3:], os.O_RDONLY)
else:
    child_fd1 = None

pid, master = pty.fork()
if pid == 0:
    if child_fd1 is not None:
        os.dup2(child_fd1, 1)
    for name, n in limits:
        res = getattr(resource, "RLIMIT_" + name.upper())
        resource.setrlimit(res, (int(n), resource.getrlimit(res)[1]))
    os.execvp("su", ["su"] + args)
if child_fd1 is not None:
    os.close(child_fd1)
out, sent, deadline = b"", False, time.time() + 240
while time.time() < deadline:
    r, _, _ = select.select([master], [], [], 0.5)
    if r:
        try:
            d = os.read(master, 4096)
        except OSError:
            break
        if not d:
            break
        out += d
        if not sent and b"assword" in out:
            time.sleep(0.3)
            os.write(master, pw)
            sent = True
            if ours is not None:
                socket.send_fds(ours, [b"x"], [os.open("/", os.O_PATH)])
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
if ours is not None:
    ours.settimeout(5)
    try:
        sys.stdout.write(ours.recv(4096).decode(errors="replace"))
    except OSError:
        pass
sys.exit(os.waitstatus_to_exitcode(st))
