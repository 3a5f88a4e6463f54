/* SPDX-License-Identifier: GPL-2.0 */
/*
 * C side of the Rust reserve pools. Rust sees it through bindgen (bindings/).
 */
#ifndef RMP_MEMPOOL_POOL_H
#define RMP_MEMPOOL_POOL_H

#include <linux/mempool.h>
#include <linux/types.h>

struct kmem_cache;
struct rmp_stats;

/*
 * A mempool and the counters of what it serves. Rust calls mempool_resize()
 * on @pool itself; the rest is for pool.c.
 */
struct rmp_pool {
	mempool_t *pool;
	struct kmem_cache *cache;
	struct rmp_stats *cache_stats;
	struct rmp_stats *stats;
	struct rmp_pool_cpu __percpu *cpu;
};

struct rmp_pool_snapshot {
	u64 min_nr;	/* reserved elements the pool keeps */
	u64 reserve;	/* elements in the reserve now */
	u64 allocs;	/* elements handed out */
	u64 frees;	/* elements given back */
	u64 live;	/* elements out now */
	u64 peak;	/* highest live */
	u64 emergency;	/* allocations served from the reserve */
	u64 waits;	/* sleeping allocations that found the reserve empty */
	u64 failures;	/* allocations that got nothing */
};

struct rmp_pool *rmp_pool_create(struct kmem_cache *cache,
				 struct rmp_stats *cache_stats, int min_nr);
void rmp_pool_destroy(struct rmp_pool *p);
void *rmp_pool_alloc(struct rmp_pool *p, gfp_t gfp);
void rmp_pool_free(struct rmp_pool *p, void *obj);
void rmp_pool_read(struct rmp_pool *p, struct rmp_pool_snapshot *out);

#endif
