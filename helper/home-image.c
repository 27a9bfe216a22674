/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "home-image.h"
#include "mountapi.h"
#include "units.h"
#include "util.h"

#define EXT4_SB_OFFSET	    1024
#define EXT4_SB_MAGIC	    0xEF53
#define EXT4_INCOMPAT_64BIT 0x80
#define EXT4_IOC_RESIZE_FS  _IOW('f', 16, uint64_t) /* not in the uapi headers */
#define LOOP_MAJOR	    7
#define ATTACH_TRIES	    16

enum image_plan image_plan(uint64_t file_size, uint64_t want)
{
	if (file_size > want)
		return IMAGE_SHRINK;
	return file_size < want ? IMAGE_GROW : IMAGE_KEEP;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int ext4_sb_geometry(const unsigned char *buf, size_t len, uint64_t *ret_blocks,
		     unsigned *ret_bsize)
{
	const unsigned char *sb = buf + EXT4_SB_OFFSET;
	uint64_t blocks;
	uint32_t log;

	if (len < EXT4_SB_OFFSET + 1024 || (sb[0x38] | sb[0x39] << 8) != EXT4_SB_MAGIC)
		return -EINVAL;
	log = le32(sb + 0x18); /* block size = 1024 << log; ext4 allows up to 64 KiB */
	if (log > 6)
		return -EINVAL;
	blocks = le32(sb + 0x4);
	if (le32(sb + 0x60) & EXT4_INCOMPAT_64BIT)
		blocks |= (uint64_t)le32(sb + 0x150) << 32;
	if (blocks == 0)
		return -EINVAL;
	*ret_blocks = blocks;
	*ret_bsize = 1024U << log;
	return 0;
}

/* Reads the image's superblock (the fd may be O_DIRECT: an aligned, whole-page read). */
static int image_geometry(int fd, uint64_t *ret_blocks, unsigned *ret_bsize)
{
	static unsigned char buf[4096] __attribute__((aligned(4096)));
	ssize_t n = pread(fd, buf, sizeof(buf), 0);

	if (n < 0)
		return negerrno();
	return ext4_sb_geometry(buf, (size_t)n, ret_blocks, ret_bsize);
}

/*
 * mkfs.ext4 on the image, by its fixed path, with an empty environment and the image as
 * its fd 3: 4 KiB blocks, an inode per 16 KiB, no blocks reserved for root (the overlay
 * writes as its mounter, root: a reserve would only be the user's), root-owned root dir.
 */
static int run_mkfs(int fd, struct error *err)
{
	char *const argv[] = {"mkfs.ext4",	 "-q", "-b", "4096", "-i",
			      "16384",		 "-m", "0",  "-E",   "root_owner=0:0",
			      "/proc/self/fd/3", NULL};
	char *const envp[] = {NULL};
	char out[256] = "";
	int pipefd[2], st;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return error_set_errno(err, negerrno(), "cannot run " MKFS_EXT4);
	pid = fork();
	if (pid < 0) {
		int r = error_set_errno(err, negerrno(), "cannot run " MKFS_EXT4);
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		/* dup2 onto itself keeps close-on-exec: clear it by hand then. */
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(pipefd[1], 2) < 0 ||
		    (fd == 3 ? fcntl(3, F_SETFD, 0) : dup2(fd, 3)) < 0)
			_exit(127);
		(void)syscall(SYS_close_range, 4, ~0U, 0);
		execve(MKFS_EXT4, argv, envp);
		_exit(127);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], out + used, sizeof(out) - 1 - used)) > 0 ||
	       (n < 0 && errno == EINTR))
		used += n > 0 ? (size_t)n : 0;
	out[used] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return error_set_errno(err, negerrno(), "cannot wait for " MKFS_EXT4);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	out[strcspn(out, "\n")] = '\0';
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127 && !out[0])
		return error_set(err, -EIO, "cannot run " MKFS_EXT4 " (install e2fsprogs)");
	return error_set(err, -EIO, MKFS_EXT4 " failed (%s %d)%s%s",
			 WIFEXITED(st) ? "exit status" : "signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), out[0] ? ": " : "", out);
}

