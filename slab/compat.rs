// SPDX-License-Identifier: GPL-2.0

//! The kernel crate APIs that differ between the kernels this code builds on.
//!
//! Every other file calls what is here and has no `cfg` of its own. Each `rmp_*` cfg comes from
//! `compat.mk`, which probes the kernel's sources for the feature (not for a version number):
//!
//! - `rmp_alloc_nid`: [`Allocator`](kernel::alloc::Allocator) has `MIN_ALIGN` and its
//!   `realloc` takes a `NumaNode`;
//! - `rmp_pin_init_crate`: pin-init is its own crate, `pin_init`, with no
//!   `PinInit::__pinned_init`;
//! - `rmp_kvec_inc_len`: `Vec::set_len` gave way to `inc_len` and `truncate`.
//!
//! 7.3 has all three, 6.12 none; kernels in between have what their sources show.

use kernel::prelude::*;

#[cfg(not(rmp_pin_init_crate))]
pub(crate) use kernel::init::Zeroable;
#[cfg(rmp_pin_init_crate)]
pub(crate) use pin_init::Zeroable;

/// Runs the initialiser `init` on `slot`.
///
/// # Safety
///
/// `slot` is valid for writes of a `T` and aligned. Unless `init` is an [`Init`], the value
/// written there is never moved until it is dropped. When `Err` is returned `slot` holds no
/// value; the caller may only free it.
#[cfg(not(rmp_pin_init_crate))]
#[inline(always)]
pub(crate) unsafe fn init_into<T, E>(slot: *mut T, init: impl PinInit<T, E>) -> Result<(), E> {
    // SAFETY: the caller's guarantees are those of `PinInit::__pinned_init`.
    unsafe { init.__pinned_init(slot) }
}

/// Runs the initialiser `init` on `slot`.
///
/// # Safety
///
/// `slot` is valid for writes of a `T` and aligned. Unless `init` is an [`Init`], the value
/// written there is never moved until it is dropped. When `Err` is returned `slot` holds no
/// value; the caller may only free it.
#[cfg(rmp_pin_init_crate)]
#[inline(always)]
pub(crate) unsafe fn init_into<T, E>(slot: *mut T, init: impl PinInit<T, E>) -> Result<(), E> {
    // SAFETY: the caller's guarantees are those of `pin_init::raw_try_init`.
    unsafe { pin_init::raw_try_init(slot, init) }
}

/// Makes the `n` elements that were written into the spare capacity of the empty `v` its
/// elements.
///
/// # Safety
///
/// `v` is empty, and its first `n` slots, `n <= v.capacity()`, hold initialised values that
/// nothing else owns.
#[cfg(not(rmp_kvec_inc_len))]
#[inline(always)]
pub(crate) unsafe fn kvec_fill_empty<T>(v: &mut KVec<T>, n: usize) {
    // SAFETY: by the caller's guarantees, the first `n` slots are initialised and in capacity.
    unsafe { v.set_len(n) };
}

/// Makes the `n` elements that were written into the spare capacity of the empty `v` its
/// elements.
///
/// # Safety
///
/// `v` is empty, and its first `n` slots, `n <= v.capacity()`, hold initialised values that
/// nothing else owns.
#[cfg(rmp_kvec_inc_len)]
#[inline(always)]
pub(crate) unsafe fn kvec_fill_empty<T>(v: &mut KVec<T>, n: usize) {
    // SAFETY: `v` is empty, so its length grows to `n`, whose slots are initialised and in
    // capacity by the caller's guarantees.
    unsafe { v.inc_len(n) };
}

/// Drops the elements of `v` from index `len` on, if it is longer.
#[cfg(rmp_kvec_inc_len)]
// Only rust_mempool.ko's control files truncate; the other crates that include slab/ do not.
#[allow(dead_code)]
pub(crate) fn kvec_truncate<T>(v: &mut KVec<T>, len: usize) {
    v.truncate(len);
}

/// Drops the elements of `v` from index `len` on, if it is longer.
#[cfg(not(rmp_kvec_inc_len))]
// Only rust_mempool.ko's control files truncate; the other crates that include slab/ do not.
#[allow(dead_code)]
pub(crate) fn kvec_truncate<T>(v: &mut KVec<T>, len: usize) {
    while v.len() > len {
        let last = v.len() - 1;
        // SAFETY: `last < v.len()`, so element `last` is initialised; it is read out once,
        // and the length is set to `last` before anything can observe it again, so it is
        // never dropped twice.
        let item = unsafe { core::ptr::read(v.as_ptr().add(last)) };
        // SAFETY: element `last` was moved out above; `last < v.capacity()`.
        unsafe { v.set_len(last) };
        drop(item);
    }
}

