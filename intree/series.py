#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generates the patch series that adds kernel::slab and kernel::mempool.

The series is made from the sources of slab/, mempool/ and helpers/ (the same
files the out-of-tree module builds), so there is nothing to keep in sync by
hand. Only what the in-tree build needs differs, and it is done here, for the
kernel the series is for (TARGET, 6.12 or 7.3):

- Rust: `kernel::` in code becomes `crate::` (the files are now part of the
  kernel crate); `rust_mempool::` in the documentation becomes `kernel::`;
  paths of sibling files in comments gain their `rust/kernel/` prefix. The
  feature probes of compat.mk are resolved for the target: an item under
  `#[cfg(rmp_...)]` stays (without the attribute) or goes. For 7.3,
  `c_str!("..")` becomes a `c".."` literal and imports take the vertical
  layout of Documentation/rust/coding-guidelines.rst. The result is
  formatted with the kernel's rustfmt settings.
- C: each function of helpers/NAME.c joins rust/helpers/NAME.c as
  rust_helper_* (rmp_helper_* out of tree), unless the kernel has it
  already; a new file is included from rust/helpers/helpers.c. The
  RMP_CONST_ values of bindings/library.h join
  rust/bindings/bindings_helper.h as RUST_CONST_HELPER_ ones.
- rust/kernel/lib.rs, samples/rust/ and MAINTAINERS get the lines that
  build and list the new files; for 7.3 a first patch adds GFP_NOIO and
  GFP_NOFS to kernel::alloc::flags, and the cover letter is addressed as
  scripts/get_maintainer.pl says.

Usage: series.py TARGET KERNEL_SOURCE OUT_DIR
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

# What compat.mk finds in each kernel the series is for; 7.3 also has the
# series' own first patch (GFP_NOIO), and its kernel crate runs the KUnit
# suites of slab/kunit.rs and mempool/kunit.rs (rmp_kunit, which nothing sets
# out of tree: #[kunit_tests] is 6.15 and later).
TARGET_CFGS = {
    "6.12": set(),
    "7.3": {"rmp_alloc_nid", "rmp_pin_init_crate", "rmp_kvec_inc_len", "rmp_kernel_fmt",
            "rmp_gfp_noio", "rmp_kernel_atomic", "rmp_kunit", "rmp_mempool_bulk"},
}

# The files of the kernel tree the series touches, copied into the scratch
# repository (new files need not exist).
TOUCHED = (
    "MAINTAINERS",
    "rust/bindings/bindings_helper.h",
    "rust/helpers/helpers.c",
    "rust/helpers/barrier.c",
    "rust/helpers/mempool.c",
    "rust/helpers/percpu.c",
    "rust/helpers/rcu.c",
    "rust/helpers/slab.c",
    "rust/kernel/alloc.rs",
    "rust/kernel/lib.rs",
    "samples/rust/Kconfig",
    "samples/rust/Makefile",
)

# Which helpers each patch brings: those of the slab patch, then the pool's.
SLAB_HELPERS = ("barrier", "percpu", "rcu", "slab")
MEMPOOL_HELPERS = ("mempool",)


def run(*args, cwd, env=None, stdout=None):
    return subprocess.run(args, cwd=cwd, env=env, check=True, text=True, stdout=stdout)


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


# Rust.

CFG_ATTR = re.compile(r"^\s*#\[cfg\((not\()?(rmp_\w+)\)?\)\]\s*$")
CFG_ATTR_ATTR = re.compile(r"^(\s*)#\[cfg_attr\((not\()?(rmp_\w+)\)?, (.*)\)\]\s*$")


def item_end(lines, start):
    """The index after the item that starts at lines[start] (after its attributes):
    a line ending in `;` at brace depth 0, or the line that closes its braces."""
    depth = 0
    for i in range(start, len(lines)):
        code = lines[i].split("//")[0]
        depth += code.count("{") + code.count("(") + code.count("[")
        depth -= code.count("}") + code.count(")") + code.count("]")
        stripped = code.rstrip()
        if depth <= 0 and (stripped.endswith(";") or stripped.endswith("}")
                           or stripped.endswith(",") or stripped.endswith("};")):
            return i + 1
    sys.exit(f"series.py: unterminated item at line {start + 1}")


