#!/usr/bin/env bash
# help.sh: every make target and variable on one screen, with what each
# costs on a 2-core machine (measured; README.md has the details).
cat <<'HELP'
rust_mempool: typed slab caches and mempools for Rust drivers, tested in QEMU.

Targets (as root on Debian 12; each installs what it lacks)     cold     cached
  make run        build, boot, load the module, show its stats   ~7 min   ~30 s
  make shell      the same, then a shell (or stdin's commands)   ~7 min   ~20 s
  make test       every test on both kernels, summary per kernel ~35 min ~20 min
  make bench      the library against C on the same caches       ~7 min   ~45 s
  make stress     faults, OOM, fuzzing, load cycles on debug kernels; one table
  make series     the in-tree patch series into out/series/KVER/ ~2 min   ~10 s
  make module     the modules against KDIR (or the base kernel)  ~7 min   ~15 s
  make cache      what is cached (kernels, sources, tools), sizes
  make cache-clean            remove the cache; CLEAN_KVER=7.3 only that kernel
  make clean      remove build products from the source tree
  make help       this

Variables
  KVER=6.12 | 7.3 | "6.12 7.3"  kernels (test, stress: both; others: 6.12)
  KERNEL=base debug intree      flavours for test, stress (defaults: README)
  RUN_KERNEL=base | debug       flavour for run, shell, bench
  BENCH_MODE=icount | time      bench: instructions (repeatable) or emulated wall time
  DURATION=600 FAULTS=1,10,50,100 CYCLES=1000  stress: s per kernel, rates, loads
  KDIR=/path/to/linux           make module against another configured tree
  RMP_CACHE=dir                 where kernels are cached (~/.cache/rust_mempool)

Cold: packages and kernel builds included; KVER=7.3 adds about 6 minutes.
HELP
