/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confine.conf loader: reads the file through one checked fd (config-file.c), pre-scans the
 * text (config-scan.c), parses it with libconfig and validates every setting into a struct
 * confine_config: the top level and the rules here, the profiles in config-profile.c, each
 * value with a reader of config-values.c. Also the lookups on a loaded config.
 */
#include <fnmatch.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>

#include "config-internal.h"
#include "profile.h"
#include "util.h"

#define UID_LIMIT	    ((uint64_t)UINT32_MAX - 1) /* (uid_t)-1 is never a uid */
#define DEFAULT_CGROUP_ROOT "/sys/fs/cgroup/confine"
#define DEFAULT_STATE_DIR   "/var/lib/confine"

static const char *const backend_names[] = {"auto", "systemd", "cgroupfs", NULL};

/* ---- rules ----------------------------------------------------------------------------- */

static int get_uid_range(struct loader *ld, const config_setting_t *s, struct confine_rule *rule)
{
	unsigned long long lo, hi;
	const char *str = NULL;
	char *end;

	if (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64) {
		long long v = config_setting_get_int64(s);

		if (v < 0 || (uint64_t)v > UID_LIMIT) {
			return key_err(ld, s, -EINVAL, "uid must be between 0 and %" PRIu64,
				       UID_LIMIT);
		}
		rule->uid_min = rule->uid_max = (uid_t)v;
		rule->has_uid = true;
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		return key_err(ld, s, -EINVAL, "expected a uid or a range like \"1000-1999\"");
	}
	str = config_setting_get_string(s);
	if (!is_digit(str[0]))
		goto bad;
	errno = 0;
	lo = strtoull(str, &end, 10);
	if (errno || *end != '-' || !is_digit(end[1]))
		goto bad;
	hi = strtoull(end + 1, &end, 10);
	if (errno || *end || lo > hi || hi > UID_LIMIT)
		goto bad;
	rule->uid_min = (uid_t)lo;
	rule->uid_max = (uid_t)hi;
	rule->has_uid = true;
	return 0;
bad:
	return key_err(
	    ld, s, -EINVAL,
	    "invalid uid range \"%s\": expected \"MIN-MAX\" with 0 <= MIN <= MAX <= %" PRIu64, str,
	    UID_LIMIT);
}

static int rule_key(struct loader *ld, const config_setting_t *s, const struct confine_config *c,
		    struct confine_rule *rule)
{
	static const struct {
		const char *name;
		size_t off;
	} globs[] = {
	    {"user", offsetof(struct confine_rule, user)},
	    {"group", offsetof(struct confine_rule, group)},
	    {"service", offsetof(struct confine_rule, service)},
	    {"rhost", offsetof(struct confine_rule, rhost)},
	    {"tty", offsetof(struct confine_rule, tty)},
	};
	const char *key = config_setting_name(s), *str = NULL;

	for (size_t i = 0; i < ELEMENTSOF(globs); i++) {
		if (!streq(key, globs[i].name))
			continue;
		if (get_string(ld, s, "a string", &str) < 0)
			return -EINVAL;
		if (!*str) {
			return key_err(ld, s, -EINVAL, "must not be empty");
		}
		return set_string(ld, s, str, (char **)((char *)rule + globs[i].off));
	}
	if (streq(key, "uid"))
		return get_uid_range(ld, s, rule);
	if (streq(key, "profile")) {
		if (get_string(ld, s, "a profile name", &str) < 0)
			return -EINVAL;
		rule->profile = config_find_profile(c, str);
		if (!rule->profile) {
			return key_err(ld, s, -EINVAL, "unknown profile \"%s\"", str);
		}
		return 0;
	}
	return key_err(ld, s, -EINVAL, "unknown key");
}

static void rule_done(struct confine_rule *r)
{
	free(r->user);
	free(r->group);
	free(r->service);
	free(r->rhost);
	free(r->tty);
}

