/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <nss.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "localdb.h"
#include "util.h"

int localdb_has(const char *path, const char *name, struct error *err)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, len = strlen(name);
	int fd;

	/* Root's own file, read as it is: never a link somebody planted. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return error_set_errno(err, -errno, "cannot open %s", path);
	if (!(f = fdopen(fd, "re"))) {
		close(fd);
		return error_set_errno(err, -errno, "cannot read %s", path);
	}
	while (getline(&line, &cap, f) >= 0)
		if (strncmp(line, name, len) == 0 && line[len] == ':')
			return 1;
	if (ferror(f))
		return error_set_errno(err, -EIO, "cannot read %s", path);
	return 0;
}

/* The group database's line of nsswitch.conf (after "group:", without a comment) into
 * buf; "files" when there is none (glibc then reads the files only). */
static int nss_group_line(const char *nsswitch, char *buf, size_t len, struct error *err)
{
	_cleanup_fclose_ FILE *f = fopen(nsswitch, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	snprintf(buf, len, "files");
	if (!f)
		return errno == ENOENT ? 0
				       : error_set_errno(err, -errno, "cannot open %s", nsswitch);
	while (getline(&line, &cap, f) >= 0) {
		char *p = line + strspn(line, " \t");
		if (strncmp(p, "group:", 6) != 0)
			continue;
		p[strcspn(p, "#\n")] = '\0';
		if (strlen(p + 6) >= len)
			return error_set(err, -E2BIG, "%s: the group line is too long", nsswitch);
		snprintf(buf, len, "%s", p + 6);
	}
	return 0;
}

/* The next source of an nsswitch line other than files (actions "[...]" skipped), or NULL. */
static char *next_source(char **save, char *line)
{
	bool action = false;
	char *t;

	while ((t = strtok_r(line, " \t", save))) {
		line = NULL;
		if (action || t[0] == '[') {
			action = !strchr(t, ']');
			continue;
		}
		if (!streq(t, "files"))
			return t;
	}
	return NULL;
}

/* One NSS source asked alone (glibc hides a source that is down behind a later one's "not
 * found"): 1 found (gid in *gid), 0 not, -errno when the source cannot answer. */
static int nss_source_has_group(const char *source, const char *name, gid_t *gid)
{
	struct group gr, *res = NULL;
	size_t len = 1 << 16;
	char *buf;
	int r;

	if (__nss_configure_lookup("group", source) < 0)
		return -EINVAL;
	if (!(buf = malloc(len)))
		return -ENOMEM;
	r = getgrnam_r(name, &gr, buf, len, &res);
	if (r == 0 && res)
		*gid = gr.gr_gid;
	free(buf);
	if (r != 0 && r != ENOENT)
		return -r;
	return res ? 1 : 0;
}

int localdb_group_creatable(const char *group_path, const char *nsswitch, const char *name,
			    struct error *err)
{
	char line[512], sources[512], *save = NULL;
	int r = localdb_has(group_path, name, err);
	gid_t gid = 0;

	if (r != 0)
		return r < 0 ? r : 0;
	if ((r = nss_group_line(nsswitch, line, sizeof(line), err)) < 0)
		return r;
	snprintf(sources, sizeof(sources), "%s", line);
	/* Every other source asked on its own: a directory group of that name must stay
	 * alone, and a source that cannot answer now might hold one. */
	for (char *t = next_source(&save, sources); t && r == 0; t = next_source(&save, NULL))
		if ((r = nss_source_has_group(t, name, &gid)) < 0)
			error_set_errno(err, r,
					"group '%s': NSS source '%s' cannot answer now, so a "
					"directory group of that name cannot be ruled out",
					name, t);
		else if (r > 0)
			error_set(err, -EEXIST,
				  "group '%s' (gid %u) is not in %s: it comes from a directory "
				  "(NSS source '%s'); a local group of that name would shadow it",
				  name, (unsigned)gid, group_path, t);
	/* Back to the host's own order for the rest of this process. */
	(void)__nss_configure_lookup("group", line);
	return r == 0 ? 1 : r > 0 ? -EEXIST : r;
}
