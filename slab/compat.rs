// SPDX-License-Identifier: GPL-2.0

//! The kernel crate APIs that differ between the kernels this code builds on.
//!
//! Every other file calls what is here and has no `cfg` of its own, but for the `mod.rs` files
//! (which re-export and declare modules). Each `rmp_*` cfg comes from `compat.mk`, which probes
//! the kernel's sources for the feature (not for a version number):
//!
//! - `rmp_alloc_nid`: [`Allocator`](kernel::alloc::Allocator) has `MIN_ALIGN` and its
//!   `realloc` takes a `NumaNode`;
//! - `rmp_pin_init_crate`: pin-init is its own crate, `pin_init`, with no
//!   `PinInit::__pinned_init`;
//! - `rmp_kvec_inc_len`: `Vec::set_len` gave way to `inc_len` and `truncate`;
//! - `rmp_kernel_fmt`: `pr_*!` format through `kernel::fmt::Display`;
//! - `rmp_gfp_noio`: `kernel::alloc::flags` has `GFP_NOIO` and `GFP_NOFS` (the 7.3 series adds
//!   them), which `mempool/compat.rs` reads;
//! - `rmp_kernel_atomic`: `kernel::sync::atomic` has atomics with the kernel's memory model;
//! - `rmp_kernel_barrier`, `rmp_kernel_rcu`: `kernel::sync::barrier` and `kernel::sync::rcu`;
//! - `rmp_this_cpu_asm`: an x86-64 SMP kernel, whose `this_cpu` operations are single
//!   `%gs`-relative instructions, which Rust can write inline instead of calling helpers;
//! - `rmp_kunit`: set by no probe. The in-tree series sets it for kernels with
//!   `#[kunit_tests]`, to keep the KUnit suites of `slab/kunit.rs`
//!   and `mempool/kunit.rs`; out of tree, `rust_mempool_selftests.ko` runs the tests.
//!
//! 7.3 has all but the last, 6.12 none; kernels in between have what their sources show.

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
    // SAFETY: The caller's guarantees are those of `PinInit::__pinned_init`.
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
    // SAFETY: The caller's guarantees are those of `pin_init::raw_try_init`.
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
    // SAFETY: By the caller's guarantees, the first `n` slots are initialised and in capacity.
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
        // SAFETY: Element `last` was moved out above; `last < v.capacity()`.
        unsafe { v.set_len(last) };
        drop(item);
    }
}

/// Makes types that implement [`core::fmt::Display`] printable by `pr_*!` too: the kernel's
/// formatting macros take their own `kernel::fmt::Display`, implemented here by forwarding.
#[cfg(rmp_kernel_fmt)]
macro_rules! loggable {
    ($($t:ty),+) => {
        $(
            impl kernel::fmt::Display for $t {
                fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                    core::fmt::Display::fmt(self, f)
                }
            }
        )+
    };
}
/// Nothing to do where `pr_*!` take [`core::fmt::Display`] itself.
#[cfg(not(rmp_kernel_fmt))]
macro_rules! loggable {
    ($($t:ty),+) => {};
}
pub(crate) use loggable;

/// An atomic `isize`, with the kernel's memory model.
#[cfg(rmp_kernel_atomic)]
pub(crate) struct AtomicLong(kernel::sync::atomic::Atomic<isize>);
/// An atomic `isize`: core's, where the kernel crate has no atomics of its own.
#[cfg(not(rmp_kernel_atomic))]
pub(crate) struct AtomicLong(core::sync::atomic::AtomicIsize);

/// An atomic raw pointer, with the kernel's memory model.
#[cfg(rmp_kernel_atomic)]
pub(crate) struct AtomicPtr<T>(kernel::sync::atomic::Atomic<*mut T>);
/// An atomic raw pointer: core's, where the kernel crate has no atomics of its own.
#[cfg(not(rmp_kernel_atomic))]
pub(crate) struct AtomicPtr<T>(core::sync::atomic::AtomicPtr<T>);

#[cfg(rmp_kernel_atomic)]
impl AtomicLong {
    pub(crate) const fn new(v: isize) -> Self {
        Self(kernel::sync::atomic::Atomic::new(v))
    }

    pub(crate) fn load_relaxed(&self) -> isize {
        self.0.load(kernel::sync::atomic::Relaxed)
    }

    pub(crate) fn add_relaxed(&self, v: isize) {
        self.0.add(v, kernel::sync::atomic::Relaxed)
    }

    // Used by `mempool/` only, which the slab patch of the series builds without.
    #[allow(dead_code)]
    pub(crate) fn store_relaxed(&self, v: isize) {
        self.0.store(v, kernel::sync::atomic::Relaxed)
    }

