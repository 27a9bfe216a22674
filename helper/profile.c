/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of profile keys (see profile.h), the profile's defaults and the printer of
 * `confinectl check`. No libconfig here: the loader (config-profile.c) reads through it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "units.h"
#include "util.h"

static const char *const home_names[] = {"ephemeral", "persistent", "tmpfs", "bind", NULL};
static const char *const net_names[] = {"none", "host", "allow", NULL};
static const char *const limits_names[] = {"required", "optional", NULL};

#define F(field)                                                                                   \
	.off = offsetof(struct confine_profile, field),                                            \
	.size = sizeof(((struct confine_profile *)NULL)->field)

/* In the order `confinectl check` prints them. */
const struct profile_key profile_keys[] = {
    {"home", KEY_CHOICE, F(home), .def = HOME_EPHEMERAL, .choices = home_names,
     .expected = "\"ephemeral\", \"persistent\", \"tmpfs\" or \"bind\""},
    {"home_size", KEY_SIZE_MIN_1M, F(home_size), .def = UINT64_C(256) << 20},
    {"tmp_size", KEY_SIZE_MIN_1M, F(tmp_size), .def = UINT64_C(64) << 20},
    {"memory_max", KEY_SIZE_MEM, F(memory_max), .def = UNIT_MAX, .controller = "memory",
     .cg_file = "memory.max", .cg_format = CG_NUM, .sd_prop = "MemoryMax", .sd_format = SD_U64},
    {"memory_high", KEY_SIZE_MEM, F(memory_high), .def = UNIT_MAX, .controller = "memory",
     .cg_file = "memory.high", .cg_format = CG_NUM, .sd_prop = "MemoryHigh", .sd_format = SD_U64},
    {"memory_swap_max", KEY_SIZE_MEM_ZERO, F(memory_swap_max), .def = UNIT_MAX,
     .controller = "memory", .cg_file = "memory.swap.max", .cg_format = CG_NUM,
     .sd_prop = "MemorySwapMax", .sd_format = SD_U64},
    {"cpu_quota", KEY_PERCENT, F(cpu_quota), .controller = "cpu", .cg_file = "cpu.max",
     .cg_format = CG_CPU_MAX, .sd_prop = "CPUQuotaPerSecUSec", .sd_format = SD_CPU_QUOTA},
    {"cpu_weight", KEY_WEIGHT, F(cpu_weight),
     .unset = "# cpu_weight: not set (kernel default, 100)", .controller = "cpu",
     .cg_file = "cpu.weight", .cg_format = CG_NUM, .sd_prop = "CPUWeight", .sd_format = SD_U64},
    {"pids_max", KEY_COUNT, F(pids_max), .def = UNIT_MAX, .controller = "pids",
     .cg_file = "pids.max", .cg_format = CG_NUM, .sd_prop = "TasksMax", .sd_format = SD_U64},
    {"net", KEY_CHOICE, F(net), .def = NET_NONE, .choices = net_names,
     .expected = "\"none\", \"host\" or \"allow\""},
    {"net_allow", KEY_NET_ALLOW, F(net_allow), .unset = ""},
    {"user_ns", KEY_BOOL, F(user_ns)},
    {"hostname", KEY_HOSTNAME, F(hostname), .def_str = "confine"},
    {"shell", KEY_PATH, F(shell), .def_str = "/bin/bash"},
    {"command", KEY_COMMAND, F(command), .unset = "# command: not set (the user's shell)"},
    {"init", KEY_BOOL, F(init)},
    {"graphical", KEY_BOOL, F(graphical)},
    {"gpu", KEY_BOOL, F(gpu)},
    {"audio", KEY_BOOL, F(audio)},
    /* An OOM kill then takes the whole session, not one random process of it. */
    {"memory_oom_group", KEY_BOOL, F(memory_oom_group), .def = true, .controller = "memory",
     .cg_file = "memory.oom.group", .cg_format = CG_ONE},
    {"cpuset_cpus", KEY_CPUS, F(cpuset_cpus), .unset = "# cpuset_cpus: not set (all CPUs)",
     .controller = "cpuset", .cg_file = "cpuset.cpus", .cg_format = CG_STRING,
     .sd_prop = "AllowedCPUs", .sd_format = SD_CPUS},
    {"io_path", KEY_PATH, F(io_path), .unset = "# io_path: not set (no io limits)"},
    {"io_read_bps", KEY_SIZE_MEM, F(io_read_bps), .def = UNIT_MAX, .flags = KEY_F_IO,
     .controller = "io", .cg_file = "io.max", .cg_format = CG_IO_MAX, .cg_key = "rbps",
     .sd_prop = "IOReadBandwidthMax", .sd_format = SD_IO},
    {"io_write_bps", KEY_SIZE_MEM, F(io_write_bps), .def = UNIT_MAX, .flags = KEY_F_IO,
     .controller = "io", .cg_file = "io.max", .cg_format = CG_IO_MAX, .cg_key = "wbps",
     .sd_prop = "IOWriteBandwidthMax", .sd_format = SD_IO},
    {"io_read_iops", KEY_COUNT, F(io_read_iops), .def = UNIT_MAX, .flags = KEY_F_IO,
     .controller = "io", .cg_file = "io.max", .cg_format = CG_IO_MAX, .cg_key = "riops",
     .sd_prop = "IOReadIOPSMax", .sd_format = SD_IO},
    {"io_write_iops", KEY_COUNT, F(io_write_iops), .def = UNIT_MAX, .flags = KEY_F_IO,
     .controller = "io", .cg_file = "io.max", .cg_format = CG_IO_MAX, .cg_key = "wiops",
     .sd_prop = "IOWriteIOPSMax", .sd_format = SD_IO},
    /* Per-device weights need io.cost on the device, or else the BFQ scheduler. */
    {"io_weight", KEY_WEIGHT, F(io_weight), .unset = "", .flags = KEY_F_IO, .controller = "io",
     .cg_file = "io.weight", .cg_format = CG_IO_WEIGHT, .sd_prop = "IODeviceWeight",
     .sd_format = SD_IO},
    {"user_memory_max", KEY_SIZE_MEM, F(user_memory_max), .def = UNIT_MAX, .flags = KEY_F_USER,
     .controller = "memory", .cg_file = "memory.max", .cg_format = CG_NUM, .sd_prop = "MemoryMax",
     .sd_format = SD_U64},
    {"user_cpu_quota", KEY_PERCENT, F(user_cpu_quota), .flags = KEY_F_USER, .controller = "cpu",
     .cg_file = "cpu.max", .cg_format = CG_CPU_MAX, .sd_prop = "CPUQuotaPerSecUSec",
     .sd_format = SD_CPU_QUOTA},
    {"user_pids_max", KEY_COUNT, F(user_pids_max), .def = UNIT_MAX, .flags = KEY_F_USER,
     .controller = "pids", .cg_file = "pids.max", .cg_format = CG_NUM, .sd_prop = "TasksMax",
     .sd_format = SD_U64},
    {"max_sessions", KEY_SESSIONS, F(max_sessions)},
    {"max_duration", KEY_DURATION, F(max_duration)},
    {"max_duration_grace", KEY_DURATION_SET, F(max_duration_grace), .def = 30},
    {"limits", KEY_CHOICE, F(limits_optional), .choices = limits_names,
     .expected = "\"required\" or \"optional\""},
    {"services", KEY_SERVICES, F(services)},
};
#undef F

