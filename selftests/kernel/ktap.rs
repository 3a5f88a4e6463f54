// SPDX-License-Identifier: GPL-2.0

//! A minimal test reporter: one `rmp-ktap:` line per result in the kernel log, which
//! `selftests/test_kernel.sh` turns into TAP.

use core::panic::Location;
use kernel::prelude::*;

/// Why a test failed: where, and what; or why it was skipped.
pub(crate) struct Failure {
    pub(crate) location: &'static Location<'static>,
    pub(crate) error: Option<Error>,
    pub(crate) skip: Option<&'static str>,
}

impl Failure {
    /// The test does not apply to this kernel, for the reason `why`: reported as a skip.
    // Only the NUMA test skips, and only where `Allocator` takes no node.
    #[cfg_attr(rmp_alloc_nid, expect(dead_code))]
    #[track_caller]
    pub(crate) fn skip(why: &'static str) -> Self {
        Self {
            location: Location::caller(),
            error: None,
            skip: Some(why),
        }
    }
}

impl From<Error> for Failure {
    #[track_caller]
    fn from(error: Error) -> Self {
        Self {
            location: Location::caller(),
            error: Some(error),
            skip: None,
        }
    }
}

/// As `Error` converts it, so that examples may use `?` on `CStr::to_str()` as in the kernel.
impl From<core::str::Utf8Error> for Failure {
    #[track_caller]
    fn from(e: core::str::Utf8Error) -> Self {
        Self {
            location: Location::caller(),
            error: Some(Error::from(e)),
            skip: None,
        }
    }
}

impl From<kernel::alloc::AllocError> for Failure {
    #[track_caller]
    fn from(_: kernel::alloc::AllocError) -> Self {
        Self {
            location: Location::caller(),
            error: Some(ENOMEM),
            skip: None,
        }
    }
}

pub(crate) type TestResult = core::result::Result<(), Failure>;

/// A named test.
pub(crate) type Test = (&'static str, fn() -> TestResult);

/// Fails the test unless the condition holds.
macro_rules! check {
    ($cond:expr) => {
        if !$cond {
            pr_info!("rmp-ktap: #   check failed: {}\n", stringify!($cond));
            return Err($crate::ktap::Failure {
                location: core::panic::Location::caller(),
                error: None,
                skip: None,
            });
        }
    };
}

/// Fails the test unless both sides are equal, printing both.
macro_rules! check_eq {
    ($got:expr, $want:expr) => {{
        let (got, want) = (&$got, &$want);
        if got != want {
            pr_info!("rmp-ktap: #   {} = {:?}\n", stringify!($got), got);
            pr_info!("rmp-ktap: #   want {:?}\n", want);
            return Err($crate::ktap::Failure {
                location: core::panic::Location::caller(),
                error: None,
                skip: None,
            });
        }
    }};
}

pub(crate) use {check, check_eq};

/// Runs `tests`, prefixing each name with `suite`. Returns the number that failed.
pub(crate) fn run_suite(suite: &str, tests: &[Test]) -> usize {
    let mut failed = 0;
    for (name, test) in tests {
        match test() {
            Ok(()) => pr_info!("rmp-ktap: ok - {}: {}\n", suite, name),
            Err(Failure {
                skip: Some(why), ..
            }) => pr_info!("rmp-ktap: ok - {}: {} # SKIP {}\n", suite, name, why),
            Err(f) => {
                failed += 1;
                pr_info!("rmp-ktap: not ok - {}: {}\n", suite, name);
                pr_info!(
                    "rmp-ktap: #   at {}:{}\n",
                    f.location.file(),
                    f.location.line()
                );
                if let Some(e) = f.error {
                    pr_info!("rmp-ktap: #   error {:?}\n", e);
                }
            }
        }
    }
    failed
}
