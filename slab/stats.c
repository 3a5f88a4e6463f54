// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU usage counters for the Rust slab caches.
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
 * the work (the tests), and off by less than RMP_FOLD_BATCH per other CPU
 * otherwise. Readers report max(peak estimates, exact live).
 */
#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "stats.h"

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

/*
 * Reads pending, then the deltas, then the folded count, pairing with the
 * barriers of rmp_slot_alloc() and rmp_stats_fold(): an object that is live
 * or on its way is always counted in live or pending.
 */
void rmp_stats_read(struct rmp_stats *stats, struct rmp_stats_snapshot *out)
{
	long live = 0, pending = 0, peak = 0;
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu)
		pending += READ_ONCE(per_cpu_ptr(stats->cpu, cpu)->pending);
	/* Pairs with smp_mb() in rmp_slot_alloc(): counted live before not pending. */
	smp_mb();
	for_each_possible_cpu(cpu) {
		struct rmp_cpu_stats *c = per_cpu_ptr(stats->cpu, cpu);

		out->allocs += READ_ONCE(c->allocs);
		out->failures += READ_ONCE(c->failures);
		live += READ_ONCE(c->delta);
		peak = max(peak, READ_ONCE(c->peak));
	}
	/* Pairs with rmp_stats_fold(): a folded delta is seen in one place or both. */
	smp_rmb();
	live += atomic_long_read(&stats->folded);
	out->live = max(live, 0L);
	out->frees = out->allocs - out->live;
	out->pending = max(pending, 0L);
	out->peak = max_t(u64, peak, out->live);
}
