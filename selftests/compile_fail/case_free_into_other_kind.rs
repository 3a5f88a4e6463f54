// expect: E0308
// A block of pages cannot be given back as a kmalloc buffer: each handle frees into the pool
// it came from, whose kind is part of its type (C's mempool_free() takes any pool).
fn recycle(buf: mempool::PoolBuf<&mempool::KmallocPool>) {
    drop(buf);
}

fn body() -> Result {
    let pages = mempool::PagePool::new(0, 2)?;
    recycle(pages.alloc(SleepFlags::NOIO));
    Ok(())
}
