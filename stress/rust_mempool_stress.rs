// SPDX-License-Identifier: GPL-2.0

//! rust_mempool_stress: every CPU allocates and frees at random, for `seconds` (a module
//! parameter), across a typed cache, a module-lifetime cache (`Box<T, A>`), bulk allocation
//! and the three kinds of pool: random batch sizes and hold times, objects handed between
//! CPUs, sleeping allocations from kthreads and atomic ones from a timer (softirq), the
//! pool resized while allocations are in flight. Then every object must be back, every
//! reserve full, and every counter equal to what the workers counted themselves. With
//! `noio=1` the sleeping allocations are `GFP_NOIO` ones, as a block driver's: `make stress`
//! runs it so while a process eats the guest's memory.
//!
//! Its init logs its results as `rmp-stress: ok - ...`/`not ok - ...` lines and one table,
//! which `qemu/guest/stress.sh` passes on.

use core::sync::atomic::{AtomicU64, Ordering};
use kernel::{alloc::Box, alloc::Flags, c_str, new_mutex, prelude::*, sync::Arc, sync::Mutex};

mod bindings;
#[path = "../mempool/mod.rs"]
pub mod mempool;
#[path = "../slab/mod.rs"]
pub mod slab;

use mempool::{KmallocPool, Mempool, PagePool, PoolBuf, PoolPages, SharedPoolBox, SleepFlags};
use slab::{BulkBox, CacheBox, CacheFlags, KmemCache, StaticCache};

module! {
    type: Stress,
    name: "rust_mempool_stress",
    description: "Stress test of rust_mempool's caches and pools",
    license: "GPL",
}

/// What every worker allocates: 64 bytes whose two words check each other, so that an
/// object that another user wrote is seen when it is freed.
struct Obj {
    tag: u64,
    check: u64,
    _payload: [u64; 6],
}

impl Obj {
    fn new(tag: u64) -> Self {
        Self {
            tag,
            check: !tag,
            _payload: [tag; 6],
        }
    }

    fn intact(&self) -> bool {
        self.check == !self.tag
    }
}

crate::kmem_cache_allocator!(StaticObj: Obj = c_str!("rmp_stress_static"));

/// The kinds of allocation, as the counters and the table name them.
#[derive(Clone, Copy)]
enum Kind {
    Cache,
    Static,
    Bulk,
    Pool,
    Buf,
    Page,
}

const KINDS: [Kind; 6] = [
    Kind::Cache,
    Kind::Static,
    Kind::Bulk,
    Kind::Pool,
    Kind::Buf,
    Kind::Page,
];

impl Kind {
    fn is_pool(self) -> bool {
        matches!(self, Kind::Pool | Kind::Buf | Kind::Page)
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Cache => "cache",
            Kind::Static => "static cache",
            Kind::Bulk => "bulk",
            Kind::Pool => "typed pool",
            Kind::Buf => "kmalloc pool",
            Kind::Page => "page pool",
        }
    }
}

