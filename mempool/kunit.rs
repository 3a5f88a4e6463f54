// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of the reserve pools, run in the kernel crate by the in-tree series (out of
//! tree, `rust_mempool_selftests.ko` tests the same sources more deeply).

use super::{KmallocPool, Mempool, PagePool, SleepFlags};
use crate::slab::{CacheFlags, KmemCache};
use kernel::{c_str, prelude::*};

#[kunit_tests(rust_kernel_mempool)]
mod tests {
    use super::*;

    #[test]
    fn reserve_is_filled_from_the_cache() -> Result {
        let cache = KmemCache::<u64>::new(c_str!("kunit_pool_reserve"), CacheFlags::NONE)?;
        let pool = Mempool::new(&cache, 4)?;
        assert_eq!((pool.stats().min_nr, pool.stats().reserve), (4, 4));
        assert_eq!(cache.stats().live, 4);
        Ok(())
    }

    #[test]
    fn elements_go_back() -> Result {
        let cache = KmemCache::<u64>::new(c_str!("kunit_pool_back"), CacheFlags::NONE)?;
        let pool = Mempool::new(&cache, 2)?;
        let a = pool.alloc(1, SleepFlags::NOIO);
        let b = pool.try_alloc(2, GFP_NOWAIT)?;
        assert_eq!((*a, *b, pool.stats().live), (1, 2, 2));
        drop((a, b));
        let s = pool.stats();
        assert_eq!((s.allocs, s.frees, s.reserve, s.emergency), (2, 2, 2, 0));
        Ok(())
    }

    #[test]
    fn resize_moves_the_reserve() -> Result {
        let cache = KmemCache::<u64>::new(c_str!("kunit_pool_resize"), CacheFlags::NONE)?;
        let pool = Mempool::new(&cache, 4)?;
        pool.resize(1)?;
        assert_eq!((pool.stats().min_nr, pool.stats().reserve), (1, 1));
        assert_eq!(cache.stats().live, 1);
        assert_eq!(pool.resize(0), Err(EINVAL));
        Ok(())
    }

    #[test]
    fn kmalloc_pool_buffers_go_back() -> Result {
        let pool = KmallocPool::new(96, 2)?;
        let mut a = pool.alloc(SleepFlags::NOIO);
        a[95] = 1;
        let b = pool.try_alloc(GFP_NOWAIT)?;
        assert_eq!((a.len(), b.len(), b[95], pool.stats().live), (96, 96, 0, 2));
        drop((a, b));
        let s = pool.stats();
        assert_eq!((s.allocs, s.frees, s.reserve), (2, 2, 2));
        Ok(())
    }

    #[test]
    fn page_pool_blocks_go_back() -> Result {
        let pool = PagePool::new(1, 2)?;
        let block = pool.alloc(SleepFlags::NOFS);
        assert_eq!(
            (block.order(), block.len()),
            (1, 2 * kernel::page::PAGE_SIZE)
        );
        drop(block);
        let s = pool.stats();
        assert_eq!((s.allocs, s.frees, s.reserve), (1, 1, 2));
        Ok(())
    }
}
