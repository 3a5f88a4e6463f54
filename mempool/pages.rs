// SPDX-License-Identifier: GPL-2.0

//! A reserve pool of blocks of pages of one order (`mempool_create_page_pool()`).

use super::{
    pool::checked_min_nr, pool_ref::PoolRef, raw::RawPool, source::PageSource, PoolStats,
    SleepFlags,
};
use crate::{bindings, slab::flags::gfp};
use core::{
    ops::{Deref, DerefMut},
    ptr::NonNull,
};
use kernel::{alloc::Flags, page::PAGE_SIZE, prelude::*, sync::Arc};

/// The highest order a [`PagePool`] takes: `MAX_PAGE_ORDER`, the largest block the page
/// allocator has.
pub const MAX_ORDER: u32 = bindings::MAX_PAGE_ORDER;

/// A pool that keeps `min_nr` blocks of `1 << order` pages in reserve, for a driver that does
/// I/O in whole pages (bounce buffers, bio pages).
///
/// It behaves as [`Mempool`](super::Mempool) does: a sleeping allocation
/// ([`PagePool::alloc`]) never fails, a non-sleeping one ([`PagePool::try_alloc`]) fails
/// only when the page allocator and the reserve both have nothing, and a block goes back to
/// the reserve first when dropped. Blocks are [`PoolPages`], zeroed, never from high memory
/// (the pool drops `__GFP_HIGHMEM`), so each is mapped and reached as bytes.
///
/// # Invariants
///
/// `raw` is a pool of blocks of order `raw.source().order`, at most [`MAX_ORDER`].
///
/// # Examples
///
/// ```
/// use kernel::page::PAGE_SIZE;
/// use rust_mempool::mempool::{PagePool, SleepFlags};
///
/// // Bounce buffers of two pages for a device that cannot reach all of memory.
/// let pool = PagePool::new(1, 4)?;
/// let mut block = pool.alloc(SleepFlags::NOIO);
/// assert_eq!((block.order(), block.len()), (1, 2 * PAGE_SIZE));
/// block[PAGE_SIZE] = 0xaa;
/// // A write past the end is caught: `get_mut` says so, and indexing would panic.
/// assert!(block.get_mut(2 * PAGE_SIZE).is_none());
/// drop(block);
/// assert_eq!(pool.stats().reserve, 4);
/// # Ok::<(), Error>(())
/// ```
pub struct PagePool {
    raw: RawPool<'static, PageSource>,
}

