// SPDX-License-Identifier: GPL-2.0

//! Tests of `slab/`, run in the guest by loading `rust_mempool_selftests.ko`.

use crate::failslab;
use crate::ktap::{check, check_eq, Test, TestResult};
use crate::slab::{CacheFlags, CacheStats, KmemCache, NoStats, StaticCache};
use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::{alloc::Box, c_str, new_mutex, prelude::*, sync::Mutex};

pub(crate) const TESTS: &[Test] = &[
    ("counts_exact_after_alloc_and_free", counts_exact),
    ("drop_runs_once_per_object", drop_runs_once),
    ("into_inner_moves_out_without_drop", into_inner_moves_out),
    ("rejects_bad_types_and_names", rejects_bad_input),
    ("alloc_zeroed_is_zero", alloc_zeroed),
    ("init_error_returns_memory", init_error_returns_memory),
    ("pin_init_holds_a_mutex", pin_init_mutex),
    ("bulk_alloc_and_free", bulk),
    ("no_stats_cache_keeps_the_same_rules", no_stats),
    ("static_cache_box_and_pin_init", static_cache),
    (
        "static_cache_refuses_what_does_not_fit",
        static_cache_limits,
    ),
    (
        "static_cache_allocates_on_the_node_asked",
        static_cache_node,
    ),
    ("failslab_gives_enomem_and_exact_counts", failslab),
    ("concurrent_alloc_free_on_all_cpus", concurrent),
];

fn stats(allocs: u64, frees: u64, peak: u64, failures: u64) -> CacheStats {
    CacheStats {
        allocs,
        frees,
        live: allocs - frees,
        peak,
        failures,
    }
}

fn counts_exact() -> TestResult {
    let cache = KmemCache::<u64>::new(c_str!("rmp_t_counts"), CacheFlags::HWCACHE_ALIGN)?;
    check_eq!(cache.stats(), stats(0, 0, 0, 0));
    let a = cache.alloc(1, GFP_KERNEL)?;
    let b = cache.alloc(2, GFP_KERNEL)?;
    let c = cache.alloc(3, GFP_KERNEL)?;
    check_eq!((*a, *b, *c), (1, 2, 3));
    check_eq!(cache.stats(), stats(3, 0, 3, 0));
    drop(b);
    check_eq!(cache.stats(), stats(3, 1, 3, 0));
    // The peak is a high-water mark: going back up to it does not move it.
    let d = cache.alloc(4, GFP_KERNEL)?;
    check_eq!(cache.stats(), stats(4, 1, 3, 0));
    let e = cache.alloc(5, GFP_KERNEL)?;
    check_eq!(cache.stats(), stats(5, 1, 4, 0));
    drop((a, c, d, e));
    check_eq!(cache.stats(), stats(5, 5, 4, 0));
    check_eq!(cache.object_size(), 8);
    check!(cache.aligned_size() >= 8);
    Ok(())
}

static DROPS: AtomicUsize = AtomicUsize::new(0);

/// Counts its drops in `DROPS`.
struct Tracked(u64);

impl Drop for Tracked {
    fn drop(&mut self) {
        DROPS.fetch_add(1, Ordering::Relaxed);
    }
}

fn drop_runs_once() -> TestResult {
    let cache = KmemCache::<Tracked>::new(c_str!("rmp_t_drop"), CacheFlags::NONE)?;
    DROPS.store(0, Ordering::Relaxed);
    let mut objs = KVec::new();
    for i in 0..10 {
        objs.push(cache.alloc(Tracked(i), GFP_KERNEL)?, GFP_KERNEL)?;
    }
    check_eq!(DROPS.load(Ordering::Relaxed), 0);
    drop(objs);
    check_eq!(DROPS.load(Ordering::Relaxed), 10);
    check_eq!(cache.stats(), stats(10, 10, 10, 0));
    Ok(())
}

