# Helpers for the selftests. Sourced by each test_*.sh.

MOD=/modules/rust_mempool.ko
DBG=/sys/kernel/debug/rust_mempool

# check NAME CMD...: one result line, ok if CMD succeeds.
check() {
	name=$1
	shift
	if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}

# expect_eq NAME WANT GOT: one result line; prints both values on mismatch.
expect_eq() {
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		echo "  want: $2"
		echo "  got:  $3"
	fi
}

# loaded: is rust_mempool in the module list?
loaded() { grep -q '^rust_mempool ' /proc/modules; }

# write_err FILE BYTES: writes BYTES (printf format) to FILE in one write and
# prints the error name it got: OK, EINVAL, E2BIG, ENOMEM, EPERM or the message.
write_err() {
	# dd makes a single write() of what it read from the pipe (at most 4 KiB
	# arrive in one read) and, unlike the printf builtin, says why it failed.
	if out=$(printf "$2" | dd of="$1" bs=4096 2>&1); then
		echo OK
	else
		errname "$out"
	fi
}

# errname MESSAGE: the errno name of a libc error message.
errname() {
	case $1 in
	*"Invalid argument"*) echo EINVAL ;;
	*"Argument list too long"*) echo E2BIG ;;
	*"Cannot allocate memory"* | *"Out of memory"*) echo ENOMEM ;;
	*"Operation not permitted"*) echo EPERM ;;
	*) echo "$1" ;;
	esac
}

# stat_of FILE KEY: the value of "KEY: value" in a stats file.
stat_of() { sed -n "s/^$2: //p" "$1"; }

# stats_line FILE KEY...: "key=value" for each KEY, on one line.
stats_line() {
	f=$1
	shift
	out=
	for k in "$@"; do out="$out $k=$(stat_of "$f" "$k")"; done
	echo "${out# }"
}

# failslab_arm: fail every allocation of caches marked in /sys/kernel/slab.
failslab_arm() {
	F=/sys/kernel/debug/failslab
	echo Y >$F/cache-filter
	echo N >$F/ignore-gfp-wait
	echo 1 >$F/interval
	echo -1 >$F/times
	echo 0 >$F/verbose
	echo 100 >$F/probability
}

# pin_one_cpu: from now on this test and what it starts run on CPU 0 only.
# Counters are exact on any CPUs, but the peak is exact only when one CPU
# does all the work (slab/stats.c): a test that expects an exact peak must
# not let the scheduler move it.
pin_one_cpu() { taskset -p 1 $$ >/dev/null; }
