#!/bin/sh
# Guest test runner: runs every selftests/test_*.sh, checks kmemleak where
# built in, and prints one KTAP document (Documentation/dev-tools/ktap.rst)
# for the whole run, which qemu/check-log.sh and the kernel's kunit.py both
# read from the serial log:
#
#   KTAP version 1
#   1..9
#       KTAP version 1
#       # Subtest: kunit                     boot's KUnit results, if any ran
#       1..1
#           KTAP version 1
#           # Subtest: rust_doctests_kernel
#           ...
#       ok 1 rust_doctests_kernel
#   ok 1 kunit
#       KTAP version 1
#       # Subtest: test_debugfs_input.sh     one subtest per test script
#       1..35
#       ok 1 input: empty line -> EINVAL
#       ...
#   ok 2 test_debugfs_input.sh
#   ...
#   ok 9 kmemleak: no leaks after the tests
#
# A test script prints "ok - NAME", "not ok - NAME" or "ok - NAME # SKIP
# why" lines at column 0: its results, numbered here. Lines indented by four
# spaces in KTAP syntax are subtests of its own (test_kernel.sh: the
# in-kernel suites), each closed by its next result, and are passed on; any
# other line is a diagnostic. A script that exits non-zero after printing no
# "not ok" gets one of its own, and one that prints no result fails, so a
# crash cannot pass.
#
# Only these lines are at column 0 or indented by spaces: the kernel's lines
# on the console start with their "[ time]", which parsers take for unknown
# lines, and whose results (boot's KUnit at KERN_INFO) stay below the
# console's loglevel (qemu/boot.sh), so that the first version line on the
# console is this document's.
cd /selftests
leaks=/sys/kernel/debug/kmemleak

# boot_kunit N: the KTAP document KUnit printed in the kernel log at boot
# (e.g. the kernel crate's doctests on the debug kernel), as subtest N
# "kunit" of this document; nothing if no suite ran (the base kernel prints
# an empty plan). Exit status 1 if it failed. Its top level becomes the
# subtest's; other kernel messages within it become diagnostics. A suite
# without the document's head (the log wrapped) is a failure, not silence.
boot_kunit() {
	dmesg | sed 's/^\[[^]]*\] //' | awk -v num="$1" '
	!head && /^ *# Subtest: / { lost = 1 }
	!head && /^KTAP version [0-9]+$/ { head = 1; next }
	head == 1 && /^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; head = 2; next }
	head != 2 || got == plan { next }
	/^not ok [0-9]+ / { failed = 1 }
	/^(not )?ok [0-9]+ / { got++ }
	/^ *(KTAP version [0-9]+|1\.\.[0-9]+|(not )?ok [0-9]+ .*|# .*)$/ { out[++n] = "    " $0; next }
	{ out[++n] = "    # " $0 }
	END {
		if (!plan && !lost) exit 2
		print "    KTAP version 1"
		print "    # Subtest: kunit"
		if (plan && got == plan) {
			print "    1.." plan
			for (i = 1; i <= n; i++) print out[i]
		} else {
			# Lost from the log, or cut short: no results to trust.
			print "    1..1"
			for (i = 1; i <= n; i++) print "    #" out[i]
			print "    not ok 1 boot KUnit results incomplete in the kernel log (" got + 0 " of " plan + 0 ")"
			failed = 1
		}
		result = failed ? "not ok" : "ok"
		print result " " num " kunit"
		exit failed
	}'
}

# subtest N NAME RC: the output of test script NAME (on stdin), which exited
# RC, as subtest N. Exit status 1 if it failed.
subtest() {
	awk -v num="$1" -v name="$2" -v rc="$3" '
	/^(not )?ok - / {
		line = $0
		if (line ~ /^not /) failed = 1
		else if (line !~ / # SKIP/) passed = 1
		got++
		sub(/ - /, " " got " ", line)
		out[++n] = "    " line
		next
	}
	/^    +(KTAP version [0-9]+|1\.\.[0-9]+|(not )?ok [0-9]+ .*|# .*)$/ { out[++n] = "    " $0; next }
	{ out[++n] = "    # " $0 }
	END {
		if (rc != 0 && !failed) { got++; out[++n] = "    not ok " got " " name ": exited " rc; failed = 1 }
		if (!got) { got++; out[++n] = "    not ok " got " " name ": printed no result"; failed = 1 }
		print "    KTAP version 1"
		print "    # Subtest: " name
		print "    1.." got
		for (i = 1; i <= n; i++) print out[i]
		result = failed ? "not ok" : "ok"
		# All skipped: the script skipped, as KUnit says of a suite.
		skip = failed || passed ? "" : " # SKIP"
		print result " " num " " name skip
		exit failed
	}'
}

# The plan: boot's KUnit (read before any test clears the kernel log), each
# script, kmemleak.
kunit=$(boot_kunit 1)
[ $? -eq 2 ] && kunit=
set -- test_*.sh
plan=$#
[ -n "$kunit" ] && plan=$((plan + 1))
[ -w $leaks ] && plan=$((plan + 1))
echo "KTAP version 1"
echo "1..$plan"
n=0
fails=0
if [ -n "$kunit" ]; then
	n=1
	echo "$kunit"
	echo "$kunit" | tail -n 1 | grep -q '^not ok' && fails=$((fails + 1))
fi

# kmemleak, where built in: forget what boot left, so that only leaks of
# the tests are reported at the end.
[ -w $leaks ] && echo clear >$leaks

for t in test_*.sh; do
	n=$((n + 1))
	# Through a shell of its own, whose "Killed" (or the like) for a script
	# that a signal ended lands among the script's diagnostics, not loose on
	# the console.
	out=$(sh -c 'sh "./$1"; exit $?' sh "$t" 2>&1)
	rc=$?
	echo "$out" | subtest $n "$t" $rc || fails=$((fails + 1))
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
		echo "$report" | sed 's/^/# /'
		echo "not ok $n kmemleak: leaks after the tests"
	fi
fi
[ $fails -eq 0 ]