fn into_inner_moves_out() -> TestResult {
    let cache = KmemCache::<Tracked>::new(c_str!("rmp_t_inner"), CacheFlags::NONE)?;
    DROPS.store(0, Ordering::Relaxed);
    let b = cache.alloc(Tracked(7), GFP_KERNEL)?;
    let value = crate::slab::CacheBox::into_inner(b);
    // The memory went back, the value did not drop.
    check_eq!(cache.stats(), stats(1, 1, 1, 0));
    check_eq!(DROPS.load(Ordering::Relaxed), 0);
    drop(value);
    check_eq!(DROPS.load(Ordering::Relaxed), 1);
    Ok(())
}

fn rejects_bad_input() -> TestResult {
    check_eq!(
        KmemCache::<()>::new(c_str!("rmp_t_zst"), CacheFlags::NONE).err(),
        Some(EINVAL)
    );
    check_eq!(
        KmemCache::<[u8; 8 << 20]>::new(c_str!("rmp_t_huge"), CacheFlags::NONE).err(),
        Some(EINVAL)
    );
    for name in [
        c_str!(""),
        c_str!("has space"),
        c_str!("has/slash"),
        c_str!("a_name_that_is_longer_than_32_bytes"),
    ] {
        check_eq!(
            KmemCache::<u32>::new(name, CacheFlags::NONE).err(),
            Some(EINVAL)
        );
    }
    // The longest name allowed.
    check!(
        KmemCache::<u32>::new(c_str!("rmp_t_name_of_exactly_32_bytes_"), CacheFlags::NONE).is_ok()
    );
    Ok(())
}

fn alloc_zeroed() -> TestResult {
    let cache = KmemCache::<[u64; 16]>::new(c_str!("rmp_t_zeroed"), CacheFlags::NONE)?;
    // Dirty an object first, so the next one is likely to reuse its memory.
    drop(cache.alloc([u64::MAX; 16], GFP_KERNEL)?);
    let z = cache.alloc_zeroed(GFP_KERNEL)?;
    check!(z.iter().all(|&w| w == 0));
    Ok(())
}

struct Pair {
    a: u64,
    b: u64,
}

fn fail_with(e: Error) -> Result<u64> {
    Err(e)
}

fn init_error_returns_memory() -> TestResult {
    let cache = KmemCache::<Pair>::new(c_str!("rmp_t_init"), CacheFlags::NONE)?;
    let ok = cache.init(kernel::try_init!(Pair { a: 1, b: 2 }? Error), GFP_KERNEL)?;
    check_eq!((ok.a, ok.b), (1, 2));
    let err = cache.init(
        kernel::try_init!(Pair { a: 1, b: fail_with(EIO)? }? Error),
        GFP_KERNEL,
    );
    check_eq!(err.err(), Some(EIO));
    // The failed object went back: two allocated, one freed, one live.
    check_eq!(cache.stats(), stats(2, 1, 2, 0));
    Ok(())
}

#[pin_data]
struct Locked {
    #[pin]
    value: Mutex<u64>,
}

fn pin_init_mutex() -> TestResult {
    let cache = KmemCache::<Locked>::new(c_str!("rmp_t_pinned"), CacheFlags::NONE)?;
    let obj = cache.pin_init(pin_init!(Locked { value <- new_mutex!(5) }), GFP_KERNEL)?;
    *obj.value.lock() += 1;
    check_eq!(*obj.value.lock(), 6);
    drop(obj);
    check_eq!(cache.stats(), stats(1, 1, 1, 0));
    Ok(())
}

