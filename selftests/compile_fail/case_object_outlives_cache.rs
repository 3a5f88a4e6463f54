// expect: E0597
// An object cannot escape the scope of its cache.

//! A compile-fail case of selftests/compile_fail/run.sh.
use kernel::{c_str, prelude::*};

#[path = "@ROOT@/slab/mod.rs"]
pub mod slab;

use slab::{CacheFlags, KmemCache};

module! {
    type: Case,
    name: "case_object_outlives_cache",
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
    let escaped;
    {
        let cache = KmemCache::<u64>::new(c_str!("cf_escape"), CacheFlags::NONE)?;
        escaped = cache.alloc(1, GFP_KERNEL)?;
    }
    pr_info!("{}\n", *escaped);
    Ok(())
}
