// SPDX-License-Identifier: GPL-2.0

//! The registry of every cache and pool made with the library, in any module
//! (`debugfs/registry.c`), as `rust_mempool.ko` opens it under its debugfs root, and the
//! `summary` file that lists it, most memory first, like `slabtop`.

use crate::bindings;
use crate::debugfs::{SeqFile, Show, Tree};
use core::fmt::Write;
use kernel::{ffi::c_char, prelude::*};

/// While alive, registered caches and pools show under the tree's root, one directory per
/// module; dropping it removes their directories (their entries go when they drop).
///
/// # Invariants
///
/// The registry shows its entries under the root of a tree that outlives this object.
pub(crate) struct Registry(());

impl Registry {
    /// Shows the registry under `tree`'s root until the result drops, which must be before
    /// `tree` drops.
    pub(crate) fn open(tree: &Tree) -> Self {
        // SAFETY: The root is a live directory, or null for an empty tree (no entry then gets
        // a directory), and stays so until the registry is closed: the caller drops the result
        // before the tree.
        unsafe { bindings::rmp_registry_open(tree.root()) };
        // INVARIANT: opened under the tree's root just now.
        Self(())
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        // SAFETY: No preconditions; the root is still live (type invariant).
        unsafe { bindings::rmp_registry_close() };
    }
}

/// The first line of the `summary` file, naming the columns of each entry's line.
pub(crate) const HEADER: &str = "module                 kind  name                             \
                                 allocs    frees     live failures     memory\n";

/// The top-level `summary`: one line per registered cache and pool, of every module, most
/// memory in use (live objects times object size) first.
pub(crate) struct Summary;

/// A `char` array from C as text: up to its first NUL.
fn text(chars: &[c_char]) -> &str {
    // SAFETY: `c_char` and `u8` have the same size and alignment, and every value of one is a
    // value of the other.
    let bytes = unsafe { core::slice::from_raw_parts(chars.as_ptr().cast::<u8>(), chars.len()) };
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    core::str::from_utf8(&bytes[..len]).unwrap_or("?")
}

fn memory(row: &bindings::rmp_row) -> u64 {
    row.totals.live.saturating_mul(row.totals.object_size)
}

/// The registry's rows now, most memory first, then by module and name.
fn rows() -> Result<KVec<bindings::rmp_row>> {
    let mut rows = KVec::new();
    loop {
        let room = rows.capacity();
        // SAFETY: `rows` has room for `room` rows, which the call fills at most.
        let n = unsafe { bindings::rmp_registry_rows(rows.as_mut_ptr(), room) };
        if n <= room {
            // SAFETY: `rows` is empty, and the call wrote its first `n` slots, within capacity.
            unsafe { crate::slab::compat::kvec_fill_empty(&mut rows, n) };
            break;
        }
        // Entries came since: room for them, and a few more, then read again.
        rows.reserve(n + 8, GFP_KERNEL)?;
    }
    rows.sort_unstable_by(|a, b| {
        memory(b)
            .cmp(&memory(a))
            .then_with(|| text(&a.module).cmp(text(&b.module)))
            .then_with(|| text(&a.name).cmp(text(&b.name)))
    });
    Ok(rows)
}

impl Show for Summary {
    fn show(&self, out: &mut SeqFile<'_>) -> core::fmt::Result {
        let rows = rows().map_err(|_| core::fmt::Error)?;
        out.write_str(HEADER)?;
        for r in rows.iter() {
            writeln!(
                out,
                "{:<22} {:<5} {:<32} {:>8} {:>8} {:>8} {:>8} {:>10}",
                text(&r.module),
                text(&r.kind),
                text(&r.name),
                r.totals.allocs,
                r.totals.frees,
                r.totals.live,
                r.totals.failures,
                memory(r)
            )?;
        }
        Ok(())
    }
}
