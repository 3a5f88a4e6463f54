// SPDX-License-Identifier: GPL-2.0

//! Benchmarks of rust_mempool against C on the same caches: what the safe API and its
//! counters cost per allocation. `make bench` loads this module in the guest; its init
//! runs every benchmark and logs one `rmp-bench:` line per result.
//!
//! Under QEMU's TCG the nanoseconds are emulated time; the ratio to the C baseline, run
//! the same way on the same cache, is what to read.

use kernel::{alloc::Box, c_str, prelude::*};

mod bindings;
#[path = "../mempool/mod.rs"]
pub mod mempool;
#[path = "../slab/mod.rs"]
pub mod slab;

use mempool::{Mempool, SleepFlags};
use slab::{CacheFlags, KmemCache, StaticCache};

module! {
    type: Bench,
    name: "rust_mempool_bench",
    description: "Benchmarks of rust_mempool against C",
    license: "GPL",
}

fn now() -> u64 {
    // SAFETY: no preconditions.
    unsafe { bindings::rmp_bench_now_ns() }
}

const N: usize = 100_000;
const ROUNDS: usize = 1_500;
const BATCH: usize = 64;

type Obj = [u64; 8];

kmem_cache_allocator!(StaticObj: Obj = c_str!("rmp_bench_static"));

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

/// A benchmark: its name, how many operations one run does, and the run, which returns the
/// nanoseconds it took.
type Run<'a> = (&'a str, usize, &'a dyn Fn() -> Result<u64>);

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

/// Logs one result: the median time per operation, the samples' spread, and the ratio of the
/// medians to `base`'s, in tenths of a percent; no ratio if either sample spans fewer than
/// `MIN_STEPS` steps of the clock.
fn report(name: &str, ns: u64, spread: u64, ops: usize, base: u64, step: u64) {
    // Checked: objtool on 7.3 does not know the panic a plain division may call as noreturn.
    let per_op = (ns * 1000).checked_div(ops as u64).unwrap_or(0);
    let (p, s) = (per_op, spread);
    if ns < MIN_STEPS * step || base < MIN_STEPS * step {
        pr_info!(
            "rmp-bench: {:<34} {:>6}.{:03} ns/op  +-{}.{}%  ratio refused: fewer than {} clock steps\n",
            name, p / 1000, p % 1000, s / 10, s % 10, MIN_STEPS
        );
        return;
    }
    let ratio = (ns * 1000).checked_div(base).unwrap_or(0);
    pr_info!(
        "rmp-bench: {:<34} {:>6}.{:03} ns/op  +-{}.{}%  {:>4}.{}% of C\n",
        name,
        p / 1000,
        p % 1000,
        s / 10,
        s % 10,
        ratio / 10,
        ratio % 10
    );
}

/// Runs each of `runs` once to warm up and then `REPEAT` times, interleaved, and reports the
/// median of each against the median of `runs[base]`.
fn measure(runs: &[Run<'_>], base: usize, step: u64) -> Result {
    let mut samples = KVec::with_capacity(runs.len(), GFP_KERNEL)?;
    for (_, _, run) in runs {
        run()?;
        samples.push([0u64; REPEAT], GFP_KERNEL)?;
    }
    for r in 0..REPEAT {
        for (i, (_, _, run)) in runs.iter().enumerate() {
            samples[i][r] = run()?;
        }
    }
    let mut stats = KVec::with_capacity(runs.len(), GFP_KERNEL)?;
    for s in samples.iter_mut() {
        stats.push(median_spread(s), GFP_KERNEL)?;
    }
    for (i, (name, ops, _)) in runs.iter().enumerate() {
        report(name, stats[i].0, stats[i].1, *ops, stats[base].0, step);
    }
    Ok(())
}

fn run() -> Result {
    let step = clock_step();
    pr_info!("rmp-bench: # clock step: {} ns\n", step);
    let cache = KmemCache::<Obj>::new(c_str!("rmp_bench"), CacheFlags::NONE)?;
    let (raw, _) = cache.as_raw();
    let reg = StaticObj::register(CacheFlags::NONE)?;

    // Single allocations, freed at once.
    measure(
        &[
            ("C kmem_cache_alloc+free", N, &|| {
                // SAFETY: `raw` is a live cache for as long as `cache`.
                Ok(unsafe { bindings::rmp_bench_c_alloc_free(raw, N) })
            }),
            ("Rust KmemCache::alloc+drop", N, &|| {
                let start = now();
                for i in 0..N {
                    drop(core::hint::black_box(
                        cache.alloc([i as u64; 8], GFP_KERNEL)?,
                    ));
                }
                Ok(now() - start)
            }),
            ("Rust Box<T, StaticCache>::new+drop", N, &|| {
                let start = now();
                for i in 0..N {
                    let b = Box::<Obj, StaticObj>::new([i as u64; 8], GFP_KERNEL)?;
                    drop(core::hint::black_box(b));
                }
                Ok(now() - start)
            }),
        ],
        0,
        step,
    )?;

    // Batches: 64 allocations, then 64 frees.
    let mut buf = KVec::<*mut kernel::ffi::c_void>::with_capacity(BATCH, GFP_KERNEL)?;
    let buf = buf.as_mut_ptr();
    let ops = ROUNDS * BATCH;
    measure(
        &[
            ("C batch of 64 alloc, 64 free", ops, &|| {
                // SAFETY: `raw` is live; `buf` has room for `BATCH` pointers.
                Ok(unsafe { bindings::rmp_bench_c_batch(raw, ROUNDS, BATCH as u32, buf) })
            }),
            ("Rust batch of 64 CacheBox", ops, &|| {
                let mut held: [Option<slab::CacheBox<'_, Obj>>; BATCH] = [const { None }; BATCH];
                let start = now();
                for r in 0..ROUNDS {
                    for (i, slot) in held.iter_mut().enumerate() {
                        *slot = Some(cache.alloc([(r + i) as u64; 8], GFP_KERNEL)?);
                    }
                    for slot in held.iter_mut() {
                        drop(slot.take());
                    }
                }
                Ok(now() - start)
            }),
            ("Rust alloc_bulk(64) + drop", ops, &|| {
                let start = now();
                for r in 0..ROUNDS {
                    let objs = cache.alloc_bulk(BATCH, GFP_KERNEL, |i| [(r + i) as u64; 8])?;
                    drop(core::hint::black_box(objs));
                }
                Ok(now() - start)
            }),
        ],
        0,
        step,
    )?;

    // Pools, with the cache serving every allocation.
    let pool = Mempool::new(&cache, 16)?;
    measure(
        &[
            ("C mempool_alloc+free (slab pool)", N, &|| {
                // SAFETY: `raw` is live; the C pool is destroyed before the call returns.
                Ok(unsafe { bindings::rmp_bench_c_mempool(raw, N) })
            }),
            ("Rust Mempool::alloc+drop", N, &|| {
                let start = now();
                for i in 0..N {
                    drop(core::hint::black_box(
                        pool.alloc([i as u64; 8], SleepFlags::KERNEL),
                    ));
                }
                Ok(now() - start)
            }),
        ],
        0,
        step,
    )?;
    drop(pool);
    drop(reg);

    pr_info!(
        "rmp-bench: # counters after the runs: {:?}\n",
        cache.stats()
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
