#!/usr/bin/env bash
# setup.sh [KVER...]: install what building and booting the test kernels of
# those versions needs (default: $RMP_KVER), on Debian 12 as root. Does
# nothing for what is already there.
source "$(dirname "$0")/lib.sh"
kvers=${*:-$RMP_KVER}

# Refusals that can be made before any work starts: each names the cause and
# what to do about it.
for kver in $kvers; do
	kver_suite "$kver" >/dev/null
done
# RMP_OS_RELEASE lets the harness's own checks stand in another system.
os_release=${RMP_OS_RELEASE:-/etc/os-release}
# shellcheck disable=SC1090
[ -r "$os_release" ] && . "$os_release"
[ "${ID:-}" = debian ] && [ "${VERSION_ID:-}" = 12 ] ||
	die "this needs Debian 12 (bookworm), found ${PRETTY_NAME:-an unknown system}: run it on Debian 12, e.g. in a VM"
command -v apt-get >/dev/null || die "apt-get is missing: this needs Debian 12 with apt"
# A kernel needs its sources unpacked (about 1.8 GB) and its build trees
# (measured: 1.2 GB for 6.12's base and intree, 1 GB for 7.3's base and
# debug, and the 7.3 package); a margin on top.
need_gb=0
for kver in $kvers; do
	compgen -G "$RMP_CACHE/build-$kver.*" >/dev/null || need_gb=$((need_gb + 4))
done
if [ "$need_gb" -gt 0 ]; then
	# The cache, or the directory it will be made in.
	at=$RMP_CACHE
	while [ ! -d "$at" ]; do at=$(dirname "$at"); done
	free_gb=$(($(df --output=avail -k "$at" | tail -n 1) / 1024 / 1024))
	[ "$free_gb" -ge "$need_gb" ] ||
		die "$free_gb GB free under $RMP_CACHE, a first build of linux $kvers needs about $need_gb GB: free some space or set RMP_CACHE to a larger disk"
fi

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
	[make]=/usr/bin/make
	[xz-utils]=/usr/bin/xz
	[python3]=/usr/bin/python3
	[gcc]=/usr/bin/gcc
	# Static C library: make stress's guest programs (qemu/initramfs.sh).
	[libc6-dev]=/usr/lib/x86_64-linux-gnu/libc.a
	[perl]=/usr/bin/perl
	[git]=/usr/bin/git
	[patch]=/usr/bin/patch
	[procps]=/usr/bin/pkill
)
# Kernel sources that the machine's apt sources carry are installed.
for kver in $kvers; do
	[ -n "$(kver_suite "$kver")" ] || need[linux-source-$kver]=/usr/src/linux-source-$kver.tar.xz
done
missing=()
for pkg in "${!need[@]}"; do
	[ -e "${need[$pkg]}" ] || missing+=("$pkg")
done
# cargo builds bindgen; rustup's works, else Debian's.
command -v cargo >/dev/null || missing+=(cargo-web)

if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "not root: run as root (or with sudo) to install ${missing[*]}"
	step "installing Debian packages: ${missing[*]}"
	# An install that was interrupted leaves dpkg asking for this first.
	dpkg --configure -a >/dev/null 2>&1 || true
	progress "apt-get update" "" "" apt-get update -qq ||
		die "apt-get update failed: check the network and the mirrors in /etc/apt/sources.list*"
	progress "apt-get install" "" "" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install failed for: ${missing[*]} (is each in your apt sources? apt-cache policy NAME)"
fi

# One bindgen for both kernels: 7.3 needs at least 0.71.1, and 0.72.1 also
# generates 6.12's bindings (both pass `make rustavailable` with it).
if ! "$RMP_BINDGEN" --version 2>/dev/null | grep -q '^bindgen 0\.72\.1$'; then
	step "installing bindgen-cli 0.72.1 with cargo (about 2 minutes)"
	progress "cargo install bindgen-cli" "" "" cargo install --locked --quiet bindgen-cli --version 0.72.1 \
		--root "$HOME/.cargo" || die "cargo install bindgen-cli failed: is crates.io reachable?"
fi

# Kernel sources from another suite: download the source package through a
# private sources list (the machine's own stays as it is), from the Debian
# mirror the machine already uses. The .deb lands in the cache under its
# final name only when complete.
for kver in $kvers; do
	suite=$(kver_suite "$kver")
	[ -z "$suite" ] || [ -n "$(source_deb "$kver")" ] && continue
	mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' |
		awk -v rel="${VERSION_CODENAME:-bookworm}" '$2 == rel { print $1; exit }')
	[ -n "$mirror" ] || die "no Debian mirror for ${VERSION_CODENAME:-?} in the apt sources: cannot fetch linux-source-$kver"
	apt=$RMP_PKGDIR/apt-$suite
	rm -rf "$apt"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$apt/sources.list"
	aptopts=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root
		-o Debug::NoLocking=1)
	step "downloading linux-source-$kver from $suite (about 170 MB)"
	apt-get "${aptopts[@]}" -qq update || die "apt-get update of $suite failed: is the Debian mirror $mirror reachable?"
	(cd "$apt/dl" && progress "apt-get download linux-source-$kver" "" "" \
		apt-get "${aptopts[@]}" -qq download "linux-source-$kver") ||
		die "apt-get download linux-source-$kver from $suite failed: is the package in $suite? (apt-cache policy does not see that suite; see $apt/lists)"
	deb=$(ls "$apt/dl"/linux-source-"$kver"_*_all.deb)
	dpkg-deb --info "$deb" >/dev/null || die "downloaded $deb is not a valid package"
	mv "$deb" "$RMP_PKGDIR/"
	rm -rf "$apt"
done
