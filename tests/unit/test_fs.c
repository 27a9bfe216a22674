/* SPDX-License-Identifier: GPL-2.0-or-later */
/* drop_setup_pages (shell/fs.h): what a supervisor gives back once its setup is done. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../shell/fs.h"
#include "tap.h"

#define PAGES 64

/* Rss (kB) of the mapping starting at addr, from /proc/self/smaps; -1: not found. */
static long rss_kb(const void *addr)
{
	char line[512], start[32];
	FILE *f = fopen("/proc/self/smaps", "re");
	long kb = -1;
	int in = 0;

	snprintf(start, sizeof(start), "%lx-", (unsigned long)addr);
	while (f && fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, '-') < strchr(line, ' '))
			in = strncmp(line, start, strlen(start)) == 0;
		else if (in && sscanf(line, "Rss: %ld kB", &kb) == 1)
			break;
	}
	if (f)
		fclose(f);
	return kb;
}

/* A file of PAGES pages, page i filled with the byte 'a' + i % 26. */
static int make_file(long page)
{
	char path[] = "/tmp/test_fs.XXXXXX";
	int fd = mkstemp(path);
	char *buf = malloc((size_t)page);

	if (fd < 0 || !buf)
		return -1;
	unlink(path);
	for (int i = 0; i < PAGES; i++) {
		memset(buf, 'a' + i % 26, (size_t)page);
		if (write(fd, buf, (size_t)page) != page)
			return -1;
	}
	free(buf);
	return fd;
}

static unsigned sum(const unsigned char *p, size_t n)
{
	unsigned s = 0;

	for (size_t i = 0; i < n; i++)
		s += p[i];
	return s;
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)(PAGES * page);
	int fd = make_file(page);
	char *heap;
	unsigned char *ro, *cow;

	if (fd < 0)
		return 1;
	/* Code and constants: a private read-only file mapping, every page touched. */
	ro = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	/* RELRO: private, written (copy-on-write pages of its own), then made read-only. */
	cow = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (ro == MAP_FAILED || cow == MAP_FAILED || !(heap = strdup("kept on the heap")))
		return 1;
	unsigned want = sum(ro, len);
	cow[0] = 'Z';
	cow[len - 1] = 'Z';
	mprotect(cow, len, PROT_READ);
	ok(rss_kb(ro) >= PAGES * page / 1024, "before: the read-only mapping is resident (%ld kB)",
	   rss_kb(ro));

	ok(drop_setup_pages(-1) > 0, "drop_setup_pages dropped some ranges");
	is_int((int)rss_kb(ro), 0, "the clean read-only file mapping is no longer mapped");
	is_int((int)sum(ro, len), (int)want, "and reads back the file's contents (faulted in)");
	ok(cow[0] == 'Z' && cow[len - 1] == 'Z' && cow[1] == 'a',
	   "a read-only mapping with copy-on-write pages keeps them (RELRO is never dropped)");
	is_str(heap, "kept on the heap", "the heap's live data is kept");

	char local[8192];
	memset(local, 'x', sizeof(local));
	drop_setup_pages(-1);
	ok(local[0] == 'x' && local[sizeof(local) - 1] == 'x',
	   "the live stack (a caller's frame) is kept");
	free(heap);
	return tap_done();
}
