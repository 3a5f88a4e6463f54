// SPDX-License-Identifier: GPL-2.0

//! The C mempool over a [`Source`] of elements, with element callbacks of its own so that it
//! can count what the stock callbacks cannot see.
//!
//! `mempool_alloc()` calls the element allocator with `__GFP_NOMEMALLOC` and `__GFP_NORETRY`
//! added, `mempool_create()` and `mempool_resize()` do not (see `mm/mempool.c`). The callback
//! counts allocator successes on the allocation path only ("served"); every other element
//! that `mempool_alloc()` hands out came from the reserve, so emergency hits = allocs - served.

use super::{
    source::{SlabSource, Source},
    PoolStats,
};
use crate::bindings;
use crate::slab::{
    compat::{AtomicLong, AtomicPtr},
    percpu::{read_once, PerCpu},
    Accounting, Stats,
};
use core::{marker::PhantomData, mem::offset_of, ptr::NonNull};
use kernel::{
    ffi::{c_int, c_void},
    prelude::*,
};

const DIRECT_RECLAIM: bindings::gfp_t = 1 << bindings::___GFP_DIRECT_RECLAIM_BIT;
const NOMEMALLOC: bindings::gfp_t = 1 << bindings::___GFP_NOMEMALLOC_BIT;

/// One CPU's counts of what only a pool has; its elements are counted like a cache's objects.
#[repr(C)]
struct PoolCpu {
    served: u64,
    waits: u64,
}

const SERVED: usize = offset_of!(PoolCpu, served);
const WAITS: usize = offset_of!(PoolCpu, waits);

/// What the element callbacks use: the source of elements, the pool's served count, and the
/// pool itself with the fewest elements its reserve has held.
struct Elements<S> {
    source: S,
    /// The pool's elements, counted as a cache's objects.
    stats: Stats,
    cpu: PerCpu<PoolCpu>,
    /// The pool, once made (null while `mempool_create_node()` fills it).
    pool: AtomicPtr<bindings::mempool_t>,
    /// The fewest elements the reserve has held since the pool was made or this was reset.
    reserve_low: AtomicLong,
}

/// A `mempool_t` over a source of elements that lives for `'c` (a slab cache by default), and
/// its counters.
///
/// Its `Drop` gives the reserve back to the source, so whatever holds it keeps the source
/// borrowed until then: a borrowed cache cannot be dropped before the pool.
///
/// # Invariants
///
/// `pool` is a mempool made with [`element_alloc`] and [`element_free`] for `S` over
/// `elements`, owned by this object; `elements.source` stays usable while it exists (the
/// owner of a cache promises it to [`SlabSource::new`]).
pub(crate) struct RawPool<'c, S: Source = SlabSource> {
    pool: NonNull<bindings::mempool_t>,
    // Boxed: the callbacks keep its address.
    elements: KBox<Elements<S>>,
    // Shown in debugfs until the pool drops.
    #[cfg(rmp_registry)]
    registered: Option<crate::slab::registry::Registered<PoolReport<S>>>,
    _source: PhantomData<&'c ()>,
}

// SAFETY: The C mempool may be used and destroyed from any thread; the counters are per CPU,
// and the source may be used from any thread (`Source: Send + Sync`).
unsafe impl<S: Source> Send for RawPool<'_, S> {}
// SAFETY: `&self` methods (allocate, free, resize, read counters) are safe concurrently: the C
// pool takes its own lock, counters are per CPU, and sources may be used concurrently.
unsafe impl<S: Source> Sync for RawPool<'_, S> {}

