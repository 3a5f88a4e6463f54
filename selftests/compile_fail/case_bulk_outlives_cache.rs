// expect: E0505
// Bulk objects borrow their cache like single ones.

//! A compile-fail case of selftests/compile_fail/run.sh.
use kernel::{c_str, prelude::*};

#[path = "@ROOT@/slab/mod.rs"]
pub mod slab;

use slab::{CacheFlags, KmemCache};

module! {
    type: Case,
    name: "case_bulk_outlives_cache",
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
    let cache = KmemCache::<u64>::new(c_str!("cf_bulk"), CacheFlags::NONE)?;
    let objs = cache.alloc_bulk(4, GFP_KERNEL, |i| i as u64)?;
    drop(cache);
    pr_info!("{}\n", objs.len());
    Ok(())
}
