// SPDX-License-Identifier: GPL-2.0

//! What the pools need that differs between the kernels this code builds on, as
//! `slab/compat.rs` is for the caches: `GFP_NOIO` and `GFP_NOFS`, which `kernel::alloc::flags`
//! has only where `rmp_gfp_noio` is set (the 7.3 series adds them).

use kernel::alloc::Flags;

/// `GFP_NOIO`: may sleep and reclaim, but not start any I/O.
#[cfg(rmp_gfp_noio)]
pub(crate) const GFP_NOIO: Flags = kernel::alloc::flags::GFP_NOIO;
/// `GFP_NOFS`: may sleep, reclaim and start I/O, but not call into filesystems.
#[cfg(rmp_gfp_noio)]
pub(crate) const GFP_NOFS: Flags = kernel::alloc::flags::GFP_NOFS;

/// `GFP_NOIO`, made from its bits where the kernel crate does not have it.
#[cfg(not(rmp_gfp_noio))]
pub(crate) const GFP_NOIO: Flags = from_gfp(DIRECT_RECLAIM | KSWAPD_RECLAIM);
/// `GFP_NOFS`, made from its bits where the kernel crate does not have it.
#[cfg(not(rmp_gfp_noio))]
pub(crate) const GFP_NOFS: Flags = from_gfp(DIRECT_RECLAIM | KSWAPD_RECLAIM | IO);

#[cfg(not(rmp_gfp_noio))]
const DIRECT_RECLAIM: u32 = 1 << crate::bindings::___GFP_DIRECT_RECLAIM_BIT;
#[cfg(not(rmp_gfp_noio))]
const KSWAPD_RECLAIM: u32 = 1 << crate::bindings::___GFP_KSWAPD_RECLAIM_BIT;
#[cfg(not(rmp_gfp_noio))]
const IO: u32 = 1 << crate::bindings::___GFP_IO_BIT;

/// The `Flags` of a `gfp_t`, which the kernel crate has no constructor for.
#[cfg(not(rmp_gfp_noio))]
const fn from_gfp(gfp: u32) -> Flags {
    // SAFETY: `Flags` is a struct whose only field is a `u32`; `transmute` checks that both
    // types have the same size, so every `u32` is a `Flags` with those bits.
    unsafe { core::mem::transmute::<u32, Flags>(gfp) }
}
