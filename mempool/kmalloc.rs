// SPDX-License-Identifier: GPL-2.0

//! A reserve pool of `kmalloc()` buffers of one size (`mempool_create_kmalloc_pool()`).

use super::{
    pool::checked_min_nr, pool_ref::PoolRef, raw::RawPool, source::KmallocSource, PoolStats,
    SleepFlags,
};
use crate::{bindings, slab::flags::gfp};
use core::{
    ops::{Deref, DerefMut},
    ptr::NonNull,
};
use kernel::{alloc::Flags, prelude::*, sync::Arc};

/// The largest buffer a [`KmallocPool`] hands out: `KMALLOC_MAX_SIZE`.
pub const MAX_BUF_SIZE: usize = bindings::KMALLOC_MAX_SIZE as usize;

/// A pool that keeps `min_nr` buffers of `size` bytes from `kmalloc()` in reserve, for a
/// driver's I/O buffers whose size is known only when the device is probed.
///
/// It behaves as [`Mempool`](super::Mempool) does: a sleeping allocation
/// ([`KmallocPool::alloc`]) never fails, a non-sleeping one ([`KmallocPool::try_alloc`])
/// fails only when `kmalloc()` and the reserve both have nothing, and a buffer goes back to
/// the reserve first when dropped. Buffers are [`PoolBuf`]s, zeroed, of exactly `size` bytes.
///
/// # Invariants
///
/// `raw` is a pool of `kmalloc()` buffers of `raw.source().size` bytes, which is not zero.
///
/// # Examples
///
/// ```
/// use rust_mempool::mempool::{KmallocPool, SleepFlags};
///
/// // A network driver's receive buffers, sized from the device's MTU at probe time.
/// let mtu = 1500;
/// let pool = KmallocPool::new(mtu, 4)?;
/// let mut buf = pool.alloc(SleepFlags::NOIO);
/// buf[..4].copy_from_slice(&[0x45, 0, 0x05, 0xdc]);
/// assert_eq!((buf.len(), buf[3]), (1500, 0xdc));
/// // A write past the end is caught: `get_mut` says so, and indexing would panic.
/// assert!(buf.get_mut(1500).is_none());
/// drop(buf);
/// let s = pool.stats();
/// assert_eq!((s.allocs, s.frees, s.reserve), (1, 1, 4));
/// # Ok::<(), Error>(())
/// ```
pub struct KmallocPool {
    raw: RawPool<'static, KmallocSource>,
}

