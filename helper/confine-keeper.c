/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * confine-keeper: the first process of a session's systemd scope (a transient scope needs
 * one, and the login program must stay in logind's session scope). confine-helper forks,
 * drops every fd, blocks every signal but SIGTERM, and execs this; it sleeps until the
 * scope is stopped. Built freestanding (no libc: nothing to initialise, a few pages of
 * memory) on x86-64 and arm64, where one sleeps per session; elsewhere a plain program.
 */
#if defined(__x86_64__) || defined(__aarch64__)

/* Waits for a signal; the only one that gets through, SIGTERM, ends the process. */
static void wait_signal(void)
{
#if defined(__x86_64__)
	long nr = 7; /* poll(NULL, 0, -1) */
	__asm__ volatile("syscall"
			 : "+a"(nr)
			 : "D"(0L), "S"(0L), "d"(-1L)
			 : "rcx", "r11", "memory");
#else
	register long x8 __asm__("x8") = 73; /* ppoll(NULL, 0, NULL, NULL) */
	register long x0 __asm__("x0") = 0;
	register long x1 __asm__("x1") = 0;
	register long x2 __asm__("x2") = 0;
	register long x3 __asm__("x3") = 0;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
#endif
}

void _start(void);
void _start(void)
{
	for (;;)
		wait_signal();
}

#else

#include <unistd.h>

int main(void)
{
	for (;;)
		pause();
}

#endif
