/* SPDX-License-Identifier: GPL-2.0-or-later */
/* net = "allow": the session's network namespace, its veth, its rules (see netns.h). */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <nftables/libnftables.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include "net-rule.h"
#include "netns.h"
#include "util.h"

#define PEER_NAME "eth0"
#define PID_LIMIT (1u << 22)  /* the kernel's PID_MAX_LIMIT: 100.64.0.0/10 holds them all */
#define V4_BASE	  0x64400000u /* 100.64.0.0 */
#define V4_HOST	  (V4_BASE + 1)
#define V4_NET	  "100.64.0.0/10"
#define V6_NET	  "fd63:6f6e:666e:6574::/64"
static const uint8_t v6_prefix[8] = {0xfd, 0x63, 0x6f, 0x6e, 0x66, 0x6e, 0x65, 0x74};

/* ---- rtnetlink ------------------------------------------------------------------------ */

/* Sends the request nlh and waits for its acknowledgement. 0 or a negative errno. */
static int nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned seq = (unsigned)time(NULL), portid = mnl_socket_get_portid(nl);
	ssize_t n;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return negerrno();
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int r = mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL);
		if (r <= MNL_CB_STOP)
			return r < 0 ? negerrno() : 0;
	}
	return n < 0 ? negerrno() : -EIO;
}

static struct nlmsghdr *nl_msg(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	return nlh;
}

/* Sets the interface index up. */
static int link_up(struct mnl_socket *nl, unsigned index)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_index = (int)index;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = IFF_UP;
	return nl_talk(nl, nlh);
}

/* The veth pair host <-> PEER_NAME, the peer created inside the namespace nsfd. */
static int veth_create(struct mnl_socket *nl, const char *host, int nsfd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *data, *peer;

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg)); /* the peer's own header */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, PEER_NAME);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_talk(nl, nlh);
}

static int link_del(struct mnl_socket *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_DELLINK, 0);

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nl_talk(nl, nlh);
}

/* addr/plen on index, without duplicate address detection (usable at once). */
static int addr_add(struct mnl_socket *nl, unsigned index, bool v6, const void *addr, unsigned plen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = v6 ? AF_INET6 : AF_INET;
	ifa->ifa_prefixlen = (uint8_t)plen;
	ifa->ifa_flags = IFA_F_NODAD | IFA_F_PERMANENT;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = index;
	mnl_attr_put(nlh, IFA_LOCAL, v6 ? 16 : 4, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, v6 ? 16 : 4, addr);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD | IFA_F_PERMANENT);
	return nl_talk(nl, nlh);
}

/* A route to dst/plen out of index: direct (gw NULL) or through gw, on the link. */
static int route_add(struct mnl_socket *nl, unsigned index, bool v6, const void *dst, unsigned plen,
		     const void *gw)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = v6 ? AF_INET6 : AF_INET;
	rtm->rtm_dst_len = (uint8_t)plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_flags = gw ? RTNH_F_ONLINK : 0;
	if (plen)
		mnl_attr_put(nlh, RTA_DST, v6 ? 16 : 4, dst);
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, v6 ? 16 : 4, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, index);
	return nl_talk(nl, nlh);
}

/* A route socket in the current network namespace (it stays there after a setns). */
static struct mnl_socket *nl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

static void nl_closep(struct mnl_socket **nl)
{
	if (*nl)
		mnl_socket_close(*nl);
}
#define _cleanup_nl_ _cleanup_(nl_closep)

/* ---- addresses ------------------------------------------------------------------------ */

struct net_addrs {
	uint32_t v4, v4_host; /* network byte order */
	uint8_t v6[16], v6_host[16];
};

static void addrs_of(unsigned pid, struct net_addrs *a)
{
	a->v4 = htonl(V4_BASE + pid);
	a->v4_host = htonl(V4_HOST);
	memset(a->v6, 0, sizeof(a->v6));
	memcpy(a->v6, v6_prefix, sizeof(v6_prefix));
	memcpy(a->v6_host, a->v6, sizeof(a->v6));
	a->v6_host[15] = 1;
	for (int i = 0; i < 4; i++)
		a->v6[12 + i] = (uint8_t)(pid >> (24 - 8 * i));
}

