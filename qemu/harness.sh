#!/usr/bin/env bash
# harness.sh MODE KVERS [FLAVOUR...]: the whole pipeline, on each kernel
# version of KVERS ("6.12", "7.3" or both; empty for the mode's default).
# Install what is missing, build (or reuse) each kernel flavour, build the
# modules against it, pack an initramfs, boot it, and judge the serial log.
#   run:   load the module, show its stats, unload it (first flavour only).
#   bench: run the benchmarks against C and print them (first flavour only).
#   shell: load the module and give a shell in the guest (first flavour
#          only); with standard input not a terminal, run it as the shell's
#          commands and exit with the status of the last one.
#   test:  per kernel, the host checks (compile-fail, rustfmt, clippy,
#          checkpatch), then every selftest in each flavour, whose serial
#          log kunit.py's parser must read as check-log.sh does, and for the
#          in-tree flavour the checks of the patch series
#          (qemu/intree-checks.sh); print TAP, one summary line per kernel,
#          the time of each phase and "N passed, N failed, N skipped".
source "$(dirname "$0")/lib.sh"

mode=$1 kvers=$2
shift 2
flavours_arg=$*
# What each kernel tests by default, and why, is in README.md ("Kernels").
default_flavours() {
	case $mode:$1 in
	test:*) echo base intree ;;
	# The debug configuration (KASAN, kmemleak, lockdep): the intree flavour
	# has it on both kernels, and is built for make test anyway.
	stress:*) echo intree ;;
	*) echo base ;;
	esac
}
[ -n "$kvers" ] || case $mode in
test | stress) kvers=$RMP_KVERS ;;
*) kvers=6.12 ;;
esac
for kver in $kvers; do kver_suite "$kver" >/dev/null; done
[ "$mode" != bench ] || case ${BENCH_MODE:-icount} in
icount | time) ;;
*) die "BENCH_MODE=$BENCH_MODE: want icount (the default) or time" ;;
esac
logdir=$RMP_CACHE/logs
mkdir -p "$logdir"
guest_rc=0
if [ "$mode" = shell ] && [ ! -t 0 ]; then
	RMP_SHELL_INPUT=$(mktemp)
	trap 'rm -f "$RMP_SHELL_INPUT"' EXIT
	cat >"$RMP_SHELL_INPUT"
	export RMP_SHELL_INPUT
fi

# Phases and their times, printed at the end of a test run.
phases=()
phase_start=$SECONDS
phase() {
	phases+=("$(printf '%-50s %4d:%02d' "$1" $(((SECONDS - phase_start) / 60)) $(((SECONDS - phase_start) % 60)))")
	phase_start=$SECONDS
}
started=$SECONDS

# shellcheck disable=SC2086
"$RMP_ROOT/qemu/setup.sh" $kvers
phase "setup (packages, bindgen, kernel sources)"

# count LABEL OUTPUT: add the TAP lines of OUTPUT to this kernel's counts.
count() {
	local p f s
	p=$(echo "$2" | grep -c '^ok - ' || true)
	s=$(echo "$2" | grep -c '^ok - .*# SKIP' || true)
	f=$(echo "$2" | grep -c '^not ok - ' || true)
	kpassed=$((kpassed + p - s)) kfailed=$((kfailed + f)) kskipped=$((kskipped + s))
}