fn bulk() -> TestResult {
    let cache = KmemCache::<Tracked>::new(c_str!("rmp_t_bulk"), CacheFlags::NONE)?;
    DROPS.store(0, Ordering::Relaxed);
    let mut objs = cache.alloc_bulk(32, GFP_KERNEL, |i| Tracked(i as u64 * 3))?;
    check_eq!(objs.len(), 32);
    check_eq!(objs.get(31).map(|t| t.0), Some(93));
    check!(objs.get(32).is_none());
    if let Some(t) = objs.get_mut(0) {
        t.0 = 100;
    }
    check_eq!(
        objs.iter().map(|t| t.0).sum::<u64>(),
        100 + 3 * (1..32).sum::<u64>()
    );
    check_eq!(cache.stats(), stats(32, 0, 32, 0));
    drop(objs);
    check_eq!(DROPS.load(Ordering::Relaxed), 32);
    check_eq!(cache.stats(), stats(32, 32, 32, 0));
    let none = cache.alloc_bulk(0, GFP_KERNEL, |i| Tracked(i as u64))?;
    check!(none.is_empty());
    check_eq!(cache.stats(), stats(32, 32, 32, 0));
    // 16 pointers fit in the box itself, 17 take an array: the same objects either way.
    for nr in [16usize, 17] {
        DROPS.store(0, Ordering::Relaxed);
        let mut objs = cache.alloc_bulk(nr, GFP_KERNEL, |i| Tracked(i as u64))?;
        check_eq!(objs.len(), nr);
        if let Some(t) = objs.get_mut(nr - 1) {
            t.0 = 1000;
        }
        check_eq!(
            objs.iter().map(|t| t.0).sum::<u64>(),
            (0..nr as u64 - 1).sum::<u64>() + 1000
        );
        drop(objs);
        check_eq!(DROPS.load(Ordering::Relaxed), nr);
    }
    check_eq!(cache.stats(), stats(32 + 16 + 17, 32 + 16 + 17, 32, 0));
    Ok(())
}

/// A cache without counters: the same objects, drops and bulk as a counted one, and no
/// memory for counters.
fn no_stats() -> TestResult {
    check_eq!(core::mem::size_of::<NoStats>(), 0);
    let cache = KmemCache::<Tracked, NoStats>::new(c_str!("rmp_t_nostats"), CacheFlags::NONE)?;
    DROPS.store(0, Ordering::Relaxed);
    let a = cache.alloc(Tracked(7), GFP_KERNEL)?;
    let b = cache.alloc(Tracked(8), GFP_KERNEL)?;
    check_eq!((a.0, b.0), (7, 8));
    check_eq!(crate::slab::CacheBox::into_inner(b).0, 8);
    // `into_inner` moved the value out: dropping it is the first drop.
    check_eq!(DROPS.load(Ordering::Relaxed), 1);
    drop(a);
    check_eq!(DROPS.load(Ordering::Relaxed), 2);
    let objs = cache.alloc_bulk(16, GFP_KERNEL, |i| Tracked(i as u64))?;
    check_eq!(objs.iter().map(|t| t.0).sum::<u64>(), (0..16).sum::<u64>());
    drop(objs);
    check_eq!(DROPS.load(Ordering::Relaxed), 18);
    let zeroed = KmemCache::<[u64; 4], NoStats>::new(c_str!("rmp_t_nostats0"), CacheFlags::NONE)?;
    drop(zeroed.alloc([u64::MAX; 4], GFP_KERNEL)?);
    check_eq!(*zeroed.alloc_zeroed(GFP_KERNEL)?, [0; 4]);
    Ok(())
}

crate::kmem_cache_allocator!(TestCache: Locked = c_str!("rmp_t_static"));
crate::kmem_cache_allocator!(SmallCache: u32 = c_str!("rmp_t_static_small"));

