// SPDX-License-Identifier: GPL-2.0

//! Objects allocated and freed in bulk.

use super::{Accounting, KmemCache, Stats};
use kernel::prelude::*;

/// Objects from one [`KmemCache`], allocated together by [`KmemCache::alloc_bulk`] and given
/// back together (`kmem_cache_free_bulk()`) when dropped, after each `T` is dropped once.
///
/// The objects are not contiguous in memory, so they are reached by index or by iterator.
///
/// # Invariants
///
/// Every pointer in `ptrs` is a distinct object of `cache` holding an initialised `T`, owned by
/// this value.
///
/// # Examples
///
/// ```
/// use kernel::c_str;
/// use rust_mempool::slab::{CacheFlags, KmemCache};
///
/// let cache = KmemCache::<u64>::new(c_str!("doc_bulkbox"), CacheFlags::NONE)?;
/// let mut objs = cache.alloc_bulk(4, GFP_KERNEL, |i| i as u64)?;
/// for v in objs.iter_mut() {
///     *v += 10;
/// }
/// assert_eq!(objs.iter().sum::<u64>(), 10 + 11 + 12 + 13);
/// # Ok::<(), Error>(())
/// ```
pub struct BulkBox<'a, T, A: Accounting = Stats> {
    ptrs: KVec<*mut T>,
    cache: &'a KmemCache<T, A>,
}

// SAFETY: a `BulkBox` owns its `T`s like a `KVec<T>` would.
unsafe impl<T: Send, A: Accounting> Send for BulkBox<'_, T, A> {}
// SAFETY: `&BulkBox` only gives `&T`.
unsafe impl<T: Sync, A: Accounting> Sync for BulkBox<'_, T, A> {}

impl<'a, T, A: Accounting> BulkBox<'a, T, A> {
    /// # Invariants
    ///
    /// The caller hands over `ptrs` satisfying the type invariant.
    pub(super) fn new(ptrs: KVec<*mut T>, cache: &'a KmemCache<T, A>) -> Self {
        Self { ptrs, cache }
    }

    /// The number of objects.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_bulk_len"), CacheFlags::NONE)?;
    /// assert_eq!(cache.alloc_bulk(3, GFP_KERNEL, |i| i as u32)?.len(), 3);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.ptrs.len()
    }

    /// Whether there are no objects.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_bulk_empty"), CacheFlags::NONE)?;
    /// assert!(cache.alloc_bulk(0, GFP_KERNEL, |i| i as u32)?.is_empty());
    /// assert!(!cache.alloc_bulk(1, GFP_KERNEL, |i| i as u32)?.is_empty());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.ptrs.is_empty()
    }

    /// The `i`-th object, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_bulk_get"), CacheFlags::NONE)?;
    /// let objs = cache.alloc_bulk(2, GFP_KERNEL, |i| i as u32 + 10)?;
    /// assert_eq!((objs.get(1).copied(), objs.get(2)), (Some(11), None));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn get(&self, i: usize) -> Option<&T> {
        // SAFETY: by the type invariant each pointer is a valid `T` owned by `self`.
        self.ptrs.get(i).map(|&p| unsafe { &*p })
    }

    /// The `i`-th object, mutably, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_bulk_get_mut"), CacheFlags::NONE)?;
    /// let mut objs = cache.alloc_bulk(2, GFP_KERNEL, |i| i as u32)?;
    /// if let Some(o) = objs.get_mut(1) {
    ///     *o = 7;
    /// }
    /// assert_eq!(objs.get(1).copied(), Some(7));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        // SAFETY: as in `get`; the pointers are distinct, so `&mut self` makes this unique.
        self.ptrs.get(i).map(|&p| unsafe { &mut *p })
    }

    /// The objects in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_bulk_iter"), CacheFlags::NONE)?;
    /// let objs = cache.alloc_bulk(3, GFP_KERNEL, |i| i as u32 * 2)?;
    /// assert_eq!(objs.iter().copied().max(), Some(4));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        // SAFETY: as in `get`.
        self.ptrs.iter().map(|&p| unsafe { &*p })
    }

    /// The objects in order, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::c_str;
    /// use rust_mempool::slab::{CacheFlags, KmemCache};
    ///
    /// let cache = KmemCache::<u32>::new(c_str!("doc_bulk_iter_mut"), CacheFlags::NONE)?;
    /// let mut objs = cache.alloc_bulk(3, GFP_KERNEL, |_| 1)?;
    /// objs.iter_mut().for_each(|o| *o *= 5);
    /// assert_eq!(objs.iter().sum::<u32>(), 15);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        // SAFETY: as in `get_mut`: distinct pointers, each visited once under `&mut self`.
        self.ptrs.iter().map(|&p| unsafe { &mut *p })
    }
}

impl<T, A: Accounting> Drop for BulkBox<'_, T, A> {
    fn drop(&mut self) {
        for &p in self.ptrs.iter() {
            // SAFETY: by the type invariant `p` holds a `T`, dropped here once.
            unsafe { core::ptr::drop_in_place(p) };
        }
        if !self.ptrs.is_empty() {
            // SAFETY: every pointer came from `cache`, was dropped above and is not used again.
            unsafe { self.cache.free_bulk_raw(&mut self.ptrs) };
        }
    }
}
