// expect: E0505
// A cache cannot be dropped while an object from it is alive.

//! A compile-fail case of selftests/compile_fail/run.sh.
use kernel::{c_str, prelude::*};

#[path = "@ROOT@/slab/mod.rs"]
pub mod slab;

use slab::{CacheFlags, KmemCache};

module! {
    type: Case,
    name: "case_drop_cache_with_live_object",
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
    let cache = KmemCache::<u64>::new(c_str!("cf_drop"), CacheFlags::NONE)?;
    let obj = cache.alloc(1, GFP_KERNEL)?;
    drop(cache);
    pr_info!("{}\n", *obj);
    Ok(())
}
