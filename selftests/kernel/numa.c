// SPDX-License-Identifier: GPL-2.0
/*
 * Where memory lives, for the tests of node-specific allocation.
 */
#include <linux/mm.h>
#include <linux/nodemask.h>

#include "numa.h"

int rmp_test_obj_node(const void *obj)
{
	return page_to_nid(virt_to_page(obj));
}

unsigned int rmp_test_online_nodes(void)
{
	return num_online_nodes();
}
