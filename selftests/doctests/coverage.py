#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks that every public function, type and macro of slab/ and mempool/ has an
example in its documentation (a ``` block, which extract.py turns into a test).

Public means `pub` (not `pub(crate)`), not `#[doc(hidden)]` and not inside the hidden
`macro_deps` module or a private `mod private` (the sealed-trait pattern, whose trait no
one outside can name); `#[macro_export]` macros count too. Prints one TAP line.

Usage: coverage.py ROOT
"""
import pathlib
import re
import sys

ITEM = re.compile(r"^\s*pub (?:const |unsafe )*(fn|struct|enum|trait|type) (\w+)")
MACRO = re.compile(r"^\s*macro_rules! (\w+)")


def items(path):
    """Yields (line, kind, name, has_example) for each public item of path."""
    lines = path.read_text().splitlines()
    hidden_depth = None
    for n, line in enumerate(lines):
        if re.match(r"^\s*(pub mod macro_deps|mod private)\b", line):
            hidden_depth = n
        if hidden_depth is not None:
            if line.startswith("}"):
                hidden_depth = None
            continue
        m = ITEM.match(line)
        kind = name = None
        if m:
            kind, name = m.groups()
        else:
            m = MACRO.match(line)
            if m:
                kind, name = "macro", m.group(1)
        if not kind:
            continue
        doc, i = [], n - 1
        while i >= 0 and re.match(r"^\s*(///|#\[)", lines[i]):
            doc.append(lines[i].strip())
            i -= 1
        if kind == "macro" and "#[macro_export]" not in doc:
            continue
        if "#[doc(hidden)]" in doc:
            continue
        yield n + 1, kind, name, any(d.startswith("/// ```") for d in doc)


def main():
    root = pathlib.Path(sys.argv[1])
    total, missing = 0, []
    for src in ("slab", "mempool"):
        for path in sorted((root / src).glob("*.rs")):
            for line, kind, name, ok in items(path):
                total += 1
                if not ok:
                    missing.append(f"{path.relative_to(root)}:{line}: {kind} {name}")
    if missing:
        print(f"not ok - docs: {len(missing)} of the {total} public items of slab/ and "
              "mempool/ have no example")
        for m in missing:
            print(f"# {m}")
    else:
        print(f"ok - docs: all {total} public functions, types and macros of slab/ and "
              "mempool/ have an example")


if __name__ == "__main__":
    main()
