// expect: E0597
// A page pool's block borrows its pool: it cannot be kept past the pool's scope.
fn body() -> Result {
    let block;
    {
        let pool = mempool::PagePool::new(0, 2)?;
        block = pool.alloc(SleepFlags::NOIO);
    }
    pr_info!("{}\n", block[0]);
    Ok(())
}
