// expect: E0277
// A buffer handle cannot hold a page pool as its pool: `PoolBuf` takes only references to a
// `KmallocPool`, so its drop can free into nothing else.
fn body() -> Result {
    let pages = mempool::PagePool::new(0, 2)?;
    let _wrong: Option<mempool::PoolBuf<&mempool::PagePool>> = None;
    drop(pages);
    Ok(())
}
