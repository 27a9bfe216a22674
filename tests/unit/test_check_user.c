/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confinectl check --user's report (check_user) for host users every Debian system has
 * (root's uid is fine here: the report does not refuse it, the helper does later), and
 * homefs_serves' decision table: which home modes can serve a home on which file system.
 */
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../helper/check-keys.h"
#include "../../helper/check-user.h"
#include "../../helper/homefs.h"
#include "tap.h"

static char conf[] = "/tmp/test_check_user.XXXXXX";

static struct confine_config *load(const char *text)
{
	struct confine_config *c = NULL;
	struct error err = ERROR_INIT;
	FILE *f = fopen(conf, "we");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || config_load(conf, 0, &c, &err) < 0) {
		fprintf(stderr, "%s: %s\n", conf, error_msg(&err));
		exit(1);
	}
	return c;
}

/* The report of user under the config text, and its exit status in *rc. */
static char *report(const char *text, const char *user, const char *service, int *rc)
{
	struct confine_config *c = load(text);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	*rc = check_user(c, user, service, out);
	fclose(out);
	config_free(c);
	return buf;
}

static void has(const char *out, const char *line, const char *what)
{
	if (!ok(strstr(out, line) != NULL, "%s", what))
		printf("#   '%s' not in:\n%s", line, out);
}

static void test_report(void)
{
	int rc;
	char *out =
	    report("profiles = { g = { }; };\nrules = ( { user = \"root\"; profile = \"g\"; "
		   "} );\n",
		   "root", "login", &rc);
	has(out, "user: root (uid 0, gid 0)\n", "the user and its ids");
	has(out, "groups: root\n", "its groups by name");
	has(out, "rule groups: all resolved\n", "no rule group: all resolved");
	has(out, "shell: /bin/bash (not confine-shell)\n", "its passwd shell, not confine-shell");
	has(out, ":2 -> profile g\n", "the rule that matches, by line, and its profile");
	has(out, "result: refused: its login shell is '/bin/bash', not confine-shell\n",
	    "matched with another shell: refused, as the helper would");
	has(out, "home: /root (", "the home and its file system");
	is_int(rc, CHECK_USER_PROBLEM, "a refused login: exit status 3");
	free(out);

	out = report("profiles = { g = { }; };\nrules = ( { group = \"no-such-grp-17\"; profile = "
		     "\"g\"; } );\n",
		     "root", "login", &rc);
	has(out, "'no-such-grp-17' cannot be resolved", "an unresolvable rule group is named");
	has(out, "rule groups: NOT all resolved", "and the groups are not all resolved");
	has(out, "result: refused: the rule names group 'no-such-grp-17'",
	    "the login is refused, fail closed");
	is_int(rc, CHECK_USER_PROBLEM, "exit status 3");
	free(out);

	out = report("profiles = { g = { }; };\nrules = ( { user = \"nobody\"; profile = \"g\"; "
		     "service = \"sshd\"; } );\n",
		     "root", "login", &rc);
	has(out, "rule: none matches\n", "no rule for root");
	has(out, "result: not confined (no rule matches)\n", "not confined");
	is_int(rc, 0, "not confined is no problem: exit status 0");
	free(out);

	out = report("profiles = { g = { }; };\nrules = ( );\n", "no-such-user-17", "login", &rc);
	has(out, "no-such-user-17: no such user", "an unknown user is said");
	is_int(rc, CHECK_USER_NO_USER, "exit status 2");
	free(out);
}

static void test_homefs(void)
{
	const char *why;

	is_str(homefs_name(NFS_SUPER_MAGIC), "nfs", "nfs is named");
	is_str(homefs_name(0xFF534D42UL), "cifs", "cifs is named");
	is_str(homefs_name(EXT4_SUPER_MAGIC), "ext4", "ext4 is named");
	ok(homefs_name(0x12345678UL) == NULL, "an unknown magic has no name");
	is_int(homefs_serves(HOME_EPHEMERAL, EXT4_SUPER_MAGIC, &why), HOMEFS_OK,
	       "ephemeral over ext4: served");
	is_int(homefs_serves(HOME_EPHEMERAL, NFS_SUPER_MAGIC, &why), HOMEFS_CANNOT,
	       "ephemeral over nfs: cannot");
	ok(why && strstr(why, "use home = \"bind\" or \"tmpfs\""), "and names the alternatives");
	is_int(homefs_serves(HOME_EPHEMERAL, 0x65735546UL, &why), HOMEFS_CANNOT,
	       "ephemeral over fuse: cannot");
	is_int(homefs_serves(HOME_PERSISTENT, NFS_SUPER_MAGIC, &why), HOMEFS_CAUTION,
	       "persistent over nfs: only with caution");
	ok(why && strstr(why, "this machine only"), "and says its upper is per machine");
	is_int(homefs_serves(HOME_TMPFS, NFS_SUPER_MAGIC, &why), HOMEFS_OK,
	       "tmpfs never reads the real home: served");
	is_int(homefs_serves(HOME_BIND, NFS_SUPER_MAGIC, &why), HOMEFS_OK,
	       "bind over nfs (opened as the user): served");

	struct confine_config *c = load("profiles = { b = { home = \"bind\"; }; };\n");
	const struct confine_profile *p = config_find_profile(c, "b");
	ok(p && p->home == HOME_BIND, "home = \"bind\" is a profile's home mode");
	config_free(c);
}

/* The sshd audit's reading of authorized_keys lines (helper/check-keys.c). */
static void test_key_lines(void)
{
	static const struct {
		const char *line;
		bool forced;
	} cases[] = {
	    {"command=\"internal-sftp\" ssh-ed25519 AAAA k", true},
	    {"no-pty,command=\"internal-sftp -u 077\" ssh-ed25519 AAAA k", true},
	    {"  COMMAND=\"internal-sftp\",no-pty ssh-ed25519 AAAA k", true},
	    {"restrict,command=\"internal-sftp\"\tssh-ed25519 AAAA k", true},
	    {"command=\"internal-sftp\tx\" ssh-ed25519 AAAA k", true},
	    {"ssh-ed25519 AAAA command=\"internal-sftp\"", false},
	    {"# command=\"internal-sftp\" ssh-ed25519 AAAA k", false},
	    {"command=\"/usr/lib/openssh/internal-sftp\" ssh-ed25519 AAAA k", false},
	    {"command=\"internal-sftpx\" ssh-ed25519 AAAA k", false},
	    {"command=\" internal-sftp\" ssh-ed25519 AAAA k", false},
	    {"environment=\"A=command=\\\"internal-sftp\\\"\" ssh-ed25519 AAAA k", false},
	    {"from=\"a,b\",command=\"internal-sftp\" ssh-ed25519 AAAA k", true},
	    /* \" is sshd's only escape: \\" ends the quote for us only if \\ were one. */
	    {"environment=\"A=\\\\\",x\",command=\"internal-sftp\" ssh-ed25519 AAAA k", true},
	    {"command=\"internal-sftp\"\r", true},
	    {"", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(key_line_internal_sftp(cases[i].line) == cases[i].forced, "key line %s: %s",
		   cases[i].line, cases[i].forced ? "forces internal-sftp" : "does not");
}

int main(void)
{
	int fd = mkstemp(conf);

	if (fd < 0) {
		perror(conf);
		return 1;
	}
	close(fd);
	test_report();
	test_homefs();
	test_key_lines();
	unlink(conf);
	return tap_done();
}
