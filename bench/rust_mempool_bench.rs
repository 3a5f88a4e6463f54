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

/// Logs one result: nanoseconds per operation, and the ratio to `base` in percent.
fn report(name: &str, ns: u64, ops: usize, base: u64) {
    // Checked: objtool on 7.3 does not know the panic a plain division may call as noreturn.
    let per_op = (ns * 1000).checked_div(ops as u64).unwrap_or(0);
    let ratio = (ns * 100).checked_div(base).unwrap_or(0);
    pr_info!(
        "rmp-bench: {:<34} {:>6}.{:03} ns/op  {:>4}% of C\n",
        name,
        per_op / 1000,
        per_op % 1000,
        ratio
    );
}

/// Each benchmark is run this often, interleaved with the others, and its fastest run kept:
/// emulated time is noisy, and the minimum is what the code itself costs.
const REPEAT: usize = 7;

/// A benchmark: its name, how many operations one run does, and the run, which returns the
/// nanoseconds it took.
type Run<'a> = (&'a str, usize, &'a dyn Fn() -> Result<u64>);

/// Runs `runs` `REPEAT` times each, interleaved, and reports the fastest run of each against
/// the fastest run of `runs[base]`.
fn measure(runs: &[Run<'_>], base: usize) -> Result {
    let mut best = KVec::with_capacity(runs.len(), GFP_KERNEL)?;
    for _ in runs {
        best.push(u64::MAX, GFP_KERNEL)?;
    }
    for _ in 0..REPEAT {
        for (i, (_, _, run)) in runs.iter().enumerate() {
            let ns = run()?;
            if ns < best[i] {
                best[i] = ns;
            }
        }
    }
    for (i, (name, ops, _)) in runs.iter().enumerate() {
        report(name, best[i], *ops, best[base]);
    }
    Ok(())
}

fn run() -> Result {
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
