/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seccomp filter (shell/seccomp.c), loaded for real into forked children. Every rule
 * is shown with the same call twice: without the filter the kernel does not refuse it (the
 * control: success or another errno), with the filter it fails with the rule's errno. A
 * control that is refused already (an unprivileged run, a kernel setting) makes that point a
 * skip, never a pass. Allowed calls keep working; other ABIs' entry points kill the process
 * (x86-64); the arm64 filter is run through a small cBPF interpreter.
 *
 * The arguments are invalid on purpose (a bad flag, NULL, fd -1) so that the controls, which
 * run with the privileges of whoever runs the tests (root included), change nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kd.h>
#include <linux/seccomp.h>
#include <linux/vt.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../../shell/error.h"
#include "../../shell/seccomp.h"
#include "../../shell/seccomp-filter.h"
#include "../../helper/util.h"
#include "tap.h"

#define HI32 0xffffffff00000000UL /* set in a 64-bit argument the kernel reads as 32 bits */

static void __attribute__((format(printf, 1, 2))) diag(const char *fmt, ...)
{
	va_list ap;

	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* --- children --------------------------------------------------------------------------- */

/* Forks. In the child (0 returned): a session of its own without a controlling tty, so
 * vhangup() and TIOCSTI reach no terminal of ours; if filtered, the filter installed as the
 * sandbox does it (no_new_privs first). */
static pid_t fork_child(bool filtered)
{
	pid_t pid = fork();
	int r;

	if (pid != 0)
		return pid;
	if (setsid() < 0)
		_exit(90);
	if (filtered) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(91);
		struct error err = ERROR_INIT;
		if ((r = seccomp_install(&err)) < 0) {
			fprintf(stderr, "seccomp_install: %s\n", error_msg(&err));
			_exit(92);
		}
	}
	return 0;
}

/* Waits for pid; returns its wait status, or -1. */
static int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

static const char *status_str(int st)
{
	static char buf[64];

	if (st == -1)
		return "lost";
	if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by SIG%s", sigabbrev_np(WTERMSIG(st)));
	else
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	return buf;
}

/* Runs fn in a child (filtered or not) and passes back what it writes into out. Returns the
 * child's wait status. */
static int in_child(bool filtered, void (*fn)(void *out), void *out, size_t len)
{
	int p[2], st;
	pid_t pid;
	size_t got = 0;
	ssize_t n = 1;

	memset(out, 0, len);
	if (pipe(p) < 0)
		return -1;
	if ((pid = fork_child(filtered)) == 0) {
		close(p[0]);
		fn(out);
		_exit(write(p[1], out, len) == (ssize_t)len ? 0 : 93);
	}
	close(p[1]);
	while (pid > 0 && got < len && (n = read(p[0], (char *)out + got, len - got)) != 0)
		if (n > 0)
			got += n;
		else if (errno != EINTR)
			break;
	close(p[0]);
	st = pid < 0 ? -1 : reap(pid);
	if (got != len && st == 0)
		st = -1;
	return st;
}

struct res {
	long r;
	int err;
};

static const char *res_str(struct res x)
{
	static char buf[2][64];
	static int i;

	i = !i;
	if (x.r < 0)
		snprintf(buf[i], sizeof(buf[i]), "%s", strerrorname_np(x.err) ?: "?");
	else
		snprintf(buf[i], sizeof(buf[i]), "returned %ld", x.r);
	return buf[i];
}

/* --- refused calls: a table of raw syscalls ---------------------------------------------- */

struct probe {
	char what[72];
	long nr;
	unsigned long a[6];
	int want; /* errno with the filter */
};

static struct probe probes[256];
static size_t nprobes;
static struct res ctl[256], flt[256];

static void add(int want, const char *what, long nr, const unsigned long a[6])
{
	struct probe *p;

	if (nprobes == ELEMENTSOF(probes)) {
		printf("Bail out! more than %zu probes\n", ELEMENTSOF(probes));
		exit(1);
	}
	p = &probes[nprobes++];

	snprintf(p->what, sizeof(p->what), "%s", what);
	p->nr = nr;
	memcpy(p->a, a, sizeof(p->a));
	p->want = want;
}
#define PROBE(want, what, nr, ...) add(want, what, nr, (const unsigned long[6]){__VA_ARGS__})

