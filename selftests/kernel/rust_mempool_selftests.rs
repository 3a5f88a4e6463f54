// SPDX-License-Identifier: GPL-2.0

//! In-kernel tests of rust_mempool: the same `slab/` and `mempool/` sources as
//! `rust_mempool.ko`, built into a module whose init runs the tests and reports each
//! result as an `rmp-ktap:` line in the kernel log.

use kernel::prelude::*;

mod bindings;
#[path = "../../debugfs/mod.rs"]
pub mod debugfs;
#[path = "../../mempool/mod.rs"]
pub mod mempool;
#[path = "../../slab/mod.rs"]
pub mod slab;

// Generated from the rustdoc examples by selftests/doctests/extract.py.
#[rustfmt::skip]
mod doctests_generated;
mod failslab;
mod ktap;
mod mempool_tests;
mod slab_tests;

module! {
    type: Selftests,
    name: "rust_mempool_selftests",
    description: "In-kernel tests of rust_mempool",
    license: "GPL",
}

struct Selftests;

impl kernel::Module for Selftests {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let failed = ktap::run_suite("slab", slab_tests::TESTS)
            + ktap::run_suite("mempool", mempool_tests::TESTS)
            + ktap::run_suite("doctest", doctests_generated::TESTS);
        pr_info!("rmp-ktap: # done, {} failed\n", failed);
        Ok(Selftests)
    }
}
