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

/// Makes this task one that fault injection may fail (`make_it_fail`): the tests' tasks are,
/// from the module's init and each thread's start on, as test_kernel.sh arms fault injection
/// for them alone.
pub(crate) fn this_task_under_test() {
    // SAFETY: Sets a field of the current task only.
    unsafe { bindings::rmp_test_fail_this_task(true) };
}

/// While alive, fault injection spares this task: for a test that must allocate blocks of
/// `MAX_PAGE_ORDER`, which fail for the tests' tasks otherwise.
pub(crate) struct Spared(());

/// Spares this task from fault injection until the result is dropped.
pub(crate) fn spare_this_task() -> Spared {
    // SAFETY: Sets a field of the current task only.
    unsafe { bindings::rmp_test_fail_this_task(false) };
    Spared(())
}

impl Drop for Spared {
    fn drop(&mut self) {
        this_task_under_test();
    }
}
