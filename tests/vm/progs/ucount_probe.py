#!/usr/bin/python3
# ucount_probe.py KIND: can this process still take one of KIND (inotify, sigpending,
# timer)? Prints "ok" or "fail errno=N" and exits 0 or 1.
import ctypes, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
kind = sys.argv[1]
if kind == "inotify":
    r = libc.inotify_init1(0)
elif kind == "sigpending":
    sig = signal.SIGRTMIN
    signal.pthread_sigmask(signal.SIG_BLOCK, [sig])
    class SigVal(ctypes.Union):
        _fields_ = [("i", ctypes.c_int), ("p", ctypes.c_void_p)]
    r = libc.sigqueue(os.getpid(), sig, SigVal(i=1))
elif kind == "timer":
    tid = ctypes.c_void_p()
    r = libc.timer_create(1, None, ctypes.byref(tid))  # CLOCK_MONOTONIC, SIGALRM
if r < 0:
    print("fail errno=%d" % ctypes.get_errno())
    sys.exit(1)
print("ok")
