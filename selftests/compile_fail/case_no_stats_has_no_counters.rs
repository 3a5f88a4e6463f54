// expect: E0599
// A cache without counters has no counters to read: `stats()` is not there to call.
fn body() -> Result {
    let cache = KmemCache::<u64, slab::NoStats>::new(c_str!("cf_nostats"), CacheFlags::NONE)?;
    let _ = cache.stats();
    Ok(())
}