const size_t profile_keys_n = ELEMENTSOF(profile_keys);

const struct profile_key *profile_key_find(const char *key)
{
	PROFILE_KEYS_FOREACH (k)
		if (streq(k->key, key))
			return k;
	return NULL;
}

uint64_t profile_num(const struct confine_profile *p, const struct profile_key *k)
{
	const char *f = (const char *)p + k->off;

	switch (k->size) {
	case sizeof(bool):
		return *(const bool *)f;
	case sizeof(unsigned):
		return *(const unsigned *)f;
	default:
		return *(const uint64_t *)f;
	}
}

void profile_set_num(struct confine_profile *p, const struct profile_key *k, uint64_t v)
{
	char *f = (char *)p + k->off;

	switch (k->size) {
	case sizeof(bool):
		*(bool *)f = v != 0;
		break;
	case sizeof(unsigned):
		*(unsigned *)f = (unsigned)v;
		break;
	default:
		*(uint64_t *)f = v;
		break;
	}
}

char **profile_str(struct confine_profile *p, const struct profile_key *k)
{
	return (char **)((char *)p + k->off);
}

const char *profile_cstr(const struct confine_profile *p, const struct profile_key *k)
{
	return *(char *const *)((const char *)p + k->off);
}

static bool is_string(enum key_kind kind)
{
	return kind == KEY_PATH || kind == KEY_HOSTNAME || kind == KEY_CPUS;
}

bool profile_key_set(const struct confine_profile *p, const struct profile_key *k)
{
	switch (k->kind) {
	case KEY_SIZE_MEM:
	case KEY_SIZE_MEM_ZERO:
	case KEY_COUNT:
		return profile_num(p, k) != UNIT_MAX;
	case KEY_SIZE_MIN_1M:
		return true;
	case KEY_PATH:
	case KEY_HOSTNAME:
	case KEY_CPUS:
		return profile_cstr(p, k) != NULL;
	case KEY_SERVICES:
		return true;
	case KEY_COMMAND:
	case KEY_NET_ALLOW:
		return *(char *const *)((const char *)p + k->off) != NULL;
	default:
		return profile_num(p, k) != 0;
	}
}

bool profile_has_user_limits(const struct confine_profile *p)
{
	PROFILE_KEYS_FOREACH (k)
		if ((k->flags & KEY_F_USER) && profile_key_set(p, k))
			return true;
	return false;
}

