/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The persistent home's image, without root: the size plan, the ext4 superblock reader,
 * image_create() and image_open() (real mkfs.ext4 runs on files in a temporary directory),
 * and what `confinectl check` says about a state_dir (home_check_state()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../helper/cgroup.h"
#include "../../helper/config.h"
#include "../../helper/home-image.h"
#include "../../helper/home.h"
#include "../../helper/util.h"
#include "tap.h"

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

static char tmp[] = "/tmp/test_home_image.XXXXXX";

static void test_plan(void)
{
	is_int(image_plan(16 * MiB, 16 * MiB), IMAGE_KEEP, "plan: same size keeps");
	is_int(image_plan(16 * MiB, 64 * MiB), IMAGE_GROW, "plan: a bigger home_size grows");
	is_int(image_plan(64 * MiB, 16 * MiB), IMAGE_SHRINK,
	       "plan: a smaller home_size is a shrink");
	is_int(image_plan(64 * MiB, 64 * MiB - 1), IMAGE_SHRINK,
	       "plan: one byte smaller is a shrink");
}

/* A superblock buffer: blocks_lo, log block size, incompat, blocks_hi at their offsets. */
static void sb(unsigned char *buf, uint32_t lo, uint32_t log, uint32_t incompat, uint32_t hi,
	       uint16_t magic)
{
	unsigned char *s = buf + 1024;
	memset(buf, 0, 2048);
	memcpy(s + 0x4, &lo, 4); /* the tests run little-endian, like ext4's on-disk format */
	memcpy(s + 0x18, &log, 4);
	memcpy(s + 0x38, &magic, 2);
	memcpy(s + 0x60, &incompat, 4);
	memcpy(s + 0x150, &hi, 4);
}

static void test_superblock(void)
{
	unsigned char buf[2048];
	uint64_t blocks = 0;
	unsigned bsize = 0;

	sb(buf, 262144, 2, 0x2c2, 0, 0xEF53);
	is_int(ext4_sb_geometry(buf, sizeof(buf), &blocks, &bsize), 0, "sb: a 1 GiB file system");
	ok(blocks == 262144 && bsize == 4096, "sb: 262144 blocks of 4096 (%llu, %u)",
	   (unsigned long long)blocks, bsize);
	sb(buf, 5, 2, 0x80, 1, 0xEF53);
	is_int(ext4_sb_geometry(buf, sizeof(buf), &blocks, &bsize), 0, "sb: 64bit block count");
	ok(blocks == (UINT64_C(1) << 32) + 5, "sb: the high 32 bits count with 64bit");
	sb(buf, 5, 2, 0, 1, 0xEF53);
	is_int(ext4_sb_geometry(buf, sizeof(buf), &blocks, &bsize), 0, "sb: without 64bit");
	ok(blocks == 5, "sb: the high 32 bits are ignored without 64bit");
	sb(buf, 256, 0, 0, 0, 0xEF53);
	is_int(ext4_sb_geometry(buf, sizeof(buf), &blocks, &bsize), 0, "sb: 1 KiB blocks");
	is_int(bsize, 1024, "sb: block size 1024");
	sb(buf, 256, 2, 0, 0, 0xEF52);
	is_int(ext4_sb_geometry(buf, sizeof(buf), &blocks, &bsize), -EINVAL,
	       "sb: bad magic refused");
	sb(buf, 256, 7, 0, 0, 0xEF53);
	is_int(ext4_sb_geometry(buf, sizeof(buf), &blocks, &bsize), -EINVAL,
	       "sb: block size above 64 KiB refused");
	sb(buf, 0, 2, 0, 0, 0xEF53);
	is_int(ext4_sb_geometry(buf, sizeof(buf), &blocks, &bsize), -EINVAL,
	       "sb: zero blocks refused");
	sb(buf, 256, 2, 0, 0, 0xEF53);
	is_int(ext4_sb_geometry(buf, 2047, &blocks, &bsize), -EINVAL, "sb: short read refused");
}

static int udir_new(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	if (mkdir(path, 0700) < 0)
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static bool exists(int dir, const char *name)
{
	struct stat st;
	return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static off_t size_of(int dir, const char *name)
{
	struct stat st;
	return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_size : -1;
}

static void test_create(void)
{
	_cleanup_close_ int d = udir_new("create"), img = -1;
	struct error err = ERROR_INIT;
	uint64_t blocks = 0;
	unsigned bsize = 0;
	struct stat st;

	/* A creation cut short left home.img.new: it goes, the new image is made. */
	close(openat(d, HOME_IMAGE_NEW, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	is_int(image_create(d, 16 * MiB, &err), 0, "create: a 16M image (%s)", error_msg(&err));
	ok(fstatat(d, HOME_IMAGE, &st, 0) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0777) == 0600,
	   "create: home.img is a regular file, 0600");
	is_int(st.st_size, 16 * MiB, "create: of home_size");
	ok(st.st_blocks * 512 < 8 * (off_t)MiB, "create: sparse (%lld KiB on disk)",
	   (long long)st.st_blocks / 2);
	ok(!exists(d, HOME_IMAGE_NEW), "create: no home.img.new left");
	img = image_open(d, "S/u", 16 * MiB, false, &blocks, &bsize, &err);
	ok(img >= 0, "create: the image opens (%s)", error_msg(&err));
	ok(blocks * bsize == 16 * MiB && bsize == 4096,
	   "create: an ext4 of 16M in 4K blocks (%llu x %u)", (unsigned long long)blocks, bsize);
	is_int(image_create(d, 32 * MiB, &err), -EEXIST,
	       "create: never replaces an existing image");
	is_int(size_of(d, HOME_IMAGE), 16 * MiB, "create: the existing image is untouched");

	/* mkfs.ext4 refuses a file system this small: the message says so, nothing stays. */
	_cleanup_close_ int d2 = udir_new("tiny");
	err = (struct error)ERROR_INIT;
	is_int(image_create(d2, 4096, &err), -EIO, "create: mkfs failure is an error");
	ok(strstr(error_msg(&err), MKFS_EXT4 " failed (exit status") != NULL,
	   "create: names mkfs: %s", error_msg(&err));
	ok(!exists(d2, HOME_IMAGE) && !exists(d2, HOME_IMAGE_NEW),
	   "create: no image left after it");
}

static void test_open(void)
{
	_cleanup_close_ int d = udir_new("open"), img = -1;
	struct error err = ERROR_INIT;
	uint64_t blocks = 0;
	unsigned bsize = 0;

	is_int(image_open(d, "S/u", 16 * MiB, false, &blocks, &bsize, &err), -ENOENT,
	       "open: no image and no create");
	is_str(error_msg(&err), "S/u/home.img does not exist", "open: says so");
	err = (struct error)ERROR_INIT;
	img = image_open(d, "S/u", 16 * MiB, true, &blocks, &bsize, &err);
	ok(img >= 0, "open: create makes it (%s)", error_msg(&err));
	close(TAKE_FD(img));

	img = image_open(d, "S/u", 64 * MiB, false, &blocks, &bsize, &err);
	ok(img >= 0, "open: a bigger home_size opens (%s)", error_msg(&err));
	is_int(size_of(d, HOME_IMAGE), 64 * MiB, "open: the file grew to the new home_size");
	ok(blocks * bsize == 16 * MiB, "open: its file system is still 16M (grown once mounted)");
	close(TAKE_FD(img));

	err = (struct error)ERROR_INIT;
	is_int(image_open(d, "S/u", 32 * MiB, true, &blocks, &bsize, &err), -EFBIG,
	       "open: a smaller home_size is refused");
	is_str(error_msg(&err),
	       "home_size 32M is smaller than the home image S/u/home.img (64M): a home is never "
	       "shrunk (confine.conf(5), home_size)",
	       "open: the shrink message names both sizes");
	is_int(size_of(d, HOME_IMAGE), 64 * MiB, "open: a refused shrink changes nothing");

	ok(fchmodat(d, HOME_IMAGE, 0644, 0) == 0, "setup: image made 0644");
	img = image_open(d, "S/u", 64 * MiB, false, &blocks, &bsize, &err);
	struct stat st;
	ok(img >= 0 && fstat(img, &st) == 0 && (st.st_mode & 0777) == 0600,
	   "open: a wrong mode is set back to 0600");
	close(TAKE_FD(img));

	ok(linkat(d, HOME_IMAGE, d, "second-link", 0) == 0, "setup: a second link");
	is_int(image_open(d, "S/u", 64 * MiB, false, &blocks, &bsize, &err), -EPERM,
	       "open: an image with a second link is refused");
	unlinkat(d, "second-link", 0);

	ok(renameat(d, HOME_IMAGE, d, "real.img") == 0 && symlinkat("real.img", d, HOME_IMAGE) == 0,
	   "setup: home.img a symlink to the image");
	ok(image_open(d, "S/u", 64 * MiB, false, &blocks, &bsize, &err) == -ELOOP,
	   "open: a symlink is not followed (%s)", error_msg(&err));
	unlinkat(d, HOME_IMAGE, 0);

	_cleanup_close_ int junk = openat(d, HOME_IMAGE, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ok(ftruncate(junk, 64 * MiB) == 0, "setup: a 64M file of zeros");
	is_int(image_open(d, "S/u", 64 * MiB, false, &blocks, &bsize, &err), -EINVAL,
	       "open: a file without ext4 is refused");
	is_str(error_msg(&err), "S/u/home.img holds no ext4 file system", "open: and says so");
}

static void test_legacy(void)
{
	_cleanup_close_ int d = udir_new("legacy");
	struct error err = ERROR_INIT;
	uint64_t blocks = 0;
	unsigned bsize = 0;

	mkdirat(d, HOME_LEGACY_DIR, 0755);
	close(openat(d, HOME_LEGACY_DIR "/kept", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	is_int(image_open(d, "S/u", 16 * MiB, true, &blocks, &bsize, &err), -EEXIST,
	       "legacy: an upper without an image is refused, even with create");
	is_str(error_msg(&err),
	       "S/u/upper is a persistent home of an older confine, without a size limit: migrate "
	       "it into S/u/home.img (confine.conf(5), MIGRATION)",
	       "legacy: the message names the path and the migration");
	ok(!exists(d, HOME_IMAGE) && !exists(d, HOME_IMAGE_NEW), "legacy: no image was made");
	ok(exists(d, HOME_LEGACY_DIR "/kept"), "legacy: the upper is left as it was");
}

static void test_check_state(void)
{
	char conf[256], state[256], out[4096] = "";
	struct confine_config *c = NULL;
	FILE *f;
	int n;

	snprintf(state, sizeof(state), "%s/state", tmp);
	snprintf(conf, sizeof(conf), "%s/c.conf", tmp);
	mkdir(state, 0700);
	f = fopen(conf, "we");
	fprintf(f,
		"state_dir = \"%s\";\n"
		"profiles = { small = { home = \"persistent\"; home_size = \"16M\"; };\n"
		"             big = { home = \"persistent\"; home_size = \"1G\"; };\n"
		"             eph = { home = \"ephemeral\"; home_size = \"1M\"; }; };\n",
		state);
	fclose(f);
	struct error cerr = ERROR_INIT;
	if (config_load(conf, 0, &c, &cerr) < 0) {
		ok(0, "check: config loads: %s", error_msg(&cerr));
		return;
	}
	_cleanup_close_ int s = open(state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	mkdirat(s, "alice", 0700);
	mkdirat(s, "bob", 0700);
	mkdirat(s, "bob/" HOME_LEGACY_DIR, 0755);
	mkdirat(s, "carol", 0700);
	_cleanup_close_ int img =
	    openat(s, "alice/" HOME_IMAGE, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ok(ftruncate(img, 64 * MiB) == 0, "setup: alice has a 64M image");
	_cleanup_close_ int img2 =
	    openat(s, "carol/" HOME_IMAGE, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ok(ftruncate(img2, 16 * MiB) == 0, "setup: carol has a 16M image");

	f = fmemopen(out, sizeof(out) - 1, "w");
	n = home_check_state(c, f);
	fclose(f);
	is_int(n, 2, "check: two homes logins would refuse");
	char want[1024];
	snprintf(want, sizeof(want),
		 "# warning: profile small: home_size 16M is smaller than %s/alice/home.img (64M): "
		 "logins of alice with this profile are refused (a home is never shrunk)\n",
		 state);
	ok(strstr(out, want) != NULL, "check: alice's image is bigger than small's home_size");
	snprintf(want, sizeof(want),
		 "# warning: %s/bob/upper is a persistent home of an older confine, without a size "
		 "limit: logins of bob with a persistent profile are refused until it is migrated "
		 "(confine.conf(5), MIGRATION)\n",
		 state);
	ok(strstr(out, want) != NULL, "check: bob's upper of the older layout");
	ok(strstr(out, "carol") == NULL && strstr(out, "profile big") == NULL &&
	       strstr(out, "profile eph") == NULL,
	   "check: nothing about images that fit, nor other profiles");
	if (tap_failed)
		printf("# output was:\n%s", out);
	config_free(c);
}

static void test_io_limits(void)
{
	struct confine_profile p = {.io_read_bps = UINT64_MAX,
				    .io_write_bps = UINT64_MAX,
				    .io_read_iops = UINT64_MAX,
				    .io_write_iops = UINT64_MAX};
	struct error err = ERROR_INIT;
	char disk[32], img[32];

	is_int(home_io_limits_hold(&p, tmp, false, &err), 0,
	       "io: no io limits, no direct I/O needed");
	p.io_path = "/";
	p.io_write_bps = 1 << 20;
	is_int(home_io_limits_hold(&p, tmp, true, &err), 0,
	       "io: limits on the image's disk hold with direct I/O");
	if (cgroup_io_device("/", disk, sizeof(disk)) < 0 ||
	    cgroup_io_device(tmp, img, sizeof(img)) < 0 || !streq(disk, img)) {
		skip("io: / and %s are not on one block device here", tmp);
		return;
	}
	is_int(home_io_limits_hold(&p, tmp, false, &err), -ENOTSUP,
	       "io: limits on the image's disk without direct I/O are refused");
	char want[512];
	snprintf(want, sizeof(want),
		 "the io limits on %s (io_path /) would not hold for writes into the home: the "
		 "loop device cannot do direct I/O on %s/home.img",
		 disk, tmp);
	is_str(error_msg(&err), want, "io: and says why");
}

int main(void)
{
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_plan();
	test_superblock();
	test_create();
	test_open();
	test_legacy();
	test_check_state();
	test_io_limits();
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", tmp);
	return tap_done();
}
