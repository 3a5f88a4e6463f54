#!/usr/bin/env bash
# kernel.sh FLAVOUR: build (or reuse) the test kernel of that flavour and print
# its build directory, which is the KDIR for out-of-tree module builds.
source "$(dirname "$0")/lib.sh"

flavour=${1:-base}
out=$(build_dir "$flavour")
src=$RMP_CACHE/src-$(source_version | tr "~" _)

cached() {
	if [ -f "$out/.rmp-complete" ]; then
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

if [ ! -f "$src/.rmp-unpacked" ]; then
	step "unpacking $RMP_TARBALL into $src"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf "$RMP_TARBALL" -C "$src.tmp" --strip-components=1
	mv "$src.tmp" "$src"
	touch "$src/.rmp-unpacked"
fi

# The directory name is the hash of the configuration: a build that was
# interrupted after configuring resumes where it stopped.
if [ -f "$out/.rmp-configured" ]; then
	step "kernel ($flavour): resuming the interrupted build in $out"
else
	step "configuring kernel ($flavour): tinyconfig + $(flavour_fragments "$flavour" | xargs -n1 basename | xargs)"
	rm -rf "$out"
	mkdir -p "$out"
	kmake "$src" O="$out" tinyconfig >/dev/null
	# shellcheck disable=SC2046
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		$(flavour_fragments "$flavour") >/dev/null
	kmake "$src" O="$out" olddefconfig >/dev/null

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

step "building kernel ($flavour) with $(nproc) jobs (a few minutes; log: $out/build.log)"
if ! kmake "$src" O="$out" -j"$(nproc)" bzImage modules >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	die "kernel build failed; full log: $out/build.log"
fi
touch "$out/.rmp-complete"
step "kernel ($flavour): built at $out"
echo "$out"
