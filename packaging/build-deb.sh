#!/bin/bash
# Builds libpam-confine_*.deb with dpkg-buildpackage -us -uc -b. dpkg-buildpackage wants
# debian/ at the top of the tree it builds and writes its results into that tree's parent:
# so the tree (source-tree.sh) is copied to OUT/src/confine with packaging/debian as its
# debian/, and the results land in OUT/src, moved to OUT.
#
# usage: packaging/build-deb.sh OUT           the package (version from debian/changelog)
#        packaging/build-deb.sh --next OUT    OUT's package again as version V+next1 (same
#                                             files, higher version: the upgrade test's N+1)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

next=0
[ "${1:-}" = --next ] && { next=1; shift; }
[ $# = 1 ] || { echo "usage: $0 [--next] OUT" >&2; exit 2; }
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
case "$OUT/" in "$REPO/"*) ;; *) echo "build-deb: OUT must be inside the tree ($REPO)" >&2; exit 2 ;; esac

VERSION=$(dpkg-parsechangelog -l "$HERE/debian/changelog" -S Version)
ARCH=$(dpkg --print-architecture)
DEB=$OUT/libpam-confine_${VERSION}_$ARCH.deb

if [ $next = 1 ]; then
	[ -f "$DEB" ] || { echo "build-deb: $DEB missing (make deb)" >&2; exit 1; }
	tmp=$OUT/next
	rm -rf "$tmp"
	dpkg-deb -R "$DEB" "$tmp"
	sed -i "s/^Version: .*/Version: $VERSION+next1/" "$tmp/DEBIAN/control"
	dpkg-deb --root-owner-group -Zxz -b "$tmp" "$OUT/libpam-confine_$VERSION+next1_$ARCH.deb" >/dev/null
	rm -rf "$tmp"
	echo "build-deb: $OUT/libpam-confine_$VERSION+next1_$ARCH.deb"
	exit 0
fi

SRC=$OUT/src/confine
rm -rf "$OUT/src"
mkdir -p "$SRC"
bash "$HERE/source-tree.sh" | tar -xf - -C "$SRC"
cd "$REPO"
cp -a packaging/debian "$SRC/debian"
rm -rf "$SRC/build" # never the host build's objects
cd "$SRC"
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=$(nproc)}
dpkg-buildpackage -us -uc -b
rm -f "$OUT"/libpam-confine*.deb "$OUT"/confine_*.buildinfo "$OUT"/confine_*.changes
mv "$OUT"/src/*.deb "$OUT"/src/*.buildinfo "$OUT"/src/*.changes "$OUT"/
echo "build-deb: $DEB"
