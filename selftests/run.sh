#!/bin/sh
# Guest test runner: collects boot's KUnit results, runs every
# selftests/test_*.sh, checks kmemleak where built in, and numbers all the
# results into one TAP stream. Each test prints "ok - NAME", "not ok - NAME" or
# "ok - NAME # SKIP why" lines; a test that exits non-zero after printing no
# "not ok" gets one of its own, so a crash cannot pass.
cd /selftests
echo "TAP version 13"
n=0
fails=0
leaks=/sys/kernel/debug/kmemleak

# Results that exist before any test runs (the tests clear the kernel log).
kunit_results() {
	# KUnit results from boot, e.g. the kernel crate's doctests on the debug
	# kernel: "[ time]     ok 12 rust_doctest_kernel_..." at any nesting.
	dmesg | sed -n 's/^\[[^]]*\] *\(not ok\|ok\) [0-9]* \(rust_doctest[^ ]*\)\(.*\)$/\1 - kunit: \2\3/p'
}

# kmemleak, where built in: forget what boot left, so that only leaks of
# the tests are reported at the end.
[ -w $leaks ] && echo clear >$leaks

for t in kunit_results test_*.sh; do
	case $t in
	*.sh) out=$(sh "./$t" 2>&1) ;;
	*) out=$($t) ;;
	esac
	rc=$?
	echo "$out" | grep -v -E '^(not )?ok - ' | sed 's/^/# /'
	results=$(echo "$out" | grep -E '^(not )?ok - ')
	if [ $rc -ne 0 ] && ! echo "$results" | grep -q '^not ok'; then
		results="$results
not ok - ${t%.sh}: exited $rc"
	fi
	# Only boot's KUnit results may be absent (the base kernel has none).
	[ -z "$results" ] && [ "$t" != kunit_results ] &&
		results="not ok - ${t%.sh}: printed no result"
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		n=$((n + 1))
		case $line in
		"not ok - "*) fails=$((fails + 1)); echo "not ok $n ${line#not ok - }" ;;
		*) echo "ok $n ${line#ok - }" ;;
		esac
	done <<RESULTS
$results
RESULTS
done
if [ -w $leaks ]; then
	# kmemleak reports only objects older than 5 s; two scans settle it.
	sleep 6
	echo scan >$leaks
	echo scan >$leaks
	report=$(cat $leaks)
	n=$((n + 1))
	if [ -z "$report" ]; then
		echo "ok $n kmemleak: no leaks after the tests"
	else
		fails=$((fails + 1))
		echo "not ok $n kmemleak: leaks after the tests"
		echo "$report" | sed 's/^/# /'
	fi
fi
echo "1..$n"
[ $fails -eq 0 ]
