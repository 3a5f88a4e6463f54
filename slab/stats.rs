// SPDX-License-Identifier: GPL-2.0

//! Usage counters of a cache.

use crate::bindings;
use core::ptr::NonNull;
use kernel::prelude::*;

/// A snapshot of a cache's usage counters.
///
/// Counters are kept per CPU and summed when read: each is exact when no
/// allocation or free runs at the time of the read. `peak` is exact when one
/// CPU does all allocations and frees; otherwise it may be off by less than 64
/// objects per other CPU (see `slab/stats.c`).
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

impl From<bindings::rmp_stats_snapshot> for CacheStats {
    fn from(s: bindings::rmp_stats_snapshot) -> Self {
        Self {
            allocs: s.allocs,
            frees: s.frees,
            live: s.live,
            peak: s.peak,
            failures: s.failures,
        }
    }
}

/// Owned per-CPU counters.
///
/// # Invariants
///
/// `self.0` points to counters made by `rmp_stats_create()` and owned by this object, unless
/// it is held in a `ManuallyDrop` whose owner hands it to a C function that frees it.
pub(crate) struct Stats(NonNull<bindings::rmp_stats>);

impl Stats {
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: `rmp_stats_create` has no preconditions.
        let raw = unsafe { bindings::rmp_stats_create() };
        // INVARIANT: a non-null result is a fresh set of counters that nobody else owns.
        Ok(Self(NonNull::new(raw).ok_or(ENOMEM)?))
    }

    pub(crate) fn as_ptr(&self) -> *mut bindings::rmp_stats {
        self.0.as_ptr()
    }

    pub(crate) fn read(&self) -> CacheStats {
        let mut snap = bindings::rmp_stats_snapshot::default();
        // SAFETY: `self.0` is valid by the type invariant; `snap` is a valid place to write.
        unsafe { bindings::rmp_stats_read(self.0.as_ptr(), &mut snap) };
        snap.into()
    }
}

impl Drop for Stats {
    fn drop(&mut self) {
        // SAFETY: by the type invariant this object owns the counters and drops them only once.
        unsafe { bindings::rmp_stats_destroy(self.0.as_ptr()) };
    }
}

// SAFETY: the counters are only updated through `this_cpu` operations and read with
// `READ_ONCE`, from any thread: `Stats` has no thread affinity.
unsafe impl Send for Stats {}
// SAFETY: all shared access (`read`, `as_ptr` for the C accounting) is safe from any thread
// at once, as above.
unsafe impl Sync for Stats {}
