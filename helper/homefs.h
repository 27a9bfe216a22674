/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file system a real home is on (statfs's f_type) and whether a profile's home mode can
 * serve it: an overlay's lower is read by root (the helper), which a network file system
 * squashes (NFS root_squash, Kerberos, CIFS, FUSE's allow_other): such a login would fail
 * half-way, so it is refused with the alternatives instead.
 */
#pragma once

#include <stdbool.h>

#include "config.h"

/* "ext4", "nfs", ... or NULL when the magic is not one this table knows. */
const char *homefs_name(unsigned long magic);

/* A network or FUSE file system: root on this host may not read what the user can. */
bool homefs_is_remote(unsigned long magic);

enum homefs_verdict {
	HOMEFS_OK,
	HOMEFS_CAUTION, /* works only under conditions the host cannot see (*why says which) */
	HOMEFS_CANNOT,	/* refused at session open (*why says what to use instead) */
};

/* Whether home mode m can serve a real home on file system magic; *why explains anything
 * but HOMEFS_OK (static text). */
enum homefs_verdict homefs_serves(enum home_mode m, unsigned long magic, const char **why);
