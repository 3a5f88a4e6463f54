// SPDX-License-Identifier: GPL-2.0

//! Tests of `mempool/`, run in the guest by loading `rust_mempool_selftests.ko`.

use crate::failslab;
use crate::ktap::{check, check_eq, Test, TestResult};
use crate::mempool::{Mempool, PoolBox, PoolStats, SleepFlags, MAX_MIN_NR};
use crate::slab::{CacheFlags, CacheStats, KmemCache};
use crate::slab_tests::run_threads;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::{c_str, new_mutex, prelude::*, sync::Mutex};

pub(crate) const TESTS: &[Test] = &[
    (
        "failslab_reserve_serves_exactly_min_nr",
        reserve_serves_min_nr,
    ),
    (
        "frees_refill_reserve_then_cache",
        frees_refill_reserve_first,
    ),
    ("sleeping_alloc_waits_for_a_free", sleeping_alloc_waits),
    ("resize_up_and_down_keeps_counts", resize),
    ("reserve_low_is_the_deepest_dip_until_reset", reserve_low),
    (
        "pin_init_elements_hold_a_lock_and_failures_return",
        pin_init_elements,
    ),
    ("rejects_bad_min_nr_and_unfillable_reserve", bad_min_nr),
    ("concurrent_with_random_faults", concurrent),
];

/// Expected pool counters, in the order of `PoolStats`' fields (`live` follows from them).
#[expect(clippy::too_many_arguments)]
pub(crate) fn want(
    min_nr: u64,
    reserve: u64,
    reserve_low: u64,
    allocs: u64,
    frees: u64,
    peak: u64,
    emergency: u64,
    waits: u64,
    failures: u64,
) -> PoolStats {
    PoolStats {
        min_nr,
        reserve,
        reserve_low,
        allocs,
        frees,
        live: allocs - frees,
        peak,
        emergency,
        waits,
        failures,
    }
}

const NOWAIT: kernel::alloc::Flags = GFP_ATOMIC;

fn reserve_serves_min_nr() -> TestResult {
    let cache = KmemCache::<u64>::new(c_str!("rmp_t_pool_fail"), CacheFlags::NONE)?;
    let pool = Mempool::new(&cache, 16)?;
    check_eq!(pool.stats(), pool_stats_fresh(16));
    let marked = failslab::mark(cache.name())?;
    let mut held = KVec::new();
    for i in 0..16 {
        held.push(pool.try_alloc(i, NOWAIT | __GFP_NOWARN)?, GFP_KERNEL)?;
    }
    check_eq!(
        pool.try_alloc(16, NOWAIT | __GFP_NOWARN).err(),
        Some(ENOMEM)
    );
    check_eq!(pool.stats(), want(16, 0, 0, 16, 0, 16, 16, 0, 1));
    // The cache filled the reserve once and then failed each of the 17 attempts.
    check_eq!(
        cache.stats(),
        CacheStats {
            allocs: 16,
            frees: 0,
            live: 16,
            peak: 16,
            failures: 17
        }
    );
    check_eq!(held.iter().map(|b| **b).sum::<u64>(), (0..16).sum::<u64>());
    drop(held);
    drop(marked);
    check_eq!(pool.stats(), want(16, 16, 0, 16, 16, 16, 16, 0, 1));
    check_eq!(cache.stats().live, 16);
    Ok(())
}

fn pool_stats_fresh(min_nr: u64) -> PoolStats {
    want(min_nr, min_nr, min_nr, 0, 0, 0, 0, 0, 0)
}

