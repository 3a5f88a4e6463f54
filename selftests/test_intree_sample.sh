#!/bin/sh
# The in-tree sample, samples/rust/rust_mempool_user.rs (in-tree kernel only).
# It runs a burst of 64 requests at load time and logs what the request cache,
# the command pool and the pool's cache counted: once with memory to spare,
# once with every non-sleeping slab allocation of insmod failing, which must
# put every command on the pool's reserve and still complete every request.
. /selftests/lib.sh

SAMPLE=/modules/rust_mempool_user.ko
flavour=$(sed -n 's/.*rmp\.flavour=\([a-z]*\).*/\1/p' /proc/cmdline)
if [ "$flavour" != intree ]; then
	echo "ok - intree_sample # SKIP needs the in-tree kernel, this is '$flavour'"
	exit 0
fi
# The peaks below are exact only when one CPU does all the work.
pin_one_cpu

sample_log() { dmesg | sed -n 's/^\[[^]]*\] //p' | grep '^rust_mempool_user: '; }
in_slabinfo() { grep -q "^$1 " /proc/slabinfo; }

# expected_log EMERGENCY CACHE: the sample's whole log, given the pool's
# emergency count and the counters of the pool's cache, the only lines that
# differ between the two runs.
expected_log() {
	echo "rust_mempool_user: Rust mempool user sample (init)
rust_mempool_user: completed 64 of 64 requests, 8 in flight at most
rust_mempool_user: request cache: allocs=64 frees=64 live=0 peak=8 failures=0
rust_mempool_user: command pool: min_nr=16 reserve=16 allocs=64 frees=64 live=0 peak=8
rust_mempool_user: command pool: emergency=$1 waits=0 failures=0
rust_mempool_user: command cache: $2
rust_mempool_user: Rust mempool user sample (exit): 16 of 16 commands in reserve"
}

dmesg -c >/dev/null
check "intree_sample: insmod succeeds" insmod $SAMPLE
check "intree_sample: request cache listed while loaded" in_slabinfo rust_mempool_user_req
check "intree_sample: command cache listed while loaded" in_slabinfo rust_mempool_user_cmd
check "intree_sample: rmmod succeeds" rmmod rust_mempool_user
check "intree_sample: request cache gone after rmmod" eval '! in_slabinfo rust_mempool_user_req'
check "intree_sample: command cache gone after rmmod" eval '! in_slabinfo rust_mempool_user_cmd'
# The pool's cache: 16 elements fill the reserve, then every command comes
# from the cache (16 + 8 in flight at the peak) and goes back to it.
expect_eq "intree_sample: log with memory to spare" \
	"$(expected_log 0 "allocs=80 frees=64 live=16 peak=24 failures=0")" "$(sample_log)"

# Fail the slab allocations of one task (insmod) that may not sleep: the
# pool's own first try of each command (mempool_alloc() drops direct reclaim
# for it). Sleeping allocations, such as the requests' and the reserve's
# initial fill, still succeed. Disarm first: an earlier test may have left
# failslab armed for marked caches, and dropping the cache filter while armed
# would fail every task.
F=/sys/kernel/debug/failslab
echo 0 >$F/probability
echo N >$F/cache-filter
echo Y >$F/ignore-gfp-wait
echo Y >$F/task-filter
echo 1 >$F/interval
echo -1 >$F/times
echo 0 >$F/verbose
echo 100 >$F/probability
dmesg -c >/dev/null
check "intree_sample: insmod succeeds with non-sleeping allocations failing" \
	sh -c "echo 1 >/proc/self/make-it-fail && exec insmod $SAMPLE"
echo 0 >$F/probability
echo N >$F/task-filter
check "intree_sample: rmmod after the failing run" rmmod rust_mempool_user
# Every command came from the reserve and went back to it; the cache only
# filled the reserve and counted each failed try.
expect_eq "intree_sample: log with every command from the reserve" \
	"$(expected_log 64 "allocs=16 frees=0 live=16 peak=16 failures=64")" "$(sample_log)"
