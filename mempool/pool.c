// SPDX-License-Identifier: GPL-2.0
/*
 * A mempool over a Rust slab cache, with its own element callbacks so
 * that it can count what the stock slab callbacks cannot see.
 *
 * mempool_alloc() calls the element allocator with __GFP_NOMEMALLOC and
 * __GFP_NORETRY added, mempool_create() and mempool_resize() do not (see
 * mm/mempool.c). The callback counts allocator successes on the allocation
 * path only ("served"); every other element that mempool_alloc() hands out
 * came from the reserve, so emergency hits = allocs - served.
 */
#include <linux/mempool.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "../slab/cache.h"
#include "pool.h"

/* What only a pool has; its elements are counted like a cache's objects. */
struct rmp_pool_cpu {
	u64 served;
	u64 waits;
};

static void *rmp_pool_alloc_element(gfp_t gfp, void *data)
{
	struct rmp_pool *p = data;
	void *obj = rmp_cache_alloc(p->cache, p->cache_stats, gfp, NUMA_NO_NODE);

	if (obj && (gfp & __GFP_NOMEMALLOC))
		this_cpu_inc(p->cpu->served);
	return obj;
}

static void rmp_pool_free_element(void *obj, void *data)
{
	struct rmp_pool *p = data;

	rmp_cache_free(p->cache, p->cache_stats, obj);
}

struct rmp_pool *rmp_pool_create(struct kmem_cache *cache,
				 struct rmp_stats *cache_stats, int min_nr)
{
	struct rmp_pool *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	p->cache = cache;
	p->cache_stats = cache_stats;
	p->cpu = alloc_percpu(struct rmp_pool_cpu);
	p->stats = rmp_stats_create();
	if (!p->cpu || !p->stats)
		goto err;
	/* Fills the reserve: fails unless all min_nr elements were allocated. */
	p->pool = mempool_create(min_nr, rmp_pool_alloc_element,
				 rmp_pool_free_element, p);
	if (!p->pool)
		goto err;
	return p;
err:
	rmp_stats_destroy(p->stats);
	free_percpu(p->cpu);
	kfree(p);
	return NULL;
}

void rmp_pool_destroy(struct rmp_pool *p)
{
	mempool_destroy(p->pool);
	rmp_stats_destroy(p->stats);
	free_percpu(p->cpu);
	kfree(p);
}

void *rmp_pool_alloc(struct rmp_pool *p, gfp_t gfp)
{
	void *obj;

	if (gfp & __GFP_DIRECT_RECLAIM) {
		/*
		 * mempool_alloc()'s own first attempt: the allocator without
		 * direct reclaim, then the reserve. Only if both come up
		 * empty does it reclaim and then wait for a free: count that.
		 */
		obj = mempool_alloc(p->pool, gfp & ~__GFP_DIRECT_RECLAIM);
		if (!obj) {
			this_cpu_inc(p->cpu->waits);
			obj = mempool_alloc(p->pool, gfp);
		}
	} else {
		obj = mempool_alloc(p->pool, gfp);
	}
	if (obj)
		rmp_stats_alloced(p->stats, 1);
	else
		rmp_stats_failed(p->stats);
	return obj;
}

void rmp_pool_free(struct rmp_pool *p, void *obj)
{
	mempool_free(obj, p->pool);
	rmp_stats_freed(p->stats, 1);
}

void rmp_pool_read(struct rmp_pool *p, struct rmp_pool_snapshot *out)
{
	struct rmp_stats_snapshot elements;
	u64 served = 0;
	int cpu;

	memset(out, 0, sizeof(*out));
	rmp_stats_read(p->stats, &elements);
	out->allocs = elements.allocs;
	out->frees = elements.frees;
	out->live = elements.live;
	out->peak = elements.peak;
	out->failures = elements.failures;
	for_each_possible_cpu(cpu) {
		struct rmp_pool_cpu *c = per_cpu_ptr(p->cpu, cpu);

		served += READ_ONCE(c->served);
		out->waits += READ_ONCE(c->waits);
	}
	out->emergency = out->allocs > served ? out->allocs - served : 0;
	out->min_nr = READ_ONCE(p->pool->min_nr);
	out->reserve = READ_ONCE(p->pool->curr_nr);
}
