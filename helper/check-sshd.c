/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What sshd itself would serve a confined account (check-sshd.h). Forwarding, tunnels and
 * internal-sftp run inside sshd's own process for the user, in the host's namespaces, and
 * never run the login shell, so confine-shell cannot sandbox them: only sshd's
 * configuration can refuse them (packaging/sshd/confine.conf). `sshd -T -C` prints the
 * settings sshd would apply to one connection, after its Match blocks, as sshd reads them.
 */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-keys.h"
#include "check-sshd.h"
#include "check-user.h"
#include "run-fixed.h"
#include "util.h"

#define SSHD_OUT_MAX ((size_t)64 * 1024)

/* A setting that must have the value safe; DisableForwarding yes stands for the first four. */
static const struct sshd_key {
	const char *key, *name, *safe, *why;
	bool forwarding;
} sshd_keys[] = {
    {"allowtcpforwarding", "AllowTcpForwarding", "no",
     "ssh -L, -R and -D connect and listen in the host's network namespace (the profile's "
     "net setting does not apply)",
     true},
    {"allowstreamlocalforwarding", "AllowStreamLocalForwarding", "no",
     "ssh -L and -R with a socket path reach the host's Unix sockets", true},
    {"x11forwarding", "X11Forwarding", "no",
     "sshd listens for X11 in the host's network namespace and runs xauth there", true},
    {"allowagentforwarding", "AllowAgentForwarding", "no",
     "sshd makes the agent's socket in the host's /tmp", true},
    {"permittunnel", "PermitTunnel", "no", "tun/tap tunnels end in the host's network namespace",
     false},
    {"chrootdirectory", "ChrootDirectory", "none",
     "sshd runs the login shell of the chroot, not confine-shell", false},
};

/* Runs sshd -T (for spec's connection; NULL: the global settings); its output (stdout and
 * stderr) in buf. sshd's exit status, or -errno when it could not be run. */
static int sshd_t(const char *spec, char *buf, size_t len)
{
	char *const argv[] = {"sshd", "-T", spec ? "-C" : NULL, (char *)spec, NULL};
	int r = run_fixed_capture(SSHD_PATH, argv, buf, len);

	return r < 0 ? negerrno() : r;
}

/* The line after l, or NULL at the end. */
static const char *next_line(const char *l)
{
	const char *nl = strchr(l, '\n');

	return nl && nl[1] ? nl + 1 : NULL;
}

/* The value of key in sshd -T's output ("key value\n" lines), copied into val; or NULL. */
static const char *value_of(const char *out, const char *key, char *val, size_t len)
{
	size_t k = strlen(key);

	for (const char *l = out[0] ? out : NULL; l; l = next_line(l))
		if (strncmp(l, key, k) == 0 && l[k] == ' ') {
			snprintf(val, len, "%.*s", (int)strcspn(l + k + 1, "\n"), l + k + 1);
			return val;
		}
	return NULL;
}

/* "internal-sftp" as the command of a ForceCommand value or of a Subsystem line, as sshd
 * tells it (a blank or the end after the name). */
static bool is_internal_sftp(const char *cmd)
{
	return strncmp(cmd, "internal-sftp", 13) == 0 && strchr(" \t\n", cmd[13]);
}

/* Subsystem lines ("subsystem NAME COMMAND") whose command is internal-sftp. */
static int audit_subsystems(const char *out, const char *prefix, FILE *f)
{
	int n = 0;

	for (const char *l = out[0] ? out : NULL; l; l = next_line(l)) {
		if (strncmp(l, "subsystem ", 10) != 0)
			continue;
		const char *name = l + 10, *cmd = name + strcspn(name, " \n");
		if (*cmd != ' ' || !is_internal_sftp(cmd + 1))
			continue;
		fprintf(f,
			"%sSubsystem %.*s internal-sftp: sshd serves it itself, on the real home\n",
			prefix, (int)(cmd - name), name);
		n++;
	}
	return n;
}

static int audit_output(const char *out, const char *prefix, FILE *f)
{
	char val[256], dis[16];
	bool disabled = value_of(out, "disableforwarding", dis, sizeof(dis)) && streq(dis, "yes");
	int n = 0;

	for (size_t i = 0; i < ELEMENTSOF(sshd_keys); i++) {
		const struct sshd_key *k = &sshd_keys[i];
		if ((k->forwarding && disabled) || !value_of(out, k->key, val, sizeof(val)) ||
		    streq(val, k->safe))
			continue;
		fprintf(f, "%s%s %s: %s\n", prefix, k->name, val, k->why);
		n++;
	}
	if (value_of(out, "forcecommand", val, sizeof(val)) && is_internal_sftp(val)) {
		fprintf(f, "%sForceCommand %s: sshd serves sftp itself, on the real home\n", prefix,
			val);
		n++;
	}
	return n + audit_subsystems(out, prefix, f);
}

