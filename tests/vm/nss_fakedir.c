/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A test-only NSS module, "fakedir": a user database other than the local files, as SSSD,
 * LDAP or winbind are to glibc, for the VM tests (built there into
 * /lib/x86_64-linux-gnu/libnss_fakedir.so.2 and named in nsswitch.conf after "files").
 * Its entries are in /run/fakedir/passwd and /run/fakedir/group (the files' format); while
 * /run/fakedir/down exists it answers "unavailable", as a directory that is down without a
 * cache does.
 *   cc -shared -fPIC -o libnss_fakedir.so.2 tests/vm/nss_fakedir.c
 */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef DIR
#define DIR "/run/fakedir/"
#endif

static FILE *db_open(const char *name, int *errnop, enum nss_status *st)
{
	FILE *f;

	*st = NSS_STATUS_NOTFOUND;
	if (access(DIR "down", F_OK) == 0) {
		*errnop = EHOSTUNREACH;
		*st = NSS_STATUS_UNAVAIL;
		return NULL;
	}
	f = fopen(name, "re");
	if (!f)
		*errnop = ENOENT;
	return f;
}

/* Reads entries until match() says yes; the status glibc expects. */
static enum nss_status pw_find(const char *name, uid_t uid, struct passwd *pw, char *buf,
			       size_t len, int *errnop)
{
	enum nss_status st;
	FILE *f = db_open(DIR "passwd", errnop, &st);
	struct passwd *res;
	int r;

	if (!f)
		return st;
	while ((r = fgetpwent_r(f, pw, buf, len, &res)) == 0)
		if (name ? strcmp(res->pw_name, name) == 0 : res->pw_uid == uid) {
			fclose(f);
			return NSS_STATUS_SUCCESS;
		}
	fclose(f);
	*errnop = r;
	return r == ERANGE ? NSS_STATUS_TRYAGAIN : NSS_STATUS_NOTFOUND;
}

static enum nss_status gr_find(const char *name, gid_t gid, struct group *gr, char *buf, size_t len,
			       int *errnop)
{
	enum nss_status st;
	FILE *f = db_open(DIR "group", errnop, &st);
	struct group *res;
	int r;

	if (!f)
		return st;
	while ((r = fgetgrent_r(f, gr, buf, len, &res)) == 0)
		if (name ? strcmp(res->gr_name, name) == 0 : res->gr_gid == gid) {
			fclose(f);
			return NSS_STATUS_SUCCESS;
		}
	fclose(f);
	*errnop = r;
	return r == ERANGE ? NSS_STATUS_TRYAGAIN : NSS_STATUS_NOTFOUND;
}

enum nss_status _nss_fakedir_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
					int *errnop)
{
	return pw_find(name, 0, pw, buf, len, errnop);
}

enum nss_status _nss_fakedir_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
					int *errnop)
{
	return pw_find(NULL, uid, pw, buf, len, errnop);
}

enum nss_status _nss_fakedir_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
					int *errnop)
{
	return gr_find(name, 0, gr, buf, len, errnop);
}

enum nss_status _nss_fakedir_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
					int *errnop)
{
	return gr_find(NULL, gid, gr, buf, len, errnop);
}

/* The groups listing user as a member, appended to *groupsp (getgrouplist, initgroups). */
enum nss_status _nss_fakedir_initgroups_dyn(const char *user, gid_t skip, long *start, long *size,
					    gid_t **groupsp, long limit, int *errnop)
{
	enum nss_status st;
	FILE *f = db_open(DIR "group", errnop, &st);
	struct group *gr;

	if (!f)
		return st;
	while ((gr = fgetgrent(f)))
		for (char **m = gr->gr_mem; *m; m++) {
			if (strcmp(*m, user) != 0 || gr->gr_gid == skip)
				continue;
			if (*start == *size) {
				long n = limit > 0 && *size * 2 > limit ? limit : *size * 2;
				gid_t *g = n > *size ? realloc(*groupsp, n * sizeof(gid_t)) : NULL;
				if (!g)
					break;
				*groupsp = g;
				*size = n;
			}
			(*groupsp)[(*start)++] = gr->gr_gid;
		}
	fclose(f);
	return NSS_STATUS_SUCCESS;
}
