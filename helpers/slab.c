// SPDX-License-Identifier: GPL-2.0

#include <linux/slab.h>

__rust_helper void *rmp_helper_kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags,
						     int node)
{
	return kmem_cache_alloc_node(s, flags, node);
}

/* The number allocated (6.x) or whether they were (7.x): zero means none. */
__rust_helper int rmp_helper_kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags,
						   size_t size, void **p)
{
	return kmem_cache_alloc_bulk(s, flags, size, p);
}