int image_create(int udir, uint64_t size, struct error *err)
{
	_cleanup_close_ int fd = -1;
	int r;

	/* A leftover of a creation that was cut short: it never held anybody's files. */
	if (unlinkat(udir, HOME_IMAGE_NEW, 0) < 0 && errno != ENOENT)
		goto fail;
	fd = openat(udir, HOME_IMAGE_NEW, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	/* Sparse: the image takes space of state_dir's file system as the home fills. */
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		goto fail;
	if ((r = run_mkfs(fd, err)) < 0) {
		(void)unlinkat(udir, HOME_IMAGE_NEW, 0);
		return r;
	}
	/* Durable before it has a name; never replaces an image that is there. */
	if (fsync(fd) < 0 ||
	    renameat2(udir, HOME_IMAGE_NEW, udir, HOME_IMAGE, RENAME_NOREPLACE) < 0 ||
	    fsync(udir) < 0)
		goto fail;
	return 0;
fail:
	r = error_set_errno(err, negerrno(), "cannot create %s", HOME_IMAGE);
	(void)unlinkat(udir, HOME_IMAGE_NEW, 0);
	return r;
}

/* Opens udir/home.img read-write, O_DIRECT where its file system can (see image_attach). */
static int open_image_file(int udir)
{
	int fd = openat(udir, HOME_IMAGE, O_RDWR | O_DIRECT | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == EINVAL)
		fd = openat(udir, HOME_IMAGE, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? negerrno() : fd;
}

/* A missing image: made now (create), or refused, keeping an older layout's upper. */
static int image_missing(int udir, const char *where, uint64_t want, bool create, struct error *err)
{
	struct stat st;

	if (fstatat(udir, HOME_LEGACY_DIR, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return error_set(
		    err, -EEXIST,
		    "%s/" HOME_LEGACY_DIR " is a persistent home of an older confine, without a "
		    "size limit: migrate it into %s/" HOME_IMAGE " (confine.conf(5), MIGRATION)",
		    where, where);
	if (!create)
		return error_set(err, -ENOENT, "%s/" HOME_IMAGE " does not exist", where);
	return image_create(udir, want, err);
}

int image_open(int udir, const char *where, uint64_t want, bool create, uint64_t *ret_fs_blocks,
	       unsigned *ret_bsize, struct error *err)
{
	_cleanup_close_ int fd = open_image_file(udir);
	char a[32], b[32];
	struct stat st;
	int r;

	if (fd == -ENOENT) {
		if ((r = image_missing(udir, where, want, create, err)) < 0)
			return r;
		fd = open_image_file(udir);
	}
	if (fd < 0 || fstat(fd, &st) < 0)
		return error_set_errno(err, fd < 0 ? fd : negerrno(), "cannot open %s/" HOME_IMAGE,
				       where);
	/* Only what we made ourselves: a regular file of ours that nothing else links to. */
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1)
		return error_set(err, -EPERM,
				 "%s/" HOME_IMAGE " is not a regular file of root's with one link",
				 where);
	if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) < 0)
		return error_set_errno(err, negerrno(), "cannot make %s/" HOME_IMAGE " 0600",
				       where);
	switch (image_plan((uint64_t)st.st_size, want)) {
	case IMAGE_SHRINK:
		return error_set(err, -EFBIG,
				 "home_size %s is smaller than the home image %s/" HOME_IMAGE
				 " (%s): a home is never shrunk (confine.conf(5), home_size)",
				 format_size(want, a, sizeof(a)), where,
				 format_size((uint64_t)st.st_size, b, sizeof(b)));
	case IMAGE_GROW:
		/* The file first; its file system grows online once mounted (image_grow_fs). */
		if (ftruncate(fd, (off_t)want) < 0)
			return error_set_errno(err, negerrno(), "cannot grow %s/" HOME_IMAGE,
					       where);
		break;
	case IMAGE_KEEP:
		break;
	}
	if ((r = image_geometry(fd, ret_fs_blocks, ret_bsize)) < 0)
		return error_set(err, r, "%s/" HOME_IMAGE " holds no ext4 file system", where);
	return TAKE_FD(fd);
}

int image_attached(int image_fd)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int found = -ENOENT;

	if (fstat(image_fd, &st) < 0)
		return negerrno();
	d = opendir("/sys/block");
	if (!d)
		return negerrno();
	while (found < 0 && (de = readdir(d))) {
		struct loop_info64 info;
		char path[300];
		int nr, n = 0;

		if (sscanf(de->d_name, "loop%d%n", &nr, &n) != 1 || de->d_name[n])
			continue;
		/* Only bound loop devices have a loop/ directory in sysfs. */
		snprintf(path, sizeof(path), "%s/loop", de->d_name);
		if (faccessat(dirfd(d), path, F_OK, 0) < 0)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && ioctl(fd, LOOP_GET_STATUS64, &info) == 0 &&
		    info.lo_device == (uint64_t)st.st_dev && info.lo_inode == (uint64_t)st.st_ino)
			found = nr;
	}
	closedir(d);
	return found;
}