impl PagePool {
    /// Creates a pool of blocks of `1 << order` pages and fills its reserve with `min_nr` of
    /// them.
    ///
    /// `EINVAL` unless `order <= MAX_ORDER` and `1 <= min_nr <= MAX_MIN_NR`; `ENOMEM` when the
    /// reserve cannot be filled.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::{PagePool, MAX_ORDER};
    ///
    /// let pool = PagePool::new(0, 2)?;
    /// assert_eq!((pool.order(), pool.stats().reserve), (0, 2));
    /// assert_eq!(PagePool::new(MAX_ORDER + 1, 2).err(), Some(EINVAL));
    /// assert_eq!(PagePool::new(0, 0).err(), Some(EINVAL));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(order: u32, min_nr: usize) -> Result<Self> {
        if order > MAX_ORDER {
            return Err(EINVAL);
        }
        let raw = RawPool::new(PageSource { order }, checked_min_nr(min_nr)?)?;
        #[cfg(rmp_registry)]
        let raw = raw.registered(format_args!("page-order{order}_pool"));
        // INVARIANT: `raw` is a new pool of blocks of `order`, at most `MAX_ORDER`.
        Ok(Self { raw })
    }

    /// The order of every block: each is `1 << order` pages.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::{PagePool, SleepFlags};
    ///
    /// let pool = PagePool::new(2, 1)?;
    /// assert_eq!(pool.order(), 2);
    /// assert_eq!(pool.alloc(SleepFlags::NOIO).order(), 2);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn order(&self) -> u32 {
        self.raw.source().order
    }

    /// Allocates a zeroed block; may sleep, never fails, as [`Mempool::alloc`].
    ///
    /// [`Mempool::alloc`]: super::Mempool::alloc
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::{PagePool, SleepFlags};
    ///
    /// let pool = PagePool::new(0, 1)?;
    /// let page = pool.alloc(SleepFlags::NOIO);
    /// assert!(page.iter().all(|&b| b == 0));
    /// # Ok::<(), Error>(())
    /// ```
    #[inline]
    pub fn alloc(&self, flags: SleepFlags) -> PoolPages<&Self> {
        // By the type invariant of `SleepFlags`, `mempool_alloc()` waits instead of failing.
        let page = self
            .raw
            .alloc_sleeping(flags.gfp(), |_| {})
            .cast::<bindings::page>();
        PoolPages::new(page, self)
    }

    /// Allocates a zeroed block with any flags: fails with `ENOMEM` when the page allocator
    /// and the reserve both have nothing, which only flags that do not sleep can see.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::PagePool;
    ///
    /// let pool = PagePool::new(0, 1)?;
    /// let page = pool.try_alloc(GFP_ATOMIC)?;
    /// assert_eq!(page.order(), 0);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_alloc(&self, flags: Flags) -> Result<PoolPages<&Self>> {
        // The block is zeroed here, and `mempool_alloc()` warns on `__GFP_ZERO`.
        let page = self.raw.alloc_filled(gfp(flags & !__GFP_ZERO), |_| {});
        let page = NonNull::new(page.cast::<bindings::page>()).ok_or(ENOMEM)?;
        Ok(PoolPages::new(page, self))
    }

    /// Allocates a zeroed block that keeps `pool` alive; may sleep, never fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::Arc;
    /// use rust_mempool::mempool::{PagePool, SleepFlags};
    ///
    /// let pool = Arc::new(PagePool::new(0, 1)?, GFP_KERNEL)?;
    /// let page = PagePool::alloc_shared(&pool, SleepFlags::NOIO);
    /// drop(pool);
    /// assert_eq!(page.order(), 0);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn alloc_shared(pool: &Arc<Self>, flags: SleepFlags) -> PoolPages<Arc<Self>> {
        let page = pool.alloc(flags).into_raw();
        PoolPages::from_raw(page, pool.clone())
    }

    /// Allocates a zeroed block that keeps `pool` alive, with any flags: fails with `ENOMEM`
    /// as [`PagePool::try_alloc`] does.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::Arc;
    /// use rust_mempool::mempool::PagePool;
    ///
    /// let pool = Arc::new(PagePool::new(0, 1)?, GFP_KERNEL)?;
    /// let page = PagePool::try_alloc_shared(&pool, GFP_NOWAIT)?;
    /// assert_eq!((page.order(), pool.stats().live), (0, 1));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_alloc_shared(pool: &Arc<Self>, flags: Flags) -> Result<PoolPages<Arc<Self>>> {
        let page = pool.try_alloc(flags)?.into_raw();
        Ok(PoolPages::from_raw(page, pool.clone()))
    }

    /// Changes the reserve to `min_nr` blocks, as [`Mempool::resize`] does.
    ///
    /// [`Mempool::resize`]: super::Mempool::resize
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::PagePool;
    ///
    /// let pool = PagePool::new(0, 2)?;
    /// pool.resize(3)?;
    /// assert_eq!((pool.stats().min_nr, pool.stats().reserve), (3, 3));
    /// assert_eq!(pool.resize(0), Err(EINVAL));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn resize(&self, min_nr: usize) -> Result {
        self.raw.resize(checked_min_nr(min_nr)?)
    }

    /// The pool's usage counters, as [`Mempool::stats`] has them.
    ///
    /// [`Mempool::stats`]: super::Mempool::stats
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::{PagePool, SleepFlags};
    ///
    /// let pool = PagePool::new(0, 2)?;
    /// drop(pool.alloc(SleepFlags::NOIO));
    /// let s = pool.stats();
    /// assert_eq!((s.allocs, s.frees, s.live, s.reserve), (1, 1, 0, 2));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn stats(&self) -> PoolStats {
        self.raw.stats()
    }

    /// Starts [`PoolStats::reserve_low`] again from the blocks in the reserve now.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::PagePool;
    ///
    /// let pool = PagePool::new(0, 2)?;
    /// pool.resize(1)?;
    /// pool.resize(2)?;
    /// assert_eq!(pool.stats().reserve_low, 1);
    /// pool.reset_reserve_low();
    /// assert_eq!(pool.stats().reserve_low, 2);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn reset_reserve_low(&self) {
        self.raw.reset_reserve_low();
    }
}

/// A block of `1 << order` pages of a [`PagePool`], which it keeps: dropping it gives it
/// back, to the reserve first if that is short (`mempool_free()`).
///
/// Its order is part of the handle ([`PoolPages::order`]), and its bytes are reached only as
/// a slice of `PAGE_SIZE << order` bytes, so a write past the end is caught: `get_mut`
/// returns `None` and indexing panics. [`PoolPages::as_page_ptr`] gives the first
/// `struct page` for C calls such as `bio_add_page()`. `R` is how it holds its pool
/// ([`PoolRef`]).
///
/// # Examples
///
/// ```
/// use kernel::page::PAGE_SIZE;
/// use rust_mempool::mempool::{PagePool, PoolPages, SleepFlags};
///
/// fn first_word(block: &PoolPages<&PagePool>) -> u32 {
///     u32::from_le_bytes([block[0], block[1], block[2], block[3]])
/// }
///
/// let pool = PagePool::new(0, 1)?;
/// let mut block = pool.alloc(SleepFlags::NOIO);
/// block[..4].copy_from_slice(&7u32.to_le_bytes());
/// assert_eq!((first_word(&block), block.len()), (7, PAGE_SIZE));
/// assert!(!block.as_page_ptr().is_null());
/// # Ok::<(), Error>(())
/// ```
///
/// # Invariants
///
/// `page` is the first page of a block of `pool`, of order `order` (the pool's), mapped at
/// `addr`, initialised, and owned by this handle.
pub struct PoolPages<R: PoolRef<PagePool>> {
    page: NonNull<bindings::page>,
    addr: NonNull<u8>,
    order: u32,
    pool: R,
}

