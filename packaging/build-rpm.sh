#!/bin/bash
# Builds confine-*.rpm with rpmbuild -bb from packaging/rpm/confine.spec in OUT (its
# _topdir): the source tarball is the tree as source-tree.sh sees it. On a Debian host the
# BuildRequires (Fedora names) are not in any rpm database: --nodeps there.
#
# usage: packaging/build-rpm.sh OUT
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# = 1 ] || { echo "usage: $0 OUT" >&2; exit 2; }
command -v rpmbuild >/dev/null || { echo "build-rpm: rpmbuild missing (Debian: apt-get install rpm; make deps)" >&2; exit 1; }
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
SPEC=$HERE/rpm/confine.spec
VERSION=$(sed -n 's/^Version: *//p' "$SPEC")

rm -rf "$OUT"
mkdir -p "$OUT/SOURCES" "$OUT/stage/confine-$VERSION"
bash "$HERE/source-tree.sh" | tar -xf - -C "$OUT/stage/confine-$VERSION"
tar -C "$OUT/stage" -czf "$OUT/SOURCES/confine-$VERSION.tar.gz" "confine-$VERSION"
rm -rf "$OUT/stage"
nodeps=()
[ -e /etc/debian_version ] && nodeps=(--nodeps)
rpmbuild -bb "${nodeps[@]}" --define "_topdir $OUT" "$SPEC"
ls "$OUT"/RPMS/*/confine-"$VERSION"-*.rpm
