// SPDX-License-Identifier: GPL-2.0

//! Tests of the pools of `kmalloc()` buffers and of pages, and of bulk pool allocation: each
//! reserve proved under fault injection, as `mempool_tests.rs` proves the typed pool's.

use crate::failslab;
use crate::ktap::{check, check_eq, Test, TestResult};
use crate::mempool::{KmallocPool, PagePool, PoolStats, SleepFlags};
use crate::mempool_tests::want;
use crate::slab_tests::run_threads;
use core::{
    ops::DerefMut,
    sync::atomic::{AtomicU64, Ordering},
};
use kernel::{alloc::Flags, new_mutex, page::PAGE_SIZE, prelude::*, sync::Mutex};

pub(crate) const TESTS: &[Test] = &[
    (
        "kmalloc_pool_failslab_reserve_serves_exactly_min_nr_then_waits",
        reserve_then_wait::<KmallocPool>,
    ),
    (
        "page_pool_fail_page_alloc_reserve_serves_exactly_min_nr_then_waits",
        reserve_then_wait::<PagePool>,
    ),
    (
        "bulk_pool_alloc_from_cache_then_reserve",
        bulk_from_cache_then_reserve,
    ),
];

/// The kmalloc pool's buffer size: from the kmalloc-1k cache, which the test marks for
/// failslab (failing the tests' tasks alone, see `failslab.c`).
const BUF_SIZE: usize = 1000;
/// The page pool's order: `MAX_PAGE_ORDER`, the blocks fail_page_alloc fails for the tests'
/// tasks (and for no other allocation of theirs).
const ORDER: u32 = crate::mempool::MAX_ORDER;
const MIN_NR: usize = 4;
const NOWAIT: Flags = GFP_ATOMIC;

/// A pool kind, as the tests drive it.
trait Kind: Sync + Sized {
    type Elem<'a>: DerefMut<Target = [u8]> + Send + Unpin
    where
        Self: 'a;
    /// Fault injection that fails this kind's source for the tests' tasks.
    type Armed;
    fn new(min_nr: usize) -> Result<Self>;
    /// The length of every element.
    fn len(&self) -> usize;
    fn alloc(&self, flags: SleepFlags) -> Self::Elem<'_>;
    fn try_alloc(&self, flags: Flags) -> Result<Self::Elem<'_>>;
    fn stats(&self) -> PoolStats;
    fn resize(&self, min_nr: usize) -> Result;
    fn arm() -> Result<Self::Armed>;
}

impl Kind for KmallocPool {
    type Elem<'a> = crate::mempool::PoolBuf<&'a KmallocPool>;
    type Armed = failslab::Marked;
    fn new(min_nr: usize) -> Result<Self> {
        KmallocPool::new(BUF_SIZE, min_nr)
    }
    fn len(&self) -> usize {
        self.size()
    }
    fn alloc(&self, flags: SleepFlags) -> Self::Elem<'_> {
        KmallocPool::alloc(self, flags)
    }
    fn try_alloc(&self, flags: Flags) -> Result<Self::Elem<'_>> {
        KmallocPool::try_alloc(self, flags)
    }
    fn stats(&self) -> PoolStats {
        KmallocPool::stats(self)
    }
    fn resize(&self, min_nr: usize) -> Result {
        KmallocPool::resize(self, min_nr)
    }
    fn arm() -> Result<Self::Armed> {
        failslab::mark(kernel::c_str!("kmalloc-1k"))
    }
}

impl Kind for PagePool {
    type Elem<'a> = crate::mempool::PoolPages<&'a PagePool>;
    /// Always armed: only a `failslab::Spared` task gets blocks of this order.
    type Armed = ();
    fn new(min_nr: usize) -> Result<Self> {
        PagePool::new(ORDER, min_nr)
    }
    fn len(&self) -> usize {
        PAGE_SIZE << self.order()
    }
    fn alloc(&self, flags: SleepFlags) -> Self::Elem<'_> {
        PagePool::alloc(self, flags)
    }
    fn try_alloc(&self, flags: Flags) -> Result<Self::Elem<'_>> {
        PagePool::try_alloc(self, flags)
    }
    fn stats(&self) -> PoolStats {
        PagePool::stats(self)
    }
    fn resize(&self, min_nr: usize) -> Result {
        PagePool::resize(self, min_nr)
    }
    fn arm() -> Result<Self::Armed> {
        Ok(())
    }
}

/// What the two threads of `reserve_then_wait` share.
#[pin_data]
struct Handoff<'a, K: Kind> {
    pool: &'a K,
    /// The element that thread 1 gives back while thread 0 waits.
    #[pin]
    held: Mutex<Option<K::Elem<'a>>>,
    /// Whether thread 0's element was zeroed and of the pool's length (1), once it got one.
    got_clean: AtomicU64,
    /// The pool's `waits` as thread 0 saw it right after its allocation.
    waits_seen: AtomicU64,
}