def resolve_cfgs(text, cfgs):
    """Keeps the items whose `rmp_*` cfg holds for the target, without the attribute,
    and drops the others with their doc comments and attributes."""
    lines = text.split("\n")
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = CFG_ATTR_ATTR.match(line)
        if m:
            indent, neg, cfg, attr = m.groups()
            if (cfg in cfgs) != bool(neg):
                out.append(f"{indent}#[{attr}]")
            i += 1
            continue
        m = CFG_ATTR.match(line)
        if not m:
            out.append(line)
            i += 1
            continue
        neg, cfg = m.group(1), m.group(2)
        keep = (cfg in cfgs) != bool(neg)
        # The item's other attributes and doc comments, before and after this one.
        j = i + 1
        while j < len(lines) and re.match(r"^\s*(#\[|///)", lines[j]):
            j += 1
        end = item_end(lines, j)
        if keep:
            out.extend(lines[i + 1:end])
        else:
            # Its attributes and comments go with it.
            while out and re.match(r"^\s*(#\[|//)", out[-1]):
                out.pop()
        i = end
    return "\n".join(out)


def c_literals(text):
    """`c_str!("..")` becomes `c".."`, and imports of `c_str` go."""
    text = re.sub(r'c_str!\(("(?:[^"\\]|\\.)*")\)', r"c\1", text)
    text = re.sub(r"^(\s*(?:///\s*)?)use kernel::c_str;\n", "", text, flags=re.M)
    text = re.sub(r"^\s*c_str,\n", "", text, flags=re.M)
    text = re.sub(r"\bc_str, ", "", text)
    text = re.sub(r", c_str\b", "", text)
    return text


def split_top(s):
    """Splits `s` at the commas outside braces."""
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def vertical(tree, indent):
    """The vertical layout of one use tree (`a::{b, c}`): one item per line, braces only
    around two items or more, a trailing `//` after each list's last item."""
    m = re.match(r"^([\w:*]*?)(?:::)?\{(.*)\}$", tree, flags=re.S)
    if not m:
        return tree
    prefix, inner = m.group(1), m.group(2)
    items = split_top(inner)
    if len(items) == 1:
        return vertical(f"{prefix}::{items[0]}" if prefix else items[0], indent)
    pad = " " * (indent + 4)
    body = "".join(f"{pad}{vertical(it, indent + 4)},{' //' if k == len(items) - 1 else ''}\n"
                   for k, it in enumerate(items))
    head = f"{prefix}::{{" if prefix else "{"
    return f"{head}\n{body}{' ' * indent}}}"


def vertical_imports(text):
    """Rewrites each `use` statement of code (not of comments) in the vertical layout."""
    def one(m):
        lead, vis, tree = m.group(1), m.group(2) or "", re.sub(r"\s+", " ", m.group(3)).strip()
        tree = tree.replace("{ ", "{").replace(" }", "}").replace(", }", "}").replace(",}", "}")
        return f"{lead}{vis}use {vertical(tree, len(lead))};"
    return re.sub(r"^( *)(pub(?:\([\w ]+\))? )?use ([^;]*\{[^;]*);", one, text, flags=re.M)


def rust_for_kernel_crate(text, target):
    """Rewrites one Rust file of slab/ or mempool/ as a file of the kernel crate."""
    text = resolve_cfgs(text, TARGET_CFGS[target])
    if target != "6.12":
        text = c_literals(text)
    out = []
    for line in text.split("\n"):
        if line.lstrip().startswith("//"):
            line = line.replace("rust_mempool::", "kernel::")
            line = re.sub(r"(?<![\w/.])(slab|mempool)/(?=[\w*]+\.(?:rs|c|h)\b)",
                          r"rust/kernel/\1/", line)
        else:
            line = re.sub(r"(?<![\w:$])kernel::", "crate::", line)
        out.append(line)
    text = "\n".join(out)
    if target != "6.12":
        text = vertical_imports(text)
    return text


def sample_for(text, target):
    """The sample driver for the target kernel."""
    text = resolve_cfgs(text, TARGET_CFGS[target])
    if target != "6.12":
        text = c_literals(text)
        text = text.replace('    author: "Rust for Linux Contributors",',
                            '    authors: ["Rust for Linux Contributors"],')
        text = vertical_imports(text)
    return text


# C.

