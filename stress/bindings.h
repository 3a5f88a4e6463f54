/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C that rust_mempool_stress.ko's Rust calls: the library's, the tests'
 * threads, and the stress test's own. Kbuild runs bindgen over it into
 * bindings_generated.rs.
 */
#include "../bindings/library.h"
#include "../selftests/kernel/failslab.h"
#include "../selftests/kernel/threads.h"
#include "context.h"
