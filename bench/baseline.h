/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RMP_BENCH_BASELINE_H
#define RMP_BENCH_BASELINE_H

#include <linux/gfp_types.h>
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

#endif
