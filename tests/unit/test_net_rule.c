/* SPDX-License-Identifier: GPL-2.0-or-later */
/* net_allow entries (helper/net-rule.c): what parses, the nft match printed, what is refused. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>
#include <unistd.h>

#include "../../helper/config.h"
#include "../../helper/net-rule.h"
#include "../../helper/util.h"
#include "tap.h"

static const struct {
	const char *in, *nft;
} good[] = {
    {"tcp:192.0.2.10:443", "ip daddr 192.0.2.10/32 tcp dport 443"},
    {"udp:192.0.2.53:53", "ip daddr 192.0.2.53/32 udp dport 53"},
    {"tcp:192.0.2.0/24:22", "ip daddr 192.0.2.0/24 tcp dport 22"},
    {"tcp:0.0.0.0/0:443", "ip daddr 0.0.0.0/0 tcp dport 443"},
    {"tcp:[2001:db8::1]:80", "ip6 daddr 2001:db8::1/128 tcp dport 80"},
    {"udp:[2001:db8::/32]:53", "ip6 daddr 2001:db8::/32 udp dport 53"},
    {"tcp:198.51.100.7:65535", "ip daddr 198.51.100.7/32 tcp dport 65535"},
    {"tcp:198.51.100.7:1", "ip daddr 198.51.100.7/32 tcp dport 1"},
};

static const struct {
	const char *in, *why;
} bad[] = {
    {"", "expected \"tcp:\" or \"udp:\" first"},
    {"icmp:192.0.2.1:1", "expected \"tcp:\" or \"udp:\" first"},
    {"TCP:192.0.2.1:80", "expected \"tcp:\" or \"udp:\" first"},
    {"tcp:example.com:443", "not an IPv4 address (host names are not accepted: list addresses, "
			    "or a proxy's)"},
    {"tcp:192.0.2.1", "expected ':PORT' after the address"},
    {"tcp:192.0.2.1:", "the port must be 1..65535"},
    {"tcp:192.0.2.1:0", "the port must be 1..65535"},
    {"tcp:192.0.2.1:65536", "the port must be 1..65535"},
    {"tcp:192.0.2.1:080", "the port must be 1..65535"},
    {"tcp:192.0.2.1:+80", "the port must be 1..65535"},
    {"tcp:192.0.2.1:80 ", "the port must be 1..65535"},
    {"tcp:192.0.2.1:http", "the port must be 1..65535"},
    {"tcp:192.0.2.1/33:80", "the prefix length must be 0..32"},
    {"tcp:192.0.2.1/:80", "the prefix length must be 0..32"},
    {"tcp:192.0.2.0/024:80", "the prefix length must be 0..32"},
    {"tcp:192.0.2.1/24:22", "host bits set below the prefix length (write the network, like "
			    "192.0.2.0/24)"},
    {"tcp:192.0.2.256:80", "not an IPv4 address (host names are not accepted: list addresses, "
			   "or a proxy's)"},
    {"tcp:192.0.02.1:80", "not an IPv4 address (host names are not accepted: list addresses, "
			  "or a proxy's)"},
    {"tcp:2001:db8::1:80", "an IPv6 address needs brackets, like tcp:[2001:db8::1]:80"},
    {"tcp:[2001:db8::1:80", "an IPv6 address needs its closing ']'"},
    {"tcp:[2001:db8::1]80", "expected ':PORT' after the address"},
    {"tcp:[2001:db8::1]", "expected ':PORT' after the address"},
    {"tcp:[::ffff:192.0.2.1]:80", "an IPv4-mapped IPv6 address: write the IPv4 address"},
    {"tcp:[2001:db8::1/129]:80", "the prefix length must be 0..128"},
    {"tcp:[2001:db8::1/64]:80", "host bits set below the prefix length (write the network, like "
				"192.0.2.0/24)"},
    {"tcp:[192.0.2.1]:80", "not an IPv6 address"},
    {"tcp:[]:80", "expected an IP address"},
    {"tcp:[fe80::1%eth0]:80", "not an IPv6 address"},
};

/* A profile with net = "allow" loads, keeps its list, and `confinectl check` prints it back. */
static void config_round_trip(void)
{
	static const char text[] =
	    "profiles = { lab = { net = \"allow\"; net_allow = [ \"tcp:192.0.2.10:443\", "
	    "\"udp:[2001:db8::53]:53\" ]; }; empty = { net = \"allow\"; }; };\n";
	char path[] = "/tmp/confine-test-net-XXXXXX", *out = NULL;
	struct confine_config *c = NULL;
	struct error err = ERROR_INIT;
	size_t len = 0;
	int fd = mkstemp(path);
	FILE *f;

	if (fd < 0 || write(fd, text, sizeof(text) - 1) != (ssize_t)sizeof(text) - 1)
		abort();
	close(fd);
	is_int(config_load(path, 0, &c, &err), 0, "an allow profile loads: %s", error_msg(&err));
	unlink(path);
	if (!c)
		return;
	const struct confine_profile *p = config_find_profile(c, "lab");
	const struct confine_profile *e = config_find_profile(c, "empty");
	ok(p && p->net == NET_ALLOW && p->net_allow && p->net_allow[2] == NULL,
	   "lab: net = allow with two entries");
	ok(e && e->net == NET_ALLOW && !e->net_allow, "empty: net = allow, nothing listed");
	if (p && (f = open_memstream(&out, &len))) {
		config_print_profile(p, f);
		fclose(f);
		ok(out && strstr(out, "net = \"allow\";\nnet_allow = [\"tcp:192.0.2.10:443\", "
				      "\"udp:[2001:db8::53]:53\"];\n"),
		   "check prints net and net_allow back");
		free(out);
	}
	config_free(c);
}

int main(void)
{
	config_round_trip();
	for (size_t i = 0; i < ELEMENTSOF(good); i++) {
		struct net_rule r;
		const char *why = NULL;
		char buf[128] = "";

		is_int(net_rule_parse(good[i].in, &r, &why), 0, "%s parses", good[i].in);
		net_rule_nft(&r, buf, sizeof(buf));
		is_str(buf, good[i].nft, "%s: its nft match", good[i].in);
	}
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct net_rule r;
		const char *why = NULL;

		is_int(net_rule_parse(bad[i].in, &r, &why), -EINVAL, "\"%s\" is refused",
		       bad[i].in);
		is_str(why, bad[i].why, "\"%s\": why", bad[i].in);
	}
	return tap_done();
}
