// expect: E0505
// A pool borrows its cache: the cache cannot be dropped under it.

//! A compile-fail case of selftests/compile_fail/run.sh.
use kernel::{c_str, prelude::*};

#[path = "@ROOT@/mempool/mod.rs"]
pub mod mempool;
#[path = "@ROOT@/slab/mod.rs"]
pub mod slab;

#[allow(unused_imports)]
use mempool::{Mempool, SleepFlags};
#[allow(unused_imports)]
use slab::{CacheFlags, KmemCache};

module! {
    type: Case,
    name: "case_pool_outlives_cache",
    license: "GPL",
}

struct Case;

impl kernel::Module for Case {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        body()?;
        Ok(Case)
    }
}

fn body() -> Result {
    let cache = KmemCache::<u64>::new(c_str!("cf_pool_cache"), CacheFlags::NONE)?;
    let pool = Mempool::new(&cache, 4)?;
    drop(cache);
    drop(pool);
    Ok(())
}
