// SPDX-License-Identifier: GPL-2.0

//! Benchmarks of rust_mempool against C on the same caches: what the safe API and its
//! counters cost per allocation, at 32, 256 and 1024-byte objects. `make bench` loads this
//! module in the guest; its init runs every benchmark and logs one `rmp-bench:` line per
//! result, and a last line that counts the targets met and missed.
//!
//! Times are those of `ktime_get_ns()`: under `BENCH_MODE=icount` virtual nanoseconds, one
//! per instruction, which repeat from run to run.

use kernel::{alloc::Box, c_str, prelude::*};

mod bindings;
#[path = "../mempool/mod.rs"]
pub mod mempool;
#[path = "../slab/mod.rs"]
pub mod slab;

use core::cell::Cell;
use core::marker::PhantomData;
use mempool::{Mempool, SleepFlags};
use slab::{Accounting, CacheFlags, KmemCache, NoStats, StaticCache};

module! {
    type: Bench,
    name: "rust_mempool_bench",
    description: "Benchmarks of rust_mempool against C",
    license: "GPL",
}

/// Drops `obj` after telling the compiler that its memory is read, as the C loops'
/// `barrier_data(p)`: the object's writes stay, and the box itself stays in registers.
#[inline(always)]
fn consume<B: core::ops::Deref>(obj: B) {
    core::hint::black_box(&*obj);
    drop(obj);
}

fn now() -> u64 {
    // SAFETY: No preconditions.
    unsafe { bindings::rmp_bench_now_ns() }
}

/// A sample must span at least this many steps of the clock for its ratio to be printed.
const MIN_STEPS: u64 = 1000;

/// The clock's step: the smallest advance of `ktime_get_ns()` between two reads that differ,
/// over 100 advances. A kernel without a usable clocksource advances in jiffies (4 ms at
/// `HZ=250`), which no benchmark here could resolve.
fn clock_step() -> u64 {
    let (mut step, mut last, mut seen) = (u64::MAX, now(), 0);
    while seen < 100 {
        let t = now();
        if t != last {
            step = step.min(t - last);
            (last, seen) = (t, seen + 1);
        }
    }
    step
}

/// Each benchmark runs once to warm up, then this often, interleaved with the others.
const REPEAT: usize = 7;

/// A benchmark: its name, how many operations one run does, the run (which returns the
/// nanoseconds it took), and its target, if any.
type Run<'a> = (&'a str, usize, &'a dyn Fn() -> Result<u64>, &'a [Target]);

/// The median of `REPEAT` samples and their spread, `(max - min) / median`, in tenths of a
/// percent.
fn median_spread(samples: &mut [u64; REPEAT]) -> (u64, u64) {
    samples.sort_unstable();
    let median = samples[REPEAT / 2];
    let spread = ((samples[REPEAT - 1] - samples[0]) * 1000)
        .checked_div(median)
        .unwrap_or(0);
    (median, spread)
}

/// A goal for a row: its median per operation at most `per_mille` thousandths of row `of`'s.
#[derive(Clone, Copy)]
struct Target {
    per_mille: u64,
    of: usize,
}

/// What the targets came to: met, missed.
struct Tally {
    met: Cell<u32>,
    missed: Cell<u32>,
}

/// One row's result, for `report`.
struct Row<'a> {
    name: &'a str,
    size: usize,
    ns: u64,
    spread: u64,
    ops: usize,
}

