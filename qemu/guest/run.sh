#!/bin/sh
# The main job inside the guest: load the module, show every stats file,
# drive the control files a little so the numbers move, show them again,
# and unload. Exit status is non-zero if any step failed.
set -e
D=/sys/kernel/debug/rust_mempool

show() {
	for f in $D/summary $D/*/stats; do
		echo "--- ${f#$D/}"
		cat "$f"
	done
}

echo "### insmod rust_mempool.ko"
insmod /modules/rust_mempool.ko
echo "### stats after loading"
show
echo "### echo 'alloc 10' > rust_mempool_obj/control; echo 'free 4' > rust_mempool_obj/control"
echo "alloc 10" >$D/rust_mempool_obj/control
echo "free 4" >$D/rust_mempool_obj/control
echo "### echo 'alloc 5' > rust_mempool_req_pool/control"
echo "alloc 5" >$D/rust_mempool_req_pool/control
echo "### echo 'alloc 3' > rust_mempool_buf_pool/control; echo 'alloc 2' > rust_mempool_page_pool/control"
echo "alloc 3" >$D/rust_mempool_buf_pool/control
echo "alloc 2" >$D/rust_mempool_page_pool/control
echo "### stats now"
show
echo "### grep rust_mempool /proc/slabinfo"
grep '^rust_mempool' /proc/slabinfo
echo "### rmmod rust_mempool (frees what the control files hold)"
rmmod rust_mempool
echo "### kernel log of the module"
dmesg | grep 'rust_mempool'
