// SPDX-License-Identifier: GPL-2.0

//! Module-lifetime caches, usable as a [`kernel::alloc::Allocator`] by `Box<T, A>`.

use super::{compat, compat::AtomicPtr, flags, raw, CacheFlags, CacheStats, Stats};
use crate::bindings;
use core::{alloc::Layout, marker::PhantomData, ptr::NonNull};
use kernel::{
    alloc::{AllocError, Flags},
    ffi::{c_int, c_void},
    prelude::*,
};

/// The static state behind a module-lifetime cache. Declare one with
/// [`kmem_cache_allocator!`](crate::kmem_cache_allocator), not by hand.
///
/// `alloc` is what allocations use; RCU lets [`Registration`]'s drop take it away and then
/// know that no allocation is still on its way into the cache. `cache` and `stats` stay set
/// while any object may be live, for frees. A registration sets all three and only its drop
/// clears them; allocations and frees only read them.
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::slab::StaticCache;
///
/// // The macro declares the type's one slot, which `slot()` returns every time.
/// rust_mempool::kmem_cache_allocator!(Blocks: [u8; 512] = c_str!("doc_cache_slot"));
///
/// assert!(core::ptr::eq(Blocks::slot(), Blocks::slot()));
/// ```
pub struct CacheSlot {
    alloc: AtomicPtr<bindings::kmem_cache>,
    cache: AtomicPtr<bindings::kmem_cache>,
    stats: AtomicPtr<Stats>,
}

impl CacheSlot {
    /// An empty slot: allocations fail until it is registered.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{alloc::Box, c_str};
    ///
    /// // What `kmem_cache_allocator!` declares inside the type, which no other code can name.
    /// rust_mempool::kmem_cache_allocator!(Sectors: u64 = c_str!("doc_slot_new"));
    ///
    /// // Not registered: the empty slot fails every allocation.
    /// assert!(Box::<u64, Sectors>::new(0, GFP_KERNEL).is_err());
    /// ```
    #[expect(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self {
            alloc: AtomicPtr::new(core::ptr::null_mut()),
            cache: AtomicPtr::new(core::ptr::null_mut()),
            stats: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// Creates the cache and publishes it to allocations. `EBUSY` if registered already.
    fn init(&self, name: &'static CStr, size: u32, align: u32, flags: CacheFlags) -> Result {
        if !self.cache.load_relaxed().is_null() {
            return Err(EBUSY);
        }
        let stats = KBox::new(Stats::new()?, GFP_KERNEL)?;
        let cache = raw::create(name, size, align, flags)?;
        self.stats.store_relaxed(KBox::into_raw(stats));
        self.cache.store_relaxed(cache.as_ptr());
        // As `rcu_assign_pointer()`: whoever sees the cache sees everything stored above.
        self.alloc.store_release(cache.as_ptr());
        Ok(())
    }

    /// Allocates an object from NUMA node `node`, or returns null if not registered.
    #[inline(always)]
    fn alloc(&self, gfp: bindings::gfp_t, node: c_int) -> *mut c_void {
        let rcu = compat::rcu_read_lock();
        // As `rcu_dereference()`.
        let cache = self.alloc.load_acquire();
        let stats = if cache.is_null() {
            None
        } else {
            // SAFETY: A published cache has live counters, which the registration's drop frees
            // only after the grace period that follows unpublishing the cache.
            let stats = unsafe { &*self.stats.load_relaxed() };
            stats.reserve(1);
            Some(stats)
        };
        drop(rcu);
        let Some(stats) = stats else {
            return core::ptr::null_mut();
        };
        // SAFETY: The object reserved above keeps the registration's drop from destroying the
        // cache and its counters until it is resolved below.
        let obj = unsafe { raw::alloc(cache, stats, gfp, node) };
        // Resolved: counted in live (or failed), and counted there before it stops being
        // pending. Two stores in order: `Stats::read_with_pending()` reads pending, then (after
        // a barrier) live, so if it sees this decrement it sees the count above.
        compat::smp_wmb();
        stats.reserve(-1);
        obj
    }

    /// Gives `obj` back.
    ///
    /// # Safety
    ///
    /// `obj` is a live object allocated through `self`, not used again.
    #[inline(always)]
    unsafe fn free(&self, obj: *mut c_void) {
        // SAFETY: A live object keeps the cache and its counters from being destroyed (they are
        // leaked instead), so both pointers are set and valid.
        unsafe { raw::free(self.cache.load_relaxed(), &*self.stats.load_relaxed(), obj) };
    }

    /// The counters of the registered cache.
    ///
    /// # Safety
    ///
    /// The slot is registered.
    unsafe fn stats(&self) -> &Stats {
        // SAFETY: A registered slot has live counters.
        unsafe { &*self.stats.load_relaxed() }
    }

