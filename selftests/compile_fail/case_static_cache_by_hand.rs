// expect: E0200
// StaticCache is an unsafe trait: a safe impl could share one slot between two types.
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
