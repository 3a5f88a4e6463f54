// SPDX-License-Identifier: GPL-2.0

//! The grammar of the control files: one command per write.
//!
//! ```text
//! alloc N     allocate N objects and hold them (pools: without sleeping)
//! free N      free the N most recently held objects
//! reset       free every held object
//! resize N    pools only: keep N elements in reserve
//! ```
//!
//! `N` is a decimal number from 1 to [`MAX_N`], without sign or leading zeros; one space
//! separates it from the command, and one final newline is allowed. Anything else is `EINVAL`.

use kernel::prelude::*;

/// The largest `N` a command takes; also the most objects a control file holds at once.
pub(crate) const MAX_N: usize = 1024;

/// A parsed command.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Cmd {
    Alloc(usize),
    Free(usize),
    Reset,
    Resize(usize),
}

/// Parses one command, or fails with `EINVAL`.
pub(crate) fn parse(input: &[u8]) -> Result<Cmd> {
    let input = input.strip_suffix(b"\n").unwrap_or(input);
    let (verb, arg) = match input.iter().position(|&b| b == b' ') {
        Some(i) => (&input[..i], Some(&input[i + 1..])),
        None => (input, None),
    };
    match (verb, arg) {
        (b"reset", None) => Ok(Cmd::Reset),
        (b"alloc", Some(n)) => Ok(Cmd::Alloc(number(n)?)),
        (b"free", Some(n)) => Ok(Cmd::Free(number(n)?)),
        (b"resize", Some(n)) => Ok(Cmd::Resize(number(n)?)),
        _ => Err(EINVAL),
    }
}

/// `1..=MAX_N` in plain decimal.
fn number(digits: &[u8]) -> Result<usize> {
    if digits.is_empty() || digits.len() > 4 || digits[0] == b'0' {
        return Err(EINVAL);
    }
    let mut n = 0usize;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(EINVAL);
        }
        n = n * 10 + usize::from(d - b'0');
    }
    if n > MAX_N {
        return Err(EINVAL);
    }
    Ok(n)
}
