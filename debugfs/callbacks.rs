// SPDX-License-Identifier: GPL-2.0

//! The callbacks that `debugfs/files.c` calls, one pair per data type.

use super::{Command, SeqFile, Show};
use crate::bindings::{rmp_file_ops, seq_file};
use core::marker::PhantomData;
use kernel::ffi::{c_char, c_int, c_void};

/// The callbacks for files of data type `T`.
pub(super) struct Ops<T>(PhantomData<T>);

impl<T: Show> Ops<T> {
    pub(super) const SHOW: rmp_file_ops = rmp_file_ops {
        show: Some(show::<T>),
        write: None,
    };
}

impl<T: Command> Ops<T> {
    pub(super) const COMMAND: rmp_file_ops = rmp_file_ops {
        show: Some(show::<T>),
        write: Some(write::<T>),
    };
}

/// # Safety
///
/// `m` is the `seq_file` of a read in progress and `data` the data of a file made with
/// `Ops::<T>`: an `Arc<T>` that the tree keeps alive until the file is removed.
unsafe extern "C" fn show<T: Show>(m: *mut seq_file, data: *const c_void) -> c_int {
    // SAFETY: By the safety requirements `data` is a live `T`.
    let data = unsafe { &*data.cast::<T>() };
    let mut out = SeqFile { m, _p: PhantomData };
    match data.show(&mut out) {
        Ok(()) => 0,
        Err(_) => kernel::error::code::EINVAL.to_errno(),
    }
}

/// # Safety
///
/// `data` is as for `show`; `cmd` is valid for `len` bytes during the call.
unsafe extern "C" fn write<T: Command>(
    data: *const c_void,
    cmd: *const c_char,
    len: usize,
) -> c_int {
    // SAFETY: By the safety requirements `data` is a live `T`.
    let data = unsafe { &*data.cast::<T>() };
    // SAFETY: By the safety requirements `cmd` is valid for reads of `len` bytes.
    let cmd = unsafe { core::slice::from_raw_parts(cmd.cast::<u8>(), len) };
    match data.command(cmd) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}
