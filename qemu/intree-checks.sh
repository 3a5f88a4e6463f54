#!/usr/bin/env bash
# intree-checks.sh KDIR GUEST_RESULTS: the host-side checks of the in-tree
# flavour built in KDIR, given the guest's results (check-log.sh output).
# Prints one TAP line per check:
#   - checkpatch.pl over each patch of the series;
#   - each proper prefix of the series builds rust/ without a warning;
#   - every rustdoc example of kernel::slab and kernel::mempool ran as a KUnit
#     test and passed (the guest reports each; this checks none is missing);
#   - where the series has them (7.x), every test of the KUnit suites
#     rust_kernel_slab and rust_kernel_mempool ran at boot and passed;
#   - no clippy or compiler warning about the series' files in the kernel
#     build, which kernel.sh runs with CLIPPY=1;
#   - `make rustdoc` documented both modules without a warning about them.
source "$(dirname "$0")/lib.sh"

kdir=$1 guest=$2
# Files of the series, as they appear in compiler and rustdoc messages.
ours='rust/kernel/(slab|mempool)(\.rs|/)|samples/rust/rust_mempool_user'

"$RMP_ROOT/qemu/series.sh"
"$RMP_ROOT/qemu/series-bisect.sh" "$kdir"

# Examples of an API the target lacks (a cfg it does not have) are not in its series.
want=$(python3 - "$RMP_ROOT" "$RMP_KVER" <<'PY'
import pathlib, sys
root = pathlib.Path(sys.argv[1])
sys.path.insert(0, str(root / "selftests/doctests"))
sys.path.insert(0, str(root / "intree"))
from extract import examples
from series import TARGET_CFGS
cfgs = TARGET_CFGS[sys.argv[2]]
print(sum(1 for d in ("slab", "mempool") for f in (root / d).glob("*.rs")
          for _, _, cfg in examples(f) if cfg is None or cfg in cfgs))
PY
)
# Each is a test case of boot's KUnit suite of the kernel crate's doctests.
got=$(echo "$guest" | grep -cE '^ok - ([0-9.]+/)?intree: kunit: [a-z_]+: rust_doctest_kernel_(slab|mempool)_' || true)
if [ "$got" = "$want" ] && [ "$want" -gt 0 ]; then
	echo "ok - intree: all $want rustdoc examples of kernel::slab and kernel::mempool passed as KUnit tests"
else
	echo "not ok - intree: $got of the $want rustdoc examples of kernel::slab and kernel::mempool passed as KUnit tests"
fi

# The suites' tests, as the sources declare them and as the guest reported
# them (run.sh nests boot's KUnit document, suite by suite).
if grep -q 'kunit_tests(rust_kernel_slab)' "$(series_dir)"/000[1-9]*.patch; then
	want=$(cat "$RMP_ROOT/slab/kunit.rs" "$RMP_ROOT/mempool/kunit.rs" | grep -c '^ *#\[test\]')
	passed=$(echo "$guest" | grep -cE '^ok - ([0-9.]+/)?intree: kunit: rust_kernel_(slab|mempool): ' || true)
	failed=$(echo "$guest" | grep -cE '^not ok - ([0-9.]+/)?intree: kunit: rust_kernel_(slab|mempool): ' || true)
	if [ "$passed" = "$want" ] && [ "$failed" = 0 ]; then
		echo "ok - intree: the KUnit suites rust_kernel_slab and rust_kernel_mempool: all $want tests passed"
	else
		echo "not ok - intree: the KUnit suites rust_kernel_slab and rust_kernel_mempool: $passed of $want passed, $failed failed"
	fi
else
	echo "ok - intree: the KUnit suites rust_kernel_slab and rust_kernel_mempool # SKIP the linux-$RMP_KVER series has none (#[kunit_tests] is 6.15 and later)"
fi

# Warnings come as "warning: ..." with the file on a later " --> " line
# (rustc, clippy, rustdoc) or as "FILE:LINE:COL: warning: ..." (C).
warnings_about_ours() {
	awk -v ours="$ours" '
	/^(warning|error)(\[[^]]*\])?: / { msg = $0; next }
	/^ *--> / && msg != "" { if ($0 ~ ours) print msg " " $2; msg = ""; next }
	/: (warning|error): / && $0 ~ ours { print }
	' "$1"
}

log=$kdir/build.log
if ! grep -qE 'CLIPPY .*rust/kernel\.o' "$log" || ! grep -qE 'CLIPPY .*rust_mempool_user\.o' "$log"; then
	echo "not ok - intree: clippy over the kernel crate and the sample (build.log shows no CLIPPY step for them)"
elif bad=$(warnings_about_ours "$log") && [ -n "$bad" ]; then
	echo "not ok - intree: clippy over the kernel crate and the sample"
	echo "$bad" | sed 's/^/# /'
else
	echo "ok - intree: clippy over the kernel crate and the sample: no warning about the series' files"
fi

doc=$kdir/Documentation/output/rust/rustdoc/kernel
if [ ! -f "$doc/slab/struct.KmemCache.html" ] || [ ! -f "$doc/mempool/struct.Mempool.html" ]; then
	echo "not ok - intree: make rustdoc (no pages for kernel::slab and kernel::mempool under $doc)"
elif bad=$(warnings_about_ours "$kdir/rustdoc.log") && [ -n "$bad" ]; then
	echo "not ok - intree: make rustdoc"
	echo "$bad" | sed 's/^/# /'
else
	echo "ok - intree: make rustdoc documents kernel::slab and kernel::mempool without a warning"
fi
