// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for the tests. test_kernel.sh arms failslab for marked
 * caches and fail_page_alloc for blocks of MAX_PAGE_ORDER, both with their
 * task-filter on: only tasks with make_it_fail set see failures, which are
 * the module's own (its init and its threads), so a marked kmalloc cache
 * fails no other task's allocations.
 *
 * SLAB_FAILSLAB cannot be passed to kmem_cache_create(); the kernel sets it
 * only through /sys/kernel/slab/NAME/failslab, so the tests write that file.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kernel.h>
#include <linux/sched.h>

#include "failslab.h"

static int rmp_test_write(const char *path, const char *value)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	f = filp_open(path, O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, value, strlen(value), &pos);
	filp_close(f, NULL);
	return n < 0 ? n : 0;
}

static int rmp_test_write_file(const char *path, const char *value)
{
	int ret;

#ifdef scoped_with_init_fs
	/*
	 * Where kernel threads start in an empty root (7.3), resolve the path
	 * in init's root, as a task of init's would.
	 */
	scoped_with_init_fs()
		ret = rmp_test_write(path, value);
#else
	ret = rmp_test_write(path, value);
#endif
	return ret;
}

int rmp_test_failslab(const char *cache, bool on)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/failslab", cache);
	return rmp_test_write_file(path, on ? "1" : "0");
}

void rmp_test_fail_this_task(bool on)
{
	current->make_it_fail = on;
}
