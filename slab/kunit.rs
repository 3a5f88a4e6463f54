// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of the slab caches, run in the kernel crate by the in-tree series (out of tree,
//! `rust_mempool_selftests.ko` tests the same sources more deeply).

use super::{CacheFlags, CacheStats, KmemCache, StaticCache};
use kernel::{alloc::Box, c_str, prelude::*};

#[kunit_tests(rust_kernel_slab)]
mod tests {
    use super::*;

    #[test]
    fn counts_allocs_and_frees() -> Result {
        let cache = KmemCache::<u64>::new(c_str!("kunit_slab_counts"), CacheFlags::NONE)?;
        let a = cache.alloc(1, GFP_KERNEL)?;
        let b = cache.alloc(2, GFP_KERNEL)?;
        let c = cache.alloc(3, GFP_KERNEL)?;
        assert_eq!(*a + *b + *c, 6);
        drop(b);
        let want = CacheStats {
            allocs: 3,
            frees: 1,
            live: 2,
            peak: 3,
            failures: 0,
        };
        assert_eq!(cache.stats(), want);
        Ok(())
    }

    #[test]
    fn bulk_is_all_or_nothing() -> Result {
        let cache = KmemCache::<u32>::new(c_str!("kunit_slab_bulk"), CacheFlags::NONE)?;
        let objs = cache.alloc_bulk(16, GFP_KERNEL, |i| i as u32)?;
        assert_eq!(objs.len(), 16);
        assert_eq!(objs.get(15).copied(), Some(15));
        assert_eq!(cache.stats().live, 16);
        drop(objs);
        assert_eq!((cache.stats().frees, cache.stats().failures), (16, 0));
        Ok(())
    }

    kernel::kmem_cache_allocator!(Words: u64 = c_str!("kunit_slab_static"));

    #[test]
    fn static_cache_lives_with_its_registration() -> Result {
        let reg = Words::register(CacheFlags::NONE)?;
        assert_eq!(Words::register(CacheFlags::NONE).err(), Some(EBUSY));
        let w = Box::<u64, Words>::new(7, GFP_KERNEL)?;
        assert_eq!((*w, reg.stats().live), (7, 1));
        drop(w);
        drop(reg);
        // Unregistered: allocations fail until the next registration.
        assert!(Box::<u64, Words>::new(8, GFP_KERNEL).is_err());
        Ok(())
    }
}
