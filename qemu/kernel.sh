#!/usr/bin/env bash
# kernel.sh FLAVOUR: build (or reuse) the test kernel of that flavour and print
# its build directory, which is the KDIR for out-of-tree module builds.
source "$(dirname "$0")/lib.sh"

flavour=${1:-base}
out=$(build_dir "$flavour")
src=$RMP_CACHE/src-$(source_version | tr "~" _)
# The in-tree flavour builds a copy of the sources with the series applied;
# its build directory is reused across versions of the series (an incremental
# build), and is complete only for the series it was last built with.
ksrc=$src series=
if [ "$flavour" = intree ]; then
	ksrc=$src-intree
	[ -f "$src/.rmp-unpacked" ] && series=$(series_hash "$src")
fi

cached() {
	if [ -f "$out/.rmp-complete" ] &&
		{ [ "$flavour" != intree ] || [ "$(cat "$out/.rmp-series" 2>/dev/null)" = "$series" ]; }; then
		step "kernel ($flavour): cached at $out"
		echo "$out"
		exit 0
	fi
}
cached

# One kernel build at a time: two makes in one tree corrupt each other, and
# a second caller should wait for the build, then reuse it.
mkdir -p "$RMP_CACHE"
exec 9>"$RMP_CACHE/kernel.lock"
if ! flock -n 9; then
	step "kernel ($flavour): waiting for another kernel build to finish"
	flock 9
fi
cached

src=$(unpack_source)

# Apply the series to a fresh hard-linked copy of the sources. Hard links
# share their mtime, so the build sees only the files the series touches as
# changed and rebuilds just those; patch(1) writes new files, so the links
# never change $src.
if [ "$flavour" = intree ]; then
	series=$(series_hash "$src")
	if [ "$(cat "$ksrc/.rmp-series" 2>/dev/null)" != "$series" ]; then
		step "applying the in-tree series ($series) to $ksrc"
		rm -f "$out/.rmp-complete"
		rm -rf "$ksrc"
		cp -al "$src" "$ksrc"
		for p in "$(series_dir)"/000[1-9]*.patch; do
			patch -s -p1 -d "$ksrc" <"$p" || die "the series does not apply: $p"
		done
		echo "$series" >"$ksrc/.rmp-series"
	fi
fi

# The directory name is the hash of the configuration: a build that was
# interrupted after configuring resumes where it stopped.
if [ -f "$out/.rmp-configured" ]; then
	step "kernel ($flavour): building on in $out (interrupted, or a new series)"
else
	step "configuring kernel ($flavour): tinyconfig + $(flavour_fragments "$flavour" | xargs -n1 basename | xargs)"
	rm -rf "$out"
	mkdir -p "$out"
	kmake "$ksrc" O="$out" tinyconfig >/dev/null
	# shellcheck disable=SC2046
	"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		$(flavour_fragments "$flavour") >/dev/null
	kmake "$ksrc" O="$out" olddefconfig >/dev/null

	# A fragment option that Kconfig dropped (unmet dependency, toolchain not
	# detected) would give a kernel that silently tests less: refuse it.
	missing=0
	# shellcheck disable=SC2046
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) want=$line ;;
		"# CONFIG_"*" is not set") want=$line ;;
		*) continue ;;
		esac
		if ! grep -qxF "$want" "$out/.config"; then
			if [ "${want#\# }" != "$want" ]; then
				name=${want#\# }
				name=${name%% *}
				grep -q "^$name=" "$out/.config" || continue
			fi
			echo "config: wanted '$want', got '$(grep -E "^(# )?${want##*CONFIG_}" "$out/.config" | head -n 1)'" >&2
			missing=1
		fi
	done < <(cat $(flavour_fragments "$flavour"))
	[ "$missing" = 0 ] || die "kernel config ($flavour) lacks options above; see $out/.config"
	touch "$out/.rmp-configured"
fi

# The in-tree flavour compiles Rust with clippy, as `make CLIPPY=1` would:
# harness.sh reads the warnings about the series' files from build.log.
extra=()
[ "$flavour" = intree ] && extra=(CLIPPY=1)
step "building linux-$RMP_KVER ($flavour) with $(nproc) jobs (log: $out/build.log)"
if ! progress "linux-$RMP_KVER ($flavour)" "$out/build.log" "$RMP_CACHE/steps-$RMP_KVER-$flavour" \
	kmake "$ksrc" O="$out" "${extra[@]}" -j"$(nproc)" bzImage modules; then
	tail -n 40 "$out/build.log" >&2
	die "kernel build failed; full log: $out/build.log"
fi
if [ "$flavour" = intree ]; then
	step "kernel ($flavour): make rustdoc (log: $out/rustdoc.log)"
	if ! progress "make rustdoc" "$out/rustdoc.log" "$RMP_CACHE/steps-$RMP_KVER-rustdoc" \
		kmake "$ksrc" O="$out" rustdoc; then
		tail -n 40 "$out/rustdoc.log" >&2
		die "make rustdoc failed; full log: $out/rustdoc.log"
	fi
	echo "$series" >"$out/.rmp-series"
fi
touch "$out/.rmp-complete"
step "kernel ($flavour): built at $out"
echo "$out"
