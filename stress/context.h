/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RMP_STRESS_CONTEXT_H
#define RMP_STRESS_CONTEXT_H

#include <linux/types.h>

/* How long the stress test runs, in seconds (module parameter "seconds"). */
unsigned int rmp_stress_seconds(void);
/* Whether @deadline (in jiffies, from rmp_stress_deadline()) has passed. */
bool rmp_stress_expired(unsigned long deadline);
/* Whether sleeping allocations use GFP_NOIO (module parameter "noio"). */
bool rmp_stress_noio(void);
/* The jiffies value @seconds from now. */
unsigned long rmp_stress_deadline(unsigned int seconds);
/* A random number. */
u32 rmp_stress_random(void);

/*
 * Starts a timer that calls @tick(@data) in softirq context every jiffy until
 * rmp_stress_timer_stop(), which waits for a running call to finish.
 */
int rmp_stress_timer_start(void (*tick)(void *data), void *data);
void rmp_stress_timer_stop(void);

#endif
