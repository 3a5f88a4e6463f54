/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C of rust_mempool that its Rust code calls, for bindgen only: Kbuild
 * runs bindgen over this header into bindings/library_generated.rs, so a Rust
 * declaration is always the C one and a change to either that does not fit
 * fails the build. (The wrappers of kernel macros are in helpers/.)
 */
#include <linux/gfp.h>
#include <linux/slab.h>

#include "../debugfs/files.h"
#include "../debugfs/registry.h"

/*
 * Values of macros bindgen cannot expand, as the kernel's
 * rust/bindings/bindings_helper.h gives them with RUST_CONST_HELPER_: Rust
 * sees each without its RMP_CONST_ prefix.
 */
const slab_flags_t RMP_CONST_SLAB_HWCACHE_ALIGN = SLAB_HWCACHE_ALIGN;
const slab_flags_t RMP_CONST_SLAB_ACCOUNT = SLAB_ACCOUNT;
const slab_flags_t RMP_CONST_SLAB_RECLAIM_ACCOUNT = SLAB_RECLAIM_ACCOUNT;
