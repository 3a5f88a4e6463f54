// SPDX-License-Identifier: GPL-2.0

//! Pool elements that keep their pool alive, so that they can be kept next to it.

use super::{Mempool, SleepFlags};
use core::{
    ops::{Deref, DerefMut},
    ptr::NonNull,
};
use kernel::{alloc::Flags, prelude::*, sync::Arc};

/// An element of a [`Mempool`] that holds a reference on its pool (an [`Arc`]) instead of
/// borrowing it: it can be stored anywhere, among others in the structure that holds the
/// pool, and goes back to its pool, which it keeps alive, when dropped.
///
/// # Examples
///
/// ```
/// use kernel::{c_str, sync::Arc};
/// use rust_mempool::mempool::{Mempool, SharedPoolBox, SleepFlags};
/// use rust_mempool::slab::{CacheFlags, KmemCache};
///
/// // A driver's state that keeps elements in flight next to their pool.
/// struct Queue {
///     in_flight: KVec<SharedPoolBox<u64>>,
///     pool: Arc<Mempool<'static, u64>>,
/// }
///
/// let cache = KmemCache::<u64>::new(c_str!("doc_shared_box"), CacheFlags::NONE)?;
/// let pool = Arc::new(Mempool::with_cache(cache, 2)?, GFP_KERNEL)?;
/// let mut q = Queue { in_flight: KVec::new(), pool };
/// let e = Mempool::alloc_shared(&q.pool, 7, SleepFlags::NOIO);
/// q.in_flight.push(e, GFP_KERNEL)?;
/// assert_eq!((*q.in_flight[0], q.pool.stats().live), (7, 1));
/// drop(q);
/// # Ok::<(), Error>(())
/// ```
///
/// # Invariants
///
/// `ptr` is an element allocated from `*pool`, holds an initialised `T`, and is owned by this box.
pub struct SharedPoolBox<T: 'static> {
    ptr: NonNull<T>,
    pool: Arc<Mempool<'static, T>>,
}

// SAFETY: A `SharedPoolBox` owns its `T`; `Arc<Mempool>` is `Send` as `Mempool` is `Send` and
// `Sync`.
unsafe impl<T: Send + 'static> Send for SharedPoolBox<T> {}
// SAFETY: `&SharedPoolBox` only gives `&T`.
unsafe impl<T: Sync + 'static> Sync for SharedPoolBox<T> {}

impl<T: 'static> Mempool<'static, T> {
    /// Allocates an element of `pool` that keeps it alive; may sleep, never fails, as
    /// [`Mempool::alloc`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{c_str, sync::Arc};
    /// use rust_mempool::mempool::{Mempool, SleepFlags};
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_alloc_shared"), CacheFlags::NONE)?;
    /// let pool = Arc::new(Mempool::with_cache(cache, 1)?, GFP_KERNEL)?;
    /// let e = Mempool::alloc_shared(&pool, 5, SleepFlags::KERNEL);
    /// // The element outlives this handle on the pool.
    /// drop(pool);
    /// assert_eq!(*e, 5);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn alloc_shared(pool: &Arc<Self>, value: T, flags: SleepFlags) -> SharedPoolBox<T> {
        let ptr = pool.alloc(value, flags).into_raw();
        // INVARIANT: `ptr` is an initialised element of `*pool`, which nothing else owns.
        SharedPoolBox {
            ptr,
            pool: pool.clone(),
        }
    }

    /// Allocates an element of `pool` that keeps it alive, with any flags: fails with `ENOMEM`
    /// as [`Mempool::try_alloc`] does.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{c_str, sync::Arc};
    /// use rust_mempool::mempool::Mempool;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_try_alloc_shared"), CacheFlags::NONE)?;
    /// let pool = Arc::new(Mempool::with_cache(cache, 1)?, GFP_KERNEL)?;
    /// let e = Mempool::try_alloc_shared(&pool, 9, GFP_NOWAIT)?;
    /// assert_eq!((*e, pool.stats().live), (9, 1));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_alloc_shared(pool: &Arc<Self>, value: T, flags: Flags) -> Result<SharedPoolBox<T>> {
        let ptr = pool.try_alloc(value, flags)?.into_raw();
        // INVARIANT: as in `alloc_shared`.
        Ok(SharedPoolBox {
            ptr,
            pool: pool.clone(),
        })
    }
}

impl<T: 'static> Deref for SharedPoolBox<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: By the type invariant `ptr` is valid and initialised for as long as `self`.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T: 'static> DerefMut for SharedPoolBox<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: As for `deref`, and `&mut self` makes the access unique.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T: 'static> Drop for SharedPoolBox<T> {
    fn drop(&mut self) {
        // SAFETY: By the type invariant `ptr` holds a `T`, dropped here once.
        unsafe { core::ptr::drop_in_place(self.ptr.as_ptr()) };
        // SAFETY: `ptr` is an element of `pool`, which `self.pool` keeps alive, now empty and
        // never used again.
        unsafe { self.pool.free_element(self.ptr) };
    }
}
