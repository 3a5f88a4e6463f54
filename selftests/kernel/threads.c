// SPDX-License-Identifier: GPL-2.0
/*
 * Runs a test body on several kthreads at once, spread over the online
 * CPUs, and waits for all of them: Rust for Linux 6.12 has no kthreads.
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "threads.h"

struct rmp_thread {
	int (*fn)(void *data, unsigned int idx);
	void *data;
	unsigned int idx;
	int ret;
	struct completion done;
};

static int rmp_thread_main(void *arg)
{
	struct rmp_thread *t = arg;

	/* A task of the tests, which fault injection may fail (failslab.c). */
	current->make_it_fail = 1;
	t->ret = t->fn(t->data, t->idx);
	/* Never return into module text that may be unloaded once we complete. */
	kthread_complete_and_exit(&t->done, 0);
}

/* Returns 0 if every thread returned 0, else the first non-zero result. */
int rmp_run_threads(int (*fn)(void *data, unsigned int idx), void *data,
		    unsigned int nr)
{
	struct rmp_thread *threads;
	unsigned int i, started = 0;
	int ret = 0;

	threads = kcalloc(nr, sizeof(*threads), GFP_KERNEL);
	if (!threads)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct task_struct *task;

		threads[i] = (struct rmp_thread){ .fn = fn, .data = data, .idx = i };
		init_completion(&threads[i].done);
		task = kthread_create(rmp_thread_main, &threads[i], "rmp_test/%u", i);
		if (IS_ERR(task)) {
			ret = PTR_ERR(task);
			break;
		}
		kthread_bind(task, cpumask_nth(i % num_online_cpus(), cpu_online_mask));
		wake_up_process(task);
		started++;
	}
	/*
	 * A test may run for minutes (make stress): wait idle, not
	 * uninterruptible, or the hung-task detector reports the waiting task.
	 */
	for (i = 0; i < started; i++) {
		wait_for_completion_state(&threads[i].done, TASK_IDLE);
		if (!ret)
			ret = threads[i].ret;
	}
	kfree(threads);
	return ret;
}

/* Lets other threads run on a kernel without preemption. */
void rmp_cond_resched(void)
{
	cond_resched();
}

unsigned int rmp_num_online_cpus(void)
{
	return num_online_cpus();
}
