// SPDX-License-Identifier: GPL-2.0

//! Registration of caches and pools with the registry that `rust_mempool.ko` keeps
//! (`debugfs/registry.c`): each shows in debugfs under the module that made it, from its
//! creation until its drop, with no code in the driver. Out of tree only (`rmp_registry`):
//! a module that uses the library needs `rust_mempool.ko` loaded, whose exports these are.

use super::{CacheStats, Stats};
use crate::bindings;
use core::{fmt::Write, marker::PhantomData, ptr::NonNull};
use kernel::{
    ffi::{c_int, c_void},
    prelude::*,
};

/// What a registered cache or pool shows: its `stats` file and its `summary` line.
pub(crate) trait Report: Send + Sync + 'static {
    /// Writes the `stats` file.
    fn show(&self, out: &mut Out<'_>) -> core::fmt::Result;
    /// The numbers of the `summary` line.
    fn totals(&self) -> bindings::rmp_totals;
}

/// A `stats` file being read, as a [`core::fmt::Write`].
pub(crate) struct Out<'a> {
    m: *mut bindings::seq_file,
    _p: PhantomData<&'a mut bindings::seq_file>,
}

impl Write for Out<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        // SAFETY: `m` is the `seq_file` of the read in progress, valid for `'a`; `s` is valid
        // for `s.len()` bytes. On overflow `seq_file` reads again with a larger buffer.
        unsafe { bindings::seq_write(self.m, s.as_ptr().cast(), s.len()) };
        Ok(())
    }
}

/// A cache or pool shown in the registry, until this is dropped.
///
/// # Invariants
///
/// `entry` is a live registry entry, owned by this object, whose callbacks read `*report`.
pub(crate) struct Registered<R: Report> {
    entry: NonNull<bindings::rmp_entry>,
    // Read by the registry's callbacks only. Boxed: the entry keeps its address. Dropped
    // after `entry` is removed.
    _report: KBox<R>,
}

// SAFETY: The registry may be called from any thread; `R` is `Send + Sync`.
unsafe impl<R: Report> Send for Registered<R> {}
// SAFETY: `&Registered` gives access to nothing.
unsafe impl<R: Report> Sync for Registered<R> {}

impl<R: Report> Registered<R> {
    /// Shows `report` as the `kind` ("cache" or "pool") named `name` of this module, or
    /// nothing (`None`) if memory for the entry cannot be had: observation never fails its
    /// caller, which goes on unshown. The name is copied: sanitised to `[A-Za-z0-9_.-]` and
    /// made unique among the module's, at any count (see `debugfs/registry.h`).
    pub(crate) fn new(kind: &CStr, name: &CStr, report: R) -> Option<Self> {
        let report = KBox::new(report, GFP_KERNEL).ok()?;
        let data = core::ptr::from_ref::<R>(&report).cast::<c_void>();
        // SAFETY: `__this_module` is this module's `struct module`, which outlives its code;
        // `kind` and `name` are NUL-terminated and copied by the call; the callbacks of
        // `Ops::<R>` take `data`, a boxed `R` that stays at its address until the entry is
        // removed, in `drop`.
        let entry = unsafe {
            bindings::rmp_registry_add(
                &raw mut bindings::__this_module,
                kind.as_char_ptr(),
                name.as_char_ptr(),
                &Ops::<R>::OPS,
                data,
            )
        };
        // INVARIANT: `entry`, checked for NULL, is a new entry that reads `*report`.
        Some(Self {
            entry: NonNull::new(entry)?,
            _report: report,
        })
    }
}

impl<R: Report> Drop for Registered<R> {
    fn drop(&mut self) {
        // SAFETY: `entry` is live and owned by this object (type invariant); removing it waits
        // for reads in progress, and no callback reads `report` afterwards.
        unsafe { bindings::rmp_registry_remove(self.entry.as_ptr()) };
    }
}

/// The registry's callbacks for entries that read an `R`.
struct Ops<R>(PhantomData<R>);

impl<R: Report> Ops<R> {
    const OPS: bindings::rmp_entry_ops = bindings::rmp_entry_ops {
        show: Some(show::<R>),
        totals: Some(totals::<R>),
    };
}

/// # Safety
///
/// `m` is the `seq_file` of a read in progress and `data` the `R` of a live entry.
unsafe extern "C" fn show<R: Report>(m: *mut bindings::seq_file, data: *const c_void) -> c_int {
    // SAFETY: By the safety requirements.
    let report = unsafe { &*data.cast::<R>() };
    let mut out = Out { m, _p: PhantomData };
    match report.show(&mut out) {
        Ok(()) => 0,
        Err(_) => EINVAL.to_errno(),
    }
}

/// # Safety
///
/// `data` is the `R` of a live entry and `t` valid for a write.
unsafe extern "C" fn totals<R: Report>(data: *const c_void, t: *mut bindings::rmp_totals) {
    // SAFETY: By the safety requirements.
    unsafe { t.write((*data.cast::<R>()).totals()) };
}

/// What a cache shows: its name, object sizes and counters.
///
/// # Invariants
///
/// `cache` is a live cache counted in `stats` for as long as the report is registered: its
/// owner removes the registration before it destroys either.
pub(crate) struct CacheReport {
    cache: *mut bindings::kmem_cache,
    stats: *const Stats,
    name: &'static CStr,
    object_size: usize,
}

impl CacheReport {
    /// The report of `cache`, named `name`, whose objects are `object_size` bytes.
    ///
    /// # Safety
    ///
    /// `cache` is a live cache counted in `stats`; both stay valid while the report is
    /// registered.
    pub(crate) unsafe fn new(
        cache: *mut bindings::kmem_cache,
        stats: *const Stats,
        name: &'static CStr,
        object_size: usize,
    ) -> Self {
        // INVARIANT: by the safety requirements.
        Self {
            cache,
            stats,
            name,
            object_size,
        }
    }

    fn aligned_size(&self) -> usize {
        // SAFETY: `cache` is live (type invariant).
        unsafe { bindings::kmem_cache_size(self.cache) as usize }
    }

    fn stats(&self) -> CacheStats {
        // SAFETY: `stats` is live (type invariant).
        unsafe { &*self.stats }.read()
    }
}

// SAFETY: The report only reads the cache's size and its per-CPU counters, which any thread
// may do.
unsafe impl Send for CacheReport {}
// SAFETY: As above.
unsafe impl Sync for CacheReport {}

impl Report for CacheReport {
    fn show(&self, out: &mut Out<'_>) -> core::fmt::Result {
        writeln!(out, "name: {}", self.name.to_str().unwrap_or("?"))?;
        writeln!(out, "object_size: {}", self.object_size)?;
        writeln!(out, "aligned_size: {}", self.aligned_size())?;
        write!(out, "{}", self.stats())
    }

    fn totals(&self) -> bindings::rmp_totals {
        let s = self.stats();
        bindings::rmp_totals {
            allocs: s.allocs,
            frees: s.frees,
            live: s.live,
            failures: s.failures,
            object_size: self.aligned_size() as u64,
        }
    }
}
