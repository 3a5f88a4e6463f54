// SPDX-License-Identifier: GPL-2.0

//! A slab cache of `T` whose objects borrow it.

use super::{bulk::Ptrs, compat, flags, raw, Accounting, BulkBox, CacheFlags, CacheStats, Stats};
use crate::bindings;
use compat::Zeroable;
use core::{
    marker::PhantomData,
    mem::{ManuallyDrop, MaybeUninit},
    ops::{Deref, DerefMut},
    pin::Pin,
    ptr::NonNull,
};
use kernel::{
    alloc::{AllocError, Flags},
    prelude::*,
};

/// A slab cache for objects of type `T`, counted as `A` says: [`Stats`] (the default) keeps
/// [`CacheStats`], [`NoStats`](super::NoStats) keeps nothing and leaves the slab calls alone.
///
/// Objects come out as [`CacheBox`]es that borrow the cache, so the compiler refuses to drop
/// the cache while any of them exists. Dropping the cache destroys it; should objects still be
/// live (a box was leaked with [`core::mem::forget`]) it is leaked instead, with an error in
/// the kernel log, because memory that safe code may still reach must stay valid.
///
/// # Invariants
///
/// - `cache` is a slab cache created for objects of `size_of::<T>()` bytes aligned to
///   `align_of::<T>()`, owned by this object.
/// - Every object allocated from `cache` by this object is counted in `stats`, which is
///   owned by this object and lives as long as the cache (it is leaked with it).
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::slab::{CacheFlags, KmemCache};
///
/// struct Request {
///     sector: u64,
///     len: u32,
/// }
///
/// let cache = KmemCache::<Request>::new(c_str!("doc_request"), CacheFlags::HWCACHE_ALIGN)?;
/// let mut req = cache.alloc(Request { sector: 8, len: 512 }, GFP_KERNEL)?;
/// req.len *= 2;
/// assert_eq!((req.sector, req.len), (8, 1024));
/// assert_eq!(cache.stats().live, 1);
/// drop(req);
/// assert_eq!(cache.stats().live, 0);
/// # Ok::<(), Error>(())
/// ```
pub struct KmemCache<T, A: Accounting = Stats> {
    cache: NonNull<bindings::kmem_cache>,
    // Boxed, so that pools and C callbacks may keep its address while the cache moves; handed
    // to `raw::destroy()` on drop, which frees it (or leaks it with the cache). `NoStats` is
    // zero-sized, so its box allocates nothing.
    stats: ManuallyDrop<KBox<A>>,
    name: &'static CStr,
    // Shown in debugfs until the cache drops (None: no counters, or `NO_DEBUGFS`).
    #[cfg(rmp_registry)]
    registered: Option<super::registry::Registered<super::registry::CacheReport>>,
    _p: PhantomData<fn(T) -> T>,
}

// SAFETY: The cache holds no `T` of its own: objects belong to their `CacheBox`es, which carry
// `T`'s own `Send`/`Sync`. `kmem_cache_*` functions may be called from any thread, and dropping
// the cache on another thread than the one that created it is fine.
unsafe impl<T, A: Accounting> Send for KmemCache<T, A> {}
// SAFETY: Every `&self` method (allocating, reading counters) is safe to call from several
// threads at once: the slab allocator and the per-CPU counters synchronise themselves.
unsafe impl<T, A: Accounting> Sync for KmemCache<T, A> {}

/// The size and alignment of `T` as the C API takes them, or `EINVAL`.
pub(crate) fn object_layout<T>() -> Result<(u32, u32)> {
    let (size, align) = (core::mem::size_of::<T>(), core::mem::align_of::<T>());
    // A zero-sized type needs no memory; slab cannot make such a cache.
    if size == 0 || size > bindings::KMALLOC_MAX_SIZE as usize {
        return Err(EINVAL);
    }
    if align > bindings::PAGE_SIZE {
        return Err(EINVAL);
    }
    Ok((size as u32, align as u32))
}

/// Checks a cache name: 1 to 32 bytes of `[A-Za-z0-9_.-]`, as `/proc/slabinfo` and
/// `/sys/kernel/slab/` can show them unambiguously.
pub(crate) fn check_name(name: &CStr) -> Result {
    let bytes = compat::cstr_bytes(name);
    let ok = (1..=32).contains(&bytes.len())
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(EINVAL)
    }
}

