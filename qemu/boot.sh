#!/usr/bin/env bash
# boot.sh KDIR INITRAMFS MODE LOG TIMEOUT [FLAVOUR]: boot the test kernel in
# QEMU with rmp.mode=MODE and rmp.flavour=FLAVOUR, write the serial console
# to LOG, and stop it after TIMEOUT seconds at the latest. The guest's output is also shown as it arrives,
# filtered by the mode. Exit status: QEMU's, 124 on timeout.
source "$(dirname "$0")/lib.sh"

kdir=$1 initramfs=$2 mode=$3 log=$4 limit=$5 flavour=${6:-base}
image=$kdir/arch/x86/boot/bzImage

# Two CPUs as two sockets: without ACPI the kernel finds CPUs in the BIOS's
# MP table, which lists one processor per socket.
qemu() {
	local accel=$1 mode=$2 limit=$3
	timeout --foreground -k 5 "$limit" qemu-system-x86_64 $accel \
		-m 1G -smp 2,sockets=2 -no-reboot -display none -monitor none -serial stdio \
		-kernel "$image" -initrd "$initramfs" \
		-append "console=ttyS0 loglevel=5 slab_nomerge oops=panic panic=-1 rmp.mode=$mode rmp.flavour=$flavour" \
		</dev/null
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
*) accel_args="-accel tcg -cpu max" ;;
esac

case $mode in
test) show='^(not )?ok |^# |^TAP version|^1\.\.|RMP-DONE' ;;
*) show='' ;;
esac
step "booting $(basename "$kdir") under QEMU/$accel, mode $mode, at most ${limit}s; serial log: $log"
set +e
qemu "$accel_args" "$mode" "$limit" 2>&1 | tr -d '\r' | tee "$log" | grep --line-buffered -E "$show"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 124 ] && step "guest did not stop within ${limit}s"
exit "$rc"
