#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# test_setuid_core.sh BINARY [ALLOW]: the setuid confine-shell holds the setuid core and
# nothing else. Its NEEDED entries are libc only (the seccomp filter is BPF made at build time); every symbol it
# defines is in the allow-list (tests/shell/setuid-core.allow); none of the root-side work
# (config, cgroups, homes, writing session state) is in it. TAP output; no root needed.
set -u
bin=${1:?usage: test_setuid_core.sh BINARY [ALLOW]}
allow=${2:-$(dirname "$0")/setuid-core.allow}
n=0 failed=0
ok()     { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

# Libraries. A sanitizer build (make san, never installed) adds its runtime.
needed=$(readelf -dW "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | sort)
extra=$(printf '%s\n' "$needed" | grep -Ev '^(libc\.so\.6|lib(a|ub)san\.so\.[0-9]+)$')
if [ -z "$extra" ] && printf '%s\n' "$needed" | grep -qx 'libc\.so\.6'; then
  ok "$bin needs only libc (a sanitizer build: its runtime): $(echo $needed)"
else
  not_ok "$bin needs only libc"
  printf '%s\n' "$needed" | sed 's/^/#   NEEDED: /'
fi

# Symbols: defined text and data, toolchain-made names (leading _ or ., @VERSION copy
# relocations, gcc's CSWTCH tables) left out, compiler suffixes stripped.
syms=$(nm --defined-only "$bin" | awk '$2 ~ /^[TtDdBbRrVvWw]$/ { print $3 }' |
  grep -v '@' | grep -v '^[_.]' | grep -v '^CSWTCH' |
  sed -E 's/\.(isra|constprop|part|cold|lto_priv)(\.[0-9]+)*//g; s/\.[0-9]+$//' | sort -u)
if [ -z "$syms" ]; then
  not_ok "$bin has a symbol table (built with symbols, not stripped)"
else
  ok "$bin has a symbol table ($(printf '%s\n' "$syms" | wc -l) names)"
fi
list=$(mktemp) || exit 1
trap 'rm -f "$list"' EXIT
grep -v '^#' "$allow" | grep -v '^ *$' >"$list"
unlisted=$(printf '%s\n' "$syms" | grep -vxF -f "$list")
if [ -z "$unlisted" ]; then
  ok "every symbol $bin defines is in $allow"
else
  not_ok "every symbol $bin defines is in $allow"
  printf '%s\n' "$unlisted" | sed 's/^/#   not allowed: /'
fi

# The root-side work the issue found linked in (named, so a failure says what came back).
root_side='cgroup_create cgroup_destroy cgroup_write_limits cgroup_attach cgroup_write
home_prepare copy_skel overlay_new home_persistent_ensure image_create session_write
session_remove procs_create procs_close parse_size parse_duration config_load config_free
backend_open backend_close'
found=
for f in $root_side; do
  printf '%s\n' "$syms" | grep -qx "$f" && found="$found $f"
done
if [ -z "$found" ]; then
  ok "$bin holds no root-side work (config, cgroups, homes, session writing)"
else
  not_ok "$bin holds no root-side work:$found"
fi
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
