# SPDX-License-Identifier: GPL-2.0
#
# --cfg flags for the kernel crate API of the tree being built against,
# found by probing its sources for each feature rather than by version, so
# kernels between 6.12 and 7.3 and vendor backports get what they have.
# Included by ./Kbuild and by the compile-fail checks; slab/compat.rs and
# mempool/compat.rs are the Rust files that read the flags.

rmp-has = $(shell grep -qs -- $(2) $(srctree)/$(1) && echo y)

# Allocator::realloc() takes a NumaNode, and Allocator has MIN_ALIGN (6.18).
rmp-cfg-$(call rmp-has,rust/kernel/alloc.rs,'nid: NumaNode') += rmp_alloc_nid
# pin-init is its own crate: no PinInit::__pinned_init, Zeroable in pin_init.
rmp-cfg-$(if $(wildcard $(srctree)/rust/pin-init/src/lib.rs),y) += rmp_pin_init_crate
# Vec::set_len() gave way to inc_len() and truncate().
rmp-cfg-$(call rmp-has,rust/kernel/alloc/kvec.rs,'fn inc_len') += rmp_kvec_inc_len

# kernel::sync::atomic, atomics with the kernel's memory model (6.18).
rmp-cfg-$(if $(wildcard $(srctree)/rust/kernel/sync/atomic.rs),y) += rmp_kernel_atomic
# kernel::sync::rcu and kernel::sync::barrier (6.17, 6.18).
rmp-cfg-$(if $(wildcard $(srctree)/rust/kernel/sync/barrier.rs),y) += rmp_kernel_barrier
rmp-cfg-$(if $(wildcard $(srctree)/rust/kernel/sync/rcu.rs),y) += rmp_kernel_rcu
# kernel::alloc::flags has GFP_NOIO and GFP_NOFS (the 7.3 series adds them).
rmp-cfg-$(call rmp-has,rust/kernel/alloc.rs,'pub const GFP_NOIO') += rmp_gfp_noio
# mempool_alloc_bulk() and mempool_free_bulk() (6.19).
rmp-cfg-$(call rmp-has,include/linux/mempool.h,'mempool_alloc_bulk') += rmp_mempool_bulk
# pr_*! format through kernel::fmt::Display, which core's Display does not imply.
rmp-cfg-$(call rmp-has,rust/kernel/fmt.rs,'pub trait Display') += rmp_kernel_fmt

# Caches and pools register with rust_mempool.ko's debugfs registry
# (debugfs/registry.c): always out of tree; the in-tree series has no registry.
rmp-cfg-y += rmp_registry

# this_cpu operations are one %gs-relative instruction (x86-64 with SMP).
ifeq ($(CONFIG_X86_64)$(CONFIG_SMP),yy)
rmp-cfg-y += rmp_this_cpu_asm
endif

rustflags-y += $(addprefix --cfg ,$(rmp-cfg-y))