impl<T, A: Accounting> KmemCache<T, A> {
    /// Creates a cache named `name` for objects of type `T`.
    ///
    /// The name must live as long as the cache, hence `'static`, and be 1 to 32 bytes of
    /// `[A-Za-z0-9_.-]`; it shows in `/proc/slabinfo`. Returns `EINVAL` for a bad name, for a
    /// zero-sized `T`, for a `T` larger than `KMALLOC_MAX_SIZE` or aligned to more than a page,
    /// and `ENOMEM` when the cache cannot be made.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// assert!(KmemCache::<u32>::new(c_str!("doc_new"), CacheFlags::NONE).is_ok());
    /// assert_eq!(KmemCache::<()>::new(c_str!("doc_zst"), CacheFlags::NONE).err(), Some(EINVAL));
    /// assert_eq!(KmemCache::<u32>::new(c_str!("bad name"), CacheFlags::NONE).err(), Some(EINVAL));
    /// ```
    pub fn new(name: &'static CStr, flags: CacheFlags) -> Result<Self> {
        check_name(name)?;
        let (size, align) = object_layout::<T>()?;
        let stats = KBox::new(A::new_counters()?, GFP_KERNEL)?;
        let cache = raw::create(name, size, align, flags)?;
        // INVARIANT: `cache` was just created for `T`'s size and alignment; nothing was
        // allocated from it yet, so `stats` counts every object.
        let this = Self {
            cache,
            stats: ManuallyDrop::new(stats),
            name,
            #[cfg(rmp_registry)]
            registered: None,
            _p: PhantomData,
        };
        // Observation never fails the constructor: at worst the cache goes unshown.
        #[cfg(rmp_registry)]
        let this = this.registered(flags);
        Ok(this)
    }

    /// Shows the cache in debugfs, unless it has no counters or `flags` opts it out, or the
    /// registry cannot take it.
    #[cfg(rmp_registry)]
    fn registered(mut self, flags: CacheFlags) -> Self {
        use super::registry::{CacheReport, Registered};
        use kernel::c_str;
        let Some(stats) = self.stats.as_stats() else {
            return self;
        };
        if flags.contains(CacheFlags::NO_DEBUGFS) {
            return self;
        }
        // SAFETY: The cache and its boxed counters stay where they are until `drop`, which
        // removes the registration first.
        let report = unsafe {
            CacheReport::new(
                self.cache.as_ptr(),
                stats,
                self.name,
                core::mem::size_of::<T>(),
            )
        };
        self.registered = Registered::new(c_str!("cache"), self.name, report);
        self
    }

