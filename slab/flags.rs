// SPDX-License-Identifier: GPL-2.0

//! Cache creation flags and the raw form of allocation flags.

use crate::bindings;
use kernel::alloc::Flags;

/// Flags for creating a cache, a safe subset of the C `SLAB_*` flags.
///
/// Combine them with `|`. Flags that change what a cache may do with its
/// objects behind Rust's back (`SLAB_TYPESAFE_BY_RCU`, constructors) are
/// deliberately not offered.
///
/// # Examples
///
/// ```
/// use rust_mempool::slab::CacheFlags;
///
/// let flags = CacheFlags::HWCACHE_ALIGN | CacheFlags::ACCOUNT;
/// assert!(flags.contains(CacheFlags::ACCOUNT));
/// assert!(!flags.contains(CacheFlags::RECLAIM_ACCOUNT));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct CacheFlags(u32);

impl CacheFlags {
    /// No flags.
    pub const NONE: Self = Self(0);
    /// `SLAB_HWCACHE_ALIGN`: align objects on cache lines.
    pub const HWCACHE_ALIGN: Self = Self(1 << 0);
    /// `SLAB_ACCOUNT`: charge objects to the allocating task's memory cgroup.
    pub const ACCOUNT: Self = Self(1 << 1);
    /// `SLAB_RECLAIM_ACCOUNT`: objects are reclaimable (a shrinker frees them).
    pub const RECLAIM_ACCOUNT: Self = Self(1 << 2);
    /// Not shown in debugfs: without it, `rust_mempool.ko` shows every cache with counters
    /// under `/sys/kernel/debug/rust_mempool/MODULE/NAME/` while it exists. Not a `SLAB_*`
    /// flag: slab never sees it.
    #[cfg(rmp_registry)]
    pub const NO_DEBUGFS: Self = Self(1 << 3);

    /// Whether every flag in `other` is set in `self`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rust_mempool::slab::CacheFlags;
    ///
    /// let flags = CacheFlags::ACCOUNT | CacheFlags::RECLAIM_ACCOUNT;
    /// assert!(flags.contains(CacheFlags::ACCOUNT | CacheFlags::RECLAIM_ACCOUNT));
    /// assert!(!flags.contains(CacheFlags::HWCACHE_ALIGN));
    /// assert!(flags.contains(CacheFlags::NONE));
    /// ```
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The `SLAB_*` flags these stand for. Their values depend on the kernel's configuration
    /// (`SLAB_ACCOUNT` is 0 without memory cgroups), so `CacheFlags` keeps bits of its own.
    pub(crate) fn slab_flags(self) -> bindings::slab_flags_t {
        [
            (Self::HWCACHE_ALIGN, bindings::SLAB_HWCACHE_ALIGN),
            (Self::ACCOUNT, bindings::SLAB_ACCOUNT),
            (Self::RECLAIM_ACCOUNT, bindings::SLAB_RECLAIM_ACCOUNT),
        ]
        .iter()
        .filter(|(flag, _)| self.contains(*flag))
        .fold(0, |acc, (_, slab)| acc | slab)
    }
}

impl core::ops::BitOr for CacheFlags {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

/// The `gfp_t` value of `flags`.
///
/// `Flags::as_raw()` is private to the kernel crate in 6.12, so a module
/// reads the value itself.
#[inline(always)]
pub(crate) fn gfp(flags: Flags) -> bindings::gfp_t {
    // SAFETY: `Flags` is a struct whose only field is a `u32`. `transmute` checks that both
    // types have the same size, 4 bytes, so that one field starts at offset 0 and covers every
    // byte of the struct: its bits are the bits of the `u32`, and every `u32` is valid.
    unsafe { core::mem::transmute::<Flags, u32>(flags) }
}
