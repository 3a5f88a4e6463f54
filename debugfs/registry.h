/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registry of every cache and pool made with the library, in any module:
 * rust_mempool.ko keeps it and shows each entry in debugfs, under
 * /sys/kernel/debug/rust_mempool/MODULE/NAME/stats. The library calls
 * rmp_registry_add() and rmp_registry_remove(), which rust_mempool.ko
 * exports, so a module that uses the library needs rust_mempool.ko loaded.
 */
#ifndef RMP_DEBUGFS_REGISTRY_H
#define RMP_DEBUGFS_REGISTRY_H

#include <linux/types.h>

struct dentry;
struct module;
struct seq_file;

/* The longest directory name of an entry, NUL included. */
#define RMP_NAME_MAX 48

/* What a summary line shows of an entry. */
struct rmp_totals {
	u64 allocs;
	u64 frees;
	u64 live;
	u64 failures;
	/* Bytes per object or element: memory in use is live * object_size. */
	u64 object_size;
};

/*
 * How the registry reads an entry: totals() with the registry's lock held,
 * show() from a read of the entry's stats file, which removal waits for.
 */
struct rmp_entry_ops {
	/* Writes the entry's stats file with seq_write(); 0 or -errno. */
	int (*show)(struct seq_file *m, const void *data);
	/* Fills its summary line. */
	void (*totals)(const void *data, struct rmp_totals *t);
};

struct rmp_entry;

/*
 * Registers a cache or pool of @owner (NULL: the kernel itself) of @kind
 * ("cache", "pool") named @name, read through @ops with @data, both valid
 * until rmp_registry_remove(). Its directory is @name sanitised to
 * [A-Za-z0-9_.-] and cut to RMP_NAME_MAX - 5 bytes; a name its module
 * already shows gets "-2", then "-N" from the module's sequence, cutting the
 * name further to fit. Without debugfs (or when debugfs refuses the
 * directory) the entry shows in the summary only. NULL only if out of
 * memory: the caller goes on without showing it.
 */
struct rmp_entry *rmp_registry_add(struct module *owner, const char *kind,
				   const char *name,
				   const struct rmp_entry_ops *ops,
				   const void *data);
/*
 * Removes @entry, waiting for reads of its own stats file in progress, and
 * for no other reader: no lock is held meanwhile.
 */
void rmp_registry_remove(struct rmp_entry *entry);

/* One entry as a summary shows it. */
struct rmp_row {
	char module[RMP_NAME_MAX];
	char kind[8];
	char name[RMP_NAME_MAX];
	struct rmp_totals totals;
};

/* rust_mempool.ko only: entries show under @root from now on. */
void rmp_registry_open(struct dentry *root);
/* rust_mempool.ko only: removes every entry's files (before @root goes). */
void rmp_registry_close(void);
/* Copies up to @max entries into @rows; returns how many there are. */
size_t rmp_registry_rows(struct rmp_row *rows, size_t max);

#endif
