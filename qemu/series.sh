#!/usr/bin/env bash
# series.sh: generate the kernel::slab/kernel::mempool patch series into
# out/series/ (intree/series.py) and run the kernel's checkpatch.pl on each
# patch. Prints one "ok - series: ..." or "not ok - series: ..." line per patch.
source "$(dirname "$0")/lib.sh"
# The series is written against 6.12's kernel crate; 7.3's is its own work.
[ "$RMP_KVER" = 6.12 ] || die "there is no in-tree series for linux-$RMP_KVER yet (make series KVER=6.12)"

src=$(unpack_source)
python3 "$RMP_ROOT/intree/series.py" "$src" "$RMP_ROOT/out/series" >/dev/null
step "series: $(find "$RMP_ROOT/out/series" -name '*.patch' | wc -l) patches in $RMP_ROOT/out/series"
for p in "$RMP_ROOT"/out/series/000[1-9]*.patch; do
	name=$(basename "$p")
	# In tree mode, so that the MAINTAINERS and file checks run too.
	if out=$(cd "$src" && perl scripts/checkpatch.pl --terse -q "$p" 2>&1); then
		echo "ok - series: checkpatch.pl $name"
	else
		echo "not ok - series: checkpatch.pl $name"
		echo "$out" | sed 's/^/# /'
	fi
done
