/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user database: a user's groups. */
#pragma once

#include <pwd.h>
#include <sys/types.h>

/* All gids of pw (primary first) into a malloc'd array; returns the count or -errno. */
int user_groups(const struct passwd *pw, gid_t **ret);
