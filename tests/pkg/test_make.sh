#!/bin/bash
# A build on a machine without the libraries' development files says what to install and
# compiles nothing (instead of dying on "libconfig.h: No such file or directory"). The
# missing library is simulated by a pkg-config module name that does not exist.
. "$(dirname "$0")/../vm/lib.sh"
b=$(mktemp -d)
trap 'rm -rf "$b"; _t_exit' EXIT
out=$(make -s -C "$CONFINE_REPO" B="$b" PKGS=confine-no-such-module all 2>&1); rc=$?
printf '#   %s\n' "$out"
assert_ne "$rc" 0 "make all fails"
assert_contains "$out" "needs the pkg-config modules confine-no-such-module: run 'make deps' as root" \
	"and says what is missing and how to get it"
assert_not_contains "$out" "No such file or directory" "no compiler error"
assert_eq "$(find "$b" -name '*.o' | wc -l)" 0 "nothing was compiled"

# install-dist with a source install's PREFIX: the gc and metrics units and the cron job run
# the confinectl that `make install` put in $PREFIX/sbin, not the packages' /usr/sbin one.
d=$(mktemp -d)
out=$(make -s -C "$CONFINE_REPO" DESTDIR="$d" PREFIX=/usr/local UNITDIR=/lib/systemd/system \
	install-dist 2>&1); rc=$?
assert_eq "$rc" 0 "make install-dist into a DESTDIR" || printf '#   %s\n' "$out"
for f in lib/systemd/system/confine-gc.service lib/systemd/system/confine-metrics.service etc/cron.d/confine; do
	assert_contains "$(cat "$d/$f" 2>&1)" "/usr/local/sbin/confinectl" "install-dist, PREFIX=/usr/local: $f runs /usr/local/sbin/confinectl"
	assert_not_contains "$(cat "$d/$f" 2>&1)" "/usr/sbin/confinectl" "install-dist, PREFIX=/usr/local: $f names no /usr/sbin/confinectl"
	assert_eq "$(stat -c %a "$d/$f" 2>&1)" 644 "install-dist: $f is 0644"
done
rm -rf "$d"