/// One held allocation.
enum Item<'a> {
    Cache(CacheBox<'a, Obj>),
    Static(Box<Obj, StaticObj>),
    Bulk(BulkBox<'a, Obj>),
    Pool(SharedPoolBox<Obj>),
    Buf(PoolBuf<Arc<KmallocPool>>),
    Page(PoolPages<Arc<PagePool>>),
}

impl<'a> Item<'a> {
    /// The item as one that borrows nothing, which another CPU may take over; the cache's
    /// own objects borrow the worker's view of it and stay.
    // Items move by value everywhere; the bulk one is large, and boxing it would allocate.
    #[allow(clippy::result_large_err)]
    fn unborrowed(self) -> core::result::Result<Item<'static>, Item<'a>> {
        match self {
            Item::Static(o) => Ok(Item::Static(o)),
            Item::Pool(o) => Ok(Item::Pool(o)),
            Item::Buf(b) => Ok(Item::Buf(b)),
            Item::Page(p) => Ok(Item::Page(p)),
            other => Err(other),
        }
    }

    /// Whether it is an element of a pool.
    fn is_pool(&self) -> bool {
        matches!(self, Item::Pool(_) | Item::Buf(_) | Item::Page(_))
    }

    /// Whether what the worker wrote is still there.
    fn intact(&self) -> bool {
        match self {
            Item::Cache(o) => o.intact(),
            Item::Static(o) => o.intact(),
            Item::Bulk(b) => b.iter().all(Obj::intact),
            Item::Pool(o) => o.intact(),
            Item::Buf(b) => b.iter().all(|&x| x == 0x5a),
            Item::Page(p) => p[0] == 0xa5 && p[p.len() - 1] == 0x5a,
        }
    }
}

/// What the workers counted: allocations that succeeded, objects freed, and allocations
/// that failed, per kind; objects found overwritten.
#[derive(Default)]
struct Counts {
    allocs: [AtomicU64; 6],
    frees: [AtomicU64; 6],
    failures: [AtomicU64; 6],
    atomic: AtomicU64,
    handed: AtomicU64,
    resizes: AtomicU64,
    corrupt: AtomicU64,
}

impl Counts {
    fn add(a: &AtomicU64, n: u64) {
        a.fetch_add(n, Ordering::Relaxed);
    }
}

/// What the workers and the timer share.
#[pin_data]
struct Shared {
    deadline: usize,
    /// How sleeping allocations sleep: `KERNEL`, or `NOIO` (module parameter `noio`).
    sleep: SleepFlags,
    cache: KmemCache<Obj>,
    pool: Arc<Mempool<'static, Obj>>,
    bufs: Arc<KmallocPool>,
    pages: Arc<PagePool>,
    /// Objects on their way from one CPU to another.
    #[pin]
    exchange: Mutex<KVec<Option<Item<'static>>>>,
    counts: Counts,
}

const MAX_HELD: usize = 48;
const POOL_MIN_NR: usize = 16;
const BUF_SIZE: usize = 200;

/// A small xorshift generator per worker, seeded from the kernel's.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        // SAFETY: No preconditions.
        let seed = unsafe { bindings::rmp_stress_random() };
        Self(u64::from(seed) | 1)
    }

    /// A number in `0..n`, or 0 if `n` is 0.
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0.checked_rem(n).unwrap_or(0)
    }
}

