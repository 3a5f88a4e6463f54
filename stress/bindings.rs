// SPDX-License-Identifier: GPL-2.0

//! The kernel's bindings and, generated from `stress/bindings.h` at build time, the C of the
//! library, of the tests' threads and of the stress test: the stress module's
//! `crate::bindings`, as `bindings/library.rs` is the library's.

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

include!("bindings_generated.rs");
include!("../helpers/helpers_generated.rs");
