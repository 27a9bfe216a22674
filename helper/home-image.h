/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The size limit of a persistent home: its overlay upper and work directories live in an
 * ext4 file system of home_size, kept in a per-user image file state_dir/<user>/home.img
 * (root's, 0600, in the root-only user directory) and attached to a loop device that goes
 * away with the last mount of that file system (LO_FLAGS_AUTOCLEAR).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define HOME_IMAGE	"home.img"
#define HOME_IMAGE_NEW	"home.img.new" /* an image being made; never holds a user's files */
#define HOME_LEGACY_DIR "upper"	       /* the unlimited upper directory of confine before images */
#define MKFS_EXT4	"/sbin/mkfs.ext4"

/* What an existing image file of file_size needs to become want bytes. */
enum image_plan {
	IMAGE_KEEP,
	IMAGE_GROW,   /* the file grows now, the file system (online) once mounted */
	IMAGE_SHRINK, /* refused: ext4 cannot shrink online and a shrink may not fit the files */
};
enum image_plan image_plan(uint64_t file_size, uint64_t want);

/*
 * Reads the geometry an ext4 superblock records (buf: the image's first len bytes, at
 * least 2048): total blocks and block size. -EINVAL if it is not an ext4 superblock.
 */
int ext4_sb_geometry(const unsigned char *buf, size_t len, uint64_t *ret_blocks,
		     unsigned *ret_bsize);

/*
 * Opens udir/home.img (udir: the root-only state_dir/<user>, named where in messages) for
 * a loop device, checked to be a regular file of ours with one link, and sized to want:
 * grown if smaller (*ret_fs_blocks then says how many blocks its file system has, so the
 * caller grows that once mounted), refused if bigger. With create, a missing image is made
 * (mkfs.ext4); without, or when an upper directory of the older layout is there instead,
 * the open fails. Returns the fd, or a negative errno with err filled (for the admin).
 */
int image_open(int udir, const char *where, uint64_t want, bool create, uint64_t *ret_fs_blocks,
	       unsigned *ret_bsize, struct error *err);

/* Makes udir/home.img, an empty ext4 file system of size bytes (via home.img.new). */
int image_create(int udir, uint64_t size, struct error *err);

/*
 * Whether a loop device is attached to the image (a mount of it is still alive somewhere):
 * returns its number, -ENOENT if none, or another negative errno.
 */
int image_attached(int image_fd);

/*
 * Attaches the image to a free loop device that detaches itself when its last user closes
 * it; direct I/O on the image when its file system allows (*ret_dio says whether).
 * Returns the loop device's fd or a negative errno.
 */
int image_attach(int image_fd, bool *ret_dio);

/* Mounts the ext4 file system on the loop device as a detached nosuid,nodev mount. */
int image_mount(int loop_fd);

/* Grows the mounted file system (mnt: its mount fd) to blocks blocks (online resize). */
int image_grow_fs(int mnt, uint64_t blocks);

/*
 * Whether this host can hold a persistent home's size: mkfs.ext4, loop devices, ext4.
 * 0, or -ENOTSUP with the reason in err. *ret_note: NULL, or (with 0) a static note on
 * what could not be checked without root: not an error, so not in err.
 */
int image_support(const char **ret_note, struct error *err);
