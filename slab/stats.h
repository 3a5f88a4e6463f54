/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-cache usage counters for the Rust slab caches, kept per CPU so that the
 * allocation fast path never writes a cache line shared between CPUs.
 */
#ifndef RMP_SLAB_STATS_H
#define RMP_SLAB_STATS_H

#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/types.h>

#define RMP_FOLD_BATCH 64

/*
 * Frees are not counted: frees = allocs - live, and live is the sum of the
 * deltas plus the folded count. The free path is then one this_cpu op.
 */
struct rmp_cpu_stats {
	u64 allocs;
	u64 failures;
	long pending;
	long delta;
	long peak;
};

struct rmp_stats {
	struct rmp_cpu_stats __percpu *cpu;
	atomic_long_t folded;
};

/* A consistent-enough view of the counters. */
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
void rmp_stats_read(struct rmp_stats *stats, struct rmp_stats_snapshot *out);

/* The allocation path: inline, so each event costs its this_cpu ops only. */

/* Objects about to be allocated from a module-lifetime cache: see cache.c. */
static inline void rmp_stats_reserve(struct rmp_stats *stats, long nr)
{
	this_cpu_add(stats->cpu->pending, nr);
}

/*
 * Moves this CPU's delta into the shared count: added there before it is
 * taken away here, so a reader racing with it over-counts live for a moment
 * but never under-counts it (which could let a cache with live objects be
 * destroyed). If preemption moves us to another CPU in between, the sum
 * over all CPUs is still right.
 */
static inline void rmp_stats_fold(struct rmp_stats *stats)
{
	long delta = this_cpu_read(stats->cpu->delta);

	atomic_long_add(delta, &stats->folded);
	/* Pairs with smp_rmb() in rmp_stats_read(): added before taken away. */
	smp_mb__after_atomic();
	this_cpu_sub(stats->cpu->delta, delta);
}

static inline void rmp_stats_alloced(struct rmp_stats *stats, unsigned long nr)
{
	long delta, live, peak;

	this_cpu_add(stats->cpu->allocs, nr);
	delta = this_cpu_add_return(stats->cpu->delta, nr);
	live = atomic_long_read(&stats->folded) + delta;
	peak = this_cpu_read(stats->cpu->peak);
	/* A racing interrupt on this CPU may have raised it: keep the larger. */
	while (live > peak) {
		long old = this_cpu_cmpxchg(stats->cpu->peak, peak, live);

		if (old == peak)
			break;
		peak = old;
	}
	if (delta >= RMP_FOLD_BATCH)
		rmp_stats_fold(stats);
}

static inline void rmp_stats_failed(struct rmp_stats *stats)
{
	this_cpu_inc(stats->cpu->failures);
}

static inline void rmp_stats_freed(struct rmp_stats *stats, unsigned long nr)
{
	if (this_cpu_sub_return(stats->cpu->delta, nr) <= -RMP_FOLD_BATCH)
		rmp_stats_fold(stats);
}

#endif
