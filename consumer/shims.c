// SPDX-License-Identifier: GPL-2.0
/*
 * The library's helpers (wrapped kernel macros and static inlines), built
 * into the driver: rust_mempool.ko does not export them.
 */
#include "rmp/helpers/helpers.c"
