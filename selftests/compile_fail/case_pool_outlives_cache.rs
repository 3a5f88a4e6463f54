// expect: E0505
// A pool borrows its cache: the cache cannot be dropped under it.
fn body() -> Result {
    let cache = KmemCache::<u64>::new(c_str!("cf_pool_cache"), CacheFlags::NONE)?;
    let pool = Mempool::new(&cache, 4)?;
    drop(cache);
    drop(pool);
    Ok(())
}
