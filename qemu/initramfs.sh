#!/usr/bin/env bash
# initramfs.sh OUT.cpio.gz MODULE.ko...: pack busybox, make stress's two
# programs, the guest scripts, the selftests and the given modules into an
# initramfs; with RMP_SHELL_INPUT set, that file too, as the commands of a
# non-interactive make shell.
source "$(dirname "$0")/lib.sh"

out=$1
shift
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,modules,guest,selftests}
cp /bin/busybox "$stage/bin/busybox"
# /init is a script: its interpreter must exist before busybox --install runs.
ln -s busybox "$stage/bin/sh"
install -m 0755 "$RMP_ROOT/qemu/guest/init" "$stage/init"
install -m 0755 "$RMP_ROOT"/qemu/guest/*.sh "$stage/guest/"
install -m 0644 "$RMP_ROOT/qemu/guest/kernel-reports.ere" "$stage/guest/"
[ -z "${RMP_SHELL_INPUT:-}" ] || install -m 0644 "$RMP_SHELL_INPUT" "$stage/guest/input.sh"
install -m 0755 "$RMP_ROOT"/selftests/*.sh "$stage/selftests/"
# make stress's programs (stress/): static, as the guest has no C library.
for prog in fuzz eat; do
	gcc -static -O2 -Wall -Wno-format-truncation -o "$stage/bin/rmp-$prog" "$RMP_ROOT/stress/$prog.c" ||
		die "cannot build stress/$prog.c (gcc -static needs libc6-dev)"
done
for ko in "$@"; do
	cp "$ko" "$stage/modules/"
done
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