    /// The cache's name.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u64>::new(c_str!("doc_name"), CacheFlags::NONE)?;
    /// assert_eq!(cache.name().to_str()?, "doc_name");
    /// # Ok::<(), Error>(())
    /// ```
    pub fn name(&self) -> &'static CStr {
        self.name
    }

    /// The size of one object as asked for: `size_of::<T>()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<[u16; 3]>::new(c_str!("doc_object_size"), CacheFlags::NONE)?;
    /// assert_eq!(cache.object_size(), 6);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn object_size(&self) -> usize {
        core::mem::size_of::<T>()
    }

    /// The size slab gives each object, after alignment and its own metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<[u8; 40]>::new(c_str!("doc_aligned_size"), CacheFlags::NONE)?;
    /// assert!(cache.aligned_size() >= 40);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn aligned_size(&self) -> usize {
        // SAFETY: `self.cache` is a live cache by the type invariant.
        unsafe { bindings::kmem_cache_size(self.cache.as_ptr()) as usize }
    }

    /// The C cache and its counters, for allocations with the accounting of [`raw`]. Both are
    /// memory the cache owns, not part of `self` (the counters are boxed): a pool may keep
    /// their addresses, which stay valid until `self` is dropped, wherever it moves.
    #[inline(always)]
    pub(crate) fn as_raw(&self) -> (*mut bindings::kmem_cache, &A) {
        (self.cache.as_ptr(), &self.stats)
    }

    /// Allocates uninitialised memory for one `T`, counted in the statistics.
    // Inlined, as is the slab call and the counting in it: the fast path is one call, as C's.
    #[inline(always)]
    fn alloc_uninit(&self, flags: Flags) -> Result<NonNull<MaybeUninit<T>>, AllocError> {
        self.alloc_filled(flags, |_| {})
    }

    /// As [`Self::alloc_uninit`], with `fill` given the new object before it is counted.
    ///
    /// The counters are `asm!` blocks, which may write any memory as far as the compiler knows:
    /// a value written after them is built on the stack first and then copied, one written
    /// before them goes straight into the object.
    #[inline(always)]
    fn alloc_filled(
        &self,
        flags: Flags,
        fill: impl FnOnce(NonNull<MaybeUninit<T>>),
    ) -> Result<NonNull<MaybeUninit<T>>, AllocError> {
        let (cache, stats) = self.as_raw();
        // SAFETY: The cache is live and `stats` counts it, by the type invariant.
        let obj = unsafe {
            raw::alloc_filled(
                cache,
                stats,
                flags::gfp(flags),
                bindings::NUMA_NO_NODE,
                |obj| fill(obj.cast()),
            )
        };
        NonNull::new(obj.cast()).ok_or(AllocError)
    }

    /// Gives back memory from [`Self::alloc_uninit`] without dropping anything in it.
    ///
    /// # Safety
    ///
    /// `ptr` came from `self.alloc_uninit()`, is not used afterwards, and does not hold a `T`
    /// that still needs dropping.
    #[inline(always)]
    pub(crate) unsafe fn free_uninit(&self, ptr: NonNull<T>) {
        let (cache, stats) = self.as_raw();
        // SAFETY: By the type invariant the cache is live and `stats` counts it; by the safety
        // requirements `ptr` is an object of this cache that nobody uses any more.
        unsafe { raw::free(cache, stats, ptr.as_ptr().cast()) };
    }

    /// Allocates an object and moves `value` into it. Fails with `ENOMEM`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<[u8; 64]>::new(c_str!("doc_alloc"), CacheFlags::NONE)?;
    /// let buf = cache.alloc([7; 64], GFP_KERNEL)?;
    /// assert_eq!(buf[63], 7);
    /// # Ok::<(), Error>(())
    /// ```
    #[inline]
    pub fn alloc(&self, value: T, flags: Flags) -> Result<CacheBox<'_, T, A>> {
        let ptr = self.alloc_filled(flags, |ptr| {
            // SAFETY: `ptr` is a new object, valid for writes of a `T` and properly aligned, by
            // the type invariant.
            unsafe { ptr.as_ptr().write(MaybeUninit::new(value)) }
        })?;
        // INVARIANT: `ptr` came from `self` and now holds an initialised `T`.
        Ok(CacheBox {
            ptr: ptr.cast(),
            cache: self,
        })
    }

    /// Allocates an object whose bytes are all zero, for types valid in that state.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<[u64; 8]>::new(c_str!("doc_zeroed"), CacheFlags::NONE)?;
    /// let words = cache.alloc_zeroed(GFP_KERNEL)?;
    /// assert!(words.iter().all(|&w| w == 0));
    /// # Ok::<(), Error>(())
    /// ```
    #[inline]
    pub fn alloc_zeroed(&self, flags: Flags) -> Result<CacheBox<'_, T, A>>
    where
        T: Zeroable,
    {
        let ptr = self.alloc_uninit(flags | __GFP_ZERO)?;
        // INVARIANT: `ptr` came from `self`; `__GFP_ZERO` zeroed it, a valid `T` as
        // `T: Zeroable`.
        Ok(CacheBox {
            ptr: ptr.cast(),
            cache: self,
        })
    }

    /// Allocates an object and initialises it in place with `init`.
    ///
    /// On an error from `init` the memory goes back to the cache and the error is returned.
    /// Fails with `E::from(AllocError)` when no memory is left.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// struct Slot {
    ///     id: u32,
    /// }
    ///
    /// let cache = KmemCache::<Slot>::new(c_str!("doc_try_init"), CacheFlags::NONE)?;
    /// let ok = cache.try_init(try_init!(Slot { id: 3 }? Error), GFP_KERNEL)?;
    /// assert_eq!(ok.id, 3);
    /// // The initialiser's own error comes back, and its memory goes back to the cache.
    /// let busy = try_init!(Slot { id: Err::<u32, Error>(EBUSY)? }? Error);
    /// let bad = cache.try_init(busy, GFP_KERNEL);
    /// assert_eq!(bad.err(), Some(EBUSY));
    /// assert_eq!(cache.stats().live, 1);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_init<E>(&self, init: impl Init<T, E>, flags: Flags) -> Result<CacheBox<'_, T, A>, E>
    where
        E: From<AllocError>,
    {
        // SAFETY: `init` is an `Init`, so its value may move.
        unsafe { self.init_raw(init, flags) }.map_err(|e| e.unwrap_or_else(|| AllocError.into()))
    }

    /// Like [`Self::try_init`], for initialisers whose error converts into a kernel [`Error`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// struct Header {
    ///     magic: u32,
    ///     len: u32,
    /// }
    ///
    /// let cache = KmemCache::<Header>::new(c_str!("doc_init"), CacheFlags::NONE)?;
    /// let h = cache.init(init!(Header { magic: 0x52_4d_50, len: 0 }), GFP_KERNEL)?;
    /// assert_eq!((h.magic, h.len), (0x52_4d_50, 0));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn init<E>(&self, init: impl Init<T, E>, flags: Flags) -> Result<CacheBox<'_, T, A>>
    where
        Error: From<E>,
    {
        // SAFETY: `init` is an `Init`, so its value may move.
        unsafe { self.init_raw(init, flags) }.map_err(|e| e.map_or(ENOMEM, Error::from))
    }

    /// Allocates an object and initialises it in place with `init`, pinned: it never moves
    /// until it is dropped, so it may hold a `Mutex`, a `SpinLock` or a list head.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{c_str, new_mutex, sync::Mutex};
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// #[pin_data]
    /// struct Counter {
    ///     #[pin]
    ///     value: Mutex<u64>,
    /// }
    ///
    /// let cache = KmemCache::<Counter>::new(c_str!("doc_pinned"), CacheFlags::NONE)?;
    /// let counter = cache.pin_init(pin_init!(Counter { value <- new_mutex!(0) }), GFP_KERNEL)?;
    /// *counter.value.lock() += 1;
    /// assert_eq!(*counter.value.lock(), 1);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn pin_init<E>(
        &self,
        init: impl PinInit<T, E>,
        flags: Flags,
    ) -> Result<Pin<CacheBox<'_, T, A>>>
    where
        Error: From<E>,
    {
        self.pin_init_raw(init, flags)
            .map_err(|e| e.map_or(ENOMEM, Error::from))
    }

    /// Like [`Self::pin_init`], returning the initialiser's own error type.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{c_str, new_spinlock, sync::SpinLock};
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// #[pin_data]
    /// struct Queue {
    ///     #[pin]
    ///     depth: SpinLock<u32>,
    /// }
    ///
    /// let cache = KmemCache::<Queue>::new(c_str!("doc_try_pin_init"), CacheFlags::NONE)?;
    /// let init = try_pin_init!(Queue { depth <- new_spinlock!(4) }? Error);
    /// let q = cache.try_pin_init(init, GFP_KERNEL)?;
    /// assert_eq!(*q.depth.lock(), 4);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_pin_init<E>(
        &self,
        init: impl PinInit<T, E>,
        flags: Flags,
    ) -> Result<Pin<CacheBox<'_, T, A>>, E>
    where
        E: From<AllocError>,
    {
        self.pin_init_raw(init, flags)
            .map_err(|e| e.unwrap_or_else(|| AllocError.into()))
    }

    /// Allocates and runs `init`; `Err(None)` means no memory, `Err(Some(e))` that `init` failed.
    ///
    /// # Safety
    ///
    /// Unless `init` is an [`Init`], the caller pins the returned box before its value can move.
    unsafe fn init_raw<E>(
        &self,
        init: impl PinInit<T, E>,
        flags: Flags,
    ) -> Result<CacheBox<'_, T, A>, Option<E>> {
        let ptr = self.alloc_uninit(flags).map_err(|_| None)?.cast::<T>();
        // SAFETY: `ptr` is valid for writes of a `T`, aligned and unused by anything else; by the
        // safety requirements the value does not move unless `init` allows it.
        match unsafe { compat::init_into(ptr.as_ptr(), init) } {
            // INVARIANT: `ptr` came from `self` and `init` initialised it.
            Ok(()) => Ok(CacheBox { ptr, cache: self }),
            Err(e) => {
                // SAFETY: `ptr` came from `alloc_uninit` and `init` failed, so it holds nothing
                // to drop and is not used again.
                unsafe { self.free_uninit(ptr) };
                Err(Some(e))
            }
        }
    }

    /// The pinned form of [`Self::init_raw`].
    fn pin_init_raw<E>(
        &self,
        init: impl PinInit<T, E>,
        flags: Flags,
    ) -> Result<Pin<CacheBox<'_, T, A>>, Option<E>> {
        // SAFETY: The box is pinned below before anything can reach its value.
        let b = unsafe { self.init_raw(init, flags) }?;
        // SAFETY: `CacheBox` never moves its object and frees it only after dropping it in place;
        // the object is reached through this `Pin` only.
        Ok(unsafe { Pin::new_unchecked(b) })
    }

    /// Allocates `nr` objects in one call (`kmem_cache_alloc_bulk()`), the `i`-th holding
    /// `init(i)`. All or nothing: on failure nothing is allocated and `ENOMEM` is returned.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_bulk"), CacheFlags::NONE)?;
    /// let objs = cache.alloc_bulk(16, GFP_KERNEL, |i| i as u32 * 2)?;
    /// assert_eq!(objs.len(), 16);
    /// assert_eq!(objs.get(5).copied(), Some(10));
    /// assert_eq!(cache.stats().live, 16);
    /// drop(objs);
    /// assert_eq!(cache.stats().frees, 16);
    /// # Ok::<(), Error>(())
    /// ```
    #[inline]
    pub fn alloc_bulk(
        &self,
        nr: usize,
        flags: Flags,
        mut init: impl FnMut(usize) -> T,
    ) -> Result<BulkBox<'_, T, A>> {
        // The array of pointers, if it comes from kmalloc, must not be zeroed twice.
        let mut ptrs = Ptrs::<T>::with_capacity(nr, flags & !__GFP_ZERO)?;
        if nr > 0 {
            let slots = ptrs.as_mut_ptr();
            // SAFETY: The cache and counters are live by the type invariant; `slots` has room
            // for `nr` pointers.
            let got = unsafe {
                raw::alloc_bulk(
                    self.cache.as_ptr(),
                    &**self.stats,
                    flags::gfp(flags),
                    nr,
                    slots.cast(),
                )
            };
            if !got {
                return Err(ENOMEM);
            }
            for i in 0..nr {
                // SAFETY: `raw::alloc_bulk` wrote `nr` valid object pointers to `slots`.
                let obj = unsafe { *slots.add(i) };
                // SAFETY: `obj` is an unused object of this cache, valid for writes of a `T`.
                unsafe { obj.write(init(i)) };
            }
            // SAFETY: `ptrs` was made for `nr` pointers, and the first `nr` were written above.
            unsafe { ptrs.set_len(nr) };
        }
        // INVARIANT: every pointer in `ptrs` is an initialised object of `self`.
        Ok(BulkBox::new(ptrs, self))
    }

    /// Gives back `ptrs`, already dropped, in one call.
    ///
    /// # Safety
    ///
    /// Every element of `ptrs` came from this cache, holds nothing to drop and is not used again.
    pub(crate) unsafe fn free_bulk_raw(&self, ptrs: &mut [*mut T]) {
        // SAFETY: By the type invariant and the safety requirements.
        unsafe {
            raw::free_bulk(
                self.cache.as_ptr(),
                &**self.stats,
                ptrs.len(),
                ptrs.as_mut_ptr().cast(),
            )
        };
    }
}

