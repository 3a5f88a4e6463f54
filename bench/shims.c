// SPDX-License-Identifier: GPL-2.0
/*
 * The C shims of rust_mempool.ko, built again into the benchmark module:
 * Kbuild links an object into one module only.
 */
#include "../slab/stats.c"
#include "../slab/cache.c"
#include "../mempool/pool.c"
