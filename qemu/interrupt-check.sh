#!/usr/bin/env bash
# interrupt-check.sh KDIR: an interrupted kernel build must never look
# complete, and the next run must finish it. On a copy of the complete
# build KDIR in a scratch cache (the sources are shared, read-only), with a
# few of its products removed: start qemu/kernel.sh, kill it and everything
# it started (SIGKILL: nothing gets to clean up) once make is compiling,
# check that the cache calls the build incomplete, then run kernel.sh again
# and check that it completes. (Ctrl-C, SIGINT, lets make remove what it
# was writing: a gentler case of the same.)
# Prints one TAP line per check.
source "$(dirname "$0")/lib.sh"

kdir=$1
flavour=${kdir##*-"$(source_version | tr "~" _)"-}
flavour=${flavour%-*}
scratch=$(mktemp -d "$RMP_CACHE/interrupt-check.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$scratch"' EXIT
for src in "$RMP_CACHE"/src-"$(source_version | tr "~" _)"; do
	ln -s "$src" "$scratch/"
done
[ -d "$RMP_PKGDIR" ] && ln -s "$RMP_PKGDIR" "$scratch/pkg"
cp -a "$kdir" "$scratch/"
copy=$scratch/${kdir##*/}
rm -f "$copy/.rmp-complete" "$copy/vmlinux" "$copy/arch/x86/boot/bzImage" "$copy/mm/slub.o"

tap() { if eval "$2"; then echo "ok - linux-$RMP_KVER: $1"; else echo "not ok - linux-$RMP_KVER: $1"; fi; }

# Start it in its own process group, and kill the group once make has
# started to compile.
RMP_CACHE=$scratch setsid "$RMP_ROOT/qemu/kernel.sh" "$flavour" >"$scratch/first.out" 2>&1 &
pid=$!
for _ in $(seq 600); do
	grep -qE '^  (CC|LD|AR) ' "$copy/build.log" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.5
done
kill -KILL -- "-$pid" 2>/dev/null
first=0
{ wait "$pid"; } 2>/dev/null || first=$?
tap "a killed kernel build ($flavour) stops with an error (status $first)" '[ "$first" != 0 ]'
tap "a killed kernel build is not marked complete" '[ ! -f "$copy/.rmp-complete" ]'
tap "make cache calls the killed build incomplete" \
	'RMP_CACHE=$scratch "$RMP_ROOT/qemu/cache.sh" list | grep -F "${copy##*/}" | grep -q incomplete'

second=0
RMP_CACHE=$scratch "$RMP_ROOT/qemu/kernel.sh" "$flavour" >"$scratch/second.out" 2>&1 || second=$?
tap "the next run finishes the killed build" \
	'[ "$second" = 0 ] && [ -f "$copy/.rmp-complete" ] && [ -s "$copy/arch/x86/boot/bzImage" ]'
[ "$second" = 0 ] || tail -n 5 "$scratch/second.out" | sed 's/^/# /'
