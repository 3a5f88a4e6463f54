// SPDX-License-Identifier: GPL-2.0

//! Fault injection into one cache, for tests of allocation failure.

use crate::bindings;
use kernel::{error::to_result, prelude::*};

/// While alive, the named cache is marked for failslab: with failslab armed and its
/// `cache-filter` set (as `test_kernel.sh` does), every allocation from it fails.
pub(crate) struct Marked(&'static CStr);

/// Marks the cache `name`; unmarks it when the result is dropped.
pub(crate) fn mark(name: &'static CStr) -> Result<Marked> {
    // SAFETY: `name` is a NUL-terminated string.
    to_result(unsafe { bindings::rmp_test_failslab(name.as_char_ptr(), true) })?;
    Ok(Marked(name))
}

impl Drop for Marked {
    fn drop(&mut self) {
        // SAFETY: `self.0` is a NUL-terminated string.
        let _ = unsafe { bindings::rmp_test_failslab(self.0.as_char_ptr(), false) };
    }
}