static void denied_syscalls(void)
{
	const unsigned long bad = 0x8000; /* not a flag of any of these calls */

	PROBE(EPERM, "io_uring_setup(0, NULL)", SYS_io_uring_setup, 0, 0);
	PROBE(EPERM, "io_uring_enter(-1)", SYS_io_uring_enter, -1);
	PROBE(EPERM, "io_uring_register(-1)", SYS_io_uring_register, -1);
	PROBE(EPERM, "userfaultfd(USER_MODE_ONLY|bad)", SYS_userfaultfd, 1 | 2);
	PROBE(EPERM, "bpf(bad command)", SYS_bpf, 9999, 0, 0);
	PROBE(EPERM, "perf_event_open(NULL)", SYS_perf_event_open, 0, 0, -1, -1, 0);
	PROBE(EPERM, "keyctl(bad operation)", SYS_keyctl, 9999);
	PROBE(EPERM, "add_key(NULL)", SYS_add_key, 0, 0, 0, 0, 0);
	PROBE(EPERM, "request_key(NULL)", SYS_request_key, 0, 0, 0, 0);
	PROBE(EPERM, "kexec_load(too many segments, bad flag)", SYS_kexec_load, 0, -1, 0, bad);
	PROBE(EPERM, "kexec_file_load(bad flag)", SYS_kexec_file_load, -1, -1, 0, 0, bad);
	PROBE(EPERM, "init_module(NULL, 0)", SYS_init_module, 0, 0, 0);
	PROBE(EPERM, "finit_module(-1)", SYS_finit_module, -1, 0, 0);
	PROBE(EPERM, "delete_module(NULL)", SYS_delete_module, 0, 0);
	PROBE(EPERM, "reboot(bad magic)", SYS_reboot, 0, 0, 0, 0);
	PROBE(EPERM, "swapon(NULL, bad flags)", SYS_swapon, 0, -1);
	PROBE(EPERM, "swapoff(NULL)", SYS_swapoff, 0);
	PROBE(EPERM, "acct(bad pointer)", SYS_acct, 1);
	PROBE(EPERM, "syslog(bad type)", SYS_syslog, 9999, 0, 0);
	PROBE(EPERM, "mount(NULL target)", SYS_mount, 0, 0, 0, 0, 0);
	PROBE(EPERM, "umount2(NULL, bad flags)", SYS_umount2, 0, -1);
	PROBE(EPERM, "pivot_root(NULL, NULL)", SYS_pivot_root, 0, 0);
	PROBE(EPERM, "chroot(NULL)", SYS_chroot, 0);
	PROBE(EPERM, "move_mount(bad flags)", SYS_move_mount, -1, 0, -1, 0, -1);
	PROBE(EPERM, "open_tree(bad flags)", SYS_open_tree, -1, 0, -1);
	PROBE(EPERM, "fsopen(NULL, bad flags)", SYS_fsopen, 0, -1);
	PROBE(EPERM, "fsconfig(-1)", SYS_fsconfig, -1, 0, 0, 0, 0);
	PROBE(EPERM, "fsmount(-1, bad flags)", SYS_fsmount, -1, -1, 0);
	PROBE(EPERM, "fspick(-1, bad flags)", SYS_fspick, -1, 0, -1);
	PROBE(EPERM, "mount_setattr(bad flags)", SYS_mount_setattr, -1, 0, -1, 0, 0);
	PROBE(EPERM, "setns(-1)", SYS_setns, -1, 0);
	PROBE(EPERM, "open_by_handle_at(-1, NULL)", SYS_open_by_handle_at, -1, 0, 0);
	PROBE(EPERM, "settimeofday(NULL, bad pointer)", SYS_settimeofday, 0, 1);
	PROBE(EPERM, "clock_settime(REALTIME, NULL)", SYS_clock_settime, CLOCK_REALTIME, 0);
	PROBE(EPERM, "adjtimex(NULL)", SYS_adjtimex, 0);
	PROBE(EPERM, "clock_adjtime(REALTIME, NULL)", SYS_clock_adjtime, CLOCK_REALTIME, 0);
#ifdef SYS_iopl
	PROBE(EPERM, "iopl(4)", SYS_iopl, 4);
	PROBE(EPERM, "ioperm(0, 0)", SYS_ioperm, 0, 0, 0);
	PROBE(EPERM, "modify_ldt(read, 0 bytes)", SYS_modify_ldt, 0, 0, 0);
	PROBE(EPERM, "uselib(NULL)", SYS_uselib, 0);
	PROBE(EPERM, "_sysctl(NULL)", SYS__sysctl, 0);
#endif
	PROBE(EPERM, "kcmp(pid 0, bad type)", SYS_kcmp, 0, 0, 9999, 0, 0);
	PROBE(EPERM, "vhangup() without a controlling tty", SYS_vhangup);
	PROBE(EPERM, "quotactl(bad type)", SYS_quotactl, -1, 0, 0, 0);
	PROBE(EPERM, "quotactl_fd(-1)", SYS_quotactl_fd, -1, 0, 0, 0);
	PROBE(EPERM, "lookup_dcookie(0, NULL)", SYS_lookup_dcookie, 0, 0, 0);
	PROBE(EPERM, "nfsservctl()", SYS_nfsservctl, 0, 0, 0);
	PROBE(EPERM, "fanotify_init(bad flags)", SYS_fanotify_init, 0x80000000UL, 0);
	PROBE(EPERM, "sethostname(NULL, too long)", SYS_sethostname, 0, 9999);
	PROBE(EPERM, "setdomainname(NULL, too long)", SYS_setdomainname, 0, 9999);
	PROBE(EPERM, "personality(ADDR_NO_RANDOMIZE)", SYS_personality, ADDR_NO_RANDOMIZE);
	PROBE(EPERM, "personality(PER_LINUX | bit 32)", SYS_personality, 1UL << 32);
	PROBE(ENOSYS, "clone3(NULL, 0)", SYS_clone3, 0, 0);
}

