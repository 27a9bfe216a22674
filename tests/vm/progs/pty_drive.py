#!/usr/bin/python3
"""pty_drive.py [--rows R --cols C] [--log FILE] CMD... -- STEP...: runs CMD on a new pty (its
controlling terminal, as login or ssh -tt would be on a user's terminal) and plays the STEPs
on the master, the user's side:
  s:TEXT       type TEXT (Python escapes: \\n, \\x03 for ^C, \\x1a for ^Z, ...)
  e:REGEX      wait (up to 60 s) until the output since the last e: matches REGEX
  w:ROWS:COLS  resize the terminal (TIOCSWINSZ on it: the kernel sends SIGWINCH)
  p:SECONDS    pause
  c            close the terminal (a hangup: what closing the ssh client or xterm does)
  x            wait for CMD to end (reading its output)
Prints everything the pty showed (\\r removed), then "drive-status=N" (CMD's exit status,
or -1 if still running after c) and, when an e: step timed out, "drive-timeout=REGEX"."""
import codecs, fcntl, os, pty, re, select, struct, sys, termios, time

args = sys.argv[1:]
rows, cols, log = 24, 80, None
while args and args[0] in ("--rows", "--cols", "--log"):
    if args[0] == "--rows":
        rows = int(args[1])
    elif args[0] == "--cols":
        cols = int(args[1])
    else:
        log = args[1]
    args = args[2:]
sep = args.index("--")
cmd, steps = args[:sep], args[sep + 1:]

pid, master = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
out, mark, status, closed = b"", 0, None, False


def pump(timeout):
    global out
    if closed:
        time.sleep(timeout)
        return False
    r, _, _ = select.select([master], [], [], timeout)
    if not r:
        return True
    try:
        d = os.read(master, 65536)
    except OSError:
        d = b""
    if not d:
        return False
    out += d
    if log:
        with open(log, "ab") as f:
            f.write(d)
    return True


for step in steps:
    kind, _, arg = step.partition(":")
    if kind == "s":
        os.write(master, codecs.decode(arg, "unicode_escape").encode("latin-1"))
    elif kind == "e":
        rx, end, found = re.compile(arg.encode()), time.time() + 60, None
        while time.time() < end:
            found = rx.search(out, mark)
            if found:
                mark = found.end()
                break
            if not pump(0.2):
                found = rx.search(out, mark)
                if found:
                    mark = found.end()
                break
        if not found:
            print("drive-timeout=" + arg)
            break
    elif kind == "w":
        r, c = arg.split(":")
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", int(r), int(c), 0, 0))
    elif kind == "p":
        end = time.time() + float(arg)
        while time.time() < end and pump(0.1):
            pass
    elif kind == "c":
        os.close(master)
        closed = True
    elif kind == "x":
        while pump(1):
            pass
        _, st = os.waitpid(pid, 0)
        status = os.waitstatus_to_exitcode(st)
if status is None:
    w, st = os.waitpid(pid, os.WNOHANG)
    status = os.waitstatus_to_exitcode(st) if w else -1
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print("\ndrive-status=%d" % status)
