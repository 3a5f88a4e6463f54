/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C that rust_mempool_selftests.ko's Rust calls: the library's and the
 * tests' own. Kbuild runs bindgen over it into bindings_generated.rs.
 */
#include "../../bindings/library.h"
#include "failslab.h"
#include "numa.h"
#include "threads.h"
