/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * localdb: "is this account or group local?" answered from the files themselves (fake
 * passwd/group files here), and enroll's refusal to create a group that would shadow one
 * NSS resolves elsewhere (root's group resolves on every host; the fake file lacks it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../helper/localdb.h"
#include "tap.h"

static char dir[] = "/tmp/test_localdb.XXXXXX";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void test_has(const char *passwd)
{
	struct error err = ERROR_INIT;
	char link[300];

	is_int(localdb_has(passwd, "alice", NULL), 1, "a local user is found");
	is_int(localdb_has(passwd, "alicex", NULL), 1, "a longer name is its own entry");
	is_int(localdb_has(passwd, "alic", NULL), 0, "a prefix of a name is not an entry");
	is_int(localdb_has(passwd, "bob", NULL), 0, "a NIS compat line (+bob) is not local");
	is_int(localdb_has(passwd, "carol", NULL), 1, "the last line, without a newline");
	is_int(localdb_has(passwd, "dave", NULL), 0, "a directory user is not in the file");
	is_int(localdb_has("/nonexistent/passwd", "alice", &err), -ENOENT,
	       "a missing file is an error, not \"not local\"");
	ok(strstr(error_msg(&err), "/nonexistent/passwd") != NULL, "the error names the file");
	snprintf(link, sizeof(link), "%s/link", dir);
	if (symlink(passwd, link) < 0)
		perror(link);
	is_int(localdb_has(link, "alice", NULL), -ELOOP, "a symlink is not followed");
}

static void test_group(const char *group)
{
	struct error err = ERROR_INIT;
	char nss[300];

	snprintf(nss, sizeof(nss), "%s/nsswitch.conf", dir);
	write_file(nss, "passwd: files\ngroup:  files compat # a comment\n");
	is_int(localdb_group_creatable(group, nss, "confine", NULL), 0, "a local group: exists");
	is_int(localdb_group_creatable(group, nss, "root", &err), -EEXIST,
	       "a group another NSS source resolves but the file lacks is never created");
	ok(strstr(error_msg(&err), "(NSS source 'compat'); a local group of that name would "
				   "shadow it") != NULL,
	   "and says which source and why: %s", error_msg(&err));
	is_int(localdb_group_creatable(group, nss, "confine-no-such-grp", NULL), 1,
	       "a group no source knows may be created");
	write_file(nss, "group: files [NOTFOUND=return] compat\n");
	is_int(localdb_group_creatable(group, nss, "root", NULL), -EEXIST,
	       "an action between sources is skipped, the source after it still asked");
	/* Only the other sources are asked: glibc's files source reads /etc/group itself. */
	write_file(nss, "group: files\n");
	is_int(localdb_group_creatable(group, nss, "root", NULL), 1,
	       "files only: the local file given is the whole answer");
	unlink(nss);
}

int main(void)
{
	char passwd[300], group[300];

	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	snprintf(passwd, sizeof(passwd), "%s/passwd", dir);
	snprintf(group, sizeof(group), "%s/group", dir);
	write_file(passwd, "alice:x:1000:1000::/home/alice:/bin/bash\n+bob::::::\n"
			   "alicex:x:1001:1001::/home/alicex:/bin/bash\n"
			   "carol:x:1002:1002::/home/carol:/bin/sh");
	write_file(group, "confine:x:990:\nconfine-lab:x:991:alice\n");
	test_has(passwd);
	test_group(group);
	unlink(passwd);
	unlink(group);
	snprintf(passwd, sizeof(passwd), "%s/link", dir);
	unlink(passwd);
	rmdir(dir);
	return tap_done();
}
