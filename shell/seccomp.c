/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sandboxed program's seccomp filter, built by libseccomp for one architecture (the
 * native one when installed). Everything is allowed except what is listed here: what a
 * login session never needs and what widens the kernel's attack surface. SECURITY.md ("The
 * seccomp filter") gives the reason for every line and how it differs from Docker's default
 * profile and systemd's @system-service set.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* ours; <seccomp.h> above is libseccomp's */
#include "seccomp.h" // NOLINT(readability-duplicate-include)
#include "util.h"

/* Refused with EPERM whatever the arguments. */
static const char *const deny_always[] = {
    /* io_uring: a second system call interface that no seccomp filter can see into */
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    /* userfaultfd holds kernel page faults open at will (the race-widener of exploits);
     * eBPF and perf events are large kernel interfaces with a long bug record */
    "userfaultfd",
    "bpf",
    "perf_event_open",
    /* keyrings: request_key upcalls run root helpers on the host, and dns_resolver keys
     * are a DNS channel around net = "none" */
    "keyctl",
    "add_key",
    "request_key",
    /* the kernel itself: kexec, modules, reboot, swap, process accounting, kernel log */
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "syslog",
    /* the mount table, the root directory and other processes' namespaces */
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "chroot",
    "move_mount",
    "open_tree",
    "open_tree_attr", /* Linux 6.15, unknown to libseccomp 2.5 (then skipped) */
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "setns",
    /* file handles skip every directory permission on the way (the "shocker" escape) */
    "open_by_handle_at",
    /* the system clock */
    "settimeofday",
    "stime",
    "clock_settime",
    "clock_settime64",
    "adjtimex",
    "clock_adjtime",
    "clock_adjtime64",
    /* I/O ports and CPU emulation */
    "iopl",
    "ioperm",
    "modify_ldt",
    "vm86",
    "vm86old",
    /* the rest of Docker's and systemd's privileged sets */
    "kcmp",
    "vhangup",
    "quotactl",
    "quotactl_fd",
    "lookup_dcookie",
    "nfsservctl",
    "fanotify_init",
    "sethostname",
    "setdomainname",
    "uselib",
    "_sysctl",
};

/* ioctl commands with an effect beyond the caller's own terminal, refused with EPERM. */
static const uint32_t deny_ioctl[] = {
    /* typing into the input queue, console selection and paste, line disciplines (module
     * autoload of rarely used code), redirecting the system console */
    TIOCSTI,
    TIOCLINUX,
    TIOCSETD,
    TIOCCONS,
    /* keymap, accents, keycodes, keyboard mode and signal, LEDs, repeat rate */
    KDSKBENT,
    KDSKBSENT,
    KDSETKEYCODE,
    KDSKBDIACR,
    KDSKBDIACRUC,
    KDSKBMODE,
    KDSIGACCEPT,
    KDSETLED,
    KDSKBLED,
    KDKBDREP,
    /* text/graphics mode, fonts, colour map, screen and Unicode maps */
    KDSETMODE,
    PIO_FONT,
    PIO_FONTX,
    PIO_FONTRESET,
    KDFONTOP,
    PIO_CMAP,
    PIO_SCRNMAP,
    PIO_UNISCRNMAP,
    PIO_UNIMAP,
    PIO_UNIMAPCLR,
    /* switching, locking, resizing and freeing virtual terminals */
    VT_ACTIVATE,
    VT_SETACTIVATE,
    VT_SETMODE,
    VT_RELDISP,
    VT_LOCKSWITCH,
    VT_UNLOCKSWITCH,
    VT_RESIZE,
    VT_RESIZEX,
    VT_DISALLOCATE,
};

/* Namespace flags of clone() and unshare(). CLONE_NEWTIME only for unshare: in clone()
 * that bit belongs to the exit signal. */
static const uint64_t ns_flags[] = {
    CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
    CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET, CLONE_NEWTIME,
};

/* The only socket families: local, IPv4, IPv6 and netlink (routing, interface lists). */
static const int socket_families[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};

/* Adds one rule for the syscall called name. libseccomp takes the native ABI's number and
 * translates it by name for the filter's architecture. A name unknown there (or to this
 * libseccomp) is skipped: there is nothing to refuse. */
