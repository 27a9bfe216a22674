#!/usr/bin/python3
"""Run inside a session (t74): opens ptys (masters, one fd each, the fd limit raised to its
hard limit) until the kernel refuses, prints PTYHOG=N REASON, then holds them 600 s."""
import os, resource, time

hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
fds, why = [], "none"
while len(fds) < 6000:
    try:
        fds.append(os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY))
    except OSError as e:
        why = e.strerror.replace(" ", "_")
        break
print("PTYHOG=%d %s" % (len(fds), why), flush=True)
time.sleep(600)
