// SPDX-License-Identifier: GPL-2.0

//! debugfs files whose contents come from Rust objects.
//!
//! Rust-for-Linux 6.12 has no debugfs bindings; this is the small part a module needs: a
//! directory tree with read-only text files ([`Show`]) and root-only control files
//! ([`Command`]), removed as a whole when the [`Tree`] drops. Removal waits for reads and
//! writes in progress and cuts off later ones (`debugfs_remove()`), and an open file keeps
//! the module loaded, so no callback runs on freed data or unloaded code.
//!
//! # Examples
//!
//! ```
//! use core::fmt::Write;
//! use kernel::{c_str, sync::Arc};
//! use rust_mempool::debugfs::{SeqFile, Show, Tree};
//!
//! struct Answer;
//!
//! impl Show for Answer {
//!     fn show(&self, out: &mut SeqFile<'_>) -> core::fmt::Result {
//!         writeln!(out, "answer: 42")
//!     }
//! }
//!
//! let mut tree = Tree::new(c_str!("doc_debugfs"))?;
//! let dir = tree.dir(None, c_str!("numbers"))?;
//! tree.show(Some(dir), c_str!("answer"), Arc::new(Answer, GFP_KERNEL)?)?;
//! // /sys/kernel/debug/doc_debugfs/numbers/answer reads "answer: 42".
//! # Ok::<(), Error>(())
//! ```

mod callbacks;

use crate::bindings;
use core::{marker::PhantomData, ptr::NonNull};
use kernel::{prelude::*, sync::Arc};

/// The text of a read-only file, produced anew on each read.
pub trait Show: Send + Sync + 'static {
    /// Writes the file's contents to `out`.
    fn show(&self, out: &mut SeqFile<'_>) -> core::fmt::Result;
}

/// A control file: readable like [`Show`], and each write is one command.
///
/// The C side has already refused writes at a non-zero offset (`EINVAL`) and writes longer
/// than 64 bytes (`E2BIG`); `command` gets the whole write and returns the error, if any,
/// that the writer sees. A refused command is logged, rate-limited.
pub trait Command: Show {
    /// Carries out one command.
    fn command(&self, cmd: &[u8]) -> Result;
}

/// The output of a read, a `seq_file`, as a [`core::fmt::Write`].
pub struct SeqFile<'a> {
    m: *mut bindings::seq_file,
    _p: PhantomData<&'a mut bindings::seq_file>,
}

impl core::fmt::Write for SeqFile<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        // SAFETY: `m` is the `seq_file` of the read in progress, valid for the lifetime `'a`;
        // `s` is valid for `s.len()` bytes. On overflow `seq_file` calls `show` again with a
        // larger buffer, so the result needs no handling here.
        unsafe { bindings::seq_write(self.m, s.as_ptr().cast(), s.len()) };
        Ok(())
    }
}

/// A directory of a [`Tree`], valid only with the tree that made it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DirId(usize);

/// The callbacks and data of one file, as C takes them, and how to release the data.
struct FileSlot {
    file: bindings::rmp_file,
    release: unsafe fn(*const core::ffi::c_void),
}

/// A debugfs directory tree owned by Rust: `/sys/kernel/debug/NAME/...`.
///
/// Where debugfs is off (`debugfs=off`, or not built) the tree is empty: it makes no
/// directory or file, and every call on it succeeds, so observation never stops a module from
/// loading or working.
///
/// # Invariants
///
/// - `root`, if any, and every `Some` entry of `dirs` are live debugfs directories under
///   `root`; `dirs` holds `None` only for a directory made without a root.
/// - Each `files` entry is the `i_private` of one file under `root`, with `data` from
///   `Arc::into_raw` of the type `release` takes back.
pub struct Tree {
    root: Option<NonNull<bindings::dentry>>,
    dirs: KVec<Option<NonNull<bindings::dentry>>>,
    files: KVec<KBox<FileSlot>>,
}

// SAFETY: Debugfs calls may be made from any thread; the file data is `Send + Sync`.
unsafe impl Send for Tree {}
// SAFETY: `&Tree` gives access to nothing.
unsafe impl Sync for Tree {}

impl Tree {
    /// Creates `/sys/kernel/debug/NAME`, or an empty tree if debugfs refuses it (debugfs is
    /// off): never an error for that.
    pub fn new(name: &CStr) -> Result<Self> {
        // SAFETY: `name` is NUL-terminated; a null parent means the debugfs root.
        let root = unsafe { bindings::rmp_debugfs_dir(name.as_char_ptr(), core::ptr::null_mut()) };
        // INVARIANT: `root` is checked: a live directory, or none.
        Ok(Self {
            root: NonNull::new(root),
            dirs: KVec::new(),
            files: KVec::new(),
        })
    }

