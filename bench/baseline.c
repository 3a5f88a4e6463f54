// SPDX-License-Identifier: GPL-2.0
/*
 * The C baselines of rust_mempool's benchmarks, on the same caches, and a
 * clock for the Rust loops. Every loop writes the whole object it allocates,
 * as a driver does and as the Rust loops do.
 */
#include <linux/cpumask.h>
#include <linux/mempool.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "../selftests/kernel/threads.h"
#include "baseline.h"

u64 rmp_bench_now_ns(void)
{
	return ktime_get_ns();
}

static __always_inline void rmp_bench_fill(void *p, size_t size,
					   unsigned long v)
{
	memset(p, (u8)v, size);
	barrier_data(p);
}

/*
 * Calls @fn with @size as a compile-time constant for each object size the
 * benchmark uses, so that the C loops write an object the way the Rust loops
 * write their fixed-size ones (inline where the compiler inlines, not always
 * through a call to memset()): the rows then differ only in the allocator.
 */
#define RMP_BENCH_SIZED(fn, size, ...)					\
({									\
	size_t __size = (size);						\
									\
	__size == 32 ? fn(32, __VA_ARGS__) :				\
	__size == 256 ? fn(256, __VA_ARGS__) :				\
	__size == 1024 ? fn(1024, __VA_ARGS__) : fn(__size, __VA_ARGS__); \
})

/*
 * kmem_cache_alloc() with @gfp then kmem_cache_free(), @n times, writing
 * @size bytes (none with __GFP_ZERO, which wrote them): what a C driver pays.
 */
static __always_inline u64 alloc_free(size_t size, struct kmem_cache *s,
				      unsigned long n, gfp_t gfp)
{
	u64 start = ktime_get_ns();
	unsigned long i;

	for (i = 0; i < n; i++) {
		void *p = kmem_cache_alloc(s, gfp);

		if (!p)
			return 0;
		if (!(gfp & __GFP_ZERO))
			rmp_bench_fill(p, size, i);
		barrier_data(p);
		kmem_cache_free(s, p);
	}
	return ktime_get_ns() - start;
}

u64 rmp_bench_c_alloc_free(struct kmem_cache *s, unsigned long n, size_t size,
			   gfp_t gfp)
{
	return RMP_BENCH_SIZED(alloc_free, size, s, n, gfp);
}

/* @batch allocations one by one, then @batch frees, @rounds times. */
static __always_inline u64 batch_loop(size_t size, struct kmem_cache *s,
				      unsigned long rounds, unsigned int batch,
				      void **buf)
{
	u64 start = ktime_get_ns();
	unsigned long r;
	unsigned int i;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < batch; i++) {
			buf[i] = kmem_cache_alloc(s, GFP_KERNEL);
			if (!buf[i])
				return 0;
			rmp_bench_fill(buf[i], size, r + i);
		}
		for (i = 0; i < batch; i++)
			kmem_cache_free(s, buf[i]);
	}
	return ktime_get_ns() - start;
}

u64 rmp_bench_c_batch(struct kmem_cache *s, unsigned long rounds,
		      unsigned int batch, size_t size, void **buf)
{
	return RMP_BENCH_SIZED(batch_loop, size, s, rounds, batch, buf);
}

/* kmem_cache_alloc_bulk() of @batch, then kmem_cache_free_bulk(), @rounds times. */
static __always_inline u64 bulk_loop(size_t size, struct kmem_cache *s,
				     unsigned long rounds, unsigned int batch,
				     void **buf)
{
	u64 start = ktime_get_ns();
	unsigned long r;
	unsigned int i;

	for (r = 0; r < rounds; r++) {
		if (!kmem_cache_alloc_bulk(s, GFP_KERNEL, batch, buf))
			return 0;
		for (i = 0; i < batch; i++)
			rmp_bench_fill(buf[i], size, r + i);
		kmem_cache_free_bulk(s, batch, buf);
	}
	return ktime_get_ns() - start;
}

u64 rmp_bench_c_bulk(struct kmem_cache *s, unsigned long rounds,
		     unsigned int batch, size_t size, void **buf)
{
	return RMP_BENCH_SIZED(bulk_loop, size, s, rounds, batch, buf);
}

/* A stock slab mempool (mempool_create_slab_pool()), the C counterpart of Mempool. */
static __always_inline u64 mempool_loop(size_t size, struct kmem_cache *s,
					unsigned long n)
{
	mempool_t *pool = mempool_create_slab_pool(16, s);
	unsigned long i;
	u64 start;

	if (!pool)
		return 0;
	start = ktime_get_ns();
	for (i = 0; i < n; i++) {
		void *p = mempool_alloc(pool, GFP_KERNEL);

		rmp_bench_fill(p, size, i);
		mempool_free(p, pool);
	}
	start = ktime_get_ns() - start;
	mempool_destroy(pool);
	return start;
}

u64 rmp_bench_c_mempool(struct kmem_cache *s, unsigned long n, size_t size)
{
	return RMP_BENCH_SIZED(mempool_loop, size, s, n);
}

/* What each thread of rmp_bench_c_all_cpus() allocates from, and how often. */
struct rmp_bench_job {
	struct kmem_cache *s;
	unsigned long n;
	size_t size;
};

static int rmp_bench_c_thread(void *data, unsigned int idx)
{
	struct rmp_bench_job *job = data;

	return rmp_bench_c_alloc_free(job->s, job->n, job->size, GFP_KERNEL) ? 0 : -ENOMEM;
}

/* kmem_cache_alloc()+free @n times on each online CPU at once, until all are done. */
u64 rmp_bench_c_all_cpus(struct kmem_cache *s, unsigned long n, size_t size)
{
	struct rmp_bench_job job = { .s = s, .n = n, .size = size };
	u64 start = ktime_get_ns();

	if (rmp_run_threads(rmp_bench_c_thread, &job, num_online_cpus()))
		return 0;
	return ktime_get_ns() - start;
}

/* A stock slab mempool over @s, for the reserve path: made before @s fails. */
mempool_t *rmp_bench_c_pool_create(struct kmem_cache *s)
{
	return mempool_create_slab_pool(16, s);
}

/* mempool_alloc()+free @n times on @pool. */
static __always_inline u64 pool_loop(size_t size, mempool_t *pool,
				     unsigned long n)
{
	u64 start = ktime_get_ns();
	unsigned long i;

	for (i = 0; i < n; i++) {
		void *p = mempool_alloc(pool, GFP_KERNEL);

		rmp_bench_fill(p, size, i);
		mempool_free(p, pool);
	}
	return ktime_get_ns() - start;
}

u64 rmp_bench_c_pool_run(mempool_t *pool, unsigned long n, size_t size)
{
	return RMP_BENCH_SIZED(pool_loop, size, pool, n);
}