fn static_cache() -> TestResult {
    // Not registered yet: nothing to allocate from.
    check!(Box::<u32, SmallCache>::new(1, GFP_KERNEL).is_err());
    let reg = TestCache::register(CacheFlags::HWCACHE_ALIGN)?;
    check_eq!(TestCache::register(CacheFlags::NONE).err(), Some(EBUSY));
    let a = Box::<Locked, TestCache>::pin_init(
        pin_init!(Locked { value <- new_mutex!(1) }),
        GFP_KERNEL,
    )?;
    let b = Box::<Locked, TestCache>::pin_init(
        pin_init!(Locked { value <- new_mutex!(2) }),
        GFP_KERNEL,
    )?;
    check_eq!(*a.value.lock() + *b.value.lock(), 3);
    check_eq!(reg.stats(), stats(2, 0, 2, 0));
    drop(a);
    check_eq!(reg.stats(), stats(2, 1, 2, 0));
    drop(b);
    check_eq!(reg.stats(), stats(2, 2, 2, 0));
    drop(reg);
    // Unregistered again: allocation fails cleanly.
    check!(Box::<Locked, TestCache>::pin_init(
        pin_init!(Locked { value <- new_mutex!(1) }),
        GFP_KERNEL
    )
    .is_err());
    Ok(())
}

fn static_cache_limits() -> TestResult {
    let reg = SmallCache::register(CacheFlags::NONE)?;
    // Fits: a smaller type is fine. Too large or too aligned: refused, nothing allocated.
    let small = Box::<u16, SmallCache>::new(7, GFP_KERNEL)?;
    check!(Box::<u64, SmallCache>::new(7, GFP_KERNEL).is_err());
    check!(Box::<[u32; 2], SmallCache>::new([1, 2], GFP_KERNEL).is_err());
    // A zero-sized value takes no object.
    let zst = Box::<(), SmallCache>::new((), GFP_KERNEL)?;
    check_eq!(reg.stats(), stats(1, 0, 1, 0));
    drop((small, zst));
    check_eq!(reg.stats(), stats(1, 1, 1, 0));
    Ok(())
}

#[cfg(rmp_alloc_nid)]
crate::kmem_cache_allocator!(NodeCache: [u64; 4] = c_str!("rmp_t_static_node"));

/// The guest boots with `numa=fake=2`: an object asked of node 1 comes from node 1.
#[cfg(rmp_alloc_nid)]
fn static_cache_node() -> TestResult {
    use core::alloc::Layout;
    use kernel::alloc::{Allocator, NumaNode};

    check_eq!(<NodeCache as Allocator>::MIN_ALIGN, 8);
    // SAFETY: No preconditions.
    check_eq!(unsafe { crate::bindings::rmp_test_online_nodes() }, 2);
    let reg = NodeCache::register(CacheFlags::NONE)?;
    let layout = Layout::new::<[u64; 4]>();
    for node in [1, 0, 1] {
        let obj = NodeCache::alloc(layout, GFP_KERNEL, NumaNode::new(node)?)?;
        // SAFETY: `obj` is a live slab object.
        let got = unsafe { crate::bindings::rmp_test_obj_node(obj.as_ptr().cast()) };
        // SAFETY: `obj` came from `NodeCache::alloc` with `layout` and is not used again.
        unsafe { NodeCache::free(obj.cast(), layout) };
        check_eq!(got, node);
    }
    // Any node: still counted like the others.
    let any = Box::<[u64; 4], NodeCache>::new([1; 4], GFP_KERNEL)?;
    drop(any);
    check_eq!(reg.stats(), stats(4, 4, 1, 0));
    Ok(())
}

/// Without a NUMA node in `Allocator`, there is nothing to ask for.
#[cfg(not(rmp_alloc_nid))]
fn static_cache_node() -> TestResult {
    Err(crate::ktap::Failure::skip(
        "this kernel's Allocator takes no NUMA node",
    ))
}

