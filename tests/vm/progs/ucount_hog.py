#!/usr/bin/python3
# ucount_hog.py KIND [HOLD]: takes per-user kernel counters until the kernel refuses, prints
# "held=N" and holds them HOLD seconds (default 40). KIND: inotify (instances, up to 1000)
# or sigpending (real-time signals queued to itself, blocked).
import ctypes, os, signal, sys, time
libc = ctypes.CDLL(None, use_errno=True)
kind, hold = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 40
held = []
if kind == "inotify":
    for _ in range(1000):
        fd = libc.inotify_init1(0)
        if fd < 0:
            break
        held.append(fd)
elif kind == "sigpending":
    sig = signal.SIGRTMIN
    signal.pthread_sigmask(signal.SIG_BLOCK, [sig])
    class SigVal(ctypes.Union):
        _fields_ = [("i", ctypes.c_int), ("p", ctypes.c_void_p)]
    for _ in range(100000):
        if libc.sigqueue(os.getpid(), sig, SigVal(i=1)) < 0:
            break
        held.append(1)
print("held=%d errno=%d" % (len(held), ctypes.get_errno()), flush=True)
time.sleep(hold)
