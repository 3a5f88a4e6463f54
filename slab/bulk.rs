// SPDX-License-Identifier: GPL-2.0

//! Objects allocated and freed in bulk.

use super::{compat, Accounting, KmemCache, Stats};
use core::mem::MaybeUninit;
use kernel::{
    alloc::{AllocError, Flags},
    prelude::*,
};

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
    ptrs: Ptrs<T>,
    cache: &'a KmemCache<T, A>,
}

// SAFETY: A `BulkBox` owns its `T`s like a `KVec<T>` would.
unsafe impl<T: Send, A: Accounting> Send for BulkBox<'_, T, A> {}
// SAFETY: `&BulkBox` only gives `&T`.
unsafe impl<T: Sync, A: Accounting> Sync for BulkBox<'_, T, A> {}

impl<'a, T, A: Accounting> BulkBox<'a, T, A> {
    /// # Invariants
    ///
    /// The caller hands over `ptrs` satisfying the type invariant.
    pub(super) fn new(ptrs: Ptrs<T>, cache: &'a KmemCache<T, A>) -> Self {
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
        self.ptrs.as_slice().len()
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
        self.ptrs.as_slice().is_empty()
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
        // SAFETY: By the type invariant each pointer is a valid `T` owned by `self`.
        self.ptrs.as_slice().get(i).map(|&p| unsafe { &*p })
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
        // SAFETY: As in `get`; the pointers are distinct, so `&mut self` makes this unique.
        self.ptrs.as_slice().get(i).map(|&p| unsafe { &mut *p })
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
        // SAFETY: As in `get`.
        self.ptrs.as_slice().iter().map(|&p| unsafe { &*p })
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
        // SAFETY: As in `get_mut`: distinct pointers, each visited once under `&mut self`.
        self.ptrs.as_slice().iter().map(|&p| unsafe { &mut *p })
    }
}

impl<T, A: Accounting> Drop for BulkBox<'_, T, A> {
    #[inline]
    fn drop(&mut self) {
        for &p in self.ptrs.as_slice().iter() {
            // SAFETY: By the type invariant `p` holds a `T`, dropped here once.
            unsafe { core::ptr::drop_in_place(p) };
        }
        if !self.ptrs.as_slice().is_empty() {
            // SAFETY: Every pointer came from `cache`, was dropped above and is not used again.
            unsafe { self.cache.free_bulk_raw(self.ptrs.as_mut_slice()) };
        }
    }
}

/// Batches of up to this many objects keep their pointers inside the [`BulkBox`], larger ones
/// in an array from kmalloc: a kmalloc and a kfree per batch cost more than the slab calls of
/// a small batch.
const INLINE: usize = 16;

/// The object pointers of a [`BulkBox`].
///
/// # Invariants
///
/// `Inline`: `len <= INLINE`, and the first `len` elements of `ptrs` are initialised.
pub(super) enum Ptrs<T> {
    Inline {
        len: usize,
        ptrs: MaybeUninit<[*mut T; INLINE]>,
    },
    Heap(KVec<*mut T>),
}

impl<T> Ptrs<T> {
    /// Room for `nr` pointers, none set; `flags` for the array, if it needs one.
    #[inline]
    pub(super) fn with_capacity(nr: usize, flags: Flags) -> Result<Self, AllocError> {
        if nr <= INLINE {
            // INVARIANT: no element is set, and none is claimed.
            Ok(Self::Inline {
                len: 0,
                ptrs: MaybeUninit::uninit(),
            })
        } else {
            Ok(Self::Heap(KVec::with_capacity(nr, flags)?))
        }
    }

    /// Where the pointers go, with room for the `nr` given to [`Self::with_capacity`].
    #[inline]
    pub(super) fn as_mut_ptr(&mut self) -> *mut *mut T {
        match self {
            Self::Inline { ptrs, .. } => ptrs.as_mut_ptr().cast(),
            Self::Heap(v) => v.as_mut_ptr(),
        }
    }

    /// Marks the first `nr` pointers as set.
    ///
    /// # Safety
    ///
    /// None was set before, `nr` is at most the `nr` given to [`Self::with_capacity`], and the
    /// first `nr` elements from [`Self::as_mut_ptr`] were written.
    #[inline]
    pub(super) unsafe fn set_len(&mut self, nr: usize) {
        match self {
            // INVARIANT: `nr <= INLINE`, as this array was made for `nr`, and they were written.
            Self::Inline { len, .. } => *len = nr,
            // SAFETY: By the safety requirements, for the vector's own slots.
            Self::Heap(v) => unsafe { compat::kvec_fill_empty(v, nr) },
        }
    }

    /// The pointers set.
    #[inline]
    pub(super) fn as_slice(&self) -> &[*mut T] {
        match self {
            // SAFETY: By the type invariant the first `len <= INLINE` elements are initialised.
            Self::Inline { len, ptrs } => unsafe {
                core::slice::from_raw_parts(ptrs.as_ptr().cast(), *len)
            },
            Self::Heap(v) => v,
        }
    }

    /// The pointers set, to change.
    #[inline]
    pub(super) fn as_mut_slice(&mut self) -> &mut [*mut T] {
        match self {
            // SAFETY: As in `as_slice`, and `&mut self` makes the access unique.
            Self::Inline { len, ptrs } => unsafe {
                core::slice::from_raw_parts_mut(ptrs.as_mut_ptr().cast(), *len)
            },
            Self::Heap(v) => v,
        }
    }
}
