// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU usage counters for rust_mempool caches.
 *
 * Every event bumps counters of the local CPU only, with this_cpu ops, which
 * are safe against preemption and interrupts on their own. Readers sum the
 * CPUs: allocs, frees, failures and live are exact once the cache is quiet.
 *
 * The peak needs a global live count, which per-CPU counters do not have.
 * Each CPU keeps the change in live it has not yet published ("delta") and
 * adds it to the shared "folded" count only once it reaches RMP_FOLD_BATCH,
 * so the shared line is written once per batch. A CPU's estimate of the
 * global live count is folded + its own delta: exact when one CPU does all
 * the work (the tests), and low by less than RMP_FOLD_BATCH per other CPU
 * otherwise. Readers report max(peak estimates, exact live).
 */
#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "stats.h"

#define RMP_FOLD_BATCH 64

struct rmp_cpu_stats {
	u64 allocs;
	u64 frees;
	u64 failures;
	long pending;
	long delta;
	long peak;
};

struct rmp_stats {
	struct rmp_cpu_stats __percpu *cpu;
	atomic_long_t folded;
};

struct rmp_stats *rmp_stats_create(void)
{
	struct rmp_stats *stats = kzalloc(sizeof(*stats), GFP_KERNEL);

	if (!stats)
		return NULL;
	stats->cpu = alloc_percpu(struct rmp_cpu_stats);
	if (!stats->cpu) {
		kfree(stats);
		return NULL;
	}
	return stats;
}

void rmp_stats_destroy(struct rmp_stats *stats)
{
	if (!stats)
		return;
	free_percpu(stats->cpu);
	kfree(stats);
}

/* Objects about to be allocated: they count as busy until resolved. */
void rmp_stats_reserve(struct rmp_stats *stats, unsigned long nr)
{
	this_cpu_add(stats->cpu->pending, nr);
}

static void rmp_stats_move_delta(struct rmp_stats *stats, long nr)
{
	long delta = this_cpu_add_return(stats->cpu->delta, nr);

	if (delta >= RMP_FOLD_BATCH || delta <= -RMP_FOLD_BATCH)
		atomic_long_add(this_cpu_xchg(stats->cpu->delta, 0), &stats->folded);
}

void rmp_stats_alloced(struct rmp_stats *stats, unsigned long nr)
{
	long live, peak;

	this_cpu_add(stats->cpu->allocs, nr);
	this_cpu_sub(stats->cpu->pending, nr);
	live = atomic_long_read(&stats->folded) + this_cpu_read(stats->cpu->delta) + nr;
	peak = this_cpu_read(stats->cpu->peak);
	/* A racing interrupt on this CPU may have raised it: keep the larger. */
	while (live > peak) {
		long old = this_cpu_cmpxchg(stats->cpu->peak, peak, live);

		if (old == peak)
			break;
		peak = old;
	}
	rmp_stats_move_delta(stats, nr);
}

void rmp_stats_failed(struct rmp_stats *stats, unsigned long nr)
{
	this_cpu_inc(stats->cpu->failures);
	this_cpu_sub(stats->cpu->pending, nr);
}

void rmp_stats_freed(struct rmp_stats *stats, unsigned long nr)
{
	this_cpu_add(stats->cpu->frees, nr);
	rmp_stats_move_delta(stats, -(long)nr);
}

void rmp_stats_read(struct rmp_stats *stats, struct rmp_stats_snapshot *out)
{
	long pending = 0, peak = 0;
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		struct rmp_cpu_stats *c = per_cpu_ptr(stats->cpu, cpu);

		out->allocs += READ_ONCE(c->allocs);
		out->frees += READ_ONCE(c->frees);
		out->failures += READ_ONCE(c->failures);
		pending += READ_ONCE(c->pending);
		peak = max(peak, READ_ONCE(c->peak));
	}
	out->live = out->allocs - out->frees;
	out->pending = max(pending, 0L);
	out->peak = max_t(u64, peak, out->live);
}
