#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-csv.py LOG: the rows of a make bench serial log as CSV on stdout: row, bytes,
ns per operation, spread (%), ratio to the C row (%), and the targets with met/missed."""
import csv
import re
import sys

ROW = re.compile(r"^(\S.*?)\s+(\d+)\s+([\d.]+) ns/op\s+\+-([\d.]+)%\s+(?:([\d.]+)% of C|no ratio: .*?)"
                 r"((?:\s+target <= .*)?)$")


def main():
    out = csv.writer(sys.stdout)
    out.writerow(["row", "bytes", "ns_per_op", "spread_pct", "ratio_pct", "targets"])
    for line in open(sys.argv[1], errors="replace"):
        m = ROW.match(line.rstrip("\n"))
        if m:
            name, size, ns, spread, ratio, targets = m.groups()
            targets = "; ".join(t.strip() for t in targets.split("  ") if t.strip())
            out.writerow([name, size, ns, spread, ratio or "", targets])


if __name__ == "__main__":
    main()
