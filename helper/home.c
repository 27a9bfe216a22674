/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "home.h"
#include "mountapi.h"
#include "util.h"

#define SKEL_DIR       "/etc/skel"
#define SKEL_MAX_DEPTH 8

int open_dir_nofollow(int dirfd, const char *path)
{
	/* No symlink anywhere, no magic links, no crossing into /proc tricks. */
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = sys_openat2(dirfd, path, &how);
	return fd < 0 ? negerrno() : fd;
}

static int fsconfig_str(int fs, const char *key, const char *val)
{
	return sys_fsconfig(fs, FSCONFIG_SET_STRING, key, val, 0) < 0 ? negerrno() : 0;
}

/* A new tmpfs as a detached mount: size and inode limits so a user cannot eat host RAM. */
static int tmpfs_new(uint64_t size, const char *mode, uid_t uid, gid_t gid, unsigned attrs)
{
	_cleanup_close_ int fs = sys_fsopen("tmpfs", FSOPEN_CLOEXEC);
	char v[32];
	int r, m;

	if (fs < 0)
		return negerrno();
	snprintf(v, sizeof(v), "%llu", (unsigned long long)size);
	if ((r = fsconfig_str(fs, "size", v)) < 0)
		return r;
	/* One inode per KiB of space at most (and at least 1024). */
	snprintf(v, sizeof(v), "%llu",
		 (unsigned long long)(size / 1024 > 1024 ? size / 1024 : 1024));
	if ((r = fsconfig_str(fs, "nr_inodes", v)) < 0)
		return r;
	if ((r = fsconfig_str(fs, "mode", mode)) < 0)
		return r;
	snprintf(v, sizeof(v), "%u", (unsigned)uid);
	if ((r = fsconfig_str(fs, "uid", v)) < 0)
		return r;
	snprintf(v, sizeof(v), "%u", (unsigned)gid);
	if ((r = fsconfig_str(fs, "gid", v)) < 0)
		return r;
	if (sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return negerrno();
	m = sys_fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	return m < 0 ? negerrno() : m;
}

/* Overlay from directory fds; the kernel resolves /proc/self/fd/N to exactly those dirs. */
static int overlay_new(int lower, int upper, int work)
{
	_cleanup_close_ int fs = sys_fsopen("overlay", FSOPEN_CLOEXEC);
	char v[64];
	int r, m;

	if (fs < 0)
		return negerrno();
	snprintf(v, sizeof(v), "/proc/self/fd/%d", lower);
	if ((r = fsconfig_str(fs, "lowerdir", v)) < 0)
		return r;
	snprintf(v, sizeof(v), "/proc/self/fd/%d", upper);
	if ((r = fsconfig_str(fs, "upperdir", v)) < 0)
		return r;
	snprintf(v, sizeof(v), "/proc/self/fd/%d", work);
	if ((r = fsconfig_str(fs, "workdir", v)) < 0)
		return r;
	/* Never follow redirects a user could plant in an upper; no metacopy tricks. */
	if ((r = fsconfig_str(fs, "redirect_dir", "nofollow")) < 0 ||
	    (r = fsconfig_str(fs, "metacopy", "off")) < 0 || (r = fsconfig_str(fs, "index", "off")) < 0)
		return r;
	if (sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return negerrno();
	m = sys_fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	return m < 0 ? negerrno() : m;
}

/* Creates dir name below dirfd (if missing) with owner and mode, refusing anything but a dir. */
static int mkdir_owned(int dirfd, const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return negerrno();
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negerrno();
	if (fstat(fd, &st) < 0)
		return negerrno();
	if (st.st_uid != uid || st.st_gid != gid)
		if (fchown(fd, uid, gid) < 0)
			return negerrno();
	if ((st.st_mode & 07777) != mode)
		if (fchmod(fd, mode) < 0)
			return negerrno();
	return TAKE_FD(fd);
}

/* The real home, opened without following links and checked to be the user's. */
static int open_real_home(const struct home_owner *o, mode_t *ret_mode)
{
	_cleanup_close_ int fd = open_dir_nofollow(AT_FDCWD, o->path);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return negerrno();
	if (st.st_uid != o->uid)
		return -EPERM;
	*ret_mode = st.st_mode & 07777;
	return TAKE_FD(fd);
}

static int home_ephemeral(const struct confine_profile *p, const struct home_owner *o,
			  const char *staging)
{
	_cleanup_close_ int lower = -1, tmp = -1, upper = -1, work = -1;
	mode_t mode = 0; /* set when open_real_home() succeeds */
	int r;

	lower = open_real_home(o, &mode);
	if (lower < 0)
		return lower;
	/* Root-only tmpfs root: the user reaches upper only through the overlay. */
	tmp = tmpfs_new(p->home_size, "0700", 0, 0, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (tmp < 0)
		return tmp;
	upper = mkdir_owned(tmp, "upper", mode, o->uid, o->gid);
	if (upper < 0)
		return upper;
	work = mkdir_owned(tmp, "work", 0700, 0, 0);
	if (work < 0)
		return work;
	/* overlayfs clones its upper mount, which must be attached in our mount namespace. */
	if (sys_move_mount(tmp, "", AT_FDCWD, staging, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return negerrno();
	r = overlay_new(lower, upper, work);
	/* The overlay holds its own clone; the staging attachment is not needed any more. */
	if (umount2(staging, MNT_DETACH) < 0 && r >= 0) {
		close(r);
		return negerrno();
	}
	return r;
}

static int home_persistent(const struct confine_config *c, const struct home_owner *o,
			   int *ret_lock)
{
	_cleanup_close_ int lower = -1, state = -1, udir = -1, upper = -1, work = -1;
	int r;
	mode_t mode = 0; /* set when open_real_home() succeeds */

	lower = open_real_home(o, &mode);
	if (lower < 0)
		return lower;
	/* The state dir is admin-configured and root-owned all the way; create it 0700. */
	if (mkdir(c->state_dir, 0700) < 0 && errno != EEXIST)
		return negerrno();
	state = open(c->state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (state < 0)
		return negerrno();
	udir = mkdir_owned(state, o->user, 0700, 0, 0);
	if (udir < 0)
		return udir;
	/* One mounter of an upper at a time: overlayfs forbids sharing it between mounts. */
	if (flock(udir, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? -EBUSY : negerrno();
	upper = mkdir_owned(udir, "upper", mode, o->uid, o->gid);
	if (upper < 0)
		return upper;
	work = mkdir_owned(udir, "work", 0700, 0, 0);
	if (work < 0)
		return work;
	r = overlay_new(lower, upper, work);
	if (r >= 0)
		*ret_lock = TAKE_FD(udir);
	return r;
}

/* Copies /etc/skel (root's, trusted) into a fresh tmpfs, giving everything to the user. */
static int copy_skel(int from, int to, uid_t uid, gid_t gid, int depth)
{
	_cleanup_close_ int dfd = dup(from);
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (dfd < 0)
		return negerrno();
	if (depth > SKEL_MAX_DEPTH)
		return -ELOOP;
	d = fdopendir(TAKE_FD(dfd));
	if (!d)
		return negerrno();
	while (r == 0 && (errno = 0, de = readdir(d))) {
		struct stat st;
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = negerrno();
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int sub = openat(dirfd(d), de->d_name,
							 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			_cleanup_close_ int dst = mkdir_owned(to, de->d_name, st.st_mode & 0777, uid, gid);
			if (sub < 0)
				r = negerrno();
			else if (dst < 0)
				r = dst;
			else
				r = copy_skel(sub, dst, uid, gid, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			_cleanup_close_ int in = openat(dirfd(d), de->d_name,
							O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			_cleanup_close_ int out = openat(to, de->d_name,
							 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
							 st.st_mode & 0777);
			char buf[8192];
			ssize_t n;
			if (in < 0 || out < 0) {
				r = negerrno();
				break;
			}
			while ((n = read(in, buf, sizeof(buf))) > 0)
				if (write(out, buf, n) != n) {
					n = -1;
					break;
				}
			if (n < 0 || fchown(out, uid, gid) < 0)
				r = negerrno();
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
			if (n < 0) {
				r = negerrno();
				break;
			}
			target[n] = '\0';
			if (symlinkat(target, to, de->d_name) < 0 ||
			    fchownat(to, de->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
				r = negerrno();
		} /* devices, fifos, sockets in skel are skipped */
	}
	if (r == 0 && errno)
		r = negerrno();
	closedir(d);
	return r;
}

static int home_tmpfs(const struct confine_profile *p, const struct home_owner *o)
{
	_cleanup_close_ int m = -1, skel = -1, root = -1;
	int r;

	m = tmpfs_new(p->home_size, "0700", o->uid, o->gid, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (m < 0)
		return m;
	root = openat(m, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return negerrno();
	skel = open(SKEL_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (skel >= 0 && (r = copy_skel(skel, root, o->uid, o->gid, 0)) < 0)
		return r;
	return TAKE_FD(m);
}

int home_prepare(const struct confine_config *c, const struct confine_profile *p,
		 const struct home_owner *o, const char *staging, int *ret_lock_fd)
{
	*ret_lock_fd = -1;
	switch (p->home) {
	case HOME_EPHEMERAL:
		return home_ephemeral(p, o, staging);
	case HOME_PERSISTENT:
		return home_persistent(c, o, ret_lock_fd);
	case HOME_TMPFS:
		return home_tmpfs(p, o);
	}
	return -EINVAL;
}
