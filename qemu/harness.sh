#!/usr/bin/env bash
# harness.sh run|test FLAVOUR...: the whole pipeline. Install what is missing,
# build (or reuse) each kernel flavour, build the modules against it, pack an
# initramfs, boot it, and judge the serial log.
#   run:   load the module, show its stats, unload it (first flavour only).
#   bench: run the benchmarks against C and print them (first flavour only).
#   test: the compile-fail checks (on the host), then every selftest in each
#         flavour, and for the in-tree flavour the checks of the patch series
#         (qemu/intree-checks.sh); print TAP and "N passed, N failed, N skipped".
source "$(dirname "$0")/lib.sh"

mode=$1
shift
flavours=${*:-base}
logdir=$RMP_CACHE/logs
mkdir -p "$logdir"

"$RMP_ROOT/qemu/setup.sh"

passed=0 failed=0 skipped=0
compile_checked=
for flavour in $flavours; do
	kdir=$("$RMP_ROOT/qemu/kernel.sh" "$flavour")

	if [ "$mode" = test ] && [ -z "$compile_checked" ]; then
		step "compile-fail checks of slab/ against $flavour kernel"
		result=$("$RMP_ROOT/selftests/compile_fail/run.sh" "$kdir")
		echo "$result"
		p=$(echo "$result" | grep -c '^ok - ' || true)
		f=$(echo "$result" | grep -c '^not ok - ' || true)
		passed=$((passed + p)) failed=$((failed + f))
		compile_checked=1

		# rustfmt with the kernel's own settings, over the three crate roots
		# and every file they include, and the in-tree sample.
		if rustfmt_out=$(/usr/bin/rustfmt --edition 2021 --check \
			--config-path "$kdir/source/.rustfmt.toml" \
			"$RMP_ROOT/rust_mempool.rs" \
			"$RMP_ROOT/selftests/kernel/rust_mempool_selftests.rs" \
			"$RMP_ROOT/bench/rust_mempool_bench.rs" \
			"$RMP_ROOT/intree/sample/rust_mempool_user.rs" 2>&1); then
			echo "ok - lint: rustfmt --check"
			passed=$((passed + 1))
		else
			echo "not ok - lint: rustfmt --check"
			echo "$rustfmt_out" | grep '^Diff in' | sed 's/^/# /'
			failed=$((failed + 1))
		fi

		# clippy, as the kernel runs it (CLIPPY=1): any warning fails.
		step "clippy over the three modules"
		clippy_out=$("$RMP_ROOT/qemu/module.sh" "$kdir" CLIPPY=1 2>&1) || true
		if echo "$clippy_out" | grep -qE '^(warning|error)'; then
			echo "not ok - lint: clippy"
			echo "$clippy_out" | grep -E -A4 '^(warning|error)' | sed 's/^/# /'
			failed=$((failed + 1))
		else
			echo "ok - lint: clippy"
			passed=$((passed + 1))
		fi

		# The kernel's checkpatch over every C file.
		cp_bad=$(cd "$RMP_ROOT" && for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]'); do
			perl "$kdir/source/scripts/checkpatch.pl" --no-tree --terse -q -f "$f" 2>&1
		done | grep -E ': (ERROR|WARNING|CHECK):' || true)
		if [ -z "$cp_bad" ]; then
			echo "ok - lint: checkpatch.pl"
			passed=$((passed + 1))
		else
			echo "not ok - lint: checkpatch.pl"
			echo "$cp_bad" | sed 's/^/# /'
			failed=$((failed + 1))
		fi
	fi

	step "building rust_mempool.ko against $flavour kernel"
	"$RMP_ROOT/qemu/module.sh" "$kdir"

	modules=("$RMP_ROOT"/*.ko)
	[ "$flavour" = intree ] && modules+=("$kdir/samples/rust/rust_mempool_user.ko")
	initramfs=$logdir/initramfs-$flavour.cpio.gz
	"$RMP_ROOT/qemu/initramfs.sh" "$initramfs" "${modules[@]}"

	log=$logdir/$mode-$flavour-$(date +%Y%m%d-%H%M%S).log
	case $flavour in
	debug | intree) limit=1800 ;;
	*) limit=600 ;;
	esac
	"$RMP_ROOT/qemu/boot.sh" "$kdir" "$initramfs" "$mode" "$log" "$limit" "$flavour" || true

	if [ "$mode" != test ]; then
		result=$("$RMP_ROOT/qemu/check-log.sh" "$log" "$flavour")
		echo "$result" | grep '^not ok' || true
		echo "serial log: $log"
		grep -q '^RMP-DONE rc=0$' "$log" && ! echo "$result" | grep -q '^not ok'
		exit
	fi

	result=$("$RMP_ROOT/qemu/check-log.sh" "$log" "$flavour")
	echo "$result" | sed '$d' | grep '^not ok' || true
	read -r p f s < <(echo "$result" | tail -n 1)
	step "$flavour: $p passed, $f failed, $s skipped; serial log: $log"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))

	if [ "$flavour" = intree ]; then
		# The series itself and what the kernel's tools say about it.
		host=$("$RMP_ROOT/qemu/intree-checks.sh" "$kdir" "$result")
		echo "$host"
		p=$(echo "$host" | grep -c '^ok - ' || true)
		f=$(echo "$host" | grep -c '^not ok - ' || true)
		passed=$((passed + p)) failed=$((failed + f))
	fi
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
