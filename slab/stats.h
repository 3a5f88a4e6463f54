/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-cache usage counters for rust_mempool, kept per CPU so that the
 * allocation fast path never writes a cache line shared between CPUs.
 */
#ifndef RMP_SLAB_STATS_H
#define RMP_SLAB_STATS_H

#include <linux/types.h>

struct rmp_stats;

/* A consistent-enough view of the counters; layout shared with slab/ffi.rs. */
struct rmp_stats_snapshot {
	u64 allocs;	/* objects handed out */
	u64 frees;	/* objects given back */
	u64 failures;	/* allocation calls that returned nothing */
	u64 live;	/* allocs - frees */
	u64 peak;	/* highest live count observed */
	u64 pending;	/* objects being allocated right now */
};

struct rmp_stats *rmp_stats_create(void);
void rmp_stats_destroy(struct rmp_stats *stats);
void rmp_stats_reserve(struct rmp_stats *stats, unsigned long nr);
void rmp_stats_alloced(struct rmp_stats *stats, unsigned long nr);
void rmp_stats_failed(struct rmp_stats *stats, unsigned long nr);
void rmp_stats_freed(struct rmp_stats *stats, unsigned long nr);
void rmp_stats_read(struct rmp_stats *stats, struct rmp_stats_snapshot *out);

#endif