fn frees_refill_reserve_first() -> TestResult {
    let cache = KmemCache::<u64>::new(c_str!("rmp_t_pool_refill"), CacheFlags::NONE)?;
    let pool = Mempool::new(&cache, 4)?;
    // The cache serves all six: the reserve is not touched.
    let mut held = KVec::new();
    for i in 0..6 {
        held.push(pool.alloc(i, SleepFlags::KERNEL), GFP_KERNEL)?;
    }
    check_eq!(pool.stats(), want(4, 4, 4, 6, 0, 6, 0, 0, 0));
    check_eq!(cache.stats().live, 10);
    drop(held);
    // The reserve was full, so all six went back to the cache.
    check_eq!(pool.stats(), want(4, 4, 4, 6, 6, 6, 0, 0, 0));
    check_eq!(cache.stats().live, 4);

    // Now drain the reserve while the cache fails, and give two back.
    let marked = failslab::mark(cache.name())?;
    let mut held = KVec::new();
    for i in 0..4 {
        held.push(Some(pool.try_alloc(i, NOWAIT | __GFP_NOWARN)?), GFP_KERNEL)?;
    }
    drop(marked);
    check_eq!(pool.stats(), want(4, 0, 0, 10, 6, 6, 4, 0, 0));
    drop((held[2].take(), held[3].take()));
    // Both refilled the reserve; none went to the cache.
    check_eq!(pool.stats(), want(4, 2, 0, 10, 8, 6, 4, 0, 0));
    check_eq!(cache.stats().frees, 6);
    drop(held);
    check_eq!(pool.stats(), want(4, 4, 0, 10, 10, 6, 4, 0, 0));
    check_eq!(cache.stats().frees, 6);
    Ok(())
}

/// What the two threads of `sleeping_alloc_waits` share.
#[pin_data]
struct Handoff<'a> {
    pool: &'a Mempool<'a, u64>,
    /// The element that thread 1 gives back while thread 0 waits.
    #[pin]
    held: Mutex<Option<PoolBox<'a, u64>>>,
    /// The value thread 0 got, once it got one.
    got: AtomicU64,
    /// The pool's `waits` as thread 0 saw it right after its allocation.
    waits_seen: AtomicU64,
}