/* Each namespace flag, made harmless by a second flag the kernel refuses in combination
 * (CLONE_SIGHAND without CLONE_VM; CLONE_PTRACE, which unshare does not take). */
static void denied_namespaces(void)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} ns[] = {
	    {"NEWNS", CLONE_NEWNS},   {"NEWCGROUP", CLONE_NEWCGROUP}, {"NEWUTS", CLONE_NEWUTS},
	    {"NEWIPC", CLONE_NEWIPC}, {"NEWUSER", CLONE_NEWUSER},     {"NEWPID", CLONE_NEWPID},
	    {"NEWNET", CLONE_NEWNET}, {"NEWTIME", CLONE_NEWTIME},
	};
	char what[72];

	for (size_t i = 0; i < ELEMENTSOF(ns); i++) {
		snprintf(what, sizeof(what), "unshare(CLONE_%s|CLONE_PTRACE)", ns[i].name);
		PROBE(EPERM, what, SYS_unshare, ns[i].flag | CLONE_PTRACE);
		if (ns[i].flag == CLONE_NEWTIME)
			continue; /* the exit signal's bits in clone() */
		snprintf(what, sizeof(what), "clone(CLONE_%s|CLONE_SIGHAND)", ns[i].name);
		PROBE(EPERM, what, SYS_clone, ns[i].flag | CLONE_SIGHAND, 0, 0, 0, 0);
	}
}

/* Every family below the kernel's AF_MAX but the four allowed, with a bad type (EINVAL
 * from the kernel, which checks the type before the family). */
static void denied_families(void)
{
	char what[72];

	for (int f = 0; f < AF_MAX; f++) {
		if (f == AF_UNIX || f == AF_INET || f == AF_INET6 || f == AF_NETLINK)
			continue;
		snprintf(what, sizeof(what), "socket(family %d, bad type)", f);
		PROBE(EAFNOSUPPORT, what, SYS_socket, f, 999, 0);
		snprintf(what, sizeof(what), "socketpair(family %d, bad type)", f);
		PROBE(EAFNOSUPPORT, what, SYS_socketpair, f, 999, 0, 0);
	}
	PROBE(EAFNOSUPPORT, "socket(AF_INET | bit 32, bad type)", SYS_socket, AF_INET | (1UL << 32),
	      999, 0);
}

/* On fd -1: EBADF from the kernel, which reads the command after the fd. */
static void denied_ioctls(void)
{
	static const struct {
		const char *name;
		unsigned long cmd;
	} cmds[] = {
#define C(x) {#x, x}
	    C(TIOCSTI),	       C(TIOCLINUX),	   C(TIOCSETD),	    C(TIOCCONS),
	    C(KDSKBENT),       C(KDSKBSENT),	   C(KDSETKEYCODE), C(KDSKBDIACR),
	    C(KDSKBDIACRUC),   C(KDSKBMODE),	   C(KDSIGACCEPT),  C(KDSETLED),
	    C(KDSKBLED),       C(KDKBDREP),	   C(KDSETMODE),    C(PIO_FONT),
	    C(PIO_FONTX),      C(PIO_FONTRESET),   C(KDFONTOP),	    C(PIO_CMAP),
	    C(PIO_SCRNMAP),    C(PIO_UNISCRNMAP),  C(PIO_UNIMAP),   C(PIO_UNIMAPCLR),
	    C(VT_ACTIVATE),    C(VT_SETACTIVATE),  C(VT_SETMODE),   C(VT_RELDISP),
	    C(VT_LOCKSWITCH),  C(VT_UNLOCKSWITCH), C(VT_RESIZE),    C(VT_RESIZEX),
	    C(VT_DISALLOCATE),
#undef C
	};
	char what[72];

	for (size_t i = 0; i < ELEMENTSOF(cmds); i++) {
		snprintf(what, sizeof(what), "ioctl(-1, %s)", cmds[i].name);
		PROBE(EPERM, what, SYS_ioctl, -1, cmds[i].cmd, 0);
		snprintf(what, sizeof(what), "ioctl(-1, %s | high bits)", cmds[i].name);
		PROBE(EPERM, what, SYS_ioctl, -1, cmds[i].cmd | HI32, 0);
	}
}

/* Setuid and setgid modes (like systemd's RestrictSUIDSGID=) on a NULL path or fd -1:
 * EFAULT or EBADF from the kernel, which reads the path or fd first; openat2 is ENOSYS. */
