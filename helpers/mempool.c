// SPDX-License-Identifier: GPL-2.0

#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>

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

__rust_helper unsigned int rmp_helper_memalloc_nofs_save(void)
{
	return memalloc_nofs_save();
}

__rust_helper void rmp_helper_memalloc_nofs_restore(unsigned int flags)
{
	memalloc_nofs_restore(flags);
}

__rust_helper unsigned int rmp_helper_memalloc_noio_save(void)
{
	return memalloc_noio_save();
}

__rust_helper void rmp_helper_memalloc_noio_restore(unsigned int flags)
{
	memalloc_noio_restore(flags);
}

__rust_helper void *rmp_helper_page_address(const struct page *page)
{
	return page_address(page);
}
