// SPDX-License-Identifier: GPL-2.0
/*
 * The C of rust_mempool.ko, built again into the test module: Kbuild links
 * an object into one module only.
 */
#include "../../helpers/helpers.c"
#include "../../debugfs/files.c"
