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

/* An fd reading TEXT from its start: a made-up smaps for drop_setup_pages. */
static int text_fd(const char *text)
{
	FILE *f = tmpfile();
	int fd;

	if (!f)
		return -1;
	fputs(text, f);
	fflush(f);
	fd = dup(fileno(f));
	fclose(f);
	if (fd >= 0)
		lseek(fd, 0, SEEK_SET);
	return fd;
}

/* What the kernel shows of a mapping whose copy-on-write page is out on swap: Anonymous 0,
 * the page under Swap. Dropping it would bring the file's unrelocated page back (found by
 * the review: a supervisor whose RELRO the session's memory pressure swapped out crashed). */
static void swapped_cow_kept(int fd, long page)
{
	char buf[1024];
	char *m = mmap(NULL, (size_t)(2 * page), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	if (m == MAP_FAILED) {
		ok(0, "mmap for the swapped copy-on-write case");
		return;
	}
	m[0] = 'Z';
	mprotect(m, (size_t)(2 * page), PROT_READ);
	snprintf(buf, sizeof(buf),
		 "%lx-%lx r--p 00000000 08:01 4242 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
		 "Size:                  8 kB\nRss:                   4 kB\n"
		 "Anonymous:             0 kB\nSwap:                  4 kB\n",
		 (unsigned long)m, (unsigned long)m + 2 * page);
	drop_setup_pages(text_fd(buf));
	ok(m[0] == 'Z', "a copy-on-write page out on swap (Anonymous 0, Swap 4 kB) is kept");
}

/* A header line longer than the parser's buffer: its second chunk, though it looks like a
 * mapping's header, is not taken for one (else live anonymous memory would be dropped). */
static void long_line_not_header(int fd, long page)
{
	char buf[2048], path[600];
	char *anon =
	    mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, fd, 0);

	if (anon == MAP_FAILED || ro == MAP_FAILED) {
		ok(0, "mmap for the long-line case");
		return;
	}
	strcpy(anon, "live data");
	int pre = 511 - snprintf(NULL, 0, "%lx-%lx r--p 00000000 08:01 4243 ", (unsigned long)ro,
				 (unsigned long)ro + page);
	memset(path, 'x', (size_t)pre);
	path[0] = '/';
	path[pre] = 0;
	snprintf(buf, sizeof(buf),
		 "%lx-%lx r--p 00000000 08:01 4243 %s%lx-%lx r--p 0 0 1 y\n"
		 "Size:                  4 kB\nAnonymous:             0 kB\nSwap:                  "
		 "0 kB\n",
		 (unsigned long)ro, (unsigned long)ro + page, path, (unsigned long)anon,
		 (unsigned long)anon + page);
	drop_setup_pages(text_fd(buf));
	is_str(anon, "live data", "the rest of a long smaps line is not parsed as a mapping");
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
	swapped_cow_kept(fd, page);
	long_line_not_header(fd, page);
	return tap_done();
}
