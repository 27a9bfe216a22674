#!/usr/bin/env python3
"""Root at an interactive shell on a pty starts a confined command in the background with
its stdio redirected, then types a secret at its own prompt. Prints what the terminal
showed. usage: driver.py 'COMMAND' SECRET"""
import os, pty, sys, time, select

cmd, secret = sys.argv[1], sys.argv[2]
pid, master = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])

buf = b""
def pump(t):
    global buf
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                d = os.read(master, 4096)
            except OSError:
                return
            if not d:
                return
            buf += d

pump(1)
os.write(master, (cmd + "\n").encode())
pump(4)
os.write(master, (secret + "\n").encode())
pump(3)
os.write(master, b"echo ROOT-SHELL-ALIVE\n")
pump(2)
try:
    os.kill(pid, 9)
except OSError:
    pass
sys.stdout.write(buf.decode(errors="replace"))
