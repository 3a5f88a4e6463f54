#!/bin/sh
# make stress inside the guest: rust_mempool.ko loaded, then
# rust_mempool_stress.ko, whose init runs every CPU at random for
# rmp.duration seconds with failslab failing rmp.faults percent of the
# allocations of its caches, while root writes random commands and bytes to
# rust_mempool.ko's control files and reads every stats file. Prints the
# stress test's results and table, and the fuzzer's counts.
. /selftests/lib.sh

secs=$(sed -n 's/.*rmp\.duration=\([0-9]*\).*/\1/p' /proc/cmdline)
faults=$(sed -n 's/.*rmp\.faults=\([0-9]*\).*/\1/p' /proc/cmdline)
F=/sys/kernel/debug/failslab
echo Y >$F/cache-filter
echo N >$F/ignore-gfp-wait
echo 1 >$F/interval
echo -1 >$F/times
echo 0 >$F/verbose
echo "${faults:-10}" >$F/probability

insmod $MOD || { echo "not ok - stress: insmod rust_mempool"; exit 1; }
dmesg -c >/dev/null

# One writer of random commands and bytes to the control files, one reader.
fuzz() {
	n=0
	bad=0
	while [ ! -e /tmp/stress.done ]; do
		for ctl in $DBG/*/control; do
			case $((RANDOM % 8)) in
			0) cmd="alloc $((RANDOM % 40 + 1))" ;;
			1) cmd="free $((RANDOM % 40 + 1))" ;;
			2) cmd="reset" ;;
			3) cmd="resize $((RANDOM % 64 + 1))" ;;
			*) cmd=$(head -c $((RANDOM % 96)) /dev/urandom | tr -d '\000') ;;
			esac
			printf '%s' "$cmd" >"$ctl" 2>/dev/null || bad=$((bad + 1))
			n=$((n + 1))
		done
	done
	echo "$n $bad" >/tmp/stress.fuzz
}
fuzz &
fuzzer=$!
(while [ ! -e /tmp/stress.done ]; do
	cat $DBG/summary $DBG/*/stats $DBG/*/*/stats >/dev/null 2>&1
done) &
reader=$!

echo "### stress: ${secs:-600} s, failslab ${faults:-10}% on the stress caches"
insmod /modules/rust_mempool_stress.ko seconds="${secs:-600}"
rc=$?
touch /tmp/stress.done
wait $fuzzer $reader
echo 0 >$F/probability
dmesg | sed -n 's/^.*rmp-stress: //p'
read -r writes refused </tmp/stress.fuzz
echo "# control-file writes $writes, refused $refused"
[ "$rc" = 0 ] || echo "not ok - stress: insmod rust_mempool_stress (the stress test failed)"
rmmod rust_mempool_stress
# What the fuzzer left held goes with the module.
rmmod rust_mempool || echo "not ok - stress: rmmod rust_mempool"
check "stress: no stress cache left in /proc/slabinfo" eval '! grep -q "^rmp_stress" /proc/slabinfo'
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak || true)
	expect_eq "stress: kmemleak finds no leak" 0 "$leaks"
fi
! dmesg | sed -n 's/^.*rmp-stress: //p' | grep -q '^not ok'
