#!/usr/bin/env bash
# kunit-parse.sh LOG LABEL "PASSED FAILED SKIPPED": whether the kernel's own
# KTAP parser (tools/testing/kunit/kunit_parser.py of this kernel's sources,
# what "kunit.py parse LOG" runs) reads the whole serial log LOG as
# check-log.sh did, whose counts of test cases are the third argument. Prints
# one TAP line: ok if its passed, failed and skipped counts equal those, with
# nothing crashed and no parse errors; not ok with both counts otherwise.
source "$(dirname "$0")/lib.sh"

log=$1 label=$2 ours=$3
tools=$(unpack_source)/tools/testing/kunit
# The parser module rather than kunit.py parse: its counts come whole (the
# summary line leaves out the zeros), and no output needs parsing. Its
# progress goes nowhere: 6.12's printer writes to the sys.stdout of import
# time, 7.x's takes a null printer.
# A misplaced plan line sends it round one loop for ever (6.12 and 7.3):
# a minute is plenty, it reads a good log in a second.
if ! theirs=$(timeout 60 python3 - "$tools" "$log" <<'PY' 2>&1
import inspect, os, sys
sys.path.insert(0, sys.argv[1])
out, sys.stdout = sys.stdout, open(os.devnull, 'w')
import kunit_parser
with open(sys.argv[2], errors='backslashreplace') as f:
    lines = f.read().splitlines()
if 'printer' in inspect.signature(kunit_parser.parse_run_tests).parameters:
    import kunit_printer
    test = kunit_parser.parse_run_tests(lines, kunit_printer.null_printer)
else:
    test = kunit_parser.parse_run_tests(lines)
c = test.counts
print(c.passed, c.failed, c.skipped, c.crashed, c.errors, file=out)
PY
); then
	echo "not ok - $label: kunit.py's parser failed on the serial log (or took over a minute)"
	echo "$theirs" | tail -n 5 | sed 's/^/# /'
	exit 0
fi
read -r p f s crashed errors <<<"$theirs"
if [ "$p $f $s" = "$ours" ] && [ "$crashed" = 0 ] && [ "$errors" = 0 ]; then
	echo "ok - $label: kunit.py reads the serial log, counts equal ($p passed, $f failed, $s skipped)"
else
	read -r op of os <<<"$ours"
	echo "not ok - $label: kunit.py's parser does not count the serial log as we do"
	echo "#   kunit.py: $p passed, $f failed, $s skipped, $crashed crashed, $errors parse errors"
	echo "#   ours:     $op passed, $of failed, $os skipped"
fi
