// SPDX-License-Identifier: GPL-2.0

//! How an element of a buffer or page pool reaches its pool: by a borrow, or by a reference
//! count that keeps the pool alive.

use core::ops::Deref;
use kernel::sync::Arc;

mod private {
    pub trait Sealed {}
}

/// A reference to a pool `P` that an element keeps, to give itself back when dropped: `&P`,
/// so that the element cannot outlive the pool, or `Arc<P>`, so that the element keeps the
/// pool alive and can be stored next to it (as [`SharedPoolBox`](super::SharedPoolBox) does
/// for typed pools).
///
/// Sealed: both dereference to the same pool every time, which is what lets an element free
/// itself into the pool it came from and no other.
///
/// # Examples
///
/// ```
/// use kernel::sync::Arc;
/// use rust_mempool::mempool::{KmallocPool, PoolBuf, SleepFlags};
///
/// // Borrowed: the buffer cannot outlive `pool`.
/// let pool = KmallocPool::new(64, 2)?;
/// let borrowed: PoolBuf<&KmallocPool> = pool.alloc(SleepFlags::NOIO);
/// assert_eq!(borrowed.len(), 64);
///
/// // Shared: the buffer keeps its pool alive.
/// let shared = Arc::new(KmallocPool::new(64, 2)?, GFP_KERNEL)?;
/// let kept: PoolBuf<Arc<KmallocPool>> = KmallocPool::alloc_shared(&shared, SleepFlags::NOIO);
/// drop(shared);
/// assert_eq!(kept.len(), 64);
/// # Ok::<(), Error>(())
/// ```
pub trait PoolRef<P>: Deref<Target = P> + private::Sealed {}

impl<P> private::Sealed for &P {}
impl<P> PoolRef<P> for &P {}
impl<P> private::Sealed for Arc<P> {}
impl<P> PoolRef<P> for Arc<P> {}
