/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <linux/magic.h>
#include <stddef.h>

#include "homefs.h"
#include "util.h"

/* Not in every linux/magic.h this builds against. */
#define FS_CIFS	 0xFF534D42UL
#define FS_SMB2	 0xFE534D42UL
#define FS_FUSE	 0x65735546UL
#define FS_CEPH	 0x00C36400UL
#define FS_XFS	 0x58465342UL
#define FS_ZFS	 0x2FC12FC1UL
#define FS_GFS2	 0x01161970UL
#define FS_OCFS2 0x7461636FUL
#define FS_CODA	 0x73757245UL

static const struct {
	unsigned long magic;
	const char *name;
	bool remote;
} fs_table[] = {
    {EXT4_SUPER_MAGIC, "ext4", false},
    {FS_XFS, "xfs", false},
    {BTRFS_SUPER_MAGIC, "btrfs", false},
    {TMPFS_MAGIC, "tmpfs", false},
    {OVERLAYFS_SUPER_MAGIC, "overlay", false},
    {F2FS_SUPER_MAGIC, "f2fs", false},
    {FS_ZFS, "zfs", false},
    {SQUASHFS_MAGIC, "squashfs", false},
    {RAMFS_MAGIC, "ramfs", false},
    {NFS_SUPER_MAGIC, "nfs", true},
    {FS_CIFS, "cifs", true},
    {FS_SMB2, "smb2", true},
    {FS_FUSE, "fuse", true},
    {V9FS_MAGIC, "9p", true},
    {FS_CEPH, "ceph", true},
    {AFS_FS_MAGIC, "afs", true},
    {AFS_SUPER_MAGIC, "afs", true},
    {FS_CODA, "coda", true},
    {FS_GFS2, "gfs2", true},
    {FS_OCFS2, "ocfs2", true},
};

const char *homefs_name(unsigned long magic)
{
	for (size_t i = 0; i < ELEMENTSOF(fs_table); i++)
		if (fs_table[i].magic == magic)
			return fs_table[i].name;
	return NULL;
}

bool homefs_is_remote(unsigned long magic)
{
	for (size_t i = 0; i < ELEMENTSOF(fs_table); i++)
		if (fs_table[i].magic == magic)
			return fs_table[i].remote;
	return false;
}

enum homefs_verdict homefs_serves(enum home_mode m, unsigned long magic, const char **why)
{
	*why = NULL;
	if (!homefs_is_remote(magic) || m == HOME_TMPFS || m == HOME_BIND)
		return HOMEFS_OK;
	if (m == HOME_EPHEMERAL) {
		*why = "an overlay's lower on a network or FUSE file system is read by root, whom "
		       "the server may squash: use home = \"bind\" or \"tmpfs\"";
		return HOMEFS_CANNOT;
	}
	*why = "works only if root on this host may read the home (no root_squash, no "
	       "Kerberos-only export), and its upper is kept on this machine only";
	return HOMEFS_CAUTION;
}
