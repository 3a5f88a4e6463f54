// expect: E0382
// An object cannot be given back twice.
fn body() -> Result {
    let cache = KmemCache::<u64>::new(c_str!("cf_double"), CacheFlags::NONE)?;
    let obj = cache.alloc(1, GFP_KERNEL)?;
    drop(obj);
    drop(obj);
    Ok(())
}
