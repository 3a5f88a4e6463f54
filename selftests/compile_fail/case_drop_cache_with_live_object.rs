// expect: E0505
// A cache cannot be dropped while an object from it is alive.
fn body() -> Result {
    let cache = KmemCache::<u64>::new(c_str!("cf_drop"), CacheFlags::NONE)?;
    let obj = cache.alloc(1, GFP_KERNEL)?;
    drop(cache);
    pr_info!("{}\n", *obj);
    Ok(())
}
