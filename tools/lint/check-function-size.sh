#!/bin/bash
# make lint-size FILE... -- COMPILER-FLAGS: no function is longer than MAX lines (its body,
# blank lines and comments included, as clang-tidy's readability-function-size counts them),
# except those in tools/lint/long-functions.txt, one per line with a reason (the list only
# shrinks: an entry whose function is short now, or gone, is an error too).
set -u
CLANG_TIDY=${CLANG_TIDY:-clang-tidy}
MAX=${MAX:-80}
LIST=tools/lint/long-functions.txt
out=$("$CLANG_TIDY" --quiet \
	--config="{Checks: '-*,readability-function-size', CheckOptions: [{key: readability-function-size.LineThreshold, value: $MAX}]}" \
	"$@" 2>/dev/null)
[ $? -le 1 ] || { echo "lint-size: $CLANG_TIDY failed" >&2; exit 1; }
# "FILE FUNCTION LINES" for every function over MAX lines (the note follows its warning)
long=$(printf '%s\n' "$out" | sed -n \
	-e "s|^$PWD/||" \
	-e "/: warning: function '.*' exceeds recommended size/{s/^\([^:]*\):.*function '\([^']*\)'.*/\1 \2/;h;d}" \
	-e "/: note: [0-9]* lines including whitespace and comments/{s/.*note: \([0-9]*\) lines.*/\1/;H;x;s/\n/ /p}")
allowed=$(sed 's/#.*//' "$LIST" | awk 'NF >= 3 { print $1, $2 }')
rc=0
while read -r file func lines; do
	[ -n "$file" ] || continue
	grep -qxF -- "$file $func" <<<"$allowed" && continue
	echo "lint-size: $file: $func() has $lines lines (at most $MAX): split it" >&2
	rc=1
done <<<"$long"
while read -r file func; do
	[ -n "$file" ] || continue
	grep -q "^$file $func " <<<"$long" && continue
	echo "$LIST: $file $func() has at most $MAX lines now (or is gone): delete its line" >&2
	rc=1
done <<<"$allowed"
sed 's/#.*//' "$LIST" | awk 'NF == 1 || NF == 2 { print "'"$LIST"': an entry without a reason: " $0; bad = 1 } END { exit bad }' >&2 || rc=1
exit $rc
