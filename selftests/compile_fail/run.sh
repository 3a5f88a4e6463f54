#!/usr/bin/env bash
# run.sh KDIR: proves that misuse of slab/ and mempool/ does not compile.
# Each case_*.rs holds items and a `fn body() -> Result`; this script wraps
# it in a module that includes the real sources and builds its Rust object
# against KDIR. The case's first line names the outcome:
# "// expect: E0505" (rustc must fail with that error code) or
# "// expect: ok" (must build: a control that the setup itself works).
# Prints one "ok - ..."/"not ok - ..." line per case.
#
# Then the generated bindings: the library built against a copy of its C
# must build, and must not once one prototype in the copy changes.
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

// The bindings the module build generated (bindings/library.rs): run after it.
#[path = "$RMP_ROOT/bindings/library.rs"]
mod bindings;
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
# c_copy DIR [SED]: builds slab/ and mempool/ in DIR against bindgen's output
# for a copy of the library's C (its header and its helpers), with SED applied
# to the copies of helpers/*.c; succeeds if the Rust object was made.
c_copy() {
	local dir=$1 name
	name=$(basename "$dir")
	mkdir -p "$dir/bindings" "$dir/debugfs" "$dir/helpers"
	cp "$RMP_ROOT/bindings/library.h" "$dir/bindings/"
	cp "$RMP_ROOT"/debugfs/*.h "$dir/debugfs/"
	local c
	for c in "$RMP_ROOT"/helpers/*.c; do
		sed "${2:-}" "$c" >"$dir/helpers/$(basename "$c")"
	done
	cat >"$dir/$name.rs" <<ROOT
//! The library against the bindings of the C in \`$dir\`.
use kernel::prelude::*;

#[allow(dead_code, improper_ctypes, non_camel_case_types, non_upper_case_globals)]
#[allow(unreachable_pub, clippy::all, clippy::undocumented_unsafe_blocks)]
mod bindings {
    pub(crate) use kernel::bindings::*;
    include!("$dir/bindings/library_generated.rs");
    include!("$dir/helpers/helpers_generated.rs");
}
#[path = "$RMP_ROOT/mempool/mod.rs"]
pub mod mempool;
#[path = "$RMP_ROOT/slab/mod.rs"]
pub mod slab;

module! {
    type: Root,
    name: "$name",
    license: "GPL",
}

struct Root;

impl kernel::Module for Root {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Root)
    }
}
ROOT
	cat >"$dir/Kbuild" <<KBUILD
include $RMP_ROOT/compat.mk
include $RMP_ROOT/bindings/bindgen.mk
obj-m := $name.o
\$(obj)/$name.o: \$(obj)/bindings/library_generated.rs \$(obj)/helpers/helpers_generated.rs
KBUILD
	# Made as a module, as the kernel configuration (which bindgen's C flags
	# come from) is not read for a single-object target; modpost then fails
	# for want of the C objects, so the Rust object is what tells.
	kmake "$kdir" M="$dir" modules >"$dir/make.log" 2>&1 || true
	[ -f "$dir/$name.o" ]
}

if c_copy "$work/c_same"; then
	echo "ok - compile_fail: bindings: the library builds against bindgen's output for a copy of its C"
else
	echo "not ok - compile_fail: bindings: the library does not build against a copy of its C"
	grep -E -A5 "^(error|warning)" "$work/c_same/make.log" | head -n 30 | sed 's/^/# /'
fi
# cpu_possible()'s helper gains an argument in C only: its Rust caller must not build.
extra='s/^\(__rust_helper bool rmp_helper_cpu_possible(unsigned int cpu\)\()\)$/\1, int extra\2/'
c_copy "$work/c_changed" "$extra" || true
if ! grep -q 'int extra' "$work/c_changed/helpers/percpu.c"; then
	echo "not ok - compile_fail: bindings: rmp_helper_cpu_possible() not found in helpers/percpu.c to change"
elif grep -q '^error\[E0061\]' "$work/c_changed/make.log"; then
	echo "ok - compile_fail: bindings: a C prototype changed without its Rust caller fails the build (E0061)"
else
	echo "not ok - compile_fail: bindings: a changed C prototype did not fail the build with E0061"
	grep -E -A3 '^(error|warning)' "$work/c_changed/make.log" | head -n 8 | sed 's/^/# /'
fi
