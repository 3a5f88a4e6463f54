// SPDX-License-Identifier: GPL-2.0

//! A reserve pool over a typed cache.

use super::{raw::RawPool, source::SlabSource, SleepFlags};
use crate::slab::{flags::gfp, CacheStats, KmemCache};
use core::{
    mem::MaybeUninit,
    ops::{Deref, DerefMut},
    pin::Pin,
    ptr::NonNull,
};
use kernel::{
    alloc::{AllocError, Flags},
    ffi::c_void,
    prelude::*,
};

/// The largest reserve a pool may keep: a bound on what a bad request can pin down.
pub const MAX_MIN_NR: usize = 1 << 16;

/// A pool that keeps `min_nr` elements of `T` in reserve (`mempool_t` over a [`KmemCache`]).
///
/// When the cache cannot allocate, the pool hands out a reserved element; when the reserve is
/// empty, a sleeping allocation ([`Mempool::alloc`]) waits until an element comes back, so it
/// never fails. Elements are [`PoolBox`]es that borrow the pool, so it cannot be destroyed
/// while an element is out.
///
/// The pool either borrows its cache ([`Mempool::new`], a `Mempool<'c, T>` that cannot outlive
/// the cache) or owns it ([`Mempool::with_cache`], a `Mempool<'static, T>` that a driver keeps
/// in its own state, such as its device or module struct). Either way the cache outlives the
/// pool.
///
/// # Invariants
///
/// `raw` is a pool over `cache`, owned by this object.
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::mempool::{Mempool, SleepFlags};
/// use rust_mempool::slab::{CacheFlags, KmemCache};
///
/// let cache = KmemCache::<[u8; 256]>::new(c_str!("doc_pool"), CacheFlags::NONE)?;
/// let pool = Mempool::new(&cache, 4)?;
/// let buf = pool.alloc([0; 256], SleepFlags::NOIO);
/// assert_eq!(pool.stats().allocs, 1);
/// drop(buf);
/// assert_eq!(pool.stats().reserve, 4);
/// # Ok::<(), Error>(())
/// ```
pub struct Mempool<'c, T> {
    // Dropped first, so an owned cache outlives the pool.
    raw: RawPool<'c>,
    cache: PoolCache<'c, T>,
}

/// The cache under a pool: borrowed, or owned by the pool.
enum PoolCache<'c, T> {
    Borrowed(&'c KmemCache<T>),
    Owned(KmemCache<T>),
}

impl<T> Deref for PoolCache<'_, T> {
    type Target = KmemCache<T>;
    fn deref(&self) -> &KmemCache<T> {
        match self {
            Self::Borrowed(cache) => cache,
            Self::Owned(cache) => cache,
        }
    }
}

// SAFETY: The pool holds no `T` of its own, only empty reserve memory; elements carry `T`'s
// own `Send`/`Sync` in `PoolBox`. `RawPool` may be used and dropped from any thread.
unsafe impl<T> Send for Mempool<'_, T> {}
// SAFETY: `&self` methods only reach `RawPool`'s `&self` methods, which are safe concurrently.
unsafe impl<T> Sync for Mempool<'_, T> {}

