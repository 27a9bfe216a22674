/* SPDX-License-Identifier: GPL-2.0-or-later */
/* confine.conf loader, profiles: each key read through its row of profile_keys[]. */
#include <stdbool.h>
#include <stdint.h>

#include "config-internal.h"
#include "profile.h"
#include "units.h"
#include "util.h"

#define PROFILE_NAME_MAX 32

static bool valid_profile_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > PROFILE_NAME_MAX)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* 1..MAX_SESSIONS_LIMIT, or "max" (0). */
static int get_sessions(struct loader *ld, const config_setting_t *s, unsigned *ret)
{
	uint64_t v;

	if (get_count(ld, s, &v) < 0)
		return -EINVAL;
	if (v != UNIT_MAX && v > MAX_SESSIONS_LIMIT) {
		return key_err(ld, s, -EINVAL, "must be at most %d or \"max\"", MAX_SESSIONS_LIMIT);
	}
	*ret = v == UNIT_MAX ? 0 : (unsigned)v;
	return 0;
}

/*
 * A graphical profile is a kiosk: Cage runs its command, nothing else. So graphical needs a
 * command and takes no services list (only the kiosk unit's PAM service opens it); gpu and
 * audio are what a graphical session may add.
 */
static int check_graphical(struct loader *ld, const config_setting_t *ps,
			   const struct confine_profile *p)
{
	const config_setting_t *s;

	if (p->graphical && !p->command)
		return key_err(ld, config_setting_get_member(ps, "graphical"), -EINVAL,
			       "a graphical profile is a kiosk and needs its program: set command "
			       "= [ \"/usr/bin/prog\", ... ];");
	if (p->graphical && (s = config_setting_get_member(ps, "services")))
		return key_err(ld, s, -EINVAL,
			       "a graphical profile is opened only by the kiosk unit's PAM service "
			       "'" CONFINE_KIOSK_SERVICE "': leave services out");
	/* The compositor (Cage) runs unconfined as the same user, with the real home as its
	 * HOME: a program writing that home could leave what Cage and Xwayland load (Mesa's
	 * shader cache, native code under software rendering; XKB files), i.e. run code
	 * outside the sandbox. The other modes never write the real home. */
	if (p->graphical && p->home == HOME_BIND) {
		if (!(s = config_setting_get_member(ps, "home"))) /* from the defaults */
			s = config_setting_get_member(ps, "graphical");
		return key_err(
		    ld, s, -EINVAL,
		    "a graphical profile cannot have home = \"bind\": its compositor runs "
		    "unconfined as the same user and reads that home (Mesa's shader "
		    "cache, XKB files); use \"tmpfs\" or an overlay");
	}
	if (!p->graphical && p->gpu)
		return key_err(ld, config_setting_get_member(ps, "gpu"), -EINVAL,
			       "gpu = true needs graphical = true");
	if (!p->graphical && p->audio)
		return key_err(ld, config_setting_get_member(ps, "audio"), -EINVAL,
			       "audio = true needs graphical = true");
	return 0;
}

/* A key whose value is a string or a list: read straight into its field. */
static int read_text(struct loader *ld, const config_setting_t *s, const struct profile_key *k,
		     struct confine_profile *p)
{
	switch (k->kind) {
	case KEY_PATH:
		return get_path(ld, s, profile_str(p, k));
	case KEY_HOSTNAME:
		return get_hostname(ld, s, profile_str(p, k));
	case KEY_CPUS:
		return get_cpus(ld, s, profile_str(p, k));
	case KEY_SERVICES:
		return get_services(ld, s, (char ***)profile_str(p, k));
	case KEY_COMMAND:
		return get_command(ld, s, (char ***)profile_str(p, k));
	case KEY_NET_ALLOW:
		return get_net_allow(ld, s, (char ***)profile_str(p, k));
	default:
		return -EINVAL;
	}
}

