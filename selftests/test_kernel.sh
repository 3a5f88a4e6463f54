#!/bin/sh
# The in-kernel tests: load rust_mempool_selftests.ko, whose init runs every
# test and logs one KTAP document, each line prefixed by "rmp-ktap: "
# (selftests/kernel/ktap.rs), and pass it on to run.sh: the document's suites
# as this test's results ("ok - slab"), each after its subtest, indented.
#
# failslab is armed for the whole run but, with cache-filter, fails only
# caches marked in /sys/kernel/slab/NAME/failslab, which the failure-path
# tests mark themselves (selftests/kernel/failslab.c).
. /selftests/lib.sh

failslab_arm
# Only the tests' own tasks fail (make_it_fail, selftests/kernel/failslab.c):
# a marked kmalloc cache fails no other task's allocations, and of pages only
# blocks of MAX_PAGE_ORDER (10), which only the page pool test allocates.
echo Y >/sys/kernel/debug/failslab/task-filter
F=/sys/kernel/debug/fail_page_alloc
echo Y >$F/task-filter
echo 10 >$F/min-order
echo N >$F/ignore-gfp-wait
echo 1 >$F/interval
echo -1 >$F/times
echo 0 >$F/verbose
echo 100 >$F/probability

dmesg -c >/dev/null
# Exact peaks (see pin_one_cpu); the concurrency tests bind their threads to CPUs.
pin_one_cpu
# The library registers every cache and pool with rust_mempool.ko, whose
# exports the test module links against: it must be loaded first.
if ! insmod $MOD; then
	echo "not ok - kernel: insmod rust_mempool.ko"
	exit 1
fi
if ! insmod /modules/rust_mempool_selftests.ko; then
	echo "not ok - kernel: insmod rust_mempool_selftests.ko"
	exit 1
fi
echo 0 >/sys/kernel/debug/failslab/probability
echo N >/sys/kernel/debug/failslab/task-filter
echo 0 >$F/probability
# The module's top level (version, plan, one result per suite) becomes this
# test's; what lies between is passed on as it is. Lines at column 0 that
# are not results are the tests' own diagnostics (mempool_tests.rs), which
# belong inside the suite that runs, so they are indented like it. Only a
# document with all of its plan's results finished: otherwise each line is
# kept as a diagnostic, and the test fails.
dmesg | sed -n 's/^.*rmp-ktap: //p' | awk '
!head && /^KTAP version [0-9]+$/ { head = 1; next }
head == 1 && /^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; head = 2; next }
/^(not )?ok [0-9]+ / { got++; line = $0; sub(/ [0-9]+ /, " - ", line); out[++n] = line; next }
/^#/ { out[++n] = "    " $0; next }
{ out[++n] = $0 }
END {
	if (head == 2 && got == plan) {
		for (i = 1; i <= n; i++) print out[i]
		exit
	}
	for (i = 1; i <= n; i++) print "#" out[i]
	printf "not ok - kernel: the in-kernel tests did not finish (%d of %d suites)\n", got, plan
}'
rmmod rust_mempool_selftests || echo "not ok - kernel: rmmod rust_mempool_selftests"
rmmod rust_mempool || echo "not ok - kernel: rmmod rust_mempool"
