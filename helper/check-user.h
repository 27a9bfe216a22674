/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl check --user: what a login of one user would get, without logging in. */
#pragma once

#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>

#include "config.h"

#define CHECK_USER_PROBLEM 3 /* as confinectl check: the login would be refused or fail */
#define CHECK_USER_NO_USER 2 /* no such user */

/*
 * Prints to out what a login of user through PAM service service would get: its groups and
 * whether every rule group resolves, its passwd shell, the rule and profile that match (or
 * "not confined", or "refused: why"), the home's path and file system, and whether the
 * profile's home mode can serve it. Returns 0, CHECK_USER_PROBLEM or CHECK_USER_NO_USER.
 */
int check_user(const struct confine_config *c, const char *user, const char *service, FILE *out);

/* Whether a login of pw through service would be confined: its shell is confine-shell, a rule
 * matches it (without rhost and tty) and the rule's profile allows the service. */
bool user_confined(const struct confine_config *c, const struct passwd *pw, const char *service);
