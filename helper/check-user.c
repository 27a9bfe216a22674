/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The same questions confine-helper's match_user and do_account ask, answered as text. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/vfs.h>

#include "check-user.h"
#include "homefs.h"
#include "profile.h"
#include "users.h"
#include "util.h"

static const char *const home_mode_names[] = {"ephemeral", "persistent", "tmpfs", "bind"};

/* The user's groups by name (a gid no source names as a number). */
static void print_groups(const gid_t *g, int n, FILE *out)
{
	fprintf(out, "groups:");
	for (int i = 0; i < n; i++) {
		const struct group *gr = getgrgid(g[i]);
		if (gr)
			fprintf(out, " %s", gr->gr_name);
		else
			fprintf(out, " %u", (unsigned)g[i]);
	}
	fprintf(out, "\n");
}

/* Every group a rule names, asked as a login asks it; false if one cannot be resolved. */
static bool print_rule_groups(const struct confine_config *c, struct user_membership *um, FILE *out)
{
	bool all = true;

	for (unsigned i = 0; i < c->n_rules; i++) {
		const struct confine_rule *r = &c->rules[i];
		int m = r->group ? user_in_group(r->group, um) : 0;
		if (m >= 0)
			continue;
		fprintf(out, "rule group: %s:%d: '%s' cannot be resolved (%s)\n", c->path, r->line,
			r->group, strerror(-m));
		all = false;
	}
	fprintf(out, "rule groups: %s\n",
		all ? "all resolved" : "NOT all resolved (logins asking them are refused)");
	return all;
}

/* The helper's verdict on a match (r, m from config_match): true if the login is refused. */
static bool print_verdict(const struct passwd *pw, const struct confine_rule *r, int m,
			  const char *service, FILE *out)
{
	bool shell = streq(pw->pw_shell, CONFINE_SHELL_PATH);

	if (m < 0 && r) {
		fprintf(out,
			"result: refused: the rule names group '%s', which cannot be resolved "
			"now, so whether the user is confined cannot be told\n",
			r->group);
	} else if (!r && shell) {
		fprintf(out, "result: refused: its login shell is confine-shell but no rule "
			     "matches it\n");
	} else if (!r) {
		fprintf(out, "result: not confined (no rule matches)\n");
		return false;
	} else if (!profile_allows_service(r->profile, service) && r->profile->graphical) {
		fprintf(out,
			"result: refused: profiles.%s is a graphical kiosk: only PAM service "
			"'" CONFINE_KIOSK_SERVICE "' opens it\n",
			r->profile->name);
	} else if (!profile_allows_service(r->profile, service)) {
		fprintf(out, "result: refused: PAM service '%s' is not in profiles.%s.services\n",
			service, r->profile->name);
	} else if (!shell) {
		fprintf(out, "result: refused: its login shell is '%s', not confine-shell\n",
			pw->pw_shell);
	} else {
		fprintf(out, "result: confined (profile %s)\n", r->profile->name);
		return false;
	}
	return true;
}

/* config_match for a login of um's user through service (no rhost, no tty). */
static int match_login(const struct confine_config *c, struct user_membership *um,
		       const char *service, const struct confine_rule **r)
{
	struct match_input in = {.user = um->pw->pw_name,
				 .uid = um->pw->pw_uid,
				 .member = user_in_group,
				 .member_data = um,
				 .service = service};
	return config_match(c, &in, r);
}

/* The rule a login would match, as confine-helper's match_user finds it; the matched rule
 * (NULL for none, or when refused) in *ret. True if the login is refused. */
static bool print_match(const struct confine_config *c, const struct passwd *pw,
			struct user_membership *um, const char *service,
			const struct confine_rule **ret, FILE *out)
{
	const struct confine_rule *r = NULL;
	int m = match_login(c, um, service, &r);

	if (r)
		fprintf(out, "rule: %s:%d -> profile %s\n", c->path, r->line, r->profile->name);
	else
		fprintf(out, "rule: none matches\n");
	bool refused = print_verdict(pw, r, m, service, out);
	*ret = refused ? NULL : r;
	return refused;
}

/* The home's file system and whether the profile can serve it; false if it cannot. */
static bool print_home(const struct passwd *pw, const struct confine_rule *r, FILE *out)
{
	struct statfs sf;
	const char *name, *why;

	if (statfs(pw->pw_dir, &sf) < 0) {
		fprintf(out, "home: %s (file system unknown: %s)\n", pw->pw_dir, strerror(errno));
		return !r || r->profile->home == HOME_TMPFS;
	}
	name = homefs_name((unsigned long)sf.f_type);
	if (name)
		fprintf(out, "home: %s (%s)\n", pw->pw_dir, name);
	else
		fprintf(out, "home: %s (file system magic 0x%lx)\n", pw->pw_dir,
			(unsigned long)sf.f_type);
	if (!r)
		return true;
	enum home_mode mode = r->profile->home;
	enum homefs_verdict v = homefs_serves(mode, (unsigned long)sf.f_type, &why);
	fprintf(out, "home mode: %s: %s%s\n", home_mode_names[mode],
		v == HOMEFS_OK	      ? "can serve this home"
		: v == HOMEFS_CAUTION ? "caution: "
				      : "cannot: ",
		why ? why : "");
	return v != HOMEFS_CANNOT;
}

int check_user(const struct confine_config *c, const char *user, const char *service, FILE *out)
{
	_cleanup_free_ gid_t *gids = NULL;
	const struct passwd *pw;
	bool refused, ok;
	int n;

	errno = 0;
	if (!(pw = getpwnam(user))) {
		fprintf(out, "user: %s: %s\n", user, errno ? strerror(errno) : "no such user");
		return CHECK_USER_NO_USER;
	}
	fprintf(out, "user: %s (uid %u, gid %u)\n", pw->pw_name, (unsigned)pw->pw_uid,
		(unsigned)pw->pw_gid);
	if ((n = user_groups(pw, &gids)) < 0) {
		fprintf(out, "groups: cannot be read (%s)\n", strerror(-n));
		return CHECK_USER_PROBLEM;
	}
	print_groups(gids, n, out);
	struct user_membership um = {pw, gids, n};
	ok = print_rule_groups(c, &um, out);
	fprintf(out, "shell: %s (%s)\n", pw->pw_shell,
		streq(pw->pw_shell, CONFINE_SHELL_PATH) ? "confine-shell" : "not confine-shell");
	fprintf(out, "service: %s\n", service);
	const struct confine_rule *r;
	refused = print_match(c, pw, &um, service, &r, out);
	ok &= print_home(pw, r, out);
	return ok && !refused ? 0 : CHECK_USER_PROBLEM;
}

bool user_confined(const struct confine_config *c, const struct passwd *pw, const char *service)
{
	_cleanup_free_ gid_t *gids = NULL;
	const struct confine_rule *r = NULL;
	int n = user_groups(pw, &gids);

	if (n < 0 || !streq(pw->pw_shell, CONFINE_SHELL_PATH))
		return false;
	struct user_membership um = {pw, gids, n};
	return match_login(c, &um, service, &r) == 0 && r &&
	       profile_allows_service(r->profile, service);
}
