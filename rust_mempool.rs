// SPDX-License-Identifier: GPL-2.0

//! rust_mempool: typed slab caches and reserve pools for Rust drivers.
//!
//! The module builds `slab/`, `mempool/` and `debugfs/`, and owns a module-lifetime cache, a
//! pool over a cache, a pool of `kmalloc()` buffers and a pool of pages, which it reports and
//! lets root drive in `/sys/kernel/debug/rust_mempool/` (see README.md for every file and key).

use core::fmt::Write;
use kernel::{c_str, prelude::*, sync::Arc};

#[path = "bindings/library.rs"]
mod bindings;
pub mod debugfs;
pub mod mempool;
pub mod slab;

mod commands;
mod demo;
mod summary;

use debugfs::{SeqFile, Show, Tree};
use demo::{CacheControl, PoolControl};
use mempool::{KmallocPool, Mempool, PagePool};
use summary::{Registry, Summary};

/// The module's pool of requests, over a cache of its own.
type RequestPool = PoolControl<Mempool<'static, demo::Request>>;

module! {
    type: RustMempool,
    name: "rust_mempool",
    description: "Typed slab caches and mempools for Rust drivers",
    license: "GPL",
}

struct RustMempool {
    // Dropped first: the registry's directories go before the tree's root.
    _registry: Registry,
    // Then the tree: removing the files waits for their readers and writers.
    _tree: Tree,
    cache: Arc<CacheControl>,
    pool: Arc<RequestPool>,
    bufs: Arc<PoolControl<KmallocPool>>,
    pages: Arc<PoolControl<PagePool>>,
}

/// The `stats` of the pool's backing cache.
struct PoolCacheStats(Arc<RequestPool>);

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

/// Adds a pool's directory, with its `stats` and `control`, to `tree`.
fn pool_files<P: demo::ControlledPool>(tree: &mut Tree, pool: &Arc<PoolControl<P>>) -> Result {
    let dir = tree.dir(None, pool.name())?;
    tree.show(Some(dir), c_str!("stats"), pool.clone())?;
    tree.command(Some(dir), c_str!("control"), pool.clone())?;
    Ok(())
}

impl kernel::Module for RustMempool {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // The registry first, so that the module's own caches and pools show in it too.
        let mut tree = Tree::new(c_str!("rust_mempool"))?;
        let registry = Registry::open(&tree);
        let cache = Arc::pin_init(CacheControl::new(), GFP_KERNEL)?;
        let pool = Arc::pin_init(RequestPool::new()?, GFP_KERNEL)?;
        let bufs = Arc::pin_init(PoolControl::<KmallocPool>::new()?, GFP_KERNEL)?;
        let pages = Arc::pin_init(PoolControl::<PagePool>::new()?, GFP_KERNEL)?;

        let dir = tree.dir(None, c_str!("rust_mempool_obj"))?;
        tree.show(Some(dir), c_str!("stats"), cache.clone())?;
        tree.command(Some(dir), c_str!("control"), cache.clone())?;
        let dir = tree.dir(None, c_str!("rust_mempool_req"))?;
        tree.show(
            Some(dir),
            c_str!("stats"),
            Arc::new(PoolCacheStats(pool.clone()), GFP_KERNEL)?,
        )?;
        pool_files(&mut tree, &pool)?;
        pool_files(&mut tree, &bufs)?;
        pool_files(&mut tree, &pages)?;
        tree.show(None, c_str!("summary"), Arc::new(Summary, GFP_KERNEL)?)?;

        pr_info!("loaded\n");
        Ok(RustMempool {
            _registry: registry,
            _tree: tree,
            cache,
            pool,
            bufs,
            pages,
        })
    }
}

impl Drop for RustMempool {
    fn drop(&mut self) {
        // What the module held when it was unloaded, before it frees it.
        self.cache.log();
        self.pool.log_with_cache();
        self.bufs.log();
        self.pages.log();
        pr_info!("unloaded\n");
    }
}
