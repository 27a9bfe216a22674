/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "home-bind.h"
#include "mountapi.h"
#include "util.h"

/* Sends fd over the socket sock (SCM_RIGHTS); 0 or -errno. */
static int send_fd(int sock, int fd)
{
	char byte = 0, ctl[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {&byte, 1};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &m, MSG_NOSIGNAL) == 1 ? 0 : negerrno();
}

/* Receives one fd from sock, or -errno (-EIO when none came). */
static int recv_fd(int sock)
{
	char byte, ctl[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {&byte, 1};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		return -EIO;
	c = CMSG_FIRSTHDR(&m);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EIO;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * The child's work: it stays root in its real and effective ids (the user can neither
 * signal nor ptrace it) and takes the user's ids for file access only (fsuid, fsgid, no
 * supplementary groups), which is what NFS sends the server. Exit status: 0 after the
 * fd was sent, else an errno.
 */
static _Noreturn void open_as_user(const struct home_owner *o, int sock)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	struct stat st;
	int fd;

	if (setgroups(0, NULL) < 0)
		_exit(errno);
	(void)setfsgid(o->gid);
	(void)setfsuid(o->uid);
	/* setfsuid/setfsgid report no error: read the ids back. */
	if ((uid_t)setfsuid((uid_t)-1) != o->uid || (gid_t)setfsgid((gid_t)-1) != o->gid)
		_exit(EPERM);
	if ((fd = (int)sys_openat2(AT_FDCWD, o->path, &how)) < 0)
		_exit(errno);
	if (fstat(fd, &st) < 0)
		_exit(errno);
	if (!S_ISDIR(st.st_mode) || st.st_uid != o->uid)
		_exit(EPERM);
	_exit(send_fd(sock, fd) < 0 ? EIO : 0);
}

/* The real home as an O_PATH fd opened by a child with the user's fs ids; -errno. */
static int open_home_as_user(const struct home_owner *o)
{
	_cleanup_close_ int a = -1, b = -1, fd = -1;
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return negerrno();
	a = sv[0];
	b = sv[1];
	if ((pid = fork()) < 0)
		return negerrno();
	if (pid == 0) {
		close(a);
		open_as_user(o, b);
	}
	close(TAKE_FD(b));
	fd = recv_fd(a);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return negerrno();
	if (!WIFEXITED(status))
		return -EIO;
	if (WEXITSTATUS(status) != 0)
		return -WEXITSTATUS(status);
	return fd < 0 ? fd : TAKE_FD(fd);
}

int home_bind(const struct home_owner *o, struct error *err)
{
	_cleanup_close_ int fd = -1, m = -1;
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	struct stat st;

	if ((fd = open_home_as_user(o)) < 0)
		return error_set_errno(err, fd,
				       fd == -ELOOP ? "cannot open %s as its user (a symbolic "
						      "link on the path is refused)"
						    : "cannot open %s as its user",
				       o->path);
	/* The same check as the child's, on what we received: a directory of the user. */
	if (fstat(fd, &st) < 0)
		return error_set_errno(err, negerrno(), "cannot stat %s", o->path);
	if (!S_ISDIR(st.st_mode) || st.st_uid != o->uid)
		return error_set(err, -EPERM, "%s is not a directory of its user", o->path);
	/* A clone of the mount at the fd: no lookup, no read of the directory by root. */
	if ((m = sys_open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)) < 0)
		return error_set_errno(err, negerrno(), "cannot clone %s", o->path);
	if (sys_mount_setattr(m, "", AT_EMPTY_PATH, &attr) < 0)
		return error_set_errno(err, negerrno(), "cannot make %s nosuid,nodev", o->path);
	return TAKE_FD(m);
}
