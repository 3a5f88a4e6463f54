# SPDX-License-Identifier: GPL-2.0
#
# rust_mempool: the developer entry points (`make help` lists them). Kbuild
# reads ./Kbuild, not this file, when the kernel builds the module
# (make -C $KDIR M=$PWD).

# Empty means each target's default: README.md, "Kernels".
KVER ?=
KERNEL ?=
RUN_KERNEL ?= base
# make cache-clean: empty for everything, or one kernel version.
CLEAN_KVER ?=

# make stress: seconds of stress per kernel (shared by one run per fault rate,
# one under memory pressure and one of the fuzzer), and the fault rates (%).
DURATION ?= 600
FAULTS ?= 1,10,50,100
# ... and how many times it then loads and unloads the module.
CYCLES ?= 1000

.PHONY: help run shell test bench stress series module cache cache-clean clean
help:
	@qemu/help.sh

run:
	@qemu/harness.sh run "$(KVER)" $(RUN_KERNEL)

shell:
	@qemu/harness.sh shell "$(KVER)" $(RUN_KERNEL)

test:
	@qemu/harness.sh test "$(KVER)" $(KERNEL)

bench:
	@BENCH_MODE="$(BENCH_MODE)" qemu/harness.sh bench "$(KVER)" $(RUN_KERNEL)

stress:
	@RMP_DURATION="$(DURATION)" RMP_FAULTS="$(FAULTS)" RMP_CYCLES="$(CYCLES)" \
		qemu/harness.sh stress "$(KVER)" $(KERNEL)

series:
	@for v in $(or $(KVER),6.12 7.3); do RMP_KVER=$$v qemu/setup.sh && RMP_KVER=$$v qemu/series.sh || exit; done

module:
	@RMP_KVER=$(or $(firstword $(KVER)),6.12) qemu/module.sh $(or $(KDIR),$(shell RMP_KVER=$(or $(firstword $(KVER)),6.12) qemu/kernel.sh base))

cache:
	@qemu/cache.sh list

cache-clean:
	@qemu/cache.sh clean $(CLEAN_KVER)

clean:
	@if [ -n "$(KDIR)" ]; then qemu/module.sh $(KDIR) clean; fi
	@find . -path ./.git -prune -o \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name '.*.d' \) -print | xargs rm -f
	@rm -f modules.order Module.symvers selftests/kernel/doctests_generated.rs
