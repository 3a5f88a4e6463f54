// SPDX-License-Identifier: GPL-2.0

//! Declarations of the C shims in `slab/*.c`.
//!
//! The kernel crate's bindings cover the real slab functions, but
//! `kmem_cache_create()` is a macro and the allocation paths do their
//! accounting in C, so these are declared here by hand. Each declaration
//! matches the C prototype of the same name.

use kernel::bindings::{gfp_t, kmem_cache};
use kernel::ffi::{c_char, c_int, c_void};

/// The C `struct rmp_stats`: per-CPU counters, only ever used through a pointer.
#[repr(C)]
pub(crate) struct RmpStats {
    _opaque: [u8; 0],
}

/// The C `struct rmp_stats_snapshot`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct RmpStatsSnapshot {
    pub(crate) allocs: u64,
    pub(crate) frees: u64,
    pub(crate) failures: u64,
    pub(crate) live: u64,
    pub(crate) peak: u64,
    pub(crate) pending: u64,
}

extern "C" {
    pub(crate) fn rmp_stats_create() -> *mut RmpStats;
    pub(crate) fn rmp_stats_destroy(stats: *mut RmpStats);
    pub(crate) fn rmp_stats_read(stats: *mut RmpStats, out: *mut RmpStatsSnapshot);

    pub(crate) fn rmp_kmem_cache_create(
        name: *const c_char,
        size: u32,
        align: u32,
        flags: u32,
    ) -> *mut kmem_cache;
    pub(crate) fn rmp_cache_alloc(
        s: *mut kmem_cache,
        stats: *mut RmpStats,
        gfp: gfp_t,
        node: c_int,
    ) -> *mut c_void;
    pub(crate) fn rmp_cache_free(s: *mut kmem_cache, stats: *mut RmpStats, obj: *mut c_void);
    pub(crate) fn rmp_cache_alloc_bulk(
        s: *mut kmem_cache,
        stats: *mut RmpStats,
        gfp: gfp_t,
        nr: usize,
        objs: *mut *mut c_void,
    ) -> usize;
    pub(crate) fn rmp_cache_free_bulk(
        s: *mut kmem_cache,
        stats: *mut RmpStats,
        nr: usize,
        objs: *mut *mut c_void,
    );
    pub(crate) fn rmp_cache_destroy(
        s: *mut kmem_cache,
        stats: *mut RmpStats,
        name: *const c_char,
    ) -> bool;

    pub(crate) fn rmp_slot_init(
        slot: *mut super::CacheSlot,
        name: *const c_char,
        size: u32,
        align: u32,
        flags: u32,
    ) -> c_int;
    pub(crate) fn rmp_slot_alloc(
        slot: *mut super::CacheSlot,
        gfp: gfp_t,
        node: c_int,
    ) -> *mut c_void;
    pub(crate) fn rmp_slot_free(slot: *mut super::CacheSlot, obj: *mut c_void);
    pub(crate) fn rmp_slot_exit(slot: *mut super::CacheSlot);
    pub(crate) fn rmp_slot_read(slot: *mut super::CacheSlot, out: *mut RmpStatsSnapshot);
}