static void denied_suid(void)
{
	static const struct {
		const char *name;
		unsigned long bit;
	} bits[] = {{"S_ISUID", S_ISUID}, {"S_ISGID", S_ISGID}};
	const unsigned long tmpfile = O_TMPFILE | O_WRONLY, creat = O_CREAT | O_WRONLY;
	char w[72];

	for (size_t i = 0; i < ELEMENTSOF(bits); i++) {
		unsigned long m = 0755 | bits[i].bit;
		const char *n = bits[i].name;
#define P(nr, fmt, ...) (snprintf(w, sizeof(w), fmt, n), PROBE(EPERM, w, nr, __VA_ARGS__))
		P(SYS_fchmod, "fchmod(-1, 0755|%s)", -1, m);
		P(SYS_fchmodat, "fchmodat(-1, NULL, 0755|%s)", -1, 0, m);
		P(SYS_fchmodat, "fchmodat(-1, NULL, %s | high bits)", -1, 0, bits[i].bit | HI32);
#ifdef SYS_fchmodat2
		P(SYS_fchmodat2, "fchmodat2(-1, NULL, 0755|%s, 0)", -1, 0, m, 0);
#else
		P(452, "fchmodat2(-1, NULL, 0755|%s, 0)", -1, 0, m, 0);
#endif
		P(SYS_openat, "openat(-1, NULL, O_CREAT, 0755|%s)", -1, 0, creat, m);
		P(SYS_openat, "openat(-1, NULL, O_TMPFILE, 0755|%s)", -1, 0, tmpfile, m);
		P(SYS_mknodat, "mknodat(-1, NULL, S_IFREG|0755|%s)", -1, 0, S_IFREG | m, 0);
#ifdef SYS_chmod
		P(SYS_chmod, "chmod(NULL, 0755|%s)", 0, m);
		P(SYS_creat, "creat(NULL, 0755|%s)", 0, m);
		P(SYS_open, "open(NULL, O_CREAT, 0755|%s)", 0, creat, m);
		P(SYS_open, "open(NULL, O_TMPFILE, 0755|%s)", 0, tmpfile, m);
		P(SYS_mknod, "mknod(NULL, S_IFREG|0755|%s)", 0, S_IFREG | m, 0);
#endif
#undef P
	}
	PROBE(ENOSYS, "openat2(-1, NULL, NULL, 0)", SYS_openat2, -1, 0, 0, 0);
}

static void run_probes(void *out)
{
	struct res *res = out;

	for (size_t i = 0; i < nprobes; i++) {
		const unsigned long *a = probes[i].a;

		errno = 0;
		res[i].r = syscall(probes[i].nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		res[i].err = res[i].r < 0 ? errno : 0;
	}
}

static void test_denied(void)
{
	int st;

	denied_syscalls();
	denied_namespaces();
	denied_families();
	denied_ioctls();
	denied_suid();
	st = in_child(false, run_probes, ctl, sizeof(ctl[0]) * nprobes);
	if (!ok(st == 0, "control child ran %zu calls without the filter", nprobes))
		diag("%s", status_str(st));
	st = in_child(true, run_probes, flt, sizeof(flt[0]) * nprobes);
	if (!ok(st == 0, "filtered child ran %zu calls (the filter installed)", nprobes))
		diag("%s", status_str(st));
	for (size_t i = 0; i < nprobes; i++) {
		const struct probe *p = &probes[i];

		if (ctl[i].r < 0 && ctl[i].err == p->want) {
			skip("%s: refused with %s even without the filter (unprivileged?): no "
			     "control",
			     p->what, strerrorname_np(p->want));
			continue;
		}
		if (!ok(flt[i].r < 0 && flt[i].err == p->want,
			"%s: %s without the filter, %s with it", p->what, res_str(ctl[i]),
			res_str(flt[i])))
			diag("expected %s with the filter", strerrorname_np(p->want));
	}
}

/* --- personality: every value but Docker's five refused ---------------------------------- */

static bool persona_allowed(unsigned long v)
{
	return v == PER_LINUX || v == PER_LINUX32 || v == UNAME26 || v == (UNAME26 | PER_LINUX32) ||
	       v == 0xffffffffUL;
}

struct sweep {
	unsigned long tried, wrong, first;
};

static void sweep_one(struct sweep *s, unsigned long v)
{
	long r = syscall(SYS_personality, v);
	bool allowed = !(r < 0 && errno == EPERM);

	s->tried++;
	if (allowed != persona_allowed(v) && s->wrong++ == 0)
		s->first = v;
}

static void personality_sweep(void *out)
{
	static const unsigned long special[] = {
	    0,
	    PER_LINUX32,
	    UNAME26,
	    UNAME26 | PER_LINUX32,
	    0xffffffffUL,
	    0xfffffff7UL,
	    0xfffdffffUL,
	    0xfffdfff7UL,
	    0x7fffffffUL,
	    0x80000000UL,
	    1UL << 32,
	    HI32 | PER_LINUX32,
	    ~0UL,
	    PER_BSD,
	    READ_IMPLIES_EXEC,
	    ADDR_NO_RANDOMIZE,
	    MMAP_PAGE_ZERO,
	    PER_SVR4,
	};
	struct sweep *s = out;
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < ELEMENTSOF(special); i++)
		sweep_one(s, special[i]);
	for (unsigned a = 0; a < 64; a++)
		for (unsigned b = a; b < 64; b++)
			sweep_one(s, (1UL << a) | (1UL << b));
	for (int i = 0; i < 200000; i++) { /* xorshift64: random words, and random low words */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		sweep_one(s, i % 2 ? x : (uint32_t)x);
	}
}

