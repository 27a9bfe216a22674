#!/bin/sh
# Run inside a session (t74): every fd of every process the sandbox shows, counted as
# sockets (the sync socket to the outer supervisor would be one) and ptys (major 136) of the
# sandbox's own devpts or of another (the login's terminal would be one).
d=$(stat -c %d /dev/pts/ptmx)
s=0 i=0 o=0
for f in /proc/[0-9]*/fd/*; do
	l=$(readlink "$f" 2>/dev/null) || continue
	case $l in socket:*) s=$((s + 1)) && continue ;; esac
	set -- x $(stat -L -c '%t %d' "$f" 2>/dev/null)
	[ "$2" = 88 ] || continue
	if [ "$3" = "$d" ]; then i=$((i + 1)); else o=$((o + 1)); fi
done
echo "FDCENSUS socks=$s inner=$i outer=$o"
