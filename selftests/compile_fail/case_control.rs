// expect: ok
// Control: correct use compiles, so the failures below fail for their own reason.
fn body() -> Result {
    let cache = KmemCache::<u64>::new(c_str!("cf_control"), CacheFlags::NONE)?;
    let obj = cache.alloc(1, GFP_KERNEL)?;
    drop(obj);
    drop(cache);
    let bare = KmemCache::<u64, slab::NoStats>::new(c_str!("cf_control_bare"), CacheFlags::NONE)?;
    drop(bare.alloc(2, GFP_KERNEL)?);
    let bufs = mempool::KmallocPool::new(64, 2)?;
    let buf: mempool::PoolBuf<&mempool::KmallocPool> = bufs.alloc(SleepFlags::NOIO);
    drop(buf);
    drop(bufs);
    let pages = mempool::PagePool::new(0, 2)?;
    drop(pages.alloc(SleepFlags::NOIO));
    Ok(())
}