/* The login process's pid of sid ("PID-START"), below PID_LIMIT, and its interface name. */
static int sid_pid(const char *sid, unsigned *pid, char *ifname, size_t len)
{
	char *end;
	unsigned long v = strtoul(sid, &end, 10);

	if (*end != '-' || v < 2 || v >= PID_LIMIT)
		return -EINVAL;
	*pid = (unsigned)v;
	snprintf(ifname, len, "cf%u", *pid);
	return 0;
}

/* ---- nftables ------------------------------------------------------------------------- */

/*
 * libnftables, loaded by soname when a net = "allow" session (or check) needs it: linked,
 * it and its four libraries (nftnl, xtables, jansson, gmp) were loaded and relocated at
 * every exec of the helper and confinectl, twice per login of any profile, and stayed
 * mapped in `confinectl run`'s supervisors. The helper runs with an empty environment, so
 * the loader searches the system's path only (as for libsystemd, cgroup-systemd.c).
 */
static struct {
	bool loaded;
	typeof(nft_ctx_new) *ctx_new;
	typeof(nft_ctx_buffer_output) *buffer_output;
	typeof(nft_ctx_buffer_error) *buffer_error;
	typeof(nft_run_cmd_from_buffer) *run_cmd;
	typeof(nft_ctx_get_error_buffer) *get_error_buffer;
	typeof(nft_ctx_free) *ctx_free;
} nft;

static int nft_load(struct error *e)
{
	static const char *const names[] = {"nft_ctx_new",
					    "nft_ctx_buffer_output",
					    "nft_ctx_buffer_error",
					    "nft_run_cmd_from_buffer",
					    "nft_ctx_get_error_buffer",
					    "nft_ctx_free"};
	void **slots[] = {(void **)&nft.ctx_new,	  (void **)&nft.buffer_output,
			  (void **)&nft.buffer_error,	  (void **)&nft.run_cmd,
			  (void **)&nft.get_error_buffer, (void **)&nft.ctx_free};
	void *h;

	if (nft.loaded)
		return 0;
	if (!(h = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)))
		return error_set(
		    e, -EOPNOTSUPP,
		    "net = \"allow\" needs libnftables.so.1 (Debian: libnftables1): %s", dlerror());
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (!(*slots[i] = dlsym(h, names[i])))
			return error_set(e, -EOPNOTSUPP, "libnftables.so.1 lacks %s", names[i]);
	nft.loaded = true;
	return 0;
}

/* Runs the nft script text in the current network namespace. */
static int nft_run(const char *text, struct error *e)
{
	struct nft_ctx *ctx;
	int r;

	if ((r = nft_load(e)) < 0)
		return r;
	if (!(ctx = nft.ctx_new(NFT_CTX_DEFAULT)))
		return error_set(e, -ENOMEM, "nftables: cannot create a context");
	/* Buffered: the helper's stdout is its answer to pam_confine. */
	nft.buffer_output(ctx);
	nft.buffer_error(ctx);
	if (nft.run_cmd(ctx, text) != 0) {
		const char *m = nft.get_error_buffer(ctx);
		size_t n = m ? strcspn(m, "\n") : 0;
		r = error_set(e, -EPROTO, "nftables refused the rules: %.*s", (int)n, m ? m : "");
	}
	nft.ctx_free(ctx);
	return r;
}

#define RULES_HEAD                                                                                 \
	"table inet confine {\n"                                                                   \
	" counter refused {}\n"                                                                    \
	" counter inbound {}\n"                                                                    \
	" chain output {\n"                                                                        \
	"  type filter hook output priority filter; policy drop;\n"                                \
	"  oifname \"lo\" accept\n"                                                                \
	"  icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit } accept\n"
/*
 * Only the session's own IPv6 sources: IPV6_FREEBIND or IP_FREEBIND, no capability needed,
 * lets any process bind and send from any IPv6 address (another session's, the host's, made
 * up). Link-local ones stay on the session's own veth (never forwarded) and go on to the
 * rejects below (fast). IPv4 needs no rule: the kernel's output route refuses a non-local
 * source without IP_TRANSPARENT (t79).
 */