/// Usage counters of a [`Mempool`], exact when no allocation or free runs at the time.
///
/// `allocs`, `frees`, `live`, `peak` and `failures` count the pool's elements as
/// [`CacheStats`] counts a cache's objects.
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::mempool::{Mempool, SleepFlags};
/// use rust_mempool::slab::{CacheFlags, KmemCache};
///
/// let cache = KmemCache::<u64>::new(c_str!("doc_poolstats"), CacheFlags::NONE)?;
/// let pool = Mempool::new(&cache, 1)?;
/// let held = pool.alloc(1, SleepFlags::NOIO);
/// let s = pool.stats();
/// assert_eq!((s.allocs, s.live, s.emergency, s.failures), (1, 1, 0, 0));
/// drop(held);
/// assert_eq!(pool.stats().frees, 1);
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct PoolStats {
    /// Elements the pool keeps in reserve.
    pub min_nr: u64,
    /// Elements in the reserve now.
    pub reserve: u64,
    /// The fewest elements the reserve has held since the pool was made or since
    /// [`Mempool::reset_reserve_low`]: `min_nr - reserve_low` elements of the reserve were
    /// needed at once, and 0 says the reserve ran dry. Exact when one thread at a time
    /// allocates from the reserve.
    pub reserve_low: u64,
    /// Elements handed out.
    pub allocs: u64,
    /// Elements given back.
    pub frees: u64,
    /// Elements out now: `allocs - frees`.
    pub live: u64,
    /// The highest `live` seen, with the precision of
    /// [`CacheStats::peak`](crate::slab::CacheStats).
    pub peak: u64,
    /// Allocations served from the reserve because the cache had nothing.
    pub emergency: u64,
    /// Sleeping allocations that found the cache and the reserve empty and so had to reclaim
    /// memory or wait for an element to come back.
    pub waits: u64,
    /// Allocations that got nothing, as [`CacheStats::failures`](crate::slab::CacheStats)
    /// counts them for a cache. Only non-sleeping ones can: a sleeping allocation waits.
    pub failures: u64,
}

impl PoolStats {
    /// The counters of the pool's elements, as a cache's.
    pub(crate) fn elements(&self) -> CacheStats {
        CacheStats {
            allocs: self.allocs,
            frees: self.frees,
            live: self.live,
            peak: self.peak,
            failures: self.failures,
        }
    }
}

/// One `key: value` line per counter, in the order of the fields but with `min_nr`, `reserve`
/// and `reserve_low` after the element counters (which come as a cache shows them), as
/// debugfs shows them; with `{:#}`, one line of `key value` pairs in the same order, as the
/// kernel log shows them.
///
/// # Examples
///
/// ```
/// use kernel::{c_str, str::CString};
/// use rust_mempool::mempool::{Mempool, SleepFlags};
/// use rust_mempool::slab::{CacheFlags, KmemCache};
///
/// let cache = KmemCache::<u64>::new(c_str!("doc_pool_display"), CacheFlags::NONE)?;
/// let pool = Mempool::new(&cache, 2)?;
/// let one = pool.alloc(1, SleepFlags::NOIO);
/// let text = CString::try_from_fmt(format_args!("{}", pool.stats()))?;
/// assert_eq!(
///     text.to_str()?,
///     "allocs: 1\nfrees: 0\nlive: 1\npeak: 1\nfailures: 0\n\
///      min_nr: 2\nreserve: 2\nreserve_low: 2\nemergency: 0\nwaits: 0\n"
/// );
/// let line = CString::try_from_fmt(format_args!("{:#}", pool.stats()))?;
/// assert_eq!(
///     line.to_str()?,
///     "allocs 1, frees 0, live 1, peak 1, failures 0, min_nr 2, reserve 2, reserve_low 2, \
///      emergency 0, waits 0"
/// );
/// drop(one);
/// # Ok::<(), Error>(())
/// ```
impl core::fmt::Display for PoolStats {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if f.alternate() {
            return write!(
                f,
                "{:#}, min_nr {}, reserve {}, reserve_low {}, emergency {}, waits {}",
                self.elements(),
                self.min_nr,
                self.reserve,
                self.reserve_low,
                self.emergency,
                self.waits
            );
        }
        write!(f, "{}", self.elements())?;
        writeln!(f, "min_nr: {}", self.min_nr)?;
        writeln!(f, "reserve: {}", self.reserve)?;
        writeln!(f, "reserve_low: {}", self.reserve_low)?;
        writeln!(f, "emergency: {}", self.emergency)?;
        writeln!(f, "waits: {}", self.waits)
    }
}

crate::slab::compat::loggable!(PoolStats);

