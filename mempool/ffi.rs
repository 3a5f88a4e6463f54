// SPDX-License-Identifier: GPL-2.0

//! Declarations of the C shims in `mempool/pool.c`.

use crate::slab::ffi::RmpStats;
use kernel::bindings::{gfp_t, kmem_cache};
use kernel::ffi::{c_int, c_void};

/// The C `struct rmp_pool`, only ever used through a pointer.
#[repr(C)]
pub(crate) struct RmpPool {
    _opaque: [u8; 0],
}

/// The C `struct rmp_pool_snapshot`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct RmpPoolSnapshot {
    pub(crate) min_nr: u64,
    pub(crate) reserve: u64,
    pub(crate) allocs: u64,
    pub(crate) frees: u64,
    pub(crate) live: u64,
    pub(crate) peak: u64,
    pub(crate) emergency: u64,
    pub(crate) waits: u64,
    pub(crate) failures: u64,
}

extern "C" {
    pub(crate) fn rmp_pool_create(
        cache: *mut kmem_cache,
        cache_stats: *mut RmpStats,
        min_nr: c_int,
    ) -> *mut RmpPool;
    pub(crate) fn rmp_pool_destroy(p: *mut RmpPool);
    pub(crate) fn rmp_pool_alloc(p: *mut RmpPool, gfp: gfp_t) -> *mut c_void;
    pub(crate) fn rmp_pool_free(p: *mut RmpPool, obj: *mut c_void);
    pub(crate) fn rmp_pool_resize(p: *mut RmpPool, min_nr: c_int) -> c_int;
    pub(crate) fn rmp_pool_read(p: *mut RmpPool, out: *mut RmpPoolSnapshot);
}