impl Shared {
    /// Allocates one item of `kind`, sleeping or not as `rng` says; counts it.
    fn alloc(&self, kind: Kind, sleep: bool, rng: &mut Rng, tag: u64) -> Option<Item<'_>> {
        let flags = if sleep {
            Flags::from(self.sleep)
        } else {
            GFP_NOWAIT | __GFP_NOWARN
        };
        let k = kind as usize;
        let item = match kind {
            Kind::Cache => self.cache.alloc(Obj::new(tag), flags).ok().map(Item::Cache),
            Kind::Static => Box::<Obj, StaticObj>::new(Obj::new(tag), flags)
                .ok()
                .map(Item::Static),
            Kind::Bulk => {
                let n = 1 + rng.below(16) as usize;
                return match self
                    .cache
                    .alloc_bulk(n, flags, |i| Obj::new(tag + i as u64))
                {
                    Ok(b) => {
                        Counts::add(&self.counts.allocs[k], n as u64);
                        Some(Item::Bulk(b))
                    }
                    Err(_) => {
                        Counts::add(&self.counts.failures[k], 1);
                        None
                    }
                };
            }
            Kind::Pool if sleep => Some(Item::Pool(Mempool::alloc_shared(
                &self.pool,
                Obj::new(tag),
                self.sleep,
            ))),
            Kind::Pool => Mempool::try_alloc_shared(&self.pool, Obj::new(tag), flags)
                .ok()
                .map(Item::Pool),
            Kind::Buf => {
                let b = if sleep {
                    Some(KmallocPool::alloc_shared(&self.bufs, self.sleep))
                } else {
                    KmallocPool::try_alloc_shared(&self.bufs, flags).ok()
                };
                b.map(|mut b| {
                    b.fill(0x5a);
                    Item::Buf(b)
                })
            }
            Kind::Page => {
                let p = if sleep {
                    Some(PagePool::alloc_shared(&self.pages, self.sleep))
                } else {
                    PagePool::try_alloc_shared(&self.pages, flags).ok()
                };
                p.map(|mut p| {
                    let last = p.len() - 1;
                    p[0] = 0xa5;
                    p[last] = 0x5a;
                    Item::Page(p)
                })
            }
        };
        match &item {
            Some(_) => Counts::add(&self.counts.allocs[k], 1),
            None => Counts::add(&self.counts.failures[k], 1),
        }
        item
    }

    /// Frees every pool element that `held` and the exchange hold, as a driver completes its
    /// in-flight requests before it may wait for the pool: a sleeping pool allocation waits
    /// for elements to come back, which they can only do from workers that are not waiting
    /// themselves (with failslab failing every allocation of the pool's cache, a worker that
    /// waited while holding elements could wait for ever).
    fn release_pool_elements(&self, held: &mut [Option<Item<'_>>]) {
        for slot in held.iter_mut() {
            if slot.as_ref().is_some_and(Item::is_pool) {
                if let Some(item) = slot.take() {
                    self.free(item);
                }
            }
        }
        let mut ex = self.exchange.lock();
        for slot in ex.iter_mut() {
            if slot.as_ref().is_some_and(Item::is_pool) {
                if let Some(item) = slot.take() {
                    self.free(item);
                }
            }
        }
    }

    /// Checks and frees `item`; counts it.
    fn free(&self, item: Item<'_>) {
        if !item.intact() {
            Counts::add(&self.counts.corrupt, 1);
        }
        let (k, n) = match &item {
            Item::Cache(_) => (Kind::Cache, 1),
            Item::Static(_) => (Kind::Static, 1),
            Item::Bulk(b) => (Kind::Bulk, b.len() as u64),
            Item::Pool(_) => (Kind::Pool, 1),
            Item::Buf(_) => (Kind::Buf, 1),
            Item::Page(_) => (Kind::Page, 1),
        };
        drop(item);
        Counts::add(&self.counts.frees[k as usize], n);
    }
}

/// `n` empty slots; `None` if they cannot be allocated. (6.12's `KVec` has no `pop()`, so
/// held objects live in slots.)
fn slots<T>(n: usize) -> Option<KVec<Option<T>>> {
    let mut v = KVec::with_capacity(n, GFP_KERNEL).ok()?;
    for _ in 0..n {
        // Within capacity: no allocation, so no failure.
        v.push(None, GFP_KERNEL).ok()?;
    }
    Some(v)
}

/// The index of a slot that is (`full`) or is not holding an item, from a random start.
fn find<T>(v: &[Option<T>], full: bool, rng: &mut Rng) -> Option<usize> {
    let start = rng.below(v.len() as u64) as usize;
    (0..v.len())
        .map(|i| (start + i) % v.len())
        .find(|&i| v[i].is_some() == full)
}

