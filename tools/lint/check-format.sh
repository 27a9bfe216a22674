#!/bin/bash
# make lint-format FILE...: every C file is formatted as .clang-format says, except those in
# tools/lint/format-pending.txt (written before the check existed; the list only shrinks:
# a listed file that is formatted, or gone, is an error too, so its line gets deleted).
# CLANG_FORMAT: the clang-format to use (Debian 12's is 14; another version formats differently).
set -u
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
LIST=tools/lint/format-pending.txt
command -v "$CLANG_FORMAT" >/dev/null || { echo "lint-format: $CLANG_FORMAT not found (make deps)" >&2; exit 1; }
pending=$(sed 's/#.*//' "$LIST" | awk 'NF { print $1 }')
rc=0
for f in "$@"; do
	if grep -qxF -- "$f" <<<"$pending"; then
		if "$CLANG_FORMAT" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
			echo "$LIST: $f is formatted now: delete its line" >&2
			rc=1
		fi
	elif ! "$CLANG_FORMAT" --style=file --dry-run --Werror "$f"; then
		echo "lint-format: $f is not formatted: clang-format -i $f" >&2
		rc=1
	fi
done
for f in $pending; do
	[ -e "$f" ] || { echo "$LIST: $f does not exist: delete its line" >&2; rc=1; }
done
exit $rc
