#!/bin/sh
# The main job inside the guest: load the module, show what it reports,
# unload it. Exit status is non-zero if any step failed.
set -e
echo "### insmod rust_mempool.ko"
insmod /modules/rust_mempool.ko
if [ -f /sys/kernel/debug/rust_mempool/summary ]; then
	for f in /sys/kernel/debug/rust_mempool/summary /sys/kernel/debug/rust_mempool/*/stats; do
		echo "### $f"
		cat "$f"
	done
fi
echo "### rmmod rust_mempool"
rmmod rust_mempool
echo "### kernel log of the module"
dmesg | grep 'rust_mempool' || true
