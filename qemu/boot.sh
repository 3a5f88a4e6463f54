#!/usr/bin/env bash
# boot.sh KDIR INITRAMFS MODE LOG TIMEOUT [FLAVOUR]: boot the test kernel in
# QEMU with rmp.mode=MODE and rmp.flavour=FLAVOUR, write the serial console
# to LOG, and stop it after TIMEOUT seconds at the latest. The guest's output is also shown as it arrives,
# filtered by the mode. Exit status: QEMU's, 124 on timeout.
source "$(dirname "$0")/lib.sh"

kdir=$1 initramfs=$2 mode=$3 log=$4 limit=$5 flavour=${6:-base}
image=$kdir/arch/x86/boot/bzImage

# Two CPUs (four for make bench) as as many sockets: without ACPI the kernel
# finds CPUs in the BIOS's MP table, which lists one processor per socket. numa=fake=2 splits memory
# into two nodes, for the node-specific allocation tests. loglevel=5 keeps
# KERN_INFO off the console, KUnit's boot-time KTAP document among it: the
# guest's own document (selftests/run.sh, which nests KUnit's from dmesg)
# must be the first on the console, where kunit.py's parser starts reading.
qemu() {
	local accel=$1 mode=$2 limit=$3 serial=(-serial stdio) input=/dev/null extra=() append='' cpus=2
	# An interactive shell: the terminal is the guest's console, and Ctrl-C
	# goes to the guest rather than ending QEMU.
	if [ "$mode" = shell ] && [ -t 0 ]; then
		serial=(-chardev stdio,id=console,signal=off -serial chardev:console)
		input=/dev/stdin
	fi
	if [ "$mode" = stress ]; then
		# make stress: how long, and how often failslab fails the stress caches
		# (one run per rate, each a share of the duration).
		append=" rmp.duration=${RMP_DURATION:-600} rmp.faults=${RMP_FAULTS:-1,10,50,100}"
		append+=" rmp.cycles=${RMP_CYCLES:-1000}"
	fi
	# Observation must not be needed: the library and its users without debugfs.
	[ "$mode" = nodebugfs ] && append=" debugfs=off"
	if [ "$mode" = bench ]; then
		# shellcheck disable=SC2206
		extra=($bench_qemu)
		append=$bench_append
		# The rows on every CPU at once want four of them; the others run on one.
		cpus=4
	fi
	timeout --foreground -k 5 "$limit" qemu-system-x86_64 $accel "${extra[@]}" \
		-m 1G -smp "$cpus,sockets=$cpus" -no-reboot -display none -monitor none "${serial[@]}" \
		-kernel "$image" -initrd "$initramfs" \
		-append "console=ttyS0 loglevel=5 slab_nomerge numa=fake=2 oops=panic panic=-1 rmp.mode=$mode rmp.flavour=$flavour$append" \
		<"$input"
}

# KVM hangs on some hosts although /dev/kvm exists: prove it boots once and
# remember the answer for this host.
accel_file=$RMP_CACHE/accel
if [ ! -f "$accel_file" ]; then
	accel=tcg
	if [ -w /dev/kvm ]; then
		step "probing KVM (20 s at most)"
		if qemu "-enable-kvm -cpu host" probe 20 2>/dev/null | grep -q RMP-PROBE-OK; then
			accel=kvm
		fi
	fi
	echo "$accel" >"$accel_file"
fi
accel=$(cat "$accel_file")
case $accel in
kvm) accel_args="-enable-kvm -cpu host" ;;
# No 5-level paging: under TCG an interrupt that lands in identify_cpu(),
# while the boot CPU's feature bits are cleared and refilled, can see LA57 as
# off and a KASAN kernel then takes a direct-map address (ff11...) for a
# wild one: "BUG: KASAN: wild-memory-access in do_raw_spin_lock" from
# handle_edge_irq, about one boot in sixty, before any module loads.
*) accel_args="-accel tcg -cpu max,la57=off" ;;
esac

# make bench's clock. Under TCG the kernel cannot calibrate the TSC (no HPET,
# and the PIT is emulated), so it keeps jiffies: every result a multiple of
# 4 ms. So it is told the TSC's rate. In BENCH_MODE=icount (the default)
# QEMU counts instructions: virtual time is one nanosecond per instruction,
# which the TSC counts at 1 GHz, so results repeat from run to run. In
# BENCH_MODE=time the TSC is the host's, read from /proc/cpuinfo; under KVM
# the guest has kvm-clock and needs neither.
bench_qemu='' bench_append=''
if [ "$mode" = bench ]; then
	case ${BENCH_MODE:-icount}:$accel in
	icount:*)
		# Instruction counting is TCG's, on any host.
		accel_args="-accel tcg -cpu max,la57=off"
		bench_qemu='-icount shift=0,align=off,sleep=off'
		bench_append=' tsc_early_khz=1000000 tsc=reliable rmp.bench=icount'
		;;
	time:tcg)
		khz=$(awk -F': ' '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
		bench_append=" tsc_early_khz=$khz tsc=reliable rmp.bench=time"
		;;
	time:*) bench_append=' rmp.bench=time' ;;
	*) die "BENCH_MODE=$BENCH_MODE: want icount (the default) or time" ;;
	esac
fi

case $mode in
# The guest's KTAP document, at every level of nesting.
test) show='^ *((not )?ok |# |KTAP version|1\.\.)|RMP-DONE' ;;
stress) show='^((not )?ok |# |### )|RMP-DONE' ;;
*) show='' ;;
esac
step "booting $(basename "$kdir") under QEMU/$accel, mode $mode, at most ${limit}s; serial log: $log"
# A guest that runs tests can be quiet for minutes (the debug kernel's boot
# KUnit tests): say every 30 seconds that it is still going.
if [ "$mode" = test ] || [ "$mode" = bench ] || [ "$mode" = stress ]; then
	(
		start=$SECONDS
		while sleep 30; do
			printf '    guest: %d:%02d elapsed, %d lines of serial log\n' $(((SECONDS - start) / 60)) \
				$(((SECONDS - start) % 60)) "$(wc -l <"$log" 2>/dev/null || echo 0)" >&2
		done
	) &
	ticker=$!
	trap 'kill "$ticker" 2>/dev/null' EXIT
fi
set +e
if [ "$mode" = shell ] && [ -t 0 ]; then
	# Everything, unbuffered: what is typed is echoed by the guest.
	qemu "$accel_args" "$mode" "$limit" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	sed -i 's/\r$//' "$log"
else
	qemu "$accel_args" "$mode" "$limit" 2>&1 | tr -d '\r' | tee "$log" | grep --line-buffered -E "$show"
	rc=${PIPESTATUS[0]}
fi
set -e
[ "$rc" = 124 ] && step "guest did not stop within ${limit}s"
exit "$rc"
