#!/bin/sh
# debugfs: every malformed control write gets its error code, changes
# nothing, and is logged; the grammar's bounds hold exactly.
. /selftests/lib.sh

OBJ=$DBG/rust_mempool_obj
POOL=$DBG/rust_mempool_req_pool

insmod $MOD || { echo "not ok - input: insmod"; exit 1; }
dmesg -c >/dev/null
before=$(cat $OBJ/stats; cat $POOL/stats)

# name|bytes (printf format)|expected error
while IFS='|' read -r name bytes want; do
	[ -n "$name" ] || continue
	expect_eq "input: $name -> $want" "$want" "$(write_err $OBJ/control "$bytes")"
done <<'TABLE'
empty line|\n|EINVAL
garbage|garbage|EINVAL
unknown command|shrink 1\n|EINVAL
alloc without a number|alloc\n|EINVAL
alloc with an empty number|alloc \n|EINVAL
zero|alloc 0\n|EINVAL
leading zero|alloc 01\n|EINVAL
negative|alloc -1\n|EINVAL
plus sign|alloc +1\n|EINVAL
two spaces|alloc  1\n|EINVAL
trailing space|alloc 1 \n|EINVAL
two newlines|alloc 1\n\n|EINVAL
above the bound|alloc 1025\n|EINVAL
huge number|alloc 99999999999999999999\n|EINVAL
hex|alloc 0x10\n|EINVAL
upper case|ALLOC 1\n|EINVAL
reset with a number|reset 1\n|EINVAL
resize on a cache|resize 4\n|EINVAL
free more than held|free 1\n|EINVAL
binary bytes|\001\377\376\n|EINVAL
NUL inside|alloc\0001\n|EINVAL
65 bytes|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|E2BIG
TABLE

expect_eq "input: 1 MiB write -> E2BIG" E2BIG \
	"$(errname "$(dd if=/dev/zero of=$OBJ/control bs=1048576 count=1 2>&1)")"
expect_eq "input: write at offset 1 -> EINVAL" EINVAL \
	"$(errname "$(echo 'alloc 1' | dd of=$OBJ/control bs=8 seek=1 conv=notrunc 2>&1)")"
expect_eq "input: pool resize 0 -> EINVAL" EINVAL "$(write_err $POOL/control 'resize 0\n')"
expect_eq "input: pool resize 1025 -> EINVAL" EINVAL "$(write_err $POOL/control 'resize 1025\n')"
expect_eq "input: nothing changed" "$before" "$(cat $OBJ/stats; cat $POOL/stats)"

# Bounds that are accepted: exactly 64 bytes, N = 1024, no final newline.
expect_eq "input: alloc 1024 is allowed" OK "$(write_err $OBJ/control 'alloc 1024')"
expect_eq "input: held may not exceed 1024" EINVAL "$(write_err $OBJ/control 'alloc 1\n')"
expect_eq "input: free 1024" OK "$(write_err $OBJ/control 'free 1024\n')"
expect_eq "input: 64 bytes reach the parser" EINVAL \
	"$(write_err $OBJ/control 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')"
expect_eq "input: counts exact after the bounds" "allocs=1024 frees=1024 live=0 held=0" \
	"$(stats_line $OBJ/stats allocs frees live held)"

# Refusals are logged, rate-limited per kind (pr_warn_ratelimited: a burst
# of 10 per call site): the 23 refused commands above show fewer lines, the
# two oversize writes and the one at an offset show theirs.
logged() { dmesg | grep -c "rust_mempool: rust_mempool_obj/control: $1"; }
commands=$(logged 'command refused')
check "input: refused commands logged, rate-limited (got $commands of 23)" \
	eval '[ "$commands" -ge 1 ] && [ "$commands" -lt 23 ]'
expect_eq "input: oversize writes logged" 2 "$(logged '.*-byte write refused')"
expect_eq "input: write at an offset logged" 1 "$(logged 'write at offset')"
rmmod rust_mempool
