/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One entry of a profile's net_allow list, "proto:address[/prefix]:port": tcp or udp, an
 * IPv4 address or a bracketed IPv6 address, an optional prefix length, a port 1..65535.
 * Parsed strictly (no host names, no host bits below the prefix, no IPv4-mapped IPv6) and
 * printed back as an nft match, so the ruleset text only ever holds what was checked here.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_RULE_MAX 64 /* entries per profile */

struct net_rule {
	uint8_t addr[16]; /* network byte order; 4 bytes used for IPv4 */
	unsigned prefix;  /* 0..32 or 0..128 */
	unsigned port;	  /* 1..65535 */
	bool v6;
	bool udp; /* else tcp */
};

/* Parses s into r. 0, or -EINVAL with *why saying what is wrong (a static string). */
int net_rule_parse(const char *s, struct net_rule *r, const char **why);
/* "ip daddr 192.0.2.0/24 tcp dport 22" into buf; the length it needs (snprintf's). */
int net_rule_nft(const struct net_rule *r, char *buf, size_t len);
