/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Why two forks: unshare(CLONE_NEWPID) only puts the *children* of the caller into the new
 * PID namespace, and the process that holds the outside view must stay outside, as root,
 * where the confined user can neither ptrace nor signal it. So:
 *
 *   outer parent      root, host namespaces: waits, relays signals, reports errors. The
 *                     caller (confinectl, confine-shell) tears the session down after.
 *   namespaced parent root: joins the session cgroup, unshares mount/UTS/IPC/net/cgroup/PID,
 *                     sets the hostname, brings up lo, forks, reaps, relays signals.
 *   inner child       PID 1 of the new PID namespace: mounts /proc, /dev, /tmp, the home,
 *                     drops every privilege for good and execs the program.
 *
 * Setup errors travel to the outer parent over a SOCK_SEQPACKET pair as one message
 * {errno, text}; the inner child's end is close-on-exec, so EOF with no message means
 * the exec happened.
 */
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#include "duration.h"
#include "error.h"
#include "fs.h"
#include "landlock.h"
#include "log.h"
#include "mountapi.h"
#include "protocol.h"
#include "pty-relay.h"
#include "sandbox.h"
#include "sandbox-tty.h"
#include "seccomp.h"
#include "session-procs.h"
#include "session.h"
#include "util.h"

struct sync_msg {
	int err;       /* negative errno */
	int exit_code; /* what the sandbox should exit with */
	char text[ERROR_MSG_MAX];
};

/* Sends err to the outer parent (the one report of this sandbox) and exits with code. */
static _Noreturn void fail(int sock, struct error *err, int code)
{
	struct sync_msg m = {.err = err->code < 0 ? err->code : -EIO, .exit_code = code};

	snprintf(m.text, sizeof(m.text), "%s", error_msg(err));
	(void)!write(sock, &m, sizeof(m));
	_exit(code);
}

static const int relayed[] = {SIGHUP, SIGTERM, SIGINT, SIGQUIT};
/* Job control from the terminal must not stop the supervisors: the namespaced parent
 * enforces max_duration, and a stopped one would let the session run on. */
static const int ignored[] = {SIGTSTP, SIGTTIN, SIGTTOU};

SUPERVISOR_LOOP static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return SANDBOX_EXIT_SETUP;
}

/* Milliseconds until the session's time limit (CLOCK_BOOTTIME: suspend counts), -1: none. */
SUPERVISOR_LOOP static int64_t limit_left(const struct sandbox_spec *s)
{
	struct timespec ts;
	int64_t now, end;

	if (!s || !s->max_duration)
		return -1;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	end = (int64_t)(s->started + s->max_duration) * 1000;
	return end > now ? end - now : 0;
}

/* What a supervisor's wait loop (wait_relaying) keeps between rounds. */
struct waiter {
	pid_t pid;	      /* the child waited for */
	int sfd, msg_sock;    /* the signalfd; the sync socket or -1 (read to its EOF) */
	struct sync_msg *msg; /* the sandbox's report, once got */
	bool got_msg;
	unsigned grace_ms;		  /* after a hangup or SIGTERM: SIGKILL this much later */
	const struct sandbox_spec *limit; /* the namespaced parent: enforces max_duration */
	struct pty_relay *tty; /* the outer parent: the sandbox's pty, once handed over */
	bool is_tty[3];	       /* (with tty) which of fds 0-2 are the login's terminal */
	int64_t kill_at;       /* ms (now_ms) of the SIGKILL due, -1: none */
	/* ms (now_ms) at which setup's pages go (drop_setup_pages), -1: done or not yet set;
	 * smaps_fd: the namespaced parent's smaps, opened before PID 1 mounted its /proc. */
	int64_t trim_at;
	int smaps_fd;
	const struct sandbox_spec *outer; /* the outer parent's: its setup_over */
};

/* A session that lives this long after its setup gives back the pages only setup used: a
 * short command (`confinectl run … true`, `ssh host cmd`) never pays for the drop. */
#define TRIM_DELAY_MS 500

/* A hangup, SIGTERM (relayed or the outer terminal's) or a relayed signal of another kind. */
SUPERVISOR_LOOP static void waiter_signal(struct waiter *w, int sig)
{
	(void)kill(w->pid, sig);
	/* Hangup and terminate end the session; Ctrl-C and Ctrl-\ do not. */
	if (w->kill_at < 0 && (sig == SIGHUP || sig == SIGTERM))
		w->kill_at = now_ms() + w->grace_ms;
}

/* The namespaced parent: the session's time limit reached. */
static void waiter_limit(struct waiter *w)
{
	const struct sandbox_spec *l = w->limit;
	char d[32], g[32];

	format_duration(l->max_duration, d, sizeof(d));
	format_duration(l->max_duration_grace, g, sizeof(g));
	log_msg(LOG_NOTICE,
		"session %s of %s: time limit max_duration = %s reached; hanging up, killing it "
		"in %s",
		l->sid ? l->sid : "?", l->user ? l->user : "?", d, g);
	/* Like a terminal hangup: the shell may save its history and exit. */
	(void)kill(w->pid, SIGHUP);
	w->kill_at = now_ms() + (int64_t)l->max_duration_grace * 1000;
}

/* One message of the sandbox: its report (then no more), or its pty's master. Returns what
 * sandbox_tty_recv did (< 0: nothing read). */
SUPERVISOR_LOOP static int waiter_read_msg(struct waiter *w)
{
	size_t len = 0;
	int fd = -1, r = sandbox_tty_recv(w->msg_sock, w->msg, sizeof(*w->msg), &len, &fd);

	if (r == 1 && w->tty && w->tty->master < 0 && !w->got_msg)
		(void)pty_relay_start(w->tty, fd, w->is_tty);
	else if (r == 1)
		close(fd);
	else if (r == 0 && len == sizeof(*w->msg))
		w->got_msg = true;
	if ((r < 0 && r != -EAGAIN && r != -EINTR) || w->got_msg) {
		w->msg_sock = -1; /* EOF: the program was exec'd (or setup died) */
		if (!w->got_msg)
			w->trim_at = now_ms() + TRIM_DELAY_MS;
		if (w->outer && w->outer->setup_over)
			w->outer->setup_over(w->outer->setup_over_data);
	}
	return r;
}