/// Logs one result: the median time per operation, the samples' spread, and the ratio of the
/// medians per operation to `base`'s, in tenths of a percent, then whether each target was met
/// against the row it names (in `rows`); no ratio and every target missed if a sample spans
/// fewer than `MIN_STEPS` steps of the clock.
fn report(row: &Row<'_>, rows: &[Row<'_>], targets: &[Target], step: u64, tally: &Tally) {
    let base = &rows[0];
    // Checked: objtool on 7.3 does not know the panic a plain division may call as noreturn.
    let per_op = |r: &Row<'_>| (r.ns * 1000).checked_div(r.ops as u64).unwrap_or(0);
    let (p, s) = (per_op(row), row.spread);
    let short = |r: &Row<'_>| r.ns < MIN_STEPS * step;
    let others = || {
        targets
            .iter()
            .filter_map(|t| rows.get(t.of).map(|of| (t, of)))
    };
    if short(row) || short(base) || others().any(|(_, of)| short(of)) {
        pr_info!(
            "rmp-bench: {:<38} {:>5} {:>6}.{:03} ns/op  +-{}.{}%  no ratio: fewer than {} clock steps\n",
            row.name, row.size, p / 1000, p % 1000, s / 10, s % 10, MIN_STEPS
        );
        tally.missed.set(tally.missed.get() + targets.len() as u32);
        return;
    }
    let ratio = (p * 1000).checked_div(per_op(base)).unwrap_or(0);
    let mut goal = KVec::<u8>::new();
    for (t, of) in others() {
        let met = p * 1000 <= t.per_mille * per_op(of);
        let cell = if met { &tally.met } else { &tally.missed };
        cell.set(cell.get() + 1);
        let _ = core::fmt::write(
            &mut KVecWriter(&mut goal),
            format_args!(
                "  target <= {}.{:02}x {}: {}",
                t.per_mille / 1000,
                (t.per_mille % 1000) / 10,
                of.name,
                if met { "met" } else { "missed" }
            ),
        );
    }
    pr_info!(
        "rmp-bench: {:<38} {:>5} {:>6}.{:03} ns/op  +-{}.{}%  {:>4}.{}% of C{}\n",
        row.name,
        row.size,
        p / 1000,
        p % 1000,
        s / 10,
        s % 10,
        ratio / 10,
        ratio % 10,
        core::str::from_utf8(&goal).unwrap_or("")
    );
}

/// A `core::fmt::Write` into a `KVec`, for the target column.
struct KVecWriter<'a>(&'a mut KVec<u8>);

impl core::fmt::Write for KVecWriter<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0
            .extend_from_slice(s.as_bytes(), GFP_KERNEL)
            .map_err(|_| core::fmt::Error)
    }
}

