// SPDX-License-Identifier: GPL-2.0

//! Memory with one copy per possible CPU, for counters that the allocation fast path updates
//! without writing a cache line shared between CPUs.
//!
//! Updates go through the kernel's `this_cpu` operations (`compat.rs`: inline on x86-64, else
//! C macros reached through helpers): one instruction on x86, safe against preemption and
//! interrupts, and no atomic.

use super::compat;
use crate::bindings;
use core::{marker::PhantomData, ptr::NonNull};
use kernel::{ffi::c_long, prelude::*};

/// A zeroed `T` per possible CPU, from `alloc_percpu()`.
///
/// `T` is a `#[repr(C)]` struct of `u64` and `c_long` fields, each updated with the `this_cpu`
/// operation of its type, named by its byte offset in `T`.
///
/// # Invariants
///
/// `ptr` is a per-CPU pointer from `alloc_percpu()` for a `T`, owned by this object: not an
/// address, but what `per_cpu_ptr()` and the `this_cpu` operations take.
pub(crate) struct PerCpu<T> {
    ptr: NonNull<T>,
    _p: PhantomData<T>,
}

// SAFETY: The memory is reached only through `this_cpu` operations, which are safe on any CPU,
// and volatile reads of each CPU's copy; `T` is plain counters.
unsafe impl<T> Send for PerCpu<T> {}
// SAFETY: As for `Send`: every access through `&self` is a `this_cpu` operation or a read.
unsafe impl<T> Sync for PerCpu<T> {}

impl<T> PerCpu<T> {
    /// Allocates a zeroed `T` for each possible CPU.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: No preconditions; the memory is zeroed.
        let raw = unsafe {
            bindings::alloc_percpu(core::mem::size_of::<T>(), core::mem::align_of::<T>())
        };
        // INVARIANT: a non-null result is per-CPU memory for a `T` that nobody else owns.
        Ok(Self {
            ptr: NonNull::new(raw.cast()).ok_or(ENOMEM)?,
            _p: PhantomData,
        })
    }

    /// This CPU's copy, for a sequence of `this_cpu` operations.
    #[inline(always)]
    pub(crate) fn this_cpu(&self) -> ThisCpu<'_, T> {
        // INVARIANT: `self.ptr` is the pointer of `self`, which the borrow keeps alive.
        ThisCpu {
            ptr: self.ptr,
            _p: PhantomData,
        }
    }

    /// Calls `f` with each possible CPU's copy, read once (`READ_ONCE`) field by field by `f`
    /// through [`read_once`].
    pub(crate) fn for_each_cpu(&self, mut f: impl FnMut(*const T)) {
        // SAFETY: `nr_cpu_ids` is set at boot and only read afterwards.
        let nr = unsafe { bindings::nr_cpu_ids };
        for cpu in 0..nr {
            // SAFETY: No preconditions.
            if !unsafe { bindings::cpu_possible(cpu) } {
                continue;
            }
            // SAFETY: `cpu` is possible, so it has a copy of the per-CPU memory.
            f(unsafe { bindings::per_cpu_ptr(self.ptr.as_ptr().cast(), cpu as i32) }.cast())
        }
    }
}

/// The per-CPU pointer of a [`PerCpu`], copied out of it for the `this_cpu` operations.
///
/// A copy lives in a register: each operation is an `asm!` block that may write any memory, so
/// the compiler would reload a pointer kept in the `PerCpu` after each one.
///
/// # Invariants
///
/// `ptr` is the pointer of a live [`PerCpu<T>`], which outlives `'a`.
pub(crate) struct ThisCpu<'a, T> {
    ptr: NonNull<T>,
    _p: PhantomData<&'a PerCpu<T>>,
}

impl<T> Clone for ThisCpu<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ThisCpu<'_, T> {}

impl<T> ThisCpu<'_, T> {
    /// The per-CPU pointer of the field at `offset` (from `core::mem::offset_of!`).
    #[inline(always)]
    fn field<F>(self, offset: usize) -> *mut F {
        // Per-CPU pointers are offsets, not addresses of an allocation: `wrapping_add` makes
        // no claim about what it points to.
        self.ptr.as_ptr().cast::<u8>().wrapping_add(offset).cast()
    }

    /// Adds `val` to this CPU's `u64` at `offset`.
    #[inline(always)]
    pub(crate) fn add_u64(self, offset: usize, val: u64) {
        // SAFETY: The field is a `u64` of per-CPU memory that outlives `self` (type invariant).
        unsafe { compat::this_cpu_add_u64(self.field(offset), val) }
    }

    /// Adds `val` to this CPU's `c_long` at `offset`.
    #[inline(always)]
    pub(crate) fn add_long(self, offset: usize, val: c_long) {
        // SAFETY: As for `add_u64`, for a `c_long` field.
        unsafe { compat::this_cpu_add_long(self.field(offset), val) }
    }

    /// Adds `val` to this CPU's `c_long` at `offset` and returns the sum.
    #[inline(always)]
    pub(crate) fn add_return_long(self, offset: usize, val: c_long) -> c_long {
        // SAFETY: As for `add_long`.
        unsafe { compat::this_cpu_add_return_long(self.field(offset), val) }
    }

    /// This CPU's `c_long` at `offset`.
    #[inline(always)]
    pub(crate) fn read_long(self, offset: usize) -> c_long {
        // SAFETY: As for `add_long`.
        unsafe { compat::this_cpu_read_long(self.field(offset)) }
    }

    /// Sets this CPU's `c_long` at `offset` to `new` if it is `old`; returns what it was.
    #[inline(always)]
    pub(crate) fn cmpxchg_long(self, offset: usize, old: c_long, new: c_long) -> c_long {
        // SAFETY: As for `add_long`.
        unsafe { compat::this_cpu_cmpxchg_long(self.field(offset), old, new) }
    }
}

/// Reads `*p` once, as C's `READ_ONCE()`: a value another CPU may be changing.
///
/// # Safety
///
/// `p` is valid for reads and aligned.
pub(crate) unsafe fn read_once<F: Copy>(p: *const F) -> F {
    // SAFETY: By the safety requirements.
    unsafe { core::ptr::read_volatile(p) }
}

impl<T> Drop for PerCpu<T> {
    fn drop(&mut self) {
        // SAFETY: By the type invariant this object owns the memory, and frees it once.
        unsafe { bindings::free_percpu(self.ptr.as_ptr().cast()) };
    }
}
