/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config_load() and friends: the shipped conf/confine.conf (run from the repository root),
 * a table of broken files with their exact messages, file-safety checks, @include,
 * config_match() and config_print_profile().
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../helper/config.h"
#include "../../helper/units.h"
#include "../../helper/util.h"
#include "tap.h"

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

#define SHIPPED_CONF "conf/confine.conf"

static char tmpdir[] = "/tmp/confine-test-config-XXXXXX";

/* A new file "<tmpdir>/<prefix>XXXXXX" holding content, with mode; returns its path. */
static char *write_temp(const char *prefix, const char *content, mode_t mode)
{
	char *path;
	int fd;

	if (asprintf(&path, "%s/%sXXXXXX", tmpdir, prefix) < 0)
		abort();
	fd = mkstemp(path);
	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content) ||
	    fchmod(fd, mode) < 0 || close(fd) < 0) {
		perror(path);
		abort();
	}
	return path;
}

/* A file with a fixed name in tmpdir (what @include refers to); returns its path. */
static char *write_named(const char *name, const char *content, mode_t mode)
{
	char *path;
	int fd;

	if (asprintf(&path, "%s/%s", tmpdir, name) < 0)
		abort();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content) ||
	    fchmod(fd, mode) < 0 || close(fd) < 0) {
		perror(path);
		abort();
	}
	return path;
}