# host_checks KDIR BUILD_OUTPUT: the checks that need a kernel tree but no
# guest; BUILD_OUTPUT is what building the modules with CLIPPY=1 printed.
host_checks() {
	local kdir=$1 clippy_out=$2 result rustfmt_out cp_bad
	step "linux-$RMP_KVER: compile-fail checks of slab/ and mempool/"
	result=$("$RMP_ROOT/selftests/compile_fail/run.sh" "$kdir" | sed "s/^\(\(not \)\?ok - \)/\1linux-$RMP_KVER: /") || true
	[ -n "$result" ] || result="not ok - linux-$RMP_KVER: compile_fail: run.sh printed no result"
	echo "$result"
	count compile "$result"

	# Every public function, type and macro of the library has an example,
	# which the tests run (selftests/doctests/).
	result=$(python3 "$RMP_ROOT/selftests/doctests/coverage.py" "$RMP_ROOT" | sed "s/^\(\(not \)\?ok - \)/\1linux-$RMP_KVER: /")
	echo "$result"
	count docs "$result"

	# rustfmt with the kernel's own settings, over the crate roots
	# and every file they include, and the in-tree sample.
	if rustfmt_out=$(/usr/bin/rustfmt --edition 2021 --check \
		--config-path "$kdir/source/.rustfmt.toml" \
		"$RMP_ROOT/rust_mempool.rs" \
		"$RMP_ROOT/selftests/kernel/rust_mempool_selftests.rs" \
		"$RMP_ROOT/bench/rust_mempool_bench.rs" \
		"$RMP_ROOT/consumer/rust_mempool_consumer.rs" \
		"$RMP_ROOT/stress/rust_mempool_stress.rs" \
		"$RMP_ROOT/intree/sample/rust_mempool_user.rs" 2>&1); then
		result="ok - linux-$RMP_KVER: lint: rustfmt --check"
	else
		result="not ok - linux-$RMP_KVER: lint: rustfmt --check"$'\n'$(echo "$rustfmt_out" | grep '^Diff in' | sed 's/^/# /')
	fi
	echo "$result"
	count rustfmt "$result"

	# clippy, as the kernel runs it (CLIPPY=1): any warning fails, and so
	# does objtool's word on the objects.
	if echo "$clippy_out" | grep -qE '^(warning|error)|: warning: '; then
		result="not ok - linux-$RMP_KVER: lint: clippy"$'\n'$(echo "$clippy_out" | grep -E -A4 '^(warning|error)|: warning: ' | sed 's/^/# /')
	else
		result="ok - linux-$RMP_KVER: lint: clippy"
	fi
	echo "$result"
	count clippy "$result"

	# The kernel's checkpatch over every C file.
	cp_bad=$(cd "$RMP_ROOT" && for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]'); do
		perl "$kdir/source/scripts/checkpatch.pl" --no-tree --terse -q -f "$f" 2>&1
	done | grep -E ': (ERROR|WARNING|CHECK):' || true)
	if [ -z "$cp_bad" ]; then
		result="ok - linux-$RMP_KVER: lint: checkpatch.pl"
	else
		result="not ok - linux-$RMP_KVER: lint: checkpatch.pl"$'\n'$(echo "$cp_bad" | sed 's/^/# /')
	fi
	echo "$result"
	count checkpatch "$result"
}

