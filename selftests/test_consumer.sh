#!/bin/sh
# Another module's caches and pools in debugfs: rust_mempool_consumer.ko
# (consumer/), built out of tree against the library, shows every cache and
# pool it makes under $DBG/rust_mempool_consumer/ with no debugfs code of its
# own, and in the summary; all of it goes when it unloads, also while readers
# read the files in a loop (KASAN checks them on the intree flavour). It
# needs rust_mempool.ko loaded first, whose exports it links against.
. /selftests/lib.sh

CONSUMER=/modules/rust_mempool_consumer.ko
C=$DBG/rust_mempool_consumer

pin_one_cpu
dmesg -c >/dev/null
insmod $MOD || { echo "not ok - consumer: insmod rust_mempool"; exit 1; }
check "consumer: insmod rust_mempool_consumer" insmod $CONSUMER

# The scratch cache opted out (NO_DEBUGFS); the second 2048-byte pool got a
# unique name.
expect_eq "consumer: one directory per cache and pool, the opted-out one missing" \
	"consumer_cmd
consumer_packet
consumer_packet_pool
kmalloc-2048_pool
kmalloc-2048_pool-2" "$(ls $C)"
expect_eq "consumer: module-lifetime cache, every key" \
	"name: consumer_cmd
object_size: 32
aligned_size: 32
allocs: 1
frees: 0
live: 1
peak: 1
failures: 0" "$(cat $C/consumer_cmd/stats)"
expect_eq "consumer: the packet cache holds the reserve and the packets in flight" \
	"allocs=19 frees=0 live=19 peak=19 failures=0" \
	"$(stats_line $C/consumer_packet/stats allocs frees live peak failures)"
expect_eq "consumer: packet pool, every key" \
	"element_size: 64
allocs: 3
frees: 0
live: 3
peak: 3
failures: 0
min_nr: 16
reserve: 16
reserve_low: 16
emergency: 0
waits: 0" "$(cat $C/consumer_packet_pool/stats)"
P="element_size allocs live min_nr reserve reserve_low"
expect_eq "consumer: receive buffer pool" \
	"element_size=2048 allocs=2 live=2 min_nr=4 reserve=4 reserve_low=4" \
	"$(stats_line $C/kmalloc-2048_pool/stats $P)"
expect_eq "consumer: transmit buffer pool" \
	"element_size=2048 allocs=1 live=1 min_nr=2 reserve=2 reserve_low=2" \
	"$(stats_line $C/kmalloc-2048_pool-2/stats $P)"
expect_eq "consumer: its summary lines, most memory first" \
	"rust_mempool_consumer  pool  kmalloc-2048_pool                       2        0        2        0       4096
rust_mempool_consumer  pool  kmalloc-2048_pool-2                     1        0        1        0       2048
rust_mempool_consumer  cache consumer_packet                        19        0       19        0       1216
rust_mempool_consumer  pool  consumer_packet_pool                    3        0        3        0        192
rust_mempool_consumer  cache consumer_cmd                            1        0        1        0         32" \
	"$(grep '^rust_mempool_consumer ' $DBG/summary)"
check "consumer: rust_mempool cannot unload before it" eval '! rmmod rust_mempool 2>/dev/null'

# Unload and load again, five times, while readers read every file of the
# registry in a loop: each unload removes the files under them.
rm -f /tmp/consumer.stop
(while [ ! -e /tmp/consumer.stop ]; do cat $DBG/summary $C/*/stats >/dev/null 2>&1; done) &
r1=$!
(while [ ! -e /tmp/consumer.stop ]; do
	cat $C/consumer_packet_pool/stats $C/kmalloc-2048_pool/stats >/dev/null 2>&1
done) &
r2=$!
cycles=0
for i in 1 2 3 4 5; do
	sleep 0.2
	rmmod rust_mempool_consumer || break
	insmod $CONSUMER || break
	cycles=$i
done
sleep 0.2
check "consumer: rmmod under readers" rmmod rust_mempool_consumer
# The readers finish their reads (an open file holds rust_mempool.ko) and stop.
touch /tmp/consumer.stop
wait $r1 $r2
expect_eq "consumer: five unload and load cycles under readers" 5 $cycles
check "consumer: its directory is gone" eval '[ ! -e $C ]'
expect_eq "consumer: no summary line left" "" "$(grep '^rust_mempool_consumer ' $DBG/summary)"
expect_eq "consumer: unload log line" \
	"rust_mempool_consumer: unloading with 3 packets, 2 receive buffers, a 2048-byte transmit buffer, command 1, scratch allocs 1, frees 1, live 0, peak 1, failures 0" \
	"$(dmesg | sed -n 's/^\[[^]]*\] //p' | grep '^rust_mempool_consumer: unloading' | tail -n 1)"

# Without rust_mempool.ko the driver does not load: the library's registry
# is its export.
check "consumer: rmmod rust_mempool" rmmod rust_mempool
check "consumer: insmod without rust_mempool fails" eval '! insmod $CONSUMER 2>/dev/null'
check "consumer: for want of rust_mempool's symbols" \
	eval 'dmesg | grep -q "rust_mempool_consumer: Unknown symbol rmp_registry_add"'