// SAFETY: A `PoolPages` owns its pages; it sends its pool reference with it, so it is `Send`
// when that is.
unsafe impl<R: PoolRef<PagePool> + Send> Send for PoolPages<R> {}
// SAFETY: `&PoolPages` gives only `&[u8]`, the page pointer and `&R`.
unsafe impl<R: PoolRef<PagePool> + Sync> Sync for PoolPages<R> {}

impl<R: PoolRef<PagePool>> PoolPages<R> {
    /// Zeroes the new block `page` of `pool` and takes it.
    #[inline(always)]
    fn new(page: NonNull<bindings::page>, pool: R) -> Self {
        let b = Self::from_raw(page, pool);
        // SAFETY: `b.addr` maps the new block, ours alone, of `PAGE_SIZE << order` bytes.
        unsafe { core::ptr::write_bytes(b.addr.as_ptr(), 0, PAGE_SIZE << b.order) };
        // INVARIANT: the block is now initialised.
        b
    }

    /// Takes the block `page` of `pool`, which is initialised or about to be.
    fn from_raw(page: NonNull<bindings::page>, pool: R) -> Self {
        let order = pool.order();
        // SAFETY: `page` is a live block; the pool never takes high memory, so the block is in
        // the kernel's direct map and `page_address()` is its address.
        let addr = unsafe { bindings::page_address(page.as_ptr()) };
        let addr = super::raw::checked(addr, "page_address()").cast::<u8>();
        // INVARIANT: `page` is a block of `pool`, of its order, mapped at `addr`.
        Self {
            page,
            addr,
            order,
            pool,
        }
    }

    /// The block, which the caller now owns and gives to [`PoolPages::from_raw`].
    fn into_raw(self) -> NonNull<bindings::page> {
        core::mem::ManuallyDrop::new(self).page
    }

    /// The order of the block: it is `1 << order` pages.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::page::PAGE_SIZE;
    /// use rust_mempool::mempool::{PagePool, SleepFlags};
    ///
    /// let pool = PagePool::new(1, 1)?;
    /// let block = pool.alloc(SleepFlags::NOIO);
    /// assert_eq!(block.len(), PAGE_SIZE << block.order());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn order(&self) -> u32 {
        self.order
    }

    /// The first `struct page` of the block, for C calls; valid while `self` is.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::{PagePool, SleepFlags};
    ///
    /// let pool = PagePool::new(0, 1)?;
    /// let a = pool.alloc(SleepFlags::NOIO);
    /// let b = pool.alloc(SleepFlags::NOIO);
    /// assert!(!a.as_page_ptr().is_null());
    /// assert_ne!(a.as_page_ptr(), b.as_page_ptr());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn as_page_ptr(&self) -> *mut bindings::page {
        self.page.as_ptr()
    }

    /// The pool the block goes back to.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::{PagePool, SleepFlags};
    ///
    /// let pool = PagePool::new(0, 1)?;
    /// let block = pool.alloc(SleepFlags::NOIO);
    /// assert!(core::ptr::eq(block.pool(), &pool));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn pool(&self) -> &PagePool {
        &self.pool
    }
}

impl<R: PoolRef<PagePool>> Deref for PoolPages<R> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: By the type invariant `addr` maps the block, initialised, for
        // `PAGE_SIZE << order` bytes for as long as `self`.
        unsafe { core::slice::from_raw_parts(self.addr.as_ptr(), PAGE_SIZE << self.order) }
    }
}

impl<R: PoolRef<PagePool>> DerefMut for PoolPages<R> {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: As for `deref`, and `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.addr.as_ptr(), PAGE_SIZE << self.order) }
    }
}

impl<R: PoolRef<PagePool>> Drop for PoolPages<R> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: `page` is a block of the pool `self.pool` reaches (always the same one,
        // `PoolRef` is sealed), and it is not used again.
        unsafe { self.pool.raw.free(self.page.as_ptr().cast()) };
    }
}