#define RULES_SADDR   "  ip6 saddr != { %s, fe80::/10 } counter name refused drop\n"
#define RULES_REPLIES "  ct state established,related accept\n"
/* Everything not listed: refused at once (no timeout) and counted. */
#define RULES_TAIL                                                                                 \
	"  meta l4proto tcp counter name refused reject with tcp reset\n"                          \
	"  counter name refused reject with icmpx type admin-prohibited\n"                         \
	" }\n"                                                                                     \
	" chain input {\n"                                                                         \
	"  type filter hook input priority filter; policy drop;\n"                                 \
	"  iifname \"lo\" accept\n"                                                                \
	"  ct state established,related accept\n"                                                  \
	"  icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"                       \
	"  meta l4proto tcp counter name inbound reject with tcp reset\n"                          \
	"  counter name inbound reject with icmpx type admin-prohibited\n"                         \
	" }\n"                                                                                     \
	"}\n"

/* The session's ruleset: the head, its source, an accept per net_allow entry, the tail. */
static char *rules_text(char *const *allow, const struct net_addrs *a, struct error *e)
{
	char v6[INET6_ADDRSTRLEN];
	size_t n = 0, len;
	char *t, *w;

	for (; allow && allow[n]; n++)
		;
	len = sizeof(RULES_HEAD) + sizeof(RULES_SADDR) + sizeof(v6) + sizeof(RULES_REPLIES) +
	      sizeof(RULES_TAIL) + n * 96;
	if (!(t = malloc(len)))
		return error_set(e, -ENOMEM, "out of memory"), NULL;
	inet_ntop(AF_INET6, a->v6, v6, sizeof(v6));
	w = t + snprintf(t, len, RULES_HEAD RULES_SADDR RULES_REPLIES, v6);
	for (size_t i = 0; i < n; i++) {
		struct net_rule r;
		const char *why;

		/* Checked at load already; checked again, the text goes to nftables. */
		if (net_rule_parse(allow[i], &r, &why) < 0) {
			free(t);
			return error_set(e, -EINVAL, "net_allow \"%s\": %s", allow[i], why), NULL;
		}
		w += snprintf(w, 8, "  ");
		w += net_rule_nft(&r, w, 80);
		w += snprintf(w, 16, " accept\n");
	}
	snprintf(w, len - (size_t)(w - t), "%s", RULES_TAIL);
	return t;
}

/* The host's static table, replaced whole in one transaction (idempotent, atomic). */
static const char host_table[] = "table inet confine_nat {}\n"
				 "flush table inet confine_nat\n"
				 "table inet confine_nat {\n"
				 " chain postrouting {\n"
				 "  type nat hook postrouting priority srcnat; policy accept;\n"
				 "  ip saddr " V4_NET " oifname != \"cf*\" masquerade\n"
				 "  ip6 saddr " V6_NET " oifname != \"cf*\" masquerade\n"
				 " }\n"
				 " chain forward {\n"
				 "  type filter hook forward priority filter; policy accept;\n"
				 "  oifname \"cf*\" ct state established,related accept\n"
				 "  oifname \"cf*\" counter drop\n"
				 " }\n"
				 "}\n";

/* ---- the namespace -------------------------------------------------------------------- */

/* /run/confine/netns: root-only, made once. */
static int dir_prepare(struct error *e)
{
	struct stat st;

	if (mkdir(NETNS_DIR, 0700) < 0 && errno != EEXIST)
		return error_set_errno(e, negerrno(), "cannot create %s", NETNS_DIR);
	if (lstat(NETNS_DIR, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 077))
		return error_set(e, -EPERM, "%s is not a root-only directory", NETNS_DIR);
	return 0;
}

/* Writes "1" to the sysctl path; 0 or a negative errno. */
static int sysctl_one(const char *path)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 || write(fd, "1", 1) != 1)
		return negerrno();
	return 0;
}

/*
 * Inside the new namespace (the helper is in it): the rules first, then lo. Returns a route
 * socket of the namespace in *ret.
 */
static int inside_first(char *const *allow, const struct net_addrs *a, struct mnl_socket **ret,
			struct error *e)
{
	_cleanup_free_ char *rules = rules_text(allow, a, e);
	int r;

