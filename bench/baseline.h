/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RMP_BENCH_BASELINE_H
#define RMP_BENCH_BASELINE_H

#include <linux/gfp_types.h>
#include <linux/mempool.h>
#include <linux/types.h>

struct kmem_cache;

u64 rmp_bench_now_ns(void);
u64 rmp_bench_c_alloc_free(struct kmem_cache *s, unsigned long n, size_t size,
			   gfp_t gfp);
u64 rmp_bench_c_batch(struct kmem_cache *s, unsigned long rounds,
		      unsigned int batch, size_t size, void **buf);
u64 rmp_bench_c_bulk(struct kmem_cache *s, unsigned long rounds,
		     unsigned int batch, size_t size, void **buf);
u64 rmp_bench_c_mempool(struct kmem_cache *s, unsigned long n, size_t size);
u64 rmp_bench_c_all_cpus(struct kmem_cache *s, unsigned long n, size_t size);
mempool_t *rmp_bench_c_pool_create(struct kmem_cache *s);
u64 rmp_bench_c_pool_run(mempool_t *pool, unsigned long n, size_t size);

#endif
