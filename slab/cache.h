/* SPDX-License-Identifier: GPL-2.0 */
/*
 * C side of the Rust slab caches. Rust sees it through bindgen (bindings/).
 */
#ifndef RMP_SLAB_CACHE_H
#define RMP_SLAB_CACHE_H

#include <linux/slab.h>

#include "stats.h"

/*
 * CacheFlags bits of slab/flags.rs: plain literals, which bindgen turns into
 * Rust constants (it cannot expand BIT()).
 */
#define RMP_CACHE_HWCACHE_ALIGN		0x1U
#define RMP_CACHE_ACCOUNT		0x2U
#define RMP_CACHE_RECLAIM_ACCOUNT	0x4U

/*
 * A module-lifetime cache: the state behind a static Rust allocator type,
 * held by CacheSlot in slab/global.rs.
 *
 * @alloc is what allocations use; RCU lets rmp_slot_exit() take it away and
 * then know that no allocation is still on its way into the cache. @cache
 * and @stats stay set while any object may be live, for frees.
 */
struct rmp_slot {
	struct kmem_cache __rcu *alloc;
	struct kmem_cache *cache;
	struct rmp_stats *stats;
	const char *name;
};

struct kmem_cache *rmp_kmem_cache_create(const char *name, unsigned int size,
					 unsigned int align, u32 flags);
void *rmp_cache_alloc(struct kmem_cache *s, struct rmp_stats *stats, gfp_t gfp,
		      int node);
void rmp_cache_free(struct kmem_cache *s, struct rmp_stats *stats, void *obj);
size_t rmp_cache_alloc_bulk(struct kmem_cache *s, struct rmp_stats *stats,
			    gfp_t gfp, size_t nr, void **objs);
void rmp_cache_free_bulk(struct kmem_cache *s, struct rmp_stats *stats,
			 size_t nr, void **objs);
bool rmp_cache_destroy(struct kmem_cache *s, struct rmp_stats *stats,
		       const char *name);

int rmp_slot_init(struct rmp_slot *slot, const char *name, unsigned int size,
		  unsigned int align, u32 flags);
void *rmp_slot_alloc(struct rmp_slot *slot, gfp_t gfp, int node);
void rmp_slot_free(struct rmp_slot *slot, void *obj);
void rmp_slot_exit(struct rmp_slot *slot);
void rmp_slot_read(struct rmp_slot *slot, struct rmp_stats_snapshot *out);
struct kmem_cache *rmp_slot_cache(struct rmp_slot *slot);

#endif
