/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C of rust_mempool that its Rust code calls. Kbuild runs bindgen over
 * this header into bindings/library_generated.rs, so a Rust declaration is
 * always the C one: a change to either that does not fit fails the build.
 */
#include "../debugfs/files.h"
#include "../mempool/pool.h"
#include "../slab/cache.h"
