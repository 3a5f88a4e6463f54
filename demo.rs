// SPDX-License-Identifier: GPL-2.0

//! What `rust_mempool.ko` owns and shows in debugfs: a module-lifetime cache, a pool over a
//! cache of its own, a pool of `kmalloc()` buffers and a pool of pages, each with a control
//! file that allocates and holds objects.

use crate::commands::{self, Cmd, MAX_N};
use crate::debugfs::{Command, SeqFile, Show};
use crate::mempool::{
    KmallocPool, Mempool, PagePool, PoolBuf, PoolPages, PoolStats, SharedPoolBox,
};
use crate::slab::{CacheFlags, KmemCache, Registration, StaticCache};
use core::fmt::Write;
use kernel::{
    alloc::Box,
    c_str, new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
};

/// The objects of the module-lifetime cache: 64 bytes.
pub(crate) struct Obj {
    #[expect(dead_code)]
    id: u64,
    #[expect(dead_code)]
    payload: [u8; 56],
}

crate::kmem_cache_allocator!(pub(crate) ObjCache: Obj = c_str!("rust_mempool_obj"));

/// The module-lifetime cache, and the objects its control file holds.
#[pin_data]
pub(crate) struct CacheControl {
    #[pin]
    held: Mutex<KVec<Box<Obj, ObjCache>>>,
    // Declared last, so dropped after `held`: no object outlives the cache's registration.
    registration: Registration<ObjCache>,
}

impl CacheControl {
    pub(crate) fn new() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            held <- new_mutex!(KVec::new()),
            registration: ObjCache::register(CacheFlags::HWCACHE_ALIGN)?,
        }? Error)
    }

    /// Logs the cache's counters on one line.
    pub(crate) fn log(&self) {
        let name = ObjCache::NAME.to_str().unwrap_or("?");
        pr_info!("{}: {:#}\n", name, self.registration.stats());
    }
}

impl Show for CacheControl {
    fn show(&self, out: &mut SeqFile<'_>) -> core::fmt::Result {
        let s = self.registration.stats();
        writeln!(out, "name: {}", ObjCache::NAME.to_str().unwrap_or("?"))?;
        writeln!(out, "object_size: {}", core::mem::size_of::<Obj>())?;
        writeln!(out, "aligned_size: {}", self.registration.aligned_size())?;
        write!(out, "{s}")?;
        writeln!(out, "held: {}", self.held.lock().len())
    }
}

impl Command for CacheControl {
    fn command(&self, cmd: &[u8]) -> Result {
        let mut held = self.held.lock();
        match commands::parse(cmd)? {
            Cmd::Alloc(n) => hold_more(&mut held, n, |i| {
                let obj = Obj {
                    id: i as u64,
                    payload: [0; 56],
                };
                Ok(Box::new(obj, GFP_KERNEL)?)
            }),
            Cmd::Resize(_) => Err(EINVAL),
            other => release(&mut held, other),
        }
    }
}