#define SSHD_PORTS_MAX 4

/* The Port lines of sshd -T's output (global settings: every -C run prints them). */
static unsigned ports_of(const char *out, char ports[][8])
{
	unsigned n = 0;

	for (const char *l = out[0] ? out : NULL; l && n < SSHD_PORTS_MAX; l = next_line(l))
		if (strncmp(l, "port ", 5) == 0)
			snprintf(ports[n++], 8, "%.*s", (int)strcspn(l + 5, "\n"), l + 5);
	return n;
}

/* sshd -T for user's connection from 127.0.0.1 to port; output in buf. As sshd_t, and
 * -ENAMETOOLONG for a name the spec cannot hold. */
static int sshd_t_user(const char *user, const char *port, char *buf, size_t len)
{
	char spec[320];

	if ((size_t)snprintf(spec, sizeof(spec),
			     "user=%s,host=localhost,addr=127.0.0.1,laddr=127.0.0.1,lport=%s", user,
			     port) >= sizeof(spec))
		return -ENAMETOOLONG;
	return sshd_t(spec, buf, len);
}

/* The run failed: the account is not audited, and why. */
static int not_audited(const char *user, const char *prefix, int r, char *buf, FILE *out)
{
	fprintf(out, "%s%s -T cannot say what it would serve %s, so it is NOT audited: %s\n",
		prefix, SSHD_PATH, user,
		r < 0	 ? strerror(-r)
		: buf[0] ? (buf[strcspn(buf, "\n")] = '\0', buf)
			 : "no output");
	return SSHD_AUDIT_FAILED;
}

/* Each of sshd's ports (a Match LocalPort block applies to one): one run per port, the first
 * (lport=22) only to learn them. Findings per port, "port N: " in front when there are more. */
static int audit_ports(const char *user, const char *prefix, char *buf, size_t len, FILE *out)
{
	char ports[SSHD_PORTS_MAX][8], pfx[400];
	int r = sshd_t_user(user, "22", buf, len), n = 0;
	unsigned np;

	if (r != 0)
		return not_audited(user, prefix, r, buf, out);
	if ((np = ports_of(buf, ports)) == 0) /* none printed: the run for 22 is the audit */
		np = (snprintf(ports[0], sizeof(ports[0]), "22"), 1);
	for (unsigned i = 0; i < np; i++) {
		if (!streq(ports[i], "22") || np > 1)
			if ((r = sshd_t_user(user, ports[i], buf, len)) != 0)
				return not_audited(user, prefix, r, buf, out);
		snprintf(pfx, sizeof(pfx), "%s%s%s%s", prefix, np > 1 ? "port " : "",
			 np > 1 ? ports[i] : "", np > 1 ? ": " : "");
		n += audit_output(buf, pfx, out);
	}
	/* The key files sshd would read for the user (the last run's AuthorizedKeysFile). */
	char akf[1024];
	const struct passwd *pw = getpwnam(user);
	if (pw && value_of(buf, "authorizedkeysfile", akf, sizeof(akf))) {
		if ((r = keys_audit(pw, akf, prefix, out)) < 0)
			return SSHD_AUDIT_FAILED;
		n += r;
	}
	return n;
}

int sshd_audit(const char *user, const char *prefix, FILE *out)
{
	_cleanup_free_ char *buf = NULL;
	int n;

	if (access(SSHD_PATH, X_OK) < 0) {
		fprintf(out, "%snot installed (%s): nothing to audit\n", prefix, SSHD_PATH);
		return SSHD_AUDIT_ABSENT;
	}
	/* sshd -T -C takes comma-separated key=value pairs: a name must not add one. */
	if (strpbrk(user, ",= \t\n")) {
		fprintf(out, "%s'%s' cannot be named to sshd -T: NOT audited\n", prefix, user);
		return SSHD_AUDIT_SKIPPED;
	}
	if (!(buf = malloc(SSHD_OUT_MAX)))
		return fprintf(out, "%sout of memory\n", prefix), SSHD_AUDIT_FAILED;
	if ((n = audit_ports(user, prefix, buf, SSHD_OUT_MAX, out)) < 0)
		return n;
	if (n > 0)
		fprintf(
		    out,
		    "%sNOT confined on ssh: sshd would serve the above outside the sandbox (a "
		    "setting: include the Match block of confine's sshd snippet for this account "
		    "and reload sshd; a key line: remove its command=\"internal-sftp\")\n",
		    prefix);
	else
		fprintf(out,
			"%sno forwarding, tunnel, chroot or internal-sftp (as from 127.0.0.1)\n",
			prefix);
	return n;
}

