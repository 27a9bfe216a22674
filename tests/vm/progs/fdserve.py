#!/usr/bin/python3
"""fdserve.py SOCK DIR: listens on the unix socket SOCK (mode 0777) and sends every client an
O_PATH handle of DIR over it (SCM_RIGHTS), as any local user can."""
import os, socket, sys

path, d = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX)
s.bind(path)
os.chmod(path, 0o777)
s.listen(8)
h = os.open(d, os.O_PATH)
while True:
    c, _ = s.accept()
    socket.send_fds(c, [b"x"], [h])
    c.close()