/* One poll round's results: signals, messages, the terminal relay. */
SUPERVISOR_LOOP static void waiter_events(struct waiter *w, const struct pollfd *p)
{
	struct signalfd_siginfo si;

	if ((p[0].revents & POLLIN) && read(w->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) { /* the outer terminal's, never relayed */
			if (w->tty)
				pty_relay_winch(w->tty);
		} else if (si.ssi_signo != SIGCHLD) {
			waiter_signal(w, (int)si.ssi_signo);
		}
	}
	if (p[1].fd >= 0 && p[1].revents)
		waiter_read_msg(w);
	if (w->tty && pty_relay_step(w->tty, p + 2) == PTY_RELAY_HANGUP)
		waiter_signal(w, SIGHUP); /* as the kernel's SIGHUP to the login's session */
}

/* poll's timeout: until the next of the SIGKILL due, the time limit's hangup (hup_pending)
 * and the drop of setup's pages; at most a minute, -1: none. */
SUPERVISOR_LOOP static int waiter_timeout(const struct waiter *w, bool hup_pending)
{
	int64_t now = now_ms(), left = w->kill_at >= 0 ? w->kill_at - now : -1, t;

	if (hup_pending && (t = limit_left(w->limit)) >= 0 && (left < 0 || t < left))
		left = t;
	if (w->trim_at >= 0) {
		t = w->trim_at > now ? w->trim_at - now : 0;
		if (left < 0 || t < left)
			left = t;
	}
	return left < 0 ? -1 : left > 60000 ? 60000 : (int)left;
}

/*
 * Waits for child w->pid while relaying signals from w->sfd to it (and, with w->tty, the
 * login's terminal to the sandbox's pty); SIGKILLs it grace_ms after the first hangup or
 * SIGTERM (PID 1 ignores signals it has no handler for). With limit set (the namespaced
 * parent), the session's max_duration is enforced too: SIGHUP at the limit, SIGKILL
 * max_duration_grace later.
 */
SUPERVISOR_LOOP static int wait_relaying(struct waiter *w)
{
	bool hup_pending = w->limit && w->limit->max_duration;
	int st;

	for (;;) {
		pid_t r = waitpid(w->pid, &st, WNOHANG);
		if (r == w->pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;

		struct pollfd p[4] = {{.fd = w->sfd, .events = POLLIN},
				      {.fd = w->msg_sock, .events = POLLIN},
				      {.fd = -1},
				      {.fd = -1}};
		if (w->tty)
			pty_relay_fds(w->tty, p + 2);
		int n = poll(p, ELEMENTSOF(p), waiter_timeout(w, hup_pending));
		if (n < 0 && errno != EINTR)
			return -1;
		if (w->kill_at >= 0 && now_ms() >= w->kill_at) {
			(void)kill(w->pid, SIGKILL);
			w->kill_at = -1;
		}
		if (hup_pending && limit_left(w->limit) == 0) {
			waiter_limit(w);
			hup_pending = false;
		}
		if (w->trim_at >= 0 && now_ms() >= w->trim_at) {
			(void)drop_setup_pages(w->smaps_fd);
			w->trim_at = -1;
			w->smaps_fd = -1;
		}
		if (n > 0)
			waiter_events(w, p);
	}
}

/* Brings up lo in the new network namespace, so 127.0.0.1 works inside. */
static int loopback_up(void)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {.ifr_name = "lo"};

	if (s < 0)
		return negerrno();
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return negerrno();
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return negerrno();
	return 0;
}

static int mount_tmpfs(const char *where, uint64_t size, const char *mode, unsigned long flags,
		       struct error *err)
{
	char opts[96];

	snprintf(opts, sizeof(opts), "size=%llu,nr_inodes=%llu,mode=%s", (unsigned long long)size,
		 (unsigned long long)(size / 4096 > 1024 ? size / 4096 : 1024), mode);
	if (mount("tmpfs", where, "tmpfs", flags, opts) < 0)
		return error_set_errno(err, negerrno(), "cannot mount %s", where);
	return 0;
}

