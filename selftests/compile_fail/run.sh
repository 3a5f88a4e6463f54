#!/usr/bin/env bash
# run.sh KDIR: proves that misuse of slab/ and mempool/ does not compile.
# Each case_*.rs holds items and a `fn body() -> Result`; this script wraps
# it in a module that includes the real sources and builds its Rust object
# against KDIR. The case's first line names the outcome:
# "// expect: E0505" (rustc must fail with that error code) or
# "// expect: ok" (must build: a control that the setup itself works).
# Prints one "ok - ..."/"not ok - ..." line per case.
source "$(dirname "$0")/../../qemu/lib.sh"

set +e
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

for case in "$RMP_ROOT"/selftests/compile_fail/case_*.rs; do
	name=$(basename "$case" .rs)
	expect=$(sed -n '1s|^// expect: ||p' "$case")
	dir=$work/$name
	mkdir -p "$dir"
	{ module "$name"; cat "$case"; } >"$dir/$name.rs"
	printf 'include %s/compat.mk\nobj-m := %s.o\n' "$RMP_ROOT" "$name" >"$dir/Kbuild"
	# Only the Rust object: type checking is what is tested, not linking.
	if out=$(kmake "$kdir" M="$dir" "$name.o" 2>&1); then
		got=ok
	else
		got=$(echo "$out" | grep -o 'error\[E[0-9]*\]' | head -n 1 | tr -d 'error[]')
		got=${got:-"failed without an error code"}
	fi
	if [ "$got" = "$expect" ]; then
		echo "ok - compile_fail: $name ($expect)"
	else
		echo "not ok - compile_fail: $name: want $expect, got $got"
		echo "$out" | grep -E '^(error|warning)' | head -n 5 | sed 's/^/# /'
	fi
done
