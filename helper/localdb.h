/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local account files themselves (/etc/passwd, /etc/group), not NSS: whether an account
 * or group is local, whatever order nsswitch.conf gives its sources. confinectl enroll changes
 * local accounts only (usermod/groupadd) and must never shadow a directory's group.
 */
#pragma once

#include <stdbool.h>

#include "error.h"

#define LOCALDB_PASSWD	 "/etc/passwd"
#define LOCALDB_GROUP	 "/etc/group"
#define LOCALDB_NSSWITCH "/etc/nsswitch.conf"

/* Whether the passwd- or group-format file at path has an entry named name (its first
 * field; a NIS compat line "+name" is not one): 1, 0, or -errno (err filled). */
int localdb_has(const char *path, const char *name, struct error *err);

/*
 * May enroll create the local group name (group_path: the local group file; nsswitch: the
 * NSS configuration whose group sources other than files are each asked on their own)?
 * 1: create it; 0: it is a local group already; -errno with err filled: refused, because a
 * source resolves the name to a group that is not in the file (a directory group: a local
 * one would shadow it), or a source cannot answer now (a directory that is down may hold
 * one; glibc would hide that behind a later source's "not found"). Changes this process's
 * NSS group lookup while it asks (__nss_configure_lookup) and restores nsswitch's order.
 */
int localdb_group_creatable(const char *group_path, const char *nsswitch, const char *name,
			    struct error *err);