impl<S: Source> RawPool<'_, S> {
    /// Creates a pool over `source` and fills its reserve with `min_nr` elements: fails unless
    /// all of them were allocated.
    pub(crate) fn new(source: S, min_nr: c_int) -> Result<Self> {
        let elements = KBox::new(
            Elements {
                source,
                stats: Stats::new()?,
                cpu: PerCpu::new()?,
                pool: AtomicPtr::new(core::ptr::null_mut()),
                reserve_low: AtomicLong::new(min_nr as isize),
            },
            GFP_KERNEL,
        )?;
        let data = core::ptr::from_ref::<Elements<S>>(&elements)
            .cast_mut()
            .cast();
        // SAFETY: The callbacks for `S` take `data`, which the box keeps at this address until
        // the pool is destroyed.
        let pool = unsafe {
            bindings::mempool_create_node(
                min_nr,
                Some(element_alloc::<S>),
                Some(element_free::<S>),
                data,
                bindings::GFP_KERNEL,
                bindings::NUMA_NO_NODE,
            )
        };
        let pool = NonNull::new(pool).ok_or(ENOMEM)?;
        // The callbacks may read the pool from now on; they run only inside calls on it.
        elements.pool.store_release(pool.as_ptr());
        // INVARIANT: `pool` is a new pool over `elements`, owned by nobody else.
        Ok(Self {
            pool,
            elements,
            #[cfg(rmp_registry)]
            registered: None,
            _source: PhantomData,
        })
    }

    /// Shows the pool in debugfs, named as `name` formats, unless the registry cannot take
    /// it: observation never fails the pool's constructor.
    #[cfg(rmp_registry)]
    pub(crate) fn registered(mut self, name: core::fmt::Arguments<'_>) -> Self {
        use crate::slab::registry::Registered;
        use kernel::{c_str, str::CString};
        let Ok(name) = CString::try_from_fmt(name) else {
            return self;
        };
        let report = PoolReport {
            elements: core::ptr::from_ref::<Elements<S>>(&self.elements),
        };
        // INVARIANT: the report reads the boxed elements, which stay where they are until
        // `drop`, which removes the registration first.
        self.registered = Registered::new(c_str!("pool"), &name, report);
        self
    }

    /// The source the pool allocates from.
    pub(crate) fn source(&self) -> &S {
        &self.elements.source
    }

    /// Allocates an element: null only if it gets none, which needs flags that do not sleep.
    /// `fill` gets the element before it is counted, so that a value goes straight into it
    /// (see `KmemCache::alloc_filled`).
    #[inline(always)]
    pub(crate) fn alloc_filled(
        &self,
        gfp: bindings::gfp_t,
        fill: impl FnOnce(NonNull<c_void>),
    ) -> *mut c_void {
        let pool = self.pool.as_ptr();
        let obj = if gfp & DIRECT_RECLAIM != 0 {
            // `mempool_alloc()`'s own first attempt: the allocator without direct reclaim, then
            // the reserve. Only if both come up empty does it reclaim and then wait for a free:
            // count that.
            // SAFETY: `pool` is live by the type invariant.
            let obj = unsafe { mempool_alloc(pool, gfp & !DIRECT_RECLAIM) };
            if obj.is_null() {
                self.elements.cpu.this_cpu().add_u64(WAITS, 1);
                // SAFETY: As above.
                unsafe { mempool_alloc(pool, gfp) }
            } else {
                obj
            }
        } else {
            // SAFETY: As above.
            unsafe { mempool_alloc(pool, gfp) }
        };
        match NonNull::new(obj) {
            Some(new) => {
                fill(new);
                self.elements.stats.alloced(1);
            }
            None => self.elements.stats.failed(),
        }
        obj
    }

    /// Allocates an element with flags that sleep (`SleepFlags`), for which `mempool_alloc()`
    /// waits for a free rather than fail, and fills it as [`RawPool::alloc_filled`] does.
    #[inline(always)]
    pub(crate) fn alloc_sleeping(
        &self,
        gfp: bindings::gfp_t,
        fill: impl FnOnce(NonNull<c_void>),
    ) -> NonNull<c_void> {
        checked(
            self.alloc_filled(gfp, fill),
            "mempool_alloc() with flags that sleep",
        )
    }

    /// Gives `obj` back, to the reserve first if it is short.
    ///
    /// # Safety
    ///
    /// `obj` is an element of this pool that is not used again.
    #[inline(always)]
    pub(crate) unsafe fn free(&self, obj: *mut c_void) {
        // SAFETY: By the type invariant and the safety requirements.
        unsafe { bindings::mempool_free(obj, self.pool.as_ptr()) };
        self.elements.stats.freed(1);
    }

    /// Keeps `min_nr` elements in reserve from now on.
    pub(crate) fn resize(&self, min_nr: c_int) -> Result {
        // SAFETY: `pool` is live by the type invariant.
        kernel::error::to_result(unsafe { bindings::mempool_resize(self.pool.as_ptr(), min_nr) })?;
        // A smaller reserve holds fewer elements.
        self.elements
            .reserve_low
            .lower_relaxed(self.reserve() as isize);
        Ok(())
    }

    /// Fills `elems` with elements, from the source first and then from the reserve, waiting
    /// for elements to come back if both run short (`mempool_alloc_bulk()`, which allocates
    /// with `GFP_KERNEL`: the caller narrows it with a `memalloc_*_save()` scope). `EINVAL`,
    /// allocating nothing, if `elems` is longer than the reserve: the C pool could wait for it
    /// forever.
    ///
    /// Counts the elements and lowers `reserve_low` to the reserve left after the call; a
    /// bulk allocation that waited is not told apart from one that did not, so it does not
    /// count in `waits`.
    #[cfg(rmp_mempool_bulk)]
    pub(crate) fn alloc_bulk(&self, elems: &mut [*mut c_void]) -> Result {
        // SAFETY: `pool` is live by the type invariant; `min_nr` changes under its lock, so it
        // is read once.
        let min_nr = unsafe { read_once(&raw const (*self.pool.as_ptr()).min_nr) };
        if elems.len() > min_nr.max(0) as usize {
            return Err(EINVAL);
        }
        // SAFETY: `pool` is live; `elems` has room for `elems.len()` pointers, which fits a
        // `u32` as it is at most `min_nr`. The call always fills all of them (it returns 0).
        unsafe {
            bindings::mempool_alloc_bulk_noprof(
                self.pool.as_ptr(),
                elems.as_mut_ptr(),
                elems.len() as u32,
            )
        };
        self.elements.stats.alloced(elems.len());
        self.elements
            .reserve_low
            .lower_relaxed(self.reserve() as isize);
        Ok(())
    }

    /// The elements in the reserve now.
    fn reserve(&self) -> c_int {
        // SAFETY: `pool` is live by the type invariant; the C pool changes `curr_nr` under its
        // lock, so it is read once.
        unsafe { read_once(&raw const (*self.pool.as_ptr()).curr_nr) }
    }

    /// Starts `reserve_low` again from the elements in the reserve now.
    pub(crate) fn reset_reserve_low(&self) {
        self.elements
            .reserve_low
            .store_relaxed(self.reserve() as isize);
    }

    /// The pool's counters.
    pub(crate) fn stats(&self) -> PoolStats {
        pool_stats(&self.elements)
    }
}

