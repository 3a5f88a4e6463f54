#!/usr/bin/env bash
# series.sh: generate the kernel::slab/kernel::mempool patch series for
# linux-$RMP_KVER into out/series/$RMP_KVER/ (intree/series.py) and check it
# as a maintainer would before taking it. Prints one "ok - series: ..." or
# "not ok - series: ..." line per check:
#   - checkpatch.pl --strict reports nothing on each patch;
#   - the series applies with git am onto the pristine files it touches;
#   - no patch adds a C file or header under rust/kernel/ (7.x convention).
source "$(dirname "$0")/lib.sh"

src=$(unpack_source)
dir=$(series_dir)
python3 "$RMP_ROOT/intree/series.py" "$RMP_KVER" "$src" "$dir" >/dev/null
step "series: $(find "$dir" -name '*.patch' | wc -l) patches in $dir"
patches=("$dir"/000[1-9]*.patch)
for p in "${patches[@]}"; do
	name=$(basename "$p")
	# In tree mode, so that the MAINTAINERS and file checks run too.
	if out=$(cd "$src" && perl scripts/checkpatch.pl --strict --terse -q "$p" 2>&1); then
		echo "ok - series: linux-$RMP_KVER: checkpatch.pl --strict $name"
	else
		echo "not ok - series: linux-$RMP_KVER: checkpatch.pl --strict $name"
		echo "$out" | sed 's/^/# /'
	fi
done

# git am onto a repository of the pristine files the series touches: the
# patches are mails git can apply, to the sources as Debian ships them.
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
# shellcheck disable=SC2046
touched=$(grep -h '^--- a/' "${patches[@]}" | sed 's|^--- a/||' | sort -u)
for f in $touched; do
	mkdir -p "$repo/$(dirname "$f")"
	cp "$src/$f" "$repo/$f"
done
if out=$(cd "$repo" && git init -q && git add -A &&
	git -c user.name=series -c user.email=series@localhost commit -q -m pristine &&
	git -c user.name=series -c user.email=series@localhost am -q "${patches[@]}" 2>&1); then
	echo "ok - series: linux-$RMP_KVER: git am applies all ${#patches[@]} patches to the pristine sources"
else
	echo "not ok - series: linux-$RMP_KVER: git am onto the pristine sources"
	echo "$out" | sed 's/^/# /'
fi

added=$(grep -h '^+++ b/rust/kernel/.*\.[ch]$' "${patches[@]}" || true)
if [ -z "$added" ]; then
	echo "ok - series: linux-$RMP_KVER: no C file or header under rust/kernel/"
else
	echo "not ok - series: linux-$RMP_KVER: C under rust/kernel/"
	echo "$added" | sed 's/^/# /'
fi