    /// Takes the cache, named `name`, away from allocations and destroys it, unless objects are
    /// live.
    ///
    /// # Safety
    ///
    /// Called once per registration, by its drop.
    unsafe fn exit(&self, name: &CStr) {
        let cache = self.cache.load_relaxed();
        if cache.is_null() {
            return;
        }
        self.alloc.store_relaxed(core::ptr::null_mut());
        // It may sleep, as a registration's drop may. Afterwards every allocation that saw the
        // cache has reserved its object.
        compat::synchronize_rcu();
        // SAFETY: Nobody allocates from the cache any more; the counters came from
        // `KBox::into_raw` and are given up here, together with the cache.
        if unsafe { raw::destroy(cache, self.stats.load_relaxed(), name) } {
            self.cache.store_relaxed(core::ptr::null_mut());
            self.stats.store_relaxed(core::ptr::null_mut());
        }
    }
}

/// A module-lifetime cache: a zero-sized type naming a static [`CacheSlot`], for objects of
/// type [`StaticCache::Object`].
///
/// Implemented by [`kmem_cache_allocator!`](crate::kmem_cache_allocator), which also makes the
/// type an [`Allocator`](kernel::alloc::Allocator), so `Box<Object, Self>` allocates from the
/// cache and frees into it. Implement it through that macro, not by hand.
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::slab::StaticCache;
///
/// rust_mempool::kmem_cache_allocator!(Frames: [u8; 128] = c_str!("doc_static_cache"));
///
/// assert_eq!(Frames::NAME.to_str()?, "doc_static_cache");
/// assert_eq!(core::mem::size_of::<<Frames as StaticCache>::Object>(), 128);
/// # Ok::<(), Error>(())
/// ```
///
/// # Safety
///
/// [`StaticCache::slot`] returns the same slot on every call, and no other type's `slot`
/// returns it: the slot's cache is sized for `Self::Object` when `Self` registers it, and
/// allocations through `Self` trust that size.
pub unsafe trait StaticCache: Sized + 'static {
    /// The type the cache is sized and aligned for.
    type Object;
    /// The cache's name, shown in `/proc/slabinfo`.
    const NAME: &'static CStr;

    /// The static state of this cache.
    fn slot() -> &'static CacheSlot;

    /// Creates the cache. Allocations through `Self` succeed from now until the returned
    /// [`Registration`] is dropped. `EBUSY` if it is registered already; otherwise the same
    /// errors as [`KmemCache::new`](super::KmemCache::new).
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, StaticCache};
    ///
    /// rust_mempool::kmem_cache_allocator!(Tags: u32 = c_str!("doc_register"));
    ///
    /// let reg = Tags::register(CacheFlags::NONE)?;
    /// assert_eq!(Tags::register(CacheFlags::NONE).err(), Some(EBUSY));
    /// drop(reg);
    /// // Registered again after the registration dropped.
    /// let _reg = Tags::register(CacheFlags::NONE)?;
    /// # Ok::<(), Error>(())
    /// ```
    fn register(flags: CacheFlags) -> Result<Registration<Self>> {
        super::cache::check_name(Self::NAME)?;
        let (size, align) = super::cache::object_layout::<Self::Object>()?;
        Self::slot().init(Self::NAME, size, align, flags)?;
        // INVARIANT: the slot was registered just now, for this value.
        let registration = Registration {
            _cache: PhantomData,
            #[cfg(rmp_registry)]
            registered: None,
        };
        // Observation never fails the registration: at worst the cache goes unshown.
        #[cfg(rmp_registry)]
        let registration = registration.shown(flags);
        Ok(registration)
    }
}

/// Keeps a [`StaticCache`] registered; dropping it takes the cache away.
///
/// Keep it in the module's state, declared after every field that holds objects of the cache,
/// so that it drops last. When dropped it stops new allocations, waits for an RCU grace period
/// so that no allocation is still on its way into the cache, and destroys the cache if no object
/// is live; if one is (a leaked `Box`), it leaks the cache instead and logs an error, so that the
/// object stays valid and can still be freed.
///
/// # Invariants
///
/// `C::slot()` was registered by the `register()` that made this value, and only this value
/// unregisters it.
///
/// # Examples
///
/// ```
/// use kernel::{alloc::Box, c_str};
/// use rust_mempool::slab::{CacheFlags, Registration, StaticCache};
///
/// struct Inode {
///     ino: u64,
/// }
///
/// rust_mempool::kmem_cache_allocator!(InodeCache: Inode = c_str!("doc_registration"));
///
/// // A module's state: the objects first, the registration last, so that it drops last.
/// struct State {
///     root: Box<Inode, InodeCache>,
///     _cache: Registration<InodeCache>,
/// }
///
/// let cache = InodeCache::register(CacheFlags::NONE)?;
/// let state = State { root: Box::new(Inode { ino: 2 }, GFP_KERNEL)?, _cache: cache };
/// assert_eq!(state.root.ino, 2);
/// drop(state);
/// // Unregistered: allocations fail until the next registration.
/// assert!(Box::<Inode, InodeCache>::new(Inode { ino: 3 }, GFP_KERNEL).is_err());
/// # Ok::<(), Error>(())
/// ```
pub struct Registration<C: StaticCache> {
    _cache: PhantomData<C>,
    // Shown in debugfs until the registration drops (None: `NO_DEBUGFS`).
    #[cfg(rmp_registry)]
    registered: Option<super::registry::Registered<super::registry::CacheReport>>,
}

