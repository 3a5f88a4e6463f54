#!/bin/sh
# The module loads, logs one line on init, and on exit one line of counters
# per cache and pool (their Display, as in debugfs) and one more, and unloads.
. /selftests/lib.sh

# Exact peaks (see pin_one_cpu).
pin_one_cpu
dmesg -c >/dev/null
check "module_load: insmod succeeds" insmod $MOD
check "module_load: listed in /proc/modules" loaded
echo "alloc 3" >$DBG/rust_mempool_obj/control
echo "free 1" >$DBG/rust_mempool_obj/control
echo "alloc 2" >$DBG/rust_mempool_req_pool/control
echo "alloc 3" >$DBG/rust_mempool_buf_pool/control
echo "alloc 1" >$DBG/rust_mempool_page_pool/control
check "module_load: rmmod succeeds" rmmod rust_mempool
check "module_load: gone from /proc/modules" eval '! loaded'
# The pool's 16 reserved elements come from its cache, as do the 2 it hands out.
expect_eq "module_load: init and exit log lines" \
	"rust_mempool: loaded
rust_mempool: rust_mempool_obj: allocs 3, frees 1, live 2, peak 3, failures 0
rust_mempool: rust_mempool_req: allocs 18, frees 0, live 18, peak 18, failures 0
rust_mempool: rust_mempool_req_pool: allocs 2, frees 0, live 2, peak 2, failures 0, min_nr 16, reserve 16, reserve_low 16, emergency 0, waits 0
rust_mempool: rust_mempool_buf_pool: allocs 3, frees 0, live 3, peak 3, failures 0, min_nr 8, reserve 8, reserve_low 8, emergency 0, waits 0
rust_mempool: rust_mempool_page_pool: allocs 1, frees 0, live 1, peak 1, failures 0, min_nr 4, reserve 4, reserve_low 4, emergency 0, waits 0
rust_mempool: unloaded" \
	"$(dmesg | sed -n 's/^\[[^]]*\] //p' | grep '^rust_mempool: ')"
