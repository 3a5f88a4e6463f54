// expect: E0505
// An element borrows its pool: the pool cannot be dropped while it is out.
fn body() -> Result {
    let cache = KmemCache::<u64>::new(c_str!("cf_elem_cache"), CacheFlags::NONE)?;
    let pool = Mempool::new(&cache, 4)?;
    let elem = pool.alloc(1, SleepFlags::KERNEL);
    drop(pool);
    pr_info!("{}\n", *elem);
    Ok(())
}
