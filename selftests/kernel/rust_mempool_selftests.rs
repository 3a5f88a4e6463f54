// SPDX-License-Identifier: GPL-2.0

//! In-kernel tests of rust_mempool: the same `slab/` and `mempool/` sources as
//! `rust_mempool.ko`, built into a module whose init runs the tests and reports them as
//! one KTAP document in the kernel log, each line prefixed by `rmp-ktap:` (see `ktap.rs`).

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
mod pool_kinds_tests;
mod registry_tests;
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
        // Fault injection, armed for the tests' tasks alone, fails this one's allocations.
        failslab::this_task_under_test();
        // Whether they finished is the document's to say: all of its plan's results.
        ktap::run(&[
            ("slab", slab_tests::TESTS),
            ("mempool", mempool_tests::TESTS),
            ("pool_kinds", pool_kinds_tests::TESTS),
            ("registry", registry_tests::TESTS),
            ("doctest", doctests_generated::TESTS),
        ]);
        Ok(Selftests)
    }
}
