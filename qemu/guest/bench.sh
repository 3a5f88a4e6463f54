#!/bin/sh
# make bench inside the guest: load the benchmark module, whose init runs
# every benchmark on CPU 0 while the other CPUs idle (but for the rows that
# run on every CPU), and print its results.
set -e
. /selftests/lib.sh
# The reserve-path rows fail their cache's allocations: failslab, limited to
# caches marked in /sys/kernel/slab (the module marks its own for those rows).
failslab_arm
dmesg -c >/dev/null
mode=$(sed -n 's/.*rmp\.bench=\([a-z]*\).*/\1/p' /proc/cmdline)
clock=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
# The library registers its caches and pools with rust_mempool.ko (its exports).
insmod /modules/rust_mempool.ko
taskset 1 insmod /modules/rust_mempool_bench.ko
echo "### rust_mempool benchmarks ($(grep -c '^processor' /proc/cpuinfo) CPUs, BENCH_MODE=${mode:-?}, clocksource $clock)"
case $mode in
icount) echo "### times are virtual: one nanosecond per instruction executed" ;;
esac
dmesg | sed -n 's/^.*rmp-bench: //p'
echo 0 >/sys/kernel/debug/failslab/probability
rmmod rust_mempool_bench
rmmod rust_mempool