/// One worker: until the deadline, allocates batches of random kinds and sizes, holds them
/// for a random while, frees them in random order, and hands some to other CPUs; worker 0
/// also resizes the pool.
fn work(s: &Shared, idx: u32) -> Result {
    let mut rng = Rng::new();
    let mut held = slots(MAX_HELD).ok_or(ENOMEM)?;
    let mut tag = u64::from(idx) << 40;
    let mut ops = 0u64;
    // SAFETY: No preconditions.
    while !unsafe { bindings::rmp_stress_expired(s.deadline) } {
        ops += 1;
        match rng.below(10) {
            0..=4 => {
                let kind = KINDS[rng.below(6) as usize];
                let sleep = rng.below(2) == 0;
                let mut batch = 1 + rng.below(4);
                if sleep && kind.is_pool() {
                    // One element, holding none: a worker that waits holds nothing others
                    // wait for.
                    s.release_pool_elements(&mut held);
                    batch = 1;
                }
                for _ in 0..batch {
                    let Some(i) = find(&held, false, &mut rng) else {
                        break;
                    };
                    tag += 16;
                    held[i] = s.alloc(kind, sleep, &mut rng, tag);
                }
            }
            5..=7 => {
                for _ in 0..1 + rng.below(4) {
                    if let Some(item) = find(&held, true, &mut rng).and_then(|i| held[i].take()) {
                        s.free(item);
                    }
                }
            }
            8 => {
                // Hand one to another CPU.
                let mut ex = s.exchange.lock();
                if let (Some(i), Some(j)) =
                    (find(&held, true, &mut rng), find(&ex, false, &mut rng))
                {
                    if let Some(item) = held[i].take() {
                        match item.unborrowed() {
                            Ok(item) => {
                                ex[j] = Some(item);
                                Counts::add(&s.counts.handed, 1);
                            }
                            Err(item) => held[i] = Some(item),
                        }
                    }
                }
            }
            _ => {
                // Take one that another CPU handed over.
                let mut ex = s.exchange.lock();
                if let (Some(i), Some(j)) =
                    (find(&held, false, &mut rng), find(&ex, true, &mut rng))
                {
                    held[i] = ex[j].take();
                }
            }
        }
        if idx == 0 && ops % 256 == 0 {
            // While others allocate from it.
            let _ = s.pool.resize(4 + rng.below(60) as usize);
            Counts::add(&s.counts.resizes, 1);
        }
        if ops % 64 == 0 {
            // SAFETY: No preconditions; a kthread may sleep.
            unsafe { bindings::rmp_cond_resched() };
        }
    }
    for item in held.iter_mut().filter_map(Option::take) {
        s.free(item);
    }
    Ok(())
}

extern "C" fn worker(data: *mut kernel::ffi::c_void, idx: u32) -> kernel::ffi::c_int {
    // SAFETY: `init` passes a `&Shared` that outlives its threads.
    let s = unsafe { &*data.cast::<Shared>() };
    match work(s, idx) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// The timer: one atomic allocation and free from the cache and from each pool, in softirq
/// context, every jiffy.
extern "C" fn tick(data: *mut kernel::ffi::c_void) {
    // SAFETY: `init` passes a `&Shared` and stops the timer before it goes.
    let s = unsafe { &*data.cast::<Shared>() };
    let flags = GFP_ATOMIC | __GFP_NOWARN;
    let c = Kind::Cache as usize;
    match s.cache.alloc(Obj::new(1), flags) {
        Ok(o) => {
            Counts::add(&s.counts.allocs[c], 1);
            s.free(Item::Cache(o));
        }
        Err(_) => Counts::add(&s.counts.failures[c], 1),
    }
    let p = Kind::Pool as usize;
    match s.pool.try_alloc(Obj::new(2), flags) {
        Ok(o) => {
            Counts::add(&s.counts.allocs[p], 1);
            if !o.intact() {
                Counts::add(&s.counts.corrupt, 1);
            }
            drop(o);
            Counts::add(&s.counts.frees[p], 1);
        }
        Err(_) => Counts::add(&s.counts.failures[p], 1),
    }
    Counts::add(&s.counts.atomic, 1);
}

/// One result line, as KTAP's.
fn result(ok: bool, what: core::fmt::Arguments<'_>) -> bool {
    if ok {
        pr_info!("rmp-stress: ok - stress: {}\n", what);
    } else {
        pr_info!("rmp-stress: not ok - stress: {}\n", what);
    }
    ok
}

struct Stress;

/// While alive, the named caches are marked for failslab, which `stress.sh` arms at the
/// probability of `make stress FAULTS=`.
struct Marked(&'static [&'static CStr]);

impl Marked {
    fn new(names: &'static [&'static CStr]) -> Self {
        for name in names {
            // SAFETY: `name` is NUL-terminated. A cache that cannot be marked is only spared.
            let _ = unsafe { bindings::rmp_test_failslab(name.as_char_ptr(), true) };
        }
        Self(names)
    }
}

