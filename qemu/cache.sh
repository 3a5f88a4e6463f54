#!/usr/bin/env bash
# cache.sh list: what is cached in $RMP_CACHE (kernels, sources, packages,
# logs) and the tools installed beside it, with sizes.
# cache.sh clean [KVER]: remove the whole cache, or only one kernel version's
# kernels, sources and package.
source "$(dirname "$0")/lib.sh"

size() { du -sh "$1" 2>/dev/null | cut -f1; }

case ${1:-list} in
list)
	echo "cache: $RMP_CACHE ($( [ -d "$RMP_CACHE" ] && size "$RMP_CACHE" || echo empty))"
	[ -d "$RMP_CACHE" ] || exit 0
	for d in "$RMP_CACHE"/build-*; do
		[ -d "$d" ] || continue
		state=complete
		[ -f "$d/.rmp-complete" ] || state="incomplete: a run with this configuration builds on"
		case $d in *-prefix) state="series prefixes (make test, intree)" ;; esac
		printf '  kernel   %-62s %6s  %s\n' "${d##*/}" "$(size "$d")" "$state"
	done
	for d in "$RMP_CACHE"/src-*; do
		[ -d "$d" ] || continue
		state=unpacked
		[ -f "$d/.rmp-unpacked" ] || [ -f "$d/.rmp-series" ] || state="incomplete: unpacked again on the next run"
		case $d in *-intree) state="with the in-tree series" ;; *-prefix) state="series prefixes" ;; esac
		printf '  sources  %-62s %6s  %s\n' "${d##*/}" "$(size "$d")" "$state"
	done
	for f in "$RMP_PKGDIR"/*.deb; do
		[ -f "$f" ] && printf '  package  %-62s %6s\n' "${f##*/}" "$(size "$f")"
	done
	[ -d "$RMP_CACHE/logs" ] && printf '  logs     %-62s %6s\n' "logs/ ($(ls "$RMP_CACHE/logs" | wc -l) files)" "$(size "$RMP_CACHE/logs")"
	if [ -x "$RMP_BINDGEN" ]; then
		printf '  tool     %-62s %6s  %s\n' "$RMP_BINDGEN" "$(size "$RMP_BINDGEN")" "$("$RMP_BINDGEN" --version 2>/dev/null)"
	fi
	;;
clean)
	kver=${2:-}
	if [ -z "$kver" ]; then
		step "removing $RMP_CACHE"
		rm -rf "$RMP_CACHE"
		exit 0
	fi
	kver_suite "$kver" >/dev/null
	exec 9>"$RMP_CACHE/kernel.lock"
	flock -n 9 || die "a kernel build is running; try again when it is done"
	# Debian versions of linux-source-X.Y start with "X.Y.".
	for d in "$RMP_CACHE"/build-"$kver".* "$RMP_CACHE"/src-"$kver".* "$RMP_PKGDIR"/linux-source-"$kver"_*.deb \
		"$RMP_CACHE"/steps-"$kver"-*; do
		[ -e "$d" ] || continue
		step "removing $d"
		rm -rf "$d"
	done
	;;
*) die "usage: cache.sh list | clean [KVER]" ;;
esac
