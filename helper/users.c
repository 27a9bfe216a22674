/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>

#include "users.h"
#include "util.h"

int user_groups(const struct passwd *pw, gid_t **ret)
{
	int n = 64;

	/* getgrouplist says how many there are when the first guess was too small. */
	for (int attempt = 0; attempt < 2; attempt++) {
		_cleanup_free_ gid_t *g = calloc(n, sizeof(gid_t));
		if (!g)
			return -ENOMEM;
		if (getgrouplist(pw->pw_name, pw->pw_gid, g, &n) >= 0) {
			*ret = TAKE_PTR(g);
			return n;
		}
	}
	return -ENOENT;
}

/* getgrnam_r with a buffer that grows to fit; 0 with *ret NULL when no source knows name. */
static int group_lookup(const char *name, struct group *gr, char **buf, struct group **ret)
{
	size_t len = 4096;

	for (;;) {
		char *b = realloc(*buf, len);
		if (!b)
			return -ENOMEM;
		*buf = b;
		int r = getgrnam_r(name, gr, b, len, ret);
		if (r != ERANGE)
			return -r;
		if (len >= (1u << 24))
			return -ERANGE;
		len *= 2;
	}
}

int user_in_group(const char *name, void *data)
{
	const struct user_membership *u = data;
	_cleanup_free_ char *buf = NULL;
	struct group gr, *res = NULL;
	int r = group_lookup(name, &gr, &buf, &res);

	if (r < 0)
		return r; /* a source failed: cannot tell */
	if (!res)
		return -ENOENT; /* maybe a directory group whose directory is unreachable */
	if (gr.gr_gid == u->pw->pw_gid)
		return 1;
	for (int i = 0; i < u->ngids; i++)
		if (u->gids[i] == gr.gr_gid)
			return 1;
	for (char **m = gr.gr_mem; m && *m; m++)
		if (streq(*m, u->pw->pw_name))
			return 1;
	return 0;
}
