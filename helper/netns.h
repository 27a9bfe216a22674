/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net = "allow": the session's own network namespace, made by the root helper at open.
 *
 *   /run/confine/netns/SID  a bind mount of the namespace (root-only directory): the setuid
 *                           shell joins it (setns) before its other namespaces.
 *   veth cfPID <-> eth0     the host end "cf" + the login process's pid; eth0 inside.
 *   addresses               inside 100.64.0.0 + pid /32 and fd63:6f6e:666e:6574::pid /128,
 *                           the host end 100.64.0.1 and fd63:6f6e:666e:6574::1 (each veth),
 *                           a host route per session to its addresses.
 *   table inet confine      inside: output accepts only net_allow (and replies), rejects the
 *                           rest at once (tcp reset, icmp admin-prohibited) and counts it
 *                           ("refused"); input accepts only replies ("inbound" counts).
 *   table inet confine_nat  on the host, one static table for all sessions: masquerade of
 *                           session traffic leaving through other interfaces, nothing new
 *                           forwarded into a session.
 *
 * The namespace belongs to the initial user namespace: nobody inside has CAP_NET_ADMIN
 * over it, even with user_ns = true. Everything goes through rtnetlink (libmnl) and
 * libnftables: no ip or nft is run per login.
 */
#pragma once

#include "config.h"
#include "error.h"

#define NETNS_DIR "/run/confine/netns"

/* Sets up the namespace of session sid (whose login process is pid) for profile p, rules
 * first. On failure nothing of it is left. 0 or a negative errno with e filled. */
int netns_open(const struct confine_profile *p, const char *sid, struct error *e);
/* Removes what netns_open made for sid (the veth, the bind mount); idempotent. */
int netns_close(const char *sid, struct error *e);
/* Can this host enforce net = "allow"? Builds a session's ruleset and a veth pair in a
 * throwaway namespace. 0 or a negative errno with e saying what is missing. */
int netns_probe(struct error *e);
