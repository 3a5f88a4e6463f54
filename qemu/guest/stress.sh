#!/bin/sh
# make stress inside the guest (stress.sh [SECONDS RATES]: make test's short
# version passes both, make stress gives them on the kernel command line).
# SECONDS are shared by one run of rust_mempool_stress.ko per fault rate of
# RATES (percentages), one run under memory pressure and one of the fuzzer
# with rust_mempool.ko unloaded and loaded again meanwhile:
#   - each rate: failslab fails that share of the stress caches' allocations
#     and, where the kernel has it (7.x), fail_mempool_alloc that share of the
#     stress workers' pool allocations;
#   - pressure: the workers' sleeping allocations are GFP_NOIO ones while
#     rmp-eat takes the guest's memory until the OOM killer kills it, again
#     and again;
#   - meanwhile rmp-fuzz writes random commands and bytes to rust_mempool.ko's
#     control files and reads every stats file;
#   - fuzz: rmp-fuzz alone, more readers, while rust_mempool.ko is unloaded
#     and loaded again, then on one instance whose counters must then agree.
# Prints each run's results, then one table for the whole run.
. /selftests/lib.sh

secs=${1:-$(sed -n 's/.*rmp\.duration=\([0-9]*\).*/\1/p' /proc/cmdline)}
secs=${secs:-600}
rates=${2:-$(sed -n 's/.*rmp\.faults=\([0-9,]*\).*/\1/p' /proc/cmdline | tr ',' ' ')}
# Under make test, selftests/run.sh checks kmemleak once all tests ran.
leakcheck=1
[ -z "$1" ] || leakcheck=0
[ -n "$rates" ] || rates="1 10 50 100"
set -- $rates
each=$(((secs + $# + 1) / ($# + 2)))
uptime_s() { cut -d. -f1 /proc/uptime; }
started=$(uptime_s)

F=/sys/kernel/debug/failslab
M=/sys/kernel/debug/fail_mempool_alloc
# A fault attribute's "times" counts down on every fault it injects: set
# high, what is left says how many it injected.
LOTS=1000000000
arm() {
	echo 1 >"$1/interval"
	echo 0 >"$1/verbose"
	echo 0 >"$1/space"
	echo $LOTS >"$1/times"
	echo "$2" >"$1/probability"
}
disarm() { echo 0 >"$1/probability"; echo $((LOTS - $(cat "$1/times"))); }
echo Y >$F/cache-filter
echo N >$F/ignore-gfp-wait
# fail_mempool_alloc fails only tasks that ask for it: the stress workers
# (selftests/kernel/threads.c), not the fuzzer, not the kernel's own.
[ ! -d $M ] || echo Y >$M/task-filter
# The OOM killer is for rmp-eat alone.
echo -1000 >/proc/$$/oom_score_adj

# The kernel's reports in the log since the last call (check-log.sh's list;
# the host counts them again in the serial log, where none can be lost).
reports=0
count_reports() {
	reports=$((reports + $(dmesg -c | grep -cEf /guest/kernel-reports.ere)))
}

rm -f /tmp/stress.done /tmp/stress.results /tmp/stress.totals /tmp/fuzz.* /tmp/eat.stop
# Only what the stress test leaks counts, not what boot left.
[ "$leakcheck" = 0 ] || [ ! -e /sys/kernel/debug/kmemleak ] || echo clear >/sys/kernel/debug/kmemleak
insmod $MOD || { echo "not ok - stress: insmod rust_mempool"; exit 1; }
count_reports

# While the stress module runs: six writers, one reader. The stress module's
# four kthreads share the two CPUs with them, and fewer writers would not
# reach 100,000 writes in ten minutes on the 7.3 debug kernel (93,369 with two).
rmp-fuzz $DBG 100000 6 1 /tmp/stress.done >/tmp/fuzz.during &
fuzzer=$!

rc=0 inj_slab=0 inj_pool=0
# stress NAME RATE NOIO: one run of the stress module.
stress() {
	arm $F "$2"
	[ ! -d $M ] || arm $M "$2"
	insmod /modules/rust_mempool_stress.ko seconds="$each" noio="$3" || rc=1
	inj_slab=$((inj_slab + $(disarm $F)))
	[ ! -d $M ] || inj_pool=$((inj_pool + $(disarm $M)))
	dmesg | sed -n "s/^.*rmp-stress: totals /run=$1 /p" >>/tmp/stress.totals
	dmesg | sed -n 's/^.*rmp-stress: //p' | grep -v '^totals' |
		sed "s/^\(not ok\|ok\) - stress: /\1 - stress $1: /" | tee -a /tmp/stress.results
	count_reports
	rmmod rust_mempool_stress || echo "not ok - stress $1: rmmod rust_mempool_stress" | tee -a /tmp/stress.results
}

for rate in $rates; do
	echo "### stress: $each s, failslab$([ ! -d $M ] || echo ' and fail_mempool_alloc') at $rate%"
	stress "$rate%" "$rate" 0
done

echo "### stress: $each s, GFP_NOIO while rmp-eat takes the memory (the OOM killer kills it)"
# tinyconfig has no /proc/vmstat oom_kill: the loop counts the deaths of
# rmp-eat by SIGKILL, which only the OOM killer sends it.
rm -f /tmp/eat.kills
touch /tmp/eat.kills
# All but 64 MiB of what is free is taken and held (by the OOM killer's
# second choice), so that each rmp-eat runs memory out in seconds: the
# pressure lasts the whole run.
rm -f /tmp/eat.held
hold=$(($(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) / 1024 - 64))
[ $hold -ge 0 ] || hold=0
rmp-eat $hold >/tmp/eat.held &
hog=$!
waited=0
while [ ! -s /tmp/eat.held ] && [ $waited -lt 300 ]; do
	sleep 1
	waited=$((waited + 1))
done
echo "# pressure: all but 64 MiB taken in $waited s"
(while [ ! -e /tmp/eat.stop ]; do
	rmp-eat
	[ $? != 137 ] || echo >>/tmp/eat.kills
done) >/dev/null 2>&1 &
eater=$!
oom_kills() { wc -l </tmp/eat.kills; }
# The run starts once memory has run out: the OOM killer has killed rmp-eat
# once (within five minutes), and a new one is eating again.
waited=0
while [ "$(oom_kills)" = 0 ] && [ $waited -lt 300 ]; do
	sleep 1
	waited=$((waited + 1))
done
echo "# pressure: the first OOM kill after $waited s"
stress pressure 0 1
touch /tmp/eat.stop
oom=$(oom_kills)
# The loop first, so that it starts no rmp-eat after the last is killed.
kill $eater
killall rmp-eat 2>/dev/null
wait $eater $hog
echo "# pressure: the OOM killer ran $oom times"
check "stress pressure: the OOM killer ran" [ "$oom" -gt 0 ] |
	tee -a /tmp/stress.results

touch /tmp/stress.done
wait $fuzzer
fuzz_ok=$?

echo "### stress: $each s, rmp-fuzz (six writers, two readers) while rust_mempool.ko is unloaded and loaded again"
rmp-fuzz $DBG "$each" 6 2 /tmp/fuzz.stop >/tmp/fuzz.reload &
fuzzer=$!
reloads=0
# The first third of the run unloads and loads again (paused most of the
# time); the rest fuzzes one instance, whose counters are checked.
third=$((each / 3))
[ "$third" -gt 0 ] || third=1
end=$(($(uptime_s) + third))
while [ "$(uptime_s)" -lt "$end" ]; do
	sleep 1
	# An open file keeps the module loaded: while the pause file exists the
	# fuzzers only open and close, and rmmod is tried until it gets through.
	touch /tmp/fuzz.stop.pause
	tries=0
	until rmmod rust_mempool 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -lt 400 ] || break
		usleep 20000
	done
	if [ $tries = 400 ]; then
		echo "not ok - stress fuzz: rmmod rust_mempool while the fuzzer runs" | tee -a /tmp/stress.results
		break
	fi
	if ! insmod $MOD; then
		echo "not ok - stress fuzz: insmod rust_mempool while the fuzzer runs" | tee -a /tmp/stress.results
		break
	fi
	rm -f /tmp/fuzz.stop.pause
	reloads=$((reloads + 1))
done
rm -f /tmp/fuzz.stop.pause
# The fuzzer ends by itself, at the end of the run.
wait $fuzzer
fuzz_ok=$((fuzz_ok + $?))
echo "# fuzz: rust_mempool.ko unloaded and loaded again $reloads times while rmp-fuzz ran"
check "stress fuzz: rust_mempool.ko unloaded and loaded again under the fuzzer" [ $reloads -gt 0 ] |
	tee -a /tmp/stress.results
loaded || insmod $MOD
count_reports

# What follows is judged with the runs' results.
{
	cat /tmp/fuzz.during /tmp/fuzz.reload | sed 's/^/# /'
	check "stress: rmp-fuzz saw no short write, no bad input taken, no I/O error" [ "$fuzz_ok" = 0 ]
	# Quiet now: each control file's counters agree with what it holds, and
	# giving everything back empties it and fills every reserve.
	for ctl in $DBG/*/control; do
		d=${ctl%/control}
		n=${d##*/}
		a=$(stat_of $d/stats allocs) f=$(stat_of $d/stats frees)
		l=$(stat_of $d/stats live) h=$(stat_of $d/stats held)
		check "stress fuzz: $n: live = allocs - frees = held ($a - $f, $l, $h)" \
			eval '[ $((a - f)) = "$l" ] && [ "$l" = "$h" ]'
		echo reset >"$ctl"
		expect_eq "stress fuzz: $n: reset gives every element back" "live=0 held=0" \
			"$(stats_line $d/stats live held)"
		if [ -n "$(stat_of $d/stats min_nr)" ]; then
			expect_eq "stress fuzz: $n: reserve full" "$(stat_of $d/stats min_nr)" "$(stat_of $d/stats reserve)"
		fi
	done

	[ "$rc" = 0 ] || echo "not ok - stress: insmod rust_mempool_stress"
	# What the fuzzer left held goes with the module.
	rmmod rust_mempool || echo "not ok - stress: rmmod rust_mempool"
	check "stress: no stress cache left in /proc/slabinfo" eval '! grep -q "^rmp_stress" /proc/slabinfo'

	# make stress only: load and unload rust_mempool.ko (and the example driver)
	# rmp.cycles times, with caches and pools in use in between; then none of
	# their caches is left, and slab memory is back within 2 MiB of where it was.
	cycles=$(sed -n 's/.*rmp\.cycles=\([0-9]*\).*/\1/p' /proc/cmdline)
	cycled=0
	if [ "$leakcheck" = 1 ] && [ "${cycles:-0}" -gt 0 ]; then
		slab() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
		before=$(slab)
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
	count_reports
	if [ "$leakcheck" = 1 ] && [ -e /sys/kernel/debug/kmemleak ]; then
		echo scan >/sys/kernel/debug/kmemleak
		leaks=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak || true)
		expect_eq "stress: kmemleak finds no leak" 0 "$leaks"
	fi

	# The whole run in one table: the stress module's totals per run (the
	# last run is the pressure one), the fuzzers' counts.
	sum() {
		awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2 && kv[1] == k) s += kv[2] }
			END { print s + 0 }' ${2:-/tmp/stress.totals}
	}
	fz() { cat /tmp/fuzz.during /tmp/fuzz.reload | awk -v k="$1" \
		'{ for (i = 2; i < NF; i++) if ($i == k) s += $(i + 1) } END { print s + 0 }'; }
	grep '^run=pressure ' /tmp/stress.totals >/tmp/stress.pressure
	expect_eq "stress: every run logged its totals" "$(($# + 1))" "$(wc -l </tmp/stress.totals)"
	lost=$(sum lost)
	took=$(($(uptime_s) - started))
	[ -d $M ] && inj_pool="fail_mempool_alloc $inj_pool" || inj_pool="(no fail_mempool_alloc in this kernel)"
	row() { printf '# %-18s %s\n' "$1" "$2"; }
	echo "# ---- make stress: the whole run ----"
	row "duration" "$((took / 60)):$(printf %02d $((took % 60))) ($secs s of stress in $(($# + 2)) runs of $each s)"
	row "operations" "cache $(sum cache), static cache $(sum static), bulk $(sum bulk) objects,"
	row "" "typed pool $(sum pool), kmalloc pool $(sum kmalloc), page pool $(sum page);"
	row "" "timer ticks $(sum ticks), handed between CPUs $(sum handed), pool resizes $(sum resizes)"
	row "faults injected" "failslab $inj_slab, $inj_pool, at $(echo $rates | sed 's/ /%, /g')%"
	row "faults met" "$(sum failed) allocations failed, $(sum emergency) served from a reserve, $(sum waits) waited"
	row "memory pressure" "$oom OOM kills; pools: $(sum emergency /tmp/stress.pressure) from the reserve, $(sum waits /tmp/stress.pressure) waited"
	row "bad inputs tried" "$(fz writes) writes ($(fz refused) refused), $(fz reads) reads, $(fz gone) opens of removed files,"
	row "" "$reloads unloads and loads under the fuzzer"
	row "load cycles" "$cycled"
	row "objects lost" "$lost"
	row "reports" "$reports"
	expect_eq "stress: no object lost" 0 "$lost"
	expect_eq "stress: no kernel report" 0 "$reports"
	if [ "$secs" -ge 600 ]; then
		check "stress: at least 100,000 control-file writes ($(fz writes))" [ "$(fz writes)" -ge 100000 ]
	fi
} 2>&1 | tee -a /tmp/stress.results
! grep -q '^not ok' /tmp/stress.results
