# shellcheck shell=bash
# Common settings for the qemu/ scripts: paths, the cache key, the kernel
# make wrapper and progress output. Sourced, never run.

set -euo pipefail

RMP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RMP_CACHE=${RMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rust_mempool}

# The kernels this project builds on: RMP_KVER picks one (6.12 or 7.3).
# 6.12 comes from the machine's own apt sources (installed by setup.sh);
# 7.3 only from trixie-backports, which setup.sh downloads through a private
# sources list into the cache without touching the machine's apt sources.
RMP_KVERS="6.12 7.3"
RMP_KVER=${RMP_KVER:-6.12}
RMP_PKGDIR=$RMP_CACHE/pkg

# kver_suite KVER: the Debian suite to download that kernel's source package
# from, or nothing if the machine's apt sources carry it.
kver_suite() {
	case $1 in
	6.12) ;;
	7.3) echo trixie-backports ;;
	*) printf 'error: unknown kernel version %s (known: %s)\n' "$1" "$RMP_KVERS" >&2; exit 1 ;;
	esac
}
RMP_SUITE=$(kver_suite "$RMP_KVER")
RMP_SOURCE_PKG=linux-source-$RMP_KVER

# The kernel toolchain. rustup's rustc may come first in PATH and must not be
# used: the kernel needs the compiler whose core sources it builds against.
RMP_RUSTC=${RMP_RUSTC:-/usr/bin/rustc}
RMP_RUSTDOC=${RMP_RUSTDOC:-/usr/bin/rustdoc}
RMP_CLIPPY=${RMP_CLIPPY:-/usr/bin/clippy-driver}
RMP_BINDGEN=${RMP_BINDGEN:-$HOME/.cargo/bin/bindgen}
export LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm-19/lib}

step() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# kmake DIR ARGS...: the kernel's make with this project's toolchain.
kmake() {
	local dir=$1
	shift
	# Variables given to our own make (KERNEL=...) must not reach the kernel's.
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$dir" LLVM=-19 RUSTC="$RMP_RUSTC" RUSTDOC="$RMP_RUSTDOC" \
		CLIPPY_DRIVER="$RMP_CLIPPY" BINDGEN="$RMP_BINDGEN" "$@"
}

# source_deb [KVER]: the downloaded source package of a kernel that does not
# come from the machine's apt sources (see setup.sh), or nothing.
source_deb() {
	local deb
	for deb in "$RMP_PKGDIR/linux-source-${1:-$RMP_KVER}"_*_all.deb; do
		[ -f "$deb" ] && echo "$deb"
	done | tail -n 1
}

# The Debian package version of the kernel sources, e.g. 6.12.117-1~deb12u1.
source_version() {
	if [ -z "$RMP_SUITE" ]; then
		dpkg-query -W -f='${Version}' "$RMP_SOURCE_PKG" 2>/dev/null ||
			die "$RMP_SOURCE_PKG is not installed (run qemu/setup.sh)"
	else
		local deb
		deb=$(source_deb)
		[ -n "$deb" ] || die "$RMP_SOURCE_PKG is not downloaded (run qemu/setup.sh)"
		dpkg-deb -f "$deb" Version
	fi
}

# source_tar: write the kernel's source tarball (.tar.xz) to stdout.
source_tar() {
	if [ -z "$RMP_SUITE" ]; then
		cat "/usr/src/$RMP_SOURCE_PKG.tar.xz"
	else
		dpkg-deb --fsys-tarfile "$(source_deb)" | tar -xO "./usr/src/$RMP_SOURCE_PKG.tar.xz"
	fi
}

# flavour_fragments FLAVOUR: the config fragments of a kernel flavour, in order.
flavour_fragments() {
	case $1 in
	base) echo "$RMP_ROOT/qemu/config/base.config" ;;
	debug) echo "$RMP_ROOT/qemu/config/base.config $RMP_ROOT/qemu/config/debug.config" ;;
	intree) echo "$RMP_ROOT/qemu/config/base.config $RMP_ROOT/qemu/config/debug.config" \
		"$RMP_ROOT/qemu/config/intree.config" ;;
	*) die "unknown kernel flavour '$1' (base, debug, intree)" ;;
	esac
}

# build_dir FLAVOUR: where that flavour is built. The key covers everything
# that changes the kernel image: source version, fragments, toolchain.
build_dir() {
	local key
	# shellcheck disable=SC2046
	key=$({
		source_version
		cat $(flavour_fragments "$1")
		"$RMP_RUSTC" --version
		clang-19 --version | head -n 1
		"$RMP_BINDGEN" --version
	} | sha256sum | cut -c1-12)
	echo "$RMP_CACHE/build-$(source_version | tr "~" _)-$1-$key"
}