    /// The tree's root directory (null for an empty tree), for C that adds entries of its own
    /// under it and removes them before the tree drops (`debugfs/registry.c`).
    pub fn root(&self) -> *mut bindings::dentry {
        self.root.map_or(core::ptr::null_mut(), NonNull::as_ptr)
    }

    /// The directory `dir` stands for (the root if `None`): `None` in an empty tree.
    fn parent(&self, dir: Option<DirId>) -> Result<Option<NonNull<bindings::dentry>>> {
        match dir {
            None => Ok(self.root),
            Some(DirId(i)) => self.dirs.get(i).copied().ok_or(EINVAL),
        }
    }

    /// Creates a directory in `parent` (the tree's root if `None`).
    pub fn dir(&mut self, parent: Option<DirId>, name: &CStr) -> Result<DirId> {
        let parent = self.parent(parent)?;
        self.dirs.reserve(1, GFP_KERNEL)?;
        let d = match parent {
            Some(parent) => {
                // SAFETY: `name` is NUL-terminated; `parent` is a live directory of this tree.
                let d = unsafe { bindings::rmp_debugfs_dir(name.as_char_ptr(), parent.as_ptr()) };
                Some(NonNull::new(d).ok_or(ENOMEM)?)
            }
            // An empty tree: no directory, and none in it.
            None => None,
        };
        // INVARIANT: `d` is a new directory under the root, or `None` without a root.
        self.dirs.push(d, GFP_KERNEL)?;
        Ok(DirId(self.dirs.len() - 1))
    }

    /// Creates a read-only file (mode 0444) that shows `data`.
    pub fn show<T: Show>(&mut self, dir: Option<DirId>, name: &CStr, data: Arc<T>) -> Result {
        self.add(dir, name, data, &callbacks::Ops::<T>::SHOW)
    }

    /// Creates a root-only control file (mode 0600) that shows `data` and takes commands.
    pub fn command<T: Command>(&mut self, dir: Option<DirId>, name: &CStr, data: Arc<T>) -> Result {
        self.add(dir, name, data, &callbacks::Ops::<T>::COMMAND)
    }

    fn add<T: Show>(
        &mut self,
        dir: Option<DirId>,
        name: &CStr,
        data: Arc<T>,
        ops: &'static bindings::rmp_file_ops,
    ) -> Result {
        // An empty tree: `data` drops here, as no file takes it.
        let Some(parent) = self.parent(dir)? else {
            return Ok(());
        };
        self.files.reserve(1, GFP_KERNEL)?;
        let mut slot = KBox::new(
            FileSlot {
                file: bindings::rmp_file {
                    ops,
                    data: core::ptr::null(),
                },
                release: release_arc::<T>,
            },
            GFP_KERNEL,
        )?;
        slot.file.data = Arc::into_raw(data).cast();
        // C takes a mutable pointer but only reads the file through it.
        let raw = core::ptr::from_ref(&slot.file).cast_mut();
        // SAFETY: `name` is NUL-terminated, `parent` a live directory of this tree, and `raw` a
        // file whose callbacks take its data's type; the box keeps it at this address until the
        // tree is removed.
        let d = unsafe { bindings::rmp_debugfs_file(name.as_char_ptr(), parent.as_ptr(), raw) };
        // Kept even on failure: dropping it releases the `Arc`, and nothing else refers to it.
        self.files.push(slot, GFP_KERNEL)?;
        if d.is_null() {
            return Err(ENOMEM);
        }
        Ok(())
    }
}

/// Takes back an `Arc<T>` given up with `Arc::into_raw`.
///
/// # Safety
///
/// `data` came from `Arc::<T>::into_raw` and is released once.
unsafe fn release_arc<T>(data: *const core::ffi::c_void) {
    // SAFETY: By the safety requirements.
    drop(unsafe { Arc::<T>::from_raw(data.cast()) });
}

impl Drop for Tree {
    fn drop(&mut self) {
        if let Some(root) = self.root {
            // SAFETY: `root` is a live directory (type invariant). Removal is recursive, waits
            // for every read and write in progress, and no callback can start afterwards.
            unsafe { bindings::rmp_debugfs_remove(root.as_ptr()) };
        }
        for slot in self.files.iter() {
            // SAFETY: No callback can use `data` any more; each slot is released once here.
            unsafe { (slot.release)(slot.file.data) };
        }
    }
}