/// Runs each of `runs` (objects of `size` bytes) once to warm up and then `REPEAT` times,
/// interleaved, and reports the median of each against that of `runs[0]`, the C row.
fn measure(runs: &[Run<'_>], size: usize, step: u64, tally: &Tally) -> Result {
    let mut samples = KVec::with_capacity(runs.len(), GFP_KERNEL)?;
    for (_, _, run, _) in runs {
        run()?;
        samples.push([0u64; REPEAT], GFP_KERNEL)?;
    }
    for r in 0..REPEAT {
        for (i, (_, _, run, _)) in runs.iter().enumerate() {
            samples[i][r] = run()?;
        }
    }
    let mut rows = KVec::with_capacity(runs.len(), GFP_KERNEL)?;
    for (s, (name, ops, _, _)) in samples.iter_mut().zip(runs.iter()) {
        let (ns, spread) = median_spread(s);
        rows.push(
            Row {
                name,
                size,
                ns,
                spread,
                ops: *ops,
            },
            GFP_KERNEL,
        )?;
    }
    for (row, (_, _, _, targets)) in rows.iter().zip(runs.iter()) {
        report(row, &rows, targets, step, tally);
    }
    Ok(())
}

/// Operations per sample of the single-object rows, and rounds per sample of the batches.
const N: usize = 20_000;
const ROUNDS: usize = 400;

/// An object of `S` bytes, written whole when allocated.
#[derive(Clone, Copy)]
#[repr(C, align(8))]
struct Obj<const S: usize>([u8; S]);

impl<const S: usize> Obj<S> {
    fn new(v: usize) -> Self {
        Self([v as u8; S])
    }
}

// SAFETY: `Obj` is bytes, for which all zeroes is a valid value.
unsafe impl<const S: usize> slab::compat::Zeroable for Obj<S> {}

kmem_cache_allocator!(Static32: Obj<32> = c_str!("rmp_bench_static32"));
kmem_cache_allocator!(Static256: Obj<256> = c_str!("rmp_bench_static256"));
kmem_cache_allocator!(Static1024: Obj<1024> = c_str!("rmp_bench_static1024"));

/// A target of the performance issue: at most `per_mille` thousandths of row `of`.
const fn target(per_mille: u64, of: usize) -> Target {
    Target { per_mille, of }
}

/// Bulk allocation: at most 1.05 times C's bulk, and, for 64, at most half of one by one.
const BULK16: &[Target] = &[target(1050, 0)];
const BULK64: &[Target] = &[target(1050, 0), target(500, 2)];

/// Every row at objects of `S` bytes; `A` is the module-lifetime cache of `Obj<S>`, and
/// `bare_name` names a second cache, without counters.
fn rows<const S: usize, A>(
    name: &'static CStr,
    bare_name: &'static CStr,
    step: u64,
    tally: &Tally,
) -> Result
where
    A: StaticCache<Object = Obj<S>> + kernel::alloc::Allocator,
{
    let cache = KmemCache::<Obj<S>>::new(name, CacheFlags::NONE)?;
    let bare = KmemCache::<Obj<S>, NoStats>::new(bare_name, CacheFlags::NONE)?;
    let (raw, _) = cache.as_raw();
    let reg = A::register(CacheFlags::NONE)?;
    let gfp = slab::flags::gfp;

    // One object at a time: C, the Rust cache with its counters and without them, the
    // module-lifetime cache, and what a driver writes without a cache.
    measure(
        &[
            (
                "C kmem_cache_alloc+free",
                N,
                &|| {
                    // SAFETY: `raw` is a live cache of `S`-byte objects for as long as `cache`.
                    Ok(unsafe { bindings::rmp_bench_c_alloc_free(raw, N, S, gfp(GFP_KERNEL)) })
                },
                &[],
            ),
            (
                "Rust KmemCache::alloc+drop",
                N,
                &|| {
                    let start = now();
                    for i in 0..N {
                        consume(cache.alloc(Obj::new(i), GFP_KERNEL)?);
                    }
                    Ok(now() - start)
                },
                &[target(1050, 0)],
            ),
            (
                "Rust NoStats KmemCache::alloc+drop",
                N,
                &|| {
                    let start = now();
                    for i in 0..N {
                        consume(bare.alloc(Obj::new(i), GFP_KERNEL)?);
                    }
                    Ok(now() - start)
                },
                &[target(1020, 0)],
            ),
            (
                "Rust Box<T, StaticCache>::new+drop",
                N,
                &|| {
                    let start = now();
                    for i in 0..N {
                        consume(Box::<Obj<S>, A>::new(Obj::new(i), GFP_KERNEL)?);
                    }
                    Ok(now() - start)
                },
                &[target(1030, 1)],
            ),
            (
                "KBox::new+drop (kmalloc)",
                N,
                &|| {
                    let start = now();
                    for i in 0..N {
                        consume(KBox::new(Obj::<S>::new(i), GFP_KERNEL)?);
                    }
                    Ok(now() - start)
                },
                &[],
            ),
        ],
        S,
        step,
        tally,
    )?;

    // Zeroed objects: C's __GFP_ZERO against alloc_zeroed().
    measure(
        &[
            (
                "C kmem_cache_alloc(__GFP_ZERO)+free",
                N,
                &|| {
                    // SAFETY: As above.
                    Ok(unsafe {
                        bindings::rmp_bench_c_alloc_free(raw, N, S, gfp(GFP_KERNEL | __GFP_ZERO))
                    })
                },
                &[],
            ),
            (
                "Rust KmemCache::alloc_zeroed+drop",
                N,
                &|| {
                    let start = now();
                    for _ in 0..N {
                        consume(cache.alloc_zeroed(GFP_KERNEL)?);
                    }
                    Ok(now() - start)
                },
                &[target(1050, 0)],
            ),
        ],
        S,
        step,
        tally,
    )?;

    // Batches of 16 and of 64: C bulk, Rust bulk, and Rust one by one.
    let mut buf = KVec::<*mut kernel::ffi::c_void>::with_capacity(64, GFP_KERNEL)?;
    let buf = buf.as_mut_ptr();
    for batch in [16usize, 64] {
        let ops = ROUNDS * batch;
        measure(
            &[
                (
                    "C kmem_cache_alloc_bulk+free_bulk",
                    ops,
                    &|| {
                        // SAFETY: `raw` is live; `buf` has room for 64 pointers.
                        Ok(
                            unsafe {
                                bindings::rmp_bench_c_bulk(raw, ROUNDS, batch as u32, S, buf)
                            },
                        )
                    },
                    &[],
                ),
                (
                    if batch == 16 {
                        "Rust alloc_bulk(16)+drop"
                    } else {
                        "Rust alloc_bulk(64)+drop"
                    },
                    ops,
                    &|| {
                        let start = now();
                        for r in 0..ROUNDS {
                            let objs = cache.alloc_bulk(batch, GFP_KERNEL, |i| Obj::new(r + i))?;
                            drop(core::hint::black_box(objs));
                        }
                        Ok(now() - start)
                    },
                    if batch == 64 { BULK64 } else { BULK16 },
                ),
                (
                    if batch == 16 {
                        "Rust 16 CacheBox one by one"
                    } else {
                        "Rust 64 CacheBox one by one"
                    },
                    ops,
                    &|| {
                        let mut held: [Option<slab::CacheBox<'_, Obj<S>>>; 64] =
                            [const { None }; 64];
                        let start = now();
                        for r in 0..ROUNDS {
                            for (i, slot) in held.iter_mut().take(batch).enumerate() {
                                *slot = Some(cache.alloc(Obj::new(r + i), GFP_KERNEL)?);
                            }
                            for slot in held.iter_mut().take(batch) {
                                drop(slot.take());
                            }
                        }
                        Ok(now() - start)
                    },
                    &[],
                ),
            ],
            S,
            step,
            tally,
        )?;
    }

    // Pools with the cache serving every allocation: the fast path.
    let pool = Mempool::new(&cache, 16)?;
    measure(
        &[
            (
                "C mempool_alloc+free (slab pool)",
                N,
                &|| {
                    // SAFETY: `raw` is live; the C pool is destroyed before the call returns.
                    Ok(unsafe { bindings::rmp_bench_c_mempool(raw, N, S) })
                },
                &[],
            ),
            (
                "Rust Mempool::alloc+drop",
                N,
                &|| {
                    let start = now();
                    for i in 0..N {
                        consume(pool.alloc(Obj::new(i), SleepFlags::KERNEL));
                    }
                    Ok(now() - start)
                },
                &[target(1050, 0)],
            ),
        ],
        S,
        step,
        tally,
    )?;
    drop(pool);

    // Every online CPU allocating and freeing at once, N each, until all are done.
    // SAFETY: No preconditions.
    let cpus = unsafe { bindings::rmp_num_online_cpus() } as usize;
    measure(
        &[
            (
                "C kmem_cache_alloc+free, every CPU",
                N * cpus,
                &|| {
                    // SAFETY: `raw` is live for as long as `cache`.
                    Ok(unsafe { bindings::rmp_bench_c_all_cpus(raw, N, S) })
                },
                &[],
            ),
            (
                "Rust KmemCache::alloc+drop, every CPU",
                N * cpus,
                &|| all_cpus(&CacheJob(&cache)),
                &[target(1100, 0)],
            ),
            (
                "Rust NoStats KmemCache, every CPU",
                N * cpus,
                &|| all_cpus(&CacheJob(&bare)),
                &[target(1020, 0)],
            ),
            (
                "Rust Box<T, StaticCache>, every CPU",
                N * cpus,
                &|| all_cpus(&BoxJob::<S, A>(PhantomData)),
                &[],
            ),
        ],
        S,
        step,
        tally,
    )?;
    drop(reg);

    // The reserve path: pools made while the cache serves, then the cache failing every
    // allocation (failslab, armed by the guest's bench.sh), so each allocation takes an
    // element from the reserve and each free puts it back.
    // SAFETY: `raw` is live for as long as `cache`.
    let c_pool = unsafe { bindings::rmp_bench_c_pool_create(raw) };
    if c_pool.is_null() {
        return Err(ENOMEM);
    }
    let pool = Mempool::new(&cache, 16)?;
    // SAFETY: `name` is a NUL-terminated string.
    let marked = unsafe { bindings::rmp_test_failslab(name.as_char_ptr(), true) };
    let result = if marked == 0 {
        measure(
            &[
                (
                    "C mempool_alloc+free, reserve",
                    N,
                    &|| {
                        // SAFETY: `c_pool` is live until destroyed below.
                        Ok(unsafe { bindings::rmp_bench_c_pool_run(c_pool, N, S) })
                    },
                    &[],
                ),
                (
                    "Rust Mempool::alloc+drop, reserve",
                    N,
                    &|| {
                        let start = now();
                        for i in 0..N {
                            consume(pool.alloc(Obj::new(i), SleepFlags::KERNEL));
                        }
                        Ok(now() - start)
                    },
                    &[target(1100, 0)],
                ),
            ],
            S,
            step,
            tally,
        )
    } else {
        Err(Error::from_errno(marked))
    };
    // SAFETY: As above.
    unsafe { bindings::rmp_test_failslab(name.as_char_ptr(), false) };
    drop(pool);
    // SAFETY: `c_pool` is a pool of `raw`, made above and destroyed once.
    unsafe { bindings::mempool_destroy(c_pool) };
    result
}

/// What each thread of an every-CPU row does `N` times: allocate an object and free it.
trait AllocFree: Sync {
    fn alloc_free(&self, i: usize) -> Result;
}

/// Allocations from a [`KmemCache`].
struct CacheJob<'a, const S: usize, Acc: Accounting>(&'a KmemCache<Obj<S>, Acc>);

impl<const S: usize, Acc: Accounting> AllocFree for CacheJob<'_, S, Acc> {
    #[inline(always)]
    fn alloc_free(&self, i: usize) -> Result {
        consume(self.0.alloc(Obj::new(i), GFP_KERNEL)?);
        Ok(())
    }
}

