// expect: E0505
// An element borrows its pool: the pool cannot be dropped while it is out.

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
    name: "case_element_outlives_pool",
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
    let cache = KmemCache::<u64>::new(c_str!("cf_elem_cache"), CacheFlags::NONE)?;
    let pool = Mempool::new(&cache, 4)?;
    let elem = pool.alloc(1, SleepFlags::KERNEL);
    drop(pool);
    pr_info!("{}\n", *elem);
    Ok(())
}