static int rule(scmp_filter_ctx ctx, const char *name, uint32_t action, unsigned n,
		const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name), r;

	if (nr == __NR_SCMP_ERROR)
		return 0;
	r = seccomp_rule_add_exact_array(ctx, action, nr, n, cmp);
	return r == -EDOM ? 0 : r; /* a pseudo-syscall: none of that name on this arch */
}

static int rule1(scmp_filter_ctx ctx, const char *name, uint32_t action, struct scmp_arg_cmp cmp)
{
	return rule(ctx, name, action, 1, &cmp);
}

/* clone and unshare with any namespace flag (each flag its own rule: libseccomp compares
 * one argument once per rule); clone3 hides its flags in memory, so libc falls back to
 * clone, which is checked. */
static int add_namespace_rules(scmp_filter_ctx ctx, uint32_t arch)
{
	/* s390 passes clone's flags second */
	unsigned clone_arg = arch == SCMP_ARCH_S390X || arch == SCMP_ARCH_S390 ? 1 : 0;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(ns_flags); i++) {
		uint64_t f = ns_flags[i];
		struct scmp_arg_cmp c = {clone_arg, SCMP_CMP_MASKED_EQ, f, f};

		if (f != CLONE_NEWTIME && (r = rule1(ctx, "clone", SCMP_ACT_ERRNO(EPERM), c)) < 0)
			return r;
		if ((r = rule1(ctx, "unshare", SCMP_ACT_ERRNO(EPERM),
			       SCMP_A0_64(SCMP_CMP_MASKED_EQ, f, f))) < 0)
			return r;
	}
	return rule(ctx, "clone3", SCMP_ACT_ERRNO(ENOSYS), 0, NULL);
}

/*
 * personality() only with the values Docker allows: PER_LINUX and PER_LINUX32, each with
 * or without UNAME26, and 0xffffffff (query). The kernel takes an unsigned int; any higher
 * bit is refused. A default-allow filter cannot hold allow rules and libseccomp compares an
 * argument once per rule, so "none but these" is a union of single comparisons:
 *  - every bit b outside `keep` set while the next such bit c (cyclically) is clear: this
 *    catches every value with some but not all of those 30 bits set;
 *  - the three values with all of them set other than 0xffffffff.
 */
static int add_personality_rules(scmp_filter_ctx ctx)
{
	const uint32_t keep = PER_LINUX32 | UNAME26, others = ~keep;
	const uint32_t act = SCMP_ACT_ERRNO(EPERM);
	uint32_t bits[32];
	size_t n = 0;
	int r;

	if ((r = rule1(ctx, "personality", act, SCMP_A0_64(SCMP_CMP_GT, 0xffffffffULL))) < 0)
		return r;
	for (unsigned b = 0; b < 32; b++)
		if (others & (1U << b))
			bits[n++] = 1U << b;
	for (size_t i = 0; i < n; i++) {
		uint64_t b = bits[i], c = bits[(i + 1) % n];
		struct scmp_arg_cmp b_set_c_clear = SCMP_A0_64(SCMP_CMP_MASKED_EQ, b | c, b);

		if ((r = rule1(ctx, "personality", act, b_set_c_clear)) < 0)
			return r;
	}
	const uint32_t partial[] = {others, others | PER_LINUX32, others | UNAME26};
	for (size_t i = 0; i < ELEMENTSOF(partial); i++)
		if ((r = rule1(ctx, "personality", act, SCMP_A0_64(SCMP_CMP_EQ, partial[i]))) < 0)
			return r;
	return 0;
}

/* socket() and socketpair() for the families above only; the rest get EAFNOSUPPORT, what
 * the kernel says of a family it was built without. The family is an int: a value with
 * higher bits set is above the largest family and refused. */
static int add_socket_rules(scmp_filter_ctx ctx)
{
	static const char *const calls[] = {"socket", "socketpair"};
	const uint32_t act = SCMP_ACT_ERRNO(EAFNOSUPPORT);
	int max = 0, r;

	for (size_t i = 0; i < ELEMENTSOF(socket_families); i++)
		max = socket_families[i] > max ? socket_families[i] : max;
	for (size_t k = 0; k < ELEMENTSOF(calls); k++) {
		if ((r = rule1(ctx, calls[k], act, SCMP_A0_64(SCMP_CMP_GT, max))) < 0)
			return r;
		for (int f = 0; f < max; f++) {
			bool ok = false;

			for (size_t i = 0; i < ELEMENTSOF(socket_families); i++)
				ok = ok || socket_families[i] == f;
			if (!ok && (r = rule1(ctx, calls[k], act, SCMP_A0_64(SCMP_CMP_EQ, f))) < 0)
				return r;
		}
	}
	return 0;
}

