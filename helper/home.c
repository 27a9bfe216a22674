/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/utsname.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "cgroup.h"
#include "home-bind.h"
#include "home-image.h"
#include "homefs.h"
#include "fs.h"
#include "home.h"
#include "mountapi.h"
#include "units.h"
#include "util.h"

#define SKEL_DIR       "/etc/skel"
#define SKEL_MAX_DEPTH 8

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
	    (r = fsconfig_str(fs, "metacopy", "off")) < 0 ||
	    (r = fsconfig_str(fs, "index", "off")) < 0 ||
	    /* The lower (the real home) changes between sessions, possibly on another file
	     * system (a network home): no inode numbers composed across layers. */
	    (r = fsconfig_str(fs, "xino", "off")) < 0)
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

/* Linux 6.15 or later: an overlay takes an upper on a detached mount (6.18 does, 6.1 fails
 * with EINVAL and a kernel log line, so older ones are not asked). */
static bool detached_upper_ok(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	return uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
	       (major > 6 || (major == 6 && minor >= 15));
}

/*
 * The overlay over lower with upper and work on the file system mnt. overlayfs clones its
 * upper mount: kernels from 6.15 accept a detached one; older ones want it attached in our
 * mount namespace (EINVAL otherwise), so there mnt is attached at staging while the overlay
 * is created, then detached again unless stays (see home_owner.stage_stays); the overlay
 * keeps its own private clone either way.
 */
static int overlay_staged(int mnt, const char *staging, bool stays, int lower, int upper, int work)
{
	int r;

	/* EINVAL: this kernel wants the upper attached after all (a backport's refusal). */
	if (detached_upper_ok() && (r = overlay_new(lower, upper, work)) != -EINVAL)
		return r;
	if (sys_move_mount(mnt, "", AT_FDCWD, staging, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return negerrno();
	r = overlay_new(lower, upper, work);
	if (!stays && umount2(staging, MNT_DETACH) < 0 && r >= 0) {
		close(r);
		return negerrno();
	}
	return r;
}

/* An ephemeral overlay's lower on a network or FUSE file system is refused with the
 * alternatives (the server may squash root, who reads the lower): never a half-working
 * session, never a bare "System error". Asked by path before anything is opened as root,
 * then again on the opened lower (the path may have changed in between). */
static int lower_fs_refuse(const struct confine_profile *p, unsigned long magic, const char *path,
			   struct error *err)
{
	const char *why, *fs = homefs_name(magic);

	if (homefs_serves(p->home, magic, &why) != HOMEFS_CANNOT)
		return 0;
	return error_set(err, -EREMOTE,
			 "the home %s is on %s, and profile %s has home = \"%s\": %s", path,
			 fs ? fs : "a network file system", p->name, "ephemeral", why);
}

static int overlay_lower_ok(const struct confine_profile *p, const char *path, struct error *err)
{
	struct statfs sf;

	if (statfs(path, &sf) < 0)
		return 0; /* said by the open that follows */
	return lower_fs_refuse(p, (unsigned long)sf.f_type, path, err);
}

static int overlay_lower_ok_fd(const struct confine_profile *p, int fd, const char *path,
			       struct error *err)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) < 0)
		return error_set_errno(err, negerrno(), "cannot statfs %s", path);
	return lower_fs_refuse(p, (unsigned long)sf.f_type, path, err);
}

