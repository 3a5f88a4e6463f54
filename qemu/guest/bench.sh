#!/bin/sh
# make bench inside the guest: load the benchmark module, whose init runs
# every benchmark, and print its results.
set -e
dmesg -c >/dev/null
insmod /modules/rust_mempool_bench.ko
echo "### rust_mempool benchmarks ($(grep -c '^processor' /proc/cpuinfo) CPUs)"
dmesg | sed -n 's/^.*rmp-bench: //p'
rmmod rust_mempool_bench
