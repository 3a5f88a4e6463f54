// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel macros and static inlines that the library's Rust calls: each is
 * wrapped, and nothing more, in a function of its own name prefixed with
 * rmp_helper_. bindgen reads this file (bindings/bindgen.mk) and gives Rust
 * each function under its name without the prefix, as the kernel's
 * rust/helpers/ do with rust_helper_. The in-tree series adds each file's
 * functions, renamed, to the kernel's rust/helpers/ file of the same name,
 * except those the kernel already has.
 *
 * Sorted alphabetically.
 */

/* Inlined into Rust where the kernel can (7.x); a plain function here. */
#ifndef __rust_helper
#define __rust_helper
#endif

#include "barrier.c"
#include "mempool.c"
#include "percpu.c"
#include "rcu.c"
#include "slab.c"