/// Allocations from the module-lifetime cache `A`.
struct BoxJob<const S: usize, A>(PhantomData<A>);

// SAFETY: `BoxJob` holds nothing; `A` only names a static cache, shared by design.
unsafe impl<const S: usize, A> Sync for BoxJob<S, A> {}

impl<const S: usize, A> AllocFree for BoxJob<S, A>
where
    A: StaticCache<Object = Obj<S>> + kernel::alloc::Allocator,
{
    #[inline(always)]
    fn alloc_free(&self, i: usize) -> Result {
        consume(Box::<Obj<S>, A>::new(Obj::new(i), GFP_KERNEL)?);
        Ok(())
    }
}

/// Runs `job` `N` times on one kthread per online CPU, all sharing it, and returns the
/// nanoseconds until the last one finished.
fn all_cpus<W: AllocFree>(job: &W) -> Result<u64> {
    let start = now();
    // SAFETY: `job` outlives the call, which waits for every thread; it is `Sync`, so the
    // threads may share it.
    let ret = unsafe {
        bindings::rmp_run_threads(
            Some(thread::<W>),
            core::ptr::from_ref(job).cast_mut().cast(),
            bindings::rmp_num_online_cpus(),
        )
    };
    kernel::error::to_result(ret)?;
    Ok(now() - start)
}

