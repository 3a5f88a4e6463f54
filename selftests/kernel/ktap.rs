// SPDX-License-Identifier: GPL-2.0

//! A minimal KTAP reporter (Documentation/dev-tools/ktap.rst): the tests print one KTAP
//! document to the kernel log, each line prefixed by `rmp-ktap: ` so that
//! `selftests/test_kernel.sh` can pick the document out of `dmesg` and nest it in the guest's:
//!
//! ```text
//! KTAP version 1
//! 1..3
//!     KTAP version 1
//!     # Subtest: slab
//!     1..13
//!     ok 1 counts_exact_after_alloc_and_free
//!     # check failed: live == 0
//!     # at selftests/kernel/slab_tests.rs:40
//!     not ok 2 drop_runs_once_per_object
//!     ok 3 static_cache_allocates_on_the_node_asked # SKIP no node argument
//!     # Totals: pass:1 fail:1 skip:1 total:3
//! not ok 1 slab
//! ...
//! ```

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
    // Only tests of what a kernel lacks skip: NUMA where `Allocator` takes no node, bulk pool
    // allocation where the C mempool has none.
    #[cfg_attr(all(rmp_alloc_nid, rmp_mempool_bulk), expect(dead_code))]
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
            // Indented as the results of a suite, whose test is running.
            pr_info!("rmp-ktap:     # check failed: {}\n", stringify!($cond));
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
            pr_info!("rmp-ktap:     # {} = {:?}\n", stringify!($got), got);
            pr_info!("rmp-ktap:     # want {:?}\n", want);
            return Err($crate::ktap::Failure {
                location: core::panic::Location::caller(),
                error: None,
                skip: None,
            });
        }
    }};
}

pub(crate) use {check, check_eq};

/// A named list of tests, reported as one nested KTAP subtest.
pub(crate) type Suite = (&'static str, &'static [Test]);

/// Runs every suite and prints the whole KTAP document: the number of suites up front, then
/// each suite as a subtest with its own plan, results and overall result.
pub(crate) fn run(suites: &[Suite]) {
    pr_info!("rmp-ktap: KTAP version 1\n");
    pr_info!("rmp-ktap: 1..{}\n", suites.len());
    for (number, (name, tests)) in suites.iter().enumerate() {
        // A suite fails if any of its tests failed, and only then (a parser such as
        // kunit.py counts a failing suite whose tests all passed as one more failure).
        if run_suite(name, tests) {
            pr_info!("rmp-ktap: ok {} {}\n", number + 1, name);
        } else {
            pr_info!("rmp-ktap: not ok {} {}\n", number + 1, name);
        }
    }
}

/// Runs `tests` as the subtest `suite`, one level deep. Returns whether none failed.
fn run_suite(suite: &str, tests: &[Test]) -> bool {
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    pr_info!("rmp-ktap:     KTAP version 1\n");
    pr_info!("rmp-ktap:     # Subtest: {}\n", suite);
    pr_info!("rmp-ktap:     1..{}\n", tests.len());
    for (number, (name, test)) in tests.iter().enumerate() {
        let number = number + 1;
        match test() {
            Ok(()) => {
                passed += 1;
                pr_info!("rmp-ktap:     ok {} {}\n", number, name);
            }
            Err(Failure {
                skip: Some(why), ..
            }) => {
                skipped += 1;
                pr_info!("rmp-ktap:     ok {} {} # SKIP {}\n", number, name, why);
            }
            Err(f) => {
                failed += 1;
                // Diagnostics go before the result line they explain.
                pr_info!(
                    "rmp-ktap:     # at {}:{}\n",
                    f.location.file(),
                    f.location.line()
                );
                if let Some(e) = f.error {
                    pr_info!("rmp-ktap:     # error {:?}\n", e);
                }
                pr_info!("rmp-ktap:     not ok {} {}\n", number, name);
            }
        }
    }
    pr_info!(
        "rmp-ktap:     # Totals: pass:{} fail:{} skip:{} total:{}\n",
        passed,
        failed,
        skipped,
        tests.len()
    );
    failed == 0
}
