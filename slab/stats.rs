// SPDX-License-Identifier: GPL-2.0

//! Usage counters of a cache.
//!
//! Every event bumps counters of the local CPU only ([`PerCpu`]); readers sum the CPUs, so
//! allocs, frees, failures and live are exact once the cache is quiet.
//!
//! The peak needs a global live count, which per-CPU counters do not have. Each CPU keeps the
//! change in live it has not yet published (`delta`) and adds it to the shared `folded` count
//! only once it reaches [`FOLD_BATCH`], so the shared line is written once per batch. A CPU's
//! estimate of the global live count is `folded` plus its own `delta`: exact when one CPU does
//! all the work (the tests), and off by less than [`FOLD_BATCH`] per other CPU otherwise.
//! Readers report the larger of the peak estimates and the exact live count.

use super::compat::{self, AtomicLong};
use super::percpu::{read_once, PerCpu};
use core::mem::offset_of;
use kernel::{ffi::c_long, prelude::*};

/// A snapshot of a cache's usage counters.
///
/// Counters are kept per CPU and summed when read: each is exact when no
/// allocation or free runs at the time of the read. `peak` is exact when one
/// CPU does all allocations and frees; otherwise it may be off by less than 64
/// objects per other CPU (see the module's documentation).
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::slab::{CacheFlags, KmemCache};
///
/// let cache = KmemCache::<u64>::new(c_str!("doc_stats"), CacheFlags::NONE)?;
/// let a = cache.alloc(1, GFP_KERNEL)?;
/// drop(a);
/// let stats = cache.stats();
/// assert_eq!((stats.allocs, stats.frees, stats.live, stats.peak), (1, 1, 0, 1));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct CacheStats {
    /// Objects handed out.
    pub allocs: u64,
    /// Objects given back.
    pub frees: u64,
    /// Objects handed out and not yet given back.
    pub live: u64,
    /// The highest `live` seen.
    pub peak: u64,
    /// Allocation calls that failed (a failed bulk allocation counts once).
    pub failures: u64,
}

/// One `key: value` line per counter, in the order of the fields, as debugfs shows them; with
/// `{:#}`, one line of `key value` pairs, as the kernel log shows them.
///
/// # Examples
///
/// ```
/// use kernel::{c_str, str::CString};
/// use rust_mempool::slab::{CacheFlags, KmemCache};
///
/// let cache = KmemCache::<u64>::new(c_str!("doc_stats_display"), CacheFlags::NONE)?;
/// let a = cache.alloc(1, GFP_KERNEL)?;
/// let text = CString::try_from_fmt(format_args!("{}", cache.stats()))?;
/// assert_eq!(text.to_str()?, "allocs: 1\nfrees: 0\nlive: 1\npeak: 1\nfailures: 0\n");
/// let line = CString::try_from_fmt(format_args!("{:#}", cache.stats()))?;
/// assert_eq!(line.to_str()?, "allocs 1, frees 0, live 1, peak 1, failures 0");
/// drop(a);
/// # Ok::<(), Error>(())
/// ```
impl core::fmt::Display for CacheStats {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if f.alternate() {
            return write!(
                f,
                "allocs {}, frees {}, live {}, peak {}, failures {}",
                self.allocs, self.frees, self.live, self.peak, self.failures
            );
        }
        writeln!(f, "allocs: {}", self.allocs)?;
        writeln!(f, "frees: {}", self.frees)?;
        writeln!(f, "live: {}", self.live)?;
        writeln!(f, "peak: {}", self.peak)?;
        writeln!(f, "failures: {}", self.failures)
    }
}

super::compat::loggable!(CacheStats);

/// How far a CPU's unpublished change in live may grow before it is folded into the shared
/// count.
const FOLD_BATCH: c_long = 64;

/// One CPU's counters. Frees are not counted: frees = allocs - live, and live is the sum of the
/// deltas plus the folded count, so a free costs one `this_cpu` operation.
#[repr(C)]
struct CpuCounters {
    allocs: u64,
    failures: u64,
    /// Objects being allocated from a module-lifetime cache right now ([`CacheSlot`]).
    ///
    /// [`CacheSlot`]: super::CacheSlot
    pending: c_long,
    delta: c_long,
    peak: c_long,
}

