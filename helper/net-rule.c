/* SPDX-License-Identifier: GPL-2.0-or-later */
/* net_allow entries: the strict parser and their nft match (see net-rule.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net-rule.h"

/* A plain decimal 0..max without sign, spaces or leading zeros, up to end; -1 if not. */
static long decimal(const char *s, const char *end, long max)
{
	long v = 0;

	if (s == end || end - s > 6 || (*s == '0' && end - s > 1))
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v <= max ? v : -1;
}

/* Any bit set below the prefix? ("192.0.2.1/24" names a host, not a network.) */
static bool host_bits(const struct net_rule *r)
{
	unsigned n = r->v6 ? 16 : 4;

	for (unsigned i = 0; i < n; i++) {
		unsigned keep = r->prefix > i * 8 ? r->prefix - i * 8 : 0;
		uint8_t mask = keep >= 8 ? 0xff : (uint8_t)(0xff00 >> keep);

		if (r->addr[i] & (uint8_t)~mask)
			return true;
	}
	return false;
}

static bool v4_mapped(const uint8_t *a)
{
	static const uint8_t pfx[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

/* The address [addr/prefix] between s and end into r. */
static int parse_addr(const char *s, const char *end, struct net_rule *r, const char **why)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = memchr(s, '/', (size_t)(end - s));
	const char *aend = slash ? slash : end;
	long prefix;

	if (aend - s <= 0 || (size_t)(aend - s) >= sizeof(buf))
		return *why = "expected an IP address", -EINVAL;
	memcpy(buf, s, (size_t)(aend - s));
	buf[aend - s] = '\0';
	if (inet_pton(r->v6 ? AF_INET6 : AF_INET, buf, r->addr) != 1)
		return *why = r->v6 ? "not an IPv6 address"
				    : "not an IPv4 address (host names are not accepted: list "
				      "addresses, or a proxy's)",
		       -EINVAL;
	if (r->v6 && v4_mapped(r->addr))
		return *why = "an IPv4-mapped IPv6 address: write the IPv4 address", -EINVAL;
	r->prefix = r->v6 ? 128 : 32;
	if (slash) {
		prefix = decimal(slash + 1, end, r->prefix);
		if (prefix < 0)
			return *why = r->v6 ? "the prefix length must be 0..128"
					    : "the prefix length must be 0..32",
			       -EINVAL;
		r->prefix = (unsigned)prefix;
	}
	if (host_bits(r))
		return *why = "host bits set below the prefix length (write the network, like "
			      "192.0.2.0/24)",
		       -EINVAL;
	return 0;
}

int net_rule_parse(const char *s, struct net_rule *r, const char **why)
{
	const char *a, *aend, *colon;
	long port;

	*r = (struct net_rule){0};
	if (strncmp(s, "tcp:", 4) == 0)
		r->udp = false;
	else if (strncmp(s, "udp:", 4) == 0)
		r->udp = true;
	else
		return *why = "expected \"tcp:\" or \"udp:\" first", -EINVAL;
	a = s + 4;
	if (*a == '[') {
		/* IPv6: the brackets keep the address's colons apart from the port's. */
		r->v6 = true;
		if (!(aend = strchr(a, ']')))
			return *why = "an IPv6 address needs its closing ']'", -EINVAL;
		colon = aend + 1;
		if (*colon != ':')
			return *why = "expected ':PORT' after the address", -EINVAL;
		a++;
	} else {
		colon = strchr(a, ':');
		if (!colon)
			return *why = "expected ':PORT' after the address", -EINVAL;
		if (strchr(colon + 1, ':') || strchr(a, ']'))
			return *why = "an IPv6 address needs brackets, like tcp:[2001:db8::1]:80",
			       -EINVAL;
		aend = colon;
	}
	if (parse_addr(a, aend, r, why) < 0)
		return -EINVAL;
	port = decimal(colon + 1, colon + 1 + strlen(colon + 1), 65535);
	if (port < 1)
		return *why = "the port must be 1..65535", -EINVAL;
	r->port = (unsigned)port;
	return 0;
}

int net_rule_nft(const struct net_rule *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(r->v6 ? AF_INET6 : AF_INET, r->addr, a, sizeof(a));
	return snprintf(buf, len, "%s daddr %s/%u %s dport %u", r->v6 ? "ip6" : "ip", a, r->prefix,
			r->udp ? "udp" : "tcp", r->port);
}