impl Drop for Marked {
    fn drop(&mut self) {
        for name in self.0 {
            // SAFETY: As in `new`.
            let _ = unsafe { bindings::rmp_test_failslab(name.as_char_ptr(), false) };
        }
    }
}

impl kernel::Module for Stress {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: No preconditions.
        let seconds = unsafe { bindings::rmp_stress_seconds() };
        let statics = StaticObj::register(CacheFlags::NONE)?;
        let cache = KmemCache::<Obj>::new(c_str!("rmp_stress_cache"), CacheFlags::NONE)?;
        let pool_cache = KmemCache::<Obj>::new(c_str!("rmp_stress_pool"), CacheFlags::NONE)?;
        let pool = Arc::new(Mempool::with_cache(pool_cache, POOL_MIN_NR)?, GFP_KERNEL)?;
        let bufs = Arc::new(KmallocPool::new(BUF_SIZE, POOL_MIN_NR)?, GFP_KERNEL)?;
        let pages = Arc::new(PagePool::new(0, POOL_MIN_NR)?, GFP_KERNEL)?;
        let exchange = slots(2 * MAX_HELD).ok_or(ENOMEM)?;
        // From now on failslab fails these caches' allocations (the reserves are full).
        let marked = Marked::new(&[
            c_str!("rmp_stress_cache"),
            c_str!("rmp_stress_pool"),
            c_str!("rmp_stress_static"),
        ]);
        // SAFETY: No preconditions.
        let deadline = unsafe { bindings::rmp_stress_deadline(seconds) };
        // SAFETY: No preconditions.
        let sleep = if unsafe { bindings::rmp_stress_noio() } {
            SleepFlags::NOIO
        } else {
            SleepFlags::KERNEL
        };
        let s = KBox::pin_init(
            try_pin_init!(Shared {
                deadline,
                sleep,
                cache,
                pool,
                bufs,
                pages,
                exchange <- new_mutex!(exchange),
                counts: Counts::default(),
            }? Error),
            GFP_KERNEL,
        )?;
        let how = if sleep == SleepFlags::NOIO {
            "GFP_NOIO"
        } else {
            "GFP_KERNEL"
        };
        pr_info!(
            "rmp-stress: running for {} s, sleeping allocations {}\n",
            seconds,
            how
        );
        let data = core::ptr::from_ref::<Shared>(&s).cast_mut().cast();
        // SAFETY: `tick` takes `data`, a `Shared` that lives until after the timer stops.
        unsafe { bindings::rmp_stress_timer_start(Some(tick), data) };
        let threads = run_threads(&s);
        // SAFETY: Started above.
        unsafe { bindings::rmp_stress_timer_stop() };
        for item in s.exchange.lock().iter_mut().filter_map(Option::take) {
            s.free(item);
        }
        // Failslab off before the pool's reserve is refilled to be checked.
        drop(marked);
        // The results are in the log (`not ok` lines): a failed init could be retried by
        // insmod, which would run the test again.
        let _ = report(&s, &statics, threads);
        Ok(Stress)
    }
}

/// Runs a worker per thread, two per online CPU; the number of threads, or why not.
fn run_threads(s: &Shared) -> Result<u32> {
    // SAFETY: No preconditions.
    let nr = 2 * unsafe { bindings::rmp_num_online_cpus() };
    // SAFETY: `s` outlives the call, which waits for every thread; `Shared` is `Sync`.
    let ret = unsafe {
        bindings::rmp_run_threads(Some(worker), core::ptr::from_ref(s).cast_mut().cast(), nr)
    };
    kernel::error::to_result(ret)?;
    Ok(nr)
}