/// The counters of the pool whose elements are `e`.
fn pool_stats<S>(e: &Elements<S>) -> PoolStats {
    let elements = e.stats.read();
    let (mut served, mut waits) = (0u64, 0u64);
    e.cpu.for_each_cpu(|c| {
        // SAFETY: `for_each_cpu` passes a valid, aligned pointer to one CPU's counters.
        unsafe {
            served += read_once(&raw const (*c).served);
            waits += read_once(&raw const (*c).waits);
        }
    });
    let pool = e.pool.load_acquire();
    // SAFETY: The pool is published before its `RawPool` exists, so before anything reads its
    // counters, and lives as long as `e`; the C pool changes these two under its lock, so they
    // are read once each.
    let (min_nr, reserve) = unsafe {
        (
            read_once(&raw const (*pool).min_nr),
            read_once(&raw const (*pool).curr_nr),
        )
    };
    PoolStats {
        min_nr: min_nr.max(0) as u64,
        reserve: reserve.max(0) as u64,
        allocs: elements.allocs,
        frees: elements.frees,
        live: elements.live,
        peak: elements.peak,
        reserve_low: e.reserve_low.load_relaxed().max(0) as u64,
        emergency: elements.allocs.saturating_sub(served),
        waits,
        failures: elements.failures,
    }
}

/// What a pool shows in debugfs: the size of its elements and its counters.
///
/// # Invariants
///
/// `elements` are the elements of a live pool for as long as the report is registered: the
/// pool removes the registration before it is destroyed.
#[cfg(rmp_registry)]
pub(crate) struct PoolReport<S> {
    elements: *const Elements<S>,
}

// SAFETY: The report only reads the pool's counters, which any thread may do.
#[cfg(rmp_registry)]
unsafe impl<S: Source> Send for PoolReport<S> {}
// SAFETY: As above.
#[cfg(rmp_registry)]
unsafe impl<S: Source> Sync for PoolReport<S> {}

#[cfg(rmp_registry)]
impl<S: Source> crate::slab::registry::Report for PoolReport<S> {
    fn show(&self, out: &mut crate::slab::registry::Out<'_>) -> core::fmt::Result {
        use core::fmt::Write;
        // SAFETY: `elements` is live (type invariant).
        let e = unsafe { &*self.elements };
        writeln!(out, "element_size: {}", e.source.element_size())?;
        write!(out, "{}", pool_stats(e))
    }

