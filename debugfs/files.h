/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs files whose contents come from Rust. Rust sees this header through
 * bindgen (bindings/) and supplies the callbacks in debugfs/callbacks.rs.
 */
#ifndef RMP_DEBUGFS_FILES_H
#define RMP_DEBUGFS_FILES_H

#include <linux/types.h>

struct dentry;
struct seq_file;

/* The longest command a control file accepts, newline included. */
#define RMP_CTL_MAX 64

struct rmp_file_ops {
	/* Writes the file's text with seq_write(); 0 or -errno. */
	int (*show)(struct seq_file *m, const void *data);
	/* Handles one command, NUL-terminated; 0 or -errno. NULL: read-only. */
	int (*write)(const void *data, const char *cmd, size_t len);
};

/* A file's callbacks and their argument; owned by Rust (FileSlot in debugfs/mod.rs). */
struct rmp_file {
	const struct rmp_file_ops *ops;
	const void *data;
};

struct dentry *rmp_debugfs_dir(const char *name, struct dentry *parent);
struct dentry *rmp_debugfs_file(const char *name, struct dentry *parent,
				struct rmp_file *f);
void rmp_debugfs_remove(struct dentry *dentry);

#endif
