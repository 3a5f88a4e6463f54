#!/bin/sh
# debugfs: unloading while files are open or busy neither crashes nor leaks
# (the harness fails the run on any kernel report, and on kmemleak's).
. /selftests/lib.sh

insmod $MOD || { echo "not ok - teardown: insmod"; exit 1; }

# An open file keeps the module loaded.
exec 3<$DBG/rust_mempool_obj/stats
check "teardown: rmmod refused while stats is open" eval '! rmmod rust_mempool 2>/dev/null'
check "teardown: still loaded" loaded
exec 3<&-
check "teardown: rmmod once closed" rmmod rust_mempool

# Readers and writers in loops while rmmod is retried: rmmod gets in between
# their opens, and afterwards the files are gone, which ends the loops.
insmod $MOD
(while cat $DBG/summary $DBG/*/stats >/dev/null 2>&1; do :; done) &
reader=$!
(while echo "alloc 2" >$DBG/rust_mempool_obj/control &&
	echo "free 2" >$DBG/rust_mempool_obj/control &&
	echo "alloc 1" >$DBG/rust_mempool_req_pool/control &&
	echo "alloc 1" >$DBG/rust_mempool_buf_pool/control &&
	echo "alloc 1" >$DBG/rust_mempool_page_pool/control; do :; done) 2>/dev/null &
writer=$!
sleep 1
tries=0
while loaded && [ $tries -lt 200 ]; do
	rmmod rust_mempool 2>/dev/null
	tries=$((tries + 1))
done
check "teardown: rmmod succeeds under load (tries: $tries)" eval '! loaded'
wait $reader $writer
check "teardown: loops ended with the files" [ ! -e $DBG ]
check "teardown: reload after a busy unload" insmod $MOD
expect_eq "teardown: fresh counters after reload" "allocs=0 frees=0 live=0 held=0" \
	"$(stats_line $DBG/rust_mempool_obj/stats allocs frees live held)"
rmmod rust_mempool
