// SPDX-License-Identifier: GPL-2.0
/*
 * C side of the Rust slab caches: kmem_cache_create() is a macro and
 * the allocation entry points are wrapped so that each call does its
 * accounting without a second trip across the language boundary.
 */
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "cache.h"

struct kmem_cache *rmp_kmem_cache_create(const char *name, unsigned int size,
					 unsigned int align, u32 flags)
{
	slab_flags_t sflags = 0;

	if (flags & RMP_CACHE_HWCACHE_ALIGN)
		sflags |= SLAB_HWCACHE_ALIGN;
	if (flags & RMP_CACHE_ACCOUNT)
		sflags |= SLAB_ACCOUNT;
	if (flags & RMP_CACHE_RECLAIM_ACCOUNT)
		sflags |= SLAB_RECLAIM_ACCOUNT;
	return kmem_cache_create(name, size, align, sflags, NULL);
}

/* From NUMA node @node, or any node if it is NUMA_NO_NODE. */
void *rmp_cache_alloc(struct kmem_cache *s, struct rmp_stats *stats, gfp_t gfp,
		      int node)
{
	void *obj = kmem_cache_alloc_node(s, gfp, node);

	if (likely(obj))
		rmp_stats_alloced(stats, 1);
	else
		rmp_stats_failed(stats);
	return obj;
}

void rmp_cache_free(struct kmem_cache *s, struct rmp_stats *stats, void *obj)
{
	kmem_cache_free(s, obj);
	rmp_stats_freed(stats, 1);
}

/*
 * All or nothing, as kmem_cache_alloc_bulk() itself: returns @nr or 0.
 * kmem_cache_alloc_bulk() returns the number allocated (@nr or 0) up to
 * 6.x and whether it allocated them (bool) since; @nr > 0 makes the test
 * for zero right for both.
 */
size_t rmp_cache_alloc_bulk(struct kmem_cache *s, struct rmp_stats *stats,
			    gfp_t gfp, size_t nr, void **objs)
{
	if (!kmem_cache_alloc_bulk(s, gfp, nr, objs)) {
		rmp_stats_failed(stats);
		return 0;
	}
	rmp_stats_alloced(stats, nr);
	return nr;
}

void rmp_cache_free_bulk(struct kmem_cache *s, struct rmp_stats *stats,
			 size_t nr, void **objs)
{
	kmem_cache_free_bulk(s, nr, objs);
	rmp_stats_freed(stats, nr);
}

/*
 * Destroys @s and @stats if no object of @s is live or being allocated.
 * Otherwise both are leaked on purpose: memory that safe Rust code may still
 * reach (a leaked box) must stay valid. Returns whether it destroyed them.
 */
bool rmp_cache_destroy(struct kmem_cache *s, struct rmp_stats *stats,
		       const char *name)
{
	struct rmp_stats_snapshot snap;

	rmp_stats_read(stats, &snap);
	if (snap.live || snap.pending) {
		pr_err("rust slab: cache %s still has %llu objects; leaking it\n",
		       name, snap.live + snap.pending);
		return false;
	}
	kmem_cache_destroy(s);
	rmp_stats_destroy(stats);
	return true;
}

int rmp_slot_init(struct rmp_slot *slot, const char *name, unsigned int size,
		  unsigned int align, u32 flags)
{
	struct kmem_cache *s;
	struct rmp_stats *stats;

	if (READ_ONCE(slot->cache))
		return -EBUSY;
	stats = rmp_stats_create();
	if (!stats)
		return -ENOMEM;
	s = rmp_kmem_cache_create(name, size, align, flags);
	if (!s) {
		rmp_stats_destroy(stats);
		return -ENOMEM;
	}
	WRITE_ONCE(slot->stats, stats);
	WRITE_ONCE(slot->name, name);
	WRITE_ONCE(slot->cache, s);
	rcu_assign_pointer(slot->alloc, s);
	return 0;
}

void *rmp_slot_alloc(struct rmp_slot *slot, gfp_t gfp, int node)
{
	struct kmem_cache *s;
	void *obj;

	rcu_read_lock();
	s = rcu_dereference(slot->alloc);
	if (s)
		rmp_stats_reserve(slot->stats, 1);
	rcu_read_unlock();
	if (!s)
		return NULL;
	obj = rmp_cache_alloc(s, slot->stats, gfp, node);
	/*
	 * Resolved: counted in live (or failed). Counted before it stops being
	 * pending, as rmp_stats_read() reads pending first.
	 */
	smp_mb();
	rmp_stats_reserve(slot->stats, -1);
	return obj;
}

void rmp_slot_free(struct rmp_slot *slot, void *obj)
{
	rmp_cache_free(READ_ONCE(slot->cache), READ_ONCE(slot->stats), obj);
}

void rmp_slot_exit(struct rmp_slot *slot)
{
	struct kmem_cache *s = READ_ONCE(slot->cache);

	if (!s)
		return;
	RCU_INIT_POINTER(slot->alloc, NULL);
	/* Every allocation that saw the cache has now reserved its object. */
	synchronize_rcu();
	if (rmp_cache_destroy(s, slot->stats, slot->name)) {
		WRITE_ONCE(slot->cache, NULL);
		WRITE_ONCE(slot->stats, NULL);
	}
}

void rmp_slot_read(struct rmp_slot *slot, struct rmp_stats_snapshot *out)
{
	rmp_stats_read(READ_ONCE(slot->stats), out);
}

/* The cache of a registered slot. */
struct kmem_cache *rmp_slot_cache(struct rmp_slot *slot)
{
	return READ_ONCE(slot->cache);
}
