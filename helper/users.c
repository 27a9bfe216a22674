/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <grp.h>

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