# shell_checks: make shell, driven by scripted input on this kernel's base
# flavour: it shows the summary exactly, and passes on the exit status of
# the guest's last command. Then make bench, which must print its table.
shell_checks() {
	local out rc want d=/sys/kernel/debug/rust_mempool
	want='module                 kind  name                             allocs    frees     live failures     memory
rust_mempool           cache rust_mempool_req                       16        0       16        0       1024
rust_mempool           pool  kmalloc-512_pool                        0        0        0        0          0
rust_mempool           pool  page-order0_pool                        0        0        0        0          0
rust_mempool           cache rust_mempool_obj                        0        0        0        0          0
rust_mempool           pool  rust_mempool_req_pool                   0        0        0        0          0'
	step "linux-$RMP_KVER: make shell with scripted input"
	rc=0
	out=$(echo "cat $d/summary" | "$RMP_ROOT/qemu/harness.sh" shell "$RMP_KVER" base 2>/dev/null) || rc=$?
	if [ "$rc" = 0 ] && [ "$(echo "$out" | grep -A5 '^module  ')" = "$want" ]; then
		result="ok - linux-$RMP_KVER: make shell: scripted input reads the summary, exit status 0"
	else
		result="not ok - linux-$RMP_KVER: make shell: scripted input reads the summary (exit status $rc)"$'\n'$(echo "$out" | tail -n 8 | sed 's/^/# /')
	fi
	echo "$result"
	count shell "$result"

	rc=0
	out=$(printf 'echo alloc 3 >%s\ngrep ^live: %s\nexit 3\n' "$d/rust_mempool_obj/control" \
		"$d/rust_mempool_obj/stats" | "$RMP_ROOT/qemu/harness.sh" shell "$RMP_KVER" base 2>/dev/null) || rc=$?
	if [ "$rc" = 3 ] && echo "$out" | grep -qx 'live: 3'; then
		result="ok - linux-$RMP_KVER: make shell: a control command takes effect, the last status (3) is passed on"
	else
		result="not ok - linux-$RMP_KVER: make shell: want 'live: 3' and exit status 3, got status $rc"$'\n'$(echo "$out" | tail -n 8 | sed 's/^/# /')
	fi
	echo "$result"
	count shell "$result"

	# make bench still runs and prints its table; whether targets are met is
	# the benchmark's business, not a test's.
	step "linux-$RMP_KVER: make bench"
	rc=0
	out=$(BENCH_MODE=icount "$RMP_ROOT/qemu/harness.sh" bench "$RMP_KVER" base 2>/dev/null) || rc=$?
	local rows bad
	rows=$(echo "$out" | grep -cE ' ns/op ' || true)
	bad=$(echo "$out" | grep -cE ' ns/op .*no ratio' || true)
	if [ "$rc" = 0 ] && [ "$rows" -gt 0 ] && [ "$bad" = 0 ] &&
		echo "$out" | grep -qE '^targets: [0-9]+ met, [0-9]+ missed$'; then
		result="ok - linux-$RMP_KVER: make bench prints its table: $rows rows with ratios, and the targets line"
	else
		result="not ok - linux-$RMP_KVER: make bench: exit status $rc, $rows rows, $bad without a ratio"$'\n'$(echo "$out" | tail -n 8 | sed 's/^/# /')
	fi
	echo "$result"
	count bench "$result"
}

