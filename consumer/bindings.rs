// SPDX-License-Identifier: GPL-2.0

//! The kernel's bindings and the library's C, as bindgen generated them at build time: the
//! `crate::bindings` that the library's sources name.

// As in the kernel's `bindings` crate: generated code keeps C's names and has no SAFETY
// comments, and the driver uses only some of it.
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
include!("helpers_generated.rs");
