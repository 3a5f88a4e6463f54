// SPDX-License-Identifier: GPL-2.0

//! rust_mempool: typed slab caches and reserve pools for Rust drivers.

use kernel::prelude::*;

pub mod slab;

module! {
    type: RustMempool,
    name: "rust_mempool",
    author: "rust_mempool developers",
    description: "Typed slab caches and mempools for Rust drivers",
    license: "GPL",
}

struct RustMempool;

impl kernel::Module for RustMempool {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("loaded\n");
        Ok(RustMempool)
    }
}

impl Drop for RustMempool {
    fn drop(&mut self) {
        pr_info!("unloaded\n");
    }
}