impl<C: StaticCache> Registration<C> {
    /// Shows the cache in debugfs, unless `flags` opts it out or the registry cannot take it.
    #[cfg(rmp_registry)]
    fn shown(mut self, flags: CacheFlags) -> Self {
        use super::registry::{CacheReport, Registered};
        use kernel::c_str;
        if flags.contains(CacheFlags::NO_DEBUGFS) {
            return self;
        }
        let slot = C::slot();
        // SAFETY: The slot is registered (type invariant), so its cache and counters are live;
        // they stay so until `drop`, which removes the registration first.
        let report = unsafe {
            CacheReport::new(
                slot.cache.load_relaxed(),
                slot.stats.load_relaxed(),
                C::NAME,
                core::mem::size_of::<C::Object>(),
            )
        };
        self.registered = Registered::new(c_str!("cache"), C::NAME, report);
        self
    }

    /// The size slab gives each object, after alignment and its own metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, StaticCache};
    ///
    /// rust_mempool::kmem_cache_allocator!(Lines: [u8; 24] = c_str!("doc_reg_aligned"));
    ///
    /// let reg = Lines::register(CacheFlags::HWCACHE_ALIGN)?;
    /// assert!(reg.aligned_size() >= 24);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn aligned_size(&self) -> usize {
        let cache = C::slot().cache.load_relaxed();
        // SAFETY: By the type invariant the slot is registered, so `cache` is a live cache.
        unsafe { bindings::kmem_cache_size(cache) as usize }
    }

    /// The cache's usage counters.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{alloc::Box, c_str};
    /// use rust_mempool::slab::{CacheFlags, StaticCache};
    ///
    /// rust_mempool::kmem_cache_allocator!(Words: u64 = c_str!("doc_reg_stats"));
    ///
    /// let reg = Words::register(CacheFlags::NONE)?;
    /// let w = Box::<u64, Words>::new(5, GFP_KERNEL)?;
    /// assert_eq!((reg.stats().allocs, reg.stats().live), (1, 1));
    /// drop(w);
    /// assert_eq!(reg.stats().frees, 1);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn stats(&self) -> CacheStats {
        // SAFETY: By the type invariant the slot is registered.
        unsafe { C::slot().stats() }.read()
    }
}

impl<C: StaticCache> Drop for Registration<C> {
    fn drop(&mut self) {
        // Out of debugfs first: readers may still read what `exit` destroys.
        #[cfg(rmp_registry)]
        drop(self.registered.take());
        // SAFETY: By the type invariant this is the registration's one drop.
        unsafe { C::slot().exit(C::NAME) };
    }
}

/// Whether memory for `layout` fits in one object of `C`.
fn fits<C: StaticCache>(layout: Layout) -> bool {
    layout.size() <= core::mem::size_of::<C::Object>()
        && layout.align() <= core::mem::align_of::<C::Object>()
}

/// [`Allocator::realloc`](kernel::alloc::Allocator::realloc) for the static cache `C`.
///
/// A cache has one object size: allocations that fit in an object come from the cache, larger
/// or more aligned ones fail, and an object is never grown. Zero-sized requests get a dangling
/// pointer and free nothing, as [`Allocator`](kernel::alloc::Allocator) requires.
///
/// # Safety
///
/// The safety requirements of `Allocator::realloc`, with `C` as the allocator. A new object
/// comes from NUMA node `node`, or from any node if it is `NUMA_NO_NODE`.
#[doc(hidden)]
#[inline(always)]
pub unsafe fn static_realloc<C: StaticCache>(
    ptr: Option<NonNull<u8>>,
    layout: Layout,
    old_layout: Layout,
    flags: Flags,
    node: i32,
) -> Result<NonNull<[u8]>, AllocError> {
    let Some(p) = ptr else {
        return static_alloc::<C>(layout, flags, node);
    };
    if layout.size() == 0 {
        // SAFETY: By the safety requirements `p` is an allocation of `C` made with
        // `old_layout`, which the caller gives back here and does not use again.
        unsafe { static_free::<C>(p, old_layout) };
        return Ok(NonNull::slice_from_raw_parts(dangling(layout)?, 0));
    }
    if old_layout.size() == 0 {
        // Not ours (a dangling pointer of a zero-sized allocation): a new allocation.
        return static_alloc::<C>(layout, flags, node);
    }
    if fits::<C>(layout) {
        // The object is already as large as it can be: keep it.
        return Ok(NonNull::slice_from_raw_parts(
            p,
            core::mem::size_of::<C::Object>(),
        ));
    }
    Err(AllocError)
}

