/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C the driver's Rust calls: the library's (rust_mempool's own header).
 * Kbuild runs bindgen over it into bindings_generated.rs.
 */
#include "rmp/bindings/library.h"
