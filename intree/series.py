#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generates the patch series that adds kernel::slab and kernel::mempool.

The series is made from the sources of slab/ and mempool/ (the same files the
out-of-tree module builds), so there is nothing to keep in sync by hand. Only
what the in-tree build needs differs, and it is done here:

- Rust: `kernel::` in code becomes `crate::` (the files are now part of the
  kernel crate); `rust_mempool::` in the documentation becomes `kernel::`;
  paths of sibling files in comments gain their `rust/kernel/` prefix. The
  result is formatted with the kernel's rustfmt settings.
- C: every function gets an EXPORT_SYMBOL_GPL(), since generic Rust code is
  instantiated in the modules that use it and calls the C side from there.
  The headers join rust/bindings/bindings_helper.h, so that the kernel's
  bindgen declares the C side for Rust as the module's Kbuild does: the code's
  `crate::bindings` is then the kernel's bindings crate.
- rust/kernel/lib.rs, rust/Makefile, samples/rust/ and MAINTAINERS get the
  lines that build and list the new files.

Usage: series.py KERNEL_SOURCE OUT_DIR
Writes OUT_DIR/*.patch (cover letter first) and prints their paths.
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
INTREE = ROOT / "intree"
# The touched files of the kernel tree, copied into the scratch repository.
TOUCHED = (
    "MAINTAINERS",
    "rust/Makefile",
    "rust/bindings/bindings_helper.h",
    "rust/kernel/lib.rs",
    "samples/rust/Kconfig",
    "samples/rust/Makefile",
)


def run(*args, cwd, env=None):
    subprocess.run(args, cwd=cwd, env=env, check=True, text=True)


def identity():
    """The name and email the patches are signed off with: the git identity of whoever
    generates them, else the author of the project's last commit."""
    who = []
    for key, fmt in (("user.name", "%an"), ("user.email", "%ae")):
        r = subprocess.run(["git", "-C", str(ROOT), "config", key], text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if r.returncode != 0 or not r.stdout.strip():
            r = subprocess.run(["git", "-C", str(ROOT), "log", "-1", f"--format={fmt}"],
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if r.returncode != 0 or not r.stdout.strip():
            sys.exit(f"series.py: no {key}: set it with git config, it signs the patches")
        who.append(r.stdout.strip())
    return who


def rust_for_kernel_crate(text):
    """Rewrites one Rust file of slab/ or mempool/ as a file of the kernel crate."""
    out = []
    for line in text.split("\n"):
        if line.lstrip().startswith("//"):
            line = line.replace("rust_mempool::", "kernel::")
            line = re.sub(r"(?<![\w/.])(slab|mempool)/(?=[\w*]+\.(?:rs|c|h)\b)",
                          r"rust/kernel/\1/", line)
        else:
            line = re.sub(r"(?<![\w:$])kernel::", "crate::", line)
        out.append(line)
    return "\n".join(out)


def c_for_kernel(text):
    """Adds <linux/export.h> and an EXPORT_SYMBOL_GPL() after each global function."""
    lines = text.split("\n")
    includes = [i for i, l in enumerate(lines) if l.startswith("#include <linux/")]
    if includes:
        first, last = includes[0], includes[-1]
        block = sorted(set(lines[first:last + 1] + ["#include <linux/export.h>"]))
        lines[first:last + 1] = block
    out, name = [], None
    for line in lines:
        m = re.match(r"^(?!static\b)[a-z][^;(]*?\b(\w+)\(", line)
        if m and not line.endswith(";"):
            name = m.group(1)
        out.append(line)
        if line == "}" and name:
            out.append(f"EXPORT_SYMBOL_GPL({name});")
            name = None
    return "\n".join(out)


def add_module(path, module):
    """Adds `pub mod MODULE;` to rust/kernel/lib.rs in alphabetical order."""
    lines = path.read_text().split("\n")
    mods = [(i, re.match(r"^(?:pub )?mod (\w+);", l)) for i, l in enumerate(lines)]
    mods = [(i, m.group(1)) for i, m in mods if m]
    after = max(i for i, name in mods if name < module)
    # Keep a module's #[cfg] attribute with it: insert after the previous module line.
    lines.insert(after + 1, f"pub mod {module};")
    path.write_text("\n".join(lines))


def add_after(path, anchor, new):
    """Inserts NEW right after the first occurrence of ANCHOR in PATH."""
    text = path.read_text()
    if anchor not in text:
        sys.exit(f"series.py: {path}: anchor {anchor!r} not found")
    path.write_text(text.replace(anchor, anchor + new, 1))


def maintainers_entry(path, files):
    """Adds or extends the MAINTAINERS entry, after RUST [ALLOC]'s."""
    text = path.read_text()
    title = "RUST [SLAB AND MEMPOOL]\n"
    if title not in text:
        name, email = identity()
        who = f"{name} <{email}>"
        entry = (title + f"M:\t{who}\nL:\trust-for-linux@vger.kernel.org\nS:\tMaintained\n")
        anchor = "F:\trust/kernel/alloc/\n"
        pos = text.index(anchor, text.index("RUST [ALLOC]\n")) + len(anchor)
        text = text[:pos] + "\n" + entry + text[pos:]
    start = text.index(title)
    end = text.index("\n\n", start)
    entry = text[start:end].split("\n")
    entry += [f"F:\t{f}" for f in files]
    head = [l for l in entry if not l.startswith("F:")]
    pats = sorted(set(l for l in entry if l.startswith("F:")))
    text = text[:start] + "\n".join(head + pats) + text[end:]
    path.write_text(text)


def copy_module(src, kdir, tree, rustfmt):
    """Copies slab/ or mempool/ into the tree; returns the MAINTAINERS patterns."""
    dst = tree / "rust/kernel" / src
    dst.mkdir(parents=True, exist_ok=True)
    rust = []
    for f in sorted((ROOT / src).iterdir()):
        if f.suffix == ".rs":
            target = tree / "rust/kernel" / f"{src}.rs" if f.name == "mod.rs" else dst / f.name
            target.write_text(rust_for_kernel_crate(f.read_text()))
            rust.append(target)
        elif f.suffix == ".c":
            (dst / f.name).write_text(c_for_kernel(f.read_text()))
        elif f.suffix == ".h":
            shutil.copy(f, dst / f.name)
    run(rustfmt, "--edition", "2021", "--config-path", str(kdir / ".rustfmt.toml"),
        *map(str, rust), cwd=tree)
    return [f"rust/kernel/{src}.rs", f"rust/kernel/{src}/"]


def commit(tree, message, env):
    run("git", "add", "-A", cwd=tree)
    run("git", "commit", "-q", "-s", "-F", str(INTREE / "messages" / message), cwd=tree, env=env)


def main():
    kdir, out = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    rustfmt = os.environ.get("RUSTFMT", "/usr/bin/rustfmt")
    # Fixed dates: the same sources give the same patches, byte for byte.
    env = dict(os.environ, GIT_AUTHOR_DATE="2026-01-01T00:00:00Z",
               GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
    name, email = identity()
    for who in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{who}_NAME"], env[f"GIT_{who}_EMAIL"] = name, email

    with tempfile.TemporaryDirectory() as tmp:
        tree = pathlib.Path(tmp)
        for f in TOUCHED:
            (tree / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(kdir / f, tree / f)
        run("git", "init", "-q", cwd=tree)
        run("git", "add", "-A", cwd=tree)
        run("git", "commit", "-q", "-m", "linux-source-6.12 (the files the series touches)",
            cwd=tree, env=env)

        # 1: kernel::slab.
        files = copy_module("slab", kdir, tree, rustfmt)
        add_module(tree / "rust/kernel/lib.rs", "slab")
        add_after(tree / "rust/Makefile",
                  "CFLAGS_REMOVE_helpers/helpers.o = -Wmissing-prototypes -Wmissing-declarations\n",
                  "\n# The C side of kernel::slab and kernel::mempool.\n"
                  "obj-$(CONFIG_RUST) += kernel/slab/stats.o kernel/slab/cache.o\n")
        add_after(tree / "rust/bindings/bindings_helper.h", "#include <linux/workqueue.h>\n",
                  '#include "../kernel/slab/cache.h"\n')
        maintainers_entry(tree / "MAINTAINERS", files)
        commit(tree, "0001-rust-slab.txt", env)

        # 2: kernel::mempool.
        files = copy_module("mempool", kdir, tree, rustfmt)
        add_module(tree / "rust/kernel/lib.rs", "mempool")
        add_after(tree / "rust/Makefile",
                  "obj-$(CONFIG_RUST) += kernel/slab/stats.o kernel/slab/cache.o\n",
                  "obj-$(CONFIG_RUST) += kernel/mempool/pool.o\n")
        add_after(tree / "rust/bindings/bindings_helper.h", '#include "../kernel/slab/cache.h"\n',
                  '#include "../kernel/mempool/pool.h"\n')
        maintainers_entry(tree / "MAINTAINERS", files)
        commit(tree, "0002-rust-mempool.txt", env)

        # 3: the sample driver.
        shutil.copy(INTREE / "sample/rust_mempool_user.rs",
                    tree / "samples/rust/rust_mempool_user.rs")
        add_after(tree / "samples/rust/Kconfig",
                  "\t  the module will be called rust_print.\n\n\t  If unsure, say N.\n",
                  (INTREE / "sample/Kconfig").read_text())
        add_after(tree / "samples/rust/Makefile",
                  "obj-$(CONFIG_SAMPLE_RUST_PRINT)\t\t\t+= rust_print.o\n",
                  "obj-$(CONFIG_SAMPLE_RUST_MEMPOOL_USER)\t\t+= rust_mempool_user.o\n")
        maintainers_entry(tree / "MAINTAINERS", ["samples/rust/rust_mempool_user.rs"])
        commit(tree, "0003-samples-rust-mempool-user.txt", env)

        if out.exists():
            for f in out.glob("*.patch"):
                f.unlink()
        out.mkdir(parents=True, exist_ok=True)
        run("git", "format-patch", "-q", "--cover-letter", "-o", str(out), "HEAD~3",
            cwd=tree, env=env)
    cover = next(out.glob("0000-*.patch"))
    subject, _, blurb = (INTREE / "messages/0000-cover.txt").read_text().partition("\n\n")
    text = cover.read_text()
    text = text.replace("*** SUBJECT HERE ***", subject.strip())
    text = text.replace("*** BLURB HERE ***", blurb.strip())
    cover.write_text(text)
    for f in sorted(out.glob("*.patch")):
        print(f)


if __name__ == "__main__":
    main()
