#!/bin/sh
# Guest test runner: runs every selftests/test_*.sh and numbers their results
# into one TAP stream. Each test prints "ok - NAME", "not ok - NAME" or
# "ok - NAME # SKIP why" lines; a test that exits non-zero after printing no
# "not ok" gets one of its own, so a crash cannot pass.
cd /selftests
echo "TAP version 13"
n=0
fails=0
for t in test_*.sh; do
	out=$(sh "./$t" 2>&1)
	rc=$?
	echo "$out" | grep -v -E '^(not )?ok - ' | sed 's/^/# /'
	results=$(echo "$out" | grep -E '^(not )?ok - ')
	if [ $rc -ne 0 ] && ! echo "$results" | grep -q '^not ok'; then
		results="$results
not ok - ${t%.sh}: exited $rc"
	fi
	[ -z "$results" ] && results="not ok - ${t%.sh}: printed no result"
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
echo "1..$n"
[ $fails -eq 0 ]
