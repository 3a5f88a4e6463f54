#!/bin/sh
# The short version of make stress (README, "Reliability"): every CPU at
# random across every kind of cache and pool for 60 seconds, 15 at each
# failslab rate, while root writes to the control files; then every object
# must be back and every counter equal to what the workers counted.
sh /guest/stress.sh 60 "1 10 50 100"