/* Reads the setting s of key k into its field of p. */
static int read_key(struct loader *ld, const config_setting_t *s, const struct profile_key *k,
		    struct confine_profile *p)
{
	uint64_t v = 0;
	unsigned u = 0;
	bool b = false;
	int r, choice = 0;

	switch (k->kind) {
	case KEY_SIZE_MIN_1M:
		r = get_size(ld, s, SIZE_MIN_1M, &v);
		break;
	case KEY_SIZE_MEM:
		r = get_size(ld, s, SIZE_MEM, &v);
		break;
	case KEY_SIZE_MEM_ZERO:
		r = get_size(ld, s, SIZE_MEM_ZERO, &v);
		break;
	case KEY_COUNT:
		r = get_count(ld, s, &v);
		break;
	case KEY_DURATION:
		r = get_duration(ld, s, true, &v);
		break;
	case KEY_DURATION_SET:
		r = get_duration(ld, s, false, &v);
		break;
	case KEY_PERCENT:
		r = get_percent(ld, s, &u), v = u;
		break;
	case KEY_WEIGHT:
		r = get_weight(ld, s, &u), v = u;
		break;
	case KEY_SESSIONS:
		r = get_sessions(ld, s, &u), v = u;
		break;
	case KEY_BOOL:
		r = get_bool(ld, s, &b), v = b;
		break;
	case KEY_CHOICE:
		r = get_choice(ld, s, k->choices, k->expected, &choice), v = (uint64_t)choice;
		break;
	default:
		return read_text(ld, s, k, p);
	}
	if (r == 0)
		profile_set_num(p, k, v);
	return r;
}

static int profile_key(struct loader *ld, const config_setting_t *s, struct confine_profile *p)
{
	const struct profile_key *k = profile_key_find(config_setting_name(s));

	if (!k) {
		return key_err(ld, s, -EINVAL, "unknown key");
	}
	return read_key(ld, s, k, p);
}

int load_profiles(struct loader *ld, const config_setting_t *group, struct confine_config *c)
{
	int n = config_setting_length(group);

	if (config_setting_type(group) != CONFIG_TYPE_GROUP) {
		return key_err(
		    ld, group, -EINVAL,
		    "expected a group of profiles, like profiles = { guest = { ... }; };");
	}
	if (n == 0)
		return 0;
	c->profiles = calloc((size_t)n, sizeof(*c->profiles));
	if (!c->profiles) {
		return key_err(ld, group, -ENOMEM, "out of memory");
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *ps = config_setting_get_elem(group, (unsigned)i);
		struct confine_profile *p = &c->profiles[i];
		const char *name = config_setting_name(ps);
		int r;

		if (!valid_profile_name(name)) {
			return key_err(ld, ps, -EINVAL,
				       "invalid profile name: use 1..%d of a-z, 0-9, '_' and '-'",
				       PROFILE_NAME_MAX);
		}
		if (config_setting_type(ps) != CONFIG_TYPE_GROUP) {
			return key_err(ld, ps, -EINVAL,
				       "expected a group of settings, like %s = { ... };", name);
		}
		c->n_profiles++;
		if (profile_init(p, name) < 0) {
			return key_err(ld, ps, -ENOMEM, "out of memory");
		}
		for (int k = 0; k < config_setting_length(ps); k++) {
			r = profile_key(ld, config_setting_get_elem(ps, (unsigned)k), p);
			if (r < 0)
				return r;
		}
		if ((r = check_graphical(ld, ps, p)) < 0)
			return r;
		/* A list that would not apply: the admin meant net = "allow" (or forgot it). */
		if (p->net_allow && p->net != NET_ALLOW)
			return key_err(ld, config_setting_get_member(ps, "net_allow"), -EINVAL,
				       "net_allow needs net = \"allow\"");
		/* io limits name a device through io_path; without it they would apply nowhere. */
		if (profile_has_io(p) && !p->io_path) {
			return key_err(
			    ld, ps, -EINVAL,
			    "io limits are set but io_path is not: name a path on the block "
			    "device they apply to, like io_path = \"/home\";");
		}
	}
	return 0;
}
