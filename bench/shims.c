// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers of rust_mempool.ko, built again into the benchmark module:
 * Kbuild links an object into one module only.
 */
#include "../helpers/helpers.c"