impl<T> Mempool<'static, T> {
    /// Creates a pool that owns `cache`, and fills its reserve with `min_nr` elements.
    ///
    /// This is the pool a driver keeps in its own state: it borrows nothing, and the cache is
    /// destroyed after the pool when the pool is dropped. Errors as for [`Mempool::new`]; on an
    /// error the cache is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::mempool::{Mempool, SleepFlags};
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// struct Command {
    ///     tag: u16,
    /// }
    ///
    /// // A driver's per-device state: the pool and its cache in one value.
    /// struct Device {
    ///     commands: Mempool<'static, Command>,
    /// }
    ///
    /// let cache = KmemCache::<Command>::new(c_str!("doc_owned_pool"), CacheFlags::NONE)?;
    /// let dev = KBox::new(Device { commands: Mempool::with_cache(cache, 8)? }, GFP_KERNEL)?;
    /// let cmd = dev.commands.alloc(Command { tag: 3 }, SleepFlags::NOIO);
    /// assert_eq!(cmd.tag, 3);
    /// // The reserve's 8 elements and the one handed out, both from the cache.
    /// assert_eq!(dev.commands.cache().stats().live, 9);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn with_cache(cache: KmemCache<T>, min_nr: usize) -> Result<Self> {
        Self::create(PoolCache::Owned(cache), min_nr)
    }
}

