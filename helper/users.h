/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user database: a user's groups, and membership answered without guessing. */
#pragma once

#include <pwd.h>
#include <sys/types.h>

/* All gids of pw (primary first) into a malloc'd array; returns the count or -errno. */
int user_groups(const struct passwd *pw, gid_t **ret);

/* A user and its gids (from user_groups), for user_in_group. */
struct user_membership {
	const struct passwd *pw;
	const gid_t *gids;
	int ngids;
};

/*
 * Whether the user of data (a struct user_membership) is a member of the group named name:
 * 1 or 0, or a negative errno when the group cannot be resolved now (unknown to every
 * source, or a source failed). getgrouplist() hides a source that is down (glibc ignores its
 * status), so membership is also read from the group's own member list, and a group that
 * cannot be resolved is never taken as "not a member". Fits config's match_input.member.
 */
int user_in_group(const char *name, void *data);
