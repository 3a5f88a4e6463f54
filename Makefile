# SPDX-License-Identifier: GPL-2.0
#
# rust_mempool: the developer entry points. Kbuild reads ./Kbuild, not this
# file, when the kernel builds the module (make -C $KDIR M=$PWD).
#
#   make run                  build, boot, load the module, show its stats
#   make test                 every test, on all three kernel flavours
#   make test KERNEL=base     one flavour only (base, debug, intree)
#   make bench                the library against C on the same caches
#   make series               the kernel::slab/kernel::mempool patch series,
#                             generated into out/series/ and checkpatch'ed
#   make module KDIR=...      build the module against another kernel tree

KERNEL ?= base debug intree
RUN_KERNEL ?= base

.PHONY: run test bench series module clean
run:
	@qemu/harness.sh run $(RUN_KERNEL)

test:
	@qemu/harness.sh test $(KERNEL)

bench:
	@qemu/harness.sh bench $(RUN_KERNEL)

series:
	@qemu/setup.sh
	@qemu/series.sh

module:
	@qemu/module.sh $(or $(KDIR),$(shell qemu/kernel.sh base))

clean:
	@if [ -n "$(KDIR)" ]; then qemu/module.sh $(KDIR) clean; fi
	@find . -path ./.git -prune -o \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name '.*.d' \) -print | xargs rm -f
	@rm -f modules.order Module.symvers selftests/kernel/doctests_generated.rs
