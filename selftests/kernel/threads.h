/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RMP_SELFTESTS_THREADS_H
#define RMP_SELFTESTS_THREADS_H

int rmp_run_threads(int (*fn)(void *data, unsigned int idx), void *data,
		    unsigned int nr);
unsigned int rmp_num_online_cpus(void);
void rmp_cond_resched(void);

#endif