impl<'c, T> Mempool<'c, T> {
    /// Creates a pool over `cache` and fills its reserve with `min_nr` elements.
    ///
    /// `EINVAL` unless `1 <= min_nr <= MAX_MIN_NR`; `ENOMEM` when the reserve cannot be filled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::mempool::{Mempool, MAX_MIN_NR};
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<[u8; 32]>::new(c_str!("doc_pool_new"), CacheFlags::NONE)?;
    /// let pool = Mempool::new(&cache, 4)?;
    /// assert_eq!((pool.stats().min_nr, pool.stats().reserve), (4, 4));
    /// assert_eq!(Mempool::new(&cache, 0).err(), Some(EINVAL));
    /// assert_eq!(Mempool::new(&cache, MAX_MIN_NR + 1).err(), Some(EINVAL));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(cache: &'c KmemCache<T>, min_nr: usize) -> Result<Self> {
        Self::create(PoolCache::Borrowed(cache), min_nr)
    }

    fn create(cache: PoolCache<'c, T>, min_nr: usize) -> Result<Self> {
        let min_nr = checked_min_nr(min_nr)?;
        let (raw_cache, raw_stats) = cache.as_raw();
        // SAFETY: `raw_cache` and `raw_stats` stay valid while the cache is neither dropped nor
        // moved out of `cache`, moving `cache` itself does not move what they point to, and
        // the pool keeps `cache` until `raw` is dropped.
        let source = unsafe { SlabSource::new(raw_cache, core::ptr::from_ref(raw_stats)) };
        let raw = RawPool::new(source, min_nr)?;
        #[cfg(rmp_registry)]
        let raw = raw.registered(format_args!(
            "{}_pool",
            cache.name().to_str().unwrap_or("?")
        ));
        // INVARIANT: `raw` is a new pool over `cache`, owned by nobody else.
        Ok(Self { raw, cache })
    }

    /// The cache the pool allocates from.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::mempool::Mempool;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let pool = Mempool::with_cache(
    ///     KmemCache::<u64>::new(c_str!("doc_pool_cache"), CacheFlags::NONE)?,
    ///     3,
    /// )?;
    /// assert_eq!(pool.cache().name().to_str()?, "doc_pool_cache");
    /// // The reserve's elements came from the cache.
    /// assert_eq!(pool.cache().stats().live, 3);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn cache(&self) -> &KmemCache<T> {
        &self.cache
    }

    /// Allocates an element and moves `value` into it; may sleep, never fails.
    ///
    /// Tries the cache, then the reserve; if both are empty, reclaims memory and then waits
    /// for another context to give an element back. Must be called where sleeping is allowed.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::mempool::{Mempool, SleepFlags};
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_pool_alloc"), CacheFlags::NONE)?;
    /// let pool = Mempool::new(&cache, 2)?;
    /// let mut tag = pool.alloc(7, SleepFlags::NOIO);
    /// *tag += 1;
    /// assert_eq!(*tag, 8);
    /// assert_eq!(pool.stats().live, 1);
    /// # Ok::<(), Error>(())
    /// ```
    #[inline]
    pub fn alloc(&self, value: T, flags: SleepFlags) -> PoolBox<'_, T> {
        // By the type invariant of `SleepFlags` the mask has `__GFP_DIRECT_RECLAIM`, and
        // `mempool_alloc()` with that flag waits for an element instead of failing.
        let ptr = self
            .raw
            .alloc_sleeping(flags.gfp(), |obj| Self::fill(obj, value))
            .cast::<T>();
        // INVARIANT: `ptr` came from this pool and `fill` moved a `T` into it.
        PoolBox { ptr, pool: self }
    }

    /// Allocates an element without the guarantee: with non-sleeping flags (`GFP_ATOMIC`,
    /// `GFP_NOWAIT`) it fails with `ENOMEM` when the cache and the reserve are both empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::mempool::Mempool;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_pool_try_alloc"), CacheFlags::NONE)?;
    /// let pool = Mempool::new(&cache, 2)?;
    /// // From atomic context: no sleeping, so it may fail, and says so.
    /// let tag = pool.try_alloc(5, GFP_ATOMIC)?;
    /// assert_eq!(*tag, 5);
    /// assert_eq!(pool.stats().failures, 0);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_alloc(&self, value: T, flags: Flags) -> Result<PoolBox<'_, T>> {
        // `value` overwrites the element, and `mempool_alloc()` warns on `__GFP_ZERO`.
        let flags = flags & !__GFP_ZERO;
        let raw = self
            .raw
            .alloc_filled(gfp(flags), |obj| Self::fill(obj, value));
        let ptr = NonNull::new(raw.cast::<T>()).ok_or(ENOMEM)?;
        // INVARIANT: `ptr` came from this pool and `fill` moved a `T` into it.
        Ok(PoolBox { ptr, pool: self })
    }

    /// Allocates an element as [`Mempool::alloc`] does, which cannot fail, and initialises it
    /// in place with `init`, pinned: it never moves until it is dropped, so it may hold a
    /// `Mutex`, a `SpinLock` or a list head. Fails only if `init` does; the element then goes
    /// back to the pool. [`Mempool::try_pin_init`] returns the initialiser's own error type.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{c_str, new_mutex, sync::Mutex};
    /// use rust_mempool::mempool::{Mempool, SleepFlags};
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// #[pin_data]
    /// struct Request {
    ///     sector: u64,
    ///     #[pin]
    ///     state: Mutex<u32>,
    /// }
    ///
    /// let cache = KmemCache::<Request>::new(c_str!("doc_pool_pin_init"), CacheFlags::NONE)?;
    /// let pool = Mempool::new(&cache, 2)?;
    /// let req = pool.pin_init(
    ///     pin_init!(Request { sector: 8, state <- new_mutex!(0) }),
    ///     SleepFlags::NOIO,
    /// )?;
    /// *req.state.lock() = 1;
    /// assert_eq!((req.sector, *req.state.lock()), (8, 1));
    /// assert_eq!(pool.stats().live, 1);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn pin_init<E>(
        &self,
        init: impl PinInit<T, E>,
        flags: SleepFlags,
    ) -> Result<Pin<PoolBox<'_, T>>>
    where
        Error: From<E>,
    {
        // By the type invariant of `SleepFlags`, `mempool_alloc()` waits instead of failing.
        let ptr = self.raw.alloc_sleeping(flags.gfp(), |_| {}).cast::<T>();
        // SAFETY: `ptr` is a new element, so ours alone.
        unsafe { self.init_pinned(ptr, init) }.map_err(Error::from)
    }

    /// Allocates an element as [`Mempool::try_alloc`] does and initialises it in place with
    /// `init`, pinned, as [`Mempool::pin_init`]. Fails with `init`'s error, or with
    /// [`AllocError`] if neither the cache nor the reserve has an element (only without
    /// sleeping).
    ///
    /// `AllocError` converts into the initialiser's error type; an `Error` from it is `ENOMEM`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{c_str, new_spinlock, sync::SpinLock};
    /// use rust_mempool::mempool::Mempool;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// #[pin_data]
    /// struct Slot {
    ///     #[pin]
    ///     owner: SpinLock<Option<u32>>,
    /// }
    ///
    /// let cache = KmemCache::<Slot>::new(c_str!("doc_pool_try_pin"), CacheFlags::NONE)?;
    /// let pool = Mempool::new(&cache, 1)?;
    /// let init = try_pin_init!(Slot { owner <- new_spinlock!(None) }? Error);
    /// let slot = pool.try_pin_init(init, GFP_ATOMIC)?;
    /// *slot.owner.lock() = Some(3);
    /// assert_eq!(*slot.owner.lock(), Some(3));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_pin_init<E>(
        &self,
        init: impl PinInit<T, E>,
        flags: Flags,
    ) -> Result<Pin<PoolBox<'_, T>>, E>
    where
        E: From<AllocError>,
    {
        // `init` writes the element, and `mempool_alloc()` warns on `__GFP_ZERO`.
        let raw = self.raw.alloc_filled(gfp(flags & !__GFP_ZERO), |_| {});
        let ptr = NonNull::new(raw.cast::<T>()).ok_or(AllocError)?;
        // SAFETY: `ptr` is a new element, so ours alone.
        unsafe { self.init_pinned(ptr, init) }
    }

    /// Runs `init` on the new element `ptr` and pins it, or gives it back if `init` fails.
    ///
    /// # Safety
    ///
    /// `ptr` is an element of this pool that holds no value and that nothing else uses.
    unsafe fn init_pinned<E>(
        &self,
        ptr: NonNull<T>,
        init: impl PinInit<T, E>,
    ) -> Result<Pin<PoolBox<'_, T>>, E> {
        // SAFETY: The element is sized and aligned for `T` and ours alone, by the safety
        // requirements; it is pinned below, and freed without a drop if `init` fails.
        if let Err(e) = unsafe { crate::slab::compat::init_into(ptr.as_ptr(), init) } {
            // SAFETY: `init` failed, so the element holds nothing to drop; it is not used
            // again.
            unsafe { self.raw.free(ptr.as_ptr().cast()) };
            return Err(e);
        }
        // INVARIANT: `ptr` came from this pool and `init` initialised it.
        let b = PoolBox { ptr, pool: self };
        // SAFETY: `PoolBox` never moves its element and frees it only after dropping it in
        // place; the element is reached through this `Pin` only.
        Ok(unsafe { Pin::new_unchecked(b) })
    }

    /// Moves `value` into the new element `obj`.
    #[inline(always)]
    fn fill(obj: NonNull<c_void>, value: T) {
        // SAFETY: Pool elements are objects of `cache`, sized and aligned for `T`, and this one
        // is new, so ours alone.
        unsafe {
            obj.cast::<MaybeUninit<T>>()
                .as_ptr()
                .write(MaybeUninit::new(value))
        };
    }

    /// Changes the reserve to `min_nr` elements (`mempool_resize()`).
    ///
    /// Shrinking frees surplus reserved elements at once. Growing raises `min_nr` and fills the
    /// reserve as far as the cache allows; as in C, an element the cache cannot give now does
    /// not fail the call: frees top the reserve up later. `EINVAL` unless
    /// `1 <= min_nr <= MAX_MIN_NR`; `ENOMEM` if the new reserve's bookkeeping cannot be
    /// allocated, leaving the pool as it was.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::mempool::Mempool;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u64>::new(c_str!("doc_pool_resize"), CacheFlags::NONE)?;
    /// let pool = Mempool::new(&cache, 2)?;
    /// pool.resize(6)?;
    /// assert_eq!((pool.stats().min_nr, pool.stats().reserve), (6, 6));
    /// pool.resize(1)?;
    /// assert_eq!((pool.stats().min_nr, pool.stats().reserve), (1, 1));
    /// // The surplus went back to the cache.
    /// assert_eq!(cache.stats().live, 1);
    /// assert_eq!(pool.resize(0), Err(EINVAL));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn resize(&self, min_nr: usize) -> Result {
        let min_nr = checked_min_nr(min_nr)?;
        self.raw.resize(min_nr)
    }

    /// The pool's usage counters.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::mempool::{Mempool, PoolStats, SleepFlags};
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u64>::new(c_str!("doc_pool_stats"), CacheFlags::NONE)?;
    /// let pool = Mempool::new(&cache, 2)?;
    /// let a = pool.alloc(1, SleepFlags::KERNEL);
    /// drop(a);
    /// assert_eq!(
    ///     pool.stats(),
    ///     PoolStats {
    ///         min_nr: 2,
    ///         reserve: 2,
    ///         reserve_low: 2,
    ///         allocs: 1,
    ///         frees: 1,
    ///         peak: 1,
    ///         ..Default::default()
    ///     }
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    pub fn stats(&self) -> PoolStats {
        self.raw.stats()
    }

    /// Starts [`PoolStats::reserve_low`] again from the elements in the reserve now, so that it
    /// reports the fewest the reserve holds from here on (say, over one workload).
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::mempool::Mempool;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u64>::new(c_str!("doc_pool_reserve_low"), CacheFlags::NONE)?;
    /// let pool = Mempool::new(&cache, 4)?;
    /// assert_eq!(pool.stats().reserve_low, 4);
    /// // A smaller reserve holds fewer elements, and the low remembers it.
    /// pool.resize(2)?;
    /// pool.resize(4)?;
    /// assert_eq!((pool.stats().reserve, pool.stats().reserve_low), (4, 2));
    /// pool.reset_reserve_low();
    /// assert_eq!(pool.stats().reserve_low, 4);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn reset_reserve_low(&self) {
        self.raw.reset_reserve_low();
    }
}

