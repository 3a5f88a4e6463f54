// SPDX-License-Identifier: GPL-2.0
/*
 * What the stress test's Rust needs of C that Rust for Linux 6.12 lacks:
 * module parameters, jiffies, random numbers, and a timer that allocates in
 * softirq context.
 */
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/timer.h>

#include "context.h"

static unsigned int seconds = 60;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "How long the stress test runs (default 60)");

static bool noio;
module_param(noio, bool, 0444);
MODULE_PARM_DESC(noio, "Sleeping allocations with GFP_NOIO, as a block driver's (default off)");

bool rmp_stress_noio(void)
{
	return noio;
}

unsigned int rmp_stress_seconds(void)
{
	return seconds;
}

bool rmp_stress_expired(unsigned long deadline)
{
	return time_after(jiffies, deadline);
}

unsigned long rmp_stress_deadline(unsigned int secs)
{
	return jiffies + secs * HZ;
}

u32 rmp_stress_random(void)
{
	return get_random_u32();
}

static struct rmp_stress_timer {
	struct timer_list timer;
	void (*tick)(void *data);
	void *data;
	bool stopping;
} rmp_timer;

static void rmp_stress_timer_fn(struct timer_list *t)
{
	rmp_timer.tick(rmp_timer.data);
	if (!READ_ONCE(rmp_timer.stopping))
		mod_timer(&rmp_timer.timer, jiffies + 1);
}

int rmp_stress_timer_start(void (*tick)(void *data), void *data)
{
	rmp_timer.tick = tick;
	rmp_timer.data = data;
	rmp_timer.stopping = false;
	timer_setup(&rmp_timer.timer, rmp_stress_timer_fn, 0);
	mod_timer(&rmp_timer.timer, jiffies + 1);
	return 0;
}

void rmp_stress_timer_stop(void)
{
	WRITE_ONCE(rmp_timer.stopping, true);
	timer_delete_sync(&rmp_timer.timer);
}
