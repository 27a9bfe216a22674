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
#include <sys/wait.h>
#include <unistd.h>

#include "../../helper/config.h"
#include "../../helper/profile.h"
#include "../../helper/units.h"
#include "../../helper/users.h"
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

#define LONG40	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define LONG400 LONG40 LONG40 LONG40 LONG40 LONG40 LONG40 LONG40 LONG40 LONG40 LONG40

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
    {.what = "unknown top-level key",
     .content = "cgroup_root = \"/x\";\nfoo = 1;\n",
     .r = -EINVAL,
     .msg = "%F:2: key 'foo': unknown key"},
    {.what = "unknown profile key",
     .content = "profiles = {\n  guest = {\n    memroy_max = \"1G\";\n  };\n};\n",
     .r = -EINVAL,
     .msg = "%F:3: key 'profiles.guest.memroy_max': unknown key"},
    {.what = "unknown rule key",
     .content = R("  { user = \"a\"; profile = \"g\"; colour = \"red\"; }"),
     .r = -EINVAL,
     .msg = "%F:3: key 'rules.[0].colour': unknown key"},

    /* wrong types */
    {.what = "size of wrong type",
     .content = P("memory_max = true;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.memory_max': expected a size like \"512M\" or \"max\""},
    {.what = "float size",
     .content = P("home_size = 1.5;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.home_size': expected a size like \"256M\""},
    {.what = "profiles not a group",
     .content = "profiles = 5;\n",
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles': expected a group of profiles, like profiles = { guest = { ... "
	    "}; };"},
    {.what = "profile not a group",
     .content = "profiles = { g = 1; };\n",
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g': expected a group of settings, like g = { ... };"},
    {.what = "rules not a list",
     .content = "rules = { };\n",
     .r = -EINVAL,
     .msg = "%F:1: key 'rules': expected a list of rules, like rules = ( { group = \"confine\"; "
	    "profile = \"guest\"; } );"},
    {.what = "rule not a group",
     .content = "profiles = { g = {}; };\nrules = ( \"guest\" );\n",
     .r = -EINVAL,
     .msg = "%F:2: key 'rules.[0]': expected a group of settings, like { group = \"confine\"; "
	    "profile = \"guest\"; }"},
    {.what = "cpu_weight as string",
     .content = P("cpu_weight = \"100\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.cpu_weight': expected an integer 1..10000"},
    {.what = "pids_max as word",
     .content = P("pids_max = \"lots\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.pids_max': expected an integer or \"max\""},
    {.what = "cpu_quota as integer",
     .content = P("cpu_quota = 50;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.cpu_quota': expected a percentage like \"50%\" or \"max\""},
    {.what = "net as bool",
     .content = P("net = true;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.net': expected \"none\", \"host\" or \"allow\""},
    {.what = "net_allow without net = allow",
     .content = P("net_allow = [ \"tcp:192.0.2.10:443\" ];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.net_allow': net_allow needs net = \"allow\""},
    {.what = "net_allow with a host name",
     .content =
	 P("net = \"allow\"; net_allow = [ \"tcp:192.0.2.10:443\", \"tcp:git.example:22\" ];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.net_allow.[1]': invalid entry \"tcp:git.example:22\": not an "
	    "IPv4 address (host names are not accepted: list addresses, or a proxy's)"},
    {.what = "net_allow port 0",
     .content = P("net = \"allow\"; net_allow = [ \"udp:[2001:db8::53]:0\" ];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.net_allow.[0]': invalid entry \"udp:[2001:db8::53]:0\": the "
	    "port must be 1..65535"},
    {.what = "net_allow as a string",
     .content = P("net = \"allow\"; net_allow = \"tcp:192.0.2.10:443\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.net_allow': expected a list of destinations, like "
	    "[\"tcp:192.0.2.10:443\", \"udp:[2001:db8::53]:53\"]"},
    {.what = "net_allow entry as a number",
     .content = P("net = \"allow\"; net_allow = [ 443 ];"),
     .r = -EINVAL,
     .msg =
	 "%F:1: key 'profiles.g.net_allow.[0]': expected a \"proto:address[/prefix]:port\" string"},
    {.what = "user_ns as string",
     .content = P("user_ns = \"yes\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.user_ns': expected true or false"},
    {.what = "state_dir as integer",
     .content = "state_dir = 7;\n",
     .r = -EINVAL,
     .msg = "%F:1: key 'state_dir': expected an absolute path string"},
    {.what = "group as integer",
     .content = R("  { group = 5; profile = \"g\"; }"),
     .r = -EINVAL,
     .msg = "%F:3: key 'rules.[0].group': expected a string"},
    {.what = "uid as float",
     .content = R("  { uid = 1.5; profile = \"g\"; }"),
     .r = -EINVAL,
     .msg = "%F:3: key 'rules.[0].uid': expected a uid or a range like \"1000-1999\""},
    {.what = "profile as integer",
     .content = R("  { user = \"a\"; profile = 1; }"),
     .r = -EINVAL,
     .msg = "%F:3: key 'rules.[0].profile': expected a profile name"},

    /* out of range */
    {.what = "cpu_weight 0",
     .content = P("cpu_weight = 0;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.cpu_weight': must be between 1 and 10000"},
    {.what = "cpu_weight 10001",
     .content = P("cpu_weight = 10001;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.cpu_weight': must be between 1 and 10000"},
    {.what = "pids_max 0",
     .content = P("pids_max = 0;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.pids_max': must be at least 1"},
    {.what = "memory_max below 1M",
     .content = P("memory_max = \"512K\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.memory_max': must be at least 1M or \"max\""},
    {.what = "memory_high 0 bytes",
     .content = P("memory_high = 0;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.memory_high': must be at least 1M or \"max\""},
    {.what = "home_size below 1M",
     .content = P("home_size = 1000;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.home_size': must be at least 1M"},
    {.what = "tmp_size negative",
     .content = P("tmp_size = -5;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.tmp_size': must be at least 1M"},
    {.what = "home_size max",
     .content = P("home_size = \"max\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.home_size': \"max\" is not allowed here: expected a size like "
	    "\"256M\""},
    {.what = "memory_swap_max negative",
     .content = P("memory_swap_max = -1;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.memory_swap_max': must not be negative"},
    {.what = "size too large",
     .content = P("memory_max = \"99999999T\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.memory_max': size \"99999999T\" is too large"},
    {.what = "cpu_quota 0%",
     .content = P("cpu_quota = \"0%\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.cpu_quota': percentage \"0%\" is out of range: must be 1% to "
	    "100000%"},
    {.what = "uid range reversed",
     .content = R("  { uid = \"2000-1000\"; profile = \"g\"; }"),
     .r = -EINVAL,
     .msg = "%F:3: key 'rules.[0].uid': invalid uid range \"2000-1000\": expected \"MIN-MAX\" with "
	    "0 <= MIN <= MAX <= 4294967294"},
    {.what = "uid negative",
     .content = R("  { uid = -1; profile = \"g\"; }"),
     .r = -EINVAL,
     .msg = "%F:3: key 'rules.[0].uid': uid must be between 0 and 4294967294"},
    {.what = "integer libconfig would truncate",
     .content = P("memory_max = 5368709120;"),
     .r = -EINVAL,
     .msg = "%F:1: integer 5368709120 is out of range (write large sizes as strings like \"4G\")"},

    {.what = "integer just past 32 bits",
     .content = P("memory_max = 2147483648;"),
     .r = -EINVAL,
     .msg = "%F:1: integer 2147483648 is out of range (write large sizes as strings like \"4G\")"},
    {.what = "hex integer past 32 bits",
     .content = P("pids_max = 0x100000000;"),
     .r = -EINVAL,
     .msg = "%F:1: integer 0x100000000 is out of range (write large sizes as strings like \"4G\")"},
    {.what = "smallest 32-bit integer is passed to the checks",
     .content = P("memory_swap_max = -2147483648;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.memory_swap_max': must not be negative"},

    /* bad values */
    {.what = "bad unit",
     .content = P("tmp_size = \"1Q\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.tmp_size': invalid size \"1Q\": expected digits with an "
	    "optional K, M, G or T suffix"},
    {.what = "bad unit where max is allowed",
     .content = P("memory_high = \"1.5G\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.memory_high': invalid size \"1.5G\": expected digits with an "
	    "optional K, M, G or T suffix, or \"max\""},
    {.what = "bad percentage",
     .content = P("cpu_quota = \"fast\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.cpu_quota': invalid percentage \"fast\": expected a whole "
	    "number and '%', like \"50%\", or \"max\""},
    {.what = "bad home mode",
     .content = P("home = \"nfs\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.home': invalid value \"nfs\": expected \"ephemeral\", "
	    "\"persistent\", \"tmpfs\" or \"bind\""},
    {.what = "hostname starting with '-'",
     .content = P("hostname = \"-box\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.hostname': invalid hostname \"-box\": use 1..64 letters, "
	    "digits, '-' and '.', not starting with '-'"},
    {.what = "hostname with a space",
     .content = P("hostname = \"my box\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.hostname': invalid hostname \"my box\": use 1..64 letters, "
	    "digits, '-' and '.', not starting with '-'"},
    {.what = "empty hostname",
     .content = P("hostname = \"\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.hostname': invalid hostname \"\": use 1..64 letters, digits, "
	    "'-' and '.', not starting with '-'"},
    {.what = "65-character hostname",
     .content =
	 P("hostname = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.hostname': invalid hostname "
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": use 1..64 "
	    "letters, digits, '-' and '.', not starting with '-'"},
    {.what = "an error after line comments keeps its line",
     .content = "# one\n// two\n  # three\nprofiles = { g = { # four\n"
		"tmp_size = \"1Q\"; // five\n }; };\n",
     .r = -EINVAL,
     .msg = "%F:5: key 'profiles.g.tmp_size': invalid size \"1Q\": expected digits with an "
	    "optional K, M, G or T suffix"},
    {.what = "an error after a block comment keeps its line",
     .content = "/* one # not a line comment\n two */ profiles = { g = {\n"
		"tmp_size = \"1Q\"; }; };\n",
     .r = -EINVAL,
     .msg = "%F:3: key 'profiles.g.tmp_size': invalid size \"1Q\": expected digits with an "
	    "optional K, M, G or T suffix"},
    {.what = "relative shell",
     .content = P("shell = \"bin/bash\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.shell': invalid path \"bin/bash\": must be absolute, without "
	    "\"..\" or whitespace"},
    {.what = "shell with ..",
     .content = P("shell = \"/usr/../bin/sh\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.shell': invalid path \"/usr/../bin/sh\": must be absolute, "
	    "without \"..\" or whitespace"},
    {.what = "shell with a space",
     .content = P("shell = \"/bin/ba sh\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.shell': invalid path \"/bin/ba sh\": must be absolute, without "
	    "\"..\" or whitespace"},
    /* command, init */
    {.what = "init as string",
     .content = P("init = \"yes\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.init': expected true or false"},
    {.what = "command as a string",
     .content = P("command = \"/usr/bin/prog\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.command': expected a list of the program's absolute path "
	    "and its arguments, like [\"/usr/bin/prog\", \"--arg\"]"},
    {.what = "empty command",
     .content = P("command = [];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.command': expected a list of the program's absolute path "
	    "and its arguments, like [\"/usr/bin/prog\", \"--arg\"]"},
    {.what = "relative command",
     .content = P("command = [\"prog\", \"-x\"];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.command.[0]': invalid program \"prog\": the program must be "
	    "an absolute path, without \"..\" or whitespace"},
    {.what = "command with ..",
     .content = P("command = [\"/usr/../bin/prog\"];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.command.[0]': invalid program \"/usr/../bin/prog\": the "
	    "program must be an absolute path, without \"..\" or whitespace"},
    {.what = "command argument not a string",
     .content = "profiles = { g = {\n  command = (\"/bin/prog\",\n    7);\n}; };\n",
     .r = -EINVAL,
     .msg = "%F:3: key 'profiles.g.command.[1]': expected an argument string"},
    {.what = "command argument with a newline",
     .content = P("command = [\"/bin/prog\", \"a\\nb\"];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.command.[1]': invalid argument \"a\nb\": control "
	    "characters (newline, tab, ...) are not allowed"},
    {.what = "command with 33 elements",
     .content = P("command = [\"/p\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", "
		  "\"9\", \"10\", \"11\", \"12\", \"13\", \"14\", \"15\", \"16\", \"17\", "
		  "\"18\", \"19\", \"20\", \"21\", \"22\", \"23\", \"24\", \"25\", \"26\", "
		  "\"27\", \"28\", \"29\", \"30\", \"31\", \"32\"];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.command': too many elements (33): at most 32"},
    {.what = "command over 768 bytes",
     .content = P("command = [\"/p\", \"" LONG400 "\", \"" LONG400 "\"];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.command.[2]': the command is too long: at most 768 bytes in "
	    "all"},
    {.what = "relative cgroup_root",
     .content = "cgroup_root = \"sys/fs/cgroup\";\n",
     .r = -EINVAL,
     .msg = "%F:1: key 'cgroup_root': invalid path \"sys/fs/cgroup\": must be absolute, without "
	    "\"..\" or whitespace"},
    {.what = "upper-case profile name",
     .content = "profiles = { Guest = {}; };\n",
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.Guest': invalid profile name: use 1..32 of a-z, 0-9, '_' and '-'"},
    {.what = "33-character profile name",
     .content = "profiles = { aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa = {}; };\n",
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': invalid profile name: use "
	    "1..32 of a-z, 0-9, '_' and '-'"},
    {.what = "empty user glob",
     .content = R("  { user = \"\"; profile = \"g\"; }"),
     .r = -EINVAL,
     .msg = "%F:3: key 'rules.[0].user': must not be empty"},
    {.what = "bad uid string",
     .content = R("  { uid = \"staff\"; profile = \"g\"; }"),
     .r = -EINVAL,
     .msg = "%F:3: key 'rules.[0].uid': invalid uid range \"staff\": expected \"MIN-MAX\" with 0 "
	    "<= MIN <= MAX <= 4294967294"},

    /* rules */
    {.what = "unknown profile in a rule",
     .content = R("  { user = \"a\"; profile = \"g\"; },\n  { user = \"b\"; profile = \"nope\"; }"),
     .r = -EINVAL,
     .msg = "%F:4: key 'rules.[1].profile': unknown profile \"nope\""},
    {.what = "rule without criteria",
     .content = R("  { profile = \"g\"; }"),
     .r = -EINVAL,
     .msg = "%F:3: key 'rules.[0]': rule has no criteria: give at least one of user, group, uid, "
	    "service, rhost, tty"},
    {.what = "rule without profile",
     .content = R("  { user = \"a\"; }"),
     .r = -EINVAL,
     .msg = "%F:3: key 'rules.[0]': missing 'profile'"},

    /* syntax */
    {.what = "a comment on the last line without its newline (libconfig: garbage)",
     .content = "profiles = { g = { }; };\n# no newline after me",
     .r = -EINVAL,
     .msg = "%F:2: syntax error: syntax error"},
    {.what = "a // comment on the only line without its newline",
     .content = "profiles = { g = { }; }; // no newline",
     .r = -EINVAL,
     .msg = "%F:1: syntax error: syntax error"},
    {.what = "syntax error",
     .content = "profiles = {\n  g = { home = };\n};\n",
     .r = -EINVAL,
     .msg = "%F:2: syntax error: syntax error"},
    {.what = "duplicate key",
     .content = "state_dir = \"/a\";\nstate_dir = \"/b\";\n",
     .r = -EINVAL,
     .msg = "%F:2: syntax error: duplicate setting name"},

    /* @include */
    {.what = "include with '/'",
     .content = "\n@include \"sub/x.conf\"\n",
     .r = -EINVAL,
     .msg = "%F:2: @include \"sub/x.conf\": must be a plain file name (no '/' or \"..\") in the "
	    "directory of the main file"},
    {.what = "include of an absolute path",
     .content = "@include \"/etc/passwd\"\n",
     .r = -EINVAL,
     .msg = "%F:1: @include \"/etc/passwd\": must be a plain file name (no '/' or \"..\") in the "
	    "directory of the main file"},
    {.what = "include with ..",
     .content = "  @include \"..\"\n",
     .r = -EINVAL,
     .msg = "%F:1: @include \"..\": must be a plain file name (no '/' or \"..\") in the directory "
	    "of the main file"},
    {.what = "malformed include",
     .content = "@include local.conf\n",
     .r = -EINVAL,
     .msg = "%F:1: malformed @include: expected @include \"NAME\""},
    {.what = "include of a missing file",
     .content = "@include \"missing.conf\"\n",
     .r = -ENOENT,
     .msg = "%D/missing.conf: cannot open: No such file or directory"},
    {.what = "include of a group-writable file",
     .content = "@include \"gw.conf\"\n",
     .flags = CONFIG_CHECK_OWNER,
     .inc_name = "gw.conf",
     .inc_content = "state_dir = \"/x\";\n",
     .inc_mode = 0664,
     .r = -EPERM,
     .msg = "%D/gw.conf: must not be writable by group or others (mode 0664)"},
    {.what = "include nested too deeply",
     .content = "@include \"self.conf\"\n",
     .inc_name = "self.conf",
     .inc_content = "@include \"self.conf\"\n",
     .inc_mode = 0644,
     .r = -ELOOP,
     .msg = "%D/self.conf:1: @include \"self.conf\": includes nested too deeply (limit 10)"},
    {.what = "error inside an included file",
     .content = "@include \"inc-bad.conf\"\n",
     .inc_name = "inc-bad.conf",
     .inc_content = "# included\nprofiles = { g = { net = \"wifi\"; }; };\n",
     .inc_mode = 0644,
     .r = -EINVAL,
     .msg = "%D/inc-bad.conf:2: key 'profiles.g.net': invalid value \"wifi\": expected \"none\", "
	    "\"host\" or "
	    "\"allow\""},
    {.what = "syntax error inside an included file",
     .content = "state_dir = \"/x\";\n@include \"inc-syn.conf\"\n",
     .inc_name = "inc-syn.conf",
     .inc_content = "\n\nx = = 1;\n",
     .inc_mode = 0644,
     .r = -EINVAL,
     .msg = "%D/inc-syn.conf:3: syntax error: syntax error"},
    {.what = "line numbers continue after an include",
     .content = "@include \"inc-ok.conf\"\n\nbogus = 1;\n",
     .inc_name = "inc-ok.conf",
     .inc_content = "state_dir = \"/x\";\n\n\n\n",
     .inc_mode = 0644,
     .r = -EINVAL,
     .msg = "%F:3: key 'bogus': unknown key"},

    /* resource-control keys */
    {.what = "bad cpu list",
     .content = P("cpuset_cpus = \"0-\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.cpuset_cpus': invalid CPU list \"0-\": expected CPU numbers and "
	    "ranges below 8192, like \"0-3,6\""},
    {.what = "reversed cpu range",
     .content = P("cpuset_cpus = \"3-1\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.cpuset_cpus': invalid CPU list \"3-1\": expected CPU numbers "
	    "and ranges below 8192, like \"0-3,6\""},
    {.what = "trailing comma in cpu list",
     .content = P("cpuset_cpus = \"1,\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.cpuset_cpus': invalid CPU list \"1,\": expected CPU numbers and "
	    "ranges below 8192, like \"0-3,6\""},
    {.what = "io limit without io_path",
     .content = "profiles = {\n  g = {\n    io_write_bps = \"1M\";\n  };\n};\n",
     .r = -EINVAL,
     .msg = "%F:2: key 'profiles.g': io limits are set but io_path is not: name a path on the "
	    "block device they apply to, like io_path = \"/home\";"},
    {.what = "relative io_path",
     .content = P("io_path = \"home\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.io_path': invalid path \"home\": must be absolute, without "
	    "\"..\" or whitespace"},
    {.what = "io_weight out of range",
     .content = P("io_path = \"/\"; io_weight = 0;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.io_weight': must be between 1 and 10000"},
    {.what = "zero iops",
     .content = P("io_path = \"/\"; io_read_iops = 0;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.io_read_iops': must be at least 1"},
    {.what = "bad duration",
     .content = P("max_duration = \"2 hours\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.max_duration': invalid duration \"2 hours\": expected numbers "
	    "with units s, m, h or d, like \"2h\" or \"1h30m\", or \"max\""},
    {.what = "duration as a number",
     .content = P("max_duration = 7200;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.max_duration': expected a duration like \"2h\" or \"90m\""},
    {.what = "duration too long",
     .content = P("max_duration = \"400d\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.max_duration': duration \"400d\" is out of range: must be 1s to "
	    "365d"},
    {.what = "grace may not be max",
     .content = P("max_duration_grace = \"max\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.max_duration_grace': invalid duration \"max\": expected numbers "
	    "with units s, m, h or d, like \"2h\" or \"1h30m\""},
    {.what = "zero max_sessions",
     .content = P("max_sessions = 0;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.max_sessions': must be at least 1"},
    {.what = "huge max_sessions",
     .content = P("max_sessions = 100000;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.max_sessions': must be at most 10000 or \"max\""},
    {.what = "bad limits",
     .content = P("limits = \"maybe\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.limits': invalid value \"maybe\": expected \"required\" or "
	    "\"optional\""},
    {.what = "bad backend",
     .content = "cgroup_backend = \"cgmanager\";\n",
     .r = -EINVAL,
     .msg = "%F:1: key 'cgroup_backend': invalid value \"cgmanager\": expected \"auto\", "
	    "\"systemd\" or \"cgroupfs\""},
    {.what = "user_cpu_quota not a percentage",
     .content = P("user_cpu_quota = 2;"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.user_cpu_quota': expected a percentage like \"50%\" or \"max\""},

    /* services */
    {.what = "services as a string",
     .content = P("services = \"sshd\";"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.services': expected a list of PAM service names, like "
	    "[\"login\", \"sshd\"]"},
    {.what = "services as a group",
     .content = P("services = { sshd = 1; };"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.services': expected a list of PAM service names, like "
	    "[\"login\", \"sshd\"]"},
    {.what = "empty services",
     .content = P("services = [];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.services': must name at least one PAM service, like [\"login\", "
	    "\"sshd\"]"},
    {.what = "empty services list",
     .content = P("services = ();"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.services': must name at least one PAM service, like [\"login\", "
	    "\"sshd\"]"},
    {.what = "service as a number",
     .content = "profiles = { g = {\n  services = [\n    1 ];\n}; };\n",
     .r = -EINVAL,
     .msg = "%F:3: key 'profiles.g.services.[0]': expected a PAM service name string"},
    {.what = "service as a number in a list",
     .content = P("services = (\"sshd\", 2);"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.services.[1]': expected a PAM service name string"},
    {.what = "empty service name",
     .content = P("services = [\"login\", \"\"];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.services.[1]': invalid PAM service \"\": use 1..64 letters, "
	    "digits, '.', '_', '+', '-' and the glob characters '*', '?', '[', ']', '!', not "
	    "starting with '.'"},
    {.what = "service with a space",
     .content = P("services = [\"gdm password\"];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.services.[0]': invalid PAM service \"gdm password\": use 1..64 "
	    "letters, digits, '.', '_', '+', '-' and the glob characters '*', '?', '[', ']', '!', "
	    "not starting with '.'"},
    {.what = "service with a slash",
     .content = P("services = [\"../sshd\"];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.services.[0]': invalid PAM service \"../sshd\": use 1..64 "
	    "letters, digits, '.', '_', '+', '-' and the glob characters '*', '?', '[', ']', '!', "
	    "not starting with '.'"},
    {.what = "65-character service",
     .content =
	 P("services = [\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.services.[0]': invalid PAM service "
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": use 1..64 "
	    "letters, digits, '.', '_', '+', '-' and the glob characters '*', '?', '[', ']', '!', "
	    "not starting with '.'"},
    {.what = "service listed twice",
     .content = P("services = [\"sshd\", \"su\", \"sshd\"];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.services.[2]': PAM service \"sshd\" is listed twice"},

    /* graphical, gpu, audio */
    {.what = "graphical without a command",
     .content = "profiles = { g = {\n  graphical = true;\n}; };\n",
     .r = -EINVAL,
     .msg = "%F:2: key 'profiles.g.graphical': a graphical profile is a kiosk and needs its "
	    "program: set command = [ \"/usr/bin/prog\", ... ];"},
    {.what = "graphical with services",
     .content = "profiles = { g = {\n  graphical = true; command = [\"/bin/k\"];\n"
		"  services = [\"login\"];\n}; };\n",
     .r = -EINVAL,
     .msg = "%F:3: key 'profiles.g.services': a graphical profile is opened only by the kiosk "
	    "unit's PAM service 'confine-kiosk': leave services out"},
    {.what = "graphical with home = bind",
     .content = "profiles = { g = {\n  graphical = true; command = [\"/bin/k\"];\n"
		"  home = \"bind\";\n}; };\n",
     .r = -EINVAL,
     .msg = "%F:3: key 'profiles.g.home': a graphical profile cannot have home = \"bind\": its "
	    "compositor runs unconfined as the same user and reads that home (Mesa's shader "
	    "cache, XKB files); use \"tmpfs\" or an overlay"},
    {.what = "gpu without graphical",
     .content = "profiles = { g = {\n  command = [\"/bin/k\"];\n  gpu = true;\n}; };\n",
     .r = -EINVAL,
     .msg = "%F:3: key 'profiles.g.gpu': gpu = true needs graphical = true"},
    {.what = "audio without graphical",
     .content = "profiles = { g = {\n  audio = true;\n}; };\n",
     .r = -EINVAL,
     .msg = "%F:2: key 'profiles.g.audio': audio = true needs graphical = true"},
    {.what = "graphical not a boolean",
     .content = P("graphical = \"yes\"; command = [\"/bin/k\"];"),
     .r = -EINVAL,
     .msg = "%F:1: key 'profiles.g.graphical': expected true or false"},

    /* file safety */
    {.what = "missing file",
     .content = "",
     .setup = MISSING,
     .r = -ENOENT,
     .msg = "%F: cannot open: No such file or directory"},
    {.what = "directory",
     .content = "",
     .setup = DIRECTORY,
     .r = -EINVAL,
     .msg = "%F: not a regular file"},
    {.what = "world-writable main file",
     .content = "state_dir = \"/x\";\n",
     .flags = CONFIG_CHECK_OWNER,
     .mode = 0666,
     .r = -EPERM,
     .msg = "%F: must not be writable by group or others (mode 0666)"},
    {.what = "group-writable main file",
     .content = "state_dir = \"/x\";\n",
     .flags = CONFIG_CHECK_OWNER,
     .mode = 0620,
     .r = -EPERM,
     .msg = "%F: must not be writable by group or others (mode 0620)"},
    {.what = "main file not owned by root",
     .content = "state_dir = \"/x\";\n",
     .flags = CONFIG_CHECK_OWNER,
     .setup = NOT_ROOT,
     .r = -EPERM,
     .msg = "%F: must be owned by root (owner is uid 1)"},
    {.what = "symlinked main file",
     .content = "state_dir = \"/x\";\n",
     .flags = CONFIG_CHECK_OWNER,
     .setup = SYMLINK,
     .r = -ELOOP,
     .msg = "%F: is a symbolic link; refusing to follow it"},
};

static void test_bad(const struct bad *t)
{
	static struct confine_config sentinel;
	struct confine_config *c = &sentinel;
	_cleanup_free_ char *file = NULL, *inc = NULL, *target = NULL;
	struct error err = ERROR_INIT;
	char want[1024];
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

	r = config_load(file, t->flags, &c, &err);
	is_int(r, t->r, "%s: fails with %d", t->what, t->r);
	expand(t->msg, file, want, sizeof(want));
	is_str(error_msg(&err), want, "%s: message", t->what);
	is_int(err.code, t->r, "%s: the error's code is the result", t->what);
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
	struct error err = ERROR_INIT;
	int r;

	r = config_load(file, flags, &c, &err);
	if (!ok(r == 0 && c, "%s: loads", what))
		printf("#   r=%d err: %s\n", r, error_msg(&err));
	is_str(err.msg, "", "%s: no message", what);
	unlink(file);
	return r == 0 ? c : NULL;
}

/* What a profile should hold; every field is given (0 is a value here, not "unchecked"). */
struct want {
	const char *name;
	enum home_mode home;
	uint64_t home_size, tmp_size, memory_max, memory_high, memory_swap_max, pids_max;
	unsigned cpu_quota, cpu_weight;
	enum net_mode net;
	bool user_ns;
	const char *hostname, *shell;
};

static void check_profile(const struct confine_config *c, const struct want *w)
{
	const char *name = w->name;
	const struct confine_profile *p = config_find_profile(c, name);

	if (!ok(p != NULL, "profile %s exists", name))
		return;
	is_str(p->name, name, "%s: name", name);
	is_int(p->home, w->home, "%s: home", name);
	is_int((long long)p->home_size, (long long)w->home_size, "%s: home_size", name);
	is_int((long long)p->tmp_size, (long long)w->tmp_size, "%s: tmp_size", name);
	ok(p->memory_max == w->memory_max, "%s: memory_max", name);
	ok(p->memory_high == w->memory_high, "%s: memory_high", name);
	ok(p->memory_swap_max == w->memory_swap_max, "%s: memory_swap_max", name);
	is_int(p->cpu_quota, w->cpu_quota, "%s: cpu_quota", name);
	is_int(p->cpu_weight, w->cpu_weight, "%s: cpu_weight", name);
	ok(p->pids_max == w->pids_max, "%s: pids_max", name);
	is_int(p->net, w->net, "%s: net", name);
	is_int(p->user_ns, w->user_ns, "%s: user_ns", name);
	is_str(p->hostname, w->hostname, "%s: hostname", name);
	is_str(p->shell, w->shell, "%s: shell", name);
}

/* The shipped profiles, as conf/confine.conf sets them. */
static const struct want want_shipped[] = {
    {.name = "guest",
     .home = HOME_EPHEMERAL,
     .home_size = 256 * MiB,
     .tmp_size = 64 * MiB,
     .memory_max = 512 * MiB,
     .memory_high = UNIT_MAX,
     .memory_swap_max = 0,
     .cpu_quota = 50,
     .cpu_weight = 0,
     .pids_max = 256,
     .net = NET_NONE,
     .user_ns = false,
     .hostname = "confine",
     .shell = "/bin/bash"},
    {.name = "lab",
     .home = HOME_PERSISTENT,
     .home_size = GiB,
     .tmp_size = 64 * MiB,
     .memory_max = 2 * GiB,
     .memory_high = 1536 * MiB,
     .memory_swap_max = GiB,
     .cpu_quota = 100,
     .cpu_weight = 0,
     .pids_max = 1024,
     .net = NET_HOST,
     .user_ns = false,
     .hostname = "lab",
     .shell = "/bin/bash"},
    {.name = "kiosk",
     .home = HOME_TMPFS,
     .home_size = 64 * MiB,
     .tmp_size = 32 * MiB,
     .memory_max = 256 * MiB,
     .memory_high = UNIT_MAX,
     .memory_swap_max = 0,
     .cpu_quota = 25,
     .cpu_weight = 0,
     .pids_max = 128,
     .net = NET_NONE,
     .user_ns = false,
     .hostname = "kiosk",
     .shell = "/bin/bash"},
};

/* An empty profile: every default. */
static const struct want want_p = {.name = "p",
				   .home = HOME_EPHEMERAL,
				   .home_size = 256 * MiB,
				   .tmp_size = 64 * MiB,
				   .memory_max = UNIT_MAX,
				   .memory_high = UNIT_MAX,
				   .memory_swap_max = UNIT_MAX,
				   .cpu_quota = 0,
				   .cpu_weight = 0,
				   .pids_max = UNIT_MAX,
				   .net = NET_NONE,
				   .user_ns = false,
				   .hostname = "confine",
				   .shell = "/bin/bash"};

/* "every key given" below. */
static const struct want want_full = {.name = "full",
				      .home = HOME_TMPFS,
				      .home_size = 2 * MiB,
				      .tmp_size = 3 * MiB,
				      .memory_max = 3 * GiB,
				      .memory_high = UNIT_MAX,
				      .memory_swap_max = 0,
				      .cpu_quota = 250,
				      .cpu_weight = 10000,
				      .pids_max = UNIT_MAX,
				      .net = NET_HOST,
				      .user_ns = true,
				      .hostname = "box-1.example",
				      .shell = "/usr/bin/zsh"};

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
	for (size_t i = 0; i < ELEMENTSOF(want_shipped); i++)
		check_profile(c, &want_shipped[i]);

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
	ok(config_match(c, &in, &rule) == 0 && rule == NULL,
	   "shipped: a user outside group confine is not confined");
	in.groups = groups;
	config_match(c, &in, &rule);
	ok(rule && rule->profile == config_find_profile(c, "guest"),
	   "shipped: a member of group confine gets guest");
	static const char *const lab_groups[] = {"users", "confine", "confine-lab", NULL};
	in.groups = lab_groups;
	config_match(c, &in, &rule);
	ok(rule && rule->profile == config_find_profile(c, "lab"),
	   "shipped: a member of confine and confine-lab gets lab");
	in.groups = groups;
}

static void test_shipped(void)
{
	struct confine_config *c = NULL;
	struct error err = ERROR_INIT;
	struct stat st;
	int r;

	r = config_load(SHIPPED_CONF, 0, &c, &err);
	if (!is_int(r, 0, "shipped %s loads", SHIPPED_CONF))
		printf("#   %s\n", error_msg(&err));
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
		r = config_load(SHIPPED_CONF, CONFIG_CHECK_OWNER, &c, &err);
		if (!is_int(r, 0, "shipped %s loads with CONFIG_CHECK_OWNER", SHIPPED_CONF))
			printf("#   %s\n", error_msg(&err));
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
		check_profile(c, &want_p);
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
		check_profile(c, &want_full);
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
}

/* The resource-control keys, comments and strings that look like includes, wide integers. */
static void test_more_values(void)
{
	struct confine_config *c;
	const struct confine_profile *p;

	c = load_ok(
	    "resource-control keys",
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
		       p->io_read_iops == 100 && p->io_write_iops == UNIT_MAX &&
		       p->io_weight == 10 && p->user_memory_max == 2 * GiB &&
		       p->user_cpu_quota == 200 && p->user_pids_max == 500 &&
		       p->max_sessions == 0 && p->max_duration == 7200 &&
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

/* libconfig parses the text without its line comments (config-scan.c): never a string's. */
static void test_comments(void)
{
	struct confine_config *c =
	    load_ok("comments around values, # and // in strings",
		    "# a comment\n"
		    "profiles = { # a comment after a token\n"
		    "  k = { // a comment\n"
		    "    command = [ \"/usr/bin/kiosk\", \"a#b\", \"c//d\", \"/* e */\", "
		    "\"f\\\"#g\" ]; # x\n"
		    "    /* a block comment # with a hash\n"
		    "       on two lines */ hostname = \"h-1\";\n"
		    "  };\n"
		    "};\n"
		    "rules = ( { user = \"u#1\"; profile = \"k\"; } ); // the end\n",
		    0);
	const struct confine_profile *p = c ? config_find_profile(c, "k") : NULL;

	ok(p && p->command && streq(p->command[1], "a#b") && streq(p->command[2], "c//d") &&
	       streq(p->command[3], "/* e */") && streq(p->command[4], "f\"#g") && !p->command[5],
	   "comments: the command's arguments keep their # and //");
	ok(p && streq(p->hostname, "h-1"), "comments: a value after a block comment is read");
	ok(c && c->n_rules == 1 && streq(c->rules[0].user, "u#1") && c->rules[0].line == 9,
	   "comments: the rule, its user with a '#', on its line");
	config_free(c);
}

static void test_err_null(void)
{
	_cleanup_free_ char *file = write_temp("bad-", "foo = 1;\n", 0644);
	struct confine_config *c = NULL;

	is_int(config_load(file, 0, &c, NULL), -EINVAL, "no error to fill: still fails");
	ok(c == NULL, "no error to fill: result untouched");
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
				 "  { group = \"confine\"; profile = \"a\"; },\n"
				 "  { tty = \"pts/*\"; profile = \"c\"; },\n"
				 "  { tty = \"/dev/tty1?\"; profile = \"e\"; },\n"
				 "  { tty = \"tty*\"; user = \"v\"; profile = \"b\"; },\n"
				 "  { tty = \"/dev/tty*\"; user = \"w\"; profile = \"b\"; }\n"
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
    {"tty with /dev/ (a kiosk unit's TTYPath)", {.user = "u", .uid = 1, .tty = "/dev/tty2"}, 4},
    {"pts glob, su's /dev/pts/N", {.user = "u", .uid = 1, .tty = "/dev/pts/3"}, 8},
    {"pts glob, a bare pts/N", {.user = "u", .uid = 1, .tty = "pts/4"}, 8},
    {"/dev/ in the glob: login's bare name is not matched",
     {.user = "u", .uid = 1, .tty = "tty10"},
     -1},
    {"/dev/ in the glob: the path is", {.user = "u", .uid = 1, .tty = "/dev/tty12"}, 9},
    {"not a prefix but /dev/", {.user = "u", .uid = 1, .tty = "/devpts/3"}, -1},
    {"control: a console line reaches tty*", {.user = "v", .uid = 1, .tty = "/dev/tty3"}, 4},
    {"control: a bare name reaches tty*", {.user = "v", .uid = 1, .tty = "ttyX"}, 10},
    {"/dev/tty (anyone's alias of a terminal) matches no rule",
     {.user = "v", .uid = 1, .tty = "/dev/tty"},
     -1},
    {"/dev/ptmx matches no rule", {.user = "v", .uid = 1, .tty = "/dev/ptmx"}, -1},
    {"/dev/pts/ptmx matches no rule", {.user = "v", .uid = 1, .tty = "/dev/pts/ptmx"}, -1},
    {"a device that is no line keeps its /dev/",
     {.user = "v", .uid = 1, .tty = "/dev/ttynull"},
     -1},
    {"control: /dev/tty* reaches a console's path",
     {.user = "w", .uid = 1, .tty = "/dev/tty9"},
     11},
    {"/dev/tty* does not reach the alias /dev/tty", {.user = "w", .uid = 1, .tty = "/dev/tty"}, -1},
    {"ssh (sshd without a pty) is a value of its own", {.user = "u", .uid = 1, .tty = "ssh"}, -1},
    {"rhost glob", {.user = "u", .uid = 1, .rhost = "pc1.lab.example.org"}, 5},
    {"rhost glob miss", {.user = "u", .uid = 1, .rhost = "lab.example.org"}, -1},
    {"service and user globs", {.user = "guest7", .uid = 1, .service = "gdm-password"}, 6},
    {"service glob without user", {.user = "bob", .uid = 1, .service = "gdm-password"}, -1},
    {"NULL user", {.uid = 1, .service = "gdm-password"}, -1},
    {"NULL everything", {.uid = 1}, -1},
    {"later group rule", {.user = "carol", .uid = 1001, .groups = g_confine}, 7},
};

/* A group database where "staff" cannot be resolved now and the user is in "confine". */
static int fake_member(const char *group, void *data)
{
	(void)data;
	if (streq(group, "staff"))
		return -EHOSTDOWN;
	return streq(group, "confine");
}

/* Fail closed: a group rule that would match but whose membership is unknown. */
static void test_match_uncertain(const struct confine_config *c)
{
	struct match_input in = {
	    .user = "bob", .uid = 1000, .service = "sshd", .member = fake_member};
	const struct confine_rule *r = NULL;

	is_int(config_match(c, &in, &r), -EHOSTDOWN, "uncertain: the group rule's error");
	ok(r == &c->rules[1], "uncertain: names the rule whose group is unknown");
	in.service = "login"; /* rule 1 wants sshd: its group is never asked */
	is_int(config_match(c, &in, &r), 0, "uncertain group of a rule that cannot match: certain");
	ok(r == &c->rules[7], "uncertain group of a rule that cannot match: the later rule");
	in.user = "root"; /* rule 0 matches before any group rule is asked */
	in.service = "sshd";
	ok(config_match(c, &in, &r) == 0 && r == &c->rules[0], "uncertain: an earlier rule wins");
}

/* user_in_group against this host's database. */
static void test_user_in_group(void)
{
	_cleanup_free_ gid_t *gids = NULL;
	struct passwd *pw = getpwnam("root");
	int n = pw ? user_groups(pw, &gids) : -1;

	if (!ok(n > 0, "membership: root's groups"))
		return;
	struct user_membership um = {pw, gids, n};
	is_int(user_in_group("root", &um), 1, "membership: root is in its primary group");
	is_int(user_in_group("confine-no-such-group-x9", &um), -ENOENT,
	       "membership: an unknown group is not 'no' but -ENOENT");
	is_int(user_in_group("nogroup", &um), 0, "membership: root is not in nogroup");
}

/* The lookup in a child (confinectl run): the answer getpwnam and user_groups give here. */
static void test_user_lookup(void)
{
	struct user_lookup l;
	struct user_info u;
	struct passwd *pw = getpwnam("root");
	_cleanup_free_ gid_t *gids = NULL;
	int n = pw ? user_groups(pw, &gids) : -1;

	if (!ok(user_lookup_start("root", &l) == 0, "lookup: started"))
		return;
	int r = user_lookup_passwd(&l, &u);
	ok(r == 0 && u.pw.pw_uid == 0 && u.pw.pw_gid == 0 && strcmp(u.pw.pw_name, "root") == 0 &&
	       pw && strcmp(u.pw.pw_dir, pw->pw_dir) == 0,
	   "lookup: the passwd part first: root's name, ids and home (%d)", r);
	/* The groups read by another process (as the sandbox's PID 1 does). */
	pid_t child = fork();
	if (child == 0) {
		gid_t *g = NULL;
		int k = 0;
		_exit(user_lookup_groups(&l, &g, &k) == 0 && k == n &&
			      memcmp(g, gids, n * sizeof(gid_t)) == 0
			  ? 0
			  : 1);
	}
	int st = -1;
	waitpid(child, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "lookup: another process reads the groups");
	user_lookup_end(&l);
	ok(user_lookup_start("confine-no-such-user-x9", &l) == 0 &&
	       user_lookup_passwd(&l, &u) == -ENOENT,
	   "lookup: an unknown user is -ENOENT");
	user_lookup_end(&l);
	/* A child that died before its groups (EOF) is an error, never an empty list. */
	int p[2];
	if (ok(pipe(p) == 0, "lookup: a pipe")) {
		close(p[1]);
		struct user_lookup dead = {.fd = p[0], .pid = -1};
		gid_t *g = NULL;
		int k = 7;
		is_int(user_lookup_groups(&dead, &g, &k), -EIO,
		       "lookup: no groups answer (the child died) is -EIO");
		ok(!g && k == 7, "lookup: and hands back nothing");
		user_lookup_end(&dead);
	}
	ok(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "lookup: the children are reaped");
}

static void test_match(void)
{
	struct confine_config *c = load_ok("match rules", match_conf, 0);

	if (!c)
		return;
	is_int(c->n_rules, 12, "twelve rules");
	is_int(c->rules[2].line, 5, "rule line numbers");
	ok(c->rules[2].has_uid && c->rules[2].uid_min == 2000 && c->rules[2].uid_max == 2999,
	   "uid range parsed");
	ok(c->rules[3].has_uid && c->rules[3].uid_min == 5000 && c->rules[3].uid_max == 5000,
	   "single uid parsed");
	for (size_t i = 0; i < ELEMENTSOF(matches); i++) {
		const struct confine_rule *r;
		int m = config_match(c, &matches[i].in, &r);
		long long got = r ? (long long)(r - c->rules) : -1;

		is_int(m, 0, "match: %s: certain", matches[i].what);
		is_int(got, matches[i].rule, "match: %s", matches[i].what);
	}
	test_match_uncertain(c);
	config_free(c);

	c = load_ok("no rules", "profiles = { a = {}; };\n", 0);
	if (c) {
		struct match_input in = {.user = "root", .uid = 0};

		const struct confine_rule *r = (void *)1;

		ok(config_match(c, &in, &r) == 0 && r == NULL, "match: no rules, no match");
	}
	config_free(c);
}

/* ---- printing --------------------------------------------------------------------------- */

/* What config_print_profile printed (out) is valid config that loads back to the profile a. */
static void check_round_trip(const struct confine_profile *a, const char *out)
{
	_cleanup_free_ char *text = NULL, *file = NULL;
	struct confine_config *again = NULL;
	struct error err = ERROR_INIT;

	if (asprintf(&text, "profiles = { g = {\n%s}; };\n", out) < 0)
		abort();
	file = write_temp("print-", text, 0644);
	is_int(config_load(file, 0, &again, &err), 0, "printed profile loads back");
	if (again) {
		const struct confine_profile *b = &again->profiles[0];

		PROFILE_KEYS_FOREACH (k) {
			if (k->kind == KEY_SERVICES || k->kind == KEY_COMMAND)
				continue;
			if (k->kind == KEY_PATH || k->kind == KEY_HOSTNAME || k->kind == KEY_CPUS)
				is_str(profile_cstr(b, k), profile_cstr(a, k), "round trip: %s",
				       k->key);
			else
				ok(profile_num(a, k) == profile_num(b, k), "round trip: %s",
				   k->key);
		}
		ok(b->services && streq(b->services[0], "sshd") && streq(b->services[1], "gdm-*") &&
		       !b->services[2],
		   "round trip: services");
		ok(b->command && streq(b->command[0], "/usr/bin/kiosk") &&
		       streq(b->command[1], "--title=a \"b\"") && streq(b->command[2], "c\\d") &&
		       !b->command[3],
		   "round trip: command (quotes and backslashes escaped)");
	}
	unlink(file);
	config_free(again);
}

static void test_print(void)
{
	struct confine_config *c = NULL;
	_cleanup_free_ char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	c = load_ok("profile to print",
		    P("memory_max = \"1536M\"; cpu_quota = \"50%\"; "
		      "cpu_weight = 200; pids_max = 99; user_ns = true; "
		      "hostname = \"h\"; memory_swap_max = 0; memory_oom_group = false; "
		      "cpuset_cpus = \"0-1,3\"; io_path = \"/srv\"; io_read_bps = \"10M\"; "
		      "io_write_iops = 300; io_weight = 50; user_memory_max = \"2G\"; "
		      "user_cpu_quota = \"150%\"; max_sessions = 2; max_duration = \"90m\"; "
		      "limits = \"optional\"; services = [\"sshd\", \"gdm-*\"]; init = true; "
		      "command = [\"/usr/bin/kiosk\", \"--title=a \\\"b\\\"\", \"c\\\\d\"];"),
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
	       "command = [\"/usr/bin/kiosk\", \"--title=a \\\"b\\\"\", \"c\\\\d\"];\n"
	       "init = true;\n"
	       "graphical = false;\n"
	       "gpu = false;\n"
	       "audio = false;\n"
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

	check_round_trip(&c->profiles[0], out);
	config_free(c);
}

/* ---- the profile table ------------------------------------------------------------------ */

/* The size of the field each kind reads into (profile_num/profile_set_num go by size). */
static size_t kind_size(enum key_kind kind)
{
	switch (kind) {
	case KEY_PERCENT:
	case KEY_WEIGHT:
	case KEY_SESSIONS:
		return sizeof(unsigned);
	case KEY_BOOL:
		return sizeof(bool);
	case KEY_CHOICE:
		return 0; /* an enum or a bool */
	case KEY_PATH:
	case KEY_HOSTNAME:
	case KEY_CPUS:
	case KEY_SERVICES:
	case KEY_COMMAND:
		return sizeof(char *);
	default:
		return sizeof(uint64_t);
	}
}

static void test_table(void)
{
	PROFILE_KEYS_FOREACH (k) {
		size_t want = kind_size(k->kind);

		ok(want ? k->size == want : (k->size == sizeof(int) || k->size == sizeof(bool)),
		   "table: %s: its field has the size its kind reads (%zu)", k->key, k->size);
		ok(profile_key_find(k->key) == k, "table: %s: named once", k->key);
		ok(!k->cg_file == (k->cg_format == CG_NONE) &&
		       !k->sd_prop == (k->sd_format == SD_NONE) && (!k->cg_file || k->controller) &&
		       (k->cg_format != CG_IO_MAX || k->cg_key),
		   "table: %s: cgroup file, format, controller and property agree", k->key);
		ok(!(k->flags & KEY_F_IO) || k->controller, "table: %s: an io key has a controller",
		   k->key);
	}
	ok(profile_key_find("name") == NULL && profile_key_find("nope") == NULL,
	   "table: no row for unknown keys");
}

static void test_services(void)
{
	static const struct {
		const char *service;
		bool want;
	} cases[] = {
	    {"login", true},
	    {"sshd", false},
	    {"gdm-password", true},
	    {"gdm", false},
	    {"xgdm-password", false},
	    {"lightdm", true},
	    {"lightdm-greeter", false},
	    {"", false},
	    {NULL, false},
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

	c = load_ok("a graphical kiosk",
		    P("graphical = true; gpu = true; command = [\"/usr/bin/foot\"];"), 0);
	if (c) {
		p = config_find_profile(c, "g");
		ok(profile_allows_service(p, "confine-kiosk"),
		   "graphical: the kiosk unit's service is allowed");
		ok(!profile_allows_service(p, "login") && !profile_allows_service(p, "su") &&
		       !profile_allows_service(p, "sshd") && !profile_allows_service(p, "su-l") &&
		       !profile_allows_service(p, "systemd-user") &&
		       !profile_allows_service(p, "confine-kiosk2"),
		   "graphical: login, su, sshd, systemd-user and the rest refused");
		ok(p->graphical && p->gpu && !p->audio, "graphical: the keys are read");
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
	test_more_values();
	test_include();
	test_comments();
	test_err_null();
	test_match();
	test_user_in_group();
	test_user_lookup();
	test_services();
	test_print();
	test_table();

	if (rmdir(tmpdir) < 0)
		ok(0, "temp dir %s is empty at the end: %s", tmpdir, strerror(errno));
	return tap_done();
}