    /// Sets the value to `v` if `v` is smaller; most calls change nothing and then write
    /// nothing.
    // Used by `mempool/` only, which the slab patch of the series builds without.
    #[allow(dead_code)]
    pub(crate) fn lower_relaxed(&self, v: isize) {
        let mut old = self.load_relaxed();
        while v < old {
            match self.0.cmpxchg(old, v, kernel::sync::atomic::Relaxed) {
                Ok(_) => break,
                Err(now) => old = now,
            }
        }
    }
}

#[cfg(not(rmp_kernel_atomic))]
impl AtomicLong {
    pub(crate) const fn new(v: isize) -> Self {
        Self(core::sync::atomic::AtomicIsize::new(v))
    }

    pub(crate) fn load_relaxed(&self) -> isize {
        self.0.load(core::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn add_relaxed(&self, v: isize) {
        self.0.fetch_add(v, core::sync::atomic::Ordering::Relaxed);
    }

    // Used by `mempool/` only, which the slab patch of the series builds without.
    #[allow(dead_code)]
    pub(crate) fn store_relaxed(&self, v: isize) {
        self.0.store(v, core::sync::atomic::Ordering::Relaxed)
    }

    /// Sets the value to `v` if `v` is smaller. A plain read first: most calls change nothing
    /// and then write nothing.
    // Used by `mempool/` only, which the slab patch of the series builds without.
    #[allow(dead_code)]
    pub(crate) fn lower_relaxed(&self, v: isize) {
        if v < self.load_relaxed() {
            self.0.fetch_min(v, core::sync::atomic::Ordering::Relaxed);
        }
    }
}

#[cfg(rmp_kernel_atomic)]
impl<T> AtomicPtr<T> {
    pub(crate) const fn new(p: *mut T) -> Self {
        Self(kernel::sync::atomic::Atomic::new(p))
    }

    pub(crate) fn load_relaxed(&self) -> *mut T {
        self.0.load(kernel::sync::atomic::Relaxed)
    }

    pub(crate) fn load_acquire(&self) -> *mut T {
        self.0.load(kernel::sync::atomic::Acquire)
    }

    pub(crate) fn store_relaxed(&self, p: *mut T) {
        self.0.store(p, kernel::sync::atomic::Relaxed)
    }

    pub(crate) fn store_release(&self, p: *mut T) {
        self.0.store(p, kernel::sync::atomic::Release)
    }
}

#[cfg(not(rmp_kernel_atomic))]
impl<T> AtomicPtr<T> {
    pub(crate) const fn new(p: *mut T) -> Self {
        Self(core::sync::atomic::AtomicPtr::new(p))
    }

    pub(crate) fn load_relaxed(&self) -> *mut T {
        self.0.load(core::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn load_acquire(&self) -> *mut T {
        self.0.load(core::sync::atomic::Ordering::Acquire)
    }

    pub(crate) fn store_relaxed(&self, p: *mut T) {
        self.0.store(p, core::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn store_release(&self, p: *mut T) {
        self.0.store(p, core::sync::atomic::Ordering::Release)
    }
}

/// A full memory barrier between CPUs, `smp_mb()`.
#[cfg(rmp_kernel_barrier)]
pub(crate) fn smp_mb() {
    kernel::sync::barrier::smp_mb(kernel::sync::barrier::Full)
}

/// A read memory barrier between CPUs, `smp_rmb()`.
#[cfg(rmp_kernel_barrier)]
pub(crate) fn smp_rmb() {
    kernel::sync::barrier::smp_mb(kernel::sync::barrier::Read)
}

/// A write memory barrier between CPUs, `smp_wmb()`.
#[cfg(rmp_kernel_barrier)]
pub(crate) fn smp_wmb() {
    kernel::sync::barrier::smp_mb(kernel::sync::barrier::Write)
}

/// A full memory barrier between CPUs, `smp_mb()`, where the kernel crate has none.
#[cfg(not(rmp_kernel_barrier))]
pub(crate) fn smp_mb() {
    // SAFETY: No preconditions.
    unsafe { crate::bindings::smp_mb() }
}

/// A write memory barrier between CPUs, `smp_wmb()`, where the kernel crate has none.
#[cfg(not(rmp_kernel_barrier))]
pub(crate) fn smp_wmb() {
    // SAFETY: No preconditions.
    unsafe { crate::bindings::smp_wmb() }
}

/// A read memory barrier between CPUs, `smp_rmb()`, where the kernel crate has none.
#[cfg(not(rmp_kernel_barrier))]
pub(crate) fn smp_rmb() {
    // SAFETY: No preconditions.
    unsafe { crate::bindings::smp_rmb() }
}

#[cfg(rmp_kernel_rcu)]
pub(crate) use kernel::sync::rcu::{read_lock as rcu_read_lock, synchronize_rcu};

/// In an RCU read-side critical section while it lives, as `rcu::Guard` where the kernel
/// crate has one.
#[cfg(not(rmp_kernel_rcu))]
pub(crate) struct RcuGuard(core::marker::PhantomData<*mut ()>);

/// Enters an RCU read-side critical section, left when the guard drops.
#[cfg(not(rmp_kernel_rcu))]
pub(crate) fn rcu_read_lock() -> RcuGuard {
    // SAFETY: No preconditions; the guard, which cannot leave this thread, unlocks it.
    unsafe { crate::bindings::rcu_read_lock() };
    RcuGuard(core::marker::PhantomData)
}

#[cfg(not(rmp_kernel_rcu))]
impl Drop for RcuGuard {
    fn drop(&mut self) {
        // SAFETY: `rcu_read_lock()` made this guard, on this thread.
        unsafe { crate::bindings::rcu_read_unlock() };
    }
}

/// Waits for every RCU read-side critical section in progress to end. May sleep.
#[cfg(not(rmp_kernel_rcu))]
pub(crate) fn synchronize_rcu() {
    // SAFETY: No preconditions; callers may sleep.
    unsafe { crate::bindings::synchronize_rcu() }
}

/// `this_cpu_add()` of `v` to the `u64` at per-CPU pointer `p` (what `alloc_percpu()`
/// returns, plus the field's offset).
///
/// On x86-64 with SMP each `this_cpu` operation is the one instruction C's compiles to: the
/// operation on `%gs:p`, as `%gs` holds this CPU's per-CPU base. One instruction cannot be
/// split by preemption or an interrupt on this CPU, so none needs a lock prefix.
///
/// # Safety
///
/// `p` is a per-CPU pointer to a `u64` of live per-CPU memory.
#[cfg(rmp_this_cpu_asm)]
#[inline(always)]
pub(crate) unsafe fn this_cpu_add_u64(p: *mut u64, v: u64) {
    // SAFETY: By the safety requirements `%gs:p` is this CPU's copy of a live `u64`.
    unsafe {
        core::arch::asm!("add qword ptr gs:[{p}], {v}", p = in(reg) p, v = in(reg) v,
            options(nostack))
    };
}

/// `this_cpu_add()` of `v` to the `c_long` at per-CPU pointer `p`.
///
/// # Safety
///
/// `p` is a per-CPU pointer to a `c_long` of live per-CPU memory.
#[cfg(rmp_this_cpu_asm)]
#[inline(always)]
pub(crate) unsafe fn this_cpu_add_long(p: *mut kernel::ffi::c_long, v: kernel::ffi::c_long) {
    // SAFETY: By the safety requirements `%gs:p` is this CPU's copy of a live `c_long`.
    unsafe {
        core::arch::asm!("add qword ptr gs:[{p}], {v}", p = in(reg) p, v = in(reg) v,
            options(nostack))
    };
}

/// `this_cpu_add_return()`: adds `v` to the `c_long` at per-CPU pointer `p`, returns the sum.
///
/// # Safety
///
/// As for [`this_cpu_add_long`].
#[cfg(rmp_this_cpu_asm)]
#[inline(always)]
pub(crate) unsafe fn this_cpu_add_return_long(
    p: *mut kernel::ffi::c_long,
    v: kernel::ffi::c_long,
) -> kernel::ffi::c_long {
    let mut old = v;
    // SAFETY: As for `this_cpu_add_long`; `xadd` leaves the old value in `old`.
    unsafe {
        core::arch::asm!("xadd qword ptr gs:[{p}], {v}", p = in(reg) p, v = inout(reg) old,
            options(nostack))
    };
    // Wrapping, as C's: a counter that wraps is not worth a panic on the allocation path.
    old.wrapping_add(v)
}

/// `this_cpu_read()` of the `c_long` at per-CPU pointer `p`.
///
/// # Safety
///
/// As for [`this_cpu_add_long`].
#[cfg(rmp_this_cpu_asm)]
#[inline(always)]
pub(crate) unsafe fn this_cpu_read_long(p: *mut kernel::ffi::c_long) -> kernel::ffi::c_long {
    let v;
    // SAFETY: As for `this_cpu_add_long`.
    unsafe {
        core::arch::asm!("mov {v}, qword ptr gs:[{p}]", p = in(reg) p, v = out(reg) v,
            options(nostack, readonly))
    };
    v
}

/// `this_cpu_cmpxchg()`: sets the `c_long` at per-CPU pointer `p` to `new` if it is `old`;
/// returns what it was.
///
/// # Safety
///
/// As for [`this_cpu_add_long`].
#[cfg(rmp_this_cpu_asm)]
#[inline(always)]
pub(crate) unsafe fn this_cpu_cmpxchg_long(
    p: *mut kernel::ffi::c_long,
    old: kernel::ffi::c_long,
    new: kernel::ffi::c_long,
) -> kernel::ffi::c_long {
    let mut prev = old;
    // SAFETY: As for `this_cpu_add_long`; `cmpxchg` compares with and returns in `rax`.
    unsafe {
        core::arch::asm!("cmpxchg qword ptr gs:[{p}], {new}", p = in(reg) p, new = in(reg) new,
            inout("rax") prev, options(nostack))
    };
    prev
}

// The kernel's `this_cpu` operations, through their helpers.
#[cfg(not(rmp_this_cpu_asm))]
pub(crate) use crate::bindings::{
    this_cpu_add_long, this_cpu_add_return_long, this_cpu_add_u64, this_cpu_cmpxchg_long,
    this_cpu_read_long,
};

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
        // SAFETY: `realloc`, `alloc` and `free` are `static_realloc`, `static_alloc` and
        // `static_free`, whose allocations are objects of this type's one cache: they stay
        // valid until freed through this type (the cache is not destroyed while any is live),
        // any of them may be passed to any function of this type, and they keep the guarantees
        // of `Allocator` (size, alignment, contents, failure).
        // Every object is aligned to the object type, as the cache was created with that
        // alignment, so `MIN_ALIGN` holds.
        unsafe impl $crate::slab::macro_deps::Allocator for $name {
            const MIN_ALIGN: usize =
                ::core::mem::align_of::<<$name as $crate::slab::StaticCache>::Object>();

            #[inline(always)]
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
                // SAFETY: The caller upholds `realloc`'s requirements, which are
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

            // `Box::new` and `Box`'s drop call these: each folds to its own path here, where
            // the trait's versions would go through `realloc`'s every case.
            #[inline(always)]
            fn alloc(
                layout: ::core::alloc::Layout,
                flags: $crate::slab::macro_deps::Flags,
                nid: $crate::slab::macro_deps::NumaNode,
            ) -> ::core::result::Result<
                ::core::ptr::NonNull<[u8]>,
                $crate::slab::macro_deps::AllocError,
            > {
                $crate::slab::static_alloc::<Self>(
                    layout,
                    flags,
                    $crate::slab::macro_deps::node_id(nid),
                )
            }

            #[inline(always)]
            unsafe fn free(ptr: ::core::ptr::NonNull<u8>, layout: ::core::alloc::Layout) {
                // SAFETY: The caller upholds `free`'s requirements, which are `static_free`'s.
                unsafe { $crate::slab::static_free::<Self>(ptr, layout) }
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
        // SAFETY: `realloc`, `alloc` and `free` are `static_realloc`, `static_alloc` and
        // `static_free`, whose allocations are objects of this type's one cache: they stay
        // valid until freed through this type (the cache is not destroyed while any is live),
        // any of them may be passed to any function of this type, and they keep the guarantees
        // of `Allocator` (size, alignment, contents, failure).
        unsafe impl $crate::slab::macro_deps::Allocator for $name {
            #[inline(always)]
            unsafe fn realloc(
                ptr: ::core::option::Option<::core::ptr::NonNull<u8>>,
                layout: ::core::alloc::Layout,
                old_layout: ::core::alloc::Layout,
                flags: $crate::slab::macro_deps::Flags,
            ) -> ::core::result::Result<
                ::core::ptr::NonNull<[u8]>,
                $crate::slab::macro_deps::AllocError,
            > {
                // SAFETY: The caller upholds `realloc`'s requirements, which are
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

            // `Box::new` and `Box`'s drop call these: each folds to its own path here, where
            // the trait's versions would go through `realloc`'s every case.
            #[inline(always)]
            fn alloc(
                layout: ::core::alloc::Layout,
                flags: $crate::slab::macro_deps::Flags,
            ) -> ::core::result::Result<
                ::core::ptr::NonNull<[u8]>,
                $crate::slab::macro_deps::AllocError,
            > {
                $crate::slab::static_alloc::<Self>(
                    layout,
                    flags,
                    $crate::slab::macro_deps::NUMA_NO_NODE,
                )
            }

            #[inline(always)]
            unsafe fn free(ptr: ::core::ptr::NonNull<u8>, layout: ::core::alloc::Layout) {
                // SAFETY: The caller upholds `free`'s requirements, which are `static_free`'s.
                unsafe { $crate::slab::static_free::<Self>(ptr, layout) }
            }
        }
    };
}