# series_dir: where the in-tree series for linux-$RMP_KVER is written.
series_dir() { echo "$RMP_ROOT/out/series/$RMP_KVER"; }

# series_hash SRC: generate the in-tree patch series for linux-$RMP_KVER
# (intree/series.py) from the sources into series_dir and print the hash of
# its patches. Needs the unpacked kernel sources SRC, whose untouched files
# the patches start from.
series_hash() {
	python3 "$RMP_ROOT/intree/series.py" "$RMP_KVER" "$1" "$(series_dir)" >/dev/null
	cat "$(series_dir)"/000[1-9]*.patch | sha256sum | cut -c1-12
}

# unpack_into DIR: unpack the kernel sources into DIR.
unpack_into() {
	source_tar | tar -xJ -C "$1" --strip-components=1
}

# unpack_source: the pristine kernel sources, unpacked once into the cache;
# prints their directory.
unpack_source() {
	local src
	src=$RMP_CACHE/src-$(source_version | tr "~" _)
	if [ ! -f "$src/.rmp-unpacked" ]; then
		mkdir -p "$RMP_CACHE"
		(
			flock 8
			if [ ! -f "$src/.rmp-unpacked" ]; then
				step "unpacking $RMP_SOURCE_PKG $(source_version) into $src"
				rm -rf "$src" "$src.tmp"
				mkdir -p "$src.tmp"
				progress "unpacking" "" "" unpack_into "$src.tmp"
				mv "$src.tmp" "$src"
				touch "$src/.rmp-unpacked"
			fi
		) 8>"$RMP_CACHE/unpack.lock"
	fi
	echo "$src"
}

# progress LABEL LOG TOTAL_FILE CMD...: run CMD, its output going to LOG
# (or where the caller's goes, if LOG is empty), and while it runs say how
# far along it is on stderr: on a terminal one line that updates every
# second, otherwise a line every 30 seconds. "How far" is the time taken and,
# with a LOG, the number of Kbuild steps in it ("  CC      file" lines)
# against the count of the last complete run, kept in TOTAL_FILE (or, before
# any, the count qemu/build-steps gives), which this updates when CMD
# succeeds. Exit status: CMD's. Ctrl-C stops CMD too.
progress() {
	local label=$1 log=$2 total_file=$3 total= pid rc start=$SECONDS every=30 done_n line
	shift 3
	[ -t 2 ] && every=1
	[ -n "$total_file" ] && total=$(cat "$total_file" 2>/dev/null || true)
	[ -n "$total" ] || total=$(awk -v k="${total_file##*/}" '$1 == k { print $2 }' "$RMP_ROOT/qemu/build-steps")
	if [ -n "$log" ]; then
		"$@" >"$log" 2>&1 &
	else
		"$@" &
	fi
	pid=$!
	# CMD may be a shell function, run in a subshell: stop what it runs too.
	trap 'pkill -TERM -P "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; exit 130' INT TERM
	while kill -0 "$pid" 2>/dev/null; do
		# Sleep in short steps so that the end of CMD is seen at once.
		local i
		for ((i = 0; i < every * 2; i++)); do
			kill -0 "$pid" 2>/dev/null || break 2
			sleep 0.5
		done
		done_n=0
		[ -n "$log" ] && [ -f "$log" ] && done_n=$(grep -cE '^  [A-Z][A-Z0-9_]* +[^ ]' "$log" || true)
		line=$(printf '    %s: %d:%02d elapsed' "$label" $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)))
		if [ -n "$log" ]; then
			if [ -n "$total" ] && [ "$total" -gt 0 ]; then
				line+=$(printf ', %d of about %d steps (%d%%)' "$done_n" "$total" $((done_n * 100 / total > 99 ? 99 : done_n * 100 / total)))
			else
				line+=$(printf ', %d steps (no earlier build to compare with)' "$done_n")
			fi
		fi
		if [ -t 2 ]; then
			printf '\r\033[K%s' "$line" >&2
		else
			printf '%s\n' "$line" >&2
		fi
	done
	rc=0
	wait "$pid" || rc=$?
	trap - INT TERM
	[ -t 2 ] && printf '\r\033[K' >&2
	if [ "$rc" = 0 ] && [ -n "$total_file" ] && [ -n "$log" ] && [ -f "$log" ]; then
		grep -cE '^  [A-Z][A-Z0-9_]* +[^ ]' "$log" >"$total_file" || true
	fi
	return "$rc"
}
