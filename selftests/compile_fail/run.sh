#!/usr/bin/env bash
# run.sh KDIR: proves that misuse of slab/ and mempool/ does not compile.
# Each case_*.rs holds items and a `fn body() -> Result`; this script wraps
# it in a module that includes the real sources and builds its Rust object
# against KDIR. The case's first line names the outcome:
# "// expect: E0505" (rustc must fail with that error code) or
# "// expect: ok" (must build: a control that the setup itself works).
# Prints one "ok - ..."/"not ok - ..." line per case.
source "$(dirname "$0")/../../qemu/lib.sh"

kdir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# module NAME: what every case is wrapped in.
module() {
	cat <<MODULE
//! A compile-fail case of selftests/compile_fail/run.sh.
#![allow(unused_imports)]
use kernel::{c_str, prelude::*};

#[path = "$RMP_ROOT/mempool/mod.rs"]
pub mod mempool;
#[path = "$RMP_ROOT/slab/mod.rs"]
pub mod slab;

use mempool::{Mempool, SleepFlags};
use slab::{CacheFlags, KmemCache};

module! {
    type: Case,
    name: "$1",
    license: "GPL",
}

struct Case;

impl kernel::Module for Case {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        body()?;
        Ok(Case)
    }
}

MODULE
}

# All cases in one Kbuild directory and one make -k run (each is a crate of
# its own): only the Rust objects, as type checking is what is tested, not
# linking.
objs=()
for case in "$RMP_ROOT"/selftests/compile_fail/case_*.rs; do
	name=$(basename "$case" .rs)
	{ module "$name"; cat "$case"; } >"$work/$name.rs"
	objs+=("$name.o")
done
printf 'include %s/compat.mk\nobj-m := %s\n' "$RMP_ROOT" "${objs[*]}" >"$work/Kbuild"
kmake "$kdir" M="$work" -k -j"$(nproc)" "${objs[@]}" >"$work/make.log" 2>&1 || true

# rustc names the error first ("error[E0505]: ...") and the file after
# (" --> .../case_x.rs:12:5"): the first error code that points into a
# case's file is that case's outcome.
codes=$(awk '
/^error\[E[0-9]+\]/ { code = substr($0, 7, 5); next }
/^error/ { code = "" }
/^ *--> / && code != "" {
	n = split($2, parts, "/"); file = parts[n]; sub(/\.rs:.*/, "", file)
	if (!(file in first)) { first[file] = code; print file, code }
	code = ""
}' "$work/make.log")

for case in "$RMP_ROOT"/selftests/compile_fail/case_*.rs; do
	name=$(basename "$case" .rs)
	expect=$(sed -n '1s|^// expect: ||p' "$case")
	if [ -f "$work/$name.o" ]; then
		got=ok
	else
		got=$(echo "$codes" | awk -v n="$name" '$1 == n { print $2 }')
		got=${got:-"failed without an error code"}
	fi
	if [ "$got" = "$expect" ]; then
		echo "ok - compile_fail: $name ($expect)"
	else
		echo "not ok - compile_fail: $name: want $expect, got $got"
		grep -E "^(error|warning)|$name" "$work/make.log" | head -n 5 | sed 's/^/# /'
	fi
done