// expect: E0308
// An object of one type cannot come from a cache of another.
fn body() -> Result {
    let cache = KmemCache::<u64>::new(c_str!("cf_type"), CacheFlags::NONE)?;
    let obj = cache.alloc(1u32, GFP_KERNEL)?;
    drop(obj);
    Ok(())
}