/* Replaces "%F" with file and "%D" with tmpdir. */
static void expand(const char *tmpl, const char *file, char *out, size_t len)
{
	size_t o = 0;

	for (const char *p = tmpl; *p && o + 1 < len; p++) {
		const char *sub = NULL;

		if (p[0] == '%' && p[1] == 'F')
			sub = file;
		else if (p[0] == '%' && p[1] == 'D')
			sub = tmpdir;
		if (sub) {
			o += (size_t)snprintf(out + o, len - o, "%s", sub);
			if (o >= len)
				o = len - 1;
			p++;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

/* ---- broken files: every one must fail with exactly this message ---------------------- */

#define P(body) "profiles = { g = { " body " }; };\n"
#define R(body) "profiles = { g = {}; };\nrules = (\n" body "\n);\n"

enum setup {
	PLAIN,	   /* content goes to a fresh temp file */
	SYMLINK,   /* the loaded path is a symlink "link.conf" to the temp file */
	MISSING,   /* the loaded path does not exist */
	DIRECTORY, /* the loaded path is tmpdir itself */
	NOT_ROOT,  /* the temp file is chowned to uid 1 */
};

static const struct bad {
	const char *what;
	const char *content;
	unsigned flags;
	mode_t mode; /* of the main file; 0 = 0644 */
	enum setup setup;
	const char *inc_name; /* an extra file in tmpdir, for @include */
	const char *inc_content;
	mode_t inc_mode;
	int r;
	const char *msg; /* %F: the loaded path, %D: tmpdir */
} bad[] = {
    /* unknown keys */
    {"unknown top-level key", "cgroup_root = \"/x\";\nfoo = 1;\n", 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL, "%F:2: key 'foo': unknown key"},
    {"unknown profile key", "profiles = {\n  guest = {\n    memroy_max = \"1G\";\n  };\n};\n", 0, 0,
     PLAIN, NULL, NULL, 0, -EINVAL, "%F:3: key 'profiles.guest.memroy_max': unknown key"},
    {"unknown rule key", R("  { user = \"a\"; profile = \"g\"; colour = \"red\"; }"), 0, 0, PLAIN,
     NULL, NULL, 0, -EINVAL, "%F:3: key 'rules.[0].colour': unknown key"},

    /* wrong types */
    {"size of wrong type", P("memory_max = true;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.memory_max': expected a size like \"512M\" or \"max\""},
    {"float size", P("home_size = 1.5;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.home_size': expected a size like \"256M\""},
    {"profiles not a group", "profiles = 5;\n", 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles': expected a group of profiles, like profiles = { guest = { ... }; };"},
    {"profile not a group", "profiles = { g = 1; };\n", 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g': expected a group of settings, like g = { ... };"},
    {"rules not a list", "rules = { };\n", 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'rules': expected a list of rules, like rules = ( { group = \"confine\"; "
     "profile = \"guest\"; } );"},
    {"rule not a group", "profiles = { g = {}; };\nrules = ( \"guest\" );\n", 0, 0, PLAIN, NULL,
     NULL, 0, -EINVAL,
     "%F:2: key 'rules.[0]': expected a group of settings, like { group = \"confine\"; "
     "profile = \"guest\"; }"},
    {"cpu_weight as string", P("cpu_weight = \"100\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.cpu_weight': expected an integer 1..10000"},
    {"pids_max as word", P("pids_max = \"lots\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.pids_max': expected an integer or \"max\""},
    {"cpu_quota as integer", P("cpu_quota = 50;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.cpu_quota': expected a percentage like \"50%\" or \"max\""},
    {"net as bool", P("net = true;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.net': expected \"none\" or \"host\""},
    {"user_ns as string", P("user_ns = \"yes\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.user_ns': expected true or false"},
    {"state_dir as integer", "state_dir = 7;\n", 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'state_dir': expected an absolute path string"},
    {"group as integer", R("  { group = 5; profile = \"g\"; }"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL, "%F:3: key 'rules.[0].group': expected a string"},
    {"uid as float", R("  { uid = 1.5; profile = \"g\"; }"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:3: key 'rules.[0].uid': expected a uid or a range like \"1000-1999\""},
    {"profile as integer", R("  { user = \"a\"; profile = 1; }"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL, "%F:3: key 'rules.[0].profile': expected a profile name"},

    /* out of range */
    {"cpu_weight 0", P("cpu_weight = 0;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.cpu_weight': must be between 1 and 10000"},
    {"cpu_weight 10001", P("cpu_weight = 10001;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.cpu_weight': must be between 1 and 10000"},
    {"pids_max 0", P("pids_max = 0;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.pids_max': must be at least 1"},
    {"memory_max below 1M", P("memory_max = \"512K\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.memory_max': must be at least 1M or \"max\""},
    {"memory_high 0 bytes", P("memory_high = 0;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.memory_high': must be at least 1M or \"max\""},
    {"home_size below 1M", P("home_size = 1000;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.home_size': must be at least 1M"},
    {"tmp_size negative", P("tmp_size = -5;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.tmp_size': must be at least 1M"},
    {"home_size max", P("home_size = \"max\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.home_size': \"max\" is not allowed here: expected a size like "
     "\"256M\""},
    {"memory_swap_max negative", P("memory_swap_max = -1;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.memory_swap_max': must not be negative"},
    {"size too large", P("memory_max = \"99999999T\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.memory_max': size \"99999999T\" is too large"},
    {"cpu_quota 0%", P("cpu_quota = \"0%\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.cpu_quota': percentage \"0%\" is out of range: must be 1% to "
     "100000%"},
    {"uid range reversed", R("  { uid = \"2000-1000\"; profile = \"g\"; }"), 0, 0, PLAIN, NULL,
     NULL, 0, -EINVAL,
     "%F:3: key 'rules.[0].uid': invalid uid range \"2000-1000\": expected \"MIN-MAX\" with 0 "
     "<= MIN <= MAX <= 4294967294"},
    {"uid negative", R("  { uid = -1; profile = \"g\"; }"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:3: key 'rules.[0].uid': uid must be between 0 and 4294967294"},
    {"integer libconfig would truncate", P("memory_max = 5368709120;"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL,
     "%F:1: integer 5368709120 is out of range (write large sizes as strings like \"4G\")"},

    {"integer just past 32 bits", P("memory_max = 2147483648;"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL,
     "%F:1: integer 2147483648 is out of range (write large sizes as strings like \"4G\")"},
    {"hex integer past 32 bits", P("pids_max = 0x100000000;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: integer 0x100000000 is out of range (write large sizes as strings like \"4G\")"},
    {"smallest 32-bit integer is passed to the checks", P("memory_swap_max = -2147483648;"), 0, 0,
     PLAIN, NULL, NULL, 0, -EINVAL, "%F:1: key 'profiles.g.memory_swap_max': must not be negative"},

    /* bad values */
    {"bad unit", P("tmp_size = \"1Q\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.tmp_size': invalid size \"1Q\": expected digits with an optional "
     "K, M, G or T suffix"},
    {"bad unit where max is allowed", P("memory_high = \"1.5G\";"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL,
     "%F:1: key 'profiles.g.memory_high': invalid size \"1.5G\": expected digits with an "
     "optional K, M, G or T suffix, or \"max\""},
    {"bad percentage", P("cpu_quota = \"fast\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.cpu_quota': invalid percentage \"fast\": expected a whole number "
     "and '%', like \"50%\", or \"max\""},
    {"bad home mode", P("home = \"nfs\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.home': invalid value \"nfs\": expected \"ephemeral\", "
     "\"persistent\" or \"tmpfs\""},
    {"hostname starting with '-'", P("hostname = \"-box\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.hostname': invalid hostname \"-box\": use 1..64 letters, digits, "
     "'-' and '.', not starting with '-'"},
    {"hostname with a space", P("hostname = \"my box\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.hostname': invalid hostname \"my box\": use 1..64 letters, "
     "digits, '-' and '.', not starting with '-'"},
    {"empty hostname", P("hostname = \"\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.hostname': invalid hostname \"\": use 1..64 letters, digits, '-' "
     "and '.', not starting with '-'"},
    {"65-character hostname",
     P("hostname = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";"), 0, 0,
     PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.hostname': invalid hostname "
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": use 1..64 letters, "
     "digits, '-' and '.', not starting with '-'"},
    {"relative shell", P("shell = \"bin/bash\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.shell': invalid path \"bin/bash\": must be absolute, without "
     "\"..\" or whitespace"},
    {"shell with ..", P("shell = \"/usr/../bin/sh\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.shell': invalid path \"/usr/../bin/sh\": must be absolute, "
     "without \"..\" or whitespace"},
    {"shell with a space", P("shell = \"/bin/ba sh\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.shell': invalid path \"/bin/ba sh\": must be absolute, without "
     "\"..\" or whitespace"},
    {"relative cgroup_root", "cgroup_root = \"sys/fs/cgroup\";\n", 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL,
     "%F:1: key 'cgroup_root': invalid path \"sys/fs/cgroup\": must be absolute, without "
     "\"..\" or whitespace"},
    {"upper-case profile name", "profiles = { Guest = {}; };\n", 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL,
     "%F:1: key 'profiles.Guest': invalid profile name: use 1..32 of a-z, 0-9, '_' and '-'"},
    {"33-character profile name", "profiles = { aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa = {}; };\n", 0, 0,
     PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': invalid profile name: use 1..32 "
     "of a-z, 0-9, '_' and '-'"},
    {"empty user glob", R("  { user = \"\"; profile = \"g\"; }"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL, "%F:3: key 'rules.[0].user': must not be empty"},
    {"bad uid string", R("  { uid = \"staff\"; profile = \"g\"; }"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL,
     "%F:3: key 'rules.[0].uid': invalid uid range \"staff\": expected \"MIN-MAX\" with 0 <= "
     "MIN <= MAX <= 4294967294"},

    /* rules */
    {"unknown profile in a rule",
     R("  { user = \"a\"; profile = \"g\"; },\n  { user = \"b\"; profile = \"nope\"; }"), 0, 0,
     PLAIN, NULL, NULL, 0, -EINVAL, "%F:4: key 'rules.[1].profile': unknown profile \"nope\""},
    {"rule without criteria", R("  { profile = \"g\"; }"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:3: key 'rules.[0]': rule has no criteria: give at least one of user, group, uid, "
     "service, rhost, tty"},
    {"rule without profile", R("  { user = \"a\"; }"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:3: key 'rules.[0]': missing 'profile'"},

    /* syntax */
    {"syntax error", "profiles = {\n  g = { home = };\n};\n", 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:2: syntax error: syntax error"},
    {"duplicate key", "state_dir = \"/a\";\nstate_dir = \"/b\";\n", 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL, "%F:2: syntax error: duplicate setting name"},

    /* @include */
    {"include with '/'", "\n@include \"sub/x.conf\"\n", 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:2: @include \"sub/x.conf\": must be a plain file name (no '/' or \"..\") in the "
     "directory of the main file"},
    {"include of an absolute path", "@include \"/etc/passwd\"\n", 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL,
     "%F:1: @include \"/etc/passwd\": must be a plain file name (no '/' or \"..\") in the "
     "directory of the main file"},
    {"include with ..", "  @include \"..\"\n", 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: @include \"..\": must be a plain file name (no '/' or \"..\") in the directory of "
     "the main file"},
    {"malformed include", "@include local.conf\n", 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: malformed @include: expected @include \"NAME\""},
    {"include of a missing file", "@include \"missing.conf\"\n", 0, 0, PLAIN, NULL, NULL, 0,
     -ENOENT, "%D/missing.conf: cannot open: No such file or directory"},
    {"include of a group-writable file", "@include \"gw.conf\"\n", CONFIG_CHECK_OWNER, 0, PLAIN,
     "gw.conf", "state_dir = \"/x\";\n", 0664, -EPERM,
     "%D/gw.conf: must not be writable by group or others (mode 0664)"},
    {"include nested too deeply", "@include \"self.conf\"\n", 0, 0, PLAIN, "self.conf",
     "@include \"self.conf\"\n", 0644, -ELOOP,
     "%D/self.conf:1: @include \"self.conf\": includes nested too deeply (limit 10)"},
    {"error inside an included file", "@include \"inc-bad.conf\"\n", 0, 0, PLAIN, "inc-bad.conf",
     "# included\nprofiles = { g = { net = \"wifi\"; }; };\n", 0644, -EINVAL,
     "%D/inc-bad.conf:2: key 'profiles.g.net': invalid value \"wifi\": expected \"none\" or "
     "\"host\""},
    {"syntax error inside an included file", "state_dir = \"/x\";\n@include \"inc-syn.conf\"\n", 0,
     0, PLAIN, "inc-syn.conf", "\n\nx = = 1;\n", 0644, -EINVAL,
     "%D/inc-syn.conf:3: syntax error: syntax error"},
    {"line numbers continue after an include", "@include \"inc-ok.conf\"\n\nbogus = 1;\n", 0, 0,
     PLAIN, "inc-ok.conf", "state_dir = \"/x\";\n\n\n\n", 0644, -EINVAL,
     "%F:3: key 'bogus': unknown key"},

    /* resource-control keys */
    {"bad cpu list", P("cpuset_cpus = \"0-\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.cpuset_cpus': invalid CPU list \"0-\": expected CPU numbers and "
     "ranges below 8192, like \"0-3,6\""},
    {"reversed cpu range", P("cpuset_cpus = \"3-1\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.cpuset_cpus': invalid CPU list \"3-1\": expected CPU numbers and "
     "ranges below 8192, like \"0-3,6\""},
    {"trailing comma in cpu list", P("cpuset_cpus = \"1,\";"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL,
     "%F:1: key 'profiles.g.cpuset_cpus': invalid CPU list \"1,\": expected CPU numbers and "
     "ranges below 8192, like \"0-3,6\""},
    {"io limit without io_path", "profiles = {\n  g = {\n    io_write_bps = \"1M\";\n  };\n};\n",
     0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:2: key 'profiles.g': io limits are set but io_path is not: name a path on the block "
     "device they apply to, like io_path = \"/home\";"},
    {"relative io_path", P("io_path = \"home\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.io_path': invalid path \"home\": must be absolute, without \"..\" or "
     "whitespace"},
    {"io_weight out of range", P("io_path = \"/\"; io_weight = 0;"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL, "%F:1: key 'profiles.g.io_weight': must be between 1 and 10000"},
    {"zero iops", P("io_path = \"/\"; io_read_iops = 0;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.io_read_iops': must be at least 1"},
    {"bad duration", P("max_duration = \"2 hours\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.max_duration': invalid duration \"2 hours\": expected numbers with "
     "units s, m, h or d, like \"2h\" or \"1h30m\", or \"max\""},
    {"duration as a number", P("max_duration = 7200;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.max_duration': expected a duration like \"2h\" or \"90m\""},
    {"duration too long", P("max_duration = \"400d\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.max_duration': duration \"400d\" is out of range: must be 1s to "
     "365d"},
    {"grace may not be max", P("max_duration_grace = \"max\";"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL,
     "%F:1: key 'profiles.g.max_duration_grace': invalid duration \"max\": expected numbers "
     "with units s, m, h or d, like \"2h\" or \"1h30m\""},
    {"zero max_sessions", P("max_sessions = 0;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.max_sessions': must be at least 1"},
    {"huge max_sessions", P("max_sessions = 100000;"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.max_sessions': must be at most 10000 or \"max\""},
    {"bad limits", P("limits = \"maybe\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.limits': invalid value \"maybe\": expected \"required\" or "
     "\"optional\""},
    {"bad backend", "cgroup_backend = \"cgmanager\";\n", 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'cgroup_backend': invalid value \"cgmanager\": expected \"auto\", \"systemd\" "
     "or \"cgroupfs\""},
    {"user_cpu_quota not a percentage", P("user_cpu_quota = 2;"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL,
     "%F:1: key 'profiles.g.user_cpu_quota': expected a percentage like \"50%\" or \"max\""},

    /* services */
    {"services as a string", P("services = \"sshd\";"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.services': expected a list of PAM service names, like [\"login\", "
     "\"sshd\"]"},
    {"services as a group", P("services = { sshd = 1; };"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.services': expected a list of PAM service names, like [\"login\", "
     "\"sshd\"]"},
    {"empty services", P("services = [];"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.services': must name at least one PAM service, like [\"login\", "
     "\"sshd\"]"},
    {"empty services list", P("services = ();"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.services': must name at least one PAM service, like [\"login\", "
     "\"sshd\"]"},
    {"service as a number", "profiles = { g = {\n  services = [\n    1 ];\n}; };\n", 0, 0, PLAIN,
     NULL, NULL, 0, -EINVAL,
     "%F:3: key 'profiles.g.services.[0]': expected a PAM service name string"},
    {"service as a number in a list", P("services = (\"sshd\", 2);"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL, "%F:1: key 'profiles.g.services.[1]': expected a PAM service name string"},
    {"empty service name", P("services = [\"login\", \"\"];"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.services.[1]': invalid PAM service \"\": use 1..64 letters, digits, "
     "'.', '_', '+', '-' and the glob characters '*', '?', '[', ']', '!', not starting with "
     "'.'"},
    {"service with a space", P("services = [\"gdm password\"];"), 0, 0, PLAIN, NULL, NULL, 0,
     -EINVAL,
     "%F:1: key 'profiles.g.services.[0]': invalid PAM service \"gdm password\": use 1..64 "
     "letters, digits, '.', '_', '+', '-' and the glob characters '*', '?', '[', ']', '!', not "
     "starting with '.'"},
    {"service with a slash", P("services = [\"../sshd\"];"), 0, 0, PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.services.[0]': invalid PAM service \"../sshd\": use 1..64 letters, "
     "digits, '.', '_', '+', '-' and the glob characters '*', '?', '[', ']', '!', not starting "
     "with '.'"},
    {"65-character service",
     P("services = [\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"];"), 0, 0,
     PLAIN, NULL, NULL, 0, -EINVAL,
     "%F:1: key 'profiles.g.services.[0]': invalid PAM service "
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": use 1..64 letters, "
     "digits, '.', '_', '+', '-' and the glob characters '*', '?', '[', ']', '!', not starting "
     "with '.'"},
    {"service listed twice", P("services = [\"sshd\", \"su\", \"sshd\"];"), 0, 0, PLAIN, NULL, NULL,
     0, -EINVAL, "%F:1: key 'profiles.g.services.[2]': PAM service \"sshd\" is listed twice"},

    /* file safety */
    {"missing file", "", 0, 0, MISSING, NULL, NULL, 0, -ENOENT,
     "%F: cannot open: No such file or directory"},
    {"directory", "", 0, 0, DIRECTORY, NULL, NULL, 0, -EINVAL, "%F: not a regular file"},
    {"world-writable main file", "state_dir = \"/x\";\n", CONFIG_CHECK_OWNER, 0666, PLAIN, NULL,
     NULL, 0, -EPERM, "%F: must not be writable by group or others (mode 0666)"},
    {"group-writable main file", "state_dir = \"/x\";\n", CONFIG_CHECK_OWNER, 0620, PLAIN, NULL,
     NULL, 0, -EPERM, "%F: must not be writable by group or others (mode 0620)"},
    {"main file not owned by root", "state_dir = \"/x\";\n", CONFIG_CHECK_OWNER, 0, NOT_ROOT, NULL,
     NULL, 0, -EPERM, "%F: must be owned by root (owner is uid 1)"},
    {"symlinked main file", "state_dir = \"/x\";\n", CONFIG_CHECK_OWNER, 0, SYMLINK, NULL, NULL, 0,
     -ELOOP, "%F: is a symbolic link; refusing to follow it"},
};

static void test_bad(const struct bad *t)
{
	static struct confine_config sentinel;
	struct confine_config *c = &sentinel;
	_cleanup_free_ char *file = NULL, *inc = NULL, *target = NULL;
	char err[1024], want[1024];
	int r;

	if ((t->flags & CONFIG_CHECK_OWNER || t->setup == NOT_ROOT) && geteuid() != 0) {
		skip("%s: owner checks need root to set up", t->what);
		skip("%s: (message)", t->what);
		skip("%s: (result untouched)", t->what);
		return;
	}
	if (t->inc_name)
		inc = write_named(t->inc_name, t->inc_content, t->inc_mode);

	switch (t->setup) {
	case PLAIN:
	case NOT_ROOT:
		file = write_temp("bad-", t->content, t->mode ? t->mode : 0644);
		if (t->setup == NOT_ROOT && chown(file, 1, 1) < 0)
			abort();
		break;
	case SYMLINK:
		target = write_temp("target-", t->content, 0644);
		if (asprintf(&file, "%s/link.conf", tmpdir) < 0 || symlink(target, file) < 0)
			abort();
		break;
	case MISSING:
		if (asprintf(&file, "%s/does-not-exist.conf", tmpdir) < 0)
			abort();
		break;
	case DIRECTORY:
		file = strdup(tmpdir);
		break;
	}

	r = config_load(file, t->flags, &c, err, sizeof(err));
	is_int(r, t->r, "%s: fails with %d", t->what, t->r);
	expand(t->msg, file, want, sizeof(want));
	is_str(err, want, "%s: message", t->what);
	ok(c == &sentinel, "%s: result untouched", t->what);
	if (c != &sentinel)
		config_free(c);

	if (t->setup == PLAIN || t->setup == NOT_ROOT || t->setup == SYMLINK)
		unlink(file);
	if (target)
		unlink(target);
	if (inc)
		unlink(inc);
}

/* ---- good files ------------------------------------------------------------------------- */

static struct confine_config *load_ok(const char *what, const char *content, unsigned flags)
{
	_cleanup_free_ char *file = write_temp("good-", content, 0644);
	struct confine_config *c = NULL;
	char err[1024] = "";
	int r;

	r = config_load(file, flags, &c, err, sizeof(err));
	if (!ok(r == 0 && c, "%s: loads", what))
		printf("#   r=%d err: %s\n", r, err);
	is_str(err, "", "%s: no message", what);
	unlink(file);
	return r == 0 ? c : NULL;
}

static void check_profile(const struct confine_config *c, const char *name, enum home_mode home,
			  uint64_t home_size, uint64_t tmp_size, uint64_t memory_max,
			  uint64_t memory_high, uint64_t memory_swap_max, unsigned cpu_quota,
			  unsigned cpu_weight, uint64_t pids_max, enum net_mode net, bool user_ns,
			  const char *hostname, const char *shell)
{
	const struct confine_profile *p = config_find_profile(c, name);

	if (!ok(p != NULL, "profile %s exists", name))
		return;
	is_str(p->name, name, "%s: name", name);
	is_int(p->home, home, "%s: home", name);
	is_int((long long)p->home_size, (long long)home_size, "%s: home_size", name);
	is_int((long long)p->tmp_size, (long long)tmp_size, "%s: tmp_size", name);
	ok(p->memory_max == memory_max, "%s: memory_max", name);
	ok(p->memory_high == memory_high, "%s: memory_high", name);
	ok(p->memory_swap_max == memory_swap_max, "%s: memory_swap_max", name);
	is_int(p->cpu_quota, cpu_quota, "%s: cpu_quota", name);
	is_int(p->cpu_weight, cpu_weight, "%s: cpu_weight", name);
	ok(p->pids_max == pids_max, "%s: pids_max", name);
	is_int(p->net, net, "%s: net", name);
	is_int(p->user_ns, user_ns, "%s: user_ns", name);
	is_str(p->hostname, hostname, "%s: hostname", name);
	is_str(p->shell, shell, "%s: shell", name);
}

/* The profile's services, space-separated. */
static void check_services(const struct confine_config *c, const char *name, const char *want)
{
	const struct confine_profile *p = config_find_profile(c, name);
	char got[512] = "";

	for (char **g = p ? p->services : NULL; g && *g; g++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", got[0] ? " " : "",
			 *g);
	is_str(got, want, "%s: services", name);
}

static void check_shipped(const struct confine_config *c)
{
	struct match_input in = {.user = "alice", .uid = 1000, .service = "sshd"};
	const char *groups[] = {"users", "confine", NULL};
	const struct confine_rule *rule;

	is_str(c->cgroup_root, "/sys/fs/cgroup/confine", "shipped: cgroup_root");
	is_str(c->state_dir, "/var/lib/confine", "shipped: state_dir");
	is_int(c->n_profiles, 3, "shipped: three profiles");
	check_profile(c, "guest", HOME_EPHEMERAL, 256 * MiB, 64 * MiB, 512 * MiB, UNIT_MAX, 0, 50,
		      0, 256, NET_NONE, false, "confine", "/bin/bash");
	check_profile(c, "lab", HOME_PERSISTENT, GiB, 64 * MiB, 2 * GiB, 1536 * MiB, GiB, 100, 0,
		      1024, NET_HOST, false, "lab", "/bin/bash");
	check_profile(c, "kiosk", HOME_TMPFS, 64 * MiB, 32 * MiB, 256 * MiB, UNIT_MAX, 0, 25, 0,
		      128, NET_NONE, false, "kiosk", "/bin/bash");

	check_services(c, "guest", "login su su-l sshd sudo-i");
	check_services(c, "lab", "login su su-l sshd sudo-i");
	check_services(c, "kiosk", "login su su-l sshd sudo-i");

	/* Every shipped profile bounds a user: memory, swap, tasks, a per-user budget and a
	 * session count (else N logins get N times the limits, and one fills the swap). */
	for (unsigned i = 0; i < c->n_profiles; i++) {
		const struct confine_profile *p = &c->profiles[i];
		ok(p->memory_max != UNIT_MAX && p->memory_swap_max != UNIT_MAX &&
			   p->pids_max != UNIT_MAX,
		   "shipped: %s bounds memory, swap and tasks", p->name);
		ok(p->user_memory_max != UNIT_MAX && p->user_pids_max != UNIT_MAX &&
			   p->user_cpu_quota && p->max_sessions,
		   "shipped: %s has a per-user budget and max_sessions", p->name);
	}

	is_int(c->n_rules, 3, "shipped: three active rules");
	rule = config_match(c, &in);
	ok(rule == NULL, "shipped: a user outside group confine is not confined");
	in.groups = groups;
	rule = config_match(c, &in);
	ok(rule && rule->profile == config_find_profile(c, "guest"),
	   "shipped: a member of group confine gets guest");
	static const char *const lab_groups[] = {"users", "confine", "confine-lab", NULL};
	in.groups = lab_groups;
	rule = config_match(c, &in);
	ok(rule && rule->profile == config_find_profile(c, "lab"),
	   "shipped: a member of confine and confine-lab gets lab");
	in.groups = groups;
}

static void test_shipped(void)
{
	struct confine_config *c = NULL;
	char err[1024] = "";
	struct stat st;
	int r;

	r = config_load(SHIPPED_CONF, 0, &c, err, sizeof(err));
	if (!is_int(r, 0, "shipped %s loads", SHIPPED_CONF))
		printf("#   %s\n", err);
	if (c)
		check_shipped(c);
	config_free(c);
	c = NULL;

	if (geteuid() != 0) {
		skip("shipped config with CONFIG_CHECK_OWNER: not running as root");
	} else if (stat(SHIPPED_CONF, &st) < 0 || st.st_uid != 0 ||
		   (st.st_mode & (S_IWGRP | S_IWOTH))) {
		skip("shipped config with CONFIG_CHECK_OWNER: %s is not root-owned and "
		     "unwritable by group/others in this checkout",
		     SHIPPED_CONF);
	} else {
		r = config_load(SHIPPED_CONF, CONFIG_CHECK_OWNER, &c, err, sizeof(err));
		if (!is_int(r, 0, "shipped %s loads with CONFIG_CHECK_OWNER", SHIPPED_CONF))
			printf("#   %s\n", err);
		config_free(c);
	}
}

static void test_defaults_and_values(void)
{
	struct confine_config *c;
	const struct confine_profile *p;

	c = load_ok("empty file", "", 0);
	if (c) {
		is_str(c->cgroup_root, "/sys/fs/cgroup/confine", "default cgroup_root");
		is_str(c->state_dir, "/var/lib/confine", "default state_dir");
		is_int(c->n_profiles, 0, "no profiles");
		is_int(c->n_rules, 0, "no rules");
		ok(c->path && strstr(c->path, "/good-"), "path recorded");
		config_free(c);
	}

	c = load_ok("empty profile", "profiles = { p = {}; };\n", 0);
	if (c) {
		check_profile(c, "p", HOME_EPHEMERAL, 256 * MiB, 64 * MiB, UNIT_MAX, UNIT_MAX,
			      UNIT_MAX, 0, 0, UNIT_MAX, NET_NONE, false, "confine", "/bin/bash");
		check_services(c, "p", "login su su-l sshd sudo-i");
	}
	config_free(c);

	c = load_ok("every key given",
		    "cgroup_root = \"/sys/fs/cgroup/other\";\n"
		    "state_dir = \"/srv/confine\";\n"
		    "profiles = { full = {\n"
		    "  home = \"tmpfs\"; home_size = 2097152; tmp_size = \"3MiB\";\n"
		    "  memory_max = 3221225472L; memory_high = \"max\"; memory_swap_max = 0;\n"
		    "  cpu_quota = \"250%\"; cpu_weight = 10000; pids_max = \"max\";\n"
		    "  net = \"host\"; user_ns = true; hostname = \"box-1.example\";\n"
		    "  shell = \"/usr/bin/zsh\";\n"
		    "}; q = { cpu_quota = \"max\"; pids_max = 1; memory_max = \"1M\"; }; };\n",
		    0);
	if (c) {
		is_str(c->cgroup_root, "/sys/fs/cgroup/other", "cgroup_root given");
		is_str(c->state_dir, "/srv/confine", "state_dir given");
		check_profile(c, "full", HOME_TMPFS, 2 * MiB, 3 * MiB, 3 * GiB, UNIT_MAX, 0, 250,
			      10000, UNIT_MAX, NET_HOST, true, "box-1.example", "/usr/bin/zsh");
		p = config_find_profile(c, "q");
		ok(p && p->cpu_quota == 0 && p->pids_max == 1 && p->memory_max == MiB,
		   "cpu_quota \"max\" is 0, pids_max 1, memory_max 1M");
		ok(config_find_profile(c, "nope") == NULL, "config_find_profile: unknown is NULL");
		p = config_find_profile(c, "full");
		ok(p && p->memory_oom_group && !p->cpuset_cpus && !p->io_path &&
		       !profile_has_io(p) && !profile_has_user_limits(p) && p->max_sessions == 0 &&
		       p->max_duration == 0 && p->max_duration_grace == 30 && !p->limits_optional,
		   "resource-control defaults: oom group on, no cpuset, io, aggregate, session "
		   "or time limits, grace 30s, limits required");
		is_int(c->cgroup_backend, CGROUP_BACKEND_AUTO, "default cgroup_backend is auto");
		ok(config_find_profile(c, NULL) == NULL, "config_find_profile: NULL name");
	}
	config_free(c);

	c = load_ok("resource-control keys",
		    "cgroup_backend = \"cgroupfs\";\n"
		    "profiles = { r = { cpuset_cpus = \"0,2-3\"; io_path = \"/var\";\n"
		    "  io_read_bps = \"20M\"; io_write_bps = 1048576; io_read_iops = 100;\n"
		    "  io_write_iops = \"max\"; io_weight = 10; user_memory_max = \"2G\";\n"
		    "  user_cpu_quota = \"200%\"; user_pids_max = 500; max_sessions = \"max\";\n"
		    "  max_duration = \"2h\"; max_duration_grace = \"5s\"; memory_oom_group = false;\n"
		    "  limits = \"optional\"; }; };\n",
		    0);
	if (c) {
		p = config_find_profile(c, "r");
		is_int(c->cgroup_backend, CGROUP_BACKEND_CGROUPFS, "cgroup_backend cgroupfs");
		ok(p && streq(p->cpuset_cpus, "0,2-3") && streq(p->io_path, "/var") &&
		       p->io_read_bps == 20 * MiB && p->io_write_bps == MiB &&
		       p->io_read_iops == 100 && p->io_write_iops == UNIT_MAX && p->io_weight == 10 &&
		       p->user_memory_max == 2 * GiB && p->user_cpu_quota == 200 &&
		       p->user_pids_max == 500 && p->max_sessions == 0 && p->max_duration == 7200 &&
		       p->max_duration_grace == 5 && !p->memory_oom_group && p->limits_optional &&
		       profile_has_io(p) && profile_has_user_limits(p),
		   "resource-control keys parsed");
	}
	config_free(c);

	c = load_ok("includes in comments and strings are not includes",
		    "/*\n@include \"../etc/passwd\"\n*/\n"
		    "# @include \"a/b\" and 99999999999\n"
		    "// 99999999999\n"
		    "profiles = { p = { hostname = \"99999999999\"; }; };\n",
		    0);
	config_free(c);

	c = load_ok("large integers with an L suffix and hex",
		    P("memory_max = 0x40000000; "
		      "memory_high = 5368709120L;"),
		    0);
	if (c) {
		p = config_find_profile(c, "g");
		ok(p && p->memory_max == GiB && p->memory_high == 5 * GiB, "hex and L integers");
	}
	config_free(c);
}

static void test_include(void)
{
	_cleanup_free_ char *inc = NULL;
	struct confine_config *c;
	const char *text = "@include \"profiles.inc\"\n"
			   "rules = ( { user = \"x\"; profile = \"incl\"; } );\n";

	inc = write_named("profiles.inc", "profiles = { incl = { net = \"host\"; }; };\n", 0644);
	c = load_ok("@include of a plain name", text, 0);
	if (c) {
		const struct confine_profile *p = config_find_profile(c, "incl");

		ok(p && p->net == NET_HOST, "included profile is loaded");
		ok(c->n_rules == 1 && c->rules[0].profile == p, "rule refers to included profile");
		is_int(c->n_rules ? c->rules[0].line : 0, 2, "rule line is in the main file");
	}
	config_free(c);

	if (geteuid() == 0) {
		c = load_ok("@include of a root-owned file, checking owners", text,
			    CONFIG_CHECK_OWNER);
		config_free(c);
	} else {
		skip("@include with CONFIG_CHECK_OWNER: not running as root");
		skip("@include with CONFIG_CHECK_OWNER: (message)");
	}
	unlink(inc);
}

static void test_err_buffer(void)
{
	_cleanup_free_ char *file = write_temp("bad-", "foo = 1;\n", 0644);
	struct confine_config *c = NULL;
	char small[8];

	is_int(config_load(file, 0, &c, NULL, 0), -EINVAL, "no error buffer: still fails");
	is_int(config_load(file, 0, &c, small, sizeof(small)), -EINVAL, "small error buffer");
	is_int((long long)strlen(small), sizeof(small) - 1, "small error buffer is truncated");
	ok(c == NULL, "result untouched with small buffers");
	unlink(file);
}

/* ---- matching --------------------------------------------------------------------------- */

static const char match_conf[] = "profiles = { a = {}; b = {}; c = {}; d = {}; e = {}; };\n"
				 "rules = (\n"
				 "  { user = \"root\"; profile = \"a\"; },\n"
				 "  { group = \"staff\"; service = \"sshd\"; profile = \"b\"; },\n"
				 "  { uid = \"2000-2999\"; profile = \"c\"; },\n"
				 "  { uid = 5000; profile = \"c\"; },\n"
				 "  { tty = \"tty[1-6]\"; profile = \"d\"; },\n"
				 "  { rhost = \"*.lab.example.org\"; profile = \"e\"; },\n"
				 "  { service = \"gdm-*\"; user = \"guest*\"; profile = \"b\"; },\n"
				 "  { group = \"confine\"; profile = \"a\"; }\n"
				 ");\n";

static const char *const g_staff[] = {"users", "staff", NULL};
static const char *const g_staffers[] = {"staffers", NULL};
static const char *const g_confine[] = {"users", "confine", NULL};
static const char *const g_none[] = {NULL};

static const struct {
	const char *what;
	struct match_input in;
	int rule; /* index, -1 = no match */
} matches[] = {
    {"user glob", {.user = "root", .uid = 0}, 0},
    {"first match wins", {.user = "root", .groups = g_staff, .service = "sshd"}, 0},
    {"group and service", {.user = "bob", .uid = 1000, .groups = g_staff, .service = "sshd"}, 1},
    {"all criteria must hold",
     {.user = "bob", .uid = 1000, .groups = g_staff, .service = "login"},
     -1},
    {"group is exact", {.user = "bob", .uid = 1000, .groups = g_staffers, .service = "sshd"}, -1},
    {"NULL groups", {.user = "bob", .uid = 1000, .service = "sshd"}, -1},
    {"empty groups", {.user = "bob", .uid = 1000, .groups = g_none, .service = "sshd"}, -1},
    {"uid range low end", {.user = "u", .uid = 2000}, 2},
    {"uid range high end", {.user = "u", .uid = 2999}, 2},
    {"below uid range", {.user = "u", .uid = 1999}, -1},
    {"above uid range", {.user = "u", .uid = 3000}, -1},
    {"single uid", {.user = "u", .uid = 5000}, 3},
    {"tty glob", {.user = "u", .uid = 1, .tty = "tty3"}, 4},
    {"tty glob miss", {.user = "u", .uid = 1, .tty = "tty7"}, -1},
    {"rhost glob", {.user = "u", .uid = 1, .rhost = "pc1.lab.example.org"}, 5},
    {"rhost glob miss", {.user = "u", .uid = 1, .rhost = "lab.example.org"}, -1},
    {"service and user globs", {.user = "guest7", .uid = 1, .service = "gdm-password"}, 6},
    {"service glob without user", {.user = "bob", .uid = 1, .service = "gdm-password"}, -1},
    {"NULL user", {.uid = 1, .service = "gdm-password"}, -1},
    {"NULL everything", {.uid = 1}, -1},
    {"later group rule", {.user = "carol", .uid = 1001, .groups = g_confine}, 7},
};

static void test_match(void)
{
	struct confine_config *c = load_ok("match rules", match_conf, 0);

	if (!c)
		return;
	is_int(c->n_rules, 8, "eight rules");
	is_int(c->rules[2].line, 5, "rule line numbers");
	ok(c->rules[2].has_uid && c->rules[2].uid_min == 2000 && c->rules[2].uid_max == 2999,
	   "uid range parsed");
	ok(c->rules[3].has_uid && c->rules[3].uid_min == 5000 && c->rules[3].uid_max == 5000,
	   "single uid parsed");
	for (size_t i = 0; i < ELEMENTSOF(matches); i++) {
		const struct confine_rule *r = config_match(c, &matches[i].in);
		long long got = r ? (long long)(r - c->rules) : -1;

		is_int(got, matches[i].rule, "match: %s", matches[i].what);
	}
	config_free(c);

	c = load_ok("no rules", "profiles = { a = {}; };\n", 0);
	if (c) {
		struct match_input in = {.user = "root", .uid = 0};

		ok(config_match(c, &in) == NULL, "match: no rules, no match");
	}
	config_free(c);
}

/* ---- printing --------------------------------------------------------------------------- */

static void test_print(void)
{
	struct confine_config *c = NULL, *again = NULL;
	_cleanup_free_ char *out = NULL, *text = NULL, *file = NULL;
	size_t outlen = 0;
	char err[1024] = "";
	FILE *f;

	c = load_ok("profile to print",
		    P("memory_max = \"1536M\"; cpu_quota = \"50%\"; "
		      "cpu_weight = 200; pids_max = 99; user_ns = true; "
		      "hostname = \"h\"; memory_swap_max = 0; memory_oom_group = false; "
		      "cpuset_cpus = \"0-1,3\"; io_path = \"/srv\"; io_read_bps = \"10M\"; "
		      "io_write_iops = 300; io_weight = 50; user_memory_max = \"2G\"; "
		      "user_cpu_quota = \"150%\"; max_sessions = 2; max_duration = \"90m\"; "
		      "limits = \"optional\"; services = [\"sshd\", \"gdm-*\"];"),
		    0);
	if (!c)
		return;
	f = open_memstream(&out, &outlen);
	if (!f)
		abort();
	config_print_profile(config_find_profile(c, "g"), f);
	fclose(f);
	is_str(out,
	       "# profile g\n"
	       "home = \"ephemeral\";\n"
	       "home_size = \"256M\";\n"
	       "tmp_size = \"64M\";\n"
	       "memory_max = \"1536M\";\n"
	       "memory_high = \"max\";\n"
	       "memory_swap_max = \"0\";\n"
	       "cpu_quota = \"50%\";\n"
	       "cpu_weight = 200;\n"
	       "pids_max = 99;\n"
	       "net = \"none\";\n"
	       "user_ns = true;\n"
	       "hostname = \"h\";\n"
	       "shell = \"/bin/bash\";\n"
	       "memory_oom_group = false;\n"
	       "cpuset_cpus = \"0-1,3\";\n"
	       "io_path = \"/srv\";\n"
	       "io_read_bps = \"10M\";\n"
	       "io_write_bps = \"max\";\n"
	       "io_read_iops = \"max\";\n"
	       "io_write_iops = 300;\n"
	       "io_weight = 50;\n"
	       "user_memory_max = \"2G\";\n"
	       "user_cpu_quota = \"150%\";\n"
	       "user_pids_max = \"max\";\n"
	       "max_sessions = 2;\n"
	       "max_duration = \"1h30m\";\n"
	       "max_duration_grace = \"30s\";\n"
	       "limits = \"optional\";\n"
	       "services = [\"sshd\", \"gdm-*\"];\n",
	       "config_print_profile output");

	/* What it prints is valid config that loads back to the same profile. */
	if (asprintf(&text, "profiles = { g = {\n%s}; };\n", out) < 0)
		abort();
	file = write_temp("print-", text, 0644);
	is_int(config_load(file, 0, &again, err, sizeof(err)), 0, "printed profile loads back");
	if (again) {
		const struct confine_profile *a = &c->profiles[0], *b = &again->profiles[0];

		ok(a->home == b->home && a->home_size == b->home_size &&
		       a->tmp_size == b->tmp_size && a->memory_max == b->memory_max &&
		       a->memory_high == b->memory_high &&
		       a->memory_swap_max == b->memory_swap_max && a->cpu_quota == b->cpu_quota &&
		       a->cpu_weight == b->cpu_weight && a->pids_max == b->pids_max &&
		       a->net == b->net && a->user_ns == b->user_ns &&
		       streq(a->hostname, b->hostname) && streq(a->shell, b->shell) &&
		       a->memory_oom_group == b->memory_oom_group &&
		       streq(a->cpuset_cpus, b->cpuset_cpus) && streq(a->io_path, b->io_path) &&
		       a->io_read_bps == b->io_read_bps && a->io_write_bps == b->io_write_bps &&
		       a->io_read_iops == b->io_read_iops && a->io_write_iops == b->io_write_iops &&
		       a->io_weight == b->io_weight && a->user_memory_max == b->user_memory_max &&
		       a->user_cpu_quota == b->user_cpu_quota &&
		       a->user_pids_max == b->user_pids_max && a->max_sessions == b->max_sessions &&
		       a->max_duration == b->max_duration &&
		       a->max_duration_grace == b->max_duration_grace &&
		       a->limits_optional == b->limits_optional && b->services &&
		       streq(b->services[0], "sshd") && streq(b->services[1], "gdm-*") &&
		       !b->services[2],
		   "printed profile round-trips");
	}
	unlink(file);
	config_free(again);
	config_free(c);
}

static void test_services(void)
{
	static const struct {
		const char *service;
		bool want;
	} cases[] = {
	    {"login", true},	     {"sshd", false}, {"gdm-password", true},
	    {"gdm", false},	     {"xgdm-password", false}, {"lightdm", true},
	    {"lightdm-greeter", false}, {"", false},	   {NULL, false},
	};
	struct confine_config *c;
	const struct confine_profile *p;

	c = load_ok("services as an array with globs",
		    P("services = [\"login\", \"gdm-*\", \"lightdm\"];"), 0);
	if (!c)
		return;
	p = config_find_profile(c, "g");
	check_services(c, "g", "login gdm-* lightdm");
	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		is_int(profile_allows_service(p, cases[i].service), cases[i].want,
		       "services: '%s' is %s", cases[i].service ? cases[i].service : "(null)",
		       cases[i].want ? "allowed" : "refused (the default list is replaced)");
	ok(!profile_allows_service(NULL, "login"), "services: no profile allows nothing");
	config_free(c);

	c = load_ok("services as a list", P("services = (\"sshd\", \"cron\");"), 0);
	if (c) {
		check_services(c, "g", "sshd cron");
		ok(profile_allows_service(config_find_profile(c, "g"), "cron"),
		   "services: a listed service is allowed");
	}
	config_free(c);

	c = load_ok("default services", P(""), 0);
	if (c) {
		p = config_find_profile(c, "g");
		ok(profile_allows_service(p, "login") && profile_allows_service(p, "su") &&
		       profile_allows_service(p, "su-l") && profile_allows_service(p, "sshd") &&
		       profile_allows_service(p, "sudo-i"),
		   "default services: login, su, su-l, sshd, sudo-i allowed");
		ok(!profile_allows_service(p, "cron") && !profile_allows_service(p, "atd") &&
		       !profile_allows_service(p, "systemd-user") &&
		       !profile_allows_service(p, "gdm-password") &&
		       !profile_allows_service(p, "lightdm") &&
		       !profile_allows_service(p, "sddm") && !profile_allows_service(p, "sudo") &&
		       !profile_allows_service(p, "runuser-l"),
		   "default services: cron, atd, systemd-user, display managers, sudo, runuser-l "
		   "refused");
	}
	config_free(c);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}

	test_shipped();
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		test_bad(&bad[i]);
	test_defaults_and_values();
	test_include();
	test_err_buffer();
	test_match();
	test_services();
	test_print();

	if (rmdir(tmpdir) < 0)
		ok(0, "temp dir %s is empty at the end: %s", tmpdir, strerror(errno));
	return tap_done();
}