const ALLOCS: usize = offset_of!(CpuCounters, allocs);
const FAILURES: usize = offset_of!(CpuCounters, failures);
const PENDING: usize = offset_of!(CpuCounters, pending);
const DELTA: usize = offset_of!(CpuCounters, delta);
const PEAK: usize = offset_of!(CpuCounters, peak);

/// What a cache counts: the accounting parameter of [`KmemCache<T, A>`](super::KmemCache).
///
/// [`Stats`], the default, keeps the [`CacheStats`] counters; [`NoStats`] keeps none and
/// costs nothing. The methods are the library's own; the trait is sealed.
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::slab::{Accounting, CacheFlags, KmemCache, NoStats, Stats};
///
/// fn make<A: Accounting>(name: &'static CStr) -> Result<KmemCache<u64, A>> {
///     KmemCache::new(name, CacheFlags::NONE)
/// }
///
/// let counted = make::<Stats>(c_str!("doc_accounting_on"))?;
/// let bare = make::<NoStats>(c_str!("doc_accounting_off"))?;
/// drop((counted.alloc(1, GFP_KERNEL)?, bare.alloc(2, GFP_KERNEL)?));
/// assert_eq!(counted.stats().allocs, 1);
/// # Ok::<(), Error>(())
/// ```
pub trait Accounting: Send + Sync + Sized + sealed::Sealed + 'static {
    #[doc(hidden)]
    fn new_counters() -> Result<Self>;
    #[doc(hidden)]
    fn alloced(&self, nr: usize);
    #[doc(hidden)]
    fn failed(&self);
    #[doc(hidden)]
    fn freed(&self, nr: usize);
    /// Objects live or being allocated, if counted: a cache is destroyed only when this is
    /// zero, and always when it is `None`.
    #[doc(hidden)]
    fn in_use(&self) -> Option<u64>;
    /// The counters, if there are any to show in debugfs.
    #[cfg(rmp_registry)]
    #[doc(hidden)]
    fn as_stats(&self) -> Option<&Stats>;
}

mod sealed {
    #[doc(hidden)]
    pub trait Sealed {}
    impl Sealed for super::Stats {}
    impl Sealed for super::NoStats {}
}

/// No counters: a cache that counts nothing, so that its allocations and frees are the slab
/// calls alone, at the price of C.
///
/// Without a live count the cache cannot tell leaked objects at its drop, so
/// `kmem_cache_destroy()` finds them: slab then warns and keeps the cache, and the leaked
/// objects stay valid.
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::slab::{CacheFlags, KmemCache, NoStats};
///
/// let cache = KmemCache::<[u8; 64], NoStats>::new(c_str!("doc_nostats"), CacheFlags::NONE)?;
/// let mut block = cache.alloc([0; 64], GFP_KERNEL)?;
/// block[0] = 1;
/// assert_eq!(block[0], 1);
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct NoStats;

impl Accounting for NoStats {
    fn new_counters() -> Result<Self> {
        Ok(NoStats)
    }
    #[inline(always)]
    fn alloced(&self, _nr: usize) {}
    #[inline(always)]
    fn failed(&self) {}
    #[inline(always)]
    fn freed(&self, _nr: usize) {}
    fn in_use(&self) -> Option<u64> {
        None
    }
    #[cfg(rmp_registry)]
    fn as_stats(&self) -> Option<&Stats> {
        None
    }
}

impl Accounting for Stats {
    fn new_counters() -> Result<Self> {
        Self::new()
    }

    /// Counts `nr` objects handed out.
    ///
    /// The sums wrap rather than check for overflow: no counter comes near 2^63 objects, and
    /// the allocation path should not carry a panic for it.
    #[inline(always)]
    fn alloced(&self, nr: usize) {
        // One copy of the per-CPU pointer for all the operations below.
        let cpu = self.cpu.this_cpu();
        cpu.add_u64(ALLOCS, nr as u64);
        let delta = cpu.add_return_long(DELTA, nr as c_long);
        let live = self.folded.load_relaxed().wrapping_add(delta);
        let mut peak = cpu.read_long(PEAK);
        // A racing interrupt on this CPU may have raised it: keep the larger.
        while live > peak {
            let old = cpu.cmpxchg_long(PEAK, peak, live);
            if old == peak {
                break;
            }
            peak = old;
        }
        if delta >= FOLD_BATCH {
            self.fold();
        }
    }

