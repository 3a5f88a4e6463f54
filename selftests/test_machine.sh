#!/bin/sh
# The guest is what the other tests assume: several CPUs, so that their
# concurrency is real, and the kernel interfaces the tests drive.
. /selftests/lib.sh

check "machine: at least 2 CPUs online" [ "$(grep -c '^processor' /proc/cpuinfo)" -ge 2 ]
check "machine: failslab in debugfs" [ -d /sys/kernel/debug/failslab ]
check "machine: /sys/kernel/slab present" [ -d /sys/kernel/slab ]