extern "C" fn handoff(data: *mut kernel::ffi::c_void, idx: u32) -> kernel::ffi::c_int {
    // SAFETY: `sleeping_alloc_waits` passes a `&Handoff` that outlives its threads.
    let h = unsafe { &*data.cast::<Handoff<'_>>() };
    match idx {
        0 => {
            // Reserve empty, cache failing: this sleeps until thread 1 frees.
            let b = h.pool.alloc(42, SleepFlags::KERNEL);
            h.waits_seen.store(h.pool.stats().waits, Ordering::Relaxed);
            h.got.store(*b, Ordering::Relaxed);
        }
        1 => {
            // SAFETY: No preconditions; sleeping is allowed in a kthread.
            unsafe { crate::bindings::msleep(200) };
            drop(h.held.lock().take());
        }
        _ => {}
    }
    0
}

fn sleeping_alloc_waits() -> TestResult {
    let cache = KmemCache::<u64>::new(c_str!("rmp_t_pool_wait"), CacheFlags::NONE)?;
    let mp = Mempool::new(&cache, 2)?;
    let _marked = failslab::mark(cache.name())?;
    let first = mp.try_alloc(1, NOWAIT | __GFP_NOWARN)?;
    let second = mp.try_alloc(2, NOWAIT | __GFP_NOWARN)?;
    check_eq!(mp.stats(), want(2, 0, 0, 2, 0, 2, 2, 0, 0));
    // `pin_init!` moves what it captures: capture a reference.
    let pool_ref = &mp;
    let h = KBox::pin_init(
        pin_init!(Handoff {
            pool: pool_ref,
            held <- new_mutex!(Some(second)),
            got: AtomicU64::new(0),
            waits_seen: AtomicU64::new(0),
        }),
        GFP_KERNEL,
    )?;
    run_threads(handoff, &*h)?;
    check_eq!(h.got.load(Ordering::Relaxed), 42);
    check_eq!(h.waits_seen.load(Ordering::Relaxed), 1);
    // Thread 0's element came from the reserve, refilled by thread 1's free; then both went
    // back to the reserve. At most two elements were out at once, but the free and the
    // allocation ran on different CPUs, so the peak may count the freed one too (the
    // documented precision: less than 64 per other CPU).
    let s = mp.stats();
    check!((2..=3).contains(&s.peak));
    check_eq!(PoolStats { peak: 2, ..s }, want(2, 1, 0, 3, 2, 2, 3, 1, 0));
    drop(first);
    check_eq!(
        PoolStats {
            peak: 2,
            ..mp.stats()
        },
        want(2, 2, 0, 3, 3, 2, 3, 1, 0)
    );
    Ok(())
}

fn resize() -> TestResult {
    let cache = KmemCache::<u64>::new(c_str!("rmp_t_pool_resize"), CacheFlags::NONE)?;
    let pool = Mempool::new(&cache, 4)?;
    pool.resize(8)?;
    // Growing adds elements; the reserve never held fewer than its first 4.
    check_eq!(pool.stats(), want(8, 8, 4, 0, 0, 0, 0, 0, 0));
    check_eq!(
        cache.stats(),
        CacheStats {
            allocs: 8,
            frees: 0,
            live: 8,
            peak: 8,
            failures: 0
        }
    );
    pool.resize(2)?;
    check_eq!(pool.stats(), pool_stats_fresh(2));
    check_eq!(
        cache.stats(),
        CacheStats {
            allocs: 8,
            frees: 6,
            live: 2,
            peak: 8,
            failures: 0
        }
    );
    check_eq!(pool.resize(0).err(), Some(EINVAL));
    check_eq!(pool.resize(MAX_MIN_NR + 1).err(), Some(EINVAL));
    check_eq!(pool.stats(), pool_stats_fresh(2));
    // Growing while the cache fails: min_nr rises, the reserve stays short...
    let marked = failslab::mark(cache.name())?;
    pool.resize(4)?;
    check_eq!(pool.stats(), want(4, 2, 2, 0, 0, 0, 0, 0, 0));
    drop(marked);
    // ...until frees top it up.
    let a = pool.alloc(1, SleepFlags::KERNEL);
    let b = pool.alloc(2, SleepFlags::KERNEL);
    drop((a, b));
    check_eq!(pool.stats(), want(4, 4, 2, 2, 2, 2, 0, 0, 0));
    check_eq!(cache.stats().live, 4);
    Ok(())
}

/// Takes `n` elements from the reserve of `pool`, whose cache fails meanwhile.
fn take_from_reserve<'a>(
    pool: &'a Mempool<'a, u64>,
    cache: &KmemCache<u64>,
    n: u64,
) -> Result<KVec<PoolBox<'a, u64>>> {
    let _marked = failslab::mark(cache.name())?;
    let mut held = KVec::new();
    for i in 0..n {
        held.push(pool.try_alloc(i, NOWAIT | __GFP_NOWARN)?, GFP_KERNEL)?;
    }
    Ok(held)
}

fn reserve_low() -> TestResult {
    let cache = KmemCache::<u64>::new(c_str!("rmp_t_pool_low"), CacheFlags::NONE)?;
    let pool = Mempool::new(&cache, 8)?;
    check_eq!(pool.stats().reserve_low, 8);
    // Served by the cache: the reserve is not touched.
    drop(pool.alloc(0, SleepFlags::KERNEL));
    check_eq!(pool.stats().reserve_low, 8);
    let held = take_from_reserve(&pool, &cache, 3)?;
    check_eq!((pool.stats().reserve, pool.stats().reserve_low), (5, 5));
    drop(held);
    // Refilled, and the low stays where the reserve went.
    check_eq!((pool.stats().reserve, pool.stats().reserve_low), (8, 5));
    // A shallower dip leaves it too.
    drop(take_from_reserve(&pool, &cache, 1)?);
    check_eq!(pool.stats().reserve_low, 5);
    pool.reset_reserve_low();
    check_eq!(pool.stats().reserve_low, 8);
    let held = take_from_reserve(&pool, &cache, 2)?;
    check_eq!(pool.stats().reserve_low, 6);
    drop(held);
    // Emptied: 0, and a failed allocation on the empty reserve keeps it there.
    let held = take_from_reserve(&pool, &cache, 8)?;
    let marked = failslab::mark(cache.name())?;
    check_eq!(pool.try_alloc(9, NOWAIT | __GFP_NOWARN).err(), Some(ENOMEM));
    drop(marked);
    check_eq!((pool.stats().reserve, pool.stats().reserve_low), (0, 0));
    drop(held);
    check_eq!(pool.stats(), want(8, 8, 0, 15, 15, 8, 14, 0, 1));
    Ok(())
}

