#!/bin/sh
# The module loads, logs one line on init and one on exit, and unloads.
. /selftests/lib.sh

dmesg -c >/dev/null
check "module_load: insmod succeeds" insmod $MOD
check "module_load: listed in /proc/modules" loaded
check "module_load: rmmod succeeds" rmmod rust_mempool
check "module_load: gone from /proc/modules" eval '! loaded'
expect_eq "module_load: init and exit log lines" \
	"rust_mempool: loaded
rust_mempool: unloaded" \
	"$(dmesg | sed -n 's/^\[[^]]*\] //p' | grep '^rust_mempool: ')"
