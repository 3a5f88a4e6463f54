#!/bin/sh
# debugfs: each stats file shows exact values after each control command.
. /selftests/lib.sh

pin_one_cpu

OBJ=$DBG/rust_mempool_obj
REQ=$DBG/rust_mempool_req
POOL=$DBG/rust_mempool_req_pool
BUF=$DBG/rust_mempool_buf_pool
PAGE=$DBG/rust_mempool_page_pool
C="allocs frees live peak failures held"
P="allocs frees live peak failures min_nr reserve reserve_low emergency waits held"

insmod $MOD || { echo "not ok - debugfs: insmod"; exit 1; }

expect_eq "debugfs: files and modes" \
	"444 $DBG/rust_mempool_obj/stats
600 $DBG/rust_mempool_obj/control
444 $DBG/rust_mempool_req/stats
600 $DBG/rust_mempool_req_pool/control
444 $DBG/rust_mempool_req_pool/stats
600 $DBG/rust_mempool_buf_pool/control
444 $DBG/rust_mempool_buf_pool/stats
600 $DBG/rust_mempool_page_pool/control
444 $DBG/rust_mempool_page_pool/stats
444 $DBG/summary" \
	"$(stat -c '%a %n' $OBJ/stats $OBJ/control $REQ/stats $POOL/control $POOL/stats \
		$BUF/control $BUF/stats $PAGE/control $PAGE/stats $DBG/summary)"

expect_eq "debugfs: cache stats after load" \
	"name: rust_mempool_obj
object_size: 64
aligned_size: 64
allocs: 0
frees: 0
live: 0
peak: 0
failures: 0
held: 0" "$(cat $OBJ/stats)"

echo "alloc 10" >$OBJ/control
expect_eq "debugfs: cache alloc 10" "allocs=10 frees=0 live=10 peak=10 failures=0 held=10" "$(stats_line $OBJ/stats $C)"
echo "free 4" >$OBJ/control
expect_eq "debugfs: cache free 4" "allocs=10 frees=4 live=6 peak=10 failures=0 held=6" "$(stats_line $OBJ/stats $C)"
echo "alloc 2" >$OBJ/control
expect_eq "debugfs: cache alloc 2 stays under the peak" "allocs=12 frees=4 live=8 peak=10 failures=0 held=8" "$(stats_line $OBJ/stats $C)"
echo "reset" >$OBJ/control
expect_eq "debugfs: cache reset frees all held" "allocs=12 frees=12 live=0 peak=10 failures=0 held=0" "$(stats_line $OBJ/stats $C)"

expect_eq "debugfs: pool stats after load, every key in order" \
	"name: rust_mempool_req_pool
object_size: 64
aligned_size: 64
allocs: 0
frees: 0
live: 0
peak: 0
failures: 0
min_nr: 16
reserve: 16
reserve_low: 16
emergency: 0
waits: 0
held: 0" "$(cat $POOL/stats)"
expect_eq "debugfs: pool's cache holds the reserve" "allocs=16 frees=0 live=16 peak=16 failures=0" "$(stats_line $REQ/stats allocs frees live peak failures)"
echo "alloc 5" >$POOL/control
expect_eq "debugfs: pool alloc 5 from the cache" "allocs=5 frees=0 live=5 peak=5 failures=0 min_nr=16 reserve=16 reserve_low=16 emergency=0 waits=0 held=5" "$(stats_line $POOL/stats $P)"
echo "reset" >$POOL/control
expect_eq "debugfs: pool reset goes back to the cache" "allocs=5 frees=5 live=0 peak=5 failures=0 min_nr=16 reserve=16 reserve_low=16 emergency=0 waits=0 held=0" "$(stats_line $POOL/stats $P)"

echo "resize 32" >$POOL/control
expect_eq "debugfs: pool resize 32, the low stays" "min_nr=32 reserve=32 reserve_low=16" "$(stats_line $POOL/stats min_nr reserve reserve_low)"
expect_eq "debugfs: resize 32 filled from the cache" "allocs=37 frees=5 live=32" "$(stats_line $REQ/stats allocs frees live)"
echo "resize 8" >$POOL/control
expect_eq "debugfs: pool resize 8 lowers the low" "min_nr=8 reserve=8 reserve_low=8" "$(stats_line $POOL/stats min_nr reserve reserve_low)"
expect_eq "debugfs: resize 8 gave 24 back" "allocs=37 frees=29 live=8" "$(stats_line $REQ/stats allocs frees live)"
echo "resize 16" >$POOL/control

# The pools of kmalloc() buffers and of pages: the same counters and commands.
expect_eq "debugfs: buffer pool stats after load, every key in order" \
	"name: rust_mempool_buf_pool