static void test_personality(void)
{
	struct sweep s;
	int st = in_child(true, personality_sweep, &s, sizeof(s));

	if (!ok(st == 0 && s.tried > 200000 && s.wrong == 0,
		"personality: %lu values, only PER_LINUX, PER_LINUX32, UNAME26 combinations and "
		"the "
		"query pass",
		s.tried))
		diag("%s; %lu wrong, the first 0x%lx", status_str(st), s.wrong, s.first);
}

/* --- TIOCSTI on a real controlling tty --------------------------------------------------- */

struct inject {
	struct res ioctl;
	char got; /* what the tty's reader then reads, 0 for nothing */
};

static unsigned long tiocsti_cmd;

/* Opens a pty whose slave becomes our controlling tty and pushes 'Z' into its input. */
static void tiocsti_child(void *out)
{
	struct inject *in = out;
	struct termios t;
	int m = posix_openpt(O_RDWR | O_NOCTTY), s = -1;
	char c = 'Z';

	in->ioctl.r = -1, in->ioctl.err = EIO;
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || (s = open(ptsname(m), O_RDWR)) < 0 ||
	    tcgetattr(s, &t) < 0)
		return;
	cfmakeraw(&t);
	(void)tcsetattr(s, TCSANOW, &t);
	errno = 0;
	in->ioctl.r = ioctl(s, tiocsti_cmd, &c);
	in->ioctl.err = in->ioctl.r < 0 ? errno : 0;
	struct pollfd p = {.fd = s, .events = POLLIN};
	if (poll(&p, 1, in->ioctl.r == 0 ? 5000 : 200) == 1 && read(s, &c, 1) == 1)
		in->got = c;
}

static void test_tiocsti(unsigned long cmd, const char *name)
{
	struct inject c, f;
	int cst, fst;

	tiocsti_cmd = cmd;
	cst = in_child(false, tiocsti_child, &c, sizeof(c));
	fst = in_child(true, tiocsti_child, &f, sizeof(f));
	if (cst != 0 || c.ioctl.r != 0 || c.got != 'Z') {
		skip("%s: cannot inject into a pty even without the filter (%s, %s)", name,
		     status_str(cst), res_str(c.ioctl));
		return;
	}
	if (!ok(fst == 0 && f.ioctl.r < 0 && f.ioctl.err == EPERM && f.got == 0,
		"%s on the controlling tty: injects without the filter, %s with it", name,
		res_str(f.ioctl)))
		diag("%s, read back %s", status_str(fst), f.got ? "a character" : "nothing");
}

/* --- a setuid file, for real ----------------------------------------------------------- */

static char suid_dir[64];

struct suid_res {
	mode_t chmod_mode, creat_mode; /* the modes stat shows after each attempt */
	struct res chmod, plain;       /* fchmod 04755; chmod 01755 then 0700 */
};

/* Creates a file and tries to make it setuid (what the attack on a host tree does), then
 * the modes a session keeps using: sticky, plain. */
static void suid_child(void *out)
{
	struct suid_res *x = out;
	char a[128], b[128];
	struct stat st;
	int fd;

	snprintf(a, sizeof(a), "%s/a", suid_dir);
	snprintf(b, sizeof(b), "%s/b", suid_dir);
	(void)unlink(a);
	(void)unlink(b);
	if ((fd = open(a, O_CREAT | O_WRONLY | O_EXCL, 0644)) < 0)
		return;
	errno = 0;
	x->chmod.r = fchmod(fd, 04755);
	x->chmod.err = x->chmod.r < 0 ? errno : 0;
	x->chmod_mode = fstat(fd, &st) == 0 ? st.st_mode & 07777 : 0;
	close(fd);
	if ((fd = open(b, O_CREAT | O_WRONLY | O_EXCL, 02755)) >= 0) {
		x->creat_mode = fstat(fd, &st) == 0 ? st.st_mode & 07777 : 0;
		close(fd);
	}
	errno = 0;
	x->plain.r = chmod(a, 01755) < 0 ? -1 : chmod(a, 0700);
	x->plain.err = x->plain.r < 0 ? errno : 0;
}