static int load_rules(struct loader *ld, const config_setting_t *list, struct confine_config *c)
{
	int n = config_setting_length(list);

	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		return key_err(
		    ld, list, -EINVAL,
		    "expected a list of rules, like rules = ( { group = \"confine\"; profile = "
		    "\"guest\"; } );");
	}
	if (n == 0)
		return 0;
	c->rules = calloc((size_t)n, sizeof(*c->rules));
	if (!c->rules) {
		return key_err(ld, list, -ENOMEM, "out of memory");
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *rs = config_setting_get_elem(list, (unsigned)i);
		struct confine_rule *rule = &c->rules[i];
		int r;

		if (config_setting_type(rs) != CONFIG_TYPE_GROUP) {
			return key_err(
			    ld, rs, -EINVAL,
			    "expected a group of settings, like { group = \"confine\"; profile = "
			    "\"guest\"; }");
		}
		c->n_rules++;
		rule->line = config_setting_source_line(rs);
		for (int k = 0; k < config_setting_length(rs); k++) {
			r = rule_key(ld, config_setting_get_elem(rs, (unsigned)k), c, rule);
			if (r < 0)
				return r;
		}
		if (!rule->profile) {
			return key_err(ld, rs, -EINVAL, "missing 'profile'");
		}
		if (!rule->user && !rule->group && !rule->has_uid && !rule->service &&
		    !rule->rhost && !rule->tty) {
			return key_err(
			    ld, rs, -EINVAL,
			    "rule has no criteria: give at least one of user, group, uid, "
			    "service, rhost, tty");
		}
	}
	return 0;
}

/* ---- the whole file -------------------------------------------------------------------- */

static int load_root(struct loader *ld, struct confine_config *c)
{
	const config_setting_t *root = config_root_setting(&ld->cfg), *rules = NULL;
	int r;

	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *key = config_setting_name(s);

		if (streq(key, "cgroup_root"))
			r = get_path(ld, s, &c->cgroup_root);
		else if (streq(key, "state_dir"))
			r = get_path(ld, s, &c->state_dir);
		else if (streq(key, "cgroup_backend")) {
			int choice = 0;
			r = get_choice(ld, s, backend_names,
				       "\"auto\", \"systemd\" or \"cgroupfs\"", &choice);
			c->cgroup_backend = (enum cgroup_backend)choice;
		} else if (streq(key, "profiles"))
			r = load_profiles(ld, s, c);
		else if (streq(key, "rules")) {
			rules = s; /* after all profiles are known */
			r = 0;
		} else {
			r = key_err(ld, s, -EINVAL, "unknown key");
		}
		if (r < 0)
			return r;
	}
	return rules ? load_rules(ld, rules, c) : 0;
}

static int parse_error(struct loader *ld)
{
	_cleanup_free_ char *ipath = NULL;
	const char *file = config_error_file(&ld->cfg);

	if (file)
		file = ipath = include_path(ld, file);
	if (!file)
		file = ld->path;
	return set_err(ld, -EINVAL, "%s:%d: syntax error: %s", file, config_error_line(&ld->cfg),
		       config_error_text(&ld->cfg) ? config_error_text(&ld->cfg) : "unknown error");
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int config_load(const char *path, unsigned flags, struct confine_config **ret, struct error *err)
{
	struct loader ld = {.path = path, .flags = flags, .err = err};
	struct confine_config *c = NULL;
	_cleanup_free_ char *text = NULL, *bare = NULL;
	int r;

	ld.dir = dir_of(path);
	c = calloc(1, sizeof(*c));
	if (!ld.dir || !c) {
		r = set_err(&ld, -ENOMEM, "%s: out of memory", path);
		goto out;
	}
	c->path = strdup(path);
	c->cgroup_root = strdup(DEFAULT_CGROUP_ROOT);
	c->state_dir = strdup(DEFAULT_STATE_DIR);
	if (!c->path || !c->cgroup_root || !c->state_dir) {
		r = set_err(&ld, -ENOMEM, "%s: out of memory", path);
		goto out;
	}

	r = read_config_file(&ld, path, &text);
	if (r < 0)
		goto out;
	if (!(bare = malloc(strlen(text) + 1))) {
		r = set_err(&ld, -ENOMEM, "%s: out of memory", path);
		goto out;
	}
	r = scan_text(&ld, text, path, 0, bare);
	if (r < 0)
		goto out;

	config_init(&ld.cfg);
	ld.cfg_init = true;
	config_set_include_dir(&ld.cfg, ld.dir);
	if (config_read_string(&ld.cfg, bare) != CONFIG_TRUE) {
		r = parse_error(&ld);
		goto out;
	}
	r = load_root(&ld, c);
	if (r < 0)
		goto out;

	*ret = TAKE_PTR(c);
	r = 0;
out:
	if (ld.cfg_init)
		config_destroy(&ld.cfg);
	free(ld.dir);
	config_free(c);
	return r;
}

void config_free(struct confine_config *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->n_profiles; i++)
		profile_done(&c->profiles[i]);
	for (unsigned i = 0; i < c->n_rules; i++)
		rule_done(&c->rules[i]);
	free(c->profiles);
	free(c->rules);
	free(c->path);
	free(c->cgroup_root);
	free(c->state_dir);
	free(c);
}

