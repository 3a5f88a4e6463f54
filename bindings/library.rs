// SPDX-License-Identifier: GPL-2.0

//! Everything in C that the library calls: the kernel's bindings, and the project's own C
//! (`slab/`, `mempool/`, `debugfs/`) as bindgen generates it from `bindings/library.h` at
//! build time (`Kbuild`), with the helpers of `helpers/` that wrap kernel macros.
//!
//! The library names both as `crate::bindings::...`. In the kernel crate (the in-tree series)
//! that path is the kernel's own `bindings` crate, whose header then includes the project's,
//! so the same source builds in both places.

// As in the kernel's `bindings` crate: generated code keeps C's names, which of its items are
// used depends on the module, and kernel structs it points to may be empty in some
// configurations (`lockdep_map` without lockdep), which `improper_ctypes` flags; bindgen
// writes no SAFETY comments.
#![allow(
    dead_code,
    improper_ctypes,
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    unreachable_pub
)]

pub(crate) use kernel::bindings::*;

include!("library_generated.rs");
include!("../helpers/helpers_generated.rs");