bool profile_has_io(const struct confine_profile *p)
{
	PROFILE_KEYS_FOREACH (k)
		if ((k->flags & KEY_F_IO) && profile_key_set(p, k))
			return true;
	return false;
}

/* ---- defaults ------------------------------------------------------------------------- */

static int default_services(char ***field)
{
	static const char *const names[] = {CONFINE_DEFAULT_SERVICES};
	char **v = calloc(ELEMENTSOF(names) + 1, sizeof(char *));

	if (!v)
		return -ENOMEM;
	*field = v;
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (!(v[i] = strdup(names[i])))
			return -ENOMEM;
	return 0;
}

int profile_init(struct confine_profile *p, const char *name)
{
	*p = (struct confine_profile){0};
	if (!(p->name = strdup(name)))
		return -ENOMEM;
	PROFILE_KEYS_FOREACH (k) {
		if (k->kind == KEY_SERVICES) {
			if (default_services((char ***)profile_str(p, k)) < 0)
				return -ENOMEM;
		} else if (is_string(k->kind)) {
			if (k->def_str && !(*profile_str(p, k) = strdup(k->def_str)))
				return -ENOMEM;
		} else {
			profile_set_num(p, k, k->def);
		}
	}
	return 0;
}

void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void profile_done(struct confine_profile *p)
{
	free(p->name);
	PROFILE_KEYS_FOREACH (k) {
		if (k->kind == KEY_SERVICES || k->kind == KEY_COMMAND || k->kind == KEY_NET_ALLOW)
			free_strv(*(char ***)profile_str(p, k));
		else if (is_string(k->kind))
			free(*profile_str(p, k));
	}
}

/* ---- printing ------------------------------------------------------------------------- */

/* ["a", "b"], each element quoted as libconfig reads it back ('"' and '\\' escaped). */
static void print_list(char *const *v, FILE *out)
{
	fprintf(out, "[");
	for (size_t i = 0; v && v[i]; i++) {
		fprintf(out, "%s\"", i ? ", " : "");
		for (const char *c = v[i]; *c; c++)
			fprintf(out, "%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
		fprintf(out, "\"");
	}
	fprintf(out, "]");
}

/* The value of k as the config spells it, after "key = ". */
static void print_value(const struct confine_profile *p, const struct profile_key *k, FILE *out)
{
	uint64_t v = is_string(k->kind) || k->kind == KEY_SERVICES || k->kind == KEY_COMMAND ||
			     k->kind == KEY_NET_ALLOW
			 ? 0
			 : profile_num(p, k);
	char buf[32];

	switch (k->kind) {
	case KEY_SIZE_MIN_1M:
	case KEY_SIZE_MEM:
	case KEY_SIZE_MEM_ZERO:
		fprintf(out, "\"%s\"", format_size(v, buf, sizeof(buf)));
		break;
	case KEY_DURATION:
	case KEY_DURATION_SET:
		fprintf(out, "\"%s\"", format_duration(v, buf, sizeof(buf)));
		break;
	case KEY_PERCENT:
		if (v)
			fprintf(out, "\"%" PRIu64 "%%\"", v);
		else
			fprintf(out, "\"max\"");
		break;
	case KEY_SESSIONS:
		if (v)
			fprintf(out, "%" PRIu64, v);
		else
			fprintf(out, "\"max\"");
		break;
	case KEY_COUNT: /* "max", N, or NL above the 32-bit range */
		if (v == UNIT_MAX)
			fprintf(out, "\"max\"");
		else
			fprintf(out, "%" PRIu64 "%s", v, v > INT32_MAX ? "L" : "");
		break;
	case KEY_WEIGHT:
		fprintf(out, "%" PRIu64, v);
		break;
	case KEY_BOOL:
		fprintf(out, "%s", v ? "true" : "false");
		break;
	case KEY_CHOICE:
		fprintf(out, "\"%s\"", k->choices[v]);
		break;
	case KEY_PATH:
	case KEY_HOSTNAME:
	case KEY_CPUS:
		fprintf(out, "\"%s\"", profile_cstr(p, k));
		break;
	case KEY_SERVICES:
	case KEY_COMMAND:
	case KEY_NET_ALLOW:
		print_list(*(char *const *const *)((const char *)p + k->off), out);
		break;
	}
}

void config_print_profile(const struct confine_profile *p, FILE *out)
{
	fprintf(out, "# profile %s\n", p->name);
	PROFILE_KEYS_FOREACH (k) {
		if ((k->flags & KEY_F_IO) && !p->io_path)
			continue; /* io_path's own line says there are none */
		if (k->unset && !profile_key_set(p, k)) {
			if (k->unset[0])
				fprintf(out, "%s\n", k->unset);
			continue;
		}
		fprintf(out, "%s = ", k->key);
		print_value(p, k, out);
		fprintf(out, ";\n");
	}
}