/// Makes types that implement [`core::fmt::Display`] printable by `pr_*!` too: where the
/// kernel's formatting macros take their own `kernel::fmt::Display`, implements it by
/// forwarding.
macro_rules! loggable {
    ($($t:ty),+) => {
        $(
            #[cfg(rmp_kernel_fmt)]
            impl kernel::fmt::Display for $t {
                fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                    core::fmt::Display::fmt(self, f)
                }
            }
        )+
    };
}
pub(crate) use loggable;

/// The bytes of `name`, without its NUL.
pub(crate) fn cstr_bytes(name: &CStr) -> &[u8] {
    // Both kernels implement `AsRef<BStr>` for their `CStr`, which derefs to `[u8]`: the 6.12
    // `CStr` is its own type with `as_bytes`, the 7.3 one is `core::ffi::CStr` with `to_bytes`.
    AsRef::<kernel::str::BStr>::as_ref(name)
}

/// The NUMA node `nid` names, as the C API takes it (`NUMA_NO_NODE` for any node).
#[cfg(rmp_alloc_nid)]
#[doc(hidden)]
#[inline(always)]
pub fn node_id(nid: kernel::alloc::NumaNode) -> i32 {
    use kernel::alloc::NumaNode;
    if nid == NumaNode::NO_NODE {
        return kernel::bindings::NUMA_NO_NODE;
    }
    // `NumaNode` keeps its id private in 7.3 (it gains `id()` later): find the node that
    // compares equal. Only node-specific requests come here, and `MAX_NUMNODES` is small.
    (0..kernel::bindings::MAX_NUMNODES as i32)
        .find(|&n| NumaNode::new(n).is_ok_and(|node| node == nid))
        .unwrap_or(kernel::bindings::NUMA_NO_NODE)
}

/// Implements [`Allocator`](kernel::alloc::Allocator) for the static cache `$name`, with the
/// signature of the kernel built against: `MIN_ALIGN` and a NUMA node where it has them.
#[cfg(rmp_alloc_nid)]
#[doc(hidden)]
#[macro_export]
macro_rules! __rmp_static_allocator {
    ($name:ident) => {
        // SAFETY: `realloc` is `static_realloc`, whose allocations are objects of this type's
        // one cache: they stay valid until freed through this type (the cache is not destroyed
        // while any is live), any of them may be passed to any function of this type, and it
        // keeps the guarantees of `Allocator::realloc` (size, alignment, contents, failure).
        // Every object is aligned to the object type, as the cache was created with that
        // alignment, so `MIN_ALIGN` holds.
        unsafe impl $crate::slab::macro_deps::Allocator for $name {
            const MIN_ALIGN: usize =
                ::core::mem::align_of::<<$name as $crate::slab::StaticCache>::Object>();

            #[inline]
            unsafe fn realloc(
                ptr: ::core::option::Option<::core::ptr::NonNull<u8>>,
                layout: ::core::alloc::Layout,
                old_layout: ::core::alloc::Layout,
                flags: $crate::slab::macro_deps::Flags,
                nid: $crate::slab::macro_deps::NumaNode,
            ) -> ::core::result::Result<
                ::core::ptr::NonNull<[u8]>,
                $crate::slab::macro_deps::AllocError,
            > {
                // SAFETY: the caller upholds `realloc`'s requirements, which are
                // `static_realloc`'s.
                unsafe {
                    $crate::slab::static_realloc::<Self>(
                        ptr,
                        layout,
                        old_layout,
                        flags,
                        $crate::slab::macro_deps::node_id(nid),
                    )
                }
            }
        }
    };
}

/// Implements [`Allocator`](kernel::alloc::Allocator) for the static cache `$name`, with the
/// signature of the kernel built against: `MIN_ALIGN` and a NUMA node where it has them.
#[cfg(not(rmp_alloc_nid))]
#[doc(hidden)]
#[macro_export]
macro_rules! __rmp_static_allocator {
    ($name:ident) => {
        // SAFETY: `realloc` is `static_realloc`, whose allocations are objects of this type's
        // one cache: they stay valid until freed through this type (the cache is not destroyed
        // while any is live), any of them may be passed to any function of this type, and it
        // keeps the guarantees of `Allocator::realloc` (size, alignment, contents, failure).
        unsafe impl $crate::slab::macro_deps::Allocator for $name {
            #[inline]
            unsafe fn realloc(
                ptr: ::core::option::Option<::core::ptr::NonNull<u8>>,
                layout: ::core::alloc::Layout,
                old_layout: ::core::alloc::Layout,
                flags: $crate::slab::macro_deps::Flags,
            ) -> ::core::result::Result<
                ::core::ptr::NonNull<[u8]>,
                $crate::slab::macro_deps::AllocError,
            > {
                // SAFETY: the caller upholds `realloc`'s requirements, which are
                // `static_realloc`'s.
                unsafe {
                    $crate::slab::static_realloc::<Self>(
                        ptr,
                        layout,
                        old_layout,
                        flags,
                        $crate::slab::macro_deps::NUMA_NO_NODE,
                    )
                }
            }
        }
    };
}
