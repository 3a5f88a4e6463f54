# SPDX-License-Identifier: GPL-2.0
#
# Each module's Rust sees the project's C through bindgen, as the kernel crate
# sees the kernel (rust/Makefile): one header per module in, one file out,
# with the kernel's C flags. Only the project's rmp_* items are generated; the
# kernel types they mention resolve to kernel::bindings, which the module that
# includes the file re-exports (bindings/library.rs). Included by ./Kbuild and
# by the compile-fail checks.
quiet_cmd_rmp_bindgen = BINDGEN $@
      cmd_rmp_bindgen = $(BINDGEN) $< --use-core --with-derive-default \
	--ctypes-prefix kernel::ffi --no-layout-tests --no-debug '.*' \
	--enable-function-attribute-detection --no-doc-comments \
	--no-recursive-allowlist --allowlist-function 'rmp_.*' \
	--allowlist-type 'rmp_.*' --allowlist-var 'RMP_.*' -o $@ -- \
	$(c_flags) -fno-builtin -D__BINDGEN__ -DMODULE; \
	sed -Ei 's/pub const RMP_CONST_([a-zA-Z0-9_]*)/pub const \1/g' $@

$(obj)/%_generated.rs: $(src)/%.h FORCE
	$(call if_changed_dep,rmp_bindgen)

# The helpers (helpers/helpers.c): functions only, each named without its
# rmp_helper_ prefix and linked to the prefixed symbol, as rust/Makefile does
# for rust_helper_.
quiet_cmd_rmp_bindgen_helpers = BINDGEN $@
      cmd_rmp_bindgen_helpers = $(BINDGEN) $< --use-core \
	--ctypes-prefix kernel::ffi --no-layout-tests --no-debug '.*' \
	--enable-function-attribute-detection --no-doc-comments \
	--blocklist-type '.*' --allowlist-var '' \
	--allowlist-function 'rmp_helper_.*' -o $@ -- \
	$(c_flags) -fno-builtin -D__BINDGEN__ -DMODULE \
	-Wno-missing-prototypes -Wno-missing-declarations; \
	sed -Ei 's/pub fn rmp_helper_([a-zA-Z0-9_]*)/\#[link_name="rmp_helper_\1"]\n    pub fn \1/g' $@

$(obj)/helpers/helpers_generated.rs: $(src)/helpers/helpers.c FORCE
	$(call if_changed_dep,rmp_bindgen_helpers)
