/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File system helpers of the setuid core that root-side code shares. */
#pragma once

#include <stddef.h>

/* Opens an existing directory without following any symlink or magic link (an O_PATH fd),
 * or -errno: for paths a user may be renaming components of meanwhile. */
int open_dir_nofollow(int dirfd, const char *path);

/* Writes, or reads, all n bytes, again after EINTR: 0, or -1 (errno set; 0 for a read at
 * end of file or a write that took nothing). */
int loop_write(int fd, const void *buf, size_t n);
int loop_read(int fd, void *buf, size_t n);

/*
 * For a long-lived supervisor once its setup is done: gives back what only setup used, so
 * that it keeps mapped only what its wait loop touches. Unmaps from this process the pages
 * of its private read-only file mappings (program and library code and constants: they
 * stay in the page cache, shared, and fault back in when touched; a mapping with a
 * copy-on-write page of its own, relocations or RELRO, is left alone) and the stack's pages
 * below the one in use. smaps_fd: this process's /proc/self/smaps opened earlier (taken,
 * closed here), for a process whose /proc may meanwhile have become another PID namespace's;
 * -1: opened here. The number of ranges dropped, or -errno.
 */
int drop_setup_pages(int smaps_fd);

/* The code a supervisor runs while it waits: grouped by the compiler and linker in one
 * place (.text.hot), so what drop_setup_pages dropped comes back as few pages. */
#define SUPERVISOR_LOOP __attribute__((hot))
