// SPDX-License-Identifier: GPL-2.0

//! Allocation flags that allow sleeping, for allocations that cannot fail.

use super::compat;
use crate::{bindings, slab::flags::gfp};
use kernel::alloc::{flags::GFP_KERNEL, Flags};

/// GFP flags that include `__GFP_DIRECT_RECLAIM`, with which `mempool_alloc()` never fails:
/// it waits for an element to come back instead. Only these constants exist, so a
/// [`Mempool::alloc`](super::Mempool::alloc) that takes them needs no `Result`.
///
/// # Invariants
///
/// `self.0` contains `__GFP_DIRECT_RECLAIM`.
///
/// # Examples
///
/// ```
/// use rust_mempool::mempool::SleepFlags;
///
/// // On a block I/O path, reclaim must not start more I/O.
/// let flags = SleepFlags::NOIO;
/// // The same flags for an allocation that may fail, such as a `KBox`.
/// let flags: kernel::alloc::Flags = flags.into();
/// # let _ = flags;
/// ```
#[derive(Clone, Copy, PartialEq)]
pub struct SleepFlags(Flags);

impl SleepFlags {
    /// `GFP_KERNEL`: may sleep, reclaim, start I/O and call into filesystems.
    pub const KERNEL: Self = Self(GFP_KERNEL);
    /// `GFP_NOFS`: may sleep and reclaim, but not call into filesystems.
    pub const NOFS: Self = Self(compat::GFP_NOFS);
    /// `GFP_NOIO`: may sleep and reclaim, but not start any I/O (block drivers).
    pub const NOIO: Self = Self(compat::GFP_NOIO);

    pub(crate) fn gfp(self) -> bindings::gfp_t {
        gfp(self.0)
    }
}

impl From<SleepFlags> for Flags {
    fn from(flags: SleepFlags) -> Flags {
        flags.0
    }
}

#[cfg(rmp_mempool_bulk)]
impl SleepFlags {
    /// Runs `f` with every allocation of this task narrowed to these flags, for a C call that
    /// allocates with `GFP_KERNEL` and takes no flags (`mempool_alloc_bulk()`): `NOIO` and
    /// `NOFS` open a `memalloc_noio_save()` or `memalloc_nofs_save()` scope around it.
    pub(crate) fn scope<R>(self, f: impl FnOnce() -> R) -> R {
        if self == Self::NOIO {
            // SAFETY: The scope is closed below, on the same task, before `scope` returns.
            let saved = unsafe { bindings::memalloc_noio_save() };
            let r = f();
            // SAFETY: `saved` is what the matching `memalloc_noio_save()` returned.
            unsafe { bindings::memalloc_noio_restore(saved) };
            r
        } else if self == Self::NOFS {
            // SAFETY: As above.
            let saved = unsafe { bindings::memalloc_nofs_save() };
            let r = f();
            // SAFETY: `saved` is what the matching `memalloc_nofs_save()` returned.
            unsafe { bindings::memalloc_nofs_restore(saved) };
            r
        } else {
            f()
        }
    }
}
