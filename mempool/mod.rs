// SPDX-License-Identifier: GPL-2.0

//! Reserve pools: allocation that keeps working under memory pressure.
//!
//! C header: [`include/linux/mempool.h`](srctree/include/linux/mempool.h)
//!
//! A driver on the memory-reclaim path (block I/O, network writeback) must make progress
//! exactly when memory is short, because its progress is what frees memory. A [`Mempool`]
//! keeps `min_nr` elements of a [`KmemCache`](crate::slab::KmemCache) in reserve: when the
//! cache cannot allocate, an element comes from the reserve, and when the reserve is empty a
//! sleeping allocation waits for an element to come back, which in-flight I/O guarantees.
//!
//! The types say which allocations can fail. [`Mempool::alloc`] takes [`SleepFlags`], which
//! always allow sleeping, and returns the element itself; [`Mempool::try_alloc`] takes any
//! flags and returns a `Result`. Elements are [`PoolBox`]es that borrow the pool, so a pool
//! cannot be destroyed while an element is out, and every element goes back to the pool it
//! came from, refilling the reserve first. A pool borrows its cache ([`Mempool::new`]) or, to
//! be kept in a driver's state, owns it ([`Mempool::with_cache`]).
//!
//! [`PoolStats`] counts what the reserve did: allocations served from it (`emergency`),
//! allocations that had to wait, and allocations that failed (only non-sleeping ones can).
//!
//! # Example
//!
//! A block driver's request, allocated on the I/O path, that cannot fail for lack of memory:
//!
//! ```
//! use kernel::c_str;
//! use rust_mempool::mempool::{Mempool, SleepFlags};
//! use rust_mempool::slab::{CacheFlags, KmemCache};
//!
//! struct Request {
//!     sector: u64,
//!     len: u32,
//! }
//!
//! struct Queue<'a> {
//!     requests: Mempool<'a, Request>,
//! }
//!
//! impl Queue<'_> {
//!     // Called for each bio: may sleep, must not start I/O to reclaim, never fails.
//!     fn submit(&self, sector: u64, len: u32) -> u64 {
//!         let req = self.requests.alloc(Request { sector, len }, SleepFlags::NOIO);
//!         req.sector + u64::from(req.len)
//!     }
//! }
//!
//! let cache = KmemCache::<Request>::new(c_str!("doc_blk_request"), CacheFlags::HWCACHE_ALIGN)?;
//! let queue = Queue { requests: Mempool::new(&cache, 16)? };
//! assert_eq!(queue.submit(8, 4), 12);
//! assert_eq!(queue.requests.stats().reserve, 16);
//! # Ok::<(), Error>(())
//! ```

mod compat;
mod flags;
mod kmalloc;
#[cfg(rmp_kunit)]
mod kunit;
mod pages;
mod pool;
mod pool_ref;
mod raw;
mod shared;
mod source;

pub use flags::SleepFlags;
pub use kmalloc::{KmallocPool, PoolBuf, MAX_BUF_SIZE};
pub use pages::{PagePool, PoolPages, MAX_ORDER};
pub use pool::{Mempool, PoolBox, PoolStats, MAX_MIN_NR};
pub use pool_ref::PoolRef;
pub use shared::SharedPoolBox;
