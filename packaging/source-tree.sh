#!/bin/bash
# Writes a tar stream of the source tree to stdout: tracked and untracked files that git does
# not ignore (so uncommitted work is packaged too, build dirs never), minus packaging/debian.
# Used by build-deb.sh and build-rpm.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard | grep -zv '^packaging/debian/' |
		xargs -0 tar --no-recursion --ignore-failed-read -cf -
else
	tar --exclude='./build*' --exclude=./packaging/debian -cf - .
fi