/// A pool element that holds a lock, so that it must be initialised in place.
#[pin_data]
struct Guarded {
    id: u64,
    #[pin]
    count: Mutex<u64>,
}

fn fail_with(e: Error) -> Result<u64> {
    Err(e)
}

fn pin_init_elements() -> TestResult {
    let cache = KmemCache::<Guarded>::new(c_str!("rmp_t_pool_pin"), CacheFlags::NONE)?;
    let pool = Mempool::new(&cache, 2)?;
    let a = pool.pin_init(
        pin_init!(Guarded { id: 1, count <- new_mutex!(10) }),
        SleepFlags::KERNEL,
    )?;
    *a.count.lock() += 1;
    check_eq!((a.id, *a.count.lock()), (1, 11));
    // An initialiser that fails gives its element back, and says why.
    let err = pool.pin_init(
        try_pin_init!(Guarded { id: fail_with(EIO)?, count <- new_mutex!(0) }? Error),
        SleepFlags::KERNEL,
    );
    check_eq!(err.err(), Some(EIO));
    check_eq!(pool.stats(), want(2, 2, 2, 2, 1, 2, 0, 0, 0));
    // From the reserve while the cache fails: both reserved elements, then nothing.
    let marked = failslab::mark(cache.name())?;
    let mut held = KVec::new();
    for id in 2..4 {
        // The macro names each field it has set, so the count takes a copy of the id.
        let n = id;
        let init = try_pin_init!(Guarded { id, count <- new_mutex!(n) }? Error);
        held.push(pool.try_pin_init(init, NOWAIT | __GFP_NOWARN)?, GFP_KERNEL)?;
    }
    let none = pool.try_pin_init(
        try_pin_init!(Guarded { id: 4, count <- new_mutex!(0) }? Error),
        NOWAIT | __GFP_NOWARN,
    );
    check_eq!(none.err(), Some(ENOMEM));
    drop(marked);
    check_eq!(
        held.iter().map(|g| g.id + *g.count.lock()).sum::<u64>(),
        2 + 2 + 3 + 3
    );
    check_eq!(pool.stats(), want(2, 0, 0, 4, 1, 3, 2, 0, 1));
    drop((a, held));
    check_eq!(pool.stats(), want(2, 2, 0, 4, 4, 3, 2, 0, 1));
    Ok(())
}

fn bad_min_nr() -> TestResult {
    let cache = KmemCache::<u64>::new(c_str!("rmp_t_pool_bad"), CacheFlags::NONE)?;
    check_eq!(Mempool::new(&cache, 0).err(), Some(EINVAL));
    check_eq!(Mempool::new(&cache, MAX_MIN_NR + 1).err(), Some(EINVAL));
    let marked = failslab::mark(cache.name())?;
    check_eq!(Mempool::new(&cache, 4).err(), Some(ENOMEM));
    drop(marked);
    // The failed fill gave back nothing it did not take.
    let s = cache.stats();
    check_eq!((s.allocs, s.frees, s.live, s.failures), (0, 0, 0, 1));
    Ok(())
}

const ROUNDS: u32 = 5_000;

/// What the threads of `concurrent` share.
struct Stress<'a> {
    pool: &'a Mempool<'a, u64>,
    /// Workers that have finished; the fault thread stops when all have.
    finished: AtomicU64,
    workers: u64,
    /// Set by the fault thread once the workers' allocations have been served from the
    /// reserve at least once and from the cache at least once; workers go on past `ROUNDS`
    /// until then, so that both happen whatever the timing.
    both_seen: AtomicU64,
}

