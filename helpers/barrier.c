// SPDX-License-Identifier: GPL-2.0

#include <asm/barrier.h>

__rust_helper void rmp_helper_smp_mb(void)
{
	/* What it orders is for the Rust caller to say, next to the call. */
	smp_mb();
}

__rust_helper void rmp_helper_smp_rmb(void)
{
	/* What it orders is for the Rust caller to say, next to the call. */
	smp_rmb();
}

__rust_helper void rmp_helper_smp_wmb(void)
{
	/* What it orders is for the Rust caller to say, next to the call. */
	smp_wmb();
}
