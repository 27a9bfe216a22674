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
