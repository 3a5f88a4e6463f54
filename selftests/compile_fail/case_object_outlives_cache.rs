// expect: E0597
// An object cannot escape the scope of its cache.
fn body() -> Result {
    let escaped;
    {
        let cache = KmemCache::<u64>::new(c_str!("cf_escape"), CacheFlags::NONE)?;
        escaped = cache.alloc(1, GFP_KERNEL)?;
    }
    pr_info!("{}\n", *escaped);
    Ok(())
}
