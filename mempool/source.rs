// SPDX-License-Identifier: GPL-2.0

//! Where a pool's elements come from when its reserve is not used: a typed slab cache,
//! `kmalloc()` buffers of one size, or blocks of pages of one order, as the C pools made by
//! `mempool_create_slab_pool()`, `mempool_create_kmalloc_pool()` and
//! `mempool_create_page_pool()`.
//!
//! Each source is a type of its own, so the pool's element callbacks are made for it
//! (generic `extern "C"` functions in `raw.rs`): the typed pool's allocation path does not
//! test which kind of pool it is in.

use crate::bindings;
use crate::slab::{raw, Stats};
use kernel::ffi::c_void;

/// What a pool allocates its elements from and frees them into.
///
/// # Safety
///
/// `alloc` returns null or an element that `free` takes back, and that nothing else uses;
/// both may be called from any context the gfp flags allow, concurrently.
pub(crate) unsafe trait Source: Send + Sync + 'static {
    /// Allocates one element with `gfp`; null if there is none.
    fn alloc(&self, gfp: bindings::gfp_t) -> *mut c_void;

    /// Frees `obj`.
    ///
    /// # Safety
    ///
    /// `obj` came from [`Source::alloc`] of this source and is not used again.
    unsafe fn free(&self, obj: *mut c_void);

    /// The memory one element takes, in bytes, as the registry shows it.
    #[cfg(rmp_registry)]
    fn element_size(&self) -> usize;
}

/// Elements from a slab cache, counted in the cache's own counters.
///
/// # Invariants
///
/// `cache` is a live cache and `stats` counts it, for as long as this exists.
pub(crate) struct SlabSource {
    cache: *mut bindings::kmem_cache,
    stats: *const Stats,
}

impl SlabSource {
    /// The source of the objects of `cache`, counted in `stats`.
    ///
    /// # Safety
    ///
    /// `cache` is a live cache and `stats` counts it; both stay valid while the result
    /// exists.
    pub(crate) unsafe fn new(cache: *mut bindings::kmem_cache, stats: *const Stats) -> Self {
        // INVARIANT: by the safety requirements.
        Self { cache, stats }
    }
}

// SAFETY: Slab caches may be used from any thread, and `Stats` counts per CPU.
unsafe impl Send for SlabSource {}
// SAFETY: As above.
unsafe impl Sync for SlabSource {}

// SAFETY: `raw::alloc` hands out objects of `cache` that `raw::free` takes back, in the
// contexts the gfp flags allow.
unsafe impl Source for SlabSource {
    #[inline(always)]
    fn alloc(&self, gfp: bindings::gfp_t) -> *mut c_void {
        // SAFETY: The cache and its counters are valid (type invariant).
        unsafe { raw::alloc(self.cache, &*self.stats, gfp, bindings::NUMA_NO_NODE) }
    }

    #[inline(always)]
    unsafe fn free(&self, obj: *mut c_void) {
        // SAFETY: The cache and its counters are valid (type invariant), and `obj` is one of
        // its objects by the safety requirements.
        unsafe { raw::free(self.cache, &*self.stats, obj) };
    }

    #[cfg(rmp_registry)]
    fn element_size(&self) -> usize {
        // SAFETY: The cache is valid (type invariant).
        unsafe { bindings::kmem_cache_size(self.cache) as usize }
    }
}

/// `kmalloc()` buffers of `size` bytes, as C's `mempool_kmalloc()`.
pub(crate) struct KmallocSource {
    pub(crate) size: usize,
}

// SAFETY: `mempool_kmalloc()` returns null or a buffer that `mempool_kfree()` (`kfree()`)
// frees, in the contexts the gfp flags allow.
unsafe impl Source for KmallocSource {
    fn alloc(&self, gfp: bindings::gfp_t) -> *mut c_void {
        // SAFETY: C's own kmalloc pool callback, whose data is the size.
        unsafe { bindings::mempool_kmalloc(gfp, self.size as *mut c_void) }
    }

    unsafe fn free(&self, obj: *mut c_void) {
        // SAFETY: `obj` is a `kmalloc()` buffer by the safety requirements.
        unsafe { bindings::mempool_kfree(obj, self.size as *mut c_void) };
    }

    #[cfg(rmp_registry)]
    fn element_size(&self) -> usize {
        self.size
    }
}

/// Blocks of `1 << order` pages, as C's `mempool_alloc_pages()`: the element is the first
/// `struct page`. Never from high memory, so every block is mapped (see `PagePool`).
pub(crate) struct PageSource {
    pub(crate) order: u32,
}

const HIGHMEM: bindings::gfp_t = 1 << bindings::___GFP_HIGHMEM_BIT;

// SAFETY: `mempool_alloc_pages()` returns null or a block of `1 << order` pages that
// `mempool_free_pages()` (`__free_pages()`) frees, in the contexts the gfp flags allow.
unsafe impl Source for PageSource {
    fn alloc(&self, gfp: bindings::gfp_t) -> *mut c_void {
        // SAFETY: C's own page pool callback, whose data is the order.
        unsafe { bindings::mempool_alloc_pages(gfp & !HIGHMEM, self.order as usize as *mut c_void) }
    }

    unsafe fn free(&self, obj: *mut c_void) {
        // SAFETY: `obj` is a block of this order by the safety requirements.
        unsafe { bindings::mempool_free_pages(obj, self.order as usize as *mut c_void) };
    }

    #[cfg(rmp_registry)]
    fn element_size(&self) -> usize {
        kernel::page::PAGE_SIZE << self.order
    }
}
