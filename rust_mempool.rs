// SPDX-License-Identifier: GPL-2.0

//! rust_mempool: typed slab caches and reserve pools for Rust drivers.
//!
//! The module builds `slab/`, `mempool/` and `debugfs/`, and owns a module-lifetime cache
//! and a pool over a cache, which it reports and lets root drive in
//! `/sys/kernel/debug/rust_mempool/` (see README.md for every file and key).

use core::fmt::Write;
use kernel::{c_str, prelude::*, sync::Arc};

#[path = "bindings/library.rs"]
mod bindings;
pub mod debugfs;
pub mod mempool;
pub mod slab;

mod commands;
mod demo;

use debugfs::{SeqFile, Show, Tree};
use demo::{CacheControl, PoolControl, SummaryRow};

module! {
    type: RustMempool,
    name: "rust_mempool",
    description: "Typed slab caches and mempools for Rust drivers",
    license: "GPL",
}

struct RustMempool {
    // Dropped first: removing the files waits for their readers and writers.
    _tree: Tree,
    cache: Arc<CacheControl>,
    pool: Arc<PoolControl>,
}

/// The `stats` of the pool's backing cache.
struct PoolCacheStats(Arc<PoolControl>);

impl Show for PoolCacheStats {
    fn show(&self, out: &mut SeqFile<'_>) -> core::fmt::Result {
        let cache = self.0.cache();
        let s = cache.stats();
        writeln!(out, "name: {}", cache.name().to_str().unwrap_or("?"))?;
        writeln!(out, "object_size: {}", cache.object_size())?;
        writeln!(out, "aligned_size: {}", cache.aligned_size())?;
        write!(out, "{s}")
    }
}

/// The top-level `summary`: one line per cache and pool.
struct Summary {
    cache: Arc<CacheControl>,
    pool: Arc<PoolControl>,
}

impl Show for Summary {
    fn show(&self, out: &mut SeqFile<'_>) -> core::fmt::Result {
        let c = self.pool.cache();
        write!(
            out,
            "{}{}{}{}",
            demo::SUMMARY_HEADER,
            self.cache.summary(),
            SummaryRow::cache(c.name(), &c.stats()),
            self.pool.summary()
        )
    }
}

impl kernel::Module for RustMempool {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let cache = Arc::pin_init(CacheControl::new(), GFP_KERNEL)?;
        let pool = Arc::pin_init(PoolControl::new()?, GFP_KERNEL)?;

        let mut tree = Tree::new(c_str!("rust_mempool"))?;
        let dir = tree.dir(None, c_str!("rust_mempool_obj"))?;
        tree.show(Some(dir), c_str!("stats"), cache.clone())?;
        tree.command(Some(dir), c_str!("control"), cache.clone())?;
        let dir = tree.dir(None, c_str!("rust_mempool_req"))?;
        tree.show(
            Some(dir),
            c_str!("stats"),
            Arc::new(PoolCacheStats(pool.clone()), GFP_KERNEL)?,
        )?;
        let dir = tree.dir(None, c_str!("rust_mempool_req_pool"))?;
        tree.show(Some(dir), c_str!("stats"), pool.clone())?;
        tree.command(Some(dir), c_str!("control"), pool.clone())?;
        tree.show(
            None,
            c_str!("summary"),
            Arc::new(
                Summary {
                    cache: cache.clone(),
                    pool: pool.clone(),
                },
                GFP_KERNEL,
            )?,
        )?;

        pr_info!("loaded\n");
        Ok(RustMempool {
            _tree: tree,
            cache,
            pool,
        })
    }
}

impl Drop for RustMempool {
    fn drop(&mut self) {
        // What the module held when it was unloaded, before it frees it.
        self.cache.log();
        self.pool.log();
        pr_info!("unloaded\n");
    }
}