extern "C" fn handoff<K: Kind>(data: *mut kernel::ffi::c_void, idx: u32) -> kernel::ffi::c_int {
    // SAFETY: `reserve_then_wait` passes a `&Handoff<K>` that outlives its threads.
    let h = unsafe { &*data.cast::<Handoff<'_, K>>() };
    match idx {
        0 => {
            // Reserve empty, source failing: this sleeps until thread 1 frees.
            let e = h.pool.alloc(SleepFlags::KERNEL);
            h.waits_seen.store(h.pool.stats().waits, Ordering::Relaxed);
            let clean = e.len() == h.pool.len() && e.iter().all(|&b| b == 0);
            h.got_clean.store(u64::from(clean), Ordering::Relaxed);
        }
        1 => {
            // Frees once thread 0 waits (or after 10 s, and thread 0 then reports no wait).
            for _ in 0..10_000 {
                if h.pool.stats().waits >= 1 {
                    break;
                }
                // SAFETY: No preconditions; sleeping is allowed in a kthread.
                unsafe { crate::bindings::msleep(1) };
            }
            drop(h.held.lock().take());
        }
        _ => {}
    }
    0
}

/// With the source failing: exactly `MIN_NR` non-sleeping allocations succeed, from the
/// reserve, the next fails; a sleeping one waits until an element is freed, and gets it
/// zeroed although it was written; frees refill the reserve; `resize` moves it.
fn reserve_then_wait<K: Kind>() -> TestResult {
    let spared = failslab::spare_this_task();
    let pool = K::new(MIN_NR)?;
    drop(spared);
    let n = MIN_NR as u64;
    check_eq!(pool.stats(), want(n, n, n, 0, 0, 0, 0, 0, 0));
    let mut held = KVec::with_capacity(MIN_NR, GFP_KERNEL)?;
    let armed = K::arm()?;
    for _ in 0..MIN_NR {
        let mut e = pool.try_alloc(NOWAIT | __GFP_NOWARN)?;
        e.fill(0xa5);
        held.push(Some(e), GFP_KERNEL)?;
    }
    check_eq!(pool.try_alloc(NOWAIT | __GFP_NOWARN).err(), Some(ENOMEM));
    check_eq!(pool.stats(), want(n, 0, 0, n, 0, n, n, 0, 1));
    check!(held
        .iter()
        .flatten()
        .all(|e| e.len() == pool.len() && e[e.len() - 1] == 0xa5));

    // (6.12's `KVec` has no `pop()`.)
    let handed = held[MIN_NR - 1].take();
    let pool_ref = &pool;
    let h = KBox::pin_init(
        pin_init!(Handoff::<K> {
            pool: pool_ref,
            held <- new_mutex!(handed),
            got_clean: AtomicU64::new(0),
            waits_seen: AtomicU64::new(0),
        }),
        GFP_KERNEL,
    )?;
    // The threads' own allocations, in this task, must not fail (they may come from a marked
    // kmalloc cache); the threads fail their own.
    let spared = failslab::spare_this_task();
    run_threads(handoff::<K>, &*h)?;
    drop(spared);
    drop(armed);
    check_eq!(h.waits_seen.load(Ordering::Relaxed), 1);
    check_eq!(h.got_clean.load(Ordering::Relaxed), 1);
    // Thread 1's free refilled the reserve, thread 0 took that element and gave it back: one
    // in the reserve. The peak may count the freed element too (it was freed on another CPU).
    let s = pool.stats();
    check!((n..=n + 1).contains(&s.peak));
    check_eq!(
        PoolStats { peak: n, ..s },
        want(n, 1, 0, n + 1, 2, n, n + 1, 1, 1)
    );
    drop(held);
    check_eq!(
        PoolStats {
            peak: n,
            ..pool.stats()
        },
        want(n, n, 0, n + 1, n + 1, n, n + 1, 1, 1)
    );
    let spared = failslab::spare_this_task();
    pool.resize(6)?;
    check_eq!((pool.stats().min_nr, pool.stats().reserve), (6, 6));
    pool.resize(1)?;
    check_eq!((pool.stats().min_nr, pool.stats().reserve), (1, 1));
    drop(spared);
    Ok(())
}

/// Bulk allocation: from the cache while it serves, from the reserve while it fails, and
/// refused beyond the reserve.
#[cfg(rmp_mempool_bulk)]
fn bulk_from_cache_then_reserve() -> TestResult {
    use crate::mempool::Mempool;
    use crate::slab::{CacheFlags, KmemCache};
    use kernel::c_str;

    let cache = KmemCache::<u64>::new(c_str!("rmp_t_pool_bulk"), CacheFlags::NONE)?;
    let pool = Mempool::new(&cache, MIN_NR)?;
    let [a, b] = pool.alloc_bulk([1, 2], SleepFlags::KERNEL)?;
    check_eq!((*a, *b), (1, 2));
    check_eq!(pool.stats(), want(4, 4, 4, 2, 0, 2, 0, 0, 0));
    drop((a, b));
    check_eq!(cache.stats().live, 4);

    let marked = failslab::mark(cache.name())?;
    let three = pool.alloc_bulk([3, 4, 5], SleepFlags::NOIO)?;
    check_eq!(three.iter().map(|e| **e).sum::<u64>(), 12);
    check_eq!(pool.stats(), want(4, 1, 1, 5, 2, 3, 3, 0, 0));
    // More than the reserve could ever hold at once: refused, nothing taken.
    check_eq!(
        pool.alloc_bulk([0; MIN_NR + 1], SleepFlags::NOIO).err(),
        Some(EINVAL)
    );
    check_eq!(pool.stats(), want(4, 1, 1, 5, 2, 3, 3, 0, 0));
    drop(marked);
    drop(three);
    check_eq!(pool.stats(), want(4, 4, 1, 5, 5, 3, 3, 0, 0));
    check_eq!(cache.stats().live, 4);
    Ok(())
}

/// Reported as a skip where the C mempool has no bulk allocation (before 6.19).
#[cfg(not(rmp_mempool_bulk))]
fn bulk_from_cache_then_reserve() -> TestResult {
    Err(crate::ktap::Failure::skip(
        "the kernel has no mempool_alloc_bulk()",
    ))
}