impl<T> KmemCache<T, Stats> {
    /// The cache's usage counters.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u64>::new(c_str!("doc_cache_stats"), CacheFlags::NONE)?;
    /// let kept = cache.alloc(1, GFP_KERNEL)?;
    /// drop(cache.alloc(2, GFP_KERNEL)?);
    /// let s = cache.stats();
    /// assert_eq!((s.allocs, s.frees, s.live, s.peak, s.failures), (2, 1, 1, 2, 0));
    /// drop(kept);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn stats(&self) -> CacheStats {
        self.stats.read()
    }
}

impl<T, A: Accounting> Drop for KmemCache<T, A> {
    fn drop(&mut self) {
        // Out of debugfs first: readers may still read what is destroyed below.
        #[cfg(rmp_registry)]
        drop(self.registered.take());
        // SAFETY: `self` owns the counters and never touches them again (`stats` is
        // `ManuallyDrop`): they are given up here, to `raw::destroy`.
        let stats = KBox::into_raw(unsafe { ManuallyDrop::take(&mut self.stats) });
        // SAFETY: No `CacheBox` borrows `self` any more. The cache is live and `stats` counts
        // it (type invariant); `raw::destroy` destroys both, or leaks both if objects remain.
        unsafe { raw::destroy(self.cache.as_ptr(), stats, self.name) };
    }
}

