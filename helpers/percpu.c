// SPDX-License-Identifier: GPL-2.0

#include <linux/cpumask.h>
#include <linux/percpu.h>

__rust_helper void __percpu *rmp_helper_alloc_percpu(size_t size, size_t align)
{
	return __alloc_percpu(size, align);
}

__rust_helper void *rmp_helper_per_cpu_ptr(void __percpu *ptr, int cpu)
{
	return per_cpu_ptr(ptr, cpu);
}

__rust_helper bool rmp_helper_cpu_possible(unsigned int cpu)
{
	return cpu_possible(cpu);
}

__rust_helper void rmp_helper_this_cpu_add_u64(u64 __percpu *ptr, u64 val)
{
	this_cpu_add(*ptr, val);
}

__rust_helper void rmp_helper_this_cpu_add_long(long __percpu *ptr, long val)
{
	this_cpu_add(*ptr, val);
}

__rust_helper long rmp_helper_this_cpu_add_return_long(long __percpu *ptr, long val)
{
	return this_cpu_add_return(*ptr, val);
}

__rust_helper long rmp_helper_this_cpu_read_long(long __percpu *ptr)
{
	return this_cpu_read(*ptr);
}

__rust_helper long rmp_helper_this_cpu_cmpxchg_long(long __percpu *ptr, long old, long new)
{
	return this_cpu_cmpxchg(*ptr, old, new);
}
