# shellcheck shell=bash
# Common settings for the qemu/ scripts: paths, the cache key, the kernel
# make wrapper and progress output. Sourced, never run.

set -euo pipefail

RMP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RMP_CACHE=${RMP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rust_mempool}
RMP_SOURCE_PKG=linux-source-6.12
RMP_TARBALL=/usr/src/$RMP_SOURCE_PKG.tar.xz

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

# The Debian package version of the kernel sources, e.g. 6.12.117-1~deb12u1.
source_version() {
	dpkg-query -W -f='${Version}' "$RMP_SOURCE_PKG" 2>/dev/null ||
		die "$RMP_SOURCE_PKG is not installed (run qemu/setup.sh)"
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

# series_hash: generate the in-tree patch series (intree/series.py) from the
# sources into out/series/ and print the hash of its patches. Needs the
# unpacked kernel sources, whose untouched files the patches start from.
series_hash() {
	python3 "$RMP_ROOT/intree/series.py" "$1" "$RMP_ROOT/out/series" >/dev/null
	cat "$RMP_ROOT"/out/series/000[1-9]*.patch | sha256sum | cut -c1-12
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
				step "unpacking $RMP_TARBALL into $src"
				rm -rf "$src" "$src.tmp"
				mkdir -p "$src.tmp"
				tar -xf "$RMP_TARBALL" -C "$src.tmp" --strip-components=1
				mv "$src.tmp" "$src"
				touch "$src/.rmp-unpacked"
			fi
		) 8>"$RMP_CACHE/unpack.lock"
	fi
	echo "$src"
}