/// An object of a [`KmemCache`], which it goes back to when dropped.
///
/// It borrows the cache it came from, so it can neither outlive the cache nor be freed into
/// another one; `T`'s destructor runs exactly once, on drop.
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::slab::{CacheBox, CacheFlags, KmemCache};
///
/// struct Packet {
///     len: usize,
/// }
///
/// fn total(packets: &[CacheBox<'_, Packet>]) -> usize {
///     packets.iter().map(|p| p.len).sum()
/// }
///
/// let cache = KmemCache::<Packet>::new(c_str!("doc_cachebox"), CacheFlags::NONE)?;
/// let a = cache.alloc(Packet { len: 60 }, GFP_KERNEL)?;
/// let b = cache.alloc(Packet { len: 1500 }, GFP_KERNEL)?;
/// assert_eq!(total(&[a, b]), 1560);
/// // Both went back to the cache when the array was dropped.
/// assert_eq!(cache.stats().frees, 2);
/// # Ok::<(), Error>(())
/// ```
///
/// # Invariants
///
/// `ptr` is an object allocated from `cache`, holds an initialised `T`, and is owned by this box.
pub struct CacheBox<'a, T, A: Accounting = Stats> {
    ptr: NonNull<T>,
    cache: &'a KmemCache<T, A>,
}

