/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <grp.h>
#include <linux/securebits.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "privs.h"
#include "util.h"

/* Every capability set of this process is empty, bounding set included. */
static int caps_all_empty(void)
{
	cap_t now = cap_get_proc(), none = cap_init();
	int r = 0;

	if (!now || !none)
		r = -ENOMEM;
	else if (cap_compare(now, none) != 0)
		r = -EPERM;
	cap_free(now);
	cap_free(none);
	if (r < 0)
		return r;
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++) {
		if (cap_get_bound(c) > 0)
			return -EPERM;
		if (cap_get_ambient(c) > 0)
			return -EPERM;
	}
	return 0;
}

int privs_raise_effective(void)
{
	cap_t c = cap_get_proc();
	cap_value_t all[CAP_LAST_CAP + 1];
	int n = 0, r = 0;

	if (!c)
		return negerrno();
	for (cap_value_t v = 0; v <= CAP_LAST_CAP; v++) {
		cap_flag_value_t on = CAP_CLEAR;
		if (cap_get_flag(c, v, CAP_PERMITTED, &on) == 0 && on == CAP_SET)
			all[n++] = v;
	}
	if (cap_set_flag(c, CAP_EFFECTIVE, n, all, CAP_SET) < 0 || cap_set_proc(c) < 0)
		r = negerrno();
	cap_free(c);
	return r;
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

static int drop(const struct user_creds *u, const char **step)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	cap_t empty;
	int r;

	*step = "refusing uid or gid 0";
	if (u->uid == 0 || u->gid == 0)
		return -EPERM; /* never "confine" as root: the drop would be a no-op */

	/* Caps must not survive the uid change below. */
	*step = "clear keepcaps";
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return negerrno();
	*step = "empty the bounding and ambient sets";
	/* Empty the bounding set while we still hold CAP_SETPCAP: exec can never regain a cap. */
	/* The running kernel's count, which may exceed the one we were compiled against. */
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++)
		if (cap_drop_bound(c) < 0 && errno != EINVAL)
			return negerrno();
	if (cap_reset_ambient() < 0)
		return negerrno();
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

	/* The uid change cleared the permitted/effective sets; clear inheritable too. */
	*step = "clear the capability sets";
	empty = cap_init();
	if (!empty)
		return -ENOMEM;
	if (cap_set_proc(empty) < 0) {
		cap_free(empty);
		return negerrno();
	}
	cap_free(empty);

	/* Setuid/setgid bits and file caps are ignored on every later exec. */
	*step = "set no_new_privs";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return negerrno();

	/* Prove it: root cannot come back and every id is the user's. */
	*step = "verify the drop";
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 || setegid(0) == 0)
		return -EPERM;
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return negerrno();
	if (ru != u->uid || eu != u->uid || su != u->uid || rg != u->gid || eg != u->gid ||
	    sg != u->gid)
		return -EPERM;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return -EPERM;
	return caps_all_empty();
}

int privs_drop(const struct user_creds *u, struct error *err)
{
	const char *step = "start";
	int r = drop(u, &step);

	return r < 0 ? error_set_errno(err, r, "cannot drop privileges: %s", step) : 0;
}
