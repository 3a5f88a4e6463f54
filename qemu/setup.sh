#!/usr/bin/env bash
# setup.sh: install what building and booting the test kernel needs, on
# Debian 12 as root. Does nothing for what is already there.
source "$(dirname "$0")/lib.sh"

# The Debian packages, each with a file that proves it is installed.
declare -A need=(
	[rustc-web]=/usr/bin/rustc
	[rust-web-src]=/usr/lib/rustlib/src/rust/library/core/src/lib.rs
	[rust-web-clippy]=/usr/bin/clippy-driver
	[rustfmt-web]=/usr/bin/rustfmt
	[clang-19]=/usr/bin/clang-19
	[lld-19]=/usr/bin/ld.lld-19
	[llvm-19]=/usr/bin/llvm-ar-19
	[libclang-19-dev]=/usr/lib/llvm-19/lib/libclang.so
	[flex]=/usr/bin/flex
	[bison]=/usr/bin/bison
	[bc]=/usr/bin/bc
	[libelf-dev]=/usr/include/libelf.h
	[libssl-dev]=/usr/include/openssl/ssl.h
	[cpio]=/usr/bin/cpio
	[qemu-system-x86]=/usr/bin/qemu-system-x86_64
	[busybox-static]=/bin/busybox
	[linux-source-6.12]=$RMP_TARBALL
	[make]=/usr/bin/make
	[xz-utils]=/usr/bin/xz
	[python3]=/usr/bin/python3
	[gcc]=/usr/bin/gcc
	[perl]=/usr/bin/perl
	[git]=/usr/bin/git
	[patch]=/usr/bin/patch
)
missing=()
for pkg in "${!need[@]}"; do
	[ -e "${need[$pkg]}" ] || missing+=("$pkg")
done
# cargo builds bindgen; rustup's works, else Debian's.
command -v cargo >/dev/null || missing+=(cargo-web)

if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
	step "installing Debian packages: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
fi

if ! "$RMP_BINDGEN" --version 2>/dev/null | grep -q '^bindgen 0\.69\.5$'; then
	step "installing bindgen-cli 0.69.5 with cargo (about 3 minutes)"
	cargo install --locked --quiet bindgen-cli --version 0.69.5 --root "$HOME/.cargo"
fi
