// SPDX-License-Identifier: GPL-2.0

//! The slab calls with their accounting, shared by [`KmemCache`](super::KmemCache), the
//! module-lifetime caches and the pools: each call and its counting in one place.

use super::{Accounting, CacheFlags};
use crate::bindings;
use core::ptr::NonNull;
use kernel::{
    ffi::{c_int, c_void},
    prelude::*,
};

/// Creates a slab cache named `name` for objects of `size` bytes aligned to `align`.
pub(crate) fn create(
    name: &'static CStr,
    size: u32,
    align: u32,
    flags: CacheFlags,
) -> Result<NonNull<bindings::kmem_cache>> {
    let mut args = bindings::kmem_cache_args {
        align,
        ..Default::default()
    };
    // SAFETY: `name` is NUL-terminated and lives forever, as the cache keeps it; `args` is
    // valid for the call, which copies what it needs.
    let raw = unsafe {
        bindings::__kmem_cache_create_args(name.as_char_ptr(), size, &mut args, flags.slab_flags())
    };
    NonNull::new(raw).ok_or(ENOMEM)
}

/// Allocates an object of `cache` from NUMA node `node` (any node if `NUMA_NO_NODE`), counted
/// in `stats`.
///
/// # Safety
///
/// `cache` is a live cache and `stats` counts it.
#[inline(always)]
pub(crate) unsafe fn alloc<A: Accounting>(
    cache: *mut bindings::kmem_cache,
    stats: &A,
    gfp: bindings::gfp_t,
    node: c_int,
) -> *mut c_void {
    // SAFETY: By the safety requirements.
    unsafe { alloc_filled(cache, stats, gfp, node, |_| {}) }
}

/// As [`alloc`], with `fill` called on the new object before it is counted (and not at all
/// if the allocation fails).
///
/// # Safety
///
/// As for [`alloc`].
#[inline(always)]
pub(crate) unsafe fn alloc_filled<A: Accounting>(
    cache: *mut bindings::kmem_cache,
    stats: &A,
    gfp: bindings::gfp_t,
    node: c_int,
    fill: impl FnOnce(NonNull<c_void>),
) -> *mut c_void {
    // SAFETY: `cache` is live by the safety requirements.
    let obj = unsafe { kmem_cache_alloc_node(cache, gfp, node) };
    match NonNull::new(obj) {
        Some(new) => {
            fill(new);
            stats.alloced(1);
        }
        None => stats.failed(),
    }
    obj
}

/// Gives `obj` back to `cache`, counted in `stats`.
///
/// # Safety
///
/// `cache` is a live cache and `stats` counts it; `obj` is an object of `cache` that is not
/// used again.
#[inline(always)]
pub(crate) unsafe fn free<A: Accounting>(
    cache: *mut bindings::kmem_cache,
    stats: &A,
    obj: *mut c_void,
) {
    // SAFETY: By the safety requirements.
    unsafe { bindings::kmem_cache_free(cache, obj) };
    stats.freed(1);
}

/// Allocates `nr` objects of `cache` into `objs`, all or none, counted in `stats`. Returns
/// whether it allocated them.
///
/// # Safety
///
/// `cache` is a live cache and `stats` counts it; `objs` is valid for writes of `nr` pointers;
/// `nr > 0`.
pub(crate) unsafe fn alloc_bulk<A: Accounting>(
    cache: *mut bindings::kmem_cache,
    stats: &A,
    gfp: bindings::gfp_t,
    nr: usize,
    objs: *mut *mut c_void,
) -> bool {
    // SAFETY: By the safety requirements. The helper returns the number allocated (`nr` or
    // 0) on kernels whose `kmem_cache_alloc_bulk()` returns a count, or whether it allocated
    // them where it returns a `bool`: with `nr > 0`, zero means none on both.
    if unsafe { bindings::kmem_cache_alloc_bulk(cache, gfp, nr, objs) } == 0 {
        stats.failed();
        return false;
    }
    stats.alloced(nr);
    true
}

/// Gives the `nr` objects of `objs` back to `cache`, counted in `stats`.
///
/// # Safety
///
/// `cache` is a live cache and `stats` counts it; `objs` holds `nr` objects of `cache` that
/// are not used again.
pub(crate) unsafe fn free_bulk<A: Accounting>(
    cache: *mut bindings::kmem_cache,
    stats: &A,
    nr: usize,
    objs: *mut *mut c_void,
) {
    // SAFETY: By the safety requirements.
    unsafe { bindings::kmem_cache_free_bulk(cache, nr, objs) };
    stats.freed(nr);
}

/// Destroys `cache` and its counters `stats` unless objects of it are counted live or being
/// allocated. Otherwise both are leaked on purpose, and an error logged: memory that safe Rust
/// code may still reach (a leaked box) must stay valid, and frees into the cache still count.
/// Without counters ([`NoStats`](super::NoStats)) the cache is always handed to
/// `kmem_cache_destroy()`, which itself keeps a cache that still has objects. Returns whether
/// it destroyed them.
///
/// # Safety
///
/// `cache` is a live cache and `stats`, from `KBox::into_raw`, counts it; the caller gives up
/// both and allocates from neither again.
pub(crate) unsafe fn destroy<A: Accounting>(
    cache: *mut bindings::kmem_cache,
    stats: *mut A,
    name: &CStr,
) -> bool {
    // SAFETY: `stats` is live by the safety requirements.
    let in_use = unsafe { &*stats }.in_use().unwrap_or(0);
    if in_use != 0 {
        pr_err!(
            "rust slab: cache {} still has {} objects; leaking it\n",
            name.to_str().unwrap_or("?"),
            in_use
        );
        return false;
    }
    // SAFETY: No object of `cache` is counted live or on its way, and nobody allocates from it
    // again.
    unsafe { bindings::kmem_cache_destroy(cache) };
    // SAFETY: `stats` came from `KBox::into_raw` and is given up by the caller.
    drop(unsafe { KBox::from_raw(stats) });
    true
}

/// `kmem_cache_alloc_node()`, which C gets as a macro: the exported function itself when
/// allocation profiling is off (the macro adds nothing then), so the fast path makes the one
/// call C makes, and `kmem_cache_alloc()`'s for any node, as C's; through the helper
/// otherwise, so that profiling sees the allocation.
///
/// # Safety
///
/// `cache` is a live cache.
#[inline(always)]
unsafe fn kmem_cache_alloc_node(
    cache: *mut bindings::kmem_cache,
    gfp: bindings::gfp_t,
    node: c_int,
) -> *mut c_void {
    #[cfg(not(CONFIG_MEM_ALLOC_PROFILING))]
    if node == bindings::NUMA_NO_NODE {
        // SAFETY: By the safety requirements.
        return unsafe { bindings::kmem_cache_alloc_noprof(cache, gfp) };
    }
    #[cfg(not(CONFIG_MEM_ALLOC_PROFILING))]
    // SAFETY: By the safety requirements.
    return unsafe { bindings::kmem_cache_alloc_node_noprof(cache, gfp, node) };
    #[cfg(CONFIG_MEM_ALLOC_PROFILING)]
    // SAFETY: By the safety requirements.
    return unsafe { bindings::kmem_cache_alloc_node(cache, gfp, node) };
}
