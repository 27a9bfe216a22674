/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw capget/capset and prctl: no libcap (one library fewer for every exec of the setuid
 * shell, and the checks read the kernel's own summary of the process in one go).
 */
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/magic.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privs.h"
#include "util.h"

/* The three capability sets, 64 bits each (_LINUX_CAPABILITY_VERSION_3). */
struct capsets {
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
};

static int caps_get(struct capsets *c)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};

	return syscall(SYS_capget, &h, c->d) < 0 ? negerrno() : 0;
}

static int caps_set(const struct capsets *c)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};

	return syscall(SYS_capset, &h, c->d) < 0 ? negerrno() : 0;
}

int privs_raise_effective(void)
{
	struct capsets c;
	int r;

	if ((r = caps_get(&c)) < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(c.d); i++)
		c.d[i].effective = c.d[i].permitted;
	return caps_set(&c);
}

/* What /proc/self/status says of this process, the fields the drop's proof reads. */
struct status {
	unsigned long long cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	unsigned ids[2][4]; /* Uid:, Gid: real, effective, saved, file system */
	int no_new_privs, seen;
};

static void status_line(struct status *s, const char *l)
{
	static const char *status_cap_fields[] = {
	    "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"};
	unsigned long long *cv[] = {&s->cap_inh, &s->cap_prm, &s->cap_eff, &s->cap_bnd,
				    &s->cap_amb};
	for (size_t i = 0; i < ELEMENTSOF(status_cap_fields); i++)
		if (strncmp(l, status_cap_fields[i], strlen(status_cap_fields[i])) == 0 &&
		    sscanf(l + strlen(status_cap_fields[i]), "%llx", cv[i]) == 1)
			s->seen |= 1 << i;
	for (int k = 0; k < 2; k++) {
		unsigned *id = s->ids[k];
		if (strncmp(l, k ? "Gid:" : "Uid:", 4) == 0 &&
		    sscanf(l + 4, "%u %u %u %u", &id[0], &id[1], &id[2], &id[3]) == 4)
			s->seen |= 1 << (5 + k);
	}
	if (sscanf(l, "NoNewPrivs: %d", &s->no_new_privs) == 1)
		s->seen |= 1 << 7;
}

/* Reads /proc/self/status (the kernel's own account, one read instead of a prctl per
 * capability). 0 with every field found, else -errno: the proof then fails closed. */
static int status_read(struct status *s)
{
	/* This thread's own account (capabilities are per thread), and only from a procfs. */
	_cleanup_fclose_ FILE *f = fopen("/proc/thread-self/status", "re");
	struct statfs sfs;
	char line[256];

	*s = (struct status){.no_new_privs = -1};
	if (!f)
		return negerrno();
	if (fstatfs(fileno(f), &sfs) < 0)
		return negerrno();
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return -EPROTO;
	while (fgets(line, sizeof(line), f))
		status_line(s, line);
	return s->seen == 0xff ? 0 : -EPROTO;
}

/* Every capability set empty (bounding and ambient included), every id the user's, file
 * system ids too, and no_new_privs set: the kernel's view, after the changes. */
static int verify(const struct user_creds *u)
{
	struct capsets c;
	struct status s;
	int r;

	if ((r = caps_get(&c)) < 0 || (r = status_read(&s)) < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(c.d); i++)
		if (c.d[i].effective || c.d[i].permitted || c.d[i].inheritable)
			return -EPERM;
	if (s.cap_inh || s.cap_prm || s.cap_eff || s.cap_bnd || s.cap_amb || s.no_new_privs != 1)
		return -EPERM;
	for (int i = 0; i < 4; i++)
		if (s.ids[0][i] != u->uid || s.ids[1][i] != u->gid)
			return -EPERM;
	return 0;
}

/*
 * The supplementary groups. In a user namespace with setgroups "deny" they were set before
 * it was made (sandbox.c) and no process in it can change them: check they are all there
 * (unmapped ones read as the overflow gid, so only their count can be compared).
 */
static int set_groups(const struct user_creds *u)
{
	if (!u->groups_fixed)
		return setgroups(u->ngroups, u->groups) < 0 ? negerrno() : 0;
	if (setgroups(0, NULL) == 0)
		return -EPERM; /* the namespace must refuse it */
	return getgroups(0, NULL) == u->ngroups ? 0 : -EPERM;
}

/* Empties the bounding set (while we still hold CAP_SETPCAP: exec can never regain a cap),
 * up to the running kernel's last capability (EINVAL past it), and the ambient set. */
static int drop_bounding_ambient(void)
{
	for (unsigned long c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
			if (errno == EINVAL && c > CAP_SETPCAP)
				break;
			return negerrno();
		}
	return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ? negerrno() : 0;
}

static int drop(const struct user_creds *u, const char **step)
{
	static const struct capsets no_caps;
	int r;

	*step = "refusing uid or gid 0";
	if (u->uid == 0 || u->gid == 0)
		return -EPERM; /* never "confine" as root: the drop would be a no-op */

	/* Caps must not survive the uid change below. */
	*step = "clear keepcaps";
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return negerrno();
	*step = "empty the bounding and ambient sets";
	if ((r = drop_bounding_ambient()) < 0)
		return r;
	*step = "lock the securebits";
	/* Lock root's special treatment off, so a uid-0 exec or setuid fixup grants nothing. */
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP_LOCKED |
		      SECBIT_KEEP_CAPS_LOCKED,
		  0, 0, 0) < 0)
		return negerrno();

	/* Groups first, while we may still change them; then gid, then uid (order matters). */
	*step = "set groups, gid and uid";
	if ((r = set_groups(u)) < 0)
		return r;
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return negerrno();
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return negerrno();

	/* Clear every set: the uid change cleared permitted and effective only where uid 0 is
	 * mapped (not in a user_ns session's namespace), and never inheritable. */
	*step = "clear the capability sets";
	if ((r = caps_set(&no_caps)) < 0)
		return r;

	/* Setuid/setgid bits and file caps are ignored on every later exec. */
	*step = "set no_new_privs";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return negerrno();

	/* Prove it: root cannot come back, and the kernel's account of us is the user's. */
	*step = "verify the drop";
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 || setegid(0) == 0)
		return -EPERM;
	return verify(u);
}

int privs_drop(const struct user_creds *u, struct error *err)
{
	const char *step = "start";
	int r = drop(u, &step);

	return r < 0 ? error_set_errno(err, r, "cannot drop privileges: %s", step) : 0;
}
