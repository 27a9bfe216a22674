#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# test_init.sh CONFINE-INIT: the reaping init of init = true, run unprivileged on the host
# (as a child subreaper: outside a PID namespace orphans come to it all the same). It runs
# the program as its child, reaps 100 orphans the program leaves, keeps the exit status
# (128+N for a signal death) and forwards SIGTERM. TAP output; no root needed.
set -u
init=${1:?usage: test_init.sh CONFINE-INIT}
n=0 failed=0
ok()     { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
is()     { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3"; echo "#   got '$1', expected '$2'"; fi; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# The program leaves 100 orphans, then counts the zombies whose parent is the init.
cat >"$tmp/orphans.sh" <<'SH'
for i in $(seq 100); do (sleep 0.1 &) ; done
sleep 3
z=0
for f in /proc/[0-9]*/stat; do
	read -r l <"$f" 2>/dev/null || continue
	set -- ${l##*) }
	[ "$1" = Z ] && [ "$2" = "$PPID" ] && z=$((z + 1))
done
echo "zombies=$z"
SH
is "$("$init" /bin/sh sh "$tmp/orphans.sh")" "zombies=0" "100 orphans of the program are reaped"
is "$("$init" /bin/sh sh -c 'echo "$0 $1"' a0 a1)" "a0 a1" "argv after the path is the program's argv"
"$init" /bin/sh sh -c 'exit 7'; is "$?" 7 "the program's exit status is kept"
"$init" /bin/sh sh -c 'kill -USR1 $$'; is "$?" 138 "a death by signal N is 128+N"
"$init" /nonexistent x 2>/dev/null; is "$?" 127 "a missing program is 127"
"$init" 2>/dev/null; is "$?" 125 "no program: usage, 125"

"$init" /bin/sh sh -c 'trap "echo got-term; exit 3" TERM; echo up; for i in $(seq 300); do sleep 0.1; done' \
	>"$tmp/term" &
pid=$!
i=0; until grep -q up "$tmp/term" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $pid
# Not forwarded, the program would run on (30 s at most): a watchdog ends the init after 20 s.
(sleep 20; kill -KILL $pid 2>/dev/null) & dog=$!
wait $pid; rc=$?
kill $dog 2>/dev/null
is "$(tail -1 "$tmp/term")" "got-term" "SIGTERM to the init is forwarded to the program"
is "$rc" 3 "and the program's status after it is kept"

echo "1..$n"
[ $failed -eq 0 ]
