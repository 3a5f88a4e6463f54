// expect: ok
// Control: correct use compiles, so the failures below fail for their own reason.
fn body() -> Result {
    let cache = KmemCache::<u64>::new(c_str!("cf_control"), CacheFlags::NONE)?;
    let obj = cache.alloc(1, GFP_KERNEL)?;
    drop(obj);
    drop(cache);
    let bare = KmemCache::<u64, slab::NoStats>::new(c_str!("cf_control_bare"), CacheFlags::NONE)?;
    drop(bare.alloc(2, GFP_KERNEL)?);
    Ok(())
}
