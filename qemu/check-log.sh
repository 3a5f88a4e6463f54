#!/usr/bin/env bash
# check-log.sh LOG FLAVOUR: judge one guest run from its serial log. Prints
# one TAP line per result (each prefixed by the flavour), a "not ok" line for
# every kernel report and for a guest that did not finish, and finally the
# counts as "passed failed skipped" on the last line, for harness.sh to add.
set -euo pipefail
log=$1 flavour=$2

awk -v fl="$flavour" '
# Results of the guest runner: TAP lines at column 0. Kernel lines carry a
# "[ time]" prefix, so they cannot be taken for results.
/^ok [0-9]+ / {
	line = $0; sub(/^ok [0-9]+ /, "", line)
	if (line ~ /# SKIP/) { skipped++ } else { passed++ }
	print "ok - " fl ": " line; next
}
/^not ok [0-9]+ / {
	line = $0; sub(/^not ok [0-9]+ /, "", line)
	failed++; print "not ok - " fl ": " line; next
}
/^RMP-DONE rc=/ { done = 1; rc = substr($0, 13) + 0 }
# What the kernel says when something is wrong, whatever the test said.
/BUG: |WARNING: |Oops: |general protection fault|Kernel panic|UBSAN: |unreferenced object 0x|BUG [^ ]+ \((Not t|T)ainted|INFO: (task .* blocked|possible|rcu)|Slab cache still has objects|still has [0-9]+ objects; leaking it/ {
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
	print passed + 0, failed + 0, skipped + 0
}' "$log"