	if (!rules)
		return e->code;
	if ((r = nft_run(rules, e)) < 0)
		return r;
	if (!(*ret = nl_open()))
		return error_set_errno(e, negerrno(), "cannot open rtnetlink");
	if ((r = link_up(*ret, 1)) < 0) /* lo is index 1 in a new namespace */
		return error_set_errno(e, r, "cannot bring up lo");
	return 0;
}

/* The host end: the static table, addresses, up, routes to the session, forwarding. */
static int host_side(struct mnl_socket *nl, const char *ifname, const struct net_addrs *a,
		     struct error *e)
{
	char path[96];
	unsigned idx = if_nametoindex(ifname);
	int r;

	if (!idx)
		return error_set_errno(e, negerrno(), "cannot find %s", ifname);
	if ((r = nft_run(host_table, e)) < 0)
		return error_prefix(e, "host table inet confine_nat");
	if ((r = addr_add(nl, idx, false, &a->v4_host, 32)) < 0 ||
	    (r = addr_add(nl, idx, true, a->v6_host, 128)) < 0 || (r = link_up(nl, idx)) < 0 ||
	    (r = route_add(nl, idx, false, &a->v4, 32, NULL)) < 0 ||
	    (r = route_add(nl, idx, true, a->v6, 128, NULL)) < 0)
		return error_set_errno(e, r, "cannot configure %s", ifname);
	/* IPv4 forwarding is checked on the interface a packet comes in by: this end only. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", ifname);
	if ((r = sysctl_one(path)) < 0)
		return error_set_errno(e, r, "cannot enable forwarding on %s", ifname);
	return 0;
}

/* eth0 inside, through the namespace's socket: addresses, up, default routes. */
static int inside_last(struct mnl_socket *nl, int nsfd, int hostfd, const struct net_addrs *a,
		       struct error *e)
{
	static const uint8_t any[16];
	unsigned idx;
	int r;

