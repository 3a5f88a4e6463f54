#!/bin/sh
# The in-kernel tests: load rust_mempool_selftests.ko, whose init runs every
# test and logs one "rmp-ktap: ok - ..." line per test, and pass those on.
#
# failslab is armed for the whole run but, with cache-filter, fails only
# caches marked in /sys/kernel/slab/NAME/failslab, which the failure-path
# tests mark themselves (selftests/kernel/failslab.c).
. /selftests/lib.sh

failslab_arm

dmesg -c >/dev/null
# Exact peaks (see pin_one_cpu); the concurrency tests bind their threads to CPUs.
pin_one_cpu
if ! insmod /modules/rust_mempool_selftests.ko; then
	echo "not ok - kernel: insmod rust_mempool_selftests.ko"
	exit 1
fi
echo 0 >/sys/kernel/debug/failslab/probability
dmesg | sed -n 's/^.*rmp-ktap: //p'
dmesg | grep -q 'rmp-ktap: # done' || echo "not ok - kernel: tests did not finish"
rmmod rust_mempool_selftests || echo "not ok - kernel: rmmod rust_mempool_selftests"