int image_attach(int image_fd, bool *ret_dio)
{
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);

	if (ctl < 0)
		return negerrno();
	for (int i = 0; i < ATTACH_TRIES; i++) {
		/*
		 * Autoclear: the device detaches itself when its last opener closes it, i.e. when
		 * the last mount of the file system on it is gone, or when we fail before that.
		 * Direct I/O: the session's io limits on the disk below hold for the home's writes
		 * (buffered, the page cache of the image would absorb them); block size 0 with
		 * an O_DIRECT image fd makes it the disk's logical block size.
		 */
		struct loop_config cfg = {.fd = (uint32_t)image_fd,
					  .info.lo_flags = LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO};
		struct loop_info64 info;
		struct stat st;
		char path[32];
		int nr = ioctl(ctl, LOOP_CTL_GET_FREE);

		if (nr < 0)
			return negerrno();
		snprintf(path, sizeof(path), "/dev/loop%d", nr);
		_cleanup_close_ int fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0)
			return negerrno();
		if (!S_ISBLK(st.st_mode) || major(st.st_rdev) != LOOP_MAJOR)
			return -ENOTBLK;
		if (ioctl(fd, LOOP_CONFIGURE, &cfg) < 0) {
			if (errno == EBUSY)
				continue; /* somebody took that free device first: the next */
			return negerrno();
		}
		*ret_dio = ioctl(fd, LOOP_GET_STATUS64, &info) == 0 &&
			   (info.lo_flags & LO_FLAGS_DIRECT_IO);
		return TAKE_FD(fd);
	}
	return -EBUSY;
}

int image_mount(int loop_fd)
{
	_cleanup_close_ int fs = sys_fsopen("ext4", FSOPEN_CLOEXEC);
	char src[64];
	int m;

	if (fs < 0)
		return negerrno();
	/* The device by fd: the kernel resolves /proc/self/fd/N to exactly that node. */
	snprintf(src, sizeof(src), "/proc/self/fd/%d", loop_fd);
	if (sys_fsconfig(fs, FSCONFIG_SET_STRING, "source", src, 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_SET_STRING, "errors", "remount-ro", 0) < 0 ||
	    sys_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return negerrno();
	m = sys_fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	return m < 0 ? negerrno() : m;
}

int image_grow_fs(int mnt, uint64_t blocks)
{
	_cleanup_close_ int root = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* The kernel's online resize: journalled, and a no-op at the size it already has. */
	if (root < 0 || ioctl(root, EXT4_IOC_RESIZE_FS, &blocks) < 0)
		return negerrno();
	return 0;
}

static bool has_filesystem(const char *name)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/filesystems", "re");
	char line[128];

	while (f && fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');
		if (tab && strncmp(tab + 1, name, strlen(name)) == 0 &&
		    tab[1 + strlen(name)] == '\n')
			return true;
	}
	return false;
}

int image_support(const char **ret_note, struct error *err)
{
	struct stat st;
	int fd;

	*ret_note = NULL;
	if (access(MKFS_EXT4, X_OK) < 0)
		return error_set(err, -ENOTSUP, MKFS_EXT4 ": %s (install e2fsprogs)",
				 strerror(errno));
	if (stat("/dev/loop-control", &st) < 0 || !S_ISCHR(st.st_mode))
		return error_set(err, -ENOTSUP,
				 "no loop devices: /dev/loop-control is missing (modprobe loop)");
	if (geteuid() != 0) {
		if (!has_filesystem("ext4"))
			*ret_note = "ext4 not loaded; run as root to check it loads";
		return 0;
	}
	/* Opening them loads the loop driver and ext4 if they are modules. */
	if ((fd = open("/dev/loop-control", O_RDWR | O_CLOEXEC)) < 0)
		return error_set_errno(err, negerrno(), "no loop devices: /dev/loop-control");
	close(fd);
	if ((fd = sys_fsopen("ext4", FSOPEN_CLOEXEC)) < 0)
		return error_set_errno(err, negerrno(), "the kernel has no ext4");
	close(fd);
	return 0;
}
