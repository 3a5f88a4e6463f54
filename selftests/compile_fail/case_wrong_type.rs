// expect: E0308
// An object of one type cannot come from a cache of another.

//! A compile-fail case of selftests/compile_fail/run.sh.
use kernel::{c_str, prelude::*};

#[path = "@ROOT@/slab/mod.rs"]
pub mod slab;

use slab::{CacheFlags, KmemCache};

module! {
    type: Case,
    name: "case_wrong_type",
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
    let cache = KmemCache::<u64>::new(c_str!("cf_type"), CacheFlags::NONE)?;
    let obj = cache.alloc(1u32, GFP_KERNEL)?;
    drop(obj);
    Ok(())
}
