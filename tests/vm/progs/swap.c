/* swap A B SECONDS: atomically exchanges the names A and B (renameat2 RENAME_EXCHANGE)
 * in a tight loop for SECONDS; prints how many exchanges it made. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	unsigned long n = 0;
	time_t end;

	if (argc != 4) {
		fprintf(stderr, "usage: swap A B SECONDS\n");
		return 2;
	}
	end = time(NULL) + atoi(argv[3]);
	while (time(NULL) < end) {
		for (int i = 0; i < 1000; i++) {
			if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0) {
				perror("swap: renameat2");
				return 1;
			}
			n++;
		}
	}
	/* Leave A as it was at the start. */
	if (n % 2 && renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0)
		return 1;
	printf("swaps=%lu\n", n);
	return 0;
}
