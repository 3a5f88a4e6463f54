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
