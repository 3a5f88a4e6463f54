// expect: E0382
// An object cannot be given back twice.

//! A compile-fail case of selftests/compile_fail/run.sh.
use kernel::{c_str, prelude::*};

#[path = "@ROOT@/slab/mod.rs"]
pub mod slab;

use slab::{CacheFlags, KmemCache};

module! {
    type: Case,
    name: "case_double_free",
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
    let cache = KmemCache::<u64>::new(c_str!("cf_double"), CacheFlags::NONE)?;
    let obj = cache.alloc(1, GFP_KERNEL)?;
    drop(obj);
    drop(obj);
    Ok(())
}
