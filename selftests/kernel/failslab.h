/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RMP_SELFTESTS_FAILSLAB_H
#define RMP_SELFTESTS_FAILSLAB_H

#include <linux/types.h>

int rmp_test_failslab(const char *cache, bool on);
void rmp_test_fail_this_task(bool on);

#endif