/// [`Allocator::alloc`](kernel::alloc::Allocator::alloc) for the static cache `C`: an object of
/// the cache if `layout` fits in one, from NUMA node `node` (any if `NUMA_NO_NODE`); a
/// dangling pointer if `layout` is zero-sized; an error otherwise, or if `C` is not
/// registered.
#[doc(hidden)]
#[inline(always)]
pub fn static_alloc<C: StaticCache>(
    layout: Layout,
    flags: Flags,
    node: i32,
) -> Result<NonNull<[u8]>, AllocError> {
    if layout.size() == 0 {
        return Ok(NonNull::slice_from_raw_parts(dangling(layout)?, 0));
    }
    if !fits::<C>(layout) {
        return Err(AllocError);
    }
    // An unregistered slot fails the allocation.
    let obj = C::slot().alloc(flags::gfp(flags), node);
    let obj = NonNull::new(obj.cast::<u8>()).ok_or(AllocError)?;
    Ok(NonNull::slice_from_raw_parts(
        obj,
        core::mem::size_of::<C::Object>(),
    ))
}

/// [`Allocator::free`](kernel::alloc::Allocator::free) for the static cache `C`: gives an
/// object back to the cache; frees nothing for a zero-sized `layout`.
///
/// # Safety
///
/// The safety requirements of `Allocator::free`, with `C` as the allocator.
#[doc(hidden)]
#[inline(always)]
pub unsafe fn static_free<C: StaticCache>(ptr: NonNull<u8>, layout: Layout) {
    // A zero-sized allocation is a dangling pointer, not an object.
    if layout.size() != 0 {
        // SAFETY: By the safety requirements `ptr` is a live object of `C`, which the caller
        // gives back here and does not use again.
        unsafe { C::slot().free(ptr.as_ptr().cast()) };
    }
}

/// A non-null pointer aligned for `layout`, for zero-sized allocations.
fn dangling(layout: Layout) -> Result<NonNull<u8>, AllocError> {
    // A `Layout`'s alignment is never zero, so this is never an error.
    NonNull::new(layout.align() as *mut u8).ok_or(AllocError)
}

/// Declares a module-lifetime cache for objects of a type, usable as an allocator.
///
/// `kmem_cache_allocator!(pub Name: Type = c_str!("name"));` declares the zero-sized type
/// `Name`, implements [`StaticCache`] and [`Allocator`](kernel::alloc::Allocator) for it, and
/// gives it a static [`CacheSlot`]. Register it with `Name::register(flags)` in module init.
///
/// # Examples
///
/// ```
/// use kernel::{alloc::Box, c_str};
/// use rust_mempool::slab::{CacheFlags, StaticCache};
///
/// struct Request {
///     sector: u64,
/// }
///
/// rust_mempool::kmem_cache_allocator!(RequestCache: Request = c_str!("doc_static_request"));
///
/// let registration = RequestCache::register(CacheFlags::HWCACHE_ALIGN)?;
/// let req = Box::<Request, RequestCache>::new(Request { sector: 4 }, GFP_KERNEL)?;
/// assert_eq!(req.sector, 4);
/// assert_eq!(registration.stats().live, 1);
/// drop(req);
/// assert_eq!(registration.stats().live, 0);
/// # Ok::<(), Error>(())
/// ```
#[macro_export]
macro_rules! kmem_cache_allocator {
    ($(#[$meta:meta])* $vis:vis $name:ident: $ty:ty = $cname:expr $(;)?) => {
        $(#[$meta])*
        $vis struct $name;

        // SAFETY: `slot` returns the one static declared inside it, which no other type can
        // name.
        unsafe impl $crate::slab::StaticCache for $name {
            type Object = $ty;
            const NAME: &'static $crate::slab::macro_deps::CStr = $cname;

            fn slot() -> &'static $crate::slab::CacheSlot {
                static SLOT: $crate::slab::CacheSlot = $crate::slab::CacheSlot::new();
                &SLOT
            }
        }

        $crate::__rmp_static_allocator!($name);
    };
}
