// SPDX-License-Identifier: GPL-2.0

//! rust_mempool_consumer: a pretend network driver built out of tree against rust_mempool's
//! library, as README.md ("Using the library from another module") tells.
//!
//! It takes the library's sources through the `rmp` symlink and makes a cache of packets
//! with a pool over it, two pools of receive and transmit buffers, a module-lifetime cache of
//! commands and a scratch cache that opts out of debugfs. It writes no debugfs code: every
//! cache and pool but the scratch one shows under
//! `/sys/kernel/debug/rust_mempool/rust_mempool_consumer/` while the module is loaded, because
//! the library registers it with `rust_mempool.ko`, which must therefore be loaded first.

use kernel::{alloc::Box, c_str, prelude::*, sync::Arc};

mod bindings;
#[path = "rmp/mempool/mod.rs"]
pub mod mempool;
#[path = "rmp/slab/mod.rs"]
pub mod slab;

use mempool::{KmallocPool, Mempool, PoolBuf, SharedPoolBox, SleepFlags};
use slab::{CacheFlags, KmemCache, Registration, StaticCache};

module! {
    type: Consumer,
    name: "rust_mempool_consumer",
    description: "An out-of-tree driver that uses rust_mempool's library",
    license: "GPL",
}

/// A received packet's descriptor: 64 bytes.
struct Packet {
    len: u32,
    #[expect(dead_code)]
    data: [u8; 60],
}

/// A command to the pretend device: 32 bytes.
struct Command {
    opcode: u16,
    #[expect(dead_code)]
    args: [u16; 15],
}

crate::kmem_cache_allocator!(CommandCache: Command = c_str!("consumer_cmd"));

/// Packets and buffers in flight, which the driver holds until it unloads.
const PACKETS: usize = 3;
const BUFFERS: usize = 2;

struct Consumer {
    in_flight: KVec<SharedPoolBox<Packet>>,
    rx: KVec<PoolBuf<Arc<KmallocPool>>>,
    tx: PoolBuf<Arc<KmallocPool>>,
    command: Box<Command, CommandCache>,
    // Not in debugfs (`NO_DEBUGFS`).
    scratch: KmemCache<u64>,
    // Last: no command outlives the cache's registration.
    _commands: Registration<CommandCache>,
}

impl kernel::Module for Consumer {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let commands = CommandCache::register(CacheFlags::NONE)?;
        let cache = KmemCache::new(c_str!("consumer_packet"), CacheFlags::HWCACHE_ALIGN)?;
        let packets = Arc::new(Mempool::with_cache(cache, 16)?, GFP_KERNEL)?;
        // Two pools of the same size: the second shows as `kmalloc-2048_pool-2`.
        let rx_pool = Arc::new(KmallocPool::new(2048, 4)?, GFP_KERNEL)?;
        let tx_pool = Arc::new(KmallocPool::new(2048, 2)?, GFP_KERNEL)?;
        let scratch = KmemCache::new(c_str!("consumer_scratch"), CacheFlags::NO_DEBUGFS)?;

        let mut in_flight = KVec::with_capacity(PACKETS, GFP_KERNEL)?;
        for len in 0..PACKETS {
            let pkt = Packet {
                len: 60 + len as u32,
                data: [0; 60],
            };
            in_flight.push(
                Mempool::alloc_shared(&packets, pkt, SleepFlags::NOIO),
                GFP_KERNEL,
            )?;
        }
        let mut rx = KVec::with_capacity(BUFFERS, GFP_KERNEL)?;
        for _ in 0..BUFFERS {
            rx.push(
                KmallocPool::alloc_shared(&rx_pool, SleepFlags::NOIO),
                GFP_KERNEL,
            )?;
        }
        let tx = KmallocPool::alloc_shared(&tx_pool, SleepFlags::NOIO);
        let command = Box::<Command, CommandCache>::new(
            Command {
                opcode: 1,
                args: [0; 15],
            },
            GFP_KERNEL,
        )?;
        drop(scratch.alloc(0, GFP_KERNEL)?);

        let bytes: u32 = in_flight.iter().map(|p| p.len).sum();
        pr_info!(
            "{} packets ({} bytes), {} receive buffers, command {}\n",
            in_flight.len(),
            bytes,
            rx.len(),
            command.opcode
        );
        Ok(Consumer {
            in_flight,
            rx,
            tx,
            command,
            scratch,
            _commands: commands,
        })
    }
}

impl Drop for Consumer {
    fn drop(&mut self) {
        pr_info!(
            "unloading with {} packets, {} receive buffers, a {}-byte transmit buffer, \
             command {}, scratch {:#}\n",
            self.in_flight.len(),
            self.rx.len(),
            self.tx.len(),
            self.command.opcode,
            self.scratch.stats()
        );
    }
}
