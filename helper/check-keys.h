/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confinectl check: key lines that have sshd serve a confined account's sftp itself. */
#pragma once

#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>

/* Whether an authorized_keys line has a command="internal-sftp" option (as sshd reads it:
 * the option name in any case, the command followed by a blank or the end). */
bool key_line_internal_sftp(const char *line);

/*
 * Reads, with pw's file system ids (as sshd reads them), the files of files (sshd -T's
 * AuthorizedKeysFile value: %h, %u, %U and %% expanded, relative to the home) and prints a
 * line starting with prefix for each key line with command="internal-sftp". Returns how
 * many, or -1 when they could not be read (said).
 */
int keys_audit(const struct passwd *pw, const char *files, const char *prefix, FILE *out);
