// SPDX-License-Identifier: GPL-2.0

//! Rust mempool user sample: the request path of a pretend block driver.
//!
//! Each request comes from a typed slab cache ([`kernel::slab`]) and sends the "hardware" a
//! command that comes from a [`Mempool`], whose reserve keeps the I/O path going when memory
//! is short: allocating a command may sleep but never fails, because commands of requests
//! already in flight come back to the pool when those requests complete.
//!
//! The module's state holds both, as a driver's per-device state would: the request cache is
//! a module-lifetime cache declared with [`kernel::kmem_cache_allocator!`], and the pool owns
//! the cache of its commands ([`Mempool::with_cache`]). At load time the sample runs one burst
//! of I/O, at most [`QUEUE_DEPTH`] requests in flight, and logs what the caches and the pool
//! counted.

use kernel::{
    c_str,
    mempool::{Mempool, PoolBox, SleepFlags},
    new_spinlock,
    prelude::*,
    slab::{CacheFlags, KmemCache, Registration, StaticCache},
    sync::SpinLock,
};

module! {
    type: RustMempoolUser,
    name: "rust_mempool_user",
    author: "Rust for Linux Contributors",
    description: "Rust mempool user sample",
    license: "GPL",
}

/// Requests in the burst.
const REQUESTS: u64 = 64;
/// Requests in flight at most: the depth of the pretend hardware queue.
const QUEUE_DEPTH: usize = 8;
/// Commands the pool keeps in reserve: enough for a full queue, twice over.
const RESERVE: usize = 2 * QUEUE_DEPTH;

/// Where a request is in its life.
enum Status {
    Queued,
    Done,
}

/// A request, as a block driver would make one for each bio. It holds a lock, so it is
/// initialised in place and never moves.
#[pin_data]
struct Request {
    sector: u64,
    len: u32,
    #[pin]
    status: SpinLock<Status>,
}

kernel::kmem_cache_allocator!(RequestCache: Request = c_str!("rust_mempool_user_req"));

/// A command descriptor, as the hardware would take it.
struct Command {
    tag: usize,
    sector: u64,
    len: u32,
}

/// A request that was submitted and has not completed yet.
struct InFlight<'a> {
    request: Pin<Box<Request, RequestCache>>,
    command: PoolBox<'a, Command>,
}

/// A pretend hardware queue: a ring of [`QUEUE_DEPTH`] slots.
struct Queue<'a> {
    commands: &'a Mempool<'a, Command>,
    slots: [Option<InFlight<'a>>; QUEUE_DEPTH],
    completed: u64,
}

impl<'a> Queue<'a> {
    fn new(commands: &'a Mempool<'a, Command>) -> Self {
        Self {
            commands,
            slots: core::array::from_fn(|_| None),
            completed: 0,
        }
    }

    /// Submits a request in slot `tag`, first completing the one that occupies it.
    fn submit(&mut self, tag: usize, sector: u64, len: u32) -> Result {
        if let Some(done) = self.slots[tag].take() {
            self.complete(done);
        }
        // On the I/O path, no allocation may start I/O to reclaim memory; this one may fail.
        let request = Box::pin_init(
            pin_init!(Request {
                sector,
                len,
                status <- new_spinlock!(Status::Queued),
            }),
            SleepFlags::NOIO.into(),
        )?;
        // May sleep, must not start I/O to reclaim memory, and cannot fail: when the cache has
        // nothing, the reserve has, or will have once an in-flight command comes back.
        let command = self
            .commands
            .alloc(Command { tag, sector, len }, SleepFlags::NOIO);
        self.slots[tag] = Some(InFlight { request, command });
        Ok(())
    }

    /// What the interrupt handler would do: mark the request done and free both objects. The
    /// command goes back to the pool, refilling the reserve first.
    fn complete(&mut self, done: InFlight<'a>) {
        let InFlight { request, command } = done;
        // The hardware echoes the command back; the driver checks it against the request.
        if (command.sector, command.len) == (request.sector, request.len) {
            *request.status.lock() = Status::Done;
            self.completed += 1;
        } else {
            pr_err!("command {} does not match its request\n", command.tag);
        }
    }

    /// Completes every request still in flight.
    fn drain(&mut self) {
        for slot in 0..QUEUE_DEPTH {
            if let Some(done) = self.slots[slot].take() {
                self.complete(done);
            }
        }
    }
}

/// Runs the burst and reports what the request cache, the command pool and its cache did.
fn run_burst(requests: &Registration<RequestCache>, commands: &Mempool<'_, Command>) -> Result {
    let mut queue = Queue::new(commands);
    let mut result = Ok(());
    for i in 0..REQUESTS {
        result = queue.submit(i as usize % QUEUE_DEPTH, i * 8, 4096);
        if result.is_err() {
            break;
        }
    }
    queue.drain();
    pr_info!(
        "completed {} of {} requests, {} in flight at most\n",
        queue.completed,
        REQUESTS,
        QUEUE_DEPTH
    );

    let r = requests.stats();
    pr_info!(
        "request cache: allocs={} frees={} live={} peak={} failures={}\n",
        r.allocs,
        r.frees,
        r.live,
        r.peak,
        r.failures
    );
    let p = commands.stats();
    pr_info!(
        "command pool: min_nr={} reserve={} allocs={} frees={} live={} peak={}\n",
        p.min_nr,
        p.reserve,
        p.allocs,
        p.frees,
        p.live,
        p.peak
    );
    pr_info!(
        "command pool: emergency={} waits={} failures={}\n",
        p.emergency,
        p.waits,
        p.failures
    );
    let c = commands.cache().stats();
    pr_info!(
        "command cache: allocs={} frees={} live={} peak={} failures={}\n",
        c.allocs,
        c.frees,
        c.live,
        c.peak,
        c.failures
    );
    result
}

struct RustMempoolUser {
    // Fields drop in declaration order: every request is gone before its cache.
    commands: Mempool<'static, Command>,
    _requests: Registration<RequestCache>,
}

impl kernel::Module for RustMempoolUser {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("Rust mempool user sample (init)\n");
        let requests = RequestCache::register(CacheFlags::HWCACHE_ALIGN)?;
        let cache =
            KmemCache::<Command>::new(c_str!("rust_mempool_user_cmd"), CacheFlags::HWCACHE_ALIGN)?;
        let commands = Mempool::with_cache(cache, RESERVE)?;
        run_burst(&requests, &commands)?;
        Ok(Self {
            commands,
            _requests: requests,
        })
    }
}

impl Drop for RustMempoolUser {
    fn drop(&mut self) {
        let p = self.commands.stats();
        pr_info!(
            "Rust mempool user sample (exit): {} of {} commands in reserve\n",
            p.reserve,
            p.min_nr
        );
    }
}