/// The body of a thread of the every-CPU rows.
///
/// # Safety
///
/// `data` is a `W` that outlives the thread.
unsafe extern "C" fn thread<W: AllocFree>(
    data: *mut kernel::ffi::c_void,
    _idx: u32,
) -> kernel::ffi::c_int {
    // SAFETY: By the safety requirements.
    let job = unsafe { &*data.cast::<W>() };
    for i in 0..N {
        if let Err(e) = job.alloc_free(i) {
            return e.to_errno();
        }
    }
    0
}

fn run() -> Result {
    let step = clock_step();
    pr_info!("rmp-bench: # clock step: {} ns\n", step);
    pr_info!(
        "rmp-bench: # {:<36} {:>5} {:>13}  {:>6}  {:>9}\n",
        "row",
        "bytes",
        "per operation",
        "spread",
        "ratio"
    );
    let tally = Tally {
        met: Cell::new(0),
        missed: Cell::new(0),
    };
    rows::<32, Static32>(
        c_str!("rmp_bench32"),
        c_str!("rmp_bench32_bare"),
        step,
        &tally,
    )?;
    rows::<256, Static256>(
        c_str!("rmp_bench256"),
        c_str!("rmp_bench256_bare"),
        step,
        &tally,
    )?;
    rows::<1024, Static1024>(
        c_str!("rmp_bench1024"),
        c_str!("rmp_bench1024_bare"),
        step,
        &tally,
    )?;
    pr_info!(
        "rmp-bench: targets: {} met, {} missed\n",
        tally.met.get(),
        tally.missed.get()
    );
    Ok(())
}

struct Bench;

impl kernel::Module for Bench {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        run()?;
        pr_info!("rmp-bench: # done\n");
        Ok(Bench)
    }
}
