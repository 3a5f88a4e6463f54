/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RMP_BENCH_BASELINE_H
#define RMP_BENCH_BASELINE_H

#include <linux/types.h>

struct kmem_cache;

u64 rmp_bench_now_ns(void);
u64 rmp_bench_c_alloc_free(struct kmem_cache *s, unsigned long n);
u64 rmp_bench_c_batch(struct kmem_cache *s, unsigned long rounds,
		      unsigned int batch, void **buf);
u64 rmp_bench_c_mempool(struct kmem_cache *s, unsigned long n);

#endif
