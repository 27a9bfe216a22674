/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fs.h"
#include "mountapi.h"
#include "util.h"

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

int loop_write(int fd, const void *buf, size_t n)
{
	for (const char *p = buf; n > 0;) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int loop_read(int fd, void *buf, size_t n)
{
	for (char *p = buf; n > 0;) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Is this smaps header line (START-END PERMS OFFSET DEV INODE [PATH]) a private, read-only
 * file mapping? Fills its range. */
static bool map_private_ro_file(const char *line, unsigned long *start, unsigned long *end)
{
	char perms[8];
	unsigned long inode;

	if (sscanf(line, "%lx-%lx %7s %*s %*s %lu", start, end, perms, &inode) != 4)
		return false;
	return inode != 0 && perms[1] == '-' && perms[3] == 'p';
}

/* The stack's pages below the one in use and its neighbour: what deeper calls left there is
 * dead (nothing here runs on another stack: the supervisors take signals by signalfd). */
static __attribute__((noinline)) void stack_range(const char *line, unsigned long (*range)[2])
{
	volatile char here = 0;
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
	unsigned long start, end, low = (((unsigned long)&here) & ~(page - 1)) - page;

	if (sscanf(line, "%lx-%lx", &start, &end) == 2 && start < low && low < end) {
		(*range)[0] = start;
		(*range)[1] = low;
	}
}

#define DROP_MAX 128

/* Where drop_setup_pages may drop: read all before the first drop, so that the reading
 * (stdio, scanf) does not fault back in what was just dropped. Their number, or -errno. */
static int clean_file_maps(int smaps_fd, unsigned long (*range)[2], int max)
{
	_cleanup_fclose_ FILE *f = fdopen(smaps_fd, "re");
	unsigned long start = 0, end = 0, kb;
	bool candidate = false, anon_none = false, line_start = true, head;
	char line[512];
	int n = 0;

	if (!f) {
		int r = negerrno();
		close(smaps_fd);
		return r;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		/* A chunk that does not start a line (a long path split by fgets) is no field. */
		head = line_start;
		line_start = strchr(line, '\n') != NULL;
		if (!head)
			continue;
		if (isxdigit((unsigned char)line[0]) && strchr(line, '-') &&
		    strchr(line, '-') < strchr(line, ' ')) {
			candidate = map_private_ro_file(line, &start, &end);
			anon_none = false;
			if (strstr(line, " [stack]\n"))
				stack_range(line, &range[n++]);
			continue;
		}
		/* COWed pages (relocations, RELRO) exist only here: never dropped. Resident ones
		 * count under Anonymous:, swapped-out ones only under Swap: (after it). */
		if (candidate && sscanf(line, "Anonymous: %lu kB", &kb) == 1)
			anon_none = kb == 0;
		else if (candidate && sscanf(line, "Swap: %lu kB", &kb) == 1) {
			if (anon_none && kb == 0) {
				range[n][0] = start;
				range[n++][1] = end;
			}
			candidate = false;
		}
	}
	return n;
}

SUPERVISOR_LOOP int drop_setup_pages(int smaps_fd)
{
	unsigned long range[DROP_MAX][2] = {{0}};
	int n, dropped = 0;

	if (smaps_fd < 0 && (smaps_fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC)) < 0)
		return negerrno();
	n = clean_file_maps(smaps_fd, range, DROP_MAX);
	for (int i = 0; i < n; i++)
		if (range[i][1] > range[i][0] &&
		    madvise((void *)range[i][0], range[i][1] - range[i][0], MADV_DONTNEED) == 0)
			dropped++;
	return n < 0 ? n : dropped;
}