/// Checks that every object came back and that the counters agree with the workers', and
/// logs the table.
fn report(s: &Shared, statics: &slab::Registration<StaticObj>, threads: Result<u32>) -> Result {
    let c = &s.counts;
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let mut ok = result(
        threads.is_ok(),
        format_args!("{} workers ran", threads.unwrap_or(0)),
    );
    ok &= result(
        get(&c.corrupt) == 0,
        format_args!("no object overwritten ({})", get(&c.corrupt)),
    );
    for kind in KINDS {
        let k = kind as usize;
        ok &= result(
            get(&c.allocs[k]) == get(&c.frees[k]),
            format_args!(
                "{}: every object back ({} allocated, {} freed)",
                kind.name(),
                get(&c.allocs[k]),
                get(&c.frees[k])
            ),
        );
    }
    // The cache serves the cache and bulk kinds and the timer's allocations.
    let cs = s.cache.stats();
    let (ca, cf) = (
        get(&c.allocs[Kind::Cache as usize]) + get(&c.allocs[Kind::Bulk as usize]),
        get(&c.failures[Kind::Cache as usize]) + get(&c.failures[Kind::Bulk as usize]),
    );
    ok &= result(
        cs.allocs == ca && cs.live == 0 && cs.failures == cf,
        format_args!(
            "cache counters agree: allocs {} (workers {}), live {}, failures {} (workers {})",
            cs.allocs, ca, cs.live, cs.failures, cf
        ),
    );
    let ss = statics.stats();
    let sa = get(&c.allocs[Kind::Static as usize]);
    ok &= result(
        ss.allocs == sa && ss.live == 0,
        format_args!(
            "static cache counters agree: allocs {} (workers {}), live {}",
            ss.allocs, sa, ss.live
        ),
    );
    // Every pool back at its reserve, its counters the workers'. The typed pool's size moved
    // while its cache failed, which can leave fewer elements than `min_nr` (a free refills
    // the reserve only with the element freed); growing it refills it from the cache, which
    // no longer fails.
    s.pool.resize(1)?;
    s.pool.resize(POOL_MIN_NR)?;
    let (mut emergency, mut waits) = (0, 0);
    for (kind, st) in [
        (Kind::Pool, s.pool.stats()),
        (Kind::Buf, s.bufs.stats()),
        (Kind::Page, s.pages.stats()),
    ] {
        let k = kind as usize;
        emergency += st.emergency;
        waits += st.waits;
        ok &= result(
            st.allocs == get(&c.allocs[k])
                && st.failures == get(&c.failures[k])
                && st.live == 0
                && st.reserve == st.min_nr,
            format_args!(
                "{}: allocs {} (workers {}), failures {} (workers {}), live {}, reserve {} of {}",
                kind.name(),
                st.allocs,
                get(&c.allocs[k]),
                st.failures,
                get(&c.failures[k]),
                st.live,
                st.reserve,
                st.min_nr
            ),
        );
    }
    pr_info!("rmp-stress: # kind           allocated     failed\n");
    for kind in KINDS {
        let k = kind as usize;
        pr_info!(
            "rmp-stress: # {:<12} {:>11} {:>10}\n",
            kind.name(),
            get(&c.allocs[k]),
            get(&c.failures[k])
        );
    }
    let lost = (0..6)
        .map(|k| get(&c.allocs[k]).wrapping_sub(get(&c.frees[k])))
        .sum::<u64>();
    pr_info!(
        "rmp-stress: # timer ticks {}, handed between CPUs {}, resizes {}, objects lost {}\n",
        get(&c.atomic),
        get(&c.handed),
        get(&c.resizes),
        lost
    );
    pr_info!(
        "rmp-stress: # pools: {} allocations served from the reserve, {} that waited\n",
        emergency,
        waits
    );
    // For `stress.sh`'s table of the whole run.
    let a = |k: Kind| get(&c.allocs[k as usize]);
    pr_info!(
        "rmp-stress: totals cache={} static={} bulk={} pool={} kmalloc={} page={} failed={} \
         emergency={} waits={} handed={} resizes={} ticks={} lost={}\n",
        a(Kind::Cache),
        a(Kind::Static),
        a(Kind::Bulk),
        a(Kind::Pool),
        a(Kind::Buf),
        a(Kind::Page),
        c.failures.iter().map(get).sum::<u64>(),
        emergency,
        waits,
        get(&c.handed),
        get(&c.resizes),
        get(&c.atomic),
        lost
    );
    if ok {
        Ok(())
    } else {
        Err(EINVAL)
    }
}