impl KmallocPool {
    /// Creates a pool of buffers of `size` bytes and fills its reserve with `min_nr` of them.
    ///
    /// `EINVAL` unless `1 <= size <= MAX_BUF_SIZE` and `1 <= min_nr <= MAX_MIN_NR`; `ENOMEM`
    /// when the reserve cannot be filled.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::{KmallocPool, MAX_BUF_SIZE};
    ///
    /// let pool = KmallocPool::new(512, 2)?;
    /// assert_eq!((pool.size(), pool.stats().reserve), (512, 2));
    /// assert_eq!(KmallocPool::new(0, 2).err(), Some(EINVAL));
    /// assert_eq!(KmallocPool::new(MAX_BUF_SIZE + 1, 2).err(), Some(EINVAL));
    /// assert_eq!(KmallocPool::new(512, 0).err(), Some(EINVAL));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(size: usize, min_nr: usize) -> Result<Self> {
        if !(1..=MAX_BUF_SIZE).contains(&size) {
            return Err(EINVAL);
        }
        let raw = RawPool::new(KmallocSource { size }, checked_min_nr(min_nr)?)?;
        #[cfg(rmp_registry)]
        let raw = raw.registered(format_args!("kmalloc-{size}_pool"));
        // INVARIANT: `raw` is a new pool of buffers of `size` bytes, not zero.
        Ok(Self { raw })
    }

    /// The size of every buffer, in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::{KmallocPool, SleepFlags};
    ///
    /// let pool = KmallocPool::new(100, 1)?;
    /// assert_eq!(pool.size(), 100);
    /// assert_eq!(pool.alloc(SleepFlags::NOIO).len(), pool.size());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn size(&self) -> usize {
        self.raw.source().size
    }

    /// Allocates a zeroed buffer; may sleep, never fails, as [`Mempool::alloc`].
    ///
    /// [`Mempool::alloc`]: super::Mempool::alloc
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::{KmallocPool, SleepFlags};
    ///
    /// let pool = KmallocPool::new(32, 1)?;
    /// let buf = pool.alloc(SleepFlags::KERNEL);
    /// assert!(buf.iter().all(|&b| b == 0));
    /// # Ok::<(), Error>(())
    /// ```
    #[inline]
    pub fn alloc(&self, flags: SleepFlags) -> PoolBuf<&Self> {
        // By the type invariant of `SleepFlags`, `mempool_alloc()` waits instead of failing.
        let ptr = self.raw.alloc_sleeping(flags.gfp(), |_| {}).cast::<u8>();
        PoolBuf::new(ptr, self)
    }

    /// Allocates a zeroed buffer with any flags: fails with `ENOMEM` when `kmalloc()` and the
    /// reserve both have nothing, which only flags that do not sleep can see.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::KmallocPool;
    ///
    /// let pool = KmallocPool::new(32, 1)?;
    /// let buf = pool.try_alloc(GFP_ATOMIC)?;
    /// assert_eq!(buf.len(), 32);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_alloc(&self, flags: Flags) -> Result<PoolBuf<&Self>> {
        // The buffer is zeroed here, and `mempool_alloc()` warns on `__GFP_ZERO`.
        let ptr = self.raw.alloc_filled(gfp(flags & !__GFP_ZERO), |_| {});
        let ptr = NonNull::new(ptr.cast::<u8>()).ok_or(ENOMEM)?;
        Ok(PoolBuf::new(ptr, self))
    }

    /// Allocates a zeroed buffer that keeps `pool` alive; may sleep, never fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::Arc;
    /// use rust_mempool::mempool::{KmallocPool, SleepFlags};
    ///
    /// let pool = Arc::new(KmallocPool::new(16, 1)?, GFP_KERNEL)?;
    /// let buf = KmallocPool::alloc_shared(&pool, SleepFlags::NOFS);
    /// drop(pool);
    /// assert_eq!(buf.len(), 16);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn alloc_shared(pool: &Arc<Self>, flags: SleepFlags) -> PoolBuf<Arc<Self>> {
        let ptr = pool.alloc(flags).into_raw();
        PoolBuf::from_raw(ptr, pool.clone())
    }

    /// Allocates a zeroed buffer that keeps `pool` alive, with any flags: fails with `ENOMEM`
    /// as [`KmallocPool::try_alloc`] does.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::Arc;
    /// use rust_mempool::mempool::KmallocPool;
    ///
    /// let pool = Arc::new(KmallocPool::new(16, 1)?, GFP_KERNEL)?;
    /// let buf = KmallocPool::try_alloc_shared(&pool, GFP_NOWAIT)?;
    /// assert_eq!((buf.len(), pool.stats().live), (16, 1));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_alloc_shared(pool: &Arc<Self>, flags: Flags) -> Result<PoolBuf<Arc<Self>>> {
        let ptr = pool.try_alloc(flags)?.into_raw();
        Ok(PoolBuf::from_raw(ptr, pool.clone()))
    }

    /// Changes the reserve to `min_nr` buffers, as [`Mempool::resize`] does.
    ///
    /// [`Mempool::resize`]: super::Mempool::resize
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::KmallocPool;
    ///
    /// let pool = KmallocPool::new(64, 2)?;
    /// pool.resize(5)?;
    /// assert_eq!((pool.stats().min_nr, pool.stats().reserve), (5, 5));
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
    /// use rust_mempool::mempool::{KmallocPool, SleepFlags};
    ///
    /// let pool = KmallocPool::new(64, 2)?;
    /// let held = pool.alloc(SleepFlags::NOIO);
    /// let s = pool.stats();
    /// assert_eq!((s.allocs, s.live, s.emergency, s.reserve_low), (1, 1, 0, 2));
    /// drop(held);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn stats(&self) -> PoolStats {
        self.raw.stats()
    }

    /// Starts [`PoolStats::reserve_low`] again from the buffers in the reserve now.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::KmallocPool;
    ///
    /// let pool = KmallocPool::new(64, 3)?;
    /// pool.resize(1)?;
    /// pool.resize(3)?;
    /// assert_eq!(pool.stats().reserve_low, 1);
    /// pool.reset_reserve_low();
    /// assert_eq!(pool.stats().reserve_low, 3);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn reset_reserve_low(&self) {
        self.raw.reset_reserve_low();
    }
}

