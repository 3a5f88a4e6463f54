// expect: E0200
// StaticCache is an unsafe trait: a safe impl could share one slot between two types.

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
    name: "case_static_cache_by_hand",
    license: "GPL",
}

struct Case;

impl kernel::Module for Case {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        body()?;
        Ok(Case)
    }
}

struct Shared;

impl slab::StaticCache for Shared {
    type Object = [u8; 4096];
    const NAME: &'static CStr = c_str!("cf_shared");

    fn slot() -> &'static slab::CacheSlot {
        static SLOT: slab::CacheSlot = slab::CacheSlot::new();
        &SLOT
    }
}

fn body() -> Result {
    Ok(())
}