#[cfg(rmp_mempool_bulk)]
impl<T> Mempool<'_, T> {
    /// Allocates `N` elements at once and moves `values` into them (`mempool_alloc_bulk()`):
    /// from the cache first, then from the reserve; may sleep, and if both run short it
    /// waits until enough elements come back, so it never fails for lack of memory.
    ///
    /// `EINVAL`, allocating nothing and dropping `values`, if `N` is more than the reserve
    /// (`min_nr`): the elements could never all come from it. The C call allocates with
    /// `GFP_KERNEL`; `flags` narrows it to `NOIO` or `NOFS` for its duration. Only sleeping
    /// flags exist, so only a context that may sleep can call it. Counted as `N` allocations;
    /// it does not count in `waits`. Do not shrink the pool with [`Mempool::resize`] while a
    /// bulk allocation runs: the C call could then want more than the reserve will hold.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::mempool::{Mempool, SleepFlags};
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_pool_bulk"), CacheFlags::NONE)?;
    /// let pool = Mempool::new(&cache, 4)?;
    /// let [a, b, c] = pool.alloc_bulk([1, 2, 3], SleepFlags::NOIO)?;
    /// assert_eq!((*a, *b, *c), (1, 2, 3));
    /// assert_eq!(pool.stats().allocs, 3);
    /// // More than the reserve holds could wait forever.
    /// assert_eq!(pool.alloc_bulk([0; 5], SleepFlags::NOIO).err(), Some(EINVAL));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn alloc_bulk<const N: usize>(
        &self,
        values: [T; N],
        flags: SleepFlags,
    ) -> Result<[PoolBox<'_, T>; N]> {
        let mut elems = [core::ptr::null_mut::<c_void>(); N];
        flags.scope(|| self.raw.alloc_bulk(&mut elems))?;
        let values = core::mem::ManuallyDrop::new(values);
        Ok(core::array::from_fn(|i| {
            // `mempool_alloc_bulk()` filled every entry with an element.
            let obj = super::raw::checked(elems[i], "mempool_alloc_bulk()");
            // SAFETY: Each value is read once, here, and `values` is never dropped.
            let value = unsafe { core::ptr::read(&values[i]) };
            Self::fill(obj, value);
            // INVARIANT: `obj` came from this pool and `fill` moved a `T` into it.
            PoolBox {
                ptr: obj.cast(),
                pool: self,
            }
        }))
    }
}