/// A buffer of a [`KmallocPool`], of exactly the pool's size, which it keeps: dropping it
/// gives it back, to the reserve first if that is short (`mempool_free()`).
///
/// Its length is part of the handle, and it is reached only as a slice of that length, so a
/// write past the end is caught: `get_mut` returns `None` and indexing panics; no safe code
/// reaches a byte beyond it. `R` is how it holds its pool ([`PoolRef`]): `&KmallocPool` from
/// [`KmallocPool::alloc`], `Arc<KmallocPool>` from [`KmallocPool::alloc_shared`].
///
/// # Examples
///
/// ```
/// use rust_mempool::mempool::{KmallocPool, PoolBuf, SleepFlags};
///
/// fn checksum(buf: &PoolBuf<&KmallocPool>) -> u32 {
///     buf.iter().map(|&b| u32::from(b)).sum()
/// }
///
/// let pool = KmallocPool::new(8, 1)?;
/// let mut buf = pool.alloc(SleepFlags::NOIO);
/// buf.fill(3);
/// assert_eq!(checksum(&buf), 24);
/// # Ok::<(), Error>(())
/// ```
///
/// # Invariants
///
/// `ptr` is a buffer of `pool`, of `len` bytes (the pool's size), initialised, and owned by
/// this handle.
pub struct PoolBuf<R: PoolRef<KmallocPool>> {
    ptr: NonNull<u8>,
    len: usize,
    pool: R,
}

// SAFETY: A `PoolBuf` owns its bytes; it sends its pool reference with it, so it is `Send`
// when that is.
unsafe impl<R: PoolRef<KmallocPool> + Send> Send for PoolBuf<R> {}
// SAFETY: `&PoolBuf` gives only `&[u8]` and `&R`.
unsafe impl<R: PoolRef<KmallocPool> + Sync> Sync for PoolBuf<R> {}

impl<R: PoolRef<KmallocPool>> PoolBuf<R> {
    /// Zeroes the new buffer `ptr` of `pool` and takes it.
    #[inline(always)]
    fn new(ptr: NonNull<u8>, pool: R) -> Self {
        let len = pool.size();
        // SAFETY: `ptr` is a new buffer of the pool, so ours alone and `len` bytes long.
        unsafe { core::ptr::write_bytes(ptr.as_ptr(), 0, len) };
        // INVARIANT: `ptr` is a buffer of `pool`, of its size, now zeroed.
        Self { ptr, len, pool }
    }

    /// Takes the initialised buffer `ptr` of `pool`, as [`PoolBuf::into_raw`] left it.
    fn from_raw(ptr: NonNull<u8>, pool: R) -> Self {
        let len = pool.size();
        // INVARIANT: `ptr` is an initialised buffer of `pool` (from `into_raw` of one of its
        // handles), of its size.
        Self { ptr, len, pool }
    }

    /// The buffer, which the caller now owns and gives to [`PoolBuf::from_raw`].
    fn into_raw(self) -> NonNull<u8> {
        core::mem::ManuallyDrop::new(self).ptr
    }

    /// The pool the buffer goes back to.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::mempool::{KmallocPool, SleepFlags};
    ///
    /// let pool = KmallocPool::new(16, 1)?;
    /// let buf = pool.alloc(SleepFlags::NOIO);
    /// assert!(core::ptr::eq(buf.pool(), &pool));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn pool(&self) -> &KmallocPool {
        &self.pool
    }
}

impl<R: PoolRef<KmallocPool>> Deref for PoolBuf<R> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: By the type invariant `ptr` is valid and initialised for `len` bytes for as
        // long as `self`.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<R: PoolRef<KmallocPool>> DerefMut for PoolBuf<R> {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: As for `deref`, and `&mut self` makes the access unique.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<R: PoolRef<KmallocPool>> Drop for PoolBuf<R> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: `ptr` is a buffer of the pool `self.pool` reaches (always the same one,
        // `PoolRef` is sealed), and it is not used again.
        unsafe { self.pool.raw.free(self.ptr.as_ptr().cast()) };
    }
}
