/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A graphical (kiosk) session's way to its compositor: the host objects a program under Cage
 * needs, each a detached bind mount of exactly one checked inode, placed into the sandbox's
 * fresh /run/user/UID and /dev. Nothing else of the host's runtime dir or /dev comes in.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define KIOSK_BINDS_MAX 10 /* the Wayland socket, PipeWire's, up to 8 render nodes */

/* One object to place: a detached mount (open_tree clone) and where it goes inside. */
struct kiosk_bind {
	int fd;
	char target[96]; /* absolute: /run/user/UID/NAME or /dev/dri/renderDN */
};

struct kiosk_binds {
	struct kiosk_bind v[KIOSK_BINDS_MAX];
	size_t n;
	char wayland_env[96]; /* "WAYLAND_DISPLAY=NAME" for the program's environment */
	char runtime_env[48]; /* "XDG_RUNTIME_DIR=/run/user/UID" */
};

/*
 * Opens, as root and by fd, what a graphical session gets: the socket named by the caller's
 * WAYLAND_DISPLAY (a plain name) in /run/user/UID (required), with audio PipeWire's socket
 * there (if it exists), with gpu the host's /dev/dri/renderD* nodes. Each must be of the
 * right type, and the sockets and the runtime dir owned by uid. Returns 0 or -errno with
 * err filled; b->n objects opened either way (close them with kiosk_binds_close).
 */
int kiosk_binds_open(struct kiosk_binds *b, uid_t uid, const char *wayland_display, bool gpu,
		     bool audio, struct error *err);
void kiosk_binds_close(struct kiosk_binds *b);

/*
 * Called in the sandbox's PID 1, as root, in its private mount namespace: places each bind
 * whose target starts with prefix ("/dev/" while /dev is still writable, "/run/" once
 * /run/user/UID exists) on a fresh empty file. Returns 0 or -errno with err filled.
 */
int kiosk_binds_place(const struct kiosk_binds *b, const char *prefix, struct error *err);