static int home_ephemeral(const struct confine_profile *p, const struct home_owner *o,
			  const char *staging, struct error *err)
{
	_cleanup_close_ int lower = -1, tmp = -1, upper = -1, work = -1;
	mode_t mode = 0; /* set when open_real_home() succeeds */
	int r;

	if ((r = overlay_lower_ok(p, o->path, err)) < 0)
		return r;
	lower = open_real_home(o, &mode);
	if (lower < 0)
		return error_set_errno(err, lower, "cannot open %s", o->path);
	if ((r = overlay_lower_ok_fd(p, lower, o->path, err)) < 0)
		return r;
	/* Root-only tmpfs root: the user reaches upper only through the overlay. */
	tmp = tmpfs_new(p->home_size, "0700", 0, 0, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (tmp < 0)
		return error_set_errno(err, tmp, "cannot mount a tmpfs for the home's changes");
	upper = mkdir_owned(tmp, "upper", mode, o->uid, o->gid);
	if (upper < 0)
		return error_set_errno(err, upper, "cannot create the home's upper directory");
	work = mkdir_owned(tmp, "work", 0700, 0, 0);
	if (work < 0)
		return error_set_errno(err, work, "cannot create the overlay's work directory");
	if ((r = overlay_staged(tmp, staging, o->stage_stays, lower, upper, work)) < 0)
		return error_set_errno(err, r, "cannot mount the overlay over %s", o->path);
	return r;
}

/*
 * state_dir/<user>/ (root's, 0700; state_dir made 0700 if missing), as a file description
 * of its own (its own flock); its path into where.
 */
static int open_user_state(const struct confine_config *c, const struct home_owner *o, char *where,
			   size_t len)
{
	_cleanup_close_ int state = -1;
	int fd;

	snprintf(where, len, "%s/%s", c->state_dir, o->user);
	if (o->state_fd >= 0) {
		fd = openat(o->state_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? negerrno() : fd;
	}
	if (mkdir(c->state_dir, 0700) < 0 && errno != EEXIST)
		return negerrno();
	state = open(c->state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (state < 0)
		return negerrno();
	return mkdir_owned(state, o->user, 0700, 0, 0);
}

/*
 * The user's state directory, locked: one mounter of a persistent home at a time (two
 * mounts of one ext4 image, or overlays sharing an upper, would corrupt it).
 */
static int lock_user_state(const struct confine_config *c, const struct home_owner *o, char *where,
			   size_t len, struct error *err)
{
	_cleanup_close_ int udir = open_user_state(c, o, where, len);

	if (udir < 0)
		return error_set_errno(err, udir, "cannot create %s", where);
	if (flock(udir, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK)
			return error_set_errno(err, negerrno(), "cannot lock %s", where);
		return error_set(err, -EBUSY, "the persistent home is in use by another session");
	}
	return TAKE_FD(udir);
}

int home_persistent_ensure(const struct confine_config *c, const struct confine_profile *p,
			   const struct home_owner *o, int *ret_state_fd, struct error *err)
{
	_cleanup_close_ int udir = -1, img = -1, unlocked = -1;
	char where[PATH_MAX];
	uint64_t blocks;
	unsigned bsize;

	*ret_state_fd = -1;
	if (p->home != HOME_PERSISTENT)
		return 0;
	udir = lock_user_state(c, o, where, sizeof(where), err);
	if (udir < 0)
		return udir;
	img = image_open(udir, where, p->home_size, true, &blocks, &bsize, err);
	if (img < 0)
		return img;
	/* A file description of its own: the lock goes with udir's. */
	unlocked = openat(udir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (unlocked < 0)
		return error_set_errno(err, negerrno(), "cannot open %s", where);
	*ret_state_fd = TAKE_FD(unlocked);
	return 0;
}

int home_io_limits_hold(const struct confine_profile *p, const char *where, bool dio,
			struct error *err)
{
	char io[32], img[32];

	if (dio || !profile_has_io(p) || cgroup_io_device(p->io_path, io, sizeof(io)) < 0 ||
	    cgroup_io_device(where, img, sizeof(img)) < 0 || !streq(io, img))
		return 0;
	return error_set(
	    err, -ENOTSUP,
	    "the io limits on %s (io_path %s) would not hold for writes into the home: "
	    "the loop device cannot do direct I/O on %s/" HOME_IMAGE,
	    io, p->io_path, where);
}

/* The image's ext4 file system, mounted detached, grown to home_size, root dir root's. */
static int persistent_fs(const struct confine_profile *p, int udir, const char *where,
			 struct error *err)
{
	_cleanup_close_ int img = -1, loop = -1, fs = -1, root = -1;
	uint64_t blocks = 0;
	unsigned bsize = 4096;
	bool dio = false;
	int r;

	img = image_open(udir, where, p->home_size, false, &blocks, &bsize, err);
	if (img < 0)
		return img;
	/* Attached already: a mount of it outlived its session; a second would corrupt it. */
	if ((r = image_attached(img)) >= 0)
		return error_set(err, -EBUSY,
				 "%s/" HOME_IMAGE " is still in use (attached to /dev/loop%d)",
				 where, r);
	if ((loop = image_attach(img, &dio)) < 0)
		return error_set_errno(err, loop,
				       "cannot attach %s/" HOME_IMAGE " to a loop device", where);
	if ((r = home_io_limits_hold(p, where, dio, err)) < 0)
		return r;
	/* The kernel replays the journal of a home whose host crashed. */
	if ((fs = image_mount(loop)) < 0)
		return error_set_errno(
		    err, fs, "cannot mount %s/" HOME_IMAGE " (check it with e2fsck -f)", where);
	if (blocks < p->home_size / bsize && (r = image_grow_fs(fs, p->home_size / bsize)) < 0)
		return error_set_errno(err, r, "cannot grow the file system of %s/" HOME_IMAGE,
				       where);
	root = openat(fs, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0 || fchown(root, 0, 0) < 0 || fchmod(root, 0700) < 0)
		return error_set_errno(err, negerrno(),
				       "cannot make the root of %s/" HOME_IMAGE " root's", where);
	return TAKE_FD(fs);
}

static int home_persistent(const struct confine_config *c, const struct confine_profile *p,
			   const struct home_owner *o, const char *staging, int *ret_lock,
			   struct error *err)
{
	_cleanup_close_ int lower = -1, udir = -1, fs = -1, upper = -1, work = -1;
	char where[PATH_MAX];
	mode_t mode = 0; /* set when open_real_home() succeeds */
	int r;

	lower = open_real_home(o, &mode);
	if (lower < 0)
		return error_set_errno(err, lower, "cannot open %s", o->path);
	udir = lock_user_state(c, o, where, sizeof(where), err);
	if (udir < 0)
		return udir;
	fs = persistent_fs(p, udir, where, err);
	if (fs < 0)
		return fs;
	/* Root-only image root: the user reaches upper only through the overlay. */
	upper = mkdir_owned(fs, "upper", mode, o->uid, o->gid);
	if (upper < 0)
		return error_set_errno(
		    err, upper, "cannot create the upper directory in %s/" HOME_IMAGE, where);
	work = mkdir_owned(fs, "work", 0700, 0, 0);
	if (work < 0)
		return error_set_errno(err, work,
				       "cannot create the work directory in %s/" HOME_IMAGE, where);
	r = overlay_staged(fs, staging, false, lower, upper, work);
	if (r < 0)
		return error_set_errno(err, r, "cannot mount the overlay over %s", o->path);
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
			_cleanup_close_ int sub = openat(
			    dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			_cleanup_close_ int dst =
			    mkdir_owned(to, de->d_name, st.st_mode & 0777, uid, gid);
			if (sub < 0)
				r = negerrno();
			else if (dst < 0)
				r = dst;
			else
				r = copy_skel(sub, dst, uid, gid, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			_cleanup_close_ int in =
			    openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			_cleanup_close_ int out = openat(
			    to, de->d_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
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

static int home_tmpfs(const struct confine_profile *p, const struct home_owner *o,
		      struct error *err)
{
	_cleanup_close_ int m = -1, skel = -1, root = -1;
	int r;

	m = tmpfs_new(p->home_size, "0700", o->uid, o->gid, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (m < 0)
		return error_set_errno(err, m, "cannot mount a tmpfs for the home");
	root = openat(m, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return error_set_errno(err, negerrno(), "cannot open the home's tmpfs");
	skel = open(SKEL_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (skel >= 0 && (r = copy_skel(skel, root, o->uid, o->gid, 0)) < 0)
		return error_set_errno(err, r, "cannot copy " SKEL_DIR " into the home");
	return TAKE_FD(m);
}

int home_prepare(const struct confine_config *c, const struct confine_profile *p,
		 const struct home_owner *o, const char *staging, int *ret_lock_fd,
		 struct error *err)
{
	*ret_lock_fd = -1;
	switch (p->home) {
	case HOME_EPHEMERAL:
		return home_ephemeral(p, o, staging, err);
	case HOME_PERSISTENT:
		return home_persistent(c, p, o, staging, ret_lock_fd, err);
	case HOME_TMPFS:
		return home_tmpfs(p, o, err);
	case HOME_BIND:
		return home_bind(o, err);
	}
	return error_set(err, -EINVAL, "profile %s: unknown home kind %d", p->name, (int)p->home);
}

/* Warns about one user's persistent home in state_dir that logins would refuse. */
static int check_user_state(const struct confine_config *c, int udir, const char *user, FILE *out)
{
	char a[32], b[32];
	struct stat st;
	int n = 0;

	if (fstatat(udir, HOME_IMAGE, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (fstatat(udir, HOME_LEGACY_DIR, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return 0;
		fprintf(out,
			"# warning: %s/%s/" HOME_LEGACY_DIR " is a persistent home of an older "
			"confine, without a size limit: logins of %s with a persistent profile are "
			"refused until it is migrated (confine.conf(5), MIGRATION)\n",
			c->state_dir, user, user);
		return 1;
	}
	for (unsigned i = 0; i < c->n_profiles; i++) {
		const struct confine_profile *p = &c->profiles[i];
		if (p->home != HOME_PERSISTENT ||
		    image_plan((uint64_t)st.st_size, p->home_size) != IMAGE_SHRINK)
			continue;
		fprintf(out,
			"# warning: profile %s: home_size %s is smaller than %s/%s/" HOME_IMAGE
			" (%s): logins of %s with this profile are refused (a home is never "
			"shrunk)\n",
			p->name, format_size(p->home_size, a, sizeof(a)), c->state_dir, user,
			format_size((uint64_t)st.st_size, b, sizeof(b)), user);
		n++;
	}
	return n;
}

int home_check_state(const struct confine_config *c, FILE *out)
{
	DIR *d = opendir(c->state_dir);
	struct dirent *de;
	int n = 0;

	if (!d) {
		if (errno != ENOENT)
			fprintf(out, "# state_dir %s: cannot look at the persistent homes: %s\n",
				c->state_dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_close_ int u =
		    openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (u >= 0)
			n += check_user_state(c, u, de->d_name, out);
	}
	closedir(d);
	return n;
}
