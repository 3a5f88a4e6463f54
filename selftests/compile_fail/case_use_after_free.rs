// expect: E0382
// An object cannot be used after it was given back.
fn body() -> Result {
    let cache = KmemCache::<u64>::new(c_str!("cf_uaf"), CacheFlags::NONE)?;
    let obj = cache.alloc(1, GFP_KERNEL)?;
    drop(obj);
    pr_info!("{}\n", *obj);
    Ok(())
}
