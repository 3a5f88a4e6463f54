// SPDX-License-Identifier: GPL-2.0
/*
 * rmp-eat: takes memory for make stress's memory pressure run
 * (qemu/guest/stress.sh).
 *
 *   rmp-eat        asks to be the OOM killer's first choice, then allocates
 *                  and touches a mebibyte at a time, for ever: the kernel
 *                  reclaims what it can, and when nothing is left kills it.
 *   rmp-eat MIB    takes MIB mebibytes, says "held" on standard output and
 *                  holds them until it is killed, so that the other one needs
 *                  less time to run memory out. It is the OOM killer's second
 *                  choice: while no other one runs, it, not a test, goes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1 << 20)

/*
 * Every chunk, each linked to the one before: not static, so that the
 * compiler must keep the chunks and their stores.
 */
char **rmp_eat_chunks;

int main(int argc, char **argv)
{
	long left = argc > 1 ? atol(argv[1]) : -1;
	FILE *adj;
	char **p;

	if (argc > 1 && left < 0) {
		fprintf(stderr, "usage: rmp-eat [MIB]\n");
		return 2;
	}

	adj = fopen("/proc/self/oom_score_adj", "w");
	if (!adj || fputs(left < 0 ? "1000\n" : "500\n", adj) < 0 || fclose(adj)) {
		perror("rmp-eat: oom_score_adj");
		return 1;
	}
	while (left) {
		p = malloc(CHUNK);
		if (!p) {
			/* Address space, not memory, ran out: try again. */
			usleep(1000);
			continue;
		}
		/* Touch every page, so that each is really allocated. */
		memset(p, 0x5a, CHUNK);
		*p = (char *)rmp_eat_chunks;
		rmp_eat_chunks = p;
		if (left > 0)
			left--;
	}
	puts("held");
	fflush(stdout);
	for (;;)
		pause();
}
