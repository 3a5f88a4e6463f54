#!/usr/bin/env bash
# module.sh KDIR [ARGS...]: build the out-of-tree modules against KDIR.
source "$(dirname "$0")/lib.sh"

kdir=$1
shift
kmake "$kdir" M="$RMP_ROOT" "$@" modules 2>&1 | grep -v '^make\[[0-9]\]: \(Entering\|Leaving\)' >&2