/// `min_nr` as the C pool takes it; `EINVAL` unless `1 <= min_nr <= MAX_MIN_NR`.
pub(super) fn checked_min_nr(min_nr: usize) -> Result<i32> {
    if (1..=MAX_MIN_NR).contains(&min_nr) {
        // `MAX_MIN_NR` fits in an `i32`.
        Ok(min_nr as i32)
    } else {
        Err(EINVAL)
    }
}

/// An element of a [`Mempool`]; dropping it drops the `T` and gives the element back, to the
/// reserve first if it is short (`mempool_free()`).
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::mempool::{Mempool, PoolBox, SleepFlags};
/// use rust_mempool::slab::{CacheFlags, KmemCache};
///
/// struct Bio {
///     sector: u64,
/// }
///
/// fn submit(bio: PoolBox<'_, Bio>) -> u64 {
///     // The element goes back to its pool when `bio` drops here.
///     bio.sector
/// }
///
/// let cache = KmemCache::<Bio>::new(c_str!("doc_poolbox"), CacheFlags::NONE)?;
/// let pool = Mempool::new(&cache, 2)?;
/// assert_eq!(submit(pool.alloc(Bio { sector: 9 }, SleepFlags::NOIO)), 9);
/// assert_eq!((pool.stats().allocs, pool.stats().frees), (1, 1));
/// # Ok::<(), Error>(())
/// ```
///
/// # Invariants
///
/// `ptr` is an element allocated from `pool`, holds an initialised `T`, and is owned by this box.
pub struct PoolBox<'a, T> {
    ptr: NonNull<T>,
    pool: &'a Mempool<'a, T>,
}

