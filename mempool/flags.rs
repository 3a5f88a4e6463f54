// SPDX-License-Identifier: GPL-2.0

//! Allocation flags that allow sleeping, for allocations that cannot fail.

use crate::bindings;

const DIRECT_RECLAIM: u32 = 1 << bindings::___GFP_DIRECT_RECLAIM_BIT;
const KSWAPD_RECLAIM: u32 = 1 << bindings::___GFP_KSWAPD_RECLAIM_BIT;
const IO: u32 = 1 << bindings::___GFP_IO_BIT;
const FS: u32 = 1 << bindings::___GFP_FS_BIT;

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
/// # let _ = flags;
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SleepFlags(u32);

impl SleepFlags {
    /// `GFP_KERNEL`: may sleep, reclaim, start I/O and call into filesystems.
    pub const KERNEL: Self = Self(DIRECT_RECLAIM | KSWAPD_RECLAIM | IO | FS);
    /// `GFP_NOFS`: may sleep and reclaim, but not call into filesystems.
    pub const NOFS: Self = Self(DIRECT_RECLAIM | KSWAPD_RECLAIM | IO);
    /// `GFP_NOIO`: may sleep and reclaim, but not start any I/O (block drivers).
    pub const NOIO: Self = Self(DIRECT_RECLAIM | KSWAPD_RECLAIM);

    pub(crate) fn gfp(self) -> bindings::gfp_t {
        self.0
    }
}