static void test_suid_file(void)
{
	struct suid_res c, f;
	int cst, fst;

	snprintf(suid_dir, sizeof(suid_dir), "/tmp/confine-seccomp.XXXXXX");
	if (!mkdtemp(suid_dir)) {
		skip("setuid file: cannot make a temporary directory");
		skip("setuid file: cannot make a temporary directory");
		return;
	}
	umask(022);
	cst = in_child(false, suid_child, &c, sizeof(c));
	fst = in_child(true, suid_child, &f, sizeof(f));
	if (cst != 0 || c.chmod.r != 0 || !(c.chmod_mode & S_ISUID) || !(c.creat_mode & S_ISGID)) {
		skip("setuid file: no setuid bit even without the filter (%s, %s, mode %o, %o)",
		     status_str(cst), res_str(c.chmod), c.chmod_mode, c.creat_mode);
	} else if (!ok(fst == 0 && f.chmod.r < 0 && f.chmod.err == EPERM && f.chmod_mode == 0644 &&
			   f.creat_mode == 0,
		       "a created file gets 04755 (fchmod) and 02755 (open) without the filter, "
		       "not with it: %s, mode %o",
		       res_str(f.chmod), f.chmod_mode))
		diag("%s; open(O_CREAT, 02755) gave mode %o", status_str(fst), f.creat_mode);
	if (!ok(fst == 0 && f.plain.r == 0, "chmod 01755 and 0700 work with the filter: %s",
		res_str(f.plain)))
		diag("%s", status_str(fst));
	char p[128];
	snprintf(p, sizeof(p), "%s/a", suid_dir), (void)unlink(p);
	snprintf(p, sizeof(p), "%s/b", suid_dir), (void)unlink(p);
	(void)rmdir(suid_dir);
}

/* --- what a session does keep ------------------------------------------------------------ */

static int try_socket(int family, int type, int proto)
{
	int fd = socket(family, type, proto);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int ok_unix(void)
{
	return try_socket(AF_UNIX, SOCK_STREAM, 0);
}
static int ok_inet(void)
{
	return try_socket(AF_INET, SOCK_STREAM, 0);
}
static int ok_inet6(void)
{
	return try_socket(AF_INET6, SOCK_DGRAM, 0);
}
static int ok_netlink(void)
{
	return try_socket(AF_NETLINK, SOCK_RAW, 0 /* NETLINK_ROUTE */);
}
static int ok_socketpair(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return errno;
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static int ok_winsz(void)
{
	struct winsize w;
	int m = posix_openpt(O_RDWR | O_NOCTTY), r = 0;

	if (m < 0)
		return errno;
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ioctl(m, TIOCGWINSZ, &w) < 0)
		r = errno;
	close(m);
	return r;
}

static int ok_fork(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(7);
	return reap(pid) == 7 << 8 ? 0 : ECHILD;
}

static int ok_clone(void)
{
	long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(7);
	return reap(pid) == 7 << 8 ? 0 : ECHILD;
}

static void *thread_fn(void *arg)
{
	return arg;
}
static int ok_thread(void)
{
	pthread_t t;
	void *ret = NULL;
	static int token;
	int r = pthread_create(&t, NULL, thread_fn, &token);

	if (r != 0)
		return r;
	if ((r = pthread_join(t, &ret)) != 0)
		return r;
	return ret == &token ? 0 : EINVAL;
}

static int ok_spawn(void)
{
	char *argv[] = {"true", NULL}, *envp[] = {NULL};
	pid_t pid;
	int r = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, envp);

	if (r != 0)
		return r;
	return reap(pid) == 0 ? 0 : ECHILD;
}

static int ok_unshare_files(void)
{
	return unshare(CLONE_FILES) < 0 ? errno : 0;
}

static int ok_personality(void)
{
	if (personality(0xffffffff) < 0 || personality(PER_LINUX) < 0)
		return errno;
	return 0;
}

static const struct {
	const char *what;
	int (*fn)(void);
} keeps[] = {
    {"socket(AF_UNIX)", ok_unix},
    {"socket(AF_INET)", ok_inet},
    {"socket(AF_INET6)", ok_inet6},
    {"socket(AF_NETLINK, NETLINK_ROUTE)", ok_netlink},
    {"socketpair(AF_UNIX)", ok_socketpair},
    {"ioctl(pty, TIOCGWINSZ)", ok_winsz},
    {"fork()", ok_fork},
    {"clone(SIGCHLD) without namespace flags", ok_clone},
    {"pthread_create() (clone3 ENOSYS, then clone)", ok_thread},
    {"posix_spawn(/bin/true)", ok_spawn},
    {"unshare(CLONE_FILES)", ok_unshare_files},
    {"personality(query), personality(PER_LINUX)", ok_personality},
};

static void run_keeps(void *out)
{
	int *err = out;

	for (size_t i = 0; i < ELEMENTSOF(keeps); i++)
		err[i] = keeps[i].fn();
}

static void test_allowed(void)
{
	int c[ELEMENTSOF(keeps)], f[ELEMENTSOF(keeps)];
	int cst = in_child(false, run_keeps, c, sizeof(c));
	int fst = in_child(true, run_keeps, f, sizeof(f));

	if (!ok(cst == 0 && fst == 0, "allowed calls: both children ran"))
		diag("control %s", status_str(cst)), diag("filtered %s", status_str(fst));
	for (size_t i = 0; i < ELEMENTSOF(keeps); i++) {
		if (c[i] != 0) {
			skip("%s fails even without the filter (%s)", keeps[i].what,
			     strerrorname_np(c[i]));
			continue;
		}
		if (!ok(f[i] == 0, "%s works with the filter", keeps[i].what))
			diag("with the filter: %s", strerrorname_np(f[i]) ?: "?");
	}
}

