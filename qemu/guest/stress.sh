#!/bin/sh
# make stress inside the guest (stress.sh [SECONDS RATES]: make test's short
# version passes both, make stress gives them on the kernel command line):
# rust_mempool.ko loaded, then
# rust_mempool_stress.ko once per failslab rate of rmp.faults (percentages,
# comma-separated), whose init runs every CPU at random for its share of
# rmp.duration seconds with failslab failing that share of the allocations
# of its caches, while root writes random commands and bytes to
# rust_mempool.ko's control files and reads every stats file. Prints each
# run's results and table, and the fuzzer's counts.
. /selftests/lib.sh

secs=${1:-$(sed -n 's/.*rmp\.duration=\([0-9]*\).*/\1/p' /proc/cmdline)}
rates=${2:-$(sed -n 's/.*rmp\.faults=\([0-9,]*\).*/\1/p' /proc/cmdline | tr ',' ' ')}
# Under make test, selftests/run.sh checks kmemleak once all tests ran.
leakcheck=1
[ -z "$1" ] || leakcheck=0
[ -n "$rates" ] || rates="1 10 50 100"
set -- $rates
each=$(((${secs:-600} + $# - 1) / $#))
F=/sys/kernel/debug/failslab
echo Y >$F/cache-filter
echo N >$F/ignore-gfp-wait
echo 1 >$F/interval
echo -1 >$F/times
echo 0 >$F/verbose

rm -f /tmp/stress.done /tmp/stress.results /tmp/stress.fuzz
# Only what the stress test leaks counts, not what boot left.
[ "$leakcheck" = 0 ] || [ ! -e /sys/kernel/debug/kmemleak ] || echo clear >/sys/kernel/debug/kmemleak
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

rc=0
for rate in $rates; do
	echo "### stress: $each s, failslab $rate% on the stress caches"
	echo "$rate" >$F/probability
	dmesg -c >/dev/null
	insmod /modules/rust_mempool_stress.ko seconds="$each" || rc=1
	echo 0 >$F/probability
	dmesg | sed -n 's/^.*rmp-stress: //p' |
		sed "s/^\(not ok\|ok\) - stress: /\1 - stress $rate%: /" | tee -a /tmp/stress.results
	rmmod rust_mempool_stress
done
touch /tmp/stress.done
wait $fuzzer $reader
# What follows is judged with the runs' results.
{
	read -r writes refused </tmp/stress.fuzz
	echo "# control-file writes $writes, refused $refused"
	[ "$rc" = 0 ] || echo "not ok - stress: insmod rust_mempool_stress"
	# What the fuzzer left held goes with the module.
	rmmod rust_mempool || echo "not ok - stress: rmmod rust_mempool"
	check "stress: no stress cache left in /proc/slabinfo" eval '! grep -q "^rmp_stress" /proc/slabinfo'

	# make stress only: load and unload rust_mempool.ko (and the example driver)
	# rmp.cycles times, with caches and pools in use in between; then none of
	# their caches is left, and slab memory is back within 2 MiB of where it was.
	cycles=$(sed -n 's/.*rmp\.cycles=\([0-9]*\).*/\1/p' /proc/cmdline)
	if [ "$leakcheck" = 1 ] && [ "${cycles:-0}" -gt 0 ]; then
		slab() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
		before=$(slab)
		cycled=0
		while [ $cycled -lt "$cycles" ]; do
			insmod $MOD || break
			insmod /modules/rust_mempool_consumer.ko || break
			for ctl in $DBG/*/control; do echo "alloc 3" >"$ctl" || break 2; done
			echo "free 1" >$DBG/rust_mempool_obj/control
			cat $DBG/summary $DBG/*/*/stats >/dev/null
			rmmod rust_mempool_consumer || break
			rmmod rust_mempool || break
			cycled=$((cycled + 1))
		done
		after=$(slab)
		expect_eq "stress: $cycles load and unload cycles with caches and pools in use" "$cycles" "$cycled"
		check "stress: no cache of the modules left in /proc/slabinfo" \
			eval '! grep -qE "^(rust_mempool|consumer_)" /proc/slabinfo'
		echo "# Slab: ${before} kB before the cycles, ${after} kB after"
		check "stress: slab memory back within 2048 kB (${before} kB, then ${after} kB)" \
			eval '[ $((after - before)) -le 2048 ]'
	fi
	if [ "$leakcheck" = 1 ] && [ -e /sys/kernel/debug/kmemleak ]; then
		echo scan >/sys/kernel/debug/kmemleak
		leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak || true)
		expect_eq "stress: kmemleak finds no leak" 0 "$leaks"
	fi
} 2>&1 | tee -a /tmp/stress.results
! grep -q '^not ok' /tmp/stress.results