/* Appends a copy of s to *v (size *k, room *cap); false when out of memory. */
static bool strv_push(char ***v, size_t *k, size_t *cap, const char *s)
{
	if (*k == *cap) {
		size_t c = *cap ? *cap * 2 : 32;
		char **nv = realloc(*v, c * sizeof(**v));
		if (!nv)
			return false;
		*v = nv;
		*cap = c;
	}
	return ((*v)[*k] = strdup(s)) ? (++*k, true) : false;
}

/* Adds a copy of name to names unless it is there; counts in *more what did not fit. Only
 * accounts an sshd login would confine take a place. */
static void add_name(const struct confine_config *c, char **names, unsigned *n, unsigned *more,
		     const char *name)
{
	for (unsigned i = 0; i < *n; i++)
		if (streq(names[i], name))
			return;
	const struct passwd *pw = getpwnam(name);
	if (!pw || !user_confined(c, pw, "sshd"))
		return;
	if (*n == SSHD_AUDIT_MAX || !(names[*n] = strdup(name)))
		(*more)++;
	else
		(*n)++;
}

/*
 * The accounts an sshd login would confine: the exact user names of rules, the members of
 * rules' groups (a directory lists those, though it may not enumerate its users), and every
 * account the passwd database lists with confine-shell as its shell (a confined login needs
 * it: uid ranges, globs, primary groups). Names copied at once (the next lookup overwrites).
 */
static unsigned confined_accounts(const struct confine_config *c, char **names, unsigned *more)
{
	_cleanup_free_ char **list = NULL;
	size_t k = 0, cap = 0;
	unsigned n = 0;

	for (unsigned i = 0; i < c->n_rules; i++) {
		const struct confine_rule *r = &c->rules[i];
		const struct group *gr;
		if (r->user && !strpbrk(r->user, "*?[") && !strv_push(&list, &k, &cap, r->user))
			goto out;
		if (r->group && (gr = getgrnam(r->group)))
			for (char **m = gr->gr_mem; *m; m++)
				if (!strv_push(&list, &k, &cap, *m))
					goto out;
	}
	const struct passwd *pw;
	setpwent();
	while ((pw = getpwent()))
		if (streq(pw->pw_shell, CONFINE_SHELL_PATH) &&
		    !strv_push(&list, &k, &cap, pw->pw_name))
			break;
	endpwent();
out:
	for (size_t i = 0; i < k; i++) {
		add_name(c, names, &n, more, list[i]);
		free(list[i]);
	}
	return n;
}

int sshd_audit_rules(const struct confine_config *c, FILE *out)
{
	char *names[SSHD_AUDIT_MAX], prefix[300];
	unsigned n, more = 0, audited = 0;
	int bad = 0;

	if (access(SSHD_PATH, X_OK) < 0) {
		fprintf(out, "# sshd: not installed (%s): nothing to audit\n", SSHD_PATH);
		return 0;
	}
	n = confined_accounts(c, names, &more);
	for (unsigned i = 0; i < n; i++) {
		snprintf(prefix, sizeof(prefix), "# sshd: %s: ", names[i]);
		int k = sshd_audit(names[i], prefix, out);
		bad |= k != 0; /* served outside the sandbox, or not audited */
		if (k == SSHD_AUDIT_FAILED)
			break; /* sshd itself cannot answer: the same for every account */
		audited += k >= 0;
	}
	if (more)
		fprintf(out,
			"# sshd: %u more accounts confined on ssh not audited (at most %d): "
			"confinectl check --user USER --service sshd audits one\n",
			more, SSHD_AUDIT_MAX);
	if (audited == 0 && !bad)
		fprintf(out, "# sshd: no account is confined on ssh\n");
	for (unsigned i = 0; i < n; i++)
		free(names[i]);
	return bad;
}