static void read_seccomp_mode(void *out)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	*(int *)out = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp: %d", (int *)out) == 1)
			break;
	if (f)
		fclose(f);
}

static void test_loaded(void)
{
	int mode;
	int st = in_child(true, read_seccomp_mode, &mode, sizeof(mode));

	if (!ok(st == 0 && mode == SECCOMP_MODE_FILTER,
		"seccomp_install() loads a filter: /proc/self/status says Seccomp: 2"))
		diag("%s, Seccomp: %d", status_str(st), mode);
}

/* --- other ABIs' entry points (x86-64) --------------------------------------------------- */

#ifdef __x86_64__
static void int80_getpid(void *out) /* i386 getpid is 20 */
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory", "r8", "r9", "r10", "r11");
	((struct res *)out)->r = r;
}

static void x32_getpid(void *out)
{
	struct res *a = out;

	errno = 0;
	a->r = syscall(0x40000000L | __NR_getpid); /* __X32_SYSCALL_BIT */
	a->err = a->r < 0 ? errno : 0;
}

static void test_abi(const char *name, void (*fn)(void *))
{
	struct res c, f;
	int cst = in_child(false, fn, &c, sizeof(c));
	int fst = in_child(true, fn, &f, sizeof(f));

	if (cst != 0) {
		skip("%s: the kernel itself kills it (%s): no control", name, status_str(cst));
		return;
	}
	if (!ok(WIFSIGNALED(fst) && WTERMSIG(fst) == SIGSYS,
		"%s: returns without the filter (%s), kills the process with it", name, res_str(c)))
		diag("with the filter: %s", status_str(fst));
}
#endif

/* --- the arm64 filter, run by a cBPF interpreter ----------------------------------------- */

struct bpf_prog {
	struct sock_filter f[4096];
	size_t n;
};

/* The filter's verdict (SECCOMP_RET_*) for d; sets *bad on an instruction it does not know. */
static uint32_t bpf_run(const struct bpf_prog *p, const struct seccomp_data *d, bool *bad)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {0};

	for (size_t pc = 0; pc < p->n; pc++) {
		const struct sock_filter *i = &p->f[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k % 4 || i->k > sizeof(*d) - 4)
				goto bad;
			memcpy(&A, (const char *)d + i->k, 4);
			break;
		case BPF_LD | BPF_MEM:
			A = M[i->k % BPF_MEMWORDS];
			break;
		case BPF_LDX | BPF_MEM:
			X = M[i->k % BPF_MEMWORDS];
			break;
		case BPF_ST:
			M[i->k % BPF_MEMWORDS] = A;
			break;
		case BPF_STX:
			M[i->k % BPF_MEMWORDS] = X;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			A &= i->k;
			break;
		case BPF_MISC | BPF_TAX:
			X = A;
			break;
		case BPF_MISC | BPF_TXA:
			A = X;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += A == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += A > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += A >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += A & i->k ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			goto bad;
		}
	}
bad:
	*bad = true;
	return 0;
}

static int export_bpf(uint32_t arch, struct bpf_prog *p)
{
	void *ctx = NULL;
	FILE *f = tmpfile();
	int r = f ? seccomp_build(arch, &ctx) : -errno;

	if (r >= 0)
		r = seccomp_export_bpf(ctx, fileno(f));
	if (r >= 0) {
		rewind(f);
		p->n = fread(p->f, sizeof(p->f[0]), ELEMENTSOF(p->f), f);
		r = p->n > 0 && p->n < ELEMENTSOF(p->f) ? 0 : -EFBIG;
	}
	if (ctx)
		seccomp_release(ctx);
	if (f)
		fclose(f);
	return r;
}

static uint32_t verdict(const struct bpf_prog *p, uint32_t arch, int nr, uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = {.nr = nr, .arch = arch, .args = {a0, a1}};
	bool bad = false;
	uint32_t v = bpf_run(p, &d, &bad);

	return bad ? 0xdeadbeef : v;
}

#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))

