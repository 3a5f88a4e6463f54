#!/usr/bin/env bash
# check-log.sh LOG FLAVOUR: judge one guest run from its serial log. Prints
# one TAP line per test case (each prefixed by the flavour and the names of
# the subtests it is in), a "not ok" line for every kernel report, for a
# guest that did not finish and for a KTAP document whose plans and numbers
# do not hold, then "# ktap: passed failed skipped" of the document's test
# cases alone (what kunit.py must count too), and finally the counts of
# everything as "passed failed skipped" on the last line, for harness.sh
# to add.
set -euo pipefail
log=$1 flavour=$2
# What the kernel says when something is wrong: one extended regular
# expression on one line, shared with the guest's stress test. Without it
# no report would be found, so the run fails.
ere=$(dirname "$0")/guest/kernel-reports.ere
if [ ! -r "$ere" ] || [ "$(grep -c . "$ere")" != 1 ] || [ "$(wc -l <"$ere")" != 1 ]; then
	echo "not ok - $flavour: kernel reports cannot be checked: $ere is not one line"
	echo "# ktap: 0 0 0"
	echo "0 1 0"
	exit 0
fi
RMP_REPORTS=$(cat "$ere")
export RMP_REPORTS

awk -v fl="$flavour" '
function indent() { match($0, /^ */); return RLENGTH }
function bad(why) { failed++; print "not ok - " fl ": KTAP: " why }
# The KTAP document of the guest runner (selftests/run.sh) starts at its
# version line at column 0; its lines are at column 0 or indented by four
# spaces per level of subtest. Kernel lines carry a "[ time]" prefix, so they
# cannot be taken for its lines.
!started && /^KTAP version [0-9]+$/ { started = 1; plan[0] = -1; next }
started && /^ +KTAP version [0-9]+$/ {
	d = indent(); open[d] = 1; plan[d] = -1; got[d] = 0; name[d] = ""
	next
}
started && /^ *# Subtest: / { d = indent(); name[d] = substr($0, d + 12); next }
started && /^ *1\.\.[0-9]+$/ { d = indent(); plan[d] = substr($0, d + 4) + 0; next }
# A result closes the subtest one level deeper, if one is open: that of a
# suite or script, which is not a test case. Any other is one.
started && /^ *(not )?ok [0-9]+( |$)/ {
	d = indent(); line = substr($0, d + 1)
	num = line; sub(/^(not )?ok /, "", num); num += 0
	sub(/^(not )?ok [0-9]+ ?(- )?/, "", line)
	got[d]++
	path = ""
	for (k = 4; k <= d; k += 4) path = path name[k] ": "
	if (num != got[d]) bad(path line ": numbered " num ", expected " got[d])
	if (open[d + 4]) {
		if (plan[d + 4] != got[d + 4]) bad(path name[d + 4] ": planned " plan[d + 4] " results, got " got[d + 4])
		delete open[d + 4]
		next
	}
	# A SKIP directive makes a skip of "ok" and "not ok" alike, as in KTAP.
	if ($0 ~ / # SKIP/) { skipped++; kskipped++; print "ok - " fl ": " path line }
	else if ($0 ~ /^ *ok /) { passed++; kpassed++; print "ok - " fl ": " path line }
	else { failed++; kfailed++; print "not ok - " fl ": " path line }
	next
}
/^RMP-DONE rc=/ { done = 1; rc = substr($0, 13) + 0 }
# What the kernel says when something is wrong, whatever the test said.
$0 ~ ENVIRON["RMP_REPORTS"] {
	finding = $0; sub(/^\[[^]]*\] */, "", finding)
	if (!(finding in seen)) {
		seen[finding] = 1; failed++
		print "not ok - " fl ": kernel reported: " finding
	}
}
END {
	if (!done) { failed++; print "not ok - " fl ": guest did not finish (no RMP-DONE line)" }
	else if (rc != 0 && passed + failed + skipped == 0) {
		failed++; print "not ok - " fl ": guest exited " rc " with no results"
	}
	# (Only make test guests print a document; the other modes take only the
	# lines above from here.)
	else if (!started) { failed++; print "not ok - " fl ": no KTAP document in the log" }
	else if (plan[0] != got[0]) bad("planned " plan[0] " results, got " got[0])
	print "# ktap:", kpassed + 0, kfailed + 0, kskipped + 0
	print passed + 0, failed + 0, skipped + 0
}' "$log"