// SAFETY: A `PoolBox` owns its `T`; the pool reference is `Send` as `Mempool` is `Sync`.
unsafe impl<T: Send> Send for PoolBox<'_, T> {}
// SAFETY: `&PoolBox` only gives `&T`.
unsafe impl<T: Sync> Sync for PoolBox<'_, T> {}

impl<T> Deref for PoolBox<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: By the type invariant `ptr` is valid and initialised for as long as `self`.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T> DerefMut for PoolBox<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: As for `deref`, and `&mut self` makes the access unique.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T> PoolBox<'_, T> {
    /// The element, which the caller now owns (with its `T`) and must give back with
    /// [`Mempool::free_element`].
    pub(super) fn into_raw(self) -> NonNull<T> {
        core::mem::ManuallyDrop::new(self).ptr
    }
}

impl<T> Mempool<'_, T> {
    /// Gives back an element whose `T` was dropped.
    ///
    /// # Safety
    ///
    /// `ptr` is an element of `self`, holds nothing to drop, and is not used again.
    pub(super) unsafe fn free_element(&self, ptr: NonNull<T>) {
        // SAFETY: By the safety requirements.
        unsafe { self.raw.free(ptr.as_ptr().cast()) };
    }
}

impl<T> Drop for PoolBox<'_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: By the type invariant `ptr` holds a `T`, dropped here once.
        unsafe { core::ptr::drop_in_place(self.ptr.as_ptr()) };
        // SAFETY: `ptr` is an element of `pool`, now empty and never used again.
        unsafe { self.pool.raw.free(self.ptr.as_ptr().cast()) };
    }
}