    /// Counts one allocation call that got nothing.
    #[inline(always)]
    fn failed(&self) {
        self.cpu.this_cpu().add_u64(FAILURES, 1);
    }

    /// Counts `nr` objects given back.
    #[inline(always)]
    fn freed(&self, nr: usize) {
        if self.cpu.this_cpu().add_return_long(DELTA, -(nr as c_long)) <= -FOLD_BATCH {
            self.fold();
        }
    }

    fn in_use(&self) -> Option<u64> {
        let (counted, pending) = self.read_with_pending();
        Some(counted.live + pending)
    }

    #[cfg(rmp_registry)]
    fn as_stats(&self) -> Option<&Stats> {
        Some(self)
    }
}

/// Per-CPU usage counters, read as [`CacheStats`]: the default accounting of a
/// [`KmemCache`](super::KmemCache), and what module-lifetime caches and pools keep.
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::slab::{CacheFlags, KmemCache, Stats};
///
/// // `KmemCache<T>` is `KmemCache<T, Stats>`.
/// let cache: KmemCache<u32, Stats> =
///     KmemCache::<u32>::new(c_str!("doc_stats_type"), CacheFlags::NONE)?;
/// let _a = cache.alloc(7, GFP_KERNEL)?;
/// assert_eq!(cache.stats().live, 1);
/// # Ok::<(), Error>(())
/// ```
pub struct Stats {
    cpu: PerCpu<CpuCounters>,
    folded: AtomicLong,
}

impl Stats {
    pub(crate) fn new() -> Result<Self> {
        Ok(Self {
            cpu: PerCpu::new()?,
            folded: AtomicLong::new(0),
        })
    }

    /// Counts `nr` objects about to be allocated (positive) or resolved (negative).
    #[inline(always)]
    pub(crate) fn reserve(&self, nr: c_long) {
        self.cpu.this_cpu().add_long(PENDING, nr);
    }

    /// Moves this CPU's delta into the shared count: added there before it is taken away
    /// here, so a reader racing with it over-counts live for a moment but never under-counts
    /// it (which could let a cache with live objects be destroyed). If preemption moves us to
    /// another CPU in between, the sum over all CPUs is still right.
    #[cold]
    fn fold(&self) {
        let cpu = self.cpu.this_cpu();
        let delta = cpu.read_long(DELTA);
        self.folded.add_relaxed(delta);
        // Pairs with `smp_rmb()` in `read_with_pending()`: added before taken away.
        compat::smp_mb();
        cpu.add_long(DELTA, -delta);
    }

    /// The counters, and the objects being allocated from a module-lifetime cache now.
    ///
    /// Reads pending, then the deltas, then the folded count, pairing with the barriers of
    /// the allocation path of module-lifetime caches and of `fold()`: an object that is live
    /// or on its way is always counted in live or pending.
    pub(crate) fn read_with_pending(&self) -> (CacheStats, u64) {
        let mut pending: c_long = 0;
        self.cpu.for_each_cpu(|c| {
            // SAFETY: `for_each_cpu` passes a valid, aligned pointer to one CPU's counters.
            pending += unsafe { read_once(&raw const (*c).pending) };
        });
        // Pairs with `smp_wmb()` of the allocation path: counted live before not pending.
        compat::smp_mb();
        let (mut allocs, mut failures, mut live, mut peak) = (0u64, 0u64, 0 as c_long, 0);
        self.cpu.for_each_cpu(|c| {
            // SAFETY: As above, for each field.
            unsafe {
                allocs += read_once(&raw const (*c).allocs);
                failures += read_once(&raw const (*c).failures);
                live += read_once(&raw const (*c).delta);
                peak = peak.max(read_once(&raw const (*c).peak));
            }
        });
        // Pairs with `fold()`: a folded delta is seen in one place or both.
        compat::smp_rmb();
        let live = (live + self.folded.load_relaxed()).max(0) as u64;
        let stats = CacheStats {
            allocs,
            frees: allocs.saturating_sub(live),
            live,
            peak: (peak.max(0) as u64).max(live),
            failures,
        };
        (stats, pending.max(0) as u64)
    }

    pub(crate) fn read(&self) -> CacheStats {
        self.read_with_pending().0
    }
}
