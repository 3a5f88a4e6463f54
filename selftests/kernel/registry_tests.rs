// SPDX-License-Identifier: GPL-2.0

//! Tests of the registry that shows every module's caches and pools in debugfs
//! (`debugfs/registry.c`, through `slab/registry.rs`), run in the guest by loading
//! `rust_mempool_selftests.ko` beside `rust_mempool.ko`.

use crate::bindings;
use crate::ktap::{check, check_eq, Test, TestResult};
use crate::mempool::KmallocPool;
use crate::slab::registry::{Out, Registered, Report};
use crate::slab::{CacheFlags, KmemCache, NoStats};
use kernel::{c_str, ffi::c_char, prelude::*};

pub(crate) const TESTS: &[Test] = &[
    (
        "names_are_sanitised_cut_and_made_unique",
        names_sanitised_and_unique,
    ),
    (
        "caches_and_pools_show_until_dropped_unless_opted_out",
        shown_until_dropped,
    ),
];

/// A report of fixed numbers.
struct Fixed(u64);

impl Report for Fixed {
    fn show(&self, out: &mut Out<'_>) -> core::fmt::Result {
        use core::fmt::Write;
        writeln!(out, "fixed: {}", self.0)
    }

    fn totals(&self) -> bindings::rmp_totals {
        bindings::rmp_totals {
            live: self.0,
            object_size: 8,
            ..Default::default()
        }
    }
}

// `c_char` is `u8` in the kernel's Rust on x86 and `i8` where C's `char` is signed.
#[allow(clippy::unnecessary_cast)]
fn text(chars: &[c_char]) -> KVec<u8> {
    let mut v = KVec::new();
    for &c in chars.iter().take_while(|&&c| c != 0) {
        let _ = v.push(c as u8, GFP_KERNEL);
    }
    v
}

/// The names this module shows now, with their `live` counts, in the registry's order.
fn shown() -> Result<KVec<(KVec<u8>, u64)>> {
    let mut rows = KVec::<bindings::rmp_row>::with_capacity(256, GFP_KERNEL)?;
    // SAFETY: `rows` has room for 256 rows.
    let n = unsafe { bindings::rmp_registry_rows(rows.as_mut_ptr(), 256) };
    if n > 256 {
        return Err(E2BIG);
    }
    // SAFETY: `rows` is empty and the call wrote its first `n` slots, within capacity.
    unsafe { crate::slab::compat::kvec_fill_empty(&mut rows, n) };
    let mut ours = KVec::new();
    for r in rows.iter() {
        if text(&r.module)[..] == b"rust_mempool_selftests"[..] {
            ours.push((text(&r.name), r.totals.live), GFP_KERNEL)?;
        }
    }
    Ok(ours)
}

fn has(rows: &[(KVec<u8>, u64)], name: &[u8]) -> Option<u64> {
    rows.iter()
        .find(|(n, _)| n[..] == *name)
        .map(|(_, live)| *live)
}

fn names_sanitised_and_unique() -> TestResult {
    let bad = c_str!("a/b c\td");
    let long = c_str!("abcdefghijklmnopqrstuvwxyz_abcdefghijklmnopqrstuvwxyz");
    let one = Registered::new(c_str!("cache"), bad, Fixed(1))?;
    let two = Registered::new(c_str!("cache"), bad, Fixed(2))?;
    let three = Registered::new(c_str!("pool"), long, Fixed(3))?;
    let rows = shown()?;
    check_eq!(has(&rows, b"a_b_c_d"), Some(1));
    check_eq!(has(&rows, b"a_b_c_d-2"), Some(2));
    // Cut to 43 bytes, leaving room for a suffix.
    check_eq!(
        has(&rows, b"abcdefghijklmnopqrstuvwxyz_abcdefghijklmnop"),
        Some(3)
    );
    drop((one, two, three));
    let rows = shown()?;
    check!(has(&rows, b"a_b_c_d").is_none() && has(&rows, b"a_b_c_d-2").is_none());
    Ok(())
}

fn shown_until_dropped() -> TestResult {
    let cache = KmemCache::<u64>::new(c_str!("rmp_t_reg_cache"), CacheFlags::NONE)?;
    let hidden = KmemCache::<u64>::new(c_str!("rmp_t_reg_hidden"), CacheFlags::NO_DEBUGFS)?;
    let bare = KmemCache::<u64, NoStats>::new(c_str!("rmp_t_reg_bare"), CacheFlags::NONE)?;
    let pool = KmallocPool::new(24, 2)?;
    let a = cache.alloc(1, GFP_KERNEL)?;
    let b = pool.try_alloc(GFP_KERNEL)?;
    let rows = shown()?;
    check_eq!(has(&rows, b"rmp_t_reg_cache"), Some(1));
    check_eq!(has(&rows, b"kmalloc-24_pool"), Some(1));
    check_eq!(has(&rows, b"rmp_t_reg_hidden"), None);
    check_eq!(has(&rows, b"rmp_t_reg_bare"), None);
    drop((a, b));
    drop((cache, pool, hidden, bare));
    let rows = shown()?;
    check_eq!(has(&rows, b"rmp_t_reg_cache"), None);
    check_eq!(has(&rows, b"kmalloc-24_pool"), None);
    Ok(())
}