/*
 * No setuid or setgid file, like systemd's RestrictSUIDSGID=: a session that reaches the
 * host's tree through a handle from outside must not leave a program there that runs as
 * its user for anybody. Each bit is its own rule (one comparison per argument and rule).
 */
static int add_suid_rules(scmp_filter_ctx ctx)
{
	/* the call and its mode argument */
	static const struct {
		const char *name;
		unsigned mode_arg;
	} chmods[] = {{"chmod", 1}, {"fchmod", 1}, {"fchmodat", 2}, {"fchmodat2", 2},
		      {"creat", 1}, {"mknod", 1},  {"mknodat", 2}},
	  opens[] = {{"open", 1}, {"openat", 2}}; /* here: the flags argument, mode after it */
	static const uint64_t bits[] = {S_ISUID, S_ISGID};
	/* O_TMPFILE without O_DIRECTORY: the bit that makes it a creation */
	static const uint64_t creating[] = {O_CREAT, O_TMPFILE & ~O_DIRECTORY};
	const uint32_t act = SCMP_ACT_ERRNO(EPERM);
	int r;

	for (size_t b = 0; b < ELEMENTSOF(bits); b++) {
		for (size_t i = 0; i < ELEMENTSOF(chmods); i++) {
			struct scmp_arg_cmp c = {chmods[i].mode_arg, SCMP_CMP_MASKED_EQ, bits[b],
						 bits[b]};
			if ((r = rule1(ctx, chmods[i].name, act, c)) < 0)
				return r;
		}
		for (size_t i = 0; i < ELEMENTSOF(opens); i++)
			for (size_t k = 0; k < ELEMENTSOF(creating); k++) {
				unsigned fa = opens[i].mode_arg;
				const struct scmp_arg_cmp c[] = {
				    {fa, SCMP_CMP_MASKED_EQ, creating[k], creating[k]},
				    {fa + 1, SCMP_CMP_MASKED_EQ, bits[b], bits[b]},
				};
				if ((r = rule(ctx, opens[i].name, act, 2, c)) < 0)
					return r;
			}
	}
	/* openat2 keeps flags and mode in memory, where seccomp cannot look: ENOSYS, so
	 * programs fall back to openat, which is checked (glibc's open() never uses it) */
	return rule(ctx, "openat2", SCMP_ACT_ERRNO(ENOSYS), 0, NULL);
}

/* The command is an unsigned int to the kernel, which drops the upper half of the register:
 * compare only the low 32 bits, so a caller setting high bits cannot slip past. */
static int add_ioctl_rules(scmp_filter_ctx ctx)
{
	int r;

	for (size_t i = 0; i < ELEMENTSOF(deny_ioctl); i++)
		if ((r = rule1(ctx, "ioctl", SCMP_ACT_ERRNO(EPERM),
			       SCMP_A1_64(SCMP_CMP_MASKED_EQ, 0xffffffffULL, deny_ioctl[i]))) < 0)
			return r;
	return 0;
}

static void releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

int seccomp_build(uint32_t arch, void **ret)
{
	_cleanup_(releasep) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM;
	/* One architecture only: the syscall numbers below are that ABI's; any other entry
	 * point (i386 int 0x80 or x32 on x86-64, arm32 on arm64) kills the process. */
	if (arch != seccomp_arch_native() &&
	    ((r = seccomp_arch_remove(ctx, seccomp_arch_native())) < 0 ||
	     (r = seccomp_arch_add(ctx, arch)) < 0))
		return r;
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
	    /* a binary tree of syscall numbers: few comparisons for the allowed majority */
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0 ||
	    /* the kernel's own errno from seccomp_load(), not libseccomp's -ECANCELED */
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1)) < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(deny_always); i++)
		if ((r = rule(ctx, deny_always[i], SCMP_ACT_ERRNO(EPERM), 0, NULL)) < 0)
			return r;
	if ((r = add_namespace_rules(ctx, arch)) < 0 || (r = add_personality_rules(ctx)) < 0 ||
	    (r = add_socket_rules(ctx)) < 0 || (r = add_ioctl_rules(ctx)) < 0 ||
	    (r = add_suid_rules(ctx)) < 0)
		return r;
	*ret = TAKE_PTR(ctx);
	return 0;
}
