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
    (
        "ten_thousand_pools_of_one_size_in_one_module_all_shown",
        ten_thousand_pools_of_one_size,
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
fn shown() -> Result<Rows> {
    let (rows, all) = first_rows()?;
    if all > ROWS {
        return Err(E2BIG);
    }
    Ok(rows)
}

/// A module's names in the registry, with their `live` counts.
type Rows = KVec<(KVec<u8>, u64)>;

/// How many rows of the registry [`first_rows`] reads.
const ROWS: usize = 256;

/// What [`shown`] gives of the registry's first rows, and how many rows there are.
fn first_rows() -> Result<(Rows, usize)> {
    let mut rows = KVec::<bindings::rmp_row>::with_capacity(ROWS, GFP_KERNEL)?;
    // SAFETY: `rows` has room for `ROWS` rows.
    let all = unsafe { bindings::rmp_registry_rows(rows.as_mut_ptr(), ROWS) };
    let n = all.min(ROWS);
    // SAFETY: `rows` is empty and the call wrote its first `n` slots, within capacity.
    unsafe { crate::slab::compat::kvec_fill_empty(&mut rows, n) };
    let mut ours = KVec::new();
    for r in rows.iter() {
        if text(&r.module)[..] == b"rust_mempool_selftests"[..] {
            ours.push((text(&r.name), r.totals.live), GFP_KERNEL)?;
        }
    }
    Ok((ours, all))
}

fn has(rows: &[(KVec<u8>, u64)], name: &[u8]) -> Option<u64> {
    rows.iter()
        .find(|(n, _)| n[..] == *name)
        .map(|(_, live)| *live)
}

fn names_sanitised_and_unique() -> TestResult {
    let bad = c_str!("a/b c\td");
    let long = c_str!("abcdefghijklmnopqrstuvwxyz_abcdefghijklmnopqrstuvwxyz");
    let one = Registered::new(c_str!("cache"), bad, Fixed(1)).ok_or(ENOMEM)?;
    let two = Registered::new(c_str!("cache"), bad, Fixed(2)).ok_or(ENOMEM)?;
    let three = Registered::new(c_str!("pool"), long, Fixed(3)).ok_or(ENOMEM)?;
    let four = Registered::new(c_str!("cache"), bad, Fixed(4)).ok_or(ENOMEM)?;
    let rows = shown()?;
    check_eq!(has(&rows, b"a_b_c_d"), Some(1));
    check_eq!(has(&rows, b"a_b_c_d-2"), Some(2));
    // The third takes the module's next number, whatever the other names used.
    let third = |rows: &[(KVec<u8>, u64)]| {
        rows.iter()
            .filter(|(n, live)| {
                *live == 4 && n.starts_with(b"a_b_c_d-") && n[..] != b"a_b_c_d-2"[..]
            })
            .count()
    };
    check_eq!(third(&rows), 1);
    // Cut to 43 bytes, leaving room for a suffix.
    check_eq!(
        has(&rows, b"abcdefghijklmnopqrstuvwxyz_abcdefghijklmnop"),
        Some(3)
    );
    drop((one, two, three));
    let rows = shown()?;
    check!(has(&rows, b"a_b_c_d").is_none() && has(&rows, b"a_b_c_d-2").is_none());
    check_eq!(third(&rows), 1);
    drop(four);
    check_eq!(third(&shown()?), 0);
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

/// How many entries the registry holds now, of every module.
fn entries() -> usize {
    // SAFETY: With room for no rows, the call writes none and only counts them.
    unsafe { bindings::rmp_registry_rows(core::ptr::null_mut(), 0) }
}

/// Pools are named by size, so a driver with a pool per device makes many of one name: none
/// may fail for it, and each shows under a name of its own (the registry keeps a duplicate's
/// suffix in constant time, so this takes as long as making the pools).
fn ten_thousand_pools_of_one_size() -> TestResult {
    const POOLS: usize = 10_000;
    const CHUNK: usize = 250;
    let before = entries();
    // In chunks: one vector of them all would be a large kmalloc.
    let mut pools = KVec::<KVec<KmallocPool>>::new();
    for _ in 0..POOLS / CHUNK {
        let mut chunk = KVec::with_capacity(CHUNK, GFP_KERNEL)?;
        for _ in 0..CHUNK {
            chunk.push(KmallocPool::new(40, 1)?, GFP_KERNEL)?;
        }
        pools.push(chunk, GFP_KERNEL)?;
    }
    check_eq!(entries(), before + POOLS);
    // The first rows of this module: "-2" for the first duplicate, then the module's
    // sequence, every name its own.
    let (rows, all) = first_rows()?;
    check_eq!(all, before + POOLS);
    check_eq!(has(&rows, b"kmalloc-40_pool"), Some(0));
    check_eq!(has(&rows, b"kmalloc-40_pool-2"), Some(0));
    let ours = rows
        .iter()
        .filter(|(n, _)| n.starts_with(b"kmalloc-40_pool"))
        .count();
    check!(ours > 200);
    for (i, (a, _)) in rows.iter().enumerate() {
        check!(rows[i + 1..].iter().all(|(b, _)| a[..] != b[..]));
    }
    // Still usable, and counted, at any count.
    let last = pools.last().and_then(|c| c.last()).ok_or(EINVAL)?;
    let buf = last.try_alloc(GFP_KERNEL)?;
    check_eq!(last.stats().live, 1);
    drop(buf);
    drop(pools);
    check_eq!(entries(), before);
    Ok(())
}
