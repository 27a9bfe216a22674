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

/* A user's passwd entry (name, ids, home; the other strings ""), looked up in a child
 * process by user_lookup_start() and user_lookup_passwd(). */
struct user_info {
	struct passwd pw;
	char name[256], dir[4096];
};

/*
 * getpwnam(name) and user_groups() in a forked child that hands the answers back over a pipe
 * and exits: the NSS modules (libnss_systemd and the libm it pulls in, ~400 kB) are loaded
 * there and never mapped into the caller, a supervisor that stays for the whole session.
 * The lookup itself is the same, done now: nothing is cached. user_lookup_start() forks
 * (the caller may work meanwhile: the config parse overlaps the lookup); 0 or -errno.
 * The child answers in two parts, the passwd entry as soon as it has it, then the groups:
 * user_lookup_passwd() takes the first (0, -ENOENT for no such user, or another negative
 * errno), user_lookup_groups() the second (0 with *ret malloc'd,
 * *ret_n of them, or -EIO when they cannot be read, or another negative errno), from any
 * process that holds l (confinectl run: the sandbox's PID 1, just before it needs them),
 * and user_lookup_end() closes the pipe and reaps the child, SIGKILLed first in case it
 * still blocks writing (call it after every successful start, once its answers are read or
 * no longer wanted; again is a no-op).
 */
struct user_lookup {
	int fd;
	pid_t pid;
};
int user_lookup_start(const char *name, struct user_lookup *l);
int user_lookup_passwd(struct user_lookup *l, struct user_info *u);
int user_lookup_groups(struct user_lookup *l, gid_t **ret, int *ret_n);
void user_lookup_end(struct user_lookup *l);
