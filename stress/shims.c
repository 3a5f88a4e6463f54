// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers of rust_mempool.ko, the tests' threads and failslab marks,
 * built again into
 * the stress module: Kbuild links an object into one module only.
 */
#include "../helpers/helpers.c"
#include "../selftests/kernel/failslab.c"
#include "../selftests/kernel/threads.c"
