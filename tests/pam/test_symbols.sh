#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# test_symbols.sh SO...: each pam_confine build exports exactly the four pam_sm_* entry points
# (pam_confine.map) and is linked with full RELRO. TAP output; no root needed.
set -u
n=0 failed=0
ok()     { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

want='pam_sm_acct_mgmt
pam_sm_close_session
pam_sm_open_session
pam_sm_setcred'

for so in "$@"; do
  got=$(nm -D --defined-only "$so" | awk '{ print $NF }' | sort)
  if [ "$got" = "$want" ]; then
    ok "$so exports only pam_sm_open_session, pam_sm_close_session, pam_sm_acct_mgmt, pam_sm_setcred"
  else
    not_ok "$so exports only the pam_sm_* entry points"
    printf '%s\n' "$got" | sed 's/^/#   got: /'
  fi
  if readelf -lW "$so" | grep -q GNU_RELRO && readelf -dW "$so" | grep -q 'BIND_NOW'; then
    ok "$so has RELRO and BIND_NOW"
  else
    not_ok "$so has RELRO and BIND_NOW"
  fi
  if readelf -dW "$so" | grep -q 'NEEDED.*libpam\.so'; then
    ok "$so links libpam"
  else
    not_ok "$so links libpam"
  fi
done
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