buf_size: 512
allocs: 0
frees: 0
live: 0
peak: 0
failures: 0
min_nr: 8
reserve: 8
reserve_low: 8
emergency: 0
waits: 0
held: 0" "$(cat $BUF/stats)"
expect_eq "debugfs: page pool stats after load, every key in order" \
	"name: rust_mempool_page_pool
order: 0
allocs: 0
frees: 0
live: 0
peak: 0
failures: 0
min_nr: 4
reserve: 4
reserve_low: 4
emergency: 0
waits: 0
held: 0" "$(cat $PAGE/stats)"
for pool in $BUF $PAGE; do
	name=${pool##*/}
	min=$(stats_line $pool/stats min_nr)
	echo "alloc 6" >$pool/control
	echo "free 2" >$pool/control
	expect_eq "debugfs: $name alloc 6, free 2" \
		"allocs=6 frees=2 live=4 peak=6 failures=0 $min reserve_low=${min#min_nr=} emergency=0 waits=0 held=4" \
		"$(stats_line $pool/stats allocs frees live peak failures min_nr reserve_low emergency waits held)"
	echo "resize 2" >$pool/control
	expect_eq "debugfs: $name resize 2 lowers the low" "min_nr=2 reserve=2 reserve_low=2" \
		"$(stats_line $pool/stats min_nr reserve reserve_low)"
	echo "reset" >$pool/control
	echo "resize ${min#min_nr=}" >$pool/control
	expect_eq "debugfs: $name reset and resize back" \
		"allocs=6 frees=6 live=0 $min reserve=${min#min_nr=} reserve_low=2 held=0" \
		"$(stats_line $pool/stats allocs frees live min_nr reserve reserve_low held)"
	echo "reset" >$pool/control
done

expect_eq "debugfs: summary, most memory first" \
	"module                 kind  name                             allocs    frees     live failures     memory
rust_mempool           cache rust_mempool_req                       45       29       16        0       1024
rust_mempool           pool  kmalloc-512_pool                        6        6        0        0          0
rust_mempool           pool  page-order0_pool                        6        6        0        0          0
rust_mempool           cache rust_mempool_obj                       12       12        0        0          0
rust_mempool           pool  rust_mempool_req_pool                   5        5        0        0          0" "$(cat $DBG/summary)"

# The registry shows the module's own caches and pools too, under its name.
expect_eq "debugfs: the module's registry directory" \
	"kmalloc-512_pool
page-order0_pool
rust_mempool_obj
rust_mempool_req
rust_mempool_req_pool" "$(ls $DBG/rust_mempool)"
expect_eq "debugfs: a registered pool's stats, every key" \
	"element_size: 64
allocs: 5
frees: 5
live: 0
peak: 5
failures: 0
min_nr: 16
reserve: 16
reserve_low: 8
emergency: 0
waits: 0" "$(cat $DBG/rust_mempool/rust_mempool_req_pool/stats)"

expect_eq "debugfs: caches listed in /proc/slabinfo" "rust_mempool_obj
rust_mempool_req" "$(grep '^rust_mempool' /proc/slabinfo | cut -d' ' -f1 | sort)"

# Emergency reserve at work: with every allocation from the pool's cache
# failing, exactly min_nr allocations are served, the next one fails.
failslab_arm
echo 1 >/sys/kernel/slab/rust_mempool_req/failslab
expect_eq "debugfs: failslab alloc 17 fails with ENOMEM" ENOMEM "$(write_err $POOL/control 'alloc 17')"
echo 0 >/sys/kernel/slab/rust_mempool_req/failslab
# All or nothing: the 16 taken from the reserve go back to it.
expect_eq "debugfs: failslab shows 16 emergency hits and 1 failure, and the failed alloc 17 holds nothing" \
	"allocs=21 frees=21 live=0 peak=16 failures=1 min_nr=16 reserve=16 reserve_low=0 emergency=16 waits=0 held=0" \
	"$(stats_line $POOL/stats $P)"
echo "reset" >$POOL/control
expect_eq "debugfs: frees refilled the reserve first, reset starts the low again" \
	"allocs=21 frees=21 live=0 peak=16 failures=1 min_nr=16 reserve=16 reserve_low=16 emergency=16 waits=0 held=0" \
	"$(stats_line $POOL/stats $P)"

echo "alloc 3" >$OBJ/control
check "debugfs: rmmod with objects held" rmmod rust_mempool
check "debugfs: reload" insmod $MOD
expect_eq "debugfs: stats start from zero after reload" "allocs=0 frees=0 live=0 peak=0 failures=0 held=0" "$(stats_line $OBJ/stats $C)"
expect_eq "debugfs: pool starts from zero after reload" "allocs=0 frees=0 live=0 peak=0 failures=0 min_nr=16 reserve=16 reserve_low=16 emergency=0 waits=0 held=0" "$(stats_line $POOL/stats $P)"
rmmod rust_mempool
