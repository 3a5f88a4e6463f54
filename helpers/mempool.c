// SPDX-License-Identifier: GPL-2.0

#include <linux/mempool.h>

__rust_helper mempool_t *rmp_helper_mempool_create_node(int min_nr, mempool_alloc_t *alloc_fn,
							mempool_free_t *free_fn,
							void *pool_data, gfp_t gfp_mask,
							int node_id)
{
	return mempool_create_node(min_nr, alloc_fn, free_fn, pool_data, gfp_mask, node_id);
}

__rust_helper void *rmp_helper_mempool_alloc(mempool_t *pool, gfp_t gfp_mask)
{
	return mempool_alloc(pool, gfp_mask);
}