static const char *verdict_str(uint32_t v)
{
	static char buf[2][32];
	static int i;

	i = !i;
	if (v == SECCOMP_RET_ALLOW)
		return "allowed";
	if (v == SECCOMP_RET_KILL_PROCESS)
		return "KILL_PROCESS";
	if ((v & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
		snprintf(buf[i], sizeof(buf[i]), "%s",
			 strerrorname_np(v & SECCOMP_RET_DATA) ?: "?");
	else
		snprintf(buf[i], sizeof(buf[i]), "0x%08x", v);
	return buf[i];
}

static void test_arm64(void)
{
	/* Numbers from the kernel's asm-generic/unistd.h, which arm64 uses. */
	static const struct {
		const char *what;
		int nr;
		uint64_t a0, a1;
		uint32_t want;
	} cases[] = {
	    {"read", 63, 0, 0, SECCOMP_RET_ALLOW},
	    {"write", 64, 1, 0, SECCOMP_RET_ALLOW},
	    {"openat", 56, 0, 0, SECCOMP_RET_ALLOW},
	    {"execve", 221, 0, 0, SECCOMP_RET_ALLOW},
	    {"exit_group", 94, 0, 0, SECCOMP_RET_ALLOW},
	    {"getpid", 172, 0, 0, SECCOMP_RET_ALLOW},
	    {"clone(SIGCHLD)", 220, SIGCHLD, 0, SECCOMP_RET_ALLOW},
	    {"clone(CLONE_NEWUSER)", 220, CLONE_NEWUSER | SIGCHLD, 0, ERRNO(EPERM)},
	    {"unshare(CLONE_NEWNS)", 97, CLONE_NEWNS, 0, ERRNO(EPERM)},
	    {"unshare(CLONE_FILES)", 97, CLONE_FILES, 0, SECCOMP_RET_ALLOW},
	    {"clone3", 435, 0, 0, ERRNO(ENOSYS)},
	    {"io_uring_setup", 425, 0, 0, ERRNO(EPERM)},
	    {"keyctl", 219, 0, 0, ERRNO(EPERM)},
	    {"bpf", 280, 0, 0, ERRNO(EPERM)},
	    {"perf_event_open", 241, 0, 0, ERRNO(EPERM)},
	    {"userfaultfd", 282, 0, 0, ERRNO(EPERM)},
	    {"mount", 40, 0, 0, ERRNO(EPERM)},
	    {"socket(AF_INET)", 198, AF_INET, 0, SECCOMP_RET_ALLOW},
	    {"socket(AF_VSOCK)", 198, AF_VSOCK, 0, ERRNO(EAFNOSUPPORT)},
	    {"socketpair(AF_UNIX)", 199, AF_UNIX, 0, SECCOMP_RET_ALLOW},
	    {"personality(PER_LINUX)", 92, PER_LINUX, 0, SECCOMP_RET_ALLOW},
	    {"personality(ADDR_NO_RANDOMIZE)", 92, ADDR_NO_RANDOMIZE, 0, ERRNO(EPERM)},
	    {"ioctl(TCGETS)", 29, 0, TCGETS, SECCOMP_RET_ALLOW},
	    {"ioctl(TIOCSTI)", 29, 0, TIOCSTI, ERRNO(EPERM)},
	    {"ioctl(TIOCSTI | high bits)", 29, 0, TIOCSTI | HI32, ERRNO(EPERM)},
	};
	static struct bpf_prog p;
	int r = export_bpf(SCMP_ARCH_AARCH64, &p);
	uint32_t v;

	if (!ok(r == 0, "arm64: the filter builds (%zu BPF instructions)", p.n)) {
		diag("%s", strerror(-r));
		return;
	}
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		v = verdict(&p, AUDIT_ARCH_AARCH64, cases[i].nr, cases[i].a0, cases[i].a1);
		if (!ok(v == cases[i].want, "arm64: %s: %s", cases[i].what,
			verdict_str(cases[i].want)))
			diag("got %s", verdict_str(v));
	}
	v = verdict(&p, AUDIT_ARCH_ARM, 20, 0, 0);
	if (!ok(v == SECCOMP_RET_KILL_PROCESS,
		"arm64: an arm32 (compat) syscall kills the process"))
		diag("got 0x%08x", v);
}

/* The BPF the programs load (made at build time) is the filter seccomp_build() makes now:
 * a stale build/gen/seccomp-filter.c (rules changed, libseccomp upgraded) fails here. */
static void test_prebuilt(void)
{
	static struct bpf_prog fresh;
	int r = export_bpf(seccomp_arch_native(), &fresh);

	if (!ok(r == 0, "the native filter builds and exports (%d)", r))
		return;
	ok(fresh.n == seccomp_filter_len &&
	       memcmp(fresh.f, seccomp_filter_insns, fresh.n * sizeof(fresh.f[0])) == 0,
	   "the build-time filter (%u instructions) is the one built now (%zu)",
	   (unsigned)seccomp_filter_len, fresh.n);
}

int main(void)
{
	/* Children that die of SIGSYS must not leave core files in the build tree. */
	struct rlimit nocore = {0, 0};

	(void)setrlimit(RLIMIT_CORE, &nocore);
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_loaded();
	test_denied();
	test_personality();
	test_tiocsti(TIOCSTI, "TIOCSTI");
	test_tiocsti(TIOCSTI | HI32, "TIOCSTI | high bits");
	test_suid_file();
	test_allowed();
#ifdef __x86_64__
	test_abi("i386 int $0x80 getpid", int80_getpid);
	test_abi("x32 getpid", x32_getpid);
#else
	skip("i386 and x32 entry points exist only on x86-64");
	skip("i386 and x32 entry points exist only on x86-64");
#endif
	test_arm64();
	test_prebuilt();
	return tap_done();
}