/* A minimal /dev: a few harmless nodes, a private devpts, /dev/shm; then read-only. */
static int setup_dev(const struct sandbox_spec *s, struct error *err)
{
	static const struct {
		const char *name;
		unsigned maj, min;
	} nodes[] = {{"null", 1, 3},   {"zero", 1, 5},	  {"full", 1, 7},
		     {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
	static const char *links[][2] = {{"fd", "/proc/self/fd"},
					 {"stdin", "/proc/self/fd/0"},
					 {"stdout", "/proc/self/fd/1"},
					 {"stderr", "/proc/self/fd/2"},
					 {"ptmx", "pts/ptmx"}};
	int r;

	if ((r = mount_tmpfs("/dev", 1 << 20, "0755", MS_NOSUID | MS_NOEXEC, err)) < 0)
		return error_set_errno(err, r, "cannot mount tmpfs on /dev");
	/* Root may mknod here; the user never can (no CAP_MKNOD, and /dev ends up read-only). */
	for (size_t i = 0; i < ELEMENTSOF(nodes); i++) {
		char path[32];
		snprintf(path, sizeof(path), "/dev/%s", nodes[i].name);
		if (mknod(path, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0 ||
		    chmod(path, 0666) < 0) /* the umask must not narrow it */
			return error_set_errno(err, negerrno(), "cannot create /dev nodes");
	}
	for (size_t i = 0; i < ELEMENTSOF(links); i++) {
		char path[32];
		snprintf(path, sizeof(path), "/dev/%s", links[i][0]);
		if (symlink(links[i][1], path) < 0)
			return error_set_errno(err, negerrno(), "cannot create /dev nodes");
	}
	if (mkdir("/dev/pts", 0755) < 0 || mkdir("/dev/shm", 01777) < 0)
		return error_set_errno(err, negerrno(), "cannot create /dev nodes");
	/* A new devpts instance: the sandbox sees only its own ptys, never the host's. At most
	 * 64 of them: every instance but the host's draws on one pool of
	 * kernel.pty.max - kernel.pty.reserve (3072), and a login with a terminal needs one of
	 * its sandbox; one session taking them all refused everyone else's (row 54). */
	if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620,max=64") < 0)
		return error_set_errno(err, negerrno(), "cannot mount devpts");
	if ((r = mount_tmpfs("/dev/shm", s->tmp_size, "1777", MS_NOSUID | MS_NODEV, err)) < 0)
		return r;
	/* A kiosk's render nodes, while /dev is still writable (kiosk.c). */
	if ((r = kiosk_binds_place(s->binds, "/dev/", err)) < 0)
		return r;
	if (mount(NULL, "/dev", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC,
		  NULL) < 0)
		return error_set_errno(err, negerrno(), "cannot remount /dev read-only");
	return 0;
}

/* The host's tree read-only, and the kernel's views of this sandbox: /proc, /sys, cgroupfs. */
static int inner_system_mounts(const struct sandbox_spec *s, struct error *err)
{
	/*
	 * Everything of the host is read-only in here (our private mount tree only): the
	 * session can write its home, /tmp, /var/tmp, /dev/shm and /run/user, nothing that
	 * would outlive it or reach other users (/var/tmp, /var/mail, ...). nosuid, nodev: a
	 * second layer beside no_new_privs, whatever the host mounts allow.
	 */
	struct mount_attr ro = {.attr_set =
				    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	if (syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &ro, sizeof(ro)) < 0)
		return error_set_errno(err, negerrno(),
				       "cannot make the host's mounts read-only, nosuid and nodev");
	/* A /proc of this PID namespace: the user sees only sandbox processes. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return error_set_errno(err, negerrno(), "cannot mount /proc");
	/*
	 * Read-only sysfs without the host's submounts (debugfs, securityfs, bpf, ...). A new
	 * network namespace needs a fresh sysfs (its /sys/class/net); with net = "host" the
	 * kernel would hand back the host's superblock and refuse, so bind its root instead.
	 */
	if (s->net == SANDBOX_NET_HOST
		? mount("/sys", "/sys", NULL, MS_BIND, NULL) < 0
		: mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return error_set_errno(err, negerrno(), "cannot mount /sys");
	if (mount(NULL, "/sys", NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return error_set_errno(err, negerrno(), "cannot mount /sys");
	/* cgroupfs rooted at the session (the cgroup namespace), read-only. */
	if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
		0 ||
	    mount(NULL, "/sys/fs/cgroup", NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return error_set_errno(err, negerrno(), "cannot mount /sys/fs/cgroup");
	return 0;
}

/* The session's own writable places: /tmp, /var/tmp, an empty /run with /run/user/UID. */
static int inner_tmp_mounts(const struct sandbox_spec *s, struct error *err)
{
	char run_user[64];
	int r;

	if ((r = mount_tmpfs("/tmp", s->tmp_size, "1777", MS_NOSUID | MS_NODEV, err)) < 0 ||
	    (r = mount_tmpfs("/var/tmp", s->tmp_size, "1777", MS_NOSUID | MS_NODEV, err)) < 0)
		return r;
	/* Hide the host's /run (its sockets: D-Bus, systemd, ...) and give the user a runtime dir.
	 */
	if ((r = mount_tmpfs("/run", 1 << 20, "0755", MS_NOSUID | MS_NODEV | MS_NOEXEC, err)) < 0)
		return r;
	snprintf(run_user, sizeof(run_user), "/run/user/%u", (unsigned)s->creds.uid);
	if (mkdir("/run/user", 0755) < 0 || mkdir(run_user, 0700) < 0 ||
	    chown(run_user, s->creds.uid, s->creds.gid) < 0)
		return error_set_errno(err, negerrno(), "cannot mount /run");
	/* A kiosk's compositor socket (and PipeWire's): nothing else of the host's /run/user. */
	return kiosk_binds_place(s->binds, "/run/", err);
}

/*
 * Takes the user's file system ids (on), or root's back: what the home holds is then looked
 * up and made as the user would be. On a network home it is the server that checks it (NFS
 * sends the fs ids), and one that squashes root (root_squash) refuses root a 0700 home it
 * lets the user enter. The fs capabilities go and come back with the ids.
 */
static int user_fs_ids(const struct sandbox_spec *s, bool on, struct error *err)
{
	uid_t u = on ? s->creds.uid : 0;
	gid_t g = on ? s->creds.gid : 0;

	if (on) {
		(void)setfsgid(g);
		(void)setfsuid(u);
	} else {
		(void)setfsuid(u);
		(void)setfsgid(g);
	}
	/* setfsuid/setfsgid report no error: read the ids back. */
	if ((uid_t)setfsuid((uid_t)-1) != u || (gid_t)setfsgid((gid_t)-1) != g)
		return error_set(err, -EPERM, "cannot take %s file system ids",
				 on ? "the user's" : "root's");
	return 0;
}

/*
 * The key files sshd reads in ~/.ssh (dirfd), looked at once the directory is read-only (the
 * session can no longer change them): a symbolic link, or a hard link with another name,
 * would let the session write the keys through the other name, outside ~/.ssh. With the
 * user's fs ids, as the directory was opened. 0, or -EPERM after saying which.
 */
static const char *const ssh_key_files[] = {"authorized_keys", "authorized_keys2"};

static int ssh_keys_unlinked(const struct sandbox_spec *s, int dirfd, struct error *err)
{
	int r = user_fs_ids(s, true, err);

	for (size_t i = 0; r == 0 && i < ELEMENTSOF(ssh_key_files); i++) {
		const char *name = ssh_key_files[i];
		struct stat st;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			r = errno == ENOENT ? 0
					    : error_set_errno(err, negerrno(), "~/.ssh/%s", name);
		else if (S_ISLNK(st.st_mode) || st.st_nlink > 1)
			r = error_set(err, -EPERM,
				      "~/.ssh/%s is a %s: its keys could be changed through "
				      "the other name (replace it with a plain file)",
				      name, S_ISLNK(st.st_mode) ? "symbolic link" : "hard link");
	}
	if (user_fs_ids(s, false, r == 0 ? err : NULL) < 0 && r == 0)
		r = -EPERM;
	return r;
}

/*
 * home = "bind": the session writes the real home, and sshd, outside every sandbox, reads
 * ~/.ssh/authorized_keys from it: a key's command="internal-sftp" there would have sshd serve
 * the user's next sftp in its own process, unconfined. So ~/.ssh is read-only in the sandbox:
 * made (0700) as the user when missing, opened as the user beneath the home without links,
 * and a read-only clone of it placed over it. The user cannot unmount it, and a mountpoint
 * cannot be renamed or removed.
 */
static int protect_ssh_dir(const struct sandbox_spec *s, int home, struct error *err)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					  RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV};
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					    MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
	_cleanup_close_ int fd = -1, m = -1;
	int r = user_fs_ids(s, true, err);

	if (r == 0 && mkdirat(home, ".ssh", 0700) < 0 && errno != EEXIST)
		r = error_set_errno(err, negerrno(), "cannot create ~/.ssh");
	if (r == 0 && (fd = sys_openat2(home, ".ssh", &how)) < 0)
		r = error_set_errno(err, negerrno(),
				    "~/.ssh must be a directory of the home (a link or another "
				    "mount is refused)");
	if (user_fs_ids(s, false, r == 0 ? err : NULL) < 0 || r < 0)
		return r < 0 ? r : -EPERM;
	/* Root again for the mount: a clone of the directory itself, no lookup by name. */
	if ((m = sys_open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)) < 0 ||
	    sys_mount_setattr(m, "", AT_EMPTY_PATH, &ro) < 0 ||
	    sys_move_mount(m, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return error_set_errno(err, negerrno(), "cannot make ~/.ssh read-only");
	return ssh_keys_unlinked(s, fd, err);
}

/* fchdir(fd) with the user's file system ids (user_fs_ids); root's again after it. */
static int enter_home_as_user(const struct sandbox_spec *s, int fd, struct error *err)
{
	int r = user_fs_ids(s, true, err);

	if (r == 0 && fchdir(fd) < 0)
		r = error_set_errno(err, negerrno(), "cannot enter the home directory");
	if (user_fs_ids(s, false, r == 0 ? err : NULL) < 0 && r == 0)
		r = -EPERM;
	return r;
}

/* The home placed and entered, by fd. */
static int inner_home(const struct sandbox_spec *s, int home_fd, struct error *err)
{
	/* The home directory, opened without following links (the user may be renaming
	 * components of its path on the host right now). */
	_cleanup_close_ int target = open_dir_nofollow(AT_FDCWD, s->home);
	int r;

	if (target < 0)
		return error_set_errno(err, target, "cannot open the home directory");
	/* Place the prepared home by fd onto that very directory. */
	if (home_fd >= 0 && sys_move_mount(home_fd, "", target, "",
					   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return error_set_errno(err, negerrno(), "cannot mount the home");
	if (s->ssh_readonly && (r = protect_ssh_dir(s, home_fd >= 0 ? home_fd : target, err)) < 0)
		return r;
	/* Enter it by fd, never by name: a path walk here, as root, could follow a symlink
	 * swapped in meanwhile and start the user in a directory they could not reach. */
	return enter_home_as_user(s, home_fd >= 0 ? home_fd : target, err);
}

/* ---- user_ns = true --------------------------------------------------------------------
 * PID 1, still root after the mounts, sets the user's groups (setgroups is denied in the
 * namespace) and makes a user namespace with the user's effective ids, so the USER owns it:
 * the kernel charges what the session takes of the per-user budgets (inotify instances,
 * queued signals, message queues, RLIMIT_NPROC; ucounts, at every level up to the initial
 * namespace, to the owner) to the user, as for any process of theirs, and never to root,
 * whose budgets a session could otherwise exhaust for every root process (t76 §1). The
 * owner's processes outside hold capabilities over that namespace alone, as over one they
 * make themselves: every other namespace stays the one root made, owned by the initial user
 * namespace, and PID 1 is not dumpable meanwhile (its /proc files are root's, so no one but
 * root opens its maps). The namespaced parent, root outside (CAP_SETUID and CAP_SETGID
 * there), writes its maps: only the user's uid and gid, and setgroups "deny". Then the drop
 * happens inside it as anywhere else (inner_drop). Nested user namespaces are refused by
 * the seccomp filter.
 */

/* /proc/self/{uid,gid}_map holds exactly the one line "id id 1". */
static bool userns_map_is(const char *path, unsigned id)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned in, out, count;
	char buf[256], tail;
	ssize_t n;

	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	return sscanf(buf, "%u %u %u %c", &in, &out, &count, &tail) == 3 && in == id && out == id &&
	       count == 1;
}

/* PID 1: the user namespace made and mapped (by the namespaced parent, over fd). */
static int userns_enter(const struct sandbox_spec *s, const struct user_creds *u, int fd,
			struct error *err)
{
	char c = 0;

	if (!s->user_ns)
		return 0;
	/* The user's groups, while we may: the namespace will deny setgroups. */
	if (setgroups(u->ngroups, u->groups) < 0)
		return error_set_errno(err, negerrno(), "cannot set the user's groups");
	/* The user's effective ids make the user the owner (the real and saved ids stay 0, so
	 * the capabilities the uid change cleared from the effective set are raised again: the
	 * kernel's checks of the creator, e.g. Debian's unprivileged_userns_clone, see root's). */
	if (setresgid(-1, u->gid, -1) < 0 || setresuid(-1, u->uid, -1) < 0 ||
	    privs_raise_effective() < 0)
		return error_set_errno(err, negerrno(),
				       "cannot take the user's ids for its namespace");
	if (unshare(CLONE_NEWUSER) < 0)
		return error_set_errno(err, negerrno(), "cannot create a user namespace");
	if (write(fd, "u", 1) != 1 || read(fd, &c, 1) != 1 || c != 'm')
		return error_set(err, -EIO, "the user namespace was not mapped");
	/* Trust, but verify: the kernel's view of what the parent wrote. */
	if (!userns_map_is("/proc/self/uid_map", u->uid) ||
	    !userns_map_is("/proc/self/gid_map", u->gid))
		return error_set(err, -EIO, "the user namespace's map is not the user's alone");
	return 0;
}

/* Writes text to PID/name below proc_fd (root outside, the only writer a map accepts). */
static int userns_write(int proc_fd, pid_t pid, const char *name, const char *text)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	size_t n = strlen(text);

	snprintf(path, sizeof(path), "%d/%s", (int)pid, name);
	if ((fd = openat(proc_fd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return negerrno();
	return write(fd, text, n) == (ssize_t)n ? 0 : negerrno();
}

/*
 * The namespaced parent: maps PID 1's new user namespace once PID 1 made it. proc_fd is a
 * detached clone of the host's /proc mount, taken before the fork: in the mount namespace
 * we share, PID 1 makes the tree read-only and mounts its own /proc over it (where pid, our
 * view, would name another process or none); a detached mount is out of reach of both.
 */
static int userns_map(const struct sandbox_spec *s, pid_t pid, int proc_fd, int fd,
		      struct error *err)
{
	char c, uid_map[32], gid_map[32];
	int r;

	if (read(fd, &c, 1) != 1 || c != 'u')
		return 0; /* PID 1 failed before: it reports why */
	snprintf(uid_map, sizeof(uid_map), "%u %u 1\n", (unsigned)s->creds.uid,
		 (unsigned)s->creds.uid);
	snprintf(gid_map, sizeof(gid_map), "%u %u 1\n", (unsigned)s->creds.gid,
		 (unsigned)s->creds.gid);
	/* setgroups first: deny it for good, before gid_map (the kernel's order). */
	if ((r = userns_write(proc_fd, pid, "setgroups", "deny")) < 0 ||
	    (r = userns_write(proc_fd, pid, "uid_map", uid_map)) < 0 ||
	    (r = userns_write(proc_fd, pid, "gid_map", gid_map)) < 0)
		return error_set_errno(err, r, "cannot map the user namespace");
	if (write(fd, "m", 1) != 1)
		return error_set_errno(err, negerrno(), "cannot map the user namespace");
	return 0;
}

/* The way out of root, for good; after it nothing here is privileged. */
static int inner_drop(const struct sandbox_spec *s, const struct user_creds *u, int parent_pidfd,
		      bool with_home, struct error *err)
{
	struct pollfd pp = {.fd = parent_pidfd, .events = POLLIN};
	struct user_creds creds = *u;
	int r;

	umask(022);
	creds.groups_fixed = s->user_ns; /* set before the user namespace was made */
	if ((r = privs_drop(&creds, err)) < 0)
		return r;
	/* The uid change cleared the parent-death signal: arm it again, then make sure the
	 * namespaced parent did not die in between (getppid() is 0 for PID 1 either way). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return error_set_errno(err, negerrno(), "cannot watch the namespaced parent");
	if (poll(&pp, 1, 0) != 0)
		return error_set_errno(err, -ESRCH, "cannot watch the namespaced parent");
	/* A fresh, anonymous session keyring: nothing of the login program's keys leaks in. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		return error_set_errno(err, negerrno(), "cannot create a session keyring");
	/* Writes only beneath the sandbox's own mounts, whatever fd a path is reached through
	 * (SCM_RIGHTS from outside): as the user, after the mounts, with no_new_privs. */
	if ((r = landlock_install(with_home, err)) < 0)
		return r;
	/* Last: the filter refuses some of the calls above. */
	return seccomp_install(err);
}

/* Everything the inner child does before exec; returns 0 or -errno with err filled. */
static int inner_setup(const struct sandbox_spec *s, int home_fd, int parent_pidfd, int userns_fd,
		       int sock, struct error *err)
{
	struct user_creds creds = s->creds;
	_cleanup_free_ gid_t *groups = NULL;
	int r;

	/* The pty after /dev (it is of the sandbox's devpts), before the user namespace (root
	 * gives its slave to the user: CAP_CHOWN over the devpts root mounted). */
	if ((r = inner_system_mounts(s, err)) < 0 || (r = setup_dev(s, err)) < 0 ||
	    (r = sandbox_tty_setup(s, sock, err)) < 0 || (r = inner_tmp_mounts(s, err)) < 0 ||
	    (r = inner_home(s, home_fd, err)) < 0)
		return r;
	/* The groups as late as they can be: their lookup (NSS modules) ran while we built. */
	if (s->groups_wait) {
		if ((r = s->groups_wait(s->groups_wait_data, &groups, &creds.ngroups)) < 0)
			return error_set_errno(err, r, "cannot read the groups of %s",
					       s->user ? s->user : "the user");
		creds.groups = groups;
	}
	if ((r = userns_enter(s, &creds, userns_fd, err)) < 0)
		return r;
	/* home_fd >= 0: the session's home mount is in place (and is the cwd) */
	return inner_drop(s, &creds, parent_pidfd, home_fd >= 0, err);
}

/*
 * Execs the program, or with spec->init the reaping init that runs it as PID 2
 * ("confine-init PATH ARGV..."). The init runs as the user, after the drop, Landlock and
 * seccomp: it holds nothing the program does not. Returns only on failure (-errno); the
 * program is checked first, so a missing one is reported here either way.
 */
static int exec_program(const struct sandbox_spec *s)
{
	size_t n = 0;
	char **v;

	if (!s->init) {
		execve(s->path, s->argv, s->envp);
		return negerrno();
	}
	if (access(s->path, X_OK) < 0)
		return negerrno();
	while (s->argv[n])
		n++;
	if (!(v = calloc(n + 3, sizeof(char *))))
		return -ENOMEM;
	v[0] = (char *)"confine-init";
	v[1] = (char *)s->path;
	memcpy(v + 2, s->argv, (n + 1) * sizeof(char *));
	execve(s->init, v, s->envp);
	free(v);
	return negerrno();
}

static _Noreturn void inner_child(const struct sandbox_spec *s, int home_fd, int parent_pidfd,
				  int sock, int userns_fd)
{
	struct error err = ERROR_INIT;
	int r;

	(void)prctl(PR_SET_NAME, "confine:[init]");
	/* If the namespaced parent dies, so does PID 1 and with it the whole namespace. In the
	 * new PID namespace our parent is outside it, so getppid() is 0 while it lives. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != 0)
		_exit(SANDBOX_EXIT_SETUP);
	if (inner_setup(s, home_fd, parent_pidfd, userns_fd, sock, &err) < 0)
		fail(sock, &err, SANDBOX_EXIT_SETUP);
	/* Nothing of ours leaks into the program: only 0-2 stay open across exec. */
	(void)syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	r = exec_program(s);
	error_set_errno(&err, r, "cannot run %s", s->path);
	fail(sock, &err, r == -ENOENT ? SANDBOX_EXIT_NOENT : SANDBOX_EXIT_NOEXEC);
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
/* clone3's argument up to its cgroup field (the kernel's struct clone_args, version 2). */
struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

/*
 * fork(), the child born in the session cgroup (leaf_fd >= 0): clone3 with
 * CLONE_INTO_CGROUP. Moving a running process there instead (cgroup_join, a write to
 * cgroup.procs) takes the cgroup threadgroup lock for writing, which waits for an RCU grace
 * period: 21-41 ms per login under TCG (bench/README.md). Only the flag and SIGCHLD: the
 * child is a copy of us as after fork(), in a single-threaded process with no atfork
 * handlers. *joined says whether the child starts in the cgroup; where clone3 or the flag
 * is missing or refused, plain fork() and the child joins (reporting any error).
 */
static pid_t fork_into_cgroup(int leaf_fd, bool *joined)
{
	struct clone3_args a = {
	    .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)leaf_fd};
	long pid;

	*joined = false;
	if (leaf_fd >= 0 && (pid = syscall(SYS_clone3, &a, sizeof(a))) >= 0) {
		*joined = true;
		return (pid_t)pid;
	}
	return fork();
}

/* Joins the leaf cgroup (writes "0", this process, to its cgroup.procs). */
/* Writes "0" (us) to cgroup.procs or "1" to cgroup.kill of the session's cgroup. */
static int cgroup_file_write(int leaf_fd, const char *file, const char *value)
{
	_cleanup_close_ int fd = openat(leaf_fd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		return negerrno();
	return 0;
}

static int cgroup_join(int leaf_fd)
{
	return cgroup_file_write(leaf_fd, "cgroup.procs", "0");
}

/*
 * net = "allow": joins the network namespace the root helper pinned at
 * /run/confine/netns/SID, its rules already in place. Opened fd-based below the root-only
 * directory, and checked to be a root-owned namespace file (nsfs): nothing a user made.
 */
static int netns_join(const char *sid, struct error *err)
{
	_cleanup_close_ int dir = -1, fd = -1;
	struct statfs sfs;
	struct stat st;

	if (!sid || !session_sid_valid(sid))
		return error_set(err, -EINVAL, "no session to join the network of");
	dir = open(CONFINE_RUN_DIR "/netns", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0 || fstat(dir, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022))
		return error_set(err, -EPERM, "%s/netns is missing or not root's", CONFINE_RUN_DIR);
	fd = openat(dir, sid, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return error_set_errno(err, negerrno(), "the session's network is missing");
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || fstatfs(fd, &sfs) < 0 ||
	    sfs.f_type != NSFS_MAGIC)
		return error_set(err, -EPERM, "the session's network is not a namespace of root");
	/* setns checks the kind: only a network namespace is joined. */
	if (setns(fd, CLONE_NEWNET) < 0)
		return error_set_errno(err, negerrno(), "cannot join the session's network");
	return 0;
}

/* The namespaced parent's privileged steps, before anything of the user exists. */
static int ns_enter(const struct sandbox_spec *s, bool joined, struct error *err)
{
	int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
	int r;

	/* In the session cgroup first (born there when joined): the cgroup namespace is rooted
	 * where we are. */
	if (s->cgroup_fd >= 0 && !joined && (r = cgroup_join(s->cgroup_fd)) < 0)
		return error_set_errno(err, r, "cannot join the session cgroup");
	if (s->net == SANDBOX_NET_NONE)
		flags |= CLONE_NEWNET;
	/* Before the other namespaces: the session's network, not one of its own. */
	if (s->net == SANDBOX_NET_ALLOW && (r = netns_join(s->sid, err)) < 0)
		return r;
	/* New namespaces for everything but users (see config user_ns) and PIDs (below). */
	if (unshare(flags) < 0)
		return error_set_errno(err, negerrno(), "cannot unshare namespaces");
	/*
	 * Private, not slave: our mounts never reach the host, and the host's later mounts
	 * (automounts, USB disks) never reach us, where they would keep the host's flags
	 * (read-write, suid) instead of the read-only, nosuid, nodev of everything else.
	 */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return error_set_errno(err, negerrno(), "cannot make / a private mount");
	/*
	 * Our copy of confine's run dir holds every logged-in user's home: detach it (the
	 * session's own home is a clone taken before), so no other home stays pinned in here
	 * after its user logged out, and mountinfo does not tell who is logged in.
	 */
	if (umount2(CONFINE_RUN_DIR, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL &&
	    errno != ENOENT)
		return error_set_errno(err, negerrno(), "cannot detach %s", CONFINE_RUN_DIR);
	if (sethostname(s->hostname, strlen(s->hostname)) < 0)
		return error_set_errno(err, negerrno(), "cannot set the hostname");
	if (s->net == SANDBOX_NET_NONE && (r = loopback_up()) < 0)
		return error_set_errno(err, r, "cannot bring up lo");
	return 0;
}

/* The child that becomes PID 1: default dispositions, nothing blocked, no signalfd. */
static _Noreturn void ns_fork_child(const struct sandbox_spec *s, int home_fd, int pidfd, int sock,
				    int sfd, const int userns_sp[2])
{
	sigset_t none;

	close(sfd);
	if (userns_sp[0] >= 0)
		close(userns_sp[0]);
	/* The program starts with default dispositions and nothing blocked. */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	inner_child(s, home_fd, pidfd, sock, userns_sp[1]);
}

/* Our oom_score_adj (fd, closed) to -1000. Needs CAP_SYS_RESOURCE; where root lacks it,
 * outer_wait ends a session whose namespaced parent was killed. */
static void oom_exempt(int fd)
{
	if (fd >= 0) {
		(void)!write(fd, "-1000", 5);
		close(fd);
	}
}

/*
 * The home built (when the spec says how), in the private mount namespace: it dies with the
 * session. Then the PID namespace, last: its first child is PID 1, and building the home may
 * fork (a bind home is opened by a child with the user's fs ids; as PID 1, its exit would
 * have failed every later fork with ENOMEM).
 */
static int ns_home_then_pid(const struct sandbox_spec *s, int *home_fd, int *lock,
			    struct error *err)
{
	int r;

	if (*home_fd < 0 && s->home_build) {
		if ((r = s->home_build(s->home_build_data, lock, err)) < 0)
			return r;
		*home_fd = r;
	}
	if (unshare(CLONE_NEWPID) < 0)
		return error_set_errno(err, negerrno(), "cannot unshare the PID namespace");
	return 0;
}

static _Noreturn void ns_parent(const struct sandbox_spec *s, int sock, int sfd, pid_t outer,
				bool joined)
{
	struct error err = ERROR_INIT;
	int lock = -1; /* a home_build lock (persistent upper), held until this process exits */
	int home_fd = s->home_fd, pidfd, st, userns_sp[2] = {-1, -1}, proc_fd = -1;
	struct sync_msg unused;
	pid_t child;

	(void)prctl(PR_SET_NAME, "confine:[ns]");
	/* We enforce max_duration from inside the session's cgroup: never its OOM victim (with
	 * memory_oom_group = false the kernel picks the largest process, and a session of tiny
	 * processes whose memory is tmpfs pages made that us). Opened before our mount
	 * namespace exists (a file open for writing on one of its mounts makes PID 1's
	 * read-only remount fail with EBUSY), written after PID 1's fork, which keeps 0. */
	int oom_fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	/* Dies with the outer parent, so a killed supervisor never leaves a live sandbox. */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != outer) /* it died before the prctl took effect */
		_exit(SANDBOX_EXIT_SETUP);
	if (ns_enter(s, joined, &err) < 0)
		fail(sock, &err, SANDBOX_EXIT_SETUP);
	if (ns_home_then_pid(s, &home_fd, &lock, &err) < 0)
		fail(sock, &err, SANDBOX_EXIT_SETUP);
	/* PID 1 watches us through this after its uid change (see inner_drop). */
	pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0) {
		error_set_errno(&err, negerrno(), "cannot open a pidfd");
		fail(sock, &err, SANDBOX_EXIT_SETUP);
	}
	/* user_ns: PID 1 says when it has made its user namespace, we map it (userns_map). */
	if (s->user_ns && (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, userns_sp) < 0 ||
			   (proc_fd = sys_open_tree(AT_FDCWD, "/proc",
						    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) < 0)) {
		error_set_errno(&err, negerrno(), "cannot prepare the user namespace");
		fail(sock, &err, SANDBOX_EXIT_SETUP);
	}
	/* For drop_setup_pages once PID 1 runs: its /proc, mounted over ours, has no us. */
	int smaps_fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	child = fork();
	if (child < 0) {
		error_set_errno(&err, negerrno(), "cannot fork PID 1");
		fail(sock, &err, SANDBOX_EXIT_SETUP);
	}
	if (child == 0) {
		if (smaps_fd >= 0)
			close(smaps_fd);
		if (oom_fd >= 0)
			close(oom_fd);
		ns_fork_child(s, home_fd, pidfd, sock, sfd, userns_sp);
	}
	oom_exempt(oom_fd);
	if (s->user_ns) {
		close(userns_sp[1]);
		if (userns_map(s, child, proc_fd, userns_sp[0], &err) < 0)
			fail(sock, &err, SANDBOX_EXIT_SETUP); /* PID 1 dies with us */
		close(userns_sp[0]);
		close(proc_fd);
	}
	close(sock); /* from now on only PID 1 reports */
	if (home_fd >= 0)
		close(home_fd); /* PID 1 holds the home now; the lock stays with us */
	/* Setup is done: what only it used goes if the session lasts (waiter.trim_at). */
	struct waiter w = {.pid = child,
			   .sfd = sfd,
			   .msg_sock = -1,
			   .msg = &unused,
			   .grace_ms = s->grace_ms,
			   .limit = s,
			   .kill_at = -1,
			   .trim_at = smaps_fd >= 0 ? now_ms() + TRIM_DELAY_MS : -1,
			   .smaps_fd = smaps_fd};
	st = wait_relaying(&w);
	_exit(st < 0 ? SANDBOX_EXIT_SETUP : status_code(st));
}

/*
 * A session without a cgroup: record the sandbox so that close can kill it. If the session
 * is closing meanwhile, end the sandbox here (close may have looked before we wrote).
 */
static int register_sandbox(const struct sandbox_spec *s, pid_t pid, struct error *err)
{
	unsigned long long start;
	int r;

	if (s->procs_dirfd < 0)
		return 0;
	r = procs_register(s->procs_dirfd, pid);
	if (r < 0 && proc_start_time(pid, &start) == 0)
		procs_kill_sandbox(pid, start);
	if (r == -ESTALE)
		return error_set(err, r, "the session is closing");
	if (r < 0)
		return error_set(err, r, "cannot register the sandbox");
	return 0;
}

/* The outer parent: waits for the sandbox (pid) and turns how it ended into the result. */
static int outer_wait(const struct sandbox_spec *s, pid_t pid, int sfd, int sock, int *ret_status,
		      struct error *err)
{
	struct sync_msg msg = {0};
	struct pty_relay tty;
	int st, r;

	pty_relay_init(&tty);
	r = register_sandbox(s, pid, err);
	/* No limit here: the namespaced parent keeps it; SIGHUP reaches us only relayed. */
	uint64_t outer_grace = s->grace_ms + 1000 + (uint64_t)s->max_duration_grace * 1000;
	struct waiter w = {.pid = pid,
			   .sfd = sfd,
			   .msg_sock = sock,
			   .msg = &msg,
			   .grace_ms = outer_grace > UINT_MAX ? UINT_MAX : (unsigned)outer_grace,
			   .tty = &tty,
			   .kill_at = -1,
			   .trim_at = -1, /* set when PID 1's exec closes the sync socket */
			   .smaps_fd = -1,
			   .outer = s};
	(void)sandbox_tty_wanted(w.is_tty);
	st = wait_relaying(&w);
	/* The namespaced parent killed (only root or the OOM killer can): PID 1 may have
	 * cleared its parent-death signal and would run on with nobody enforcing max_duration.
	 * End every process of the session's cgroup. */
	if (st >= 0 && WIFSIGNALED(st) && s->cgroup_fd >= 0)
		(void)cgroup_file_write(s->cgroup_fd, "cgroup.kill", "1");
	/* The sandbox's last output, and the login's terminal as it was, on every path. */
	pty_relay_finish(&tty);
	/* The sandbox may have exited before its message was read. */
	while (!w.got_msg && w.msg_sock >= 0 && waiter_read_msg(&w) >= 0)
		;
	if (r < 0)
		return r; /* registering failed: the sandbox was ended (status: setup) */
	if (st < 0)
		return error_set_errno(err, negerrno(), "cannot wait for the sandbox");
	if (w.got_msg) {
		msg.text[sizeof(msg.text) - 1] = '\0';
		*ret_status = msg.exit_code;
		return error_set(err, msg.err < 0 ? msg.err : -EIO, "%s", msg.text);
	}
	*ret_status = status_code(st);
	return 0;
}

int sandbox_run(const struct sandbox_spec *s, int *ret_status, struct error *err)
{
	struct sigaction old_act[ELEMENTSOF(relayed)], old_ign[ELEMENTSOF(ignored)], old_chld,
	    dfl = {.sa_handler = SIG_DFL}, ign = {.sa_handler = SIG_IGN};
	sigset_t mask, old_mask;
	int sp[2] = {-1, -1}, sfd, r;
	pid_t pid, self = getpid();
	bool joined;

	*ret_status = SANDBOX_EXIT_SETUP;
	*err = (struct error)ERROR_INIT;
	sigemptyset(&mask);
	for (size_t i = 0; i < ELEMENTSOF(relayed); i++)
		sigaddset(&mask, relayed[i]);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGWINCH); /* the login's window size, for the sandbox's pty */
	/* Handlers must be default for signalfd to see them (a caller may ignore SIGHUP). */
	for (size_t i = 0; i < ELEMENTSOF(relayed); i++)
		sigaction(relayed[i], &dfl, &old_act[i]);
	for (size_t i = 0; i < ELEMENTSOF(ignored); i++)
		sigaction(ignored[i], &ign, &old_ign[i]);
	/* An ignored SIGCHLD (the caller's, kept across exec) would have the kernel reap the
	 * namespaced parent unseen, and the wait for it fail (ECHILD) or never end. */
	sigaction(SIGCHLD, &dfl, &old_chld);
	sigprocmask(SIG_BLOCK, &mask, &old_mask);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		r = error_set_errno(err, negerrno(), "cannot create a signalfd");
	} else if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		r = error_set_errno(err, negerrno(), "cannot create a socket pair");
	} else if ((pid = fork_into_cgroup(s->cgroup_fd, &joined)) < 0) {
		r = error_set_errno(err, negerrno(), "cannot fork");
	} else if (pid == 0) {
		close(sp[0]);
		ns_parent(s, sp[1], sfd, self, joined);
	} else {
		close(TAKE_FD(sp[1]));
		r = outer_wait(s, pid, sfd, sp[0], ret_status, err);
	}
	closep(&sp[0]);
	closep(&sp[1]);
	closep(&sfd);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	for (size_t i = 0; i < ELEMENTSOF(relayed); i++)
		sigaction(relayed[i], &old_act[i], NULL);
	for (size_t i = 0; i < ELEMENTSOF(ignored); i++)
		sigaction(ignored[i], &old_ign[i], NULL);
	sigaction(SIGCHLD, &old_chld, NULL);
	/* By construction: a failure always comes with its message. */
	if (r < 0 && !err->code)
		r = error_set_errno(err, r, "sandbox setup failed");
	return r;
}
