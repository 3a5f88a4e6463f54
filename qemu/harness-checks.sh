#!/usr/bin/env bash
# harness-checks.sh: what the README promises of the targets themselves,
# checked without a kernel: make help lists every target on one screen;
# setup refuses a system it cannot work on with one line naming the cause,
# before doing anything; make cache-clean removes one kernel version and
# nothing else. Prints one TAP line per check.
source "$(dirname "$0")/lib.sh"

tap() { if eval "$2"; then echo "ok - harness: $1"; else echo "not ok - harness: $1"; fi; }
scratch=$(mktemp -d)
trap 'umount "$scratch/small" 2>/dev/null || true; rm -rf "$scratch"' EXIT

# make help: every .PHONY target, on one screen.
targets=$(sed -n 's/^\.PHONY: *//p' "$RMP_ROOT/Makefile")
listing=$(make -s -C "$RMP_ROOT" help)
missing=
for t in $targets; do
	echo "$listing" | grep -qE "^  make $t( |$)" || missing+=" $t"
done
tap "make help lists all $(echo "$targets" | wc -w) targets on one screen (missing:${missing:- none})" \
	'[ -z "$missing" ] && [ "$(echo "$listing" | wc -l)" -le 25 ]'

# refuses SETUP_ARGS WANT: setup.sh fails with exactly one line of output,
# which contains WANT, and leaves the scratch cache as it found it.
refuses() {
	local out rc=0 before after
	before=$(find "$scratch" | sort)
	out=$(eval "$1" 2>&1) || rc=$?
	after=$(find "$scratch" | sort)
	[ "$rc" != 0 ] && [ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -qF -- "$2" &&
		[ "$before" = "$after" ] || { echo "$out" | sed 's/^/# /'; return 1; }
}
printf 'ID=ubuntu\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04 LTS"\n' >"$scratch/os-release"
tap "setup refuses a system that is not Debian 12, in one line" \
	'refuses "RMP_OS_RELEASE=$scratch/os-release RMP_CACHE=$scratch/c1 $RMP_ROOT/qemu/setup.sh 6.12" "needs Debian 12"'
mkdir -p "$scratch/small"
if mount -t tmpfs -o size=16m tmpfs "$scratch/small" 2>/dev/null; then
	tap "setup refuses a disk too small for a first kernel build, in one line" \
		'refuses "RMP_CACHE=$scratch/small/cache $RMP_ROOT/qemu/setup.sh 7.3" "GB free"'
	umount "$scratch/small"
else
	echo "ok - harness: setup refuses a disk too small # SKIP cannot mount a tmpfs here"
fi
tap "setup refuses a kernel version it does not know, in one line" \
	'refuses "RMP_CACHE=$scratch/c2 $RMP_ROOT/qemu/setup.sh 5.10" "unknown kernel version 5.10"'

# make cache-clean CLEAN_KVER=7.3 removes 7.3's entries only.
c=$scratch/cache
mkdir -p "$c/build-7.3.4-1_bpo13+1-base-0123" "$c/src-7.3.4-1_bpo13+1" "$c/pkg" \
	"$c/build-6.12.117-1_deb12u1-base-4567" "$c/src-6.12.117-1_deb12u1"
touch "$c/pkg/linux-source-7.3_7.3.4-1~bpo13+1_all.deb" "$c/steps-7.3-base" "$c/steps-6.12-base"
RMP_CACHE=$c make -s -C "$RMP_ROOT" cache-clean CLEAN_KVER=7.3 >/dev/null 2>&1
left=$(cd "$c" && find . -mindepth 1 | sort | tr '\n' ' ')
tap "make cache-clean CLEAN_KVER=7.3 removes 7.3's kernels, sources, package and nothing else" \
	'[ "$left" = "./build-6.12.117-1_deb12u1-base-4567 ./kernel.lock ./pkg ./src-6.12.117-1_deb12u1 ./steps-6.12-base " ]' ||
	echo "# left: $left"
