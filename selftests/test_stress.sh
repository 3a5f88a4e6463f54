#!/bin/sh
# The short version of make stress (README, "Reliability"): 60 seconds in
# six runs of 10, one per fault rate, one under memory pressure (GFP_NOIO
# while the OOM killer runs) and one of the fuzzer while rust_mempool.ko is
# unloaded and loaded again; the fuzzer writes to the control files all the
# while. Then every object must be back, every counter equal to what the
# workers counted, and the control files' counters consistent.
sh /guest/stress.sh 60 "1 10 50 100"
