/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RMP_SELFTESTS_NUMA_H
#define RMP_SELFTESTS_NUMA_H

int rmp_test_obj_node(const void *obj);
unsigned int rmp_test_online_nodes(void);

#endif