def realign(block, old, new):
    """Replaces `old` with `new` in the first line of a C function block that has it, and
    moves the continuation lines of that line's parameter list by as many columns, so that
    they stay aligned with the open parenthesis (checkpatch --strict)."""
    lines = block.split("\n")
    for i, line in enumerate(lines):
        if old not in line:
            continue
        lines[i] = line.replace(old, new, 1)
        delta = len(lines[i].expandtabs(8)) - len(line.expandtabs(8))
        j = i
        while j + 1 < len(lines) and lines[j].rstrip().endswith(","):
            j += 1
            text = lines[j].expandtabs(8)
            col = len(text) - len(text.lstrip()) + delta
            lines[j] = "\t" * (col // 8) + " " * (col % 8) + text.lstrip()
        break
    return "\n".join(lines)


def helper_functions(path):
    """The #include lines and the functions (name, text) of helpers/NAME.c."""
    text = path.read_text()
    includes = re.findall(r"^#include <[^>]+>$", text, flags=re.M)
    funcs = []
    for chunk in re.split(r"\n\n+", text):
        m = re.search(r"\brmp_helper_(\w+)\(", chunk)
        if m and "{" in chunk:
            funcs.append((m.group(1), chunk.strip("\n")))
    return includes, funcs


def add_helpers(tree, names, target):
    """Adds the functions of helpers/NAME.c for each NAME to rust/helpers/NAME.c, renamed
    rust_helper_*, except those the kernel has already."""
    for name in names:
        includes, funcs = helper_functions(ROOT / "helpers" / f"{name}.c")
        dst = tree / "rust/helpers" / f"{name}.c"
        new = not dst.exists() or not dst.read_text().strip()
        text = "// SPDX-License-Identifier: GPL-2.0\n\n" if new else dst.read_text()
        have = set(re.findall(r"\brust_helper_(\w+)\(", text))
        wanted = [(f, body) for f, body in funcs if f not in have]
        if not wanted:
            continue
        for inc in includes:
            if inc not in text:
                incs = re.findall(r"^#include <[^>]+>$", text, flags=re.M)
                if incs:
                    block = "\n".join(incs)
                    text = text.replace(block, "\n".join(sorted(incs + [inc])), 1)
                else:
                    text += inc + "\n"
        for f, body in wanted:
            body = realign(body, f"rmp_helper_{f}(", f"rust_helper_{f}(")
            if target == "6.12":
                # 6.12 has no __rust_helper: the helpers are plain exported functions.
                body = realign(body, "__rust_helper ", "")
            text = text.rstrip("\n") + "\n\n" + body + "\n"
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(text)
        if new:
            add_sorted_include(tree / "rust/helpers/helpers.c", f"{name}.c")


def add_sorted_include(path, name):
    """Adds `#include "NAME"` to the sorted list of rust/helpers/helpers.c."""
    lines = path.read_text().split("\n")
    inc = [i for i, l in enumerate(lines) if re.match(r'^#include "[^"]+"$', l)]
    entry = f'#include "{name}"'
    after = max((i for i in inc if lines[i] < entry), default=inc[0] - 1)
    lines.insert(after + 1, entry)
    path.write_text("\n".join(lines))


def add_const_helpers(tree):
    """The RMP_CONST_ values of bindings/library.h, as RUST_CONST_HELPER_ values of
    rust/bindings/bindings_helper.h."""
    consts = re.findall(r"^const (\w+) RMP_CONST_(\w+) = (\w+);$",
                        (ROOT / "bindings/library.h").read_text(), flags=re.M)
    path = tree / "rust/bindings/bindings_helper.h"
    lines = path.read_text().split("\n")
    # After the last constant outside any #if, which some configurations leave out.
    depth, last = 0, None
    for i, l in enumerate(lines):
        if l.startswith("#if"):
            depth += 1
        elif l.startswith("#endif"):
            depth -= 1
        elif depth == 0 and l.startswith("const ") and "RUST_CONST_HELPER_" in l:
            last = i
            while not lines[last].rstrip().endswith(";"):
                last += 1
    new = [f"const {t} RUST_CONST_HELPER_{n} = {v};" for t, n, v in consts
           if f"RUST_CONST_HELPER_{n} " not in "\n".join(lines)]
    lines[last + 1:last + 1] = new
    path.write_text("\n".join(lines))


# Kernel files.

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


MAINTAINERS_TITLE = "RUST [SLAB AND MEMPOOL]"


def maintainers_entry(path, files):
    """Adds or extends the MAINTAINERS entry, in its place among the sorted titles."""
    text = path.read_text()
    title = MAINTAINERS_TITLE + "\n"
    if title not in text:
        name, email = identity()
        entry = (title + f"M:\t{name} <{email}>\nL:\trust-for-linux@vger.kernel.org\n"
                 "L:\tlinux-mm@kvack.org\nS:\tMaintained\n")
        # Entries are blocks that start with an upper-case title line after a blank line.
        titles = [m for m in re.finditer(r"\n\n([A-Z0-9][^\n]*)\n[A-Z]:\t", text)]
        nxt = next(m for m in titles if m.group(1) > MAINTAINERS_TITLE
                   and m.start() > text.index("\nRUST\n"))
        pos = nxt.start() + 2
        text = text[:pos] + entry + "\n" + text[pos:]
    start = text.index(title)
    end = text.index("\n\n", start)
    entry = text[start:end].split("\n")
    entry += [f"F:\t{f}" for f in files]
    head = [l for l in entry if not l.startswith("F:")]
    pats = sorted(set(l for l in entry if l.startswith("F:")))
    text = text[:start] + "\n".join(head + pats) + text[end:]
    path.write_text(text)


def copy_module(src, kdir, tree, rustfmt, target):
    """Copies slab/ or mempool/ into the tree; returns the MAINTAINERS patterns."""
    dst = tree / "rust/kernel" / src
    dst.mkdir(parents=True, exist_ok=True)
    rust = []
    # Only the files the target's mod.rs declares: a module whose cfg the target does not
    # have (the KUnit suites on 6.12) stays out of its series.
    declared = set(re.findall(r"^\s*(?:pub(?:\([\w ]+\))? )?mod (\w+);",
                              resolve_cfgs((ROOT / src / "mod.rs").read_text(), TARGET_CFGS[target]),
                              flags=re.M))
    for f in sorted((ROOT / src).glob("*.rs")):
        if f.name != "mod.rs" and f.stem not in declared:
            continue
        target_file = tree / "rust/kernel" / f"{src}.rs" if f.name == "mod.rs" else dst / f.name
        text = f.read_text()
        if f.name == "compat.rs":
            # Its documentation is about the out-of-tree probes, which the series resolves.
            head, _, body = text.partition("\n\n")
            docs = [l for l in body.split("\n") if l.startswith("//!")]
            body = "\n".join(body.split("\n")[len(docs):]).lstrip("\n")
            text = f"{head}\n\n{(INTREE / 'compat-doc.txt').read_text()}\n{body}"
        target_file.write_text(rust_for_kernel_crate(text, target))
        rust.append(target_file)
    run(rustfmt, "--edition", "2021", "--config-path", str(kdir / ".rustfmt.toml"),
        *map(str, rust), cwd=tree)
    return [f"rust/kernel/{src}.rs", f"rust/kernel/{src}/"]


def gfp_flags(tree):
    """7.3's first patch: GFP_NOIO and GFP_NOFS in kernel::alloc::flags."""
    add_after(tree / "rust/bindings/bindings_helper.h",
              "const gfp_t RUST_CONST_HELPER_GFP_NOWAIT = GFP_NOWAIT;\n",
              "const gfp_t RUST_CONST_HELPER_GFP_NOIO = GFP_NOIO;\n"
              "const gfp_t RUST_CONST_HELPER_GFP_NOFS = GFP_NOFS;\n")
    path = tree / "rust/kernel/alloc.rs"
    text = path.read_text()
    anchor = re.search(r"\n(    /// [^\n]*\n)*    pub const GFP_NOWAIT: Flags = Flags\(bindings::GFP_NOWAIT\);\n",
                       text)
    if not anchor:
        sys.exit("series.py: rust/kernel/alloc.rs: GFP_NOWAIT not found")
    new = ("\n    /// Like [`GFP_KERNEL`], but may not start any I/O to reclaim memory: for allocations\n"
           "    /// on the block I/O path.\n"
           "    pub const GFP_NOIO: Flags = Flags(bindings::GFP_NOIO);\n"
           "\n    /// Like [`GFP_KERNEL`], but may not call into filesystems to reclaim memory: for\n"
           "    /// allocations under filesystem locks.\n"
           "    pub const GFP_NOFS: Flags = Flags(bindings::GFP_NOFS);\n")
    path.write_text(text[:anchor.end()] + new + text[anchor.end():])


def commit(tree, message, env, target):
    msg = INTREE / "messages" / target / message
    if not msg.exists():
        msg = INTREE / "messages" / message
    run("git", "add", "-A", cwd=tree)
    run("git", "commit", "-q", "-s", "-F", str(msg), cwd=tree, env=env)


def addressees(kdir, tree, patches):
    """To and Cc of the cover letter: what get_maintainer.pl prints for the series, with
    the MAINTAINERS entry the series adds."""
    r = subprocess.run(["perl", "scripts/get_maintainer.pl", "--no-git", "--no-git-fallback",
                        "--no-rolestats", "--mpath", str(tree / "MAINTAINERS"), *map(str, patches)],
                       cwd=kdir, text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       check=True)
    people = [l.strip() for l in r.stdout.split("\n") if l.strip()]
    lists = [p for p in people if "@vger.kernel.org" in p or "@kvack.org" in p or "@lists." in p]
    return [p for p in people if p not in lists], lists


def main():
    target = sys.argv[1]
    if target not in TARGET_CFGS:
        sys.exit(f"series.py: no series for linux-{target} (there is one for "
                 f"{', '.join(TARGET_CFGS)})")
    kdir, out = pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3]).resolve()
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
            if (kdir / f).exists():
                (tree / f).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(kdir / f, tree / f)
        run("git", "init", "-q", cwd=tree)
        run("git", "add", "-A", cwd=tree)
        run("git", "commit", "-q", "-m", f"linux-source-{target} (the files the series touches)",
            cwd=tree, env=env)
        n = 0
        if target != "6.12":
            gfp_flags(tree)
            commit(tree, "0000-rust-alloc-gfp.txt", env, target)
            n += 1
        # kernel::slab.
        files = copy_module("slab", kdir, tree, rustfmt, target)
        add_module(tree / "rust/kernel/lib.rs", "slab")
        add_helpers(tree, SLAB_HELPERS, target)
        add_const_helpers(tree)
        maintainers_entry(tree / "MAINTAINERS", files + [f"rust/helpers/{h}.c" for h in
                                                         ("percpu",)])
        commit(tree, "0001-rust-slab.txt", env, target)
        # kernel::mempool.
        files = copy_module("mempool", kdir, tree, rustfmt, target)
        add_module(tree / "rust/kernel/lib.rs", "mempool")
        add_helpers(tree, MEMPOOL_HELPERS, target)
        maintainers_entry(tree / "MAINTAINERS", files + ["rust/helpers/mempool.c"])
        commit(tree, "0002-rust-mempool.txt", env, target)
        # The sample driver.
        (tree / "samples/rust/rust_mempool_user.rs").write_text(
            sample_for((INTREE / "sample/rust_mempool_user.rs").read_text(), target))
        run(rustfmt, "--edition", "2021", "--config-path", str(kdir / ".rustfmt.toml"),
            "samples/rust/rust_mempool_user.rs", cwd=tree)
        add_after(tree / "samples/rust/Kconfig",
                  "\t  the module will be called rust_print.\n\n\t  If unsure, say N.\n",
                  (INTREE / "sample/Kconfig").read_text())
        add_after(tree / "samples/rust/Makefile",
                  "obj-$(CONFIG_SAMPLE_RUST_PRINT)\t\t\t+= rust_print.o\n",
                  "obj-$(CONFIG_SAMPLE_RUST_MEMPOOL_USER)\t\t+= rust_mempool_user.o\n")
        maintainers_entry(tree / "MAINTAINERS", ["samples/rust/rust_mempool_user.rs"])
        commit(tree, "0003-samples-rust-mempool-user.txt", env, target)
        n += 3
        if out.exists():
            for f in out.glob("*.patch"):
                f.unlink()
        out.mkdir(parents=True, exist_ok=True)
        run("git", "format-patch", "-q", "--cover-letter", "-o", str(out), f"HEAD~{n}",
            cwd=tree, env=env)
        patches = sorted(p for p in out.glob("*.patch") if not p.name.startswith("0000-"))
        to, cc = addressees(kdir, tree, patches)
    cover = next(out.glob("0000-*.patch"))
    msg = INTREE / "messages" / target / "0000-cover.txt"
    if not msg.exists():
        msg = INTREE / "messages/0000-cover.txt"
    subject, _, blurb = msg.read_text().partition("\n\n")
    text = cover.read_text()
    text = text.replace("*** SUBJECT HERE ***", subject.strip())
    text = text.replace("*** BLURB HERE ***", blurb.strip())
    head, sep, rest = text.partition("\n\n")
    if to:
        head += "\nTo: " + ",\n    ".join(to)
    if cc:
        head += "\nCc: " + ",\n    ".join(cc)
    cover.write_text(head + sep + rest)
    for f in sorted(out.glob("*.patch")):
        print(f)


if __name__ == "__main__":
    main()