/* ---- lookups --------------------------------------------------------------------------- */

const struct confine_profile *config_find_profile(const struct confine_config *c, const char *name)
{
	if (!c || !name)
		return NULL;
	for (unsigned i = 0; i < c->n_profiles; i++)
		if (streq(c->profiles[i].name, name))
			return &c->profiles[i];
	return NULL;
}

bool profile_allows_service(const struct confine_profile *p, const char *service)
{
	if (!p || !p->services || !service || !*service)
		return false;
	/* A kiosk has no shell anywhere: only its unit's session (Cage, then the command). */
	if (p->graphical)
		return streq(service, CONFINE_KIOSK_SERVICE);
	for (char **g = p->services; *g; g++)
		if (fnmatch(*g, service, 0) == 0)
			return true;
	return false;
}

static bool glob_ok(const char *pattern, const char *value)
{
	if (!pattern)
		return true;
	return value && fnmatch(pattern, value, 0) == 0;
}

/*
 * The line a /dev/ path names: "pts/N", "ttyN", "ttySN"; NULL for any other value. Never an
 * alias such as /dev/tty or /dev/ptmx, which anyone can open and give su as its input.
 */
static const char *tty_line(const char *tty)
{
	static const char *const kinds[] = {"pts/", "ttyS", "tty"};

	if (strncmp(tty, "/dev/", 5) != 0)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
		size_t k = strlen(kinds[i]);
		const char *n = tty + 5 + k;
		if (strncmp(tty + 5, kinds[i], k) == 0 && *n && !n[strspn(n, "0123456789")])
			return tty + 5;
	}
	return NULL;
}

/*
 * A tty rule against PAM_TTY. Login programs disagree (login sets "tty1", su and sshd
 * "/dev/pts/3"): a glob without a leading '/' also matches the line of such a path, as
 * pam_access and pam_securetty strip "/dev/". su names the tty after its input, so the
 * aliases any user can open (/dev/tty: the caller's terminal, whatever it is; /dev/ptmx,
 * /dev/pts/ptmx) match no rule: they say nothing about where the login comes from.
 */
static bool tty_ok(const char *pattern, const char *tty)
{
	static const char *const alias[] = {"/dev/tty", "/dev/ptmx", "/dev/pts/ptmx"};
	const char *line;

	if (!pattern)
		return true;
	if (!tty)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(alias); i++)
		if (streq(tty, alias[i]))
			return false;
	if (fnmatch(pattern, tty, 0) == 0)
		return true;
	return pattern[0] != '/' && (line = tty_line(tty)) && fnmatch(pattern, line, 0) == 0;
}

/* 1 if the user is in group (or no group is asked for), 0 if not, negative if unknown. */
static int group_ok(const char *group, const struct match_input *in)
{
	if (!group)
		return 1;
	if (in->member)
		return in->member(group, in->member_data);
	for (const char *const *g = in->groups; g && *g; g++)
		if (streq(*g, group))
			return 1;
	return 0;
}

int config_match(const struct confine_config *c, const struct match_input *in,
		 const struct confine_rule **ret)
{
	*ret = NULL;
	if (!c || !in)
		return 0;
	for (unsigned i = 0; i < c->n_rules; i++) {
		const struct confine_rule *r = &c->rules[i];

		/* The group last: only a rule that would otherwise match asks the database. */
		if (!glob_ok(r->user, in->user) ||
		    (r->has_uid && (in->uid < r->uid_min || in->uid > r->uid_max)) ||
		    !glob_ok(r->service, in->service) || !glob_ok(r->rhost, in->rhost) ||
		    !tty_ok(r->tty, in->tty))
			continue;
		int m = group_ok(r->group, in);
		if (m == 0)
			continue;
		*ret = r;
		return m < 0 ? m : 0;
	}
	return 0;
}

const char *config_backend_name(enum cgroup_backend b)
{
	return backend_names[b];
}
