#!/bin/sh
# make shell inside the guest: load rust_mempool.ko, then either run the
# commands the host packed as /guest/input.sh (non-interactive; the exit
# status is that of the last command) or give an interactive shell on the
# console (whose exit status is not passed on). Unloads the module
# afterwards, so its teardown is checked too.
D=/sys/kernel/debug/rust_mempool
insmod /modules/rust_mempool.ko || exit 1
if [ -f /guest/input.sh ]; then
	sh /guest/input.sh
	rc=$?
else
	cat <<BANNER

rust_mempool.ko is loaded. What it shows, in $D/:
  summary                      one line per cache and pool of every module
  rust_mempool/NAME/stats      each of this module's, as the registry shows
                               every module's (MODULE/NAME/stats)
  rust_mempool_obj/stats       the module-lifetime cache
  rust_mempool_req/stats       the cache behind the pool
  rust_mempool_req_pool/stats  the pool (16 elements in reserve)
  rust_mempool_buf_pool/stats  a pool of 512-byte kmalloc buffers (8 in reserve)
  rust_mempool_page_pool/stats a pool of pages (4 in reserve)
  */control                    write commands: alloc N, free N, reset;
                               resize N on the pools, e.g.
                               echo 'alloc 5' > $D/rust_mempool_req_pool/control
Also: /proc/slabinfo, dmesg, rmmod rust_mempool, insmod /modules/rust_mempool.ko
Leave with 'exit' or Ctrl-D: the guest powers off and its log is checked.

BANNER
	# A shell with a controlling terminal, so that Ctrl-C reaches its jobs.
	# How an interactive session ends is no verdict: only the unload below is.
	setsid cttyhack sh -l
	rc=0
fi
if grep -q '^rust_mempool ' /proc/modules; then
	rmmod rust_mempool || rc=1
fi
exit $rc