# nodebugfs_check: booted with debugfs=off, rust_mempool.ko and the example
# driver load, make and use every kind of cache and pool, and unload
# (qemu/guest/nodebugfs.sh), on this kernel's base flavour.
nodebugfs_check() {
	local initramfs log result rc reports
	step "linux-$RMP_KVER: booting with debugfs=off"
	initramfs=$logdir/initramfs-$RMP_KVER-nodebugfs-$$.cpio.gz
	log=$logdir/nodebugfs-$RMP_KVER-$(date +%Y%m%d-%H%M%S).log
	"$RMP_ROOT/qemu/initramfs.sh" "$initramfs" "$RMP_ROOT"/*.ko "$RMP_ROOT"/consumer/*.ko
	"$RMP_ROOT/qemu/boot.sh" "$kdir" "$initramfs" nodebugfs "$log" 300 base >/dev/null 2>&1 || true
	rm -f "$initramfs"
	result=$(grep -E '^(not )?ok - nodebugfs: ' "$log" || true)
	rc=$(sed -n 's/^RMP-DONE rc=\([0-9]*\)$/\1/p' "$log" | tail -n 1)
	reports=$("$RMP_ROOT/qemu/check-log.sh" "$log" "$RMP_KVER/nodebugfs" |
		grep -E '^not ok - .*: (kernel report|guest did not finish)' || true)
	if [ -z "$result" ] || [ "$rc" != 0 ] || [ -n "$reports" ]; then
		result="$result"$'\n'"not ok - nodebugfs: guest exit status '$rc', $(echo "$result" | grep -c '^ok' || true) checks passed; serial log: $log"$'\n'"$reports"
		result=$(echo "$result" | sed '/^$/d')
	fi
	result=$(echo "$result" | sed "s/^\(\(not \)\?ok - \)/\1linux-$RMP_KVER: /")
	echo "$result"
	count nodebugfs "$result"
}

passed=0 failed=0 skipped=0
summaries=()
# make shell and a killed build are harness, not kernel: checked on the first
# kernel's base only.
shell_checked=
if [ "$mode" = test ]; then
	result=$("$RMP_ROOT/qemu/harness-checks.sh") || true
	[ -n "$result" ] || result="not ok - harness: harness-checks.sh printed no result"
	echo "$result"
	passed=$((passed + $(echo "$result" | grep -c '^ok - ' || true)))
	failed=$((failed + $(echo "$result" | grep -c '^not ok - ' || true)))
fi
for RMP_KVER in $kvers; do
	export RMP_KVER
	kpassed=0 kfailed=0 kskipped=0
	host_checked=
	for flavour in ${flavours_arg:-$(default_flavours "$RMP_KVER")}; do
		kdir=$("$RMP_ROOT/qemu/kernel.sh" "$flavour")
		phase "linux-$RMP_KVER: kernel ($flavour)"

		# Tests build with clippy, as the kernel's CLIPPY=1 does: the same
		# objects, and the lints on the way. RMP_MODULE_CLIPPY passes that on to the
		# make shell checks, so that they reuse the objects.
		step "linux-$RMP_KVER: building the modules against the $flavour kernel"
		rm -f "$RMP_ROOT"/*.ko "$RMP_ROOT"/consumer/*.ko
		if [ "$mode" = test ]; then
			export RMP_MODULE_CLIPPY=1
			build_out=$("$RMP_ROOT/qemu/module.sh" "$kdir" CLIPPY=1 2>&1) || true
		else
			"$RMP_ROOT/qemu/module.sh" "$kdir" ${RMP_MODULE_CLIPPY:+CLIPPY=1} || true
		fi
		if [ ! -f "$RMP_ROOT/rust_mempool.ko" ] || [ ! -f "$RMP_ROOT/consumer/rust_mempool_consumer.ko" ]; then
			[ "$mode" != test ] || echo "$build_out" | grep -E -A6 '(^|: )(error|warning)' | head -n 40 >&2 || true
			echo "not ok - linux-$RMP_KVER/$flavour: the modules do not build"
			kfailed=$((kfailed + 1))
			[ "$mode" = test ] && continue
			break
		fi
		phase "linux-$RMP_KVER: modules ($flavour)"

		if [ "$mode" = test ] && [ -z "$host_checked" ]; then
			host_checks "$kdir" "$build_out"
			host_checked=1
			phase "linux-$RMP_KVER: host checks"
		fi

		modules=("$RMP_ROOT"/*.ko "$RMP_ROOT"/consumer/*.ko)
		[ "$flavour" = intree ] && modules+=("$kdir/samples/rust/rust_mempool_user.ko")
		# One per run: two clones may test the same kernel at once.
		initramfs=$logdir/initramfs-$RMP_KVER-$flavour-$$.cpio.gz
		"$RMP_ROOT/qemu/initramfs.sh" "$initramfs" "${modules[@]}"

		log=$logdir/$mode-$RMP_KVER-$flavour-$(date +%Y%m%d-%H%M%S).log
		case $mode:$flavour in
		shell:*) limit=600 && [ -z "${RMP_SHELL_INPUT:-}" ] && limit=86400 ;;
		stress:*) limit=$((${RMP_DURATION:-600} + ${RMP_CYCLES:-1000} + 1500)) ;;
		*:debug | *:intree) limit=1800 ;;
		*) limit=600 ;;
		esac
		"$RMP_ROOT/qemu/boot.sh" "$kdir" "$initramfs" "$mode" "$log" "$limit" "$flavour" || true
		rm -f "$initramfs"
		phase "linux-$RMP_KVER: guest ($flavour)"

		if [ "$mode" != test ]; then
			# Kernel reports and a guest that did not finish; the guest's own
			# status is judged below.
			result=$("$RMP_ROOT/qemu/check-log.sh" "$log" "$RMP_KVER/$flavour" |
				grep -E '^not ok - .*: (kernel report|guest did not finish)' || true)
			[ -z "$result" ] || echo "$result" >&2
			step "serial log: $log"
			if [ "$mode" = bench ]; then
				csv=$RMP_ROOT/out/bench/bench-$RMP_KVER-$flavour-${BENCH_MODE:-icount}-$(date +%Y%m%d-%H%M%S).csv
				mkdir -p "$(dirname "$csv")"
				python3 "$RMP_ROOT/qemu/bench-csv.py" "$log" >"$csv"
				step "bench: $(($(wc -l <"$csv") - 1)) rows in $csv"
			fi
			rc=$(sed -n 's/^RMP-DONE rc=\([0-9]*\)$/\1/p' "$log" | tail -n 1)
			if [ -n "$result" ] || [ -z "$rc" ]; then
				kfailed=1
			elif [ "$rc" != 0 ]; then
				# make shell passes on the status of its last command.
				[ "$mode" = shell ] && guest_rc=$rc && step "the guest shell's last command exited $rc"
				kfailed=1
			fi
			break
		fi

		result=$("$RMP_ROOT/qemu/check-log.sh" "$log" "$RMP_KVER/$flavour")
		echo "$result" | sed '$d' | grep '^not ok' || true
		read -r p f s < <(echo "$result" | tail -n 1)
		step "linux-$RMP_KVER $flavour: $p passed, $f failed, $s skipped; serial log: $log"
		kpassed=$((kpassed + p)) kfailed=$((kfailed + f)) kskipped=$((kskipped + s))

		# The kernel's own KTAP parser must read the whole log as we do: the
		# counts of the guest's test cases, without kernel reports and the
		# like, which are not in its KTAP document.
		parsed=$("$RMP_ROOT/qemu/kunit-parse.sh" "$log" "linux-$RMP_KVER/$flavour" \
			"$(echo "$result" | sed -n 's/^# ktap: //p')") || true
		[ -n "$parsed" ] || parsed="not ok - linux-$RMP_KVER/$flavour: kunit-parse.sh printed no result"
		echo "$parsed"
		count kunit "$parsed"

		if [ "$flavour" = base ]; then
			nodebugfs_check
			phase "linux-$RMP_KVER: debugfs=off boot"
		fi
		if [ "$flavour" = base ] && [ -z "$shell_checked" ]; then
			shell_checked=1
			shell_checks
			result=$("$RMP_ROOT/qemu/interrupt-check.sh" "$kdir") || true
			[ -n "$result" ] || result="not ok - linux-$RMP_KVER: interrupt-check.sh printed no result"
			echo "$result"
			count interrupt "$result"
			phase "linux-$RMP_KVER: make shell, bench, killed build"
		fi

		if [ "$flavour" = intree ]; then
			# The series itself and what the kernel's tools say about it.
			host=$("$RMP_ROOT/qemu/intree-checks.sh" "$kdir" "$result")
			echo "$host"
			count intree "$host"
			phase "linux-$RMP_KVER: in-tree series checks"
		fi
	done
	summaries+=("linux-$RMP_KVER: $kpassed passed, $kfailed failed, $kskipped skipped")
	passed=$((passed + kpassed)) failed=$((failed + kfailed)) skipped=$((skipped + kskipped))
done

if [ "$mode" != test ]; then
	[ "$guest_rc" = 0 ] || exit "$guest_rc"
	[ "$failed" = 0 ]
	exit
fi

echo
echo "Time per phase:"
printf '  %s\n' "${phases[@]}"
printf '  %-50s %4d:%02d\n' total $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60))
echo
printf '%s\n' "${summaries[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