// SAFETY: A `CacheBox` owns its `T` like a `Box`: sending it sends the `T`. The cache reference
// it holds is `Send` because `KmemCache<T>` is `Sync`.
unsafe impl<T: Send, A: Accounting> Send for CacheBox<'_, T, A> {}
// SAFETY: `&CacheBox` only gives `&T`.
unsafe impl<T: Sync, A: Accounting> Sync for CacheBox<'_, T, A> {}

impl<'a, T, A: Accounting> CacheBox<'a, T, A> {
    /// The cache this object belongs to.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// use rust_mempool::slab::CacheBox;
    ///
    /// let cache = KmemCache::<u8>::new(c_str!("doc_box_cache"), CacheFlags::NONE)?;
    /// let b = cache.alloc(1, GFP_KERNEL)?;
    /// assert_eq!(CacheBox::cache(&b).name().to_str()?, "doc_box_cache");
    /// # Ok::<(), Error>(())
    /// ```
    pub fn cache(this: &Self) -> &'a KmemCache<T, A> {
        this.cache
    }

    /// Moves the value out and gives the memory back to the cache.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// use rust_mempool::slab::CacheBox;
    ///
    /// let cache = KmemCache::<[u32; 2]>::new(c_str!("doc_into_inner"), CacheFlags::NONE)?;
    /// let b = cache.alloc([1, 2], GFP_KERNEL)?;
    /// assert_eq!(CacheBox::into_inner(b), [1, 2]);
    /// assert_eq!(cache.stats().live, 0);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn into_inner(this: Self) -> T {
        let this = core::mem::ManuallyDrop::new(this);
        // SAFETY: By the type invariant `ptr` holds an initialised `T`, read once here; the
        // box is not dropped, so the value is not dropped twice.
        let value = unsafe { this.ptr.as_ptr().read() };
        // SAFETY: `ptr` came from `cache`; its value was moved out and it is not used again.
        unsafe { this.cache.free_uninit(this.ptr) };
        value
    }
}

impl<T, A: Accounting> Deref for CacheBox<'_, T, A> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: By the type invariant `ptr` is valid and initialised for as long as `self`.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T, A: Accounting> DerefMut for CacheBox<'_, T, A> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: As for `deref`, and `&mut self` makes the access unique.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T, A: Accounting> Drop for CacheBox<'_, T, A> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: By the type invariant `ptr` holds a `T`, dropped here once.
        unsafe { core::ptr::drop_in_place(self.ptr.as_ptr()) };
        // SAFETY: `ptr` came from `cache`, its value was dropped just now and it is not used
        // again.
        unsafe { self.cache.free_uninit(self.ptr) };
    }
}
