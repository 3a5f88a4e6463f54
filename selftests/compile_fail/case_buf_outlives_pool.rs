// expect: E0505
// A kmalloc pool's buffer borrows its pool: the pool cannot be dropped while it is out.
fn body() -> Result {
    let pool = mempool::KmallocPool::new(64, 2)?;
    let buf = pool.alloc(SleepFlags::NOIO);
    drop(pool);
    pr_info!("{}\n", buf[0]);
    Ok(())
}
