#!/bin/bash
# lintian on the built packages (make deb): no error and no warning, and every override in
# packaging/debian/*.lintian-overrides carries its reason in a comment above it.
# usage: tests/pkg/lintian.sh DEB_DIR
. "$(dirname "$0")/../vm/lib.sh"
dir=${1:?usage: $0 DEB_DIR}
changes=$(ls "$dir"/confine_*_"$(dpkg --print-architecture)".changes 2>/dev/null | head -n1)
[ -n "$changes" ] || die "no .changes in $dir (make deb)"

# The verdict: lintian's exit status with --fail-on, and no E: or W: line. As root, lintian
# counts its own "running with root privileges" warning: it runs as nobody when nobody can
# read the packages, else as root failing on errors only (the W: lines still count).
as=() levels=error,warning
if [ "$(id -u)" = 0 ]; then
	if runuser -u nobody -- test -r "$changes"; then
		as=(runuser -u nobody -- env HOME=/tmp)
	else
		levels=error
	fi
fi
out=$("${as[@]}" lintian --fail-on "$levels" "$changes" 2>&1); rc=$?
out=$(grep -v 'running with root privileges' <<<"$out")
# (--show-overrides would count the overridden tags for --fail-on: shown apart, for the log)
"${as[@]}" lintian --show-overrides "$changes" 2>&1 | grep -v 'running with root privileges' | sed 's/^/#   /'
assert_eq "$rc" 0 "lintian: no error or warning on $(basename "$changes")"
assert_eq "$(grep -cE '^[EW]: ' <<<"$out")" 0 "lintian: no E: or W: line"
# Overridden tags show as O: lines: each must be one the override file explains.
for f in "$CONFINE_REPO"/packaging/debian/*.lintian-overrides; do
	bad=$(awk '/^[[:space:]]*$/ { why = 0; next } /^#/ { why = 1; next } !why { print FILENAME ":" FNR ": " $0 }' "$f")
	assert_eq "$bad" "" "$(basename "$f"): every override has a reason above it"
done
