#!/bin/sh
# Booted with debugfs=off: observation must not stop the library or a driver
# that uses it. rust_mempool.ko loads with an empty debugfs tree and registry
# and makes its module-lifetime cache, its pool over a cache, its kmalloc and
# page pools; the example driver loads on top and makes and uses a static
# cache, a counted and an unshown cache, a pool over a cache it owns and two
# kmalloc pools of one size; both unload, and no cache is left. One
# "ok - " or "not ok - " line per check; the exit status counts the failures.
failed=0
check() {
	if [ "$1" -eq 0 ]; then
		echo "ok - nodebugfs: $2"
	else
		echo "not ok - nodebugfs: $2"
		failed=$((failed + 1))
	fi
}
! grep -qw debugfs /proc/mounts && [ ! -e /sys/kernel/debug/rust_mempool ]
check $? "debugfs is off (debugfs=off): not mounted"
dmesg -c >/dev/null
insmod /modules/rust_mempool.ko
check $? "insmod rust_mempool.ko"
insmod /modules/rust_mempool_consumer.ko
check $? "insmod rust_mempool_consumer.ko, which makes and uses its caches and pools"
dmesg | grep -q 'rust_mempool_consumer: 3 packets (.* bytes), 2 receive buffers, command '
check $? "the example driver allocated from every one of them"
grep -q '^consumer_packet ' /proc/slabinfo && grep -q '^rust_mempool_req ' /proc/slabinfo
check $? "their caches are in /proc/slabinfo"
rmmod rust_mempool_consumer
check $? "rmmod rust_mempool_consumer"
rmmod rust_mempool
check $? "rmmod rust_mempool"
dmesg | grep -q 'rust_mempool: rust_mempool_req: allocs 16, frees 0, live 16,'
check $? "rust_mempool.ko's pool over its cache held its 16 reserve elements until unloaded"
! grep -qE '^(rust_mempool|consumer_)' /proc/slabinfo
check $? "no cache left after both unload"
dmesg | grep -E 'rust_mempool|consumer' | sed 's/^/# /'
[ "$failed" -eq 0 ]
