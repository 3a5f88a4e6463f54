#!/usr/bin/env bash
# series-bisect.sh KDIR: every proper prefix of the series (patch 1, patches
# 1-2, ...) must build rust/ (the kernel crate and the C side) with CLIPPY=1
# and no warning, so that the series can be bisected. Uses the configuration
# of the intree build in KDIR and a build directory of its own, kept in the
# cache (the first run prepares it: about two minutes). Prints one TAP line
# per prefix.
source "$(dirname "$0")/lib.sh"

kdir=$1
src=$(unpack_source)
patches=("$(series_dir)"/000[1-9]*.patch)
n=${#patches[@]}
psrc=$RMP_CACHE/src-$(source_version | tr "~" _)-prefix
out=$RMP_CACHE/build-$(basename "$kdir" | sed 's/^build-//')-prefix

# A fresh copy each time: the prefixes are applied one after another.
rm -rf "$psrc"
cp -al "$src" "$psrc"
mkdir -p "$out"
if ! cmp -s "$kdir/.config" "$out/.config"; then
	cp "$kdir/.config" "$out/.config"
fi

for ((k = 1; k < n; k++)); do
	name="patches 1-$k of $n"
	[ "$k" = 1 ] && name="patch 1 of $n"
	if ! patch -s -p1 -d "$psrc" <"${patches[k - 1]}"; then
		echo "not ok - series: $name applies"
		break
	fi
	step "series: building rust/ after $name (log: $out/prefix-$k.log)"
	if ! progress "rust/ after $name" "$out/prefix-$k.log" "" \
		kmake "$psrc" O="$out" CLIPPY=1 -j"$(nproc)" olddefconfig prepare rust/; then
		echo "not ok - series: rust/ builds after $name"
		tail -n 20 "$out/prefix-$k.log" | sed 's/^/# /'
	elif grep -qE '^(warning|error)|: (warning|error): ' "$out/prefix-$k.log"; then
		echo "not ok - series: rust/ builds without warnings after $name"
		grep -E -A4 '^(warning|error)|: (warning|error): ' "$out/prefix-$k.log" | sed 's/^/# /'
	else
		echo "ok - series: rust/ builds with CLIPPY=1 and no warning after $name"
	fi
done
rm -rf "$psrc"
