#!/usr/bin/env bash
# module.sh KDIR [ARGS...]: build the out-of-tree modules against KDIR.
source "$(dirname "$0")/lib.sh"

kdir=$1
shift
# The rustdoc examples become a test suite of rust_mempool_selftests.ko.
python3 "$RMP_ROOT/selftests/doctests/extract.py" "$RMP_ROOT" \
	"$RMP_ROOT/selftests/kernel/doctests_generated.rs"
kmake "$kdir" M="$RMP_ROOT" "$@" modules 2>&1 | grep -v '^make\[[0-9]\]: \(Entering\|Leaving\)' >&2
# The example driver of another module (consumer/), built as README.md tells
# an out-of-tree driver to build: the library's sources through its rmp
# symlink, rust_mempool.ko's exports from its Module.symvers.
kmake "$kdir" M="$RMP_ROOT/consumer" KBUILD_EXTRA_SYMBOLS="$RMP_ROOT/Module.symvers" \
	"$@" modules 2>&1 | grep -v '^make\[[0-9]\]: \(Entering\|Leaving\)' >&2