/// Needs `/sys/kernel/debug/failslab` armed by `test_kernel.sh`: then every allocation from a
/// cache marked with [`failslab::mark`] fails.
fn failslab() -> TestResult {
    let cache = KmemCache::<u64>::new(c_str!("rmp_t_failslab"), CacheFlags::NONE)?;
    let _marked = failslab::mark(cache.name())?;
    check_eq!(cache.alloc(1, GFP_KERNEL).err(), Some(ENOMEM));
    check_eq!(cache.stats(), stats(0, 0, 0, 1));
    check_eq!(
        cache.alloc_bulk(8, GFP_KERNEL, |i| i as u64).err(),
        Some(ENOMEM)
    );
    check_eq!(
        cache.alloc_zeroed(GFP_ATOMIC | __GFP_NOWARN).err(),
        Some(ENOMEM)
    );
    check_eq!(cache.stats(), stats(0, 0, 0, 3));
    // Other caches are not affected.
    let other = KmemCache::<u64>::new(c_str!("rmp_t_nofail"), CacheFlags::NONE)?;
    check!(other.alloc(1, GFP_KERNEL).is_ok());
    Ok(())
}

const ROUNDS: u32 = 20_000;
const HELD: usize = 16;

/// One thread's share of `concurrent`: allocate and free in a pattern that keeps up to
/// `HELD` objects at a time, checking each object's contents.
extern "C" fn stress(data: *mut kernel::ffi::c_void, idx: u32) -> kernel::ffi::c_int {
    // SAFETY: `concurrent` passes a `&KmemCache<u64>` that outlives every thread it starts.
    let cache = unsafe { &*data.cast::<KmemCache<u64>>() };
    let mut held: [Option<crate::slab::CacheBox<'_, u64>>; HELD] = Default::default();
    let mut x = u64::from(idx) + 1;
    for round in 0..ROUNDS {
        // xorshift: a cheap varying pattern of allocations and frees.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        cond_resched();
        let slot = &mut held[(x >> 8) as usize % HELD];
        match slot.take() {
            // Free what this slot held, after checking nobody else wrote to it.
            Some(b) => {
                if *b >> 32 != u64::from(idx) {
                    return EINVAL.to_errno();
                }
            }
            None => match cache.alloc(u64::from(idx) << 32 | u64::from(round), GFP_KERNEL) {
                Ok(b) => *slot = Some(b),
                Err(e) => return e.to_errno(),
            },
        }
    }
    0
}

/// Lets other threads run: the test kernel has no preemption, and busy test threads would
/// otherwise starve the others on the same CPU.
pub(crate) fn cond_resched() {
    // SAFETY: No preconditions; called from kthreads, which may sleep.
    unsafe { crate::bindings::rmp_cond_resched() }
}

/// The number of online CPUs.
pub(crate) fn num_online_cpus() -> u32 {
    // SAFETY: No preconditions.
    unsafe { crate::bindings::rmp_num_online_cpus() }
}

/// Runs `f` on two threads per online CPU, sharing `data`, and waits for them.
pub(crate) fn run_threads<T: Sync>(
    f: unsafe extern "C" fn(*mut kernel::ffi::c_void, u32) -> kernel::ffi::c_int,
    data: &T,
) -> Result<u32> {
    let nr = 2 * num_online_cpus();
    // SAFETY: `data` outlives the call, which waits for every thread; `T: Sync` makes sharing
    // it between the threads sound.
    let ret = unsafe {
        crate::bindings::rmp_run_threads(Some(f), core::ptr::from_ref(data).cast_mut().cast(), nr)
    };
    kernel::error::to_result(ret)?;
    Ok(nr)
}

fn concurrent() -> TestResult {
    let cache = KmemCache::<u64>::new(c_str!("rmp_t_concurrent"), CacheFlags::HWCACHE_ALIGN)?;
    check!(num_online_cpus() >= 2);
    let threads = run_threads(stress, &cache)?;
    let s = cache.stats();
    check_eq!(s.live, 0);
    check_eq!(s.allocs, s.frees);
    check_eq!(s.failures, 0);
    check!(s.allocs >= u64::from(threads) * u64::from(ROUNDS) / 4);
    check!(s.peak >= HELD as u64 && s.peak <= u64::from(threads) * HELD as u64);
    Ok(())
}