/// Carries out `alloc N`: allocates `n` more with `alloc` and holds them, all or none: after a
/// failure what this command allocated is freed again, so a refused write changes nothing
/// that it holds (the counters still show the allocations and the failure). `EINVAL` if more
/// than [`MAX_N`] would be held.
fn hold_more<T>(held: &mut KVec<T>, n: usize, mut alloc: impl FnMut(usize) -> Result<T>) -> Result {
    if held.len() + n > MAX_N {
        return Err(EINVAL);
    }
    held.reserve(n, GFP_KERNEL)?;
    let before = held.len();
    for i in 0..n {
        match alloc(i) {
            // Within the capacity reserved above: no allocation, so no failure.
            Ok(obj) => held.push(obj, GFP_KERNEL)?,
            Err(e) => {
                crate::slab::compat::kvec_truncate(held, before);
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Carries out `free N` and `reset`.
fn release<T>(held: &mut KVec<T>, cmd: Cmd) -> Result {
    match cmd {
        Cmd::Free(n) => free_last(held, n),
        Cmd::Reset => {
            let all = held.len();
            free_last(held, all)
        }
        _ => Err(EINVAL),
    }
}

/// Drops the last `n` elements of `held`; `EINVAL`, dropping nothing, if there are fewer.
fn free_last<T>(held: &mut KVec<T>, n: usize) -> Result {
    let len = held.len();
    if n > len {
        return Err(EINVAL);
    }
    crate::slab::compat::kvec_truncate(held, len - n);
    Ok(())
}

/// The objects of the pool: a block-layer style request, 64 bytes.
pub(crate) struct Request {
    #[expect(dead_code)]
    sector: u64,
    #[expect(dead_code)]
    payload: [u8; 56],
}

/// The reserve the module's pool keeps.
pub(crate) const POOL_MIN_NR: usize = 16;
const REQ_CACHE: &CStr = c_str!("rust_mempool_req");
const REQ_POOL: &CStr = c_str!("rust_mempool_req_pool");
/// The module's pool of `kmalloc()` buffers: their size, and the reserve.
pub(crate) const BUF_SIZE: usize = 512;
pub(crate) const BUF_MIN_NR: usize = 8;
const BUF_POOL: &CStr = c_str!("rust_mempool_buf_pool");
/// The module's pool of pages: their order, and the reserve.
pub(crate) const PAGE_ORDER: u32 = 0;
pub(crate) const PAGE_MIN_NR: usize = 4;
const PAGE_POOL: &CStr = c_str!("rust_mempool_page_pool");

/// What a pool's control file needs of it: elements that keep the pool alive, so that they
/// can be held next to it, and its counters and reserve.
pub(crate) trait ControlledPool: Send + Sync + Sized + 'static {
    /// An element that keeps its pool alive.
    type Held: Send;
    /// Allocates the `i`-th element of an `alloc N` command, without sleeping, so that an
    /// empty reserve shows as a failure.
    fn try_alloc_held(pool: &Arc<Self>, i: usize) -> Result<Self::Held>;
    /// The lines that say what the pool's elements are, before its counters.
    fn describe(&self, out: &mut SeqFile<'_>) -> core::fmt::Result;
    fn stats(&self) -> PoolStats;
    fn resize(&self, min_nr: usize) -> Result;
    fn reset_reserve_low(&self);
}

/// The flags of `alloc N`: without sleeping, and without a warning when the reserve is empty.
fn nowait() -> kernel::alloc::Flags {
    GFP_NOWAIT | __GFP_NOWARN
}

impl ControlledPool for Mempool<'static, Request> {
    type Held = SharedPoolBox<Request>;
    fn try_alloc_held(pool: &Arc<Self>, i: usize) -> Result<Self::Held> {
        let req = Request {
            sector: i as u64,
            payload: [0; 56],
        };
        Mempool::try_alloc_shared(pool, req, nowait())
    }
    fn describe(&self, out: &mut SeqFile<'_>) -> core::fmt::Result {
        writeln!(out, "object_size: {}", self.cache().object_size())?;
        writeln!(out, "aligned_size: {}", self.cache().aligned_size())
    }
    fn stats(&self) -> PoolStats {
        Mempool::stats(self)
    }
    fn resize(&self, min_nr: usize) -> Result {
        Mempool::resize(self, min_nr)
    }
    fn reset_reserve_low(&self) {
        Mempool::reset_reserve_low(self);
    }
}

impl ControlledPool for KmallocPool {
    type Held = PoolBuf<Arc<KmallocPool>>;
    fn try_alloc_held(pool: &Arc<Self>, i: usize) -> Result<Self::Held> {
        let mut buf = KmallocPool::try_alloc_shared(pool, nowait())?;
        // Used like a driver's buffer: a header written at its start.
        buf[..8].copy_from_slice(&(i as u64).to_le_bytes());
        Ok(buf)
    }
    fn describe(&self, out: &mut SeqFile<'_>) -> core::fmt::Result {
        writeln!(out, "buf_size: {}", self.size())
    }
    fn stats(&self) -> PoolStats {
        KmallocPool::stats(self)
    }
    fn resize(&self, min_nr: usize) -> Result {
        KmallocPool::resize(self, min_nr)
    }
    fn reset_reserve_low(&self) {
        KmallocPool::reset_reserve_low(self);
    }
}

impl ControlledPool for PagePool {
    type Held = PoolPages<Arc<PagePool>>;
    fn try_alloc_held(pool: &Arc<Self>, i: usize) -> Result<Self::Held> {
        let mut block = PagePool::try_alloc_shared(pool, nowait())?;
        block[..8].copy_from_slice(&(i as u64).to_le_bytes());
        Ok(block)
    }
    fn describe(&self, out: &mut SeqFile<'_>) -> core::fmt::Result {
        writeln!(out, "order: {}", self.order())
    }
    fn stats(&self) -> PoolStats {
        PagePool::stats(self)
    }
    fn resize(&self, min_nr: usize) -> Result {
        PagePool::resize(self, min_nr)
    }
    fn reset_reserve_low(&self) {
        PagePool::reset_reserve_low(self);
    }
}

/// A pool and the elements its control file holds: each keeps the pool alive, so they can be
/// held next to it without borrowing it.
#[pin_data]
pub(crate) struct PoolControl<P: ControlledPool> {
    name: &'static CStr,
    #[pin]
    held: Mutex<KVec<P::Held>>,
    pool: Arc<P>,
}

impl<P: ControlledPool> PoolControl<P> {
    fn with_pool(name: &'static CStr, pool: P) -> Result<impl PinInit<Self, Error>> {
        let pool = Arc::new(pool, GFP_KERNEL)?;
        Ok(try_pin_init!(Self {
            name,
            held <- new_mutex!(KVec::new()),
            pool,
        }? Error))
    }

    pub(crate) fn name(&self) -> &'static CStr {
        self.name
    }

    /// Logs the pool's counters on one line.
    pub(crate) fn log(&self) {
        let name = self.name.to_str().unwrap_or("?");
        pr_info!("{}: {:#}\n", name, self.pool.stats());
    }
}

impl PoolControl<Mempool<'static, Request>> {
    /// The pool of requests over a cache of its own.
    pub(crate) fn new() -> Result<impl PinInit<Self, Error>> {
        let cache = KmemCache::new(REQ_CACHE, CacheFlags::HWCACHE_ALIGN)?;
        Self::with_pool(REQ_POOL, Mempool::with_cache(cache, POOL_MIN_NR)?)
    }

    pub(crate) fn cache(&self) -> &KmemCache<Request> {
        self.pool.cache()
    }

    /// Logs the counters of the cache and of the pool, one line each.
    pub(crate) fn log_with_cache(&self) {
        let name = REQ_CACHE.to_str().unwrap_or("?");
        pr_info!("{}: {:#}\n", name, self.cache().stats());
        self.log();
    }
}

impl PoolControl<KmallocPool> {
    /// The pool of `kmalloc()` buffers.
    pub(crate) fn new() -> Result<impl PinInit<Self, Error>> {
        Self::with_pool(BUF_POOL, KmallocPool::new(BUF_SIZE, BUF_MIN_NR)?)
    }
}

impl PoolControl<PagePool> {
    /// The pool of pages.
    pub(crate) fn new() -> Result<impl PinInit<Self, Error>> {
        Self::with_pool(PAGE_POOL, PagePool::new(PAGE_ORDER, PAGE_MIN_NR)?)
    }
}

impl<P: ControlledPool> Show for PoolControl<P> {
    fn show(&self, out: &mut SeqFile<'_>) -> core::fmt::Result {
        let s = self.pool.stats();
        writeln!(out, "name: {}", self.name.to_str().unwrap_or("?"))?;
        self.pool.describe(out)?;
        write!(out, "{s}")?;
        writeln!(out, "held: {}", self.held.lock().len())
    }
}

impl<P: ControlledPool> Command for PoolControl<P> {
    fn command(&self, cmd: &[u8]) -> Result {
        let mut held = self.held.lock();
        match commands::parse(cmd)? {
            Cmd::Alloc(n) => hold_more(&mut held, n, |i| P::try_alloc_held(&self.pool, i)),
            Cmd::Resize(n) => self.pool.resize(n),
            Cmd::Reset => {
                // All elements back, then the reserve's low mark starts again from there.
                release(&mut held, Cmd::Reset)?;
                self.pool.reset_reserve_low();
                Ok(())
            }
            other => release(&mut held, other),
        }
    }
}