	/* if_nametoindex asks the namespace we are in: step in for it. */
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return error_set_errno(e, negerrno(), "cannot enter the session's namespace");
	idx = if_nametoindex(PEER_NAME);
	r = idx ? 0 : negerrno();
	if (setns(hostfd, CLONE_NEWNET) < 0)
		abort(); /* root going back to its own namespace: cannot fail */
	if (r < 0)
		return error_set_errno(e, r, "cannot find %s in the namespace", PEER_NAME);
	if ((r = addr_add(nl, idx, false, &a->v4, 32)) < 0 ||
	    (r = addr_add(nl, idx, true, a->v6, 128)) < 0 || (r = link_up(nl, idx)) < 0 ||
	    (r = route_add(nl, idx, false, any, 0, &a->v4_host)) < 0 ||
	    (r = route_add(nl, idx, true, any, 0, a->v6_host)) < 0)
		return error_set_errno(e, r, "cannot configure %s in the namespace", PEER_NAME);
	return 0;
}

/* The new namespace, pinned at path (created here), while the helper is in it. */
static int ns_create(const char *path, int *nsfd, struct error *e)
{
	_cleanup_close_ int fd =
	    open(path, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);

	if (fd < 0)
		return error_set_errno(e, negerrno(), "cannot create %s", path);
	if (unshare(CLONE_NEWNET) < 0)
		return error_set_errno(e, negerrno(), "cannot create a network namespace");
	/* The bind mount keeps the namespace alive without a process in it. */
	if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
		return error_set_errno(e, negerrno(), "cannot pin the namespace at %s", path);
	if ((*nsfd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return error_set_errno(e, negerrno(), "cannot open %s", path);
	return 0;
}

static int setup(const struct confine_profile *p, const char *sid, int hostfd, struct error *e)
{
	_cleanup_nl_ struct mnl_socket *in = NULL, *host = NULL;
	_cleanup_close_ int nsfd = -1;
	struct net_addrs a;
	char path[128], ifname[IF_NAMESIZE];
	unsigned pid;
	int r;

	if (sid_pid(sid, &pid, ifname, sizeof(ifname)) < 0)
		return error_set(e, -EINVAL, "session %s: no pid below %u", sid, PID_LIMIT);
	addrs_of(pid, &a);
	snprintf(path, sizeof(path), NETNS_DIR "/%s", sid);
	r = ns_create(path, &nsfd, e);
	if (r == 0)
		r = inside_first(p->net_allow, &a, &in, e);
	/* Back in the host's namespace whatever happened. */
	if (setns(hostfd, CLONE_NEWNET) < 0)
		abort();
	if (r < 0)
		return r;
	if (!(host = nl_open()))
		return error_set_errno(e, negerrno(), "cannot open rtnetlink");
	/* The peer is born inside the namespace, where the rules already apply. */
	if ((r = veth_create(host, ifname, nsfd)) < 0)
		return error_set_errno(e, r, "cannot create the veth %s", ifname);
	if ((r = host_side(host, ifname, &a, e)) < 0 ||
	    (r = inside_last(in, nsfd, hostfd, &a, e)) < 0)
		return r;
	return 0;
}

int netns_open(const struct confine_profile *p, const char *sid, struct error *e)
{
	_cleanup_close_ int hostfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (hostfd < 0)
		return error_set_errno(e, negerrno(), "cannot open the host's network namespace");
	if ((r = dir_prepare(e)) < 0)
		return r;
	if ((r = setup(p, sid, hostfd, e)) < 0)
		(void)netns_close(sid, NULL); /* leaves nothing half made */
	return r;
}

/*
 * Deleting either end of a veth deletes both: the end inside the namespace is certainly
 * this session's (a host-side name could already be a new session's of a reused pid).
 */
static int veth_remove(int nsfd)
{
	_cleanup_close_ int hostfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	_cleanup_nl_ struct mnl_socket *nl = NULL;
	int r;

	if (hostfd < 0 || setns(nsfd, CLONE_NEWNET) < 0)
		return negerrno();
	nl = nl_open();
	if (setns(hostfd, CLONE_NEWNET) < 0)
		abort();
	if (!nl)
		return negerrno();
	r = link_del(nl, PEER_NAME);
	return r == -ENODEV ? 0 : r;
}

int netns_close(const char *sid, struct error *e)
{
	char path[128];
	_cleanup_close_ int fd = -1;
	struct statfs sfs;
	int r;

	snprintf(path, sizeof(path), NETNS_DIR "/%s", sid);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0; /* nothing of it left: idempotent */
	if (fd < 0)
		return error_set_errno(e, negerrno(), "cannot open %s", path);
	/* A bare file (the namespace was never pinned): nothing to delete in it. */
	if (fstatfs(fd, &sfs) == 0 && sfs.f_type == NSFS_MAGIC && (r = veth_remove(fd)) < 0)
		return error_set_errno(e, r, "cannot delete the veth of session %s", sid);
	/* The mount was the last reference once the session's processes are gone. */
	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL)
		return error_set_errno(e, negerrno(), "cannot unmount %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return error_set_errno(e, negerrno(), "cannot remove %s", path);
	return 0;
}

/* In a throwaway namespace: a session's ruleset with one entry, a veth pair. */
static int probe_inside(struct error *e)
{
	char *const one[] = {"tcp:192.0.2.1:1", NULL};
	struct net_addrs a;
	_cleanup_free_ char *rules = (addrs_of(2, &a), rules_text(one, &a, e));
	_cleanup_nl_ struct mnl_socket *nl = NULL;
	_cleanup_close_ int nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (!rules || nsfd < 0)
		return rules ? error_set_errno(e, negerrno(), "cannot open a namespace") : e->code;
	if ((r = nft_run(rules, e)) < 0 || (r = nft_run(host_table, e)) < 0)
		return r;
	if (!(nl = nl_open()))
		return error_set_errno(e, negerrno(), "cannot open rtnetlink");
	if ((r = veth_create(nl, "cfprobe", nsfd)) < 0)
		return error_set_errno(e, r, "cannot create a veth pair (module veth)");
	return 0;
}

int netns_probe(struct error *e)
{
	_cleanup_close_ int hostfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (hostfd < 0)
		return error_set_errno(e, negerrno(), "cannot open the host's network namespace");
	/* Nothing pins the throwaway namespace: it goes when we leave it. */
	if (unshare(CLONE_NEWNET) < 0)
		return error_set_errno(e, negerrno(), "cannot create a network namespace");
	r = probe_inside(e);
	if (setns(hostfd, CLONE_NEWNET) < 0)
		abort();
	return r;
}