extern "C" fn stress(data: *mut kernel::ffi::c_void, idx: u32) -> kernel::ffi::c_int {
    // SAFETY: `concurrent` passes a `&Stress` that outlives every thread it starts.
    let s = unsafe { &*data.cast::<Stress<'_>>() };
    if idx == 0 {
        return inject_faults(s);
    }
    let mut x = u64::from(idx) * 2 + 1;
    let mut extra = None;
    let mut round = 0;
    while round < ROUNDS || s.both_seen.load(Ordering::Relaxed) == 0 {
        round += 1;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // At most one element is held while sleeping, so the reserve (two per thread) always
        // has one for a waiter and no thread waits forever.
        crate::slab_tests::cond_resched();
        drop(extra.take());
        let b = s.pool.alloc(u64::from(round), SleepFlags::NOIO);
        if x & 1 == 0 {
            extra = s.pool.try_alloc(u64::from(idx), NOWAIT | __GFP_NOWARN).ok();
        }
        // Another thread holding the same element would have overwritten it.
        if *b != u64::from(round) {
            return EINVAL.to_errno();
        }
    }
    s.finished.fetch_add(1, Ordering::Relaxed);
    0
}

/// Sleeps a millisecond at a time until `seen` says yes; `EBUSY` after about 10 s.
fn wait_until(seen: impl Fn() -> bool) -> Result {
    for _ in 0..10_000 {
        if seen() {
            return Ok(());
        }
        // SAFETY: No preconditions; sleeping is allowed in a kthread.
        unsafe { crate::bindings::msleep(1) };
    }
    Err(EBUSY)
}

/// First makes sure the workers meet both a failing and a serving cache: marks the pool's
/// cache for failslab until an allocation is served from the reserve, then unmarks it until
/// one is served by the cache. Then marks and unmarks it every millisecond or so until the
/// workers are done: their allocations fail in unpredictable windows.
fn inject_faults(s: &Stress<'_>) -> kernel::ffi::c_int {
    let stats = || s.pool.stats();
    let first = (|| -> Result {
        let m = failslab::mark(s.pool.cache().name())?;
        let emergency = stats().emergency;
        wait_until(|| stats().emergency > emergency)?;
        drop(m);
        let served = stats().allocs - stats().emergency;
        wait_until(|| stats().allocs - stats().emergency > served)
    })();
    s.both_seen.store(1, Ordering::Relaxed);
    if let Err(e) = first {
        return e.to_errno();
    }
    let mut marked = None;
    while s.finished.load(Ordering::Relaxed) < s.workers {
        marked = match marked.take() {
            Some(m) => {
                drop(m);
                None
            }
            None => match failslab::mark(s.pool.cache().name()) {
                Ok(m) => Some(m),
                Err(e) => return e.to_errno(),
            },
        };
        // SAFETY: No preconditions; sleeping is allowed in a kthread.
        unsafe { crate::bindings::msleep(1) };
    }
    0
}

fn concurrent() -> TestResult {
    let cache = KmemCache::<u64>::new(c_str!("rmp_t_pool_stress"), CacheFlags::NONE)?;
    let threads = 2 * crate::slab_tests::num_online_cpus();
    // Two elements per worker: see `stress`.
    let min_nr = 2 * threads as usize;
    let pool = Mempool::new(&cache, min_nr)?;
    let shared = Stress {
        pool: &pool,
        finished: AtomicU64::new(0),
        workers: u64::from(threads) - 1,
        both_seen: AtomicU64::new(0),
    };
    run_threads(stress, &shared)?;
    let s = pool.stats();
    pr_info!("rmp-ktap: #   pool {:?}\n", s);
    pr_info!("rmp-ktap: #   cache {:?}\n", cache.stats());
    check_eq!(s.allocs, s.frees);
    check_eq!(s.reserve, min_nr as u64);
    check!(s.allocs >= shared.workers * u64::from(ROUNDS));
    check!(s.emergency > 0);
    // The reserve served some: it held fewer than `min_nr` at some point.
    check!(s.reserve_low < min_nr as u64);
    check!(s.emergency < s.allocs);
    check_eq!(cache.stats().live, min_nr as u64);
    Ok(())
}