    fn totals(&self) -> bindings::rmp_totals {
        // SAFETY: `elements` is live (type invariant).
        let e = unsafe { &*self.elements };
        let s = pool_stats(e);
        bindings::rmp_totals {
            allocs: s.allocs,
            frees: s.frees,
            live: s.live,
            failures: s.failures,
            object_size: e.source.element_size() as u64,
        }
    }
}

impl<S: Source> Drop for RawPool<'_, S> {
    fn drop(&mut self) {
        // Out of debugfs first: readers may still read the pool destroyed below.
        #[cfg(rmp_registry)]
        drop(self.registered.take());
        // SAFETY: `pool` is owned by this object (type invariant) and destroyed once; its
        // reserve goes back to the source through `element_free`, whose data is still boxed.
        unsafe { bindings::mempool_destroy(self.pool.as_ptr()) };
    }
}

/// `mempool_alloc()`, which C gets as a macro: the exported function itself when allocation
/// profiling is off (the macro adds nothing then), through the helper otherwise.
///
/// # Safety
///
/// `pool` is a live pool.
#[inline(always)]
unsafe fn mempool_alloc(pool: *mut bindings::mempool_t, gfp: bindings::gfp_t) -> *mut c_void {
    #[cfg(not(CONFIG_MEM_ALLOC_PROFILING))]
    // SAFETY: By the safety requirements.
    return unsafe { bindings::mempool_alloc_noprof(pool, gfp) };
    #[cfg(CONFIG_MEM_ALLOC_PROFILING)]
    // SAFETY: By the safety requirements.
    return unsafe { bindings::mempool_alloc(pool, gfp) };
}

/// The pool's element allocator for elements from `S`.
///
/// # Safety
///
/// `data` is the `Elements<S>` of a live [`RawPool`].
unsafe extern "C" fn element_alloc<S: Source>(
    gfp: bindings::gfp_t,
    data: *mut c_void,
) -> *mut c_void {
    // SAFETY: By the safety requirements.
    let e = unsafe { &*data.cast::<Elements<S>>() };
    let obj = e.source.alloc(gfp);
    // Only `mempool_alloc()` adds `__GFP_NOMEMALLOC`: this is the allocation path.
    if gfp & NOMEMALLOC != 0 {
        if obj.is_null() {
            reserve_taken(e);
        } else {
            e.cpu.this_cpu().add_u64(SERVED, 1);
        }
    }
    obj
}

/// Notes that `mempool_alloc()` found no element in the allocator and is about to take one
/// from the reserve (or wait for one, or fail, if it is empty): the reserve will hold one
/// fewer than now. On the slow path only (the allocator failed), so the fast path pays
/// nothing for it. Concurrent allocations and frees may move the reserve between this read
/// and the taking, so the low is exact when one thread uses the pool at a time. (7.x's
/// `fail_mempool_alloc` fault injection takes from the reserve without asking the
/// allocator, so without this count.)
#[inline(always)]
fn reserve_taken<S>(e: &Elements<S>) {
    let pool = e.pool.load_acquire();
    if pool.is_null() {
        return;
    }
    // SAFETY: A published pool is live while its callbacks run; `curr_nr` changes under the
    // pool's lock, so it is read once.
    let now = unsafe { read_once(&raw const (*pool).curr_nr) };
    e.reserve_low.lower_relaxed((now as isize - 1).max(0));
}

/// The pool's element destructor for elements from `S`.
///
/// # Safety
///
/// `data` is the `Elements<S>` of a live [`RawPool`], and `obj` one of its elements.
unsafe extern "C" fn element_free<S: Source>(obj: *mut c_void, data: *mut c_void) {
    // SAFETY: By the safety requirements.
    let e = unsafe { &*data.cast::<Elements<S>>() };
    // SAFETY: `obj` is an element, so it came from the source's `alloc`.
    unsafe { e.source.free(obj) };
}

/// `ptr`, which C promised is not null: one that is all the same (a changed contract of
/// `what`) stops the kernel here, as `BUG()` would, rather than becoming a null element.
/// Free on the fast path: the callers test for null already, and this folds into it.
#[inline(always)]
pub(crate) fn checked<T>(ptr: *mut T, what: &'static str) -> NonNull<T> {
    match NonNull::new(ptr) {
        Some(p) => p,
        None => null_from_c(what),
    }
}

#[cold]
#[inline(never)]
fn null_from_c(what: &'static str) -> ! {
    panic!("rust_mempool: {what} returned NULL");
}
