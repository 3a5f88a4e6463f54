// expect: E0505
// Bulk objects borrow their cache like single ones.
fn body() -> Result {
    let cache = KmemCache::<u64>::new(c_str!("cf_bulk"), CacheFlags::NONE)?;
    let objs = cache.alloc_bulk(4, GFP_KERNEL, |i| i as u64)?;
    drop(cache);
    pr_info!("{}\n", objs.len());
    Ok(())
}
