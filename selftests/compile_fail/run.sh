#!/usr/bin/env bash
# run.sh KDIR: proves that misuse of slab/ does not compile. Each case_*.rs
# is built as a module against KDIR; its first line names the outcome:
# "// expect: E0505" (rustc must fail with that error code) or
# "// expect: ok" (must build: a control that the setup itself works).
# Prints one "ok - ..."/"not ok - ..." line per case.
source "$(dirname "$0")/../../qemu/lib.sh"

set +e
kdir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for case in "$RMP_ROOT"/selftests/compile_fail/case_*.rs; do
	name=$(basename "$case" .rs)
	expect=$(sed -n '1s|^// expect: ||p' "$case")
	dir=$work/$name
	mkdir -p "$dir"
	sed "s|@ROOT@|$RMP_ROOT|" "$case" >"$dir/$name.rs"
	echo "obj-m := $name.o" >"$dir/Kbuild"
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
