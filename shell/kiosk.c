/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host objects of a graphical session, opened by fd and bound into the sandbox (kiosk.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kiosk.h"
#include "log.h"
#include "mountapi.h"
#include "util.h"

#define DRM_MAJOR 226

/* A Wayland display name as Cage gives it ("wayland-0"): a plain file name, no path. */
static bool display_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n < 64 && s[0] != '.' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/*
 * The checked inode fd as a detached bind mount, read-only, nosuid, nodev (a render node
 * keeps dev: it is one), noexec; added to b with its target inside. The clone is of the fd
 * itself: the user cannot swap the object between our check and the bind.
 */
static int add_bind(struct kiosk_binds *b, int fd, bool dev, const char *target, struct error *err)
{
	struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					   MOUNT_ATTR_NOEXEC | (dev ? 0 : MOUNT_ATTR_NODEV)};
	int m;

	if (b->n >= KIOSK_BINDS_MAX)
		return error_set(err, -E2BIG, "too many objects to bind for %s", target);
	m = sys_open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (m < 0)
		return error_set_errno(err, negerrno(), "cannot clone %s", target);
	if (sys_mount_setattr(m, "", AT_EMPTY_PATH, &a) < 0) {
		int r = negerrno();
		close(m);
		return error_set_errno(err, r, "cannot make %s read-only", target);
	}
	b->v[b->n].fd = m;
	snprintf(b->v[b->n].target, sizeof(b->v[b->n].target), "%s", target);
	b->n++;
	return 0;
}

/*
 * NAME in the user's runtime dir (dirfd): a socket the user owns, opened without following
 * links (O_PATH: nothing is connected here). -ENOENT when absent, for the caller to judge.
 */
static int add_socket(struct kiosk_binds *b, int dirfd, uid_t uid, const char *name,
		      struct error *err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	char target[96];
	struct stat st;

	if (fd < 0)
		return error_set_errno(err, negerrno(), "cannot open /run/user/%u/%s",
				       (unsigned)uid, name);
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode) || st.st_uid != uid)
		return error_set(err, -EPERM, "/run/user/%u/%s is not a socket of uid %u",
				 (unsigned)uid, name, (unsigned)uid);
	snprintf(target, sizeof(target), "/run/user/%u/%s", (unsigned)uid, name);
	return add_bind(b, fd, false, target, err);
}

/* Every /dev/dri/renderD* node (a DRM character device): render only, never card* (modesetting
 * is the compositor's) nor the rest of /dev. None is not an error: software rendering. */
static int add_render_nodes(struct kiosk_binds *b, struct error *err)
{
	_cleanup_close_ int dfd = open("/dev/dri", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *e;
	int r = 0;

	if (dfd < 0 || !(d = fdopendir(dfd)))
		return 0;
	dfd = -1; /* the DIR owns it */
	while (r == 0 && (e = readdir(d))) {
		char target[96];
		struct stat st;
		int fd;

		if (strncmp(e->d_name, "renderD", 7) != 0 || strlen(e->d_name) > 16 ||
		    strspn(e->d_name + 7, "0123456789") != strlen(e->d_name + 7))
			continue;
		fd = openat(dirfd(d), e->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		snprintf(target, sizeof(target), "/dev/dri/%.16s", e->d_name);
		if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == DRM_MAJOR)
			r = add_bind(b, fd, true, target, err);
		close(fd);
	}
	closedir(d);
	return r;
}

int kiosk_binds_open(struct kiosk_binds *b, uid_t uid, const char *wayland_display, bool gpu,
		     bool audio, struct error *err)
{
	_cleanup_close_ int run_user = -1, dirfd = -1;
	char name[16];
	struct stat st;
	int r;

	*b = (struct kiosk_binds){0};
	if (!display_name_ok(wayland_display))
		return error_set(err, -EINVAL,
				 "WAYLAND_DISPLAY is %s%s%s: a graphical session runs under its "
				 "compositor (Cage), which names its socket (like wayland-0)",
				 wayland_display ? "'" : "",
				 wayland_display ? wayland_display : "unset",
				 wayland_display ? "'" : "");
	/* The runtime dir pam_systemd made: /run/user is root's, UID below it the user's. */
	snprintf(name, sizeof(name), "%u", (unsigned)uid);
	if ((run_user = open("/run/user", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    (dirfd = openat(run_user, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return error_set_errno(err, negerrno(), "cannot open /run/user/%s", name);
	if (fstat(dirfd, &st) < 0 || st.st_uid != uid)
		return error_set(err, -EPERM, "/run/user/%s is not the runtime dir of uid %s", name,
				 name);
	snprintf(b->runtime_env, sizeof(b->runtime_env), "XDG_RUNTIME_DIR=/run/user/%s", name);
	snprintf(b->wayland_env, sizeof(b->wayland_env), "WAYLAND_DISPLAY=%s", wayland_display);
	if ((r = add_socket(b, dirfd, uid, wayland_display, err)) < 0)
		return r;
	if (audio && (r = add_socket(b, dirfd, uid, "pipewire-0", err)) < 0) {
		if (r != -ENOENT)
			return r;
		log_msg(LOG_WARNING,
			"audio = true but /run/user/%s/pipewire-0 does not exist "
			"(PipeWire not running): no sound in this session",
			name);
	}
	return gpu ? add_render_nodes(b, err) : 0;
}

void kiosk_binds_close(struct kiosk_binds *b)
{
	for (size_t i = 0; i < b->n; i++)
		closep(&b->v[i].fd);
	b->n = 0;
}

/* An empty file (or the directory /dev/dri) to mount on: made here, in the sandbox's tmpfs. */
static int make_mountpoint(const char *target)
{
	_cleanup_close_ int fd = -1;

	if (strncmp(target, "/dev/dri/", 9) == 0 && mkdir("/dev/dri", 0755) < 0 && errno != EEXIST)
		return negerrno();
	fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	return fd < 0 ? negerrno() : 0;
}

int kiosk_binds_place(const struct kiosk_binds *b, const char *prefix, struct error *err)
{
	int r;

	for (size_t i = 0; b && i < b->n; i++) {
		const char *t = b->v[i].target;
		if (strncmp(t, prefix, strlen(prefix)) != 0)
			continue;
		if ((r = make_mountpoint(t)) < 0)
			return error_set_errno(err, r, "cannot create %s", t);
		/* The one checked inode, moved onto its place (our namespace only). */
		if (sys_move_mount(b->v[i].fd, "", AT_FDCWD, t, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return error_set_errno(err, negerrno(), "cannot bind %s", t);
	}
	return 0;
}
