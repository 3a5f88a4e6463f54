// SPDX-License-Identifier: GPL-2.0

//! Typed slab caches.
//!
//! C header: [`include/linux/slab.h`](srctree/include/linux/slab.h)
//!
//! A slab cache hands out many objects of one size quickly and with little waste. The C API
//! (`kmem_cache_create`, `kmem_cache_alloc`, `kmem_cache_free`, `kmem_cache_destroy`) leaves
//! every rule to the caller: free each object once, into the cache it came from, before the
//! cache is destroyed, after dropping what it holds. This module makes the compiler keep those
//! rules. It offers two kinds of cache:
//!
//! - [`KmemCache<T>`], a value. Its objects are [`CacheBox<'_, T>`]s (or a [`BulkBox`]) that
//!   *borrow* the cache: an object cannot outlive its cache, cannot be freed into another
//!   cache (it holds its own), and cannot be freed twice (dropping consumes it). Use it when
//!   the cache lives inside a longer-lived object, such as a device.
//! - Module-lifetime caches, declared in one line with
//!   [`kmem_cache_allocator!`](crate::kmem_cache_allocator). The declared type is a zero-sized
//!   [`Allocator`](kernel::alloc::Allocator), so the kernel's own `Box<T, A>`, including
//!   `Box::pin_init`, allocates from the cache: one word per box, nothing borrowed. It is made
//!   by [`StaticCache::register`] in module init and taken away when the returned
//!   [`Registration`] drops at module exit.
//!
//! # Why no object can outlive its cache
//!
//! For [`KmemCache`] the borrow checker proves it: dropping the cache needs it unborrowed,
//! so every `CacheBox` is gone. Safe code can still leak a box
//! with `core::mem::forget`; the cache then finds objects live when dropped and leaks itself
//! rather than destroy memory that the leaked box may still reach.
//!
//! A module-lifetime cache cannot be borrowed by `Box<T, A>`, whose allocator has no `self`.
//! Its [`Registration`] instead takes the cache out of use (new allocations fail), waits for an
//! RCU grace period so that an allocation that already saw the cache has counted its object,
//! and then destroys the cache only if no object is live or on its way, leaking it otherwise.
//!
//! # Counters
//!
//! Each cache counts allocations, frees, live objects, the peak of live objects and failed
//! allocations ([`CacheStats`]). Counters are per CPU, so the allocation path writes no cache
//! line that another CPU writes too (see `slab/stats.rs`).
//!
//! Counting is the cache's second type parameter, [`Accounting`]: `KmemCache<T>` is
//! `KmemCache<T, Stats>`, and `KmemCache<T, NoStats>` counts nothing, so that an allocation is
//! the one slab call C makes. Without counters there is no `stats()` to call, and a leaked
//! object is found by `kmem_cache_destroy()` itself, which warns and keeps the cache.
//!
//! # Example
//!
//! A driver with a cache of request objects, each holding a lock, pinned in place:
//!
//! ```
//! use kernel::{alloc::Box, c_str, new_spinlock, sync::SpinLock};
//! use rust_mempool::slab::{CacheFlags, StaticCache};
//!
//! #[pin_data]
//! struct Request {
//!     sector: u64,
//!     #[pin]
//!     state: SpinLock<u32>,
//! }
//!
//! rust_mempool::kmem_cache_allocator!(RequestCache: Request = c_str!("doc_driver_request"));
//!
//! fn submit(sector: u64) -> Result<Pin<Box<Request, RequestCache>>> {
//!     Box::pin_init(
//!         pin_init!(Request { sector, state <- new_spinlock!(0) }),
//!         GFP_KERNEL,
//!     )
//! }
//!
//! let cache = RequestCache::register(CacheFlags::HWCACHE_ALIGN)?;
//! let req = submit(64)?;
//! *req.state.lock() = 1;
//! assert_eq!(cache.stats().live, 1);
//! drop(req);
//! assert_eq!((cache.stats().allocs, cache.stats().frees), (1, 1));
//! # Ok::<(), Error>(())
//! ```

mod bulk;
mod cache;
pub(crate) mod compat;
pub(crate) mod flags;
mod global;
#[cfg(rmp_kunit)]
mod kunit;
pub(crate) mod percpu;
pub(crate) mod raw;
#[cfg(rmp_registry)]
pub(crate) mod registry;
mod stats;

pub use bulk::BulkBox;
pub use cache::{CacheBox, KmemCache};
pub use flags::CacheFlags;
pub use global::{static_alloc, static_free, static_realloc, CacheSlot, Registration, StaticCache};
pub use stats::{Accounting, CacheStats, NoStats, Stats};

/// What [`kmem_cache_allocator!`](crate::kmem_cache_allocator) names, reachable through
/// `$crate` wherever the macro is used.
#[doc(hidden)]
pub mod macro_deps {
    #[cfg(rmp_alloc_nid)]
    pub use super::compat::node_id;
    #[cfg(rmp_alloc_nid)]
    pub use kernel::alloc::NumaNode;
    pub use kernel::alloc::{AllocError, Allocator, Flags};
    #[cfg(not(rmp_alloc_nid))]
    pub use kernel::bindings::NUMA_NO_NODE;
    pub use kernel::str::CStr;
}
